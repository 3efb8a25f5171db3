/* emergency: what /init does when boot cannot go on, decided from the config
 * alone. */
#ifndef SESAME_INIT_EMERGENCY_H
#define SESAME_INIT_EMERGENCY_H

#include <stdbool.h>

#include "init/cmdline.h"

#define EMERGENCY_SHELL_PATH "/bin/sh"

/*
 * The action for a failure: a console shell only when allowed (rd.shell,
 * or sesame.emergency=shell) and present, else what sesame.emergency or
 * rd.emergency asked for, else wait. Never returns EMERGENCY_DEFAULT.
 */
enum emergency_action emergency_decide(const struct boot_config *c,
				       bool shell_present);

/* A console shell for rd.break: only when rd.shell allows one. */
bool emergency_break_allowed(const struct boot_config *c, bool shell_present);

const char *emergency_action_name(enum emergency_action a);

#endif
