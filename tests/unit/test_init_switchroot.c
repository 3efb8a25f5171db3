/* test_init_switchroot: the delete walk on a temp tree, init resolution, the
 * switch sequence on fakes. */
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
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init/switchroot.h"
#include "init/sys.h"

static char tmpdir[64];

static void mkfile(const char *rel, mode_t mode)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	chmod(p, mode);
}

static void mkdirs(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void mklink(const char *target, const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	assert_int_equal(symlink(target, p), 0);
}

static bool exists(const char *rel)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	return lstat(p, &st) == 0;
}

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_init_switchroot.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void delete_walk_stays_inside(void **state)
{
	struct stat st;
	int fd;

	(void)state;
	mkdirs("root");
	mkdirs("outside");
	mkfile("outside/keep", 0644);
	mkdirs("root/a");
	mkdirs("root/a/b");
	mkfile("root/a/b/f", 0644);
	mkfile("root/init", 0755);
	mkfile("root/ro", 0400);
	mklink("../outside", "root/a/escape");
	mklink("/", "root/slash");
	fd = open(tmpdir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);

	/* A different st_dev stands for another mount: nothing is touched. */
	fd = open(strcat(strcpy((char[128]){0}, tmpdir), "/root"),
		  O_RDONLY | O_DIRECTORY);
	assert_int_equal(switchroot_delete_tree(fd, st.st_dev + 1, 64), 0);
	assert_true(exists("root/a/b/f"));
	/* The depth bound holds (a/b is two levels down). */
	assert_int_equal(switchroot_delete_tree(fd, st.st_dev, 1), -ELOOP);
	assert_true(exists("root/a/b/f"));
	assert_int_equal(switchroot_delete_tree(fd, st.st_dev, 64), 0);
	close(fd);
	assert_true(exists("root")); /* the directory itself stays */
	assert_false(exists("root/a"));
	assert_false(exists("root/init"));
	assert_false(exists("root/slash"));
	assert_true(exists("outside/keep")); /* links were not followed */
}

static void init_resolves_inside_root(void **state)
{
	char root[128];

	(void)state;
	snprintf(root, sizeof(root), "%s/nr", tmpdir);
	mkdirs("nr");
	mkdirs("nr/sbin");
	mkdirs("nr/lib");
	mkdirs("nr/lib/systemd");
	mkfile("nr/lib/systemd/systemd", 0755);
	mklink("/lib/systemd/systemd", "nr/sbin/init");
	mklink("../lib/systemd/systemd", "nr/sbin/rel");
	mkfile("nr/sbin/noexec", 0644);
	mklink("/sbin/loop2", "nr/sbin/loop1");
	mklink("/sbin/loop1", "nr/sbin/loop2");
	/* Absolute links and ".." never leave the new root. */
	mkfile("hostinit", 0755);
	mklink("/../../hostinit", "nr/sbin/escape");
	mklink("../../../../hostinit", "nr/sbin/escape2");

	assert_int_equal(switchroot_check_init(root, "/sbin/init"), 0);
	assert_int_equal(switchroot_check_init(root, "/sbin/rel"), 0);
	assert_int_equal(switchroot_check_init(root, "sbin/init"), 0);
	assert_int_equal(switchroot_check_init(root, "/sbin/missing"), -ENOENT);
	assert_int_equal(switchroot_check_init(root, "/sbin/noexec"), -EACCES);
	assert_int_equal(switchroot_check_init(root, "/sbin"), -EISDIR);
	assert_int_equal(switchroot_check_init(root, "/sbin/loop1"), -ELOOP);
	assert_int_equal(switchroot_check_init(root, "/sbin/escape"), -ENOENT);
	assert_int_equal(switchroot_check_init(root, "/sbin/escape2"), -ENOENT);
	assert_int_equal(switchroot_check_init(root, "/../hostinit"), -ENOENT);
}

/* ---- the switch sequence against fake system calls ---- */

static char calls[32][160];
static int n_calls, fail_call = -1;

static int record(int r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int record(int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (n_calls < 32)
		vsnprintf(calls[n_calls], sizeof(calls[0]), fmt, ap);
	va_end(ap);
	return n_calls++ == fail_call ? -EINVAL : r;
}

static int fake_mount(const char *src, const char *target, const char *type,
		      unsigned long flags, const void *data)
{
	(void)type;
	(void)data;
	if (flags & MS_MOVE)
		return record(0, "move %s %s", src, target);
	return record(0, "mount %s flags=%#lx", target, flags);
}

static int fake_umount(const char *target, int flags)
{
	return record(0, "umount %s %d", target, flags);
}

static int fake_mkdir(const char *path, mode_t mode)
{
	(void)mode;
	return record(-EEXIST, "mkdir %s", path);
}

static int fake_chdir(const char *path)
{
	return record(0, "chdir %s", path);
}

static int fake_chroot(const char *path)
{
	return record(0, "chroot %s", path);
}

static int fake_execv(const char *path, char *const argv[])
{
	record(0, "exec %s %s %s", path, argv[0], argv[1] ? argv[1] : "-");
	return -ENOEXEC; /* the fake "returns": the caller sees a failure */
}

static int fake_wipe(int fd)
{
	return record(fd >= 0 ? 0 : -EBADF, "wipe");
}

static const struct sys_ops fake_ops = {
    .mount = fake_mount,
    .umount = fake_umount,
    .mkdir = fake_mkdir,
    .chdir = fake_chdir,
    .chroot = fake_chroot,
    .execv = fake_execv,
    .wipe_rootfs = fake_wipe,
};

static void before_exec(void *data)
{
	record(0, "before_exec %s", (const char *)data);
}

static void run_switch(int fail_at, int *rp)
{
	static char init[] = "/sbin/init", arg[] = "single";
	char *argv[] = {init, arg, NULL};
	struct switch_root_args a = {
	    .newroot = "/newroot",
	    .init = "/sbin/init",
	    .argv = argv,
	    .before_exec = before_exec,
	    .data = (void *)(uintptr_t) "x",
	};

	memset(calls, 0, sizeof(calls));
	n_calls = 0;
	fail_call = fail_at;
	sys_set_ops(&fake_ops);
	*rp = switch_root(&a);
	sys_set_ops(NULL);
}

static void switch_sequence(void **state)
{
	static const char *const want[] = {
	    "mount / flags=0x44000",
	    "mkdir /newroot/dev",
	    "move /dev /newroot/dev",
	    "mkdir /newroot/proc",
	    "move /proc /newroot/proc",
	    "mkdir /newroot/sys",
	    "move /sys /newroot/sys",
	    "mkdir /newroot/run",
	    "move /run /newroot/run",
	    "chdir /newroot",
	    "move . /",
	    "chroot .",
	    "chdir /",
	    "wipe",
	    "before_exec x",
	    "exec /sbin/init /sbin/init single",
	};
	int r;

	(void)state;
	run_switch(-1, &r);
	assert_int_equal(r, -ENOEXEC);
	assert_int_equal(n_calls, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(calls[i], want[i]);
}

static void failed_move_onto_root_puts_mounts_back(void **state)
{
	int r;

	(void)state;
	run_switch(10, &r); /* "move . /" fails */
	assert_int_equal(r, -EINVAL);
	assert_string_equal(calls[11], "chdir /");
	assert_string_equal(calls[12], "move /newroot/run /run");
	assert_string_equal(calls[13], "move /newroot/sys /sys");
	assert_string_equal(calls[14], "move /newroot/proc /proc");
	assert_string_equal(calls[15], "move /newroot/dev /dev");
	assert_int_equal(n_calls, 16);
	for (int i = 0; i < n_calls; i++)
		assert_null(strstr(calls[i], "wipe"));
}

static void failed_api_move_detaches(void **state)
{
	int r;

	(void)state;
	run_switch(4, &r); /* "move /proc /newroot/proc" fails */
	assert_string_equal(calls[5], "umount /proc 2");
	assert_int_equal(r, -ENOEXEC); /* boot goes on to exec */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(delete_walk_stays_inside, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(init_resolves_inside_root, setup,
					    teardown),
	    cmocka_unit_test(switch_sequence),
	    cmocka_unit_test(failed_move_onto_root_puts_mounts_back),
	    cmocka_unit_test(failed_api_move_detaches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
