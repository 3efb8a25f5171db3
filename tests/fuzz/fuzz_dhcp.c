/* fuzz_dhcp: the DHCP reply parser on arbitrary IPv4 datagrams, BOOTP
 * messages and option fields. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>

#include "net/dhcp_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whatever parsed must keep the lease's contract (what PID 1 checks). */
static void parse_checked(const uint8_t *frame, size_t len,
			  const struct dhcp_expect *exp)
{
	struct dhcp_lease l;
	const char *why;

	if (dhcp_parse_packet(frame, len, exp, &l) == 0 &&
	    dhcp_lease_check(&l, &why) != 0)
		__builtin_trap();
}

/*
 * Every input is tried four ways: as a datagram (checksums checked, then
 * not, with and without an expected server id, the seed corpus's
 * 192.168.50.1), as a BOOTP payload in valid IP/UDP, and as the options
 * field behind a valid BOOTP header, so that long options (the 1024-byte
 * accumulation limit), many routes (over DHCP_MAX_ROUTES) and every
 * option rule are one mutation away.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The seed corpus's exchange (tests/fuzz/fuzz_dhcp_corpus_gen.c). */
	struct dhcp_expect exp = {
	    .xid = 0x1a2b3c4d,
	    .chaddr = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56},
	};
	static uint8_t frame[DHCP_FRAME_MAX], bootp[DHCP_FRAME_MAX];
	struct in_addr src = {htonl(0xc0a83201)}, dst = {INADDR_BROADCAST};
	size_t flen, blen;

	parse_checked(data, size, &exp);
	exp.udp_csum_unverifiable = true;
	parse_checked(data, size, &exp);
	exp.server_id.s_addr = htonl(0xc0a83201);
	parse_checked(data, size, &exp);

	/* The input as a BOOTP payload in valid IP/UDP. */
	exp.udp_csum_unverifiable = false;
	exp.server_id.s_addr = 0;
	if (dhcp_build_frame(src, dst, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, data,
			     size, frame, sizeof(frame), &flen) == 0)
		parse_checked(frame, flen, &exp);

	/* The input as options: op 2, Ethernet, our xid and chaddr, yiaddr
	 * 192.168.50.23, the magic cookie. */
	if (size > sizeof(bootp) - 240)
		return 0;
	memset(bootp, 0, 240);
	bootp[0] = 2;
	bootp[1] = 1;
	bootp[2] = 6;
	memcpy(bootp + 4, "\x1a\x2b\x3c\x4d", 4);
	memcpy(bootp + 16, "\xc0\xa8\x32\x17", 4);
	memcpy(bootp + 28, exp.chaddr, 6);
	memcpy(bootp + 236, "\x63\x82\x53\x63", 4);
	memcpy(bootp + 240, data, size);
	blen = 240 + size;
	if (dhcp_build_frame(src, dst, DHCP_SERVER_PORT, DHCP_CLIENT_PORT,
			     bootp, blen, frame, sizeof(frame), &flen) == 0) {
		parse_checked(frame, flen, &exp);
		exp.server_id.s_addr = htonl(0xc0a83201);
		parse_checked(frame, flen, &exp);
	}
	return 0;
}
