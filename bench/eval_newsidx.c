/*
 * eval_newsidx.c: run a file of queries against a newsidx index through
 * the public API, with ranking settings the command line does not
 * expose, and print a TREC run; the experiment driver behind
 * bench/sweep.
 *
 * usage: eval_newsidx [OPTIONS] INDEX QUERIES
 *   --mode default  each query's text as typed: all words required, any
 *                   word when no article has them all (newsidx's default)
 *   --mode or       the query's words joined by OR (characters that are
 *                   query syntax are dropped first), so that every
 *                   article with any word is ranked
 *   --k1 X, --b X   BM25 parameters (default: the library's)
 *   --limit N       hits kept per query (default 1000)
 *   --tag TAG       the run's name (default newsidx-MODE)
 *   --latency       print each query's time, and a summary, on stderr
 *
 * QUERIES holds "QID<TAB>TEXT" lines; the run lines are "QID Q0 DOCID
 * RANK SCORE TAG".  A summary (queries relaxed, refused) goes to stderr.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsidx.h"

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * The words of text joined by " OR ".  Quotes and parentheses are
 * dropped, a leading + or - and a trailing * are removed, and a colon
 * becomes a space, so that no character of a sentence acts as syntax;
 * the upper-case keywords AND, OR, NOT, NEAR are lowered for the same
 * reason.
 */
static char *or_query(const char *text)
{
	size_t len = strlen(text);
	char *clean = malloc(len + 1), *q = malloc(len * 5 + 8), *p, *w;
	char *save = NULL;

	if (!clean || !q) {
		free(clean);
		free(q);
		return NULL;
	}
	for (p = clean; *text; text++)
		if (*text != '"' && *text != '(' && *text != ')')
			*p++ = *text == ':' ? ' ' : *text;
	*p = '\0';
	*q = '\0';
	for (w = strtok_r(clean, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		size_t n;

		while (*w == '+' || *w == '-')
			w++;
		n = strlen(w);
		while (n > 0 && w[n - 1] == '*')
			w[--n] = '\0';
		if (n == 0)
			continue;
		if (strcmp(w, "AND") == 0 || strcmp(w, "OR") == 0 ||
		    strcmp(w, "NOT") == 0 || strncmp(w, "NEAR", 4) == 0)
			for (p = w; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		if (*q)
			strcat(q, " OR ");
		strcat(q, w);
	}
	free(clean);
	return q;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: eval_newsidx [--mode default|or] [--k1 X] [--b X] "
		"[--limit N] [--tag TAG] [--latency] INDEX QUERIES\n");
	return 2;
}

int main(int argc, char **argv)
{
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_db_t *db = NULL;
	const char *mode = "default", *tag = NULL;
	char tagbuf[64], *line = NULL;
	size_t cap = 0, nq = 0, relaxed = 0, refused = 0, tcap = 0, k;
	double *times = NULL;
	int i, latency = 0;
	newsidx_status_t st;
	FILE *in;

	so.limit = 1000;
	so.snippets = 0;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--latency") == 0) {
			latency = 1;
			continue;
		}
		if (i + 1 >= argc)
			return usage();
		if (strcmp(a, "--mode") == 0)
			mode = argv[++i];
		else if (strcmp(a, "--k1") == 0)
			so.bm25_k1 = atof(argv[++i]);
		else if (strcmp(a, "--b") == 0)
			so.bm25_b = atof(argv[++i]);
		else if (strcmp(a, "--limit") == 0)
			so.limit = (size_t)atol(argv[++i]);
		else if (strcmp(a, "--tag") == 0)
			tag = argv[++i];
		else
			return usage();
	}
	if (argc - i != 2 || so.limit == 0 ||
	    (strcmp(mode, "default") != 0 && strcmp(mode, "or") != 0))
		return usage();
	if (!tag) {
		snprintf(tagbuf, sizeof(tagbuf), "newsidx-%s", mode);
		tag = tagbuf;
	}
	st = newsidx_db_open(&db, argv[i], NULL);
	if (st) {
		fprintf(stderr, "eval_newsidx: %s\n",
			db ? newsidx_db_errmsg(db) : newsidx_status_str(st));
		newsidx_db_free(db);
		return 1;
	}
	in = fopen(argv[i + 1], "r");
	if (!in) {
		perror(argv[i + 1]);
		newsidx_db_free(db);
		return 1;
	}
	while (getline(&line, &cap, in) != -1) {
		char *text = strchr(line, '\t'), *q;
		newsidx_results_t *r = NULL;
		double t0;

		if (!text)
			continue;
		*text++ = '\0';
		text[strcspn(text, "\r\n")] = '\0';
		t0 = now();
		q = strcmp(mode, "or") == 0 ? or_query(text) : strdup(text);
		if (!q) {
			fprintf(stderr, "eval_newsidx: out of memory\n");
			return 1;
		}
		nq++;
		st = *q ? newsidx_search(&r, db, q, &so) : NEWSIDX_QUERY_SYNTAX;
		if (st) {
			fprintf(stderr, "eval_newsidx: query %s: %s\n", line,
				newsidx_db_errmsg(db));
			refused++;
			free(q);
			continue;
		}
		if (newsidx_results_relaxed(r))
			relaxed++;
		for (k = 0; k < newsidx_results_count(r); k++) {
			const newsidx_hit_t *h = newsidx_results_hit(r, k);

			printf("%s Q0 %s %zu %.9g %s\n", line, h->id, h->rank,
			       h->score, tag);
		}
		newsidx_results_free(r);
		free(q);
		if (nq > tcap) {
			double *p;

			tcap = tcap ? tcap * 2 : 256;
			p = realloc(times, tcap * sizeof(*p));
			if (!p) {
				fprintf(stderr,
					"eval_newsidx: out of memory\n");
				return 1;
			}
			times = p;
		}
		times[nq - refused - 1] = now() - t0;
		if (latency)
			fprintf(stderr, "latency %s %.6f\n", line,
				times[nq - refused - 1]);
	}
	fprintf(stderr,
		"eval_newsidx: %zu queries, %zu relaxed to any word, "
		"%zu refused\n",
		nq, relaxed, refused);
	if (latency && nq > refused) {
		size_t n = nq - refused, p95 = (size_t)(0.95 * (double)n);
		double sum = 0;

		qsort(times, n, sizeof(*times), cmp_double);
		for (k = 0; k < n; k++)
			sum += times[k];
		fprintf(stderr,
			"eval_newsidx: mean %.3f ms, median %.3f ms, p95 "
			"%.3f ms\n",
			1e3 * sum / (double)n, 1e3 * times[n / 2],
			1e3 * times[p95 < n ? p95 : n - 1]);
	}
	free(times);
	free(line);
	fclose(in);
	newsidx_db_free(db);
	return 0;
}
