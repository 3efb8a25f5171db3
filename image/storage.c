/* storage: mdadm, lvm, lvm.conf, mdadm.conf and the md/dm modules in an image.
 */
#include "image/storage.h"

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"
#include "image/libdeps.h"

#define STORAGE_DEPTH_MAX 16

/*
 * lvm without udev or daemons (lvm.conf(5)): lvm makes the /dev/mapper
 * nodes and /dev/VG/LV links itself, finds PVs by scanning /dev, keeps no
 * metadata backups (there is nowhere to keep them) and starts no monitor.
 */
static const char storage_lvm_conf[] =
    "# lvm.conf of a sesame initramfs: no udev, no daemons.\n"
    "devices {\n"
    "\tobtain_device_list_from_udev = 0\n"
    "\texternal_device_info_source = \"none\"\n"
    "\tuse_devicesfile = 0\n"
    "}\n"
    "activation {\n"
    "\tudev_sync = 0\n"
    "\tudev_rules = 0\n"
    "\tverify_udev_operations = 0\n"
    "\tmonitoring = 0\n"
    "}\n"
    "global {\n"
    "\tuse_lvmlockd = 0\n"
    "\tuse_lvmpolld = 0\n"
    "\tevent_activation = 0\n"
    "}\n"
    "backup {\n"
    "\tbackup = 0\n"
    "\tarchive = 0\n"
    "}\n";

/*
 * Not raid456: loading it benchmarks raid6 and xor at every boot (0.3-2 s
 * under TCG) whether or not an array needs it. The generic set has it;
 * with --no-generic-modules, -m raid456 adds it for RAID4/5/6.
 */
static const char *const storage_md_modules[] = {"md_mod", "raid0", "raid1",
						 "raid10", NULL};
static const char *const storage_dm_modules[] = {"dm_mod", NULL};
/* The kernel's NFS client, for / or /usr on NFS (v4 first, v3 fallback). */
static const char *const storage_nfs_modules[] = {"nfs", "nfsv3", "nfsv4",
						  NULL};

/* ---- host-only detection ---------------------------------------------- */

/* dir's dm/uuid prefix, or "md" name: the layer dir is. */
static unsigned storage_layer(const char *dir)
{
	char path[PATH_MAX + 32], *buf = NULL, *copy, *name;
	unsigned needs = 0;
	size_t len;

	if (!(copy = strdup(dir)))
		return 0;
	name = basename(copy);
	if (!strncmp(name, "md", 2))
		needs |= STORAGE_NEEDS_MD;
	free(copy);
	snprintf(path, sizeof(path), "%s/dm/uuid", dir);
	if (file_read_all(path, 4096, &buf, &len) == 0) {
		if (len >= 4 && !memcmp(buf, "LVM-", 4))
			needs |= STORAGE_NEEDS_LVM;
		if (len >= 6 && !memcmp(buf, "CRYPT-", 6))
			needs |= STORAGE_NEEDS_CRYPT;
		free(buf);
	}
	return needs;
}

static unsigned storage_walk(const char *link, unsigned depth)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct dirent *de;
	unsigned needs;
	DIR *d;

	if (depth > STORAGE_DEPTH_MAX || !realpath(link, dir))
		return 0;
	/* A partition's layers are its disk's. */
	snprintf(path, sizeof(path), "%s/partition", dir);
	if (access(path, F_OK) == 0) {
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir)
			*slash = '\0';
	}
	needs = storage_layer(dir);
	snprintf(path, sizeof(path), "%s/slaves", dir);
	if (!(d = opendir(path)))
		return needs;
	while ((de = readdir(d))) {
		char sub[PATH_MAX + 300];
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		needs |= storage_walk(sub, depth + 1);
	}
	closedir(d);
	return needs;
}

/* MAJ:MIN of the last mountinfo line mounted on target, or -ENOENT. */
/* The file system type of a mountinfo line: the word after " - ". */
static void storage_line_fstype(const char *p, const char *le, char *type,
				size_t tn)
{
	const char *sep = NULL, *w, *we;

	for (const char *q = p; q + 3 <= le; q++)
		if (q[0] == ' ' && q[1] == '-' && q[2] == ' ') {
			sep = q + 3;
			break;
		}
	type[0] = '\0';
	if (!sep)
		return;
	for (w = sep; w < le && *w == ' '; w++)
		;
	for (we = w; we < le && *we != ' '; we++)
		;
	if ((size_t)(we - w) < tn) {
		memcpy(type, w, (size_t)(we - w));
		type[we - w] = '\0';
	}
}

/*
 * MAJ:MIN (into out) and file system type (into type) of the last mount
 * at target in mountinfo (proc(5)); -ENOENT when nothing is mounted there.
 */
static int storage_mount_dev(const char *mountinfo, size_t len,
			     const char *target, char *out, size_t n,
			     char *type, size_t tn)
{
	const char *p = mountinfo, *end = mountinfo + len;
	int r = -ENOENT;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *f[5];
		size_t fl[5];
		unsigned k = 0;
		const char *q = p;
		while (k < 5 && q < le) {
			while (q < le && *q == ' ')
				q++;
			f[k] = q;
			while (q < le && *q != ' ')
				q++;
			fl[k] = (size_t)(q - f[k]);
			if (fl[k])
				k++;
		}
		if (k == 5 && fl[4] == strlen(target) &&
		    !memcmp(f[4], target, fl[4]) && fl[2] < n) {
			memcpy(out, f[2], fl[2]);
			out[fl[2]] = '\0';
			storage_line_fstype(p, le, type, tn);
			r = 0;
		}
		p = le + 1;
	}
	return r;
}

int storage_detect(const char *mountinfo, const char *sys_dev_block,
		   unsigned *needsp)
{
	static const char *const targets[] = {"/", "/usr"};
	char *buf = NULL, dev[64], link[PATH_MAX], type[32];
	unsigned needs = 0;
	size_t len;
	int r;

	if ((r = file_read_all(mountinfo, 1u << 22, &buf, &len)) < 0)
		return r;
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		if (storage_mount_dev(buf, len, targets[i], dev, sizeof(dev),
				      type, sizeof(type)) < 0)
			continue;
		if (!strcmp(type, "nfs") || !strcmp(type, "nfs4")) {
			needs |= STORAGE_NEEDS_NFS;
			continue;
		}
		if (snprintf(link, sizeof(link), "%s/%s", sys_dev_block, dev) >=
		    (int)sizeof(link))
			continue;
		needs |= storage_walk(link, 0);
	}
	free(buf);
	*needsp = needs;
	return 0;
}

/* ---- the plan --------------------------------------------------------- */

static const char *storage_mdadm(const struct storage_build_opts *o)
{
	return o->mdadm ? o->mdadm : "/sbin/mdadm";
}

static const char *storage_lvm(const struct storage_build_opts *o)
{
	return o->lvm ? o->lvm : "/sbin/lvm";
}

/* STORAGE_NEEDS_MD / _LVM: what goes in. Logged once per build. */
static unsigned storage_plan(const struct storage_build_opts *o)
{
	static const struct storage_build_opts *done;
	static unsigned plan;
	bool md = access(storage_mdadm(o), X_OK) == 0;
	bool lvm = access(storage_lvm(o), X_OK) == 0;
	unsigned needs = 0;
	int r;

	if (done == o)
		return plan;
	done = o;
	plan = 0;
	switch (o->mode) {
	case STORAGE_BUILD_OFF:
		return plan;
	case STORAGE_BUILD_AUTO:
		plan =
		    (md ? STORAGE_NEEDS_MD : 0) | (lvm ? STORAGE_NEEDS_LVM : 0);
		if (!md)
			log_debug("no %s: the image assembles no md RAID",
				  storage_mdadm(o));
		if (!lvm)
			log_debug("no %s: the image activates no LVM",
				  storage_lvm(o));
		return plan;
	case STORAGE_BUILD_HOSTONLY:
		break;
	}
	r = storage_detect(
	    o->mountinfo ? o->mountinfo : "/proc/self/mountinfo",
	    o->sys_dev_block ? o->sys_dev_block : "/sys/dev/block", &needs);
	if (r < 0) {
		log_warn_errno(r, "--hostonly: cannot tell what / sits on; "
				  "adding mdadm and lvm as the host has them");
		needs = STORAGE_NEEDS_MD | STORAGE_NEEDS_LVM;
	}
	if ((needs & STORAGE_NEEDS_MD) && !md)
		log_warn("--hostonly: / needs md RAID but %s is missing",
			 storage_mdadm(o));
	if ((needs & STORAGE_NEEDS_LVM) && !lvm)
		log_warn("--hostonly: / needs LVM but %s is missing",
			 storage_lvm(o));
	plan = needs & ((md ? STORAGE_NEEDS_MD : 0) |
			(lvm ? STORAGE_NEEDS_LVM : 0) | STORAGE_NEEDS_NFS);
	log_info("--hostonly: storage for / and /usr:%s%s%s%s",
		 plan & STORAGE_NEEDS_MD ? " md RAID" : "",
		 plan & STORAGE_NEEDS_LVM ? " LVM" : "",
		 plan & STORAGE_NEEDS_NFS ? " NFS (the kernel's client)" : "",
		 plan ? "" : " none (plain disks)");
	return plan;
}

size_t storage_build_modules(const struct storage_build_opts *o,
			     const char **mods)
{
	unsigned plan = storage_plan(o);
	size_t n = 0;

	for (size_t i = 0; (plan & STORAGE_NEEDS_MD) && storage_md_modules[i];
	     i++)
		mods[n++] = storage_md_modules[i];
	for (size_t i = 0; (plan & STORAGE_NEEDS_LVM) && storage_dm_modules[i];
	     i++)
		mods[n++] = storage_dm_modules[i];
	for (size_t i = 0;
	     (plan & STORAGE_NEEDS_NFS) && storage_nfs_modules[i]; i++)
		mods[n++] = storage_nfs_modules[i];
	return n;
}

static int storage_add_prog(struct image_list *l, struct libdeps *ld,
			    const char *src, const char *dest)
{
	int r;

	if ((r = libdeps_add_binary(ld, src)) < 0)
		return r; /* libdeps names the file */
	if ((r = list_add_file(l, dest, src, 0755)) < 0)
		return log_err_errno(r, "%s", src);
	return 0;
}

int storage_build_add(const struct storage_build_opts *o, struct image_list *l,
		      struct libdeps *ld)
{
	unsigned plan = storage_plan(o);
	const char *conf = o->mdadm_conf;
	int r;

	if (plan & STORAGE_NEEDS_MD) {
		if ((r = storage_add_prog(l, ld, storage_mdadm(o),
					  "/sbin/mdadm")) < 0)
			return r;
		if (!conf && access("/etc/mdadm/mdadm.conf", R_OK) == 0)
			conf = "/etc/mdadm/mdadm.conf";
		if (conf && strcmp(conf, "none") != 0) {
			if (access(conf, R_OK) < 0)
				return log_err_errno(-errno, "--mdadm-conf %s",
						     conf);
			if ((r = list_add_file(l, "/etc/mdadm/mdadm.conf", conf,
					       0644)) < 0)
				return r;
		}
	}
	if (plan & STORAGE_NEEDS_LVM) {
		if ((r = storage_add_prog(l, ld, storage_lvm(o), "/sbin/lvm")) <
		    0)
			return r;
		if ((r = list_add_data(l, "/etc/lvm/lvm.conf", storage_lvm_conf,
				       sizeof(storage_lvm_conf) - 1, 0644)) < 0)
			return r;
	}
	return 0;
}
