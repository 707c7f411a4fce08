# corpus.sh: shared by the long tests.  make_corpus DIR FILES PER TAG
# writes FILES JSON Lines files of PER articles each, with unique ids;
# dump IDX prints "id<TAB>title" of every article of an index, sorted.

make_corpus() {
	mkdir -p "$1"
	awk -v dir="$1" -v files="$2" -v per="$3" -v tag="$4" 'BEGIN {
		for (f = 1; f <= files; f++) {
			out = sprintf("%s/part-%04d.jsonl", dir, f)
			for (r = 1; r <= per; r++) {
				id = sprintf("a%04d-%03d", f, r)
				printf("{\"id\":\"%s\",\"title\":\"%s %s title\",", id, tag, id) > out
				printf("\"body\":\"Story %s about harbour cranes, %s rail freight and port number %d, as the wire reported it on the day.\",", id, tag, r) > out
				printf("\"date\":\"2024-%02d-%02dT10:00:00Z\",\"source\":\"Wire %d\"}\n", (f % 12) + 1, (r % 28) + 1, f % 3) > out
			}
			close(out)
		}
	}'
}

dump() {
	"$NEWSIDX" --index "$1" search --json --limit 100000 --no-snippets \
		--all-copies -- -qqqqnothing |
		jq -r '.hits[] | "\(.id)\t\(.title)"' | sort
}
