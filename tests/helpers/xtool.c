/*
 * xtool.c: a test helper (not a test) for the CLI scripts.  It does to an
 * index what the scripts cannot do with the CLI alone:
 *
 *   xtool hold DIR          open DIR as the writer (newsidx's lock and
 *                           Xapian's), print "ready", and keep them until
 *                           standard input closes;
 *   xtool setmeta DIR K V   set metadata key K to V and commit, bypassing
 *                           newsidx's schema checks;
 *   xtool unpack DIR        turn the index back into schema 4: every
 *                           packed record (value slot NEWSIDX_SLOT_DOC)
 *                           becomes the document data again, the record
 *                           dictionary goes, and each article's hashed
 *                           file term becomes its file's path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "store/store.h"
#include "newsidx.h"
#include "xapc.h"

static int hold(const char *dir)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;

	oo.mode = NEWSIDX_OPEN_WRITE;
	st = newsidx_db_open(&db, dir, &oo);
	if (st) {
		fprintf(stderr, "xtool: %s\n", newsidx_db_errmsg(db));
		newsidx_db_free(db);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (getchar() != EOF)
		;
	newsidx_db_free(db);
	return 0;
}

static int setmeta(const char *dir, const char *key, const char *value)
{
	xapc_db_t *db = NULL;
	xapc_status_t st;

	st = xapc_db_open(&db, dir, XAPC_DB_OPEN);
	if (!st)
		st = xapc_db_set_metadata(db, key, value, strlen(value));
	if (!st)
		st = xapc_db_commit(db);
	if (st)
		fprintf(stderr, "xtool: %s\n", xapc_db_errmsg(db));
	xapc_db_free(db);
	return st ? 1 : 0;
}

static char *get_dict(void *ctx, size_t *len)
{
	char *v = NULL;

	*len = 0;
	if (xapc_db_get_metadata(ctx, "newsidx.dictionary", &v, len))
		return NULL;
	return v;
}

/* The file term as it was before schema 6: the path itself. */
static xapc_status_t plain_file_term(xapc_doc_t *doc, const void *rec,
				     size_t rlen)
{
	char term[NEWSIDX_MAX_TERM + 24];
	struct newsidx_stored s;
	xapc_status_t st;
	size_t n;

	if (newsidx_docdata__decode(rec, rlen, 0, &s))
		return XAPC_ERR_INVALID;
	n = newsidx_schema__file_term(term, s.path);
	st = xapc_doc_remove_term(doc, term, n);
	if (!st) {
		n = newsidx_schema__term(term, "XF", s.path, strlen(s.path));
		st = xapc_doc_add_boolean_term(doc, term, n);
	}
	newsidx_stored__clear(&s);
	return st;
}

static int unpack(const char *dir)
{
	struct newsidx_unpacker *u = NULL;
	xapc_db_t *db = NULL;
	xapc_docid_t last = 0, id;
	xapc_status_t st;
	int bad = 0;

	st = xapc_db_open(&db, dir, XAPC_DB_OPEN);
	if (!st)
		st = xapc_db_lastdocid(db, &last);
	for (id = 1; !st && !bad && id <= last; id++) {
		xapc_doc_t *doc = NULL;
		const char *v;
		const void *rec;
		size_t vlen = 0, rlen;

		st = xapc_db_get_doc(db, id, &doc);
		if (st == XAPC_ERR_NOT_FOUND) {
			st = 0;
			continue;
		}
		v = st ? NULL : xapc_doc_value(doc, NEWSIDX_SLOT_DOC, &vlen);
		if (v && vlen) {
			if (newsidx_docdata__unpack(&u, v, vlen, get_dict, db,
						    &rec, &rlen)) {
				fprintf(stderr, "xtool: document %u does not "
						"unpack\n", (unsigned)id);
				bad = 1;
			} else if (!(st = xapc_doc_set_data(doc, rec, rlen)) &&
				   !(st = xapc_doc_set_value(
					     doc, NEWSIDX_SLOT_DOC, "", 0)) &&
				   !(st = plain_file_term(doc, rec, rlen))) {
				st = xapc_db_replace_doc(db, id, doc);
			}
		}
		xapc_doc_free(doc);
	}
	if (!st && !bad)
		st = xapc_db_set_metadata(db, "newsidx.dictionary", "", 0);
	if (!st && !bad)
		st = xapc_db_set_metadata(db, "newsidx.schema", "4", 1);
	if (!st && !bad)
		st = xapc_db_commit(db);
	if (st)
		fprintf(stderr, "xtool: %s\n", xapc_db_errmsg(db));
	newsidx_unpacker__free(u);
	xapc_db_free(db);
	return st || bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "hold") == 0)
		return hold(argv[2]);
	if (argc == 5 && strcmp(argv[1], "setmeta") == 0)
		return setmeta(argv[2], argv[3], argv[4]);
	if (argc == 3 && strcmp(argv[1], "unpack") == 0)
		return unpack(argv[2]);
	fprintf(stderr, "usage: xtool hold DIR | setmeta DIR KEY VALUE | "
			"unpack DIR\n");
	return 2;
}
