/* fuzz_nfsroot: the NFS-root forms (root=, nfsroot=, DHCP option 17) on
 * arbitrary text, through parse, resolve and mount(2)'s arguments. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nfs/nfsroot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: up to four NUL-separated fields: root, nfsroot, the DHCP root
 * path and the host name; an empty field is an absent parameter.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *f[4] = {NULL, NULL, NULL, NULL};
	char err[NFS_ERR_MAX] = "", src[512], mdata[512];
	struct nfs_root nr;
	struct nfs_env env = {0};
	const char *fstype, *v;
	size_t off = 0;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (int i = 0; i < 4 && off <= size; i++) {
		f[i] = s[off] ? s + off : NULL;
		off += strlen(s + off) + 1;
	}
	inet_pton(AF_INET, "10.0.0.5", &env.client);
	inet_pton(AF_INET, "10.0.0.2", &env.next_server);
	env.root_path = f[2];
	env.hostname = f[3];
	if (nfs_root_parse(f[0], f[1], &nr, err, sizeof(err)) == 0 &&
	    nfs_root_resolve(&nr, &env, err, sizeof(err)) == 0) {
		if (!memchr(nr.path, 0, sizeof(nr.path)) || nr.path[0] != '/')
			__builtin_trap();
		for (unsigned i = 0; (v = nfs_root_version(&nr, i)); i++)
			if (nfs_root_mount_args(&nr, v, src, sizeof(src),
						&fstype, mdata,
						sizeof(mdata)) == 0 &&
			    (strchr(mdata, ' ') || strstr(mdata, ",,")))
				__builtin_trap();
	}
	if (!memchr(err, 0, sizeof(err)))
		__builtin_trap();
	free(s);
	return 0;
}
