/* cmdline: which boot parameters a QEMU try drops, and why (a table). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/strutil.h"
#include "try/cmdline.h"

enum rule_action { RULE_DROP, RULE_IP };

/* Matched against the parameter's name: "name" (the whole name, with or
 * without "=value") or "name*" (a prefix). */
struct rule {
	const char *name;
	enum rule_action action;
	const char *why;
};

static const struct rule rules[] = {
    {"console", RULE_DROP, "the try's console is QEMU's ttyS0"},
    {"earlycon", RULE_DROP, "names the real machine's serial hardware"},
    {"earlyprintk", RULE_DROP, "names the real machine's serial hardware"},
    {"BOOT_IMAGE", RULE_DROP, "the bootloader's, not the kernel's"},
    {"initrd", RULE_DROP, "QEMU passes the image itself"},
    {"rdinit", RULE_DROP, "would run another program than the image's /init"},
    {"BOOTIF", RULE_DROP, "the real NIC's MAC address (PXE)"},
    {"ifname", RULE_DROP, "binds a name to the real NIC's MAC address"},
    {"netconsole", RULE_DROP, "its target is not reachable from QEMU"},
    {"crashkernel", RULE_DROP, "would reserve the small VM's memory"},
    {"mem", RULE_DROP, "the VM's memory is QEMU's -m"},
    {"memmap", RULE_DROP, "names the real machine's memory map"},
    {"hugepages", RULE_DROP, "would take the small VM's memory"},
    {"hugepagesz", RULE_DROP, "would take the small VM's memory"},
    {"default_hugepagesz", RULE_DROP, "would take the small VM's memory"},
    {"ip", RULE_IP, NULL},
};

/* ip= forms QEMU's user networking can honour: DHCP on any NIC. */
static bool ip_is_plain_dhcp(const char *v)
{
	static const char *const ok[] = {"dhcp", "on",	 "any",	  "auto",
					 "off",	 "none", "dhcp6", "auto6"};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(v, ok[i]))
			return true;
	return false;
}

/* Field i (0-based) of a ':'-separated value into out; "" when absent. */
static int ip_field(const char *v, unsigned i, char *out, size_t size)
{
	size_t n;

	while (i--) {
		v = strchr(v, ':');
		if (!v) {
			out[0] = '\0';
			return 0;
		}
		v++;
	}
	n = strcspn(v, ":");
	if (n >= size)
		return -EINVAL;
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

/* An address of net/prefix that is none of the avoided ones. */
static struct in_addr ip_pick(struct in_addr net, unsigned prefix,
			      const struct in_addr *avoid, size_t n)
{
	uint32_t base = ntohl(net.s_addr), size = 1u << (32 - prefix);
	struct in_addr a = {0};

	for (uint32_t i = 1; i + 1 < size; i++) {
		bool taken = false;
		a.s_addr = htonl(base + i);
		for (size_t j = 0; j < n; j++)
			taken = taken || avoid[j].s_addr == a.s_addr;
		if (!taken)
			return a;
	}
	return a;
}

int try_ip_parse_static(const char *value, struct try_static_ip *s)
{
	char f[64];
	struct try_static_ip r;
	uint32_t mask;

	memset(&r, 0, sizeof(r));
	if (ip_field(value, 0, f, sizeof(f)) < 0 ||
	    inet_pton(AF_INET, f, &r.client) != 1)
		return -EINVAL;
	if (ip_field(value, 5, f, sizeof(f)) < 0 || (f[0] && strcmp(f, "eth0")))
		return -EINVAL; /* another NIC name than QEMU's */
	if (ip_field(value, 3, f, sizeof(f)) < 0)
		return -EINVAL;
	if (!f[0]) {
		r.prefix = 24;
	} else {
		struct in_addr m;
		if (inet_pton(AF_INET, f, &m) != 1)
			return -EINVAL;
		mask = ntohl(m.s_addr);
		if (~mask & (~mask + 1))
			return -EINVAL; /* not contiguous ones */
		r.prefix = (unsigned)__builtin_popcount(mask);
	}
	if (r.prefix < 8 || r.prefix > 29)
		return -EINVAL; /* QEMU wants room for itself and DHCP */
	mask = r.prefix ? ~0u << (32 - r.prefix) : 0;
	r.net.s_addr = htonl(ntohl(r.client.s_addr) & mask);
	if (r.client.s_addr == r.net.s_addr ||
	    (ntohl(r.client.s_addr) | ~mask) == ntohl(r.client.s_addr))
		return -EINVAL; /* the network or broadcast address */
	if (ip_field(value, 2, f, sizeof(f)) < 0)
		return -EINVAL;
	if (!f[0] || inet_pton(AF_INET, f, &r.gw) != 1 ||
	    (ntohl(r.gw.s_addr) & mask) != ntohl(r.net.s_addr) ||
	    r.gw.s_addr == r.client.s_addr || r.gw.s_addr == r.net.s_addr)
		r.gw = ip_pick(r.net, r.prefix, &r.client, 1);
	{
		struct in_addr avoid[2] = {r.client, r.gw};
		r.dns = ip_pick(r.net, r.prefix, avoid, 2);
	}
	r.set = true;
	*s = r;
	return 0;
}

static const struct rule *rule_find(const char *param, size_t namelen)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strlen(rules[i].name) == namelen &&
		    !memcmp(rules[i].name, param, namelen))
			return &rules[i];
	return NULL;
}

static int out_append(struct try_cmdline *out, size_t *off, const char *s)
{
	size_t n = strlen(s);

	if (*off + (*off ? 1 : 0) + n >= sizeof(out->text))
		return -E2BIG;
	if (*off)
		out->text[(*off)++] = ' ';
	memcpy(out->text + *off, s, n);
	*off += n;
	out->text[*off] = '\0';
	return 0;
}

static void out_drop(struct try_cmdline *out, const char *param,
		     const char *why)
{
	struct try_dropped *d;

	if (out->ndropped == TRY_DROPPED_MAX)
		return; /* the count stays at the cap; the text is right */
	d = &out->dropped[out->ndropped++];
	if (strlen(param) < sizeof(d->param)) {
		(void)str_copy(d->param, sizeof(d->param), param);
	} else {
		memcpy(d->param, param, sizeof(d->param) - 4);
		memcpy(d->param + sizeof(d->param) - 4, "...", 4);
	}
	d->why = why;
}

/* One parameter (NUL-terminated in word). */
static int filter_param(struct try_cmdline *out, size_t *off, const char *word,
			bool *have_ip)
{
	const char *eq = strchr(word, '=');
	size_t namelen = eq ? (size_t)(eq - word) : strlen(word);
	const struct rule *r = rule_find(word, namelen);

	if (!r)
		return out_append(out, off, word);
	if (r->action == RULE_DROP) {
		out_drop(out, word, r->why);
		return 0;
	}
	/* ip=: keep the forms DHCP on any NIC means; the rest (a static
	 * address, a named interface) becomes one ip=dhcp. */
	if (eq && ip_is_plain_dhcp(eq + 1)) {
		*have_ip = true;
		return out_append(out, off, word);
	}
	if (eq && !out->ip.set && try_ip_parse_static(eq + 1, &out->ip) == 0) {
		/* kept: QEMU's network is made to match it */
		(void)str_copy(out->ip.param, sizeof(out->ip.param), word);
		*have_ip = true;
		return out_append(out, off, word);
	}
	out_drop(out, word,
		 "a static address or a named NIC: QEMU's user network "
		 "gives 10.0.2.15 by DHCP (ip=dhcp instead)");
	if (*have_ip)
		return 0;
	*have_ip = true;
	return out_append(out, off, "ip=dhcp");
}

int try_cmdline_filter(const char *in, size_t len, struct try_cmdline *out)
{
	char word[TRY_CMDLINE_MAX];
	size_t i = 0, off = 0;
	bool have_ip = false, init_args = false;
	int r;

	memset(out, 0, sizeof(*out));
	while (len && (in[len - 1] == '\n' || in[len - 1] == '\0'))
		len--; /* /proc/cmdline ends in a newline */
	while (i < len) {
		size_t n = 0;
		bool quoted = false;

		while (i < len &&
		       (in[i] == ' ' || in[i] == '\t' || in[i] == '\n'))
			i++;
		if (i == len)
			break;
		while (i < len && (quoted || (in[i] != ' ' && in[i] != '\t' &&
					      in[i] != '\n'))) {
			if (in[i] == '\0')
				return -EINVAL;
			if (in[i] == '"')
				quoted = !quoted;
			if (n + 1 >= sizeof(word))
				return -E2BIG;
			word[n++] = in[i++];
		}
		if (quoted)
			return -EINVAL;
		word[n] = '\0';
		/* After "--" the words are init's arguments: kept as they are,
		 * and console= must come before them. */
		if (!init_args && !strcmp(word, "--")) {
			if ((r = out_append(out, &off, "console=ttyS0")) < 0)
				return r;
			init_args = true;
		}
		if (init_args)
			r = out_append(out, &off, word);
		else
			r = filter_param(out, &off, word, &have_ip);
		if (r < 0)
			return r;
	}
	return init_args ? 0 : out_append(out, &off, "console=ttyS0");
}

/* True when text (before any "--") has a word starting with "ip=". */
static bool text_has_ip(const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n;
		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n == 2 && !strncmp(p, "--", 2))
			return false;
		if (n >= 3 && !strncmp(p, "ip=", 3))
			return true;
		p += n;
	}
	return false;
}

int try_cmdline_override_config(struct try_cmdline *c, const char *conf,
				size_t len)
{
	char word[128];
	size_t i = 0, tlen = strlen(c->text);

	if (c->ip.set)
		return 0; /* the command line's own static address */
	while (i < len) {
		size_t n = 0;

		while (i < len && (conf[i] == ' ' || conf[i] == '\t' ||
				   conf[i] == '\n' || conf[i] == '\r'))
			i++;
		if (i < len && conf[i] == '#') {
			while (i < len && conf[i] != '\n')
				i++;
			continue;
		}
		while (i < len && conf[i] != ' ' && conf[i] != '\t' &&
		       conf[i] != '\n' && conf[i] != '\r') {
			if (n + 1 < sizeof(word))
				word[n++] = conf[i] ? conf[i] : '?';
			i++;
		}
		word[n] = '\0';
		if (n < 3 || strncmp(word, "ip=", 3) ||
		    ip_is_plain_dhcp(word + 3))
			continue;
		if (try_ip_parse_static(word + 3, &c->ip) == 0) {
			(void)str_copy(c->ip.param, sizeof(c->ip.param), word);
			c->ip.from_conf = true;
			return 0;
		}
		if (text_has_ip(c->text))
			return 0;
		if (tlen + 8 >= sizeof(c->text))
			return -E2BIG;
		memmove(c->text + 8, c->text, tlen + 1);
		memcpy(c->text, "ip=dhcp ", 8);
		out_drop(c, word,
			 "in the image's boot.conf: a static address or a "
			 "named NIC (ip=dhcp on the command line instead)");
		return 0;
	}
	return 0;
}
