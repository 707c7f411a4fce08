#!/bin/sh
# End-to-end: search across languages.  Each article is stemmed in its
# own language; a search that does not name its language also stems its
# words in every other language the index holds, weighted by how well
# each form fits, and --lang forces one language.
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"
D="$T/docs"
mkdir -p "$D"
cat >"$D/a.jsonl" <<'JSON'
{"id":"de1","title":"EU beschließt neue Sanktionen gegen Russland","body":"Die Europäische Union hat am Freitag neue Sanktionen gegen Russland beschlossen. Die Sanktionen betreffen Banken und Energieunternehmen. Die Regierung in Berlin begrüßte die Entscheidung.","language":"de","date":"2024-02-23"}
{"id":"de2","title":"Bahnstreik legt Deutschland lahm","body":"Ein Streik der Lokführer hat den Bahnverkehr in Deutschland weitgehend lahmgelegt. Die Gewerkschaft fordert höhere Löhne und kürzere Arbeitszeiten.","language":"de","date":"2024-01-10"}
{"id":"en1","title":"EU agrees new sanctions on Russia","body":"The European Union agreed new sanctions on Russia on Friday, targeting banks and energy companies. Interest rates were not discussed.","language":"en","date":"2024-02-23"}
{"id":"en2","title":"Central bank holds rates","body":"The central bank held interest rates steady on Thursday. Officials said rates would stay high.","language":"en","date":"2024-03-01"}
{"id":"en3","title":"Rats in the metro","body":"A rat was filmed on a train; rats are common in old tunnels.","language":"en","date":"2024-03-02"}
{"id":"fr1","title":"L'UE adopte de nouvelles sanctions contre la Russie","body":"L'Union européenne a adopté vendredi de nouvelles sanctions contre la Russie visant les banques et les entreprises énergétiques. Le gouvernement allemand a salué la décision.","language":"fr","date":"2024-02-23"}
JSON
run --index "$IDX" index "$D"
expect_rc 0 "index"

ids() {
	"$NEWSIDX" --index "$IDX" search --json --limit 50 "$@" |
		jq -r '[.hits[].id] | join(",")'
}

# A German word in a search that names no language: the German stem.
expect_eq "$(ids sanktionen)" "de1" "sanktionen finds the German story"
expect_eq "$(ids Regierungen)" "de1" "an inflected form, German stem"
expect_eq "$(ids Lokführer)" "de2" "a German compound"
expect_eq "$(ids banques)" "fr1" "banques finds the French story"
# --lang forces one language: English stems miss the German story.
expect_eq "$(ids --lang en sanktionen)" "" "--lang en: English stems only"
expect_eq "$(ids --lang de sanktionen)" "de1" "--lang de"
# A phrase with a word the query's language does not know is read in
# the language in which every word occurs.
expect_eq "$(ids '"sanktionen gegen russland"')" "de1" \
	"a German phrase in a search with no language named"
expect_eq "$(ids --lang en '"sanktionen gegen russland"')" "" \
	"the same phrase with --lang en"
# An English word keeps its English reading: "rates" must not pull in
# the rats story through a stem another language cuts it to.
expect_eq "$(ids rates)" "en2,en1" "rates: the English stories only"
# The German story's matched words are highlighted in its snippet,
# found with its own stemmer.
"$NEWSIDX" --index "$IDX" search --json Regierungen >"$T/hl.json"
expect_eq "$(jq -r '.hits[0] | .highlights[0] as $r |
	.snippet | explode | .[$r[0]:$r[1]] | implode' "$T/hl.json")" \
	"Regierung" "the German form is highlighted"
# Explain shows the other language's form beside the word's.
run --index "$IDX" search --explain sanktionen
expect_out "sanktionen OR sanktion" "explain shows both forms"
finish
