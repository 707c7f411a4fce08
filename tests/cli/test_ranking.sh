#!/bin/sh
# End-to-end: the news-aware analysis and ranking: long queries rank
# all-word matches first, synonyms and demonyms (shipped and custom
# lists), relevance feedback, and British/American spellings.
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"
D="$T/docs"
mkdir -p "$D"
cat >"$D/a.jsonl" <<'JSON'
{"id":"all","title":"Harbour cranes","body":"Dock workers at the harbour stopped the cranes over pay, and the port authority said container traffic would resume on Monday."}
{"id":"some","title":"Port traffic","body":"Container traffic at the port rose in March as new shipping lines arrived."}
{"id":"few","title":"Weather","body":"Rain is expected on Monday across the coast."}
{"id":"eam","title":"Minister visits Tokyo","body":"The external affairs minister met his counterpart in Tokyo to discuss trade."}
{"id":"jp","title":"Election","body":"Japanese voters went to the polls on Sunday in a snap election."}
{"id":"lava1","title":"Volcano erupts","body":"The volcano eruption sent lava and an ash cloud over the valley."}
{"id":"lava2","title":"Volcano eruption","body":"A volcano eruption spread lava flows and ash cloud warnings across the island."}
{"id":"ash","title":"Flights cancelled","body":"The ash cloud and lava fields forced airlines to cancel flights; the ash cloud drifted east."}
{"id":"zep","title":"Airship returns","body":"A zeppelin flew over the lake for the first time in decades."}
JSON
run --index "$IDX" index "$D"
expect_rc 0 "index"

q() { "$NEWSIDX" --index "$IDX" search --json --limit 50 "$@"; }

# Short queries require every word; long ones rank every-word matches
# first, then the others, and say so.
expect_eq "$(q 'container traffic' | jq -r '[.hits[].id] | sort | join(",")')" \
	"all,some" "two words: both required"
q 'dock workers container traffic monday' >"$T/out"
expect_eq "$(jqout '.hits[0].id')" "all" "long query: the all-word match first"
expect_eq "$(jqout '.relaxed')" "true" "long query: partial matches flagged"
expect_eq "$(jqout '[.hits[].id] | index("few") != null')" "true" \
	"long query: partial matches follow"
expect_eq "$(jqout '[.hits[].score] | all(. < 1000)')" "true" \
	"scores are BM25 scores"
expect_eq "$(q 'dock AND workers AND container AND traffic AND monday' |
	jq -r '[.hits[].id] | join(",")')" "all" "explicit AND stays strict"

# Shipped synonyms: abbreviations and demonyms, both ways.
expect_eq "$(q eam | jq -r '[.hits[].id] | join(",")')" "eam" \
	"EAM finds External Affairs Minister"
expect_eq "$(q '"external affairs minister"' | jq -r '[.hits[].id] | join(",")')" \
	"eam" "and the phrase finds itself"
# The word's forms first; then the story tagged JP for "in Tokyo",
# which lacks the word (a country word also finds its tag).
expect_eq "$(q japan | jq -r '[.hits[].id] | join(",")')" "jp,eam" \
	"japan finds Japanese, then the Tokyo story"
run --index "$IDX" search --explain eam
expect_out "eam OR 0.25 \* (extern" "synonyms weigh a quarter"
# A country's adjective is another form of the word, not a synonym: it
# counts as the word itself.
run --index "$IDX" search --explain japan
expect_out "japan SYNONYM japanes" "a demonym counts as the word"

# A custom list replaces the shipped one, and edits are picked up.
printf '# test list\nzeppelin, airship, blimp\n' >"$T/syn.txt"
run --index "$IDX" index --synonyms "$T/syn.txt" "$D"
expect_rc 0 "index with --synonyms"
expect_eq "$(q blimp | jq -r '[.hits[].id] | join(",")')" "zep" \
	"custom synonyms apply"
expect_eq "$(q eam | jq .total)" "0" "the custom list replaced the shipped one"
printf 'zeppelin, dirigible\n' >"$T/syn.txt"
NEWSIDX_SYNONYMS="$T/syn.txt" "$NEWSIDX" --index "$IDX" index "$D" ||
	fail "index with NEWSIDX_SYNONYMS"
expect_eq "$(q dirigible | jq .total)" "1" "an edited list is reloaded"
expect_eq "$(q blimp | jq .total)" "0" "and its dropped entries go"
run --index "$IDX" index --synonyms "$T/missing.txt" "$D"
expect_rc 1 "a missing synonym file"
expect_err "cannot read synonyms" "is named"
"$NEWSIDX" --index "$IDX" index "$D" || fail "back to the shipped list"

# Relevance feedback widens a query with the words of its best matches.
expect_eq "$(q 'volcano eruption' --no-feedback | jq -r '[.hits[].id] | sort | join(",")')" \
	"lava1,lava2" "without feedback"
q 'volcano eruption' --feedback >"$T/out"
expect_eq "$(jqout '[.hits[].id] | index("ash") != null')" "true" \
	"feedback finds the related article"
expect_eq "$(jqout '[.hits[0:2][].id] | sort | join(",")')" "lava1,lava2" \
	"and ranks the matches first"
# By default a query of four words or more gets feedback that reorders
# its matches and adds none: the same articles and counts as without,
# other scores; but not with ten matches or fewer, all of which its
# model would be made of.  Shorter queries get none unless asked for;
# asked for, feedback widens any query, and its total counts what it
# found.
q 'volcano eruption valley island' --no-feedback >"$T/plain.json"
expect_eq "$(q 'volcano eruption valley island' | jq -c '[.hits[].score]')" \
	"$(jq -c '[.hits[].score]' "$T/plain.json")" \
	"ten matches or fewer: no feedback"
mkdir -p "$T/mines"
awk 'BEGIN {
	for (i = 1; i <= 12; i++) {
		printf("{\"id\":\"cm%d\",\"title\":\"Copper mine %d\",", i, i)
		printf("\"body\":\"The copper mine %d sent ore", i)
		for (j = 0; j < i % 4; j++)
			printf(" and concentrate to the smelter")
		printf(" this week.\"}\n")
	}
	print "{\"id\":\"ore\",\"title\":\"Smelter\",\"body\":\"The smelter took in ore and concentrate.\"}"
}' >"$T/mines/m.jsonl"
run --index "$T/midx" index "$T/mines"
expect_rc 0 "index the mines"
m() { "$NEWSIDX" --index "$T/midx" search --json --limit 50 --no-snippets "$@"; }
long='copper mine sent week'
m --no-feedback "$long" >"$T/plain.json"
m "$long" >"$T/out"
expect_eq "$(jq -c '[([.hits[].id] | sort | join(",")), .total, .total_all]' \
	"$T/out")" \
	"$(jq -c '[([.hits[].id] | sort | join(",")), .total, .total_all]' \
		"$T/plain.json")" "default feedback: the same matches and counts"
expect_eq "$(jqout '[.hits[].id] | index("ore")')" "null" \
	"default feedback adds no article"
expect_eq "$(jq -c --slurpfile p "$T/plain.json" \
	'[.hits[].score] != [$p[0].hits[].score]' "$T/out")" "true" \
	"default feedback weighs the matches"
m --feedback "$long" >"$T/out"
expect_eq "$(jqout '[.hits[].id] | index("ore") != null')" "true" \
	"--feedback widens a long query"
expect_eq "$(jqout '.total')" "$(jqout '.hits | length')" \
	"and its total counts what it found"
expect_eq "$(m 'copper mine' | jq -c '[.hits[].score]')" \
	"$(m --no-feedback 'copper mine' | jq -c '[.hits[].score]')" \
	"a short query: no feedback by default"
expect_eq "$(m --feedback 'copper mine' | jq '[.hits[].id] | index("ore") != null')" \
	"true" "asked for, it widens a short query"

# British and American spellings meet.
expect_eq "$(q harbor | jq -r '.hits[0].id')" "all" "harbor finds harbour"

# BM25 as written: of two briefs under half the average length, the
# shorter weighs its word more (no floor under the length).
mkdir -p "$T/short"
cat >"$T/short/b.jsonl" <<'JSON'
{"id":"brief1","title":"Bauxite","body":"Bauxite shipped."}
{"id":"brief2","title":"Bauxite","body":"Bauxite shipped from the northern mine today."}
{"id":"long1","title":"Markets","body":"Shares rose on Monday as investors weighed the central bank's latest remarks on inflation, while bond yields slipped and the currency held steady against the dollar in thin holiday trading across Asia and Europe."}
{"id":"long2","title":"Harvest","body":"Farmers in the south began the wheat harvest early this year after a dry spring, and the ministry said yields would be lower than last season although prices at the local markets have not yet moved very much."}
{"id":"long3","title":"Shipping","body":"The port reopened after the storm, and container ships that had waited offshore for three days began to unload their cargo under the supervision of harbour officials and the coast guard."}
JSON
run --index "$T/sidx" index "$T/short"
expect_rc 0 "index the briefs"
expect_eq "$("$NEWSIDX" --index "$T/sidx" search --json --no-snippets bauxite |
	jq -r '([.hits[].id] | join(",")) + " " +
		(.hits[0].score > .hits[1].score | tostring)')" \
	"brief1,brief2 true" "the shorter brief first, with a higher score"

finish
