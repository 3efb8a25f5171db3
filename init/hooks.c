/* hooks: the registered hooks, called in registration order. */
#include "init/hooks.h"

#include <errno.h>

#include "common/log.h"

#define INIT_HOOKS_MAX 8

static const struct init_hook *hooks[INIT_HOOKS_MAX];
static bool hook_started[INIT_HOOKS_MAX];
static unsigned n_hooks;

int init_hook_register(const struct init_hook *h)
{
	if (n_hooks >= INIT_HOOKS_MAX)
		return -ENOSPC;
	hooks[n_hooks++] = h;
	return 0;
}

void init_hooks_start(struct loop *l, const struct boot_config *cfg)
{
	for (unsigned i = 0; i < n_hooks; i++) {
		int r = 0;
		if (hooks[i]->start)
			r = hooks[i]->start(l, cfg);
		if (r < 0)
			log_warn_errno(r, "%s: start", hooks[i]->name);
		hook_started[i] = r >= 0;
	}
}

void init_hooks_stop(void)
{
	for (unsigned i = n_hooks; i-- > 0;)
		if (hook_started[i] && hooks[i]->stop) {
			hooks[i]->stop();
			hook_started[i] = false;
		}
}

void init_hooks_emergency(const char *reason)
{
	for (unsigned i = 0; i < n_hooks; i++)
		if (hook_started[i] && hooks[i]->emergency)
			hooks[i]->emergency(reason);
}
