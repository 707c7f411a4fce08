/*
 * suggest.c: "did you mean".
 *
 * Each plain word of the query that the index has never seen is checked
 * against the index's spelling table, and so is a rare word one edit
 * away from a far more common one (see near_miss); the query is given
 * back with the suggested words in place and everything else as typed.  Where a
 * word stands in the query comes from the parse tree, never from
 * searching the query string.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "query/private.h"

/* The query being rewritten: its text up to copied is in out. */
struct splice {
	const char *query;
	struct newsidx_buf out;
	size_t copied;
	int changed;
	int rc;
};

/*
 * A rare word with a far more common word one edit away is most likely
 * a misspelling of it ("semiconducter" in 5 Reuters stories,
 * "semiconductor" in 178).  Xapian's spelling table offers nothing for
 * a word it holds, so the neighbours are made here: every deletion,
 * transposition, substitution and insertion of a letter a-z that keeps
 * the first two letters and the last one.  The rule, chosen on
 * Reuters-21578 and checked on the BBC set (bench/README.md):
 *   - the word is of NEAR_MIN_LEN letters a-z or more (shorter words
 *     have real words as neighbours too often: "zinc", "inc");
 *   - it is rare: in at most one article in NEAR_RARE, and at most one
 *     if the index is small ("never suggest for a common word");
 *   - the neighbour's stem is in NEAR_RATIO times as many articles or
 *     more, and is not the word's own stem (inflections are the same
 *     word).
 * Edits at the edges are left out: a real word and another that differ
 * in the first letters ("dejected", "rejected") are common, typing
 * slips there are not.
 */
#define NEAR_MIN_LEN 8
#define NEAR_RARE 4000
#define NEAR_RATIO 20

struct near {
	struct builder *b;
	const char *own; /* the word's stem */
	size_t ownlen;
	xapc_doccount_t best;
	char word[NEWSIDX_MAX_TOKEN + 2];
};

static void near_try(struct near *n, const char *w, size_t len)
{
	const char *stem;
	size_t slen;
	xapc_doccount_t tf = 0;

	stem = newsidx_analyzer__stem(n->b->an, w, len, &slen);
	if (!stem || (slen == n->ownlen && memcmp(stem, n->own, slen) == 0))
		return;
	if (xapc_db_termfreq(n->b->db->x, stem, slen, &tf) || tf <= n->best)
		return;
	n->best = tf;
	memcpy(n->word, w, len);
	n->word[len] = '\0';
}

static char *near_miss(struct builder *b, const struct qtok *t,
		       const char *stem, size_t slen, xapc_doccount_t tf)
{
	struct near n;
	char w[NEWSIDX_MAX_TOKEN + 2], c;
	xapc_doccount_t docs = 0, rare;
	size_t len = t->len, i;
	char *own;

	if (len < NEAR_MIN_LEN || len + 1 >= sizeof(w) ||
	    strspn(t->text, "abcdefghijklmnopqrstuvwxyz") != len)
		return NULL;
	if (xapc_db_doccount(b->db->x, &docs))
		return NULL;
	rare = docs / NEAR_RARE > 1 ? docs / NEAR_RARE : 1;
	if (tf > rare)
		return NULL;
	/* The analyzer's stem is only good until its next call. */
	own = newsidx_strndup(stem, slen);
	if (!own)
		return NULL;
	memset(&n, 0, sizeof(n));
	n.b = b;
	n.own = own;
	n.ownlen = slen;
	for (i = 2; i < len; i++) {
		/* insertion before letter i (the last one included) */
		memcpy(w, t->text, i);
		memcpy(w + i + 1, t->text + i, len - i);
		for (c = 'a'; c <= 'z'; c++) {
			w[i] = c;
			near_try(&n, w, len + 1);
		}
		if (i + 1 == len)
			break; /* the last letter stays */
		/* deletion of letter i */
		memcpy(w, t->text, i);
		memcpy(w + i, t->text + i + 1, len - i - 1);
		near_try(&n, w, len - 1);
		/* substitution of letter i */
		memcpy(w, t->text, len);
		for (c = 'a'; c <= 'z'; c++)
			if (c != t->text[i]) {
				w[i] = c;
				near_try(&n, w, len);
			}
		/* transposition of letters i and i + 1 */
		if (i + 2 < len && t->text[i] != t->text[i + 1]) {
			memcpy(w, t->text, len);
			w[i] = t->text[i + 1];
			w[i + 1] = t->text[i];
			near_try(&n, w, len);
		}
	}
	free(own);
	if (n.best < (xapc_doccount_t)NEAR_RATIO * tf)
		return NULL;
	return newsidx_strdup(n.word);
}

/* The correction of a token whose stem the index has never seen (from
 * the spelling table) or has seen rarely (near_miss), malloc'd, or
 * NULL. */
static char *correction(struct builder *b, const struct qtok *t)
{
	const char *stem;
	size_t slen;
	xapc_doccount_t tf = 1;
	char *fix = NULL;

	/* A remote shard's spelling table cannot be read, and probing the
	 * neighbours of a word would be hundreds of round trips. */
	if (b->db->is_set && newsidx_shards__any_remote(b->db))
		return NULL;
	stem = newsidx_analyzer__stem(b->an, t->text, t->len, &slen);
	if (!stem || xapc_db_termfreq(b->db->x, stem, slen, &tf))
		return NULL;
	if (tf > 0)
		return near_miss(b, t, stem, slen, tf);
	if (xapc_db_spelling_suggest(b->db->x, t->text, t->len, 2, &fix) ||
	    !fix || !*fix) {
		free(fix);
		return NULL;
	}
	return fix;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/*
 * Whether token t is a whole word of text, typed as the analyzer gives
 * it (up to ASCII case): only such a word is replaced by its correction.
 * A part of a compound ("hihg" in "hihg-speed") or a word with something
 * attached ("japn's"), taken by itself, would read differently from
 * what was typed.
 */
static int as_typed(const char *text, size_t len, const struct qtok *t)
{
	return t->end - t->start == t->len &&
	       strncasecmp(text + t->start, t->text, t->len) == 0 &&
	       (t->start == 0 || blank(text[t->start - 1])) &&
	       (t->end == len || blank(text[t->end]));
}

/*
 * "Did you mean": each plain word of the query whose stem the index has
 * never seen is replaced by the spelling table's suggestion, splicing
 * the query text so that everything else stays as typed.  A word of a
 * WORD or PHRASE stands in the query at the node's span plus the word's
 * place in the node's text (see newsidx_qnode), so no text is searched
 * for.
 */
static void suggest(struct builder *b, const struct newsidx_qnode *n,
		    struct splice *sp)
{
	struct qtoks tk;
	size_t i;

	if (n->type == NEWSIDX_Q_AND || n->type == NEWSIDX_Q_OR ||
	    n->type == NEWSIDX_Q_NOT || n->type == NEWSIDX_Q_NEAR) {
		for (i = 0; i < n->nkids; i++)
			suggest(b, n->kids[i], sp);
		return;
	}
	if ((n->type != NEWSIDX_Q_WORD && n->type != NEWSIDX_Q_PHRASE) ||
	    n->field || n->wildcard || !n->text)
		return;
	/* Phrases: check each word; words: as typed. */
	if (newsidx_build__tokens(b, n->text, &tk))
		return;
	for (i = 0; i < tk.n; i++) {
		const struct qtok *t = &tk.t[i];
		size_t at = n->span_off + t->start;
		char *fix;

		if ((t->flags & (NEWSIDX_TOK_JOINED | NEWSIDX_TOK_NUMBER)) ||
		    !as_typed(n->text, n->span_len, t))
			continue;
		fix = correction(b, t);
		if (!fix)
			continue;
		/* Spans come in query order, so nothing is copied twice. */
		if (at >= sp->copied) {
			newsidx_buf__append(&sp->out, sp->query + sp->copied,
					    at - sp->copied, &sp->rc);
			newsidx_buf__puts(&sp->out, fix, &sp->rc);
			sp->copied = n->span_off + t->end;
			sp->changed = 1;
		}
		free(fix);
	}
	free(tk.t);
}

void newsidx_suggest__make(struct builder *b, const char *query,
			   const struct newsidx_qnode *root,
			   struct newsidx_results *r)
{
	struct splice sp;

	memset(&sp, 0, sizeof(sp));
	sp.query = query;
	suggest(b, root, &sp);
	if (sp.changed) {
		newsidx_buf__puts(&sp.out, query + sp.copied, &sp.rc);
		if (!sp.rc && sp.out.data && strcmp(sp.out.data, query) != 0) {
			r->suggestion = sp.out.data;
			return;
		}
	}
	newsidx_buf__free(&sp.out);
}
