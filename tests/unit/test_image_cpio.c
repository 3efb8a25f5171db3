/* test_image_cpio: images in every compression, read back; segments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "image/cpio.h"
#include "image/imgread.h"
#include "image/list.h"

struct fixture {
	char dir[64];
	char src[128]; /* a host file with known content */
	struct image_list l;
};

static const char content[] = "#!/bin/sh\necho hello\n";

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test_image_cpio.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->src, sizeof(f->src), "%s/src", f->dir);
	if (file_write_atomic(f->src, content, strlen(content), 0644) < 0)
		return -1;
	list_init(&f->l);
	if (list_add_dir(&f->l, "/bin", 0755) < 0 ||
	    list_add_file(&f->l, "/bin/hello", f->src, 0755) < 0 ||
	    list_add_slink(&f->l, "/bin/sh", "hello") < 0 ||
	    list_add_nod(&f->l, "/dev/console", 0600, 'c', 5, 1) < 0 ||
	    list_add_data(&f->l, "/etc/sesame/boot.conf", "a=b\n", 4, 0644) <
		0 ||
	    list_finish(&f->l) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	list_free(&f->l);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

struct seen {
	unsigned segments, entries;
	char filters[4][16];
	int hello_ok, sh_ok, console_ok, conf_ok, inos_ok;
	uint32_t last_ino;
	uint32_t mtime;
};

static int seen_segment(const struct imgread_segment *s, void *arg)
{
	struct seen *sn = arg;

	if (sn->segments < 4)
		snprintf(sn->filters[sn->segments], 16, "%s", s->filter);
	sn->segments++;
	return 0;
}

static int seen_entry(const struct newc_entry *e, void *arg)
{
	struct seen *sn = arg;

	sn->entries++;
	sn->mtime = e->mtime;
	if (e->ino == sn->last_ino + 1)
		sn->inos_ok++;
	sn->last_ino = e->ino;
	if (!strcmp(e->name, "bin/hello"))
		sn->hello_ok = e->mode == 0100755 && e->uid == 0 &&
			       e->filesize == strlen(content) &&
			       !memcmp(e->data, content, strlen(content));
	if (!strcmp(e->name, "bin/sh"))
		sn->sh_ok = e->mode == 0120777 && e->filesize == 5 &&
			    !memcmp(e->data, "hello", 5);
	if (!strcmp(e->name, "dev/console"))
		sn->console_ok =
		    e->mode == 020600 && e->rdevmajor == 5 && e->rdevminor == 1;
	if (!strcmp(e->name, "etc/sesame/boot.conf"))
		sn->conf_ok = e->filesize == 4 && !memcmp(e->data, "a=b\n", 4);
	return 0;
}

static int read_image(const char *path, struct seen *sn)
{
	struct imgread_ops ops = {.segment = seen_segment, .entry = seen_entry};
	char *buf;
	size_t len;
	int r;

	memset(sn, 0, sizeof(*sn));
	if ((r = file_read_all(path, 1u << 30, &buf, &len)) < 0)
		return r;
	r = imgread_walk((const uint8_t *)buf, len, path, &ops, sn);
	free(buf);
	return r;
}

static void write_and_read(struct fixture *f, enum cpio_compress c,
			   const char *filter)
{
	struct cpio_opts o = {.compress = c, .mtime = 1700000000};
	struct cpio_stats st;
	struct seen sn;
	struct stat s;
	char out[128];

	snprintf(out, sizeof(out), "%s/img.%s", f->dir, cpio_compress_name(c));
	assert_int_equal(cpio_write_image(&f->l, out, &o, &st), 0);
	assert_int_equal(stat(out, &s), 0);
	assert_int_equal(s.st_mode & 07777, 0600);
	assert_int_equal(st.entries, f->l.n);
	assert_int_equal(st.image_bytes, (uint64_t)s.st_size);
	assert_int_equal(read_image(out, &sn), 0);
	assert_int_equal(sn.segments, 1);
	assert_string_equal(sn.filters[0], filter);
	assert_int_equal(sn.entries, f->l.n);
	assert_int_equal(sn.inos_ok, f->l.n);
	assert_int_equal(sn.mtime, 1700000000);
	assert_true(sn.hello_ok);
	assert_true(sn.sh_ok);
	assert_true(sn.console_ok);
	assert_true(sn.conf_ok);
}

static void every_compression_reads_back(void **state)
{
	struct fixture *f = *state;

	write_and_read(f, CPIO_NONE, "none");
	write_and_read(f, CPIO_ZSTD, "zstd");
	write_and_read(f, CPIO_GZIP, "gzip");
	write_and_read(f, CPIO_XZ, "xz");
	write_and_read(f, CPIO_LZ4, "lz4");
}

static void same_inputs_same_bytes(void **state)
{
	struct fixture *f = *state;
	struct cpio_opts o = {.compress = CPIO_GZIP};
	struct cpio_stats st;
	char a[128], b[128];
	char *ba, *bb;
	size_t la, lb;

	snprintf(a, sizeof(a), "%s/a", f->dir);
	snprintf(b, sizeof(b), "%s/b", f->dir);
	assert_int_equal(cpio_write_image(&f->l, a, &o, &st), 0);
	/* The source's own mtime must not leak into the image. */
	assert_int_equal(utimes(f->src, NULL), 0);
	sleep(1);
	assert_int_equal(cpio_write_image(&f->l, b, &o, &st), 0);
	assert_int_equal(file_read_all(a, 1u << 20, &ba, &la), 0);
	assert_int_equal(file_read_all(b, 1u << 20, &bb, &lb), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(ba, bb, la);
	free(ba);
	free(bb);
}

static int dir_count(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || strlen(de->d_name) > 2)
			n++;
	closedir(d);
	return n;
}

static void failed_write_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct cpio_opts o = {.compress = CPIO_ZSTD};
	struct cpio_stats st;
	struct image_list l;
	char out[128];
	int before = dir_count(f->dir);

	list_init(&l);
	assert_int_equal(list_add_file(&l, "/a", f->src, 0644), 0);
	assert_int_equal(list_add_file(&l, "/b", "/nonexistent/x", 0644), 0);
	assert_int_equal(list_finish(&l), 0);
	snprintf(out, sizeof(out), "%s/out", f->dir);
	assert_int_equal(cpio_write_image(&l, out, &o, &st), -ENOENT);
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(dir_count(f->dir), before); /* no temporary left */
	list_free(&l);

	/* A directory as a file source, and an unwritable output. */
	list_init(&l);
	assert_int_equal(list_add_file(&l, "/a", f->dir, 0644), 0);
	assert_int_equal(cpio_write_image(&l, out, &o, &st), -EINVAL);
	list_free(&l);
	assert_true(cpio_write_image(&f->l, "/nonexistent/dir/img", &o, &st) <
		    0);
}

static void concatenated_segments(void **state)
{
	struct fixture *f = *state;
	struct cpio_opts none = {.compress = CPIO_NONE};
	struct cpio_opts zstd = {.compress = CPIO_ZSTD};
	struct cpio_stats st;
	char early[128], main_[128], cat[128];
	char *be, *bm, *all;
	size_t le, lm;
	struct seen sn;

	snprintf(early, sizeof(early), "%s/early", f->dir);
	snprintf(main_, sizeof(main_), "%s/main", f->dir);
	snprintf(cat, sizeof(cat), "%s/cat", f->dir);
	assert_int_equal(cpio_write_image(&f->l, early, &none, &st), 0);
	assert_int_equal(cpio_write_image(&f->l, main_, &zstd, &st), 0);
	assert_int_equal(file_read_all(early, 1u << 20, &be, &le), 0);
	assert_int_equal(file_read_all(main_, 1u << 20, &bm, &lm), 0);
	/* early + early + 512 zero bytes of padding + zstd main */
	all = calloc(1, 2 * le + 512 + lm);
	assert_non_null(all);
	memcpy(all, be, le);
	memcpy(all + le, be, le);
	memcpy(all + 2 * le + 512, bm, lm);
	assert_int_equal(file_write_atomic(cat, all, 2 * le + 512 + lm, 0600),
			 0);
	assert_int_equal(read_image(cat, &sn), 0);
	assert_int_equal(sn.segments, 3);
	assert_string_equal(sn.filters[0], "none");
	assert_string_equal(sn.filters[1], "none");
	assert_string_equal(sn.filters[2], "zstd");
	assert_int_equal(sn.entries, 3 * f->l.n);

	/* Truncated anywhere: an error, never a short listing. */
	for (size_t cut = 1; cut < 2 * le + 512 + lm; cut += 97) {
		struct imgread_ops ops = {.entry = seen_entry};
		int r;
		/* Cuts inside the padding leave two complete segments. */
		if (cut >= 2 * le && cut <= 2 * le + 512)
			continue;
		r = imgread_walk((const uint8_t *)all, cut, "cut", &ops, &sn);
		if (r != -EBADMSG)
			fail_msg("cut at %zu of %zu: %d", cut,
				 2 * le + 512 + lm, r);
	}
	free(all);
	free(be);
	free(bm);
}

static void hostile_images(void **state)
{
	struct imgread_ops ops = {.entry = seen_entry};
	struct seen sn;
	uint8_t zeros[1024] = {0};
	/* A header whose name size runs past the end. */
	const char big_name[] = "070701"
				"00000001000081a4000000000000000000000001"
				"0000000000000004000000000000000000000000"
				"00000000ffffffff00000000";
	/* A header with a non-hex digit. */
	const char bad_hex[] = "070701"
			       "0000000g000081a4000000000000000000000001"
			       "0000000000000004000000000000000000000000"
			       "000000000000000200000000x";
	/* A file size far past the end. */
	const char big_file[] = "070701"
				"00000001000081a4000000000000000000000001"
				"00000000ffffff00000000000000000000000000"
				"000000000000000200000000x\0\0\0";
	const char junk[] = "this is not an image at all";

	(void)state;
	assert_int_equal(imgread_walk(zeros, 0, "empty", &ops, &sn), -EBADMSG);
	assert_int_equal(imgread_walk(zeros, sizeof(zeros), "zeros", &ops, &sn),
			 -EBADMSG);
	assert_int_equal(imgread_walk((const uint8_t *)big_name,
				      sizeof(big_name) - 1, "n", &ops, &sn),
			 -EBADMSG);
	assert_int_equal(imgread_walk((const uint8_t *)bad_hex,
				      sizeof(bad_hex) - 1, "h", &ops, &sn),
			 -EBADMSG);
	assert_int_equal(imgread_walk((const uint8_t *)big_file,
				      sizeof(big_file) - 1, "f", &ops, &sn),
			 -EBADMSG);
	assert_int_equal(imgread_walk((const uint8_t *)junk, sizeof(junk) - 1,
				      "junk", &ops, &sn),
			 -EBADMSG);
}

/* An image made by other tools: GNU cpio + the zstd program, as
 * distributions build theirs; and the kernel's own "." entry. */
static void reads_foreign_images(void **state)
{
	struct fixture *f = *state;
	char cmd[1024], img[128];
	struct seen sn;

	if (system("command -v cpio >/dev/null && command -v zstd >/dev/null"))
		skip();
	snprintf(img, sizeof(img), "%s/foreign.img", f->dir);
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd '%s'; mkdir -p e/kernel/x86/microcode m/bin; "
		 "echo ucode > e/kernel/x86/microcode/GenuineIntel.bin; "
		 "cp src m/bin/hello; ln -s hello m/bin/sh; "
		 "(cd e && find . | sort | cpio -o -H newc --quiet) > '%s'; "
		 "(cd m && find . | sort | cpio -o -H newc --quiet) | "
		 "zstd -q -c >> '%s'",
		 f->dir, img, img);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(read_image(img, &sn), 0);
	assert_int_equal(sn.segments, 2);
	assert_string_equal(sn.filters[1], "zstd");
	assert_int_equal(sn.entries, 5 + 4); /* "." included in each */
	assert_true(sn.sh_ok);
}

/* A Debian mkinitramfs image, when `make bench` has left one. */
static void reads_mkinitramfs_image(void **state)
{
	const char *home = getenv("HOME");
	char path[512];
	struct seen sn;

	(void)state;
	snprintf(path, sizeof(path), "%s/.cache/sesame/bench/mkinitramfs.img",
		 home ? home : "/root");
	if (access(path, R_OK) < 0)
		skip();
	assert_int_equal(read_image(path, &sn), 0);
	assert_true(sn.segments >= 1);
	assert_true(sn.entries > 100);
}

static void staging_tree(void **state)
{
	struct fixture *f = *state;
	char tree[128], p[256], link[64];
	char *buf;
	size_t len;
	struct stat st;
	ssize_t n;

	snprintf(tree, sizeof(tree), "%s/tree", f->dir);
	if (geteuid() != 0) {
		/* Nodes need root: refused, naming the entry. */
		assert_int_equal(cpio_write_tree(&f->l, tree), -EPERM);
		skip();
	}
	assert_int_equal(cpio_write_tree(&f->l, tree), 0);
	snprintf(p, sizeof(p), "%s/bin/hello", tree);
	assert_int_equal(file_read_all(p, 4096, &buf, &len), 0);
	assert_int_equal(len, strlen(content));
	free(buf);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	snprintf(p, sizeof(p), "%s/bin/sh", tree);
	n = readlink(p, link, sizeof(link));
	assert_int_equal(n, 5);
	snprintf(p, sizeof(p), "%s/dev/console", tree);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	/* A non-empty directory is refused. */
	assert_true(cpio_write_tree(&f->l, tree) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(every_compression_reads_back, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(same_inputs_same_bytes, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(failed_write_leaves_nothing, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(concatenated_segments, setup,
					    teardown),
	    cmocka_unit_test(hostile_images),
	    cmocka_unit_test_setup_teardown(reads_foreign_images, setup,
					    teardown),
	    cmocka_unit_test(reads_mkinitramfs_image),
	    cmocka_unit_test_setup_teardown(staging_tree, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
