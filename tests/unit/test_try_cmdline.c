/* test_try_cmdline: what a QEMU try keeps of the bootloader's command line,
 * and that each dropped parameter is named with its reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "try/cmdline.h"

static struct try_cmdline c;

static int filter(const char *s)
{
	return try_cmdline_filter(s, strlen(s), &c);
}

static void a_debian_cmdline(void **state)
{
	(void)state;
	assert_int_equal(
	    filter("BOOT_IMAGE=/vmlinuz-6.1.0-56-amd64 root=UUID=abc ro "
		   "quiet console=tty0 console=ttyS1,115200n8 "
		   "crashkernel=256M ip=192.0.2.5::192.0.2.1:255.255.255.0:"
		   "box:enp3s0:none ifname=lan0:00:11:22:33:44:55 "
		   "rd.luks.uuid=5e5a\n"),
	    0);
	assert_string_equal(c.text, "root=UUID=abc ro quiet ip=dhcp "
				    "rd.luks.uuid=5e5a console=ttyS0");
	assert_int_equal(c.ndropped, 6);
	assert_string_equal(c.dropped[0].param,
			    "BOOT_IMAGE=/vmlinuz-6.1.0-56-amd64");
	assert_string_equal(c.dropped[1].param, "console=tty0");
	assert_string_equal(c.dropped[2].param, "console=ttyS1,115200n8");
	assert_string_equal(c.dropped[3].param, "crashkernel=256M");
	assert_non_null(strstr(c.dropped[4].param, "ip=192.0.2.5"));
	assert_non_null(strstr(c.dropped[4].why, "ip=dhcp instead"));
	assert_string_equal(c.dropped[5].param,
			    "ifname=lan0:00:11:22:33:44:55");
	for (size_t i = 0; i < c.ndropped; i++)
		assert_true(c.dropped[i].why && c.dropped[i].why[0]);
}

static void dhcp_forms_are_kept_and_ip_dhcp_added_once(void **state)
{
	(void)state;
	assert_int_equal(filter("ip=dhcp"), 0);
	assert_string_equal(c.text, "ip=dhcp console=ttyS0");
	assert_int_equal(c.ndropped, 0);
	/* two static ip= (two NICs): one ip=dhcp in their place */
	assert_int_equal(filter("ip=eth0:dhcp ip=192.0.2.9:::::eth1:none"), 0);
	assert_string_equal(c.text, "ip=dhcp console=ttyS0");
	assert_int_equal(c.ndropped, 2);
	/* no ip= at all: none added (the image's default is what is tried) */
	assert_int_equal(filter("root=/dev/sda1"), 0);
	assert_string_equal(c.text, "root=/dev/sda1 console=ttyS0");
	/* a name that only starts like a dropped one is kept */
	assert_int_equal(filter("consoleblank=0 memtest ipv6.disable=1"), 0);
	assert_string_equal(
	    c.text, "consoleblank=0 memtest ipv6.disable=1 console=ttyS0");
}

static void init_arguments_and_quotes(void **state)
{
	(void)state;
	/* after "--" everything is init's: kept, console= goes before */
	assert_int_equal(filter("rdinit=/x quiet -- console=tty0 --flag"), 0);
	assert_string_equal(c.text, "quiet console=ttyS0 -- console=tty0 "
				    "--flag");
	assert_int_equal(c.ndropped, 1);
	assert_string_equal(c.dropped[0].param, "rdinit=/x");
	/* quoted values keep their spaces */
	assert_int_equal(filter("sesame.x=\"a b\"  \t root=LABEL=r"), 0);
	assert_string_equal(c.text, "sesame.x=\"a b\" root=LABEL=r "
				    "console=ttyS0");
}

static void hostile_input_is_refused(void **state)
{
	char big[TRY_CMDLINE_MAX + 10];
	char many[2000];

	(void)state;
	assert_int_equal(filter("root=\"unterminated"), -EINVAL);
	assert_int_equal(try_cmdline_filter("a\0b", 3, &c), -EINVAL);
	/* a trailing NUL (as read from /proc) is fine */
	assert_int_equal(try_cmdline_filter("a\n\0", 3, &c), 0);
	assert_string_equal(c.text, "a console=ttyS0");
	memset(big, 'x', sizeof(big));
	assert_int_equal(try_cmdline_filter(big, sizeof(big), &c), -E2BIG);
	/* a result that does not fit with console= added */
	assert_int_equal(try_cmdline_filter(big, TRY_CMDLINE_MAX - 5, &c),
			 -E2BIG);
	/* more drops than the list holds: the text is still right */
	many[0] = '\0';
	for (int i = 0; i < 60; i++)
		strcat(many, "mem=1G ");
	assert_int_equal(filter(many), 0);
	assert_string_equal(c.text, "console=ttyS0");
	assert_int_equal(c.ndropped, TRY_DROPPED_MAX);
	/* a long dropped parameter is named, cut with "..." */
	memset(big, 'y', 300);
	memcpy(big, "console=", 8);
	big[300] = '\0';
	assert_int_equal(filter(big), 0);
	assert_int_equal(strlen(c.dropped[0].param), 127);
	assert_string_equal(c.dropped[0].param + 124, "...");
	assert_int_equal(filter(""), 0);
	assert_string_equal(c.text, "console=ttyS0");
}

static void boot_conf_static_ip(void **state)
{
	static const char conf[] =
	    "# sesame build --set\n"
	    "root=UUID=x #ip=comment\n"
	    "ip=192.0.2.5::192.0.2.1:255.255.255.0::eth0:none"
	    " rd.neednet\n";
	static const char named[] = "ip=192.0.2.5:::::enp3s0:none\n";

	(void)state;
	/* a static address QEMU can mirror: recorded, the text untouched */
	assert_int_equal(filter("quiet -- a"), 0);
	assert_int_equal(
	    try_cmdline_override_config(&c, conf, sizeof(conf) - 1), 0);
	assert_string_equal(c.text, "quiet console=ttyS0 -- a");
	assert_true(c.ip.set);
	assert_true(c.ip.from_conf);
	assert_string_equal(c.ip.param,
			    "ip=192.0.2.5::192.0.2.1:255.255.255.0::eth0:none");
	/* one naming another NIC: ip=dhcp first, the word named */
	assert_int_equal(filter("quiet -- a"), 0);
	assert_int_equal(
	    try_cmdline_override_config(&c, named, sizeof(named) - 1), 0);
	assert_string_equal(c.text, "ip=dhcp quiet console=ttyS0 -- a");
	assert_false(c.ip.set);
	assert_int_equal(c.ndropped, 1);
	assert_non_null(strstr(c.dropped[0].param, "enp3s0"));
	assert_non_null(strstr(c.dropped[0].why, "boot.conf"));
	/* the command line's own ip= wins: nothing to do */
	assert_int_equal(filter("ip=dhcp"), 0);
	assert_int_equal(
	    try_cmdline_override_config(&c, named, sizeof(named) - 1), 0);
	assert_string_equal(c.text, "ip=dhcp console=ttyS0");
	assert_int_equal(c.ndropped, 0);
	/* an ip= after "--" is init's, not the kernel's */
	assert_int_equal(filter("-- ip=dhcp"), 0);
	assert_int_equal(
	    try_cmdline_override_config(&c, named, sizeof(named) - 1), 0);
	assert_string_equal(c.text, "ip=dhcp console=ttyS0 -- ip=dhcp");
	/* the command line's static address comes first */
	assert_int_equal(filter("ip=10.1.2.3"), 0);
	assert_true(c.ip.set);
	assert_int_equal(
	    try_cmdline_override_config(&c, conf, sizeof(conf) - 1), 0);
	assert_string_equal(c.ip.param, "ip=10.1.2.3");
	/* DHCP in boot.conf, comments, NUL bytes: nothing */
	assert_int_equal(filter("quiet"), 0);
	assert_int_equal(
	    try_cmdline_override_config(&c, "ip=dhcp #ip=1.2\n\0ip", 16), 0);
	assert_string_equal(c.text, "quiet console=ttyS0");
	assert_false(c.ip.set);
}

static void static_ip_mirrored(void **state)
{
	struct try_static_ip s;
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(
	    try_ip_parse_static("192.0.2.7::192.0.2.1:255.255.255.0::eth0:none",
				&s),
	    0);
	inet_ntop(AF_INET, &s.net, a, sizeof(a));
	inet_ntop(AF_INET, &s.gw, g, sizeof(g));
	inet_ntop(AF_INET, &s.dns, d, sizeof(d));
	assert_string_equal(a, "192.0.2.0");
	assert_int_equal(s.prefix, 24);
	assert_string_equal(g, "192.0.2.1");
	assert_string_equal(d, "192.0.2.2");
	/* no gateway, client .1: QEMU takes .2, DNS .3 */
	assert_int_equal(try_ip_parse_static("10.9.0.1::::::", &s), 0);
	inet_ntop(AF_INET, &s.gw, g, sizeof(g));
	inet_ntop(AF_INET, &s.dns, d, sizeof(d));
	assert_string_equal(g, "10.9.0.2");
	assert_string_equal(d, "10.9.0.3");
	/* a gateway off the subnet is replaced */
	assert_int_equal(
	    try_ip_parse_static("10.9.0.5::172.16.0.1:255.255.0.0", &s), 0);
	inet_ntop(AF_INET, &s.gw, g, sizeof(g));
	assert_string_equal(g, "10.9.0.1");
	assert_int_equal(s.prefix, 16);
	/* refused: other NIC names, bad masks, too small, network/broadcast,
	 * IPv6, junk */
	assert_int_equal(try_ip_parse_static("10.0.0.5:::::enp3s0:none", &s),
			 -EINVAL);
	assert_int_equal(try_ip_parse_static("10.0.0.5:::255.0.255.0", &s),
			 -EINVAL);
	assert_int_equal(try_ip_parse_static("10.0.0.5:::255.255.255.252", &s),
			 -EINVAL);
	assert_int_equal(try_ip_parse_static("10.0.0.5:::255.255.255.255", &s),
			 -EINVAL);
	assert_int_equal(try_ip_parse_static("10.0.0.0", &s), -EINVAL);
	assert_int_equal(try_ip_parse_static("10.0.0.255", &s), -EINVAL);
	assert_int_equal(try_ip_parse_static("[2001:db8::1]::::::", &s),
			 -EINVAL);
	assert_int_equal(try_ip_parse_static("eth0:dhcp", &s), -EINVAL);
	assert_int_equal(try_ip_parse_static("", &s), -EINVAL);
	assert_int_equal(
	    try_ip_parse_static("1.2.3.4:::::x"
				"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
				&s),
	    -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_debian_cmdline),
	    cmocka_unit_test(dhcp_forms_are_kept_and_ip_dhcp_added_once),
	    cmocka_unit_test(init_arguments_and_quotes),
	    cmocka_unit_test(hostile_input_is_refused),
	    cmocka_unit_test(boot_conf_static_ip),
	    cmocka_unit_test(static_ip_mirrored),
	};
	return cmocka_run_group_tests_name("try_cmdline", tests, NULL, NULL);
}
