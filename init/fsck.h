/* fsck: which file systems get checked, how e2fsck is called, and what its exit
 * status means. */
#ifndef SESAME_INIT_FSCK_H
#define SESAME_INIT_FSCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "init/cmdline.h"

#define FSCK_PATH "/sbin/e2fsck"

enum fsck_verdict {
	FSCK_OK,	/* clean */
	FSCK_CORRECTED, /* errors corrected: go on, say so */
	FSCK_REBOOT,	/* corrected, the system should be rebooted */
	FSCK_FAILED,	/* left uncorrected or fsck itself failed: emergency */
};

/* True for the types e2fsck handles (ext2, ext3, ext4). */
bool fsck_wanted(const char *fstype, enum fsck_mode mode);

/*
 * Fills argv (at least 5 slots) for checking node: "-p" preens, answering
 * the safe fixes without a terminal (e2fsck(8)); "-f" with fsck.mode=force.
 */
void fsck_build_argv(const char *node, enum fsck_mode mode, const char *argv[],
		     size_t n);

#define FSCK_SB_OFFSET 1024
#define FSCK_SB_SIZE 1024

/*
 * Reads an ext2/3/4 superblock (the FSCK_SB_SIZE bytes at FSCK_SB_OFFSET)
 * and says whether `e2fsck -p` would find nothing to do, by the same
 * fields it looks at first: state valid and no errors, no journal to
 * replay, mount count below the maximum (when one is set), next check
 * interval not passed at now (seconds since the epoch). 1 clean, 0 needs
 * e2fsck, -EBADMSG if this is not an ext superblock.
 */
int fsck_ext_clean(const void *sb, size_t len, uint64_t now);

/*
 * Judges a wait(2) status of e2fsck per the exit codes in fsck(8): 0 ok,
 * 1 corrected, 2 reboot, 4 uncorrected, 8 operational error, 16 usage,
 * 32 cancelled, 128 shared library error; the worst bit set wins; death by
 * signal is a failure. *whyp gets a phrase for the log.
 */
enum fsck_verdict fsck_judge(int wstatus, const char **whyp);

#endif
