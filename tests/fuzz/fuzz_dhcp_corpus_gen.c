/* fuzz_dhcp_corpus_gen: writes fuzz_dhcp's seed corpus (realistic OFFER/ACK/NAK
 * frames); run by `make net-corpus`. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/fileio.h"
#include "net/dhcp_packet.h"
#include "tests/unit/test_net_frames.h"

static struct frame_spec s;
static uint8_t out[70000];

static int emit(const char *dir, const char *name)
{
	char path[4096];
	size_t n = frame_build(&s, out, sizeof(out));

	if (n == 0 || snprintf(path, sizeof(path), "%s/%s", dir, name) >=
			  (int)sizeof(path))
		return -1;
	return file_write_atomic(path, out, n, 0644) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const uint8_t routes[] = {0,  10, 0,  0, 1, 32, 10, 0,
					 0,  1,	 0,  0, 0, 0,  24, 172,
					 16, 5,	 10, 0, 0, 1};
	static const uint8_t ov3 = 3, nak = DHCPNAK;
	const char *dir;
	int r = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];

	frame_spec_init(&s, DHCPOFFER);
	frame_std_options(&s);
	r |= emit(dir, "offer");

	frame_spec_init(&s, DHCPACK);
	frame_std_options(&s);
	frame_opt(&s, 17, "192.168.50.1:/srv/nfsroot", 25);
	frame_opt(&s, 26, "\x05\xdc", 2);
	frame_opt_u32(&s, 58, 1800);
	frame_opt_u32(&s, 59, 3150);
	r |= emit(dir, "ack-nfsroot");

	/* A /32 with an off-subnet gateway, as a cloud provider hands out. */
	frame_spec_init(&s, DHCPACK);
	s.yiaddr = inet_addr("10.0.0.50");
	s.src = inet_addr("10.0.0.1");
	frame_opt(&s, 53, &s.type, 1);
	frame_opt_addr(&s, 54, "10.0.0.1");
	frame_opt_u32(&s, 51, 86400);
	frame_opt_addr(&s, 1, "255.255.255.255");
	frame_opt(&s, 121, routes, sizeof(routes));
	frame_opt_addr(&s, 3, "10.0.0.1");
	r |= emit(dir, "ack-slash32-routes");

	/* Options spilled into file and sname (option 52 = 3). */
	frame_spec_init(&s, DHCPACK);
	frame_std_options(&s);
	frame_opt(&s, 52, &ov3, 1);
	memcpy(s.file,
	       "\x11\x0c"
	       "10.9.8.7:/rt\xff",
	       15);
	memcpy(s.sname, "\x1a\x02\x05\x00\xff", 5);
	r |= emit(dir, "ack-overload");

	frame_spec_init(&s, DHCPNAK);
	s.yiaddr = 0;
	frame_opt(&s, 53, &nak, 1);
	frame_opt_addr(&s, 54, "192.168.50.1");
	frame_opt(&s, 56, "address not available", 21);
	r |= emit(dir, "nak");

	/* RFC 3396 split options. */
	frame_spec_init(&s, DHCPACK);
	frame_std_options(&s);
	frame_opt(&s, 17, "10.0.0.1:", 9);
	frame_opt(&s, 17, "/nfs/root", 9);
	frame_opt(&s, 121, routes, 5);
	frame_opt(&s, 121, routes + 5, sizeof(routes) - 5);
	r |= emit(dir, "ack-split");

	/* 33 classless routes: one over DHCP_MAX_ROUTES (the option goes). */
	{
		uint8_t many[33 * 6];
		frame_spec_init(&s, DHCPACK);
		frame_std_options(&s);
		for (int k = 0; k < 33; k++) {
			many[k * 6] = 8;
			many[k * 6 + 1] = (uint8_t)(10 + k);
			memcpy(many + k * 6 + 2, "\xc0\xa8\x32\x01", 4);
		}
		frame_opt(&s, 121, many, 100);
		frame_opt(&s, 121, many + 100, sizeof(many) - 100);
		r |= emit(dir, "ack-33-routes");
	}

	/* A root path split over 5 instances: 1275 bytes, past the 1024
	 * accumulation limit (dropped). */
	{
		uint8_t chunk[255];
		memset(chunk, 'r', sizeof(chunk));
		frame_spec_init(&s, DHCPACK);
		frame_std_options(&s);
		for (int k = 0; k < 5; k++)
			frame_opt(&s, 17, chunk, sizeof(chunk));
		r |= emit(dir, "ack-option-over-1024");
	}

	/* Hostile non-essential options (issue 9 item 11): all dropped. */
	frame_spec_init(&s, DHCPOFFER);
	frame_std_options(&s);
	frame_opt(&s, 15, "exa mple", 8);
	frame_opt(&s, 26, "\x00\x10", 2);
	frame_opt(&s, 6, "\x0a\x00\x00\x35\x0a\x00", 6);
	frame_opt_addr(&s, 3, "224.0.0.1");
	frame_opt_u32(&s, 51, 1);
	r |= emit(dir, "offer-hostile-options");

	/* Lease 1 s, T1 0 (clamped to 20 s, T1 10 s). */
	frame_spec_init(&s, DHCPACK);
	frame_opt(&s, 53, &s.type, 1);
	frame_opt_addr(&s, 54, "192.168.50.1");
	frame_opt_u32(&s, 51, 1);
	frame_opt_u32(&s, 58, 0);
	frame_opt_addr(&s, 1, "255.255.255.0");
	r |= emit(dir, "ack-lease-1s");
	return r ? 1 : 0;
}
