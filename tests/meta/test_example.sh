#!/bin/sh
# Meta: the example program builds against an installed newsidx through
# pkg-config alone (the .pc file as configured), and works.
set -u
: "${top_srcdir:?run from make check}"
: "${top_builddir:?run from make check}"
T=$(mktemp -d "${TMPDIR:-/tmp}/newsidx-meta.XXXXXX")
trap 'rm -rf "$T"' EXIT
# Lay out an installed tree by hand: "make install" would relink the
# library in the build tree while other tests run it.  make distcheck
# covers the real install.
prefix=$(sed -n 's/^prefix=//p' "$top_builddir/newsidx.pc")
libdir="$T/root$prefix/lib"
mkdir -p "$T/root$prefix/include" "$libdir/pkgconfig"
cp "$top_srcdir/include/newsidx.h" "$T/root$prefix/include/"
cp -P "$top_builddir"/.libs/libnewsidx.so* "$libdir/"
sed "s|^libdir=.*|libdir=$prefix/lib|; s|^includedir=.*|includedir=$prefix/include|" \
	"$top_builddir/newsidx.pc" >"$libdir/pkgconfig/newsidx.pc"
pc="$libdir/pkgconfig/newsidx.pc"
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$T/root"
flags=$(pkg-config --cflags --libs newsidx) ||
	{ echo "FAIL: pkg-config newsidx"; exit 1; }
# EXAMPLE_LDFLAGS carries the sanitizer flags of a sanitizer build.
${CC:-cc} -o "$T/search" "$top_srcdir/examples/search.c" $flags \
	${EXAMPLE_LDFLAGS:-} ||
	{ echo "FAIL: example does not build with: $flags"; exit 1; }
LD_LIBRARY_PATH="$libdir" "$T/search" "$T/idx" zeppelin \
	"$top_srcdir/tests/fixtures/good" >"$T/out" 2>&1 ||
	{ echo "FAIL: example run"; cat "$T/out"; exit 1; }
grep -q '^1 matches' "$T/out" && grep -q '\[zeppelin\]' "$T/out" ||
	{ echo "FAIL: example output"; cat "$T/out"; exit 1; }
echo "example built with pkg-config ($flags) and ran"
