/* test_common: the bounded cursor, checked numbers and atomic writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "common/cursor.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/proc.h"
#include "common/strutil.h"
#include "common/wire.h"

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
	assert_int_equal(
	    str_to_u64("99999999999999999999999", 10, UINT64_MAX, &v), -ERANGE);
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

static void proc_stat_is_parsed_strictly(void **state)
{
	static const char *const bad[] = {
	    "",
	    "12 (init S 1 1",	      /* no ')' */
	    "12 (x) S",		      /* no ppid */
	    "12 (x) S ",	      /* empty ppid */
	    "12 (x)S 1 1",	      /* no space before the state */
	    "12 (x) S1 1",	      /* no space after it */
	    "12 (x) S -1 1",	      /* negative */
	    "12 (x) S 99999999999 1", /* over pid_t */
	    "12 (x) S 1x 1",	      /* junk */
	};
	const char odd[] = "7 (a) b) Z 42 7 7\n"; /* comm "a) b" */
	pid_t ppid = 5;
	char st = '?';

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
		    proc_parse_stat(bad[i], strlen(bad[i]), &ppid, &st),
		    -EBADMSG);
	assert_int_equal(ppid, 5); /* untouched on failure */
	assert_int_equal(st, '?');
	assert_int_equal(proc_parse_stat(odd, strlen(odd), &ppid, &st), 0);
	assert_int_equal(ppid, 42);
	assert_int_equal(st, 'Z');
	/* Not terminated: only len bytes count (the ppid "31" cut to "3"). */
	assert_int_equal(proc_parse_stat("9 (y) R 31 1", 9, &ppid, &st), 0);
	assert_int_equal(ppid, 3);
	assert_int_equal(proc_read_stat(AT_FDCWD, "/proc/self", &ppid, &st), 0);
	assert_int_equal(ppid, getppid());
	assert_int_equal(st, 'R');
}

/* proc_read_comm: one line, control bytes as '?', the buffer's size kept. */
static void proc_comm_is_read_safely(void **state)
{
	char dir[] = "/tmp/test_common_comm.XXXXXX", path[64], comm[17];
	static const char raw[] = "ab\033c\td\177e\n";
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/comm", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(raw, f);
	fclose(f);
	assert_int_equal(proc_read_comm(AT_FDCWD, dir, comm, sizeof(comm)), 0);
	assert_string_equal(comm, "ab?c?d?e");
	/* a small buffer: cut, terminated */
	assert_int_equal(proc_read_comm(AT_FDCWD, dir, comm, 4), 0);
	assert_string_equal(comm, "ab?");
	/* an empty file and a missing one: errors, comm untouched */
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	strcpy(comm, "keep");
	assert_int_equal(proc_read_comm(AT_FDCWD, dir, comm, sizeof(comm)), -EIO);
	assert_string_equal(comm, "keep");
	unlink(path);
	assert_int_equal(proc_read_comm(AT_FDCWD, dir, comm, sizeof(comm)),
			 -ENOENT);
	assert_string_equal(comm, "keep");
	rmdir(dir);
	assert_int_equal(proc_read_comm(AT_FDCWD, "/proc/self", comm,
					sizeof(comm)),
			 0);
	assert_string_equal(comm, "test_common");
}

/* ---- issue 9 item 5: console writes never block ---- */

static void log_blocked(int sig)
{
	static const char msg[] = "a console write blocked the writer\n";

	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1); /* the test fails instead of hanging */
}

/* What the terminal has shown (NUL-terminated), reading until it is dry. */
static size_t drain_pty(int master, char *out, size_t size)
{
	size_t off = 0;
	ssize_t n;

	while (off + 1 < size && (n = read(master, out + off,
					   size - 1 - off)) > 0)
		off += (size_t)n;
	out[off] = '\0';
	return off;
}

/* A console whose reader stopped (Ctrl-S, flow control, nothing on the
 * serial line) is a pty nobody reads: logging goes on, whole lines are
 * dropped and counted, and the count is said once it reads again. */
static void console_writes_never_block(void **state)
{
	static char seen[1 << 20];
	int master, slave;
	unsigned long dropped;
	struct termios t;
	unsigned long shown;
	char *line;
	size_t off;

	(void)state;
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(slave >= 0);
	assert_int_equal(tcgetattr(slave, &t), 0);
	cfmakeraw(&t); /* every byte reaches the master as written */
	assert_int_equal(tcsetattr(slave, TCSANOW, &t), 0);
	fcntl(master, F_SETFL, O_NONBLOCK);
	log_set_sinks(LOG_SINK_CONSOLE, -1, slave);
	/* The caller's descriptor stays blocking (children share it). */
	assert_false(fcntl(slave, F_GETFL) & O_NONBLOCK);
	signal(SIGALRM, log_blocked);
	alarm(60); /* a hang detector, far beyond any machine's load */
	for (int i = 0; i < 5000; i++)
		log_info("line %04d %s", i,
			 "................................................"
			 "................................................");
	alarm(0);
	dropped = log_console_dropped();
	assert_true(dropped > 0);
	/* It takes output again: the next line and the count show. */
	off = drain_pty(master, seen, sizeof(seen));
	line = strstr(seen, "line 0000 ");
	assert_non_null(line);
	/* The pty frees its buffers from a kernel worker: log until the
	 * kept text, the count and the new line are all out. */
	for (int i = 0; i < 300 && !(strstr(seen, "messages dropped") &&
				     strstr(seen, "the reader is back"));
	     i++) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		log_info("the reader is back");
		(void)poll(&p, 1, 100);
		off += drain_pty(master, seen + off, sizeof(seen) - off);
	}
	/* Never half a line: a line cut by a full terminal is finished
	 * before anything else is written. */
	for (char *p = seen; (p = strstr(p, "line ")); p += 5)
		assert_true(strlen(p) >= 107 && p[106] == '\n');
	line = strstr(seen, "[");
	assert_non_null(line);
	assert_true(sscanf(line, "[%lu console messages dropped", &shown) == 1);
	assert_true(shown >= 1 && shown <= log_console_dropped());
	assert_true(dropped <= log_console_dropped());
	assert_non_null(strstr(seen, "the reader is back"));
	log_set_sinks(LOG_SINK_STDERR, -1, -1);
	close(slave);
	close(master);
}

/* wire: strings and numbers out, strings back in, every bound held. */
static void wire_strings_are_bounded(void **state)
{
	uint8_t buf[16];
	struct wire w = {.p = buf, .size = sizeof(buf)};
	struct cursor c;
	char out[8], big[9];

	(void)state;
	wire_u8(&w, 7);
	wire_str(&w, "ab\ncd", sizeof(out));
	assert_int_equal(w.err, 0);
	assert_int_equal(w.len, 1 + 2 + 5);
	assert_memory_equal(buf, "\007\000\005ab\ncd", 8);
	/* Read back: newline only with WIRE_STR_LINES; a refusal consumes
	 * nothing. */
	c = cursor_make(buf + 1, w.len - 1);
	assert_int_equal(cursor_str(&c, out, sizeof(out), 0), -EBADMSG);
	assert_int_equal(c.left, w.len - 1);
	assert_int_equal(cursor_str(&c, out, sizeof(out), WIRE_STR_LINES), 0);
	assert_string_equal(out, "ab\ncd");
	assert_int_equal(c.left, 0);
	/* A length at the field's size, past the end, or a NUL inside. */
	c = cursor_make("\000\010abcdefgh", 10);
	assert_int_equal(cursor_str(&c, out, sizeof(out), 0), -EBADMSG);
	assert_int_equal(cursor_str(&c, big, sizeof(big), 0), 0);
	c = cursor_make("\000\003ab", 4);
	assert_int_equal(cursor_str(&c, out, sizeof(out), 0), -EBADMSG);
	c = cursor_make("\000\003a\000b", 5);
	assert_int_equal(cursor_str(&c, out, sizeof(out), 0), -EBADMSG);
	c = cursor_make("\000\002\303\251", 4); /* UTF-8 passes */
	assert_int_equal(cursor_str(&c, out, sizeof(out), 0), 0);
	/* Writing: too long for its field, a number out of range, no room;
	 * the first error sticks. */
	w = (struct wire){.p = buf, .size = sizeof(buf)};
	wire_str(&w, "12345678", sizeof(out));
	assert_int_equal(w.err, -EINVAL);
	w = (struct wire){.p = buf, .size = sizeof(buf)};
	wire_u8(&w, 256);
	wire_be16(&w, 1);
	assert_int_equal(w.err, -EINVAL);
	w = (struct wire){.p = buf, .size = 3};
	wire_be16(&w, 0x10000);
	assert_int_equal(w.err, -EINVAL);
	w = (struct wire){.p = buf, .size = 3};
	wire_str(&w, "abc", sizeof(out));
	assert_int_equal(w.err, -EMSGSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(cursor_refuses_overread),
	    cmocka_unit_test(numbers_are_checked),
	    cmocka_unit_test(copies_refuse_truncation),
	    cmocka_unit_test(atomic_write_replaces_whole),
	    cmocka_unit_test(proc_stat_is_parsed_strictly),
	    cmocka_unit_test(proc_comm_is_read_safely),
	    cmocka_unit_test(console_writes_never_block),
	    cmocka_unit_test(wire_strings_are_bounded),
	};
	return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
