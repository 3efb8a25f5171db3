/* unlock_server: accepts root's clients on the unlock socket and answers their
 * frames. */
#include "sshd/unlock_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "sshd/secret.h"

#define UNLOCK_CLIENTS_MAX 8
/* Room for one whole frame and the start of the next. */
#define UNLOCK_RBUF_SIZE 4096

struct unlock_client {
	struct unlock_server *srv;
	int fd;
	struct unlock_reader rd; /* in locked memory */
	int waiting;		 /* for the answer to its passphrase */
	int parked;		 /* its passphrase got -EBUSY: kept, unread */
};

struct unlock_server {
	struct loop *loop;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uid_t peer_uid;
	const struct unlock_server_ops *ops;
	void *data;
	struct unlock_client *client[UNLOCK_CLIENTS_MAX];
	struct unlock_client *serving; /* whose passphrase is being tried */
	struct unlock_client *waiting; /* whose answer comes later */
};

static void unlock_client_close(struct unlock_client *c)
{
	struct unlock_server *s;

	if (!c)
		return;
	s = c->srv;
	for (unsigned i = 0; i < UNLOCK_CLIENTS_MAX; i++)
		if (s->client[i] == c)
			s->client[i] = NULL;
	if (s->serving == c)
		s->serving = NULL;
	if (s->waiting == c)
		s->waiting = NULL; /* the answer is dropped */
	loop_del_fd(s->loop, c->fd);
	close(c->fd);
	unlock_reader_wipe(&c->rd);
	secret_mem_free(c->rd.buf, UNLOCK_RBUF_SIZE);
	free(c);
}

static int unlock_reply(struct unlock_client *c, uint8_t type,
			const void *payload, size_t len)
{
	int r = unlock_send(c->fd, type, payload, len);

	/* The socket buffer holds far more than a frame; a full one means a
	 * client that stopped reading: it is dropped. */
	if (r < 0)
		log_debug("unlock client fd %d: reply failed: %s", c->fd,
			  strerror(-r));
	return r;
}

static int unlock_reply_result(struct unlock_client *c,
			       const struct unlock_answer *ans)
{
	uint8_t buf[UNLOCK_PAYLOAD_MAX];
	size_t tlen = strnlen(ans->text, sizeof(ans->text));

	unsigned w = ans->wait_sec > 0xffff ? 0xffff : ans->wait_sec;

	buf[0] = (uint8_t)ans->code;
	buf[1] = (uint8_t)(w >> 8);
	buf[2] = (uint8_t)w;
	memcpy(buf + 3, ans->text, tlen);
	return unlock_reply(c, UNLOCK_MSG_RESULT, buf, 3 + tlen);
}

static int unlock_handle_passphrase(struct unlock_client *c,
				    const struct unlock_frame *f)
{
	struct unlock_server *s = c->srv;
	struct unlock_answer ans;
	int r;

	memset(&ans, 0, sizeof(ans));
	if (f->payload.left > SECRET_MAX) {
		ans.code = UNLOCK_ERROR;
		snprintf(ans.text, sizeof(ans.text),
			 "passphrase longer than %d bytes: not tried\n",
			 SECRET_MAX);
		return unlock_reply_result(c, &ans);
	}
	s->serving = c;
	r = s->ops->passphrase(s->data, (const char *)f->payload.p,
			       f->payload.left, &ans);
	if (s->serving != c)
		return -ECONNRESET; /* closed by a callback */
	s->serving = NULL;
	if (r == -EBUSY)
		return r; /* the frame stays until unlock_server_retry() */
	if (r == UNLOCK_ANSWER_LATER) {
		s->waiting = c;
		c->waiting = 1;
		return 0;
	}
	if (r < 0) {
		ans.code = UNLOCK_ERROR;
		snprintf(ans.text, sizeof(ans.text), "not unlocked: %s\n",
			 strerror(-r));
	}
	if ((unsigned)ans.code > UNLOCK_CODE_MAX)
		ans.code = UNLOCK_ERROR;
	return unlock_reply_result(c, &ans);
}

static int unlock_handle_status(struct unlock_client *c, uint8_t type)
{
	struct unlock_server *s = c->srv;
	unlock_status_fn fn =
	    type == UNLOCK_MSG_RESUME ? s->ops->resume : s->ops->status;
	char text[UNLOCK_PAYLOAD_MAX];
	int r;

	text[0] = '\0';
	if (!fn || (r = fn(s->data, text, sizeof(text))) < 0)
		snprintf(text, sizeof(text), "%s\n",
			 type == UNLOCK_MSG_RESUME ? "resume: not supported"
						   : "no status available");
	return unlock_reply(c, UNLOCK_MSG_STATUS, text,
			    strnlen(text, sizeof(text)));
}

/* Answers every whole frame in the buffer; the passphrase bytes are wiped
 * as each frame is consumed. */
static int unlock_client_frames(struct unlock_client *c)
{
	struct unlock_frame f;
	int r;

	for (;;) {
		/* One passphrase at a time per client: the rest waits. */
		if (c->waiting || c->parked)
			return loop_mod_fd(c->srv->loop, c->fd, 0);
		r = unlock_reader_next(&c->rd, UNLOCK_FROM_CLIENT, &f);
		if (r == -EAGAIN)
			return 0;
		if (r < 0) {
			log_warn("unlock client fd %d sent a malformed frame",
				 c->fd);
			return r;
		}
		if (f.type == UNLOCK_MSG_PASSPHRASE)
			r = unlock_handle_passphrase(c, &f);
		else
			r = unlock_handle_status(c, f.type);
		if (r == -ECONNRESET)
			return r; /* c is gone */
		if (r == -EBUSY) {
			c->parked = 1;
			continue;
		}
		unlock_reader_consume(&c->rd, &f);
		if (r < 0)
			return r;
	}
}

static int unlock_client_ready(struct loop *l, int fd, uint32_t events,
			       void *data)
{
	struct unlock_client *c = data;
	int r;

	(void)l;
	(void)fd;
	if (events & EPOLLIN) {
		r = unlock_reader_fill(&c->rd, c->fd);
		if (r == -EAGAIN)
			return 0;
		if (r > 0) {
			r = unlock_client_frames(c);
			if (r == -ECONNRESET)
				return 0;
			if (r >= 0)
				return 0;
		}
		/* EOF, a read error or a bad frame: the client goes. */
		unlock_client_close(c);
		return 0;
	}
	if (events & (EPOLLHUP | EPOLLERR))
		unlock_client_close(c);
	return 0;
}

static int unlock_peer_ok(struct unlock_server *s, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    len != sizeof(cred))
		return 0;
	if (cred.uid != s->peer_uid) {
		log_warn("unlock socket: refused pid %d uid %u", (int)cred.pid,
			 (unsigned)cred.uid);
		return 0;
	}
	return 1;
}

static int unlock_accept_ready(struct loop *l, int fd, uint32_t events,
			       void *data)
{
	struct unlock_server *s = data;
	struct unlock_client *c = NULL;
	unsigned slot = UNLOCK_CLIENTS_MAX;
	void *buf = NULL;
	int cfd, r;

	(void)events;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (!unlock_peer_ok(s, cfd)) {
		r = 0;
		goto out;
	}
	for (unsigned i = 0;
	     i < UNLOCK_CLIENTS_MAX && slot == UNLOCK_CLIENTS_MAX; i++)
		if (!s->client[i])
			slot = i;
	if (slot == UNLOCK_CLIENTS_MAX) {
		log_warn("unlock socket: more than %d clients, one refused",
			 UNLOCK_CLIENTS_MAX);
		r = 0;
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = secret_mem_alloc(UNLOCK_RBUF_SIZE, &buf)) < 0)
		goto out;
	c->srv = s;
	c->fd = cfd;
	c->rd.buf = buf;
	c->rd.cap = UNLOCK_RBUF_SIZE;
	if ((r = loop_add_fd(l, cfd, EPOLLIN, unlock_client_ready, c)) < 0)
		goto out;
	s->client[slot] = c;
	log_debug("unlock socket: client fd %d", cfd);
	c = NULL; /* the server owns it now */
	buf = NULL;
	cfd = -1;
out:
	if (c)
		free(c);
	secret_mem_free(buf, UNLOCK_RBUF_SIZE);
	if (cfd >= 0)
		close(cfd);
	return r;
}

int unlock_server_new(struct loop *l, const char *path,
		      const struct unlock_server_ops *ops, void *data,
		      struct unlock_server **sp)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct unlock_server *s = NULL;
	char dir[sizeof(sa.sun_path)];
	char *slash;
	mode_t old;
	int r;

	if (!ops || !ops->passphrase)
		return -EINVAL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->loop = l;
	s->ops = ops;
	s->data = data;
	memcpy(s->path, path, strlen(path) + 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	memcpy(dir, path, strlen(path) + 1);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			r = log_err_errno(-errno, "cannot make %s", dir);
			goto out;
		}
	}
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		r = -errno;
		goto out;
	}
	(void)unlink(path); /* a stale socket from an earlier run */
	old = umask(0177);  /* the socket is made 0600, never wider */
	r = bind(s->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0) {
		r = log_err_errno(-errno, "cannot bind %s", path);
		goto out;
	}
	if (chmod(path, 0600) < 0 || listen(s->fd, 8) < 0) {
		r = -errno;
		goto out;
	}
	if ((r = loop_add_fd(l, s->fd, EPOLLIN, unlock_accept_ready, s)) < 0)
		goto out;
	*sp = s;
	s = NULL;
	r = 0;
out:
	if (s) {
		if (s->fd >= 0) {
			close(s->fd);
			unlink(s->path);
		}
		free(s);
	}
	return r;
}

void unlock_server_free(struct unlock_server *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < UNLOCK_CLIENTS_MAX; i++)
		unlock_client_close(s->client[i]);
	loop_del_fd(s->loop, s->fd);
	close(s->fd);
	unlink(s->path);
	free(s);
}

void unlock_server_set_peer_uid(struct unlock_server *s, uid_t uid)
{
	s->peer_uid = uid;
}

/* Reads c's frames again after an answer or a retry; closes it on error. */
static void unlock_client_resume(struct unlock_client *c)
{
	int r = loop_mod_fd(c->srv->loop, c->fd, EPOLLIN);

	if (r == 0)
		r = unlock_client_frames(c);
	if (r == -ECONNRESET)
		return;
	if (r < 0)
		unlock_client_close(c);
}

int unlock_server_answer(struct unlock_server *s,
			 const struct unlock_answer *ans)
{
	struct unlock_client *c = s->waiting;
	int r;

	if (!c)
		return -ENOTCONN;
	s->waiting = NULL;
	c->waiting = 0;
	if ((r = unlock_reply_result(c, ans)) < 0) {
		unlock_client_close(c);
		return r;
	}
	unlock_client_resume(c);
	return 0;
}

void unlock_server_retry(struct unlock_server *s)
{
	for (unsigned i = 0; i < UNLOCK_CLIENTS_MAX; i++) {
		struct unlock_client *c = s->client[i];
		if (!c || !c->parked)
			continue;
		c->parked = 0;
		unlock_client_resume(c);
	}
}

int unlock_server_broadcast(struct unlock_server *s, const char *text)
{
	size_t len = strnlen(text, UNLOCK_PAYLOAD_MAX);
	int n = 0;

	for (unsigned i = 0; i < UNLOCK_CLIENTS_MAX; i++) {
		struct unlock_client *c = s->client[i];
		if (!c || c == s->serving || c == s->waiting)
			continue;
		if (unlock_reply(c, UNLOCK_MSG_CANCELLED, text, len) == 0)
			n++;
		unlock_client_close(c);
	}
	return n;
}

unsigned unlock_server_clients(const struct unlock_server *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < UNLOCK_CLIENTS_MAX; i++)
		n += s->client[i] != NULL;
	return n;
}
