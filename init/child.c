/* child: a fixed table of the processes we spawned; SIGCHLD drives
 * child_reap(). */
#include "init/child.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/proc.h"
#include "common/strutil.h"
#include "init/sys.h"

struct child {
	pid_t pid; /* 0: free slot */
	child_exit_fn fn;
	void *data;
};

static struct child children[CHILD_MAX];

static struct child *child_find(pid_t pid)
{
	for (unsigned i = 0; i < CHILD_MAX; i++)
		if (children[i].pid == pid)
			return &children[i];
	return NULL;
}

int child_spawn(char *const argv[], unsigned flags, child_exit_fn fn,
		void *data, pid_t *pidp)
{
	struct child *c = child_find(0);
	pid_t pid;
	int r;

	if (!c)
		return -EAGAIN;
	if ((r = sys_spawn(argv, flags, &pid)) < 0)
		return r;
	c->pid = pid;
	c->fn = fn;
	c->data = data;
	log_debug("started %s as pid %d", argv[0], (int)pid);
	if (pidp)
		*pidp = pid;
	return 0;
}

int child_reap(void)
{
	int n = 0, status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		struct child *c = child_find(pid);
		n++;
		if (!c) {
			log_debug("reaped orphan pid %d", (int)pid);
			continue;
		}
		child_exit_fn fn = c->fn;
		void *data = c->data;
		c->pid = 0;
		c->fn = NULL;
		c->data = NULL;
		if (fn)
			fn(pid, status, data);
	}
	return n;
}

unsigned child_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < CHILD_MAX; i++)
		n += children[i].pid != 0;
	return n;
}

void child_signal_all(int sig)
{
	for (unsigned i = 0; i < CHILD_MAX; i++)
		if (children[i].pid > 0)
			sys_kill(children[i].pid, sig);
}

void child_forget(pid_t pid)
{
	struct child *c = child_find(pid);

	if (c && pid != 0) {
		c->fn = NULL;
		c->data = NULL;
	}
}

int child_scan_proc(const char *proc_dir, pid_t parent, pid_t *pids,
		    unsigned max)
{
	DIR *d = opendir(proc_dir);
	struct dirent *de;
	unsigned n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		uint64_t v;
		pid_t ppid;
		char state;
		if (str_to_u64(de->d_name, 10, 0x7fffffff, &v) < 0)
			continue;
		if (proc_read_stat(dirfd(d), de->d_name, &ppid, &state) < 0)
			continue;
		if (ppid != parent || (pid_t)v == parent)
			continue;
		if (n < max)
			pids[n] = (pid_t)v;
		n++;
	}
	closedir(d);
	return (int)(n < max ? n : max);
}
