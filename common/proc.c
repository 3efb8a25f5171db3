/* proc: the state and parent of a process from /proc/PID/stat. */
#include "common/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/strutil.h"

int proc_parse_stat(const char *buf, size_t len, pid_t *ppidp, char *statep)
{
	const char *rp = NULL;
	size_t off, end;
	uint64_t v;

	for (size_t i = 0; i < len; i++)
		if (buf[i] == ')')
			rp = buf + i;
	if (!rp)
		return -EBADMSG;
	off = (size_t)(rp - buf);
	/* ") S PPID" at least */
	if (len - off < 5 || rp[1] != ' ' || rp[3] != ' ')
		return -EBADMSG;
	off += 4;
	for (end = off; end < len && buf[end] != ' ' && buf[end] != '\n'; end++)
		;
	if (strn_to_u64(buf + off, end - off, 10, 0x7fffffff, &v) < 0)
		return -EBADMSG;
	*statep = rp[2];
	*ppidp = (pid_t)v;
	return 0;
}

int proc_read_comm(int dirfd, const char *name, char *comm, size_t size)
{
	char path[300], buf[64];
	ssize_t n;
	int fd;

	if (size == 0)
		return -EINVAL;
	if (snprintf(path, sizeof(path), "%s/comm", name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if ((fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1 < size - 1 ? sizeof(buf) - 1
						       : size - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	if (buf[n - 1] == '\n')
		n--;
	for (ssize_t i = 0; i < n; i++)
		comm[i] = (unsigned char)buf[i] < 0x20 || buf[i] == 0x7f
			      ? '?'
			      : buf[i];
	comm[n] = '\0';
	return 0;
}

int proc_read_stat(int dirfd, const char *name, pid_t *ppidp, char *statep)
{
	char path[300], buf[512];
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/stat", name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return -EIO;
	return proc_parse_stat(buf, (size_t)n, ppidp, statep);
}
