#!/bin/sh
# End-to-end: the directory walk, and the deletions it must not cause.
# A missing PATH (exit 66, the other PATHs indexed).
. "$top_srcdir/tests/cli/lib.sh"

IDX="$T/idx"

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
