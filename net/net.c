/* net: picks interfaces from rtnetlink link events, configures them (static or
 * DHCP), tears down. */
#include "net/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "common/log.h"
#include "common/loop.h"
#include "net/dhcp_child.h"
#include "net/dhcp_client.h"
#include "net/rtnl.h"

enum iface_state {
	IF_WAIT_CARRIER,
	IF_DHCP,
	IF_CONFIGURED,
	IF_IDLE, /* lost the race for "any" NIC, or given up */
};

struct net_iface {
	struct net *net;
	struct net_iface *next;
	int ifindex;
	char ifname[IFNAMSIZ];
	uint8_t mac[6];
	/* The ip= that chose it; NULL: the default (DHCP, any NIC). */
	const struct net_ip_param *param;
	bool any; /* chosen as "any Ethernet NIC" */
	bool brought_up;
	bool touched; /* addresses or routes were set */
	bool carrier;
	enum iface_state state;
	struct dhcp_client *dhcp;
	struct net_lease lease;
	struct dhcp_lease applied; /* the DHCP lease now configured */
	bool configured;
	uint32_t metric; /* of every route through it (issue 9 item 13) */
	/* What net changed on the link, put back when it brings it down. */
	unsigned orig_mtu; /* 0: MTU untouched */
	uint8_t orig_mac[6];
	bool mac_changed;
};

/*
 * Routes through the N-th interface get metric NET_METRIC_BASE + its
 * ifindex: two NICs' default routes live side by side, and when one
 * goes the other's is still there.
 */
#define NET_METRIC_BASE 1024u

struct net {
	struct loop *loop;
	struct net_config cfg;
	struct net_hooks hooks;
	struct rtnl *rtnl;
	void *mon;
	int mon_fd;
	struct dhcp_child child;
	struct net_iface *ifaces;
	struct net_iface *winner; /* the "any" NIC whose lease won */
	struct loop_timer *timeout;
	bool any_configured;
	unsigned rename_seq; /* temporary names for ifname= swaps */
	bool rescan;	     /* a rename happened: look at the links again */
};

#define NET_RENAME_TMP "sesame-rn"

static const char *ipstr(struct in_addr a, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static void net_emit(struct net *n, enum net_event ev,
		     const struct net_lease *l)
{
	if (n->hooks.on_event)
		n->hooks.on_event(n->hooks.data, ev, l);
}

static struct net_iface *net_find(struct net *n, int ifindex)
{
	for (struct net_iface *i = n->ifaces; i; i = i->next)
		if (i->ifindex == ifindex)
			return i;
	return NULL;
}

/* Virtual link kinds that are never "an Ethernet NIC" for auto-selection. */
static bool link_is_nic(const struct rtnl_link *l)
{
	static const char *const virtual_kinds[] = {
	    "bridge", "bond",  "team", "dummy", "vlan",	     "macvlan",
	    "ipvlan", "vxlan", "tun",  "gre",	"wireguard", "macvtap",
	};

	if (l->type != ARPHRD_ETHER || (l->flags & IFF_LOOPBACK))
		return false;
	for (size_t i = 0; i < sizeof(virtual_kinds) / sizeof(virtual_kinds[0]);
	     i++)
		if (!strcmp(l->kind, virtual_kinds[i]))
			return false;
	return true;
}

/* The ip= that names this link (by name or by MAC), else the "any" one. */
static const struct net_ip_param *
net_match_param(const struct net *n, const struct rtnl_link *l, bool *any)
{
	const struct net_ip_param *fallback = NULL;

	*any = false;
	for (unsigned i = 0; i < n->cfg.n_ip; i++) {
		const struct net_ip_param *p = &n->cfg.ip[i];
		if (p->ifname[0] && !strcmp(p->ifname, l->ifname))
			return p;
		if (!p->ifname[0] && p->has_mac && l->has_mac &&
		    !memcmp(p->mac, l->mac, 6))
			return p;
		if (!p->ifname[0] && !p->has_mac && !fallback)
			fallback = p;
	}
	if (fallback || n->cfg.n_ip == 0) {
		*any = true;
		return fallback;
	}
	return NULL;
}

/* ---- applying a configuration ------------------------------------------- */

static bool in_subnet(struct in_addr a, struct in_addr net, uint8_t prefix)
{
	uint32_t m = prefix ? 0xffffffffu << (32 - prefix) : 0;

	return ((ntohl(a.s_addr) ^ ntohl(net.s_addr)) & m) == 0;
}

/*
 * A route via gw; when gw is not inside addr/prefix (a /32 lease, or an
 * off-subnet gateway) an on-link host route to gw goes in first, or the
 * kernel refuses the gateway as unreachable.
 */
static int net_route_via(struct net_iface *i, struct in_addr dst,
			 uint8_t prefix, struct in_addr gw, uint8_t proto)
{
	struct net *n = i->net;
	struct in_addr any = {0};
	char g[INET_ADDRSTRLEN];
	int r;

	if (gw.s_addr && (i->lease.prefix == 32 ||
			  !in_subnet(gw, i->lease.addr, i->lease.prefix))) {
		log_info("net: %s: gateway %s is off-subnet: on-link route "
			 "to it first",
			 i->ifname, ipstr(gw, g));
		if ((r = rtnl_route_add(n->rtnl, i->ifindex, gw, 32, any,
					i->lease.addr, proto, i->metric)) < 0)
			return r;
	}
	return rtnl_route_add(n->rtnl, i->ifindex, dst, prefix, gw,
			      i->lease.addr, proto, i->metric);
}

/* The link's MTU, remembering the first one net found to put it back. */
static void net_apply_mtu(struct net_iface *i, unsigned mtu)
{
	struct rtnl_link now;
	int r;

	if (!mtu)
		return;
	if (!i->orig_mtu && rtnl_get_link(i->net->rtnl, i->ifindex, &now) == 0)
		i->orig_mtu = now.mtu;
	if ((r = rtnl_link_set_mtu(i->net->rtnl, i->ifindex, mtu)) < 0)
		log_warn_errno(r, "net: %s: MTU %u", i->ifname, mtu);
}

/*
 * Option 121's routes, or the default route via the router. A route the
 * kernel refuses is a warning, never a reason to drop the address: SSH on
 * the subnet still works (issue 9 item 12).
 */
static void net_apply_routes(struct net_iface *i, const struct dhcp_lease *dl)
{
	struct in_addr any = {0};
	uint8_t proto = dl ? RTPROT_DHCP : RTPROT_STATIC;
	char g[INET_ADDRSTRLEN];
	int r;

	if (dl && (dl->have & DHCP_HAVE_ROUTES)) {
		/* RFC 3442: with option 121 the router option is ignored. */
		for (unsigned k = 0; k < dl->n_routes; k++) {
			const struct dhcp_route *rt = &dl->routes[k];
			if ((r = net_route_via(i, rt->dst, rt->prefix, rt->gw,
					       proto)) < 0)
				log_warn_errno(r, "net: %s: route %u",
					       i->ifname, k);
		}
	} else if (i->lease.gw.s_addr &&
		   (r = net_route_via(i, any, 0, i->lease.gw, proto)) < 0) {
		log_warn_errno(r,
			       "net: %s: default route via %s refused; the "
			       "address stays, reachable on its subnet only",
			       i->ifname, ipstr(i->lease.gw, g));
	}
}

static int net_apply_addr(struct net_iface *i, const struct dhcp_lease *dl)
{
	struct in_addr brd = {0};
	uint32_t valid = RTNL_FOREVER;
	int r;

	if (dl && (dl->have & DHCP_HAVE_BROADCAST))
		brd = dl->broadcast;
	else if (i->lease.prefix < 31)
		brd.s_addr = i->lease.addr.s_addr |
			     htonl(~(0xffffffffu << (32 - i->lease.prefix)));
	/* A DHCP address lives as long as its lease, even without us. */
	if (dl && dl->lease_time != DHCP_INFINITE)
		valid = dl->lease_time;
	if ((r = rtnl_addr_add(i->net->rtnl, i->ifindex, i->lease.addr,
			       i->lease.prefix, brd, valid)) < 0)
		return log_err_errno(r, "net: %s: adding the address",
				     i->ifname);
	return 0;
}

/* Only a refused address fails it; routes and MTU only warn. */
static int net_apply(struct net_iface *i, const struct dhcp_lease *dl)
{
	int r;

	i->touched = true;
	net_apply_mtu(i, i->lease.mtu);
	if ((r = net_apply_addr(i, dl)) < 0)
		return r;
	net_apply_routes(i, dl);
	if (dl)
		i->applied = *dl;
	return 0;
}

/* Puts back the MTU and MAC net changed; the link is down by now. */
static void net_iface_restore(struct net_iface *i)
{
	struct net *n = i->net;
	int r;

	if (i->orig_mtu &&
	    (r = rtnl_link_set_mtu(n->rtnl, i->ifindex, i->orig_mtu)) < 0 &&
	    r != -ENODEV)
		log_warn_errno(r, "net: %s: restoring MTU %u", i->ifname,
			       i->orig_mtu);
	i->orig_mtu = 0;
	if (i->mac_changed &&
	    (r = rtnl_link_set_mac(n->rtnl, i->ifindex, i->orig_mac)) < 0 &&
	    r != -ENODEV)
		log_warn_errno(r, "net: %s: restoring its MAC address",
			       i->ifname);
	i->mac_changed = false;
}

static void net_iface_stop(struct net_iface *i, bool down)
{
	struct net *n = i->net;
	int r;

	dhcp_client_free(i->dhcp);
	i->dhcp = NULL;
	if (i->touched && (r = rtnl_flush(n->rtnl, i->ifindex, down)) < 0)
		log_warn_errno(r, "net: %s: flushing", i->ifname);
	i->touched = false;
	if (down && (i->brought_up || i->configured) &&
	    (r = rtnl_link_set_up(n->rtnl, i->ifindex, false)) < 0 &&
	    r != -ENODEV)
		log_warn_errno(r, "net: %s: link down", i->ifname);
	if (down) {
		i->brought_up = false;
		net_iface_restore(i);
	}
	i->configured = false;
	i->state = IF_IDLE;
}

/* "First lease wins": the other auto-selected NICs are stopped and downed. */
static void net_pick_winner(struct net_iface *w)
{
	struct net *n = w->net;

	if (!w->any || n->winner)
		return;
	n->winner = w;
	log_info("net: using %s: the first Ethernet NIC to get %s", w->ifname,
		 w->lease.from_dhcp ? "a lease" : "carrier");
	for (struct net_iface *i = n->ifaces; i; i = i->next) {
		if (i == w || !i->any || i->state == IF_IDLE)
			continue;
		log_info("net: %s: not used (%s was first); link down",
			 i->ifname, w->ifname);
		net_iface_stop(i, true);
	}
}

static void net_report_configured(struct net_iface *i)
{
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];

	i->state = IF_CONFIGURED;
	i->configured = true;
	log_info("net: %s: configured %s/%u%s%s (%s)", i->ifname,
		 ipstr(i->lease.addr, a), i->lease.prefix,
		 i->lease.gw.s_addr ? " via " : "",
		 i->lease.gw.s_addr ? ipstr(i->lease.gw, g) : "",
		 i->lease.from_dhcp ? "DHCP" : "static");
	net_pick_winner(i);
	net_emit(i->net, NET_EV_CONFIGURED, &i->lease);
}

static void net_lease_from_dhcp(struct net_iface *i,
				const struct dhcp_lease *dl)
{
	struct net_lease *l = &i->lease;

	memset(l, 0, sizeof(*l));
	memcpy(l->ifname, i->ifname, sizeof(l->ifname));
	l->ifindex = i->ifindex;
	l->from_dhcp = true;
	l->addr = dl->yiaddr;
	l->prefix = dl->prefix;
	if (dl->have & DHCP_HAVE_ROUTES) {
		for (unsigned k = 0; k < dl->n_routes; k++)
			if (dl->routes[k].prefix == 0)
				l->gw = dl->routes[k].gw;
	} else if (dl->have & DHCP_HAVE_ROUTER) {
		l->gw = dl->router;
	}
	l->server = dl->server_id;
	l->next_server = dl->next_server;
	l->n_dns = dl->n_dns;
	memcpy(l->dns, dl->dns, sizeof(l->dns));
	if (dl->have & DHCP_HAVE_MTU)
		l->mtu = dl->mtu;
	else if (i->param)
		l->mtu = i->param->mtu;
	l->lease_time = dl->lease_time;
	memcpy(l->hostname, dl->hostname, sizeof(l->hostname));
	memcpy(l->domain, dl->domain, sizeof(l->domain));
	memcpy(l->root_path, dl->root_path, sizeof(l->root_path));
}

static void net_dhcp_lost(void *data);

static bool routes_equal(const struct dhcp_lease *a, const struct dhcp_lease *b)
{
	if ((a->have ^ b->have) & (DHCP_HAVE_ROUTES | DHCP_HAVE_ROUTER) ||
	    a->router.s_addr != b->router.s_addr || a->n_routes != b->n_routes)
		return false;
	for (unsigned k = 0; k < a->n_routes; k++)
		if (a->routes[k].dst.s_addr != b->routes[k].dst.s_addr ||
		    a->routes[k].prefix != b->routes[k].prefix ||
		    a->routes[k].gw.s_addr != b->routes[k].gw.s_addr)
			return false;
	return true;
}

/*
 * A renewal of the address we have (issue 9 item 18): the lifetime is
 * refreshed, and whatever else the server changed is applied: a new
 * prefix or broadcast re-adds the address, new routes replace ours, a
 * new MTU is set, and new DNS servers or names reach the hooks again.
 */
static void net_dhcp_renewed(struct net_iface *i, const struct dhcp_lease *dl)
{
	struct net_lease old = i->lease;
	struct dhcp_lease prev = i->applied;
	int r;

	net_lease_from_dhcp(i, dl);
	if (prev.prefix != dl->prefix ||
	    ((prev.have ^ dl->have) & DHCP_HAVE_BROADCAST) ||
	    prev.broadcast.s_addr != dl->broadcast.s_addr) {
		log_info("net: %s: the renewal changed the subnet; "
			 "re-adding the address",
			 i->ifname);
		rtnl_flush(i->net->rtnl, i->ifindex, false);
		if (net_apply(i, dl) < 0) {
			net_dhcp_lost(i);
			return;
		}
		net_report_configured(i);
		return;
	}
	net_apply_addr(i, dl); /* the new lifetime */
	i->applied = *dl;
	if (!routes_equal(&prev, dl)) {
		log_info("net: %s: the renewal changed the routes", i->ifname);
		if ((r = rtnl_flush_routes(i->net->rtnl, i->ifindex)) < 0)
			log_warn_errno(r, "net: %s: removing old routes",
				       i->ifname);
		net_apply_routes(i, dl);
	}
	if (i->lease.mtu != old.mtu)
		net_apply_mtu(i, i->lease.mtu);
	if (!routes_equal(&prev, dl) || i->lease.mtu != old.mtu ||
	    i->lease.n_dns != old.n_dns ||
	    memcmp(i->lease.dns, old.dns, sizeof(old.dns)) ||
	    strcmp(i->lease.domain, old.domain) ||
	    strcmp(i->lease.hostname, old.hostname) ||
	    strcmp(i->lease.root_path, old.root_path))
		net_report_configured(i);
}

static void net_dhcp_bound(void *data, const struct dhcp_lease *dl)
{
	struct net_iface *i = data;

	if (i->configured && i->lease.addr.s_addr == dl->yiaddr.s_addr) {
		net_dhcp_renewed(i, dl);
		return;
	}
	/*
	 * A new address: the client reported the old one lost first, so
	 * this only clears what a failed earlier apply may have left. (Not
	 * net_iface_stop(): we are inside this client's own callback.)
	 */
	if (i->touched)
		rtnl_flush(i->net->rtnl, i->ifindex, false);
	net_lease_from_dhcp(i, dl);
	if (net_apply(i, dl) < 0) {
		rtnl_flush(i->net->rtnl, i->ifindex, false);
		return;
	}
	net_report_configured(i);
}

static void net_dhcp_lost(void *data)
{
	struct net_iface *i = data;
	int r;

	if (!i->configured)
		return;
	if ((r = rtnl_flush(i->net->rtnl, i->ifindex, false)) < 0)
		log_warn_errno(r, "net: %s: flushing", i->ifname);
	i->configured = false;
	i->state = IF_DHCP;
	log_warn("net: %s: lease lost; address removed", i->ifname);
	net_emit(i->net, NET_EV_LOST, &i->lease);
}

static const struct dhcp_client_ops net_dhcp_ops = {
    .bound = net_dhcp_bound,
    .lost = net_dhcp_lost,
};

static void net_iface_carrier(struct net_iface *i)
{
	struct net *n = i->net;
	const struct net_ip_param *p = i->param;
	int r;

	if (p && p->method == NET_METHOD_STATIC) {
		struct net_lease *l = &i->lease;
		memset(l, 0, sizeof(*l));
		memcpy(l->ifname, i->ifname, sizeof(l->ifname));
		l->ifindex = i->ifindex;
		l->addr = p->addr;
		l->prefix = p->prefix;
		l->gw = p->gw;
		l->server = p->server;
		for (unsigned k = 0; k < 2; k++)
			if (p->dns[k].s_addr)
				l->dns[l->n_dns++] = p->dns[k];
		l->mtu = p->mtu;
		memcpy(l->hostname, p->hostname, sizeof(l->hostname));
		if (net_apply(i, NULL) < 0) {
			rtnl_flush(n->rtnl, i->ifindex, false);
			i->state = IF_IDLE;
			return;
		}
		net_report_configured(i);
		return;
	}
	struct dhcp_client_params dp = {
	    .ifindex = i->ifindex,
	    .ifname = i->ifname,
	    .hostname = p && p->hostname[0]  ? p->hostname
			: n->cfg.hostname[0] ? n->cfg.hostname
					     : NULL,
	};
	memcpy(dp.mac, i->mac, 6);
	if (p && p->client_id_len) {
		dp.client_id = p->client_id;
		dp.client_id_len = p->client_id_len;
	}
	if (p)
		net_apply_mtu(i, p->mtu);
	if ((r = dhcp_client_start(n->loop, &dp, &n->child, &net_dhcp_ops, i,
				   &i->dhcp)) < 0) {
		log_err_errno(r, "net: %s: starting DHCP", i->ifname);
		i->state = IF_IDLE;
		return;
	}
	i->state = IF_DHCP;
}

/* The ifname= rule for this MAC, or NULL. */
static const struct net_ifname_param *net_ifname_rule(const struct net *n,
						      const uint8_t mac[6])
{
	for (unsigned k = 0; k < n->cfg.n_ifnames; k++)
		if (!memcmp(n->cfg.ifnames[k].mac, mac, 6))
			return &n->cfg.ifnames[k];
	return NULL;
}

/*
 * The name we want is held by a link that ifname= moves elsewhere (two
 * names swapped, or a rotation): true when the holder will free it, so we
 * may step aside to a temporary name meanwhile.
 */
static bool net_name_will_free(struct net *n, const char *name)
{
	const struct net_ifname_param *q;
	struct rtnl_link h;
	unsigned idx = if_nametoindex(name);

	if (!idx || rtnl_get_link(n->rtnl, (int)idx, &h) < 0 || !h.has_mac ||
	    (h.flags & IFF_UP))
		return false;
	q = net_ifname_rule(n, h.mac);
	return q && strcmp(q->ifname, name) != 0;
}

/*
 * ifname=: a link with a listed MAC gets its name (only while down). When
 * the name is held by a link that is itself to be renamed, this one goes
 * to a temporary name first ("sesame-rnN") and takes its name when the
 * other has moved (issue 9 item 16: a swap failed with EEXIST both ways).
 * Returns true when a rename was done: the RTM_NEWLINK with the new name
 * follows, and the link is looked at again then.
 */
static bool net_maybe_rename(struct net *n, const struct rtnl_link *l)
{
	const struct net_ifname_param *p;
	char tmp[IFNAMSIZ];
	bool parked;
	int r;

	if (!l->has_mac || !(p = net_ifname_rule(n, l->mac)) ||
	    !strcmp(p->ifname, l->ifname))
		return false;
	if (l->flags & IFF_UP) {
		log_warn("net: %s: is up, cannot rename it to %s", l->ifname,
			 p->ifname);
		return false;
	}
	r = rtnl_link_set_name(n->rtnl, l->ifindex, p->ifname);
	parked = !strncmp(l->ifname, NET_RENAME_TMP, strlen(NET_RENAME_TMP));
	if (r == -EEXIST && !parked && net_name_will_free(n, p->ifname)) {
		snprintf(tmp, sizeof(tmp), NET_RENAME_TMP "%u",
			 n->rename_seq++ % 100);
		if ((r = rtnl_link_set_name(n->rtnl, l->ifindex, tmp)) == 0) {
			log_info("net: renamed %s to %s on the way to %s "
				 "(ifname=, %s is still taken)",
				 l->ifname, tmp, p->ifname, p->ifname);
			n->rescan = true;
			return true;
		}
	} else if (r == -EEXIST && parked) {
		/* Still taken: the holder's rename comes; retried then. */
		log_debug("net: %s: %s still taken", l->ifname, p->ifname);
		return false;
	}
	if (r < 0) {
		log_warn_errno(r, "net: renaming %s to %s", l->ifname,
			       p->ifname);
		return false;
	}
	log_info("net: renamed %s to %s (ifname=)", l->ifname, p->ifname);
	n->rescan = true;
	return true;
}

static void net_iface_free(struct net *n, struct net_iface *gone)
{
	for (struct net_iface **ip = &n->ifaces; *ip; ip = &(*ip)->next)
		if (*ip == gone) {
			*ip = gone->next;
			break;
		}
	if (n->winner == gone)
		n->winner = NULL;
	dhcp_client_free(gone->dhcp);
	free(gone);
}

static void net_link(void *data, const struct rtnl_link *l)
{
	struct net *n = data;
	struct net_iface *i = net_find(n, l->ifindex);
	const struct net_ip_param *p;
	bool any, carrier = l->flags & IFF_LOWER_UP;
	int r;

	if (l->flags & IFF_LOOPBACK)
		return;
	if (l->deleted) {
		if (!i)
			return;
		log_info("net: %s: link removed", i->ifname);
		if (i->configured)
			net_emit(n, NET_EV_LOST, &i->lease);
		net_iface_free(n, i);
		return;
	}
	if (i) {
		memcpy(i->ifname, l->ifname, sizeof(i->ifname));
		if (carrier != i->carrier)
			log_info("net: %s: carrier %s", i->ifname,
				 carrier ? "up" : "down");
		i->carrier = carrier;
		if (carrier && i->state == IF_WAIT_CARRIER)
			net_iface_carrier(i);
		return;
	}
	if (net_maybe_rename(n, l))
		return;
	/* Parked on a temporary name until its own name is free: not used
	 * under the temporary one (a later rename triggers a rescan). */
	if (!strncmp(l->ifname, NET_RENAME_TMP, strlen(NET_RENAME_TMP)) &&
	    l->has_mac && net_ifname_rule(n, l->mac))
		return;
	p = net_match_param(n, l, &any);
	if (!p && !any)
		return;
	if (any && (!link_is_nic(l) || n->winner))
		return;
	i = calloc(1, sizeof(*i));
	if (!i) {
		log_err("net: %s: out of memory", l->ifname);
		return;
	}
	i->net = n;
	i->ifindex = l->ifindex;
	memcpy(i->ifname, l->ifname, sizeof(i->ifname));
	memcpy(i->mac, l->mac, 6);
	i->param = p;
	i->any = any;
	i->carrier = carrier;
	i->metric = NET_METRIC_BASE + (uint32_t)l->ifindex;
	i->state = IF_WAIT_CARRIER;
	i->next = n->ifaces;
	n->ifaces = i;
	log_info("net: %s: %s", i->ifname,
		 any ? "Ethernet NIC, trying it (no interface named)"
		     : "named by ip=");
	/* dracut: ip=<if>:...:<macaddr> sets the interface's MAC address. */
	if (p && p->ifname[0] && p->has_mac && memcmp(p->mac, l->mac, 6)) {
		if (l->flags & IFF_UP)
			log_warn("net: %s: is up, cannot set its MAC address",
				 i->ifname);
		else if ((r = rtnl_link_set_mac(n->rtnl, i->ifindex, p->mac)) <
			 0)
			log_warn_errno(r, "net: %s: setting the MAC address",
				       i->ifname);
		else {
			memcpy(i->orig_mac, l->mac, 6);
			i->mac_changed = true;
			memcpy(i->mac, p->mac, 6);
		}
	}
	if (!(l->flags & IFF_UP)) {
		if ((r = rtnl_link_set_up(n->rtnl, i->ifindex, true)) < 0) {
			log_warn_errno(r, "net: %s: link up", i->ifname);
			i->state = IF_IDLE;
			return;
		}
		i->brought_up = true;
	}
	if (carrier)
		net_iface_carrier(i);
	else
		log_info("net: %s: waiting for carrier", i->ifname);
}

/* Dump results are gathered first: handling them sends more requests. */
struct link_list {
	unsigned n;
	struct rtnl_link links[64];
};

static void net_collect_link(void *data, const struct rtnl_link *l)
{
	struct link_list *ll = data;

	if (ll->n < sizeof(ll->links) / sizeof(ll->links[0]))
		ll->links[ll->n++] = *l;
}

static int net_scan(struct net *n)
{
	struct link_list *ll = calloc(1, sizeof(*ll));
	int r;

	if (!ll)
		return -ENOMEM;
	if ((r = rtnl_dump_links(n->rtnl, net_collect_link, ll)) == 0)
		for (unsigned k = 0; k < ll->n; k++)
			net_link(n, &ll->links[k]);
	free(ll);
	return r;
}

static int net_monitor_ready(struct loop *l, int fd, uint32_t events,
			     void *data)
{
	struct net *n = data;
	int r;

	(void)l;
	(void)fd;
	(void)events;
	r = rtnl_monitor_read(n->mon, net_link, n);
	if (r == -ENOBUFS) {
		log_warn("net: link events overflowed; rescanning");
		n->rescan = false;
		return net_scan(n);
	}
	/* A rename freed a name a parked link may be waiting for. */
	if (r == 0 && n->rescan) {
		n->rescan = false;
		r = net_scan(n);
	}
	return r;
}

static int net_timeout_fire(struct loop *l, struct loop_timer *t, void *data)
{
	struct net *n = data;
	char what[256] = "";
	size_t off = 0;

	(void)l;
	(void)t;
	for (struct net_iface *i = n->ifaces; i; i = i->next) {
		if (i->configured)
			return 0;
		int w = snprintf(what + off, sizeof(what) - off, "%s%s (%s)",
				 off ? ", " : "", i->ifname,
				 i->state == IF_WAIT_CARRIER ? "no carrier"
				 : i->state == IF_DHCP	     ? "no DHCP answer"
							     : "failed");
		if (w < 0 || (size_t)w >= sizeof(what) - off)
			break;
		off += (size_t)w;
	}
	log_warn("net: no address after %u s; tried: %s; still trying",
		 n->cfg.dhcp_timeout_s, off ? what : "no usable interface");
	net_emit(n, NET_EV_TIMEOUT, NULL);
	return 0;
}

static bool net_wants_dhcp(const struct net_config *c)
{
	if (c->n_ip == 0)
		return true;
	for (unsigned k = 0; k < c->n_ip; k++)
		if (c->ip[k].method == NET_METHOD_DHCP)
			return true;
	return false;
}

/* Subscribe before the dump, so no link slips between the two. */
static int net_open(struct net *n)
{
	int r;

	if ((r = rtnl_open(&n->rtnl)) < 0 ||
	    (r = rtnl_monitor_open(&n->mon_fd, &n->mon)) < 0 ||
	    (r = loop_add_fd(n->loop, n->mon_fd, EPOLLIN, net_monitor_ready,
			     n)) < 0 ||
	    (r = loop_timer_new(n->loop, net_timeout_fire, n, &n->timeout)) <
		0 ||
	    (r = loop_timer_arm(n->timeout, (uint64_t)n->cfg.dhcp_timeout_s *
						1000000u)) < 0)
		return r;
	if (net_wants_dhcp(&n->cfg) && (r = dhcp_child_start(&n->child)) < 0)
		return log_err_errno(r,
				     "net: starting the DHCP parser process");
	return net_scan(n);
}

int net_start(struct loop *l, const struct net_config *c,
	      const struct net_hooks *hooks, struct net **np)
{
	struct net *n = calloc(1, sizeof(*n));
	int r = 0;

	if (!n)
		return -ENOMEM;
	n->loop = l;
	n->cfg = *c;
	n->mon_fd = -1;
	n->child.fd = n->child.pid = -1;
	if (hooks) {
		n->hooks = *hooks;
		n->child.watch = hooks->child_watch;
	}
	if (c->disabled)
		log_info("net: disabled (ip=off)");
	else if ((r = net_open(n)) < 0)
		goto out;
	*np = n;
	n = NULL; /* the caller owns it now */
out:
	net_teardown(n, true); /* NULL-safe: only a half-started net */
	return r;
}

int net_get_lease(const struct net *n, struct net_lease *out)
{
	const struct net_iface *best = NULL;

	if (n && n->winner && n->winner->configured)
		best = n->winner;
	for (const struct net_iface *i = n ? n->ifaces : NULL; i && !best;
	     i = i->next)
		if (i->configured)
			best = i;
	if (!best)
		return -ENOENT;
	*out = best->lease;
	return 0;
}

/* A fresh look at what each interface still has: the teardown's proof. */
static int net_verify_clean(struct net *n)
{
	int ret = 0;

	for (struct net_iface *i = n->ifaces; i; i = i->next) {
		struct rtnl_leftovers left;
		int r = rtnl_leftovers(n->rtnl, i->ifindex, &left);
		if (r == -ENODEV)
			continue;
		if (r < 0) {
			ret = log_err_errno(r, "net: %s: checking teardown",
					    i->ifname);
			continue;
		}
		if (left.addrs || left.routes || left.up) {
			log_err("net: %s: after teardown still %u address(es), "
				"%u route(s), link %s",
				i->ifname, left.addrs, left.routes,
				left.up ? "up" : "down");
			ret = -EBUSY;
		}
	}
	return ret;
}

int net_keep_forever(struct net *n)
{
	int done = 0, r;

	if (!n)
		return 0;
	for (struct net_iface *i = n->ifaces; i; i = i->next) {
		if (!i->configured)
			continue;
		if ((r = net_apply_addr(i, NULL)) < 0)
			return r;
		done++;
	}
	return done;
}

int net_teardown(struct net *n, bool keep)
{
	int ret = 0;

	if (!n)
		return 0;
	loop_timer_free(n->timeout);
	if (n->mon_fd >= 0)
		loop_del_fd(n->loop, n->mon_fd);
	rtnl_monitor_close(n->mon);
	for (struct net_iface *i = n->ifaces; i; i = i->next) {
		if (!keep && n->cfg.dhcp_release && i->configured)
			dhcp_client_release(i->dhcp);
		dhcp_client_free(i->dhcp);
		i->dhcp = NULL;
	}
	dhcp_child_stop(&n->child);
	if (!keep && n->rtnl) {
		for (struct net_iface *i = n->ifaces; i; i = i->next) {
			i->touched = true; /* flush whatever is there */
			i->brought_up = true;
			net_iface_stop(i, true);
		}
		ret = net_verify_clean(n);
		if (ret == 0 && n->ifaces)
			log_info("net: torn down; no address, route or link "
				 "left up");
	} else if (keep && n->ifaces) {
		log_info("net: keeping the network configured");
	}
	while (n->ifaces)
		net_iface_free(n, n->ifaces);
	rtnl_close(n->rtnl);
	free(n);
	return ret;
}
