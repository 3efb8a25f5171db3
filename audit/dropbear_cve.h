/* dropbear_cve: dropbear's version from its binary, the CVE table, and the
 * distribution changelog that tells about backports. */
#ifndef SESAME_AUDIT_DROPBEAR_CVE_H
#define SESAME_AUDIT_DROPBEAR_CVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Upstream versions are YEAR.N ("2022.83"). */
struct dropbear_version {
	unsigned year, minor;
};

struct dropbear_cve {
	const char *cve;
	struct dropbear_version
	    fixed; /* the first upstream release with the fix */
	const char *what;
};

extern const struct dropbear_cve dropbear_cves[];
extern const size_t dropbear_cves_len;

/*
 * Finds the server banner "SSH-2.0-dropbear_YEAR.N" in a binary's bytes
 * (untrusted: any bytes, any length). -ENOENT when there is none.
 */
int dropbear_find_version(const uint8_t *p, size_t len,
			  struct dropbear_version *v);
int dropbear_version_cmp(const struct dropbear_version *a,
			 const struct dropbear_version *b);

/* True when the changelog text names the CVE (as a whole word). */
bool dropbear_changelog_mentions(const char *text, size_t len, const char *cve);

/* A gzip file decompressed (at most 4 MiB), NUL-terminated. */
int dropbear_read_gzip(const char *path, char **textp, size_t *lenp);

#endif
