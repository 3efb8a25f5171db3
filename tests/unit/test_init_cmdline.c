/* test_init_cmdline: boot parameters from hostile command lines and config
 * files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init/cmdline.h"

static struct boot_config *parse(const char *s, bool is_file)
{
	static struct boot_config c;

	boot_config_init(&c);
	assert_int_equal(boot_config_parse(&c, s, strlen(s), is_file), 0);
	return &c;
}

static void defaults(void **state)
{
	struct boot_config *c = parse("", false);

	(void)state;
	assert_int_equal(c->root.kind, SPEC_NONE);
	assert_false(c->rw);
	assert_int_equal(c->timeout_sec, 180);
	assert_int_equal(c->emergency, EMERGENCY_DEFAULT);
	assert_false(c->shell);
	assert_int_equal(c->fsck, FSCK_AUTO);
	assert_int_equal(c->reboot_delay_sec, 30);
	assert_string_equal(c->init, "");
}

static void root_forms_and_flags(void **state)
{
	struct boot_config *c = parse(
	    "BOOT_IMAGE=/vmlinuz "
	    "root=UUID=0a1b2c3d-0000-4000-8000-00000000abcd "
	    "rootfstype=ext4 rootflags=noatime,data=ordered rw init=/bin/sh "
	    "rd.timeout=30 rd.shell rd.debug quiet\n",
	    false);

	(void)state;
	assert_int_equal(c->root.kind, SPEC_UUID);
	assert_string_equal(c->root.value,
			    "0a1b2c3d-0000-4000-8000-00000000abcd");
	assert_string_equal(c->rootfstype, "ext4");
	assert_string_equal(c->rootflags, "noatime,data=ordered");
	assert_true(c->rw);
	assert_string_equal(c->init, "/bin/sh");
	assert_int_equal(c->timeout_sec, 30);
	assert_true(c->shell);
	assert_true(c->debug);
	assert_int_equal(c->warnings, 0);
}

static void quotes_group_values(void **state)
{
	struct boot_config *c = parse("root=\"LABEL=my root\" "
				      "rootflags=\"a b\"c",
				      false);

	(void)state;
	assert_int_equal(c->root.kind, SPEC_LABEL);
	assert_string_equal(c->root.value, "my root");
	assert_string_equal(c->rootflags, "a bc");
	/* A whole word in quotes, as the kernel allows. */
	c = parse("\"root=PARTLABEL=sys a\"", false);
	assert_int_equal(c->root.kind, SPEC_PARTLABEL);
	assert_string_equal(c->root.value, "sys a");
	/* Unterminated: the rest of the input is the value. */
	c = parse("root=\"LABEL=x y", false);
	assert_string_equal(c->root.value, "x y");
}

static void later_words_override(void **state)
{
	struct boot_config c;
	const char *conf = "# embedded\nrd.timeout=10 rw\nroot=LABEL=a # x\n";
	const char *cmd = "root=LABEL=b ro";

	(void)state;
	boot_config_init(&c);
	boot_config_parse(&c, conf, strlen(conf), true);
	assert_string_equal(c.root.value, "a");
	assert_true(c.rw);
	boot_config_parse(&c, cmd, strlen(cmd), false);
	assert_string_equal(c.root.value, "b");
	assert_false(c.rw);
	assert_int_equal(c.timeout_sec, 10);
	/* The comment's words were not applied nor stored. */
	assert_null(boot_config_get(&c, "x"));
	assert_int_equal(c.warnings, 0);
}

static void comments_only_in_files(void **state)
{
	struct boot_config *c = parse("#rw root=LABEL=a", false);

	(void)state;
	/* "#rw" is just an unknown word on the kernel command line. */
	assert_false(c->rw);
	assert_string_equal(c->root.value, "a");
	c = parse("#rw root=LABEL=a", true);
	assert_int_equal(c->root.kind, SPEC_NONE);
}

static void double_dash_ends_parameters(void **state)
{
	struct boot_config *c = parse("root=LABEL=a -- rw single", false);

	(void)state;
	assert_false(c->rw);
	assert_null(boot_config_get(c, "single"));
}

static void malformed_keeps_previous(void **state)
{
	static const char *const bad[] = {
	    "rd.timeout=-1",
	    "rd.timeout=12x",
	    "rd.timeout=99999999999999999999",
	    "rd.timeout=86401",
	    "rd.timeout",
	    "rd.shell=maybe",
	    "rd.break=nowhere",
	    "sesame.emergency=explode",
	    "init=sbin/init",
	    "root=UUID=zz-not-hex",
	    "root=",
	    "root=/dev/../etc/shadow",
	    "root=/etc/passwd",
	    "rootfstype=ext4;rm",
	    "ro=1",
	    "sesame.mount=/var/../etc",
	    "sesame.mount=relative",
	    "fsck.mode=sometimes",
	    "sesame.reboot_delay=soon",
	    "root=PARTUUID=abc/PARTNROFF=1",
	    "rootfstype=",
	};
	struct boot_config c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		boot_config_init(&c);
		boot_config_parse(&c, bad[i], strlen(bad[i]), false);
		assert_int_equal(c.warnings, 1);
		assert_int_equal(c.timeout_sec, 180);
		assert_false(c.shell);
		assert_int_equal(c.breaks, 0);
		assert_int_equal(c.emergency, EMERGENCY_DEFAULT);
		assert_string_equal(c.init, "");
		assert_int_equal(c.root.kind, SPEC_NONE);
		assert_string_equal(c.rootfstype, "");
		assert_int_equal(c.n_mounts, 0);
		assert_int_equal(c.fsck, FSCK_AUTO);
		assert_int_equal(c.reboot_delay_sec, 30);
	}
	/* A good value then a bad one: the good one stays. */
	boot_config_init(&c);
	boot_config_parse(&c, "rd.timeout=5 rd.timeout=x", 25, false);
	assert_int_equal(c.timeout_sec, 5);
}

/* NFS roots are kept as given, for boot_setup_root() with nfsroot=. */
static void nfs_roots_kept(void **state)
{
	static const char *const roots[] = {
	    "nfs:10.0.0.1:/srv", "nfs4:/x", "/dev/nfs", "dhcp",
	    "10.0.0.1:/srv:vers=3",
	};
	struct boot_config c;
	char word[64];

	(void)state;
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		int n = snprintf(word, sizeof(word), "root=%s", roots[i]);
		boot_config_init(&c);
		boot_config_parse(&c, word, (size_t)n, false);
		assert_int_equal(c.warnings, 0);
		assert_int_equal(c.root.kind, SPEC_NFS);
		assert_string_equal(c.root.value, roots[i]);
	}
}

static void breaks_shell_emergency(void **state)
{
	struct boot_config *c =
	    parse("rd.break rd.break=pre-mount rd.shell=0 "
		  "sesame.emergency=reboot sesame.reboot_delay=5 "
		  "fsck.mode=force rd.timeout=0",
		  false);

	(void)state;
	assert_int_equal(c->breaks, BREAK_PRE_PIVOT | BREAK_PRE_MOUNT);
	assert_false(c->shell);
	assert_int_equal(c->emergency, EMERGENCY_REBOOT);
	assert_int_equal(c->reboot_delay_sec, 5);
	assert_int_equal(c->fsck, FSCK_FORCE);
	assert_int_equal(c->timeout_sec, 0);
	c = parse("rd.skipfsck rd.emergency=poweroff", false);
	assert_int_equal(c->fsck, FSCK_SKIP);
	assert_int_equal(c->emergency, EMERGENCY_POWEROFF);
}

static void mounts_deduplicated_and_bounded(void **state)
{
	struct boot_config *c = parse("sesame.mount=/var sesame.mount=/var "
				      "sesame.mount=/srv/data",
				      false);
	char buf[512] = "";

	(void)state;
	assert_int_equal(c->n_mounts, 2);
	assert_string_equal(c->mounts[1], "/srv/data");
	for (int i = 0; i < BOOT_MAX_MOUNTS + 2; i++) {
		char w[32];
		snprintf(w, sizeof(w), "sesame.mount=/m%d ", i);
		strcat(buf, w);
	}
	c = parse(buf, false);
	assert_int_equal(c->n_mounts, BOOT_MAX_MOUNTS);
	assert_int_equal(c->warnings, 2);
}

static void foreign_and_unknown_kept(void **state)
{
	struct boot_config *c = parse("ip=dhcp rd.luks.uuid=a rd.luks.uuid=b "
				      "rd.neednet foo=bar",
				      false);
	const char *v;
	unsigned it = 0;

	(void)state;
	assert_int_equal(c->warnings, 0);
	assert_string_equal(boot_config_get(c, "ip"), "dhcp");
	assert_int_equal(boot_config_find(c, "rd.luks.uuid", &it, &v), 0);
	assert_string_equal(v, "a");
	assert_int_equal(boot_config_find(c, "rd.luks.uuid", &it, &v), 0);
	assert_string_equal(v, "b");
	assert_int_equal(boot_config_find(c, "rd.luks.uuid", &it, &v), -ENOENT);
	it = 0;
	assert_int_equal(boot_config_find(c, "rd.neednet", &it, &v), 0);
	assert_null(v);
	assert_string_equal(boot_config_get(c, "foo"), "bar");
}

static void hostile_words(void **state)
{
	struct boot_config c;
	char *big = malloc(70000);
	const char ctl[] = "root=LABEL=a\x01b rw";
	const char nul[] = "rw\0root=LABEL=z";

	(void)state;
	/* One over-long word is refused whole, the next still counts. */
	memset(big, 'a', 70000);
	memcpy(big, "root=LABEL=", 11);
	memcpy(big + 69996, " rw", 3);
	big[69999] = '\0';
	boot_config_init(&c);
	assert_int_equal(boot_config_parse(&c, big, strlen(big), false), 0);
	assert_int_equal(c.root.kind, SPEC_NONE);
	assert_true(c.rw);
	assert_int_equal(c.warnings, 1);
	/* Control characters are refused. */
	boot_config_init(&c);
	boot_config_parse(&c, ctl, sizeof(ctl) - 1, false);
	assert_int_equal(c.root.kind, SPEC_NONE);
	assert_true(c.rw);
	/* A NUL separates words; nothing reads past len. */
	boot_config_init(&c);
	boot_config_parse(&c, nul, sizeof(nul) - 1, false);
	assert_true(c.rw);
	assert_string_equal(c.root.value, "z");
	/* Too many words: -E2BIG, what came before still applies. */
	for (int i = 0; i < 69990; i += 2)
		memcpy(big + i, "x ", 2);
	memcpy(big, "rw ", 3);
	boot_config_init(&c);
	assert_int_equal(boot_config_parse(&c, big, 69990, false), -E2BIG);
	assert_true(c.rw);
	assert_int_equal(c.n_words, BOOT_MAX_WORDS);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults),
	    cmocka_unit_test(root_forms_and_flags),
	    cmocka_unit_test(quotes_group_values),
	    cmocka_unit_test(later_words_override),
	    cmocka_unit_test(comments_only_in_files),
	    cmocka_unit_test(double_dash_ends_parameters),
	    cmocka_unit_test(malformed_keeps_previous),
	    cmocka_unit_test(nfs_roots_kept),
	    cmocka_unit_test(breaks_shell_emergency),
	    cmocka_unit_test(mounts_deduplicated_and_bounded),
	    cmocka_unit_test(foreign_and_unknown_kept),
	    cmocka_unit_test(hostile_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
