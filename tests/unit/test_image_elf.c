/* test_image_elf: the ELF reader on this machine's binaries and on crafted,
 * broken files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/elf.h"
#include "tests/unit/require_tool.h"

#include "test_image_elf_builder.c"

static const struct tb_spec tb_app = {
    .is64 = 1,
    .machine = EM_X86_64,
    .interp = "/lib64/ld-linux-x86-64.so.2",
    .needed = {"libfoo.so.1", "libc.so.6"},
    .soname = "app.so",
    .rpath = "/r1:/r2",
    .runpath = "$ORIGIN/../lib",
};

/* elf_parse must fail with want and leave the out-parameter alone. */
static void assert_rejected(const struct tb_elf *e, size_t len, int want)
{
	struct elf_info info;

	memset(&info, 0xa5, sizeof(info));
	assert_int_equal(elf_parse(e->buf, len, &info), want);
	for (size_t i = 0; i < sizeof(info); i++)
		assert_int_equal(((const uint8_t *)&info)[i], 0xa5);
}

static void check_app(const struct tb_elf *e, int elf_class, int data)
{
	struct elf_info info;

	assert_int_equal(elf_parse(e->buf, e->len, &info), 0);
	assert_int_equal(info.elf_class, elf_class);
	assert_int_equal(info.data, data);
	assert_int_equal(info.machine, tb_app.machine);
	assert_int_equal(info.type, ET_DYN);
	assert_true(info.has_dynamic);
	assert_string_equal(info.interp, "/lib64/ld-linux-x86-64.so.2");
	assert_int_equal(info.n_needed, 2);
	assert_string_equal(info.needed[0], "libfoo.so.1");
	assert_string_equal(info.needed[1], "libc.so.6");
	assert_string_equal(info.soname, "app.so");
	assert_string_equal(info.rpath, "/r1:/r2");
	assert_string_equal(info.runpath, "$ORIGIN/../lib");
	elf_info_clear(&info);
	elf_info_clear(&info); /* twice is harmless */
}

static void crafted_every_class_and_order(void **state)
{
	struct tb_spec s = tb_app;
	struct tb_elf e;

	(void)state;
	for (int is64 = 0; is64 < 2; is64++) {
		for (int msb = 0; msb < 2; msb++) {
			s.is64 = is64;
			s.msb = msb;
			tb_build(&s, &e);
			check_app(&e, is64 ? ELFCLASS64 : ELFCLASS32,
				  msb ? ELFDATA2MSB : ELFDATA2LSB);
			tb_free(&e);
		}
	}
}

static void static_binary_has_nothing(void **state)
{
	struct tb_spec s = {
	    .is64 = 1, .machine = EM_X86_64, .no_dynamic = 1, .type = ET_EXEC};
	struct elf_info info;
	struct tb_elf e;

	(void)state;
	tb_build(&s, &e);
	assert_int_equal(elf_parse(e.buf, e.len, &info), 0);
	assert_null(info.interp);
	assert_false(info.has_dynamic);
	assert_int_equal(info.n_needed, 0);
	assert_null(info.needed);
	elf_info_clear(&info);
	tb_free(&e);
}

/* Every prefix of a valid file is refused (the dynamic array is last). */
static void truncated_everywhere(void **state)
{
	struct tb_elf e;

	(void)state;
	for (int is64 = 0; is64 < 2; is64++) {
		struct tb_spec s = tb_app;
		s.is64 = is64;
		tb_build(&s, &e);
		for (size_t len = 0; len < e.len; len++) {
			struct elf_info info;
			int r = elf_parse(e.buf, len, &info);
			if (len < SELFMAG)
				assert_int_equal(r, -ENOEXEC);
			else
				assert_int_equal(r, -EBADMSG);
		}
		/* A copy of exactly len bytes: ASan sees any overread. */
		for (size_t len = 0; len < e.len; len++) {
			uint8_t *p = malloc(len ? len : 1);
			struct elf_info info;
			assert_non_null(p);
			memcpy(p, e.buf, len);
			assert_true(elf_parse(p, len, &info) < 0);
			free(p);
		}
		tb_free(&e);
	}
}

static void not_elf(void **state)
{
	const char script[] = "#!/bin/sh\necho hello\n";
	struct tb_spec s = tb_app;
	struct elf_info info;
	struct tb_elf e;

	(void)state;
	assert_int_equal(elf_parse(script, sizeof(script) - 1, &info),
			 -ENOEXEC);
	assert_int_equal(elf_parse("", 0, &info), -ENOEXEC);
	assert_int_equal(elf_parse(NULL, 0, &info), -ENOEXEC);
	/* A relocatable object is ELF, but nothing a loader runs. */
	s.type = ET_REL;
	tb_build(&s, &e);
	assert_rejected(&e, e.len, -ENOEXEC);
	tb_free(&e);
}

static void bad_ident(void **state)
{
	struct tb_elf e;

	(void)state;
	tb_build(&tb_app, &e);
	e.buf[EI_CLASS] = 3;
	assert_rejected(&e, e.len, -EBADMSG);
	e.buf[EI_CLASS] = ELFCLASS64;
	e.buf[EI_DATA] = 0;
	assert_rejected(&e, e.len, -EBADMSG);
	e.buf[EI_DATA] = ELFDATA2LSB;
	e.buf[EI_VERSION] = 2;
	assert_rejected(&e, e.len, -EBADMSG);
	tb_free(&e);
}

static void program_headers_out_of_range(void **state)
{
	struct tb_elf e;

	(void)state;
	for (int is64 = 0; is64 < 2; is64++) {
		struct tb_spec s = tb_app;
		uint64_t max = is64 ? UINT64_MAX : UINT32_MAX;

		s.is64 = is64;
		tb_build(&s, &e);
		/* e_phoff + e_phnum * e_phentsize wraps around */
		tb_put(&e, tb_eh_phoff(&e), tb_word(&e), max - 8);
		assert_rejected(&e, e.len, -EBADMSG);
		/* ... or just ends past the file */
		tb_put(&e, tb_eh_phoff(&e), tb_word(&e), e.len - 8);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_put(&e, tb_eh_phoff(&e), tb_word(&e), e.phoff);
		/* a huge e_phnum, and PN_XNUM */
		tb_put(&e, tb_eh_phnum(&e), 2, 0xfffe);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_put(&e, tb_eh_phnum(&e), 2, PN_XNUM);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_put(&e, tb_eh_phnum(&e), 2, e.phnum);
		/* entries of the wrong size */
		tb_put(&e, tb_eh_phentsize(&e), 2, e.phentsize - 1);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_put(&e, tb_eh_phentsize(&e), 2, 1);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_put(&e, tb_eh_phentsize(&e), 2, e.phentsize);
		check_app(&e, is64 ? ELFCLASS64 : ELFCLASS32, ELFDATA2LSB);
		tb_free(&e);
	}
}

static void dynamic_out_of_range(void **state)
{
	struct tb_elf e;

	(void)state;
	for (int is64 = 0; is64 < 2; is64++) {
		struct tb_spec s = tb_app;
		uint64_t max = is64 ? UINT64_MAX : UINT32_MAX;

		s.is64 = is64;
		tb_build(&s, &e);
		tb_set_ph(&e, e.ph_dynamic, TB_P_OFFSET, e.len + 100);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_set_ph(&e, e.ph_dynamic, TB_P_OFFSET, max - 4);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_set_ph(&e, e.ph_dynamic, TB_P_OFFSET, e.dyn_off);
		tb_set_ph(&e, e.ph_dynamic, TB_P_FILESZ, e.dyn_len + 1);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_set_ph(&e, e.ph_dynamic, TB_P_FILESZ, max);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_free(&e);
	}
}

static void interp_broken(void **state)
{
	struct tb_elf e;
	size_t n = strlen(tb_app.interp) + 1;

	(void)state;
	tb_build(&tb_app, &e);
	/* unterminated: the NUL falls outside p_filesz */
	tb_set_ph(&e, e.ph_interp, TB_P_FILESZ, n - 1);
	assert_rejected(&e, e.len, -EBADMSG);
	tb_set_ph(&e, e.ph_interp, TB_P_FILESZ, 0);
	assert_rejected(&e, e.len, -EBADMSG);
	tb_set_ph(&e, e.ph_interp, TB_P_FILESZ, n);
	tb_set_ph(&e, e.ph_interp, TB_P_OFFSET, e.len);
	assert_rejected(&e, e.len, -EBADMSG);
	tb_set_ph(&e, e.ph_interp, TB_P_OFFSET, UINT64_MAX);
	assert_rejected(&e, e.len, -EBADMSG);
	tb_set_ph(&e, e.ph_interp, TB_P_OFFSET, e.interp_off);
	/* empty */
	e.buf[e.interp_off] = '\0';
	assert_rejected(&e, e.len, -EBADMSG);
	e.buf[e.interp_off] = '/';
	/* two of them */
	tb_set_ph(&e, e.ph_load, TB_P_TYPE, PT_INTERP);
	assert_rejected(&e, e.len, -EBADMSG);
	tb_free(&e);
}

static void strtab_broken(void **state)
{
	struct tb_elf e;

	(void)state;
	for (int is64 = 0; is64 < 2; is64++) {
		struct tb_spec s = tb_app;
		uint64_t max = is64 ? UINT64_MAX : UINT32_MAX;
		size_t strtab, strsz;

		s.is64 = is64;
		s.msb = is64; /* big-endian too */
		tb_build(&s, &e);
		strtab = tb_dyn_val(&e, DT_STRTAB);
		strsz = tb_dyn_val(&e, DT_STRSZ);
		assert_true(strtab != SIZE_MAX && strsz != SIZE_MAX);
		/* DT_STRTAB where no PT_LOAD maps it */
		tb_put(&e, strtab, tb_word(&e), 0x1000);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_put(&e, strtab, tb_word(&e), TB_BASE + e.len + 4096);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_put(&e, strtab, tb_word(&e), max);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_put(&e, strtab, tb_word(&e), TB_BASE + e.strtab_off);
		/* DT_STRSZ past the segment, or wrapping */
		tb_put(&e, strsz, tb_word(&e), e.len);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_put(&e, strsz, tb_word(&e), max);
		assert_rejected(&e, e.len, -EBADMSG);
		/* the last string (the runpath) loses its NUL */
		tb_put(&e, strsz, tb_word(&e), e.strtab_len - 1);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_put(&e, strsz, tb_word(&e), e.strtab_len);
		/* a PT_LOAD whose file part is shorter than the table */
		tb_set_ph(&e, e.ph_load, TB_P_FILESZ, e.strtab_off + 2);
		assert_rejected(&e, e.len, -EBADMSG);
		/* a PT_LOAD whose offset wraps */
		tb_set_ph(&e, e.ph_load, TB_P_FILESZ, e.len);
		tb_set_ph(&e, e.ph_load, TB_P_OFFSET, max - 2);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_set_ph(&e, e.ph_load, TB_P_OFFSET, 0);
		check_app(&e, is64 ? ELFCLASS64 : ELFCLASS32,
			  is64 ? ELFDATA2MSB : ELFDATA2LSB);
		/* no DT_STRSZ at all */
		tb_put(&e, strsz - tb_word(&e), tb_word(&e), DT_DEBUG);
		assert_rejected(&e, e.len, -EBADMSG);
		tb_free(&e);
	}
}

static void string_offsets_broken(void **state)
{
	struct tb_elf e;
	size_t needed;

	(void)state;
	tb_build(&tb_app, &e);
	needed = tb_dyn_val(&e, DT_NEEDED);
	tb_put(&e, needed, 8, e.strtab_len);
	assert_rejected(&e, e.len, -EBADMSG);
	tb_put(&e, needed, 8, UINT64_MAX);
	assert_rejected(&e, e.len, -EBADMSG);
	/* offset 0 is the empty string: no library is called "" */
	tb_put(&e, needed, 8, 0);
	assert_rejected(&e, e.len, -EBADMSG);
	tb_put(&e, needed, 8, 1);
	tb_put(&e, tb_dyn_val(&e, DT_RPATH), 8, e.strtab_len + 1);
	assert_rejected(&e, e.len, -EBADMSG);
	tb_free(&e);
}

static void dynamic_without_null_and_duplicates(void **state)
{
	struct elf_info info;
	struct tb_elf e;

	(void)state;
	tb_build(&tb_app, &e);
	/* Without its DT_NULL the array ends with the segment. */
	tb_set_ph(&e, e.ph_dynamic, TB_P_FILESZ, e.dyn_len - e.dynent);
	assert_int_equal(elf_parse(e.buf, e.len, &info), 0);
	assert_int_equal(info.n_needed, 2);
	elf_info_clear(&info);
	/* A partial trailing entry is ignored too. */
	tb_set_ph(&e, e.ph_dynamic, TB_P_FILESZ, e.dyn_len - e.dynent + 3);
	assert_int_equal(elf_parse(e.buf, e.len, &info), 0);
	elf_info_clear(&info);
	tb_set_ph(&e, e.ph_dynamic, TB_P_FILESZ, e.dyn_len);
	/* Two PT_DYNAMIC segments. */
	tb_set_ph(&e, e.ph_interp, TB_P_TYPE, PT_DYNAMIC);
	assert_rejected(&e, e.len, -EBADMSG);
	tb_free(&e);
}

/* A file of n DT_NEEDED entries all naming the same string. */
static void too_many_needed(void **state)
{
	struct tb_spec s = {
	    .is64 = 1, .machine = EM_X86_64, .needed = {"libx.so"}};
	size_t n = ELF_NEEDED_MAX + 1, len;
	struct elf_info info;
	struct tb_elf e, big;

	(void)state;
	tb_build(&s, &e);
	/* Grow the dynamic array: n NEEDED, STRTAB, STRSZ, NULL. */
	len = e.dyn_off + (n + 3) * e.dynent;
	big = e;
	big.buf = calloc(1, len);
	assert_non_null(big.buf);
	memcpy(big.buf, e.buf, e.dyn_off);
	big.len = len;
	big.dyn_len = (n + 3) * e.dynent;
	tb_set_ph(&big, big.ph_load, TB_P_FILESZ, len);
	tb_set_ph(&big, big.ph_dynamic, TB_P_FILESZ, big.dyn_len);
	for (size_t i = 0; i < n; i++) {
		tb_put(&big, e.dyn_off + i * 16, 8, DT_NEEDED);
		tb_put(&big, e.dyn_off + i * 16 + 8, 8, 1);
	}
	tb_put(&big, e.dyn_off + n * 16, 8, DT_STRTAB);
	tb_put(&big, e.dyn_off + n * 16 + 8, 8, TB_BASE + e.strtab_off);
	tb_put(&big, e.dyn_off + (n + 1) * 16, 8, DT_STRSZ);
	tb_put(&big, e.dyn_off + (n + 1) * 16 + 8, 8, e.strtab_len);
	assert_rejected(&big, big.len, -EBADMSG);
	/* One fewer is fine. */
	tb_put(&big, e.dyn_off, 8, DT_DEBUG);
	assert_int_equal(elf_parse(big.buf, big.len, &info), 0);
	assert_int_equal(info.n_needed, ELF_NEEDED_MAX);
	assert_string_equal(info.needed[ELF_NEEDED_MAX - 1], "libx.so");
	elf_info_clear(&info);
	tb_free(&big);
	tb_free(&e);
}

/* The DT_NEEDED names readelf(1) prints for path, in order. */
static size_t readelf_needed(const char *path, char names[][256], size_t max)
{
	char cmd[512], line[512];
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "readelf -dW '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && n < max) {
		char *a = strstr(line, "(NEEDED)"), *b, *c;
		if (!a || !(b = strchr(a, '[')) || !(c = strchr(b, ']')))
			continue;
		*c = '\0';
		snprintf(names[n++], 256, "%s", b + 1);
	}
	pclose(f);
	return n;
}

/* This machine's own binaries, against readelf as an oracle. */
static void real_binaries(void **state)
{
	static const char *const paths[] = {
	    "/bin/ls",
	    "/usr/sbin/cryptsetup",
	    "/usr/sbin/dropbear",
	    "/usr/bin/dropbear",
	    "/bin/sh",
	    "/lib/x86_64-linux-gnu/libc.so.6",
	};
	static char names[64][256];
	int checked = 0;

	(void)state;
	require_tool("readelf", "binutils");
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct elf_info info;
		size_t n;

		if (access(paths[i], R_OK) != 0)
			continue;
		assert_int_equal(elf_parse_file(AT_FDCWD, paths[i], &info), 0);
		assert_int_equal(info.elf_class, ELFCLASS64);
		assert_int_equal(info.machine, EM_X86_64);
		/* each of these is dynamic: readelf finds what we must */
		n = readelf_needed(paths[i], names, 64);
		assert_true(n > 0);
		assert_int_equal(info.n_needed, n);
		for (size_t k = 0; k < n; k++)
			assert_string_equal(info.needed[k], names[k]);
		if (strstr(paths[i], "libc.so"))
			assert_string_equal(info.soname, "libc.so.6");
		else
			assert_string_equal(info.interp,
					    "/lib64/ld-linux-x86-64.so.2");
		elf_info_clear(&info);
		checked++;
	}
	assert_true(checked > 0);
}

static void files(void **state)
{
	char dir[] = "/tmp/sesame-elf-XXXXXX", path[64];
	struct elf_info info;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/empty", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(elf_parse_file(AT_FDCWD, path, &info), -ENOEXEC);
	assert_int_equal(elf_parse_file(AT_FDCWD, dir, &info), -ENOEXEC);
	unlink(path);
	assert_int_equal(elf_parse_file(AT_FDCWD, path, &info), -ENOENT);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(crafted_every_class_and_order),
	    cmocka_unit_test(static_binary_has_nothing),
	    cmocka_unit_test(truncated_everywhere),
	    cmocka_unit_test(not_elf),
	    cmocka_unit_test(bad_ident),
	    cmocka_unit_test(program_headers_out_of_range),
	    cmocka_unit_test(dynamic_out_of_range),
	    cmocka_unit_test(interp_broken),
	    cmocka_unit_test(strtab_broken),
	    cmocka_unit_test(string_offsets_broken),
	    cmocka_unit_test(dynamic_without_null_and_duplicates),
	    cmocka_unit_test(too_many_needed),
	    cmocka_unit_test(real_binaries),
	    cmocka_unit_test(files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
