/* test_init_probe: the probe messages (hostile answers refused) and PID 1's
 * side of sesame-probe: answers in order, restarts, a device that kills the
 * prober twice, through the spawn seam with the test as the prober. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/loop.h"
#include "common/strutil.h"
#include "init/child.h"
#include "init/probe.h"
#include "init/probe_proto.h"
#include "init/sys.h"

/* ---- the messages ---- */

static void request_round_trip_and_hostile(void **state)
{
	uint8_t buf[PROBE_MSG_MAX];
	char node[64];
	size_t len;

	(void)state;
	assert_int_equal(
	    probe_encode_request("/dev/vda1", buf, sizeof(buf), &len), 0);
	assert_int_equal(probe_parse_request(buf, len, node, sizeof(node)), 0);
	assert_string_equal(node, "/dev/vda1");
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(
		    probe_parse_request(buf, cut, node, sizeof(node)),
		    -EBADMSG);
	assert_int_equal(probe_parse_request(buf, len + 1, node, sizeof(node)),
			 -EBADMSG);
	assert_int_equal(
	    probe_encode_request("/dev/\n", buf, sizeof(buf), &len), -EINVAL);
	assert_int_equal(probe_parse_request((const uint8_t *)"\001\000\003vda",
					     6, node, sizeof(node)),
			 -EBADMSG); /* not a path */
}

static size_t good_result(uint8_t *buf, struct probe_result *r)
{
	size_t len;

	memset(r, 0, sizeof(*r));
	strcpy(r->type, "crypto_LUKS");
	strcpy(r->uuid, "5e5a0000-0000-4000-8000-0000000e0001");
	strcpy(r->label, "r\xc3\xa9seau");
	strcpy(r->partlabel, "root");
	assert_int_equal(probe_encode_result(r, buf, PROBE_MSG_MAX, &len), 0);
	return len;
}

static void result_round_trip_and_hostile(void **state)
{
	uint8_t buf[PROBE_MSG_MAX + 8];
	struct probe_result in, out;
	size_t len = good_result(buf, &in);

	(void)state;
	assert_int_equal(probe_parse_result(buf, len, &out), 0);
	assert_string_equal(out.type, "crypto_LUKS");
	assert_string_equal(out.label, "r\xc3\xa9seau");
	assert_string_equal(out.partuuid, "");
	assert_int_equal(out.err, 0);
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(probe_parse_result(buf, cut, &out), -EBADMSG);
	buf[len] = 0;
	assert_int_equal(probe_parse_result(buf, len + 1, &out), -EBADMSG);
	/* errno over 4095 */
	buf[1] = 0x10;
	assert_int_equal(probe_parse_result(buf, len, &out), -EBADMSG);
	buf[1] = 0;
	/* a TYPE with a byte blkid never uses (it names handlers) */
	strcpy(in.type, "ext4/x");
	assert_int_equal(probe_encode_result(&in, buf, sizeof(buf), &len), 0);
	assert_int_equal(probe_parse_result(buf, len, &out), -EBADMSG);
	/* a control byte in a label */
	strcpy(in.type, "ext4");
	strcpy(in.label, "a\033[2Jb");
	assert_int_equal(probe_encode_result(&in, buf, sizeof(buf), &len), 0);
	assert_int_equal(probe_parse_result(buf, len, &out), -EBADMSG);
	/* a string longer than its field: TYPE is 32 bytes with its NUL */
	{
		static const uint8_t longtype[] = {0x81, 0, 0, 0, 40};
		uint8_t m[64];
		memcpy(m, longtype, sizeof(longtype));
		memset(m + 5, 'a', 40);
		assert_int_equal(probe_parse_result(m, 45, &out), -EBADMSG);
	}
	/* a request's type where an answer belongs */
	buf[0] = PROBE_MSG_PROBE;
	assert_int_equal(probe_parse_result(buf, len, &out), -EBADMSG);
}

/* ---- PID 1's side, the test playing sesame-probe ---- */

static struct {
	unsigned spawns;
	int peer; /* our end: the prober's stdin */
	pid_t pid;
	unsigned done;
	struct dev_props got[8];
} T = {.peer = -1};

static int fake_spawn(char *const argv[], const struct sys_spawn_opts *o,
		      pid_t *pidp)
{
	(void)argv;
	assert_true(o->flags & SYS_SPAWN_STDIO);
	if (T.peer >= 0)
		close(T.peer);
	T.peer = dup(o->stdio[0]);
	T.pid = 60001 + (pid_t)T.spawns++;
	*pidp = T.pid;
	return 0;
}

static int fake_kill(pid_t pid, int sig)
{
	(void)pid;
	(void)sig;
	return 0;
}

static const struct sys_ops fake_ops = {.spawn = fake_spawn, .kill = fake_kill};

static void on_done(const struct dev_props *p, void *data)
{
	(void)data;
	if (T.done < 8)
		T.got[T.done] = *p;
	T.done++;
}

static struct loop *client_setup(void)
{
	struct loop *l = NULL;

	memset(&T, 0, sizeof(T));
	T.peer = -1;
	sys_set_ops(&fake_ops);
	assert_int_equal(loop_new(&l), 0);
	assert_int_equal(probe_init(l, "/sbin/sesame-probe", on_done, NULL), 0);
	return l;
}

static void client_teardown(struct loop *l)
{
	probe_stop();
	if (T.peer >= 0)
		close(T.peer);
	loop_free(l);
	sys_set_ops(NULL);
}

static void ask(const char *name)
{
	struct dev_props p;

	memset(&p, 0, sizeof(p));
	str_copy(p.name, sizeof(p.name), name);
	snprintf(p.node, sizeof(p.node), "/dev/%s", name);
	assert_int_equal(probe_request(&p), 0);
}

/* The next request the prober reads, as the node it names. */
static void expect_request(const char *node)
{
	uint8_t buf[PROBE_MSG_MAX];
	char got[64];
	ssize_t n = recv(T.peer, buf, sizeof(buf), MSG_DONTWAIT);

	assert_true(n > 0);
	assert_int_equal(probe_parse_request(buf, (size_t)n, got, sizeof(got)),
			 0);
	assert_string_equal(got, node);
}

static void answer(const char *type)
{
	struct probe_result r;
	uint8_t buf[PROBE_MSG_MAX];
	size_t len;

	memset(&r, 0, sizeof(r));
	str_copy(r.type, sizeof(r.type), type);
	assert_int_equal(probe_encode_result(&r, buf, sizeof(buf), &len), 0);
	assert_int_equal(send(T.peer, buf, len, 0), (ssize_t)len);
}

static void settle(struct loop *l)
{
	for (int i = 0; i < 20; i++)
		(void)loop_run_once(l, 0);
}

static void answers_in_order(void **state)
{
	struct loop *l = client_setup();

	(void)state;
	ask("vda");
	ask("vdb");
	assert_int_equal(T.spawns, 0); /* started from the loop */
	settle(l);
	assert_int_equal(T.spawns, 1);
	expect_request("/dev/vda");
	expect_request("/dev/vdb");
	answer("ext4");
	answer("crypto_LUKS");
	settle(l);
	assert_int_equal(T.done, 2);
	assert_string_equal(T.got[0].name, "vda");
	assert_string_equal(T.got[0].type, "ext4");
	assert_string_equal(T.got[1].node, "/dev/vdb");
	assert_string_equal(T.got[1].type, "crypto_LUKS");
	assert_int_equal(probe_pending(), 0);
	/* A later device goes on the same process. */
	ask("vdc");
	expect_request("/dev/vdc");
	assert_int_equal(T.spawns, 1);
	client_teardown(l);
}

static void a_lie_restarts_the_prober(void **state)
{
	struct loop *l = client_setup();

	(void)state;
	ask("vda");
	settle(l);
	expect_request("/dev/vda");
	/* An answer with a control byte in TYPE: killed, not believed. */
	assert_int_equal(
	    send(T.peer, "\x81\0\0\0\1\033\0\0\0\0\0\0\0\0", 14, 0), 14);
	settle(l);
	assert_int_equal(T.done, 0);
	assert_int_equal(child_exited(T.pid, SIGKILL), 0);
	settle(l);
	assert_int_equal(T.spawns, 2); /* asked again on a new process */
	expect_request("/dev/vda");
	answer("ext4");
	settle(l);
	assert_int_equal(T.done, 1);
	assert_string_equal(T.got[0].type, "ext4");
	client_teardown(l);
}

static void a_device_that_kills_it_twice_is_given_up(void **state)
{
	struct loop *l = client_setup();

	(void)state;
	ask("sdx");
	ask("vda");
	settle(l);
	for (int round = 0; round < 2; round++) {
		expect_request("/dev/sdx");
		expect_request("/dev/vda");
		/* It dies reading sdx (a hostile superblock). */
		assert_int_equal(child_exited(T.pid, SIGSEGV), 0);
		settle(l);
	}
	/* sdx given up (nothing recognisable), vda asked again. */
	assert_int_equal(T.done, 1);
	assert_string_equal(T.got[0].name, "sdx");
	assert_string_equal(T.got[0].type, "");
	assert_int_equal(T.spawns, 3);
	expect_request("/dev/vda");
	answer("ext4");
	settle(l);
	assert_int_equal(T.done, 2);
	assert_string_equal(T.got[1].type, "ext4");
	client_teardown(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(request_round_trip_and_hostile),
	    cmocka_unit_test(result_round_trip_and_hostile),
	    cmocka_unit_test(answers_in_order),
	    cmocka_unit_test(a_lie_restarts_the_prober),
	    cmocka_unit_test(a_device_that_kills_it_twice_is_given_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
