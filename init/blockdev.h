/* blockdev: the block devices seen so far, probed with libblkid, and dispatch
 * on their type. */
#ifndef SESAME_INIT_BLOCKDEV_H
#define SESAME_INIT_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>

#include "init/spec.h"

#define BLOCKDEV_MAX 128

struct blockdev_table {
	struct dev_props devs[BLOCKDEV_MAX];
	unsigned n;
};

/*
 * Probes node with libblkid (superblocks: TYPE, UUID, LABEL; partitions:
 * PART_ENTRY_UUID, PART_ENTRY_NAME) into p, keeping p's name, node and
 * devnum. A device with nothing recognisable is success with empty type.
 */
int blockdev_probe(const char *node, struct dev_props *p);

/* Adds p, or replaces the entry with the same name (a "change" re-probe). */
int blockdev_table_put(struct blockdev_table *t, const struct dev_props *p);
void blockdev_table_remove(struct blockdev_table *t, const char *name);
/* The first device the spec names, or NULL. */
const struct dev_props *blockdev_table_find(const struct blockdev_table *t,
					    const struct spec *sp);
/*
 * "vda (ext4 UUID=... LABEL=...), vdb (no file system)" into buf, for the
 * emergency message; "none" when empty. Truncates with "...".
 */
void blockdev_table_describe(const struct blockdev_table *t, char *buf,
			     size_t n);

/*
 * What to do with a probed device, chosen by its blkid TYPE. Storage code
 * (md, LUKS, LVM) registers a handler for its type; anything without one
 * is a file system, a candidate for root and the other mounts.
 */
typedef int (*blockdev_type_fn)(const struct dev_props *p, void *data);
int blockdev_handler_register(const char *type, blockdev_type_fn fn,
			      void *data);
/* Runs the handler for p->type: 1 if one took it, 0 if none, or its error. */
int blockdev_dispatch(const struct dev_props *p);

#endif
