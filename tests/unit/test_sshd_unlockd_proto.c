/* test_sshd_unlockd_proto: every message of the PID 1 <-> sesame-unlockd link
 * round-trips; hostile packets are refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "sshd/unlockd_proto.h"

static size_t enc(const struct unlockd_msg *m, uint8_t *buf)
{
	size_t len = 0;

	assert_int_equal(unlockd_msg_encode(m, buf, UNLOCKD_MSG_MAX, &len), 0);
	assert_true(len >= 1 && len <= UNLOCKD_MSG_MAX);
	return len;
}

static void every_type_round_trips(void **state)
{
	static struct unlockd_msg in[8], out;
	static const enum unlockd_side side[8] = {
	    UNLOCKD_FROM_INIT,	  UNLOCKD_FROM_INIT,	UNLOCKD_FROM_INIT,
	    UNLOCKD_FROM_INIT,	  UNLOCKD_FROM_INIT,	UNLOCKD_FROM_UNLOCKD,
	    UNLOCKD_FROM_UNLOCKD, UNLOCKD_FROM_UNLOCKD,
	};
	uint8_t buf[UNLOCKD_MSG_MAX];

	(void)state;
	memset(in, 0, sizeof(in));
	in[0].type = UNLOCKD_MSG_CONFIG;
	strcpy(in[0].u.config.name, "rd.luks.uuid");
	strcpy(in[0].u.config.value, "luks-1234");
	in[0].u.config.has_value = 1;
	in[1].type = UNLOCKD_MSG_START;
	in[1].u.start.wrong = 7;
	in[1].u.start.cut = 1;
	in[2].type = UNLOCKD_MSG_DEVICE;
	strcpy(in[2].u.device.path, "/dev/vda2");
	strcpy(in[2].u.device.uuid, "0f0e-11");
	strcpy(in[2].u.device.label, "r\xc3\xa9seau"); /* UTF-8 is fine */
	in[3].type = UNLOCKD_MSG_STATUS;
	in[3].u.status.busy = 1;
	strcpy(in[3].u.status.lines, "ssh: dropbear running (pid 9)\n");
	strcpy(in[3].u.status.why, "busy: fsck of /dev/vda\n");
	in[4].type = UNLOCKD_MSG_STOP;
	strcpy(in[4].u.text, "boot moved on\n");
	in[5].type = UNLOCKD_MSG_STATE;
	in[5].u.state = (struct unlockd_state){.locked = 2,
					       .open = 1,
					       .missing = 3,
					       .wrong = 300,
					       .exhausted = 1,
					       .action = 1,
					       .attempt_running = 1};
	in[6].type = UNLOCKD_MSG_OPENED;
	strcpy(in[6].u.text, "cryptroot, data");
	in[7].type = UNLOCKD_MSG_RESUME;
	for (int i = 0; i < 8; i++) {
		size_t len = enc(&in[i], buf);
		memset(&out, 0xaa, sizeof(out));
		assert_int_equal(unlockd_msg_parse(buf, len, side[i], &out), 0);
		assert_int_equal(out.type, in[i].type);
		/* The other side never accepts it. */
		assert_int_equal(unlockd_msg_parse(buf, len,
						   side[i] == UNLOCKD_FROM_INIT
						       ? UNLOCKD_FROM_UNLOCKD
						       : UNLOCKD_FROM_INIT,
						   &out),
				 -EBADMSG);
		/* Every truncation and one extra byte are refused. */
		for (size_t cut = 0; cut < len; cut++)
			assert_int_equal(
			    unlockd_msg_parse(buf, cut, side[i], &out),
			    cut == 0 || in[i].type != UNLOCKD_MSG_RESUME
				? -EBADMSG
				: 0);
		buf[len] = 0;
		assert_int_equal(unlockd_msg_parse(buf, len + 1, side[i], &out),
				 -EBADMSG);
	}
	/* Fields came back whole. */
	assert_int_equal(
	    unlockd_msg_parse(buf, enc(&in[2], buf), UNLOCKD_FROM_INIT, &out),
	    0);
	assert_string_equal(out.u.device.label, "r\xc3\xa9seau");
	assert_string_equal(out.u.device.partuuid, "");
	assert_int_equal(unlockd_msg_parse(buf, enc(&in[5], buf),
					   UNLOCKD_FROM_UNLOCKD, &out),
			 0);
	assert_int_equal(out.u.state.wrong, 300);
	assert_int_equal(out.u.state.missing, 3);
	assert_true(out.u.state.exhausted && out.u.state.attempt_running);
}

static void hostile_packets_are_refused(void **state)
{
	static struct unlockd_msg m;
	static const struct {
		const char *why;
		enum unlockd_side from;
		const char *b;
		size_t len;
	} bad[] = {
#define B(lit) lit, sizeof(lit) - 1
	    {"empty", UNLOCKD_FROM_INIT, B("")},
	    {"unknown type", UNLOCKD_FROM_INIT, B("\102")},
	    {"unknown type from unlockd", UNLOCKD_FROM_UNLOCKD, B("\200")},
	    {"STATE short", UNLOCKD_FROM_UNLOCKD,
	     B("\201\001\000\000\000\000\000\000")},
	    {"STATE flag 2", UNLOCKD_FROM_UNLOCKD,
	     B("\201\001\000\000\000\000\002\000\000")},
	    {"STATE action 7", UNLOCKD_FROM_UNLOCKD,
	     B("\201\001\000\000\000\000\001\007\000")},
	    {"OPENED length past the end", UNLOCKD_FROM_UNLOCKD,
	     B("\202\000\011\141\142")},
	    {"OPENED with a NUL", UNLOCKD_FROM_UNLOCKD,
	     B("\202\000\003\141\000\142")},
	    {"OPENED with an escape", UNLOCKD_FROM_UNLOCKD,
	     B("\202\000\003\141\033\142")},
	    {"RESUME with a payload", UNLOCKD_FROM_UNLOCKD, B("\203\000")},
	    {"CONFIG empty name", UNLOCKD_FROM_INIT,
	     B("\001\000\000\000\000\000")},
	    {"CONFIG value without has-value", UNLOCKD_FROM_INIT,
	     B("\001\000\001\170\000\001\171\000")},
	    {"CONFIG newline in value", UNLOCKD_FROM_INIT,
	     B("\001\000\001\170\000\001\012\001")},
	    {"START flag 5", UNLOCKD_FROM_INIT, B("\002\000\001\005")},
	    {"DEVICE relative path", UNLOCKD_FROM_INIT,
	     B("\003\000\001\170\000\000\000\000\000\000\000\000")},
	    {"DEVICE four fields", UNLOCKD_FROM_INIT,
	     B("\003\000\001\057\000\000\000\000\000\000")},
	    {"DEVICE string over its field", UNLOCKD_FROM_INIT,
	     B("\003\001\000")},
	    {"STATUS missing why", UNLOCKD_FROM_INIT,
	     B("\004\000\000\001\170")},
	    {"STOP from unlockd", UNLOCKD_FROM_UNLOCKD, B("\005\000\000")},
	    {"STATE from init", UNLOCKD_FROM_INIT,
	     B("\201\001\000\000\000\000\000\000\000")},
#undef B
	};
	static uint8_t big[UNLOCKD_MSG_MAX + 2];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = unlockd_msg_parse((const uint8_t *)bad[i].b, bad[i].len,
					  bad[i].from, &m);
		if (r != -EBADMSG)
			fail_msg("%s: got %d", bad[i].why, r);
	}
	/* A packet longer than any message, even of a known type. */
	memset(big, 'a', sizeof(big));
	big[0] = UNLOCKD_MSG_OPENED;
	big[1] = 0x08;
	big[2] = 0x00;
	assert_int_equal(
	    unlockd_msg_parse(big, sizeof(big), UNLOCKD_FROM_UNLOCKD, &m),
	    -EBADMSG);
}

static void encoder_refuses_what_does_not_fit(void **state)
{
	static struct unlockd_msg m;
	uint8_t buf[UNLOCKD_MSG_MAX];
	size_t len;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.type = UNLOCKD_MSG_STATE;
	m.u.state.locked = 256; /* one byte on the wire */
	assert_int_equal(unlockd_msg_encode(&m, buf, sizeof(buf), &len),
			 -EINVAL);
	m.u.state.locked = 1;
	m.u.state.wrong = 70000;
	assert_int_equal(unlockd_msg_encode(&m, buf, sizeof(buf), &len),
			 -EINVAL);
	m.u.state.wrong = 1;
	assert_int_equal(unlockd_msg_encode(&m, buf, 4, &len), -EMSGSIZE);
	memset(&m, 0, sizeof(m));
	m.type = UNLOCKD_MSG_OPENED;
	memset(m.u.text, 'a', sizeof(m.u.text)); /* no NUL in the field */
	assert_int_equal(unlockd_msg_encode(&m, buf, sizeof(buf), &len),
			 -EINVAL);
	m.type = (enum unlockd_msg_type)0x7f;
	assert_int_equal(unlockd_msg_encode(&m, buf, sizeof(buf), &len),
			 -EINVAL);
}

/* The send is one packet, never blocking. */
static void send_is_one_packet(void **state)
{
	static struct unlockd_msg m, got;
	uint8_t buf[UNLOCKD_MSG_MAX + 1];
	int sv[2];
	ssize_t n;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	memset(&m, 0, sizeof(m));
	m.type = UNLOCKD_MSG_OPENED;
	strcpy(m.u.text, "cryptroot");
	assert_int_equal(unlockd_msg_send(sv[0], &m), 0);
	m.type = UNLOCKD_MSG_RESUME;
	assert_int_equal(unlockd_msg_send(sv[0], &m), 0);
	n = recv(sv[1], buf, sizeof(buf), 0);
	assert_int_equal(
	    unlockd_msg_parse(buf, (size_t)n, UNLOCKD_FROM_UNLOCKD, &got), 0);
	assert_string_equal(got.u.text, "cryptroot");
	n = recv(sv[1], buf, sizeof(buf), 0);
	assert_int_equal(n, 1);
	close(sv[1]);
	assert_int_equal(unlockd_msg_send(sv[0], &m), -EPIPE);
	close(sv[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_type_round_trips),
	    cmocka_unit_test(hostile_packets_are_refused),
	    cmocka_unit_test(encoder_refuses_what_does_not_fit),
	    cmocka_unit_test(send_is_one_packet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
