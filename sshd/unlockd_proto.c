/* unlockd_proto: encodes and strictly parses the PID 1 <-> sesame-unlockd
 * messages. */
#include "sshd/unlockd_proto.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/cursor.h"
#include "common/wire.h"

int unlockd_msg_encode(const struct unlockd_msg *m, uint8_t *buf, size_t size,
		       size_t *lenp)
{
	struct wire o = {.p = buf, .size = size};
	const struct unlockd_device *d = &m->u.device;
	const struct unlockd_state *st = &m->u.state;

	wire_u8(&o, m->type);
	switch (m->type) {
	case UNLOCKD_MSG_CONFIG:
		wire_str(&o, m->u.config.name, sizeof(m->u.config.name));
		wire_str(&o, m->u.config.value, sizeof(m->u.config.value));
		wire_u8(&o, m->u.config.has_value != 0);
		break;
	case UNLOCKD_MSG_START:
		wire_be16(&o, m->u.start.wrong);
		wire_u8(&o, m->u.start.cut != 0);
		break;
	case UNLOCKD_MSG_DEVICE:
		wire_str(&o, d->path, sizeof(d->path));
		wire_str(&o, d->uuid, sizeof(d->uuid));
		wire_str(&o, d->label, sizeof(d->label));
		wire_str(&o, d->partuuid, sizeof(d->partuuid));
		wire_str(&o, d->partlabel, sizeof(d->partlabel));
		break;
	case UNLOCKD_MSG_STATUS:
		wire_u8(&o, m->u.status.busy != 0);
		wire_str(&o, m->u.status.lines, sizeof(m->u.status.lines));
		wire_str(&o, m->u.status.why, sizeof(m->u.status.why));
		break;
	case UNLOCKD_MSG_STOP:
	case UNLOCKD_MSG_OPENED:
		wire_str(&o, m->u.text, sizeof(m->u.text));
		break;
	case UNLOCKD_MSG_STATE:
		wire_u8(&o, st->locked);
		wire_u8(&o, st->open);
		wire_u8(&o, st->missing);
		wire_be16(&o, st->wrong);
		wire_u8(&o, st->exhausted != 0);
		wire_u8(&o, (unsigned)st->action);
		wire_u8(&o, st->attempt_running != 0);
		break;
	case UNLOCKD_MSG_RESUME:
		break;
	default:
		return -EINVAL;
	}
	if (o.err)
		return o.err;
	*lenp = o.len;
	return 0;
}

/* A flag byte: 0 or 1 only. */
static int take_flag(struct cursor *c, int *v)
{
	uint8_t b;

	if (cursor_u8(c, &b) < 0 || b > 1)
		return -EBADMSG;
	*v = b;
	return 0;
}

static int parse_from_init(struct cursor *c, struct unlockd_msg *m)
{
	struct unlockd_device *d = &m->u.device;
	uint16_t w;
	int r = 0;

	switch (m->type) {
	case UNLOCKD_MSG_CONFIG:
		if (cursor_str(c, m->u.config.name, sizeof(m->u.config.name),
			       0) < 0 ||
		    cursor_str(c, m->u.config.value, sizeof(m->u.config.value),
			       0) < 0 ||
		    take_flag(c, &m->u.config.has_value) < 0)
			return -EBADMSG;
		if (!m->u.config.name[0] ||
		    (!m->u.config.has_value && m->u.config.value[0]))
			return -EBADMSG;
		break;
	case UNLOCKD_MSG_START:
		if (cursor_be16(c, &w) < 0 || take_flag(c, &m->u.start.cut) < 0)
			return -EBADMSG;
		m->u.start.wrong = w;
		break;
	case UNLOCKD_MSG_DEVICE:
		r |= cursor_str(c, d->path, sizeof(d->path), 0);
		r |= cursor_str(c, d->uuid, sizeof(d->uuid), 0);
		r |= cursor_str(c, d->label, sizeof(d->label), 0);
		r |= cursor_str(c, d->partuuid, sizeof(d->partuuid), 0);
		r |= cursor_str(c, d->partlabel, sizeof(d->partlabel), 0);
		if (r || d->path[0] != '/')
			return -EBADMSG;
		break;
	case UNLOCKD_MSG_STATUS:
		if (take_flag(c, &m->u.status.busy) < 0 ||
		    cursor_str(c, m->u.status.lines, sizeof(m->u.status.lines),
			       1) < 0 ||
		    cursor_str(c, m->u.status.why, sizeof(m->u.status.why),
			       WIRE_STR_LINES) < 0)
			return -EBADMSG;
		break;
	case UNLOCKD_MSG_STOP:
		if (cursor_str(c, m->u.text, sizeof(m->u.text),
			       WIRE_STR_LINES) < 0)
			return -EBADMSG;
		break;
	default:
		return -EBADMSG;
	}
	return 0;
}

static int parse_from_unlockd(struct cursor *c, struct unlockd_msg *m)
{
	struct unlockd_state *st = &m->u.state;
	uint8_t locked, open, missing, action;
	uint16_t wrong;

	switch (m->type) {
	case UNLOCKD_MSG_STATE:
		if (cursor_u8(c, &locked) < 0 || cursor_u8(c, &open) < 0 ||
		    cursor_u8(c, &missing) < 0 || cursor_be16(c, &wrong) < 0 ||
		    take_flag(c, &st->exhausted) < 0 ||
		    cursor_u8(c, &action) < 0 ||
		    take_flag(c, &st->attempt_running) < 0)
			return -EBADMSG;
		if (action > 1) /* LUKS_FAIL_WAIT, LUKS_FAIL_REBOOT */
			return -EBADMSG;
		st->locked = locked;
		st->open = open;
		st->missing = missing;
		st->wrong = wrong;
		st->action = action;
		break;
	case UNLOCKD_MSG_OPENED:
		if (cursor_str(c, m->u.text, sizeof(m->u.text),
			       WIRE_STR_LINES) < 0)
			return -EBADMSG;
		break;
	case UNLOCKD_MSG_RESUME:
		break;
	default:
		return -EBADMSG;
	}
	return 0;
}

int unlockd_msg_parse(const uint8_t *buf, size_t len, enum unlockd_side from,
		      struct unlockd_msg *m)
{
	struct cursor c = cursor_make(buf, len);
	uint8_t type;
	int r;

	if (len > UNLOCKD_MSG_MAX || cursor_u8(&c, &type) < 0)
		return -EBADMSG;
	m->type = type;
	r = from == UNLOCKD_FROM_INIT ? parse_from_init(&c, m)
				      : parse_from_unlockd(&c, m);
	if (r < 0 || c.left)
		return -EBADMSG; /* nothing may follow the last field */
	return 0;
}

int unlockd_msg_send(int fd, const struct unlockd_msg *m)
{
	uint8_t buf[UNLOCKD_MSG_MAX];
	size_t len;
	int r;

	if ((r = unlockd_msg_encode(m, buf, sizeof(buf), &len)) < 0)
		return r;
	if (send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}
