/* secret: a locked, fixed-size buffer for one passphrase, wiped on every path.
 */
#ifndef SESAME_SECRET_H
#define SESAME_SECRET_H

#include <stddef.h>

/* The longest passphrase accepted anywhere (cryptsetup's interactive limit). */
#define SECRET_MAX 512

/*
 * A page of anonymous memory, mlock'd (never swapped), excluded from core
 * dumps and wiped on fork, holding up to SECRET_MAX bytes plus room for a
 * terminating NUL. len is the number of bytes in use; the bytes are not
 * NUL-terminated unless the user writes one. A passphrase never leaves this
 * buffer except into libcryptsetup or a socket frame.
 */
struct secret {
	char *buf;
	size_t len;
	size_t cap; /* SECRET_MAX + 1 */
};

/*
 * Maps and locks the buffer. mlock failing (RLIMIT_MEMLOCK) is not fatal: the
 * buffer is still wiped and excluded from dumps, and a warning is logged once.
 */
int secret_new(struct secret **sp);
/* Wipes the whole buffer and sets len to 0 (NULL-safe). */
void secret_wipe(struct secret *s);
/* Wipes, unlocks and unmaps (NULL-safe). */
void secret_free(struct secret *s);
/*
 * The same kind of memory in any size (rounded up to pages), for buffers
 * that pass secrets through (the unlock socket's receive buffers).
 * secret_mem_free() wipes all size bytes first; both accept NULL.
 */
int secret_mem_alloc(size_t size, void **pp);
void secret_mem_free(void *p, size_t size);
/*
 * The same, except that a forked child sees the contents: for handing a
 * passphrase to a worker process by fork, never by argv, env or a file.
 * The lock is not inherited (mlock(2)); the child locks it again.
 */
int secret_mem_alloc_inherited(size_t size, void **pp);
/* Replaces the contents with len bytes of p; -EMSGSIZE if over SECRET_MAX. */
int secret_set(struct secret *s, const void *p, size_t len);

#endif
