#!/bin/sh
# End-to-end: hostile inputs.  Each bad file or record gets one clear line
# naming the file and the position of the fault; everything else is
# indexed, and the exit status is 65.
. "$top_srcdir/tests/cli/lib.sh"

H="$FIXTURES/hostile"
IDX="$T/idx"

# A 10 MB single-line file, as text and as a JSON Lines record.
head -c 10485760 /dev/zero | tr '\0' 'a' >"$T/huge.txt"
{ printf '{"id":"huge","body":"'; cat "$T/huge.txt"; printf '"}\n';
	printf '{"id":"after-huge","body":"the pelican record after it"}\n'; } \
	>"$T/huge.jsonl"

run --index "$IDX" index "$H" "$FIXTURES/good" "$T/huge.txt" "$T/huge.jsonl"
expect_rc 65 "some inputs rejected"
expect_err "invalid-utf8.txt:3:51: invalid UTF-8 (byte 0x81 at offset 175), and no other encoding explains it" \
	"bytes in no encoding: line, column and offset"
expect_err "truncated.jsonl.gz: offset [0-9]* (uncompressed): truncated gzip" \
	"truncated gzip"
expect_err "malformed.jsonl:2:[0-9]*: invalid JSON" "malformed JSON line"
expect_err "malformed.jsonl:4: expected a JSON object, got an array" \
	"JSON array line"
expect_err "empty.txt: empty file" "empty file"
expect_err "binary.dat: offset 217: binary data" "binary file"
expect_err "huge.txt: article is larger than 4194304 bytes" "10 MB text file"
expect_err "huge.jsonl:1: record is larger than 4194304 bytes" \
	"10 MB JSON line"
expect_eq "$(wc -l <"$T/err")" "8" "one line per rejection"
expect_eq "$(grep -vc '^newsidx: ' "$T/err")" "0" "every line is prefixed"

# Everything else is there.
for w in narwhal ocelot zeppelin axolotl tardigrade pelican; do
	expect_eq "$("$NEWSIDX" --index "$IDX" search --json "$w" | jq .total)" \
		"1" "$w indexed despite its neighbours"
done
expect_eq "$("$NEWSIDX" --index "$IDX" search --json quokka | jq .total)" \
	"2" "gzip-compressed fixture indexed"
expect_eq "$("$NEWSIDX" --index "$IDX" search --json id:trunc-1 | jq .total)" \
	"1" "records before a truncated gzip member are kept"
# Every article: 5 good, 2 from malformed.jsonl, 1 before the truncation,
# and the record after the huge one.
expect_eq "$("$NEWSIDX" --index "$IDX" search --json -- '-xyzzyplugh' |
	jq .total)" "9" "exactly the good articles"

# A larger limit lets the big article in.
run --index "$IDX" index --max-article-size 20000000 "$T/huge.txt"
expect_rc 0 "--max-article-size raises the limit"

# A missing path is reported, the others still indexed.
run --index "$T/idx2" index "$T/nonexistent" "$FIXTURES/good"
expect_rc 66 "missing path"
expect_err "nonexistent: No such file or directory" "missing path named"
expect_eq "$("$NEWSIDX" --index "$T/idx2" search --json lighthouse |
	jq .total)" "5" "the rest indexed after a missing path"

finish
