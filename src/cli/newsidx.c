/*
 * newsidx.c: the command-line tool.
 *
 * A thin layer over the public API in newsidx.h and nothing else: it
 * parses arguments, calls the library, renders results as text for
 * people or JSON for programs, and maps statuses to the documented exit
 * codes in one place (exit_code).  Everything it can do, an embedding
 * program can do too.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "newsidx.h"

#define EXIT_USAGE 2
#define EXIT_REJECTED 65
#define EXIT_LOCKED 75

static const char *index_dir;

static const char usage_main[] =
	"usage: newsidx [--index DIR] COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"Full-text search for a news archive.\n"
	"\n"
	"commands:\n"
	"  index PATH...     index files and directories (text, JSON Lines,"
	" gzip)\n"
	"  search QUERY...   search the index and print ranked articles\n"
	"  help [COMMAND]    show help for a command\n"
	"\n"
	"options:\n"
	"  --index DIR       the index directory (default: $NEWSIDX_INDEX,"
	" else ./index)\n"
	"  -h, --help        show this help\n"
	"  -V, --version     show the version\n"
	"\n"
	"exit codes: 0 ok, 1 error, 2 usage or query syntax error, 65 some"
	" inputs\n"
	"rejected (the rest indexed), 75 index locked by another writer.\n"
	"See newsidx(1) for details.\n";

static const char usage_index[] =
	"usage: newsidx index [OPTIONS] PATH...\n"
	"\n"
	"Index every article in the files given, and in every file under the\n"
	"directories given (recursively, hidden files skipped).  Formats are\n"
	"recognised by content: plain text articles (an optional title line,\n"
	"an optional 'date YYYY-MM-DD Place:' lead) and JSON Lines; gzip is\n"
	"detected by its magic bytes.  Re-indexing an article replaces it.\n"
	"\n"
	"options:\n"
	"  --index DIR              the index directory\n"
	"  --source NAME            source for articles that name none\n"
	"  --lang CODE              language for articles that name none"
	" (default en)\n"
	"  --max-article-size BYTES reject larger articles (default 4194304)\n"
	"  --batch-size N           articles per commit (default 2000)\n"
	"  --lock-timeout SECONDS   wait this long for another writer"
	" (default 0)\n"
	"  -v, --verbose            print a summary line\n"
	"\n"
	"Rejected inputs are reported on stderr as FILE[:LINE[:COL]]: REASON;\n"
	"the rest is indexed and the exit code is 65.  Nothing is printed on\n"
	"success unless -v is given.\n";

static const char usage_search[] =
	"usage: newsidx search [OPTIONS] QUERY...\n"
	"\n"
	"Search the index; the words of QUERY are joined by spaces.\n"
	"\n"
	"query language:\n"
	"  word word           articles with all the words, ranked by BM25\n"
	"  \"exact phrase\"      the words in this order (inflections match)\n"
	"  high-speed          a hyphenated word matches high-speed, high"
	" speed, highspeed\n"
	"  a OR b, a AND b     either, both; AND binds tighter than OR\n"
	"  NOT a, -a           articles without a\n"
	"  +a                  a is required even inside OR\n"
	"  ( ... )             grouping\n"
	"  a NEAR/5 b          a and b at most 5 words apart\n"
	"  semicon*            words starting with semicon\n"
	"  title:word          in the title; also place: source: author:"
	" topic:\n"
	"  lang:en url:URL id:ID\n"
	"  date:2024-03-07     on that day; date:2024-03..2024-04 and"
	" date:..2024-01-01\n"
	"  since:7d            in the last 7 days (d, w, m, y)\n"
	"When no article has all the words, articles with any of them are\n"
	"shown instead and the output says so.\n"
	"\n"
	"options:\n"
	"  --index DIR            the index directory\n"
	"  -n, --limit N          show N hits (default 10)\n"
	"  --offset N             skip the first N hits\n"
	"  --sort ORDER           relevance (default), date (oldest first),\n"
	"                         -date (newest first)\n"
	"  --json                 print one JSON document (see newsidx(1))\n"
	"  --no-snippets          do not make snippets\n"
	"  --snippet-words N      snippet length in words (default 30)\n"
	"  --lang CODE            language of the query (default en)\n"
	"  --explain              print how the query is parsed, then search\n";

/* The one place where statuses become exit codes. */
static int exit_code(newsidx_status_t st)
{
	switch (st) {
	case NEWSIDX_OK:
		return 0;
	case NEWSIDX_REJECTED:
		return EXIT_REJECTED;
	case NEWSIDX_LOCKED:
		return EXIT_LOCKED;
	case NEWSIDX_QUERY_SYNTAX:
	case NEWSIDX_INVALID_ARGUMENT:
		return EXIT_USAGE;
	default:
		return 1;
	}
}

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "newsidx: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'newsidx --help'.\n");
	return EXIT_USAGE;
}

static int fail(newsidx_status_t st, newsidx_db_t *db)
{
	const char *msg = db ? newsidx_db_errmsg(db) : "";

	fprintf(stderr, "newsidx: %s\n", *msg ? msg : newsidx_status_str(st));
	return exit_code(st);
}

static const char *index_path(void)
{
	const char *env = getenv("NEWSIDX_INDEX");

	if (index_dir)
		return index_dir;
	if (env && *env)
		return env;
	return "index";
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || *s == '-' || *s == '\0')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* ---- index ---- */

static void print_reject(void *ctx, const char *where, const char *reason)
{
	(void)ctx;
	fprintf(stderr, "newsidx: %s: %s\n", where, reason);
}

static int cmd_index(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "source", required_argument, NULL, 's' },
		{ "lang", required_argument, NULL, 'l' },
		{ "max-article-size", required_argument, NULL, 'm' },
		{ "batch-size", required_argument, NULL, 'b' },
		{ "lock-timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_index_stats_t stats;
	newsidx_db_t *db = NULL;
	newsidx_status_t st, worst = NEWSIDX_OK;
	struct timespec t0, t1;
	int c, verbose = 0, i;
	size_t n;

	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			index_dir = optarg;
			break;
		case 's':
			io.source = optarg;
			break;
		case 'l':
			io.lang = optarg;
			break;
		case 'm':
			if (parse_size(optarg, &io.max_article_bytes) ||
			    io.max_article_bytes == 0)
				return usage_error("bad --max-article-size "
						   "'%s'",
						   optarg);
			break;
		case 'b':
			if (parse_size(optarg, &n) || n == 0 || n > 1000000)
				return usage_error("bad --batch-size '%s'",
						   optarg);
			io.batch_size = (unsigned)n;
			break;
		case 't': {
			char *end;

			oo.lock_timeout = strtod(optarg, &end);
			if (*end || oo.lock_timeout < 0)
				return usage_error("bad --lock-timeout '%s'",
						   optarg);
			break;
		}
		case 'v':
			verbose = 1;
			break;
		case 'h':
			fputs(usage_index, stdout);
			return 0;
		default:
			return usage_error("bad option for index; see "
					   "'newsidx help index'");
		}
	}
	if (optind >= argc)
		return usage_error("index needs at least one PATH");
	io.on_reject = print_reject;
	oo.mode = NEWSIDX_OPEN_WRITE;
	st = newsidx_db_open(&db, index_path(), &oo);
	if (st) {
		int rc = fail(st, db);

		newsidx_db_free(db);
		return rc;
	}
	memset(&stats, 0, sizeof(stats));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = optind; i < argc; i++) {
		st = newsidx_index_path(db, argv[i], &io, &stats);
		if (st == NEWSIDX_REJECTED) {
			worst = st;
			continue;
		}
		if (st) {
			int rc = fail(st, db);

			newsidx_db_free(db);
			return rc;
		}
	}
	st = newsidx_db_commit(db);
	if (st) {
		int rc = fail(st, db);

		newsidx_db_free(db);
		return rc;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (verbose || (isatty(2) && worst)) {
		double secs = (double)(t1.tv_sec - t0.tv_sec) +
			      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

		fprintf(stderr,
			"newsidx: indexed %lu articles from %lu files into "
			"%s (%lu rejected) in %.2f s\n",
			stats.articles, stats.files, index_path(),
			stats.rejected, secs);
	}
	newsidx_db_free(db);
	return exit_code(worst);
}

/* ---- search ---- */

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
		index_dir = optarg;
		break;
	case 'n':
		if (parse_size(optarg, &so->limit) || so->limit == 0 ||
		    so->limit > 100000)
			return usage_error("bad --limit '%s'", optarg);
		break;
	case 'o':
		if (parse_size(optarg, &so->offset))
			return usage_error("bad --offset '%s'", optarg);
		break;
	case 's':
		if (strcmp(optarg, "relevance") == 0)
			so->sort = NEWSIDX_SORT_RELEVANCE;
		else if (strcmp(optarg, "date") == 0)
			so->sort = NEWSIDX_SORT_OLDEST;
		else if (strcmp(optarg, "-date") == 0)
			so->sort = NEWSIDX_SORT_NEWEST;
		else
			return usage_error("bad --sort '%s' (relevance, date "
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
		if (parse_size(optarg, &n) || n == 0 || n > 1000)
			return usage_error("bad --snippet-words '%s'", optarg);
		so->snippet_words = (unsigned)n;
		break;
	case 'l':
		so->lang = optarg;
		break;
	case 'e':
		*explain = 1;
		break;
	case 'h':
		fputs(usage_search, stdout);
		return -1;
	}
	return 0;
}

static int cmd_search(int argc, char **argv)
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
		return fail(NEWSIDX_NOMEM, NULL);
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
			return usage_error("unknown option '%s' for search; "
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
				return usage_error("option '--%s' needs a "
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
		return usage_error("search needs a QUERY");
	}
	for (i = 0; i < nq; i++)
		qlen += strlen(words[i]) + 1;
	query = malloc(qlen + 1);
	if (!query) {
		free(words);
		return fail(NEWSIDX_NOMEM, NULL);
	}
	query[0] = '\0';
	for (i = 0; i < nq; i++) {
		if (i > 0)
			strcat(query, " ");
		strcat(query, words[i]);
	}
	free(words);
	st = newsidx_db_open(&db, index_path(), NULL);
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
		rc = fail(st, db);
	} else if (json) {
		if (print_json(r, query, &so))
			rc = fail(NEWSIDX_NOMEM, NULL);
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

/* ---- main ---- */

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(argv[1], "index") == 0)
		fputs(usage_index, stdout);
	else if (strcmp(argv[1], "search") == 0)
		fputs(usage_search, stdout);
	else if (strcmp(argv[1], "help") == 0)
		fputs(usage_main, stdout);
	else
		return usage_error("no help for unknown command '%s'",
				   argv[1]);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			index_dir = optarg;
			break;
		case 'h':
			fputs(usage_main, stdout);
			return 0;
		case 'V':
			printf("newsidx %s\n", newsidx_version());
			return 0;
		default:
			return usage_error("bad option");
		}
	}
	if (optind >= argc) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0; /* glibc: reinitialise, also the permutation state */
	if (strcmp(cmd, "index") == 0)
		return cmd_index(argc, argv);
	if (strcmp(cmd, "search") == 0)
		return cmd_search(argc, argv);
	if (strcmp(cmd, "help") == 0)
		return cmd_help(argc, argv);
	return usage_error("unknown command '%s'", cmd);
}
