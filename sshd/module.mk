# sshd: the unlock path (LUKS, the unlock socket and program, console prompt, dropbear).
LIBS += sshd
sshd_SRCS := sshd/secret.c sshd/luks.c sshd/luks_config.c sshd/unlockproto.c \
	sshd/unlock_server.c sshd/console_prompt.c sshd/unlock_service.c \
	sshd/luks_worker.c \
	sshd/dropbear.c sshd/hook.c
sshd_PKGS := libcryptsetup

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
test_sshd_dropbear_LIBS := sshd init common
test_sshd_dropbear_PKGS := cmocka libcryptsetup libkmod blkid

# The hook into /init (init/hooks.h): LUKS devices, the unlock service, dropbear.
INIT_HOOKS += sshd_hook
INIT_HOOK_LIBS += sshd keysboot

UNIT_TESTS += test_sshd_hook
test_sshd_hook_SRCS := tests/unit/test_sshd_hook.c tests/unit/sshd_fixtures.c
test_sshd_hook_LIBS := sshd keys init common
test_sshd_hook_PKGS := cmocka libcryptsetup libkmod blkid mbedcrypto

FUZZ_TARGETS += fuzz_crypttab
fuzz_crypttab_SRCS := tests/fuzz/fuzz_crypttab.c sshd/luks_config.c
fuzz_crypttab_LIBS := common

# The unlock worker's answer to /init (sshd/luks_worker.h).
FUZZ_TARGETS += fuzz_luksworker
fuzz_luksworker_SRCS := tests/fuzz/fuzz_luksworker.c sshd/luks_worker.c \
	sshd/luks.c sshd/luks_config.c sshd/secret.c
fuzz_luksworker_LIBS := common
fuzz_luksworker_PKGS := libcryptsetup
