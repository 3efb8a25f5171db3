/* test_sshd_unlock: the unlock service end to end: the unlock program, a
 * console on a pty, real LUKS headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <libcryptsetup.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "tests/unit/sshd_fixtures.h"
#include "sshd/console_prompt.h"
#include "sshd/luks.h"
#include "sshd/secret.h"
#include "sshd/unlock_service.h"

#define UUID_A "11111111-2222-3333-4444-555555555555"
#define UUID_B "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
#define PASS "correct horse"
#define UUID_M "0000aaaa-0000-0000-0000-00000000000d"

static char tmpdir[64], img_a[128], img_b[128], sock[128];
static char img_argon[128], meminfo[128];
static char unlock_bin[PATH_MAX];

struct pty {
	int master, slave;
};

struct fx {
	struct loop *loop;
	struct luks_set *set;
	struct unlock_service *svc;
	struct pty console;
	unsigned opened_calls, exhausted_calls, resume_calls;
};

static int fake_is_active(const char *name)
{
	(void)name;
	return 0;
}

static int fake_activate(struct crypt_device *cd, const char *name, int keyslot,
			 const char *pass, size_t len, uint32_t flags)
{
	(void)name;
	(void)flags;
	return crypt_activate_by_passphrase(cd, NULL, keyslot, pass, len, 0);
}

static uint64_t real_clock(void)
{
	return loop_now_usec();
}

static const struct luks_sys fake_sys = {
    .is_active = fake_is_active,
    .activate = fake_activate,
    .now_usec = real_clock,
};

static int group_setup(void **state)
{
	char self[PATH_MAX];
	ssize_t n;

	(void)state;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -1;
	self[n] = '\0';
	/* build/tests/x -> build/bin/unlock (build/san/... under SAN=1) */
	snprintf(unlock_bin, sizeof(unlock_bin), "%s/../bin/unlock",
		 dirname(self));
	if (access(unlock_bin, X_OK) < 0) {
		fprintf(stderr, "missing %s\n", unlock_bin);
		return -1;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sesame-unlock-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(img_a, sizeof(img_a), "%s/a.img", tmpdir);
	snprintf(img_b, sizeof(img_b), "%s/b.img", tmpdir);
	snprintf(sock, sizeof(sock), "%s/run/unlock.sock", tmpdir);
	fixture_luks_image(img_a, CRYPT_LUKS2, CRYPT_KDF_PBKDF2, UUID_A, PASS);
	fixture_luks_image(img_b, CRYPT_LUKS2, CRYPT_KDF_PBKDF2, UUID_B, PASS);
	/* Issue 10: one Argon2id key slot wanting 64 MiB. */
	snprintf(img_argon, sizeof(img_argon), "%s/argon.img", tmpdir);
	snprintf(meminfo, sizeof(meminfo), "%s/meminfo", tmpdir);
	fixture_luks_argon2(img_argon, UUID_M, PASS, 64 * 1024);
	log_set_max_level(LOG_LVL_ERR);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void pty_open(struct pty *p)
{
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(p->master >= 0);
	assert_int_equal(grantpt(p->master), 0);
	assert_int_equal(unlockpt(p->master), 0);
	p->slave = open(ptsname(p->master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(p->slave >= 0);
	fcntl(p->master, F_SETFL, O_NONBLOCK);
}

static void pty_close(struct pty *p)
{
	close(p->master);
	close(p->slave);
}

/* What the terminal showed since the last call (NUL-terminated). */
static void pty_drain(struct pty *p, char *out, size_t size)
{
	size_t off = 0;
	ssize_t n;

	while (off + 1 < size &&
	       (n = read(p->master, out + off, size - 1 - off)) > 0)
		off += (size_t)n;
	out[off] = '\0';
}

/*
 * Drains until needle shows (the pty hands bytes over from a kernel
 * worker, so what the service wrote may arrive a little later). out holds
 * everything read.
 */
static void pty_expect(struct pty *p, char *out, size_t size,
		       const char *needle)
{
	size_t off = 0;

	out[0] = '\0';
	for (int i = 0; i < 100 && !strstr(out, needle); i++) {
		struct pollfd pf = {.fd = p->master, .events = POLLIN};
		(void)poll(&pf, 1, 100);
		pty_drain(p, out + off, size - off);
		off += strlen(out + off);
	}
}

static void on_opened(void *data, const struct luks_report *rep)
{
	struct fx *fx = data;

	(void)rep;
	fx->opened_calls++;
}

static void on_exhausted(void *data, enum luks_fail_action action)
{
	struct fx *fx = data;

	assert_int_equal(action, LUKS_FAIL_WAIT);
	fx->exhausted_calls++;
}

static int on_resume(void *data, char *buf, size_t size)
{
	struct fx *fx = data;

	fx->resume_calls++;
	snprintf(buf, size, "resume: test resumed\n");
	return 0;
}

static void fx_start_devs(struct fx *fx, unsigned max_attempts,
			  const struct luks_sys *sys,
			  const struct luks_probe *devs, unsigned n);

static void fx_start(struct fx *fx, unsigned max_attempts)
{
	const struct luks_probe devs[] = {{.path = img_a, .uuid = UUID_A},
					  {.path = img_b, .uuid = UUID_B}};

	fx_start_devs(fx, max_attempts, &fake_sys, devs, 2);
}

/* The policy's delay after a wrong passphrase in the fixture. */
static uint64_t fx_delay_usec;

static void fx_start_devs(struct fx *fx, unsigned max_attempts,
			  const struct luks_sys *sys,
			  const struct luks_probe *devs, unsigned n)
{
	struct luks_policy pol;
	struct unlock_service_config cfg = {
	    .socket_path = sock,
	    .on_opened = on_opened,
	    .on_exhausted = on_exhausted,
	    .resume = on_resume,
	    .data = fx,
	};

	memset(fx, 0, sizeof(*fx));
	luks_policy_default(&pol);
	pol.delay_usec = fx_delay_usec; /* 0: delays are in test_sshd_luks */
	pol.max_attempts = max_attempts;
	assert_int_equal(loop_new(&fx->loop), 0);
	assert_int_equal(luks_set_new(NULL, &pol, &fx->set), 0);
	luks_set_set_sys(fx->set, sys);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(luks_set_add(fx->set, &devs[i]), 0);
	pty_open(&fx->console);
	cfg.console_fd = fx->console.slave;
	assert_int_equal(
	    unlock_service_start(fx->loop, fx->set, &cfg, &fx->svc), 0);
	unlock_server_set_peer_uid(unlock_service_server(fx->svc), getuid());
}

static void fx_stop(struct fx *fx)
{
	unlock_service_stop(fx->svc, NULL);
	luks_set_free(fx->set);
	loop_free(fx->loop);
	pty_close(&fx->console);
}

/* Runs the loop until nothing is left to do and no attempt is running. */
static void pump(struct fx *fx)
{
	for (int i = 0; i < 50; i++) {
		/* An attempt's worker answers when it is done, however long
		 * that takes on a loaded machine. */
		while (unlock_service_busy(fx->svc))
			loop_run_once(fx->loop, 1000);
		if (loop_run_once(fx->loop, 20) <= 0 &&
		    !unlock_service_busy(fx->svc))
			return;
	}
}

/*
 * Types on the console: a whole line (or Ctrl-D) is waited for on the
 * terminal's side before the loop runs, so a busy machine's pty (which
 * hands bytes over from a kernel worker) cannot make the loop miss it.
 */
static void console_type(struct fx *fx, const char *s, size_t len)
{
	struct pollfd p = {.fd = fx->console.slave, .events = POLLIN};
	char last = len ? s[len - 1] : 0;

	assert_int_equal(write(fx->console.master, s, len), (ssize_t)len);
	if (last == '\n' || last == '\r' || last == '\x04')
		for (int i = 0; i < 100 && poll(&p, 1, 100) == 0; i++)
			;
	pump(fx);
}

struct child {
	pid_t pid;
	int out; /* its stdout and stderr */
	int in;	 /* its stdin (a pipe's write end), or -1 */
};

static const char *child_env_cmd; /* SSH_ORIGINAL_COMMAND, or NULL */

/* Runs the unlock program with stdin from stdin_fd (or a new pipe when -1). */
static void child_start(struct child *c, int stdin_fd, const char *arg)
{
	int out[2], in[2] = {-1, -1};

	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	if (stdin_fd < 0) {
		assert_int_equal(pipe2(in, O_CLOEXEC), 0);
		stdin_fd = in[0];
	}
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (c->pid == 0) {
		dup2(stdin_fd, 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		if (child_env_cmd)
			setenv("SSH_ORIGINAL_COMMAND", child_env_cmd, 1);
		else
			unsetenv("SSH_ORIGINAL_COMMAND");
		if (arg)
			execl(unlock_bin, "unlock", "--socket", sock, arg,
			      (char *)NULL);
		else
			execl(unlock_bin, "unlock", "--socket", sock,
			      (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	if (in[0] >= 0)
		close(in[0]);
	c->out = out[0];
	c->in = in[1];
	fcntl(c->out, F_SETFL, O_NONBLOCK);
}

/* Runs the loop until the child exits; returns its exit status. */
static int child_wait(struct fx *fx, struct child *c, char *out, size_t size)
{
	int status = 0;
	size_t off = 0;

	for (int i = 0; i < 500; i++) {
		ssize_t n;
		loop_run_once(fx->loop, 20);
		while (off + 1 < size &&
		       (n = read(c->out, out + off, size - 1 - off)) > 0)
			off += (size_t)n;
		if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
			while (off + 1 < size && (n = read(c->out, out + off,
							   size - 1 - off)) > 0)
				off += (size_t)n;
			out[off] = '\0';
			close(c->out);
			if (c->in >= 0)
				close(c->in);
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		}
	}
	kill(c->pid, SIGKILL);
	waitpid(c->pid, &status, 0);
	fail_msg("unlock did not finish");
	return -1;
}

static void stdin_passphrase_opens_both(void **state)
{
	struct fx fx;
	struct child c;
	char out[4096], tty[4096];

	(void)state;
	fx_start(&fx, 10);
	child_start(&c, -1, NULL);
	assert_int_equal(write(c.in, PASS "\n", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	close(c.in);
	c.in = -1;
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "opened luks-" UUID_A));
	assert_non_null(strstr(out, "opened luks-" UUID_B));
	assert_int_equal(fx.opened_calls, 1);
	assert_int_equal(luks_set_count_locked(fx.set), 0);
	pty_drain(&fx.console, tty, sizeof(tty));
	assert_non_null(strstr(tty, "Passphrase"));
	assert_non_null(strstr(tty, "unlocked over SSH"));
	fx_stop(&fx);
}

static void stdin_wrong_then_right(void **state)
{
	struct fx fx;
	struct child c;
	char out[4096];

	(void)state;
	fx_start(&fx, 10);
	child_start(&c, -1, NULL);
	/* No newline at EOF is fine too; one trailing newline is stripped. */
	assert_int_equal(write(c.in, "nope", 4), 4);
	close(c.in);
	c.in = -1;
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "wrong passphrase, 9 attempts left"));
	child_start(&c, -1, NULL);
	assert_int_equal(write(c.in, PASS "\nsecond line\n", strlen(PASS) + 13),
			 (ssize_t)strlen(PASS) + 13);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "opened"));
	fx_stop(&fx);
}

static void status_is_shown(void **state)
{
	struct fx fx;
	struct child c;
	char out[4096];

	(void)state;
	fx_start(&fx, 10);
	child_start(&c, -1, "--status");
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "luks-" UUID_A " ("));
	assert_non_null(strstr(out, "locked"));
	assert_non_null(strstr(out, "10 passphrase attempts left"));
	/* Through a forced command: the client's words come in the env. */
	child_env_cmd = "unlock --status";
	child_start(&c, -1, NULL);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "10 passphrase attempts left"));
	child_env_cmd = "sh -c id";
	child_start(&c, -1, NULL);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "may only run"));
	child_env_cmd = NULL;
	fx_stop(&fx);
}

/* --resume reaches init's callback; an unlock key cannot ask for it. */
static void resume_is_forwarded(void **state)
{
	struct fx fx;
	struct child c;
	char out[4096];

	(void)state;
	fx_start(&fx, 10);
	child_start(&c, -1, "--resume");
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "resume: test resumed"));
	assert_int_equal(fx.resume_calls, 1);
	child_env_cmd = "unlock --resume";
	child_start(&c, -1, NULL);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 2);
	assert_non_null(strstr(out, "may only run"));
	assert_int_equal(fx.resume_calls, 1);
	child_env_cmd = NULL;
	fx_stop(&fx);
}

static void interactive_no_echo(void **state)
{
	struct fx fx;
	struct child c;
	struct pty term;
	struct termios t;
	char out[4096], seen[4096];

	(void)state;
	fx_start(&fx, 10);
	pty_open(&term);
	child_start(&c, term.slave, NULL);
	/* Wait for the prompt, so echo is off before we type. */
	for (int i = 0; i < 200; i++) {
		struct pollfd p = {.fd = c.out, .events = POLLIN};
		pump(&fx);
		if (poll(&p, 1, 10) == 1)
			break;
	}
	assert_int_equal(tcgetattr(term.slave, &t), 0);
	assert_false(t.c_lflag & ECHO);
	assert_int_equal(write(term.master, "wrong\n", 6), 6);
	for (int i = 0; i < 20; i++)
		pump(&fx);
	assert_int_equal(write(term.master, PASS "\n", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "wrong passphrase"));
	assert_non_null(strstr(out, "opened"));
	pty_drain(&term, seen, sizeof(seen));
	assert_null(strstr(seen, "wrong"));
	assert_null(strstr(seen, "horse"));
	/* The terminal is back as it was. */
	assert_int_equal(tcgetattr(term.slave, &t), 0);
	assert_true(t.c_lflag & ECHO);
	pty_close(&term);
	fx_stop(&fx);
}

static void console_wins_client_told(void **state)
{
	struct fx fx;
	struct child c;
	struct pty term;
	char out[4096], tty[4096];

	(void)state;
	fx_start(&fx, 10);
	pty_open(&term);
	child_start(&c, term.slave, NULL); /* waits at its prompt */
	for (int i = 0; i < 20; i++)
		pump(&fx);
	console_type(&fx, "bad\n", 4);
	pty_drain(&fx.console, tty, sizeof(tty));
	assert_non_null(strstr(tty, "wrong passphrase, 9 attempts left"));
	assert_null(strstr(tty, "bad")); /* no echo on the console */
	assert_int_equal(write(fx.console.master, PASS "\r", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "unlocked from the console"));
	pty_drain(&fx.console, tty, sizeof(tty));
	assert_non_null(strstr(tty, "opened luks-"));
	assert_int_equal(luks_set_count_locked(fx.set), 0);
	pty_close(&term);
	fx_stop(&fx);
}

static void other_session_told(void **state)
{
	struct fx fx;
	struct child waiting, c;
	struct pty term;
	char out[4096];

	(void)state;
	fx_start(&fx, 10);
	pty_open(&term);
	child_start(&waiting, term.slave, NULL); /* at its prompt */
	for (int i = 0; i < 20; i++)
		pump(&fx);
	child_start(&c, -1, NULL);
	assert_int_equal(write(c.in, PASS "\n", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 0);
	assert_int_equal(child_wait(&fx, &waiting, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "unlocked over SSH by another session"));
	pty_close(&term);
	fx_stop(&fx);
}

static void cap_reached_on_console(void **state)
{
	struct fx fx;
	struct child c;
	struct termios t;
	char tty[4096], out[4096];

	(void)state;
	fx_start(&fx, 2);
	console_type(&fx, "one\n", 4);
	console_type(&fx, "two\n", 4);
	pty_drain(&fx.console, tty, sizeof(tty));
	assert_non_null(strstr(tty, "no attempts left"));
	assert_int_equal(fx.exhausted_calls, 1);
	/* The console stopped asking and got its echo back. */
	assert_int_equal(tcgetattr(fx.console.slave, &t), 0);
	assert_true(t.c_lflag & ECHO);
	/* Over SSH, even the right passphrase is refused now. */
	child_start(&c, -1, NULL);
	assert_int_equal(write(c.in, PASS "\n", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "no passphrase attempts left this boot"));
	assert_int_equal(luks_set_count_locked(fx.set), 2);
	fx_stop(&fx);
}

/* Issue 9 item 1: a 513-byte line is refused on the console, not tried. */
static void console_long_line_not_tried(void **state)
{
	struct fx fx;
	char line[SECRET_MAX + 2], tty[4096];

	(void)state;
	fx_start(&fx, 10);
	memset(line, 'x', SECRET_MAX + 1);
	line[SECRET_MAX + 1] = '\n';
	console_type(&fx, line, sizeof(line));
	pty_expect(&fx.console, tty, sizeof(tty), "not tried");
	assert_non_null(strstr(tty, "longer than 512 bytes: not tried"));
	assert_null(strstr(tty, "opened"));
	assert_int_equal(fx.opened_calls, 0);
	assert_int_equal(luks_set_attempts_left(fx.set), 10);
	/* Exactly 512 bytes is tried (and is wrong). */
	line[SECRET_MAX] = '\n';
	console_type(&fx, line, SECRET_MAX + 1);
	pty_expect(&fx.console, tty, sizeof(tty), "attempts left");
	assert_non_null(strstr(tty, "wrong passphrase, 9 attempts left"));
	fx_stop(&fx);
}

/* Issue 9 item 6: Ctrl-D on an empty line asks again. */
static void console_ctrl_d_reprompts(void **state)
{
	struct fx fx;
	char tty[4096];

	(void)state;
	fx_start(&fx, 10);
	pump(&fx);
	pty_drain(&fx.console, tty, sizeof(tty));
	console_type(&fx, "\x04", 1);
	pty_expect(&fx.console, tty, sizeof(tty), "Passphrase");
	assert_non_null(strstr(tty, "Passphrase"));
	console_type(&fx, "\x04", 1);
	console_type(&fx, PASS "\n", strlen(PASS) + 1);
	assert_int_equal(luks_set_count_locked(fx.set), 0);
	fx_stop(&fx);
}

/* Issue 9 item 4: a half-typed passphrase does not stay in the console's
 * input queue for the next reader when the prompt stops. */
static void console_input_flushed_at_stop(void **state)
{
	struct fx fx;
	struct child c;
	struct termios t;
	char out[4096], rest[64];

	(void)state;
	fx_start(&fx, 10);
	pump(&fx);
	assert_int_equal(write(fx.console.master, "half-typed", 10), 10);
	pump(&fx);
	child_start(&c, -1, NULL);
	assert_int_equal(write(c.in, PASS "\n", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 0);
	assert_int_equal(luks_set_count_locked(fx.set), 0);
	/* The next reader, in raw mode, would get any partial line. */
	assert_int_equal(tcgetattr(fx.console.slave, &t), 0);
	t.c_lflag &= ~(tcflag_t)ICANON;
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	assert_int_equal(tcsetattr(fx.console.slave, TCSANOW, &t), 0);
	assert_int_equal(read(fx.console.slave, rest, sizeof(rest)), 0);
	fx_stop(&fx);
}

/* ---- issue 9 item 0: the key derivation runs in a worker process ---- */

static int crash_signal; /* what the worker's activation dies of */
static int hold_fd = -1; /* the worker's activation waits for a byte here */

static int crashing_activate(struct crypt_device *cd, const char *name,
			     int keyslot, const char *pass, size_t len,
			     uint32_t flags)
{
	(void)cd;
	(void)name;
	(void)keyslot;
	(void)pass;
	(void)len;
	(void)flags;
	if (crash_signal == SIGABRT)
		abort(); /* as glibc does when it cannot load libgcc_s */
	raise(crash_signal);
	return -EIO;
}

static int holding_activate(struct crypt_device *cd, const char *name,
			    int keyslot, const char *pass, size_t len,
			    uint32_t flags)
{
	char c;

	/* A long key derivation: until the test lets it go. */
	while (read(hold_fd, &c, 1) < 0 && errno == EINTR)
		;
	return fake_activate(cd, name, keyslot, pass, len, flags);
}

static const struct luks_sys crashing_sys = {
    .is_active = fake_is_active,
    .activate = crashing_activate,
    .now_usec = real_clock,
};

static const struct luks_sys holding_sys = {
    .is_active = fake_is_active,
    .activate = holding_activate,
    .now_usec = real_clock,
};

/* A worker dying of sig is one failed, counted attempt; the service (PID 1
 * in the image) lives on and the right passphrase still opens. */
static void worker_crash(int sig, const char *seen)
{
	struct fx fx;
	struct child c;
	char tty[4096], out[4096];

	fx_start(&fx, 10);
	crash_signal = sig;
	luks_set_set_sys(fx.set, &crashing_sys);
	console_type(&fx, "guess\n", 6);
	pty_expect(&fx.console, tty, sizeof(tty), "counted as an attempt");
	assert_non_null(strstr(tty, "the attempt failed: the unlock worker"));
	/* Under SAN=1 the sanitizer's handler turns a SEGV into exit 1. */
	assert_true(strstr(tty, seen) || strstr(tty, "without an answer"));
	assert_non_null(strstr(tty, "counted as an attempt"));
	assert_int_equal(luks_set_attempts_left(fx.set), 9);
	assert_int_equal(fx.opened_calls, 0);
	assert_false(unlock_service_busy(fx.svc));
	/* Over SSH too: the client gets an answer, not a dropped socket. */
	child_start(&c, -1, NULL);
	assert_int_equal(write(c.in, "guess2\n", 7), 7);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "the attempt failed: the unlock worker"));
	assert_int_equal(luks_set_attempts_left(fx.set), 8);
	/* The next attempt, without the fault, opens both. */
	luks_set_set_sys(fx.set, &fake_sys);
	console_type(&fx, PASS "\n", strlen(PASS) + 1);
	assert_int_equal(luks_set_count_locked(fx.set), 0);
	assert_int_equal(fx.opened_calls, 1);
	fx_stop(&fx);
}

static void worker_abort_is_survived(void **state)
{
	(void)state;
	worker_crash(SIGABRT, "killed by signal 6");
}

static void worker_segv_is_survived(void **state)
{
	(void)state;
	worker_crash(SIGSEGV, "killed by signal 11");
}

/* While a derivation runs, the loop still answers: a status request is
 * served and a console passphrase waits its turn, then is tried. */
static void loop_runs_during_attempt(void **state)
{
	struct fx fx;
	struct child c, st;
	char out[4096], tty[4096];
	int hold[2];

	(void)state;
	fx_start(&fx, 10);
	assert_int_equal(pipe(hold), 0);
	hold_fd = hold[0];
	luks_set_set_sys(fx.set, &holding_sys);
	child_start(&c, -1, NULL);
	assert_int_equal(write(c.in, "wrong\n", 6), 6);
	while (!unlock_service_busy(fx.svc))
		loop_run_once(fx.loop, 100);
	child_start(&st, -1, "--status");
	assert_int_equal(child_wait(&fx, &st, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "10 passphrase attempts left"));
	/* The console's line waits for the running attempt. */
	assert_int_equal(write(fx.console.master, PASS "\n", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	for (int i = 0; i < 20; i++)
		loop_run_once(fx.loop, 10);
	assert_true(unlock_service_busy(fx.svc));
	assert_int_equal(luks_set_count_locked(fx.set), 2);
	/* Let both derivations go (the console's runs in a new worker). */
	assert_int_equal(write(hold[1], "xxxx", 4), 4);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "wrong passphrase, 9 attempts left"));
	pump(&fx);
	assert_int_equal(luks_set_count_locked(fx.set), 0);
	pty_expect(&fx.console, tty, sizeof(tty), "opened luks-");
	assert_non_null(strstr(tty, "opened luks-"));
	close(hold[0]);
	close(hold[1]);
	hold_fd = -1;
	fx_stop(&fx);
}

/* The handoff while a worker derives: it is killed, the waiting client
 * is told why, nothing new starts. */
static void stop_during_attempt(void **state)
{
	struct fx fx;
	struct child c;
	char out[4096];
	int hold[2];

	(void)state;
	fx_start(&fx, 10);
	assert_int_equal(pipe(hold), 0);
	hold_fd = hold[0];
	luks_set_set_sys(fx.set, &holding_sys);
	child_start(&c, -1, NULL);
	assert_int_equal(write(c.in, PASS "\n", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	while (!unlock_service_busy(fx.svc))
		loop_run_once(fx.loop, 100);
	unlock_service_stop(fx.svc, "boot moved on\n");
	fx.svc = NULL;
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "boot moved on"));
	assert_int_equal(luks_set_count_locked(fx.set), 2);
	close(hold[0]);
	close(hold[1]);
	hold_fd = -1;
	fx_stop(&fx);
}

/* ---- issue 10: memory-hard PBKDFs and the machine's memory ---- */

/* MemAvailable as a fake /proc/meminfo (meminfo) says: the worker reads it. */
static int fake_meminfo(uint64_t *kibp)
{
	return luks_meminfo_read(meminfo, kibp);
}

static const struct luks_sys lowmem_sys = {
    .is_active = fake_is_active,
    .activate = fake_activate,
    .now_usec = real_clock,
    .mem_available_kib = fake_meminfo,
};

static void meminfo_write(const char *text)
{
	FILE *f = fopen(meminfo, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/*
 * A 64 MiB Argon2id key slot on a machine with 64 MiB available (32 MiB
 * once the margin is kept): not tried, said on both sides in the same
 * words, not an attempt, not "wrong passphrase"; with memory it opens.
 */
static void argon2_not_tried_for_memory(void **state)
{
	const struct luks_probe dev = {.path = img_argon, .uuid = UUID_M};
	struct fx fx;
	struct child c;
	char out[4096], tty[4096], want[512];

	(void)state;
	meminfo_write("MemTotal:         131072 kB\n"
		      "MemFree:           70000 kB\n"
		      "MemAvailable:      65536 kB\n");
	fx_start_devs(&fx, 10, &lowmem_sys, &dev, 1);
	snprintf(want, sizeof(want),
		 "luks-" UUID_M " (%s): not tried: key slot 0 needs 64 MiB "
		 "for argon2id, 32 MiB available\n",
		 img_argon);
	/* Over SSH: the text, and a failure exit. */
	child_start(&c, -1, NULL);
	assert_int_equal(write(c.in, PASS "\n", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 1);
	assert_non_null(strstr(out, want));
	assert_null(strstr(out, "wrong passphrase"));
	assert_int_equal(luks_set_attempts_left(fx.set), 10);
	assert_int_equal(luks_set_count_locked(fx.set), 1);
	/* On the console: the same line; the prompt asks again. */
	pump(&fx);
	pty_drain(&fx.console, tty, sizeof(tty));
	console_type(&fx, PASS "\n", strlen(PASS) + 1);
	pty_expect(&fx.console, tty, sizeof(tty), "not tried");
	want[strlen(want) - 1] = '\0'; /* the terminal shows "\r\n" */
	assert_non_null(strstr(tty, want));
	assert_null(strstr(tty, "wrong passphrase"));
	assert_int_equal(luks_set_attempts_left(fx.set), 10);
	assert_int_equal(fx.opened_calls, 0);
	/* Memory freed: the console's next line opens it. */
	meminfo_write("MemAvailable:     1048576 kB\n");
	console_type(&fx, PASS "\n", strlen(PASS) + 1);
	pump(&fx);
	assert_int_equal(luks_set_count_locked(fx.set), 0);
	assert_int_equal(fx.opened_calls, 1);
	fx_stop(&fx);
}

/* ---- issue 10: the console answers while an attempt runs ---- */

/*
 * Runs the loop (an attempt may be held, so pump() would wait for it)
 * until needle shows on the console; out holds what it showed.
 */
static void console_expect_running(struct fx *fx, char *out, size_t size,
				   const char *needle)
{
	size_t off = 0;

	out[0] = '\0';
	for (int i = 0; i < 200 && !strstr(out, needle); i++) {
		loop_run_once(fx->loop, 50);
		pty_drain(&fx->console, out + off, size - off);
		off += strlen(out + off);
	}
}

static unsigned count_of(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* An attempt from SSH runs: the console's line is kept and goes next, once
 * the delay after the SSH attempt's wrong passphrase has passed (with a
 * delay, it used to be refused as "too early" at once: VM 76). */
static void console_waits_for_ssh_attempt_delay(uint64_t delay)
{
	struct fx fx;
	struct child c;
	char out[4096], tty[8192];
	int hold[2];

	fx_delay_usec = delay;
	fx_start(&fx, 10);
	fx_delay_usec = 0;
	assert_int_equal(pipe(hold), 0);
	hold_fd = hold[0];
	luks_set_set_sys(fx.set, &holding_sys);
	pump(&fx);
	pty_drain(&fx.console, tty, sizeof(tty));
	child_start(&c, -1, NULL);
	assert_int_equal(write(c.in, "wrong\n", 6), 6);
	while (!unlock_service_busy(fx.svc))
		loop_run_once(fx.loop, 100);
	assert_int_equal(write(fx.console.master, PASS "\n", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	console_expect_running(&fx, tty, sizeof(tty), "yours is next");
	assert_non_null(strstr(tty, "please wait: a passphrase from SSH is "
				    "being tried; yours is next\r\n"));
	/* Another line meanwhile: the same answer, and it is dropped. */
	assert_int_equal(write(fx.console.master, "extra\n", 6), 6);
	console_expect_running(&fx, tty, sizeof(tty), "yours is next");
	assert_non_null(strstr(tty, "please wait: a passphrase from SSH is "
				    "being tried; yours is next\r\n"));
	assert_true(unlock_service_busy(fx.svc));
	assert_int_equal(luks_set_attempts_left(fx.set), 10);
	/* Both derivations go (more bytes than two attempts need: a third
	 * one, wrongly tried, would show as a count, not a hang). */
	assert_int_equal(write(hold[1], "xxxxxxxx", 8), 8);
	assert_int_equal(child_wait(&fx, &c, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "wrong passphrase, 9 attempts left"));
	/* The kept line goes once the delay has passed (a timer: pump()
	 * alone would stop at the first idle turn). Bounded, not timed. */
	for (int i = 0; i < 600 && luks_set_count_locked(fx.set); i++) {
		pump(&fx);
		loop_run_once(fx.loop, 50);
	}
	pty_expect(&fx.console, tty, sizeof(tty), "opened luks-");
	assert_int_equal(count_of(tty, "please wait: trying the passphrase..."),
			 1);
	assert_non_null(strstr(tty, "opened luks-"));
	assert_null(strstr(tty, "too early"));
	assert_int_equal(luks_set_count_locked(fx.set), 0);
	assert_int_equal(luks_set_attempts_left(fx.set), 9);
	close(hold[0]);
	close(hold[1]);
	hold_fd = -1;
	fx_stop(&fx);
}

static void console_waits_for_ssh_attempt(void **state)
{
	(void)state;
	console_waits_for_ssh_attempt_delay(0);
}

static void console_line_waits_out_the_delay(void **state)
{
	(void)state;
	console_waits_for_ssh_attempt_delay(300000);
}

/* The console's own passphrase runs: a line meanwhile is told how long it
 * has run, and dropped. */
static void console_own_attempt_says_wait(void **state)
{
	struct fx fx;
	char tty[8192];
	int hold[2];

	(void)state;
	fx_start(&fx, 10);
	assert_int_equal(pipe(hold), 0);
	hold_fd = hold[0];
	luks_set_set_sys(fx.set, &holding_sys);
	pump(&fx);
	pty_drain(&fx.console, tty, sizeof(tty));
	assert_int_equal(write(fx.console.master, "wrong\n", 6), 6);
	console_expect_running(&fx, tty, sizeof(tty), "trying the passphrase");
	assert_non_null(
	    strstr(tty, "please wait: trying the passphrase...\r\n"));
	assert_true(unlock_service_busy(fx.svc));
	assert_int_equal(write(fx.console.master, "another\n", 8), 8);
	console_expect_running(&fx, tty, sizeof(tty), "still being tried");
	assert_non_null(
	    strstr(tty, "please wait: the passphrase is still being tried ("));
	assert_non_null(strstr(tty, " s)\r\n"));
	assert_null(strstr(tty, "another"));
	/* Said once, not again for the extra line. */
	assert_null(strstr(tty, "trying the passphrase..."));
	assert_int_equal(write(fx.console.master, "\n", 1), 1);
	console_expect_running(&fx, tty, sizeof(tty), "still being tried");
	assert_non_null(strstr(tty, "still being tried"));
	/* Let it go (room for more, which must not be used). */
	assert_int_equal(write(hold[1], "xxxxxxxx", 8), 8);
	pump(&fx);
	pty_expect(&fx.console, tty, sizeof(tty), "attempts left");
	assert_non_null(strstr(tty, "wrong passphrase, 9 attempts left"));
	for (int i = 0; i < 10; i++)
		pump(&fx);
	assert_false(unlock_service_busy(fx.svc));
	assert_int_equal(luks_set_attempts_left(fx.set), 9);
	assert_int_equal(luks_set_count_locked(fx.set), 2);
	close(hold[0]);
	close(hold[1]);
	hold_fd = -1;
	fx_stop(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(stdin_passphrase_opens_both),
	    cmocka_unit_test(stdin_wrong_then_right),
	    cmocka_unit_test(status_is_shown),
	    cmocka_unit_test(resume_is_forwarded),
	    cmocka_unit_test(interactive_no_echo),
	    cmocka_unit_test(console_wins_client_told),
	    cmocka_unit_test(other_session_told),
	    cmocka_unit_test(cap_reached_on_console),
	    cmocka_unit_test(console_long_line_not_tried),
	    cmocka_unit_test(console_ctrl_d_reprompts),
	    cmocka_unit_test(console_input_flushed_at_stop),
	    cmocka_unit_test(worker_abort_is_survived),
	    cmocka_unit_test(worker_segv_is_survived),
	    cmocka_unit_test(loop_runs_during_attempt),
	    cmocka_unit_test(stop_during_attempt),
	    cmocka_unit_test(argon2_not_tried_for_memory),
	    cmocka_unit_test(console_waits_for_ssh_attempt),
	    cmocka_unit_test(console_line_waits_out_the_delay),
	    cmocka_unit_test(console_own_attempt_says_wait),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
