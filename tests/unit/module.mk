UNIT_TESTS += test_common
test_common_SRCS := tests/unit/test_common.c
test_common_LIBS := common
test_common_PKGS := cmocka

UNIT_TESTS += test_common_loop
test_common_loop_SRCS := tests/unit/test_common_loop.c
test_common_loop_LIBS := common
test_common_loop_PKGS := cmocka

UNIT_TESTS += test_common_cmdline
test_common_cmdline_SRCS := tests/unit/test_common_cmdline.c
test_common_cmdline_LIBS := common
test_common_cmdline_PKGS := cmocka

# The splitter /init and the audit share; seeds in tests/fuzz/corpus/.
FUZZ_TARGETS += fuzz_cmdline_split
fuzz_cmdline_split_SRCS := tests/fuzz/fuzz_cmdline_split.c
fuzz_cmdline_split_LIBS := common

UNIT_TESTS += test_common_spawn
test_common_spawn_SRCS := tests/unit/test_common_spawn.c
test_common_spawn_LIBS := try common
test_common_spawn_PKGS := cmocka
