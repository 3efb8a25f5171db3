/* test_net_config: ip=, ifname=, rd.neednet and sesame.* parsing, good and
 * malformed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "net/net.h"

static struct net_config c;

static int param(const char *name, const char *value)
{
	return net_config_parse_param(&c, name, value);
}

static int setup(void **state)
{
	(void)state;
	net_config_init(&c);
	log_set_max_level(LOG_LVL_ERR);
	return 0;
}

static void defaults(void **state)
{
	(void)state;
	assert_false(c.disabled);
	assert_int_equal(c.n_ip, 0);
	assert_int_equal(c.dhcp_timeout_s, 60);
	assert_true(c.dhcp_release);
	assert_false(c.keep);
}

static void dracut_dhcp_forms(void **state)
{
	(void)state;
	assert_int_equal(param("ip", "dhcp"), 0);
	assert_int_equal(c.n_ip, 1);
	assert_int_equal(c.ip[0].method, NET_METHOD_DHCP);
	assert_string_equal(c.ip[0].ifname, "");
	assert_int_equal(param("ip", "eth1:dhcp"), 0);
	assert_int_equal(param("ip", "eth0.100:on"), 0);
	assert_int_equal(c.n_ip, 3);
	assert_string_equal(c.ip[1].ifname, "eth1");
	assert_string_equal(c.ip[2].ifname, "eth0.100");
	/* A second ip= for the same interface replaces the first. */
	assert_int_equal(param("ip", "eth1:any:9000"), 0);
	assert_int_equal(c.n_ip, 3);
	assert_int_equal(c.ip[1].mtu, 9000);
	assert_int_equal(param("ip", "eth2:dhcp:1500:52:54:00:AB:cd:ef"), 0);
	assert_true(c.ip[3].has_mac);
	assert_memory_equal(c.ip[3].mac, "\x52\x54\x00\xab\xcd\xef", 6);
	assert_int_equal(param("ip", "eth3:dhcp::52:54:00:ab:cd:01"), 0);
	assert_int_equal(c.ip[4].mtu, 0);
	assert_true(c.ip[4].has_mac);
}

static void kernel_static_form(void **state)
{
	struct net_ip_param *p = &c.ip[0];

	(void)state;
	assert_int_equal(param("ip", "192.168.1.10:192.168.1.2:192.168.1.1:"
				     "255.255.255.0:box:eth0:off:1.1.1.1:"
				     "8.8.8.8:10.0.0.123"),
			 0);
	assert_int_equal(p->method, NET_METHOD_STATIC);
	assert_int_equal(p->addr.s_addr, inet_addr("192.168.1.10"));
	assert_int_equal(p->server.s_addr, inet_addr("192.168.1.2"));
	assert_int_equal(p->gw.s_addr, inet_addr("192.168.1.1"));
	assert_int_equal(p->prefix, 24);
	assert_string_equal(p->hostname, "box");
	assert_string_equal(p->ifname, "eth0");
	assert_int_equal(p->dns[0].s_addr, inet_addr("1.1.1.1"));
	assert_int_equal(p->dns[1].s_addr, inet_addr("8.8.8.8"));
}

static void dracut_static_forms(void **state)
{
	(void)state;
	assert_int_equal(
	    param("ip", "10.0.0.5::10.0.0.1:255.255.255.255:h:eth0:none"), 0);
	assert_int_equal(c.ip[0].prefix, 32);
	assert_int_equal(c.ip[0].gw.s_addr, inet_addr("10.0.0.1"));
	/* Prefix length instead of a mask, MTU and MAC after the method. */
	assert_int_equal(param("ip", "10.0.0.6::10.0.0.1:24::eth1:none:1400:"
				     "aa:bb:cc:dd:ee:ff"),
			 0);
	assert_int_equal(c.ip[1].prefix, 24);
	assert_int_equal(c.ip[1].mtu, 1400);
	assert_true(c.ip[1].has_mac);
	/* No mask: classful. No autoconf with an address: static. */
	assert_int_equal(param("ip", "172.16.0.9:::::eth2"), 0);
	assert_int_equal(c.ip[2].method, NET_METHOD_STATIC);
	assert_int_equal(c.ip[2].prefix, 16);
	/* The kernel form with DHCP on a named device. */
	assert_int_equal(param("ip", ":::::eth3:dhcp"), 0);
	assert_int_equal(c.ip[3].method, NET_METHOD_DHCP);
	assert_string_equal(c.ip[3].ifname, "eth3");
}

/*
 * Issue 9 item 17: every form of the kernel's nfsroot.rst and of
 * dracut.cmdline(7), one row each: what each field must become.
 */
struct ip_form {
	const char *value;
	enum net_method method;
	const char *ifname;
	const char *addr, *server, *gw; /* NULL: 0.0.0.0 */
	uint8_t prefix;
	const char *hostname;
	const char *dns0, *dns1;
	uint16_t mtu;
	const char *mac;       /* NULL: none */
	const char *client_id; /* type byte then value; NULL: none */
	uint8_t client_id_len;
};

#define DHCP NET_METHOD_DHCP
#define STATIC NET_METHOD_STATIC
/* Rows name only the fields that matter; the rest are 0 and NULL. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct ip_form forms[] = {
    /* nfsroot.rst: <autoconf> alone. */
    {"dhcp", DHCP, ""},
    {"on", DHCP, ""},
    {"any", DHCP, ""},
    {"bootp", DHCP, ""},
    {"both", DHCP, ""},
    /* nfsroot.rst: "ip=dhcp,client-id-type,client-id-value". */
    {"dhcp,1,box-01", DHCP, "",
     .client_id = "\x01"
		  "box-01",
     .client_id_len = 7},
    {"dhcp,0,x", DHCP, "", .client_id = "\x00x", .client_id_len = 2},
    /* nfsroot.rst: the client address alone; classful netmask. */
    {"192.0.2.5", STATIC, "", "192.0.2.5", .prefix = 24},
    {"10.1.2.3", STATIC, "", "10.1.2.3", .prefix = 8},
    {"172.16.0.9", STATIC, "", "172.16.0.9", .prefix = 16},
    /* nfsroot.rst: every field, some empty. */
    {"192.0.2.5:192.0.2.2:192.0.2.1:255.255.255.0:box:eth0:off:192.0.2.53:"
     "192.0.2.54:192.0.2.123",
     STATIC, "eth0", "192.0.2.5", "192.0.2.2", "192.0.2.1", 24, "box",
     "192.0.2.53", "192.0.2.54"},
    {"192.0.2.5::192.0.2.1:255.255.0.0::eth0:none", STATIC, "eth0", "192.0.2.5",
     NULL, "192.0.2.1", 16},
    {"192.0.2.5:::::eth0", STATIC, "eth0", "192.0.2.5", .prefix = 24},
    {"192.0.2.5::192.0.2.1", STATIC, "", "192.0.2.5", NULL, "192.0.2.1", 24},
    {":::::eth0:dhcp", DHCP, "eth0"},
    {"::::box::dhcp", DHCP, "", .hostname = "box"},
    {":::::eth0:dhcp,1,abc", DHCP, "eth0",
     .client_id = "\x01"
		  "abc",
     .client_id_len = 4},
    {"192.0.2.5:::::eth0:off:192.0.2.53", STATIC, "eth0", "192.0.2.5",
     .prefix = 24, .dns0 = "192.0.2.53"},
    /* dracut: ip={dhcp|on|any|...|single-dhcp}. */
    {"single-dhcp", DHCP, ""},
    /* dracut: ip=<interface>:{dhcp|on|any}[:[<mtu>][:<macaddr>]]. */
    {"eth0:dhcp", DHCP, "eth0"},
    {"eth0:on", DHCP, "eth0"},
    {"eth0:any", DHCP, "eth0"},
    {"eth0:dhcp:", DHCP, "eth0"},
    {"eth0:dhcp::", DHCP, "eth0"},
    {"eth0:dhcp:9000", DHCP, "eth0", .mtu = 9000},
    {"eth0:dhcp:9000:", DHCP, "eth0", .mtu = 9000},
    {"eth0:dhcp::52:54:00:12:34:56", DHCP, "eth0",
     .mac = "\x52\x54\x00\x12\x34\x56"},
    {"eth0:dhcp:1400:52:54:00:12:34:56", DHCP, "eth0", .mtu = 1400,
     .mac = "\x52\x54\x00\x12\x34\x56"},
    /* dracut: <client-IP>:[<peer>]:<gw>:<netmask>:<hostname>:<interface>:
     * {none|off|dhcp|on|any}[:[<mtu>][:<macaddr>]] */
    {"192.0.2.5::192.0.2.1:24:box:eth0:none", STATIC, "eth0", "192.0.2.5", NULL,
     "192.0.2.1", 24, "box"},
    {"192.0.2.5:192.0.2.9/30:192.0.2.1:24::eth0:none", STATIC, "eth0",
     "192.0.2.5", "192.0.2.9", "192.0.2.1", 24},
    {"192.0.2.5::192.0.2.1:24::eth0:none:1400", STATIC, "eth0", "192.0.2.5",
     NULL, "192.0.2.1", 24, .mtu = 1400},
    {"192.0.2.5::192.0.2.1:24::eth0:none:1400:52:54:00:12:34:56", STATIC,
     "eth0", "192.0.2.5", NULL, "192.0.2.1", 24, .mtu = 1400,
     .mac = "\x52\x54\x00\x12\x34\x56"},
    /* No netmask and an MTU: still classful (fuzz_ipconf found /0). */
    {"192.0.2.5::192.0.2.1:::eth0:none:1500", STATIC, "eth0", "192.0.2.5", NULL,
     "192.0.2.1", 24, .mtu = 1500},
    {"10.0.0.5::10.0.0.1:::eth0:none:1500:52:54:00:12:34:56", STATIC, "eth0",
     "10.0.0.5", NULL, "10.0.0.1", 8, .mtu = 1500,
     .mac = "\x52\x54\x00\x12\x34\x56"},
    {"192.0.2.5::192.0.2.1:24::eth0:none::52:54:00:12:34:56", STATIC, "eth0",
     "192.0.2.5", NULL, "192.0.2.1", 24, .mac = "\x52\x54\x00\x12\x34\x56"},
    {"192.0.2.5::192.0.2.1:24::eth0:dhcp", DHCP, "eth0", "192.0.2.5", NULL,
     "192.0.2.1", 24},
    /* dracut: ...:<autoconf>[:[<dns1>][:<dns2>]] */
    {"192.0.2.5::192.0.2.1:24::eth0:none:192.0.2.53", STATIC, "eth0",
     "192.0.2.5", NULL, "192.0.2.1", 24, .dns0 = "192.0.2.53"},
    {"192.0.2.5::192.0.2.1:24::eth0:none:192.0.2.53:192.0.2.54", STATIC, "eth0",
     "192.0.2.5", NULL, "192.0.2.1", 24, .dns0 = "192.0.2.53",
     .dns1 = "192.0.2.54"},
    {"192.0.2.5::192.0.2.1:24::eth0:none::192.0.2.54", STATIC, "eth0",
     "192.0.2.5", NULL, "192.0.2.1", 24, .dns1 = "192.0.2.54"},
    {"192.0.2.5::192.0.2.1:24::eth0:none::", STATIC, "eth0", "192.0.2.5", NULL,
     "192.0.2.1", 24},
};
#pragma GCC diagnostic pop
#undef DHCP
#undef STATIC

static in_addr_t addr_or_0(const char *a)
{
	return a ? inet_addr(a) : 0;
}

static void every_documented_form(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		const struct ip_form *f = &forms[i];
		struct net_ip_param p;
		int r = net_config_parse_ip(f->value, &p);

		print_message("  ip=%s\n", f->value);
		if (r != 0)
			fail_msg("ip=%s gave %d", f->value, r);
		assert_int_equal(p.method, f->method);
		assert_string_equal(p.ifname, f->ifname);
		assert_int_equal(p.addr.s_addr, addr_or_0(f->addr));
		assert_int_equal(p.server.s_addr, addr_or_0(f->server));
		assert_int_equal(p.gw.s_addr, addr_or_0(f->gw));
		if (f->method == NET_METHOD_STATIC || f->prefix)
			assert_int_equal(p.prefix, f->prefix);
		assert_string_equal(p.hostname, f->hostname ? f->hostname : "");
		assert_int_equal(p.dns[0].s_addr, addr_or_0(f->dns0));
		assert_int_equal(p.dns[1].s_addr, addr_or_0(f->dns1));
		assert_int_equal(p.mtu, f->mtu);
		assert_int_equal(p.has_mac, f->mac != NULL);
		if (f->mac)
			assert_memory_equal(p.mac, f->mac, 6);
		assert_int_equal(p.client_id_len, f->client_id_len);
		if (f->client_id_len)
			assert_memory_equal(p.client_id, f->client_id,
					    f->client_id_len);
	}
}

/* Item 17: several ip= without a device no longer overwrite each other. */
static void several_ip_without_a_device(void **state)
{
	(void)state;
	/* One per MAC: both kept. */
	assert_int_equal(
	    param("ip",
		  "192.0.2.5::192.0.2.1:24:::none:1500:52:54:00:00:00:01"),
	    0);
	assert_int_equal(
	    param("ip",
		  "192.0.2.6::192.0.2.1:24:::none:1500:52:54:00:00:00:02"),
	    0);
	assert_int_equal(c.n_ip, 2);
	assert_int_equal(c.ip[0].addr.s_addr, inet_addr("192.0.2.5"));
	assert_int_equal(c.ip[1].addr.s_addr, inet_addr("192.0.2.6"));
	/* The same MAC again: replaced. */
	assert_int_equal(
	    param("ip",
		  "192.0.2.7::192.0.2.1:24:::none:1500:52:54:00:00:00:01"),
	    0);
	assert_int_equal(c.n_ip, 2);
	assert_int_equal(c.ip[0].addr.s_addr, inet_addr("192.0.2.7"));
	/* One without device or MAC, then a second: refused, not merged. */
	assert_int_equal(param("ip", "192.0.2.5"), 0);
	assert_int_equal(c.n_ip, 3);
	assert_int_equal(param("ip", "dhcp"), -EINVAL);
	assert_int_equal(c.n_ip, 3);
	assert_int_equal(c.ip[2].method, NET_METHOD_STATIC);
	assert_int_equal(c.ip[2].addr.s_addr, inet_addr("192.0.2.5"));
}

static void off_disables(void **state)
{
	(void)state;
	assert_int_equal(param("ip", "off"), 0);
	assert_true(c.disabled);
	assert_int_equal(param("ip", "none"), 0);
	assert_true(c.disabled);
}

static void malformed_ip_is_refused(void **state)
{
	static const char *const bad[] = {
	    "",
	    "bogus",
	    "rarp",
	    "eth0:ibft",
	    "eth0:dhcp6",
	    "auto6",
	    "[2001:db8::5]::[2001:db8::1]:64:box:eth0:none",
	    "eth0:dhcp:[fe80::1]",
	    "[2001:db8::5",
	    "2001:db8::5]",
	    "300.1.1.1::1.1.1.1:24::eth0:none",
	    "10.0.0.5::10.0.0.1:255.0.255.0::eth0:none",
	    "10.0.0.5::10.0.0.1:33::eth0:none",
	    "10.0.0.5::10.0.0.1:0::eth0:none",
	    "10.0.0.5::10.0.0.1:24:bad_host!:eth0:none",
	    "10.0.0.5::10.0.0.1:24::averyveryverylongifname0:none",
	    "10.0.0.5::10.0.0.1:24::eth/0:none",
	    "10.0.0.5::10.0.0.1:24::eth0:none:67",
	    "10.0.0.5::10.0.0.1:24::eth0:none:1500:aa:bb:cc",
	    "10.0.0.5::10.0.0.1:24::eth0:none:1500:zz:bb:cc:dd:ee:ff",
	    "10.0.0.5::10.0.0.1:24::eth0:none:1.1.1.1:2.2.2.2:3.3.3.3:4",
	    "10.0.0.5::10.0.0.1:24::eth0:none:1.1.1.x",
	    ":::::eth0:none",
	    "eth0:dhcp:70000",
	    "eth0:dhcp:1500:52:54:00:12:34",
	    "dhcp,",
	    "dhcp,1",
	    "dhcp,1,",
	    "dhcp,256,x",
	    "dhcp,x,y",
	    "dhcp,1,a b",
	    "dhcp,1,"
	    "0123456789012345678901234567890123456789012345678901234567890123",
	    "192.0.2.5:192.0.2.9/33::24::eth0:none",
	    "192.0.2.5:/30::24::eth0:none",
	    "eth0:link-local",
	    "192.0.2.5::192.0.2.1:24::eth0:ibft",
	    "a:b:c:d:e:f:g:h:i:j:k:l:m:n:o:p:q:r",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct net_config before = c;
		int r = param("ip", bad[i]);
		if (r != -EINVAL)
			fail_msg("ip=%s gave %d", bad[i], r);
		assert_memory_equal(&c, &before, sizeof(c));
	}
	assert_int_equal(param("ip", NULL), -EINVAL);
}

static void too_many_ip_params(void **state)
{
	char v[32];

	(void)state;
	for (int i = 0; i < NET_MAX_IFACES; i++) {
		snprintf(v, sizeof(v), "eth%d:dhcp", i);
		assert_int_equal(param("ip", v), 0);
	}
	assert_int_equal(param("ip", "eth99:dhcp"), -E2BIG);
	assert_int_equal(c.n_ip, NET_MAX_IFACES);
}

static void ifname_param(void **state)
{
	(void)state;
	assert_int_equal(param("ifname", "lan0:52:54:00:12:34:56"), 0);
	assert_int_equal(c.n_ifnames, 1);
	assert_string_equal(c.ifnames[0].ifname, "lan0");
	assert_memory_equal(c.ifnames[0].mac, "\x52\x54\x00\x12\x34\x56", 6);
	/* Same name again: replaced, not added. */
	assert_int_equal(param("ifname", "lan0:52:54:00:12:34:57"), 0);
	assert_int_equal(c.n_ifnames, 1);
	assert_int_equal(param("ifname", "lan0"), -EINVAL);
	assert_int_equal(param("ifname", ":52:54:00:12:34:56"), -EINVAL);
	assert_int_equal(param("ifname", "lan1:52:54:00:12:34"), -EINVAL);
	assert_int_equal(param("ifname", "lan1:52:54:00:12:34:5g"), -EINVAL);
	assert_int_equal(param("ifname", "lan1:52:54:00:12:34:56:78"), -EINVAL);
	assert_int_equal(param("ifname", "a/b:52:54:00:12:34:56"), -EINVAL);
	assert_int_equal(param("ifname", NULL), -EINVAL);
	assert_int_equal(c.n_ifnames, 1);
}

static void other_knobs(void **state)
{
	(void)state;
	assert_int_equal(param("rd.neednet", NULL), 0);
	assert_true(c.keep);
	assert_int_equal(param("rd.neednet", "0"), 0);
	assert_false(c.keep);
	assert_int_equal(param("rd.neednet", "maybe"), -EINVAL);
	assert_int_equal(param("sesame.dhcp_timeout", "30"), 0);
	assert_int_equal(c.dhcp_timeout_s, 30);
	assert_int_equal(param("sesame.dhcp_timeout", "0"), -EINVAL);
	assert_int_equal(param("sesame.dhcp_timeout", "99999"), -EINVAL);
	assert_int_equal(param("sesame.dhcp_timeout", "-1"), -EINVAL);
	assert_int_equal(param("sesame.dhcp_timeout", NULL), -EINVAL);
	assert_int_equal(c.dhcp_timeout_s, 30);
	assert_int_equal(param("sesame.dhcp_release", "0"), 0);
	assert_false(c.dhcp_release);
	assert_int_equal(param("sesame.dhcp_release", NULL), -EINVAL);
	assert_int_equal(param("sesame.hostname", "vault-01"), 0);
	assert_string_equal(c.hostname, "vault-01");
	assert_int_equal(param("sesame.hostname", "a b"), -EINVAL);
	assert_int_equal(param("sesame.hostname", ""), -EINVAL);
	assert_string_equal(c.hostname, "vault-01");
}

static void not_ours(void **state)
{
	(void)state;
	assert_int_equal(param("root", "/dev/sda1"), -ENOENT);
	assert_int_equal(param("rd.luks.uuid", "x"), -ENOENT);
	assert_int_equal(param("ipv6", "x"), -ENOENT);
	assert_int_equal(param("sesame.debug", NULL), -ENOENT);
}

static void mac_parser(void **state)
{
	uint8_t m[6] = {0};

	(void)state;
	assert_int_equal(net_config_parse_mac("01-23-45-67-89-ab", 17, m), 0);
	assert_memory_equal(m, "\x01\x23\x45\x67\x89\xab", 6);
	assert_int_equal(net_config_parse_mac("01:23:45:67:89", 14, m),
			 -EINVAL);
	assert_int_equal(net_config_parse_mac("01:23:45:67:89:a+", 17, m),
			 -EINVAL);
	assert_int_equal(net_config_parse_mac("01:23:45:67:89.ab", 17, m),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(defaults, setup),
	    cmocka_unit_test_setup(dracut_dhcp_forms, setup),
	    cmocka_unit_test_setup(kernel_static_form, setup),
	    cmocka_unit_test_setup(dracut_static_forms, setup),
	    cmocka_unit_test_setup(every_documented_form, setup),
	    cmocka_unit_test_setup(several_ip_without_a_device, setup),
	    cmocka_unit_test_setup(off_disables, setup),
	    cmocka_unit_test_setup(malformed_ip_is_refused, setup),
	    cmocka_unit_test_setup(too_many_ip_params, setup),
	    cmocka_unit_test_setup(ifname_param, setup),
	    cmocka_unit_test_setup(other_knobs, setup),
	    cmocka_unit_test_setup(not_ours, setup),
	    cmocka_unit_test_setup(mac_parser, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
