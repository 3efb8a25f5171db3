/* dhcp_client: the DHCPv4 state machine for one interface (RFC 2131 4.4),
 * driven by the loop. */
#ifndef SESAME_DHCP_CLIENT_H
#define SESAME_DHCP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "net/dhcp_packet.h"

struct loop;
struct dhcp_child;
struct dhcp_client;

struct dhcp_client_ops {
	/* A new or renewed lease (ACK): configure it (same address: refresh).
	 */
	void (*bound)(void *data, const struct dhcp_lease *lease);
	/* The lease ended (expired or NAK while bound): remove the address. */
	void (*lost)(void *data);
};

struct dhcp_client_params {
	int ifindex;
	const char *ifname;
	uint8_t mac[6];
	const char *hostname;	  /* option 12, or NULL */
	const uint8_t *client_id; /* option 61, or NULL: type 1 and the MAC */
	size_t client_id_len;
};

/*
 * Opens the packet socket on the interface and sends the first DISCOVER at
 * once; replies go through the parser child. Copies params.
 */
int dhcp_client_start(struct loop *l, const struct dhcp_client_params *p,
		      struct dhcp_child *child,
		      const struct dhcp_client_ops *ops, void *data,
		      struct dhcp_client **cp);
/* Sends DHCPRELEASE when bound (RFC 2131 4.4.6); the address must still be set.
 */
int dhcp_client_release(struct dhcp_client *c);
/* Stops timers and closes sockets; NULL is accepted. */
void dhcp_client_free(struct dhcp_client *c);

#endif
