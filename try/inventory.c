/* inventory: reads an image's entries for `sesame try`; bounded, any bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/log.h"
#include "image/imgread.h"
#include "try/inventory.h"

#define INVENTORY_IMAGE_MAX (4ull << 30)
#define INVENTORY_TEXT_MAX (256u << 10)
#define INVENTORY_NAMES_MAX 100000

/* NICs QEMU emulates, in the order a try prefers them, with the Linux
 * driver module each needs. */
static const struct {
	const char *model;
	const char *driver;
} nic_models[] = {
    {"virtio-net-pci", "virtio_net"},
    {"e1000e", "e1000e"},
    {"e1000", "e1000"},
    {"rtl8139", "8139cp"},
    {"rtl8139", "8139too"},
    {"vmxnet3", "vmxnet3"},
    {"pcnet", "pcnet32"},
    {"ne2k_pci", "ne2k_pci"},
};

static int push_name(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv;
	char *copy;

	if (*n >= INVENTORY_NAMES_MAX)
		return -E2BIG;
	if (!(copy = strndup(s, len)))
		return -ENOMEM;
	if (!(nv = realloc(*v, (*n + 1) * sizeof(**v)))) {
		free(copy);
		return -ENOMEM;
	}
	nv[(*n)++] = copy;
	*v = nv;
	return 0;
}

static bool has_suffix(const char *s, size_t len, const char *suf, size_t *cut)
{
	size_t n = strlen(suf);

	if (len < n || memcmp(s + len - n, suf, n))
		return false;
	*cut = len - n;
	return true;
}

static int copy_text(char **dst, const char *data, size_t size)
{
	if (size > INVENTORY_TEXT_MAX)
		return -EFBIG;
	free(*dst);
	if (!(*dst = strndup(data, size)))
		return -ENOMEM;
	return 0;
}

int try_inventory_add(struct try_inventory *inv, const char *name,
		      size_t namelen, const char *data, size_t size)
{
	static const char *const ko[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};
	static const char mods[] = "lib/modules/";
	static const char fw[] = "lib/firmware/";
	size_t cut;

	if (namelen > sizeof(mods) - 1 &&
	    !memcmp(name, mods, sizeof(mods) - 1)) {
		const char *k = name + sizeof(mods) - 1;
		const char *slash =
		    memchr(k, '/', namelen - (size_t)(k - name));
		const char *base;
		if (!inv->kver[0] && slash &&
		    (size_t)(slash - k) < sizeof(inv->kver))
			memcpy(inv->kver, k, (size_t)(slash - k));
		base = (const char *)memrchr(name, '/', namelen) + 1;
		for (size_t i = 0; i < sizeof(ko) / sizeof(ko[0]); i++) {
			size_t blen = namelen - (size_t)(base - name);
			if (!has_suffix(base, blen, ko[i], &cut) || cut == 0)
				continue;
			int r =
			    push_name(&inv->modules, &inv->nmodules, base, cut);
			if (r < 0)
				return r;
			for (char *p = inv->modules[inv->nmodules - 1]; *p; p++)
				if (*p == '-')
					*p = '_';
			return 0;
		}
		return 0;
	}
	if (namelen > sizeof(fw) - 1 && !memcmp(name, fw, sizeof(fw) - 1))
		return push_name(&inv->firmware, &inv->nfirmware,
				 name + sizeof(fw) - 1,
				 namelen - (sizeof(fw) - 1));
	if (namelen == strlen("etc/sesame/host_keys.pub") &&
	    !memcmp(name, "etc/sesame/host_keys.pub", namelen))
		return copy_text(&inv->host_keys, data, size);
	if (namelen == strlen("root/.ssh/authorized_keys") &&
	    !memcmp(name, "root/.ssh/authorized_keys", namelen))
		return copy_text(&inv->auth_keys, data, size);
	if (namelen == strlen("etc/sesame/boot.conf") &&
	    !memcmp(name, "etc/sesame/boot.conf", namelen))
		return copy_text(&inv->boot_conf, data, size);
	if (namelen == strlen("usr/sbin/dropbear") &&
	    !memcmp(name, "usr/sbin/dropbear", namelen))
		inv->has_dropbear = true;
	return 0;
}

static int inventory_entry(const struct newc_entry *e, void *arg)
{
	const char *name = e->name;
	size_t namelen = e->namelen;

	while (namelen && (name[0] == '/' ||
			   (name[0] == '.' && namelen > 1 && name[1] == '/'))) {
		name++;
		namelen--;
	}
	if ((e->mode & 0170000) != 0100000 && (e->mode & 0170000) != 0120000)
		return 0; /* files and links only */
	return try_inventory_add(arg, name, namelen, (const char *)e->data,
				 e->filesize);
}

int try_inventory_read(const char *path, struct try_inventory *inv)
{
	struct imgread_ops ops = {.entry = inventory_entry};
	char *buf = NULL;
	size_t len;
	int r;

	memset(inv, 0, sizeof(*inv));
	if ((r = file_read_all(path, INVENTORY_IMAGE_MAX, &buf, &len)) < 0)
		return log_err_errno(r, "%s", path);
	r = imgread_walk((const uint8_t *)buf, len, path, &ops, inv);
	free(buf);
	if (r < 0) {
		try_inventory_free(inv);
		return log_err_errno(r, "%s: reading the image", path);
	}
	return 0;
}

void try_inventory_free(struct try_inventory *inv)
{
	if (!inv)
		return;
	for (size_t i = 0; i < inv->nmodules; i++)
		free(inv->modules[i]);
	for (size_t i = 0; i < inv->nfirmware; i++)
		free(inv->firmware[i]);
	free(inv->modules);
	free(inv->firmware);
	free(inv->host_keys);
	free(inv->auth_keys);
	free(inv->boot_conf);
	memset(inv, 0, sizeof(*inv));
}

bool try_inventory_has_module(const struct try_inventory *inv, const char *name)
{
	char want[128];
	size_t n = strlen(name);

	if (n >= sizeof(want))
		return false;
	for (size_t i = 0; i <= n; i++)
		want[i] = name[i] == '-' ? '_' : name[i];
	for (size_t i = 0; i < inv->nmodules; i++)
		if (!strcmp(inv->modules[i], want))
			return true;
	return false;
}

bool try_inventory_has_firmware(const struct try_inventory *inv, const char *fw)
{
	static const char *const ext[] = {"", ".xz", ".zst"};
	size_t n = strlen(fw);

	for (size_t i = 0; i < inv->nfirmware; i++)
		for (size_t j = 0; j < sizeof(ext) / sizeof(ext[0]); j++)
			if (!strncmp(inv->firmware[i], fw, n) &&
			    !strcmp(inv->firmware[i] + n, ext[j]))
				return true;
	return false;
}

size_t try_inventory_rescue_keys(const struct try_inventory *inv)
{
	const char *p = inv->auth_keys;
	size_t n = 0;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		bool blank = true;
		for (size_t i = 0; i < len; i++)
			if (p[i] != ' ' && p[i] != '\t')
				blank = false;
		if (!blank && p[0] != '#' &&
		    !memmem(p, len, "command=\"/bin/unlock\"", 21))
			n++;
		p = nl ? nl + 1 : p + len;
	}
	return n;
}

const char *try_nic_model(const struct try_inventory *inv, const char **driverp)
{
	for (size_t i = 0; i < sizeof(nic_models) / sizeof(nic_models[0]); i++)
		if (try_inventory_has_module(inv, nic_models[i].driver)) {
			*driverp = nic_models[i].driver;
			return nic_models[i].model;
		}
	*driverp = NULL;
	return nic_models[0].model;
}

const char *try_nic_drivers(void)
{
	return "virtio_net, e1000e, e1000, 8139cp, 8139too, vmxnet3, "
	       "pcnet32, ne2k_pci";
}
