/* test_sshd_luks: LUKS config parsing, the attempt policy, and real LUKS1/LUKS2
 * headers in files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <libcryptsetup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "tests/unit/sshd_fixtures.h"
#include "sshd/luks.h"
#include "sshd/secret.h"

#define UUID_A "11111111-2222-3333-4444-555555555555"
#define UUID_B "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
#define UUID_C "12345678-1234-1234-1234-123456789abc"
#define UUID_D "0000aaaa-0000-0000-0000-00000000000d"

static char tmpdir[64];
static char img_a[128], img_b[128], img_v1[128], img_argon[128], img_junk[128];
static char img_big[128], img_mixed[128];
static int mixed_small_slot; /* img_mixed's 1 MiB key slot */

/* ---- fake side effects: verify-only activation, a settable clock ---- */

static uint64_t fake_now;
static const char *fake_active_name;
static unsigned fake_activations;

static int fake_is_active(const char *name)
{
	return fake_active_name && !strcmp(name, fake_active_name);
}

static int fake_slots[8]; /* the key slot each activation asked for */

static int fake_activate(struct crypt_device *cd, const char *name, int keyslot,
			 const char *pass, size_t len, uint32_t flags)
{
	(void)name;
	(void)flags;
	if (fake_activations < 8)
		fake_slots[fake_activations] = keyslot;
	fake_activations++;
	/* A NULL name only checks the passphrase: no device-mapper needed. */
	return crypt_activate_by_passphrase(cd, NULL, keyslot, pass, len, 0);
}

static uint64_t fake_clock(void)
{
	return fake_now;
}

/* MemAvailable as the worker sees it: fake_mem_kib, or fake_mem_err. */
static uint64_t fake_mem_kib;
static int fake_mem_err;

static int fake_mem(uint64_t *kibp)
{
	if (fake_mem_err)
		return fake_mem_err;
	*kibp = fake_mem_kib;
	return 0;
}

static const struct luks_sys fake_sys = {
    .is_active = fake_is_active,
    .activate = fake_activate,
    .now_usec = fake_clock,
    .mem_available_kib = fake_mem,
};

static int setup_images(void **state)
{
	int fd;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sesame-luks-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(img_a, sizeof(img_a), "%s/a.img", tmpdir);
	snprintf(img_b, sizeof(img_b), "%s/b.img", tmpdir);
	snprintf(img_v1, sizeof(img_v1), "%s/v1.img", tmpdir);
	snprintf(img_argon, sizeof(img_argon), "%s/argon.img", tmpdir);
	snprintf(img_junk, sizeof(img_junk), "%s/junk.img", tmpdir);
	fixture_luks_image(img_a, CRYPT_LUKS2, CRYPT_KDF_PBKDF2, UUID_A,
			   "correct horse");
	fixture_luks_image(img_b, CRYPT_LUKS2, CRYPT_KDF_PBKDF2, UUID_B,
			   "correct horse");
	fixture_luks_image(img_v1, CRYPT_LUKS1, CRYPT_KDF_PBKDF2, UUID_C,
			   "luks one");
	fixture_luks_image(img_argon, CRYPT_LUKS2, CRYPT_KDF_ARGON2ID, UUID_D,
			   "memory hard");
	/* Key slot 0 wants 64 MiB; img_mixed adds one wanting 1 MiB. */
	snprintf(img_big, sizeof(img_big), "%s/big.img", tmpdir);
	snprintf(img_mixed, sizeof(img_mixed), "%s/mixed.img", tmpdir);
	fixture_luks_argon2(img_big, UUID_D, "memory hard", 64 * 1024);
	fixture_luks_argon2(img_mixed, UUID_D, "memory hard", 64 * 1024);
	mixed_small_slot =
	    fixture_luks_add_argon2(img_mixed, "memory hard", "small", 1024);
	fd = open(img_junk, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, 1 << 20) < 0)
		return -1;
	close(fd);
	log_set_max_level(LOG_LVL_ERR); /* keep the test output short */
	return 0;
}

static int teardown_images(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct luks_set *new_set(const struct luks_config *cfg,
				const struct luks_policy *pol)
{
	struct luks_set *s = NULL;

	assert_int_equal(luks_set_new(cfg, pol, &s), 0);
	luks_set_set_sys(s, &fake_sys);
	fake_now = 1000000;
	fake_active_name = NULL;
	fake_activations = 0;
	fake_mem_kib = 16ull << 20; /* 16 GiB: every key slot fits */
	fake_mem_err = 0;
	return s;
}

static void add_dev(struct luks_set *s, const char *path, const char *uuid)
{
	struct luks_probe p = {.path = path, .uuid = uuid};
	assert_int_equal(luks_set_add(s, &p), 0);
}

/* ---- config ---- */

static void params_parse(void **state)
{
	struct luks_config cfg;

	(void)state;
	luks_config_init(&cfg);
	assert_int_equal(luks_config_parse_param(&cfg, "root", "/dev/x"),
			 -ENOENT);
	assert_int_equal(luks_config_parse_param(&cfg, "rd.lvm.vg", "x"),
			 -ENOENT);
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.uuid", "luks-" UUID_A), 0);
	assert_int_equal(cfg.n, 1);
	assert_string_equal(cfg.want[0].source, UUID_A);
	assert_string_equal(cfg.want[0].name, "luks-" UUID_A);
	/* rd.luks.name renames the same device rather than adding one. */
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.name", UUID_A "=cryptroot"),
	    0);
	assert_int_equal(cfg.n, 1);
	assert_string_equal(cfg.want[0].name, "cryptroot");
	assert_int_equal(luks_config_parse_param(&cfg, "rd.luks.options",
						 UUID_B "=discard,tries=3"),
			 0);
	assert_int_equal(cfg.n, 2);
	assert_true(cfg.want[1].opt.flags & LUKS_OPT_DISCARD);
	assert_int_equal(cfg.want[1].opt.tries, 3);
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.options", "discard"), 0);
	assert_true(cfg.has_global_options);
	assert_int_equal(luks_config_parse_param(&cfg, "rd.luks", "0"), 0);
	assert_true(cfg.disabled);
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.crypttab", "no"), 0);
	assert_true(cfg.crypttab_off);
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.key", "/key:UUID=x"), 0);
}

static void params_refuse_malformed(void **state)
{
	struct luks_config cfg, before;

	(void)state;
	luks_config_init(&cfg);
	assert_int_equal(luks_config_parse_param(&cfg, "rd.luks.uuid", UUID_A),
			 0);
	before = cfg;
	assert_int_equal(luks_config_parse_param(&cfg, "rd.luks.uuid", NULL),
			 -EINVAL);
	assert_int_equal(luks_config_parse_param(&cfg, "rd.luks.uuid", ""),
			 -EINVAL);
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.uuid", "not/a/uuid"),
	    -EINVAL);
	assert_int_equal(luks_config_parse_param(
			     &cfg, "rd.luks.uuid",
			     "0123456789012345678901234567890123456789X"),
			 -EINVAL);
	assert_int_equal(luks_config_parse_param(&cfg, "rd.luks.name", UUID_A),
			 -EINVAL);
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.name", UUID_A "=a/b"),
	    -EINVAL);
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.name", UUID_A "=.."),
	    -EINVAL);
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.name", UUID_A "="), -EINVAL);
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.options", "tries=x"),
	    -EINVAL);
	assert_int_equal(luks_config_parse_param(&cfg, "rd.luks.options",
						 UUID_B "=header=rel"),
			 -EINVAL);
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.options", "discard,,"),
	    -EINVAL);
	assert_int_equal(luks_config_parse_param(&cfg, "rd.luks", "maybe"),
			 -EINVAL);
	assert_memory_equal(&cfg, &before, sizeof(cfg));
}

static void params_cap_devices(void **state)
{
	struct luks_config cfg;
	char uuid[40];

	(void)state;
	luks_config_init(&cfg);
	for (int i = 0; i < LUKS_MAX_DEVICES; i++) {
		snprintf(uuid, sizeof(uuid), "%08d-0000-0000-0000-000000000000",
			 i);
		assert_int_equal(
		    luks_config_parse_param(&cfg, "rd.luks.uuid", uuid), 0);
	}
	assert_int_equal(luks_config_parse_param(&cfg, "rd.luks.uuid", UUID_A),
			 -ENOSPC);
	assert_int_equal(cfg.n, LUKS_MAX_DEVICES);
}

static void crypttab_parse(void **state)
{
	static const char tab[] =
	    "# comment\n"
	    "\n"
	    "   \t \n"
	    "cryptroot UUID=" UUID_A " none luks,discard\n"
	    "data\t/dev/vdb2\t-\theader=/dev/vdc,tries=2,readonly\n"
	    "swap /dev/vdc1 /dev/urandom swap\n"
	    "later PARTUUID=abcd-01 none noauto\n"
	    "keyed LABEL=secret /etc/keys/k.bin luks\n"
	    "bare PARTLABEL=p\r\n"
	    "byuuid /dev/disk/by-uuid/" UUID_B;
	struct luks_config cfg;

	(void)state;
	luks_config_init(&cfg);
	assert_int_equal(
	    luks_config_parse_crypttab(&cfg, "crypttab", tab, strlen(tab)), 0);
	assert_int_equal(cfg.n, 5);
	assert_string_equal(cfg.want[0].name, "cryptroot");
	assert_int_equal(cfg.want[0].kind, LUKS_SRC_UUID);
	assert_true(cfg.want[0].opt.flags & LUKS_OPT_DISCARD);
	assert_string_equal(cfg.want[0].origin, "crypttab:4");
	assert_int_equal(cfg.want[1].kind, LUKS_SRC_PATH);
	assert_string_equal(cfg.want[1].source, "/dev/vdb2");
	assert_string_equal(cfg.want[1].opt.header, "/dev/vdc");
	assert_int_equal(cfg.want[1].opt.tries, 2);
	assert_true(cfg.want[1].opt.flags & LUKS_OPT_READONLY);
	assert_string_equal(cfg.want[2].name, "keyed"); /* warned, kept */
	assert_int_equal(cfg.want[2].kind, LUKS_SRC_LABEL);
	assert_int_equal(cfg.want[3].kind, LUKS_SRC_PARTLABEL);
	assert_string_equal(cfg.want[3].source, "p");
	assert_int_equal(cfg.want[4].kind, LUKS_SRC_UUID);
	assert_string_equal(cfg.want[4].source, UUID_B);
}

static void crypttab_refuse_bad_lines(void **state)
{
	struct luks_config cfg;
	char big[2048];
	static const char tab[] = "onlyname\n"
				  "a/b UUID=" UUID_A "\n"
				  "x relative/path\n"
				  "x UUID=not_a_uuid!\n"
				  "x /dev/a none discard extra\n"
				  "x /dev/a none tries=-1\n"
				  "ok /dev/good\n"
				  "ok /dev/again\n" /* name used twice */
				  "ctl /dev/a\x01\n";
	static const char nul[] = "a /dev/a\0b /dev/b\n";

	(void)state;
	luks_config_init(&cfg);
	assert_int_equal(
	    luks_config_parse_crypttab(&cfg, "t", tab, sizeof(tab) - 1),
	    -EINVAL);
	assert_int_equal(cfg.n, 1);
	assert_string_equal(cfg.want[0].source, "/dev/good");
	/* A NUL is a control character: refused, not a string end. */
	luks_config_init(&cfg);
	assert_int_equal(
	    luks_config_parse_crypttab(&cfg, "t", nul, sizeof(nul) - 1),
	    -EINVAL);
	assert_int_equal(cfg.n, 0);
	memset(big, 'a', sizeof(big));
	big[0] = 'n';
	big[1] = ' ';
	big[2] = '/';
	assert_int_equal(
	    luks_config_parse_crypttab(&cfg, "t", big, sizeof(big)), -EINVAL);
	assert_int_equal(cfg.n, 0);
	assert_int_equal(luks_config_parse_crypttab(&cfg, "t", big, 100u << 10),
			 -EFBIG);
}

static void crypttab_defers_to_cmdline(void **state)
{
	static const char tab[] = "fromtab UUID=" UUID_A " none discard\n";
	struct luks_config cfg;

	(void)state;
	luks_config_init(&cfg);
	assert_int_equal(luks_config_parse_param(&cfg, "rd.luks.name",
						 UUID_A "=fromcmdline"),
			 0);
	assert_int_equal(
	    luks_config_parse_crypttab(&cfg, "t", tab, sizeof(tab) - 1), 0);
	assert_int_equal(cfg.n, 1);
	assert_string_equal(cfg.want[0].name, "fromcmdline");
	luks_config_init(&cfg);
	assert_int_equal(luks_config_parse_param(&cfg, "rd.luks.crypttab", "0"),
			 0);
	assert_int_equal(
	    luks_config_parse_crypttab(&cfg, "t", tab, sizeof(tab) - 1), 0);
	assert_int_equal(cfg.n, 0);
}

/* ---- policy ---- */

static void policy_delays_grow_and_cap(void **state)
{
	struct luks_policy p;
	struct luks_attempts a = {0};
	uint64_t wait = 0;

	(void)state;
	luks_policy_default(&p);
	p.max_attempts = 3;
	assert_int_equal(luks_policy_delay(&p, 0), 0);
	assert_int_equal(luks_policy_delay(&p, 1), 1000000);
	assert_int_equal(luks_policy_delay(&p, 2), 2000000);
	assert_int_equal(luks_policy_delay(&p, 3), 4000000);
	assert_int_equal(luks_policy_delay(&p, 200), 60000000);
	assert_int_equal(luks_attempts_check(&a, &p, 10, &wait), 0);
	luks_attempts_record_wrong(&a, &p, 10);
	assert_int_equal(luks_attempts_check(&a, &p, 10, &wait), -EAGAIN);
	assert_int_equal(wait, 1000000);
	assert_int_equal(luks_attempts_check(&a, &p, 1000010, &wait), 0);
	luks_attempts_record_wrong(&a, &p, 1000010);
	assert_int_equal(luks_attempts_check(&a, &p, 2000010, &wait), -EAGAIN);
	assert_int_equal(wait, 1000000);
	luks_attempts_record_wrong(&a, &p, 3000010);
	assert_int_equal(luks_attempts_check(&a, &p, UINT64_MAX, &wait),
			 -EACCES);
	/* No cap: only delays. */
	p.max_attempts = 0;
	assert_int_equal(luks_attempts_check(&a, &p, UINT64_MAX, &wait), 0);
}

/* ---- real headers ---- */

static void opens_luks2_with_right_passphrase(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_report rep;
	char text[1024];

	(void)state;
	add_dev(s, img_a, UUID_A);
	assert_int_equal(luks_set_count_locked(s), 1);
	assert_int_equal(luks_try_passphrase(s, "correct horse", 13, &rep), 0);
	assert_int_equal(rep.opened, 1);
	assert_int_equal(rep.e[0].outcome, LUKS_OUT_OPENED);
	assert_string_equal(rep.e[0].name, "luks-" UUID_A);
	assert_int_equal(luks_set_count_locked(s), 0);
	assert_int_equal(luks_set_count_open(s), 1);
	assert_int_equal(luks_report_format(&rep, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "opened luks-" UUID_A));
	/* Nothing left to open. */
	assert_int_equal(luks_try_passphrase(s, "x", 1, &rep), -ENOENT);
	luks_set_free(s);
}

static void wrong_passphrase_counts_and_delays(void **state)
{
	struct luks_policy pol;
	struct luks_set *s;
	struct luks_report rep;
	char text[1024];

	(void)state;
	luks_policy_default(&pol);
	pol.max_attempts = 3;
	s = new_set(NULL, &pol);
	add_dev(s, img_a, UUID_A);
	assert_int_equal(luks_try_passphrase(s, "wrong", 5, &rep), -EPERM);
	assert_int_equal(rep.e[0].outcome, LUKS_OUT_WRONG);
	assert_int_equal(rep.attempts_left, 2);
	assert_int_equal(rep.wait_usec, 1000000);
	assert_int_equal(luks_report_format(&rep, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "wrong passphrase, 2 attempts left, "
				     "next try in 1 s"));
	/* Too early: not tried, not counted. */
	fake_activations = 0;
	fake_now += 500000;
	assert_int_equal(luks_try_passphrase(s, "correct horse", 13, &rep),
			 -EAGAIN);
	assert_int_equal(fake_activations, 0);
	assert_int_equal(rep.wait_usec, 500000);
	assert_int_equal(luks_set_attempts_left(s), 2);
	assert_int_equal(luks_set_next_attempt_usec(s), 2000000);
	fake_now = 2000000;
	assert_int_equal(luks_try_passphrase(s, "wrong", 5, &rep), -EPERM);
	assert_int_equal(rep.wait_usec, 2000000);
	fake_now += 2000000;
	assert_int_equal(luks_try_passphrase(s, "wrong", 5, &rep), -EPERM);
	assert_int_equal(rep.attempts_left, 0);
	assert_true(luks_set_exhausted(s));
	/* The cap: even the right passphrase is not tried any more. */
	fake_now += 3600000000u;
	fake_activations = 0;
	assert_int_equal(luks_try_passphrase(s, "correct horse", 13, &rep),
			 -EACCES);
	assert_int_equal(fake_activations, 0);
	assert_int_equal(rep.action, LUKS_FAIL_WAIT);
	assert_int_equal(luks_report_format(&rep, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "no passphrase attempts left"));
	luks_set_free(s);
}

static void other_errors_do_not_count(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_report rep;

	(void)state;
	add_dev(s, img_junk, UUID_B); /* not LUKS at all */
	assert_true(luks_try_passphrase(s, "x", 1, &rep) < 0);
	assert_int_not_equal(rep.result, -EPERM);
	assert_int_equal(rep.e[0].outcome, LUKS_OUT_FAILED);
	assert_int_equal(luks_set_attempts_left(s), 10);
	assert_int_equal(luks_set_next_attempt_usec(s), 0);
	luks_set_free(s);
}

/* libcryptsetup failing after it was asked for a key (a later key slot's
 * Argon2 memory, a missing cipher) still derived keys: it counts. */
static int enomem_activate(struct crypt_device *cd, const char *name,
			   int keyslot, const char *pass, size_t len,
			   uint32_t flags)
{
	int r = fake_activate(cd, name, keyslot, pass, len, flags);

	return r == -EPERM ? -ENOMEM : r;
}

static const struct luks_sys enomem_sys = {
    .is_active = fake_is_active,
    .activate = enomem_activate,
    .now_usec = fake_clock,
};

static void kdf_errors_count(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_report rep;
	char text[1024];

	(void)state;
	luks_set_set_sys(s, &enomem_sys);
	add_dev(s, img_a, UUID_A);
	assert_int_equal(luks_try_passphrase(s, "guess", 5, &rep), -ENOMEM);
	assert_true(rep.counted);
	assert_int_equal(rep.attempts_left, 9);
	assert_int_equal(luks_set_attempts_left(s), 9);
	assert_int_equal(luks_set_next_attempt_usec(s), fake_now + 1000000);
	assert_int_equal(luks_report_format(&rep, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "counted as an attempt, next try in 1 s"));
	/* The delay applies: the next guess is not tried. */
	fake_activations = 0;
	assert_int_equal(luks_try_passphrase(s, "guess2", 6, &rep), -EAGAIN);
	assert_int_equal(fake_activations, 0);
	/* With a wrong answer from another device: one attempt, -EPERM. */
	fake_now += 1000000;
	luks_set_set_sys(s, &fake_sys);
	add_dev(s, img_b, UUID_B);
	assert_int_equal(luks_try_passphrase(s, "guess3", 6, &rep), -EPERM);
	assert_int_equal(luks_set_attempts_left(s), 8);
	luks_set_free(s);
}

/* What a worker says is checked against the set before it is believed. */
static void attempt_answer_checked(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_attempt a;
	struct luks_report rep;

	(void)state;
	add_dev(s, img_a, UUID_A);
	memset(&a, 0, sizeof(a));
	a.n_devs = 2; /* more devices than the set has */
	a.n = 1;
	a.e[0] = (struct luks_attempt_entry){
	    .dev = 0, .outcome = LUKS_OUT_OPENED, .kdf = 1, .keyslot = 0};
	assert_int_equal(luks_attempt_finish(s, &a, &rep), -EIO);
	assert_true(rep.counted);
	assert_non_null(strstr(rep.note, "malformed"));
	assert_int_equal(luks_set_count_locked(s), 1);
	assert_int_equal(luks_set_attempts_left(s), 9);
	a.n_devs = 1; /* the same device twice */
	a.n = 2;
	a.e[1] = a.e[0];
	assert_int_equal(luks_attempt_finish(s, &a, &rep), -EIO);
	a.n = 1;
	assert_int_equal(luks_attempt_finish(s, &a, &rep), 0);
	assert_int_equal(luks_set_count_locked(s), 0);
	/* Opened again: it is not locked any more. */
	assert_int_equal(luks_attempt_finish(s, &a, &rep), -EIO);
	luks_set_free(s);
}

static void opens_luks1(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_report rep;

	(void)state;
	add_dev(s, img_v1, UUID_C);
	assert_int_equal(luks_try_passphrase(s, "luks one!", 8, &rep), 0);
	assert_int_equal(rep.opened, 1);
	luks_set_free(s);
}

static void one_passphrase_opens_two(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_report rep;

	(void)state;
	add_dev(s, img_a, UUID_A);
	add_dev(s, img_v1, UUID_C); /* another passphrase */
	add_dev(s, img_b, UUID_B);
	assert_int_equal(luks_try_passphrase(s, "correct horse", 13, &rep), 0);
	assert_int_equal(rep.opened, 2);
	assert_int_equal(rep.n, 3);
	assert_int_equal(rep.e[1].outcome, LUKS_OUT_WRONG);
	assert_int_equal(rep.locked, 1);
	/* Opening some is not a wrong attempt. */
	assert_int_equal(luks_set_attempts_left(s), 10);
	assert_int_equal(luks_try_passphrase(s, "luks one", 8, &rep), 0);
	assert_int_equal(rep.n, 1);
	assert_int_equal(luks_set_count_locked(s), 0);
	luks_set_free(s);
}

static void already_open_is_not_tried(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_report rep;
	char text[1024];

	(void)state;
	add_dev(s, img_a, UUID_A);
	add_dev(s, img_b, UUID_B);
	fake_active_name = "luks-" UUID_A;
	assert_int_equal(luks_try_passphrase(s, "correct horse", 13, &rep), 0);
	assert_int_equal(fake_activations, 1);
	assert_int_equal(rep.e[0].outcome, LUKS_OUT_ALREADY_OPEN);
	assert_int_equal(rep.e[1].outcome, LUKS_OUT_OPENED);
	assert_int_equal(luks_report_format(&rep, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "was already open"));
	luks_set_free(s);
}

/* ---- issue 10: Argon2 memory, held against MemAvailable ---- */

static void meminfo_is_parsed(void **state)
{
	static const char good[] = "MemTotal:        2017180 kB\n"
				   "MemFree:          120000 kB\n"
				   "MemAvailable:     626688 kB\n"
				   "Buffers:           10000 kB\n";
	static const char *const garbled[] = {
	    "MemAvailable:\n",
	    "MemAvailable:  kB\n",
	    "MemAvailable:     626688\n",
	    "MemAvailable:     626688 MB\n",
	    "MemAvailable:     62x688 kB\n",
	    "MemAvailable:     99999999999999999999999 kB\n",
	    "MemAvailable:     626688 kB trailing\n",
	};
	char path[160];
	uint64_t kib = 7;
	FILE *f;

	(void)state;
	assert_int_equal(luks_meminfo_parse(good, strlen(good), &kib), 0);
	assert_int_equal(kib, 626688);
	/* Not NUL-terminated, last line without '\n'. */
	assert_int_equal(luks_meminfo_parse("MemAvailable: 5 kBxyz", 18, &kib),
			 0);
	assert_int_equal(kib, 5);
	/* A line that only starts alike is not it. */
	kib = 7;
	assert_int_equal(luks_meminfo_parse("MemAvailableX: 5 kB\n", 20, &kib),
			 -ENOENT);
	assert_int_equal(luks_meminfo_parse("MemFree: 5 kB\n", 14, &kib),
			 -ENOENT);
	assert_int_equal(luks_meminfo_parse("", 0, &kib), -ENOENT);
	for (size_t i = 0; i < sizeof(garbled) / sizeof(garbled[0]); i++)
		assert_int_equal(
		    luks_meminfo_parse(garbled[i], strlen(garbled[i]), &kib),
		    -EINVAL);
	assert_int_equal(kib, 7); /* written only on success */
	/* From a file; a missing one says so. */
	snprintf(path, sizeof(path), "%s/meminfo", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(good, f);
	fclose(f);
	assert_int_equal(luks_meminfo_read(path, &kib), 0);
	assert_int_equal(kib, 626688);
	snprintf(path, sizeof(path), "%s/no-meminfo", tmpdir);
	assert_int_equal(luks_meminfo_read(path, &kib), -ENOENT);
	/* This machine's own. */
	assert_int_equal(luks_meminfo_read("/proc/meminfo", &kib), 0);
	assert_true(kib > 0);
}

static void mem_fits_with_margin(void **state)
{
	(void)state;
	assert_true(luks_mem_fits(CRYPT_KDF_PBKDF2, 0, 0));
	assert_true(luks_mem_fits(NULL, 1u << 30, 0));
	assert_true(luks_mem_fits(CRYPT_KDF_ARGON2ID, 65536,
				  65536 + LUKS_MEM_MARGIN_KIB));
	assert_false(luks_mem_fits(CRYPT_KDF_ARGON2ID, 65536,
				   65535 + LUKS_MEM_MARGIN_KIB));
	assert_false(luks_mem_fits(CRYPT_KDF_ARGON2I, 1, 0));
	assert_false(luks_mem_fits(CRYPT_KDF_ARGON2ID, UINT32_MAX, UINT32_MAX));
}

/* Enough memory: tried as before, every slot (CRYPT_ANY_SLOT). */
static void argon2_slot_fits(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_report rep;

	(void)state;
	fake_mem_kib = (64 + 32) * 1024; /* exactly enough */
	add_dev(s, img_big, UUID_D);
	assert_int_equal(luks_try_passphrase(s, "memory hard", 11, &rep), 0);
	assert_int_equal(fake_activations, 1);
	assert_int_equal(fake_slots[0], CRYPT_ANY_SLOT);
	assert_int_equal(rep.e[0].outcome, LUKS_OUT_OPENED);
	luks_set_free(s);
}

/* Not enough: nothing derived, not an attempt, and the answer says so. */
static void argon2_slot_does_not_fit(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_report rep;
	char text[1024], want[512];

	(void)state;
	fake_mem_kib = (64 + 32) * 1024 - 1;
	add_dev(s, img_big, UUID_D);
	add_dev(s, img_a, UUID_A); /* PBKDF2: tried, and wrong */
	assert_int_equal(luks_try_passphrase(s, "memory hard", 11, &rep),
			 -EPERM);
	assert_int_equal(fake_activations, 1); /* img_a's only */
	assert_int_equal(rep.e[0].outcome, LUKS_OUT_NO_MEMORY);
	assert_int_equal(rep.e[0].keyslot, 0);
	assert_int_equal(rep.e[0].need_mib, 64);
	assert_int_equal(rep.e[0].avail_mib, 63);
	assert_int_equal(rep.no_memory, 1);
	luks_set_free(s);

	s = new_set(NULL, NULL);
	fake_mem_kib = 64 * 1024; /* 32 MiB after the margin */
	add_dev(s, img_big, UUID_D);
	assert_int_equal(luks_try_passphrase(s, "memory hard", 11, &rep),
			 -ENOMEM);
	assert_int_equal(fake_activations, 0);
	assert_false(rep.counted);
	assert_int_equal(luks_set_attempts_left(s), 10);
	assert_int_equal(luks_set_next_attempt_usec(s), 0);
	assert_int_equal(luks_set_count_locked(s), 1);
	assert_int_equal(luks_report_format(&rep, text, sizeof(text)), 0);
	snprintf(want, sizeof(want),
		 "luks-" UUID_D " (%s): not tried: key slot 0 needs 64 MiB "
		 "for argon2id, 32 MiB available\n",
		 img_big);
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "not counted as an attempt"));
	assert_null(strstr(text, "wrong passphrase"));
	/* Right away again (no delay): still not tried. */
	assert_int_equal(luks_try_passphrase(s, "guess", 5, &rep), -ENOMEM);
	assert_int_equal(luks_set_attempts_left(s), 10);
	/* Memory freed: it opens. */
	fake_mem_kib = 1ull << 20;
	assert_int_equal(luks_try_passphrase(s, "memory hard", 11, &rep), 0);
	luks_set_free(s);
}

/* Some slots fit: only those are tried, one by one; it counts. */
static void argon2_mixed_slots(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_report rep;

	(void)state;
	fake_mem_kib = 40 * 1024; /* 1 MiB + margin fits, 64 MiB does not */
	add_dev(s, img_mixed, UUID_D);
	/* Slot 0's passphrase: slot 0 is never tried, slot 1 says no. */
	assert_int_equal(luks_try_passphrase(s, "memory hard", 11, &rep),
			 -EPERM);
	assert_int_equal(fake_activations, 1);
	assert_int_equal(fake_slots[0], mixed_small_slot);
	assert_true(rep.counted);
	assert_int_equal(luks_set_attempts_left(s), 9);
	fake_now += 10000000;
	fake_activations = 0;
	assert_int_equal(luks_try_passphrase(s, "small", 5, &rep), 0);
	assert_int_equal(fake_activations, 1);
	assert_int_equal(fake_slots[0], mixed_small_slot);
	assert_int_equal(rep.e[0].keyslot, mixed_small_slot);
	luks_set_free(s);
}

/* meminfo missing or garbled: unknown, tried as before (warned). */
static void meminfo_unknown_tries_as_before(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_report rep;

	(void)state;
	fake_mem_err = -EINVAL;
	add_dev(s, img_mixed, UUID_D);
	assert_int_equal(luks_try_passphrase(s, "memory hard", 11, &rep), 0);
	assert_int_equal(fake_activations, 1);
	assert_int_equal(fake_slots[0], CRYPT_ANY_SLOT);
	luks_set_free(s);
	s = new_set(NULL, NULL);
	fake_mem_err = -ENOENT;
	add_dev(s, img_big, UUID_D);
	assert_int_equal(luks_try_passphrase(s, "memory hard", 11, &rep), 0);
	luks_set_free(s);
}

/* A worker's NO_MEMORY entry is believed only when it is coherent. */
static void no_memory_answer_checked(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_attempt a;
	struct luks_report rep;
	const struct luks_attempt_entry good = {.dev = 0,
						.outcome = LUKS_OUT_NO_MEMORY,
						.keyslot = 3,
						.pbkdf = LUKS_PBKDF_ARGON2I,
						.need_mib = 1024,
						.avail_mib = 612};
	struct luks_attempt_entry bad[6];
	char text[1024];

	(void)state;
	add_dev(s, img_a, UUID_A);
	for (unsigned i = 0; i < 6; i++)
		bad[i] = good;
	bad[0].kdf = 1;			   /* a derivation ran after all */
	bad[1].need_mib = 612;		   /* needed == available: it fit */
	bad[2].need_mib = 100;		   /* needed < available */
	bad[3].keyslot = LUKS_KEYSLOT_MAX; /* no such key slot */
	bad[4].pbkdf = LUKS_PBKDF_NONE;	   /* PBKDF2 needs no memory */
	bad[5].pbkdf = 3;		   /* unknown PBKDF */
	memset(&a, 0, sizeof(a));
	a.n_devs = 1;
	a.n = 1;
	for (unsigned i = 0; i < 6; i++) {
		a.e[0] = bad[i];
		assert_int_equal(luks_attempt_finish(s, &a, &rep), -EIO);
		assert_non_null(strstr(rep.note, "malformed"));
	}
	a.e[0] = good;
	assert_int_equal(luks_attempt_finish(s, &a, &rep), -ENOMEM);
	assert_false(rep.counted);
	assert_int_equal(luks_report_format(&rep, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "not tried: key slot 3 needs 1024 MiB for "
				     "argon2i, 612 MiB available\n"));
	luks_set_free(s);
}

static void argon2_small_memory(void **state)
{
	struct luks_set *s = new_set(NULL, NULL);
	struct luks_report rep;

	(void)state;
	add_dev(s, img_argon, UUID_D);
	assert_int_equal(luks_try_passphrase(s, "memory", 6, &rep), -EPERM);
	fake_now += 10000000;
	assert_int_equal(luks_try_passphrase(s, "memory hard", 11, &rep), 0);
	luks_set_free(s);
}

static void wanted_devices_only(void **state)
{
	struct luks_config cfg;
	struct luks_set *s;
	struct luks_probe a = {.path = img_a, .uuid = UUID_A};
	struct luks_probe b = {.path = img_b, .uuid = UUID_B};
	struct luks_probe byl = {
	    .path = "/dev/vdz", .uuid = UUID_C, .label = "secret"};
	static const char tab[] = "lab LABEL=secret none discard\n";
	char text[1024];

	(void)state;
	luks_config_init(&cfg);
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.name", UUID_A "=root"), 0);
	assert_int_equal(
	    luks_config_parse_param(&cfg, "rd.luks.uuid",
				    "44444444-0000-0000-0000-0000"),
	    0);
	assert_int_equal(
	    luks_config_parse_crypttab(&cfg, "t", tab, sizeof(tab) - 1), 0);
	s = new_set(&cfg, NULL);
	assert_int_equal(luks_set_count_missing(s), 3);
	assert_int_equal(luks_set_add(s, &b), -ENOENT);
	assert_int_equal(luks_set_add(s, &a), 0);
	assert_int_equal(luks_set_add(s, &a), -EEXIST);
	assert_int_equal(luks_set_add(s, &byl), 0);
	assert_int_equal(luks_set_count(s), 2);
	assert_int_equal(luks_set_count_missing(s), 1);
	assert_int_equal(luks_set_format_status(s, text, sizeof(text)), 0);
	assert_non_null(strstr(text, "root ("));
	assert_non_null(strstr(text, "lab (/dev/vdz): locked"));
	assert_non_null(strstr(text, "waiting for UUID=44444444"));
	luks_set_free(s);
	cfg.disabled = 1;
	s = new_set(&cfg, NULL);
	assert_int_equal(luks_set_add(s, &a), -ECANCELED);
	luks_set_free(s);
}

static void report_text_is_bounded(void **state)
{
	struct luks_report rep;
	char text[400];

	(void)state;
	memset(&rep, 0, sizeof(rep));
	rep.n = LUKS_MAX_DEVICES;
	for (unsigned i = 0; i < rep.n; i++) {
		snprintf(rep.e[i].name, sizeof(rep.e[i].name), "dev%u", i);
		snprintf(rep.e[i].path, sizeof(rep.e[i].path),
			 "/dev/disk/by-id/a-rather-long-name-%u", i);
		rep.e[i].outcome = LUKS_OUT_WRONG;
	}
	rep.result = -EPERM;
	rep.attempts_left = 4;
	rep.wait_usec = 1500000;
	assert_int_equal(luks_report_format(&rep, text, sizeof(text)), 0);
	assert_true(strlen(text) < sizeof(text));
	assert_non_null(strstr(text, "more)"));
	assert_non_null(strstr(text, "4 attempts left, next try in 2 s"));
	assert_int_equal(luks_report_format(&rep, text, 20), -ENOSPC);
}

static void secret_is_wiped(void **state)
{
	struct secret *sec = NULL;
	char *p;
	static const char zero[SECRET_MAX + 1];

	(void)state;
	assert_int_equal(secret_new(&sec), 0);
	assert_int_equal(secret_set(sec, "hunter2", 7), 0);
	p = sec->buf;
	assert_memory_equal(p, "hunter2", 7);
	secret_wipe(sec);
	assert_int_equal(sec->len, 0);
	assert_memory_equal(p, zero, sizeof(zero));
	assert_int_equal(secret_set(sec, zero, SECRET_MAX + 1), -EMSGSIZE);
	secret_free(sec);
	secret_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(params_parse),
	    cmocka_unit_test(params_refuse_malformed),
	    cmocka_unit_test(params_cap_devices),
	    cmocka_unit_test(crypttab_parse),
	    cmocka_unit_test(crypttab_refuse_bad_lines),
	    cmocka_unit_test(crypttab_defers_to_cmdline),
	    cmocka_unit_test(policy_delays_grow_and_cap),
	    cmocka_unit_test(opens_luks2_with_right_passphrase),
	    cmocka_unit_test(wrong_passphrase_counts_and_delays),
	    cmocka_unit_test(other_errors_do_not_count),
	    cmocka_unit_test(kdf_errors_count),
	    cmocka_unit_test(attempt_answer_checked),
	    cmocka_unit_test(opens_luks1),
	    cmocka_unit_test(one_passphrase_opens_two),
	    cmocka_unit_test(already_open_is_not_tried),
	    cmocka_unit_test(argon2_small_memory),
	    cmocka_unit_test(meminfo_is_parsed),
	    cmocka_unit_test(mem_fits_with_margin),
	    cmocka_unit_test(argon2_slot_fits),
	    cmocka_unit_test(argon2_slot_does_not_fit),
	    cmocka_unit_test(argon2_mixed_slots),
	    cmocka_unit_test(meminfo_unknown_tries_as_before),
	    cmocka_unit_test(no_memory_answer_checked),
	    cmocka_unit_test(wanted_devices_only),
	    cmocka_unit_test(report_text_is_bounded),
	    cmocka_unit_test(secret_is_wiped),
	};

	return cmocka_run_group_tests(tests, setup_images, teardown_images);
}
