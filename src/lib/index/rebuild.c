/*
 * rebuild.c: newsidx_db_rebuild(), which indexes again, into a new
 * generation, every input path the index remembers (the metadata keys
 * under NEWSIDX_META_ROOT_PREFIX), then switches the stub to it.
 *
 * Like a compaction it never writes into the live generation: a failed
 * rebuild leaves the index as it was.  A rebuild is also how an index
 * changes its positions layout or schema, and how a lean index gives
 * back the space of the articles it lists deleted.
 *
 * The last indexing sequence and the watches are copied over, and each
 * article read again keeps the sequence it had (sequence.c).
 *
 * Each path is read again with the filters stored with it (state.c),
 * unless the options bring include or exclude patterns, which then
 * replace those of every path, as they would in newsidx_index_path().
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"

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

/* Options for reading root again: the caller's, of whatever version, with
 * the filters stored with it unless the caller's options bring some. */
static newsidx_status_t root_options(struct newsidx_db *db, const char *root,
				     const newsidx_index_options_t *opts,
				     newsidx_index_options_t *o,
				     struct filters *f)
{
	newsidx_index_options_t init = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_status_t st;

	*o = init;
	memset(f, 0, sizeof(*f));
	if (opts) {
		o->source = opts->source;
		o->lang = opts->lang;
		o->max_article_bytes = opts->max_article_bytes;
		o->batch_size = opts->batch_size;
		o->on_reject = opts->on_reject;
		o->reject_ctx = opts->reject_ctx;
		o->no_delete = opts->no_delete;
		o->retry_failed = opts->retry_failed;
		o->force = opts->force;
		o->progress = opts->progress;
		o->progress_ctx = opts->progress_ctx;
		o->jobs = opts->jobs;
		if (opts->version >= 2)
			o->shards = opts->shards;
		if (opts->version >= 3)
			o->positions = opts->positions;
		if (opts->version >= 4) {
			o->max_delete_share = opts->max_delete_share;
			o->max_delete = opts->max_delete;
		}
		if (opts->version >= 5) {
			o->encoding = opts->encoding;
			o->include = opts->include;
			o->n_include = opts->n_include;
			o->exclude = opts->exclude;
			o->n_exclude = opts->n_exclude;
			if (o->n_include || o->n_exclude)
				return NEWSIDX_OK;
		}
	}
	st = newsidx_state__get_filters(db, root, f);
	if (st)
		return st;
	o->include = f->include;
	o->n_include = f->n_include;
	o->exclude = f->exclude;
	o->n_exclude = f->n_exclude;
	return NEWSIDX_OK;
}

/* Copy each metadata key listed from ctx's source to its target. */
struct keep {
	xapc_db_t *from, *to;
	int x;
};

static int keep_key(void *ctx, const char *key, size_t klen)
{
	struct keep *k = ctx;
	char name[512], *v = NULL;
	size_t len = 0;

	if (klen >= sizeof(name))
		return 0; /* newsidx's keys are shorter */
	memcpy(name, key, klen);
	name[klen] = '\0';
	k->x = xapc_db_get_metadata(k->from, name, &v, &len);
	if (!k->x && len)
		k->x = xapc_db_set_metadata(k->to, name, v, len);
	free(v);
	return k->x != 0;
}

/*
 * What the inputs cannot give again: the last indexing sequence, so
 * that new articles stay new, and the watches with their cursors.  Each
 * article read again takes its sequence from db (fresh->prior), so a
 * rebuild makes nothing look new to a watch.
 */
static newsidx_status_t keep_sequence(struct newsidx_db *db,
				      struct newsidx_db *fresh)
{
	struct keep k = { db->x, fresh->x, 0 };
	int x = xapc_db_metadata_keys(db->x, NEWSIDX_META_SEQUENCE, keep_key,
				      &k);

	if (!x && !k.x)
		x = xapc_db_metadata_keys(db->x, NEWSIDX_META_WATCH_PREFIX,
					  keep_key, &k);
	if (!x)
		x = k.x;
	if (x)
		return newsidx_db__xfail(fresh, x, "writing to");
	fresh->prior = db;
	return NEWSIDX_OK;
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

	if (db && db->part)
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"%s is a partitioned index; newsidx "
					"reshard --period %s rebuilds it",
					db->path,
					newsidx_part__period_name(db->part));
	st = newsidx_db__stub_writer(db, cur, sizeof(cur));
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
	if (!st)
		st = newsidx_db__inherit_gazetteer(fresh, db);
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
	if (!st)
		st = keep_sequence(db, fresh);
	for (i = 0; !st && i < r.n; i++) {
		newsidx_index_options_t o;
		struct filters f;

		st = root_options(db, r.v[i], opts, &o, &f);
		if (st) {
			newsidx_db__fail(fresh, st, "%s", db->errmsg);
			newsidx_state__free_filters(&f);
			break;
		}
		st = newsidx_index_path(fresh, r.v[i], &o, stats);
		newsidx_state__free_filters(&f);
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
