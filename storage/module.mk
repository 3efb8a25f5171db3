# storage: md RAID and LVM at boot (the /init hook) and their parsers.
LIBS += storage
storage_SRCS := storage/parse.c storage/hook.c
storage_PKGS := libkmod blkid

UNIT_TESTS += test_storage_parse
test_storage_parse_SRCS := tests/unit/test_storage_parse.c storage/parse.c
test_storage_parse_LIBS := common
test_storage_parse_PKGS := cmocka

FUZZ_TARGETS += fuzz_storage
fuzz_storage_SRCS := tests/fuzz/fuzz_storage.c storage/parse.c
fuzz_storage_LIBS := common

# The hook into /init (init/hooks.h): storage/hook.c.
INIT_HOOKS += storage_hook
INIT_HOOK_LIBS += storage

# The builder's part (image/storage.c): --hostonly's detection on fake trees.
UNIT_TESTS += test_storage_detect
test_storage_detect_SRCS := tests/unit/test_storage_detect.c
test_storage_detect_LIBS := image common
test_storage_detect_PKGS := cmocka libarchive libkmod
