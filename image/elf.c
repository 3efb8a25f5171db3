/* elf: a bounded reader of ELF program headers and the dynamic section. */
#include "elf.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cursor.h"

/* The file as read so far: its bytes and how to decode numbers in them. */
struct elf_file {
	const uint8_t *buf;
	size_t len;
	bool is64;
	bool msb;
};

/* One program header, widened to 64 bits whatever the class. */
struct elf_phdr {
	uint32_t type;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t filesz;
};

/* The dynamic section's entries that matter here; 0 when absent. */
struct elf_dyn {
	bool has_strtab, has_strsz;
	uint64_t strtab, strsz;
	bool has_soname, has_rpath, has_runpath;
	uint64_t soname, rpath, runpath;
	uint64_t flags_1;
	size_t n_needed;
};

/* Gives a cursor over [off, off + size) if that lies inside the file. */
static int elf_range(const struct elf_file *f, uint64_t off, uint64_t size,
		     struct cursor *c)
{
	uint64_t end;

	if (__builtin_add_overflow(off, size, &end) || end > f->len)
		return -EBADMSG;
	*c = cursor_make(f->buf + off, (size_t)size);
	return 0;
}

/* Reads an unsigned number of width bytes in the file's byte order. */
static int elf_read_uint(const struct elf_file *f, struct cursor *c,
			 size_t width, uint64_t *v)
{
	uint8_t b[8];
	uint64_t x = 0;

	if (width > sizeof(b) || cursor_copy(c, b, width) < 0)
		return -EBADMSG;
	for (size_t i = 0; i < width; i++) {
		if (f->msb)
			x = x << 8 | b[i];
		else
			x |= (uint64_t)b[i] << (8 * i);
	}
	*v = x;
	return 0;
}

/* An address or offset field: 4 bytes in ELF32, 8 in ELF64. */
static int elf_read_word(const struct elf_file *f, struct cursor *c,
			 uint64_t *v)
{
	return elf_read_uint(f, c, f->is64 ? 8 : 4, v);
}

static size_t elf_phdr_size(const struct elf_file *f)
{
	return f->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
}

static size_t elf_dyn_size(const struct elf_file *f)
{
	return f->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
}

/* Decodes one program header; the layouts differ between the classes. */
static int elf_read_phdr(const struct elf_file *f, struct cursor c,
			 struct elf_phdr *ph)
{
	uint64_t type, flags, paddr;

	if (elf_read_uint(f, &c, 4, &type) < 0)
		return -EBADMSG;
	if (f->is64 && elf_read_uint(f, &c, 4, &flags) < 0)
		return -EBADMSG;
	if (elf_read_word(f, &c, &ph->offset) < 0 ||
	    elf_read_word(f, &c, &ph->vaddr) < 0 ||
	    elf_read_word(f, &c, &paddr) < 0 ||
	    elf_read_word(f, &c, &ph->filesz) < 0)
		return -EBADMSG;
	ph->type = (uint32_t)type;
	return 0;
}

/*
 * Reads the ELF header (ELF(5), "ELF header") and sets up f. The phdr
 * table's position and count come back only after their range is checked.
 */
static int elf_read_header(struct elf_file *f, struct elf_info *info,
			   uint64_t *phoff, uint64_t *phnum)
{
	struct cursor c = cursor_make(f->buf, f->len);
	uint8_t ident[EI_NIDENT];
	uint64_t type, machine, version, entry, shoff, flags, ehsize, phentsize,
	    n, table;
	struct cursor tc;

	if (f->len < SELFMAG || memcmp(f->buf, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	/* From here on it claims to be ELF: anything short is malformed. */
	if (cursor_copy(&c, ident, sizeof(ident)) < 0)
		return -EBADMSG;
	if (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64)
		return -EBADMSG;
	if (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB)
		return -EBADMSG;
	if (ident[EI_VERSION] != EV_CURRENT)
		return -EBADMSG;
	f->is64 = ident[EI_CLASS] == ELFCLASS64;
	f->msb = ident[EI_DATA] == ELFDATA2MSB;

	if (elf_read_uint(f, &c, 2, &type) < 0 ||
	    elf_read_uint(f, &c, 2, &machine) < 0 ||
	    elf_read_uint(f, &c, 4, &version) < 0 ||
	    elf_read_word(f, &c, &entry) < 0 ||
	    elf_read_word(f, &c, phoff) < 0 ||
	    elf_read_word(f, &c, &shoff) < 0 ||
	    elf_read_uint(f, &c, 4, &flags) < 0 ||
	    elf_read_uint(f, &c, 2, &ehsize) < 0 ||
	    elf_read_uint(f, &c, 2, &phentsize) < 0 ||
	    elf_read_uint(f, &c, 2, &n) < 0)
		return -EBADMSG;
	if (type != ET_EXEC && type != ET_DYN)
		return -ENOEXEC;

	if (n > 0) {
		/*
		 * As the kernel's binfmt_elf: entries of exactly the class's
		 * size, and a table of at most 64 KiB (which also rules out
		 * PN_XNUM, an extension only core files use).
		 */
		if (phentsize != elf_phdr_size(f) ||
		    n > 65536 / elf_phdr_size(f))
			return -EBADMSG;
		if (__builtin_mul_overflow(n, phentsize, &table) ||
		    elf_range(f, *phoff, table, &tc) < 0)
			return -EBADMSG;
	}
	info->elf_class = ident[EI_CLASS];
	info->data = ident[EI_DATA];
	info->type = (uint16_t)type;
	info->machine = (uint16_t)machine;
	*phnum = n;
	return 0;
}

/* Finds program header i of a table whose range elf_read_header checked. */
static int elf_get_phdr(const struct elf_file *f, uint64_t phoff, uint64_t i,
			struct elf_phdr *ph)
{
	struct cursor c;
	uint64_t off;

	if (__builtin_mul_overflow(i, (uint64_t)elf_phdr_size(f), &off) ||
	    __builtin_add_overflow(off, phoff, &off) ||
	    elf_range(f, off, elf_phdr_size(f), &c) < 0)
		return -EBADMSG;
	return elf_read_phdr(f, c, ph);
}

/*
 * Copies the NUL-terminated string at c's start; it must end inside c.
 * Empty strings are refused: no loader field may be empty.
 */
static int elf_copy_string(struct cursor c, char **out)
{
	const uint8_t *nul = memchr(c.p, '\0', c.left);
	size_t n;
	char *s;

	if (!nul)
		return -EBADMSG;
	n = (size_t)(nul - c.p);
	if (n == 0)
		return -EBADMSG;
	if (n > ELF_STRING_MAX)
		return -EBADMSG;
	s = malloc(n + 1);
	if (!s)
		return -ENOMEM;
	memcpy(s, c.p, n + 1);
	*out = s;
	return 0;
}

static int elf_read_interp(const struct elf_file *f, const struct elf_phdr *ph,
			   char **out)
{
	struct cursor c;

	if (elf_range(f, ph->offset, ph->filesz, &c) < 0)
		return -EBADMSG;
	return elf_copy_string(c, out);
}

/*
 * Walks the dynamic array up to DT_NULL or the segment's end, remembering
 * the string table and the string offsets. When needed is not NULL the
 * DT_NEEDED offsets are stored into it (sized by a first pass).
 */
static int elf_scan_dynamic(const struct elf_file *f, const struct elf_phdr *ph,
			    struct elf_dyn *d, uint64_t *needed)
{
	struct cursor c, e;

	if (elf_range(f, ph->offset, ph->filesz, &c) < 0)
		return -EBADMSG;
	memset(d, 0, sizeof(*d));
	while (cursor_take(&c, elf_dyn_size(f), &e) == 0) {
		uint64_t tag, val;

		if (elf_read_word(f, &e, &tag) < 0 ||
		    elf_read_word(f, &e, &val) < 0)
			return -EBADMSG;
		if (tag == DT_NULL)
			break;
		switch (tag) {
		case DT_NEEDED:
			if (d->n_needed >= ELF_NEEDED_MAX)
				return -EBADMSG;
			if (needed)
				needed[d->n_needed] = val;
			d->n_needed++;
			break;
		case DT_STRTAB:
			d->has_strtab = true;
			d->strtab = val;
			break;
		case DT_STRSZ:
			d->has_strsz = true;
			d->strsz = val;
			break;
		case DT_SONAME:
			d->has_soname = true;
			d->soname = val;
			break;
		case DT_RPATH:
			d->has_rpath = true;
			d->rpath = val;
			break;
		case DT_RUNPATH:
			d->has_runpath = true;
			d->runpath = val;
			break;
		case DT_FLAGS_1:
			d->flags_1 = val;
			break;
		default:
			break;
		}
	}
	return 0;
}

/*
 * DT_STRTAB is a virtual address: it is turned into a file offset through
 * the PT_LOAD segment that maps it, and the whole table must lie in that
 * segment's file-backed part (and so in the file).
 */
static int elf_map_strtab(const struct elf_file *f, uint64_t phoff,
			  uint64_t phnum, const struct elf_dyn *d,
			  struct cursor *strtab)
{
	struct elf_phdr ph;
	uint64_t rel, end, off;
	int r;

	if (!d->has_strtab || !d->has_strsz)
		return -EBADMSG;
	for (uint64_t i = 0; i < phnum; i++) {
		if ((r = elf_get_phdr(f, phoff, i, &ph)) < 0)
			return r;
		if (ph.type != PT_LOAD || d->strtab < ph.vaddr)
			continue;
		rel = d->strtab - ph.vaddr;
		if (rel >= ph.filesz)
			continue;
		if (__builtin_add_overflow(rel, d->strsz, &end) ||
		    end > ph.filesz)
			return -EBADMSG;
		if (__builtin_add_overflow(ph.offset, rel, &off))
			return -EBADMSG;
		return elf_range(f, off, d->strsz, strtab);
	}
	return -EBADMSG;
}

/* Copies the string at offset off of the string table. */
static int elf_strtab_string(struct cursor strtab, uint64_t off, char **out)
{
	if (off >= strtab.left)
		return -EBADMSG;
	cursor_skip(&strtab, (size_t)off);
	return elf_copy_string(strtab, out);
}

static int elf_read_dynamic(const struct elf_file *f, uint64_t phoff,
			    uint64_t phnum, const struct elf_phdr *dyn,
			    struct elf_info *info)
{
	struct elf_dyn d;
	struct cursor strtab;
	uint64_t *offs = NULL;
	int r;

	if ((r = elf_scan_dynamic(f, dyn, &d, NULL)) < 0)
		goto out;
	info->flags_1 = d.flags_1;
	if (d.n_needed == 0 && !d.has_soname && !d.has_rpath && !d.has_runpath)
		goto out;
	if ((r = elf_map_strtab(f, phoff, phnum, &d, &strtab)) < 0)
		goto out;
	if (d.n_needed > 0) {
		offs = calloc(d.n_needed, sizeof(*offs));
		info->needed = calloc(d.n_needed, sizeof(*info->needed));
		if (!offs || !info->needed) {
			r = -ENOMEM;
			goto out;
		}
		if ((r = elf_scan_dynamic(f, dyn, &d, offs)) < 0)
			goto out;
		for (size_t i = 0; i < d.n_needed; i++) {
			r = elf_strtab_string(strtab, offs[i],
					      &info->needed[i]);
			if (r < 0)
				goto out;
			info->n_needed = i + 1;
		}
	}
	if (d.has_soname &&
	    (r = elf_strtab_string(strtab, d.soname, &info->soname)) < 0)
		goto out;
	if (d.has_rpath &&
	    (r = elf_strtab_string(strtab, d.rpath, &info->rpath)) < 0)
		goto out;
	if (d.has_runpath &&
	    (r = elf_strtab_string(strtab, d.runpath, &info->runpath)) < 0)
		goto out;
out:
	free(offs);
	return r;
}

int elf_parse(const void *buf, size_t len, struct elf_info *out)
{
	struct elf_file f = {.buf = buf, .len = len};
	struct elf_info info = {0};
	struct elf_phdr ph, interp = {0}, dyn = {0};
	bool has_interp = false;
	uint64_t phoff, phnum;
	int r;

	if (!buf && len > 0)
		return -EINVAL;
	if ((r = elf_read_header(&f, &info, &phoff, &phnum)) < 0)
		goto out;
	for (uint64_t i = 0; i < phnum; i++) {
		if ((r = elf_get_phdr(&f, phoff, i, &ph)) < 0)
			goto out;
		/* The kernel and ld.so each expect at most one of these. */
		if (ph.type == PT_INTERP) {
			if (has_interp) {
				r = -EBADMSG;
				goto out;
			}
			has_interp = true;
			interp = ph;
		} else if (ph.type == PT_DYNAMIC) {
			if (info.has_dynamic) {
				r = -EBADMSG;
				goto out;
			}
			info.has_dynamic = true;
			dyn = ph;
		}
	}
	if (has_interp && (r = elf_read_interp(&f, &interp, &info.interp)) < 0)
		goto out;
	if (info.has_dynamic &&
	    (r = elf_read_dynamic(&f, phoff, phnum, &dyn, &info)) < 0)
		goto out;
	*out = info;
	memset(&info, 0, sizeof(info)); /* the caller owns the strings now */
out:
	elf_info_clear(&info);
	return r;
}

int elf_parse_file(int dirfd, const char *path, struct elf_info *out)
{
	struct stat st;
	void *map = MAP_FAILED;
	int fd, r;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		r = -ENOEXEC;
		goto out;
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		r = -EFBIG;
		goto out;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		r = -errno;
		goto out;
	}
	r = elf_parse(map, (size_t)st.st_size, out);
out:
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	close(fd);
	return r;
}

void elf_info_clear(struct elf_info *info)
{
	if (!info)
		return;
	free(info->interp);
	free(info->soname);
	free(info->rpath);
	free(info->runpath);
	for (size_t i = 0; i < info->n_needed; i++)
		free(info->needed[i]);
	free(info->needed);
	memset(info, 0, sizeof(*info));
}
