#!/bin/sh
# End-to-end: the indexing sequence, indexed:, and standing queries
# (newsidx watch).  What is new is judged by when newsidx indexed an
# article, not by its date; a failed delivery repeats rather than loses;
# watches survive compact and rebuild.
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"
IN="$T/in"
mkdir -p "$IN"
cp "$FIXTURES/watch/day1.jsonl" "$IN/wire.jsonl"

nx() { run --index "$IDX" "$@"; }
# ids: the ids of the --jsonl output, one line, in order.
ids() { jq -r .id "$T/out" | tr '\n' ' ' | sed 's/ $//'; }
seqno() { "$NEWSIDX" --index "$IDX" stats --json | jq .sequence; }

nx index "$IN"
expect_rc 0 "index day 1"
expect_eq "$(seqno)" 2 "two articles, two sequences"

# ---- indexed: ----
nx search --json 'indexed:1h'
expect_eq "$(jqout .total)" 2 "indexed:1h: both just indexed"
nx search --json 'indexed:2000-01-01..2000-12-31'
expect_eq "$(jqout .total)" 0 "indexed: a year long past"
nx search --json 'indexed:2024-03-07..'
expect_eq "$(jqout .total)" 2 "indexed: open range"
nx search --json 'indexed:#2..'
expect_eq "$(jqout '.hits[0].id')" w-port-1 "indexed:#2.. is the second article"
nx search --json 'railway indexed:#1..1'
expect_eq "$(jqout .total)" 1 "indexed:#1..1 with a word"
for bad in 'indexed:#0' 'indexed:#5..2' 'indexed:7x' 'indexed:#x..'; do
	nx search "$bad"
	expect_rc 2 "bad $bad"
	expect_err "query syntax error at column" "$bad: one line with the column"
	expect_eq "$(wc -l < "$T/err")" 1 "$bad: one line"
done

# ---- add: only what comes after it, unless --from-start ----
nx watch add rail railway
expect_rc 0 "watch add"
nx watch add all-rail --from-start railway
expect_rc 0 "watch add --from-start"
nx watch run rail
expect_rc 0 "nothing new since add"
expect_eq "$(wc -c < "$T/out")" 0 "nothing new prints nothing"
nx watch run all-rail --jsonl
expect_rc 0 "from start"
expect_eq "$(ids)" w-rail-1 "--from-start reports what was there"
expect_eq "$(jqout .watch)" all-rail "each line names its watch"
nx watch run all-rail --jsonl
expect_eq "$(wc -c < "$T/out")" 0 "a second run reports nothing"

# ---- a back-dated article indexed later is new ----
cat "$FIXTURES/watch/day2.jsonl" >> "$IN/wire.jsonl"
nx index "$IN"
nx watch run rail --jsonl
expect_rc 0 "day 2"
expect_eq "$(ids)" "w-rail-old w-rail-2" "back-dated and new, in the order indexed"
nx watch run rail --jsonl
expect_eq "$(wc -c < "$T/out")" 0 "reported once"

# ---- replaced articles: again only when the text changed ----
# Rewrite the file with the same articles in another order: every one
# is read again, none has changed.
tac "$IN/wire.jsonl" > "$T/rev" && mv "$T/rev" "$IN/wire.jsonl"
before=$(seqno)
nx index "$IN"
expect_eq "$(seqno)" "$before" "unchanged articles keep their sequence"
nx watch run rail --jsonl
expect_eq "$(wc -c < "$T/out")" 0 "replaced unchanged: not reported"
sed 's/on Thursday, officials said/on Thursday, officials said; work starts in May/' \
	"$IN/wire.jsonl" > "$T/ch" && mv "$T/ch" "$IN/wire.jsonl"
nx index "$IN"
nx watch run rail --jsonl
expect_eq "$(ids)" w-rail-1 "changed text: reported again"

# ---- a failed delivery repeats ----
echo '{"id": "w-rail-3", "title": "Railway station reopens", "body": "The railway station reopened.", "date": "2024-03-09"}' >> "$IN/wire.jsonl"
nx index "$IN"
nx watch run rail --exec "cat > '$T/got'; exit 3"
expect_rc 1 "--exec failing"
expect_err "exited with status 3" "says why"
expect_eq "$(wc -l < "$T/err")" 1 "one line"
nx watch run rail --exec "cat > '$T/got'; echo \"\$NEWSIDX_WATCH \$NEWSIDX_WATCH_COUNT\" > '$T/env'"
expect_rc 0 "--exec succeeding"
expect_eq "$(jq -r .id "$T/got")" w-rail-3 "the command got the repeated article"
expect_eq "$(cat "$T/env")" "rail 1" "NEWSIDX_WATCH and NEWSIDX_WATCH_COUNT"
: > "$T/got"
nx watch run rail --exec "cat > '$T/got'"
expect_eq "$(wc -c < "$T/got")" 0 "after success: nothing"

# ---- output that cannot be written keeps the cursor ----
echo '{"id": "w-rail-4", "title": "Railway fares", "body": "Railway fares rise.", "date": "2024-03-10"}' >> "$IN/wire.jsonl"
nx index "$IN"
"$NEWSIDX" --index "$IDX" watch run rail >&- 2>"$T/err"
rc=$?
expect_rc 1 "stdout closed"
expect_err "standard output" "names the output"
if [ -w /dev/full ]; then
	"$NEWSIDX" --index "$IDX" watch run rail --jsonl >/dev/full 2>"$T/err"
	rc=$?
	expect_rc 1 "full disk"
	expect_err "No space left" "says the disk is full"
fi
nx watch run rail
expect_rc 0 "then delivered"
expect_out "Railway fares" "text output has the title"
expect_out "^\[rail\]" "text output names the watch"

# ---- the lock: delivered but not saved repeats, and waits are short ----
echo '{"id": "w-rail-5", "title": "Railway bridge", "body": "A railway bridge opens.", "date": "2024-03-11"}' >> "$IN/wire.jsonl"
nx index "$IN"
flock "$IDX/lock" sleep 5 &
holder=$!
sleep 1
nx watch run rail --jsonl --lock-timeout 0.2
expect_rc 75 "lock held by another writer"
expect_eq "$(ids)" w-rail-5 "still delivered"
expect_err "come again next run" "says it repeats"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
nx watch run rail --jsonl
expect_eq "$(ids)" w-rail-5 "repeated after the lock"

# ---- --keep-cursor, --max ----
nx watch run all-rail --jsonl --keep-cursor --max 2
expect_eq "$(ids)" "w-rail-old w-rail-2" "--max: the first indexed"
nx watch run all-rail --jsonl --max 2
expect_eq "$(ids)" "w-rail-old w-rail-2" "--keep-cursor kept it"
nx watch run all-rail --jsonl
expect_eq "$(ids)" "w-rail-1 w-rail-3 w-rail-4 w-rail-5" "the rest next run"

# ---- stats and list ----
nx stats
expect_out "watches:      2" "stats counts the watches"
expect_out "rail: railway" "stats lists them"
nx stats --json
expect_eq "$(jqout '[.watches[].name] | join(",")')" "all-rail,rail" "stats --json"
expect_eq "$(jqout '.watches[1].behind')" 0 "rail is up to date"
nx watch list --json
expect_eq "$(jqout '.watches | length')" 2 "watch list --json"

# ---- compact and rebuild keep watches, cursors and sequences ----
seq_before=$(seqno)
cursor_before=$("$NEWSIDX" --index "$IDX" watch list --json | jq '.watches[1].cursor')
nx compact
expect_rc 0 "compact"
nx watch list --json
expect_eq "$(jqout '.watches[1].cursor')" "$cursor_before" "compact keeps the cursor"
nx search --json "indexed:#$seq_before..$seq_before"
expect_eq "$(jqout .total)" 1 "compact keeps the sequences"
nx rebuild
expect_rc 0 "rebuild"
expect_eq "$(seqno)" "$seq_before" "rebuild gives no new sequence"
nx watch list --json
expect_eq "$(jqout '.watches[1].cursor')" "$cursor_before" "rebuild keeps the cursor"
nx watch run --jsonl
expect_rc 0 "run all after rebuild"
expect_eq "$(wc -c < "$T/out")" 0 "a rebuild makes nothing new"
echo '{"id": "w-rail-6", "title": "Railway signals", "body": "New railway signals.", "date": "2024-03-12"}' >> "$IN/wire.jsonl"
nx index "$IN"
nx watch run --jsonl
expect_eq "$(ids)" "w-rail-6 w-rail-6" "both watches, after the rebuild"

# ---- lean index: an article stored as it is keeps its sequence ----
LEAN="$T/lean"
"$NEWSIDX" --index "$LEAN" index --lean "$IN" >/dev/null 2>&1
"$NEWSIDX" --index "$LEAN" watch add r railway >/dev/null 2>&1
s1=$("$NEWSIDX" --index "$LEAN" stats --json | jq .sequence)
tac "$IN/wire.jsonl" > "$T/rev" && mv "$T/rev" "$IN/wire.jsonl"
"$NEWSIDX" --index "$LEAN" index "$IN" >/dev/null 2>&1
expect_eq "$("$NEWSIDX" --index "$LEAN" stats --json | jq .sequence)" "$s1" "lean: unchanged keeps"
run --index "$LEAN" watch run r
expect_eq "$(wc -c < "$T/out")" 0 "lean: nothing new"

# ---- rm, and errors ----
nx watch rm rail
expect_rc 0 "rm"
nx watch list --json
expect_eq "$(jqout '[.watches[].name] | join(",")')" all-rail "rm removed it"
nx watch rm rail
expect_rc 2 "rm again"
expect_err "no watch 'rail'" "rm unknown"
nx watch run nosuch
expect_rc 2 "run unknown"
expect_err "no watch 'nosuch'" "run unknown says so"
for name in 'a b' '.hidden' '-x' 'a/b' \
	'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'; do
	nx watch add -- "$name" railway
	expect_rc 2 "bad name '$name'"
	expect_err "invalid watch name" "bad name '$name' says so"
	expect_eq "$(wc -l < "$T/err")" 1 "bad name '$name': one line"
done
nx watch add all-rail railway
expect_rc 2 "name in use"
expect_err "exists" "name in use says so"
nx watch add q1 '"unclosed phrase'
expect_rc 2 "bad query"
expect_err "query syntax error" "bad query says where"
expect_eq "$(wc -l < "$T/err")" 1 "bad query: one line"
nx watch add q2 railway --lang xx
expect_rc 2 "unknown language"
nx watch add q3
expect_rc 2 "no query"
nx watch frobnicate
expect_rc 2 "unknown subcommand"
nx watch run --json --jsonl
expect_rc 2 "two output modes"
nx watch list --exec true
expect_rc 2 "an option of another subcommand"
run --index "$T/none" watch list
expect_rc 1 "no index"
nx help watch
expect_out "newsidx watch run" "help watch"

finish
