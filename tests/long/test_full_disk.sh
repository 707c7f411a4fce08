#!/bin/sh
# Long: a writer on a full filesystem.  A small tmpfs holds an index of a
# few articles; a run that brings many more fills it.  The run must fail
# with a clear one-line error and leave the last committed index readable
# and intact: check finds it sound, and a search finds the articles of
# the last commit, each once.  Several sizes put the end of the space at
# different moments of the run.  At one moment of a commit (the 3 MB
# case) libxapian 1.4.22 itself ends the process on ENOSPC: an exception
# thrown through a frame inside the library that may not throw, which no
# caller can catch; there only the index's integrity is checked.
# Mounting needs root or a user namespace (unshare -rm); without either
# the test fails and says so.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/long/corpus.sh"

make_corpus "$T/few" 2 50 alpha
make_corpus "$T/many" 40 500 beta

# The steps, run where a small filesystem of size $1 is mounted at $2;
# each step's output and status land in $T/<size>.*.
cat >"$T/steps.sh" <<STEPS
set -u
size=\$1 small=\$2 o="$T/\$1"
mount -t tmpfs -o size=\$size tmpfs "\$small" || exit 3
trap 'umount "\$small"' EXIT
"$NEWSIDX" --index "\$small/idx" index "$T/few" >"\$o.out1" 2>"\$o.err1"
echo \$? >"\$o.rc1"
"$NEWSIDX" --index "\$small/idx" index "$T/many" >"\$o.out2" 2>"\$o.err2"
echo \$? >"\$o.rc2"
"$NEWSIDX" --index "\$small/idx" check >"\$o.out3" 2>"\$o.err3"
echo \$? >"\$o.rc3"
"$NEWSIDX" --index "\$small/idx" search --json --no-snippets --all-copies \
	--limit 10000 -- -qqqqnothing >"\$o.out4" 2>"\$o.err4"
echo \$? >"\$o.rc4"
STEPS

for size in 2m 3m 5m 8m; do
	mkdir -p "$T/mnt-$size"
	if [ "$(id -u)" -eq 0 ]; then
		sh "$T/steps.sh" "$size" "$T/mnt-$size"
	else
		unshare -rm sh "$T/steps.sh" "$size" "$T/mnt-$size"
	fi
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "no small filesystem could be mounted (exit $rc): run as root or where unshare -rm works"
		finish
	fi
	o="$T/$size"
	expect_eq "$(cat "$o.rc1")" "0" "$size: the first run fits"
	if [ "$size" != 3m ]; then
		expect_eq "$(cat "$o.rc2")" "1" "$size: the run that fills the disk fails"
		expect_eq "$(wc -l <"$o.err2" | tr -d ' ')" "1" \
			"$size: with one line: $(head -c 300 "$o.err2")"
		grep -q "^newsidx: .*No space left on device" "$o.err2" && ok ||
			fail "$size: a message that says the disk is full: $(head -c 300 "$o.err2")"
	fi
	expect_eq "$(cat "$o.rc3")" "0" \
		"$size: check finds the last commit sound: $(head -c 300 "$o.err3")"
	expect_eq "$(cat "$o.rc4")" "0" "$size: a search works"
	# The run commits a batch at a time, so the last commit may hold
	# some of the many: what the index counts, at least the few.
	n=$(jq '.total' "$o.out4")
	expect_eq "$([ "$n" -ge 100 ] && echo yes)" "yes" \
		"$size: the first run's articles are all there ($n)"
	expect_eq "$(jq '[.hits[].id] | unique | length' "$o.out4")" "$n" \
		"$size: each once"
done
finish
