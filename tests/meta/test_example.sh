#!/bin/sh
# Meta: the example program builds against an installed newsidx through
# pkg-config alone, and works.
set -u
: "${top_srcdir:?run from make check}"
: "${top_builddir:?run from make check}"
T=$(mktemp -d "${TMPDIR:-/tmp}/newsidx-meta.XXXXXX")
trap 'rm -rf "$T"' EXIT
${MAKE:-make} -s -C "$top_builddir" install DESTDIR="$T/root" \
	>"$T/install.log" 2>&1 ||
	{ echo "FAIL: make install"; cat "$T/install.log"; exit 1; }
pc=$(find "$T/root" -name newsidx.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: newsidx.pc not installed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
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
