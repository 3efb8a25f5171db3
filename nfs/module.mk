# nfs: NFS root: the specs users write, resolved into mount(2)'s arguments.
LIBS += nfs
nfs_SRCS := nfs/nfsroot.c nfs/mount.c

UNIT_TESTS += test_nfs_root
test_nfs_root_SRCS := tests/unit/test_nfs_root.c
test_nfs_root_LIBS := nfs common
test_nfs_root_PKGS := cmocka

FUZZ_TARGETS += fuzz_nfsroot
fuzz_nfsroot_SRCS := tests/fuzz/fuzz_nfsroot.c nfs/nfsroot.c
fuzz_nfsroot_LIBS := common

UNIT_TESTS += test_nfs_mount
test_nfs_mount_SRCS := tests/unit/test_nfs_mount.c
test_nfs_mount_LIBS := nfs common
test_nfs_mount_PKGS := cmocka

# PID 1 parses NFS roots and is the nfs-mount applet: libinit carries these.
init_SRCS += $(nfs_SRCS)
