/* parse: bounded parsers for what the storage hook reads from mdadm, lvm and
 * the boot parameters (all untrusted: names come from on-disk metadata). */
#ifndef SESAME_STORAGE_PARSE_H
#define SESAME_STORAGE_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* An md array UUID as 32 lower-case hex digits (and a NUL). */
#define STORAGE_UUID_LEN 32
#define STORAGE_KEY_MAX 64
#define STORAGE_VALUE_MAX 256
#define STORAGE_PAIRS_MAX 8
/* lvm(8): VG and LV names are at most 127 characters. */
#define STORAGE_LVM_NAME_MAX 128

/*
 * An md UUID in any of the spellings users and tools write: mdadm's
 * "0123abcd:4567...:...:..." (rd.md.uuid=, mdadm.conf), blkid's
 * "0123abcd-4567-...", or bare hex. Exactly 32 hex digits with ':', '-'
 * or '.' between them; -EINVAL otherwise. out is written only on success.
 */
int storage_md_uuid_normalize(const char *s, size_t len,
			      char out[STORAGE_UUID_LEN + 1]);

/* One line of KEY=VALUE pairs. */
struct storage_kvline {
	unsigned n;
	struct {
		char key[STORAGE_KEY_MAX];
		char value[STORAGE_VALUE_MAX];
	} kv[STORAGE_PAIRS_MAX];
};

enum storage_kv_format {
	/* mdadm --export: one KEY=VALUE a line, the value unquoted. */
	STORAGE_KV_EXPORT,
	/* lvm --nameprefixes --noheadings: KEY='VALUE' pairs a line, spaces
	 * before and between. */
	STORAGE_KV_NAMEPREFIXES,
};

typedef int (*storage_kv_fn)(const struct storage_kvline *line, void *data);

/*
 * Calls fn for every non-empty line of buf (len bytes; need not end in a
 * newline or a NUL). Keys are [A-Za-z0-9_]; values hold no control
 * characters (and, quoted, no quote). A malformed line, a key or value
 * too long or a line with more than STORAGE_PAIRS_MAX pairs ends the
 * parse with -EBADMSG (lines before it were given to fn); a negative
 * return of fn ends it with that.
 */
int storage_kv_parse(const char *buf, size_t len, enum storage_kv_format f,
		     storage_kv_fn fn, void *data);
/* The value of key in line, or NULL. */
const char *storage_kv_get(const struct storage_kvline *line, const char *key);

/*
 * A VG or LV name lvm accepts (lvm(8) "VALID NAMES"): 1..127 of
 * [A-Za-z0-9+_.-], not starting with '-', not "." or "..". Names are put
 * in lvm's argv; one starting with '-' would be an option.
 */
bool storage_lvm_name_ok(const char *s);

/* rd.lvm.lv=VG/LV into vg and lv (each STORAGE_LVM_NAME_MAX); -EINVAL. */
int storage_parse_lv_param(const char *s, char *vg, char *lv);

/* One ARRAY line of mdadm.conf(5). */
struct storage_md_conf_array {
	char devname[64];		 /* "/dev/md/0", "<ignore>" */
	char uuid[STORAGE_UUID_LEN + 1]; /* "" when not given */
	char name[STORAGE_VALUE_MAX];	 /* name= ("host:0"), or "" */
};

typedef int (*storage_md_conf_fn)(const struct storage_md_conf_array *a,
				  void *data);

/*
 * The ARRAY lines of an mdadm.conf (mdadm.conf(5): '#' comments, a line
 * starting with white space continues the previous one, words are
 * separated by white space; other keywords are skipped). fn gets each
 * array that has a device name; a malformed UUID= or an over-long word
 * skips that array (counted in *badp when badp is given). Returns the
 * number of arrays given to fn, or fn's negative return.
 */
int storage_md_conf_parse(const char *buf, size_t len, storage_md_conf_fn fn,
			  void *data, unsigned *badp);

#endif
