# image/core.mk: the image builder's tests and fuzz targets (libimage itself
# is image/module.mk's wildcard over image/*.c).
UNIT_TESTS += test_image_list
test_image_list_SRCS := tests/unit/test_image_list.c
test_image_list_LIBS := image common
test_image_list_PKGS := cmocka

FUZZ_TARGETS += fuzz_list
fuzz_list_SRCS := tests/fuzz/fuzz_list.c
fuzz_list_LIBS := image keys common

FUZZ_TARGETS += fuzz_list_image
fuzz_list_image_SRCS := tests/fuzz/fuzz_list_image.c
fuzz_list_image_LIBS := image keys common

UNIT_TESTS += test_image_cpio
test_image_cpio_SRCS := tests/unit/test_image_cpio.c
test_image_cpio_LIBS := image common
test_image_cpio_PKGS := cmocka

# Module tests use the Debian kernel tests/vm/fetch-kernel.sh caches and
# skip without it.
UNIT_TESTS += test_image_modules
test_image_modules_SRCS := tests/unit/test_image_modules.c
test_image_modules_LIBS := image common
test_image_modules_PKGS := cmocka libkmod

UNIT_TESTS += test_image_build
test_image_build_SRCS := tests/unit/test_image_build.c
test_image_build_LIBS := tool image keys common
test_image_build_PKGS := cmocka mbedcrypto
