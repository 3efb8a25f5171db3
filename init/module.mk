# init: /init (PID 1) as program sesame-init; the logic in libinit for tests.
# Hooks (net/, sshd/, storage) add themselves from their own module.mk:
#   INIT_HOOKS += my_hook          (the variable given to INIT_HOOK())
#   INIT_HOOK_LIBS += mylib        (its archive, linked before libinit)
LIBS += init
init_SRCS := init/sys.c init/cmdline.c init/spec.c \
	init/uevent.c init/fstab.c init/mountopt.c init/fsck.c init/child.c \
	init/early.c init/modules.c init/blockdev.c init/switchroot.c \
	init/emergency.c init/hooks.c init/boot.c init/boot_rescue.c \
	init/boot_devices.c init/boot_mount.c init/boot_handoff.c init/boot_nfs.c
init_PKGS := libkmod blkid

PROGS += sesame-init
BOOT_PROGS += sesame-init
sesame-init_SRCS := init/main.c
sesame-init_LIBS = $(INIT_HOOK_LIBS) init common
sesame-init_PKGS := libkmod blkid
sesame-init_LDLIBS = $(foreach h,$(INIT_HOOKS),-Wl,-u,init_hook_anchor_$(h))

INIT_TESTS := test_init_cmdline test_init_spec test_init_uevent \
	test_init_fstab test_init_fsck test_init_switchroot test_init_child \
	test_init_hooks test_init_boot_resume test_init_boot
UNIT_TESTS += $(INIT_TESTS)
$(foreach t,$(INIT_TESTS),$(eval $(t)_SRCS := tests/unit/$(t).c))
$(foreach t,$(INIT_TESTS),$(eval $(t)_LIBS := init common))
$(foreach t,$(INIT_TESTS),$(eval $(t)_PKGS := cmocka libkmod blkid))

FUZZ_TARGETS += fuzz_cmdline
fuzz_cmdline_SRCS := tests/fuzz/fuzz_cmdline.c
fuzz_cmdline_LIBS := init common
fuzz_cmdline_PKGS := libkmod blkid
