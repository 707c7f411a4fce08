#!/bin/sh
# End-to-end: `newsidx trend`.  Counts per period with the periods that
# have no match present as 0; ISO weeks; --from/--to and the query's own
# date filter bound the periods; series per facet value agree with the
# facet's counts; the shapes of --csv and --json; plain output off a
# terminal; significant terms find the word planted in one month; bad
# options are refused; and GET /api/trend answers the CLI's JSON.
. "$top_srcdir/tests/cli/lib.sh"

IDX=$T/idx
run --index "$IDX" index "$FIXTURES/trend/news.jsonl"
expect_rc 0 "index the trend fixture"

# --- months, March empty -------------------------------------------------
run --index "$IDX" trend --csv shipping
expect_rc 0 "trend --csv"
expect_eq "$(cat "$T/out")" "period,total
2024-01,4
2024-02,3
2024-03,0
2024-04,2
2024-05,5
2024-06,2" "months with the empty one as 0"

run --index "$IDX" trend --json --by month shipping
expect_eq "$(jqout '.periods | join(" ")')" \
	"2024-01 2024-02 2024-03 2024-04 2024-05 2024-06" "json: periods"
expect_eq "$(jqout '.series[0].counts | map(tostring) | join(" ")')" \
	"4 3 0 2 5 2" "json: counts"
expect_eq "$(jqout '.series[0].sum')" "16" "json: the sum is the search total"
expect_eq "$(jqout '.series[0].value')" "null" "json: the total has no value"
expect_eq "$(jqout '.by + " " + (.facet | tostring)')" "month null" \
	"json: by and facet"

# --- days, weeks and years; bounds ---------------------------------------
run --index "$IDX" trend --by week --from 2024-05 --to 2024-05 --csv shipping
expect_eq "$(tr '\n' ' ' <"$T/out")" \
	"period,total 2024-W18,1 2024-W19,1 2024-W20,1 2024-W21,1 2024-W22,1 " \
	"ISO weeks of May 2024"
run --index "$IDX" trend --by day --from 2024-06-08 --to 2024-06-12 --csv shipping
expect_eq "$(tr '\n' ' ' <"$T/out")" \
	"period,total 2024-06-08,0 2024-06-09,0 2024-06-10,2 2024-06-11,0 2024-06-12,0 " \
	"days, zero ones included, copies counted"
run --index "$IDX" trend --by year --csv shipping
expect_eq "$(tr '\n' ' ' <"$T/out")" "period,total 2024,16 " "years"
# The query's date filter sets the periods when --from/--to do not.
run --index "$IDX" trend --csv "shipping date:2024-03..2024-04"
expect_eq "$(tr '\n' ' ' <"$T/out")" "period,total 2024-03,0 2024-04,2 " \
	"the query's date filter bounds the periods"
run --index "$IDX" trend --csv --from 2023-11 --to 2024-01 shipping
expect_eq "$(tr '\n' ' ' <"$T/out")" \
	"period,total 2023-11,0 2023-12,0 2024-01,4 " "--from before any match"
run --index "$IDX" trend --csv nosuchword
expect_eq "$(cat "$T/out")" "period,total" "no match: no periods"

# --- a series per facet value --------------------------------------------
run --index "$IDX" trend --facet topic --top 3 --json shipping
expect_eq "$(jqout '[.series[] | .label] | join(",")')" \
	"total,shipping,aviation,trade" "top 3 topics by count, then name"
expect_eq "$(jqout '.series[2].counts | map(tostring) | join(" ")')" \
	"0 0 0 0 5 0" "aviation only in May"
expect_eq "$(jqout '.series[3].counts | map(tostring) | join(" ")')" \
	"4 1 0 0 0 0" "trade in January and February"
run --index "$IDX" search --facet topic --limit 0 --json shipping
expect_eq "$(jqout '[.facets.topic[:3][] | .count] | map(tostring) | join(" ")')" \
	"16 5 5" "the facet's counts"
run --index "$IDX" trend --facet topic --top 3 --json shipping
expect_eq "$(jqout '[.series[1:][] | .sum] | map(tostring) | join(" ")')" \
	"16 5 5" "series sums equal the facet's counts"
run --index "$IDX" trend --facet topic --top 2 --csv shipping
expect_eq "$(head -n 2 "$T/out" | tr '\n' ' ')" \
	"period,total,shipping,aviation 2024-01,4,4,0 " "csv: a column per value"

# --- text: plain off a terminal ------------------------------------------
run --index "$IDX" trend shipping
expect_rc 0 "trend text"
expect_out "^2024-03  *0$" "text: the empty month"
if grep -q '█' "$T/out"; then fail "block characters off a terminal"; else ok; fi
run --index "$IDX" trend --facet topic --top 2 --plain shipping
expect_out "^period  *total  *shipping  *aviation$" "plain table header"

# --- significant terms ---------------------------------------------------
run --index "$IDX" trend --terms --period 2024-05 --json shipping
expect_rc 0 "terms"
expect_eq "$(jqout '.foreground')" "5" "terms: the period's matches"
expect_eq "$(jqout '.background')" "22" "terms: the rest of the archive"
expect_eq "$(jqout '[.terms[] | select(.kind == "word" and .value == "zeppelin")] | length')" \
	"1" "terms: the planted word"
expect_eq "$(jqout '[.terms[] | select(.value == "ship" or .value == "ministri")] | length')" \
	"0" "terms: words of every month are not significant"
expect_eq "$(jqout '[.terms[] | select(.kind == "topic") | .value] | join(",")')" \
	"aviation" "terms: the period's topic"
expect_eq "$(jqout '[.terms[] | .score >= 10.83] | all')" "true" \
	"terms: all significant at p < 0.001"
run --index "$IDX" trend --terms --period 2024-05..2024-05 --csv --max 2 shipping
expect_eq "$(head -n 1 "$T/out")" "kind,value,label,fg,bg,score" "terms csv header"
expect_eq "$(grep -c '^word,' "$T/out")" "2" "--max: per kind"
run --index "$IDX" trend --terms --period 2024-01 budget
expect_out "no significantly over-represented terms" \
	"terms: evenly spread words are not significant"

# --- refusals ------------------------------------------------------------
run --index "$IDX" trend --by fortnight shipping
expect_rc 2 "bad --by"
run --index "$IDX" trend --from 2024-13 shipping
expect_rc 2 "bad --from"
expect_err "bad from date '2024-13'" "bad --from: says which"
run --index "$IDX" trend --from 2024-05 --to 2024-01 shipping
expect_rc 2 "from after to"
run --index "$IDX" trend --facet year shipping
expect_rc 2 "year is no series facet"
run --index "$IDX" trend --terms shipping
expect_rc 2 "terms without a period"
run --index "$IDX" trend
expect_rc 2 "no query"
run --index "$IDX" trend --by day --from 1990 --to 2024 shipping
expect_rc 2 "too many periods"
expect_err "at most 10000" "too many periods: says so"

# --- GET /api/trend, and limit=0 in /api/search ---------------------------
if command -v curl >/dev/null; then
	"$NEWSIDX" --index "$IDX" serve --listen 127.0.0.1:0 2>"$T/serve.log" &
	pid=$!
	port=
	i=0
	while [ -z "$port" ] && [ $i -lt 300 ] && kill -0 "$pid" 2>/dev/null; do
		port=$(sed -n 's|^newsidx: serving .* on http://.*:\([0-9]*\)/$|\1|p' \
			"$T/serve.log")
		[ -n "$port" ] || sleep 0.1
		i=$((i + 1))
	done
	base=http://127.0.0.1:$port
	curl -s "$base/api/trend?q=shipping&by=month&facet=topic&top=3" >"$T/api.json"
	"$NEWSIDX" --index "$IDX" trend --json --by month --facet topic --top 3 \
		shipping >"$T/cli.json"
	expect_eq "$(jq -S . "$T/api.json")" "$(jq -S . "$T/cli.json")" \
		"/api/trend answers the CLI's JSON"
	curl -s "$base/api/trend?q=shipping&terms&period=2024-05" >"$T/api.json"
	expect_eq "$(jq -r '[.terms[] | .value] | index("zeppelin") != null' "$T/api.json")" \
		"true" "/api/trend terms"
	code=$(curl -s -o "$T/api.json" -w '%{http_code}' "$base/api/trend?q=shipping&by=hour")
	expect_eq "$code $(jq -r .error "$T/api.json")" \
		"400 bad by: day, week, month or year" "/api/trend: a bad by"
	code=$(curl -s -o "$T/api.json" -w '%{http_code}' "$base/api/trend?q=shipping&from=2024-13")
	expect_eq "$code" "400" "/api/trend: a bad date"
	curl -s "$base/api/search?q=shipping&limit=0&facet=topic" >"$T/api.json"
	expect_eq "$(jq -r '"\(.total) \(.hits | length) \(.facets.topic[0].value)"' "$T/api.json")" \
		"16 0 shipping" "/api/search limit=0: counts only"
	kill -TERM $pid
	wait $pid
else
	fail "curl is needed (tools/install-deps)"
fi

finish
