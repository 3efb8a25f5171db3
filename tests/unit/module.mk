UNIT_TESTS += test_common
test_common_SRCS := tests/unit/test_common.c
test_common_LIBS := common
test_common_PKGS := cmocka

UNIT_TESTS += test_common_loop
test_common_loop_SRCS := tests/unit/test_common_loop.c
test_common_loop_LIBS := common
test_common_loop_PKGS := cmocka
