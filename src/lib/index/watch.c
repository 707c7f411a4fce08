/*
 * watch.c: standing queries (newsidx_watch_add, _remove, _list, _run).
 *
 * A watch is one metadata key, newsidx.watch:NAME (its form is in
 * store/schema.h), so it lives and dies with the index: a compaction
 * copies the metadata, a rebuild copies the watches over (rebuild.c).
 * Its cursor is an indexing sequence (sequence.c), and a run reports
 * the articles matching its query whose sequence lies between the
 * cursor and the index's last sequence as the run read it.  Reading
 * that last sequence and the articles from one handle is safe however
 * writers race: a commit carries an article and the counter that
 * covers it together, an article written later has a higher sequence
 * than the counter read, and a replaced one with new text moves beyond
 * it, to be reported by the next run.
 *
 * The search needs no lock.  Only the cursor's move is a write: done
 * after the delivery succeeded, with one short commit under the writer
 * lock, so a run never holds an indexing run up for longer than that,
 * and a delivery that fails, or a cursor that cannot be saved, means
 * the next run reports the same articles again rather than losing them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index/index.h"

#define NAME_MAX_LEN 64
#define DEFAULT_MAX 10000

static int valid_name(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > NAME_MAX_LEN || name[0] == '.' || name[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static void now_iso(char out[24])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void watch_key(char *key, size_t size, const char *name)
{
	snprintf(key, size, "%s%s", NEWSIDX_META_WATCH_PREFIX, name);
}

/* The watch called name into r: NEWSIDX_OK, NEWSIDX_NOT_FOUND (no
 * message), NEWSIDX_CORRUPT, NEWSIDX_NOMEM or an engine status. */
static newsidx_status_t get_watch(struct newsidx_db *db, const char *name,
				  struct newsidx_watchrec *r)
{
	char key[128], *v = NULL;
	size_t len = 0;
	int x, rc;

	memset(r, 0, sizeof(*r));
	watch_key(key, sizeof(key), name);
	x = xapc_db_get_metadata(db->x, key, &v, &len);
	if (x) {
		free(v);
		return newsidx_db__xfail(db, x, "reading");
	}
	if (!len) {
		free(v);
		return NEWSIDX_NOT_FOUND;
	}
	rc = newsidx_watchrec__parse(v, len, r);
	free(v);
	if (rc == -2)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	if (rc)
		return newsidx_db__fail(db, NEWSIDX_CORRUPT,
					"index %s: watch '%s' is damaged; "
					"remove it and add it again",
					db->path, name);
	return NEWSIDX_OK;
}

/* Store r as the watch called name (not committed); a status. */
static newsidx_status_t put_watch(struct newsidx_db *db, const char *name,
				  const struct newsidx_watchrec *r)
{
	char key[128], *v;
	size_t len = 0;
	int x;

	v = newsidx_watchrec__format(r, &len);
	if (!v)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	watch_key(key, sizeof(key), name);
	x = xapc_db_set_metadata(db->x, key, v, len);
	free(v);
	return x ? newsidx_db__xfail(db, x, "writing to") : NEWSIDX_OK;
}

/* The index's last indexing sequence as db reads it. */
static newsidx_status_t last_sequence(struct newsidx_db *db,
				      unsigned long long *out)
{
	char *v = NULL, *end = NULL;
	size_t len = 0;
	int x = xapc_db_get_metadata(db->x, NEWSIDX_META_SEQUENCE, &v, &len);

	*out = 0;
	if (x) {
		free(v);
		return newsidx_db__xfail(db, x, "reading");
	}
	if (len) {
		*out = strtoull(v, &end, 10);
		if (!end || *end || v[0] < '0' || v[0] > '9') {
			free(v);
			return newsidx_db__fail(db, NEWSIDX_CORRUPT,
						"index %s: metadata %s is "
						"damaged",
						db->path,
						NEWSIDX_META_SEQUENCE);
		}
	}
	free(v);
	return NEWSIDX_OK;
}

/* The query a run searches: the watch's, with the sequences after lo
 * up to hi; malloc'd, NULL when out of memory. */
static char *run_query(const char *query, unsigned long long lo,
		       unsigned long long hi)
{
	size_t n = strlen(query) + 64;
	char *q = malloc(n);

	if (q)
		snprintf(q, n, "(%s) indexed:#%llu..%llu", query, lo, hi);
	return q;
}

static void search_options(newsidx_search_options_t *so, const char *lang)
{
	newsidx_search_options_t init = NEWSIDX_SEARCH_OPTIONS_INIT;

	*so = init;
	so->lang = lang && lang[0] ? lang : NULL;
	so->relax = 0;          /* a watch wants every word */
	so->all_copies = 1;     /* each article that came in */
	so->suggest = 0;
	so->feedback = -1;
	so->sort = NEWSIDX_SORT_INDEXED;
}

static newsidx_status_t check_writer(struct newsidx_db *db)
{
	if (!db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"index %s is open read-only",
					db->path);
	return newsidx_db__usable(db);
}

/* Watches and their cursors are kept by one index; a set's metadata
 * would be its first shard's alone. */
static newsidx_status_t set_refused(newsidx_db_t *db)
{
	return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
				"%s is a set of shards; watches are kept by "
				"each of its shards",
				db->path);
}

newsidx_status_t newsidx_watch_add(newsidx_db_t *db, const char *name,
				   const char *query,
				   const newsidx_watch_options_t *opts)
{
	newsidx_watch_options_t defaults = NEWSIDX_WATCH_OPTIONS_INIT;
	newsidx_search_options_t so;
	newsidx_results_t *res = NULL;
	struct newsidx_watchrec r;
	newsidx_status_t st;
	char *q;

	if (!db || !name || !query)
		return NEWSIDX_INVALID_ARGUMENT;
	if (db->is_set || db->part)
		return set_refused(db);
	if (!opts)
		opts = &defaults;
	st = check_writer(db);
	if (st)
		return st;
	if (!valid_name(name))
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"invalid watch name '%.70s' (use 1 to "
					"64 letters, digits, '.', '_' and "
					"'-', not starting with '.' or '-')",
					name);
	st = get_watch(db, name, &r);
	newsidx_watchrec__free(&r);
	if (st == NEWSIDX_OK)
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"watch '%s' exists; remove it first",
					name);
	if (st != NEWSIDX_NOT_FOUND)
		return st;
	if (!query[strspn(query, " \t\r\n")])
		return newsidx_db__fail(db, NEWSIDX_QUERY_SYNTAX,
					"a watch needs a query");
	if (strlen(query) > 4096 || strchr(query, '\n') ||
	    strchr(query, '\r'))
		return newsidx_db__fail(db, NEWSIDX_QUERY_SYNTAX,
					"a watch's query must be one line of "
					"at most 4096 bytes");
	/* The query is tried as a run will search it, so a run never
	 * meets a syntax error or an unknown language. */
	q = run_query(query, 1, 1);
	if (!q)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	search_options(&so, opts->lang);
	so.limit = 1;
	so.snippets = 0;
	st = newsidx_search(&res, db, q, &so);
	free(q);
	newsidx_results_free(res);
	if (st)
		return st;
	memset(&r, 0, sizeof(r));
	st = last_sequence(db, &r.cursor);
	if (st)
		return st;
	if (opts->from_start)
		r.cursor = 0;
	now_iso(r.added);
	r.query = (char *)query;
	r.lang = (char *)(opts->lang ? opts->lang : "");
	st = put_watch(db, name, &r);
	return st ? st : newsidx_db_commit(db);
}

newsidx_status_t newsidx_watch_remove(newsidx_db_t *db, const char *name)
{
	char key[128];
	struct newsidx_watchrec r;
	newsidx_status_t st;
	int x;

	if (!db || !name)
		return NEWSIDX_INVALID_ARGUMENT;
	if (db->is_set || db->part)
		return set_refused(db);
	st = check_writer(db);
	if (st)
		return st;
	if (!valid_name(name))
		return newsidx_db__fail(db, NEWSIDX_NOT_FOUND,
					"no watch '%.70s'", name);
	st = get_watch(db, name, &r);
	newsidx_watchrec__free(&r);
	/* A damaged watch can still be removed. */
	if (st == NEWSIDX_NOT_FOUND)
		return newsidx_db__fail(db, st, "no watch '%s'", name);
	if (st && st != NEWSIDX_CORRUPT)
		return st;
	watch_key(key, sizeof(key), name);
	x = xapc_db_set_metadata(db->x, key, "", 0);
	if (x)
		return newsidx_db__xfail(db, x, "writing to");
	return newsidx_db_commit(db);
}

/* The list under construction: the watches and their strings. */
struct wlist {
	newsidx_watches_t pub;
	newsidx_watch_t *v;
	size_t cap;
	struct newsidx_watchrec *recs;
	char **names;
	struct newsidx_db *db;
	newsidx_status_t st;
};

static int list_one(void *ctx, const char *key, size_t klen)
{
	struct wlist *l = ctx;
	size_t plen = strlen(NEWSIDX_META_WATCH_PREFIX), n = l->pub.n;
	char name[NAME_MAX_LEN + 1];
	struct newsidx_watchrec r;

	if (klen <= plen || klen - plen > NAME_MAX_LEN)
		return 0; /* not a name newsidx_watch_add() takes */
	memcpy(name, key + plen, klen - plen);
	name[klen - plen] = '\0';
	if (n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		newsidx_watch_t *v = realloc(l->v, cap * sizeof(*v));
		struct newsidx_watchrec *recs =
			v ? realloc(l->recs, cap * sizeof(*recs)) : NULL;
		char **names =
			recs ? realloc(l->names, cap * sizeof(*names)) : NULL;

		if (v)
			l->v = v;
		if (recs)
			l->recs = recs;
		if (!names) {
			l->st = newsidx_db__fail(l->db, NEWSIDX_NOMEM,
						 "out of memory");
			return 1;
		}
		l->names = names;
		l->cap = cap;
	}
	l->st = get_watch(l->db, name, &r);
	if (l->st == NEWSIDX_NOT_FOUND) { /* an emptied key */
		l->st = NEWSIDX_OK;
		return 0;
	}
	if (l->st)
		return 1;
	l->names[n] = newsidx_strdup(name);
	if (!l->names[n]) {
		newsidx_watchrec__free(&r);
		l->st = newsidx_db__fail(l->db, NEWSIDX_NOMEM, "out of memory");
		return 1;
	}
	l->recs[n] = r;
	l->pub.n++;
	return 0;
}

void newsidx_watches_free(newsidx_watches_t *w)
{
	struct wlist *l = (struct wlist *)w;
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->pub.n; i++) {
		newsidx_watchrec__free(&l->recs[i]);
		free(l->names[i]);
	}
	free(l->recs);
	free(l->names);
	free(l->v);
	free(l);
}

static newsidx_status_t list_once(newsidx_watches_t **out,
				  newsidx_db_t *db);

/*
 * The watches, read again on a fresh revision when a writer's commit
 * discarded the one being read (a reader beside a cron run), as stats
 * reads the rest of the index.
 */
newsidx_status_t newsidx_watch_list(newsidx_watches_t **out,
				    newsidx_db_t *db)
{
	newsidx_status_t st;
	int tries;

	if (!out || !db)
		return NEWSIDX_INVALID_ARGUMENT;
	if (db->is_set || db->part)
		return set_refused(db);
	st = list_once(out, db);
	for (tries = 0; st == NEWSIDX_MODIFIED && tries < 20; tries++) {
		st = newsidx_db__reopen(db, tries > 0);
		if (st == NEWSIDX_OK || st == NEWSIDX_MODIFIED ||
		    st == NEWSIDX_CORRUPT)
			st = st ? NEWSIDX_MODIFIED : list_once(out, db);
	}
	return st;
}

static newsidx_status_t list_once(newsidx_watches_t **out,
				  newsidx_db_t *db)
{
	struct wlist *l;
	newsidx_status_t st;
	size_t i;
	int x;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	l->db = db;
	x = xapc_db_metadata_keys(db->x, NEWSIDX_META_WATCH_PREFIX, list_one,
				  l);
	st = x ? newsidx_db__xfail(db, x, "reading") : l->st;
	if (!st)
		st = last_sequence(db, &l->pub.sequence);
	if (st) {
		newsidx_watches_free(&l->pub);
		return st;
	}
	for (i = 0; i < l->pub.n; i++) {
		l->v[i].name = l->names[i];
		l->v[i].query = l->recs[i].query;
		l->v[i].lang = l->recs[i].lang ? l->recs[i].lang : "";
		l->v[i].cursor = l->recs[i].cursor;
		l->v[i].added = l->recs[i].added;
		l->v[i].last_run = l->recs[i].run;
	}
	l->pub.v = l->v;
	*out = &l->pub;
	return NEWSIDX_OK;
}

static int first_docid(void *ctx, xapc_docid_t id, xapc_termcount_t wdf)
{
	(void)wdf;
	*(xapc_docid_t *)ctx = id;
	return 1;
}

/* The sequence of the live article with this id as db reads it, or 0. */
static unsigned long long sequence_of(struct newsidx_db *db, const char *id)
{
	char term[NEWSIDX_MAX_TERM + 24], buf[24];
	xapc_docid_t docid = 0;
	xapc_doc_t *doc = NULL;
	unsigned long long seq = 0;
	const char *v;
	size_t tlen = newsidx_schema__term(term, NEWSIDX_PREFIX_ID, id,
					   strlen(id)),
	       len = 0;

	if (xapc_db_postings(db->x, term, tlen, first_docid,
			     &docid) ||
	    !docid || xapc_db_get_doc(db->x, docid, &doc))
		return 0;
	v = xapc_doc_value(doc, NEWSIDX_SLOT_SEQ, &len);
	if (v && len == 16) {
		memcpy(buf, v, 16);
		buf[16] = '\0';
		seq = strtoull(buf, NULL, 16);
	}
	xapc_doc_free(doc);
	return seq;
}

/*
 * Move the cursor of the watch called name to at least upto, with the
 * handle w (a writer), and commit.  A watch removed meanwhile stays
 * removed; one moved further by a concurrent run stays there.
 */
static newsidx_status_t save_cursor(struct newsidx_db *w, const char *name,
				    unsigned long long upto)
{
	struct newsidx_watchrec r;
	newsidx_status_t st = get_watch(w, name, &r);

	if (st == NEWSIDX_NOT_FOUND)
		return NEWSIDX_OK;
	if (st)
		return st;
	if (r.cursor < upto)
		r.cursor = upto;
	now_iso(r.run);
	st = put_watch(w, name, &r);
	newsidx_watchrec__free(&r);
	return st ? st : newsidx_db_commit(w);
}

/* Save the cursor with db when it writes, else with a writer of our
 * own, which waits for the lock at most timeout seconds. */
static newsidx_status_t advance(struct newsidx_db *db, const char *name,
				unsigned long long upto, double timeout,
				size_t delivered)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *w = NULL;
	newsidx_status_t st;

	if (db->writable)
		return save_cursor(db, name, upto);
	oo.mode = NEWSIDX_OPEN_WRITE;
	oo.lock_timeout = timeout;
	oo.synonyms = db->synonyms;
	st = newsidx_db_open(&w, db->path, &oo);
	if (!st)
		st = save_cursor(w, name, upto);
	if (st == NEWSIDX_LOCKED)
		newsidx_db__fail(db, st,
				 "index %s stayed locked by another writer: "
				 "watch '%s' keeps its cursor, and its %zu "
				 "article%s come again next run",
				 db->path, name, delivered,
				 delivered == 1 ? "" : "s");
	else if (st && w)
		newsidx_db__fail(db, st, "saving the cursor of watch '%s': %s",
				 name, newsidx_db_errmsg(w));
	newsidx_db_free(w);
	return st;
}

newsidx_status_t newsidx_watch_run(newsidx_db_t *db, const char *name,
				   newsidx_watch_fn fn, void *ctx,
				   const newsidx_watch_run_options_t *opts,
				   size_t *reported)
{
	newsidx_watch_run_options_t defaults = NEWSIDX_WATCH_RUN_OPTIONS_INIT;
	unsigned long long upto = 0, to;
	newsidx_search_options_t so;
	newsidx_results_t *res = NULL;
	struct newsidx_watchrec r;
	newsidx_status_t st;
	size_t n = 0, max;
	char *q;

	if (reported)
		*reported = 0;
	if (!db || !name || !fn)
		return NEWSIDX_INVALID_ARGUMENT;
	if (db->is_set || db->part)
		return set_refused(db);
	if (!opts)
		opts = &defaults;
	max = opts->max ? opts->max : DEFAULT_MAX;
	st = newsidx_db__usable(db);
	if (st)
		return st;
	st = valid_name(name) ? get_watch(db, name, &r) : NEWSIDX_NOT_FOUND;
	if (st == NEWSIDX_NOT_FOUND)
		return newsidx_db__fail(db, st, "no watch '%.70s'", name);
	if (st)
		return st;
	st = last_sequence(db, &upto);
	if (st || upto <= r.cursor) {
		/* Nothing indexed since: nothing to say, nothing to save. */
		if (!st && fn(ctx, name, NULL))
			st = newsidx_db__fail(db, NEWSIDX_INTERRUPTED,
					      "watch '%s': delivery failed",
					      name);
		newsidx_watchrec__free(&r);
		return st;
	}
	/* Each sequence belongs to one live article at most, so the range
	 * holds no more matches than sequences. */
	to = upto;
	q = run_query(r.query, r.cursor + 1, to);
	if (!q) {
		newsidx_watchrec__free(&r);
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	}
	search_options(&so, r.lang);
	so.snippets = opts->snippets;
	so.limit = upto - r.cursor < max ? (size_t)(upto - r.cursor) : max;
	so.exact_up_to = SIZE_MAX;
	st = newsidx_search(&res, db, q, &so);
	free(q);
	if (!st) {
		n = newsidx_results_count(res);
		if (newsidx_results_total(res) > n && n > 0) {
			/* More than a run reports: the rest come next run,
			 * from the last one reported.  Should that one have
			 * changed since the search (its sequence then lies
			 * beyond upto), the cursor goes to upto. */
			unsigned long long last = sequence_of(
				db, newsidx_results_hit(res, n - 1)->id);

			if (last > r.cursor && last < to)
				to = last;
		}
		if (n && fn(ctx, name, res))
			st = NEWSIDX_INTERRUPTED;
		else if (fn(ctx, name, NULL))
			st = NEWSIDX_INTERRUPTED;
		if (st)
			newsidx_db__fail(db, st,
					 "watch '%s': delivery failed; its "
					 "%zu article%s come again next run",
					 name, n, n == 1 ? "" : "s");
	}
	newsidx_results_free(res);
	if (!st && reported)
		*reported = n;
	if (!st && !opts->keep_cursor)
		st = advance(db, name, to, opts->lock_timeout, n);
	newsidx_watchrec__free(&r);
	return st;
}
