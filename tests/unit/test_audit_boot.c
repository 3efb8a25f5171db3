/* test_audit_boot: the boot-time checks over a scratch tree, and the
 * /proc/net/tcp reader behind ssh-down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "audit/boot_hook.h"
#include "common/log.h"

struct fx {
	char dir[64];
	char conf[96], cmdline[96], keys[96], dropbear[96];
	struct audit_boot_paths p;
	char seen[1024]; /* "id subject|id subject|" */
	size_t n;
};

static void collect(const char *id, const char *subject, const char *msg,
		    void *arg)
{
	struct fx *f = arg;
	size_t l = strlen(f->seen);

	(void)msg;
	snprintf(f->seen + l, sizeof(f->seen) - l, "%s %s|", id, subject);
	f->n++;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test_audit_boot.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->conf, sizeof(f->conf), "%s/boot.conf", f->dir);
	snprintf(f->cmdline, sizeof(f->cmdline), "%s/cmdline", f->dir);
	snprintf(f->keys, sizeof(f->keys), "%s/authorized_keys", f->dir);
	snprintf(f->dropbear, sizeof(f->dropbear), "%s/dropbear", f->dir);
	f->p.boot_conf = f->conf;
	f->p.cmdline = f->cmdline;
	f->p.authorized_keys = f->keys;
	f->p.dropbear = f->dropbear;
	/* An SSH image with a key and nothing wrong. */
	write_file(f->dropbear, "elf", 0755);
	write_file(f->keys,
		   "# sesame\ncommand=\"/bin/unlock\" ssh-ed25519 AAAA\n",
		   0600);
	write_file(f->conf, "ip=dhcp\n", 0644);
	write_file(f->cmdline, "root=UUID=1 ro quiet\n", 0444);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	free(f);
	return system(cmd) == 0 ? 0 : -1;
}

static void check(struct fx *f, bool *ssh, unsigned *port)
{
	f->seen[0] = '\0';
	f->n = 0;
	audit_boot_check(&f->p, collect, f, ssh, port);
}

static void test_clean(void **state)
{
	struct fx *f = *state;
	unsigned port;
	bool ssh;

	check(f, &ssh, &port);
	assert_string_equal(f->seen, "");
	assert_true(ssh);
	assert_int_equal(port, 22);
}

static void test_rules_from_both_files(void **state)
{
	struct fx *f = *state;
	unsigned port;
	bool ssh;

	write_file(f->conf,
		   "ip=192.0.2.10::192.0.2.1:255.255.255.0::eth0:none\n"
		   "sesame.luks_tries=50\n",
		   0644);
	write_file(f->cmdline, "root=UUID=1 rd.shell rd.break\n", 0444);
	check(f, &ssh, &port);
	assert_string_equal(f->seen, "boot-shell rd.shell|boot-break rd.break|"
				     "unlock-attempts sesame.luks_tries|"
				     "ssh-listen-all sesame.ssh_listen|");
}

static void test_listen_address_given(void **state)
{
	struct fx *f = *state;
	unsigned port;
	bool ssh;

	write_file(f->conf,
		   "ip=192.0.2.10::192.0.2.1:255.255.255.0::eth0:none\n"
		   "sesame.ssh_listen=192.0.2.10:2222\n",
		   0644);
	check(f, &ssh, &port);
	assert_string_equal(f->seen, "");
	assert_int_equal(port, 2222);
}

static void test_authkeys_none(void **state)
{
	struct fx *f = *state;
	unsigned port;
	bool ssh;

	write_file(f->keys, "# no keys\n\n", 0600);
	check(f, &ssh, &port);
	assert_int_equal(f->n, 1);
	assert_non_null(strstr(f->seen, "authkeys-none "));
	assert_false(ssh);
	/* Without dropbear, or with SSH turned off, nothing to say. */
	write_file(f->cmdline, "sesame.ssh=0\n", 0444);
	check(f, &ssh, &port);
	assert_string_equal(f->seen, "");
	assert_false(ssh);
}

static const char tcp[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
    "retrnsmt   uid  timeout inode\n"
    "   0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 "
    "00000000     0        0 1 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0A00020F:0016 0A000202:C350 01 00000000:00000000 00:00000000 "
    "00000000     0        0 2 1 0000000000000000 20 4 30 10 -1\n";

static void test_listening(void **state)
{
	(void)state;
	/* 631 listens; 22 is only an established connection. */
	assert_true(audit_boot_listening(tcp, strlen(tcp), 631));
	assert_false(audit_boot_listening(tcp, strlen(tcp), 22));
	assert_false(audit_boot_listening("", 0, 22));
	assert_false(
	    audit_boot_listening("garbage\n:\n  0: x:y z 0A\n", 24, 22));
	/* tcp6: a 32-digit address. */
	static const char tcp6[] =
	    "   0: 00000000000000000000000000000000:0016 "
	    "00000000000000000000000000000000:0000 0A 0\n";
	assert_true(audit_boot_listening(tcp6, strlen(tcp6), 22));
}

static void test_ssh_down(void **state)
{
	struct fx *f = *state;
	char t4[128], t6[128];

	snprintf(t4, sizeof(t4), "%s/tcp", f->dir);
	snprintf(t6, sizeof(t6), "%s/tcp6", f->dir);
	f->p.tcp[0] = t4;
	f->p.tcp[1] = t6;
	write_file(t4, tcp, 0444); /* 631 listens, 22 does not */
	write_file(t6, "  sl local rem st\n", 0444);
	f->seen[0] = '\0';
	audit_boot_ssh_check(&f->p, 22, true, collect, f);
	assert_string_equal(f->seen, "ssh-down port 22|");
	/* No address up: nobody could reach it anyway. */
	f->seen[0] = '\0';
	audit_boot_ssh_check(&f->p, 22, false, collect, f);
	assert_string_equal(f->seen, "");
	/* Listening (here on tcp6): nothing to say. */
	write_file(t6,
		   "   0: 00000000000000000000000000000000:0016 "
		   "00000000000000000000000000000000:0000 0A 0\n",
		   0444);
	audit_boot_ssh_check(&f->p, 22, true, collect, f);
	assert_string_equal(f->seen, "");
}

/* The console line carries severity and ID. */
static void test_log_line(void **state)
{
	(void)state;
	audit_boot_log("boot-shell", "rd.shell", "a shell", NULL);
	audit_boot_log("no-such-id", "x", "y", NULL); /* ignored */
	assert_int_equal(log_warn_count(), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_clean, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rules_from_both_files, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_listen_address_given, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_authkeys_none, setup,
					    teardown),
	    cmocka_unit_test(test_listening),
	    cmocka_unit_test_setup_teardown(test_ssh_down, setup, teardown),
	    cmocka_unit_test(test_log_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
