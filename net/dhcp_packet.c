/* dhcp_packet: DHCPv4 replies parsed layer by layer through bounded cursors;
 * requests built. */
#include "net/dhcp_packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "common/cursor.h"

#define BOOTP_FIXED_LEN 236u /* op .. file, RFC 2131 2 figure 1 */
#define BOOTP_MIN_LEN 300u   /* what BOOTP relays expect (RFC 1542 2.1) */
#define DHCP_MAGIC 0x63825363u
#define IP_MIN_HLEN 20u
#define UDP_HLEN 8u

/* Options we read; anything else is skipped with its length checked. */
enum opt_code {
	OPT_PAD = 0,
	OPT_SUBNET_MASK = 1,
	OPT_ROUTER = 3,
	OPT_DNS = 6,
	OPT_HOSTNAME = 12,
	OPT_DOMAIN = 15,
	OPT_ROOT_PATH = 17,
	OPT_MTU = 26,
	OPT_BROADCAST = 28,
	OPT_REQUESTED_IP = 50,
	OPT_LEASE_TIME = 51,
	OPT_OVERLOAD = 52,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_PARAM_LIST = 55,
	OPT_MESSAGE = 56,
	OPT_MAX_SIZE = 57,
	OPT_T1 = 58,
	OPT_T2 = 59,
	OPT_CLIENT_ID = 61,
	OPT_CLASSLESS_ROUTES = 121,
	OPT_END = 255,
};

enum opt_shape {
	SHAPE_EXACT,	/* length == size */
	SHAPE_MULTIPLE, /* length a non-zero multiple of size */
	SHAPE_BYTES,	/* length >= size */
};

struct opt_spec {
	uint8_t code;
	uint8_t shape;
	uint8_t size;
	/*
	 * DHCP_DROP_* when a fault in this option only drops it; 0 when a
	 * fault rejects the reply (53, 54, 51, 1 and 52: without them the
	 * offer cannot be used or the rest cannot be read).
	 */
	uint32_t drop;
};

/* Lengths from RFC 2132 (sections 3.3 .. 9.14) and RFC 3442. */
static const struct opt_spec opt_specs[] = {
    {OPT_SUBNET_MASK, SHAPE_EXACT, 4, 0},
    {OPT_ROUTER, SHAPE_MULTIPLE, 4, DHCP_DROP_ROUTER},
    {OPT_DNS, SHAPE_MULTIPLE, 4, DHCP_DROP_DNS},
    {OPT_HOSTNAME, SHAPE_BYTES, 1, DHCP_DROP_HOSTNAME},
    {OPT_DOMAIN, SHAPE_BYTES, 1, DHCP_DROP_DOMAIN},
    {OPT_ROOT_PATH, SHAPE_BYTES, 1, DHCP_DROP_ROOT_PATH},
    {OPT_MTU, SHAPE_EXACT, 2, DHCP_DROP_MTU},
    {OPT_BROADCAST, SHAPE_EXACT, 4, DHCP_DROP_BROADCAST},
    {OPT_LEASE_TIME, SHAPE_EXACT, 4, 0},
    {OPT_OVERLOAD, SHAPE_EXACT, 1, 0},
    {OPT_MSG_TYPE, SHAPE_EXACT, 1, 0},
    {OPT_SERVER_ID, SHAPE_EXACT, 4, 0},
    {OPT_MESSAGE, SHAPE_BYTES, 1, DHCP_DROP_MESSAGE},
    {OPT_T1, SHAPE_EXACT, 4, DHCP_DROP_T1},
    {OPT_T2, SHAPE_EXACT, 4, DHCP_DROP_T2},
    {OPT_CLASSLESS_ROUTES, SHAPE_BYTES, 5, DHCP_DROP_ROUTES},
};
#define N_OPTS (sizeof(opt_specs) / sizeof(opt_specs[0]))

/* Names for the log line that says what was dropped. */
static const struct {
	uint32_t bit;
	const char *name;
} drop_names[] = {
    {DHCP_DROP_ROUTER, "3 (router)"},
    {DHCP_DROP_DNS, "6 (DNS servers)"},
    {DHCP_DROP_HOSTNAME, "12 (hostname)"},
    {DHCP_DROP_DOMAIN, "15 (domain name)"},
    {DHCP_DROP_ROOT_PATH, "17 (root path)"},
    {DHCP_DROP_MTU, "26 (MTU)"},
    {DHCP_DROP_BROADCAST, "28 (broadcast address)"},
    {DHCP_DROP_ROUTES, "121 (classless routes)"},
    {DHCP_DROP_T1, "58 (T1)"},
    {DHCP_DROP_T2, "59 (T2)"},
    {DHCP_DROP_MESSAGE, "56 (message)"},
};

const char *dhcp_drop_name(uint32_t bit)
{
	for (size_t i = 0; i < sizeof(drop_names) / sizeof(drop_names[0]); i++)
		if (drop_names[i].bit == bit)
			return drop_names[i].name;
	return "?";
}

/*
 * Every instance of an option is concatenated with the earlier ones, in the
 * order options -> file -> sname (RFC 3396 section 5); lengths are checked
 * on the result, so a repeated fixed-size option fails its length check.
 * A droppable option found faulty is marked bad and reads as absent.
 */
#define OPT_ACC_MAX 1024u
struct opt_acc {
	bool seen[N_OPTS];
	bool bad[N_OPTS];
	uint16_t len[N_OPTS];
	uint8_t buf[N_OPTS][OPT_ACC_MAX];
};

enum opt_field { FIELD_OPTIONS, FIELD_FILE, FIELD_SNAME };

struct bootp_view {
	uint32_t xid;
	struct in_addr yiaddr;
	struct in_addr siaddr; /* next-server (RFC 2131 2) */
	struct cursor sname, file, options;
};

static int opt_slot(uint8_t code)
{
	for (size_t i = 0; i < N_OPTS; i++)
		if (opt_specs[i].code == code)
			return (int)i;
	return -1;
}

static const uint8_t *opt_data(const struct opt_acc *a, uint8_t code,
			       size_t *lenp)
{
	int s = opt_slot(code);

	*lenp = 0;
	if (s < 0 || !a->seen[s] || a->bad[s])
		return NULL;
	*lenp = a->len[s];
	return a->buf[s];
}

uint16_t dhcp_csum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < len)
		sum += (uint32_t)(p[i] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int dhcp_mask_prefix(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	int prefix = 0;

	while (prefix < 32 && (m & (0x80000000u >> prefix)))
		prefix++;
	if (prefix < 32 && (m << prefix) != 0)
		return -EINVAL;
	return prefix;
}

/* RFC 791 section 3.1; fragments are refused (we never reassemble). */
static int dhcp_parse_ip(struct cursor *c, struct in_addr *src,
			 struct cursor *payload, const char **why)
{
	struct cursor h = *c;
	uint8_t vihl, proto;
	uint16_t total, frag;
	size_t hlen;

	if (cursor_u8(&h, &vihl) < 0) {
		*why = "IP header truncated";
		return -EBADMSG;
	}
	if (vihl >> 4 != 4) {
		*why = "not IPv4";
		return -EBADMSG;
	}
	hlen = (size_t)(vihl & 0x0f) * 4u;
	if (hlen < IP_MIN_HLEN) {
		*why = "IP header length under 20 (RFC 791 3.1)";
		return -EBADMSG;
	}
	if (c->left < hlen) {
		*why = "IP header truncated";
		return -EBADMSG;
	}
	if (dhcp_csum(c->p, hlen, 0) != 0) {
		*why = "bad IP header checksum (RFC 791 3.1)";
		return -EBADMSG;
	}
	/* hlen >= 20 bytes are present: these reads cannot fail. */
	h = *c;
	cursor_skip(&h, 2);
	cursor_be16(&h, &total);
	cursor_skip(&h, 2);
	cursor_be16(&h, &frag);
	cursor_skip(&h, 1);
	cursor_u8(&h, &proto);
	cursor_skip(&h, 2);
	cursor_copy(&h, &src->s_addr, 4);
	if (total < hlen || total > c->left) {
		*why = "IP total length outside the frame";
		return -EBADMSG;
	}
	if (frag & 0x3fff) {
		*why = "IP fragment (not reassembled)";
		return -EBADMSG;
	}
	if (proto != IPPROTO_UDP) {
		*why = "not UDP";
		return -ENOMSG;
	}
	/* Bytes past the total length are link-layer padding. */
	cursor_skip(c, hlen);
	return cursor_take(c, total - hlen, payload);
}

/* RFC 768; a zero checksum means none was sent. */
static int dhcp_parse_udp(struct cursor *c, struct in_addr src,
			  const uint8_t *ip_dst, bool unverifiable,
			  struct cursor *payload, const char **why)
{
	const uint8_t *start = c->p;
	uint16_t sport, dport, ulen, csum;

	if (c->left < UDP_HLEN) {
		*why = "UDP header truncated";
		return -EBADMSG;
	}
	cursor_be16(c, &sport);
	cursor_be16(c, &dport);
	cursor_be16(c, &ulen);
	cursor_be16(c, &csum);
	if (ulen < UDP_HLEN || ulen - UDP_HLEN > c->left) {
		*why = "UDP length outside the IP payload";
		return -EBADMSG;
	}
	if (dport != DHCP_CLIENT_PORT || sport != DHCP_SERVER_PORT) {
		*why = "not from port 67 to port 68";
		return -ENOMSG;
	}
	if (csum != 0 && !unverifiable) {
		const uint8_t *s = (const uint8_t *)&src.s_addr;
		uint32_t sum = (uint32_t)(s[0] << 8 | s[1]) +
			       (uint32_t)(s[2] << 8 | s[3]) +
			       (uint32_t)(ip_dst[0] << 8 | ip_dst[1]) +
			       (uint32_t)(ip_dst[2] << 8 | ip_dst[3]) +
			       IPPROTO_UDP + ulen;
		if (dhcp_csum(start, ulen, sum) != 0) {
			*why = "bad UDP checksum (RFC 768)";
			return -EBADMSG;
		}
	}
	return cursor_take(c, ulen - UDP_HLEN, payload);
}

/* RFC 2131 section 2, figure 1; RFC 2131 4.1 for the reply checks. */
static int dhcp_parse_bootp(struct cursor *c, const struct dhcp_expect *exp,
			    struct bootp_view *v, const char **why)
{
	uint8_t op, htype, hlen, chaddr[16];
	uint32_t xid, magic;

	if (c->left < BOOTP_FIXED_LEN + 4) {
		*why = "BOOTP message truncated";
		return -EBADMSG;
	}
	cursor_u8(c, &op);
	cursor_u8(c, &htype);
	cursor_u8(c, &hlen);
	cursor_skip(c, 1); /* hops */
	cursor_be32(c, &xid);
	cursor_skip(c, 4 + 4); /* secs, flags, ciaddr */
	cursor_copy(c, &v->yiaddr.s_addr, 4);
	cursor_copy(c, &v->siaddr.s_addr, 4);
	cursor_skip(c, 4); /* giaddr */
	cursor_copy(c, chaddr, sizeof(chaddr));
	cursor_take(c, 64, &v->sname);
	cursor_take(c, 128, &v->file);
	cursor_be32(c, &magic);
	if (op != 2) {
		*why = "not a BOOTREPLY (RFC 2131 2)";
		return -ENOMSG;
	}
	if (htype != 1 || hlen != 6) {
		*why = "hardware type is not Ethernet";
		return -ENOMSG;
	}
	if (xid != exp->xid) {
		*why = "xid does not match ours (RFC 2131 4.4.1)";
		return -ENOMSG;
	}
	if (memcmp(chaddr, exp->chaddr, 6) != 0) {
		*why = "chaddr is not ours";
		return -ENOMSG;
	}
	if (magic != DHCP_MAGIC) {
		*why = "bad magic cookie (RFC 2131 3)";
		return -EBADMSG;
	}
	v->xid = xid;
	v->options = *c;
	return 0;
}

/* Walks one field's options into the accumulator (RFC 2132 2). */
static int dhcp_walk_options(struct cursor c, enum opt_field field,
			     struct opt_acc *a, const char **why)
{
	for (;;) {
		struct cursor data;
		uint8_t code, len;
		int s;

		if (cursor_u8(&c, &code) < 0 || code == OPT_END)
			return 0;
		if (code == OPT_PAD)
			continue;
		if (cursor_u8(&c, &len) < 0 ||
		    cursor_take(&c, len, &data) < 0) {
			*why = "option runs past the end of its field (RFC "
			       "2132 2)";
			return -EBADMSG;
		}
		if (code == OPT_OVERLOAD && field != FIELD_OPTIONS) {
			*why = "option 52 outside the options field (RFC 2132 "
			       "9.3)";
			return -EPROTO;
		}
		if ((s = opt_slot(code)) < 0 || a->bad[s])
			continue;
		if (data.left == 0 || data.left > OPT_ACC_MAX - a->len[s]) {
			/* Every option we read has a minimum length of 1. */
			if (opt_specs[s].drop) {
				a->seen[s] = a->bad[s] = true;
				continue;
			}
			*why = data.left == 0 ? "zero-length option (RFC 2132)"
					      : "option longer than we accept";
			return -EBADMSG;
		}
		memcpy(a->buf[s] + a->len[s], data.p, data.left);
		a->len[s] = (uint16_t)(a->len[s] + data.left);
		a->seen[s] = true;
	}
}

static int dhcp_check_lengths(struct opt_acc *a, const char **why)
{
	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt_spec *sp = &opt_specs[i];
		size_t len = a->len[i];
		bool ok;

		if (!a->seen[i] || a->bad[i])
			continue;
		switch (sp->shape) {
		case SHAPE_EXACT:
			ok = len == sp->size;
			break;
		case SHAPE_MULTIPLE:
			ok = len >= sp->size && len % sp->size == 0;
			break;
		default:
			ok = len >= sp->size;
			break;
		}
		if (!ok && sp->drop) {
			a->bad[i] = true;
		} else if (!ok) {
			*why = "option with a wrong length (RFC 2132)";
			return -EBADMSG;
		}
	}
	return 0;
}

/* The options marked bad while walking, as DHCP_DROP_* bits. */
static uint32_t opt_dropped(const struct opt_acc *a)
{
	uint32_t d = 0;

	for (size_t i = 0; i < N_OPTS; i++)
		if (a->seen[i] && a->bad[i])
			d |= opt_specs[i].drop;
	return d;
}

/*
 * RFC 3442: width, the significant octets of the destination, router. Any
 * fault (a width over 32, a truncated entry, more than DHCP_MAX_ROUTES, a
 * router that is not unicast) drops the whole option: half a routing table
 * is worse than the router option.
 */
static int dhcp_take_routes(const struct opt_acc *a, struct dhcp_lease *l)
{
	size_t len;
	const uint8_t *p = opt_data(a, OPT_CLASSLESS_ROUTES, &len);
	struct cursor c = cursor_make(p, len);
	struct dhcp_lease t;

	t.n_routes = 0;
	while (c.left > 0) {
		struct dhcp_route rt;
		uint8_t width, dst[4] = {0};
		uint32_t mask;

		cursor_u8(&c, &width);
		if (width > 32 ||
		    cursor_copy(&c, dst, (size_t)(width + 7) / 8) < 0 ||
		    cursor_copy(&c, &rt.gw.s_addr, 4) < 0 ||
		    t.n_routes == DHCP_MAX_ROUTES ||
		    (rt.gw.s_addr != 0 && !dhcp_addr_is_unicast(rt.gw)))
			return -EPROTO;
		mask = width ? 0xffffffffu << (32 - width) : 0;
		memcpy(&rt.dst.s_addr, dst, 4);
		rt.dst.s_addr = htonl(ntohl(rt.dst.s_addr) & mask);
		rt.prefix = width;
		t.routes[t.n_routes++] = rt;
	}
	memcpy(l->routes, t.routes, sizeof(l->routes));
	l->n_routes = t.n_routes;
	return 0;
}

static struct in_addr opt_addr(const struct opt_acc *a, uint8_t code)
{
	struct in_addr v;
	size_t len;

	memcpy(&v.s_addr, opt_data(a, code, &len), 4);
	return v;
}

static uint32_t opt_u32(const struct opt_acc *a, uint8_t code)
{
	size_t len;
	const uint8_t *p = opt_data(a, code, &len);

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

bool dhcp_addr_is_unicast(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 28) < 14;
}

/* yiaddr and the mask are essential: their faults reject the reply. */
static int dhcp_take_addressing(const struct opt_acc *a,
				const struct bootp_view *v,
				struct dhcp_lease *l, const char **why)
{
	size_t len;
	uint32_t host, hmask;
	int prefix;

	if (!dhcp_addr_is_unicast(v->yiaddr)) {
		*why = "yiaddr is not a unicast address";
		return -EPROTO;
	}
	l->yiaddr = v->yiaddr;
	/* next-server, for NFS root; anything but a unicast address is none */
	if (dhcp_addr_is_unicast(v->siaddr))
		l->next_server = v->siaddr;
	host = ntohl(v->yiaddr.s_addr);
	if (opt_data(a, OPT_SUBNET_MASK, &len)) {
		l->mask = opt_addr(a, OPT_SUBNET_MASK);
		if ((prefix = dhcp_mask_prefix(l->mask)) <= 0) {
			*why = "subnet mask not contiguous (RFC 950 2.1)";
			return -EPROTO;
		}
		l->have |= DHCP_HAVE_MASK;
	} else {
		/* No mask: the classful one (RFC 1122 3.3.1.1 says ask). */
		prefix = host < 0x80000000u ? 8 : host < 0xc0000000u ? 16 : 24;
		l->mask.s_addr = htonl(0xffffffffu << (32 - prefix));
	}
	l->prefix = (uint8_t)prefix;
	hmask = ~ntohl(l->mask.s_addr);
	if (prefix <= 30 && ((host & hmask) == 0 || (host & hmask) == hmask)) {
		*why = "yiaddr is its subnet's network or broadcast address";
		return -EPROTO;
	}
	return 0;
}

/* Router, broadcast, DNS and routes: each dropped alone when faulty. */
static void dhcp_take_routing(const struct opt_acc *a, struct dhcp_lease *l)
{
	size_t len;
	const uint8_t *p;

	if (opt_data(a, OPT_ROUTER, &len)) {
		/* RFC 2132 3.5: the first is the preferred one. */
		l->router = opt_addr(a, OPT_ROUTER);
		if (dhcp_addr_is_unicast(l->router))
			l->have |= DHCP_HAVE_ROUTER;
		else if (l->router.s_addr != 0)
			l->dropped |= DHCP_DROP_ROUTER;
		if (!(l->have & DHCP_HAVE_ROUTER))
			l->router.s_addr = 0;
	}
	if (opt_data(a, OPT_BROADCAST, &len)) {
		l->broadcast = opt_addr(a, OPT_BROADCAST);
		l->have |= DHCP_HAVE_BROADCAST;
	}
	if ((p = opt_data(a, OPT_DNS, &len))) {
		/* Servers past the first few are not used, so not kept. */
		for (size_t i = 0; i + 4 <= len && l->n_dns < DHCP_MAX_DNS;
		     i += 4) {
			struct in_addr d;
			memcpy(&d.s_addr, p + i, 4);
			if (dhcp_addr_is_unicast(d))
				l->dns[l->n_dns++] = d;
			else
				l->dropped |= DHCP_DROP_DNS;
		}
	}
	if (opt_data(a, OPT_CLASSLESS_ROUTES, &len)) {
		if (dhcp_take_routes(a, l) == 0)
			l->have |= DHCP_HAVE_ROUTES;
		else
			l->dropped |= DHCP_DROP_ROUTES;
	}
}

void dhcp_lease_clamp_times(struct dhcp_lease *l)
{
	if (l->lease_time == DHCP_INFINITE) {
		l->t1 = l->t2 = DHCP_INFINITE;
		return;
	}
	if (l->lease_time < DHCP_MIN_LEASE)
		l->lease_time = DHCP_MIN_LEASE;
	if (l->t2 == 0 || l->t2 >= l->lease_time)
		l->t2 = (uint32_t)((uint64_t)l->lease_time * 7 / 8);
	if (l->t1 == 0)
		l->t1 = l->lease_time / 2;
	if (l->t1 > l->t2) {
		l->t1 = l->lease_time / 2;
		l->t2 = (uint32_t)((uint64_t)l->lease_time * 7 / 8);
	}
	if (l->t1 < DHCP_MIN_T1)
		l->t1 = DHCP_MIN_T1;
	if (l->t2 < l->t1)
		l->t2 = l->t1;
}

/* Lease times: option 51 is a MUST in OFFER and ACK (RFC 2131 4.3.1). */
static int dhcp_take_times(const struct opt_acc *a, struct dhcp_lease *l,
			   const char **why)
{
	size_t len;

	if (!opt_data(a, OPT_LEASE_TIME, &len)) {
		*why = "no lease time (RFC 2131 4.3.1)";
		return -EPROTO;
	}
	l->lease_time = opt_u32(a, OPT_LEASE_TIME);
	l->t1 = opt_data(a, OPT_T1, &len) ? opt_u32(a, OPT_T1) : 0;
	l->t2 = opt_data(a, OPT_T2, &len) ? opt_u32(a, OPT_T2) : 0;
	dhcp_lease_clamp_times(l);
	return 0;
}

static bool char_is_host(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_';
}

/*
 * Copies a string option, dropping trailing NULs some servers add. Host
 * and domain names must use RFC 1123 2.1 characters; other strings must be
 * printable. Too long for the lease is a fault, not a truncation. A faulty
 * string is dropped (its DHCP_DROP_* bit set), the lease kept.
 */
static void dhcp_take_string(const struct opt_acc *a, uint8_t code, bool host,
			     char *dst, size_t cap, struct dhcp_lease *l,
			     uint32_t have)
{
	size_t len;
	const uint8_t *p = opt_data(a, code, &len);
	int s = opt_slot(code);

	if (!p)
		return;
	while (len > 0 && p[len - 1] == 0)
		len--;
	if (len == 0 || len >= cap)
		goto bad;
	for (size_t i = 0; i < len; i++)
		if (host ? !char_is_host(p[i]) : (p[i] < 0x20 || p[i] > 0x7e))
			goto bad;
	memcpy(dst, p, len);
	dst[len] = '\0';
	l->have |= have;
	return;
bad:
	l->dropped |= opt_specs[s].drop;
}

/* Option 56 is only ever logged: kept printable, cut to fit. */
static void dhcp_take_message(const struct opt_acc *a, char *dst, size_t cap)
{
	size_t len, n = 0;
	const uint8_t *p = opt_data(a, OPT_MESSAGE, &len);

	for (size_t i = 0; i < len && n + 1 < cap; i++)
		if (p[i] != 0)
			dst[n++] =
			    (p[i] >= 0x20 && p[i] <= 0x7e) ? (char)p[i] : '?';
	dst[n] = '\0';
}

static void dhcp_take_strings(const struct opt_acc *a, struct dhcp_lease *l)
{
	size_t len;
	const uint8_t *p;

	dhcp_take_string(a, OPT_HOSTNAME, true, l->hostname,
			 sizeof(l->hostname), l, DHCP_HAVE_HOSTNAME);
	dhcp_take_string(a, OPT_DOMAIN, true, l->domain, sizeof(l->domain), l,
			 DHCP_HAVE_DOMAIN);
	dhcp_take_string(a, OPT_ROOT_PATH, false, l->root_path,
			 sizeof(l->root_path), l, DHCP_HAVE_ROOT_PATH);
	if ((p = opt_data(a, OPT_MTU, &len))) {
		uint16_t mtu = (uint16_t)(p[0] << 8 | p[1]);
		if (mtu < 68) { /* RFC 2132 5.1 */
			l->dropped |= DHCP_DROP_MTU;
		} else {
			l->mtu = mtu;
			l->have |= DHCP_HAVE_MTU;
		}
	}
}

/* A NUL inside cap, and only allowed characters before it. */
static bool lease_string_ok(const char *str, size_t cap, bool host)
{
	const char *end = memchr(str, 0, cap);

	if (!end)
		return false;
	for (const char *p = str; p < end; p++) {
		uint8_t ch = (uint8_t)*p;
		if (host ? !char_is_host(ch) : (ch < 0x20 || ch > 0x7e))
			return false;
	}
	return true;
}

static bool lease_times_ok(const struct dhcp_lease *l)
{
	if (l->lease_time == DHCP_INFINITE)
		return l->t1 == DHCP_INFINITE && l->t2 == DHCP_INFINITE;
	return l->lease_time >= DHCP_MIN_LEASE && l->t1 >= DHCP_MIN_T1 &&
	       l->t1 <= l->t2 && l->t2 <= l->lease_time;
}

static bool lease_routes_ok(const struct dhcp_lease *l)
{
	if (l->n_routes > DHCP_MAX_ROUTES)
		return false;
	for (unsigned k = 0; k < l->n_routes; k++) {
		const struct dhcp_route *rt = &l->routes[k];
		uint32_t m;
		if (rt->prefix > 32)
			return false;
		m = rt->prefix ? 0xffffffffu << (32 - rt->prefix) : 0;
		if ((ntohl(rt->dst.s_addr) & ~m) != 0 ||
		    (rt->gw.s_addr != 0 && !dhcp_addr_is_unicast(rt->gw)))
			return false;
	}
	return true;
}

int dhcp_lease_check(const struct dhcp_lease *l, const char **why)
{
	struct in_addr m;

	*why = "";
	if (l->type != DHCPOFFER && l->type != DHCPACK && l->type != DHCPNAK)
		*why = "message type";
	else if ((l->have & ~DHCP_HAVE_ALL) || (l->dropped & ~DHCP_DROP_ALL))
		*why = "unknown flag bits";
	else if (!lease_string_ok(l->message, sizeof(l->message), false))
		*why = "message not a terminated printable string";
	if (*why[0] || l->type == DHCPNAK)
		goto out;
	m.s_addr = l->prefix >= 1 && l->prefix <= 32
		       ? htonl(0xffffffffu << (32 - l->prefix))
		       : 0;
	if (!dhcp_addr_is_unicast(l->yiaddr))
		*why = "yiaddr not unicast";
	else if (m.s_addr == 0 || m.s_addr != l->mask.s_addr)
		*why = "prefix out of range or not the mask's";
	else if ((l->have & DHCP_HAVE_ROUTER) &&
		 !dhcp_addr_is_unicast(l->router))
		*why = "router not unicast";
	else if (l->next_server.s_addr && !dhcp_addr_is_unicast(l->next_server))
		*why = "next-server not unicast";
	else if (l->n_dns > DHCP_MAX_DNS)
		*why = "DNS server count";
	else if (!lease_routes_ok(l))
		*why = "route count or route";
	else if ((l->have & DHCP_HAVE_MTU) && l->mtu < 68)
		*why = "MTU under 68";
	else if (!lease_times_ok(l))
		*why = "lease times not clamped";
	else if (!lease_string_ok(l->hostname, sizeof(l->hostname), true) ||
		 !lease_string_ok(l->domain, sizeof(l->domain), true) ||
		 !lease_string_ok(l->root_path, sizeof(l->root_path), false))
		*why = "hostname, domain or root path not a terminated "
		       "string of allowed characters";
	for (unsigned k = 0; !*why[0] && k < l->n_dns; k++)
		if (!dhcp_addr_is_unicast(l->dns[k]))
			*why = "DNS server not unicast";
out:
	return *why[0] ? -EBADMSG : 0;
}

/* Options -> lease: the overload walk, lengths, then each value's rules. */
static int dhcp_parse_options(const struct bootp_view *v,
			      const struct dhcp_expect *exp,
			      struct dhcp_lease *l, const char **why)
{
	struct opt_acc a;
	size_t len;
	const uint8_t *p;
	uint8_t overload = 0;
	int r;

	memset(a.seen, 0, sizeof(a.seen));
	memset(a.len, 0, sizeof(a.len));
	memset(a.bad, 0, sizeof(a.bad));
	if ((r = dhcp_walk_options(v->options, FIELD_OPTIONS, &a, why)) < 0)
		return r;
	if ((p = opt_data(&a, OPT_OVERLOAD, &len))) {
		if (len != 1) {
			*why = "option 52 with a wrong length or repeated "
			       "(RFC 2132 9.3)";
			return -EBADMSG;
		}
		overload = p[0];
		if (overload < 1 || overload > 3) {
			*why = "option 52 value not 1, 2 or 3 (RFC 2132 9.3)";
			return -EPROTO;
		}
	}
	/* RFC 2131 4.1: options, then file, then sname. */
	if ((overload & 1) &&
	    (r = dhcp_walk_options(v->file, FIELD_FILE, &a, why)) < 0)
		return r;
	if ((overload & 2) &&
	    (r = dhcp_walk_options(v->sname, FIELD_SNAME, &a, why)) < 0)
		return r;
	if ((r = dhcp_check_lengths(&a, why)) < 0)
		return r;
	l->dropped = opt_dropped(&a);

	if (!(p = opt_data(&a, OPT_MSG_TYPE, &len))) {
		*why = "no message type (RFC 2131 3)";
		return -EPROTO;
	}
	l->type = p[0];
	if (l->type != DHCPOFFER && l->type != DHCPACK && l->type != DHCPNAK) {
		*why = "not an OFFER, ACK or NAK";
		return -ENOMSG;
	}
	if (!opt_data(&a, OPT_SERVER_ID, &len)) {
		*why = "no server identifier (RFC 2131 4.3.1 table 3)";
		return -EPROTO;
	}
	l->server_id = opt_addr(&a, OPT_SERVER_ID);
	if (exp->server_id.s_addr != 0 &&
	    l->server_id.s_addr != exp->server_id.s_addr) {
		*why = "server identifier is not the selected server's (RFC "
		       "2131 4.4.1)";
		return -ENOMSG;
	}
	if (opt_data(&a, OPT_MESSAGE, &len)) {
		dhcp_take_message(&a, l->message, sizeof(l->message));
		l->have |= DHCP_HAVE_MESSAGE;
	}
	if (l->type == DHCPNAK)
		return 0;
	if ((r = dhcp_take_addressing(&a, v, l, why)) < 0 ||
	    (r = dhcp_take_times(&a, l, why)) < 0)
		return r;
	dhcp_take_routing(&a, l);
	dhcp_take_strings(&a, l);
	return 0;
}

int dhcp_parse_packet_explain(const uint8_t *frame, size_t len,
			      const struct dhcp_expect *exp,
			      struct dhcp_lease *out, const char **why)
{
	struct cursor c = cursor_make(frame, len), udp, bootp;
	struct bootp_view v;
	struct dhcp_lease l;
	struct in_addr src;
	int r;

	*why = "";
	if (!frame) {
		*why = "no frame";
		return -EINVAL;
	}
	if ((r = dhcp_parse_ip(&c, &src, &udp, why)) < 0)
		return r;
	/* The IP header was checked to be there: its destination at 16. */
	if ((r = dhcp_parse_udp(&udp, src, frame + 16,
				exp->udp_csum_unverifiable, &bootp, why)) < 0)
		return r;
	if ((r = dhcp_parse_bootp(&bootp, exp, &v, why)) < 0)
		return r;
	memset(&l, 0, sizeof(l));
	l.xid = v.xid;
	l.src = src;
	if ((r = dhcp_parse_options(&v, exp, &l, why)) < 0)
		return r;
	*out = l;
	return 0;
}

int dhcp_parse_packet(const uint8_t *frame, size_t len,
		      const struct dhcp_expect *exp, struct dhcp_lease *out)
{
	const char *why;

	return dhcp_parse_packet_explain(frame, len, exp, out, &why);
}

/* ---- building ----------------------------------------------------------- */

/* A bounded writer: the first overflow sticks and nothing more is written. */
struct wbuf {
	uint8_t *p;
	size_t cap, len;
	bool overflow;
};

static void wbuf_put(struct wbuf *w, const void *data, size_t n)
{
	if (w->overflow || n > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->p + w->len, data, n);
	w->len += n;
}

static void wbuf_u8(struct wbuf *w, uint8_t v)
{
	wbuf_put(w, &v, 1);
}

static void wbuf_be16(struct wbuf *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	wbuf_put(w, b, 2);
}

static void wbuf_be32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
			(uint8_t)(v >> 8), (uint8_t)v};
	wbuf_put(w, b, 4);
}

static void wbuf_zero(struct wbuf *w, size_t n)
{
	while (n-- > 0 && !w->overflow)
		wbuf_u8(w, 0);
}

static void wbuf_opt(struct wbuf *w, uint8_t code, const void *data, size_t n)
{
	if (n > 255) {
		w->overflow = true;
		return;
	}
	wbuf_u8(w, code);
	wbuf_u8(w, (uint8_t)n);
	wbuf_put(w, data, n);
}

/* What we ask servers for (RFC 2132 9.8). */
static const uint8_t dhcp_param_list[] = {
    OPT_SUBNET_MASK, OPT_CLASSLESS_ROUTES, OPT_ROUTER,	  OPT_DNS,
    OPT_HOSTNAME,    OPT_DOMAIN,	   OPT_ROOT_PATH, OPT_MTU,
    OPT_BROADCAST,   OPT_LEASE_TIME,	   OPT_T1,	  OPT_T2,
};

int dhcp_build_bootp(const struct dhcp_request *req, uint8_t *buf, size_t cap,
		     size_t *lenp)
{
	struct wbuf w = {.p = buf, .cap = cap};
	uint8_t cid[7];

	wbuf_u8(&w, 1); /* BOOTREQUEST */
	wbuf_u8(&w, 1); /* Ethernet */
	wbuf_u8(&w, 6);
	wbuf_u8(&w, 0);
	wbuf_be32(&w, req->xid);
	wbuf_be16(&w, req->secs);
	wbuf_be16(&w, req->broadcast ? 0x8000 : 0);
	wbuf_put(&w, &req->ciaddr.s_addr, 4);
	wbuf_zero(&w, 4 + 4 + 4); /* yiaddr, siaddr, giaddr */
	wbuf_put(&w, req->chaddr, 6);
	wbuf_zero(&w, 10 + 64 + 128); /* chaddr padding, sname, file */
	wbuf_be32(&w, DHCP_MAGIC);
	wbuf_opt(&w, OPT_MSG_TYPE, &req->type, 1);
	/* Client identifier: hardware type 1 and the MAC (RFC 2132 9.14). */
	cid[0] = 1;
	memcpy(cid + 1, req->chaddr, 6);
	if (req->client_id)
		wbuf_opt(&w, OPT_CLIENT_ID, req->client_id, req->client_id_len);
	else
		wbuf_opt(&w, OPT_CLIENT_ID, cid, sizeof(cid));
	if (req->requested.s_addr)
		wbuf_opt(&w, OPT_REQUESTED_IP, &req->requested.s_addr, 4);
	if (req->server_id.s_addr)
		wbuf_opt(&w, OPT_SERVER_ID, &req->server_id.s_addr, 4);
	if (req->type != DHCPRELEASE) {
		uint8_t max[2] = {1500 >> 8, 1500 & 0xff};
		if (req->hostname && req->hostname[0])
			wbuf_opt(&w, OPT_HOSTNAME, req->hostname,
				 strlen(req->hostname));
		wbuf_opt(&w, OPT_MAX_SIZE, max, sizeof(max));
		wbuf_opt(&w, OPT_PARAM_LIST, dhcp_param_list,
			 sizeof(dhcp_param_list));
	}
	wbuf_u8(&w, OPT_END);
	if (w.len < BOOTP_MIN_LEN)
		wbuf_zero(&w, BOOTP_MIN_LEN - w.len);
	if (w.overflow)
		return -ENOBUFS;
	*lenp = w.len;
	return 0;
}

int dhcp_build_frame(struct in_addr src, struct in_addr dst, uint16_t sport,
		     uint16_t dport, const uint8_t *payload, size_t plen,
		     uint8_t *buf, size_t cap, size_t *lenp)
{
	struct wbuf w = {.p = buf, .cap = cap};
	size_t total;
	uint32_t sum;
	uint16_t csum;
	const uint8_t *s = (const uint8_t *)&src.s_addr;
	const uint8_t *d = (const uint8_t *)&dst.s_addr;

	if (__builtin_add_overflow(plen, IP_MIN_HLEN + UDP_HLEN, &total) ||
	    total > DHCP_FRAME_MAX)
		return -EMSGSIZE;
	wbuf_u8(&w, 0x45);
	wbuf_u8(&w, 0x10); /* low delay, as BOOTP clients traditionally do */
	wbuf_be16(&w, (uint16_t)total);
	wbuf_be16(&w, 0);
	wbuf_be16(&w, 0);
	wbuf_u8(&w, 64);
	wbuf_u8(&w, IPPROTO_UDP);
	wbuf_be16(&w, 0);
	wbuf_put(&w, s, 4);
	wbuf_put(&w, d, 4);
	wbuf_be16(&w, sport);
	wbuf_be16(&w, dport);
	wbuf_be16(&w, (uint16_t)(plen + UDP_HLEN));
	wbuf_be16(&w, 0);
	wbuf_put(&w, payload, plen);
	if (w.overflow)
		return -ENOBUFS;
	csum = dhcp_csum(buf, IP_MIN_HLEN, 0);
	buf[10] = (uint8_t)(csum >> 8);
	buf[11] = (uint8_t)csum;
	sum = (uint32_t)(s[0] << 8 | s[1]) + (uint32_t)(s[2] << 8 | s[3]) +
	      (uint32_t)(d[0] << 8 | d[1]) + (uint32_t)(d[2] << 8 | d[3]) +
	      IPPROTO_UDP + (uint32_t)(plen + UDP_HLEN);
	csum = dhcp_csum(buf + IP_MIN_HLEN, plen + UDP_HLEN, sum);
	if (csum == 0)
		csum = 0xffff; /* 0 would mean "no checksum" (RFC 768) */
	buf[IP_MIN_HLEN + 6] = (uint8_t)(csum >> 8);
	buf[IP_MIN_HLEN + 7] = (uint8_t)csum;
	*lenp = w.len;
	return 0;
}
