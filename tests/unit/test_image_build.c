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
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "image/build.h"
#include "image/cpio.h"
#include "keys/authkeys.h"
#include "keys/fpfile.h"
#include "keys/keys.h"
#include "keys/testkeys.h"
#include "image/list.h"
#include "tool/commands.h"
#include "tests/unit/require_tool.h"

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
	/* A custom /init (no helpers beside it) gets no /sbin/modprobe. */
	assert_null(find(&l, "/sbin/modprobe"));
	assert_null(find(&l, "/sbin/sesame-probe"));
	assert_string_equal(find(&l, "/sbin/nfs-mount")->location, "/init");
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

/* A temporary directory with an authorized_keys file holding text. */
static void ssh_fixture(char *dir, char *ak, size_t size, const char *text)
{
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(ak, size, "%s/authorized_keys", dir);
	fd = open(ak, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void rm_rf(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/*
 * With authorized keys: host keys made in a missing key dir (and kept
 * 0600 in the image), the keys rendered with the forced command, dropbear,
 * /bin/unlock, root's account, and the LUKS modules' absence of errors.
 */
static void ssh_keys_embedded(void **state)
{
	char dir[] = "/tmp/test_image_build.XXXXXX", ak[128], kd[128];
	struct build_opts o = {
	    .init = "/bin/true", .no_modules = 1, .unlock = "/bin/true"};
	struct image_list l;
	const struct list_entry *e;
	char name[256], path[256];

	(void)state;
	if (access("/usr/sbin/dropbear", X_OK) < 0 ||
	    system("command -v dropbearkey >/dev/null") != 0)
		skip();
	ssh_fixture(dir, ak, sizeof(ak),
		    KEY_ED25519 " admin@laptop\n"
				"sesame-role=rescue " KEY_ECDSA256 " rescue\n");
	snprintf(kd, sizeof(kd), "%s/keys", dir);
	o.authorized_keys = ak;
	o.keydir = kd;
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), 0);
	/* Keys created when missing, 0600 in the image. */
	for (size_t i = 0; i < KEYS_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s", kd,
			 keys_host_key_file(i));
		assert_int_equal(access(path, R_OK), 0);
		snprintf(name, sizeof(name), "%s/%s", KEYS_IMAGE_DIR,
			 keys_host_key_file(i));
		e = find(&l, name);
		assert_non_null(e);
		assert_string_equal(e->location, path);
		assert_int_equal(e->mode, 0600);
	}
	e = find(&l, KEYS_PUBLIC_IMAGE_PATH);
	assert_non_null(e);
	assert_non_null(e->data);
	assert_true(e->data_len > 20 && !memcmp(e->data, "ssh-ed25519 ", 12));
	/* authorized_keys: 0600 under 0700 dirs; the unlock key forced into
	 * /bin/unlock; the rescue key without a command. */
	e = find(&l, AUTHKEYS_IMAGE_PATH);
	assert_non_null(e);
	assert_int_equal(e->mode, 0600);
	assert_int_equal(find(&l, "/root")->mode, 0700);
	assert_int_equal(find(&l, "/root/.ssh")->mode, 0700);
	char *text = strndup(e->data, e->data_len);
	assert_non_null(text);
	char *unlock_line = strstr(text, "command=\"/bin/unlock\",");
	assert_non_null(unlock_line);
	assert_non_null(strstr(unlock_line, "no-port-forwarding"));
	assert_non_null(strstr(unlock_line, "no-agent-forwarding"));
	assert_non_null(strstr(unlock_line, "no-X11-forwarding"));
	assert_non_null(strstr(text, "admin@laptop"));
	char *rescue = strstr(text, "ecdsa-sha2-nistp256");
	assert_non_null(rescue);
	/* The rescue line has no command= of its own. */
	char *bol = rescue;
	while (bol > text && bol[-1] != '\n')
		bol--;
	assert_null(memmem(bol, (size_t)(rescue - bol), "command=", 8));
	assert_null(strstr(text, "sesame-role"));
	free(text);
	/* dropbear and the unlock program, with root's account. */
	e = find(&l, "/usr/sbin/dropbear");
	assert_non_null(e);
	assert_int_equal(e->mode, 0755);
	e = find(&l, AUTHKEYS_UNLOCK_COMMAND);
	assert_non_null(e);
	assert_string_equal(e->location, "/bin/true");
	e = find(&l, "/etc/passwd");
	assert_non_null(e);
	assert_memory_equal(e->data, "root:x:0:0:root:/root:/bin/sh\n",
			    e->data_len);
	assert_non_null(find(&l, "/etc/group"));
	list_free(&l);

	/* A second build reuses the keys (nothing made anew). */
	struct stat st1, st2;
	snprintf(path, sizeof(path), "%s/%s", kd, keys_host_key_file(0));
	assert_int_equal(stat(path, &st1), 0);
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);
	list_free(&l);

	/* --unlock-no-pty writes no-pty on the unlock key. */
	o.unlock_no_pty = 1;
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), 0);
	e = find(&l, AUTHKEYS_IMAGE_PATH);
	assert_non_null(memmem(e->data, e->data_len, "no-pty", 6));
	list_free(&l);
	rm_rf(dir);
}

/* `sesame keys show ARGS` in-process; its stdout, malloc'd. */
static char *keys_show_output(const char *kd)
{
	char out[] = "/tmp/test_image_build.out.XXXXXX";
	char *argv[] = {"keys",		  "show",
			"--dir",	  (char *)(uintptr_t)kd,
			"--fingerprints", NULL};
	int fd = mkstemp(out), saved;
	char *text = NULL;
	size_t len;

	assert_true(fd >= 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	assert_int_equal(cmd_keys(5, argv), 0);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	assert_int_equal(file_read_all(out, 1 << 16, &text, &len), 0);
	unlink(out);
	return text;
}

/*
 * The fingerprint file /init prints: the builder's lines are exactly what
 * `sesame keys show --fingerprints` prints for the same key dir, and all
 * pass /init's reader.
 */
static void ssh_fingerprints_as_keys_show(void **state)
{
	char dir[] = "/tmp/test_image_build.XXXXXX", ak[128], kd[128];
	struct build_opts o = {
	    .init = "/bin/true", .no_modules = 1, .unlock = "/bin/true"};
	struct image_list l;
	const struct list_entry *e;
	char *shown, *keys_lines, *p;
	size_t klen = 0;

	(void)state;
	if (access("/usr/sbin/dropbear", X_OK) < 0)
		skip();
	require_tool("dropbearkey", "dropbear-bin");
	ssh_fixture(dir, ak, sizeof(ak), KEY_ED25519 " admin@laptop\n");
	snprintf(kd, sizeof(kd), "%s/keys", dir);
	o.authorized_keys = ak;
	o.keydir = kd;
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), 0);
	e = find(&l, KEYS_FINGERPRINTS_IMAGE_PATH);
	assert_non_null(e);
	assert_non_null(e->data);
	assert_int_equal(e->mode, 0644);
	/* the file's key lines (its '#' lines dropped) */
	keys_lines = calloc(1, e->data_len + 1);
	assert_non_null(keys_lines);
	for (const char *q = e->data, *end = q + e->data_len; q < end;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		size_t n = nl ? (size_t)(nl - q) + 1 : (size_t)(end - q);
		if (*q != '#') {
			memcpy(keys_lines + klen, q, n);
			klen += n;
		}
		q += n;
	}
	shown = keys_show_output(kd);
	assert_string_equal(keys_lines, shown);
	/* one line per host key, each "BITS SHA256:... (TYPE)" */
	p = shown;
	for (size_t i = 0; i < KEYS_COUNT; i++) {
		assert_non_null(strstr(p, " SHA256:"));
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	assert_string_equal(p, "");
	assert_int_equal(keys_fpfile_log_text("image", e->data, e->data_len),
			 KEYS_COUNT);
	free(shown);
	free(keys_lines);
	list_free(&l);
	rm_rf(dir);
}

/*
 * A host key that is the system's own (here dropbear's, under a fake root)
 * is an error; --allow-system-host-key builds anyway, with warnings.
 */
static void ssh_system_host_key_refused(void **state)
{
	char dir[] = "/tmp/test_image_build.XXXXXX", ak[128], kd[128];
	char root[128], cmd[512];
	struct build_opts o = {
	    .init = "/bin/true", .no_modules = 1, .unlock = "/bin/true"};
	struct image_list l;
	unsigned warns;

	(void)state;
	require_tool("dropbearkey", "dropbear-bin");
	ssh_fixture(dir, ak, sizeof(ak), KEY_ED25519 " admin@laptop\n");
	snprintf(kd, sizeof(kd), "%s/keys", dir);
	snprintf(root, sizeof(root), "%s/root", dir);
	assert_int_equal(mkdir(root, 0755), 0);
	o.authorized_keys = ak;
	o.keydir = kd;
	o.system_root = root;
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), 0); /* keys made, distinct */
	list_free(&l);
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/etc/dropbear && cp %s/%s %s/etc/dropbear/", root,
		 kd, KEYS_ED25519_FILE, root);
	assert_int_equal(system(cmd), 0);
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), -EEXIST);
	list_free(&l);
	o.allow_system_host_key = 1;
	warns = log_warn_count();
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), 0);
	assert_true(log_warn_count() > warns);
	assert_non_null(find(&l, KEYS_PUBLIC_IMAGE_PATH));
	list_free(&l);
	rm_rf(dir);
}

/* Without keys: a warning, no dropbear, no unlock, no host keys. */
static void ssh_no_keys_warns(void **state)
{
	struct build_opts o = {
	    .init = "/bin/true", .no_modules = 1, .unlock = "/bin/true"};
	struct image_list l;
	unsigned warns = log_warn_count();

	(void)state;
	if (access(AUTHKEYS_DEFAULT_PATH, F_OK) == 0)
		skip(); /* this machine has keys at the default path */
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), 0);
	assert_true(log_warn_count() > warns);
	assert_null(find(&l, "/usr/sbin/dropbear"));
	assert_null(find(&l, AUTHKEYS_UNLOCK_COMMAND));
	assert_null(find(&l, AUTHKEYS_IMAGE_PATH));
	assert_null(find(&l, KEYS_IMAGE_DIR));
	list_free(&l);
	/* --no-ssh: the same, without the warning. */
	o.no_ssh = 1;
	warns = log_warn_count();
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), 0);
	assert_int_equal(log_warn_count(), warns);
	assert_null(find(&l, "/usr/sbin/dropbear"));
	list_free(&l);
}

/* A bad authorized_keys line fails the build (the parser names it). */
static void ssh_bad_key_fails(void **state)
{
	char dir[] = "/tmp/test_image_build.XXXXXX", ak[128], kd[128];
	struct build_opts o = {
	    .init = "/bin/true", .no_modules = 1, .unlock = "/bin/true"};
	struct image_list l;

	(void)state;
	ssh_fixture(dir, ak, sizeof(ak),
		    KEY_ED25519 " ok\nssh-dss AAAA broken\n");
	snprintf(kd, sizeof(kd), "%s/keys", dir);
	o.authorized_keys = ak;
	o.keydir = kd;
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), -EBADMSG);
	list_free(&l);
	/* Nothing was made for a build that failed on its keys. */
	assert_int_equal(access(kd, F_OK), -1);
	/* A named file that does not exist fails too. */
	o.authorized_keys = "/nonexistent/authorized_keys";
	list_init(&l);
	assert_true(build_assemble(&o, &l) < 0);
	list_free(&l);
	rm_rf(dir);
}

/*
 * What is dlopen()ed comes along: glibc loads libgcc_s.so.1 when a thread
 * exits, and libcryptsetup computes an Argon2id keyslot in threads. A
 * tree made from the image list of cryptsetup alone opens a LUKS2 header
 * whose keyslot is Argon2id with 2 threads; without libgcc_s it aborts
 * ("libgcc_s.so.1 must be installed for pthread_exit to work").
 * tests/unit/data/luks2-argon2id-2threads.img: a 160 KiB header-only LUKS2
 * file, passphrase "sesame-test", made with `cryptsetup luksFormat --type
 * luks2 --key-size 256 --pbkdf argon2id --pbkdf-memory 16384
 * --pbkdf-parallel 2 --pbkdf-force-iterations 4 --luks2-metadata-size 16k
 * --luks2-keyslots-size 128k` (checked in: on a one-CPU machine cryptsetup
 * would lower the threads to 1, and one thread never exits).
 */
#define ARGON2_FIXTURE "tests/unit/data/luks2-argon2id-2threads.img"
static void dlopened_libgcc_s_runs_argon2(void **state)
{
	struct build_opts o = {.no_init = 1, .no_modules = 1, .no_ssh = 1};
	struct image_list l;
	char dir[] = "/tmp/test_image_build.XXXXXX", cmd[512];
	int found = 0, st;

	(void)state;
	if (geteuid() != 0 || access("/usr/sbin/cryptsetup", X_OK) != 0) {
		skip(); /* chroot needs root; cryptsetup comes with deps.sh */
		return;
	}
	push(&o.binaries, "/usr/sbin/cryptsetup");
	list_init(&l);
	assert_int_equal(build_assemble(&o, &l), 0);
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].type == LIST_FILE &&
		    strstr(l.v[i].name, "/libgcc_s.so.1"))
			found = 1;
	assert_true(found);
	assert_int_equal(list_add_nod(&l, "/dev/null", 0666, 'c', 1, 3), 0);
	assert_int_equal(list_add_nod(&l, "/dev/random", 0666, 'c', 1, 8), 0);
	assert_int_equal(list_add_nod(&l, "/dev/urandom", 0666, 'c', 1, 9), 0);
	assert_int_equal(list_add_file(&l, "/hdr.img", ARGON2_FIXTURE, 0644),
			 0);
	assert_int_equal(list_add_data(&l, "/pass", "sesame-test", 11, 0600),
			 0);
	assert_int_equal(list_finish(&l), 0);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(cpio_write_tree(&l, dir), 0);
	list_free(&l);
	snprintf(cmd, sizeof(cmd),
		 "chroot %s /usr/sbin/cryptsetup open --test-passphrase "
		 "--key-file=/pass /hdr.img",
		 dir);
	st = system(cmd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	if (st != 0)
		print_error("cryptsetup in the image tree: status %d\n", st);
	assert_int_equal(st, 0);
	free_opts(&o);
}

int main(void)

{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(default_layout),
	    cmocka_unit_test(boot_config_and_files),
	    cmocka_unit_test(user_lists_win),
	    cmocka_unit_test(refuses_bad_input),
	    cmocka_unit_test(cli_list_round_trip),
	    cmocka_unit_test(ssh_keys_embedded),
	    cmocka_unit_test(ssh_fingerprints_as_keys_show),
	    cmocka_unit_test(ssh_system_host_key_refused),
	    cmocka_unit_test(ssh_no_keys_warns),
	    cmocka_unit_test(ssh_bad_key_fails),
	    cmocka_unit_test(dlopened_libgcc_s_runs_argon2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
