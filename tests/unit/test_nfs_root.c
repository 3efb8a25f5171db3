/* test_nfs_root: every NFS-root form (dracut, kernel nfsroot=, DHCP option
 * 17), resolution against a lease, and mount(2)'s arguments; hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nfs/nfsroot.h"

/* A command line, what the lease says, and what mount(2) must get. */
struct good_case {
	const char *root, *nfsroot; /* NULL: parameter absent */
	const char *root_path;	    /* DHCP option 17; NULL: none */
	const char *hostname;	    /* DHCP/ip= host name; NULL: none */
	const char *src;	    /* mount(2) source */
	const char *first_vers;	    /* first version tried */
	const char *data;	    /* data for that version */
	const char *last_vers;	    /* last version tried */
	int ro;
};

/* The lease of every case: client 10.0.0.5, server id .1, next-server .2. */
static const struct good_case GOOD[] = {
    /* dracut: root=nfs:[server:]path[:options] */
    {"nfs:10.0.0.9:/srv/root", NULL, NULL, NULL, "10.0.0.9:/srv/root", "4.2",
     "vers=4.2,addr=10.0.0.9", "3", -1},
    {"nfs:10.0.0.9:/srv/root:vers=3,tcp", NULL, NULL, NULL,
     "10.0.0.9:/srv/root", "3", "vers=3,addr=10.0.0.9,nolock,tcp", "3", -1},
    {"nfs:10.0.0.9:/srv/root,vers=3", NULL, NULL, NULL, "10.0.0.9:/srv/root",
     "3", "vers=3,addr=10.0.0.9,nolock", "3", -1},
    {"nfs:/srv/root", NULL, NULL, NULL, "10.0.0.2:/srv/root", "4.2",
     "vers=4.2,addr=10.0.0.2", "3", -1},
    {"nfs:10.0.0.9:/srv/root:vers=3,lock", NULL, NULL, NULL,
     "10.0.0.9:/srv/root", "3", "vers=3,addr=10.0.0.9,lock", "3", -1},
    {"nfs:10.0.0.9:/srv/root:ro,soft,timeo=20", NULL, NULL, NULL,
     "10.0.0.9:/srv/root", "4.2", "vers=4.2,addr=10.0.0.9,soft,timeo=20", "3",
     1},
    /* root=nfs4:... tries v4 only */
    {"nfs4:10.0.0.9:/", NULL, NULL, NULL, "10.0.0.9:/", "4.2",
     "vers=4.2,addr=10.0.0.9", "4", -1},
    {"nfs4:10.0.0.9:/exports/%s:vers=4.1,rw", NULL, NULL, "ws7",
     "10.0.0.9:/exports/ws7", "4.1", "vers=4.1,addr=10.0.0.9", "4.1", 0},
    {"nfs4:/exports/%s", NULL, NULL, NULL, "10.0.0.2:/exports/10.0.0.5", "4.2",
     "vers=4.2,addr=10.0.0.2", "4", -1},
    /* a bare root=server:/path */
    {"10.0.0.9:/srv/root", NULL, NULL, NULL, "10.0.0.9:/srv/root", "4.2",
     "vers=4.2,addr=10.0.0.9", "3", -1},
    {"10.0.0.9:/srv/root:nfsvers=3", NULL, NULL, NULL, "10.0.0.9:/srv/root",
     "3", "vers=3,addr=10.0.0.9,nolock", "3", -1},
    /* root=dhcp: option 17, with or without a server and a prefix */
    {"dhcp", NULL, "10.0.0.7:/nfsroot,vers=4.1", NULL, "10.0.0.7:/nfsroot",
     "4.1", "vers=4.1,addr=10.0.0.7", "4.1", -1},
    {"dhcp", NULL, "nfs4:10.0.0.7:/nfsroot", NULL, "10.0.0.7:/nfsroot", "4.2",
     "vers=4.2,addr=10.0.0.7", "4", -1},
    {"dhcp", NULL, "nfs:10.0.0.7:/r,vers=3,tcp", NULL, "10.0.0.7:/r", "3",
     "vers=3,addr=10.0.0.7,nolock,tcp", "3", -1},
    {"dhcp", NULL, "/nfsroot/%s", "lab-3", "10.0.0.2:/nfsroot/lab-3", "4.2",
     "vers=4.2,addr=10.0.0.2", "3", -1},
    /* the kernel's root=/dev/nfs nfsroot=[server:]dir[,options] */
    {"/dev/nfs", "10.0.0.9:/srv/nfs,vers=3,tcp", NULL, NULL,
     "10.0.0.9:/srv/nfs", "3", "vers=3,addr=10.0.0.9,nolock,tcp", "3", -1},
    {"/dev/nfs", "/srv/nfs", NULL, NULL, "10.0.0.2:/srv/nfs", "4.2",
     "vers=4.2,addr=10.0.0.2", "3", -1},
    /* a ':' in a kernel-form path is part of it */
    {"/dev/nfs", "10.0.0.9:/srv/a:b", NULL, NULL, "10.0.0.9:/srv/a:b", "4.2",
     "vers=4.2,addr=10.0.0.9", "3", -1},
    {"/dev/nfs", "auto", "10.0.0.7:/auto", NULL, "10.0.0.7:/auto", "4.2",
     "vers=4.2,addr=10.0.0.7", "3", -1},
    {"/dev/nfs", NULL, "10.0.0.7:/auto", NULL, "10.0.0.7:/auto", "4.2",
     "vers=4.2,addr=10.0.0.7", "3", -1},
    /* no path anywhere: the kernel's default /tftpboot/%s */
    {"/dev/nfs", NULL, NULL, NULL, "10.0.0.2:/tftpboot/10.0.0.5", "4.2",
     "vers=4.2,addr=10.0.0.2", "3", -1},
    /* nfsroot= without root= */
    {NULL, "10.0.0.9:/x", NULL, NULL, "10.0.0.9:/x", "4.2",
     "vers=4.2,addr=10.0.0.9", "3", -1},
    /* nfsroot=auto: the command line's options win over option 17's */
};

static void good_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(GOOD) / sizeof(GOOD[0]); i++) {
		const struct good_case *g = &GOOD[i];
		struct nfs_root nr;
		struct nfs_env env = {0};
		char err[NFS_ERR_MAX] = "", src[512], data[512];
		const char *fstype, *v, *last = NULL;
		int r;

		inet_pton(AF_INET, "10.0.0.5", &env.client);
		inet_pton(AF_INET, "10.0.0.1", &env.server_id);
		inet_pton(AF_INET, "10.0.0.2", &env.next_server);
		env.root_path = g->root_path;
		env.hostname = g->hostname;
		print_message("case %zu: root=%s nfsroot=%s\n", i,
			      g->root ? g->root : "-",
			      g->nfsroot ? g->nfsroot : "-");
		assert_true(nfs_root_wanted(g->root, g->nfsroot));
		r = nfs_root_parse(g->root, g->nfsroot, &nr, err, sizeof(err));
		if (r)
			print_message("  %s\n", err);
		assert_int_equal(r, 0);
		r = nfs_root_resolve(&nr, &env, err, sizeof(err));
		if (r)
			print_message("  %s\n", err);
		assert_int_equal(r, 0);
		v = nfs_root_version(&nr, 0);
		assert_non_null(v);
		assert_string_equal(v, g->first_vers);
		assert_int_equal(nfs_root_mount_args(&nr, v, src, sizeof(src),
						     &fstype, data,
						     sizeof(data)),
				 0);
		assert_string_equal(src, g->src);
		assert_string_equal(data, g->data);
		assert_string_equal(fstype, strcmp(v, "3") ? "nfs4" : "nfs");
		for (unsigned k = 0; (v = nfs_root_version(&nr, k)); k++)
			last = v;
		assert_string_equal(last, g->last_vers);
		assert_int_equal(nr.ro, g->ro);
	}
}

/* Not NFS: block-device roots stay with init/spec.c. */
static void not_nfs(void **state)
{
	static const char *const ROOTS[] = {
	    "UUID=1234", "LABEL=a:b", "/dev/vda1", "PARTUUID=x", "vda1",
	    "/dev/mapper/root", "block:/dev/vda", "8:1", ":/x", "",
	};
	struct nfs_root nr;
	char err[NFS_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(ROOTS) / sizeof(ROOTS[0]); i++) {
		assert_false(nfs_root_wanted(ROOTS[i], NULL));
		assert_int_equal(
		    nfs_root_parse(ROOTS[i], NULL, &nr, err, sizeof(err)),
		    -EINVAL);
	}
	assert_false(nfs_root_wanted(NULL, NULL));
}

struct bad_case {
	const char *root, *nfsroot;
	const char *why; /* a piece of the message */
};

static const struct bad_case BAD[] = {
    {"nfs:", NULL, "want [SERVER:]/PATH"},
    {"nfs:server", NULL, "want [SERVER:]/PATH"},
    {"nfs:nfs.example.org:/srv", NULL, "not an IPv4 address"},
    {"nfs:10.0.0.9:srv", NULL, "must start with /"},
    {"nfs:10.0.0.9:", NULL, "must start with /"},
    {"nfs:0.0.0.0:/srv", NULL, "not a host"},
    {"nfs:255.255.255.255:/srv", NULL, "not a host"},
    {"nfs:10.0.0.999:/srv", NULL, "not an IPv4 address"},
    {"nfs:10.0.0.9:/srv:", NULL, "empty option list"},
    {"nfs:10.0.0.9:/srv:tcp,,soft", NULL, "empty option"},
    {"nfs:10.0.0.9:/srv:tcp,", NULL, "empty option"},
    {"nfs:10.0.0.9:/srv:vers=2", NULL, "not an NFS version"},
    {"nfs:10.0.0.9:/srv:vers=4.3", NULL, "not an NFS version"},
    {"nfs:10.0.0.9:/srv:vers", NULL, "needs a value"},
    {"nfs:10.0.0.9:/srv:timeo=", NULL, "has no value"},
    {"nfs:10.0.0.9:/srv:addr=1.2.3.4", NULL, "set by sesame"},
    {"nfs:10.0.0.9:/srv:clientaddr=1.2.3.4", NULL, "set by sesame"},
    {"nfs:10.0.0.9:/srv:Soft", NULL, "bad character"},
    {"nfs:10.0.0.9:/srv:sec=krb5;x", NULL, "bad character"},
    {"nfs:10.0.0.9:/srv:a=b=c", NULL, "bad character"},
    {"nfs:10.0.0.9:/srv/%d", NULL, "other than one %s"},
    {"nfs:10.0.0.9:/srv/%s/%s", NULL, "other than one %s"},
    {"nfs:10.0.0.9:/srv/a\tb", NULL, "control or space"},
    {"nfs4:10.0.0.9:/srv:vers=3", NULL, "pick one"},
    {"/dev/nfs", "srv", "want [SERVER:]/PATH"},
    {"/dev/nfs", "10.0.0.9:/a,", "empty option list"},
    {"/dev/nfs", "10.0.0.9:relative", "must start with /"},
};

static void bad_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		struct nfs_root nr, before;
		char err[NFS_ERR_MAX] = "";

		memset(&nr, 0x5a, sizeof(nr));
		before = nr;
		print_message("case %zu: %s %s\n", i, BAD[i].root,
			      BAD[i].nfsroot ? BAD[i].nfsroot : "");
		assert_int_equal(nfs_root_parse(BAD[i].root, BAD[i].nfsroot,
						&nr, err, sizeof(err)),
				 -EINVAL);
		if (!strstr(err, BAD[i].why))
			print_message("  got: %s\n", err);
		assert_non_null(strstr(err, BAD[i].why));
		/* the parameter is named in the message */
		assert_true(strstr(err, "root=") || strstr(err, "nfsroot="));
		/* the out-parameter is written only on success */
		assert_memory_equal(&nr, &before, sizeof(nr));
	}
}

/* Too long for the buffers: an error, never a cut path. */
static void too_long(void **state)
{
	char root[1024], err[NFS_ERR_MAX];
	struct nfs_root nr;
	int n;

	(void)state;
	n = snprintf(root, sizeof(root), "nfs:10.0.0.9:/");
	memset(root + n, 'a', 300);
	root[n + 300] = '\0';
	assert_int_equal(nfs_root_parse(root, NULL, &nr, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "longer than"));

	n = snprintf(root, sizeof(root), "nfs:10.0.0.9:/a:");
	for (int i = 0; i < 60; i++)
		n += snprintf(root + n, sizeof(root) - (size_t)n, "timeo=%d,",
			      i);
	root[n - 1] = '\0';
	assert_int_equal(nfs_root_parse(root, NULL, &nr, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "options longer than"));
}

/* %s replaced by a long host name overflowing the path is an error. */
static void substitution_limits(void **state)
{
	struct nfs_root nr;
	struct nfs_env env = {0};
	char err[NFS_ERR_MAX], host[250], path[300];

	(void)state;
	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(path, sizeof(path), "nfs:10.0.0.9:/%.20s/%%s",
		 "aaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(nfs_root_parse(path, NULL, &nr, err, sizeof(err)), 0);
	env.hostname = host;
	assert_int_equal(nfs_root_resolve(&nr, &env, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "longer than"));
	/* a host name with a slash would change the directory */
	env.hostname = "../etc";
	assert_int_equal(nfs_root_resolve(&nr, &env, err, sizeof(err)),
			 -EINVAL);
	/* no host name and no address */
	env.hostname = NULL;
	assert_int_equal(nfs_root_resolve(&nr, &env, err, sizeof(err)),
			 -ENOENT);
}

/* No server anywhere: -ENOENT, said plainly. */
static void no_server(void **state)
{
	struct nfs_root nr;
	struct nfs_env env = {0};
	char err[NFS_ERR_MAX];

	(void)state;
	assert_int_equal(nfs_root_parse("nfs:/srv", NULL, &nr, err,
					sizeof(err)),
			 0);
	assert_int_equal(nfs_root_resolve(&nr, &env, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "no NFS server"));
	/* without next-server, the server identifier */
	inet_pton(AF_INET, "10.0.0.1", &env.server_id);
	assert_int_equal(nfs_root_resolve(&nr, &env, err, sizeof(err)), 0);
	assert_string_equal(nr.server, "10.0.0.1");
}

/* Hostile option 17 values: rejected with the source named. */
static void bad_dhcp_root_path(void **state)
{
	static const char *const PATHS[] = {
	    "nfs:", "nfs4:", "host:/x", "10.0.0.7:x", "10.0.0.7:/x,",
	    "10.0.0.7:/x,vers=9", "10.0.0.7:/x y", "/x,addr=1.1.1.1",
	    "10.0.0.7:/x,,a",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(PATHS) / sizeof(PATHS[0]); i++) {
		struct nfs_root nr;
		struct nfs_env env = {0};
		char err[NFS_ERR_MAX] = "";

		assert_int_equal(nfs_root_parse("dhcp", NULL, &nr, err,
						sizeof(err)),
				 0);
		env.root_path = PATHS[i];
		inet_pton(AF_INET, "10.0.0.1", &env.server_id);
		print_message("case %zu: %s\n", i, PATHS[i]);
		assert_int_equal(nfs_root_resolve(&nr, &env, err, sizeof(err)),
				 -EINVAL);
		assert_non_null(strstr(err, "DHCP root path"));
	}
}

/* Options given on the command line win over option 17's. */
static void cmdline_wins_over_dhcp(void **state)
{
	struct nfs_root nr;
	struct nfs_env env = {0};
	char err[NFS_ERR_MAX], src[300], data[300];
	const char *fstype;

	(void)state;
	assert_int_equal(nfs_root_parse("/dev/nfs", "auto", &nr, err,
					sizeof(err)),
			 0);
	env.root_path = "10.0.0.7:/r,vers=3,timeo=5,soft";
	assert_int_equal(nfs_root_resolve(&nr, &env, err, sizeof(err)), 0);
	assert_int_equal(nfs_root_mount_args(&nr, "3", src, sizeof(src),
					     &fstype, data, sizeof(data)),
			 0);
	assert_string_equal(data, "vers=3,addr=10.0.0.7,nolock,timeo=5,soft");

	/* a server named on the command line is kept */
	assert_int_equal(nfs_root_parse("nfs:10.0.0.9:/ignored:vers=4.1,timeo=9",
					NULL, &nr, err, sizeof(err)),
			 0);
	nr.from_dhcp = true;
	assert_int_equal(nfs_root_resolve(&nr, &env, err, sizeof(err)), 0);
	assert_string_equal(nr.server, "10.0.0.9");
	assert_string_equal(nr.path, "/r");
	assert_string_equal(nr.vers_text, "4.1");
	assert_string_equal(nr.opts, "timeo=9,soft");
}

static void mount_args_limits(void **state)
{
	struct nfs_root nr;
	char err[NFS_ERR_MAX], src[8], data[8];
	const char *fstype;

	(void)state;
	assert_int_equal(nfs_root_parse("dhcp", NULL, &nr, err, sizeof(err)),
			 0);
	/* unresolved */
	assert_int_equal(nfs_root_mount_args(&nr, "4.2", src, sizeof(src),
					     &fstype, data, sizeof(data)),
			 -EINVAL);
	assert_int_equal(nfs_root_parse("nfs:10.0.0.9:/srv", NULL, &nr, err,
					sizeof(err)),
			 0);
	assert_int_equal(nfs_root_mount_args(&nr, "4.2", src, sizeof(src),
					     &fstype, data, sizeof(data)),
			 -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_forms),
	    cmocka_unit_test(not_nfs),
	    cmocka_unit_test(bad_forms),
	    cmocka_unit_test(too_long),
	    cmocka_unit_test(substitution_limits),
	    cmocka_unit_test(no_server),
	    cmocka_unit_test(bad_dhcp_root_path),
	    cmocka_unit_test(cmdline_wins_over_dhcp),
	    cmocka_unit_test(mount_args_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
