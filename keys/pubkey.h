/* pubkey: SSH public key blobs (RFC 4253 6.6, RFC 5656 3.1, RFC 8709) checked
 * by type. */
#ifndef SESAME_KEYS_PUBKEY_H
#define SESAME_KEYS_PUBKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest blob accepted (a 16384-bit RSA key is about 2 KiB). */
#define PUBKEY_BLOB_MAX 4096
/* RSA moduli below this are refused; below PUBKEY_RSA_GOOD_BITS warned. */
#define PUBKEY_RSA_MIN_BITS 2048
#define PUBKEY_RSA_GOOD_BITS 3072
#define PUBKEY_RSA_MAX_BITS 16384

/* What a checked blob is. The strings are static. */
struct pubkey_info {
	const char *type;  /* "ssh-ed25519" */
	const char *label; /* "ED25519", as ssh-keygen -l prints it */
	unsigned bits;
	bool security_key; /* an sk-* (FIDO) key */
};

/*
 * Looks up a key type name of len bytes among those dropbear 2022.83 and
 * sesame accept. Returns 0 and the static name and label, -EPROTONOSUPPORT
 * for names we know and refuse (ssh-dss, certificates), -ENOENT otherwise.
 */
int pubkey_lookup_type(const char *name, size_t len, const char **typep,
		       const char **labelp);

/*
 * Checks a public key blob's structure for its embedded type: exact
 * lengths, curve names matching the type, RSA sizes, no trailing bytes.
 * -EBADMSG for malformed, -EPROTONOSUPPORT for a refused type, -EKEYREJECTED
 * for an RSA key below PUBKEY_RSA_MIN_BITS or above PUBKEY_RSA_MAX_BITS.
 */
int pubkey_check_blob(const uint8_t *blob, size_t len,
		      struct pubkey_info *info);

/*
 * Strict base64 (RFC 4648 4, padded, no whitespace, canonical trailing
 * bits) of len bytes into a malloc'd blob of at most PUBKEY_BLOB_MAX bytes.
 */
int pubkey_decode_base64(const char *b64, size_t len, uint8_t **blobp,
			 size_t *lenp);
/* Base64 of blob into a malloc'd NUL-terminated string. */
int pubkey_encode_base64(const uint8_t *blob, size_t len, char **b64p);

/*
 * Decodes one public key line, "TYPE BASE64 [COMMENT]" (the .pub and
 * known_hosts key form, no options), and checks that the blob's embedded
 * type equals TYPE. Returns the malloc'd blob and its description.
 */
int pubkey_decode_line(const char *line, size_t len, uint8_t **blobp,
		       size_t *lenp, struct pubkey_info *info);

#endif
