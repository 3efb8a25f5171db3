/* child: a fixed table of the processes we spawned; SIGCHLD drives
 * child_reap(). */
#include "init/child.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

int child_spawn_opts(char *const argv[], const struct sys_spawn_opts *o,
		     child_exit_fn fn, void *data, pid_t *pidp)
{
	struct child *c = child_find(0);
	pid_t pid;
	int r;

	if (!c)
		return -EAGAIN;
	if ((r = sys_spawn(argv, o, &pid)) < 0)
		return r;
	c->pid = pid;
	c->fn = fn;
	c->data = data;
	log_debug("started %s as pid %d", argv[0], (int)pid);
	if (pidp)
		*pidp = pid;
	return 0;
}

int child_spawn(char *const argv[], unsigned flags, child_exit_fn fn,
		void *data, pid_t *pidp)
{
	struct sys_spawn_opts o = {.flags = flags};

	return child_spawn_opts(argv, &o, fn, data, pidp);
}

int child_watch(pid_t pid, child_exit_fn fn, void *data)
{
	struct child *c;

	if (pid <= 0)
		return -EINVAL;
	if (!(c = child_find(pid)) && !(c = child_find(0)))
		return -EAGAIN;
	c->pid = pid;
	c->fn = fn;
	c->data = data;
	return 0;
}

void child_unwatch(pid_t pid)
{
	struct child *c = pid > 0 ? child_find(pid) : NULL;

	if (c) {
		c->pid = 0;
		c->fn = NULL;
		c->data = NULL;
	}
}

int child_exited(pid_t pid, int wstatus)
{
	struct child *c = pid > 0 ? child_find(pid) : NULL;
	child_exit_fn fn;
	void *data;

	if (!c)
		return -ENOENT;
	fn = c->fn;
	data = c->data;
	c->pid = 0;
	c->fn = NULL;
	c->data = NULL;
	if (fn)
		fn(pid, wstatus, data);
	return 0;
}

int child_reap(void)
{
	int n = 0, status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		n++;
		if (child_exited(pid, status) < 0)
			log_debug("reaped orphan pid %d", (int)pid);
	}
	return n;
}

int child_reap_pid(pid_t pid)
{
	int status;
	pid_t w;

	if (pid <= 0)
		return -EINVAL;
	while ((w = waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR)
		;
	if (w < 0)
		return -errno;
	if (w == 0)
		return 0;
	if (child_exited(pid, status) < 0)
		log_debug("reaped orphan pid %d", (int)pid);
	return 1;
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

#define CHILD_KTHREADS_MAX 4096

/* The kernel's threads: kthreadd (2) and its children, at most max. */
static unsigned child_kthreads(DIR *d, pid_t *kt, unsigned max)
{
	struct dirent *de;
	unsigned n = 0;

	kt[n++] = 2;
	rewinddir(d);
	while (n < max && (de = readdir(d))) {
		uint64_t v;
		pid_t ppid;
		char state;
		if (str_to_u64(de->d_name, 10, 0x7fffffff, &v) < 0)
			continue;
		if (proc_read_stat(dirfd(d), de->d_name, &ppid, &state) == 0 &&
		    ppid == 2)
			kt[n++] = (pid_t)v;
	}
	return n;
}

static bool child_in(const pid_t *set, unsigned n, pid_t pid)
{
	for (unsigned i = 0; i < n; i++)
		if (set[i] == pid)
			return true;
	return false;
}

int child_scan_all(const char *proc_dir, pid_t self, struct child_proc *ps,
		   unsigned max)
{
	static pid_t kt[CHILD_KTHREADS_MAX];
	DIR *d = opendir(proc_dir);
	struct dirent *de;
	unsigned n = 0, n_kt;

	if (!d)
		return -errno;
	n_kt = child_kthreads(d, kt, CHILD_KTHREADS_MAX);
	rewinddir(d);
	while (n < max && (de = readdir(d))) {
		uint64_t v;
		pid_t ppid;
		char state;
		if (str_to_u64(de->d_name, 10, 0x7fffffff, &v) < 0)
			continue;
		if ((pid_t)v == self || child_in(kt, n_kt, (pid_t)v))
			continue;
		if (proc_read_stat(dirfd(d), de->d_name, &ppid, &state) < 0)
			continue; /* gone meanwhile, or not a process */
		/*
		 * A child of a kernel thread is a usermode helper (the
		 * kernel's request_module() running /sbin/modprobe): the
		 * kernel waits for it, it is not ours to kill.
		 */
		if (child_in(kt, n_kt, ppid))
			continue;
		ps[n].pid = (pid_t)v;
		ps[n].state = state;
		if (proc_read_comm(dirfd(d), de->d_name, ps[n].comm,
				   sizeof(ps[n].comm)) < 0)
			snprintf(ps[n].comm, sizeof(ps[n].comm), "?");
		n++;
	}
	closedir(d);
	return (int)n;
}

#define CHILD_KILL_SCAN 256

int child_kill_all(const struct child_kill_ops *ops, void *data,
		   uint64_t deadline, struct child_proc *left, unsigned max,
		   unsigned *n_left)
{
	struct child_proc ps[CHILD_KILL_SCAN];
	unsigned round = 0;
	int n;

	for (;; round++) {
		ops->reap(data);
		if ((n = ops->scan(data, ps, CHILD_KILL_SCAN)) <= 0) {
			if (n == 0 && round)
				log_debug("every process killed in %u rounds",
					  round);
			return n;
		}
		log_debug("kill round %u: %d processes, the first %d (%s)",
			  round + 1, n, (int)ps[0].pid, ps[0].comm);
		if (ops->now(data) >= deadline) {
			unsigned k = (unsigned)n < max ? (unsigned)n : max;
			memcpy(left, ps, k * sizeof(*left));
			*n_left = k;
			return -ETIMEDOUT;
		}
		/*
		 * Every process at once, not only our children: one round
		 * then usually suffices, and a process whose parent cannot
		 * die is killed too. Those reparented to us while their
		 * parent died are found by the next scan.
		 */
		for (int i = 0; i < n; i++)
			ops->kill(data, ps[i].pid, SIGKILL);
		ops->wait(data, deadline);
	}
}

void child_describe(const struct child_proc *ps, unsigned n, char *buf,
		    size_t size)
{
	size_t off = 0;

	if (!size)
		return;
	buf[0] = '\0';
	for (unsigned i = 0; i < n && off < size; i++) {
		int w = snprintf(buf + off, size - off, "%s%d (%s, state %c)",
				 i ? ", " : "", (int)ps[i].pid, ps[i].comm,
				 ps[i].state);
		if (w < 0)
			break;
		off += (size_t)w;
	}
}
