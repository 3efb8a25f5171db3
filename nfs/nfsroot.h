/* nfsroot: every NFS-root form users write (dracut's, the kernel's, DHCP's
 * option 17), parsed in one place into what mount(2) needs. */
#ifndef SESAME_NFS_NFSROOT_H
#define SESAME_NFS_NFSROOT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#define NFS_PATH_MAX 256  /* the DHCP root path is at most 255 bytes */
#define NFS_OPTS_MAX 256
#define NFS_VERS_MAX 8	  /* "4.2" */
#define NFS_ERR_MAX 128

/* Which protocol to speak: AUTO tries v4 first, then v3 (nolock). */
enum nfs_vers { NFS_VERS_AUTO, NFS_VERS_3, NFS_VERS_4 };

struct nfs_root {
	/*
	 * The server as given; empty: take it from DHCP (option 17's server,
	 * then next-server, then the server identifier).
	 */
	char server[INET_ADDRSTRLEN];
	char path[NFS_PATH_MAX]; /* absolute; may hold one %s before resolve */
	/* Checked options, comma-separated, without vers=/nfsvers=/ro/rw. */
	char opts[NFS_OPTS_MAX];
	enum nfs_vers vers;
	char vers_text[NFS_VERS_MAX]; /* "4.1" as given; empty: default */
	int ro;			      /* 1 ro, 0 rw, -1 not said */
	/* root=dhcp / nfsroot=auto: the path comes from option 17. */
	bool from_dhcp;
};

/* What DHCP (or ip=) told us, for nfs_root_resolve(). Zero: unknown. */
struct nfs_env {
	struct in_addr client;
	struct in_addr server_id;   /* option 54, or ip='s server field */
	struct in_addr next_server; /* siaddr */
	const char *hostname;	    /* NULL or "": use the client address */
	const char *root_path;	    /* option 17; NULL: none */
};

/*
 * True when root= (and nfsroot=, either may be NULL) ask for an NFS root:
 * root=nfs:..., root=nfs4:..., root=/dev/nfs, root=dhcp, a bare
 * root=SERVER:/PATH, or nfsroot= with no root= at all.
 */
bool nfs_root_wanted(const char *root, const char *nfsroot);

/*
 * Parses the command line's forms into *out (written only on success):
 *   root=nfs:[SERVER:]PATH[:OPTS]    root=nfs4:[SERVER:]PATH[:OPTS]
 *   root=SERVER:PATH[:OPTS]          root=dhcp
 *   root=/dev/nfs nfsroot=[SERVER:]PATH[,OPTS] | nfsroot=auto
 * (dracut.cmdline(7) and the kernel's nfsroot.rst; in dracut's forms the
 * options may also follow a comma). -EINVAL with a message in err (which
 * names the parameter and what is wrong) on malformed input.
 */
int nfs_root_parse(const char *root, const char *nfsroot, struct nfs_root *out,
		   char *err, size_t errlen);

/*
 * DHCP's root path (option 17): [nfs:|nfs4:][SERVER:]PATH[,OPTS]. Options
 * already in *nr (from the command line) win over the ones given here.
 */
int nfs_root_parse_dhcp(const char *root_path, struct nfs_root *nr, char *err,
			size_t errlen);

/*
 * Completes *nr from what the network learnt: the DHCP root path when
 * from_dhcp, the server when none was given, and the first %s of the path
 * (the host name, or the client address without one). -ENOENT (message in
 * err) when no server or path can be found.
 */
int nfs_root_resolve(struct nfs_root *nr, const struct nfs_env *env, char *err,
		     size_t errlen);

/*
 * The protocol versions to try, in order: the one given, or for v4 without
 * a minor version 4.2, 4.1, 4.0, and with nothing said those then 3 (the
 * kernel has no negotiation of its own for mount(2)). Returns the i-th
 * ("4.2", "3", ...) or NULL past the last.
 */
const char *nfs_root_version(const struct nfs_root *nr, unsigned i);

/*
 * What mount(2) gets for version vers (from nfs_root_version()): source
 * "SERVER:PATH", fstype "nfs" or "nfs4", and data "vers=V,addr=SERVER
 * [,nolock][,OPTS]" (v3 gets nolock unless lock/nolock was given: the
 * initramfs runs no statd). -ENAMETOOLONG when a buffer is too small,
 * -EINVAL when *nr has no server yet.
 */
int nfs_root_mount_args(const struct nfs_root *nr, const char *vers,
			char *src, size_t srclen, const char **fstype,
			char *data, size_t datalen);

#endif
