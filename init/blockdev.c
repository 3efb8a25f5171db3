/* blockdev: a fixed table of probed devices and a small type -> handler table.
 */
#include "init/blockdev.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/strutil.h"

#define BLOCKDEV_HANDLERS_MAX 8

struct blockdev_handler {
	char type[32];
	blockdev_type_fn fn;
	void *data;
};

static struct blockdev_handler handlers[BLOCKDEV_HANDLERS_MAX];


int blockdev_table_put(struct blockdev_table *t, const struct dev_props *p)
{
	for (unsigned i = 0; i < t->n; i++)
		if (strcmp(t->devs[i].name, p->name) == 0) {
			t->devs[i] = *p;
			return 0;
		}
	if (t->n >= BLOCKDEV_MAX)
		return -ENOSPC;
	t->devs[t->n++] = *p;
	return 0;
}

void blockdev_table_remove(struct blockdev_table *t, const char *name)
{
	for (unsigned i = 0; i < t->n; i++)
		if (strcmp(t->devs[i].name, name) == 0) {
			t->devs[i] = t->devs[--t->n];
			return;
		}
}

const struct dev_props *blockdev_table_find(const struct blockdev_table *t,
					    const struct spec *sp)
{
	for (unsigned i = 0; i < t->n; i++)
		if (spec_match(sp, &t->devs[i]))
			return &t->devs[i];
	return NULL;
}

void blockdev_table_describe(const struct blockdev_table *t, char *buf,
			     size_t n)
{
	size_t o = 0;

	if (n == 0)
		return;
	buf[0] = '\0';
	if (t->n == 0) {
		snprintf(buf, n, "none");
		return;
	}
	for (unsigned i = 0; i < t->n; i++) {
		const struct dev_props *d = &t->devs[i];
		int w = snprintf(
		    buf + o, n - o, "%s%s (%s%s%s%s%s%s%s)", i ? ", " : "",
		    d->name, d->type[0] ? d->type : "no file system",
		    d->uuid[0] ? " UUID=" : "", d->uuid,
		    d->label[0] ? " LABEL=" : "", d->label,
		    d->partuuid[0] ? " PARTUUID=" : "", d->partuuid);
		if (w < 0 || (size_t)w >= n - o) {
			if (n > 4)
				memcpy(buf + n - 4, "...", 4);
			return;
		}
		o += (size_t)w;
	}
}

int blockdev_handler_register(const char *type, blockdev_type_fn fn, void *data)
{
	for (unsigned i = 0; i < BLOCKDEV_HANDLERS_MAX; i++) {
		struct blockdev_handler *h = &handlers[i];
		if (h->fn && strcmp(h->type, type) != 0)
			continue;
		if (str_copy(h->type, sizeof(h->type), type) < 0)
			return -EINVAL;
		h->fn = fn;
		h->data = data;
		return 0;
	}
	return -ENOSPC;
}

int blockdev_dispatch(const struct dev_props *p)
{
	int r;

	for (unsigned i = 0; i < BLOCKDEV_HANDLERS_MAX; i++) {
		const struct blockdev_handler *h = &handlers[i];
		if (!h->fn || strcmp(h->type, p->type) != 0)
			continue;
		r = h->fn(p, h->data);
		return r < 0 ? r : 1;
	}
	return 0;
}
