/*
 * phrase.c: phrases and NEAR as Xapian queries.
 *
 * An index with a position table gets Xapian's own PHRASE and NEAR.  A
 * compact index keeps each article's positions in a value instead, so a
 * phrase there is the AND of its words filtered by a check of that value
 * (store/positions.c).  A reader counts the matches in a second thread
 * on a copy of the query; the copy's checks share the answers of the
 * page's (the memos kept here), so that no article is checked twice.
 * Which words make the phrase is the builder's business (build.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/private.h"

/* The memo of the checks whose content is the key (memo_for). */
struct posmemo {
	unsigned char *key;
	size_t len;
	xapc_value_memo_t *memo;
};

void newsidx_phrase__memos_free(struct builder *b)
{
	size_t i;

	for (i = 0; i < b->nmemo; i++) {
		free(b->memos[i].key);
		xapc_value_memo_free(b->memos[i].memo);
	}
	free(b->memos);
	b->memos = NULL;
	b->nmemo = b->capmemo = 0;
}

/* The memo of a check with this content: found, or made when the build
 * may make one.  NULL when none (the check then works alone). */
static xapc_value_memo_t *memo_for(struct builder *b, const uint64_t *h,
				   const unsigned char *title, size_t n,
				   unsigned window, int ordered)
{
	size_t len = sizeof(unsigned) * 2 + n * (sizeof(*h) + 1), i;
	unsigned char *key;
	unsigned head[2] = { window, (unsigned)ordered };

	if (!b->memo_use && !b->memo_make)
		return NULL;
	key = malloc(len);
	if (!key)
		return NULL;
	memcpy(key, head, sizeof(head));
	memcpy(key + sizeof(head), h, n * sizeof(*h));
	for (i = 0; i < n; i++)
		key[sizeof(head) + n * sizeof(*h) + i] = title ? title[i] : 0;
	for (i = 0; i < b->nmemo; i++)
		if (b->memos[i].len == len &&
		    memcmp(b->memos[i].key, key, len) == 0) {
			free(key);
			return b->memos[i].memo;
		}
	if (!b->memo_make || b->nmemo == 64) {
		free(key);
		return NULL;
	}
	if (NEWSIDX_ARRAY_GROW(b->memos, b->nmemo, b->capmemo, 4)) {
		free(key);
		return NULL;
	}
	b->memos[b->nmemo].memo = xapc_value_memo_new(b->lastdocid);
	if (!b->memos[b->nmemo].memo) {
		free(key);
		return NULL;
	}
	b->memos[b->nmemo].key = key;
	b->memos[b->nmemo].len = len;
	return b->memos[b->nmemo++].memo;
}

/* The checks of a phrase over a set of lean shards: one per shard, each
 * coding the stems with its shard's own table, chosen by the UUID of the
 * database a candidate comes from. */
struct setcheck {
	size_t n;
	char (*uuid)[64];
	struct newsidx_poscheck **check;
};

static void setcheck_free(void *v)
{
	struct setcheck *s = v;
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		free(s->check[i]);
	free(s->check);
	free(s->uuid);
	free(s);
}

static void *setcheck_bind(void *v, const char *uuid, size_t len)
{
	struct setcheck *s = v;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strlen(s->uuid[i]) == len &&
		    memcmp(s->uuid[i], uuid, len) == 0)
			return s->check[i];
	return NULL;
}

/* The check of a phrase over the shards of a set: NULL with b->st set
 * when it cannot be made. */
static xapc_query_t *set_check(struct builder *b, const uint64_t *h,
			       const unsigned char *title, size_t n,
			       unsigned window, int ordered, const char *what)
{
	struct newsidx_db *db = b->db;
	struct setcheck *s;
	size_t i;

	/* Xapian cannot send our check to a server, and one shard with a
	 * position table has no position values to check. */
	if (newsidx_shards__any_remote(db)) {
		b->st = newsidx_db__fail(
		    db, NEWSIDX_INVALID_ARGUMENT,
		    "phrases and NEAR over remote shards need Xapian's "
		    "position table, and a shard of %s keeps compact positions",
		    db->path);
		return NULL;
	}
	for (i = 0; i < db->nlive; i++)
		if (!newsidx_db__compact_index(db->live[i])) {
			b->st = newsidx_db__fail(
			    db, NEWSIDX_INVALID_ARGUMENT,
			    "phrases and NEAR need one positions layout in "
			    "every shard, and %s mixes compact positions with "
			    "a position table: rebuild its shards alike",
			    db->path);
			return NULL;
		}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->uuid = calloc(db->nlive + 1, sizeof(*s->uuid))) ||
	    !(s->check = calloc(db->nlive + 1, sizeof(*s->check)))) {
		setcheck_free(s);
		return newsidx_build__nomem(b);
	}
	for (i = 0; i < db->nlive; i++, s->n++) {
		const struct newsidx_stemcodes *codes;
		char *u = NULL;
		int bad = 0;

		codes = newsidx_db__stemcodes(db->live[i], &bad);
		if (bad) {
			b->st = newsidx_db__fail(
			    db, NEWSIDX_CORRUPT,
			    "a shard of %s (%s) has damaged stem codes",
			    db->path, db->live[i]->path);
			setcheck_free(s);
			return NULL;
		}
		if (xapc_db_uuid(db->live[i]->x, &u) != XAPC_OK || !u) {
			free(u);
			b->st = newsidx_db__fail(
			    db, NEWSIDX_INVALID_ARGUMENT,
			    "a shard of %s (%s) has no UUID to check "
			    "phrases by",
			    db->path, db->live[i]->path);
			setcheck_free(s);
			return NULL;
		}
		snprintf(s->uuid[i], sizeof(s->uuid[i]), "%s", u);
		free(u);
		s->check[i] = newsidx_pos__check_new(h, title, n, window,
						     ordered, codes);
		if (!s->check[i]) {
			setcheck_free(s);
			return newsidx_build__nomem(b);
		}
	}
	/* The query owns s from here, also when it fails. */
	return xapc_query_value_match_bound(NEWSIDX_SLOT_POS,
					    newsidx_pos__match, setcheck_bind,
					    s, setcheck_free, what);
}

/*
 * A phrase (ordered: the terms at consecutive positions) or NEAR (in any
 * order, within a span of fewer than window positions) over the term
 * queries subs[0..n), whose stems hash to h[] (title[i]: term i counts
 * in the title only).  With a position table this is Xapian's PHRASE or
 * NEAR; a compact index keeps no Xapian positions, and it is the AND of
 * the terms filtered by a check of each candidate's position value (see
 * store/positions.c).  subs are borrowed.
 */
xapc_query_t *newsidx_phrase__query(struct builder *b, xapc_query_t **subs,
				    const uint64_t *h,
				    const unsigned char *title, size_t n,
				    unsigned window, int ordered)
{
	struct newsidx_poscheck *c;
	xapc_query_t *pair[2], *q;
	char what[48];

	if (n > 1) {
		b->npos++;
		b->pos_neg |= b->neg > 0;
	}
	if (n == 1 || !b->compact || b->loose) {
		q = xapc_query_combine(n == 1 || b->loose ? XAPC_OP_AND
				       : ordered ? XAPC_OP_PHRASE
						 : XAPC_OP_NEAR,
				       subs, n, window);
		return q ? q : newsidx_build__nomem(b);
	}
	if (ordered)
		snprintf(what, sizeof(what), "PHRASE %zu (positions)", n);
	else
		snprintf(what, sizeof(what), "NEAR %u (positions)", window);
	if (b->db->is_set) {
		/* Each shard codes its stems with its own table: a check
		 * per shard. */
		pair[1] = set_check(b, h, title, n, window, ordered, what);
		if (!pair[1])
			return b->st ? NULL : newsidx_build__nomem(b);
	} else {
		pair[1] = NULL;
	}
	if (!b->db->is_set && !b->codes_loaded) {
		int bad;

		b->codes = newsidx_db__stemcodes(b->db, &bad);
		b->codes_gen = b->db->codes_gen;
		b->codes_loaded = 1;
		if (bad) {
			b->st = newsidx_db__fail(
				b->db, NEWSIDX_CORRUPT,
				"index %s has damaged stem codes",
				b->db->path);
			return NULL;
		}
	}
	if (!b->db->is_set) {
		c = newsidx_pos__check_new(h, title, n, window, ordered,
					   b->codes);
		if (!c)
			return newsidx_build__nomem(b);
		/* The check owns c from here, also when it fails. */
		pair[1] = xapc_query_value_match(
		    NEWSIDX_SLOT_POS, newsidx_pos__match, c, free, what,
		    memo_for(b, h, title, n, window, ordered));
	}
	pair[0] = pair[1] ? xapc_query_combine(XAPC_OP_AND, subs, n, 0)
			  : NULL;
	q = pair[0] ? xapc_query_combine(XAPC_OP_FILTER, pair, 2, 0) : NULL;
	xapc_query_free(pair[0]);
	xapc_query_free(pair[1]);
	return q ? q : newsidx_build__nomem(b);
}
