/* boot_nfs: NFS root (and NFS mounts from fstab): waits for the network,
 * mounts through the nfs-mount child with retries, and says why not; on the
 * struct boot it is given (the hooks' entry points: PID 1's). */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "common/log.h"
#include "common/strutil.h"
#include "init/bootstate.h"
#include "init/child.h"
#include "init/hooks.h"
#include "common/loop.h"
#include "init/sys.h"
#include "nfs/mount.h"

/* One attempt may take this long: a server that does not answer makes
 * mount(2) wait for minutes (timeo and retrans of a hard mount). */
#define NFS_ATTEMPT_USEC (30u * 1000000u)
/* sesame.nfs_overlay: the NFS root read-only here, a tmpfs for the changes
 * there, an overlay of both on NEWROOT. Under /run, which moves into the
 * real root, so the real system sees both. */
#define NFS_LOWER "/run/sesame/nfs-root"
#define NFS_OVERLAY "/run/sesame/overlay"

/* The wait between attempts doubles up to this. */
#define NFS_BACKOFF_MAX_SEC 16u

static void boot_nfs_done(pid_t pid, int status, void *data);

/* The NFS root is at NFS_LOWER (ro): a tmpfs upper and the overlay on
 * NEWROOT, so a lab of identical machines shares one read-only root. */
static int boot_nfs_overlay(void)
{
	static const char *const dirs[] = {NFS_OVERLAY "/upper",
					   NFS_OVERLAY "/work"};
	int r;

	sys_mkdir(NFS_OVERLAY, 0755);
	if ((r = sys_mount("sesame-overlay", NFS_OVERLAY, "tmpfs",
			   MS_NOSUID | MS_NODEV, "mode=0755")) < 0)
		return log_err_errno(r, "tmpfs on %s", NFS_OVERLAY);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if ((r = sys_mkdir(dirs[i], 0755)) < 0 && r != -EEXIST)
			return log_err_errno(r, "%s", dirs[i]);
	if ((r = sys_mount("overlay", NEWROOT, "overlay", 0,
			   "lowerdir=" NFS_LOWER ",upperdir=" NFS_OVERLAY
			   "/upper,workdir=" NFS_OVERLAY "/work")) < 0)
		return log_err_errno(r, "overlay on %s", NEWROOT);
	log_info("nfs: the root is %s (read-only) under a tmpfs overlay "
		 "(sesame.nfs_overlay=1); changes live in memory only",
		 NFS_LOWER);
	return 0;
}

int boot_nfs_item(struct mount_item *it, const char *root, const char *nfsroot,
		  char *err, size_t errlen)
{
	int r;

	if ((r = nfs_root_parse(root, nfsroot, &it->nfs, err, errlen)) < 0)
		return r;
	it->is_nfs = true;
	it->check = false;
	str_copy(it->fstype, sizeof(it->fstype),
		 it->nfs.vers == NFS_VERS_3 ? "nfs" : "nfs4");
	if (it->nfs.ro >= 0)
		it->base_flags = it->nfs.ro ? MS_RDONLY : 0;
	snprintf(it->dev.node, sizeof(it->dev.node), "%.63s",
		 root && strcmp(root, "/dev/nfs") ? root : "/dev/nfs");
	return 0;
}

static bool boot_nfs_needed(const struct boot *b)
{
	for (unsigned i = 0; i < b->n_items; i++)
		if (b->items[i].is_nfs)
			return true;
	return false;
}

/* For the hooks: PID 1's boot. */
bool boot_needs_network(void)
{
	return boot_nfs_needed(&boot);
}

static int boot_nfs_timer_fire(struct loop *l, struct loop_timer *t, void *data)
{
	struct boot *b = data;

	(void)l;
	(void)t;
	if (b->nfs.pid > 0) {
		/* The attempt's deadline: mount(2) waits killably. */
		b->nfs.timed_out = true;
		sys_kill(b->nfs.pid, SIGKILL);
		return 0;
	}
	boot_schedule(false);
	return 0;
}

static int boot_nfs_arm(struct boot *b, uint64_t usec)
{
	int r;

	if (!b->nfs.timer && (r = loop_timer_new(b->loop, boot_nfs_timer_fire,
						 b, &b->nfs.timer)) < 0)
		return log_err_errno(r, "nfs: timer");
	return loop_timer_arm(b->nfs.timer, usec);
}

/* For the net hook: PID 1's boot. */
void boot_net_configured(const struct boot_net_info *info)
{
	struct boot *b = &boot;
	struct boot_net_state *n = &b->net;

	memset(n, 0, sizeof(*n));
	n->up = info->up;
	if (!info->up)
		return;
	n->client = info->client;
	n->server_id = info->server_id;
	n->next_server = info->next_server;
	if (info->hostname)
		snprintf(n->hostname, sizeof(n->hostname), "%s",
			 info->hostname);
	if (info->root_path)
		snprintf(n->root_path, sizeof(n->root_path), "%s",
			 info->root_path);
	/* An NFS mount that waited for this goes on from the loop. */
	if (boot_nfs_needed(b) && b->nfs.pid == 0)
		boot_schedule(false);
}

int boot_nfs_start(struct boot *b, struct mount_item *it, char *what,
		   size_t size, const char **hint)
{
	struct nfs_env env = {0};
	struct nfs_mount_cmd cmd;
	char err[NFS_ERR_MAX];
	struct nfs_root nr = it->nfs;
	bool overlay;
	pid_t pid;
	int r;

	if (!b->net.up) {
		if (b->nfs.attempts == 0 && !b->nfs.last_error[0]) {
			log_info("%s on NFS: waiting for the network",
				 it->target);
			snprintf(b->nfs.last_error, sizeof(b->nfs.last_error),
				 "no network address yet");
		}
		return 0;
	}
	if (b->nfs.pid > 0)
		return 1;
	env.client = b->net.client;
	env.server_id = b->net.server_id;
	env.next_server = b->net.next_server;
	env.hostname = b->net.hostname;
	env.root_path = b->net.root_path[0] ? b->net.root_path : NULL;
	overlay = !strcmp(it->target, "/") && b->cfg.nfs_overlay;
	if (overlay) {
		sys_mkdir("/run/sesame", 0755);
		sys_mkdir(NFS_LOWER, 0755);
	}
	if ((r = nfs_root_resolve(&nr, &env, err, sizeof(err))) < 0 ||
	    (r = nfs_mount_argv(&nr, overlay ? NFS_LOWER : NEWROOT,
				overlay || (it->base_flags & MS_RDONLY),
				&cmd)) < 0) {
		if (r == -ENAMETOOLONG)
			snprintf(err, sizeof(err), "mount arguments too long");
		snprintf(what, size, "NFS %s: %s",
			 strcmp(it->target, "/") ? it->target : "root", err);
		*hint = "check root=, nfsroot= and the DHCP server's root "
			"path (option 17)";
		return -EINVAL;
	}
	if (strcmp(it->target, "/")) {
		/* fstab targets are inside the new root */
		int n = snprintf(cmd.target, sizeof(cmd.target), "%s%s",
				 NEWROOT, it->target);
		if (n < 0 || (size_t)n >= sizeof(cmd.target)) {
			snprintf(what, size, "NFS %s: path too long",
				 it->target);
			*hint = NULL;
			return -ENAMETOOLONG;
		}
	}
	b->nfs.attempts++;
	log_info("nfs: mounting %s on %s (attempt %u)", cmd.src, it->target,
		 b->nfs.attempts);
	b->nfs.timed_out = false;
	b->nfs.item = it;
	r = child_spawn(cmd.argv, 0, boot_nfs_done, b, &pid);
	if (r < 0) {
		snprintf(b->nfs.last_error, sizeof(b->nfs.last_error),
			 "cannot start %s: %s", NFS_MOUNT_PATH, strerror(-r));
		log_err("nfs: %s", b->nfs.last_error);
		boot_nfs_arm(b, (uint64_t)NFS_BACKOFF_MAX_SEC * 1000000u);
		return 1;
	}
	b->nfs.pid = pid;
	it->state = ITEM_NFS;
	boot_nfs_arm(b, NFS_ATTEMPT_USEC);
	return 1;
}

static void boot_nfs_done(pid_t pid, int status, void *data)
{
	struct boot *b = data;
	struct mount_item *it = b->nfs.item;
	unsigned delay;

	(void)pid;
	b->nfs.pid = 0;
	if (it->state != ITEM_NFS)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    !strcmp(it->target, "/") && b->cfg.nfs_overlay &&
	    boot_nfs_overlay() < 0) {
		it->state = ITEM_WAIT;
		snprintf(it->error, sizeof(it->error),
			 "NFS root: the overlay (sesame.nfs_overlay=1) could "
			 "not be set up");
		it->error_hint = "is the overlay module in the image? (sesame "
				 "build -m overlay)";
		boot_schedule(false);
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		/* mounted; the child said which version */
		it->nfs_mounted = true;
		it->state = ITEM_READY;
		b->nfs.last_error[0] = '\0';
		loop_timer_arm(b->nfs.timer, 0);
		boot_schedule(false);
		return;
	}
	it->state = ITEM_WAIT;
	if (b->nfs.timed_out)
		snprintf(b->nfs.last_error, sizeof(b->nfs.last_error),
			 "the server did not answer within %u s",
			 NFS_ATTEMPT_USEC / 1000000u);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		snprintf(b->nfs.last_error, sizeof(b->nfs.last_error),
			 "%s refused its command line", NFS_MOUNT_PATH);
	else if (WIFEXITED(status))
		snprintf(b->nfs.last_error, sizeof(b->nfs.last_error), "%s",
			 strerror(WEXITSTATUS(status)));
	else
		snprintf(b->nfs.last_error, sizeof(b->nfs.last_error),
			 "%s died of signal %d", NFS_MOUNT_PATH,
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	delay = b->nfs.attempts < 5 ? 1u << (b->nfs.attempts - 1)
				    : NFS_BACKOFF_MAX_SEC;
	if (delay > NFS_BACKOFF_MAX_SEC)
		delay = NFS_BACKOFF_MAX_SEC;
	log_warn("nfs: %s: attempt %u failed: %s; next in %u s", it->target,
		 b->nfs.attempts, b->nfs.last_error, delay);
	boot_nfs_arm(b, (uint64_t)delay * 1000000u);
}

void boot_nfs_describe(const struct boot *b, const struct mount_item *it,
		       char *buf, size_t size)
{
	const struct nfs_root *nr = &it->nfs;
	const char *what = strcmp(it->target, "/") ? it->target : "root";

	if (!b->net.up)
		snprintf(buf, size,
			 "NFS %s: no network address after %u s, so the "
			 "server was never asked",
			 what, b->cfg.timeout_sec);
	else
		snprintf(buf, size,
			 "NFS %s %s%s%s not mounted after %u s and %u "
			 "attempt(s); last error: %s",
			 what,
			 nr->server[0] ? nr->server : "(server from DHCP)",
			 nr->path[0] ? ":" : "", nr->path, b->cfg.timeout_sec,
			 b->nfs.attempts,
			 b->nfs.last_error[0] ? b->nfs.last_error : "none yet");
}
