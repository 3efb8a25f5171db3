/* luks_worker: forks the monitor and the worker for one passphrase attempt and
 * reads back their small, checked answer. */
#include "sshd/luks_worker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cursor.h"
#include "common/log.h"
#include "sshd/secret.h"

#define LUKS_WORKER_ENTRY_LEN 15
#define LUKS_WORKER_STATUS_LEN 3
#define LUKS_WORKER_HDR_LEN 3 /* type, length (2 bytes) */
#define LUKS_WORKER_RESULT_MAX                                                 \
	(LUKS_WORKER_HDR_LEN + 2 + LUKS_MAX_DEVICES * LUKS_WORKER_ENTRY_LEN)

/* The longest honest answer fits the read buffer and one atomic write. */
_Static_assert(LUKS_WORKER_RESULT_MAX + LUKS_WORKER_HDR_LEN +
		       LUKS_WORKER_STATUS_LEN <=
		   LUKS_WORKER_MSG_MAX,
	       "LUKS_WORKER_MSG_MAX too small");
#define LUKS_WORKER_PASS_CAP (SECRET_MAX + 1)

struct luks_worker {
	struct loop *loop;
	pid_t monitor; /* also its process group */
	int fd;	       /* the pipe's read end */
	size_t len;
	int overflow;
	luks_worker_done_fn done;
	void *data;
	uint8_t buf[LUKS_WORKER_MSG_MAX];
};

static void luks_worker_put_be32(uint8_t *o, uint32_t v)
{
	o[0] = (uint8_t)(v >> 24);
	o[1] = (uint8_t)(v >> 16);
	o[2] = (uint8_t)(v >> 8);
	o[3] = (uint8_t)v;
}

int luks_worker_encode_result(const struct luks_attempt *a, uint8_t *buf,
			      size_t size, size_t *lenp)
{
	size_t need;

	if (a->n > LUKS_MAX_DEVICES || a->n_devs > LUKS_MAX_DEVICES)
		return -EMSGSIZE;
	need = LUKS_WORKER_HDR_LEN + 2 + (size_t)a->n * LUKS_WORKER_ENTRY_LEN;
	if (need > size)
		return -EMSGSIZE;
	buf[0] = LUKS_WORKER_RESULT;
	buf[1] = (uint8_t)((need - LUKS_WORKER_HDR_LEN) >> 8);
	buf[2] = (uint8_t)(need - LUKS_WORKER_HDR_LEN);
	buf[3] = (uint8_t)a->n_devs;
	buf[4] = (uint8_t)a->n;
	for (unsigned i = 0; i < a->n; i++) {
		const struct luks_attempt_entry *e = &a->e[i];
		uint8_t *o = buf + LUKS_WORKER_HDR_LEN + 2 +
			     (size_t)i * LUKS_WORKER_ENTRY_LEN;
		unsigned err = e->error < 0 && e->error >= -0xffff
				   ? (unsigned)-e->error
				   : 0;
		o[0] = e->dev;
		o[1] = e->outcome;
		o[2] = e->kdf;
		o[3] = e->keyslot >= 0 && e->keyslot < 256 ? (uint8_t)e->keyslot
							   : 0xff;
		o[4] = (uint8_t)(err >> 8);
		o[5] = (uint8_t)err;
		o[6] = e->pbkdf;
		luks_worker_put_be32(o + 7, e->need_mib);
		luks_worker_put_be32(o + 11, e->avail_mib);
	}
	*lenp = need;
	return 0;
}

/*
 * One RESULT entry: device, outcome, kdf, key slot, errno (2 bytes), then
 * for NO_MEMORY the PBKDF, needed and available MiB (4 bytes each); every
 * field in range (luks.h's struct comments), the unused ones 0.
 */
static int luks_worker_parse_entry(struct cursor *c, uint8_t n_devs,
				   struct luks_attempt_entry *e)
{
	uint8_t dev, outcome, kdf, slot, pbkdf;
	uint16_t err;
	uint32_t need, avail;

	if (cursor_u8(c, &dev) < 0 || cursor_u8(c, &outcome) < 0 ||
	    cursor_u8(c, &kdf) < 0 || cursor_u8(c, &slot) < 0 ||
	    cursor_be16(c, &err) < 0 || cursor_u8(c, &pbkdf) < 0 ||
	    cursor_be32(c, &need) < 0 || cursor_be32(c, &avail) < 0)
		return -EBADMSG;
	if (dev >= n_devs || kdf > 1)
		return -EBADMSG;
	if (outcome != LUKS_OUT_NO_MEMORY && (pbkdf || need || avail))
		return -EBADMSG;
	e->dev = dev;
	e->outcome = outcome;
	e->kdf = kdf;
	switch (outcome) {
	case LUKS_OUT_OPENED:
		if (slot >= LUKS_KEYSLOT_MAX || err)
			return -EBADMSG;
		e->keyslot = slot;
		break;
	case LUKS_OUT_FAILED:
		if (err == 0 || err > 4095)
			return -EBADMSG;
		e->error = -(int)err;
		break;
	case LUKS_OUT_WRONG:
	case LUKS_OUT_ALREADY_OPEN:
		if (err)
			return -EBADMSG;
		break;
	case LUKS_OUT_NO_MEMORY:
		/* Nothing was derived, and it did not fit. */
		if (kdf || err || slot >= LUKS_KEYSLOT_MAX ||
		    (pbkdf != LUKS_PBKDF_ARGON2I &&
		     pbkdf != LUKS_PBKDF_ARGON2ID) ||
		    need <= avail)
			return -EBADMSG;
		e->keyslot = slot;
		e->pbkdf = pbkdf;
		e->need_mib = need;
		e->avail_mib = avail;
		break;
	default:
		return -EBADMSG;
	}
	return 0;
}

/* One RESULT payload: the devices count, the entries count, the entries. */
static int luks_worker_parse_result(struct cursor c, struct luks_attempt *a)
{
	uint8_t n_devs, n;

	memset(a, 0, sizeof(*a));
	if (cursor_u8(&c, &n_devs) < 0 || cursor_u8(&c, &n) < 0 ||
	    n_devs > LUKS_MAX_DEVICES || n > n_devs ||
	    c.left != (size_t)n * LUKS_WORKER_ENTRY_LEN)
		return -EBADMSG;
	a->n_devs = n_devs;
	a->n = n;
	for (unsigned i = 0; i < n; i++)
		if (luks_worker_parse_entry(&c, n_devs, &a->e[i]) < 0)
			return -EBADMSG;
	return 0;
}

int luks_worker_parse(const uint8_t *buf, size_t len, struct luks_attempt *a,
		      struct luks_worker_end *end)
{
	struct cursor c = cursor_make(buf, len);

	memset(end, 0, sizeof(*end));
	while (c.left) {
		uint8_t type, how, code, core;
		uint16_t plen;
		struct cursor p;

		if (end->have_status)
			return -EBADMSG; /* nothing after the STATUS */
		if (cursor_u8(&c, &type) < 0 || cursor_be16(&c, &plen) < 0 ||
		    cursor_take(&c, plen, &p) < 0)
			return -EBADMSG;
		switch (type) {
		case LUKS_WORKER_RESULT:
			if (end->have_result ||
			    luks_worker_parse_result(p, a) < 0)
				return -EBADMSG;
			end->have_result = 1;
			break;
		case LUKS_WORKER_STATUS:
			if (plen != LUKS_WORKER_STATUS_LEN)
				return -EBADMSG;
			(void)cursor_u8(&p, &how);
			(void)cursor_u8(&p, &code);
			(void)cursor_u8(&p, &core);
			if (how > 1 || core > 1 || (how == 1 && code == 0))
				return -EBADMSG;
			end->have_status = 1;
			end->killed = how;
			end->code = code;
			break;
		default:
			return -EBADMSG;
		}
	}
	return 0;
}

/* Both ends write less than PIPE_BUF at once: one write(2), atomic. */
static void luks_worker_write(int fd, const uint8_t *buf, size_t len)
{
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
}

/* The worker: the libcryptsetup work, its answer, and nothing else. */
static void luks_worker_work(const struct luks_set *s, void *pass, size_t len,
			     int wfd)
{
	uint8_t buf[LUKS_WORKER_MSG_MAX];
	struct luks_attempt a;
	size_t n;
	int fd;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)prctl(PR_SET_NAME, "unlock-worker"); /* what ps shows */
	(void)mlock(pass, LUKS_WORKER_PASS_CAP);   /* not inherited by fork */
	/* If memory runs out, the process asking for it is the one to go. */
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		luks_worker_write(fd, (const uint8_t *)"1000", 4);
		close(fd);
	}
	luks_attempt_run(s, pass, len, &a);
	secret_mem_free(pass, LUKS_WORKER_PASS_CAP);
	if (luks_worker_encode_result(&a, buf, sizeof(buf), &n) == 0)
		luks_worker_write(wfd, buf, n);
	_exit(0);
}

/* The monitor: starts the worker, waits for it, says how it ended. */
static void luks_worker_monitor(const struct luks_set *s, void *pass,
				size_t len, int wfd)
{
	uint8_t st[LUKS_WORKER_HDR_LEN + LUKS_WORKER_STATUS_LEN] = {
	    LUKS_WORKER_STATUS, 0, LUKS_WORKER_STATUS_LEN};
	sigset_t none;
	pid_t pid;
	int status;

	(void)setpgid(0, 0);
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)prctl(PR_SET_NAME, "unlock-monitor");
	/*
	 * /init blocks the signals its signalfd reads, and a handler it (or
	 * a test harness, or a sanitizer) set would hide how the worker died:
	 * neither is ours to keep.
	 */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	pid = fork();
	if (pid == 0)
		luks_worker_work(s, pass, len, wfd);
	secret_mem_free(pass, LUKS_WORKER_PASS_CAP);
	if (pid < 0)
		_exit(1);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(1);
	if (WIFSIGNALED(status)) {
		st[3] = 1;
		st[4] = (uint8_t)WTERMSIG(status);
		st[5] = WCOREDUMP(status) ? 1 : 0;
	} else {
		st[4] = (uint8_t)WEXITSTATUS(status);
	}
	luks_worker_write(wfd, st, sizeof(st));
	_exit(0);
}

static void luks_worker_free(struct luks_worker *w)
{
	if (!w)
		return;
	if (w->fd >= 0) {
		loop_del_fd(w->loop, w->fd);
		close(w->fd);
	}
	/* /init's reaper may have collected it already: ECHILD is fine. */
	if (w->monitor > 0)
		(void)waitpid(w->monitor, NULL, WNOHANG);
	free(w);
}

static void luks_worker_finish(struct luks_worker *w)
{
	struct luks_worker_end end;
	struct luks_attempt *a = NULL;
	char why[128];

	why[0] = '\0';
	a = calloc(1, sizeof(*a));
	if (!a)
		snprintf(why, sizeof(why), "out of memory reading its answer");
	else if (w->overflow || luks_worker_parse(w->buf, w->len, a, &end) < 0)
		snprintf(why, sizeof(why),
			 "the unlock worker's answer was "
			 "malformed");
	else if (end.have_result) {
		if (end.killed || end.code)
			log_warn("the unlock worker answered, then ended with "
				 "%s %d",
				 end.killed ? "signal" : "status", end.code);
	} else if (!end.have_status)
		snprintf(why, sizeof(why),
			 "the unlock worker's monitor ended without an answer");
	else if (end.killed)
		snprintf(why, sizeof(why),
			 "the unlock worker was killed by signal %d (%s)",
			 end.code, strsignal(end.code));
	else
		snprintf(why, sizeof(why),
			 "the unlock worker exited with status %d without "
			 "an answer",
			 end.code);
	if (why[0])
		w->done(w->data, NULL, why);
	else
		w->done(w->data, a, NULL);
	free(a);
	luks_worker_free(w);
}

static int luks_worker_ready(struct loop *l, int fd, uint32_t events,
			     void *data)
{
	struct luks_worker *w = data;
	ssize_t n;

	(void)l;
	(void)events;
	for (;;) {
		if (w->len == sizeof(w->buf)) {
			w->overflow = 1; /* more than any honest answer */
			break;
		}
		n = read(fd, w->buf + w->len, sizeof(w->buf) - w->len);
		if (n > 0) {
			w->len += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		break; /* end of file: both processes are gone */
	}
	if (w->overflow)
		(void)kill(-w->monitor, SIGKILL);
	luks_worker_finish(w);
	return 0;
}

int luks_worker_start(struct loop *l, const struct luks_set *s,
		      const char *pass, size_t len, luks_worker_done_fn done,
		      void *data, struct luks_worker **wp)
{
	struct luks_worker *w = NULL;
	int pfd[2] = {-1, -1}, r;
	void *copy = NULL;
	pid_t pid;

	if (!s || !pass || len > SECRET_MAX || !done)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->loop = l;
	w->fd = -1;
	w->done = done;
	w->data = data;
	if ((r = secret_mem_alloc_inherited(LUKS_WORKER_PASS_CAP, &copy)) < 0)
		goto out;
	memcpy(copy, pass, len);
	if (pipe2(pfd, O_CLOEXEC) < 0 ||
	    fcntl(pfd[0], F_SETFL, O_NONBLOCK) < 0) {
		r = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	if (pid == 0) {
		close(pfd[0]);
		luks_worker_monitor(s, copy, len, pfd[1]);
	}
	(void)setpgid(pid, pid); /* the monitor does it too: no race */
	w->monitor = pid;
	w->fd = pfd[0];
	pfd[0] = -1;
	if ((r = loop_add_fd(l, w->fd, EPOLLIN, luks_worker_ready, w)) < 0) {
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		goto out;
	}
	log_debug("unlock worker: monitor pid %d", (int)pid);
	*wp = w;
	w = NULL;
	r = 0;
out:
	secret_mem_free(copy, LUKS_WORKER_PASS_CAP); /* our copy, at once */
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	if (w) {
		if (w->fd >= 0) {
			close(w->fd);
			w->fd = -1;
		}
		luks_worker_free(w);
	}
	return r;
}

void luks_worker_cancel(struct luks_worker *w)
{
	if (!w)
		return;
	/* The whole group: the monitor and the worker at once. */
	(void)kill(-w->monitor, SIGKILL);
	(void)kill(w->monitor, SIGKILL);
	luks_worker_free(w);
}
