#!/bin/sh
# End-to-end: the search features news readers expect: wildcards and
# their cap, relative dates, recency, facets (checked against a brute-force
# count), wire-copy grouping, spelling suggestions, more-like-this, show,
# and the output formats.
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"
EAM=2024-03-07-india-japan-eam-tokyo.txt
"$NEWSIDX" --index "$IDX" index "$CORPUS" || fail "indexing the corpus"

# Extra articles: a fresh one, an old twin of it, and 1,100 rare words
# sharing a prefix.
today=$(date -u +%Y-%m-%d)
# The twins have the same length, so the same score: the stale one,
# indexed first, wins the tie unless recency counts.
{
	printf '{"id":"stale","title":"Lighthouse keepers strike","body":"The lighthouse keepers of the northern coast went on strike over pay and staffing on the distant islands, closing the ferry service and the weather station for a week.","date":"2001-05-05","source":"Coast News"}\n'
	printf '{"id":"fresh","title":"Lighthouse keepers strike","body":"The lighthouse keepers of the northern coast went on strike over pay and staffing on the remote islands, closing the ferry service and the weather station for a week.","date":"%sT08:00:00Z","source":"Coast News"}\n' "$today"
	awk 'BEGIN { for (i = 0; i < 1100; i++) printf("{\"id\":\"w%d\",\"body\":\"zqword%04d appears here once\"}\n", i, i) }'
} >"$T/extra.jsonl"
"$NEWSIDX" --index "$IDX" index "$T/extra.jsonl" || fail "indexing extras"

q() { "$NEWSIDX" --index "$IDX" search --json --limit 2000 "$@"; }

# Wildcards, within and beyond the cap.
expect_eq "$(q 'zqword000*' | jq .total)" "10" "wildcard expands"
run --index "$IDX" search 'zqword*'
expect_rc 2 "a wildcard over the cap is a query error"
expect_err "wildcard matches more than 1000 terms" "cap message"

# Relative dates.
expect_eq "$(q 'lighthouse since:7d' --all-copies | jq -r '[.hits[].id] | join(",")')" \
	"fresh" "since:7d"
expect_eq "$(q 'lighthouse since:30y' --all-copies | jq .total)" "2" "since:30y"
# Each article has its own fields: none leak from the one before.
expect_eq "$(q zqword0003 | jq -r '.hits[0] | [.date, .source, .group] | join("|")')" \
	"||" "an undated article after a dated one has no date"

# Recency: the twins score alike; --recent puts the fresh one first.
expect_eq "$(q 'lighthouse keepers' --all-copies | jq -r '.hits[0].id')" \
	"stale" "without --recent the longer-standing twin ranks first"
expect_eq "$(q 'lighthouse keepers' --all-copies --recent | jq -r '.hits[0].id')" \
	"fresh" "--recent ranks the fresh article first"
expect_eq "$(q 'lighthouse keepers' --all-copies --recent=1 | jq -r '.hits[0].id')" \
	"fresh" "--recent=DAYS"

# Wire copies: the eclipse story and its re-publication are one group.
q eclipse >"$T/out"
expect_eq "$(jqout '.hits | length')" "1" "copies fold into one hit"
expect_eq "$(jqout '.hits[0].copies')" "1" "with the number of copies"
expect_eq "$(jqout '.total')" "2" "the total counts every matching article"
q eclipse --all-copies >"$T/out"
expect_eq "$(jqout '.total')" "2" "--all-copies lists both"
expect_eq "$(jqout '.hits[0].group == .hits[1].group')" "true" \
	"both copies share a group"
expect_eq "$(q lighthouse --all-copies | jq '[.hits[] | select(.id == "fresh" or .id == "stale") | .group] | unique | length')" \
	"1" "near-identical twins (one word apart) are copies"
run --index "$IDX" search eclipse
expect_out "+1 similar" "text output shows the copies"
n=$(q japan --all-copies | jq '[.hits[].group] | unique | length')
expect_eq "$(q japan | jq '.hits | length')" "$n" "one hit per group"
expect_eq "$(q japan | jq .total)" "$(q japan --all-copies | jq .total)" \
	"folding copies does not change the total"

# Facets, against a brute-force count over every match.
for f in source place lang year month; do
	q japan --all-copies --facet "$f" >"$T/out"
	case $f in
	year) key='.date[0:4]' ;;
	month) key='.date[0:7]' ;;
	*) key=".$f" ;;
	esac
	want=$(jqout "[.hits[] | $key | select(. != \"\")] | group_by(.) |
		map({value: .[0], count: length}) | sort_by(.value) | tojson")
	got=$(jqout ".facets.$f | map(del(.label)) | sort_by(.value) | tojson")
	expect_eq "$got" "$want" "facet $f counts every match"
done
run --index "$IDX" search japan --facet source,year
expect_out "^by source:" "text facets"
expect_out "^by year:" "text facets, years"
run --index "$IDX" search japan --facet colour
expect_rc 2 "unknown facet"

# Spelling suggestions from the index's own vocabulary.
expect_eq "$(q semiconducter | jq -r .suggestion)" "semiconductor" \
	"did you mean"
expect_eq "$(q 'kamikawa semiconducter' | jq -r .suggestion)" \
	"kamikawa semiconductor" "only the unknown word is replaced"
expect_eq "$(q semiconductor | jq -r .suggestion)" "null" \
	"no suggestion for known words"
run --index "$IDX" search semiconducter
expect_out "^Did you mean: semiconductor$" "text suggestion"
# A limit written against -n is the option, never a word to exclude that
# the suggestion would echo back.
run --index "$IDX" search semiconducter -n1
expect_out "^Did you mean: semiconductor$" "-n1 is not part of the query"
run --index "$IDX" search --json kamikawa -n1
expect_eq "$(jqout '[.query, .limit, (.hits | length)] | tostring')" \
	'["kamikawa",1,1]' "-n1 is the limit"
run --index "$IDX" search --json -- kamikawa -n1
expect_eq "$(jqout '[.query, .limit] | tostring')" '["kamikawa -n1",10]' \
	"after --, -n1 is a word to exclude"

# More like this, and show.
eam=$(q kamikawa | jq -r '.hits[0].id')
"$NEWSIDX" --index "$IDX" similar --json --limit 50 "$eam" >"$T/out"
expect_rc 0 "similar"
expect_eq "$(jqout "[.hits[].id] | index(\"$eam\")")" "null" \
	"similar leaves the article out"
[ "$(jqout '.hits | length')" -gt 0 ] && ok || fail "similar finds articles"
expect_eq "$(jqout '.hits[0:3] | map(.title | test("India|Japan|Jaishankar")) | any')" \
	"true" "similar articles share the subject"
# Without term lists (--lean) the article's own words are weighed as
# Xapian's expansion weighs a term list: the same closest article, and
# the total is an estimate in both layouts.
"$NEWSIDX" --index "$T/lean" index --lean "$CORPUS" || fail "a lean index"
"$NEWSIDX" --index "$T/lean" similar --json --limit 5 "$eam" >"$T/lean.json"
expect_eq "$(jq -r '.hits[0].id' "$T/lean.json")" "$(jqout '.hits[0].id')" \
	"a lean index finds the same closest article"
expect_eq "$(jq -r --slurpfile t "$T/out" \
	'[.hits[].id] - [$t[0].hits[0:5][].id] | length < 3' "$T/lean.json")" \
	"true" "and mostly the same others"
expect_eq "$(jq -r '[.total_exact, .total > 0] | tostring' "$T/lean.json")" \
	"[false,true]" "similar estimates its total"
"$NEWSIDX" --index "$IDX" similar --ids gd-20240408-eclipse >"$T/out"
expect_eq "$(grep -c 'eclipse' "$T/out")" "0" "similar leaves the copies out"
run --index "$IDX" similar no-such-id
expect_rc 1 "similar of an unknown id"
expect_err "no article with id no-such-id" "named"
run --index "$IDX" show --json "$eam"
expect_rc 0 "show"
expect_eq "$(jqout .date)" "2024-03-07" "show: date"
expect_eq "$(jqout .place)" "New Delhi" "show: place"
# The body follows the 28-byte lead " date 2024-03-07 New Delhi: ".
tail -c +29 "$CORPUS/$EAM" >"$T/eam-body"
expect_eq "$(jq -j .body "$T/out" | cmp - "$T/eam-body" && echo same)" "same" \
	"show: the whole body, as given"
run --index "$IDX" show "$eam"
expect_out "^place:    New Delhi$" "show: text"
run --index "$IDX" show nope
expect_rc 1 "show of an unknown id"

# Output formats.
run --index "$IDX" search --jsonl --limit 5 japan
expect_eq "$(wc -l <"$T/out")" "5" "--jsonl: one line per hit"
expect_eq "$(jq -s 'map(has("id") and has("snippet")) | all' "$T/out")" \
	"true" "--jsonl lines are hits"
run --index "$IDX" search --ids --limit 3 japan
expect_eq "$(wc -l <"$T/out")" "3" "--ids: one line per hit"
expect_eq "$(cat "$T/out")" "$(q japan --limit 3 | jq -r '.hits[].id')" \
	"--ids lists the same hits"

# Highlighting knows stemming: railways marks railway and railways.
q railways >"$T/out"
expect_eq "$(jqout '[.hits[] | .snippet as $s | .highlights[] |
	$s[.[0]:.[1]] | ascii_downcase | test("^railways?$")] | all')" "true" \
	"stem-aware highlights"
expect_eq "$(jqout '[.hits[] | .highlights | length > 0] | all')" "true" \
	"every hit has a highlight"

# Title words weigh more than body words.
q bullet >"$T/out"
expect_eq "$(jqout '.hits[0].title | test("[Bb]ullet")')" "true" \
	"a title match ranks first"

finish
