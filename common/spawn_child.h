/* spawn_child: what a forked child does before exec, shared by PID 1's
 * spawns (init/sys.c) and the host tool's (try/proc.c). */
#ifndef SESAME_COMMON_SPAWN_CHILD_H
#define SESAME_COMMON_SPAWN_CHILD_H

/*
 * Both run in a child between fork and exec and use only
 * async-signal-safe calls. spawn_child_reset_signals(): every signal back
 * to its default handler and none blocked (a parent may block the signals
 * its signalfd reads, and a mask is inherited across exec).
 * spawn_child_stdio(): fds 0-2 from stdio[] (-1: /dev/null); any of them
 * may be close-on-exec or sit in another's slot (stdio[1] == 0, say): all
 * are copied above 2 first. 0, or -1 when the child must not run
 * (_exit(127) then).
 */
void spawn_child_reset_signals(void);
int spawn_child_stdio(const int stdio[3]);

#endif
