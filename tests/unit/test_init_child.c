/* test_init_child: spawning and reaping children, and finding leftovers in a
 * /proc tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init/child.h"
#include "init/sys.h"

static int exits, last_status;

static void on_exit_cb(pid_t pid, int status, void *data)
{
	(void)pid;
	exits++;
	last_status = status;
	*(int *)data = 1;
}

/* Waits for SIGCHLD the way the loop does, then reaps. */
static void wait_reaped(int *flag)
{
	sigset_t set;
	struct timespec ts = {.tv_sec = 5};

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	while (!*flag) {
		assert_true(sigtimedwait(&set, NULL, &ts) == SIGCHLD);
		child_reap();
	}
}

static void spawn_and_reap(void **state)
{
	static char sh[] = "/bin/sh", c[] = "-c", cmd[] = "exit 3";
	char *argv[] = {sh, c, cmd, NULL};
	sigset_t set;
	int done = 0;
	pid_t pid;

	(void)state;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	assert_int_equal(child_spawn(argv, 0, on_exit_cb, &done, &pid), 0);
	assert_int_equal(child_count(), 1);
	wait_reaped(&done);
	assert_int_equal(exits, 1);
	assert_true(WIFEXITED(last_status));
	assert_int_equal(WEXITSTATUS(last_status), 3);
	assert_int_equal(child_count(), 0);
}

static void kill_all(void **state)
{
	static char sh[] = "/bin/sh", c[] = "-c", cmd[] = "exec sleep 30";
	char *argv[] = {sh, c, cmd, NULL};
	int done = 0;

	(void)state;
	assert_int_equal(child_spawn(argv, 0, on_exit_cb, &done, NULL), 0);
	child_signal_all(SIGKILL);
	wait_reaped(&done);
	assert_true(WIFSIGNALED(last_status));
	assert_int_equal(WTERMSIG(last_status), SIGKILL);
}

static void table_full(void **state)
{
	static char f[] = "/bin/false";
	char *argv[] = {f, NULL};
	int flags[CHILD_MAX + 1] = {0};

	(void)state;
	for (int i = 0; i < CHILD_MAX; i++)
		assert_int_equal(
		    child_spawn(argv, 0, on_exit_cb, &flags[i], NULL), 0);
	assert_int_equal(
	    child_spawn(argv, 0, on_exit_cb, &flags[CHILD_MAX], NULL), -EAGAIN);
	for (int i = 0; i < CHILD_MAX; i++)
		wait_reaped(&flags[i]);
	assert_int_equal(child_count(), 0);
}

static void put(const char *dir, const char *pid, const char *stat)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%s/stat", dir, pid);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, stat, strlen(stat)), (ssize_t)strlen(stat));
	close(fd);
}

static void scan_fake_proc(void **state)
{
	char dir[] = "/tmp/test_init_child.XXXXXX", cmd[128];
	pid_t pids[8];
	int n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	put(dir, "1", "1 (init) S 0 1 1 0");
	put(dir, "2", "2 (kthreadd) S 0 0 0 0");
	put(dir, "40", "40 (sh) S 1 40 40 0");
	/* comm is attacker-chosen: the last ')' ends it */
	put(dir, "41", "41 (a) S 1 (b) S 7 x) S 1 41 0");
	put(dir, "42", "42 (x) S 12345678901234567890 1");
	put(dir, "43", "43 no parens 1");
	put(dir, "44", "44 (short)");
	put(dir, "self", "1 (init) S 1 1");
	put(dir, "45", "45 (dropbear) R 1 45 45 0");
	n = child_scan_proc(dir, 1, pids, 8);
	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++)
		assert_true(pids[i] == 40 || pids[i] == 41 || pids[i] == 45);
	/* The output is bounded by max. */
	assert_int_equal(child_scan_proc(dir, 1, pids, 1), 1);
	assert_int_equal(child_scan_proc("/nonexistent", 1, pids, 8), -ENOENT);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(spawn_and_reap),
	    cmocka_unit_test(kill_all),
	    cmocka_unit_test(table_full),
	    cmocka_unit_test(scan_fake_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
