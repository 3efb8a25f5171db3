/* proc: spawns children in their own process group, tied to our life. */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/spawn_child.h"
#include "try/proc.h"

pid_t try_spawn(char *const argv[], int in, int out, int err)
{
	const int stdio[3] = {in, out, err};
	pid_t parent = getpid();
	pid_t pid = fork();

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
	/* The same setup as PID 1's children (common/spawn_child.h); the
	 * process table stays ours (no init/child.c on the host). */
	spawn_child_reset_signals();
	if (spawn_child_stdio(stdio) < 0)
		_exit(127);
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
