#!/bin/sh
# End-to-end: hostile text in what the command prints and in queries.
# Control characters from articles, file names and arguments are shown
# as escapes in the text output and in every message, never sent raw to
# a terminal or a log; JSON keeps them exact; an id with one is refused.
# Queries that are not UTF-8 or too long are syntax errors (exit 2).
# Articles without a date come last in both date orders, page by page.
. "$top_srcdir/tests/cli/lib.sh"

O="$FIXTURES/output"
IDX="$T/idx"

# no_controls FILE WHAT: FILE holds no control character but newline and
# tab: no C0, no DEL, no C1 (as UTF-8).
no_controls() {
	if LC_ALL=C tr -d '\n\t' <"$1" | LC_ALL=C grep -q '[[:cntrl:]]' ||
		LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$1"; then
		fail "$2: a control character was printed raw: $(
			LC_ALL=C cat -v "$1" | head -c 600)"
	else ok; fi
}

# ---- control characters ----

run --index "$IDX" index "$O/controls.jsonl"
expect_rc 65 "ids with control characters are rejected"
expect_err "controls.jsonl:2: article id has control character U+000A at byte 5" \
	"newline in an id: the record named"
expect_err "controls.jsonl:3: article id has control character U+001B at byte 5" \
	"ESC in an id: the record named"
expect_eq "$(wc -l <"$T/err")" "2" "one line per rejected id"
no_controls "$T/err" "rejects"

run --index "$IDX" search capybara
expect_rc 0 "search"
no_controls "$T/out" "search text output"
expect_out '^[12]\. Capybara \\x1b\[31mred\\x1b\[0m alert \\u009b2J$' \
	"title: C0 and C1 shown as escapes"
expect_out '2024-01-10 | Pla\\x1bce | Wire\\x7f | ' "place and source"
expect_out 'herds \\x1b\]0;pwned\\x07 grew' "snippet"
expect_out "2 articles match" "the other records indexed"

run --index "$IDX" search --ids capybara
expect_eq "$(sort "$T/out" | tr '\n' ' ')" "ctl-1 ctl-4 " "--ids"

run --index "$IDX" show ctl-1
expect_rc 0 "show"
no_controls "$T/out" "show text output"
expect_out '^Capybara \\x1b\[31mred' "show: title"
expect_out '^place:    Pla\\x1bce$' "show: place"
expect_out '^source:   Wire\\x7f$' "show: source"
expect_out "$(printf 'grew\tfast\\.$')" "show: the body keeps tabs and lines"
expect_out '^A second line \\u0085 here\.$' "show: C1 in the body"

# JSON escapes by itself and stays exact.
run --index "$IDX" search --json capybara
expect_eq "$(jqout '.hits[] | select(.id == "ctl-1") | .title')" \
	"$(printf 'Capybara \033[31mred\033[0m alert \302\2332J')" \
	"JSON keeps the title exact"
expect_eq "$(jqout '.hits[] | select(.id == "ctl-1") | .place')" \
	"$(printf 'Pla\033ce')" "JSON keeps the place exact"

run --index "$IDX" search --explain "$(printf 'capybara\033[2J')"
no_controls "$T/out" "--explain"

# A file name that would forge a line of the log, and one with an ESC.
mkdir "$T/named"
printf 'Capybara in a badly named file\n\nA capybara.\n' >"$T/named/x
newsidx: forged"
: >"$T/named/$(printf 'e\033[31m.txt')"
run --index "$T/idx2" index "$T/named"
expect_rc 65 "badly named files"
no_controls "$T/err" "file names in rejects"
expect_eq "$(grep -c '^newsidx: forged' "$T/err")" "0" "no forged line"
expect_err 'named/x\\x0anewsidx: forged: article id has control character U+000A' \
	"a file name with a newline: shown escaped, its article refused"
expect_err 'named/e\\x1b\[31m\.txt: empty file' "a file name with an ESC"
expect_eq "$(wc -l <"$T/err")" "2" "one line per rejected file"

# Messages about arguments and paths.
run --index "$IDX" search "--$(printf '\033')[2J" capybara
expect_rc 2 "unknown option"
no_controls "$T/err" "unknown option message"
expect_err "unknown option '--\\\\x1b\\[2J'" "the option shown escaped"
run --index "$T/$(printf 'no\033[2Jindex')" search capybara
expect_rc 1 "no index"
no_controls "$T/err" "a path in a library message"
expect_err 'no\\x1b\[2Jindex' "the path shown escaped"
expect_eq "$(wc -l <"$T/err")" "1" "no index: one line"

# ---- queries that are not UTF-8 ----

for fmt in --json "" --ids; do
	run --index "$IDX" search $fmt "$(printf 'capy\351bara')"
	expect_rc 2 "invalid UTF-8 query ${fmt:-text}"
	expect_err 'query syntax error at column 5: invalid UTF-8 (byte 0xe9 at offset 4)$' \
		"invalid UTF-8 query ${fmt:-text}: the byte offset"
	expect_eq "$(wc -l <"$T/err")" "1" "invalid UTF-8 ${fmt:-text}: one line"
	expect_eq "$(wc -c <"$T/out")" "0" "invalid UTF-8 ${fmt:-text}: no output"
done

# ---- the size of a query ----

words=$(i=0; while [ $i -lt 256 ]; do printf 'capybara '; i=$((i + 1)); done)
run --index "$IDX" search --ids $words
expect_rc 0 "256 words"
run --index "$IDX" search --json $words plain
expect_rc 2 "257 words"
expect_err 'query syntax error at column 2305: query has more than 256 words$' \
	"257 words: the limit named"
long=$(head -c 8193 /dev/zero | tr '\0' x)
run --index "$IDX" search "$long"
expect_rc 2 "8,193 bytes"
expect_err 'query is longer than 8192 bytes$' "8,193 bytes: the limit named"
run --index "$IDX" delete --query "$words plain"
expect_rc 2 "delete --query holds to the limit too"
expect_err 'query has more than 256 words$' "delete --query: the limit named"
expect_eq "$("$NEWSIDX" --index "$IDX" search --json capybara | jq .total)" \
	"2" "nothing deleted"

# ---- undated articles last in both date orders ----

run --index "$T/dates" index "$O/dates.jsonl"
expect_rc 0 "dated and undated articles"
ids() {
	"$NEWSIDX" --index "$T/dates" search --ids "$@" wapiti | tr '\n' ' '
}
expect_eq "$(ids --sort date)" \
	"d-2020 d-2021 d-2022 undated-strong undated-weak " \
	"--sort date: oldest first, undated last by relevance"
expect_eq "$(ids --sort -date)" \
	"d-2022 d-2021 d-2020 undated-strong undated-weak " \
	"--sort -date: newest first, undated last by relevance"
# Pages of two, from every offset: the same order, cut.
for o in 0 1 2 3 4 5; do
	want=$(echo "d-2020 d-2021 d-2022 undated-strong undated-weak" |
		tr ' ' '\n' | tail -n +$((o + 1)) | head -n 2 | tr '\n' ' ')
	expect_eq "$(ids --sort date --limit 2 --offset $o)" "$want" \
		"--sort date --offset $o --limit 2"
done
run --index "$T/dates" search --json --sort date --offset 2 --limit 2 \
	--facet year wapiti
expect_eq "$(jqout '[.total, (.hits[] | .rank, .id)] | join(" ")')" \
	"5 3 d-2022 4 undated-strong" "JSON: total and ranks of the page"
expect_eq "$(jqout '[.facets.year[].count] | add')" "3" \
	"facets count every match"
run --index "$T/dates" search --sort date --offset 3 --limit 1 \
	--no-snippets wapiti
expect_out '^4\. Wapiti wapiti$' "text: the rank on the page"

# ---- every stored field in JSON ----
printf '%s\n' '{"id":"a1","title":"Tapir trade","body":"Tapir trade rose.","authors":["Ann Lee","Raj Rao"],"topics":["trade","wildlife"]}' \
	>"$T/at.jsonl"
"$NEWSIDX" --index "$T/atidx" index "$T/at.jsonl" >/dev/null 2>&1
run --index "$T/atidx" search --json tapir
expect_eq "$(jqout '.hits[0] | [.authors, .topics] | tostring')" \
	'["Ann Lee, Raj Rao","trade, wildlife"]' "search --json: authors, topics"
run --index "$T/atidx" search --jsonl tapir
expect_eq "$(jqout '[.authors, .topics] | tostring')" \
	'["Ann Lee, Raj Rao","trade, wildlife"]' "search --jsonl: authors, topics"
run --index "$T/atidx" show --json a1
expect_eq "$(jqout '[.authors, .topics] | tostring')" \
	'["Ann Lee, Raj Rao","trade, wildlife"]' "as show --json gives them"

# ---- ids in the text output ----
# Each hit shows its id, which show and similar take; a file's id is its
# path, shown relative to the current directory and taken back so.
run --index "$IDX" search --no-snippets capybara
expect_out ' | id ctl-1  (score ' "a JSON Lines article shows its id"
mkdir -p "$T/cwd/news"
printf 'Okapi census\n\nThe okapi census counted forty okapis.\n' \
	>"$T/cwd/news/okapi.txt"
printf 'Okapi sightings\n\nOkapi sightings rose, the okapi census said.\n' \
	>"$T/cwd/news/okapi2.txt"
(cd "$T/cwd" && "$NEWSIDX" --index "$T/cwdidx" index news >/dev/null &&
	"$NEWSIDX" --index "$T/cwdidx" search --no-snippets census) >"$T/out"
expect_out '^   id news/okapi.txt  (score ' "a file's id, relative to here"
(cd "$T/cwd" && "$NEWSIDX" --index "$T/cwdidx" show news/okapi.txt) \
	>"$T/out" 2>"$T/err"
expect_out '^Okapi census$' "show takes the id as shown"
expect_out "^id: *$T/cwd/news/okapi.txt$" "and shows the whole id"
(cd "$T/cwd" && "$NEWSIDX" --index "$T/cwdidx" similar --json \
	news/okapi.txt) >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "similar takes the id as shown"
expect_eq "$(jqout '.hits | length')" "0" \
	"similar leaves the article itself out"

# ---- a run on a terminal ----
# The progress bar measures the whole run, never going back when the
# next PATH starts, and the run ends with a summary line; `script` gives
# the command a terminal.
. "$top_srcdir/tests/long/corpus.sh"
make_corpus "$T/pa" 15 300 alpha
make_corpus "$T/pb" 15 300 beta
sed -i 's/"id":"a/"id":"b/' "$T"/pb/*.jsonl
script -qec "'$NEWSIDX' --index '$T/pbidx' index '$T/pa' '$T/pb'" /dev/null \
	>"$T/tty" 2>&1
tr '\r' '\n' <"$T/tty" | sed -n 's/.*\] *\([0-9]*\)% .*/\1/p' >"$T/pct"
expect_eq "$([ "$(wc -l <"$T/pct")" -ge 3 ] && echo yes)" "yes" \
	"the bar is drawn on a terminal ($(wc -l <"$T/pct") times)"
expect_eq "$(awk 'NR > 1 && $1 < last { print "back at " NR ": " last " to " $1; exit } { last = $1 }' "$T/pct")" "" \
	"the bar never goes back: $(tr '\n' ' ' <"$T/pct")"
expect_eq "$(tail -n 1 "$T/pct")" "$(awk '$1 >= 80' "$T/pct" | tail -n 1)" \
	"the bar reaches the end of the second PATH"
tr '\r' '\n' <"$T/tty" | grep -q "^.*newsidx: $T/pbidx: 9000 added, 0 updated, 0 deleted, 0 files unchanged, 0 rejected in " &&
	ok || fail "a summary line ends a run on a terminal: $(tr '\r' '\n' <"$T/tty" | tail -n 2 | cat -v)"

finish
