#!/bin/sh
# End-to-end: a set of shards.  The bundled corpus is indexed once whole
# and once split into two shard indexes; a stub file names the shards on
# this machine, another names them served by two xapian-tcpsrv processes
# on 127.0.0.1.  The same queries give the same ids, in the same order,
# with scores equal to 9 decimals, over the single index and both sets.
# Then a server is stopped: the error names its shard; --partial gives
# the rest with a warning (text and JSON); the server started again on the
# same port is used again.  Writes into a set are refused.
. "$top_srcdir/tests/cli/lib.sh"

command -v xapian-tcpsrv >/dev/null ||
	{ echo "xapian-tcpsrv is needed (xapian-tools, tools/install-deps)"; exit 1; }
command -v jq >/dev/null || { echo "jq is needed (tools/install-deps)"; exit 1; }

# ids and scores of a search, one "id score" line a hit.
hits() {
	"$NEWSIDX" --index "$1" search --json --limit 100 "$2" 2>"$T/err" |
		jq -r '.hits[] | "\(.id) \(.score * 1e9 | round)"'
}

# The same files by the same paths, so that each article has the same id.
C=$(cd "$CORPUS" && pwd)
run --index "$T/one" index "$C"
expect_rc 0 "index the corpus whole"
run --index "$T/s1" index "$C"/2023-* "$C"/2024-0[1-3]-* "$C/wire"
expect_rc 0 "index shard 1"
run --index "$T/s2" index "$C"/2024-0[4-9]-* "$C"/2024-1* "$C/archive"
expect_rc 0 "index shard 2"
run --index "$T/one" stats --json
total=$(jqout .articles)
n1=$("$NEWSIDX" --index "$T/s1" stats --json | jq .articles)
n2=$("$NEWSIDX" --index "$T/s2" stats --json | jq .articles)
expect_eq "$((n1 + n2))" "$total" "the shards hold the articles of the whole"

# A local set: relative paths are relative to the stub's directory.
printf '# the corpus in two shards\n\nauto s1\nglass %s/s2\n' "$T" >"$T/local.stub"

# Lean shards (no term lists, compact positions): articles deleted from a
# shard are listed there, and stay hidden in the set; phrases, which each
# shard codes with its own stem table, are checked per shard, with the
# same answers as one lean index; a set that mixes layouts refuses them.
run --index "$T/lone" index --lean "$C"
expect_rc 0 "index the corpus whole, lean"
"$NEWSIDX" --index "$T/l1" index --lean "$C"/2023-* "$C"/2024-0[1-3]-* "$C/wire" >/dev/null
"$NEWSIDX" --index "$T/l2" index --lean "$C"/2024-0[4-9]-* "$C"/2024-1* "$C/archive" >/dev/null
printf 'auto l1\nauto l2\n' >"$T/lean.stub"
for i in lone l1; do
	run --index "$T/$i" delete aw-2024-0109-001
	expect_rc 0 "delete from $i"
done
for q in japan 'india OR railway' 'country:jp' '"high-speed railway"' \
	'"prime minister" OR "trade deficit"' 'india NEAR japan' \
	'title:"external affairs minister"'; do
	hits "$T/lone" "$q" >"$T/h.lone"
	hits "$T/lean.stub" "$q" >"$T/h.lean"
	[ -s "$T/h.lone" ] || fail "'$q' finds nothing in the lean index"
	cmp -s "$T/h.lone" "$T/h.lean" && ok ||
		fail "'$q' over lean shards differs: $(diff "$T/h.lone" "$T/h.lean" | head -5)"
done
grep -q aw-2024-0109-001 "$T/h.lean" && fail "a deleted article shows in the set" || ok
run --index "$T/lean.stub" show aw-2024-0109-001
expect_rc 1 "show of an article deleted from a shard"
expect_eq "$(hits "$T/lean.stub" '"high-speed railway"' | head -1 | cut -d' ' -f1)" \
	"$C/2024-03-07-india-japan-eam-tokyo.txt" "the phrase finds its article"
printf 'auto l1\nauto s2\n' >"$T/mixed.stub"
run --index "$T/mixed.stub" search '"high-speed railway"'
expect_rc 2 "a phrase over a set of two layouts"
expect_err "mixes compact positions with a position table" "said plainly"

# Servers: xapian-tcpsrv in a session of its own (on SIGTERM it signals
# its whole process group), on a free port tried until one is taken.
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

# serve DIR [PORT]: start a server of DIR; sets $port and $spid.
serve() {
	tries=0
	while [ $tries -lt 30 ]; do
		port=${2:-$((20000 + ($$ * 7 + tries * 131 + $(date +%N | sed 's/^0*//;s/^$/0/') % 997) % 30000))}
		# shellcheck disable=SC2086 # SRV_EXTRA: more databases
		setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" "$1" \
			${SRV_EXTRA:-} >"$T/tcpsrv.$port.log" 2>&1 &
		spid=$!
		i=0
		while [ $i -lt 100 ] && kill -0 "$spid" 2>/dev/null &&
			! grep -q Listening "$T/tcpsrv.$port.log"; do
			sleep 0.05
			i=$((i + 1))
		done
		if grep -q Listening "$T/tcpsrv.$port.log" &&
			kill -0 "$spid" 2>/dev/null; then
			pids="$pids $spid"
			return 0
		fi
		kill "$spid" 2>/dev/null
		tries=$((tries + 1))
	done
	fail "no xapian-tcpsrv could start: $(cat "$T/tcpsrv.$port.log")"
	finish
}

serve "$T/s1"
port1=$port pid1=$spid
serve "$T/s2"
port2=$port pid2=$spid
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$port1" "$port2" \
	>"$T/remote.stub"
# Xapian's program form, as over ssh, here without it.
printf 'remote :xapian-progsrv %s/s1\nremote :xapian-progsrv %s/s2\n' "$T" "$T" \
	>"$T/prog.stub"

for q in japan semiconductor '"high-speed railway"' 'Jaishankar Tokyo' \
	'place:japan' 'india date:2024-01..2024-06' 'trade OR election' \
	'railway -japan' 'country:in' 'source:"Asia Wire"' 'olympics' \
	'deforestation amazon'; do
	hits "$T/one" "$q" >"$T/h.one"
	[ -s "$T/h.one" ] || fail "'$q' finds nothing in the single index"
	for set in local remote prog; do
		hits "$T/$set.stub" "$q" >"$T/h.$set"
		if cmp -s "$T/h.one" "$T/h.$set"; then ok; else
			fail "'$q' over the $set set differs: $(diff "$T/h.one" "$T/h.$set" | head -5)"
		fi
	done
done

# A server of two databases presents them as one, with the first one's
# metadata: refused, never searched with the wrong record dictionary.
SRV_EXTRA="$T/s2" serve "$T/s1"
printf 'remote 127.0.0.1:%s\n' "$port" >"$T/two.stub"
run --index "$T/two.stub" search japan
[ "$rc" != 0 ] && ok || fail "a server of two databases was searched"
expect_err "serve each shard with a server of its own" "said plainly"
expect_err "two.stub line 1" "names the stub line"
kill "$spid" 2>/dev/null

# A word that names a country also finds the articles tagged with it,
# the same way in one index and in a set.  Xapian 1.4.22's OP_MAX reads
# freed memory when a subquery ends early (it crashed searches of sets,
# and the default query of three words on one index), so neither uses
# it.
run --index "$T/one" search --explain japan
expect_out "XCJP" "one index finds the tagged articles"
expect_no_out " MAX " "one index does not use OP_MAX"
run --index "$T/local.stub" search --explain japan
expect_rc 0 "a country word over a set"
expect_out "XCJP" "a set still finds the tagged articles"
expect_no_out " MAX " "a set does not use OP_MAX"

# Facets, totals and sorting by date, and trends: the same documents.
# Over remote shards facets are counted with Xapian's own spy (ours
# cannot cross the remote protocol); a trend per value of a field has no
# such stand-in and is refused plainly, never silently left out.
run --index "$T/one" search --json --facet place,source,country,org,topic --sort -date 'japan OR india'
jq -S '{total, facets, ids: [.hits[].id]}' "$T/out" >"$T/f.one"
"$NEWSIDX" --index "$T/one" trend --json --by month japan >"$T/t.one"
"$NEWSIDX" --index "$T/one" trend --terms --period 2024-03 --json japan >"$T/g.one"
for set in local remote; do
	run --index "$T/$set.stub" search --json --facet place,source,country,org,topic --sort -date 'japan OR india'
	expect_rc 0 "facets over the $set set"
	jq -S '{total, facets, ids: [.hits[].id]}' "$T/out" >"$T/f.$set"
	cmp -s "$T/f.one" "$T/f.$set" && ok ||
		fail "facets over the $set set differ: $(diff "$T/f.one" "$T/f.$set" | head -5)"
	run --index "$T/$set.stub" trend --json --by month japan
	expect_rc 0 "trend over the $set set"
	cmp -s "$T/t.one" "$T/out" && ok ||
		fail "trend over the $set set differs: $(diff "$T/t.one" "$T/out" | head -5)"
	run --index "$T/$set.stub" trend --terms --period 2024-03 --json japan
	expect_rc 0 "trend --terms over the $set set"
	cmp -s "$T/g.one" "$T/out" && ok ||
		fail "trend --terms over the $set set differs: $(diff "$T/g.one" "$T/out" | head -5)"
done
run --index "$T/local.stub" trend --json --facet country japan
expect_rc 0 "trend --facet over the local set"
run --index "$T/remote.stub" trend --json --facet country japan
expect_rc 2 "trend --facet over the remote set"
expect_err "a trend per value of a field is unavailable for remote shards" "said plainly"
for set in local remote; do
	run --index "$T/$set.stub" search --json japan
	expect_eq "$(jqout '.missing_shards | length')" 0 "no shard missing ($set)"
done

# show reads each record with its own shard's dictionary; similar takes
# the article's terms weighed with exact frequencies over all shards.
run --index "$T/remote.stub" show aw-2024-0109-001
expect_rc 0 "show over the remote set"
expect_out "coast guards" "show's title"
"$NEWSIDX" --index "$T/one" similar --json aw-2024-0109-001 |
	jq -r '.hits[] | "\(.id) \(.score * 1e9 | round)"' >"$T/s.one"
[ -s "$T/s.one" ] || fail "similar finds nothing in the single index"
for set in local remote; do
	"$NEWSIDX" --index "$T/$set.stub" similar --json aw-2024-0109-001 |
		jq -r '.hits[] | "\(.id) \(.score * 1e9 | round)"' >"$T/s.$set"
	cmp -s "$T/s.one" "$T/s.$set" && ok ||
		fail "similar over the $set set differs: $(diff "$T/s.one" "$T/s.$set" | head -5)"
done

# --recent weighs with a posting source of ours, which Xapian cannot send
# to a server: the same over local shards, refused plainly over remote.
"$NEWSIDX" --index "$T/one" search --json --recent japan |
	jq -r '.hits[] | "\(.id) \(.score * 1e9 | round)"' >"$T/r.one"
"$NEWSIDX" --index "$T/local.stub" search --json --recent japan |
	jq -r '.hits[] | "\(.id) \(.score * 1e9 | round)"' >"$T/r.local"
cmp -s "$T/r.one" "$T/r.local" && ok || fail "--recent over the local set differs"
run --index "$T/remote.stub" search --recent japan
expect_rc 2 "--recent over the remote set"
expect_err "needs a part that runs only on shards on this machine" "said plainly"

# stats per shard.
run --index "$T/remote.stub" stats --json
expect_rc 0 "stats of the remote set"
expect_eq "$(jqout .articles)" "$total" "stats: the total"
expect_eq "$(jqout '[.shards[].articles] | add')" "$total" "stats: shards add up"
expect_eq "$(jqout '.shards[0].remote')" true "stats: a remote shard"
expect_eq "$(jqout '.shards[1].shard')" "remote 127.0.0.1:$port2" "stats: the stub line"
run --index "$T/local.stub" stats --json
expect_eq "$(jqout '.shards[0].remote')" false "stats: a local shard"

# tcpsrv serves the index directory: its stub names the live generation,
# so a new connection after a compaction reads the new one.
gen_before=$(cat "$T/s1/XAPIANDB")
run --index "$T/s1" compact
expect_rc 0 "compact a served shard"
[ "$(cat "$T/s1/XAPIANDB")" != "$gen_before" ] && ok ||
	fail "compact did not switch generations"
hits "$T/remote.stub" japan >"$T/h.compacted"
hits "$T/one" japan >"$T/h.one"
cmp -s "$T/h.one" "$T/h.compacted" && ok ||
	fail "the remote set after a compaction differs: $(head -3 "$T/err")"
printf 'Japan opens a new shard line\n\n2024-12-01 Tokyo: Japan opens a new railway line.\n' \
	>"$T/new.txt"
run --index "$T/s2" index "$T/new.txt"
expect_rc 0 "index into a served shard"
run --index "$T/one" index "$T/new.txt"
expect_rc 0 "the same article into the single index"
run --index "$T/remote.stub" stats --json
expect_eq "$(jqout .articles)" "$((total + 1))" "the new article is seen remotely"

# serve_set NAME ARGS...: a server over the remote set; sets $sbase.
serve_set() {
	name=$1
	shift
	"$NEWSIDX" "$@" --index "$T/remote.stub" serve --listen :0 \
		2>"$T/$name.log" &
	spid=$!
	pids="$pids $spid"
	sport=
	i=0
	while [ -z "$sport" ] && [ $i -lt 300 ] && kill -0 "$spid" 2>/dev/null; do
		sport=$(sed -n 's|^newsidx: serving .* on http://.*:\([0-9]*\)/$|\1|p' \
			"$T/$name.log")
		[ -n "$sport" ] || sleep 0.1
		i=$((i + 1))
	done
	[ -n "$sport" ] || fail "serve over the set: $(cat "$T/$name.log")"
	sbase=http://127.0.0.1:$sport
}
if command -v curl >/dev/null; then
	serve_set serve-partial --partial
	base=$sbase hpid=$spid hport=$sport
	serve_set serve-strict
	base_strict=$sbase spid_strict=$spid
	curl -s "$base_strict/api/search?q=japan" >"$T/out"
	expect_eq "$(jqout '.missing_shards | length')" 0 "serve: no shard missing"
	# A served shard compacted, then written: serve sees the article.
	"$NEWSIDX" --index "$T/s1" compact
	printf 'Zanzibar ferry\n\n2024-05-01 Zanzibar: a ferry to Zanzibar.\n' \
		>"$T/zan.txt"
	"$NEWSIDX" --index "$T/s1" index "$T/zan.txt"
	"$NEWSIDX" --index "$T/one" index "$T/zan.txt"
	curl -s "$base_strict/api/search?q=zanzibar" >"$T/out"
	expect_eq "$(jqout .total)" 1 "serve sees a commit after a shard's compaction"
fi

# A shard down: an error naming it, at once here (refused) and within the
# timeout in any case.
kill "$pid2"
wait "$pid2" 2>/dev/null
start=$(date +%s)
run --shard-timeout 3 --index "$T/remote.stub" search japan
end=$(date +%s)
expect_rc 1 "a shard down fails the search"
expect_err "remote 127.0.0.1:$port2" "the error names the shard"
[ $((end - start)) -le 20 ] && ok || fail "the dead shard took $((end - start)) s"
run --partial --index "$T/remote.stub" search japan
expect_rc 0 "--partial searches the rest"
expect_err "warning: shard 'remote 127.0.0.1:$port2' is missing" "--partial warns"
expect_out "articles match" "--partial gives results"
run --partial --index "$T/remote.stub" search --json japan
expect_rc 0 "--partial with --json"
expect_eq "$(jqout '.missing_shards[0].shard')" "remote 127.0.0.1:$port2" \
	"missing_shards names the shard"
part=$(jqout .total)
[ "$part" -gt 0 ] && [ "$part" -lt "$(hits "$T/one" japan | wc -l)" ] && ok ||
	fail "--partial total $part"

# serve over the remote set, with and without --partial, while the
# shard goes down: named in the error or beside the results.
if [ -n "${hport:-}" ]; then
	curl -s "$base/api/search?q=japan" >"$T/out"
	expect_eq "$(jqout '.missing_shards[0].shard')" "remote 127.0.0.1:$port2" \
		"serve --partial names the missing shard"
	code=$(curl -s -o "$T/out" -w '%{http_code}' "$base_strict/api/search?q=japan")
	[ "$code" -ge 400 ] && ok || fail "serve without --partial: $code"
	expect_out "remote 127.0.0.1:$port2" "serve's error names the shard"
fi

# It comes back on the same port: used again.
serve "$T/s2" "$port2"
hits "$T/remote.stub" japan >"$T/h.back"
hits "$T/one" japan >"$T/h.one"
cmp -s "$T/h.one" "$T/h.back" && ok || fail "the shard back is not used again"
if [ -n "${hport:-}" ]; then
	curl -s "$base/api/search?q=japan&limit=100" >"$T/out"
	expect_eq "$(jqout '.missing_shards | length')" 0 "serve uses the shard again"
	expect_eq "$(jqout .total)" "$(wc -l <"$T/h.one" | tr -d ' ')" \
		"serve's total with the shard back"
	curl -s "$base_strict/api/search?q=japan&limit=100" >"$T/out"
	expect_eq "$(jqout .total)" "$(wc -l <"$T/h.one" | tr -d ' ')" \
		"serve without --partial answers again"
	kill "$hpid" "$spid_strict"
	wait "$hpid" "$spid_strict" 2>/dev/null
fi

# A slow shard: one that takes the connection and never answers gives
# the error naming it after --shard-timeout, or the rest with --partial.
if command -v python3 >/dev/null; then
	python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept()[0])
' >"$T/slow.port" &
	pids="$pids $!"
	i=0
	while [ ! -s "$T/slow.port" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	slow=$(cat "$T/slow.port")
	printf 'auto s1\nremote 127.0.0.1:%s\n' "$slow" >"$T/slow.stub"
	start=$(date +%s)
	run --shard-timeout 1 --index "$T/slow.stub" search japan
	end=$(date +%s)
	expect_rc 1 "a slow shard fails the search"
	expect_err "shard 'remote 127.0.0.1:$slow'" "the error names the slow shard"
	[ $((end - start)) -le 15 ] && ok || fail "the slow shard took $((end - start)) s"
	run --partial --shard-timeout 1 --index "$T/slow.stub" search japan
	expect_rc 0 "--partial without the slow shard"
	expect_err "warning: shard 'remote 127.0.0.1:$slow' is missing" "--partial warns of it"
fi

# Writes into a set are refused with one line.
for cmd in "index $C/wire" "compact" "rebuild" "delete aw-2024-0109-001"; do
	# shellcheck disable=SC2086
	run --index "$T/local.stub" $cmd
	expect_rc 1 "$cmd into a set"
	expect_err "is a set of shards; write into one of its shards" "$cmd refused"
done

# check and watch work on one index: said at once.
for cmd in check "watch list"; do
	# shellcheck disable=SC2086
	run --index "$T/local.stub" $cmd
	expect_rc 2 "$cmd on a set"
	expect_err "is a set of shards; ${cmd%% *} each of its shards" "$cmd refused"
done

# A malformed stub names its line.
printf 'auto s1\nbogus thing\n' >"$T/bad.stub"
run --index "$T/bad.stub" search japan
expect_rc 2 "a malformed stub"
expect_err "bad.stub:2: unknown kind of shard 'bogus'" "the line is named"

finish
