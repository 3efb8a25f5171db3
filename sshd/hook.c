/* hook: wires the LUKS set, the unlock service and dropbear into /init's boot.
 */
#include "sshd/hook.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"
#include "init/blockdev.h"
#include "init/cmdline.h"
#include "init/hooks.h"
#include "init/sys.h"
#include "keys/fpfile.h"
#include "keys/keys.h"
#include "sshd/dropbear.h"
#include "sshd/luks.h"
#include "sshd/unlock_service.h"
#include "sshd/unlockproto.h"

#define SSHD_LISTEN_LEN 64

static const struct sshd_hook_paths sshd_default_paths = {
    .crypttab = "/etc/crypttab",
    .console = "/dev/console",
    .socket = UNLOCK_SOCKET_PATH,
    .authorized_keys = "/root/.ssh/authorized_keys",
    .host_key_dir = "/etc/dropbear",
    .host_keys_pub = KEYS_PUBLIC_IMAGE_PATH,
    .dropbear = NULL,
    .pid_file = "/run/sesame/dropbear.pid",
};

static struct {
	struct sshd_hook_paths paths;
	int paths_set;
	struct loop *loop;
	struct luks_set *set;
	struct unlock_service *svc;
	struct dropbear *db;
	struct dropbear_config dbcfg;
	char listen[DROPBEAR_LISTEN_MAX][SSHD_LISTEN_LEN];
	char keys[DROPBEAR_HOSTKEYS_MAX][256];
	int console_fd;
	unsigned holds;	  /* boot_hold() calls not yet released */
	int attempt_held; /* boot_hold_handoff() for a running attempt */
} S = {.console_fd = -1};

void sshd_hook_set_paths(const struct sshd_hook_paths *p)
{
	S.paths = *p;
	S.paths_set = 1;
}

static const struct sshd_hook_paths *sshd_paths(void)
{
	return S.paths_set ? &S.paths : &sshd_default_paths;
}

/* Boot waits (rd.timeout paused) exactly while a device is locked. */
static void sshd_sync_holds(void)
{
	unsigned locked = S.set ? luks_set_count_locked(S.set) : 0;

	if (S.set && luks_set_exhausted(S.set))
		locked = S.holds; /* waiting for a rescue login: keep holding */
	while (S.holds < locked) {
		boot_hold();
		S.holds++;
	}
	while (S.holds > locked) {
		boot_release();
		S.holds--;
	}
}

static void sshd_on_opened(void *data, const struct luks_report *rep)
{
	(void)data;
	(void)rep;
	/* The new /dev/mapper nodes arrive as uevents; boot probes them. */
	if (rep && rep->opened)
		boot_note_unlocked();
	sshd_sync_holds();
}

/* While a worker derives a key, the switch to root waits for its answer. */
static void sshd_on_attempt(void *data, int running)
{
	(void)data;
	if (running && !S.attempt_held) {
		S.attempt_held = 1;
		boot_hold_handoff();
	} else if (!running && S.attempt_held) {
		S.attempt_held = 0;
		boot_release_handoff();
	}
}

static void sshd_on_exhausted(void *data, enum luks_fail_action action)
{
	(void)data;
	if (action == LUKS_FAIL_REBOOT) {
		log_err("no LUKS passphrase attempts left: rebooting");
		sys_reboot(RB_AUTOBOOT);
		return;
	}
	log_err("no LUKS passphrase attempts left this boot; log in with a "
		"rescue key over SSH, or reboot");
}

static int sshd_status(void *data, char *buf, size_t size)
{
	pid_t pid = dropbear_pid(S.db);

	(void)data;
	if (pid > 0)
		snprintf(buf, size, "ssh: dropbear running (pid %d)\n",
			 (int)pid);
	else
		snprintf(buf, size, "ssh: %s\n",
			 S.db ? "dropbear restarting" : "not started");
	return 0;
}

/*
 * A rescue shell's `sesame-status --resume`: every block device is probed
 * again (a disk attached or assembled by hand shows up) and an emergency
 * is left, so the wait for root starts over.
 */
static int sshd_resume(void *data, char *buf, size_t size)
{
	int r;

	(void)data;
	if (!S.loop)
		return -EOPNOTSUPP;
	/* Only an emergency or a wait for a device is left this way. */
	if (boot_resume_check(buf, size) < 0) {
		log_info("resume asked for over the unlock socket: %.*s",
			 (int)strcspn(buf, "\n"), buf);
		return 0; /* the answer says why */
	}
	log_info("resume asked for over the unlock socket: rescanning devices "
		 "and trying the boot again");
	/* Only schedules: the rescan and the boot (which may reach the
	 * handoff, closing this socket) run in the boot's deferred step. */
	if ((r = boot_retry()) < 0)
		return r;
	snprintf(buf, size,
		 "resume: block devices rescanned; the boot goes "
		 "on (watch the console, or run sesame-status)\n");
	return 0;
}

/* blockdev handler for TYPE crypto_LUKS. */
static int sshd_luks_found(const struct dev_props *p, void *data)
{
	struct luks_probe probe = {
	    .path = p->node,
	    .uuid = p->uuid[0] ? p->uuid : NULL,
	    .label = p->label[0] ? p->label : NULL,
	    .partuuid = p->partuuid[0] ? p->partuuid : NULL,
	    .partlabel = p->partlabel[0] ? p->partlabel : NULL,
	};
	int r;

	(void)data;
	if (!S.set)
		return 0;
	r = luks_set_add(S.set, &probe);
	if (r == -ENOENT)
		log_info("LUKS device %s (UUID=%s) is not wanted at boot",
			 p->node, p->uuid);
	else if (r == -ECANCELED)
		log_info("LUKS device %s: rd.luks=0", p->node);
	else if (r < 0 && r != -EEXIST)
		return log_warn_errno(r, "LUKS device %s", p->node);
	if (r == 0) {
		sshd_sync_holds();
		unlock_service_devices_changed(S.svc);
	}
	return 1; /* never a file system candidate */
}

static void sshd_read_luks_params(const struct boot_config *cfg,
				  struct luks_config *lc)
{
	static const char *const names[] = {
	    "rd.luks",	    "rd.luks.crypttab", "rd.luks.uuid",
	    "rd.luks.name", "rd.luks.options",	"rd.luks.key",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		unsigned iter = 0;
		const char *v;
		while (boot_config_find(cfg, names[i], &iter, &v) == 0)
			(void)luks_config_parse_param(lc, names[i], v);
	}
}

static void sshd_read_crypttab(struct luks_config *lc)
{
	const char *path = sshd_paths()->crypttab;
	char *buf = NULL;
	size_t len;
	int r;

	if (!path || access(path, F_OK) < 0)
		return;
	if ((r = file_read_all(path, 64u << 10, &buf, &len)) < 0) {
		log_warn_errno(r, "%s", path);
		return;
	}
	(void)luks_config_parse_crypttab(lc, path, buf, len);
	free(buf);
}

static void sshd_read_policy(const struct boot_config *cfg,
			     struct luks_policy *pol)
{
	const char *v;
	uint64_t n;

	luks_policy_default(pol);
	if ((v = boot_config_get(cfg, "sesame.luks_tries"))) {
		if (str_to_u64(v, 10, 1000, &n) == 0 && n > 0)
			pol->max_attempts = (unsigned)n;
		else
			log_warn("sesame.luks_tries=%s: expected 1 to 1000", v);
	}
	if ((v = boot_config_get(cfg, "sesame.luks_fail"))) {
		if (!strcmp(v, "reboot"))
			pol->action = LUKS_FAIL_REBOOT;
		else if (!strcmp(v, "wait"))
			pol->action = LUKS_FAIL_WAIT;
		else
			log_warn("sesame.luks_fail=%s: expected wait or reboot",
				 v);
	}
}

/*
 * The fingerprints admins compare with `sesame keys show`, on the console:
 * `sesame build` computed them into a file beside host_keys.pub
 * (keys/fpfile.h), so /init hashes nothing and links no mbedtls.
 */
static void sshd_print_fingerprints(void)
{
	const char *pub = sshd_paths()->host_keys_pub;
	char path[256]; /* as the host key paths in S */
	int r;

	if (!pub)
		return;
	if ((r = keys_fpfile_beside(pub, path, sizeof(path))) < 0) {
		log_warn_errno(r, "%s", pub);
		return;
	}
	(void)keys_fpfile_log(path);
}

static void sshd_start_dropbear(const struct boot_config *cfg)
{
	static const char *const key_names[] = {KEYS_ED25519_FILE,
						KEYS_ECDSA_FILE};
	static const char *const bins[] = {"/sbin/dropbear",
					   "/usr/sbin/dropbear"};
	const struct sshd_hook_paths *p = sshd_paths();
	struct dropbear_config *c = &S.dbcfg;
	unsigned iter = 0;
	const char *v;
	int r;

	v = boot_config_get(cfg, "sesame.ssh");
	if (v && !strcmp(v, "0"))
		return;
	if (!p->authorized_keys || access(p->authorized_keys, R_OK) < 0) {
		log_info("no authorized_keys in the image: no SSH");
		return;
	}
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
		char *k = S.keys[c->n_host_keys];
		snprintf(k, sizeof(S.keys[0]), "%s/%s", p->host_key_dir,
			 key_names[i]);
		if (access(k, R_OK) == 0)
			c->host_keys[c->n_host_keys++] = k;
	}
	if (!c->n_host_keys) {
		log_err("no SSH host key in %s: no SSH (never generated at "
			"boot)",
			p->host_key_dir);
		return;
	}
	while (c->n_listen < DROPBEAR_LISTEN_MAX &&
	       boot_config_find(cfg, "sesame.ssh_listen", &iter, &v) == 0) {
		if (!v ||
		    str_copy(S.listen[c->n_listen], SSHD_LISTEN_LEN, v) < 0) {
			log_warn("sesame.ssh_listen: bad value, ignored");
			continue;
		}
		c->listen[c->n_listen] = S.listen[c->n_listen];
		c->n_listen++;
	}
	if (!c->n_listen) {
		c->listen[0] = "22";
		c->n_listen = 1;
	}
	c->path = p->dropbear;
	for (size_t i = 0; !c->path && i < sizeof(bins) / sizeof(bins[0]); i++)
		if (access(bins[i], X_OK) == 0)
			c->path = bins[i];
	if (!c->path) {
		log_err("no dropbear in the image: no SSH");
		return;
	}
	c->pid_file = p->pid_file;
	c->max_auth_tries = 3;
	if ((r = dropbear_start(S.loop, c, &S.db)) < 0) {
		log_err_errno(r, "cannot start dropbear");
		return;
	}
	sshd_print_fingerprints();
}

static int sshd_hook_start(struct loop *l, const struct boot_config *cfg,
			   void **ctxp)
{
	const struct sshd_hook_paths *p = sshd_paths();
	struct unlock_service_config uc;
	struct luks_config lc;
	struct luks_policy pol;
	int r;

	*ctxp = &S;
	S.loop = l;
	luks_config_init(&lc);
	sshd_read_luks_params(cfg, &lc);
	sshd_read_crypttab(&lc);
	sshd_read_policy(cfg, &pol);
	if ((r = luks_set_new(&lc, &pol, &S.set)) < 0)
		return r;
	if ((r = blockdev_handler_register("crypto_LUKS", sshd_luks_found,
					   NULL)) < 0)
		return r;
	if (p->console)
		S.console_fd = open(p->console, O_RDWR | O_NOCTTY | O_CLOEXEC);
	memset(&uc, 0, sizeof(uc));
	uc.socket_path = p->socket;
	uc.console_fd = S.console_fd;
	uc.on_opened = sshd_on_opened;
	uc.on_exhausted = sshd_on_exhausted;
	uc.on_attempt = sshd_on_attempt;
	uc.status = sshd_status;
	uc.resume = sshd_resume;
	if ((r = unlock_service_start(l, S.set, &uc, &S.svc)) < 0)
		log_err_errno(r, "no unlock socket");
	sshd_start_dropbear(cfg);
	return 0;
}

static void sshd_hook_stop(void *ctx)
{
	int r;

	(void)ctx;
	if (S.db) {
		if ((r = dropbear_stop(S.db)) < 0)
			log_err_errno(r, "dropbear did not stop");
		dropbear_free(S.db);
		S.db = NULL;
	}
	unlock_service_stop(S.svc, "boot moved on");
	S.svc = NULL;
	S.attempt_held = 0; /* the handoff is under way: nothing to release */
	while (S.holds) {
		boot_release();
		S.holds--;
	}
	luks_set_free(S.set);
	S.set = NULL;
	if (S.console_fd >= 0)
		close(S.console_fd);
	S.console_fd = -1;
}

static void sshd_hook_emergency(void *ctx, const char *reason)
{
	(void)ctx;
	(void)reason;
	/* dropbear and the unlock socket stay up: rescue over SSH. */
	if (S.db && dropbear_pid(S.db) > 0)
		log_info("SSH stays up for rescue");
}

/* Read with boot_config_find(); their values are checked where read. */
static const struct boot_param_decl sshd_hook_params[] = {
    {"rd.luks", BOOT_PARAM_OPTIONAL, NULL},
    {"rd.luks.crypttab", BOOT_PARAM_OPTIONAL, NULL},
    {"rd.luks.uuid", BOOT_PARAM_VALUE, NULL},
    {"rd.luks.name", BOOT_PARAM_VALUE, NULL},
    {"rd.luks.options", BOOT_PARAM_VALUE, NULL},
    {"rd.luks.key", BOOT_PARAM_OPTIONAL, NULL},
    {"sesame.luks_tries", BOOT_PARAM_VALUE, NULL},
    {"sesame.luks_fail", BOOT_PARAM_VALUE, NULL},
    {"sesame.ssh", BOOT_PARAM_OPTIONAL, NULL},
    {"sesame.ssh_listen", BOOT_PARAM_OPTIONAL, NULL},
};

/* In init_hook_table (init/module.mk generates it from INIT_HOOKS). */
const struct init_hook sshd_hook = {
    .name = "sshd",
    .params = sshd_hook_params,
    .n_params = sizeof(sshd_hook_params) / sizeof(sshd_hook_params[0]),
    .start = sshd_hook_start,
    .stop = sshd_hook_stop,
    .emergency = sshd_hook_emergency,
};
