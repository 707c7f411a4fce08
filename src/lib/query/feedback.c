/*
 * feedback.c: RM3 pseudo-relevance feedback.
 *
 * A first pass ranks the query; the words of its top hits, weighed by
 * the hits' scores, make a relevance model whose best terms are added
 * to the query for a second pass (build.c adds them).  Measured on TIME
 * and Cranfield (bench/eval).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "query/private.h"

/* Terms from the top FB_DOCS hits, FB_TERMS of them. */
#define FB_DOCS 10
#define FB_TERMS 20

/* Term weights gathered from the feedback documents. */
struct fb_acc {
	struct newsidx_analyzer *an;
	char (*term)[NEWSIDX_MAX_TOKEN * 4 + 8];
	double *p;
	size_t n, cap, capp; /* capp: the capacity of p */
	double share;     /* this document's share of the feedback mass */
	double doclen;
	int nomem;
};

static int fb_term(void *ctx, const char *term, size_t len, unsigned wdf)
{
	struct fb_acc *f = ctx;
	unsigned char c = (unsigned char)term[0];
	size_t i;

	/* Plain words only: no field terms (upper-case prefixes), numbers,
	 * very short words or stopwords. */
	if (len < 2 || len >= sizeof(f->term[0]) || wdf == 0 ||
	    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    newsidx_analyzer__is_stopword(f->an, term, len))
		return 0;
	for (i = 0; i < f->n; i++)
		if (strncmp(f->term[i], term, len) == 0 &&
		    f->term[i][len] == '\0')
			break;
	if (i == f->n) {
		if (NEWSIDX_ARRAY_GROW(f->term, f->n, f->cap, 512) ||
		    NEWSIDX_ARRAY_GROW(f->p, f->n, f->capp, 512)) {
			f->nomem = 1;
			return 1;
		}
		memcpy(f->term[i], term, len);
		f->term[i][len] = '\0';
		f->p[i] = 0;
		f->n++;
	}
	f->p[i] += f->share * (double)wdf / f->doclen;
	return 0;
}

/* A hit's BM25 score, without the all-words bonus of soft ranking. */
static double bm25_of(const struct builder *b, double w)
{
	return b->soft && w >= SOFT_BONUS ? w - SOFT_BONUS : w;
}

static int text_length(void *ctx, const char *term, size_t len, unsigned wdf)
{
	double *n = ctx;
	unsigned char c = (unsigned char)term[0];

	(void)len;
	if (!(c >= 'A' && c <= 'Z'))
		*n += wdf;
	return 0;
}

/*
 * RM3: estimate a relevance model from the top hits of the first pass,
 * P(t|R) = sum over the hits of (score share) * wdf / length, and keep
 * the FB_TERMS most likely terms, weighted so that together they carry
 * (1 - FB_LAMBDA) of a query of this many words.
 */
newsidx_status_t newsidx_feedback__model(struct newsidx_db *db,
					 struct builder *b,
					 const xapc_query_t *q,
					 const xapc_enquire_params_t *base)
{
	xapc_enquire_params_t p = *base;
	xapc_mset_t *m = NULL;
	struct fb_acc f;
	double total = 0, sum = 0;
	size_t i, j, n;
	newsidx_status_t st;
	int tl;

	p.first = 0;
	p.maxitems = FB_DOCS;
	p.spy_slots = NULL;
	p.n_spy_slots = 0;
	p.spies = NULL;
	p.n_spies = 0;
	p.sort = XAPC_SORT_RELEVANCE;
	/* Only the top hits are read: the first pass counts nothing. */
	st = newsidx_run__hits(db, q, &p, &m);
	if (st)
		return st;
	memset(&f, 0, sizeof(f));
	f.an = b->an;
	tl = newsidx_db__term_lists(db);
	n = xapc_mset_size(m);
	/* Feedback that only reorders needs matches beyond those it learns
	 * from: a model made of every match can only favour some of them
	 * for their own words (the shorter ones, mostly). */
	if (!b->fb_widen && xapc_mset_matches_lower_bound(m) <= FB_DOCS)
		n = 0;
	for (i = 0; i < n; i++)
		total += bm25_of(b, xapc_mset_weight(m, i));
	for (i = 0; i < n && total > 0 && !f.nomem; i++) {
		xapc_doc_t *doc = NULL;
		xapc_termcount_t len = 0;
		xapc_docid_t id = xapc_mset_docid(m, i);

		(void)len;
		if (xapc_db_get_doc(db->x, id, &doc)) {
			xapc_doc_free(doc);
			continue;
		}
		/* The length in words: the text terms' wdf, not the fields'. */
		f.doclen = 0;
		newsidx_docwords__each(db, tl, doc, text_length, &f.doclen);
		if (f.doclen <= 0) {
			xapc_doc_free(doc);
			continue;
		}
		f.share = bm25_of(b, xapc_mset_weight(m, i)) / total;
		newsidx_docwords__each(db, tl, doc, fb_term, &f);
		xapc_doc_free(doc);
	}
	xapc_mset_free(m);
	if (f.nomem) {
		free(f.term);
		free(f.p);
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	}
	/* The FB_TERMS best, by selection: f.n is a few thousand at most. */
	b->nfb = 0;
	for (j = 0; j < FB_TERMS && j < f.n; j++) {
		size_t best = j;

		for (i = j + 1; i < f.n; i++)
			if (f.p[i] > f.p[best])
				best = i;
		if (best != j) {
			char tmp[sizeof(f.term[0])];
			double t = f.p[j];

			memcpy(tmp, f.term[j], sizeof(tmp));
			memcpy(f.term[j], f.term[best], sizeof(tmp));
			memcpy(f.term[best], tmp, sizeof(tmp));
			f.p[j] = f.p[best];
			f.p[best] = t;
		}
		sum += f.p[j];
		b->nfb++;
	}
	for (j = 0; j < b->nfb && sum > 0; j++)
		f.p[j] = (1 - FB_LAMBDA) * (double)(b->top_words ? b->top_words
								: 1) *
			 f.p[j] / sum;
	b->fb_terms = f.term;
	b->fb_weights = f.p;
	if (sum <= 0)
		b->nfb = 0;
	return NEWSIDX_OK;
}
