/* hook: PID 1's side of unlocking (sesame-unlockd supervised) and dropbear,
 * as an /init hook (init/hooks.h). */
#ifndef SESAME_SSHD_HOOK_H
#define SESAME_SSHD_HOOK_H

/*
 * Where the hook looks; the defaults are the image's paths. Tests point them
 * into a temporary directory before init_hooks_start().
 */
struct sshd_hook_paths {
	const char *crypttab;	     /* /etc/crypttab */
	const char *console;	     /* /dev/console; NULL: no prompt */
	const char *socket;	     /* /run/sesame/unlock.sock */
	const char *authorized_keys; /* /root/.ssh/authorized_keys */
	const char *host_key_dir;    /* /etc/dropbear */
	const char *host_keys_pub;   /* /etc/sesame/host_keys.pub */
	const char *dropbear;	     /* NULL: the first of /sbin, /usr/sbin */
	const char *pid_file;	     /* /run/sesame/dropbear.pid */
	const char *unlockd;	     /* NULL: UNLOCKD_PATH */
};

/* The unlock process PID 1 starts and restarts (sshd/unlockd_main.c). */
#define UNLOCKD_PATH "/sbin/sesame-unlockd"

void sshd_hook_set_paths(const struct sshd_hook_paths *p);

/*
 * Boot parameters read by the hook (besides rd.luks.*):
 *   sesame.ssh=0              no dropbear
 *   sesame.ssh_listen=A:P     an address to listen on (repeatable, up to 4;
 *                             default: port 22 on every address)
 *   sesame.luks_tries=N       the per-boot cap of wrong passphrases (10)
 *   sesame.luks_fail=wait|reboot   what follows the cap (wait)
 */

#endif
