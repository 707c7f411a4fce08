#!/bin/sh
# End-to-end: which files of a directory are read.  The built-in list of
# files that are never articles (checksum lists, DTDs); .newsidxignore
# files, at the top and in a subdirectory, with a deeper '!' reading a
# file again, and never indexed themselves; --include and --exclude,
# stored with the PATH and applied by the next run that gives none and
# by rebuild; an exclusion added later removing articles at once, even
# more than --max-delete's share (the files are still there);
# --no-filters; and bad patterns, in a file (FILE:LINE) and on the
# command line.
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"
D="$T/news"

# story FILE WORD: a plain text article about WORD.
story() {
	printf '%s story\n\nA report about %s and the harbour.\n' "$2" "$2" >"$1"
}

# hits WORD: the articles that hold WORD.
hits() {
	"$NEWSIDX" --index "$IDX" search --json --all-copies -- "$1" | jq .total
}

# count: the articles in the index.
count() {
	"$NEWSIDX" --index "$IDX" search --json --all-copies -- -qqqqnothing |
		jq .total
}

mkdir -p "$D/sub/deeper" "$D/old" "$D/big"
story "$D/a.txt" walrus
story "$D/b.txt" narwhal
story "$D/README.txt" readmeword
printf 'e3b0c442  a.txt checksumword\n' >"$D/SHA256SUMS"
printf '<!ELEMENT dtdword (#PCDATA)>\n' >"$D/lewis.dtd"
story "$D/sub/c.txt" beluga
story "$D/sub/noise.log" logword
story "$D/sub/deeper/keep.log" keepword
story "$D/old/o.txt" oldword
awk 'BEGIN { for (i = 1; i <= 150; i++)
	printf("{\"id\":\"big-%d\",\"title\":\"Big %d\",\"body\":\"Item %d about bigword.\"}\n", i, i, i) }' \
	>"$D/big/many.jsonl"

# --- the built-in list ---------------------------------------------------
run --index "$IDX" index --json "$D"
expect_rc 0 "first run"
expect_eq "$(jq .files "$T/out")" "8" "SHA256SUMS and lewis.dtd are not walked"
expect_eq "$(hits checksumword)" "0" "a checksum list is no article"
expect_eq "$(hits dtdword)" "0" "a DTD is no article"
expect_eq "$(hits walrus)" "1" "an article is read"
expect_eq "$(count)" "157" "every article but the built-in list's"

# --- .newsidxignore ---------------------------------------------------------
printf '# not news: ignoreword\nREADME*\n' >"$D/.newsidxignore"
printf '*.log\n' >"$D/sub/.newsidxignore"
printf '!keep.log\n' >"$D/sub/deeper/.newsidxignore"
run --index "$IDX" index --json "$D"
expect_rc 0 "run with .newsidxignore files"
expect_eq "$(hits readmeword)" "0" "the top .newsidxignore removes README.txt"
expect_eq "$(hits logword)" "0" "a subdirectory's .newsidxignore removes *.log"
expect_eq "$(hits keepword)" "1" "a deeper '!' reads keep.log again"
expect_eq "$(hits beluga)" "1" "the rest of the subdirectory is read"
expect_eq "$(hits ignoreword)" "0" "a .newsidxignore is no article"
expect_eq "$(jq .deleted "$T/out")" "2" "two articles removed in the same run"
run --index "$IDX" index --json "$D/.newsidxignore"
expect_rc 0 "a .newsidxignore given by name"
expect_eq "$(jq .files "$T/out")" "0" "a .newsidxignore given by name is not read"

# --- --exclude, stored ----------------------------------------------------
# 150 of the PATH's 156 articles: far above the 50% guard, but the files
# are still there, so this is a choice, not an unmounted share.
run --index "$IDX" index --json --exclude 'big/' --exclude /old "$D"
expect_rc 0 "an exclusion is not held by the delete guard"
expect_eq "$(jq .deleted "$T/out")" "151" "excluded articles removed at once"
expect_eq "$(hits bigword)" "0" "an excluded directory's articles go"
expect_eq "$(hits oldword)" "0" "an anchored exclusion"
expect_eq "$(hits walrus)" "1" "the rest stays"
run --index "$IDX" index --json "$D"
expect_rc 0 "a run without patterns"
expect_eq "$(jq '.added + .updated + .deleted' "$T/out")" "0" \
	"a run without patterns applies the stored ones"
expect_eq "$(hits bigword)" "0" "stored exclusion still applies"

# A vanished file still counts against the guard, exclusions or not.
mv "$D/b.txt" "$T/b.txt.away"
run --index "$IDX" index --json --max-delete 1 "$D"
expect_rc 0 "one vanished article within --max-delete 1"
expect_eq "$(jq .deleted "$T/out")" "1" "the vanished file's article goes"
mv "$T/b.txt.away" "$D/b.txt"
run --index "$IDX" index --json "$D"
expect_eq "$(jq .added "$T/out")" "1" "and comes back with its file"

# --- rebuild ---------------------------------------------------------------
before=$(count)
run --index "$IDX" rebuild
expect_rc 0 "rebuild"
expect_eq "$(count)" "$before" "rebuild reads the same files"
expect_eq "$(hits bigword)" "0" "rebuild honours the stored exclusion"
expect_eq "$(hits readmeword)" "0" "rebuild honours .newsidxignore"
run --index "$IDX" index --json "$D"
expect_eq "$(jq '.added + .deleted' "$T/out")" "0" \
	"the rebuilt index keeps the stored patterns"

# --- --include --------------------------------------------------------------
run --index "$IDX" index --json --include '*.txt' "$D"
expect_rc 0 "--include"
expect_eq "$(hits keepword)" "0" "--include leaves out what it does not name"
expect_eq "$(hits bigword)" "0" "and replaces the stored patterns"
expect_eq "$(hits walrus)" "1" "--include reads what it names"
run --index "$IDX" index --json --include 'sub/' "$D"
expect_eq "$(hits beluga)" "1" "--include DIR/ reads under DIR"
expect_eq "$(hits walrus)" "0" "and nothing else"
expect_eq "$(hits logword)" "0" "a .newsidxignore still excludes"
run --index "$IDX" index --json --include '*.dtd' "$D"
expect_eq "$(hits dtdword)" "1" "--include naming a built-in pattern reads it"

# --- --no-filters ------------------------------------------------------------
run --index "$IDX" index --json --no-filters "$D"
expect_rc 0 "--no-filters"
expect_eq "$(hits bigword)" "150" "--no-filters reads excluded files again"
expect_eq "$(hits dtdword)" "0" "the built-in list applies again"
expect_eq "$(hits walrus)" "1" "--no-filters: all files"
run --index "$IDX" index --json "$D"
expect_eq "$(jq '.added + .deleted' "$T/out")" "0" "forgotten for good"
run --index "$IDX" index --no-filters --exclude x "$D"
expect_rc 2 "--no-filters with patterns"
run --index "$IDX" rebuild --no-filters
expect_rc 2 "rebuild takes no --no-filters"

# --- bad patterns ---------------------------------------------------------
printf '*.log\n[abc\n' >"$D/sub/.newsidxignore"
story "$D/sub/new.txt" newword
run --index "$IDX" index "$D"
expect_rc 65 "a bad .newsidxignore is rejected input"
expect_err "sub/.newsidxignore:2: '\[' without its ']'" \
	"the error names the file and the line"
expect_eq "$(wc -l <"$T/err" | tr -d ' ')" "1" "in one line"
expect_eq "$(hits beluga)" "1" "the directory's articles stay"
expect_eq "$(hits newword)" "0" "the directory is not read"
printf '*.log\n' >"$D/sub/.newsidxignore"
run --index "$IDX" index "$D"
expect_rc 0 "fixed, the directory is read again"
expect_eq "$(hits newword)" "1" "its new file is read"
run --index "$IDX" index --exclude 'a[' "$D"
expect_rc 2 "a bad --exclude"
expect_err "exclude pattern 'a\[': '\[' without its ']'" "names the pattern"
run --index "$IDX" index --include '#x' "$D"
expect_rc 2 "a comment as --include"

finish
