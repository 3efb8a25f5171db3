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
#include "keys/pubkey.h"

#define SHA256_LEN 32

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

int keys_log_fingerprints(const char *text, size_t len)
{
	char desc[KEYS_DESCRIBE_MAX];
	size_t pos = 0;
	unsigned lineno = 0;
	int count = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *line = text + pos;

		pos += llen + (nl ? 1 : 0);
		lineno++;
		if (llen == 0 || line[0] == '#')
			continue;
		if (keys_describe_line(line, llen, desc, sizeof(desc)) < 0) {
			log_warn("host key list, line %u: not a public key "
				 "this build knows",
				 lineno);
			continue;
		}
		log_info("ssh host key %s", desc);
		count++;
	}
	return count;
}
