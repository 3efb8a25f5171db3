/* nfs mount: the nfs-mount applet (tries each NFS version with mount(2)) and
 * the command line PID 1 gives it. */
#include "nfs/mount.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "common/log.h"
#include "common/strutil.h"

int nfs_mount_argv(const struct nfs_root *nr, const char *target, int ro,
		   struct nfs_mount_cmd *cmd)
{
	const char *v, *fstype;
	unsigned n = 0, i;
	int r;

	memset(cmd, 0, sizeof(*cmd));
	if ((r = str_copy(cmd->target, sizeof(cmd->target), target)) < 0)
		return r;
	cmd->argv[n++] = (char *)NFS_MOUNT_PATH;
	cmd->argv[n++] = cmd->target;
	cmd->argv[n++] = (char *)(ro ? "ro" : "rw");
	cmd->argv[n++] = cmd->src;
	for (i = 0; i < 4 && (v = nfs_root_version(nr, i)); i++) {
		if ((r = nfs_root_mount_args(nr, v, cmd->src, sizeof(cmd->src),
					     &fstype, cmd->data[i],
					     sizeof(cmd->data[i]))) < 0)
			return r;
		str_copy(cmd->fstype[i], sizeof(cmd->fstype[i]), fstype);
		cmd->argv[n++] = cmd->fstype[i];
		cmd->argv[n++] = cmd->data[i];
	}
	cmd->argv[n] = NULL;
	return i ? 0 : -EINVAL;
}

static int real_mount(const char *src, const char *target, const char *type,
		      unsigned long flags, const char *data)
{
	return mount(src, target, type, flags, data) < 0 ? -errno : 0;
}

/* The server does not speak this version: try the next one. */
static bool nfs_mount_try_next(int r)
{
	return r == -EPROTONOSUPPORT || r == -EPROTO || r == -ENOENT ||
	       r == -EINVAL;
}

int nfs_mount_main(int argc, char **argv, nfs_mount_fn fn)
{
	unsigned long flags = MS_NOATIME;
	int r = -EINVAL;

	if (!fn)
		fn = real_mount;
	if (argc < 6 || (argc - 4) % 2 != 0 ||
	    (strcmp(argv[2], "ro") && strcmp(argv[2], "rw"))) {
		log_err("usage: %s TARGET ro|rw SOURCE FSTYPE DATA "
			"[FSTYPE DATA]...",
			NFS_MOUNT_APPLET);
		return 2;
	}
	if (!strcmp(argv[2], "ro"))
		flags |= MS_RDONLY;
	for (int i = 4; i + 1 < argc; i += 2) {
		const char *vers = strncmp(argv[i + 1], "vers=", 5)
				       ? "?"
				       : argv[i + 1] + 5;
		int vl = (int)strcspn(vers, ",");
		r = fn(argv[3], argv[1], argv[i], flags, argv[i + 1]);
		if (r == 0) {
			log_info("nfs: mounted %s on %s with NFS v%.*s (%s)",
				 argv[3], argv[1], vl, vers, argv[i + 1]);
			return 0;
		}
		log_warn_errno(r, "nfs: %s with NFS v%.*s", argv[3], vl, vers);
		if (!nfs_mount_try_next(r))
			break;
	}
	return -r > 0 && -r < 256 ? -r : EIO;
}
