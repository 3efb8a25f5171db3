/* test_try_console: sesame-init's console lines as `sesame try` reads them,
 * including hostile and cut-up input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "try/console.h"

static struct try_event parse(const char *line)
{
	struct try_event ev;

	assert_int_equal(try_console_parse_line(line, strlen(line), &ev), 0);
	return ev;
}

static void lines_seen_on_a_real_boot(void **state)
{
	struct try_event ev;

	(void)state;
	/* Taken from a boot of a VM test image (build/vm-logs). */
	ev = parse(
	    "sesame-init: start at 5.471478 s (monotonic), version 0.1.0");
	assert_int_equal(ev.type, TRY_EV_INIT);
	ev = parse("[    5.434083] sesame-init: start at 5.471478 s "
		   "(monotonic), version 0.1.0\r");
	assert_int_equal(ev.type, TRY_EV_INIT);
	ev = parse("sesame-init: net: eth0: Ethernet NIC, trying it (no "
		   "interface named)");
	assert_int_equal(ev.type, TRY_EV_NIC);
	assert_string_equal(ev.a, "eth0");
	ev = parse("sesame-init: dhcp: eth0: bound 10.0.2.15/24 from "
		   "10.0.2.2, lease 86400 s (52 ms after the first message)");
	assert_int_equal(ev.type, TRY_EV_DHCP_BOUND);
	assert_string_equal(ev.a, "eth0");
	assert_string_equal(ev.b, "10.0.2.15/24");
	assert_int_equal(ev.ms, 52);
	ev = parse("sesame-init: reachable on eth0 at 10.0.2.15 (ssh "
		   "root@10.0.2.15)");
	assert_int_equal(ev.type, TRY_EV_REACHABLE);
	assert_string_equal(ev.a, "eth0");
	assert_string_equal(ev.b, "10.0.2.15");
	ev = parse("sesame-init: ssh host key 256 SHA256:sr2sbH/Ce23vetpWHx"
		   "B7Da6o8vXMKdoeXyKph6dA7cg (ED25519)");
	assert_int_equal(ev.type, TRY_EV_HOSTKEY);
	ev = parse("sesame-init: no authorized_keys in the image: no SSH");
	assert_int_equal(ev.type, TRY_EV_NO_SSH);
	ev = parse("sesame-init: warning: net: no address after 60 s; tried: "
		   "no usable interface; still trying");
	assert_int_equal(ev.type, TRY_EV_NET_WAITING);
	assert_string_equal(ev.text,
			    "60 s; tried: no usable interface; still trying");
	ev = parse("sesame-init: warning: loading module virtio_net: "
		   "Operation not permitted");
	assert_int_equal(ev.type, TRY_EV_MODULE_FAIL);
	assert_string_equal(ev.a, "virtio_net");
	assert_string_equal(ev.text, "Operation not permitted");
	ev = parse("sesame-unlockd: LUKS device /dev/vda queued for unlock as "
		   "luks-5e5a");
	assert_int_equal(ev.type, TRY_EV_LUKS_QUEUED);
	assert_string_equal(ev.a, "/dev/vda");
	assert_string_equal(ev.b, "luks-5e5a");
	ev = parse("sesame-unlockd: opened luks-5e5a (/dev/vda) with key slot 0");
	assert_int_equal(ev.type, TRY_EV_OPENED);
	assert_string_equal(ev.a, "luks-5e5a");
	ev = parse("sesame-init: warning: wrong passphrase (1 of 10)");
	assert_int_equal(ev.type, TRY_EV_WRONG);
	ev = parse("sesame-init: switching to /sbin/init on /dev/dm-0");
	assert_int_equal(ev.type, TRY_EV_SWITCH);
	assert_string_equal(ev.a, "/sbin/init");
	assert_string_equal(ev.b, "/dev/dm-0");
	ev = parse("[    6.999238] sesame-init: error: emergency: no root= on "
		   "the kernel command line");
	assert_int_equal(ev.type, TRY_EV_EMERGENCY);
	assert_string_equal(ev.text, "no root= on the kernel command line");
	ev =
	    parse("[    1.5] Kernel panic - not syncing: VFS: Unable to mount");
	assert_int_equal(ev.type, TRY_EV_PANIC);
	ev = parse("Passphrase (or unlock over SSH): ");
	assert_int_equal(ev.type, TRY_EV_PROMPT);
}

static void hostile_lines_mean_nothing_or_are_cut(void **state)
{
	char big[3000];
	struct try_event ev;

	(void)state;
	assert_int_equal(parse("").type, TRY_EV_NONE);
	assert_int_equal(parse("[").type, TRY_EV_NONE);
	assert_int_equal(parse("[ 1.0]").type, TRY_EV_NONE);
	assert_int_equal(parse("sesame-init:").type, TRY_EV_NONE);
	assert_int_equal(parse("xsesame-init: start at 1").type, TRY_EV_NONE);
	/* incomplete forms are not events */
	assert_int_equal(parse("sesame-init: reachable on eth0").type,
			 TRY_EV_NONE);
	assert_int_equal(parse("sesame-init: switching to /sbin/init").type,
			 TRY_EV_NONE);
	assert_int_equal(parse("sesame-init: dhcp: eth0: offer 1 from 2").type,
			 TRY_EV_NONE);
	assert_int_equal(parse("sesame-init: LUKS device /dev/x").type,
			 TRY_EV_NONE);
	/* a DHCP line without "(N ms" has no time; absurd digits stop */
	ev =
	    parse("sesame-init: dhcp: eth0: bound 1.2.3.4/8 (x ms) (99999999999"
		  " ms after");
	assert_int_equal(ev.type, TRY_EV_DHCP_BOUND);
	assert_int_equal(ev.ms, 0);
	/* long fields are cut, control bytes become '?' */
	memset(big, 'A', sizeof(big));
	memcpy(big, "sesame-init: reachable on ", 26);
	memcpy(big + 100, " at \x01\x1b", 6);
	ev = (struct try_event){0};
	assert_int_equal(try_console_parse_line(big, sizeof(big), &ev), 0);
	assert_int_equal(ev.type, TRY_EV_REACHABLE);
	assert_int_equal(strlen(ev.a), TRY_EV_FIELD - 1);
	assert_int_equal(strlen(ev.b), TRY_EV_FIELD - 1);
	assert_int_equal(ev.b[0], '?');
	assert_int_equal(ev.b[1], '?');
	/* NUL bytes inside a line do not end it early or crash */
	assert_int_equal(
	    try_console_parse_line("sesame-init: \0start at", 22, &ev), 0);
	assert_int_equal(ev.type, TRY_EV_NONE);
}

struct seen {
	enum try_ev types[16];
	int n;
};

static void record(const struct try_event *ev, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16)
		s->types[s->n++] = ev->type;
}

static void stream_is_split_into_lines(void **state)
{
	static const char text[] =
	    "junk\r\nsesame-init: start at 1 s\r\n"
	    "sesame-init: reachable on eth0 at 10.0.2.15 (ssh)\n"
	    "Passphrase (or unlock over SSH): ";
	struct try_console c;
	struct seen s = {{0}, 0};

	(void)state;
	try_console_init(&c);
	/* one byte at a time: every split point */
	for (size_t i = 0; i < sizeof(text) - 1; i++)
		try_console_feed(&c, text + i, 1, record, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.types[0], TRY_EV_INIT);
	assert_int_equal(s.types[1], TRY_EV_REACHABLE);
	/* the prompt has no newline: seen on the unfinished line, once */
	assert_int_equal(s.types[2], TRY_EV_PROMPT);
	try_console_feed(&c, "x\n", 2, record, &s);
	assert_int_equal(s.n, 3);
}

static void overlong_lines_are_dropped(void **state)
{
	char big[5000];
	struct try_console c;
	struct seen s = {{0}, 0};

	(void)state;
	memset(big, 'x', sizeof(big));
	memcpy(big, "sesame-init: start at ", 22);
	try_console_init(&c);
	try_console_feed(&c, big, sizeof(big), record, &s);
	try_console_feed(&c, "\nsesame-init: start at 2\n", 25, record, &s);
	assert_int_equal(s.n, 1); /* only the whole second line */
	assert_int_equal(s.types[0], TRY_EV_INIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lines_seen_on_a_real_boot),
	    cmocka_unit_test(hostile_lines_mean_nothing_or_are_cut),
	    cmocka_unit_test(stream_is_split_into_lines),
	    cmocka_unit_test(overlong_lines_are_dropped),
	};
	return cmocka_run_group_tests_name("try_console", tests, NULL, NULL);
}
