# sshd: the unlock path. libsshd (LUKS, the unlock socket, the console
# prompt, the worker) runs in sesame-unlockd; libsshdhook (dropbear and the
# supervision of sesame-unlockd) in PID 1, which never links libcryptsetup.
LIBS += sshd
sshd_SRCS := sshd/secret.c sshd/luks.c sshd/luks_config.c sshd/unlockproto.c \
	sshd/unlock_server.c sshd/console_prompt.c sshd/unlock_service.c \
	sshd/luks_worker.c
sshd_PKGS := libcryptsetup

LIBS += sshdhook
sshdhook_SRCS := sshd/dropbear.c sshd/hook.c sshd/unlockd_proto.c

# The unlock process: its link to PID 1 on stdin (sshd/unlockd_proto.h).
PROGS += sesame-unlockd
BOOT_PROGS += sesame-unlockd
sesame-unlockd_SRCS := sshd/unlockd_main.c sshd/unlockd_proto.c
sesame-unlockd_LIBS := sshd common
sesame-unlockd_PKGS := libcryptsetup

UNIT_TESTS += test_sshd_unlockd_proto
test_sshd_unlockd_proto_SRCS := tests/unit/test_sshd_unlockd_proto.c
test_sshd_unlockd_proto_LIBS := sshdhook common
test_sshd_unlockd_proto_PKGS := cmocka

FUZZ_TARGETS += fuzz_unlockdmsg
fuzz_unlockdmsg_SRCS := tests/fuzz/fuzz_unlockdmsg.c sshd/unlockd_proto.c
fuzz_unlockdmsg_LIBS := common

UNIT_TESTS += test_sshd_luks
test_sshd_luks_SRCS := tests/unit/test_sshd_luks.c tests/unit/sshd_fixtures.c
test_sshd_luks_LIBS := sshd common
test_sshd_luks_PKGS := cmocka libcryptsetup

# The loop is in libcommon.
UNIT_TESTS += test_sshd_unlockproto
test_sshd_unlockproto_SRCS := tests/unit/test_sshd_unlockproto.c
test_sshd_unlockproto_LIBS := sshd common
test_sshd_unlockproto_PKGS := cmocka libcryptsetup

FUZZ_TARGETS += fuzz_unlockmsg
fuzz_unlockmsg_SRCS := tests/fuzz/fuzz_unlockmsg.c sshd/unlockproto.c
fuzz_unlockmsg_LIBS := common

# The unlock command (/bin/unlock in the image): no libcryptsetup, no loop.
PROGS += unlock
BOOT_PROGS += unlock
unlock_SRCS := sshd/unlock_main.c sshd/unlockproto.c sshd/secret.c
unlock_LIBS := common

# End to end: runs $(B)/bin/unlock against the service (order-only prerequisite).
UNIT_TESTS += test_sshd_unlock
test_sshd_unlock_SRCS := tests/unit/test_sshd_unlock.c tests/unit/sshd_fixtures.c
test_sshd_unlock_LIBS := sshd common
test_sshd_unlock_PKGS := cmocka libcryptsetup
$(B)/tests/test_sshd_unlock: | $(B)/bin/unlock

# Runs the host's dropbear on 127.0.0.1 (skipped when it is not installed).
UNIT_TESTS += test_sshd_dropbear
# (init: the loop and child_reap(), init's reaper that tells dropbear.)
test_sshd_dropbear_SRCS := tests/unit/test_sshd_dropbear.c tests/unit/sshd_fixtures.c
test_sshd_dropbear_LIBS := sshdhook sshd init common
test_sshd_dropbear_PKGS := cmocka libcryptsetup libkmod blkid

# The hook into /init (init/hooks.h): sesame-unlockd supervised, dropbear.
INIT_HOOKS += sshd_hook
INIT_HOOK_LIBS += sshdhook keysboot

UNIT_TESTS += test_sshd_hook
test_sshd_hook_SRCS := tests/unit/test_sshd_hook.c tests/unit/sshd_fixtures.c
test_sshd_hook_LIBS := sshdhook sshd keys init common
test_sshd_hook_PKGS := cmocka libcryptsetup libkmod blkid mbedcrypto
$(B)/tests/test_sshd_hook: | $(B)/bin/sesame-unlockd

FUZZ_TARGETS += fuzz_crypttab
fuzz_crypttab_SRCS := tests/fuzz/fuzz_crypttab.c sshd/luks_config.c
fuzz_crypttab_LIBS := common

# The unlock worker's answer to /init (sshd/luks_worker.h).
FUZZ_TARGETS += fuzz_luksworker
fuzz_luksworker_SRCS := tests/fuzz/fuzz_luksworker.c sshd/luks_worker.c \
	sshd/luks.c sshd/luks_config.c sshd/secret.c
fuzz_luksworker_LIBS := common
fuzz_luksworker_PKGS := libcryptsetup
