/*
 * stats.c: what newsidx_db_info() tells about an index: its size, its
 * schema and stemmer, its positions layout, dictionary and stem codes,
 * the files it was read from, and the articles per source and month.
 *
 * It only reads.  Facet counts come from one boolean match over every
 * article, so they are exact, and the caller owns the result until
 * newsidx_info_free().
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "store/store.h"
#include "util/util.h"
#include "xapc.h"

struct info {
	newsidx_info_t pub;
	char *path, *updated, *stemmer, *stemver;
	newsidx_count_t *sources, *months;
	char **strings;
	size_t nstrings;
};

struct key_count {
	struct newsidx_db *db;
	size_t files, failed;
	int nomem;
};

static int count_state(void *ctx, const char *key, size_t klen)
{
	struct key_count *k = ctx;
	char *name = malloc(klen + 1), *v = NULL;
	size_t len = 0;

	if (!name) {
		k->nomem = 1;
		return 1;
	}
	memcpy(name, key, klen);
	name[klen] = '\0';
	if (xapc_db_get_metadata(k->db->x, name, &v, &len) == XAPC_OK && len) {
		k->files++;
		if (strstr(v, " failed "))
			k->failed++;
	}
	free(v);
	free(name);
	return 0;
}

static int count_term(void *ctx, const char *term, size_t len,
		      unsigned count)
{
	unsigned long long *n = ctx;

	(void)term;
	(void)len;
	(void)count;
	(*n)++;
	return 0;
}

static char *meta(struct newsidx_db *db, const char *key)
{
	char *v = NULL;
	size_t len = 0;

	if (xapc_db_get_metadata(db->x, key, &v, &len) != XAPC_OK)
		return NULL;
	return v;
}

void newsidx_info_free(newsidx_info_t *info)
{
	struct info *i = (struct info *)info;
	size_t k;

	if (!i)
		return;
	for (k = 0; k < i->nstrings; k++)
		free(i->strings[k]);
	free(i->strings);
	free(i->sources);
	free(i->months);
	free(i->path);
	free(i->updated);
	free(i->stemmer);
	free(i->stemver);
	free(i);
}

static char *keep(struct info *i, const char *s, size_t n)
{
	char *p = malloc(n + 1), **v;

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	v = realloc(i->strings, (i->nstrings + 1) * sizeof(*v));
	if (!v) {
		free(p);
		return NULL;
	}
	i->strings = v;
	i->strings[i->nstrings++] = p;
	return p;
}

newsidx_status_t newsidx_db_info(newsidx_db_t *db, newsidx_info_t **out)
{
	static const xapc_slot_t spies[2] = { NEWSIDX_SLOT_SOURCE,
					      NEWSIDX_SLOT_DATE };
	xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
	struct key_count kc;
	struct info *i;
	xapc_query_t *all;
	xapc_mset_t *m = NULL;
	xapc_doccount_t count = 0;
	char *schema;
	size_t j, k, n;
	int x;

	if (!db || !db->x || !out)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	i = calloc(1, sizeof(*i));
	if (!i)
		return NEWSIDX_NOMEM;
	newsidx_db__reopen(db, 0);
	x = xapc_db_doccount(db->x, &count);
	if (!x)
		x = xapc_db_allterms(db->x, "", count_term, &i->pub.terms);
	memset(&kc, 0, sizeof(kc));
	kc.db = db;
	if (!x)
		x = xapc_db_metadata_keys(db->x, NEWSIDX_META_FILE_PREFIX,
					  count_state, &kc);
	all = xapc_query_all();
	if (!x && all) {
		/* Exact counts per value over every article. */
		p.weighting = XAPC_WEIGHT_BOOL;
		p.maxitems = 0;
		p.check_at_least = count;
		p.spy_slots = spies;
		p.n_spy_slots = 2;
		x = xapc_db_query(db->x, all, &p, &m);
	}
	xapc_query_free(all);
	if (x || !all || kc.nomem) {
		newsidx_info_free(&i->pub);
		xapc_mset_free(m);
		return x ? newsidx_db__xfail(db, x, "reading")
			 : newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	}
	i->path = newsidx_strdup(db->path);
	i->updated = meta(db, NEWSIDX_META_UPDATED);
	i->stemmer = meta(db, NEWSIDX_META_STEMMER);
	i->stemver = meta(db, NEWSIDX_META_STEMMER_VERSION);
	schema = meta(db, NEWSIDX_META_SCHEMA);
	i->pub.schema_version = schema ? atoi(schema) : 0;
	free(schema);
	i->pub.schema_current = NEWSIDX_SCHEMA_VERSION;
	i->pub.positions =
		newsidx_db__compact_positions(db) ? "compact" : "table";
	free(newsidx_db__dictionary(db, &i->pub.dictionary_bytes));
	{
		size_t clen;

		free(newsidx_db__stemcodes_raw(db, &clen));
		/* The value is "NXC1" and 8 bytes per code. */
		i->pub.stem_codes = clen >= 4 ? (clen - 4) / 8 : 0;
	}
	i->pub.term_lists = newsidx_db__term_lists(db);
	{
		xapc_doccount_t del = 0;

		xapc_db_deleted_count(db->x, &del);
		i->pub.deleted = del;
	}
	i->pub.path = i->path ? i->path : "";
	i->pub.updated = i->updated ? i->updated : "";
	i->pub.stemmer = i->stemmer ? i->stemmer : "";
	i->pub.stemmer_version = i->stemver ? i->stemver : "";
	i->pub.articles = count;
	i->pub.disk_bytes = newsidx_layout__disk_bytes(db->path);
	i->pub.files = kc.files;
	i->pub.failed_files = kc.failed;

	n = xapc_mset_facet_count(m, 0);
	i->sources = calloc(n + 1, sizeof(*i->sources));
	for (j = 0; i->sources && j < n; j++) {
		const char *v;
		size_t len;
		xapc_doccount_t c;

		xapc_mset_facet(m, 0, j, &v, &len, &c);
		i->sources[j].value = keep(i, v, len);
		i->sources[j].count = c;
	}
	i->pub.sources = i->sources;
	i->pub.nsources = i->sources ? n : 0;
	/* Dates are stored to the second; fold them into months, which
	 * sort in time order as text. */
	n = xapc_mset_facet_count(m, 1);
	i->months = calloc(n + 1, sizeof(*i->months));
	for (j = 0; i->months && j < n; j++) {
		const char *v;
		size_t len;
		xapc_doccount_t c;
		char mon[8];

		xapc_mset_facet(m, 1, j, &v, &len, &c);
		if (len < 6)
			continue;
		snprintf(mon, sizeof(mon), "%.4s-%.2s", v, v + 4);
		for (k = 0; k < i->pub.nmonths; k++)
			if (strcmp(i->months[k].value, mon) == 0)
				break;
		if (k == i->pub.nmonths) {
			i->months[k].value = keep(i, mon, 7);
			i->pub.nmonths++;
		}
		i->months[k].count += c;
	}
	i->pub.months = i->months;
	for (j = 1; j < i->pub.nmonths; j++) {
		newsidx_count_t t = i->months[j];

		for (k = j; k > 0 && strcmp(i->months[k - 1].value,
					    t.value) > 0; k--)
			i->months[k] = i->months[k - 1];
		i->months[k] = t;
	}
	xapc_mset_free(m);
	*out = &i->pub;
	return NEWSIDX_OK;
}
