/* elf: reads what the dynamic loader needs from an ELF file (interp, needed,
 * paths). */
#ifndef SESAME_IMAGE_ELF_H
#define SESAME_IMAGE_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest string (interp, name, path list) accepted, without its NUL. */
#define ELF_STRING_MAX 4095
/* Most DT_NEEDED entries accepted in one object. */
#define ELF_NEEDED_MAX 4096

/*
 * What elf_parse() found. Every string is a malloc'd, NUL-terminated copy
 * (the input buffer may go away); NULL when the file has no such entry.
 * Only program headers are read, as the kernel and ld.so do: section
 * headers are ignored.
 */
struct elf_info {
	uint8_t elf_class; /* ELFCLASS32 or ELFCLASS64 */
	uint8_t data;	   /* ELFDATA2LSB or ELFDATA2MSB */
	uint16_t type;	   /* e_type: ET_EXEC or ET_DYN */
	uint16_t machine;  /* e_machine, e.g. EM_X86_64 */
	bool has_dynamic;  /* a PT_DYNAMIC segment exists */
	uint64_t flags_1;  /* DT_FLAGS_1 (DF_1_NODEFLIB matters here) */
	char *interp;	   /* PT_INTERP */
	char *soname;	   /* DT_SONAME */
	char *rpath;	   /* DT_RPATH as written (':'-separated) */
	char *runpath;	   /* DT_RUNPATH as written (':'-separated) */
	char **needed;	   /* DT_NEEDED, in file order */
	size_t n_needed;
};

/*
 * Parses an ELF executable or shared object held in buf[0, len). Both
 * classes and both byte orders are read. Returns 0 and fills *out (release
 * it with elf_info_clear()), -ENOEXEC when buf is not ELF or not an
 * executable/shared object (ET_EXEC, ET_DYN), -EBADMSG when it is
 * malformed (any range outside the buffer, an overflowing offset, a string
 * table address no PT_LOAD segment maps, an unterminated string), or
 * -ENOMEM. *out is untouched on failure. Never trusts a count or offset
 * from the file: every range is checked with overflow-checked adds.
 */
int elf_parse(const void *buf, size_t len, struct elf_info *out);

/*
 * Maps path (relative to dirfd when not absolute, as openat) read-only and
 * parses it as elf_parse() does. Also -errno from open/fstat/mmap, and
 * -ENOEXEC for something that is not a regular file or is empty.
 */
int elf_parse_file(int dirfd, const char *path, struct elf_info *out);

/* Frees what *info holds and zeroes it; NULL and zeroed structs are fine. */
void elf_info_clear(struct elf_info *info);

#endif
