/* proc: spawns children in their own process group, tied to our life. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "try/proc.h"

static void child_fd(int from, int to)
{
	if (from < 0) {
		from = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (from < 0)
			_exit(127);
	}
	if (from == to) {
		(void)fcntl(to, F_SETFD, 0);
		return;
	}
	if (dup2(from, to) < 0)
		_exit(127);
}

pid_t try_spawn(char *const argv[], int in, int out, int err)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	sigset_t none;

	if (pid < 0)
		return -errno;
	if (pid > 0) {
		/* Both sides set the group: no window where a kill misses it.
		 */
		(void)setpgid(pid, pid);
		return pid;
	}
	(void)setpgid(0, 0);
	/* Killed with us, even by SIGKILL; then check we were not already
	 * orphaned before the call. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			(void)signal(s, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	child_fd(in, 0);
	child_fd(out, 1);
	child_fd(err, 2);
	execvp(argv[0], argv);
	_exit(127);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int try_kill_group(pid_t pid, int grace_ms)
{
	long end = now_ms() + grace_ms;
	int status;
	pid_t r;

	if (pid <= 0)
		return -1;
	(void)kill(-pid, SIGTERM);
	(void)kill(pid, SIGTERM);
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD))
			break;
		if (now_ms() >= end) {
			(void)kill(-pid, SIGKILL);
			(void)kill(pid, SIGKILL);
			r = waitpid(pid, &status, 0);
			break;
		}
		usleep(20000);
	}
	/* Whatever else the group started goes too. */
	(void)kill(-pid, SIGKILL);
	return r == pid ? status : -1;
}
