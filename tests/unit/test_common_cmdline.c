/* test_common_cmdline: the one parameter-word splitter (common/cmdline_split.h)
 * on ordinary and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/cmdline_split.h"

/*
 * Every result of splitting buf (len bytes), as one string: words as
 * "[w]", skipped ones as "!L" (too long) or "!C" (control bytes).
 */
static const char *split(const char *buf, size_t len, bool is_file,
			 size_t word_size)
{
	static char out[4096];
	char word[2048];
	struct cmdline_split s;
	size_t off = 0;
	int r;

	assert_true(word_size <= sizeof(word));
	out[0] = '\0';
	cmdline_split_init(&s, buf, len, is_file);
	while ((r = cmdline_split_next(&s, word, word_size)) != 0) {
		assert_true(strlen(word) < word_size); /* always terminated */
		if (r == 1)
			off += (size_t)snprintf(out + off, sizeof(out) - off,
						"[%s]", word);
		else if (r == -ENAMETOOLONG)
			off += (size_t)snprintf(out + off, sizeof(out) - off,
						"!L");
		else if (r == -EILSEQ)
			off += (size_t)snprintf(out + off, sizeof(out) - off,
						"!C");
		else
			fail_msg("unexpected %d", r);
		assert_true(off < sizeof(out));
	}
	/* The end is sticky. */
	assert_int_equal(cmdline_split_next(&s, word, word_size), 0);
	return out;
}

#define SPLIT(lit, file) split(lit, sizeof(lit) - 1, file, 64)

static void ordinary_words(void **state)
{
	(void)state;
	assert_string_equal(SPLIT("root=/dev/vda1 ro quiet", false),
			    "[root=/dev/vda1][ro][quiet]");
	assert_string_equal(SPLIT("  \t a\v\fb\r\n", false), "[a][b]");
	assert_string_equal(SPLIT("root=\"LABEL=my root\" ro", false),
			    "[root=LABEL=my root][ro]");
	assert_string_equal(SPLIT("a=\"x\"\"y\"z", false), "[a=xyz]");
	assert_string_equal(SPLIT("\"\" a", false), "[a]"); /* "" no word */
	assert_string_equal(SPLIT("", false), "");
	assert_string_equal(split(NULL, 5, false, 64), "");
}

static void double_dash_ends_the_command_line(void **state)
{
	(void)state;
	assert_string_equal(SPLIT("ro -- single rd.break", false), "[ro]");
	assert_string_equal(SPLIT("ro \"--\" x", false), "[ro]");
	assert_string_equal(SPLIT("ro --x -", false), "[ro][--x][-]");
	/* In boot.conf "--" is a word like any other. */
	assert_string_equal(SPLIT("ro -- x", true), "[ro][--][x]");
}

static void comments_only_in_a_file(void **state)
{
	(void)state;
	assert_string_equal(SPLIT("# all\nro # rest\nrw", true), "[ro][rw]");
	assert_string_equal(SPLIT("a#b", true), "[a#b]");
	assert_string_equal(SPLIT("# x", false), "[#][x]");
	assert_string_equal(SPLIT("#no newline at the end", true), "");
}

static void unbalanced_quotes_end_with_the_line(void **state)
{
	(void)state;
	assert_string_equal(SPLIT("a=\"open ro", false), "[a=open ro]");
	assert_string_equal(SPLIT("a=\"open\nro", true), "[a=open][ro]");
	assert_string_equal(SPLIT("\"", false), "");
	assert_string_equal(SPLIT("\"\"\"", false), "");
	/* A quote opened in a comment's line is no quote at all. */
	assert_string_equal(SPLIT("# \"x\nro", true), "[ro]");
}

static void nul_separates_and_ends_a_quote(void **state)
{
	static const char buf[] = {'a',	 '\0', 'b', '=', '"', 'x',
				   '\0', 'y',  '"', ' ', 'c'};

	(void)state;
	assert_string_equal(split(buf, sizeof(buf), false, 64),
			    "[a][b=x][y c]");
}

static void control_bytes_skip_the_word(void **state)
{
	(void)state;
	assert_string_equal(SPLIT("a \x1b[2Jx b", false), "[a]!C[b]");
	assert_string_equal(SPLIT("a=\"\x01\" b", false), "!C[b]");
	assert_string_equal(SPLIT("a\x7f b", false), "!C[b]");
	/* bytes of UTF-8 are not control bytes */
	assert_string_equal(SPLIT("hostname=\xc3\xa9t\xc3\xa9", false),
			    "[hostname=\xc3\xa9t\xc3\xa9]");
}

static void overlong_words_are_skipped_whole(void **state)
{
	char buf[3000], word[8];
	struct cmdline_split s;

	(void)state;
	/* 7 bytes fit a word of 8: exactly at the bound, then one over */
	assert_string_equal(split("1234567 12345678 x", 18, false, 8),
			    "[1234567]!L[x]");
	/* A long word's tail is not read as words of its own. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf + 100, " ro ", 4);
	memcpy(buf + sizeof(buf) - 3, " rw", 3);
	assert_string_equal(split(buf, sizeof(buf), false, 1024),
			    "[" /* the first 100 a's */
			    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			    "][ro]!L[rw]");
	/* The skipped word's start is there for a message, terminated. */
	cmdline_split_init(&s, "abcdefghij", 10, false);
	assert_int_equal(cmdline_split_next(&s, word, sizeof(word)),
			 -ENAMETOOLONG);
	assert_string_equal(word, "abcdefg");
	assert_int_equal(cmdline_split_next(&s, word, 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ordinary_words),
	    cmocka_unit_test(double_dash_ends_the_command_line),
	    cmocka_unit_test(comments_only_in_a_file),
	    cmocka_unit_test(unbalanced_quotes_end_with_the_line),
	    cmocka_unit_test(nul_separates_and_ends_a_quote),
	    cmocka_unit_test(control_bytes_skip_the_word),
	    cmocka_unit_test(overlong_words_are_skipped_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
