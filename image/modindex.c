/* modindex: writes kmod's binary index format (the trie of modules.*.bin). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/modules.h"

/* The on-disk constants of libkmod-index.c (format version 2.1, big
 * endian): a header (magic, version, root) and nodes addressed by offset,
 * the offset's top bits saying which parts the node has. */
#define MODINDEX_MAGIC 0xB007F457u
#define MODINDEX_VERSION 0x00020001u
#define MODINDEX_PREFIX 0x80000000u
#define MODINDEX_VALUES 0x40000000u
#define MODINDEX_CHILDS 0x20000000u
#define MODINDEX_MASK 0x0FFFFFFFu
#define MODINDEX_CHILDMAX 128

struct modindex_buf {
	char *p;
	size_t len, cap;
};

static int modindex_put(struct modindex_buf *b, const void *data, size_t n)
{
	if (b->cap - b->len < n) {
		size_t ncap = b->cap ? b->cap : 4096;
		char *np;
		while (ncap - b->len < n)
			ncap *= 2;
		if (!(np = realloc(b->p, ncap)))
			return -ENOMEM;
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return 0;
}

static int modindex_put32(struct modindex_buf *b, uint32_t v)
{
	unsigned char be[4] = {(unsigned char)(v >> 24),
			       (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v};
	return modindex_put(b, be, 4);
}

static int modindex_item_cmp(const void *pa, const void *pb)
{
	const struct modindex_item *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (c)
		return c;
	return a->priority < b->priority ? -1 : a->priority > b->priority;
}

/*
 * Writes the node for items [lo, hi), which share their first depth key
 * bytes, after its children; *offp gets its offset with flags.
 */
static int modindex_write_node(struct modindex_buf *b,
			       const struct modindex_item *it, size_t lo,
			       size_t hi, size_t depth, uint32_t *offp)
{
	uint32_t child[MODINDEX_CHILDMAX] = {0};
	size_t end = depth, nvals = 0, i;
	unsigned first = MODINDEX_CHILDMAX, last = 0;
	uint32_t flags = 0, off;
	int r;

	/* The prefix: bytes every key has, up to the first key that ends. */
	for (;;) {
		char c = it[lo].key[end];
		int same = c != '\0';
		for (i = lo + 1; same && i < hi; i++)
			same = it[i].key[end] == c;
		if (!same)
			break;
		end++;
	}
	/* Keys ending here sort first. */
	while (lo + nvals < hi && it[lo + nvals].key[end] == '\0')
		nvals++;
	for (i = lo + nvals; i < hi;) {
		unsigned char c = (unsigned char)it[i].key[end];
		size_t j = i;
		if (c >= MODINDEX_CHILDMAX)
			return -EINVAL;
		while (j < hi && (unsigned char)it[j].key[end] == c)
			j++;
		if ((r = modindex_write_node(b, it, i, j, end + 1, &child[c])) <
		    0)
			return r;
		if (c < first)
			first = c;
		last = c;
		i = j;
	}
	if (b->len > MODINDEX_MASK)
		return -EFBIG;
	off = (uint32_t)b->len;
	if (end > depth) {
		flags |= MODINDEX_PREFIX;
		if ((r = modindex_put(b, it[lo].key + depth, end - depth)) <
			0 ||
		    (r = modindex_put(b, "", 1)) < 0)
			return r;
	}
	if (first < MODINDEX_CHILDMAX) {
		unsigned char fl[2] = {(unsigned char)first,
				       (unsigned char)last};
		flags |= MODINDEX_CHILDS;
		if ((r = modindex_put(b, fl, 2)) < 0)
			return r;
		for (unsigned c = first; c <= last; c++)
			if ((r = modindex_put32(b, child[c])) < 0)
				return r;
	}
	if (nvals) {
		flags |= MODINDEX_VALUES;
		if ((r = modindex_put32(b, (uint32_t)nvals)) < 0)
			return r;
		for (i = lo; i < lo + nvals; i++)
			if ((r = modindex_put32(b, it[i].priority)) < 0 ||
			    (r = modindex_put(b, it[i].value,
					      strlen(it[i].value) + 1)) < 0)
				return r;
	}
	*offp = off | flags;
	return 0;
}

int modindex_build(const struct modindex_item *items, size_t n, char **bufp,
		   size_t *lenp)
{
	struct modindex_buf b = {0};
	struct modindex_item *it = NULL;
	uint32_t root = 0;
	int r;

	/* libkmod's nodes have 128 children: keys are 7-bit ASCII. */
	for (size_t i = 0; i < n; i++)
		for (const char *k = items[i].key; *k; k++)
			if ((unsigned char)*k >= MODINDEX_CHILDMAX)
				return -EINVAL;
	if (n && !(it = malloc(n * sizeof(*it))))
		return -ENOMEM;
	if (n) {
		memcpy(it, items, n * sizeof(*it));
		qsort(it, n, sizeof(*it), modindex_item_cmp);
	}
	if ((r = modindex_put32(&b, MODINDEX_MAGIC)) < 0 ||
	    (r = modindex_put32(&b, MODINDEX_VERSION)) < 0 ||
	    (r = modindex_put32(&b, 0)) < 0)
		goto out;
	if (n) {
		if ((r = modindex_write_node(&b, it, 0, n, 0, &root)) < 0)
			goto out;
	} else {
		/* An empty root: no prefix, children or values. */
		root = (uint32_t)b.len;
		if ((r = modindex_put(&b, "", 0)) < 0)
			goto out;
	}
	b.p[8] = (char)(root >> 24);
	b.p[9] = (char)(root >> 16);
	b.p[10] = (char)(root >> 8);
	b.p[11] = (char)root;
	*bufp = b.p;
	*lenp = b.len;
	b.p = NULL;
out:
	free(b.p);
	free(it);
	return r;
}
