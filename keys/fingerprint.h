/* fingerprint: OpenSSH-style SHA256 fingerprints, for `sesame keys show` and
 * the file `sesame build` writes for /init's console. */
#ifndef SESAME_KEYS_FINGERPRINT_H
#define SESAME_KEYS_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

/* "SHA256:" + 43 base64 characters + NUL. */
#define KEYS_FINGERPRINT_MAX 51
/* "16384 SHA256:<43> (ED25519-SK)" + NUL, with room to spare. */
#define KEYS_DESCRIBE_MAX 80

/*
 * The SHA256 fingerprint of a public key blob as ssh-keygen -l prints it:
 * "SHA256:" and the digest in base64 without '=' padding. -ENOBUFS when
 * outlen is too small (out untouched).
 */
int keys_fingerprint_sha256(const uint8_t *blob, size_t len, char *out,
			    size_t outlen);

/*
 * ssh-keygen -l's line without the comment, "256 SHA256:... (ED25519)",
 * for a blob that pubkey_check_blob() accepts.
 */
int keys_describe_blob(const uint8_t *blob, size_t len, char *out,
		       size_t outlen);

/* The same for one "TYPE BASE64 [COMMENT]" line (as in host_keys.pub). */
int keys_describe_line(const char *line, size_t len, char *out, size_t outlen);

/*
 * The fingerprint file `sesame build` puts into the image (keys/fpfile.h):
 * a '#' comment line, then keys_describe_line() of every key line of a
 * host_keys.pub text, each ending in '\n' -- the lines `sesame keys show
 * --fingerprints` prints. malloc'd, NUL-terminated. -EINVAL when a line is
 * not a key this build knows.
 */
int keys_render_fingerprints(const char *text, size_t len, char **outp,
			     size_t *outlenp);

#endif
