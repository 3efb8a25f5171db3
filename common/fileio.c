/* fileio: whole-file reads and atomic writes that never leave half a file. */
#include "fileio.h"

#include <errno.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read_all(const char *path, size_t max, char **bufp, size_t *lenp)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;
		if (cap - len < 4096 + 1) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *nb;
			if (ncap > max + 4096 + 1)
				ncap = max + 4096 + 1;
			if (ncap <= cap) {
				r = -EFBIG;
				goto out;
			}
			nb = realloc(buf, ncap);
			if (!nb) {
				r = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			r = -EFBIG;
			goto out;
		}
	}
	if (!buf && !(buf = malloc(1))) {
		r = -ENOMEM;
		goto out;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

int fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int atomic_file_open(struct atomic_file *af, const char *path, mode_t mode)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dirlen = slash ? (int)(slash - path) + 1 : 0;
	int r;

	af->fd = -1;
	af->path = strdup(path);
	af->tmp = NULL;
	if (!af->path)
		return -ENOMEM;
	if (*base == '\0') {
		r = -EISDIR;
		goto fail;
	}
	if (asprintf(&af->tmp, "%.*s.%s.tmp.XXXXXX", dirlen, path, base) < 0) {
		af->tmp = NULL;
		r = -ENOMEM;
		goto fail;
	}
	af->fd = mkostemp(af->tmp, O_CLOEXEC);
	if (af->fd < 0) {
		r = -errno;
		free(af->tmp);
		af->tmp = NULL;
		goto fail;
	}
	if (fchmod(af->fd, mode) < 0) {
		r = -errno;
		goto fail;
	}
	return 0;
fail:
	atomic_file_abort(af);
	return r;
}

int atomic_file_commit(struct atomic_file *af)
{
	int r = 0;

	if (fsync(af->fd) < 0)
		r = -errno;
	if (close(af->fd) < 0 && r == 0)
		r = -errno;
	af->fd = -1;
	if (r == 0 && rename(af->tmp, af->path) < 0)
		r = -errno;
	if (r < 0) {
		atomic_file_abort(af);
		return r;
	}
	free(af->tmp);
	free(af->path);
	af->tmp = af->path = NULL;
	return 0;
}

void atomic_file_abort(struct atomic_file *af)
{
	if (!af)
		return;
	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
	if (af->tmp)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	af->tmp = af->path = NULL;
}

int file_write_atomic(const char *path, const void *buf, size_t len,
		      mode_t mode)
{
	struct atomic_file af;
	int r;

	if ((r = atomic_file_open(&af, path, mode)) < 0)
		return r;
	if ((r = fd_write_all(af.fd, buf, len)) < 0) {
		atomic_file_abort(&af);
		return r;
	}
	return atomic_file_commit(&af);
}

int fd_check_seqpacket(int fd)
{
	int type = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_SEQPACKET)
		return -ENOTSOCK;
	return 0;
}
