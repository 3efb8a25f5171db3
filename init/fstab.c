/* fstab: line by line, field by field, every copy bounded; bad lines are
 * skipped. */
#include "init/fstab.h"

#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "common/strutil.h"

/* Copies one field [s, s+n) into dst, decoding \ooo escapes (fstab(5)). */
static int fstab_unescape(const char *s, size_t n, char *dst, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\\') {
			unsigned v = 0;
			if (n - i < 4)
				return -EINVAL;
			for (size_t k = 1; k <= 3; k++) {
				if (s[i + k] < '0' || s[i + k] > '7')
					return -EINVAL;
				v = v * 8 + (unsigned)(s[i + k] - '0');
			}
			if (v == 0 || v > 0xff)
				return -EINVAL;
			ch = (unsigned char)v;
			i += 3;
		}
		if (ch < 0x20 && ch != '\t')
			return -EINVAL;
		if (o + 1 >= size)
			return -ENAMETOOLONG;
		dst[o++] = (char)ch;
	}
	dst[o] = '\0';
	return 0;
}

/* Parses one line (no newline); -EINVAL if malformed, 1 if blank/comment. */
static int fstab_parse_line(const char *s, size_t n, struct fstab_entry *e)
{
	const char *f[6];
	size_t fl[6], nf = 0, i = 0;
	uint64_t v;

	while (nf < 6) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n || (nf == 0 && s[i] == '#'))
			break;
		f[nf] = s + i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		fl[nf] = (size_t)(s + i - f[nf]);
		nf++;
	}
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (nf == 0)
		return 1;
	if (nf < 4 || i < n)
		return -EINVAL;
	if (fstab_unescape(f[0], fl[0], e->spec, sizeof(e->spec)) < 0 ||
	    fstab_unescape(f[1], fl[1], e->file, sizeof(e->file)) < 0 ||
	    fstab_unescape(f[2], fl[2], e->type, sizeof(e->type)) < 0 ||
	    fstab_unescape(f[3], fl[3], e->opts, sizeof(e->opts)) < 0)
		return -EINVAL;
	e->freq = e->passno = 0;
	if (nf > 4) {
		if (strn_to_u64(f[4], fl[4], 10, 1000, &v) < 0)
			return -EINVAL;
		e->freq = (unsigned)v;
	}
	if (nf > 5) {
		if (strn_to_u64(f[5], fl[5], 10, 1000, &v) < 0)
			return -EINVAL;
		e->passno = (unsigned)v;
	}
	return 0;
}

int fstab_parse(const char *buf, size_t len, fstab_entry_fn fn, void *data)
{
	struct fstab_entry e;
	unsigned line = 0;
	size_t i = 0;
	int r;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;

		line++;
		memset(&e, 0, sizeof(e));
		r = fstab_parse_line(buf + i, n, &e);
		i += n + (nl ? 1 : 0);
		if (r == 1)
			continue;
		if (r < 0) {
			log_warn("fstab line %u is malformed, skipped", line);
			continue;
		}
		e.line = line;
		if ((r = fn(&e, data)) < 0)
			return r;
	}
	return 0;
}
