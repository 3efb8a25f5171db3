/* log: one logging API for the host tool (stderr) and /init (kmsg + console). */
#ifndef SESAME_LOG_H
#define SESAME_LOG_H

#include <stdarg.h>

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
/* Select the sinks; kmsg_fd/console_fd may be -1 when not used. */
void log_set_sinks(unsigned sinks, int kmsg_fd, int console_fd);
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
