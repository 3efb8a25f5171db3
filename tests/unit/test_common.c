/* test_common: the bounded cursor, checked numbers and atomic writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cursor.h"
#include "common/fileio.h"
#include "common/strutil.h"

static void cursor_refuses_overread(void **state)
{
	const uint8_t b[] = {1, 2, 3};
	struct cursor c = cursor_make(b, sizeof(b)), sub;
	uint32_t v32;
	uint16_t v16;

	(void)state;
	assert_int_equal(cursor_be32(&c, &v32), -EBADMSG);
	assert_int_equal(c.left, 3); /* a failed read consumes nothing */
	assert_int_equal(cursor_be16(&c, &v16), 0);
	assert_int_equal(v16, 0x0102);
	assert_int_equal(cursor_take(&c, 2, &sub), -EBADMSG);
	assert_int_equal(cursor_take(&c, 1, &sub), 0);
	assert_int_equal(sub.left, 1);
	assert_int_equal(c.left, 0);
	assert_int_equal(cursor_skip(&c, 1), -EBADMSG);
}

static void numbers_are_checked(void **state)
{
	uint64_t v = 42;

	(void)state;
	assert_int_equal(str_to_u64("", 10, 100, &v), -EINVAL);
	assert_int_equal(str_to_u64("-1", 10, 100, &v), -EINVAL);
	assert_int_equal(str_to_u64(" 1", 10, 100, &v), -EINVAL);
	assert_int_equal(str_to_u64("1x", 10, 100, &v), -EINVAL);
	assert_int_equal(str_to_u64("101", 10, 100, &v), -ERANGE);
	assert_int_equal(str_to_u64("99999999999999999999999", 10, UINT64_MAX,
				    &v), -ERANGE);
	assert_int_equal(v, 42); /* untouched on failure */
	assert_int_equal(str_to_u64("0755", 8, 07777, &v), 0);
	assert_int_equal(v, 0755);
	assert_int_equal(str_to_u64("0x1f", 0, 100, &v), 0);
	assert_int_equal(v, 31);
}

static void copies_refuse_truncation(void **state)
{
	char buf[4] = "abc";

	(void)state;
	assert_int_equal(str_copy(buf, sizeof(buf), "abcd"), -ENAMETOOLONG);
	assert_string_equal(buf, "abc");
	assert_int_equal(str_copy(buf, sizeof(buf), "xy"), 0);
	assert_string_equal(buf, "xy");
}

static void atomic_write_replaces_whole(void **state)
{
	char dir[] = "/tmp/sesame-test.XXXXXX", path[128];
	struct atomic_file af;
	char *buf;
	size_t len;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	assert_int_equal(file_write_atomic(path, "old", 3, 0600), 0);
	/* An aborted write leaves the old file and no temporary. */
	assert_int_equal(atomic_file_open(&af, path, 0600), 0);
	assert_int_equal(fd_write_all(af.fd, "new!", 4), 0);
	atomic_file_abort(&af);
	assert_int_equal(file_read_all(path, 100, &buf, &len), 0);
	assert_string_equal(buf, "old");
	free(buf);
	assert_int_equal(file_write_atomic(path, "new", 3, 0600), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(file_read_all(path, 2, &buf, &len), -EFBIG);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0); /* no temporary was left behind */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cursor_refuses_overread),
		cmocka_unit_test(numbers_are_checked),
		cmocka_unit_test(copies_refuse_truncation),
		cmocka_unit_test(atomic_write_replaces_whole),
	};
	return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
