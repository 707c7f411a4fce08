#!/bin/sh
# Build the libFuzzer harnesses with clang and run each for a while.
# From make check: a short pass (FUZZ_SECONDS, default 8) when clang with
# libFuzzer is available.  By hand, for a longer run from a build tree:
#   top_srcdir=.. top_builddir=. sh ../tests/fuzz/run.sh 600
set -u
: "${top_srcdir:?set top_srcdir}"
: "${top_builddir:?set top_builddir}"
secs=${1:-${FUZZ_SECONDS:-8}}
CLANG=${FUZZ_CC:-clang}
T=$(mktemp -d "${TMPDIR:-/tmp}/newsidx-fuzz.XXXXXX")
trap 'rm -rf "$T"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$T/probe.c"
if ! "$CLANG" -fsanitize=fuzzer "$T/probe.c" -o "$T/probe" 2>/dev/null; then
	echo "libFuzzer not available ($CLANG); install clang and libclang-rt-14-dev"
	exit 77
fi
S="$top_srcdir/src/lib"
FLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
-I$top_builddir -I$top_srcdir/include -I$S -I$top_srcdir/src/xapian
$(pkg-config --cflags jansson libutf8proc zlib libxml-2.0 libzstd uchardet)"
LIBS="$(pkg-config --libs jansson libutf8proc zlib libxml-2.0 uchardet) -lstemmer -lpthread"
# Everything the parsers use, nothing that needs Xapian.
PARSERS="$S/util/*.c $S/analyzer/*.c $S/ingest/*.c"
fail=0
# shellcheck disable=SC2086
$CLANG $FLAGS -o "$T/fuzz_query" "$top_srcdir/tests/fuzz/fuzz_query.c" \
	"$S/query/query.c" "$S/util/util.c" || fail=1
# shellcheck disable=SC2086
$CLANG $FLAGS -o "$T/fuzz_ingest" "$top_srcdir/tests/fuzz/fuzz_ingest.c" \
	$PARSERS $LIBS || fail=1
for h in feed html warc sgml meta encoding; do
	# shellcheck disable=SC2086
	$CLANG $FLAGS -o "$T/fuzz_$h" "$top_srcdir/tests/fuzz/fuzz_$h.c" \
		$PARSERS $LIBS || fail=1
done
# shellcheck disable=SC2086
$CLANG $FLAGS -o "$T/fuzz_positions" \
	"$top_srcdir/tests/fuzz/fuzz_positions.c" "$S/store/positions.c" \
	"$S/util/"*.c $(pkg-config --libs zlib) \
	|| fail=1
# shellcheck disable=SC2086
$CLANG $FLAGS -o "$T/fuzz_docdata" \
	"$top_srcdir/tests/fuzz/fuzz_docdata.c" "$S/store/docdata.c" \
	"$S/store/positions.c" "$S/util/"*.c \
	$(pkg-config --libs jansson libzstd zlib) -lpthread || fail=1
# shellcheck disable=SC2086
$CLANG $FLAGS -o "$T/fuzz_ignore" "$top_srcdir/tests/fuzz/fuzz_ignore.c" \
	"$S/index/ignore.c" || fail=1
# shellcheck disable=SC2086
$CLANG $FLAGS -o "$T/fuzz_watch" "$top_srcdir/tests/fuzz/fuzz_watch.c" \
	"$S/store/watchrec.c" "$S/util/util.c" || fail=1
# The gazetteer additions and the tagger, with the built-in data made.
# shellcheck disable=SC2086
$CLANG $FLAGS -o "$T/fuzz_gazetteer" "$top_srcdir/tests/fuzz/fuzz_gazetteer.c" \
	"$S/geo/gazetteer.c" "$S/geo/tagger.c" \
	"$top_builddir/src/lib/geo/gazetteer_data.c" \
	"$top_builddir/src/lib/geo/gazetteer_keys_data.c" \
	"$S/util/"*.c "$S/analyzer/"*.c $LIBS || fail=1
# The server's routing: the CLI's own file, with the CLI's headers.
# shellcheck disable=SC2086
$CLANG $FLAGS -I"$top_srcdir/src/cli" -o "$T/fuzz_serve" \
	"$top_srcdir/tests/fuzz/fuzz_serve.c" "$top_srcdir/src/cli/serve_route.c" \
	|| fail=1
[ $fail -eq 0 ] || { echo "FAIL: building the harnesses"; exit 1; }
mkdir -p "$T/corpus-ingest" "$T/corpus-query"
cp "$top_srcdir"/tests/fixtures/good/* "$top_srcdir"/tests/fixtures/hostile/* \
	"$T/corpus-ingest/" 2>/dev/null
printf '"high-speed railway" OR title:(india -japan) date:2024-03..2024-04' \
	>"$T/corpus-query/seed"
F="$top_srcdir/tests/fixtures/formats"
for h in feed html warc sgml meta positions docdata ignore encoding serve \
	watch gazetteer; do
	mkdir -p "$T/corpus-$h"
done
# Seeds for the decoder: the first byte picks what is forced, the
# container's charset and where declarations are looked for.
printf '\000The price is \243100 and \223quoted\224.' >"$T/corpus-encoding/latin"
printf '\100<meta charset="iso-8859-15">5 \244 caf\351' \
	>"$T/corpus-encoding/meta"
printf '\040<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><item><title>Caf\351</title></item></channel></rss>' \
	>"$T/corpus-encoding/xml"
printf '\000\377\376h\000i\000' >"$T/corpus-encoding/utf16"
printf '\002\223\372\226{\202\314\203j\203\205\201[\203X' \
	>"$T/corpus-encoding/sjis"
printf 'GET\000/api/search\000q\000"high-speed railway" OR japan\000limit\00020\000facet\000source,month\000place\000New Delhi\000from\0002024-03\000since\0007d' \
	>"$T/corpus-serve/search"
printf 'GET\000/api/trend\000q\000shipping\000by\000week\000facet\000topic\000top\0003\000from\0002024-01\000to\0002024-06-30\000terms\000\377\000period\0002024-03..2024-04' \
	>"$T/corpus-serve/trend"
printf 'GET\000/api/articles/https://x.example/a b/similar\000offset\0005\000all_copies\000\377' \
	>"$T/corpus-serve/similar"
printf '# archive\n*.dtd\n!keep.dtd\n/top/\n**/tmp/**\n[a-c]?[!x]\\ \n' \
	>"$T/corpus-ignore/seed"
printf 'NXW1\ncursor 42\nadded 2024-03-07T09:00:00Z\nrun 2024-03-08T06:00:00Z\nlang en\nquery railway country:IN indexed:#3..' \
	>"$T/corpus-watch/seed"
printf 'railway indexed:24h OR indexed:2024-03-07.. OR indexed:#120..180' \
	>"$T/corpus-query/indexed"
printf 'Japan and India agreed on new steps.' >"$T/corpus-docdata/seed"
cp "$top_srcdir"/tests/fixtures/geo/*.txt "$T/corpus-gazetteer/"
printf 'Kansas City; USA, Amberland\ncountry LT Amberland\ntitle Minister\norg UN U.N.; UN\nMinister Mara Quill of Amberland said the UN met.\n' \
	>"$T/corpus-gazetteer/seed"
printf '\005\003\044\001\000\001\001\001\002\000\003\001\001' \
	>"$T/corpus-positions/seed"
cp "$F"/*.xml "$F"/*.xml.gz "$T/corpus-feed/"
cp "$F"/*.html "$T/corpus-html/"
cp "$F"/*.warc "$F"/*.warc.gz "$T/corpus-warc/"
cp "$F"/*.sgm "$T/corpus-sgml/"
cp "$F"/*.xml "$F"/*.html "$F"/*.warc* "$F"/*.sgm "$T/corpus-ingest/"
printf 'Thu, 07 Mar 2024 10:30:00 +0530' >"$T/corpus-meta/date"
printf 'TOKYO, March 7 (Reuters) - Japan said' >"$T/corpus-meta/dateline"
for h in query ingest feed html warc sgml meta positions docdata ignore \
	encoding serve watch gazetteer; do
	if ! "$T/fuzz_$h" -max_total_time="$secs" -max_len=65536 \
		-rss_limit_mb=1024 -timeout=10 \
		-artifact_prefix="$T/" "$T/corpus-$h" >"$T/$h.log" 2>&1; then
		echo "FAIL: fuzz_$h found a problem:"
		tail -n 40 "$T/$h.log"
		fail=1
	else
		echo "fuzz_$h: $(grep -o 'Done [0-9]* runs' "$T/$h.log")"
	fi
done
exit $fail
