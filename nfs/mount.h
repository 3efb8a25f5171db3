/* nfs mount: the NFS mount itself, run in a child of PID 1 (mount(2) on an
 * NFS server that does not answer blocks for minutes; PID 1 must not). */
#ifndef SESAME_NFS_MOUNT_H
#define SESAME_NFS_MOUNT_H

#include <stddef.h>

#include "nfs/nfsroot.h"

/* The applet's name: /sbin/nfs-mount in the image links to /init. */
#define NFS_MOUNT_APPLET "nfs-mount"
#define NFS_MOUNT_PATH "/sbin/" NFS_MOUNT_APPLET
/* argv: path, target, ro|rw, source, then fstype and data per version. */
#define NFS_MOUNT_ARGV_MAX (4 + 2 * 4 + 1)
#define NFS_MOUNT_DATA_MAX 512

/* What nfs_mount_argv() fills: argv and the strings it points into. */
struct nfs_mount_cmd {
	char *argv[NFS_MOUNT_ARGV_MAX];
	char target[128];
	char src[NFS_PATH_MAX + INET_ADDRSTRLEN + 2];
	char fstype[4][8];
	char data[4][NFS_MOUNT_DATA_MAX];
};

/*
 * The applet's command line for mounting the resolved *nr on target: every
 * version nfs_root_version() lists, in order. ro: mount read-only. 0, or
 * -ENAMETOOLONG / -EINVAL as nfs_root_mount_args().
 */
int nfs_mount_argv(const struct nfs_root *nr, const char *target, int ro,
		   struct nfs_mount_cmd *cmd);

/* mount(2) for the applet; tests replace it. Returns 0 or -errno. */
typedef int (*nfs_mount_fn)(const char *src, const char *target,
			    const char *type, unsigned long flags,
			    const char *data);

/*
 * The applet: tries each version in turn (the next only when the server
 * says it does not speak this one: EPROTONOSUPPORT, EPROTO, or for v4
 * paths the v3 server lacks, ENOENT), logs which one mounted, and returns
 * 0, or the errno of the last attempt (1..255) as the exit status; 2 for a
 * malformed command line. fn NULL: the real mount(2).
 */
int nfs_mount_main(int argc, char **argv, nfs_mount_fn fn);

#endif
