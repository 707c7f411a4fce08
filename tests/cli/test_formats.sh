#!/bin/sh
# End-to-end: the feed, HTML, WARC and Reuters SGML formats, recognised by
# content and searchable by their fields; each malformed fixture reported
# with its file and position while the rest is indexed.
. "$top_srcdir/tests/cli/lib.sh"

F="$FIXTURES/formats"
IDX="$T/idx"

# Formats are found by content: copies under misleading names.
cp "$F/rss.xml" "$T/feed.txt"
cp "$F/reuters.sgm" "$T/stories.json"
run --index "$IDX" index -v "$T/feed.txt" "$T/stories.json" \
	"$F"/atom.xml "$F"/page*.html "$F"/crawl.warc.gz
expect_rc 0 "good inputs under any name"
expect_err "2 unprocessed, 1 title-only" "the summary counts Reuters oddities"
expect_err "records skipped" "and skipped WARC records"

q() { "$NEWSIDX" --index "$IDX" search --json --all-copies --limit 50 "$@"; }
n() { q "$@" | jq .total; }

expect_eq "$(n 'source:"harbour gazette"')" "3" "RSS: the channel is the source"
expect_eq "$(q 'place:kochi' | jq -r '.hits[0].title')" \
	"Ferry pier reopens after storm repairs" \
	"RSS: the dateline gives the place"
expect_eq "$(q 'place:kochi' | jq -r '.hits[0].date')" \
	"2024-03-07T05:00:00Z" "RSS: RFC 822 with +0530 in UTC"
expect_eq "$(n 'lang:de')" "1" "Atom: xml:lang on an entry"
expect_eq "$(n 'source:"valley courier"')" "3" "Atom: the feed title"
expect_eq "$(n 'lang:fr')" "1" "HTML: lang attribute"
expect_eq "$(n ibex)" "0" "HTML: navigation and asides are not indexed"
expect_eq "$(q 'place:zermatt' | jq -r '.hits[0].source')" "Alpine Herald" \
	"HTML: site name"
expect_eq "$(n 'source:square.example')" "1" "WARC: the host is the source"
expect_eq "$(n 'source:reuters')" "5" "Reuters: every story, unprocessed too"
expect_eq "$(n 'place:japan')" "1" "Reuters: places are searchable"
expect_eq "$(q 'id:reuters-902' | jq -r '.hits[0].date')" \
	"1987-03-27T00:02:59Z" "Reuters: dates"

# Malformed inputs: one line each, with the position; the rest indexed.
run --index "$T/bad" index "$F"/bad-*
expect_rc 65 "malformed inputs"
expect_err "bad-xml.xml:11:48: not well-formed XML" "bad XML: line and column"
expect_err "bad-billion-laughs.xml:3: feed declares entities in a DTD; refusing it" \
	"billion laughs refused"
expect_err "bad-xxe.xml:3: feed declares entities in a DTD; refusing it" \
	"external entity refused"
expect_err "bad-root.xml: XML document with root element <urlset>" \
	"not a feed"
expect_err "bad-truncated.xml.gz: offset [0-9]* (uncompressed): truncated gzip" \
	"truncated feed"
expect_err "bad-nobody.html: no article text in the page" "HTML with no body"
expect_err "bad-length.warc: offset 544 (record 3): Content-Length (738)" \
	"WARC record with a wrong Content-Length"
expect_err "bad-truncated.warc.gz: offset [0-9]* (uncompressed): truncated gzip" \
	"truncated WARC member"
expect_err "bad-reuters.sgm:15: story 913: unrecognised date" \
	"Reuters story with a bad date"
expect_eq "$(grep -vc '^newsidx: ' "$T/err")" "0" "every line is prefixed"
# 3 recovered items, 1 item before a truncation, 1 WARC page after the
# bad record (the same url as one of the 2 before the other truncation,
# so it is replaced, not doubled) and 1 good Reuters story: 7.
expect_eq "$("$NEWSIDX" --index "$T/bad" search --json --all-copies -- -zzqq |
	jq .total)" "7" "what could be read was indexed"

# A feed of 10,000 items.
{
	printf '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Big</title>\n'
	awk 'BEGIN { for (i = 0; i < 10000; i++)
		printf("<item><title>Item %d</title><guid>big-%d</guid><description>Harbour note number %d.</description></item>\n", i, i, i) }'
	printf '</channel></rss>\n'
} >"$T/big.xml"
run --index "$T/big" index "$T/big.xml"
expect_rc 0 "a feed of 10,000 items"
expect_eq "$("$NEWSIDX" --index "$T/big" search --json harbour | jq .total)" \
	"10000" "every item indexed"

finish
