# sshd: the unlock path (LUKS, the unlock socket and program, console prompt, dropbear).
LIBS += sshd
sshd_SRCS := sshd/secret.c sshd/luks.c sshd/luks_config.c
sshd_PKGS := libcryptsetup
