/*
 * search.c: from a query string to a page of ranked, copied hits.
 *
 * The parser (query.c) gives a syntax tree; this file turns it into a
 * Xapian query using the same analyzer and the same schema table as the
 * writer, so that a word is looked up exactly as it was indexed.  It
 * then runs the query with BM25, retries when a writer's commit made the
 * reader's view stale, falls back to any-word ranking when all-word
 * matching finds nothing, and copies each hit's stored fields and
 * snippet into memory owned by the results object.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "analyzer/analyzer.h"
#include "query/query.h"
#include "store/store.h"
#include "util/util.h"
#include "xapc.h"

#define MODIFIED_RETRIES 5
#define WILDCARD_MAX 1000
/* Queries of this many words or more rank all-word matches first, then
 * the rest, instead of requiring every word: long queries are questions,
 * and few articles contain every word of a question. */
#define SOFT_WORDS 4
/* The bonus that puts all-word matches ahead; larger than any BM25
 * score of a query, and taken off the scores reported. */
#define SOFT_BONUS 10000.0
/* RM3 pseudo-relevance feedback, as measured on TIME and Cranfield
 * (bench/eval): terms from the top FB_DOCS hits, FB_TERMS of them, the
 * original query keeping FB_LAMBDA of the weight. */
#define FB_DOCS 10
#define FB_TERMS 20
#define FB_LAMBDA 0.7

#define NFACETS 5

struct newsidx_results {
	size_t total;
	int total_exact;
	int relaxed;
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
	char **facet_values;
	size_t nfacet_values;
};

/* A built sub-query and how it combines with its siblings. */
struct part {
	xapc_query_t *q;
	int filter;   /* matches without scoring (fields, dates) */
	int negative; /* NOT x: q is x */
	int stopword; /* a lone stopword, dropped beside other words */
	int required; /* +word */
};

struct builder {
	struct newsidx_db *db;
	struct newsidx_analyzer *an;
	struct newsidx_stemset *stems;
	/* The title forms of the scored words, for the title boost. */
	xapc_query_t **title;
	size_t ntitle, captitle;
	int relax;
	int soft_ok;   /* the query may rank softly (no explicit AND) */
	int soft;      /* it did: all-word matches carry SOFT_BONUS */
	int top_words; /* scored parts of the top-level AND */
	int compact;   /* positions are in a value, not in Xapian */
	/* Phrases and NEAR built as the AND of their words, for the loose
	 * query of an estimated count (see run_built). */
	int loose;
	int neg;       /* inside this many NOTs */
	int npos;      /* phrases and NEARs built */
	int pos_neg;   /* one of them under a NOT */
	size_t exact_up_to; /* see newsidx_search_options.exact_up_to */
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
	/* Feedback terms and weights, added to the top-level query. */
	char (*fb_terms)[NEWSIDX_MAX_TOKEN * 4 + 8];
	double *fb_weights;
	size_t nfb;
	newsidx_status_t st;
	char err[256];
};

struct posmemo {
	unsigned char *key;
	size_t len;
	xapc_value_memo_t *memo;
};

static void memos_free(struct builder *b)
{
	size_t i;

	for (i = 0; i < b->nmemo; i++) {
		free(b->memos[i].key);
		xapc_value_memo_free(b->memos[i].memo);
	}
	free(b->memos);
	b->memos = NULL;
	b->nmemo = b->capmemo = 0;
}

/* The memo of a check with this content: found, or made when the build
 * may make one.  NULL when none (the check then works alone). */
static xapc_value_memo_t *memo_for(struct builder *b, const uint64_t *h,
				   const unsigned char *title, size_t n,
				   unsigned window, int ordered)
{
	size_t len = sizeof(unsigned) * 2 + n * (sizeof(*h) + 1), i;
	unsigned char *key;
	unsigned head[2] = { window, (unsigned)ordered };

	if (!b->memo_use && !b->memo_make)
		return NULL;
	key = malloc(len);
	if (!key)
		return NULL;
	memcpy(key, head, sizeof(head));
	memcpy(key + sizeof(head), h, n * sizeof(*h));
	for (i = 0; i < n; i++)
		key[sizeof(head) + n * sizeof(*h) + i] = title ? title[i] : 0;
	for (i = 0; i < b->nmemo; i++)
		if (b->memos[i].len == len &&
		    memcmp(b->memos[i].key, key, len) == 0) {
			free(key);
			return b->memos[i].memo;
		}
	if (!b->memo_make || b->nmemo == 64) {
		free(key);
		return NULL;
	}
	if (NEWSIDX_ARRAY_GROW(b->memos, b->nmemo, b->capmemo, 4)) {
		free(key);
		return NULL;
	}
	b->memos[b->nmemo].memo = xapc_value_memo_new(b->lastdocid);
	if (!b->memos[b->nmemo].memo) {
		free(key);
		return NULL;
	}
	b->memos[b->nmemo].key = key;
	b->memos[b->nmemo].len = len;
	return b->memos[b->nmemo++].memo;
}

/* A token copied out of the analyzer callback. */
struct qtok {
	char text[NEWSIDX_MAX_TOKEN + 1];
	size_t len;
	unsigned pos;
	unsigned flags;
};

struct qtoks {
	struct qtok *t;
	size_t n, cap;
};

static int keep_token(void *ctx, const struct newsidx_token *tok)
{
	struct qtoks *q = ctx;

	if (NEWSIDX_ARRAY_GROW(q->t, q->n, q->cap, 8))
		return -1;
	memcpy(q->t[q->n].text, tok->text, tok->len);
	q->t[q->n].text[tok->len] = '\0';
	q->t[q->n].len = tok->len;
	q->t[q->n].pos = tok->pos;
	q->t[q->n].flags = tok->flags;
	q->n++;
	return 0;
}

static int tokens(struct builder *b, const char *text, struct qtoks *out)
{
	memset(out, 0, sizeof(*out));
	if (newsidx_analyzer__tokenize(b->an, text, strlen(text), 1,
				       keep_token, out, NULL) != 0) {
		free(out->t);
		memset(out, 0, sizeof(*out));
		b->st = NEWSIDX_NOMEM;
		return -1;
	}
	return 0;
}

static xapc_query_t *nomem(struct builder *b)
{
	if (!b->st)
		b->st = NEWSIDX_NOMEM;
	return NULL;
}

/* The term for a text token: its stem, with the field's prefix. */
static xapc_query_t *text_term(struct builder *b, const char *prefix,
			       const struct qtok *t, unsigned pos,
			       uint64_t *hash)
{
	char term[NEWSIDX_MAX_TOKEN * 4 + 8];
	const char *stem;
	size_t slen, plen = strlen(prefix);
	xapc_query_t *q;

	stem = newsidx_analyzer__stem(b->an, t->text, t->len, &slen);
	if (!stem || plen + slen >= sizeof(term))
		return nomem(b);
	if (b->stems && newsidx_stemset__add(b->stems, stem, slen))
		return nomem(b);
	if (hash)
		*hash = newsidx_pos__hash(stem, slen);
	memcpy(term, prefix, plen);
	memcpy(term + plen, stem, slen);
	q = xapc_query_term(term, plen + slen, 1, pos);
	if (q && plen == 0 && b->title && b->ntitle < b->captitle &&
	    slen + 1 < sizeof(term)) {
		/* Remember "S"+stem: matches in titles can be boosted. */
		term[0] = 'S';
		memcpy(term + 1, stem, slen);
		b->title[b->ntitle] = xapc_query_term(term, slen + 1, 1, 0);
		if (b->title[b->ntitle])
			b->ntitle++;
	}
	return q ? q : nomem(b);
}

static xapc_query_t *combine(struct builder *b, xapc_op_t op,
			     xapc_query_t **subs, size_t n, unsigned window)
{
	xapc_query_t *q;

	if (n == 1 && op != XAPC_OP_PHRASE && op != XAPC_OP_NEAR) {
		q = subs[0];
		subs[0] = NULL;
		return q;
	}
	q = xapc_query_combine(op, subs, n, window);
	return q ? q : nomem(b);
}

static void free_all(xapc_query_t **qs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		xapc_query_free(qs[i]);
}

/*
 * A phrase (ordered: the terms at consecutive positions) or NEAR (in any
 * order, within a span of fewer than window positions) over the term
 * queries subs[0..n), whose stems hash to h[] (title[i]: term i counts
 * in the title only).  With a position table this is Xapian's PHRASE or
 * NEAR; a compact index keeps no Xapian positions, and it is the AND of
 * the terms filtered by a check of each candidate's position value (see
 * lib/positions.c).  subs are borrowed.
 */
static xapc_query_t *positional(struct builder *b, xapc_query_t **subs,
				const uint64_t *h, const unsigned char *title,
				size_t n, unsigned window, int ordered)
{
	struct newsidx_poscheck *c;
	xapc_query_t *pair[2], *q;
	char what[48];

	if (n > 1) {
		b->npos++;
		b->pos_neg |= b->neg > 0;
	}
	if (n == 1 || !b->compact || b->loose) {
		q = xapc_query_combine(n == 1 || b->loose ? XAPC_OP_AND
				       : ordered ? XAPC_OP_PHRASE
						 : XAPC_OP_NEAR,
				       subs, n, window);
		return q ? q : nomem(b);
	}
	if (!b->codes_loaded) {
		int bad;

		b->codes = newsidx_db__stemcodes(b->db, &bad);
		b->codes_gen = b->db->codes_gen;
		b->codes_loaded = 1;
		if (bad) {
			b->st = newsidx_db__fail(
				b->db, NEWSIDX_CORRUPT,
				"index %s has damaged stem codes; rebuild "
				"it: newsidx --index %s rebuild",
				b->db->path, b->db->path);
			return NULL;
		}
	}
	c = newsidx_pos__check_new(h, title, n, window, ordered, b->codes);
	if (!c)
		return nomem(b);
	/* The check owns c from here, also when it fails. */
	if (ordered)
		snprintf(what, sizeof(what), "PHRASE %zu (positions)", n);
	else
		snprintf(what, sizeof(what), "NEAR %u (positions)", window);
	pair[1] = xapc_query_value_match(NEWSIDX_SLOT_POS, newsidx_pos__match,
					 c, free, what,
					 memo_for(b, h, title, n, window,
						  ordered));
	pair[0] = pair[1] ? xapc_query_combine(XAPC_OP_AND, subs, n, 0)
			  : NULL;
	q = pair[0] ? xapc_query_combine(XAPC_OP_FILTER, pair, 2, 0) : NULL;
	xapc_query_free(pair[0]);
	xapc_query_free(pair[1]);
	return q ? q : nomem(b);
}

/* Combine two queries, consuming both (NULL in, NULL out). */
static xapc_query_t *join2(struct builder *b, xapc_op_t op, xapc_query_t *x,
			   xapc_query_t *y)
{
	xapc_query_t *pair[2] = { x, y }, *q = NULL;

	if (x && y)
		q = combine(b, op, pair, 2, 0);
	else
		nomem(b);
	xapc_query_free(x);
	xapc_query_free(y);
	return q;
}

#define SYNONYM_WEIGHT 0.25

/*
 * Add the synonyms of key (stems joined by spaces) to q: each synonym a
 * term or a phrase, all of them together at SYNONYM_WEIGHT, measured on
 * TIME and Cranfield to help where OP_SYNONYM's full weight hurt.
 */
static xapc_query_t *add_synonyms(struct builder *b, const char *prefix,
				  const char *key, xapc_query_t *q)
{
	char **syn = NULL, term[NEWSIDX_MAX_TOKEN * 4 + 8];
	xapc_query_t *alt[8], *parts[8];
	uint64_t hs[8];
	unsigned char title[8];
	size_t nsyn = 0, nalt = 0, i, plen = strlen(prefix);
	int x;

	if (!q)
		return q;
	x = newsidx_synonyms__of(b->db->x, key, &syn, &nsyn);
	if (x > 0) /* searched without them; the handle says why */
		newsidx_db__xfail(b->db, x, "reading");
	if (x || !nsyn) {
		free(syn);
		return q;
	}
	for (i = 0; i < nsyn; i++) {
		char *save = NULL, *w;
		size_t np = 0;

		for (w = strtok_r(syn[i], " ", &save); w && np < 8;
		     w = strtok_r(NULL, " ", &save)) {
			size_t wl = strlen(w);

			if (plen + wl >= sizeof(term))
				continue;
			memcpy(term, prefix, plen);
			memcpy(term + plen, w, wl);
			parts[np] = xapc_query_term(term, plen + wl, 1, 0);
			hs[np] = newsidx_pos__hash(w, wl);
			title[np] = plen > 0;
			if (parts[np])
				np++;
		}
		if (np && nalt < 8) {
			alt[nalt] = np == 1 ? parts[0]
					    : positional(b, parts, hs, title,
							 np, (unsigned)np, 1);
			if (np > 1)
				free_all(parts, np);
			if (alt[nalt])
				nalt++;
		} else {
			free_all(parts, np);
		}
		free(syn[i]);
	}
	free(syn);
	if (nalt) {
		xapc_query_t *any = combine(b, XAPC_OP_OR, alt, nalt, 0);
		xapc_query_t *scaled = any ? xapc_query_scale(any,
							      SYNONYM_WEIGHT)
					   : NULL;

		xapc_query_free(any);
		q = join2(b, XAPC_OP_OR, q, scaled);
	}
	free_all(alt, nalt);
	return q;
}

/* The synonym key of a word or phrase: its stems joined by spaces. */
static char *synonym_key(struct builder *b, const struct qtoks *tk)
{
	struct newsidx_buf k = { 0 };
	size_t i, slen;
	int rc = 0;

	for (i = 0; i < tk->n; i++) {
		const char *stem;

		if (tk->t[i].flags & NEWSIDX_TOK_JOINED)
			continue;
		stem = newsidx_analyzer__stem(b->an, tk->t[i].text,
					      tk->t[i].len, &slen);
		if (!stem)
			break;
		if (k.len)
			newsidx_buf__putc(&k, ' ', &rc);
		newsidx_buf__append(&k, stem, slen, &rc);
	}
	if (rc || i < tk->n) {
		newsidx_buf__free(&k);
		return NULL;
	}
	return k.data;
}

/*
 * Text words and phrases.  Compounds are searched as the phrase of their
 * parts or as the joined form, so "high-speed", "high speed" and
 * "highspeed" in a document all match "high-speed" in a query.
 */
static xapc_query_t *text_query(struct builder *b, const char *prefix,
				const char *text, int *stopword)
{
	struct qtoks tk;
	xapc_query_t **plain = NULL, **joined = NULL, *alt[2] = { 0 }, *q;
	uint64_t *ph = NULL, *jh = NULL;
	unsigned char *title = NULL;
	size_t i, np = 0, nj = 0, nalt = 0;
	int has_joined = 0;

	*stopword = 0;
	if (tokens(b, text, &tk))
		return NULL;
	if (tk.n == 0) {
		free(tk.t);
		return NULL;
	}
	plain = calloc(tk.n, sizeof(*plain));
	joined = calloc(tk.n, sizeof(*joined));
	ph = calloc(tk.n, sizeof(*ph));
	jh = calloc(tk.n, sizeof(*jh));
	title = malloc(tk.n);
	if (!plain || !joined || !ph || !jh || !title)
		goto oom;
	memset(title, *prefix != '\0', tk.n);
	for (i = 0; i < tk.n; i++) {
		const struct qtok *t = &tk.t[i];

		if (t->flags & NEWSIDX_TOK_JOINED) {
			/* Replace the parts just added by the joined form. */
			has_joined = 1;
			while (nj > 0 && tk.t[i - 1].pos >= t->pos &&
			       (tk.t[i - 1].flags & NEWSIDX_TOK_PART)) {
				size_t back = 0, j;

				for (j = i; j > 0 &&
					    (tk.t[j - 1].flags &
					     NEWSIDX_TOK_PART) &&
					    tk.t[j - 1].pos >= t->pos;
				     j--)
					back++;
				while (back-- > 0 && nj > 0)
					xapc_query_free(joined[--nj]);
				break;
			}
			joined[nj] = text_term(b, prefix, t, 0, &jh[nj]);
			if (!joined[nj++])
				goto oom;
			continue;
		}
		plain[np] = text_term(b, prefix, t, 0, &ph[np]);
		if (!plain[np++])
			goto oom;
		joined[nj] = text_term(b, prefix, t, 0, &jh[nj]);
		if (!joined[nj++])
			goto oom;
	}
	if (np == 1 && !has_joined) {
		*stopword = newsidx_analyzer__is_stopword(b->an, tk.t[0].text,
							  tk.t[0].len);
	}
	if (np == 1) {
		alt[nalt] = plain[0];
		plain[0] = NULL;
	} else {
		alt[nalt] = positional(b, plain, ph, title, np, (unsigned)np,
				       1);
	}
	if (!alt[nalt++])
		goto oom;
	if (has_joined) {
		if (nj == 1) {
			alt[nalt] = joined[0];
			joined[0] = NULL;
		} else {
			alt[nalt] = positional(b, joined, jh, title, nj,
					       (unsigned)nj, 1);
		}
		if (!alt[nalt++])
			goto oom;
	}
	free_all(plain, np);
	free_all(joined, nj);
	free(plain);
	free(joined);
	free(ph);
	free(jh);
	free(title);
	q = combine(b, XAPC_OP_OR, alt, nalt, 0);
	free_all(alt, nalt);
	if (q && !*stopword) {
		char *key = synonym_key(b, &tk);

		if (key)
			q = add_synonyms(b, prefix, key, q);
		free(key);
	}
	free(tk.t);
	return q;
oom:
	if (plain)
		free_all(plain, np);
	if (joined)
		free_all(joined, nj);
	free_all(alt, nalt);
	free(plain);
	free(joined);
	free(ph);
	free(jh);
	free(title);
	free(tk.t);
	return nomem(b);
}

/* Boolean field words: all the value's words must be present. */
static xapc_query_t *words_query(struct builder *b, const char *prefix,
				 const char *text)
{
	struct qtoks tk;
	xapc_query_t **qs;
	xapc_query_t *q;
	size_t i, n = 0;

	if (tokens(b, text, &tk))
		return NULL;
	if (tk.n == 0) {
		free(tk.t);
		return xapc_query_none();
	}
	qs = calloc(tk.n, sizeof(*qs));
	if (!qs) {
		free(tk.t);
		return nomem(b);
	}
	for (i = 0; i < tk.n; i++) {
		char term[NEWSIDX_MAX_TERM + 24];
		size_t len;

		if (tk.t[i].flags & NEWSIDX_TOK_JOINED)
			continue;
		len = newsidx_schema__term(term, prefix, tk.t[i].text,
					   tk.t[i].len);
		qs[n] = xapc_query_term(term, len, 1, 0);
		if (!qs[n++]) {
			free_all(qs, n);
			free(qs);
			free(tk.t);
			return nomem(b);
		}
	}
	q = combine(b, XAPC_OP_AND, qs, n, 0);
	free_all(qs, n);
	free(qs);
	free(tk.t);
	return q;
}

static xapc_query_t *exact_query(struct builder *b, const char *field,
				 const char *prefix, const char *text)
{
	char term[NEWSIDX_MAX_TERM + 24], low[16];
	size_t len, i;
	xapc_query_t *q;

	if (strcmp(field, "lang") == 0) {
		/* Codes are stored in lower case. */
		for (i = 0; i < sizeof(low) - 1 && text[i]; i++)
			low[i] = (char)((text[i] >= 'A' && text[i] <= 'Z')
						? text[i] + 32
						: text[i]);
		low[i] = '\0';
		text = low;
	}
	len = newsidx_schema__term(term, prefix, text, strlen(text));
	q = xapc_query_term(term, len, 1, 0);
	return q ? q : nomem(b);
}

static xapc_query_t *wildcard_query(struct builder *b, const char *prefix,
				    const char *text)
{
	struct qtoks tk;
	char pat[NEWSIDX_MAX_TOKEN * 4 + 8];
	xapc_query_t *q;

	if (tokens(b, text, &tk))
		return NULL;
	if (tk.n != 1 || strlen(prefix) + tk.t[0].len >= sizeof(pat)) {
		free(tk.t);
		/* "semi-con*": fall back to the words themselves. */
		return NULL;
	}
	snprintf(pat, sizeof(pat), "%s%s", prefix, tk.t[0].text);
	free(tk.t);
	q = xapc_query_wildcard(pat, strlen(pat), WILDCARD_MAX,
				XAPC_WILDCARD_LIMIT_ERROR);
	return q ? q : nomem(b);
}

/* since:Nu -> the start (UTC) of the day N units ago, as a date bound:
 * whole days, like every other date filter. */
static void since_bound(unsigned n, char unit, char out[16])
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
		nomem(b);
		return;
	}
	if (NEWSIDX_ARRAY_GROW(*v, *n, *cap, 32)) {
		xapc_query_free(q);
		nomem(b);
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
static xapc_query_t *date_query(struct builder *b, const char *lo,
				const char *hi)
{
	const char *l = lo[0] ? lo : "00000000000000";
	const char *h = hi[0] ? hi : "99999999999999";
	struct years y = { NULL, 0, 0, 0 };
	xapc_query_t **v = NULL, *q = NULL;
	size_t n = 0, cap = 0, i, k;
	int x;

	x = xapc_db_allterms(b->db->x, "Y", collect_year, &y);
	if (x || y.nomem) {
		free(y.v);
		if (!x)
			return nomem(b);
		b->st = newsidx_db__xfail(b->db, x, "reading");
		return NULL;
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
			nomem(b);
	} else if (!b->st) {
		q = n == 1 ? v[0] : xapc_query_combine(XAPC_OP_OR, v, n, 0);
		if (n == 1)
			n = 0; /* handed over */
		if (!q)
			nomem(b);
	}
	for (k = 0; k < n; k++)
		xapc_query_free(v[k]);
	free(v);
	free(y.v);
	return q;
}

static struct part build(struct builder *b, const struct newsidx_qnode *n,
			 int top);

static xapc_query_t *leaf_query(struct builder *b,
				const struct newsidx_qnode *n, int *filter,
				int *stopword)
{
	const struct newsidx_field *f = newsidx_schema__field(n->field);
	const char *prefix = "";

	*filter = 0;
	*stopword = 0;
	if (f && f->kind == NEWSIDX_FIELD_WORDS) {
		*filter = 1;
		return words_query(b, f->prefix, n->text);
	}
	if (f && f->kind == NEWSIDX_FIELD_EXACT) {
		*filter = 1;
		return exact_query(b, f->name, f->prefix, n->text);
	}
	if (f && f->kind == NEWSIDX_FIELD_TEXT)
		prefix = f->prefix;
	if (n->wildcard) {
		xapc_query_t *q = wildcard_query(b, prefix, n->text);

		if (q || b->st)
			return q;
	}
	return text_query(b, prefix, n->text, stopword);
}

/* NEAR: the terms of each word or phrase, within window words. */
static xapc_query_t *near_query(struct builder *b,
				const struct newsidx_qnode *n)
{
	xapc_query_t **qs = NULL;
	uint64_t *hs = NULL;
	unsigned char *title = NULL;
	size_t i, j, nq = 0, capq = 0, caph = 0, capt = 0;
	xapc_query_t *q = NULL;
	const char *prefix;

	for (i = 0; i < n->nkids; i++) {
		struct qtoks tk;
		const struct newsidx_field *f =
			newsidx_schema__field(n->kids[i]->field);

		prefix = f && f->kind == NEWSIDX_FIELD_TEXT ? f->prefix : "";
		if (!n->kids[i]->text || tokens(b, n->kids[i]->text, &tk))
			continue;
		for (j = 0; j < tk.n; j++) {
			if (tk.t[j].flags & NEWSIDX_TOK_JOINED)
				continue;
			if (NEWSIDX_ARRAY_GROW(qs, nq, capq, 8) ||
			    NEWSIDX_ARRAY_GROW(hs, nq, caph, 8) ||
			    NEWSIDX_ARRAY_GROW(title, nq, capt, 8)) {
				free(tk.t);
				nomem(b);
				goto out;
			}
			title[nq] = *prefix != '\0';
			qs[nq] = text_term(b, prefix, &tk.t[j], 0, &hs[nq]);
			if (!qs[nq++]) {
				free(tk.t);
				goto out;
			}
		}
		free(tk.t);
	}
	if (nq == 1)
		q = combine(b, XAPC_OP_AND, qs, 1, 0);
	else if (nq > 1)
		q = positional(b, qs, hs, title, nq,
			       (unsigned)(n->window + nq), 0);
out:
	free_all(qs, nq);
	free(qs);
	free(hs);
	free(title);
	return q;
}

/* The feedback terms joined to the scored query, which keeps FB_LAMBDA
 * of its weight. */
static xapc_query_t *add_feedback(struct builder *b, xapc_query_t *q)
{
	xapc_query_t **t = calloc(b->nfb, sizeof(*t)), *e;
	size_t i, n = 0;

	if (!t) {
		xapc_query_free(q);
		return nomem(b);
	}
	for (i = 0; i < b->nfb; i++) {
		xapc_query_t *one = xapc_query_term(b->fb_terms[i],
						    strlen(b->fb_terms[i]), 1,
						    0);

		t[n] = one ? xapc_query_scale(one, b->fb_weights[i]) : NULL;
		xapc_query_free(one);
		if (t[n])
			n++;
	}
	e = n ? combine(b, XAPC_OP_OR, t, n, 0) : NULL;
	free_all(t, n);
	free(t);
	if (!e)
		return q;
	return join2(b, XAPC_OP_OR, xapc_query_scale(q, FB_LAMBDA), e);
}

/* AND and OR nodes: combine kids by their kind. */
static xapc_query_t *group_query(struct builder *b,
				 const struct newsidx_qnode *n, int top,
				 int *filter)
{
	struct part *ps = calloc(n->nkids ? n->nkids : 1, sizeof(*ps));
	xapc_query_t **pos = calloc(n->nkids + 1, sizeof(*pos));
	xapc_query_t **req = calloc(n->nkids + 1, sizeof(*req));
	xapc_query_t **flt = calloc(n->nkids + 1, sizeof(*flt));
	xapc_query_t **neg = calloc(n->nkids + 1, sizeof(*neg));
	xapc_query_t *q = NULL, *t = NULL;
	size_t i, np = 0, nr = 0, nf = 0, nn = 0, nonstop = 0;
	int is_and = n->type == NEWSIDX_Q_AND;

	*filter = 0;
	if (!ps || !pos || !req || !flt || !neg) {
		nomem(b);
		goto out;
	}
	for (i = 0; i < n->nkids; i++) {
		ps[i] = build(b, n->kids[i], 0);
		if (b->st)
			goto out;
		if (ps[i].q && !ps[i].filter && !ps[i].negative &&
		    !ps[i].stopword)
			nonstop++;
	}
	for (i = 0; i < n->nkids; i++) {
		if (!ps[i].q)
			continue;
		if (ps[i].negative)
			neg[nn++] = ps[i].q;
		else if (is_and && ps[i].filter)
			flt[nf++] = ps[i].q;
		else if (is_and && ps[i].stopword && nonstop > 0)
			xapc_query_free(ps[i].q);
		else if (!is_and && ps[i].required)
			req[nr++] = ps[i].q;
		else
			pos[np++] = ps[i].q;
		ps[i].q = NULL;
	}
	if (top && is_and)
		b->top_words = (int)np;
	if (!is_and && nn > 0) {
		/* "a OR -b": everything but b counts as a match. */
		for (i = 0; i < nn; i++) {
			pos[np] = join2(b, XAPC_OP_AND_NOT, xapc_query_all(),
					neg[i]);
			neg[i] = NULL;
			if (!pos[np++])
				goto out;
		}
		nn = 0;
	}
	if (np > 0 && top && is_and && !b->relax && b->soft_ok &&
	    np >= SOFT_WORDS) {
		/* Any word matches; every word earns a bonus that ranks the
		 * article ahead of all partial matches. */
		q = join2(b, XAPC_OP_OR, combine(b, XAPC_OP_OR, pos, np, 0),
			  join2(b, XAPC_OP_FILTER,
				xapc_query_fixed_weight(SOFT_BONUS),
				combine(b, XAPC_OP_AND, pos, np, 0)));
		b->soft = 1;
	} else if (np > 0) {
		q = combine(b, is_and && !(top && b->relax) ? XAPC_OP_AND
							      : XAPC_OP_OR,
			    pos, np, 0);
	}
	if (q && top && b->nfb)
		q = add_feedback(b, q);
	if (nr > 0) {
		t = combine(b, XAPC_OP_AND, req, nr, 0);
		q = q ? join2(b, XAPC_OP_AND_MAYBE, t, q) : t;
		t = NULL;
		if (!q)
			goto out;
	}
	if (!q && nf > 0 && nn == 0) {
		/* Only filters: a boolean query. */
		q = combine(b, XAPC_OP_AND, flt, nf, 0);
		*filter = 1;
		goto out;
	}
	if (!q && !(q = xapc_query_all()))
		goto out_nomem;
	if (nf > 0 && !(q = join2(b, XAPC_OP_FILTER, q,
				  combine(b, XAPC_OP_AND, flt, nf, 0))))
		goto out;
	if (nn > 0)
		q = join2(b, XAPC_OP_AND_NOT, q,
			  combine(b, XAPC_OP_OR, neg, nn, 0));
	goto out;
out_nomem:
	nomem(b);
out:
	if (ps)
		for (i = 0; i < n->nkids; i++)
			xapc_query_free(ps[i].q);
	free_all(pos, np);
	free_all(req, nr);
	free_all(flt, nf);
	free_all(neg, nn);
	xapc_query_free(t);
	free(ps);
	free(pos);
	free(req);
	free(flt);
	free(neg);
	if (b->st) {
		xapc_query_free(q);
		return NULL;
	}
	return q;
}

static struct part build(struct builder *b, const struct newsidx_qnode *n,
			 int top)
{
	struct part p;

	memset(&p, 0, sizeof(p));
	if (b->st)
		return p;
	p.required = n->required;
	switch (n->type) {
	case NEWSIDX_Q_WORD:
	case NEWSIDX_Q_PHRASE:
		p.q = leaf_query(b, n, &p.filter, &p.stopword);
		if (p.required)
			p.stopword = 0;
		if (top && p.q && !p.filter)
			b->top_words = 1;
		break;
	case NEWSIDX_Q_AND:
	case NEWSIDX_Q_OR:
		p.q = group_query(b, n, top, &p.filter);
		break;
	case NEWSIDX_Q_NOT:
		if (n->nkids == 1) {
			struct part k;

			b->neg++;
			k = build(b, n->kids[0], 0);
			b->neg--;

			p.q = k.q;
			p.negative = 1;
		}
		break;
	case NEWSIDX_Q_NEAR:
		p.q = near_query(b, n);
		break;
	case NEWSIDX_Q_DATE:
		p.filter = 1;
		p.q = date_query(b, n->lo, n->hi);
		break;
	case NEWSIDX_Q_SINCE: {
		char lo[16];

		p.filter = 1;
		since_bound(n->since_n, n->since_unit, lo);
		p.q = date_query(b, lo, "");
		break;
	}
	}
	return p;
}

/* The whole tree as one query: a lone NOT or filter still matches. */
static xapc_query_t *build_top(struct builder *b,
			       const struct newsidx_qnode *root)
{
	struct part p = build(b, root, 1);

	if (b->st) {
		xapc_query_free(p.q);
		return NULL;
	}
	if (!p.q)
		return xapc_query_none();
	if (b->nfb && !p.negative && !p.filter && root->type != NEWSIDX_Q_AND &&
	    root->type != NEWSIDX_Q_OR)
		p.q = add_feedback(b, p.q);
	if (!p.negative)
		return p.q;
	return join2(b, XAPC_OP_AND_NOT, xapc_query_all(), p.q);
}

static newsidx_status_t parse(struct newsidx_db *db, const char *query,
			      struct newsidx_qnode **root)
{
	char err[256];
	size_t off = 0;
	newsidx_status_t st;

	st = newsidx_query__parse(query, root, &off, err, sizeof(err));
	if (st == NEWSIDX_QUERY_SYNTAX)
		return newsidx_db__fail(db, st,
					"query syntax error at column %zu: %s",
					off + 1, err);
	if (st)
		return newsidx_db__fail(db, st, "out of memory");
	if (!*root)
		return newsidx_db__fail(db, NEWSIDX_QUERY_SYNTAX,
					"empty query");
	return NEWSIDX_OK;
}

void newsidx_results_free(newsidx_results_t *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		newsidx_stored__clear(&r->stored[i]);
		free(r->snippets[i]);
		free(r->hl[i]);
	}
	free(r->stored);
	free(r->snippets);
	free(r->hl);
	free(r->hits);
	free(r->groups);
	free(r->suggestion);
	for (i = 0; i < NFACETS; i++)
		free(r->facet[i]);
	for (i = 0; i < r->nfacet_values; i++)
		free(r->facet_values[i]);
	free(r->facet_values);
	free(r);
}

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
					  xapc_enquire_params_t *p,
					  xapc_mset_t **m)
{
	newsidx_status_t st;
	int x = XAPC_OK, tries, by_path = 0;

	for (tries = 0; tries <= MODIFIED_RETRIES; tries++) {
		xapc_doccount_t count = 0;

		/* Searches see the latest commit; a writer committing or a
		 * generation switch never makes them fail. */
		st = newsidx_db__reopen(db, by_path);
		if (st)
			return st;
		x = xapc_db_doccount(db->x, &count);
		if (!x) {
			/* Facet counts need every match seen; the total, of
			 * every matching article, is made exact by a cheaper
			 * weightless count, and copies are folded only as far
			 * as the page needs. */
			p->check_at_least = p->n_spy_slots ? count : 0;
			p->exact_count = XAPC_COUNT_MATCHES;
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
	if (x)
		return newsidx_db__xfail(db, x, "searching");
	return NEWSIDX_OK;
}

static newsidx_status_t run_query(struct newsidx_db *db,
				  const xapc_query_t *q,
				  xapc_enquire_params_t *p, xapc_mset_t **m)
{
	return run_query_counted(db, q, NULL, NULL, p, m);
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

	/* The count's checks share the page's answers (memo_for); a
	 * loose query has none. */
	c.loose = loose;
	c.memo_make = 0;
	c.memo_use = loose ? 0 : b->memo_make;
	c.stems = &stems;
	c.title = title;
	c.ntitle = 0;
	c.captitle = sizeof(title) / sizeof(title[0]);
	c.st = NEWSIDX_OK;
	q = build_top(&c, root);
	free_all(title, c.ntitle);
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
	if (!b->npos || b->pos_neg || p->n_spy_slots ||
	    b->exact_up_to == SIZE_MAX)
		return NULL;
	return count_query(b, root, 1);
}

/* Run q, built by b from root, for the page.  A reader counts in a second
 * thread and, once the page is done, in this one, on two more copies of
 * the query (see run_query_counted).  A query with phrases counts them
 * exactly only up to b->exact_up_to candidates (see loose_query). */
static newsidx_status_t run_built(struct newsidx_db *db,
				  const struct builder *b,
				  const struct newsidx_qnode *root,
				  const xapc_query_t *q, xapc_enquire_params_t *p,
				  xapc_mset_t **m)
{
	xapc_query_t *cq = db->writable ? NULL : count_query(b, root, 0);
	xapc_query_t *cq2 = cq ? count_query(b, root, 0) : NULL;
	xapc_query_t *lq = loose_query(b, root, p);
	newsidx_status_t st;

	p->count_loose = lq;
	p->count_sample = lq ? (xapc_doccount_t)(b->exact_up_to > UINT32_MAX
							 ? UINT32_MAX
							 : b->exact_up_to)
			     : 0;
	st = run_query_counted(db, q, cq, cq2, p, m);
	p->count_loose = NULL;
	xapc_query_free(cq);
	xapc_query_free(cq2);
	xapc_query_free(lq);
	return st;
}

static newsidx_status_t fill_results(struct newsidx_db *db,
				     struct newsidx_analyzer *an,
				     const xapc_mset_t *m,
				     const struct newsidx_stemset *stems,
				     const newsidx_search_options_t *o,
				     struct newsidx_results *r)
{
	size_t i, n = xapc_mset_size(m);

	r->hits = calloc(n ? n : 1, sizeof(*r->hits));
	r->stored = calloc(n ? n : 1, sizeof(*r->stored));
	r->snippets = calloc(n ? n : 1, sizeof(*r->snippets));
	r->hl = calloc(n ? n : 1, sizeof(*r->hl));
	r->groups = calloc(n ? n : 1, sizeof(*r->groups));
	if (!r->hits || !r->stored || !r->snippets || !r->hl || !r->groups)
		return NEWSIDX_NOMEM;
	for (i = 0; i < n; i++) {
		struct newsidx_stored *s = &r->stored[i];
		newsidx_hit_t *h = &r->hits[i];
		size_t len, plen, nhl = 0;
		const char *data = xapc_mset_data(m, i, &len);
		const char *packed = xapc_mset_value(m, i, 1, &plen);
		const void *rec;
		newsidx_status_t st;

		st = newsidx_db__record(db, packed, plen, data, len, &rec,
					&len);
		if (!st)
			st = newsidx_docdata__decode(rec, len, o->snippets, s);
		if (st)
			return newsidx_db__fail(db, st,
						"document %u of %s has "
						"unreadable data",
						(unsigned)xapc_mset_docid(m, i),
						db->path);
		r->n = i + 1;
		if (o->snippets) {
			st = newsidx_snippet__make(
				an, s->body, s->body_len, stems,
				o->snippet_words, &r->snippets[i], &r->hl[i],
				&nhl);
			if (st)
				return st;
			free(s->body);
			s->body = NULL;
		}
		h->id = s->id;
		h->rank = (size_t)xapc_mset_rank(m, i) + 1;
		h->score = xapc_mset_weight(m, i);
		h->title = s->title;
		h->date = s->date;
		h->place = s->place;
		h->source = s->source;
		h->path = s->path;
		h->url = s->url;
		h->lang = s->lang;
		h->snippet = r->snippets[i] ? r->snippets[i] : "";
		h->highlights = r->hl[i];
		h->nhighlights = nhl;
		h->copies = xapc_mset_collapse_count(m, i);
		data = xapc_mset_value(m, i, 0, &len);
		if (data && len == 16)
			memcpy(r->groups[i], data, 16);
		h->group = r->groups[i];
	}
	return NEWSIDX_OK;
}

/* Copied for each hit: the group, and the packed record. */
static const xapc_slot_t copied_slots[2] = { NEWSIDX_SLOT_GROUP,
					     NEWSIDX_SLOT_DOC };

/* The value slot counted for each NEWSIDX_FACET_* bit number; years are
 * folded from months. */
static const xapc_slot_t facet_slot[NFACETS] = {
	NEWSIDX_SLOT_SOURCE, NEWSIDX_SLOT_PLACE, NEWSIDX_SLOT_LANG,
	NEWSIDX_SLOT_MONTH, NEWSIDX_SLOT_MONTH
};

static void set_params(const newsidx_search_options_t *o,
		       xapc_enquire_params_t *p, xapc_slot_t *spies)
{
	size_t i;

	p->bm25_k1 = o->bm25_k1 >= 0 ? o->bm25_k1 : 1.2;
	p->bm25_b = o->bm25_b >= 0 ? o->bm25_b : 0.75;
	p->first = (xapc_doccount_t)o->offset;
	p->maxitems = (xapc_doccount_t)(o->limit ? o->limit : 10);
	if (o->sort == NEWSIDX_SORT_NEWEST || o->sort == NEWSIDX_SORT_OLDEST) {
		p->sort = XAPC_SORT_VALUE_THEN_RELEVANCE;
		p->sort_slot = NEWSIDX_SLOT_DATE;
		p->sort_reverse = o->sort == NEWSIDX_SORT_NEWEST;
	}
	/* One hit per group of wire copies, with the count of the rest. */
	if (!o->all_copies) {
		p->collapse_slot = NEWSIDX_SLOT_GROUP;
		p->collapse_max = 1;
	}
	p->copy_values = copied_slots;
	p->n_copy_values = 2;
	p->n_spy_slots = 0;
	for (i = 0; i < NFACETS; i++)
		if (o->facets & (1u << i))
			spies[p->n_spy_slots++] = facet_slot[i];
	p->spy_slots = p->n_spy_slots ? spies : NULL;
}

static char *keep_value(struct newsidx_results *r, const char *v, size_t n)
{
	char *p = malloc(n + 1), **vv;

	if (!p)
		return NULL;
	memcpy(p, v, n);
	p[n] = '\0';
	vv = realloc(r->facet_values, (r->nfacet_values + 1) * sizeof(*vv));
	if (!vv) {
		free(p);
		return NULL;
	}
	r->facet_values = vv;
	vv[r->nfacet_values++] = p;
	return p;
}

static int cmp_count_value(const void *a, const void *b)
{
	return strcmp(((const newsidx_count_t *)a)->value,
		      ((const newsidx_count_t *)b)->value);
}

/* Copy the spies' exact counts into the results, per facet. */
static newsidx_status_t fill_facets(const newsidx_search_options_t *o,
				    const xapc_mset_t *m,
				    struct newsidx_results *r)
{
	size_t f, spy = 0, j, k, n;

	for (f = 0; f < NFACETS; f++) {
		int years = (1u << f) == NEWSIDX_FACET_YEAR;
		newsidx_count_t *c;

		if (!(o->facets & (1u << f)))
			continue;
		n = xapc_mset_facet_count(m, spy);
		c = calloc(n + 1, sizeof(*c));
		if (!c)
			return NEWSIDX_NOMEM;
		r->facet[f] = c;
		for (j = 0; j < n; j++) {
			const char *v;
			size_t len;
			xapc_doccount_t cnt;

			xapc_mset_facet(m, spy, j, &v, &len, &cnt);
			if (years && len > 4)
				len = 4;
			for (k = 0; k < r->nfacet[f]; k++)
				if (strlen(c[k].value) == len &&
				    memcmp(c[k].value, v, len) == 0)
					break;
			if (k == r->nfacet[f]) {
				c[k].value = keep_value(r, v, len);
				if (!c[k].value)
					return NEWSIDX_NOMEM;
				r->nfacet[f]++;
			}
			c[k].count += cnt;
		}
		/* Time reads in order; the rest most frequent first, as
		 * the spies give them. */
		if ((1u << f) == NEWSIDX_FACET_YEAR ||
		    (1u << f) == NEWSIDX_FACET_MONTH)
			qsort(c, r->nfacet[f], sizeof(*c), cmp_count_value);
		spy++;
	}
	return NEWSIDX_OK;
}

/* Boost recent articles and title matches, as the options ask. */
static xapc_query_t *add_boosts(struct builder *b, xapc_query_t *q,
				const newsidx_search_options_t *o)
{
	if (q && o->title_weight > 0 && b->ntitle > 0) {
		xapc_query_t *t = combine(b, XAPC_OP_OR, b->title, b->ntitle,
					  0);
		xapc_query_t *st = t ? xapc_query_scale(t, o->title_weight)
				     : NULL;

		xapc_query_free(t);
		q = join2(b, XAPC_OP_AND_MAYBE, q, st);
	}
	if (q && o->recent_halflife > 0) {
		char now[16];
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y%m%d%H%M%S", &tm);
		q = join2(b, XAPC_OP_AND_MAYBE, q,
			  xapc_query_date_decay(
				  NEWSIDX_SLOT_DATE, now, strlen(now),
				  o->recent_halflife,
				  o->recent_weight > 0 ? o->recent_weight
						       : 3.0));
	}
	return q;
}

/*
 * "Did you mean": each plain word of the query whose stem the index has
 * never seen is replaced by the spelling table's suggestion, splicing
 * the query text so that everything else stays as typed.
 */
static void suggest(struct builder *b, const char *query,
		    const struct newsidx_qnode *n, struct newsidx_buf *out,
		    size_t *copied, int *changed)
{
	size_t i;

	if (n->type == NEWSIDX_Q_AND || n->type == NEWSIDX_Q_OR ||
	    n->type == NEWSIDX_Q_NOT || n->type == NEWSIDX_Q_NEAR) {
		for (i = 0; i < n->nkids; i++)
			suggest(b, query, n->kids[i], out, copied, changed);
		return;
	}
	if ((n->type == NEWSIDX_Q_WORD || n->type == NEWSIDX_Q_PHRASE) &&
	    !n->field && !n->wildcard && n->text) {
		struct qtoks tk;
		size_t len = strlen(n->text), at = n->offset, j;
		const char *hit = strstr(query + at, n->text);
		int rc = 0;

		/* Phrases: check each word; words: as typed. */
		if (!hit || tokens(b, n->text, &tk))
			return;
		at = (size_t)(hit - query);
		for (j = 0; j < tk.n; j++) {
			const char *stem;
			size_t slen, wl;
			xapc_doccount_t tf = 1;
			char *fix = NULL;
			const char *w;

			if (tk.t[j].flags & (NEWSIDX_TOK_JOINED |
					     NEWSIDX_TOK_NUMBER))
				continue;
			stem = newsidx_analyzer__stem(b->an, tk.t[j].text,
						      tk.t[j].len, &slen);
			if (!stem || xapc_db_termfreq(b->db->x, stem, slen,
						      &tf) || tf > 0)
				continue;
			if (xapc_db_spelling_suggest(b->db->x, tk.t[j].text,
						     tk.t[j].len, 2, &fix) ||
			    !fix || !*fix) {
				free(fix);
				continue;
			}
			/* Replace the word where it stands in the query. */
			w = hit;
			wl = 0;
			{
				const char *p = query + at;
				const char *e = query + at + len;

				while (p < e) {
					size_t k = 0;

					while (p + k < e &&
					       p[k] != ' ' && p[k] != '"')
						k++;
					if (k == tk.t[j].len &&
					    strncasecmp(p, tk.t[j].text, k) == 0) {
						w = p;
						wl = k;
						break;
					}
					p += k ? k : 1;
				}
			}
			if (wl && (size_t)(w - query) >= *copied) {
				newsidx_buf__append(out, query + *copied,
						    (size_t)(w - query) - *copied,
						    &rc);
				newsidx_buf__puts(out, fix, &rc);
				*copied = (size_t)(w - query) + wl;
				*changed = 1;
			}
			free(fix);
		}
		free(tk.t);
	}
}

static void make_suggestion(struct builder *b, const char *query,
			    const struct newsidx_qnode *root,
			    struct newsidx_results *r)
{
	struct newsidx_buf out = { 0 };
	size_t copied = 0;
	int changed = 0, rc = 0;

	suggest(b, query, root, &out, &copied, &changed);
	if (changed) {
		newsidx_buf__puts(&out, query + copied, &rc);
		if (!rc && out.data && strcmp(out.data, query) != 0) {
			r->suggestion = out.data;
			return;
		}
	}
	newsidx_buf__free(&out);
}

/* Report BM25 scores: take the all-words bonus off. */
static void unbonus(struct newsidx_results *r, double bonus)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->hits[i].score >= bonus)
			r->hits[i].score -= bonus;
}

static newsidx_status_t prepare(struct newsidx_db *db,
				const newsidx_search_options_t *o,
				struct builder *b)
{
	memset(b, 0, sizeof(*b));
	b->db = db;
	if (newsidx_db__usable(db))
		return NEWSIDX_VERSION_MISMATCH;
	b->compact = newsidx_db__compact_positions(db);
	return newsidx_db__analyzer(db, o->lang, &b->an);
}

/* The analyzer for the query's language and the parsed query. */
static newsidx_status_t prepare_query(struct newsidx_db *db,
				      const newsidx_search_options_t *o,
				      const char *query, struct builder *b,
				      struct newsidx_qnode **root)
{
	newsidx_status_t st = prepare(db, o, b);

	return st ? st : parse(db, query, root);
}

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

/* The stems of an article analysed again, one after another. */
struct word_feed {
	struct newsidx_analyzer *an;
	char *buf;            /* the stems, each NUL-terminated */
	size_t len, cap;
	size_t *off;          /* where each starts in buf */
	size_t n, capoff;
	int nomem;
};

static int feed_token(void *ctx, const struct newsidx_token *tok)
{
	struct word_feed *f = ctx;
	size_t slen = 0;
	const char *stem =
		newsidx_analyzer__stem(f->an, tok->text, tok->len, &slen);

	if (!stem || f->nomem) {
		f->nomem = 1;
		return 1;
	}
	if (!slen)
		return 0;
	if (newsidx_array__reserve(&f->buf, &f->cap, f->len + slen + 1, 1,
				   8192) ||
	    NEWSIDX_ARRAY_GROW(f->off, f->n, f->capoff, 512)) {
		f->nomem = 1;
		return 1;
	}
	f->off[f->n++] = f->len;
	memcpy(f->buf + f->len, stem, slen);
	f->len += slen;
	f->buf[f->len++] = '\0';
	return 0;
}

static int cmp_word(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The words of an article with their counts: its term list, or, in an
 * index without term lists, its stored title and body analysed again
 * (each distinct stem once, with its count as the wdf).
 */
static void doc_words(struct newsidx_db *db, int term_lists, xapc_doc_t *doc,
		      xapc_term_cb fn, void *ctx)
{
	struct newsidx_stored s;
	struct word_feed f = { 0 };
	const void *rec;
	char **w;
	size_t rlen, i, j;

	if (term_lists) {
		xapc_doc_terms(doc, fn, ctx);
		return;
	}
	if (newsidx_db__doc_record(db, doc, &rec, &rlen) != NEWSIDX_OK ||
	    newsidx_docdata__decode(rec, rlen, 1, &s) != NEWSIDX_OK)
		return;
	if (newsidx_db__analyzer(db, s.lang, &f.an) != NEWSIDX_OK)
		f.an = db->an;
	if (s.title)
		newsidx_analyzer__tokenize(f.an, s.title, strlen(s.title), 1,
					   feed_token, &f, NULL);
	newsidx_analyzer__tokenize(f.an, s.body, s.body_len, 1, feed_token,
				   &f, NULL);
	newsidx_stored__clear(&s);
	w = f.nomem ? NULL : malloc((f.n + 1) * sizeof(*w));
	if (w) {
		for (i = 0; i < f.n; i++)
			w[i] = f.buf + f.off[i];
		qsort(w, f.n, sizeof(*w), cmp_word);
		for (i = 0; i < f.n; i = j) {
			for (j = i + 1; j < f.n && strcmp(w[i], w[j]) == 0; j++)
				;
			if (fn(ctx, w[i], strlen(w[i]), (unsigned)(j - i)))
				break;
		}
	}
	free(w);
	free(f.buf);
	free(f.off);
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
static newsidx_status_t feedback(struct newsidx_db *db, struct builder *b,
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
	p.sort = XAPC_SORT_RELEVANCE;
	st = run_query(db, q, &p, &m);
	if (st)
		return st;
	memset(&f, 0, sizeof(f));
	f.an = b->an;
	tl = newsidx_db__term_lists(db);
	n = xapc_mset_size(m);
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
		doc_words(db, tl, doc, text_length, &f.doclen);
		if (f.doclen <= 0) {
			xapc_doc_free(doc);
			continue;
		}
		f.share = bm25_of(b, xapc_mset_weight(m, i)) / total;
		doc_words(db, tl, doc, fb_term, &f);
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

/* Is AND written in the query as an operator?  Then the user asked for
 * every word, whatever the length. */
static int explicit_and(const char *q)
{
	const char *p = q;

	while ((p = strstr(p, "AND")) != NULL) {
		int before = p == q || strchr(" \t()\"", p[-1]);
		int after = p[3] == '\0' || strchr(" \t()\"", p[3]);

		if (before && after)
			return 1;
		p += 3;
	}
	return 0;
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
		st = search_once(out, db, query, opts, &bf);
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
	xapc_mset_t *m = NULL;
	xapc_query_t *q = NULL, *title[64];
	xapc_slot_t spies[NFACETS];
	struct builder b;
	newsidx_status_t st;

	if (!out || !db || !query)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	if (!db->x)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!opts)
		opts = &defaults;
	st = prepare_query(db, opts, query, &b, &root);
	if (st)
		return st;
	bf->compact = b.compact;
	set_params(opts, &p, spies);
	b.stems = &stems;
	b.title = title;
	b.captitle = sizeof(title) / sizeof(title[0]);
	b.soft_ok = !explicit_and(query);
	b.exact_up_to = opts->version >= 2 && opts->exact_up_to
				? opts->exact_up_to
				: NEWSIDX_EXACT_UP_TO;
	/* Readers count in a second thread: its position checks share the
	 * page's answers. */
	b.memo_make = b.compact && !db->writable &&
		      xapc_db_lastdocid(db->x, &b.lastdocid) == XAPC_OK;
	q = add_boosts(&b, build_top(&b, root), opts);
	if (q && (opts->feedback > 0 ||
		  (opts->feedback == 0 && b.soft &&
		   opts->sort == NEWSIDX_SORT_RELEVANCE))) {
		/* A second pass with the relevance model of the first. */
		st = feedback(db, &b, q, &p);
		if (st)
			goto out;
		if (b.nfb) {
			xapc_query_free(q);
			free_all(b.title, b.ntitle);
			b.ntitle = 0;
			b.soft = 0;
			newsidx_stemset__free(&stems);
			q = add_boosts(&b, build_top(&b, root), opts);
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
	st = run_built(db, &b, root, q, &p, &m);
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
		m = NULL;
		b.relax = 1;
		b.top_words = 0;
		free_all(b.title, b.ntitle);
		b.ntitle = 0;
		q = add_boosts(&b, build_top(&b, root), opts);
		if (!q) {
			st = newsidx_db__fail(db, NEWSIDX_NOMEM,
					      "out of memory");
			goto out;
		}
		st = run_built(db, &b, root, q, &p, &m);
		if (st)
			goto out;
		r->relaxed = 1;
	}
	r->total = xapc_mset_matches_estimated(m);
	r->total_exact = xapc_mset_matches_lower_bound(m) ==
			 xapc_mset_matches_upper_bound(m);
	st = fill_results(db, b.an, m, &stems, opts, r);
	if (!st && b.soft)
		unbonus(r, b.nfb ? SOFT_BONUS * FB_LAMBDA : SOFT_BONUS);
	if (!st)
		st = fill_facets(opts, m, r);
	if (!st && opts->suggest)
		make_suggestion(&b, query, root, r);
out:
	bf->codes_loaded = b.codes_loaded;
	bf->codes_gen = b.codes_gen;
	xapc_mset_free(m);
	xapc_query_free(q);
	free_all(b.title, b.ntitle);
	free(b.fb_terms);
	free(b.fb_weights);
	memos_free(&b);
	newsidx_query__free(root);
	newsidx_stemset__free(&stems);
	if (st) {
		newsidx_results_free(r);
		return st;
	}
	*out = r;
	return NEWSIDX_OK;
}

size_t newsidx_results_total(const newsidx_results_t *r)
{
	return r ? r->total : 0;
}

int newsidx_results_total_exact(const newsidx_results_t *r)
{
	return r ? r->total_exact : 0;
}

size_t newsidx_results_count(const newsidx_results_t *r)
{
	return r ? r->n : 0;
}

const newsidx_hit_t *newsidx_results_hit(const newsidx_results_t *r,
					 size_t i)
{
	return r && i < r->n ? &r->hits[i] : NULL;
}

int newsidx_results_relaxed(const newsidx_results_t *r)
{
	return r ? r->relaxed : 0;
}

size_t newsidx_results_facet(const newsidx_results_t *r, unsigned facet,
			     const newsidx_count_t **out)
{
	size_t i;

	if (out)
		*out = NULL;
	for (i = 0; r && i < NFACETS; i++)
		if (facet == (1u << i) && r->facet[i]) {
			if (out)
				*out = r->facet[i];
			return r->nfacet[i];
		}
	return 0;
}

const char *newsidx_results_suggestion(const newsidx_results_t *r)
{
	return r ? r->suggestion : NULL;
}

newsidx_status_t newsidx_query_explain(newsidx_db_t *db, const char *query,
				       const newsidx_search_options_t *opts,
				       char **out)
{
	newsidx_search_options_t defaults = NEWSIDX_SEARCH_OPTIONS_INIT;
	struct newsidx_qnode *root = NULL;
	struct newsidx_buf buf = { 0 };
	struct builder b;
	xapc_query_t *q;
	char *tree, *xq;
	newsidx_status_t st;
	int rc = 0;

	if (!db || !query || !out)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	if (!opts)
		opts = &defaults;
	st = prepare_query(db, opts, query, &b, &root);
	if (st)
		return st;
	q = build_top(&b, root);
	tree = newsidx_query__describe(root);
	xq = q ? xapc_query_describe(q) : NULL;
	newsidx_buf__printf(&buf, &rc, "parsed: %s\nxapian: %s\n",
			    tree ? tree : "?", xq ? xq : "?");
	free(tree);
	free(xq);
	xapc_query_free(q);
	newsidx_query__free(root);
	if (rc || !q) {
		newsidx_buf__free(&buf);
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	}
	*out = buf.data;
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
	st = prepare_query(db, &o, query, &b, &root);
	if (st)
		return st;
	q = build_top(&b, root);
	newsidx_query__free(root);
	if (!q)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	if (xapc_db_doccount(db->x, &count) == XAPC_OK)
		p.maxitems = count;
	p.weighting = XAPC_WEIGHT_BOOL;
	st = run_query(db, q, &p, &m);
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

static int first_posting(void *ctx, xapc_docid_t docid, xapc_termcount_t wdf)
{
	xapc_docid_t *found = ctx;

	(void)wdf;
	*found = docid;
	return 1;
}

/* Other articles in a near-duplicate group. */
static size_t count_group(struct newsidx_db *db, const char *group)
{
	xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
	xapc_query_t *q;
	xapc_mset_t *m = NULL;
	xapc_doccount_t count = 0;
	size_t n = 0;

	q = xapc_query_value_range(NEWSIDX_SLOT_GROUP, group, 16, group, 16);
	if (!q)
		return 0;
	xapc_db_doccount(db->x, &count);
	p.weighting = XAPC_WEIGHT_BOOL;
	p.maxitems = 0;
	p.check_at_least = count;
	if (xapc_db_query(db->x, q, &p, &m) == XAPC_OK)
		n = xapc_mset_matches_estimated(m);
	xapc_mset_free(m);
	xapc_query_free(q);
	return n > 0 ? n - 1 : 0;
}

/* The docid of the article with this id, or 0. */
static xapc_docid_t find_id(struct newsidx_db *db, const char *id,
			    newsidx_status_t *st)
{
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n = newsidx_schema__term(term, "Q", id, strlen(id));
	xapc_docid_t found = 0;
	int x;

	*st = newsidx_db__reopen(db, 0);
	if (*st)
		return 0;
	x = xapc_db_postings(db->x, term, n, first_posting, &found);
	if (x) {
		*st = newsidx_db__xfail(db, x, "reading");
		return 0;
	}
	if (!found)
		*st = newsidx_db__fail(db, NEWSIDX_NOT_FOUND,
				       "no article with id %s", id);
	return found;
}

/* The words that characterise an article, by their count in it and their
 * rarity in the index, for an index without term lists (which Xapian's
 * expansion needs). */
#define SIM_TERMS 24

struct sim_acc {
	struct newsidx_db *db;
	struct newsidx_analyzer *an;
	double ndocs;
	char term[SIM_TERMS][NEWSIDX_MAX_TOKEN * 4 + 8];
	double w[SIM_TERMS];
	size_t n;
};

static int sim_word(void *ctx, const char *term, size_t len, unsigned wdf)
{
	struct sim_acc *a = ctx;
	unsigned char c = (unsigned char)term[0];
	xapc_doccount_t tf = 0;
	double w;
	size_t i;

	if (len < 2 || len >= sizeof(a->term[0]) || wdf == 0 ||
	    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    newsidx_analyzer__is_stopword(a->an, term, len) ||
	    xapc_db_termfreq(a->db->x, term, len, &tf) || tf == 0)
		return 0;
	w = (double)wdf * log((a->ndocs + 1) / tf);
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

newsidx_status_t newsidx_article_similar(newsidx_results_t **out, newsidx_db_t *db,
				 const char *id,
				 const newsidx_search_options_t *opts)
{
	newsidx_search_options_t defaults = NEWSIDX_SEARCH_OPTIONS_INIT;
	xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
	xapc_expand_params_t ep = XAPC_EXPAND_PARAMS_INIT;
	struct newsidx_stemset stems = { 0 };
	struct newsidx_results *r = NULL;
	xapc_slot_t spies[NFACETS];
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
	st = prepare(db, opts, &b);
	if (st)
		return st;
	docid = find_id(db, id, &st);
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

		sim = calloc(1, sizeof(*sim));
		if (!sim)
			return newsidx_db__fail(db, NEWSIDX_NOMEM,
						"out of memory");
		sim->db = db;
		sim->an = b.an;
		xapc_db_doccount(db->x, &all);
		sim->ndocs = all;
		x = xapc_db_get_doc(db->x, docid, &doc);
		if (x) {
			xapc_doc_free(doc);
			free(sim);
			return newsidx_db__xfail(db, x, "reading");
		}
		doc_words(db, 0, doc, sim_word, sim);
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
			self = join2(&b, XAPC_OP_OR, self,
				     xapc_query_value_range(NEWSIDX_SLOT_GROUP,
							    g, 16, g, 16));
		xapc_doc_free(doc);
	}
	q = nterms ? xapc_query_combine(XAPC_OP_OR, terms, nterms, 0)
	      : xapc_query_none();
	q = join2(&b, XAPC_OP_AND_NOT, q, self);
	self = NULL;
	if (!q) {
		st = newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
		goto out;
	}
	set_params(opts, &p, spies);
	p.sort = XAPC_SORT_RELEVANCE;
	st = run_query(db, q, &p, &m);
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
	st = fill_results(db, b.an, m, &stems, opts, r);
	if (!st)
		st = fill_facets(opts, m, r);
out:
	if (terms)
		free_all(terms, nterms);
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

struct shown {
	newsidx_article_t pub;
	struct newsidx_stored s;
	char group[17];
};

void newsidx_article_free(newsidx_article_t *a)
{
	struct shown *sh = (struct shown *)a;

	if (!sh)
		return;
	newsidx_stored__clear(&sh->s);
	free(sh);
}

newsidx_status_t newsidx_article_get(newsidx_article_t **out, newsidx_db_t *db,
			      const char *id)
{
	struct shown *sh;
	xapc_doc_t *doc = NULL;
	xapc_docid_t docid;
	newsidx_status_t st;
	const char *data, *packed, *g;
	const void *rec;
	size_t len, plen = 0, glen = 0;
	int x;

	if (!out || !db || !db->x || !id)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	if (newsidx_db__usable(db))
		return NEWSIDX_VERSION_MISMATCH;
	docid = find_id(db, id, &st);
	if (!docid)
		return st;
	sh = calloc(1, sizeof(*sh));
	if (!sh)
		return NEWSIDX_NOMEM;
	x = xapc_db_get_doc(db->x, docid, &doc);
	data = x ? NULL : xapc_doc_data(doc, &len);
	packed = data ? xapc_doc_value(doc, NEWSIDX_SLOT_DOC, &plen) : NULL;
	if (!data || !packed) {
		st = newsidx_db__xfail(db, x ? x : XAPC_ERR_XAPIAN, "reading");
		goto fail;
	}
	st = newsidx_db__record(db, packed, plen, data, len, &rec, &len);
	if (!st)
		st = newsidx_docdata__decode(rec, len, 1, &sh->s);
	if (st) {
		st = newsidx_db__fail(db, st, "article %s has unreadable data",
				      id);
		goto fail;
	}
	g = xapc_doc_value(doc, NEWSIDX_SLOT_GROUP, &glen);
	if (g && glen == 16)
		memcpy(sh->group, g, 16);
	xapc_doc_free(doc);
	sh->pub.id = sh->s.id;
	sh->pub.title = sh->s.title;
	sh->pub.date = sh->s.date;
	sh->pub.place = sh->s.place;
	sh->pub.source = sh->s.source;
	sh->pub.path = sh->s.path;
	sh->pub.url = sh->s.url;
	sh->pub.lang = sh->s.lang;
	sh->pub.authors = sh->s.authors;
	sh->pub.topics = sh->s.topics;
	sh->pub.body = sh->s.body;
	sh->pub.body_len = sh->s.body_len;
	sh->pub.group = sh->group;
	sh->pub.copies = 0;
	if (sh->group[0])
		sh->pub.copies = count_group(db, sh->group);
	*out = &sh->pub;
	return NEWSIDX_OK;
fail:
	xapc_doc_free(doc);
	newsidx_article_free(&sh->pub);
	return st;
}
