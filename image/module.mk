LIBS += image
# Every image/*.c belongs to libimage (the builder, ELF reader, modules, cpio);
# the `sesame build` and `sesame ls` commands are in tool/.
image_SRCS := $(sort $(wildcard image/*.c))
image_PKGS := libarchive libkmod
-include image/core.mk
-include image/elf.mk
