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
 * Forks the parser: it drops to uid/gid 65534 with no groups, chroots into
 * an empty directory that is then removed, sets no_new_privs, closes every
 * other fd and limits itself to the fds it has. Returns once it is ready.
 */
int dhcp_child_start(struct dhcp_child *c);
/*
 * One frame to the child and its verdict back: 0 and *out, or the parser's
 * negative errno with its reason in why. -EPIPE when the child is gone
 * (the caller restarts it).
 */
int dhcp_child_parse(struct dhcp_child *c, const uint8_t *frame, size_t len,
		     const struct dhcp_expect *exp, struct dhcp_lease *out,
		     char why[DHCP_CHILD_WHY_MAX]);
/* Ends and reaps the child; safe on one never started. */
void dhcp_child_stop(struct dhcp_child *c);

#endif
