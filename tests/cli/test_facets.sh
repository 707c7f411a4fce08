#!/bin/sh
# End-to-end: facets of several values per article (topics here; the
# countries, organisations and people of the tagger are counted by the
# same code), their order, the agreement of every count with the total
# of the same search with that value's filter added (near-duplicate
# copies included), and --limit 0, which prints the counts only.
. "$top_srcdir/tests/cli/lib.sh"

IDX=$T/idx
run --index "$IDX" index "$FIXTURES/trend/news.jsonl"
expect_rc 0 "index the trend fixture"

# --- topics: each of an article's topics counted once --------------------
run --index "$IDX" search --facet topic --limit 0 --json shipping
expect_rc 0 "topic facet"
expect_eq "$(jqout '.total')" "16" "shipping: total"
expect_eq "$(jqout '.hits | length')" "0" "--limit 0: no hits"
expect_eq "$(jqout '.limit')" "0" "--limit 0: limit in the document"
# "Shipping", "shipping" and " Shipping" are one topic, lower case;
# "Energy; Shipping, trade" is three.
expect_eq "$(jqout '[.facets.topic[] | "\(.value)=\(.count)"] | join(" ")')" \
	"shipping=16 aviation=5 trade=5 insurance=2 labour=2 ports=2 energy=1" \
	"topic counts: count descending, then value"
expect_eq "$(jqout '[.facets.topic[] | select(.label != .value)] | length')" \
	"0" "without a gazetteer the label is the value"

# --- every count equals the total with its filter added ------------------
for q in shipping "council OR shipping" "zeppelin"; do
	run --index "$IDX" search --facet topic,source,month --limit 0 --json "$q"
	jqout '.facets | to_entries[] | .key as $f | .value[] |
		"\($f)\t\(.value)\t\(.count)"' >"$T/counts"
	[ -s "$T/counts" ] || fail "$q: no facet counts"
	while IFS='	' read -r f v n; do
		case $f in
		topic) filter="topic:\"$v\"" ;;
		source) filter="source:\"$v\"" ;;
		month) filter="date:$v" ;;
		esac
		run --index "$IDX" search --limit 0 --json "($q) $filter"
		expect_eq "$(jqout .total)" "$n" "$q: $f $v agrees with $filter"
	done <"$T/counts"
done

# The June wire copies fold into one hit, but count as two articles in
# the total and in every facet, so that the counts agree with filters.
run --index "$IDX" search --facet topic --json "strike topic:labour"
expect_eq "$(jqout .total)" "2" "copies: total counts both"
expect_eq "$(jqout '.hits | length')" "1" "copies: one hit"
expect_eq "$(jqout '.hits[0].copies')" "1" "copies: folded"
expect_eq "$(jqout '.facets.topic[] | select(.value == "labour") | .count')" \
	"2" "copies: the facet counts both"
run --index "$IDX" search --facet topic --json --all-copies "strike"
expect_eq "$(jqout '.hits | length')" "2" "--all-copies lists both"

# --- the text form, and --limit 0 there ----------------------------------
run --index "$IDX" search --facet topic,source -n 0 shipping
expect_rc 0 "text --limit 0"
expect_out "^16 articles match" "text: total"
expect_out "by topic:" "text: topic facet"
expect_out "^ *5  aviation$" "text: aviation count"
expect_no_out "^1\. " "text --limit 0: no hits"
run --index "$IDX" search --limit 0 shipping
expect_eq "$(cat "$T/out")" "16 articles match" "--limit 0 alone: the total"

# --- the new names are accepted, bad ones named --------------------------
run --index "$IDX" search --facet country,org,person,place --limit 0 --json shipping
expect_rc 0 "country, org, person and place facets"
expect_eq "$(jqout '.facets | keys | join(",")')" "country,org,person,place" \
	"the facets asked for are in the document"
expect_eq "$(jqout '.facets.place[0].value')" "Harbour Town" "place facet"
run --index "$IDX" search --facet colour shipping
expect_rc 2 "a bad facet"
expect_err "bad --facet 'colour' (country, place, org, person, topic" \
	"a bad facet lists the names"
run --index "$IDX" search --limit -1 shipping
expect_rc 2 "a negative limit"

# --- a time limit -----------------------------------------------------------
# Without one, nothing says it was reached, and the counts are exact.
run --index "$IDX" search --facet topic,source --limit 3 --json shipping
expect_eq "$(jqout .time_limited)" false "no limit: not reached"
full_ids=$(jqout '[.hits[].id] | join(",")')
full_total=$(jqout .total)
full_topics=$(jqout '[.facets.topic[].count] | add')
# A generous limit is never reached.
run --index "$IDX" search --time-limit 600 --facet topic,source --limit 3 --json shipping
expect_eq "$(jqout .time_limited)" false "a generous limit: not reached"
expect_eq "$(jqout .total_exact)" true "a generous limit: exact total"
expect_eq "$(jqout .total)" "$full_total" "a generous limit: the same total"
# A limit of a microsecond is reached before anything is examined: the
# page is still ranked in full, the total is not called exact, and the
# counts never exceed the full ones.
run --index "$IDX" search --time-limit 0.000001 --facet topic,source --limit 3 --json shipping
expect_rc 0 "a tiny limit"
expect_eq "$(jqout .time_limited)" true "a tiny limit: reached"
expect_eq "$(jqout .total_exact)" false "a tiny limit: the total an estimate"
expect_eq "$(jqout '[.hits[].id] | join(",")')" "$full_ids" \
	"a tiny limit: the same page"
[ "$(jqout '[.facets.topic[].count] | add // 0')" -le "$full_topics" ] && ok ||
	fail "a tiny limit: topic counts above the full ones"
run --index "$IDX" search --time-limit 0.000001 shipping
expect_out "time limit of 1e-06 s was reached" "text: says the limit was reached"
run --index "$IDX" search --time-limit -1 shipping
expect_rc 2 "a negative time limit"
expect_err "bad --time-limit '-1'" "names the bad limit"
run --index "$IDX" search --time-limit soon shipping
expect_rc 2 "a time limit that is no number"

finish
