#!/bin/sh
# Long: kill -9 at 100 random moments, half of them during bulk loads in
# threads and shards into an empty index, half during incremental runs
# over a changing corpus.  After each kill, before anything else runs:
# `check` finds the index sound, a search works, and the next complete
# run leaves every article of the input exactly once, with its latest
# text.  Run by `make check-long` (and CI); prints how many kills it made.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/long/corpus.sh"

KILLS=${KILLS:-100}
C="$T/corpus"
IDX="$T/idx"
make_corpus "$C" 24 100 beta

# after_kill N WHAT: the checks that must hold after kill N.
after_kill() {
	if [ -f "$IDX/XAPIANDB" ]; then
		run --index "$IDX" check
		expect_rc 0 "$2 $1: check finds the index sound"
		run --index "$IDX" search --no-snippets harbour
		expect_rc 0 "$2 $1: a search works"
	fi
	run --index "$IDX" index "$C"
	expect_rc 0 "$2 $1: the next run completes"
	awk -F'"' '{ print $4 "\t" $8 }' "$C"/part-*.jsonl | sort >"$T/want"
	dump "$IDX" >"$T/got"
	if cmp -s "$T/want" "$T/got"; then ok; else
		fail "$2 $1: every article once: $(diff "$T/want" "$T/got" |
			head -n 5)"
	fi
}

# How long each kind of run takes here, so that the kills fall inside
# the runs: a moment drawn evenly from the first nine tenths of it.
ms() { date +%s%3N; }
change() {
	for k in 1 2 3 4 5 6; do
		f=$(printf '%s/part-%04d.jsonl' "$C" $((($1 * 7 + k * 5) % 24 + 1)))
		sed -i "s/\\(beta\\|gamma[0-9]*\\) \\(a[0-9]*-0[0-4][0-9]\\) title/gamma$1 \\2 title/" "$f"
	done
}
t0=$(ms)
"$NEWSIDX" --index "$IDX" index --jobs 2 --shards 2 "$C" >/dev/null 2>&1
t1=$(ms)
change 999
"$NEWSIDX" --index "$IDX" index --batch-size 97 "$C" >/dev/null 2>&1
t2=$(ms)
bulk_ms=$((t1 - t0))
inc_ms=$((t2 - t1))
echo "a bulk load takes $bulk_ms ms, an incremental run $inc_ms ms"

i=0
kills=0
while [ $i -lt "$KILLS" ]; do
	if [ $((i % 2)) -eq 0 ]; then
		# A bulk load into an empty index, in threads and shards.
		rm -rf "$IDX"
		what="kill of a bulk load"
		"$NEWSIDX" --index "$IDX" index --jobs 2 --shards 2 "$C" \
			>/dev/null 2>&1 &
	else
		# An incremental run over files that changed.
		what="kill of an incremental run"
		change "$i"
		"$NEWSIDX" --index "$IDX" index --batch-size 97 "$C" \
			>/dev/null 2>&1 &
	fi
	pid=$!
	if [ $((i % 2)) -eq 0 ]; then span=$bulk_ms; else span=$inc_ms; fi
	delay=$(awk -v s="$i" -v t="$span" 'BEGIN { srand(s * 7919 + 17); printf "%.3f", rand() * t * 0.9 / 1000 }')
	sleep "$delay"
	if kill -9 "$pid" 2>/dev/null; then
		kills=$((kills + 1))
	fi
	wait "$pid" 2>/dev/null
	after_kill "$i" "$what"
	i=$((i + 1))
done
echo "$kills of $KILLS runs were killed before they ended"
expect_eq "$([ "$kills" -ge $((KILLS / 2)) ] && echo yes)" "yes" \
	"at least half of the runs were killed mid-way"
finish
