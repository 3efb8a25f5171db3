/* test_sshd_hook: the sshd /init hook with boot parameters, a crypttab, a LUKS
 * header in a file, a pty console and dropbear on 127.0.0.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <libcryptsetup.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "init/blockdev.h"
#include "init/cmdline.h"
#include "init/hooks.h"
#include "keys/fpfile.h"
#include "common/loop.h"
#include "tests/unit/require_tool.h"
#include "tests/unit/sshd_fixtures.h"
#include "sshd/hook.h"
#include "sshd/unlockproto.h"

/* sshd/hook.c's hook (sesame-init lists it in init_hook_table). */
extern const struct init_hook sshd_hook;

#define UUID_A "11111111-2222-3333-4444-555555555555"
#define UUID_X "99999999-2222-3333-4444-555555555555"

static char dir[32];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int port_answers(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/* Runs the loop until path exists (sesame-unlockd made its socket). */
static void wait_for_path(struct loop *l, const char *path)
{
	for (int i = 0; i < 6000 && access(path, F_OK) < 0; i++)
		loop_run_once(l, 10);
	assert_int_equal(access(path, F_OK), 0);
}

/* Asks the unlock socket a question, running the loop meanwhile. */
static int ask(struct loop *l, const char *sock, uint8_t type, const char *p,
	       char *out, size_t size)
{
	uint8_t buf[2 * UNLOCK_FRAME_MAX];
	struct unlock_reader rd = {.buf = buf, .cap = sizeof(buf)};
	struct unlock_frame f;
	int fd, r = -ETIMEDOUT;

	assert_int_equal(unlock_client_connect(sock, &fd), 0);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	assert_int_equal(unlock_send(fd, type, p, p ? strlen(p) : 0), 0);
	/* Bounded by a minute, not by speed: a loaded machine is slow. */
	for (int i = 0; i < 6000; i++) {
		loop_run_once(l, 10);
		unlock_reader_fill(&rd, fd);
		if (unlock_reader_next(&rd, UNLOCK_FROM_SERVER, &f) == 0) {
			unlock_text_sanitize(out, size, f.payload);
			r = f.type;
			break;
		}
	}
	close(fd);
	return r;
}

static void hook_runs_the_unlock_path(void **state)
{
	char img[64], other[64], tab[128], sock[128], ak[128], keydir[128],
	    pidf[128], pub[128], logp[128], cmd[1024], params[512], out[2048],
	    unlockd[PATH_MAX];
	char *log = NULL;
	size_t loglen;
	int saved_err, logfd;
	struct sshd_hook_paths paths;
	struct boot_config *cfg;
	struct dev_props dev;
	struct termios t;
	struct loop *l;
	int master, slave, port;

	(void)state;
	/* deps.sh test installs these: missing, the test fails */
	if (access("/usr/sbin/dropbear", X_OK) < 0)
		fail_msg("/usr/sbin/dropbear is missing: `scripts/deps.sh "
			 "test` installs dropbear-bin");
	require_tool("dropbearkey", "dropbear-bin");
	require_tool("ssh-keygen", "openssh-client");
	snprintf(dir, sizeof(dir), "/tmp/sesame-hook-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(img, sizeof(img), "%s/root.img", dir);
	snprintf(other, sizeof(other), "%s/other.img", dir);
	snprintf(tab, sizeof(tab), "%s/crypttab", dir);
	snprintf(sock, sizeof(sock), "%s/run/unlock.sock", dir);
	snprintf(ak, sizeof(ak), "%s/authorized_keys", dir);
	snprintf(keydir, sizeof(keydir), "%s/keys", dir);
	snprintf(pidf, sizeof(pidf), "%s/dropbear.pid", dir);
	snprintf(pub, sizeof(pub), "%s/host_keys.pub", dir);
	snprintf(logp, sizeof(logp), "%s/log", dir);
	fixture_luks_image(img, CRYPT_LUKS2, CRYPT_KDF_PBKDF2, UUID_A, "pw");
	fixture_luks_image(other, CRYPT_LUKS2, CRYPT_KDF_PBKDF2, UUID_X, "pw");
	write_file(tab, "# the image's crypttab\n"
			"cryptroot UUID=" UUID_A " none luks,discard\n");
	write_file(ak, "# no keys: the login itself is for the VM tests\n");
	mkdir(keydir, 0700);
	snprintf(cmd, sizeof(cmd),
		 "dropbearkey -t ed25519 -f %s/dropbear_ed25519_host_key "
		 ">/dev/null 2>&1",
		 keydir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
		 "dropbearkey -y -f %s/dropbear_ed25519_host_key | "
		 "grep '^ssh-' > %s && ssh-keygen -l -f %s > %s.fp",
		 keydir, pub, pub, pub);
	assert_int_equal(system(cmd), 0);
	/* What `sesame build` puts beside host_keys.pub (keys/fpfile.h), here
	 * from ssh-keygen: "BITS SHA256:... (TYPE)" without the comment. */
	snprintf(cmd, sizeof(cmd),
		 "awk '{print $1, $2, $NF}' %s.fp > %s/" KEYS_FPFILE_NAME, pub,
		 dir);
	assert_int_equal(system(cmd), 0);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	fcntl(master, F_SETFL, O_NONBLOCK);

	memset(&paths, 0, sizeof(paths));
	paths.crypttab = tab;
	paths.console = ptsname(master);
	paths.socket = sock;
	paths.authorized_keys = ak;
	paths.host_key_dir = keydir;
	paths.dropbear = "/usr/sbin/dropbear";
	paths.pid_file = pidf;
	paths.host_keys_pub = pub;
	{
		/* build/tests/x -> build/bin/sesame-unlockd */
		char self[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		assert_true(n > 0);
		self[n] = '\0';
		snprintf(unlockd, sizeof(unlockd), "%s/../bin/sesame-unlockd",
			 dirname(self));
		assert_int_equal(access(unlockd, X_OK), 0);
	}
	paths.unlockd = unlockd;
	sshd_hook_set_paths(&paths);

	port = fixture_free_port();
	snprintf(params, sizeof(params),
		 "root=/dev/mapper/cryptroot sesame.luks_tries=3 "
		 "sesame.ssh_listen=127.0.0.1:%d",
		 port);
	cfg = calloc(1, sizeof(*cfg));
	boot_config_init(cfg);
	assert_int_equal(boot_config_parse(cfg, params, strlen(params), false),
			 0);
	assert_int_equal(loop_new(&l), 0);
	saved_err = dup(2);
	logfd = open(logp, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(logfd >= 0);
	dup2(logfd, 2);
	close(logfd);
	log_set_max_level(LOG_LVL_INFO);
	assert_int_equal(init_hook_register(&sshd_hook), 0);
	init_hooks_start(l, cfg);
	dup2(saved_err, 2);
	close(saved_err);
	log_set_max_level(LOG_LVL_ERR);
	/* The host key's fingerprint, as ssh-keygen -l gives it. */
	assert_int_equal(file_read_all(logp, 1 << 20, &log, &loglen), 0);
	assert_non_null(strstr(log, "ssh host key 256 SHA256:"));
	{
		char fpfile[160], *fp = NULL, *sp;
		size_t fl;
		snprintf(fpfile, sizeof(fpfile), "%s.fp", pub);
		assert_int_equal(file_read_all(fpfile, 4096, &fp, &fl), 0);
		assert_true(fl > 20);
		sp = strchr(fp + 4, ' '); /* "256 SHA256:x comment" */
		if (sp)
			*sp = '\0';
		assert_non_null(strstr(log, fp + 4));
		free(fp);
	}
	free(log);

	/* dropbear answers on loopback. */
	for (int i = 0; i < 100 && !port_answers(port); i++)
		loop_run_once(l, 20);
	assert_true(port_answers(port));

	/* The wanted device is queued; another LUKS device is not. */
	memset(&dev, 0, sizeof(dev));
	snprintf(dev.node, sizeof(dev.node), "%s", img);
	snprintf(dev.type, sizeof(dev.type), "crypto_LUKS");
	snprintf(dev.uuid, sizeof(dev.uuid), UUID_A);
	assert_int_equal(blockdev_dispatch(&dev), 1);
	snprintf(dev.node, sizeof(dev.node), "%s", other);
	snprintf(dev.uuid, sizeof(dev.uuid), UUID_X);
	assert_int_equal(blockdev_dispatch(&dev), 1);

	/* sesame-unlockd, another process, queues it: asked until it has. */
	wait_for_path(l, sock);
	for (int i = 0; i < 600; i++) {
		assert_int_equal(
		    ask(l, sock, UNLOCK_MSG_STATUS_REQ, NULL, out, sizeof(out)),
		    UNLOCK_MSG_STATUS);
		if (strstr(out, "cryptroot (") && strstr(out, "ssh: dropbear"))
			break;
		loop_run_once(l, 100);
	}
	assert_non_null(strstr(out, "cryptroot ("));
	assert_non_null(strstr(out, "): locked"));
	assert_null(strstr(out, UUID_X));
	assert_non_null(strstr(out, "3 passphrase attempts left"));
	assert_non_null(strstr(out, "ssh: dropbear running"));
	/* The console prompt is up, without echo. */
	{
		int s = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
		char tty[512];
		ssize_t n;
		assert_int_equal(tcgetattr(s, &t), 0);
		assert_false(t.c_lflag & ECHO);
		n = read(master, tty, sizeof(tty) - 1);
		assert_true(n > 0);
		tty[n] = '\0';
		assert_non_null(strstr(tty, "Passphrase"));
		slave = s;
	}
	/* No device-mapper on the host: libcryptsetup says so before it
	 * looks at the passphrase, and that costs no attempt. */
	assert_int_equal(
	    ask(l, sock, UNLOCK_MSG_PASSPHRASE, "nope", out, sizeof(out)),
	    UNLOCK_MSG_RESULT);
	assert_non_null(strstr(out, "cryptroot ("));
	assert_null(strstr(out, "wrong passphrase"));
	assert_int_equal(
	    ask(l, sock, UNLOCK_MSG_STATUS_REQ, NULL, out, sizeof(out)),
	    UNLOCK_MSG_STATUS);
	assert_non_null(strstr(out, "3 passphrase attempts left"));

	init_hooks_stop();
	assert_false(port_answers(port));
	assert_int_equal(access(sock, F_OK), -1);
	assert_int_equal(tcgetattr(slave, &t), 0);
	assert_true(t.c_lflag & ECHO); /* the console is back */
	close(slave);
	close(master);
	loop_free(l);
	free(cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(hook_runs_the_unlock_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
