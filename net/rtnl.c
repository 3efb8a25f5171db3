/* rtnl: rtnetlink requests and dumps (links, addresses, routes) with libmnl;
 * every call waits for its ack. */
#include "net/rtnl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct rtnl {
	struct mnl_socket *nl;
	unsigned portid;
	unsigned seq;
};

/* Room for a dump's batch of messages (MNL_SOCKET_BUFFER_SIZE may be 8k). */
#define RTNL_BUF 32768
/* One request message: a header and a few attributes. */
#define RTNL_REQ_BUF 1024

int rtnl_open(struct rtnl **rp)
{
	struct rtnl *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	r->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!r->nl) {
		ret = -errno;
		free(r);
		return ret;
	}
	if (mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		mnl_socket_close(r->nl);
		free(r);
		return ret;
	}
	r->portid = mnl_socket_get_portid(r->nl);
	r->seq = (unsigned)time(NULL);
	*rp = r;
	return 0;
}

void rtnl_close(struct rtnl *r)
{
	if (!r)
		return;
	mnl_socket_close(r->nl);
	free(r);
}

/* Sends nlh (NLM_F_ACK or a dump) and runs cb over the answer until done. */
static int rtnl_talk(struct rtnl *r, struct nlmsghdr *nlh, mnl_cb_t cb,
		     void *data)
{
	char *buf;
	ssize_t n;
	int ret;

	nlh->nlmsg_seq = ++r->seq;
	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	buf = malloc(RTNL_BUF);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		n = mnl_socket_recvfrom(r->nl, buf, RTNL_BUF);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		ret = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, r->portid, cb,
				 data);
		if (ret < 0) {
			ret = -errno;
			break;
		}
		if (ret == MNL_CB_STOP) {
			ret = 0;
			break;
		}
	}
	free(buf);
	return ret;
}

static int rtnl_parse_linkinfo(const struct nlattr *info, struct rtnl_link *l)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, info)
	{
		if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
		    mnl_attr_validate(a, MNL_TYPE_STRING) >= 0) {
			size_t n = strnlen(mnl_attr_get_str(a),
					   mnl_attr_get_payload_len(a));
			if (n >= sizeof(l->kind))
				n = sizeof(l->kind) - 1;
			memcpy(l->kind, mnl_attr_get_str(a), n);
			l->kind[n] = '\0';
		}
	}
	return 0;
}

int rtnl_parse_link(const struct nlmsghdr *nlh, struct rtnl_link *out)
{
	const struct ifinfomsg *ifi;
	const struct nlattr *a;
	struct rtnl_link l;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return -ENOMSG;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return -EBADMSG;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(&l, 0, sizeof(l));
	l.ifindex = ifi->ifi_index;
	l.flags = ifi->ifi_flags;
	l.type = ifi->ifi_type;
	l.deleted = nlh->nlmsg_type == RTM_DELLINK;
	mnl_attr_for_each(a, nlh, sizeof(*ifi))
	{
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0 ||
			    mnl_attr_get_payload_len(a) > IFNAMSIZ)
				return -EBADMSG;
			strcpy(l.ifname, mnl_attr_get_str(a));
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
				l.mtu = mnl_attr_get_u32(a);
			break;
		case IFLA_ADDRESS:
			if (mnl_attr_get_payload_len(a) == 6) {
				memcpy(l.mac, mnl_attr_get_payload(a), 6);
				l.has_mac = true;
			}
			break;
		case IFLA_LINKINFO:
			rtnl_parse_linkinfo(a, &l);
			break;
		}
	}
	if (!l.ifname[0])
		return -EBADMSG;
	*out = l;
	return 0;
}

struct link_walk {
	rtnl_link_fn fn;
	void *data;
};

static int rtnl_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_walk *w = data;
	struct rtnl_link l;

	if (rtnl_parse_link(nlh, &l) == 0)
		w->fn(w->data, &l);
	return MNL_CB_OK;
}

int rtnl_dump_links(struct rtnl *r, rtnl_link_fn fn, void *data)
{
	char buf[RTNL_REQ_BUF] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct link_walk w = {fn, data};

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	return rtnl_talk(r, nlh, rtnl_link_cb, &w);
}

static void rtnl_copy_link(void *data, const struct rtnl_link *l)
{
	*(struct rtnl_link *)data = *l;
}

int rtnl_get_link(struct rtnl *r, int ifindex, struct rtnl_link *out)
{
	char buf[RTNL_REQ_BUF] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct rtnl_link l = {.ifindex = 0};
	struct link_walk w = {rtnl_copy_link, &l};
	int ret;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK; /* the ack ends it */
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if ((ret = rtnl_talk(r, nlh, rtnl_link_cb, &w)) < 0)
		return ret;
	if (l.ifindex != ifindex)
		return -ENODEV;
	*out = l;
	return 0;
}

static struct nlmsghdr *rtnl_link_msg(char *buf, int ifindex,
				      struct ifinfomsg **ifip)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	*ifip = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifip));
	(*ifip)->ifi_family = AF_UNSPEC;
	(*ifip)->ifi_index = ifindex;
	return nlh;
}

int rtnl_link_set_up(struct rtnl *r, int ifindex, bool up)
{
	char buf[RTNL_REQ_BUF] __attribute__((aligned(8)));
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = rtnl_link_msg(buf, ifindex, &ifi);

	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return rtnl_talk(r, nlh, NULL, NULL);
}

int rtnl_link_set_name(struct rtnl *r, int ifindex, const char *name)
{
	char buf[RTNL_REQ_BUF] __attribute__((aligned(8)));
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = rtnl_link_msg(buf, ifindex, &ifi);

	if (strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return rtnl_talk(r, nlh, NULL, NULL);
}

int rtnl_link_set_mtu(struct rtnl *r, int ifindex, unsigned mtu)
{
	char buf[RTNL_REQ_BUF] __attribute__((aligned(8)));
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = rtnl_link_msg(buf, ifindex, &ifi);

	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return rtnl_talk(r, nlh, NULL, NULL);
}

int rtnl_link_set_mac(struct rtnl *r, int ifindex, const uint8_t mac[6])
{
	char buf[RTNL_REQ_BUF] __attribute__((aligned(8)));
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = rtnl_link_msg(buf, ifindex, &ifi);

	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	return rtnl_talk(r, nlh, NULL, NULL);
}

int rtnl_addr_add(struct rtnl *r, int ifindex, struct in_addr addr,
		  uint8_t prefix, struct in_addr brd, uint32_t valid_s)
{
	struct ifa_cacheinfo ci = {.ifa_prefered = valid_s,
				   .ifa_valid = valid_s};
	char buf[RTNL_REQ_BUF] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags =
	    NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, 4, &addr.s_addr);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, &addr.s_addr);
	if (brd.s_addr)
		mnl_attr_put(nlh, IFA_BROADCAST, 4, &brd.s_addr);
	if (valid_s != RTNL_FOREVER)
		mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	return rtnl_talk(r, nlh, NULL, NULL);
}

int rtnl_route_add(struct rtnl *r, int ifindex, struct in_addr dst,
		   uint8_t prefix, struct in_addr gw, struct in_addr src,
		   uint8_t proto, uint32_t metric)
{
	char buf[RTNL_REQ_BUF] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	int ret;

	nlh->nlmsg_type = RTM_NEWROUTE;
	/*
	 * Create, never replace: with NLM_F_REPLACE a second NIC's default
	 * route took the first one's place (issue 9 item 13). Each
	 * interface has its own metric, so theirs live side by side.
	 */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = proto;
	rtm->rtm_scope = gw.s_addr ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (prefix > 0)
		mnl_attr_put(nlh, RTA_DST, 4, &dst.s_addr);
	if (gw.s_addr)
		mnl_attr_put(nlh, RTA_GATEWAY, 4, &gw.s_addr);
	if (src.s_addr)
		mnl_attr_put(nlh, RTA_PREFSRC, 4, &src.s_addr);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	ret = rtnl_talk(r, nlh, NULL, NULL);
	return ret == -EEXIST ? 0 : ret; /* the very same route: done */
}

/* ---- flush and leftovers: dump, keep ifindex's entries, act on them ----- */

struct rtnl_item {
	uint16_t type; /* RTM_NEWADDR or RTM_NEWROUTE */
	uint32_t len;
	char msg[]; /* the kernel's message, replayed as a delete */
};

struct collect {
	int ifindex;
	unsigned n, cap;
	struct rtnl_item **items;
	int err;
};

static void collect_add(struct collect *c, const struct nlmsghdr *nlh)
{
	struct rtnl_item *it, **grown;

	if (c->err)
		return;
	if (c->n == c->cap) {
		unsigned cap = c->cap ? c->cap * 2 : 16;
		grown = realloc(c->items, cap * sizeof(*grown));
		if (!grown) {
			c->err = -ENOMEM;
			return;
		}
		c->items = grown;
		c->cap = cap;
	}
	it = malloc(sizeof(*it) + nlh->nlmsg_len);
	if (!it) {
		c->err = -ENOMEM;
		return;
	}
	it->type = nlh->nlmsg_type;
	it->len = nlh->nlmsg_len;
	memcpy(it->msg, nlh, nlh->nlmsg_len);
	c->items[c->n++] = it;
}

static void collect_free(struct collect *c)
{
	for (unsigned i = 0; i < c->n; i++)
		free(c->items[i]);
	free(c->items);
}

static int collect_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	const struct ifaddrmsg *ifa;

	if (nlh->nlmsg_type != RTM_NEWADDR ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return MNL_CB_OK;
	ifa = mnl_nlmsg_get_payload(nlh);
	if ((int)ifa->ifa_index == c->ifindex)
		collect_add(c, nlh);
	return MNL_CB_OK;
}

static int collect_route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	const struct rtmsg *rtm;
	const struct nlattr *a;
	int oif = 0;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return MNL_CB_OK;
	rtm = mnl_nlmsg_get_payload(nlh);
	mnl_attr_for_each(a, nlh, sizeof(*rtm))
	{
		if (mnl_attr_get_type(a) == RTA_OIF &&
		    mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
			oif = (int)mnl_attr_get_u32(a);
	}
	if (oif == c->ifindex)
		collect_add(c, nlh);
	(void)rtm;
	return MNL_CB_OK;
}

static int rtnl_collect(struct rtnl *r, uint16_t type, uint8_t family,
			struct collect *c)
{
	char buf[RTNL_REQ_BUF] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int ret;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (type == RTM_GETADDR) {
		struct ifaddrmsg *ifa =
		    mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = family;
		ret = rtnl_talk(r, nlh, collect_addr_cb, c);
	} else {
		struct rtmsg *rtm =
		    mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
		rtm->rtm_family = family;
		ret = rtnl_talk(r, nlh, collect_route_cb, c);
	}
	return ret < 0 ? ret : c->err;
}

/* Replays a dumped message as its delete. */
static int rtnl_delete_item(struct rtnl *r, const struct rtnl_item *it)
{
	char *buf = malloc(it->len);
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int ret;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, it->msg, it->len);
	nlh->nlmsg_type = it->type == RTM_NEWADDR ? RTM_DELADDR : RTM_DELROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ret = rtnl_talk(r, nlh, NULL, NULL);
	free(buf);
	/* Deleting an address takes its prefix and local routes along. */
	return ret == -ESRCH || ret == -EADDRNOTAVAIL ? 0 : ret;
}

static bool route_is_local_table(const struct rtnl_item *it)
{
	const struct rtmsg *rtm =
	    mnl_nlmsg_get_payload((const struct nlmsghdr *)it->msg);

	return rtm->rtm_table == RT_TABLE_LOCAL;
}

/* Routes net made (proto dhcp or static), not the kernel's prefix routes. */
static bool route_is_ours(const struct rtnl_item *it)
{
	const struct rtmsg *rtm =
	    mnl_nlmsg_get_payload((const struct nlmsghdr *)it->msg);

	return rtm->rtm_protocol == RTPROT_DHCP ||
	       rtm->rtm_protocol == RTPROT_STATIC;
}

static int rtnl_flush_what(struct rtnl *r, int ifindex, bool ipv6_too,
			   bool addrs_too);

int rtnl_flush(struct rtnl *r, int ifindex, bool ipv6_too)
{
	return rtnl_flush_what(r, ifindex, ipv6_too, true);
}

int rtnl_flush_routes(struct rtnl *r, int ifindex)
{
	return rtnl_flush_what(r, ifindex, false, false);
}

static int rtnl_flush_what(struct rtnl *r, int ifindex, bool ipv6_too,
			   bool addrs_too)
{
	struct collect routes = {.ifindex = ifindex};
	struct collect addrs = {.ifindex = ifindex};
	int ret, first = 0;

	if ((ret = rtnl_collect(r, RTM_GETROUTE, AF_INET, &routes)) < 0 ||
	    (ipv6_too &&
	     (ret = rtnl_collect(r, RTM_GETROUTE, AF_INET6, &routes)) < 0) ||
	    (addrs_too &&
	     (ret = rtnl_collect(r, RTM_GETADDR, ipv6_too ? AF_UNSPEC : AF_INET,
				 &addrs)) < 0))
		goto out;
	/* Routes first: a gateway route goes before its on-link route. */
	for (unsigned i = routes.n; i-- > 0;) {
		if (route_is_local_table(routes.items[i]) ||
		    (!addrs_too && !route_is_ours(routes.items[i])))
			continue;
		ret = rtnl_delete_item(r, routes.items[i]);
		if (ret < 0 && !first)
			first = ret;
	}
	for (unsigned i = 0; i < addrs.n; i++) {
		ret = rtnl_delete_item(r, addrs.items[i]);
		if (ret < 0 && !first)
			first = ret;
	}
	ret = first;
out:
	collect_free(&routes);
	collect_free(&addrs);
	return ret;
}

int rtnl_leftovers(struct rtnl *r, int ifindex, struct rtnl_leftovers *out)
{
	struct collect addrs = {.ifindex = ifindex};
	struct collect r4 = {.ifindex = ifindex}, r6 = {.ifindex = ifindex};
	struct rtnl_link l;
	int ret;

	if ((ret = rtnl_get_link(r, ifindex, &l)) < 0 ||
	    (ret = rtnl_collect(r, RTM_GETADDR, AF_UNSPEC, &addrs)) < 0 ||
	    (ret = rtnl_collect(r, RTM_GETROUTE, AF_INET, &r4)) < 0 ||
	    (ret = rtnl_collect(r, RTM_GETROUTE, AF_INET6, &r6)) < 0)
		goto out;
	out->addrs = addrs.n;
	out->routes = r4.n + r6.n;
	out->up = l.flags & IFF_UP;
out:
	collect_free(&addrs);
	collect_free(&r4);
	collect_free(&r6);
	return ret;
}

/* ---- the link monitor ---------------------------------------------------- */

int rtnl_monitor_open(int *fdp, void **sockp)
{
	struct mnl_socket *nl;
	int ret;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		mnl_socket_close(nl);
		return ret;
	}
	*fdp = mnl_socket_get_fd(nl);
	*sockp = nl;
	return 0;
}

void rtnl_monitor_close(void *sock)
{
	if (sock)
		mnl_socket_close(sock);
}

int rtnl_monitor_read(void *sock, rtnl_link_fn fn, void *data)
{
	struct link_walk w = {fn, data};
	char *buf = malloc(RTNL_BUF);
	ssize_t n;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		n = mnl_socket_recvfrom(sock, buf, RTNL_BUF);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = errno == EAGAIN ? 0 : -errno;
			break;
		}
		/* Notifications carry seq 0 and port 0. */
		if (mnl_cb_run(buf, (size_t)n, 0, 0, rtnl_link_cb, &w) < 0) {
			ret = -errno;
			break;
		}
	}
	free(buf);
	return ret;
}
