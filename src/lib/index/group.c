/*
 * group.c: the near-duplicate group of each article, found while
 * indexing.  An article joins the group of an indexed article that
 * shares one of its band terms and whose MinHash signature resembles its
 * own by NEWSIDX_DUP_MIN or more (store/dedup.c), else it starts a group
 * named after its id; searches collapse results on the group.
 *
 * A run on an empty index keeps the band hashes of its articles in
 * memory (struct bandtab) and reads nothing back from Xapian; a run on
 * an index that holds articles looks the band terms up there, and makes
 * a candidate's signature again from its stored body.  Only the writer's
 * thread calls this, in the articles' order, so groups do not depend on
 * the number of threads or shards.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"

#define DUP_CANDIDATES 32

/* A memory bound for very large loads: past these many articles, later
 * ones are still looked up but no longer remembered (about 140 to 200
 * bytes each in the band table). */
#define BANDTAB_MAX_ARTICLES 2000000

static int collect_cand(void *ctx, xapc_docid_t docid, xapc_termcount_t wdf)
{
	struct {
		xapc_docid_t ids[DUP_CANDIDATES];
		size_t n;
	} *c = ctx;

	(void)wdf;
	c->ids[c->n++] = docid;
	return c->n == DUP_CANDIDATES; /* enough to decide */
}

static int band_grow(struct bandtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1 << 14, i, j;
	uint64_t *slot = calloc(cap, sizeof(*slot));

	if (!slot)
		return -1;
	for (i = 0; i < t->cap; i++) {
		uint64_t e = t->slot[i];

		if (!e)
			continue;
		/* Slots are found from the key bits alone. */
		for (j = (size_t)(e >> 32) & (cap - 1); slot[j];
		     j = (j + 1) & (cap - 1))
			;
		slot[j] = e;
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

/*
 * The group of an article from this run's band table, or a new group
 * named after id; the article joins the table either way.  Slots hold
 * the high 32 bits of a band hash and an article number, and are found
 * by linear probing from those bits (so the table can grow without the
 * full hashes); a match of the bits is confirmed on the signatures.
 */
static int find_group_mem(struct bandtab *t, const struct newsidx_sig *sig,
			  const char *id, uint64_t *group)
{
	uint64_t hs[NEWSIDX_SIG_BANDS];
	unsigned band;
	size_t i;
	int found = 0;

	for (band = 0; band < NEWSIDX_SIG_BANDS; band++)
		hs[band] = newsidx_dedup__band_hash(sig, band);
	if (t->cap)
		for (band = 0; !found && band < NEWSIDX_SIG_BANDS; band++) {
			uint32_t key = (uint32_t)(hs[band] >> 32);

			for (i = key & (t->cap - 1); t->slot[i];
			     i = (i + 1) & (t->cap - 1)) {
				struct newsidx_sig other;
				const struct runart *a;

				if ((uint32_t)(t->slot[i] >> 32) != key)
					continue;
				a = &t->art[(uint32_t)t->slot[i] - 1];
				if (newsidx_dedup__decode(a->sig, sizeof(a->sig),
							  &other) &&
				    newsidx_dedup__resemblance(sig, &other) >=
					    NEWSIDX_DUP_MIN) {
					*group = a->group;
					found = 1;
					break;
				}
			}
		}
	if (!found)
		*group = newsidx_hash64(id, strlen(id));
	if (NEWSIDX_ARRAY_GROW(t->art, t->nart, t->capart, 1024))
		return -1;
	if (t->nart >= BANDTAB_MAX_ARTICLES)
		return 0; /* full: later articles are only looked up */
	t->art[t->nart].group = *group;
	newsidx_dedup__encode(sig, t->art[t->nart].sig);
	t->nart++;
	for (band = 0; band < NEWSIDX_SIG_BANDS; band++) {
		if ((t->n + 1) * 2 > t->cap && band_grow(t))
			return -1;
		/* Probe from the key bits, as lookups do. */
		for (i = (size_t)(hs[band] >> 32) & (t->cap - 1); t->slot[i];
		     i = (i + 1) & (t->cap - 1))
			;
		t->slot[i] = (hs[band] >> 32) << 32 | (uint64_t)t->nart;
		t->n++;
	}
	return 0;
}

void newsidx_bandtab__free(struct bandtab *t)
{
	free(t->slot);
	free(t->art);
	memset(t, 0, sizeof(*t));
}

static int sig_token(void *ctx, const struct newsidx_token *tok)
{
	/* As add_text_token feeds the signature of a body. */
	if (!(tok->flags & NEWSIDX_TOK_JOINED))
		newsidx_dedup__add(ctx, tok->text, tok->len);
	return 0;
}

/*
 * The signature of an indexed article: the stored one (indexes made
 * before schema 5), else made again from its stored body, as
 * newsidx_document__prepare() made it, with the writer's own analyzers.
 * 1 when it has one.
 */
static int stored_sig(struct writer *w, xapc_doc_t *doc,
		      struct newsidx_sig *out)
{
	struct newsidx_minhash mh;
	struct newsidx_stored s;
	const char *v;
	const void *rec;
	size_t len, rlen;
	char code[8];
	int ok;

	v = xapc_doc_value(doc, NEWSIDX_SLOT_SIG, &len);
	if (v && len)
		return newsidx_dedup__decode(v, len, out);
	if (newsidx_db__doc_record(w->db, doc, &rec, &rlen) ||
	    newsidx_docdata__decode(rec, rlen, 1, &s))
		return 0;
	newsidx_document__lang_code(s.lang, code);
	newsidx_dedup__start(&mh);
	newsidx_analyzer__tokenize(newsidx_prep__analyzer(&w->prep, code),
				   s.body, s.body_len, 1, sig_token, &mh, NULL);
	ok = newsidx_dedup__finish(&mh);
	if (ok)
		*out = mh.sig;
	newsidx_stored__clear(&s);
	return ok;
}

/*
 * The near-duplicate group of an article with signature sig: that of an
 * indexed article sharing a band whose resemblance reaches
 * NEWSIDX_DUP_MIN, else a new group named after the article's id.
 */
int newsidx_group__find(struct writer *w, const struct newsidx_sig *sig,
			const char *id, char group[17])
{
	struct cand {
		xapc_docid_t ids[DUP_CANDIDATES];
		size_t n;
	} c;
	char term[64];
	unsigned band;
	size_t n, i;
	int x;

	if (w->dedup_mem) {
		uint64_t g;

		if (find_group_mem(&w->bands, sig, id, &g))
			return XAPC_ERR_NOMEM;
		snprintf(group, 17, "%016" PRIx64, g);
		return 0;
	}
	for (band = 0; band < NEWSIDX_SIG_BANDS; band++) {
		n = newsidx_dedup__band_term(sig, band, w->binary_bands, term,
					     sizeof(term));
		c.n = 0;
		x = xapc_db_postings(w->db->x, term, n, collect_cand, &c);
		if (x)
			return x;
		for (i = 0; i < c.n; i++) {
			xapc_doc_t *doc = NULL;
			struct newsidx_sig other;
			const char *v;
			size_t len;

			if (xapc_db_get_doc(w->db->x, c.ids[i], &doc)) {
				xapc_doc_free(doc);
				continue;
			}
			if (stored_sig(w, doc, &other) &&
			    newsidx_dedup__resemblance(sig, &other) >=
				    NEWSIDX_DUP_MIN) {
				v = xapc_doc_value(doc, NEWSIDX_SLOT_GROUP, &len);
				if (v && len == 16) {
					memcpy(group, v, 16);
					group[16] = '\0';
					xapc_doc_free(doc);
					return 0;
				}
			}
			xapc_doc_free(doc);
		}
	}
	snprintf(group, 17, "%016" PRIx64, newsidx_hash64(id, strlen(id)));
	return 0;
}
