#!/bin/sh
# End-to-end: countries, places, organisations and people tagged at index
# time (the gazetteer, geo/), and queried in any form the gazetteer knows.
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"
GEO=$FIXTURES/geo
EAM=2024-03-07-india-japan-eam-tokyo.txt
"$NEWSIDX" --index "$IDX" index "$CORPUS" "$GEO/baltic.xml" ||
	fail "indexing the corpus"

q() { "$NEWSIDX" --index "$IDX" search --json --limit 500 "$@"; }
ids() { q "$@" | jq -r '.hits[].id' | sort | tr '\n' ' '; }

# The EAM report: India and Japan, and both ministers by their titles
# ("external affairs minister S Jaishankar", "his Japanese counterpart
# Yoko Kamikawa"), the initial written "s." as canonical names are.
eam=$(ids "country:IN country:JP person:\"s. jaishankar\" person:\"yoko kamikawa\"")
case $eam in
*"$EAM"*) ok ;;
*) fail "EAM report tagged IN, JP, S. Jaishankar and Yoko Kamikawa: got '$eam'" ;;
esac
# The four forms of Japan are one filter, and it finds something.
jp=$(ids country:JP)
[ -n "$jp" ] || fail "country:JP finds nothing"
for form in country:japan country:japanese 'country:日本' country:jpn 'country:Japan'; do
	expect_eq "$(ids "$form")" "$jp" "$form is country:JP"
done
# An unknown country matches nothing rather than failing.
expect_eq "$(q country:atlantis | jq .total)" 0 "country:atlantis"

# place:lithuania finds the story datelined Vilnius, and only it; the
# place itself is normalised to the city.
lt=$(ids place:lithuania)
case $lt in
*baltic-1*) ok ;;
*) fail "place:lithuania finds the Vilnius story: got '$lt'" ;;
esac
case $lt in
*baltic-2*) fail "place:lithuania finds the Tallinn story" ;;
*) ok ;;
esac
expect_eq "$(ids place:estonia | tr -d ' ' | sed 's/.*baltic-2.*/found/')" \
	found "place:estonia finds the Tallinn story"
expect_eq "$(q place:vilnius | jq -r '.hits[0].place')" Vilnius \
	"the place is the city"

# Organisations by any name or abbreviation.
expect_eq "$(ids org:wto)" "$(ids 'org:"World Trade Organization"')" \
	"org:wto is the WTO"

# The country facet: codes with their names, each count equal to the
# total of the same query with that country's filter added.
q --limit 0 --facet country,person japan >"$T/facet.json"
expect_eq "$(jq -r '.facets.country[] | select(.value == "JP") | .label' \
	"$T/facet.json")" "Japan" "the country facet names JP Japan"
for cc in $(jq -r '.facets.country[].value' "$T/facet.json"); do
	want=$(jq -r --arg c "$cc" \
		'.facets.country[] | select(.value == $c) | .count' \
		"$T/facet.json")
	got=$(q --limit 0 "japan country:$cc" | jq -r '.total')
	expect_eq "$got" "$want" "facet count of $cc agrees with country:$cc"
done
expect_eq "$(jq -r '.facets.person[] | select(.value == "s. jaishankar") |
	.label' "$T/facet.json")" "S. Jaishankar" "a person's display name"

# A plain word that names a country also finds the articles tagged
# with it that lack the word, below those that have it.
mkdir -p "$T/alias"
cat >"$T/alias/a.jsonl" <<'JSON'
{"id":"al-tokyo","title":"Cabinet approves budget","body":"TOKYO, May 2 (Wire) - The cabinet approved a record budget on Tuesday, Tokyo officials said, with more spending on defence and child care.","date":"2024-05-02"}
{"id":"al-word","title":"Japan exports rise","body":"Exports from Japan rose for a third month as car shipments to Europe recovered, customs data showed.","date":"2024-05-03"}
{"id":"al-f1","title":"Rain in Lagos","body":"LAGOS, May 5 (Wire) - Heavy rain flooded roads in Nigeria's largest city.","date":"2024-05-05"}
{"id":"al-f2","title":"Wheat prices","body":"CHICAGO, May 6 (Wire) - Wheat futures fell on forecasts of a large American harvest.","date":"2024-05-06"}
{"id":"al-f3","title":"Copper output","body":"SANTIAGO, May 7 (Wire) - Chile's copper output rose as a new mine opened.","date":"2024-05-07"}
{"id":"al-none","title":"Lima fishing season","body":"LIMA, May 4 (Wire) - Peru opened the anchovy fishing season early after surveys found large stocks off the coast.","date":"2024-05-04"}
JSON
"$NEWSIDX" --index "$T/aidx" index "$T/alias" >/dev/null 2>&1
aq() { "$NEWSIDX" --index "$T/aidx" search --json --limit 50 "$@" |
	jq -r '[.hits[].id] | join(",")'; }
expect_eq "$(aq 'country:JP' | tr , '\n' | sort | paste -sd, -)" \
	"al-tokyo,al-word" "the Tokyo story is tagged JP"
expect_eq "$(aq japan)" "al-word,al-tokyo" \
	"japan: the word first, then the story tagged JP"
expect_eq "$(aq japanese)" "al-word,al-tokyo" "japanese likewise"
expect_eq "$(aq '"japan"')" "al-word" "a quoted word is the word only"

# A user's additions: a new country name, organisation and person; a
# second run without --gazetteer keeps them (the index holds them).
run --index "$IDX" index --gazetteer "$GEO/additions.txt" "$GEO/amberland.jsonl"
expect_rc 0 "indexing with additions"
expect_eq "$(ids country:LT | grep -c amber-1)" 1 "an added name tags"
expect_eq "$(ids org:HANSA | tr -d ' ')" amber-1 "an added organisation"
expect_eq "$(ids 'person:"quill mara"' | tr -d ' ')" amber-1 "an added person"
expect_eq "$(ids country:amberland)" "$(ids country:LT)" \
	"queries map added names too"
run --index "$IDX" stats --json
expect_eq "$(jqout .gazetteer.outdated)" false "stats: tagged with the current data"
case $(jqout .gazetteer.index) in
*+local:*) ok ;;
*) fail "stats names the additions: $(jqout .gazetteer.index)" ;;
esac

# A bad line of the additions fails with its file and line, and indexes
# nothing.
run --index "$IDX" index --gazetteer "$GEO/bad-additions.txt" "$GEO/amberland.jsonl"
expect_rc 2 "a bad additions file (a bad argument)"
expect_err "bad-additions.txt:2: unknown kind \"rgion\"" "file:line of the bad line"
expect_eq "$(wc -l <"$T/err" | tr -d ' ')" 1 "one line"
NEWSIDX_GAZETTEER="$GEO/bad-additions.txt"
export NEWSIDX_GAZETTEER
run --index "$IDX" index "$GEO/amberland.jsonl"
unset NEWSIDX_GAZETTEER
expect_rc 2 "NEWSIDX_GAZETTEER is read"
run --index "$IDX" index --gazetteer "$T/none.txt" "$GEO/amberland.jsonl"
expect_rc 1 "a missing additions file"
expect_err "none.txt" "names the missing file"

# stats shows the version in text and JSON.
run --index "$IDX" stats
expect_out "^gazetteer:    1+iso" "stats shows the gazetteer version"
run --index "$IDX" stats --json
expect_out '"gazetteer"' "stats --json has the gazetteer"

# --no-tags: the same articles, no countries, organisations or people;
# the dateline place and the topics stay.
BARE="$T/bare"
run --index "$BARE" index --no-tags "$CORPUS" "$GEO/baltic.xml"
expect_rc 0 "index --no-tags"
bq() { "$NEWSIDX" --index "$BARE" search --json --limit 500 "$@"; }
expect_eq "$(bq country:JP | jq .total)" 0 "--no-tags: no country terms"
expect_eq "$(bq 'person:"s. jaishankar"' | jq .total)" 0 \
	"--no-tags: no person terms"
expect_eq "$(bq --limit 0 --facet country japan | jq '.facets.country | length')" \
	0 "--no-tags: no country facet values"
expect_eq "$(bq japan | jq .total)" "$(q japan | jq .total)" \
	"--no-tags: the words are all there"
case $(bq place:vilnius | jq -r '.hits[].id') in
*baltic-1*) ok ;;
*) fail "--no-tags: place:vilnius still finds the Vilnius story" ;;
esac
# A rebuild tags them again.
run --index "$BARE" rebuild
expect_rc 0 "rebuild an untagged index"
expect_eq "$(bq country:JP | jq -r '.hits[].id' | sort | tr '\n' ' ')" \
	"$jp" "rebuild: tagged again"

finish
