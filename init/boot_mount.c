/* boot_mount: whether to fsck, the file system module, mounting, the new root's
 * fstab: leaf steps on the struct boot they are given, results returned. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"
#include "init/blockdev.h"
#include "init/bootstate.h"
#include "init/child.h"
#include "init/cmdline.h"
#include "init/early.h"
#include "init/emergency.h"
#include "init/fsck.h"
#include "init/fstab.h"
#include "init/hooks.h"
#include "common/loop.h"
#include "init/modqueue.h"
#include "init/mountopt.h"
#include "init/switchroot.h"
#include "init/sys.h"
#include "init/uevent.h"

/* ---- mounting --------------------------------------------------------- */

/* The superblock says e2fsck -p has nothing to do (saves its exec). */
static bool boot_fs_clean(const char *node)
{
	uint8_t sb[FSCK_SB_SIZE];
	ssize_t n;
	int fd = open(node, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = pread(fd, sb, sizeof(sb), FSCK_SB_OFFSET);
	close(fd);
	if (n != (ssize_t)sizeof(sb))
		return false;
	return fsck_ext_clean(sb, sizeof(sb), (uint64_t)time(NULL)) == 1;
}

bool boot_fsck_needed(enum fsck_mode mode, const struct mount_item *it,
		      const char *type)
{
	if (!fsck_wanted(type, mode) || !it->check)
		return false;
	if (mode == FSCK_AUTO && boot_fs_clean(it->dev.node)) {
		log_info("%s (%s) is clean; e2fsck -p would not check it",
			 it->dev.node, type);
		return false;
	}
	if (access(FSCK_PATH, X_OK) < 0) {
		log_warn("%s is not in the image; %s is not checked", FSCK_PATH,
			 it->dev.node);
		return false;
	}
	return true;
}

static bool boot_type_is_virtual(const char *type)
{
	static const char *const virt[] = {"tmpfs", "ramfs", "proc", "sysfs"};

	for (size_t i = 0; i < sizeof(virt) / sizeof(virt[0]); i++)
		if (strcmp(type, virt[i]) == 0)
			return true;
	return false;
}

/* True when /proc/filesystems lists type (a module already provides it). */
static bool boot_fs_known(const char *type)
{
	char *buf = NULL, *line, *save = NULL;
	bool found = false;
	size_t len;

	if (file_read_all("/proc/filesystems", 64u << 10, &buf, &len) < 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *name = strrchr(line, '\t');
		found = strcmp(name ? name + 1 : line, type) == 0;
	}
	free(buf);
	return found;
}

/*
 * A probed device carries a file system of this type: its module
 * ("fs-TYPE", the alias the kernel's request_module() asks modprobe for)
 * is queued for a modprobe child now, so that it is in by the mount,
 * which comes after fsck. Should the mount come first, mount(2) itself
 * asks the kernel to load it (/sbin/modprobe, the same applet).
 */
/* A type blkid reports that a module could mount, not yet in the kernel. */
static bool boot_fs_module_wanted(const char *type)
{
	static const char *const not_fs[] = {
	    "crypto_LUKS",
	    "swap",
	    "iso9660",
	};

	if (!type[0] || strstr(type, "_member")) /* LVM2_, linux_raid_ */
		return false;
	for (size_t i = 0; i < sizeof(not_fs) / sizeof(not_fs[0]); i++)
		if (!strcmp(type, not_fs[i]))
			return false;
	return !boot_fs_known(type);
}

void boot_want_fs_module(const char *type)
{
	char alias[64];

	if (boot_fs_module_wanted(type) &&
	    snprintf(alias, sizeof(alias), "fs-%s", type) < (int)sizeof(alias))
		(void)modqueue_add(alias);
}

bool boot_fs_module_pending(const char *type)
{
	if (!modqueue_busy() || !boot_fs_module_wanted(type))
		return false;
	log_debug("the mount waits for modprobe (file system %s)", type);
	return true;
}

/* Mounts it: root on NEWROOT, the rest at their target inside it. */
int boot_mount_item(struct boot *b, struct mount_item *it)
{
	struct mount_opts mo;
	const char *type = it->fstype[0] ? it->fstype : it->dev.type;
	char target[64];
	int rootfd = -1, fd = -1, r;

	(void)b;

	if ((r = mount_opts_parse(it->opts, it->base_flags, &mo)) < 0)
		return log_err_errno(r, "options of %s", it->target);
	if (strcmp(it->target, "/") == 0) {
		snprintf(target, sizeof(target), "%s", NEWROOT);
	} else {
		/* Resolved inside the new root: its symlinks stay in it. */
		rootfd = open(NEWROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			return -errno;
		r = root_open_in(rootfd, it->target, O_PATH | O_DIRECTORY, &fd);
		close(rootfd);
		if (r < 0)
			return log_err_errno(
			    r, "mount point %s in the new root", it->target);
		snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	}
	log_info("mounting %s on %s (%s, %s%s%s)", it->dev.node, it->target,
		 type, mo.flags & MS_RDONLY ? "ro" : "rw",
		 mo.data[0] ? "," : "", mo.data);
	r = sys_mount(it->dev.node, target, type, mo.flags,
		      mo.data[0] ? mo.data : NULL);
	if (fd >= 0)
		close(fd);
	if (r < 0)
		log_err_errno(r, "mounting %s on %s", it->dev.node, it->target);
	return r;
}

struct mount_item *boot_add_item(struct boot *b, const char *target)
{
	struct mount_item *it;

	for (unsigned i = 0; i < b->n_items; i++)
		if (strcmp(b->items[i].target, target) == 0)
			return NULL;
	if (b->n_items >= ITEMS_MAX) {
		log_warn("too many mounts; %s left to the real system", target);
		return NULL;
	}
	it = &b->items[b->n_items++];
	memset(it, 0, sizeof(*it));
	str_copy(it->target, sizeof(it->target), target);
	return it;
}

static bool boot_wants_target(const struct boot *b, const struct fstab_entry *e)
{
	struct mount_opts mo;

	if (strcmp(e->file, "/usr") == 0)
		return true;
	for (unsigned i = 0; i < b->cfg.n_mounts; i++)
		if (strcmp(e->file, b->cfg.mounts[i]) == 0)
			return true;
	return mount_opts_parse(e->opts, 0, &mo) == 0 && mo.initrd;
}

static int boot_fstab_entry(const struct fstab_entry *e, void *data)
{
	struct boot *b = data;
	struct mount_item *it;
	struct mount_opts mo;
	struct spec sp;
	int r;

	if (!boot_wants_target(b, e) || strcmp(e->file, "/") == 0)
		return 0;
	if (e->file[0] != '/' || mount_opts_parse(e->opts, 0, &mo) < 0) {
		log_warn("fstab line %u (%s): bad mount point or options",
			 e->line, e->file);
		return 0;
	}
	if (!strcmp(e->type, "nfs") || !strcmp(e->type, "nfs4")) {
		char root[SPEC_VALUE_MAX + sizeof(mo.data) + 8],
		    err[NFS_ERR_MAX];
		int n = snprintf(root, sizeof(root), "%s:%s%s%s", e->type,
				 e->spec, mo.data[0] ? ":" : "", mo.data);
		if (n < 0 || (size_t)n >= sizeof(root) ||
		    !(it = boot_add_item(b, e->file)))
			return 0;
		it->spec.kind = SPEC_NFS;
		str_copy(it->spec.value, sizeof(it->spec.value), e->spec);
		it->base_flags = mo.flags;
		it->nofail = mo.nofail;
		if (boot_nfs_item(it, root, NULL, err, sizeof(err)) < 0) {
			log_warn("fstab line %u: %s; left to the real system",
				 e->line, err);
			b->n_items--; /* the item just added */
			return 0;
		}
		log_info("fstab: %s on %s (NFS) will be mounted before the "
			 "switch",
			 e->spec, e->file);
		return 0;
	}
	if (boot_type_is_virtual(e->type)) {
		memset(&sp, 0, sizeof(sp));
		sp.kind = SPEC_PATH;
		str_copy(sp.value, sizeof(sp.value), e->spec);
	} else if ((r = spec_parse(e->spec, &sp)) < 0) {
		log_warn("fstab line %u: %s for %s is not a device we can "
			 "wait for; left to the real system",
			 e->line, e->spec, e->file);
		return 0;
	}
	if (!(it = boot_add_item(b, e->file)))
		return 0;
	it->spec = sp;
	if (strcmp(e->type, "auto") != 0)
		str_copy(it->fstype, sizeof(it->fstype), e->type);
	str_copy(it->opts, sizeof(it->opts), e->opts);
	it->check = e->passno > 0;
	it->nofail = mo.nofail;
	if (boot_type_is_virtual(e->type)) {
		/* Nothing to wait for: the source is just a name. */
		str_copy(it->dev.node, sizeof(it->dev.node), e->spec);
		it->state = ITEM_READY;
	}
	log_info("fstab: %s on %s will be mounted before the switch", e->spec,
		 e->file);
	return 0;
}

void boot_read_fstab(struct boot *b)
{
	char *buf = NULL;
	size_t len;
	int rootfd, fd, r;

	rootfd = open(NEWROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return;
	r = root_open_in(rootfd, "/etc/fstab", O_RDONLY, &fd);
	close(rootfd);
	if (r < 0) {
		log_debug("no /etc/fstab in the new root");
		goto check;
	}
	{
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		r = file_read_all(path, 1u << 20, &buf, &len);
		close(fd);
	}
	if (r < 0) {
		log_warn_errno(r, "reading the new root's /etc/fstab");
		goto check;
	}
	fstab_parse(buf, len, boot_fstab_entry, b);
	free(buf);
check:
	for (unsigned i = 0; i < b->cfg.n_mounts; i++) {
		bool found = false;
		for (unsigned k = 0; k < b->n_items; k++)
			found |=
			    strcmp(b->items[k].target, b->cfg.mounts[i]) == 0;
		if (!found)
			log_warn("sesame.mount=%s: not in the new root's "
				 "/etc/fstab, not mounted",
				 b->cfg.mounts[i]);
	}
}
