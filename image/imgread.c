/* imgread: splits an image into segments; libarchive decompresses. */
#include "image/imgread.h"

#include <archive.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

#define IMGREAD_MAX_RAW (1ull << 30)

static size_t imgread_skip_zeros(const uint8_t *p, size_t len, size_t pos)
{
	while (pos < len && p[pos] == 0)
		pos++;
	return pos;
}

/* Decompresses [p, p+len) into a malloc'd buffer; *filter names the codec. */
static int imgread_inflate(const uint8_t *p, size_t len, const char *origin,
			   size_t base, uint8_t **outp, size_t *outlen,
			   char *filter, size_t filter_size)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	uint8_t *out = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	if (!a)
		return -ENOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, p, len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ae) != ARCHIVE_OK) {
		const char *why = archive_error_string(a);
		if (archive_filter_count(a) > 1 &&
		    archive_filter_code(a, 0) != ARCHIVE_FILTER_NONE)
			log_err("%s: offset %zu: %s stream is corrupt or "
				"truncated (%s)",
				origin, base, archive_filter_name(a, 0),
				why ? why : "read error");
		else
			log_err("%s: offset %zu: not a cpio archive or a "
				"compressed stream (%s)",
				origin, base, why ? why : "unknown format");
		r = -EBADMSG;
		goto out;
	}
	if (archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE) {
		log_err("%s: offset %zu: not a cpio archive or a compressed "
			"stream",
			origin, base);
		r = -EBADMSG;
		goto out;
	}
	snprintf(filter, filter_size, "%s",
		 archive_filter_name(a, 0) ? archive_filter_name(a, 0) : "?");
	for (;;) {
		ssize_t got;
		if (cap - n < 65536) {
			size_t ncap = cap ? cap * 2 : 1u << 20;
			uint8_t *nb;
			if (ncap > IMGREAD_MAX_RAW) {
				log_err("%s: offset %zu: decompresses to more "
					"than 1 GiB",
					origin, base);
				r = -EFBIG;
				goto out;
			}
			if (!(nb = realloc(out, ncap))) {
				r = -ENOMEM;
				goto out;
			}
			out = nb;
			cap = ncap;
		}
		got = archive_read_data(a, out + n, cap - n);
		if (got < 0) {
			log_err("%s: offset %zu: %s stream is corrupt or "
				"truncated (%s)",
				origin, base, filter,
				archive_error_string(a)
				    ? archive_error_string(a)
				    : "read error");
			r = -EBADMSG;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	*outp = out;
	*outlen = n;
	out = NULL;
out:
	free(out);
	archive_read_free(a);
	return r;
}

/*
 * Walks the newc archives in [p, p+len): each after optional zero padding.
 * base is the offset reported in errors (the segment's, for compressed
 * data, where offsets inside are of the decompressed bytes).
 */
static int imgread_walk_archives(const uint8_t *p, size_t len, size_t base,
				 int compressed, const char *origin,
				 const struct imgread_ops *ops, void *arg,
				 size_t *endp)
{
	size_t pos = 0, used, bad;
	int r, any = 0;

	for (;;) {
		pos = imgread_skip_zeros(p, len, pos);
		if (pos == len || !newc_is_magic(p + pos, len - pos))
			break;
		r = newc_walk(p + pos, len - pos, ops->entry, arg, &used, &bad);
		if (r == -EBADMSG) {
			if (compressed)
				log_err("%s: segment at offset %zu: corrupt or "
					"truncated cpio header at offset %zu "
					"of its decompressed data",
					origin, base, pos + bad);
			else
				log_err("%s: offset %zu: corrupt or truncated "
					"cpio header",
					origin, base + pos + bad);
			return r;
		}
		if (r < 0)
			return r;
		pos += used;
		any = 1;
		if (!compressed)
			break; /* the caller looks at what follows */
	}
	if (compressed && pos != len) {
		log_err("%s: segment at offset %zu: decompressed data at %zu "
			"is not a cpio archive",
			origin, base, pos);
		return -EBADMSG;
	}
	if (!any) {
		log_err("%s: segment at offset %zu holds no cpio archive",
			origin, base);
		return -EBADMSG;
	}
	*endp = pos;
	return 0;
}

int imgread_walk(const uint8_t *p, size_t len, const char *origin,
		 const struct imgread_ops *ops, void *arg)
{
	struct imgread_segment seg = {0};
	size_t pos = 0, used;
	char filter[32];
	int r;

	if (len == 0) {
		log_err("%s: empty image", origin);
		return -EBADMSG;
	}
	for (;;) {
		uint8_t *raw = NULL;
		size_t rawlen = 0;

		pos = imgread_skip_zeros(p, len, pos);
		if (pos == len)
			break;
		seg.index++;
		seg.offset = pos;
		if (newc_is_magic(p + pos, len - pos)) {
			seg.filter = "none";
			if (ops->segment && (r = ops->segment(&seg, arg)) < 0)
				return r;
			r = imgread_walk_archives(p + pos, len - pos, pos, 0,
						  origin, ops, arg, &used);
			if (r < 0)
				return r;
			pos += used;
			continue;
		}
		r = imgread_inflate(p + pos, len - pos, origin, pos, &raw,
				    &rawlen, filter, sizeof(filter));
		seg.filter = filter;
		if (r < 0)
			return r;
		if (ops->segment && (r = ops->segment(&seg, arg)) < 0) {
			free(raw);
			return r;
		}
		r = imgread_walk_archives(raw, rawlen, pos, 1, origin, ops, arg,
					  &used);
		free(raw);
		return r;
	}
	if (seg.index == 0) {
		log_err("%s: only zero bytes", origin);
		return -EBADMSG;
	}
	return 0;
}
