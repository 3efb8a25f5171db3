/* dhcp_child: the unprivileged process that parses DHCP replies for net. */
#ifndef SESAME_DHCP_CHILD_H
#define SESAME_DHCP_CHILD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "net/dhcp_packet.h"

/*
 * Who reaps the parser. In PID 1, init's one reaper: watch is
 * child_watch() and forget child_forget() (init/child.h), so its exit is
 * seen on every kernel (no pidfd needed) and nobody else calls waitpid on
 * it. NULL (netprobe, tests): the process that started it reaps it itself,
 * in dhcp_child_stop().
 */
struct dhcp_child_watch {
	int (*watch)(pid_t pid,
		     void (*exited)(pid_t pid, int status, void *data),
		     void *data);
	void (*forget)(pid_t pid);
};

struct dhcp_child {
	pid_t pid; /* -1: none (never started, stopped, or seen to exit) */
	int fd;	   /* SOCK_SEQPACKET to the child; -1 with pid */
	const struct dhcp_child_watch *watch; /* kept across restarts */
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
 * Forks the parser (a fork without exec: it runs this file's own code, so
 * it needs no program of its own in the chroot it cannot leave): it drops to
 * uid/gid 65534 with no groups, chroots into an empty directory that is then
 * removed, sets no_new_privs, closes every other fd and limits itself to the
 * fds it has. Returns once it is ready. With c->watch its exit, whenever it
 * comes, closes c->fd and sets c->pid to -1 (dhcp_child_parse() then says
 * -EPIPE and the caller starts a new one).
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
/*
 * Ends the child (SIGKILL): reaped here without c->watch, by init's reaper
 * with it (its callback forgotten). Safe on one never started or already
 * gone.
 */
void dhcp_child_stop(struct dhcp_child *c);

#endif
