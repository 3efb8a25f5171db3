/* list: the image as a list of entries in the kernel's gen_init_cpio format. */
#ifndef SESAME_IMAGE_LIST_H
#define SESAME_IMAGE_LIST_H

#include <stddef.h>
#include <stdio.h>

enum list_type {
	LIST_FILE,
	LIST_DIR,
	LIST_NOD,
	LIST_SLINK,
	LIST_PIPE,
	LIST_SOCK,
};

/*
 * One entry. name is normalised: absolute, no "." or empty components, no
 * trailing slash, never "/" itself. location is the host file (LIST_FILE) or
 * the link target (LIST_SLINK), NULL otherwise.
 */
struct list_entry {
	enum list_type type;
	char *name;
	char *location;
	unsigned mode; /* permission bits only (07777) */
	unsigned uid, gid;
	char dev_type; /* 'c' or 'b' (LIST_NOD) */
	unsigned maj, min;
	size_t seq; /* insertion order; later entries win on a name clash */
	/* Generated content (LIST_FILE with location NULL): the bytes. */
	char *data;
	size_t data_len;
};

struct image_list {
	struct list_entry *v;
	size_t n, cap;
	size_t next_seq;
};

void list_init(struct image_list *l);
void list_free(struct image_list *l);

/* Adds a copy of e (its strings are duplicated; name is normalised). */
int list_add(struct image_list *l, const struct list_entry *e);
/* Adds a file whose content is the given bytes (copied), uid/gid 0. */
int list_add_data(struct image_list *l, const char *name, const void *data,
		  size_t len, unsigned mode);
/*
 * Writes each generated file into dir (created if needed) under a name
 * derived from its content and makes it the entry's location, so the
 * list can be printed and read back.
 */
int list_materialize(struct image_list *l, const char *dir);
/* Shorthands for list_add with uid/gid 0. */
int list_add_dir(struct image_list *l, const char *name, unsigned mode);
int list_add_file(struct image_list *l, const char *name, const char *src,
		  unsigned mode);
int list_add_slink(struct image_list *l, const char *name, const char *target);
int list_add_nod(struct image_list *l, const char *name, unsigned mode,
		 char dev_type, unsigned maj, unsigned min);

/*
 * Parses gen_init_cpio list text (usr/gen_init_cpio.c): `file name location
 * mode uid gid [hardlinks...]`, `dir name mode uid gid`, `nod name mode uid
 * gid c|b maj min`, `slink name target mode uid gid`, `pipe name mode uid
 * gid`, `sock name mode uid gid`; '#' starts a comment line; ${VAR} in a
 * file location is replaced from the environment (unset: empty), as
 * gen_init_cpio does. Hard links become further copies of the file. Errors
 * are logged as "origin:line: ..." and returned as -EINVAL (or -ENOMEM,
 * -ENAMETOOLONG); entries parsed before the bad line stay in l.
 */
int list_parse(struct image_list *l, const char *buf, size_t len,
	       const char *origin);
/* list_parse over a file's contents. */
int list_parse_file(struct image_list *l, const char *path);

/*
 * Puts the list in its final shape: one entry per name (the last added
 * wins; a differing duplicate is logged at debug level), a dir entry (0755)
 * for every missing parent, sorted so that parents precede children and
 * equal inputs give equal order. A name that is both a non-directory and
 * the parent of another entry is an error (-ENOTDIR).
 */
int list_finish(struct image_list *l);

/*
 * Writes one entry as a list line (no newline) into buf. -EINVAL if a name
 * or location cannot be expressed in the format (whitespace, "${", control
 * characters), -ENAMETOOLONG if buf is too small.
 */
int list_format_entry(const struct list_entry *e, char *buf, size_t size);
/* Writes every entry, one per line. */
int list_write(const struct image_list *l, FILE *f);

/* Normalises an image path into out (see struct list_entry); -EINVAL if it
 * is empty, "/", contains ".." or control characters. */
int list_normalize_name(const char *in, char *out, size_t size);

#endif
