/* gen_crafted: writes the crafted ELF seeds of the fuzz_elf corpus (see
 * make-corpus.sh). */
#include <stdio.h>

#include "../../test_image_elf_builder.c"

static int write_file(const char *dir, const char *name, const void *buf,
		      size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct tb_spec s = {
	    .machine = EM_X86_64,
	    .interp = "/lib64/ld-linux-x86-64.so.2",
	    .needed = {"libfoo.so.1", "libc.so.6"},
	    .soname = "libapp.so.1",
	    .rpath = "/r",
	    .runpath = "$ORIGIN/../lib:${LIB}",
	    .flags_1 = DF_1_NODEFLIB,
	};
	struct tb_elf e;
	char name[64];

	if (argc != 2)
		return 2;
	for (int is64 = 0; is64 < 2; is64++) {
		for (int msb = 0; msb < 2; msb++) {
			s.is64 = is64;
			s.msb = msb;
			s.machine = is64 ? EM_X86_64 : EM_386;
			tb_build(&s, &e);
			snprintf(name, sizeof(name), "crafted-%d-%s",
				 is64 ? 64 : 32, msb ? "be" : "le");
			if (write_file(argv[1], name, e.buf, e.len) < 0)
				return 1;
			/* the same cut inside its dynamic array */
			snprintf(name, sizeof(name), "crafted-%d-%s-cut",
				 is64 ? 64 : 32, msb ? "be" : "le");
			if (write_file(argv[1], name, e.buf, e.len - 5) < 0)
				return 1;
			tb_free(&e);
		}
	}
	return 0;
}
