/* child: the processes /init starts, each with a callback for its exit; orphans
 * are reaped too. */
#ifndef SESAME_INIT_CHILD_H
#define SESAME_INIT_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

#define CHILD_MAX 32

/* Called once, from child_reap(), with the wait(2) status. */
typedef void (*child_exit_fn)(pid_t pid, int wstatus, void *data);

/*
 * Starts argv[0] (a path) through sys_spawn() and remembers it; fn may be
 * NULL. flags are SYS_SPAWN_*. -EAGAIN when the table is full.
 */
int child_spawn(char *const argv[], unsigned flags, child_exit_fn fn,
		void *data, pid_t *pidp);
/*
 * Collects every exited child (waitpid WNOHANG until none is left) and runs
 * the callbacks. Call it on SIGCHLD. Returns how many were reaped.
 */
int child_reap(void);
/* Children started through child_spawn() and not yet reaped. */
unsigned child_count(void);
/* Sends sig to every child we started. */
void child_signal_all(int sig);
/* Forgets pid's callback (its exit is still reaped). */
void child_forget(pid_t pid);

/*
 * Finds processes whose parent is us (started by us or orphans the kernel
 * handed to PID 1) by reading proc_dir/<pid>/stat; writes up to max pids.
 * Returns the count, or a negative errno.
 */
int child_scan_proc(const char *proc_dir, pid_t parent, pid_t *pids,
		    unsigned max);

#endif
