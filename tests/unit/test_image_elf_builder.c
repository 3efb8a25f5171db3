/* test_image_elf_builder: writes small ELF files field by field, for the ELF
 * tests. */
/*
 * Included by the ELF and libdeps tests (not compiled on its own). The
 * file it builds is laid out as:
 *   ELF header | program headers (PT_LOAD, [PT_INTERP], PT_DYNAMIC) |
 *   interp string | string table | dynamic array
 * with one PT_LOAD mapping the whole file at TB_BASE, so a test can break
 * any single field and know what the parser must say.
 */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TB_BASE 0x400000u
#define TB_MAX_NEEDED 16

struct tb_spec {
	int is64, msb;
	uint16_t machine, type;
	const char *interp;
	const char *needed[TB_MAX_NEEDED];
	const char *soname, *rpath, *runpath;
	uint64_t flags_1;
	int no_dynamic; /* a static binary: no PT_DYNAMIC */
};

/* The built file and where its parts are, for tests that break them. */
struct tb_elf {
	uint8_t *buf;
	size_t len;
	int is64, msb;
	size_t phoff, phentsize, phnum;
	size_t ph_load, ph_interp, ph_dynamic; /* indexes; SIZE_MAX absent */
	size_t interp_off, strtab_off, strtab_len, dyn_off, dyn_len;
	size_t dynent; /* size of one dynamic entry */
};

static void tb_put(const struct tb_elf *e, size_t off, size_t width, uint64_t v)
{
	for (size_t i = 0; i < width; i++) {
		size_t shift = e->msb ? (width - 1 - i) * 8 : i * 8;
		e->buf[off + i] = (uint8_t)(v >> shift);
	}
}

static __attribute__((unused)) uint64_t tb_get(const struct tb_elf *e,
					       size_t off, size_t width)
{
	uint64_t v = 0;

	for (size_t i = 0; i < width; i++) {
		size_t shift = e->msb ? (width - 1 - i) * 8 : i * 8;
		v |= (uint64_t)e->buf[off + i] << shift;
	}
	return v;
}

/* Word size of an address/offset field. */
static size_t tb_word(const struct tb_elf *e)
{
	return e->is64 ? 8 : 4;
}

enum tb_phfield { TB_P_TYPE, TB_P_OFFSET, TB_P_VADDR, TB_P_FILESZ };

/* Byte offset of a field of program header i. */
static size_t tb_ph_field(const struct tb_elf *e, size_t i, enum tb_phfield f)
{
	size_t base = e->phoff + i * e->phentsize;

	switch (f) {
	case TB_P_TYPE:
		return base;
	case TB_P_OFFSET:
		return base + (e->is64 ? 8 : 4);
	case TB_P_VADDR:
		return base + (e->is64 ? 16 : 8);
	case TB_P_FILESZ:
		return base + (e->is64 ? 32 : 16);
	}
	return base;
}

static __attribute__((unused)) void tb_set_ph(const struct tb_elf *e, size_t i,
					      enum tb_phfield f, uint64_t v)
{
	tb_put(e, tb_ph_field(e, i, f), f == TB_P_TYPE ? 4 : tb_word(e), v);
}

/* Offset of the value of the first dynamic entry with tag (or SIZE_MAX). */
static __attribute__((unused)) size_t tb_dyn_val(const struct tb_elf *e,
						 uint64_t tag)
{
	for (size_t off = e->dyn_off; off < e->dyn_off + e->dyn_len;
	     off += e->dynent)
		if (tb_get(e, off, tb_word(e)) == tag)
			return off + tb_word(e);
	return SIZE_MAX;
}

/* ELF header field offsets that differ between the classes. */
static __attribute__((unused)) size_t tb_eh_phoff(const struct tb_elf *e)
{
	return e->is64 ? 32 : 28;
}

static __attribute__((unused)) size_t tb_eh_phentsize(const struct tb_elf *e)
{
	return e->is64 ? 54 : 42;
}

static __attribute__((unused)) size_t tb_eh_phnum(const struct tb_elf *e)
{
	return e->is64 ? 56 : 44;
}

static size_t tb_strtab_add(struct tb_elf *e, size_t *n, const char *s)
{
	size_t at = *n, len = strlen(s) + 1;

	memcpy(e->buf + e->strtab_off + at, s, len);
	*n += len;
	return at;
}

static void tb_dyn_add(const struct tb_elf *e, size_t *n, uint64_t tag,
		       uint64_t val)
{
	size_t off = e->dyn_off + *n * e->dynent;

	tb_put(e, off, tb_word(e), tag);
	tb_put(e, off + tb_word(e), tb_word(e), val);
	(*n)++;
}

static __attribute__((unused)) void tb_free(struct tb_elf *e)
{
	free(e->buf);
	e->buf = NULL;
}

/* Builds the file described by s; aborts on allocation failure (tests). */
static __attribute__((unused)) void tb_build(const struct tb_spec *s,
					     struct tb_elf *e)
{
	size_t ehsize, nph, strlen_total = 1, ndyn = 3, n, i, ph;
	size_t offs[TB_MAX_NEEDED], so = 0, rp = 0, rn = 0;

	memset(e, 0, sizeof(*e));
	e->is64 = s->is64;
	e->msb = s->msb;
	ehsize = s->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	e->phentsize = s->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	e->dynent = s->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	nph = 1 + (s->interp ? 1 : 0) + (s->no_dynamic ? 0 : 1);
	for (i = 0; i < TB_MAX_NEEDED && s->needed[i]; i++) {
		strlen_total += strlen(s->needed[i]) + 1;
		ndyn++;
	}
	if (s->soname) {
		strlen_total += strlen(s->soname) + 1;
		ndyn++;
	}
	if (s->rpath) {
		strlen_total += strlen(s->rpath) + 1;
		ndyn++;
	}
	if (s->runpath) {
		strlen_total += strlen(s->runpath) + 1;
		ndyn++;
	}
	if (s->flags_1)
		ndyn++;

	e->phoff = ehsize;
	e->phnum = nph;
	e->interp_off = e->phoff + nph * e->phentsize;
	e->strtab_off = e->interp_off + (s->interp ? strlen(s->interp) + 1 : 0);
	e->strtab_len = s->no_dynamic ? 0 : strlen_total;
	e->dyn_off = e->strtab_off + e->strtab_len;
	e->dyn_off = (e->dyn_off + 7) & ~(size_t)7;
	e->dyn_len = s->no_dynamic ? 0 : ndyn * e->dynent;
	e->len = e->dyn_off + e->dyn_len;
	e->buf = calloc(1, e->len);
	if (!e->buf)
		abort();

	memcpy(e->buf, ELFMAG, SELFMAG);
	e->buf[EI_CLASS] = s->is64 ? ELFCLASS64 : ELFCLASS32;
	e->buf[EI_DATA] = s->msb ? ELFDATA2MSB : ELFDATA2LSB;
	e->buf[EI_VERSION] = EV_CURRENT;
	tb_put(e, 16, 2, s->type ? s->type : ET_DYN);
	tb_put(e, 18, 2, s->machine);
	tb_put(e, 20, 4, EV_CURRENT);
	tb_put(e, tb_eh_phoff(e), tb_word(e), e->phoff);
	tb_put(e, tb_eh_phentsize(e) - 2, 2, ehsize); /* e_ehsize */
	tb_put(e, tb_eh_phentsize(e), 2, e->phentsize);
	tb_put(e, tb_eh_phnum(e), 2, nph);

	ph = 0;
	e->ph_load = ph;
	tb_set_ph(e, ph, TB_P_TYPE, PT_LOAD);
	tb_set_ph(e, ph, TB_P_OFFSET, 0);
	tb_set_ph(e, ph, TB_P_VADDR, TB_BASE);
	tb_set_ph(e, ph, TB_P_FILESZ, e->len);
	ph++;
	e->ph_interp = SIZE_MAX;
	if (s->interp) {
		e->ph_interp = ph;
		tb_set_ph(e, ph, TB_P_TYPE, PT_INTERP);
		tb_set_ph(e, ph, TB_P_OFFSET, e->interp_off);
		tb_set_ph(e, ph, TB_P_VADDR, TB_BASE + e->interp_off);
		tb_set_ph(e, ph, TB_P_FILESZ, strlen(s->interp) + 1);
		memcpy(e->buf + e->interp_off, s->interp,
		       strlen(s->interp) + 1);
		ph++;
	}
	e->ph_dynamic = SIZE_MAX;
	if (s->no_dynamic)
		return;
	e->ph_dynamic = ph;
	tb_set_ph(e, ph, TB_P_TYPE, PT_DYNAMIC);
	tb_set_ph(e, ph, TB_P_OFFSET, e->dyn_off);
	tb_set_ph(e, ph, TB_P_VADDR, TB_BASE + e->dyn_off);
	tb_set_ph(e, ph, TB_P_FILESZ, e->dyn_len);

	n = 1; /* offset 0 is the empty string */
	for (i = 0; i < TB_MAX_NEEDED && s->needed[i]; i++)
		offs[i] = tb_strtab_add(e, &n, s->needed[i]);
	if (s->soname)
		so = tb_strtab_add(e, &n, s->soname);
	if (s->rpath)
		rp = tb_strtab_add(e, &n, s->rpath);
	if (s->runpath)
		rn = tb_strtab_add(e, &n, s->runpath);
	n = 0;
	for (i = 0; i < TB_MAX_NEEDED && s->needed[i]; i++)
		tb_dyn_add(e, &n, DT_NEEDED, offs[i]);
	if (s->soname)
		tb_dyn_add(e, &n, DT_SONAME, so);
	if (s->rpath)
		tb_dyn_add(e, &n, DT_RPATH, rp);
	if (s->runpath)
		tb_dyn_add(e, &n, DT_RUNPATH, rn);
	if (s->flags_1)
		tb_dyn_add(e, &n, DT_FLAGS_1, s->flags_1);
	tb_dyn_add(e, &n, DT_STRTAB, TB_BASE + e->strtab_off);
	tb_dyn_add(e, &n, DT_STRSZ, e->strtab_len);
	tb_dyn_add(e, &n, DT_NULL, 0);
}
