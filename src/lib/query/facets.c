/*
 * facets.c: facet counts over every match of a search.
 *
 * Each facet asked for is a value slot that a spy counts while Xapian
 * matches (xapc_spy_t): the slots of single values (source, place,
 * language, month) whole, those of several values (countries,
 * organisations, people, topics) part by part, each part once per
 * article.  The counts are copied into the results object, years folded
 * from months, time facets put in time order and the rest most frequent
 * first, ties in value order.  A display label for each value comes
 * from the index's gazetteer for countries ("JP" is "Japan").
 *
 * The counts are of articles, wire copies included: the spies see every
 * matching document before copies are folded into one hit, as the total
 * counts them, so a value's count equals the total of the same search
 * with the value's filter added.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"
#include "query/private.h"

/* How each NEWSIDX_FACET_* bit number is counted; years are folded
 * from months. */
static const struct {
	xapc_slot_t slot;
	char split;
} facet_spec[NFACETS] = {
	{ NEWSIDX_SLOT_SOURCE, 0 },    { NEWSIDX_SLOT_PLACE, 0 },
	{ NEWSIDX_SLOT_LANG, 0 },      { NEWSIDX_SLOT_MONTH, 0 },
	{ NEWSIDX_SLOT_MONTH, 0 },     { NEWSIDX_SLOT_COUNTRY, '\n' },
	{ NEWSIDX_SLOT_ORG, '\n' },    { NEWSIDX_SLOT_PERSON, '\n' },
	{ NEWSIDX_SLOT_TOPIC, '\n' },
};

int newsidx_facets__bit(unsigned facet)
{
	int i;

	for (i = 0; i < NFACETS; i++)
		if (facet == (1u << i))
			return i;
	return -1;
}

void newsidx_facets__spy(unsigned facet, xapc_spy_t *spy)
{
	int i = newsidx_facets__bit(facet);

	memset(spy, 0, sizeof(*spy));
	if (i < 0)
		return;
	spy->slot = facet_spec[i].slot;
	spy->split = facet_spec[i].split;
	if ((1u << i) == NEWSIDX_FACET_YEAR)
		spy->prefix = 4;
}

/* Countries are named by the index's gazetteer ("JP": "Japan"); other
 * values are their own labels. */
int newsidx_facets__label(struct newsidx_db *db, unsigned facet,
			  const char *value, char *buf, size_t cap)
{
	const struct newsidx_gaz *g;
	const char *name;

	if (!value || !*value || cap == 0)
		return 0;
	if (facet == NEWSIDX_FACET_PERSON) {
		/* People are kept in lower case: "s. jaishankar" is shown
		 * "S. Jaishankar" (ASCII letters starting a word). */
		size_t i;

		snprintf(buf, cap, "%s", value);
		for (i = 0; buf[i]; i++)
			if ((i == 0 || buf[i - 1] == ' ' || buf[i - 1] == '-') &&
			    buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (char)(buf[i] - 'a' + 'A');
		return 1;
	}
	if (facet != NEWSIDX_FACET_COUNTRY)
		return 0;
	g = newsidx_db__gazetteer(db);
	name = g ? newsidx_gaz__country_name(g, value) : NULL;
	if (!name)
		return 0;
	snprintf(buf, cap, "%s", name);
	return 1;
}

/* The spies are in bit order, which is the order newsidx_facets__fill
 * reads their counts in. */
size_t newsidx_facets__spies(unsigned facets, xapc_spy_t *spies)
{
	size_t i, n = 0;

	for (i = 0; i < NFACETS; i++)
		if (facets & (1u << i))
			newsidx_facets__spy(1u << i, &spies[n++]);
	return n;
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

/* The labels of facet f's values: the labeller's, else the value. */
static newsidx_status_t fill_labels(struct newsidx_db *db,
				    struct newsidx_results *r, size_t f)
{
	size_t j;

	r->facet_label[f] = calloc(r->nfacet[f] + 1, sizeof(char *));
	if (!r->facet_label[f])
		return NEWSIDX_NOMEM;
	for (j = 0; j < r->nfacet[f]; j++) {
		char buf[256];
		const char *v = r->facet[f][j].value;

		if (newsidx_facets__label(db, 1u << f, v, buf, sizeof(buf))) {
			r->facet_label[f][j] = keep_value(r, buf, strlen(buf));
			if (!r->facet_label[f][j])
				return NEWSIDX_NOMEM;
		} else {
			r->facet_label[f][j] = v;
		}
	}
	return NEWSIDX_OK;
}

newsidx_status_t newsidx_facets__fill(struct newsidx_db *db,
				      const newsidx_search_options_t *o,
				      const xapc_mset_t *m,
				      struct newsidx_results *r)
{
	size_t f, spy = 0, j, n;
	newsidx_status_t st;

	for (f = 0; f < NFACETS; f++) {
		newsidx_count_t *c;

		if (!(o->facets & (1u << f)))
			continue;
		n = xapc_mset_facet_count(m, spy);
		c = calloc(n + 1, sizeof(*c));
		if (!c)
			return NEWSIDX_NOMEM;
		r->facet[f] = c;
		/* Distinct keys from the spy: years come cut to four
		 * bytes, so no two entries share a value. */
		for (j = 0; j < n; j++) {
			const char *v;
			size_t len;
			xapc_doccount_t cnt;

			xapc_mset_facet(m, spy, j, &v, &len, &cnt);
			c[j].value = keep_value(r, v, len);
			if (!c[j].value)
				return NEWSIDX_NOMEM;
			c[j].count = cnt;
			r->nfacet[f]++;
		}
		/* Time reads in order; the rest most frequent first, ties
		 * by value, as the spies give them. */
		if ((1u << f) == NEWSIDX_FACET_YEAR ||
		    (1u << f) == NEWSIDX_FACET_MONTH)
			qsort(c, r->nfacet[f], sizeof(*c), cmp_count_value);
		st = fill_labels(db, r, f);
		if (st)
			return st;
		spy++;
	}
	return NEWSIDX_OK;
}
