/* test_image_modules: kmod indexes; module sets of a Debian kernel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "image/list.h"
#include "image/modules.h"

static const char *const no_config[] = {NULL};

static char tmpdir[64];

static int make_tmp(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_image_modules.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int rm_tmp(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) ? -1 : 0;
}

static void write_index(const char *name, const struct modindex_item *it,
			size_t n)
{
	char path[PATH_MAX], *buf;
	size_t len;

	assert_int_equal(modindex_build(it, n, &buf, &len), 0);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_int_equal(file_write_atomic(path, buf, len, 0644), 0);
	free(buf);
}

/* libkmod's own dumper reads back every key and value we wrote. */
static void index_reads_back_in_libkmod(void **state)
{
	static const struct modindex_item alias[] = {
	    {"crypto_crc32c", "crc32c_intel", 1},
	    {"crypto_crc32c", "crc32c_generic", 0},
	    {"crypto_crc32c_generic", "crc32c_generic", 2},
	    {"crc32c", "crc32c_generic", 3},
	    {"pci:v00001AF4d00001000sv*sd*bc*sc*i*", "virtio_pci", 4},
	    {"pci:v00008086d000010D3sv*sd*bc*sc*i*", "e1000e", 5},
	    {"c", "short", 6},
	};
	static const struct modindex_item dep[] = {
	    {"e1000e", "kernel/e1000e.ko:", 0},
	    {"virtio_pci", "kernel/virtio_pci.ko: kernel/virtio.ko", 1},
	    {"virtio", "kernel/virtio.ko:", 2},
	    {"crc32c_generic", "kernel/crc32c_generic.ko:", 3},
	    {"crc32c_intel", "kernel/crc32c-intel.ko:", 4},
	    {"short", "kernel/short.ko:", 5},
	};
	struct kmod_ctx *ctx;
	struct kmod_list *l = NULL, *it;
	char dump[PATH_MAX], *text;
	size_t len;
	FILE *f;
	int n = 0;

	(void)state;
	write_index("modules.alias.bin", alias, 7);
	write_index("modules.dep.bin", dep, 6);
	ctx = kmod_new(tmpdir, no_config);
	assert_non_null(ctx);
	kmod_set_log_priority(ctx, 0); /* the dep files do not exist */
	snprintf(dump, sizeof(dump), "%s/dump", tmpdir);
	f = fopen(dump, "w");
	assert_non_null(f);
	assert_int_equal(
	    kmod_dump_index(ctx, KMOD_INDEX_MODULES_ALIAS, fileno(f)), 0);
	fclose(f);
	assert_int_equal(file_read_all(dump, 1 << 20, &text, &len), 0);
	/* Sorted by key; a key's values by priority. */
	assert_string_equal(
	    text, "alias c short\n"
		  "alias crc32c crc32c_generic\n"
		  "alias crypto_crc32c crc32c_generic\n"
		  "alias crypto_crc32c crc32c_intel\n"
		  "alias crypto_crc32c_generic crc32c_generic\n"
		  "alias pci:v00001AF4d00001000sv*sd*bc*sc*i* virtio_pci\n"
		  "alias pci:v00008086d000010D3sv*sd*bc*sc*i* e1000e\n");
	free(text);

	/* Wildcard lookups, as the kernel's request_module() would do. */
	assert_int_equal(
	    kmod_module_new_from_lookup(
		ctx, "pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00",
		&l),
	    0);
	kmod_list_foreach(it, l)
	{
		struct kmod_module *m = kmod_module_get_module(it);
		assert_string_equal(kmod_module_get_name(m), "virtio_pci");
		assert_non_null(
		    strstr(kmod_module_get_path(m), "kernel/virtio_pci.ko"));
		kmod_module_unref(m);
		n++;
	}
	kmod_module_unref_list(l);
	assert_int_equal(n, 1);
	l = NULL;
	n = 0;
	assert_int_equal(kmod_module_new_from_lookup(ctx, "crypto-crc32c", &l),
			 0);
	kmod_list_foreach(it, l) n++;
	kmod_module_unref_list(l);
	assert_int_equal(n, 2);
	kmod_unref(ctx);
}

static void index_refuses_non_ascii(void **state)
{
	static const struct modindex_item bad[] = {{"caf\xc3\xa9", "x", 0}};
	static const struct modindex_item none[1] = {{"", "", 0}};
	char *buf;
	size_t len;

	(void)state;
	assert_int_equal(modindex_build(bad, 1, &buf, &len), -EINVAL);
	assert_int_equal(modindex_build(none, 0, &buf, &len), 0);
	assert_int_equal(len, 12); /* header only */
	free(buf);
}

/* ---- a real kernel tree ------------------------------------------------- */

static char kdir[2 * PATH_MAX]; /* .../lib/modules/KVER */
static char kver[256];

/* The Debian kernel tests/vm/fetch-kernel.sh leaves in the cache. */
static int find_kernel(void)
{
	const char *cache = getenv("SESAME_CACHE");
	const char *home = getenv("HOME");
	char base[PATH_MAX], mods[PATH_MAX + 512];
	struct dirent *de;
	DIR *d, *m;

	if (cache)
		snprintf(base, sizeof(base), "%s", cache);
	else
		snprintf(base, sizeof(base), "%s/.cache/sesame",
			 home ? home : "/root");
	if (!(d = opendir(base)))
		return -1;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "kernel-", 7))
			continue;
		snprintf(mods, sizeof(mods), "%s/%s/lib/modules", base,
			 de->d_name);
		if (!(m = opendir(mods)))
			continue;
		struct dirent *k;
		while ((k = readdir(m))) {
			if (k->d_name[0] == '.')
				continue;
			snprintf(kdir, sizeof(kdir), "%s/%s", mods, k->d_name);
			snprintf(kver, sizeof(kver), "%s", k->d_name);
			char dep[sizeof(kdir) + 16];
			snprintf(dep, sizeof(dep), "%s/modules.dep", kdir);
			if (access(dep, R_OK) == 0) {
				closedir(m);
				closedir(d);
				return 0;
			}
		}
		closedir(m);
	}
	closedir(d);
	return -1;
}

/*
 * Once per run: the cached kernel, fetched with tests/vm/fetch-kernel.sh
 * (apt-get download) when missing and the tests run from the source tree;
 * SESAME_NO_FETCH=1 keeps the tests offline (they skip instead).
 */
static int group_setup(void **state)
{
	const char *no = getenv("SESAME_NO_FETCH");

	(void)state;
	if (find_kernel() == 0)
		return 0;
	if ((!no || strcmp(no, "1")) &&
	    access("tests/vm/fetch-kernel.sh", X_OK) == 0 &&
	    system("tests/vm/fetch-kernel.sh >/dev/null") == 0)
		(void)find_kernel();
	return 0;
}

static const struct list_entry *find(const struct image_list *l,
				     const char *suffix)
{
	size_t sl = strlen(suffix);

	for (size_t i = 0; i < l->n; i++) {
		size_t nl = strlen(l->v[i].name);
		if (nl >= sl && !strcmp(l->v[i].name + nl - sl, suffix))
			return &l->v[i];
	}
	return NULL;
}

/* Position of a whole line in text, or -1. */
static long line_pos(const char *text, size_t len, const char *line)
{
	size_t ll = strlen(line);

	for (size_t i = 0; i + ll <= len; i++)
		if ((i == 0 || text[i - 1] == '\n') &&
		    !memcmp(text + i, line, ll) &&
		    (i + ll == len || text[i + ll] == '\n'))
			return (long)i;
	return -1;
}

static int add_set(struct image_list *l, const char *const *names, size_t n,
		   const char *const *generic, size_t ng)
{
	struct modules_req req = {.dir = kdir,
				  .kver = kver,
				  .fwdir = "/nonexistent",
				  .names = names,
				  .n_names = n,
				  .generic = generic,
				  .n_generic = ng};
	return modules_add(l, &req);
}

static void resolves_deps_softdeps_and_order(void **state)
{
	static const char *const names[] = {"ext4", "virtio-net", "raid456"};
	static const char *const generic[] = {"no_such_module_x"};
	struct image_list l;
	const struct list_entry *mods;
	const char *t;
	size_t len;

	(void)state;
	if (find_kernel() < 0)
		skip();
	list_init(&l);
	assert_int_equal(add_set(&l, names, 3, generic, 1), 0);
	assert_non_null(find(&l, "/kernel/fs/ext4/ext4.ko"));
	assert_non_null(find(&l, "/kernel/fs/jbd2/jbd2.ko"));
	/* ext4's softdep pre: crypto-crc32c */
	assert_non_null(find(&l, "/kernel/crypto/crc32c_generic.ko"));
	assert_non_null(find(&l, "/kernel/drivers/net/net_failover.ko"));
	assert_null(find(&l, "/kernel/fs/xfs/xfs.ko"));
	assert_non_null(find(&l, "/modules.dep.bin"));
	assert_non_null(find(&l, "/modules.alias.bin"));
	assert_non_null(find(&l, "/modules.builtin"));
	mods = find(&l, "/etc/sesame/modules");
	assert_non_null(mods);
	t = mods->data;
	len = mods->data_len;
	assert_true(line_pos(t, len, "crc32c_generic") >= 0);
	assert_true(line_pos(t, len, "crc32c_generic") <
		    line_pos(t, len, "ext4"));
	assert_true(line_pos(t, len, "jbd2") < line_pos(t, len, "ext4"));
	assert_true(line_pos(t, len, "virtio") <
		    line_pos(t, len, "virtio_net"));
	assert_true(line_pos(t, len, "md_mod") < line_pos(t, len, "raid456"));
	assert_true(line_pos(t, len, "raid6_pq") < line_pos(t, len, "raid456"));
	list_free(&l);
}

/*
 * Avail modules are in the image for coldplug and request_module() but not
 * in the boot's load list, unless a loaded module needs them.
 */
static void avail_modules_are_not_loaded(void **state)
{
	static const char *const names[] = {"dm_crypt"};
	static const char *const avail[] = {"xfs", "dm_mod", "virtio_net",
					    "no_such_module_x"};
	struct modules_req req = {.dir = kdir,
				  .kver = kver,
				  .fwdir = "/nonexistent",
				  .names = names,
				  .n_names = 1,
				  .avail = avail,
				  .n_avail = 4};
	struct image_list l;
	const struct list_entry *mods;

	(void)state;
	if (find_kernel() < 0)
		skip();
	list_init(&l);
	assert_int_equal(modules_add(&l, &req), 0);
	assert_non_null(find(&l, "/kernel/fs/xfs/xfs.ko"));
	assert_non_null(find(&l, "/kernel/drivers/net/virtio_net.ko"));
	mods = find(&l, "/etc/sesame/modules");
	assert_non_null(mods);
	assert_true(line_pos(mods->data, mods->data_len, "dm_crypt") >= 0);
	/* dm_crypt needs dm_mod: loaded although it is also in avail */
	assert_true(line_pos(mods->data, mods->data_len, "dm_mod") >= 0);
	assert_true(line_pos(mods->data, mods->data_len, "xfs") < 0);
	assert_true(line_pos(mods->data, mods->data_len, "virtio_net") < 0);
	assert_true(line_pos(mods->data, mods->data_len, "net_failover") < 0);
	list_free(&l);
}

/* The trimmed tree answers libkmod exactly as the full one does. */
static void trimmed_tree_matches_full_tree(void **state)
{
	static const char *const names[] = {"ext4", "virtio_net", "dm_crypt"};
	static const char *const check[] = {"ext4", "virtio_net", "dm_crypt",
					    "jbd2"};
	struct image_list l;
	struct kmod_ctx *full, *trim;
	char tdir[PATH_MAX];

	(void)state;
	if (find_kernel() < 0)
		skip();
	list_init(&l);
	assert_int_equal(add_set(&l, names, 3, NULL, 0), 0);
	/* The index files into tmpdir/KVER, and links to the modules
	 * (libkmod checks that a dependency's file exists). */
	snprintf(tdir, sizeof(tdir), "%s/%s", tmpdir, kver);
	assert_int_equal(mkdir(tdir, 0755), 0);
	for (size_t i = 0; i < l.n; i++) {
		const char *base = strrchr(l.v[i].name, '/') + 1;
		char p[PATH_MAX + 64];
		if (l.v[i].location && strstr(l.v[i].name, ".ko")) {
			const char *rel = strstr(l.v[i].name, "/kernel/");
			char cmd[3 * PATH_MAX];
			snprintf(p, sizeof(p), "%s%s", tdir, rel);
			snprintf(
			    cmd, sizeof(cmd),
			    "mkdir -p \"$(dirname '%s')\" && ln -s '%s' '%s'",
			    p, l.v[i].location, p);
			assert_int_equal(system(cmd), 0);
			continue;
		}
		if (!l.v[i].data || strncmp(base, "modules.", 8))
			continue;
		snprintf(p, sizeof(p), "%s/%s", tdir, base);
		assert_int_equal(
		    file_write_atomic(p, l.v[i].data, l.v[i].data_len, 0644),
		    0);
	}
	full = kmod_new(kdir, no_config);
	trim = kmod_new(tdir, no_config);
	assert_non_null(full);
	assert_non_null(trim);
	for (size_t i = 0; i < 4; i++) {
		struct kmod_module *a, *b;
		struct kmod_list *da, *db, *ia, *ib;
		assert_int_equal(kmod_module_new_from_name(full, check[i], &a),
				 0);
		assert_int_equal(kmod_module_new_from_name(trim, check[i], &b),
				 0);
		/* Same relative path, same dependency list, in order. */
		assert_non_null(kmod_module_get_path(b));
		assert_string_equal(kmod_module_get_path(a) + strlen(kdir),
				    kmod_module_get_path(b) + strlen(tdir));
		da = kmod_module_get_dependencies(a);
		db = kmod_module_get_dependencies(b);
		for (ia = da, ib = db; ia && ib;
		     ia = kmod_list_next(da, ia), ib = kmod_list_next(db, ib)) {
			struct kmod_module *ma = kmod_module_get_module(ia);
			struct kmod_module *mb = kmod_module_get_module(ib);
			assert_string_equal(kmod_module_get_name(ma),
					    kmod_module_get_name(mb));
			kmod_module_unref(ma);
			kmod_module_unref(mb);
		}
		assert_null(ia);
		assert_null(ib);
		kmod_module_unref_list(da);
		kmod_module_unref_list(db);
		kmod_module_unref(a);
		kmod_module_unref(b);
	}
	kmod_unref(full);
	kmod_unref(trim);
	list_free(&l);
}

static void unknown_and_builtin_and_omitted(void **state)
{
	static const char *const unknown[] = {"no_such_module_x"};
	static const char *const builtin[] = {"unix"};
	static const char *const gen[] = {"xfs", "btrfs"};
	static const char *const omit[] = {"btrfs"};
	struct modules_req req = {.dir = kdir, .kver = kver, .fwdir = "/x"};
	struct image_list l;

	(void)state;
	if (find_kernel() < 0)
		skip();
	list_init(&l);
	/* An explicit unknown module is an error. */
	assert_int_equal(add_set(&l, unknown, 1, NULL, 0), -ENOENT);
	list_free(&l);
	/* A built-in one is fine and adds no .ko. */
	list_init(&l);
	assert_int_equal(add_set(&l, builtin, 1, NULL, 0), 0);
	assert_null(find(&l, "/unix.ko"));
	list_free(&l);
	/* Omitted from the generic set. */
	list_init(&l);
	req.generic = gen;
	req.n_generic = 2;
	req.omit = omit;
	req.n_omit = 1;
	assert_int_equal(modules_add(&l, &req), 0);
	assert_non_null(find(&l, "/xfs.ko"));
	assert_null(find(&l, "/btrfs.ko"));
	list_free(&l);
	/* An unreadable module directory. */
	list_init(&l);
	req.dir = "/nonexistent/lib/modules/1.2.3";
	assert_int_equal(modules_add(&l, &req), -ENOENT);
	list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(index_reads_back_in_libkmod,
					    make_tmp, rm_tmp),
	    cmocka_unit_test(index_refuses_non_ascii),
	    cmocka_unit_test(resolves_deps_softdeps_and_order),
	    cmocka_unit_test(avail_modules_are_not_loaded),
	    cmocka_unit_test_setup_teardown(trimmed_tree_matches_full_tree,
					    make_tmp, rm_tmp),
	    cmocka_unit_test(unknown_and_builtin_and_omitted),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
