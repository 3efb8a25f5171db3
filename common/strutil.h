/* strutil: small string helpers shared by the parsers (checked numbers, tokens). */
#ifndef SESAME_STRUTIL_H
#define SESAME_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parses all of s as an unsigned number in base (0 = C prefixes) no larger
 * than max. Leading whitespace, signs and trailing junk are errors
 * (-EINVAL); too large is -ERANGE. *v is written only on success.
 */
int str_to_u64(const char *s, int base, uint64_t max, uint64_t *v);
/* As str_to_u64, for exactly the bytes [s, s+len). */
int strn_to_u64(const char *s, size_t len, int base, uint64_t max,
		uint64_t *v);
/* True when s starts with prefix. */
bool str_startswith(const char *s, const char *prefix);
/* Copies src into dst of size n; -ENAMETOOLONG (dst untouched) if it won't fit. */
int str_copy(char *dst, size_t n, const char *src);
/* As str_copy, for len bytes of src (which need not be terminated). */
int strn_copy(char *dst, size_t n, const char *src, size_t len);
/* Wipes a buffer in a way the compiler may not elide. */
void mem_wipe(void *p, size_t n);

#endif
