/* test_common_spawn: the child's setup before exec (common/spawn_child.h),
 * and the host tool's try_spawn() that uses it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/spawn_child.h"
#include "try/proc.h"

/* Everything the child has to say, up to EOF, and its exit status. */
static int collect(int fd, pid_t pid, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;
	int status;

	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/*
 * A child whose fd 0 is the pipe (so stdio names its own slots, and the
 * pipe is close-on-exec): 1 and 2 become the pipe, 0 /dev/null, and the
 * signal the parent blocked and ignored is neither any more.
 */
static void stdio_and_signals(void **state)
{
	sigset_t usr1, saved, now;
	char buf[64];
	int p[2], status;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	assert_int_equal(sigprocmask(SIG_BLOCK, &usr1, &saved), 0);
	signal(SIGUSR2, SIG_IGN);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const int stdio[3] = {-1, 0, 0};
		struct sigaction sa;
		char c;
		if (dup2(p[1], 0) < 0)
			_exit(2);
		spawn_child_reset_signals();
		if (spawn_child_stdio(stdio) < 0)
			_exit(3);
		(void)!write(1, "out ", 4);
		(void)!write(2, "err ", 4);
		if (read(0, &c, 1) == 0)
			(void)!write(1, "null ", 5);
		sigprocmask(SIG_SETMASK, NULL, &now);
		if (!sigismember(&now, SIGUSR1))
			(void)!write(1, "unblocked ", 10);
		sigaction(SIGUSR2, NULL, &sa);
		if (sa.sa_handler == SIG_DFL)
			(void)!write(1, "default", 7);
		_exit(0);
	}
	sigprocmask(SIG_SETMASK, &saved, NULL);
	signal(SIGUSR2, SIG_DFL);
	close(p[1]);
	status = collect(p[0], pid, buf, sizeof(buf));
	close(p[0]);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_string_equal(buf, "out err null unblocked default");
}

/* try_spawn(): a program found on PATH, its output on our pipe. */
static void try_spawn_runs_a_program(void **state)
{
	char *const argv[] = {"sh", "-c", "echo out; echo err >&2; exec <&-",
			      NULL};
	char buf[64];
	int p[2], status;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = try_spawn(argv, -1, p[1], p[1]);
	assert_true(pid > 0);
	close(p[1]);
	status = collect(p[0], pid, buf, sizeof(buf));
	close(p[0]);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_string_equal(buf, "out\nerr\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(stdio_and_signals),
	    cmocka_unit_test(try_spawn_runs_a_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
