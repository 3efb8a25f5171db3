/* mountopt: "defaults,noatime,subvol=x" to mount(2) flags plus the file
 * system's data string. */
#ifndef SESAME_INIT_MOUNTOPT_H
#define SESAME_INIT_MOUNTOPT_H

#include <stdbool.h>
#include <stddef.h>

struct mount_opts {
	unsigned long flags; /* MS_* */
	char data[512];	     /* options mount(2) passes to the file system */
	bool initrd;	     /* x-initrd.mount: mount it before the switch */
	bool nofail;
};

/*
 * Parses a comma-separated option list (fstab(5), mount(8)) on top of
 * flags. Flag words become MS_ bits, fstab-only words (noauto, nofail,
 * user, _netdev, x-*, comment=...) are dropped, everything else is kept
 * for the file system. Empty words are skipped. -EINVAL for control
 * characters, -ENAMETOOLONG when the data does not fit. *mo is written
 * only on success.
 */
int mount_opts_parse(const char *opts, unsigned long flags,
		     struct mount_opts *mo);

#endif
