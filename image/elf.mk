# The ELF reader and shared-library resolution (image/elf.c, image/libdeps.c).
UNIT_TESTS += test_image_elf
test_image_elf_SRCS := tests/unit/test_image_elf.c
test_image_elf_LIBS := image common
test_image_elf_PKGS := cmocka

UNIT_TESTS += test_image_libdeps
test_image_libdeps_SRCS := tests/unit/test_image_libdeps.c
test_image_libdeps_LIBS := image common
test_image_libdeps_PKGS := cmocka

FUZZ_TARGETS += fuzz_elf
fuzz_elf_SRCS := tests/fuzz/fuzz_elf.c
fuzz_elf_LIBS := image keys common
