#!/bin/sh
# End-to-end: the directory walk, and the deletions it must not cause.
# Symbolic links that loop (each file indexed once, a second run changes
# nothing, and the run ends); a directory or a changed file that cannot
# be read (its articles stay, and the next run reads it without
# --retry-failed); an empty directory where an archive was (deletions
# refused, exit 66, until --max-delete allows them); a missing PATH
# (exit 66, the other PATHs indexed).
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
# What cannot be read is not deleted.  Permissions do not stop root, so
# as root the runs go without the capabilities that bypass them; where
# that cannot be done, this part is skipped, and says so.
R="$T/readerr"
RIDX="$T/ridx"
mkdir -p "$R/sub"
article "$R/r1.jsonl" r1 heron
article "$R/r2.jsonl" r2 heron
article "$R/sub/s1.jsonl" s1 heron
article "$R/sub/s2.jsonl" s2 heron

restricted() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --bounding-set=-dac_override,-dac_read_search "$@"
	else
		"$@"
	fi
}

# rrun ARGS: run newsidx on the read-error index, without privileges.
rrun() {
	restricted "$NEWSIDX" --index "$RIDX" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

printf probe >"$T/probe"
chmod 000 "$T/probe"
if ! restricted true 2>/dev/null ||
	restricted cat "$T/probe" >/dev/null 2>&1; then
	echo "SKIP: cannot make a file unreadable here (root without setpriv);" \
		"the read-error checks did not run" >&2
else
	rrun index "$R"
	expect_rc 0 "read-error corpus indexed"
	expect_eq "$(count "$RIDX")" "4" "four articles"

	# A directory that cannot be listed.
	chmod 000 "$R/sub"
	rrun index --json "$R"
	expect_rc 65 "an unreadable directory is reported"
	expect_err "sub: Permission denied" "and named"
	expect_eq "$(js .deleted)" "0" "its files' articles are not deleted"
	expect_eq "$(count "$RIDX")" "4" "and stay searchable"
	chmod 755 "$R/sub"
	rrun index --json "$R"
	expect_rc 0 "readable again"
	expect_eq "$(js '.files_unchanged, .added, .deleted')" "4 0 0" \
		"nothing lost, nothing to redo"

	# Changed files that cannot be read, in one thread and in two.
	for jobs in 1 2; do
		article "$R/r1.jsonl" "r1-new$jobs" heron
		article "$R/r2.jsonl" "r2-new$jobs" heron
		chmod 000 "$R/r1.jsonl" "$R/r2.jsonl"
		rrun index --json --jobs $jobs "$R"
		expect_rc 65 "--jobs $jobs: unreadable changed files are reported"
		expect_err "r1.jsonl: Permission denied" "--jobs $jobs: and named"
		expect_eq "$(js .deleted)" "0" "--jobs $jobs: their articles stay"
		expect_eq "$(count "$RIDX")" "$((4 + 2 * (jobs - 1)))" \
			"--jobs $jobs: all of them"
		rrun index --json --jobs $jobs "$R"
		expect_rc 65 "--jobs $jobs: tried again on the next run"
		chmod 644 "$R/r1.jsonl" "$R/r2.jsonl"
		rrun index --json --jobs $jobs "$R"
		expect_rc 0 "--jobs $jobs: readable again"
		expect_eq "$(js '.files_read, .added, .deleted')" "2 2 0" \
			"--jobs $jobs: read again without --retry-failed"
	done
	expect_eq "$(count "$RIDX")" "8" "every article, once"

	# The PATH itself cannot be listed: nothing read, nothing deleted.
	chmod 000 "$R"
	rrun index --json "$R"
	expect_rc 66 "an unreadable PATH"
	expect_err "readerr: Permission denied" "is named"
	chmod 755 "$R"
	expect_eq "$(count "$RIDX")" "8" "and keeps its articles"
fi
chmod 644 "$T/probe"

# ---------------------------------------------------------------------
# An empty directory where an archive was (an unmounted share) must not
# empty the index: more than half of a PATH's articles (a PATH of 100 or
# more) are not deleted in one run unless --max-delete allows it.
E="$T/share"
EIDX="$T/eidx"
mkdir -p "$E" "$T/away" "$T/extra"
articles "$E/p1.jsonl" p1 60
articles "$E/p2.jsonl" p2 60
articles "$E/p3.jsonl" p3 30
article "$T/extra/x.jsonl" extra-1 puffin
run --index "$EIDX" index "$E"
expect_rc 0 "the share indexed"
expect_eq "$(count "$EIDX")" "150" "150 articles"

mv "$E"/* "$T/away/"
run --index "$EIDX" index --json "$E" "$T/extra"
expect_rc 66 "an emptied PATH: deletions refused"
expect_err "share: 150 of its 150 articles are in files that vanished" \
	"the message names the PATH and the counts"
expect_err "none were deleted" "and says nothing was deleted"
expect_eq "$(grep -c . "$T/err")" "1" "in one line"
expect_eq "$(js '.status, .deleted')" "delete-refused 0" "--json says so"
expect_eq "$(count "$EIDX")" "151" "nothing deleted, the other PATH indexed"
run --index "$EIDX" index "$E"
expect_rc 66 "refused again on the next run"

# Part of it gone: within the limit.
mv "$T/away/p1.jsonl" "$T/away/p2.jsonl" "$E/"
run --index "$EIDX" index --json "$E"
expect_rc 0 "30 of 150 may go"
expect_eq "$(js .deleted)" "30" "and went"

# A count limit, and a share limit, given.
rm "$E/p2.jsonl"
run --index "$EIDX" index --json --max-delete 59 "$E"
expect_rc 66 "60 articles are more than --max-delete 59"
expect_err "more than the 59 one run may delete" "the limit is named"
expect_eq "$(js .deleted)" "0" "so none go"
run --index "$EIDX" index --json --max-delete 40% "$E"
expect_rc 66 "60 of 120 are more than 40%"
run --index "$EIDX" index --json --max-delete 60 "$E"
expect_rc 0 "--max-delete 60 allows 60"
expect_eq "$(js .deleted)" "60" "and they went"
rm "$E/p1.jsonl"
run --index "$EIDX" index --json --max-delete 100% "$E"
expect_rc 0 "--max-delete 100% allows everything"
expect_eq "$(js .deleted)" "60" "the last file's articles went"
expect_eq "$(count "$EIDX")" "1" "only the other PATH's article is left"

# A small PATH is not guarded by the share.
mkdir -p "$T/small"
articles "$T/small/s.jsonl" small 5
run --index "$EIDX" index "$T/small"
rm "$T/small/s.jsonl"
run --index "$EIDX" index --json "$T/small"
expect_rc 0 "a PATH under 100 articles may be emptied"
expect_eq "$(js .deleted)" "5" "its articles went"

# --no-delete still keeps everything, silently.
articles "$E/p4.jsonl" p4 120
run --index "$EIDX" index "$E"
rm "$E/p4.jsonl"
run --index "$EIDX" index --json --no-delete "$E"
expect_rc 0 "--no-delete"
expect_eq "$(js .deleted)" "0" "--no-delete deletes nothing"

for bad in 0 0% 101% -3 x 10%%; do
	run --index "$EIDX" index --max-delete "$bad" "$E"
	expect_rc 2 "--max-delete $bad is a usage error"
done
run --index "$EIDX" rebuild --max-delete 10
expect_rc 2 "rebuild takes no --max-delete"

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
