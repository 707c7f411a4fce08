/*
 * search.c: a minimal program embedding libnewsidx.
 *
 * Indexes the files or directories given after the query into an index
 * directory, then runs the query and prints the hits with their marked
 * snippets.  Build it against an installed newsidx with:
 *
 *   cc -o search search.c $(pkg-config --cflags --libs newsidx)
 *
 * and run it as:  ./search INDEX-DIR QUERY [PATH...]
 */
#include <stdio.h>
#include <stdlib.h>

#include <newsidx.h>

static void on_reject(void *ctx, const char *where, const char *reason)
{
	(void)ctx;
	fprintf(stderr, "rejected %s: %s\n", where, reason);
}

/* Print the snippet with [ ] around each matched word. */
static void print_snippet(const newsidx_hit_t *h)
{
	size_t at = 0, i;

	for (i = 0; i < h->nhighlights; i++) {
		size_t b = h->highlights[2 * i], e = h->highlights[2 * i + 1];

		printf("%.*s[%.*s]", (int)(b - at), h->snippet + at,
		       (int)(e - b), h->snippet + b);
		at = e;
	}
	printf("%s\n", h->snippet + at);
}

int main(int argc, char **argv)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *r = NULL;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	size_t i;
	int a;

	if (argc < 3) {
		fprintf(stderr, "usage: %s INDEX-DIR QUERY [PATH...]\n",
			argv[0]);
		return 2;
	}
	printf("libnewsidx %s (header %d.%d.%d)\n", newsidx_version(),
	       NEWSIDX_VERSION_MAJOR, NEWSIDX_VERSION_MINOR,
	       NEWSIDX_VERSION_PATCH);
	if (argc > 3) {
		oo.mode = NEWSIDX_OPEN_WRITE;
		st = newsidx_db_open(&db, argv[1], &oo);
		io.on_reject = on_reject;
		for (a = 3; !st && a < argc; a++) {
			st = newsidx_index_path(db, argv[a], &io, NULL);
			if (st == NEWSIDX_REJECTED)
				st = NEWSIDX_OK; /* reported; the rest is in */
		}
		if (st) {
			fprintf(stderr, "%s: %s\n", newsidx_status_str(st),
				newsidx_db_errmsg(db));
			newsidx_db_free(db);
			return 1;
		}
		newsidx_db_free(db); /* commits */
		db = NULL;
	}
	st = newsidx_db_open(&db, argv[1], NULL);
	if (!st)
		st = newsidx_search(&r, db, argv[2], &so);
	if (st) {
		fprintf(stderr, "%s: %s\n", newsidx_status_str(st),
			newsidx_db_errmsg(db));
		newsidx_db_free(db);
		return st == NEWSIDX_QUERY_SYNTAX ? 2 : 1;
	}
	printf("%zu matches\n", newsidx_results_total(r));
	for (i = 0; i < newsidx_results_count(r); i++) {
		const newsidx_hit_t *h = newsidx_results_hit(r, i);

		printf("%zu. %s (%s)\n   ", h->rank, h->title, h->date);
		print_snippet(h);
	}
	newsidx_results_free(r);
	newsidx_db_free(db);
	return 0;
}
