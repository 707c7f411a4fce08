/*
 * bulk.c: large loads as parallel shards merged by the compactor.
 *
 * A single Xapian writer is the wall of indexing speed: its inverter and
 * B-tree writes take most of the CPU however many threads prepare
 * documents.  A large load into an empty index therefore writes several
 * shards at once, each a temporary generation with its own writer thread
 * (no fsync: the merged result is what must survive), and merges them
 * with Xapian's compactor into a new generation, which the stub then
 * points to.  The live generation is not touched until that switch, so a
 * crash or a failure leaves the index as it was; leftover shards are
 * removed by the next writer.  File states, roots and spelling words go
 * to one more temporary generation, listed first in the merge so its
 * metadata wins.
 *
 * Articles are routed to a shard by the hash of their id, so a repeated
 * id replaces its copy in the same shard.  Near-duplicate groups and
 * spelling words stay with the writer thread, which sees every article
 * in order, so groups do not depend on the number of shards.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"

/* The input bytes from which a load is worth shards, and their most. */
#define BULK_MIN_BYTES (16ULL << 20)
#define BULK_MAX_SHARDS 8

/* Articles a shard's writer buffers before writing them to its tables.
 * The whole load is one atomic switch, so this is about speed alone: on
 * 60,000 generated Reuters articles, 500 took 16.1 s, 1,000 18.3 s,
 * 2,000 20.2 s and 5,000 23.1 s (two shards, --no-compact), and memory
 * grew with it. */
#define BULK_FLUSH 500

/* Room for the index directory's path, with a generation's name after
 * it; longer paths load with one writer. */
#define BULK_BASE (PATH_MAX - 320)

/* A memory bound for very large loads: past these many articles, later
 * ids are still looked up but no longer remembered (16 to 32 bytes each
 * in the id table). */
#define BULK_MAX_IDS 8000000

struct shard {
	struct bulk *bk;
	xapc_db_t *x;
	char gen[64];
	struct item *q[NEWSIDX_QUEUE_CAP];
	size_t head, n;
	pthread_cond_t more, room;
	pthread_t thread;
	int started;
	unsigned pending;
	int xerr;
	char errmsg[300];
	int lean;             /* no termlist: it cannot replace articles */
	char **copies;        /* the id terms it wrote again (lean) */
	size_t ncopies, capcopies;
};

struct bulk {
	pthread_mutex_t mu;
	int closing;
	struct shard *sh;
	unsigned n;
	unsigned batch;
	xapc_db_t *main;      /* the live generation's writer, set aside */
	char base[BULK_BASE]; /* the directory of the generations */
	char cur[256];        /* the writer's generation in base */
	int plain;            /* the writer's is a rebuild's new generation,
				 not the live one behind the stub */
	char metagen[64];
	uint64_t *ids;        /* hashes of the ids written, 0 = free */
	size_t capids, nids;
};

/*
 * A lean shard, which has no term lists, cannot replace an article whose
 * id came again: it adds the new one and remembers the id term, and the
 * older ones are listed deleted once the shards are merged (fix_copies).
 */
static int add_copy(struct shard *s, struct item *it, xapc_docid_t *docid)
{
	xapc_doccount_t tf = 0;
	int x = xapc_db_termfreq(s->x, it->qterm, it->qlen, &tf);

	if (!x && tf) {
		char *t = malloc(it->qlen + 1);

		if (!t || NEWSIDX_ARRAY_GROW(s->copies, s->ncopies,
					     s->capcopies, 16)) {
			free(t);
			return XAPC_ERR_NOMEM;
		}
		memcpy(t, it->qterm, it->qlen);
		t[it->qlen] = '\0';
		s->copies[s->ncopies++] = t;
	}
	if (!x)
		x = xapc_db_add_doc(s->x, it->doc, docid);
	return x;
}

/* After the merge: of the articles with an id a lean shard wrote again,
 * all but the last written are listed deleted. */
static int fix_copies(struct newsidx_db *db, struct bulk *bk)
{
	unsigned i;
	size_t j, k;
	int x = 0, any = 0;

	for (i = 0; i < bk->n && !x; i++)
		for (j = 0; j < bk->sh[i].ncopies && !x; j++) {
			const char *t = bk->sh[i].copies[j];
			struct doclist l = { 0 };

			x = xapc_db_postings(db->x, t, strlen(t),
					     newsidx_doclist__collect, &l);
			if (!x && l.nomem)
				x = XAPC_ERR_NOMEM;
			/* Postings come in docid order: the last is newest. */
			for (k = 0; !x && k + 1 < l.n; k++) {
				x = xapc_db_delete_doc(db->x, l.ids[k]);
				any = 1;
			}
			free(l.ids);
		}
	if (!x && any)
		x = xapc_db_commit(db->x);
	return x;
}

static void *shard_main(void *arg)
{
	struct shard *s = arg;
	struct bulk *bk = s->bk;

	for (;;) {
		struct item *it;
		xapc_docid_t docid;
		int x = 0;

		pthread_mutex_lock(&bk->mu);
		while (s->n == 0 && !bk->closing)
			pthread_cond_wait(&s->more, &bk->mu);
		if (s->n == 0) {
			pthread_mutex_unlock(&bk->mu);
			break;
		}
		it = s->q[s->head];
		s->head = (s->head + 1) % NEWSIDX_QUEUE_CAP;
		s->n--;
		pthread_cond_signal(&s->room);
		pthread_mutex_unlock(&bk->mu);
		if (!s->xerr) {
			if (it->replace && s->lean)
				x = add_copy(s, it, &docid);
			else if (it->replace)
				x = xapc_db_replace_doc_by_term(
					s->x, it->qterm, it->qlen, it->doc,
					&docid);
			else
				x = xapc_db_add_doc(s->x, it->doc, &docid);
			if (!x && ++s->pending >= bk->batch) {
				x = xapc_db_commit(s->x);
				s->pending = 0;
			}
		}
		newsidx_item__free(it);
		if (x) {
			snprintf(s->errmsg, sizeof(s->errmsg), "%s",
				 xapc_db_errmsg(s->x));
			pthread_mutex_lock(&bk->mu);
			s->xerr = x;
			pthread_cond_broadcast(&s->room);
			pthread_mutex_unlock(&bk->mu);
		}
	}
	if (!s->xerr) {
		int x = xapc_db_commit(s->x);

		if (x) {
			snprintf(s->errmsg, sizeof(s->errmsg), "%s",
				 xapc_db_errmsg(s->x));
			s->xerr = x;
		}
	}
	xapc_db_free(s->x);
	s->x = NULL;
	return NULL;
}

/* 1 if the id hash h was seen before in the run, 0 if not (it is then
 * added), 2 when the table is full and it cannot tell. */
static int bulk_seen(struct bulk *bk, uint64_t h)
{
	size_t i;

	h |= 1; /* 0 marks a free slot */
	if (bk->nids >= BULK_MAX_IDS) {
		for (i = (size_t)h & (bk->capids - 1); bk->ids[i];
		     i = (i + 1) & (bk->capids - 1))
			if (bk->ids[i] == h)
				return 1;
		return 2;
	}
	if ((bk->nids + 1) * 2 > bk->capids) {
		size_t cap = bk->capids ? bk->capids * 2 : 1 << 14, j;
		uint64_t *v = calloc(cap, sizeof(*v));

		if (!v)
			return -1;
		for (j = 0; j < bk->capids; j++) {
			if (!bk->ids[j])
				continue;
			for (i = (size_t)bk->ids[j] & (cap - 1); v[i];
			     i = (i + 1) & (cap - 1))
				;
			v[i] = bk->ids[j];
		}
		free(bk->ids);
		bk->ids = v;
		bk->capids = cap;
	}
	for (i = (size_t)h & (bk->capids - 1); bk->ids[i];
	     i = (i + 1) & (bk->capids - 1))
		if (bk->ids[i] == h)
			return 1;
	bk->ids[i] = h;
	bk->nids++;
	return 0;
}

/* Remove the bulk load's temporary generations. */
static void bulk_remove(struct newsidx_db *db, struct bulk *bk)
{
	char path[PATH_MAX];
	unsigned i;

	(void)db;
	for (i = 0; i < bk->n; i++)
		if (bk->sh[i].gen[0]) {
			snprintf(path, sizeof(path), "%s/%s", bk->base,
				 bk->sh[i].gen);
			newsidx_layout__remove(path);
		}
	if (bk->metagen[0]) {
		snprintf(path, sizeof(path), "%s/%s", bk->base, bk->metagen);
		newsidx_layout__remove(path);
	}
}

/* A new temporary generation in base, opened for writing without
 * fsync. */
static newsidx_status_t bulk_gen(struct newsidx_db *db, const char *base,
				 char *gen, size_t size, int lean,
				 xapc_db_t **x)
{
	char path[PATH_MAX];
	newsidx_status_t st;

	st = newsidx_layout__next_gen(base, gen, size);
	if (st)
		return newsidx_db__fail(db, st, "cannot read %s", base);
	snprintf(path, sizeof(path), "%s/%s", base, gen);
	if (xapc_db_open(x, path,
			 XAPC_DB_CREATE_OR_OVERWRITE | XAPC_DB_NO_SYNC |
				 (lean ? XAPC_DB_NO_TERMLIST : 0))) {
		st = newsidx_db__fail(db, NEWSIDX_ENGINE, "creating %s: %s",
				      path, xapc_db_errmsg(*x));
		xapc_db_free(*x);
		*x = NULL;
		gen[0] = '\0';
		newsidx_layout__remove(path);
		return st;
	}
	return NEWSIDX_OK;
}

static void bulk_free(struct bulk *bk)
{
	unsigned i;

	if (!bk)
		return;
	for (i = 0; i < bk->n; i++) {
		size_t j;

		for (j = 0; j < bk->sh[i].ncopies; j++)
			free(bk->sh[i].copies[j]);
		free(bk->sh[i].copies);
		xapc_db_free(bk->sh[i].x);
		pthread_cond_destroy(&bk->sh[i].more);
		pthread_cond_destroy(&bk->sh[i].room);
	}
	pthread_mutex_destroy(&bk->mu);
	free(bk->sh);
	free(bk->ids);
	free(bk);
}

/*
 * Where a bulk load into db writes: the directory of its generations and
 * the name of the writer's own; 0 when it cannot (a plain Xapian
 * database).  The writer's generation is the live one behind the stub,
 * or a rebuild's new generation (*plain), which nobody reads yet.
 */
static int bulk_where(struct newsidx_db *db, char *base, size_t bsize,
		      char *cur, size_t csize, int *plain)
{
	const char *slash;

	if (strlen(db->path) >= bsize)
		return 0;
	if (newsidx_layout__current(db->path, cur, csize)) {
		snprintf(base, bsize, "%s", db->path);
		*plain = 0;
		return 1;
	}
	slash = strrchr(db->path, '/');
	if (!db->fresh || !slash || slash == db->path)
		return 0;
	snprintf(base, bsize, "%.*s", (int)(slash - db->path), db->path);
	snprintf(cur, csize, "%s", slash + 1);
	*plain = 1;
	return 1;
}

/* A rebuild's generation (path) becomes the merged one (merged): nobody
 * reads it until the rebuild switches to it. */
static newsidx_status_t bulk_replace(struct newsidx_db *db,
				     const char *merged, const char *path)
{
	int x;

	xapc_db_free(db->x);
	db->x = NULL;
	newsidx_layout__remove(path);
	if (rename(merged, path) != 0)
		return newsidx_db__fail(db, NEWSIDX_IO, "renaming %s to %s: %s",
					merged, path, strerror(errno));
	x = xapc_db_open(&db->x, path, XAPC_DB_OPEN);
	if (x) {
		newsidx_status_t st = newsidx_db__fail(
			db, NEWSIDX_ENGINE, "reopening %s: %s", path,
			xapc_db_errmsg(db->x));

		xapc_db_free(db->x);
		db->x = NULL;
		return st;
	}
	return newsidx_db__track(db);
}

/* Stop the shard threads, once every queued article is written. */
static void bulk_join(struct bulk *bk)
{
	unsigned i;

	pthread_mutex_lock(&bk->mu);
	bk->closing = 1;
	for (i = 0; i < bk->n; i++)
		pthread_cond_broadcast(&bk->sh[i].more);
	pthread_mutex_unlock(&bk->mu);
	for (i = 0; i < bk->n; i++)
		if (bk->sh[i].started) {
			pthread_join(bk->sh[i].thread, NULL);
			bk->sh[i].started = 0;
		}
}

/* Start a bulk load with nshards shard writers; the writer's handle then
 * points at the metadata generation. */
newsidx_status_t newsidx_bulk__start(struct writer *w, unsigned nshards)
{
	struct newsidx_db *db = w->db;
	struct bulk *bk = calloc(1, sizeof(*bk));
	xapc_db_t *meta = NULL;
	newsidx_status_t st;
	unsigned i;
	int lean;

	if (!bk || !(bk->sh = calloc(nshards, sizeof(*bk->sh)))) {
		free(bk);
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	}
	pthread_mutex_init(&bk->mu, NULL);
	bk->batch = BULK_FLUSH;
	bk->n = nshards;
	for (i = 0; i < nshards; i++) {
		bk->sh[i].bk = bk;
		pthread_cond_init(&bk->sh[i].more, NULL);
		pthread_cond_init(&bk->sh[i].room, NULL);
	}
	/* The merge reads the live generation from disk: what this handle
	 * holds uncommitted (file states of touched files, an API caller's
	 * changes) is committed first so that it is not lost. */
	st = newsidx_db_commit(db);
	if (st) {
		bulk_free(bk);
		return st;
	}
	if (!bulk_where(db, bk->base, sizeof(bk->base), bk->cur,
			sizeof(bk->cur), &bk->plain)) {
		bulk_free(bk);
		return newsidx_db__fail(db, NEWSIDX_ENGINE,
					"%s has no live generation", db->path);
	}
	lean = !newsidx_db__term_lists(db);
	st = bulk_gen(db, bk->base, bk->metagen, sizeof(bk->metagen), lean,
		      &meta);
	for (i = 0; !st && i < nshards; i++) {
		bk->sh[i].lean = lean;
		st = bulk_gen(db, bk->base, bk->sh[i].gen,
			      sizeof(bk->sh[i].gen), lean, &bk->sh[i].x);
	}
	for (i = 0; !st && i < nshards; i++) {
		if (pthread_create(&bk->sh[i].thread, NULL, shard_main,
				   &bk->sh[i]) != 0)
			st = newsidx_db__fail(db, NEWSIDX_NOMEM,
					      "cannot start indexing threads");
		else
			bk->sh[i].started = 1;
	}
	if (st) {
		bulk_join(bk);
		xapc_db_free(meta);
		bulk_remove(db, bk);
		bulk_free(bk);
		return st;
	}
	bk->main = db->x;
	db->x = meta;
	w->bulk = bk;
	return NEWSIDX_OK;
}

/* The writer's part for one article of a bulk load: group, spelling,
 * counters, then the article goes to its shard's queue.  The item is
 * the shard's from then on, or freed here: the caller never frees it. */
newsidx_status_t newsidx_bulk__put(struct writer *w, struct item *it,
				   struct filework *fw)
{
	struct bulk *bk = w->bulk;
	uint64_t h = newsidx_hash64(it->qterm, it->qlen);
	struct shard *s = &bk->sh[(h >> 32) % bk->n];
	int x = newsidx_batch__group_and_spell(w, it), seen;

	/* The load's index was empty: only a rebuild's prior generation
	 * can hold an earlier copy.  The sequence goes into the metadata
	 * generation, which the merge keeps. */
	if (!x)
		x = newsidx_sequence__stamp(w, it, 0);
	if (x) {
		newsidx_item__free(it);
		return w->fatal = newsidx_db__xfail(w->db, x, "writing to");
	}
	seen = bulk_seen(bk, h);
	if (seen < 0) {
		newsidx_item__free(it);
		return w->fatal = newsidx_db__fail(w->db, NEWSIDX_NOMEM,
						   "out of memory");
	}
	/* An id the full table cannot vouch for replaces any copy: always
	 * right, only slower.  It counts as added. */
	it->replace = seen != 0;
	if (seen == 1)
		w->stats->updated++;
	else
		w->stats->added++;
	w->stats->articles++;
	w->db->gaz_used = 1;
	w->stats->bytes += it->body_len;
	fw->narticles++;
	pthread_mutex_lock(&bk->mu);
	while (s->n == NEWSIDX_QUEUE_CAP && !s->xerr)
		pthread_cond_wait(&s->room, &bk->mu);
	if (s->xerr) {
		pthread_mutex_unlock(&bk->mu);
		newsidx_item__free(it);
		return w->fatal = newsidx_db__fail(
			       w->db, NEWSIDX_ENGINE, "writing to %s/%s: %s",
			       bk->base, s->gen, s->errmsg);
	}
	s->q[(s->head + s->n) % NEWSIDX_QUEUE_CAP] = it;
	s->n++;
	pthread_cond_signal(&s->more);
	pthread_mutex_unlock(&bk->mu);
	if (++w->since_progress >= 256 && newsidx_batch__progress(w))
		return w->fatal = NEWSIDX_INTERRUPTED;
	return NEWSIDX_OK;
}

/* Delete from ctx's handle each metadata key listed. */
struct unkey {
	xapc_db_t *x;
	int x_err;
};

static int unkey(void *ctx, const char *key, size_t len)
{
	struct unkey *u = ctx;
	char buf[512];

	if (len == 0 || len >= sizeof(buf))
		return 0; /* newsidx's keys are shorter */
	memcpy(buf, key, len);
	buf[len] = '\0';
	u->x_err = xapc_db_set_metadata(u->x, buf, "", 0);
	return u->x_err != 0;
}

/*
 * End a bulk load.  Unless it failed (st other than OK or INTERRUPTED:
 * then everything is dropped and the index stays as it was), the shards
 * and the metadata are merged into a new generation, which becomes the
 * live one.
 */
newsidx_status_t newsidx_bulk__end(struct writer *w, newsidx_status_t st)
{
	struct bulk *bk = w->bulk;
	struct newsidx_db *db = w->db;
	const char **srcs = NULL;
	char (*paths)[PATH_MAX] = NULL, gen[64], dst[PATH_MAX], *err = NULL;
	unsigned i;
	int x;

	bulk_join(bk);
	w->bulk = NULL;
	for (i = 0; i < bk->n && (!st || st == NEWSIDX_INTERRUPTED); i++)
		if (bk->sh[i].xerr)
			st = newsidx_db__fail(db, NEWSIDX_ENGINE,
					      "writing to %s/%s: %s", bk->base,
					      bk->sh[i].gen, bk->sh[i].errmsg);
	if (!st || st == NEWSIDX_INTERRUPTED) {
		x = newsidx_spelling__flush(&w->spell, db->x);
		if (x) {
			st = newsidx_db__xfail(db, x, "writing to");
		} else {
			newsidx_status_t cst = newsidx_db_commit(db);

			if (cst)
				st = cst;
		}
	}
	if (!st || st == NEWSIDX_INTERRUPTED) {
		/* Of two sources holding a metadata key, the compactor keeps
		 * one without saying which: the live generation (which holds
		 * no articles) gives up the keys the metadata generation
		 * has.  At worst, after a crash, a file is read again. */
		struct unkey u = { bk->main, 0 };

		x = xapc_db_metadata_keys(db->x, "", unkey, &u);
		if (!x)
			x = u.x_err;
		if (!x)
			x = xapc_db_commit(bk->main);
		if (x)
			st = newsidx_db__fail(db, NEWSIDX_ENGINE,
					      "writing to %s: %s", db->path,
					      xapc_db_errmsg(bk->main));
	}
	xapc_db_free(db->x);
	db->x = bk->main;
	db->pending = 0;
	if (st && st != NEWSIDX_INTERRUPTED)
		goto out;
	srcs = calloc(bk->n + 2, sizeof(*srcs));
	paths = calloc(bk->n + 2, sizeof(*paths));
	if (!srcs || !paths) {
		st = newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
		goto out;
	}
	/* The metadata generation, the live one (which gave up the keys the
	 * first one holds, above), then the shards. */
	snprintf(paths[0], PATH_MAX, "%s/%s", bk->base, bk->metagen);
	snprintf(paths[1], PATH_MAX, "%s/%s", bk->base, bk->cur);
	for (i = 0; i < bk->n; i++)
		snprintf(paths[i + 2], PATH_MAX, "%s/%s", bk->base,
			 bk->sh[i].gen);
	for (i = 0; i < bk->n + 2; i++)
		srcs[i] = paths[i];
	x = newsidx_layout__next_gen(bk->base, gen, sizeof(gen));
	if (x) {
		st = newsidx_db__fail(db, NEWSIDX_IO, "cannot read %s",
				      bk->base);
		goto out;
	}
	snprintf(dst, sizeof(dst), "%s/%s", bk->base, gen);
	x = xapc_compact(srcs, bk->n + 2, dst, 0, &err);
	if (x) {
		st = newsidx_db__fail(db, NEWSIDX_ENGINE, "merging into %s: %s",
				      dst, err ? err : "failed");
		newsidx_layout__remove(dst);
		goto out;
	}
	{
		newsidx_status_t sst =
			bk->plain ? bulk_replace(db, dst, paths[1])
				  : newsidx_db__switch(db, gen, bk->cur);

		if (!sst && fix_copies(db, bk))
			sst = newsidx_db__fail(db, NEWSIDX_ENGINE,
					       "writing to %s: %s", db->path,
					       xapc_db_errmsg(db->x));
		if (sst)
			st = sst;
		else if (w->opts->version >= 2)
			w->stats->shards += bk->n;
	}
out:
	free(err);
	free(srcs);
	free(paths);
	bulk_remove(db, bk);
	bulk_free(bk);
	return st;
}

/* How many shards a load of these files gets: 0 for none. */
unsigned newsidx_bulk__shards(struct writer *w, const struct job *jobs,
			      size_t n, unsigned nw)
{
	unsigned want = w->opts->version >= 2 ? w->opts->shards : 0;
	unsigned long long bytes = 0;
	char cur[256], base[BULK_BASE];
	size_t i;
	int plain;

	if (want == 1 || !w->dedup_mem ||
	    !bulk_where(w->db, base, sizeof(base), cur, sizeof(cur), &plain))
		return 0;
	if (want > 1)
		return want < BULK_MAX_SHARDS ? want : BULK_MAX_SHARDS;
	for (i = 0; i < n; i++)
		bytes += jobs[i].in->size;
	if (bytes < BULK_MIN_BYTES)
		return 0;
	return nw < BULK_MAX_SHARDS ? nw : BULK_MAX_SHARDS;
}
