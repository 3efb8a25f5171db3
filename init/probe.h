/* probe: block devices are probed by sesame-probe, a child of PID 1, since
 * libblkid reads superblocks anyone who can plug in a disk can write. */
#ifndef SESAME_INIT_PROBE_H
#define SESAME_INIT_PROBE_H

#include "init/spec.h"

struct loop;

#define PROBE_PROG "/sbin/sesame-probe"
#define PROBE_PENDING_MAX 128

/* A device's answer: p's name, node and devnum as asked, the rest filled
 * (empty when the probe failed; the log says why). */
typedef void (*probe_done_fn)(const struct dev_props *p, void *data);

/*
 * Sets up probing on l with prog (NULL: PROBE_PROG), started through
 * child_spawn_opts() at the first request with a socketpair on its
 * standard input, and again whenever it died with requests outstanding.
 * A device whose probe ends the process twice is taken as holding
 * nothing recognisable.
 */
int probe_init(struct loop *l, const char *prog, probe_done_fn done,
	       void *data);

/* Asks for p (name, node, devnum set); done follows, requests in order.
 * -ENOSPC when PROBE_PENDING_MAX wait. */
int probe_request(const struct dev_props *p);

/* Requests not answered yet. */
unsigned probe_pending(void);

/* The handoff: the link closes (sesame-probe exits); nothing is answered. */
void probe_stop(void);

#endif
