/*
 * serve.c: `newsidx serve`, the HTTP JSON API.
 *
 * GNU libmicrohttpd parses HTTP and runs one thread per connection, up
 * to --max-connections; this file admits requests, lends each a reader
 * and sends the JSON documents of json.c, the ones search, show,
 * similar and stats print with --json.  What a request asks for is
 * decided by cli_api_route() (serve_route.c) before anything touches
 * the index.
 *
 * Readers: a newsidx_db_t serves one thread at a time, so the server
 * keeps a pool of at most --threads read-only handles, one per core
 * opened at start and the others when first needed, each long-lived
 * (newsidx_db_set_long_lived: it reads its tables of lengths and groups
 * at once), lent to one request at a time, in the order the requests
 * asked (serve_pool.c).  While every core has a search, or requests
 * wait, a search counts its matches on its own thread rather than in a
 * second one (newsidx_db_set_search_threads).  The library reopens a
 * handle on each search when a writer has committed or switched
 * generations; an article fetch or a search that still fails the way a
 * concurrent commit or compaction makes reads fail is run again on a
 * freshly opened handle, so that a cron run never shows as an error.
 *
 * Load: at most --max-requests requests are admitted at once (waiting
 * for a reader or being served); one more gets 503 with Retry-After, as
 * does one that waited --timeout seconds for a reader.  /healthz is
 * always answered, without the index.
 *
 * Shutdown: SIGTERM or SIGINT stops accepting connections
 * (MHD_quiesce_daemon), lets the admitted requests finish, then stops.
 *
 * The web page's files (serve_static.c) are answered before routing,
 * without the index; POST /api/articles (serve_post.c) is checked for
 * its token, type and size before its body is read, and then admitted
 * like a read.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <microhttpd.h>

#include "cli.h"

struct server {
	const char *index;
	struct cli_api_limits lim;
	unsigned threads, max_requests, max_connections;
	unsigned cores;         /* online processors */
	size_t max_request_bytes;
	double timeout;
	const char *cors;
	int log_json;
	const char *web_root;   /* --web-root, or NULL */
	struct cli_web web;     /* the page's files */
	const char *token_file; /* --token-file, or NULL: no writes */
	char *token;
	size_t max_post_bytes;

	pthread_mutex_t mu;
	pthread_cond_t cv;     /* a request ended */
	struct cli_pool readers;
	unsigned admitted;     /* requests admitted, not yet finished */
	unsigned active;       /* requests begun, not yet finished */
	int stopping;
	pthread_mutex_t log_mu;
};

/* One request, from its headers to the end of its response. */
struct exchange {
	struct timespec start;
	struct cli_api_request rq;
	int admitted, responded;
	unsigned status;
	size_t bytes, body;
	char method[16];
	char *path;
	enum cli_post_kind kind; /* a POST's body */
	char *upload;
	size_t upload_len;
	char client[INET6_ADDRSTRLEN];
};

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A JSON string of text that may not be UTF-8 (a library message quoting
 * a query, a parameter's name): bytes that are not are shown as '?'. */
static json_t *text_json(const char *s)
{
	json_t *j = json_string(s);
	char *copy;
	size_t i;

	if (j)
		return j;
	copy = strdup(s);
	if (!copy)
		return NULL;
	for (i = 0; copy[i]; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

json_t *cli_error_json(unsigned status, const char *msg)
{
	json_t *o = json_object();

	if (o) {
		json_object_set_new(o, "error", text_json(msg));
		json_object_set_new(o, "status", json_integer(status));
	}
	return o;
}

/* Queue doc (taken over) as the response, with the headers every
 * response of the API carries. */
static enum MHD_Result respond(struct server *s, struct MHD_Connection *c,
			       struct exchange *x, unsigned status,
			       json_t *doc)
{
	static const char oom[] = "{\"error\":\"out of memory\","
				  "\"status\":503}\n";
	struct MHD_Response *r;
	enum MHD_Result ret;
	char *body = doc ? json_dumps(doc, JSON_COMPACT | JSON_ESCAPE_SLASH)
			 : NULL;
	size_t len;

	json_decref(doc);
	if (body) {
		char *nl;

		len = strlen(body);
		nl = realloc(body, len + 2);
		if (nl) {
			body = nl;
			memcpy(body + len, "\n", 2);
			len++;
		}
		r = MHD_create_response_from_buffer(len, body,
						    MHD_RESPMEM_MUST_FREE);
	} else {
		status = 503;
		len = sizeof(oom) - 1;
		r = MHD_create_response_from_buffer(len, (void *)oom,
						    MHD_RESPMEM_PERSISTENT);
	}
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"application/json");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (s->cors) {
		MHD_add_response_header(r, "Access-Control-Allow-Origin",
					s->cors);
		MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Origin");
	}
	if (status == 405 && x->rq.allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, x->rq.allow);
	if (status == 503)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"newsidx\"");
	pthread_mutex_lock(&s->mu);
	if (s->stopping)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION,
					"close");
	pthread_mutex_unlock(&s->mu);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	x->status = status;
	x->bytes = len;
	x->responded = 1;
	return ret;
}

static enum MHD_Result respond_error(struct server *s,
				     struct MHD_Connection *c,
				     struct exchange *x, unsigned status,
				     const char *msg)
{
	return respond(s, c, x, status, cli_error_json(status, msg));
}

static void close_reader(void *db)
{
	newsidx_db_free(db);
}

/* Borrow a reader, waiting up to --timeout for one; *db is NULL when
 * none came (busy), else the caller returns it with give_back(), also
 * when it failed to open (it then carries the message). */
static newsidx_status_t borrow(struct server *s, newsidx_db_t **db)
{
	newsidx_status_t st = NEWSIDX_OK;
	size_t load = 0;
	void *item;

	*db = NULL;
	if (!cli_pool_take(&s->readers, &item, &load))
		return NEWSIDX_OK;
	*db = item;
	if (!*db) {
		newsidx_open_options_t oo;

		cli_read_options(&oo);
		st = newsidx_db_open(db, s->index, &oo);
		if (!*db) {
			cli_pool_give(&s->readers, NULL, 1, close_reader);
			return NEWSIDX_NOMEM;
		}
		if (!st)
			st = newsidx_db_set_long_lived(*db, 1);
		if (st)
			return st;
	}
	/* A search counts in a second thread only while the searches
	 * under way and waiting, two threads each, fit the cores. */
	return newsidx_db_set_search_threads(*db, load > s->cores / 2 ? 1
								  : 0);
}

/* Return a reader to the pool, or close it (drop) when it failed in a
 * way that a fresh one may not. */
static void give_back(struct server *s, newsidx_db_t *db, int drop)
{
	cli_pool_give(&s->readers, db, drop, close_reader);
}

/* Make the library call of rq with db; *doc the document on success. */
static newsidx_status_t call(newsidx_db_t *db,
			     const struct cli_api_request *rq, json_t **doc)
{
	newsidx_results_t *r = NULL;
	newsidx_article_t *art = NULL;
	newsidx_info_t *info = NULL;
	newsidx_status_t st = NEWSIDX_OK;

	switch (rq->what) {
	case CLI_API_SEARCH:
		st = newsidx_search(&r, db, rq->query, &rq->so);
		break;
	case CLI_API_SIMILAR:
		st = newsidx_article_similar(&r, db, rq->id, &rq->so);
		break;
	case CLI_API_ARTICLE:
		st = newsidx_article_get(&art, db, rq->id);
		if (!st)
			*doc = cli_article_json(art);
		break;
	case CLI_API_STATS:
		if (newsidx_db_shard_count(db)) {
			*doc = json_pack("{s:s, s:I, s:o}", "index",
					 newsidx_db_path(db), "articles",
					 (json_int_t)newsidx_db_count(db),
					 "shards", cli_shards_json(db));
			break;
		}
		st = newsidx_db_info(db, &info);
		if (!st)
			*doc = cli_info_json(info);
		if (!st && *doc)
			st = cli_stats_add_watches(*doc, db);
		break;
	case CLI_API_TREND:
		st = cli_api_trend(db, rq, doc);
		break;
	case CLI_API_HEALTH:
	case CLI_API_POST: /* answered by serve_request() without a reader */
		break;
	}
	if (!st && r)
		*doc = cli_results_json(r, rq->query, &rq->so);
	/* A set searched without a shard says so beside every answer. */
	if (!st && *doc && json_is_object(*doc) && newsidx_db_shard_count(db))
		json_object_set_new(*doc, "missing_shards",
				    cli_missing_json(db));
	if (!st && !*doc)
		st = NEWSIDX_NOMEM;
	newsidx_results_free(r);
	newsidx_article_free(art);
	newsidx_info_free(info);
	return st;
}

/* The HTTP status of a library failure. */
static unsigned http_status(newsidx_status_t st)
{
	switch (st) {
	case NEWSIDX_QUERY_SYNTAX:
	case NEWSIDX_TOO_MANY_TERMS:
	case NEWSIDX_INVALID_ARGUMENT:
		return 400;
	case NEWSIDX_NOT_FOUND:
		return 404;
	case NEWSIDX_NO_INDEX:
	case NEWSIDX_MODIFIED:
	case NEWSIDX_LOCKED:
	case NEWSIDX_NOMEM:
		return 503;
	default:
		return 500;
	}
}

/* Failures that a writer's commit or a switch of generations can cause
 * a reader, which a fresh handle gets past. */
static int transient(newsidx_status_t st)
{
	return st == NEWSIDX_MODIFIED || st == NEWSIDX_CORRUPT ||
	       st == NEWSIDX_ENGINE || st == NEWSIDX_IO ||
	       st == NEWSIDX_NO_INDEX;
}

/* The page's own script and style only; nothing inline, nothing from
 * elsewhere. */
static const char page_csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; "
	"img-src 'self'; connect-src 'self'; base-uri 'none'; "
	"form-action 'self'; frame-ancestors 'none'";

/* Send a file of the page, or 304 when the client has this version. */
static enum MHD_Result respond_file(struct MHD_Connection *c,
				    struct exchange *x,
				    const struct cli_web_file *f)
{
	const char *inm = MHD_lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	unsigned status = inm && strcmp(inm, f->etag) == 0 ? 304 : 200;
	struct MHD_Response *r = MHD_create_response_from_buffer(
		status == 200 ? f->len : 0, f->body, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, f->type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, f->etag);
	/* Revalidated on each load, so an upgrade shows at once; the ETag
	 * makes that a 304 without a body. */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
				"no-cache");
	MHD_add_response_header(r, "Content-Security-Policy", page_csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	x->status = status;
	x->bytes = status == 200 ? f->len : 0;
	x->responded = 1;
	return ret;
}

/* What a POST must pass before its body is read: writes are on, the
 * token, the type, the declared size.  0 when it may go on. */
static int refuse_post(struct server *s, struct MHD_Connection *c,
		       struct exchange *x, enum MHD_Result *ret)
{
	const char *len = MHD_lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	char msg[160];

	if (!s->token)
		*ret = respond_error(s, c, x, 403,
				     "writing is off: the server was started "
				     "without --token-file");
	else if (!cli_token_ok(s->token,
			       MHD_lookup_connection_value(
				       c, MHD_HEADER_KIND,
				       MHD_HTTP_HEADER_AUTHORIZATION)))
		*ret = respond_error(s, c, x, 401,
				     "missing or wrong 'Authorization: Bearer "
				     "TOKEN'");
	else if (!(x->kind = cli_post_kind(MHD_lookup_connection_value(
			   c, MHD_HEADER_KIND,
			   MHD_HTTP_HEADER_CONTENT_TYPE))))
		*ret = respond_error(s, c, x, 415,
				     "Content-Type must be "
				     "application/x-ndjson, application/jsonl, "
				     "application/rss+xml, "
				     "application/atom+xml or application/xml");
	else if (len && strtoull(len, NULL, 10) > s->max_post_bytes) {
		snprintf(msg, sizeof(msg),
			 "request body too large: at most %zu bytes "
			 "(--max-post-bytes)",
			 s->max_post_bytes);
		*ret = respond_error(s, c, x, 413, msg);
	} else
		return 0;
	return -1;
}

/* Take the next piece of a POST's body; 413 past --max-post-bytes. */
static enum MHD_Result take_upload(struct server *s,
				   struct MHD_Connection *c,
				   struct exchange *x, const char *data,
				   size_t n)
{
	char *p;

	if (x->upload_len + n > s->max_post_bytes)
		return respond_error(s, c, x, 413,
				     "request body too large "
				     "(--max-post-bytes)");
	p = realloc(x->upload, x->upload_len + n + 1);
	if (!p)
		return respond_error(s, c, x, 503, "out of memory");
	x->upload = p;
	memcpy(p + x->upload_len, data, n);
	x->upload_len += n;
	p[x->upload_len] = '\0';
	return MHD_YES;
}

static enum MHD_Result serve_request(struct server *s,
				     struct MHD_Connection *c,
				     struct exchange *x)
{
	newsidx_status_t st;
	newsidx_db_t *db;
	json_t *doc = NULL;
	char msg[512];
	int tries;

	if (x->rq.what == CLI_API_POST) {
		unsigned status = 500;

		if (!x->upload_len)
			return respond_error(s, c, x, 400, "empty body");
		doc = cli_post_articles(s->index, x->kind, x->upload,
					x->upload_len, s->timeout, &status);
		return respond(s, c, x, status, doc);
	}
	for (tries = 0;; tries++) {
		st = borrow(s, &db);
		if (!db)
			return respond_error(s, c, x, 503,
					     "busy: no reader came free in "
					     "time; try again");
		if (!st)
			st = call(db, &x->rq, &doc);
		if (!st) {
			give_back(s, db, 0);
			return respond(s, c, x, 200, doc);
		}
		if (transient(st) && tries < 5) {
			give_back(s, db, 1);
			continue;
		}
		snprintf(msg, sizeof(msg), "%s",
			 *newsidx_db_errmsg(db) ? newsidx_db_errmsg(db)
						: newsidx_status_str(st));
		give_back(s, db, transient(st) || st == NEWSIDX_NOMEM);
		return respond_error(s, c, x, http_status(st), msg);
	}
}

/* Collect the query-string parameters; a NUL inside one refuses it. */
struct params {
	struct cli_api_param *p;
	size_t n, cap;
	int bad;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind,
			       const char *key, size_t key_size,
			       const char *value, size_t value_size)
{
	struct params *ps = cls;

	if (strlen(key) != key_size ||
	    (value && strlen(value) != value_size) || ps->n == ps->cap) {
		ps->bad = 1;
		return MHD_NO;
	}
	ps->p[ps->n].key = key;
	ps->p[ps->n].value = value;
	ps->n++;
	return MHD_YES;
}

/* The first call for a request: route it, answer what needs no reader,
 * admit the rest. */
static enum MHD_Result begin(struct server *s, struct MHD_Connection *c,
			     struct exchange *x, const char *url,
			     const char *method)
{
	struct cli_api_param p[64];
	struct params ps = { p, 0, sizeof(p) / sizeof(p[0]), 0 };
	const struct cli_web_file *f = cli_web_find(&s->web, url);
	enum MHD_Result ret;

	if (f && (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
		return respond_file(c, x, f);
	if (f) {
		x->rq.allow = "GET, HEAD";
		return respond_error(s, c, x, 405,
				     "method not allowed; allowed: GET, HEAD");
	}
	MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect, &ps);
	if (ps.bad)
		return respond_error(s, c, x, 400,
				     "a parameter holds a NUL, or there are "
				     "more than 64");
	if (cli_api_route(&x->rq, method, url, p, ps.n, &s->lim))
		return respond_error(s, c, x, 503, "out of memory");
	if (x->rq.status)
		return respond_error(s, c, x, (unsigned)x->rq.status,
				     x->rq.error);
	if (x->rq.what == CLI_API_HEALTH)
		return respond(s, c, x, 200,
			       json_pack("{s:s, s:s}", "status", "ok",
					 "version", newsidx_version()));
	if (x->rq.what == CLI_API_POST && refuse_post(s, c, x, &ret))
		return ret;
	pthread_mutex_lock(&s->mu);
	if (s->admitted < s->max_requests) {
		s->admitted++;
		x->admitted = 1;
	}
	pthread_mutex_unlock(&s->mu);
	if (!x->admitted)
		return respond_error(s, c, x, 503,
				     "busy: too many requests at once; try "
				     "again");
	return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **ctx)
{
	struct server *s = cls;
	struct exchange *x = *ctx;

	if (!x) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
			c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		const struct sockaddr *sa = ci ? ci->client_addr : NULL;

		x = calloc(1, sizeof(*x));
		if (!x || !(x->path = strdup(url))) {
			free(x);
			return MHD_NO;
		}
		clock_gettime(CLOCK_MONOTONIC, &x->start);
		snprintf(x->method, sizeof(x->method), "%s", method);
		if (sa && sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
				  &((const struct sockaddr_in *)sa)->sin_addr,
				  x->client, sizeof(x->client));
		else if (sa && sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)sa)->sin6_addr,
				  x->client, sizeof(x->client));
		else
			strcpy(x->client, "-");
		pthread_mutex_lock(&s->mu);
		s->active++;
		pthread_mutex_unlock(&s->mu);
		*ctx = x;
		return begin(s, c, x, url, method);
	}
	if (*upload_size && x->rq.what == CLI_API_POST && !x->responded) {
		size_t n = *upload_size;

		*upload_size = 0;
		x->body += n;
		return take_upload(s, c, x, upload, n);
	}
	if (*upload_size) {
		/* The reads take no body: count it against the limit and
		 * drop it. */
		x->body += *upload_size;
		*upload_size = 0;
		if (x->body > s->max_request_bytes && !x->responded)
			return respond_error(s, c, x, 413,
					     "request body too large");
		return MHD_YES;
	}
	if (x->responded)
		return MHD_YES;
	return serve_request(s, c, x);
}

/* One access-log line: the request as it ended. */
static void log_request(struct server *s, const struct exchange *x)
{
	char when[32], *line = NULL;
	size_t len = 0;
	double ms = since(&x->start) * 1000;
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (s->log_json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:i, s:I, s:f}",
				      "time", when, "client", x->client,
				      "method", x->method, "path",
				      text_json(x->path), "status",
				      (int)x->status, "bytes",
				      (json_int_t)x->bytes, "ms", ms);

		char *body = o ? json_dumps(o, JSON_COMPACT |
						       JSON_REAL_PRECISION(4))
			       : NULL;

		json_decref(o);
		if (!body)
			return;
		len = strlen(body);
		line = realloc(body, len + 2);
		if (!line) {
			free(body);
			return;
		}
		line[len++] = '\n';
		line[len] = '\0';
	} else {
		f = open_memstream(&line, &len);
		if (!f)
			return;
		fprintf(f, "%s %s ", when, x->client);
		cli_puts(f, x->method);
		fputc(' ', f);
		cli_puts(f, x->path);
		fprintf(f, " %u %zu %.1fms\n", x->status, x->bytes, ms);
		if (fclose(f))
			return;
	}
	/* One write a line: stderr is unbuffered. */
	pthread_mutex_lock(&s->log_mu);
	fwrite(line, 1, len, stderr);
	fflush(stderr);
	pthread_mutex_unlock(&s->log_mu);
	free(line);
}

static void completed(void *cls, struct MHD_Connection *c, void **ctx,
		      enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct exchange *x = *ctx;

	if (!x)
		return;
	log_request(s, x);
	pthread_mutex_lock(&s->mu);
	if (x->admitted)
		s->admitted--;
	s->active--;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	cli_api_request_clear(&x->rq);
	free(x->upload);
	free(x->path);
	free(x);
	*ctx = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct server *s = cls;

	pthread_mutex_lock(&s->log_mu);
	fputs("newsidx: ", stderr);
	vfprintf(stderr, fmt, ap);
	pthread_mutex_unlock(&s->log_mu);
}

/* The address --listen names: ADDR:PORT, [ADDR6]:PORT, :PORT or PORT
 * (the last two on loopback).  *loopback says whether only this
 * machine can connect.  Returns 0, or -1 for a bad address. */
static int parse_listen(const char *arg, struct sockaddr_storage *ss,
			socklen_t *sslen, int *loopback)
{
	struct addrinfo hints, *ai = NULL;
	char host[256];
	const char *port = strrchr(arg, ':');
	size_t hlen;

	if (!port) {
		port = arg;
		hlen = 0;
	} else {
		hlen = (size_t)(port - arg);
		port++;
	}
	if (hlen >= sizeof(host) || !*port ||
	    strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atoi(port) > 65535)
		return -1;
	memcpy(host, arg, hlen);
	host[hlen] = '\0';
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		memmove(host, host + 1, hlen - 2);
		host[hlen - 2] = '\0';
	} else if (strchr(host, ':') || strchr(host, '[')) {
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (getaddrinfo(*host ? host : "127.0.0.1", port, &hints, &ai) || !ai)
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sslen = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		*loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else {
		const struct sockaddr_in6 *in6 =
			(const struct sockaddr_in6 *)ss;

		*loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return 0;
}

/* Parse a count option between lo and hi; 0 or an exit code. */
static int count_opt(const char *name, const char *v, size_t lo, size_t hi,
		     size_t *out)
{
	if (cli_parse_size(v, out) || *out < lo || *out > hi)
		return cli_usage_error("bad --%s '%s' (%zu to %zu)", name, v,
				       lo, hi);
	return 0;
}

/* The options; -1 to go on, else the exit code. */
static int parse_options(int argc, char **argv, struct server *s,
			 const char **listen)
{
	static const struct option longopts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "listen", required_argument, NULL, 'L' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-requests", required_argument, NULL, 'r' },
		{ "max-connections", required_argument, NULL, 'c' },
		{ "max-request-bytes", required_argument, NULL, 'b' },
		{ "max-query-bytes", required_argument, NULL, 'q' },
		{ "max-limit", required_argument, NULL, 'l' },
		{ "max-offset", required_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "search-time", required_argument, NULL, 'Q' },
		{ "cors", required_argument, NULL, 'C' },
		{ "log-json", no_argument, NULL, 'j' },
		{ "web-root", required_argument, NULL, 'W' },
		{ "token-file", required_argument, NULL, 'K' },
		{ "max-post-bytes", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	size_t n;
	int c, rc = 0;

	while (!rc && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			cli_index_dir = optarg;
			break;
		case 'L':
			*listen = optarg;
			break;
		case 't':
			rc = count_opt("threads", optarg, 1, 256, &n);
			s->threads = (unsigned)n;
			break;
		case 'r':
			rc = count_opt("max-requests", optarg, 1, 10000, &n);
			s->max_requests = (unsigned)n;
			break;
		case 'c':
			rc = count_opt("max-connections", optarg, 1, 10000,
				       &n);
			s->max_connections = (unsigned)n;
			break;
		case 'b':
			rc = count_opt("max-request-bytes", optarg, 4096,
				       (size_t)1 << 24, &s->max_request_bytes);
			break;
		case 'q':
			rc = count_opt("max-query-bytes", optarg, 16, 8192,
				       &s->lim.max_query_bytes);
			break;
		case 'l':
			rc = count_opt("max-limit", optarg, 1, 100000,
				       &s->lim.max_limit);
			break;
		case 'o':
			rc = count_opt("max-offset", optarg, 0, 10000000,
				       &s->lim.max_offset);
			break;
		case 'Q':
			if (cli_parse_seconds(optarg, &s->lim.search_time) ||
			    s->lim.search_time > 3600)
				rc = cli_usage_error("bad --search-time '%s' "
						     "(0 to 3600 seconds)",
						     optarg);
			break;
		case 'T':
			if (cli_parse_seconds(optarg, &s->timeout) ||
			    s->timeout < 1 || s->timeout > 3600)
				rc = cli_usage_error("bad --timeout '%s' (1 to "
						     "3600 seconds)",
						     optarg);
			break;
		case 'C':
			if (!*optarg || strpbrk(optarg, "\r\n"))
				rc = cli_usage_error("bad --cors '%s'", optarg);
			s->cors = optarg;
			break;
		case 'j':
			s->log_json = 1;
			break;
		case 'W':
			s->web_root = optarg;
			break;
		case 'K':
			s->token_file = optarg;
			break;
		case 'P':
			rc = count_opt("max-post-bytes", optarg, 1024,
				       (size_t)1 << 30, &s->max_post_bytes);
			break;
		case 'h':
			fputs(cli_usage_serve, stdout);
			return 0;
		default:
			return cli_usage_error("bad option; see 'newsidx help "
					       "serve'");
		}
	}
	if (rc)
		return rc;
	if (optind < argc)
		return cli_usage_error("serve takes no arguments");
	return -1;
}

/* Start the daemon on the address ss, which listen names; NULL after
 * saying why. */
static struct MHD_Daemon *start(struct server *s, const char *listen,
				struct sockaddr_storage *pss, int loopback)
{
	struct sockaddr_storage ss = *pss;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ITC |
			 MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	char host[INET6_ADDRSTRLEN] = "?";

	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	d = MHD_start_daemon(
		flags, 0, NULL, NULL, handle, s, MHD_OPTION_EXTERNAL_LOGGER,
		mhd_log, s, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT,
		s->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)ceil(s->timeout), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		s->max_request_bytes, MHD_OPTION_NOTIFY_COMPLETED, completed,
		s, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "newsidx: cannot listen on %s: %s\n", listen,
			strerror(errno ? errno : EADDRINUSE));
		return NULL;
	}
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host,
			  sizeof(host));
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
			  host, sizeof(host));
	fprintf(stderr, "newsidx: serving %s on http://%s%s%s:%u/\n",
		s->index, ss.ss_family == AF_INET6 ? "[" : "", host,
		ss.ss_family == AF_INET6 ? "]" : "",
		di ? (unsigned)di->port : 0);
	if (!loopback)
		fprintf(stderr, "newsidx: warning: %s is reachable from other "
				"machines; the API has no TLS and no "
				"authentication for reading: put a reverse "
				"proxy in front\n",
			host);
	fflush(stderr);
	return d;
}

/* Stop accepting, let admitted requests finish (for at most twice the
 * timeout), then stop. */
static void stop(struct server *s, struct MHD_Daemon *d)
{
	MHD_socket fd;
	struct timespec deadline;

	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	pthread_mutex_unlock(&s->mu);
	fd = MHD_quiesce_daemon(d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += (time_t)(2 * s->timeout) + 1;
	pthread_mutex_lock(&s->mu);
	while (s->active > 0)
		if (pthread_cond_timedwait(&s->cv, &s->mu, &deadline) ==
		    ETIMEDOUT)
			break;
	pthread_mutex_unlock(&s->mu);
	MHD_stop_daemon(d);
}

/* Read the web page's files.  The API works without them: a missing
 * default web root is a warning, a missing --web-root an error (-1). */
static int load_web(struct server *s)
{
	const char *root = cli_web_root(s->web_root);
	char err[600];

	if (!cli_web_load(&s->web, root, err, sizeof(err)))
		return 0;
	fputs(s->web_root ? "newsidx: " : "newsidx: warning: no web page: ",
	      stderr);
	cli_puts(stderr, err);
	fputc('\n', stderr);
	return s->web_root ? -1 : 0;
}

int cmd_serve(int argc, char **argv)
{
	struct server s;
	const char *listen = "127.0.0.1:8080";
	struct MHD_Daemon *d;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	sigset_t sigs;
	struct sockaddr_storage ss;
	socklen_t sslen;
	int loopback = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int rc, sig;
	unsigned i;

	memset(&s, 0, sizeof(s));
	s.threads = ncpu > 2 ? (unsigned)ncpu : 2;
	s.cores = ncpu > 1 ? (unsigned)ncpu : 1;
	s.max_requests = 64;
	s.max_connections = 256;
	s.max_request_bytes = 32768;
	s.lim.max_query_bytes = 8192;
	s.lim.max_limit = 100;
	s.lim.max_offset = 10000;
	s.lim.search_time = 5;
	s.timeout = 10;
	s.max_post_bytes = (size_t)8 << 20;
	rc = parse_options(argc, argv, &s, &listen);
	if (rc >= 0)
		return rc;
	if (s.token_file) {
		char err[600];

		if (cli_token_load(s.token_file, &s.token, err, sizeof(err))) {
			fprintf(stderr, "newsidx: ");
			cli_puts(stderr, err);
			fputc('\n', stderr);
			return EXIT_USAGE;
		}
	}
	if (parse_listen(listen, &ss, &sslen, &loopback))
		return cli_usage_error("bad --listen '%s' (ADDR:PORT, "
				       "[ADDR6]:PORT or PORT)",
				       listen);
	if (s.max_connections < s.max_requests)
		s.max_connections = s.max_requests;
	s.index = cli_index_path();
	/* Refuse at once an index that is not there or not readable. */
	{
		newsidx_open_options_t oo;

		cli_read_options(&oo);
		st = newsidx_db_open(&db, s.index, &oo);
		if (!st)
			st = newsidx_db_set_long_lived(db, 1);
	}
	if (st) {
		rc = cli_fail(st, db);
		newsidx_db_free(db);
		return rc;
	}
	if (cli_pool_init(&s.readers, s.threads, s.timeout)) {
		newsidx_db_free(db);
		return cli_fail(NEWSIDX_NOMEM, NULL);
	}
	cli_pool_add(&s.readers, db);
	/* A reader for each core is ready before the first request:
	 * opening one, and reading its tables, is no request's wait. */
	for (i = 1; i < s.threads && i < s.cores; i++) {
		newsidx_open_options_t oo;
		newsidx_db_t *more = NULL;

		cli_read_options(&oo);
		if (newsidx_db_open(&more, s.index, &oo) ||
		    newsidx_db_set_long_lived(more, 1)) {
			newsidx_db_free(more);
			break; /* opened when first needed, as before */
		}
		cli_pool_add(&s.readers, more);
	}
	if (load_web(&s)) {
		cli_pool_destroy(&s.readers, close_reader);
		free(s.token);
		return EXIT_USAGE;
	}
	pthread_mutex_init(&s.mu, NULL);
	pthread_mutex_init(&s.log_mu, NULL);
	pthread_cond_init(&s.cv, NULL);
	/* The signals are taken by sigwait() here, never by a thread of
	 * the daemon, which inherit this mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = start(&s, listen, &ss, loopback);
	rc = d ? 0 : 1;
	if (d) {
		do
			sig = 0;
		while (sigwait(&sigs, &sig) != 0);
		fprintf(stderr, "newsidx: %s: finishing requests, then "
				"stopping\n",
			sig == SIGINT ? "SIGINT" : "SIGTERM");
		stop(&s, d);
	}
	cli_pool_destroy(&s.readers, close_reader);
	free(s.token);
	cli_web_free(&s.web);
	pthread_cond_destroy(&s.cv);
	pthread_mutex_destroy(&s.mu);
	pthread_mutex_destroy(&s.log_mu);
	return rc;
}
