/*
 * shards.c: a set of shards, several newsidx indexes searched as one.
 *
 * A set is named by a stub file in Xapian's own format, one shard a line:
 * "auto PATH" or "glass PATH" for a newsidx index directory on this
 * machine (relative to the stub's directory), "remote HOST:PORT" for a
 * shard served by xapian-tcpsrv and "remote :PROGRAM ARGS" for one served
 * by a program such as xapian-progsrv over ssh.  Blank lines and lines
 * starting with '#' are skipped.
 *
 * The stub is read here rather than handed to Xapian whole, for three
 * reasons: each shard is opened as an index of its own (a local one pinned
 * to its live generation, every one checked for this build's schema and
 * stemmer), so that what Xapian keeps per database but returns only for
 * the first of a combined one (metadata: the record dictionary, the stem
 * codes, the positions layout) is read from the shard a document comes
 * from; a shard that cannot be opened is named in the error; and with the
 * partial option the others are searched without it, the missing one
 * reported.  The shards are then added to one combined Xapian handle, so
 * that BM25 takes its collection statistics over all of them.
 *
 * Xapian interleaves the document ids of a combined database: with n
 * shards, document d belongs to shard (d - 1) % n as its document
 * (d - 1) / n + 1.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "store/schema.h"
#include "store/store.h"
#include "util/util.h"
#include "xapc.h"

/* Default seconds a remote shard has to connect and to answer. */
#define DEFAULT_TIMEOUT 5.0

struct newsidx_shard {
	char *line;  /* the stub line, trimmed: how the shard is named */
	char *where; /* local: the index directory; remote: host:port or
			the program and its arguments */
	int remote;
	int lineno;
	struct newsidx_db *db; /* NULL while missing */
	char *missing;	       /* why it is missing, NULL when in use */
	/* A remote shard's positions layout, asked once for each commit
	 * seen rather than at every search (each ask is a round trip):
	 * 0 not known, 1 Xapian's position table, 2 compact. */
	int layout;
	int skip;	       /* left out of the combined handle: a
				  partitioned index's shard whose period the
				  search's dates cannot match */
	int skipped;	       /* left out of the last search */
};

int newsidx_shards__is_set(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *trim(char *s)
{
	char *e;

	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void drop_synonyms(struct newsidx_db *db);

static void free_shard(struct newsidx_shard *s)
{
	newsidx_db_free(s->db);
	free(s->line);
	free(s->where);
	free(s->missing);
}

/* Forget the shards read from the stub (kept: the synonyms). */
static void partial_reset(struct newsidx_db *db)
{
	size_t i;

	for (i = 0; i < db->nshards; i++)
		free_shard(&db->shards[i]);
	free(db->shards);
	free(db->live);
	db->shards = NULL;
	db->live = NULL;
	db->nshards = db->nlive = 0;
}

void newsidx_shards__free(struct newsidx_db *db)
{
	size_t i;

	drop_synonyms(db);
	for (i = 0; i < db->nshards; i++)
		free_shard(&db->shards[i]);
	free(db->shards);
	free(db->live);
	newsidx_db__forget_view(db);
	db->shards = NULL;
	db->live = NULL;
	db->nshards = db->nlive = 0;
}

/* Append a shard parsed from one stub line; the message on db names the
 * stub and line when the line is malformed. */
static newsidx_status_t add_line(struct newsidx_db *db, char *line, int lineno,
				 size_t *cap)
{
	struct newsidx_shard *s;
	char *arg, path[PATH_MAX];
	const char *kind, *stub = db->stub ? db->stub : db->path;
	int remote;

	arg = line;
	while (*arg && !isspace((unsigned char)*arg))
		arg++;
	if (*arg)
		*arg++ = '\0';
	kind = line;
	arg = trim(arg);
	if (strcmp(kind, "auto") == 0 || strcmp(kind, "glass") == 0)
		remote = 0;
	else if (strcmp(kind, "remote") == 0)
		remote = 1;
	else
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"%s:%d: unknown kind of shard '%s' "
					"(auto, glass or remote)",
					stub, lineno, kind);
	if (!*arg)
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"%s:%d: '%s' names no shard", stub,
					lineno, kind);
	if (remote && *arg != ':' && !strrchr(arg, ':'))
		return newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					"%s:%d: a remote shard is HOST:PORT or "
					":PROGRAM ARGS",
					stub, lineno);
	if (!remote && arg[0] != '/') {
		const char *slash = strrchr(stub, '/');
		int dirlen = slash ? (int)(slash - stub) : 1;

		snprintf(path, sizeof(path), "%.*s/%s", dirlen,
			 slash ? stub : ".", arg);
	} else {
		snprintf(path, sizeof(path), "%s", arg);
	}
	if (db->nshards == *cap) {
		size_t n = *cap ? *cap * 2 : 4;
		struct newsidx_shard *a = realloc(db->shards, n * sizeof(*a));

		if (!a)
			return newsidx_db__fail(db, NEWSIDX_NOMEM,
						"out of memory");
		db->shards = a;
		*cap = n;
	}
	s = &db->shards[db->nshards];
	memset(s, 0, sizeof(*s));
	s->remote = remote;
	s->lineno = lineno;
	s->line = newsidx_strdup(remote ? "remote" : kind);
	if (s->line) {
		size_t n = strlen(s->line) + strlen(arg) + 2;
		char *l = malloc(n);

		if (l)
			snprintf(l, n, "%s %s", s->line, arg);
		free(s->line);
		s->line = l;
	}
	s->where = newsidx_strdup(path);
	db->nshards++;
	if (!s->line || !s->where)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	return NEWSIDX_OK;
}

/* Read the stub file's lines into db->shards. */
static newsidx_status_t read_stub(struct newsidx_db *db)
{
	char buf[PATH_MAX + 64];
	size_t cap = 0;
	int lineno = 0;
	newsidx_status_t st = NEWSIDX_OK;
	const char *stub = db->stub ? db->stub : db->path;
	FILE *f = fopen(stub, "r");

	if (!f)
		return newsidx_db__fail(db, NEWSIDX_IO, "cannot read %s: %s",
					stub, strerror(errno));
	while (!st && fgets(buf, sizeof(buf), f)) {
		char *l;

		lineno++;
		if (!strchr(buf, '\n') && !feof(f)) {
			st = newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
					      "%s:%d: line too long", stub,
					      lineno);
			break;
		}
		l = trim(buf);
		if (!*l || *l == '#')
			continue;
		st = add_line(db, l, lineno, &cap);
	}
	fclose(f);
	if (!st && db->nshards == 0 && !db->part)
		st = newsidx_db__fail(db, NEWSIDX_INVALID_ARGUMENT,
				      "%s names no shard; a set of shards "
				      "lists one per line ('auto PATH', "
				      "'remote HOST:PORT')",
				      db->path);
	return st;
}

/* Open one shard: a newsidx index directory, or a remote database checked
 * like one.  The reason it cannot be used goes to s->missing. */
/* 1 when a remote shard is a server of several databases: Xapian then
 * gives their UUIDs joined by ':'. */
static int serves_several(xapc_db_t *x)
{
	char *uuid = NULL;
	int several;

	if (xapc_db_uuid(x, &uuid) != XAPC_OK)
		return 0;
	several = uuid && strchr(uuid, ':') != NULL;
	free(uuid);
	return several;
}

static newsidx_status_t open_shard(struct newsidx_db *db,
				   struct newsidx_shard *s)
{
	newsidx_open_options_t o = NEWSIDX_OPEN_OPTIONS_INIT;
	unsigned ms = (unsigned)(db->shard_timeout * 1000.0 + 0.5);
	struct newsidx_db *sub = NULL;
	newsidx_status_t st;
	xapc_db_t *x = NULL;
	char why[1200];
	int rc;

	free(s->missing);
	s->missing = NULL;
	newsidx_db_free(s->db);
	s->db = NULL;
	if (!s->remote) {
		if (newsidx_shards__is_set(s->where)) {
			st = NEWSIDX_INVALID_ARGUMENT;
			snprintf(why, sizeof(why),
				 "%s is itself a set of shards; list its "
				 "shards instead",
				 s->where);
			goto fail;
		}
		st = newsidx_db_open(&sub, s->where, &o);
	} else {
		if (s->where[0] == ':') {
			char *prog = newsidx_strdup(s->where + 1), *args;

			if (!prog)
				return NEWSIDX_NOMEM;
			args = prog;
			while (*args && !isspace((unsigned char)*args))
				args++;
			if (*args)
				*args++ = '\0';
			rc = xapc_db_open_program(&x, prog, trim(args), ms);
			free(prog);
		} else {
			char *host = newsidx_strdup(s->where), *colon;
			long port;

			if (!host)
				return NEWSIDX_NOMEM;
			colon = strrchr(host, ':');
			*colon = '\0';
			port = strtol(colon + 1, NULL, 10);
			rc = xapc_db_open_remote(
			    &x, *host ? host : "localhost",
			    port > 0 && port < 65536 ? (unsigned)port : 0, ms,
			    0);
			free(host);
		}
		if (!x)
			return NEWSIDX_NOMEM;
		st = newsidx_db__wrap(&sub, s->where, x, rc);
		if (!st && serves_several(sub->x)) {
			st = NEWSIDX_INVALID_ARGUMENT;
			snprintf(why, sizeof(why),
				 "the server presents several databases as "
				 "one, whose first one's metadata would "
				 "unpack the others' articles: serve each "
				 "shard with a server of its own");
			goto fail;
		}
	}
	if (st) {
		snprintf(why, sizeof(why), "%s",
			 sub ? newsidx_db_errmsg(sub) : "out of memory");
		goto fail;
	}
	s->db = sub;
	return NEWSIDX_OK;
fail:
	newsidx_db_free(sub);
	s->missing = newsidx_strdup(why);
	return newsidx_db__fail(db, st, "shard '%s' (%s line %d): %s", s->line,
				db->path, s->lineno, why);
}

static void drop_synonyms(struct newsidx_db *db)
{
	if (db->syn_owned)
		xapc_db_free(db->syn);
	if (db->syn_dir)
		newsidx_layout__remove(db->syn_dir);
	free(db->syn_dir);
	db->syn_dir = NULL;
	db->syn = NULL;
	db->syn_owned = 0;
}

/*
 * The synonym table a set's queries read.  Xapian's remote protocol does
 * not carry synonym tables, so a set with no shard on this machine
 * rebuilds the table in a scratch database from the list the shards were
 * indexed with, when that is the built-in one (the shards record the
 * list's hash); a shard indexed with a list of its own cannot be searched
 * that way, which is said rather than searched without synonyms.
 */
static newsidx_status_t pick_synonyms(struct newsidx_db *db)
{
	char want[32], *have = NULL, dir[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	size_t i, hlen = 0;
	int loaded = 0, x;
	const char *text = newsidx_synonyms_default;

	if (db->syn_owned)
		return NEWSIDX_OK; /* made at an earlier open: kept */
	drop_synonyms(db);
	for (i = 0; i < db->nshards; i++) {
		if (db->shards[i].db && !db->shards[i].remote) {
			db->syn = db->shards[i].db->x;
			return NEWSIDX_OK;
		}
	}
	snprintf(want, sizeof(want), "%d:%016" PRIx64, NEWSIDX_SCHEMA_VERSION,
		 newsidx_hash64(text, strlen(text)));
	x = xapc_db_get_metadata(db->live[0]->x, NEWSIDX_META_SYNONYMS, &have,
				 &hlen);
	if (x)
		return newsidx_db__xfail(db, x, "reading the synonyms of");
	if (have && hlen && strcmp(have, want) != 0) {
		free(have);
		return newsidx_db__fail(
		    db, NEWSIDX_INVALID_ARGUMENT,
		    "shard '%s' was indexed with a synonym "
		    "list of its own, which a set of remote "
		    "shards cannot read; add a local shard "
		    "to %s",
		    db->live[0]->path, db->path);
	}
	free(have);
	/* Xapian's in-memory backend has no synonym table: a scratch glass
	 * database, removed with the handle. */
	snprintf(dir, sizeof(dir), "%s/newsidx-synonyms.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return newsidx_db__fail(db, NEWSIDX_IO,
					"cannot make a scratch directory for "
					"the synonyms of %s: %s",
					db->path, strerror(errno));
	db->syn_dir = newsidx_strdup(dir);
	if (!db->syn_dir)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	x = xapc_db_open(&db->syn, dir, XAPC_DB_CREATE_OR_OVERWRITE);
	db->syn_owned = 1;
	if (!x)
		x = newsidx_synonyms__load(db->syn, db->an, text, strlen(text),
					   &loaded);
	if (!x)
		x = xapc_db_commit(db->syn);
	if (x < 0)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	if (x)
		return newsidx_db__fail(db, NEWSIDX_ENGINE,
					"loading the synonyms of %s: %s",
					db->path, xapc_db_errmsg(db->syn));
	return NEWSIDX_OK;
}

/* Open every shard and combine those in use into db->x. */
/* Drop what the set keeps of its shards' metadata: they may have
 * changed. */
static void forget(struct newsidx_db *db)
{
	size_t i;

	for (i = 0; i < db->nshards; i++)
		db->shards[i].layout = 0;
	newsidx_db__forget_view(db);
}

static newsidx_status_t open_all(struct newsidx_db *db)
{
	newsidx_status_t st, first = NEWSIDX_OK;
	char firstmsg[sizeof(db->errmsg)] = "";
	size_t i;
	int x;

	/* A handle on no shard stands in while they are opened, and stays
	 * when one fails: the handle remains usable, and its next search
	 * opens the shards again. */
	xapc_db_free(db->x);
	db->x = NULL;
	db->nlive = 0;
	forget(db);
	x = xapc_db_new_combined(&db->x);
	if (x)
		return newsidx_db__xfail(db, x, "opening");
	if (!db->syn_owned)
		db->syn = NULL; /* a local shard's, which is reopened */
	if (db->nshards == 0)
		return NEWSIDX_OK; /* a partitioned index of no shard yet */
	for (i = 0; i < db->nshards; i++) {
		st = open_shard(db, &db->shards[i]);
		if (st == NEWSIDX_NOMEM)
			return newsidx_db__fail(db, st, "out of memory");
		if (st && !first) {
			first = st;
			snprintf(firstmsg, sizeof(firstmsg), "%s", db->errmsg);
		}
		if (st && !db->partial)
			return st;
	}
	for (i = 0; i < db->nshards; i++)
		if (db->shards[i].db && !db->shards[i].skip)
			db->live[db->nlive++] = db->shards[i].db;
	if (db->nlive == 0) {
		snprintf(db->errmsg, sizeof(db->errmsg), "%s", firstmsg);
		return first;
	}
	for (i = 0; !x && i < db->nlive; i++)
		x = xapc_db_add_database(db->x, db->live[i]->x);
	if (x)
		return newsidx_db__xfail(db, x, "combining the shards of");
	st = pick_synonyms(db);
	if (st)
		return st;
	db->errmsg[0] = '\0';
	return NEWSIDX_OK;
}

/* 1 when shard name of a partitioned index (YYYY, YYYY-MM, undated)
 * can hold an article dated within [lo, hi] (inclusive bounds,
 * YYYYMMDDhhmmss; "" is open).  An undated article matches no date. */
static int overlaps(const char *name, const char *lo, const char *hi)
{
	char from[32], to[32];

	if (!newsidx_part__range(name, from, to, sizeof(from)))
		return 0;
	if (*hi && strcmp(from, hi) > 0)
		return 0;
	if (*lo && strcmp(to, lo) <= 0)
		return 0;
	return 1;
}

newsidx_status_t newsidx_shards__narrow(struct newsidx_db *db,
					const char *lo, const char *hi,
					int widen)
{
	size_t i;
	int changed = 0, x;

	if (!db || !db->is_set || !db->part)
		return NEWSIDX_OK;
	for (i = 0; i < db->nshards; i++) {
		struct newsidx_shard *s = &db->shards[i];
		const char *slash = strrchr(s->where, '/');
		int skip = (lo || hi) &&
			   !overlaps(slash ? slash + 1 : s->where,
				     lo ? lo : "", hi ? hi : "");

		if (skip != s->skip)
			changed = 1;
		s->skip = skip;
		if (!widen)
			s->skipped = skip;
	}
	if (!changed)
		return NEWSIDX_OK;
	/* The shards stay open: only the combined handle changes. */
	xapc_db_free(db->x);
	db->x = NULL;
	db->nlive = 0;
	x = xapc_db_new_combined(&db->x);
	for (i = 0; !x && i < db->nshards; i++)
		if (db->shards[i].db && !db->shards[i].skip) {
			db->live[db->nlive++] = db->shards[i].db;
			x = xapc_db_add_database(db->x, db->shards[i].db->x);
		}
	if (x)
		return newsidx_db__xfail(db, x, "combining the shards of");
	return NEWSIDX_OK;
}

/* The identity of a partitioned index's stub, which a new shard
 * replaces: 1 when it changed since the last call (recorded in the
 * handle's pin, which a set does not use otherwise). */
static int stub_changed(struct newsidx_db *db)
{
	struct stat sb;
	long long ns;

	if (!db->part || stat(db->stub, &sb) != 0)
		return 0;
	ns = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
	if (db->pin.stub_ino == (unsigned long long)sb.st_ino &&
	    db->pin.stub_ns == ns)
		return 0;
	db->pin.stub_ino = (unsigned long long)sb.st_ino;
	db->pin.stub_ns = ns;
	return 1;
}

newsidx_status_t newsidx_shards__open(struct newsidx_db *db,
				      const newsidx_open_options_t *opts)
{
	newsidx_status_t st;

	db->is_set = 1;
	if (db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"%s is a set of shards; write into "
					"one of its shards",
					db->path);
	db->partial = opts->version >= 3 && opts->partial;
	db->shard_timeout = opts->version >= 3 && opts->shard_timeout > 0
				? opts->shard_timeout
				: DEFAULT_TIMEOUT;
	stub_changed(db);
	st = read_stub(db);
	if (st)
		return st;
	db->live = calloc(db->nshards ? db->nshards : 1, sizeof(*db->live));
	if (!db->live)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	return open_all(db);
}

newsidx_status_t newsidx_shards__reopen(struct newsidx_db *db, int by_path)
{
	size_t i;
	int again = by_path, changed = 1;

	/* Resharded into a single index since it was opened: the shards'
	 * files stay readable, and the handle keeps them until the index
	 * is opened again. */
	if (db->part && !newsidx_part__is(db->path, NULL))
		return NEWSIDX_OK;
	/* A partitioned index that gained a shard: its stub again. */
	if (stub_changed(db)) {
		newsidx_status_t st;
		partial_reset(db);
		st = read_stub(db);
		if (st)
			return st;
		db->live = calloc(db->nshards ? db->nshards : 1,
				  sizeof(*db->live));
		if (!db->live)
			return newsidx_db__fail(db, NEWSIDX_NOMEM,
						"out of memory");
		return open_all(db);
	}

	/* A missing shard is asked again at every search, so that one that
	 * came back is used without a restart. */
	for (i = 0; i < db->nshards && !again; i++) {
		struct newsidx_shard *s = &db->shards[i];

		if (!s->db)
			again = 1;
		else if (!s->remote &&
			 newsidx_layout__moved(s->where, &s->db->pin))
			again = 1;
		/* A lean shard's list of deleted articles is read by its own
		 * handle, at its open. */
		else if (!s->remote && !newsidx_db__term_lists_index(s->db))
			again = 1;
	}
	if (!again && db->x && xapc_db_reopen(db->x, &changed) == XAPC_OK) {
		if (changed)
			forget(db);
		return NEWSIDX_OK;
	}
	return open_all(db);
}

struct newsidx_db *newsidx_shards__of(struct newsidx_db *db,
				      unsigned long docid, unsigned long *local)
{
	if (!db->nlive || !docid)
		return NULL;
	if (local)
		*local = (docid - 1) / db->nlive + 1;
	return db->live[(docid - 1) % db->nlive];
}

int newsidx_shards__any_compact(struct newsidx_db *db)
{
	size_t i;

	for (i = 0; i < db->nshards; i++) {
		struct newsidx_shard *s = &db->shards[i];

		if (!s->db)
			continue;
		if (!s->remote) {
			if (newsidx_db__compact_index(s->db))
				return 1;
			continue;
		}
		if (!s->layout)
			s->layout = newsidx_db__compact_index(s->db) ? 2 : 1;
		if (s->layout == 2)
			return 1;
	}
	return 0;
}

int newsidx_shards__any_remote(struct newsidx_db *db)
{
	size_t i;

	for (i = 0; i < db->nshards; i++)
		if (db->shards[i].remote)
			return 1;
	return 0;
}

int newsidx_shards__all_term_lists(struct newsidx_db *db)
{
	size_t i;

	for (i = 0; i < db->nlive; i++)
		if (!newsidx_db__term_lists_index(db->live[i]))
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* The handle's entry points that differ for a set; db.c does the rest */
/* ------------------------------------------------------------------ */

/* The writer of a partitioned index: the set's lock, and the directory
 * made partitioned when it is new; index/partition.c writes the
 * shards. */
static newsidx_status_t open_part_writer(struct newsidx_db *db,
					 const newsidx_open_options_t *opts,
					 int period)
{
	int want = opts->version >= 4 ? opts->period : NEWSIDX_PERIOD_NONE;
	newsidx_status_t st;

	db->is_set = 0;
	st = newsidx_layout__lock(db->path, opts->lock_timeout, &db->lockfd,
				  db->errmsg, sizeof(db->errmsg));
	if (st)
		return st;
	if (!period) {
		st = newsidx_part__create(db->path, want, db->errmsg,
					  sizeof(db->errmsg));
		if (st)
			return st;
		period = want;
	}
	if ((opts->synonyms &&
	     !(db->synonyms = newsidx_strdup(opts->synonyms))) ||
	    (opts->version >= 2 && opts->gazetteer &&
	     !(db->gazetteer = newsidx_strdup(opts->gazetteer))))
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	if (want && want != period)
		return newsidx_db__fail(
		    db, NEWSIDX_INVALID_ARGUMENT,
		    "%s is partitioned by %s, not by %s; newsidx reshard "
		    "--period %s converts it",
		    db->path, newsidx_part__period_name(period),
		    newsidx_part__period_name(want),
		    newsidx_part__period_name(want));
	db->part = period;
	return NEWSIDX_OK;
}

newsidx_status_t newsidx_db_open(newsidx_db_t **out, const char *path,
				 const newsidx_open_options_t *opts)
{
	newsidx_open_options_t defaults = NEWSIDX_OPEN_OPTIONS_INIT;
	int period = NEWSIDX_PERIOD_NONE, part, set, want;
	newsidx_status_t st;
	char stub[PATH_MAX];

	if (!opts)
		opts = &defaults;
	want = opts->version >= 4 ? opts->period : NEWSIDX_PERIOD_NONE;
	part = path && newsidx_part__is(path, &period);
	set = newsidx_shards__is_set(path) || part;
	if (want && (want < 0 || want > NEWSIDX_PERIOD_MONTH)) {
		st = newsidx_db__open_index(out, path, opts, 1);
		return st ? st
			  : newsidx_db__fail(*out, NEWSIDX_INVALID_ARGUMENT,
					     "unknown period %d", want);
	}
	/* A new index made partitioned from the start. */
	if (!part && want && opts->mode == NEWSIDX_OPEN_WRITE && path &&
	    !newsidx_shards__is_set(path)) {
		if (newsidx_layout__exists(path)) {
			st = newsidx_db__open_index(out, path, opts, 1);
			return st ? st
				  : newsidx_db__fail(
					*out, NEWSIDX_INVALID_ARGUMENT,
					"%s is a single index; newsidx "
					"reshard --period %s converts it",
					path, newsidx_part__period_name(want));
		}
		set = part = 1;
	}
	st = newsidx_db__open_index(out, path, opts, set);
	if (st || !set)
		return st;
	if (part && opts->mode == NEWSIDX_OPEN_WRITE)
		return open_part_writer(*out, opts, period);
	if (part) {
		if (!period)
			return newsidx_db__fail(*out, NEWSIDX_VERSION_MISMATCH,
						"%s/PARTITIONED is of a "
						"version or period this "
						"build does not know",
						path);
		(*out)->part = period;
		snprintf(stub, sizeof(stub), "%s/XAPIANDB", path);
		(*out)->stub = newsidx_strdup(stub);
		if (!(*out)->stub)
			return newsidx_db__fail(*out, NEWSIDX_NOMEM,
						"out of memory");
	}
	return newsidx_shards__open(*out, opts);
}

size_t newsidx_db_count(newsidx_db_t *db)
{
	newsidx_db_t *r = NULL;
	size_t n = 0;

	/* A partitioned index's writer has no Xapian handle: its shards
	 * are read now. */
	if (!db || !db->part || !db->writable)
		return newsidx_db__count_index(db);
	if (newsidx_db_open(&r, db->path, NULL) == NEWSIDX_OK)
		n = newsidx_db__count_index(r);
	newsidx_db_free(r);
	return n;
}

int newsidx_db_period(const newsidx_db_t *db)
{
	return db ? db->part : NEWSIDX_PERIOD_NONE;
}

int newsidx_db_shard_closed(const newsidx_db_t *db, size_t i)
{
	const char *slash;

	if (!db || !db->part || i >= db->nshards || db->shards[i].remote)
		return 0;
	slash = strrchr(db->shards[i].where, '/');
	return newsidx_part__closed(db->path, slash ? slash + 1
						    : db->shards[i].where);
}

void newsidx_db_free(newsidx_db_t *db)
{
	if (!db)
		return;
	newsidx_shards__free(db);
	newsidx_db__free_index(db);
}

newsidx_status_t newsidx_db__reopen(struct newsidx_db *db, int by_path)
{
	if (db->is_set && !db->writable)
		return newsidx_shards__reopen(db, by_path);
	return newsidx_db__reopen_index(db, by_path);
}

newsidx_status_t newsidx_db__record(struct newsidx_db *db, unsigned long docid,
				    const char *packed, size_t plen,
				    const char *data, size_t dlen,
				    const void **rec, size_t *rec_len)
{
	/* Each shard packs with its own dictionary. */
	if (db->is_set) {
		db = newsidx_shards__of(db, docid, NULL);
		if (!db)
			return NEWSIDX_CORRUPT;
	}
	return newsidx_db__record_index(db, packed, plen, data, dlen, rec,
					rec_len);
}

newsidx_status_t newsidx_db__doc_record(struct newsidx_db *db, xapc_doc_t *doc,
					const void **rec, size_t *rec_len)
{
	size_t dlen = 0, plen = 0;
	const char *data = xapc_doc_data(doc, &dlen);
	const char *packed =
	    data ? xapc_doc_value(doc, NEWSIDX_SLOT_DOC, &plen) : NULL;

	if (!packed)
		return NEWSIDX_CORRUPT;
	return newsidx_db__record(db, xapc_doc_docid(doc), packed, plen, data,
				  dlen, rec, rec_len);
}

int newsidx_db__compact_positions(struct newsidx_db *db)
{
	/* A combined handle would give the first shard's layout only. */
	if (db->is_set)
		return newsidx_shards__any_compact(db);
	if (db->writable)
		return newsidx_db__compact_index(db);
	/* A reader asks once per commit it sees (newsidx_db__forget_view):
	 * every search asks. */
	if (!db->compact_known)
		db->compact_known = newsidx_db__compact_index(db) ? 2 : 1;
	return db->compact_known == 2;
}

int newsidx_db__term_lists(struct newsidx_db *db)
{
	return db->is_set ? newsidx_shards__all_term_lists(db)
			  : newsidx_db__term_lists_index(db);
}

/* ------------------------------------------------------------------ */
/* The public view of a set                                            */
/* ------------------------------------------------------------------ */

size_t newsidx_db_shard_count(const newsidx_db_t *db)
{
	return db ? db->nshards : 0;
}

static const struct newsidx_shard *shard_at(const newsidx_db_t *db, size_t i)
{
	return db && i < db->nshards ? &db->shards[i] : NULL;
}

const char *newsidx_db_shard_line(const newsidx_db_t *db, size_t i)
{
	const struct newsidx_shard *s = shard_at(db, i);

	return s ? s->line : NULL;
}

const char *newsidx_db_shard_where(const newsidx_db_t *db, size_t i)
{
	const struct newsidx_shard *s = shard_at(db, i);

	return s ? s->where : NULL;
}

int newsidx_db_shard_remote(const newsidx_db_t *db, size_t i)
{
	const struct newsidx_shard *s = shard_at(db, i);

	return s ? s->remote : 0;
}

int newsidx_db_shard_skipped(const newsidx_db_t *db, size_t i)
{
	const struct newsidx_shard *s = shard_at(db, i);

	return s ? s->skipped : 0;
}

const char *newsidx_db_shard_missing(const newsidx_db_t *db, size_t i)
{
	const struct newsidx_shard *s = shard_at(db, i);

	return s ? s->missing : NULL;
}

size_t newsidx_db_shard_articles(newsidx_db_t *db, size_t i)
{
	const struct newsidx_shard *s = shard_at(db, i);

	return s && s->db ? newsidx_db_count(s->db) : 0;
}
