/* test_net_frames: a DHCP reply builder shared by net's tests and corpus
 * generator. */
#ifndef SESAME_TEST_NET_FRAMES_H
#define SESAME_TEST_NET_FRAMES_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct frame_spec {
	uint8_t op;
	uint32_t xid; /* host order */
	uint8_t chaddr[6];
	in_addr_t yiaddr, siaddr, src, dst;
	uint32_t magic;
	uint16_t sport, dport;
	uint8_t type;
	uint8_t sname[64];
	uint8_t file[128];
	uint8_t opts[65000];
	size_t olen;
	bool no_end;
};

/* Defaults: an Ethernet reply to xid 0x1a2b3c4d, chaddr 52:54:00:12:34:56. */
void frame_spec_init(struct frame_spec *s, uint8_t type);
void frame_opt(struct frame_spec *s, uint8_t code, const void *p, size_t n);
void frame_opt_addr(struct frame_spec *s, uint8_t code, const char *addr);
void frame_opt_u32(struct frame_spec *s, uint8_t code, uint32_t v);
void frame_opt_raw(struct frame_spec *s, const void *p, size_t n);
/* Type, server id, lease, mask, router, DNS, broadcast, hostname, domain. */
void frame_std_options(struct frame_spec *s);
/* The IPv4 datagram; returns its length, 0 if it does not fit. */
size_t frame_build(const struct frame_spec *s, uint8_t *out, size_t cap);

#endif
