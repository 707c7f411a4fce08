/*
 * run.c: running a built query against the index.
 *
 * The enquire parameters come from the search options; the run reopens
 * the index first, so searches see the latest commit, and retries when a
 * writer's commit made the reader's view stale or a generation switch
 * retired its files.  The total is counted while the page is ranked: a
 * reader counts in a second thread on a copy of the query, and a query
 * with phrases may estimate its total from a loose copy (see
 * loose_query).  What the query is, and what becomes of the hits, is for
 * build.c and results.c.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "query/private.h"

#define MODIFIED_RETRIES 5

/*
 * Run q for the page.  cq, when not NULL, is a separately built query with
 * the same matches: the exact count then runs on it in a second thread
 * while q is ranked (see xapc_enquire_params.count_query); cq2, another
 * such copy (may be NULL), lets this thread count half of the docids once
 * the page is done (count_query_self).
 */
static newsidx_status_t run_query_counted(struct newsidx_db *db,
					  const xapc_query_t *q,
					  const xapc_query_t *cq,
					  const xapc_query_t *cq2,
					  int counted,
					  xapc_enquire_params_t *p,
					  xapc_mset_t **m)
{
	newsidx_status_t st;
	int x = XAPC_OK, tries, by_path = 0;

	/* A long-lived reader reads its tables at the first search of a
	 * commit, without waiting for them to pay for themselves. */
	if (db->long_lived) {
		p->doc_lengths = XAPC_LENGTHS_TABLE;
		if (p->collapse_keys == XAPC_KEYS_AUTO)
			p->collapse_keys = XAPC_KEYS_TABLE;
	}

	/* Over remote shards the binding counts facets and trends with
	 * Xapian's own spy, which reads one slot: a series per value of a
	 * field (trend --by) has none, and is said unavailable, never
	 * skipped. */
	if (newsidx_shards__any_remote(db)) {
		size_t i;

		for (i = 0; i < p->n_spies; i++)
			if (p->spies[i].by)
				return newsidx_db__fail(
					db, NEWSIDX_INVALID_ARGUMENT,
					"a trend per value of a field is "
					"unavailable for remote shards (%s); "
					"use shards on this machine",
					db->path);
	}
	for (tries = 0; tries <= MODIFIED_RETRIES; tries++) {
		xapc_doccount_t count = 0;

		/* Searches see the latest commit; a writer committing or a
		 * generation switch never makes them fail. */
		st = tries == 0 && db->reopened
			     ? NEWSIDX_OK
			     : newsidx_db__reopen(db, by_path);
		db->reopened = 0;
		if (st)
			return st;
		x = xapc_db_doccount(db->x, &count);
		if (!x) {
			/* Facet counts need every match seen; the total, of
			 * every matching article, is made exact by a cheaper
			 * weightless count, and copies are folded only as far
			 * as the page needs. */
			p->check_at_least =
				p->n_spy_slots || p->n_spies ? count : 0;
			p->exact_count = counted ? XAPC_COUNT_MATCHES : 0;
			p->count_query = cq;
			p->count_query_self = cq ? cq2 : NULL;
			x = xapc_db_query(db->x, q, p, m);
			p->count_query = NULL;
			p->count_query_self = NULL;
		}
		if (x == XAPC_OK || x == XAPC_ERR_WILDCARD ||
		    x == XAPC_ERR_INVALID || x == XAPC_ERR_NOMEM || db->writable)
			break;
		/* MODIFIED: a commit recycled the revision we read.  Files
		 * gone: our generation was retired.  Either way the index
		 * opened afresh by its path is the one to ask. */
		by_path = x != XAPC_ERR_MODIFIED || tries > 0;
	}
	if (x == XAPC_ERR_WILDCARD)
		return newsidx_db__fail(db, NEWSIDX_TOO_MANY_TERMS,
					"a wildcard matches more than %d "
					"terms; make it longer",
					WILDCARD_MAX);
	/* Xapian refuses to send a part of ours (a posting source such as
	 * --recent's, a match decider) to a server: said plainly. */
	if (x && newsidx_shards__any_remote(db) &&
	    strstr(xapc_db_errmsg(db->x), "UnimplementedError"))
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"this search needs a part that runs "
					"only on shards on this machine, and "
					"%s has remote ones (%s)",
					db->path, xapc_db_errmsg(db->x));
	if (x)
		return newsidx_db__xfail(db, x, "searching");
	return NEWSIDX_OK;
}

newsidx_status_t newsidx_run__query(struct newsidx_db *db,
				    const xapc_query_t *q,
				    xapc_enquire_params_t *p, xapc_mset_t **m)
{
	return run_query_counted(db, q, NULL, NULL, 1, p, m);
}

newsidx_status_t newsidx_run__hits(struct newsidx_db *db,
				   const xapc_query_t *q,
				   xapc_enquire_params_t *p, xapc_mset_t **m)
{
	/* Its callers read Xapian's estimate of the groups: no table. */
	p->collapse_keys = XAPC_KEYS_XAPIAN;
	return run_query_counted(db, q, NULL, NULL, 0, p, m);
}

/*
 * The matches of the query just built into b, built again as a tree of
 * their own (no boosts: they only weigh), for the count in a second
 * thread; NULL when it cannot be built, and the count then runs after
 * the ranked pass.  Only readers count in a second thread (a writer's
 * uncommitted changes are in its own handle alone), so writers skip it.
 * loose: phrases and NEAR as the AND of their words (see loose_query).
 */
static xapc_query_t *count_query(const struct builder *b,
				 const struct newsidx_qnode *root, int loose)
{
	struct builder c = *b;
	struct newsidx_stemset stems = { 0 };
	xapc_query_t *title[64], *q;

	/* The count's checks share the page's answers (phrase.c); a
	 * loose query has none. */
	c.loose = loose;
	/* Feedback terms that only weigh match nothing of their own
	 * (add_feedback): counted without them. */
	if (!b->fb_widen)
		c.nfb = 0;
	c.memo_make = 0;
	c.memo_use = loose ? 0 : b->memo_make;
	c.stems = &stems;
	c.title = title;
	c.ntitle = 0;
	c.captitle = sizeof(title) / sizeof(title[0]);
	c.st = NEWSIDX_OK;
	q = newsidx_build__top(&c, root);
	newsidx_build__free_all(title, c.ntitle);
	newsidx_stemset__free(&stems);
	if (q && c.st) {
		xapc_query_free(q);
		q = NULL;
	}
	return q;
}

/*
 * The loose query of a count that may be estimated: root with every
 * phrase and NEAR built as the AND of its words, so that it matches all
 * that the query matches without checking a position.  NULL when the
 * total must be exact: no phrase, one under a NOT (loosening it would
 * drop matches), facets (their counts need every match), or
 * exact_up_to asks for it.
 */
static xapc_query_t *loose_query(const struct builder *b,
				 const struct newsidx_qnode *root,
				 const xapc_enquire_params_t *p)
{
	if (!b->npos || b->pos_neg || p->n_spy_slots || p->n_spies ||
	    b->exact_up_to == SIZE_MAX)
		return NULL;
	return count_query(b, root, 1);
}

/* Run q, built by b from root, for the page.  A reader counts in a second
 * thread and, once the page is done, in this one, on two more copies of
 * the query (see run_query_counted); asked for one thread, it counts
 * after the page.  A query with phrases counts them
 * exactly only up to b->exact_up_to candidates (see loose_query). */
newsidx_status_t newsidx_run__built(struct newsidx_db *db,
				    const struct builder *b,
				    const struct newsidx_qnode *root,
				    const xapc_query_t *q,
				    xapc_enquire_params_t *p, xapc_mset_t **m)
{
	xapc_query_t *cq = NULL, *cq2 = NULL, *lq = NULL;
	newsidx_status_t st;

	/* Counted another way: the page alone. */
	if (b->no_count)
		return run_query_counted(db, q, NULL, NULL, 0, p, m);
	cq = db->writable || db->one_thread ? NULL : count_query(b, root, 0);
	cq2 = cq ? count_query(b, root, 0) : NULL;
	lq = loose_query(b, root, p);

	p->count_loose = lq;
	p->count_sample = lq ? (xapc_doccount_t)(b->exact_up_to > UINT32_MAX
							 ? UINT32_MAX
							 : b->exact_up_to)
			     : 0;
	/* Other totals are exact up to NEWSIDX_COUNT_EXACT_MAX matches,
	 * estimated above (see newsidx_results_total()). */
	p->count_exact_max =
		b->exact_up_to == SIZE_MAX ? 0 : NEWSIDX_COUNT_EXACT_MAX;
	st = run_query_counted(db, q, cq, cq2, 1, p, m);
	p->count_loose = NULL;
	xapc_query_free(cq);
	xapc_query_free(cq2);
	xapc_query_free(lq);
	return st;
}

newsidx_status_t newsidx_run__count_all(struct newsidx_db *db,
					const struct builder *b,
					const struct newsidx_qnode *root,
					size_t *n, int *exact)
{
	xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
	struct builder c = *b;
	struct newsidx_stemset stems = { 0 };
	xapc_query_t *title[64], *q;
	xapc_mset_t *m = NULL;
	newsidx_status_t st;

	*n = 0;
	*exact = 1;
	/* Every word required, without feedback terms (they widen the
	 * matches) or shared position answers (that is the page's). */
	c.soft_ok = 0;
	c.soft = c.soft_long = 0;
	c.nfb = 0;
	c.no_count = 0;
	c.memo_make = c.memo_use = 0;
	c.stems = &stems;
	c.title = title;
	c.ntitle = 0;
	c.captitle = sizeof(title) / sizeof(title[0]);
	c.st = NEWSIDX_OK;
	q = newsidx_build__top(&c, root);
	newsidx_build__free_all(title, c.ntitle);
	newsidx_stemset__free(&stems);
	if (!q || c.st) {
		xapc_query_free(q);
		return c.st && c.st != NEWSIDX_NOMEM
			       ? c.st
			       : newsidx_db__fail(db, NEWSIDX_NOMEM,
						  "out of memory");
	}
	/* Only the count: no page, weights, folding or facets. */
	p.time_limit = b->time_limit;
	p.weighting = XAPC_WEIGHT_BOOL;
	p.maxitems = 0;
	p.docid_order = XAPC_DOCID_DONT_CARE;
	st = newsidx_run__built(db, &c, root, q, &p, &m);
	if (!st) {
		*n = xapc_mset_matches_estimated(m);
		*exact = xapc_mset_matches_lower_bound(m) ==
				 xapc_mset_matches_upper_bound(m) &&
			 !xapc_mset_time_limited(m);
	}
	xapc_mset_free(m);
	xapc_query_free(q);
	return st;
}

/* Copied for each hit, in the order of enum COPIED_*: the group, and
 * the packed record. */
static const xapc_slot_t copied_slots[NCOPIED] = { NEWSIDX_SLOT_GROUP,
						   NEWSIDX_SLOT_DOC };

void newsidx_run__params(const newsidx_search_options_t *o,
			 xapc_enquire_params_t *p, xapc_spy_t *spies)
{
	p->bm25_k1 = o->bm25_k1 >= 0 ? o->bm25_k1 : 1.2;
	p->bm25_b = o->bm25_b >= 0 ? o->bm25_b : 0.75;
	/* BM25 as written, as Lucene and FTS5 compute it: no floor under
	 * an article's length relative to the average (Xapian's default
	 * floor of 0.5 treats a brief as if it were half the average
	 * length).  Chosen on Cranfield, MAP .3321 to .3331; TIME .6403 to
	 * .6405, Reuters topics .6434 to .6448 (doc/quality.md). */
	p->bm25_min_normlen = 0;
	p->first = (xapc_doccount_t)o->offset;
	if (o->limit)
		p->maxitems = (xapc_doccount_t)o->limit;
	else
		p->maxitems = o->version >= 3 ? 0 : 10; /* 0: counts only */
	if (o->sort == NEWSIDX_SORT_NEWEST || o->sort == NEWSIDX_SORT_OLDEST) {
		p->sort = XAPC_SORT_VALUE_THEN_RELEVANCE;
		p->sort_slot = NEWSIDX_SLOT_DATE;
		p->sort_reverse = o->sort == NEWSIDX_SORT_NEWEST;
	} else if (o->sort == NEWSIDX_SORT_INDEXED) {
		/* Fixed-width values: byte order is the order indexed. */
		p->sort = XAPC_SORT_VALUE_THEN_RELEVANCE;
		p->sort_slot = NEWSIDX_SLOT_SEQ;
	}
	/* One hit per group of wire copies, with the count of the rest. */
	if (!o->all_copies) {
		p->collapse_slot = NEWSIDX_SLOT_GROUP;
		p->collapse_max = 1;
	}
	p->copy_values = copied_slots;
	p->n_copy_values = NCOPIED;
	p->n_spies = newsidx_facets__spies(o->facets, spies);
	p->spies = p->n_spies ? spies : NULL;
	if (o->version >= 4)
		p->time_limit = o->time_limit;
}
