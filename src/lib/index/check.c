/*
 * check.c: newsidx_db_check(), the consistency check of an index:
 * Xapian's own check of every table and block, then newsidx's
 * invariants article by article (one id term per article, an id shared
 * by no other, a stored record that decodes and names its id and file,
 * stem codes that parse).
 *
 * It reports problems through the caller's callback and repairs nothing:
 * the cure for a damaged index is a rebuild, so a problem reported must
 * be real, and the check must live through any damage:
 *
 *  - It runs in a child process that sends what it finds up a pipe.
 *    libxapian's own check, and its readers, can crash on some damage
 *    (1.4.22's check reads past the end of a damaged term list); a crash
 *    ends the child and becomes one more problem reported.  The articles
 *    are not read at all when Xapian's check found the tables they are
 *    read from damaged.
 *  - A writer may commit while it reads.  Xapian's check reads the
 *    blocks of one revision, which the writer reuses once it has
 *    committed the next: what it finds counts only when that revision is
 *    still the latest afterwards, else it runs again.  An article's
 *    problems count only when the revision they were read from is still
 *    the latest, else the article is read again.  A check that never
 *    gets a quiet moment says so (NEWSIDX_MODIFIED): a race is never
 *    reported as damage.
 *  - Xapian's check opens every table read/write, even to read it.  A
 *    table this process may not write cannot be checked at all, which is
 *    no sign of damage (NEWSIDX_IO).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "store/store.h"
#include "util/util.h"
#include "xapc.h"

/* Runs of Xapian's check that a writer's commits may spoil before the
 * check gives up: ten, and as many as two seconds allow (a small index is
 * checked many times over in that while, a large one never undisturbed
 * while a writer commits every few seconds).  Reads of one article, much
 * quicker, get six. */
#define TABLE_TRIES 10
#define TABLE_SECONDS 2.0
#define ARTICLE_TRIES 6

/* Runs of the child that may end in a crash before the crash counts as
 * damage: a block read while a writer rewrote it could crash one. */
#define CRASH_TRIES 3

/* Xapian's tables, in the order of the bits below. */
static const char *const tables[] = { "postlist", "docdata",  "termlist",
				      "position", "spelling", "synonym" };

/* The tables the articles are read from. */
#define ARTICLE_TABLES 07u
#define ALL_TABLES 077u

struct checker {
	newsidx_reject_fn report; /* the caller's, when checking in the
				     caller's process; */
	void *ctx;
	int fd;                   /* else the pipe to the parent */
	unsigned long problems;
};

/* A line up the pipe: a tag, then where and what with a tab between;
 * tabs and newlines inside them become spaces. */
static void send_line(int fd, char tag, const char *where, const char *what)
{
	char line[PATH_MAX + 1024];
	size_t n = 0, off = 0;
	const char *parts[2] = { where, what };
	int k;

	line[n++] = tag;
	for (k = 0; k < 2; k++) {
		const char *s;

		for (s = parts[k]; *s && n < sizeof(line) - 2; s++)
			line[n++] = *s == '\t' || *s == '\n' ? ' ' : *s;
		line[n++] = k ? '\n' : '\t';
	}
	while (off < n) {
		ssize_t w = write(fd, line + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

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
	if (c->fd >= 0)
		send_line(c->fd, 'p', where, what);
	else if (c->report)
		c->report(c->ctx, where, what);
}

/* Problems counted but not each reported. */
static void count_more(struct checker *c, unsigned long n)
{
	char num[32];

	c->problems += n;
	if (c->fd < 0)
		return;
	snprintf(num, sizeof(num), "%lu", n);
	send_line(c->fd, 'n', "", num);
}

/* What the child is reading, for the report of a crash. */
static void mark(struct checker *c, const char *where, const char *doing)
{
	if (c->fd >= 0)
		send_line(c->fd, 'm', where, doing);
}

/* The live generation's directory; gen receives its name, "" for a
 * plain Xapian database. */
static void live_dir(const char *path, char *gen, size_t gsize, char *dir,
		     size_t dsize)
{
	if (newsidx_layout__current(path, gen, gsize)) {
		snprintf(dir, dsize, "%s/%s", path, gen);
	} else {
		gen[0] = '\0';
		snprintf(dir, dsize, "%s", path);
	}
}

/* 0, and why in why, when a table in dir cannot be opened read/write
 * for want of permission, as Xapian's check must open it. */
static int tables_writable(const char *dir, char *why, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int ok = 1;

	if (!d) {
		if (errno != EACCES)
			return 1; /* not a directory: Xapian's check judges */
		if (snprintf(why, size, "cannot read %s: %s", dir,
			     strerror(errno)) < 0)
			*why = '\0';
		return 0;
	}
	while (ok && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		char p[PATH_MAX];
		int fd;

		if (n < 7 || strcmp(de->d_name + n - 6, ".glass") != 0)
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(p))
			continue;
		fd = open(p, O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
		} else if (errno == EACCES || errno == EPERM ||
			   errno == EROFS) {
			/* (A message cut short still says enough.) */
			if (snprintf(why, size,
				     "cannot open %s read/write, as Xapian's "
				     "check must: %s",
				     p, strerror(errno)) < 0)
				*why = '\0';
			ok = 0;
		}
	}
	closedir(d);
	return ok;
}

/* Xapian's check, with standard error silenced in the child: libxapian
 * reading past a damaged table is reported there by a sanitizer before
 * the child dies, and what the check finds comes up the pipe. */
static int run_xapian_check(struct checker *c, const char *dir,
			    unsigned long *nerr, char **rep, char **err)
{
	int saved = -1, null = -1, x;

	if (c->fd >= 0) {
		saved = dup(2);
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (saved >= 0 && null >= 0)
			dup2(null, 2);
	}
	x = xapc_check(dir, nerr, rep, err);
	if (saved >= 0 && null >= 0)
		dup2(saved, 2);
	if (saved >= 0)
		close(saved);
	if (null >= 0)
		close(null);
	return x;
}

/* The table a line of Xapian's report opens ("termlist:"), or -1. */
static int table_line(const char *line)
{
	size_t k;

	for (k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
		size_t n = strlen(tables[k]);

		if (strncmp(line, tables[k], n) == 0 && line[n] == ':' &&
		    !line[n + 1])
			return (int)k;
	}
	return -1;
}

/* Whether a line of Xapian's report tells of an error. */
static int error_line(const char *line)
{
	static const char *const fine[] = { "checked OK", "Lazily created",
					    "Not present",
					    "check not implemented",
					    "checked okay", "errors found:",
					    "know how to check" };
	size_t k;

	if (!*line)
		return 0;
	for (k = 0; k < sizeof(fine) / sizeof(fine[0]); k++)
		if (strstr(line, fine[k]))
			return 0;
	return 1;
}

/* Report what Xapian's check found (status x, nerr errors, its report
 * and message), a few of its lines at most; *damaged gets a bit for
 * each table found damaged. */
static void report_tables(struct checker *c, const char *dir, int x,
			  unsigned long nerr, char *rep, const char *err,
			  unsigned *damaged)
{
	char where[PATH_MAX];
	char *line = rep, *nl;
	unsigned long shown = 0;
	int table = -1;

	snprintf(where, sizeof(where), "%s", dir);
	while (line && *line) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (table_line(line) >= 0) {
			table = table_line(line);
			if (snprintf(where, sizeof(where), "%s/%s.glass", dir,
				     tables[table]) >= (int)sizeof(where))
				snprintf(where, sizeof(where), "%s", dir);
		} else if (error_line(line)) {
			*damaged |= table >= 0 ? 1u << table : ALL_TABLES;
			if (shown < 10) {
				problem(c, where, "%s", line);
				shown++;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	if (x != XAPC_OK && nerr == 0) {
		/* The check stopped in the table it was reading. */
		*damaged |= table >= 0 ? 1u << table : ALL_TABLES;
		problem(c, where, "%s", err ? err : xapc_status_str(x));
	}
	if (nerr > shown) {
		count_more(c, nerr - shown - 1);
		problem(c, dir, "xapian check found %lu errors in all", nerr);
	}
}

/* A monotonic clock, in seconds. */
static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Xapian's check of the live generation, run again while a writer spoils
 * it.  What it finds counts when a reader opened before it still reads
 * the latest revision after it (or could open neither before nor after,
 * no sign of a writer either), in the same generation.  *damaged gets a
 * bit per table found damaged.  NEWSIDX_IO or NEWSIDX_MODIFIED, with the
 * reason in why, when it cannot be run or never ran undisturbed.
 */
static newsidx_status_t check_tables(const char *path, struct checker *c,
				     unsigned *damaged, char *why,
				     size_t wsize)
{
	char gen[256], now[256], dir[PATH_MAX];
	unsigned long nerr;
	char *rep, *err;
	int tries, x;
	double start = seconds();

	for (tries = 1;; tries++) {
		xapc_db_t *rd = NULL;
		struct newsidx_pin pin;
		int first, opened, changed = 0;

		/* Pinned, the generation stays whole while checked, even
		 * if a compaction retires it meanwhile. */
		if (newsidx_layout__pin(path, &pin) != 0)
			pin.fd = -1;
		live_dir(path, gen, sizeof(gen), dir, sizeof(dir));
		if (!tables_writable(dir, why, wsize)) {
			newsidx_layout__unpin(path, &pin);
			return NEWSIDX_IO;
		}
		first = xapc_db_open(&rd, dir, XAPC_DB_READONLY);
		opened = first == XAPC_OK;
		nerr = 0;
		rep = err = NULL;
		mark(c, dir, "Xapian's check crashed reading it");
		x = run_xapian_check(c, dir, &nerr, &rep, &err);
		if (x == XAPC_OK && nerr == 0) {
			xapc_db_free(rd);
			newsidx_layout__unpin(path, &pin);
			free(rep);
			free(err);
			return NEWSIDX_OK;
		}
		if (opened) {
			if (xapc_db_reopen(rd, &changed) != XAPC_OK)
				changed = 1;
		} else {
			xapc_db_t *again = NULL;
			int second = xapc_db_open(&again, dir,
						  XAPC_DB_READONLY);

			/* Opening failed before and works now, or either
			 * failed because a commit discarded what it read. */
			changed = second == XAPC_OK ||
				  second == XAPC_ERR_MODIFIED ||
				  first == XAPC_ERR_MODIFIED;
			xapc_db_free(again);
		}
		/* Xapian's check says so itself when a commit discarded the
		 * revision it was reading. */
		if ((rep && strstr(rep, "DatabaseModifiedError")) ||
		    (err && strstr(err, "DatabaseModifiedError")))
			changed = 1;
		xapc_db_free(rd);
		newsidx_layout__unpin(path, &pin);
		live_dir(path, now, sizeof(now), dir, sizeof(dir));
		if (strcmp(gen, now) != 0 || x == XAPC_ERR_MODIFIED)
			changed = 1;
		if (x == XAPC_ERR_NOMEM || !changed)
			break;
		free(rep);
		free(err);
		if (tries >= TABLE_TRIES && seconds() - start >= TABLE_SECONDS) {
			snprintf(why, wsize,
				 "a writer committed during each of %d runs "
				 "of Xapian's check; check again when it is "
				 "idle",
				 tries);
			return NEWSIDX_MODIFIED;
		}
	}
	if (x == XAPC_ERR_NOMEM) {
		free(rep);
		free(err);
		return NEWSIDX_NOMEM;
	}
	report_tables(c, dir, x, nerr, rep, err, damaged);
	free(rep);
	free(err);
	return NEWSIDX_OK;
}

/* What is wrong with one article, held until it proves real. */
struct found {
	unsigned n;
	char what[4][512];
};

static void note(struct found *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct found *f, const char *fmt, ...)
{
	va_list ap;

	if (f->n == sizeof(f->what) / sizeof(f->what[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(f->what[f->n++], sizeof(f->what[0]), fmt, ap);
	va_end(ap);
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
static void check_id(struct newsidx_db *db, struct found *f,
		     xapc_docid_t id, const char *sid)
{
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n = newsidx_schema__term(term, NEWSIDX_PREFIX_ID, sid,
					strlen(sid));
	struct id_find p = { id, 0, 0 };

	if (xapc_db_postings(db->x, term, n, find_posting, &p))
		note(f, "unreadable: %s", xapc_db_errmsg(db->x));
	else if (!p.found)
		note(f, "its id %s does not find it", sid);
	else if (p.n != 1)
		note(f, "its id %s is shared by %u articles", sid, p.n);
}

/* With term lists: one id term, found by no other article; 0 when the
 * term list cannot be read. */
static int check_terms(struct newsidx_db *db, struct found *f,
			xapc_doc_t *doc, struct doc_terms *d)
{
	xapc_doccount_t tf = 0;

	if (xapc_doc_terms(doc, scan_term, d) != XAPC_OK) {
		note(f, "its term list is unreadable: %s",
		     xapc_doc_errmsg(doc));
		return 0;
	}
	if (d->ids != 1) {
		note(f, "has %u id terms, not 1", d->ids);
	} else if (xapc_db_termfreq(db->x, d->id, d->idlen, &tf) != XAPC_OK) {
		note(f, "its id term is unreadable: %s",
		     xapc_db_errmsg(db->x));
	} else if (tf != 1) {
		note(f, "its id %.*s is shared by %u articles",
		     (int)d->idlen - 1, d->id + 1, tf);
	}
	return 1;
}

/* Read article id and note what is wrong with it (nothing when there is
 * no such article). */
static void check_doc(struct newsidx_db *db, xapc_docid_t id, int tl,
		      struct found *f)
{
	struct doc_terms d;
	struct newsidx_stored s;
	xapc_doc_t *doc = NULL;
	const void *rec;
	size_t len;
	int x = xapc_db_get_doc(db->x, id, &doc);

	f->n = 0;
	if (x) {
		if (x != XAPC_ERR_NOT_FOUND)
			note(f, "unreadable: %s", xapc_db_errmsg(db->x));
		xapc_doc_free(doc);
		return;
	}
	memset(&d, 0, sizeof(d));
	if (tl && !check_terms(db, f, doc, &d))
		tl = -1; /* no term list to compare the record with */
	if (newsidx_db__doc_record(db, doc, &rec, &len) != NEWSIDX_OK ||
	    newsidx_docdata__decode(rec, len, 1, &s) != NEWSIDX_OK) {
		note(f, "stored data does not decode");
	} else if (!tl) {
		check_id(db, f, id, s.id);
		newsidx_stored__clear(&s);
	} else if (tl < 0) {
		newsidx_stored__clear(&s);
	} else {
		if (d.ids == 1 &&
		    (d.idlen - 1 >= NEWSIDX_MAX_TERM ||
		     strncmp(s.id, d.id + 1, d.idlen - 1) != 0) &&
		    d.id[1] != '#')
			note(f, "stored id '%s' differs from its term", s.id);
		if (s.path[0] && d.files != 1)
			note(f, "records %u files, not 1", d.files);
		newsidx_stored__clear(&s);
	}
	xapc_doc_free(doc);
}

/*
 * Whether the index moved on since the handle last looked: a writer
 * committed, or a compaction or rebuild switched generations (gen, the
 * handle's, is updated).  The handle follows it either way.
 */
static int moved(struct newsidx_db *db, char *gen, size_t size)
{
	char now[256] = "";
	int changed = 0;

	newsidx_layout__current(db->path, now, sizeof(now));
	if (strcmp(now, gen) != 0) {
		snprintf(gen, size, "%s", now);
		newsidx_db__reopen(db, 1);
		return 1;
	}
	if (xapc_db_reopen(db->x, &changed) != XAPC_OK) {
		newsidx_db__reopen(db, 1);
		return 1;
	}
	return changed;
}

/* newsidx's invariants, article by article; NEWSIDX_MODIFIED when an
 * article never read the same twice. */
static newsidx_status_t check_articles(struct newsidx_db *db,
				       struct checker *c, char *gen,
				       size_t gsize)
{
	xapc_docid_t last = 0, id;
	int tl = newsidx_db__term_lists(db), tries;
	char where[64];
	struct found f;

	for (tries = 1; xapc_db_lastdocid(db->x, &last) != XAPC_OK; tries++) {
		if (!moved(db, gen, gsize)) {
			problem(c, db->path, "unreadable: %s",
				xapc_db_errmsg(db->x));
			return NEWSIDX_OK;
		}
		if (tries == ARTICLE_TRIES)
			return NEWSIDX_MODIFIED;
	}
	for (id = 1; id <= last && id != 0; id++) {
		snprintf(where, sizeof(where), "document %u", id);
		mark(c, where, "the check crashed reading it");
		for (tries = 1;; tries++) {
			unsigned k;

			check_doc(db, id, tl, &f);
			if (!f.n)
				break;
			if (!moved(db, gen, gsize)) {
				for (k = 0; k < f.n; k++)
					problem(c, where, "%s", f.what[k]);
				break;
			}
			if (tries == ARTICLE_TRIES)
				return NEWSIDX_MODIFIED;
			tl = newsidx_db__term_lists(db);
		}
	}
	return NEWSIDX_OK;
}

/* The whole check, wherever it runs; problems go to c, and the reason
 * when it cannot be done to why. */
static newsidx_status_t run_check(const char *path, struct checker *c,
				  char *why, size_t wsize)
{
	char gen[256] = "";
	unsigned damaged = 0;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	int bad, tries;

	st = check_tables(path, c, &damaged, why, wsize);
	if (st || (damaged & ARTICLE_TABLES))
		return st;
	/* Opening while a writer commits can fail as reading can. */
	for (tries = 1;; tries++) {
		newsidx_layout__current(path, gen, sizeof(gen));
		st = newsidx_db_open(&db, path, NULL);
		if (st != NEWSIDX_MODIFIED || tries == ARTICLE_TRIES)
			break;
		newsidx_db_free(db);
		db = NULL;
	}
	if (st == NEWSIDX_OK) {
		st = check_articles(db, c, gen, sizeof(gen));
		(void)newsidx_db__stemcodes(db, &bad);
		if (!st && bad)
			problem(c, path, "its stem codes (newsidx.stemcodes) "
					 "are damaged; rebuild it");
	} else if (st != NEWSIDX_NOMEM && st != NEWSIDX_MODIFIED) {
		problem(c, path, "%s", newsidx_db_errmsg(db));
		st = NEWSIDX_OK;
	}
	newsidx_db_free(db);
	if (st == NEWSIDX_MODIFIED && c->problems)
		st = NEWSIDX_OK; /* what was found is damage enough */
	else if (st == NEWSIDX_MODIFIED)
		snprintf(why, wsize,
			 "a writer kept committing while the articles were "
			 "read (%d tries); check again when it is idle",
			 ARTICLE_TRIES);
	return st;
}

/* What the parent makes of the child's lines. */
struct relay {
	newsidx_reject_fn report;
	void *ctx;
	unsigned long problems;
	int ended;                   /* the child's last line came */
	newsidx_status_t status;     /* and said this */
	char why[1024];
	char where[PATH_MAX], doing[128]; /* the child's last mark */
};

static void take(struct relay *r, char *line)
{
	char *where = line + 1, *what = strchr(where, '\t');

	if (!what)
		return;
	*what++ = '\0';
	switch (line[0]) {
	case 'p':
		r->problems++;
		if (r->report)
			r->report(r->ctx, where, what);
		break;
	case 'n':
		r->problems += strtoul(what, NULL, 10);
		break;
	case 'm':
		snprintf(r->where, sizeof(r->where), "%s", where);
		snprintf(r->doing, sizeof(r->doing), "%s", what);
		break;
	case 'r':
		snprintf(r->why, sizeof(r->why), "%s", what);
		break;
	case 's':
		r->status = (newsidx_status_t)atoi(what);
		r->ended = 1;
		break;
	}
}

/* Pass the child's lines on until it closes the pipe; -1 when out of
 * memory. */
static int relay_lines(int fd, struct relay *r)
{
	struct newsidx_buf b = { 0 };
	char chunk[8192], *nl;
	int rc = 0;

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		size_t start = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		newsidx_buf__append(&b, chunk, (size_t)n, &rc);
		if (rc)
			break;
		while ((nl = memchr(b.data + start, '\n', b.len - start))) {
			*nl = '\0';
			take(r, b.data + start);
			start = (size_t)(nl - b.data) + 1;
		}
		memmove(b.data, b.data + start, b.len - start);
		b.len -= start;
	}
	newsidx_buf__free(&b);
	return rc ? -1 : 0;
}

/* Run the check in a child process, relaying what it finds; -1 when no
 * child could be started, else the child's wait status in *ws. */
static int run_child(const char *path, struct relay *r, int *ws)
{
	int fds[2], rc;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		struct checker c = { NULL, NULL, fds[1], 0 };
		char why[1024] = "", st[16];

		close(fds[0]);
		snprintf(st, sizeof(st), "%d",
			 (int)run_check(path, &c, why, sizeof(why)));
		if (*why)
			send_line(fds[1], 'r', "", why);
		send_line(fds[1], 's', "", st);
		_exit(0);
	}
	close(fds[1]);
	rc = relay_lines(fds[0], r);
	close(fds[0]);
	while (waitpid(pid, ws, 0) < 0 && errno == EINTR)
		;
	return rc < 0 ? -2 : 0;
}

/* A child that ended without its last line crashed: say where, and how. */
static void report_crash(const struct relay *r, int ws, const char *path)
{
	char what[256];

	if (WIFSIGNALED(ws))
		snprintf(what, sizeof(what), "%s (signal %d, %s)",
			 *r->doing ? r->doing : "the check crashed",
			 WTERMSIG(ws), strsignal(WTERMSIG(ws)));
	else
		snprintf(what, sizeof(what), "%s (exit status %d)",
			 *r->doing ? r->doing : "the check crashed",
			 WEXITSTATUS(ws));
	if (r->report)
		r->report(r->ctx, *r->where ? r->where : path, what);
}

/* The check of a partitioned index: each shard's, its problems named
 * by the shard's files; a shard that cannot be checked at all is a
 * problem too, named by its directory. */
static newsidx_status_t check_part(const char *path, newsidx_reject_fn report,
				   void *ctx, unsigned long *problems)
{
	char **names = NULL, p[PATH_MAX];
	size_t n = 0, i;
	newsidx_status_t st;

	st = newsidx_part__list(path, &names, &n);
	if (st) {
		snprintf(p, sizeof(p), "%s/XAPIANDB", path);
		if (report)
			report(ctx, p, "cannot read the list of shards");
		(*problems)++;
		return NEWSIDX_OK;
	}
	for (i = 0; i < n; i++) {
		unsigned long found = 0;

		snprintf(p, sizeof(p), "%s/%s", path, names[i]);
		st = newsidx_db_check(p, report, ctx, &found);
		*problems += found;
		if (st == NEWSIDX_NOMEM)
			break;
		if (st) {
			if (report)
				report(ctx, p, st == NEWSIDX_NO_INDEX
						   ? "shard missing: no index "
						     "there"
						   : newsidx_status_str(st));
			if (!found)
				(*problems)++;
			st = NEWSIDX_OK;
		}
	}
	newsidx_part__free_list(names, n);
	return st;
}

newsidx_status_t newsidx_db_check(const char *path, newsidx_reject_fn report,
				  void *ctx, unsigned long *problems)
{
	struct relay r;
	unsigned long found = 0;
	newsidx_status_t st = NEWSIDX_OK;
	int tries, ws = 0, rc;

	if (problems)
		*problems = 0;
	if (!path)
		return NEWSIDX_INVALID_ARGUMENT;
	if (newsidx_part__is(path, NULL)) {
		unsigned long n = 0;

		st = check_part(path, report, ctx, &n);
		if (problems)
			*problems = n;
		return st;
	}
	if (!newsidx_layout__exists(path))
		return NEWSIDX_NO_INDEX;
	for (tries = 1;; tries++) {
		memset(&r, 0, sizeof(r));
		r.report = report;
		r.ctx = ctx;
		rc = run_child(path, &r, &ws);
		if (rc == -1) {
			/* No process to spare: check here, and hope the
			 * damage is kind. */
			struct checker c = { report, ctx, -1, 0 };

			st = run_check(path, &c, r.why, sizeof(r.why));
			found += c.problems;
			break;
		}
		found += r.problems;
		if (rc == -2) {
			st = NEWSIDX_NOMEM;
			break;
		}
		if (r.ended) {
			st = r.status;
			break;
		}
		if (r.problems || tries == CRASH_TRIES) {
			report_crash(&r, ws, path);
			found++;
			break;
		}
	}
	if ((st == NEWSIDX_IO || st == NEWSIDX_MODIFIED) && *r.why && report)
		report(ctx, path, r.why);
	if (problems)
		*problems = found;
	return st;
}

/* The name of 0.1, deprecated (newsidx.h, "Deprecated names"). */
newsidx_status_t newsidx_check(const char *path, newsidx_reject_fn report,
			       void *ctx, unsigned long *problems)
{
	return newsidx_db_check(path, report, ctx, problems);
}
