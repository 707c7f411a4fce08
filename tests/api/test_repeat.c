/*
 * test_repeat.c: one handle serving many searches, as a server built on
 * the library does: every shape of query (one word, several, four and
 * more with their soft ranking and feedback, phrases, NEAR, NOT, fields,
 * dates, facets, suggestions, more like this) run again and again on a
 * reader and on the writer must give the same answer each time.  Under
 * LeakSanitizer (make check in CI) a search that leaks fails the run at
 * exit, which is how a search of four words once leaked its query.
 * Through newsidx.h alone.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsidx.h"

#define ROUNDS 40

static char dir[256];
static char path[300];

static const char *const queries[] = {
	"railway",
	"japan india",
	"japan india railway cooperation",
	"monsoon kerala rupee dollar steady",
	"\"high-speed railway\"",
	"japan NEAR/5 railway",
	"japan -monsoon",
	"title:monsoon OR place:tokyo",
	"date:2024-03..2024-06 railway",
	"semiconducters railwya",
	"rail*",
	"(japan OR india) AND NOT rupee",
};

static void setup(void)
{
	static const char article[] =
		"date 2024-03-07 Tokyo: Japan and India agreed to speed up "
		"the high-speed railway and to cooperate on "
		"semiconductors.\n\nOfficials said the railways would open "
		"in 2027 and that cooperation would grow.";
	static const char wire[] =
		"{\"id\":\"w1\",\"title\":\"Monsoon arrives early\",\"body\":"
		"\"The monsoon reached Kerala, and the railway to Kochi "
		"closed.\",\"date\":\"2024-05-30T06:00:00+05:30\",\"source\":"
		"\"Asia Wire\",\"place\":\"Kochi\"}\n"
		"{\"id\":\"w2\",\"title\":\"Rupee steadies\",\"body\":\"The "
		"rupee held steady against the dollar as India and Japan "
		"talked trade.\",\"date\":\"2024-05-31\"}\n"
		"{\"id\":\"w3\",\"title\":\"Rupee steadies again\",\"body\":"
		"\"The rupee held steady against the dollar as India and "
		"Japan talked trade.\",\"date\":\"2024-06-01\"}\n";
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;

	snprintf(dir, sizeof(dir), "%s/newsidx-repeat.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/idx", dir);
	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&db, path, &oo), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_index_buffer(db, "tokyo.txt", article,
					      strlen(article), NULL, NULL),
			 NEWSIDX_OK);
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

/* What a search answered, as one line: total, ids, suggestion, facets. */
static char *answer(newsidx_db_t *db, const char *q,
		    const newsidx_search_options_t *o)
{
	newsidx_results_t *r = NULL;
	const newsidx_count_t *c = NULL;
	char *s = NULL;
	size_t len = 0, i, n;
	FILE *f = open_memstream(&s, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(newsidx_search(&r, db, q, o), NEWSIDX_OK);
	fprintf(f, "%zu:", newsidx_results_total(r));
	for (i = 0; i < newsidx_results_count(r); i++)
		fprintf(f, " %s", newsidx_results_hit(r, i)->id);
	fprintf(f, " | %s |",
		newsidx_results_suggestion(r) ? newsidx_results_suggestion(r)
					      : "-");
	n = newsidx_results_facet(r, NEWSIDX_FACET_SOURCE, &c);
	for (i = 0; i < n; i++)
		fprintf(f, " %s=%zu", c[i].value, c[i].count);
	newsidx_results_free(r);
	fclose(f);
	return s;
}

static void repeat_on(newsidx_db_t *db)
{
	newsidx_search_options_t o = NEWSIDX_SEARCH_OPTIONS_INIT;
	char *first[sizeof(queries) / sizeof(queries[0])];
	size_t q;
	int round;

	o.facets = NEWSIDX_FACET_SOURCE;
	for (q = 0; q < sizeof(queries) / sizeof(queries[0]); q++)
		first[q] = answer(db, queries[q], &o);
	/* The queries find what they should, so that repeating them
	 * exercises the paths that matter. */
	ck_assert_ptr_nonnull(strstr(first[0], "tokyo.txt"));
	ck_assert_ptr_nonnull(strstr(first[2], "tokyo.txt"));
	ck_assert_ptr_nonnull(strstr(first[4], "tokyo.txt"));
	ck_assert_ptr_null(strstr(first[9], "| - |"));
	for (round = 0; round < ROUNDS; round++) {
		for (q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
			char *again = answer(db, queries[q], &o);

			ck_assert_msg(strcmp(again, first[q]) == 0,
				      "round %d of '%s': '%s', first '%s'",
				      round, queries[q], again, first[q]);
			free(again);
		}
	}
	for (q = 0; q < sizeof(queries) / sizeof(queries[0]); q++)
		free(first[q]);
}

START_TEST(test_reader_repeats)
{
	newsidx_db_t *db = NULL;
	newsidx_results_t *r = NULL;
	newsidx_article_t *a = NULL;
	int round;

	ck_assert_int_eq(newsidx_db_open(&db, path, NULL), NEWSIDX_OK);
	repeat_on(db);
	for (round = 0; round < ROUNDS; round++) {
		ck_assert_int_eq(newsidx_article_similar(&r, db, "w2", NULL),
				 NEWSIDX_OK);
		newsidx_results_free(r);
		ck_assert_int_eq(newsidx_article_get(&a, db, "w1"),
				 NEWSIDX_OK);
		ck_assert_str_eq(a->title, "Monsoon arrives early");
		newsidx_article_free(a);
	}
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_writer_repeats)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;

	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&db, path, &oo), NEWSIDX_OK);
	repeat_on(db);
	newsidx_db_free(db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("repeat");
	TCase *tc = tcase_create("repeat");
	SRunner *sr;
	int failed;

	/* A guard against a hang, not a speed check: sanitizer builds on a
	 * loaded machine are slow. */
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reader_repeats);
	tcase_add_test(tc, test_writer_repeats);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
