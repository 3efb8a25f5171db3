/* probe_proto: PROBE and RESULT, encoded and strictly parsed. */
#include "init/probe_proto.h"

#include <errno.h>
#include <string.h>

#include "common/cursor.h"

static int put_str(uint8_t *buf, size_t size, size_t *off, const char *s,
		   size_t field)
{
	size_t n = strnlen(s, field);

	if (n >= field)
		return -EINVAL;
	if (*off + 2 + n > size)
		return -EMSGSIZE;
	buf[(*off)++] = (uint8_t)(n >> 8);
	buf[(*off)++] = (uint8_t)n;
	memcpy(buf + *off, s, n);
	*off += n;
	return 0;
}

/* A string of at most field-1 bytes, no NUL or control byte. */
static int take_str(struct cursor *c, char *out, size_t field)
{
	struct cursor s;
	uint16_t n;

	if (cursor_be16(c, &n) < 0 || n >= field || cursor_take(c, n, &s) < 0)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++)
		if (s.p[i] < 0x20 || s.p[i] == 0x7f)
			return -EBADMSG;
	memcpy(out, s.p, n);
	out[n] = '\0';
	return 0;
}

int probe_encode_request(const char *node, uint8_t *buf, size_t size,
			 size_t *lenp)
{
	size_t off = 1;
	int r;

	if (size < 1)
		return -EMSGSIZE;
	for (const char *p = node; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -EINVAL;
	buf[0] = PROBE_MSG_PROBE;
	if ((r = put_str(buf, size, &off, node,
			 sizeof(((struct dev_props *)0)->node))) < 0)
		return r;
	*lenp = off;
	return 0;
}

int probe_parse_request(const uint8_t *buf, size_t len, char *node, size_t size)
{
	struct cursor c = cursor_make(buf, len);
	uint8_t type;

	if (cursor_u8(&c, &type) < 0 || type != PROBE_MSG_PROBE ||
	    take_str(&c, node, size) < 0 || c.left || node[0] != '/')
		return -EBADMSG;
	return 0;
}

int probe_encode_result(const struct probe_result *r, uint8_t *buf, size_t size,
			size_t *lenp)
{
	size_t off = 3;
	int e = 0;

	if (size < 3 || r->err < 0 || r->err > 4095)
		return size < 3 ? -EMSGSIZE : -EINVAL;
	buf[0] = PROBE_MSG_RESULT;
	buf[1] = (uint8_t)(r->err >> 8);
	buf[2] = (uint8_t)r->err;
	if ((e = put_str(buf, size, &off, r->type, sizeof(r->type))) < 0 ||
	    (e = put_str(buf, size, &off, r->uuid, sizeof(r->uuid))) < 0 ||
	    (e = put_str(buf, size, &off, r->label, sizeof(r->label))) < 0 ||
	    (e = put_str(buf, size, &off, r->partuuid, sizeof(r->partuuid))) <
		0 ||
	    (e = put_str(buf, size, &off, r->partlabel, sizeof(r->partlabel))) <
		0)
		return e;
	*lenp = off;
	return 0;
}

/* blkid's type names: letters, digits, '_', '-', '.'. */
static int type_ok(const char *t)
{
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
		      (*t >= '0' && *t <= '9') || *t == '_' || *t == '-' ||
		      *t == '.'))
			return 0;
	return 1;
}

int probe_parse_result(const uint8_t *buf, size_t len, struct probe_result *r)
{
	struct cursor c = cursor_make(buf, len);
	uint8_t type;
	uint16_t err;

	if (len > PROBE_MSG_MAX || cursor_u8(&c, &type) < 0 ||
	    type != PROBE_MSG_RESULT || cursor_be16(&c, &err) < 0 ||
	    err > 4095 || take_str(&c, r->type, sizeof(r->type)) < 0 ||
	    take_str(&c, r->uuid, sizeof(r->uuid)) < 0 ||
	    take_str(&c, r->label, sizeof(r->label)) < 0 ||
	    take_str(&c, r->partuuid, sizeof(r->partuuid)) < 0 ||
	    take_str(&c, r->partlabel, sizeof(r->partlabel)) < 0 || c.left ||
	    !type_ok(r->type))
		return -EBADMSG;
	r->err = err;
	return 0;
}
