/*
 * cmd_admin.c: the maintenance commands `newsidx stats`, `check`,
 * `compact` and `delete`.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

/* Parse the options these commands share; -1 to go on, else exit code. */
static int parse_common(int argc, char **argv, const char *usage,
			int *json, double *lock_timeout, const char **query)
{
	static const struct option longopts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "lock-timeout", required_argument, NULL, 't' },
		{ "query", required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			cli_index_dir = optarg;
			break;
		case 'j':
			if (!json)
				return cli_usage_error("--json does not apply "
						       "here");
			*json = 1;
			break;
		case 't':
			if (!lock_timeout ||
			    cli_parse_seconds(optarg, lock_timeout))
				return cli_usage_error("bad --lock-timeout "
						       "'%s'",
						       optarg);
			break;
		case 'q':
			if (!query)
				return cli_usage_error("--query does not "
						       "apply here");
			*query = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage_error("bad option; see 'newsidx "
					       "help %s'",
					       argv[0]);
		}
	}
	return -1;
}

static newsidx_status_t open_writer(newsidx_db_t **db, double timeout)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;

	oo.mode = NEWSIDX_OPEN_WRITE;
	oo.lock_timeout = timeout;
	return newsidx_db_open(db, cli_index_path(), &oo);
}

/*
 * Open the index to read it.  Opening while a writer commits can fail
 * with NEWSIDX_MODIFIED (the library retries its reads, not yet every
 * part of an open): open again, as a search would read again.
 */
static newsidx_status_t open_reader(newsidx_db_t **db, int any_schema)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_status_t st;
	int tries;

	cli_read_options(&oo);
	oo.any_schema = any_schema;
	for (tries = 0;; tries++) {
		st = newsidx_db_open(db, cli_index_path(), &oo);
		if (st != NEWSIDX_MODIFIED || tries == 5)
			return st;
		newsidx_db_free(*db);
		*db = NULL;
	}
}

/* Stats of a set of shards: each shard's stub line, where it is, whether
 * it is remote, its articles, and the total.  The full statistics of a
 * shard are those of `newsidx --index SHARD stats`. */
static int stats_of_set(newsidx_db_t *db, int json)
{
	size_t i, n = newsidx_db_shard_count(db);

	if (json) {
		json_t *o = json_pack("{s:s, s:I, s:o, s:o}", "index",
				      newsidx_db_path(db), "articles",
				      (json_int_t)newsidx_db_count(db),
				      "shards", cli_shards_json(db),
				      "missing_shards", cli_missing_json(db));

		if (o && newsidx_db_period(db))
			json_object_set_new(
			    o, "period",
			    json_string(newsidx_db_period(db) ==
						NEWSIDX_PERIOD_MONTH
					    ? "month"
					    : "year"));
		if (!o || json_dumpf(o, stdout, JSON_INDENT(2)))
			return cli_fail(NEWSIDX_NOMEM, NULL);
		fputc('\n', stdout);
		json_decref(o);
		return 0;
	}
	fputs(newsidx_db_period(db) ? "partitioned index: " : "set of shards: ",
	      stdout);
	cli_puts(stdout, newsidx_db_path(db));
	if (newsidx_db_period(db))
		printf(" (by %s)", newsidx_db_period(db) == NEWSIDX_PERIOD_MONTH
					? "month"
					: "year");
	printf("\narticles:      %zu in %zu shards\n", newsidx_db_count(db),
	       n);
	for (i = 0; i < n; i++) {
		const char *why = newsidx_db_shard_missing(db, i);

		fputs("  ", stdout);
		cli_puts(stdout, newsidx_db_shard_line(db, i));
		if (why) {
			fputs(": missing: ", stdout);
			cli_puts(stdout, why);
			fputc('\n', stdout);
		} else {
			printf(": %zu articles%s%s\n",
			       newsidx_db_shard_articles(db, i),
			       newsidx_db_shard_remote(db, i) ? " (remote)"
							      : "",
			       newsidx_db_shard_closed(db, i) ? " (closed)"
							      : "");
		}
	}
	cli_warn_missing(db);
	return 0;
}

int cmd_stats(int argc, char **argv)
{
	newsidx_watches_t *watches = NULL;
	newsidx_info_t *info = NULL;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	int json = 0, rc;
	size_t i;

	rc = parse_common(argc, argv, cli_usage_stats, &json, NULL, NULL);
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("stats takes no arguments");
	/* Stats also describe an index to rebuild. */
	st = open_reader(&db, 1);
	if (!st && newsidx_db_shard_count(db)) {
		rc = stats_of_set(db, json);
		newsidx_db_free(db);
		return rc;
	}
	if (!st)
		st = newsidx_db_info(db, &info);
	if (st) {
		rc = cli_fail(st, db);
		newsidx_db_free(db);
		return rc;
	}
	/* The watches and the sequence they follow. */
	st = newsidx_watch_list(&watches, db);
	if (st) {
		rc = cli_fail(st, db);
		newsidx_info_free(info);
		newsidx_db_free(db);
		return rc;
	}
	if (json) {
		json_t *o = cli_info_json(info);

		if (o && cli_stats_add_watches(o, db)) {
			json_decref(o);
			o = NULL;
		}
		if (o) {
			json_dumpf(o, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
			json_decref(o);
		}
	} else {
		printf("index:        %s\n", info->path);
		printf("articles:     %zu\n", info->articles);
		printf("terms:        %llu\n", info->terms);
		printf("size on disk: %.1f MB", (double)info->disk_bytes / 1e6);
		if (info->retired_bytes)
			printf(" (%.1f MB of it a retired generation that a "
			       "reader still holds)",
			       (double)info->retired_bytes / 1e6);
		putchar('\n');
		printf("last update:  %s\n",
		       *info->updated ? info->updated : "never");
		printf("files:        %zu (%zu failed)\n", info->files,
		       info->failed_files);
		printf("schema:       %d%s\n", info->schema_version,
		       info->schema_version == info->schema_current
			       ? ""
			       : " (outdated: run newsidx rebuild)");
		printf("stemmer:      %s (%s)\n", info->stemmer,
		       info->stemmer_version);
		if (!*info->gazetteer)
			printf("gazetteer:    %s (no article tagged yet)\n",
			       info->gazetteer_current);
		else if (strcmp(info->gazetteer, info->gazetteer_current))
			printf("gazetteer:    %s (outdated: the data is now "
			       "%s; run newsidx rebuild to tag again)\n",
			       info->gazetteer, info->gazetteer_current);
		else
			printf("gazetteer:    %s\n", info->gazetteer);
		if (info->stem_codes)
			printf("positions:    %s, %zu stems coded short\n",
			       info->positions, info->stem_codes);
		else
			printf("positions:    %s\n", info->positions);
		if (!info->term_lists)
			printf("term lists:   none; %zu deleted articles "
			       "kept until a compaction\n",
			       info->deleted);
		if (info->dictionary_bytes)
			printf("records:      compressed with a %.1f KB "
			       "dictionary\n",
			       (double)info->dictionary_bytes / 1e3);
		else
			printf("records:      compressed without a "
			       "dictionary\n");
		printf("sequence:     %llu (given to the last article "
		       "indexed)\n",
		       watches->sequence);
		printf("watches:      %zu\n", watches->n);
		cli_watches_print(stdout, watches);
		/* Failed files are not read again until they change: say
		 * which and why, as the run that failed them did. */
		if (info->failed && info->failed_files) {
			printf("\nfailed files (read again when they change, "
			       "or by index --retry-failed):\n");
			for (i = 0; i < info->failed_files; i++) {
				fputs("  ", stdout);
				cli_puts(stdout, info->failed[i].path);
				fputs("\n    ", stdout);
				cli_puts(stdout, *info->failed[i].reason
							 ? info->failed[i].reason
							 : "(no reason kept: "
							   "it failed before "
							   "newsidx 0.3)");
				fputc('\n', stdout);
			}
		}
		printf("\nper source:\n");
		for (i = 0; i < info->nsources; i++)
			printf("  %8zu  %s\n", info->sources[i].count,
			       info->sources[i].value);
		if (info->articles > 0) {
			size_t known = 0;

			for (i = 0; i < info->nsources; i++)
				known += info->sources[i].count;
			if (known < info->articles)
				printf("  %8zu  (none)\n",
				       info->articles - known);
		}
		printf("\nper month:\n");
		for (i = 0; i < info->nmonths; i++)
			printf("  %8zu  %s\n", info->months[i].count,
			       info->months[i].value);
	}
	newsidx_watches_free(watches);
	newsidx_info_free(info);
	newsidx_db_free(db);
	return 0;
}

/* What the check reports: every report for --json, else printed. */
struct listing {
	json_t *list;
	char *held; /* the last report, printed once the next one comes or
		       the check ends well: when it cannot be done, the last
		       report says why, and is no problem */
};

static void print_problem(void *ctx, const char *where, const char *what)
{
	struct listing *l = ctx;
	char *line;

	if (l->list) {
		json_array_append_new(l->list,
				      json_pack("{s:s, s:s}", "where", where,
						"problem", what));
		return;
	}
	if (l->held)
		puts(l->held);
	free(l->held);
	l->held = asprintf(&line, "%s: %s", where, what) < 0 ? NULL : line;
}

/* The held report, which is why the check could not be done; NULL when
 * there is none.  Borrowed from l. */
static const char *check_reason(struct listing *l)
{
	size_t n = l->list ? json_array_size(l->list) : 0;
	const char *what;

	if (n)
		return json_string_value(json_object_get(
			json_array_get(l->list, n - 1), "problem"));
	what = l->held ? strstr(l->held, ": ") : NULL;
	return what ? what + 2 : NULL;
}

/*
 * Say why the check could not be done; its exit code.  check's verdicts
 * are 0 (nothing wrong) and 1 (problems found, or no index at all); when
 * it reaches none, 74 says it cannot open the tables as Xapian's check
 * must, read/write, and 75, as for a locked index, that a writer
 * committed throughout: try again later.
 */
static int cannot_check(struct listing *l, const char *path,
			newsidx_status_t st)
{
	const char *why = check_reason(l);

	fprintf(stderr, "newsidx: cannot check %s: %s\n", path,
		why ? why : newsidx_status_str(st));
	return st == NEWSIDX_IO ? EXIT_CANNOT_CHECK : EXIT_LOCKED;
}

static void listing_free(struct listing *l)
{
	json_decref(l->list);
	free(l->held);
}

/* The counts of a sound index, to say what was checked; NULL when they
 * cannot be read. */
static newsidx_info_t *checked_counts(newsidx_db_t **db)
{
	newsidx_info_t *info = NULL;

	if (open_reader(db, 0) || newsidx_db_info(*db, &info))
		return NULL;
	return info;
}

int cmd_check(int argc, char **argv)
{
	struct listing l = { NULL, NULL };
	const char *path;
	unsigned long problems = 0;
	newsidx_info_t *info = NULL;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	int json = 0, rc;

	rc = parse_common(argc, argv, cli_usage_check, &json, NULL, NULL);
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("check takes no arguments");
	rc = cli_refuse_set("check");
	if (rc >= 0)
		return rc;
	path = cli_index_path();
	if (json)
		l.list = json_array();
	st = newsidx_db_check(path, print_problem, &l, &problems);
	if (st == NEWSIDX_NO_INDEX) {
		fprintf(stderr, "newsidx: no index at %s; run: newsidx index "
				"PATH\n",
			path);
		listing_free(&l);
		return 1;
	}
	if (st == NEWSIDX_IO || st == NEWSIDX_MODIFIED) {
		rc = cannot_check(&l, path, st);
		listing_free(&l);
		return rc;
	}
	if (st) {
		listing_free(&l);
		return cli_fail(st, NULL);
	}
	if (l.held)
		puts(l.held);
	if (!problems)
		info = checked_counts(&db);
	if (json) {
		json_t *o = json_pack("{s:s, s:b, s:I, s:O}", "index", path,
				      "ok", problems == 0, "problems",
				      (json_int_t)problems, "details", l.list);

		if (o && info) {
			json_object_set_new(
				o, "articles",
				json_integer((json_int_t)info->articles));
			json_object_set_new(
				o, "terms", json_integer((json_int_t)info->terms));
		}
		if (o) {
			json_dumpf(o, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
			json_decref(o);
		}
	} else if (problems) {
		fprintf(stderr, "newsidx: %s: %lu problem%s found; rebuild "
				"it: newsidx --index %s rebuild\n",
			path, problems, problems == 1 ? "" : "s", path);
	} else if (info) {
		printf("%s: no problems found: %zu articles, %llu terms, %zu "
		       "files\n",
		       path, info->articles, info->terms, info->files);
	} else {
		printf("%s: no problems found\n", path);
	}
	newsidx_info_free(info);
	newsidx_db_free(db);
	listing_free(&l);
	return problems ? 1 : 0;
}

int cmd_compact(int argc, char **argv)
{
	double timeout = 60;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	int rc;

	rc = parse_common(argc, argv, cli_usage_compact, NULL, &timeout,
			  NULL);
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage_error("compact takes no arguments");
	st = open_writer(&db, timeout);
	if (!st)
		st = newsidx_db_compact(db);
	rc = st ? cli_fail(st, db) : 0;
	newsidx_db_free(db);
	return rc;
}

int cmd_delete(int argc, char **argv)
{
	double timeout = 60;
	const char *query = NULL;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	size_t n = 0;
	int rc, i;

	rc = parse_common(argc, argv, cli_usage_delete, NULL, &timeout,
			  &query);
	if (rc >= 0)
		return rc;
	if (!query && optind >= argc)
		return cli_usage_error("delete needs an ID or --query QUERY");
	if (query && optind < argc)
		return cli_usage_error("delete takes IDs or --query, not "
				       "both");
	st = open_writer(&db, timeout);
	if (!st && query)
		st = newsidx_db_delete_query(db, query, &n);
	for (i = optind; !st && i < argc; i++) {
		st = newsidx_db_delete_id(db, argv[i]);
		n++;
	}
	rc = st ? cli_fail(st, db) : 0;
	newsidx_db_free(db);
	return rc;
}
