#!/bin/bash
# make-corpus.sh: regenerates the fuzz_elf seed corpus (tiny real and crafted ELF files).
# Run from the repository root; the outputs are committed, so this only
# documents how they were made.
set -euo pipefail
out=tests/fuzz/corpus/fuzz_elf
here=tests/unit/data/elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

printf 'void _start(void) { for (;;) ; }\n' >"$tmp/start.c"
printf 'int tiny(void) { return 42; }\n' >"$tmp/tiny.c"
small="-Os -nostdlib -Wl,--build-id=none -Wl,-z,noseparate-code -Wl,-z,norelro"

build() { # suffix, extra cflags
	local s=$1
	shift
	gcc "$@" $small -fPIC -shared -Wl,-soname,libtiny.so.1 \
		-Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../lib' \
		-o "$tmp/libtiny$s.so" "$tmp/tiny.c"
	gcc "$@" $small -static -o "$tmp/static$s" "$tmp/start.c"
	gcc "$@" $small -o "$tmp/dynamic$s" "$tmp/start.c" -L"$tmp" \
		-Wl,--no-as-needed -l:"libtiny$s.so" -Wl,--disable-new-dtags -Wl,-rpath,/opt/x \
		-Wl,--dynamic-linker=/lib64/ld-linux-x86-64.so.2
	for f in "libtiny$s.so" "static$s" "dynamic$s"; do
		strip "$tmp/$f"
		cp "$tmp/$f" "$out/real-$f"
	done
}
build -64 -m64
build -32 -m32 || echo "make-corpus: no -m32 toolchain, 32-bit seeds skipped"

# Truncated variants: inside the header, the phdrs, and halfway.
for f in "$out"/real-dynamic-64 "$out"/real-libtiny-64.so; do
	for n in 20 64 120; do
		head -c $n "$f" >"$f.cut$n"
	done
	head -c $(($(stat -c %s "$f") / 2)) "$f" >"$f.half"
done

gcc -I. -o "$tmp/gen_crafted" "$here/gen_crafted.c"
"$tmp/gen_crafted" "$out"
printf '#!/bin/sh\necho not elf\n' >"$out/script"
ls -l "$out"
