/* dhcp_packet: DHCPv4 wire format (RFC 2131/2132): a pure parser and builders.
 */
#ifndef SESAME_DHCP_PACKET_H
#define SESAME_DHCP_PACKET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Message types (RFC 2132 9.6). */
enum dhcp_msg_type {
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPDECLINE = 4,
	DHCPACK = 5,
	DHCPNAK = 6,
	DHCPRELEASE = 7,
	DHCPINFORM = 8,
};

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
/* Largest IPv4 datagram we accept or build (the IP total length field). */
#define DHCP_FRAME_MAX 65535u
#define DHCP_MAX_DNS 4
#define DHCP_MAX_ROUTES 32
#define DHCP_HOSTNAME_MAX 64 /* 63 characters and the NUL */
#define DHCP_DOMAIN_MAX 256
#define DHCP_ROOT_PATH_MAX 256
#define DHCP_MESSAGE_MAX 128

/* What a reply must match; built by the client for its current exchange. */
struct dhcp_expect {
	uint32_t xid;
	uint8_t chaddr[6];
	/* When not 0.0.0.0 the server identifier must equal it (REQUESTING). */
	struct in_addr server_id;
	/*
	 * The kernel marked the frame's UDP checksum as not yet computed
	 * (TP_STATUS_CSUMNOTREADY, e.g. veth); it cannot be verified.
	 */
	bool udp_csum_unverifiable;
};

/* A classless static route (RFC 3442); gw 0.0.0.0 means on-link. */
struct dhcp_route {
	struct in_addr dst;
	uint8_t prefix;
	struct in_addr gw;
};

/* Bits of dhcp_lease.have. */
enum {
	DHCP_HAVE_MASK = 1u << 0,
	DHCP_HAVE_ROUTER = 1u << 1,
	DHCP_HAVE_BROADCAST = 1u << 2,
	DHCP_HAVE_MTU = 1u << 3,
	DHCP_HAVE_HOSTNAME = 1u << 4,
	DHCP_HAVE_DOMAIN = 1u << 5,
	DHCP_HAVE_ROOT_PATH = 1u << 6,
	DHCP_HAVE_ROUTES = 1u << 7, /* option 121 */
	DHCP_HAVE_MESSAGE = 1u << 8,
};
#define DHCP_HAVE_ALL 0x1ffu

/*
 * Bits of dhcp_lease.dropped: a non-essential option that was malformed or
 * out of range. It is left out of the lease, which is kept; the client logs
 * it. Only faults in options 53, 54, 51, the mask, option 52 or yiaddr (and
 * framing faults: an option running past its field) reject a reply.
 */
enum {
	DHCP_DROP_ROUTER = 1u << 0,
	DHCP_DROP_DNS = 1u << 1,
	DHCP_DROP_HOSTNAME = 1u << 2,
	DHCP_DROP_DOMAIN = 1u << 3,
	DHCP_DROP_ROOT_PATH = 1u << 4,
	DHCP_DROP_MTU = 1u << 5,
	DHCP_DROP_BROADCAST = 1u << 6,
	DHCP_DROP_ROUTES = 1u << 7,
	DHCP_DROP_T1 = 1u << 8,
	DHCP_DROP_T2 = 1u << 9,
	DHCP_DROP_MESSAGE = 1u << 10,
};
#define DHCP_DROP_ALL 0x7ffu

/*
 * Lease time floors (dhcpcd's DHCP_MIN_LEASE): a shorter lease is taken as
 * 20 s, and T1 is never under 10 s, so a server handing out 0 or 1 s leases
 * costs at most one REQUEST per 10 s, not a flood.
 */
#define DHCP_MIN_LEASE 20u
#define DHCP_MIN_T1 10u
#define DHCP_INFINITE 0xffffffffu

/*
 * Everything we take from one server reply: a fixed-size, pointer-free
 * struct, so the unprivileged parser can hand it over a socket as bytes.
 * Addresses are in network byte order; strings are NUL-terminated.
 */
struct dhcp_lease {
	uint8_t type; /* DHCPOFFER, DHCPACK or DHCPNAK */
	uint32_t xid;
	uint32_t have;
	struct in_addr src;	  /* IP source of the reply */
	struct in_addr yiaddr;	  /* the offered address */
	struct in_addr server_id; /* option 54 */
	struct in_addr next_server; /* siaddr; 0.0.0.0: none */
	struct in_addr mask;	  /* option 1, or classful when absent */
	uint8_t prefix;		  /* mask as a prefix length */
	struct in_addr router;	  /* option 3, the first one */
	struct in_addr broadcast; /* option 28 */
	uint16_t mtu;		  /* option 26 */
	uint32_t lease_time;	  /* option 51, seconds, at least 20 */
	uint32_t t1, t2;  /* options 58, 59 or RFC 2131 4.4.5 defaults */
	uint32_t dropped; /* DHCP_DROP_* */
	uint8_t n_dns;
	struct in_addr dns[DHCP_MAX_DNS];
	uint8_t n_routes;
	struct dhcp_route routes[DHCP_MAX_ROUTES];
	char hostname[DHCP_HOSTNAME_MAX];
	char domain[DHCP_DOMAIN_MAX];
	char root_path[DHCP_ROOT_PATH_MAX];
	char message[DHCP_MESSAGE_MAX]; /* option 56, printable only */
};

/*
 * Parses one IPv4 datagram (as a SOCK_DGRAM packet socket delivers it: IP
 * header first) carrying a DHCP reply: IP -> UDP -> BOOTP -> options, each
 * layer checked against the bytes the one below allows. Returns 0 and fills
 * *out, or a negative errno (-EBADMSG malformed, -ENOMSG not for us,
 * -EPROTO a rule of the RFCs broken); *out is untouched on error.
 */
int dhcp_parse_packet(const uint8_t *frame, size_t len,
		      const struct dhcp_expect *exp, struct dhcp_lease *out);
/* As dhcp_parse_packet; on error *why names the rule (a static string). */
int dhcp_parse_packet_explain(const uint8_t *frame, size_t len,
			      const struct dhcp_expect *exp,
			      struct dhcp_lease *out, const char **why);

/*
 * Lease times as dhcpcd takes them: a lease under DHCP_MIN_LEASE is
 * raised to it; T1 or T2 of 0, T2 at or past the lease, or T1 past T2 fall
 * back to RFC 2131 4.4.5's 0.5 and 0.875 of the lease; T1 is at least
 * DHCP_MIN_T1 and T2 at least T1. An infinite lease has infinite T1/T2.
 * t1/t2 of 0 on input mean "not sent". Idempotent.
 */
void dhcp_lease_clamp_times(struct dhcp_lease *l);

/*
 * The contract of a parsed lease, for the privileged side to check what
 * the parser child hands back: counts within their arrays, a mask that
 * matches the prefix, NUL-terminated strings of allowed characters, only
 * known bits, clamped times, a unicast yiaddr and router. Returns 0, or
 * -EBADMSG with *why naming the first broken field.
 */
int dhcp_lease_check(const struct dhcp_lease *l, const char **why);

/* "3 (router)" for one DHCP_DROP_* bit; "?" for anything else. */
const char *dhcp_drop_name(uint32_t bit);

/* An address a server may hand out or route through: not 0/8, loopback,
 * multicast, class E or the limited broadcast. */
bool dhcp_addr_is_unicast(struct in_addr a);

/* What a client message carries; zero fields are left out. */
struct dhcp_request {
	uint8_t type; /* DHCPDISCOVER, DHCPREQUEST or DHCPRELEASE */
	uint32_t xid;
	uint16_t secs;
	uint8_t chaddr[6];
	bool broadcast;		  /* the BOOTP broadcast flag (RFC 2131 4.1) */
	struct in_addr ciaddr;	  /* RENEWING, REBINDING, RELEASE */
	struct in_addr requested; /* option 50 */
	struct in_addr server_id; /* option 54 */
	const char *hostname;	  /* option 12, or NULL */
	/* Option 61; NULL: type 1 and chaddr (RFC 2132 9.14). */
	const uint8_t *client_id;
	size_t client_id_len; /* 2 to 255 when client_id is set */
};

/*
 * Writes the BOOTP message (fixed part and options) into buf. Returns 0 and
 * the length in *lenp, or -ENOBUFS when cap is too small.
 */
int dhcp_build_bootp(const struct dhcp_request *req, uint8_t *buf, size_t cap,
		     size_t *lenp);
/*
 * Wraps a payload into IPv4 and UDP headers with both checksums: a datagram
 * ready for a SOCK_DGRAM packet socket. (Tests build server replies with it.)
 */
int dhcp_build_frame(struct in_addr src, struct in_addr dst, uint16_t sport,
		     uint16_t dport, const uint8_t *payload, size_t plen,
		     uint8_t *buf, size_t cap, size_t *lenp);

/* The Internet checksum (RFC 1071) of len bytes, folded from sum. */
uint16_t dhcp_csum(const uint8_t *p, size_t len, uint32_t sum);
/* Prefix length of a contiguous netmask; -EINVAL if not contiguous. */
int dhcp_mask_prefix(struct in_addr mask);

#endif
