/*
 * dates.c: date filters (date: and since:) as Xapian queries, and
 * indexed:, which reads the indexing time and sequence values.
 *
 * The writer gives each article a term for its year, its month and its
 * day; a date range becomes the OR of the fewest such terms that cover
 * it, found from the years the index holds.  The parser has already
 * turned the user's dates into bounds (query.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "query/private.h"

/* since:Nu -> the start (UTC) of the day N units ago, as a date bound:
 * whole days, like every other date filter. */
void newsidx_dates__since(unsigned n, char unit, char out[16])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (unit) {
	case 'w':
		tm.tm_mday -= 7 * (int)n;
		break;
	case 'm':
		tm.tm_mon -= (int)n;
		break;
	case 'y':
		tm.tm_year -= (int)n;
		break;
	default:
		tm.tm_mday -= (int)n;
		break;
	}
	now = timegm(&tm);
	gmtime_r(&now, &tm);
	strftime(out, 16, "%Y%m%d000000", &tm);
}

/* indexed:Nu -> the time exactly N units before now (UTC), to the
 * second: "what came in the last 24 hours" means that, not whole days. */
static void indexed_since(unsigned n, char unit, char out[16])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (unit) {
	case 'h':
		tm.tm_hour -= (int)n;
		break;
	case 'w':
		tm.tm_mday -= 7 * (int)n;
		break;
	case 'm':
		tm.tm_mon -= (int)n;
		break;
	case 'y':
		tm.tm_year -= (int)n;
		break;
	default:
		tm.tm_mday -= (int)n;
		break;
	}
	now = timegm(&tm);
	gmtime_r(&now, &tm);
	strftime(out, 16, "%Y%m%d%H%M%S", &tm);
}

xapc_query_t *newsidx_dates__indexed(struct builder *b,
				     const struct newsidx_qnode *n)
{
	char lo[24], hi[24];
	xapc_slot_t slot = NEWSIDX_SLOT_INDEXED;
	xapc_query_t *q;

	/* Every value has a fixed width, so byte order is their order;
	 * the bounds of an open side lie below or above every value. */
	if (n->by_seq) {
		slot = NEWSIDX_SLOT_SEQ;
		snprintf(lo, sizeof(lo), "%016llx", n->seq_lo);
		if (n->seq_hi)
			snprintf(hi, sizeof(hi), "%016llx", n->seq_hi);
		else
			snprintf(hi, sizeof(hi), "~");
	} else if (n->since_n) {
		indexed_since(n->since_n, n->since_unit, lo);
		snprintf(hi, sizeof(hi), "~");
	} else {
		snprintf(lo, sizeof(lo), "%s", n->lo[0] ? n->lo : "0");
		snprintf(hi, sizeof(hi), "%s", n->hi[0] ? n->hi : "~");
	}
	q = xapc_query_value_range(slot, lo, strlen(lo), hi, strlen(hi));
	if (!q)
		newsidx_build__nomem(b);
	return q;
}

/* The years that hold articles, from the index's year terms. */
struct years {
	char (*v)[5];
	size_t n, cap;
	int nomem;
};

static int collect_year(void *ctx, const char *term, size_t len,
			unsigned int count)
{
	struct years *y = ctx;

	(void)count;
	if (len != 5)
		return 0;
	if (NEWSIDX_ARRAY_GROW(y->v, y->n, y->cap, 64)) {
		y->nomem = 1;
		return 1;
	}
	memcpy(y->v[y->n], term + 1, 4);
	y->v[y->n++][4] = '\0';
	return 0;
}

/* Add q to the list (taking it), or note that memory ran out. */
static void add_sub(struct builder *b, xapc_query_t ***v, size_t *n,
		    size_t *cap, xapc_query_t *q)
{
	if (!q) {
		newsidx_build__nomem(b);
		return;
	}
	if (NEWSIDX_ARRAY_GROW(*v, *n, *cap, 32)) {
		xapc_query_free(q);
		newsidx_build__nomem(b);
		return;
	}
	(*v)[(*n)++] = q;
}

static unsigned month_days(unsigned y, unsigned m)
{
	static const unsigned d[12] = { 31, 28, 31, 30, 31, 30,
					31, 31, 30, 31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return d[(m - 1) % 12];
}

/* Where the period [ps, pe] stands against [l, h]: 0 outside, 1 inside,
 * 2 across an edge. */
static int period_vs(const char *ps, const char *pe, const char *l,
		     const char *h)
{
	if (strcmp(pe, l) < 0 || strcmp(ps, h) > 0)
		return 0;
	return strcmp(l, ps) <= 0 && strcmp(pe, h) <= 0 ? 1 : 2;
}

/*
 * Articles dated in [lo, hi] ("YYYYMMDDhhmmss", "" for open): the year
 * terms of the years inside, then the month terms of the months inside,
 * then the day terms of the days inside; only a day cut by a bound that
 * is not midnight (never from the query language) also checks the date
 * value.  Reading the date value of every match instead made a date
 * filter cost a pass over the whole date slot.
 */
xapc_query_t *newsidx_dates__query(struct builder *b, const char *lo,
				   const char *hi)
{
	const char *l = lo[0] ? lo : "00000000000000";
	const char *h = hi[0] ? hi : "99999999999999";
	struct years y = { NULL, 0, 0, 0 };
	xapc_query_t **v = NULL, *q = NULL;
	size_t n = 0, cap = 0, i, k;
	int x;

	if (!b->db->writable && b->db->years_known) {
		/* Read at the commit the reader sees (the cache's). */
		y.v = b->db->years;
		y.n = b->db->nyears;
	} else {
		x = xapc_db_allterms(b->db->x, "Y", collect_year, &y);
		if (x || y.nomem) {
			free(y.v);
			if (!x)
				return newsidx_build__nomem(b);
			b->st = newsidx_db__xfail(b->db, x, "reading");
			return NULL;
		}
		if (!b->db->writable) {
			/* The reader keeps them until a new commit. */
			free(b->db->years);
			b->db->years = y.v;
			b->db->nyears = y.n;
			b->db->years_known = 1;
		}
	}
	for (i = 0; i < y.n && !b->st; i++) {
		char ps[32], pe[32], term[16];
		unsigned yy = (unsigned)atoi(y.v[i]), m, d;
		int where;

		snprintf(ps, sizeof(ps), "%.4s0101000000", y.v[i]);
		snprintf(pe, sizeof(pe), "%.4s1231235959", y.v[i]);
		where = period_vs(ps, pe, l, h);
		if (where == 1) {
			snprintf(term, sizeof(term), "Y%.4s", y.v[i]);
			add_sub(b, &v, &n, &cap, xapc_query_term(term, 5, 1, 0));
		}
		for (m = 1; where == 2 && m <= 12 && !b->st; m++) {
			int wm;

			snprintf(ps, sizeof(ps), "%.4s%02u01000000", y.v[i], m);
			snprintf(pe, sizeof(pe), "%.4s%02u%02u235959", y.v[i], m,
				 month_days(yy, m));
			wm = period_vs(ps, pe, l, h);
			if (wm == 1) {
				snprintf(term, sizeof(term), "M%.4s%02u",
					 y.v[i], m);
				add_sub(b, &v, &n, &cap,
					xapc_query_term(term, 7, 1, 0));
			}
			for (d = 1; wm == 2 && d <= month_days(yy, m) && !b->st;
			     d++) {
				xapc_query_t *two[2];
				int wd;

				snprintf(ps, sizeof(ps), "%.4s%02u%02u000000",
					 y.v[i], m, d);
				snprintf(pe, sizeof(pe), "%.4s%02u%02u235959",
					 y.v[i], m, d);
				wd = period_vs(ps, pe, l, h);
				if (!wd)
					continue;
				snprintf(term, sizeof(term), "D%.4s%02u%02u",
					 y.v[i], m, d);
				two[0] = xapc_query_term(term, 9, 1, 0);
				if (wd == 1) {
					add_sub(b, &v, &n, &cap, two[0]);
					continue;
				}
				two[1] = xapc_query_value_range(
					NEWSIDX_SLOT_DATE, l, strlen(l), h,
					strlen(h));
				q = two[0] && two[1]
					    ? xapc_query_combine(XAPC_OP_FILTER,
								 two, 2, 0)
					    : NULL;
				xapc_query_free(two[0]);
				xapc_query_free(two[1]);
				add_sub(b, &v, &n, &cap, q);
			}
		}
	}
	q = NULL;
	if (!b->st && n == 0) {
		q = xapc_query_none();
		if (!q)
			newsidx_build__nomem(b);
	} else if (!b->st) {
		q = n == 1 ? v[0] : xapc_query_combine(XAPC_OP_OR, v, n, 0);
		if (n == 1)
			n = 0; /* handed over */
		if (!q)
			newsidx_build__nomem(b);
	}
	for (k = 0; k < n; k++)
		xapc_query_free(v[k]);
	free(v);
	if (y.v != b->db->years)
		free(y.v);
	return q;
}

/* The tighter of two bounds: the later lower one (later: 1), or the
 * earlier upper one; "" is open. */
static void tighten(char *b, const char *other, int later)
{
	if (!*other)
		return;
	if (!*b || (later ? strcmp(other, b) > 0 : strcmp(other, b) < 0))
		snprintf(b, 16, "%s", other);
}

int newsidx_dates__bounds(const struct newsidx_qnode *n, char lo[16],
			  char hi[16])
{
	char l[16], h[16];
	size_t i;
	int any = 0;

	lo[0] = hi[0] = '\0';
	if (!n)
		return 0;
	switch (n->type) {
	case NEWSIDX_Q_DATE:
		snprintf(lo, 16, "%s", n->lo);
		snprintf(hi, 16, "%s", n->hi);
		return *lo || *hi;
	case NEWSIDX_Q_SINCE:
		newsidx_dates__since(n->since_n, n->since_unit, lo);
		return 1;
	case NEWSIDX_Q_AND:
		/* Every match is within each operand's dates. */
		for (i = 0; i < n->nkids; i++) {
			if (!newsidx_dates__bounds(n->kids[i], l, h))
				continue;
			tighten(lo, l, 1);
			tighten(hi, h, 0);
			any = 1;
		}
		return any;
	case NEWSIDX_Q_OR:
		/* Within the widest of its operands', when each has some. */
		for (i = 0; i < n->nkids; i++) {
			if (!newsidx_dates__bounds(n->kids[i], l, h))
				return lo[0] = hi[0] = '\0', 0;
			if (i == 0 || (*lo && (!*l || strcmp(l, lo) < 0)))
				snprintf(lo, 16, "%s", l);
			if (i == 0 || (*hi && (!*h || strcmp(h, hi) > 0)))
				snprintf(hi, 16, "%s", h);
		}
		return n->nkids > 0 && (*lo || *hi);
	default:
		return 0;
	}
}
