/* secret: mlock'd anonymous pages for passphrases, wiped before release. */
#include "sshd/secret.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/log.h"

static size_t secret_round(size_t want)
{
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0)
		page = 4096;
	if (want == 0)
		want = 1;
	return (want + (size_t)page - 1) / (size_t)page * (size_t)page;
}

static int secret_mem_map(size_t size, int wipe_on_fork, void **pp);

int secret_mem_alloc(size_t size, void **pp)
{
	return secret_mem_map(size, 1, pp);
}

int secret_mem_alloc_inherited(size_t size, void **pp)
{
	return secret_mem_map(size, 0, pp);
}

static int secret_mem_map(size_t size, int wipe_on_fork, void **pp)
{
	static int warned;
	size_t len = secret_round(size);
	void *p;

	if (size > (64u << 20))
		return -E2BIG;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (mlock(p, len) < 0 && !warned) {
		warned = 1;
		log_warn(
		    "cannot lock passphrase memory (%s); it may be swapped",
		    strerror(errno));
	}
	/* Best effort: neither is needed for correctness. */
	(void)madvise(p, len, MADV_DONTDUMP);
#ifdef MADV_WIPEONFORK
	if (wipe_on_fork)
		(void)madvise(p, len, MADV_WIPEONFORK);
#else
	(void)wipe_on_fork;
#endif
	*pp = p;
	return 0;
}

void secret_mem_free(void *p, size_t size)
{
	size_t len = secret_round(size);

	if (!p)
		return;
	explicit_bzero(p, len);
	munlock(p, len);
	munmap(p, len);
}

int secret_new(struct secret **sp)
{
	struct secret *s;
	void *p;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if ((r = secret_mem_alloc(SECRET_MAX + 1, &p)) < 0) {
		free(s);
		return r;
	}
	s->buf = p;
	s->cap = SECRET_MAX + 1;
	s->len = 0;
	*sp = s;
	return 0;
}

void secret_wipe(struct secret *s)
{
	if (!s || !s->buf)
		return;
	explicit_bzero(s->buf, s->cap);
	s->len = 0;
}

void secret_free(struct secret *s)
{
	if (!s)
		return;
	secret_mem_free(s->buf, s->cap);
	free(s);
}

int secret_set(struct secret *s, const void *p, size_t len)
{
	if (len > SECRET_MAX)
		return -EMSGSIZE;
	secret_wipe(s);
	memcpy(s->buf, p, len);
	s->len = len;
	return 0;
}
