/* modules: resolves module sets with libkmod and writes the trimmed indexes. */
#include "image/modules.h"

#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"

/* Index files are a few MB; anything much larger is not one. */
#define MODULES_INDEX_MAX (256u << 20)
#define MODULES_NAME_MAX 64

/* What a server needs to reach its disks and its network: virtio and
 * common bare-metal storage, the usual Ethernet drivers, the block layers
 * sesame stacks (dm-crypt, md) and the root filesystems it mounts. */
const char *const modules_generic_set[] = {
    /* virtual machines */
    "virtio_pci",
    "virtio_blk",
    "virtio_scsi",
    "virtio_net",
    /* storage controllers and disks */
    "nvme",
    "ahci",
    "ata_piix",
    "sd_mod",
    "usb_storage",
    "uas",
    "xhci_pci",
    "ehci_pci",
    /* Ethernet: the drivers most servers and VMs have */
    "e1000",
    "e1000e",
    "igb",
    "igc",
    "ixgbe",
    "r8169",
    "tg3",
    "bnx2",
    "vmxnet3",
    /* block layers */
    "dm_crypt",
    "dm_mod",
    "raid0",
    "raid1",
    "raid10",
    "raid456",
    /* the ciphers LUKS uses, when not built in */
    "xts",
    "aesni_intel",
    "essiv",
    /* filesystems and network roots */
    "ext4",
    "xfs",
    "btrfs",
    "nfs",
    "nfsv3",
    "nfsv4",
    "af_packet",
    /* input, for the console prompt */
    "usbhid",
    "hid_generic",
    "atkbd",
    NULL,
};

enum { MOD_NEW, MOD_VISITING, MOD_DONE };

struct mod_info {
	char name[MODULES_NAME_MAX];
	char *relpath; /* under the module directory; NULL: built in */
	int state;
};

struct modules_ctx {
	const struct modules_req *req;
	struct kmod_ctx *kmod;
	size_t dirlen;
	struct mod_info *mods; /* every module seen */
	size_t n, cap;
	size_t *order; /* indexes into mods, in load order */
	size_t n_order;
	size_t n_load; /* order[0..n_load) go into /etc/sesame/modules */
	char **sorted; /* names of included modules, sorted (bsearch) */
	unsigned fw_missing;
	char fw_first_missing[256];
};

/* Module names compare with '-' and '_' equal, as kmod does. */
static void modules_norm_name(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < size; i++)
		out[i] = in[i] == '-' ? '_' : in[i];
	out[i] = '\0';
}

static struct mod_info *modules_find(struct modules_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->mods[i].name, name))
			return &c->mods[i];
	return NULL;
}

static int modules_record(struct modules_ctx *c, struct kmod_module *m,
			  struct mod_info **out)
{
	const char *path = kmod_module_get_path(m);
	struct mod_info *mi;

	if ((mi = modules_find(c, kmod_module_get_name(m)))) {
		*out = mi;
		return 0;
	}
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 256;
		struct mod_info *nm = realloc(c->mods, ncap * sizeof(*nm));
		size_t *no;
		if (!nm)
			return -ENOMEM;
		c->mods = nm;
		/* order never holds more than mods: grow it alongside. */
		if (!(no = realloc(c->order, ncap * sizeof(*no))))
			return -ENOMEM;
		c->order = no;
		c->cap = ncap;
	}
	mi = &c->mods[c->n];
	memset(mi, 0, sizeof(*mi));
	if (str_copy(mi->name, sizeof(mi->name), kmod_module_get_name(m)) < 0)
		return -ENAMETOOLONG;
	if (path) {
		if (strncmp(path, c->req->dir, c->dirlen) ||
		    path[c->dirlen] != '/') {
			log_err("module %s: %s is outside %s", mi->name, path,
				c->req->dir);
			return -EINVAL;
		}
		if (!(mi->relpath = strdup(path + c->dirlen + 1)))
			return -ENOMEM;
	}
	c->n++;
	*out = mi;
	return 0;
}

static int modules_visit(struct modules_ctx *c, struct kmod_module *m);

/* Visits every module an alias or name resolves to; *found counts them. */
static int modules_visit_lookup(struct modules_ctx *c, const char *name,
				unsigned *found)
{
	struct kmod_list *list = NULL, *it;
	int r;

	r = kmod_module_new_from_lookup(c->kmod, name, &list);
	if (r < 0)
		return log_err_errno(r, "module lookup of %s", name);
	r = 0;
	kmod_list_foreach(it, list)
	{
		struct kmod_module *m = kmod_module_get_module(it);
		(*found)++;
		r = modules_visit(c, m);
		kmod_module_unref(m);
		if (r < 0)
			break;
	}
	kmod_module_unref_list(list);
	return r;
}

static int modules_visit_softdeps(struct modules_ctx *c, struct kmod_list *list)
{
	struct kmod_list *it;
	int r = 0;

	kmod_list_foreach(it, list)
	{
		struct kmod_module *m = kmod_module_get_module(it);
		r = modules_visit(c, m);
		kmod_module_unref(m);
		if (r < 0)
			break;
	}
	return r;
}

/* Depth first: softdeps pre, dependencies, the module, softdeps post. */
static int modules_visit(struct modules_ctx *c, struct kmod_module *m)
{
	struct kmod_list *deps = NULL, *pre = NULL, *post = NULL, *it;
	struct mod_info *mi;
	size_t idx;
	int r;

	if ((r = modules_record(c, m, &mi)) < 0)
		return r;
	if (mi->state != MOD_NEW)
		return 0; /* done, or a cycle (softdeps may form one) */
	if (!mi->relpath) {
		mi->state = MOD_DONE;
		log_debug("module %s is built in", mi->name);
		return 0;
	}
	mi->state = MOD_VISITING;
	idx = (size_t)(mi - c->mods);
	kmod_module_get_softdeps(m, &pre, &post);
	if ((r = modules_visit_softdeps(c, pre)) < 0)
		goto out;
	deps = kmod_module_get_dependencies(m);
	kmod_list_foreach(it, deps)
	{
		struct kmod_module *d = kmod_module_get_module(it);
		r = modules_visit(c, d);
		kmod_module_unref(d);
		if (r < 0)
			goto out;
	}
	c->mods[idx].state = MOD_DONE; /* c->mods may have moved */
	c->order[c->n_order++] = idx;
	r = modules_visit_softdeps(c, post);
out:
	kmod_module_unref_list(deps);
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	return r;
}

static int modules_omitted(const struct modules_req *req, const char *name)
{
	char a[MODULES_NAME_MAX], b[MODULES_NAME_MAX];

	modules_norm_name(name, a, sizeof(a));
	for (size_t i = 0; i < req->n_omit; i++) {
		modules_norm_name(req->omit[i], b, sizeof(b));
		if (!strcmp(a, b))
			return 1;
	}
	return 0;
}

static int modules_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int modules_included(const struct modules_ctx *c, const char *name)
{
	char norm[MODULES_NAME_MAX];
	const char *key = norm;

	modules_norm_name(name, norm, sizeof(norm));
	return bsearch(&key, c->sorted, c->n_order, sizeof(char *),
		       modules_cmp_str) != NULL;
}

/* The module name of a path in modules.dep/modules.order ("a/b/x-y.ko.xz"
 * -> "x_y"). */
static void modules_name_of_path(const char *path, size_t len, char *out,
				 size_t size)
{
	const char *base = path;
	size_t n;

	for (size_t i = 0; i < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	n = (size_t)(path + len - base);
	for (size_t i = 0; i + 3 <= n; i++)
		if (!memcmp(base + i, ".ko", 3) &&
		    (i + 3 == n || base[i + 3] == '.')) {
			n = i;
			break;
		}
	if (n >= size)
		n = size - 1;
	memcpy(out, base, n);
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (out[i] == '-')
			out[i] = '_';
}

/* How a line of an index text names its module. */
enum modules_key {
	KEY_PATH_COLON, /* modules.dep: "path: deps" */
	KEY_PATH,	/* modules.order: "path" */
	KEY_WORD3,	/* modules.alias, .symbols: "alias PATTERN NAME" */
	KEY_WORD2,	/* modules.softdep: "softdep NAME ..." */
	KEY_WORD1,	/* modules.devname: "NAME devname ..." */
};

static int modules_line_module(const char *line, size_t len, enum modules_key k,
			       char *out, size_t size)
{
	const char *w[3] = {0};
	size_t wl[3] = {0}, n = 0, i = 0;

	if (k == KEY_PATH_COLON || k == KEY_PATH) {
		const char *colon = memchr(line, ':', len);
		if (k == KEY_PATH_COLON && !colon)
			return -EINVAL;
		modules_name_of_path(line, colon ? (size_t)(colon - line) : len,
				     out, size);
		return 0;
	}
	while (i < len && n < 3) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		w[n] = line + i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		wl[n] = (size_t)(line + i - w[n]);
		n++;
	}
	size_t want = k == KEY_WORD3 ? 2 : k == KEY_WORD2 ? 1 : 0;
	if (n <= want || wl[want] >= size)
		return -EINVAL;
	memcpy(out, w[want], wl[want]);
	out[wl[want]] = '\0';
	for (char *p = out; *p; p++)
		if (*p == '-')
			*p = '_';
	return 0;
}

struct modules_index_file {
	const char *name;
	enum modules_key key;
	const char *bin; /* also write this binary index */
	int normalize;	 /* its keys are aliases (modules_alias_normalize) */
};

static const struct modules_index_file modules_index_files[] = {
    {"modules.dep", KEY_PATH_COLON, "modules.dep.bin", 0},
    {"modules.alias", KEY_WORD3, "modules.alias.bin", 1},
    {"modules.symbols", KEY_WORD3, "modules.symbols.bin", 0},
    {"modules.softdep", KEY_WORD2, NULL, 0},
    {"modules.devname", KEY_WORD1, NULL, 0},
    {"modules.order", KEY_PATH, NULL, 0},
};

/*
 * As depmod stores aliases and libkmod looks them up: '-' becomes '_',
 * except inside a [...] class. An unclosed or stray bracket: -EINVAL.
 */
static int modules_alias_normalize(char *s)
{
	for (; *s; s++) {
		if (*s == ']')
			return -EINVAL;
		if (*s == '-') {
			*s = '_';
		} else if (*s == '[') {
			while (*s && *s != ']')
				s++;
			if (!*s)
				return -EINVAL;
		}
	}
	return 0;
}

/* The index key and value of a kept line, as depmod writes them. */
static int modules_bin_item(const char *line, enum modules_key k, int normalize,
			    const char *modname, const char **keyp,
			    const char **valuep)
{
	char *k_ = NULL, *v_ = NULL;

	if (k == KEY_PATH_COLON) {
		k_ = strdup(modname);
		v_ = strdup(line);
	} else {
		/* "alias KEY NAME" */
		const char *a = line + strspn(line, " \t");
		a += strcspn(a, " \t");
		a += strspn(a, " \t");
		size_t klen = strcspn(a, " \t");
		for (size_t i = 0; i < klen; i++)
			if ((unsigned char)a[i] >= 128)
				return -EINVAL;
		k_ = strndup(a, klen);
		v_ = strdup(modname);
		if (k_ && normalize && modules_alias_normalize(k_) < 0) {
			free(k_);
			free(v_);
			return -EINVAL;
		}
	}
	if (!k_ || !v_) {
		free(k_);
		free(v_);
		return -ENOMEM;
	}
	*keyp = k_;
	*valuep = v_;
	return 0;
}

static int modules_add_index(struct modules_ctx *c, struct image_list *l,
			     const struct modules_index_file *f)
{
	char path[PATH_MAX], dest[PATH_MAX], modname[MODULES_NAME_MAX];
	struct modindex_item *items = NULL;
	char *text = NULL, *out = NULL, *bin = NULL, *line = NULL;
	size_t len, olen = 0, nitems = 0, binlen;
	int r;

	snprintf(path, sizeof(path), "%s/%s", c->req->dir, f->name);
	if ((r = file_read_all(path, MODULES_INDEX_MAX, &text, &len)) < 0) {
		if (r == -ENOENT) {
			log_debug("%s: absent", path);
			return 0;
		}
		return log_err_errno(r, "%s", path);
	}
	if (!(out = malloc(len + 1)) ||
	    (f->bin && !(items = calloc(len / 4 + 1, sizeof(*items))))) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *s = text + pos;

		pos += n + (nl ? 1 : 0);
		if (n == 0 || s[0] == '#' ||
		    modules_line_module(s, n, f->key, modname,
					sizeof(modname)) < 0 ||
		    !modules_included(c, modname))
			continue;
		memcpy(out + olen, s, n);
		olen += n;
		out[olen++] = '\n';
		if (!f->bin)
			continue;
		if (!(line = strndup(s, n))) {
			r = -ENOMEM;
			goto out;
		}
		r = modules_bin_item(line, f->key, f->normalize, modname,
				     &items[nitems].key, &items[nitems].value);
		free(line);
		line = NULL;
		if (r == -EINVAL)
			continue; /* a key libkmod's index cannot hold */
		if (r < 0)
			goto out;
		items[nitems].priority = (unsigned)nitems;
		nitems++;
	}
	snprintf(dest, sizeof(dest), "/lib/modules/%s/%s", c->req->kver,
		 f->name);
	if ((r = list_add_data(l, dest, out, olen, 0644)) < 0)
		goto out;
	if (f->bin) {
		if ((r = modindex_build(items, nitems, &bin, &binlen)) < 0) {
			log_err_errno(r, "%s: building the binary index",
				      f->bin);
			goto out;
		}
		snprintf(dest, sizeof(dest), "/lib/modules/%s/%s", c->req->kver,
			 f->bin);
		r = list_add_data(l, dest, bin, binlen, 0644);
	}
out:
	for (size_t i = 0; i < nitems; i++) {
		free((void *)(uintptr_t)items[i].key);
		free((void *)(uintptr_t)items[i].value);
	}
	free(items);
	free(bin);
	free(out);
	free(text);
	return r;
}

/* The builtin lists describe the kernel, not the module set: copied. */
static int modules_add_builtin(struct modules_ctx *c, struct image_list *l)
{
	static const char *const names[] = {
	    "modules.builtin", "modules.builtin.bin",
	    "modules.builtin.alias.bin", "modules.builtin.modinfo"};
	char src[PATH_MAX], dest[PATH_MAX];
	int r;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(src, sizeof(src), "%s/%s", c->req->dir, names[i]);
		if (access(src, R_OK) < 0)
			continue;
		snprintf(dest, sizeof(dest), "/lib/modules/%s/%s", c->req->kver,
			 names[i]);
		if ((r = list_add_file(l, dest, src, 0644)) < 0)
			return r;
	}
	return 0;
}

/* Firmware a module names, if the host has it (plain or compressed). */
static int modules_add_firmware(struct modules_ctx *c, struct image_list *l,
				const char *modname, const char *fw)
{
	static const char *const exts[] = {"", ".xz", ".zst"};
	char src[PATH_MAX], dest[PATH_MAX];
	struct stat st;

	if (strstr(fw, "..") || fw[0] == '/')
		return 0; /* never leave the firmware directory */
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		if (snprintf(src, sizeof(src), "%s/%s%s", c->req->fwdir, fw,
			     exts[i]) >= (int)sizeof(src))
			return 0;
		if (stat(src, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		snprintf(dest, sizeof(dest), "/lib/firmware/%s%s", fw, exts[i]);
		return list_add_file(l, dest, src, 0644);
	}
	log_debug("module %s: firmware %s not in %s", modname, fw,
		  c->req->fwdir);
	if (c->fw_missing++ == 0)
		snprintf(c->fw_first_missing, sizeof(c->fw_first_missing),
			 "%s (for %s)", fw, modname);
	return 0;
}

static int modules_add_files(struct modules_ctx *c, struct image_list *l)
{
	char dest[PATH_MAX], src[PATH_MAX];
	char *names = NULL;
	size_t nlen = 0;
	int r = 0;

	if (!(names = malloc(c->n_order * MODULES_NAME_MAX + 1)))
		return -ENOMEM;
	for (size_t i = 0; i < c->n_order; i++) {
		struct mod_info *mi = &c->mods[c->order[i]];
		struct kmod_module *m = NULL;
		struct kmod_list *info = NULL, *it;

		snprintf(src, sizeof(src), "%s/%s", c->req->dir, mi->relpath);
		snprintf(dest, sizeof(dest), "/lib/modules/%s/%s", c->req->kver,
			 mi->relpath);
		if ((r = list_add_file(l, dest, src, 0644)) < 0)
			goto out;
		if (i < c->n_load)
			nlen += (size_t)sprintf(names + nlen, "%s\n", mi->name);
		if ((r = kmod_module_new_from_path(c->kmod, src, &m)) < 0) {
			log_err_errno(r, "module %s", src);
			goto out;
		}
		r = kmod_module_get_info(m, &info);
		if (r < 0) {
			log_err_errno(r, "module %s: reading its modinfo", src);
			kmod_module_unref(m);
			goto out;
		}
		r = 0;
		kmod_list_foreach(it, info)
		{
			if (strcmp(kmod_module_info_get_key(it), "firmware"))
				continue;
			if ((r = modules_add_firmware(
				 c, l, mi->name,
				 kmod_module_info_get_value(it))) < 0)
				break;
		}
		kmod_module_info_free_list(info);
		kmod_module_unref(m);
		if (r < 0)
			goto out;
	}
	r = list_add_data(l, "/etc/sesame/modules", names, nlen, 0644);
out:
	free(names);
	return r;
}

static int modules_request(struct modules_ctx *c, const char *name,
			   int explicit)
{
	unsigned found = 0;
	int r;

	if (modules_omitted(c->req, name)) {
		log_debug("module %s: omitted", name);
		return 0;
	}
	if ((r = modules_visit_lookup(c, name, &found)) < 0)
		return r;
	if (found)
		return 0;
	if (explicit) {
		log_err("module %s: not found in %s", name, c->req->dir);
		return -ENOENT;
	}
	log_debug("module %s: not in this kernel, skipped", name);
	return 0;
}

int modules_add(struct image_list *l, const struct modules_req *req)
{
	static const char *const no_config[] = {NULL};
	struct modules_ctx c = {.req = req};
	char dep[PATH_MAX];
	int r;

	c.dirlen = strlen(req->dir);
	snprintf(dep, sizeof(dep), "%s/modules.dep", req->dir);
	if (access(dep, R_OK) < 0) {
		r = -errno;
		log_err_errno(r,
			      "module directory %s unreadable (%s); give "
			      "--kver/--moddir, or --no-modules",
			      req->dir, dep);
		return r;
	}
	/* No modprobe.d: the image's modules must not depend on the host's
	 * configuration; modules.softdep still comes from the tree. */
	if (!(c.kmod = kmod_new(req->dir, no_config)))
		return log_err_errno(-ENOMEM, "libkmod for %s", req->dir);
	kmod_set_log_priority(c.kmod, 0);
	for (size_t i = 0; i < req->n_names + req->n_generic; i++) {
		const char *name = i < req->n_names
				       ? req->names[i]
				       : req->generic[i - req->n_names];
		if ((r = modules_request(&c, name, i < req->n_names)) < 0)
			goto out;
	}
	/* The load order is append-only: what avail adds comes after. */
	c.n_load = c.n_order;
	for (size_t i = 0; i < req->n_avail; i++)
		if ((r = modules_request(&c, req->avail[i], 0)) < 0)
			goto out;
	if (!(c.sorted = calloc(c.n_order + 1, sizeof(char *)))) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < c.n_order; i++)
		c.sorted[i] = c.mods[c.order[i]].name;
	qsort(c.sorted, c.n_order, sizeof(char *), modules_cmp_str);
	if ((r = modules_add_files(&c, l)) < 0)
		goto out;
	for (size_t i = 0;
	     i < sizeof(modules_index_files) / sizeof(modules_index_files[0]);
	     i++)
		if ((r = modules_add_index(&c, l, &modules_index_files[i])) < 0)
			goto out;
	if ((r = modules_add_builtin(&c, l)) < 0)
		goto out;
	if (c.fw_missing)
		log_warn("%u firmware file%s named by modules not in %s, "
			 "e.g. %s; those devices may not work",
			 c.fw_missing, c.fw_missing == 1 ? "" : "s", req->fwdir,
			 c.fw_first_missing);
	log_debug("%zu modules for %s", c.n_order, req->kver);
out:
	for (size_t i = 0; i < c.n; i++)
		free(c.mods[i].relpath);
	free(c.mods);
	free(c.order);
	free(c.sorted);
	kmod_unref(c.kmod);
	return r;
}
