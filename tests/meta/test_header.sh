#!/bin/sh
# Meta: the public header compiles alone, as strict C99 and as C++.
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
exit $fail
