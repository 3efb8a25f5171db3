/* rtnl: the rtnetlink requests net needs (links, IPv4 addresses and routes),
 * over libmnl. */
#ifndef SESAME_RTNL_H
#define SESAME_RTNL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct nlmsghdr;
struct rtnl;

struct rtnl_link {
	int ifindex;
	char ifname[IFNAMSIZ];
	unsigned flags;	     /* IFF_* (IFF_UP, IFF_LOWER_UP, ...) */
	unsigned short type; /* ARPHRD_* */
	uint8_t mac[6];
	bool has_mac;
	unsigned mtu;  /* IFLA_MTU; 0 when not told */
	char kind[16]; /* IFLA_INFO_KIND ("veth", "bridge"); "" for hardware */
	bool deleted;  /* from RTM_DELLINK */
};

/* What is left on one interface (for the teardown check). */
struct rtnl_leftovers {
	unsigned addrs;	 /* any family */
	unsigned routes; /* IPv4 and IPv6, any table */
	bool up;
};

/* A synchronous request socket: each call waits for the kernel's answer. */
int rtnl_open(struct rtnl **rp);
void rtnl_close(struct rtnl *r);

typedef void (*rtnl_link_fn)(void *data, const struct rtnl_link *link);
int rtnl_dump_links(struct rtnl *r, rtnl_link_fn fn, void *data);
int rtnl_get_link(struct rtnl *r, int ifindex, struct rtnl_link *out);
/* Decodes RTM_NEWLINK/RTM_DELLINK (dumps and the monitor); -ENOMSG otherwise.
 */
int rtnl_parse_link(const struct nlmsghdr *nlh, struct rtnl_link *out);

int rtnl_link_set_up(struct rtnl *r, int ifindex, bool up);
int rtnl_link_set_name(struct rtnl *r, int ifindex, const char *name);
int rtnl_link_set_mtu(struct rtnl *r, int ifindex, unsigned mtu);
/* Sets the link's MAC address (most drivers want the link down). */
int rtnl_link_set_mac(struct rtnl *r, int ifindex, const uint8_t mac[6]);

#define RTNL_FOREVER 0xffffffffu
/*
 * addr/prefix with its broadcast (0.0.0.0: none) on ifindex, valid for
 * valid_s seconds (RTNL_FOREVER: permanent): the kernel removes a DHCP
 * address when its lease runs out, even after net is gone (rd.neednet).
 * Replaces the same address (a renewal refreshes the lifetime).
 */
int rtnl_addr_add(struct rtnl *r, int ifindex, struct in_addr addr,
		  uint8_t prefix, struct in_addr brd, uint32_t valid_s);
/*
 * A main-table route. gw 0.0.0.0 makes it on-link (scope link); src is the
 * preferred source; proto marks who made it (RTPROT_DHCP, RTPROT_STATIC);
 * metric is its priority. Created, never replacing another route; the very
 * same route already there counts as done.
 */
int rtnl_route_add(struct rtnl *r, int ifindex, struct in_addr dst,
		   uint8_t prefix, struct in_addr gw, struct in_addr src,
		   uint8_t proto, uint32_t metric);
/*
 * Deletes every IPv4 route through ifindex (not the local table), then
 * every IPv4 address; with ipv6_too the IPv6 ones as well (teardown: the
 * kernel keeps them over a link down when keep_addr_on_down is set).
 */
int rtnl_flush(struct rtnl *r, int ifindex, bool ipv6_too);
/* Only the routes through ifindex that net made (proto dhcp or static). */
int rtnl_flush_routes(struct rtnl *r, int ifindex);
/* A fresh dump of what ifindex still has. */
int rtnl_leftovers(struct rtnl *r, int ifindex, struct rtnl_leftovers *out);

/* A socket subscribed to RTNLGRP_LINK, non-blocking, for the event loop. */
int rtnl_monitor_open(int *fdp, void **sockp);
void rtnl_monitor_close(void *sock);
/* Reads what is queued; fn for every link message. -ENOBUFS: redump. */
int rtnl_monitor_read(void *sock, rtnl_link_fn fn, void *data);

#endif
