/* run: every check over one set of inputs. */
#include "audit/audit.h"

int audit_run(const struct audit_inputs *in, struct audit_report *r)
{
	audit_check_image_file(in, r);
	audit_check_image_content(in, r);
	audit_check_keys(in, r);
	audit_check_luks(in, r);
	audit_check_boot(in, r);
	audit_check_net(in, r);
	return r->error;
}
