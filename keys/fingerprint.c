/* fingerprint: SHA256 over the public key blob, base64 without padding (as
 * OpenSSH's sshkey_fingerprint). */
#include "keys/fingerprint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/base64.h>
#include <mbedtls/sha256.h>

#include "common/log.h"
#include "keys/fpfile.h"
#include "keys/pubkey.h"

#define SHA256_LEN 32

/* /init prints every line keys_render_fingerprints() makes. */
_Static_assert(
    KEYS_DESCRIBE_MAX - 1 <= KEYS_FPFILE_LINE_MAX,
    "a description is longer than the fingerprint file reader takes");

static const char fpfile_header[] =
    "# SHA256 fingerprints of this image's SSH host keys (sesame build);\n"
    "# /init prints them at boot, `sesame keys show --fingerprints` too\n";

int keys_fingerprint_sha256(const uint8_t *blob, size_t len, char *out,
			    size_t outlen)
{
	uint8_t digest[SHA256_LEN];
	unsigned char b64[48];
	size_t olen = 0;
	int n;

	if (mbedtls_sha256_ret(blob, len, digest, 0) != 0)
		return -EIO;
	if (mbedtls_base64_encode(b64, sizeof(b64), &olen, digest,
				  sizeof(digest)) != 0)
		return -EIO;
	while (olen > 0 && b64[olen - 1] == '=')
		olen--;
	b64[olen] = '\0';
	n = snprintf(NULL, 0, "SHA256:%s", (const char *)b64);
	if (n < 0 || (size_t)n >= outlen)
		return -ENOBUFS;
	snprintf(out, outlen, "SHA256:%s", (const char *)b64);
	return 0;
}

int keys_describe_blob(const uint8_t *blob, size_t len, char *out,
		       size_t outlen)
{
	char fp[KEYS_FINGERPRINT_MAX];
	struct pubkey_info info;
	int r, n;

	if ((r = pubkey_check_blob(blob, len, &info)) < 0)
		return r;
	if ((r = keys_fingerprint_sha256(blob, len, fp, sizeof(fp))) < 0)
		return r;
	n = snprintf(NULL, 0, "%u %s (%s)", info.bits, fp, info.label);
	if (n < 0 || (size_t)n >= outlen)
		return -ENOBUFS;
	snprintf(out, outlen, "%u %s (%s)", info.bits, fp, info.label);
	return 0;
}

int keys_describe_line(const char *line, size_t len, char *out, size_t outlen)
{
	struct pubkey_info info;
	uint8_t *blob = NULL;
	size_t bloblen;
	int r;

	if ((r = pubkey_decode_line(line, len, &blob, &bloblen, &info)) < 0)
		return r;
	r = keys_describe_blob(blob, bloblen, out, outlen);
	free(blob);
	return r;
}

int keys_render_fingerprints(const char *text, size_t len, char **outp,
			     size_t *outlenp)
{
	char desc[KEYS_DESCRIBE_MAX];
	char *out = NULL;
	size_t pos = 0, olen, cap;
	unsigned lineno = 0;
	int r;

	/* Every key line is at least a type and a blob, so at most one
	 * description per two input bytes; bounded by the input anyway. */
	cap = sizeof(fpfile_header) + (len / 2 + 1) * sizeof(desc);
	if (!(out = malloc(cap)))
		return -ENOMEM;
	memcpy(out, fpfile_header, sizeof(fpfile_header) - 1);
	olen = sizeof(fpfile_header) - 1;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos, dlen;

		pos += llen + (nl ? 1 : 0);
		lineno++;
		if (llen == 0 || line[0] == '#')
			continue;
		if ((r = keys_describe_line(line, llen, desc, sizeof(desc))) <
		    0) {
			log_err("host key list, line %u: not a public key "
				"this build knows",
				lineno);
			r = -EINVAL;
			goto out;
		}
		dlen = strlen(desc);
		if (cap - olen < dlen + 2) {
			r = -ENOBUFS; /* cannot happen: cap holds every line */
			goto out;
		}
		memcpy(out + olen, desc, dlen);
		olen += dlen;
		out[olen++] = '\n';
	}
	out[olen] = '\0';
	*outp = out;
	*outlenp = olen;
	out = NULL;
	r = 0;
out:
	free(out);
	return r;
}
