/* imgread: walks every segment of an image as the kernel unpacks it. */
#ifndef SESAME_IMAGE_IMGREAD_H
#define SESAME_IMAGE_IMGREAD_H

#include <stddef.h>
#include <stdint.h>

#include "image/newc.h"

struct imgread_segment {
	unsigned index;	    /* 1, 2, ... */
	size_t offset;	    /* in the image file */
	const char *filter; /* "none", "zstd", "gzip", ... */
};

struct imgread_ops {
	/* Called before a segment's entries; may be NULL. */
	int (*segment)(const struct imgread_segment *s, void *arg);
	/* Called for every entry but trailers. */
	newc_visit_fn entry;
};

/*
 * Walks [p, p+len) like the kernel's unpacker: zero padding between
 * segments, uncompressed newc archives, and a compressed stream (any
 * filter libarchive reads) holding further newc archives; a compressed
 * stream runs to the end of the image. Errors are logged naming origin,
 * the segment and the offset: -EBADMSG for a corrupt or truncated image,
 * -EFBIG for a segment that decompresses to more than 1 GiB.
 */
int imgread_walk(const uint8_t *p, size_t len, const char *origin,
		 const struct imgread_ops *ops, void *arg);

#endif
