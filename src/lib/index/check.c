/*
 * check.c: newsidx_db_check(), the consistency check of an index:
 * Xapian's own check of every table and block, then newsidx's
 * invariants article by article (one id term per article, an id shared
 * by no other, a stored record that decodes and names its id and file,
 * stem codes that parse).
 *
 * It reports problems through the caller's callback and repairs nothing:
 * the cure for a damaged index is a rebuild.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "store/store.h"
#include "xapc.h"

struct checker {
	newsidx_reject_fn report;
	void *ctx;
	unsigned long problems;
};

static void problem(struct checker *c, const char *where, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

static void problem(struct checker *c, const char *where, const char *fmt,
		    ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	c->problems++;
	if (c->report)
		c->report(c->ctx, where, what);
}

struct doc_terms {
	unsigned ids, files;
	char id[NEWSIDX_MAX_TERM + 24];
	size_t idlen;
};

static int scan_term(void *ctx, const char *term, size_t len, unsigned wdf)
{
	struct doc_terms *d = ctx;

	(void)wdf;
	if (len > 1 && term[0] == NEWSIDX_PREFIX_ID[0]) {
		d->ids++;
		if (len < sizeof(d->id)) {
			memcpy(d->id, term, len);
			d->idlen = len;
		}
	} else if (len > 2 && term[0] == NEWSIDX_PREFIX_FILE[0] &&
		   term[1] == NEWSIDX_PREFIX_FILE[1]) {
		d->files++;
	}
	return 0;
}

struct id_find {
	xapc_docid_t want;
	unsigned n;
	int found;
};

static int find_posting(void *ctx, xapc_docid_t id, xapc_termcount_t wdf)
{
	struct id_find *f = ctx;

	(void)wdf;
	f->n++;
	f->found |= id == f->want;
	return 0;
}

/* Without term lists: the stored id must find the article, and only it. */
static void check_id(struct newsidx_db *db, struct checker *c,
		     const char *where, xapc_docid_t id, const char *sid)
{
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n = newsidx_schema__term(term, NEWSIDX_PREFIX_ID, sid,
					strlen(sid));
	struct id_find f = { id, 0, 0 };

	if (xapc_db_postings(db->x, term, n, find_posting, &f))
		problem(c, where, "unreadable: %s", xapc_db_errmsg(db->x));
	else if (!f.found)
		problem(c, where, "its id %s does not find it", sid);
	else if (f.n != 1)
		problem(c, where, "its id %s is shared by %u articles", sid,
			f.n);
}

static void check_articles(struct newsidx_db *db, struct checker *c)
{
	xapc_docid_t last = 0, id;
	char where[64];
	int tl = newsidx_db__term_lists(db);

	if (xapc_db_lastdocid(db->x, &last))
		return;
	for (id = 1; id <= last && id != 0; id++) {
		struct doc_terms d;
		struct newsidx_stored s;
		xapc_doc_t *doc = NULL;
		xapc_doccount_t tf = 0;
		const void *rec;
		size_t len;
		int x = xapc_db_get_doc(db->x, id, &doc);

		if (x == XAPC_ERR_NOT_FOUND) {
			xapc_doc_free(doc);
			continue;
		}
		snprintf(where, sizeof(where), "document %u", id);
		if (x) {
			problem(c, where, "unreadable: %s", xapc_db_errmsg(db->x));
			xapc_doc_free(doc);
			continue;
		}
		memset(&d, 0, sizeof(d));
		if (tl)
			xapc_doc_terms(doc, scan_term, &d);
		if (!tl)
			; /* the stored id is checked below */
		else if (d.ids != 1)
			problem(c, where, "has %u id terms, not 1", d.ids);
		else if (xapc_db_termfreq(db->x, d.id, d.idlen, &tf) == XAPC_OK &&
			 tf != 1)
			problem(c, where, "its id %.*s is shared by %u articles",
				(int)d.idlen - 1, d.id + 1, tf);
		if (newsidx_db__doc_record(db, doc, &rec, &len) != NEWSIDX_OK ||
		    newsidx_docdata__decode(rec, len, 1, &s) != NEWSIDX_OK) {
			problem(c, where, "stored data does not decode");
		} else if (!tl) {
			check_id(db, c, where, id, s.id);
			newsidx_stored__clear(&s);
		} else {
			if (d.ids == 1 && (d.idlen - 1 >= NEWSIDX_MAX_TERM ||
					   strncmp(s.id, d.id + 1,
						   d.idlen - 1) != 0) &&
			    d.id[1] != '#')
				problem(c, where,
					"stored id '%s' differs from its term",
					s.id);
			if (s.path[0] && d.files != 1)
				problem(c, where, "records %u files, not 1",
					d.files);
			newsidx_stored__clear(&s);
		}
		xapc_doc_free(doc);
	}
}

newsidx_status_t newsidx_db_check(const char *path, newsidx_reject_fn report,
				  void *ctx, unsigned long *problems)
{
	struct checker c = { report, ctx, 0 };
	char gen[256], dir[PATH_MAX], *rep = NULL, *err = NULL;
	unsigned long nerr = 0;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;

	if (problems)
		*problems = 0;
	if (!path)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!newsidx_layout__exists(path))
		return NEWSIDX_NO_INDEX;
	if (newsidx_layout__current(path, gen, sizeof(gen)))
		snprintf(dir, sizeof(dir), "%s/%s", path, gen);
	else
		snprintf(dir, sizeof(dir), "%s", path);
	/* Xapian's own check: every table, every block. */
	if (xapc_check(dir, &nerr, &rep, &err) != XAPC_OK || nerr) {
		char *line = rep, *nl;
		int shown = 0;

		if (nerr == 0 && err)
			problem(&c, dir, "%s", err);
		/* The report's lines that name errors, a few at most. */
		while (line && *line && shown < 10) {
			nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			if (strstr(line, "rror") || strstr(line, "orrupt")) {
				problem(&c, dir, "%s", line);
				shown++;
			}
			line = nl ? nl + 1 : NULL;
		}
		if (nerr > (unsigned long)shown) {
			c.problems += nerr - (unsigned long)shown - 1;
			problem(&c, dir, "xapian check found %lu errors in all",
				nerr);
		}
	}
	free(rep);
	free(err);
	/* Our invariants, when the index opens at all. */
	st = newsidx_db_open(&db, path, NULL);
	if (st == NEWSIDX_NOMEM) {
		newsidx_db_free(db);
		return st;
	}
	if (st) {
		problem(&c, path, "%s", newsidx_db_errmsg(db));
	} else {
		int bad;

		check_articles(db, &c);
		(void)newsidx_db__stemcodes(db, &bad);
		if (bad)
			problem(&c, path, "its stem codes (newsidx.stemcodes) "
					  "are damaged; rebuild it");
	}
	newsidx_db_free(db);
	if (problems)
		*problems = c.problems;
	return NEWSIDX_OK;
}

/* The name of 0.1, deprecated (newsidx.h, "Deprecated names"). */
newsidx_status_t newsidx_check(const char *path, newsidx_reject_fn report,
			       void *ctx, unsigned long *problems)
{
	return newsidx_db_check(path, report, ctx, problems);
}
