/*
 * partition.c: writing a partitioned index (lib/partition.c has its
 * layout): indexing routed to the shard of each article's period,
 * deletions, the compaction that closes ended periods, and resharding.
 *
 * A run over a partitioned index is a pass per shard, each an ordinary
 * writer run over the same inputs (writer.c) that keeps only the
 * articles of its shard's period (newsidx_route__keep): every guarantee
 * of one index then holds in each shard as it is, incremental runs, the
 * input's order within a shard, vanished files, crash safety, and an
 * article whose date moved to another period is dropped by its old
 * shard, which reads its changed file and no longer finds it there.
 * Periods met with no shard yet get one, which then has its pass.  A
 * pass parses every changed file but analyses only its own articles.
 *
 * What no pass sees alone is an id written into two shards: an id
 * repeated in the input with dates of two periods, or moved by a new
 * file while its old file stays.  The ids every pass wrote are noted with
 * their place in the input, and after the passes the last copy in input
 * order stays, every other copy in any shard going.  A RUNNING mark
 * lists the run's paths from its start until that is done: a run that
 * finds it reads those paths again in full (force) first, so that the
 * ids of a killed run are noted again and their copies settled.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index/index.h"

static void route_free(struct route *r)
{
	size_t i;

	for (i = 0; i < r->nfound; i++)
		free(r->found[i]);
	free(r->found);
	for (i = 0; i < r->nids; i++)
		free(r->ids[i].id);
	free(r->ids);
	free(r->said);
	pthread_mutex_destroy(&r->mu);
}

/* ------------------------------------------------------------------ */
/* Shards                                                              */
/* ------------------------------------------------------------------ */

/* Add the shard of key to the set: made, then listed in the stub. */
static newsidx_status_t add_shard(struct newsidx_db *db, char ***names,
				  size_t *n, const char *key)
{
	struct newsidx_db *s = NULL;
	char **v;
	newsidx_status_t st = newsidx_route__open_shard(db, key, &s);

	newsidx_db_free(s);
	if (st)
		return st;
	v = realloc(*names, (*n + 1) * sizeof(*v));
	if (!v)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	*names = v;
	v[*n] = newsidx_strdup(key);
	if (!v[*n])
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	(*n)++;
	return newsidx_part__put_list(db->path, v, *n, db->errmsg,
				      sizeof(db->errmsg));
}

/* The caller's options, of whatever version, as this version's. */
static void copy_options(const newsidx_index_options_t *opts,
			 newsidx_index_options_t *o)
{
	newsidx_index_options_t init = NEWSIDX_INDEX_OPTIONS_INIT;

	*o = init;
	if (!opts)
		return;
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
	}
	if (opts->version >= 6)
		o->no_tags = opts->no_tags;
	if (opts->version >= 7)
		o->reopen = opts->reopen;
}

/* A pass's counts into the run's: articles add up; files, which every
 * pass walks, are counted once. */
static void merge_stats(newsidx_index_stats_t *to,
			const newsidx_index_stats_t *p, int first)
{
	to->articles += p->articles;
	to->rejected += p->rejected;
	to->bytes += p->bytes;
	to->added += p->added;
	to->updated += p->updated;
	to->deleted += p->deleted;
	if (first || p->files > to->files) {
		to->files = p->files;
		to->unchanged = p->unchanged;
		to->files_total = p->files_total;
		to->bytes_total = p->bytes_total;
		to->bytes_done = p->bytes_done;
		to->skipped = p->skipped;
		to->unprocessed = p->unprocessed;
		to->title_only = p->title_only;
		to->failed_unchanged = p->failed_unchanged;
	}
}

/* The worse of two statuses of passes: a failure, else what the run
 * returns with its work done. */
static newsidx_status_t worse(newsidx_status_t a, newsidx_status_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (a == NEWSIDX_REJECTED)
		return b;
	return a;
}

static int soft(newsidx_status_t st)
{
	return st == NEWSIDX_OK || st == NEWSIDX_REJECTED ||
	       st == NEWSIDX_DELETE_REFUSED;
}

/* One pass: the writer's run over shard names[i] (NULL: a scratch index
 * that keeps nothing, to find the periods of the input). */
static newsidx_status_t pass(struct newsidx_db *db, struct route *r,
			     const char *name, size_t i, const char *path,
			     const void *data, size_t len,
			     const newsidx_index_options_t *o,
			     newsidx_index_stats_t *stats, int first)
{
	newsidx_index_stats_t ps;
	struct newsidx_db *s = NULL;
	char scratch[PATH_MAX];
	newsidx_status_t st;

	memset(&ps, 0, sizeof(ps));
	r->key = name;
	r->shard = i;
	if (name) {
		st = newsidx_route__open_shard(db, name, &s);
	} else {
		newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;

		snprintf(scratch, sizeof(scratch), "%s/scan.tmp", db->path);
		newsidx_layout__remove(scratch);
		oo.mode = NEWSIDX_OPEN_WRITE;
		st = newsidx_db_open(&s, scratch, &oo);
		if (st)
			newsidx_db__fail(db, st, "%s",
					 s ? newsidx_db_errmsg(s)
					   : "out of memory");
	}
	if (!st) {
		st = newsidx_writer__run(s, path, data, len, o, &ps, r);
		if (st && st != NEWSIDX_REJECTED)
			newsidx_db__fail(db, st, "%s%s%s", name ? "shard " : "",
					 name ? name : "", name ? ": " : "");
		if (st && st != NEWSIDX_REJECTED) {
			size_t l = strlen(db->errmsg);

			snprintf(db->errmsg + l, sizeof(db->errmsg) - l, "%s",
				 newsidx_db_errmsg(s));
		} else if (st) {
			snprintf(db->errmsg, sizeof(db->errmsg), "%s",
				 newsidx_db_errmsg(s));
		}
	}
	newsidx_db_free(s);
	if (!name)
		newsidx_layout__remove(scratch);
	else
		merge_stats(stats, &ps, first);
	if (r->nomem)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	return st;
}

static int cmp_routed(const void *a, const void *b)
{
	const struct routed *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	if (x->path != y->path)
		return x->path < y->path ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->rec != y->rec)
		return x->rec < y->rec ? -1 : 1;
	return 0;
}

/* After the passes: each id written keeps its last copy in input order,
 * and loses every other, in whichever shard. */
static newsidx_status_t settle(struct newsidx_db *db, struct route *r,
			       char **names, size_t n, char **ran,
			       newsidx_index_stats_t *stats)
{
	size_t s, i, j;
	newsidx_status_t st = NEWSIDX_OK;

	if (r->nids == 0)
		return NEWSIDX_OK;
	qsort(r->ids, r->nids, sizeof(*r->ids), cmp_routed);
	for (s = 0; s < n && !st; s++) {
		struct newsidx_db *sh = NULL;
		int x = 0;

		st = newsidx_route__open_shard(db, names[s], &sh);
		for (i = 0; !st && !x && i < r->nids; i = j) {
			char term[NEWSIDX_MAX_TERM + 24];
			xapc_doccount_t tf = 0;
			size_t tl;

			for (j = i + 1; j < r->nids &&
					strcmp(r->ids[j].id, r->ids[i].id) == 0;
			     j++)
				;
			if (strcmp(ran[r->ids[j - 1].shard], names[s]) == 0)
				continue; /* the winner's shard */
			tl = newsidx_schema__term(term, NEWSIDX_PREFIX_ID,
						  r->ids[i].id,
						  strlen(r->ids[i].id));
			x = newsidx_db__live_count(sh, term, tl, &tf);
			if (!x && tf) {
				x = xapc_db_delete_doc_by_term(sh->x, term, tl);
				sh->pending++;
				stats->deleted += tf;
			}
		}
		if (!st && x)
			st = newsidx_db__xfail(sh, x, "settling ids in");
		if (!st && sh->pending)
			st = newsidx_db_commit(sh);
		if (st && sh)
			newsidx_db__fail(db, st, "shard %s: %s", names[s],
					 newsidx_db_errmsg(sh));
		newsidx_db_free(sh);
	}
	return st;
}

/* For the tests of crash safety: NEWSIDX_TEST_KILL_PASS=N kills the
 * process with SIGKILL right after the Nth pass of a run committed. */
static void test_kill(size_t passes)
{
	const char *e = getenv("NEWSIDX_TEST_KILL_PASS");

	if (e && *e && strtoul(e, NULL, 10) == passes)
		raise(SIGKILL);
}

/* 1 when name is in the n strings of v. */
static int listed(char *const *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

/* The passes of one run over path (or the buffer data): every shard
 * not closed, and each shard made for a period met on the way, once;
 * then the ids settled.  ran lists the shards passed, in order (the
 * notes' shard numbers index it). */
static newsidx_status_t route_run(struct newsidx_db *db, const char *path,
				  const void *data, size_t len,
				  const newsidx_index_options_t *o,
				  newsidx_index_stats_t *stats)
{
	struct route r;
	char **names = NULL, **ran = NULL;
	size_t n = 0, nran = 0, capran = 0, i, k;
	newsidx_status_t st = NEWSIDX_OK, worst = NEWSIDX_OK;

	memset(&r, 0, sizeof(r));
	pthread_mutex_init(&r.mu, NULL);
	r.period = db->part;
	r.dir = db->path;
	r.reopen = o->reopen;
	for (;;) {
		const char *next = NULL;

		newsidx_part__free_list(names, n);
		st = newsidx_part__list(db->path, &names, &n);
		if (st) {
			st = newsidx_db__fail(db, st, "cannot read %s/XAPIANDB",
					      db->path);
			break;
		}
		/* A closed shard has no pass unless reopened: its period
		 * is over, its files read. */
		for (i = 0; i < n && !next; i++)
			if (!listed(ran, nran, names[i]) &&
			    (o->reopen ||
			     !newsidx_part__closed(db->path, names[i])))
				next = names[i];
		if (!next && nran > 0)
			break;
		if (!next) {
			/* No shard to read into: a pass that keeps nothing
			 * finds the input's periods. */
			st =
			    pass(db, &r, NULL, 0, path, data, len, o, stats, 1);
			if (r.nfound == 0) {
				worst = worse(worst, st);
				break;
			}
		} else {
			if (NEWSIDX_ARRAY_GROW(ran, nran, capran, 8) ||
			    !(ran[nran] = newsidx_strdup(next))) {
				st = newsidx_db__fail(db, NEWSIDX_NOMEM,
						      "out of memory");
				break;
			}
			nran++;
			if (o->reopen && newsidx_part__closed(db->path, next))
				st = newsidx_part__set_closed(
				    db->path, next, NULL, db->errmsg,
				    sizeof(db->errmsg));
			if (!st)
				st = pass(db, &r, next, nran - 1, path, data,
					  len, o, stats, nran == 1);
		}
		worst = worse(worst, st);
		if (!soft(st))
			break;
		st = NEWSIDX_OK;
		test_kill(nran);
		for (k = 0; k < r.nfound && !st; k++)
			if (!listed(names, n, r.found[k]))
				st = add_shard(db, &names, &n, r.found[k]);
		for (k = 0; k < r.nfound; k++)
			free(r.found[k]);
		r.nfound = 0;
		if (st)
			break;
	}
	if (!st && soft(worst))
		st = settle(db, &r, names, n, ran, stats);
	if (!st)
		st = worst;
	newsidx_part__free_list(names, n);
	newsidx_part__free_list(ran, nran);
	route_free(&r);
	return st;
}

/* newsidx_index_path()/_buffer() on a partitioned index. */
static newsidx_status_t index_part(newsidx_db_t *db, const char *path,
				   const void *data, size_t len,
				   const newsidx_index_options_t *opts,
				   newsidx_index_stats_t *stats)
{
	newsidx_index_options_t o;
	newsidx_index_stats_t local;
	newsidx_status_t st = NEWSIDX_OK;
	char *left = newsidx_part__was_running(db->path), *line, *save = NULL;
	char mark[PATH_MAX + 2];

	memset(&local, 0, sizeof(local));
	if (!stats)
		stats = &local;
	copy_options(opts, &o);
	o.shards = 1; /* passes write one shard each, never a bulk load */
	/* A new shard keeps the positions layout of those before it. */
	if (o.positions == NEWSIDX_POSITIONS_KEEP) {
		char **names = NULL;
		size_t n = 0;

		if (newsidx_part__list(db->path, &names, &n) == NEWSIDX_OK &&
		    n > 0) {
			newsidx_db_t *s = NULL;
			char p[PATH_MAX];

			snprintf(p, sizeof(p), "%s/%s", db->path, names[0]);
			if (newsidx_db_open(&s, p, NULL) == NEWSIDX_OK)
				o.positions = newsidx_db__compact_positions(s)
						  ? NEWSIDX_POSITIONS_COMPACT
						  : NEWSIDX_POSITIONS_TABLE;
			newsidx_db_free(s);
		}
		newsidx_part__free_list(names, n);
	}
	db->errmsg[0] = '\0';
	/* A run killed before its ids were settled: its paths read again
	 * in full, so that every copy it wrote is noted and settled. */
	if (left) {
		newsidx_index_options_t again = o;
		newsidx_index_stats_t ignored;

		again.force = 1;
		for (line = strtok_r(left, "\n", &save); line && !st;
		     line = strtok_r(NULL, "\n", &save)) {
			memset(&ignored, 0, sizeof(ignored));
			st = route_run(db, line, NULL, 0, &again, &ignored);
			if (st == NEWSIDX_NO_INPUT || soft(st))
				st = NEWSIDX_OK;
		}
		free(left);
		if (st)
			return st;
	}
	/* A buffer cannot be read again: it is written, not marked. */
	if (!data) {
		char real[PATH_MAX];

		snprintf(mark, sizeof(mark), "%s\n",
			 realpath(path, real) ? real : path);
		st = newsidx_part__running(db->path, mark, db->errmsg,
					   sizeof(db->errmsg));
	}
	if (!st)
		st = route_run(db, path, data, len, &o, stats);
	if (!data && (soft(st) || st == NEWSIDX_NO_INPUT)) {
		newsidx_status_t cst = newsidx_part__running(
		    db->path, NULL, db->errmsg, sizeof(db->errmsg));

		if (cst)
			st = cst;
	}
	return st;
}

/* ------------------------------------------------------------------ */
/* Resharding                                                          */
/* ------------------------------------------------------------------ */

/* The input paths an index remembers, each with its stored filters. */
struct reroot {
	char *path;
	struct filters f;
};

struct reroots {
	struct newsidx_db *db;
	struct reroot *v;
	size_t n, cap;
	int nomem;
	newsidx_status_t st;
};

static int add_root(void *ctx, const char *key, size_t klen)
{
	struct reroots *r = ctx;
	char name[PATH_MAX + 64], *v = NULL;
	size_t len = 0, i;

	if (klen >= sizeof(name))
		return 0;
	memcpy(name, key, klen);
	name[klen] = '\0';
	if (xapc_db_get_metadata(r->db->x, name, &v, &len) != XAPC_OK || !len) {
		free(v);
		return 0;
	}
	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].path, v) == 0)
			break;
	if (i < r->n) {
		free(v);
		return 0;
	}
	if (NEWSIDX_ARRAY_GROW(r->v, r->n, r->cap, 8)) {
		free(v);
		r->nomem = 1;
		return 1;
	}
	memset(&r->v[r->n], 0, sizeof(r->v[r->n]));
	r->v[r->n].path = v;
	r->st = newsidx_state__get_filters(r->db, v, &r->v[r->n].f);
	r->n++;
	return r->st != NEWSIDX_OK;
}

/* Gather the roots of index (or shard) directory dir into r. */
static newsidx_status_t roots_of(const char *dir, struct reroots *r, char *err,
				 size_t errlen)
{
	newsidx_db_t *db = NULL;
	newsidx_status_t st = newsidx_db_open(&db, dir, NULL);
	int x = 0;

	if (!st) {
		r->db = db;
		x = xapc_db_metadata_keys(db->x, NEWSIDX_META_ROOT_PREFIX,
					  add_root, r);
		if (r->nomem)
			st = NEWSIDX_NOMEM;
		else if (r->st)
			st = r->st;
		else if (x)
			st = newsidx_db__xfail(db, x, "reading");
	}
	if (st)
		snprintf(err, errlen, "%s",
			 db ? newsidx_db_errmsg(db) : "out of memory");
	newsidx_db_free(db);
	return st;
}

static void roots_free(struct reroots *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].path);
		newsidx_state__free_filters(&r->v[i].f);
	}
	free(r->v);
}

newsidx_status_t newsidx_db_reshard(const char *path, int period,
				    double lock_timeout,
				    const newsidx_index_options_t *opts,
				    newsidx_index_stats_t *stats, char *err,
				    size_t errlen)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *old = NULL, *fresh = NULL;
	struct reroots r;
	char tmp[PATH_MAX], **names = NULL, p[PATH_MAX];
	size_t n = 0, i;
	newsidx_status_t st, worst = NEWSIDX_OK;
	int part;

	memset(&r, 0, sizeof(r));
	if (!path || !err || period < 0 || period > NEWSIDX_PERIOD_MONTH)
		return NEWSIDX_INVALID_ARGUMENT;
	err[0] = '\0';
	part = newsidx_part__is(path, NULL);
	if (!part && !newsidx_layout__exists(path)) {
		snprintf(err, errlen, "no index at %s", path);
		return NEWSIDX_NO_INDEX;
	}
	/* The old layout's writer lock, held throughout. */
	oo.mode = NEWSIDX_OPEN_WRITE;
	oo.lock_timeout = lock_timeout;
	st = newsidx_db_open(&old, path, &oo);
	if (st) {
		snprintf(err, errlen, "%s",
			 old ? newsidx_db_errmsg(old) : "out of memory");
		newsidx_db_free(old);
		return st;
	}
	if (part) {
		st = newsidx_part__list(path, &names, &n);
		for (i = 0; !st && i < n; i++) {
			snprintf(p, sizeof(p), "%s/%s", path, names[i]);
			st = roots_of(p, &r, err, errlen);
		}
		newsidx_part__free_list(names, n);
	} else {
		st = roots_of(path, &r, err, errlen);
	}
	if (!st && r.n == 0) {
		snprintf(err, errlen,
			 "index %s remembers no input paths to reshard from",
			 path);
		st = NEWSIDX_NOT_FOUND;
	}
	if (st)
		goto out;
	/* The new layout beside the old, from the paths read again (a
	 * trailing '/' would put it inside). */
	snprintf(tmp, sizeof(tmp), "%s", path);
	while (strlen(tmp) > 1 && tmp[strlen(tmp) - 1] == '/')
		tmp[strlen(tmp) - 1] = '\0';
	strncat(tmp, ".reshard", sizeof(tmp) - strlen(tmp) - 1);
	newsidx_layout__remove(tmp);
	oo.lock_timeout = 0;
	oo.period = period;
	oo.synonyms = old->synonyms;
	oo.gazetteer = old->gazetteer;
	st = newsidx_db_open(&fresh, tmp, &oo);
	for (i = 0; !st && i < r.n; i++) {
		newsidx_index_options_t o;

		copy_options(opts, &o);
		if (!o.n_include && !o.n_exclude) {
			o.include = r.v[i].f.include;
			o.n_include = r.v[i].f.n_include;
			o.exclude = r.v[i].f.exclude;
			o.n_exclude = r.v[i].f.n_exclude;
		}
		st = newsidx_index_path(fresh, r.v[i].path, &o, stats);
		if (st == NEWSIDX_REJECTED) {
			worst = st;
			st = NEWSIDX_OK;
		}
	}
	if (!st)
		st = newsidx_db_commit(fresh);
	if (st) {
		snprintf(err, errlen, "resharding: %s",
			 fresh ? newsidx_db_errmsg(fresh) : "out of memory");
		newsidx_db_free(fresh);
		newsidx_layout__remove(tmp);
		goto out;
	}
	newsidx_db_free(fresh);
	/* One step: the new layout takes the old one's name, the old one
	 * the temporary name, which then goes. */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) != 0) {
		snprintf(err, errlen, "cannot exchange %s and %s: %s", tmp,
			 path, strerror(errno));
		newsidx_layout__remove(tmp);
		st = NEWSIDX_IO;
		goto out;
	}
	newsidx_db_free(old);
	old = NULL;
	newsidx_layout__remove(tmp);
	st = worst;
out:
	newsidx_db_free(old);
	roots_free(&r);
	return st;
}

/* ------------------------------------------------------------------ */
/* The writer's entry points                                          */
/* ------------------------------------------------------------------ */

newsidx_status_t newsidx_index_path(newsidx_db_t *db, const char *path,
				    const newsidx_index_options_t *opts,
				    newsidx_index_stats_t *stats)
{
	if (db && path && db->part && db->writable)
		return index_part(db, path, NULL, 0, opts, stats);
	return newsidx_writer__run(db, path, NULL, 0, opts, stats, NULL);
}

newsidx_status_t newsidx_index_buffer(newsidx_db_t *db, const char *name,
				      const void *data, size_t len,
				      const newsidx_index_options_t *opts,
				      newsidx_index_stats_t *stats)
{
	static const char empty[1] = "";

	if (!data) {
		data = empty;
		len = 0;
	}
	if (db && name && db->part && db->writable)
		return index_part(db, name, data, len, opts, stats);
	return newsidx_writer__run(db, name, data, len, opts, stats, NULL);
}
