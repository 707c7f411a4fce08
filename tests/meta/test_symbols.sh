#!/bin/sh
# Meta: the shared library exports exactly the functions the public header
# declares: nothing internal leaks, nothing declared is missing.
set -u
: "${top_srcdir:?run from make check}"
: "${top_builddir:?run from make check}"
T=$(mktemp -d "${TMPDIR:-/tmp}/newsidx-meta.XXXXXX")
trap 'rm -rf "$T"' EXIT
lib="$top_builddir/.libs/libnewsidx.so"
[ -f "$lib" ] || { echo "FAIL: $lib not built"; exit 1; }
nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort >"$T/exported"
grep -v '^#' "$top_srcdir/include/newsidx.h" | tr '\n' ' ' |
	grep -o 'NEWSIDX_API[^;]*;' |
	sed 's/(.*//; s/.*[ *]\([a-z_0-9]*\) *$/\1/' | sort >"$T/declared"
if ! [ -s "$T/declared" ]; then echo "FAIL: no prototypes found"; exit 1; fi
if cmp -s "$T/exported" "$T/declared"; then
	echo "$(wc -l <"$T/declared") symbols exported, as declared"
	exit 0
fi
echo "FAIL: exported symbols differ from the header (< exported, > declared):"
diff "$T/exported" "$T/declared"
exit 1
