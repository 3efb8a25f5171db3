/* modqueue: module loading in modprobe children of PID 1, one at a time, so
 * PID 1 never waits in init_module(). */
#ifndef SESAME_INIT_MODQUEUE_H
#define SESAME_INIT_MODQUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct loop;

/* The child's program: the image's /sbin/modprobe, an applet of /init. */
#define MODQUEUE_MODPROBE "/sbin/modprobe"
/* Names waiting at most (the rest is dropped and said); names per child. */
#define MODQUEUE_MAX 256
#define MODQUEUE_PER_CHILD 64

/*
 * Sets up the queue on l; modprobe is the program to run (NULL:
 * MODQUEUE_MODPROBE). Children start through child_spawn() and are
 * collected by child_reap(), like every child of PID 1. idle (may be
 * NULL) is called from the reaper each time the last child ends with
 * nothing left to load.
 */
int modqueue_init(struct loop *l, const char *modprobe, void (*idle)(void));

/*
 * The first child: the image's module list (a file, one name per line)
 * and the coldplug walk of sys_devices (every modalias found), as
 * `modprobe --sesame-init --list=LIST --coldplug=DIR`. Names queued
 * meanwhile follow it.
 */
int modqueue_boot(const char *list, const char *sys_devices);

/*
 * Queues a module name or alias (a uevent's MODALIAS, "fs-ext4"): 0, or
 * 1 when it is already waiting; -EINVAL for a name with bytes a module
 * name or modalias never has (it would reach modprobe's argv), -ENOSPC
 * when MODQUEUE_MAX wait (dropped, logged). A child starts from the
 * loop's next iteration when none runs.
 */
int modqueue_add(const char *alias);

/* True while a child runs or names wait. */
bool modqueue_busy(void);

/* The children's wall time so far (CLOCK_MONOTONIC usec), for the
 * handoff line. */
uint64_t modqueue_busy_usec(void);

/* The handoff: nothing new starts; a child still running is left to the
 * handoff's kill. */
void modqueue_stop(void);

#endif
