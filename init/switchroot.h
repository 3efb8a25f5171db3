/* switchroot: checks the new init, moves the API mounts, wipes the initramfs,
 * execs. */
#ifndef SESAME_INIT_SWITCHROOT_H
#define SESAME_INIT_SWITCHROOT_H

#include <sys/types.h>

/*
 * Opens path inside the tree at rootfd the way a process chrooted there
 * would see it: symlinks (absolute or relative) and ".." resolve within
 * rootfd and never above it (openat2 RESOLVE_IN_ROOT).
 */
int root_open_in(int rootfd, const char *path, int flags, int *fdp);

/*
 * 0 when path, resolved inside newroot, is a regular file with an execute
 * bit: -ENOENT if missing, -EISDIR/-EACCES if not a runnable file.
 */
int switchroot_check_init(const char *newroot, const char *path);

/*
 * Deletes everything under the directory dirfd (not dirfd itself), depth
 * first, without following symlinks and without entering a directory whose
 * st_dev differs from dev (another mount). Keeps going after errors;
 * returns 0 or the first negative errno met. max_depth bounds recursion.
 */
int switchroot_delete_tree(int dirfd, dev_t dev, unsigned max_depth);

/*
 * The wipe of the old root: refuses (-EPERM) unless rootfd is on ramfs or
 * tmpfs, so a wrong call can never empty a disk.
 */
int switchroot_wipe_rootfs(int rootfd);

struct switch_root_args {
	const char *newroot; /* "/newroot", a mount point */
	const char *init;    /* path inside the new root, already checked */
	char *const *argv;   /* argv[0] is init */
	/* Runs after the wipe, right before exec (the timing line). */
	void (*before_exec)(void *data);
	void *data;
};

/*
 * Makes mounts private, moves /dev /proc /sys /run into newroot, moves
 * newroot onto /, chroots into it, wipes the initramfs and execs init. All
 * through the sys_* seams. Returns only on failure; before the move of
 * newroot it puts the API mounts back, so the caller can still use them.
 */
int switch_root(const struct switch_root_args *a);

#endif
