/*
 * writer.c: a run of the index writer over one index, behind the entry
 * points newsidx_index_path() and newsidx_index_buffer() (partition.c,
 * which also runs it once per shard of a partitioned index, each run
 * keeping the articles of its shard's period).  A run checks the
 * handle, sets up what every article needs (the positions layout, the
 * packer, the form of the band terms), walks the input paths (walk.c), keeps only the files whose
 * state says they changed (state.c), reads them in this thread or in a
 * pipeline of threads (pipeline.c), as a bulk load of shards when the
 * load is large (bulk.c), then drops the articles of vanished files
 * (within the options' limits) and commits.  A path that is missing or
 * cannot be listed is NEWSIDX_NO_INPUT, and nothing under it is read or
 * deleted.
 *
 * The work per article is elsewhere: it becomes a document in
 * document.c, and batch.c writes it.
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index/index.h"

/* One thread: prepare and write each article as it is parsed. */
static newsidx_status_t on_article(void *ctx, struct newsidx_article *a)
{
	struct writer *w = ctx;
	struct item *it;
	char err[512];
	newsidx_status_t st;

	if (w->fatal)
		return w->fatal;
	if (w->route) {
		char where[PATH_MAX + 64], why[200];
		int k = newsidx_route__keep(w->route, a, where, sizeof(where),
					    why, sizeof(why));

		if (k < 0)
			newsidx_batch__reject(w, where, why);
		if (k <= 0)
			return NEWSIDX_OK; /* another shard's */
	}
	st = newsidx_document__prepare(&w->prep, a, &it, err, sizeof(err));
	if (st)
		return w->fatal = newsidx_db__fail(w->db, st, "%s", err);
	it->ofile = w->cur_file;
	it->orec = a->record;
	st = newsidx_batch__write(w, it, &w->single);
	newsidx_item__free(it);
	return st;
}

/* Read one file (data NULL) or a buffer in this thread. */
static newsidx_status_t index_one(struct writer *w, const char *name,
				  const char *abspath, const void *data,
				  size_t len)
{
	struct newsidx_ingest ing;
	newsidx_status_t st;

	memset(&ing, 0, sizeof(ing));
	ing.name = name;
	ing.abspath = abspath;
	ing.max_article = w->opts->max_article_bytes;
	ing.on_article = on_article;
	ing.on_reject = newsidx_batch__on_reject;
	ing.ctx = w;
	ing.encoding = w->opts->version >= 5 ? w->opts->encoding : NULL;
	w->file_rejected = 0;
	w->single.nseen = 0;
	w->single.narticles = 0;
	w->stats->files++;
	st = newsidx_ingest__run(&ing, data ? NULL : name, data, len);
	w->stats->skipped += ing.skipped;
	w->stats->unprocessed += ing.unprocessed;
	w->stats->title_only += ing.title_only;
	if (w->file_rejected)
		w->stats->rejected_files++;
	free(w->single.reason);
	w->single.reason = ing.reason[0] ? newsidx_strdup(ing.reason) : NULL;
	if (w->fatal)
		return w->fatal;
	return st == NEWSIDX_NOMEM ? st : NEWSIDX_OK;
}

/* Preparing threads: as the options say, else one per processor. */
static unsigned jobs_wanted(const newsidx_index_options_t *o)
{
	long n;

	if (o->jobs)
		return o->jobs;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* Read every file that changed: in threads when the options allow more
 * than one. */
static newsidx_status_t read_inputs(struct writer *w, struct inputs *ins)
{
	struct job *jobs = calloc(ins->n ? ins->n : 1, sizeof(*jobs));
	unsigned nw = jobs_wanted(w->opts);
	newsidx_status_t st = NEWSIDX_OK;
	size_t i, n = 0;

	if (!jobs)
		return newsidx_db__fail(w->db, NEWSIDX_NOMEM, "out of memory");
	for (i = 0; i < ins->n && !st; i++) {
		struct job *j = &jobs[n];

		if (newsidx_state__needs_reading(w, &ins->v[i], &j->fw.fs,
						 &j->hash, &j->hashed, &st)) {
			j->in = &ins->v[i];
			n++;
		} else {
			w->stats->bytes_done += ins->v[i].size;
		}
	}
	if (!st && newsidx_batch__progress(w))
		st = NEWSIDX_INTERRUPTED;
	/* Threads split even one file into records (pipeline.c). */
	if (!st && n > 0 && nw > 1) {
		unsigned sh = newsidx_bulk__shards(w, jobs, n, nw);

		if (sh > 1)
			st = newsidx_bulk__start(w, sh);
		if (!st)
			st = newsidx_pipeline__run(w, jobs, n, nw);
	} else {
		for (i = 0; i < n && !st; i++) {
			uint64_t hash = jobs[i].hash;

			w->single.fs = jobs[i].fw.fs;
			w->cur_file = jobs[i].in->order;
			if (!jobs[i].hashed &&
			    newsidx_state__hash_file(jobs[i].in->abspath,
						     &hash) != 0)
				hash = 0;
			st = index_one(w, jobs[i].in->name,
				       jobs[i].in->abspath, NULL, 0);
			if (!st)
				st = newsidx_state__finish_file(
					w, jobs[i].in, &w->single, hash,
					w->file_rejected);
			w->stats->bytes_done += jobs[i].in->size;
			if (!st && newsidx_batch__progress(w))
				st = NEWSIDX_INTERRUPTED;
		}
	}
	for (i = 0; i < n; i++) {
		free(jobs[i].fw.seen);
		free(jobs[i].fw.reason);
	}
	free(jobs);
	return st;
}

/* Index the files at or under path that changed, then forget those
 * that vanished from under it. */
static newsidx_status_t index_tree(struct writer *w, const char *path)
{
	struct inputs ins = { 0 };
	char root[PATH_MAX];
	newsidx_status_t st;
	size_t i;

	st = newsidx_walk__collect(w, path, &ins);
	if (st) {
		/* NEWSIDX_NO_INPUT comes with its message. */
		newsidx_walk__free(&ins);
		return st == NEWSIDX_NOMEM
			       ? newsidx_db__fail(w->db, st, "out of memory")
			       : st;
	}
	for (i = 0; i < ins.n; i++) {
		ins.v[i].order = i;
		w->stats->bytes_total += ins.v[i].size;
	}
	w->stats->files_total += ins.n;
	st = read_inputs(w, &ins);
	/* Vanished files are judged only after a complete walk of a path
	 * that exists: an interrupted or failed run must not delete. */
	if (!st && realpath(path, root)) {
		st = newsidx_state__put_root(w, root);
		if (!st && !w->opts->no_delete)
			st = newsidx_state__drop_vanished(
				w, root, ins.v, ins.n, ins.kept, ins.nkept);
	}
	newsidx_walk__free(&ins);
	return st;
}

newsidx_status_t newsidx_writer__run(newsidx_db_t *db, const char *path,
				     const void *data, size_t len,
				     const newsidx_index_options_t *opts,
				     newsidx_index_stats_t *stats,
				     struct route *r)
{
	newsidx_index_options_t defaults = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t local;
	struct writer w;
	newsidx_status_t st, cst;

	if (!db || !path)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->x)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"index %s is open read-only", db->path);
	if (newsidx_db__usable(db))
		return NEWSIDX_VERSION_MISMATCH;
	/* Said once, not as a rejection of every file. */
	if (opts && opts->version >= 5 && opts->encoding &&
	    !newsidx_encoding__known(opts->encoding))
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"unknown character encoding '%.60s'",
					opts->encoding);
	memset(&local, 0, sizeof(local));
	memset(&w, 0, sizeof(w));
	w.db = db;
	w.opts = opts ? opts : &defaults;
	w.stats = stats ? stats : &local;
	w.route = r;
	/* On an empty index, copies can only be among this run's articles:
	 * look them up in memory rather than in Xapian. */
	{
		xapc_doccount_t docs = 1;

		w.dedup_mem = xapc_db_doccount(db->x, &docs) == 0 && docs == 0;
	}
	st = newsidx_train__layout(&w);
	if (st)
		return st;
	st = newsidx_sequence__load(&w);
	if (st)
		return st;
	w.term_lists = newsidx_db__term_lists(db);
	st = newsidx_train__packer(&w);
	if (st)
		return st;
	/* Band terms: binary from schema 5 on, for an index made empty. */
	w.binary_bands = newsidx_db__binary_bands(db);
	if (!w.binary_bands && w.dedup_mem) {
		int x = newsidx_db__set_binary_bands(db);

		if (x) {
			newsidx_packer__free(w.packer);
			return newsidx_db__xfail(db, x, "writing to");
		}
		w.binary_bands = 1;
	}
	if (newsidx_prep__init(&w.prep, &w)) {
		newsidx_packer__free(w.packer);
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	}
	/* An index with articles but no dictionary yet offers them as
	 * samples (after newsidx_prep__init: their stems are counted with
	 * its analyzers). */
	if (!w.dedup_mem && newsidx_packer__sampling(w.packer))
		newsidx_train__sample_index(&w);
	db->errmsg[0] = '\0';
	if (data)
		st = index_one(&w, path, path, data, len);
	else
		st = index_tree(&w, path);
	newsidx_prep__free(&w.prep);
	free(w.single.seen);
	free(w.single.reason);
	if (!st)
		st = newsidx_train__finish(&w);
	newsidx_packer__free(w.packer);
	/* Also when interrupted: what finished is kept. */
	if ((!st || st == NEWSIDX_INTERRUPTED) &&
	    (db->pending || db->gaz_used)) {
		cst = newsidx_batch__commit(&w);
		if (cst)
			st = cst;
	}
	newsidx_spelling__free(&w.spell);
	newsidx_bandtab__free(&w.bands);
	if (st == NEWSIDX_INTERRUPTED)
		newsidx_db__fail(db, st, "interrupted; the work done so far "
					 "was committed");
	/* Kept articles outweigh rejected input: the message says why. */
	if (!st && w.delete_refused)
		st = NEWSIDX_DELETE_REFUSED;
	if (!st && w.rejected)
		st = NEWSIDX_REJECTED;
	return st;
}
