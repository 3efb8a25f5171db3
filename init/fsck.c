/* fsck: the fsck(8) exit code table and e2fsck's command line. */
#include "init/fsck.h"

#include <string.h>
#include <sys/wait.h>

struct fsck_code {
	int bit;
	enum fsck_verdict verdict;
	const char *why;
};

/* Worst first: the first bit present decides. */
static const struct fsck_code fsck_codes[] = {
    {128, FSCK_FAILED, "shared library error"},
    {32, FSCK_FAILED, "checking cancelled by user request"},
    {16, FSCK_FAILED, "usage or syntax error"},
    {8, FSCK_FAILED, "operational error"},
    {4, FSCK_FAILED, "file system errors left uncorrected"},
    {2, FSCK_REBOOT, "errors corrected, system should be rebooted"},
    {1, FSCK_CORRECTED, "file system errors corrected"},
};

static const char *const fsck_types[] = {"ext2", "ext3", "ext4"};

bool fsck_wanted(const char *fstype, enum fsck_mode mode)
{
	if (mode == FSCK_SKIP || !fstype)
		return false;
	for (size_t i = 0; i < sizeof(fsck_types) / sizeof(fsck_types[0]); i++)
		if (strcmp(fstype, fsck_types[i]) == 0)
			return true;
	return false;
}

void fsck_build_argv(const char *node, enum fsck_mode mode, const char *argv[],
		     size_t n)
{
	size_t i = 0;

	if (n < 5)
		return;
	argv[i++] = FSCK_PATH;
	argv[i++] = "-p";
	if (mode == FSCK_FORCE)
		argv[i++] = "-f";
	argv[i++] = node;
	argv[i] = NULL;
}

enum fsck_verdict fsck_judge(int wstatus, const char **whyp)
{
	int code;

	if (WIFSIGNALED(wstatus)) {
		*whyp = "e2fsck was killed by a signal";
		return FSCK_FAILED;
	}
	if (!WIFEXITED(wstatus)) {
		*whyp = "e2fsck stopped abnormally";
		return FSCK_FAILED;
	}
	code = WEXITSTATUS(wstatus);
	for (size_t i = 0; i < sizeof(fsck_codes) / sizeof(fsck_codes[0]); i++)
		if (code & fsck_codes[i].bit) {
			*whyp = fsck_codes[i].why;
			return fsck_codes[i].verdict;
		}
	if (code != 0) {
		*whyp = "unknown exit status";
		return FSCK_FAILED;
	}
	*whyp = "clean";
	return FSCK_OK;
}
