/* fileio: whole-file reads and atomic (temporary name + rename) writes. */
#ifndef SESAME_FILEIO_H
#define SESAME_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Reads all of path into a NUL-terminated malloc'd buffer (NUL not counted
 * in *lenp). Refuses files over max bytes with -EFBIG.
 */
int file_read_all(const char *path, size_t max, char **bufp, size_t *lenp);

/*
 * An output file written under a temporary name in the target's directory
 * and renamed into place by atomic_file_commit(). Until then the target is
 * untouched; atomic_file_abort() (safe on a closed or never-opened file)
 * removes the temporary.
 */
struct atomic_file {
	int fd;
	char *path;
	char *tmp;
};

int atomic_file_open(struct atomic_file *af, const char *path, mode_t mode);
int atomic_file_commit(struct atomic_file *af);
void atomic_file_abort(struct atomic_file *af);
/* Writes len bytes to fd, retrying short writes and EINTR. */
int fd_write_all(int fd, const void *buf, size_t len);
/* Writes buf to path atomically with the given mode. */
int file_write_atomic(const char *path, const void *buf, size_t len,
		      mode_t mode);

/* 0 when fd is a SOCK_SEQPACKET socket (the link /init gives its helper
 * processes on their standard input), else -ENOTSOCK. */
int fd_check_seqpacket(int fd);

#endif
