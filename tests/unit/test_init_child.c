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

/*
 * The options: stdin /dev/null, stdout and stderr on our pipe (PID 1's own
 * fds untouched), the given environment, a session of its own.
 */
static void spawn_with_options(void **state)
{
	static char sh[] = "/bin/sh", c[] = "-c",
		    cmd[] = "echo \"$FOO\"; echo err >&2; "
			    "while read -r l; do echo \"in: $l\"; done; "
			    "read -r pid comm st pp pg sid x </proc/$$/stat; "
			    "[ \"$sid\" = $$ ] && echo own-session";
	static char env[] = "FOO=from-opts";
	char *argv[] = {sh, c, cmd, NULL};
	char *envp[] = {env, NULL};
	struct sys_spawn_opts o = {.flags = SYS_SPAWN_STDIO | SYS_SPAWN_SETSID,
				   .envp = envp};
	char out[256] = "";
	struct stat before, after;
	size_t len = 0;
	ssize_t n;
	int p[2], done = 0;

	(void)state;
	assert_int_equal(fstat(STDOUT_FILENO, &before), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	o.stdio[0] = -1;
	o.stdio[1] = p[1];
	o.stdio[2] = p[1];
	assert_int_equal(child_spawn_opts(argv, &o, on_exit_cb, &done, NULL),
			 0);
	close(p[1]);
	while ((n = read(p[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	close(p[0]);
	wait_reaped(&done);
	assert_true(WIFEXITED(last_status));
	assert_string_equal(out, "from-opts\nerr\nown-session\n");
	assert_int_equal(fstat(STDOUT_FILENO, &after), 0);
	assert_true(before.st_ino == after.st_ino &&
		    before.st_dev == after.st_dev);
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

static void put_comm(const char *dir, const char *pid, const char *comm)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s/comm", dir, pid);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, comm, strlen(comm)), (ssize_t)strlen(comm));
	close(fd);
}

static const struct child_proc *find_proc(const struct child_proc *ps, int n,
					  pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (ps[i].pid == pid)
			return &ps[i];
	return NULL;
}

static void scan_fake_proc(void **state)
{
	char dir[] = "/tmp/test_init_child.XXXXXX", cmd[128];
	struct child_proc ps[16];
	const struct child_proc *p;
	int n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	put(dir, "1", "1 (init) S 0 1 1 0");
	put(dir, "2", "2 (kthreadd) S 0 0 0 0");
	put(dir, "3", "3 (rcu_gp) I 2 0 0 0");
	put(dir, "40", "40 (sh) S 1 40 40 0");
	put_comm(dir, "40", "sh\n");
	/* comm is attacker-chosen: the last ')' ends it */
	put(dir, "41", "41 (a) S 1 (b) S 7 x) S 1 41 0");
	put_comm(dir, "41", "a\x1b[2J\n");
	put(dir, "42", "42 (x) S 12345678901234567890 1");
	put(dir, "43", "43 no parens 1");
	put(dir, "44", "44 (short)");
	put(dir, "self", "1 (init) S 1 1");
	put(dir, "45", "45 (dropbear) R 1 45 45 0");
	put(dir, "5", "5 (kworker/0:1) I 2 0 0 0");
	/* the kernel's request_module() helper: not ours */
	put(dir, "50", "50 (modprobe) S 5 0 0 0");
	/* below another process, not ours: found too */
	put(dir, "46", "46 (sleep) D 45 45 45 0");
	put_comm(dir, "46", "sleep\n");
	n = child_scan_all(dir, 1, ps, 16);
	assert_int_equal(n, 4);
	assert_non_null(p = find_proc(ps, n, 40));
	assert_string_equal(p->comm, "sh");
	assert_int_equal(p->state, 'S');
	assert_non_null(p = find_proc(ps, n, 41));
	assert_string_equal(p->comm, "a?[2J"); /* no terminal escapes */
	assert_non_null(p = find_proc(ps, n, 45));
	assert_string_equal(p->comm, "?"); /* no comm file */
	assert_non_null(p = find_proc(ps, n, 46));
	assert_int_equal(p->state, 'D');
	/* The output is bounded by max. */
	assert_int_equal(child_scan_all(dir, 1, ps, 1), 1);
	assert_int_equal(child_scan_all("/nonexistent", 1, ps, 8), -ENOENT);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- child_kill_all against a fake process table ---- */

#define FAKE_MAX 64

/*
 * A process dies at the wait after its SIGKILL; then "respawn" more levels
 * of an orphan chain stay behind (its child, reparented), one new process
 * per level. stuck: never dies (state D).
 */
struct fake_proc {
	pid_t pid;
	int alive, killed, respawn, stuck;
};

struct fake {
	struct fake_proc p[FAKE_MAX];
	int n;
	pid_t next_pid;
	uint64_t now;
	unsigned waits, kills, scans;
	uint64_t last_deadline;
};

static void fake_add(struct fake *f, int respawn, int stuck)
{
	assert_true(f->n < FAKE_MAX);
	f->p[f->n++] = (struct fake_proc){.pid = f->next_pid++,
					  .alive = 1,
					  .respawn = respawn,
					  .stuck = stuck};
}

static int fake_scan(void *data, struct child_proc *ps, unsigned max)
{
	struct fake *f = data;
	unsigned n = 0;

	f->scans++;
	for (int i = 0; i < f->n && n < max; i++)
		if (f->p[i].alive) {
			ps[n].pid = f->p[i].pid;
			ps[n].state = f->p[i].stuck ? 'D' : 'S';
			snprintf(ps[n].comm, sizeof(ps[n].comm), "%s",
				 f->p[i].stuck ? "stuck" : "chain");
			n++;
		}
	return (int)n;
}

static int fake_kill(void *data, pid_t pid, int sig)
{
	struct fake *f = data;

	assert_int_equal(sig, SIGKILL);
	f->kills++;
	for (int i = 0; i < f->n; i++)
		if (f->p[i].pid == pid && f->p[i].alive) {
			f->p[i].killed = 1;
			return 0;
		}
	return -ESRCH;
}

static void fake_reap(void *data)
{
	(void)data;
}

/* A SIGCHLD: every killed process dies; a chain leaves its next level. */
static void fake_wait(void *data, uint64_t deadline)
{
	struct fake *f = data;
	int n = f->n, any = 0;

	f->waits++;
	f->last_deadline = deadline;
	for (int i = 0; i < n; i++) {
		struct fake_proc *p = &f->p[i];
		if (!p->alive || !p->killed || p->stuck)
			continue;
		p->alive = 0;
		any = 1;
		if (p->respawn > 0)
			fake_add(f, p->respawn - 1, 0);
	}
	f->now += 1000; /* a SIGCHLD took 1 ms */
	if (!any)
		f->now = deadline; /* nothing died: the timeout woke us */
}

static uint64_t fake_now(void *data)
{
	return ((struct fake *)data)->now;
}

static const struct child_kill_ops fake_ops = {
    .scan = fake_scan,
    .kill = fake_kill,
    .reap = fake_reap,
    .wait = fake_wait,
    .now = fake_now,
};

/* An orphan chain 12 levels deep, beside a second one: all gone. */
static void kill_all_deep_chain(void **state)
{
	struct fake f = {.next_pid = 100, .now = 5000};
	struct child_proc left[4];
	unsigned n_left = 99;

	(void)state;
	fake_add(&f, 11, 0);
	fake_add(&f, 4, 0);
	assert_int_equal(
	    child_kill_all(&fake_ops, &f, 10000000, left, 4, &n_left), 0);
	for (int i = 0; i < f.n; i++)
		assert_false(f.p[i].alive);
	assert_int_equal(f.n, 2 + 11 + 4);
	/* One round per level (more than the 3 rounds it once had). */
	assert_int_equal(f.waits, 12);
	assert_int_equal(n_left, 99); /* untouched on success */
}

/* Nothing left: no kill, no wait. */
static void kill_all_nothing(void **state)
{
	struct fake f = {.next_pid = 100};
	struct child_proc left[4];
	unsigned n_left = 0;

	(void)state;
	assert_int_equal(
	    child_kill_all(&fake_ops, &f, 10000000, left, 4, &n_left), 0);
	assert_int_equal(f.kills, 0);
	assert_int_equal(f.waits, 0);
}

/*
 * A process in state D never dies: the rounds end at the deadline (every
 * wait bounded by it), the others are gone, and the survivor is named.
 */
static void kill_all_stuck_until_deadline(void **state)
{
	struct fake f = {.next_pid = 200, .now = 1000};
	struct child_proc left[4];
	unsigned n_left = 0;
	char text[128];

	(void)state;
	fake_add(&f, 5, 0);
	fake_add(&f, 0, 1);
	assert_int_equal(
	    child_kill_all(&fake_ops, &f, 3000000, left, 4, &n_left),
	    -ETIMEDOUT);
	assert_int_equal(f.last_deadline, 3000000);
	assert_true(f.now >= 3000000);
	assert_int_equal(n_left, 1);
	assert_int_equal(left[0].pid, 201);
	assert_string_equal(left[0].comm, "stuck");
	assert_int_equal(left[0].state, 'D');
	for (int i = 0; i < f.n; i++)
		assert_true(f.p[i].alive == f.p[i].stuck);
	child_describe(left, n_left, text, sizeof(text));
	assert_string_equal(text, "201 (stuck, state D)");
}

static void describe_bounded(void **state)
{
	struct child_proc ps[3] = {
	    {.pid = 7, .state = 'S', .comm = "sh"},
	    {.pid = 8, .state = 'Z', .comm = "sleep"},
	    {.pid = 9, .state = 'D', .comm = "cat"},
	};
	char text[64], small[10];

	(void)state;
	child_describe(ps, 3, text, sizeof(text));
	assert_string_equal(text, "7 (sh, state S), 8 (sleep, state Z), 9 "
				  "(cat, state D)");
	child_describe(ps, 3, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	child_describe(ps, 0, text, sizeof(text));
	assert_string_equal(text, "");
}

/* A watched pid (not spawned by us through the table) is reported too. */
static void watch_and_unwatch(void **state)
{
	int done = 0, other = 0;
	sigset_t set;
	pid_t pid;

	(void)state;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(5);
	assert_int_equal(child_watch(pid, on_exit_cb, &done), 0);
	assert_int_equal(child_count(), 1);
	wait_reaped(&done);
	assert_int_equal(WEXITSTATUS(last_status), 5);
	assert_int_equal(child_count(), 0);
	/* Unwatched: its exit reaches nobody, its slot is free again. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(6);
	assert_int_equal(child_watch(pid, on_exit_cb, &other), 0);
	child_unwatch(pid);
	assert_int_equal(child_count(), 0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(other, 0);
	assert_int_equal(child_watch(0, on_exit_cb, &other), -EINVAL);
}

/*
 * child_reap_pid(): one pid collected through the table, its callback run
 * once, as child_reap() would; a running child is left alone, and a
 * collected one is -ECHILD (dropbear_stop() relies on all three).
 */
static void reap_one_pid(void **state)
{
	int done = 0, p[2];
	siginfo_t si;
	pid_t pid;
	char c;

	(void)state;
	exits = 0;
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) < 0)
			_exit(1);
		_exit(7);
	}
	close(p[0]);
	assert_int_equal(child_watch(pid, on_exit_cb, &done), 0);
	assert_int_equal(child_reap_pid(pid), 0); /* still running */
	assert_int_equal(done, 0);
	close(p[1]); /* now it exits */
	assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(child_reap_pid(pid), 1);
	assert_int_equal(done, 1);
	assert_int_equal(exits, 1);
	assert_int_equal(WEXITSTATUS(last_status), 7);
	assert_int_equal(child_count(), 0);
	assert_int_equal(child_reap_pid(pid), -ECHILD);
	assert_int_equal(child_reap(), 0);
	assert_int_equal(exits, 1); /* once */
	assert_int_equal(child_reap_pid(0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(spawn_and_reap),
	    cmocka_unit_test(kill_all),
	    cmocka_unit_test(spawn_with_options),
	    cmocka_unit_test(table_full),
	    cmocka_unit_test(scan_fake_proc),
	    cmocka_unit_test(kill_all_deep_chain),
	    cmocka_unit_test(kill_all_nothing),
	    cmocka_unit_test(kill_all_stuck_until_deadline),
	    cmocka_unit_test(describe_bounded),
	    cmocka_unit_test(watch_and_unwatch),
	    cmocka_unit_test(reap_one_pid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
