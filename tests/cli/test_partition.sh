#!/bin/sh
# End-to-end: a partitioned index (index --period), one shard per year of
# the articles' dates plus undated/.  The bundled corpus and a small
# generated fixture (2022 to 2024 and undated articles) are indexed once
# into a single index and once partitioned: the shards are made per
# year, and the same queries give the same ids in the same order with
# scores equal to 9 decimals.  Then: an article whose date changes moves
# shard; an id that a later file carries with another date stays once; a
# vanished file's articles leave every shard; stats --json and check
# report per shard; a run killed between its passes (a test hook sends
# SIGKILL) is repaired by the next; compact closes the ended periods,
# whose articles are then refused unless --reopen; a date filter skips
# the shards it cannot match (same hits); reshard to months, to a single
# index and back keeps the results, and a killed reshard leaves the old
# layout; a lean partitioned index stays lean, and its phrases find
# what one lean index finds.
. "$top_srcdir/tests/cli/lib.sh"

command -v jq >/dev/null || { echo "jq is needed (tools/install-deps)"; exit 1; }

# ids and scores of a search, one "id score" line a hit.
hits() {
	"$NEWSIDX" --index "$1" search --json --limit 100 "$2" 2>"$T/err" |
		jq -r '.hits[] | "\(.id) \(.score * 1e9 | round)"'
}

# same_hits A B WHAT: every query gives the same hits over A and B (the
# queries of $QUERIES, one a line, when set).
same_hits() {
	printf '%s\n' japan 'india OR railway' '"bullet train"' harbour \
		'crane NOT storm' 'harbour OR election' >"$T/queries"
	[ -z "${QUERIES:-}" ] || printf '%s\n' "$QUERIES" >"$T/queries"
	while IFS= read -r q; do
		hits "$1" "$q" >"$T/h.a"
		hits "$2" "$q" >"$T/h.b"
		[ -s "$T/h.a" ] || fail "$3: '$q' finds nothing over $1"
		cmp -s "$T/h.a" "$T/h.b" && ok ||
			fail "$3: '$q' differs: $(diff "$T/h.a" "$T/h.b" | head -5)"
	done <"$T/queries"
	# A query of fields alone scores 0: its hits come in document id
	# order, which differs between layouts; the same hits.
	hits "$1" country:jp | sort >"$T/h.a"
	hits "$2" country:jp | sort >"$T/h.b"
	[ -s "$T/h.a" ] && cmp -s "$T/h.a" "$T/h.b" && ok ||
		fail "$3: country:jp differs: $(diff "$T/h.a" "$T/h.b" | head -5)"
}

# articles IDX SHARD: how many articles stats --json gives the shard.
articles() {
	"$NEWSIDX" --index "$1" stats --json |
		jq -r --arg s "auto $2" '.shards[] | select(.shard == $s) | .articles'
}

C=$(cd "$CORPUS" && pwd)
IN="$T/in"
mkdir -p "$IN"
cat >"$IN/a.jsonl" <<'EOF'
{"id": "p-a1", "title": "Harbour crane contract signed", "body": "The port authority signed a crane contract with a shipyard on Tuesday.", "date": "2022-05-03"}
{"id": "p-a2", "title": "Harbour dredging begins", "body": "Dredging of the harbour channel began, the port authority said; harbour pilots welcomed it.", "date": "2023-07-11"}
{"id": "p-a3", "title": "Harbour museum opens", "body": "A museum of harbour history opened near the old crane on the north quay, by the harbour wall of the old harbour.", "date": ""}
EOF
cat >"$IN/b.jsonl" <<'EOF'
{"id": "p-b1", "title": "Harbour crane collapses", "body": "An old crane at the harbour collapsed in a storm; nobody was hurt, the harbour master told harbour staff at the harbour office.", "date": "2024-01-20"}
{"id": "p-b2", "title": "Port traffic record", "body": "Port traffic set a record, the harbour authority said.", "date": "2024-09-02"}
EOF

# index_both ARGS: the same run into the single index and the partitioned.
index_both() {
	run --index "$T/one" index "$@"
	expect_rc 0 "index $* into the single index"
	run --index "$T/part" index "$@"
	expect_rc 0 "index $* into the partitioned index"
}

run --index "$T/one" index "$C" "$IN"
expect_rc 0 "index the single index"
run --index "$T/part" index --period year "$C" "$IN"
expect_rc 0 "index partitioned by year"
for d in 2022 2023 2024 2025 undated; do
	[ -d "$T/part/$d" ] && [ -f "$T/part/$d/XAPIANDB" ] && ok ||
		fail "no shard $d"
done
[ -f "$T/part/PARTITIONED" ] && grep -q '^period year' "$T/part/PARTITIONED" &&
	ok || fail "no PARTITIONED marker"
grep -q '^auto 2024$' "$T/part/XAPIANDB" && grep -q '^auto undated$' "$T/part/XAPIANDB" &&
	ok || fail "the stub lists no shards: $(cat "$T/part/XAPIANDB")"
[ -f "$T/part/RUNNING" ] && fail "RUNNING left after a clean run" || ok
expect_eq "$(articles "$T/part" undated)" 1 "the undated article in undated/"
expect_eq "$(articles "$T/part" 2022)" 1 "the 2022 article in 2022/"
same_hits "$T/one" "$T/part" "partitioned"

# A date filter asks only the shards whose years it can match: the
# same hits (scores are those of the shards asked, see doc/shards.md),
# in the same order when sorted by date.
for q in 'harbour date:2024' 'japan date:2024-01..2024-06' '(crane OR japan) date:2022..2023'; do
	run --index "$T/part" search --json --limit 100 "$q"
	expect_rc 0 "search '$q'"
	jqout '[.hits[].id] | sort | join(" ")' >"$T/ids.p"
	"$NEWSIDX" --index "$T/one" search --json --limit 100 "$q" |
		jq -r '[.hits[].id] | sort | join(" ")' >"$T/ids.o"
	[ -n "$(cat "$T/ids.o")" ] && cmp -s "$T/ids.o" "$T/ids.p" && ok ||
		fail "'$q': other hits over the skipped shards: $(cat "$T/ids.o") / $(cat "$T/ids.p")"
	for sort in date -date; do
		a=$("$NEWSIDX" --index "$T/one" search --json --limit 100 --sort $sort "$q" | jq -r '[.hits[].id] | join(" ")')
		b=$("$NEWSIDX" --index "$T/part" search --json --limit 100 --sort $sort "$q" | jq -r '[.hits[].id] | join(" ")')
		expect_eq "$b" "$a" "'$q' sorted by $sort"
	done
done
run --index "$T/part" search --json 'harbour date:2024'
expect_eq "$(jqout '.skipped_shards | join(",")')" "auto 2022,auto 2023,auto 2025,auto undated" \
	"a date filter skips the other years and undated/"
run --index "$T/part" search --json 'harbour'
expect_eq "$(jqout '.skipped_shards | length')" 0 "no date filter: every shard"
run --index "$T/part" search --json 'harbour OR date:2024'
expect_eq "$(jqout '.skipped_shards | length')" 0 "a date under OR skips nothing"

# One writer at a time for the whole set.
if command -v flock >/dev/null; then
	flock "$T/part/lock" sleep 2 &
	holder=$!
	sleep 0.5
	run --index "$T/part" index --lock-timeout 0 "$IN"
	expect_rc 75 "a second writer of the set"
	expect_err "locked by another writer" "the lock is said"
	wait "$holder"
fi

# A second run with --period month on a year index is refused; a run
# with no period keeps the layout.
run --index "$T/part" index --period month "$IN"
expect_rc 2 "another period refused"
expect_err "partitioned by year" "the refusal says why"
run --index "$T/one" index --period year "$IN"
expect_rc 2 "a single index is not made partitioned by index"
expect_err "reshard" "the refusal names reshard"

# stats --json: each shard and the total.
run --index "$T/part" stats --json
expect_rc 0 "stats --json"
expect_eq "$(jqout '.period')" year "stats gives the period"
expect_eq "$(jqout '[.shards[].articles] | add')" "$(jqout .articles)" "the shards add up to the total"
expect_eq "$(jqout '.articles')" "$("$NEWSIDX" --index "$T/one" stats --json | jq .articles)" "the total is the single index's"
run --index "$T/part" stats
expect_out "auto 2024: " "stats text names each shard"

# An article whose date changes moves shard.
sed 's/2023-07-11/2024-07-11/' "$IN/a.jsonl" >"$T/a" && mv "$T/a" "$IN/a.jsonl"
touch -d '2030-01-01' "$IN/a.jsonl"
index_both "$IN"
run --index "$T/part/2023" show p-a2
expect_rc 1 "the moved article left 2023/"
run --index "$T/part/2024" show p-a2
expect_rc 0 "the moved article is in 2024/"
run --index "$T/part" search --json --limit 100 'dredging'
expect_eq "$(jqout '[.hits[].id] | join(" ")')" p-a2 "found once"
same_hits "$T/one" "$T/part" "after a move"

# An id that a later file carries with another date: the later copy
# stays, the other shard loses it (a.jsonl itself unchanged).
echo '{"id": "p-a1", "title": "Harbour crane contract amended", "body": "The crane contract was amended.", "date": "2024-02-01"}' >"$IN/c.jsonl"
index_both "$IN"
expect_eq "$(articles "$T/part" 2022)" 0 "the id's older copy left 2022/"
run --index "$T/part/2024" show p-a1
expect_rc 0 "the id's later copy is in 2024/"
run --index "$T/part" show p-a1
expect_out "amended" "the later copy won"
same_hits "$T/one" "$T/part" "after an id moved by another file"

# A vanished file's articles leave every shard.
rm "$IN/b.jsonl"
index_both "$IN"
run --index "$T/part" show p-b1
expect_rc 1 "a vanished file's 2024 article is gone"
same_hits "$T/one" "$T/part" "after a file vanished"

# A run killed after its second pass (2023/ written, 2024/ and the
# settling not): the next run reads its paths again and settles them.
echo '{"id": "p-a3", "title": "Harbour museum opens", "body": "A museum of harbour history opened near the old crane on the north quay, by the harbour wall of the old harbour.", "date": "2024-05-05"}' >"$IN/d.jsonl"
NEWSIDX_TEST_KILL_PASS=3 "$NEWSIDX" --index "$T/part" index "$IN" >/dev/null 2>&1
expect_eq "$?" 137 "the run was killed"
[ -f "$T/part/RUNNING" ] && ok || fail "a killed run leaves RUNNING"
run --index "$T/part" check
expect_rc 0 "every shard is a valid index after the kill"
index_both "$IN"
[ -f "$T/part/RUNNING" ] && fail "RUNNING left after the repair" || ok
expect_eq "$(articles "$T/part" undated)" 0 "the repair settled the moved id"
run --index "$T/part" search --json --limit 100 museum
expect_eq "$(jqout '[.hits[].id | select(. == "p-a3")] | length')" 1 "found once after the repair"
same_hits "$T/one" "$T/part" "after a killed run and its repair"

# check names a damaged shard.
run --index "$T/part" check --json
expect_rc 0 "check of a sound set"
expect_eq "$(jqout .ok)" true "check --json says ok"
cp -r "$T/part" "$T/dmg"
gen=$(cut -d' ' -f2 "$T/dmg/2024/XAPIANDB")
head -c 8192 /dev/zero | tr '\000' '\245' |
	dd of="$T/dmg/2024/$gen/docdata.glass" bs=8192 seek=0 conv=notrunc 2>/dev/null
run --index "$T/dmg" check
[ "$rc" -ne 0 ] && ok || fail "check of a damaged shard exits 0"
grep -q "/2024/" "$T/out" "$T/err" && ok || fail "check does not name the shard: $(cat "$T/out" "$T/err" | head -5)"
rm -rf "$T/dmg"

# delete works on the set.
run --index "$T/part" delete p-b2
expect_rc 1 "deleting an id no shard has"
run --index "$T/part" delete p-a3
expect_rc 0 "delete an id from the set"
run --index "$T/part" show p-a3
expect_rc 1 "the deleted article is gone"
"$NEWSIDX" --index "$T/one" delete p-a3 >/dev/null
run --index "$T/part" delete --query 'dredging'
expect_rc 0 "delete --query on the set"
"$NEWSIDX" --index "$T/one" delete --query 'dredging' >/dev/null
same_hits "$T/one" "$T/part" "after deletions"

# compact closes the shards of ended periods (every year here), once.
run --index "$T/part" compact
expect_rc 0 "compact the set"
[ -f "$T/part/2024/CLOSED" ] && ok || fail "2024/ is not closed"
[ -f "$T/part/undated/CLOSED" ] && fail "undated/ was closed" || ok
run --index "$T/part" stats --json
expect_eq "$(jqout '[.shards[] | select(.closed) | .shard] | join(",")')" \
	"auto 2022,auto 2023,auto 2024,auto 2025" "stats marks the closed shards"
same_hits "$T/one" "$T/part" "after compact"
# An article for a closed period is refused with its file and record.
echo '{"id": "p-e1", "title": "Harbour pilots strike", "body": "Harbour pilots went on strike.", "date": "2024-11-11"}' >"$IN/e.jsonl"
run --index "$T/part" index "$IN"
expect_rc 65 "an article of a closed period is rejected"
expect_err "e.jsonl:record 1: dated 2024-11-11, in closed shard 2024" "the rejection names file, record and shard"
run --index "$T/part" index --reopen --force "$IN"
expect_rc 0 "index --reopen writes into the closed shard"
[ -f "$T/part/2024/CLOSED" ] && fail "2024/ still closed after --reopen" || ok
run --index "$T/one" index --force "$IN"
same_hits "$T/one" "$T/part" "after --reopen"

# reshard: to months, to a single index, back to years.
run --index "$T/part" reshard --period month
expect_rc 0 "reshard year -> month"
[ -d "$T/part/2024-03" ] && grep -q 'period month' "$T/part/PARTITIONED" && ok ||
	fail "no month shards after reshard"
[ -e "$T/part.reshard" ] && fail "the old layout stays beside" || ok
same_hits "$T/one" "$T/part" "after reshard to months"
run --index "$T/part" reshard --period single
expect_rc 0 "reshard month -> single"
[ -f "$T/part/PARTITIONED" ] && fail "still partitioned" || ok
same_hits "$T/one" "$T/part" "after reshard to a single index"
run --index "$T/one" reshard --period year
expect_rc 0 "reshard single -> year"
[ -d "$T/one/2024" ] && ok || fail "no year shards after reshard"
same_hits "$T/part" "$T/one" "after reshard of the single index to years"
# A reshard killed while it builds the new layout (after its first
# shard's pass) leaves the old one as it was; the next reshard starts
# afresh.
NEWSIDX_TEST_KILL_PASS=1 "$NEWSIDX" --index "$T/part" reshard --period month >/dev/null 2>&1
expect_eq "$?" 137 "the reshard was killed"
[ -d "$T/part.reshard" ] && ok || fail "no half-built layout beside"
[ -f "$T/part/PARTITIONED" ] && fail "the killed reshard changed the layout" || ok
same_hits "$T/one" "$T/part" "after a killed reshard"
run --index "$T/part" reshard --period month
expect_rc 0 "reshard again after the killed one"
[ -e "$T/part.reshard" ] && fail "the half-built layout stays" || ok
same_hits "$T/one" "$T/part" "after the reshard done again"
run --index "$T/part" reshard --period bogus
expect_rc 2 "a bad period is a usage error"

# A lean partitioned index: shards made by later runs are lean too.
run --index "$T/lean" index --lean --period year "$C"/2023-*
expect_rc 0 "a lean partitioned index"
run --index "$T/lean" index "$C"
expect_rc 0 "a later run adds the other years"
for d in 2023 2024 2025; do
	expect_eq "$("$NEWSIDX" --index "$T/lean/$d" stats --json | jq -r .positions)" compact "shard $d keeps the lean layout"
done
# Articles deleted from a lean shard are listed there until a rewrite:
# a run that leaves a quarter or more of an open shard listed compacts
# that shard (which stays open), as one lean index is compacted; with
# --no-compact they stay listed.
mkdir -p "$T/gone"
for i in 1 2 3 4 5 6 7 8; do
	printf '{"id":"g%d","title":"Harbour note %d","body":"A short note on the harbour cranes, number %d, with a few more words."}\n' "$i" "$i" "$i"
done >"$T/gone/a.jsonl"
for how in --no-compact ""; do
	rm -rf "$T/lg"
	"$NEWSIDX" --index "$T/lg" index --lean --period year "$T/gone" >/dev/null ||
		fail "a lean partitioned index of undated notes"
	head -8 "$T/gone/a.jsonl" >"$T/lg.in"
	head -5 "$T/lg.in" >"$T/gone/a.jsonl"
	# shellcheck disable=SC2086 # an option or none
	run --index "$T/lg" index $how "$T/gone"
	expect_rc 0 "a run that deletes 3 of 8 ($how)"
	cp "$T/lg.in" "$T/gone/a.jsonl"
	expect_eq "$("$NEWSIDX" --index "$T/lg/undated" stats --json |
		jq -c '[.articles, .deleted]')" \
		"$([ "$how" ] && echo '[5,3]' || echo '[5,0]')" \
		"listed deleted after the run ($how)"
	expect_eq "$(hits "$T/lg" harbour | wc -l)" "5" "the rest found ($how)"
done
[ -f "$T/lg/undated/CLOSED" ] && fail "the compacted shard was closed" || ok

# Its phrases are checked in each shard with the shard's own stem coding:
# the same hits as one lean index of the same files.
run --index "$T/leanone" index --lean "$C"/2023-*
"$NEWSIDX" --index "$T/leanone" index "$C" >/dev/null || fail "a lean index"
QUERIES='"bullet train"
"high-speed railway"
india NEAR/5 japan' same_hits "$T/leanone" "$T/lean" "lean shards"

finish
