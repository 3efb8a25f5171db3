/* dhcp_child: the unprivileged process that parses DHCP replies for net. */
#ifndef SESAME_DHCP_CHILD_H
#define SESAME_DHCP_CHILD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "net/dhcp_packet.h"

struct dhcp_child {
	pid_t pid;
	int pidfd; /* reaps exactly our child, even if PID 1 reaps too */
	int fd;	   /* SOCK_SEQPACKET to the child */
};

#define DHCP_CHILD_WHY_MAX 96

/*
 * The child's answer on the socket, one SEQPACKET message (exposed so that
 * tests can play a lying child). r is 0 with a lease, or a negative errno
 * with a reason; every field is checked on receipt.
 */
struct dhcp_child_reply {
	int32_t r;
	char why[DHCP_CHILD_WHY_MAX];
	struct dhcp_lease lease;
};

/*
 * Forks the parser: it drops to uid/gid 65534 with no groups, chroots into
 * an empty directory that is then removed, sets no_new_privs, closes every
 * other fd and limits itself to the fds it has. Returns once it is ready.
 */
int dhcp_child_start(struct dhcp_child *c);
/*
 * One frame to the child and its verdict back: 0 and *out, or the parser's
 * negative errno with its reason in why. -EPIPE when the child is gone,
 * -EBADE when its answer breaks the contract (a wrong size, an error that
 * is not an errno, a lease that fails dhcp_lease_check() or does not match
 * exp): a child that lies is as broken as a dead one, and the caller
 * restarts it either way. *out is written only on success.
 */
int dhcp_child_parse(struct dhcp_child *c, const uint8_t *frame, size_t len,
		     const struct dhcp_expect *exp, struct dhcp_lease *out,
		     char why[DHCP_CHILD_WHY_MAX]);
/* Ends and reaps the child; safe on one never started. */
void dhcp_child_stop(struct dhcp_child *c);

#endif
