/*
 * docwords.c: the words of a stored article, with their counts.
 *
 * Feedback and more-like-this weigh the words of whole articles.  An
 * index with term lists gives them directly; an index without them
 * (smaller) has the article's stored title and body analysed again.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "query/private.h"

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
void newsidx_docwords__each(struct newsidx_db *db, int term_lists,
			    xapc_doc_t *doc, xapc_term_cb fn, void *ctx)
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
