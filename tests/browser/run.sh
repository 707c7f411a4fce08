#!/bin/sh
# Browser tests of the page `newsidx serve` sends: index the bundled
# corpus and a fixture whose title holds markup, serve it on a free
# port, and drive the page in headless Chromium with playwright-core
# (test_page.js).  Run by `make check-browser`, which installs the
# pinned playwright-core with `npm ci` first.  The last line is
# "N checks, F failed".
set -u
: "${top_srcdir:?run from make check-browser}"
: "${NEWSIDX:?run from make check-browser}"
here=$top_srcdir/tests/browser
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
[ -n "$CHROMIUM" ] || { echo "chromium is needed (tools/install-deps)"; echo "1 checks, 1 failed"; exit 1; }
command -v node >/dev/null || { echo "node is needed (tools/install-deps)"; echo "1 checks, 1 failed"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/newsidx-browser.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

"$NEWSIDX" --index "$T/idx" index "$top_srcdir/corpus" "$here/fixtures" \
	>"$T/index.out" 2>&1 || { cat "$T/index.out"; echo "1 checks, 1 failed"; exit 1; }
: >"$T/serve.log"
"$NEWSIDX" --index "$T/idx" serve --listen 127.0.0.1:0 \
	--web-root "$top_srcdir/data/web" 2>"$T/serve.log" &
pid=$!
port=
i=0
while [ -z "$port" ] && [ $i -lt 300 ] && kill -0 "$pid" 2>/dev/null; do
	port=$(sed -n 's|^newsidx: serving .* on http://.*:\([0-9]*\)/$|\1|p' "$T/serve.log")
	[ -n "$port" ] || sleep 0.1
	i=$((i + 1))
done
[ -n "$port" ] || { cat "$T/serve.log"; echo "1 checks, 1 failed"; exit 1; }

BASE=http://127.0.0.1:$port CHROMIUM=$CHROMIUM NODE_PATH=$here/node_modules \
	node "$here/test_page.js"
rc=$?
[ $rc -eq 0 ] || { echo "--- server log"; tail -n 30 "$T/serve.log"; }
exit $rc
