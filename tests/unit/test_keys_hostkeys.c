/* test_keys_hostkeys: `sesame keys init|show` and keys_ensure() on a scratch
 * key dir (needs dropbearkey). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "keys/fingerprint.h"
#include "keys/keys.h"
#include "tool/commands.h"
#include "keys/testkeys.h"
#include "tests/unit/require_tool.h"

struct fixture {
	char dir[64];  /* the scratch dir */
	char keys[96]; /* the key dir inside it, made by the code */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/sesame-hostkeys.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->keys, sizeof(fx->keys), "%s/etc/keys", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

static void require_dropbearkey(void)
{
	require_tool("dropbearkey", "dropbear-bin");
}

/* Runs `sesame keys ARGS...`, stdout into *outp (malloc'd). */
static int run_keys(char **outp, int argc, ...)
{
	char *argv[16], path[] = "/tmp/sesame-out.XXXXXX";
	int fd = mkstemp(path), saved, status;
	size_t len;
	va_list ap;

	assert_true(fd >= 0 && argc < 15);
	argv[0] = (char *)(uintptr_t) "keys";
	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i + 1] = va_arg(ap, char *);
	va_end(ap);
	argv[argc + 1] = NULL;
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	status = cmd_keys(argc + 1, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(fd);
	if (outp)
		assert_int_equal(file_read_all(path, 1 << 20, outp, &len), 0);
	unlink(path);
	return status;
}

/* A key file's bytes (binary: dropbear's format), as a printable hex string. */
static char *read_key(const struct fixture *fx, const char *name)
{
	char path[160], *buf = NULL, *hex;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", fx->keys, name);
	if (file_read_all(path, 1 << 16, &buf, &len) < 0)
		return NULL;
	hex = malloc(len * 2 + 1);
	assert_non_null(hex);
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)buf[i]);
	hex[len * 2] = '\0';
	free(buf);
	return hex;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

/* No temporaries left in the key dir. */
static void assert_only_keys(const struct fixture *fx)
{
	DIR *d = opendir(fx->keys);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' &&
		    (!e->d_name[1] || !strcmp(e->d_name, "..")))
			continue;
		assert_true(!strcmp(e->d_name, KEYS_ED25519_FILE) ||
			    !strcmp(e->d_name, KEYS_ECDSA_FILE));
		n++;
	}
	closedir(d);
	assert_int_equal(n, KEYS_COUNT);
}

static void init_makes_private_keys_once(void **state)
{
	struct fixture *fx = *state;
	char path[160], *ed, *ec, *again;

	require_dropbearkey();
	assert_int_equal(run_keys(NULL, 3, "init", "--dir", fx->keys), EXIT_OK);
	assert_int_equal(mode_of(fx->keys), 0700);
	for (size_t i = 0; i < KEYS_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s", fx->keys,
			 keys_host_key_file(i));
		assert_int_equal(mode_of(path), 0600);
	}
	assert_null(keys_host_key_file(KEYS_COUNT));
	assert_only_keys(fx);
	ed = read_key(fx, KEYS_ED25519_FILE);
	ec = read_key(fx, KEYS_ECDSA_FILE);
	assert_non_null(ed);
	assert_non_null(ec);
	/* a second init refuses and changes nothing */
	assert_int_equal(run_keys(NULL, 3, "init", "--dir", fx->keys),
			 EXIT_FAIL);
	again = read_key(fx, KEYS_ED25519_FILE);
	assert_string_equal(again, ed);
	free(again);
	/* --force replaces both */
	assert_int_equal(
	    run_keys(NULL, 4, "init", "--dir", fx->keys, "--force"), EXIT_OK);
	again = read_key(fx, KEYS_ED25519_FILE);
	assert_string_not_equal(again, ed);
	free(again);
	again = read_key(fx, KEYS_ECDSA_FILE);
	assert_string_not_equal(again, ec);
	free(again);
	assert_only_keys(fx);
	snprintf(path, sizeof(path), "%s/%s", fx->keys, KEYS_ED25519_FILE);
	assert_int_equal(mode_of(path), 0600);
	free(ed);
	free(ec);
}

static void ensure_fills_in_missing_keys(void **state)
{
	struct fixture *fx = *state;
	char path[160], *ec, *again;
	bool created = true;

	require_dropbearkey();
	assert_int_equal(keys_ensure(fx->keys, &created), 0);
	assert_true(created);
	assert_int_equal(keys_ensure(fx->keys, &created), 0);
	assert_false(created);
	ec = read_key(fx, KEYS_ECDSA_FILE);
	snprintf(path, sizeof(path), "%s/%s", fx->keys, KEYS_ED25519_FILE);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(keys_ensure(fx->keys, &created), 0);
	assert_true(created);
	again = read_key(fx, KEYS_ECDSA_FILE);
	assert_string_equal(again, ec); /* the other key untouched */
	free(again);
	free(ec);
	assert_only_keys(fx);
}

static void ensure_refuses_odd_paths(void **state)
{
	struct fixture *fx = *state;
	char path[160];
	bool created = false;

	if (access("/etc/ssh", F_OK) == 0)
		assert_int_equal(keys_ensure("/etc/ssh", &created), -EPERM);
	/* a symlink where a key belongs */
	snprintf(path, sizeof(path), "%s/etc", fx->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(mkdir(fx->keys, 0700), 0);
	snprintf(path, sizeof(path), "%s/%s", fx->keys, KEYS_ED25519_FILE);
	assert_int_equal(symlink("/etc/hostname", path), 0);
	assert_int_equal(keys_ensure(fx->keys, &created), -EINVAL);
	assert_int_equal(run_keys(NULL, 3, "show", "--dir", fx->keys),
			 EXIT_FAIL);
}

static void failed_keygen_leaves_nothing(void **state)
{
	struct fixture *fx = *state;
	bool created = false;
	DIR *d;
	struct dirent *e;

	setenv("SESAME_DROPBEARKEY", "false", 1);
	assert_int_equal(keys_ensure(fx->keys, &created), -EIO);
	unsetenv("SESAME_DROPBEARKEY");
	d = opendir(fx->keys);
	assert_non_null(d);
	while ((e = readdir(d)))
		assert_int_equal(e->d_name[0], '.');
	closedir(d);
	setenv("SESAME_DROPBEARKEY", "/nonexistent/dropbearkey", 1);
	assert_true(keys_ensure(fx->keys, &created) < 0);
	unsetenv("SESAME_DROPBEARKEY");
}

static bool matches(const char *re, const char *s)
{
	regex_t rx;
	bool m;

	assert_int_equal(regcomp(&rx, re, REG_EXTENDED | REG_NEWLINE), 0);
	m = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return m;
}

static void show_prints_fingerprints_and_known_hosts(void **state)
{
	struct fixture *fx = *state;
	char *out = NULL, *pub = NULL, desc[KEYS_DESCRIBE_MAX];
	size_t len;
	bool created;

	require_dropbearkey();
	assert_int_equal(run_keys(NULL, 3, "show", "--dir", fx->keys),
			 EXIT_FAIL); /* nothing there yet */
	assert_int_equal(keys_ensure(fx->keys, &created), 0);
	assert_int_equal(keys_read_public(fx->keys, &pub, &len), 0);
	assert_true(matches("^ssh-ed25519 AAAA[A-Za-z0-9+/=]+ sesame\n"
			    "ecdsa-sha2-nistp256 AAAA[A-Za-z0-9+/=]+ sesame\n$",
			    pub));
	assert_int_equal(
	    keys_describe_line(pub, strcspn(pub, "\n"), desc, sizeof(desc)), 0);

	assert_int_equal(run_keys(&out, 7, "show", "--dir", fx->keys, "--alias",
				  "box1", "--host", "box1.example.org"),
			 EXIT_OK);
	assert_true(
	    matches("^#   256 SHA256:[A-Za-z0-9+/]{43} \\(ED25519\\)$", out));
	assert_true(
	    matches("^#   256 SHA256:[A-Za-z0-9+/]{43} \\(ECDSA\\)$", out));
	assert_non_null(strstr(out, desc));
	assert_true(matches("^#   Host box1-initramfs$", out));
	assert_true(matches("^#     HostName box1.example.org$", out));
	assert_true(matches("^#     HostKeyAlias sesame-box1$", out));
	assert_true(
	    matches("^sesame-box1 ssh-ed25519 AAAA[A-Za-z0-9+/=]+$", out));
	assert_true(matches("^sesame-box1 ecdsa-sha2-nistp256 "
			    "AAAA[A-Za-z0-9+/=]+$",
			    out));
	free(out);

	assert_int_equal(
	    run_keys(&out, 4, "show", "--dir", fx->keys, "--fingerprints"),
	    EXIT_OK);
	assert_true(matches("^256 SHA256:[A-Za-z0-9+/]{43} \\(ED25519\\)\n"
			    "256 SHA256:[A-Za-z0-9+/]{43} \\(ECDSA\\)\n$",
			    out));
	assert_int_equal(strncmp(out, desc, strlen(desc)), 0);
	free(out);
	free(pub);

	/* SESAME_KEYDIR is the default dir */
	setenv("SESAME_KEYDIR", fx->keys, 1);
	assert_string_equal(keys_default_dir(), fx->keys);
	assert_int_equal(run_keys(NULL, 2, "show", "--fingerprints"), EXIT_OK);
	unsetenv("SESAME_KEYDIR");
}

/* Writes text to path, making its parent directories. */
static void put_file(const char *path, const char *text)
{
	char cmd[512];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* OpenSSH's public keys under a fake root's etc/ssh. */
static void system_keys_are_detected(void **state)
{
	struct fixture *fx = *state;
	char root[128], path[192], line[512], *pub = NULL;
	size_t len, first;
	bool created;

	require_dropbearkey();
	assert_int_equal(keys_ensure(fx->keys, &created), 0);
	assert_int_equal(keys_read_public(fx->keys, &pub, &len), 0);
	snprintf(root, sizeof(root), "%s/root", fx->dir);
	assert_int_equal(mkdir(root, 0755), 0);
	/* a root without any key directory */
	assert_int_equal(keys_check_distinct(pub, len, root), 0);
	/* an unrelated system key, and junk */
	snprintf(path, sizeof(path), "%s/etc/ssh/ssh_host_rsa_key.pub", root);
	put_file(path, KEY_ED25519 " root@host\n");
	snprintf(path, sizeof(path), "%s/etc/ssh/ssh_host_dsa_key.pub", root);
	put_file(path, "garbage\n");
	assert_int_equal(keys_check_distinct(pub, len, root), 0);
	/* the image's ed25519 key copied from the system's */
	snprintf(path, sizeof(path), "%s/etc/ssh/ssh_host_ed25519_key.pub",
		 root);
	first = strcspn(pub, "\n");
	snprintf(line, sizeof(line), "%.*s root@host\n", (int)(first - 7), pub);
	put_file(path, line);
	assert_int_equal(keys_check_distinct(pub, len, root), -EEXIST);
	free(pub);
}

/*
 * dropbear's own keys (its private format) under etc/dropbear,
 * etc/dropbear/initramfs and etc/dropbear-initramfs: compared by their
 * public halves.
 */
static void system_dropbear_keys_are_detected(void **state)
{
	static const char *const dirs[] = {
	    "etc/dropbear",
	    "etc/dropbear/initramfs",
	    "etc/dropbear-initramfs",
	};
	struct fixture *fx = *state;
	char root[128], path[256], cmd[640], *pub = NULL;
	size_t len;
	bool created;

	require_dropbearkey();
	assert_int_equal(keys_ensure(fx->keys, &created), 0);
	assert_int_equal(keys_read_public(fx->keys, &pub, &len), 0);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(root, sizeof(root), "%s/root%zu", fx->dir, i);
		/* the system's own dropbear keys, made apart, and junk */
		snprintf(cmd, sizeof(cmd),
			 "mkdir -p %s/%s && dropbearkey -t ed25519 -f "
			 "%s/%s/dropbear_ed25519_host_key >/dev/null 2>&1 && "
			 "echo junk >%s/%s/dropbear_rsa_host_key",
			 root, dirs[i], root, dirs[i], root, dirs[i]);
		assert_int_equal(system(cmd), 0);
		assert_int_equal(keys_check_distinct(pub, len, root), 0);
		/* the image's ecdsa key is the system dropbear's */
		snprintf(cmd, sizeof(cmd),
			 "cp %s/%s %s/%s/dropbear_ecdsa_host_key", fx->keys,
			 KEYS_ECDSA_FILE, root, dirs[i]);
		assert_int_equal(system(cmd), 0);
		assert_int_equal(keys_check_distinct(pub, len, root), -EEXIST);
		/* a file of another name is not a host key */
		snprintf(path, sizeof(path), "%s/%s/dropbear_ecdsa_host_key",
			 root, dirs[i]);
		snprintf(cmd, sizeof(cmd), "%s.bak", path);
		assert_int_equal(rename(path, cmd), 0);
		assert_int_equal(keys_check_distinct(pub, len, root), 0);
	}
	free(pub);
}

static void check_lists_roles(void **state)
{
	struct fixture *fx = *state;
	char path[128], *out = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/ak", fx->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# keys\n" KEY_ED25519 " alice\nsesame-role=rescue " KEY_ECDSA256
	      "\n",
	      f);
	fclose(f);
	assert_int_equal(run_keys(&out, 2, "check", path), EXIT_OK);
	assert_non_null(strstr(out, ":2: unlock " FP_ED25519 " alice\n"));
	assert_non_null(strstr(out, ":3: rescue " FP_ECDSA256 "\n"));
	assert_non_null(strstr(out, "2 keys: 1 unlock, 1 rescue\n"));
	free(out);
	assert_int_equal(run_keys(&out, 3, "check", path, "--render"), EXIT_OK);
	assert_non_null(
	    strstr(out, "command=\"/bin/unlock\",no-port-forwarding,"));
	assert_null(strstr(out, "no-pty"));
	assert_null(strstr(out, "sesame-role"));
	free(out);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("ssh-dss AAAA\n", f);
	fclose(f);
	assert_int_equal(run_keys(NULL, 2, "check", path), EXIT_FAIL);
	assert_int_equal(run_keys(NULL, 3, "check", path, path), EXIT_USAGE);
	assert_int_equal(run_keys(NULL, 3, "show", "--render", "x"),
			 EXIT_USAGE);
}

static void usage_errors(void **state)
{
	(void)state;
	assert_int_equal(run_keys(NULL, 0), EXIT_USAGE);
	assert_int_equal(run_keys(NULL, 1, "frobnicate"), EXIT_USAGE);
	assert_int_equal(run_keys(NULL, 2, "show", "--bogus"), EXIT_USAGE);
	assert_int_equal(run_keys(NULL, 2, "show", "extra"), EXIT_USAGE);
	assert_int_equal(run_keys(NULL, 3, "show", "--alias", "a b"),
			 EXIT_USAGE);
	assert_int_equal(run_keys(NULL, 3, "show", "--alias", "-x"),
			 EXIT_USAGE);
	assert_int_equal(run_keys(NULL, 2, "show", "--force"), EXIT_USAGE);
	assert_int_equal(run_keys(NULL, 3, "init", "--alias", "x"), EXIT_USAGE);
	assert_int_equal(run_keys(NULL, 1, "--help"), EXIT_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(init_makes_private_keys_once, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(ensure_fills_in_missing_keys, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(ensure_refuses_odd_paths, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(failed_keygen_leaves_nothing, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		show_prints_fingerprints_and_known_hosts, setup, teardown),
	    cmocka_unit_test_setup_teardown(system_dropbear_keys_are_detected,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(system_keys_are_detected, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(check_lists_roles, setup, teardown),
	    cmocka_unit_test(usage_errors),
	};
	return cmocka_run_group_tests_name("keys_hostkeys", tests, NULL, NULL);
}
