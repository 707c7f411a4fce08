# lib.sh: shared helpers for the end-to-end CLI tests.  Each test script
# sources this, gets a private temporary directory, and reports failures
# with the command and what was expected.  The scripts run from `make
# check` with NEWSIDX (the built binary), FIXTURES and top_srcdir set.

set -u

: "${top_srcdir:?run from make check}"
: "${NEWSIDX:?run from make check}"
FIXTURES=${FIXTURES:-$top_srcdir/tests/fixtures}
CORPUS=$top_srcdir/corpus

T=$(mktemp -d "${TMPDIR:-/tmp}/newsidx-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export NO_COLOR=1
unset NEWSIDX_INDEX

# In a sanitizer build, every report of every command the test runs goes
# to a file of its own, so that finish() fails the test on it even where
# the command's output or exit status is not looked at (a leak found at
# exit does not change what a command printed).
mkdir -p "$T/sanitizer"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$T/sanitizer/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$T/sanitizer/ubsan"
export TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS:}log_path=$T/sanitizer/tsan"

failures=0
checks=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

ok() {
	checks=$((checks + 1))
}

# run CMD...: run newsidx, keeping stdout, stderr and the exit status in
# $T/out, $T/err and $rc.
run() {
	"$NEWSIDX" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

expect_rc() {
	if [ "$rc" -eq "$1" ]; then ok; else
		fail "$2: exit $rc, expected $1; stderr: $(head -c 600 "$T/err")"
	fi
}

expect_out() {
	if grep -q -- "$1" "$T/out"; then ok; else
		fail "$2: stdout lacks '$1'; got: $(head -c 600 "$T/out")"
	fi
}

expect_no_out() {
	if grep -q -- "$1" "$T/out"; then
		fail "$2: stdout has '$1'"
	else ok; fi
}

expect_err() {
	if grep -q -- "$1" "$T/err"; then ok; else
		fail "$2: stderr lacks '$1'; got: $(head -c 600 "$T/err")"
	fi
}

expect_eq() {
	if [ "$1" = "$2" ]; then ok; else
		fail "$3: got '$1', expected '$2'"
	fi
}

# jqout FILTER: apply a jq filter to the JSON on stdout.
jqout() {
	jq -r "$1" "$T/out"
}

finish() {
	for r in "$T"/sanitizer/*; do
		[ -f "$r" ] || continue
		fail "sanitizer report $(basename "$r"):"
		head -n 30 "$r" >&2
	done
	echo "$checks checks, $failures failed"
	[ "$failures" -eq 0 ]
	exit $?
}
