/* dropbear_cve: dropbear's version from its binary, the CVE table, and the
 * distribution changelog that tells about backports. */
#include <archive.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit/dropbear_cve.h"
#include "common/log.h"

#define CHANGELOG_MAX (4u << 20)

/*
 * Server-side vulnerabilities by the upstream release that fixed them
 * (dropbear's CHANGES; NVD). Client-only ones (dbclient) are left out: the
 * image runs only the server.
 */
const struct dropbear_cve dropbear_cves[] = {
    {"CVE-2016-7406", {2016, 74}, "format string in the user or host name"},
    {"CVE-2017-9078", {2017, 75}, "double free after login"},
    {"CVE-2023-48795", {2024, 84}, "Terrapin prefix truncation"},
};
const size_t dropbear_cves_len =
    sizeof(dropbear_cves) / sizeof(dropbear_cves[0]);

static int parse_uint(const uint8_t *p, size_t len, size_t *i, unsigned max,
		      unsigned *out)
{
	unsigned v = 0;
	size_t s = *i;

	while (*i < len && p[*i] >= '0' && p[*i] <= '9' && *i - s < 6) {
		v = v * 10 + (unsigned)(p[*i] - '0');
		(*i)++;
	}
	if (*i == s || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int dropbear_find_version(const uint8_t *p, size_t len,
			  struct dropbear_version *v)
{
	static const char banner[] = "SSH-2.0-dropbear_";
	const size_t bl = sizeof(banner) - 1;
	const uint8_t *q = p;
	size_t left = len;

	while (left >= bl) {
		const uint8_t *m = memmem(q, left, banner, bl);
		struct dropbear_version r;
		size_t i;
		if (!m)
			break;
		i = (size_t)(m - p) + bl;
		if (parse_uint(p, len, &i, 9999, &r.year) == 0 && i < len &&
		    p[i] == '.' &&
		    (i++, parse_uint(p, len, &i, 999, &r.minor) == 0)) {
			*v = r;
			return 0;
		}
		left -= (size_t)(m - q) + 1;
		q = m + 1;
	}
	return -ENOENT;
}

int dropbear_version_cmp(const struct dropbear_version *a,
			 const struct dropbear_version *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	return 0;
}

static bool cve_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-';
}

bool dropbear_changelog_mentions(const char *text, size_t len, const char *cve)
{
	size_t n = strlen(cve);
	const char *p = text;
	size_t left = len;

	while (left >= n) {
		const char *m = memmem(p, left, cve, n);
		if (!m)
			return false;
		/* "CVE-2023-4879" must not match "CVE-2023-48795". */
		if ((m + n == text + len || !cve_char(m[n])) &&
		    (m == text || !cve_char(m[-1])))
			return true;
		left -= (size_t)(m - p) + 1;
		p = m + 1;
	}
	return false;
}

int dropbear_read_gzip(const char *path, char **textp, size_t *lenp)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	char *buf = NULL;
	size_t len = 0;
	la_ssize_t n;
	int r = -EBADMSG;

	if (!a)
		return -ENOMEM;
	if (!(buf = malloc(CHANGELOG_MAX + 1))) {
		r = -ENOMEM;
		goto out;
	}
	archive_read_support_filter_gzip(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, path, 16384) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ae) != ARCHIVE_OK) {
		log_warn("%s: %s", path, archive_error_string(a));
		goto out;
	}
	while ((n = archive_read_data(a, buf + len, CHANGELOG_MAX - len)) > 0)
		len += (size_t)n;
	if (n < 0) {
		log_warn("%s: %s", path, archive_error_string(a));
		goto out;
	}
	if (len == CHANGELOG_MAX) {
		log_warn("%s: more than %u bytes", path, CHANGELOG_MAX);
		r = -EFBIG;
		goto out;
	}
	buf[len] = '\0';
	*textp = buf;
	*lenp = len;
	buf = NULL;
	r = 0;
out:
	free(buf);
	archive_read_free(a);
	return r;
}
