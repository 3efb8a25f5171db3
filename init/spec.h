/* spec: device specifications (root=, fstab's first field) and matching them
 * against probed devices. */
#ifndef SESAME_INIT_SPEC_H
#define SESAME_INIT_SPEC_H

#include <stdbool.h>
#include <sys/types.h>

enum spec_kind {
	SPEC_NONE = 0,
	SPEC_UUID,	/* UUID=, /dev/disk/by-uuid/ */
	SPEC_LABEL,	/* LABEL=, /dev/disk/by-label/ */
	SPEC_PARTUUID,	/* PARTUUID=, /dev/disk/by-partuuid/ */
	SPEC_PARTLABEL, /* PARTLABEL=, /dev/disk/by-partlabel/ */
	SPEC_PATH,	/* /dev/..., a bare kernel name ("vda1") */
	SPEC_DEVNUM,	/* MAJOR:MINOR */
	SPEC_NFS,	/* an NFS root (nfs/nfsroot.h); value: root= as given */
};

#define SPEC_VALUE_MAX 256

struct spec {
	enum spec_kind kind;
	char value[SPEC_VALUE_MAX];
	dev_t devnum; /* SPEC_DEVNUM only */
};

/*
 * What a probe learnt about one block device; empty strings when unknown.
 * Filled by blockdev_probe(), compared by spec_match().
 */
struct dev_props {
	char name[32]; /* kernel name: "vda1" */
	char node[64]; /* "/dev/vda1" */
	dev_t devnum;
	char type[32]; /* blkid TYPE: "ext4", "crypto_LUKS", ... */
	char uuid[64];
	char label[256];
	char partuuid[64];
	char partlabel[128];
};

/*
 * Parses a device specification. Forms: UUID=, LABEL=, PARTUUID=,
 * PARTLABEL=, /dev/path (the /dev/disk/by-{uuid,label,partuuid,partlabel}/
 * links are mapped to the tag, since there is no udev to make them),
 * block:/dev/path (dracut), MAJOR:MINOR, and a bare kernel name. Returns
 * -EINVAL for malformed specs, -EOPNOTSUPP for forms we know but do not do
 * (PARTUUID=.../PARTNROFF=, NFS roots). *sp is written only on success.
 */
int spec_parse(const char *s, struct spec *sp);
/* True when the device is the one the spec names. */
bool spec_match(const struct spec *sp, const struct dev_props *p);
/* Writes "UUID=..." (the spec as a user would write it) into buf. */
void spec_format(const struct spec *sp, char *buf, size_t n);

#endif
