/*
 * qbench.c: query latency of newsidx through its public API, for
 * bench/run.
 *
 * usage: qbench [--repeat R] [--snippets] [--limit K] [--all-copies]
 *               [--lang CODE]
 *               [--exact-count] [--no-feedback] [--similar] [--each]
 *               [--threads N] [--long-lived] INDEX QUERIES
 *
 * Opens INDEX once, runs every query of QUERIES ("QID<TAB>TEXT" lines,
 * the text in newsidx's query language; further tab-separated columns,
 * as in bench/run's queries.tsv, are ignored) once to warm up, then R times
 * more (default 5), pass after pass, and times each newsidx_search()
 * call (the top K hits, default 10, with their stored fields, and with
 * snippets when --snippets is given) with CLOCK_MONOTONIC.  The library
 * defaults apply otherwise (relaxation, wire-copy folding, spelling
 * suggestions, phrase totals estimated above NEWSIDX_EXACT_UP_TO
 * candidates); --exact-count counts every phrase match, and
 * --all-copies turns wire-copy folding off, to measure
 * their costs; --no-feedback turns relevance feedback off (long
 * queries get it by default).  With --similar, the text of each line
 * is an article id and newsidx_article_similar() is timed instead.
 * --threads 1 makes each search count its matches on the calling
 * thread (newsidx_db_set_search_threads), as `newsidx serve` does while
 * every core is busy; the default counts in a second thread.
 * --long-lived reads the reader's tables of lengths and groups at once
 * (newsidx_db_set_long_lived), as `newsidx serve` does for its readers;
 * by default they are read once they have paid for themselves, on the
 * benchmark's index during the warm-up pass.
 * Process start-up and the opening of the index are not timed.
 *
 * Prints, as the Xapian and FTS5 baselines' "bench" modes do:
 *   lat CLASS n N p50 MS p95 MS p99 MS mean MS max MS
 * for all the queries ("all") and for each class (the QID up to its
 * last '-'), percentiles by nearest rank over every timed run, then
 *   queries Q zero Z errors E
 * where Z counts queries without any hit.  A query that fails is
 * reported on standard error and counted in E.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsidx.h"

struct q {
	char *qid, *text, *cls;
	double *t;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least p of them at or below. */
static double pct(const double *t, size_t n, double p)
{
	size_t k = (size_t)(p * (double)n + 0.999999);

	return t[k == 0 ? 0 : (k > n ? n - 1 : k - 1)];
}

static void report(const char *cls, struct q *qs, size_t nq, int repeat)
{
	double *t = malloc(nq * (size_t)repeat * sizeof *t), sum = 0;
	size_t n = 0, i;
	int r;

	if (!t) {
		fprintf(stderr, "qbench: out of memory\n");
		exit(1);
	}
	for (i = 0; i < nq; i++)
		if (!cls || strcmp(qs[i].cls, cls) == 0)
			for (r = 0; r < repeat; r++)
				t[n++] = qs[i].t[r];
	if (n) {
		qsort(t, n, sizeof *t, cmp_double);
		for (i = 0; i < n; i++)
			sum += t[i];
		printf("lat %s n %zu p50 %.3f p95 %.3f p99 %.3f mean %.3f "
		       "max %.3f\n",
		       cls ? cls : "all", n, 1e3 * pct(t, n, 0.50),
		       1e3 * pct(t, n, 0.95), 1e3 * pct(t, n, 0.99),
		       1e3 * sum / (double)n, 1e3 * t[n - 1]);
	}
	free(t);
}

static int usage(void)
{
	fprintf(stderr, "usage: qbench [--repeat R] [--snippets] [--limit K] "
			"[--all-copies] [--exact-count] [--no-feedback] "
			"[--similar] [--each] [--lang CODE] [--threads N] "
			"[--long-lived] INDEX "
			"QUERIES\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *lang = NULL;
	int repeat = 5, snippets = 0, all_copies = 0, exact = 0, each = 0, a,
	    r, similar = 0, no_feedback = 0, threads = 0, long_lived = 0;
	size_t limit = 10, nq = 0, cap = 0, i, zero = 0, errors = 0;
	struct q *qs = NULL;
	newsidx_db_t *db = NULL;
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	char *line = NULL;
	size_t lcap = 0;
	FILE *in;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "--snippets") == 0)
			snippets = 1;
		else if (strcmp(argv[a], "--all-copies") == 0)
			all_copies = 1;
		else if (strcmp(argv[a], "--lang") == 0 && a + 1 < argc)
			lang = argv[++a];
		else if (strcmp(argv[a], "--exact-count") == 0)
			exact = 1;
		else if (strcmp(argv[a], "--each") == 0)
			each = 1;
		else if (strcmp(argv[a], "--similar") == 0)
			similar = 1;
		else if (strcmp(argv[a], "--no-feedback") == 0)
			no_feedback = 1;
		else if (strcmp(argv[a], "--threads") == 0 && a + 1 < argc)
			threads = atoi(argv[++a]);
		else if (strcmp(argv[a], "--long-lived") == 0)
			long_lived = 1;
		else if (strcmp(argv[a], "--repeat") == 0 && a + 1 < argc)
			repeat = atoi(argv[++a]);
		else if (strcmp(argv[a], "--limit") == 0 && a + 1 < argc)
			limit = (size_t)atol(argv[++a]);
		else
			return usage();
	}
	if (argc - a != 2 || repeat < 1 || limit < 1)
		return usage();

	in = fopen(argv[a + 1], "r");
	if (!in) {
		perror(argv[a + 1]);
		return 1;
	}
	while (getline(&line, &lcap, in) != -1) {
		char *tab = strchr(line, '\t'), *dash;

		if (!tab)
			continue;
		*tab = '\0';
		/* The text ends at the next tab: bench/run's queries.tsv has
		 * the peers' forms of the query after it. */
		tab[strcspn(tab + 1, "\t\r\n") + 1] = '\0';
		if (nq == cap) {
			cap = cap ? 2 * cap : 256;
			qs = realloc(qs, cap * sizeof *qs);
			if (!qs) {
				fprintf(stderr, "qbench: out of memory\n");
				return 1;
			}
		}
		qs[nq].qid = strdup(line);
		qs[nq].text = strdup(tab + 1);
		qs[nq].cls = strdup(line);
		qs[nq].t = calloc((size_t)repeat, sizeof(double));
		if (!qs[nq].qid || !qs[nq].text || !qs[nq].cls || !qs[nq].t) {
			fprintf(stderr, "qbench: out of memory\n");
			return 1;
		}
		dash = strrchr(qs[nq].cls, '-');
		if (dash)
			*dash = '\0';
		nq++;
	}
	free(line);
	fclose(in);
	if (nq == 0) {
		fprintf(stderr, "qbench: no query in %s\n", argv[a + 1]);
		return 1;
	}

	if (newsidx_db_open(&db, argv[a], NULL) != NEWSIDX_OK) {
		fprintf(stderr, "qbench: %s\n",
			db ? newsidx_db_errmsg(db) : "out of memory");
		newsidx_db_free(db);
		return 1;
	}
	if (newsidx_db_set_search_threads(db, (unsigned)threads) !=
		    NEWSIDX_OK ||
	    (long_lived && newsidx_db_set_long_lived(db, 1) != NEWSIDX_OK)) {
		fprintf(stderr, "qbench: %s\n", newsidx_db_errmsg(db));
		newsidx_db_free(db);
		return 1;
	}
	so.limit = limit;
	so.snippets = snippets;
	so.all_copies = all_copies;
	so.lang = lang; /* NULL: every language of the index */
	if (exact)
		so.exact_up_to = SIZE_MAX;
	if (no_feedback)
		so.feedback = -1;

	/* pass 0 warms up and counts; passes 1..repeat are timed */
	for (r = 0; r <= repeat; r++)
		for (i = 0; i < nq; i++) {
			newsidx_results_t *res = NULL;
			newsidx_status_t st;
			double t0 = now(), t1;

			st = similar ? newsidx_article_similar(&res, db,
							       qs[i].text, &so)
				     : newsidx_search(&res, db, qs[i].text, &so);
			t1 = now();
			if (r > 0)
				qs[i].t[r - 1] = t1 - t0;
			if (r == 0 && st != NEWSIDX_OK) {
				fprintf(stderr, "qbench: %s: %s: %s\n", qs[i].qid,
					qs[i].text, newsidx_db_errmsg(db));
				errors++;
			}
			if (r == 0 && st == NEWSIDX_OK &&
			    newsidx_results_count(res) == 0)
				zero++;
			newsidx_results_free(res);
		}
	newsidx_db_free(db);

	report(NULL, qs, nq, repeat);
	for (i = 0; i < nq; i++) {
		size_t j;

		for (j = 0; j < i && strcmp(qs[j].cls, qs[i].cls) != 0; j++)
			;
		if (j == i)
			report(qs[i].cls, qs, nq, repeat);
	}
	/* --each: the slowest run of every query, to find the tail */
	for (i = 0; each && i < nq; i++) {
		double worst = 0;

		for (r = 0; r < repeat; r++)
			if (qs[i].t[r] > worst)
				worst = qs[i].t[r];
		printf("query %s %.3f %s\n", qs[i].qid, 1e3 * worst,
		       qs[i].text);
	}
	printf("queries %zu zero %zu errors %zu\n", nq, zero, errors);
	for (i = 0; i < nq; i++) {
		free(qs[i].qid);
		free(qs[i].text);
		free(qs[i].cls);
		free(qs[i].t);
	}
	free(qs);
	return errors ? 1 : 0;
}
