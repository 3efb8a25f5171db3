/* hook: PID 1's side of unlocking: supervises sesame-unlockd, tells it the
 * LUKS devices found, holds the boot for it; runs dropbear. */
#include "sshd/hook.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"
#include "init/blockdev.h"
#include "init/child.h"
#include "init/linkchild.h"
#include "init/cmdline.h"
#include "init/hooks.h"
#include "init/sys.h"
#include "keys/fpfile.h"
#include "keys/keys.h"
#include "sshd/dropbear.h"
#include "sshd/luks.h"
#include "sshd/unlockd_proto.h"
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

#define SSHD_DEVICES_MAX LUKS_MAX_DEVICES
#define SSHD_PARAMS_MAX 64
#define UNLOCKD_BACKOFF_MIN_USEC 500000u
#define UNLOCKD_BACKOFF_MAX_USEC 30000000u
#define UNLOCKD_STABLE_USEC 60000000u	   /* ran this long: back-off resets */
#define UNLOCKD_STATUS_EVERY_USEC 1000000u /* status lines pushed (if new) */
#define UNLOCKD_STOP_WAIT_MS 2000

/* sesame-unlockd as PID 1 sees it: a child it restarts, and its link. */
struct sshd_unlockd {
	struct link_child lc; /* the process and our end of its link */
	uint64_t started;
	uint64_t backoff;
	struct loop_timer *restart;
	struct loop_timer *status_timer;
	struct unlockd_state last; /* its last STATE */
	unsigned wrong;		   /* attempts counted this boot, kept */
	int cut;		   /* the last one died mid-attempt */
	int stopping;
	int busy_sent;
	char lines_sent[UNLOCKD_STATUS_MAX];
	char why_sent[UNLOCKD_STATUS_MAX];
};

/* Test seam: where the hook looks (sshd_hook_set_paths). */
static struct sshd_hook_paths sshd_test_paths;
static int sshd_test_paths_set;

/* The hook's state: made by start, handed to every callback (its ctx). */
struct sshd_state {
	struct loop *loop;
	struct sshd_unlockd ud;
	/* What a (re)started sesame-unlockd is told: the parameters, the
	 * LUKS devices found so far. */
	const char *param_name[SSHD_PARAMS_MAX];
	char *param_value[SSHD_PARAMS_MAX];
	unsigned n_params;
	struct unlockd_device *dev[SSHD_DEVICES_MAX];
	unsigned n_devs;
	int debug;
	struct dropbear *db;
	struct dropbear_config dbcfg;
	char listen[DROPBEAR_LISTEN_MAX][SSHD_LISTEN_LEN];
	char keys[DROPBEAR_HOSTKEYS_MAX][256];
	unsigned holds;	  /* boot_hold() calls not yet released */
	int attempt_held; /* boot_hold_handoff() for a running attempt */
	int exhausted_told;
};

void sshd_hook_set_paths(const struct sshd_hook_paths *p)
{
	sshd_test_paths = *p;
	sshd_test_paths_set = 1;
}

static const struct sshd_hook_paths *sshd_paths(void)
{
	return sshd_test_paths_set ? &sshd_test_paths : &sshd_default_paths;
}

/* Boot waits (rd.timeout paused) exactly while a device is locked. */
static void sshd_sync_holds(struct sshd_state *h)
{
	const struct unlockd_state *st = &h->ud.last;
	unsigned locked = st->locked;

	if (st->exhausted)
		locked =
		    h->holds; /* waiting for a rescue login: keep holding */
	while (h->holds < locked) {
		boot_hold();
		h->holds++;
	}
	while (h->holds > locked) {
		boot_release();
		h->holds--;
	}
}

/* While a key derivation runs, the switch to root waits for its answer. */
static void sshd_hold_attempt(struct sshd_state *h, int running)
{
	if (running && !h->attempt_held) {
		h->attempt_held = 1;
		boot_hold_handoff("a passphrase attempt is running");
	} else if (!running && h->attempt_held) {
		h->attempt_held = 0;
		boot_release_handoff("a passphrase attempt is running");
	}
}

static void sshd_on_state(struct sshd_state *h, const struct unlockd_state *st)
{
	h->ud.last = *st;
	if (st->wrong > h->ud.wrong)
		h->ud.wrong = st->wrong;
	sshd_sync_holds(h);
	sshd_hold_attempt(h, st->attempt_running);
	if (!st->exhausted || h->exhausted_told)
		return;
	h->exhausted_told = 1;
	if (st->action == LUKS_FAIL_REBOOT) {
		log_err("no LUKS passphrase attempts left: rebooting");
		sys_reboot(RB_AUTOBOOT);
		return;
	}
	log_err("no LUKS passphrase attempts left this boot; log in with a "
		"rescue key over SSH, or reboot");
}

/* A rescue shell's `sesame-status --resume`, relayed by sesame-unlockd. */
static void sshd_on_resume(void)
{
	char why[UNLOCKD_STATUS_MAX];

	/* Only an emergency or a wait for a device is left this way. */
	if (boot_resume_check(why, sizeof(why)) < 0) {
		log_info("resume not done: %.*s", (int)strcspn(why, "\n"), why);
		return;
	}
	(void)boot_retry(); /* only schedules: the boot's deferred step */
}

static void sshd_unlockd_send(struct sshd_state *h, const struct unlockd_msg *m)
{
	int r;

	if (h->ud.lc.fd < 0)
		return;
	/* The link holds far more than we send: full means it stopped
	 * reading, and a stuck unlock process is restarted. */
	if ((r = unlockd_msg_send(h->ud.lc.fd, m)) < 0) {
		log_err_errno(r, "sesame-unlockd does not take messages: "
				 "killing it");
		link_child_kill(&h->ud.lc);
	}
}

/* init's lines for `sesame-status` and the resume verdict, when new. */
static void sshd_push_status(struct sshd_state *h, int force)
{
	struct unlockd_msg *m;
	pid_t pid = dropbear_pid(h->db);

	if (h->ud.lc.fd < 0 || !(m = calloc(1, sizeof(*m))))
		return;
	m->type = UNLOCKD_MSG_STATUS;
	if (pid > 0)
		snprintf(m->u.status.lines, sizeof(m->u.status.lines),
			 "ssh: dropbear running (pid %d)\n", (int)pid);
	else
		snprintf(m->u.status.lines, sizeof(m->u.status.lines),
			 "ssh: %s\n",
			 h->db ? "dropbear restarting" : "not started");
	m->u.status.busy =
	    boot_resume_check(m->u.status.why, sizeof(m->u.status.why)) < 0;
	if (!m->u.status.busy)
		m->u.status.why[0] = '\0';
	if (force || m->u.status.busy != h->ud.busy_sent ||
	    strcmp(m->u.status.lines, h->ud.lines_sent) ||
	    strcmp(m->u.status.why, h->ud.why_sent)) {
		h->ud.busy_sent = m->u.status.busy;
		snprintf(h->ud.lines_sent, sizeof(h->ud.lines_sent), "%s",
			 m->u.status.lines);
		snprintf(h->ud.why_sent, sizeof(h->ud.why_sent), "%s",
			 m->u.status.why);
		sshd_unlockd_send(h, m);
	}
	free(m);
}

static int sshd_status_tick(struct loop *l, struct loop_timer *t, void *data)
{
	struct sshd_state *h = data;

	(void)l;
	sshd_push_status(h, 0);
	loop_timer_arm(t, UNLOCKD_STATUS_EVERY_USEC);
	return 0;
}

static void sshd_unlockd_message(struct sshd_state *h,
				 const struct unlockd_msg *m)
{
	switch (m->type) {
	case UNLOCKD_MSG_STATE:
		sshd_on_state(h, &m->u.state);
		break;
	case UNLOCKD_MSG_OPENED:
		/* The new /dev/mapper nodes arrive as uevents. */
		log_info("unlocked: %s", m->u.text);
		boot_note_unlocked();
		break;
	case UNLOCKD_MSG_RESUME:
		sshd_on_resume();
		break;
	default:
		break; /* the parser admits no other type from it */
	}
}

static int sshd_on_link(struct loop *l, int fd, uint32_t events, void *data)
{
	struct sshd_state *h = data;
	uint8_t buf[UNLOCKD_MSG_MAX + 1];
	struct unlockd_msg *m;
	ssize_t n;

	(void)l;
	(void)events;
	(void)data;
	if (!(m = malloc(sizeof(*m))))
		return 0;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			/* It exited (the reaper says how) or closed it. */
			link_child_close(&h->ud.lc);
			break;
		}
		/* Untrusted: it parsed disk headers; a lie is a restart. */
		if (unlockd_msg_parse(buf, (size_t)n, UNLOCKD_FROM_UNLOCKD, m) <
		    0) {
			log_err("sesame-unlockd sent a malformed message (%zd "
				"bytes, type %#x): killing it",
				n, buf[0]);
			link_child_kill(&h->ud.lc);
			break;
		}
		sshd_unlockd_message(h, m);
	}
	free(m);
	return 0;
}

static void sshd_unlockd_exited(pid_t pid, int wstatus, void *data);

/* Starts sesame-unlockd and tells it everything it needs. */
static int sshd_unlockd_start(struct sshd_state *h)
{
	const struct sshd_hook_paths *p = sshd_paths();
	struct sshd_unlockd *u = &h->ud;
	static char prog[256], tab[256], con[256], sock[256];
	char *argv[] = {prog, "--crypttab", tab,  "--console",
			con,  "--socket",   sock, h->debug ? "--debug" : NULL,
			NULL};
	struct unlockd_msg *m;
	int r;

	if (str_copy(prog, sizeof(prog),
		     p->unlockd ? p->unlockd : UNLOCKD_PATH) < 0 ||
	    str_copy(tab, sizeof(tab),
		     p->crypttab ? p->crypttab : "/nonexistent") < 0 ||
	    str_copy(con, sizeof(con), p->console ? p->console : "none") < 0 ||
	    str_copy(sock, sizeof(sock), p->socket) < 0)
		return log_err_errno(-ENAMETOOLONG, "sesame-unlockd's paths");
	if ((r = link_child_start(&u->lc, argv, sshd_unlockd_exited,
				  sshd_on_link, h)) < 0)
		return log_err_errno(r, "cannot start %s", argv[0]);
	u->started = loop_now_usec();
	memset(&u->last, 0, sizeof(u->last));
	if (!(m = calloc(1, sizeof(*m)))) {
		link_child_kill(&u->lc);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < h->n_params; i++) {
		m->type = UNLOCKD_MSG_CONFIG;
		snprintf(m->u.config.name, sizeof(m->u.config.name), "%s",
			 h->param_name[i]);
		snprintf(m->u.config.value, sizeof(m->u.config.value), "%s",
			 h->param_value[i] ? h->param_value[i] : "");
		m->u.config.has_value = h->param_value[i] != NULL;
		sshd_unlockd_send(h, m);
	}
	memset(m, 0, sizeof(*m));
	m->type = UNLOCKD_MSG_START;
	m->u.start.wrong = u->wrong > 0xffff ? 0xffff : u->wrong;
	m->u.start.cut = u->cut;
	sshd_unlockd_send(h, m);
	for (unsigned i = 0; i < h->n_devs; i++) {
		m->type = UNLOCKD_MSG_DEVICE;
		m->u.device = *h->dev[i];
		sshd_unlockd_send(h, m);
	}
	free(m);
	sshd_push_status(h, 1);
	return 0;
}

static int sshd_unlockd_restart(struct loop *l, struct loop_timer *t,
				void *data)
{
	struct sshd_state *h = data;

	(void)l;
	(void)t;
	if (!h->ud.stopping && h->ud.lc.pid == 0 && sshd_unlockd_start(h) < 0)
		loop_timer_arm(h->ud.restart, h->ud.backoff);
	return 0;
}

/*
 * From child_reap(): the unlock process ended. Before the handoff that
 * is a crash (or a kill): an attempt it was running counts (a key
 * derivation may have run; killing it never buys attempts), and it is
 * started again after a back-off that doubles up to 30 s and resets once
 * a process has lived a minute.
 */
static void sshd_unlockd_exited(pid_t pid, int wstatus, void *data)
{
	struct sshd_state *h = data;
	struct sshd_unlockd *u = &h->ud;
	char how[64];

	if (pid != u->lc.pid)
		return;
	u->lc.pid = 0;
	link_child_close(&u->lc);
	if (WIFSIGNALED(wstatus))
		snprintf(how, sizeof(how), "was killed by signal %d (%s)",
			 WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
	else
		snprintf(how, sizeof(how), "exited with status %d",
			 WEXITSTATUS(wstatus));
	if (u->stopping) {
		log_debug("sesame-unlockd %s", how);
		return;
	}
	u->cut = u->last.attempt_running;
	if (u->cut)
		u->wrong++;
	sshd_hold_attempt(h, 0);
	if (loop_now_usec() - u->started >= UNLOCKD_STABLE_USEC)
		u->backoff = UNLOCKD_BACKOFF_MIN_USEC;
	else if (!u->backoff)
		u->backoff = UNLOCKD_BACKOFF_MIN_USEC;
	else if ((u->backoff *= 2) > UNLOCKD_BACKOFF_MAX_USEC)
		u->backoff = UNLOCKD_BACKOFF_MAX_USEC;
	log_err("sesame-unlockd %s%s; starting it again in %llu ms", how,
		u->cut ? " during a passphrase attempt (counted)" : "",
		(unsigned long long)(u->backoff / 1000));
	loop_timer_arm(u->restart, u->backoff);
}

/*
 * Waits up to ms for the peer to close fd, dropping what it still sends:
 * 0 at end of file, -ETIMEDOUT.
 */
static int fd_wait_eof(int fd, int ms)
{
	uint64_t end = loop_now_usec() + (uint64_t)ms * 1000u;
	char buf[UNLOCKD_MSG_MAX];

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		uint64_t now = loop_now_usec();
		int left = now >= end ? 0 : (int)((end - now + 999) / 1000);
		ssize_t n;

		if (poll(&pfd, 1, left) < 0 && errno != EINTR)
			return -errno;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return 0;
		if (loop_now_usec() >= end)
			return -ETIMEDOUT;
	}
}

/* The handoff: tell it why, give it UNLOCKD_STOP_WAIT_MS to answer its
 * clients and restore the console, then SIGKILL. child_reap collects it. */
static void sshd_unlockd_stop(struct sshd_state *h, const char *why)
{
	struct sshd_unlockd *u = &h->ud;
	struct unlockd_msg *m;

	u->stopping = 1;
	loop_timer_free(u->restart);
	loop_timer_free(u->status_timer);
	u->restart = u->status_timer = NULL;
	if (u->lc.fd >= 0 && (m = calloc(1, sizeof(*m)))) {
		m->type = UNLOCKD_MSG_STOP;
		snprintf(m->u.text, sizeof(m->u.text), "%s\n", why);
		sshd_unlockd_send(h, m);
		free(m);
		/* It closes the link when it exits. */
		(void)fd_wait_eof(u->lc.fd, UNLOCKD_STOP_WAIT_MS);
	}
	if (u->lc.pid > 0 && sys_kill(u->lc.pid, 0) == 0 && u->lc.fd >= 0 &&
	    fd_wait_eof(u->lc.fd, 0) < 0) {
		log_warn("sesame-unlockd did not stop in %d ms: killed",
			 UNLOCKD_STOP_WAIT_MS);
		link_child_kill(&u->lc);
	}
	link_child_close(&u->lc);
}

/* blockdev handler for TYPE crypto_LUKS: remembered, and told. */
static int sshd_luks_found(const struct dev_props *p, void *data)
{
	struct sshd_state *h = data;
	struct unlockd_device *d = NULL;
	struct unlockd_msg *m;

	for (unsigned i = 0; i < h->n_devs && !d; i++)
		if (!strcmp(h->dev[i]->path, p->node))
			d = h->dev[i];
	if (!d) {
		if (h->n_devs == SSHD_DEVICES_MAX) {
			log_warn("LUKS device %s: more than %d, ignored",
				 p->node, SSHD_DEVICES_MAX);
			return 1;
		}
		if (!(d = calloc(1, sizeof(*d))))
			return 1;
		h->dev[h->n_devs++] = d;
	}
	snprintf(d->path, sizeof(d->path), "%s", p->node);
	snprintf(d->uuid, sizeof(d->uuid), "%s", p->uuid);
	snprintf(d->label, sizeof(d->label), "%s", p->label);
	snprintf(d->partuuid, sizeof(d->partuuid), "%s", p->partuuid);
	snprintf(d->partlabel, sizeof(d->partlabel), "%s", p->partlabel);
	if ((m = calloc(1, sizeof(*m)))) {
		m->type = UNLOCKD_MSG_DEVICE;
		m->u.device = *d;
		sshd_unlockd_send(h, m);
		free(m);
	}
	return 1; /* never a file system candidate */
}

/* The parameters sesame-unlockd reads: rd.luks* and sesame.luks_*. */
static void sshd_keep_params(struct sshd_state *h,
			     const struct boot_config *cfg,
			     const struct boot_param_decl *decl, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const char *name = decl[i].name, *v;
		unsigned iter = 0;
		if (strncmp(name, "rd.luks", 7) &&
		    strncmp(name, "sesame.luks_", 12))
			continue;
		while (h->n_params < SSHD_PARAMS_MAX &&
		       boot_config_find(cfg, name, &iter, &v) == 0) {
			h->param_name[h->n_params] = name;
			h->param_value[h->n_params] = v ? strdup(v) : NULL;
			h->n_params++;
		}
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

static void sshd_start_dropbear(struct sshd_state *h,
				const struct boot_config *cfg)
{
	static const char *const key_names[] = {KEYS_ED25519_FILE,
						KEYS_ECDSA_FILE};
	static const char *const bins[] = {"/sbin/dropbear",
					   "/usr/sbin/dropbear"};
	const struct sshd_hook_paths *p = sshd_paths();
	struct dropbear_config *c = &h->dbcfg;
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
		char *k = h->keys[c->n_host_keys];
		snprintf(k, sizeof(h->keys[0]), "%s/%s", p->host_key_dir,
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
		    str_copy(h->listen[c->n_listen], SSHD_LISTEN_LEN, v) < 0) {
			log_warn("sesame.ssh_listen: bad value, ignored");
			continue;
		}
		c->listen[c->n_listen] = h->listen[c->n_listen];
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
	if ((r = dropbear_start(h->loop, c, &h->db)) < 0) {
		log_err_errno(r, "cannot start dropbear");
		return;
	}
	sshd_print_fingerprints();
}

static const struct boot_param_decl sshd_hook_params[];
static const unsigned sshd_hook_n_params;

static int sshd_hook_start(struct loop *l, const struct boot_config *cfg,
			   void **ctxp)
{
	const char *unlockd;
	struct sshd_state *h;
	int r;

	/* Never freed: the block device handler and the unlock process's
	 * exit callback may still come during the handoff. */
	if (!(h = calloc(1, sizeof(*h))))
		return -ENOMEM;
	link_child_init(&h->ud.lc, l);
	*ctxp = h;
	h->loop = l;
	h->debug = log_get_max_level() >= LOG_LVL_DEBUG;
	sshd_keep_params(h, cfg, sshd_hook_params, sshd_hook_n_params);
	if ((r = blockdev_handler_register("crypto_LUKS", sshd_luks_found, h)) <
	    0)
		return r;
	if ((r = loop_timer_new(l, sshd_unlockd_restart, h, &h->ud.restart)) <
		0 ||
	    (r = loop_timer_new(l, sshd_status_tick, h, &h->ud.status_timer)) <
		0)
		return r;
	unlockd = sshd_paths()->unlockd ? sshd_paths()->unlockd : UNLOCKD_PATH;
	if (access(unlockd, X_OK) < 0) {
		/* An image made without it (a custom --init): said once,
		 * never restarted in a loop. */
		log_warn("no %s in the image: no LUKS unlocking", unlockd);
	} else {
		if (sshd_unlockd_start(h) < 0)
			loop_timer_arm(h->ud.restart, UNLOCKD_BACKOFF_MIN_USEC);
		loop_timer_arm(h->ud.status_timer, UNLOCKD_STATUS_EVERY_USEC);
	}
	sshd_start_dropbear(h, cfg);
	return 0;
}

static void sshd_hook_stop(void *ctx)
{
	struct sshd_state *h = ctx;
	int r;

	/* dropbear first: its `unlock` sessions finish against the socket. */
	if (h->db) {
		if ((r = dropbear_stop(h->db)) < 0)
			log_err_errno(r, "dropbear did not stop");
		dropbear_free(h->db);
		h->db = NULL;
	}
	sshd_unlockd_stop(h, "boot moved on");
	h->attempt_held = 0; /* the handoff is under way: nothing to release */
	while (h->holds) {
		boot_release();
		h->holds--;
	}
	for (unsigned i = 0; i < h->n_devs; i++)
		free(h->dev[i]);
	h->n_devs = 0;
	for (unsigned i = 0; i < h->n_params; i++)
		free(h->param_value[i]);
	h->n_params = 0;
}

static void sshd_hook_emergency(void *ctx, const char *reason)
{
	struct sshd_state *h = ctx;

	(void)reason;
	/* dropbear and the unlock socket stay up: rescue over SSH. */
	if (h->db && dropbear_pid(h->db) > 0)
		log_info("SSH stays up for rescue");
	sshd_push_status(h, 0); /* a resume would act now */
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

static const unsigned sshd_hook_n_params =
    sizeof(sshd_hook_params) / sizeof(sshd_hook_params[0]);

/* In init_hook_table (init/module.mk generates it from INIT_HOOKS). */
const struct init_hook sshd_hook = {
    .name = "sshd",
    .params = sshd_hook_params,
    .n_params = sizeof(sshd_hook_params) / sizeof(sshd_hook_params[0]),
    .start = sshd_hook_start,
    .stop = sshd_hook_stop,
    .emergency = sshd_hook_emergency,
};
