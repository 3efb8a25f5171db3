/* runconf: the lease as initramfs-tools and the kernel's ipconfig leave it
 * for the real system. */
#include "net/runconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void out_add(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void out_add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

/* A value that can go between single quotes as it is. */
static const char *quotable(const char *s)
{
	for (const char *p = s; *p; p++)
		if (*p == '\'' || *p == '\\' || (unsigned char)*p < ' ' ||
		    (unsigned char)*p >= 0x7f)
			return "";
	return s;
}

static const char *addr_or_zero(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

int net_runconf_format(const struct net_lease *l, char *buf, size_t size)
{
	struct out o = {buf, size, 0, size == 0};
	char a[INET_ADDRSTRLEN];
	struct in_addr mask, bcast, none = {0};
	uint32_t m = l->prefix ? 0xffffffffu << (32 - l->prefix) : 0;

	mask.s_addr = htonl(m);
	bcast.s_addr = htonl((ntohl(l->addr.s_addr) & m) | ~m);
	out_add(&o, "DEVICE='%s'\n", quotable(l->ifname));
	out_add(&o, "PROTO='%s'\n", l->from_dhcp ? "dhcp" : "none");
	out_add(&o, "IPV4ADDR='%s'\n", addr_or_zero(l->addr, a));
	out_add(&o, "IPV4BROADCAST='%s'\n", addr_or_zero(bcast, a));
	out_add(&o, "IPV4NETMASK='%s'\n", addr_or_zero(mask, a));
	out_add(&o, "IPV4GATEWAY='%s'\n", addr_or_zero(l->gw, a));
	out_add(&o, "IPV4DNS0='%s'\n",
		addr_or_zero(l->n_dns > 0 ? l->dns[0] : none, a));
	out_add(&o, "IPV4DNS1='%s'\n",
		addr_or_zero(l->n_dns > 1 ? l->dns[1] : none, a));
	out_add(&o, "HOSTNAME='%s'\n", quotable(l->hostname));
	out_add(&o, "DNSDOMAIN='%s'\n", quotable(l->domain));
	out_add(&o, "NISDOMAIN=''\n");
	out_add(&o, "ROOTSERVER='%s'\n",
		addr_or_zero(l->next_server.s_addr ? l->next_server : l->server,
			     a));
	out_add(&o, "ROOTPATH='%s'\n", quotable(l->root_path));
	out_add(&o, "filename=''\n");
	out_add(&o, "DHCPLEASETIME='%u'\n", l->from_dhcp ? l->lease_time : 0);
	out_add(&o, "DOMAINSEARCH='%s'\n", quotable(l->domain));
	return o.full ? -ENOSPC : (int)o.len;
}

int net_pnp_format(const struct net_lease *l, char *buf, size_t size)
{
	struct out o = {buf, size, 0, size == 0};
	char a[INET_ADDRSTRLEN];

	out_add(&o, "#PROTO: %s\n", l->from_dhcp ? "DHCP" : "MANUAL");
	if (l->domain[0] && quotable(l->domain)[0])
		out_add(&o, "domain %s\n", l->domain);
	for (unsigned i = 0; i < l->n_dns && i < DHCP_MAX_DNS; i++)
		out_add(&o, "nameserver %s\n", addr_or_zero(l->dns[i], a));
	if (l->next_server.s_addr || l->server.s_addr)
		out_add(&o, "bootserver %s\n",
			addr_or_zero(l->next_server.s_addr ? l->next_server
							   : l->server,
				     a));
	return o.full ? -ENOSPC : (int)o.len;
}
