/*
 * similar.c: more like this (newsidx_article_similar).
 *
 * The words that characterise an article, Xapian's expand set or, in an
 * index without term lists, its own words weighed by their rarity,
 * search for the others; the article and its wire copies are left out.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query/private.h"

/* The words that characterise an article, for an index without term
 * lists (which Xapian's expansion needs), weighed as the expansion
 * weighs the terms of one relevant document: the Robertson/Sparck Jones
 * relevance weight of a term the document holds,
 *   log(((r + .5)(N - n - R + r + .5)) / ((R - r + .5)(n - r + .5)))
 * with R = r = 1 (n the articles holding it, N all of them; a value
 * under 2 is softened to 1 + value / 2), times its count saturated as in
 * BM25 with k = 1 against the article's length over the average.  Rare
 * words win over frequent common ones, so both layouts choose nearly the
 * same words, and the search for them stays on short posting lists. */
#define SIM_TERMS 24
#define SIM_K 1.0

struct sim_acc {
	struct newsidx_db *db;
	struct newsidx_analyzer *an;
	double ndocs;
	double normlen; /* the article's length over the average */
	char term[SIM_TERMS][NEWSIDX_MAX_TOKEN * 4 + 8];
	double w[SIM_TERMS];
	size_t n;
};

static int sim_word(void *ctx, const char *term, size_t len, unsigned wdf)
{
	struct sim_acc *a = ctx;
	unsigned char c = (unsigned char)term[0];
	xapc_doccount_t tf = 0;
	double w, rsj;
	size_t i;

	/* Numbers stay: an amount or a count is often what tells one
	 * story from another, as Xapian's expansion also finds. */
	if (len < 2 || len >= sizeof(a->term[0]) || wdf == 0 ||
	    (c >= 'A' && c <= 'Z') ||
	    newsidx_analyzer__is_stopword(a->an, term, len) ||
	    xapc_db_termfreq(a->db->x, term, len, &tf) || tf == 0)
		return 0;
	rsj = 1.5 * (a->ndocs - (double)tf + 0.5) / (0.5 * ((double)tf - 0.5));
	if (rsj < 2)
		rsj = 1 + rsj / 2;
	w = log(rsj) * (SIM_K + 1) * wdf / (SIM_K * a->normlen + wdf);
	if (a->n == SIM_TERMS && w <= a->w[SIM_TERMS - 1])
		return 0;
	i = a->n < SIM_TERMS ? a->n++ : SIM_TERMS - 1;
	for (; i > 0 && a->w[i - 1] < w; i--) {
		a->w[i] = a->w[i - 1];
		memcpy(a->term[i], a->term[i - 1], sizeof(a->term[i]));
	}
	a->w[i] = w;
	memcpy(a->term[i], term, len);
	a->term[i][len] = '\0';
	return 0;
}

newsidx_status_t newsidx_article_similar(newsidx_results_t **out,
					 newsidx_db_t *db, const char *id,
					 const newsidx_search_options_t *opts)
{
	newsidx_search_options_t defaults = NEWSIDX_SEARCH_OPTIONS_INIT;
	xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
	xapc_expand_params_t ep = XAPC_EXPAND_PARAMS_INIT;
	struct newsidx_stemset stems = { 0 };
	struct newsidx_results *r = NULL;
	xapc_spy_t spies[NFACETS];
	xapc_query_t **terms = NULL, *q = NULL, *self = NULL;
	xapc_eset_t *e = NULL;
	xapc_mset_t *m = NULL;
	xapc_docid_t docid;
	struct sim_acc *sim = NULL;
	struct builder b;
	char term[NEWSIDX_MAX_TERM + 24];
	newsidx_status_t st;
	size_t i, n, nterms = 0;
	int x;

	if (!out || !db || !id)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	if (!opts)
		opts = &defaults;
	st = newsidx_build__prepare(db, opts, &b);
	if (st)
		return st;
	docid = newsidx_show__docid(db, id, &st);
	if (!docid)
		return st;
	/* The article's most characteristic words, as Xapian weighs them
	 * against the whole index. */
	ep.maxterms = SIM_TERMS;
	ep.unprefixed_only = 1;
	if (newsidx_db__term_lists(db)) {
		x = xapc_db_expand(db->x, &docid, 1, &ep, &e);
		if (x)
			return newsidx_db__xfail(db, x, "reading");
		nterms = xapc_eset_size(e);
	} else {
		xapc_doc_t *doc = NULL;
		xapc_doccount_t all = 0;
		xapc_termcount_t len = 0;
		double avlen = 0;

		sim = calloc(1, sizeof(*sim));
		if (!sim)
			return newsidx_db__fail(db, NEWSIDX_NOMEM,
						"out of memory");
		sim->db = db;
		sim->an = b.an;
		xapc_db_doccount(db->x, &all);
		sim->ndocs = all;
		xapc_db_doclength(db->x, docid, &len);
		xapc_db_avlength(db->x, &avlen);
		sim->normlen = avlen > 0 ? len / avlen : 1;
		x = xapc_db_get_doc(db->x, docid, &doc);
		if (x) {
			xapc_doc_free(doc);
			free(sim);
			return newsidx_db__xfail(db, x, "reading");
		}
		newsidx_docwords__each(db, 0, doc, sim_word, sim);
		xapc_doc_free(doc);
		nterms = sim->n;
	}
	terms = calloc(nterms + 1, sizeof(*terms));
	if (!terms) {
		st = newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nterms; i++) {
		size_t len = sim ? strlen(sim->term[i]) : 0;
		const char *t = sim ? sim->term[i] : xapc_eset_term(e, i, &len);

		terms[i] = xapc_query_term(t, len, 1, 0);
		if (!terms[i] || newsidx_stemset__add(&stems, t, len)) {
			st = newsidx_db__fail(db, NEWSIDX_NOMEM,
					      "out of memory");
			goto out;
		}
	}
	n = newsidx_schema__term(term, "Q", id, strlen(id));
	self = xapc_query_term(term, n, 1, 0);
	{
		/* Leave out the article's own wire copies too. */
		xapc_doc_t *doc = NULL;
		const char *g;
		size_t glen = 0;

		if (xapc_db_get_doc(db->x, docid, &doc) == XAPC_OK &&
		    (g = xapc_doc_value(doc, NEWSIDX_SLOT_GROUP, &glen)) &&
		    glen == 16)
			self = newsidx_build__join2(
			    &b, XAPC_OP_OR, self,
			    xapc_query_value_range(NEWSIDX_SLOT_GROUP, g, 16, g,
						   16));
		xapc_doc_free(doc);
	}
	q = nterms ? xapc_query_combine(XAPC_OP_OR, terms, nterms, 0)
	      : xapc_query_none();
	q = newsidx_build__join2(&b, XAPC_OP_AND_NOT, q, self);
	self = NULL;
	if (!q) {
		st = newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
		goto out;
	}
	newsidx_run__params(opts, &p, spies);
	p.sort = XAPC_SORT_RELEVANCE;
	/* How many articles share one of the words says little, and
	 * counting them was most of the time: the total is estimated. */
	st = newsidx_run__hits(db, q, &p, &m);
	if (st)
		goto out;
	r = calloc(1, sizeof(*r));
	if (!r) {
		st = NEWSIDX_NOMEM;
		goto out;
	}
	r->total = xapc_mset_matches_estimated(m);
	r->total_exact = xapc_mset_matches_lower_bound(m) ==
			 xapc_mset_matches_upper_bound(m);
	st = newsidx_results__fill(db, b.an, m, &stems, opts, r);
	if (!st)
		st = newsidx_facets__fill(db, opts, m, r);
out:
	if (terms)
		newsidx_build__free_all(terms, nterms);
	free(terms);
	free(sim);
	xapc_eset_free(e);
	xapc_mset_free(m);
	xapc_query_free(q);
	xapc_query_free(self);
	newsidx_stemset__free(&stems);
	if (st) {
		newsidx_results_free(r);
		return st;
	}
	*out = r;
	return NEWSIDX_OK;
}

/* The name of 0.1, deprecated (newsidx.h, "Deprecated names"). */
newsidx_status_t newsidx_similar(newsidx_results_t **out, newsidx_db_t *db,
				 const char *id,
				 const newsidx_search_options_t *opts)
{
	return newsidx_article_similar(out, db, id, opts);
}
