/* fuzz_elf: the ELF reader over arbitrary bytes (binaries come from anywhere).
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "image/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a successful parse promises its callers. */
static void fuzz_check_string(const char *s)
{
	if (s && (s[0] == '\0' || strlen(s) > ELF_STRING_MAX))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info info;

	if (elf_parse(data, size, &info) < 0)
		return 0;
	if (info.elf_class != ELFCLASS32 && info.elf_class != ELFCLASS64)
		__builtin_trap();
	if (info.n_needed > ELF_NEEDED_MAX || (info.n_needed && !info.needed))
		__builtin_trap();
	for (size_t i = 0; i < info.n_needed; i++) {
		if (!info.needed[i])
			__builtin_trap();
		fuzz_check_string(info.needed[i]);
	}
	fuzz_check_string(info.interp);
	fuzz_check_string(info.soname);
	fuzz_check_string(info.rpath);
	fuzz_check_string(info.runpath);
	elf_info_clear(&info);
	return 0;
}
