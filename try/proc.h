/* proc: child processes of `sesame try` (QEMU, ssh) that never outlive it. */
#ifndef SESAME_TRY_PROC_H
#define SESAME_TRY_PROC_H

#include <sys/types.h>

/*
 * Starts argv[0] (searched in PATH) in a process group of its own with
 * PR_SET_PDEATHSIG (SIGKILL), signals unblocked and at their defaults,
 * and fds 0, 1, 2 from in, out, err (-1: /dev/null). Returns its pid or
 * a negative errno (an exec failure shows as exit status 127).
 */
pid_t try_spawn(char *const argv[], int in, int out, int err);

/* Ends the process group of pid: SIGTERM, up to grace_ms, then SIGKILL;
 * reaps pid. Returns its wait status, or -1 when it was already reaped. */
int try_kill_group(pid_t pid, int grace_ms);

#endif
