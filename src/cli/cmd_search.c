/*
 * cmd_search.c: `newsidx search`: runs a query through the library and
 * renders the hits as text for people (marks in bold on a terminal,
 * [brackets] elsewhere) or as one JSON document for programs.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

struct style {
	const char *mark_on, *mark_off, *title_on, *title_off, *dim_on,
		*dim_off;
};

/* Show a path relative to the current directory when it is below it. */
static const char *display_path(const char *path, const char *cwd)
{
	size_t n = strlen(cwd);

	if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

static void print_snippet(const newsidx_hit_t *h, const struct style *s)
{
	size_t at = 0, i;

	fputs("   ", stdout);
	for (i = 0; i < h->nhighlights; i++) {
		size_t b = h->highlights[2 * i], e = h->highlights[2 * i + 1];

		fwrite(h->snippet + at, 1, b - at, stdout);
		fputs(s->mark_on, stdout);
		fwrite(h->snippet + b, 1, e - b, stdout);
		fputs(s->mark_off, stdout);
		at = e;
	}
	fputs(h->snippet + at, stdout);
	fputc('\n', stdout);
}

static void print_text(const newsidx_results_t *r, const char *query,
		       int snippets)
{
	struct style plain = { "[", "]", "", "", "", "" };
	struct style tty = { "\033[1;33m", "\033[0m", "\033[1m", "\033[0m",
			     "\033[2m", "\033[0m" };
	const char *nc = getenv("NO_COLOR");
	const struct style *s =
		isatty(1) && !(nc && *nc) ? &tty : &plain;
	char cwd[4096];
	size_t i, total = newsidx_results_total(r);

	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	if (newsidx_results_relaxed(r))
		printf("No article has all the words of %s; showing articles "
		       "with any of them.\n",
		       query);
	printf("%zu article%s match%s\n", total, total == 1 ? "" : "s",
	       total == 1 ? "es" : "");
	for (i = 0; i < newsidx_results_count(r); i++) {
		const newsidx_hit_t *h = newsidx_results_hit(r, i);
		const char *sep = "";

		printf("\n%zu. %s%s%s\n", h->rank, s->title_on,
		       *h->title ? h->title : "(untitled)", s->title_off);
		printf("   %s", s->dim_on);
		if (*h->date) {
			printf("%.10s", h->date);
			sep = " | ";
		}
		if (*h->place) {
			printf("%s%s", sep, h->place);
			sep = " | ";
		}
		if (*h->source) {
			printf("%s%s", sep, h->source);
			sep = " | ";
		}
		printf("%s%s", sep,
		       *h->url ? h->url : display_path(h->path, cwd));
		printf("  (score %.2f)%s\n", h->score, s->dim_off);
		if (snippets && *h->snippet)
			print_snippet(h, s);
	}
}

/* JSON readers index strings by code point, not by byte. */
static json_int_t codepoints(const char *s, size_t bytes)
{
	json_int_t n = 0;
	size_t i;

	for (i = 0; i < bytes; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static int add_str(json_t *o, const char *k, const char *v)
{
	return json_object_set_new(o, k, json_string(v ? v : ""));
}

static int print_json(const newsidx_results_t *r, const char *query,
		      const newsidx_search_options_t *so)
{
	json_t *doc = json_object(), *hits = json_array();
	size_t i;
	int err = !doc || !hits;

	err |= add_str(doc, "query", query);
	err |= json_object_set_new(doc, "total",
				   json_integer((json_int_t)
							newsidx_results_total(r)));
	err |= json_object_set_new(doc, "offset",
				   json_integer((json_int_t)so->offset));
	err |= json_object_set_new(doc, "limit",
				   json_integer((json_int_t)so->limit));
	err |= json_object_set_new(doc, "relaxed",
				   json_boolean(newsidx_results_relaxed(r)));
	for (i = 0; !err && i < newsidx_results_count(r); i++) {
		const newsidx_hit_t *h = newsidx_results_hit(r, i);
		json_t *o = json_object(), *hl = json_array();
		size_t k;

		err |= !o || !hl;
		err |= add_str(o, "id", h->id);
		err |= json_object_set_new(o, "rank",
					   json_integer((json_int_t)h->rank));
		err |= json_object_set_new(o, "score", json_real(h->score));
		err |= add_str(o, "title", h->title);
		err |= add_str(o, "date", h->date);
		err |= add_str(o, "place", h->place);
		err |= add_str(o, "source", h->source);
		err |= add_str(o, "path", h->path);
		err |= add_str(o, "url", h->url);
		err |= add_str(o, "lang", h->lang);
		err |= add_str(o, "snippet", h->snippet);
		for (k = 0; !err && k < h->nhighlights; k++) {
			json_t *pair = json_pack(
				"[II]",
				codepoints(h->snippet, h->highlights[2 * k]),
				codepoints(h->snippet,
					   h->highlights[2 * k + 1]));

			err |= json_array_append_new(hl, pair);
		}
		err |= json_object_set_new(o, "highlights", hl);
		err |= json_array_append_new(hits, o);
	}
	err |= json_object_set_new(doc, "hits", hits);
	if (!err)
		err = json_dumpf(doc, stdout, JSON_INDENT(2)) ||
		      fputc('\n', stdout) == EOF;
	json_decref(doc);
	return err;
}

/* Apply one search option; returns 0, -1 after printing help, or an
 * exit code for a bad value. */
static int search_option(int c, const char *optarg,
			 newsidx_search_options_t *so, int *json, int *explain)
{
	size_t n;

	switch (c) {
	case 'i':
		cli_index_dir = optarg;
		break;
	case 'n':
		if (cli_parse_size(optarg, &so->limit) || so->limit == 0 ||
		    so->limit > 100000)
			return cli_usage_error("bad --limit '%s'", optarg);
		break;
	case 'o':
		if (cli_parse_size(optarg, &so->offset))
			return cli_usage_error("bad --offset '%s'", optarg);
		break;
	case 's':
		if (strcmp(optarg, "relevance") == 0)
			so->sort = NEWSIDX_SORT_RELEVANCE;
		else if (strcmp(optarg, "date") == 0)
			so->sort = NEWSIDX_SORT_OLDEST;
		else if (strcmp(optarg, "-date") == 0)
			so->sort = NEWSIDX_SORT_NEWEST;
		else
			return cli_usage_error("bad --sort '%s' (relevance, date "
					   "or -date)",
					   optarg);
		break;
	case 'j':
		*json = 1;
		break;
	case 'S':
		so->snippets = 0;
		break;
	case 'w':
		if (cli_parse_size(optarg, &n) || n == 0 || n > 1000)
			return cli_usage_error("bad --snippet-words '%s'", optarg);
		so->snippet_words = (unsigned)n;
		break;
	case 'l':
		so->lang = optarg;
		break;
	case 'e':
		*explain = 1;
		break;
	case 'h':
		fputs(cli_usage_search, stdout);
		return -1;
	}
	return 0;
}

int cmd_search(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "limit", required_argument, NULL, 'n' },
		{ "offset", required_argument, NULL, 'o' },
		{ "sort", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-snippets", no_argument, NULL, 'S' },
		{ "snippet-words", required_argument, NULL, 'w' },
		{ "lang", required_argument, NULL, 'l' },
		{ "explain", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_db_t *db = NULL;
	newsidx_results_t *r = NULL;
	newsidx_status_t st;
	char *query = NULL;
	char **words;
	size_t qlen = 0;
	int json = 0, explain = 0, i, nq, rc = 0;

	/*
	 * Options may come before or after the query, but a single-dash word
	 * such as -china is the query's NOT, so getopt's permutation cannot
	 * be used: long options are matched by hand, and "--" ends them.
	 */
	nq = 0;
	words = calloc((size_t)argc + 1, sizeof(*words));
	if (!words)
		return cli_fail(NEWSIDX_NOMEM, NULL);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const struct option *o;
		size_t alen;

		if (strcmp(a, "--") == 0) {
			while (++i < argc)
				words[nq++] = argv[i];
			break;
		}
		if (strcmp(a, "-n") == 0) {
			a = "--limit";
		} else if (strcmp(a, "-h") == 0) {
			a = "--help";
		} else if (strncmp(a, "--", 2) != 0) {
			words[nq++] = argv[i];
			continue;
		}
		alen = strcspn(a + 2, "=");
		for (o = longopts; o->name; o++)
			if (strlen(o->name) == alen &&
			    strncmp(o->name, a + 2, alen) == 0)
				break;
		if (!o->name) {
			free(words);
			return cli_usage_error("unknown option '%s' for search; "
					   "see 'newsidx help search'",
					   argv[i]);
		}
		if (o->has_arg == required_argument) {
			if (a[2 + alen] == '=')
				val = a + 3 + alen;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				free(words);
				return cli_usage_error("option '--%s' needs a "
						   "value",
						   o->name);
			}
		}
		rc = search_option(o->val, val, &so, &json, &explain);
		if (rc) {
			free(words);
			return rc < 0 ? 0 : rc;
		}
	}
	if (nq == 0) {
		free(words);
		return cli_usage_error("search needs a QUERY");
	}
	for (i = 0; i < nq; i++)
		qlen += strlen(words[i]) + 1;
	query = malloc(qlen + 1);
	if (!query) {
		free(words);
		return cli_fail(NEWSIDX_NOMEM, NULL);
	}
	query[0] = '\0';
	for (i = 0; i < nq; i++) {
		if (i > 0)
			strcat(query, " ");
		strcat(query, words[i]);
	}
	free(words);
	st = newsidx_db_open(&db, cli_index_path(), NULL);
	if (!st && explain) {
		char *ex = NULL;

		st = newsidx_query_explain(db, query, &so, &ex);
		if (!st)
			fputs(ex, json ? stderr : stdout);
		newsidx_free(ex);
	}
	if (!st)
		st = newsidx_search(&r, db, query, &so);
	if (st) {
		rc = cli_fail(st, db);
	} else if (json) {
		if (print_json(r, query, &so))
			rc = cli_fail(NEWSIDX_NOMEM, NULL);
	} else {
		print_text(r, query, so.snippets);
	}
	if (fflush(stdout) != 0 && !rc) {
		fprintf(stderr, "newsidx: writing output: %s\n",
			strerror(errno));
		rc = 1;
	}
	newsidx_results_free(r);
	newsidx_db_free(db);
	free(query);
	return rc;
}
