#!/bin/sh
# Meta: the public header compiles alone, as strict C99 and as C++; its
# version, configure's and the library's -version-info agree with the
# @since tags; a deprecated name warns unless the program opts out.
set -u
: "${top_srcdir:?run from make check}"
T=$(mktemp -d "${TMPDIR:-/tmp}/newsidx-meta.XXXXXX")
trap 'rm -rf "$T"' EXIT
printf '#include "newsidx.h"\nint main(void) { return NEWSIDX_OK; }\n' \
	>"$T/h.c"
cp "$T/h.c" "$T/h.cc"
fail=0
${CC:-cc} -std=c99 -pedantic -Wall -Wextra -Werror \
	-I"$top_srcdir/include" -c "$T/h.c" -o "$T/h.o" ||
	{ echo "FAIL: header does not compile alone as C99"; fail=1; }
${CXX:-c++} -std=c++11 -pedantic -Wall -Wextra -Werror \
	-I"$top_srcdir/include" -c "$T/h.cc" -o "$T/hh.o" ||
	{ echo "FAIL: header does not compile alone as C++"; fail=1; }

# Versions.  The header's NEWSIDX_VERSION_* is configure's AC_INIT
# version; no @since tag is newer than it; every release named by a tag
# added interfaces and removed none, so -version-info is C:0:C with C the
# number of releases after the first.
H="$top_srcdir/include/newsidx.h"
hv=$(sed -n 's/^#define NEWSIDX_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$H" |
	paste -sd. -)
cv=$(sed -n 's/^AC_INIT(\[newsidx\], \[\([0-9.]*\)\].*/\1/p' "$top_srcdir/configure.ac")
[ -n "$hv" ] && [ "$hv" = "$cv" ] ||
	{ echo "FAIL: header version '$hv' is not configure's '$cv'"; fail=1; }
releases=$(grep -o '@since [0-9]*\.[0-9]*' "$H" | sort -u -t. -k1,1n -k2,2n |
	sed 's/@since //')
newest=$(echo "$releases" | tail -n 1)
[ "$newest" = "${hv%.*}" ] ||
	{ echo "FAIL: newest @since is $newest, the header says ${hv%.*}"; fail=1; }
c=$(($(echo "$releases" | wc -l) - 1))
vi=$(sed -n 's/^libnewsidx_la_LDFLAGS = .*-version-info \([0-9:]*\).*/\1/p' "$top_srcdir/Makefile.am")
[ "$vi" = "$c:0:$c" ] ||
	{ echo "FAIL: -version-info is $vi; $c releases after the first want $c:0:$c"; fail=1; }

# A deprecated name still compiles and links, with a warning unless the
# program defines NEWSIDX_NO_DEPRECATION_WARNINGS.
printf '#include "newsidx.h"\nint main(void) { return newsidx_delete_id(0, "x") == NEWSIDX_OK; }\n' \
	>"$T/d.c"
if ${CC:-cc} -Wall -Werror -I"$top_srcdir/include" -c "$T/d.c" -o "$T/d.o" 2>/dev/null; then
	echo "FAIL: a deprecated name compiles without a warning"; fail=1
fi
${CC:-cc} -Wall -Werror -DNEWSIDX_NO_DEPRECATION_WARNINGS \
	-I"$top_srcdir/include" -c "$T/d.c" -o "$T/d.o" ||
	{ echo "FAIL: NEWSIDX_NO_DEPRECATION_WARNINGS does not silence it"; fail=1; }
exit $fail
