/* test_sshd_dropbear: dropbear's argument table, and the real server supervised
 * on 127.0.0.1, with and without pidfd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "init/child.h"
#include "common/loop.h"
#include "tests/unit/sshd_fixtures.h"
#include "sshd/dropbear.h"

#define DROPBEAR_BIN "/usr/sbin/dropbear"

static void argv_from_table(void **state)
{
	struct dropbear_config cfg = {
	    .listen = {"127.0.0.1:2222", "[::1]:2222"},
	    .n_listen = 2,
	    .host_keys = {"/etc/sesame/ed25519", "/etc/sesame/ecdsa"},
	    .n_host_keys = 2,
	    .max_auth_tries = 3,
	    .idle_timeout_sec = 600,
	};
	static const char *const want[] = {
	    "/sbin/dropbear",
	    "-F",
	    "-E",
	    "-s",
	    "-j",
	    "-k",
	    "-m",
	    "-p",
	    "127.0.0.1:2222",
	    "-p",
	    "[::1]:2222",
	    "-r",
	    "/etc/sesame/ed25519",
	    "-r",
	    "/etc/sesame/ecdsa",
	    "-P",
	    "/run/sesame/dropbear.pid",
	    "-T",
	    "3",
	    "-I",
	    "600",
	    NULL,
	};
	struct dropbear_argv a;

	(void)state;
	assert_int_equal(dropbear_build_argv(&cfg, &a), 0);
	for (size_t i = 0; want[i]; i++)
		assert_string_equal(a.argv[i], want[i]);
	assert_int_equal(a.argc, sizeof(want) / sizeof(want[0]) - 1);
	assert_null(a.argv[a.argc]);
	for (size_t i = 0; i < a.argc; i++) {
		assert_string_not_equal(a.argv[i], "-R");
		assert_string_not_equal(a.argv[i], "-B");
		assert_string_not_equal(a.argv[i], "-a");
		assert_string_not_equal(a.argv[i], "-e");
	}
}

static void argv_refuses_bad_config(void **state)
{
	struct dropbear_config ok = {
	    .listen = {"127.0.0.1:22"},
	    .n_listen = 1,
	    .host_keys = {"/k"},
	    .n_host_keys = 1,
	};
	struct dropbear_config c;
	struct dropbear_argv a;

	(void)state;
	c = ok;
	c.n_host_keys = 0; /* never -R: no key is an error */
	assert_int_equal(dropbear_build_argv(&c, &a), -EINVAL);
	c = ok;
	c.n_listen = 0;
	assert_int_equal(dropbear_build_argv(&c, &a), -EINVAL);
	c = ok;
	c.listen[0] = "-R";
	assert_int_equal(dropbear_build_argv(&c, &a), -EINVAL);
	c = ok;
	c.host_keys[0] = "/a key";
	assert_int_equal(dropbear_build_argv(&c, &a), -EINVAL);
	c = ok;
	c.host_keys[0] = "";
	assert_int_equal(dropbear_build_argv(&c, &a), -EINVAL);
	c = ok;
	c.pid_file = "/dev/null"; /* dropbear unlinks its pid file at exit */
	assert_int_equal(dropbear_build_argv(&c, &a), -EINVAL);
	c = ok;
	c.pid_file = "relative.pid";
	assert_int_equal(dropbear_build_argv(&c, &a), -EINVAL);
	c = ok;
	c.n_listen = DROPBEAR_LISTEN_MAX + 1;
	assert_int_equal(dropbear_build_argv(&c, &a), -EINVAL);
}

/* ---- the real dropbear, on loopback only ---- */

static char dir[64], key_ed[96], key_ec[96], pidf[96], listen_at[32],
    logf_path[96];
static int port;

/* Connects to 127.0.0.1:port; returns the fd once the banner arrived. */
static int banner_fd(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	char buf[64];
	struct pollfd p;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ssize_t n;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 3000) != 1 ||
	    (n = read(fd, buf, sizeof(buf) - 1)) <= 0) {
		close(fd);
		return -1;
	}
	buf[n] = '\0';
	if (strncmp(buf, "SSH-2.0-dropbear", 16)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Runs the loop until the server answers (up to about 5 s). */
static int wait_banner(struct loop *l)
{
	for (int i = 0; i < 100; i++) {
		int fd;
		loop_run_once(l, 50);
		if ((fd = banner_fd()) >= 0)
			return fd;
	}
	return -1;
}

static int real_setup(void **state)
{
	char cmd[512];

	(void)state;
	if (access(DROPBEAR_BIN, X_OK) < 0 ||
	    access("/usr/bin/dropbearkey", X_OK) < 0)
		return 0; /* the tests skip */
	snprintf(dir, sizeof(dir), "/tmp/sesame-dropbear-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(key_ed, sizeof(key_ed), "%s/ed25519", dir);
	snprintf(key_ec, sizeof(key_ec), "%s/ecdsa", dir);
	snprintf(pidf, sizeof(pidf), "%s/dropbear.pid", dir);
	snprintf(logf_path, sizeof(logf_path), "%s/log", dir);
	snprintf(cmd, sizeof(cmd),
		 "dropbearkey -t ed25519 -f %s >/dev/null 2>&1 && "
		 "dropbearkey -t ecdsa -f %s >/dev/null 2>&1",
		 key_ed, key_ec);
	if (system(cmd) != 0)
		return -1;
	port = fixture_free_port();
	snprintf(listen_at, sizeof(listen_at), "127.0.0.1:%d", port);
	return port > 0 ? 0 : -1;
}

static int real_teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (!dir[0])
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* What init does on SIGCHLD: child_reap() (init/child.c). */
static int sigchld_ready(struct loop *l, int fd, uint32_t events, void *data)
{
	struct signalfd_siginfo si;

	(void)l;
	(void)events;
	(void)data;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		child_reap();
	return 0;
}

/* A SIGCHLD signalfd in l running sigchld_ready(), as init has. */
static int add_init_reaper(struct loop *l, sigset_t *saved)
{
	sigset_t chld;
	int sfd;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	assert_int_equal(sigprocmask(SIG_BLOCK, &chld, saved), 0);
	sfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	assert_true(sfd >= 0);
	assert_int_equal(loop_add_fd(l, sfd, EPOLLIN, sigchld_ready, NULL), 0);
	return sfd;
}

/* Our log (stderr) into logf_path, to see dropbear's lines in it; returns
 * the saved stderr for the test to put back. */
static int log_to_file(void)
{
	int saved = dup(2);
	int fd =
	    open(logf_path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	dup2(fd, 2);
	close(fd);
	log_set_max_level(LOG_LVL_INFO);
	return saved;
}

/* dropbear answers with its banner (the loop runs meanwhile). */
static void banner_answers(struct loop *l)
{
	int fd = wait_banner(l);

	assert_true(fd >= 0);
	close(fd);
}
static void supervised_restart_and_stop(void **state)
{
	struct dropbear_config cfg = {
	    .path = DROPBEAR_BIN,
	    .n_listen = 1,
	    .n_host_keys = 2,
	    .pid_file = pidf,
	    .restart_min_usec = 100000,
	    .stop_timeout_usec = 2000000,
	};
	struct loop *l = NULL;
	struct dropbear *d = NULL;
	pid_t first, second, conn_child = 0;
	sigset_t saved;
	int fd, status, saved_err, sfd;
	char cmd[1024], *log = NULL, *out = NULL;
	size_t len;

	(void)state;
	if (!dir[0])
		skip();
	cfg.listen[0] = listen_at;
	cfg.host_keys[0] = key_ed;
	cfg.host_keys[1] = key_ec;
	/* Our log (stderr) into a file, to see dropbear's lines in it. */
	saved_err = log_to_file();

	assert_int_equal(loop_new(&l), 0);
	assert_int_equal(dropbear_start(l, &cfg, &d), 0);
	first = dropbear_pid(d);
	assert_true(first > 0);
	banner_answers(l);
	assert_int_equal(dropbear_child_exited(d, first + 100000, 0), 0);

	/* Password logins are off and the host key is ours. */
	snprintf(cmd, sizeof(cmd),
		 "ssh -F /dev/null -v -o BatchMode=yes -o "
		 "PubkeyAuthentication=no -o StrictHostKeyChecking=no -o "
		 "UserKnownHostsFile=/dev/null -o ConnectTimeout=5 -p %d "
		 "nobody@127.0.0.1 true > %s/ssh.out 2>&1; "
		 "dropbearkey -y -f %s | grep Fingerprint | sed 's/.*: //' "
		 "> %s/fp",
		 port, dir, key_ed, dir);
	if (access("/usr/bin/ssh", X_OK) == 0) {
		char p[128], *fp = NULL;
		assert_int_equal(system(cmd), 0);
		snprintf(p, sizeof(p), "%s/ssh.out", dir);
		assert_int_equal(file_read_all(p, 1 << 20, &out, &len), 0);
		assert_non_null(strstr(out, "Authentications that can "
					    "continue: publickey"));
		assert_null(strstr(out, "continue: publickey,password"));
		snprintf(p, sizeof(p), "%s/fp", dir);
		assert_int_equal(file_read_all(p, 4096, &fp, &len), 0);
		assert_true(len > 10);
		fp[len - 1] = '\0';
		assert_non_null(strstr(out, fp));
		free(fp);
		free(out);
	} else {
		print_message("no ssh client: login checks skipped\n");
	}

	/* It dies: init reaps and tells us; it comes back after the back-off.
	 */
	kill(first, SIGKILL);
	assert_int_equal(waitpid(first, &status, 0), first);
	assert_int_equal(dropbear_child_exited(d, first, status), 1);
	assert_int_equal(dropbear_pid(d), 0);
	fd = wait_banner(l);
	assert_true(fd >= 0);
	second = dropbear_pid(d);
	assert_true(second > 0 && second != first);
	close(fd);

	/* Reaped by init's reaper in the loop (SIGCHLD, child_reap()). */
	sfd = add_init_reaper(l, &saved);
	kill(second, SIGKILL);
	for (int i = 0; i < 100 && dropbear_pid(d) == second; i++)
		loop_run_once(l, 20);
	assert_int_not_equal(dropbear_pid(d), second);
	assert_int_equal(kill(second, 0), -1); /* reaped, not a zombie */
	fd = wait_banner(l);
	assert_true(fd >= 0);
	second = dropbear_pid(d);
	assert_true(second > 0);

	/* A connection stays open: its process must go too. */
	for (int i = 0; i < 50 && !conn_child; i++) {
		char path[64], buf[256];
		FILE *f;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/children",
			 (int)second, (int)second);
		f = fopen(path, "re");
		if (f) {
			if (fgets(buf, sizeof(buf), f))
				conn_child = (pid_t)atoi(buf);
			fclose(f);
		}
		if (!conn_child)
			usleep(20000);
	}
	assert_true(conn_child > 0);
	assert_int_equal(dropbear_stop(d), 0);
	assert_int_equal(dropbear_pid(d), 0);
	assert_int_equal(kill(second, 0), -1); /* collected in dropbear_stop */
	assert_int_equal(child_count(), 0);    /* through init's table */
	if (conn_child > 0) {
		char path[64], st[512];
		FILE *f;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)conn_child);
		f = fopen(path, "re");
		if (f) { /* only a zombie may remain, for init to reap */
			assert_non_null(fgets(st, sizeof(st), f));
			assert_non_null(strstr(st, ") Z "));
			fclose(f);
		}
	}
	close(fd);
	assert_int_equal(banner_fd(), -1);
	/* No restart after a stop, even if an exit is reported late. */
	assert_int_equal(dropbear_child_exited(d, second, 0), 0);
	assert_int_equal(dropbear_stop(d), 0);
	dropbear_free(d);
	loop_free(l);
	close(sfd);
	sigprocmask(SIG_SETMASK, &saved, NULL);

	dup2(saved_err, 2);
	close(saved_err);
	assert_int_equal(file_read_all(logf_path, 1 << 20, &log, &len), 0);
	assert_non_null(strstr(log, "dropbear: ["));
	assert_non_null(strstr(log, "Not backgrounding"));
	assert_non_null(strstr(log, "dropbear restarts in 100 ms"));
	assert_non_null(strstr(log, "dropbear restarts in 200 ms"));
	free(log);
	log_set_max_level(LOG_LVL_ERR);
}

/* pidfd_open(2) as on kernels before 5.3. */
static int no_pidfd(pid_t pid)
{
	(void)pid;
	errno = ENOSYS;
	return -1;
}

/*
 * Without pidfd (Linux before 5.3), init's SIGCHLD reaper collects the dead
 * dropbear and tells it: it is started again.
 */
static void restart_without_pidfd(void **state)
{
	struct dropbear_config cfg = {
	    .path = DROPBEAR_BIN,
	    .n_listen = 1,
	    .n_host_keys = 1,
	    .pid_file = pidf,
	    .restart_min_usec = 100000,
	    .stop_timeout_usec = 2000000,
	};
	struct loop *l = NULL;
	struct dropbear *d = NULL;
	sigset_t saved;
	pid_t first, second;
	int sfd, saved_err;
	char *log = NULL;
	size_t len;

	(void)state;
	if (!dir[0])
		skip();
	cfg.listen[0] = listen_at;
	cfg.host_keys[0] = key_ed;
	saved_err = log_to_file();
	log_set_max_level(LOG_LVL_DEBUG);
	assert_int_equal(loop_new(&l), 0);
	sfd = add_init_reaper(l, &saved);
	dropbear_set_pidfd_open(no_pidfd);

	assert_int_equal(dropbear_start(l, &cfg, &d), 0);
	first = dropbear_pid(d);
	assert_true(first > 0);
	banner_answers(l);

	kill(first, SIGKILL);
	for (int i = 0; i < 250 && dropbear_pid(d) == first; i++)
		loop_run_once(l, 20);
	assert_int_not_equal(dropbear_pid(d), first); /* its death was seen */
	assert_int_equal(kill(first, 0), -1);	      /* and it was reaped */
	banner_answers(l);			      /* and it is back */
	second = dropbear_pid(d);
	assert_true(second > 0 && second != first);

	assert_int_equal(dropbear_stop(d), 0);
	assert_int_equal(kill(second, 0), -1);
	assert_int_equal(child_count(), 0); /* no watch left behind */
	dropbear_free(d);
	dropbear_set_pidfd_open(NULL);
	loop_free(l);
	close(sfd);
	sigprocmask(SIG_SETMASK, &saved, NULL);

	dup2(saved_err, 2);
	close(saved_err);
	log_set_max_level(LOG_LVL_ERR);
	assert_int_equal(file_read_all(logf_path, 1 << 20, &log, &len), 0);
	assert_non_null(strstr(log, "no pidfd (Function not implemented)"));
	assert_non_null(strstr(log, "killed by signal 9"));
	assert_non_null(strstr(log, "dropbear restarts in 100 ms"));
	free(log);
}

/* How often log has needle. */
static unsigned count_in(const char *log, const char *needle)
{
	unsigned n = 0;

	for (const char *p = log; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/*
 * dropbear dies just before the handoff: dropbear_stop() runs before the
 * loop has dispatched the SIGCHLD. Its exit is handled once, by whichever
 * comes first (here stop, through init's child_reap_pid()); init's reaper
 * then finds nothing left: no double reap, no second callback. Once more
 * the other way round: init's reaper first, then stop has nothing to do.
 */
static void an_exit_is_handled_once(void **state)
{
	struct dropbear_config cfg = {
	    .path = DROPBEAR_BIN,
	    .n_listen = 1,
	    .n_host_keys = 1,
	    .pid_file = pidf,
	    .restart_min_usec = 100000,
	    .stop_timeout_usec = 2000000,
	};
	struct loop *l = NULL;
	struct dropbear *d = NULL;
	sigset_t saved;
	siginfo_t si;
	pid_t pid;
	int sfd, saved_err;
	char *log = NULL;
	size_t len;

	(void)state;
	if (!dir[0])
		skip();
	cfg.listen[0] = listen_at;
	cfg.host_keys[0] = key_ed;
	saved_err = log_to_file();
	assert_int_equal(loop_new(&l), 0);
	sfd = add_init_reaper(l, &saved);

	/* Stop first. */
	assert_int_equal(dropbear_start(l, &cfg, &d), 0);
	pid = dropbear_pid(d);
	banner_answers(l);
	kill(pid, SIGKILL);
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(dropbear_stop(d), 0);
	assert_int_equal(dropbear_pid(d), 0);
	assert_int_equal(child_count(), 0);
	assert_int_equal(child_reap(), 0); /* nothing left for init */
	for (int i = 0; i < 5; i++)
		loop_run_once(l, 10); /* the SIGCHLD, dispatched late */
	assert_int_equal(kill(pid, 0), -1);
	dropbear_free(d);
	d = NULL;

	/* init's reaper first. */
	assert_int_equal(dropbear_start(l, &cfg, &d), 0);
	pid = dropbear_pid(d);
	banner_answers(l);
	kill(pid, SIGKILL);
	for (int i = 0; i < 250 && dropbear_pid(d) == pid; i++)
		loop_run_once(l, 20);
	assert_int_equal(dropbear_pid(d), 0);
	assert_int_equal(dropbear_stop(d), 0);
	assert_int_equal(child_count(), 0);
	dropbear_free(d);
	loop_free(l);
	close(sfd);
	sigprocmask(SIG_SETMASK, &saved, NULL);

	dup2(saved_err, 2);
	close(saved_err);
	log_set_max_level(LOG_LVL_ERR);
	assert_int_equal(file_read_all(logf_path, 1 << 20, &log, &len), 0);
	/* One line per death: each exit handled exactly once. */
	assert_int_equal(count_in(log, "killed by signal 9"), 2);
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(argv_from_table),
	    cmocka_unit_test(argv_refuses_bad_config),
	    cmocka_unit_test_setup_teardown(supervised_restart_and_stop,
					    real_setup, real_teardown),
	    cmocka_unit_test_setup_teardown(restart_without_pidfd, real_setup,
					    real_teardown),
	    cmocka_unit_test_setup_teardown(an_exit_is_handled_once, real_setup,
					    real_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
