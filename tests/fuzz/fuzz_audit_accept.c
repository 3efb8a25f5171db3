/* fuzz_audit_accept: the accept config (audit.conf) parser; every accepted
 * entry names a catalogued check and has a reason. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "common/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_report rep;

	log_set_max_level((enum log_level)0);
	audit_report_init(&rep);
	(void)audit_accept_parse(&rep, (const char *)data, size, "fuzz");
	for (size_t i = 0; i < rep.n_acc; i++)
		if (!audit_check_find(rep.acc[i].id) || !rep.acc[i].reason[0] ||
		    strchr(rep.acc[i].reason, '\n'))
			abort();
	audit_report_free(&rep);
	return 0;
}
