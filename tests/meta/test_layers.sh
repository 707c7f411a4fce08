#!/bin/sh
# Meta: the library's layers call only downwards and no two files depend
# on each other.  doc/architecture.md draws the layers; this test holds
# the code to the drawing in three ways:
#  1. the CLI includes no header but the public one (and its own);
#  2. a file of the library includes only headers of its own layer or of
#     layers below it;
#  3. the object files of the built library, read with nm, call only
#     downwards or within their folder, and the graph of which file calls
#     which has no cycle.
set -u
: "${top_srcdir:?run from make check}"
: "${top_builddir:?run from make check}"
T=$(mktemp -d "${TMPDIR:-/tmp}/newsidx-meta.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0

# The layers, bottom up: a folder under src/ and its rank.
rank() {
	case $1 in
	src/xapian/*) echo 0 ;;
	src/lib/util/*) echo 1 ;;
	src/lib/analyzer/*) echo 2 ;;
	src/lib/geo/*) echo 3 ;;
	src/lib/ingest/*) echo 4 ;;
	src/lib/store/*) echo 5 ;;
	src/lib/query/*) echo 7 ;;
	src/lib/index/*) echo 8 ;;
	src/lib/*/*) echo 99 ;;
	src/lib/*) echo 6 ;;
	*) echo 99 ;;
	esac
}

# 1. The CLI.
for f in "$top_srcdir"/src/cli/*.[ch]; do
	bad=$(sed -n 's/^#include "\(.*\)"/\1/p' "$f" |
		grep -v -x -e config.h -e cli.h -e newsidx.h)
	if [ -n "$bad" ]; then
		echo "FAIL: ${f#"$top_srcdir"/} includes $bad"
		fail=1
	fi
done

# 2. Includes.  A header named "dir/x.h" lives in src/lib/dir/; "xapc.h"
# in src/xapian/; a bare name in the including file's own folder.
checked=0
for f in $(cd "$top_srcdir" && find src/lib src/xapian -name '*.[ch]' -o -name '*.cc' -o -name '*.hh' | sort); do
	r=$(rank "$f")
	if [ "$r" = 99 ]; then
		echo "FAIL: $f is in no layer (see doc/architecture.md)"
		fail=1
		continue
	fi
	for h in $(sed -n 's/^#include "\(.*\)"/\1/p' "$top_srcdir/$f"); do
		case $h in
		config.h | newsidx.h) continue ;;
		xapc.h | xapc_*.h) hp=src/xapian/$h ;;
		*/*) hp=src/lib/$h ;;
		*) hp=$(dirname "$f")/$h ;;
		esac
		hr=$(rank "$hp")
		if [ "$hr" -gt "$r" ]; then
			echo "FAIL: $f includes $h, a layer above its own"
			fail=1
		fi
		checked=$((checked + 1))
	done
done
[ "$checked" -gt 50 ] || { echo "FAIL: only $checked includes read"; fail=1; }

# 3. Calls, from the symbols of the built objects.
find "$top_builddir/src/lib" "$top_builddir/src/xapian" -name '*.o' |
	while read -r o; do
		src=${o#"$top_builddir"/}
		src=$(echo "$src" | sed 's#/\.libs/#/#; s#lib[a-z_]*_la-##; s#\.o$##')
		# An object left behind by a source file since removed is
		# no part of the library.
		for x in c cc; do
			[ -f "$top_srcdir/$src.$x" ] || [ -f "$top_builddir/$src.$x" ] &&
				break
			x=
		done
		[ -n "$x" ] || continue
		nm -P "$o" | awk -v f="$src" '{ print f, $1, $2 }'
	done | sort -u >"$T/syms"
[ -s "$T/syms" ] || { echo "FAIL: no objects under $top_builddir/src"; exit 1; }
awk '$3 != "U" && $3 != "w" && $3 != "v" && $3 !~ /^[a-z]$/ { print $2, $1 }' \
	"$T/syms" | sort -u -k1,1 >"$T/defs"
awk '$3 == "U" { print $2, $1 }' "$T/syms" | sort -k1,1 >"$T/uses"
join "$T/uses" "$T/defs" | awk '$2 != $3 { print $2, $3 }' | sort -u >"$T/edges"
nedges=$(wc -l <"$T/edges")
[ "$nedges" -gt 50 ] || { echo "FAIL: only $nedges calls between files"; fail=1; }
while read -r a b; do
	ra=$(rank "$(dirname "$a")/$(basename "$a").c")
	rb=$(rank "$(dirname "$b")/$(basename "$b").c")
	if [ "$rb" -gt "$ra" ]; then
		echo "FAIL: $a calls $b, a layer above it:" \
			"$(join "$T/uses" "$T/defs" | awk -v a="$a" -v b="$b" '$2 == a && $3 == b { printf "%s ", $1 }')"
		fail=1
	fi
done <"$T/edges"
# Cycles: take away, again and again, every file that calls no file left;
# what remains is a cycle, or calls into one.
awk '
{ out[$1] = out[$1] " " $2; node[$1] = 1; node[$2] = 1 }
END {
	do {
		removed = 0
		for (n in node) {
			k = split(out[n], t, " ")
			left = 0
			for (i = 1; i <= k; i++)
				if (t[i] in node)
					left++
			if (!left) { delete node[n]; removed++ }
		}
	} while (removed)
	for (n in node) {
		k = split(out[n], t, " ")
		s = ""
		for (i = 1; i <= k; i++)
			if (t[i] in node)
				s = s " " t[i]
		print "FAIL: " n " is in a dependency cycle or calls into one:" s
	}
}' "$T/edges" >"$T/cycles"
if [ -s "$T/cycles" ]; then
	cat "$T/cycles"
	fail=1
fi
[ $fail -eq 0 ] && echo "$nedges calls between files, all downwards, no cycle"
exit $fail
