/*
 * evalmetrics.c: trec_eval-style retrieval measures (AP, nDCG@k, P@k,
 * recall@k) and the readers of TREC qrels and run files they are
 * computed from.  evalmetrics.h states the conventions.
 *
 * Judgments and run lines are kept in flat arrays sorted by query, so
 * that one query's documents are a contiguous range and a judgment is
 * found by binary search; the collections measured here have at most a
 * few hundred thousand run lines.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "evalmetrics.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- the measures ---- */

static int gain_of(const int *gains, size_t i)
{
	return gains[i] > 0 ? gains[i] : 0;
}

double evalmetrics_ap(const int *gains, size_t n, size_t nrel)
{
	double sum = 0.0;
	size_t i, found = 0;

	if (nrel == 0)
		return 0.0;
	for (i = 0; i < n; i++) {
		if (gain_of(gains, i) > 0) {
			found++;
			sum += (double)found / (double)(i + 1);
		}
	}
	return sum / (double)nrel;
}

static size_t relevant_in(const int *gains, size_t n, size_t k)
{
	size_t i, found = 0;

	for (i = 0; i < n && i < k; i++)
		if (gain_of(gains, i) > 0)
			found++;
	return found;
}

double evalmetrics_precision(const int *gains, size_t n, size_t k)
{
	if (k == 0)
		return 0.0;
	return (double)relevant_in(gains, n, k) / (double)k;
}

double evalmetrics_recall(const int *gains, size_t n, size_t nrel, size_t k)
{
	if (nrel == 0)
		return 0.0;
	return (double)relevant_in(gains, n, k) / (double)nrel;
}

static double dcg(const int *gains, size_t n, size_t k)
{
	double sum = 0.0;
	size_t i;

	for (i = 0; i < n && i < k; i++)
		sum += (double)gain_of(gains, i) / log2((double)i + 2.0);
	return sum;
}

static int int_desc(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x < y) - (x > y);
}

double evalmetrics_ndcg(const int *gains, size_t n, const int *ideal,
			size_t nideal, size_t k)
{
	int *best;
	double idcg;

	if (nideal == 0 || k == 0)
		return 0.0;
	best = malloc(nideal * sizeof(*best));
	if (!best)
		return 0.0;
	memcpy(best, ideal, nideal * sizeof(*best));
	qsort(best, nideal, sizeof(*best), int_desc);
	idcg = dcg(best, nideal, k);
	free(best);
	return idcg > 0.0 ? dcg(gains, n, k) / idcg : 0.0;
}

/* ---- reading TREC files ---- */

struct judgment {
	char *qid;
	char *docid;
	int gain;
};

struct evalmetrics_qrels {
	struct judgment *j; /* sorted by qid, then docid */
	size_t n;
};

struct retrieved {
	char *qid;
	char *docid;
	double score;
};

struct evalmetrics_run {
	struct retrieved *r; /* sorted by qid, then score down, docid down */
	size_t n;
	size_t duplicates;
	char *tag;
};

/* Query ids compare as numbers when both are, else as strings. */
static int qidcmp(const char *a, const char *b)
{
	const char *p, *q;

	for (p = a; isdigit((unsigned char)*p); p++)
		;
	for (q = b; isdigit((unsigned char)*q); q++)
		;
	if (!*p && !*q && p != a && q != b) {
		while (*a == '0' && a[1])
			a++;
		while (*b == '0' && b[1])
			b++;
		if (strlen(a) != strlen(b))
			return strlen(a) < strlen(b) ? -1 : 1;
	}
	return strcmp(a, b);
}

static void say(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Split line into at most max white-space separated fields, in place. */
static size_t split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			return n;
		if (n == max)
			return max + 1;
		fields[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 1024;
	q = realloc(*p, c * size);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

static int judgment_cmp(const void *a, const void *b)
{
	const struct judgment *x = a, *y = b;
	int c = qidcmp(x->qid, y->qid);

	return c ? c : strcmp(x->docid, y->docid);
}

void evalmetrics_qrels_free(struct evalmetrics_qrels *q)
{
	size_t i;

	if (!q)
		return;
	for (i = 0; i < q->n; i++) {
		free(q->j[i].qid);
		free(q->j[i].docid);
	}
	free(q->j);
	free(q);
}

int evalmetrics_qrels_read(FILE *f, const char *name,
			   struct evalmetrics_qrels **out, char *err,
			   size_t errlen)
{
	struct evalmetrics_qrels *q = calloc(1, sizeof(*q));
	char *line = NULL, *fields[5], *end;
	size_t cap = 0, jcap = 0, lineno = 0, i;
	ssize_t len;

	*out = NULL;
	if (!q)
		goto nomem;
	while ((len = getline(&line, &cap, f)) != -1) {
		size_t nf;
		long gain;

		lineno++;
		nf = split(line, fields, 4);
		if (nf == 0)
			continue;
		if (nf != 4) {
			say(err, errlen, "%s:%zu: expected QID ITER DOCID GAIN",
			    name, lineno);
			goto fail;
		}
		errno = 0;
		gain = strtol(fields[3], &end, 10);
		if (errno || *end || gain < -1000 || gain > 1000) {
			say(err, errlen, "%s:%zu: bad gain '%s'", name, lineno,
			    fields[3]);
			goto fail;
		}
		if (grow((void **)&q->j, &jcap, q->n, sizeof(*q->j)))
			goto nomem;
		q->j[q->n].qid = strdup(fields[0]);
		q->j[q->n].docid = strdup(fields[2]);
		q->j[q->n].gain = (int)gain;
		q->n++;
		if (!q->j[q->n - 1].qid || !q->j[q->n - 1].docid)
			goto nomem;
	}
	if (ferror(f)) {
		say(err, errlen, "%s: %s", name, strerror(errno));
		goto fail;
	}
	if (q->n > 1)
		qsort(q->j, q->n, sizeof(*q->j), judgment_cmp);
	for (i = 1; i < q->n; i++) {
		if (judgment_cmp(&q->j[i - 1], &q->j[i]) == 0) {
			say(err, errlen,
			    "%s: document %s is judged twice for query %s",
			    name, q->j[i].docid, q->j[i].qid);
			goto fail;
		}
	}
	free(line);
	*out = q;
	return 0;
nomem:
	say(err, errlen, "%s: out of memory", name);
fail:
	free(line);
	evalmetrics_qrels_free(q);
	return -1;
}

/* By qid, then docid, then score down: the first of equal docids is the
 * one with the highest score. */
static int by_docid(const void *a, const void *b)
{
	const struct retrieved *x = a, *y = b;
	int c = qidcmp(x->qid, y->qid);

	if (c)
		return c;
	c = strcmp(x->docid, y->docid);
	if (c)
		return c;
	return (x->score < y->score) - (x->score > y->score);
}

/* trec_eval's order: by qid, then score down, then docid down. */
static int by_rank(const void *a, const void *b)
{
	const struct retrieved *x = a, *y = b;
	int c = qidcmp(x->qid, y->qid);

	if (c)
		return c;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(y->docid, x->docid);
}

void evalmetrics_run_free(struct evalmetrics_run *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->r[i].qid);
		free(r->r[i].docid);
	}
	free(r->r);
	free(r->tag);
	free(r);
}

int evalmetrics_run_read(FILE *f, const char *name,
			 struct evalmetrics_run **out, char *err, size_t errlen)
{
	struct evalmetrics_run *r = calloc(1, sizeof(*r));
	char *line = NULL, *fields[7], *end;
	size_t cap = 0, rcap = 0, lineno = 0, i, kept;
	ssize_t len;

	*out = NULL;
	if (!r)
		goto nomem;
	while ((len = getline(&line, &cap, f)) != -1) {
		size_t nf;
		double score;

		lineno++;
		nf = split(line, fields, 6);
		if (nf == 0)
			continue;
		if (nf != 6) {
			say(err, errlen,
			    "%s:%zu: expected QID Q0 DOCID RANK SCORE TAG",
			    name, lineno);
			goto fail;
		}
		errno = 0;
		score = strtod(fields[4], &end);
		if (errno || *end || score != score) {
			say(err, errlen, "%s:%zu: bad score '%s'", name, lineno,
			    fields[4]);
			goto fail;
		}
		if (!r->tag && !(r->tag = strdup(fields[5])))
			goto nomem;
		if (grow((void **)&r->r, &rcap, r->n, sizeof(*r->r)))
			goto nomem;
		r->r[r->n].qid = strdup(fields[0]);
		r->r[r->n].docid = strdup(fields[2]);
		r->r[r->n].score = score;
		r->n++;
		if (!r->r[r->n - 1].qid || !r->r[r->n - 1].docid)
			goto nomem;
	}
	if (ferror(f)) {
		say(err, errlen, "%s: %s", name, strerror(errno));
		goto fail;
	}
	if (!r->tag && !(r->tag = strdup("")))
		goto nomem;
	/* Drop repeated documents, keeping the best-scored copy. */
	if (r->n > 1)
		qsort(r->r, r->n, sizeof(*r->r), by_docid);
	for (i = 0, kept = 0; i < r->n; i++) {
		if (kept > 0 && qidcmp(r->r[kept - 1].qid, r->r[i].qid) == 0 &&
		    strcmp(r->r[kept - 1].docid, r->r[i].docid) == 0) {
			free(r->r[i].qid);
			free(r->r[i].docid);
			r->duplicates++;
			continue;
		}
		r->r[kept++] = r->r[i];
	}
	r->n = kept;
	if (r->n > 1)
		qsort(r->r, r->n, sizeof(*r->r), by_rank);
	free(line);
	*out = r;
	return 0;
nomem:
	say(err, errlen, "%s: out of memory", name);
fail:
	free(line);
	evalmetrics_run_free(r);
	return -1;
}

const char *evalmetrics_run_tag(const struct evalmetrics_run *r)
{
	return r && r->tag ? r->tag : "";
}

size_t evalmetrics_run_duplicates(const struct evalmetrics_run *r)
{
	return r ? r->duplicates : 0;
}

/* ---- evaluation ---- */

static int gain_for(const struct evalmetrics_qrels *q, size_t lo, size_t hi,
		    const char *docid)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(q->j[mid].docid, docid);

		if (c == 0)
			return q->j[mid].gain;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The first run line at or after *at whose query is qid, and how many
 * lines it has; the run is walked once, in query order. */
static size_t run_range(const struct evalmetrics_run *r, size_t *at,
			const char *qid)
{
	size_t i, n = 0;

	while (*at < r->n && qidcmp(r->r[*at].qid, qid) < 0)
		(*at)++;
	for (i = *at; i < r->n && qidcmp(r->r[i].qid, qid) == 0; i++)
		n++;
	return n;
}

size_t evalmetrics_evaluate(const struct evalmetrics_qrels *q,
			    const struct evalmetrics_run *r,
			    struct evalmetrics_scores *mean,
			    evalmetrics_query_fn fn, void *ctx)
{
	struct evalmetrics_scores sum = {0};
	int *gains = NULL, *ideal = NULL;
	size_t gcap = 0, icap = 0, lo, hi, at = 0, nq = 0, i;

	memset(mean, 0, sizeof(*mean));
	for (lo = 0; lo < q->n; lo = hi) {
		struct evalmetrics_scores s;
		size_t nrel = 0, nret, first;

		for (hi = lo;
		     hi < q->n && qidcmp(q->j[hi].qid, q->j[lo].qid) == 0; hi++)
			if (q->j[hi].gain > 0)
				nrel++;
		if (nrel == 0)
			continue;
		if (hi - lo > icap) {
			free(ideal);
			icap = hi - lo;
			ideal = malloc(icap * sizeof(*ideal));
			if (!ideal)
				goto nomem;
		}
		for (i = lo; i < hi; i++)
			ideal[i - lo] = q->j[i].gain;
		nret = run_range(r, &at, q->j[lo].qid);
		first = at;
		if (nret > gcap) {
			free(gains);
			gcap = nret;
			gains = malloc(gcap * sizeof(*gains));
			if (!gains)
				goto nomem;
		}
		for (i = 0; i < nret; i++)
			gains[i] = gain_for(q, lo, hi, r->r[first + i].docid);
		s.ap = evalmetrics_ap(gains, nret, nrel);
		s.ndcg10 = evalmetrics_ndcg(gains, nret, ideal, hi - lo, 10);
		s.p10 = evalmetrics_precision(gains, nret, 10);
		s.r100 = evalmetrics_recall(gains, nret, nrel, 100);
		if (fn)
			fn(ctx, q->j[lo].qid, nrel, nret, &s);
		sum.ap += s.ap;
		sum.ndcg10 += s.ndcg10;
		sum.p10 += s.p10;
		sum.r100 += s.r100;
		nq++;
	}
	if (nq > 0) {
		mean->ap = sum.ap / (double)nq;
		mean->ndcg10 = sum.ndcg10 / (double)nq;
		mean->p10 = sum.p10 / (double)nq;
		mean->r100 = sum.r100 / (double)nq;
	}
	free(gains);
	free(ideal);
	return nq;
nomem:
	free(gains);
	free(ideal);
	return (size_t)-1;
}
