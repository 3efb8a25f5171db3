/* test_net_frames: builds DHCP server replies (OFFER/ACK/NAK frames) for tests
 * and the seed corpus. */
#include "tests/unit/test_net_frames.h"

#include <arpa/inet.h>
#include <string.h>

#include "net/dhcp_packet.h"

void frame_spec_init(struct frame_spec *s, uint8_t type)
{
	static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

	memset(s, 0, sizeof(*s));
	s->op = 2;
	s->xid = 0x1a2b3c4d;
	memcpy(s->chaddr, mac, 6);
	s->yiaddr = inet_addr("192.168.50.23");
	s->src = inet_addr("192.168.50.1");
	s->dst = inet_addr("255.255.255.255");
	s->magic = 0x63825363u;
	s->sport = 67;
	s->dport = 68;
	s->type = type;
}

static void put(struct frame_spec *s, const void *p, size_t n)
{
	if (n > sizeof(s->opts) - s->olen)
		return;
	memcpy(s->opts + s->olen, p, n);
	s->olen += n;
}

void frame_opt(struct frame_spec *s, uint8_t code, const void *p, size_t n)
{
	uint8_t h[2] = {code, (uint8_t)n};

	put(s, h, 2);
	put(s, p, n);
}

void frame_opt_addr(struct frame_spec *s, uint8_t code, const char *addr)
{
	in_addr_t a = inet_addr(addr);

	frame_opt(s, code, &a, 4);
}

void frame_opt_u32(struct frame_spec *s, uint8_t code, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
			(uint8_t)(v >> 8), (uint8_t)v};

	frame_opt(s, code, b, 4);
}

void frame_opt_raw(struct frame_spec *s, const void *p, size_t n)
{
	put(s, p, n);
}

void frame_std_options(struct frame_spec *s)
{
	frame_opt(s, 53, &s->type, 1);
	frame_opt_addr(s, 54, "192.168.50.1");
	frame_opt_u32(s, 51, 3600);
	frame_opt_addr(s, 1, "255.255.255.0");
	frame_opt_addr(s, 3, "192.168.50.1");
	frame_opt_addr(s, 6, "192.168.50.1");
	frame_opt_addr(s, 28, "192.168.50.255");
	frame_opt(s, 12, "box", 3);
	frame_opt(s, 15, "example.test", 12);
}

size_t frame_build(const struct frame_spec *s, uint8_t *out, size_t cap)
{
	static uint8_t bootp[70000];
	size_t n = 0, len = 0;
	uint32_t v;
	struct in_addr src = {s->src}, dst = {s->dst};

	memset(bootp, 0, 236);
	bootp[0] = s->op;
	bootp[1] = 1;
	bootp[2] = 6;
	v = htonl(s->xid);
	memcpy(bootp + 4, &v, 4);
	memcpy(bootp + 16, &s->yiaddr, 4);
	memcpy(bootp + 20, &s->siaddr, 4);
	memcpy(bootp + 28, s->chaddr, 6);
	memcpy(bootp + 44, s->sname, 64);
	memcpy(bootp + 108, s->file, 128);
	v = htonl(s->magic);
	memcpy(bootp + 236, &v, 4);
	n = 240;
	if (s->olen > sizeof(bootp) - n)
		return 0;
	memcpy(bootp + n, s->opts, s->olen);
	n += s->olen;
	if (!s->no_end && n < sizeof(bootp))
		bootp[n++] = 255;
	if (dhcp_build_frame(src, dst, s->sport, s->dport, bootp, n, out, cap,
			     &len) < 0)
		return 0;
	return len;
}
