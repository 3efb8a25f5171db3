/* blkprobe: one block device through libblkid; runs in sesame-probe, never
 * in PID 1. */
#include <blkid.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/strutil.h"
#include "init/blockdev.h"

struct probe_value {
	const char *name;
	size_t off, size;
};

#define PROBE_FIELD(n, f)                                                      \
	{                                                                      \
		n, offsetof(struct dev_props, f),                              \
		    sizeof(((struct dev_props *)0)->f)                         \
	}

static const struct probe_value probe_values[] = {
    PROBE_FIELD("TYPE", type),
    PROBE_FIELD("UUID", uuid),
    PROBE_FIELD("LABEL", label),
    PROBE_FIELD("PART_ENTRY_UUID", partuuid),
    PROBE_FIELD("PART_ENTRY_NAME", partlabel),
};

/*
 * Probers we skip: the biggest readers (measured on a 64 MiB ext4 image:
 * zfs_member 916 KiB, xfs_external_log 148 KiB of peak RSS), for things
 * that can never be a root here (no zfs module or zpool; a log device).
 */
static const char *const blockdev_skip[] = {"zfs_member", "xfs_external_log",
					    NULL};

int blockdev_probe(const char *node, struct dev_props *p)
{
	struct dev_props t = *p;
	blkid_probe pr;
	int r;

	pr = blkid_new_probe_from_filename(node);
	if (!pr)
		return errno ? -errno : -EIO;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(
	    pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL);
	blkid_probe_filter_superblocks_type(pr, BLKID_FLTR_NOTIN,
					    (char **)(uintptr_t)blockdev_skip);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	r = blkid_do_safeprobe(pr);
	if (r < 0) {
		/* -2: ambiguous (two signatures); refusing is blkid's advice.
		 */
		r = r == -2 ? -ENOTUNIQ : -EIO;
		goto out;
	}
	for (size_t i = 0; i < sizeof(probe_values) / sizeof(probe_values[0]);
	     i++) {
		const char *v;
		size_t len;
		char *dst = (char *)&t + probe_values[i].off;
		if (blkid_probe_lookup_value(pr, probe_values[i].name, &v,
					     &len) < 0)
			continue;
		/* A label too long for us is dropped, never cut short. */
		if (str_copy(dst, probe_values[i].size, v) < 0)
			dst[0] = '\0';
	}
	*p = t;
	r = 0;
out:
	blkid_free_probe(pr);
	return r;
}
