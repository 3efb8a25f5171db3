/* storage: the builder's part for md RAID and LVM (mdadm, lvm, configs,
 * modules). */
#ifndef SESAME_IMAGE_STORAGE_H
#define SESAME_IMAGE_STORAGE_H

#include <stddef.h>

#include "image/list.h"

struct libdeps;

enum storage_build_mode {
	STORAGE_BUILD_AUTO = 0, /* whatever of mdadm and lvm the host has */
	STORAGE_BUILD_HOSTONLY, /* only what the host's / and /usr sit on */
	STORAGE_BUILD_OFF,	/* --no-storage */
};

struct storage_build_opts {
	enum storage_build_mode mode;
	const char *mdadm_conf; /* NULL: /etc/mdadm/mdadm.conf if any; "none" */
	const char *mdadm;	/* default /sbin/mdadm */
	const char *lvm;	/* default /sbin/lvm */
	/* hostonly detection reads these (tests give a fake tree) */
	const char *mountinfo;	   /* default /proc/self/mountinfo */
	const char *sys_dev_block; /* default /sys/dev/block */
};

/* What a stack of block devices under a mount needs. */
#define STORAGE_NEEDS_MD 0x1
#define STORAGE_NEEDS_LVM 0x2
#define STORAGE_NEEDS_CRYPT 0x4
#define STORAGE_NEEDS_NFS 0x8 /* / or /usr is an NFS mount */

/*
 * The layers under the mounts at / and /usr: each mount's MAJ:MIN from
 * mountinfo, then /sys/dev/block/MAJ:MIN and its slaves/ down to the
 * disks (a partition's through its disk): "md*" is md, a dm device whose
 * dm/uuid starts with LVM- is LVM, CRYPT- is dm-crypt; a mount of type nfs
 * or nfs4 is NFS. *needsp gets STORAGE_NEEDS_* bits.
 */
int storage_detect(const char *mountinfo, const char *sys_dev_block,
		   unsigned *needsp);

/* Adds to mods (room for STORAGE_MODULES_MAX) the modules to ask for. */
#define STORAGE_MODULES_MAX 12
size_t storage_build_modules(const struct storage_build_opts *o,
			     const char **mods);

/*
 * Adds mdadm and lvm (queued in ld for their libraries), /etc/lvm/lvm.conf
 * and the host's mdadm.conf, per the mode. Logs what was left out.
 */
int storage_build_add(const struct storage_build_opts *o, struct image_list *l,
		      struct libdeps *ld);

#endif
