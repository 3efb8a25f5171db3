/* wire: length-prefixed strings and numbers for the small typed messages
 * between /init and its helper processes, written and read bounded. */
#ifndef SESAME_WIRE_H
#define SESAME_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "common/cursor.h"

/* A message being written; the first error sticks (check err at the end). */
struct wire {
	uint8_t *p;
	size_t size, len;
	int err; /* -EINVAL: a value out of range; -EMSGSIZE: out of room */
};

void wire_u8(struct wire *w, unsigned v);
void wire_be16(struct wire *w, unsigned v);
/* A 2-byte big-endian length and the bytes of s, which must fit field
 * (the size of its char array, NUL counted). */
void wire_str(struct wire *w, const char *s, size_t field);

/* wire_str's reader: no NUL, no control byte, DEL refused. */
#define WIRE_STR_LINES 0x1 /* ... but newline and tab are text */
/*
 * A string of at most field-1 bytes into out (NUL-terminated). -EBADMSG,
 * consuming nothing, for a short cursor, a length over the field or a
 * byte the flags do not admit. Bytes of 0x80 and up pass (UTF-8 labels).
 */
int cursor_str(struct cursor *c, char *out, size_t field, unsigned flags);

#endif
