/* fpfile: reads and prints the host key fingerprints the builder computed, so
 * /init needs no hashing (and no libmbedcrypto) to show them. */
#include "keys/fpfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/log.h"

int keys_fpfile_beside(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	size_t need;

	if (__builtin_add_overflow(dirlen, sizeof(KEYS_FPFILE_NAME), &need) ||
	    need > outlen)
		return -ENAMETOOLONG;
	memcpy(out, path, dirlen);
	memcpy(out + dirlen, KEYS_FPFILE_NAME, sizeof(KEYS_FPFILE_NAME));
	return 0;
}

/* The column (1-based) of the first byte that is not printable ASCII, or 0. */
static size_t fpfile_bad_column(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x20 || c > 0x7e)
			return i + 1;
	}
	return 0;
}

int keys_fpfile_log_text(const char *name, const char *text, size_t len)
{
	size_t pos = 0, col;
	unsigned lineno = 0;
	int count = 0;

	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;

		pos += llen + (nl ? 1 : 0);
		lineno++;
		if (llen > KEYS_FPFILE_LINE_MAX) {
			log_warn("%s:%u: longer than %d bytes, skipped", name,
				 lineno, KEYS_FPFILE_LINE_MAX);
			continue;
		}
		if ((col = fpfile_bad_column(line, llen)) != 0) {
			log_warn("%s:%u: byte 0x%02x at column %zu is not "
				 "printable ASCII, line skipped",
				 name, lineno, (unsigned char)line[col - 1],
				 col);
			continue;
		}
		if (llen == 0 || line[0] == '#')
			continue;
		log_info("ssh host key %.*s", (int)llen, line);
		count++;
	}
	if (count == 0)
		log_warn("%s: no host key fingerprints", name);
	return count;
}

int keys_fpfile_log(const char *path)
{
	char *buf = NULL;
	size_t len;
	int r;

	if ((r = file_read_all(path, KEYS_FPFILE_MAX, &buf, &len)) < 0) {
		log_warn_errno(r, "host key fingerprints %s", path);
		goto out;
	}
	r = keys_fpfile_log_text(path, buf, len);
out:
	free(buf);
	return r;
}
