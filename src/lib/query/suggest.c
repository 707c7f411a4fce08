/*
 * suggest.c: "did you mean".
 *
 * Each plain word of the query that the index has never seen is checked
 * against the index's spelling table, and the query is given back with
 * the suggested words in place and everything else as typed.  Where a
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

/* The spelling table's correction of a token whose stem the index has
 * never seen (malloc'd), or NULL. */
static char *correction(struct builder *b, const struct qtok *t)
{
	const char *stem;
	size_t slen;
	xapc_doccount_t tf = 1;
	char *fix = NULL;

	stem = newsidx_analyzer__stem(b->an, t->text, t->len, &slen);
	if (!stem || xapc_db_termfreq(b->db->x, stem, slen, &tf) || tf > 0)
		return NULL;
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
