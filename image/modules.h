/* modules: kernel modules for the image, resolved with libkmod. */
#ifndef SESAME_IMAGE_MODULES_H
#define SESAME_IMAGE_MODULES_H

#include <stddef.h>

#include "image/list.h"

struct modules_req {
	const char *dir;	  /* moddir/kver: the tree to read */
	const char *kver;	  /* for the paths inside the image */
	const char *fwdir;	  /* host firmware, e.g. /lib/firmware */
	const char *const *names; /* explicit: unknown is an error */
	size_t n_names;
	const char *const *generic; /* best effort: unknown is skipped */
	size_t n_generic;
	/*
	 * Best effort and not loaded at boot: in the image for coldplug by
	 * MODALIAS, init's file system preload and the kernel's
	 * request_module() (the generic hardware + file system set).
	 */
	const char *const *avail;
	size_t n_avail;
	const char *const *omit; /* never requested (deps still pulled) */
	size_t n_omit;
};

/* The generic storage + network set (NULL-terminated). */
extern const char *const modules_generic_set[];

/*
 * Adds the requested modules with their dependencies and softdeps, the
 * firmware they name (missing firmware is a warning), trimmed index files
 * under /lib/modules/KVER (modules.dep, .alias, .softdep, .symbols,
 * .order, .devname as text and .bin; modules.builtin* copied whole) and
 * /etc/sesame/modules: the names and generic modules with what they need,
 * in load order (not the avail ones, unless something forced needs them).
 * Built-in modules are skipped. -ENOENT for an unknown explicit module or an
 * unreadable tree.
 */
int modules_add(struct image_list *l, const struct modules_req *req);

/*
 * Writes a kmod binary index (the trie format of modules.*.bin) for
 * n (key, value, priority) triples; keys must be 7-bit ASCII. Exposed for
 * tests: libkmod reads the result.
 */
struct modindex_item {
	const char *key;
	const char *value;
	unsigned priority;
};
int modindex_build(const struct modindex_item *items, size_t n, char **bufp,
		   size_t *lenp);

#endif
