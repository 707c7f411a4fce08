/*
 * trend.c: counts over time (newsidx_trend) and the significant terms of
 * a period.
 *
 * A trend is one pass over the matches with spies: the date slot cut to
 * the day, month or year counts the total per period, and with a facet
 * a spy pairs each of the facet's values with the date, so that every
 * series comes from the same pass and agrees with the facet's counts.
 * Weeks are ISO weeks summed from days.  Periods run from the first to
 * the last asked for (or that the query's date filter or the matches
 * span), those without a match included with 0.
 *
 * Significant terms compare the period's matches (the foreground) with
 * the rest of the archive (the background), as Elasticsearch's
 * significant_terms does.  The score is Dunning's log-likelihood ratio
 * G2 of the 2x2 table (with the term or not, foreground or rest): unlike
 * the chi-square statistic it stays reliable for the small counts that
 * most terms have, and unlike JLH it is a test, so a threshold means
 * something: a term is listed only when over-represented with G2 of at
 * least 10.83 (p < 0.001 with one degree of freedom).  Words come from
 * the term lists of the foreground's articles (or their text analysed
 * again), their background from the index's document frequencies;
 * countries, organisations, people and topics from the spies of their
 * slots over the foreground and over the whole archive, so that any
 * prefix the tagger adds is handled alike.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "query/private.h"

/* No trend has more periods than this (27 years of days). */
#define MAX_PERIODS 10000
/* The foreground's words are read from at most this many articles. */
#define FG_WORD_DOCS 5000
/* G2 at p < 0.001, one degree of freedom. */
#define G2_MIN 10.83

struct newsidx_trend {
	int by;
	long first;            /* the index of period 0 */
	size_t nperiods;
	char (*names)[12];
	size_t nseries;
	char **values, **labels;
	size_t *counts;        /* nseries * nperiods */
	size_t *sums;
	newsidx_sigterm_t *terms;
	char **strings;        /* the terms' values and labels */
	size_t nterms, nstrings;
	size_t fg, bg;
};

/* ---- calendar ---- */

/* Days since 1970-01-01 of a civil date; LONG_MIN when it is none. */
static long day_number(int y, int m, int d)
{
	struct tm tm;
	time_t t;

	if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return LONG_MIN;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	t = timegm(&tm);
	/* timegm normalises 31 April to 1 May: refuse what it moved. */
	if (!gmtime_r(&t, &tm) || tm.tm_mday != d)
		return LONG_MIN;
	return (long)((t - 12 * 3600) / 86400);
}

static void civil(long day, int *y, int *m, int *d, int *yday)
{
	time_t t = (time_t)day * 86400 + 12 * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
	*yday = tm.tm_yday;
}

static long floor_div(long a, long b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* The period of a day: its day number, its ISO week (counted from the
 * Monday 1970-01-05), month (y * 12 + m - 1) or year. */
static long period_of(int by, int y, int m, long day)
{
	switch (by) {
	case NEWSIDX_BY_DAY:
		return day;
	case NEWSIDX_BY_WEEK:
		return floor_div(day - 4, 7);
	case NEWSIDX_BY_MONTH:
		return (long)y * 12 + m - 1;
	default:
		return y;
	}
}

static void period_name(int by, long p, char name[12])
{
	char out[64];
	int y, m, d, yday;

	switch (by) {
	case NEWSIDX_BY_DAY:
		civil(p, &y, &m, &d, &yday);
		snprintf(out, sizeof(out), "%04d-%02d-%02d", y, m, d);
		break;
	case NEWSIDX_BY_WEEK:
		/* The ISO year and week are those of the week's Thursday. */
		civil(p * 7 + 4 + 3, &y, &m, &d, &yday);
		snprintf(out, sizeof(out), "%04d-W%02d", y, yday / 7 + 1);
		break;
	case NEWSIDX_BY_MONTH:
		snprintf(out, sizeof(out), "%04ld-%02ld", floor_div(p, 12),
			 p - floor_div(p, 12) * 12 + 1);
		break;
	default:
		snprintf(out, sizeof(out), "%04ld", p);
		break;
	}
	/* Years have four digits (day_number), so names fit. */
	snprintf(name, 12, "%.11s", out);
}

/* Digits of s[0..n) as a number; -1 when one is not a digit. */
static int digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The period of a date value cut to len bytes ("YYYYMMDD", "YYYYMM",
 * "YYYY"); 0 when it is no date. */
static int period_of_value(int by, const char *v, size_t len, long *out)
{
	int y = len >= 4 ? digits(v, 4) : -1;
	int m = len >= 6 ? digits(v + 4, 2) : 1;
	int d = len >= 8 ? digits(v + 6, 2) : 1;
	long day = day_number(y, m, d);

	if (day == LONG_MIN)
		return 0;
	*out = period_of(by, y, m, day);
	return 1;
}

/*
 * A bound of --from/--to: "YYYY", "YYYY-MM" or "YYYY-MM-DD", as the
 * first (hi 0) or last (hi 1) day it covers, into *day and, as a date
 * bound for a filter, into stamp.  -1 when it is none of these.
 */
static int parse_bound(const char *s, int hi, long *day, char stamp[16])
{
	size_t n = strlen(s);
	int y, m = hi ? 12 : 1, d = 1;

	if ((n != 4 && n != 7 && n != 10) || (y = digits(s, 4)) < 0)
		return -1;
	if (n >= 7 && (s[4] != '-' || (m = digits(s + 5, 2)) < 0))
		return -1;
	if (n == 10 && (s[7] != '-' || (d = digits(s + 8, 2)) < 0))
		return -1;
	if (hi && n < 10) {
		/* The month's last day: the day before the next month's
		 * first. */
		long next = m == 12 ? day_number(y + 1, 1, 1)
				    : day_number(y, m + 1, 1);
		int yy, mm, yday;

		if (next == LONG_MIN)
			return -1;
		civil(next - 1, &yy, &mm, &d, &yday);
	}
	*day = day_number(y, m, d);
	if (*day == LONG_MIN)
		return -1;
	{
		char buf[64];

		snprintf(buf, sizeof(buf), "%04d%02d%02d%s", y, m, d,
			 hi ? "235959" : "000000");
		snprintf(stamp, 16, "%.15s", buf);
	}
	return 0;
}

/* The bounds of a date filter that the whole query is held to (the
 * root, or a part of a top-level AND), into lo and hi ("" when open). */
static void query_dates(const struct newsidx_qnode *n, char lo[16],
			char hi[16])
{
	size_t i;

	if (!n)
		return;
	if (n->type == NEWSIDX_Q_DATE) {
		if (n->lo[0] && (!lo[0] || strcmp(n->lo, lo) > 0))
			memcpy(lo, n->lo, 16);
		if (n->hi[0] && (!hi[0] || strcmp(n->hi, hi) < 0))
			memcpy(hi, n->hi, 16);
	} else if (n->type == NEWSIDX_Q_AND) {
		for (i = 0; i < n->nkids; i++)
			query_dates(n->kids[i], lo, hi);
	}
}

/* ---- the trend object ---- */

void newsidx_trend_free(newsidx_trend_t *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nseries; i++) {
		if (t->labels && t->labels[i] != t->values[i])
			free(t->labels[i]);
		if (t->values)
			free(t->values[i]);
	}
	for (i = 0; i < t->nstrings; i++)
		free(t->strings[i]);
	free(t->strings);
	free(t->values);
	free(t->labels);
	free(t->names);
	free(t->counts);
	free(t->sums);
	free(t->terms);
	free(t);
}

size_t newsidx_trend_periods(const newsidx_trend_t *t)
{
	return t ? t->nperiods : 0;
}

const char *newsidx_trend_period(const newsidx_trend_t *t, size_t i)
{
	return t && i < t->nperiods ? t->names[i] : NULL;
}

size_t newsidx_trend_series(const newsidx_trend_t *t)
{
	return t ? t->nseries : 0;
}

const char *newsidx_trend_series_value(const newsidx_trend_t *t, size_t s)
{
	return t && s < t->nseries ? t->values[s] : NULL;
}

const char *newsidx_trend_series_label(const newsidx_trend_t *t, size_t s)
{
	return t && s < t->nseries ? t->labels[s] : NULL;
}

size_t newsidx_trend_count(const newsidx_trend_t *t, size_t s, size_t i)
{
	if (!t || s >= t->nseries || i >= t->nperiods)
		return 0;
	return t->counts[s * t->nperiods + i];
}

size_t newsidx_trend_sum(const newsidx_trend_t *t, size_t s)
{
	return t && s < t->nseries ? t->sums[s] : 0;
}

size_t newsidx_trend_terms(const newsidx_trend_t *t)
{
	return t ? t->nterms : 0;
}

const newsidx_sigterm_t *newsidx_trend_term(const newsidx_trend_t *t,
					     size_t i)
{
	return t && i < t->nterms ? &t->terms[i] : NULL;
}

size_t newsidx_trend_foreground(const newsidx_trend_t *t)
{
	return t ? t->fg : 0;
}

size_t newsidx_trend_background(const newsidx_trend_t *t)
{
	return t ? t->bg : 0;
}

/* A series' value and label (the labeller's, else the value). */
static int add_series(struct newsidx_db *db, newsidx_trend_t *t,
		      unsigned facet, const char *v, size_t len)
{
	char buf[256];
	size_t s = t->nseries;

	t->values[s] = newsidx_strndup(v, len);
	if (!t->values[s])
		return -1;
	t->labels[s] = t->values[s];
	if (facet && newsidx_facets__label(db, facet, t->values[s], buf,
					   sizeof(buf))) {
		t->labels[s] = newsidx_strdup(buf);
		if (!t->labels[s]) {
			t->labels[s] = t->values[s];
			return -1;
		}
	}
	t->nseries++;
	return 0;
}

/* The bytes of the date value a spy keeps for a trend by `by`. */
static size_t date_prefix(int by)
{
	return by == NEWSIDX_BY_MONTH ? 6 : by == NEWSIDX_BY_YEAR ? 4 : 8;
}

/* The facet values with the most matches, from the pair spy's keys
 * (value NUL date): the top n, into t's series after the total. */
struct vsum {
	const char *v;
	size_t len, count;
};

static int cmp_vsum(const void *a, const void *b)
{
	const struct vsum *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = memcmp(x->v, y->v, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int cmp_vkey(const void *a, const void *b)
{
	const struct vsum *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->v, y->v, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static newsidx_status_t top_values(struct newsidx_db *db, newsidx_trend_t *t,
				   const xapc_mset_t *m, unsigned facet,
				   size_t top)
{
	size_t n = xapc_mset_facet_count(m, 1), i, k = 0;
	struct vsum *vs = calloc(n + 1, sizeof(*vs));

	if (!vs)
		return NEWSIDX_NOMEM;
	for (i = 0; i < n; i++) {
		const char *key;
		size_t len;
		xapc_doccount_t c;

		xapc_mset_facet(m, 1, i, &key, &len, &c);
		vs[i].v = key;
		vs[i].len = strnlen(key, len);
		vs[i].count = c;
	}
	/* Sum the periods of each value: sort by value, then merge. */
	if (n)
		qsort(vs, n, sizeof(*vs), cmp_vkey);
	for (i = 0; i < n; i++) {
		if (k && cmp_vkey(&vs[k - 1], &vs[i]) == 0)
			vs[k - 1].count += vs[i].count;
		else
			vs[k++] = vs[i];
	}
	if (k)
		qsort(vs, k, sizeof(*vs), cmp_vsum);
	for (i = 0; i < k && i < top; i++)
		if (add_series(db, t, facet, vs[i].v, vs[i].len)) {
			free(vs);
			return NEWSIDX_NOMEM;
		}
	free(vs);
	return NEWSIDX_OK;
}

/* Add the spy's counts to the series they belong to. */
static void count_into(newsidx_trend_t *t, const xapc_mset_t *m, size_t spy,
		       int pairs)
{
	size_t n = xapc_mset_facet_count(m, spy), i, s = 0, dlen;

	for (i = 0; i < n; i++) {
		const char *key, *date = NULL;
		size_t len;
		xapc_doccount_t c;
		long p;

		xapc_mset_facet(m, spy, i, &key, &len, &c);
		date = key;
		dlen = len;
		if (pairs) {
			size_t vlen = strnlen(key, len);

			if (vlen == len)
				continue;
			for (s = 1; s < t->nseries; s++)
				if (strlen(t->values[s]) == vlen &&
				    memcmp(t->values[s], key, vlen) == 0)
					break;
			if (s == t->nseries)
				continue;
			date = key + vlen + 1;
			dlen = len - vlen - 1;
		}
		if (!period_of_value(t->by, date, dlen, &p) || p < t->first ||
		    p >= t->first + (long)t->nperiods)
			continue;
		t->counts[s * t->nperiods + (size_t)(p - t->first)] += c;
		t->sums[s] += c;
	}
}

/* The first and last periods of the spy's dates, when neither bound is
 * set. */
static int spy_range(int by, const xapc_mset_t *m, long *lo, long *hi)
{
	size_t n = xapc_mset_facet_count(m, 0), i;
	int any = 0;

	for (i = 0; i < n; i++) {
		const char *key;
		size_t len;
		long p;

		xapc_mset_facet(m, 0, i, &key, &len, NULL);
		if (!period_of_value(by, key, len, &p))
			continue;
		if (!any || p < *lo)
			*lo = p;
		if (!any || p > *hi)
			*hi = p;
		any = 1;
	}
	return any;
}

/* The query of a trend: the user's, held to the dates asked for. */
struct tquery {
	struct builder b;
	struct newsidx_stemset stems;
	xapc_query_t *title[64];
	struct newsidx_qnode *root;
	xapc_query_t *q;
	char lo[16], hi[16]; /* the filter's bounds, "" when open */
	long lo_day, hi_day; /* LONG_MIN when open */
};

static newsidx_status_t prepare(struct newsidx_db *db, const char *query,
				const newsidx_trend_options_t *o,
				struct tquery *tq)
{
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_status_t st;

	memset(tq, 0, sizeof(*tq));
	tq->lo_day = tq->hi_day = LONG_MIN;
	if (o->from && parse_bound(o->from, 0, &tq->lo_day, tq->lo))
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"bad from date '%.40s': YYYY, YYYY-MM "
					"or YYYY-MM-DD",
					o->from);
	if (o->to && parse_bound(o->to, 1, &tq->hi_day, tq->hi))
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"bad to date '%.40s': YYYY, YYYY-MM "
					"or YYYY-MM-DD",
					o->to);
	if (o->from && o->to && tq->lo_day > tq->hi_day)
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"from date %.40s is after to date "
					"%.40s",
					o->from, o->to);
	so.lang = o->lang;
	st = newsidx_build__prepare_query(db, &so, query, &tq->b, &tq->root);
	if (st)
		return st;
	/* Every plain word required, as for --all-words: a trend counts
	 * the articles that match, not those ranked after them. */
	tq->b.stems = &tq->stems;
	tq->b.title = tq->title;
	tq->b.captitle = sizeof(tq->title) / sizeof(tq->title[0]);
	tq->q = newsidx_build__top(&tq->b, tq->root);
	if (tq->q && (tq->lo[0] || tq->hi[0]))
		tq->q = newsidx_build__join2(
			&tq->b, XAPC_OP_AND, tq->q,
			newsidx_dates__query(&tq->b, tq->lo, tq->hi));
	if (!tq->q)
		return tq->b.st && tq->b.st != NEWSIDX_NOMEM
			       ? tq->b.st
			       : newsidx_db__fail(db, NEWSIDX_NOMEM,
						  "out of memory");
	/* A range the query's own date filter sets bounds the periods
	 * that --from and --to leave open. */
	{
		char qlo[16] = "", qhi[16] = "";
		int y, m, d;

		query_dates(tq->root, qlo, qhi);
		if (tq->lo_day == LONG_MIN && qlo[0] &&
		    (y = digits(qlo, 4)) >= 0 && (m = digits(qlo + 4, 2)) >= 0 &&
		    (d = digits(qlo + 6, 2)) >= 0)
			tq->lo_day = day_number(y, m, d);
		if (tq->hi_day == LONG_MIN && qhi[0] &&
		    (y = digits(qhi, 4)) >= 0 && (m = digits(qhi + 4, 2)) >= 0 &&
		    (d = digits(qhi + 6, 2)) >= 0)
			tq->hi_day = day_number(y, m, d);
	}
	return NEWSIDX_OK;
}

static void release(struct tquery *tq)
{
	xapc_query_free(tq->q);
	newsidx_build__free_all(tq->title, tq->b.ntitle);
	newsidx_stemset__free(&tq->stems);
	newsidx_phrase__memos_free(&tq->b);
	newsidx_query__free(tq->root);
	free(tq->b.fb_terms);
	free(tq->b.fb_weights);
}

/* Run q counting every match with the spies, the first maxitems docids
 * on the page. */
static newsidx_status_t run_spies(struct newsidx_db *db, const xapc_query_t *q,
				  const xapc_spy_t *spies, size_t n,
				  xapc_doccount_t maxitems, xapc_mset_t **m)
{
	xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;

	p.weighting = XAPC_WEIGHT_BOOL;
	p.maxitems = maxitems;
	p.spies = spies;
	p.n_spies = n;
	return newsidx_run__query(db, q, &p, m);
}

static long day_period(int by, long day)
{
	int y, m, d, yday;

	civil(day, &y, &m, &d, &yday);
	return period_of(by, y, m, day);
}

static newsidx_status_t series(struct newsidx_db *db, struct tquery *tq,
			       const newsidx_trend_options_t *o,
			       newsidx_trend_t *t)
{
	xapc_spy_t spies[2];
	xapc_mset_t *m = NULL;
	size_t nspies = 1, top = o->top ? o->top : 5;
	long lo = 0, hi = -1;
	newsidx_status_t st;
	int any;

	memset(spies, 0, sizeof(spies));
	spies[0].slot = NEWSIDX_SLOT_DATE;
	spies[0].prefix = date_prefix(o->by);
	if (o->facet) {
		newsidx_facets__spy(o->facet, &spies[1]);
		spies[1].prefix = 0;
		spies[1].by = 1;
		spies[1].by_slot = NEWSIDX_SLOT_DATE;
		spies[1].by_prefix = date_prefix(o->by);
		nspies = 2;
	}
	st = run_spies(db, tq->q, spies, nspies, 0, &m);
	if (st)
		return st;
	any = spy_range(o->by, m, &lo, &hi);
	if (tq->lo_day != LONG_MIN)
		lo = day_period(o->by, tq->lo_day);
	if (tq->hi_day != LONG_MIN)
		hi = day_period(o->by, tq->hi_day);
	if (!any && (tq->lo_day == LONG_MIN || tq->hi_day == LONG_MIN))
		hi = lo - 1; /* no match and no range: no periods */
	if (hi >= lo && hi - lo >= MAX_PERIODS) {
		xapc_mset_free(m);
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"%ld periods; at most %d: count by a "
					"longer period or a shorter range",
					hi - lo + 1, MAX_PERIODS);
	}
	t->first = lo;
	t->nperiods = hi >= lo ? (size_t)(hi - lo + 1) : 0;
	t->values = calloc(top + 1, sizeof(char *));
	t->labels = calloc(top + 1, sizeof(char *));
	t->names = calloc(t->nperiods + 1, sizeof(*t->names));
	st = t->values && t->labels && t->names ? NEWSIDX_OK : NEWSIDX_NOMEM;
	if (!st && add_series(db, t, 0, "", 0))
		st = NEWSIDX_NOMEM;
	if (!st && o->facet)
		st = top_values(db, t, m, o->facet, top);
	if (!st) {
		size_t i;

		t->counts = calloc(t->nseries * t->nperiods + 1,
				   sizeof(size_t));
		t->sums = calloc(t->nseries, sizeof(size_t));
		if (!t->counts || !t->sums)
			st = NEWSIDX_NOMEM;
		for (i = 0; !st && i < t->nperiods; i++)
			period_name(o->by, lo + (long)i, t->names[i]);
	}
	if (!st) {
		count_into(t, m, 0, 0);
		if (o->facet)
			count_into(t, m, 1, 1);
	}
	xapc_mset_free(m);
	return st;
}

/* ---- significant terms ---- */

/* Dunning's G2 for a term in a of the fg articles and c of the bg
 * others; negative when it is rarer in the foreground. */
static double g2(double a, double fg, double c, double bg)
{
	double b = fg - a, d = bg - c, n = fg + bg, k = a + c, g = 0;
	double e[4], o[4];
	int i;

	if (fg <= 0 || bg <= 0 || k <= 0 || k >= n)
		return 0;
	o[0] = a, o[1] = b, o[2] = c, o[3] = d;
	e[0] = fg * k / n, e[1] = fg * (n - k) / n;
	e[2] = bg * k / n, e[3] = bg * (n - k) / n;
	for (i = 0; i < 4; i++)
		if (o[i] > 0)
			g += o[i] * log(o[i] / e[i]);
	g *= 2;
	return a / fg >= c / bg ? g : -g;
}

struct cand {
	const char *kind;
	char *value;
	size_t fg, bg;
	double score;
};

struct cands {
	struct cand *c;
	size_t n, cap;
	int nomem;
};

static void add_cand(struct cands *cs, const char *kind, const char *v,
		     size_t len, size_t fg, size_t bg, double score)
{
	if (cs->nomem || NEWSIDX_ARRAY_GROW(cs->c, cs->n, cs->cap, 64)) {
		cs->nomem = 1;
		return;
	}
	cs->c[cs->n].kind = kind;
	cs->c[cs->n].value = newsidx_strndup(v, len);
	cs->c[cs->n].fg = fg;
	cs->c[cs->n].bg = bg;
	cs->c[cs->n].score = score;
	if (!cs->c[cs->n].value)
		cs->nomem = 1;
	else
		cs->n++;
}

/* The stems of the foreground's articles, each once per article. */
struct stems {
	char **w;
	size_t n, cap;
	int nomem;
};

/* A word worth listing: a text term (no upper-case prefix), not a
 * number. */
static int plain_word(const char *t, size_t len)
{
	size_t i;
	int letter = 0;

	if (!len || (t[0] >= 'A' && t[0] <= 'Z'))
		return 0;
	for (i = 0; i < len; i++)
		if (!(t[i] >= '0' && t[i] <= '9') && t[i] != '.' &&
		    t[i] != ',')
			letter = 1;
	return letter && len > 1;
}

static int take_stem(void *ctx, const char *term, size_t len,
		     unsigned count)
{
	struct stems *s = ctx;

	(void)count;
	if (!plain_word(term, len))
		return 0;
	if (NEWSIDX_ARRAY_GROW(s->w, s->n, s->cap, 1024) ||
	    !(s->w[s->n] = newsidx_strndup(term, len))) {
		s->nomem = 1;
		return 1;
	}
	s->n++;
	return 0;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The words of the foreground (the first docs of m, of fg matches) that
 * pass the test, with bg articles of the archive's N - fg. */
static newsidx_status_t word_cands(struct newsidx_db *db,
				   const xapc_mset_t *m, size_t fg,
				   size_t bg, struct cands *cs)
{
	struct stems s = { 0 };
	size_t i, j, docs = xapc_mset_size(m);
	int tl = newsidx_db__term_lists(db);
	/* Words read from a sample stand for the whole foreground. */
	double scale = docs ? (double)fg / (double)docs : 1;

	for (i = 0; i < docs && !s.nomem; i++) {
		xapc_doc_t *doc = NULL;

		if (xapc_db_get_doc(db->x, xapc_mset_docid(m, i), &doc)) {
			xapc_doc_free(doc);
			continue;
		}
		newsidx_docwords__each(db, tl, doc, take_stem, &s);
		xapc_doc_free(doc);
	}
	if (!s.nomem && s.n)
		qsort(s.w, s.n, sizeof(*s.w), cmp_strp);
	for (i = 0; !s.nomem && i < s.n; i = j) {
		xapc_doccount_t df = 0;
		double a, c;

		for (j = i + 1; j < s.n && strcmp(s.w[i], s.w[j]) == 0; j++)
			;
		if (j - i < 2 ||
		    xapc_db_termfreq(db->x, s.w[i], strlen(s.w[i]), &df))
			continue;
		a = (double)(j - i) * scale;
		c = (double)df > a ? (double)df - a : 0;
		if (g2(a, (double)fg, c, (double)bg) >= G2_MIN)
			add_cand(cs, "word", s.w[i], strlen(s.w[i]),
				 (size_t)(a + 0.5), (size_t)c,
				 g2(a, (double)fg, c, (double)bg));
	}
	for (i = 0; i < s.n; i++)
		free(s.w[i]);
	free(s.w);
	return s.nomem || cs->nomem ? NEWSIDX_NOMEM : NEWSIDX_OK;
}

/* The kinds of the slots of several values, in NEWSIDX_FACET_* order. */
static const struct {
	unsigned facet;
	const char *kind;
} slot_kinds[] = {
	{ NEWSIDX_FACET_COUNTRY, "country" },
	{ NEWSIDX_FACET_ORG, "org" },
	{ NEWSIDX_FACET_PERSON, "person" },
	{ NEWSIDX_FACET_TOPIC, "topic" },
};
#define NKINDS (sizeof(slot_kinds) / sizeof(slot_kinds[0]))

/* The count of key in spy k of the whole archive's run. */
static size_t all_count(const xapc_mset_t *all, size_t k, const char *key,
			size_t len)
{
	size_t n = xapc_mset_facet_count(all, k), i;

	for (i = 0; i < n; i++) {
		const char *v;
		size_t vlen;
		xapc_doccount_t c;

		xapc_mset_facet(all, k, i, &v, &vlen, &c);
		if (vlen == len && memcmp(v, key, len) == 0)
			return c;
	}
	return 0;
}

static void slot_cands(const xapc_mset_t *fgm, const xapc_mset_t *all,
		       size_t fg, size_t bg, struct cands *cs)
{
	size_t k, i;

	for (k = 0; k < NKINDS; k++) {
		size_t n = xapc_mset_facet_count(fgm, k);

		for (i = 0; i < n; i++) {
			const char *v;
			size_t len, tot, c;
			xapc_doccount_t a;
			double s;

			xapc_mset_facet(fgm, k, i, &v, &len, &a);
			if (a < 2)
				continue;
			tot = all_count(all, k, v, len);
			c = tot > a ? tot - a : 0;
			s = g2((double)a, (double)fg, (double)c, (double)bg);
			if (s >= G2_MIN)
				add_cand(cs, slot_kinds[k].kind, v, len, a, c,
					 s);
		}
	}
}

static int kind_rank(const char *kind)
{
	size_t k;

	if (strcmp(kind, "word") == 0)
		return 0;
	for (k = 0; k < NKINDS; k++)
		if (strcmp(kind, slot_kinds[k].kind) == 0)
			return (int)k + 1;
	return (int)NKINDS + 1;
}

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int kx = kind_rank(x->kind), ky = kind_rank(y->kind);

	if (kx != ky)
		return kx - ky;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* Keep the best max of each kind in t, kinds in order. */
static newsidx_status_t keep_terms(struct newsidx_db *db, newsidx_trend_t *t,
				   struct cands *cs, size_t max)
{
	size_t i, run = 0;

	if (cs->n)
		qsort(cs->c, cs->n, sizeof(*cs->c), cmp_cand);
	t->terms = calloc(cs->n + 1, sizeof(*t->terms));
	t->strings = calloc(2 * cs->n + 1, sizeof(char *));
	if (!t->terms || !t->strings)
		return NEWSIDX_NOMEM;
	for (i = 0; i < cs->n; i++) {
		newsidx_sigterm_t *st = &t->terms[t->nterms];
		char buf[256];
		size_t k;

		run = i && strcmp(cs->c[i].kind, cs->c[i - 1].kind) == 0
			      ? run + 1
			      : 0;
		if (run >= max)
			continue;
		st->kind = cs->c[i].kind;
		st->value = cs->c[i].value;
		t->strings[t->nstrings++] = cs->c[i].value;
		cs->c[i].value = NULL;
		st->label = st->value;
		for (k = 0; k < NKINDS; k++)
			if (strcmp(st->kind, slot_kinds[k].kind) == 0 &&
			    newsidx_facets__label(db, slot_kinds[k].facet,
						  st->value, buf, sizeof(buf))) {
				char *l = newsidx_strdup(buf);

				if (!l)
					return NEWSIDX_NOMEM;
				t->strings[t->nstrings++] = l;
				st->label = l;
			}
		st->fg = cs->c[i].fg;
		st->bg = cs->c[i].bg;
		st->score = cs->c[i].score;
		t->nterms++;
	}
	return NEWSIDX_OK;
}

static newsidx_status_t sig_terms(struct newsidx_db *db, struct tquery *tq,
				  const newsidx_trend_options_t *o,
				  newsidx_trend_t *t)
{
	xapc_spy_t spies[NKINDS];
	xapc_mset_t *fgm = NULL, *all = NULL;
	xapc_query_t *everything = NULL;
	struct cands cs = { 0 };
	newsidx_status_t st;
	size_t k, fg, n;

	if (!tq->lo[0] && !tq->hi[0])
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"significant terms need a period: a "
					"from or to date");
	for (k = 0; k < NKINDS; k++)
		newsidx_facets__spy(slot_kinds[k].facet, &spies[k]);
	st = run_spies(db, tq->q, spies, NKINDS, FG_WORD_DOCS, &fgm);
	everything = st ? NULL : xapc_query_all();
	if (!st && !everything)
		st = newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	if (!st)
		st = run_spies(db, everything, spies, NKINDS, 0, &all);
	if (!st) {
		fg = xapc_mset_facet_total(fgm, 0);
		n = xapc_mset_facet_total(all, 0);
		t->fg = fg;
		t->bg = n > fg ? n - fg : 0;
		if (fg && t->bg)
			st = word_cands(db, fgm, fg, t->bg, &cs);
		if (!st && fg && t->bg)
			slot_cands(fgm, all, fg, t->bg, &cs);
		if (!st && cs.nomem)
			st = NEWSIDX_NOMEM;
		if (!st)
			st = keep_terms(db, t, &cs,
					o->max_terms ? o->max_terms : 20);
	}
	for (k = 0; k < cs.n; k++)
		free(cs.c[k].value);
	free(cs.c);
	xapc_query_free(everything);
	xapc_mset_free(fgm);
	xapc_mset_free(all);
	return st;
}

newsidx_status_t newsidx_trend(newsidx_trend_t **out, newsidx_db_t *db,
			       const char *query,
			       const newsidx_trend_options_t *opts)
{
	newsidx_trend_options_t defaults = NEWSIDX_TREND_OPTIONS_INIT;
	struct tquery tq;
	newsidx_trend_t *t;
	newsidx_status_t st;

	if (!out || !db || !query)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	if (!db->x)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!opts)
		opts = &defaults;
	if (opts->version < 1 || opts->version > NEWSIDX_TREND_OPTIONS_VERSION)
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"unsupported trend options version %d",
					opts->version);
	if (opts->by < NEWSIDX_BY_DAY || opts->by > NEWSIDX_BY_YEAR)
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"unknown period %d", opts->by);
	if (opts->facet && (newsidx_facets__bit(opts->facet) < 0 ||
			    opts->facet == NEWSIDX_FACET_YEAR ||
			    opts->facet == NEWSIDX_FACET_MONTH))
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"a trend's facet is one of country, "
					"place, org, person, topic, source "
					"or lang");
	t = calloc(1, sizeof(*t));
	if (!t)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	t->by = opts->by;
	st = prepare(db, query, opts, &tq);
	if (!st)
		st = opts->terms ? sig_terms(db, &tq, opts, t)
				 : series(db, &tq, opts, t);
	release(&tq);
	if (st == NEWSIDX_NOMEM)
		newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	if (st) {
		newsidx_trend_free(t);
		return st;
	}
	*out = t;
	return NEWSIDX_OK;
}
