/* hooks: the registered hooks, called in registration order (stop: reverse),
 * each with the context its start returned. */
#include "init/hooks.h"

#include <errno.h>

#include "common/log.h"

#define INIT_HOOKS_MAX 8

static const struct init_hook *hooks[INIT_HOOKS_MAX];
static bool hook_started[INIT_HOOKS_MAX];
static void *hook_ctx[INIT_HOOKS_MAX];
static unsigned n_hooks;

int init_hook_register(const struct init_hook *h)
{
	if (n_hooks >= INIT_HOOKS_MAX)
		return -ENOSPC;
	hooks[n_hooks++] = h;
	return 0;
}

void init_hooks_declare(struct boot_config *c)
{
	int r;

	for (unsigned i = 0; i < n_hooks; i++)
		if (hooks[i]->n_params &&
		    (r = boot_config_declare(c, hooks[i]->params,
					     hooks[i]->n_params)) < 0)
			log_warn_errno(r, "%s: parameters", hooks[i]->name);
}

void init_hooks_start(struct loop *l, const struct boot_config *cfg)
{
	for (unsigned i = 0; i < n_hooks; i++) {
		int r = 0;
		hook_ctx[i] = NULL;
		if (hooks[i]->start)
			r = hooks[i]->start(l, cfg, &hook_ctx[i]);
		if (r < 0)
			log_warn_errno(r, "%s: start", hooks[i]->name);
		hook_started[i] = r >= 0;
	}
}

void init_hooks_stop(void)
{
	for (unsigned i = n_hooks; i-- > 0;)
		if (hook_started[i]) {
			hook_started[i] = false;
			if (hooks[i]->stop)
				hooks[i]->stop(hook_ctx[i]);
		}
}

void init_hooks_emergency(const char *reason)
{
	for (unsigned i = 0; i < n_hooks; i++)
		if (hook_started[i] && hooks[i]->emergency)
			hooks[i]->emergency(hook_ctx[i], reason);
}
