/* dropbear_cve: dropbear's version from its binary, the CVE table, and the
 * distribution changelog that tells about backports. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit/dropbear_cve.h"
#include "audit/unpack.h"
#include "common/fileio.h"
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
	char *gz = NULL;
	uint8_t *text = NULL;
	size_t gzlen, len;
	int r;

	/* (under CHANGELOG_MAX bytes either way, as a changelog is) */
	if ((r = file_read_all(path, CHANGELOG_MAX - 1, &gz, &gzlen)) < 0 ||
	    (r = audit_unpack((const uint8_t *)gz, gzlen, CHANGELOG_MAX - 1,
			      &text, &len)) < 0) {
		log_warn("%s: %s", path,
			 r == -EFBIG ? "more than 4 MiB" : strerror(-r));
		free(gz);
		return r;
	}
	free(gz);
	*textp = (char *)text;
	*lenp = len;
	return 0;
}
