/* spec: parses device specifications and matches them against probed devices.
 */
#include "init/spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/strutil.h"

struct spec_prefix {
	const char *prefix;
	enum spec_kind kind;
};

/* Tag forms first, then the udev links a user may have copied from fstab. */
static const struct spec_prefix spec_prefixes[] = {
    {"UUID=", SPEC_UUID},
    {"LABEL=", SPEC_LABEL},
    {"PARTUUID=", SPEC_PARTUUID},
    {"PARTLABEL=", SPEC_PARTLABEL},
    {"/dev/disk/by-uuid/", SPEC_UUID},
    {"/dev/disk/by-label/", SPEC_LABEL},
    {"/dev/disk/by-partuuid/", SPEC_PARTUUID},
    {"/dev/disk/by-partlabel/", SPEC_PARTLABEL},
};

static bool spec_is_hexid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s >= '0' && *s <= '9') && !(*s >= 'a' && *s <= 'f') &&
		    !(*s >= 'A' && *s <= 'F') && *s != '-')
			return false;
	return true;
}

static bool spec_has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* A path under /dev with no "." or ".." component and no empty one. */
static bool spec_is_devpath(const char *s)
{
	const char *c;

	if (!str_startswith(s, "/dev/") || !s[5])
		return false;
	for (c = s + 5; *c;) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (*c == '/')
			c++;
		if (!*c && c[-1] == '/')
			return false;
	}
	return true;
}

static int spec_parse_devnum(const char *s, dev_t *dp)
{
	const char *colon = strchr(s, ':');
	uint64_t maj, min;

	if (!colon)
		return -EINVAL;
	if (strn_to_u64(s, (size_t)(colon - s), 10, 0xfff, &maj) < 0 ||
	    str_to_u64(colon + 1, 10, 0xfffff, &min) < 0)
		return -EINVAL;
	*dp = makedev((unsigned)maj, (unsigned)min);
	return 0;
}

int spec_parse(const char *s, struct spec *sp)
{
	struct spec t;
	size_t i;

	memset(&t, 0, sizeof(t));
	if (!*s || spec_has_ctl(s))
		return -EINVAL;
	if (str_startswith(s, "block:"))
		s += 6;
	if (str_startswith(s, "nfs:") || str_startswith(s, "nfs4:") ||
	    strcmp(s, "/dev/nfs") == 0)
		return -EOPNOTSUPP;
	for (i = 0; i < sizeof(spec_prefixes) / sizeof(spec_prefixes[0]); i++) {
		const char *v;
		if (!str_startswith(s, spec_prefixes[i].prefix))
			continue;
		v = s + strlen(spec_prefixes[i].prefix);
		t.kind = spec_prefixes[i].kind;
		if (!*v)
			return -EINVAL;
		/* The kernel's PARTUUID=<id>/PARTNROFF=<n>: not done here. */
		if (t.kind == SPEC_PARTUUID && strchr(v, '/'))
			return -EOPNOTSUPP;
		if ((t.kind == SPEC_UUID || t.kind == SPEC_PARTUUID) &&
		    !spec_is_hexid(v))
			return -EINVAL;
		if (t.kind == SPEC_PARTLABEL && strlen(v) >= 128)
			return -EINVAL;
		if (str_copy(t.value, sizeof(t.value), v) < 0)
			return -EINVAL;
		*sp = t;
		return 0;
	}
	if (s[0] == '/') {
		if (!spec_is_devpath(s) || strlen(s) >= 64)
			return -EINVAL;
		t.kind = SPEC_PATH;
		str_copy(t.value, sizeof(t.value), s);
		*sp = t;
		return 0;
	}
	if (strchr(s, ':')) {
		if (spec_parse_devnum(s, &t.devnum) < 0)
			return -EINVAL;
		t.kind = SPEC_DEVNUM;
		snprintf(t.value, sizeof(t.value), "%s", s);
		*sp = t;
		return 0;
	}
	/* A bare kernel name, as the kernel's own root= takes it. */
	if (strchr(s, '=') || strlen(s) + 5 >= 64)
		return -EINVAL;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		      *c == '-' || *c == '_' || *c == '!'))
			return -EINVAL;
	t.kind = SPEC_PATH;
	snprintf(t.value, sizeof(t.value), "/dev/%s", s);
	*sp = t;
	return 0;
}

/*
 * A name other than the kernel's (/dev/mapper/VG-LV, /dev/VG/LV, /dev/md/NAME:
 * made by lvm and mdadm, there being no udev) is the device when it is that
 * block device node now.
 */
static bool spec_path_is_dev(const char *path, dev_t devnum)
{
	struct stat st;

	return devnum && stat(path, &st) == 0 && S_ISBLK(st.st_mode) &&
	       st.st_rdev == devnum;
}

/* lvm's device-mapper name for VG/LV: each '-' doubled, joined by '-'. */
static int spec_lvm_dm_name(const char *vglv, char *out, size_t n)
{
	size_t k = 0;
	bool slash = false;

	for (const char *c = vglv; *c; c++) {
		if (k + 3 > n)
			return -ENAMETOOLONG;
		if (*c == '/') {
			if (slash)
				return -EINVAL;
			slash = true;
			out[k++] = '-';
			continue;
		}
		if (*c == '-')
			out[k++] = '-';
		out[k++] = *c;
	}
	out[k] = '\0';
	return slash ? 0 : -EINVAL;
}

/*
 * /dev/mapper/NAME and /dev/VG/LV name a device-mapper device by its dm
 * name, which the kernel shows in /sys/class/block/dm-N/dm/name before any
 * node or link exists (lvm and mdadm make those, later, without udev).
 */
static bool spec_path_is_dm(const char *path, const char *kname)
{
	char sys[128], name[256], want[256];
	ssize_t len;
	int fd;

	if (strncmp(kname, "dm-", 3) != 0 || strncmp(path, "/dev/", 5) != 0)
		return false;
	if (snprintf(sys, sizeof(sys), "/sys/class/block/%s/dm/name", kname) >=
	    (int)sizeof(sys))
		return false;
	if ((fd = open(sys, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	len = read(fd, name, sizeof(name) - 1);
	close(fd);
	if (len <= 0)
		return false;
	name[len] = '\0';
	if (name[len - 1] == '\n')
		name[len - 1] = '\0';
	if (!strncmp(path, "/dev/mapper/", 12))
		return strcmp(path + 12, name) == 0;
	if (spec_lvm_dm_name(path + 5, want, sizeof(want)) < 0)
		return false;
	return strcmp(want, name) == 0;
}

bool spec_match(const struct spec *sp, const struct dev_props *p)
{
	switch (sp->kind) {
	case SPEC_UUID:
		/* blkid prints ext4 UUIDs lower case, vfat ones upper case. */
		return p->uuid[0] && strcasecmp(sp->value, p->uuid) == 0;
	case SPEC_PARTUUID:
		return p->partuuid[0] &&
		       strcasecmp(sp->value, p->partuuid) == 0;
	case SPEC_LABEL:
		return p->label[0] && strcmp(sp->value, p->label) == 0;
	case SPEC_PARTLABEL:
		return p->partlabel[0] && strcmp(sp->value, p->partlabel) == 0;
	case SPEC_PATH:
		if (p->node[0] && strcmp(sp->value, p->node) == 0)
			return true;
		/* A dm device has its name and node before its table: until
		 * a probe finds something there it is not ready (its
		 * "change" uevent, on resume, probes it again). */
		if (!p->type[0])
			return false;
		return spec_path_is_dev(sp->value, p->devnum) ||
		       spec_path_is_dm(sp->value, p->name);
	case SPEC_DEVNUM:
		return p->devnum == sp->devnum;
	case SPEC_NFS: /* not a block device */
	case SPEC_NONE:
		break;
	}
	return false;
}

void spec_format(const struct spec *sp, char *buf, size_t n)
{
	static const char *const names[] = {
	    [SPEC_UUID] = "UUID=",
	    [SPEC_LABEL] = "LABEL=",
	    [SPEC_PARTUUID] = "PARTUUID=",
	    [SPEC_PARTLABEL] = "PARTLABEL=",
	};
	const char *pre = "";

	if (sp->kind < sizeof(names) / sizeof(names[0]) && names[sp->kind])
		pre = names[sp->kind];
	snprintf(buf, n, "%s%s", pre,
		 sp->kind == SPEC_NONE ? "(none)" : sp->value);
}
