/* newc: walks newc cpio headers (initramfs format) over a cursor. */
#include "image/newc.h"

#include <errno.h>
#include <string.h>

#include "common/cursor.h"

#define NEWC_HDR_LEN 110
#define NEWC_TRAILER "TRAILER!!!"

int newc_is_magic(const uint8_t *p, size_t len)
{
	return len >= 6 && (!memcmp(p, "070701", 6) || !memcmp(p, "070702", 6));
}

static int newc_hex8(struct cursor *c, uint32_t *v)
{
	uint32_t x = 0;

	if (c->left < 8)
		return -EBADMSG;
	for (int i = 0; i < 8; i++) {
		uint8_t ch = c->p[i], d;
		if (ch >= '0' && ch <= '9')
			d = (uint8_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (uint8_t)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			d = (uint8_t)(ch - 'A' + 10);
		else
			return -EBADMSG;
		x = x << 4 | d;
	}
	*v = x;
	return cursor_skip(c, 8);
}

/* Skips the padding that brings the offset (from the walk's start) to 4. */
static int newc_align(struct cursor *c, size_t start_left)
{
	size_t off = start_left - c->left;
	size_t pad = (4 - (off & 3)) & 3;

	return cursor_skip(c, pad);
}

static int newc_read_header(struct cursor *c, struct newc_entry *e)
{
	struct cursor h;
	uint32_t namesize, check;
	uint32_t *fields[] = {&e->ino,	     &e->mode,	    &e->uid,
			      &e->gid,	     &e->nlink,	    &e->mtime,
			      &e->filesize,  &e->devmajor,  &e->devminor,
			      &e->rdevmajor, &e->rdevminor, &namesize,
			      &check};
	int r;

	if ((r = cursor_take(c, NEWC_HDR_LEN, &h)) < 0)
		return r;
	if (!newc_is_magic(h.p, h.left))
		return -EBADMSG;
	cursor_skip(&h, 6);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if ((r = newc_hex8(&h, fields[i])) < 0)
			return r;
	/* The name includes its NUL; an empty name is malformed. */
	if (namesize < 2 || c->left < namesize)
		return -EBADMSG;
	if (c->p[namesize - 1] != '\0' || memchr(c->p, '\0', namesize - 1))
		return -EBADMSG;
	e->name = (const char *)c->p;
	e->namelen = namesize - 1;
	return cursor_skip(c, namesize);
}

int newc_walk(const uint8_t *p, size_t len, newc_visit_fn visit, void *arg,
	      size_t *used, size_t *bad_offset)
{
	struct cursor c = cursor_make(p, len);
	struct newc_entry e;
	int r;

	for (;;) {
		size_t off = len - c.left;

		memset(&e, 0, sizeof(e));
		e.offset = off;
		if ((r = newc_read_header(&c, &e)) < 0 ||
		    (r = newc_align(&c, len)) < 0)
			goto bad;
		if (e.namelen == strlen(NEWC_TRAILER) &&
		    !memcmp(e.name, NEWC_TRAILER, e.namelen))
			break;
		e.data = c.p;
		if ((r = cursor_skip(&c, e.filesize)) < 0 ||
		    (r = newc_align(&c, len)) < 0)
			goto bad;
		if (visit && (r = visit(&e, arg)) < 0)
			return r;
		continue;
bad:
		*bad_offset = off;
		return -EBADMSG;
	}
	/* The trailer has no data but the stream may pad it. */
	*used = len - c.left;
	return 0;
}
