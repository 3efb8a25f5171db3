/* authscan: a lenient reader of the authorized_keys an image holds (untrusted).
 */
#ifndef SESAME_AUDIT_AUTHSCAN_H
#define SESAME_AUDIT_AUTHSCAN_H

#include <stdbool.h>
#include <stddef.h>

/* What one line says; pointers point into the caller's buffer. */
struct authscan_line {
	unsigned line;
	const char *opts; /* the options field, or NULL */
	size_t opts_len;
	const char *type; /* the key type word */
	size_t type_len;
	const char *b64;
	size_t b64_len;
};

/* Options that matter to the checks, found in an options field. */
struct authscan_opts {
	bool command, from, no_agent_forwarding, restrict_;
};

/*
 * Calls fn for each non-blank, non-comment line of buf (len bytes, any
 * bytes). sshd(8) AUTHORIZED_KEYS FILE FORMAT: options first when the first
 * word is not a key type name; option values in double quotes may hold
 * spaces and \" escapes. A line that has no type or no base64 word is
 * passed with type NULL. fn returns 0 to go on.
 */
int authscan_each(const char *buf, size_t len,
		  int (*fn)(const struct authscan_line *l, void *arg),
		  void *arg);

/* Parses an options field (comma separated, quoted values). -EBADMSG for
 * an unterminated quote. */
int authscan_options(const char *p, size_t len, struct authscan_opts *o);

#endif
