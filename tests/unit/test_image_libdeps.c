/* test_image_libdeps: library resolution in fake sysroots and on this machine,
 * ldd as the oracle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "image/libdeps.h"

#include "test_image_elf_builder.c"

#define T "x86_64-linux-gnu"
#define INTERP "/lib64/ld-linux-x86-64.so.2"

/* A fake sysroot under /tmp, removed after each test. */
struct tree {
	char root[64];
};

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->root, "/tmp/sesame-libdeps-XXXXXX");
	if (!mkdtemp(t->root))
		return -1;
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

/* mkdir -p of path's parent inside the tree. */
static void tree_mkparents(const struct tree *t, const char *path)
{
	char full[2 * PATH_MAX];

	snprintf(full, sizeof(full), "%s%s", t->root, path);
	for (char *p = full + strlen(t->root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(full, 0755);
		*p = '/';
	}
}

static void tree_write(const struct tree *t, const char *path, const void *buf,
		       size_t len)
{
	char full[2 * PATH_MAX];

	tree_mkparents(t, path);
	snprintf(full, sizeof(full), "%s%s", t->root, path);
	assert_int_equal(file_write_atomic(full, buf, len, 0755), 0);
}

static void tree_symlink(const struct tree *t, const char *path,
			 const char *target)
{
	char full[2 * PATH_MAX];

	tree_mkparents(t, path);
	snprintf(full, sizeof(full), "%s%s", t->root, path);
	assert_int_equal(symlink(target, full), 0);
}

/* An x86_64 ELF object at path needing the NULL-terminated names. */
static void tree_elf(const struct tree *t, const char *path,
		     const struct tb_spec *s)
{
	struct tb_elf e;

	tb_build(s, &e);
	tree_write(t, path, e.buf, e.len);
	tb_free(&e);
}

static void tree_lib(const struct tree *t, const char *path, const char *n1,
		     const char *n2)
{
	struct tb_spec s = {
	    .is64 = 1, .machine = EM_X86_64, .needed = {n1, n2}};
	tree_elf(t, path, &s);
}

/* A Debian-like base: ld.so behind /lib64, libc in /usr/lib/T (usrmerge). */
static void tree_base(const struct tree *t)
{
	tree_lib(t, "/usr/lib/" T "/ld-linux-x86-64.so.2", NULL, NULL);
	tree_lib(t, "/usr/lib/" T "/libc.so.6", "ld-linux-x86-64.so.2", NULL);
	tree_symlink(t, "/lib", "usr/lib");
	tree_symlink(t, "/lib64", "usr/lib64");
	/* absolute, as Debian ships it: must be re-rooted at the sysroot */
	tree_symlink(t, "/usr/lib64/ld-linux-x86-64.so.2",
		     "/lib/" T "/ld-linux-x86-64.so.2");
}

static struct tb_spec app_spec(const char *n1, const char *n2)
{
	struct tb_spec s = {.is64 = 1, .machine = EM_X86_64, .interp = INTERP};
	size_t i = 0;

	if (n1)
		s.needed[i++] = n1;
	if (n2)
		s.needed[i++] = n2;
	s.needed[i] = "libc.so.6";
	return s;
}

/* The entries as "f PATH" / "l PATH -> TARGET" lines, for comparing. */
static char *entries_text(const struct tree *t, const struct libdeps *ld)
{
	static struct libdeps_entry e;
	size_t cap = 1 << 16, n = 0;
	char *s = calloc(1, cap);

	assert_non_null(s);
	for (size_t i = 0; i < libdeps_count(ld); i++) {
		assert_int_equal(libdeps_get(ld, i, &e), 0);
		if (e.is_symlink) {
			assert_string_equal(e.source, "");
			n += (size_t)snprintf(s + n, cap - n, "l %s -> %s\n",
					      e.path, e.target);
		} else {
			/* the source is the file under the sysroot */
			assert_int_equal(
			    strncmp(e.source, t->root, strlen(t->root)), 0);
			assert_string_equal(e.source + strlen(t->root), e.path);
			assert_string_equal(e.target, "");
			n += (size_t)snprintf(s + n, cap - n, "f %s\n", e.path);
		}
		assert_true(n < cap);
	}
	assert_int_equal(libdeps_get(ld, libdeps_count(ld), &e), -ERANGE);
	return s;
}

static void check_entries(const struct tree *t, const struct libdeps *ld,
			  const char *want)
{
	char *have = entries_text(t, ld);

	if (strcmp(have, want) != 0)
		print_error("have:\n%swant:\n%s", have, want);
	assert_string_equal(have, want);
	free(have);
}

/* Runs add_binary with stderr captured into msg. */
static int add_capturing(struct libdeps *ld, const char *path, char *msg,
			 size_t size)
{
	char name[] = "/tmp/sesame-libdeps-log-XXXXXX";
	int fd = mkstemp(name), saved = dup(STDERR_FILENO), r;
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	r = libdeps_add_binary(ld, path);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, msg, size - 1, 0);
	msg[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(name);
	return r;
}

static struct libdeps *new_ld(const struct tree *t)
{
	struct libdeps *ld = NULL;

	assert_int_equal(libdeps_new(t->root, &ld), 0);
	return ld;
}

#define BASE_ENTRIES                                                           \
	"f /usr/lib/" T "/ld-linux-x86-64.so.2\n"                              \
	"l /lib64/ld-linux-x86-64.so.2 -> ../usr/lib/" T                       \
	"/ld-linux-x86-64.so.2\n"

static void usrmerge_layout(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libfoo.so.1", NULL);
	struct libdeps *ld;

	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_lib(t, "/usr/lib/" T "/libfoo.so.1.2.3", "libc.so.6", NULL);
	tree_symlink(t, "/usr/lib/" T "/libfoo.so.1", "libfoo.so.1.2.3");
	ld = new_ld(t);
	/* via /bin -> usr/bin would resolve the same */
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	check_entries(t, ld,
		      BASE_ENTRIES "f /usr/lib/" T "/libfoo.so.1.2.3\n"
				   "l /usr/lib/" T
				   "/libfoo.so.1 -> libfoo.so.1.2.3\n"
				   "f /usr/lib/" T "/libc.so.6\n");
	libdeps_free(ld);
}

static void split_usr_layout(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec(NULL, NULL);
	struct libdeps *ld;

	/* No usrmerge: /lib/T is a real directory, /lib64 holds a link. */
	tree_lib(t, "/lib/" T "/ld-linux-x86-64.so.2", NULL, NULL);
	tree_lib(t, "/lib/" T "/libc.so.6", NULL, NULL);
	tree_symlink(t, INTERP, "/lib/" T "/ld-linux-x86-64.so.2");
	tree_elf(t, "/bin/app", &app);
	ld = new_ld(t);
	assert_int_equal(libdeps_add_binary(ld, "/bin/app"), 0);
	check_entries(t, ld,
		      "f /lib/" T "/ld-linux-x86-64.so.2\n"
		      "l /lib64/ld-linux-x86-64.so.2 -> ../lib/" T
		      "/ld-linux-x86-64.so.2\n"
		      "f /lib/" T "/libc.so.6\n");
	libdeps_free(ld);
}

/* A Fedora-like tree: ld.so and libc in /usr/lib64, /lib64 -> usr/lib64. */
static void lib64_layout(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libfoo.so.1", NULL);
	struct libdeps *ld;
	char root[128];

	tree_lib(t, "/usr/lib64/ld-linux-x86-64.so.2", NULL, NULL);
	tree_lib(t, "/usr/lib64/libc.so.6", NULL, NULL);
	tree_lib(t, "/usr/lib64/libfoo.so.1.0", NULL, NULL);
	tree_symlink(t, "/usr/lib64/libfoo.so.1", "libfoo.so.1.0");
	tree_symlink(t, "/lib64", "usr/lib64");
	tree_elf(t, "/usr/bin/app", &app);
	/* a sysroot given with a trailing slash works the same */
	snprintf(root, sizeof(root), "%s/", t->root);
	assert_int_equal(libdeps_new(root, &ld), 0);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	check_entries(t, ld,
		      "f /usr/lib64/ld-linux-x86-64.so.2\n"
		      "l /lib64/ld-linux-x86-64.so.2 -> "
		      "../usr/lib64/ld-linux-x86-64.so.2\n"
		      "f /usr/lib64/libfoo.so.1.0\n"
		      "l /usr/lib64/libfoo.so.1 -> libfoo.so.1.0\n"
		      "f /usr/lib64/libc.so.6\n");
	libdeps_free(ld);
}

static void runpath_origin(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libfoo.so.1", NULL);
	struct libdeps *ld;

	app.runpath = "$ORIGIN/../lib:${ORIGIN}/../nothere";
	tree_base(t);
	tree_elf(t, "/opt/app/bin/app", &app);
	tree_lib(t, "/opt/app/lib/libfoo.so.1", NULL, NULL);
	/* a decoy the default path would find */
	tree_lib(t, "/usr/lib/" T "/libfoo.so.1", NULL, NULL);
	ld = new_ld(t);
	assert_int_equal(libdeps_add_binary(ld, "/opt/app/bin/app"), 0);
	check_entries(t, ld,
		      BASE_ENTRIES "f /opt/app/lib/libfoo.so.1\n"
				   "f /usr/lib/" T "/libc.so.6\n");
	libdeps_free(ld);
}

static void origin_is_the_real_directory(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libfoo.so.1", NULL);
	struct libdeps *ld;

	app.rpath = "$ORIGIN/../lib";
	tree_base(t);
	tree_elf(t, "/opt/app/bin/app", &app);
	tree_lib(t, "/opt/app/lib/libfoo.so.1", NULL, NULL);
	tree_symlink(t, "/usr/bin/app", "/opt/app/bin/app");
	ld = new_ld(t);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	check_entries(t, ld,
		      BASE_ENTRIES "f /opt/app/lib/libfoo.so.1\n"
				   "f /usr/lib/" T "/libc.so.6\n");
	libdeps_free(ld);
}

static void rpath_ignored_when_runpath(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libfoo.so.1", NULL);
	struct libdeps *ld;

	app.rpath = "/r";
	app.runpath = "/rp";
	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_lib(t, "/r/libfoo.so.1", NULL, NULL);
	tree_lib(t, "/rp/libfoo.so.1", NULL, NULL);
	ld = new_ld(t);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	check_entries(t, ld,
		      BASE_ENTRIES "f /rp/libfoo.so.1\n"
				   "f /usr/lib/" T "/libc.so.6\n");
	libdeps_free(ld);
}

/* DT_RPATH of the executable serves its libraries' lookups too. */
static void rpath_is_inherited(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libA.so", NULL);
	struct libdeps *ld;

	app.rpath = "/r";
	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_lib(t, "/usr/lib/" T "/libA.so", "libB.so", NULL);
	tree_lib(t, "/r/libB.so", NULL, NULL);
	ld = new_ld(t);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	check_entries(t, ld,
		      BASE_ENTRIES "f /usr/lib/" T "/libA.so\n"
				   "f /usr/lib/" T "/libc.so.6\n"
				   "f /r/libB.so\n");
	libdeps_free(ld);
}

/* ... but DT_RUNPATH does not, and a miss names the library and needer. */
static void runpath_is_not_inherited(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libA.so", NULL);
	struct libdeps *ld;
	char msg[1024];

	app.runpath = "/r";
	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_lib(t, "/usr/lib/" T "/libA.so", "libB.so", NULL);
	tree_lib(t, "/r/libB.so", NULL, NULL);
	ld = new_ld(t);
	assert_int_equal(add_capturing(ld, "/usr/bin/app", msg, sizeof(msg)),
			 -ENOENT);
	assert_non_null(strstr(msg, "libB.so"));
	assert_non_null(strstr(msg, "/usr/lib/" T "/libA.so"));
	assert_non_null(strstr(msg, "/usr/bin/app"));
	/* all or nothing */
	assert_int_equal(libdeps_count(ld), 0);
	libdeps_free(ld);
}

/* A library's own DT_RUNPATH serves only its own DT_NEEDED. */
static void library_runpath_is_its_own(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libA.so", NULL);
	struct tb_spec liba = {.is64 = 1,
			       .machine = EM_X86_64,
			       .needed = {"libB.so"},
			       .runpath = "/ra"};
	struct libdeps *ld;
	char msg[1024];

	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_elf(t, "/usr/lib/" T "/libA.so", &liba);
	tree_lib(t, "/ra/libB.so", "libC.so", NULL);
	tree_lib(t, "/ra/libC.so", NULL, NULL);
	ld = new_ld(t);
	assert_int_equal(add_capturing(ld, "/usr/bin/app", msg, sizeof(msg)),
			 -ENOENT);
	assert_non_null(strstr(msg, "library libC.so needed by /ra/libB.so"));
	/* once libB carries the path itself, it resolves */
	tree_lib(t, "/usr/lib/" T "/libC.so", NULL, NULL);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	check_entries(t, ld,
		      BASE_ENTRIES "f /usr/lib/" T "/libA.so\n"
				   "f /usr/lib/" T "/libc.so.6\n"
				   "f /ra/libB.so\n"
				   "f /usr/lib/" T "/libC.so\n");
	libdeps_free(ld);
}

static void ld_so_conf_include_glob(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libx.so.1", "liby.so.2");
	const char conf[] = "# comment\n"
			    "include ld.so.conf.d/*.conf\n"
			    "  /opt/y/lib/  # trailing comment\n";
	const char a[] = "/opt/x/lib\nhwcap 0 nosegneg\n";
	const char b[] = "include /etc/nested.conf\n";
	const char nested[] = "/opt/z\n";
	struct libdeps *ld;

	tree_base(t);
	tree_write(t, "/etc/ld.so.conf", conf, sizeof(conf) - 1);
	tree_write(t, "/etc/ld.so.conf.d/a.conf", a, sizeof(a) - 1);
	tree_write(t, "/etc/ld.so.conf.d/b.conf", b, sizeof(b) - 1);
	tree_write(t, "/etc/ld.so.conf.d/c.notconf", "/nope\n", 6);
	tree_write(t, "/etc/nested.conf", nested, sizeof(nested) - 1);
	tree_elf(t, "/usr/bin/app", &app);
	tree_lib(t, "/opt/x/lib/libx.so.1", "libz.so", NULL);
	tree_lib(t, "/opt/y/lib/liby.so.2", NULL, NULL);
	tree_lib(t, "/opt/z/libz.so", NULL, NULL);
	tree_lib(t, "/nope/libz.so", NULL, NULL);
	ld = new_ld(t);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	/* The image has no ld.so.cache: each gets a link in a default
	 * directory its ld.so searches. */
	check_entries(
	    t, ld,
	    BASE_ENTRIES
	    "f /opt/x/lib/libx.so.1\n"
	    "l /usr/lib/" T "/libx.so.1 -> ../../../opt/x/lib/libx.so.1\n"
	    "f /opt/y/lib/liby.so.2\n"
	    "l /usr/lib/" T "/liby.so.2 -> ../../../opt/y/lib/liby.so.2\n"
	    "f /usr/lib/" T "/libc.so.6\n"
	    "f /opt/z/libz.so\n"
	    "l /usr/lib/" T "/libz.so -> ../../../opt/z/libz.so\n");
	libdeps_free(ld);
}

static void include_loop_ends(void **state)
{
	struct tree *t = *state;
	const char conf[] = "include /etc/ld.so.conf\n/opt/l\n";
	struct libdeps *ld;
	char name[] = "/tmp/sesame-libdeps-log-XXXXXX", msg[256] = "";
	int fd = mkstemp(name), saved = dup(STDERR_FILENO);

	tree_write(t, "/etc/ld.so.conf", conf, sizeof(conf) - 1);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, STDERR_FILENO);
	ld = new_ld(t);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_true(pread(fd, msg, sizeof(msg) - 1, 0) > 0);
	close(fd);
	unlink(name);
	assert_non_null(strstr(msg, "nested too deep"));
	libdeps_free(ld);
}

static void other_class_is_skipped(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libfoo.so.1", NULL);
	struct tb_spec lib32 = {.is64 = 0, .machine = EM_386};
	struct tb_spec arm = {.is64 = 1, .machine = EM_AARCH64};
	const char conf[] = "/usr/lib32\n/opt/arm\n/opt/junk\n";
	struct libdeps *ld;
	char msg[1024];

	tree_base(t);
	tree_write(t, "/etc/ld.so.conf", conf, sizeof(conf) - 1);
	tree_elf(t, "/usr/bin/app", &app);
	tree_elf(t, "/usr/lib32/libfoo.so.1", &lib32);
	tree_elf(t, "/opt/arm/libfoo.so.1", &arm);
	tree_write(t, "/opt/junk/libfoo.so.1", "not elf", 7);
	tree_lib(t, "/usr/lib/" T "/libfoo.so.1", NULL, NULL);
	ld = new_ld(t);
	assert_int_equal(add_capturing(ld, "/usr/bin/app", msg, sizeof(msg)),
			 0);
	/* the junk candidate is skipped with a warning naming it */
	assert_non_null(strstr(msg, "/opt/junk/libfoo.so.1"));
	check_entries(t, ld,
		      BASE_ENTRIES "f /usr/lib/" T "/libfoo.so.1\n"
				   "f /usr/lib/" T "/libc.so.6\n");
	libdeps_free(ld);
}

static void loops_and_sharing(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libA.so", "libB.so");
	struct tb_spec app2 = app_spec("libB.so", NULL);
	struct libdeps *ld;

	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_elf(t, "/usr/bin/app2", &app2);
	tree_lib(t, "/usr/lib/" T "/libA.so", "libB.so", NULL);
	tree_lib(t, "/usr/lib/" T "/libB.so", "libA.so", "libc.so.6");
	ld = new_ld(t);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app2"), 0);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	check_entries(t, ld,
		      BASE_ENTRIES "f /usr/lib/" T "/libA.so\n"
				   "f /usr/lib/" T "/libB.so\n"
				   "f /usr/lib/" T "/libc.so.6\n");
	libdeps_free(ld);
}

/* Two names for one file: one file, loaded once, both names in the image. */
static void same_file_two_names(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libfoo.so.1", "libfoo.so");
	struct libdeps *ld;

	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_lib(t, "/usr/lib/" T "/libfoo.so.1", NULL, NULL);
	tree_symlink(t, "/usr/lib/" T "/libfoo.so", "libfoo.so.1");
	ld = new_ld(t);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	check_entries(t, ld,
		      BASE_ENTRIES "f /usr/lib/" T "/libfoo.so.1\n"
				   "l /usr/lib/" T "/libfoo.so -> libfoo.so.1\n"
				   "f /usr/lib/" T "/libc.so.6\n");
	libdeps_free(ld);
}

static void needed_by_path(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("$ORIGIN/plugins/p.so", "/opt/q.so");
	struct libdeps *ld;

	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_lib(t, "/usr/bin/plugins/p.so", NULL, NULL);
	tree_lib(t, "/opt/real-q.so", NULL, NULL);
	tree_symlink(t, "/opt/q.so", "real-q.so");
	ld = new_ld(t);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	check_entries(t, ld,
		      BASE_ENTRIES "f /usr/bin/plugins/p.so\n"
				   "f /opt/real-q.so\n"
				   "l /opt/q.so -> real-q.so\n"
				   "f /usr/lib/" T "/libc.so.6\n");
	libdeps_free(ld);
}

static void lib_and_platform_tokens(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("liba.so", "libb.so");
	struct libdeps *ld;

	app.runpath = "/opt/$LIB:/opt/${PLATFORM}/x:/opt/$LIBX";
	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_lib(t, "/opt/lib/" T "/liba.so", NULL, NULL);
	tree_lib(t, "/opt/x86_64/x/libb.so", NULL, NULL);
	ld = new_ld(t);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	check_entries(t, ld,
		      BASE_ENTRIES "f /opt/lib/" T "/liba.so\n"
				   "f /opt/x86_64/x/libb.so\n"
				   "f /usr/lib/" T "/libc.so.6\n");
	libdeps_free(ld);
}

static void nodeflib(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libfoo.so.1", NULL);
	struct libdeps *ld;
	char msg[1024];

	app.flags_1 = DF_1_NODEFLIB;
	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_lib(t, "/usr/lib/" T "/libfoo.so.1", NULL, NULL);
	ld = new_ld(t);
	assert_int_equal(add_capturing(ld, "/usr/bin/app", msg, sizeof(msg)),
			 -ENOENT);
	assert_non_null(strstr(msg, "library libfoo.so.1 not found"));
	libdeps_free(ld);
}

/*
 * dlopen() rules: libc.so.6 loads libgcc_s.so.1 (found by its soname link,
 * which needs libdep.so.1 in turn) for every binary whose process has
 * libc, once; an optional library that is missing is skipped quietly.
 */
static void dlopened_with_dependencies(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libfoo.so.1", NULL);
	struct tb_spec app2 = app_spec(NULL, NULL);
	struct tb_spec sbin = {
	    .is64 = 1, .machine = EM_X86_64, .type = ET_EXEC, .no_dynamic = 1};
	struct libdeps *ld;

	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_elf(t, "/usr/bin/app2", &app2);
	tree_elf(t, "/usr/bin/static", &sbin);
	tree_lib(t, "/usr/lib/" T "/libfoo.so.1", "libc.so.6", NULL);
	tree_lib(t, "/usr/lib/" T "/libgcc_s.so.1.0", "libdep.so.1",
		 "libc.so.6");
	tree_symlink(t, "/usr/lib/" T "/libgcc_s.so.1", "libgcc_s.so.1.0");
	tree_lib(t, "/usr/lib/" T "/libdep.so.1", NULL, NULL);
	ld = new_ld(t);
	assert_int_equal(
	    libdeps_add_dlopen(ld, "libc.so.6", "libgcc_s.so.1", 1, "threads"),
	    0);
	assert_int_equal(
	    libdeps_add_dlopen(ld, "libc.so.6", "libnss_files.so.2", 0, "nss"),
	    0);
	assert_int_equal(libdeps_add_dlopen(ld, "libnone.so.1", "libzz.so.1", 1,
					    "never loaded"),
			 0);
	assert_int_equal(libdeps_add_dlopen(ld, "", "libzz.so.1", 1, NULL),
			 -EINVAL);
	/* A static binary loads no libc: nothing. */
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/static"), 0);
	assert_int_equal(libdeps_count(ld), 0);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app2"), 0);
	check_entries(t, ld,
		      BASE_ENTRIES "f /usr/lib/" T "/libfoo.so.1\n"
				   "f /usr/lib/" T "/libc.so.6\n"
				   "f /usr/lib/" T "/libgcc_s.so.1.0\n"
				   "l /usr/lib/" T
				   "/libgcc_s.so.1 -> libgcc_s.so.1.0\n"
				   "f /usr/lib/" T "/libdep.so.1\n");
	libdeps_free(ld);
}

/* A required dlopen()ed library that is missing fails the binary, naming
 * the library, its loader and why; nothing of that binary is added. */
static void dlopened_required_missing(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec(NULL, NULL);
	struct libdeps *ld;
	char msg[1024];

	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_lib(t, "/usr/lib/" T "/libx.so.1", NULL, NULL);
	ld = new_ld(t);
	assert_int_equal(libdeps_add_dlopen(ld, "libc.so.6", "libgcc_s.so.1", 1,
					    "threads need it"),
			 0);
	/* Found: the rules are read again; the missing one is told once. */
	assert_int_equal(
	    libdeps_add_dlopen(ld, "libc.so.6", "libx.so.1", 0, "another"), 0);
	assert_int_equal(add_capturing(ld, "/usr/bin/app", msg, sizeof(msg)),
			 -ENOENT);
	assert_non_null(strstr(msg, "/usr/bin/app: library libgcc_s.so.1 not "
				    "found; libc.so.6 loads it with dlopen(): "
				    "threads need it"));
	assert_null(strstr(strstr(msg, "libgcc_s.so.1 not found") + 1,
			   "libgcc_s.so.1 not found"));
	assert_int_equal(libdeps_count(ld), 0);
	libdeps_free(ld);
}

/* A dlopen()ed library is looked up from its loader: the loader's
 * DT_RUNPATH applies; and a library it brings may be another rule's
 * loader. */
static void dlopened_from_the_loader(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libkmod.so.2", NULL);
	struct tb_spec kmod = {.is64 = 1,
			       .machine = EM_X86_64,
			       .soname = "libkmod.so.2",
			       .runpath = "/opt/kmod",
			       .needed = {"libc.so.6"}};
	struct libdeps *ld;

	tree_base(t);
	tree_elf(t, "/usr/bin/app", &app);
	tree_elf(t, "/usr/lib/" T "/libkmod.so.2", &kmod);
	tree_lib(t, "/opt/kmod/libzstd.so.1", NULL, NULL);
	tree_lib(t, "/usr/lib/" T "/libzstd.so.1", NULL, NULL);
	tree_lib(t, "/usr/lib/" T "/libx.so.1", NULL, NULL);
	ld = new_ld(t);
	assert_int_equal(libdeps_add_dlopen(ld, "libkmod.so.2", "libzstd.so.1",
					    0, "zstd modules"),
			 0);
	assert_int_equal(
	    libdeps_add_dlopen(ld, "libzstd.so.1", "libx.so.1", 1, "chained"),
	    0);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app"), 0);
	check_entries(t, ld,
		      BASE_ENTRIES "f /usr/lib/" T "/libkmod.so.2\n"
				   "f /usr/lib/" T "/libc.so.6\n"
				   "f /opt/kmod/libzstd.so.1\n"
				   "f /usr/lib/" T "/libx.so.1\n");
	libdeps_free(ld);
}

static void bad_binaries(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec(NULL, NULL);
	struct tb_spec sbin = {
	    .is64 = 1, .machine = EM_X86_64, .type = ET_EXEC, .no_dynamic = 1};
	struct libdeps *ld;
	char msg[1024];

	tree_write(t, "/bin/script", "#!/bin/sh\n", 10);
	tree_write(t, "/bin/broken", "\177ELF\002\001\001", 7);
	tree_elf(t, "/bin/static", &sbin);
	tree_elf(t, "/bin/nointerp", &app); /* no ld.so in this tree */
	ld = new_ld(t);
	assert_int_equal(add_capturing(ld, "/bin/missing", msg, sizeof(msg)),
			 -ENOENT);
	assert_non_null(strstr(msg, "/bin/missing"));
	assert_int_equal(add_capturing(ld, "/bin/script", msg, sizeof(msg)),
			 -ENOEXEC);
	assert_non_null(strstr(msg, "/bin/script: not an ELF"));
	assert_int_equal(add_capturing(ld, "/bin/broken", msg, sizeof(msg)),
			 -EBADMSG);
	assert_non_null(strstr(msg, "/bin/broken: malformed"));
	assert_int_equal(add_capturing(ld, "/bin/nointerp", msg, sizeof(msg)),
			 -ENOENT);
	assert_non_null(strstr(msg, "interpreter " INTERP));
	assert_int_equal(libdeps_add_binary(ld, "/bin/static"), 0);
	assert_int_equal(libdeps_count(ld), 0);
	libdeps_free(ld);
	libdeps_free(NULL);
}

static void elf32_tree(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = {.machine = EM_386,
			      .interp = "/lib/ld-linux.so.2",
			      .needed = {"libfoo.so.1", "libc.so.6"}};
	struct tb_spec lib = {.machine = EM_386};
	struct tb_spec lib64 = {.is64 = 1, .machine = EM_X86_64};
	struct libdeps *ld;

	tree_elf(t, "/usr/lib/i386-linux-gnu/ld-linux.so.2", &lib);
	tree_symlink(t, "/lib", "usr/lib");
	tree_symlink(t, "/usr/lib/ld-linux.so.2",
		     "i386-linux-gnu/ld-linux.so.2");
	tree_elf(t, "/usr/lib/i386-linux-gnu/libc.so.6", &lib);
	tree_elf(t, "/usr/lib/libfoo.so.1", &lib64);
	tree_elf(t, "/usr/lib32/libfoo.so.1", &lib);
	tree_elf(t, "/usr/bin/app32", &app);
	ld = new_ld(t);
	assert_int_equal(libdeps_add_binary(ld, "/usr/bin/app32"), 0);
	/* /usr/lib32 is no default directory of the image's i386 ld.so */
	check_entries(t, ld,
		      "f /usr/lib/i386-linux-gnu/ld-linux.so.2\n"
		      "l /lib/ld-linux.so.2 -> "
		      "../usr/lib/i386-linux-gnu/ld-linux.so.2\n"
		      "f /usr/lib32/libfoo.so.1\n"
		      "l /usr/lib/i386-linux-gnu/libfoo.so.1 -> "
		      "../../lib32/libfoo.so.1\n"
		      "f /usr/lib/i386-linux-gnu/libc.so.6\n");
	libdeps_free(ld);
}

static void conf_lib_with_origin_warns(void **state)
{
	struct tree *t = *state;
	struct tb_spec app = app_spec("libx.so.1", NULL);
	struct tb_spec libx = {
	    .is64 = 1, .machine = EM_X86_64, .runpath = "$ORIGIN"};
	const char conf[] = "/opt/x\n";
	struct libdeps *ld;
	char msg[1024];

	tree_base(t);
	tree_write(t, "/etc/ld.so.conf", conf, sizeof(conf) - 1);
	tree_elf(t, "/usr/bin/app", &app);
	tree_elf(t, "/opt/x/libx.so.1", &libx);
	ld = new_ld(t);
	assert_int_equal(add_capturing(ld, "/usr/bin/app", msg, sizeof(msg)),
			 0);
	assert_non_null(strstr(msg, "/opt/x/libx.so.1"));
	assert_non_null(strstr(msg, "$ORIGIN"));
	libdeps_free(ld);
}

/* ---- this machine, with ldd as the oracle ------------------------------ */

static const char *const host_bins[] = {
    "/bin/ls",
    "/usr/sbin/cryptsetup",
    "/usr/sbin/dropbear",
    "/usr/bin/dropbear",
    "/bin/bash",
    "/usr/bin/ssh-keygen",
};

/* realpath() of every path ldd prints for bin, newline-separated. */
static size_t ldd_real_paths(const char *bin, char paths[][PATH_MAX],
			     size_t max)
{
	char cmd[512], line[1024];
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ldd '%s' 2>/dev/null", bin);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && n < max) {
		char *p = strstr(line, "=> "), *end;
		p = p ? p + 3 : line + strspn(line, " \t");
		if (*p != '/')
			continue; /* linux-vdso.so.1 */
		end = strchr(p, ' ');
		if (end)
			*end = '\0';
		if (realpath(p, paths[n]))
			n++;
	}
	pclose(f);
	return n;
}

static void host_matches_ldd(void **state)
{
	static char paths[128][PATH_MAX];
	static struct libdeps_entry e;
	int checked = 0;

	(void)state;
	for (size_t b = 0; b < sizeof(host_bins) / sizeof(host_bins[0]); b++) {
		struct libdeps *ld = NULL;
		static char first[PATH_MAX];
		size_t n, files = 0, next = 0;
		bool interp_there = false;

		if (access(host_bins[b], X_OK) != 0)
			continue;
		n = ldd_real_paths(host_bins[b], paths, 128);
		if (n == 0)
			continue;
		assert_int_equal(libdeps_new(NULL, &ld), 0);
		assert_int_equal(libdeps_add_binary(ld, host_bins[b]), 0);
		for (size_t i = 0; i < libdeps_count(ld); i++) {
			bool found = false;
			assert_int_equal(libdeps_get(ld, i, &e), 0);
			if (strcmp(e.path, INTERP) == 0)
				interp_there = true;
			if (e.is_symlink)
				continue;
			files++;
			for (size_t k = 0; k < n; k++)
				found |= strcmp(paths[k], e.path) == 0;
			/* Same load order as ld.so (ldd places ld.so where
			 * something first needs it; we put it first). */
			if (i > 1) {
				while (next < n &&
				       strcmp(paths[next], first) == 0)
					next++;
				assert_true(next < n);
				assert_string_equal(paths[next], e.path);
				next++;
			} else {
				strcpy(first, e.path);
			}
			if (!found)
				print_error("%s: %s not in ldd's list\n",
					    host_bins[b], e.path);
			assert_true(found);
		}
		assert_int_equal(files, n);
		assert_true(interp_there);
		libdeps_free(ld);
		checked++;
	}
	assert_true(checked > 0);
}

/*
 * RPATH inheritance as the real ld.so does it: built with gcc, run, and
 * compared with what libdeps says (skipped without a compiler).
 */
static void real_loader_agrees_on_paths(void **state)
{
	struct tree *t = *state;
	static const struct {
		const char *dtags;
		int want;
	} cases[] = {
	    {"--disable-new-dtags", 0},	     /* RPATH: inherited by libA */
	    {"--enable-new-dtags", -ENOENT}, /* RUNPATH: not inherited */
	};
	char cmd[4096];

	if (system("command -v gcc >/dev/null 2>&1") != 0) {
		skip();
		return;
	}
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && mkdir a r && "
		 "echo 'int g(void){return 1;}' >g.c && "
		 "echo 'int g(void); int f(void){return g();}' >f.c && "
		 "echo 'int f(void); int main(void){return f()-1;}' >m.c && "
		 "gcc -shared -fPIC -o r/libB.so g.c && "
		 "gcc -shared -fPIC -o a/libA.so f.c -Lr -lB",
		 t->root);
	assert_int_equal(system(cmd), 0);
	for (size_t i = 0; i < 2; i++) {
		struct libdeps *ld = NULL;
		char app[128], msg[1024];
		int st;

		snprintf(app, sizeof(app), "%s/app%zu", t->root, i);
		snprintf(cmd, sizeof(cmd),
			 "cd '%s' && gcc -o '%s' m.c -La -lA -Wl,%s "
			 "-Wl,-rpath,'%s/a:%s/r'",
			 t->root, app, cases[i].dtags, t->root, t->root);
		assert_int_equal(system(cmd), 0);
		snprintf(cmd, sizeof(cmd), "'%s' 2>/dev/null", app);
		st = system(cmd);
		/* the real loader: runs, or fails to find libB (127) */
		assert_int_equal(st == 0 ? 0 : -ENOENT, cases[i].want);
		assert_int_equal(libdeps_new(NULL, &ld), 0);
		assert_int_equal(add_capturing(ld, app, msg, sizeof(msg)),
				 cases[i].want);
		if (cases[i].want < 0)
			assert_non_null(
			    strstr(msg, "library libB.so needed by"));
		libdeps_free(ld);
	}
}

/*
 * The proof: copy the entries into an empty tree (directories as real
 * directories, as the image has them) and run the binary chrooted there.
 * Needs root (this suite runs as root in CI); skipped otherwise.
 */
static void host_runs_in_a_tree(void **state)
{
	struct tree *t = *state;
	static struct libdeps_entry e;
	const char *bins[] = {"/bin/ls", "/usr/sbin/cryptsetup"};
	struct libdeps *ld = NULL;
	char cmd[PATH_MAX * 3];

	if (geteuid() != 0) {
		skip();
		return;
	}
	assert_int_equal(libdeps_new("/", &ld), 0);
	for (size_t b = 0; b < 2; b++) {
		char real[PATH_MAX];
		if (!realpath(bins[b], real))
			continue;
		assert_int_equal(libdeps_add_binary(ld, bins[b]), 0);
		tree_mkparents(t, bins[b]);
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s%s'", real, t->root,
			 bins[b]);
		assert_int_equal(system(cmd), 0);
	}
	for (size_t i = 0; i < libdeps_count(ld); i++) {
		assert_int_equal(libdeps_get(ld, i, &e), 0);
		if (e.is_symlink) {
			tree_symlink(t, e.path, e.target);
			continue;
		}
		tree_mkparents(t, e.path);
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s%s'", e.source, t->root,
			 e.path);
		assert_int_equal(system(cmd), 0);
	}
	libdeps_free(ld);
	for (size_t b = 0; b < 2; b++) {
		int st;
		if (access(bins[b], X_OK) != 0)
			continue;
		snprintf(cmd, sizeof(cmd),
			 "chroot '%s' %s --version >/dev/null 2>&1", t->root,
			 bins[b]);
		st = system(cmd);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 125)
			continue; /* chroot itself refused */
		if (st != 0)
			print_error("%s does not run in its tree\n", bins[b]);
		assert_int_equal(st, 0);
	}
}

int main(void)
{
#define TREE_TEST(f)                                                           \
	cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)
	const struct CMUnitTest tests[] = {
	    TREE_TEST(usrmerge_layout),
	    TREE_TEST(split_usr_layout),
	    TREE_TEST(lib64_layout),
	    TREE_TEST(runpath_origin),
	    TREE_TEST(origin_is_the_real_directory),
	    TREE_TEST(rpath_ignored_when_runpath),
	    TREE_TEST(rpath_is_inherited),
	    TREE_TEST(runpath_is_not_inherited),
	    TREE_TEST(library_runpath_is_its_own),
	    TREE_TEST(ld_so_conf_include_glob),
	    TREE_TEST(include_loop_ends),
	    TREE_TEST(other_class_is_skipped),
	    TREE_TEST(loops_and_sharing),
	    TREE_TEST(same_file_two_names),
	    TREE_TEST(needed_by_path),
	    TREE_TEST(lib_and_platform_tokens),
	    TREE_TEST(nodeflib),
	    TREE_TEST(dlopened_with_dependencies),
	    TREE_TEST(dlopened_required_missing),
	    TREE_TEST(dlopened_from_the_loader),
	    TREE_TEST(bad_binaries),
	    TREE_TEST(elf32_tree),
	    TREE_TEST(conf_lib_with_origin_warns),
	    cmocka_unit_test(host_matches_ldd),
	    TREE_TEST(real_loader_agrees_on_paths),
	    TREE_TEST(host_runs_in_a_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
