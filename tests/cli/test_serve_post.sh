#!/bin/sh
# End-to-end: POST /api/articles, the write endpoint of `newsidx serve`.
# It is off without --token-file (403); a token file others can read is
# refused at start; a request needs "Authorization: Bearer TOKEN" (401
# with WWW-Authenticate otherwise), a JSON Lines or feed Content-Type
# (415 otherwise) and a body within --max-post-bytes (413); the answer
# counts added, replaced and rejected records with the line of each
# rejection; searches see the new articles at once; writes sent at once
# all succeed; and the server does not keep the writer lock, so an index
# run between requests can take it.
. "$top_srcdir/tests/cli/lib.sh"

command -v curl >/dev/null || { echo "curl is needed (tools/install-deps)"; exit 1; }

IDX=$T/idx
run --index "$IDX" index "$CORPUS"
expect_rc 0 "index the corpus"

TOKEN=s3cret-token-for-tests-0123
printf '%s\n' "$TOKEN" >"$T/token"
chmod 600 "$T/token"

# start NAME ARGS...: as in test_serve.sh; sets $pid and $base.
start() {
	name=$1
	shift
	"$NEWSIDX" --index "$IDX" serve "$@" 2>"$T/$name.log" &
	pid=$!
	port=
	i=0
	while [ -z "$port" ] && [ $i -lt 300 ] && kill -0 "$pid" 2>/dev/null; do
		port=$(sed -n 's|^newsidx: serving .* on http://.*:\([0-9]*\)/$|\1|p' \
			"$T/$name.log" 2>/dev/null)
		[ -n "$port" ] || sleep 0.1
		i=$((i + 1))
	done
	[ -n "$port" ] || { fail "$name: no 'serving' line: $(cat "$T/$name.log")"; finish; }
	base=http://127.0.0.1:$port
}

stop() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# post TYPE FILE [CURL-ARGS...]: POST FILE as TYPE with the token; body
# in $T/body, headers in $T/head, status in $code.
post() {
	type=$1
	file=$2
	shift 2
	code=$(curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' \
		-H "Content-Type: $type" -H "Authorization: Bearer $TOKEN" \
		--data-binary "@$file" "$@" "$base/api/articles")
}

expect_code() {
	if [ "$code" = "$1" ]; then ok; else
		fail "$2: HTTP $code, expected $1: $(head -c 300 "$T/body")"
	fi
}

jqbody() {
	jq -r "$1" "$T/body"
}

# --- refused setups -------------------------------------------------------
chmod 604 "$T/token"
run --index "$IDX" serve --listen 127.0.0.1:0 --token-file "$T/token"
expect_rc 2 "a token file others can read is refused"
expect_err "token: readable or writable by others" "and the message names the file"
chmod 600 "$T/token"
printf 'short\n' >"$T/short"
chmod 600 "$T/short"
run --index "$IDX" serve --listen 127.0.0.1:0 --token-file "$T/short"
expect_rc 2 "a token of 5 characters is refused"
run --index "$IDX" serve --listen 127.0.0.1:0 --token-file "$T/missing"
expect_rc 2 "a missing token file is refused"
expect_err "missing: No such file" "and named"

# --- writing is off without --token-file ----------------------------------
cat >"$T/two.jsonl" <<'EOF'
{"id": "post-a", "title": "Zephyrine ferry line opens", "body": "The Zephyrine ferry line opened on Tuesday between two island towns.", "date": "2024-06-11", "source": "Post Wire"}
{"id": "post-b", "title": "Zephyrine ferry fares", "body": "Fares on the Zephyrine ferry will be frozen for a year, the operator said.", "date": "2024-06-12", "source": "Post Wire"}
EOF
start off --listen 127.0.0.1:0
post application/x-ndjson "$T/two.jsonl"
expect_code 403 "without --token-file, POST is refused"
expect_eq "$(jqbody .status)" "403" "with a JSON error"
stop

start on --listen 127.0.0.1:0 --token-file "$T/token" --max-post-bytes 4096

# --- authentication, method, type ----------------------------------------
code=$(curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' \
	-H 'Content-Type: application/x-ndjson' --data-binary "@$T/two.jsonl" \
	"$base/api/articles")
expect_code 401 "no Authorization header"
if grep -qi '^www-authenticate: Bearer' "$T/head"; then ok; else
	fail "401 without WWW-Authenticate: $(cat "$T/head")"
fi
for bad in "Bearer wrong" "Bearer ${TOKEN}x" "Bearer s3cret" "Basic $TOKEN" "$TOKEN"; do
	code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: $bad" \
		-H 'Content-Type: application/x-ndjson' --data-binary "@$T/two.jsonl" \
		"$base/api/articles")
	expect_code 401 "Authorization '$bad'"
done
run --index "$IDX" search zephyrine
expect_out "No articles match\|0 articles" "nothing was written by a refused request"

code=$(curl -s -o "$T/body" -D "$T/head" -w '%{http_code}' "$base/api/articles")
expect_code 405 "GET /api/articles"
if grep -qi '^allow: POST' "$T/head"; then ok; else fail "405 without Allow: POST"; fi
post text/plain "$T/two.jsonl"
expect_code 415 "a text/plain body"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: application/x-ndjson' --data-binary "@$T/two.jsonl" \
	"$base/api/articles?x=1")
expect_code 400 "parameters on POST"
printf '<rss/>' >"$T/notjson"
post application/x-ndjson "$T/notjson"
expect_code 400 "an XML body sent as JSON Lines"
: >"$T/empty"
post application/x-ndjson "$T/empty"
expect_code 400 "an empty body"

# --- JSON Lines: added, then replaced; readers see them --------------------
post application/x-ndjson "$T/two.jsonl"
expect_code 200 "two JSON Lines records"
expect_eq "$(jqbody '[.added, .replaced, .rejected] | @csv')" "2,0,0" "both added"
run --index "$IDX" search zephyrine --json
expect_eq "$(jqout .total)" "2" "the CLI finds them"
curl -s "$base/api/search?q=zephyrine" >"$T/found"
expect_eq "$(jq .total "$T/found")" "2" "the server's readers find them at once"
post application/jsonl "$T/two.jsonl"
expect_eq "$(jqbody '[.added, .replaced] | @csv')" "0,2" "sent again, they replace their copies"
curl -s "$base/api/search?q=zephyrine&all_copies=true" >"$T/found"
expect_eq "$(jq .total "$T/found")" "2" "and are not duplicated"

# --- rejections name their line -------------------------------------------
cat >"$T/mixed.jsonl" <<'EOF'
{"id": "post-c", "title": "Quorvath bridge reopens", "body": "The Quorvath bridge reopened after repairs.", "date": "2024-06-13"}
{"id": "post-d", "title": broken
{"id": "post-e", "title": "Quorvath tolls", "body": "Tolls on the Quorvath bridge stay as they were.", "date": "2024-06-14"}
[1, 2]
EOF
post application/x-ndjson "$T/mixed.jsonl"
expect_code 200 "some records rejected"
expect_eq "$(jqbody '[.added, .rejected] | @csv')" "2,2" "two added, two rejected"
expect_eq "$(jqbody '[.errors[].line] | @csv')" "2,4" "each rejection names its line"
expect_eq "$(jqbody '.errors[0].column > 0')" "true" "and a JSON error its column"
expect_eq "$(jqbody '.errors[1].reason | test("JSON object")')" "true" "and says why"
printf '{"id": "nobody"}\n{"x": \n' >"$T/allbad.jsonl"
post application/x-ndjson "$T/allbad.jsonl"
expect_code 400 "nothing but rejections"
expect_eq "$(jqbody '[.articles, .rejected, (.errors | length)] | @csv')" "0,2,2" \
	"counts nothing indexed and both rejections"

# --- a feed ------------------------------------------------------------------
cat >"$T/feed.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Feed Post Desk</title>
<item><title>Vellandor orchards flower early</title>
<link>https://example.org/vellandor</link>
<guid>https://example.org/vellandor</guid>
<pubDate>Sat, 15 Jun 2024 08:00:00 GMT</pubDate>
<description>Orchards around Vellandor flowered two weeks early this spring.</description></item>
</channel></rss>
EOF
post application/rss+xml "$T/feed.xml"
expect_code 200 "an RSS body"
expect_eq "$(jqbody .added)" "1" "its item is added"
curl -s "$base/api/search?q=vellandor" >"$T/found"
expect_eq "$(jq -r '.hits[0].source' "$T/found")" "Feed Post Desk" "with the feed's title as source"

# --- size ------------------------------------------------------------------
awk 'BEGIN { for (i = 0; i < 100; i++) printf "{\"id\": \"big-%d\", \"title\": \"padding padding padding\", \"body\": \"plinthquorax padding padding padding\"}\n", i }' >"$T/big.jsonl"
post application/x-ndjson "$T/big.jsonl"
expect_code 413 "a body over --max-post-bytes"
run --index "$IDX" search plinthquorax
expect_out "No articles match\|0 articles" "is not indexed"

# --- writes at once; the lock is not kept -----------------------------------
for n in 1 2 3 4 5 6; do
	printf '{"id": "burst-%d", "title": "Burst %d of Ostravel news", "body": "Ostravel burst article number %d."}\n' \
		$n $n $n >"$T/burst$n.jsonl"
	curl -s -o "$T/burst$n.out" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/x-ndjson' --data-binary "@$T/burst$n.jsonl" \
		"$base/api/articles" >"$T/burst$n.code" &
done
curl -s -o "$T/during" -w '%{http_code}' "$base/api/search?q=japan" >"$T/during.code"
wait_for=6
for n in 1 2 3 4 5 6; do
	i=0
	while [ ! -s "$T/burst$n.code" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	[ "$(cat "$T/burst$n.code")" = 200 ] && wait_for=$((wait_for - 1))
done
expect_eq "$wait_for" "0" "six writes sent at once all succeed"
expect_eq "$(cat "$T/during.code")" "200" "a search during the writes is answered"
curl -s "$base/api/search?q=ostravel" >"$T/found"
expect_eq "$(jq .total "$T/found")" "6" "and every write is seen"
run --index "$IDX" index "$FIXTURES/good"
case $rc in 0 | 65) ok ;; *) fail "an index run while the server is up: exit $rc: $(cat "$T/err")" ;; esac
grep -q 'POST /api/articles 200' "$T/on.log" && ok || fail "the access log lacks the POSTs"
stop

finish
