/* fsck: the fsck(8) exit code table and e2fsck's command line. */
#include "init/fsck.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include "common/cursor.h"

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

/* ext2 superblock fields (include/linux/ext2_fs.h, e2fsprogs ext2_fs.h). */
#define EXT_MAGIC 0xEF53
#define EXT_STATE_VALID 0x0001
#define EXT_STATE_ERROR 0x0002
#define EXT_INCOMPAT_RECOVER 0x0004

static uint16_t le16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int fsck_ext_clean(const void *sb, size_t len, uint64_t now)
{
	struct cursor c = cursor_make(sb, len);
	uint8_t f[0x64];
	uint16_t mnt, state;
	int16_t max_mnt;
	uint32_t lastcheck, interval, incompat;

	/* Everything up to s_feature_incompat (0x60, 4 bytes). */
	if (cursor_copy(&c, f, sizeof(f)) < 0)
		return -EBADMSG;
	if (le16_at(f + 0x38) != EXT_MAGIC)
		return -EBADMSG;
	mnt = le16_at(f + 0x34);
	max_mnt = (int16_t)le16_at(f + 0x36);
	state = le16_at(f + 0x3a);
	lastcheck = le32_at(f + 0x40);
	interval = le32_at(f + 0x44);
	incompat = le32_at(f + 0x60);
	if (!(state & EXT_STATE_VALID) || (state & EXT_STATE_ERROR))
		return 0;
	if (incompat & EXT_INCOMPAT_RECOVER)
		return 0;
	if (max_mnt > 0 && mnt >= (uint16_t)max_mnt)
		return 0;
	if (interval && now >= (uint64_t)lastcheck + interval)
		return 0;
	/* A last check in the future: e2fsck fixes the time; let it. */
	if (now && lastcheck > now + 86400)
		return 0;
	return 1;
}
