/* build: the image list from sesame's defaults and the user's options. */
#ifndef SESAME_IMAGE_BUILD_H
#define SESAME_IMAGE_BUILD_H

#include <stddef.h>

#include "image/list.h"
#include "image/storage.h"

struct build_strv {
	const char **v;
	size_t n;
};

struct build_opts {
	struct build_strv add_lists; /* -a */
	struct build_strv binaries;  /* -b PATH[:DEST] */
	struct build_strv files;     /* -f SRC:DEST[:MODE] */
	const char *kver;	     /* NULL: the running kernel's */
	const char *moddir;	     /* default /lib/modules */
	const char *fwdir;	     /* default /lib/firmware */
	int no_modules;
	struct build_strv modules; /* -m */
	int no_generic_modules;
	struct build_strv omit_modules;
	const char *config;	/* --config FILE */
	struct build_strv sets; /* --set NAME=VALUE */
	int no_init;
	const char *init;    /* --init PATH; NULL: find sesame-init */
	/* --unlockd PATH; NULL: find sesame-unlockd (none with --init) */
	const char *unlockd;
	const char *busybox; /* default /bin/busybox */
	const char *e2fsck;  /* default /sbin/e2fsck */
	const char *sysroot; /* where libraries are looked up; NULL: / */
	/*
	 * SSH unlock. The admin's authorized_keys: --authorized-keys FILE,
	 * or AUTHKEYS_DEFAULT_PATH when that exists. With keys, the image
	 * gets dropbear, the host keys of keydir (made when missing),
	 * /bin/unlock and the LUKS modules; without, a warning.
	 */
	const char *authorized_keys; /* NULL: AUTHKEYS_DEFAULT_PATH if any */
	const char *keydir;	     /* NULL: keys_default_dir() */
	int no_ssh;	      /* --no-ssh: no keys even if the default exists */
	const char *dropbear; /* default /usr/sbin/dropbear */
	const char *unlock;   /* NULL: find the unlock program */
	/*
	 * Write no-pty on unlock keys. Off by default: OpenSSH's client ends
	 * the session when a pty it was told to ask for (-t, -tt) is
	 * refused, so `ssh -tt host unlock` cannot work with no-pty. The
	 * pty only ever holds the forced unlock command (docs/unlock.md).
	 */
	int unlock_no_pty;
	/*
	 * --allow-system-host-key: build even when a host key of keydir is
	 * one of the system's own (loudly); without it that is an error.
	 * system_root: where the system's keys are looked for (NULL: /;
	 * tests give a fake root).
	 */
	int allow_system_host_key;
	const char *system_root;
	/* md RAID and LVM: --hostonly, --no-storage, --mdadm-conf */
	struct storage_build_opts storage;
};

/*
 * The hardening checks on the list about to be written to output, with
 * their findings printed; with strict, findings refuse (-EPERM). Set by
 * the audit module when it is linked in (the sesame tool); NULL: none.
 * A pointer so that the image library does not depend on the audit one.
 */
extern int (*build_audit_hook)(const struct image_list *l, const char *output,
			       int strict);

/* Appends a string to v (the string is borrowed, not copied). */
int build_strv_push(struct build_strv *v, const char *s);
void build_strv_free(struct build_strv *v);

/*
 * Fills l (then finished: sorted, unique, parents present) with what
 * opts describe: sesame's base layout and /init unless no_init, the boot
 * config, modules, binaries with their libraries, files, then the user's
 * lists, which override earlier entries of the same name. Every error is
 * logged naming the option, file or module.
 */
int build_assemble(const struct build_opts *opts, struct image_list *l);

/*
 * The boot config text: the --config file, then one line per --set.
 * *textp is NULL (and 0 returned) when neither was given.
 */
int build_boot_config(const struct build_opts *opts, char **textp,
		      size_t *lenp);

#endif
