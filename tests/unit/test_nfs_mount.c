/* test_nfs_mount: the nfs-mount applet's version fallback and exit statuses,
 * and the command line PID 1 builds for it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#include "common/log.h"
#include "nfs/mount.h"

/* The fake mount(2): answers from a script, records what it was asked. */
static int script[8];
static unsigned calls;
static char seen_type[8][8], seen_data[8][NFS_MOUNT_DATA_MAX];
static unsigned long seen_flags;

static int fake_mount(const char *src, const char *target, const char *type,
		      unsigned long flags, const char *data)
{
	(void)src;
	(void)target;
	strncpy(seen_type[calls], type, sizeof(seen_type[0]) - 1);
	strncpy(seen_data[calls], data, sizeof(seen_data[0]) - 1);
	seen_flags = flags;
	return script[calls++];
}

static int setup(void **state)
{
	(void)state;
	memset(script, 0, sizeof(script));
	memset(seen_type, 0, sizeof(seen_type));
	memset(seen_data, 0, sizeof(seen_data));
	calls = 0;
	log_set_max_level(LOG_LVL_ERR);
	return 0;
}

static int argv_count(char **argv)
{
	int n = 0;
	while (argv[n])
		n++;
	return n;
}

static void build_cmd(const char *root, struct nfs_mount_cmd *cmd, int ro)
{
	struct nfs_root nr;
	struct nfs_env env = {0};
	char err[NFS_ERR_MAX];

	assert_int_equal(nfs_root_parse(root, NULL, &nr, err, sizeof(err)), 0);
	assert_int_equal(nfs_root_resolve(&nr, &env, err, sizeof(err)), 0);
	assert_int_equal(nfs_mount_argv(&nr, "/newroot", ro, cmd), 0);
}

/* Auto: v4.2, 4.1, 4.0 then v3; the first the server speaks wins. */
static void falls_back_to_v3(void **state)
{
	struct nfs_mount_cmd cmd;

	(void)state;
	build_cmd("nfs:192.0.2.1:/root", &cmd, 1);
	assert_int_equal(argv_count(cmd.argv), 4 + 2 * 4);
	assert_string_equal(cmd.argv[0], NFS_MOUNT_PATH);
	assert_string_equal(cmd.argv[3], "192.0.2.1:/root");
	script[0] = script[1] = script[2] = -EPROTONOSUPPORT;
	assert_int_equal(nfs_mount_main(argv_count(cmd.argv), cmd.argv,
					fake_mount),
			 0);
	assert_int_equal(calls, 4);
	assert_string_equal(seen_type[0], "nfs4");
	assert_string_equal(seen_data[0], "vers=4.2,addr=192.0.2.1");
	assert_string_equal(seen_type[3], "nfs");
	assert_string_equal(seen_data[3], "vers=3,addr=192.0.2.1,nolock");
	assert_true(seen_flags & MS_RDONLY);
}

/* A server that does not answer: no point in another version; its errno. */
static void server_down_stops(void **state)
{
	struct nfs_mount_cmd cmd;

	(void)state;
	build_cmd("nfs:192.0.2.1:/root", &cmd, 0);
	script[0] = -ECONNREFUSED;
	assert_int_equal(nfs_mount_main(argv_count(cmd.argv), cmd.argv,
					fake_mount),
			 ECONNREFUSED);
	assert_int_equal(calls, 1);
	assert_false(seen_flags & MS_RDONLY);
}

/* Every version refused: the last error. */
static void all_refused(void **state)
{
	struct nfs_mount_cmd cmd;

	(void)state;
	build_cmd("nfs4:192.0.2.1:/root", &cmd, 0);
	assert_int_equal(argv_count(cmd.argv), 4 + 2 * 3);
	script[0] = script[1] = -EPROTONOSUPPORT;
	script[2] = -EACCES;
	assert_int_equal(nfs_mount_main(argv_count(cmd.argv), cmd.argv,
					fake_mount),
			 EACCES);
	assert_int_equal(calls, 3);
}

static void vers_given_tries_one(void **state)
{
	struct nfs_mount_cmd cmd;

	(void)state;
	build_cmd("nfs:192.0.2.1:/root:vers=3,tcp", &cmd, 0);
	assert_int_equal(argv_count(cmd.argv), 6);
	script[0] = -ETIMEDOUT;
	assert_int_equal(nfs_mount_main(6, cmd.argv, fake_mount), ETIMEDOUT);
	assert_string_equal(seen_data[0], "vers=3,addr=192.0.2.1,nolock,tcp");
}

static void bad_command_lines(void **state)
{
	char *a1[] = {"nfs-mount", "/newroot", "rw", "s:/", "nfs4", NULL};
	char *a2[] = {"nfs-mount", "/newroot", "maybe", "s:/", "nfs4", "d",
		      NULL};
	char *a3[] = {"nfs-mount", NULL};

	(void)state;
	assert_int_equal(nfs_mount_main(5, a1, fake_mount), 2);
	assert_int_equal(nfs_mount_main(6, a2, fake_mount), 2);
	assert_int_equal(nfs_mount_main(1, a3, fake_mount), 2);
	assert_int_equal(calls, 0);
}

/* A target too long for the command's buffer is an error, not a cut. */
static void long_target(void **state)
{
	struct nfs_root nr;
	struct nfs_env env = {0};
	struct nfs_mount_cmd cmd;
	char err[NFS_ERR_MAX], target[300];

	(void)state;
	memset(target, 'a', sizeof(target) - 1);
	target[sizeof(target) - 1] = '\0';
	assert_int_equal(nfs_root_parse("nfs:192.0.2.1:/r", NULL, &nr, err,
					sizeof(err)),
			 0);
	assert_int_equal(nfs_root_resolve(&nr, &env, err, sizeof(err)), 0);
	assert_int_equal(nfs_mount_argv(&nr, target, 0, &cmd), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(falls_back_to_v3, setup),
	    cmocka_unit_test_setup(server_down_stops, setup),
	    cmocka_unit_test_setup(all_refused, setup),
	    cmocka_unit_test_setup(vers_given_tries_one, setup),
	    cmocka_unit_test_setup(bad_command_lines, setup),
	    cmocka_unit_test_setup(long_target, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
