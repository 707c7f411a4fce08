#!/bin/sh
# End-to-end: the shell completions offer what the program accepts.  The
# bash completion is run as bash runs it (COMP_WORDS, COMP_CWORD, then
# COMPREPLY); the zsh one with compadd and _files replaced by functions
# that print what they were given.  Both read the subcommands and options
# from `newsidx help`, so every option the help names must be offered.
. "$top_srcdir/tests/cli/lib.sh"

src=$(cd "$top_srcdir" && pwd)
BASHC="$src/data/completion/bash/newsidx"
ZSHC="$src/data/completion/zsh/_newsidx"

# bashc WORD...: what bash would offer for the last word.
bashc() {
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_newsidx
		printf "%s\n" "${COMPREPLY[@]}"' bashc "$BASHC" "$@" | sort
}

# zshc WORD...: what the zsh completion hands to compadd for the last word.
zshc() {
	zsh -f -c '
		f=$1; shift
		words=("$@")
		CURRENT=$#words
		PREFIX=${words[CURRENT]}
		compadd() {
			local -a out
			while (( $# )); do
				case $1 in
				-a) shift; out+=(${(P)1}) ;;
				-S) shift ;;
				--) ;;
				*) out+=($1) ;;
				esac
				shift
			done
			print -l -- ${(M)out:#${PREFIX}*}
		}
		_files() { print -- "FILES $*" }
		. $f' zshc "$ZSHC" "$@" | sort
}

commands=$("$NEWSIDX" help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p' | sort)
expect_eq "$(echo "$commands" | wc -l | tr -d ' ')" "14" "help lists 14 commands"
search_opts=$("$NEWSIDX" help search | grep -o -- '--[a-z][a-z-]*' | sort -u)
index_opts=$("$NEWSIDX" help index | grep -o -- '--[a-z][a-z-]*' | sort -u)

for sh in bashc zshc; do
	expect_eq "$($sh "$NEWSIDX" "")" "$commands" "$sh: every command"
	expect_eq "$($sh "$NEWSIDX" sea)" "search" "$sh: a command by its start"
	expect_eq "$($sh "$NEWSIDX" si)" "similar" "$sh: similar"
	expect_eq "$($sh "$NEWSIDX" search --li)" "--limit" "$sh: an option"
	expect_eq "$($sh "$NEWSIDX" --index "$T/x" search --fa)" "--facet" \
		"$sh: --index and its value are not the command"
	expect_eq "$($sh "$NEWSIDX" search --)" "$search_opts" \
		"$sh: every option of search"
	expect_eq "$($sh "$NEWSIDX" index --)" "$index_opts" \
		"$sh: every option of index"
	expect_eq "$($sh "$NEWSIDX" search japan ti)" "title:" "$sh: a field"
	expect_eq "$($sh "$NEWSIDX" help st)" "stats" "$sh: help's argument"
	for o in --include --exclude --no-filters; do
		expect_eq "$($sh "$NEWSIDX" index "$o")" "$o" "$sh: index $o"
	done
	expect_eq "$($sh "$NEWSIDX" index --include "")" "" \
		"$sh: --include takes a pattern, not a file"
	expect_eq "$($sh "$NEWSIDX" index --exclude "")" "" \
		"$sh: --exclude takes a pattern, not a file"
	expect_eq "$($sh "$NEWSIDX" index --encoding windows-12)" \
		"windows-1251
windows-1252" "$sh: --encoding offers encodings"
done
expect_eq "$(zshc "$NEWSIDX" search "")" \
	"$(printf '%s\n' author: date: id: indexed: lang: place: since: source: title: topic: url:)" \
	"zsh: every field"
# Every field the query language knows is offered.
for f in title place source author topic lang url id date since indexed; do
	"$NEWSIDX" help search | grep -q "$f:" && ok ||
		fail "help search names $f:"
	expect_eq "$(bashc "$NEWSIDX" search "$f")" "$f:" "bash: field $f"
done
mkdir -p "$T/dir/corpus-a"
expect_eq "$(cd "$T/dir" && bashc "$NEWSIDX" index corp)" "corpus-a" \
	"bash: index completes paths"
expect_eq "$(zshc "$NEWSIDX" index corp)" "FILES " "zsh: index completes paths"
expect_eq "$(zshc "$NEWSIDX" --index "")" "FILES " \
	"zsh: --index takes a directory or a stub file of shards"

finish
