/*
 * suggest.c: "did you mean".
 *
 * Each plain word of the query that the index has never seen is checked
 * against the index's spelling table, and the query is given back with
 * the suggested words in place and everything else as typed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "query/search.h"

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
		if (!hit || newsidx_build__tokens(b, n->text, &tk))
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

void newsidx_suggest__make(struct builder *b, const char *query,
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
