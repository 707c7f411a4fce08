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

finish
