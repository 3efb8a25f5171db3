/* fuzz_luksworker: what an unlock worker (which parsed a hostile disk header)
 * sends back to /init, through the parser. */
#include <stdint.h>
#include <stdlib.h>

#include "sshd/luks_worker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct luks_worker_end end;
	struct luks_attempt a;

	if (size > LUKS_WORKER_MSG_MAX)
		return 0; /* /init reads no more than this */
	if (luks_worker_parse(data, size, &a, &end) < 0 || !end.have_result)
		return 0;
	/* What luks_attempt_finish() relies on. */
	if (a.n_devs > LUKS_MAX_DEVICES || a.n > a.n_devs)
		abort();
	for (unsigned i = 0; i < a.n; i++) {
		const struct luks_attempt_entry *e = &a.e[i];
		if (e->dev >= a.n_devs || e->outcome > LUKS_OUT_NO_MEMORY ||
		    e->keyslot < 0 || e->keyslot >= LUKS_KEYSLOT_MAX ||
		    e->error > 0 || e->error < -4095)
			abort();
		/* NO_MEMORY: nothing derived, and it did not fit. */
		if (e->outcome == LUKS_OUT_NO_MEMORY
			? e->kdf || e->need_mib <= e->avail_mib ||
			      (e->pbkdf != LUKS_PBKDF_ARGON2I &&
			       e->pbkdf != LUKS_PBKDF_ARGON2ID)
			: e->pbkdf || e->need_mib || e->avail_mib)
			abort();
	}
	return 0;
}
