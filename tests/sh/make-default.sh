#!/bin/bash
# Plain `make` builds everything `make install` installs (issue 9, item 20).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# A build dir of its own, so a tree already built proves nothing; the
# compiled objects of build/ are reused when there (the question is which
# goal plain `make` reaches, and linking is cheap). The make that runs this
# (make check) must not leak its goals, flags or level into "plain make".
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
b=$T/build
mkdir -p "$b"
if [ -d "$TOP/build/obj" ]; then
	cp -a "$TOP/build/obj" "$b/"
	# their dependency files name build/obj/X.o: make them name the copies,
	# so a changed header still rebuilds what includes it
	find "$b/obj" -name '*.d' -exec sed -i "s|^build/obj/|$b/obj/|" {} +
fi
cd "$TOP" || exit 1

if make -j2 B="$b" >"$T/make.log" 2>&1; then
	ok "plain make succeeds"
else
	tail -20 "$T/make.log"
	bad "plain make failed"
fi

# install, told that `all` is done (-o all): it copies what plain make built
# and fails on anything plain make did not build.
if make B="$b" DESTDIR="$T/dest" -o all install >"$T/install.log" 2>&1; then
	ok "make install needs nothing plain make did not build"
else
	tail -20 "$T/install.log"
	bad "make install after plain make: a file is missing (above)"
fi
n=0
while read -r f; do
	n=$((n + 1))
	case $f in
	*/bin/* | */lib/sesame/*)
		base=${f##*/}
		check "installed $base was built by plain make" \
			test -x "$b/bin/$base"
		;;
	esac
done < <(find "$T/dest" -type f | sort)
check "make install installs the programs and man pages ($n files)" \
	test -x "$T/dest/usr/local/bin/sesame" -a "$n" -ge 4
sh_done
