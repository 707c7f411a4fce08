#!/bin/sh
# End-to-end: incremental, cron-safe indexing.  Unchanged, touched,
# changed, vanished and failed inputs; kill -9 at random moments; two
# writers at once; searches during indexing, compaction and rebuilds;
# SIGINT and SIGTERM; the maintenance commands.
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"
C="$T/corpus"

# make_corpus DIR FILES PER-FILE TAG: JSON Lines files of distinct
# articles with predictable ids and titles.
make_corpus() {
	mkdir -p "$1"
	awk -v dir="$1" -v files="$2" -v per="$3" -v tag="$4" 'BEGIN {
		for (f = 1; f <= files; f++) {
			out = sprintf("%s/part-%04d.jsonl", dir, f)
			for (r = 1; r <= per; r++) {
				id = sprintf("a%04d-%03d", f, r)
				printf("{\"id\":\"%s\",\"title\":\"%s %s title\",", id, tag, id) > out
				printf("\"body\":\"Story %s about harbour cranes and %s rail freight number %d.\",", id, tag, r) > out
				printf("\"date\":\"2024-%02d-%02dT10:00:00Z\",\"source\":\"Wire %d\"}\n", (f % 12) + 1, (r % 28) + 1, f % 3) > out
			}
			close(out)
		}
	}'
}

# dump: "id<TAB>title" of every article, sorted.
dump() {
	"$NEWSIDX" --index "$IDX" search --json --limit 100000 --no-snippets \
		--all-copies -- -qqqqnothing | jq -r '.hits[] | "\(.id)\t\(.title)"' | sort
}

summary() {
	"$NEWSIDX" --index "$IDX" index --json "$@" "$C" 2>"$T/err"
}

make_corpus "$C" 20 10 alpha
run --index "$IDX" index "$C"
expect_rc 0 "first run"
expect_eq "$(dump | wc -l)" "200" "all articles indexed"

# Unchanged: nothing read, nothing printed.
run --index "$IDX" index "$C"
expect_rc 0 "second run"
if [ -s "$T/out" ] || [ -s "$T/err" ]; then
	fail "an unchanged run prints nothing"
else ok; fi
summary >"$T/sum"
expect_eq "$(jq -r '[.files_read, .files_unchanged, .added, .updated,
	.deleted] | join(" ")' "$T/sum")" "0 20 0 0 0" "unchanged run reads nothing"

# Touched but not changed: the hash confirms, nothing is re-indexed.
touch "$C/part-0003.jsonl" "$C/part-0004.jsonl"
summary >"$T/sum"
expect_eq "$(jq -r '[.files_read, .files_unchanged, .updated] | join(" ")' \
	"$T/sum")" "0 20 0" "touched files are not re-indexed"
summary >"$T/sum"
expect_eq "$(jq -r .files_unchanged "$T/sum")" "20" "and are re-stamped"

# Changed: one record edited, one removed.
sed -i 's/alpha a0005-002 title/edited a0005-002 title/' "$C/part-0005.jsonl"
sed -i '/"a0005-010"/d' "$C/part-0005.jsonl"
summary >"$T/sum"
expect_eq "$(jq -r '[.files_read, .added, .updated, .deleted] | join(" ")' \
	"$T/sum")" "1 0 9 1" "a changed file replaces and drops articles"
expect_eq "$(dump | grep -c 'edited a0005-002')" "1" "the edit is searchable"
expect_eq "$(dump | grep -c a0005-010)" "0" "the removed record is gone"
expect_eq "$(dump | wc -l)" "199" "no duplicates after a change"

# Vanished files: removed, unless --no-delete.
rm "$C/part-0007.jsonl"
summary --no-delete >"$T/sum"
expect_eq "$(jq -r .deleted "$T/sum")" "0" "--no-delete keeps them"
expect_eq "$(dump | grep -c a0007-)" "10" "still searchable"
summary >"$T/sum"
expect_eq "$(jq -r .deleted "$T/sum")" "10" "vanished file's articles deleted"
expect_eq "$(dump | grep -c a0007-)" "0" "and gone from searches"
# Indexing another path never deletes what lies outside it.
mkdir -p "$T/other"
cp "$FIXTURES/good/alpha.txt" "$T/other/"
run --index "$IDX" index "$T/other"
expect_eq "$(dump | wc -l)" "190" "another path adds without deleting"

# Failed inputs are remembered, and retried when asked or changed.
printf '{"id":"bad1","body":"broken\n' >"$C/broken.jsonl"
run --index "$IDX" index "$C"
expect_rc 65 "a bad file is rejected"
run --index "$IDX" index "$C"
expect_rc 0 "an unchanged failed file is not retried"
# Not an error again, but never forgotten in silence: one line, on every
# run, says how many and where to look (tests/cli/test_encoding.sh has
# the rest).
expect_eq "$(wc -l <"$T/err")" "1" "and not reported again, but reminded"
expect_err "^newsidx: warning: 1 file that failed before was not read again (unchanged); 'newsidx stats' says why" \
	"the reminder"
run --index "$IDX" index --retry-failed "$C"
expect_rc 65 "--retry-failed retries it"
printf '{"id":"bad1","title":"mended","body":"now fine"}\n' >"$C/broken.jsonl"
run --index "$IDX" index "$C"
expect_rc 0 "a failed file is retried once it changes"
expect_eq "$(dump | grep -c '^bad1	mended')" "1" "the mended file is indexed"

# The maintenance commands.
run --index "$IDX" stats
expect_rc 0 "stats"
expect_out "^articles:     191$" "stats counts articles"
expect_out "Wire 1" "stats lists sources"
expect_out "2024-03" "stats lists months"
run --index "$IDX" stats --json
expect_eq "$(jqout '[.articles, .schema_version, (.months | add)] | join(" ")')" \
	"191 7 190" "stats --json"
run --index "$IDX" check
expect_rc 0 "check passes"
run --index "$IDX" delete a0001-001 a0001-002
expect_rc 0 "delete IDs"
run --index "$IDX" delete a0001-001
expect_rc 1 "deleting a missing id fails"
expect_err "no article with id a0001-001" "and says so"
run --index "$IDX" delete --query 'id:a0002-001 OR id:a0002-002 OR id:a0002-003'
expect_rc 0 "delete --query"
expect_eq "$(dump | wc -l)" "186" "deletes took effect"
dump >"$T/before"
run --index "$IDX" compact
expect_rc 0 "compact"
dump >"$T/after"
cmp -s "$T/before" "$T/after" && ok || fail "compact keeps every article"
run --index "$IDX" check
expect_rc 0 "check passes after compact"
run --index "$IDX" rebuild
expect_rc 0 "rebuild"
# A rebuild re-reads the files, so the deleted articles come back.
expect_eq "$(dump | wc -l)" "191" "rebuild re-indexes every file"
# No reader holds the generation a rebuild or compact retires: it is
# gone when the command returns, and stats counts the whole directory.
ls -d "$IDX"/gen-* >"$T/gens"
expect_eq "$(wc -l <"$T/gens")" "1" "a rebuild leaves only the live generation"
run --index "$IDX" compact
ls -d "$IDX"/gen-* >"$T/gens"
expect_eq "$(wc -l <"$T/gens")" "1" "a compact leaves only the live generation"
run --index "$IDX" stats --json
du_bytes=$(du -s -B1 "$IDX" | cut -f1)
stats_bytes=$(jq .disk_bytes "$T/out")
expect_eq "$(( stats_bytes * 100 / du_bytes ))" "100" "stats gives the directory's disk use"
expect_eq "$(jq .retired_bytes "$T/out")" "0" "no retired generation is held"

# A large first load is compacted at the end (--no-compact keeps it).
make_corpus "$T/big" 50 200 delta
run --index "$T/bigidx" index "$T/big"
expect_rc 0 "a first load of 10,000 articles"
expect_eq "$(cat "$T/bigidx/XAPIANDB")" "glass gen-2" \
	"a large first load is compacted into a new generation"
expect_eq "$("$NEWSIDX" --index "$T/bigidx" search --json --all-copies -- -qqq |
	jq .total)" "10000" "with every article"
run --index "$T/bigidx2" index --no-compact "$T/big"
expect_eq "$(cat "$T/bigidx2/XAPIANDB")" "glass gen-1" "--no-compact"
rm -rf "$T/big" "$T/bigidx" "$T/bigidx2"

# kill -9 at random moments, with files changing between runs; then
# one clean run must leave exactly the input, without duplicates.
rm -rf "$IDX" "$C" "$T/other"
make_corpus "$C" 60 40 beta
i=0
while [ $i -lt 15 ]; do
	"$NEWSIDX" --index "$IDX" index --batch-size 37 "$C" \
		>/dev/null 2>&1 &
	pid=$!
	delay=$(awk -v s="$i" 'BEGIN { srand(s * 7919 + 17); printf "%.3f", rand() * 0.25 }')
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# Change a file between runs: a new title for one record.
	f=$(printf '%s/part-%04d.jsonl' "$C" $((i * 5 % 60 + 1)))
	sed -i "s/beta \\(a[0-9]*-001\\) title/gamma \\1 title/" "$f"
	i=$((i + 1))
done
run --index "$IDX" index "$C"
expect_rc 0 "the run after the kills completes"
awk -F'"' '{ print $4 "\t" $8 }' "$C"/part-*.jsonl | sort >"$T/want"
dump >"$T/got"
expect_eq "$(wc -l <"$T/got")" "2400" "no missing and no duplicate article"
cmp -s "$T/want" "$T/got" && ok ||
	fail "content after kill -9: $(diff "$T/want" "$T/got" | head -5)"
run --index "$IDX" check
expect_rc 0 "the index is sound after the kills"

# The same with bulk loads in two shards: until one completes, each run
# starts on an empty index, and a kill before the switch must leave it
# empty and usable.
rm -rf "$IDX"
i=0
while [ $i -lt 10 ]; do
	"$NEWSIDX" --index "$IDX" index --jobs 2 --shards 2 "$C" \
		>/dev/null 2>&1 &
	pid=$!
	delay=$(awk -v s="$i" 'BEGIN { srand(s * 104729 + 3); printf "%.3f", rand() * 0.2 }')
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ -f "$IDX/XAPIANDB" ]; then
		n=$("$NEWSIDX" --index "$IDX" stats --json 2>/dev/null |
			jq .articles)
		case $n in
		0 | 2400) ;;
		*) fail "after kill $i of a bulk load: $n articles" ;;
		esac
	fi
	i=$((i + 1))
done
run --index "$IDX" index --jobs 2 --shards 2 "$C"
expect_rc 0 "a bulk load after the kills completes"
dump >"$T/got"
cmp -s "$T/want" "$T/got" && ok ||
	fail "content after kills of bulk loads: $(diff "$T/want" "$T/got" | head -5)"
run --index "$IDX" check
expect_rc 0 "the index is sound after killed bulk loads"

# --shards: the JSON summary says how many were merged; a load into a
# non-empty index has one writer whatever is asked.
rm -rf "$IDX"
"$NEWSIDX" --index "$IDX" index --json --jobs 2 --shards 3 "$C" >"$T/j1"
expect_eq "$(jq '[.shards, .added] | join(" ")' "$T/j1")" '"3 2400"' \
	"a bulk load in three shards"
expect_eq "$(cat "$IDX/XAPIANDB")" "glass gen-6" \
	"merged into the generation after the shards, not compacted again"
"$NEWSIDX" --index "$IDX" index --json --force --shards 2 "$C" >"$T/j2"
expect_eq "$(jq '[.shards, .updated] | join(" ")' "$T/j2")" '"0 2400"' \
	"a non-empty index loads with one writer"
for bad in 0 9 x; do
	run --index "$IDX" index --shards "$bad" "$C"
	expect_rc 2 "--shards $bad is refused"
done

# --lean: compact positions, chosen when the index is created, kept by
# rebuilds unless asked; the same phrase answers as a position table.
rm -rf "$IDX" "$T/idx2"
run --index "$IDX" index --lean --jobs 2 --shards 2 "$C"
expect_rc 0 "a lean bulk load"
run --index "$T/idx2" index "$C"
expect_eq "$("$NEWSIDX" --index "$IDX" stats --json | jq -r .positions)" \
	compact "stats --json names compact positions"
expect_eq "$("$NEWSIDX" --index "$T/idx2" stats | grep '^positions:')" \
	"positions:    table" "stats names the position table"
for q in '"rail freight number 7"' '"harbour cranes"' 'cranes NEAR/2 rail' \
	'title:"alpha a0003-004"' '"freight rail"'; do
	expect_eq "$("$NEWSIDX" --index "$IDX" search --json "$q" | jq .total)" \
		"$("$NEWSIDX" --index "$T/idx2" search --json "$q" | jq .total)" \
		"lean and table agree on $q"
done
# Ranked, not only matched alike: a lean writer counts each article's
# words itself (title words weigh NEWSIDX_TITLE_WDF) where the table's
# gets a posting per word, so every score must come out the same.
# Without relevance feedback: its model comes from the ten best hits,
# and which ten, among these articles that score alike, follows the
# docid order, which a sharded load and a single writer do not share.
scores() {
	"$NEWSIDX" --index "$1" search --json --limit 100000 --no-snippets \
		--all-copies --no-feedback -- "$2" |
		jq -r '.hits[] | "\(.id) \(.score)"' | sort
}
for q in beta 'harbour rail' 'title:beta' 'freight 7' 'cranes OR a0003-004'; do
	scores "$IDX" "$q" >"$T/lean.scores"
	scores "$T/idx2" "$q" >"$T/table.scores"
	if [ -s "$T/lean.scores" ] && cmp -s "$T/lean.scores" "$T/table.scores"
	then ok; else fail "lean and table give the same scores for $q"; fi
done
want=$(cat "$C"/* | grep -c 'rail freight number 7\.')
expect_eq "$("$NEWSIDX" --index "$IDX" search --json '"rail freight number 7"' |
	jq .total)" "$want" "a lean phrase count, against grep"
run --index "$T/idx2" index --lean "$C"
expect_rc 2 "--lean on a non-empty index with a position table"
expect_err "rebuild --lean" "says how to change the layout"
run --index "$IDX" rebuild
expect_eq "$("$NEWSIDX" --index "$IDX" stats --json | jq -r .positions)" \
	compact "a rebuild keeps compact positions"
run --index "$IDX" rebuild --no-lean
expect_eq "$("$NEWSIDX" --index "$IDX" stats --json | jq -r .positions)" \
	table "rebuild --no-lean makes a position table"
expect_eq "$("$NEWSIDX" --index "$IDX" search --json '"rail freight number 7"' |
	jq .total)" "$want" "the same count with the table"
rm -rf "$T/idx2"

# Stem codes: a first lean run leaves them with its dictionary, and the
# next codes its positions with them (one byte for the commonest stems).
# Phrases find the same in coded and uncoded articles as with a table.
P="$T/coded"
rm -rf "$IDX" "$T/idx2" "$P"
make_corpus "$P/a" 30 20 codea
make_corpus "$P/b" 10 20 codeb
for d in a b; do
	run --index "$IDX" index --lean "$P/$d"
	expect_rc 0 "lean run $d"
	run --index "$T/idx2" index "$P/$d"
done
codes=$("$NEWSIDX" --index "$IDX" stats --json | jq .stem_codes)
if [ "$codes" -ge 10 ] && [ "$codes" -le 1000 ]; then ok; else
	fail "the first lean run leaves stem codes: $codes"; fi
expect_eq "$("$NEWSIDX" --index "$T/idx2" stats --json | jq .stem_codes)" \
	"0" "a position table has none"
"$NEWSIDX" --index "$IDX" stats | grep -q '^positions:    compact, [0-9]* stems coded short$' &&
	ok || fail "stats names the stem codes"
for q in '"harbour cranes"' '"cranes and codeb rail"' '"codea rail freight"' \
	'"story a0004-007 about"' '"a0012-003 about harbour"' \
	'title:"codeb a0002-005"' 'cranes NEAR/3 freight' \
	'"number 7"' '"freight number 17"' '"harbour and"'; do
	expect_eq "$("$NEWSIDX" --index "$IDX" search --json --all-copies "$q" |
		jq .total)" \
		"$("$NEWSIDX" --index "$T/idx2" search --json --all-copies "$q" |
		jq .total)" "coded, uncoded and table agree on $q"
done
expect_eq "$("$NEWSIDX" --index "$IDX" search --json --all-copies \
	'"cranes and codeb rail"' | jq .total)" "200" \
	"a phrase over coded positions finds every article"
run --index "$IDX" check
expect_rc 0 "check passes with coded positions"
cp -r "$IDX" "$T/damaged"
"$top_builddir/tests/helpers/xtool" setmeta "$T/damaged/$(cut -d' ' -f2 "$T/damaged/XAPIANDB")" \
	newsidx.stemcodes NXC1junk || fail "xtool setmeta"
run --index "$T/damaged" check
expect_rc 1 "check finds damaged stem codes"
expect_out "stem codes (newsidx.stemcodes) are damaged" "and says so"
run --index "$T/damaged" search '"harbour cranes"'
expect_rc 1 "a phrase search on damaged stem codes fails"
expect_err "has damaged stem codes; rebuild it" "and says why"
rm -rf "$T/damaged"
run --index "$IDX" rebuild
expect_eq "$("$NEWSIDX" --index "$IDX" search --json --all-copies \
	'"codea rail freight"' | jq .total)" "400" \
	"a rebuild makes its own codes and finds the same"
rm -rf "$T/idx2" "$P"

# Packed records: a run of 600 articles trains the record dictionary
# (metadata newsidx.dictionary) for the next one, whose records use it.
# An index turned back into schema 4 (records as document data, no
# dictionary) reads the same, and a writer relabels it as 7.
XTOOL="$top_builddir/tests/helpers/xtool"
P="$T/packed"
rm -rf "$IDX"
make_corpus "$P/a" 30 20 packa
make_corpus "$P/b" 5 20 packb
run --index "$IDX" index "$P/a"
expect_rc 0 "a first run of 600 articles"
dict=$("$NEWSIDX" --index "$IDX" stats --json | jq .dictionary_bytes)
if [ "$dict" -gt 1000 ]; then ok; else
	fail "the first run leaves a dictionary: $dict bytes"; fi
run --index "$IDX" index "$P/b"
expect_rc 0 "a second run, packed with the dictionary"
show_all() {
	for id in a0001-001 a0017-020 a0030-007; do
		"$NEWSIDX" --index "$IDX" show "$id"
	done
	"$NEWSIDX" --index "$IDX" search --limit 50 'harbour cranes'
	"$NEWSIDX" --index "$IDX" search --json --limit 50 '"rail freight"' |
		jq -c '[.total, [.hits[] | .id, .title, .snippet]]'
}
show_all >"$T/packed.out" 2>&1
expect_eq "$(grep -c 'Story a0017-020 about harbour cranes and packa' \
	"$T/packed.out")" "1" "a packed article shows its body"
run --index "$IDX" check
expect_rc 0 "check reads every packed record"
"$XTOOL" unpack "$IDX/$(cut -d' ' -f2 "$IDX/XAPIANDB")" ||
	fail "xtool unpack"
expect_eq "$("$NEWSIDX" --index "$IDX" stats --json |
	jq '[.schema_version, .dictionary_bytes] | join(" ")')" \
	'"4 0"' "the index is now schema 4, without a dictionary"
show_all >"$T/unpacked.out" 2>&1
if cmp -s "$T/packed.out" "$T/unpacked.out"; then ok; else
	fail "a schema 4 index shows and finds the same"; fi
run --index "$IDX" check
expect_rc 0 "check reads records from the document data"
make_corpus "$P/c" 2 20 packc
run --index "$IDX" index "$P/c"
expect_rc 0 "a writer on a schema 4 index"
expect_eq "$("$NEWSIDX" --index "$IDX" stats --json | jq .schema_version)" \
	"7" "relabels it as schema 7"
# The runs share ids, so each replaced some of the one before.
expect_eq "$(for t in packa packb packc; do
	"$NEWSIDX" --index "$IDX" search --json --all-copies "$t" | jq .total
done | tr '\n' ' ')" "500 60 40 " "old and new records side by side"
run --index "$IDX" show a0002-020
expect_out "packc" "a new record shows"
run --index "$IDX" check
expect_rc 0 "check reads both kinds"
# xtool unpack also gave the articles their file's path as the file term,
# as before schema 6: a vanished file's articles are still found.
rm "$P/a/part-0010.jsonl"
run --index "$IDX" index "$P/a"
expect_rc 0 "a run after a file of the old index vanished"
expect_eq "$("$NEWSIDX" --index "$IDX" search --json --all-copies packa |
	jq .total)" "480" "its 20 articles are gone"
run --index "$IDX" show a0010-003
expect_rc 1 "an article of the vanished file is gone"
# And a changed one: new articles carry the hashed term, and the old
# ones the file no longer holds go.
head -n 5 "$P/a/part-0011.jsonl" >"$T/short.jsonl"
mv "$T/short.jsonl" "$P/a/part-0011.jsonl"
run --index "$IDX" index "$P/a"
expect_rc 0 "a run after a file of the old index shrank"
expect_eq "$("$NEWSIDX" --index "$IDX" search --json --all-copies packa |
	jq .total)" "465" "the 15 articles it dropped are gone"
rm "$P/a/part-0011.jsonl"
run --index "$IDX" index "$P/a"
expect_eq "$("$NEWSIDX" --index "$IDX" search --json --all-copies packa |
	jq .total)" "460" "then the file's re-indexed articles go with it"
rm -rf "$P"

# A lean index has no term lists, so Xapian cannot delete from it: the
# articles of a changed or vanished file, replaced articles and deleted
# ones are listed (metadata newsidx.deleted) and hidden from every read
# until a compaction writes the index again without them.  A
# position-table index of the same files must agree.
L="$T/lean"
rm -rf "$L" "$T/li" "$T/ti"
make_corpus "$L" 3 100 gone
lean() { "$NEWSIDX" --index "$T/li" "$@"; }
table() { "$NEWSIDX" --index "$T/ti" "$@"; }
both_index() {
	lean index --lean "$L" >/dev/null 2>&1 || fail "lean run: $*"
	table index "$L" >/dev/null 2>&1 || fail "table run: $*"
}
agree() {
	for q in gone 'harbour cranes' '"gone rail freight"' 'title:gone' \
		'-qqqqnothing' 'cranes date:2024-02' 'rail NEAR/3 freight'; do
		expect_eq "$(lean search --json --all-copies -- "$q" | jq .total)" \
			"$(table search --json --all-copies -- "$q" | jq .total)" \
			"lean and table agree on $q ($1)"
	done
	expect_eq "$(lean stats --json | jq '[.articles, (.sources | add)] | join(" ")')" \
		"$(table stats --json | jq '[.articles, (.sources | add)] | join(" ")')" \
		"lean and table count the same articles ($1)"
}
both_index first
expect_eq "$(lean stats --json | jq -c '[.term_lists, .deleted]')" "[false,0]" \
	"a new lean index has no term lists"
if [ -e "$T/li/$(cut -d' ' -f2 "$T/li/XAPIANDB")/termlist.glass" ]; then
	fail "a lean index keeps no termlist table"; else ok; fi
expect_eq "$(table stats --json | jq -c '[.term_lists, .deleted]')" "[true,0]" \
	"a table index keeps its term lists"
head -n 40 "$L/part-0002.jsonl" >"$T/short.jsonl"
mv "$T/short.jsonl" "$L/part-0002.jsonl"
rm "$L/part-0003.jsonl"
lean index --no-compact "$L" >/dev/null 2>&1 || fail "lean run, no compaction"
table index "$L" >/dev/null 2>&1 || fail "table run"
agree "shrunk and vanished"
expect_eq "$(lean stats --json | jq -c '[.articles, .deleted]')" "[140,200]" \
	"140 articles remain, 200 listed deleted (the rewritten 40 too)"
lean_bytes=$(du -sb "$T/li" | cut -f1)
# A run that leaves a quarter of the articles listed deleted or more
# writes the index again without them, and gives their space back.
lean index "$L" >/dev/null 2>&1 || fail "lean run that reclaims"
expect_eq "$(lean stats --json | jq -c '[.articles, .deleted]')" "[140,0]" \
	"the next run writes the 140 again and drops the 200"
agree "rewritten without the deleted"
if [ "$(du -sb "$T/li" | cut -f1)" -lt "$lean_bytes" ]; then ok; else
	fail "the rewrite made the index smaller"; fi
expect_eq "$(ls -d "$T"/li/gen-* | wc -l)" "1" "one generation left on disk"
lean check >/dev/null
expect_eq "$?" "0" "check passes on the rewritten index"
lean show a0003-001 >/dev/null 2>&1
expect_eq "$?" "1" "an article of the vanished file is gone"
lean show a0002-041 >/dev/null 2>&1
expect_eq "$?" "1" "an article the file dropped is gone"
expect_eq "$(lean show a0002-040 | grep -c 'Story a0002-040')" "1" \
	"a rewritten article shows once"
expect_eq "$(lean similar --json --limit 500 a0001-001 |
	jq -r '.hits[].id' | grep -c -e '^a0003' -e '^a0002-0[4-9][1-9]')" "0" \
	"similar never offers a deleted article"
lean delete a0001-002 >/dev/null || fail "delete by id"
table delete a0001-002 >/dev/null || fail "delete by id (table)"
lean delete a0001-002 >/dev/null 2>&1
expect_eq "$?" "1" "a deleted id is gone"
lean delete --query 'title:a0001-003' >/dev/null || fail "delete by query"
table delete --query 'title:a0001-003' >/dev/null || fail "delete by query"
agree "deleted by id and query"
lean check >/dev/null
expect_eq "$?" "0" "check passes on listed deletions"
expect_eq "$(lean stats --json | jq -c '[.articles, .deleted]')" "[138,2]" \
	"two deleted, listed"
lean compact >/dev/null || fail "compact"
expect_eq "$(lean stats --json | jq -c '[.articles, .deleted]')" "[138,0]" \
	"compact writes the index again without them"
agree "compacted"
cp -r "$T/li" "$T/damaged"
"$top_builddir/tests/helpers/xtool" setmeta "$T/damaged/$(cut -d' ' -f2 "$T/damaged/XAPIANDB")" \
	newsidx.deleted junk || fail "xtool setmeta"
run --index "$T/damaged" search gone
expect_rc 1 "a damaged list of deleted articles stops a search"
expect_err "has a damaged list of deleted articles; rebuild it" "and says why"
rm -rf "$T/damaged"
# A rebuild reads the files again, deleted articles included.
lean rebuild >/dev/null || fail "rebuild"
table rebuild >/dev/null || fail "rebuild (table)"
expect_eq "$(lean stats --json | jq -c '[.articles, .deleted, .term_lists]')" \
	"[140,0,false]" "a rebuild drops the listed articles for good"
agree "rebuilt"
# A bulk load (two shards) that meets an id twice keeps the later one: a
# lean shard lists the earlier once the shards are merged.
rm -rf "$T/li" "$T/ti" "$L"
make_corpus "$L" 2 100 dupold
sed -n '1,30p' "$L/part-0001.jsonl" | sed 's/dupold/dupnew/g' >>"$L/part-0001.jsonl"
lean index --lean --shards 2 "$L" >/dev/null 2>&1 || fail "lean bulk load"
table index --shards 2 "$L" >/dev/null 2>&1 || fail "table bulk load"
expect_eq "$(lean stats --json | jq -c '[.articles, .deleted]')" "[200,30]" \
	"a bulk load lists the 30 earlier copies"
expect_eq "$(lean search --json dupnew | jq .total) $(lean search --json dupold | jq .total)" \
	"30 170" "the later copies win"
agree "bulk load with repeated ids"
rm -rf "$T/li" "$T/ti" "$T/lean"

# Runs of 100 articles each are too small to train a dictionary alone;
# the run that brings the index to 300 trains one from the stored
# articles and its own.
rm -rf "$IDX"
make_corpus "$P" 4 100 small
dicts=
for f in "$P"/part-*.jsonl; do
	run --index "$IDX" index "$f"
	dicts="$dicts $("$NEWSIDX" --index "$IDX" stats --json |
		jq '.dictionary_bytes > 0')"
done
expect_eq "$dicts" " false false true true" \
	"the third run of 100 articles trains the dictionary"
run --index "$IDX" show a0004-100
expect_out "Story a0004-100 about harbour cranes and small" \
	"an article packed with it shows"
run --index "$IDX" show a0001-001
expect_out "Story a0001-001 about harbour cranes and small" \
	"an article packed before the dictionary still shows"
run --index "$IDX" check
expect_rc 0 "check reads articles packed with and without it"
rm -rf "$P"

# The same small runs into a lean index: the run that trains the
# dictionary also counts the stems of the stored articles for the stem
# codes (its own 100 articles alone are too few), and the next run
# codes its positions.
rm -rf "$IDX" "$T/idx2"
make_corpus "$P" 5 100 small
codes=
for f in "$P"/part-*.jsonl; do
	run --index "$IDX" index --lean "$f"
	run --index "$T/idx2" index "$f"
	codes="$codes $("$NEWSIDX" --index "$IDX" stats --json |
		jq '.stem_codes > 0')"
done
expect_eq "$codes" " false false true true true" \
	"the third run of 100 lean articles makes stem codes"
for q in '"harbour cranes and small"' '"small rail freight number 99"' \
	'"story a0005-007 about"' 'title:"small a0004-100"'; do
	expect_eq "$("$NEWSIDX" --index "$IDX" search --json --all-copies "$q" |
		jq .total)" \
		"$("$NEWSIDX" --index "$T/idx2" search --json --all-copies "$q" |
		jq .total)" "small lean runs and a table agree on $q"
done
rm -rf "$P" "$T/idx2"

# Band terms: binary in an index made at schema 5 (newsidx.bands), hex
# in one made before; a writer keeps to the index's form, so wire
# copies across runs are found in both.
story() { # ID EXTRA
	printf '{"id":"%s","title":"Harbour floods","body":"Coastal towns prepared sandbags on Tuesday as the river rose past its banks after a week of heavy rain across the valley, and officials opened shelters in three schools for families from the lowest streets near the old harbour wall.%s"}\n' "$1" "$2"
}
group_of() {
	"$NEWSIDX" --index "$IDX" search --json --all-copies sandbags |
		jq -r --arg id "$1" '.hits[] | select(.id == $id) | .group'
}
B="$T/bands"
for form in binary hex; do
	rm -rf "$IDX" "$B"
	mkdir -p "$B"
	printf '{"id":"other","title":"Rates","body":"The central bank held its rates."}\n' \
		>"$B/0.jsonl"
	run --index "$IDX" index "$B/0.jsonl"
	if [ $form = hex ]; then
		# An index made before schema 5 has no newsidx.bands.
		"$XTOOL" setmeta "$IDX/$(cut -d' ' -f2 "$IDX/XAPIANDB")" \
			newsidx.bands "" || fail "xtool setmeta"
	fi
	story first "" >"$B/1.jsonl"
	run --index "$IDX" index "$B/1.jsonl"
	story second " Roads were closed." >"$B/2.jsonl"
	run --index "$IDX" index "$B/2.jsonl"
	expect_rc 0 "a copy in a later run ($form band terms)"
	g1=$(group_of first)
	if [ -n "$g1" ] && [ "$g1" = "$(group_of second)" ]; then ok; else
		fail "$form band terms: the copy joins the first's group"; fi
done
rm -rf "$B"

# Two writers: one holds the lock, a second with --lock-timeout 0 exits
# 75 naming the index, a third waits and then succeeds.
rm -rf "$IDX"
"$NEWSIDX" --index "$IDX" index --batch-size 50 "$C" >/dev/null 2>&1 &
first=$!
n=0
until [ -f "$IDX/lock" ] && ! flock -n "$IDX/lock" true 2>/dev/null; do
	n=$((n + 1))
	[ $n -gt 500 ] && break
	sleep 0.01
done
if kill -0 "$first" 2>/dev/null; then
	run --index "$IDX" index --lock-timeout 0 "$C"
	expect_rc 75 "a second writer with --lock-timeout 0"
	expect_err "index $IDX is locked by another writer" "names the index"
else
	ok # the first finished too fast to overlap; nothing to test
fi
"$NEWSIDX" --index "$IDX" index --lock-timeout 120 "$C" >"$T/w3" 2>&1
expect_eq "$?" "0" "a waiting writer succeeds"
wait "$first"
expect_eq "$?" "0" "the first writer succeeds"
expect_eq "$(dump | wc -l)" "2400" "both writers together lose nothing"

# Searches during indexing, compaction and rebuild never fail.
rm -rf "$IDX"
"$NEWSIDX" --index "$IDX" index "$C/part-0001.jsonl" >/dev/null 2>&1
( "$NEWSIDX" --index "$IDX" index --batch-size 20 "$C" &&
  "$NEWSIDX" --index "$IDX" compact &&
  "$NEWSIDX" --index "$IDX" rebuild ) >"$T/writer.log" 2>&1 &
writer=$!
searches=0
errors=0
while kill -0 "$writer" 2>/dev/null; do
	if ! "$NEWSIDX" --index "$IDX" search --json harbour >"$T/s.json" \
		2>"$T/s.err" || ! jq -e .total "$T/s.json" >/dev/null; then
		errors=$((errors + 1))
		cat "$T/s.err" >&2
	fi
	searches=$((searches + 1))
done
wait "$writer"
expect_eq "$?" "0" "index, compact and rebuild under searches"
expect_eq "$errors" "0" "no search failed during $searches searches"
[ "$searches" -gt 0 ] && ok || fail "searches ran"

# SIGTERM and SIGINT: a clean stop with 143 and 130, then a clean finish.
for sig in TERM INT; do
	rm -rf "$IDX"
	"$NEWSIDX" --index "$IDX" index --batch-size 10 "$C" \
		>"$T/sig.out" 2>&1 &
	pid=$!
	n=0
	until [ -f "$IDX/lock" ] && ! flock -n "$IDX/lock" true 2>/dev/null; do
		n=$((n + 1))
		[ $n -gt 500 ] && break
		sleep 0.01
	done
	kill -s "$sig" "$pid"
	wait "$pid"
	rc=$?
	if [ "$sig" = TERM ]; then want=143; else want=130; fi
	# A run that finished before the signal arrived exits 0.
	if [ "$rc" -eq "$want" ] || [ "$rc" -eq 0 ]; then ok; else
		fail "SIG$sig: exit $rc, expected $want"
	fi
	run --index "$IDX" check
	expect_rc 0 "sound after SIG$sig"
	run --index "$IDX" index "$C"
	expect_rc 0 "finishes after SIG$sig"
	expect_eq "$(dump | wc -l)" "2400" "complete after SIG$sig"
done

# A writer that died while it built a generation (a killed compact or
# rebuild) left it half-built beside the live one; the next writer
# removes it at once, since no reader ever opened it.
rm -rf "$IDX" "$C"
make_corpus "$C" 3 10 delta
run --index "$IDX" index "$C"
expect_rc 0 "an index to leave a half-built generation in"
live=$(cut -d' ' -f2 "$IDX/XAPIANDB")
dead="gen-$((${live#gen-} + 3))"
mkdir "$IDX/$dead"
head -c 8192 /dev/zero >"$IDX/$dead/postlist.glass"
run --index "$IDX" index "$C"
expect_rc 0 "the next run"
[ -e "$IDX/$dead" ] && fail "the half-built $dead is still there" || ok
expect_eq "$(cut -d' ' -f2 "$IDX/XAPIANDB")" "$live" "the live generation stays"
expect_eq "$(dump | wc -l)" "30" "with every article"

# make_words DIR FILES PER-FILE SEED: articles of 80 words drawn from a
# vocabulary of 20,000, spread over the dictionary as news text is.
make_words() {
	mkdir -p "$1"
	awk -v dir="$1" -v files="$2" -v per="$3" -v seed="$4" 'BEGIN {
		srand(seed)
		for (f = 1; f <= files; f++) {
			out = sprintf("%s/w%d-%04d.jsonl", dir, seed, f)
			for (r = 1; r <= per; r++) {
				body = ""
				for (k = 0; k < 80; k++)
					body = body sprintf(" w%xq", int(rand() * 20000))
				printf("{\"id\":\"s%d-%04d-%03d\",\"title\":\"t%d\",\"body\":\"%s\"}\n", seed, f, r, r, body) > out
			}
			close(out)
		}
	}'
}

# A few articles added to a compacted index split the full B-tree blocks
# they land in, and the replaced blocks stay in the files: 50 articles
# more than double an index of 2,000 (5.2 to 12.3 MB).  The run then
# compacts, so the index stays near the size its articles need.
rm -rf "$IDX" "$C"
make_words "$C" 20 100 1
run --index "$IDX" index "$C"
run --index "$IDX" compact
expect_rc 0 "a compacted index"
before=$(du -s -B1 "$IDX" | cut -f1)
gen=$(cut -d' ' -f2 "$IDX/XAPIANDB")
make_words "$C/more" 1 50 2
run --index "$IDX" index "$C"
expect_rc 0 "50 articles more"
after=$(du -s -B1 "$IDX" | cut -f1)
[ "$(cut -d' ' -f2 "$IDX/XAPIANDB")" != "$gen" ] && ok ||
	fail "the run did not compact the index it doubled"
[ "$after" -lt $((before * 12 / 10)) ] && ok ||
	fail "2,000 articles plus 50 take $after bytes, compacted $before"
expect_eq "$(dump | wc -l)" "2050" "every article after the compaction"
# An unchanged run of a compact index writes nothing and compacts nothing.
gen=$(cut -d' ' -f2 "$IDX/XAPIANDB")
run --index "$IDX" index "$C"
expect_eq "$(cut -d' ' -f2 "$IDX/XAPIANDB")" "$gen" "an idle run keeps the generation"
# --no-compact leaves it to a later run.
make_words "$C/more" 1 50 3
run --index "$IDX" index --no-compact "$C"
expect_eq "$(cut -d' ' -f2 "$IDX/XAPIANDB")" "$gen" "--no-compact keeps the generation"
run --index "$IDX" index "$C"
[ "$(cut -d' ' -f2 "$IDX/XAPIANDB")" != "$gen" ] && ok ||
	fail "the next run did not compact what --no-compact left"

finish
