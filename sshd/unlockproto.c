/* unlockproto: frame parsing through a bounded cursor, and blocking
 * send/receive helpers. */
#include "sshd/unlockproto.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static int unlock_type_valid(uint8_t type, enum unlock_side from)
{
	switch (type) {
	case UNLOCK_MSG_PASSPHRASE:
	case UNLOCK_MSG_STATUS_REQ:
	case UNLOCK_MSG_RESUME:
		return from == UNLOCK_FROM_CLIENT;
	case UNLOCK_MSG_RESULT:
	case UNLOCK_MSG_STATUS:
	case UNLOCK_MSG_CANCELLED:
		return from == UNLOCK_FROM_SERVER;
	}
	return 0;
}

int unlock_frame_parse(struct cursor *c, enum unlock_side from,
		       struct unlock_frame *f)
{
	struct cursor t = *c, payload;
	uint8_t type;
	uint16_t len;

	if (cursor_u8(&t, &type) < 0)
		return -EAGAIN;
	if (!unlock_type_valid(type, from))
		return -EBADMSG;
	if (cursor_be16(&t, &len) < 0)
		return -EAGAIN;
	if (len > UNLOCK_PAYLOAD_MAX)
		return -EBADMSG;
	if ((type == UNLOCK_MSG_STATUS_REQ || type == UNLOCK_MSG_RESUME) &&
	    len != 0)
		return -EBADMSG;
	if (type == UNLOCK_MSG_PASSPHRASE && len == 0)
		return -EBADMSG;
	if (type == UNLOCK_MSG_RESULT && len < 3)
		return -EBADMSG;
	if (cursor_take(&t, len, &payload) < 0)
		return -EAGAIN;
	if (type == UNLOCK_MSG_RESULT && payload.p[0] > UNLOCK_CODE_MAX)
		return -EBADMSG;
	f->type = type;
	f->payload = payload;
	f->size = UNLOCK_HEADER_LEN + (size_t)len;
	*c = t;
	return 0;
}

int unlock_result_parse(const struct unlock_frame *f, enum unlock_code *code,
			unsigned *wait_sec, struct cursor *text)
{
	struct cursor c = f->payload;
	uint8_t k;
	uint16_t w;

	if (f->type != UNLOCK_MSG_RESULT || cursor_u8(&c, &k) < 0 ||
	    k > UNLOCK_CODE_MAX || cursor_be16(&c, &w) < 0)
		return -EBADMSG;
	*code = (enum unlock_code)k;
	*wait_sec = w;
	*text = c;
	return 0;
}

int unlock_frame_encode(uint8_t type, const void *payload, size_t len,
			uint8_t *buf, size_t size, size_t *outlen)
{
	if (len > UNLOCK_PAYLOAD_MAX || size < UNLOCK_HEADER_LEN ||
	    size - UNLOCK_HEADER_LEN < len)
		return -EMSGSIZE;
	buf[0] = type;
	buf[1] = (uint8_t)(len >> 8);
	buf[2] = (uint8_t)len;
	if (len)
		memcpy(buf + UNLOCK_HEADER_LEN, payload, len);
	*outlen = UNLOCK_HEADER_LEN + len;
	return 0;
}

int unlock_reader_fill(struct unlock_reader *r, int fd)
{
	ssize_t n;

	if (r->len >= r->cap)
		return -ENOBUFS;
	do
		n = read(fd, r->buf + r->len, r->cap - r->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	r->len += (size_t)n;
	return (int)n;
}

int unlock_reader_next(struct unlock_reader *r, enum unlock_side from,
		       struct unlock_frame *f)
{
	struct cursor c = cursor_make(r->buf, r->len);

	return unlock_frame_parse(&c, from, f);
}

void unlock_reader_consume(struct unlock_reader *r,
			   const struct unlock_frame *f)
{
	size_t n = f->size <= r->len ? f->size : r->len;

	memmove(r->buf, r->buf + n, r->len - n);
	r->len -= n;
	explicit_bzero(r->buf + r->len, n);
}

void unlock_reader_wipe(struct unlock_reader *r)
{
	if (r->buf)
		explicit_bzero(r->buf, r->cap);
	r->len = 0;
}

int unlock_send(int fd, uint8_t type, const void *payload, size_t len)
{
	uint8_t hdr[UNLOCK_HEADER_LEN];
	struct iovec iov[2];
	struct msghdr m;
	size_t done = 0, total;
	ssize_t n;

	if (len > UNLOCK_PAYLOAD_MAX)
		return -EMSGSIZE;
	hdr[0] = type;
	hdr[1] = (uint8_t)(len >> 8);
	hdr[2] = (uint8_t)len;
	total = sizeof(hdr) + len;
	while (done < total) {
		int k = 0;
		memset(&m, 0, sizeof(m));
		if (done < sizeof(hdr)) {
			iov[k].iov_base = hdr + done;
			iov[k++].iov_len = sizeof(hdr) - done;
			if (len) {
				/* The payload is only read, never written. */
				iov[k].iov_base = (void *)(uintptr_t)payload;
				iov[k++].iov_len = len;
			}
		} else {
			iov[k].iov_base = (uint8_t *)(uintptr_t)payload +
					  (done - sizeof(hdr));
			iov[k++].iov_len = total - done;
		}
		m.msg_iov = iov;
		m.msg_iovlen = (size_t)k;
		n = sendmsg(fd, &m, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

int unlock_client_connect(const char *path, int *fdp)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	*fdp = fd;
	return 0;
}

void unlock_text_sanitize(char *dst, size_t size, struct cursor text)
{
	size_t i;

	if (size == 0)
		return;
	for (i = 0; i < text.left && i < size - 1; i++) {
		uint8_t ch = text.p[i];
		dst[i] =
		    (ch < 0x20 && ch != '\n') || ch == 0x7f ? '?' : (char)ch;
	}
	dst[i] = '\0';
}
