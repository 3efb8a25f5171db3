/* switchroot: the order matters; see switch_root() and the comments at each
 * step. */
#include "init/switchroot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"
#include "init/sys.h"

/* The kernel's API file systems, moved into the new root in this order. */
static const char *const api_mounts[] = {"/dev", "/proc", "/sys", "/run"};
#define N_API_MOUNTS (sizeof(api_mounts) / sizeof(api_mounts[0]))

int root_open_in(int rootfd, const char *path, int flags, int *fdp)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

	if (fd < 0)
		return -errno;
	*fdp = (int)fd;
	return 0;
}

int switchroot_check_init(const char *newroot, const char *path)
{
	struct stat st;
	int rootfd, fd = -1, r;

	rootfd = open(newroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	if ((r = root_open_in(rootfd, path, O_PATH, &fd)) < 0)
		goto out;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode))
		r = -EISDIR;
	else if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		r = -EACCES;
	else
		r = 0;
out:
	if (fd >= 0)
		close(fd);
	close(rootfd);
	return r;
}

static int delete_keep_first(int r, int e)
{
	return r < 0 ? r : e;
}

int switchroot_delete_tree(int dirfd, dev_t dev, unsigned max_depth)
{
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	/* fdopendir owns the fd it gets; keep the caller's. */
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((de = readdir(d))) {
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = delete_keep_first(r, -errno);
			continue;
		}
		if (st.st_dev != dev)
			continue; /* a mount point: not ours to empty */
		if (S_ISDIR(st.st_mode)) {
			int sub;
			if (max_depth == 0) {
				r = delete_keep_first(r, -ELOOP);
				continue;
			}
			sub = openat(fd, de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);
			if (sub < 0) {
				r = delete_keep_first(r, -errno);
				continue;
			}
			r = delete_keep_first(
			    r, switchroot_delete_tree(sub, dev, max_depth - 1));
			close(sub);
			if (unlinkat(fd, de->d_name, AT_REMOVEDIR) < 0)
				r = delete_keep_first(r, -errno);
		} else if (unlinkat(fd, de->d_name, 0) < 0) {
			r = delete_keep_first(r, -errno);
		}
	}
	closedir(d);
	return r;
}

int switchroot_wipe_rootfs(int rootfd)
{
	struct statfs sfs;
	struct stat st;

	if (fstatfs(rootfd, &sfs) < 0 || fstat(rootfd, &st) < 0)
		return -errno;
	if ((unsigned long)sfs.f_type != RAMFS_MAGIC &&
	    (unsigned long)sfs.f_type != TMPFS_MAGIC)
		return -EPERM;
	return switchroot_delete_tree(rootfd, st.st_dev, 64);
}

/* Puts back the API mounts moved so far (n of them), newest first. */
static void switch_root_undo(const char *newroot, size_t n)
{
	char target[256];

	while (n-- > 0) {
		snprintf(target, sizeof(target), "%s%s", newroot,
			 api_mounts[n]);
		if (sys_move_mount(target, api_mounts[n]) < 0)
			log_err("cannot move %s back to %s", target,
				api_mounts[n]);
	}
}

int switch_root(const struct switch_root_args *a)
{
	char target[256];
	size_t moved = 0;
	int oldroot = -1, r;

	/*
	 * Shared propagation would let MS_MOVE fail (EINVAL) and would copy
	 * our moves into other namespaces: make everything private first.
	 */
	if ((r = sys_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) < 0)
		log_warn_errno(r, "making mounts private");
	for (; moved < N_API_MOUNTS; moved++) {
		const char *m = api_mounts[moved];
		if (snprintf(target, sizeof(target), "%s%s", a->newroot, m) >=
		    (int)sizeof(target)) {
			r = -ENAMETOOLONG;
			goto undo;
		}
		r = sys_mkdir(target, 0755);
		if (r < 0 && r != -EEXIST)
			log_warn_errno(r, "creating %s", target);
		if ((r = sys_move_mount(m, target)) < 0) {
			/* A read-only root without the directory: detach. */
			log_warn_errno(r, "moving %s to %s; detaching it", m,
				       target);
			sys_umount(m, MNT_DETACH);
		}
	}
	oldroot = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (oldroot < 0) {
		r = log_err_errno(-errno, "opening the initramfs root");
		goto undo;
	}
	if ((r = sys_chdir(a->newroot)) < 0) {
		log_err_errno(r, "chdir %s", a->newroot);
		goto undo;
	}
	if ((r = sys_move_mount(".", "/")) < 0) {
		log_err_errno(r, "moving %s onto /", a->newroot);
		sys_chdir("/");
		goto undo;
	}
	if ((r = sys_chroot(".")) < 0 || (r = sys_chdir("/")) < 0) {
		log_err_errno(r, "chroot into the new root");
		goto out;
	}
	/* The initramfs is in RAM for good unless it is emptied. */
	if ((r = sys_ops()->wipe_rootfs(oldroot)) < 0)
		log_warn_errno(r, "emptying the initramfs");
	close(oldroot);
	oldroot = -1;
	if (a->before_exec)
		a->before_exec(a->data);
	r = sys_execv(a->init, a->argv);
	log_err_errno(r, "exec %s", a->init);
	goto out;
undo:
	switch_root_undo(a->newroot, moved);
out:
	if (oldroot >= 0)
		close(oldroot);
	return r;
}
