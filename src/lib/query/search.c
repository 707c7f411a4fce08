/*
 * search.c: the searches: a query string to a page of ranked, copied
 * hits (newsidx_search), or to every matching docid (for deletes).
 *
 * A search parses and builds its query (build.c), may run a first pass
 * for feedback terms (feedback.c), runs it (run.c), falls back to
 * any-word ranking when all-word matching finds nothing, and fills the
 * results (results.c, facets.c, suggest.c).  When the index is switched
 * under it to another layout it runs again, built for the new one.  The
 * oldest-first order, which puts articles without a date last, takes its
 * page from two stretches of Xapian's order (run_page).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "query/private.h"

/* Report BM25 scores: take the all-words bonus off. */
static void unbonus(struct newsidx_results *r, double bonus)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->hits[i].score >= bonus)
			r->hits[i].score -= bonus;
}

/*
 * The hits of q as the page counts them (a group of wire copies once,
 * as p collapses): all of them, or with undated, those without a date.
 * Exact: every hit is ranked, without weights or stored data.
 */
static newsidx_status_t count_hits(struct newsidx_db *db,
				   const xapc_query_t *q,
				   const xapc_enquire_params_t *page,
				   int undated, size_t *out)
{
	xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
	xapc_query_t *sub[2] = { (xapc_query_t *)q, NULL }, *uq = NULL;
	xapc_doccount_t all = 0;
	xapc_mset_t *m = NULL;
	newsidx_status_t st;

	*out = 0;
	if (undated) {
		/* A date is a value in its slot; the sort sees no other. */
		sub[1] = xapc_query_value_ge(NEWSIDX_SLOT_DATE, "0", 1);
		uq = sub[1] ? xapc_query_combine(XAPC_OP_AND_NOT, sub, 2, 0)
			    : NULL;
		xapc_query_free(sub[1]);
		if (!uq)
			return newsidx_db__fail(db, NEWSIDX_NOMEM,
						"out of memory");
	}
	if (xapc_db_doccount(db->x, &all) != XAPC_OK || all == 0)
		all = 1;
	p.weighting = XAPC_WEIGHT_BOOL;
	p.maxitems = all;
	p.docid_order = XAPC_DOCID_DONT_CARE;
	p.collapse_slot = page->collapse_slot;
	p.collapse_max = page->collapse_max;
	st = newsidx_run__query(db, uq ? uq : q, &p, &m);
	if (!st)
		*out = xapc_mset_size(m);
	xapc_mset_free(m);
	xapc_query_free(uq);
	return st;
}

/*
 * Run q for the page into *m, and for oldest first perhaps a second
 * stretch into *tail.  Xapian sorts an empty date before every other, so
 * its ascending order holds the U hits without a date first (tied, so by
 * relevance) and the dated ones after; collapsing keeps the first copy
 * of a group in that order, so a group with an undated copy is among the
 * U.  The page is that order turned around, undated last: the dated hits
 * from U + offset, and where they run out the undated ones from the
 * start of theirs (*tail, a run without counts or facets).  Totals and
 * facets are the first run's: it sees every match, whatever its first
 * hit.
 */
static newsidx_status_t run_page(struct newsidx_db *db,
				 const struct builder *b,
				 const struct newsidx_qnode *root,
				 const xapc_query_t *q,
				 const newsidx_search_options_t *opts,
				 xapc_enquire_params_t *p, xapc_mset_t **m,
				 xapc_mset_t **tail)
{
	xapc_enquire_params_t tp;
	xapc_doccount_t offset = p->first, want = p->maxitems, got;
	size_t undated = 0, all = 0, from = 0;
	newsidx_status_t st;

	*tail = NULL;
	if (opts->sort == NEWSIDX_SORT_OLDEST)
		st = count_hits(db, q, p, 1, &undated);
	else
		st = NEWSIDX_OK;
	if (st || undated == 0)
		return st ? st : newsidx_run__built(db, b, root, q, p, m);
	p->first = undated > UINT32_MAX - offset
			   ? UINT32_MAX
			   : offset + (xapc_doccount_t)undated;
	st = newsidx_run__built(db, b, root, q, p, m);
	p->first = offset;
	got = st ? want : (xapc_doccount_t)xapc_mset_size(*m);
	if (got >= want)
		return st;
	if (got == 0) {
		/* The page starts past the dated hits: how many are there? */
		st = count_hits(db, q, p, 0, &all);
		if (st)
			return st;
		if (all > undated && offset > all - undated)
			from = offset - (all - undated);
	}
	if (from >= undated)
		return NEWSIDX_OK;
	tp = *p;
	tp.first = (xapc_doccount_t)from;
	tp.maxitems = want - got < undated - from
			      ? want - got
			      : (xapc_doccount_t)(undated - from);
	tp.spy_slots = NULL;
	tp.n_spy_slots = 0;
	tp.spies = NULL;
	tp.n_spies = 0;
	return newsidx_run__query(db, q, &tp, tail);
}

/* Put the hits of t after those of r, and free t. */
static newsidx_status_t append_hits(struct newsidx_results *r,
				    struct newsidx_results *t)
{
	size_t n = r->n + t->n, i;
	void *v;

	if (t->n == 0) {
		newsidx_results_free(t);
		return NEWSIDX_OK;
	}
#define GROW(a)                                                  \
	do {                                                     \
		if (!(v = realloc(r->a, n * sizeof(*r->a))))     \
			goto nomem;                              \
		r->a = v;                                        \
		memcpy(r->a + r->n, t->a, t->n * sizeof(*r->a)); \
	} while (0)
	GROW(hits);
	GROW(stored);
	GROW(snippets);
	GROW(hl);
	GROW(groups);
#undef GROW
	r->n = n;
	/* The group strings moved with their array. */
	for (i = 0; i < n; i++)
		r->hits[i].group = r->groups[i];
	t->n = 0;
	newsidx_results_free(t);
	return NEWSIDX_OK;
nomem:
	/* r's arrays, grown or not, still hold r's own hits. */
	newsidx_results_free(t);
	return NEWSIDX_NOMEM;
}

/* The hits of the page's second stretch (run_page) after the first; the
 * ranks are the places on the page, from offset on. */
static newsidx_status_t fill_tail(struct newsidx_db *db,
				  struct newsidx_analyzer *an,
				  const xapc_mset_t *tail,
				  const struct newsidx_stemset *stems,
				  const newsidx_search_options_t *opts,
				  struct newsidx_results *r)
{
	struct newsidx_results *t;
	newsidx_status_t st = NEWSIDX_OK;
	size_t i;

	if (tail) {
		t = calloc(1, sizeof(*t));
		if (!t)
			return NEWSIDX_NOMEM;
		st = newsidx_results__fill(db, an, tail, stems, opts, t);
		if (st) {
			newsidx_results_free(t);
			return st;
		}
		st = append_hits(r, t);
	}
	for (i = 0; !st && i < r->n; i++)
		r->hits[i].rank = opts->offset + i + 1;
	return st;
}

/*
 * The articles with every word of a soft query, read off its first page
 * when the page holds them all: ranked by relevance from the first hit,
 * with a hit below the bonus (or room to spare), so that every article
 * with the bonus was weighed and is on the page.  Only when none of
 * those hits folded copies: a copy may lack some of the words.  Saves
 * the count of the strict query (newsidx_run__count_all), which would
 * double the search's count.  Returns 1 with *n set, else 0.
 */
static int page_counts_all(const xapc_mset_t *m,
			   const newsidx_search_options_t *opts,
			   double bonus, size_t *n)
{
	size_t i, k = 0, size = xapc_mset_size(m);
	int below = 0;

	size_t page = opts->limit ? opts->limit
				  : opts->version >= 3 ? 0 : 10;

	/* Counts only (no page): nothing to read off. */
	if (opts->sort != NEWSIDX_SORT_RELEVANCE || opts->offset != 0 ||
	    page == 0)
		return 0;
	for (i = 0; i < size; i++) {
		if (xapc_mset_weight(m, i) < bonus) {
			below = 1;
			break;
		}
		if (xapc_mset_collapse_count(m, i) > 0)
			return 0;
		k++;
	}
	if (!below && size >= page)
		return 0;
	*n = k;
	return 1;
}

/*
 * The total of a search whose page ran without a count (b->no_count):
 * the union of its words' terms, counted from their frequencies and the
 * articles with all of them (r->total_all, exact when all_exact).
 */
static newsidx_status_t count_union(struct newsidx_db *db,
				    const struct builder *b,
				    struct newsidx_results *r, int all_exact)
{
	const char *terms[3];
	xapc_doccount_t all = (xapc_doccount_t)r->total_all, n = 0;
	size_t i;
	int x;

	for (i = 0; i < b->union_n; i++)
		terms[i] = b->union_terms[i];
	x = xapc_db_count_union(db->x, terms, b->union_lens, b->union_n,
				all_exact ? &all : NULL, &n);
	if (x)
		return newsidx_db__xfail(db, x, "counting the matches");
	r->total = n;
	r->total_exact = all_exact && !r->time_limited;
	return NEWSIDX_OK;
}

/* What a search's query was built for: the positions layout, and the
 * stem codes its checks were made with (when it has any). */
struct built_for {
	int compact;
	int codes_loaded;
	unsigned codes_gen;
};

static newsidx_status_t search_once(newsidx_results_t **out,
				    newsidx_db_t *db, const char *query,
				    const newsidx_search_options_t *opts,
				    struct built_for *bf);

/* 1 when the index the search ran on is still what its query was built
 * for. */
static int still_built_for(struct newsidx_db *db, const struct built_for *bf)
{
	int bad;

	if (bf->compact != newsidx_db__compact_positions(db))
		return 0;
	if (!bf->codes_loaded)
		return 1;
	(void)newsidx_db__stemcodes(db, &bad);
	return db->codes_gen == bf->codes_gen;
}

/*
 * The query is built for the positions layout the index has when the
 * search starts; a rebuild that changes the layout can switch the index
 * before the search runs (searches follow switches).  Likewise the
 * checks of a compact index are made with its stem codes, which the
 * commit that first codes positions brings, and a rebuild changes.
 * Then the search runs again, built for the index as it is now.
 */
newsidx_status_t newsidx_search(newsidx_results_t **out, newsidx_db_t *db,
				const char *query,
				const newsidx_search_options_t *opts)
{
	struct built_for bf;
	newsidx_status_t st = NEWSIDX_OK;
	int tries;

	for (tries = 0;; tries++) {
		memset(&bf, 0, sizeof(bf));
		/* The query is built for the latest commit: the languages,
		 * tags and layout it reads are those the search will meet. */
		if (db && out && query && !db->writable) {
			st = newsidx_db__reopen(db, 0);
			if (st)
				return st;
			db->reopened = 1;
		}
		st = search_once(out, db, query, opts, &bf);
		if (db)
			db->reopened = 0;
		if (st || tries == 2 || still_built_for(db, &bf))
			return st;
		newsidx_results_free(*out);
		*out = NULL;
	}
}

static newsidx_status_t search_once(newsidx_results_t **out,
				    newsidx_db_t *db, const char *query,
				    const newsidx_search_options_t *opts,
				    struct built_for *bf)
{
	newsidx_search_options_t defaults = NEWSIDX_SEARCH_OPTIONS_INIT;
	xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
	struct newsidx_qnode *root = NULL;
	struct newsidx_stemset stems = { 0 };
	struct newsidx_results *r = NULL;
	xapc_mset_t *m = NULL, *tail = NULL;
	xapc_query_t *q = NULL, *title[64];
	xapc_spy_t spies[NFACETS];
	struct builder b;
	newsidx_status_t st;

	if (!out || !db || !query)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	if (!db->x)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!opts)
		opts = &defaults;
	if (opts->version >= 4 && !(opts->time_limit >= 0))
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"the time limit is negative");
	st = newsidx_build__prepare_query(db, opts, query, &b, &root);
	if (st)
		return st;
	/* A partitioned index asks only the shards whose periods the
	 * query's dates can match (the query is built already: the same
	 * terms), until the results are read. */
	{
		char lo[16], hi[16];

		if (newsidx_dates__bounds(root, lo, hi))
			st = newsidx_shards__narrow(db, lo, hi, 0);
		else
			st = newsidx_shards__narrow(db, NULL, NULL, 0);
		if (st)
			goto out;
	}
	bf->compact = b.compact;
	b.time_limit = opts->version >= 4 ? opts->time_limit : 0;
	newsidx_run__params(opts, &p, spies);
	b.stems = &stems;
	b.title = title;
	b.captitle = sizeof(title) / sizeof(title[0]);
	newsidx_build__rank_softly(&b, root, opts);
	b.exact_up_to = opts->version >= 2 && opts->exact_up_to
				? opts->exact_up_to
				: NEWSIDX_EXACT_UP_TO;
	/* Readers count in a second thread: its position checks share the
	 * page's answers. */
	b.memo_make = b.compact && !db->writable &&
		      xapc_db_lastdocid(db->x, &b.lastdocid) == XAPC_OK;
	q = newsidx_build__boosts(&b, newsidx_build__top(&b, root), opts);
	/* By default a query of four words or more ranked by relevance
	 * gets feedback, whose terms only reorder its matches; asked for,
	 * they widen them.  Shorter queries get none by default: it raised
	 * the Reuters-21578 topic queries' MAP from .6249 to .6434, but made
	 * two- and three-word searches five times slower (doc/quality.md). */
	if (q && (opts->feedback > 0 ||
		  (opts->feedback == 0 && b.soft_long &&
		   opts->sort == NEWSIDX_SORT_RELEVANCE))) {
		/* A second pass with the relevance model of the first;
		 * asked for, its terms find articles too. */
		b.fb_widen = opts->feedback > 0;
		st = newsidx_feedback__model(db, &b, q, &p);
		if (st)
			goto out;
		if (b.nfb) {
			xapc_query_free(q);
			newsidx_build__free_all(b.title, b.ntitle);
			b.ntitle = 0;
			b.soft = 0;
			newsidx_stemset__free(&stems);
			q = newsidx_build__boosts(
			    &b, newsidx_build__top(&b, root), opts);
		}
	}
	if (!q) {
		/* Other failures have said what they are. */
		st = b.st && b.st != NEWSIDX_NOMEM
			     ? b.st
			     : newsidx_db__fail(db, NEWSIDX_NOMEM,
						"out of memory");
		goto out;
	}
	/* Two or three plain words of one term each: their matches are
	 * counted after the page, as the union of the terms. */
	{
		xapc_doccount_t hidden = 1;

		b.no_count = b.soft && b.union_n >= 2 &&
			     (!b.nfb || !b.fb_widen) &&
			     opts->sort == NEWSIDX_SORT_RELEVANCE &&
			     xapc_db_deleted_count(db->x, &hidden) == XAPC_OK &&
			     hidden == 0;
	}
	st = run_page(db, &b, root, q, opts, &p, &m, &tail);
	if (st)
		goto out;
	r = calloc(1, sizeof(*r));
	if (!r) {
		st = NEWSIDX_NOMEM;
		goto out;
	}
	r->relaxed = b.soft;
	if (xapc_mset_matches_estimated(m) == 0 && opts->relax &&
	    b.top_words > 1 && !b.soft) {
		/* Nothing has every word: rank articles with any of them,
		 * keeping filters and exclusions, and say so. */
		xapc_query_free(q);
		xapc_mset_free(m);
		xapc_mset_free(tail);
		m = tail = NULL;
		b.relax = 1;
		b.top_words = 0;
		newsidx_build__free_all(b.title, b.ntitle);
		b.ntitle = 0;
		q = newsidx_build__boosts(&b, newsidx_build__top(&b, root),
					  opts);
		if (!q) {
			st = newsidx_db__fail(db, NEWSIDX_NOMEM,
					      "out of memory");
			goto out;
		}
		st = run_page(db, &b, root, q, opts, &p, &m, &tail);
		if (st)
			goto out;
		r->relaxed = 1;
	}
	r->total = xapc_mset_matches_estimated(m);
	r->time_limited = xapc_mset_time_limited(m);
	r->total_exact = xapc_mset_matches_lower_bound(m) ==
				 xapc_mset_matches_upper_bound(m) &&
			 !r->time_limited;
	r->total_all = r->relaxed && !b.soft ? 0 : r->total;
	if (b.soft && !page_counts_all(m, opts,
				       b.nfb ? SOFT_BONUS * FB_LAMBDA
					     : SOFT_BONUS,
				       &r->total_all)) {
		int exact = 1;

		st = newsidx_run__count_all(db, &b, root, &r->total_all,
					    &exact);
		if (st)
			goto out;
		r->total_exact = r->total_exact && exact;
		if (b.no_count) {
			st = count_union(db, &b, r, exact);
			if (st)
				goto out;
		}
	} else if (b.no_count) {
		st = count_union(db, &b, r, 1);
		if (st)
			goto out;
	}
	if (b.soft) {
		if (r->total_all > r->total)
			r->total_all = r->total;
		/* Softly ranked, but every match may have had all the
		 * words. */
		r->relaxed = r->total_all < r->total;
	}
	st = newsidx_results__fill(db, b.an, m, &stems, opts, r);
	if (!st && opts->sort == NEWSIDX_SORT_OLDEST)
		st = fill_tail(db, b.an, tail, &stems, opts, r);
	if (!st && b.soft)
		unbonus(r, b.nfb ? SOFT_BONUS * FB_LAMBDA : SOFT_BONUS);
	if (!st)
		st = newsidx_facets__fill(db, opts, m, r);
	if (!st && opts->suggest)
		newsidx_suggest__make(&b, query, root, r);
out:
	{
		newsidx_status_t wst = newsidx_shards__narrow(db, NULL, NULL, 1);

		if (!st)
			st = wst;
	}
	bf->codes_loaded = b.codes_loaded;
	bf->codes_gen = b.codes_gen;
	xapc_mset_free(m);
	xapc_mset_free(tail);
	xapc_query_free(q);
	newsidx_build__free_all(b.title, b.ntitle);
	free(b.fb_terms);
	free(b.fb_weights);
	newsidx_phrase__memos_free(&b);
	newsidx_query__free(root);
	newsidx_stemset__free(&stems);
	if (st) {
		newsidx_results_free(r);
		return st;
	}
	*out = r;
	return NEWSIDX_OK;
}

newsidx_status_t newsidx_search__docids(struct newsidx_db *db,
					const char *query, unsigned **ids,
					size_t *n)
{
	newsidx_search_options_t o = NEWSIDX_SEARCH_OPTIONS_INIT;
	xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
	struct newsidx_qnode *root = NULL;
	xapc_mset_t *m = NULL;
	xapc_query_t *q;
	xapc_doccount_t count = 0;
	struct builder b;
	newsidx_status_t st;
	size_t i;

	*ids = NULL;
	*n = 0;
	st = newsidx_build__prepare_query(db, &o, query, &b, &root);
	if (st)
		return st;
	q = newsidx_build__top(&b, root);
	newsidx_query__free(root);
	if (!q)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	if (xapc_db_doccount(db->x, &count) == XAPC_OK)
		p.maxitems = count;
	p.weighting = XAPC_WEIGHT_BOOL;
	st = newsidx_run__query(db, q, &p, &m);
	xapc_query_free(q);
	if (st)
		return st;
	*ids = malloc((xapc_mset_size(m) + 1) * sizeof(**ids));
	if (!*ids) {
		xapc_mset_free(m);
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	}
	for (i = 0; i < xapc_mset_size(m); i++)
		(*ids)[i] = xapc_mset_docid(m, i);
	*n = xapc_mset_size(m);
	xapc_mset_free(m);
	return NEWSIDX_OK;
}
