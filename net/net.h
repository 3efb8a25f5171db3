/* net: early-boot networking for /init: boot parameters, links, DHCPv4 or
 * static, teardown. */
#ifndef SESAME_NET_H
#define SESAME_NET_H

#include <netinet/in.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/dhcp_packet.h"

struct dhcp_child_watch;
struct loop;
struct net;

#define NET_MAX_IFACES 8
#define NET_MAX_IFNAMES 8
#define NET_CLIENT_ID_MAX 64

/* ---- configuration (boot parameters, boot.conf) ------------------------- */

enum net_method {
	NET_METHOD_DHCP = 1,
	NET_METHOD_STATIC,
};

/*
 * One ip= parameter. An empty ifname means "any Ethernet NIC" (or the NIC
 * with mac, when has_mac). Several ip= are kept side by side: one per
 * interface (a later one for the same interface replaces it), one per MAC,
 * and one without either.
 */
struct net_ip_param {
	enum net_method method;
	char ifname[IFNAMSIZ];
	struct in_addr addr;   /* static only */
	uint8_t prefix;	       /* static only */
	struct in_addr gw;     /* 0.0.0.0: none */
	struct in_addr server; /* the kernel syntax's NFS server field */
	struct in_addr dns[2];
	char hostname[DHCP_HOSTNAME_MAX];
	uint16_t mtu;	/* 0: leave the link's */
	uint8_t mac[6]; /* dracut's trailing MAC: match the link by it */
	bool has_mac;
	/*
	 * The kernel's ip=dhcp,<type>,<value>: DHCP option 61 is the type
	 * byte and the value; 0 bytes: the default (type 1 and the MAC).
	 */
	uint8_t client_id[NET_CLIENT_ID_MAX];
	uint8_t client_id_len;
};

/* ifname=<name>:<mac>: the link with this MAC is renamed to name. */
struct net_ifname_param {
	char ifname[IFNAMSIZ];
	uint8_t mac[6];
};

struct net_config {
	bool disabled; /* ip=off / ip=none */
	unsigned n_ip;
	struct net_ip_param ip[NET_MAX_IFACES];
	unsigned n_ifnames;
	struct net_ifname_param ifnames[NET_MAX_IFNAMES];
	/* rd.neednet, sesame.net_keep: leave the network up at handoff. */
	bool keep;
	/* sesame.dhcp_timeout=SECONDS: when to report "no lease". */
	unsigned dhcp_timeout_s;
	/* sesame.dhcp_release=0|1: send DHCPRELEASE at teardown. */
	bool dhcp_release;
	/* sesame.hostname=NAME: sent in DHCP option 12. */
	char hostname[DHCP_HOSTNAME_MAX];
};

/* Defaults: DHCP on every Ethernet NIC, 60 s timeout, release at teardown. */
void net_config_init(struct net_config *c);
/*
 * Takes one boot parameter (name without '=', value NULL for a bare word
 * such as "rd.neednet"). Returns 0 when handled, -ENOENT when the name is
 * not net's, -EINVAL when malformed (c unchanged; the caller logs the name
 * and boots on), -E2BIG when there are more ip=/ifname= than we hold.
 * Handles: ip=, ifname=, rd.neednet, sesame.dhcp_timeout,
 * sesame.dhcp_release, sesame.hostname, sesame.net_keep.
 */
int net_config_parse_param(struct net_config *c, const char *name,
			   const char *value);
/* Parses one ip= value into *p (exposed for tests and fuzzing). */
int net_config_parse_ip(const char *value, struct net_ip_param *p);
/* Parses "aa:bb:cc:dd:ee:ff" (also with '-'). */
int net_config_parse_mac(const char *s, size_t len, uint8_t mac[6]);

/* ---- running ------------------------------------------------------------- */

/* What an interface got: a DHCP lease or a static configuration. */
struct net_lease {
	char ifname[IFNAMSIZ];
	int ifindex;
	bool from_dhcp;
	struct in_addr addr;
	uint8_t prefix;
	struct in_addr gw;     /* 0.0.0.0: none (or the routes of option 121) */
	struct in_addr server; /* DHCP server id, or ip='s server field */
	struct in_addr next_server; /* DHCP siaddr (NFS root); 0.0.0.0: none */
	unsigned n_dns;
	struct in_addr dns[DHCP_MAX_DNS];
	uint16_t mtu;
	uint32_t lease_time; /* seconds; 0 for static */
	char hostname[DHCP_HOSTNAME_MAX];
	char domain[DHCP_DOMAIN_MAX];
	char root_path[DHCP_ROOT_PATH_MAX]; /* option 17, for NFS root */
};

enum net_event {
	/* An address is configured: start dropbear, print how to reach us. */
	NET_EV_CONFIGURED = 1,
	/* The address went away (lease lost, NAK): stop waiting on it. */
	NET_EV_LOST,
	/* No lease within dhcp_timeout_s; DHCP carries on in the background. */
	NET_EV_TIMEOUT,
};

struct net_hooks {
	/* lease is valid during the call only; may be NULL for TIMEOUT. */
	void (*on_event)(void *data, enum net_event ev,
			 const struct net_lease *lease);
	void *data;
	/* Who reaps the DHCP parser (net/dhcp_child.h); NULL: net itself. */
	const struct dhcp_child_watch *child_watch;
};

/*
 * Starts networking in loop l: watches rtnetlink for links (so NICs whose
 * driver loads later are picked up without init's help), renames links per
 * ifname=, brings up the wanted ones, applies static ip= or runs DHCP, and
 * reports through hooks. With no interface named, every Ethernet NIC is
 * brought up and the first to get a lease is used (the others are brought
 * down again). c and hooks are copied. Needs CAP_NET_ADMIN and CAP_NET_RAW;
 * forks one unprivileged child (the DHCP parser), reaped as
 * hooks->child_watch says (init's reaper in PID 1) or by net itself.
 * Returns 0 with *np set, or a negative errno. With c->disabled it returns
 * 0 and a net that does nothing.
 */
int net_start(struct loop *l, const struct net_config *c,
	      const struct net_hooks *hooks, struct net **np);
/* The configured interface's lease; -ENOENT while there is none. */
int net_get_lease(const struct net *n, struct net_lease *out);
/*
 * Before switch_root. keep=false: DHCPRELEASE (unless configured off),
 * flush addresses and routes, links down on every interface net brought up,
 * then a fresh rtnetlink dump to check that nothing is left (-EBUSY if
 * something is, after logging it). keep=true (NFS root, rd.neednet): stops
 * DHCP and leaves addresses and routes as they are. Either way net's fds
 * leave the loop and its child is gone; n is freed. NULL is accepted.
 */
int net_teardown(struct net *n, bool keep);
/*
 * Before a kept teardown under an NFS root: makes every configured address
 * permanent. A DHCP address carries its lease as its lifetime (the kernel
 * removes it when the lease ends); with the root on NFS and the real
 * system told to leave the interface alone (docs/nfs.md), that would take
 * the root away. The kernel's own ip= and initramfs-tools do the same.
 * Returns the number of addresses made permanent, or a negative errno.
 */
int net_keep_forever(struct net *n);

#endif
