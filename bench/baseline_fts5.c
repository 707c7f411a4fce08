/*
 * baseline_fts5.c: SQLite FTS5, the full-text index most C programs
 * reach for first, for comparison with newsidx in the retrieval and
 * speed benchmarks.
 *
 * usage: baseline_fts5 index JSONL DBFILE
 *        baseline_fts5 search [--latency] DBFILE QUERIES K [TAG]
 *
 * index: reads JSON Lines articles ({"id", "title", "body"}; the other
 * members are ignored) into the table
 *   CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body,
 *                                        tokenize = 'porter unicode61')
 * in one transaction.  Prints articles/s and bytes/s (of title and body)
 * on standard error.
 *
 * search: each query of QUERIES ("QID<TAB>TEXT" lines) becomes the OR of
 * its white-space separated words, each quoted as an FTS5 string (so no
 * character of the query is syntax; a word with no letter or digit is
 * dropped), ranked by bm25() with its default weights, best first.  The
 * first K hits are printed as TREC run lines "QID Q0 DOCID RANK SCORE
 * TAG", SCORE being -bm25() so that higher is better (TAG defaults to
 * fts5-bm25).  --latency prints each query's time on standard error, and
 * a summary line.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int sql_fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "baseline_fts5: %s: %s\n", what, sqlite3_errmsg(db));
	sqlite3_close(db);
	return 1;
}

static const char *member(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static int do_index(const char *jsonl, const char *dbfile)
{
	FILE *in = fopen(jsonl, "r");
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	char *line = NULL;
	size_t cap = 0;
	unsigned long n = 0, lineno = 0;
	unsigned long long bytes = 0;
	double t0, s;

	if (!in) {
		perror(jsonl);
		return 1;
	}
	remove(dbfile);
	if (sqlite3_open(dbfile, &db) != SQLITE_OK)
		return sql_fail(db, dbfile);
	if (sqlite3_exec(db,
			 "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, "
			 "title, body, tokenize = 'porter unicode61');"
			 "BEGIN;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db, "creating the table");
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO docs(id, title, body) "
			       "VALUES (?, ?, ?)",
			       -1, &ins, NULL) != SQLITE_OK)
		return sql_fail(db, "preparing the insert");
	t0 = now();
	while (getline(&line, &cap, in) != -1) {
		json_error_t err;
		json_t *o;
		const char *title, *body;

		lineno++;
		if (strspn(line, " \t\r\n") == strlen(line))
			continue;
		o = json_loads(line, 0, &err);
		if (!json_is_object(o)) {
			fprintf(stderr,
				"baseline_fts5: %s:%lu: not a JSON object\n",
				jsonl, lineno);
			return 1;
		}
		title = member(o, "title");
		body = member(o, "body");
		sqlite3_bind_text(ins, 1, member(o, "id"), -1,
				  SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, title, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 3, body, -1, SQLITE_TRANSIENT);
		bytes += strlen(title) + strlen(body);
		json_decref(o);
		if (sqlite3_step(ins) != SQLITE_DONE)
			return sql_fail(db, "inserting");
		sqlite3_reset(ins);
		n++;
	}
	sqlite3_finalize(ins);
	if (sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db, "committing");
	s = now() - t0;
	fprintf(stderr,
		"baseline_fts5: indexed %lu articles, %llu bytes in %.3f s: "
		"%.0f articles/s, %.0f bytes/s\n",
		n, bytes, s, s > 0 ? (double)n / s : 0.0,
		s > 0 ? (double)bytes / s : 0.0);
	free(line);
	fclose(in);
	sqlite3_close(db);
	return 0;
}

/* The FTS5 query: "w1" OR "w2" ..., with '"' doubled inside strings. */
static char *or_query(const char *text)
{
	size_t len = strlen(text);
	char *q = malloc(len * 6 + 8), *o = q;
	const char *p = text;

	if (!q)
		return NULL;
	*o = '\0';
	while (*p) {
		const char *w, *c;
		int alnum = 0;

		while (*p && isspace((unsigned char)*p))
			p++;
		w = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		for (c = w; c < p; c++)
			if (isalnum((unsigned char)*c) ||
			    (unsigned char)*c >= 0x80)
				alnum = 1;
		if (!alnum)
			continue;
		if (o != q)
			o += sprintf(o, " OR ");
		*o++ = '"';
		for (c = w; c < p; c++) {
			if (*c == '"')
				*o++ = '"';
			*o++ = *c;
		}
		*o++ = '"';
		*o = '\0';
	}
	return q;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int do_search(const char *dbfile, const char *queries, int k,
		     const char *tag, int latency)
{
	FILE *in = fopen(queries, "r");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *line = NULL;
	size_t cap = 0, nt = 0, tcap = 0;
	double *times = NULL;

	if (!in) {
		perror(queries);
		return 1;
	}
	if (sqlite3_open_v2(dbfile, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		return sql_fail(db, dbfile);
	if (sqlite3_prepare_v2(db,
			       "SELECT id, bm25(docs) FROM docs WHERE docs "
			       "MATCH ? ORDER BY bm25(docs) LIMIT ?",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, "preparing the query");
	while (getline(&line, &cap, in) != -1) {
		char *tab = strchr(line, '\t'), *q;
		double t0;
		int rank = 0, rc;

		if (!tab)
			continue;
		*tab = '\0';
		tab[strcspn(tab + 1, "\r\n") + 1] = '\0';
		t0 = now();
		q = or_query(tab + 1);
		if (!q) {
			fprintf(stderr, "baseline_fts5: out of memory\n");
			return 1;
		}
		if (*q) {
			sqlite3_bind_text(st, 1, q, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st, 2, k);
			while ((rc = sqlite3_step(st)) == SQLITE_ROW)
				printf("%s Q0 %s %d %.6f %s\n", line,
				       (const char *)sqlite3_column_text(st, 0),
				       ++rank, -sqlite3_column_double(st, 1),
				       tag);
			if (rc != SQLITE_DONE)
				return sql_fail(db, "searching");
			sqlite3_reset(st);
		}
		free(q);
		if (nt == tcap) {
			double *p;

			tcap = tcap ? tcap * 2 : 256;
			p = realloc(times, tcap * sizeof(*p));
			if (!p) {
				fprintf(stderr,
					"baseline_fts5: out of memory\n");
				return 1;
			}
			times = p;
		}
		times[nt] = now() - t0;
		if (latency)
			fprintf(stderr, "latency %s %.6f\n", line, times[nt]);
		nt++;
	}
	if (latency && nt > 0) {
		double sum = 0;
		size_t i, p95 = (size_t)(0.95 * (double)nt);

		qsort(times, nt, sizeof(*times), cmp_double);
		for (i = 0; i < nt; i++)
			sum += times[i];
		fprintf(stderr,
			"baseline_fts5: %zu queries: mean %.3f ms, median "
			"%.3f ms, p95 %.3f ms\n",
			nt, 1e3 * sum / (double)nt, 1e3 * times[nt / 2],
			1e3 * times[p95 < nt ? p95 : nt - 1]);
	}
	free(times);
	free(line);
	fclose(in);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: baseline_fts5 index JSONL DBFILE\n"
		"       baseline_fts5 search [--latency] DBFILE QUERIES "
		"K [TAG]\n");
	return 2;
}

int main(int argc, char **argv)
{
	int latency, a, k;

	if (argc == 4 && strcmp(argv[1], "index") == 0)
		return do_index(argv[2], argv[3]);
	if (argc < 2 || strcmp(argv[1], "search") != 0)
		return usage();
	latency = argc > 2 && strcmp(argv[2], "--latency") == 0;
	a = latency ? 3 : 2;
	if (argc - a < 3 || argc - a > 4)
		return usage();
	k = atoi(argv[a + 2]);
	if (k <= 0)
		return usage();
	return do_search(argv[a], argv[a + 1], k,
			 argc - a == 4 ? argv[a + 3] : "fts5-bm25", latency);
}
