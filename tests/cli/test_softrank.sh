#!/bin/sh
# End-to-end: the default query.  Plain words side by side rank the
# articles with every word first, exactly as if every word were
# required, then those with some of them; the output counts both.
# Phrases, +words, field words and AND stay required, and so does every
# word of a short query sorted by date or run with --all-words.
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"
D="$T/docs"
mkdir -p "$D"
# "zinc7" has one word many times: by BM25 over any word it could
# outrank the articles with both; "dup1" and "dup2" are wire copies.
cat >"$D/a.jsonl" <<'JSON'
{"id":"both1","title":"Metals","body":"Zinc and copper prices rose as the mines reopened after the strike.","date":"2020-01-01","source":"Wire A"}
{"id":"both2","title":"Smelters","body":"Copper and zinc output fell in the north; smelters blamed the weather.","date":"2019-05-01","source":"Wire B"}
{"id":"zinc7","title":"Zinc","body":"Zinc zinc zinc. Zinc smelters, zinc ore and zinc mines, zinc everywhere.","date":"2024-02-01","source":"Wire A"}
{"id":"copper1","title":"Thieves","body":"Thieves stole copper wire from the railway again this week.","date":"2023-03-01","source":"Wire B"}
{"id":"cp","title":"London","body":"Copper prices fell in London trading on Friday.","date":"2022-06-01","source":"Wire A"}
{"id":"tin","title":"Tin","body":"Tin prices were steady in quiet trading.","date":"2021-01-01","source":"Wire A"}
{"id":"dup1","title":"Nickel and zinc","body":"Nickel and zinc stocks in the exchange warehouses dropped sharply this month, traders in Singapore said on Tuesday, as buyers in China and India took delivery of metal that had been stored since the spring and prices climbed to their highest level in two years.","date":"2018-01-01","source":"Wire C"}
{"id":"dup2","title":"Nickel and zinc","body":"Nickel and zinc stocks in the exchange warehouses dropped sharply this month, traders in Singapore said on Tuesday, as buyers in China and India took delivery of metal that had been stored since the spring and prices climbed to their highest level in two years.","date":"2018-01-02","source":"Wire D"}
JSON
run --index "$IDX" index "$D"
expect_rc 0 "index"

q() { "$NEWSIDX" --index "$IDX" search --json --limit 50 --no-snippets "$@"; }
ids() { q "$@" | jq -r '[.hits[].id] | join(",")'; }

# The articles with both words come first, without relevance feedback
# in the order and with the scores of the strict query; those with one
# follow.  (The scores agree to 1e-9: the bonus that ranks them first is
# added and taken off again in floating point.)  Feedback, on by
# default for longer queries, may reorder them (test_ranking.sh).
q 'zinc AND copper' |
	jq -c '[.hits[] | [.id, (.score * 1e9 | round)]]' >"$T/strict"
expect_eq "$(q --no-feedback 'zinc copper' |
	jq -c '[.hits[:2][] | [.id, (.score * 1e9 | round)]]')" \
	"$(cat "$T/strict")" "all-word matches first, ranked as if required"
q 'zinc copper' >"$T/soft.json"
expect_eq "$(jq -r '[.hits[:2][].id] | sort | join(",")' "$T/soft.json")" \
	"both1,both2" "all-word matches first with feedback too"
expect_eq "$(jq -r '[.hits[2:][].id] | sort | join(",")' "$T/soft.json")" \
	"copper1,cp,dup1,zinc7" "then the articles with one of the words"
expect_eq "$(jq -c '[.total, .total_all, .total_some, .relaxed]' \
	"$T/soft.json")" "[7,2,5,true]" "totals: all, some (copies counted)"
# The same counts whether the page holds every all-word match (read off
# the page) or not (counted apart), and on later pages.
for page in '--limit 1' '--limit 2' '--limit 3' '--offset 1' '--offset 4'; do
	# shellcheck disable=SC2086 # two words on purpose
	expect_eq "$(q $page 'zinc copper' |
		jq -c '[.total, .total_all, .total_some]')" "[7,2,5]" \
		"counts with $page"
done
# Two or three plain words: the total is counted from the words' own
# counts (a union), and must be what "a OR b OR c" counts.
for words in 'zinc copper' 'copper prices' 'zinc copper prices' \
	'zinc copper nickel' 'prices prices' 'zinc tin platinum'; do
	any=$(echo "$words" | sed 's/ / OR /g')
	all=$(echo "$words" | sed 's/ / AND /g')
	expect_eq "$(q "$words" | jq -c '[.total, .total_all, .total_exact]')" \
		"[$(q "$any" | jq .total),$(q "$all" | jq .total_all),true]" \
		"totals of '$words' are those of OR and AND"
done
expect_eq "$(q 'nickel zinc' | jq -c '[.total, .total_all, .total_some,
	.hits[0].copies]')" "[5,2,3,1]" "counts when an all-word hit folds a copy"
expect_eq "$(jq -r '[.hits[] | select(.id == "dup1" or .id == "dup2")] |
	map("\(.id)+\(.copies)") | join(",")' "$T/soft.json")" "dup1+1" \
	"wire copies still fold into one hit"
expect_eq "$(jq -r '[.hits[].score] | all(. < 1000)' "$T/soft.json")" \
	"true" "scores are BM25 scores"
run --index "$IDX" search 'zinc copper'
expect_out "^2 articles match all the words, 5 more match some$" \
	"text: both counts"
expect_no_out "No article has all the words" "text: no fallback message"
run --index "$IDX" search --ids 'zinc copper'
expect_eq "$(head -n 2 "$T/out" | tr '\n' ',')" \
	"$(jq -r '[.hits[:2][].id] | join(",")' "$T/soft.json")," \
	"--ids in the same order"
expect_eq "$(wc -l <"$T/out")" "6" "--ids lists partial matches too"

# Paging goes on past the all-word matches in the same order.
expect_eq "$(ids --limit 2 --offset 2 'zinc copper')" \
	"$(jq -r '[.hits[2:4][].id] | join(",")' "$T/soft.json")" \
	"--offset pages through the same ranking"

# Facets count every match, as the total does.
q --facet source 'zinc copper' >"$T/f.json"
expect_eq "$(jq '[.facets.source[].count] | add' "$T/f.json")" "7" \
	"facets count all the matches"

# Explicit operators stay strict.
expect_eq "$(ids 'zinc AND copper' | tr ',' '\n' | sort | tr '\n' ' ')" \
	"both1 both2 " "AND requires both"
expect_eq "$(ids '+zinc copper' | tr ',' '\n' | sort | tr '\n' ' ')" \
	"both1 both2 " "+word beside one plain word: strict"
expect_eq "$(q 'title:zinc smelters' | jq -c '[[.hits[].id], .total_some]')" \
	'[["zinc7"],0]' "a field word beside one word: strict"
expect_eq "$(ids '"copper prices" zinc rose')" "both1,cp" \
	"a phrase stays required beside soft words"
expect_eq "$(q '"copper prices" zinc rose' | jq -c '[.total_all, .total_some]')" \
	"[1,1]" "phrase with soft words: counts"
expect_eq "$(ids '+copper zinc mines' | tr ',' '\n' | sort | tr '\n' ' ')" \
	"both1 both2 copper1 cp " "+word required beside soft words"
expect_eq "$(q 'zinc OR copper' | jq -c '[.total, .total_all, .relaxed]')" \
	"[7,7,false]" "OR: every match counts as all"

# One word, a date order or --all-words: every word required.
expect_eq "$(q zinc | jq -c '[.total, .total_all, .total_some]')" \
	"[5,5,0]" "one word"
expect_eq "$(ids --sort -date 'zinc copper')" "both1,both2" \
	"sorted by date: every word required"
expect_eq "$(ids --all-words 'zinc copper' | tr ',' '\n' | sort |
	tr '\n' ' ')" "both1 both2 " "--all-words"
expect_eq "$(q --all-words 'zinc platinum' | jq -c '[.total, .relaxed]')" \
	"[0,false]" "--all-words: no fallback either"

# Nothing has every word: any-word matches, and the output says so.
run --index "$IDX" search 'zinc platinum'
expect_out "No article has all the words" "fallback message"
expect_eq "$(q 'zinc platinum' | jq -c '[.total, .total_all, .total_some]')" \
	"[5,0,5]" "fallback counts"

# Did you mean still works beside soft ranking.
expect_eq "$(q 'zinc coppr' | jq -r .suggestion)" "zinc copper" \
	"spelling suggestion"

# --explain shows the query the search runs.
run --index "$IDX" search --explain 'zinc copper'
expect_out "FixedWeightPostingSource" "--explain shows the soft form"
run --index "$IDX" search --explain 'zinc AND copper'
expect_no_out "FixedWeightPostingSource" "--explain: AND is strict"

# A lean index lists deleted articles until it is compacted: the union
# of the words leaves them out all the same.
run --index "$T/lean" index --lean "$D"
expect_rc 0 "lean index"
run --index "$T/lean" delete both2 copper1
expect_rc 0 "delete from the lean index"
expect_eq "$("$NEWSIDX" --index "$T/lean" search --json --no-snippets \
	'zinc copper' | jq -c '[.total, .total_all, .total_some]')" "[5,1,4]" \
	"lean with listed deletions: totals without them"
expect_eq "$("$NEWSIDX" --index "$T/lean" search --json --no-snippets \
	'zinc copper prices' | jq -c '[.total, .total_all]')" "[6,1]" \
	"lean with listed deletions: three words"

# Deleting by query never relaxes: only the articles with both words.
run --index "$IDX" delete --query 'zinc copper'
expect_rc 0 "delete by query"
expect_eq "$(ids zinc | tr ',' '\n' | sort | tr '\n' ' ')" "dup1 zinc7 " \
	"delete took only the articles with every word"

finish
