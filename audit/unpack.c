/* unpack: a compressed file's bytes (modules .ko.xz/.zst/.gz) decompressed. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit/unpack.h"

int audit_is_compressed_name(const char *name)
{
	static const char *const sfx[] = {".xz", ".zst", ".gz"};
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		size_t k = strlen(sfx[i]);
		if (n > k && !strcmp(name + n - k, sfx[i]))
			return 1;
	}
	return 0;
}

int audit_unpack(const uint8_t *p, size_t len, size_t max, uint8_t **outp,
		 size_t *outlen)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	uint8_t *buf = NULL;
	size_t n = 0;
	la_ssize_t got;
	int r = -EBADMSG;

	if (!a || !(buf = malloc(max + 1))) {
		r = -ENOMEM;
		goto out;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, p, len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ae) != ARCHIVE_OK)
		goto out;
	while ((got = archive_read_data(a, buf + n, max + 1 - n)) > 0) {
		n += (size_t)got;
		if (n > max) {
			r = -EFBIG;
			goto out;
		}
	}
	if (got < 0)
		goto out;
	buf[n] = '\0'; /* room for it: max + 1; text readers rely on it */
	*outp = buf;
	*outlen = n;
	buf = NULL;
	r = 0;
out:
	free(buf);
	archive_read_free(a);
	return r;
}
