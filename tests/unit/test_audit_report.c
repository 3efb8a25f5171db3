/* test_audit_report: the catalogue's rules, accepts with reasons, the text and
 * JSON renderings, and `sesame audit`'s options and exit statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "common/fileio.h"
#include "common/log.h"
#include "tool/commands.h"

/* ---- the catalogue ---- */

static bool id_ok(const char *id)
{
	if (!*id || *id == '-' || id[strlen(id) - 1] == '-')
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      (*p == '-' && p[1] != '-')))
			return false;
	return true;
}

static bool text_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f ||
		    *s == '\\')
			return false;
	return true;
}

static void test_catalog_rules(void **state)
{
	(void)state;
	assert_true(audit_catalog_len >= 30);
	for (size_t i = 0; i < audit_catalog_len; i++) {
		const struct audit_check *c = &audit_catalog[i];
		bool area = false;
		if (!id_ok(c->id))
			fail_msg("bad id '%s'", c->id);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(audit_catalog[j].id, c->id))
				fail_msg("id '%s' twice", c->id);
		for (size_t a = 0; a < audit_areas_len; a++)
			area |= !strcmp(audit_areas[a], c->area);
		assert_true(area);
		assert_true(c->severity <= AUDIT_ERROR);
		if (!text_ok(c->title) || !text_ok(c->why) || !text_ok(c->fix))
			fail_msg("%s: empty or non-ASCII text", c->id);
		assert_ptr_equal(audit_check_find(c->id), c);
	}
	assert_null(audit_check_find("no-such-check"));
}

/*
 * Every id the checks report is in the catalogue, and every id in the
 * catalogue is reported somewhere (sources read from the tree).
 */
static void test_catalog_matches_code(void **state)
{
	static const char *const srcs[] = {
	    "audit/check_host.c", "audit/check_image.c", "audit/check_keys.c",
	    "audit/check_luks.c", "audit/check_boot.c",	 "audit/check_net.c",
	    "audit/params.c",	  "audit/boot_hook.c",
	};
	static const char *const calls[] = {"audit_add(", "emit(\"",
					    "audit_boot_log(\""};
	char *all = NULL;
	size_t total = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		char *buf;
		size_t len;
		if (file_read_all(srcs[i], 1u << 20, &buf, &len) < 0)
			skip(); /* not run from the source tree */
		all = realloc(all, total + len + 1);
		assert_non_null(all);
		memcpy(all + total, buf, len + 1);
		total += len;
		free(buf);
	}
	for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++)
		for (const char *p = all; (p = strstr(p, calls[c])); p++) {
			const char *q = strchr(p, '"'), *e;
			char id[64];
			assert_non_null(q);
			e = strchr(q + 1, '"');
			assert_non_null(e);
			snprintf(id, sizeof(id), "%.*s", (int)(e - q - 1),
				 q + 1);
			if (strchr(id, '%'))
				continue; /* a pass-through of an id */
			if (!audit_check_find(id))
				fail_msg("unknown id '%s' reported", id);
		}
	for (size_t i = 0; i < audit_catalog_len; i++) {
		char quoted[80];
		snprintf(quoted, sizeof(quoted), "\"%s\"", audit_catalog[i].id);
		if (!strstr(all, quoted))
			fail_msg("id '%s' is reported by no check",
				 audit_catalog[i].id);
	}
	free(all);
}

/* ---- accepts ---- */

static void test_accept_parse(void **state)
{
	static const char conf[] =
	    "# deliberate exceptions\n"
	    "\n"
	    "accept authkey-rescue  on-call rescue key, reviewed 2026-11  \n"
	    "  accept\tboot-shell\tlab machine, console in a locked room\n";
	struct audit_report r;

	(void)state;
	audit_report_init(&r);
	assert_int_equal(audit_accept_parse(&r, conf, strlen(conf), "t"), 0);
	assert_int_equal(r.n_acc, 2);
	assert_string_equal(r.acc[0].id, "authkey-rescue");
	assert_string_equal(r.acc[0].reason,
			    "on-call rescue key, reviewed 2026-11");
	assert_int_equal(r.acc[0].line, 3);
	assert_string_equal(r.acc[1].reason,
			    "lab machine, console in a locked room");
	audit_report_free(&r);
}

static void test_accept_refused(void **state)
{
	static const char *const bad[] = {
	    "accept authkey-rescue\n",	    /* no reason */
	    "accept authkey-rescue   \n",   /* only blanks */
	    "accept no-such-id because\n",  /* unknown id */
	    "silence authkey-rescue why\n", /* not accept */
	    "acceptauthkey-rescue why\n",   /* no blank */
	    "accept\n",			    /* nothing */
	    "accept boot-shell a\x01b\n",   /* control character */
	};
	struct audit_report r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		audit_report_init(&r);
		assert_int_equal(
		    audit_accept_parse(&r, bad[i], strlen(bad[i]), "t"),
		    -EINVAL);
		assert_int_equal(r.n_acc, 0);
		audit_report_free(&r);
	}
	/* A NUL byte inside a line; the good line after it still counts. */
	audit_report_init(&r);
	assert_int_equal(audit_accept_parse(&r,
					    "accept boot-shell a\0b\n"
					    "accept boot-break ok\n",
					    43, "t"),
			 -EINVAL);
	assert_int_equal(r.n_acc, 1);
	audit_report_free(&r);
}

static void test_accept_missing_file(void **state)
{
	struct audit_report r;

	(void)state;
	audit_report_init(&r);
	assert_int_equal(audit_accept_load(&r, "/nonexistent/audit.conf"), 0);
	assert_int_equal(r.n_acc, 0);
	audit_report_free(&r);
}

/* Renders into a string through a memory stream. */
static char *render(const struct audit_report *r, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (json)
		audit_print_json(r, f);
	else
		audit_print_text(r, f, false);
	fclose(f);
	return buf;
}

static void test_accepted_findings(void **state)
{
	static const char conf[] = "accept authkey-rescue on-call key\n";
	struct audit_report r;
	char *text, *json;

	(void)state;
	audit_report_init(&r);
	assert_int_equal(audit_accept_parse(&r, conf, strlen(conf), "t"), 0);
	audit_add(&r, "authkey-rescue", "/root/.ssh/authorized_keys:2",
		  "no command=");
	audit_add(&r, "boot-shell", "rd.shell", "a shell");
	audit_add(&r, "luks-token", "/dev/sda2 token 0", "clevis");
	assert_string_equal(r.v[0].accepted, "on-call key");
	assert_null(r.v[1].accepted);
	assert_int_equal(audit_count_open(&r, AUDIT_WARNING), 1);
	assert_int_equal(audit_count_open(&r, AUDIT_ERROR), 0);
	assert_int_equal(audit_count_open(&r, AUDIT_INFO), 2);
	text = render(&r, false);
	assert_non_null(strstr(text, "accepted[authkey-rescue]"));
	assert_non_null(strstr(text, "accepted: on-call key"));
	assert_non_null(strstr(text, "warning[boot-shell] rd.shell: a shell"));
	assert_non_null(strstr(text, "2 findings, 1 accepted"));
	json = render(&r, true);
	assert_non_null(strstr(json, "\"id\":\"authkey-rescue\",\"severity\":"
				     "\"warning\",\"area\":\"keys\""));
	assert_non_null(strstr(json, "\"accepted\":\"on-call key\""));
	assert_non_null(strstr(json, "\"accepted\":null"));
	assert_non_null(strstr(json, "\"counts\":{\"error\":0,\"warning\":1,"
				     "\"info\":1,\"accepted\":1}"));
	free(text);
	free(json);
	audit_report_free(&r);
}

static void test_json_escaping(void **state)
{
	struct audit_report r;
	char *json, *text;

	(void)state;
	audit_report_init(&r);
	audit_add(&r, "image-setuid", "/bin/a\"b\\c\nd\x1b[31m\xc3\xa9",
		  "mode %04o", 04755);
	json = render(&r, true);
	assert_non_null(strstr(json, "\"subject\":\"/bin/a\\\"b\\\\c\\u000ad"
				     "\\u001b[31m??\""));
	text = render(&r, false);
	assert_null(strchr(text, '\x1b')); /* no terminal escapes from names */
	free(json);
	free(text);
	audit_report_free(&r);
}

/* ---- sesame audit: options and exit statuses ---- */

struct cli_fx {
	char root[64];
	char out[96];
};

static int cli_setup(void **state)
{
	struct cli_fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->root, "/tmp/test_audit_report.XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	snprintf(f->out, sizeof(f->out), "%s/out", f->root);
	*state = f;
	return 0;
}

static int cli_teardown(void **state)
{
	struct cli_fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	free(f);
	return system(cmd) == 0 ? 0 : -1;
}

/* Runs cmd_audit with stdout into f->out; returns the exit status. */
static int cli(struct cli_fx *f, const char *a1, const char *a2, const char *a3,
	       const char *a4)
{
	char args[8][PATH_MAX];
	char *argv[9];
	const char *a[] = {"audit", "--host-root", f->root, a1, a2, a3, a4};
	int argc = 0, saved, fd, status;

	/* getopt may permute argv: hand it copies it can own. */
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		if (a[i]) {
			snprintf(args[argc], sizeof(args[0]), "%s", a[i]);
			argv[argc] = args[argc];
			argc++;
		}
	argv[argc] = NULL;
	fflush(stdout);
	saved = dup(1);
	fd = open(f->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 1);
	close(fd);
	status = cmd_audit(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return status;
}

static char *cli_output(struct cli_fx *f)
{
	char *buf;
	size_t len;

	assert_int_equal(file_read_all(f->out, 1u << 20, &buf, &len), 0);
	return buf;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_cli_status(void **state)
{
	struct cli_fx *f = *state;
	char path[PATH_MAX], conf[PATH_MAX];
	char *out;

	/* Clean: 0, and an empty JSON report. */
	assert_int_equal(cli(f, "--json", "--cmdline=", NULL, NULL), EXIT_OK);
	out = cli_output(f);
	assert_non_null(strstr(out, "\"findings\":[\n]"));
	free(out);
	/* Warnings: 0, or 1 with --strict. */
	assert_int_equal(cli(f, "--cmdline=rd.shell", NULL, NULL, NULL),
			 EXIT_OK);
	out = cli_output(f);
	assert_non_null(strstr(out, "warning[boot-shell]"));
	free(out);
	assert_int_equal(cli(f, "--strict", "--cmdline=rd.shell", NULL, NULL),
			 EXIT_FAIL);
	/* Accepted: 0 even with --strict. */
	snprintf(conf, sizeof(conf), "%s/audit.conf", f->root);
	write_file(conf, "accept boot-shell lab box\n", 0644);
	assert_int_equal(
	    cli(f, "--strict", "--cmdline=rd.shell", "--config", conf),
	    EXIT_OK);
	out = cli_output(f);
	assert_non_null(strstr(out, "accepted: lab box"));
	free(out);
	/* An error: 1 without --strict. */
	snprintf(path, sizeof(path), "%s/etc", f->root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/crypttab", f->root);
	write_file(path, "root UUID=1 /etc/root.key luks\n", 0644);
	snprintf(path, sizeof(path), "%s/etc/root.key", f->root);
	write_file(path, "secret", 0644);
	assert_int_equal(cli(f, "--cmdline=", NULL, NULL, NULL), EXIT_FAIL);
	out = cli_output(f);
	assert_non_null(strstr(out, "error[keyfile-host-readable]"));
	free(out);
	/* The default config below the host root is read. */
	snprintf(path, sizeof(path), "%s/etc/sesame", f->root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/sesame/audit.conf", f->root);
	write_file(path, "accept keyfile-host-readable test\n", 0644);
	assert_int_equal(cli(f, "--cmdline=", NULL, NULL, NULL), EXIT_OK);
}

static void test_cli_usage(void **state)
{
	struct cli_fx *f = *state;
	char conf[PATH_MAX];

	assert_int_equal(cli(f, "--no-such-option", NULL, NULL, NULL),
			 EXIT_USAGE);
	assert_int_equal(cli(f, "a", "b", NULL, NULL), EXIT_USAGE);
	assert_int_equal(cli(f, "--target-memory", "lots", NULL, NULL),
			 EXIT_USAGE);
	assert_int_equal(cli(f, "--color", "pink", NULL, NULL), EXIT_USAGE);
	snprintf(conf, sizeof(conf), "%s/bad.conf", f->root);
	write_file(conf, "accept boot-shell\n", 0644);
	assert_int_equal(cli(f, "--config", conf, NULL, NULL), EXIT_USAGE);
	assert_int_equal(cli(f, "--help", NULL, NULL, NULL), EXIT_OK);
	assert_int_equal(cli(f, "--list-checks", NULL, NULL, NULL), EXIT_OK);
	/* An image that is not one: a failure, not findings. */
	assert_int_equal(cli(f, "--cmdline=", conf, NULL, NULL), EXIT_FAIL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_catalog_rules),
	    cmocka_unit_test(test_catalog_matches_code),
	    cmocka_unit_test(test_accept_parse),
	    cmocka_unit_test(test_accept_refused),
	    cmocka_unit_test(test_accept_missing_file),
	    cmocka_unit_test(test_accepted_findings),
	    cmocka_unit_test(test_json_escaping),
	    cmocka_unit_test_setup_teardown(test_cli_status, cli_setup,
					    cli_teardown),
	    cmocka_unit_test_setup_teardown(test_cli_usage, cli_setup,
					    cli_teardown),
	};

	log_set_max_level(LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
