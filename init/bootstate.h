/* bootstate: PID 1's boot state (struct boot, owned by boot.c, the only file
 * that moves it on) and the leaf steps of the boot_*.c files. */
#ifndef SESAME_INIT_BOOTSTATE_H
#define SESAME_INIT_BOOTSTATE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "init/cmdline.h"
#include "init/blockdev.h"
#include "init/fstab.h"
#include "init/spec.h"
#include "nfs/nfsroot.h"

struct loop;
struct loop_timer;
struct loop_defer;
struct kmod_ctx;
struct uevent;

#define NEWROOT "/newroot"
#define BOOT_CONF "/etc/sesame/boot.conf"
#define MODULE_LIST "/etc/sesame/modules"
#define ITEMS_MAX 16
#define STOP_GRACE_USEC 3000000u /* SIGTERM to SIGKILL for our children */
/* From the SIGTERM until the kill rounds give up (a process in state D). */
#define STOP_DEADLINE_USEC 10000000u

/*
 * WAIT for the device (or, for NFS, the network), FSCK running, NFS: the
 * nfs-mount child runs, READY to mount, MOUNTED.
 */
enum item_state { ITEM_WAIT, ITEM_FSCK, ITEM_NFS, ITEM_READY, ITEM_MOUNTED };

/* Something to mount before the switch: root first, then fstab's. */
struct mount_item {
	struct spec spec;
	char target[128]; /* inside the new root; "/" for root */
	char fstype[32];  /* wanted type; empty: what blkid found */
	char opts[256];
	unsigned long base_flags;
	bool check;  /* fsck it (root, or fstab passno > 0) */
	bool nofail; /* failing to find or mount it is not fatal */
	enum item_state state;
	struct dev_props dev;
	bool is_nfs;	  /* spec is SPEC_NFS; nfs is what to mount */
	bool nfs_mounted; /* the nfs-mount child mounted it */
	struct nfs_root nfs;
	/* A leaf's verdict (a child's exit): non-empty, the boot's step
	 * enters the emergency with it and the hint (static text or NULL). */
	char error[400];
	const char *error_hint;
};

/* The network, as the net hook last reported it (boot_net_configured()). */
struct boot_net_state {
	bool up;
	struct in_addr client, server_id, next_server;
	char hostname[64];
	char root_path[NFS_PATH_MAX + 32];
};

/* The NFS mount in progress, and its retries. */
struct boot_nfs_state {
	struct loop_timer *timer; /* attempt timeout, then the next attempt */
	pid_t pid;		  /* the nfs-mount child; 0: none runs */
	struct mount_item *item;  /* what it mounts */
	unsigned attempts;
	bool timed_out; /* the running attempt was killed at its deadline */
	char last_error[160];
};

enum boot_phase {
	PHASE_RUNNING,	 /* advancing as devices appear */
	PHASE_BUSY,	 /* a fsck or a break shell runs */
	PHASE_EMERGENCY, /* stopped; a shell, a wait or a reboot */
	PHASE_HANDOFF,
};

#define BOOT_HANDOFF_WHY_MAX 8

struct boot {
	struct boot_config cfg;
	struct loop *loop;
	int uevent_fd, signal_fd;
	struct loop_timer *timeout, *reboot_timer;
	/* The boot's progress (boot_step) and the rd.timeout decision run
	 * only as deferred steps of the loop, never inside a subsystem's
	 * callback. */
	struct loop_defer *step, *timeout_check;
	bool rescan_pending; /* the next step probes every block device */
	struct blockdev_table devs;
	struct mount_item items[ITEMS_MAX];
	unsigned n_items;
	enum boot_phase phase;
	unsigned breaks_done, holds;
	unsigned handoff_holds; /* boot_hold_handoff() calls outstanding */
	/* their reasons (the first BOOT_HANDOFF_WHY_MAX), for log and status */
	const char *handoff_why[BOOT_HANDOFF_WHY_MAX];
	bool handoff_waiting;	 /* every mount done, a hold kept the switch */
	bool started;		 /* boot_start() ran */
	char **init_args;	 /* our argv + 1, NULL-terminated */
	const char *sysfs_block; /* NULL: /sys/class/block (tests: their own) */
	sigset_t sigmask_saved, sigmask_ours;
	/* CLOCK_MONOTONIC microseconds, for the handoff line */
	uint64_t t_start, t_devices, t_fsck, t_paused;
	uint64_t wait_since, busy_since;
	/* a mount or the switch waits for the modprobe queue (not own time) */
	uint64_t modwait_since, t_modwait;
	uint64_t t_unlocked; /* boot_note_unlocked(); 0: no passphrase */
	uint64_t
	    stall_boot; /* the loop's longest stall when the handoff began */
	struct boot_net_state net;
	struct boot_nfs_state nfs;
};

/* PID 1 has one boot; every boot*.c file works on it. */
extern struct boot boot;

/* boot.c */
void boot_mark(const char *what);
/* boot.c */
void boot_wait_end(void);
/* The reasons the switch is held, "; "-separated, into buf (truncated). */
void boot_handoff_reasons(const struct boot *b, char *buf, size_t size);
/* boot.c: the boot's progress, on the loop's next iteration (boot_step):
 * a rescan first when rescan is true, then the state machine. */
void boot_schedule(bool rescan);
/* boot.c: boot.loop, the deferred steps and the rd.timeout timer (not armed);
 * before any boot_schedule(). */
int boot_loop_init(struct loop *l);
/* boot.c */
void boot_start(void);
/* boot_rescue.c */
bool boot_break(struct boot *b, unsigned which, const char *name);
/* boot_rescue.c */
void boot_emergency(struct boot *b, const char *what, const char *hint);
/* boot.c: rd.timeout's timer. */
int boot_timeout_fire(struct loop *l, struct loop_timer *t, void *data);
/* boot_devices.c: probes every block device now (boot_rescan() defers). */
void boot_rescan_now(struct boot *b);
/* boot_devices.c: the uevent socket's callback; data is the struct boot. */
int boot_uevent_ready(struct loop *l, int fd, uint32_t events, void *data);
/* boot_devices.c: sesame-probe's answer for a block device (probe.h). */
void boot_block_probed(const struct dev_props *p, void *data);
/* boot_devices.c: handles up to max uevents waiting on fd. */
int boot_uevents_read(struct boot *b, int fd, unsigned max);
/* boot_devices.c */
int boot_setup_signals(struct boot *b);
/* boot_mount.c: whether fsck should check it (logs why not). */
bool boot_fsck_needed(enum fsck_mode mode, const struct mount_item *it,
		      const char *type);
/* boot_mount.c: 0 mounted, or a negative errno (logged). */
int boot_mount_item(struct boot *b, struct mount_item *it);
/* boot_mount.c: queues the module of a probed file system type. */
void boot_want_fs_module(const char *type);
/* boot_mount.c: true while a modprobe child may still bring type's
 * module (the mount waits; the queue's end schedules the step). */
bool boot_fs_module_pending(const char *type);
/* boot_mount.c: NULL when the target is there already or no room. */
struct mount_item *boot_add_item(struct boot *b, const char *target);
/* boot_mount.c: adds the new root's fstab lines to mount before the switch. */
void boot_read_fstab(struct boot *b);
/* boot_handoff.c: returns only when the switch failed: a negative errno,
 * with what happened in what and a hint in *hint. */
int boot_handoff(struct boot *b, char *what, size_t size, const char **hint);
/* boot_nfs.c: 1 the mount child runs, 0 waiting for the network, < 0 it
 * cannot be mounted: what happened in what, a hint in *hint. */
int boot_nfs_start(struct boot *b, struct mount_item *it, char *what,
		   size_t size, const char **hint);
/* boot_nfs.c: the emergency message for an NFS item not mounted in time. */
void boot_nfs_describe(const struct boot *b, const struct mount_item *it,
		       char *buf, size_t size);
/* boot_nfs.c: sets up *it from root=/nfsroot= (or an fstab line's). */
int boot_nfs_item(struct mount_item *it, const char *root, const char *nfsroot,
		  char *err, size_t errlen);

#endif
