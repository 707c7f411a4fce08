/*
 * stats.c: what newsidx_db_info() tells about an index: its size, its
 * schema and stemmer, its positions layout, dictionary and stem codes,
 * the files it was read from and those that failed (with the reason
 * state.c kept), and the articles per source and month.
 *
 * It only reads, everything from one revision: a writer's commit that
 * spoils the reads makes it read again from the latest, as searches do.
 * Facet counts come from one boolean match over every article, so they
 * are exact, and the caller owns the result until newsidx_info_free().
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "geo/geo.h"
#include "store/store.h"
#include "util/util.h"
#include "xapc.h"

/* Reads spoiled by a writer before info gives up: at least this many,
 * and for at least this long.  A read that takes longer than a few of a
 * busy writer's commits (a slow machine, a large index) loses most of
 * its tries, but not all of them for seconds on end. */
#define MODIFIED_RETRIES 20
#define MODIFIED_SECONDS 2.0

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct info {
	newsidx_info_t pub;
	char *path, *updated, *stemmer, *stemver;
	newsidx_count_t *sources, *months;
	struct failed *failed_values; /* own what failed points into */
	newsidx_failed_file_t *failed;
	size_t nfailed;
	char **strings;
	size_t nstrings;
};

/* A failed file as read from its state value (index/state.c): path
 * and reason point into value, which the list owns. */
struct failed {
	char *value;
	const char *path, *reason;
};

struct key_count {
	struct newsidx_db *db;
	size_t files;
	struct failed *failed; /* the failed files, in key order */
	size_t nfailed, capfailed;
	int x; /* a binding status: a value could not be read */
	int nomem;
};

static void failed_clear(struct key_count *k)
{
	size_t i;

	for (i = 0; i < k->nfailed; i++)
		free(k->failed[i].value);
	free(k->failed);
	k->failed = NULL;
	k->nfailed = k->capfailed = 0;
}

/*
 * A failed state's path and reason.  The value is "1 SIZE MTIME HASH
 * failed PATH", then (since 0.3) a NUL and the reason; see state.c,
 * which writes it.
 */
static int parse_failed(char *v, size_t len, struct failed *f)
{
	unsigned long long size, hash;
	long long mtime;
	char what[16];
	int used = 0;
	size_t n = strlen(v);

	if (sscanf(v, "1 %llu %lld %llx %15s %n", &size, &mtime, &hash, what,
		   &used) != 4 ||
	    used == 0 || strcmp(what, "failed") != 0)
		return 0;
	f->value = v;
	f->path = v + used;
	f->reason = n + 1 < len ? v + n + 1 : "";
	return 1;
}

static int count_state(void *ctx, const char *key, size_t klen)
{
	struct key_count *k = ctx;
	char *name = malloc(klen + 1), *v = NULL;
	size_t len = 0;
	struct failed f;

	if (!name) {
		k->nomem = 1;
		return 1;
	}
	memcpy(name, key, klen);
	name[klen] = '\0';
	k->x = xapc_db_get_metadata(k->db->x, name, &v, &len);
	if (!k->x && len) {
		k->files++;
		if (parse_failed(v, len, &f)) {
			if (NEWSIDX_ARRAY_GROW(k->failed, k->nfailed,
					       k->capfailed, 8))
				k->nomem = 1;
			else {
				k->failed[k->nfailed++] = f;
				v = NULL;
			}
		}
	}
	free(v);
	free(name);
	return k->x != XAPC_OK || k->nomem;
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

/* The metadata info reports, in the order of the names below. */
static const char *const meta_keys[] = {
	NEWSIDX_META_UPDATED,    NEWSIDX_META_STEMMER,
	NEWSIDX_META_STEMMER_VERSION, NEWSIDX_META_SCHEMA,
	NEWSIDX_META_POSITIONS,  NEWSIDX_META_TERMLIST,
	NEWSIDX_META_DICTIONARY, NEWSIDX_META_STEMCODES,
	NEWSIDX_META_GAZETTEER
};
enum { UPDATED, STEMMER, STEMVER, SCHEMA, POSITIONS, TERMLIST, DICTIONARY,
       STEMCODES, GAZETTEER, NMETA };

/* Everything info reads from the index, all from one revision. */
struct reading {
	xapc_doccount_t count, deleted;
	unsigned long long terms;
	struct key_count kc;
	char *meta[NMETA]; /* malloc'd; "" when absent */
	size_t len[NMETA];
	xapc_mset_t *m;    /* every article, its facets counted */
};

static void reading_clear(struct reading *rd)
{
	size_t k;

	for (k = 0; k < NMETA; k++)
		free(rd->meta[k]);
	failed_clear(&rd->kc);
	xapc_mset_free(rd->m);
	memset(rd, 0, sizeof(*rd));
}

/* Read it all; a binding status (XAPC_ERR_NOMEM also when our own
 * allocations fail). */
static int read_index(struct newsidx_db *db, struct reading *rd)
{
	static const xapc_slot_t spies[2] = { NEWSIDX_SLOT_SOURCE,
					      NEWSIDX_SLOT_DATE };
	xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
	xapc_query_t *all;
	size_t k;
	int x;

	x = xapc_db_doccount(db->x, &rd->count);
	if (!x)
		x = xapc_db_allterms(db->x, "", count_term, &rd->terms);
	rd->kc.db = db;
	if (!x)
		x = xapc_db_metadata_keys(db->x, NEWSIDX_META_FILE_PREFIX,
					  count_state, &rd->kc);
	if (!x)
		x = rd->kc.nomem ? XAPC_ERR_NOMEM : rd->kc.x;
	for (k = 0; !x && k < NMETA; k++)
		x = xapc_db_get_metadata(db->x, meta_keys[k], &rd->meta[k],
					 &rd->len[k]);
	if (!x)
		x = xapc_db_deleted_count(db->x, &rd->deleted);
	if (x)
		return x;
	all = xapc_query_all();
	if (!all)
		return XAPC_ERR_NOMEM;
	/* Exact counts per value over every article. */
	p.weighting = XAPC_WEIGHT_BOOL;
	p.maxitems = 0;
	p.check_at_least = rd->count;
	p.spy_slots = spies;
	p.n_spy_slots = 2;
	x = xapc_db_query(db->x, all, &p, &rd->m);
	xapc_query_free(all);
	return x;
}

/*
 * Read it all from the latest commit, and again when a writer's commit
 * made the reader's view stale or a generation switch retired its files,
 * as searches do (query/run.c).
 */
static newsidx_status_t read_latest(struct newsidx_db *db,
				    struct reading *rd)
{
	newsidx_status_t st;
	int x = XAPC_OK, tries, by_path = 0;
	double start = seconds();

	for (tries = 0;
	     tries <= MODIFIED_RETRIES || seconds() - start < MODIFIED_SECONDS;
	     tries++) {
		/* Opening the index again while a writer commits can fail
		 * as reading can (see newsidx_db_open). */
		st = newsidx_db__reopen(db, by_path);
		if (st == NEWSIDX_MODIFIED || st == NEWSIDX_CORRUPT) {
			by_path = 1;
			continue;
		}
		if (st)
			return st;
		reading_clear(rd);
		x = read_index(db, rd);
		if (x == XAPC_OK || x == XAPC_ERR_INVALID ||
		    x == XAPC_ERR_NOMEM || db->writable)
			break;
		by_path = x != XAPC_ERR_MODIFIED || tries > 0;
	}
	if (st)
		return st;
	if (x == XAPC_ERR_NOMEM)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	return x ? newsidx_db__xfail(db, x, "reading") : NEWSIDX_OK;
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
	for (k = 0; k < i->nfailed; k++)
		free(i->failed_values[k].value);
	free(i->failed_values);
	free(i->failed);
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

static int cmp_failed(const void *a, const void *b)
{
	return strcmp(((const newsidx_failed_file_t *)a)->path,
		      ((const newsidx_failed_file_t *)b)->path);
}

/* The failed files for the public list, by path; the list is left
 * empty (and failed_files counts them still) when memory runs out. */
static void take_failed(struct info *i, struct key_count *kc)
{
	size_t k;

	if (!kc->nfailed)
		return;
	i->failed = calloc(kc->nfailed, sizeof(*i->failed));
	if (!i->failed)
		return;
	i->failed_values = kc->failed;
	i->nfailed = kc->nfailed;
	kc->failed = NULL;
	kc->nfailed = kc->capfailed = 0;
	for (k = 0; k < i->nfailed; k++) {
		i->failed[k].path = i->failed_values[k].path;
		i->failed[k].reason = i->failed_values[k].reason;
	}
	qsort(i->failed, i->nfailed, sizeof(*i->failed), cmp_failed);
	i->pub.failed = i->failed;
}

newsidx_status_t newsidx_db_info(newsidx_db_t *db, newsidx_info_t **out)
{
	struct reading rd;
	struct info *i;
	xapc_mset_t *m;
	newsidx_status_t st;
	size_t j, k, n;

	if (!db || !db->x || !out)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	/* Its metadata would be the first shard's alone. */
	if (db->is_set)
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"%s is a set of shards; describe each "
					"of its shards (newsidx_db_shard_count())",
					db->path);
	i = calloc(1, sizeof(*i));
	if (!i)
		return NEWSIDX_NOMEM;
	memset(&rd, 0, sizeof(rd));
	st = read_latest(db, &rd);
	if (st) {
		reading_clear(&rd);
		newsidx_info_free(&i->pub);
		return st;
	}
	m = rd.m;
	rd.m = NULL;
	i->path = newsidx_strdup(db->path);
	i->updated = rd.meta[UPDATED];
	i->stemmer = rd.meta[STEMMER];
	i->stemver = rd.meta[STEMVER];
	rd.meta[UPDATED] = rd.meta[STEMMER] = rd.meta[STEMVER] = NULL;
	i->pub.schema_version = atoi(rd.meta[SCHEMA]);
	i->pub.schema_current = NEWSIDX_SCHEMA_VERSION;
	i->pub.positions =
		strcmp(rd.meta[POSITIONS], "compact") == 0 ? "compact" : "table";
	i->pub.dictionary_bytes = rd.len[DICTIONARY];
	/* The value is "NXC1" and 8 bytes per code. */
	i->pub.stem_codes =
		rd.len[STEMCODES] >= 4 ? (rd.len[STEMCODES] - 4) / 8 : 0;
	i->pub.term_lists = strcmp(rd.meta[TERMLIST], "none") != 0;
	{
		/* What tagged the articles, and what a rebuild would tag
		 * with: the built-in data and the additions kept. */
		const struct newsidx_gaz *g = newsidx_db__gazetteer(db);
		const char *cur = g ? newsidx_gaz__version(g) : "";

		i->pub.gazetteer = keep(i, rd.meta[GAZETTEER],
					strlen(rd.meta[GAZETTEER]));
		i->pub.gazetteer_current = keep(i, cur, strlen(cur));
		if (!i->pub.gazetteer)
			i->pub.gazetteer = "";
		if (!i->pub.gazetteer_current)
			i->pub.gazetteer_current = "";
	}
	i->pub.deleted = rd.deleted;
	i->pub.terms = rd.terms;
	i->pub.path = i->path ? i->path : "";
	i->pub.updated = i->updated;
	i->pub.stemmer = i->stemmer;
	i->pub.stemmer_version = i->stemver;
	i->pub.articles = rd.count;
	newsidx_layout__disk_bytes(db->path, &i->pub.disk_bytes,
				   &i->pub.retired_bytes);
	i->pub.files = rd.kc.files;
	i->pub.failed_files = rd.kc.nfailed;
	take_failed(i, &rd.kc);
	reading_clear(&rd);

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
