/* check_host: the image file, its directory and /boot on the host. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "common/fileio.h"
#include "common/strutil.h"
#include "image/imgread.h"

/* Initramfs images are tens of MiB; bigger files in /boot are not ours. */
#define BOOT_IMAGE_MAX (512u << 20)

int audit_host_path(const struct audit_inputs *in, const char *path, char *buf,
		    size_t size)
{
	const char *root = in->host_root ? in->host_root : "";

	if (!strcmp(root, "/"))
		root = "";
	if (snprintf(buf, size, "%s%s", root, path) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

static void host_check_dir(const char *dir, struct audit_report *r)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		return;
	if (st.st_uid != 0)
		audit_add(r, "image-dir", dir, "owned by uid %u",
			  (unsigned)st.st_uid);
	else if ((st.st_mode & 0022) && !(st.st_mode & S_ISVTX))
		audit_add(r, "image-dir", dir,
			  "mode %04o: writable by group or others",
			  (unsigned)(st.st_mode & 07777));
}

static void host_parent(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(buf, size, ".");
	else if (slash == path)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

/* True when an image's entries include sesame's host keys or config. */
struct boot_scan {
	bool ours;
};

static int boot_scan_entry(const struct newc_entry *e, void *arg)
{
	struct boot_scan *s = arg;
	static const char *const marks[] = {"etc/sesame/", "etc/dropbear/"};

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		const char *m = strstr(e->name, marks[i]);
		if (m && (m == e->name || m[-1] == '/'))
			s->ours = true;
	}
	return 0;
}

static bool boot_file_is_sesame(const char *path)
{
	struct imgread_ops ops = {.entry = boot_scan_entry};
	struct boot_scan s = {false};
	char *buf = NULL;
	size_t len;

	if (file_read_all(path, BOOT_IMAGE_MAX, &buf, &len) < 0)
		return false;
	(void)imgread_walk((const uint8_t *)buf, len, path, &ops, &s);
	free(buf);
	return s.ours;
}

/* Copies of sesame images in /boot (initrd*, initramfs*) readable by others. */
static void host_check_boot_copies(const struct audit_inputs *in,
				   struct audit_report *r)
{
	char boot[PATH_MAX], path[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	if (audit_host_path(in, "/boot", boot, sizeof(boot)) < 0 ||
	    !(dir = opendir(boot)))
		return;
	while ((d = readdir(dir))) {
		struct stat st;
		if (!str_startswith(d->d_name, "initrd") &&
		    !str_startswith(d->d_name, "initramfs"))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", boot, d->d_name) >=
			(int)sizeof(path) ||
		    lstat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
		    !(st.st_mode & 0044))
			continue;
		if (in->image_path) {
			struct stat ist;
			if (stat(in->image_path, &ist) == 0 &&
			    ist.st_dev == st.st_dev && ist.st_ino == st.st_ino)
				continue; /* image-mode reports it */
		}
		if (boot_file_is_sesame(path))
			audit_add(r, "boot-image-readable", path,
				  "mode %04o: a sesame image readable by "
				  "group or others",
				  (unsigned)(st.st_mode & 07777));
	}
	closedir(dir);
}

/*
 * /proc/self/mountinfo (proc(5)): the mount point is field 5, and after
 * the " - " separator come the type, the source and the super options.
 */
static void host_check_boot_fs(const struct audit_inputs *in,
			       struct audit_report *r)
{
	static const char *const fat[] = {"vfat", "msdos", "exfat"};
	char path[PATH_MAX];
	char *buf = NULL, *line, *save = NULL;
	size_t len;

	if (audit_host_path(in, "/proc/self/mountinfo", path, sizeof(path)) <
		0 ||
	    file_read_all(path, 1u << 20, &buf, &len) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char mnt[256], type[32], opts[512];
		const char *sep = strstr(line, " - ");
		const char *m;
		bool isfat = false;
		if (!sep || sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1 ||
		    sscanf(sep + 3, "%31s %*s %511s", type, opts) != 2)
			continue;
		if (strcmp(mnt, "/boot") && strcmp(mnt, "/boot/efi"))
			continue;
		for (size_t i = 0; i < sizeof(fat) / sizeof(fat[0]); i++)
			isfat |= !strcmp(type, fat[i]);
		if (!isfat)
			continue;
		/* No fmask/umask shown means the process umask of mount. */
		m = strstr(opts, "fmask=");
		if (!m)
			m = strstr(opts, "umask=");
		unsigned long mask =
		    m ? strtoul(strchr(m, '=') + 1, NULL, 8) : 0022;
		if (!(mask & 0004))
			audit_add(r, "boot-fs-mode", mnt,
				  "%s mounted with %s: every file readable "
				  "by all users",
				  type,
				  m ? "a mask that lets others read"
				    : "no fmask");
	}
	free(buf);
}

void audit_check_image_file(const struct audit_inputs *in,
			    struct audit_report *r)
{
	char dir[PATH_MAX];
	struct stat st;

	if (in->image_path && stat(in->image_path, &st) == 0) {
		if (st.st_mode & 0077)
			audit_add(r, "image-mode", in->image_path,
				  "mode %04o: readable or writable by group or "
				  "others",
				  (unsigned)(st.st_mode & 07777));
		if (st.st_uid != 0)
			audit_add(r, "image-owner", in->image_path,
				  "owned by uid %u", (unsigned)st.st_uid);
		host_parent(in->image_path, dir, sizeof(dir));
		host_check_dir(dir, r);
	} else if (in->output_dir) {
		host_check_dir(in->output_dir, r);
	}
	host_check_boot_fs(in, r);
	host_check_boot_copies(in, r);
}
