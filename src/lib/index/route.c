/*
 * route.c: what the passes of a run over a partitioned index share (see
 * partition.c): which articles a pass keeps, the ids the passes wrote,
 * the rejections said once; and opening one shard as a writer, for
 * every write over the set.  It calls nothing else in index/.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"

int newsidx_route__keep(struct route *r, const struct newsidx_article *a,
			char *where, size_t wlen, char *why, size_t ylen)
{
	char key[32];
	size_t i;
	int closed = 0;

	newsidx_part__key(a->date, r->period, key, sizeof(key));
	if (r->key && strcmp(key, r->key) == 0)
		return 1;
	if (!r->reopen && newsidx_part__closed(r->dir, key))
		closed = 1;
	pthread_mutex_lock(&r->mu);
	for (i = 0; i < r->nfound; i++)
		if (strcmp(r->found[i], key) == 0)
			break;
	if (!closed && i == r->nfound) {
		if (NEWSIDX_ARRAY_GROW(r->found, r->nfound, r->capfound, 8) ||
		    !(r->found[r->nfound] = newsidx_strdup(key)))
			r->nomem = 1;
		else
			r->nfound++;
	}
	pthread_mutex_unlock(&r->mu);
	if (closed) {
		snprintf(where, wlen, "%s:record %lu", a->path ? a->path : "-",
			 a->record);
		snprintf(why, ylen,
			 "dated %.4s-%.2s-%.2s, in closed shard %s; not "
			 "written (index --reopen writes into it)",
			 a->date, a->date + 4, a->date + 6, key);
		return -1;
	}
	return 0;
}

int newsidx_route__note(struct writer *w, const struct item *it)
{
	struct route *r = w->route;
	struct routed *d;

	if (!r->key || !it->id)
		return 0;
	if (NEWSIDX_ARRAY_GROW(r->ids, r->nids, r->capids, 256))
		return -1;
	d = &r->ids[r->nids];
	d->id = newsidx_strdup(it->id);
	if (!d->id)
		return -1;
	d->shard = r->shard;
	d->path = r->path;
	d->file = it->ofile;
	d->rec = it->orec;
	r->nids++;
	return 0;
}

int newsidx_route__said(struct writer *w, const char *where, const char *reason)
{
	struct route *r = w->route;
	uint64_t h = newsidx_hash64(where, strlen(where)) * 31 +
		     newsidx_hash64(reason, strlen(reason));
	size_t i;
	int said = 0;

	pthread_mutex_lock(&r->mu);
	for (i = 0; i < r->nsaid && !said; i++)
		said = r->said[i] == h;
	if (!said && !NEWSIDX_ARRAY_GROW(r->said, r->nsaid, r->capsaid, 16))
		r->said[r->nsaid++] = h;
	pthread_mutex_unlock(&r->mu);
	return said;
}

/* Open shard name of the partitioned index db as a writer (created when
 * new), with the set's synonyms and gazetteer. */
newsidx_status_t newsidx_route__open_shard(struct newsidx_db *db,
					   const char *name,
					   struct newsidx_db **out)
{
	newsidx_open_options_t o = NEWSIDX_OPEN_OPTIONS_INIT;
	char p[PATH_MAX];
	newsidx_status_t st;

	o.mode = NEWSIDX_OPEN_WRITE;
	o.synonyms = db->synonyms;
	o.gazetteer = db->gazetteer;
	snprintf(p, sizeof(p), "%s/%s", db->path, name);
	st = newsidx_db_open(out, p, &o);
	if (st)
		newsidx_db__fail(db, st, "shard %s: %s", name,
				 *out ? newsidx_db_errmsg(*out)
				      : "out of memory");
	return st;
}
