/*
 * admin.c: looking after an index: statistics, consistency checks,
 * compaction, rebuilds and deletions.
 *
 * Compaction and rebuilds never write into the live index: they build a
 * new generation beside it (see layout.c) while holding the writer lock,
 * then switch the stub, so readers keep searching the old generation
 * until their next search moves them over.
 */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "analyzer/analyzer.h"
#include "ingest/ingest.h"
#include "query/query.h"
#include "store/store.h"
#include "util/util.h"
#include "xapc.h"

/* ---- info ---- */

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

/* ---- check ---- */

struct checker {
	newsidx_reject_fn report;
	void *ctx;
	unsigned long problems;
};

static void problem(struct checker *c, const char *where, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

static void problem(struct checker *c, const char *where, const char *fmt,
		    ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	c->problems++;
	if (c->report)
		c->report(c->ctx, where, what);
}

struct doc_terms {
	unsigned ids, files;
	char id[NEWSIDX_MAX_TERM + 24];
	size_t idlen;
};

static int scan_term(void *ctx, const char *term, size_t len, unsigned wdf)
{
	struct doc_terms *d = ctx;

	(void)wdf;
	if (len > 1 && term[0] == 'Q') {
		d->ids++;
		if (len < sizeof(d->id)) {
			memcpy(d->id, term, len);
			d->idlen = len;
		}
	} else if (len > 2 && term[0] == 'X' && term[1] == 'F') {
		d->files++;
	}
	return 0;
}

struct id_find {
	xapc_docid_t want;
	unsigned n;
	int found;
};

static int find_posting(void *ctx, xapc_docid_t id, xapc_termcount_t wdf)
{
	struct id_find *f = ctx;

	(void)wdf;
	f->n++;
	f->found |= id == f->want;
	return 0;
}

/* Without term lists: the stored id must find the article, and only it. */
static void check_id(struct newsidx_db *db, struct checker *c,
		     const char *where, xapc_docid_t id, const char *sid)
{
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n = newsidx_schema__term(term, "Q", sid, strlen(sid));
	struct id_find f = { id, 0, 0 };

	if (xapc_db_postings(db->x, term, n, find_posting, &f))
		problem(c, where, "unreadable: %s", xapc_db_errmsg(db->x));
	else if (!f.found)
		problem(c, where, "its id %s does not find it", sid);
	else if (f.n != 1)
		problem(c, where, "its id %s is shared by %u articles", sid,
			f.n);
}

static void check_articles(struct newsidx_db *db, struct checker *c)
{
	xapc_docid_t last = 0, id;
	char where[64];
	int tl = newsidx_db__term_lists(db);

	if (xapc_db_lastdocid(db->x, &last))
		return;
	for (id = 1; id <= last && id != 0; id++) {
		struct doc_terms d;
		struct newsidx_stored s;
		xapc_doc_t *doc = NULL;
		xapc_doccount_t tf = 0;
		const void *rec;
		size_t len;
		int x = xapc_db_get_doc(db->x, id, &doc);

		if (x == XAPC_ERR_NOT_FOUND) {
			xapc_doc_free(doc);
			continue;
		}
		snprintf(where, sizeof(where), "document %u", id);
		if (x) {
			problem(c, where, "unreadable: %s", xapc_db_errmsg(db->x));
			xapc_doc_free(doc);
			continue;
		}
		memset(&d, 0, sizeof(d));
		if (tl)
			xapc_doc_terms(doc, scan_term, &d);
		if (!tl)
			; /* the stored id is checked below */
		else if (d.ids != 1)
			problem(c, where, "has %u id terms, not 1", d.ids);
		else if (xapc_db_termfreq(db->x, d.id, d.idlen, &tf) == XAPC_OK &&
			 tf != 1)
			problem(c, where, "its id %.*s is shared by %u articles",
				(int)d.idlen - 1, d.id + 1, tf);
		if (newsidx_db__doc_record(db, doc, &rec, &len) != NEWSIDX_OK ||
		    newsidx_docdata__decode(rec, len, 1, &s) != NEWSIDX_OK) {
			problem(c, where, "stored data does not decode");
		} else if (!tl) {
			check_id(db, c, where, id, s.id);
			newsidx_stored__clear(&s);
		} else {
			if (d.ids == 1 && (d.idlen - 1 >= NEWSIDX_MAX_TERM ||
					   strncmp(s.id, d.id + 1,
						   d.idlen - 1) != 0) &&
			    d.id[1] != '#')
				problem(c, where,
					"stored id '%s' differs from its term",
					s.id);
			if (s.path[0] && d.files != 1)
				problem(c, where, "records %u files, not 1",
					d.files);
			newsidx_stored__clear(&s);
		}
		xapc_doc_free(doc);
	}
}

newsidx_status_t newsidx_db_check(const char *path, newsidx_reject_fn report,
			       void *ctx, unsigned long *problems)
{
	struct checker c = { report, ctx, 0 };
	char gen[256], dir[PATH_MAX], *rep = NULL, *err = NULL;
	unsigned long nerr = 0;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;

	if (problems)
		*problems = 0;
	if (!path)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!newsidx_layout__exists(path))
		return NEWSIDX_NO_INDEX;
	if (newsidx_layout__current(path, gen, sizeof(gen)))
		snprintf(dir, sizeof(dir), "%s/%s", path, gen);
	else
		snprintf(dir, sizeof(dir), "%s", path);
	/* Xapian's own check: every table, every block. */
	if (xapc_check(dir, &nerr, &rep, &err) != XAPC_OK || nerr) {
		char *line = rep, *nl;
		int shown = 0;

		if (nerr == 0 && err)
			problem(&c, dir, "%s", err);
		/* The report's lines that name errors, a few at most. */
		while (line && *line && shown < 10) {
			nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			if (strstr(line, "rror") || strstr(line, "orrupt")) {
				problem(&c, dir, "%s", line);
				shown++;
			}
			line = nl ? nl + 1 : NULL;
		}
		if (nerr > (unsigned long)shown) {
			c.problems += nerr - (unsigned long)shown - 1;
			problem(&c, dir, "xapian check found %lu errors in all",
				nerr);
		}
	}
	free(rep);
	free(err);
	/* Our invariants, when the index opens at all. */
	st = newsidx_db_open(&db, path, NULL);
	if (st == NEWSIDX_NOMEM) {
		newsidx_db_free(db);
		return st;
	}
	if (st) {
		problem(&c, path, "%s", newsidx_db_errmsg(db));
	} else {
		int bad;

		check_articles(db, &c);
		(void)newsidx_db__stemcodes(db, &bad);
		if (bad)
			problem(&c, path, "its stem codes (newsidx.stemcodes) "
					  "are damaged; rebuild it");
	}
	newsidx_db_free(db);
	if (problems)
		*problems = c.problems;
	return NEWSIDX_OK;
}

/* ---- compaction and rebuilds ---- */

static newsidx_status_t need_stub_writer(struct newsidx_db *db, char *cur,
					 size_t size)
{
	if (!db || !db->x)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"index %s is open read-only", db->path);
	if (!newsidx_layout__current(db->path, cur, size))
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"%s is a plain Xapian database, not "
					"an index made by newsidx",
					db->path);
	return NEWSIDX_OK;
}

newsidx_status_t newsidx_db_compact(newsidx_db_t *db)
{
	char cur[256], gen[64], src[PATH_MAX], dst[PATH_MAX], *err = NULL;
	const char *srcs[1];
	newsidx_status_t st;
	int x;

	st = need_stub_writer(db, cur, sizeof(cur));
	if (st)
		return st;
	if (db->pending && (st = newsidx_db_commit(db)))
		return st;
	st = newsidx_layout__next_gen(db->path, gen, sizeof(gen));
	if (st)
		return newsidx_db__fail(db, st, "cannot read %s", db->path);
	snprintf(src, sizeof(src), "%s/%s", db->path, cur);
	snprintf(dst, sizeof(dst), "%s/%s", db->path, gen);
	srcs[0] = src;
	/* Docids kept: the list of deleted articles names them. */
	x = xapc_compact(srcs, 1, dst,
			 newsidx_db__term_lists(db) ? 0
						    : XAPC_COMPACT_NO_RENUMBER,
			 &err);
	if (x) {
		st = newsidx_db__fail(db, NEWSIDX_ENGINE, "compacting %s: %s",
				      db->path, err ? err : "failed");
		free(err);
		newsidx_layout__remove(dst);
		return st;
	}
	free(err);
	return newsidx_db__switch(db, gen, cur);
}

struct roots {
	struct newsidx_db *db;
	char **v;
	size_t n;
	int nomem;
};

static int collect_root(void *ctx, const char *key, size_t klen)
{
	struct roots *r = ctx;
	char *name = malloc(klen + 1), *v = NULL, **p;
	size_t len = 0;

	if (!name) {
		r->nomem = 1;
		return 1;
	}
	memcpy(name, key, klen);
	name[klen] = '\0';
	if (xapc_db_get_metadata(r->db->x, name, &v, &len) == XAPC_OK && len) {
		p = realloc(r->v, (r->n + 1) * sizeof(*p));
		if (!p) {
			free(v);
			r->nomem = 1;
		} else {
			r->v = p;
			r->v[r->n++] = v;
			v = NULL;
		}
	}
	free(v);
	free(name);
	return r->nomem;
}

newsidx_status_t newsidx_db_rebuild(newsidx_db_t *db,
				    const newsidx_index_options_t *opts,
				    newsidx_index_stats_t *stats)
{
	char cur[256], gen[64], dst[PATH_MAX];
	struct roots r = { 0 };
	struct newsidx_db *fresh = NULL;
	newsidx_status_t st, worst = NEWSIDX_OK;
	size_t i;
	int x;

	st = need_stub_writer(db, cur, sizeof(cur));
	if (st)
		return st;
	r.db = db;
	x = xapc_db_metadata_keys(db->x, NEWSIDX_META_ROOT_PREFIX,
				  collect_root, &r);
	if (x || r.nomem) {
		st = x ? newsidx_db__xfail(db, x, "reading")
		       : newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
		goto out;
	}
	if (r.n == 0) {
		st = newsidx_db__fail(db, NEWSIDX_NOT_FOUND,
				      "index %s remembers no input paths to "
				      "rebuild from",
				      db->path);
		goto out;
	}
	st = newsidx_layout__next_gen(db->path, gen, sizeof(gen));
	if (st) {
		st = newsidx_db__fail(db, st, "cannot read %s", db->path);
		goto out;
	}
	snprintf(dst, sizeof(dst), "%s/%s", db->path, gen);
	st = newsidx_db__open_fresh(&fresh, dst, db->synonyms);
	if (!st) {
		/* The fresh index keeps the old one's positions layout
		 * unless the options choose one. */
		int want = opts && opts->version >= 3
				   ? opts->positions
				   : NEWSIDX_POSITIONS_KEEP;

		st = newsidx_db__set_positions(
			fresh, want == NEWSIDX_POSITIONS_KEEP
				       ? newsidx_db__compact_positions(db)
				       : want == NEWSIDX_POSITIONS_COMPACT);
	}
	for (i = 0; !st && i < r.n; i++) {
		st = newsidx_index_path(fresh, r.v[i], opts, stats);
		if (st == NEWSIDX_REJECTED) {
			worst = st;
			st = NEWSIDX_OK;
		}
	}
	if (!st)
		st = newsidx_db_commit(fresh);
	if (st) {
		/* The live index is untouched; say why and drop the rest. */
		if (fresh)
			newsidx_db__fail(db, st, "rebuilding: %s",
					 fresh->errmsg);
		newsidx_db_free(fresh);
		newsidx_layout__remove(dst);
		goto out;
	}
	newsidx_db_free(fresh);
	st = newsidx_db__switch(db, gen, cur);
	if (!st)
		st = worst;
out:
	for (i = 0; i < r.n; i++)
		free(r.v[i]);
	free(r.v);
	return st;
}

/* ---- deletions ---- */

newsidx_status_t newsidx_db_delete_id(newsidx_db_t *db, const char *id)
{
	char term[NEWSIDX_MAX_TERM + 24];
	xapc_doccount_t tf = 0;
	size_t n;
	int x;

	if (!db || !db->x || !id)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"index %s is open read-only", db->path);
	n = newsidx_schema__term(term, "Q", id, strlen(id));
	x = newsidx_db__live_count(db, term, n, &tf);
	if (!x && tf == 0)
		return newsidx_db__fail(db, NEWSIDX_NOT_FOUND,
					"no article with id %s", id);
	if (!x)
		x = xapc_db_delete_doc_by_term(db->x, term, n);
	if (x)
		return newsidx_db__xfail(db, x, "deleting from");
	db->pending++;
	return newsidx_db_commit(db);
}

newsidx_status_t newsidx_db_delete_query(newsidx_db_t *db, const char *query,
				      size_t *deleted)
{
	unsigned *ids = NULL;
	size_t n = 0, i;
	newsidx_status_t st;
	int x = 0;

	if (deleted)
		*deleted = 0;
	if (!db || !db->x || !query)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"index %s is open read-only", db->path);
	st = newsidx_search__docids(db, query, &ids, &n);
	if (st)
		return st;
	for (i = 0; i < n && !x; i++)
		x = xapc_db_delete_doc(db->x, ids[i]);
	free(ids);
	if (x)
		return newsidx_db__xfail(db, x, "deleting from");
	db->pending += (unsigned)n;
	if (deleted)
		*deleted = n;
	return n ? newsidx_db_commit(db) : NEWSIDX_OK;
}
