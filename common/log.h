/* log: one logging API for the host tool (stderr) and /init (kmsg + console).
 */
#ifndef SESAME_LOG_H
#define SESAME_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_LVL_ERR = 3,
	LOG_LVL_WARN = 4,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7,
};

/*
 * Where log lines go. The host tool uses LOG_SINK_STDERR (the default);
 * /init opens /dev/kmsg and the console and uses both.
 */
enum log_sink {
	LOG_SINK_STDERR = 1 << 0,
	LOG_SINK_KMSG = 1 << 1,
	LOG_SINK_CONSOLE = 1 << 2,
};

/* The program name prefixed to every line ("sesame", "sesame-init"). */
void log_set_ident(const char *ident);
/* Messages above this level are dropped (default LOG_LVL_INFO). */
void log_set_max_level(enum log_level level);
enum log_level log_get_max_level(void);
/*
 * Select the sinks; kmsg_fd/console_fd may be -1 when not used. The
 * console is written through a non-blocking open of its own (console_fd
 * reopened through /proc/self/fd, so the flag never reaches children that
 * share console_fd): a stopped console (Ctrl-S, a serial line with flow
 * control and nothing attached) never blocks the writer. See log_tty.
 */
void log_set_sinks(unsigned sinks, int kmsg_fd, int console_fd);
/* The children of /init: sinks plus /dev/kmsg when it opens (the record
 * dmesg and the journal keep). */
void log_set_sinks_kmsg(unsigned sinks, int console_fd);

/*
 * Output to a terminal that must never block its writer (PID 1). fd must
 * be non-blocking. What the terminal does not take at once waits in a
 * bounded buffer and goes out before the next write; a message that does
 * not fit there is dropped whole (never half a line) and counted, and once
 * the terminal takes output again one line says how many were dropped
 * (kmsg keeps every log line).
 */
#define LOG_TTY_PENDING 4096
struct log_tty {
	int fd;
	size_t plen;
	unsigned dropped;	   /* messages dropped since the last notice */
	unsigned long dropped_all; /* since log_tty_init() */
	char pend[LOG_TTY_PENDING];
};
void log_tty_init(struct log_tty *t, int fd);
/* 0 when written or queued; -EAGAIN when dropped (counted). */
int log_tty_write(struct log_tty *t, const char *buf, size_t len);
/* Messages the log's console sink dropped so far. */
unsigned long log_console_dropped(void);
/* Count of warnings logged so far (for closing summaries). */
unsigned log_warn_count(void);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends ": strerror(-r)" and returns r (a negative errno). */
int log_msg_errno(enum log_level level, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_err_errno(r, ...) log_msg_errno(LOG_LVL_ERR, (r), __VA_ARGS__)
#define log_warn_errno(r, ...) log_msg_errno(LOG_LVL_WARN, (r), __VA_ARGS__)

#endif
