/*
 * cli.h: what the files of the newsidx command share.  The command uses
 * only the public header newsidx.h; this is its own small toolbox.
 */
#ifndef NEWSIDX_CLI_H
#define NEWSIDX_CLI_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "newsidx.h"

#define EXIT_USAGE 2
#define EXIT_REJECTED 65
#define EXIT_NOINPUT 66
/* check cannot open the index's tables as Xapian's check must (EX_IOERR) */
#define EXIT_CANNOT_CHECK 74
#define EXIT_LOCKED 75

/* --index DIR, as given before or after the command. */
extern const char *cli_index_dir;

extern const char cli_usage_main[], cli_usage_index[], cli_usage_search[],
	cli_usage_stats[], cli_usage_check[], cli_usage_compact[],
	cli_usage_rebuild[], cli_usage_reshard[], cli_usage_delete[], cli_usage_similar[],
	cli_usage_show[], cli_usage_serve[], cli_usage_trend[],
	cli_usage_watch[];

/* The one place where statuses become exit codes. */
int cli_exit_code(newsidx_status_t st);

/* Print "newsidx: MESSAGE" and a hint; returns the usage exit code. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the handle's message (or the status text); returns the exit code. */
int cli_fail(newsidx_status_t st, newsidx_db_t *db);

/* Write len bytes of text that did not come from the command itself
 * (articles, file names, arguments, library messages) with control
 * characters shown as \xHH or \u00HH escapes; lines: keep newlines. */
void cli_write(FILE *f, const char *s, size_t len, int lines);

/* cli_write() of a one-line string. */
void cli_puts(FILE *f, const char *s);

/* The index directory: --index, else $NEWSIDX_INDEX, else ./index. */
const char *cli_index_path(void);

/* The global --partial and --shard-timeout, for a set of shards. */
extern int cli_partial;
extern double cli_shard_timeout;

/* When the index path names a set of shards (a stub file: the library's
 * rule), print that command applies to each shard alone and return the
 * usage exit code; else -1. */
int cli_refuse_set(const char *command);

/* Read-only open options carrying --partial and --shard-timeout. */
void cli_read_options(newsidx_open_options_t *oo);

/* Open the index (or set of shards) to read it. */
newsidx_status_t cli_open_reader(newsidx_db_t **db);

/* Warn on stderr of each shard missing from the last search, naming it;
 * the results came from the others. */
void cli_warn_missing(newsidx_db_t *db);

int cli_parse_size(const char *s, size_t *out);
int cli_parse_seconds(const char *s, double *out);

int cmd_index(int argc, char **argv);
int cmd_rebuild(int argc, char **argv);
int cmd_reshard(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_similar(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_compact(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_trend(int argc, char **argv);
int cmd_watch(int argc, char **argv);

/* ---- cmd_watch.c: the watches, as watch list and stats show them --- */

/* The watches as a JSON array (NULL when out of memory). */
json_t *cli_watches_json(const newsidx_watches_t *w);
/* Add the index's last sequence and its watches to a stats document,
 * as stats --json and the server's /api/stats give them. */
newsidx_status_t cli_stats_add_watches(json_t *o, newsidx_db_t *db);
/* The watches as text, two lines each. */
void cli_watches_print(FILE *f, const newsidx_watches_t *w);

/* ---- json.c: the JSON documents the commands print and serve sends -- */

/* The facets by name, in the order the documents list them (defined in
 * serve_route.c). */
struct cli_facet {
	const char *name;
	unsigned bit; /* NEWSIDX_FACET_* */
};
extern const struct cli_facet cli_facets[];
#define CLI_FACET_NAMES                                                      \
	"country, place, org, person, topic, source, lang, year or month"
extern const size_t cli_nfacets;

/* One hit, as in search's "hits" and each line of --jsonl. */
json_t *cli_hit_json(const newsidx_hit_t *h);
/* A page of results (search and similar --json); query is what the
 * document names as the query, so the options that were asked. */
/* The shards of a set missing from its last search, as a JSON array of
 * {"shard": stub line, "error": why}; empty when none is. */
json_t *cli_missing_json(const newsidx_db_t *db);
/* The stub lines of the shards of a partitioned index that the last
 * search left out (its dates could not match them). */
json_t *cli_skipped_json(const newsidx_db_t *db);

/* The shards of a set, as a JSON array of {"shard", "where", "remote",
 * "articles", "error"} (error null for a shard in use). */
json_t *cli_shards_json(newsidx_db_t *db);

json_t *cli_results_json(const newsidx_results_t *r, const char *query,
			 const newsidx_search_options_t *so);
/* A whole article (show --json). */
json_t *cli_article_json(const newsidx_article_t *art);
/* The description of the index (stats --json). */
json_t *cli_info_json(const newsidx_info_t *info);

/* ---- serve_route.c: what an HTTP request asks of the library -------- */

enum cli_api {
	CLI_API_HEALTH = 1, /* GET /healthz */
	CLI_API_SEARCH,     /* GET /api/search */
	CLI_API_ARTICLE,    /* GET /api/articles/{id} */
	CLI_API_SIMILAR,    /* GET /api/articles/{id}/similar */
	CLI_API_STATS,      /* GET /api/stats */
	CLI_API_POST,       /* POST /api/articles */
	CLI_API_TREND       /* GET /api/trend */
};

/* What a request may ask for; the server's options. */
struct cli_api_limits {
	size_t max_query_bytes; /* of the query, its filters added */
	size_t max_limit;       /* hits in a page */
	size_t max_offset;      /* hits skipped */
	double search_time;     /* seconds a search examines matches;
				   0: no limit */
};

/* One decoded query-string parameter; value is NULL for "?key". */
struct cli_api_param {
	const char *key, *value;
};

/* A request turned into a library call, or into an error to send. */
struct cli_api_request {
	enum cli_api what;
	char *query; /* search: q with the filters; similar: "similar:ID" */
	char *id;    /* article and similar: the article's id */
	char *lang;  /* the language of the query words, or NULL */
	newsidx_search_options_t so; /* so.lang points at lang */
	int status;  /* 0, or the HTTP status of the error to send */
	const char *allow; /* the methods the path takes (for a 405) */
	char error[320];   /* the error message: one line */
	/* trend: the options; from and to point into dates */
	newsidx_trend_options_t trend;
	char dates[64];
};

/*
 * Route a request: method, the path (percent-decoded, without the query
 * string) and the n decoded parameters of its query string become *rq,
 * for the server to run.  On a bad request rq->status is 400, 404 or 405
 * and rq->error says why; 0 is returned either way, -1 only when memory
 * ran out.  Touches neither the index nor the file system, so that
 * whatever a client sends can only be refused here.  Free with
 * cli_api_request_clear().
 */
int cli_api_route(struct cli_api_request *rq, const char *method,
		  const char *path, const struct cli_api_param *params,
		  size_t n, const struct cli_api_limits *lim);

/* ---- trends: cmd_trend.c, and serve_route.c for what a request may
 * ask (the names of periods and their parsing) ---------------------- */

/* "day", "week", "month", "year" by NEWSIDX_BY_*. */
extern const char *const cli_trend_by_names[4];
/* NEWSIDX_BY_* of "day", "week", "month" or "year"; -1 for none. */
int cli_trend_by(const char *s);
/* A period "DATE" or "DATE..DATE" (either side may be empty) copied into
 * buf (cap bytes) and split into *from and *to (NULL when open); -1 when
 * it does not fit or names no date. */
int cli_trend_period(const char *range, const char **from, const char **to,
		     char *buf, size_t cap);
/* The facet's name ("country") of a NEWSIDX_FACET_* bit, or NULL. */
const char *cli_facet_name(unsigned bit);
/* The document of trend --json and GET /api/trend. */
json_t *cli_trend_json(const newsidx_trend_t *t, const char *query,
		       const newsidx_trend_options_t *o);
/* Run the trend a routed request asks for, into *doc. */
newsidx_status_t cli_api_trend(newsidx_db_t *db,
			       const struct cli_api_request *rq,
			       json_t **doc);

/* Free what cli_api_route() allocated in rq. */
void cli_api_request_clear(struct cli_api_request *rq);

/* ---- serve.c -------------------------------------------------------- */

/* {"error": msg, "status": status}; msg need not be UTF-8. */
json_t *cli_error_json(unsigned status, const char *msg);

/* ---- serve_pool.c: readers lent in the order they were asked for ---- */

struct cli_pool_waiter;

/* At most max items, idle or lent; requests wait for one in a queue. */
struct cli_pool {
	pthread_mutex_t mu;
	void **idle;             /* items not lent out */
	size_t nidle, nopen;     /* idle ones; all, lent or idle, and
				    slots being opened */
	size_t max, lent, waiting;
	double timeout;          /* seconds a request waits at most */
	struct cli_pool_waiter *queue, *tail;
};

/* A pool of at most max items, none open yet; -1 out of memory. */
int cli_pool_init(struct cli_pool *p, size_t max, double timeout);
/* Close the idle items; the pool must have none lent. */
void cli_pool_destroy(struct cli_pool *p, void (*close)(void *));
/* Add an item opened beforehand, as idle. */
void cli_pool_add(struct cli_pool *p, void *item);
/* Take an item, waiting behind the requests that asked first, for at
 * most the pool's timeout: 0 when none came.  1: *item is the item, or
 * NULL when the caller is to open one in the slot it was given (and
 * give it, or NULL if the opening failed, back).  *load (may be NULL):
 * the requests holding or waiting for an item, this one included. */
int cli_pool_take(struct cli_pool *p, void **item, size_t *load);
/* Give back what cli_pool_take() lent: item, or NULL when it could not
 * be opened; drop: close it (with close) rather than lend it again.
 * The request waiting longest gets it, or its slot. */
void cli_pool_give(struct cli_pool *p, void *item, int drop,
		   void (*close)(void *));
/* How many requests wait. */
size_t cli_pool_waiting(struct cli_pool *p);

/* ---- serve_static.c: the files of the web page ---------------------- */

#define CLI_WEB_NFILES 4

/* One file of the page, read when the server starts. */
struct cli_web_file {
	const char *path; /* what a request names: "/", "/app.js" */
	const char *type; /* its Content-Type */
	char *body;
	size_t len;
	char etag[24]; /* a quoted hash of body */
};

struct cli_web {
	struct cli_web_file files[CLI_WEB_NFILES];
	int loaded;
};

/* The web root: given (--web-root) when not NULL, else the installed
 * one when it holds index.html, else the source tree's. */
const char *cli_web_root(const char *given);
/* Read the page's files from root; -1 with a one-line err. */
int cli_web_load(struct cli_web *w, const char *root, char *err,
		 size_t errlen);
/* The file a request path names, or NULL; borrowed from w. */
const struct cli_web_file *cli_web_find(const struct cli_web *w,
					const char *path);
void cli_web_free(struct cli_web *w);

/* ---- serve_post.c: POST /api/articles ------------------------------- */

enum cli_post_kind { CLI_POST_NONE, CLI_POST_JSONL, CLI_POST_FEED };

/* Read the token of --token-file into *token (free it); -1 with a
 * one-line err when the file cannot be read, others may read it, or it
 * holds no token of 16 characters or more. */
int cli_token_load(const char *file, char **token, char *err,
		   size_t errlen);
/* 1 when the Authorization header authorization is "Bearer TOKEN"; the
 * comparison takes the same time wherever the two differ. */
int cli_token_ok(const char *token, const char *authorization);
/* The kind of body a Content-Type names, or CLI_POST_NONE. */
enum cli_post_kind cli_post_kind(const char *content_type);
/* Index a body of the kind given into the index at index, waiting at
 * most wait seconds for the writer lock; the response document, its
 * HTTP status in *status.  Writes are serialised. */
json_t *cli_post_articles(const char *index, enum cli_post_kind kind,
			  const char *body, size_t len, double wait,
			  unsigned *status);

#endif
