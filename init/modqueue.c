/* modqueue: batches module names for modprobe children, one child at a time,
 * collected by init's one reaper. */
#include "init/modqueue.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "common/log.h"
#include "common/loop.h"
#include "init/child.h"

#define MODQUEUE_NAME_MAX 256 /* with its NUL; modaliases run to ~200 */

static struct {
	struct loop_defer *start;
	const char *modprobe;
	void (*idle)(void);
	char names[MODQUEUE_MAX][MODQUEUE_NAME_MAX];
	unsigned n;
	pid_t pid; /* the running child; 0: none */
	uint64_t since, busy;
	bool stopped;
	unsigned dropped;
} Q;

static void modqueue_exited(pid_t pid, int wstatus, void *data)
{
	(void)data;
	if (pid != Q.pid)
		return;
	Q.pid = 0;
	Q.busy += loop_now_usec() - Q.since;
	/* Exit 1 is normal: a modalias no module in the image serves. */
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) > 1)
		log_warn("modprobe child %s %d",
			 WIFSIGNALED(wstatus) ? "killed by signal" : "exited",
			 WIFSIGNALED(wstatus) ? WTERMSIG(wstatus)
					      : WEXITSTATUS(wstatus));
	if (Q.n && !Q.stopped)
		loop_defer(Q.start);
	else if (!Q.n && Q.idle)
		Q.idle();
}

static int modqueue_spawn(char *const argv[])
{
	int r = child_spawn(argv, 0, modqueue_exited, NULL, &Q.pid);

	if (r < 0) {
		Q.pid = 0;
		return log_warn_errno(r, "cannot start %s", Q.modprobe);
	}
	Q.since = loop_now_usec();
	return 0;
}

/* Deferred: a child for the first MODQUEUE_PER_CHILD names waiting. */
static void modqueue_start(struct loop *l, void *data)
{
	char *argv[MODQUEUE_PER_CHILD + 5];
	unsigned n = Q.n < MODQUEUE_PER_CHILD ? Q.n : MODQUEUE_PER_CHILD;
	unsigned a = 0;

	(void)l;
	(void)data;
	if (Q.pid || Q.stopped || !n)
		return;
	argv[a++] = (char *)(uintptr_t)Q.modprobe;
	argv[a++] = "--sesame-init";
	argv[a++] = "--";
	for (unsigned i = 0; i < n; i++)
		argv[a++] = Q.names[i];
	argv[a] = NULL;
	/* The names are in the child's argv (copied by exec) once it runs. */
	if (modqueue_spawn(argv) < 0)
		return;
	memmove(Q.names, Q.names[n], (size_t)(Q.n - n) * sizeof(Q.names[0]));
	Q.n -= n;
}

int modqueue_init(struct loop *l, const char *modprobe, void (*idle)(void))
{
	memset(&Q, 0, sizeof(Q));
	Q.modprobe = modprobe ? modprobe : MODQUEUE_MODPROBE;
	Q.idle = idle;
	return loop_defer_new(l, modqueue_start, NULL, &Q.start);
}

int modqueue_boot(const char *list, const char *sys_devices)
{
	char larg[300], carg[300];
	char *argv[] = {(char *)(uintptr_t)Q.modprobe, "--sesame-init", larg,
			carg, NULL};

	if (snprintf(larg, sizeof(larg), "--list=%s", list) >=
		(int)sizeof(larg) ||
	    snprintf(carg, sizeof(carg), "--coldplug=%s", sys_devices) >=
		(int)sizeof(carg))
		return -ENAMETOOLONG;
	if (Q.pid)
		return -EBUSY;
	return modqueue_spawn(argv);
}

/* Module names and modaliases: printable, no space, no leading '-'. */
static bool modqueue_name_ok(const char *s, size_t len)
{
	if (!len || len >= MODQUEUE_NAME_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

int modqueue_add(const char *alias)
{
	size_t len = strnlen(alias, MODQUEUE_NAME_MAX);

	if (!modqueue_name_ok(alias, len))
		return -EINVAL;
	for (unsigned i = 0; i < Q.n; i++)
		if (!strcmp(Q.names[i], alias))
			return 1;
	if (Q.n == MODQUEUE_MAX) {
		if (!Q.dropped++)
			log_warn("more than %d module names wait for "
				 "modprobe: %s and later ones dropped",
				 MODQUEUE_MAX, alias);
		return -ENOSPC;
	}
	memcpy(Q.names[Q.n++], alias, len + 1);
	if (!Q.pid && !Q.stopped)
		loop_defer(Q.start);
	return 0;
}

bool modqueue_busy(void)
{
	return Q.pid || Q.n;
}

uint64_t modqueue_busy_usec(void)
{
	return Q.busy + (Q.pid ? loop_now_usec() - Q.since : 0);
}

void modqueue_stop(void)
{
	Q.stopped = true;
	Q.n = 0;
	loop_defer_free(Q.start);
	Q.start = NULL;
}
