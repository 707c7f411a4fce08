#!/bin/sh
# End-to-end: the known bad results of the past, each checked on a small
# fixture of its own (tests/fixtures/quality/): what is highlighted, what
# "did you mean" offers, and which article ranks first.
. "$top_srcdir/tests/cli/lib.sh"

Q=$FIXTURES/quality
IDX="$T/idx"
"$NEWSIDX" --index "$IDX" index "$Q" || fail "indexing the fixture"

# Phrase words are marked only where the phrase stands: "speed" of
# "high-speed railway" is not marked in "to speed up" nor in "the speed".
for q in '"high-speed railway"' 'high-speed railway' 'high-speed'; do
	run --index "$IDX" search --json --snippet-words 60 -- "$q"
	expect_rc 0 "search $q"
	expect_eq "$(jqout '[.hits[] | .snippet as $s | .highlights[] |
		$s[.[0]:.[1]] | ascii_downcase] | unique | join(",")')" \
		"$(case $q in *railway*) echo high-speed,railway ;;
			*) echo high-speed ;; esac)" \
		"only phrase matches highlighted for $q"
	run --index "$IDX" search --snippet-words 60 -- "$q"
	expect_no_out "\[speed\]" "no lone [speed] in the text for $q"
done
# A quoted phrase: "speed up" marks "speed up", not "the speed of".
run --index "$IDX" search --snippet-words 60 -- '"speed up"'
expect_out "to \[speed\] \[up\] work" "the phrase marked"
expect_no_out "The \[speed\]" "the word outside the phrase not marked"
# A word typed alone is marked wherever it stands.
run --index "$IDX" search --snippet-words 60 -- 'speed'
expect_out "The \[speed\] of" "a lone word marked everywhere"

# A country's adjective is the country: "sanctions russia" ranks the
# story that says "Russian" four times and "Russia's" once above the one
# where the league "sanctioned" turf and Russia is named in passing, and
# its snippet shows the Russia match.
run --index "$IDX" search --json --snippet-words 20 -- 'sanctions russia'
expect_rc 0 "search sanctions russia"
expect_eq "$(jqout '.hits[0].id')" "q-oil" "the story about Russia first"
expect_eq "$(jqout '[.hits[0] | .snippet as $s | .highlights[] |
	$s[.[0]:.[1]] | ascii_downcase | test("^russia")] | any')" "true" \
	"its snippet marks the Russia match"

# Did you mean: a rare word one edit from a far more common one
# ("semiconducter" in 1 article, "semiconductor" in 24), not only a word
# the index has never seen; never for the common word itself, never
# when the word is not rare, never with the options in it.
mkdir -p "$T/chips"
i=1
while [ $i -le 24 ]; do
	printf '{"id": "chip%d", "title": "Chip maker %d reports", "body": "The semiconductor maker number %d reported higher sales of memory chips.", "language": "en"}\n' \
		$i $i $i
	i=$((i + 1))
done >"$T/chips/common.jsonl"
printf '{"id": "typo1", "title": "Chip output", "body": "The semiconducter industry expects more orders.", "language": "en"}\n' \
	>"$T/chips/typo.jsonl"
"$NEWSIDX" --index "$T/chips-idx" index "$T/chips" || fail "indexing chips"
run --index "$T/chips-idx" search --json --limit 3 semiconducter --no-snippets
expect_rc 0 "search semiconducter"
expect_eq "$(jqout '"\(.total) \(.suggestion)"')" "1 semiconductor" \
	"a near misspelling of a common word is corrected"
run --index "$T/chips-idx" search --limit 3 -- 'memory semiconducter'
expect_out "memory semiconductor" "the suggestion in the text output"
expect_no_out "limit" "the suggestion does not echo options"
run --index "$T/chips-idx" search --json semiconductor
expect_eq "$(jqout .suggestion)" "null" "no suggestion for the common word"
run --index "$T/chips-idx" search --json memory
expect_eq "$(jqout .suggestion)" "null" "no suggestion for a short word"
# Two articles of 26 make the word too common to be a slip.
cp "$T/chips/typo.jsonl" "$T/chips/typo2.jsonl"
sed -i 's/typo1/typo2/' "$T/chips/typo2.jsonl"
"$NEWSIDX" --index "$T/chips-idx2" index "$T/chips" || fail "indexing chips"
run --index "$T/chips-idx2" search --json semiconducter
expect_eq "$(jqout '"\(.total) \(.suggestion)"')" "2 null" \
	"no suggestion for a word that is not rare"

finish
