/* fuzz_authkeys: authorized_keys text through the parser and renderer, with the
 * renderer's promises checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keys/authkeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char unlock_options[] =
    "command=\"" AUTHKEYS_UNLOCK_COMMAND "\",no-port-forwarding,"
    "no-agent-forwarding,no-X11-forwarding";

/* What we render must parse again to the same keys, unlock keys locked. */
static void fuzz_check_rendered(const struct authkeys *ak, const char *text,
				size_t len)
{
	struct authkeys *again = NULL;

	if (memchr(text, '\0', len) || memchr(text, '\r', len))
		abort();
	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		if (!nl || nl - p >= AUTHKEYS_RENDER_LINE_MAX)
			abort();
		p = nl + 1;
	}
	if (authkeys_parse(text, len, "rendered", NULL, &again) != 0 ||
	    authkeys_count(again) != authkeys_count(ak))
		abort();
	for (size_t i = 0; i < authkeys_count(ak); i++) {
		const struct authkeys_key *a = authkeys_get(ak, i);
		const struct authkeys_key *b = authkeys_get(again, i);
		if (a->blob_len != b->blob_len ||
		    memcmp(a->blob, b->blob, a->blob_len) != 0)
			abort();
		if (a->role == AUTHKEYS_ROLE_UNLOCK &&
		    (strncmp(a->options, unlock_options,
			     strlen(unlock_options)) != 0 ||
		     strcmp(a->options, b->options) != 0))
			abort();
	}
	authkeys_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct authkeys *ak = NULL;
	char *text = NULL;
	size_t len;

	log_set_max_level((enum log_level)0); /* quiet: errors are expected */
	if (authkeys_parse((const char *)data, size, "fuzz", NULL, &ak) == 0) {
		if (authkeys_render(ak, &text, &len) != 0)
			abort();
		fuzz_check_rendered(ak, text, len);
		free(text);
	}
	authkeys_free(ak);
	return 0;
}
