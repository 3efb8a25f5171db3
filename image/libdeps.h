/* libdeps: the interpreter, shared libraries and symlinks ELF binaries need. */
#ifndef SESAME_IMAGE_LIBDEPS_H
#define SESAME_IMAGE_LIBDEPS_H

#include <stddef.h>

/*
 * How a library is found: as glibc's ld.so does (ld.so(8)), by reading
 * ELF, never by running ldd. For each binary, breadth-first from its
 * DT_NEEDED list:
 *   - a name already loaded (by DT_NEEDED name or DT_SONAME) is not looked
 *     up again, and a file already loaded under another name is reused;
 *   - a name with a '/' is a path ($ORIGIN etc. expanded);
 *   - otherwise, when the needing object has no DT_RUNPATH: the DT_RPATH
 *     of the needing object, then of the object that loaded it, and so on
 *     up to the executable; then the needing object's DT_RUNPATH (which
 *     does not apply to its dependencies' lookups); then, unless the needing
 *     object has DF_1_NODEFLIB, the directories of ld.so.conf (what
 *     ld.so.cache holds; `include` globs are relative to the including
 *     file's directory) and the default directories: /lib/TRIPLET,
 *     /usr/lib/TRIPLET (TRIPLET from the ELF machine, e.g.
 *     x86_64-linux-gnu), /lib64, /usr/lib64 (/lib32, /usr/lib32 for
 *     32-bit), /lib, /usr/lib. An object that has DT_RUNPATH has its
 *     DT_RPATH ignored.
 *   - $ORIGIN, $LIB and $PLATFORM (and ${...}) are expanded in paths;
 *     $ORIGIN is the directory of the path the object was found under
 *     (for the binary: its real path, as /proc/self/exe gives). $LIB is
 *     lib/TRIPLET (Debian's ld.so), $PLATFORM the AT_PLATFORM value of the
 *     machine (x86_64, i686, aarch64); an element whose expansion is
 *     unknown is dropped, as ld.so does.
 *   - a candidate whose ELF class, byte order or machine differs from the
 *     binary's is skipped (the 32-bit libc of the same name); a candidate
 *     that is not valid ELF is skipped with a warning.
 * Not modelled: LD_LIBRARY_PATH and LD_PRELOAD (the boot environment has
 * neither); dlopen() cannot be seen in ELF, so the caller names what is
 * dlopen()ed (libdeps_add_dlopen); glibc-hwcaps and legacy hwcap
 * subdirectories, on purpose: the image boots on CPUs other than the build
 * host's, so it gets the baseline library, which ld.so falls back to when the
 * subdirectories are absent.
 *
 * What goes into the image. All lookups happen under a sysroot (symlinks
 * are resolved inside it, absolute targets included). The image gets each
 * object as a regular file at its real path (every symlink resolved), and
 * a symlink, only as a leaf, wherever the loader in the image will look
 * for it under another name:
 *   - the PT_INTERP path, literally (/lib64/ld-linux-x86-64.so.2 ->
 *     ../usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 on Debian 12);
 *   - the name a library was looked up by, when the real file has another
 *     name or lives in a directory the image's loader will not search
 *     (libfoo.so.1 -> libfoo.so.1.2.3); a library found only through
 *     ld.so.conf gets its link in a default directory, since the image
 *     has no ld.so.cache.
 * Directory symlinks such as usrmerge's /lib -> usr/lib are not
 * reproduced: the image's loader finds /usr/lib/x86_64-linux-gnu/libc.so.6
 * through its second default directory, and PT_INTERP gets its own leaf
 * link. So every directory above an emitted path must be created as a real
 * directory (the caller's job); a caller that wants /lib -> usr/lib in the
 * image must not put anything of its own under /lib. Link targets are
 * relative, so a staging tree (--dir) reads the same as the image.
 *
 * The binary itself is not an entry (the caller adds it). Entries come in
 * load order (the interpreter, then libraries breadth-first; each file
 * before its link), each path once across all binaries added.
 */
struct libdeps;
struct libdeps_entry {
	int is_symlink;	   /* 1: a symlink the loader needs */
	char path[4096];   /* absolute path inside the image */
	char source[4096]; /* host file to copy (regular files; "" for links) */
	char target[4096]; /* link target (symlinks; "" for files) */
};

/*
 * A resolver rooted at sysroot (NULL or "/" = this host); reads its
 * ld.so.conf now. 0 or -errno (an unusable sysroot).
 */
int libdeps_new(const char *sysroot, struct libdeps **out);
/*
 * Adds what host_path (absolute, inside the sysroot) needs at run time.
 * A static binary adds nothing. On failure (a missing or non-ELF binary,
 * a missing interpreter or library: each logged once, naming the file and
 * the object that needed it) nothing is added and -errno is returned:
 * -ENOENT for something missing, -ENOEXEC for a binary that is not an ELF
 * executable or shared object, -EBADMSG for a malformed one.
 */
int libdeps_add_binary(struct libdeps *ld, const char *host_path);
/*
 * A library that an object loads with dlopen(), which no DT_NEEDED list
 * shows (glibc's libc.so.6 loads libgcc_s.so.1 to unwind a thread that
 * exits). For every binary added after this call whose process loads an
 * object known as loader (a DT_NEEDED name or DT_SONAME, e.g.
 * "libc.so.6"), name is looked up as ld.so's dlopen(name) called from
 * loader does (loader's DT_RUNPATH, or the DT_RPATH chain up to the
 * executable; ld.so.conf; the default directories) and added with its
 * own dependencies, like a DT_NEEDED library of loader. Not found:
 * with required, an error of libdeps_add_binary (-ENOENT, logged naming
 * the binary, loader, name and why); without, skipped. why is borrowed
 * and must outlive ld. 0, -EINVAL (an empty name) or -ENOMEM.
 */
int libdeps_add_dlopen(struct libdeps *ld, const char *loader, const char *name,
		       int required, const char *why);
size_t libdeps_count(const struct libdeps *ld);
/* Copies entry i into *e; -ERANGE past the end. */
int libdeps_get(const struct libdeps *ld, size_t i, struct libdeps_entry *e);
/* Accepts NULL. */
void libdeps_free(struct libdeps *ld);

#endif
