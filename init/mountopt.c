/* mountopt: a table of mount(8) flag words; the rest is file system data. */
#include "init/mountopt.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#include "common/strutil.h"

struct mount_flag_word {
	const char *word;
	unsigned long set, clear;
};

static const struct mount_flag_word mount_flag_words[] = {
    {"defaults", 0, 0},
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},
    {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},
    {"exec", 0, MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS, 0},
    {"async", 0, MS_SYNCHRONOUS},
    {"dirsync", MS_DIRSYNC, 0},
    {"noatime", MS_NOATIME, 0},
    {"atime", 0, MS_NOATIME},
    {"nodiratime", MS_NODIRATIME, 0},
    {"diratime", 0, MS_NODIRATIME},
    {"relatime", MS_RELATIME, 0},
    {"norelatime", 0, MS_RELATIME},
    {"strictatime", MS_STRICTATIME, 0},
    {"lazytime", MS_LAZYTIME, 0},
    {"nolazytime", 0, MS_LAZYTIME},
    {"silent", MS_SILENT, 0},
    {"loud", 0, MS_SILENT},
    {"mand", MS_MANDLOCK, 0},
    {"nomand", 0, MS_MANDLOCK},
    /* fstab(5) words that mean nothing to mount(2) */
    {"auto", 0, 0},
    {"noauto", 0, 0},
    {"user", 0, 0},
    {"nouser", 0, 0},
    {"users", 0, 0},
    {"owner", 0, 0},
    {"group", 0, 0},
    {"_netdev", 0, 0},
};

int mount_opts_parse(const char *opts, unsigned long flags,
		     struct mount_opts *mo)
{
	struct mount_opts t;
	size_t dl = 0;
	const char *p = opts;

	memset(&t, 0, sizeof(t));
	for (const char *q = opts; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			return -EINVAL;
	while (*p) {
		size_t n = strcspn(p, ","), i;
		bool known = false;

		for (i = 0; n && i < sizeof(mount_flag_words) /
					 sizeof(mount_flag_words[0]);
		     i++) {
			const struct mount_flag_word *w = &mount_flag_words[i];
			if (strlen(w->word) == n &&
			    memcmp(w->word, p, n) == 0) {
				flags = (flags & ~w->clear) | w->set;
				known = true;
				break;
			}
		}
		if (n == 6 && memcmp(p, "nofail", 6) == 0)
			known = t.nofail = true;
		else if (n == 14 && memcmp(p, "x-initrd.mount", 14) == 0)
			known = t.initrd = true;
		else if ((n >= 2 && memcmp(p, "x-", 2) == 0) ||
			 (n >= 8 && memcmp(p, "comment=", 8) == 0))
			known = true;
		if (n && !known) {
			if (dl + (dl ? 1 : 0) + n >= sizeof(t.data))
				return -ENAMETOOLONG;
			if (dl)
				t.data[dl++] = ',';
			memcpy(t.data + dl, p, n);
			dl += n;
			t.data[dl] = '\0';
		}
		p += n;
		if (*p == ',')
			p++;
	}
	t.flags = flags;
	*mo = t;
	return 0;
}
