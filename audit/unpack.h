/* unpack: a compressed file's bytes (modules .ko.xz/.zst/.gz) decompressed. */
#ifndef SESAME_AUDIT_UNPACK_H
#define SESAME_AUDIT_UNPACK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decompresses [p, p+len) (any filter libarchive reads; bytes that are not
 * compressed are copied as they are) into a malloc'd buffer of at most max
 * bytes, NUL-terminated after them: -EFBIG beyond, -EBADMSG for a corrupt
 * stream.
 */
int audit_unpack(const uint8_t *p, size_t len, size_t max, uint8_t **outp,
		 size_t *outlen);

/* True when name ends in a compression suffix the kernel's kmod reads. */
int audit_is_compressed_name(const char *name);

#endif
