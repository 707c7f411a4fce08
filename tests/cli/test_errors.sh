#!/bin/sh
# End-to-end: error paths and exit codes: usage errors (2), a missing
# index, a locked index (75), lock timeouts, a corrupt index and an index
# of another schema version (1), and output errors.
. "$top_srcdir/tests/cli/lib.sh"

XTOOL="$top_builddir/tests/helpers/xtool"
IDX="$T/idx"

# Usage errors.
run frobnicate
expect_rc 2 "unknown command"
expect_err "unknown command 'frobnicate'" "unknown command named"
run
expect_rc 2 "no command"
run search
expect_rc 2 "search without a query"
run index
expect_rc 2 "index without a path"
run search --limit x japan
expect_rc 2 "bad --limit"
expect_err "bad --limit 'x'" "bad value named"
run search --frob japan
expect_rc 2 "unknown search option"
run index --sort date "$FIXTURES/good"
expect_rc 2 "unknown index option"
run help frobnicate
expect_rc 2 "help for an unknown command"

# A missing index is a one-line hint, not an engine message.
run --index "$T/none" search japan
expect_rc 1 "missing index"
expect_err "^newsidx: no index at $T/none; run: newsidx index PATH$" \
	"missing index hint"
expect_eq "$(wc -l <"$T/err")" "1" "one line"
if [ -e "$T/none" ]; then fail "a search must not create an index"; else ok; fi

run --index "$IDX" index "$FIXTURES/good"
expect_rc 0 "index fixtures"

# Locked: another writer holds the index.
mkfifo "$T/hold"
"$XTOOL" hold "$IDX" <"$T/hold" >"$T/ready" &
holder=$!
exec 3>"$T/hold"
i=0
while [ "$(cat "$T/ready")" != ready ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
run --index "$IDX" index --lock-timeout 0 "$FIXTURES/good"
expect_rc 75 "locked index"
expect_err "^newsidx: index $IDX is locked by another writer$" \
	"locked message names the index"
run --index "$IDX" index --lock-timeout 0.3 "$FIXTURES/good"
expect_rc 75 "lock timeout expires"
expect_err "gave up waiting" "timeout message"
# Readers are never blocked by the writer.
run --index "$IDX" search zeppelin
expect_rc 0 "search while locked"
expect_out "^1 article matches" "search result while locked"
# A waiting writer gets the lock once it is released.
"$NEWSIDX" --index "$IDX" index --lock-timeout 30 "$FIXTURES/good" \
	>"$T/waiter.out" 2>&1 3>&- &
waiter=$!
sleep 0.5
exec 3>&-
wait "$holder"
wait "$waiter"
expect_eq "$?" "0" "a waiting writer succeeds after the release"

# An index of another schema version is refused with the fix.
cp -r "$IDX" "$T/old"
"$XTOOL" setmeta "$T/old" newsidx.schema 999 || fail "xtool setmeta"
run --index "$T/old" search zeppelin
expect_rc 1 "schema mismatch"
expect_err "has schema version 999 but this newsidx uses 7; rebuild it" \
	"schema mismatch explained"
run --index "$T/old" index "$FIXTURES/good"
expect_rc 1 "a writer refuses it too"
run --index "$T/old" stats
expect_rc 0 "stats describe an outdated index"
expect_out "schema:       999 (outdated: run newsidx rebuild)" "stats show it"
run --index "$T/old" rebuild
expect_rc 0 "rebuild upgrades an outdated index"
run --index "$T/old" search zeppelin
expect_rc 0 "the rebuilt index is searchable"
expect_out "^1 article matches" "the rebuilt index has the articles"
cp -r "$IDX" "$T/stem"
"$XTOOL" setmeta "$T/stem" newsidx.stemmer_version 0000 || fail "xtool setmeta"
run --index "$T/stem" search zeppelin
expect_rc 1 "stemmer mismatch"
expect_err "different libstemmer" "stemmer mismatch explained"

# A corrupt index: a clear one-line error, exit 1.
cp -r "$IDX" "$T/bad"
for f in "$T"/bad/gen-*/*.glass; do
	head -c 8192 /dev/urandom >"$f"
done
run --index "$T/bad" search zeppelin
expect_rc 1 "corrupt index"
expect_err "^newsidx: .*$T/bad" "corrupt index named"
expect_eq "$(wc -l <"$T/err")" "1" "one line for a corrupt index"
run --index "$T/bad" check
expect_rc 1 "check finds the damage"
expect_err "problems\? found; rebuild it" "check says what to do"
[ -s "$T/out" ] && ok || fail "check lists the problems"
run --index "$IDX" check
expect_rc 0 "check passes a sound index"
run --index "$T/none" check
expect_rc 1 "check without an index"
expect_err "no index at" "check names the missing index"

# Output errors are reported.
if [ -w /dev/full ]; then
	"$NEWSIDX" --index "$IDX" search zeppelin >/dev/full 2>"$T/err"
	rc=$?
	expect_rc 1 "writing to a full device"
	expect_err "writing output" "output error named"
fi

finish
