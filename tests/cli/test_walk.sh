#!/bin/sh
# End-to-end: the directory walk, and the deletions it must not cause.
# Symbolic links that loop (each file indexed once, a second run changes
# nothing, and the run ends); a missing PATH (exit 66, the other PATHs
# indexed).
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"

# article FILE ID WORD: append a JSON Lines article to FILE.
article() {
	printf '{"id":"%s","title":"%s title","body":"Story %s about %s and harbour cranes."}\n' \
		"$2" "$2" "$2" "$3" >>"$1"
}

# articles FILE PREFIX N: append N articles with ids PREFIX-1 .. PREFIX-N.
articles() {
	awk -v p="$2" -v n="$3" 'BEGIN { for (i = 1; i <= n; i++)
		printf("{\"id\":\"%s-%d\",\"title\":\"%s %d\",\"body\":\"Item %d about grain.\"}\n", p, i, p, i, i) }' >>"$1"
}

# count IDX: the articles in an index.
count() {
	"$NEWSIDX" --index "$1" search --json --all-copies -- -qqqqnothing |
		jq .total
}

# js FIELDS: fields of the JSON summary on stdout, space-separated.
js() {
	jq -r "[$1] | map(tostring) | join(\" \")" "$T/out"
}

# ---------------------------------------------------------------------
# Symbolic links that loop.  Without care, two links to "." make 2^64
# paths to walk, and one makes every file be read once per level.
# `timeout` only turns a hang into a failure; the run takes a fraction
# of a second.
L="$T/loop"
mkdir -p "$L/sub" "$T/outside"
article "$L/one.jsonl" loop-1 otter
article "$L/two.jsonl" loop-2 otter
article "$L/sub/three.jsonl" loop-3 otter
article "$T/outside/four.jsonl" loop-4 otter
ln -s . "$L/a"
ln -s . "$L/b"
ln -s .. "$L/sub/up"
ln -s ../one.jsonl "$L/sub/one-again.jsonl"
ln -s sub "$L/a-sub"             # a real directory, also through a link
ln -s ../../outside "$L/sub/ext" # a directory outside, through a link

# trun ARGS: run, but kill a run that does not end.
trun() {
	timeout -s KILL 300 "$NEWSIDX" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 137 ]; then fail "indexing a tree with self-links never ends"
	else ok; fi
}

trun --index "$IDX" index --json "$L"
expect_rc 0 "self-links are no error"
expect_eq "$(js '.files, .files_read, .added, .updated')" "4 4 4 0" \
	"each file found and read once, through links too"
expect_eq "$(count "$IDX")" "4" "each article once"
if [ -s "$T/err" ]; then fail "links to directories walked are skipped silently"
else ok; fi
trun --index "$IDX" index --json "$L"
expect_rc 0 "second run"
expect_eq "$(js '.files_read, .files_unchanged, .added, .updated, .deleted')" \
	"0 4 0 0 0" "a second run finds nothing changed"
trun --index "$IDX" index --json "$L/a/a/b/sub"
expect_eq "$(js '.files, .files_read, .updated')" "4 0 0" \
	"a PATH through links: the same files (sub/up leads to the top)"

# ---------------------------------------------------------------------
# A missing PATH: exit 66, named, the other PATHs indexed, nothing of it
# deleted.
M="$T/midx"
run --index "$M" index --json "$T/not-there" "$FIXTURES/good"
expect_rc 66 "a missing PATH"
expect_err "^newsidx: $T/not-there: No such file or directory$" \
	"is named, in one line"
expect_eq "$(js .status)" "no-input" "--json says so"
expect_eq "$(count "$M")" "5" "the other PATH is indexed"
run --index "$M" index "$FIXTURES/hostile" "$T/not-there"
expect_rc 66 "a missing PATH outweighs rejected input"
run --index "$M" index "$T/not-there" "$FIXTURES/hostile"
expect_rc 66 "in either order"
mkdir -p "$T/mnt"
articles "$T/mnt/m.jsonl" mnt 120
run --index "$M" index "$T/mnt"
mv "$T/mnt" "$T/mnt-gone"
run --index "$M" index --json "$T/mnt"
expect_rc 66 "a PATH that went away"
expect_eq "$(js .deleted)" "0" "deletes nothing"
expect_eq "$("$NEWSIDX" --index "$M" search --json --all-copies grain |
	jq .total)" "120" "its articles stay"

finish
