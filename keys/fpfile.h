/* fpfile: the host key fingerprint file `sesame build` writes into the image
 * and /init prints (no mbedtls: PID 1 links this part of keys/ alone). */
#ifndef SESAME_KEYS_FPFILE_H
#define SESAME_KEYS_FPFILE_H

#include <stddef.h>

/*
 * The file's name; the builder puts it beside host_keys.pub
 * (KEYS_FINGERPRINTS_IMAGE_PATH in keys/keys.h). One line per host key,
 * exactly as `sesame keys show --fingerprints` prints it ("256 SHA256:<43>
 * (ED25519)"), '#' lines are comments.
 */
#define KEYS_FPFILE_NAME "host_key_fingerprints"
/* The reader refuses bigger files (two keys take about 120 bytes). */
#define KEYS_FPFILE_MAX 4096
/* The longest line the reader prints (KEYS_DESCRIBE_MAX - 1 and room). */
#define KEYS_FPFILE_LINE_MAX 120

/*
 * The path of the fingerprint file beside the file at path (its last
 * component replaced by KEYS_FPFILE_NAME): /init is told where
 * host_keys.pub is and finds the fingerprints next to it. -ENAMETOOLONG
 * when it does not fit in outlen (out untouched).
 */
int keys_fpfile_beside(const char *path, char *out, size_t outlen);

/*
 * Logs (log_info) "ssh host key LINE" for every fingerprint line of text,
 * the contents of the file called name. Lines are untrusted bytes: one
 * longer than KEYS_FPFILE_LINE_MAX or holding anything but printable
 * ASCII is reported as "name:LINENO: ..." (log_warn) and skipped; empty and
 * '#' lines are skipped; a last line without '\n' counts. Returns the number
 * of lines printed (a warning when none).
 */
int keys_fpfile_log_text(const char *name, const char *text, size_t len);

/*
 * keys_fpfile_log_text() for the file at path, read whole up to
 * KEYS_FPFILE_MAX bytes. A negative errno (logged) when it cannot be read
 * or is bigger.
 */
int keys_fpfile_log(const char *path);

#endif
