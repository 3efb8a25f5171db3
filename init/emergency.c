/* emergency: the decision table for failures and breaks. */
#include "init/emergency.h"

static bool emergency_shell_allowed(const struct boot_config *c)
{
	return c->shell || c->emergency == EMERGENCY_SHELL;
}

enum emergency_action emergency_decide(const struct boot_config *c,
				       bool shell_present)
{
	switch (c->emergency) {
	case EMERGENCY_REBOOT:
	case EMERGENCY_POWEROFF:
	case EMERGENCY_WAIT:
		return c->emergency;
	case EMERGENCY_SHELL:
	case EMERGENCY_DEFAULT:
		break;
	}
	if (emergency_shell_allowed(c) && shell_present)
		return EMERGENCY_SHELL;
	return EMERGENCY_WAIT;
}

bool emergency_break_allowed(const struct boot_config *c, bool shell_present)
{
	return emergency_shell_allowed(c) && shell_present;
}

const char *emergency_action_name(enum emergency_action a)
{
	switch (a) {
	case EMERGENCY_SHELL:
		return "shell";
	case EMERGENCY_REBOOT:
		return "reboot";
	case EMERGENCY_POWEROFF:
		return "poweroff";
	case EMERGENCY_WAIT:
	case EMERGENCY_DEFAULT:
		break;
	}
	return "wait";
}
