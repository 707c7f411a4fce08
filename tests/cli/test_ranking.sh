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
# By default a long query's feedback re-ranks the articles its words
# match and adds none ("ash" shares only the model's words): the same
# articles and total as without feedback, with other scores.
long='volcano eruption valley island'
q "$long" >"$T/fb"
q "$long" --no-feedback >"$T/nofb"
expect_eq "$(jq -c '[.total, ([.hits[].id] | sort)]' "$T/fb")" \
	'[2,["lava1","lava2"]]' "automatic feedback adds no match"
expect_eq "$(jq -c '[.total, ([.hits[].id] | sort)]' "$T/nofb")" \
	'[2,["lava1","lava2"]]' "the words' own matches"
jq -c '[.hits[].score]' "$T/fb" >"$T/s1"
jq -c '[.hits[].score]' "$T/nofb" >"$T/s2"
cmp -s "$T/s1" "$T/s2" && fail "feedback re-weighs the matches" || ok
# Asked for, it also finds by its own words, and counts them.
q "$long" --feedback >"$T/out"
expect_eq "$(jqout '[.hits[].id] | index("ash") != null')" "true" \
	"--feedback widens a long query too"
expect_eq "$(jqout '.total')" "$(jqout '.hits | length')" \
	"and its total counts what it found"

# British and American spellings meet.
expect_eq "$(q harbor | jq -r '.hits[0].id')" "all" "harbor finds harbour"

finish
