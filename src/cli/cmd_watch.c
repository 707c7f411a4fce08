/*
 * cmd_watch.c: `newsidx watch add|list|rm|run`, standing queries for
 * cron, and the watches part of `newsidx stats`.
 *
 * A run's delivery is what decides whether its watch's cursor moves:
 * the library moves it only after the last call of the delivery
 * callback returned 0, and this file returns 0 only once the output
 * reached where it goes: standard output written, flushed and, for a
 * regular file, synced; or, with --exec, the command fed and exited 0.
 * Exit statuses, as the man page gives them: 0 the run succeeded (new
 * articles delivered, or none); 1 nothing was delivered (output or
 * command failed, or the run did), so the same articles come again; 75
 * they were delivered but another writer kept the lock, so they come
 * again; 2 a usage error or an unknown watch.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

enum out_mode { OUT_TEXT, OUT_JSON, OUT_JSONL, OUT_EXEC };

struct watch_args {
	const char *lang;
	int from_start;
	int json, jsonl;
	const char *exec;
	size_t max;
	int keep_cursor;
	double lock_timeout;
	int lock_timeout_set;
};

/* ---- the watches as stats and list show them ---- */

json_t *cli_watches_json(const newsidx_watches_t *w)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < w->n; i++) {
		const newsidx_watch_t *x = &w->v[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s}",
				      "name", x->name, "query", x->query,
				      "lang", x->lang, "cursor",
				      (json_int_t)x->cursor, "behind",
				      (json_int_t)(w->sequence > x->cursor
							   ? w->sequence -
								     x->cursor
							   : 0),
				      "added", x->added, "last_run",
				      x->last_run);

		if (!o || json_array_append_new(a, o)) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

newsidx_status_t cli_stats_add_watches(json_t *o, newsidx_db_t *db)
{
	newsidx_watches_t *w = NULL;
	newsidx_status_t st = newsidx_watch_list(&w, db);

	if (!st && (json_object_set_new(o, "sequence",
					json_integer((json_int_t)w->sequence)) ||
		    json_object_set_new(o, "watches", cli_watches_json(w))))
		st = NEWSIDX_NOMEM;
	newsidx_watches_free(w);
	return st;
}

void cli_watches_print(FILE *f, const newsidx_watches_t *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		const newsidx_watch_t *x = &w->v[i];

		fputs("  ", f);
		cli_puts(f, x->name);
		fputs(": ", f);
		cli_puts(f, x->query);
		if (*x->lang) {
			fputs("  [lang ", f);
			cli_puts(f, x->lang);
			fputc(']', f);
		}
		fprintf(f, "\n    cursor %llu of %llu; added %s; last run %s\n",
			x->cursor, w->sequence, x->added,
			*x->last_run ? x->last_run : "never");
	}
}

/* ---- delivery ---- */

struct delivery {
	enum out_mode mode;
	const char *exec;
	json_t *doc;       /* OUT_JSON: the watch's document */
	FILE *pipe;        /* OUT_EXEC: the command's standard input */
	pid_t pid;
	char why[300];     /* why the delivery failed */
};

/* Start the command with its standard input on d->pipe. */
static int start_command(struct delivery *d, const char *name, size_t n)
{
	int fd[2];
	char count[32];

	if (pipe(fd) != 0) {
		snprintf(d->why, sizeof(d->why), "cannot make a pipe: %s",
			 strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	d->pid = fork();
	if (d->pid < 0) {
		snprintf(d->why, sizeof(d->why), "cannot start --exec: %s",
			 strerror(errno));
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (d->pid == 0) {
		snprintf(count, sizeof(count), "%zu", n);
		close(fd[1]);
		if (dup2(fd[0], 0) < 0)
			_exit(127);
		close(fd[0]);
		signal(SIGPIPE, SIG_DFL);
		setenv("NEWSIDX_WATCH", name, 1);
		setenv("NEWSIDX_WATCH_COUNT", count, 1);
		execl("/bin/sh", "sh", "-c", d->exec, (char *)NULL);
		_exit(127);
	}
	close(fd[0]);
	d->pipe = fdopen(fd[1], "w");
	if (!d->pipe) {
		close(fd[1]);
		snprintf(d->why, sizeof(d->why), "out of memory");
		return -1;
	}
	return 0;
}

/* Wait for the command: 0 when it exited 0. */
static int end_command(struct delivery *d)
{
	int status = 0;
	pid_t r;

	if (d->pipe)
		fclose(d->pipe); /* a command that stops reading is its own
				    business: its status decides */
	d->pipe = NULL;
	if (d->pid <= 0)
		return 0;
	do
		r = waitpid(d->pid, &status, 0);
	while (r < 0 && errno == EINTR);
	d->pid = 0;
	if (r < 0) {
		snprintf(d->why, sizeof(d->why), "--exec: %s",
			 strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(d->why, sizeof(d->why),
			 "--exec command exited with status %d",
			 WEXITSTATUS(status));
	else
		snprintf(d->why, sizeof(d->why),
			 "--exec command killed by signal %d",
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return -1;
}

/* Make standard output durable: flushed, and synced when a file. */
static int flush_stdout(struct delivery *d)
{
	struct stat sb;

	if (fflush(stdout) != 0 || ferror(stdout)) {
		snprintf(d->why, sizeof(d->why),
			 "writing to standard output: %s",
			 errno ? strerror(errno) : "failed");
		return -1;
	}
	if (fstat(fileno(stdout), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    fsync(fileno(stdout)) != 0 && errno != EINVAL) {
		snprintf(d->why, sizeof(d->why),
			 "writing to standard output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void print_hit(const char *name, const newsidx_hit_t *h)
{
	fputc('[', stdout);
	cli_puts(stdout, name);
	fputs("] ", stdout);
	if (*h->date) {
		cli_write(stdout, h->date, strnlen(h->date, 10), 0);
		fputs("  ", stdout);
	}
	cli_puts(stdout, *h->title ? h->title : "(untitled)");
	fputs("\n    ", stdout);
	if (*h->source) {
		cli_puts(stdout, h->source);
		fputs(" | ", stdout);
	}
	fputs("id ", stdout);
	cli_puts(stdout, h->id);
	if (*h->url) {
		fputs(" | ", stdout);
		cli_puts(stdout, h->url);
	}
	fputc('\n', stdout);
}

static json_t *hit_json(const char *name, const newsidx_hit_t *h)
{
	json_t *o = cli_hit_json(h);

	if (o && json_object_set_new(o, "watch", json_string(name))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int deliver(void *ctx, const char *name, const newsidx_results_t *page)
{
	struct delivery *d = ctx;
	size_t i, n = page ? newsidx_results_count(page) : 0;

	if (!page) {
		if (d->mode == OUT_EXEC)
			return end_command(d);
		if (d->mode == OUT_JSON && d->doc) {
			json_dumpf(d->doc, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
		}
		return flush_stdout(d);
	}
	if (d->mode == OUT_EXEC && start_command(d, name, n))
		return -1;
	for (i = 0; i < n; i++) {
		const newsidx_hit_t *h = newsidx_results_hit(page, i);
		json_t *o;

		if (d->mode == OUT_TEXT) {
			print_hit(name, h);
			continue;
		}
		o = hit_json(name, h);
		if (!o) {
			snprintf(d->why, sizeof(d->why), "out of memory");
			return -1;
		}
		if (d->mode == OUT_JSON) {
			json_array_append_new(json_object_get(d->doc, "hits"),
					      o);
			continue;
		}
		json_dumpf(o, d->mode == OUT_EXEC ? d->pipe : stdout,
			   JSON_COMPACT);
		fputc('\n', d->mode == OUT_EXEC ? d->pipe : stdout);
		json_decref(o);
	}
	if (d->mode == OUT_JSON)
		json_object_set_new(d->doc, "new", json_integer((json_int_t)n));
	return 0;
}

/* Run one watch; its exit status. */
static int run_one(newsidx_db_t *db, const newsidx_watch_t *w,
		   const struct watch_args *a)
{
	newsidx_watch_run_options_t ro = NEWSIDX_WATCH_RUN_OPTIONS_INIT;
	struct delivery d;
	newsidx_status_t st;
	memset(&d, 0, sizeof(d));
	d.mode = a->exec ? OUT_EXEC
		 : a->json ? OUT_JSON
		 : a->jsonl ? OUT_JSONL
			    : OUT_TEXT;
	d.exec = a->exec;
	if (d.mode == OUT_JSON) {
		d.doc = json_pack("{s:s, s:s, s:i, s:[]}", "watch", w->name,
				  "query", w->query, "new", 0, "hits");
		if (!d.doc) {
			fputs("newsidx: out of memory\n", stderr);
			return 1;
		}
	}
	if (a->lock_timeout_set)
		ro.lock_timeout = a->lock_timeout;
	ro.max = a->max;
	ro.keep_cursor = a->keep_cursor;
	ro.snippets = d.mode != OUT_TEXT;
	st = newsidx_watch_run(db, w->name, deliver, &d, &ro, NULL);
	if (d.pipe || d.pid > 0)
		end_command(&d);
	json_decref(d.doc);
	if (st == NEWSIDX_INTERRUPTED) {
		fputs("newsidx: watch '", stderr);
		cli_puts(stderr, w->name);
		fputs("': ", stderr);
		cli_puts(stderr, d.why[0] ? d.why : "delivery failed");
		fprintf(stderr, "; its new articles come again next run\n");
		return 1;
	}
	if (st == NEWSIDX_NOT_FOUND)
		return 0; /* removed since the list was read */
	if (st)
		return cli_fail(st, db);
	return 0;
}

/* ---- the subcommands ---- */

static newsidx_status_t open_index(newsidx_db_t **db, int write,
				   const struct watch_args *a)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_status_t st;
	int tries;

	if (write) {
		oo.mode = NEWSIDX_OPEN_WRITE;
		oo.lock_timeout = a->lock_timeout_set ? a->lock_timeout : 60;
		return newsidx_db_open(db, cli_index_path(), &oo);
	}
	/* A writer committing while we open: open again, as search does. */
	for (tries = 0;; tries++) {
		st = newsidx_db_open(db, cli_index_path(), &oo);
		if (st != NEWSIDX_MODIFIED || tries == 5)
			return st;
		newsidx_db_free(*db);
		*db = NULL;
	}
}

static int watch_add(int argc, char **argv, const struct watch_args *a)
{
	newsidx_watch_options_t wo = NEWSIDX_WATCH_OPTIONS_INIT;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	size_t len = 1;
	char *q;
	int i, rc;

	if (argc < 2)
		return cli_usage_error("watch add needs a NAME and a QUERY");
	for (i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	q = malloc(len);
	if (!q) {
		fputs("newsidx: out of memory\n", stderr);
		return 1;
	}
	q[0] = '\0';
	for (i = 1; i < argc; i++) {
		if (i > 1)
			strcat(q, " ");
		strcat(q, argv[i]);
	}
	wo.lang = a->lang;
	wo.from_start = a->from_start;
	/* The index must exist: a watch on nothing is a typo. */
	st = open_index(&db, 0, a);
	newsidx_db_free(db);
	db = NULL;
	if (!st)
		st = open_index(&db, 1, a);
	if (!st)
		st = newsidx_watch_add(db, argv[0], q, &wo);
	free(q);
	rc = st ? cli_fail(st, db) : 0;
	newsidx_db_free(db);
	return rc;
}

static int watch_rm(int argc, char **argv, const struct watch_args *a)
{
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	int rc;

	if (argc != 1)
		return cli_usage_error("watch rm takes one NAME");
	st = open_index(&db, 0, a);
	newsidx_db_free(db);
	db = NULL;
	if (!st)
		st = open_index(&db, 1, a);
	if (!st)
		st = newsidx_watch_remove(db, argv[0]);
	rc = st == NEWSIDX_NOT_FOUND ? (cli_fail(st, db), EXIT_USAGE)
	     : st		     ? cli_fail(st, db)
				     : 0;
	newsidx_db_free(db);
	return rc;
}

static int watch_list(int argc, const struct watch_args *a)
{
	newsidx_watches_t *w = NULL;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	int rc = 0;

	if (argc != 0)
		return cli_usage_error("watch list takes no arguments");
	st = open_index(&db, 0, a);
	if (!st)
		st = newsidx_watch_list(&w, db);
	if (st) {
		rc = cli_fail(st, db);
	} else if (a->json) {
		json_t *o = json_pack("{s:I, s:o}", "sequence",
				      (json_int_t)w->sequence, "watches",
				      cli_watches_json(w));

		if (o) {
			json_dumpf(o, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
			json_decref(o);
		}
	} else {
		cli_watches_print(stdout, w);
	}
	newsidx_watches_free(w);
	newsidx_db_free(db);
	return rc;
}

static int watch_run(int argc, char **argv, const struct watch_args *a)
{
	newsidx_watches_t *w = NULL;
	newsidx_db_t *db = NULL;
	newsidx_status_t st;
	int rc = 0, r;
	size_t i, found = 0;

	if (argc > 1)
		return cli_usage_error("watch run takes at most one NAME");
	if ((a->json != 0) + (a->jsonl != 0) + (a->exec != NULL) > 1)
		return cli_usage_error("choose one of --json, --jsonl and "
				       "--exec");
	/* A closed pipe is a failed delivery to report, not a signal that
	 * kills us before we can say so. */
	signal(SIGPIPE, SIG_IGN);
	st = open_index(&db, 0, a);
	if (!st)
		st = newsidx_watch_list(&w, db);
	if (st) {
		rc = cli_fail(st, db);
		newsidx_watches_free(w);
		newsidx_db_free(db);
		return rc;
	}
	for (i = 0; i < w->n; i++) {
		if (argc == 1 && strcmp(w->v[i].name, argv[0]) != 0)
			continue;
		found++;
		r = run_one(db, &w->v[i], a);
		/* Not delivered outweighs delivered but not saved. */
		if (r && (rc == 0 || rc == EXIT_LOCKED))
			rc = r;
	}
	if (argc == 1 && !found) {
		fputs("newsidx: no watch '", stderr);
		cli_puts(stderr, argv[0]);
		fputs("'; see: newsidx watch list\n", stderr);
		rc = EXIT_USAGE;
	}
	newsidx_watches_free(w);
	newsidx_db_free(db);
	return rc;
}

static const struct option watch_opts[] = {
	{ "index", required_argument, NULL, 'i' },
	{ "lang", required_argument, NULL, 'l' },
	{ "from-start", no_argument, NULL, 'f' },
	{ "json", no_argument, NULL, 'j' },
	{ "jsonl", no_argument, NULL, 'J' },
	{ "exec", required_argument, NULL, 'e' },
	{ "max", required_argument, NULL, 'm' },
	{ "keep-cursor", no_argument, NULL, 'k' },
	{ "lock-timeout", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Which options each subcommand takes, by their short letters. */
static const struct {
	const char *name;
	const char *takes;
} subs[] = {
	{ "add", "ilfth" },
	{ "list", "ijh" },
	{ "rm", "ith" },
	{ "run", "ijJemkth" },
};

int cmd_watch(int argc, char **argv)
{
	struct watch_args a;
	const char *sub = argc > 1 ? argv[1] : NULL;
	size_t k, nsubs = sizeof(subs) / sizeof(subs[0]);
	int c;

	memset(&a, 0, sizeof(a));
	if (sub && (!strcmp(sub, "--help") || !strcmp(sub, "-h"))) {
		fputs(cli_usage_watch, stdout);
		return 0;
	}
	if (sub && !strcmp(sub, "remove"))
		sub = "rm";
	for (k = 0; sub && k < nsubs; k++)
		if (!strcmp(sub, subs[k].name))
			break;
	if (!sub || k == nsubs)
		return cli_usage_error(sub ? "unknown watch command '%s'; use "
					     "add, list, rm or run"
					   : "watch needs a command: add, "
					     "list, rm or run",
				       sub ? sub : "");
	argc--;
	argv++;
	optind = 0; /* glibc: reinitialise, also the permutation state */
	/* Options after the query's words are options; a query word that
	 * starts with '-' goes after "--". */
	while ((c = getopt_long(argc, argv, "h", watch_opts, NULL)) != -1) {
		if (c != '?' && !strchr(subs[k].takes, c))
			return cli_usage_error("this option does not apply "
					       "to watch %s",
					       subs[k].name);
		switch (c) {
		case 'i':
			cli_index_dir = optarg;
			break;
		case 'l':
			a.lang = optarg;
			break;
		case 'f':
			a.from_start = 1;
			break;
		case 'j':
			a.json = 1;
			break;
		case 'J':
			a.jsonl = 1;
			break;
		case 'e':
			a.exec = optarg;
			break;
		case 'm':
			if (cli_parse_size(optarg, &a.max) || a.max == 0)
				return cli_usage_error("bad --max '%s'",
						       optarg);
			break;
		case 'k':
			a.keep_cursor = 1;
			break;
		case 't':
			if (cli_parse_seconds(optarg, &a.lock_timeout))
				return cli_usage_error("bad --lock-timeout "
						       "'%s'",
						       optarg);
			a.lock_timeout_set = 1;
			break;
		case 'h':
			fputs(cli_usage_watch, stdout);
			return 0;
		default:
			return cli_usage_error("bad option; see 'newsidx help "
					       "watch'");
		}
	}
	argc -= optind;
	argv += optind;
	/* Watches and their cursors are kept by one index. */
	c = cli_refuse_set("watch");
	if (c >= 0)
		return c;
	if (!strcmp(sub, "add"))
		return watch_add(argc, argv, &a);
	if (!strcmp(sub, "rm"))
		return watch_rm(argc, argv, &a);
	if (!strcmp(sub, "list"))
		return watch_list(argc, &a);
	return watch_run(argc, argv, &a);
}
