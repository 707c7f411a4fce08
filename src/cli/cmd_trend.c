/*
 * cmd_trend.c: `newsidx trend`, counts of a query's matches over time,
 * and the significant terms of a period (--terms).
 *
 * On a terminal the counts are drawn: a bar per period, or with --facet
 * a sparkline per series, in UTF-8 block characters; elsewhere, with
 * NO_COLOR or --plain, a plain table.  --csv and --json print the data
 * for plotting; the JSON document is the one GET /api/trend sends
 * (cli_trend_json), documented in newsidx(1).
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

enum tformat { T_AUTO, T_PLAIN, T_CSV, T_JSON };


const char *cli_facet_name(unsigned bit)
{
	size_t k;

	for (k = 0; k < cli_nfacets; k++)
		if (cli_facets[k].bit == bit)
			return cli_facets[k].name;
	return NULL;
}

json_t *cli_trend_json(const newsidx_trend_t *t, const char *query,
		       const newsidx_trend_options_t *o)
{
	json_t *doc = json_object(), *periods = json_array(),
	       *series = json_array(), *terms = json_array();
	size_t i, s, np = newsidx_trend_periods(t);
	int err = !doc || !periods || !series || !terms;

	err |= json_object_set_new(doc, "query", json_string(query));
	err |= json_object_set_new(doc, "from",
				   o->from ? json_string(o->from) : json_null());
	err |= json_object_set_new(doc, "to",
				   o->to ? json_string(o->to) : json_null());
	if (o->terms) {
		json_decref(periods);
		json_decref(series);
		err |= json_object_set_new(
			doc, "foreground",
			json_integer((json_int_t)newsidx_trend_foreground(t)));
		err |= json_object_set_new(
			doc, "background",
			json_integer((json_int_t)newsidx_trend_background(t)));
		for (i = 0; !err && i < newsidx_trend_terms(t); i++) {
			const newsidx_sigterm_t *g = newsidx_trend_term(t, i);

			err |= json_array_append_new(
				terms,
				json_pack("{s:s, s:s, s:s, s:I, s:I, s:f}",
					  "kind", g->kind, "value", g->value,
					  "label", g->label, "fg",
					  (json_int_t)g->fg, "bg",
					  (json_int_t)g->bg, "score",
					  g->score));
		}
		err |= json_object_set_new(doc, "terms", terms);
	} else {
		const char *f = o->facet ? cli_facet_name(o->facet) : NULL;

		json_decref(terms);
		err |= json_object_set_new(doc, "by",
					   json_string(cli_trend_by_names[o->by & 3]));
		err |= json_object_set_new(doc, "facet",
					   f ? json_string(f) : json_null());
		for (i = 0; !err && i < np; i++)
			err |= json_array_append_new(
				periods,
				json_string(newsidx_trend_period(t, i)));
		err |= json_object_set_new(doc, "periods", periods);
		for (s = 0; !err && s < newsidx_trend_series(t); s++) {
			json_t *c = json_array(), *o1;

			for (i = 0; c && i < np; i++)
				json_array_append_new(
					c, json_integer((json_int_t)
							newsidx_trend_count(
								t, s, i)));
			o1 = json_pack(
				"{s:o, s:s, s:I, s:o}", "value",
				s ? json_string(newsidx_trend_series_value(t, s))
				  : json_null(),
				"label",
				s ? newsidx_trend_series_label(t, s) : "total",
				"sum", (json_int_t)newsidx_trend_sum(t, s),
				"counts", c ? c : json_array());
			err |= json_array_append_new(series, o1);
		}
		err |= json_object_set_new(doc, "series", series);
	}
	if (err) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

newsidx_status_t cli_api_trend(newsidx_db_t *db,
			       const struct cli_api_request *rq,
			       json_t **doc)
{
	newsidx_trend_t *t = NULL;
	newsidx_status_t st = newsidx_trend(&t, db, rq->query, &rq->trend);

	if (!st)
		*doc = cli_trend_json(t, rq->query, &rq->trend);
	newsidx_trend_free(t);
	return st;
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	fputc('"', stdout);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', stdout);
		fputc(*s, stdout);
	}
	fputc('"', stdout);
}

static void print_csv(const newsidx_trend_t *t,
		      const newsidx_trend_options_t *o)
{
	size_t i, s;

	if (o->terms) {
		fputs("kind,value,label,fg,bg,score\n", stdout);
		for (i = 0; i < newsidx_trend_terms(t); i++) {
			const newsidx_sigterm_t *g = newsidx_trend_term(t, i);

			printf("%s,", g->kind);
			csv_field(g->value);
			fputc(',', stdout);
			csv_field(g->label);
			printf(",%zu,%zu,%.2f\n", g->fg, g->bg, g->score);
		}
		return;
	}
	fputs("period,total", stdout);
	for (s = 1; s < newsidx_trend_series(t); s++) {
		fputc(',', stdout);
		csv_field(newsidx_trend_series_value(t, s));
	}
	fputc('\n', stdout);
	for (i = 0; i < newsidx_trend_periods(t); i++) {
		fputs(newsidx_trend_period(t, i), stdout);
		for (s = 0; s < newsidx_trend_series(t); s++)
			printf(",%zu", newsidx_trend_count(t, s, i));
		fputc('\n', stdout);
	}
}

/* A bar of v out of max in width cells, in eighths of a block. */
static void bar(size_t v, size_t max, unsigned width)
{
	static const char *const part[] = { "", "▏", "▎", "▍",
					    "▌", "▋", "▊", "▉" };
	size_t eighths = max ? (v * width * 8 + max / 2) / max : 0, i;

	if (v && !eighths)
		eighths = 1;
	for (i = 0; i < eighths / 8; i++)
		fputs("█", stdout);
	fputs(part[eighths % 8], stdout);
	for (i = (eighths + 7) / 8; i < width; i++)
		fputc(' ', stdout);
}

static void spark(const newsidx_trend_t *t, size_t s, size_t max)
{
	static const char *const level[] = { "▁", "▂", "▃", "▄",
					     "▅", "▆", "▇", "█" };
	size_t i;

	for (i = 0; i < newsidx_trend_periods(t); i++) {
		size_t v = newsidx_trend_count(t, s, i);

		if (!v)
			fputc(' ', stdout);
		else
			fputs(level[max ? (v * 7 + max / 2) / max : 0],
			      stdout);
	}
}

static void print_terms_text(const newsidx_trend_t *t)
{
	size_t i;

	printf("%zu articles in the period, %zu in the rest of the archive\n",
	       newsidx_trend_foreground(t), newsidx_trend_background(t));
	if (!newsidx_trend_terms(t)) {
		fputs("no significantly over-represented terms\n", stdout);
		return;
	}
	printf("%-8s %-24s %8s %8s %9s\n", "kind", "value", "period", "rest",
	       "score");
	for (i = 0; i < newsidx_trend_terms(t); i++) {
		const newsidx_sigterm_t *g = newsidx_trend_term(t, i);

		printf("%-8s ", g->kind);
		cli_puts(stdout, g->label);
		printf("%*s %8zu %8zu %9.1f\n",
		       (int)(strlen(g->label) < 24 ? 24 - strlen(g->label) : 0),
		       "", g->fg, g->bg, g->score);
	}
}

static void print_text(const newsidx_trend_t *t, int draw)
{
	size_t i, s, max = 0, np = newsidx_trend_periods(t);
	size_t ns = newsidx_trend_series(t);

	for (i = 0; i < np; i++)
		if (newsidx_trend_count(t, 0, i) > max)
			max = newsidx_trend_count(t, 0, i);
	if (!np) {
		fputs("no dated matches\n", stdout);
		return;
	}
	if (ns == 1) {
		for (i = 0; i < np; i++) {
			printf("%-10s ", newsidx_trend_period(t, i));
			if (draw) {
				bar(newsidx_trend_count(t, 0, i), max, 40);
				fputc(' ', stdout);
			}
			printf("%8zu\n", newsidx_trend_count(t, 0, i));
		}
		return;
	}
	if (draw) {
		printf("%-20s %s .. %s\n", "", newsidx_trend_period(t, 0),
		       newsidx_trend_period(t, np - 1));
		for (s = 0; s < ns; s++) {
			const char *l = s ? newsidx_trend_series_label(t, s)
					  : "total";
			size_t m = 0, w = strlen(l) < 20 ? 20 - strlen(l) : 0;

			for (i = 0; i < np; i++)
				if (newsidx_trend_count(t, s, i) > m)
					m = newsidx_trend_count(t, s, i);
			cli_puts(stdout, l);
			printf("%*s ", (int)w, "");
			spark(t, s, m);
			printf(" %zu\n", newsidx_trend_sum(t, s));
		}
		return;
	}
	printf("%-10s %8s", "period", "total");
	for (s = 1; s < ns; s++) {
		const char *v = newsidx_trend_series_value(t, s);

		printf(" %*s", (int)(strlen(v) < 8 ? 8 - strlen(v) : 0), "");
		cli_puts(stdout, v);
	}
	fputc('\n', stdout);
	for (i = 0; i < np; i++) {
		printf("%-10s", newsidx_trend_period(t, i));
		for (s = 0; s < ns; s++)
			printf(" %8zu", newsidx_trend_count(t, s, i));
		fputc('\n', stdout);
	}
}

static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *q;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	q = malloc(len);
	if (!q)
		return NULL;
	q[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(q, " ");
		strcat(q, argv[i]);
	}
	return q;
}

int cmd_trend(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "by", required_argument, NULL, 'b' },
		{ "facet", required_argument, NULL, 'f' },
		{ "top", required_argument, NULL, 't' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "terms", no_argument, NULL, 'g' },
		{ "period", required_argument, NULL, 'p' },
		{ "max", required_argument, NULL, 'm' },
		{ "lang", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'c' },
		{ "plain", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	newsidx_trend_options_t o = NEWSIDX_TREND_OPTIONS_INIT;
	enum tformat fmt = T_AUTO;
	newsidx_db_t *db = NULL;
	newsidx_trend_t *t = NULL;
	newsidx_status_t st;
	char *query, period[64];
	const char *nc = getenv("NO_COLOR");
	int c, rc = 0;
	size_t k;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			cli_index_dir = optarg;
			break;
		case 'b':
			if ((o.by = cli_trend_by(optarg)) < 0)
				return cli_usage_error("bad --by '%s' (day, "
						       "week, month or year)",
						       optarg);
			break;
		case 'f':
			for (k = 0; k < cli_nfacets; k++)
				if (strcmp(optarg, cli_facets[k].name) == 0)
					break;
			if (k == cli_nfacets ||
			    cli_facets[k].bit == NEWSIDX_FACET_YEAR ||
			    cli_facets[k].bit == NEWSIDX_FACET_MONTH)
				return cli_usage_error(
					"bad --facet '%s' (country, place, "
					"org, person, topic, source or lang)",
					optarg);
			o.facet = cli_facets[k].bit;
			break;
		case 't':
			if (cli_parse_size(optarg, &o.top) || o.top == 0 ||
			    o.top > 100)
				return cli_usage_error("bad --top '%s' (1 to "
						       "100)",
						       optarg);
			break;
		case 'F':
			o.from = optarg;
			break;
		case 'T':
			o.to = optarg;
			break;
		case 'g':
			o.terms = 1;
			break;
		case 'p':
			if (cli_trend_period(optarg, &o.from, &o.to, period,
					     sizeof(period)))
				return cli_usage_error(
					"bad --period '%s' (DATE or "
					"DATE..DATE)",
					optarg);
			break;
		case 'm':
			if (cli_parse_size(optarg, &o.max_terms) ||
			    o.max_terms == 0 || o.max_terms > 1000)
				return cli_usage_error("bad --max '%s' (1 to "
						       "1000)",
						       optarg);
			break;
		case 'l':
			o.lang = optarg;
			break;
		case 'j':
			fmt = T_JSON;
			break;
		case 'c':
			fmt = T_CSV;
			break;
		case 'P':
			fmt = T_PLAIN;
			break;
		case 'h':
			fputs(cli_usage_trend, stdout);
			return 0;
		default:
			return cli_usage_error("bad option; see 'newsidx help "
					       "trend'");
		}
	}
	if (optind >= argc)
		return cli_usage_error("trend needs a QUERY");
	if (o.terms && !o.from && !o.to)
		return cli_usage_error("--terms needs --period (or --from, "
				       "--to)");
	query = join_args(argc - optind, argv + optind);
	if (!query)
		return cli_fail(NEWSIDX_NOMEM, NULL);
	st = cli_open_reader(&db);
	if (!st)
		st = newsidx_trend(&t, db, query, &o);
	if (st) {
		rc = cli_fail(st, db);
	} else if (fmt == T_JSON) {
		json_t *doc = cli_trend_json(t, query, &o);

		if (!doc || json_dumpf(doc, stdout, JSON_INDENT(2)) ||
		    fputc('\n', stdout) == EOF)
			rc = cli_fail(NEWSIDX_NOMEM, NULL);
		json_decref(doc);
	} else if (fmt == T_CSV) {
		print_csv(t, &o);
	} else if (o.terms) {
		print_terms_text(t);
	} else {
		print_text(t, fmt == T_AUTO && isatty(1) && !(nc && *nc));
	}
	if (fflush(stdout) != 0 && !rc) {
		fprintf(stderr, "newsidx: writing output: %s\n",
			strerror(errno));
		rc = 1;
	}
	newsidx_trend_free(t);
	newsidx_db_free(db);
	free(query);
	return rc;
}
