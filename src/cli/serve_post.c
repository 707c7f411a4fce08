/*
 * serve_post.c: POST /api/articles, the one endpoint of `newsidx serve`
 * that writes.
 *
 * Writing is off unless --token-file names a file holding a token; a
 * request must then carry "Authorization: Bearer TOKEN", compared in
 * time that does not depend on where the two first differ.  The body,
 * JSON Lines or a feed (RSS, Atom), goes to newsidx_index_buffer() on a
 * writable handle opened for the request and closed after its commit,
 * so that the server never holds the index's writer lock between
 * requests and a cron run of `newsidx index` can still take it.
 *
 * Writes are serialised by one mutex; the readers of serve.c are other
 * handles, which Xapian lets read the last commit while a write goes
 * on, so that a write never blocks a search.  The library reopens a
 * reader whose index a writer committed, so the next search sees the
 * new articles.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

/* At most this many per-record errors are listed in a response. */
#define MAX_ERRORS 100

static pthread_mutex_t write_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long post_seq;

int cli_token_load(const char *file, char **token, char *err, size_t errlen)
{
	struct stat st;
	char buf[1024];
	size_t n;
	FILE *f = fopen(file, "r");

	*token = NULL;
	if (!f) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", file);
		fclose(f);
		return -1;
	}
	/* A token others can read is no secret: refuse it, as ssh refuses
	 * a private key that others can read. */
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		snprintf(err, errlen,
			 "%s: readable or writable by others; chmod o-rw it",
			 file);
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
		     buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	if (n < 16 || n != strlen(buf) || strcspn(buf, " \t\r\n") != n) {
		snprintf(err, errlen,
			 "%s: the token must be one line of 16 to 1000 "
			 "characters without spaces",
			 file);
		return -1;
	}
	*token = strdup(buf);
	if (!*token) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int cli_token_ok(const char *token, const char *authorization)
{
	static const char scheme[] = "Bearer ";
	const char *given;
	size_t n, m, i;
	volatile unsigned char diff;

	if (!token || !authorization ||
	    strncasecmp(authorization, scheme, sizeof(scheme) - 1) != 0)
		return 0;
	given = authorization + sizeof(scheme) - 1;
	while (*given == ' ')
		given++;
	n = strlen(token);
	m = strlen(given);
	/* Every byte of the token is looked at whatever the client sent,
	 * so the time taken says nothing of how much of it was right. */
	diff = (unsigned char)(n != m);
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(token[i] ^ (i < m ? given[i] : 0));
	return diff == 0;
}

enum cli_post_kind cli_post_kind(const char *content_type)
{
	static const struct {
		const char *type;
		enum cli_post_kind kind;
	} types[] = {
		{ "application/x-ndjson", CLI_POST_JSONL },
		{ "application/jsonl", CLI_POST_JSONL },
		{ "application/json-lines", CLI_POST_JSONL },
		{ "application/rss+xml", CLI_POST_FEED },
		{ "application/atom+xml", CLI_POST_FEED },
		{ "application/xml", CLI_POST_FEED },
		{ "text/xml", CLI_POST_FEED },
	};
	size_t i, len;

	if (!content_type)
		return CLI_POST_NONE;
	while (*content_type == ' ')
		content_type++;
	len = strcspn(content_type, "; ");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].type) == len &&
		    strncasecmp(types[i].type, content_type, len) == 0)
			return types[i].kind;
	return CLI_POST_NONE;
}

/* What the rejections of one request collect. */
struct rejects {
	json_t *errors;
	size_t nname; /* strlen of the buffer's name, stripped from where */
	unsigned long more;
};

/* One rejected record as {"where", "line", "column", "reason"}: where
 * is what follows the buffer's name ("3:14", "offset 80"), line and
 * column are there when where names them. */
static void on_reject(void *ctx, const char *where, const char *reason)
{
	struct rejects *rj = ctx;
	const char *w = where;
	unsigned long line = 0, column = 0;
	json_t *o;

	if (json_array_size(rj->errors) >= MAX_ERRORS) {
		rj->more++;
		return;
	}
	if (strlen(w) >= rj->nname)
		w += rj->nname;
	while (*w == ':' || *w == ' ')
		w++;
	o = json_object();
	if (!o)
		return;
	json_object_set_new(o, "where", json_string(w));
	if (sscanf(w, "%lu:%lu", &line, &column) >= 1 && line) {
		json_object_set_new(o, "line", json_integer((json_int_t)line));
		if (column)
			json_object_set_new(o, "column",
					    json_integer((json_int_t)column));
	}
	json_object_set_new(o, "reason", json_string(reason));
	/* A message quoting bad bytes may not be UTF-8: keep the rest. */
	if (!json_object_get(o, "reason"))
		json_object_set_new(o, "reason",
				    json_string("(a message that is not "
						"UTF-8)"));
	json_array_append_new(rj->errors, o);
}

/* Whether the body starts as its declared kind does: '{' for JSON Lines,
 * '<' for a feed, after a BOM and white space. */
static int looks_like(enum cli_post_kind kind, const char *body, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && strchr(" \t\r\n", body[i]))
		i++;
	if (i == len)
		return 0;
	return body[i] == (kind == CLI_POST_JSONL ? '{' : '<');
}

json_t *cli_post_articles(const char *index, enum cli_post_kind kind,
			  const char *body, size_t len, double wait,
			  unsigned *status)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t stats;
	struct rejects rj = { NULL, 0, 0 };
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	struct timespec deadline;
	char name[64], when[32], msg[512];
	time_t now = time(NULL);
	struct tm tm;
	json_t *doc;

	if (!looks_like(kind, body, len)) {
		*status = 400;
		return cli_error_json(400, kind == CLI_POST_JSONL
						   ? "the body is not JSON "
						     "Lines: it must start "
						     "with '{'"
						   : "the body is not a feed: "
						     "it must start with '<'");
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += (time_t)wait;
	if (pthread_mutex_timedlock(&write_mu, &deadline)) {
		*status = 503;
		return cli_error_json(503, "busy: another write is under way; "
					   "try again");
	}
	/* Each body gets a name of its own, which the ids of records that
	 * carry neither an id nor a url are made of. */
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(name, sizeof(name), "post-%s-%lu", when, ++post_seq);
	oo.mode = NEWSIDX_OPEN_WRITE;
	oo.lock_timeout = wait;
	st = newsidx_db_open(&db, index, &oo);
	if (!st) {
		rj.errors = json_array();
		rj.nname = strlen(name);
		memset(&stats, 0, sizeof(stats));
		io.on_reject = on_reject;
		io.reject_ctx = &rj;
		io.jobs = 1;
		io.shards = 1;
		st = newsidx_index_buffer(db, name, body, len, &io, &stats);
	}
	snprintf(msg, sizeof(msg), "%s",
		 db && *newsidx_db_errmsg(db) ? newsidx_db_errmsg(db)
					      : newsidx_status_str(st));
	newsidx_db_free(db);
	pthread_mutex_unlock(&write_mu);
	if (st && st != NEWSIDX_REJECTED) {
		json_decref(rj.errors);
		if (st == NEWSIDX_LOCKED || st == NEWSIDX_NOMEM)
			*status = 503;
		else if (st == NEWSIDX_INVALID_ARGUMENT)
			*status = 400;
		else
			*status = 500;
		return cli_error_json(*status, msg);
	}
	*status = stats.articles == 0 && stats.rejected ? 400 : 200;
	doc = json_pack("{s:I, s:I, s:I, s:I, s:o, s:b}", "articles",
			(json_int_t)stats.articles, "added",
			(json_int_t)stats.added, "replaced",
			(json_int_t)stats.updated, "rejected",
			(json_int_t)stats.rejected, "errors",
			rj.errors ? rj.errors : json_array(), "errors_truncated",
			rj.more > 0);
	return doc;
}
