/* test_sshd_unlockproto: frame parsing with hostile input, and the unlock
 * server on a real socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "sshd/luks_worker.h"
#include "sshd/secret.h"
#include "sshd/unlock_server.h"
#include "sshd/unlockproto.h"

/* ---- frames ---- */

static void parse_good_frames(void **state)
{
	const uint8_t b[] = {UNLOCK_MSG_PASSPHRASE, 0, 3, 'a', 'b', 'c',
			     UNLOCK_MSG_STATUS_REQ, 0, 0};
	struct cursor c = cursor_make(b, sizeof(b));
	struct unlock_frame f;

	(void)state;
	assert_int_equal(unlock_frame_parse(&c, UNLOCK_FROM_CLIENT, &f), 0);
	assert_int_equal(f.type, UNLOCK_MSG_PASSPHRASE);
	assert_int_equal(f.payload.left, 3);
	assert_memory_equal(f.payload.p, "abc", 3);
	assert_int_equal(f.size, 6);
	assert_int_equal(unlock_frame_parse(&c, UNLOCK_FROM_CLIENT, &f), 0);
	assert_int_equal(f.type, UNLOCK_MSG_STATUS_REQ);
	assert_int_equal(c.left, 0);
	assert_int_equal(unlock_frame_parse(&c, UNLOCK_FROM_CLIENT, &f),
			 -EAGAIN);
}

static void parse_truncated_waits(void **state)
{
	const uint8_t b[] = {UNLOCK_MSG_PASSPHRASE, 0, 3, 'a', 'b'};
	struct unlock_frame f;

	(void)state;
	for (size_t n = 0; n < sizeof(b); n++) {
		struct cursor c = cursor_make(b, n);
		assert_int_equal(unlock_frame_parse(&c, UNLOCK_FROM_CLIENT, &f),
				 -EAGAIN);
		assert_int_equal(c.left, n); /* nothing consumed */
	}
}

static void parse_refuses_hostile(void **state)
{
	static const uint8_t over[] = {UNLOCK_MSG_PASSPHRASE, 0x04, 0x01};
	static const uint8_t huge[] = {UNLOCK_MSG_STATUS, 0xff, 0xff};
	static const uint8_t unknown[] = {0x7f, 0, 0};
	static const uint8_t zero[] = {0, 0, 0};
	static const uint8_t empty_pass[] = {UNLOCK_MSG_PASSPHRASE, 0, 0};
	static const uint8_t status_body[] = {UNLOCK_MSG_STATUS_REQ, 0, 1, 'x'};
	static const uint8_t empty_result[] = {UNLOCK_MSG_RESULT, 0, 2, 0, 0};
	static const uint8_t bad_code[] = {UNLOCK_MSG_RESULT, 0, 3, 99, 0, 0};
	static const uint8_t server_type[] = {UNLOCK_MSG_RESULT, 0, 3, 0, 0, 0};
	static const uint8_t client_type[] = {UNLOCK_MSG_PASSPHRASE, 0, 1, 'x'};
	static const struct {
		const uint8_t *b;
		size_t n;
		enum unlock_side from;
	} cases[] = {
	    {over, sizeof(over), UNLOCK_FROM_CLIENT},
	    {huge, sizeof(huge), UNLOCK_FROM_SERVER},
	    {unknown, 1, UNLOCK_FROM_CLIENT}, /* refused on the type alone */
	    {zero, sizeof(zero), UNLOCK_FROM_SERVER},
	    {empty_pass, sizeof(empty_pass), UNLOCK_FROM_CLIENT},
	    {status_body, sizeof(status_body), UNLOCK_FROM_CLIENT},
	    {empty_result, sizeof(empty_result), UNLOCK_FROM_SERVER},
	    {bad_code, sizeof(bad_code), UNLOCK_FROM_SERVER},
	    {server_type, sizeof(server_type), UNLOCK_FROM_CLIENT},
	    {client_type, sizeof(client_type), UNLOCK_FROM_SERVER},
	};
	struct unlock_frame f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cursor c = cursor_make(cases[i].b, cases[i].n);
		assert_int_equal(unlock_frame_parse(&c, cases[i].from, &f),
				 -EBADMSG);
		assert_int_equal(c.left, cases[i].n);
	}
}

static void encode_round_trip(void **state)
{
	uint8_t buf[UNLOCK_FRAME_MAX], big[UNLOCK_PAYLOAD_MAX + 1];
	struct unlock_frame f;
	struct cursor c;
	size_t n = 0;

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(unlock_frame_encode(UNLOCK_MSG_STATUS, big,
					     UNLOCK_PAYLOAD_MAX, buf,
					     sizeof(buf), &n),
			 0);
	assert_int_equal(n, UNLOCK_FRAME_MAX);
	c = cursor_make(buf, n);
	assert_int_equal(unlock_frame_parse(&c, UNLOCK_FROM_SERVER, &f), 0);
	assert_int_equal(f.payload.left, UNLOCK_PAYLOAD_MAX);
	assert_int_equal(unlock_frame_encode(UNLOCK_MSG_STATUS, big,
					     sizeof(big), buf, sizeof(big) + 3,
					     &n),
			 -EMSGSIZE);
	assert_int_equal(
	    unlock_frame_encode(UNLOCK_MSG_STATUS, big, 10, buf, 12, &n),
	    -EMSGSIZE);
}

static void sanitize_text(void **state)
{
	const uint8_t t[] = {'o', 'k', '\n', 0x1b, '[', '2', 'J', 0x7f, 0};
	char out[16];

	(void)state;
	unlock_text_sanitize(out, sizeof(out), cursor_make(t, sizeof(t)));
	assert_memory_equal(out, "ok\n?[2J??", 10);
	unlock_text_sanitize(out, 3, cursor_make(t, sizeof(t)));
	assert_string_equal(out, "ok");
}

/* ---- the server on a real socket ---- */

struct fixture {
	struct loop *loop;
	struct unlock_server *srv;
	char dir[64];
	char path[96];
	unsigned calls;
	const char *seen_ptr;
	char seen[SECRET_MAX + 1];
	size_t seen_len;
	int broadcast_in_callback;
};

static int fx_passphrase(void *data, const char *pass, size_t len,
			 struct unlock_answer *ans)
{
	struct fixture *fx = data;

	fx->calls++;
	fx->seen_ptr = pass;
	memcpy(fx->seen, pass, len);
	fx->seen_len = len;
	if (len == 6 && !memcmp(pass, "sesame", 6)) {
		ans->code = UNLOCK_OK;
		snprintf(ans->text, sizeof(ans->text), "opened root\n");
		if (fx->broadcast_in_callback)
			unlock_server_broadcast(fx->srv,
						"unlocked from another client");
	} else if (len == 5 && !memcmp(pass, "error", 5)) {
		return -EIO;
	} else {
		ans->code = UNLOCK_WRONG;
		ans->wait_sec = 300;
		snprintf(
		    ans->text, sizeof(ans->text),
		    "wrong passphrase, 9 attempts left, next try in 1 s\n");
	}
	return 0;
}

static int fx_status(void *data, char *buf, size_t size)
{
	(void)data;
	snprintf(buf, size, "root (/dev/vda2): locked\n");
	return 0;
}

static const struct unlock_server_ops fx_ops = {
    .passphrase = fx_passphrase,
    .status = fx_status,
};

static int fx_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/sesame-unlock-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	/* A directory that does not exist yet: the server makes it 0700. */
	snprintf(fx->path, sizeof(fx->path), "%s/run/unlock.sock", fx->dir);
	if (loop_new(&fx->loop) < 0)
		return -1;
	if (unlock_server_new(fx->loop, fx->path, &fx_ops, fx, &fx->srv) < 0)
		return -1;
	unlock_server_set_peer_uid(fx->srv, getuid());
	log_set_max_level(LOG_LVL_ERR);
	*state = fx;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	unlock_server_free(fx->srv);
	loop_free(fx->loop);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

/* Runs the loop until nothing is ready. */
static void pump(struct fixture *fx)
{
	for (int i = 0; i < 50; i++)
		if (loop_run_once(fx->loop, 20) <= 0)
			return;
}

static int fx_connect(struct fixture *fx)
{
	int fd = -1;

	assert_int_equal(unlock_client_connect(fx->path, &fd), 0);
	pump(fx);
	return fd;
}

/* Reads exactly n bytes (poll with a timeout); -ECONNRESET at EOF. */
static int read_exact(int fd, uint8_t *b, size_t n)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	while (n) {
		ssize_t k;
		if (poll(&p, 1, 2000) != 1)
			return -ETIMEDOUT;
		k = read(fd, b, n);
		if (k == 0 || (k < 0 && errno == ECONNRESET))
			return -ECONNRESET;
		if (k < 0)
			return -errno;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads one server frame and no more; returns its type or -errno. */
static int recv_frame(int fd, uint8_t *payload, size_t *len)
{
	uint8_t buf[UNLOCK_FRAME_MAX];
	struct cursor c;
	struct unlock_frame f;
	int r;

	if ((r = read_exact(fd, buf, UNLOCK_HEADER_LEN)) < 0)
		return r;
	c = cursor_make(buf, UNLOCK_HEADER_LEN);
	r = unlock_frame_parse(&c, UNLOCK_FROM_SERVER, &f);
	if (r != -EAGAIN && r != 0)
		return r;
	if ((r = read_exact(fd, buf + UNLOCK_HEADER_LEN,
			    (size_t)buf[1] << 8 | buf[2])) < 0)
		return r;
	c = cursor_make(buf,
			UNLOCK_HEADER_LEN + ((size_t)buf[1] << 8 | buf[2]));
	if ((r = unlock_frame_parse(&c, UNLOCK_FROM_SERVER, &f)) < 0)
		return r;
	memcpy(payload, f.payload.p, f.payload.left);
	*len = f.payload.left;
	return f.type;
}

static void socket_is_private(void **state)
{
	struct fixture *fx = *state;
	struct stat st;
	char dir[96];

	assert_int_equal(stat(fx->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(dir, sizeof(dir), "%s/run", fx->dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
}

static void passphrase_answered_and_wiped(void **state)
{
	struct fixture *fx = *state;
	uint8_t p[UNLOCK_PAYLOAD_MAX];
	size_t n;
	int fd = fx_connect(fx);

	assert_int_equal(unlock_server_clients(fx->srv), 1);
	assert_int_equal(unlock_send(fd, UNLOCK_MSG_PASSPHRASE, "sesame", 6),
			 0);
	pump(fx);
	assert_int_equal(recv_frame(fd, p, &n), UNLOCK_MSG_RESULT);
	assert_int_equal(p[0], UNLOCK_OK);
	assert_memory_equal(p + 3, "opened root\n", n - 3);
	assert_int_equal(fx->calls, 1);
	assert_int_equal(fx->seen_len, 6);
	assert_memory_equal(fx->seen, "sesame", 6);
	/* The server's copy (its locked receive buffer, still mapped while
	 * the client is connected) is wiped once the frame is answered. */
	assert_memory_not_equal(fx->seen_ptr, "sesame", 6);
	for (int i = 0; i < 9; i++)
		assert_int_equal(fx->seen_ptr[i - 3], 0);
	close(fd);
	pump(fx);
	assert_int_equal(unlock_server_clients(fx->srv), 0);
}

static void wrong_error_and_too_long(void **state)
{
	struct fixture *fx = *state;
	uint8_t p[UNLOCK_PAYLOAD_MAX], big[SECRET_MAX + 1];
	size_t n;
	int fd = fx_connect(fx);

	assert_int_equal(unlock_send(fd, UNLOCK_MSG_PASSPHRASE, "nope", 4), 0);
	pump(fx);
	assert_int_equal(recv_frame(fd, p, &n), UNLOCK_MSG_RESULT);
	assert_int_equal(p[0], UNLOCK_WRONG);
	{
		struct unlock_frame f = {.type = UNLOCK_MSG_RESULT,
					 .payload = cursor_make(p, n)};
		enum unlock_code code;
		unsigned wait;
		struct cursor text;
		assert_int_equal(unlock_result_parse(&f, &code, &wait, &text),
				 0);
		assert_int_equal(code, UNLOCK_WRONG);
		assert_int_equal(wait, 300);
		assert_int_equal(text.left, n - 3);
	}
	assert_int_equal(unlock_send(fd, UNLOCK_MSG_PASSPHRASE, "error", 5), 0);
	pump(fx);
	assert_int_equal(recv_frame(fd, p, &n), UNLOCK_MSG_RESULT);
	assert_int_equal(p[0], UNLOCK_ERROR);
	fx->calls = 0;
	memset(big, 'x', sizeof(big));
	assert_int_equal(
	    unlock_send(fd, UNLOCK_MSG_PASSPHRASE, big, sizeof(big)), 0);
	pump(fx);
	assert_int_equal(recv_frame(fd, p, &n), UNLOCK_MSG_RESULT);
	assert_int_equal(p[0], UNLOCK_ERROR);
	assert_int_equal(fx->calls, 0);
	close(fd);
	pump(fx);
}

static void split_across_reads(void **state)
{
	struct fixture *fx = *state;
	const uint8_t frame[] = {
	    UNLOCK_MSG_PASSPHRASE, 0, 6, 's', 'e', 's', 'a', 'm', 'e',
	    UNLOCK_MSG_STATUS_REQ, 0, 0};
	uint8_t p[UNLOCK_PAYLOAD_MAX];
	size_t n;
	int fd = fx_connect(fx);

	fx->calls = 0;
	for (size_t i = 0; i < 9; i++) {
		assert_int_equal(write(fd, frame + i, 1), 1);
		pump(fx);
		assert_int_equal(fx->calls, i == 8 ? 1 : 0);
	}
	/* The rest in one write: the status request follows. */
	assert_int_equal(write(fd, frame + 9, 3), 3);
	pump(fx);
	assert_int_equal(recv_frame(fd, p, &n), UNLOCK_MSG_RESULT);
	assert_int_equal(recv_frame(fd, p, &n), UNLOCK_MSG_STATUS);
	assert_memory_equal(p, "root (/dev/vda2): locked\n", n);
	close(fd);
	pump(fx);
}

static void hostile_frame_drops_client(void **state)
{
	struct fixture *fx = *state;
	static const uint8_t bad[][4] = {
	    {UNLOCK_MSG_PASSPHRASE, 0x04, 0x01, 0}, /* length over max */
	    {0x55, 0, 0, 0},			    /* unknown type */
	    {UNLOCK_MSG_RESULT, 0, 1, 0},	    /* server's type */
	    {UNLOCK_MSG_PASSPHRASE, 0, 0, 0},	    /* empty passphrase */
	};
	uint8_t p[UNLOCK_PAYLOAD_MAX];
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd = fx_connect(fx);
		assert_int_equal(write(fd, bad[i], 3), 3);
		pump(fx);
		assert_int_equal(recv_frame(fd, p, &n), -ECONNRESET);
		assert_int_equal(unlock_server_clients(fx->srv), 0);
		close(fd);
	}
	/* A truncated frame then EOF: dropped, nothing answered. */
	{
		int fd = fx_connect(fx);
		fx->calls = 0;
		static const uint8_t part[] = {UNLOCK_MSG_PASSPHRASE, 0, 5, 'a',
					       'b'};
		assert_int_equal(write(fd, part, sizeof(part)), 5);
		shutdown(fd, SHUT_WR);
		pump(fx);
		assert_int_equal(recv_frame(fd, p, &n), -ECONNRESET);
		assert_int_equal(fx->calls, 0);
		close(fd);
	}
}

static void many_clients_and_broadcast(void **state)
{
	struct fixture *fx = *state;
	int fd[9];
	uint8_t p[UNLOCK_PAYLOAD_MAX];
	size_t n;

	for (int i = 0; i < 9; i++)
		fd[i] = fx_connect(fx);
	/* Eight are served; the ninth is refused. */
	assert_int_equal(unlock_server_clients(fx->srv), 8);
	assert_int_equal(recv_frame(fd[8], p, &n), -ECONNRESET);
	close(fd[8]);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(
		    unlock_send(fd[i], UNLOCK_MSG_STATUS_REQ, NULL, 0), 0);
	}
	pump(fx);
	for (int i = 0; i < 8; i++)
		assert_int_equal(recv_frame(fd[i], p, &n), UNLOCK_MSG_STATUS);
	/* Client 3 unlocks; the callback tells the others. */
	fx->broadcast_in_callback = 1;
	assert_int_equal(unlock_send(fd[3], UNLOCK_MSG_PASSPHRASE, "sesame", 6),
			 0);
	pump(fx);
	fx->broadcast_in_callback = 0;
	assert_int_equal(recv_frame(fd[3], p, &n), UNLOCK_MSG_RESULT);
	assert_int_equal(p[0], UNLOCK_OK);
	for (int i = 0; i < 8; i++) {
		if (i == 3)
			continue;
		assert_int_equal(recv_frame(fd[i], p, &n),
				 UNLOCK_MSG_CANCELLED);
		assert_memory_equal(p, "unlocked from another client", n);
	}
	assert_int_equal(unlock_server_clients(fx->srv), 1);
	/* From outside a callback, everyone is told. */
	assert_int_equal(unlock_server_broadcast(fx->srv, "unlocked from the "
							  "console"),
			 1);
	assert_int_equal(recv_frame(fd[3], p, &n), UNLOCK_MSG_CANCELLED);
	for (int i = 0; i < 8; i++)
		close(fd[i]);
	pump(fx);
	assert_int_equal(unlock_server_clients(fx->srv), 0);
}

static void other_uid_refused(void **state)
{
	struct fixture *fx = *state;
	uint8_t p[UNLOCK_PAYLOAD_MAX];
	size_t n;
	int fd;

	unlock_server_set_peer_uid(fx->srv, getuid() + 1);
	fd = fx_connect(fx);
	assert_int_equal(unlock_server_clients(fx->srv), 0);
	assert_int_equal(recv_frame(fd, p, &n), -ECONNRESET);
	close(fd);
	unlock_server_set_peer_uid(fx->srv, getuid());
}

/* ---- the unlock worker's answer (sshd/luks_worker.h): untrusted ---- */

static size_t worker_msg(uint8_t *buf, size_t size, int with_status)
{
	struct luks_attempt a = {.n_devs = 3, .n = 2};
	size_t n = 0;

	a.e[0] = (struct luks_attempt_entry){
	    .dev = 0, .outcome = LUKS_OUT_OPENED, .kdf = 1, .keyslot = 7};
	a.e[1] = (struct luks_attempt_entry){
	    .dev = 2, .outcome = LUKS_OUT_FAILED, .kdf = 1, .error = -ENOMEM};
	assert_int_equal(luks_worker_encode_result(&a, buf, size, &n), 0);
	if (with_status) {
		static const uint8_t st[] = {LUKS_WORKER_STATUS, 0, 3, 0, 0, 0};
		memcpy(buf + n, st, sizeof(st));
		n += sizeof(st);
	}
	return n;
}

static void worker_answer_round_trip(void **state)
{
	uint8_t buf[LUKS_WORKER_MSG_MAX];
	struct luks_worker_end end;
	struct luks_attempt a;
	size_t n = worker_msg(buf, sizeof(buf), 1);

	(void)state;
	assert_int_equal(luks_worker_parse(buf, n, &a, &end), 0);
	assert_true(end.have_result && end.have_status);
	assert_false(end.killed);
	assert_int_equal(a.n_devs, 3);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.e[0].keyslot, 7);
	assert_int_equal(a.e[1].dev, 2);
	assert_int_equal(a.e[1].error, -ENOMEM);
	/* A worker killed before it answered: only the monitor's STATUS. */
	static const uint8_t killed[] = {LUKS_WORKER_STATUS, 0, 3, 1, 6, 0};
	assert_int_equal(luks_worker_parse(killed, sizeof(killed), &a, &end),
			 0);
	assert_false(end.have_result);
	assert_true(end.killed);
	assert_int_equal(end.code, 6);
	/* Nothing at all (the monitor died too) parses as no answer. */
	assert_int_equal(luks_worker_parse(buf, 0, &a, &end), 0);
	assert_false(end.have_result || end.have_status);
}

static void worker_answer_refuses_hostile(void **state)
{
	uint8_t buf[LUKS_WORKER_MSG_MAX], bad[LUKS_WORKER_MSG_MAX];
	struct luks_worker_end end;
	struct luks_attempt a;
	size_t n = worker_msg(buf, sizeof(buf), 1), r = n - 6;
	/* Byte offsets in the RESULT: 1-2 length, 3 n_devs, 4 n, 5.. entries
	 * of 15 (the second, FAILED, at 20). */
	static const struct {
		size_t off;
		uint8_t val;
	} pokes[] = {
	    {0, 0x7f},		       /* unknown type */
	    {1, 0xff},		       /* length past the end */
	    {2, 0xff},		       /* length past the end */
	    {3, LUKS_MAX_DEVICES + 1}, /* too many devices */
	    {4, 4},		       /* more entries than devices */
	    {5, 3},		       /* device index out of range */
	    {6, 9},		       /* unknown outcome */
	    {7, 2},		       /* kdf neither 0 nor 1 */
	    {8, LUKS_KEYSLOT_MAX},     /* key slot out of range */
	    {11, 2},		       /* a PBKDF on an OPENED entry */
	    {15, 1},		       /* needed MiB on an OPENED entry */
	    {19, 1},		       /* available MiB on an OPENED entry */
	    {24, 0},		       /* FAILED without an errno... */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
		memcpy(bad, buf, n);
		bad[pokes[i].off] = pokes[i].val;
		if (pokes[i].off == 24)
			bad[25] = 0; /* ...both bytes zero */
		assert_int_equal(luks_worker_parse(bad, n, &a, &end), -EBADMSG);
	}
	/* Every truncation of the whole answer. */
	for (size_t len = 1; len < n; len++)
		if (len != r) /* the RESULT alone is a whole answer */
			assert_int_equal(luks_worker_parse(buf, len, &a, &end),
					 -EBADMSG);
	/* Two RESULTs; bytes after the STATUS; a STATUS of the wrong size;
	 * "killed by signal 0". */
	memcpy(bad, buf, r);
	memcpy(bad + r, buf, n);
	assert_int_equal(luks_worker_parse(bad, r + n, &a, &end), -EBADMSG);
	memcpy(bad, buf, n);
	bad[n] = 0;
	assert_int_equal(luks_worker_parse(bad, n + 1, &a, &end), -EBADMSG);
	static const uint8_t st4[] = {LUKS_WORKER_STATUS, 0, 4, 0, 0, 0, 0};
	assert_int_equal(luks_worker_parse(st4, sizeof(st4), &a, &end),
			 -EBADMSG);
	static const uint8_t sig0[] = {LUKS_WORKER_STATUS, 0, 3, 1, 0, 0};
	assert_int_equal(luks_worker_parse(sig0, sizeof(sig0), &a, &end),
			 -EBADMSG);
}

/* Issue 10: NO_MEMORY entries carry the slot, the PBKDF and the MiB. */
static void worker_answer_no_memory(void **state)
{
	struct luks_attempt a = {.n_devs = 2, .n = 2}, got;
	uint8_t buf[LUKS_WORKER_MSG_MAX], bad[LUKS_WORKER_MSG_MAX];
	struct luks_worker_end end;
	size_t n = 0;
	/* Offsets in the second entry (at 20): 20 dev, 21 outcome, 22 kdf,
	 * 23 slot, 24-25 errno, 26 PBKDF, 27-30 needed, 31-34 available. */
	static const struct {
		size_t off;
		uint8_t val;
	} pokes[] = {
	    {22, 1},		    /* a derivation ran after all */
	    {23, LUKS_KEYSLOT_MAX}, /* no such key slot */
	    {25, 12},		    /* an errno with it */
	    {26, 0},		    /* no memory-hard PBKDF */
	    {26, 3},		    /* an unknown one */
	    {29, 0x02},		    /* needed 512 < available 612 */
	    {29, 0},		    /* needed 0 < available */
	    {33, 0xff},		    /* available past needed */
	};

	(void)state;
	a.e[0] = (struct luks_attempt_entry){
	    .dev = 0, .outcome = LUKS_OUT_WRONG, .kdf = 1};
	a.e[1] = (struct luks_attempt_entry){.dev = 1,
					     .outcome = LUKS_OUT_NO_MEMORY,
					     .keyslot = 31,
					     .pbkdf = LUKS_PBKDF_ARGON2ID,
					     .need_mib = 1024,
					     .avail_mib = 612};
	assert_int_equal(luks_worker_encode_result(&a, buf, sizeof(buf), &n),
			 0);
	assert_int_equal(n, 3 + 2 + 2 * 15);
	assert_int_equal(luks_worker_parse(buf, n, &got, &end), 0);
	assert_true(end.have_result);
	assert_int_equal(got.e[1].outcome, LUKS_OUT_NO_MEMORY);
	assert_int_equal(got.e[1].keyslot, 31);
	assert_int_equal(got.e[1].pbkdf, LUKS_PBKDF_ARGON2ID);
	assert_int_equal(got.e[1].need_mib, 1024);
	assert_int_equal(got.e[1].avail_mib, 612);
	assert_int_equal(got.e[1].kdf, 0);
	/* Big numbers are fine while needed > available. */
	a.e[1].need_mib = UINT32_MAX;
	a.e[1].avail_mib = UINT32_MAX - 1;
	assert_int_equal(luks_worker_encode_result(&a, buf, sizeof(buf), &n),
			 0);
	assert_int_equal(luks_worker_parse(buf, n, &got, &end), 0);
	assert_int_equal(got.e[1].need_mib, UINT32_MAX);
	/* Needed == available: it would have fit. */
	a.e[1].need_mib = 612;
	a.e[1].avail_mib = 612;
	assert_int_equal(luks_worker_encode_result(&a, buf, sizeof(buf), &n),
			 0);
	assert_int_equal(luks_worker_parse(buf, n, &got, &end), -EBADMSG);
	a.e[1].need_mib = 1024;
	assert_int_equal(luks_worker_encode_result(&a, buf, sizeof(buf), &n),
			 0);
	for (size_t i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
		memcpy(bad, buf, n);
		bad[pokes[i].off] = pokes[i].val;
		assert_int_equal(luks_worker_parse(bad, n, &got, &end),
				 -EBADMSG);
	}
	/* Truncated anywhere, or the length one short or long. */
	for (size_t len = 1; len < n; len++)
		assert_int_equal(luks_worker_parse(buf, len, &got, &end),
				 -EBADMSG);
	memcpy(bad, buf, n);
	bad[2]--;
	assert_int_equal(luks_worker_parse(bad, n, &got, &end), -EBADMSG);
	bad[2] += 2;
	assert_int_equal(luks_worker_parse(bad, n, &got, &end), -EBADMSG);
	/* The largest answer (32 entries) and its STATUS fit the buffer. */
	memset(&a, 0, sizeof(a));
	a.n_devs = a.n = LUKS_MAX_DEVICES;
	for (unsigned i = 0; i < LUKS_MAX_DEVICES; i++)
		a.e[i] =
		    (struct luks_attempt_entry){.dev = (uint8_t)i,
						.outcome = LUKS_OUT_NO_MEMORY,
						.keyslot = 0,
						.pbkdf = LUKS_PBKDF_ARGON2I,
						.need_mib = 2,
						.avail_mib = 1};
	assert_int_equal(luks_worker_encode_result(&a, buf, sizeof(buf), &n),
			 0);
	assert_true(n + 6 <= LUKS_WORKER_MSG_MAX);
	assert_int_equal(luks_worker_parse(buf, n, &got, &end), 0);
	assert_int_equal(got.n, LUKS_MAX_DEVICES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_good_frames),
	    cmocka_unit_test(parse_truncated_waits),
	    cmocka_unit_test(parse_refuses_hostile),
	    cmocka_unit_test(encode_round_trip),
	    cmocka_unit_test(sanitize_text),
	    cmocka_unit_test(worker_answer_round_trip),
	    cmocka_unit_test(worker_answer_refuses_hostile),
	    cmocka_unit_test(worker_answer_no_memory),
	    cmocka_unit_test_setup_teardown(socket_is_private, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(passphrase_answered_and_wiped,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(wrong_error_and_too_long, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(split_across_reads, fx_setup,
					    fx_teardown),
	    cmocka_unit_test_setup_teardown(hostile_frame_drops_client,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(many_clients_and_broadcast,
					    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(other_uid_refused, fx_setup,
					    fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
