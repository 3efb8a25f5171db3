/* test_image_build: what `sesame build` puts in, and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/fileio.h"
#include "image/build.h"
#include "image/list.h"
#include "tool/commands.h"

static const struct list_entry *find(const struct image_list *l,
				     const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

static void push(struct build_strv *v, const char *s)
{
	assert_int_equal(build_strv_push(v, s), 0);
}

static void free_opts(struct build_opts *o)
{
	build_strv_free(&o->add_lists);
	build_strv_free(&o->binaries);
	build_strv_free(&o->files);
	build_strv_free(&o->modules);
	build_strv_free(&o->omit_modules);
	build_strv_free(&o->sets);
}

static void default_layout(void **state)
{
	struct build_opts o = {.init = "/bin/true", .no_modules = 1};
	struct image_list l;
	const struct list_entry *e;

	(void)state;
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), 0);
	static const char *const dirs[] = {
	    "/dev",	"/proc", "/sys",	"/run", "/tmp",	 "/root",
	    "/newroot", "/etc",	 "/etc/sesame", "/bin", "/sbin", "/lib"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		e = find(&l, dirs[i]);
		assert_non_null(e);
		assert_int_equal(e->type, LIST_DIR);
	}
	assert_int_equal(find(&l, "/tmp")->mode, 01777);
	e = find(&l, "/dev/console");
	assert_int_equal(e->type, LIST_NOD);
	assert_int_equal(e->maj, 5);
	assert_int_equal(e->min, 1);
	assert_int_equal(find(&l, "/dev/null")->mode, 0666);
	assert_int_equal(find(&l, "/dev/kmsg")->min, 11);
	e = find(&l, "/init");
	assert_non_null(e);
	assert_string_equal(e->location, "/bin/true");
	assert_int_equal(e->mode, 0755);
	assert_string_equal(find(&l, "/sbin/modprobe")->location, "/init");
	/* /bin/true is dynamic: its loader and libc come along. */
	e = find(&l, "/lib64/ld-linux-x86-64.so.2");
	assert_non_null(e);
	assert_int_equal(e->type, LIST_SLINK);
	int libc = 0;
	for (size_t i = 0; i < l.n; i++)
		if (strstr(l.v[i].name, "/libc.so.6"))
			libc = 1;
	assert_true(libc);
	if (access("/bin/busybox", F_OK) == 0)
		assert_string_equal(find(&l, "/bin/sh")->location, "busybox");
	if (access("/sbin/e2fsck", F_OK) == 0)
		assert_string_equal(find(&l, "/sbin/fsck.ext4")->location,
				    "e2fsck");
	/* No boot config unless asked for. */
	assert_null(find(&l, "/etc/sesame/boot.conf"));
	list_free(&l);
}

static void boot_config_and_files(void **state)
{
	struct build_opts o = {.no_init = 1, .no_modules = 1};
	struct image_list l;
	const struct list_entry *e;
	char cfg[] = "/tmp/test_image_build.XXXXXX";
	int fd = mkstemp(cfg);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "# from file\nroot=UUID=x", 23), 23);
	close(fd);
	o.config = cfg;
	push(&o.sets, "ip=dhcp");
	push(&o.sets, "sesame.banner=hello world");
	push(&o.files, "/etc/hostname:/etc/hn:0600");
	push(&o.files, "/etc/hostname:/x/y/hn2");
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), 0);
	e = find(&l, "/etc/sesame/boot.conf");
	assert_non_null(e);
	assert_int_equal(e->data_len,
			 strlen("# from file\nroot=UUID=x\nip=dhcp\n"
				"sesame.banner=\"hello world\"\n"));
	assert_memory_equal(e->data,
			    "# from file\nroot=UUID=x\nip=dhcp\n"
			    "sesame.banner=\"hello world\"\n",
			    e->data_len);
	assert_int_equal(find(&l, "/etc/hn")->mode, 0600);
	assert_non_null(find(&l, "/x/y/hn2"));
	assert_int_equal(find(&l, "/x/y")->type, LIST_DIR); /* parents made */
	/* --no-init: none of sesame's own layout. */
	assert_null(find(&l, "/init"));
	assert_null(find(&l, "/dev/console"));
	list_free(&l);
	unlink(cfg);
	free_opts(&o);
}

static void user_lists_win(void **state)
{
	struct build_opts o = {.init = "/bin/true", .no_modules = 1};
	struct image_list l;
	char lst[] = "/tmp/test_image_build.XXXXXX";
	int fd = mkstemp(lst);
	const char *text = "file /init /bin/false 0700 0 0\n";

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	push(&o.add_lists, lst);
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), 0);
	assert_string_equal(find(&l, "/init")->location, "/bin/false");
	assert_int_equal(find(&l, "/init")->mode, 0700);
	list_free(&l);
	unlink(lst);
	free_opts(&o);
}

/* Each bad option fails the whole build with an error. */
static void refuses_bad_input(void **state)
{
	struct image_list l;
	int r;

	(void)state;
	struct {
		const char *what;
		struct build_opts o;
		const char *bin, *file, *set, *list, *module;
	} cases[] = {
	    {.what = "missing init",
	     .o = {.init = "/nonexistent/init", .no_modules = 1}},
	    {.what = "init is a directory",
	     .o = {.init = "/etc", .no_modules = 1}},
	    {.what = "missing binary",
	     .o = {.no_init = 1, .no_modules = 1},
	     .bin = "/nonexistent"},
	    {.what = "non-ELF binary",
	     .o = {.no_init = 1, .no_modules = 1},
	     .bin = "/etc/hostname"},
	    {.what = "empty binary dest",
	     .o = {.no_init = 1, .no_modules = 1},
	     .bin = "/bin/true:"},
	    {.what = "file without dest",
	     .o = {.no_init = 1, .no_modules = 1},
	     .file = "/etc/hostname"},
	    {.what = "file bad mode",
	     .o = {.no_init = 1, .no_modules = 1},
	     .file = "/etc/hostname:/a:99"},
	    {.what = "file missing",
	     .o = {.no_init = 1, .no_modules = 1},
	     .file = "/nonexistent:/a"},
	    {.what = "file dest root",
	     .o = {.no_init = 1, .no_modules = 1},
	     .file = "/etc/hostname:/"},
	    {.what = "set without =",
	     .o = {.no_init = 1, .no_modules = 1},
	     .set = "novalue"},
	    {.what = "set quote",
	     .o = {.no_init = 1, .no_modules = 1},
	     .set = "a=\"b"},
	    {.what = "set newline",
	     .o = {.no_init = 1, .no_modules = 1},
	     .set = "a=b\nroot=x"},
	    {.what = "missing list",
	     .o = {.no_init = 1, .no_modules = 1},
	     .list = "/nonexistent.list"},
	    {.what = "missing config",
	     .o = {.no_init = 1,
		   .no_modules = 1,
		   .config = "/nonexistent.conf"}},
	    {.what = "bad moddir",
	     .o = {.no_init = 1, .kver = "0.0-none", .moddir = "/nonexistent"}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct build_opts *o = &cases[i].o;
		print_message("case: %s\n", cases[i].what);
		if (cases[i].bin)
			push(&o->binaries, cases[i].bin);
		if (cases[i].file)
			push(&o->files, cases[i].file);
		if (cases[i].set)
			push(&o->sets, cases[i].set);
		if (cases[i].list)
			push(&o->add_lists, cases[i].list);
		list_init(&l);
		r = build_assemble(o, &l);
		if (r >= 0)
			fail_msg("%s: accepted", cases[i].what);
		list_free(&l);
		free_opts(o);
	}
}

/* Runs `sesame build ARGS` in-process, stdout to out (if not NULL). */
static int run_build(const char *out, char **argv)
{
	int argc = 0, saved = -1, fd, r;

	while (argv[argc])
		argc++;
	if (out) {
		fflush(stdout);
		saved = dup(STDOUT_FILENO);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0 && saved >= 0);
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	r = cmd_build(argc, argv);
	if (out) {
		fflush(stdout);
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	return r;
}

/* --list output fed back with -a gives the very same image bytes. */
static void cli_list_round_trip(void **state)
{
	char dir[] = "/tmp/test_image_build.XXXXXX";
	char lst[128], a[128], b[128], *ba, *bb;
	size_t la, lb;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XDG_CACHE_HOME", dir, 1);
	snprintf(lst, sizeof(lst), "%s/list", dir);
	snprintf(a, sizeof(a), "%s/a.img", dir);
	snprintf(b, sizeof(b), "%s/b.img", dir);
	char *direct[] = {"build",
			  "-q",
			  "--init",
			  "/bin/true",
			  "--no-modules",
			  "--set",
			  "ip=dhcp",
			  "-f",
			  "/etc/hostname:/etc/hn",
			  "-c",
			  "gzip",
			  "-o",
			  a,
			  NULL};
	char *list[] = {"build",
			"-q",
			"--init",
			"/bin/true",
			"--no-modules",
			"--set",
			"ip=dhcp",
			"-f",
			"/etc/hostname:/etc/hn",
			"--list",
			NULL};
	char *again[] = {"build", "-q", "--no-init", "--no-modules",
			 "-a",	  lst,	"-c",	     "gzip",
			 "-o",	  b,	NULL};
	assert_int_equal(run_build(NULL, direct), 0);
	assert_int_equal(run_build(lst, list), 0);
	assert_int_equal(run_build(NULL, again), 0);
	assert_int_equal(file_read_all(a, 64u << 20, &ba, &la), 0);
	assert_int_equal(file_read_all(b, 64u << 20, &bb, &lb), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(ba, bb, la);
	free(ba);
	free(bb);
	/* Usage errors are status 2, a failed build 1, and no image. */
	char *usage[] = {"build", "--list", "-o", a, NULL};
	char *bad[] = {"build", "-q", "--init", "/nonexistent", "-o", a, NULL};
	assert_int_equal(run_build(NULL, usage), 2);
	unlink(a);
	assert_int_equal(run_build(NULL, bad), 1);
	assert_int_equal(access(a, F_OK), -1);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(default_layout),
	    cmocka_unit_test(boot_config_and_files),
	    cmocka_unit_test(user_lists_win),
	    cmocka_unit_test(refuses_bad_input),
	    cmocka_unit_test(cli_list_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
