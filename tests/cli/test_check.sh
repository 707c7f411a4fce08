#!/bin/sh
# End-to-end: `newsidx check` and `stats` under damage and under a running
# writer.  Damage in any table of the live generation is reported and
# never crashes check or search; a writer committing throughout is never
# taken for damage, and stats never fail meanwhile; an index whose tables
# cannot be opened read/write, as Xapian's check must, is not checked
# (exit 74) rather than called damaged; a sound index says so, with its
# counts.
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"

# expect_alive WHAT: the last run ended by itself, and no sanitizer spoke.
expect_alive() {
	if [ "$rc" -ge 128 ] || grep -q "Sanitizer\|runtime error:" "$T/err"
	then
		fail "$1: crashed (exit $rc): $(head -c 400 "$T/err")"
	else
		ok
	fi
}

# expect_damage WHAT: the last check found problems and said so.
expect_damage() {
	expect_alive "$1"
	expect_rc 1 "$1"
	expect_err "problems\? found; rebuild it" "$1: says what to do"
	[ -s "$T/out" ] && ok || fail "$1: lists no problem"
}

# expect_verdict WHAT: the last check found the index sound (a flip in
# the unused part of a block harms nothing) or found problems, and said
# so; nothing else.
expect_verdict() {
	expect_alive "$1"
	case $rc in
	0) expect_out "no problems found" "$1: sound" ;;
	1) expect_err "problems\? found; rebuild it" "$1: damaged" ;;
	*) fail "$1: exit $rc: $(head -c 400 "$T/err")" ;;
	esac
}

# expect_search WHAT: a search on the damaged index gives results or one
# clear line of error.
expect_search() {
	run --index "$DMG" search japan
	expect_alive "$1: search"
	case $rc in
	0) ok ;;
	1) expect_eq "$(wc -l <"$T/err")" "1" "$1: search fails in one line"
	   expect_err "^newsidx: " "$1: search says why" ;;
	*) fail "$1: search exit $rc" ;;
	esac
}

# flip FILE OFFSET COUNT: invert the bits of COUNT bytes at OFFSET.
flip() {
	esc=
	for b in $(od -An -tu1 -j "$2" -N "$3" "$1"); do
		esc="$esc$(printf '\\%03o' $((b ^ 255)))"
	done
	printf "$esc" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# smash FILE BLOCK: overwrite 8 KiB block BLOCK of FILE.
smash() {
	head -c 8192 /dev/zero | tr '\000' '\245' |
		dd of="$1" bs=8192 seek="$2" conv=notrunc 2>/dev/null
}

# The live generation of index $1.
live() {
	echo "$1/$(cut -d' ' -f2 "$1/XAPIANDB")"
}

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

# Damage.  The fresh index keeps an empty document data table of one
# block; a compacted copy has every block of every table in use, so
# damage anywhere in a block's header is damage to the index.
DMG="$T/damaged"
cp -r "$IDX" "$DMG"
gen=$(live "$DMG")
if [ -f "$gen/docdata.glass" ]; then
	cp "$gen/docdata.glass" "$T/pristine"
	smash "$gen/docdata.glass" 0
	run --index "$DMG" check
	expect_damage "docdata.glass smashed"
	expect_search "docdata.glass smashed"
	cp "$T/pristine" "$gen/docdata.glass"
fi
rm -rf "$DMG"
cp -r "$IDX" "$T/compact"
run --index "$T/compact" compact
expect_rc 0 "compact a copy"
cp -r "$T/compact" "$DMG"
gen=$(live "$DMG")
tables=0
for f in "$gen"/*.glass; do
	t=$(basename "$f")
	blocks=$(($(wc -c <"$f") / 8192))
	cp "$f" "$T/pristine"
	smash "$f" $((blocks / 2))
	run --index "$DMG" check
	expect_damage "$t: its middle block smashed"
	expect_search "$t: its middle block smashed"
	cp "$T/pristine" "$f"
	tables=$((tables + 1))
done
[ "$tables" -ge 4 ] && ok || fail "only $tables tables damaged"

# A few bytes flipped here and there, the term lists most densely:
# libxapian's own check crashes on some of these, and reading a damaged
# term list crashes its readers.
found=0
for f in "$gen"/*.glass; do
	t=$(basename "$f")
	size=$(wc -c <"$f")
	step=16384
	[ "$t" = termlist.glass ] && step=2048
	cp "$f" "$T/pristine"
	off=100
	while [ "$off" -lt "$size" ]; do
		flip "$f" "$off" 4
		run --index "$DMG" check
		expect_verdict "$t: 4 bytes flipped at $off"
		[ "$rc" -eq 1 ] && found=$((found + 1))
		expect_search "$t: 4 bytes flipped at $off"
		cp "$T/pristine" "$f"
		off=$((off + step))
	done
done
[ "$found" -gt 0 ] && ok || fail "no flipped bytes were found"
run --index "$DMG" check
expect_rc 0 "the damage undone, the index is sound again"
rm -rf "$DMG"

# An index whose tables cannot be opened read/write, as Xapian's check
# opens them, cannot be checked: it is no sign of damage.  Root may write
# whatever the modes say, so root runs check without the capabilities
# that let it (setpriv); where it cannot drop them, this is skipped.
RO="$T/ro"
cp -r "$IDX" "$RO"
chmod -R a-w "$RO"
as=
can=yes
if [ "$(id -u)" -eq 0 ]; then
	as="setpriv --bounding-set=-dac_override,-dac_read_search"
	$as true 2>/dev/null || can=no
fi
if [ "$can" = yes ] &&
	$as sh -c ": >>'$(live "$RO")/postlist.glass'" 2>/dev/null; then
	can=no
fi
if [ "$can" = no ]; then
	echo "skipped: a read-only index (its files stay writable here)"
else
	$as "$NEWSIDX" --index "$RO" check >"$T/out" 2>"$T/err"
	rc=$?
	expect_rc 74 "check on a read-only index"
	expect_err "^newsidx: cannot check $RO: cannot open .* read/write" \
		"says it cannot check, and why"
	expect_eq "$(wc -l <"$T/err")" "1" "in one line"
	expect_eq "$(wc -c <"$T/out")" "0" "and reports no problem"
	$as "$NEWSIDX" --index "$RO" check --json >"$T/out" 2>"$T/err"
	rc=$?
	expect_rc 74 "check --json on a read-only index"
	$as "$NEWSIDX" --index "$RO" stats >"$T/out" 2>"$T/err"
	rc=$?
	expect_rc 0 "stats on a read-only index"
	$as "$NEWSIDX" --index "$RO" search japan >"$T/out" 2>"$T/err"
	rc=$?
	expect_rc 0 "search on a read-only index"
fi
chmod -R u+w "$RO"

# A writer re-indexing article by article, a commit each, until told to
# stop; it counts its runs.  Every check and stats meanwhile must pass:
# what a commit spoiled is read again.  They go on until the writer has
# finished two more runs, so every one of them had a writer committing
# under it.
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

# A check whose retries all met a commit says so and exits 75, as
# documented; on a slow machine (a sanitizer build under load) that can
# happen, but most checks must get through, and none may call the index
# damaged.
n=0
passed=0
start=$(runs)
while [ "$n" -lt 40 ] || [ "$(runs)" -lt $((start + 2)) ]; do
	run --index "$BUSY" check
	case $rc in
	0) passed=$((passed + 1)) ;;
	75) grep -q "check again when it is idle" "$T/err" ||
		fail "check $n while a writer commits: exit 75 without saying why: $(head -c 300 "$T/err")" ;;
	*) fail "check $n while a writer commits: exit $rc: $(head -c 300 "$T/out") $(head -c 300 "$T/err")" ;;
	esac
	n=$((n + 1))
done
[ "$passed" -ge $((n / 2)) ] && ok ||
	fail "only $passed of $n checks got through a writer's commits"
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
run --index "$BUSY" check
expect_rc 0 "the writer gone, the index is sound"

finish
