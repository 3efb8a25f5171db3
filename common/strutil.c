/* strutil: checked number parsing and bounded copies. */
#include "strutil.h"

#include <errno.h>
#include <string.h>

int strn_to_u64(const char *s, size_t len, int base, uint64_t max,
		uint64_t *v)
{
	uint64_t acc = 0;
	size_t i = 0;

	if (len == 0)
		return -EINVAL;
	if (base == 0) {
		base = 10;
		if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			i = 2;
		} else if (len > 1 && s[0] == '0') {
			base = 8;
			i = 1;
		}
	}
	for (; i < len; i++) {
		unsigned d;
		char ch = s[i];
		if (ch >= '0' && ch <= '9')
			d = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'z')
			d = (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'Z')
			d = (unsigned)(ch - 'A' + 10);
		else
			return -EINVAL;
		if (d >= (unsigned)base)
			return -EINVAL;
		if (__builtin_mul_overflow(acc, (uint64_t)base, &acc) ||
		    __builtin_add_overflow(acc, (uint64_t)d, &acc))
			return -ERANGE;
	}
	if (acc > max)
		return -ERANGE;
	*v = acc;
	return 0;
}

int str_to_u64(const char *s, int base, uint64_t max, uint64_t *v)
{
	return strn_to_u64(s, strlen(s), base, max, v);
}

bool str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int strn_copy(char *dst, size_t n, const char *src, size_t len)
{
	if (len >= n)
		return -ENAMETOOLONG;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

int str_copy(char *dst, size_t n, const char *src)
{
	return strn_copy(dst, n, src, strlen(src));
}

void mem_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}
