/* unlock: the command unlock keys are forced into; sends a passphrase to
 * /init's unlock socket. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common/log.h"
#include "sshd/secret.h"
#include "sshd/unlockproto.h"

/* Exit statuses (STYLE: 0, 1 for a failed check, 2 for usage). */
#define EXIT_UNLOCKED 0
#define EXIT_NOT_UNLOCKED 1
#define EXIT_USAGE 2

/* State the signal handler restores: the terminal and the passphrase. */
static struct termios unlock_saved_tio;
static volatile sig_atomic_t unlock_tio_changed;
static struct secret *volatile unlock_secret;

static void unlock_restore_tty(void)
{
	if (unlock_tio_changed) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &unlock_saved_tio);
		unlock_tio_changed = 0;
	}
}

/* Async-signal-safe: restore, wipe, then die of the same signal. */
static void unlock_on_signal(int sig)
{
	struct secret *s = unlock_secret;

	unlock_restore_tty();
	if (s && s->buf)
		explicit_bzero(s->buf, s->cap);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void unlock_catch_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = unlock_on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int unlock_echo_off(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &unlock_saved_tio) < 0)
		return -errno;
	t = unlock_saved_tio;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	t.c_lflag |= ECHONL | ICANON;
	unlock_tio_changed = 1;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) < 0) {
		unlock_tio_changed = 0;
		return -errno;
	}
	return 0;
}

struct unlock_conn {
	int fd;
	uint8_t buf[2 * UNLOCK_FRAME_MAX];
	struct unlock_reader rd;
	size_t pending; /* the size of the frame last handed out */
};

/*
 * Waits for the next frame from /init. The frame points into conn's buffer
 * and stays valid until the next call.
 */
static int unlock_recv(struct unlock_conn *c, struct unlock_frame *f)
{
	int r;

	if (c->pending) {
		struct unlock_frame old = {.size = c->pending};
		unlock_reader_consume(&c->rd, &old);
		c->pending = 0;
	}
	for (;;) {
		r = unlock_reader_next(&c->rd, UNLOCK_FROM_SERVER, f);
		if (r == 0) {
			c->pending = f->size;
			return 0;
		}
		if (r != -EAGAIN)
			return r;
		r = unlock_reader_fill(&c->rd, c->fd);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0 && r != -EINTR)
			return r;
	}
}

static void unlock_print(FILE *out, struct cursor text)
{
	char buf[UNLOCK_PAYLOAD_MAX + 1];

	unlock_text_sanitize(buf, sizeof(buf), text);
	fputs(buf, out);
	if (buf[0] && buf[strlen(buf) - 1] != '\n')
		fputc('\n', out);
	fflush(out);
}

/* A CANCELLED frame: the other side unlocked. */
static int unlock_cancelled(const struct unlock_frame *f)
{
	unlock_restore_tty();
	unlock_print(stdout, f->payload);
	return EXIT_UNLOCKED;
}

/*
 * Reads one line from the terminal into sec with echo off, while watching
 * the socket for a CANCELLED. 1: a line; 0: EOF; 2: unlocked elsewhere
 * (*exitp set); -errno.
 */
static int unlock_read_tty(struct unlock_conn *c, struct secret *sec,
			   int *exitp)
{
	struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
			      {.fd = c->fd, .events = POLLIN}};
	struct unlock_frame f;
	ssize_t n;
	int r;

	fputs("Passphrase: ", stderr);
	fflush(stderr);
	secret_wipe(sec);
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[1].revents) {
			if ((r = unlock_recv(c, &f)) < 0)
				return r;
			if (f.type == UNLOCK_MSG_CANCELLED) {
				*exitp = unlock_cancelled(&f);
				return 2;
			}
			continue; /* nothing else is sent unasked */
		}
		if (!p[0].revents)
			continue;
		/* Canonical mode: one read returns one whole line. */
		n = read(STDIN_FILENO, sec->buf, sec->cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		sec->len = (size_t)n;
		if (sec->buf[sec->len - 1] != '\n') {
			/* Longer than the buffer: drop it and the rest. */
			secret_wipe(sec);
			tcflush(STDIN_FILENO, TCIFLUSH);
			return -EMSGSIZE;
		}
		sec->len--;
		return 1;
	}
}

/* Reads stdin (not a terminal) up to the first newline (LF or CR) or EOF. */
static int unlock_read_stream(struct secret *sec)
{
	char ch;
	ssize_t n;

	secret_wipe(sec);
	for (;;) {
		n = read(STDIN_FILENO, &ch, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		/* CR too: a terminal in raw mode on the far side of a
		 * pty-less session sends CR for Enter. */
		if (n == 0 || ch == '\n' || ch == '\r')
			break;
		if (sec->len >= SECRET_MAX) {
			secret_wipe(sec);
			explicit_bzero(&ch, sizeof(ch));
			return -EMSGSIZE;
		}
		sec->buf[sec->len++] = ch;
	}
	explicit_bzero(&ch, sizeof(ch));
	return 0;
}

/*
 * Sends the passphrase and waits for the RESULT. Returns its code, or 100
 * when unlocked elsewhere meanwhile, or -errno. The caller wipes sec.
 */
static int unlock_exchange(struct unlock_conn *c, struct secret *sec,
			   unsigned *wait_sec)
{
	struct unlock_frame f;
	enum unlock_code code;
	struct cursor text;
	int r;

	r = unlock_send(c->fd, UNLOCK_MSG_PASSPHRASE, sec->buf, sec->len);
	if (r < 0)
		return r;
	for (;;) {
		if ((r = unlock_recv(c, &f)) < 0)
			return r;
		if (f.type == UNLOCK_MSG_CANCELLED) {
			unlock_cancelled(&f);
			return 100;
		}
		if (f.type != UNLOCK_MSG_RESULT)
			continue;
		if ((r = unlock_result_parse(&f, &code, wait_sec, &text)) < 0)
			return r;
		unlock_print(stdout, text);
		return (int)code;
	}
}

/* STATUS_REQ or RESUME: prints init's STATUS answer. */
static int unlock_status(struct unlock_conn *c, enum unlock_msg_type type)
{
	struct unlock_frame f;
	int r;

	if ((r = unlock_send(c->fd, type, NULL, 0)) < 0)
		return r;
	for (;;) {
		if ((r = unlock_recv(c, &f)) < 0)
			return r;
		if (f.type == UNLOCK_MSG_STATUS ||
		    f.type == UNLOCK_MSG_CANCELLED) {
			unlock_print(stdout, f.payload);
			return 0;
		}
	}
}

static void unlock_wait(unsigned sec)
{
	if (!sec)
		return;
	fprintf(stderr, "waiting %u s before the next try\n", sec);
	while ((sec = sleep(sec)) > 0)
		;
}

static int unlock_interactive(struct unlock_conn *c, struct secret *sec)
{
	unsigned wait = 0;
	int r, ex = EXIT_NOT_UNLOCKED;

	if ((r = unlock_echo_off()) < 0) {
		log_err_errno(r, "cannot turn echo off");
		return EXIT_NOT_UNLOCKED;
	}
	for (;;) {
		r = unlock_read_tty(c, sec, &ex);
		if (r == 2)
			return ex;
		if (r == -EMSGSIZE) {
			fprintf(stderr, "longer than %d bytes: not sent\n",
				SECRET_MAX);
			continue;
		}
		if (r < 0) {
			log_err_errno(r, "reading the passphrase");
			return EXIT_NOT_UNLOCKED;
		}
		if (r == 0)
			return EXIT_NOT_UNLOCKED;
		if (sec->len == 0)
			continue;
		r = unlock_exchange(c, sec, &wait);
		secret_wipe(sec);
		if (r == 100 || r == UNLOCK_OK)
			return EXIT_UNLOCKED;
		if (r < 0) {
			log_err_errno(r, "talking to /init");
			return EXIT_NOT_UNLOCKED;
		}
		if (r == UNLOCK_REFUSED || r == UNLOCK_ERROR)
			return EXIT_NOT_UNLOCKED;
		/* WRONG, WAIT: after the delay; PARTIAL: the next disk. */
		unlock_wait(wait);
		tcflush(STDIN_FILENO, TCIFLUSH);
	}
}

static int unlock_from_stream(struct unlock_conn *c, struct secret *sec)
{
	unsigned wait = 0;
	int r;

	if ((r = unlock_read_stream(sec)) < 0) {
		if (r == -EMSGSIZE)
			log_err("passphrase longer than %d bytes: not sent",
				SECRET_MAX);
		else
			log_err_errno(r, "reading the passphrase");
		return EXIT_NOT_UNLOCKED;
	}
	if (sec->len == 0) {
		log_err("empty passphrase: not sent");
		return EXIT_NOT_UNLOCKED;
	}
	/* Too early (a delay after someone's wrong passphrase): wait and
	 * send it again, a few times. */
	for (int tries = 0;; tries++) {
		r = unlock_exchange(c, sec, &wait);
		if (r != UNLOCK_WAIT || tries == 3)
			break;
		unlock_wait(wait);
	}
	secret_wipe(sec);
	if (r == 100 || r == UNLOCK_OK || r == UNLOCK_PARTIAL)
		return EXIT_UNLOCKED;
	if (r < 0)
		log_err_errno(r, "talking to /init");
	return EXIT_NOT_UNLOCKED;
}

/*
 * Under an authorized_keys command= the client's words arrive in
 * SSH_ORIGINAL_COMMAND, not argv: "unlock" and "unlock --status" (with or
 * without the program name) are honoured; anything else is refused.
 * Returns 0 (passphrase), 1 (status), or -EINVAL.
 */
static int unlock_original_command(const char *cmd)
{
	char words[128], *w[3], *save = NULL;
	unsigned n = 0;

	if (strlen(cmd) >= sizeof(words))
		return -EINVAL;
	memcpy(words, cmd, strlen(cmd) + 1);
	for (char *t = strtok_r(words, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		if (n == 3)
			return -EINVAL;
		w[n++] = t;
	}
	if (n && (!strcmp(w[0], "unlock") || !strcmp(w[0], "/bin/unlock"))) {
		memmove(w, w + 1, sizeof(w[0]) * 2);
		n--;
	}
	if (n == 0)
		return 0;
	if (n == 1 && (!strcmp(w[0], "--status") || !strcmp(w[0], "status")))
		return 1;
	return -EINVAL;
}

static void unlock_usage(FILE *f)
{
	fprintf(f, "usage: unlock [--status] [--resume] [--socket PATH]\n"
		   "       sesame-status [--resume]\n"
		   "Sends the LUKS passphrase to the initramfs: typed (no "
		   "echo) on a terminal,\n"
		   "or the first line of standard input "
		   "(ssh root@host unlock < passfile).\n"
		   "--status (sesame-status): devices found, locked, opened; "
		   "network; what boot waits for.\n"
		   "--resume: rescan block devices and leave an emergency "
		   "(rescue shells).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"status", no_argument, NULL, 's'},
	    {"resume", no_argument, NULL, 'r'},
	    {"socket", required_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	const char *path = UNLOCK_SOCKET_PATH;
	struct unlock_conn *c = NULL;
	struct secret *sec = NULL;
	const char *base = strrchr(argv[0], '/');
	int status = 0, resume = 0, o, r, ex = EXIT_NOT_UNLOCKED;

	base = base ? base + 1 : argv[0];
	/* Installed as /bin/sesame-status too: the rescue shell's command. */
	if (!strcmp(base, "sesame-status"))
		status = 1;
	log_set_ident(status ? "sesame-status" : "unlock");
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			status = 1;
			break;
		case 'r':
			resume = 1;
			break;
		case 'S':
			path = optarg;
			break;
		case 'h':
			unlock_usage(stdout);
			return 0;
		case 'V':
			printf("unlock (sesame) %s\n", SESAME_VERSION);
			return 0;
		default:
			unlock_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		unlock_usage(stderr);
		return EXIT_USAGE;
	}
	if (!status && !resume && getenv("SSH_ORIGINAL_COMMAND")) {
		r = unlock_original_command(getenv("SSH_ORIGINAL_COMMAND"));
		if (r < 0) {
			log_err("this key may only run 'unlock' or "
				"'unlock --status'");
			return EXIT_USAGE;
		}
		status = r;
	}
	unlock_catch_signals();
	c = calloc(1, sizeof(*c));
	if (!c)
		goto out;
	c->rd.buf = c->buf;
	c->rd.cap = sizeof(c->buf);
	if ((r = unlock_client_connect(path, &c->fd)) < 0) {
		log_err_errno(r,
			      "cannot reach the unlock socket %s (is boot "
			      "past unlocking?)",
			      path);
		c->fd = -1;
		goto out;
	}
	if (status || resume) {
		r = unlock_status(c, resume ? UNLOCK_MSG_RESUME
					    : UNLOCK_MSG_STATUS_REQ);
		ex = r < 0 ? EXIT_NOT_UNLOCKED : 0;
		if (r < 0)
			log_err_errno(r, "no status from /init");
		goto out;
	}
	if ((r = secret_new(&sec)) < 0) {
		log_err_errno(r, "cannot allocate locked memory");
		goto out;
	}
	unlock_secret = sec;
	if (isatty(STDIN_FILENO))
		ex = unlock_interactive(c, sec);
	else
		ex = unlock_from_stream(c, sec);
out:
	unlock_restore_tty();
	unlock_secret = NULL;
	secret_free(sec);
	if (c && c->fd >= 0)
		close(c->fd);
	free(c);
	return ex;
}
