/*
 * cli.h: what the files of the newsidx command share.  The command uses
 * only the public header newsidx.h; this is its own small toolbox.
 */
#ifndef NEWSIDX_CLI_H
#define NEWSIDX_CLI_H

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
	cli_usage_rebuild[], cli_usage_delete[], cli_usage_similar[],
	cli_usage_show[], cli_usage_serve[], cli_usage_watch[];

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

int cli_parse_size(const char *s, size_t *out);
int cli_parse_seconds(const char *s, double *out);

int cmd_index(int argc, char **argv);
int cmd_rebuild(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_similar(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_compact(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_serve(int argc, char **argv);
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
extern const size_t cli_nfacets;

/* One hit, as in search's "hits" and each line of --jsonl. */
json_t *cli_hit_json(const newsidx_hit_t *h);
/* A page of results (search and similar --json); query is what the
 * document names as the query, so the options that were asked. */
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
	CLI_API_STATS       /* GET /api/stats */
};

/* What a request may ask for; the server's options. */
struct cli_api_limits {
	size_t max_query_bytes; /* of the query, its filters added */
	size_t max_limit;       /* hits in a page */
	size_t max_offset;      /* hits skipped */
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

/* Free what cli_api_route() allocated in rq. */
void cli_api_request_clear(struct cli_api_request *rq);

#endif
