/* proc: reading /proc/PID/stat, for the process scans of init and sshd. */
#ifndef SESAME_PROC_H
#define SESAME_PROC_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Parses the text of a /proc/PID/stat file (len bytes, need not be
 * terminated): the state letter and the parent pid, the two fields after
 * "(comm)". comm may hold anything, ')' and spaces included, so the last
 * ')' ends it (proc(5)). -EBADMSG when malformed; out-parameters are
 * written only on success.
 */
int proc_parse_stat(const char *buf, size_t len, pid_t *ppidp, char *statep);
/* Reads and parses NAME/stat relative to dirfd (AT_FDCWD: NAME is a path). */
int proc_read_stat(int dirfd, const char *name, pid_t *ppidp, char *statep);
/*
 * NAME/comm (relative to dirfd, as proc_read_stat) into comm of size
 * bytes: the one line without its newline, control bytes shown as '?'.
 * comm is written only on success; a negative errno otherwise.
 */
int proc_read_comm(int dirfd, const char *name, char *comm, size_t size);

#endif
