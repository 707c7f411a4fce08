#!/bin/sh
# End-to-end: inputs in any character encoding.  Each fixture is made here
# with printf octal escapes or iconv: Latin-1, Windows-1252, Shift-JIS,
# GB18030, UTF-16 with a byte order mark, an HTML page whose <meta
# charset> says what detection would not, an RSS feed declaring
# ISO-8859-1, a WARC record with an HTTP charset, JSON Lines from
# Windows; --encoding forcing one; bytes that no encoding explains
# rejected at their line and byte; failed files named with their reason
# in stats (text and JSON), reminded on each run, and read again once
# they change.
. "$top_srcdir/tests/cli/lib.sh"

D="$T/in"
IDX="$T/idx"
mkdir -p "$D"

# ---- the fixtures ----

# Latin-1: a pound sign and accented letters.
printf 'Cup final tickets\n\nTickets for the final cost \243100 at the gate, and the caf\351 in Z\374rich sold out.\n' \
	>"$D/latin1.txt"
# Windows-1252: smart quotes and an en dash (0x93 0x94 0x96).
printf 'Minister speaks\n\nThe minister said \223we will not retreat\224 \226 and the chamber cheered the d\351bat.\n' \
	>"$D/cp1252.txt"
# Shift-JIS and GB18030, converted from UTF-8 text.
printf '東京の会議\n\n東京で経済会議が開かれました。経済成長について話し合いました。\n' |
	iconv -f UTF-8 -t SHIFT_JIS >"$D/sjis.txt"
printf '北京新闻\n\n北京举行了新闻发布会。记者询问了关于贸易的问题。\n' |
	iconv -f UTF-8 -t GB18030 >"$D/gb18030.txt"
# UTF-16 with a byte order mark (iconv's UTF-16 writes one).
printf 'Harbour news\n\nThe ferry to Sk\303\246rg\303\245rden resumed on Monday.\n' |
	iconv -f UTF-8 -t UTF-16 >"$D/utf16.txt"
# An HTML page whose meta charset, ISO-8859-15, is what detection never
# says: its byte 0xa4 is the euro there, and a currency sign in Latin-1.
printf '<!DOCTYPE html>\n<html><head><meta charset="iso-8859-15"><title>Preise in M\374nchen</title></head>\n<body><article><p>Ein Kaffee kostet in M\374nchen jetzt 5 \244, sagte der Wirt am Montag.</p></article></body></html>\n' \
	>"$D/page.html"
# An RSS feed that declares ISO-8859-1.
printf '<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss version="2.0"><channel><title>Gazette</title>\n<item><title>Caf\351 opens in Z\374rich</title><link>https://gazette.example/cafe</link><description>A new caf\351 opened by the lake in Z\374rich on Friday.</description></item>\n</channel></rss>\n' \
	>"$D/feed.xml"
# A WARC response whose HTTP Content-Type says windows-1251 (the page
# itself says nothing): Cyrillic text.
html=$(printf '<html><head><title>\314\356\361\352\342\340</title></head><body><p>\314\356\361\352\342\340 \357\360\350\355\377\353\340 \355\356\342\373\351 \341\376\344\346\345\362 \342 \357\356\355\345\344\345\353\374\355\350\352.</p></body></html>')
hlen=$(printf '%s' "$html" | wc -c)
http=$(printf 'HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1251\r\nContent-Length: %s\r\n\r\n%s' "$hlen" "$html")
blen=$(printf '%s' "$http" | wc -c)
printf 'WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-0000000000e1>\r\nWARC-Date: 2024-04-02T10:00:00Z\r\nWARC-Target-URI: https://vesti.example/moskva\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %s\r\n\r\n%s\r\n\r\n' \
	"$blen" "$http" >"$D/crawl.warc"
# JSON Lines dumped in Windows-1252: a UTF-8 line, then lines that are not.
{
	printf '{"id":"j1","title":"Plain line","body":"An ordinary record in ASCII."}\n'
	printf '{"id":"j2","title":"Quotes","body":"The coach said \223we played well\224 and the fans sang in the caf\351 until late."}\n'
	printf '{"id":"j3","title":"Na\357ve","body":"A na\357ve fa\347ade."}\n'
} >"$D/dump.jsonl"

run --index "$IDX" index -v "$D"
expect_rc 0 "every input decodes"

q() { "$NEWSIDX" --index "$IDX" search --json "$@"; }
enc() { q "$1" | jq -r '.hits[0].encoding'; }
total() { q "$1" | jq -r '.total'; }

expect_eq "$(total 'zürich')" "2" "a word with a non-ASCII letter from converted files"
expect_eq "$(total '£100')" "1" "Latin-1: the pound sign"
expect_eq "$(q 'tickets' | jq -r '.hits[0].snippet' | grep -c '£100')" "1" \
	"Latin-1: the snippet shows £"
expect_eq "$(enc tickets)" "ISO-8859-1" "Latin-1 recorded"
expect_eq "$(enc retreat)" "WINDOWS-1252" "Windows-1252 recorded"
expect_eq "$(q retreat | jq -r '.hits[0].snippet' | grep -c '“we will not retreat” –')" \
	"1" "Windows-1252: smart quotes and the dash"
expect_eq "$(total '東京')" "1" "Shift-JIS"
expect_eq "$(enc '東京')" "SHIFT_JIS" "Shift-JIS recorded"
expect_eq "$(total '北京')" "1" "GB18030"
expect_eq "$(enc '北京')" "GB18030" "GB18030 recorded"
expect_eq "$(total 'skærgården')" "1" "UTF-16 with a byte order mark"
expect_eq "$(enc ferry)" "UTF-16LE" "UTF-16 recorded"
expect_eq "$(enc kaffee)" "ISO-8859-15" "HTML: the meta charset wins over detection"
expect_eq "$(q kaffee | jq -r '.hits[0].snippet' | grep -c '5 €')" "1" \
	"HTML: 0xa4 read as the euro of ISO-8859-15"
expect_eq "$(total 'title:café')" "1" "RSS declaring ISO-8859-1: the title"
expect_eq "$(enc 'title:café')" "ISO-8859-1" "RSS: the declared encoding"
expect_eq "$(q 'lang:ru' | jq -r '.hits[0].title')" "Москва" \
	"WARC: the HTTP charset"
expect_eq "$(total 'бюджет')" "1" "WARC: Cyrillic words are searchable"
expect_eq "$(enc 'бюджет')" "WINDOWS-1251" "WARC: recorded per record"
expect_eq "$(enc ordinary)" "" "JSON Lines: a UTF-8 line records nothing"
expect_eq "$(total 'id:j2')" "1" "JSON Lines: a Windows-1252 line is read"
expect_eq "$(q coach | jq -r '.hits[0].snippet' | grep -c '“we played well”')" \
	"1" "JSON Lines: smart quotes"
expect_eq "$(total 'façade')" "1" "JSON Lines: a later line too"
run --index "$IDX" show --json "$D/latin1.txt"
expect_eq "$(jqout .encoding)" "ISO-8859-1" "show --json gives the encoding"
run --index "$IDX" show "$D/latin1.txt"
expect_out "^encoding: ISO-8859-1$" "show gives the encoding"
run --index "$IDX" show "$D/dump.jsonl#1"
expect_no_out "^encoding:" "show says nothing of UTF-8"

# ---- --encoding forces one ----
printf 'Greek note\n\nThe word \341\350\336\355\341 means Athens.\n' >"$T/greek.txt"
run --index "$T/idx2" index "$T/greek.txt"
expect_rc 0 "a Greek file without --encoding"
run --index "$T/idx2" index --force --encoding ISO-8859-7 "$T/greek.txt"
expect_rc 0 "--encoding ISO-8859-7"
run --index "$T/idx2" search --json 'αθήνα'
expect_eq "$(jqout .total)" "1" "--encoding: the forced encoding is used"
expect_eq "$(jqout '.hits[0].encoding')" "ISO-8859-7" "--encoding: recorded"
run --index "$T/idx2" index --force --encoding UTF-8 "$D/latin1.txt"
expect_rc 65 "--encoding UTF-8 on Latin-1"
expect_err "latin1.txt:3:28: not valid UTF-8, the encoding given by --encoding (byte 0xa3 at offset 46)" \
	"--encoding: bytes invalid in it are rejected, not guessed"
run --index "$T/idx2" index --encoding no-such-charset "$T/greek.txt"
expect_rc 2 "an unknown --encoding"
expect_err "unknown character encoding 'no-such-charset'" "is named once"
expect_eq "$(wc -l <"$T/err")" "1" "in one line"

# ---- bytes that no encoding explains ----
# 0x81 and 0x8d are not UTF-8, undefined in Windows-1252, and uchardet
# recognises no encoding in them.
F="$T/fail"
mkdir -p "$F"
printf 'Prices\n\nThe price is \201 today and \215 tomorrow.\n' >"$F/bad.txt"
printf 'Fine\n\nA good article about harbours.\n' >"$F/good.txt"
run --index "$T/idx3" index "$F"
expect_rc 65 "undecodable bytes are rejected"
expect_err "bad.txt:3:14: invalid UTF-8 (byte 0x81 at offset 21), and no other encoding explains it; name the encoding with --encoding" \
	"with file, line, column and byte offset"

run --index "$T/idx3" stats
expect_out "^files:        2 (1 failed)$" "stats counts the failed file"
expect_out "^failed files" "stats lists failed files"
expect_out "^  $F/bad.txt$" "stats names the failed file"
expect_out "^    .*bad.txt:3:14: invalid UTF-8 (byte 0x81 at offset 21)" \
	"stats gives the reason"
run --index "$T/idx3" stats --json
expect_eq "$(jqout '.failed | length')" "1" "stats --json: the failed list"
expect_eq "$(jqout '.failed[0].path')" "$F/bad.txt" "stats --json: the path"
expect_eq "$(jqout '.failed[0].reason' | grep -c '^.*bad.txt:3:14: invalid UTF-8 (byte 0x81 at offset 21), and no other encoding explains it')" \
	"1" "stats --json: the reason"

# A later run: not read again, exit 0, one line of reminder.
run --index "$T/idx3" index "$F"
expect_rc 0 "a remembered failure is not an error of the next run"
expect_eq "$(cat "$T/err")" \
	"newsidx: warning: 1 file that failed before was not read again (unchanged); 'newsidx stats' says why, --retry-failed reads it again" \
	"one line of reminder"
run --index "$T/idx3" index --json "$F"
expect_eq "$(jqout .failed_unchanged)" "1" "the run's JSON counts it"
run --index "$T/idx3" index --retry-failed "$F"
expect_rc 65 "--retry-failed reads it again"

# A control character in a reason is neutralised in the stored state.
printf 'x\n\n\201\n' >"$F/$(printf 'ctl\033[31m.txt')"
run --index "$T/idx3" index "$F"
run --index "$T/idx3" stats --json
expect_eq "$(jqout '.failed[] | select(.path | test("ctl")) | .reason' | grep -c "$(printf '\033')")" \
	"0" "no control character in a stored reason"
rm -f "$F"/ctl*

# Once it is mended, it is read and leaves the failed list.
printf 'Prices\n\nThe price is \243 5 today, the caf\351 said.\n' >"$F/bad.txt"
run --index "$T/idx3" index "$F"
expect_rc 0 "the changed file now decodes"
expect_eq "$(wc -c <"$T/err")" "0" "and nothing is said"
run --index "$T/idx3" stats --json
expect_eq "$(jqout '[.failed_files, (.failed | length)] | join(" ")')" "0 0" \
	"the failed list is empty"
run --index "$T/idx3" search --json 'café'
expect_eq "$(jqout .total)" "1" "the mended file is searchable"

finish
