/* log: formats a line once and writes it to each selected sink. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *log_ident = "sesame";
static enum log_level log_max = LOG_LVL_INFO;
static unsigned log_sinks = LOG_SINK_STDERR;
static int log_kmsg_fd = -1;
static int log_console_fd = -1;
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

void log_set_sinks(unsigned sinks, int kmsg_fd, int console_fd)
{
	log_sinks = sinks;
	log_kmsg_fd = kmsg_fd;
	log_console_fd = console_fd;
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
				      (size_t)n < sizeof(line) ? (size_t)n
							       : sizeof(line) - 1);
	}
	n = snprintf(line, sizeof(line), "%s: %s%s\n", log_ident,
		     log_level_word(level), msg);
	if (n <= 0)
		goto out;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (log_sinks & LOG_SINK_CONSOLE && log_console_fd >= 0)
		log_write_all(log_console_fd, line, (size_t)n);
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
