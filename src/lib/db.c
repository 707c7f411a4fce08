/*
 * db.c: the index handle: opening and creating an index, checking that
 * its schema and stemmer match this build, commits, moving the writer to
 * a new generation, error messages and the translation of the Xapian
 * binding's statuses into ours.
 *
 * Every failure path sets the handle's one-line message so that the CLI
 * and embedding programs can say exactly what went wrong.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "analyzer/analyzer.h"
#include "geo/geo.h"
#include "store/store.h"
#include "util/util.h"
#include "xapc.h"

const char *newsidx_status_str(newsidx_status_t status)
{
	switch (status) {
	case NEWSIDX_OK:
		return "ok";
	case NEWSIDX_ERROR:
		return "error";
	case NEWSIDX_NOMEM:
		return "out of memory";
	case NEWSIDX_INVALID_ARGUMENT:
		return "invalid argument";
	case NEWSIDX_IO:
		return "input/output error";
	case NEWSIDX_NO_INDEX:
		return "no index";
	case NEWSIDX_LOCKED:
		return "index is locked by another writer";
	case NEWSIDX_MODIFIED:
		return "index was modified while being read";
	case NEWSIDX_CORRUPT:
		return "index is corrupt";
	case NEWSIDX_VERSION_MISMATCH:
		return "index was built by an incompatible version";
	case NEWSIDX_QUERY_SYNTAX:
		return "query syntax error";
	case NEWSIDX_REJECTED:
		return "some inputs were rejected";
	case NEWSIDX_NOT_FOUND:
		return "not found";
	case NEWSIDX_NETWORK:
		return "network error";
	case NEWSIDX_TOO_MANY_TERMS:
		return "query expands to too many terms";
	case NEWSIDX_READ_ONLY:
		return "index is open read-only";
	case NEWSIDX_ENGINE:
		return "index engine error";
	case NEWSIDX_INTERRUPTED:
		return "interrupted";
	case NEWSIDX_NO_INPUT:
		return "an input path is missing";
	case NEWSIDX_DELETE_REFUSED:
		return "deletion of too many articles refused";
	}
	return "unknown status";
}

const char *newsidx_version(void)
{
	return PACKAGE_VERSION;
}

void newsidx_free(void *p)
{
	free(p);
}

newsidx_status_t newsidx_db__fail(struct newsidx_db *db,
				  newsidx_status_t status, const char *fmt,
				  ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(db->errmsg, sizeof(db->errmsg), fmt, ap);
	va_end(ap);
	return status;
}

static newsidx_status_t map_status(int x)
{
	switch (x) {
	case XAPC_OK:
		return NEWSIDX_OK;
	case XAPC_ERR_LOCK:
		return NEWSIDX_LOCKED;
	case XAPC_ERR_MODIFIED:
		return NEWSIDX_MODIFIED;
	case XAPC_ERR_CORRUPT:
		return NEWSIDX_CORRUPT;
	case XAPC_ERR_VERSION:
		return NEWSIDX_VERSION_MISMATCH;
	case XAPC_ERR_NOT_FOUND:
		return NEWSIDX_NOT_FOUND;
	case XAPC_ERR_OPENING:
		return NEWSIDX_IO;
	case XAPC_ERR_NETWORK:
		return NEWSIDX_NETWORK;
	case XAPC_ERR_INVALID:
		return NEWSIDX_INVALID_ARGUMENT;
	case XAPC_ERR_WILDCARD:
		return NEWSIDX_TOO_MANY_TERMS;
	case XAPC_ERR_NOMEM:
		return NEWSIDX_NOMEM;
	case XAPC_ERR_XAPIAN:
		return NEWSIDX_ENGINE;
	default:
		return NEWSIDX_ERROR;
	}
}

newsidx_status_t newsidx_db__xfail(struct newsidx_db *db, int xstatus,
				   const char *what)
{
	const char *m = db->x ? xapc_db_errmsg(db->x) : "";

	return newsidx_db__fail(db, map_status(xstatus), "%s%s%s: %s",
				what ? what : "", what ? " " : "", db->path,
				m && *m ? m : xapc_status_str(xstatus));
}

newsidx_status_t newsidx_db__analyzer(struct newsidx_db *db,
				      const char *lang,
				      struct newsidx_analyzer **out)
{
	size_t i;
	newsidx_status_t st;

	if (!lang || !*lang || strcmp(lang, "en") == 0 ||
	    strcmp(lang, "english") == 0) {
		*out = db->an;
		return NEWSIDX_OK;
	}
	/* A handful of languages per index is the norm: a list of the
	 * analyzers made avoids re-creating stemmers article by article. */
	for (i = 0; i < db->nan_lang; i++) {
		if (strcmp(db->an_lang_code[i], lang) == 0) {
			*out = db->an_lang[i];
			return NEWSIDX_OK;
		}
	}
	if (db->nan_lang == db->capan_lang) {
		size_t cap = db->capan_lang ? db->capan_lang * 2 : 8;
		struct newsidx_analyzer **a;
		char(*c)[24];

		a = realloc(db->an_lang, cap * sizeof(*a));
		if (!a)
			return newsidx_db__fail(db, NEWSIDX_NOMEM,
						"out of memory");
		db->an_lang = a;
		c = realloc(db->an_lang_code, cap * sizeof(*c));
		if (!c)
			return newsidx_db__fail(db, NEWSIDX_NOMEM,
						"out of memory");
		db->an_lang_code = c;
		db->capan_lang = cap;
	}
	i = db->nan_lang;
	st = newsidx_analyzer__new(&db->an_lang[i], lang);
	if (st)
		return newsidx_db__fail(db, st, "unknown language '%s'", lang);
	snprintf(db->an_lang_code[i], sizeof(db->an_lang_code[i]), "%s",
		 lang);
	db->nan_lang++;
	*out = db->an_lang[i];
	return NEWSIDX_OK;
}

static char *get_meta(struct newsidx_db *db, const char *key)
{
	char *v = NULL;
	size_t len = 0;

	if (xapc_db_get_metadata(db->x, key, &v, &len) != XAPC_OK)
		return NULL;
	return v;
}

/* A schema this build reads as its own (see check_schema). */
static int older_schema(const char *schema)
{
	return strcmp(schema, "3") == 0 || strcmp(schema, "4") == 0 ||
	       strcmp(schema, "5") == 0 || strcmp(schema, "6") == 0;
}

/* Refuse an index whose terms were made by another schema or stemmer:
 * mixing them would silently lose matches. */
static newsidx_status_t check_schema(struct newsidx_db *db)
{
	char fp[32], want[16];
	char *schema = get_meta(db, NEWSIDX_META_SCHEMA);
	char *stemfp = get_meta(db, NEWSIDX_META_STEMMER_VERSION);
	xapc_doccount_t count = 0;
	newsidx_status_t st = NEWSIDX_OK;

	newsidx_analyzer__fingerprint(db->an, fp, sizeof(fp));
	snprintf(want, sizeof(want), "%d", NEWSIDX_SCHEMA_VERSION);
	xapc_db_doccount(db->x, &count);
	if (!schema || !*schema) {
		if (count > 0) {
			st = newsidx_db__fail(
				db, NEWSIDX_VERSION_MISMATCH,
				"%s is a Xapian database but not a newsidx "
				"index; index into another directory",
				db->path);
		} else if (db->writable) {
			int x = xapc_db_set_metadata(db->x, NEWSIDX_META_SCHEMA,
						     want, strlen(want));
			if (!x)
				x = xapc_db_set_metadata(
					db->x, NEWSIDX_META_STEMMER,
					newsidx_analyzer__stemmer_name(db->an),
					strlen(newsidx_analyzer__stemmer_name(
						db->an)));
			if (!x)
				x = xapc_db_set_metadata(
					db->x, NEWSIDX_META_STEMMER_VERSION, fp,
					strlen(fp));
			if (!x)
				x = xapc_db_commit(db->x);
			if (x)
				st = newsidx_db__xfail(db, x, "initialising");
		}
	} else if (older_schema(schema) && db->writable) {
		/* Schema 4 only added compact positions, an option, schema 5
		 * packed records, which readers tell from the old ones, and
		 * schema 6 hashed file terms, which a writer looks up in both
		 * forms, and schema 7 lists the articles deleted from an
		 * index without term lists, which only such an index has: an
		 * index of schema 3 to 6 is a schema 7 index.  The new
		 * number keeps older writers, which would miss the hashed
		 * file terms, away from it. */
		int x = xapc_db_set_metadata(db->x, NEWSIDX_META_SCHEMA, want,
					     strlen(want));

		if (!x)
			x = xapc_db_commit(db->x);
		if (x)
			st = newsidx_db__xfail(db, x, "upgrading the schema");
	} else if (strcmp(schema, want) != 0 && !older_schema(schema)) {
		st = newsidx_db__fail(
			db, NEWSIDX_VERSION_MISMATCH,
			"index at %s has schema version %s but this newsidx "
			"uses %s",
			db->path, schema, want);
	} else if (stemfp && strcmp(stemfp, fp) != 0) {
		st = newsidx_db__fail(
			db, NEWSIDX_VERSION_MISMATCH,
			"index at %s was built with a different libstemmer "
			"(fingerprint %s, this one %s)",
			db->path, stemfp, fp);
	}
	free(schema);
	free(stemfp);
	return st;
}

int newsidx_db__compact_index(struct newsidx_db *db)
{
	char *v;
	int compact;

	v = get_meta(db, NEWSIDX_META_POSITIONS);
	compact = v && strcmp(v, "compact") == 0;
	free(v);
	return compact;
}

int newsidx_db__binary_bands(struct newsidx_db *db)
{
	char *v = get_meta(db, NEWSIDX_META_BANDS);
	int binary = v && strcmp(v, "binary") == 0;

	free(v);
	return binary;
}

int newsidx_db__set_binary_bands(struct newsidx_db *db)
{
	return xapc_db_set_metadata(db->x, NEWSIDX_META_BANDS, "binary", 6);
}

/* A binary metadata value, malloc'd, or NULL when absent or empty. */
static char *meta_blob(struct newsidx_db *db, const char *key, size_t *len)
{
	char *v = NULL;

	*len = 0;
	if (xapc_db_get_metadata(db->x, key, &v, len) != XAPC_OK)
		return NULL;
	if (!*len) {
		free(v);
		return NULL;
	}
	return v;
}

char *newsidx_db__dictionary(struct newsidx_db *db, size_t *len)
{
	return meta_blob(db, NEWSIDX_META_DICTIONARY, len);
}

int newsidx_db__set_dictionary(struct newsidx_db *db, const void *dict,
			       size_t len)
{
	return xapc_db_set_metadata(db->x, NEWSIDX_META_DICTIONARY,
				    (const char *)dict, len);
}

char *newsidx_db__stemcodes_raw(struct newsidx_db *db, size_t *len)
{
	return meta_blob(db, NEWSIDX_META_STEMCODES, len);
}

const struct newsidx_stemcodes *newsidx_db__stemcodes(struct newsidx_db *db,
						      int *bad)
{
	size_t len;
	char *v = newsidx_db__stemcodes_raw(db, &len);

	/* Read at every search: a rebuild may have switched generations,
	 * each with its own table.  Parsed again only when it changed. */
	*bad = 0;
	if (!v) {
		if (db->codes)
			db->codes_gen++;
		newsidx_stemcodes__free(db->codes);
		free(db->codes_raw);
		db->codes = NULL;
		db->codes_raw = NULL;
		db->codes_len = 0;
		return NULL;
	}
	if (db->codes && len == db->codes_len &&
	    memcmp(v, db->codes_raw, len) == 0) {
		free(v);
		return db->codes;
	}
	db->codes_gen++;
	newsidx_stemcodes__free(db->codes);
	free(db->codes_raw);
	db->codes = newsidx_stemcodes__parse(v, len);
	db->codes_raw = db->codes ? v : NULL;
	db->codes_len = db->codes ? len : 0;
	if (!db->codes) {
		free(v);
		*bad = 1;
	}
	return db->codes;
}

int newsidx_db__set_stemcodes(struct newsidx_db *db, const void *codes,
			      size_t len)
{
	return xapc_db_set_metadata(db->x, NEWSIDX_META_STEMCODES,
				    (const char *)codes, len);
}

static char *dict_of(void *ctx, size_t *len)
{
	return newsidx_db__dictionary(ctx, len);
}

newsidx_status_t newsidx_db__record_index(struct newsidx_db *db,
					  const char *packed, size_t plen,
					  const char *data, size_t dlen,
					  const void **rec, size_t *rec_len)
{
	if (packed && plen)
		return newsidx_docdata__unpack(&db->unpack, packed, plen,
					       dict_of, db, rec, rec_len);
	if (!data)
		return NEWSIDX_CORRUPT;
	*rec = data;
	*rec_len = dlen;
	return NEWSIDX_OK;
}

int newsidx_db__term_lists_index(struct newsidx_db *db)
{
	char *v;
	int none;

	v = get_meta(db, NEWSIDX_META_TERMLIST);
	none = v && strcmp(v, "none") == 0;

	free(v);
	return !none;
}

newsidx_status_t newsidx_db__track(struct newsidx_db *db)
{
	int x;

	x = xapc_db_track_deleted(db->x, NEWSIDX_META_DELETED);
	if (x == XAPC_ERR_CORRUPT)
		return newsidx_db__fail(db, NEWSIDX_CORRUPT,
					"index %s has a damaged list of deleted "
					"articles",
					db->path);
	return x ? newsidx_db__xfail(db, x, "opening") : NEWSIDX_OK;
}

static int count_posting(void *ctx, xapc_docid_t id, xapc_termcount_t wdf)
{
	(void)id;
	(void)wdf;
	++*(xapc_doccount_t *)ctx;
	return 0;
}

int newsidx_db__live_count(struct newsidx_db *db, const char *term,
			   size_t len, unsigned *n)
{
	xapc_doccount_t tf = 0;
	int x = xapc_db_termfreq(db->x, term, len, &tf);

	*n = 0;
	if (x || tf == 0)
		return x;
	return xapc_db_postings(db->x, term, len, count_posting, n);
}

/*
 * An empty index given compact positions gives up its termlist table:
 * Xapian then neither writes nor stores the term lists, a quarter of a
 * lean index, and deletions become marks (xapc_db_track_deleted).  The
 * table goes the way Xapian documents, by removing its file while no
 * handle writes it.
 */
static newsidx_status_t drop_term_lists(struct newsidx_db *db)
{
	char gen[256], f[PATH_MAX];
	xapc_docid_t last = 1;
	newsidx_status_t st;
	int x;

	if (xapc_db_has_termlist(db->x) != 1 ||
	    xapc_db_lastdocid(db->x, &last) || last != 0)
		return NEWSIDX_OK;
	if (db->fresh) {
		snprintf(f, sizeof(f), "%s/termlist.glass", db->path);
	} else if (newsidx_layout__current(db->path, gen, sizeof(gen))) {
		snprintf(f, sizeof(f), "%s/%s/termlist.glass", db->path, gen);
	} else {
		return NEWSIDX_OK;
	}
	x = xapc_db_commit(db->x);
	if (x)
		return newsidx_db__xfail(db, x, "writing to");
	xapc_db_free(db->x);
	db->x = NULL;
	if (unlink(f) != 0 && errno != ENOENT)
		st = newsidx_db__fail(db, NEWSIDX_IO, "cannot remove %s: %s", f,
				      strerror(errno));
	else
		st = NEWSIDX_OK;
	x = xapc_db_open(&db->x, db->path, XAPC_DB_OPEN);
	if (x)
		return newsidx_db__xfail(db, x, "reopening");
	if (st)
		return st;
	x = xapc_db_set_metadata(db->x, NEWSIDX_META_TERMLIST, "none", 4);
	if (x)
		return newsidx_db__xfail(db, x, "writing to");
	return newsidx_db__track(db);
}

newsidx_status_t newsidx_db__set_positions(struct newsidx_db *db,
					   int compact)
{
	const char *v = compact ? "compact" : "table";
	int x = xapc_db_set_metadata(db->x, NEWSIDX_META_POSITIONS, v,
				     strlen(v));

	if (x)
		return newsidx_db__xfail(db, x,
					 "recording the positions layout");
	return compact ? drop_term_lists(db) : NEWSIDX_OK;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Create the first generation and its stub: a new, empty index. */
static newsidx_status_t create_index(struct newsidx_db *db)
{
	char gen[64], p[PATH_MAX];
	xapc_db_t *x = NULL;
	int rc;

	if (newsidx_layout__next_gen(db->path, gen, sizeof(gen)))
		return newsidx_db__fail(db, NEWSIDX_IO, "cannot read %s",
					db->path);
	snprintf(p, sizeof(p), "%s/%s", db->path, gen);
	rc = xapc_db_open(&x, p, XAPC_DB_CREATE_OR_OVERWRITE);
	if (rc) {
		newsidx_status_t st = newsidx_db__fail(
			db, map_status(rc), "creating %s: %s", p,
			xapc_db_errmsg(x));

		xapc_db_free(x);
		return st;
	}
	xapc_db_free(x);
	if (newsidx_layout__switch(db->path, gen, db->errmsg,
				   sizeof(db->errmsg)))
		return NEWSIDX_IO;
	return NEWSIDX_OK;
}

/* The list text into the writer's synonym table. */
static newsidx_status_t put_synonyms(struct newsidx_db *db, const char *text,
				     size_t len)
{
	int loaded = 0;
	int x = newsidx_synonyms__load(db->x, db->an, text, len, &loaded);

	if (x < 0)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	if (x)
		return newsidx_db__xfail(db, x, "loading synonyms into");
	if (loaded)
		db->pending++;
	return NEWSIDX_OK;
}

/* The synonym list into the writer's index: a file, or the built-in one. */
static newsidx_status_t load_synonyms(struct newsidx_db *db, const char *file)
{
	struct newsidx_buf b = { 0 };
	newsidx_status_t st;
	char chunk[8192];
	size_t n;
	FILE *f;
	int rc = 0;

	if (!file)
		return put_synonyms(db, newsidx_synonyms_default,
				    strlen(newsidx_synonyms_default));
	f = fopen(file, "r");
	if (!f)
		return newsidx_db__fail(db, NEWSIDX_IO,
					"cannot read synonyms %s: %s", file,
					strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		newsidx_buf__append(&b, chunk, n, &rc);
	fclose(f);
	if (rc)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	st = put_synonyms(db, b.data ? b.data : "", b.len);
	newsidx_buf__free(&b);
	return st;
}

newsidx_status_t newsidx_db__open_index(newsidx_db_t **out, const char *path,
				       const newsidx_open_options_t *opts,
				       int set)
{
	newsidx_open_options_t defaults = NEWSIDX_OPEN_OPTIONS_INIT;
	struct newsidx_db *db;
	newsidx_status_t st;
	int x, tries;

	if (!out)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	db = calloc(1, sizeof(*db));
	if (!db)
		return NEWSIDX_NOMEM;
	db->lockfd = -1;
	db->pin.fd = -1;
	*out = db;
	if (!opts)
		opts = &defaults;
	if (!path || !*path)
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"no index path given");
	db->path = newsidx_strdup(path);
	if (!db->path)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	st = newsidx_analyzer__new(&db->an, "en");
	if (st)
		return newsidx_db__fail(db, st, "cannot create the analyzer");
	db->writable = opts->mode == NEWSIDX_OPEN_WRITE;
	db->lockfd = -1;
	if (set)
		return NEWSIDX_OK; /* shards.c opens the shards */
	if (!db->writable && !newsidx_layout__exists(path))
		return newsidx_db__fail(db, NEWSIDX_NO_INDEX,
					"no index at %s", path);
	if (db->writable) {
		st = newsidx_layout__lock(path, opts->lock_timeout,
					  &db->lockfd, db->errmsg,
					  sizeof(db->errmsg));
		if (st)
			return st;
		if (!newsidx_layout__exists(path)) {
			st = create_index(db);
			if (st)
				return st;
		}
		/* Retired generations no reader holds give their space
		 * back, and a dead writer's half-built ones go. */
		newsidx_layout__tidy(path);
	}
	db->pin.fd = -1;
	for (tries = 0;; tries++) {
		char where[PATH_MAX];

		/* A reader pins the generation it opens, so that it stays
		 * whole while read; the writer writes the live one. */
		if (!db->writable && newsidx_layout__pin(path, &db->pin) != 0)
			return newsidx_db__fail(db, NEWSIDX_MODIFIED,
						"index %s keeps changing "
						"generation; try again",
						path);
		if (db->writable)
			snprintf(where, sizeof(where), "%s", path);
		else
			newsidx_layout__pin_path(path, &db->pin, where,
						 sizeof(where));
		x = xapc_db_open(&db->x, where,
				 db->writable ? XAPC_DB_OPEN : XAPC_DB_READONLY);
		if (x == XAPC_ERR_LOCK)
			return newsidx_db__fail(db, NEWSIDX_LOCKED,
						"index %s is locked by another "
						"writer",
						path);
		/* A reader opening while a writer commits can read a block
		 * the writer is reusing, which Xapian reports as damage
		 * ("Expected block 2 to be level 1, not 0"): only damage
		 * that stays is real. */
		if (x && ((x != XAPC_ERR_MODIFIED &&
			   (x != XAPC_ERR_CORRUPT || db->writable)) ||
			  tries == 5))
			return newsidx_db__xfail(db, x, "opening");
		st = x ? NEWSIDX_MODIFIED : check_schema(db);
		/* The deleted list is read in the same view, and a commit
		 * that spoils it is one more reason to open again. */
		if (st == NEWSIDX_OK)
			st = newsidx_db__track(db);
		/* A writer committing, or switching generations, while a
		 * reader opens can make the view it got inconsistent: open
		 * again, as a search would. */
		if (db->writable || st == NEWSIDX_OK || tries == 5 ||
		    (st != NEWSIDX_MODIFIED && st != NEWSIDX_VERSION_MISMATCH))
			break;
		xapc_db_free(db->x);
		db->x = NULL;
		newsidx_layout__unpin(path, &db->pin);
		sleep_ms(20);
	}
	if (st == NEWSIDX_VERSION_MISMATCH && opts->any_schema) {
		/* Kept for info and rebuild; everything else refuses it. */
		db->mismatch = 1;
		st = newsidx_db__track(db);
	}
	if (opts->synonyms && !(db->synonyms = newsidx_strdup(opts->synonyms)))
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	if (!st && db->writable && !db->mismatch)
		st = load_synonyms(db, db->synonyms);
	if (opts->version >= 2 && opts->gazetteer &&
	    !(db->gazetteer = newsidx_strdup(opts->gazetteer)))
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	if (!st && db->writable && !db->mismatch)
		st = newsidx_db__load_gazetteer(db, db->gazetteer);
	return st;
}

newsidx_status_t newsidx_db__wrap(struct newsidx_db **out, const char *name,
				  struct xapc_db *x, int rc)
{
	struct newsidx_db *db = calloc(1, sizeof(*db));
	newsidx_status_t st;
	char *marks;
	size_t len = 0;

	*out = db;
	if (!db) {
		xapc_db_free(x);
		return NEWSIDX_NOMEM;
	}
	db->lockfd = -1;
	db->pin.fd = -1;
	db->x = x;
	db->path = newsidx_strdup(name);
	if (!db->path)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	if (rc)
		return newsidx_db__xfail(db, rc, "opening");
	st = newsidx_analyzer__new(&db->an, "en");
	if (st)
		return newsidx_db__fail(db, st, "cannot create the analyzer");
	st = check_schema(db);
	if (st)
		return st;
	/* A remote database cannot hide the articles a lean index lists
	 * deleted: the server would need our posting source. */
	marks = meta_blob(db, NEWSIDX_META_DELETED, &len);
	free(marks);
	if (len > 4)
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"%s lists deleted articles, which a "
					"remote shard cannot hide; rebuild it "
					"first",
					name);
	return NEWSIDX_OK;
}

newsidx_status_t newsidx_db__usable(struct newsidx_db *db)
{
	if (!db->mismatch)
		return NEWSIDX_OK;
	return newsidx_db__fail(db, NEWSIDX_VERSION_MISMATCH,
				"index at %s was built by an incompatible "
				"schema or stemmer",
				db->path);
}

newsidx_status_t newsidx_db__open_fresh(struct newsidx_db **out,
					const char *path, const char *synonyms)
{
	struct newsidx_db *db = calloc(1, sizeof(*db));
	newsidx_status_t st;
	int x;

	*out = db;
	if (!db)
		return NEWSIDX_NOMEM;
	db->lockfd = -1;
	db->pin.fd = -1;
	db->writable = 1;
	db->fresh = 1;
	db->path = newsidx_strdup(path);
	if (!db->path)
		return NEWSIDX_NOMEM;
	st = newsidx_analyzer__new(&db->an, "en");
	if (st)
		return st;
	x = xapc_db_open(&db->x, path, XAPC_DB_CREATE_OR_OVERWRITE);
	if (x)
		return newsidx_db__xfail(db, x, "creating");
	st = check_schema(db);
	if (!st)
		st = newsidx_db__track(db);
	return st ? st : load_synonyms(db, synonyms);
}

newsidx_status_t newsidx_db__stub_writer(struct newsidx_db *db, char *cur,
					 size_t size)
{
	if (!db || !db->x)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"index %s is open read-only", db->path);
	if (!newsidx_layout__current(db->path, cur, size))
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"%s is a plain Xapian database, not "
					"an index made by newsidx",
					db->path);
	return NEWSIDX_OK;
}

/* A generation just written whole: remember its size and article count
 * (NEWSIDX_META_COMPACTED), the measure of newsidx_db_compact_due().
 * Written with the handle's next commit; a failure only loses the
 * measure. */
static void record_compacted(struct newsidx_db *db)
{
	unsigned long long bytes = newsidx_layout__live_bytes(db->path);
	xapc_doccount_t n = 0;
	char v[64];
	int len;

	if (!bytes || xapc_db_doccount(db->x, &n))
		return;
	len = snprintf(v, sizeof(v), "%llu %lu", bytes, (unsigned long)n);
	if (xapc_db_set_metadata(db->x, NEWSIDX_META_COMPACTED, v,
				 (size_t)len) == XAPC_OK)
		db->pending++;
}

newsidx_status_t newsidx_db__switch(struct newsidx_db *db, const char *gen,
				    const char *old)
{
	xapc_db_t *x = NULL;
	newsidx_status_t st;
	int rc;

	xapc_db_free(db->x);
	db->x = NULL;
	st = newsidx_layout__switch(db->path, gen, db->errmsg,
				    sizeof(db->errmsg));
	if (st)
		return st;
	rc = xapc_db_open(&x, db->path, XAPC_DB_OPEN);
	if (rc) {
		st = newsidx_db__fail(db, NEWSIDX_ENGINE, "reopening %s: %s",
				      db->path, xapc_db_errmsg(x));
		xapc_db_free(x);
		return st;
	}
	db->x = x;
	db->mismatch = 0;
	st = newsidx_db__track(db);
	if (st)
		return st;
	record_compacted(db);
	/* The generation just retired goes now unless a reader holds it;
	 * then its last reader removes it as it moves to the new one, at
	 * its next search. */
	(void)old;
	newsidx_layout__retire(db->path);
	return NEWSIDX_OK;
}

void newsidx_db__free_index(newsidx_db_t *db)
{
	size_t i;

	if (!db)
		return;
	if (db->x && db->writable && db->pending)
		newsidx_db_commit(db);
	xapc_db_free(db->x);
	if (db->path)
		newsidx_layout__unpin(db->path, &db->pin);
	newsidx_layout__unlock(db->lockfd);
	free(db->synonyms);
	free(db->gazetteer);
	newsidx_gaz__free(db->gaz);
	newsidx_analyzer__free(db->an);
	for (i = 0; i < db->nan_lang; i++)
		newsidx_analyzer__free(db->an_lang[i]);
	free(db->an_lang);
	free(db->an_lang_code);
	newsidx_unpacker__free(db->unpack);
	newsidx_stemcodes__free(db->codes);
	free(db->codes_raw);
	free(db->path);
	free(db->stub);
	free(db);
}

const char *newsidx_db_errmsg(const newsidx_db_t *db)
{
	return db ? db->errmsg : "no handle";
}

const char *newsidx_db_path(const newsidx_db_t *db)
{
	return db && db->path ? db->path : "";
}

newsidx_status_t newsidx_db_set_search_threads(newsidx_db_t *db,
					       unsigned n)
{
	if (!db)
		return NEWSIDX_INVALID_ARGUMENT;
	if (n > 2)
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"a search uses 1 or 2 threads, not %u",
					n);
	db->one_thread = n == 1;
	return NEWSIDX_OK;
}

newsidx_status_t newsidx_db_set_long_lived(newsidx_db_t *db, int on)
{
	int x;

	if (!db)
		return NEWSIDX_INVALID_ARGUMENT;
	if (db->writable)
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"%s is open for writing: only a "
					"reader keeps tables for its searches",
					db->path);
	db->long_lived = on != 0;
	if (!db->long_lived || db->is_set || !db->x)
		return NEWSIDX_OK;
	x = xapc_db_read_tables(db->x, NEWSIDX_SLOT_GROUP);
	if (x)
		return newsidx_db__fail(db, map_status(x),
					"reading the tables of %s: %s",
					db->path, xapc_db_errmsg(db->x));
	return NEWSIDX_OK;
}

newsidx_status_t newsidx_db_commit(newsidx_db_t *db)
{
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	int x;

	if (db && db->part && db->writable)
		return NEWSIDX_OK; /* each shard commits its own */
	if (!db || !db->x)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"index %s is open read-only", db->path);
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (db->gaz_used) {
		newsidx_status_t st = newsidx_db__record_gazetteer(
			db, db->gazetteer);

		if (st)
			return st;
		db->gaz_used = 0;
	}
	x = xapc_db_set_metadata(db->x, NEWSIDX_META_UPDATED, now, strlen(now));
	if (!x)
		x = xapc_db_commit(db->x);
	if (x)
		return newsidx_db__xfail(db, x, "committing");
	db->pending = 0;
	return NEWSIDX_OK;
}

size_t newsidx_db__count_index(newsidx_db_t *db)
{
	xapc_doccount_t n = 0;

	if (!db || !db->x || xapc_db_doccount(db->x, &n))
		return 0;
	return n;
}

void newsidx_db__forget_view(struct newsidx_db *db)
{
	free(db->langs);
	db->langs = NULL;
	db->set_tags = 0;
	free(db->years);
	db->years = NULL;
	db->nyears = 0;
	db->years_known = 0;
	db->compact_known = 0;
}

newsidx_status_t newsidx_db__reopen_index(struct newsidx_db *db, int by_path)
{
	xapc_db_t *x = NULL;
	int changed = 0, rc;

	struct newsidx_pin pin;
	char where[PATH_MAX];

	if (db->writable)
		return NEWSIDX_OK;
	/* Resharded into a partitioned index since it was opened: the
	 * files this handle has open stay readable, and it keeps them
	 * until the index is opened again. */
	if (newsidx_part__is(db->path, NULL))
		return NEWSIDX_OK;
	/* A compaction or rebuild switched to a new generation: move to
	 * it, which lets the retired one go. */
	if (!by_path && !newsidx_layout__moved(db->path, &db->pin) &&
	    xapc_db_reopen(db->x, &changed) == XAPC_OK) {
		if (changed)
			newsidx_db__forget_view(db);
		return NEWSIDX_OK;
	}
	if (newsidx_layout__pin(db->path, &pin) != 0)
		return newsidx_db__fail(db, NEWSIDX_MODIFIED,
					"index %s keeps changing generation; "
					"try again",
					db->path);
	newsidx_layout__pin_path(db->path, &pin, where, sizeof(where));
	rc = xapc_db_open(&x, where, XAPC_DB_READONLY);
	if (rc) {
		newsidx_status_t st = newsidx_db__fail(
			db, map_status(rc), "reopening %s: %s", db->path,
			xapc_db_errmsg(x));

		xapc_db_free(x);
		newsidx_layout__unpin(db->path, &pin);
		return st;
	}
	xapc_db_free(db->x);
	db->x = x;
	newsidx_db__forget_view(db);
	newsidx_layout__unpin(db->path, &db->pin);
	db->pin = pin;
	return newsidx_db__track(db);
}
