/*
 * facets.c: facet counts over every match of a search.
 *
 * Each facet asked for is a value slot that Xapian spies on while it
 * matches; its counts are copied into the results object, years folded
 * from months and time facets put in time order.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "query/private.h"

/* The value slot counted for each NEWSIDX_FACET_* bit number; years are
 * folded from months. */
static const xapc_slot_t facet_slot[NFACETS] = {
	NEWSIDX_SLOT_SOURCE, NEWSIDX_SLOT_PLACE, NEWSIDX_SLOT_LANG,
	NEWSIDX_SLOT_MONTH, NEWSIDX_SLOT_MONTH
};

/* The spies are in bit order, which is the order newsidx_facets__fill
 * reads their counts in. */
size_t newsidx_facets__spies(unsigned facets, xapc_slot_t *spies)
{
	size_t i, n = 0;

	for (i = 0; i < NFACETS; i++)
		if (facets & (1u << i))
			spies[n++] = facet_slot[i];
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

newsidx_status_t newsidx_facets__fill(const newsidx_search_options_t *o,
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
