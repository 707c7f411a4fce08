/*
 * serve_route.c: what an HTTP request asks of the library.
 *
 * `newsidx serve` hands each request's method, decoded path and decoded
 * query-string parameters to cli_api_route(), which either describes the
 * library call to make (the endpoint, the query, the article id, the
 * search options) or the error to send: 404 for an unknown path, 405 for
 * a method the path does not take, 400 for a bad parameter.  It is the
 * one place where what a client sends is interpreted, and it neither
 * reads the index nor touches the file system, so its fuzz harness
 * (tests/fuzz/fuzz_serve.c) covers everything a hostile request can
 * steer.  The search parameters mirror the options of `newsidx search`;
 * the field filters (source=, place=, ...) become terms of the query
 * language, each value quoted as a phrase, so that a filter can never
 * add an operator of its own.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The facets by name, for search --facet and the API's facet=.  Here,
 * rather than beside the documents in json.c, so that this file links
 * on its own into its fuzz harness. */
const struct cli_facet cli_facets[] = {
	{ "source", NEWSIDX_FACET_SOURCE },   { "place", NEWSIDX_FACET_PLACE },
	{ "lang", NEWSIDX_FACET_LANG },       { "year", NEWSIDX_FACET_YEAR },
	{ "month", NEWSIDX_FACET_MONTH },     { "country", NEWSIDX_FACET_COUNTRY },
	{ "org", NEWSIDX_FACET_ORG },         { "person", NEWSIDX_FACET_PERSON },
	{ "topic", NEWSIDX_FACET_TOPIC },
};
const size_t cli_nfacets = sizeof(cli_facets) / sizeof(cli_facets[0]);

/* The field filters: the parameter and the query-language field. */
static const struct {
	const char *param, *field;
} filters[] = {
	{ "title", "title" },   { "source", "source" }, { "place", "place" },
	{ "author", "author" }, { "topic", "topic" },   { "url", "url" },
	{ "language", "lang" }, { "country", "country" }, { "org", "org" },
	{ "person", "person" },
};
#define NFILTERS (sizeof(filters) / sizeof(filters[0]))

static int refuse(struct cli_api_request *rq, int status, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));

/* Make rq an error to send; returns 0, as cli_api_route() does then. */
static int refuse(struct cli_api_request *rq, int status, const char *fmt,
		  ...)
{
	va_list ap;

	rq->status = status;
	va_start(ap, fmt);
	vsnprintf(rq->error, sizeof(rq->error), fmt, ap);
	va_end(ap);
	return 0;
}

/* Up to 40 bytes of s, what a client sent, for a message: control
 * characters become '?', so that the message stays one line.  buf
 * holds 48 bytes. */
static const char *shown(const char *s, char *buf)
{
	size_t i;

	for (i = 0; s[i] && i < 40; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?'
								     : s[i];
	buf[i] = '\0';
	return buf;
}

/* A parameter's value as a count no larger than max; -1 when it is not
 * one. */
static int parse_count(const char *v, size_t max, size_t *out)
{
	unsigned long long n;
	char *end;

	if (!v || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || n > max)
		return -1;
	*out = (size_t)n;
	return 0;
}

/* A boolean parameter: absent value, "", 1, true, yes, on are 1; 0,
 * false, no, off are 0; else -1. */
static int parse_bool(const char *v)
{
	static const char *const yes[] = { "", "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };
	size_t i;

	if (!v)
		return 1;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcmp(v, yes[i]) == 0)
			return 1;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcmp(v, no[i]) == 0)
			return 0;
	return -1;
}

/* Add the facets of a comma-separated list to *bits; -1 for an unknown
 * name, which is then in bad (of size badlen). */
static int parse_facets(const char *v, unsigned *bits, char *bad,
			size_t badlen)
{
	size_t k, len;

	while (v && *v) {
		len = strcspn(v, ",");
		for (k = 0; k < cli_nfacets; k++)
			if (strlen(cli_facets[k].name) == len &&
			    strncmp(cli_facets[k].name, v, len) == 0)
				break;
		if (len && k == cli_nfacets) {
			char part[48];

			snprintf(part, sizeof(part), "%.*s",
				 (int)(len < 40 ? len : 40), v);
			snprintf(bad, badlen, "%s", shown(part, part));
			return -1;
		}
		if (len)
			*bits |= cli_facets[k].bit;
		v += len;
		if (*v == ',')
			v++;
	}
	return 0;
}

/* 1 when s holds only characters of accept and is not empty. */
static int only(const char *s, const char *accept)
{
	return *s && strspn(s, accept) == strlen(s);
}

/* A query being put together, with a sticky error. */
struct qbuf {
	char *s;
	size_t len, cap;
	int nomem;
};

static void qadd(struct qbuf *b, const char *s, size_t n)
{
	char *p;

	if (b->nomem)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;

		p = realloc(b->s, cap);
		if (!p) {
			b->nomem = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void qputs(struct qbuf *b, const char *s)
{
	qadd(b, s, strlen(s));
}

/* The parameters a search takes; similar takes those marked so. */
enum { P_SEARCH = 1, P_SIMILAR = 2 };
static const struct {
	const char *name;
	int where;
} known[] = {
	{ "q", P_SEARCH },
	{ "limit", P_SEARCH | P_SIMILAR },
	{ "offset", P_SEARCH | P_SIMILAR },
	{ "sort", P_SEARCH },
	{ "facet", P_SEARCH | P_SIMILAR },
	{ "facets", P_SEARCH | P_SIMILAR },
	{ "from", P_SEARCH },
	{ "to", P_SEARCH },
	{ "since", P_SEARCH },
	{ "lang", P_SEARCH | P_SIMILAR },
	{ "all_copies", P_SEARCH | P_SIMILAR },
	{ "exact_count", P_SEARCH | P_SIMILAR },
	{ "snippets", P_SEARCH | P_SIMILAR },
	{ "snippet_words", P_SEARCH | P_SIMILAR },
	{ "recent", P_SEARCH },
	{ "feedback", P_SEARCH },
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

/* The filter index of a parameter name, or -1. */
static int filter_of(const char *key)
{
	size_t k;

	for (k = 0; k < NFILTERS; k++)
		if (strcmp(key, filters[k].param) == 0)
			return (int)k;
	return -1;
}

/* Refuse unknown and repeated parameters; a filter and facet may be
 * repeated.  Returns 0 when they are fine. */
static int check_params(struct cli_api_request *rq,
			const struct cli_api_param *params, size_t n,
			int where)
{
	size_t i, j, k;
	char buf[48];

	for (i = 0; i < n; i++) {
		const char *key = params[i].key;

		for (k = 0; k < NKNOWN; k++)
			if (strcmp(key, known[k].name) == 0)
				break;
		if (where == P_SEARCH && filter_of(key) >= 0)
			continue;
		if (k == NKNOWN || !(known[k].where & where)) {
			refuse(rq, 400, "unknown parameter '%s'",
			       shown(key, buf));
			return -1;
		}
		if (strcmp(key, "facet") == 0 || strcmp(key, "facets") == 0)
			continue;
		for (j = 0; j < i; j++)
			if (strcmp(key, params[j].key) == 0) {
				refuse(rq, 400, "parameter '%s' given twice",
				       shown(key, buf));
				return -1;
			}
	}
	return 0;
}

/* Apply one option parameter to rq->so; -1 after refusing it. */
static int apply_option(struct cli_api_request *rq, const char *key,
			const char *v, const struct cli_api_limits *lim)
{
	newsidx_search_options_t *so = &rq->so;
	char bad[48];
	size_t n;
	int b;

	if (strcmp(key, "limit") == 0) {
		/* 0: counts only, the totals and facets. */
		if (parse_count(v, lim->max_limit, &so->limit))
			return refuse(rq, 400, "bad limit: a number from 0 to "
					       "%zu",
				      lim->max_limit),
			       -1;
	} else if (strcmp(key, "offset") == 0) {
		if (parse_count(v, lim->max_offset, &so->offset))
			return refuse(rq, 400, "bad offset: a number from 0 "
					       "to %zu",
				      lim->max_offset),
			       -1;
	} else if (strcmp(key, "sort") == 0) {
		if (v && strcmp(v, "relevance") == 0)
			so->sort = NEWSIDX_SORT_RELEVANCE;
		else if (v && strcmp(v, "date") == 0)
			so->sort = NEWSIDX_SORT_OLDEST;
		else if (v && strcmp(v, "-date") == 0)
			so->sort = NEWSIDX_SORT_NEWEST;
		else
			return refuse(rq, 400, "bad sort: relevance, date or "
					       "-date"),
			       -1;
	} else if (strcmp(key, "facet") == 0 || strcmp(key, "facets") == 0) {
		if (parse_facets(v, &so->facets, bad, sizeof(bad)))
			return refuse(rq, 400, "bad facet '%s': " CLI_FACET_NAMES,
				      bad),
			       -1;
	} else if (strcmp(key, "lang") == 0) {
		if (!v || !only(v, "abcdefghijklmnopqrstuvwxyz") ||
		    strlen(v) > 12)
			return refuse(rq, 400, "bad lang: a language code "
					       "such as en"),
			       -1;
		free(rq->lang);
		rq->lang = strdup(v);
		so->lang = rq->lang;
		if (!rq->lang)
			return -1;
	} else if (strcmp(key, "snippet_words") == 0) {
		if (parse_count(v, 1000, &n) || n == 0)
			return refuse(rq, 400, "bad snippet_words: a number "
					       "from 1 to 1000"),
			       -1;
		so->snippet_words = (unsigned)n;
	} else if (strcmp(key, "recent") == 0) {
		if (parse_count(v ? v : "30", 100000, &n) || n == 0)
			return refuse(rq, 400, "bad recent: a half-life in "
					       "days, 1 to 100000"),
			       -1;
		so->recent_halflife = (double)n;
	} else if (strcmp(key, "feedback") == 0) {
		if (v && strcmp(v, "auto") == 0)
			so->feedback = 0;
		else if ((b = parse_bool(v)) < 0)
			return refuse(rq, 400, "bad feedback: on, off or "
					       "auto"),
			       -1;
		else
			so->feedback = b ? 1 : -1;
	} else if (strcmp(key, "all_copies") == 0 ||
		   strcmp(key, "exact_count") == 0 ||
		   strcmp(key, "snippets") == 0) {
		if ((b = parse_bool(v)) < 0)
			return refuse(rq, 400, "bad %s: true or false", key),
			       -1;
		if (key[0] == 'a')
			so->all_copies = b;
		else if (key[0] == 'e')
			so->exact_up_to = b ? SIZE_MAX : 0;
		else
			so->snippets = b;
	}
	return 0;
}

/* A filter's value is quoted as a phrase of its field: it may hold
 * neither a quote nor a control character, and must hold a word. */
static int filter_value_ok(const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	int word = 0;

	for (; *p; p++) {
		if (*p == '"' || *p < 0x20 || *p == 0x7f)
			return 0;
		if (*p != ' ')
			word = 1;
	}
	return word;
}

/* The query of a search: q, in parentheses when filters follow, then
 * each filter as FIELD:"VALUE" and the date bounds. */
static int build_query(struct cli_api_request *rq,
		       const struct cli_api_param *params, size_t n,
		       const struct cli_api_limits *lim)
{
	struct qbuf b = { NULL, 0, 0, 0 };
	const char *q = NULL, *from = "", *to = "", *since = NULL;
	size_t i, nfilters = 0;
	int f;

	for (i = 0; i < n; i++) {
		const char *k = params[i].key, *v = params[i].value;

		if (strcmp(k, "q") == 0)
			q = v;
		else if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0) {
			if (!v || !only(v, "0123456789-") || strlen(v) > 10)
				return refuse(rq, 400, "bad %s: a date "
						       "YYYY[-MM[-DD]]",
					      k);
			*(k[0] == 'f' ? &from : &to) = v;
			nfilters++;
		} else if (strcmp(k, "since") == 0) {
			if (!v || strlen(v) < 2 || strlen(v) > 8 ||
			    !only(v, "0123456789dwmy") ||
			    !strchr("dwmy", v[strlen(v) - 1]) ||
			    strspn(v, "0123456789") != strlen(v) - 1)
				return refuse(rq, 400, "bad since: a number "
						       "and d, w, m or y");
			since = v;
			nfilters++;
		} else if ((f = filter_of(k)) >= 0) {
			if (!v || !filter_value_ok(v))
				return refuse(rq, 400, "bad %s: some words "
						       "without quotes",
					      k);
			nfilters++;
		}
	}
	if (q && !*q)
		q = NULL;
	if (!q && !nfilters)
		return refuse(rq, 400, "missing q: the query");
	if (q && nfilters) {
		qputs(&b, "(");
		qputs(&b, q);
		qputs(&b, ")");
	} else if (q) {
		qputs(&b, q);
	}
	for (i = 0; i < n; i++) {
		if ((f = filter_of(params[i].key)) < 0)
			continue;
		qputs(&b, b.len ? " " : "");
		qputs(&b, filters[f].field);
		qputs(&b, ":\"");
		qputs(&b, params[i].value);
		qputs(&b, "\"");
	}
	if (*from || *to) {
		qputs(&b, b.len ? " date:" : "date:");
		qputs(&b, from);
		qputs(&b, "..");
		qputs(&b, to);
	}
	if (since) {
		qputs(&b, b.len ? " since:" : "since:");
		qputs(&b, since);
	}
	if (b.nomem) {
		free(b.s);
		return -1;
	}
	rq->query = b.s;
	if (b.len > lim->max_query_bytes)
		return refuse(rq, 400, "query of %zu bytes; at most %zu",
			      b.len, lim->max_query_bytes);
	return 0;
}

/* The search options of a search or similar request. */
static int read_options(struct cli_api_request *rq,
			const struct cli_api_param *params, size_t n,
			const struct cli_api_limits *lim, int where)
{
	size_t i;

	if (check_params(rq, params, n, where))
		return 0;
	for (i = 0; i < n; i++)
		if (apply_option(rq, params[i].key, params[i].value, lim))
			return rq->status ? 0 : -1;
	return 0;
}

/* Whether method is one a reading path takes; else a 405. */
static int reading(struct cli_api_request *rq, const char *method)
{
	char buf[48];

	rq->allow = "GET, HEAD";
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return 1;
	refuse(rq, 405, "method %s not allowed; allowed: %s",
	       shown(method, buf), rq->allow);
	return 0;
}

/* NEWSIDX_BY_* by name.  Here, with the periods, so that this file links
 * on its own into its fuzz harness. */
const char *const cli_trend_by_names[4] = { "day", "week", "month", "year" };

int cli_trend_by(const char *s)
{
	int i;

	for (i = 0; s && i < 4; i++)
		if (strcmp(s, cli_trend_by_names[i]) == 0)
			return i;
	return -1;
}

int cli_trend_period(const char *range, const char **from, const char **to,
		     char *buf, size_t cap)
{
	const char *dots = strstr(range, "..");

	if (strlen(range) >= cap)
		return -1;
	memcpy(buf, range, strlen(range) + 1);
	if (!dots) {
		*from = *to = buf;
		return *buf ? 0 : -1;
	}
	buf[dots - range] = '\0';
	*from = *buf ? buf : NULL;
	*to = buf[dots - range + 2] ? buf + (dots - range) + 2 : NULL;
	return *from || *to ? 0 : -1;
}

/* The parameters GET /api/trend takes; the same as `newsidx trend`. */
static const char *const trend_params[] = { "q",     "by",   "facet",
					    "top",   "from", "to",
					    "lang",  "terms", "period",
					    "max" };
#define NTREND (sizeof(trend_params) / sizeof(trend_params[0]))

/* One trend parameter into rq->trend; -1 after refusing it. */
static int trend_param(struct cli_api_request *rq, const char *k,
		       const char *v, char **at)
{
	newsidx_trend_options_t *o = &rq->trend;
	size_t n, left = sizeof(rq->dates) - (size_t)(*at - rq->dates);
	int b;

	if (strcmp(k, "q") == 0)
		return 0;
	if (!v && strcmp(k, "terms") != 0)
		return refuse(rq, 400, "%s needs a value", k), -1;
	if (strcmp(k, "by") == 0) {
		if ((o->by = cli_trend_by(v)) < 0)
			return refuse(rq, 400, "bad by: day, week, month or "
					       "year"),
			       -1;
	} else if (strcmp(k, "facet") == 0) {
		unsigned bits = 0;
		char bad[48];

		if (parse_facets(v, &bits, bad, sizeof(bad)) || !bits ||
		    (bits & (bits - 1)) ||
		    (bits & (NEWSIDX_FACET_YEAR | NEWSIDX_FACET_MONTH)))
			return refuse(rq, 400, "bad facet: one of country, "
					       "place, org, person, topic, "
					       "source or lang"),
			       -1;
		o->facet = bits;
	} else if (strcmp(k, "top") == 0 || strcmp(k, "max") == 0) {
		if (parse_count(v, k[0] == 't' ? 100 : 1000, &n) || n == 0)
			return refuse(rq, 400, "bad %s: a number from 1 to "
					       "%d",
				      k, k[0] == 't' ? 100 : 1000),
			       -1;
		*(k[0] == 't' ? &o->top : &o->max_terms) = n;
	} else if (strcmp(k, "lang") == 0) {
		if (!only(v, "abcdefghijklmnopqrstuvwxyz") || strlen(v) > 12 ||
		    !*v)
			return refuse(rq, 400, "bad lang: a language code "
					       "such as en"),
			       -1;
		free(rq->lang);
		rq->lang = strdup(v);
		o->lang = rq->lang;
		if (!rq->lang)
			return -1;
	} else if (strcmp(k, "terms") == 0) {
		if ((b = parse_bool(v)) < 0)
			return refuse(rq, 400, "bad terms: true or false"), -1;
		o->terms = b;
	} else {
		/* from, to, period: dates, copied into rq->dates; the
		 * library checks them. */
		if (!only(v, "0123456789-.") || strlen(v) + 1 > left ||
		    strlen(v) > 22)
			return refuse(rq, 400, "bad %s: a date YYYY[-MM[-DD]]%s",
				      k, k[0] == 'p' ? " or a range A..B" : ""),
			       -1;
		memcpy(*at, v, strlen(v) + 1);
		if (k[0] == 'p') {
			if (cli_trend_period(v, &o->from, &o->to, *at,
					     left))
				return refuse(rq, 400, "bad period: a date "
						       "or a range A..B"),
				       -1;
		} else if (strchr(v, '.')) {
			return refuse(rq, 400, "bad %s: a date YYYY[-MM[-DD]]",
				      k),
			       -1;
		} else {
			*(k[0] == 'f' ? &o->from : &o->to) = *at;
		}
		*at += strlen(v) + 1;
	}
	return 0;
}

/* GET /api/trend: the query and the trend options. */
static int route_trend(struct cli_api_request *rq,
		       const struct cli_api_param *params, size_t n,
		       const struct cli_api_limits *lim)
{
	const newsidx_trend_options_t init = NEWSIDX_TREND_OPTIONS_INIT;
	char *at = rq->dates, buf[48];
	const char *q = NULL;
	size_t i, j, k;

	rq->trend = init;
	for (i = 0; i < n; i++) {
		for (k = 0; k < NTREND; k++)
			if (strcmp(params[i].key, trend_params[k]) == 0)
				break;
		if (k == NTREND)
			return refuse(rq, 400, "unknown parameter '%s'",
				      shown(params[i].key, buf));
		for (j = 0; j < i; j++)
			if (strcmp(params[i].key, params[j].key) == 0)
				return refuse(rq, 400, "parameter '%s' given "
						       "twice",
					      shown(params[i].key, buf));
		if (k == 0)
			q = params[i].value;
		if (trend_param(rq, params[i].key, params[i].value, &at))
			return rq->status ? 0 : -1;
	}
	if (!q || !*q)
		return refuse(rq, 400, "missing q: the query");
	if (rq->trend.terms && !rq->trend.from && !rq->trend.to)
		return refuse(rq, 400, "terms need a period (or from, to)");
	if (strlen(q) > lim->max_query_bytes)
		return refuse(rq, 400, "query of %zu bytes; at most %zu",
			      strlen(q), lim->max_query_bytes);
	rq->query = strdup(q);
	return rq->query ? 0 : -1;
}

int cli_api_route(struct cli_api_request *rq, const char *method,
		  const char *path, const struct cli_api_param *params,
		  size_t n, const struct cli_api_limits *lim)
{
	static const char articles[] = "/api/articles/",
			  similar[] = "/similar";
	const newsidx_search_options_t init = NEWSIDX_SEARCH_OPTIONS_INIT;
	char buf[48];
	size_t len;

	memset(rq, 0, sizeof(*rq));
	rq->so = init;
	rq->so.time_limit = lim ? lim->search_time : 0;
	if (strcmp(path, "/healthz") == 0) {
		rq->what = CLI_API_HEALTH;
		if (reading(rq, method) && n)
			refuse(rq, 400, "/healthz takes no parameters");
		return 0;
	}
	if (strcmp(path, "/api/stats") == 0) {
		rq->what = CLI_API_STATS;
		if (reading(rq, method) && n)
			refuse(rq, 400, "/api/stats takes no parameters");
		return 0;
	}
	if (strcmp(path, "/api/trend") == 0) {
		rq->what = CLI_API_TREND;
		if (!reading(rq, method))
			return 0;
		return route_trend(rq, params, n, lim);
	}
	if (strcmp(path, "/api/search") == 0) {
		rq->what = CLI_API_SEARCH;
		if (!reading(rq, method))
			return 0;
		if (read_options(rq, params, n, lim, P_SEARCH))
			return -1;
		if (rq->status)
			return 0;
		return build_query(rq, params, n, lim);
	}
	if (strcmp(path, "/api/articles") == 0) {
		rq->what = CLI_API_POST;
		rq->allow = "POST";
		if (strcmp(method, "POST") != 0)
			refuse(rq, 405, "method %s not allowed; allowed: POST",
			       shown(method, buf));
		else if (n)
			refuse(rq, 400, "POST /api/articles takes no "
					"parameters");
		return 0;
	}
	if (strncmp(path, articles, sizeof(articles) - 1) != 0 ||
	    !path[sizeof(articles) - 1])
		return refuse(rq, 404, "no such path; the API has /api/search, "
				       "/api/articles (POST), /api/articles/ID, "
				       "/api/articles/ID/similar, /api/stats, "
				       "/api/trend and /healthz");
	/* Ids may hold slashes (a URL, a file's path): the id is all that
	 * follows /api/articles/, bar a final /similar. */
	path += sizeof(articles) - 1;
	len = strlen(path);
	rq->what = CLI_API_ARTICLE;
	if (len > sizeof(similar) - 1 &&
	    strcmp(path + len - (sizeof(similar) - 1), similar) == 0) {
		rq->what = CLI_API_SIMILAR;
		len -= sizeof(similar) - 1;
	}
	if (len > lim->max_query_bytes)
		return refuse(rq, 400, "id of %zu bytes; at most %zu", len,
			      lim->max_query_bytes);
	rq->id = strndup(path, len);
	if (!rq->id)
		return -1;
	if (!reading(rq, method))
		return 0;
	if (rq->what == CLI_API_ARTICLE) {
		if (n)
			refuse(rq, 400, "/api/articles/ID takes no "
					"parameters");
		return 0;
	}
	if (read_options(rq, params, n, lim, P_SIMILAR))
		return -1;
	if (rq->status)
		return 0;
	len = strlen(rq->id) + sizeof("similar:");
	rq->query = malloc(len);
	if (!rq->query)
		return -1;
	snprintf(rq->query, len, "similar:%s", rq->id);
	return 0;
}

void cli_api_request_clear(struct cli_api_request *rq)
{
	free(rq->query);
	free(rq->id);
	free(rq->lang);
	rq->query = rq->id = rq->lang = NULL;
	rq->so.lang = NULL;
}
