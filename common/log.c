/* log: formats a line once and writes it to each selected sink. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *log_ident = "sesame";
static enum log_level log_max = LOG_LVL_INFO;
static unsigned log_sinks = LOG_SINK_STDERR;
static int log_kmsg_fd = -1;
static int log_console_fd = -1;
static struct log_tty log_console;
static unsigned log_warnings;

void log_set_ident(const char *ident)
{
	log_ident = ident;
}

void log_set_max_level(enum log_level level)
{
	log_max = level;
}

enum log_level log_get_max_level(void)
{
	return log_max;
}

/*
 * A non-blocking open of the file behind fd, for us alone: O_NONBLOCK set
 * on fd itself would reach every process sharing it (a shell on the
 * console would read EAGAIN). -1 when that is impossible (no /proc).
 */
static int log_reopen_nonblock(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
}

void log_set_sinks(unsigned sinks, int kmsg_fd, int console_fd)
{
	int fd = -1;

	log_sinks = sinks;
	log_kmsg_fd = kmsg_fd;
	if (sinks & LOG_SINK_CONSOLE && console_fd >= 0) {
		fd = log_reopen_nonblock(console_fd);
		if (fd < 0)
			fd = console_fd; /* blocking, but output still shows */
	}
	if (log_console_fd >= 0 && log_console_fd != fd &&
	    log_console_fd != console_fd)
		close(log_console_fd);
	log_console_fd = fd;
	log_tty_init(&log_console, fd);
}

void log_set_sinks_kmsg(unsigned sinks, int console_fd)
{
	int kmsg = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);

	log_set_sinks(sinks | (kmsg >= 0 ? LOG_SINK_KMSG : 0), kmsg,
		      console_fd);
}

void log_tty_init(struct log_tty *t, int fd)
{
	memset(t, 0, sizeof(*t));
	t->fd = fd;
}

unsigned long log_console_dropped(void)
{
	return log_console.dropped_all;
}

/* Writes what the terminal takes now; the bytes written, or -errno. */
static ssize_t log_tty_try(int fd, const char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && off == 0 && errno != EAGAIN)
			return -errno;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	return (ssize_t)off;
}

/* Sends what is pending; 0 when nothing is left. */
static int log_tty_flush(struct log_tty *t)
{
	ssize_t n;

	if (!t->plen)
		return 0;
	n = log_tty_try(t->fd, t->pend, t->plen);
	if (n < 0) {
		t->plen = 0; /* a dead terminal: nothing will go out */
		return 0;
	}
	memmove(t->pend, t->pend + n, t->plen - (size_t)n);
	t->plen -= (size_t)n;
	return t->plen ? -EAGAIN : 0;
}

/* Queues len bytes whole, or drops them. */
static int log_tty_queue(struct log_tty *t, const char *buf, size_t len)
{
	if (len > sizeof(t->pend) - t->plen) {
		t->dropped++;
		t->dropped_all++;
		return -EAGAIN;
	}
	memcpy(t->pend + t->plen, buf, len);
	t->plen += len;
	return 0;
}

int log_tty_write(struct log_tty *t, const char *buf, size_t len)
{
	ssize_t n;

	if (t->fd < 0)
		return 0;
	if (log_tty_flush(t) < 0)
		return log_tty_queue(t, buf, len);
	if (t->dropped) {
		char note[96];
		int m = snprintf(note, sizeof(note),
				 "[%u console messages dropped: the console "
				 "was not taking output; see dmesg]\n",
				 t->dropped);
		t->dropped = 0;
		if (m > 0)
			(void)log_tty_write(t, note, (size_t)m);
		if (t->plen)
			return log_tty_queue(t, buf, len);
	}
	n = log_tty_try(t->fd, buf, len);
	if (n < 0)
		return 0; /* a dead terminal: as if written */
	if ((size_t)n < len)
		return log_tty_queue(t, buf + n, len - (size_t)n);
	return 0;
}

unsigned log_warn_count(void)
{
	return log_warnings;
}

/* Writes all of buf, retrying on EINTR; a log sink failing is not fatal. */
static void log_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static const char *log_level_word(enum log_level level)
{
	switch (level) {
	case LOG_LVL_ERR:
		return "error: ";
	case LOG_LVL_WARN:
		return "warning: ";
	case LOG_LVL_DEBUG:
		return "debug: ";
	default:
		return "";
	}
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char msg[1024], line[1200];
	int saved = errno;
	int n;

	if (level == LOG_LVL_WARN)
		log_warnings++;
	if (level > log_max)
		goto out;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Strip control characters so hostile strings cannot forge lines. */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';

	if (log_sinks & LOG_SINK_KMSG && log_kmsg_fd >= 0) {
		/* "<N>" sets the kmsg priority; the facility stays "user". */
		n = snprintf(line, sizeof(line), "<%d>%s: %s%s\n", level,
			     log_ident, log_level_word(level), msg);
		if (n > 0)
			log_write_all(log_kmsg_fd, line,
				      (size_t)n < sizeof(line)
					  ? (size_t)n
					  : sizeof(line) - 1);
	}
	n = snprintf(line, sizeof(line), "%s: %s%s\n", log_ident,
		     log_level_word(level), msg);
	if (n <= 0)
		goto out;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (log_sinks & LOG_SINK_CONSOLE && log_console_fd >= 0)
		(void)log_tty_write(&log_console, line, (size_t)n);
	if (log_sinks & LOG_SINK_STDERR)
		log_write_all(STDERR_FILENO, line, (size_t)n);
out:
	errno = saved;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

int log_msg_errno(enum log_level level, int r, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(level, "%s: %s", msg, strerror(r < 0 ? -r : r));
	return r;
}
