LIBS += image
# Every image/*.c belongs to libimage (the builder, ELF reader, modules, cpio).
image_SRCS := $(sort $(wildcard image/*.c))
image_PKGS := libarchive libkmod
-include image/core.mk
-include image/elf.mk
