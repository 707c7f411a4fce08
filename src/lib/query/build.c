/*
 * build.c: from a parse tree to a Xapian query.
 *
 * The parser (query.c) gives a syntax tree; this file turns it into a
 * Xapian query using the same analyzer and the same schema table as the
 * writer, so that a word is looked up exactly as it was indexed: words
 * and phrases with their compounds and synonyms, field values,
 * wildcards, NEAR, and the AND, OR and NOT that join them, with the
 * soft ranking of long queries, the feedback terms of a second pass and
 * the title and recency boosts.  Phrases are made by phrase.c and date
 * filters by dates.c; running the query is run.c's job.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "query/private.h"
#include "geo/geo.h"

/*
 * How a query of words ranks.  The plain words of the top level (typed
 * without a field, '+', quotes or a wildcard) rank softly: every article
 * with all of them comes first, ranked exactly as if all were required,
 * and below them the articles with some of them, by BM25 (each word
 * matched adds its weight).  The other parts of the query (phrases,
 * +words, field words, groups in parentheses) stay required, and
 * filters filter.  A query with AND written anywhere requires every
 * word.
 *
 * Queries of SOFT_WORDS parts or more were ranked softly before any
 * other (long queries are questions, few articles contain every word of
 * one) and keep their ways: every part soft when ranking by date too,
 * and relevance feedback that widens the matches by default (search.c).
 * Shorter queries rank softly only when ranking by relevance: a list by
 * date of articles with only some of the words would mix them with the
 * others.  Their feedback only reorders the matches of the words typed.
 * With newsidx_search_options.relax at 0 every word is required.
 */
#define SOFT_WORDS 4

/* A built sub-query and how it combines with its siblings. */
struct part {
	xapc_query_t *q;
	int filter;   /* matches without scoring (fields, dates) */
	int negative; /* NOT x: q is x */
	int stopword; /* a lone stopword, dropped beside other words */
	int required; /* +word */
	int plain;    /* a word as typed: no field, '+' or wildcard */
	int scored;   /* group_query: one of the parts that score */
};

static int keep_token(void *ctx, const struct newsidx_token *tok)
{
	struct qtoks *q = ctx;

	if (NEWSIDX_ARRAY_GROW(q->t, q->n, q->cap, 8))
		return -1;
	memcpy(q->t[q->n].text, tok->text, tok->len);
	q->t[q->n].text[tok->len] = '\0';
	q->t[q->n].len = tok->len;
	q->t[q->n].start = tok->start;
	q->t[q->n].end = tok->end;
	q->t[q->n].pos = tok->pos;
	q->t[q->n].flags = tok->flags;
	q->n++;
	return 0;
}

int newsidx_build__tokens(struct builder *b, const char *text,
			  struct qtoks *out)
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

/*
 * Search across languages.  Each article is stemmed in its own
 * language, so a word typed in another language than the query's
 * ("sanktionen" in an English search) finds nothing under the query's
 * stem.  When a search does not name its language, each word is also
 * stemmed in every other language the index holds, and a form that
 * differs and occurs joins the word as an alternative, weighted by how
 * well it fits: by its share of the articles that hold the word's form
 * in their own language (the other form in articles of that language,
 * the query's form in articles of the query's language).  A word whose
 * query-language form no article of that language has ("sanktionen") is
 * read wholly in the language that has it; an English word that another
 * stemmer cuts to a stem of its own ("rates" to the German "rat") keeps
 * its English reading, and the other form is left out when it fits less
 * than XLANG_MIN_FIT.  The counts stop at XLANG_COUNT_CAP articles.
 */
#define XLANG_MIN_FIT 0.2
#define XLANG_COUNT_CAP 250

struct lang_seen {
	char code[XLANG_MAX][24];
	unsigned freq[XLANG_MAX];
	size_t n;
};

static int keep_lang(void *ctx, const char *term, size_t len,
		     unsigned count)
{
	struct lang_seen *l = ctx;
	size_t i, at;

	if (len < 2 || len - 1 >= sizeof(l->code[0]) || count == 0)
		return 0;
	/* Keep the XLANG_MAX commonest, in order of frequency. */
	for (at = 0; at < l->n && l->freq[at] >= count; at++)
		;
	if (at == XLANG_MAX)
		return 0;
	if (l->n < XLANG_MAX)
		l->n++;
	for (i = l->n - 1; i > at; i--) {
		memcpy(l->code[i], l->code[i - 1], sizeof(l->code[i]));
		l->freq[i] = l->freq[i - 1];
	}
	memcpy(l->code[at], term + 1, len - 1);
	l->code[at][len - 1] = '\0';
	l->freq[at] = count;
	return 0;
}

static newsidx_status_t other_languages(struct builder *b)
{
	struct lang_seen l = { .n = 0 };
	const char *mine = newsidx_analyzer__stemmer_name(b->an);
	size_t i, j;

	/* A reader keeps the list until it sees a new commit: asking walks
	 * the index's language terms, a round trip to each remote shard
	 * of a set. */
	if (!b->db->writable && b->db->langs) {
		memcpy(&l, b->db->langs, sizeof(l));
	} else {
		if (xapc_db_allterms(b->db->x, NEWSIDX_PREFIX_LANG, keep_lang,
				     &l) != XAPC_OK)
			return NEWSIDX_OK; /* the query's language only */
		if (!b->db->writable) {
			b->db->langs = malloc(sizeof(l));
			if (b->db->langs)
				memcpy(b->db->langs, &l, sizeof(l));
		}
	}
	for (i = 0; i < l.n && b->nxl < XLANG_MAX; i++) {
		struct newsidx_analyzer *a;
		const char *name;

		if (newsidx_db__analyzer(b->db, l.code[i], &a) != NEWSIDX_OK)
			continue; /* a language without an analyzer */
		name = newsidx_analyzer__stemmer_name(a);
		if (!name || (mine && strcmp(name, mine) == 0))
			continue;
		for (j = 0; j < b->nxl; j++)
			if (strcmp(newsidx_analyzer__stemmer_name(b->xl[j]),
				   name) == 0)
				break;
		if (j == b->nxl) {
			memcpy(b->xl_code[b->nxl], l.code[i], sizeof(l.code[i]));
			b->xl[b->nxl++] = a;
		}
	}
	return NEWSIDX_OK;
}

/* How many articles in language code hold term, up to XLANG_COUNT_CAP
 * (0 also when the count fails: the form is then left out). */
static unsigned lang_freq(struct builder *b, const char *term, size_t len,
			  const char *code)
{
	xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
	char lt[32];
	xapc_query_t *sub[2], *q;
	xapc_mset_t *m = NULL;
	unsigned n = 0;
	int ll = snprintf(lt, sizeof(lt), NEWSIDX_PREFIX_LANG "%s", code);

	sub[0] = xapc_query_term(term, len, 1, 0);
	sub[1] = xapc_query_term(lt, (size_t)ll, 1, 0);
	q = sub[0] && sub[1] ? xapc_query_combine(XAPC_OP_AND, sub, 2, 0)
			     : NULL;
	xapc_query_free(sub[0]);
	xapc_query_free(sub[1]);
	if (!q)
		return 0;
	p.weighting = XAPC_WEIGHT_BOOL;
	p.maxitems = 0;
	p.check_at_least = XLANG_COUNT_CAP;
	p.docid_order = XAPC_DOCID_DONT_CARE;
	if (xapc_db_query(b->db->x, q, &p, &m) == XAPC_OK)
		n = (unsigned)xapc_mset_matches_lower_bound(m);
	xapc_mset_free(m);
	xapc_query_free(q);
	return n;
}

static unsigned term_freq(struct builder *b, const char *term, size_t len)
{
	xapc_doccount_t n = 0;

	if (xapc_db_termfreq(b->db->x, term, len, &n) != XAPC_OK)
		return 0;
	return (unsigned)n;
}

/*
 * The word t, whose query-language term is q (prefix + stem, its
 * document frequency fq), with the forms of the index's other languages
 * added as weighted alternatives.  Takes q; NULL when out of memory.
 */
static xapc_query_t *other_forms(struct builder *b, const char *prefix,
				 const struct qtok *t, xapc_query_t *q)
{
	char seen[XLANG_MAX][NEWSIDX_MAX_TOKEN * 4 + 8], term[sizeof(seen[0])];
	xapc_query_t *alt[XLANG_MAX + 1];
	size_t plen = strlen(prefix), nseen = 0, nalt = 0, i, j, slen;
	unsigned fq = 0;
	int have_fq = 0;
	const char *stem;

	if (b->nxl == 0 || !q)
		return q;
	stem = newsidx_analyzer__stem(b->an, t->text, t->len, &slen);
	if (!stem || plen + slen >= sizeof(term))
		return q;
	memcpy(seen[nseen], prefix, plen);
	memcpy(seen[nseen] + plen, stem, slen);
	seen[nseen][plen + slen] = '\0';
	nseen++;
	alt[nalt++] = q;
	for (i = 0; i < b->nxl; i++) {
		unsigned f;
		double fit;
		xapc_query_t *x, *s;

		stem = newsidx_analyzer__stem(b->xl[i], t->text, t->len, &slen);
		if (!stem || plen + slen >= sizeof(term))
			continue;
		memcpy(term, prefix, plen);
		memcpy(term + plen, stem, slen);
		term[plen + slen] = '\0';
		for (j = 0; j < nseen && strcmp(seen[j], term) != 0; j++)
			;
		if (j < nseen)
			continue;
		memcpy(seen[nseen++], term, plen + slen + 1);
		/* The cheap test first: most forms no article has. */
		if (term_freq(b, term, plen + slen) == 0)
			continue;
		f = lang_freq(b, term, plen + slen, b->xl_code[i]);
		if (f == 0)
			continue;
		if (!have_fq) {
			fq = lang_freq(b, seen[0], strlen(seen[0]), b->lang);
			have_fq = 1;
		}
		fit = fq == 0 ? 1.0 : (double)f / ((double)f + fq);
		if (fit < XLANG_MIN_FIT)
			continue;
		if (b->stems && newsidx_stemset__add(b->stems, stem, slen))
			goto oom;
		x = xapc_query_term(term, plen + slen, 1, 0);
		if (!x)
			goto oom;
		if (fit < 1.0) {
			s = xapc_query_scale(x, fit);
			xapc_query_free(x);
			if (!s)
				goto oom;
			x = s;
		}
		alt[nalt++] = x;
	}
	if (nalt == 1)
		return q;
	q = xapc_query_combine(XAPC_OP_OR, alt, nalt, 0);
	newsidx_build__free_all(alt, nalt);
	return q ? q : newsidx_build__nomem(b);
oom:
	newsidx_build__free_all(alt, nalt);
	return newsidx_build__nomem(b);
}

/* The term for a text token: its stem, with the field's prefix. */
static xapc_query_t *text_term(struct builder *b, const char *prefix,
			       const struct qtok *t, int alone, uint64_t *hash)
{
	char term[NEWSIDX_MAX_TOKEN * 4 + 8];
	const char *stem;
	size_t slen, plen = strlen(prefix);
	xapc_query_t *q;

	stem = newsidx_analyzer__stem(b->an, t->text, t->len, &slen);
	if (!stem || plen + slen >= sizeof(term))
		return newsidx_build__nomem(b);
	if (alone && b->stems && newsidx_stemset__add(b->stems, stem, slen))
		return newsidx_build__nomem(b);
	if (hash)
		*hash = newsidx_pos__hash(stem, slen);
	memcpy(term, prefix, plen);
	memcpy(term + plen, stem, slen);
	q = xapc_query_term(term, plen + slen, 1, 0);
	if (q && plen == 0 && b->title && b->ntitle < b->captitle &&
	    slen + 1 < sizeof(term)) {
		/* Remember "S"+stem: matches in titles can be boosted. */
		term[0] = 'S';
		memcpy(term + 1, stem, slen);
		b->title[b->ntitle] = xapc_query_term(term, slen + 1, 1, 0);
		if (b->title[b->ntitle])
			b->ntitle++;
	}
	return q ? q : newsidx_build__nomem(b);
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
	return q ? q : newsidx_build__nomem(b);
}

void newsidx_build__free_all(xapc_query_t **qs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		xapc_query_free(qs[i]);
}

/* Combine two queries, consuming both (NULL in, NULL out). */
xapc_query_t *newsidx_build__join2(struct builder *b, xapc_op_t op,
				   xapc_query_t *x, xapc_query_t *y)
{
	xapc_query_t *pair[2] = { x, y }, *q = NULL;

	if (x && y)
		q = combine(b, op, pair, 2, 0);
	else
		newsidx_build__nomem(b);
	xapc_query_free(x);
	xapc_query_free(y);
	return q;
}

#define SYNONYM_WEIGHT 0.25

/*
 * Whether the one-word synonym w is another form of the word key
 * rather than another word: their stems share a start of four letters
 * or more that leaves at most one letter of the shorter out ("russia",
 * "russian"; "china", "chines").  In the bundled table that is exactly
 * the countries and their adjectives, which the stemmer does not join.
 */
static int variant(const char *key, const char *w)
{
	size_t kl = strlen(key), wl = strlen(w), k = 0;
	size_t shorter = kl < wl ? kl : wl;

	if (strchr(key, ' '))
		return 0;
	while (k < shorter && key[k] == w[k])
		k++;
	return k >= 4 && k + 1 >= shorter;
}

/*
 * Add the synonyms of key (stems joined by spaces) to q: each synonym a
 * term or a phrase, all of them together at SYNONYM_WEIGHT, measured on
 * TIME and Cranfield to help where OP_SYNONYM's full weight hurt.  A
 * synonym that is another form of the same word (see variant) joins q
 * under OP_SYNONYM instead, as if it were the word: an article about
 * Russia that says "Russian" five times and "Russia" once is as much
 * about Russia as one that says "Russia" six times.
 */
static xapc_query_t *add_synonyms(struct builder *b, const char *prefix,
				  const char *key, xapc_query_t *q)
{
	char **syn = NULL, term[NEWSIDX_MAX_TOKEN * 4 + 8];
	xapc_query_t *alt[8], *parts[8], *same[8];
	uint64_t hs[8];
	unsigned char title[8];
	size_t nsyn = 0, nalt = 0, nsame = 0, i, plen = strlen(prefix);
	int x;

	if (!q)
		return q;
	x = newsidx_synonyms__of(b->db->syn ? b->db->syn : b->db->x, key,
				 &syn, &nsyn);
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
		if (np == 1 && nsame < 7 && variant(key, syn[i])) {
			/* The snippet marks it as the word itself. */
			same[nsame++] = parts[0];
			if (b->stems && newsidx_stemset__add(b->stems, syn[i],
							     strlen(syn[i])))
				newsidx_build__nomem(b);
		} else if (np && nalt < 8) {
			alt[nalt] =
			    np == 1
				? parts[0]
				: newsidx_phrase__query(b, parts, hs, title, np,
							(unsigned)np, 1);
			if (np > 1)
				newsidx_build__free_all(parts, np);
			if (alt[nalt])
				nalt++;
		} else {
			newsidx_build__free_all(parts, np);
		}
		free(syn[i]);
	}
	free(syn);
	if (nsame) {
		xapc_query_t *one;

		/* combine() copies: q and the variants are freed here. */
		memmove(same + 1, same, nsame * sizeof(*same));
		same[0] = q;
		one = combine(b, XAPC_OP_SYNONYM, same, nsame + 1, 0);
		newsidx_build__free_all(same, nsame + 1);
		q = one;
		if (!q) {
			newsidx_build__free_all(alt, nalt);
			return NULL;
		}
	}
	if (nalt) {
		xapc_query_t *any = combine(b, XAPC_OP_OR, alt, nalt, 0);
		xapc_query_t *scaled = any ? xapc_query_scale(any,
							      SYNONYM_WEIGHT)
					   : NULL;

		xapc_query_free(any);
		q = newsidx_build__join2(b, XAPC_OP_OR, q, scaled);
	}
	newsidx_build__free_all(alt, nalt);
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
 * Tell the snippet which words to mark: the tokens idx[0..n) of tk are
 * one word, marked wherever it stands, or a phrase, whose words are
 * marked only where they stand together.
 */
static void highlight_words(struct builder *b, const struct qtoks *tk,
			    const size_t *idx, size_t n)
{
	char **stem;
	size_t *len, i, k = 0;
	const char *st;

	if (!b->stems || n == 0)
		return;
	if (n == 1) {
		st = newsidx_analyzer__stem(b->an, tk->t[idx[0]].text,
					    tk->t[idx[0]].len, &i);
		if (!st || newsidx_stemset__add(b->stems, st, i))
			newsidx_build__nomem(b);
		return;
	}
	stem = calloc(n, sizeof(*stem));
	len = calloc(n, sizeof(*len));
	/* The analyzer's stem is only good until its next call: copy. */
	for (k = 0; stem && len && k < n; k++) {
		st = newsidx_analyzer__stem(b->an, tk->t[idx[k]].text,
					    tk->t[idx[k]].len, &len[k]);
		stem[k] = st ? newsidx_strndup(st, len[k]) : NULL;
		if (!stem[k])
			break;
	}
	if (k < n || newsidx_stemset__add_phrase(
			     b->stems, (const char *const *)stem, len, n))
		newsidx_build__nomem(b);
	for (i = 0; stem && i < k; i++)
		free(stem[i]);
	free(stem);
	free(len);
}

/*
 * Text words and phrases.  Compounds are searched as the phrase of their
 * parts or as the joined form, so "high-speed", "high speed" and
 * "highspeed" in a document all match "high-speed" in a query.
 */
/*
 * A word that names a country ("japan", "japanese", "nippon", "日本")
 * also finds the articles tagged with that country (country:JP) that
 * lack the word, below those that have it: they score COUNTRY_SHARE of
 * the tag's idf, about half of what one occurrence of the word gives,
 * and an article with the word keeps the word's own weight.  Only in an
 * index that holds country tags.
 */
#define COUNTRY_SHARE 0.5

static int any_term(void *ctx, const char *term, size_t len, unsigned count)
{
	(void)term;
	(void)len;
	(void)count;
	*(int *)ctx = 1;
	return 1; /* one is enough */
}

static xapc_query_t *country_alias(struct builder *b, const struct qtok *t,
				   xapc_query_t *q)
{
	const struct newsidx_gaz *g;
	struct newsidx_geo_hit hit;
	char term[8];
	xapc_query_t *sub[2], *alias, *both;
	xapc_doccount_t n = 0;
	unsigned tf;
	double idf;
	int tagged = 0;

	/* A reader keeps the answer until it sees a new commit (for a set
	 * asking is a round trip to a shard). */
	if (b->tags_known == 0 && !b->db->writable)
		b->tags_known = b->db->set_tags;
	if (b->tags_known == 0) {
		xapc_db_allterms(b->db->x, NEWSIDX_PREFIX_COUNTRY, any_term,
				 &tagged);
		b->tags_known = tagged ? 1 : -1;
		if (!b->db->writable)
			b->db->set_tags = b->tags_known;
	}
	if (b->tags_known < 0)
		return q;
	g = newsidx_db__gazetteer(b->db);
	if (!g || !newsidx_gaz__lookup(g, t->text, t->len, &hit))
		return q;
	if ((hit.kind != NEWSIDX_GEO_COUNTRY &&
	     hit.kind != NEWSIDX_GEO_DEMONYM &&
	     hit.kind != NEWSIDX_GEO_ALIAS) ||
	    !hit.code || strlen(hit.code) != 2)
		return q;
	snprintf(term, sizeof(term), NEWSIDX_PREFIX_COUNTRY "%s", hit.code);
	tf = term_freq(b, term, strlen(term));
	if (tf == 0 || xapc_db_doccount(b->db->x, &n) != XAPC_OK || n <= tf)
		return q;
	idf = log(((double)n - tf + 0.5) / (tf + 0.5));
	if (idf <= 0)
		return q;
	sub[0] = xapc_query_fixed_weight(COUNTRY_SHARE * idf);
	sub[1] = xapc_query_term(term, strlen(term), 1, 0);
	alias = sub[0] && sub[1]
			? xapc_query_combine(XAPC_OP_FILTER, sub, 2, 0)
			: NULL;
	xapc_query_free(sub[0]);
	xapc_query_free(sub[1]);
	if (!alias) {
		xapc_query_free(q);
		return newsidx_build__nomem(b);
	}
	{
		/* Xapian 1.4.22's OP_MAX reads freed memory when one of its
		 * subqueries ends early: over several databases (a shard),
		 * and in one database under the pruning of the default
		 * query (it crashed "unlimited belgium paper" on a WARC of
		 * the speed benchmark).  So the tag weighs only the
		 * articles without the word, and the word its own. */
		sub[0] = alias;
		sub[1] = q;
		both = xapc_query_combine(XAPC_OP_AND_NOT, sub, 2, 0);
		xapc_query_free(alias);
		if (!both) {
			xapc_query_free(q);
			return newsidx_build__nomem(b);
		}
		alias = both;
		sub[0] = q;
		sub[1] = alias;
		both = xapc_query_combine(XAPC_OP_OR, sub, 2, 0);
	}
	xapc_query_free(q);
	xapc_query_free(alias);
	return both ? both : newsidx_build__nomem(b);
}

/* 1 when one of the phrase's words has a stem, in b->an's language,
 * that no article has. */
static int phrase_missing(struct builder *b, const char *prefix,
			  const struct qtoks *tk, const size_t *idx, size_t n)
{
	char term[NEWSIDX_MAX_TOKEN * 4 + 8];
	size_t plen = strlen(prefix), k, slen;
	const char *stem;

	for (k = 0; k < n; k++) {
		stem = newsidx_analyzer__stem(b->an, tk->t[idx[k]].text,
					      tk->t[idx[k]].len, &slen);
		if (!stem || plen + slen >= sizeof(term))
			return 1;
		memcpy(term, prefix, plen);
		memcpy(term + plen, stem, slen);
		if (term_freq(b, term, plen + slen) == 0)
			return 1;
	}
	return 0;
}

/*
 * A phrase across languages: when one of its words is unknown in the
 * query's language ("sanktionen gegen russland" in an English search),
 * the phrase is read in the first other language of the index in which
 * every word occurs, and replaces q (which could match nothing).
 * Takes q; NULL when out of memory.
 */
static xapc_query_t *other_phrase(struct builder *b, const char *prefix,
				  const struct qtoks *tk, const size_t *idx,
				  size_t n, const unsigned char *title,
				  xapc_query_t *q)
{
	struct newsidx_analyzer *mine = b->an;
	xapc_query_t **subs, **boosts = b->title, *p = NULL;
	uint64_t *h;
	size_t i, k = 0;

	if (!q || b->nxl == 0 || !phrase_missing(b, prefix, tk, idx, n))
		return q;
	for (i = 0; i < b->nxl; i++) {
		b->an = b->xl[i];
		if (!phrase_missing(b, prefix, tk, idx, n))
			break;
	}
	if (i == b->nxl) {
		b->an = mine;
		return q;
	}
	subs = calloc(n, sizeof(*subs));
	h = calloc(n, sizeof(*h));
	b->title = NULL; /* the title boost keeps the query's forms */
	for (k = 0; subs && h && k < n; k++) {
		subs[k] = text_term(b, prefix, &tk->t[idx[k]], 0, &h[k]);
		if (!subs[k])
			break;
	}
	if (k == n) {
		p = newsidx_phrase__query(b, subs, h, title, n, (unsigned)n,
					  1);
		highlight_words(b, tk, idx, n);
	}
	b->title = boosts;
	b->an = mine;
	if (subs)
		newsidx_build__free_all(subs, k);
	free(subs);
	free(h);
	if (!p) {
		xapc_query_free(q);
		return newsidx_build__nomem(b);
	}
	xapc_query_free(q);
	return p;
}

static xapc_query_t *text_query(struct builder *b, const char *prefix,
				const char *text, int *stopword)
{
	struct qtoks tk;
	xapc_query_t **plain = NULL, **joined = NULL, *alt[2] = { 0 }, *q;
	uint64_t *ph = NULL, *jh = NULL;
	size_t *pidx = NULL, *jidx = NULL;
	unsigned char *title = NULL;
	size_t i, np = 0, nj = 0, nalt = 0;
	int has_joined = 0;

	*stopword = 0;
	if (newsidx_build__tokens(b, text, &tk))
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
	pidx = calloc(tk.n, sizeof(*pidx));
	jidx = calloc(tk.n, sizeof(*jidx));
	if (!plain || !joined || !ph || !jh || !title || !pidx || !jidx)
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
			jidx[nj] = i;
			joined[nj] = text_term(b, prefix, t, 0, &jh[nj]);
			if (!joined[nj++])
				goto oom;
			continue;
		}
		pidx[np] = i;
		plain[np] = text_term(b, prefix, t, 0, &ph[np]);
		if (!plain[np++])
			goto oom;
		jidx[nj] = i;
		joined[nj] = text_term(b, prefix, t, 0, &jh[nj]);
		if (!joined[nj++])
			goto oom;
	}
	if (np == 1 && !has_joined) {
		*stopword = newsidx_analyzer__is_stopword(b->an, tk.t[0].text,
							  tk.t[0].len);
	}
	if (np == 1) {
		alt[nalt] = other_forms(b, prefix, &tk.t[pidx[0]], plain[0]);
		plain[0] = NULL;
	} else {
		alt[nalt] = other_phrase(
			b, prefix, &tk, pidx, np, title,
			newsidx_phrase__query(b, plain, ph, title, np,
					      (unsigned)np, 1));
	}
	if (!alt[nalt++])
		goto oom;
	if (has_joined) {
		if (nj == 1) {
			alt[nalt] = joined[0];
			joined[0] = NULL;
		} else {
			alt[nalt] = newsidx_phrase__query(b, joined, jh, title,
							  nj, (unsigned)nj, 1);
		}
		if (!alt[nalt++])
			goto oom;
	}
	highlight_words(b, &tk, pidx, np);
	if (has_joined)
		highlight_words(b, &tk, jidx, nj);
	newsidx_build__free_all(plain, np);
	newsidx_build__free_all(joined, nj);
	free(plain);
	free(joined);
	free(ph);
	free(jh);
	free(pidx);
	free(jidx);
	free(title);
	q = combine(b, XAPC_OP_OR, alt, nalt, 0);
	newsidx_build__free_all(alt, nalt);
	if (q && !*stopword) {
		char *key = synonym_key(b, &tk);

		if (key)
			q = add_synonyms(b, prefix, key, q);
		free(key);
		if (q && b->plain_word && np == 1 && !has_joined &&
		    *prefix == '\0')
			q = country_alias(b, &tk.t[0], q);
	}
	free(tk.t);
	return q;
oom:
	if (plain)
		newsidx_build__free_all(plain, np);
	if (joined)
		newsidx_build__free_all(joined, nj);
	newsidx_build__free_all(alt, nalt);
	free(plain);
	free(joined);
	free(ph);
	free(jh);
	free(pidx);
	free(jidx);
	free(title);
	free(tk.t);
	return newsidx_build__nomem(b);
}

/* Boolean field words: all the value's words must be present. */
static xapc_query_t *words_query(struct builder *b, const char *prefix,
				 const char *text)
{
	struct qtoks tk;
	xapc_query_t **qs;
	xapc_query_t *q;
	size_t i, n = 0;

	if (newsidx_build__tokens(b, text, &tk))
		return NULL;
	if (tk.n == 0) {
		free(tk.t);
		return xapc_query_none();
	}
	qs = calloc(tk.n, sizeof(*qs));
	if (!qs) {
		free(tk.t);
		return newsidx_build__nomem(b);
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
			newsidx_build__free_all(qs, n);
			free(qs);
			free(tk.t);
			return newsidx_build__nomem(b);
		}
	}
	q = combine(b, XAPC_OP_AND, qs, n, 0);
	newsidx_build__free_all(qs, n);
	free(qs);
	free(tk.t);
	return q;
}

static xapc_query_t *exact_query(struct builder *b, const char *field,
				 const char *prefix, const char *text)
{
	char term[NEWSIDX_MAX_TERM + 24], low[16], geo[NEWSIDX_MAX_TERM];
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
	if (strcmp(prefix, NEWSIDX_PREFIX_COUNTRY) == 0 ||
	    strcmp(prefix, NEWSIDX_PREFIX_ORG) == 0 ||
	    strcmp(prefix, NEWSIDX_PREFIX_PERSON) == 0) {
		/* Any name the gazetteer knows: country:japan, :JP,
		 * :japanese and :日本 are one term. */
		newsidx_gaz__field_value(newsidx_db__gazetteer(b->db), field,
					 text, geo, sizeof(geo));
		text = geo;
	}
	len = newsidx_schema__term(term, prefix, text, strlen(text));
	q = xapc_query_term(term, len, 1, 0);
	return q ? q : newsidx_build__nomem(b);
}

static xapc_query_t *wildcard_query(struct builder *b, const char *prefix,
				    const char *text)
{
	struct qtoks tk;
	char pat[NEWSIDX_MAX_TOKEN * 4 + 8];
	xapc_query_t *q;

	if (newsidx_build__tokens(b, text, &tk))
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
	return q ? q : newsidx_build__nomem(b);
}

static struct part build(struct builder *b, const struct newsidx_qnode *n,
			 int top);

static xapc_query_t *leaf_query(struct builder *b,
				const struct newsidx_qnode *n, int *filter,
				int *stopword)
{
	const struct newsidx_field *f = newsidx_schema__field(n->field);
	const char *prefix = "";
	xapc_query_t *q;

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
		q = wildcard_query(b, prefix, n->text);
		if (q || b->st)
			return q;
	}
	b->plain_word = n->type == NEWSIDX_Q_WORD && !n->required && !f;
	q = text_query(b, prefix, n->text, stopword);
	b->plain_word = 0;
	return q;
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
		if (!n->kids[i]->text ||
		    newsidx_build__tokens(b, n->kids[i]->text, &tk))
			continue;
		for (j = 0; j < tk.n; j++) {
			if (tk.t[j].flags & NEWSIDX_TOK_JOINED)
				continue;
			if (NEWSIDX_ARRAY_GROW(qs, nq, capq, 8) ||
			    NEWSIDX_ARRAY_GROW(hs, nq, caph, 8) ||
			    NEWSIDX_ARRAY_GROW(title, nq, capt, 8)) {
				free(tk.t);
				newsidx_build__nomem(b);
				goto out;
			}
			title[nq] = *prefix != '\0';
			qs[nq] = text_term(b, prefix, &tk.t[j], 1, &hs[nq]);
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
		q = newsidx_phrase__query(b, qs, hs, title, nq,
					  (unsigned)(n->window + nq), 0);
out:
	newsidx_build__free_all(qs, nq);
	free(qs);
	free(hs);
	free(title);
	return q;
}

/* The feedback terms joined to the scored query, which keeps FB_LAMBDA
 * of its weight: as weight for the query's own matches, or, for
 * b->fb_widen, as more matches too. */
static xapc_query_t *add_feedback(struct builder *b, xapc_query_t *q)
{
	xapc_query_t **t = calloc(b->nfb, sizeof(*t)), *e, *s;
	size_t i, n = 0;

	if (!t) {
		xapc_query_free(q);
		return newsidx_build__nomem(b);
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
	newsidx_build__free_all(t, n);
	free(t);
	if (!e)
		return q;
	/* The scaled query is a new one: q itself is done with.  By
	 * default the feedback terms weigh the articles the query matches
	 * and add none: the total stays that of the words typed, and the
	 * pass is led by their postings, not by those of the model's common
	 * words.  Feedback asked for also finds articles by its terms. */
	s = xapc_query_scale(q, FB_LAMBDA);
	xapc_query_free(q);
	return newsidx_build__join2(
	    b, b->fb_widen ? XAPC_OP_OR : XAPC_OP_AND_MAYBE, s, e);
}

/*
 * Proximity: two plain words of the query that stand next to each other
 * as typed earn PROX_WEIGHT of their weight again in an article where
 * they stand within PROX_SLACK words of each other, in any order, so
 * that an article holding "high-speed railway" ranks above one that
 * says "high-speed" here and "railway" there.  PROX_WEIGHT is the one
 * parameter.  Measured with bench/eval (bench/README.md), every weight
 * tried lowered MAP on TIME, Cranfield and Reuters, so it is off (0);
 * build with CPPFLAGS=-DPROX_WEIGHT=0.25 to measure it again.
 */
#ifndef PROX_WEIGHT
#define PROX_WEIGHT 0
#endif
#define PROX_SLACK 2

/* NEAR over the words of the texts x and y, within PROX_SLACK. */
static xapc_query_t *near_pair(struct builder *b, const char *x,
			       const char *y)
{
	const char *text[2] = { x, y };
	xapc_query_t *qs[16], *q = NULL;
	uint64_t hs[16];
	unsigned char title[16] = { 0 };
	size_t nq = 0, i, j;
	xapc_query_t **boost = b->title;

	/* The words' title boosts are in the query already. */
	b->title = NULL;
	for (i = 0; i < 2; i++) {
		struct qtoks tk;

		if (newsidx_build__tokens(b, text[i], &tk))
			goto out;
		for (j = 0; j < tk.n && nq < 16; j++) {
			if (tk.t[j].flags & NEWSIDX_TOK_JOINED)
				continue;
			qs[nq] = text_term(b, "", &tk.t[j], 0, &hs[nq]);
			if (!qs[nq++]) {
				free(tk.t);
				goto out;
			}
		}
		free(tk.t);
	}
	if (nq >= 2)
		q = newsidx_phrase__query(b, qs, hs, title, nq,
					  (unsigned)(nq + PROX_SLACK), 0);
out:
	b->title = boost;
	newsidx_build__free_all(qs, nq);
	return q;
}

/* The proximity bonus of the plain words of n (ps tells which), scaled
 * by weight, or NULL when there is no pair. */
static xapc_query_t *proximity(struct builder *b,
			       const struct newsidx_qnode *n,
			       const struct part *ps, double weight)
{
	xapc_query_t *pairs[32], *any, *q;
	size_t i, np = 0, prev = (size_t)-1;

	for (i = 0; i < n->nkids && np < 32; i++) {
		if (!ps[i].plain || !ps[i].scored || !n->kids[i]->text)
			continue;
		if (prev != (size_t)-1) {
			pairs[np] = near_pair(b, n->kids[prev]->text,
					      n->kids[i]->text);
			if (b->st)
				break;
			if (pairs[np])
				np++;
		}
		prev = i;
	}
	if (b->st || np == 0) {
		newsidx_build__free_all(pairs, np);
		return NULL;
	}
	any = combine(b, XAPC_OP_OR, pairs, np, 0);
	newsidx_build__free_all(pairs, np);
	q = any ? xapc_query_scale(any, weight) : NULL;
	xapc_query_free(any);
	return q;
}

/*
 * The soft form of the top-level AND of pos[0..np) (see SOFT_WORDS):
 * any plain word matches, the AND of them all earns SOFT_BONUS, which
 * ranks the article ahead of every partial match, and the other parts
 * stay required.  The parts are told apart through ps (the kids in
 * order; pos holds those of them that score, in the same order).  NULL,
 * with nothing consumed, when fewer than two plain words would rank
 * softly and the query stays strict.
 */
static xapc_query_t *soft_query(struct builder *b,
				const struct newsidx_qnode *n,
				const struct part *ps, size_t nkids,
				xapc_query_t **pos, size_t np)
{
	xapc_query_t **plain = calloc(np, sizeof(*plain));
	xapc_query_t **must = calloc(np, sizeof(*must));
	xapc_query_t *q = NULL, *m = NULL;
	size_t i, k = 0, nplain = 0, nmust = 0;

	if (!plain || !must) {
		free(plain);
		free(must);
		return newsidx_build__nomem(b);
	}
	/* pos holds the queries of the kids marked scored, in order. */
	for (i = 0; i < nkids && k < np; i++) {
		if (!ps[i].scored)
			continue;
		if (ps[i].plain)
			plain[nplain++] = pos[k++];
		else
			must[nmust++] = pos[k++];
	}
	b->union_n = 0;
	if (nplain >= 2 && nplain <= 3 && nmust == 0 && PROX_WEIGHT <= 0) {
		/* Its matches may be counted as a union of terms. */
		for (i = 0; i < nplain; i++) {
			b->union_lens[i] = xapc_query_term_of(
			    plain[i], b->union_terms[i],
			    sizeof(b->union_terms[i]));
			if (!b->union_lens[i])
				break;
		}
		if (i == nplain)
			b->union_n = nplain;
	}
	if (nplain >= 2) {
		q = newsidx_build__join2(
		    b, XAPC_OP_OR, combine(b, XAPC_OP_OR, plain, nplain, 0),
		    newsidx_build__join2(
			b, XAPC_OP_FILTER, xapc_query_fixed_weight(SOFT_BONUS),
			combine(b, XAPC_OP_AND, plain, nplain, 0)));
		if (q && PROX_WEIGHT > 0) {
			xapc_query_t *near = proximity(b, n, ps, PROX_WEIGHT);

			if (near)
				q = newsidx_build__join2(b, XAPC_OP_OR, q, near);
		}
		if (q && nmust) {
			/* A fresh handle even for one part, which pos keeps
			 * (combine() would take it). */
			m = xapc_query_combine(XAPC_OP_AND, must, nmust, 0);
			if (!m)
				newsidx_build__nomem(b);
			q = newsidx_build__join2(b, XAPC_OP_AND_MAYBE, m, q);
		}
		if (q) {
			b->soft = 1;
			b->soft_long = np >= SOFT_WORDS;
		}
	}
	free(plain);
	free(must);
	return q;
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
		newsidx_build__nomem(b);
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
		else {
			ps[i].scored = 1;
			pos[np++] = ps[i].q;
		}
		ps[i].q = NULL;
	}
	if (top && is_and)
		b->top_words = (int)np;
	if (!is_and && nn > 0) {
		/* "a OR -b": everything but b counts as a match. */
		for (i = 0; i < nn; i++) {
			pos[np] = newsidx_build__join2(
			    b, XAPC_OP_AND_NOT, xapc_query_all(), neg[i]);
			neg[i] = NULL;
			if (!pos[np++])
				goto out;
		}
		nn = 0;
	}
	if (np > 1 && top && is_and && !b->relax && b->soft_ok &&
	    (np >= SOFT_WORDS || b->soft_short))
		q = soft_query(b, n, ps, n->nkids, pos, np);
	if (b->st)
		goto out;
	if (q) {
		/* ranked softly */
	} else if (np > 0) {
		q = combine(b, is_and && !(top && b->relax) ? XAPC_OP_AND
							      : XAPC_OP_OR,
			    pos, np, 0);
	}
	if (q && top && b->nfb)
		q = add_feedback(b, q);
	/* Anything beside the plain words narrows or widens the matches;
	 * feedback terms that only reorder them do not. */
	if (!top || !is_and || nr || nf || nn || (b->nfb && b->fb_widen) ||
	    !b->soft)
		b->union_n = 0;
	if (nr > 0) {
		t = combine(b, XAPC_OP_AND, req, nr, 0);
		q = q ? newsidx_build__join2(b, XAPC_OP_AND_MAYBE, t, q) : t;
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
	if (nf > 0 &&
	    !(q = newsidx_build__join2(b, XAPC_OP_FILTER, q,
				       combine(b, XAPC_OP_AND, flt, nf, 0))))
		goto out;
	if (nn > 0)
		q = newsidx_build__join2(b, XAPC_OP_AND_NOT, q,
					 combine(b, XAPC_OP_OR, neg, nn, 0));
	goto out;
out_nomem:
	newsidx_build__nomem(b);
out:
	if (ps)
		for (i = 0; i < n->nkids; i++)
			xapc_query_free(ps[i].q);
	newsidx_build__free_all(pos, np);
	newsidx_build__free_all(req, nr);
	newsidx_build__free_all(flt, nf);
	newsidx_build__free_all(neg, nn);
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
		p.plain = n->type == NEWSIDX_Q_WORD && !n->field &&
			  !n->required && !n->wildcard && !p.filter;
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
		p.q = newsidx_dates__query(b, n->lo, n->hi);
		break;
	case NEWSIDX_Q_SINCE: {
		char lo[16];

		p.filter = 1;
		newsidx_dates__since(n->since_n, n->since_unit, lo);
		p.q = newsidx_dates__query(b, lo, "");
		break;
	}
	case NEWSIDX_Q_INDEXED:
		p.filter = 1;
		p.q = newsidx_dates__indexed(b, n);
		break;
	}
	return p;
}

/* The whole tree as one query: a lone NOT or filter still matches. */
xapc_query_t *newsidx_build__top(struct builder *b,
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
	return newsidx_build__join2(b, XAPC_OP_AND_NOT, xapc_query_all(), p.q);
}

/* Is AND written in the query as an operator, anywhere in the tree?
 * Then the user asked for every word, whatever the length. */
static int explicit_and(const struct newsidx_qnode *n)
{
	size_t i;

	if (n->type == NEWSIDX_Q_AND && n->keyword)
		return 1;
	for (i = 0; i < n->nkids; i++)
		if (explicit_and(n->kids[i]))
			return 1;
	return 0;
}

void newsidx_build__rank_softly(struct builder *b,
				const struct newsidx_qnode *root,
				const newsidx_search_options_t *o)
{
	b->soft_ok = o->relax && !explicit_and(root);
	b->soft_short = o->sort == NEWSIDX_SORT_RELEVANCE;
}

/* Boost recent articles and title matches, as the options ask. */
xapc_query_t *newsidx_build__boosts(struct builder *b, xapc_query_t *q,
				    const newsidx_search_options_t *o)
{
	if (q && o->title_weight > 0 && b->ntitle > 0) {
		xapc_query_t *t = combine(b, XAPC_OP_OR, b->title, b->ntitle,
					  0);
		xapc_query_t *st = t ? xapc_query_scale(t, o->title_weight)
				     : NULL;

		xapc_query_free(t);
		q = newsidx_build__join2(b, XAPC_OP_AND_MAYBE, q, st);
	}
	if (q && o->recent_halflife > 0) {
		char now[16];
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y%m%d%H%M%S", &tm);
		q = newsidx_build__join2(
		    b, XAPC_OP_AND_MAYBE, q,
		    xapc_query_date_decay(
			NEWSIDX_SLOT_DATE, now, strlen(now), o->recent_halflife,
			o->recent_weight > 0 ? o->recent_weight : 3.0));
	}
	return q;
}

static newsidx_status_t parse(struct newsidx_db *db, const char *query,
			      struct newsidx_qnode **root)
{
	char err[256];
	size_t off = 0;
	newsidx_status_t st;

	st = newsidx_query__parse_input(query, root, &off, err, sizeof(err));
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

newsidx_status_t newsidx_build__prepare(struct newsidx_db *db,
					const newsidx_search_options_t *o,
					struct builder *b)
{
	newsidx_status_t st;

	memset(b, 0, sizeof(*b));
	b->db = db;
	if (newsidx_db__usable(db))
		return NEWSIDX_VERSION_MISMATCH;
	b->compact = newsidx_db__compact_positions(db);
	st = newsidx_db__analyzer(db, o->lang, &b->an);
	snprintf(b->lang, sizeof(b->lang), "%s",
		 o->lang && *o->lang ? o->lang : "en");
	if (st || (o->lang && *o->lang))
		return st;
	return other_languages(b);
}

/* The analyzer for the query's language and the parsed query. */
newsidx_status_t newsidx_build__prepare_query(struct newsidx_db *db,
					      const newsidx_search_options_t *o,
					      const char *query,
					      struct builder *b,
					      struct newsidx_qnode **root)
{
	newsidx_status_t st = newsidx_build__prepare(db, o, b);

	return st ? st : parse(db, query, root);
}
