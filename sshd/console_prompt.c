/* console_prompt: no-echo line reads on the console into locked memory,
 * answered in-process. */
#include "sshd/console_prompt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <termios.h>
#include <unistd.h>

#include "common/log.h"
#include "sshd/secret.h"

#define CONSOLE_LINE_MAX (SECRET_MAX + 2) /* the passphrase, '\n', one more */
#define CONSOLE_EOF_MAX 64 /* end-of-file reads in a row before giving up */

struct console_prompt {
	struct loop *loop;
	int fd;
	const char *prompt;
	unlock_passphrase_fn fn;
	void *data;
	struct termios saved;
	int tio_changed;
	int fl_saved; /* the fd's status flags before O_NONBLOCK, or -1 */
	struct log_tty out;
	int watching;	/* fd is in the loop */
	int active;	/* still asking */
	int discarding; /* inside an over-long line */
	int in_callback;
	int stop_pending;
	int waiting;	   /* for console_prompt_answer() */
	uint64_t tried_at; /* when the line waited for was handed over */
	size_t parked_len; /* a line kept for console_prompt_retry(), or 0 */
	unsigned eofs;	   /* end-of-file reads since the last line */
	struct loop_timer *timer;
	char *line;  /* locked, CONSOLE_LINE_MAX bytes */
	char *extra; /* locked: lines typed while an attempt runs */
};

/* What a line typed while an attempt runs is told (issue 10). */
#define CONSOLE_WAIT_SSH                                                       \
	"please wait: a passphrase from SSH is being tried; yours is next\n"
#define CONSOLE_WAIT_TRYING "please wait: trying the passphrase...\n"

/* Never blocks /init: a stopped console drops text, counted (log_tty). */
static void console_write(struct console_prompt *cp, const char *s)
{
	(void)log_tty_write(&cp->out, s, strlen(s));
}

static int console_watch(struct console_prompt *cp, int on);

static void console_show_prompt(struct console_prompt *cp)
{
	tcflush(cp->fd, TCIFLUSH); /* nothing typed before the prompt counts */
	console_write(cp, cp->prompt);
	cp->discarding = 0;
}

/* Stops asking without freeing: the terminal goes back to how it was. */
static void console_finish(struct console_prompt *cp)
{
	cp->active = 0;
	console_watch(cp, 0);
	if (cp->timer)
		loop_timer_arm(cp->timer, 0);
	if (cp->tio_changed) {
		/* A half-typed passphrase must not reach the next reader. */
		tcflush(cp->fd, TCIFLUSH);
		tcsetattr(cp->fd, TCSANOW, &cp->saved);
		cp->tio_changed = 0;
	}
	if (cp->fl_saved >= 0) {
		(void)fcntl(cp->fd, F_SETFL, cp->fl_saved);
		cp->fl_saved = -1;
	}
	if (cp->line)
		explicit_bzero(cp->line, CONSOLE_LINE_MAX);
	cp->parked_len = 0;
	cp->waiting = 0;
}

static void console_free(struct console_prompt *cp)
{
	console_finish(cp);
	loop_timer_free(cp->timer);
	secret_mem_free(cp->line, CONSOLE_LINE_MAX);
	secret_mem_free(cp->extra, CONSOLE_LINE_MAX);
	free(cp);
}

static void console_show_answer(struct console_prompt *cp,
				const struct unlock_answer *ans)
{
	console_write(cp, ans->text);
	switch (ans->code) {
	case UNLOCK_OK:
	case UNLOCK_REFUSED:
		console_finish(cp);
		return;
	case UNLOCK_WRONG:
	case UNLOCK_WAIT:
		if (ans->wait_sec) {
			/* Not reading meanwhile: what is typed is dropped. */
			console_watch(cp, 0);
			loop_timer_arm(cp->timer,
				       (uint64_t)ans->wait_sec * 1000000u);
			return;
		}
		break;
	case UNLOCK_PARTIAL:
	case UNLOCK_ERROR:
		break;
	}
	console_show_prompt(cp);
	console_watch(cp, 1);
}

/*
 * Hands the line (len bytes) to fn; the line is wiped unless fn says
 * -EBUSY (an attempt from SSH runs), when it stays (locked) until
 * console_prompt_retry(). Either way the console keeps reading while the
 * attempt runs, so that a line typed meanwhile is answered at once
 * (console_ready_busy()). retry: the line was parked before (its "yours
 * is next" was said).
 */
static void console_answer(struct console_prompt *cp, size_t len, int retry)
{
	struct unlock_answer ans;
	int r;

	memset(&ans, 0, sizeof(ans));
	cp->in_callback = 1;
	r = cp->fn(cp->data, cp->line, len, &ans);
	cp->in_callback = 0;
	if (r == -EBUSY && !cp->stop_pending) {
		cp->parked_len = len;
		if (!retry)
			console_write(cp, CONSOLE_WAIT_SSH);
		return;
	}
	explicit_bzero(cp->line, CONSOLE_LINE_MAX);
	if (cp->stop_pending)
		return;
	if (r == UNLOCK_ANSWER_LATER) {
		/* Said once, now: the derivation may take a minute. */
		cp->waiting = 1;
		cp->tried_at = loop_now_usec();
		console_write(cp, CONSOLE_WAIT_TRYING);
		return;
	}
	if (r < 0) {
		ans.code = UNLOCK_ERROR;
		snprintf(ans.text, sizeof(ans.text), "not unlocked: %s\n",
			 strerror(-r));
	}
	console_show_answer(cp, &ans);
}

/*
 * A read of 0 bytes is the EOF key (Ctrl-D) on an empty line while the
 * terminal is alive; a hung-up one fails its ioctls (EIO). A terminal that
 * gives nothing but end of file would wake the loop forever: after
 * CONSOLE_EOF_MAX in a row without a line it counts as gone.
 */
static int console_eof_is_key(struct console_prompt *cp)
{
	struct termios t;

	if (tcgetattr(cp->fd, &t) < 0)
		return 0;
	return ++cp->eofs <= CONSOLE_EOF_MAX;
}

/*
 * One read of the console into buf (CONSOLE_LINE_MAX bytes; canonical
 * mode: at most one line). > 0: the bytes read; 0: Ctrl-D on an empty
 * line; -EAGAIN: nothing now; -EIO: the console hung up or closed and the
 * prompt has ended (it would wake us forever).
 */
static ssize_t console_read(struct console_prompt *cp, char *buf)
{
	ssize_t n = read(cp->fd, buf, CONSOLE_LINE_MAX);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return -EAGAIN;
	if (n == 0 && console_eof_is_key(cp))
		return 0;
	if (n <= 0) {
		log_warn(
		    "console prompt: the console gave %s; not asking there",
		    n == 0 ? "end of file" : strerror(errno));
		console_finish(cp);
		return -EIO;
	}
	cp->eofs = 0;
	return n;
}

/*
 * A read while an attempt runs: the bytes go to their own buffer (the
 * parked line stays as it is) and are wiped at once; each line gets a
 * "please wait" answer and is dropped.
 */
static int console_ready_busy(struct console_prompt *cp)
{
	char msg[96];
	ssize_t n;

	n = console_read(cp, cp->extra);
	if (n <= 0)
		return 0; /* nothing, or Ctrl-D: nothing to say */
	if (cp->extra[n - 1] == '\n') {
		if (cp->waiting)
			snprintf(msg, sizeof(msg),
				 "please wait: the passphrase is still being "
				 "tried (%llu s)\n",
				 (unsigned long long)((loop_now_usec() -
						       cp->tried_at) /
						      1000000u));
		else
			snprintf(msg, sizeof(msg), "%s", CONSOLE_WAIT_SSH);
		console_write(cp, msg);
	}
	explicit_bzero(cp->extra, CONSOLE_LINE_MAX);
	return 0;
}

static int console_ready(struct loop *l, int fd, uint32_t events, void *data)
{
	struct console_prompt *cp = data;
	ssize_t n;
	size_t len;

	(void)l;
	(void)events;
	if (cp->waiting || cp->parked_len)
		return console_ready_busy(cp);
	(void)fd;
	n = console_read(cp, cp->line);
	if (n == 0) {
		/* Ctrl-D on an empty line: ask again. */
		console_write(cp, "\n");
		console_show_prompt(cp);
		return 0;
	}
	if (n < 0)
		return 0;
	len = (size_t)n;
	if (cp->line[len - 1] != '\n') {
		explicit_bzero(cp->line, CONSOLE_LINE_MAX);
		if (!cp->discarding)
			console_write(cp, "\n");
		cp->discarding = 1;
		return 0;
	}
	if (cp->discarding) {
		explicit_bzero(cp->line, CONSOLE_LINE_MAX);
		console_write(cp, "longer than 512 bytes: not tried\n");
		console_show_prompt(cp);
		return 0;
	}
	len--;
	if (len && cp->line[len - 1] == '\r')
		len--;
	if (len > SECRET_MAX) {
		/* The buffer holds one byte more than a passphrase may have:
		 * that byte tells an over-long line from a full one. */
		explicit_bzero(cp->line, CONSOLE_LINE_MAX);
		console_write(cp, "longer than 512 bytes: not tried\n");
		console_show_prompt(cp);
		return 0;
	}
	if (len == 0) {
		console_show_prompt(cp);
		return 0;
	}
	console_answer(cp, len, 0);
	if (cp->stop_pending)
		console_free(cp);
	return 0;
}

static int console_watch(struct console_prompt *cp, int on)
{
	int r;

	if (on == cp->watching)
		return 0;
	if (on) {
		r = loop_add_fd(cp->loop, cp->fd, EPOLLIN, console_ready, cp);
		if (r < 0)
			return r;
	} else {
		loop_del_fd(cp->loop, cp->fd);
	}
	cp->watching = on;
	return 0;
}

static int console_timer(struct loop *l, struct loop_timer *t, void *data)
{
	struct console_prompt *cp = data;

	(void)l;
	(void)t;
	if (!cp->active)
		return 0;
	console_show_prompt(cp);
	return console_watch(cp, 1);
}

int console_prompt_start(struct loop *l, int tty_fd, const char *prompt,
			 unlock_passphrase_fn fn, void *data,
			 struct console_prompt **cpp)
{
	struct console_prompt *cp;
	struct termios t;
	void *line = NULL;
	int r;

	if (tty_fd < 0 || !fn)
		return -EINVAL;
	cp = calloc(1, sizeof(*cp));
	if (!cp)
		return -ENOMEM;
	cp->loop = l;
	cp->fd = tty_fd;
	cp->fl_saved = -1;
	log_tty_init(&cp->out, tty_fd);
	cp->fn = fn;
	cp->data = data;
	cp->prompt = prompt ? prompt : "Passphrase (or unlock over SSH): ";
	if ((r = secret_mem_alloc(CONSOLE_LINE_MAX, &line)) < 0)
		goto out;
	cp->line = line;
	if ((r = secret_mem_alloc(CONSOLE_LINE_MAX, &line)) < 0)
		goto out;
	cp->extra = line;
	if ((r = loop_timer_new(l, console_timer, cp, &cp->timer)) < 0)
		goto out;
	if (tcgetattr(tty_fd, &cp->saved) < 0) {
		r = -errno;
		goto out;
	}
	/* Writes must never block /init: Ctrl-S, or a serial line with
	 * flow control and nothing attached. */
	if ((r = fcntl(tty_fd, F_GETFL)) < 0 ||
	    fcntl(tty_fd, F_SETFL, r | O_NONBLOCK) < 0) {
		r = -errno;
		goto out;
	}
	cp->fl_saved = r;
	t = cp->saved;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	t.c_lflag |= ICANON | ECHONL;
	t.c_iflag |= ICRNL;
	if (tcsetattr(tty_fd, TCSANOW, &t) < 0) {
		r = -errno;
		goto out;
	}
	cp->tio_changed = 1;
	cp->active = 1;
	if ((r = console_watch(cp, 1)) < 0)
		goto out;
	console_show_prompt(cp);
	*cpp = cp;
	cp = NULL;
	r = 0;
out:
	if (cp)
		console_free(cp);
	return r;
}

void console_prompt_stop(struct console_prompt *cp, const char *why)
{
	if (!cp)
		return;
	if (why && cp->active) {
		console_write(cp, "\n");
		console_write(cp, why);
		console_write(cp, "\n");
	}
	if (cp->in_callback) {
		console_finish(cp);
		cp->stop_pending = 1;
		return;
	}
	console_free(cp);
}

int console_prompt_active(const struct console_prompt *cp)
{
	return cp && cp->active;
}

void console_prompt_answer(struct console_prompt *cp,
			   const struct unlock_answer *ans)
{
	if (!cp || !cp->active || !cp->waiting)
		return;
	cp->waiting = 0;
	console_show_answer(cp, ans);
}

void console_prompt_retry(struct console_prompt *cp)
{
	if (!cp || !cp->active || !cp->parked_len)
		return;
	size_t len = cp->parked_len;
	cp->parked_len = 0;
	console_answer(cp, len, 1);
	if (cp->stop_pending)
		console_free(cp);
}
