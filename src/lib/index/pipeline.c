/*
 * pipeline.c: indexing in threads.  Worker threads read the files and
 * split them into records, and every worker analyses records (ingest's
 * article to document.c's document) whichever file they come from, so
 * one large JSON Lines file, WARC or feed keeps all threads busy.  The
 * calling thread, the only one that touches the index, writes the
 * prepared articles in the input's order (batch.c, or a bulk load's
 * shards).  How the queues are ordered and bounded is told beside
 * struct pipeline in index/index.h; the locking here is what makes that
 * hold, and CI runs the load tests under ThreadSanitizer.
 *
 * Which files need reading, and whether a bulk load is worth it, is
 * decided before (writer.c); a run of one thread does without this file.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "index/index.h"

/* Records queued ahead of the file the writer is on, in all files. */
#define AHEAD_CAP 1024

/* A thread of the pipeline, with its own preparer (and so its own
 * analyzers), and the file it reads when it reads one. */
struct worker {
	struct pipeline *pl;
	struct prep prep;
	size_t file;
	int rejected;
	pthread_t thread;
	int started;
};

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
	pthread_cond_broadcast(&pl->work);
	pthread_mutex_unlock(&pl->mu);
}

/* A slot, its article too when it was never analysed. */
static void slot_free(struct item *it)
{
	if (it)
		newsidx_article__free(it->art);
	newsidx_item__free(it);
}

/*
 * Analyse the record of a slot taken off the analysis queue (without
 * the lock), then fill the slot with the prepared article (under it).
 * The slot stays on its file's queue throughout: only its contents
 * change, and the writer reads them once ready is set.
 */
static void analyse(struct worker *wk, struct item *slot,
		    struct newsidx_article *a)
{
	struct pipeline *pl = wk->pl;
	struct item *it = NULL;
	char err[512];
	newsidx_status_t st;

	st = newsidx_document__prepare(&wk->prep, a, &it, err, sizeof(err));
	newsidx_article__free(a);
	if (st) {
		halt(pl, st, err);
		return;
	}
	pthread_mutex_lock(&pl->mu);
	{
		struct item *next = slot->next;
		size_t file = slot->file, ofile = slot->ofile;
		unsigned long orec = slot->orec;

		*slot = *it;
		slot->next = next;
		slot->file = file;
		slot->ofile = ofile;
		slot->orec = orec;
		slot->art = NULL;
		slot->ready = 1;
	}
	if (slot->file == pl->cur)
		pthread_cond_signal(&pl->more);
	pthread_mutex_unlock(&pl->mu);
	/* Its parts are the slot's now. */
	free(it);
}

/* Take a slot to analyse, under the lock: NULL when none waits.  Its
 * article goes to *a. */
static struct item *take_record(struct pipeline *pl, struct newsidx_article **a)
{
	struct item *slot = pl->thead;

	if (!slot)
		return NULL;
	pl->thead = slot->tnext;
	if (!pl->thead)
		pl->ttail = NULL;
	slot->tnext = NULL;
	*a = slot->art;
	slot->art = NULL;
	return slot;
}

/* 1 when an item of file f must wait for room (under the lock). */
static int no_room(const struct pipeline *pl, size_t f)
{
	if (pl->jobs[f].qn >= NEWSIDX_QUEUE_CAP)
		return 1;
	/* The files ahead of the writer's hold pl->n less its file's. */
	return f != pl->cur && pl->n - pl->jobs[pl->cur].qn >= AHEAD_CAP;
}

/*
 * Queue a slot (a record to analyse, it->art set) or an end-of-file
 * item on its file's queue, when there is room, analysing records in
 * the meantime; -1 when stopping (the item is freed).
 */
static int push(struct worker *wk, struct item *it)
{
	struct pipeline *pl = wk->pl;
	struct job *job = &pl->jobs[it->file];

	it->next = NULL;
	pthread_mutex_lock(&pl->mu);
	while (!pl->stop && no_room(pl, it->file)) {
		struct newsidx_article *a;
		struct item *slot = take_record(pl, &a);

		if (slot) {
			pthread_mutex_unlock(&pl->mu);
			analyse(wk, slot, a);
			pthread_mutex_lock(&pl->mu);
			continue;
		}
		pl->waiting++;
		pthread_cond_wait(&pl->room, &pl->mu);
		pl->waiting--;
	}
	if (pl->stop) {
		pthread_mutex_unlock(&pl->mu);
		slot_free(it);
		return -1;
	}
	if (job->qtail)
		job->qtail->next = it;
	else
		job->qhead = it;
	job->qtail = it;
	job->qn++;
	pl->n++;
	if (it->art) {
		if (pl->ttail)
			pl->ttail->tnext = it;
		else
			pl->thead = it;
		pl->ttail = it;
		pthread_cond_signal(&pl->work);
		/* A worker held for room can analyse it. */
		if (pl->waiting)
			pthread_cond_broadcast(&pl->room);
	} else if (it->file == pl->cur) {
		pthread_cond_signal(&pl->more);
	}
	pthread_mutex_unlock(&pl->mu);
	return 0;
}

/* A record parsed: its slot goes on its file's queue, in the input's
 * order, and its copy on the analysis queue. */
static newsidx_status_t par_article(void *ctx, struct newsidx_article *a)
{
	struct worker *wk = ctx;
	struct item *slot;

	/* An early way out only: the queue re-checks under the lock. */
	if (__atomic_load_n(&wk->pl->stop, __ATOMIC_RELAXED))
		return NEWSIDX_INTERRUPTED;
	if (wk->pl->w->route) {
		char where[PATH_MAX + 64], why[200];
		int k = newsidx_route__keep(wk->pl->w->route, a, where,
					    sizeof(where), why, sizeof(why));

		if (k < 0)
			newsidx_batch__reject(wk->pl->w, where, why);
		if (k <= 0)
			return NEWSIDX_OK; /* another shard's */
	}
	slot = calloc(1, sizeof(*slot));
	if (slot)
		slot->art = newsidx_article__dup(a);
	if (!slot || !slot->art) {
		free(slot);
		halt(wk->pl, NEWSIDX_NOMEM, "out of memory");
		return NEWSIDX_NOMEM;
	}
	slot->file = wk->file;
	slot->ofile = wk->pl->jobs[wk->file].in->order;
	slot->orec = a->record;
	return push(wk, slot) ? NEWSIDX_INTERRUPTED : NEWSIDX_OK;
}

static void par_reject(void *ctx, const char *where, const char *reason)
{
	struct worker *wk = ctx;

	wk->rejected = 1;
	newsidx_batch__reject(wk->pl->w, where, reason);
}

/* Read file wk->file into records, then queue its end; -1 to stop. */
static int parse_file(struct worker *wk)
{
	struct pipeline *pl = wk->pl;
	struct job *job = &pl->jobs[wk->file];
	struct newsidx_ingest ing;
	struct item *end;

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
	ing.encoding = pl->w->opts->version >= 5 ? pl->w->opts->encoding : NULL;
	wk->rejected = 0;
	if (newsidx_ingest__run(&ing, job->in->name, NULL, 0) ==
	    NEWSIDX_NOMEM) {
		halt(pl, NEWSIDX_NOMEM, "out of memory");
		return -1;
	}
	end = calloc(1, sizeof(*end));
	if (!end) {
		halt(pl, NEWSIDX_NOMEM, "out of memory");
		return -1;
	}
	end->end = 1;
	end->ready = 1;
	end->file = wk->file;
	end->hash = job->hash;
	end->file_rejected = wk->rejected;
	/* Read by the writer once it takes the end item, which the queue's
	 * lock orders after this. */
	free(job->fw.reason);
	job->fw.reason = ing.reason[0] ? newsidx_strdup(ing.reason) : NULL;
	end->skipped = ing.skipped;
	end->unprocessed = ing.unprocessed;
	end->title_only = ing.title_only;
	return push(wk, end);
}

/* A worker: analyse the records waiting, else read the next file, until
 * no file is left to read and no record to analyse, or the run stops. */
static void *work(void *arg)
{
	struct worker *wk = arg;
	struct pipeline *pl = wk->pl;

	pthread_mutex_lock(&pl->mu);
	for (;;) {
		struct newsidx_article *a;
		struct item *slot;

		if (pl->stop)
			break;
		slot = take_record(pl, &a);
		if (slot) {
			pthread_mutex_unlock(&pl->mu);
			analyse(wk, slot, a);
			pthread_mutex_lock(&pl->mu);
			continue;
		}
		if (pl->next < pl->njobs) {
			int stop;

			wk->file = pl->next++;
			pl->parsing++;
			pthread_mutex_unlock(&pl->mu);
			stop = parse_file(wk);
			pthread_mutex_lock(&pl->mu);
			pl->parsing--;
			if (!pl->parsing)
				pthread_cond_broadcast(&pl->work);
			if (stop)
				break;
			continue;
		}
		/* Records can come only from a file still being read. */
		if (!pl->parsing)
			break;
		pthread_cond_wait(&pl->work, &pl->mu);
	}
	pl->running--;
	pthread_cond_broadcast(&pl->more);
	pthread_cond_broadcast(&pl->work);
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
		while ((job->qn == 0 || !job->qhead->ready) &&
		       pl->running > 0 && !pl->stop)
			pthread_cond_wait(&pl->more, &pl->mu);
		if (job->qn == 0 || !job->qhead->ready) {
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
			st = newsidx_state__finish_file(
			    w, job->in, &job->fw, it->hash, it->file_rejected);
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
			slot_free(it);
		}
		pl->jobs[i].qtail = NULL;
		pl->jobs[i].qn = 0;
	}
	pl->n = 0;
	pl->thead = pl->ttail = NULL;
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
	pthread_cond_init(&pl.work, NULL);
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
	pthread_cond_destroy(&pl.work);
	free(wk);
	return st;
}
