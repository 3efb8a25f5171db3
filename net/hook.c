/* hook: net as an /init hook (init/hooks.h): boot parameters in, network up
 * beside the root search, down before the switch. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sys/stat.h>

#include "common/fileio.h"
#include "common/log.h"
#include "init/child.h"
#include "init/cmdline.h"
#include "init/hooks.h"
#include "net/dhcp_child.h"
#include "net/net.h"
#include "net/runconf.h"
#include "nfs/nfsroot.h"

/* The hook's state: allocated by start, the context of every callback. */
struct net_hook_state {
	struct net *net;
	bool keep;
	bool nfs;     /* the root is on NFS: its address must not expire */
	bool holding; /* the switch waits for the network (rd.neednet) */
	/* the /run/net-IFACE.conf files written, removed unless kept */
	char run_files[NET_MAX_IFACES][64];
	unsigned n_run_files;
};

/* The DHCP parser is reaped by init's one reaper, never by net. */
static const struct dhcp_child_watch net_hook_child_watch = {
    .watch = child_watch,
    .forget = child_forget,
};

/* Parameters net reads from boot.conf and the kernel command line. */
/* The parser refuses what net_config_parse_param() would (a scratch config). */
static int net_param_check(const char *name, const char *value)
{
	struct net_config c;
	int r;

	net_config_init(&c);
	r = net_config_parse_param(&c, name, value);
	return r < 0 && r != -E2BIG ? -EINVAL : 0;
}

static const struct boot_param_decl net_hook_params[] = {
    {"ip", BOOT_PARAM_VALUE, net_param_check},
    {"ifname", BOOT_PARAM_VALUE, net_param_check},
    {"rd.neednet", BOOT_PARAM_OPTIONAL, net_param_check},
    {"sesame.net_keep", BOOT_PARAM_OPTIONAL, net_param_check},
    {"sesame.dhcp_timeout", BOOT_PARAM_VALUE, net_param_check},
    {"sesame.dhcp_release", BOOT_PARAM_OPTIONAL, net_param_check},
    {"sesame.hostname", BOOT_PARAM_VALUE, net_param_check},
};

/*
 * /etc/resolv.conf of the initramfs, for the rescue shell; it goes away
 * with the initramfs at switch_root.
 */
static void net_hook_write_resolv(const struct net_lease *l)
{
	char buf[512], a[INET_ADDRSTRLEN];
	size_t off = 0;
	int r;

	if (l->n_dns == 0)
		return;
	if (l->domain[0])
		off += (size_t)snprintf(buf, sizeof(buf), "search %.200s\n",
					l->domain);
	for (unsigned i = 0; i < l->n_dns && off < sizeof(buf); i++)
		off += (size_t)snprintf(
		    buf + off, sizeof(buf) - off, "nameserver %s\n",
		    inet_ntop(AF_INET, &l->dns[i], a, sizeof(a)));
	if (off >= sizeof(buf))
		return;
	if ((r = file_write_atomic("/etc/resolv.conf", buf, off, 0644)) < 0)
		log_debug("net: /etc/resolv.conf: %s", strerror(-r));
}

static void net_hook_note_run_file(struct net_hook_state *n, const char *path)
{
	for (unsigned i = 0; i < n->n_run_files; i++)
		if (!strcmp(n->run_files[i], path))
			return;
	if (n->n_run_files < NET_MAX_IFACES)
		snprintf(n->run_files[n->n_run_files++],
			 sizeof(n->run_files[0]), "%s", path);
}

/*
 * The files say "this interface is configured": when the network is torn
 * down at the switch they would lie, and the real system's ifupdown
 * would leave the interface alone (seen: a Debian root without network).
 */
static void net_hook_remove_run_files(struct net_hook_state *n)
{
	for (unsigned i = 0; i < n->n_run_files; i++)
		if (unlink(n->run_files[i]) < 0 && errno != ENOENT)
			log_warn("net: removing %s: %s", n->run_files[i],
				 strerror(errno));
	n->n_run_files = 0;
	if (unlink(NET_PNP_PATH) < 0 && errno != ENOENT)
		log_warn("net: removing %s: %s", NET_PNP_PATH, strerror(errno));
}

/*
 * What the real system can read of the network it was handed: /run moves
 * into the new root. initramfs-tools' /run/net-IFACE.conf and a
 * /proc/net/pnp-style resolver file (docs/network.md).
 */
static void net_hook_write_run(struct net_hook_state *st,
			       const struct net_lease *l)
{
	char buf[1024], path[64];
	int n, r;

	if ((n = net_runconf_format(l, buf, sizeof(buf))) < 0)
		return;
	snprintf(path, sizeof(path), "%s/net-%s.conf", NET_RUNCONF_DIR,
		 l->ifname);
	if ((r = file_write_atomic(path, buf, (size_t)n, 0644)) < 0)
		log_warn("net: %s: %s", path, strerror(-r));
	else
		net_hook_note_run_file(st, path);
	if ((n = net_pnp_format(l, buf, sizeof(buf))) < 0)
		return;
	(void)mkdir("/run/sesame", 0755);
	if ((r = file_write_atomic(NET_PNP_PATH, buf, (size_t)n, 0644)) < 0)
		log_warn("net: %s: %s", NET_PNP_PATH, strerror(-r));
}

/* What an NFS mount needs to know (init/hooks.h); l NULL: the address is
 * gone. */
static void net_hook_tell_boot(const struct net_lease *l)
{
	struct boot_net_info info = {0};

	if (l) {
		info.up = true;
		info.client = l->addr;
		info.server_id = l->server;
		info.next_server = l->next_server;
		info.hostname = l->hostname[0] ? l->hostname : NULL;
		info.root_path = l->root_path[0] ? l->root_path : NULL;
	}
	boot_net_configured(&info);
}

/* Why net holds the switch: init's log and status say it. */
#define NET_HOLD_WHY "rd.neednet: the network comes first"

/* Lets the switch go on: the network is up, or its timeout passed. */
static void net_hook_release(struct net_hook_state *n)
{
	if (!n->holding)
		return;
	n->holding = false;
	boot_release_handoff(NET_HOLD_WHY);
}

static void net_hook_event(void *data, enum net_event ev,
			   const struct net_lease *l)
{
	struct net_hook_state *n = data;
	char a[INET_ADDRSTRLEN];

	if (ev == NET_EV_CONFIGURED || ev == NET_EV_TIMEOUT)
		net_hook_release(n);
	if ((ev == NET_EV_CONFIGURED && l) || ev == NET_EV_LOST)
		net_hook_tell_boot(ev == NET_EV_CONFIGURED ? l : NULL);
	if (ev == NET_EV_CONFIGURED && l) {
		log_info("reachable on %s at %s (ssh root@%s)", l->ifname,
			 inet_ntop(AF_INET, &l->addr, a, sizeof(a)), a);
		net_hook_write_resolv(l);
		net_hook_write_run(n, l);
	} else if (ev == NET_EV_TIMEOUT)
		log_warn("no network yet; the console prompt works, boot goes "
			 "on, and DHCP keeps trying");
}

/* NFS root (or rd.neednet) keeps the network across switch_root. */
static bool net_root_needs_network(const struct boot_config *cfg)
{
	const char *root = boot_config_get(cfg, "root");
	unsigned it = 0;
	const char *v;

	if (boot_config_find(cfg, "nfsroot", &it, &v) != 0)
		v = NULL;
	return nfs_root_wanted(root, v);
}

static int net_hook_start(struct loop *l, const struct boot_config *cfg,
			  void **ctxp)
{
	struct net_hook_state *n = calloc(1, sizeof(*n));
	struct net_hooks h = {net_hook_event, n, &net_hook_child_watch};
	struct net_config c;
	int r;

	if (!n)
		return -ENOMEM;
	net_config_init(&c);
	for (size_t i = 0;
	     i < sizeof(net_hook_params) / sizeof(net_hook_params[0]); i++) {
		const char *name = net_hook_params[i].name;
		unsigned it = 0;
		const char *v;
		while (boot_config_find(cfg, name, &it, &v) == 0) {
			r = net_config_parse_param(&c, name, v);
			if (r < 0)
				log_warn("%s: %s, ignored", name,
					 r == -E2BIG ? "too many"
						     : "malformed");
		}
	}
	n->nfs = net_root_needs_network(cfg);
	n->keep = c.keep || n->nfs;
	/*
	 * A kept network is one the real system needs: as dracut does for
	 * rd.neednet, the switch waits until it is configured or until the
	 * DHCP timeout (whose timer runs even with no NIC at all). Held
	 * before net_start(), which may configure a static address at once.
	 * With ip=off there is no network and no timer to wait for: never
	 * hold then (issue 9 item 15: the switch waited forever).
	 */
	if (n->keep && c.disabled)
		log_warn("net: ip=off: the switch does not wait for a network "
			 "(rd.neednet, sesame.net_keep or NFS root ignored)");
	else if (n->keep) {
		n->holding = true;
		boot_hold_handoff(NET_HOLD_WHY);
	}
	if ((r = net_start(l, &c, &h, &n->net)) < 0) {
		net_hook_release(n);
		free(n);
		return r;
	}
	*ctxp = n;
	return 0;
}

static void net_hook_stop(void *ctx)
{
	struct net_hook_state *n = ctx;
	/* an NFS mount from fstab (/usr, say) needs the network too */
	bool nfs = n->nfs || boot_needs_network();
	bool keep = n->keep || nfs;
	int r;

	net_hook_release(n);
	if (nfs && (r = net_keep_forever(n->net)) > 0)
		log_info("net: NFS: the address%s kept without a lifetime "
			 "(the real system renews or keeps it)",
			 r > 1 ? "es are" : " is");
	net_teardown(n->net, keep);
	n->net = NULL;
	if (!keep)
		net_hook_remove_run_files(n);
	free(n); /* net, and with it every callback to n, is gone */
}

/* In init_hook_table (init/module.mk generates it from INIT_HOOKS). */
const struct init_hook net_hook = {
    .name = "net",
    .params = net_hook_params,
    .n_params = sizeof(net_hook_params) / sizeof(net_hook_params[0]),
    .start = net_hook_start,
    .stop = net_hook_stop,
    /* On emergency the network stays up: SSH is the way to rescue. */
};
