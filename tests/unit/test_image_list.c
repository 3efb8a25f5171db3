/* test_image_list: the gen_init_cpio list parser, normaliser and printer. */
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

#include "image/list.h"

static int parse(struct image_list *l, const char *text)
{
	return list_parse(l, text, strlen(text), "test.list");
}

static const struct list_entry *find(const struct image_list *l,
				     const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

static void parses_every_type(void **state)
{
	struct image_list l;
	const struct list_entry *e;
	const char *text = "# a comment\n"
			   "\n"
			   "dir /dev 755 0 0\n"
			   "nod /dev/console 0600 0 0 c 5 1\n"
			   "nod /dev/sda 0660 0 6 b 8 0\n"
			   "file /init /bin/true 0755 0 0\n"
			   "slink /bin/sh busybox 777 0 0\n"
			   "pipe /run/fifo 0644 1 2\n"
			   "sock /run/sock 0644 0 0\n"
			   "\tfile  /x\t/bin/true 644 0 0 /y /z  \r\n";

	(void)state;
	list_init(&l);
	assert_int_equal(parse(&l, text), 0);
	assert_int_equal(l.n, 10);
	e = find(&l, "/dev/console");
	assert_non_null(e);
	assert_int_equal(e->type, LIST_NOD);
	assert_int_equal(e->mode, 0600);
	assert_int_equal(e->dev_type, 'c');
	assert_int_equal(e->maj, 5);
	assert_int_equal(e->min, 1);
	e = find(&l, "/dev/sda");
	assert_int_equal(e->dev_type, 'b');
	assert_int_equal(e->gid, 6);
	e = find(&l, "/bin/sh");
	assert_int_equal(e->type, LIST_SLINK);
	assert_string_equal(e->location, "busybox");
	e = find(&l, "/run/fifo");
	assert_int_equal(e->type, LIST_PIPE);
	assert_int_equal(e->uid, 1);
	assert_int_equal(find(&l, "/run/sock")->type, LIST_SOCK);
	/* Hard links become copies of the same source. */
	assert_string_equal(find(&l, "/y")->location, "/bin/true");
	assert_string_equal(find(&l, "/z")->location, "/bin/true");
	assert_int_equal(find(&l, "/z")->mode, 0644);
	list_free(&l);
}

static void expands_env_in_locations(void **state)
{
	struct image_list l;

	(void)state;
	list_init(&l);
	setenv("SESAME_T_DIR", "/usr", 1);
	unsetenv("SESAME_T_UNSET");
	assert_int_equal(parse(&l, "file /a ${SESAME_T_DIR}/bin/x 644 0 0\n"
				   "file /b ${SESAME_T_UNSET}/x 644 0 0\n"
				   "file /c ${unterminated/x 644 0 0\n"),
			 0);
	assert_string_equal(find(&l, "/a")->location, "/usr/bin/x");
	assert_string_equal(find(&l, "/b")->location, "/x");
	assert_string_equal(find(&l, "/c")->location, "${unterminated/x");
	list_free(&l);
}

static void normalises_names(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(
	    list_normalize_name("dev//./console/", out, sizeof(out)), 0);
	assert_string_equal(out, "/dev/console");
	assert_int_equal(list_normalize_name("/", out, sizeof(out)), -EINVAL);
	assert_int_equal(list_normalize_name("", out, sizeof(out)), -EINVAL);
	assert_int_equal(list_normalize_name("/a/../etc", out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(list_normalize_name("/a\x01", out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(list_normalize_name("/aaaaaaaaaa", out, 8),
			 -ENAMETOOLONG);
	assert_int_equal(list_normalize_name("..x", out, sizeof(out)), 0);
	assert_string_equal(out, "/..x");
}

/* Every malformed line is refused with -EINVAL, nothing else added. */
static void refuses_bad_lines(void **state)
{
	static const char *const bad[] = {
	    "frob /x 755 0 0\n",
	    "dir /x 755 0\n",
	    "dir /x 755 0 0 extra\n",
	    "dir /x 855 0 0\n",
	    "dir /x 17777 0 0\n",
	    "dir /x -755 0 0\n",
	    "dir /x 755 0x1 0\n",
	    "dir /x 755 0 4294967296\n",
	    "dir / 755 0 0\n",
	    "dir /../x 755 0 0\n",
	    "nod /x 600 0 0 x 1 1\n",
	    "nod /x 600 0 0 cc 1 1\n",
	    "nod /x 600 0 0 c 4096 1\n",
	    "nod /x 600 0 0 c 1\n",
	    "file /x 644 0 0\n",
	    "file /x ${SESAME_T_EMPTY} 644 0 0\n",
	    "slink /x 777 0 0\n",
	    "pipe /x 644 0 0 0\n",
	    "sock /x\n",
	    "dir /x 755 0 0\ndir /y 755 0\0 0\n",
	};
	static const size_t bad_len[] = {[19] = 28};

	(void)state;
	setenv("SESAME_T_EMPTY", "", 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct image_list l;
		size_t len = bad_len[i] ? bad_len[i] : strlen(bad[i]);
		list_init(&l);
		print_message("bad line %zu\n", i);
		assert_int_equal(list_parse(&l, bad[i], len, "bad"), -EINVAL);
		/* Only the good first line of the NUL case got in. */
		assert_int_equal(l.n, i == 19 ? 1 : 0);
		list_free(&l);
	}
}

static void refuses_too_many_fields(void **state)
{
	struct image_list l;
	char text[2048] = "file /x /bin/true 644 0 0";

	(void)state;
	for (int i = 0; i < 60; i++)
		strcat(text, " /h");
	list_init(&l);
	assert_int_equal(parse(&l, text), -EINVAL);
	list_free(&l);
}

static void finish_sorts_dedups_and_adds_parents(void **state)
{
	struct image_list l;

	(void)state;
	list_init(&l);
	assert_int_equal(parse(&l, "file /usr/lib/x/a /bin/true 644 0 0\n"
				   "dir /usr 700 0 0\n"
				   "file /usr-b /bin/true 644 0 0\n"
				   "file /usr/lib/x/a /bin/false 600 0 0\n"),
			 0);
	assert_int_equal(list_finish(&l), 0);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0].name, "/usr");
	assert_int_equal(l.v[0].mode, 0700); /* the listed dir wins */
	assert_string_equal(l.v[1].name, "/usr/lib");
	assert_int_equal(l.v[1].type, LIST_DIR);
	assert_int_equal(l.v[1].mode, 0755);
	assert_string_equal(l.v[2].name, "/usr/lib/x");
	assert_string_equal(l.v[3].name, "/usr/lib/x/a");
	/* The later entry of a name wins. */
	assert_string_equal(l.v[3].location, "/bin/false");
	assert_int_equal(l.v[3].mode, 0600);
	/* '/' sorts first: a directory's members follow it directly. */
	assert_string_equal(l.v[4].name, "/usr-b");
	list_free(&l);
}

static void finish_refuses_file_as_parent(void **state)
{
	struct image_list l;

	(void)state;
	list_init(&l);
	assert_int_equal(parse(&l, "file /a /bin/true 644 0 0\n"
				   "file /a/b /bin/true 644 0 0\n"),
			 0);
	assert_int_equal(list_finish(&l), -ENOTDIR);
	list_free(&l);
}

/* --list output read back gives the same list, printed the same. */
static void round_trips(void **state)
{
	struct image_list a, b;
	char *t1 = NULL, *t2 = NULL;
	size_t n1 = 0, n2 = 0;
	FILE *f;

	(void)state;
	list_init(&a);
	list_init(&b);
	assert_int_equal(parse(&a, "slink /bin/sh busybox 777 0 0\n"
				   "nod /dev/null 666 0 0 c 1 3\n"
				   "file /init /bin/true 4755 0 0\n"
				   "pipe /p 600 3 4\n"
				   "sock /s 600 0 0\n"),
			 0);
	assert_int_equal(list_finish(&a), 0);
	f = open_memstream(&t1, &n1);
	assert_int_equal(list_write(&a, f), 0);
	fclose(f);
	assert_int_equal(list_parse(&b, t1, n1, "round"), 0);
	assert_int_equal(list_finish(&b), 0);
	f = open_memstream(&t2, &n2);
	assert_int_equal(list_write(&b, f), 0);
	fclose(f);
	assert_string_equal(t1, t2);
	assert_non_null(strstr(t1, "file /init /bin/true 4755 0 0\n"));
	assert_non_null(strstr(t1, "dir /bin 0755 0 0\n"));
	free(t1);
	free(t2);
	list_free(&a);
	list_free(&b);
}

static void format_refuses_unlistable(void **state)
{
	struct image_list l;
	char buf[256];

	(void)state;
	list_init(&l);
	assert_int_equal(list_add_file(&l, "/a", "/tmp/with space", 0644), 0);
	assert_int_equal(list_add_file(&l, "/b", "/tmp/${X}", 0644), 0);
	assert_int_equal(list_add_data(&l, "/c", "hi", 2, 0644), 0);
	assert_int_equal(list_format_entry(&l.v[0], buf, sizeof(buf)), -EINVAL);
	assert_int_equal(list_format_entry(&l.v[1], buf, sizeof(buf)), -EINVAL);
	/* Generated content has no location until materialised. */
	assert_int_equal(list_format_entry(&l.v[2], buf, sizeof(buf)), -EINVAL);
	assert_int_equal(list_format_entry(&l.v[2], buf, 4), -EINVAL);
	list_free(&l);
}

static void reports_file_and_line(void **state)
{
	struct image_list l;
	char path[] = "/tmp/test_image_list.XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("dir /a 755 0 0\n\n# c\ndir /b 955 0 0\n", f);
	fclose(f);
	list_init(&l);
	/* The message itself goes to stderr ("PATH:4: bad mode ..."). */
	assert_int_equal(list_parse_file(&l, path), -EINVAL);
	assert_int_equal(l.n, 1);
	list_free(&l);
	unlink(path);
	assert_int_equal(list_parse_file(&l, path), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_every_type),
	    cmocka_unit_test(expands_env_in_locations),
	    cmocka_unit_test(normalises_names),
	    cmocka_unit_test(refuses_bad_lines),
	    cmocka_unit_test(refuses_too_many_fields),
	    cmocka_unit_test(finish_sorts_dedups_and_adds_parents),
	    cmocka_unit_test(finish_refuses_file_as_parent),
	    cmocka_unit_test(round_trips),
	    cmocka_unit_test(format_refuses_unlistable),
	    cmocka_unit_test(reports_file_and_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
