/* early: the API file systems, the console and the log sinks, before anything
 * else runs. */
#ifndef SESAME_INIT_EARLY_H
#define SESAME_INIT_EARLY_H

#include <stdbool.h>

/*
 * Mounts /proc, /sys, /dev (devtmpfs), /dev/pts, /dev/shm and /run from
 * a table, skipping those already mounted. A failure of a required one is
 * returned (-errno); optional ones only warn.
 */
int early_mount_all(void);

/* Makes fds 0, 1 and 2 the console if the kernel left any closed. */
void early_setup_console(void);

/*
 * Opens /dev/kmsg and points the log at it and the console (fd 2). Both,
 * always: with `quiet` the kernel echoes none of our kmsg lines, and test
 * harnesses read the console lines without the kernel's timestamp; without
 * `quiet` the serial log shows each line twice. Turns the kernel's
 * /dev/kmsg rate limit off until early_log_restore().
 */
void early_setup_log(bool debug);
/* Puts printk_devkmsg back as we found it (before the switch). */
void early_log_restore(void);

#endif
