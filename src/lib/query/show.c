/*
 * show.c: one article by its id (newsidx_article_get), whole, with the
 * number of its near-duplicate copies.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "query/private.h"

static int first_posting(void *ctx, xapc_docid_t docid, xapc_termcount_t wdf)
{
	xapc_docid_t *found = ctx;

	(void)wdf;
	*found = docid;
	return 1;
}

/* The docid of the article with this id, or 0. */
xapc_docid_t newsidx_show__docid(struct newsidx_db *db, const char *id,
				 newsidx_status_t *st)
{
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n = newsidx_schema__term(term, "Q", id, strlen(id));
	xapc_docid_t found = 0;
	int x;

	*st = newsidx_db__reopen(db, 0);
	if (*st)
		return 0;
	x = xapc_db_postings(db->x, term, n, first_posting, &found);
	if (x) {
		*st = newsidx_db__xfail(db, x, "reading");
		return 0;
	}
	if (!found)
		*st = newsidx_db__fail(db, NEWSIDX_NOT_FOUND,
				       "no article with id %s", id);
	return found;
}

/* Other articles in a near-duplicate group. */
static size_t count_group(struct newsidx_db *db, const char *group)
{
	xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
	xapc_query_t *q;
	xapc_mset_t *m = NULL;
	xapc_doccount_t count = 0;
	size_t n = 0;

	q = xapc_query_value_range(NEWSIDX_SLOT_GROUP, group, 16, group, 16);
	if (!q)
		return 0;
	xapc_db_doccount(db->x, &count);
	p.weighting = XAPC_WEIGHT_BOOL;
	p.maxitems = 0;
	p.check_at_least = count;
	if (xapc_db_query(db->x, q, &p, &m) == XAPC_OK)
		n = xapc_mset_matches_estimated(m);
	xapc_mset_free(m);
	xapc_query_free(q);
	return n > 0 ? n - 1 : 0;
}

struct shown {
	newsidx_article_t pub;
	struct newsidx_stored s;
	char group[17];
};

void newsidx_article_free(newsidx_article_t *a)
{
	struct shown *sh = (struct shown *)a;

	if (!sh)
		return;
	newsidx_stored__clear(&sh->s);
	free(sh);
}

newsidx_status_t newsidx_article_get(newsidx_article_t **out,
				     newsidx_db_t *db, const char *id)
{
	struct shown *sh;
	xapc_doc_t *doc = NULL;
	xapc_docid_t docid;
	newsidx_status_t st;
	const char *data, *packed, *g;
	const void *rec;
	size_t len, plen = 0, glen = 0;
	int x;

	if (!out || !db || !db->x || !id)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	if (newsidx_db__usable(db))
		return NEWSIDX_VERSION_MISMATCH;
	docid = newsidx_show__docid(db, id, &st);
	if (!docid)
		return st;
	sh = calloc(1, sizeof(*sh));
	if (!sh)
		return NEWSIDX_NOMEM;
	x = xapc_db_get_doc(db->x, docid, &doc);
	data = x ? NULL : xapc_doc_data(doc, &len);
	packed = data ? xapc_doc_value(doc, NEWSIDX_SLOT_DOC, &plen) : NULL;
	if (!data || !packed) {
		st = newsidx_db__xfail(db, x ? x : XAPC_ERR_XAPIAN, "reading");
		goto fail;
	}
	st = newsidx_db__record(db, docid, packed, plen, data, len, &rec,
				&len);
	if (!st)
		st = newsidx_docdata__decode(rec, len, 1, &sh->s);
	if (st) {
		st = newsidx_db__fail(db, st, "article %s has unreadable data",
				      id);
		goto fail;
	}
	g = xapc_doc_value(doc, NEWSIDX_SLOT_GROUP, &glen);
	if (g && glen == 16)
		memcpy(sh->group, g, 16);
	xapc_doc_free(doc);
	sh->pub.id = sh->s.id;
	sh->pub.title = sh->s.title;
	sh->pub.date = sh->s.date;
	sh->pub.place = sh->s.place;
	sh->pub.source = sh->s.source;
	sh->pub.path = sh->s.path;
	sh->pub.url = sh->s.url;
	sh->pub.lang = sh->s.lang;
	sh->pub.authors = sh->s.authors;
	sh->pub.topics = sh->s.topics;
	sh->pub.encoding = sh->s.encoding;
	sh->pub.body = sh->s.body;
	sh->pub.body_len = sh->s.body_len;
	sh->pub.group = sh->group;
	sh->pub.copies = 0;
	if (sh->group[0])
		sh->pub.copies = count_group(db, sh->group);
	*out = &sh->pub;
	return NEWSIDX_OK;
fail:
	xapc_doc_free(doc);
	newsidx_article_free(&sh->pub);
	return st;
}

/* The name of 0.1, deprecated (newsidx.h, "Deprecated names"). */
newsidx_status_t newsidx_show(newsidx_article_t **out, newsidx_db_t *db,
			      const char *id)
{
	return newsidx_article_get(out, db, id);
}
