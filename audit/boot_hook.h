/* boot_hook: the boot-time hardening checks, run by /init as a hook and shown
 * on the console and kmsg with the catalogue's IDs. */
#ifndef SESAME_AUDIT_BOOT_HOOK_H
#define SESAME_AUDIT_BOOT_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "audit/params.h"

/* Where the checks look; tests point them at a scratch tree. */
struct audit_boot_paths {
	const char *boot_conf;	     /* /etc/sesame/boot.conf */
	const char *cmdline;	     /* /proc/cmdline */
	const char *authorized_keys; /* /root/.ssh/authorized_keys */
	const char *dropbear;	     /* /usr/sbin/dropbear */
	const char *tcp[2];	     /* /proc/net/tcp, /proc/net/tcp6 */
};

extern const struct audit_boot_paths audit_boot_default_paths;

/*
 * The checks that can be made at the start: the parameter rules
 * (params_rules()) and authkeys-none. *ssh_expected tells whether the
 * image means to run SSH (dropbear and keys present, not sesame.ssh=0)
 * and *port its port.
 */
void audit_boot_check(const struct audit_boot_paths *p, params_emit_fn emit,
		      void *arg, bool *ssh_expected, unsigned *port);

/*
 * True when a /proc/net/tcp or tcp6 text (proc(5)) has a socket in LISTEN
 * state (0A) on port. Lines that do not parse are skipped.
 */
bool audit_boot_listening(const char *text, size_t len, unsigned port);

/*
 * ssh-down: with have_address (an address is up), nothing in p->tcp is in
 * LISTEN state on port. /init runs it 30 s into the boot.
 */
void audit_boot_ssh_check(const struct audit_boot_paths *p, unsigned port,
			  bool have_address, params_emit_fn emit, void *arg);

/* The boot-time line for one finding, at the check's severity (info or
 * warning): "[ID] SUBJECT: MESSAGE". */
void audit_boot_log(const char *id, const char *subject, const char *msg,
		    void *arg);

#endif
