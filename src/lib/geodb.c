/*
 * geodb.c: the gazetteer of an index handle.
 *
 * Articles are tagged with the built-in gazetteer and, over it, the
 * user's additions.  The additions are kept in the index (metadata
 * newsidx.gazetteer_local) so that later runs without --gazetteer tag
 * alike and readers map country:, org: and place: values through the
 * same names; a writer given another additions file replaces them.  The
 * version of what tagged the articles is recorded with every commit
 * that tagged some (newsidx.gazetteer), so that stats can say when the
 * data has moved on and a rebuild would tag the archive again.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "geo/geo.h"
#include "store/store.h"
#include "xapc.h"

/* The handle's message, set here rather than through db.c, which calls
 * this file (no two files of a layer call each other). */
static newsidx_status_t gfail(struct newsidx_db *db, newsidx_status_t st,
			      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(db->errmsg, sizeof(db->errmsg), fmt, ap);
	va_end(ap);
	return st;
}

static newsidx_status_t gxfail(struct newsidx_db *db, int x, const char *what)
{
	return gfail(db, x == XAPC_ERR_NOMEM ? NEWSIDX_NOMEM : NEWSIDX_ENGINE,
		     "%s %s: %s", what, db->path ? db->path : "index",
		     xapc_db_errmsg(db->x));
}

newsidx_status_t newsidx_db__load_gazetteer(struct newsidx_db *db,
					    const char *file)
{
	const struct newsidx_gaz *base = newsidx_gaz__builtin();
	char err[512];
	char *text = NULL;
	size_t len = 0;
	newsidx_status_t st;
	int x;

	if (!base)
		return gfail(db, NEWSIDX_NOMEM, "out of memory");
	newsidx_gaz__free(db->gaz);
	db->gaz = NULL;
	db->gaz_loaded = 1;
	if (file && *file) {
		st = newsidx_gaz__load_file(&db->gaz, base, file, err,
					    sizeof(err));
		if (st)
			return gfail(db, st, "%s", err);
		db->gaz_file = 1;
		return NEWSIDX_OK;
	}
	/* No file: the additions the index keeps, if any. */
	x = xapc_db_get_metadata(db->x, NEWSIDX_META_GAZETTEER_LOCAL, &text,
				 &len);
	if (x)
		return gxfail(db, x, "reading");
	if (len) {
		st = newsidx_gaz__load(&db->gaz, base, text, len,
				       NEWSIDX_META_GAZETTEER_LOCAL, err,
				       sizeof(err));
		if (st) {
			free(text);
			return gfail(db, NEWSIDX_CORRUPT, "%s", err);
		}
	}
	free(text);
	return NEWSIDX_OK;
}

const struct newsidx_gaz *newsidx_db__gazetteer(struct newsidx_db *db)
{
	if (!db->gaz_loaded && db->x)
		newsidx_db__load_gazetteer(db, NULL);
	return db->gaz ? db->gaz : newsidx_gaz__builtin();
}

newsidx_status_t newsidx_db__record_gazetteer(struct newsidx_db *db,
					      const char *file)
{
	const struct newsidx_gaz *g = newsidx_db__gazetteer(db);
	const char *v;
	int x;

	if (!g)
		return gfail(db, NEWSIDX_NOMEM, "out of memory");
	v = newsidx_gaz__version(g);
	x = xapc_db_set_metadata(db->x, NEWSIDX_META_GAZETTEER, v, strlen(v));
	if (!x && db->gaz_file) {
		/* A new additions file replaces the kept one. */
		FILE *f = fopen(file, "rb");
		struct newsidx_buf b = { 0 };
		char chunk[65536];
		size_t n;
		int rc = 0;

		if (!f)
			return gfail(db, NEWSIDX_IO,
						"cannot read %s again", file);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			newsidx_buf__append(&b, chunk, n, &rc);
		fclose(f);
		if (rc) {
			newsidx_buf__free(&b);
			return gfail(db, NEWSIDX_NOMEM,
						"out of memory");
		}
		x = xapc_db_set_metadata(db->x, NEWSIDX_META_GAZETTEER_LOCAL,
					 b.data ? b.data : "", b.len);
		newsidx_buf__free(&b);
	}
	return x ? gxfail(db, x, "writing") : NEWSIDX_OK;
}

newsidx_status_t newsidx_db__inherit_gazetteer(struct newsidx_db *fresh,
					       struct newsidx_db *db)
{
	char *text = NULL;
	size_t len = 0;
	int x;

	if (db->gazetteer) {
		if (!(fresh->gazetteer = newsidx_strdup(db->gazetteer)))
			return gfail(fresh, NEWSIDX_NOMEM,
						"out of memory");
		return newsidx_db__load_gazetteer(fresh, fresh->gazetteer);
	}
	x = xapc_db_get_metadata(db->x, NEWSIDX_META_GAZETTEER_LOCAL, &text,
				 &len);
	if (!x && len)
		x = xapc_db_set_metadata(fresh->x, NEWSIDX_META_GAZETTEER_LOCAL,
					 text, len);
	free(text);
	if (x)
		return gxfail(fresh, x, "copying the gazetteer to");
	return newsidx_db__load_gazetteer(fresh, NULL);
}
