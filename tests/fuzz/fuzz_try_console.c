/* fuzz_try_console: console bytes (untrusted: a guest prints them) through
 * the line splitter and parser of `sesame try`, fields checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "try/console.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct try_event *ev, void *arg)
{
	(void)arg;
	if (ev->type == TRY_EV_NONE || ev->type > TRY_EV_MODULE_FAIL)
		abort();
	if (strnlen(ev->a, sizeof(ev->a)) == sizeof(ev->a) ||
	    strnlen(ev->b, sizeof(ev->b)) == sizeof(ev->b) ||
	    strnlen(ev->text, sizeof(ev->text)) == sizeof(ev->text))
		abort();
	for (const char *p = ev->text; *p; p++)
		if ((unsigned char)*p < 0x20)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct try_console c;
	size_t half = size / 2;

	try_console_init(&c);
	try_console_feed(&c, (const char *)data, half, check, NULL);
	try_console_feed(&c, (const char *)data + half, size - half, check,
			 NULL);
	try_console_feed(&c, "\n", 1, check, NULL);
	return 0;
}
