/* test_keys_fingerprint: our SHA256 fingerprints against ssh-keygen -l, and
 * public key lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keys/fingerprint.h"
#include "keys/pubkey.h"
#include "keys/testkeys.h"
#include "tests/unit/require_tool.h"

/*
 * ssh-keygen -lf on a one-line file, without the comment: "BITS FP (TYPE)".
 * Returns false when ssh-keygen could not describe the line.
 */
static bool sshkeygen_describe(const char *line, char *out, size_t outlen)
{
	char path[] = "/tmp/sesame-fp.XXXXXX", cmd[128], buf[512];
	char bits[16], fp[80], label[32];
	FILE *f, *p;
	int fd = mkstemp(path);
	bool ok = false;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", line);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "ssh-keygen -lf %s 2>/dev/null", path);
	p = popen(cmd, "r");
	if (p && fgets(buf, sizeof(buf), p)) {
		char *last = strrchr(buf, ' ');
		if (sscanf(buf, "%15s %79s", bits, fp) == 2 && last &&
		    sscanf(last + 1, "%31s", label) == 1) {
			snprintf(out, outlen, "%s %s %s", bits, fp, label);
			ok = true;
		}
	}
	if (p)
		pclose(p);
	unlink(path);
	return ok;
}

static const struct {
	const char *line;
	const char *expect; /* ssh-keygen's, recorded when the keys were made */
} known[] = {
    {KEY_ED25519, FP_ED25519},	     {KEY_ECDSA256, FP_ECDSA256},
    {KEY_ECDSA384, FP_ECDSA384},     {KEY_ECDSA521, FP_ECDSA521},
    {KEY_RSA3072, FP_RSA3072},	     {KEY_RSA2048, FP_RSA2048},
    {KEY_SK_ED25519, FP_SK_ED25519}, {KEY_SK_ECDSA, FP_SK_ECDSA},
};

static void matches_recorded_fingerprints(void **state)
{
	char desc[KEYS_DESCRIBE_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		assert_int_equal(keys_describe_line(known[i].line,
						    strlen(known[i].line), desc,
						    sizeof(desc)),
				 0);
		assert_string_equal(desc, known[i].expect);
	}
}

static void matches_sshkeygen_now(void **state)
{
	char desc[KEYS_DESCRIBE_MAX], theirs[256];

	(void)state;
	require_tool("ssh-keygen", "openssh-client");
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		assert_true(
		    sshkeygen_describe(known[i].line, theirs, sizeof(theirs)));
		assert_int_equal(keys_describe_line(known[i].line,
						    strlen(known[i].line), desc,
						    sizeof(desc)),
				 0);
		assert_string_equal(desc, theirs);
	}
}

static void dropbearkey_keys_match_sshkeygen(void **state)
{
	char dir[] = "/tmp/sesame-dbk.XXXXXX", cmd[256], line[512];
	char desc[KEYS_DESCRIBE_MAX], theirs[256];
	const char *types[] = {"ed25519", "ecdsa"};
	FILE *p;

	(void)state;
	require_tool("dropbearkey", "dropbear-bin");
	require_tool("ssh-keygen", "openssh-client");
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd),
			 "dropbearkey -t %s -f %s/k%zu >/dev/null 2>&1 && "
			 "dropbearkey -y -f %s/k%zu 2>/dev/null | grep '^[es]'",
			 types[i], dir, i, dir, i);
		p = popen(cmd, "r");
		assert_non_null(p);
		assert_non_null(fgets(line, sizeof(line), p));
		pclose(p);
		line[strcspn(line, "\n")] = '\0';
		assert_int_equal(
		    keys_describe_line(line, strlen(line), desc, sizeof(desc)),
		    0);
		assert_true(sshkeygen_describe(line, theirs, sizeof(theirs)));
		assert_string_equal(desc, theirs);
		snprintf(cmd, sizeof(cmd), "%s/k%zu", dir, i);
		unlink(cmd);
	}
	assert_int_equal(rmdir(dir), 0);
}

static void fingerprint_buffer_too_small(void **state)
{
	const uint8_t blob[] = {0, 0, 0, 1, 'x'};
	char out[KEYS_FINGERPRINT_MAX] = "untouched";

	(void)state;
	assert_int_equal(keys_fingerprint_sha256(blob, sizeof(blob), out,
						 KEYS_FINGERPRINT_MAX - 1),
			 -ENOBUFS);
	assert_string_equal(out, "untouched");
	assert_int_equal(
	    keys_fingerprint_sha256(blob, sizeof(blob), out, sizeof(out)), 0);
	assert_int_equal(strlen(out), 7 + 43);
	assert_null(strchr(out, '='));
}

static void public_lines_are_checked(void **state)
{
	struct pubkey_info info;
	uint8_t *blob = NULL;
	size_t len;
	char desc[KEYS_DESCRIBE_MAX];
	/* the ed25519 key's data under another type name */
	const char *liar = "ecdsa-sha2-nistp256 "
			   "AAAAC3NzaC1lZDI1NTE5AAAAIPcuwGDs7/blRwZGYV8L9XcxLFL"
			   "5ftcfDnD/mDcoNkzb";

	(void)state;
	assert_int_equal(
	    pubkey_decode_line(liar, strlen(liar), &blob, &len, &info),
	    -EBADMSG);
	assert_null(blob);
	assert_int_equal(
	    keys_describe_line("ssh-ed25519", 11, desc, sizeof(desc)),
	    -EBADMSG);
	assert_int_equal(keys_describe_line("", 0, desc, sizeof(desc)),
			 -ENOENT);
	assert_int_equal(pubkey_decode_line(KEY_ED25519 " c",
					    strlen(KEY_ED25519 " c"), &blob,
					    &len, &info),
			 0);
	assert_int_equal(len, 51);
	assert_string_equal(info.label, "ED25519");
	free(blob);
}

/* The builder's fingerprint file: a comment, then one line per key. */
static void renders_fingerprint_file(void **state)
{
	const char *text =
	    "# host keys\n" KEY_ED25519 " sesame\n\n" KEY_ECDSA256 " sesame";
	const char *bad = KEY_ED25519 " sesame\ngarbage line\n";
	char *out = NULL, *body;
	size_t len;

	(void)state;
	assert_int_equal(
	    keys_render_fingerprints(text, strlen(text), &out, &len), 0);
	assert_int_equal(strlen(out), len);
	assert_int_equal(out[0], '#');
	body = strstr(out, "\n2");
	assert_non_null(body);
	assert_string_equal(body + 1, FP_ED25519 "\n" FP_ECDSA256 "\n");
	free(out);
	/* only the comment for no keys */
	assert_int_equal(keys_render_fingerprints("", 0, &out, &len), 0);
	assert_int_equal(out[0], '#');
	assert_int_equal(out[len - 1], '\n');
	free(out);
	/* a line that is not a key fails the build: no image without them */
	out = NULL;
	assert_int_equal(keys_render_fingerprints(bad, strlen(bad), &out, &len),
			 -EINVAL);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(matches_recorded_fingerprints),
	    cmocka_unit_test(matches_sshkeygen_now),
	    cmocka_unit_test(dropbearkey_keys_match_sshkeygen),
	    cmocka_unit_test(fingerprint_buffer_too_small),
	    cmocka_unit_test(public_lines_are_checked),
	    cmocka_unit_test(renders_fingerprint_file),
	};
	return cmocka_run_group_tests_name("keys_fingerprint", tests, NULL,
					   NULL);
}
