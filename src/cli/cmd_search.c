/*
 * cmd_search.c: `newsidx search`, `newsidx similar` and `newsidx show`.
 *
 * Runs queries through the library and renders the hits: text for people
 * (marks in bold on a terminal, [brackets] elsewhere, NO_COLOR honoured),
 * one JSON document (--json), one JSON object per hit (--jsonl) or bare
 * ids (--ids) for programs.  The JSON schema is documented in newsidx(1)
 * and doc/formats.md.  In the text forms, whatever came from the articles,
 * the file names or the command line goes through cli_write(), so a
 * control character in it is shown, not obeyed; JSON escapes its own.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

enum format { TEXT, JSON, JSONL, IDS };

struct search_args {
	newsidx_search_options_t so;
	enum format format;
	int explain;
};

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

static const struct style *pick_style(void)
{
	static const struct style plain = { "[", "]", "", "", "", "" };
	static const struct style tty = { "\033[1;33m", "\033[0m", "\033[1m",
					  "\033[0m", "\033[2m", "\033[0m" };
	const char *nc = getenv("NO_COLOR");

	return isatty(1) && !(nc && *nc) ? &tty : &plain;
}

static void print_snippet(const newsidx_hit_t *h, const struct style *s)
{
	size_t at = 0, i;

	fputs("   ", stdout);
	for (i = 0; i < h->nhighlights; i++) {
		size_t b = h->highlights[2 * i], e = h->highlights[2 * i + 1];

		cli_write(stdout, h->snippet + at, b - at, 0);
		fputs(s->mark_on, stdout);
		cli_write(stdout, h->snippet + b, e - b, 0);
		fputs(s->mark_off, stdout);
		at = e;
	}
	cli_puts(stdout, h->snippet + at);
	fputc('\n', stdout);
}

static void print_text(const newsidx_results_t *r, const char *what,
		       const struct search_args *a)
{
	const struct style *s = pick_style();
	char cwd[4096];
	size_t i, k, total = newsidx_results_total(r);
	size_t all = newsidx_results_total_all(r);
	int exact = newsidx_results_total_exact(r);

	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	if (newsidx_results_suggestion(r)) {
		fputs("Did you mean: ", stdout);
		cli_puts(stdout, newsidx_results_suggestion(r));
		fputc('\n', stdout);
	}
	if (newsidx_results_relaxed(r) && all == 0) {
		fputs("No article has all the words of ", stdout);
		cli_puts(stdout, what);
		fputs("; showing articles with any of them.\n", stdout);
	}
	if (newsidx_results_relaxed(r) && all > 0)
		/* Those with every word come first: say how many. */
		printf("%s%zu article%s match%s all the words, %zu more "
		       "match%s some\n",
		       exact ? "" : "about ", all, all == 1 ? "" : "s",
		       all == 1 ? "es" : "", total - all,
		       total - all == 1 ? "es" : "");
	else
		printf("%s%zu article%s match%s\n", exact ? "" : "about ",
		       total, total == 1 ? "" : "s", total == 1 ? "es" : "");
	if (newsidx_results_time_limited(r))
		printf("(the time limit of %g s was reached: counts cover "
		       "the articles examined by then)\n",
		       a->so.time_limit);
	for (k = 0; k < cli_nfacets; k++) {
		const newsidx_count_t *c;
		size_t n = newsidx_results_facet(r, cli_facets[k].bit, &c);

		if (!(a->so.facets & cli_facets[k].bit))
			continue;
		printf("\nby %s:\n", cli_facets[k].name);
		for (i = 0; i < n; i++) {
			const char *label =
				newsidx_results_facet_label(r, cli_facets[k].bit,
							    i);

			printf("  %8zu  ", c[i].count);
			cli_puts(stdout, c[i].value);
			if (label && strcmp(label, c[i].value) != 0) {
				fputs("  ", stdout);
				cli_puts(stdout, label);
			}
			fputc('\n', stdout);
		}
	}
	for (i = 0; i < newsidx_results_count(r); i++) {
		const newsidx_hit_t *h = newsidx_results_hit(r, i);
		const char *sep = "";

		printf("\n%zu. %s", h->rank, s->title_on);
		cli_puts(stdout, *h->title ? h->title : "(untitled)");
		printf("%s\n   %s", s->title_off, s->dim_on);
		if (*h->date) {
			cli_write(stdout, h->date, strnlen(h->date, 10), 0);
			sep = " | ";
		}
		if (*h->place) {
			fputs(sep, stdout);
			cli_puts(stdout, h->place);
			sep = " | ";
		}
		if (*h->source) {
			fputs(sep, stdout);
			cli_puts(stdout, h->source);
			sep = " | ";
		}
		/* The id is what show and similar take; a file's id is its
		 * path, shown relative when it is below here (show and
		 * similar take it so too). */
		fputs(sep, stdout);
		fputs("id ", stdout);
		cli_puts(stdout, display_path(h->id, cwd));
		if (*h->url) {
			fputs(" | ", stdout);
			cli_puts(stdout, h->url);
		}
		printf("  (score %.2f)", h->score);
		if (h->copies)
			printf("  +%zu similar", h->copies);
		printf("%s\n", s->dim_off);
		if (a->so.snippets && *h->snippet)
			print_snippet(h, s);
	}
}

static int print_json(newsidx_db_t *db, const newsidx_results_t *r,
		      const char *query, const struct search_args *a)
{
	json_t *doc = cli_results_json(r, query, &a->so);
	int err = !doc;

	if (!err && newsidx_db_shard_count(db))
		err = json_object_set_new(doc, "missing_shards",
					  cli_missing_json(db)) != 0;
	/* A partitioned index: the shards its dates did not need. */
	if (!err && newsidx_db_period(db))
		err = json_object_set_new(doc, "skipped_shards",
					  cli_skipped_json(db)) != 0;
	if (!err)
		err = json_dumpf(doc, stdout, JSON_INDENT(2)) ||
		      fputc('\n', stdout) == EOF;
	json_decref(doc);
	return err;
}

static int print_results(newsidx_db_t *db, const newsidx_results_t *r,
			 const char *query, const struct search_args *a)
{
	size_t i;

	cli_warn_missing(db);
	switch (a->format) {
	case JSON:
		return print_json(db, r, query, a);
	case JSONL:
		for (i = 0; i < newsidx_results_count(r); i++) {
			json_t *o = cli_hit_json(newsidx_results_hit(r, i));

			if (!o || json_dumpf(o, stdout, JSON_COMPACT) ||
			    fputc('\n', stdout) == EOF) {
				json_decref(o);
				return 1;
			}
			json_decref(o);
		}
		return 0;
	case IDS:
		for (i = 0; i < newsidx_results_count(r); i++) {
			cli_puts(stdout, newsidx_results_hit(r, i)->id);
			fputc('\n', stdout);
		}
		return 0;
	case TEXT:
		print_text(r, query, a);
		return 0;
	}
	return 0;
}

static int parse_facets(const char *list, unsigned *out)
{
	char buf[256], *tok, *save = NULL;
	size_t k;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (k = 0; k < cli_nfacets; k++)
			if (strcmp(tok, cli_facets[k].name) == 0)
				break;
		if (k == cli_nfacets)
			return cli_usage_error("bad --facet '%s' ("
					       CLI_FACET_NAMES ")",
					       tok);
		*out |= cli_facets[k].bit;
	}
	return 0;
}

static const struct option search_opts[] = {
	{ "index", required_argument, NULL, 'i' },
	{ "limit", required_argument, NULL, 'n' },
	{ "offset", required_argument, NULL, 'o' },
	{ "sort", required_argument, NULL, 's' },
	{ "json", no_argument, NULL, 'j' },
	{ "jsonl", no_argument, NULL, 'J' },
	{ "ids", no_argument, NULL, 'I' },
	{ "no-snippets", no_argument, NULL, 'S' },
	{ "snippet-words", required_argument, NULL, 'w' },
	{ "lang", required_argument, NULL, 'l' },
	{ "explain", no_argument, NULL, 'e' },
	{ "facet", required_argument, NULL, 'f' },
	{ "all-copies", no_argument, NULL, 'a' },
	{ "exact-count", no_argument, NULL, 'x' },
	{ "recent", optional_argument, NULL, 'r' },
	{ "feedback", no_argument, NULL, 'F' },
	{ "no-feedback", no_argument, NULL, 'N' },
	{ "all-words", no_argument, NULL, 'W' },
	{ "time-limit", required_argument, NULL, 'T' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Apply one search option; returns 0, -1 after printing help, or an
 * exit code for a bad value. */
static int search_option(int c, const char *optarg, struct search_args *a)
{
	newsidx_search_options_t *so = &a->so;
	size_t n;

	switch (c) {
	case 'i':
		cli_index_dir = optarg;
		break;
	case 'n':
		/* 0: counts only, the totals and facets. */
		if (cli_parse_size(optarg, &so->limit) || so->limit > 100000)
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
			return cli_usage_error("bad --sort '%s' (relevance, "
					       "date or -date)",
					       optarg);
		break;
	case 'j':
		a->format = JSON;
		break;
	case 'J':
		a->format = JSONL;
		break;
	case 'I':
		a->format = IDS;
		break;
	case 'T':
		if (cli_parse_seconds(optarg, &so->time_limit) ||
		    so->time_limit > 3600)
			return cli_usage_error("bad --time-limit '%s' (0 to "
					       "3600 seconds)",
					       optarg);
		break;
	case 'S':
		so->snippets = 0;
		break;
	case 'w':
		if (cli_parse_size(optarg, &n) || n == 0 || n > 1000)
			return cli_usage_error("bad --snippet-words '%s'",
					       optarg);
		so->snippet_words = (unsigned)n;
		break;
	case 'l':
		so->lang = optarg;
		break;
	case 'e':
		a->explain = 1;
		break;
	case 'f':
		return parse_facets(optarg, &so->facets);
	case 'a':
		so->all_copies = 1;
		break;
	case 'x':
		so->exact_up_to = SIZE_MAX;
		break;
	case 'r':
		so->recent_halflife = 30;
		if (optarg && (cli_parse_seconds(optarg, &so->recent_halflife) ||
			       so->recent_halflife <= 0))
			return cli_usage_error("bad --recent '%s' (a half-life "
					       "in days)",
					       optarg);
		break;
	case 'F':
		so->feedback = 1;
		break;
	case 'N':
		so->feedback = -1;
		break;
	case 'W':
		so->relax = 0;
		break;
	case 'h':
		fputs(cli_usage_search, stdout);
		return -1;
	}
	return 0;
}

/* 1 for "-n" with digits attached ("-n5"), the short limit option. */
static int attached_limit(const char *arg)
{
	return strncmp(arg, "-n", 2) == 0 && arg[2] &&
	       strspn(arg + 2, "0123456789") == strlen(arg + 2);
}

/*
 * Options may come before or after the words, but a single-dash word such
 * as -china is the query's NOT, so getopt's permutation cannot be used:
 * long options are matched by hand, and "--" ends them.  The words are
 * collected into *words (borrowed from argv).
 */
static int parse_args(int argc, char **argv, struct search_args *a,
		      char ***words, int *nwords)
{
	int i, rc, nq = 0;
	char **w = calloc((size_t)argc + 1, sizeof(*w));

	if (!w)
		return cli_fail(NEWSIDX_NOMEM, NULL);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL;
		const struct option *o;
		size_t alen;

		if (strcmp(arg, "--") == 0) {
			while (++i < argc)
				w[nq++] = argv[i];
			break;
		}
		if (strcmp(arg, "-n") == 0)
			arg = "--limit";
		else if (attached_limit(arg)) {
			/* -n10: the value written against the option, as
			 * getopt takes it; "n10" is no word to exclude. */
			rc = search_option('n', arg + 2, a);
			if (rc) {
				free(w);
				return rc < 0 ? 0 : rc;
			}
			continue;
		} else if (strcmp(arg, "-h") == 0)
			arg = "--help";
		else if (strncmp(arg, "--", 2) != 0) {
			w[nq++] = argv[i];
			continue;
		}
		alen = strcspn(arg + 2, "=");
		for (o = search_opts; o->name; o++)
			if (strlen(o->name) == alen &&
			    strncmp(o->name, arg + 2, alen) == 0)
				break;
		if (!o->name) {
			free(w);
			return cli_usage_error("unknown option '%s'; see "
					       "'newsidx help %s'",
					       argv[i], argv[0]);
		}
		if (arg[2 + alen] == '=')
			val = arg + 3 + alen;
		else if (o->has_arg == required_argument) {
			if (i + 1 >= argc) {
				free(w);
				return cli_usage_error("option '--%s' needs "
						       "a value",
						       o->name);
			}
			val = argv[++i];
		}
		if (val && o->has_arg == no_argument) {
			free(w);
			return cli_usage_error("option '--%s' takes no value",
					       o->name);
		}
		rc = search_option(o->val, val, a);
		if (rc) {
			free(w);
			return rc < 0 ? 0 : rc;
		}
	}
	*words = w;
	*nwords = nq;
	return -1;
}

static char *join_words(char **w, int n)
{
	size_t len = 1;
	char *q;
	int i;

	for (i = 0; i < n; i++)
		len += strlen(w[i]) + 1;
	q = malloc(len);
	if (!q)
		return NULL;
	q[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(q, " ");
		strcat(q, w[i]);
	}
	return q;
}

static int finish(newsidx_status_t st, newsidx_db_t *db,
		  newsidx_results_t *r, const char *what,
		  const struct search_args *a)
{
	int rc = 0;

	if (st)
		rc = cli_fail(st, db);
	else if (print_results(db, r, what, a))
		rc = cli_fail(NEWSIDX_NOMEM, NULL);
	if (fflush(stdout) != 0 && !rc) {
		fprintf(stderr, "newsidx: writing output: %s\n",
			strerror(errno));
		rc = 1;
	}
	newsidx_results_free(r);
	newsidx_db_free(db);
	return rc;
}

int cmd_search(int argc, char **argv)
{
	struct search_args a = { NEWSIDX_SEARCH_OPTIONS_INIT, TEXT, 0 };
	newsidx_db_t *db = NULL;
	newsidx_results_t *r = NULL;
	newsidx_status_t st;
	char *query, **words = NULL;
	int nwords = 0, rc;

	rc = parse_args(argc, argv, &a, &words, &nwords);
	if (rc >= 0)
		return rc;
	if (nwords == 0) {
		free(words);
		return cli_usage_error("search needs a QUERY");
	}
	query = join_words(words, nwords);
	free(words);
	if (!query)
		return cli_fail(NEWSIDX_NOMEM, NULL);
	st = cli_open_reader(&db);
	if (!st && a.explain) {
		char *ex = NULL;

		st = newsidx_query_explain(db, query, &a.so, &ex);
		if (!st)
			cli_write(a.format == TEXT ? stdout : stderr, ex,
				  strlen(ex), 1);
		newsidx_free(ex);
	}
	if (!st)
		st = newsidx_search(&r, db, query, &a.so);
	rc = finish(st, db, r, query, &a);
	free(query);
	return rc;
}

/*
 * The id an argument names: itself, or, when no article has that id and
 * it names a file, the file's absolute path, which is the id of a file's
 * article (search shows such ids relative to the current directory).
 * *abs is malloc'd when used; free it.
 */
static const char *article_id(newsidx_db_t *db, const char *arg, char **abs)
{
	newsidx_article_t *art = NULL;

	*abs = NULL;
	if (newsidx_article_get(&art, db, arg) != NEWSIDX_NOT_FOUND) {
		newsidx_article_free(art);
		return arg;
	}
	*abs = realpath(arg, NULL);
	return *abs ? *abs : arg;
}

int cmd_similar(int argc, char **argv)
{
	struct search_args a = { NEWSIDX_SEARCH_OPTIONS_INIT, TEXT, 0 };
	newsidx_db_t *db = NULL;
	newsidx_results_t *r = NULL;
	newsidx_status_t st;
	char **words = NULL, what[600];
	int nwords = 0, rc;

	rc = parse_args(argc, argv, &a, &words, &nwords);
	if (rc >= 0)
		return rc;
	if (nwords != 1) {
		free(words);
		return cli_usage_error("similar needs exactly one article ID");
	}
	snprintf(what, sizeof(what), "similar:%s", words[0]);
	st = cli_open_reader(&db);
	if (!st) {
		char *abs;

		st = newsidx_article_similar(&r, db,
					     article_id(db, words[0], &abs),
					     &a.so);
		free(abs);
	}
	free(words);
	return finish(st, db, r, what, &a);
}

/* One "name:    value" line of show's text; an empty value is left out
 * unless always. */
static void show_field(const char *label, const char *value, int always)
{
	if (!*value && !always)
		return;
	fputs(label, stdout);
	cli_puts(stdout, value);
	fputc('\n', stdout);
}

int cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	newsidx_article_t *art = NULL;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	int c, json = 0, rc = 0;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			cli_index_dir = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(cli_usage_show, stdout);
			return 0;
		default:
			return cli_usage_error("bad option; see 'newsidx help "
					       "show'");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("show needs exactly one article ID");
	st = cli_open_reader(&db);
	if (!st) {
		char *abs;

		st = newsidx_article_get(&art, db,
					 article_id(db, argv[optind], &abs));
		free(abs);
	}
	if (st) {
		rc = cli_fail(st, db);
	} else if (json) {
		json_t *o = cli_article_json(art);

		if (!o || json_dumpf(o, stdout, JSON_INDENT(2)))
			rc = cli_fail(NEWSIDX_NOMEM, NULL);
		fputc('\n', stdout);
		json_decref(o);
	} else {
		cli_puts(stdout, art->title);
		fputs("\n\n", stdout);
		show_field("id:       ", art->id, 1);
		show_field("date:     ", art->date, 0);
		show_field("place:    ", art->place, 0);
		show_field("source:   ", art->source, 0);
		show_field("authors:  ", art->authors, 0);
		show_field("topics:   ", art->topics, 0);
		show_field("url:      ", art->url, 0);
		show_field("path:     ", art->path, 1);
		show_field("lang:     ", art->lang, 1);
		show_field("encoding: ", art->encoding, 0);
		if (art->copies)
			printf("copies:   %zu other near-identical article%s\n",
			       art->copies, art->copies == 1 ? "" : "s");
		fputc('\n', stdout);
		cli_write(stdout, art->body, strlen(art->body), 1);
		fputc('\n', stdout);
	}
	newsidx_article_free(art);
	newsidx_db_free(db);
	return rc;
}
