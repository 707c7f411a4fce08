/*
 * cmd_index.c: `newsidx index` and `newsidx rebuild`.
 *
 * Built for cron: silent on success off a terminal, a progress bar on a
 * terminal, a summary on request (-v, --json), rejected inputs on stderr
 * one line each, and SIGINT/SIGTERM turned into a clean stop: the
 * library commits the finished batch and the command exits 130 or 143.
 * A missing PATH, or deletions refused because a PATH lost too many of
 * its articles at once (an unmounted share), do not stop the other
 * PATHs; they are said on stderr and make the exit status 66.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct run {
	int bar;       /* draw a progress bar on stderr */
	double start;
	double drawn;  /* when the bar was last drawn */
	int bar_shown;
	unsigned long long planned; /* bytes of every PATH, counted first */
};

/* The bytes of the files the run will consider under the PATHs, counted
 * before the run so that the bar measures the whole run: the library
 * learns a PATH's size only when it reaches it, and a bar of its totals
 * went back at every new PATH.  The library counts them as its walk
 * will find them (links, filters), so the count matches the run; errors
 * are left to the run. */
static unsigned long long plan(newsidx_db_t *db, char **paths, size_t npaths,
			       const newsidx_index_options_t *io)
{
	unsigned long long total = 0, bytes;
	size_t i;

	for (i = 0; i < npaths && !stop_signal; i++)
		if (strcmp(paths[i], "-") != 0 &&
		    newsidx_index_plan(db, paths[i], io, NULL, &bytes) ==
			    NEWSIDX_OK)
			total += bytes;
	return total;
}

static void clear_bar(struct run *r)
{
	if (r->bar_shown) {
		fputs("\r\033[K", stderr);
		r->bar_shown = 0;
	}
}

static void print_reject(void *ctx, const char *where, const char *reason)
{
	clear_bar(ctx);
	/* A file name or a record's text is shown, never obeyed. */
	fputs("newsidx: ", stderr);
	cli_puts(stderr, where);
	fputs(": ", stderr);
	cli_puts(stderr, reason);
	fputc('\n', stderr);
}

/* Progress: a bar with the rate and an ETA; and the stop request. */
static int on_progress(void *ctx, const newsidx_index_stats_t *s)
{
	struct run *r = ctx;
	double t = now(), el = t - r->start, frac, rate, eta;
	unsigned long long total;
	char bar[31];
	int i, fill;

	if (stop_signal)
		return 1;
	if (!r->bar || t - r->drawn < 0.1)
		return 0;
	r->drawn = t;
	total = s->bytes_total > r->planned ? s->bytes_total : r->planned;
	frac = total ? (double)s->bytes_done / (double)total : 0;
	if (frac > 1)
		frac = 1;
	fill = (int)(frac * 30);
	for (i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	rate = el > 0 ? (double)s->articles / el : 0;
	eta = frac > 0.01 ? el * (1 - frac) / frac : -1;
	fprintf(stderr, "\r\033[K[%s] %3.0f%% %lu/%lu files, %.0f articles/s",
		bar, frac * 100, s->files + s->unchanged, s->files_total, rate);
	if (eta >= 0)
		fprintf(stderr, ", ETA %d:%02d", (int)eta / 60, (int)eta % 60);
	r->bar_shown = 1;
	return 0;
}

/* --max-delete N (articles) or PCT% (of a PATH's articles, 1 to 100). */
static int parse_max_delete(const char *arg, newsidx_index_options_t *io)
{
	size_t len = strlen(arg), n;
	char num[32];

	if (len > 1 && len < sizeof(num) && arg[len - 1] == '%') {
		memcpy(num, arg, len - 1);
		num[len - 1] = '\0';
		if (cli_parse_size(num, &n) || n == 0 || n > 100)
			return -1;
		io->max_delete_share = (unsigned)n;
		io->max_delete = 0;
		return 0;
	}
	if (cli_parse_size(arg, &n) || n == 0)
		return -1;
	io->max_delete = (unsigned long)n;
	io->max_delete_share = 100; /* the count alone limits */
	return 0;
}

struct index_args {
	newsidx_index_options_t io;
	newsidx_open_options_t oo;
	int verbose, json;
	const char *from;
	int no_compact;
	int no_filters;
	int single; /* reshard --period single */
};

/* --include and --exclude patterns, pointing into argv; they live as
 * long as the process. */
static const char **include_patterns, **exclude_patterns;

/* Appends a --include or --exclude pattern. */
static int add_pattern(const char ***list, size_t *n, const char *pattern)
{
	const char **grown = realloc(*list, (*n + 1) * sizeof(**list));

	if (!grown)
		return -1;
	grown[(*n)++] = pattern;
	*list = grown;
	return 0;
}

/* Options shared by index and rebuild; returns -1 to go on, else an exit
 * code. */
static int parse_index_args(int argc, char **argv, struct index_args *a,
			    int rebuild)
{
	static const struct option longopts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "source", required_argument, NULL, 's' },
		{ "lang", required_argument, NULL, 'l' },
		{ "max-article-size", required_argument, NULL, 'm' },
		{ "batch-size", required_argument, NULL, 'b' },
		{ "lock-timeout", required_argument, NULL, 't' },
		{ "no-delete", no_argument, NULL, 'D' },
		{ "max-delete", required_argument, NULL, 'X' },
		{ "retry-failed", no_argument, NULL, 'R' },
		{ "encoding", required_argument, NULL, 'E' },
		{ "include", required_argument, NULL, 'I' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "no-filters", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'F' },
		{ "from", required_argument, NULL, 'f' },
		{ "synonyms", required_argument, NULL, 'y' },
		{ "gazetteer", required_argument, NULL, 'G' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "shards", required_argument, NULL, 'S' },
		{ "period", required_argument, NULL, 'P' },
		{ "reopen", no_argument, NULL, 'O' },
		{ "no-compact", no_argument, NULL, 'C' },
		{ "lean", no_argument, NULL, 'L' },
		{ "no-lean", no_argument, NULL, 'N' },
		{ "no-tags", no_argument, NULL, 'U' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	size_t n;
	int c;

	a->oo.mode = NEWSIDX_OPEN_WRITE;
	a->oo.lock_timeout = 60;
	a->oo.synonyms = getenv("NEWSIDX_SYNONYMS");
	if (a->oo.synonyms && !*a->oo.synonyms)
		a->oo.synonyms = NULL;
	a->oo.gazetteer = getenv("NEWSIDX_GAZETTEER");
	if (a->oo.gazetteer && !*a->oo.gazetteer)
		a->oo.gazetteer = NULL;
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			cli_index_dir = optarg;
			break;
		case 's':
			a->io.source = optarg;
			break;
		case 'l':
			a->io.lang = optarg;
			break;
		case 'm':
			if (cli_parse_size(optarg, &a->io.max_article_bytes) ||
			    a->io.max_article_bytes == 0)
				return cli_usage_error(
					"bad --max-article-size '%s'", optarg);
			break;
		case 'b':
			if (cli_parse_size(optarg, &n) || n == 0 || n > 1000000)
				return cli_usage_error("bad --batch-size '%s'",
						       optarg);
			a->io.batch_size = (unsigned)n;
			break;
		case 't':
			if (cli_parse_seconds(optarg, &a->oo.lock_timeout))
				return cli_usage_error("bad --lock-timeout '%s'",
						       optarg);
			break;
		case 'D':
		case 'X':
		case 'F':
		case 'f':
		case 'n':
			if (rebuild)
				return cli_usage_error("rebuild takes no "
						       "--no-delete, "
						       "--max-delete, --force, "
						       "--from or --no-filters");
			if (c == 'n')
				a->no_filters = 1;
			else if (c == 'D')
				a->io.no_delete = 1;
			else if (c == 'X') {
				if (parse_max_delete(optarg, &a->io))
					return cli_usage_error(
						"bad --max-delete '%s' (a "
						"number of articles, or a "
						"percentage such as 100%%)",
						optarg);
			} else if (c == 'F')
				a->io.force = 1;
			else
				a->from = optarg;
			break;
		case 'R':
			a->io.retry_failed = 1;
			break;
		case 'E':
			if (!*optarg)
				return cli_usage_error("bad --encoding ''");
			a->io.encoding = optarg;
			break;
		case 'I':
		case 'x':
			if (!*optarg)
				return cli_usage_error("bad --%s ''",
						       c == 'I' ? "include"
								: "exclude");
			if (add_pattern(c == 'I' ? &include_patterns
						 : &exclude_patterns,
					c == 'I' ? &a->io.n_include
						 : &a->io.n_exclude,
					optarg))
				return cli_fail(NEWSIDX_NOMEM, NULL);
			a->io.include = include_patterns;
			a->io.exclude = exclude_patterns;
			break;
		case 'y':
			a->oo.synonyms = optarg;
			break;
		case 'G':
			if (!*optarg)
				return cli_usage_error("bad --gazetteer ''");
			a->oo.gazetteer = optarg;
			break;
		case 'C':
			a->no_compact = 1;
			break;
		case 'L':
			a->io.positions = NEWSIDX_POSITIONS_COMPACT;
			break;
		case 'N':
			a->io.positions = NEWSIDX_POSITIONS_TABLE;
			break;
		case 'U':
			a->io.no_tags = 1;
			break;
		case 'J':
			if (cli_parse_size(optarg, &n) || n == 0 || n > 256)
				return cli_usage_error("bad --jobs '%s'", optarg);
			a->io.jobs = (unsigned)n;
			break;
		case 'S':
			if (cli_parse_size(optarg, &n) || n == 0 || n > 8)
				return cli_usage_error("bad --shards '%s' (1 to "
						       "8)", optarg);
			a->io.shards = (unsigned)n;
			break;
		case 'P':
			if (strcmp(optarg, "year") == 0)
				a->oo.period = NEWSIDX_PERIOD_YEAR;
			else if (strcmp(optarg, "month") == 0)
				a->oo.period = NEWSIDX_PERIOD_MONTH;
			else if (rebuild && strcmp(optarg, "single") == 0)
				a->single = 1;
			else
				return cli_usage_error("bad --period '%s' "
						       "(year or month)",
						       optarg);
			break;
		case 'O':
			a->io.reopen = 1;
			break;
		case 'v':
			a->verbose = 1;
			break;
		case 'j':
			a->json = 1;
			break;
		case 'h':
			fputs(rebuild ? cli_usage_rebuild : cli_usage_index,
			      stdout);
			return 0;
		default:
			return cli_usage_error("bad option; see 'newsidx help "
					       "%s'",
					       rebuild ? "rebuild" : "index");
		}
	}
	if (a->no_filters && (a->io.n_include || a->io.n_exclude))
		return cli_usage_error("--no-filters forgets a PATH's --include "
				       "and --exclude patterns; give it alone");
	return -1;
}

static const char *outcome(newsidx_status_t st)
{
	switch (st) {
	case NEWSIDX_OK:
		return "ok";
	case NEWSIDX_REJECTED:
		return "rejected";
	case NEWSIDX_INTERRUPTED:
		return "interrupted";
	case NEWSIDX_NO_INPUT:
		return "no-input";
	case NEWSIDX_DELETE_REFUSED:
		return "delete-refused";
	default:
		return "error";
	}
}

/*
 * Files that failed before and were skipped, unchanged: not an error of
 * this run (the exit status stays 0), but said on every run, cron's
 * too, until they are fixed, removed or excluded, so that a failure is
 * never forgotten in silence.
 */
static void remind_failed(const newsidx_index_stats_t *s)
{
	if (!s->failed_unchanged)
		return;
	fprintf(stderr,
		"newsidx: warning: %lu file%s that failed before %s not read "
		"again (unchanged); 'newsidx stats' says why, "
		"--retry-failed reads %s again\n",
		s->failed_unchanged, s->failed_unchanged == 1 ? "" : "s",
		s->failed_unchanged == 1 ? "was" : "were",
		s->failed_unchanged == 1 ? "it" : "them");
}

static void summary(const struct index_args *a,
		    const newsidx_index_stats_t *s, newsidx_status_t st,
		    double secs, int say)
{
	if (a->json) {
		json_t *o = json_pack(
			"{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			"s:I, s:f, s:I, s:I, s:I, s:I, s:I}",
			"index", cli_index_path(), "status", outcome(st),
			"files", (json_int_t)s->files_total, "files_read",
			(json_int_t)s->files, "files_unchanged",
			(json_int_t)s->unchanged, "added",
			(json_int_t)s->added, "updated",
			(json_int_t)s->updated, "deleted",
			(json_int_t)s->deleted, "rejected",
			(json_int_t)s->rejected, "rejected_files",
			(json_int_t)s->rejected_files, "bytes",
			(json_int_t)s->bytes, "seconds", secs, "skipped",
			(json_int_t)s->skipped, "unprocessed",
			(json_int_t)s->unprocessed, "title_only",
			(json_int_t)s->title_only, "shards",
			(json_int_t)s->shards, "failed_unchanged",
			(json_int_t)s->failed_unchanged);

		if (o) {
			json_dumpf(o, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
			json_decref(o);
		}
	}
	if (say) {
		fprintf(stderr,
			"newsidx: %s: %lu added, %lu updated, %lu deleted, "
			"%lu files unchanged, %lu rejected in %.2f s",
			cli_index_path(), s->added, s->updated, s->deleted,
			s->unchanged, s->rejected, secs);
		/* Said only when they happen: most archives have none. */
		if (s->unprocessed || s->title_only)
			fprintf(stderr, " (%lu unprocessed, %lu title-only)",
				s->unprocessed, s->title_only);
		if (s->skipped)
			fprintf(stderr, " (%lu records skipped)", s->skipped);
		fputc('\n', stderr);
	}
}

/* Read the paths listed in file (one per line; "-" is stdin). */
static char **read_list(const char *file, size_t *n)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	char *line = NULL, **v = NULL, **p;
	size_t cap = 0;
	ssize_t len;

	*n = 0;
	if (!f)
		return NULL;
	while ((len = getline(&line, &cap, f)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		p = realloc(v, (*n + 2) * sizeof(*v));
		if (!p)
			break;
		v = p;
		v[(*n)++] = strdup(line);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (!v)
		v = calloc(1, sizeof(*v));
	return v;
}

/* Index standard input: read it all, then index it as one buffer. */
static newsidx_status_t index_stdin(newsidx_db_t *db,
				    const newsidx_index_options_t *io,
				    newsidx_index_stats_t *stats)
{
	char *buf = NULL, *p;
	size_t len = 0, cap = 0, got;
	newsidx_status_t st;

	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				return NEWSIDX_NOMEM;
			}
			buf = p;
		}
		got = fread(buf + len, 1, cap - len, stdin);
		len += got;
		if (got == 0)
			break;
	}
	st = newsidx_index_buffer(db, "-", buf, len, io, stats);
	free(buf);
	return st;
}

/* Statuses after which the run went on with the rest: a summary is
 * printed and the exit status says what happened. */
static int went_on(newsidx_status_t st)
{
	return st == NEWSIDX_REJECTED || st == NEWSIDX_INTERRUPTED ||
	       st == NEWSIDX_NO_INPUT || st == NEWSIDX_DELETE_REFUSED;
}

/* Say at once why a PATH was not read, or kept articles it would have
 * lost: the next PATH's run replaces the message. */
static void report_path(newsidx_db_t *db, newsidx_status_t st, struct run *r)
{
	if (st != NEWSIDX_NO_INPUT && st != NEWSIDX_DELETE_REFUSED)
		return;
	clear_bar(r);
	fprintf(stderr, "newsidx: %s%s\n", newsidx_db_errmsg(db),
		st == NEWSIDX_DELETE_REFUSED
			? "; if that is right, --max-delete 100% allows it"
			: "");
}

static int finish(newsidx_db_t *db, newsidx_status_t st,
		  const struct index_args *a, const newsidx_index_stats_t *s,
		  struct run *r)
{
	clear_bar(r);
	if (st && !went_on(st)) {
		int rc = cli_fail(st, db);

		newsidx_db_free(db);
		return rc;
	}
	/* Cron hears nothing of a run that went well; a terminal, like
	 * -v, gets the summary. */
	summary(a, s, st, now() - r->start, a->verbose || r->bar);
	remind_failed(s);
	newsidx_db_free(db);
	if (st == NEWSIDX_INTERRUPTED)
		return 128 + (stop_signal ? stop_signal : SIGINT);
	return cli_exit_code(st);
}

/* Hook the reporting and progress callbacks up to a run's display. */
static void start_run(struct index_args *a, struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->start = now();
	r->bar = isatty(2) && !a->json;
	a->io.on_reject = print_reject;
	a->io.reject_ctx = r;
	a->io.progress = on_progress;
	a->io.progress_ctx = r;
}

int cmd_index(int argc, char **argv)
{
	struct index_args a = { NEWSIDX_INDEX_OPTIONS_INIT,
				NEWSIDX_OPEN_OPTIONS_INIT, 0, 0, NULL, 0, 0, 0 };
	newsidx_index_stats_t stats;
	struct run r;
	newsidx_db_t *db = NULL;
	newsidx_status_t st = NEWSIDX_OK, worst = NEWSIDX_OK;
	char **list = NULL, **paths;
	size_t npaths, i;
	int rc;

	rc = parse_index_args(argc, argv, &a, 0);
	if (rc >= 0)
		return rc;
	if (a.from) {
		size_t extra = (size_t)(argc - optind), k;
		char **all;

		list = read_list(a.from, &npaths);
		if (!list) {
			fprintf(stderr, "newsidx: %s: %s\n", a.from,
				strerror(errno));
			return 1;
		}
		/* The listed paths, then those on the command line. */
		all = realloc(list, (npaths + extra + 1) * sizeof(*all));
		if (!all) {
			for (k = 0; k < npaths; k++)
				free(list[k]);
			free(list);
			return cli_fail(NEWSIDX_NOMEM, NULL);
		}
		list = all;
		for (k = 0; k < extra; k++)
			list[npaths + k] = strdup(argv[optind + (int)k]);
		npaths += extra;
		paths = list;
	} else {
		paths = argv + optind;
		npaths = (size_t)(argc - optind);
	}
	if (npaths == 0 && !a.from) {
		free(list);
		return cli_usage_error("index needs at least one PATH (or "
				       "--from FILE)");
	}
	start_run(&a, &r);
	catch_signals();
	st = newsidx_db_open(&db, cli_index_path(), &a.oo);
	if (st) {
		rc = cli_fail(st, db);
		newsidx_db_free(db);
		for (i = 0; list && i < npaths; i++)
			free(list[i]);
		free(list);
		return rc;
	}
	memset(&stats, 0, sizeof(stats));
	/* Forgotten in the handle now, kept with the run's commit; a
	 * missing PATH is said by its run. */
	for (i = 0; a.no_filters && i < npaths && !st; i++)
		if (strcmp(paths[i], "-") != 0) {
			st = newsidx_index_clear_filters(db, paths[i]);
			if (st == NEWSIDX_NO_INPUT)
				st = NEWSIDX_OK;
		}
	if (st) {
		for (i = 0; list && i < npaths; i++)
			free(list[i]);
		free(list);
		return finish(db, st, &a, &stats, &r);
	}
	if (r.bar)
		r.planned = plan(db, paths, npaths, &a.io);
	for (i = 0; i < npaths; i++) {
		if (strcmp(paths[i], "-") == 0)
			st = index_stdin(db, &a.io, &stats);
		else
			st = newsidx_index_path(db, paths[i], &a.io, &stats);
		report_path(db, st, &r);
		/* The other PATHs go on; a PATH missing or articles kept
		 * outweigh rejected input in the exit status. */
		if (st == NEWSIDX_NO_INPUT || st == NEWSIDX_DELETE_REFUSED)
			worst = st;
		else if (st == NEWSIDX_REJECTED) {
			if (!worst)
				worst = st;
		} else if (st)
			break;
		st = NEWSIDX_OK;
		if (stop_signal) {
			st = NEWSIDX_INTERRUPTED;
			break;
		}
	}
	for (i = 0; list && i < npaths; i++)
		free(list[i]);
	free(list);
	if (!st)
		st = newsidx_db_commit(db);
	/* A large first load or a big growth leaves the B-trees half
	 * full, and a few articles added to a compacted index split the
	 * blocks they land in: compacting then halves the index in a
	 * second or two.  A bulk load's merge already wrote compact
	 * B-trees. */
	/* A partitioned index closes a shard when its period ends
	 * (newsidx compact), never on its own; its open shards are
	 * compacted when due, as one index is. */
	if (!st && !a.no_compact && !stats.shards && !newsidx_db_period(db) &&
	    ((stats.added + stats.updated >= 10000 &&
	      (stats.added + stats.updated) * 2 >= newsidx_db_count(db)) ||
	     newsidx_db_compact_due(db)))
		st = newsidx_db_compact(db);
	else if (!st && !a.no_compact && newsidx_db_period(db))
		st = newsidx_db_reclaim(db);
	if (!st)
		st = worst;
	return finish(db, st, &a, &stats, &r);
}

int cmd_rebuild(int argc, char **argv)
{
	struct index_args a = { NEWSIDX_INDEX_OPTIONS_INIT,
				NEWSIDX_OPEN_OPTIONS_INIT, 0, 0, NULL, 0, 0, 0 };
	newsidx_index_stats_t stats;
	struct run r;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	int rc;

	rc = parse_index_args(argc, argv, &a, 1);
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("rebuild takes no PATH; it re-reads "
				       "the paths the index remembers");
	start_run(&a, &r);
	a.oo.any_schema = 1;
	catch_signals();
	memset(&stats, 0, sizeof(stats));
	st = newsidx_db_open(&db, cli_index_path(), &a.oo);
	if (!st)
		st = newsidx_db_rebuild(db, &a.io, &stats);
	report_path(db, st, &r);
	return finish(db, st, &a, &stats, &r);
}

int cmd_reshard(int argc, char **argv)
{
	struct index_args a = { NEWSIDX_INDEX_OPTIONS_INIT,
				NEWSIDX_OPEN_OPTIONS_INIT, 0, 0, NULL, 0, 0, 0 };
	newsidx_index_stats_t stats;
	struct run r;
	newsidx_status_t st;
	char err[1200];
	int rc;

	rc = parse_index_args(argc, argv, &a, 1);
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("reshard takes no PATH; it re-reads "
				       "the paths the index remembers");
	if (!a.oo.period && !a.single)
		return cli_usage_error("reshard needs --period year, month "
				       "or single");
	start_run(&a, &r);
	catch_signals();
	memset(&stats, 0, sizeof(stats));
	st = newsidx_db_reshard(cli_index_path(), a.oo.period,
				a.oo.lock_timeout, &a.io, &stats, err,
				sizeof(err));
	clear_bar(&r);
	if (st && st != NEWSIDX_REJECTED) {
		fputs("newsidx: ", stderr);
		cli_puts(stderr, *err ? err : newsidx_status_str(st));
		fputc('\n', stderr);
		return cli_exit_code(st);
	}
	return finish(NULL, st, &a, &stats, &r);
}
