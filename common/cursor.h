/* cursor: a bounded read cursor over untrusted bytes; a failed read consumes nothing. */
#ifndef SESAME_CURSOR_H
#define SESAME_CURSOR_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t *p;
	size_t left;
};

static inline struct cursor cursor_make(const void *p, size_t len)
{
	struct cursor c = {.p = (const uint8_t *)p, .left = len};
	return c;
}

static inline int cursor_skip(struct cursor *c, size_t n)
{
	if (c->left < n)
		return -EBADMSG;
	c->p += n;
	c->left -= n;
	return 0;
}

/* Hands out a sub-cursor of n bytes and advances past them. */
static inline int cursor_take(struct cursor *c, size_t n, struct cursor *sub)
{
	if (c->left < n)
		return -EBADMSG;
	*sub = cursor_make(c->p, n);
	c->p += n;
	c->left -= n;
	return 0;
}

static inline int cursor_copy(struct cursor *c, void *out, size_t n)
{
	if (c->left < n)
		return -EBADMSG;
	memcpy(out, c->p, n);
	c->p += n;
	c->left -= n;
	return 0;
}

static inline int cursor_u8(struct cursor *c, uint8_t *v)
{
	if (c->left < 1)
		return -EBADMSG;
	*v = c->p[0];
	c->p++;
	c->left--;
	return 0;
}

static inline int cursor_be16(struct cursor *c, uint16_t *v)
{
	if (c->left < 2)
		return -EBADMSG;
	*v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->left -= 2;
	return 0;
}

static inline int cursor_be32(struct cursor *c, uint32_t *v)
{
	if (c->left < 4)
		return -EBADMSG;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	     (uint32_t)c->p[2] << 8 | (uint32_t)c->p[3];
	c->p += 4;
	c->left -= 4;
	return 0;
}

#endif
