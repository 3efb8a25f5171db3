/* cpio: writes an image list as a compressed newc archive or a staging tree. */
#ifndef SESAME_IMAGE_CPIO_H
#define SESAME_IMAGE_CPIO_H

#include <stdint.h>
#include <time.h>

#include "image/list.h"

enum cpio_compress {
	CPIO_ZSTD,
	CPIO_GZIP,
	CPIO_XZ,
	CPIO_LZ4,
	CPIO_NONE,
};

/* "zstd", "gzip", "xz", "lz4", "none" -> 0 and *c; else -EINVAL. */
int cpio_parse_compress(const char *s, enum cpio_compress *c);
const char *cpio_compress_name(enum cpio_compress c);

struct cpio_stats {
	size_t entries;
	uint64_t raw_bytes;   /* the uncompressed cpio */
	uint64_t image_bytes; /* what was written */
};

/* Called after each entry (for a progress line); may be NULL. */
typedef void (*cpio_progress_fn)(size_t done, size_t total, void *arg);

struct cpio_opts {
	enum cpio_compress compress;
	time_t mtime; /* every entry's mtime (SOURCE_DATE_EPOCH or 0) */
	cpio_progress_fn progress;
	void *progress_arg;
};

/*
 * Writes l (finished: see list_finish) to path as a newc cpio, mode 0600,
 * under a temporary name renamed into place only when complete. Entries
 * get inode numbers 1..n in list order, nlink 1 (2 for dirs), the list's
 * uid/gid and opts->mtime, so equal inputs give equal bytes. A source file
 * that is missing, not regular, or changes size while read is an error
 * naming it.
 */
int cpio_write_image(const struct image_list *l, const char *path,
		     const struct cpio_opts *opts, struct cpio_stats *st);

/*
 * Writes l as a directory tree under dir (created; it must not exist or be
 * empty) for CONFIG_INITRAMFS_SOURCE: directories, copies of files,
 * symlinks, and device nodes, fifos and sockets where the caller may make
 * them (root); otherwise -EPERM naming the entry.
 */
int cpio_write_tree(const struct image_list *l, const char *dir);

#endif
