#!/bin/sh
# Long: a reader in a tight loop while a bulk load runs, through its
# commits, the compaction into a new generation and the switch: every
# search must succeed.  Prints how many searches ran.
. "$top_srcdir/tests/cli/lib.sh"
. "$top_srcdir/tests/long/corpus.sh"

IDX="$T/idx"
make_corpus "$T/seed" 1 20 alpha
make_corpus "$T/c" 50 400 beta
# The reader needs an index to open: a first small one, then a large
# load that the writer compacts at its end.
run --index "$IDX" index "$T/seed"
expect_rc 0 "a first index"
"$NEWSIDX" --index "$IDX" index --jobs 2 "$T/c" >"$T/wout" 2>"$T/werr" &
pid=$!
n=0
bad=0
while kill -0 "$pid" 2>/dev/null; do
	if ! "$NEWSIDX" --index "$IDX" search --no-snippets harbour \
		>/dev/null 2>"$T/rerr"; then
		bad=$((bad + 1))
		[ "$bad" -le 3 ] && fail "search $n failed: $(head -c 300 "$T/rerr")"
	fi
	n=$((n + 1))
done
wait "$pid"
expect_eq "$?" "0" "the load completes: $(head -c 300 "$T/werr")"
echo "$n searches during the load, $bad failed"
expect_eq "$bad" "0" "no search failed"
expect_eq "$([ "$n" -ge 10 ] && echo yes)" "yes" "the reader ran throughout ($n searches)"
run --index "$IDX" search --json --no-snippets --all-copies -- -qqqqnothing
# The first index's 20 ids are among the load's, which replace them.
expect_eq "$(jqout .total)" "20000" "every article is there, once"
finish
