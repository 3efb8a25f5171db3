# sshd: the unlock path (LUKS, the unlock socket and program, console prompt, dropbear).
LIBS += sshd
sshd_SRCS := sshd/secret.c sshd/luks.c sshd/luks_config.c
sshd_PKGS := libcryptsetup

UNIT_TESTS += test_sshd_luks
test_sshd_luks_SRCS := tests/unit/test_sshd_luks.c
test_sshd_luks_LIBS := sshd common
test_sshd_luks_PKGS := cmocka libcryptsetup
