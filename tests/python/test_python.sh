#!/bin/sh
# The Python module (python/newsidx) over the library of this build: the
# layout of every structure against the header, every call and its
# errors (test_newsidx.py, with python3 -m unittest), and the install
# command of python/README.md in a fresh virtual environment.
#
# The interpreter is $PYTHON, else Debian's /usr/bin/python3 (the one
# tools/install-deps gives pip, setuptools, wheel and venv), else python3.
. "$top_srcdir/tests/cli/lib.sh"

if [ -z "${PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
lib=$top_builddir/.libs/libnewsidx.so
[ -e "$lib" ] || { echo "FAIL: no $lib"; exit 1; }

# The layout of the header's structures, as C sees it.
${CC:-cc} -I"$top_srcdir/include" -o "$T/layout" \
	"$top_srcdir/tests/python/layout.c" ${EXAMPLE_LDFLAGS:-} &&
	"$T/layout" >"$T/layout.txt" ||
	{ echo "FAIL: tests/python/layout.c"; exit 1; }

# A sanitizer build's library needs its runtime loaded first, and the
# interpreter's own allocations, never freed at exit, are not ours.
# (gcc links a shared library's ASan runtime into the program, not the
# library: the library then only has undefined __asan_ symbols.)
if ldd "$lib" | grep -q libasan ||
	nm -D --undefined-only "$lib" 2>/dev/null | grep -q ' __asan_'; then
	pre=$(${CC:-cc} -print-file-name=libasan.so)
	ldd "$lib" | grep -q libubsan &&
		pre="$pre $(${CC:-cc} -print-file-name=libubsan.so)"
	LD_PRELOAD=$pre
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
	export LD_PRELOAD ASAN_OPTIONS
fi

export NEWSIDX_LIBRARY="$lib" NEWSIDX_LAYOUT="$T/layout.txt" PYTHON
export PYTHONPATH="$top_srcdir/python:$top_srcdir/tests/python" PYTHONDONTWRITEBYTECODE=1
# unittest's summary goes to stderr; the counts become this script's.
(cd "$T" && "$PYTHON" -m unittest -v test_newsidx) >"$T/unit.out" 2>&1 &&
	unit_rc=0 || unit_rc=$?
cat "$T/unit.out"
n=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in .*/\1/p' "$T/unit.out")
bad=$(sed -n 's/^FAILED (\(.*\))$/\1/p' "$T/unit.out" |
	tr ',' '\n' | sed 's/[^0-9]//g' | awk '{ s += $1 } END { print s + 0 }')
if [ -z "$n" ]; then
	fail "python3 -m unittest did not run (exit $unit_rc)"
else
	checks=$((checks + n - bad))
	failures=$((failures + bad))
	[ "$unit_rc" -eq 0 ] || [ "$bad" -gt 0 ] ||
		fail "python3 -m unittest exited $unit_rc"
fi
finish
