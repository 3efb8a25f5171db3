/* child: the processes /init starts, each with a callback for its exit; orphans
 * are reaped too. */
#ifndef SESAME_INIT_CHILD_H
#define SESAME_INIT_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CHILD_MAX 32

/* Called once, from child_reap(), with the wait(2) status. */
typedef void (*child_exit_fn)(pid_t pid, int wstatus, void *data);

struct sys_spawn_opts;

/*
 * The one way PID 1 starts a program: argv[0] (a path) through
 * sys_spawn() (init/sys.h: the seam tests replace) as o says (fds, session,
 * environment, uid), remembered so that child_reap(), the one reaper, runs
 * fn (may be NULL) with its status. -EAGAIN when the table is full.
 */
int child_spawn_opts(char *const argv[], const struct sys_spawn_opts *o,
		     child_exit_fn fn, void *data, pid_t *pidp);
/* child_spawn_opts() with only flags (SYS_SPAWN_*). */
int child_spawn(char *const argv[], unsigned flags, child_exit_fn fn,
		void *data, pid_t *pidp);
/*
 * Collects every exited child (waitpid WNOHANG until none is left) and runs
 * the callbacks. Call it on SIGCHLD. Returns how many were reaped.
 */
int child_reap(void);
/*
 * child_reap() for one pid, for a caller that must know it is gone before
 * it goes on (dropbear_stop(), before the switch): collects pid if it has
 * exited and runs its callback, as child_reap() would have. 1 collected,
 * 0 still running, -ECHILD no such child (collected already: its callback
 * has run). Never blocks; wait for the exit first (a pidfd, or
 * waitid(WNOWAIT), which collects nothing).
 */
int child_reap_pid(pid_t pid);
/*
 * What child_reap() does for each pid it collects: runs pid's callback
 * once (and forgets it). 0, or -ENOENT when pid is not ours. Tests use it
 * to make a fake child exit.
 */
int child_exited(pid_t pid, int wstatus);
/*
 * Watches pid, a child of ours started without child_spawn() (dropbear:
 * posix_spawn with file actions): child_reap() runs fn when it collects
 * it, as for a spawned child. -EAGAIN when the table is full.
 */
int child_watch(pid_t pid, child_exit_fn fn, void *data);
/* Ends a watch or a spawn's entry: the caller reaped pid itself. */
void child_unwatch(pid_t pid);
/* Children started through child_spawn() or watched and not yet reaped. */
unsigned child_count(void);
/* Sends sig to every child we started. */
void child_signal_all(int sig);
/* Forgets pid's callback (its exit is still reaped). */
void child_forget(pid_t pid);

/* A process found by child_scan_all(). */
struct child_proc {
	pid_t pid;
	char state;    /* the letter of /proc/PID/stat: R, S, D, Z, ... */
	char comm[17]; /* its name; control bytes as '?'; "?" unknown */
};

/*
 * Every process in proc_dir but self, the kernel's threads (kthreadd,
 * pid 2, and its children) and the kernel's usermode helpers (children of
 * those threads: request_module()'s modprobe): ours, orphans handed to us,
 * and everything below them. Writes up to max, returns how many it wrote,
 * or a negative errno.
 */
int child_scan_all(const char *proc_dir, pid_t self, struct child_proc *ps,
		   unsigned max);

/* What child_kill_all() does to the system (tests pass a fake table). */
struct child_kill_ops {
	/* As child_scan_all(). */
	int (*scan)(void *data, struct child_proc *ps, unsigned max);
	int (*kill)(void *data, pid_t pid, int sig);
	/* Collects exited children, never blocking (child_reap()). */
	void (*reap)(void *data);
	/*
	 * Returns when a child of ours may have exited (SIGCHLD), or at
	 * deadline (CLOCK_MONOTONIC usec) at the latest.
	 */
	void (*wait)(void *data, uint64_t deadline);
	uint64_t (*now)(void *data);
};

/*
 * SIGKILL to every process scan finds, round after round, until none is
 * left or deadline passes: killing a parent hands its children to us, so
 * an orphan chain of any depth goes, one level (at least) per round. Only
 * SIGCHLD or the deadline wakes it: a process that cannot die (state D)
 * costs the time up to deadline, never more. Returns 0 when none is left;
 * -ETIMEDOUT with the survivors in left (up to max, *n_left of them); or a
 * negative errno of scan.
 */
int child_kill_all(const struct child_kill_ops *ops, void *data,
		   uint64_t deadline, struct child_proc *left, unsigned max,
		   unsigned *n_left);

/* "PID (COMM, state S)" for each, comma-separated, into buf (truncated). */
void child_describe(const struct child_proc *ps, unsigned n, char *buf,
		    size_t size);

#endif
