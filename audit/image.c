/* image: the entries an image unpacks to, from an image file or a build list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "common/fileio.h"
#include "common/log.h"
#include "image/imgread.h"
#include "image/list.h"

/* Files over this size are not read back for the checks (none needs them). */
#define AUDIT_FILE_MAX (256u << 20)

void audit_image_init(struct audit_image *img)
{
	memset(img, 0, sizeof(*img));
}

void audit_image_free(struct audit_image *img)
{
	if (!img)
		return;
	for (size_t i = 0; i < img->n; i++) {
		free(img->v[i].name);
		free(img->v[i].data);
	}
	free(img->v);
	memset(img, 0, sizeof(*img));
}

static struct audit_entry *image_find(struct audit_image *img, const char *name,
				      size_t namelen)
{
	for (size_t i = img->n; i-- > 0;)
		if (!strncmp(img->v[i].name, name, namelen) &&
		    img->v[i].name[namelen] == '\0')
			return &img->v[i];
	return NULL;
}

int audit_image_put(struct audit_image *img, const char *name, size_t namelen,
		    uint32_t mode, uint32_t uid, uint32_t gid, const void *data,
		    size_t len)
{
	struct audit_entry *e;
	char *n = NULL;
	uint8_t *d = NULL;

	/* Archives name members "x", "./x" or "/x": keep them as "/x". */
	while (namelen &&
	       (name[0] == '/' ||
		(name[0] == '.' && (namelen == 1 || name[1] == '/')))) {
		name++;
		namelen--;
	}
	while (namelen && name[namelen - 1] == '/')
		namelen--;
	if (!namelen)
		return 0; /* the root itself */
	if (!(n = malloc(namelen + 2)))
		return -ENOMEM;
	n[0] = '/';
	memcpy(n + 1, name, namelen);
	n[namelen + 1] = '\0';
	if (len && !(d = malloc(len))) {
		free(n);
		return -ENOMEM;
	}
	if (len)
		memcpy(d, data, len);
	e = image_find(img, n, namelen + 1);
	if (!e) {
		if (img->n == img->cap) {
			size_t cap = img->cap ? img->cap * 2 : 256;
			void *v = realloc(img->v, cap * sizeof(*img->v));
			if (!v) {
				free(n);
				free(d);
				return -ENOMEM;
			}
			img->v = v;
			img->cap = cap;
		}
		e = &img->v[img->n++];
		memset(e, 0, sizeof(*e));
	} else {
		free(e->name);
		free(e->data);
	}
	e->name = n;
	e->mode = mode;
	e->uid = uid;
	e->gid = gid;
	e->data = d;
	e->len = len;
	return 0;
}

const struct audit_entry *audit_image_get(struct audit_image *img,
					  const char *name)
{
	return image_find(img, name, strlen(name));
}

static int image_visit(const struct newc_entry *e, void *arg)
{
	return audit_image_put(arg, e->name, e->namelen, e->mode, e->uid,
			       e->gid, e->data, e->filesize);
}

int audit_image_from_bytes(struct audit_image *img, const uint8_t *p,
			   size_t len, const char *origin)
{
	struct imgread_ops ops = {.entry = image_visit};

	return imgread_walk(p, len, origin, &ops, img);
}

static uint32_t list_type_mode(const struct list_entry *e)
{
	switch (e->type) {
	case LIST_FILE:
		return S_IFREG;
	case LIST_DIR:
		return S_IFDIR;
	case LIST_NOD:
		return e->dev_type == 'b' ? S_IFBLK : S_IFCHR;
	case LIST_SLINK:
		return S_IFLNK;
	case LIST_PIPE:
		return S_IFIFO;
	case LIST_SOCK:
		return S_IFSOCK;
	}
	return 0;
}

int audit_image_from_list(struct audit_image *img, const struct image_list *l)
{
	int r = 0;

	for (size_t i = 0; i < l->n && r == 0; i++) {
		const struct list_entry *e = &l->v[i];
		uint32_t mode = list_type_mode(e) | (e->mode & 07777);
		char *buf = NULL;
		size_t len = 0;

		if (e->type == LIST_FILE && e->data) {
			r = audit_image_put(img, e->name, strlen(e->name), mode,
					    e->uid, e->gid, e->data,
					    e->data_len);
			continue;
		}
		if (e->type == LIST_FILE && e->location) {
			r = file_read_all(e->location, AUDIT_FILE_MAX, &buf,
					  &len);
			if (r < 0) {
				log_err_errno(r, "audit: %s", e->location);
				break;
			}
		} else if (e->type == LIST_SLINK && e->location) {
			buf = strdup(e->location);
			if (!buf) {
				r = -ENOMEM;
				break;
			}
			len = strlen(buf);
		}
		r = audit_image_put(img, e->name, strlen(e->name), mode, e->uid,
				    e->gid, buf, len);
		free(buf);
	}
	return r;
}
