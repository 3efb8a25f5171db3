/* test_net_runconf: /run/net-IFACE.conf (initramfs-tools' format) and the
 * pnp-style resolver file, from a lease; hostile strings stay out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net/runconf.h"

static void lease(struct net_lease *l)
{
	memset(l, 0, sizeof(*l));
	strcpy(l->ifname, "eth0");
	l->from_dhcp = true;
	inet_pton(AF_INET, "192.0.2.54", &l->addr);
	l->prefix = 24;
	inet_pton(AF_INET, "192.0.2.1", &l->gw);
	inet_pton(AF_INET, "192.0.2.1", &l->server);
	inet_pton(AF_INET, "192.0.2.7", &l->next_server);
	l->n_dns = 2;
	inet_pton(AF_INET, "192.0.2.53", &l->dns[0]);
	inet_pton(AF_INET, "192.0.2.54", &l->dns[1]);
	l->lease_time = 600;
	strcpy(l->hostname, "ws7");
	strcpy(l->domain, "lab.test");
	strcpy(l->root_path, "192.0.2.7:/srv/root");
}

static void initramfs_tools_format(void **state)
{
	struct net_lease l;
	char buf[1024];
	int n;

	(void)state;
	lease(&l);
	n = net_runconf_format(&l, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	assert_string_equal(buf, "DEVICE='eth0'\n"
				 "PROTO='dhcp'\n"
				 "IPV4ADDR='192.0.2.54'\n"
				 "IPV4BROADCAST='192.0.2.255'\n"
				 "IPV4NETMASK='255.255.255.0'\n"
				 "IPV4GATEWAY='192.0.2.1'\n"
				 "IPV4DNS0='192.0.2.53'\n"
				 "IPV4DNS1='192.0.2.54'\n"
				 "HOSTNAME='ws7'\n"
				 "DNSDOMAIN='lab.test'\n"
				 "NISDOMAIN=''\n"
				 "ROOTSERVER='192.0.2.7'\n"
				 "ROOTPATH='192.0.2.7:/srv/root'\n"
				 "filename=''\n"
				 "DHCPLEASETIME='600'\n"
				 "DOMAINSEARCH='lab.test'\n");
}

static void static_and_slash32(void **state)
{
	struct net_lease l;
	char buf[1024];

	(void)state;
	lease(&l);
	l.from_dhcp = false;
	l.prefix = 32;
	l.n_dns = 0;
	l.next_server.s_addr = 0;
	assert_true(net_runconf_format(&l, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "PROTO='none'\n"));
	assert_non_null(strstr(buf, "IPV4NETMASK='255.255.255.255'\n"));
	assert_non_null(strstr(buf, "IPV4BROADCAST='192.0.2.54'\n"));
	assert_non_null(strstr(buf, "IPV4DNS0='0.0.0.0'\n"));
	assert_non_null(strstr(buf, "ROOTSERVER='192.0.2.1'\n"));
	assert_non_null(strstr(buf, "DHCPLEASETIME='0'\n"));
}

/* A quote or a control byte would let DHCP write shell into the file. */
static void hostile_strings_are_emptied(void **state)
{
	static const char *const bad[] = {"a'b", "x\\y", "t\tab", "n\nl",
					  "\x7f"};
	struct net_lease l;
	char buf[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lease(&l);
		strcpy(l.hostname, bad[i]);
		strcpy(l.root_path, bad[i]);
		strcpy(l.domain, bad[i]);
		assert_true(net_runconf_format(&l, buf, sizeof(buf)) > 0);
		assert_non_null(strstr(buf, "HOSTNAME=''\n"));
		assert_non_null(strstr(buf, "ROOTPATH=''\n"));
		assert_non_null(strstr(buf, "DNSDOMAIN=''\n"));
		assert_true(net_pnp_format(&l, buf, sizeof(buf)) > 0);
		assert_null(strstr(buf, "domain"));
	}
}

static void pnp_format(void **state)
{
	struct net_lease l;
	char buf[512];

	(void)state;
	lease(&l);
	assert_true(net_pnp_format(&l, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "#PROTO: DHCP\n"
				 "domain lab.test\n"
				 "nameserver 192.0.2.53\n"
				 "nameserver 192.0.2.54\n"
				 "bootserver 192.0.2.7\n");
}

static void too_small_is_an_error(void **state)
{
	struct net_lease l;
	char buf[40];

	(void)state;
	lease(&l);
	assert_int_equal(net_runconf_format(&l, buf, sizeof(buf)), -ENOSPC);
	assert_int_equal(net_pnp_format(&l, buf, 20), -ENOSPC);
	assert_int_equal(net_runconf_format(&l, buf, 0), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(initramfs_tools_format),
	    cmocka_unit_test(static_and_slash32),
	    cmocka_unit_test(hostile_strings_are_emptied),
	    cmocka_unit_test(pnp_format),
	    cmocka_unit_test(too_small_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
