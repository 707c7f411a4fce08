/*
 * compact.c: newsidx_db_compact(), which writes the live generation
 * again with Xapian's compactor into a new generation beside it (see
 * layout.c) and switches the stub to it while holding the writer lock,
 * so readers keep searching the old generation until their next search
 * moves them over; and newsidx_db_compact_due(), which tells when that
 * would give back much of the index's space.  A lean index (no term
 * lists) is first written again without the articles it lists deleted
 * (xapc_db_rewrite()), which is how their space comes back.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "index/index.h"
#include "store/schema.h"
#include "xapc.h"

/* Compacting a partitioned index: each shard whose period ended and
 * that is not closed yet is compacted, then closed. */
static newsidx_status_t compact_part(newsidx_db_t *db)
{
	char **names = NULL, gen[256];
	size_t n = 0, i;
	newsidx_status_t st;

	st = newsidx_part__list(db->path, &names, &n);
	if (st)
		return newsidx_db__fail(db, st, "cannot read %s/XAPIANDB",
					db->path);
	for (i = 0; i < n && !st; i++) {
		struct newsidx_db *s = NULL;
		char p[PATH_MAX];

		/* Open periods stay as they are; a closed one was
		 * compacted already, and nothing wrote into it since. */
		if (!newsidx_part__ended(names[i]) ||
		    newsidx_part__closed(db->path, names[i]))
			continue;
		st = newsidx_route__open_shard(db, names[i], &s);
		if (!st)
			st = newsidx_db_compact(s);
		snprintf(p, sizeof(p), "%s/%s", db->path, names[i]);
		if (!st && !newsidx_layout__current(p, gen, sizeof(gen)))
			snprintf(gen, sizeof(gen), "-");
		if (st && s)
			newsidx_db__fail(db, st, "shard %s: %s", names[i],
					 newsidx_db_errmsg(s));
		newsidx_db_free(s);
		if (!st)
			st = newsidx_part__set_closed(db->path, names[i], gen,
						      db->errmsg,
						      sizeof(db->errmsg));
	}
	newsidx_part__free_list(names, n);
	return st;
}

newsidx_status_t newsidx_db_compact(newsidx_db_t *db)
{
	char cur[256], gen[64], src[PATH_MAX], dst[PATH_MAX], *err = NULL;
	char rewritten[PATH_MAX] = "";
	const char *srcs[1];
	xapc_doccount_t deleted = 0;
	newsidx_status_t st;
	int x;

	if (db && db->part && db->writable)
		return compact_part(db);
	st = newsidx_db__stub_writer(db, cur, sizeof(cur));
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
	/* A lean index's deleted articles: their documents are left out
	 * of a rewrite of the live ones, which is then compacted in its
	 * turn into the generation after it. */
	if (!newsidx_db__term_lists(db) &&
	    !xapc_db_deleted_count(db->x, &deleted) && deleted > 0) {
		x = xapc_db_rewrite(db->x, dst, &err);
		if (x) {
			st = newsidx_db__fail(db, NEWSIDX_ENGINE,
					      "rewriting %s without its deleted "
					      "articles: %s",
					      db->path, err ? err : "failed");
			free(err);
			newsidx_layout__remove(dst);
			return st;
		}
		snprintf(rewritten, sizeof(rewritten), "%s", dst);
		srcs[0] = rewritten;
		st = newsidx_layout__next_gen(db->path, gen, sizeof(gen));
		if (st) {
			newsidx_layout__remove(rewritten);
			return newsidx_db__fail(db, st, "cannot read %s",
						db->path);
		}
		snprintf(dst, sizeof(dst), "%s/%s", db->path, gen);
	}
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
		if (*rewritten)
			newsidx_layout__remove(rewritten);
		return st;
	}
	free(err);
	st = newsidx_db__switch(db, gen, cur);
	if (*rewritten)
		newsidx_layout__remove(rewritten);
	return st;
}

/* An index never written whole is worth compacting from this size. */
#define UNMEASURED_BYTES (8ULL << 20)

/* The shards of a partitioned index whose period is open and that
 * newsidx_db_compact_due() finds due: how many; with compact, each is
 * compacted as it is found (and stays open), *st the first failure. */
static size_t part_due(newsidx_db_t *db, int compact, newsidx_status_t *st)
{
	char **names = NULL;
	size_t n = 0, i, due = 0;

	if (newsidx_part__list(db->path, &names, &n))
		return 0;
	for (i = 0; i < n && (!st || !*st); i++) {
		struct newsidx_db *s = NULL;

		/* A closed shard was compacted when its period ended. */
		if (newsidx_part__closed(db->path, names[i]) ||
		    newsidx_route__open_shard(db, names[i], &s)) {
			newsidx_db_free(s);
			continue;
		}
		if (newsidx_db_compact_due(s)) {
			due++;
			if (compact && (*st = newsidx_db_compact(s)))
				newsidx_db__fail(db, *st, "shard %s: %s",
						 names[i], newsidx_db_errmsg(s));
		}
		newsidx_db_free(s);
	}
	newsidx_part__free_list(names, n);
	return due;
}

newsidx_status_t newsidx_db_reclaim(newsidx_db_t *db)
{
	newsidx_status_t st = NEWSIDX_OK;

	if (!db)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"index %s is open read-only",
					db->path);
	if (db->part) {
		part_due(db, 1, &st);
		return st;
	}
	return newsidx_db_compact_due(db) ? newsidx_db_compact(db)
					  : NEWSIDX_OK;
}

int newsidx_db_compact_due(newsidx_db_t *db)
{
	unsigned long long live, bytes = 0;
	unsigned long then = 0;
	xapc_doccount_t now = 0, deleted = 0;
	char *v = NULL;
	size_t len = 0;
	double expected;
	int measured;

	if (db && db->part && db->writable)
		return part_due(db, 0, NULL) > 0;
	if (!db || !db->x || !db->writable)
		return 0;
	live = newsidx_layout__live_bytes(db->path);
	if (!live || xapc_db_doccount(db->x, &now))
		return 0;
	if (xapc_db_get_metadata(db->x, NEWSIDX_META_COMPACTED, &v, &len))
		return 0;
	measured = v && sscanf(v, "%llu %lu", &bytes, &then) == 2 &&
		   bytes > 0;
	free(v);
	/* A lean index with a quarter of its articles listed deleted
	 * gives their space back with a rewrite (newsidx_db_compact()). */
	if (!newsidx_db__term_lists(db) &&
	    !xapc_db_deleted_count(db->x, &deleted) && deleted > 0 &&
	    (unsigned long long)deleted * 4 >=
		    (unsigned long long)now + deleted)
		return 1;
	if (!measured)
		return live >= UNMEASURED_BYTES;
	expected = (double)bytes;
	if (then > 0 && now > then)
		expected *= (double)now / (double)then;
	return (double)live > 1.5 * expected;
}
