/*
 * results.c: the results object of a search and its accessors.
 *
 * Each hit's stored fields and snippet are copied out of the match set
 * into memory the results object owns, so that the results stay valid
 * whatever writers do afterwards.  The facet counts it holds are filled
 * by facets.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "query/private.h"

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
	for (i = 0; i < NFACETS; i++) {
		free(r->facet[i]);
		free((void *)r->facet_label[i]);
	}
	for (i = 0; i < r->nfacet_values; i++)
		free(r->facet_values[i]);
	free(r->facet_values);
	free(r);
}

newsidx_status_t newsidx_results__fill(struct newsidx_db *db,
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
		const char *packed = xapc_mset_value(m, i, COPIED_DOC,
							     &plen);
		const void *rec;
		newsidx_status_t st;

		st = newsidx_db__record(db, xapc_mset_docid(m, i), packed,
					plen, data, len, &rec, &len);
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
			struct newsidx_analyzer *a = an;

			/* The body as it was indexed: in its own language,
			 * whose stems the query's forms were matched with. */
			if (s->lang && *s->lang &&
			    newsidx_db__analyzer(db, s->lang, &a) != NEWSIDX_OK)
				a = an;
			st = newsidx_snippet__make(
				a, s->body, s->body_len, stems,
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
		h->authors = s->authors;
		h->topics = s->topics;
		h->encoding = s->encoding;
		h->snippet = r->snippets[i] ? r->snippets[i] : "";
		h->highlights = r->hl[i];
		h->nhighlights = nhl;
		h->copies = xapc_mset_collapse_count(m, i);
		data = xapc_mset_value(m, i, COPIED_GROUP, &len);
		if (data && len == 16)
			memcpy(r->groups[i], data, 16);
		h->group = r->groups[i];
	}
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

size_t newsidx_results_total_all(const newsidx_results_t *r)
{
	return r ? r->total_all : 0;
}

size_t newsidx_results_total_some(const newsidx_results_t *r)
{
	return r && r->total > r->total_all ? r->total - r->total_all : 0;
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

int newsidx_results_time_limited(const newsidx_results_t *r)
{
	return r ? r->time_limited : 0;
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

const char *newsidx_results_facet_label(const newsidx_results_t *r,
					unsigned facet, size_t i)
{
	int f = newsidx_facets__bit(facet);

	if (!r || f < 0 || !r->facet_label[f] || i >= r->nfacet[f])
		return NULL;
	return r->facet_label[f][i];
}

const char *newsidx_results_suggestion(const newsidx_results_t *r)
{
	return r ? r->suggestion : NULL;
}
