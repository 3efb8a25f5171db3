/* fuzz_dhcp: the DHCP reply parser on arbitrary IPv4 datagrams. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>

#include "net/dhcp_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The seed corpus's exchange (tests/fuzz/fuzz_dhcp_corpus_gen.c). */
	struct dhcp_expect exp = {
	    .xid = 0x1a2b3c4d,
	    .chaddr = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56},
	};
	static uint8_t frame[DHCP_FRAME_MAX];
	struct in_addr src = {htonl(0xc0a83201)}, dst = {INADDR_BROADCAST};
	struct dhcp_lease l;
	size_t flen;

	/* Once with checksums checked, once past them to reach the options. */
	dhcp_parse_packet(data, size, &exp, &l);
	exp.udp_csum_unverifiable = true;
	exp.server_id.s_addr = 0;
	if (dhcp_parse_packet(data, size, &exp, &l) == 0) {
		/* Whatever parsed must be self-consistent. */
		if (l.n_dns > DHCP_MAX_DNS || l.n_routes > DHCP_MAX_ROUTES ||
		    l.prefix > 32 ||
		    !memchr(l.hostname, 0, sizeof(l.hostname)) ||
		    !memchr(l.root_path, 0, sizeof(l.root_path)))
			__builtin_trap();
	}
	/* The input as a BOOTP payload in valid IP/UDP: straight to options. */
	exp.udp_csum_unverifiable = false;
	if (dhcp_build_frame(src, dst, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, data,
			     size, frame, sizeof(frame), &flen) == 0)
		dhcp_parse_packet(frame, flen, &exp, &l);
	return 0;
}
