# image/core.mk: the image builder's tests and fuzz targets (libimage itself
# is image/module.mk's wildcard over image/*.c).
