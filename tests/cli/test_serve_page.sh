#!/bin/sh
# End-to-end: the web page `newsidx serve` sends at /.  Only the page's
# four files are served, each with its type, an ETag that a second
# request can answer with 304, Cache-Control and a Content-Security-
# Policy that allows the page's own script and style and nothing
# inline; no path reaches another file; other methods get 405; a
# missing --web-root is refused at start, and a server without the page
# still serves the API.  The page itself is tested in a browser by
# `make check-browser` (tests/browser/).
. "$top_srcdir/tests/cli/lib.sh"

command -v curl >/dev/null || { echo "curl is needed (tools/install-deps)"; exit 1; }

IDX=$T/idx
run --index "$IDX" index "$FIXTURES/good"
case $rc in 0 | 65) ok ;; *) fail "index the fixtures: exit $rc" ;; esac
WEB=$top_srcdir/data/web

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

# get PATH [CURL-ARGS...]: body in $T/body, headers in $T/head, $code.
get() {
	p=$1
	shift
	code=$(curl -s --path-as-is -o "$T/body" -D "$T/head" -w '%{http_code}' "$@" "$base$p")
}

expect_code() {
	if [ "$code" = "$1" ]; then ok; else
		fail "$2: HTTP $code, expected $1: $(head -c 200 "$T/body")"
	fi
}

expect_head() {
	if grep -qi -- "$1" "$T/head"; then ok; else
		fail "$2: no header '$1' in: $(cat "$T/head")"
	fi
}

start page --listen 127.0.0.1:0 --web-root "$WEB"

get /
expect_code 200 "GET /"
expect_head "^content-type: text/html; charset=utf-8" "the page is HTML"
expect_head "^content-security-policy: default-src 'none'; script-src 'self'; style-src 'self'" \
	"the page's CSP allows its own script and style"
if grep -qi "unsafe-inline\|unsafe-eval" "$T/head"; then
	fail "the CSP allows inline code: $(grep -i content-security "$T/head")"
else ok; fi
expect_head "^cache-control: no-cache" "the page is revalidated"
expect_head "^x-content-type-options: nosniff" "nosniff"
if cmp -s "$T/body" "$WEB/index.html"; then ok; else fail "GET / is not index.html"; fi
if grep -qi '<script>\|<style>\| on[a-z]*=' "$WEB/index.html"; then
	fail "index.html holds inline script or style, which the CSP blocks"
else ok; fi
etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *\(.*\)\r$/\1/p' "$T/head")
expect_eq "$(printf %s "$etag" | cut -c1)" '"' "an ETag"
get / -H "If-None-Match: $etag"
expect_code 304 "the same ETag again"
get / -H 'If-None-Match: "0000"'
expect_code 200 "another ETag"
get /index.html
expect_code 200 "/index.html"

for f in app.js:text/javascript style.css:text/css favicon.svg:image/svg+xml; do
	get "/${f%%:*}"
	expect_code 200 "GET /${f%%:*}"
	expect_head "^content-type: ${f#*:}" "${f%%:*}'s type"
	if cmp -s "$T/body" "$WEB/${f%%:*}"; then ok; else fail "/${f%%:*} differs from its file"; fi
done
code=$(curl -s -o /dev/null -w '%{http_code}' -I "$base/app.js")
expect_code 200 "HEAD /app.js"

# Nothing else is a file: not the directory's other files, not a path
# that climbs out, not an encoded one.
cp "$WEB/index.html" "$T/secret.html"
for p in /../../etc/passwd /%2e%2e/%2e%2e/etc/passwd /app.js/ //app.js /APP.JS \
	/data/web/app.js "/app.js?x=1" /.. /%2fetc%2fpasswd "/$(basename "$T")/secret.html"; do
	get "$p"
	case "$p" in
	"/app.js?x=1") expect_code 200 "$p (a query string is ignored)" ;;
	*) if [ "$code" = 200 ]; then fail "$p was served"; else ok; fi ;;
	esac
done
get / -X POST
expect_code 405 "POST /"
expect_head "^allow: GET, HEAD" "with Allow"
get /api/stats
expect_code 200 "the API beside the page"
stop

run --index "$IDX" serve --listen 127.0.0.1:0 --web-root "$T/nowhere"
expect_rc 2 "a missing --web-root is refused"
expect_err "nowhere/index.html" "naming the file"

# The binary finds the page without --web-root (installed, or here the
# source tree's copy).
start default --listen 127.0.0.1:0
get /
expect_code 200 "the page without --web-root"
stop

finish
