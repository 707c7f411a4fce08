/*
 * query/private.h: what the files of query/ that search share among
 * themselves: the results object, the state of a query being built, and
 * one section per file.  Private to query/; other layers use
 * query/query.h.
 *
 * A search goes through the files in this order: build.c turns the
 * parse tree into a Xapian query (with phrase.c for phrases and NEAR,
 * dates.c for date filters); run.c runs it; feedback.c may gather terms
 * for a second pass; results.c and facets.c copy what the page needs;
 * suggest.c proposes a spelling.  search.c holds the searches that
 * string these together; similar.c, show.c and explain.c are the other
 * entry points of the public API that read the index.
 */
#ifndef NEWSIDX_QUERY_PRIVATE_H
#define NEWSIDX_QUERY_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "analyzer/analyzer.h"
#include "query/query.h"
#include "store/store.h"
#include "util/util.h"
#include "xapc.h"

/* A wildcard expanding to more terms than this is a query error. */
#define WILDCARD_MAX 1000
/* The bonus that puts all-word matches ahead; larger than any BM25
 * score of a query, and taken off the scores reported. */
#define SOFT_BONUS 10000.0
/* RM3 pseudo-relevance feedback: the original query keeps FB_LAMBDA of
 * the weight (see feedback.c). */
#define FB_LAMBDA 0.7

/* The NEWSIDX_FACET_* bits, 0x01 to 0x100. */
#define NFACETS 9

/* The values copied with each hit, by their place in the list that
 * run.c asks for and results.c reads. */
enum { COPIED_GROUP, COPIED_DOC, NCOPIED };

struct newsidx_results {
	size_t total;
	int total_exact;
	/* The matches with every word (all of total unless ranked softly
	 * or relaxed). */
	size_t total_all;
	int relaxed;
	int time_limited; /* the search reached its time limit */
	size_t n;
	newsidx_hit_t *hits;
	struct newsidx_stored *stored;
	char **snippets;
	size_t **hl;
	char (*groups)[17];
	char *suggestion;
	/* Facet counts by NEWSIDX_FACET_* bit number; values point into
	 * facet_values. */
	newsidx_count_t *facet[NFACETS];
	size_t nfacet[NFACETS];
	/* Their display labels, parallel to facet[]: the value itself or
	 * a string of facet_values. */
	const char **facet_label[NFACETS];
	char **facet_values;
	size_t nfacet_values;
};

/* The shared answers of one position check (phrase.c). */
struct posmemo;

/* A query being built from a parse tree, and what the build found. */
/* The most languages besides the query's that a search stems its words
 * in (the index's commonest ones). */
#define XLANG_MAX 12

struct builder {
	struct newsidx_db *db;
	struct newsidx_analyzer *an;
	/* Search across languages: the analyzers of the other languages
	 * the index holds, when the search did not name its language
	 * (build.c, other_forms). */
	struct newsidx_analyzer *xl[XLANG_MAX];
	char xl_code[XLANG_MAX][24];
	size_t nxl;
	char lang[24]; /* the query's language: its "L" term's code */
	int plain_word; /* the text being built is a word as typed */
	int tags_known; /* 0: not looked; 1: the index has country tags;
			   -1: it has none (build.c, country_alias) */
	struct newsidx_stemset *stems;
	/* The title forms of the scored words, for the title boost. */
	xapc_query_t **title;
	size_t ntitle, captitle;
	int relax;
	int soft_ok;   /* the query may rank softly (no explicit AND) */
	int soft_short; /* and so may one of fewer than SOFT_WORDS parts */
	int soft;      /* it did: all-word matches carry SOFT_BONUS */
	int soft_long; /* and it has SOFT_WORDS parts or more */
	int top_words; /* scored parts of the top-level AND */
	int compact;   /* positions are in a value, not in Xapian */
	/* Phrases and NEAR built as the AND of their words, for the loose
	 * query of an estimated count (see newsidx_run__built). */
	int loose;
	int neg;       /* inside this many NOTs */
	int npos;      /* phrases and NEARs built */
	int pos_neg;   /* one of them under a NOT */
	size_t exact_up_to; /* see newsidx_search_options.exact_up_to */
	double time_limit; /* seconds for each pass over the matches; 0: none */
	/* The index's stem codes for the checks of a compact index, read
	 * at the first check built (codes_gen: which ones). */
	const struct newsidx_stemcodes *codes;
	int codes_loaded;
	unsigned codes_gen;
	/* Shared answers of the position checks, found by their content,
	 * so that the count query's checks reuse those of the page's
	 * (xapc_value_memo_new): only for searches that count in a second
	 * thread.  The count query's build only looks them up. */
	struct posmemo *memos;
	size_t nmemo, capmemo;
	int memo_make, memo_use;
	xapc_docid_t lastdocid;
	/* A soft query of two or three plain words of one term each, with
	 * nothing else at its top: its matches are the union of the terms,
	 * counted from their frequencies (xapc_db_count_union) instead of
	 * a pass over the union.  union_n: how many (0: not such a query). */
	size_t union_n;
	char union_terms[3][256];
	size_t union_lens[3];
	/* Run the page without counting its matches: the search counts them
	 * another way (union_n). */
	int no_count;
	/* Feedback terms and weights, added to the top-level query. */
	char (*fb_terms)[NEWSIDX_MAX_TOKEN * 4 + 8];
	double *fb_weights;
	size_t nfb;
	/* The feedback terms only reorder the query's matches (the
	 * automatic feedback of a short query): they add no article, so
	 * the matches and their count are those of the words typed. */
	int fb_rerank;
	newsidx_status_t st;
	char err[256];
};

/* Note that memory ran out (the first failure is the one kept); returns
 * NULL, for the builders' "return newsidx_build__nomem(b);". */
static inline xapc_query_t *newsidx_build__nomem(struct builder *b)
{
	if (!b->st)
		b->st = NEWSIDX_NOMEM;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* interface to query/build.c: from a parse tree to a Xapian query    */
/* ------------------------------------------------------------------ */

/* A token copied out of the analyzer callback. */
struct qtok {
	char text[NEWSIDX_MAX_TOKEN + 1];
	size_t len;
	size_t start, end; /* its bytes in the text tokenized */
	unsigned pos;
	unsigned flags;
};

struct qtoks {
	struct qtok *t;
	size_t n, cap;
};

/* Start a build for db: the handle must be usable; b gets the analyzer
 * of o->lang and the index's positions layout. */
newsidx_status_t newsidx_build__prepare(struct newsidx_db *db,
					const newsidx_search_options_t *o,
					struct builder *b);

/* newsidx_build__prepare(), then parse query into *root; a syntax error
 * or an empty query is described on the handle. */
newsidx_status_t newsidx_build__prepare_query(
	struct newsidx_db *db, const newsidx_search_options_t *o,
	const char *query, struct builder *b, struct newsidx_qnode **root);

/* The whole tree as one query: a lone NOT or filter still matches.
 * NULL when b->st says why. */
xapc_query_t *newsidx_build__top(struct builder *b,
				 const struct newsidx_qnode *root);

/* Let b rank root's plain words softly, as a search by o does (see
 * SOFT_WORDS in build.c); a build that matches articles for any other
 * purpose (deletes) requires every word. */
void newsidx_build__rank_softly(struct builder *b,
				const struct newsidx_qnode *root,
				const newsidx_search_options_t *o);

/* Boost recent articles and title matches, as the options ask. */
xapc_query_t *newsidx_build__boosts(struct builder *b, xapc_query_t *q,
				    const newsidx_search_options_t *o);

/* The analyzer's tokens of text, copied into out (out->t malloc'd).
 * Returns 0, or -1 with b->st set when out of memory. */
int newsidx_build__tokens(struct builder *b, const char *text,
			  struct qtoks *out);

/* Combine two queries, consuming both (NULL in, NULL out). */
xapc_query_t *newsidx_build__join2(struct builder *b, xapc_op_t op,
				   xapc_query_t *x, xapc_query_t *y);

/* Free the n queries of qs (not the array). */
void newsidx_build__free_all(xapc_query_t **qs, size_t n);

/* ------------------------------------------------------------------ */
/* interface to query/phrase.c: phrases and NEAR                      */
/* ------------------------------------------------------------------ */

/* A phrase (ordered) or NEAR (within window positions) over the term
 * queries subs[0..n) (borrowed), whose stems hash to h[]; title[i]: term
 * i counts in the title only. */
xapc_query_t *newsidx_phrase__query(struct builder *b, xapc_query_t **subs,
				    const uint64_t *h,
				    const unsigned char *title, size_t n,
				    unsigned window, int ordered);

/* Free the shared answers of the position checks b made. */
void newsidx_phrase__memos_free(struct builder *b);

/* ------------------------------------------------------------------ */
/* interface to query/dates.c: date filters                           */
/* ------------------------------------------------------------------ */

/* Articles dated in [lo, hi] ("YYYYMMDDhhmmss", "" for open). */
xapc_query_t *newsidx_dates__query(struct builder *b, const char *lo,
				   const char *hi);

/* since:Nu -> the start (UTC) of the day N units ago, as a date bound. */
void newsidx_dates__since(unsigned n, char unit, char out[16]);

/* The dates every match of the query tree n lies within: 1 with the
 * inclusive bounds in lo and hi (YYYYMMDDhhmmss, "" when open on that
 * side), 0 when the query does not restrict dates (an OR with an
 * operand that does not, a NOT). */
int newsidx_dates__bounds(const struct newsidx_qnode *n, char lo[16],
			  char hi[16]);

/* indexed: as a range of the indexing time or sequence values
 * (NEWSIDX_SLOT_INDEXED, NEWSIDX_SLOT_SEQ); NULL when out of memory,
 * with b->st set. */
xapc_query_t *newsidx_dates__indexed(struct builder *b,
				     const struct newsidx_qnode *n);

/* ------------------------------------------------------------------ */
/* interface to query/run.c: running a built query                    */
/* ------------------------------------------------------------------ */

/* The enquire parameters of a page from the options; spies receives the
 * facets' spies (room for NFACETS).  Options of version 3 or later with
 * limit 0 ask for counts only: no page. */
void newsidx_run__params(const newsidx_search_options_t *o,
			 xapc_enquire_params_t *p, xapc_spy_t *spies);

/* Run q with p, reopening and retrying when a writer changed the index;
 * errors are described on the handle. */
newsidx_status_t newsidx_run__query(struct newsidx_db *db,
				    const xapc_query_t *q,
				    xapc_enquire_params_t *p,
				    xapc_mset_t **m);

/* Run q, built by b from root, for the page, counting its matches as
 * the options ask (in a second thread for readers). */
newsidx_status_t newsidx_run__built(struct newsidx_db *db,
				    const struct builder *b,
				    const struct newsidx_qnode *root,
				    const xapc_query_t *q,
				    xapc_enquire_params_t *p, xapc_mset_t **m);

/* The matches of root with every word required, as built by b without
 * its soft ranking or feedback terms, into *n: for a search ranked
 * softly, how many of its matches have all the words.  *exact is 0 when
 * the count was estimated (see loose_query in run.c). */
newsidx_status_t newsidx_run__count_all(struct newsidx_db *db,
					const struct builder *b,
					const struct newsidx_qnode *root,
					size_t *n, int *exact);

/* ------------------------------------------------------------------ */
/* interface to query/results.c: the results object                   */
/* ------------------------------------------------------------------ */

/* Copy the hits of m, with their stored fields and snippets (of the
 * stems in stems), into r. */
newsidx_status_t newsidx_results__fill(struct newsidx_db *db,
				       struct newsidx_analyzer *an,
				       const xapc_mset_t *m,
				       const struct newsidx_stemset *stems,
				       const newsidx_search_options_t *o,
				       struct newsidx_results *r);

/* ------------------------------------------------------------------ */
/* interface to query/facets.c: facet counts                          */
/* ------------------------------------------------------------------ */

/* The spies counting the NEWSIDX_FACET_* bits in facets, into spies
 * (room for NFACETS), in bit order; returns how many. */
size_t newsidx_facets__spies(unsigned facets, xapc_spy_t *spies);

/* The spy of one facet (a single bit); all zero for an unknown one. */
void newsidx_facets__spy(unsigned facet, xapc_spy_t *spy);

/* The bit number of a single NEWSIDX_FACET_* bit, or -1. */
int newsidx_facets__bit(unsigned facet);

/* The labeller's label of a facet value into buf: 1, or 0 for none. */
int newsidx_facets__label(struct newsidx_db *db, unsigned facet,
			  const char *value, char *buf, size_t cap);

/* Copy the spies' exact counts into the results, per facet, with
 * their labels. */
newsidx_status_t newsidx_facets__fill(struct newsidx_db *db,
				      const newsidx_search_options_t *o,
				      const xapc_mset_t *m,
				      struct newsidx_results *r);

/* ------------------------------------------------------------------ */
/* interface to query/docwords.c: the words of a stored article       */
/* ------------------------------------------------------------------ */

/* Call fn with each word of an article and its count: its term list
 * when term_lists, else its stored title and body analysed again. */
void newsidx_docwords__each(struct newsidx_db *db, int term_lists,
			    xapc_doc_t *doc, xapc_term_cb fn, void *ctx);

/* ------------------------------------------------------------------ */
/* interface to query/feedback.c: RM3 pseudo-relevance feedback       */
/* ------------------------------------------------------------------ */

/* Run q (built by b) for its top hits and keep in b the terms of their
 * relevance model (b->fb_terms, b->fb_weights, b->nfb). */
newsidx_status_t newsidx_feedback__model(struct newsidx_db *db,
					 struct builder *b,
					 const xapc_query_t *q,
					 const xapc_enquire_params_t *base);

/* ------------------------------------------------------------------ */
/* interface to query/suggest.c: did you mean                         */
/* ------------------------------------------------------------------ */

/* Set r->suggestion to query, whose tree is root, with its unknown
 * words corrected, when the index suggests corrections. */
void newsidx_suggest__make(struct builder *b, const char *query,
			   const struct newsidx_qnode *root,
			   struct newsidx_results *r);

/* ------------------------------------------------------------------ */
/* interface to query/show.c: one article by its id                   */
/* ------------------------------------------------------------------ */

/* The docid of the article with this id, or 0 with *st saying why (on
 * the handle too). */
xapc_docid_t newsidx_show__docid(struct newsidx_db *db, const char *id,
				 newsidx_status_t *st);


#endif /* NEWSIDX_QUERY_PRIVATE_H */
