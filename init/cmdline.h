/* cmdline: boot parameters from /etc/sesame/boot.conf and /proc/cmdline
 * (untrusted). */
#ifndef SESAME_INIT_CMDLINE_H
#define SESAME_INIT_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "init/spec.h"

/* rd.break=STAGE: where boot stops for a shell (when one is allowed). */
enum boot_break {
	BREAK_CMDLINE = 1 << 0,	  /* after the parameters are read */
	BREAK_PRE_MOUNT = 1 << 1, /* root found, before fsck and mount */
	BREAK_MOUNT = 1 << 2,	  /* root mounted, before /usr and others */
	BREAK_PRE_PIVOT = 1 << 3, /* everything mounted, before switch_root */
};

enum emergency_action {
	EMERGENCY_DEFAULT = 0, /* shell if rd.shell allows one, else wait */
	EMERGENCY_WAIT,
	EMERGENCY_SHELL,
	EMERGENCY_REBOOT,
	EMERGENCY_POWEROFF,
};

enum fsck_mode {
	FSCK_AUTO = 0, /* e2fsck -p: check when the file system asks */
	FSCK_FORCE,    /* e2fsck -f -p */
	FSCK_SKIP,
};

#define BOOT_TIMEOUT_DEFAULT 180u
#define BOOT_REBOOT_DELAY_DEFAULT 30u
#define BOOT_MAX_MOUNTS 8
#define BOOT_MAX_WORDS 256
#define BOOT_ARENA_SIZE 16384
#define BOOT_WORD_MAX 1024

/* How a boot parameter is written. */
enum boot_param_form {
	BOOT_PARAM_FLAG,     /* bare only */
	BOOT_PARAM_BOOL,     /* bare (true), or =0/1/yes/no/true/false */
	BOOT_PARAM_VALUE,    /* needs =value */
	BOOT_PARAM_OPTIONAL, /* bare or =value */
};

/*
 * A boot parameter of a hook (net/, sshd/, storage: they read it with
 * boot_config_find()), declared in the hook's own table so the parser knows
 * it: its form is checked, and check (NULL: none) may refuse the value
 * (NULL for a bare word) with -EINVAL or -EOPNOTSUPP. A refused word is
 * logged and counted in warnings like a malformed parameter of our own, and
 * not kept: the hook sees the previous value.
 */
struct boot_param_decl {
	const char *name;
	enum boot_param_form form;
	int (*check)(const char *name, const char *value);
};

#define BOOT_MAX_DECL_TABLES 8

/* One word of the configuration, kept for parameters other code reads. */
struct boot_word {
	unsigned name_off;
	int value_off; /* -1 for a bare flag */
};

struct boot_config {
	struct spec root; /* kind SPEC_NONE when no root= */
	char rootfstype[32];
	char rootflags[256];
	bool rw;
	char init[256];	      /* empty: try the default list */
	unsigned timeout_sec; /* 0: wait forever */
	unsigned breaks;      /* enum boot_break bits */
	bool shell;	      /* rd.shell: a console shell is allowed */
	bool debug;
	bool nfs_overlay; /* sesame.nfs_overlay: NFS root ro under a tmpfs */
	enum emergency_action emergency;
	unsigned reboot_delay_sec;
	enum fsck_mode fsck;
	char mounts[BOOT_MAX_MOUNTS][128]; /* sesame.mount=, x-initrd */
	unsigned n_mounts;
	unsigned warnings; /* malformed or unsupported known parameters */

	/* boot_config_declare()'s tables */
	const struct boot_param_decl *decl[BOOT_MAX_DECL_TABLES];
	unsigned n_decl[BOOT_MAX_DECL_TABLES];
	unsigned n_decl_tables;

	struct boot_word words[BOOT_MAX_WORDS];
	unsigned n_words;
	char arena[BOOT_ARENA_SIZE];
	size_t arena_len;
};

/* The defaults: no root, ro, rd.timeout=180, emergency wait, fsck auto. */
void boot_config_init(struct boot_config *c);

/*
 * Adds a table of n hook parameters (kept by pointer: static data) for
 * boot_config_parse() to know and check. After boot_config_init(), before
 * parsing. -ENOSPC after BOOT_MAX_DECL_TABLES tables.
 */
int boot_config_declare(struct boot_config *c, const struct boot_param_decl *d,
			unsigned n);

/*
 * Applies every word of buf (len bytes, need not be terminated) to c, in
 * order, so later words override earlier ones. Words are separated by
 * white space; double quotes group a value with spaces and are removed
 * ("root=\"LABEL=my root\""). In a config file (is_file) '#' at the start
 * of a word comments out the rest of the line. On the kernel command line
 * a bare "--" ends the parameters (what follows is init's, and the kernel
 * passes it to us in argv). Malformed known parameters are logged with
 * their name and leave the previous value; declared ones
 * (boot_config_declare) are checked the same way and kept for
 * boot_config_find(); unknown ones are kept too and otherwise ignored. Returns
 * 0, or -E2BIG when the word table or arena filled up (words up to that point
 * still applied).
 */
int boot_config_parse(struct boot_config *c, const char *buf, size_t len,
		      bool is_file);

/*
 * Iterates over the values given to parameter name, oldest first: set *iter
 * to 0, then call until it returns -ENOENT. *valuep is NULL for a bare flag.
 * For net/, sshd/ and storage code to read their own parameters (ip=,
 * rd.luks.uuid=, ...).
 */
int boot_config_find(const struct boot_config *c, const char *name,
		     unsigned *iter, const char **valuep);
/* The last value of name (NULL if absent or bare). */
const char *boot_config_get(const struct boot_config *c, const char *name);

#endif
