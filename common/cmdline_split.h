/* cmdline_split: the one splitter of kernel-style parameter words (the
 * kernel command line and boot.conf), for /init and the audit. */
#ifndef SESAME_COMMON_CMDLINE_SPLIT_H
#define SESAME_COMMON_CMDLINE_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

/* A bounded cursor over untrusted bytes (not NUL-terminated). */
struct cmdline_split {
	const char *buf;
	size_t len, off;
	bool is_file; /* boot.conf: '#' comments; no "--" */
	bool ended;   /* "--" was seen on the kernel command line */
};

void cmdline_split_init(struct cmdline_split *s, const char *buf, size_t len,
			bool is_file);

/*
 * The next word, unquoted, into word (size bytes, NUL-terminated; size at
 * least 2). The rules /init applies and the audit must see the same way:
 * words are separated by blanks (space, \t, \n, \r, \v, \f) and NUL;
 * double quotes group (root="LABEL=my root") and are dropped, but never
 * span a line or a NUL (an unbalanced quote ends with its line); in a file
 * (is_file) '#' at the start of a word comments out the rest of its line;
 * on the kernel command line a bare "--" ends the parameters (what follows
 * is init's argv). A word that is empty once unquoted ("") is no word.
 *
 * Returns 1 with a word; 0 at the end; -ENAMETOOLONG for a word longer
 * than size - 1 bytes, -EILSEQ for one with control bytes (below 0x20, or
 * 0x7f): the word is skipped whole, and word holds its first size - 1
 * bytes for a message (quote it bounded: it may hold control bytes). The
 * caller goes on to the next word either way.
 */
int cmdline_split_next(struct cmdline_split *s, char *word, size_t size);

#endif
