/* cpio: the image list to bytes (newc via libarchive) or to a staging tree. */
#include "image/cpio.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"

#define CPIO_BUF_SIZE (256u << 10)

struct cpio_filter {
	const char *name;
	/* libarchive's own filter, or an external program for the formats
	 * whose kernel decoders need options libarchive cannot set. */
	int (*add)(struct archive *);
	const char *program;
	const char *options;
};

/*
 * xz: the kernel's decoder verifies CRC32 only (Documentation/staging/
 * xz.rst), libarchive writes CRC64. lz4: the kernel reads only the legacy
 * frame (lz4 -l), which libarchive cannot write. gzip: no timestamp in the
 * header, so builds are reproducible.
 */
static const struct cpio_filter cpio_filters[] = {
    [CPIO_ZSTD] = {"zstd", archive_write_add_filter_zstd, NULL,
		   "zstd:compression-level=3"},
    [CPIO_GZIP] = {"gzip", archive_write_add_filter_gzip, NULL,
		   "gzip:!timestamp,gzip:compression-level=9"},
    [CPIO_XZ] = {"xz", NULL, "xz --check=crc32 -6 -T1 -c", NULL},
    [CPIO_LZ4] = {"lz4", NULL, "lz4 -l -9 -c", NULL},
    [CPIO_NONE] = {"none", NULL, NULL, NULL},
};

int cpio_parse_compress(const char *s, enum cpio_compress *c)
{
	for (size_t i = 0; i < sizeof(cpio_filters) / sizeof(cpio_filters[0]);
	     i++)
		if (!strcmp(s, cpio_filters[i].name)) {
			*c = (enum cpio_compress)i;
			return 0;
		}
	return -EINVAL;
}

const char *cpio_compress_name(enum cpio_compress c)
{
	return cpio_filters[c].name;
}

static int cpio_archive_error(struct archive *a, const char *what)
{
	int e = archive_errno(a);

	log_err("%s: %s", what,
		archive_error_string(a) ? archive_error_string(a)
					: "libarchive error");
	return e > 0 ? -e : -EIO;
}

static int cpio_setup_filter(struct archive *a, enum cpio_compress c)
{
	const struct cpio_filter *f = &cpio_filters[c];

	if (f->add && f->add(a) != ARCHIVE_OK)
		return cpio_archive_error(a, f->name);
	if (f->program &&
	    archive_write_add_filter_program(a, f->program) != ARCHIVE_OK)
		return cpio_archive_error(a, f->program);
	if (f->options &&
	    archive_write_set_options(a, f->options) != ARCHIVE_OK)
		return cpio_archive_error(a, f->options);
	if (c == CPIO_ZSTD) {
		/* zstd's multi-threaded output is the same for any number of
		 * workers (>= 1), so using every CPU keeps builds
		 * reproducible across machines. */
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		char threads[16];
		snprintf(threads, sizeof(threads), "%ld",
			 n < 1	  ? 1
			 : n > 64 ? 64
				  : n);
		if (archive_write_set_filter_option(a, "zstd", "threads",
						    threads) != ARCHIVE_OK)
			return cpio_archive_error(a, "zstd threads");
	}
	return 0;
}

static mode_t cpio_type_bits(const struct list_entry *e)
{
	switch (e->type) {
	case LIST_FILE:
		return AE_IFREG;
	case LIST_DIR:
		return AE_IFDIR;
	case LIST_NOD:
		return e->dev_type == 'b' ? AE_IFBLK : AE_IFCHR;
	case LIST_SLINK:
		return AE_IFLNK;
	case LIST_PIPE:
		return AE_IFIFO;
	case LIST_SOCK:
		return AE_IFSOCK;
	}
	return 0;
}

/* Copies the file's bytes; its size must match the header already written. */
static int cpio_copy_data(struct archive *a, int fd, const char *src,
			  uint64_t size, char *buf)
{
	uint64_t done = 0;

	for (;;) {
		ssize_t n = read(fd, buf, CPIO_BUF_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return log_err_errno(-errno, "%s", src);
		if (n == 0)
			break;
		if ((uint64_t)n > size - done) {
			log_err("%s: grew while being read", src);
			return -EIO;
		}
		if (archive_write_data(a, buf, (size_t)n) != n)
			return cpio_archive_error(a, src);
		done += (uint64_t)n;
	}
	if (done != size) {
		log_err("%s: shrank while being read", src);
		return -EIO;
	}
	return 0;
}

static int cpio_write_entry(struct archive *a, struct archive_entry *ae,
			    const struct list_entry *e, size_t ino,
			    time_t mtime, char *buf)
{
	struct stat st;
	int fd = -1, r = 0;

	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, e->name + 1); /* no leading '/' */
	archive_entry_set_mode(ae, cpio_type_bits(e) | e->mode);
	archive_entry_set_uid(ae, e->uid);
	archive_entry_set_gid(ae, e->gid);
	archive_entry_set_mtime(ae, mtime, 0);
	archive_entry_set_ino64(ae, (la_int64_t)ino);
	archive_entry_set_nlink(ae, e->type == LIST_DIR ? 2 : 1);
	archive_entry_set_dev(ae, 0);
	archive_entry_set_size(ae, 0);
	if (e->type == LIST_NOD)
		archive_entry_set_rdev(ae, makedev(e->maj, e->min));
	if (e->type == LIST_SLINK)
		archive_entry_set_symlink(ae, e->location);
	if (e->type == LIST_FILE && !e->location) {
		archive_entry_set_size(ae, (la_int64_t)e->data_len);
		if (archive_write_header(a, ae) != ARCHIVE_OK ||
		    (e->data_len &&
		     archive_write_data(a, e->data, e->data_len) !=
			 (la_ssize_t)e->data_len))
			r = cpio_archive_error(a, e->name);
		goto out;
	}
	if (e->type == LIST_FILE) {
		fd = open(e->location, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			r = log_err_errno(-errno, "%s (for %s)", e->location,
					  e->name);
			goto out;
		}
		if (fstat(fd, &st) < 0) {
			r = log_err_errno(-errno, "%s", e->location);
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			log_err("%s (for %s): not a regular file", e->location,
				e->name);
			r = -EINVAL;
			goto out;
		}
		archive_entry_set_size(ae, st.st_size);
	}
	if (archive_write_header(a, ae) != ARCHIVE_OK) {
		r = cpio_archive_error(a, e->name);
		goto out;
	}
	if (fd >= 0)
		r = cpio_copy_data(a, fd, e->location, (uint64_t)st.st_size,
				   buf);
out:
	if (fd >= 0)
		close(fd);
	return r;
}

int cpio_write_image(const struct image_list *l, const char *path,
		     const struct cpio_opts *opts, struct cpio_stats *st)
{
	struct atomic_file af = {.fd = -1};
	struct archive *a = NULL;
	struct archive_entry *ae = NULL;
	char *buf = NULL;
	int r;

	if ((r = atomic_file_open(&af, path, 0600)) < 0) {
		log_err_errno(r, "%s", path);
		af.fd = -1;
		goto out;
	}
	a = archive_write_new();
	ae = archive_entry_new();
	buf = malloc(CPIO_BUF_SIZE);
	if (!a || !ae || !buf) {
		r = -ENOMEM;
		goto out;
	}
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK) {
		r = cpio_archive_error(a, "newc");
		goto out;
	}
	if ((r = cpio_setup_filter(a, opts->compress)) < 0)
		goto out;
	/* No padding to 10 KiB blocks: the kernel needs none. */
	archive_write_set_bytes_per_block(a, 1 << 20);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open_fd(a, af.fd) != ARCHIVE_OK) {
		r = cpio_archive_error(a, path);
		goto out;
	}
	for (size_t i = 0; i < l->n; i++) {
		if ((r = cpio_write_entry(a, ae, &l->v[i], i + 1, opts->mtime,
					  buf)) < 0)
			goto out;
		if (opts->progress)
			opts->progress(i + 1, l->n, opts->progress_arg);
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		r = cpio_archive_error(a, path);
		goto out;
	}
	st->entries = l->n;
	/* Filter 0 takes the format's bytes; -1 writes the file. */
	st->raw_bytes = (uint64_t)archive_filter_bytes(a, 0);
	st->image_bytes = (uint64_t)archive_filter_bytes(a, -1);
	if ((r = atomic_file_commit(&af)) < 0)
		log_err_errno(r, "%s", path);
out:
	if (r < 0)
		atomic_file_abort(&af);
	archive_write_free(a);
	archive_entry_free(ae);
	free(buf);
	return r;
}

/* ---- staging tree ------------------------------------------------------- */

static int cpio_copy_file(const char *src, const char *dst, unsigned mode)
{
	char *buf = NULL;
	size_t len;
	int r;

	/* Initramfs members are small; a whole-file read keeps this simple. */
	if ((r = file_read_all(src, 1u << 30, &buf, &len)) < 0)
		return log_err_errno(r, "%s", src);
	r = file_write_atomic(dst, buf, len, mode);
	free(buf);
	return r;
}

static int cpio_tree_entry(const struct list_entry *e, const char *dir)
{
	char p[PATH_MAX];
	mode_t type = 0;
	int r = 0;

	if (snprintf(p, sizeof(p), "%s%s", dir, e->name) >= (int)sizeof(p))
		return log_err_errno(-ENAMETOOLONG, "%s%s", dir, e->name);
	switch (e->type) {
	case LIST_DIR:
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return log_err_errno(-errno, "%s", p);
		break;
	case LIST_FILE:
		if (!e->location)
			r = file_write_atomic(p, e->data, e->data_len, e->mode);
		else
			r = cpio_copy_file(e->location, p, e->mode);
		if (r < 0)
			return log_err_errno(r, "%s", p);
		break;
	case LIST_SLINK:
		if (symlink(e->location, p) < 0)
			return log_err_errno(-errno, "%s", p);
		return 0; /* a symlink's mode is not its own */
	case LIST_NOD:
		type = e->dev_type == 'b' ? S_IFBLK : S_IFCHR;
		break;
	case LIST_PIPE:
		type = S_IFIFO;
		break;
	case LIST_SOCK:
		type = S_IFSOCK;
		break;
	}
	if (type && mknod(p, type | 0600, makedev(e->maj, e->min)) < 0) {
		r = -errno;
		log_err_errno(r,
			      "%s: cannot make this node (run as root, or "
			      "use 'sesame build --list' as the "
			      "CONFIG_INITRAMFS_SOURCE list instead)",
			      e->name);
		return r;
	}
	if (chmod(p, e->mode) < 0)
		return log_err_errno(-errno, "%s", p);
	if (geteuid() == 0 && lchown(p, e->uid, e->gid) < 0)
		return log_err_errno(-errno, "%s", p);
	return 0;
}

int cpio_write_tree(const struct image_list *l, const char *dir)
{
	int r;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return log_err_errno(-errno, "%s", dir);
	if (rmdir(dir) < 0)
		return log_err_errno(-errno, "%s: must be empty or not exist",
				     dir);
	if (mkdir(dir, 0755) < 0)
		return log_err_errno(-errno, "%s", dir);
	for (size_t i = 0; i < l->n; i++)
		if ((r = cpio_tree_entry(&l->v[i], dir)) < 0)
			return r;
	return 0;
}
