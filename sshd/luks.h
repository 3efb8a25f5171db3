/* luks: which LUKS devices boot wants (cmdline, crypttab) and one passphrase
 * tried on all of them. */
#ifndef SESAME_LUKS_H
#define SESAME_LUKS_H

#include <stddef.h>
#include <stdint.h>

#define LUKS_MAX_DEVICES 32
#define LUKS_NAME_MAX 128 /* device-mapper name, with its NUL */
#define LUKS_PATH_MAX 256
#define LUKS_UUID_MAX 41 /* the LUKS1 header field, with a NUL */
#define LUKS_ORIGIN_MAX 48

/* Options that matter at boot (crypttab(5) names). */
enum luks_option_flag {
	LUKS_OPT_DISCARD = 1 << 0,
	LUKS_OPT_READONLY = 1 << 1,
	LUKS_OPT_NOAUTO = 1 << 2, /* not opened at boot: skipped */
	LUKS_OPT_NO_READ_WORKQUEUE = 1 << 3,
	LUKS_OPT_NO_WRITE_WORKQUEUE = 1 << 4,
	LUKS_OPT_SAME_CPU_CRYPT = 1 << 5,
	LUKS_OPT_SUBMIT_FROM_CRYPT_CPUS = 1 << 6,
	LUKS_OPT_SET = 1 << 15, /* options were given for this entry */
};

struct luks_options {
	unsigned flags;
	unsigned tries;		    /* 0: the policy's cap only */
	char header[LUKS_PATH_MAX]; /* detached header, "" for none */
};

/* How a wanted device is named by its source field. */
enum luks_source_kind {
	LUKS_SRC_UUID, /* UUID=, /dev/disk/by-uuid/, rd.luks.uuid */
	LUKS_SRC_PATH, /* /dev/... */
	LUKS_SRC_PARTUUID,
	LUKS_SRC_LABEL,
	LUKS_SRC_PARTLABEL,
};

/* One device boot wants opened. */
struct luks_want {
	enum luks_source_kind kind;
	char source[LUKS_PATH_MAX]; /* the UUID, path, label... (no prefix) */
	char name[LUKS_NAME_MAX];   /* the mapping to create */
	struct luks_options opt;
	char origin[LUKS_ORIGIN_MAX]; /* "rd.luks.uuid", "/etc/crypttab:3" */
	int found;		      /* set by luks_set_add() */
};

/*
 * What the boot parameters and crypttab ask for. Without any want, every
 * LUKS device found is offered (named luks-<UUID>).
 */
struct luks_config {
	int disabled;		/* rd.luks=0 */
	int crypttab_off;	/* rd.luks.crypttab=0 */
	int has_global_options; /* rd.luks.options=OPTS */
	struct luks_options global;
	unsigned n;
	struct luks_want want[LUKS_MAX_DEVICES];
};

void luks_config_init(struct luks_config *cfg);
/*
 * One boot parameter (value NULL when it had no '='). Returns 0 when taken,
 * -ENOENT when the name is not one of ours (rd.luks, rd.luks.uuid,
 * rd.luks.name, rd.luks.options, rd.luks.crypttab, rd.luks.key), -EINVAL
 * when malformed and -ENOSPC when LUKS_MAX_DEVICES are already wanted; the
 * reason is logged with the parameter named, and cfg is unchanged.
 */
int luks_config_parse_param(struct luks_config *cfg, const char *name,
			    const char *value);
/*
 * Adds the entries of a crypttab(5) file held in [buf, buf+len) (need not be
 * NUL-terminated; untrusted: every line is bounded). origin names the file
 * in messages ("origin:line: ..."). Entries for a UUID already wanted from
 * the command line are skipped, as are noauto entries and kinds other than
 * LUKS. A key file is never used and is warned about loudly (it would have
 * to sit in the image). Returns 0 when every line was taken, -EINVAL when at
 * least one was refused (each refusal logged; the good lines are kept), or
 * -EFBIG for more than 64 KiB. Ignored when rd.luks.crypttab=0 was parsed
 * first.
 */
int luks_config_parse_crypttab(struct luks_config *cfg, const char *origin,
			       const char *buf, size_t len);
/* Parses a crypttab option list ("discard,header=/dev/x,tries=3"). */
int luks_options_parse(const char *s, size_t len, const char *origin,
		       struct luks_options *opt);

/* What happens once the per-boot cap of wrong passphrases is reached. */
enum luks_fail_action {
	LUKS_FAIL_WAIT,	  /* refuse passphrases; SSH rescue keys still work */
	LUKS_FAIL_REBOOT, /* the caller reboots */
};

/*
 * Wrong passphrases cost a growing delay: after the n-th wrong one the next
 * try is allowed delay_usec * 2^(n-1) later, at most max_delay_usec. After
 * max_attempts wrong ones no passphrase is tried again this boot, and the
 * caller carries out action. Never a shell (CVE-2016-4484).
 */
struct luks_policy {
	unsigned max_attempts;
	uint64_t delay_usec;
	uint64_t max_delay_usec;
	enum luks_fail_action action;
};

/* 10 attempts, 1 s doubling to 60 s, then wait for SSH. */
void luks_policy_default(struct luks_policy *p);

/* The attempt counter, kept apart so its state machine is testable. */
struct luks_attempts {
	unsigned wrong;
	uint64_t next_usec; /* CLOCK_MONOTONIC; 0: now */
};

/* The delay after the n-th wrong passphrase (n >= 1). */
uint64_t luks_policy_delay(const struct luks_policy *p, unsigned n);
/*
 * 0 when a passphrase may be tried at now; -EAGAIN with *waitp set to the
 * microseconds left when too early; -EACCES when the cap is reached.
 */
int luks_attempts_check(const struct luks_attempts *a,
			const struct luks_policy *p, uint64_t now,
			uint64_t *waitp);
void luks_attempts_record_wrong(struct luks_attempts *a,
				const struct luks_policy *p, uint64_t now);

/* What was done with one device during one luks_try_passphrase(). */
enum luks_outcome {
	LUKS_OUT_OPENED,
	LUKS_OUT_WRONG,	       /* -EPERM: no key slot took the passphrase */
	LUKS_OUT_ALREADY_OPEN, /* its mapping existed before we tried */
	LUKS_OUT_FAILED,       /* another error: see error */
	/*
	 * Not tried: no active key slot's Argon2 memory fits what the machine
	 * can give now (luks_mem_fits()). No key derivation ran, so it is no
	 * attempt; keyslot, pbkdf, need_mib and avail_mib say which slot
	 * came closest and by how much it missed.
	 */
	LUKS_OUT_NO_MEMORY,
};

/* The memory-hard PBKDFs, as they travel (luks_attempt_entry.pbkdf). */
enum luks_pbkdf {
	LUKS_PBKDF_NONE = 0,
	LUKS_PBKDF_ARGON2I = 1,
	LUKS_PBKDF_ARGON2ID = 2,
};
/* "argon2i", "argon2id", or "?" */
const char *luks_pbkdf_name(unsigned pbkdf);

struct luks_report_entry {
	char name[LUKS_NAME_MAX];
	char path[LUKS_PATH_MAX];
	enum luks_outcome outcome;
	int error;   /* negative errno from libcryptsetup when FAILED */
	int keyslot; /* when OPENED or NO_MEMORY */
	/* when NO_MEMORY: enum luks_pbkdf, and need_mib > avail_mib */
	unsigned pbkdf;
	uint32_t need_mib, avail_mib;
};

/*
 * The explanation of one luks_try_passphrase(): written on every return
 * except -EINVAL for bad arguments. Holds no secret.
 */
struct luks_report {
	int result; /* the return value */
	unsigned n;
	struct luks_report_entry e[LUKS_MAX_DEVICES];
	unsigned opened; /* by this passphrase */
	unsigned locked; /* still locked afterwards */
	unsigned attempts_left;
	int counted;	    /* this attempt cost one of the attempts */
	unsigned no_memory; /* devices not tried for want of memory */
	uint64_t wait_usec; /* until the next try is allowed; 0: now */
	enum luks_fail_action action; /* meaningful when result is -EACCES */
	char note[128];		      /* why the attempt itself failed, or "" */
};

/*
 * Human text for the report, one line per fact ("opened root (/dev/vda2)",
 * "wrong passphrase, 8 attempts left, next try in 2 s", "root (/dev/vda2):
 * not tried: key slot 0 needs 1024 MiB for argon2id, 612 MiB available").
 * Lines that do not
 * fit are replaced by one "(... more)" line. -ENOSPC if size is tiny.
 */
int luks_report_format(const struct luks_report *r, char *buf, size_t size);

/* A LUKS device found by the storage probe (libblkid names). */
struct luks_probe {
	const char *path;      /* /dev/vda2 */
	const char *uuid;      /* the LUKS UUID */
	const char *label;     /* LUKS2 label or NULL */
	const char *partuuid;  /* or NULL */
	const char *partlabel; /* or NULL */
};

struct crypt_device;

/* Seams for the side effects, so the logic runs in tests without dm. */
struct luks_sys {
	/* 1 when a mapping called name exists, 0 when not, <0 unknown. */
	int (*is_active)(const char *name);
	/*
	 * crypt_activate_by_passphrase() on keyslot (a number, or
	 * CRYPT_ANY_SLOT); returns the key slot or -errno.
	 */
	int (*activate)(struct crypt_device *cd, const char *name, int keyslot,
			const char *pass, size_t len, uint32_t flags);
	uint64_t (*now_usec)(void); /* CLOCK_MONOTONIC */
	/*
	 * MemAvailable in KiB (luks_meminfo_read("/proc/meminfo")); <0 when
	 * unknown. NULL: that real one.
	 */
	int (*mem_available_kib)(uint64_t *kibp);
};

/*
 * Memory kept back beyond a key slot's Argon2 memory: the worker's own
 * pages, libcryptsetup's and the kernel's buffers for the mapping, and what
 * the rest of the initramfs (dropbear, the loop) keeps using meanwhile.
 */
#define LUKS_MEM_MARGIN_KIB (32u * 1024u)

/*
 * The MemAvailable line of a /proc/meminfo text in [buf, buf+len) (need
 * not be NUL-terminated): 0 with *kibp set, -ENOENT without such a line,
 * -EINVAL when it is garbled (no digits, no "kB", overflow).
 */
int luks_meminfo_parse(const char *buf, size_t len, uint64_t *kibp);
/* Reads path (at most 16 KiB) and parses it as above. */
int luks_meminfo_read(const char *path, uint64_t *kibp);
/*
 * Whether a key slot's PBKDF fits avail_kib (MemAvailable, before the
 * margin): PBKDF2 always does; Argon2 when max_memory_kb plus
 * LUKS_MEM_MARGIN_KIB is at most avail_kib. The one place that says what
 * fits: the warning when a device is queued and the worker's choice of key
 * slots both ask it.
 */
int luks_mem_fits(const char *pbkdf_type, uint32_t max_memory_kb,
		  uint64_t avail_kib);

struct luks_set;

/*
 * A set of LUKS devices to unlock, for one boot. Disables libcryptsetup's
 * external token plugins (process-wide) and routes its log into ours.
 * cfg and pol are copied.
 */
int luks_set_new(const struct luks_config *cfg, const struct luks_policy *pol,
		 struct luks_set **sp);
void luks_set_free(struct luks_set *s);
/* Replaces the side effects (tests). sys must outlive the set. */
void luks_set_set_sys(struct luks_set *s, const struct luks_sys *sys);
/*
 * Queues a device found by the probe. 0 when queued (its name chosen from the
 * matching want, or luks-<UUID> when nothing is wanted); -ENOENT when the
 * config does not want it; -EEXIST when already queued; -ENOSPC when full;
 * -ECANCELED when rd.luks=0.
 */
int luks_set_add(struct luks_set *s, const struct luks_probe *dev);

/*
 * Tries one passphrase on every locked device, one device at a time (so at
 * most one memory-hard PBKDF runs at once), in this process. Before any key
 * derivation the device's active key slots are held against the memory
 * available now (luks_mem_fits()): slots that do not fit are not tried
 * (never an OOM kill); when none fits, the device is LUKS_OUT_NO_MEMORY.
 * Returns 0 when at least one device opened; -EPERM for a wrong passphrase (no
 * device took it and at least one said -EPERM); -EAGAIN when the delay after
 * the last counted attempt has not passed (nothing tried); -EACCES when the cap
 * is reached (nothing tried; carry out report->action); -ENOENT when nothing is
 * locked; -ENOMEM when nothing opened and no derivation ran because no key
 * slot fit the memory (not counted; report->no_memory); another libcryptsetup
 * error as is. Every attempt that asked libcryptsetup for a key derivation and
 * opened nothing counts against the cap (report->counted), whatever the error.
 * pass need not be NUL-terminated; it is never copied, logged or kept. It is
 * luks_attempt_begin(), _run() and _finish() in a row; /init runs the middle
 * one in a worker process (sshd/luks_worker.h).
 */
int luks_try_passphrase(struct luks_set *s, const char *pass, size_t len,
			struct luks_report *report);

#define LUKS_KEYSLOT_MAX 32 /* LUKS2's limit; LUKS1 has 8 */

/* What one attempt did to one device, as the process that ran it says. */
struct luks_attempt_entry {
	uint8_t dev;	 /* index in the set */
	uint8_t outcome; /* enum luks_outcome */
	uint8_t kdf;	 /* 1: libcryptsetup was asked to derive a key */
	int keyslot;	 /* when OPENED or NO_MEMORY: 0..LUKS_KEYSLOT_MAX-1 */
	int error;	 /* when FAILED: -4095..-1 */
	/* when NO_MEMORY (kdf 0): enum luks_pbkdf, need_mib > avail_mib;
	 * otherwise all 0 */
	uint8_t pbkdf;
	uint32_t need_mib, avail_mib;
};

/* One attempt on every device locked when it began. Holds no secret. */
struct luks_attempt {
	unsigned n_devs; /* devices in the set when it ran */
	unsigned n;
	struct luks_attempt_entry e[LUKS_MAX_DEVICES];
};

/*
 * The policy side, before any work: 0 when a passphrase may be tried now;
 * otherwise -EAGAIN, -EACCES or -ENOENT with rep written, as
 * luks_try_passphrase() says.
 */
int luks_attempt_begin(struct luks_set *s, struct luks_report *rep);
/*
 * The work: libcryptsetup on every locked device, one after the other (the
 * caller runs one attempt at a time: at most one memory-hard derivation
 * at once). Changes nothing in s (it may run in a forked copy of it); the
 * result goes to luks_attempt_finish().
 */
void luks_attempt_run(const struct luks_set *s, const char *pass, size_t len,
		      struct luks_attempt *a);
/*
 * Applies a's outcome to s (states, the attempt counter) and writes rep;
 * returns as luks_try_passphrase() does. a is checked first (it may come
 * from another process): entries for unknown, repeated or no longer locked
 * devices, or implausible numbers, make it luks_attempt_failed().
 */
int luks_attempt_finish(struct luks_set *s, const struct luks_attempt *a,
			struct luks_report *rep);
/*
 * The attempt ended without a usable answer (its process crashed, was
 * killed, or lied): it counts against the cap, why goes into rep->note, and
 * devices whose mappings now exist are taken as open. Returns -EIO, or 0
 * when such a device was found.
 */
int luks_attempt_failed(struct luks_set *s, const char *why,
			struct luks_report *rep);

/* Devices queued, still locked, and opened (by us or before us). */
unsigned luks_set_count_locked(const struct luks_set *s);
unsigned luks_set_count_open(const struct luks_set *s);
unsigned luks_set_count(const struct luks_set *s);
/* Wanted devices (cmdline/crypttab) not found yet: what boot waits for. */
unsigned luks_set_count_missing(const struct luks_set *s);
/* When the next passphrase may be tried (CLOCK_MONOTONIC usec; 0: now). */
uint64_t luks_set_next_attempt_usec(const struct luks_set *s);
/* How long until the next passphrase may be tried, by the set's clock. */
uint64_t luks_set_wait_usec(const struct luks_set *s);
/* Wrong passphrases left before the cap. */
unsigned luks_set_attempts_left(const struct luks_set *s);
/* Wrong passphrases (counted attempts) so far this boot. */
unsigned luks_set_attempts_wrong(const struct luks_set *s);
/*
 * A restarted sesame-unlockd: the attempts its predecessor counted this
 * boot (PID 1 keeps the number) count again, so that killing the process
 * never buys fresh attempts; the delay after the last one starts now.
 */
void luks_set_restore_attempts(struct luks_set *s, unsigned wrong);
/* True once the cap is reached. */
int luks_set_exhausted(const struct luks_set *s);
/* Status text: every device and its state, the wanted ones missing. */
int luks_set_format_status(const struct luks_set *s, char *buf, size_t size);

#endif
