/* fuzz_dhcp: the DHCP reply parser on arbitrary IPv4 datagrams. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "net/dhcp_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The seed corpus's exchange (tests/fuzz/fuzz_dhcp_corpus_gen.c). */
	struct dhcp_expect exp = {
	    .xid = 0x1a2b3c4d,
	    .chaddr = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56},
	};
	struct dhcp_lease l;

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
	return 0;
}
