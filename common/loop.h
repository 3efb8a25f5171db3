/* loop: the single event loop (epoll) of /init and of the host programs that
 * run its subsystems (netprobe, tests): fds, timers. */
#ifndef SESAME_LOOP_H
#define SESAME_LOOP_H

#include <stdint.h>

struct loop;
struct loop_timer;

/*
 * Called when fd is ready; events are EPOLL* bits. A negative return is
 * logged by the loop, which carries on: one bad source never stops PID 1.
 */
typedef int (*loop_fd_fn)(struct loop *l, int fd, uint32_t events, void *data);
typedef int (*loop_timer_fn)(struct loop *l, struct loop_timer *t, void *data);

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
 * Waits up to timeout_ms (-1: forever) and dispatches what is ready.
 * Returns the number of callbacks run, or a negative errno.
 */
int loop_run_once(struct loop *l, int timeout_ms);
/* Runs until loop_quit(). */
int loop_run(struct loop *l);
void loop_quit(struct loop *l);

/* CLOCK_MONOTONIC in microseconds. */
uint64_t loop_now_usec(void);

#endif
