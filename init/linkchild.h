/* linkchild: a helper process of PID 1 whose standard input is its end of a
 * SOCK_SEQPACKET socketpair (sesame-unlockd, sesame-probe). */
#ifndef SESAME_INIT_LINKCHILD_H
#define SESAME_INIT_LINKCHILD_H

#include <sys/types.h>

#include "common/loop.h"
#include "init/child.h"

struct link_child {
	struct loop *loop;
	pid_t pid; /* 0: not running */
	int fd;	   /* our end, non-blocking and watched; -1: closed */
};

/* An unused one (call before anything else). */
void link_child_init(struct link_child *c, struct loop *l);

/*
 * Starts argv[0] through child_spawn_opts() with the link's other end as
 * its stdin and PID 1's stderr (the console: a crash message shows) as
 * its stderr; on_exit (init's one reaper) and on_read (the link is
 * readable) get data. 0, or a negative errno: nothing started, or (the
 * link could not be watched) the child killed, its exit still to come.
 */
int link_child_start(struct link_child *c, char *const argv[],
		     child_exit_fn on_exit, loop_fd_fn on_read, void *data);

/* Closes our end (the child reads end of file). Idempotent. */
void link_child_close(struct link_child *c);

/* A child that lied or stopped reading: SIGKILL (the reaper collects it)
 * and the link closed. */
void link_child_kill(struct link_child *c);

#endif
