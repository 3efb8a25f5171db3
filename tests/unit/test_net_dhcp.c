/* test_net_dhcp: the DHCP reply parser against good and hostile frames; the
 * request builder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "net/dhcp_packet.h"
#include "tests/unit/test_net_frames.h"

static struct frame_spec spec;
static uint8_t frame[70000];
static size_t frame_len;

static const struct dhcp_expect expect = {
    .xid = 0x1a2b3c4d,
    .chaddr = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56},
};

static void build(void)
{
	frame_len = frame_build(&spec, frame, sizeof(frame));
	assert_true(frame_len > 0);
}

/* Parses the current frame; on failure checks that out stayed untouched. */
static int parse_with(const struct dhcp_expect *exp, struct dhcp_lease *l)
{
	struct dhcp_lease before;
	const char *why = NULL;
	int r;

	memset(l, 0xa5, sizeof(*l));
	memcpy(&before, l, sizeof(before));
	r = dhcp_parse_packet_explain(frame, frame_len, exp, l, &why);
	if (r < 0) {
		assert_memory_equal(l, &before, sizeof(before));
		assert_non_null(why);
		assert_true(why[0] != '\0');
	}
	return r;
}

static int parse(struct dhcp_lease *l)
{
	return parse_with(&expect, l);
}

static void std_frame(uint8_t type)
{
	frame_spec_init(&spec, type);
	frame_std_options(&spec);
	build();
}

static void a_good_offer_parses(void **state)
{
	struct dhcp_lease l;

	(void)state;
	frame_spec_init(&spec, DHCPOFFER);
	frame_std_options(&spec);
	frame_opt(&spec, 17, "192.168.50.1:/srv/root\0", 23);
	frame_opt(&spec, 26, "\x05\xdc", 2);
	build();
	assert_int_equal(parse(&l), 0);
	assert_int_equal(l.type, DHCPOFFER);
	assert_int_equal(l.yiaddr.s_addr, inet_addr("192.168.50.23"));
	assert_int_equal(l.server_id.s_addr, inet_addr("192.168.50.1"));
	assert_int_equal(l.prefix, 24);
	assert_true(l.have & DHCP_HAVE_ROUTER);
	assert_int_equal(l.router.s_addr, inet_addr("192.168.50.1"));
	assert_int_equal(l.n_dns, 1);
	assert_int_equal(l.lease_time, 3600);
	assert_int_equal(l.t1, 1800);
	assert_int_equal(l.t2, 3150);
	assert_string_equal(l.hostname, "box");
	assert_string_equal(l.domain, "example.test");
	assert_string_equal(l.root_path, "192.168.50.1:/srv/root");
	assert_int_equal(l.mtu, 1500);
	assert_int_equal(l.broadcast.s_addr, inet_addr("192.168.50.255"));
}

/* siaddr is the next-server (an NFS root's default server); only a
 * unicast one counts. */
static void next_server_from_siaddr(void **state)
{
	static const struct {
		const char *siaddr, *want;
	} cases[] = {
	    {"192.168.50.9", "192.168.50.9"}, {"0.0.0.0", "0.0.0.0"},
	    {"255.255.255.255", "0.0.0.0"},   {"224.0.0.1", "0.0.0.0"},
	    {"127.0.0.1", "0.0.0.0"},
	};
	struct dhcp_lease l;
	const char *why = "";

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		frame_spec_init(&spec, DHCPACK);
		frame_std_options(&spec);
		spec.siaddr = inet_addr(cases[i].siaddr);
		build();
		assert_int_equal(parse(&l), 0);
		assert_int_equal(l.next_server.s_addr, inet_addr(cases[i].want));
		assert_int_equal(dhcp_lease_check(&l, &why), 0);
	}
	/* a lease that claims a multicast next-server is refused */
	l.next_server.s_addr = inet_addr("224.0.0.1");
	assert_int_equal(dhcp_lease_check(&l, &why), -EBADMSG);
	assert_non_null(strstr(why, "next-server"));
}

static void an_ack_with_classless_routes(void **state)
{
	/* 0/0 via .1, 10.0.0.0/8 via .2, 192.168.60.7/32 on-link. */
	static const uint8_t routes[] = {0,   192, 168, 50, 1,	8,   10,
					 192, 168, 50,	2,  32, 192, 168,
					 60,  7,   0,	0,  0,	0};
	struct dhcp_lease l;

	(void)state;
	frame_spec_init(&spec, DHCPACK);
	frame_std_options(&spec);
	frame_opt(&spec, 121, routes, sizeof(routes));
	build();
	assert_int_equal(parse(&l), 0);
	assert_int_equal(l.type, DHCPACK);
	assert_true(l.have & DHCP_HAVE_ROUTES);
	assert_int_equal(l.n_routes, 3);
	assert_int_equal(l.routes[0].prefix, 0);
	assert_int_equal(l.routes[0].gw.s_addr, inet_addr("192.168.50.1"));
	assert_int_equal(l.routes[1].prefix, 8);
	assert_int_equal(l.routes[1].dst.s_addr, inet_addr("10.0.0.0"));
	assert_int_equal(l.routes[2].prefix, 32);
	assert_int_equal(l.routes[2].dst.s_addr, inet_addr("192.168.60.7"));
	assert_int_equal(l.routes[2].gw.s_addr, 0);
}

static void option_past_the_end_is_refused(void **state)
{
	static const uint8_t tail[] = {17, 200, 'x', 'y'};
	struct dhcp_lease l;

	(void)state;
	frame_spec_init(&spec, DHCPOFFER);
	frame_std_options(&spec);
	frame_opt_raw(&spec, tail, sizeof(tail));
	spec.no_end = true;
	build();
	assert_int_equal(parse(&l), -EBADMSG);
	/* A code with no length byte at all. */
	frame_spec_init(&spec, DHCPOFFER);
	frame_std_options(&spec);
	frame_opt_raw(&spec, tail, 1);
	spec.no_end = true;
	build();
	assert_int_equal(parse(&l), -EBADMSG);
}

/* Faults in 53, 54, 51, the mask or 52: no lease from this reply. */
static void faults_in_essential_options_reject_the_reply(void **state)
{
	static const struct {
		uint8_t code, len;
	} cases[] = {{1, 0},  {1, 3},  {51, 0}, {51, 5},
		     {54, 2}, {54, 0}, {53, 2}, {53, 0}};
	static const uint8_t ones[16] = {1, 1, 1, 1, 1, 1, 1, 1};
	struct dhcp_lease l;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		frame_spec_init(&spec, DHCPOFFER);
		frame_opt(&spec, cases[i].code, ones, cases[i].len);
		frame_std_options(&spec);
		build();
		assert_int_equal(parse(&l), -EBADMSG);
	}
}

/* One hostile option, added after the standard ones. */
struct drop_case {
	const char *what;
	uint8_t code;
	const char *data;
	uint8_t len;
	uint32_t dropped; /* DHCP_DROP_* expected */
	uint32_t lost;	  /* DHCP_HAVE_* that must be absent */
};

/* A std option repeated, so the concatenation is bad. */
#define R(s) s, (uint8_t)(sizeof(s) - 1)
static const struct drop_case drop_cases[] = {
    {"domain with a space", 15, R("exa mple.test"), DHCP_DROP_DOMAIN,
     DHCP_HAVE_DOMAIN},
    {"70-character FQDN as hostname", 12,
     R("a123456789b123456789c123456789d123456789e123456789f123456789"
       "g12345678"),
     DHCP_DROP_HOSTNAME, DHCP_HAVE_HOSTNAME},
    {"hostname with a shell metacharacter", 12, R("a;reboot"),
     DHCP_DROP_HOSTNAME, DHCP_HAVE_HOSTNAME},
    {"zero-length hostname", 12, "", 0, DHCP_DROP_HOSTNAME, DHCP_HAVE_HOSTNAME},
    {"tab in the root path", 17, R("10.0.0.1:/srv/\troot"), DHCP_DROP_ROOT_PATH,
     DHCP_HAVE_ROOT_PATH},
    {"6-byte DNS option", 6, R("\x0a\x00\x00\x35\x0a\x00"), DHCP_DROP_DNS, 0},
    {"MTU 16", 26, R("\x00\x10"), DHCP_DROP_MTU, DHCP_HAVE_MTU},
    {"1-byte MTU", 26, R("\x05"), DHCP_DROP_MTU, DHCP_HAVE_MTU},
    {"8-byte broadcast", 28, R("\xc0\xa8\x32\xff\xc0\xa8\x32\xff"),
     DHCP_DROP_BROADCAST, DHCP_HAVE_BROADCAST},
    {"router 224.0.0.1 (std router repeated: first is multicast)", 0, NULL, 0,
     DHCP_DROP_ROUTER, DHCP_HAVE_ROUTER},
    {"6-byte router", 3, R("\xc0\xa8\x32\x01\x00\x00"), DHCP_DROP_ROUTER,
     DHCP_HAVE_ROUTER},
    {"route prefix 33", 121, R("\x21\x01\x02\x03\x04\x05\xc0\xa8\x32\x01"),
     DHCP_DROP_ROUTES, DHCP_HAVE_ROUTES},
    {"truncated route", 121, R("\x18\x0a\x01\x02\xc0\xa8\x32"),
     DHCP_DROP_ROUTES, DHCP_HAVE_ROUTES},
    {"route via 255.255.255.255", 121, R("\x00\xff\xff\xff\xff"),
     DHCP_DROP_ROUTES, DHCP_HAVE_ROUTES},
    {"3-byte T1", 58, R("\x00\x00\x01"), DHCP_DROP_T1, 0},
    {"2-byte T2", 59, R("\x00\x01"), DHCP_DROP_T2, 0},
};
#undef R

static void faulty_other_options_are_dropped_lease_kept(void **state)
{
	struct dhcp_lease l;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(drop_cases) / sizeof(drop_cases[0]);
	     i++) {
		const struct drop_case *c = &drop_cases[i];
		print_message("  %s\n", c->what);
		frame_spec_init(&spec, DHCPOFFER);
		if (c->code) {
			frame_opt(&spec, 53, &spec.type, 1);
			frame_opt_addr(&spec, 54, "192.168.50.1");
			frame_opt_u32(&spec, 51, 3600);
			frame_opt_addr(&spec, 1, "255.255.255.0");
			frame_opt(&spec, c->code, c->data, c->len);
		} else {
			frame_opt_addr(&spec, 3, "224.0.0.1");
			frame_std_options(&spec);
		}
		build();
		assert_int_equal(parse(&l), 0);
		assert_int_equal(l.yiaddr.s_addr, inet_addr("192.168.50.23"));
		assert_int_equal(l.dropped, c->dropped);
		assert_int_equal(l.have & c->lost, 0);
		assert_int_equal(dhcp_lease_check(&l, &why), 0);
	}
	/* 33 classless routes: one more than we hold, the option goes. */
	frame_spec_init(&spec, DHCPACK);
	frame_std_options(&spec);
	{
		/* Each 10+k.0.0.0/8 via 192.168.50.1: 6 bytes. */
		uint8_t r6[33 * 6];
		for (int k = 0; k < 33; k++) {
			r6[k * 6] = 8;
			r6[k * 6 + 1] = (uint8_t)(10 + k);
			memcpy(r6 + k * 6 + 2, "\xc0\xa8\x32\x01", 4);
		}
		frame_opt(&spec, 121, r6, sizeof(r6));
	}
	build();
	assert_int_equal(parse(&l), 0);
	assert_int_equal(l.dropped, DHCP_DROP_ROUTES);
	assert_false(l.have & DHCP_HAVE_ROUTES);
	assert_true(l.have & DHCP_HAVE_ROUTER); /* falls back to option 3 */
	/* Several at once: all dropped, all named. */
	frame_spec_init(&spec, DHCPOFFER);
	frame_opt(&spec, 26, "\x00\x10", 2);
	frame_opt(&spec, 17, "a\tb", 3);
	frame_std_options(&spec);
	frame_opt(&spec, 15, " ", 1);
	build();
	assert_int_equal(parse(&l), 0);
	assert_int_equal(l.dropped, DHCP_DROP_MTU | DHCP_DROP_ROOT_PATH |
					DHCP_DROP_DOMAIN);
	assert_string_equal(dhcp_drop_name(DHCP_DROP_MTU), "26 (MTU)");
	assert_string_equal(dhcp_drop_name(1u << 30), "?");
}

static void repeated_fixed_option_is_refused(void **state)
{
	struct dhcp_lease l;

	(void)state;
	frame_spec_init(&spec, DHCPOFFER);
	frame_std_options(&spec);
	frame_opt_addr(&spec, 1, "255.255.0.0");
	build();
	assert_int_equal(parse(&l), -EBADMSG);
}

static void split_string_options_are_concatenated(void **state)
{
	struct dhcp_lease l;

	(void)state;
	frame_spec_init(&spec, DHCPACK);
	frame_std_options(&spec);
	frame_opt(&spec, 17, "10.0.0.1:", 9);
	frame_opt(&spec, 17, "/nfs/root", 9);
	build();
	assert_int_equal(parse(&l), 0);
	assert_string_equal(l.root_path, "10.0.0.1:/nfs/root");
}

static void overload_spills_into_file_and_sname(void **state)
{
	static const uint8_t ov = 3;
	struct dhcp_lease l;

	(void)state;
	frame_spec_init(&spec, DHCPACK);
	frame_std_options(&spec);
	frame_opt(&spec, 52, &ov, 1);
	/* file: root path; sname: MTU; each field ends with End. */
	memcpy(spec.file,
	       "\x11\x0c"
	       "10.9.8.7:/rt\xff",
	       15);
	memcpy(spec.sname, "\x1a\x02\x05\x00\xff", 5);
	build();
	assert_int_equal(parse(&l), 0);
	assert_string_equal(l.root_path, "10.9.8.7:/rt");
	assert_int_equal(l.mtu, 1280);
	/* Without option 52, file and sname are not options. */
	frame_spec_init(&spec, DHCPACK);
	frame_std_options(&spec);
	memcpy(spec.file,
	       "\x11\x0c"
	       "10.9.8.7:/rt\xff",
	       15);
	build();
	assert_int_equal(parse(&l), 0);
	assert_false(l.have & DHCP_HAVE_ROOT_PATH);
}

static void overload_abuse_is_refused(void **state)
{
	static const uint8_t ov1 = 1, ov9 = 9;
	struct dhcp_lease l;

	(void)state;
	/* Repeated option 52. */
	frame_spec_init(&spec, DHCPACK);
	frame_std_options(&spec);
	frame_opt(&spec, 52, &ov1, 1);
	frame_opt(&spec, 52, &ov1, 1);
	build();
	assert_int_equal(parse(&l), -EBADMSG);
	/* Option 52 inside the file field it overloads. */
	frame_spec_init(&spec, DHCPACK);
	frame_std_options(&spec);
	frame_opt(&spec, 52, &ov1, 1);
	memcpy(spec.file, "\x34\x01\x03\xff", 4);
	build();
	assert_int_equal(parse(&l), -EPROTO);
	/* A value other than 1, 2, 3. */
	frame_spec_init(&spec, DHCPACK);
	frame_std_options(&spec);
	frame_opt(&spec, 52, &ov9, 1);
	build();
	assert_int_equal(parse(&l), -EPROTO);
	/* An option in file running past its 128 bytes. */
	frame_spec_init(&spec, DHCPACK);
	frame_std_options(&spec);
	frame_opt(&spec, 52, &ov1, 1);
	memset(spec.file, 0, sizeof(spec.file));
	spec.file[120] = 17;
	spec.file[121] = 20;
	build();
	assert_int_equal(parse(&l), -EBADMSG);
}

static void thousands_of_options_are_walked(void **state)
{
	static const uint8_t junk[3] = {1, 2, 3};
	struct dhcp_lease l;

	(void)state;
	frame_spec_init(&spec, DHCPOFFER);
	for (int i = 0; i < 5000; i++)
		frame_opt(&spec, (uint8_t)(200 + i % 50), junk, sizeof(junk));
	for (int i = 0; i < 5000; i++)
		frame_opt_raw(&spec, "\0", 1); /* pads */
	frame_std_options(&spec);
	build();
	assert_int_equal(parse(&l), 0);
	/* Thousands of DNS servers: only the first few are kept. */
	frame_spec_init(&spec, DHCPOFFER);
	for (int i = 0; i < 300; i++)
		frame_opt_addr(&spec, 6, "10.0.0.53");
	frame_std_options(&spec);
	build();
	/* Over what we accumulate (1024 bytes): DNS dropped, lease kept. */
	assert_int_equal(parse(&l), 0);
	assert_int_equal(l.dropped, DHCP_DROP_DNS);
	assert_int_equal(l.n_dns, 0);
}

static void not_ours_is_ignored(void **state)
{
	struct dhcp_lease l;
	struct dhcp_expect e = expect;

	(void)state;
	std_frame(DHCPOFFER);
	e.xid++;
	assert_int_equal(parse_with(&e, &l), -ENOMSG);
	e = expect;
	e.chaddr[5] ^= 1;
	assert_int_equal(parse_with(&e, &l), -ENOMSG);
	e = expect;
	e.server_id.s_addr = inet_addr("192.168.50.2");
	assert_int_equal(parse_with(&e, &l), -ENOMSG);
	e.server_id.s_addr = inet_addr("192.168.50.1");
	assert_int_equal(parse_with(&e, &l), 0);
	/* A request (op 1), e.g. another client's, is not a reply. */
	frame_spec_init(&spec, DHCPOFFER);
	frame_std_options(&spec);
	spec.op = 1;
	build();
	assert_int_equal(parse(&l), -ENOMSG);
	/* Wrong ports. */
	frame_spec_init(&spec, DHCPOFFER);
	frame_std_options(&spec);
	spec.dport = 67;
	build();
	assert_int_equal(parse(&l), -ENOMSG);
}

static void bad_cookie_is_refused(void **state)
{
	struct dhcp_lease l;

	(void)state;
	frame_spec_init(&spec, DHCPOFFER);
	frame_std_options(&spec);
	spec.magic = 0x63825364u;
	build();
	assert_int_equal(parse(&l), -EBADMSG);
}

static void every_truncation_is_refused(void **state)
{
	struct dhcp_lease l;
	size_t full;

	(void)state;
	std_frame(DHCPACK);
	full = frame_len;
	for (size_t n = 0; n < full; n++) {
		frame_len = n;
		assert_true(parse(&l) < 0);
	}
	/* Link-layer padding after the IP total length is fine. */
	frame_len = full + 18;
	memset(frame + full, 0, 18);
	assert_int_equal(parse(&l), 0);
}

static void length_fields_are_checked(void **state)
{
	struct dhcp_lease l;

	(void)state;
	/* IP total length past the frame. */
	std_frame(DHCPOFFER);
	frame[3] += 4;
	frame[10] = frame[11] = 0;
	{
		uint16_t c = dhcp_csum(frame, 20, 0);
		frame[10] = (uint8_t)(c >> 8);
		frame[11] = (uint8_t)c;
	}
	assert_int_equal(parse(&l), -EBADMSG);
	/* UDP length past the IP payload (checksum off to isolate it). */
	std_frame(DHCPOFFER);
	frame[24] = 0xff;
	frame[26] = frame[27] = 0;
	assert_int_equal(parse(&l), -EBADMSG);
	/* UDP length under its own header. */
	std_frame(DHCPOFFER);
	frame[24] = 0;
	frame[25] = 4;
	frame[26] = frame[27] = 0;
	assert_int_equal(parse(&l), -EBADMSG);
	/* IHL under 5, and not IPv4. */
	std_frame(DHCPOFFER);
	frame[0] = 0x44;
	assert_int_equal(parse(&l), -EBADMSG);
	frame[0] = 0x65;
	assert_int_equal(parse(&l), -EBADMSG);
}

static void checksums_are_verified(void **state)
{
	struct dhcp_lease l;
	struct dhcp_expect e = expect;

	(void)state;
	std_frame(DHCPOFFER);
	frame[8] ^= 1; /* TTL: IP header checksum now wrong */
	assert_int_equal(parse(&l), -EBADMSG);
	std_frame(DHCPOFFER);
	frame[28 + 44] ^= 0x55; /* sname: UDP checksum now wrong */
	assert_int_equal(parse(&l), -EBADMSG);
	/* Unless the kernel said it was never computed (veth, offload). */
	e.udp_csum_unverifiable = true;
	assert_int_equal(parse_with(&e, &l), 0);
	/* A zero UDP checksum means none was sent (RFC 768). */
	std_frame(DHCPOFFER);
	frame[26] = frame[27] = 0;
	assert_int_equal(parse(&l), 0);
}

/* Moves the UDP part 8 bytes on and gives the IP header two NOP options. */
static void add_ip_options(void)
{
	uint16_t c, total;

	memmove(frame + 28, frame + 20, frame_len - 20);
	memset(frame + 20, 1, 8); /* IPOPT_NOP */
	frame_len += 8;
	frame[0] = 0x47;
	total = (uint16_t)frame_len;
	frame[2] = (uint8_t)(total >> 8);
	frame[3] = (uint8_t)total;
	frame[10] = frame[11] = 0;
	c = dhcp_csum(frame, 28, 0);
	frame[10] = (uint8_t)(c >> 8);
	frame[11] = (uint8_t)c;
}

static void ip_options_and_fragments(void **state)
{
	struct dhcp_lease l;
	uint16_t c;

	(void)state;
	std_frame(DHCPOFFER);
	add_ip_options();
	assert_int_equal(parse(&l), 0);
	/* More-fragments set: refused, we do not reassemble. */
	std_frame(DHCPOFFER);
	frame[6] = 0x20;
	frame[10] = frame[11] = 0;
	c = dhcp_csum(frame, 20, 0);
	frame[10] = (uint8_t)(c >> 8);
	frame[11] = (uint8_t)c;
	assert_int_equal(parse(&l), -EBADMSG);
	/* A later fragment (offset != 0). */
	std_frame(DHCPOFFER);
	frame[7] = 0x10;
	frame[10] = frame[11] = 0;
	c = dhcp_csum(frame, 20, 0);
	frame[10] = (uint8_t)(c >> 8);
	frame[11] = (uint8_t)c;
	assert_int_equal(parse(&l), -EBADMSG);
}

static void missing_required_options(void **state)
{
	static const uint8_t offer = DHCPOFFER, inform = DHCPINFORM;
	struct dhcp_lease l;

	(void)state;
	/* No message type. */
	frame_spec_init(&spec, DHCPOFFER);
	frame_opt_addr(&spec, 54, "192.168.50.1");
	frame_opt_u32(&spec, 51, 60);
	build();
	assert_int_equal(parse(&l), -EPROTO);
	/* No server identifier. */
	frame_spec_init(&spec, DHCPOFFER);
	frame_opt(&spec, 53, &offer, 1);
	frame_opt_u32(&spec, 51, 60);
	build();
	assert_int_equal(parse(&l), -EPROTO);
	/* No lease time. */
	frame_spec_init(&spec, DHCPOFFER);
	frame_opt(&spec, 53, &offer, 1);
	frame_opt_addr(&spec, 54, "192.168.50.1");
	build();
	assert_int_equal(parse(&l), -EPROTO);
	/* A message type a server does not send. */
	frame_spec_init(&spec, DHCPOFFER);
	frame_opt(&spec, 53, &inform, 1);
	frame_opt_addr(&spec, 54, "192.168.50.1");
	build();
	assert_int_equal(parse(&l), -ENOMSG);
}

static void bad_values_are_refused(void **state)
{
	struct dhcp_lease l;

	(void)state;
	/* Non-contiguous mask. */
	frame_spec_init(&spec, DHCPOFFER);
	frame_opt_addr(&spec, 1, "255.0.255.0");
	frame_std_options(&spec);
	spec.olen = 0;
	frame_opt(&spec, 53, &spec.type, 1);
	frame_opt_addr(&spec, 54, "192.168.50.1");
	frame_opt_u32(&spec, 51, 3600);
	frame_opt_addr(&spec, 1, "255.0.255.0");
	build();
	assert_int_equal(parse(&l), -EPROTO);
	/* yiaddr 0.0.0.0, multicast, loopback, the subnet broadcast. */
	static const char *const bad[] = {"0.0.0.0", "224.0.0.5", "127.0.0.1",
					  "192.168.50.255", "192.168.50.0"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		frame_spec_init(&spec, DHCPOFFER);
		frame_std_options(&spec);
		spec.yiaddr = inet_addr(bad[i]);
		build();
		assert_int_equal(parse(&l), -EPROTO);
	}
	/* A hostname with a shell metacharacter. */
	frame_spec_init(&spec, DHCPOFFER);
	frame_opt(&spec, 12, "a;reboot", 8);
	frame_opt(&spec, 53, &spec.type, 1);
	frame_opt_addr(&spec, 54, "192.168.50.1");
	frame_opt_u32(&spec, 51, 3600);
	build();
	assert_int_equal(parse(&l), 0); /* dropped, not refused: see above */
	assert_int_equal(l.dropped, DHCP_DROP_HOSTNAME);
}

static void a_nak_parses_with_its_message(void **state)
{
	static const uint8_t nak = DHCPNAK;
	struct dhcp_lease l;

	(void)state;
	frame_spec_init(&spec, DHCPNAK);
	spec.yiaddr = 0;
	frame_opt(&spec, 53, &nak, 1);
	frame_opt_addr(&spec, 54, "192.168.50.1");
	frame_opt(&spec, 56, "wrong\nnetwork", 13);
	build();
	assert_int_equal(parse(&l), 0);
	assert_int_equal(l.type, DHCPNAK);
	assert_string_equal(l.message, "wrong?network");
}

static void times_are_sane(void **state)
{
	struct dhcp_lease l;

	(void)state;
	frame_spec_init(&spec, DHCPACK);
	frame_std_options(&spec);
	frame_opt_u32(&spec, 58, 100);
	frame_opt_u32(&spec, 59, 200);
	build();
	assert_int_equal(parse(&l), 0);
	assert_int_equal(l.t1, 100);
	assert_int_equal(l.t2, 200);
	/* T1 after T2: both fall back to RFC 2131 4.4.5's defaults. */
	frame_spec_init(&spec, DHCPACK);
	frame_std_options(&spec);
	frame_opt_u32(&spec, 58, 3000);
	frame_opt_u32(&spec, 59, 200);
	build();
	assert_int_equal(parse(&l), 0);
	assert_int_equal(l.t1, 1800);
	assert_int_equal(l.t2, 3150);
	/* No mask: classful. */
	frame_spec_init(&spec, DHCPACK);
	frame_opt(&spec, 53, &spec.type, 1);
	frame_opt_addr(&spec, 54, "192.168.50.1");
	frame_opt_u32(&spec, 51, 0xffffffffu);
	spec.yiaddr = inet_addr("10.1.2.3");
	build();
	assert_int_equal(parse(&l), 0);
	assert_int_equal(l.prefix, 8);
	assert_int_equal(l.t2, 0xffffffffu); /* infinite: never renewed */
}

/* Item 10 of issue 9: leases of 0 and 1 s, T1/T2 of 0, as dhcpcd takes them. */
static void short_and_zero_lease_times_are_clamped(void **state)
{
	static const struct {
		uint32_t lease, t1, t2; /* 0 for t1/t2: not sent */
		uint32_t want_lease, want_t1, want_t2;
	} cases[] = {
	    {0, 0, 0, 20, 10, 17},
	    {1, 0, 0, 20, 10, 17},
	    {1, 1, 1, 20, 10, 10},
	    {19, 0, 0, 20, 10, 17},
	    {3600, 0, 0, 3600, 1800, 3150},
	    {3600, 1, 2, 3600, 10, 10},
	    {3600, 0, 100, 3600, 1800, 3150},
	    {3600, 100, 0, 3600, 100, 3150},
	    {3600, 100, 9999, 3600, 100, 3150},
	    {0xffffffffu, 5, 6, 0xffffffffu, 0xffffffffu, 0xffffffffu},
	};
	struct dhcp_lease l;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		frame_spec_init(&spec, DHCPACK);
		frame_opt(&spec, 53, &spec.type, 1);
		frame_opt_addr(&spec, 54, "192.168.50.1");
		frame_opt_u32(&spec, 51, cases[i].lease);
		frame_opt_addr(&spec, 1, "255.255.255.0");
		if (cases[i].t1)
			frame_opt_u32(&spec, 58, cases[i].t1);
		if (cases[i].t2)
			frame_opt_u32(&spec, 59, cases[i].t2);
		build();
		assert_int_equal(parse(&l), 0);
		print_message("  lease %u T1 %u T2 %u -> %u %u %u\n",
			      cases[i].lease, cases[i].t1, cases[i].t2,
			      l.lease_time, l.t1, l.t2);
		assert_int_equal(l.lease_time, cases[i].want_lease);
		assert_int_equal(l.t1, cases[i].want_t1);
		assert_int_equal(l.t2, cases[i].want_t2);
		assert_int_equal(dhcp_lease_check(&l, &why), 0);
		/* Idempotent: PID 1 may clamp again. */
		dhcp_lease_clamp_times(&l);
		assert_int_equal(l.t1, cases[i].want_t1);
	}
}

static void the_builder_makes_valid_requests(void **state)
{
	struct dhcp_request rq = {
	    .type = DHCPREQUEST,
	    .xid = 0x01020304,
	    .chaddr = {2, 0, 0, 0, 0, 9},
	    .broadcast = true,
	    .hostname = "box",
	};
	uint8_t bootp[600], buf[700], small[100];
	size_t blen, flen;
	struct in_addr any = {0}, bcast = {INADDR_BROADCAST};
	const uint8_t *o;

	(void)state;
	rq.requested.s_addr = inet_addr("192.168.50.23");
	rq.server_id.s_addr = inet_addr("192.168.50.1");
	assert_int_equal(dhcp_build_bootp(&rq, small, sizeof(small), &blen),
			 -ENOBUFS);
	assert_int_equal(dhcp_build_bootp(&rq, bootp, sizeof(bootp), &blen), 0);
	assert_true(blen >= 300);
	assert_int_equal(bootp[0], 1);
	assert_int_equal(bootp[10], 0x80); /* broadcast flag */
	assert_memory_equal(bootp + 236, "\x63\x82\x53\x63", 4);
	o = bootp + 240;
	assert_memory_equal(o, "\x35\x01\x03", 3);
	assert_memory_equal(o + 3, "\x3d\x07\x01\x02\x00\x00\x00\x00\x09", 9);
	assert_memory_equal(o + 12, "\x32\x04\xc0\xa8\x32\x17", 6);
	assert_memory_equal(o + 18, "\x36\x04\xc0\xa8\x32\x01", 6);
	assert_memory_equal(o + 24,
			    "\x0c\x03"
			    "box",
			    5);
	assert_int_equal(dhcp_build_frame(any, bcast, 68, 67, bootp, blen, buf,
					  sizeof(buf), &flen),
			 0);
	assert_int_equal(flen, blen + 28);
	assert_int_equal(dhcp_csum(buf, 20, 0), 0);
	assert_int_equal(buf[9], IPPROTO_UDP);
	{
		uint32_t sum = 0xffff + 0xffff + IPPROTO_UDP + blen + 8;
		assert_int_equal(dhcp_csum(buf + 20, blen + 8, sum), 0);
	}
	/* ip=dhcp,<type>,<value>: option 61 is the type and the value. */
	rq.client_id = (const uint8_t *)"\x00my-id";
	rq.client_id_len = 6;
	assert_int_equal(dhcp_build_bootp(&rq, bootp, sizeof(bootp), &blen), 0);
	assert_memory_equal(bootp + 240 + 3, "\x3d\x06\x00my-id", 8);
}

static void masks_and_prefixes(void **state)
{
	struct in_addr m;

	(void)state;
	m.s_addr = inet_addr("255.255.255.0");
	assert_int_equal(dhcp_mask_prefix(m), 24);
	m.s_addr = inet_addr("255.255.255.255");
	assert_int_equal(dhcp_mask_prefix(m), 32);
	m.s_addr = 0;
	assert_int_equal(dhcp_mask_prefix(m), 0);
	m.s_addr = inet_addr("255.0.255.0");
	assert_int_equal(dhcp_mask_prefix(m), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_good_offer_parses),
	    cmocka_unit_test(next_server_from_siaddr),
	    cmocka_unit_test(an_ack_with_classless_routes),
	    cmocka_unit_test(option_past_the_end_is_refused),
	    cmocka_unit_test(faults_in_essential_options_reject_the_reply),
	    cmocka_unit_test(faulty_other_options_are_dropped_lease_kept),
	    cmocka_unit_test(repeated_fixed_option_is_refused),
	    cmocka_unit_test(split_string_options_are_concatenated),
	    cmocka_unit_test(overload_spills_into_file_and_sname),
	    cmocka_unit_test(overload_abuse_is_refused),
	    cmocka_unit_test(thousands_of_options_are_walked),
	    cmocka_unit_test(not_ours_is_ignored),
	    cmocka_unit_test(bad_cookie_is_refused),
	    cmocka_unit_test(every_truncation_is_refused),
	    cmocka_unit_test(length_fields_are_checked),
	    cmocka_unit_test(checksums_are_verified),
	    cmocka_unit_test(ip_options_and_fragments),
	    cmocka_unit_test(missing_required_options),
	    cmocka_unit_test(bad_values_are_refused),
	    cmocka_unit_test(a_nak_parses_with_its_message),
	    cmocka_unit_test(times_are_sane),
	    cmocka_unit_test(short_and_zero_lease_times_are_clamped),
	    cmocka_unit_test(the_builder_makes_valid_requests),
	    cmocka_unit_test(masks_and_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
