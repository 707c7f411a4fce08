#!/bin/sh
# End-to-end: the query language on the bundled corpus.  Boolean operators
# are checked against set arithmetic on the results of their parts, so a
# wrong combination cannot pass by luck.
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"
"$NEWSIDX" --index "$IDX" index "$CORPUS" || fail "indexing the corpus"

# ids QUERY: the sorted ids of every match.
# Wire copies are listed one by one here: this is about the operators.
ids() {
	"$NEWSIDX" --index "$IDX" search --json --limit 1000 --no-snippets \
		--all-copies -- "$1" | jq -r '.hits[].id' | sort
}
total() {
	"$NEWSIDX" --index "$IDX" search --json --no-snippets --all-copies \
		-- "$1" | jq -r .total
}
ids japan >"$T/a"
ids india >"$T/b"
ids 'date:1900..2100' >"$T/all"
expect_eq "$(wc -l <"$T/all")" "38" "all articles"
[ -s "$T/a" ] && [ -s "$T/b" ] && ok || fail "japan and india match"

ids 'japan AND india' >"$T/got"
comm -12 "$T/a" "$T/b" >"$T/want"
cmp -s "$T/got" "$T/want" && ok || fail "AND is the intersection"
# Words side by side rank the intersection first, then the rest of the
# union, and count both parts.
sort -u "$T/a" "$T/b" >"$T/union"
ids 'japan india' >"$T/got"
cmp -s "$T/got" "$T/union" && ok || fail "plain words match the union"
"$NEWSIDX" --index "$IDX" search --json --limit 1000 --no-snippets \
	--all-copies 'japan india' >"$T/soft.json"
n=$(wc -l <"$T/want")
jq -r ".hits[:$n][].id" "$T/soft.json" | sort >"$T/got"
cmp -s "$T/got" "$T/want" && ok || fail "the intersection comes first"
expect_eq "$(jq -c '[.total, .total_all, .total_some]' "$T/soft.json")" \
	"[$(wc -l <"$T/union"),$n,$(($(wc -l <"$T/union") - n))]" \
	"totals of all the words and of some"
ids 'japan AND india' >"$T/got"
cmp -s "$T/got" "$T/want" && ok || fail "AND is the intersection"
ids 'japan OR india' >"$T/got"
sort -u "$T/a" "$T/b" >"$T/want"
cmp -s "$T/got" "$T/want" && ok || fail "OR is the union"
ids 'japan -india' >"$T/got"
comm -23 "$T/a" "$T/b" >"$T/want"
cmp -s "$T/got" "$T/want" && ok || fail "-word is the difference"
ids 'japan NOT india' >"$T/got"
cmp -s "$T/got" "$T/want" && ok || fail "NOT is the difference"
ids 'NOT india' >"$T/got"
comm -23 "$T/all" "$T/b" >"$T/want"
cmp -s "$T/got" "$T/want" && ok || fail "a lone NOT is the complement"
ids '(japan OR india) -(japan india)' >"$T/got"
{ comm -23 "$T/a" "$T/b"; comm -13 "$T/a" "$T/b"; } | sort >"$T/want"
cmp -s "$T/got" "$T/want" && ok || fail "parentheses group"
ids 'japan OR +visa' >"$T/got"
ids visa >"$T/want"
cmp -s "$T/got" "$T/want" && ok || fail "+word is required inside OR"

# Stemming, case and accent folding, apostrophes.
expect_eq "$(ids railways)" "$(ids railway)" "railways = railway"
expect_eq "$(ids RAILWAY)" "$(ids railway)" "case folded"
expect_eq "$(total turkiye)" "2" "Türkiye and Turkiye both found"
expect_eq "$(ids 'Türkiye')" "$(ids turkiye)" "accents folded in queries"
expect_eq "$(ids 'India’s')" "$(ids india)" "possessive meets its base word"
expect_eq "$(ids defense)" "$(ids defence)" "British and American spellings"
[ "$(total defence)" -gt "$(total '"self-defense force"')" ] && ok ||
	fail "defence finds more than the one defense article"
expect_eq "$(ids programme)" "$(ids program)" "programme = program"

# Phrases match inflected forms; compounds match three ways.
expect_eq "$(total '"trade deficit"')" "2" "phrase finds deficit and deficits"
expect_eq "$(total '"deficit trade"')" "0" "phrase word order matters"
eam=$(ids kamikawa)
expect_eq "$(ids '"high-speed railway"')" "$eam" "hyphenated phrase"
expect_eq "$(ids '"high speed railway"')" "$eam" "spaced phrase"
expect_eq "$(ids 'highspeed AND railway')" "$eam" "joined form"
# "Jaishankar said he had spoken to Kamikawa": five words apart.
expect_eq "$(ids 'jaishankar NEAR/5 kamikawa')" "$eam" "NEAR/5"
expect_eq "$(ids 'spoken NEAR/3 jaishankar')" "$eam" "NEAR in either order"
expect_eq "$(total 'spoken NEAR/2 jaishankar')" "0" "NEAR/2 is too narrow"
expect_eq "$(total 'semicon*')" "1" "prefix wildcard"

# Fields.
run --index "$IDX" search --json --limit 100 'source:"asia wire"'
expect_eq "$(jqout '[.hits[].source] | unique | join(",")')" "Asia Wire" \
	"source: filters"
expect_eq "$(jqout .total)" "7" "source: finds every Asia Wire article"
run --index "$IDX" search --json --limit 100 'place:"new delhi"'
expect_eq "$(jqout '[.hits[].place] | unique | join(",")')" "New Delhi" \
	"place: filters"
run --index "$IDX" search --json --limit 100 'title:railway'
expect_eq "$(jqout '[.hits[].title | ascii_downcase | test("railway")] | all')" \
	"true" "title: searches titles"
expect_eq "$(jqout .total)" "1" "title: matches only titles"
expect_eq "$(total 'lang:en')" "38" "lang:"
expect_eq "$(total 'id:gd-20240408-eclipse')" "1" "id:"

# Dates.
run --index "$IDX" search --json --limit 100 'date:2024-03-07'
expect_eq "$(jqout '[.hits[].date[0:10]] | unique | join(",")')" \
	"2024-03-07" "date: one day"
run --index "$IDX" search --json --limit 100 --all-copies 'date:2024-03..2024-04'
expect_eq "$(jqout '[.hits[].date[0:7] | . >= "2024-03" and . <= "2024-04"]
	| all')" "true" "date: month range"
n=$(jqout .total)
expect_eq "$(grep -c '"date": "2024-0[34]' "$T/out")" "$n" \
	"date: range finds every article of those months"
run --index "$IDX" search --json --limit 100 'date:..2023-12-31'
expect_eq "$(jqout '[.hits[].date < "2024"] | all')" "true" "open range"
run --index "$IDX" search --json --limit 100 'japan date:2024'
expect_eq "$(jqout '[.hits[].date[0:4]] | unique | join(",")')" "2024" \
	"words with a date filter"

# Sorting and paging.
run --index "$IDX" search --json --limit 100 --sort -date japan
expect_eq "$(jqout '[.hits[].date] == ([.hits[].date] | sort | reverse)')" \
	"true" "--sort -date is newest first"
run --index "$IDX" search --json --limit 100 --sort date japan
expect_eq "$(jqout '[.hits[].date] == ([.hits[].date] | sort)')" "true" \
	"--sort date is oldest first"
all3=$("$NEWSIDX" --index "$IDX" search --json --limit 3 japan |
	jq -r '.hits[2].id')
page=$("$NEWSIDX" --index "$IDX" search --json --limit 2 --offset 2 japan |
	jq -r '.hits[0].id, .hits[0].rank')
expect_eq "$page" "$all3
3" "--offset pages through the same ranking"

# Relaxed matching when no article has every word.
run --index "$IDX" search --json 'semiconductor xylophonist'
expect_eq "$(jqout .relaxed)" "true" "falls back to any word"
expect_eq "$(jqout '.hits[0].id' | sed 's|.*/||')" \
	"2024-03-07-india-japan-eam-tokyo.txt" "fallback ranks the EAM report"
run --index "$IDX" search 'semiconductor xylophonist'
expect_out "No article has all the words" "text output says so"
run --index "$IDX" search --json 'japan india'
expect_eq "$(jqout '[.relaxed, .total_all > 0] | tostring')" "[true,true]" \
	"some articles have all the words, others some"
run --index "$IDX" search 'japan india'
expect_out "^[0-9]* articles match all the words, [0-9]* more match some$" \
	"text output counts both"
expect_no_out "No article has all the words" "no fallback when all match"
run --index "$IDX" search --json 'chandrayaan lander'
expect_eq "$(jqout '[.relaxed, .total, .total_all, .total_some] | tostring')" \
	"[false,1,1,0]" "every match has every word: nothing relaxed"

# Explain and syntax errors.
run --index "$IDX" search --explain '"trade deficit" OR india'
expect_rc 0 "--explain"
expect_out "^parsed: OR(phrase" "--explain shows the parse"
expect_out "^xapian: Query(" "--explain shows the engine query"
for bad in '(india' 'india OR' '"trade deficit' 'date:2024-13' 'india)'; do
	run --index "$IDX" search "$bad"
	expect_rc 2 "syntax error in $bad"
	expect_err "query syntax error at column [0-9]" "position for $bad"
	expect_eq "$(wc -l <"$T/err")" "1" "one-line message for $bad"
done

# A phrase of common words: its total is exact up to 1,000 articles with
# all its words, and an estimate above, said as such; --exact-count
# counts all.  1,500 articles have "port" and "crane"; the even ones
# have them as the phrase "port crane".
P="$T/ports"
mkdir -p "$P"
awk -v out="$P/ports.jsonl" 'BEGIN {
	for (i = 1; i <= 1500; i++)
		printf("{\"id\":\"p%04d\",\"title\":\"Harbour %d\",\"body\":\"The %s moved %d boxes today.\",\"date\":\"2020-01-01\"}\n",
		       i, i, i % 2 ? "crane at the port" : "port crane", i) > out
}'
PI="$T/portidx"
"$NEWSIDX" --index "$PI" index "$P" >/dev/null 2>&1 || fail "indexing the ports"
run --index "$PI" search --no-snippets '"port crane"'
expect_rc 0 "a common phrase"
expect_out "^about [0-9]* articles match" "an estimated total says so"
est=$(head -1 "$T/out" | awk '{ print $2 }')
[ "$est" -ge 500 ] && [ "$est" -le 1000 ] && ok ||
	fail "the estimate $est is near the 750 matches"
run --index "$PI" search --json --no-snippets --limit 100 '"port crane"'
expect_eq "$(jqout .total_exact)" "false" "JSON says the total is estimated"
expect_eq "$(jqout '[.hits[].id | ltrimstr("p") | tonumber % 2] | unique | tostring')" \
	"[0]" "every hit of an estimated count has the phrase"
expect_eq "$(jqout '.hits | length')" "100" "the page is full"
run --index "$PI" search --json --no-snippets --exact-count '"port crane"'
expect_eq "$(jqout '[.total, .total_exact] | tostring')" "[750,true]" \
	"--exact-count counts every match"
run --index "$PI" search --no-snippets --exact-count '"port crane"'
expect_out "^750 articles match" "an exact total is printed as such"
run --index "$PI" search --json --no-snippets 'port crane'
expect_eq "$(jqout '[.total, .total_exact] | tostring')" "[1500,true]" \
	"words without a phrase are counted exactly"
run --index "$PI" search --json --no-snippets '"crane port"'
expect_eq "$(jqout '[.total, .total_exact] | tostring')" "[0,true]" \
	"a phrase nothing has: exact, none"
run --index "$PI" search --json --no-snippets '"port crane" 1498'
expect_eq "$(jqout '[.total, .total_exact, .hits[0].id] | tostring')" \
	'[1,true,"p1498"]' "a phrase with a rare word is exact"
# The same in a lean index, where the phrase is checked on each
# article's positions and only the page's candidates are checked.
"$NEWSIDX" --index "$T/portlean" index --lean "$P" >/dev/null 2>&1 ||
	fail "a lean index of the ports"
run --index "$T/portlean" search --json --no-snippets --limit 100 '"port crane"'
expect_eq "$(jqout '[.total_exact, (.hits | length), ([.hits[].id | ltrimstr("p") | tonumber % 2] | unique)] | tostring')" \
	"[false,100,[0]]" "lean: an estimate, and a full page of phrase hits"
run --index "$T/portlean" search --json --no-snippets --exact-count '"port crane"'
expect_eq "$(jqout '[.total, .total_exact] | tostring')" "[750,true]" \
	"lean: --exact-count counts every match"
# Every hit with its score (sorted: equal scores may come in another
# order where the articles were numbered in another order).
for q in '"port crane"' '"port crane" 7' '"crane at the port" boxes'; do
	expect_eq "$("$NEWSIDX" --index "$T/portlean" search --json --no-snippets --all-copies --limit 2000 -- "$q" | jq -c '[.hits[] | [.id, .score]] | sort')" \
		"$("$NEWSIDX" --index "$PI" search --json --no-snippets --all-copies --limit 2000 -- "$q" | jq -c '[.hits[] | [.id, .score]] | sort')" \
		"lean and table rank $q alike"
done

finish
