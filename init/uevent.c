/* uevent: splits kernel uevent datagrams into fields, trusting no length or
 * terminator. */
#include "init/uevent.h"

#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/cursor.h"
#include "common/strutil.h"

struct uevent_key {
	const char *key;
	size_t off; /* offset of the const char * in struct uevent */
};

static const struct uevent_key uevent_keys[] = {
    {"ACTION=", offsetof(struct uevent, action)},
    {"DEVPATH=", offsetof(struct uevent, devpath)},
    {"SUBSYSTEM=", offsetof(struct uevent, subsystem)},
    {"DEVNAME=", offsetof(struct uevent, devname)},
    {"DEVTYPE=", offsetof(struct uevent, devtype)},
    {"MODALIAS=", offsetof(struct uevent, modalias)},
};

/* Takes one NUL-terminated field; -EBADMSG (cursor unchanged) if unterminated.
 */
static int uevent_next_field(struct cursor *c, const char **fieldp)
{
	const uint8_t *nul = memchr(c->p, '\0', c->left);

	if (!nul)
		return -EBADMSG;
	*fieldp = (const char *)c->p;
	return cursor_skip(c, (size_t)(nul - c->p) + 1);
}

static int uevent_number(const char *s, uint64_t max, uint64_t *v)
{
	return str_to_u64(s, 10, max, v) < 0 ? -EBADMSG : 0;
}

static int uevent_apply_field(struct uevent *ev, const char *f)
{
	uint64_t v;

	for (size_t i = 0; i < sizeof(uevent_keys) / sizeof(uevent_keys[0]);
	     i++) {
		size_t kl = strlen(uevent_keys[i].key);
		if (strncmp(f, uevent_keys[i].key, kl) == 0) {
			*(const char **)((char *)ev + uevent_keys[i].off) =
			    f + kl;
			return 0;
		}
	}
	if (str_startswith(f, "SEQNUM=")) {
		if (uevent_number(f + 7, UINT64_MAX, &v) < 0)
			return -EBADMSG;
		ev->seqnum = v;
	} else if (str_startswith(f, "MAJOR=")) {
		if (uevent_number(f + 6, 0xfff, &v) < 0)
			return -EBADMSG;
		ev->major = (unsigned)v;
		ev->has_devnum |= 1;
	} else if (str_startswith(f, "MINOR=")) {
		if (uevent_number(f + 6, 0xfffff, &v) < 0)
			return -EBADMSG;
		ev->minor = (unsigned)v;
		ev->has_devnum |= 2;
	}
	return 0; /* other keys are not ours */
}

int uevent_parse(const void *buf, size_t len, struct uevent *ev)
{
	struct cursor c = cursor_make(buf, len);
	struct uevent t;
	const char *f;
	int r;

	memset(&t, 0, sizeof(t));
	if (len >= 8 && memcmp(buf, "libudev", 8) == 0)
		return -EPROTO;
	/* The "ACTION@DEVPATH" header; the fields repeat what it says. */
	if ((r = uevent_next_field(&c, &f)) < 0)
		return r;
	if (!strchr(f, '@'))
		return -EBADMSG;
	while (c.left > 0) {
		if ((r = uevent_next_field(&c, &f)) < 0)
			return r;
		if ((r = uevent_apply_field(&t, f)) < 0)
			return r;
	}
	if (!t.action || !*t.action || !t.devpath || !*t.devpath)
		return -EBADMSG;
	t.has_devnum = t.has_devnum == 3;
	*ev = t;
	return 0;
}

int uevent_devname_ok(const char *devname)
{
	const char *p = devname;

	if (!devname || !*devname || *devname == '/' || strlen(devname) >= 48)
		return 0;
	for (const char *q = devname; *q; q++)
		if ((unsigned char)*q < 0x21 || *q == 0x7f)
			return 0;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n;
		if (*p == '/' && !*++p)
			return 0;
	}
	return 1;
}

int uevent_open(int *fdp)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1};
	int fd, size = 4 << 20, r;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	/* Coldplug loads bursts of modules; a small buffer drops events. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	*fdp = fd;
	return 0;
}

int uevent_recv(int fd, char *buf, size_t size)
{
	struct sockaddr_nl sa;
	struct iovec iov = {.iov_base = buf, .iov_len = size};
	struct msghdr mh = {
	    .msg_name = &sa,
	    .msg_namelen = sizeof(sa),
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	};
	ssize_t n;

	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	if (mh.msg_namelen != sizeof(sa) || sa.nl_pid != 0)
		return -EPERM;
	return (int)n;
}
