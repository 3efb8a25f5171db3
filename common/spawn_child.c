/* spawn_child: a child's setup between fork and exec. */
#include "common/spawn_child.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

void spawn_child_reset_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
}

int spawn_child_stdio(const int stdio[3])
{
	int tmp[3];

	for (int i = 0; i < 3; i++) {
		tmp[i] = stdio[i] < 0 ? open("/dev/null", O_RDWR)
				      : fcntl(stdio[i], F_DUPFD, 3);
		if (tmp[i] < 0)
			return -1;
	}
	for (int i = 0; i < 3; i++) {
		if (dup2(tmp[i], i) < 0)
			return -1;
		close(tmp[i]);
	}
	return 0;
}
