/* test_keys_authkeys: the authorized_keys parser and renderer, on good and
 * hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keys/authkeys.h"
#include "keys/pubkey.h"
#include "keys/testkeys.h"

#define UNLOCK_OPTS                                                            \
	"command=\"/bin/unlock\",no-port-forwarding,"                          \
	"no-agent-forwarding,no-X11-forwarding"

/* Parses a NUL-terminated text; returns the result, *akp set on success. */
static int parse(const char *text, struct authkeys **akp)
{
	return authkeys_parse(text, strlen(text), "test", NULL, akp);
}

/* Parses, expecting n keys; returns the set. */
static struct authkeys *parse_ok(const char *text, size_t n)
{
	struct authkeys *ak = NULL;

	assert_int_equal(parse(text, &ak), 0);
	assert_non_null(ak);
	assert_int_equal(authkeys_count(ak), n);
	return ak;
}

static void parse_fails(const char *text, int err)
{
	struct authkeys *ak = (struct authkeys *)(uintptr_t)1;

	assert_int_equal(parse(text, &ak), err);
	/* out-parameters only on success */
	assert_ptr_equal(ak, (struct authkeys *)(uintptr_t)1);
}

static void plain_keys_become_unlock_keys(void **state)
{
	struct authkeys *ak;
	char *text;
	size_t len;

	(void)state;
	ak = parse_ok(KEY_ED25519 " alice@laptop\n" KEY_ECDSA256
				  "\n" KEY_RSA3072 "\n",
		      3);
	assert_int_equal(authkeys_count_role(ak, AUTHKEYS_ROLE_UNLOCK), 3);
	assert_string_equal(authkeys_get(ak, 0)->options, UNLOCK_OPTS);
	assert_string_equal(authkeys_get(ak, 0)->comment, "alice@laptop");
	assert_string_equal(authkeys_get(ak, 0)->type, "ssh-ed25519");
	assert_int_equal(authkeys_get(ak, 2)->bits, 3072);
	assert_int_equal(authkeys_get(ak, 1)->line, 2);
	assert_null(authkeys_get(ak, 3));
	assert_int_equal(authkeys_render(ak, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "\n" UNLOCK_OPTS " " KEY_ED25519
				     " alice@laptop\n" UNLOCK_OPTS
				     " " KEY_ECDSA256 "\n"));
	free(text);
	authkeys_free(ak);
}

static void all_supported_types(void **state)
{
	struct authkeys *ak;

	(void)state;
	ak = parse_ok(KEY_ECDSA384 "\n" KEY_ECDSA521 "\n" KEY_RSA2048
				   "\n" KEY_SK_ED25519 "\n" KEY_SK_ECDSA "\n",
		      5);
	assert_string_equal(authkeys_get(ak, 3)->label, "ED25519-SK");
	assert_string_equal(authkeys_get(ak, 4)->label, "ECDSA-SK");
	assert_int_equal(authkeys_get(ak, 1)->bits, 521);
	authkeys_free(ak);
}

static void refused_types_name_the_line(void **state)
{
	(void)state;
	parse_fails(KEY_ED25519 "\n" KEY_DSA "\n", -EBADMSG);
	parse_fails(KEY_RSA1024 "\n", -EBADMSG);
	parse_fails("ssh-ed25519-cert-v01@openssh.com AAAA\n", -EBADMSG);
	parse_fails("ssh-foo AAAAC3NzaC1lZDI1NTE5AAAAIPcu\n", -EBADMSG);
	parse_fails("no-pty ssh-foo AAAAC3NzaC1lZDI1NTE5\n", -EBADMSG);
}

static void short_rsa_warns(void **state)
{
	struct authkeys *ak;
	unsigned before = log_warn_count();

	(void)state;
	ak = parse_ok(KEY_RSA2048 "\n", 1);
	assert_int_equal(log_warn_count(), before + 1);
	authkeys_free(ak);
}

static void rescue_keeps_dropbear_options(void **state)
{
	struct authkeys *ak;

	(void)state;
	ak = parse_ok("sesame-role=rescue,NO-Port-Forwarding,command=\"/bin/"
		      "sh -l\",permitopen=\"127.0.0.1:22\" " KEY_ED25519 "\n"
		      "sesame-role=\"rescue\" " KEY_ECDSA256 "\n"
		      "sesame-role=unlock " KEY_RSA3072 "\n",
		      3);
	assert_int_equal(authkeys_count_role(ak, AUTHKEYS_ROLE_RESCUE), 2);
	assert_int_equal(authkeys_get(ak, 0)->role, AUTHKEYS_ROLE_RESCUE);
	assert_string_equal(authkeys_get(ak, 0)->options,
			    "no-port-forwarding,command=\"/bin/sh -l\","
			    "permitopen=\"127.0.0.1:22\"");
	assert_string_equal(authkeys_get(ak, 1)->options, "");
	assert_int_equal(authkeys_get(ak, 2)->role, AUTHKEYS_ROLE_UNLOCK);
	assert_string_equal(authkeys_get(ak, 2)->options, UNLOCK_OPTS);
	authkeys_free(ak);
}

static void unlock_options_override_the_user(void **state)
{
	struct authkeys *ak;
	unsigned before = log_warn_count();

	(void)state;
	ak = parse_ok("command=\"/bin/sh\",permitopen=\"a:1\",pty,"
		      "agent-forwarding,environment=\"X=1\",no-user-rc "
		      "" KEY_ED25519 "\n"
		      "restrict " KEY_ECDSA256 "\n"
		      "command=\"/bin/sh -c \\\"id\\\"\" " KEY_RSA3072 "\n",
		      3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(authkeys_get(ak, i)->options, UNLOCK_OPTS);
	/* command, permitopen, pty, agent-forwarding, environment; command */
	assert_int_equal(log_warn_count(), before + 6);
	authkeys_free(ak);
}

static void security_key_options_survive(void **state)
{
	struct authkeys *ak;

	(void)state;
	ak = parse_ok("verify-required " KEY_SK_ED25519 "\n"
		      "sesame-role=rescue,restrict,pty,no-touch-required "
		      "" KEY_SK_ECDSA "\n",
		      2);
	assert_string_equal(authkeys_get(ak, 0)->options,
			    UNLOCK_OPTS ",verify-required");
	assert_string_equal(authkeys_get(ak, 1)->options,
			    "no-pty,no-port-forwarding,no-agent-forwarding,"
			    "no-X11-forwarding,no-touch-required");
	authkeys_free(ak);
}

static void custom_unlock_command(void **state)
{
	struct authkeys_config cfg = {.unlock_command = "/usr/lib/sesame/u"};
	struct authkeys *ak = NULL;
	const char *t = KEY_ED25519 "\n";

	(void)state;
	assert_int_equal(authkeys_parse(t, strlen(t), "t", &cfg, &ak), 0);
	assert_non_null(strstr(authkeys_get(ak, 0)->options,
			       "command=\"/usr/lib/sesame/u\""));
	authkeys_free(ak);
	ak = NULL;
	/* no-pty on request (sesame build --unlock-no-pty), nothing else */
	cfg.unlock_no_pty = true;
	assert_int_equal(authkeys_parse(t, strlen(t), "t", &cfg, &ak), 0);
	assert_string_equal(authkeys_get(ak, 0)->options,
			    "command=\"/usr/lib/sesame/u\",no-pty,"
			    "no-port-forwarding,no-agent-forwarding,"
			    "no-X11-forwarding");
	authkeys_free(ak);
	ak = NULL;
	cfg.unlock_command = "unlock";
	assert_int_equal(authkeys_parse(t, strlen(t), "t", &cfg, &ak), -EINVAL);
	cfg.unlock_command = "/bin/un\"lock";
	assert_int_equal(authkeys_parse(t, strlen(t), "t", &cfg, &ak), -EINVAL);
	assert_null(ak);
}

static void unenforceable_options_refuse_the_key(void **state)
{
	(void)state;
	parse_fails("from=\"10.0.0.0/8\" " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("expiry-time=\"20300101\" " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("cert-authority " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("principals=\"root\" " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("sesame-role=rescue,permitlisten=\"8080\" " KEY_ED25519
		    "\n",
		    -EBADMSG);
	parse_fails("sesame-role=rescue,tunnel=\"1\" " KEY_ED25519 "\n",
		    -EBADMSG);
	/* moot for an unlock key, which forwards nothing */
	struct authkeys *ak = parse_ok("permitlisten=\"8080\",tunnel=\"1\" "
				       "" KEY_ED25519 "\n",
				       1);
	authkeys_free(ak);
}

static void bad_options(void **state)
{
	(void)state;
	parse_fails("no-ptty " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("no-pty=1 " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("command " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("command=/bin/sh " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("no-pty,,no-pty " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("no-pty, " KEY_ED25519 "\n", -EBADMSG);
	parse_fails(",no-pty " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("command=\"a\"x " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("sesame-role=admin " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("sesame-role=rescue,sesame-role=unlock " KEY_ED25519 "\n",
		    -EBADMSG);
	parse_fails(
	    "sesame-role=rescue,command=\"a\",command=\"b\" " KEY_ED25519 "\n",
	    -EBADMSG);
	/* dropbear does not unescape \" so a rescue command cannot hold one */
	parse_fails("sesame-role=rescue,command=\"echo \\\"x\\\"\" " KEY_ED25519
		    "\n",
		    -EBADMSG);
	parse_fails("sesame-role=rescue,command=\"\" " KEY_ED25519 "\n",
		    -EBADMSG);
	parse_fails("sesame-role=rescue,permitopen=\"nocolon\" " KEY_ED25519
		    "\n",
		    -EBADMSG);
}

static void unterminated_quotes(void **state)
{
	(void)state;
	parse_fails("command=\"/bin/sh " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("command=\"/bin/sh\\\" " KEY_ED25519 "\n", -EBADMSG);
	parse_fails("command=\"", -EBADMSG);
	parse_fails("\"", -EBADMSG);
}

static void options_without_key(void **state)
{
	(void)state;
	parse_fails("no-pty\n", -EBADMSG);
	parse_fails("command=\"/bin/sh\" \n", -EBADMSG);
	parse_fails("sesame-role=rescue   \t\n", -EBADMSG);
	parse_fails("ssh-ed25519\n", -EBADMSG);
	parse_fails("no-pty ssh-ed25519\n", -EBADMSG);
}

static void comments_cannot_inject(void **state)
{
	struct authkeys *ak;
	char *text;
	size_t len;

	(void)state;
	ak = parse_ok(KEY_ED25519 " ,command=\"/bin/sh\" sesame-role=rescue\n"
				  "  # " KEY_ECDSA256 "\n"
				  "\t" KEY_ECDSA256 "\tx\x1b[2Jy\t \n",
		      2);
	assert_int_equal(authkeys_get(ak, 0)->role, AUTHKEYS_ROLE_UNLOCK);
	assert_string_equal(authkeys_get(ak, 0)->options, UNLOCK_OPTS);
	assert_string_equal(authkeys_get(ak, 0)->comment,
			    ",command=\"/bin/sh\" sesame-role=rescue");
	assert_string_equal(authkeys_get(ak, 1)->comment, "x?[2Jy");
	assert_int_equal(authkeys_render(ak, &text, &len), 0);
	assert_null(strchr(text, '\x1b'));
	free(text);
	authkeys_free(ak);
	/* A newline ends the line: what follows is its own (bad) line. */
	parse_fails(KEY_ED25519 " x\nsesame-role=rescue\n", -EBADMSG);
	parse_fails(KEY_ED25519 " x\n,command=\"/bin/sh\" " KEY_ECDSA256 "\n",
		    -EBADMSG);
}

static void crlf_and_carriage_returns(void **state)
{
	struct authkeys *ak;

	(void)state;
	ak = parse_ok("# crlf\r\n" KEY_ED25519 " a\r\n\r\n" KEY_ECDSA256 "\r",
		      2);
	assert_string_equal(authkeys_get(ak, 0)->comment, "a");
	authkeys_free(ak);
	/* dropbear ends a line at a lone CR: it would split this one */
	parse_fails(KEY_ED25519 " a\r" KEY_ECDSA256 "\n", -EBADMSG);
}

static void nul_bytes(void **state)
{
	static const char t[] = KEY_ED25519 " a\0b\n";
	static const char t2[] = "\0" KEY_ED25519 "\n";
	struct authkeys *ak = NULL;

	(void)state;
	assert_int_equal(authkeys_parse(t, sizeof(t) - 1, "t", NULL, &ak),
			 -EBADMSG);
	assert_int_equal(authkeys_parse(t2, sizeof(t2) - 1, "t", NULL, &ak),
			 -EBADMSG);
	assert_null(ak);
}

static void huge_lines(void **state)
{
	size_t n = 20000;
	char *t = malloc(n + 200);
	struct authkeys *ak = NULL;

	(void)state;
	assert_non_null(t);
	/* over the input limit */
	memset(t, 'A', n);
	memcpy(t + n, "\n", 2);
	parse_fails(t, -EBADMSG);
	/* a long comment: dropbear would read its tail as a new line */
	snprintf(t, n + 200, "%s ", KEY_ED25519);
	memset(t + strlen(t), 'c', 4000);
	t[strlen(KEY_ED25519) + 1 + 4000] = '\0';
	parse_fails(t, -EBADMSG);
	/* a long comment that still fits */
	t[strlen(KEY_ED25519) + 1 + 3000] = '\0';
	ak = parse_ok(t, 1);
	authkeys_free(ak);
	/* many options */
	t[0] = '\0';
	for (int i = 0; i < 70; i++)
		strcat(t, "no-pty,");
	strcat(t, "no-pty " KEY_ED25519);
	parse_fails(t, -EBADMSG);
	free(t);
}

static void base64_errors(void **state)
{
	(void)state;
	parse_fails("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPcu!GDs7/blRwZGYV8L9X"
		    "cxLFL5ftcfDnD/mDcoNkzb\n",
		    -EBADMSG);
	/* padding in the middle, missing, or too much */
	parse_fails("ssh-ed25519 AAAAC3Nz=C1lZDI1NTE5AAAAIPcuwGDs7/blRwZGYV8L9X"
		    "cxLFL5ftcfDnD/mDcoNkzb\n",
		    -EBADMSG);
	parse_fails("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPcuwGDs7/blRwZGYV8L9X"
		    "cxLFL5ftcfDnD/mDcoNkz\n",
		    -EBADMSG);
	parse_fails("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbm"
		    "lzdHAyNTYAAABBBJ7vWFNrUq9YsJR9h4DPjwslVGSOX+FAXwa/6gRppX"
		    "EyXsqIO16cs50qf8xhgEE5RNTwnITIkTn1yjusNwu1hRk\n",
		    -EBADMSG);
	parse_fails("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbm"
		    "lzdHAyNTYAAABBBJ7vWFNrUq9YsJR9h4DPjwslVGSOX+FAXwa/6gRppX"
		    "EyXsqIO16cs50qf8xhgEE5RNTwnITIkTn1yjusNwu1hRk==\n",
		    -EBADMSG);
	/* non-canonical trailing bits (k = 0b100100 has low bits set) */
	parse_fails("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbm"
		    "lzdHAyNTYAAABBBJ7vWFNrUq9YsJR9h4DPjwslVGSOX+FAXwa/6gRppX"
		    "EyXsqIO16cs50qf8xhgEE5RNTwnITIkTn1yjusNwu1hRl=\n",
		    -EBADMSG);
	parse_fails("ssh-ed25519 ====\n", -EBADMSG);
	parse_fails("ssh-ed25519 A\n", -EBADMSG);
}

/* A line "TYPE BASE64(blob)" for a hand-made blob. */
static char *line_for_blob(const char *type, const uint8_t *blob, size_t len)
{
	char *b64 = NULL, *line = NULL;

	assert_int_equal(pubkey_encode_base64(blob, len, &b64), 0);
	assert_true(asprintf(&line, "%s %s\n", type, b64) > 0);
	free(b64);
	return line;
}

static size_t put_string(uint8_t *p, const void *s, uint32_t n)
{
	p[0] = (uint8_t)(n >> 24);
	p[1] = (uint8_t)(n >> 16);
	p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
	memcpy(p + 4, s, n);
	return 4 + n;
}

static void blob_must_match_and_be_whole(void **state)
{
	uint8_t blob[256], key[32] = {1};
	size_t n;
	char *line;

	(void)state;
	/* the stated type and the blob's differ */
	n = put_string(blob, "ssh-ed25519", 11);
	n += put_string(blob + n, key, 32);
	line = line_for_blob("ssh-rsa", blob, n);
	parse_fails(line, -EBADMSG);
	free(line);
	/* the same blob under its own name is fine */
	line = line_for_blob("ssh-ed25519", blob, n);
	authkeys_free(parse_ok(line, 1));
	free(line);
	/* a trailing byte */
	blob[n] = 0;
	line = line_for_blob("ssh-ed25519", blob, n + 1);
	parse_fails(line, -EBADMSG);
	free(line);
	/* truncated key, and a length field past the end */
	line = line_for_blob("ssh-ed25519", blob, n - 1);
	parse_fails(line, -EBADMSG);
	free(line);
	blob[15] = 0x21;
	line = line_for_blob("ssh-ed25519", blob, n);
	parse_fails(line, -EBADMSG);
	free(line);
	memset(blob, 0xff, 4);
	line = line_for_blob("ssh-ed25519", blob, n);
	parse_fails(line, -EBADMSG);
	free(line);
	/* only half a length field */
	line = line_for_blob("ssh-ed25519", blob, 2);
	parse_fails(line, -EBADMSG);
	free(line);
	/* ECDSA with the wrong curve name or point form */
	n = put_string(blob, "ecdsa-sha2-nistp256", 19);
	n += put_string(blob + n, "nistp384", 8);
	memset(blob + n + 4, 4, 65);
	n += put_string(blob + n, blob + n + 4, 65);
	line = line_for_blob("ecdsa-sha2-nistp256", blob, n);
	parse_fails(line, -EBADMSG);
	free(line);
	/* the right curve name, a point off the curve */
	n = put_string(blob, "ecdsa-sha2-nistp256", 19);
	n += put_string(blob + n, "nistp256", 8);
	memset(blob + n + 4, 4, 65);
	n += put_string(blob + n, blob + n + 4, 65);
	line = line_for_blob("ecdsa-sha2-nistp256", blob, n);
	parse_fails(line, -EBADMSG);
	free(line);
	/* RSA with e = 1 and a 2048-bit n */
	{
		uint8_t mod[257];
		mod[0] = 0;
		memset(mod + 1, 0xff, 256);
		n = put_string(blob, "ssh-rsa", 7);
		uint8_t *big = malloc(600);
		assert_non_null(big);
		memcpy(big, blob, n);
		n += put_string(big + n, "\x01", 1);
		n += put_string(big + n, mod, 257);
		line = line_for_blob("ssh-rsa", big, n);
		parse_fails(line, -EBADMSG);
		free(line);
		/* negative n (no leading zero) */
		n = put_string(big, "ssh-rsa", 7);
		n += put_string(big + n, "\x01\x00\x01", 3);
		n += put_string(big + n, mod + 1, 256);
		line = line_for_blob("ssh-rsa", big, n);
		parse_fails(line, -EBADMSG);
		free(line);
		/* the same, well formed: 2048 bits */
		n = put_string(big, "ssh-rsa", 7);
		n += put_string(big + n, "\x01\x00\x01", 3);
		n += put_string(big + n, mod, 257);
		line = line_for_blob("ssh-rsa", big, n);
		struct authkeys *ak = parse_ok(line, 1);
		assert_int_equal(authkeys_get(ak, 0)->bits, 2048);
		authkeys_free(ak);
		free(line);
		free(big);
	}
}

static void duplicates(void **state)
{
	struct authkeys *ak;

	(void)state;
	ak = parse_ok(KEY_ED25519 " a\n" KEY_ECDSA256 "\n" KEY_ED25519 " b\n",
		      2);
	assert_string_equal(authkeys_get(ak, 0)->comment, "a");
	authkeys_free(ak);
	parse_fails(KEY_ED25519 "\nsesame-role=rescue " KEY_ED25519 "\n",
		    -EBADMSG);
}

static void empty_files(void **state)
{
	struct authkeys *ak = NULL;
	char *text = NULL;
	size_t len;

	(void)state;
	parse_fails("", -ENOKEY);
	parse_fails("\n\n# only comments\n   \n", -ENOKEY);
	assert_int_equal(authkeys_render(NULL, &text, &len), -ENOKEY);
	assert_null(text);
	assert_int_equal(authkeys_parse(NULL, 0, NULL, NULL, &ak), -ENOKEY);
}

static void render_parses_back(void **state)
{
	struct authkeys *ak, *again = NULL;
	char *text, *text2;
	size_t len, len2;

	(void)state;
	ak = parse_ok("# x\n" KEY_ED25519 " a b\n"
		      "sesame-role=rescue,restrict " KEY_ECDSA384 " c\n"
		      "command=\"x\" " KEY_RSA3072 "\n",
		      3);
	assert_int_equal(authkeys_render(ak, &text, &len), 0);
	assert_int_equal(authkeys_parse(text, len, "r", NULL, &again), 0);
	assert_int_equal(authkeys_count(again), 3);
	assert_string_equal(authkeys_get(again, 0)->options, UNLOCK_OPTS);
	assert_string_equal(authkeys_get(again, 2)->options, UNLOCK_OPTS);
	assert_string_equal(authkeys_get(again, 0)->comment, "a b");
	/* same input, same bytes */
	assert_int_equal(authkeys_render(ak, &text2, &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(text, text2, len);
	assert_int_equal(text[0], '#');
	free(text);
	free(text2);
	authkeys_free(again);
	authkeys_free(ak);
	authkeys_free(NULL);
}

static void file_errors(void **state)
{
	struct authkeys *ak = NULL;

	(void)state;
	assert_int_equal(authkeys_parse_file("/nonexistent/ak", NULL, &ak),
			 -ENOENT);
	assert_null(ak);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_keys_become_unlock_keys),
	    cmocka_unit_test(all_supported_types),
	    cmocka_unit_test(refused_types_name_the_line),
	    cmocka_unit_test(short_rsa_warns),
	    cmocka_unit_test(rescue_keeps_dropbear_options),
	    cmocka_unit_test(unlock_options_override_the_user),
	    cmocka_unit_test(security_key_options_survive),
	    cmocka_unit_test(custom_unlock_command),
	    cmocka_unit_test(unenforceable_options_refuse_the_key),
	    cmocka_unit_test(bad_options),
	    cmocka_unit_test(unterminated_quotes),
	    cmocka_unit_test(options_without_key),
	    cmocka_unit_test(comments_cannot_inject),
	    cmocka_unit_test(crlf_and_carriage_returns),
	    cmocka_unit_test(nul_bytes),
	    cmocka_unit_test(huge_lines),
	    cmocka_unit_test(base64_errors),
	    cmocka_unit_test(blob_must_match_and_be_whole),
	    cmocka_unit_test(duplicates),
	    cmocka_unit_test(empty_files),
	    cmocka_unit_test(render_parses_back),
	    cmocka_unit_test(file_errors),
	};
	return cmocka_run_group_tests_name("keys_authkeys", tests, NULL, NULL);
}
