/* wire: the writer of small typed messages and the bounded string reader. */
#include "common/wire.h"

#include <errno.h>
#include <string.h>

void wire_u8(struct wire *w, unsigned v)
{
	if (w->err)
		return;
	if (v > 0xff)
		w->err = -EINVAL;
	else if (w->len + 1 > w->size)
		w->err = -EMSGSIZE;
	else
		w->p[w->len++] = (uint8_t)v;
}

void wire_be16(struct wire *w, unsigned v)
{
	if (v > 0xffff && !w->err)
		w->err = -EINVAL;
	wire_u8(w, (v >> 8) & 0xff);
	wire_u8(w, v & 0xff);
}

void wire_str(struct wire *w, const char *s, size_t field)
{
	size_t n = strnlen(s, field);

	if (!w->err && n >= field)
		w->err = -EINVAL;
	wire_be16(w, (unsigned)n);
	if (w->err)
		return;
	if (w->len + n > w->size) {
		w->err = -EMSGSIZE;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

int cursor_str(struct cursor *c, char *out, size_t field, unsigned flags)
{
	struct cursor t = *c, s;
	uint16_t n;

	if (cursor_be16(&t, &n) < 0 || n >= field || cursor_take(&t, n, &s) < 0)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = s.p[i];
		if ((b < 0x20 || b == 0x7f) &&
		    !(flags & WIRE_STR_LINES && (b == '\n' || b == '\t')))
			return -EBADMSG;
	}
	memcpy(out, s.p, n);
	out[n] = '\0';
	*c = t;
	return 0;
}
