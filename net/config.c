/* config: net's boot parameters (ip=, ifname=, rd.neednet, sesame.*) parsed
 * into struct net_config. */
#include "net/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "common/strutil.h"

/* ip= splits into at most this many ':' fields (10 kernel + 5 MAC colons). */
#define IP_MAX_FIELDS 16

struct field {
	const char *p;
	size_t len;
};

void net_config_init(struct net_config *c)
{
	memset(c, 0, sizeof(*c));
	c->dhcp_timeout_s = 60;
	c->dhcp_release = true;
}

static bool field_is(const struct field *f, const char *word)
{
	return f->len == strlen(word) && memcmp(f->p, word, f->len) == 0;
}

/* Splits on ':' except inside [...] (IPv6 literals). */
static int ip_split(const char *s, struct field *fields, unsigned *np,
		    const char **why)
{
	unsigned n = 0;
	const char *start = s;
	int depth = 0;

	for (const char *p = s;; p++) {
		if (*p == '[')
			depth++;
		else if (*p == ']')
			depth--;
		if (depth < 0 || depth > 1) {
			*why = "unbalanced brackets";
			return -EINVAL;
		}
		if ((*p == ':' && depth == 0) || *p == '\0') {
			if (n == IP_MAX_FIELDS) {
				*why = "too many fields";
				return -EINVAL;
			}
			fields[n].p = start;
			fields[n].len = (size_t)(p - start);
			n++;
			start = p + 1;
		}
		if (*p == '\0')
			break;
	}
	if (depth != 0) {
		*why = "unbalanced brackets";
		return -EINVAL;
	}
	*np = n;
	return 0;
}

static int field_addr(const struct field *f, struct in_addr *a,
		      const char **why)
{
	char buf[INET_ADDRSTRLEN];

	if (f->len > 0 && f->p[0] == '[') {
		*why = "IPv6 addresses are not supported (DHCPv4 and static "
		       "IPv4 only)";
		return -EINVAL;
	}
	if (strn_copy(buf, sizeof(buf), f->p, f->len) < 0 ||
	    inet_pton(AF_INET, buf, a) != 1) {
		*why = "not an IPv4 address";
		return -EINVAL;
	}
	return 0;
}

static bool field_is_ipv4(const struct field *f)
{
	struct in_addr a;
	const char *why;

	return field_addr(f, &a, &why) == 0;
}

/* Optional address: empty leaves *a as 0.0.0.0. */
static int field_opt_addr(const struct field *f, struct in_addr *a,
			  const char **why)
{
	if (f->len == 0) {
		a->s_addr = 0;
		return 0;
	}
	return field_addr(f, a, why);
}

/* A netmask as a dotted quad or as a prefix length ("24"). */
static int field_prefix(const struct field *f, uint8_t *prefix,
			const char **why)
{
	struct in_addr m;
	uint64_t v;
	int r;

	if (strn_to_u64(f->p, f->len, 10, 32, &v) == 0) {
		*prefix = (uint8_t)v;
		return 0;
	}
	if ((r = field_addr(f, &m, why)) < 0)
		return r;
	if ((r = dhcp_mask_prefix(m)) < 0) {
		*why = "netmask is not contiguous";
		return r;
	}
	*prefix = (uint8_t)r;
	return 0;
}

static bool host_chars_ok(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char ch = p[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
			return false;
	}
	return true;
}

static int field_hostname(const struct field *f, char *dst, size_t cap,
			  const char **why)
{
	if (!host_chars_ok(f->p, f->len) ||
	    strn_copy(dst, cap, f->p, f->len) < 0) {
		*why = "hostname too long or not letters, digits, '-', '.'";
		return -EINVAL;
	}
	return 0;
}

/* A network interface name as the kernel accepts it (dev_valid_name). */
static int field_ifname(const struct field *f, char *dst, const char **why)
{
	if (f->len >= IFNAMSIZ || field_is(f, ".") || field_is(f, "..")) {
		*why = "interface name too long or invalid";
		return -EINVAL;
	}
	for (size_t i = 0; i < f->len; i++)
		if (f->p[i] == '/' || f->p[i] == ':' ||
		    (unsigned char)f->p[i] <= ' ' ||
		    (unsigned char)f->p[i] >= 0x7f) {
			*why = "interface name with '/', ':', spaces or "
			       "control characters";
			return -EINVAL;
		}
	memcpy(dst, f->p, f->len);
	dst[f->len] = '\0';
	return 0;
}

int net_config_parse_mac(const char *s, size_t len, uint8_t mac[6])
{
	uint8_t m[6];

	if (len != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		uint64_t v;
		if (i > 0 && s[i * 3 - 1] != ':' && s[i * 3 - 1] != '-')
			return -EINVAL;
		if (strn_to_u64(s + i * 3, 2, 16, 0xff, &v) < 0)
			return -EINVAL;
		m[i] = (uint8_t)v;
	}
	memcpy(mac, m, 6);
	return 0;
}

/*
 * The kernel's "dhcp,<client-id-type>,<client-id-value>" (nfsroot.rst):
 * option 61 becomes the type as one byte and the value's bytes.
 */
static int field_client_id(const struct field *f, struct net_ip_param *p,
			   const char **why)
{
	const char *type = f->p + 5, *end = f->p + f->len;
	const char *comma = memchr(type, ',', (size_t)(end - type));
	uint64_t v;
	size_t vlen;

	if (!comma ||
	    strn_to_u64(type, (size_t)(comma - type), 10, 255, &v) < 0) {
		*why = "client id not dhcp,<type 0-255>,<value>";
		return -EINVAL;
	}
	vlen = (size_t)(end - comma - 1);
	if (vlen == 0 || vlen >= NET_CLIENT_ID_MAX) {
		*why = "client id value empty or over 63 bytes";
		return -EINVAL;
	}
	for (size_t i = 0; i < vlen; i++)
		if ((unsigned char)comma[1 + i] <= ' ' ||
		    (unsigned char)comma[1 + i] >= 0x7f) {
			*why = "client id value with spaces or control "
			       "characters";
			return -EINVAL;
		}
	p->client_id[0] = (uint8_t)v;
	memcpy(p->client_id + 1, comma + 1, vlen);
	p->client_id_len = (uint8_t)(vlen + 1);
	return 0;
}

/*
 * The autoconf field: the kernel's words (nfsroot.rst: off, none, on, any,
 * dhcp, bootp, both; rarp refused) and dracut's (dracut.cmdline(7): also
 * single-dhcp; the IPv6 ones and ibft refused). Empty: static with a
 * client address, else DHCP ("any", the kernel's default).
 */
static int field_method(const struct field *f, bool have_addr,
			struct net_ip_param *p, const char **why)
{
	static const char *const dhcp_words[] = {
	    "dhcp", "on", "any", "both", "bootp", "single-dhcp"};
	static const char *const v6_words[] = {"dhcp6", "auto6", "either6",
					       "link6", "link-local"};

	if (f->len == 0) {
		p->method = have_addr ? NET_METHOD_STATIC : NET_METHOD_DHCP;
		return 0;
	}
	if (field_is(f, "off") || field_is(f, "none")) {
		if (!have_addr) {
			*why = "autoconf off but no client address";
			return -EINVAL;
		}
		p->method = NET_METHOD_STATIC;
		return 0;
	}
	if (f->len > 5 && !memcmp(f->p, "dhcp,", 5)) {
		p->method = NET_METHOD_DHCP;
		return field_client_id(f, p, why);
	}
	for (size_t i = 0; i < sizeof(dhcp_words) / sizeof(dhcp_words[0]); i++)
		if (field_is(f, dhcp_words[i])) {
			p->method = NET_METHOD_DHCP;
			return 0;
		}
	for (size_t i = 0; i < sizeof(v6_words) / sizeof(v6_words[0]); i++)
		if (field_is(f, v6_words[i])) {
			*why = "IPv6 autoconfiguration is not supported";
			return -EINVAL;
		}
	*why = "unknown autoconf method (rarp and ibft are not supported)";
	return -EINVAL;
}

static bool field_is_method(const struct field *f)
{
	struct net_ip_param p;
	const char *why;

	return f->len > 0 && field_method(f, true, &p, &why) == 0;
}

/* dracut's tail after the method: [<mtu>][:<macaddr>] (the MAC has colons). */
static int ip_parse_mtu_mac(const struct field *fields, unsigned n, unsigned at,
			    struct net_ip_param *p, const char **why)
{
	uint64_t v;

	if (at < n && fields[at].len > 0) {
		if (strn_to_u64(fields[at].p, fields[at].len, 10, 65535, &v) <
			0 ||
		    v < 68) {
			*why = "MTU not a number from 68 to 65535";
			return -EINVAL;
		}
		p->mtu = (uint16_t)v;
	}
	if (at + 1 < n) {
		const char *start = fields[at + 1].p;
		const char *end = fields[n - 1].p + fields[n - 1].len;
		/* "eth0:dhcp::" and "eth0:dhcp:1400:": no MAC given. */
		if (start == end)
			return 0;
		if (net_config_parse_mac(start, (size_t)(end - start), p->mac) <
		    0) {
			*why = "not a MAC address (aa:bb:cc:dd:ee:ff)";
			return -EINVAL;
		}
		p->has_mac = true;
	}
	return 0;
}

/* ip=<if>:<method>[:[<mtu>][:<macaddr>]] (dracut). */
static int ip_parse_short(const struct field *f, unsigned n,
			  struct net_ip_param *p, const char **why)
{
	int r;

	if ((r = field_ifname(&f[0], p->ifname, why)) < 0 ||
	    (r = field_method(&f[1], false, p, why)) < 0)
		return r;
	return ip_parse_mtu_mac(f, n, 2, p, why);
}

/*
 * The second field: the kernel's NFS server, dracut's point-to-point peer,
 * which "may be followed by a slash and a decimal number" (a prefix length,
 * of no use to us: only checked).
 */
static int field_peer(const struct field *f, struct in_addr *a,
		      const char **why)
{
	const char *slash = memchr(f->p, '/', f->len);
	struct field addr = *f;
	uint64_t v;

	if (slash) {
		addr.len = (size_t)(slash - f->p);
		if (strn_to_u64(slash + 1, f->len - addr.len - 1, 10, 32, &v) <
		    0) {
			*why = "peer prefix length not 0 to 32";
			return -EINVAL;
		}
		if (addr.len == 0) {
			*why = "peer prefix length without an address";
			return -EINVAL;
		}
	}
	return field_opt_addr(&addr, a, why);
}

/*
 * ip=<client>:<server>:<gw>:<netmask>:<hostname>:<device>:<autoconf>
 *    [:<dns0>[:<dns1>[:<ntp0>]]]    (kernel nfsroot.txt)
 *    [:[<mtu>][:<macaddr>]]         (dracut, told apart by a bare number)
 */
static int ip_parse_long(const struct field *f, unsigned n,
			 struct net_ip_param *p, const char **why)
{
	static const struct field empty = {"", 0};
	struct in_addr ntp;
	int r;

	for (unsigned i = 0; i < n; i++)
		if (f[i].len > 0 && f[i].p[0] == '[') {
			*why = "IPv6 addresses are not supported (DHCPv4 and "
			       "static IPv4 only)";
			return -EINVAL;
		}
	if ((r = field_opt_addr(&f[0], &p->addr, why)) < 0 ||
	    (r = field_peer(n > 1 ? &f[1] : &empty, &p->server, why)) < 0 ||
	    (r = field_opt_addr(n > 2 ? &f[2] : &empty, &p->gw, why)) < 0)
		return r;
	if (n > 3 && f[3].len > 0 &&
	    (r = field_prefix(&f[3], &p->prefix, why)) < 0)
		return r;
	if (n > 4 && (r = field_hostname(&f[4], p->hostname,
					 sizeof(p->hostname), why)) < 0)
		return r;
	if (n > 5 && (r = field_ifname(&f[5], p->ifname, why)) < 0)
		return r;
	if ((r = field_method(n > 6 ? &f[6] : &empty, p->addr.s_addr != 0, p,
			      why)) < 0)
		return r;
	if (n > 7) {
		uint64_t v;
		/*
		 * MTU and MAC, then on to the netmask rules below: returning
		 * here once let an empty netmask through as /0 (found by
		 * fuzz_ipconf).
		 */
		if (strn_to_u64(f[7].p, f[7].len, 10, 65535, &v) == 0 ||
		    (f[7].len == 0 && n > 8 && f[8].len == 2)) {
			if ((r = ip_parse_mtu_mac(f, n, 7, p, why)) < 0)
				return r;
		} else if (n > 10) {
			*why = "too many fields";
			return -EINVAL;
		} else if ((r = field_opt_addr(&f[7], &p->dns[0], why)) < 0 ||
			   (r = field_opt_addr(n > 8 ? &f[8] : &empty,
					       &p->dns[1], why)) < 0 ||
			   (r = field_opt_addr(n > 9 ? &f[9] : &empty, &ntp,
					       why)) < 0) {
			return r;
		}
	}
	if (p->method == NET_METHOD_STATIC) {
		uint32_t h = ntohl(p->addr.s_addr);
		if (n <= 3 || f[3].len == 0) /* classful, as the kernel does */
			p->prefix = h < 0x80000000u   ? 8
				    : h < 0xc0000000u ? 16
						      : 24;
		if (p->prefix == 0) {
			*why = "netmask /0 for a static address";
			return -EINVAL;
		}
	}
	return 0;
}

static int net_config_parse_ip_explain(const char *value,
				       struct net_ip_param *out,
				       const char **why)
{
	struct field f[IP_MAX_FIELDS];
	struct net_ip_param p;
	unsigned n;
	int r;

	*why = "";
	memset(&p, 0, sizeof(p));
	if ((r = ip_split(value, f, &n, why)) < 0)
		return r;
	if (n == 1 && f[0].len == 0) {
		*why = "empty";
		return -EINVAL;
	} else if (n == 1 && !field_is_ipv4(&f[0])) {
		/* ip=dhcp, ip=on, ...: DHCP on any NIC. (ip=<client-ip>
		 * alone is the long form with every other field empty.) */
		if ((r = field_method(&f[0], false, &p, why)) < 0)
			return r;
	} else if (n > 1 && field_is_method(&f[1]) && f[0].len > 0 &&
		   f[0].p[0] != '[' && !field_is_ipv4(&f[0])) {
		/* <if>:<method>: the first field is not an address. */
		if ((r = ip_parse_short(f, n, &p, why)) < 0)
			return r;
	} else if ((r = ip_parse_long(f, n, &p, why)) < 0) {
		return r;
	}
	*out = p;
	return 0;
}

int net_config_parse_ip(const char *value, struct net_ip_param *p)
{
	const char *why;

	return net_config_parse_ip_explain(value, p, &why);
}

static int parse_bool(const char *value, bool bare_true, bool *b)
{
	if (!value)
		return bare_true ? (*b = true, 0) : -EINVAL;
	if (!strcmp(value, "1") || !strcmp(value, "yes") ||
	    !strcmp(value, "true") || !strcmp(value, "on"))
		*b = true;
	else if (!strcmp(value, "0") || !strcmp(value, "no") ||
		 !strcmp(value, "false") || !strcmp(value, "off"))
		*b = false;
	else
		return -EINVAL;
	return 0;
}

static int config_take_ip(struct net_config *c, const char *value)
{
	struct net_ip_param p;
	const char *why;
	unsigned i;
	int r;

	if (!value)
		return -EINVAL;
	if (!strcmp(value, "off") || !strcmp(value, "none")) {
		c->disabled = true;
		return 0;
	}
	if ((r = net_config_parse_ip_explain(value, &p, &why)) < 0) {
		log_warn("ip=%.80s: %s", value, why);
		return r;
	}
	/*
	 * A later ip= for the same interface (or MAC) replaces the earlier
	 * one; one without interface or MAC may be given once: which NIC a
	 * second one meant cannot be told (dracut.cmdline(7) asks for
	 * bootdev= then). It is refused, not silently merged.
	 */
	for (i = 0; i < c->n_ip; i++) {
		const struct net_ip_param *q = &c->ip[i];
		if (p.ifname[0] ? !strcmp(q->ifname, p.ifname)
				: !q->ifname[0] && q->has_mac == p.has_mac &&
				      (!p.has_mac || !memcmp(q->mac, p.mac, 6)))
			break;
	}
	if (i < c->n_ip && !p.ifname[0] && !p.has_mac) {
		log_warn("ip=%.80s: a second ip= without an interface; name "
			 "the interface (...:<device>:...) to configure "
			 "several; ignored",
			 value);
		return -EINVAL;
	}
	if (i == NET_MAX_IFACES)
		return -E2BIG;
	c->ip[i] = p;
	if (i == c->n_ip)
		c->n_ip++;
	c->disabled = false;
	return 0;
}

static int config_take_ifname(struct net_config *c, const char *value)
{
	const char *colon = value ? strchr(value, ':') : NULL;
	struct net_ifname_param p;
	struct field name;
	const char *why;
	unsigned i;

	if (!colon)
		return -EINVAL;
	name.p = value;
	name.len = (size_t)(colon - value);
	if (name.len == 0 || field_ifname(&name, p.ifname, &why) < 0 ||
	    net_config_parse_mac(colon + 1, strlen(colon + 1), p.mac) < 0) {
		log_warn("ifname=%.80s: want <name>:<aa:bb:cc:dd:ee:ff>",
			 value);
		return -EINVAL;
	}
	for (i = 0; i < c->n_ifnames; i++)
		if (!strcmp(c->ifnames[i].ifname, p.ifname) ||
		    !memcmp(c->ifnames[i].mac, p.mac, 6))
			break;
	if (i == NET_MAX_IFNAMES)
		return -E2BIG;
	c->ifnames[i] = p;
	if (i == c->n_ifnames)
		c->n_ifnames++;
	return 0;
}

int net_config_parse_param(struct net_config *c, const char *name,
			   const char *value)
{
	uint64_t v;
	bool b;

	if (!strcmp(name, "ip"))
		return config_take_ip(c, value);
	if (!strcmp(name, "ifname"))
		return config_take_ifname(c, value);
	if (!strcmp(name, "rd.neednet") || !strcmp(name, "sesame.net_keep")) {
		if (parse_bool(value, true, &b) < 0)
			return -EINVAL;
		c->keep = b;
		return 0;
	}
	if (!strcmp(name, "sesame.dhcp_release")) {
		if (parse_bool(value, false, &b) < 0)
			return -EINVAL;
		c->dhcp_release = b;
		return 0;
	}
	if (!strcmp(name, "sesame.dhcp_timeout")) {
		if (!value || str_to_u64(value, 10, 3600, &v) < 0 || v == 0)
			return -EINVAL;
		c->dhcp_timeout_s = (unsigned)v;
		return 0;
	}
	if (!strcmp(name, "sesame.hostname")) {
		struct field f;
		const char *why;
		char h[DHCP_HOSTNAME_MAX];
		if (!value || !value[0])
			return -EINVAL;
		f.p = value;
		f.len = strlen(value);
		if (field_hostname(&f, h, sizeof(h), &why) < 0)
			return -EINVAL;
		memcpy(c->hostname, h, sizeof(h));
		return 0;
	}
	return -ENOENT;
}
