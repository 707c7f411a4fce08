/*
 * train.c: what a run learns from the index and its own articles before
 * it can lay articles out: the positions layout (chosen while the index
 * is empty), and the record dictionary and stem codes of the packer
 * (store/docdata.c), read from the index, trained from samples, and
 * stored in its metadata before the first article that needs them.
 *
 * The packer trains in whichever preparing thread gathers the samples;
 * this file gives it the index's own articles as samples when it has no
 * dictionary yet, and stores what it trained.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "index/index.h"

/* The index's positions layout, set from the options while the index
 * is empty; another layout for a non-empty index is refused. */
newsidx_status_t newsidx_train__layout(struct writer *w)
{
	int want = w->opts->version >= 3 ? w->opts->positions
					 : NEWSIDX_POSITIONS_KEEP;
	int c;

	w->compact = newsidx_db__compact_positions(w->db);
	if (want == NEWSIDX_POSITIONS_KEEP)
		return NEWSIDX_OK;
	if (want != NEWSIDX_POSITIONS_TABLE &&
	    want != NEWSIDX_POSITIONS_COMPACT)
		return newsidx_db__fail(w->db, NEWSIDX_INVALID_ARGUMENT,
					"unknown positions layout %d", want);
	c = want == NEWSIDX_POSITIONS_COMPACT;
	if (c == w->compact)
		return NEWSIDX_OK;
	if (!w->dedup_mem) /* not empty */
		return newsidx_db__fail(
			w->db, NEWSIDX_INVALID_ARGUMENT,
			"index %s keeps %s; the layout is chosen when an "
			"index is created: change it with newsidx --index %s "
			"rebuild %s",
			w->db->path,
			w->compact ? "compact positions (--lean)"
				   : "a position table",
			w->db->path, c ? "--lean" : "--no-lean");
	w->compact = c;
	return newsidx_db__set_positions(w->db, c);
}

newsidx_status_t newsidx_train__packer(struct writer *w)
{
	struct newsidx_db *db = w->db;
	size_t dlen, clen = 0;
	char *dict = newsidx_db__dictionary(db, &dlen);
	char *codes = dict ? newsidx_db__stemcodes_raw(db, &clen) : NULL;
	int had = dict != NULL;

	w->packer = newsidx_packer__new(dict, dlen, codes, clen);
	free(dict);
	free(codes);
	if (!w->packer)
		return newsidx_db__fail(
			db, had ? NEWSIDX_CORRUPT : NEWSIDX_NOMEM,
			had ? "index %s has a damaged record dictionary or "
			      "stem codes"
			    : "out of memory",
			db->path);
	return NEWSIDX_OK;
}

/* Store the dictionary the packer has just given, and the stem codes
 * made with it. */
int newsidx_train__store_dictionary(struct writer *w, const void *dict,
				    size_t len)
{
	size_t clen = 0;
	const void *codes = newsidx_packer__take_codes(w->packer, &clen);
	int x = newsidx_db__set_dictionary(w->db, dict, len);

	if (!x && codes)
		x = newsidx_db__set_stemcodes(w->db, codes, clen);
	return x;
}

/* The position hashes of a stored article, as add_text_token() of
 * document.c makes them. */
struct stem_hashes {
	struct newsidx_analyzer *an;
	uint64_t *h;
	size_t n, cap;
	int nomem;
};

static int hash_token(void *ctx, const struct newsidx_token *tok)
{
	struct stem_hashes *sh = ctx;
	size_t slen;
	const char *stem = newsidx_analyzer__stem(sh->an, tok->text, tok->len,
						  &slen);

	if (!stem || slen == 0)
		return 0;
	if (NEWSIDX_ARRAY_GROW(sh->h, sh->n, sh->cap, 512)) {
		sh->nomem = 1;
		return 1;
	}
	sh->h[sh->n++] = newsidx_pos__hash(stem, slen);
	return 0;
}

/* Count the stems of a stored article for a compact index's stem codes,
 * which are made with the dictionary. */
static void count_stored_stems(struct writer *w, const void *rec,
			       size_t rlen, struct stem_hashes *sh)
{
	struct newsidx_stored s;
	char code[8];

	if (!w->compact || newsidx_docdata__decode(rec, rlen, 1, &s))
		return;
	newsidx_document__lang_code(s.lang, code);
	sh->an = newsidx_prep__analyzer(&w->prep, code);
	sh->n = 0;
	if (s.title)
		newsidx_analyzer__tokenize(sh->an, s.title, strlen(s.title), 1,
					   hash_token, sh, NULL);
	newsidx_analyzer__tokenize(sh->an, s.body, s.body_len, 1, hash_token,
				   sh, NULL);
	if (!sh->nomem)
		newsidx_packer__count_stems(w->packer, sh->h, sh->n);
	newsidx_stored__clear(&s);
}

/*
 * An index that holds articles but no record dictionary (its runs were
 * each too small to train one, or it was written before schema 5)
 * offers its newest stored articles as samples: with 2 MB of them the
 * dictionary is trained at once and this run's articles are packed with
 * it; with fewer, this run's own articles add to them, and the end of
 * the run trains on all (from 300 articles).
 */
void newsidx_train__sample_index(struct writer *w)
{
	struct stem_hashes sh = { 0 };
	xapc_docid_t last = 0, id;
	unsigned long tried = 0;

	if (xapc_db_lastdocid(w->db->x, &last))
		return;
	/* Bounded: deleted articles leave holes in the docids. */
	for (id = last; id > 0 && tried < 100000; id--, tried++) {
		xapc_doc_t *doc = NULL;
		const void *rec;
		size_t rlen;
		int more = 1;

		if (xapc_db_get_doc(w->db->x, id, &doc) == XAPC_OK &&
		    newsidx_db__doc_record(w->db, doc, &rec, &rlen) ==
			    NEWSIDX_OK &&
		    rlen) {
			count_stored_stems(w, rec, rlen, &sh);
			more = newsidx_packer__add_sample(w->packer, rec, rlen);
		}
		xapc_doc_free(doc);
		if (!more)
			break;
	}
	free(sh.h);
}

/* A run with fewer records than the sample size trains on what it has,
 * for the next run. */
newsidx_status_t newsidx_train__finish(struct writer *w)
{
	size_t dlen;
	const void *dict;
	int x;

	newsidx_packer__finish(w->packer);
	dict = newsidx_packer__take_dict(w->packer, &dlen);
	if (!dict)
		return NEWSIDX_OK;
	x = newsidx_train__store_dictionary(w, dict, dlen);
	if (x)
		return newsidx_db__xfail(w->db, x, "writing to");
	w->db->pending++;
	return NEWSIDX_OK;
}
