/*
 * baseline_fts5.c: SQLite FTS5, the full-text index most C programs
 * reach for first, for comparison with newsidx in the retrieval and
 * speed benchmarks.
 *
 * usage: baseline_fts5 index [--update] JSONL... DBFILE
 *        baseline_fts5 search [--latency] DBFILE QUERIES K [TAG]
 *        baseline_fts5 bench [--repeat R] [--snippets] [--limit K]
 *                            DBFILE QUERIES
 *        baseline_fts5 compact DBFILE
 *
 * index: reads JSON Lines articles ({"id", "title", "body"}; the other
 * members are ignored) from each JSONL file in turn into the table
 *   CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body,
 *                                        tokenize = 'porter unicode61')
 * in one transaction, the Nth article read as rowid N.  DBFILE is
 * created afresh; --update opens an existing one instead and writes each
 * article with INSERT OR REPLACE on its rowid, as a re-index of the same
 * files does.  Prints articles/s and bytes/s (of title and body) on
 * standard error.
 *
 * search: each query of QUERIES ("QID<TAB>TEXT" lines) becomes the OR of
 * its white-space separated words, each quoted as an FTS5 string (so no
 * character of the query is syntax; a word with no letter or digit is
 * dropped), ranked by bm25() with its default weights, best first.  The
 * first K hits are printed as TREC run lines "QID Q0 DOCID RANK SCORE
 * TAG", SCORE being -bm25() so that higher is better (TAG defaults to
 * fts5-bm25).  --latency prints each query's time on standard error, and
 * a summary line.
 *
 * bench: the speed benchmark's latency mode (bench/run).  QUERIES holds
 * "QID<TAB>TEXT" lines whose TEXT is an FTS5 MATCH expression, used as
 * it is.  Every query is run once to warm up, then R times (default 5),
 * pass after pass; each run is timed from binding the query to the last
 * row of
 *   SELECT id, title FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT K
 * (K defaults to 10; rank is bm25() with its default weights; ORDER BY
 * rank lets FTS5 sort inside the virtual table, so that the other
 * columns are computed for the K rows returned only), with --snippets
 * also snippet(docs, 2, '[', ']', '...', 30), 30 tokens of the body.
 * Prints
 *   lat CLASS n N p50 MS p95 MS p99 MS mean MS max MS
 * for all queries ("all") and per class (the QID up to its last '-'),
 * nearest-rank percentiles over every timed run, then
 *   queries Q zero Z errors E
 * (Z: queries without a hit), as bench/qbench does for newsidx.
 *
 * compact: merges the FTS5 index into one segment ('optimize') and
 * VACUUMs the file, for the index size after compaction.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <math.h>
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

static int do_index(char **files, int nfiles, const char *dbfile,
		    int update)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	char *line = NULL;
	size_t cap = 0;
	unsigned long n = 0;
	unsigned long long bytes = 0;
	double t0, s;
	int fi;

	if (!update)
		remove(dbfile);
	if (sqlite3_open(dbfile, &db) != SQLITE_OK)
		return sql_fail(db, dbfile);
	if (sqlite3_exec(db,
			 "CREATE VIRTUAL TABLE IF NOT EXISTS docs USING "
			 "fts5(id UNINDEXED, title, body, "
			 "tokenize = 'porter unicode61');"
			 "BEGIN;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db, "creating the table");
	if (sqlite3_prepare_v2(db,
			       update ? "INSERT OR REPLACE INTO docs(rowid, "
					"id, title, body) VALUES (?, ?, ?, ?)"
				      : "INSERT INTO docs(rowid, id, title, "
					"body) VALUES (?, ?, ?, ?)",
			       -1, &ins, NULL) != SQLITE_OK)
		return sql_fail(db, "preparing the insert");
	t0 = now();
	for (fi = 0; fi < nfiles; fi++) {
		const char *jsonl = files[fi];
		FILE *in = fopen(jsonl, "r");
		unsigned long lineno = 0;

		if (!in) {
			perror(jsonl);
			sqlite3_close(db);
			return 1;
		}
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
					"baseline_fts5: %s:%lu: not a JSON "
					"object\n",
					jsonl, lineno);
				return 1;
			}
			title = member(o, "title");
			body = member(o, "body");
			sqlite3_bind_int64(ins, 1, (sqlite3_int64)n + 1);
			sqlite3_bind_text(ins, 2, member(o, "id"), -1,
					  SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 3, title, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 4, body, -1, SQLITE_TRANSIENT);
			bytes += strlen(title) + strlen(body);
			json_decref(o);
			if (sqlite3_step(ins) != SQLITE_DONE)
				return sql_fail(db, "inserting");
			sqlite3_reset(ins);
			n++;
		}
		fclose(in);
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
	sqlite3_close(db);
	return 0;
}

static int do_compact(const char *dbfile)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(dbfile, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		return sql_fail(db, dbfile);
	if (sqlite3_exec(db,
			 "INSERT INTO docs(docs) VALUES ('optimize'); VACUUM;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db, "compacting");
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

/* Nearest rank: the smallest value with at least p of them at or below. */
static double pct(const double *t, size_t n, double p)
{
	size_t k = (size_t)ceil(p * (double)n - 1e-9);

	return t[k == 0 ? 0 : (k > n ? n - 1 : k - 1)];
}

struct bench_query {
	char *qid, *text, *cls;
	double *t;
};

static void report(const struct bench_query *qs, size_t nq, int repeat,
		   const char *cls)
{
	double *t = malloc(nq * (size_t)repeat * sizeof *t), sum = 0;
	size_t n = 0, i;
	int r;

	if (!t) {
		fprintf(stderr, "baseline_fts5: out of memory\n");
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

static int do_bench(const char *dbfile, const char *queries, int k,
		    int repeat, int snippets)
{
	FILE *in = fopen(queries, "r");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *line = NULL;
	size_t cap = 0, nq = 0, qcap = 0, i, zero = 0, errors = 0,
	       sink = 0;
	struct bench_query *qs = NULL;
	int r;

	if (!in) {
		perror(queries);
		return 1;
	}
	while (getline(&line, &cap, in) != -1) {
		char *tab = strchr(line, '\t'), *dash;

		if (!tab)
			continue;
		*tab = '\0';
		tab[strcspn(tab + 1, "\r\n") + 1] = '\0';
		if (nq == qcap) {
			qcap = qcap ? 2 * qcap : 256;
			qs = realloc(qs, qcap * sizeof *qs);
			if (!qs) {
				fprintf(stderr, "baseline_fts5: out of memory\n");
				return 1;
			}
		}
		qs[nq].qid = strdup(line);
		qs[nq].text = strdup(tab + 1);
		qs[nq].cls = strdup(line);
		qs[nq].t = calloc((size_t)repeat, sizeof(double));
		if (!qs[nq].qid || !qs[nq].text || !qs[nq].cls || !qs[nq].t) {
			fprintf(stderr, "baseline_fts5: out of memory\n");
			return 1;
		}
		dash = strrchr(qs[nq].cls, '-');
		if (dash)
			*dash = '\0';
		nq++;
	}
	free(line);
	fclose(in);

	if (sqlite3_open_v2(dbfile, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		return sql_fail(db, dbfile);
	if (sqlite3_prepare_v2(db,
			       snippets
				   ? "SELECT id, title, snippet(docs, 2, '[', "
				     "']', '...', 30) FROM docs WHERE docs "
				     "MATCH ? ORDER BY rank LIMIT ?"
				   : "SELECT id, title FROM docs WHERE docs "
				     "MATCH ? ORDER BY rank LIMIT ?",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db, "preparing the query");

	for (r = 0; r <= repeat; r++)
		for (i = 0; i < nq; i++) {
			double t0 = now();
			int rc, rows = 0, c;

			sqlite3_bind_text(st, 1, qs[i].text, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 2, k);
			while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
				rows++;
				for (c = 0; c < sqlite3_column_count(st); c++)
					sink += (size_t)sqlite3_column_bytes(st, c);
			}
			if (rc != SQLITE_DONE && r == 0) {
				fprintf(stderr, "baseline_fts5: %s: %s: %s\n",
					qs[i].qid, qs[i].text,
					sqlite3_errmsg(db));
				errors++;
			}
			sqlite3_reset(st);
			if (r > 0)
				qs[i].t[r - 1] = now() - t0;
			else if (rows == 0 && rc == SQLITE_DONE)
				zero++;
		}
	sqlite3_finalize(st);
	sqlite3_close(db);

	report(qs, nq, repeat, NULL);
	for (i = 0; i < nq; i++) {
		size_t j;

		for (j = 0; j < i && strcmp(qs[j].cls, qs[i].cls) != 0; j++)
			;
		if (j == i)
			report(qs, nq, repeat, qs[i].cls);
	}
	printf("queries %zu zero %zu errors %zu\n", nq, zero, errors);
	for (i = 0; i < nq; i++) {
		free(qs[i].qid);
		free(qs[i].text);
		free(qs[i].cls);
		free(qs[i].t);
	}
	free(qs);
	return errors || sink == (size_t)-1 ? 1 : 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: baseline_fts5 index [--update] JSONL... DBFILE\n"
		"       baseline_fts5 search [--latency] DBFILE QUERIES "
		"K [TAG]\n"
		"       baseline_fts5 bench [--repeat R] [--snippets] "
		"[--limit K] DBFILE QUERIES\n"
		"       baseline_fts5 compact DBFILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	int latency, a, k;

	if (argc >= 4 && strcmp(argv[1], "index") == 0) {
		int update = strcmp(argv[2], "--update") == 0;

		a = update ? 3 : 2;
		if (argc - a < 2 || argv[a][0] == '-')
			return usage();
		return do_index(argv + a, argc - a - 1, argv[argc - 1],
				update);
	}
	if (argc == 3 && strcmp(argv[1], "compact") == 0)
		return do_compact(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "bench") == 0) {
		int repeat = 5, snippets = 0;

		k = 10;
		for (a = 2; a < argc && argv[a][0] == '-'; a++) {
			if (strcmp(argv[a], "--snippets") == 0)
				snippets = 1;
			else if (strcmp(argv[a], "--repeat") == 0 &&
				 a + 1 < argc)
				repeat = atoi(argv[++a]);
			else if (strcmp(argv[a], "--limit") == 0 && a + 1 < argc)
				k = atoi(argv[++a]);
			else
				return usage();
		}
		if (argc - a != 2 || repeat < 1 || k < 1)
			return usage();
		return do_bench(argv[a], argv[a + 1], k, repeat, snippets);
	}
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
