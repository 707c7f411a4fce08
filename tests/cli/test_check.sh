#!/bin/sh
# End-to-end: `newsidx check` and `stats`: a sound index says so, with
# its counts; stats never fail while a writer commits.
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"

run --index "$IDX" index --jobs 1 "$CORPUS" "$FIXTURES/good"
expect_rc 0 "index the corpus"

# A sound index says so, in one line, with what it holds.
run --index "$IDX" stats --json
articles=$(jqout .articles)
terms=$(jqout .terms)
files=$(jqout .files)
run --index "$IDX" check
expect_rc 0 "check passes a sound index"
expect_eq "$(cat "$T/out")" \
	"$IDX: no problems found: $articles articles, $terms terms, $files files" \
	"check says the index is sound, with its counts"
expect_eq "$(wc -c <"$T/err")" "0" "and nothing else"
run --index "$IDX" check --json
expect_rc 0 "check --json passes a sound index"
expect_eq "$(jqout .ok)" "true" "check --json: ok"
expect_eq "$(jqout .problems)" "0" "check --json: no problems"
expect_eq "$(jqout .articles)" "$articles" "check --json: the articles"
expect_eq "$(jqout .terms)" "$terms" "check --json: the terms"

# A writer re-indexing article by article, a commit each, until told to
# stop; it counts its runs.  Every stats meanwhile must pass: what a
# commit spoiled is read again.  They go on until the writer has finished
# two more runs, so every one of them had a writer committing under it.
BUSY="$T/busy"
run --index "$BUSY" index --jobs 1 "$CORPUS"
expect_rc 0 "index for the writer"
: >"$T/runs"
(
	while [ -d "$T" ] && [ ! -e "$T/stop" ]; do
		"$NEWSIDX" --index "$BUSY" index --force --jobs 1 \
			--batch-size 1 "$CORPUS" >/dev/null 2>>"$T/writer.err" ||
			echo "writer exit $?" >>"$T/writer.err"
		echo run >>"$T/runs"
	done
) &
writer=$!
# However the script ends, the writer stops first.
trap 'touch "$T/stop"; wait "$writer"; rm -rf "$T"' EXIT
runs() {
	wc -l <"$T/runs"
}

n=0
start=$(runs)
while [ "$n" -lt 300 ] || [ "$(runs)" -lt $((start + 2)) ]; do
	run --index "$BUSY" stats
	if [ "$rc" -ne 0 ]; then
		fail "stats $n while a writer commits: exit $rc: $(head -c 300 "$T/err")"
	fi
	n=$((n + 1))
done
ok
touch "$T/stop"
wait "$writer"
if [ -s "$T/writer.err" ]; then
	fail "the writer failed: $(head -c 300 "$T/writer.err")"
else
	ok
fi
run --index "$BUSY" stats
expect_rc 0 "the writer gone, stats"

finish
