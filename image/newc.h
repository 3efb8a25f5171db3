/* newc: a bounded reader of newc ("070701"/"070702") cpio archives. */
#ifndef SESAME_IMAGE_NEWC_H
#define SESAME_IMAGE_NEWC_H

#include <stddef.h>
#include <stdint.h>

struct newc_entry {
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t filesize, devmajor, devminor, rdevmajor, rdevminor;
	const char *name; /* NUL-terminated inside the archive bytes */
	size_t namelen;	  /* without the NUL */
	const uint8_t *data;
	size_t offset; /* of the header, from the start of the walk */
};

/* Returns 0 to go on, or a negative errno to stop the walk with it. */
typedef int (*newc_visit_fn)(const struct newc_entry *e, void *arg);

/* True when p (len bytes) starts with a newc or newc+crc magic. */
int newc_is_magic(const uint8_t *p, size_t len);

/*
 * Walks one newc archive at the start of [p, p+len) up to and including
 * its TRAILER!!! entry (not passed to visit), and sets *used to the bytes
 * it took (4-byte aligned, at most len). -EBADMSG with *bad_offset set
 * when a header is malformed or the bytes end before the trailer.
 */
int newc_walk(const uint8_t *p, size_t len, newc_visit_fn visit, void *arg,
	      size_t *used, size_t *bad_offset);

#endif
