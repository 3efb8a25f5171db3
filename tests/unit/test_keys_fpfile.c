/* test_keys_fpfile: /init's reader of the builder's host key fingerprint file,
 * with hostile contents (linked without mbedtls, as PID 1 is). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "keys/fpfile.h"

#define FP_ED "256 SHA256:Oa8JIIgIzdEZ07X8jkpMyCnsRyxPcdYLSUr8ArmEKZs (ED25519)"
#define FP_EC "256 SHA256:zB2LlEL0cX1Cf7IGUbpNbbZ4jlEGOlwKnbeJeLZYXyQ (ECDSA)"

struct captured {
	int r;
	char *log;
};

/*
 * Runs keys_fpfile_log_text() (path NULL) or keys_fpfile_log(path) with
 * stderr, where the host's log goes, in a file; the log text comes back.
 */
static struct captured capture(const char *path, const char *text, size_t len)
{
	char logp[] = "/tmp/sesame-fplog.XXXXXX";
	struct captured c = {0};
	size_t loglen;
	int fd = mkstemp(logp), saved = dup(2);

	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	close(fd);
	log_set_max_level(LOG_LVL_INFO);
	c.r = path ? keys_fpfile_log(path)
		   : keys_fpfile_log_text("fp", text, len);
	log_set_max_level(LOG_LVL_ERR);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(file_read_all(logp, 1 << 20, &c.log, &loglen), 0);
	unlink(logp);
	return c;
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void prints_each_line(void **state)
{
	const char text[] = "# SHA256 fingerprints\n" FP_ED "\n\n" FP_EC "\n";
	struct captured c;

	(void)state;
	c = capture(NULL, text, sizeof(text) - 1);
	assert_int_equal(c.r, 2);
	assert_non_null(strstr(c.log, "ssh host key " FP_ED "\n"));
	assert_non_null(strstr(c.log, "ssh host key " FP_EC "\n"));
	assert_null(strstr(c.log, "SHA256 fingerprints"));
	assert_int_equal(count_of(c.log, "ssh host key"), 2);
	assert_null(strstr(c.log, "warning"));
	free(c.log);
}

/* A last line without '\n' is a line (a cut file loses it only if cut). */
static void last_line_without_newline(void **state)
{
	const char text[] = FP_ED "\n" FP_EC;
	struct captured c;

	(void)state;
	c = capture(NULL, text, sizeof(text) - 1);
	assert_int_equal(c.r, 2);
	assert_non_null(strstr(c.log, "ssh host key " FP_EC "\n"));
	free(c.log);
}

static void overlong_line_skipped(void **state)
{
	char text[3 * KEYS_FPFILE_LINE_MAX], *p = text;
	struct captured c;

	(void)state;
	/* line 1: exactly the limit (printed); line 2: one more (skipped) */
	memset(p, 'a', KEYS_FPFILE_LINE_MAX);
	p += KEYS_FPFILE_LINE_MAX;
	*p++ = '\n';
	memset(p, 'b', KEYS_FPFILE_LINE_MAX + 1);
	p += KEYS_FPFILE_LINE_MAX + 1;
	*p++ = '\n';
	memcpy(p, FP_ED "\n", sizeof(FP_ED));
	p += sizeof(FP_ED);
	c = capture(NULL, text, (size_t)(p - text));
	assert_int_equal(c.r, 2);
	assert_non_null(strstr(c.log, "fp:2: longer than 120 bytes"));
	assert_null(strstr(c.log, "bbbb"));
	assert_non_null(strstr(c.log, "ssh host key aaaa"));
	assert_non_null(strstr(c.log, "ssh host key " FP_ED));
	free(c.log);
}

/* Terminal escapes, CR, TAB, NUL, DEL and UTF-8 never reach the console. */
static void control_bytes_skipped(void **state)
{
	static const struct {
		const char *line;
		size_t len;
		const char *msg;
	} bad[] = {
	    {"256 \x1b[2J SHA256:x", 18, "fp:1: byte 0x1b at column 5 "},
	    {"256 SHA256:x\r", 13, "fp:1: byte 0x0d at column 13 "},
	    {"\t256 SHA256:x", 13, "fp:1: byte 0x09 at column 1 "},
	    {"256 SHA\0"
	     "256:x",
	     13, "fp:1: byte 0x00 at column 8 "},
	    {"256 SHA256:x\x7f", 13, "fp:1: byte 0x7f at column 13 "},
	    {"256 SHA256:\xc3\xa9", 13, "fp:1: byte 0xc3 at column 12 "},
	    {"\xff", 1, "fp:1: byte 0xff at column 1 "},
	};
	char text[128];
	struct captured c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(text, bad[i].line, bad[i].len);
		memcpy(text + bad[i].len, "\n" FP_ED "\n", sizeof(FP_ED) + 1);
		c = capture(NULL, text, bad[i].len + sizeof(FP_ED) + 1);
		assert_int_equal(c.r, 1);
		if (!strstr(c.log, bad[i].msg))
			fail_msg("case %zu: no '%s' in '%s'", i, bad[i].msg,
				 c.log);
		assert_int_equal(count_of(c.log, "ssh host key"), 1);
		assert_non_null(strstr(c.log, "ssh host key " FP_ED "\n"));
		free(c.log);
	}
}

static void nothing_to_print(void **state)
{
	static const char *const texts[] = {"", "\n\n\n", "# only\n# comments"};
	struct captured c;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		c = capture(NULL, texts[i], strlen(texts[i]));
		assert_int_equal(c.r, 0);
		assert_non_null(strstr(c.log, "fp: no host key fingerprints"));
		assert_null(strstr(c.log, "ssh host key"));
		free(c.log);
	}
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void reads_the_file(void **state)
{
	char dir[] = "/tmp/sesame-fpfile.XXXXXX", path[64], msg[128];
	char *big = calloc(1, KEYS_FPFILE_MAX + 2);
	struct captured c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, KEYS_FPFILE_NAME);

	/* missing: the path and the reason */
	c = capture(path, NULL, 0);
	assert_int_equal(c.r, -ENOENT);
	snprintf(msg, sizeof(msg), "host key fingerprints %s: ", path);
	assert_non_null(strstr(c.log, msg));
	free(c.log);

	/* empty */
	write_bytes(path, "", 0);
	c = capture(path, NULL, 0);
	assert_int_equal(c.r, 0);
	snprintf(msg, sizeof(msg), "%s: no host key fingerprints", path);
	assert_non_null(strstr(c.log, msg));
	free(c.log);

	/* a bad line is named FILE:LINE */
	write_bytes(path, FP_ED "\n\x1b]0;owned\a\n", sizeof(FP_ED) + 11);
	c = capture(path, NULL, 0);
	assert_int_equal(c.r, 1);
	snprintf(msg, sizeof(msg), "%s:2: byte 0x1b at column 1 ", path);
	assert_non_null(strstr(c.log, msg));
	free(c.log);

	/* the bound: KEYS_FPFILE_MAX bytes read, one more refused */
	assert_non_null(big);
	memset(big, '#', KEYS_FPFILE_MAX);
	memcpy(big, FP_ED "\n", sizeof(FP_ED));
	write_bytes(path, big, KEYS_FPFILE_MAX);
	c = capture(path, NULL, 0);
	assert_int_equal(c.r, 1);
	free(c.log);
	write_bytes(path, big, KEYS_FPFILE_MAX + 1);
	c = capture(path, NULL, 0);
	assert_int_equal(c.r, -EFBIG);
	assert_null(strstr(c.log, "ssh host key"));
	free(c.log);

	free(big);
	unlink(path);
	rmdir(dir);
}

static void path_beside(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(
	    keys_fpfile_beside("/etc/sesame/host_keys.pub", out, sizeof(out)),
	    0);
	assert_string_equal(out, "/etc/sesame/" KEYS_FPFILE_NAME);
	assert_int_equal(keys_fpfile_beside("host_keys.pub", out, sizeof(out)),
			 0);
	assert_string_equal(out, KEYS_FPFILE_NAME);
	assert_int_equal(keys_fpfile_beside("/x", out, sizeof(out)), 0);
	assert_string_equal(out, "/" KEYS_FPFILE_NAME);
	/* exactly fits, then one byte short (out untouched) */
	assert_int_equal(
	    keys_fpfile_beside("/d/x", out, sizeof("/d/" KEYS_FPFILE_NAME)), 0);
	strcpy(out, "untouched");
	assert_int_equal(
	    keys_fpfile_beside("/d/x", out, sizeof("/d/" KEYS_FPFILE_NAME) - 1),
	    -ENAMETOOLONG);
	assert_string_equal(out, "untouched");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(prints_each_line),
	    cmocka_unit_test(last_line_without_newline),
	    cmocka_unit_test(overlong_line_skipped),
	    cmocka_unit_test(control_bytes_skipped),
	    cmocka_unit_test(nothing_to_print),
	    cmocka_unit_test(reads_the_file),
	    cmocka_unit_test(path_beside),
	};
	log_set_max_level(LOG_LVL_ERR);
	return cmocka_run_group_tests_name("keys_fpfile", tests, NULL, NULL);
}
