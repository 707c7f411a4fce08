/*
 * test_trend.c: the API of multi-valued facets, counts only and trends,
 * through newsidx.h alone.  Topics stand for every field an article has
 * several values of: each counts once per article, the counts agree with
 * the totals of the filtered searches, a search with limit 0 (options of
 * version 3) returns counts and no hits while one of version 2 keeps its
 * old default page, and newsidx_trend() gives zero periods, series per
 * value and the significant terms of a period, with its errors.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsidx.h"

static char dir[256];
static char path[300];

/* Six articles from January to April 2024, none in February; "pelican"
 * only in April; topics in mixed case, one repeated within an article. */
static const char wire[] =
	"{\"id\":\"a1\",\"title\":\"Harbour dredging starts\",\"body\":\"The "
	"harbour authority began dredging the channel.\",\"date\":"
	"\"2024-01-05\",\"topics\":[\"Ports\",\"Trade\"]}\n"
	"{\"id\":\"a2\",\"title\":\"Harbour fees rise\",\"body\":\"The "
	"harbour raised fees for freight.\",\"date\":\"2024-01-20\","
	"\"topics\":\"ports; ports, Finance\"}\n"
	"{\"id\":\"a3\",\"title\":\"Harbour ferry resumes\",\"body\":\"The "
	"harbour ferry resumed its crossings.\",\"date\":\"2024-03-02\","
	"\"topics\":[\"Transport\"]}\n"
	"{\"id\":\"a4\",\"title\":\"Pelican colony at harbour\",\"body\":"
	"\"A pelican colony settled at the harbour; the pelican count "
	"doubled.\",\"date\":\"2024-04-03\",\"topics\":[\"Wildlife\","
	"\"Ports\"]}\n"
	"{\"id\":\"a5\",\"title\":\"Pelicans and harbour tours\",\"body\":"
	"\"Tours of the harbour now stop where each pelican nests.\","
	"\"date\":\"2024-04-09\",\"topics\":[\"Wildlife\"]}\n"
	"{\"id\":\"a6\",\"title\":\"Harbour pelican film\",\"body\":\"A "
	"film about the harbour pelican opened.\",\"date\":\"2024-04-28\","
	"\"topics\":[\"Wildlife\",\"Culture\"]}\n"
	"{\"id\":\"b1\",\"title\":\"School board meets\",\"body\":\"The "
	"school board met about budgets.\",\"date\":\"2024-02-10\"}\n"
	"{\"id\":\"b2\",\"title\":\"School board votes\",\"body\":\"The "
	"school board voted on budgets.\",\"date\":\"2024-03-10\"}\n"
	"{\"id\":\"b3\",\"title\":\"School budget passes\",\"body\":\"The "
	"school budget passed.\",\"date\":\"2024-04-10\"}\n";

static newsidx_db_t *open_reader(void)
{
	newsidx_db_t *db = NULL;

	ck_assert_int_eq(newsidx_db_open(&db, path, NULL), NEWSIDX_OK);
	return db;
}

static void setup(void)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;

	snprintf(dir, sizeof(dir), "%s/newsidx-trend.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/idx", dir);
	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&db, path, &oo), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_index_buffer(db, "wire.jsonl", wire,
					      strlen(wire), NULL, NULL),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_commit(db), NEWSIDX_OK);
	newsidx_db_free(db);
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static size_t total_of(newsidx_db_t *db, const char *q)
{
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *r = NULL;
	size_t n;

	so.limit = 0;
	ck_assert_int_eq(newsidx_search(&r, db, q, &so), NEWSIDX_OK);
	n = newsidx_results_total(r);
	newsidx_results_free(r);
	return n;
}

START_TEST(test_topic_facet)
{
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *r = NULL;
	const newsidx_count_t *c = NULL;
	newsidx_db_t *db = open_reader();
	size_t n, i;
	char q[128];

	so.limit = 0;
	so.facets = NEWSIDX_FACET_TOPIC;
	ck_assert_int_eq(newsidx_search(&r, db, "harbour", &so), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 6);
	ck_assert_uint_eq(newsidx_results_count(r), 0);
	n = newsidx_results_facet(r, NEWSIDX_FACET_TOPIC, &c);
	/* wildlife 3, ports 3 ("ports; ports" once), then 1 each by name */
	ck_assert_uint_eq(n, 6);
	ck_assert_str_eq(c[0].value, "ports");
	ck_assert_uint_eq(c[0].count, 3);
	ck_assert_str_eq(c[1].value, "wildlife");
	ck_assert_uint_eq(c[1].count, 3);
	ck_assert_str_eq(c[2].value, "culture");
	ck_assert_str_eq(c[5].value, "transport");
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(newsidx_results_facet_label(
					 r, NEWSIDX_FACET_TOPIC, i),
				 c[i].value);
		snprintf(q, sizeof(q), "harbour topic:\"%s\"", c[i].value);
		ck_assert_uint_eq(total_of(db, q), c[i].count);
	}
	ck_assert_ptr_null(
		newsidx_results_facet_label(r, NEWSIDX_FACET_TOPIC, n));
	ck_assert_ptr_null(
		newsidx_results_facet_label(r, NEWSIDX_FACET_COUNTRY, 0));
	ck_assert_uint_eq(newsidx_results_facet(r, NEWSIDX_FACET_COUNTRY, &c),
			  0);
	newsidx_results_free(r);

	/* No article has a country before the tagger: an empty facet. */
	so.facets = NEWSIDX_FACET_COUNTRY | NEWSIDX_FACET_PERSON;
	ck_assert_int_eq(newsidx_search(&r, db, "harbour", &so), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_facet(r, NEWSIDX_FACET_COUNTRY, &c),
			  0);
	newsidx_results_free(r);

	/* Options of version 2 knew no counts-only: 0 was 10 hits. */
	so.version = 2;
	so.facets = 0;
	ck_assert_int_eq(newsidx_search(&r, db, "harbour", &so), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_count(r), 6);
	newsidx_results_free(r);
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_trend_months)
{
	newsidx_trend_options_t o = NEWSIDX_TREND_OPTIONS_INIT;
	newsidx_trend_t *t = NULL;
	newsidx_db_t *db = open_reader();

	ck_assert_int_eq(newsidx_trend(&t, db, "harbour", &o), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_trend_periods(t), 4);
	ck_assert_str_eq(newsidx_trend_period(t, 0), "2024-01");
	ck_assert_str_eq(newsidx_trend_period(t, 1), "2024-02");
	ck_assert_str_eq(newsidx_trend_period(t, 3), "2024-04");
	ck_assert_ptr_null(newsidx_trend_period(t, 4));
	ck_assert_uint_eq(newsidx_trend_series(t), 1);
	ck_assert_str_eq(newsidx_trend_series_value(t, 0), "");
	ck_assert_uint_eq(newsidx_trend_count(t, 0, 0), 2);
	ck_assert_uint_eq(newsidx_trend_count(t, 0, 1), 0);
	ck_assert_uint_eq(newsidx_trend_count(t, 0, 2), 1);
	ck_assert_uint_eq(newsidx_trend_count(t, 0, 3), 3);
	ck_assert_uint_eq(newsidx_trend_count(t, 0, 9), 0);
	ck_assert_uint_eq(newsidx_trend_sum(t, 0), 6);
	newsidx_trend_free(t);

	/* Series per topic, with bounds beyond the matches. */
	o.facet = NEWSIDX_FACET_TOPIC;
	o.top = 2;
	o.by = NEWSIDX_BY_YEAR;
	o.from = "2023";
	o.to = "2024-12-31";
	ck_assert_int_eq(newsidx_trend(&t, db, "harbour", &o), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_trend_periods(t), 2);
	ck_assert_str_eq(newsidx_trend_period(t, 0), "2023");
	ck_assert_uint_eq(newsidx_trend_series(t), 3);
	ck_assert_str_eq(newsidx_trend_series_value(t, 1), "ports");
	ck_assert_str_eq(newsidx_trend_series_label(t, 1), "ports");
	ck_assert_str_eq(newsidx_trend_series_value(t, 2), "wildlife");
	ck_assert_uint_eq(newsidx_trend_count(t, 1, 0), 0);
	ck_assert_uint_eq(newsidx_trend_count(t, 1, 1), 3);
	ck_assert_uint_eq(newsidx_trend_sum(t, 2), 3);
	ck_assert_uint_eq(newsidx_trend_terms(t), 0);
	newsidx_trend_free(t);
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_trend_terms)
{
	newsidx_trend_options_t o = NEWSIDX_TREND_OPTIONS_INIT;
	newsidx_trend_t *t = NULL;
	newsidx_db_t *db = open_reader();
	size_t i;
	int pelican = 0, wildlife = 0;

	o.terms = 1;
	o.from = o.to = "2024-04";
	ck_assert_int_eq(newsidx_trend(&t, db, "harbour", &o), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_trend_foreground(t), 3);
	ck_assert_uint_eq(newsidx_trend_background(t), 6);
	for (i = 0; i < newsidx_trend_terms(t); i++) {
		const newsidx_sigterm_t *g = newsidx_trend_term(t, i);

		ck_assert(g->score >= 10.83);
		ck_assert_uint_le(g->fg, 3);
		if (strcmp(g->kind, "word") == 0 &&
		    strcmp(g->value, "pelican") == 0) {
			pelican = 1;
			ck_assert_uint_eq(g->fg, 3);
			ck_assert_uint_eq(g->bg, 0);
		}
		if (strcmp(g->kind, "topic") == 0 &&
		    strcmp(g->value, "wildlife") == 0)
			wildlife = 1;
		/* in every month: not significant */
		ck_assert_str_ne(g->value, "harbour");
	}
	ck_assert(pelican);
	ck_assert(wildlife);
	ck_assert_ptr_null(newsidx_trend_term(t, newsidx_trend_terms(t)));
	newsidx_trend_free(t);
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_trend_errors)
{
	newsidx_trend_options_t o = NEWSIDX_TREND_OPTIONS_INIT;
	newsidx_trend_t *t = NULL;
	newsidx_db_t *db = open_reader();

	o.from = "2024-02-30";
	ck_assert_int_eq(newsidx_trend(&t, db, "harbour", &o),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), "2024-02-30"));
	o.from = NULL;
	o.facet = NEWSIDX_FACET_MONTH;
	ck_assert_int_eq(newsidx_trend(&t, db, "harbour", &o),
			 NEWSIDX_INVALID_ARGUMENT);
	o.facet = NEWSIDX_FACET_TOPIC | NEWSIDX_FACET_SOURCE;
	ck_assert_int_eq(newsidx_trend(&t, db, "harbour", &o),
			 NEWSIDX_INVALID_ARGUMENT);
	o.facet = 0;
	o.terms = 1;
	ck_assert_int_eq(newsidx_trend(&t, db, "harbour", &o),
			 NEWSIDX_INVALID_ARGUMENT);
	o.terms = 0;
	o.version = 99;
	ck_assert_int_eq(newsidx_trend(&t, db, "harbour", &o),
			 NEWSIDX_INVALID_ARGUMENT);
	o.version = NEWSIDX_TREND_OPTIONS_VERSION;
	ck_assert_int_eq(newsidx_trend(&t, db, "harbour AND (", &o),
			 NEWSIDX_QUERY_SYNTAX);
	ck_assert_int_eq(newsidx_trend(NULL, db, "harbour", &o),
			 NEWSIDX_INVALID_ARGUMENT);
	/* defaults, and NULL accepted by the accessors and free */
	ck_assert_int_eq(newsidx_trend(&t, db, "nosuchword", NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_trend_periods(t), 0);
	newsidx_trend_free(t);
	ck_assert_uint_eq(newsidx_trend_periods(NULL), 0);
	ck_assert_uint_eq(newsidx_trend_count(NULL, 0, 0), 0);
	ck_assert_ptr_null(newsidx_trend_series_value(NULL, 0));
	newsidx_trend_free(NULL);
	newsidx_db_free(db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trend");
	TCase *tc = tcase_create("trend");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_topic_facet);
	tcase_add_test(tc, test_trend_months);
	tcase_add_test(tc, test_trend_terms);
	tcase_add_test(tc, test_trend_errors);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
