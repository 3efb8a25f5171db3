/* probe_proto: PROBE and RESULT, encoded and strictly parsed. */
#include "init/probe_proto.h"

#include <errno.h>
#include <string.h>

#include "common/cursor.h"
#include "common/wire.h"

int probe_encode_request(const char *node, uint8_t *buf, size_t size,
			 size_t *lenp)
{
	struct wire w = {.p = buf, .size = size};

	for (const char *p = node; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -EINVAL;
	wire_u8(&w, PROBE_MSG_PROBE);
	wire_str(&w, node, sizeof(((struct dev_props *)0)->node));
	if (w.err)
		return w.err;
	*lenp = w.len;
	return 0;
}

int probe_parse_request(const uint8_t *buf, size_t len, char *node, size_t size)
{
	struct cursor c = cursor_make(buf, len);
	uint8_t type;

	if (cursor_u8(&c, &type) < 0 || type != PROBE_MSG_PROBE ||
	    cursor_str(&c, node, size, 0) < 0 || c.left || node[0] != '/')
		return -EBADMSG;
	return 0;
}

int probe_encode_result(const struct probe_result *r, uint8_t *buf, size_t size,
			size_t *lenp)
{
	struct wire w = {.p = buf, .size = size};

	if (r->err < 0 || r->err > 4095)
		return -EINVAL;
	wire_u8(&w, PROBE_MSG_RESULT);
	wire_be16(&w, (unsigned)r->err);
	wire_str(&w, r->type, sizeof(r->type));
	wire_str(&w, r->uuid, sizeof(r->uuid));
	wire_str(&w, r->label, sizeof(r->label));
	wire_str(&w, r->partuuid, sizeof(r->partuuid));
	wire_str(&w, r->partlabel, sizeof(r->partlabel));
	if (w.err)
		return w.err;
	*lenp = w.len;
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
	    err > 4095 || cursor_str(&c, r->type, sizeof(r->type), 0) < 0 ||
	    cursor_str(&c, r->uuid, sizeof(r->uuid), 0) < 0 ||
	    cursor_str(&c, r->label, sizeof(r->label), 0) < 0 ||
	    cursor_str(&c, r->partuuid, sizeof(r->partuuid), 0) < 0 ||
	    cursor_str(&c, r->partlabel, sizeof(r->partlabel), 0) < 0 ||
	    c.left || !type_ok(r->type))
		return -EBADMSG;
	r->err = err;
	return 0;
}
