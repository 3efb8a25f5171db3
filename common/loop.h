/* loop: the single event loop (epoll) of /init and of the host programs that
 * run its subsystems (netprobe, tests): fds, timers. */
#ifndef SESAME_LOOP_H
#define SESAME_LOOP_H

#include <stdint.h>

struct loop;
struct loop_timer;
struct loop_defer;

/*
 * Called when fd is ready; events are EPOLL* bits. A negative return is
 * logged by the loop, which carries on: one bad source never stops PID 1.
 */
typedef int (*loop_fd_fn)(struct loop *l, int fd, uint32_t events, void *data);
typedef int (*loop_timer_fn)(struct loop *l, struct loop_timer *t, void *data);
typedef void (*loop_defer_fn)(struct loop *l, void *data);

int loop_new(struct loop **lp);
void loop_free(struct loop *l);

/* Watches fd (not owned: the caller closes it after loop_del_fd). */
int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_fn fn,
		void *data);
int loop_mod_fd(struct loop *l, int fd, uint32_t events);
int loop_del_fd(struct loop *l, int fd);

/* A one-shot timer on CLOCK_MONOTONIC, disarmed until loop_timer_arm(). */
int loop_timer_new(struct loop *l, loop_timer_fn fn, void *data,
		   struct loop_timer **tp);
/* Fires once, usec from now; 0 disarms. */
int loop_timer_arm(struct loop_timer *t, uint64_t usec);
void loop_timer_free(struct loop_timer *t);

/*
 * A deferred step: loop_defer() asks for fn to run once, on the next loop
 * iteration after the fd and timer callbacks of that iteration, never
 * inside the caller. So a subsystem's callback can ask for work that may
 * close that subsystem (the boot's progress, the switch to the real root)
 * without running it under its own feet. Made once (no allocation when
 * scheduled, so scheduling cannot fail); scheduling one already pending
 * is a no-op; pending ones run in the order they were scheduled; one
 * scheduled from inside a deferred callback runs on the next iteration.
 */
int loop_defer_new(struct loop *l, loop_defer_fn fn, void *data,
		   struct loop_defer **dp);
void loop_defer(struct loop_defer *d);
/* Drops it if pending; it may be scheduled again later. */
void loop_defer_cancel(struct loop_defer *d);
/* Cancels and frees; NULL is fine. */
void loop_defer_free(struct loop_defer *d);

/*
 * Waits up to timeout_ms (-1: forever; not at all while a deferred step
 * is pending), dispatches what is ready, then runs the deferred steps
 * pending at that point. Returns the number of callbacks run, or a
 * negative errno.
 */
int loop_run_once(struct loop *l, int timeout_ms);
/* Runs until loop_quit(). */
int loop_run(struct loop *l);
void loop_quit(struct loop *l);

/*
 * The longest gap between two iterations so far: from one wait's return
 * to the next wait (the callbacks and deferred steps of an iteration, and
 * what the caller did between two loop_run_once() calls), the gap under
 * way included. Nothing else is served meanwhile: this is the loop's
 * longest stall.
 */
uint64_t loop_stall_max_usec(const struct loop *l);

/* CLOCK_MONOTONIC in microseconds. */
uint64_t loop_now_usec(void);

#endif
