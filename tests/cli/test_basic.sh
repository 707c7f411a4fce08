#!/bin/sh
# End-to-end: index the bundled corpus and check the two canonical queries,
# the text and JSON output, help, version and the index location rules.
. "$top_srcdir/tests/cli/lib.sh"

EAM=2024-03-07-india-japan-eam-tokyo.txt

run --index "$T/idx" index "$CORPUS"
expect_rc 0 "index corpus"
if [ -s "$T/out" ] || [ -s "$T/err" ]; then
	fail "index prints nothing on success off a terminal"
else ok; fi

for q in semiconductor 'high-speed railway' '"high-speed railway"'; do
	run --index "$T/idx" search --json "$q"
	expect_rc 0 "search $q"
	expect_eq "$(jqout '.hits[0].path' | sed 's|.*/||')" "$EAM" \
		"EAM report first for $q"
	expect_eq "$(jqout '.hits[0].date')" "2024-03-07" "date for $q"
	expect_eq "$(jqout '.hits[0].place')" "New Delhi" "place for $q"
	expect_eq "$(jqout '.query')" "$q" "query echoed for $q"
done

# The JSON document: every documented member, of the right type.
run --index "$T/idx" search --json japan
expect_rc 0 "search japan --json"
expect_eq "$(jqout '[.total, .offset, .limit, .relaxed, (.hits|length)] |
	map(type) | join(",")')" "number,number,number,boolean,number" \
	"top-level JSON types"
expect_eq "$(jqout '.hits | map(has("id") and has("rank") and has("score")
	and has("title") and has("date") and has("place") and has("path")
	and has("snippet") and has("highlights")) | all')" "true" \
	"every hit has the documented members"
expect_eq "$(jqout '[.hits[].rank] == [range(1; (.hits|length)+1)]')" \
	"true" "ranks count from 1"
expect_eq "$(jqout '[.hits[].score] == ([.hits[].score] | sort | reverse)')" \
	"true" "hits in score order"
total=$(jqout .total)
# The total is exact: page through everything and count.
run --index "$T/idx" search --json --limit 1000 japan
expect_eq "$(jqout '.hits | length')" "$total" "total equals all hits"
# Every highlight in every snippet is a word that stems like "japan".
expect_eq "$(jqout '[.hits[] | .snippet as $s | .highlights[] |
	$s[.[0]:.[1]] | ascii_downcase | test("^japan")] | all')" "true" \
	"highlights mark the query word"

# Text output: title, date, place, path and a marked snippet.
run --index "$T/idx" search semiconductor
expect_rc 0 "text search"
expect_out "^1 article matches" "count line"
expect_out "^1\. India and Japan" "title line"
expect_out "2024-03-07 | New Delhi | .*$EAM" "date, place, path"
expect_out "\[semiconductor\] ecosystem" "snippet marks the word"

run --index "$T/idx" search '"high-speed railway"'
expect_out "Mumbai-Ahmedabad \[high-speed\] \[railway\]" "phrase marked"

# NEWSIDX_INDEX, then ./index.
NEWSIDX_INDEX="$T/idx" run search kamikawa
expect_rc 0 "NEWSIDX_INDEX"
expect_out "^1 article matches" "NEWSIDX_INDEX finds the index"
(cd "$T" && mkdir -p cwd && cd cwd &&
	"$NEWSIDX" index "$FIXTURES/good" && "$NEWSIDX" search zeppelin) \
	>"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "default ./index"
expect_out "^1 article matches" "default ./index is used"
if [ -f "$T/cwd/index/XAPIANDB" ]; then ok; else
	fail "index created in ./index"
fi

# Inputs from a list and from standard input.  Ids are absolute paths
# with links and ".." resolved.
good=$(cd "$FIXTURES/good" && pwd -P)
printf '# a comment\n%s\n\n' "$FIXTURES/good/alpha.txt" >"$T/list"
"$NEWSIDX" --index "$T/from" index --from "$T/list" \
	"$FIXTURES/good/charlie.jsonl" || fail "index --from"
expect_eq "$("$NEWSIDX" --index "$T/from" search --ids -- -zzqq | sort | tr '\n' ' ')" \
	"$good/alpha.txt good-c1 good-c2 good-c3 " \
	"--from FILE adds the listed paths to the others"
printf '%s\n' "$FIXTURES/good/alpha.txt" |
	"$NEWSIDX" --index "$T/from2" index --from - || fail "index --from -"
expect_eq "$("$NEWSIDX" --index "$T/from2" search --ids zeppelin)" \
	"$good/alpha.txt" "--from - reads the list from stdin"
"$NEWSIDX" --index "$T/stdin" index - <"$FIXTURES/good/charlie.jsonl" ||
	fail "index -"
expect_eq "$("$NEWSIDX" --index "$T/stdin" search --ids axolotl)" "good-c2" \
	"'-' indexes standard input"

# Help and version.
run --help
expect_rc 0 "--help"
expect_out "usage: newsidx" "--help usage"
run help search
expect_rc 0 "help search"
expect_out "NEAR/5" "help search documents the query language"
run help index
expect_out "usage: newsidx index" "help index"
run search --help
expect_out "usage: newsidx search" "search --help"
run --version
expect_rc 0 "--version"
expect_out "^newsidx [0-9][0-9.]*$" "--version format"

# Re-indexing replaces rather than duplicates.
before=$("$NEWSIDX" --index "$T/idx" search --json --all-copies 'date:1900..2100' |
	jq .total)
run --index "$T/idx" index "$CORPUS"
expect_rc 0 "re-index"
after=$("$NEWSIDX" --index "$T/idx" search --json --all-copies 'date:1900..2100' |
	jq .total)
expect_eq "$after" "$before" "re-indexing keeps the article count"
expect_eq "$before" "38" "the corpus has 38 articles"

finish
