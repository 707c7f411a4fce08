/*
 * pipeline.c: indexing in threads.  Worker threads parse and prepare the
 * files (ingest, then document.c), while the calling thread, the only
 * one that touches the index, writes their articles in the files' order
 * (batch.c, or a bulk load's shards).  How the queues are ordered and
 * bounded is told beside struct pipeline in index/index.h; the locking
 * here is what makes that hold, and CI runs the load tests under
 * ThreadSanitizer.
 *
 * Which files need reading, and whether a bulk load is worth it, is
 * decided before (writer.c); a run of one thread does without this file.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "index/index.h"

/* Articles prepared ahead of the file the writer is on, in all files. */
#define AHEAD_CAP 1024

/* A preparing thread, with its own preparer (and so its own analyzers),
 * and the file it reads. */
struct worker {
	struct pipeline *pl;
	struct prep prep;
	size_t file;
	int rejected;
	pthread_t thread;
	int started;
};

/* 1 when an item of file f must wait for room (under the lock). */
static int no_room(const struct pipeline *pl, size_t f)
{
	if (pl->jobs[f].qn >= NEWSIDX_QUEUE_CAP)
		return 1;
	/* The files ahead of the writer's hold pl->n less its file's. */
	return f != pl->cur && pl->n - pl->jobs[pl->cur].qn >= AHEAD_CAP;
}

/* Queue it on its file's queue, when there is room; -1 when stopping. */
static int push(struct pipeline *pl, struct item *it)
{
	struct job *job = &pl->jobs[it->file];

	it->next = NULL;
	pthread_mutex_lock(&pl->mu);
	while (!pl->stop && no_room(pl, it->file)) {
		pl->waiting++;
		pthread_cond_wait(&pl->room, &pl->mu);
		pl->waiting--;
	}
	if (pl->stop) {
		pthread_mutex_unlock(&pl->mu);
		newsidx_item__free(it);
		return -1;
	}
	if (job->qtail)
		job->qtail->next = it;
	else
		job->qhead = it;
	job->qtail = it;
	job->qn++;
	pl->n++;
	if (it->file == pl->cur)
		pthread_cond_signal(&pl->more);
	pthread_mutex_unlock(&pl->mu);
	return 0;
}

static void halt(struct pipeline *pl, newsidx_status_t err, const char *msg)
{
	pthread_mutex_lock(&pl->mu);
	if (err && !pl->err) {
		pl->err = err;
		snprintf(pl->errmsg, sizeof(pl->errmsg), "%s", msg);
	}
	/* Atomic: par_article reads it without the lock. */
	__atomic_store_n(&pl->stop, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&pl->room);
	pthread_cond_broadcast(&pl->more);
	pthread_mutex_unlock(&pl->mu);
}

static newsidx_status_t par_article(void *ctx, struct newsidx_article *a)
{
	struct worker *wk = ctx;
	struct item *it;
	char err[512];
	newsidx_status_t st;

	/* An early way out only: the queue re-checks under the lock. */
	if (__atomic_load_n(&wk->pl->stop, __ATOMIC_RELAXED))
		return NEWSIDX_INTERRUPTED;
	st = newsidx_document__prepare(&wk->prep, a, &it, err, sizeof(err));
	if (st) {
		halt(wk->pl, st, err);
		return st;
	}
	it->file = wk->file;
	return push(wk->pl, it) ? NEWSIDX_INTERRUPTED : NEWSIDX_OK;
}

static void par_reject(void *ctx, const char *where, const char *reason)
{
	struct worker *wk = ctx;

	wk->rejected = 1;
	newsidx_batch__reject(wk->pl->w, where, reason);
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct pipeline *pl = wk->pl;

	for (;;) {
		struct newsidx_ingest ing;
		struct item *end;
		struct job *job;

		pthread_mutex_lock(&pl->mu);
		if (pl->stop || pl->next >= pl->njobs) {
			pthread_mutex_unlock(&pl->mu);
			break;
		}
		wk->file = pl->next++;
		pthread_mutex_unlock(&pl->mu);
		job = &pl->jobs[wk->file];
		if (!job->hashed &&
		    newsidx_state__hash_file(job->in->abspath, &job->hash))
			job->hash = 0; /* unreadable: ingest reports why */
		memset(&ing, 0, sizeof(ing));
		ing.name = job->in->name;
		ing.abspath = job->in->abspath;
		ing.max_article = pl->w->opts->max_article_bytes;
		ing.on_article = par_article;
		ing.on_reject = par_reject;
		ing.ctx = wk;
		ing.encoding = pl->w->opts->version >= 5
				       ? pl->w->opts->encoding
				       : NULL;
		wk->rejected = 0;
		if (newsidx_ingest__run(&ing, job->in->name, NULL, 0) ==
		    NEWSIDX_NOMEM) {
			halt(pl, NEWSIDX_NOMEM, "out of memory");
			break;
		}
		end = calloc(1, sizeof(*end));
		if (!end) {
			halt(pl, NEWSIDX_NOMEM, "out of memory");
			break;
		}
		end->end = 1;
		end->file = wk->file;
		end->hash = job->hash;
		end->file_rejected = wk->rejected;
		/* Read by the writer once it takes the end item, which the
		 * queue's lock orders after this. */
		free(job->fw.reason);
		job->fw.reason = ing.reason[0] ? newsidx_strdup(ing.reason)
					       : NULL;
		end->skipped = ing.skipped;
		end->unprocessed = ing.unprocessed;
		end->title_only = ing.title_only;
		if (push(pl, end))
			break;
	}
	pthread_mutex_lock(&pl->mu);
	pl->running--;
	pthread_cond_broadcast(&pl->more);
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

/* The writer's side of the pipeline: take the files' items in order
 * until the last file ends, the workers stop, or writing fails. */
static newsidx_status_t drain(struct writer *w, struct pipeline *pl)
{
	newsidx_status_t st = NEWSIDX_OK;

	while (!st && pl->cur < pl->njobs) {
		struct job *job = &pl->jobs[pl->cur];
		struct item *it;

		pthread_mutex_lock(&pl->mu);
		while (job->qn == 0 && pl->running > 0)
			pthread_cond_wait(&pl->more, &pl->mu);
		if (job->qn == 0) {
			/* The workers stopped before this file's end. */
			pthread_mutex_unlock(&pl->mu);
			break;
		}
		it = job->qhead;
		job->qhead = it->next;
		if (!job->qhead)
			job->qtail = NULL;
		job->qn--;
		pl->n--;
		if (it->end)
			pl->cur++;
		/* Room comes from a full queue of this file, or from the next
		 * file: its articles no longer count as ahead. */
		if (pl->waiting &&
		    (it->end || job->qn == NEWSIDX_QUEUE_CAP - 1))
			pthread_cond_broadcast(&pl->room);
		pthread_mutex_unlock(&pl->mu);
		if (it->end) {
			w->stats->files++;
			w->stats->skipped += it->skipped;
			w->stats->unprocessed += it->unprocessed;
			w->stats->title_only += it->title_only;
			if (it->file_rejected)
				w->stats->rejected_files++;
			st = newsidx_state__finish_file(w, job->in, &job->fw,
							it->hash,
							it->file_rejected);
			w->stats->bytes_done += job->in->size;
			if (!st && newsidx_batch__progress(w))
				st = NEWSIDX_INTERRUPTED;
		} else if (w->bulk) {
			st = newsidx_bulk__put(w, it, &job->fw);
			it = NULL; /* the shard's, or freed */
		} else {
			st = newsidx_batch__write(w, it, &job->fw);
		}
		newsidx_item__free(it);
	}
	if (st || pl->cur < pl->njobs)
		halt(pl, NEWSIDX_OK, "");
	return st;
}

/* The items left queued when the workers have stopped. */
static void drop_queued(struct pipeline *pl)
{
	size_t i;

	for (i = 0; i < pl->njobs; i++) {
		while (pl->jobs[i].qhead) {
			struct item *it = pl->jobs[i].qhead;

			pl->jobs[i].qhead = it->next;
			newsidx_item__free(it);
		}
		pl->jobs[i].qtail = NULL;
		pl->jobs[i].qn = 0;
	}
	pl->n = 0;
}

/* Read the files that need it with nworkers preparing threads. */
newsidx_status_t newsidx_pipeline__run(struct writer *w, struct job *jobs,
				       size_t njobs, unsigned nworkers)
{
	struct pipeline pl;
	struct worker *wk = calloc(nworkers, sizeof(*wk));
	newsidx_status_t st = NEWSIDX_OK;
	unsigned i;

	if (!wk) {
		st = newsidx_db__fail(w->db, NEWSIDX_NOMEM, "out of memory");
		return w->bulk ? newsidx_bulk__end(w, st) : st;
	}
	memset(&pl, 0, sizeof(pl));
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.more, NULL);
	pthread_cond_init(&pl.room, NULL);
	pl.jobs = jobs;
	pl.njobs = njobs;
	pl.w = w;
	/* libxml2 must be set up once before threads use it. */
	xmlInitParser();
	w->pl = &pl;
	for (i = 0; i < nworkers; i++) {
		wk[i].pl = &pl;
		if (newsidx_prep__init(&wk[i].prep, w))
			break;
		pthread_mutex_lock(&pl.mu);
		pl.running++;
		pthread_mutex_unlock(&pl.mu);
		if (pthread_create(&wk[i].thread, NULL, work, &wk[i]) != 0) {
			pthread_mutex_lock(&pl.mu);
			pl.running--;
			pthread_mutex_unlock(&pl.mu);
			break;
		}
		wk[i].started = 1;
	}
	if (i == 0)
		st = newsidx_db__fail(w->db, NEWSIDX_NOMEM,
				      "cannot start indexing threads");
	else
		st = drain(w, &pl);
	for (i = 0; i < nworkers; i++) {
		if (wk[i].started)
			pthread_join(wk[i].thread, NULL);
		newsidx_prep__free(&wk[i].prep);
	}
	drop_queued(&pl);
	w->pl = NULL;
	if (!st && pl.err)
		st = newsidx_db__fail(w->db, pl.err, "%s", pl.errmsg);
	if (w->bulk)
		st = newsidx_bulk__end(w, st);
	pthread_mutex_destroy(&pl.mu);
	pthread_cond_destroy(&pl.more);
	pthread_cond_destroy(&pl.room);
	free(wk);
	return st;
}
