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
