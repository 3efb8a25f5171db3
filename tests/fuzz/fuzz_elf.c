/* fuzz_elf: the ELF reader over arbitrary bytes (binaries come from anywhere).
 */
#include <stddef.h>
#include <stdint.h>

#include "image/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info info;

	if (elf_parse(data, size, &info) == 0)
		elf_info_clear(&info);
	return 0;
}
