# keys: host keys, fingerprints, authorized_keys (libkeys; `sesame keys`).
# libkeysboot is the part /init links: it prints the fingerprints the
# builder computed and needs no mbedtls; libkeys holds it too, for the host.
LIBS += keysboot
keysboot_SRCS := keys/fpfile.c

LIBS += keys
keys_SRCS := $(keysboot_SRCS) keys/pubkey.c keys/fingerprint.c \
	keys/authkeys.c keys/hostkeys.c
# Debian 12's mbedtls 2.28 has no .pc file: the Makefile falls back to -l.
keys_PKGS := mbedcrypto

UNIT_TESTS += test_keys_authkeys test_keys_fingerprint test_keys_hostkeys
test_keys_authkeys_SRCS := tests/unit/test_keys_authkeys.c
test_keys_authkeys_LIBS := keys common
test_keys_authkeys_PKGS := cmocka mbedcrypto
test_keys_fingerprint_SRCS := tests/unit/test_keys_fingerprint.c
test_keys_fingerprint_LIBS := keys common
test_keys_fingerprint_PKGS := cmocka mbedcrypto
test_keys_hostkeys_SRCS := tests/unit/test_keys_hostkeys.c
test_keys_hostkeys_LIBS := tool keys common
test_keys_hostkeys_PKGS := cmocka mbedcrypto

# The boot-side reader, linked without mbedtls (a link error if it needs it).
UNIT_TESTS += test_keys_fpfile
test_keys_fpfile_SRCS := tests/unit/test_keys_fpfile.c
test_keys_fpfile_LIBS := keysboot common
test_keys_fpfile_PKGS := cmocka

FUZZ_TARGETS += fuzz_authkeys
fuzz_authkeys_SRCS := tests/fuzz/fuzz_authkeys.c
fuzz_authkeys_LIBS := keys common
fuzz_authkeys_PKGS := mbedcrypto

FUZZ_TARGETS += fuzz_fpfile
fuzz_fpfile_SRCS := tests/fuzz/fuzz_fpfile.c
fuzz_fpfile_LIBS := keysboot common
