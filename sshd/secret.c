/* secret: mlock'd anonymous pages for passphrases, wiped before release. */
#include "sshd/secret.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/log.h"

static size_t secret_map_size(void)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t want = SECRET_MAX + 1;

	if (page <= 0)
		page = 4096;
	return (want + (size_t)page - 1) / (size_t)page * (size_t)page;
}

int secret_new(struct secret **sp)
{
	static int warned;
	size_t size = secret_map_size();
	struct secret *s;
	void *p;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		r = -errno;
		free(s);
		return r;
	}
	if (mlock(p, size) < 0 && !warned) {
		warned = 1;
		log_warn(
		    "cannot lock passphrase memory (%s); it may be swapped",
		    strerror(errno));
	}
	/* Best effort: neither is needed for correctness. */
	(void)madvise(p, size, MADV_DONTDUMP);
#ifdef MADV_WIPEONFORK
	(void)madvise(p, size, MADV_WIPEONFORK);
#endif
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
	size_t size = secret_map_size();

	if (!s)
		return;
	if (s->buf) {
		explicit_bzero(s->buf, size);
		munlock(s->buf, size);
		munmap(s->buf, size);
	}
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
