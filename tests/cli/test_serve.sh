#!/bin/sh
# End-to-end: `newsidx serve` driven with curl.  Every endpoint answers
# the same JSON as the command's --json for the same request, with the
# security headers; bad requests get 400, 404 and 405 in JSON; a request
# over --max-requests gets 503 with Retry-After; searches queued for one
# reader are all answered, each as the command answers it; searches keep working
# while an index run commits and while compact switches generations;
# SIGTERM lets a request under way finish; and only a --listen address
# written out binds beyond loopback.  No assertion depends on timing:
# where the test waits for the server, it polls for the state it needs.
. "$top_srcdir/tests/cli/lib.sh"

command -v curl >/dev/null || { echo "curl is needed (tools/install-deps)"; exit 1; }

IDX=$T/idx
run --index "$IDX" index "$CORPUS"
expect_rc 0 "index the corpus"

# start NAME ARGS...: start a server on a free port (the system picks it:
# --listen ...:0) with its stderr in $T/NAME.log; sets $pid and $base.
start() {
	name=$1
	shift
	"$NEWSIDX" --index "$IDX" serve "$@" 2>"$T/$name.log" &
	pid=$!
	port=
	i=0
	while [ -z "$port" ] && [ $i -lt 300 ] && kill -0 "$pid" 2>/dev/null; do
		port=$(sed -n 's|^newsidx: serving .* on http://.*:\([0-9]*\)/$|\1|p' \
			"$T/$name.log")
		[ -n "$port" ] || sleep 0.1
		i=$((i + 1))
	done
	[ -n "$port" ] || { fail "$name: no 'serving' line: $(cat "$T/$name.log")"; finish; }
	base=http://127.0.0.1:$port
	i=0
	until curl -sf "$base/healthz" >/dev/null || [ $i -ge 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# get PATH: GET it; body in $T/body, headers in $T/head, status in $code.
get() {
	code=$(curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' "$base$1")
}

expect_code() {
	if [ "$code" = "$1" ]; then ok; else
		fail "$2: HTTP $code, expected $1: $(head -c 300 "$T/body")"
	fi
}

expect_head() {
	if grep -qi -- "$1" "$T/head"; then ok; else
		fail "$2: no header '$1' in: $(cat "$T/head")"
	fi
}

# same_json WHAT CLI-ARGS...: $T/body holds what `newsidx CLI-ARGS --json`
# prints, whatever the key order and spacing.
same_json() {
	what=$1
	shift
	"$NEWSIDX" --index "$IDX" "$@" --json >"$T/cli.json" 2>"$T/cli.err"
	if [ "$(jq -S . "$T/body")" = "$(jq -S . "$T/cli.json")" ]; then ok; else
		fail "$what: the API and the CLI differ:"
		diff "$T/cli.json" "$T/body" | head -n 10 >&2
	fi
}

start main --listen 127.0.0.1:0

# --- the endpoints, and the same JSON as the CLI --------------------------
get /healthz
expect_code 200 "healthz"
expect_eq "$(jq -r .status "$T/body")" "ok" "healthz says ok"

get "/api/search?q=japan&limit=3&facet=source,month&facet=place"
expect_code 200 "search"
expect_head "^content-type: application/json" "search: JSON"
expect_head "^content-security-policy: default-src 'none'" "search: CSP"
expect_head "^x-content-type-options: nosniff" "search: nosniff"
if grep -qi "^access-control" "$T/head"; then
	fail "CORS headers without --cors"
else ok; fi
expect_eq "$(jq '.hits | length' "$T/body")" "3" "search: limit"
same_json "search" search --limit 3 --facet source,month,place japan

get "/api/search?q=%22high-speed%20railway%22&sort=-date&offset=1&limit=2&snippets=false"
expect_code 200 "search with a phrase, sort, offset"
same_json "search options" search --sort=-date --offset 1 --limit 2 \
	--no-snippets '"high-speed railway"'

get "/api/search?q=india&source=Asia%20Wire&from=2024-01&to=2024-06-30&all_copies=1"
expect_code 200 "search with filters"
expect_eq "$(jq -r .query "$T/body")" \
	'(india) source:"Asia Wire" date:2024-01..2024-06-30' \
	"filters become the query"
same_json "filters" search --all-copies \
	'(india) source:"Asia Wire" date:2024-01..2024-06-30'
[ "$(jq .total "$T/body")" -gt 0 ] && ok || fail "filters: no match"

id=$(jq -r '.hits[0].id' "$T/body")
get "/api/articles/$(printf %s "$id" | jq -sRr @uri)"
expect_code 200 "article"
same_json "article" show "$id"

get "/api/articles/$(printf %s "$id" | jq -sRr @uri)/similar?limit=4"
expect_code 200 "similar"
same_json "similar" similar --limit 4 "$id"

get /api/stats
expect_code 200 "stats"
same_json "stats" stats

# --- errors -----------------------------------------------------------------
get "/api/search?q=%22unclosed"
expect_code 400 "a bad query"
expect_eq "$(jq -r .status "$T/body")" "400" "400: the status in JSON"
"$NEWSIDX" --index "$IDX" search '"unclosed' 2>"$T/cli.err"
expect_eq "newsidx: $(jq -r .error "$T/body")" "$(cat "$T/cli.err")" \
	"400: the parser's message"
get "/api/search?q=x&limit=101"
expect_code 400 "limit over --max-limit"
get "/api/search?q=x&offset=10001"
expect_code 400 "offset over --max-offset"
get "/api/search?q=$(head -c 9000 /dev/zero | tr '\0' a)"
expect_code 400 "a query over 8192 bytes"
get "/api/search?q=x&bogus=1"
expect_code 400 "an unknown parameter"
get "/api/search?q=x&place=%22x%22%20OR%20y"
expect_code 400 "a quote in a filter"
get "/api/search"
expect_code 400 "no q"
get "/api/nothing"
expect_code 404 "unknown path"
expect_eq "$(jq -r .status "$T/body")" "404" "404 in JSON"
get "/api/articles/no-such-id"
expect_code 404 "unknown article"
code=$(curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' -X DELETE \
	"$base/api/search?q=x")
expect_code 405 "wrong method"
expect_head "^allow: GET, HEAD" "405: Allow"
code=$(curl -s -o "$T/body" -w '%{http_code}' \
	-H "X-Hostile: $(printf 'a\001b')" -H 'Cookie: ../../..' \
	"$base/api/search?q=%00x")
expect_code 400 "a NUL in a parameter"

# --- searches while a writer commits and while compact switches ----------
# 600 new articles in commits of 20: the searches must all succeed, and
# see the new articles once the run is done.
mkdir -p "$T/more"
i=0
while [ $i -lt 600 ]; do
	printf '{"id": "zz-%d", "title": "Quokka census %d", "body": "Rangers counted quokka number %d on the island.", "date": "2024-05-01"}\n' \
		$i $i $i
	i=$((i + 1))
done >"$T/more/quokka.jsonl"
"$NEWSIDX" --index "$IDX" index --batch-size 20 --jobs 1 "$T/more" \
	>"$T/index.out" 2>&1 &
writer=$!
bad=0
n=0
while kill -0 $writer 2>/dev/null || [ $n -lt 20 ]; do
	code=$(curl -s -o "$T/body" -w '%{http_code}' "$base/api/search?q=quokka+OR+japan&limit=5")
	[ "$code" = 200 ] || { bad=$((bad + 1)); cp "$T/body" "$T/bad.json"; }
	n=$((n + 1))
done
wait $writer
expect_eq "$?" "0" "the index run"
expect_eq "$bad" "0" "no error among $n searches during the index run ($(cat "$T/bad.json" 2>/dev/null))"
get "/api/search?q=quokka&limit=1"
expect_eq "$(jq .total "$T/body")" "600" "the new articles are found"

"$NEWSIDX" --index "$IDX" compact >"$T/compact.out" 2>&1 &
writer=$!
bad=0
n=0
while kill -0 $writer 2>/dev/null || [ $n -lt 20 ]; do
	code=$(curl -s -o "$T/body" -w '%{http_code}' "$base/api/search?q=quokka&limit=2")
	[ "$code" = 200 ] || bad=$((bad + 1))
	code=$(curl -s -o "$T/body" -w '%{http_code}' "$base/api/articles/zz-7")
	[ "$code" = 200 ] || bad=$((bad + 1))
	n=$((n + 1))
done
wait $writer
expect_eq "$?" "0" "compact"
expect_eq "$bad" "0" "no error among $n requests during compact"
get /api/stats
same_json "stats after compact" stats

# --- the access log ---------------------------------------------------------
grep -q ' 127\.0\.0\.1 GET /api/search 200 [0-9]* [0-9.]*ms$' "$T/main.log" &&
	ok || fail "access log: no search line in $(tail -n 3 "$T/main.log")"
grep -q 'q=' "$T/main.log" && fail "the access log shows query strings" || ok
kill -TERM $pid
wait $pid
expect_eq "$?" "0" "SIGTERM: exit 0"

# --- 503 over --max-requests, and SIGTERM with a request under way --------
start busy --listen 127.0.0.1:0 --max-requests 1 --log-json --cors https://a.example
get /api/stats
expect_head "^access-control-allow-origin: https://a.example" "--cors"
# A request whose body has not all come is under way: it holds the one
# place until its body ends.
mkfifo "$T/fifo"
hold() {
	curl -s -o "$T/held" -w '%{http_code}' -X GET -H 'Expect:' -T - \
		"$base/api/stats" <"$T/fifo" >"$T/held.code" &
	held=$!
	exec 3>"$T/fifo"
	printf 'x' >&3
}
hold
i=0
refused=0
code=
while [ "$code" != 503 ] && [ $i -lt 300 ]; do
	if [ "$(grep -c '"path":"/api/stats","status":503' "$T/busy.log")" -gt $refused ]; then
		# A search came first and the held request was refused.
		refused=$((refused + 1))
		exec 3>&-
		kill $held 2>/dev/null
		wait $held
		hold
	fi
	code=$(curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' "$base/api/search?q=japan")
	[ "$code" = 503 ] || sleep 0.1
	i=$((i + 1))
done
expect_code 503 "over --max-requests"
expect_head "^retry-after: 1" "503: Retry-After"
expect_eq "$(jq -r .status "$T/body")" "503" "503 in JSON"
get /healthz
expect_code 200 "healthz is answered however busy"
kill -TERM $pid
# Once the server stops accepting, the held request is finished.
i=0
while curl -s -o /dev/null "$base/healthz" && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
exec 3>&-
wait $held
expect_eq "$(cat "$T/held.code")" "200" "SIGTERM: the request under way is answered"
expect_eq "$(jq -r .index "$T/held")" "$IDX" "SIGTERM: with its document"
wait $pid
expect_eq "$?" "0" "SIGTERM with a request under way: exit 0"
grep '^{' "$T/busy.log" |
	jq -c 'select(.path == "/api/stats" and .status == 200 and .ms >= 0)' |
	grep -q . && ok ||
	fail "--log-json: no stats line in $(grep '^{' "$T/busy.log" | tail -n 2)"

# --- many requests at once for one reader ------------------------------------
# With one reader, concurrent searches queue for it and are handed it in
# turn: every one is answered, with the same document as the command.
start queue --listen 127.0.0.1:0 --threads 1
qs="japan oil trade bank grain tokyo coffee dollar rates gold"
n=0
curls=
for q in $qs $qs; do
	n=$((n + 1))
	curl -s -o "$T/q.$n" -w '%{http_code}' \
		"$base/api/search?q=$q&limit=5&snippets=1" >"$T/q.$n.code" &
	curls="$curls $!"
done
wait_all=0
for p in $curls; do
	wait "$p" || wait_all=1
done
expect_eq "$wait_all" "0" "concurrent searches: every curl finished"
n=0
bad=
for q in $qs $qs; do
	n=$((n + 1))
	if [ "$(cat "$T/q.$n.code")" != 200 ]; then
		bad="$bad $q:$(cat "$T/q.$n.code")"
		continue
	fi
	"$NEWSIDX" --index "$IDX" search --json --limit 5 -- "$q" >"$T/q.cli"
	[ "$(jq -S . "$T/q.$n")" = "$(jq -S . "$T/q.cli")" ] ||
		bad="$bad $q:differs"
done
expect_eq "$bad" "" "20 searches at once with one reader: all answered, as the command"
expect_eq "$(grep -c ' /api/search 200 ' "$T/queue.log")" "20" \
	"concurrent searches: 20 access-log lines with 200"
kill -TERM $pid
wait $pid
expect_eq "$?" "0" "one reader: SIGTERM, exit 0"

# --- --search-time -----------------------------------------------------------
# By default a search of this corpus never reaches it; a limit of a
# microsecond is reached at once: the page is whole, the counts say so.
start quick --listen 127.0.0.1:0 --search-time 0.000001
get "/api/search?q=japan&limit=3&facet=country"
expect_code 200 "a search past --search-time"
expect_eq "$(jq -r .time_limited "$T/body")" true "--search-time: reached"
expect_eq "$(jq -r .total_exact "$T/body")" false "--search-time: an estimate"
expect_eq "$(jq -r '[.hits[].id] | join(",")' "$T/body")" \
	"$("$NEWSIDX" --index "$IDX" search --json --limit 3 japan | jq -r '[.hits[].id] | join(",")')" \
	"--search-time: the same page"
kill -TERM $pid
wait $pid
run --index "$IDX" serve --search-time -2
expect_rc 2 "a negative --search-time"
expect_err "bad --search-time '-2'" "names it"

# --- listening --------------------------------------------------------------
start port --listen :0
grep -q 'on http://127\.0\.0\.1:' "$T/port.log" && ok ||
	fail ":PORT does not bind loopback: $(cat "$T/port.log")"
grep -q warning "$T/port.log" && fail "loopback warned about" || ok
kill -TERM $pid
wait $pid
start any --listen 0.0.0.0:0
grep -q 'warning: 0\.0\.0\.0 is reachable from other machines' "$T/any.log" &&
	ok || fail "no warning for 0.0.0.0: $(cat "$T/any.log")"
kill -TERM $pid
wait $pid
run --index "$IDX" serve --listen 'nonsense:http'
expect_rc 2 "a bad --listen"
run --index "$T/none" serve --listen 127.0.0.1:0
expect_rc 1 "no index"
expect_err "no index" "no index: says so"

finish
