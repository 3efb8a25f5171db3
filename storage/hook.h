/* hook: the storage part of /init (md RAID, LVM); see docs/storage.md. */
#ifndef SESAME_STORAGE_HOOK_H
#define SESAME_STORAGE_HOOK_H

/* sesame.md_degraded_wait= default: seconds an incomplete array waits. */
#define STORAGE_MD_DEGRADED_WAIT_DEFAULT 10u

/* Where the hook finds its programs and files (tests point elsewhere). */
struct storage_paths {
	const char *mdadm;
	const char *lvm;
	const char *mdadm_conf;
	const char *sys_block; /* /sys/class/block */
};

void storage_hook_set_paths(const struct storage_paths *p);

#endif
