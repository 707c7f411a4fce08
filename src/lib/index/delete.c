/*
 * delete.c: deleting articles by id (newsidx_db_delete_id) or by query
 * (newsidx_db_delete_query), each committed at once.  In an index
 * without term lists Xapian lists the articles deleted instead of
 * removing them (see the schema), which the handle hides from every read.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "index/index.h"
#include "query/query.h"
#include "store/store.h"
#include "xapc.h"

/* Deleting from a partitioned index: from every shard. */
static newsidx_status_t delete_part(newsidx_db_t *db, const char *id,
				    const char *query, size_t *deleted)
{
	char **names = NULL;
	size_t n = 0, i, total = 0;
	newsidx_status_t st;

	st = newsidx_part__list(db->path, &names, &n);
	if (st)
		return newsidx_db__fail(db, st, "cannot read %s/XAPIANDB",
					db->path);
	for (i = 0; i < n && !st; i++) {
		struct newsidx_db *s = NULL;
		size_t d = 0;

		st = newsidx_route__open_shard(db, names[i], &s);
		if (!st && id) {
			st = newsidx_db_delete_id(s, id);
			if (!st)
				total++;
			else if (st == NEWSIDX_NOT_FOUND)
				st = NEWSIDX_OK;
		} else if (!st) {
			st = newsidx_db_delete_query(s, query, &d);
			total += d;
		}
		if (st && s)
			newsidx_db__fail(db, st, "shard %s: %s", names[i],
					 newsidx_db_errmsg(s));
		newsidx_db_free(s);
	}
	newsidx_part__free_list(names, n);
	if (deleted)
		*deleted = total;
	if (!st && id && total == 0)
		return newsidx_db__fail(db, NEWSIDX_NOT_FOUND,
					"no article with id %s", id);
	return st;
}

newsidx_status_t newsidx_db_delete_id(newsidx_db_t *db, const char *id)
{
	char term[NEWSIDX_MAX_TERM + 24];
	xapc_doccount_t tf = 0;
	size_t n;
	int x;

	if (db && db->part && db->writable && id)
		return delete_part(db, id, NULL, NULL);
	if (!db || !db->x || !id)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"index %s is open read-only", db->path);
	n = newsidx_schema__term(term, NEWSIDX_PREFIX_ID, id, strlen(id));
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
	if (db && db->part && db->writable && query)
		return delete_part(db, NULL, query, deleted);
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

/* The names of 0.1, deprecated (newsidx.h, "Deprecated names"). */
newsidx_status_t newsidx_delete_id(newsidx_db_t *db, const char *id)
{
	return newsidx_db_delete_id(db, id);
}

newsidx_status_t newsidx_delete_query(newsidx_db_t *db, const char *query,
				      size_t *deleted)
{
	return newsidx_db_delete_query(db, query, deleted);
}
