/* fstab: the new root's /etc/fstab, read with bounds to find /usr and other
 * early mounts. */
#ifndef SESAME_INIT_FSTAB_H
#define SESAME_INIT_FSTAB_H

#include <stddef.h>

#define FSTAB_FIELD_MAX 256

struct fstab_entry {
	char spec[FSTAB_FIELD_MAX];
	char file[FSTAB_FIELD_MAX];
	char type[64];
	char opts[FSTAB_FIELD_MAX];
	unsigned freq, passno;
	unsigned line;
};

typedef int (*fstab_entry_fn)(const struct fstab_entry *e, void *data);

/*
 * Calls fn for each well-formed entry of buf (len bytes) in order. Fields
 * per fstab(5): white space separated, '#' lines are comments, "\040"
 * style octal escapes in every field, freq and passno optional (0). A
 * malformed line (too few fields, over-long field, bad number or escape)
 * is logged with its number and skipped. Returns 0, or the first negative
 * value fn returned.
 */
int fstab_parse(const char *buf, size_t len, fstab_entry_fn fn, void *data);

#endif
