/*
 * test_watch.c: the indexing sequence and watches through newsidx.h
 * alone: a watch's lifecycle and ownership, what a run reports and when
 * its cursor moves (a delivery that fails, a reader handle that saves
 * through a writer of its own, a lock held by another writer), the
 * sequence of replaced articles, NEWSIDX_SORT_INDEXED, and the errors of
 * each call.
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

static const char day1[] =
	"{\"id\":\"a1\",\"title\":\"Railway deal\",\"body\":\"A railway "
	"deal was signed.\",\"date\":\"2024-03-07\"}\n"
	"{\"id\":\"a2\",\"title\":\"Harbour\",\"body\":\"Cranes came to the "
	"harbour.\",\"date\":\"2024-03-07\"}\n";
static const char day2[] =
	"{\"id\":\"b1\",\"title\":\"Old railway\",\"body\":\"A railway story "
	"of 1999.\",\"date\":\"1999-01-01\"}\n"
	"{\"id\":\"b2\",\"title\":\"Railway tenders\",\"body\":\"Railway "
	"tenders opened.\",\"date\":\"2024-03-08\"}\n";

static newsidx_db_t *open_db(int write)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;

	oo.mode = write ? NEWSIDX_OPEN_WRITE : NEWSIDX_OPEN_READ;
	ck_assert_int_eq(newsidx_db_open(&db, path, &oo), NEWSIDX_OK);
	return db;
}

static void put(const char *name, const char *text)
{
	newsidx_db_t *db = open_db(1);

	ck_assert_int_eq(newsidx_index_buffer(db, name, text, strlen(text),
					      NULL, NULL),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_commit(db), NEWSIDX_OK);
	newsidx_db_free(db);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/newsidx-watch.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/idx", dir);
	put("day1.jsonl", day1);
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A delivery that collects the ids, and fails when told to. */
struct got {
	char ids[256];
	int calls, ends;
	int fail_page, fail_end;
};

static int collect(void *ctx, const char *name, const newsidx_results_t *page)
{
	struct got *g = ctx;
	size_t i;

	ck_assert_ptr_nonnull(name);
	if (!page) {
		g->ends++;
		return g->fail_end;
	}
	g->calls++;
	for (i = 0; i < newsidx_results_count(page); i++) {
		if (g->ids[0])
			strcat(g->ids, " ");
		strcat(g->ids, newsidx_results_hit(page, i)->id);
	}
	return g->fail_page;
}

static unsigned long long cursor_of(newsidx_db_t *db, const char *name,
				    unsigned long long *sequence)
{
	newsidx_watches_t *w = NULL;
	unsigned long long c = 0;
	size_t i;

	ck_assert_int_eq(newsidx_watch_list(&w, db), NEWSIDX_OK);
	for (i = 0; i < w->n; i++)
		if (strcmp(w->v[i].name, name) == 0)
			c = w->v[i].cursor;
	if (sequence)
		*sequence = w->sequence;
	newsidx_watches_free(w);
	return c;
}

START_TEST(test_lifecycle)
{
	newsidx_watch_options_t wo = NEWSIDX_WATCH_OPTIONS_INIT;
	newsidx_db_t *db = open_db(1);
	newsidx_watches_t *w = NULL;
	unsigned long long seq = 0;

	ck_assert_int_eq(newsidx_watch_add(db, "rail", "railway", NULL),
			 NEWSIDX_OK);
	wo.lang = "en";
	wo.from_start = 1;
	ck_assert_int_eq(newsidx_watch_add(db, "all.rail", "railway", &wo),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_watch_list(&w, db), NEWSIDX_OK);
	ck_assert_uint_eq(w->n, 2);
	ck_assert_uint_eq(w->sequence, 2);
	/* By name. */
	ck_assert_str_eq(w->v[0].name, "all.rail");
	ck_assert_str_eq(w->v[0].lang, "en");
	ck_assert_uint_eq(w->v[0].cursor, 0);
	ck_assert_str_eq(w->v[1].name, "rail");
	ck_assert_str_eq(w->v[1].query, "railway");
	ck_assert_str_eq(w->v[1].lang, "");
	ck_assert_uint_eq(w->v[1].cursor, 2);
	ck_assert_uint_eq(strlen(w->v[1].added), 20);
	ck_assert_str_eq(w->v[1].last_run, "");
	newsidx_watches_free(w);
	newsidx_watches_free(NULL);

	ck_assert_int_eq(newsidx_watch_add(db, "rail", "x", NULL),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), "exists"));
	ck_assert_int_eq(newsidx_watch_add(db, "a b", "x", NULL),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_int_eq(newsidx_watch_add(db, "", "x", NULL),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_int_eq(newsidx_watch_add(db, "q", "\"open", NULL),
			 NEWSIDX_QUERY_SYNTAX);
	ck_assert_int_eq(newsidx_watch_add(db, "q", "  ", NULL),
			 NEWSIDX_QUERY_SYNTAX);
	ck_assert_int_eq(newsidx_watch_add(db, "q", "a\nb", NULL),
			 NEWSIDX_QUERY_SYNTAX);
	ck_assert_int_eq(newsidx_watch_add(NULL, "q", "x", NULL),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_int_eq(newsidx_watch_add(db, NULL, "x", NULL),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_int_eq(newsidx_watch_remove(db, "nosuch"),
			 NEWSIDX_NOT_FOUND);
	ck_assert_int_eq(newsidx_watch_remove(db, "all.rail"), NEWSIDX_OK);
	ck_assert_uint_eq(cursor_of(db, "rail", &seq), 2);
	ck_assert_uint_eq(seq, 2);
	newsidx_db_free(db);

	/* A reader lists, and cannot add or remove. */
	db = open_db(0);
	ck_assert_int_eq(newsidx_watch_add(db, "r2", "railway", NULL),
			 NEWSIDX_READ_ONLY);
	ck_assert_int_eq(newsidx_watch_remove(db, "rail"), NEWSIDX_READ_ONLY);
	ck_assert_int_eq(newsidx_watch_list(&w, db), NEWSIDX_OK);
	ck_assert_uint_eq(w->n, 1);
	newsidx_watches_free(w);
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_run)
{
	newsidx_watch_run_options_t ro = NEWSIDX_WATCH_RUN_OPTIONS_INIT;
	newsidx_db_t *db = open_db(1);
	struct got g;
	size_t n = 99;

	ck_assert_int_eq(newsidx_watch_add(db, "rail", "railway", NULL),
			 NEWSIDX_OK);
	newsidx_db_free(db);
	put("day2.jsonl", day2);

	/* A reader: the run saves through a writer of its own. */
	db = open_db(0);
	memset(&g, 0, sizeof(g));
	g.fail_end = 1;
	ck_assert_int_eq(newsidx_watch_run(db, "rail", collect, &g, NULL, &n),
			 NEWSIDX_INTERRUPTED);
	ck_assert_str_eq(g.ids, "b1 b2");
	ck_assert_int_eq(g.ends, 1);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(cursor_of(db, "rail", NULL), 2);

	memset(&g, 0, sizeof(g));
	g.fail_page = 1;
	ck_assert_int_eq(newsidx_watch_run(db, "rail", collect, &g, NULL, NULL),
			 NEWSIDX_INTERRUPTED);
	ck_assert_uint_eq(cursor_of(db, "rail", NULL), 2);

	memset(&g, 0, sizeof(g));
	ro.keep_cursor = 1;
	ck_assert_int_eq(newsidx_watch_run(db, "rail", collect, &g, &ro, &n),
			 NEWSIDX_OK);
	ck_assert_str_eq(g.ids, "b1 b2");
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(cursor_of(db, "rail", NULL), 2);

	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(newsidx_watch_run(db, "rail", collect, &g, NULL, &n),
			 NEWSIDX_OK);
	ck_assert_str_eq(g.ids, "b1 b2");
	ck_assert_uint_eq(n, 2);
	newsidx_db_free(db);
	db = open_db(0);
	ck_assert_uint_eq(cursor_of(db, "rail", NULL), 4);

	/* Nothing new: one call, the end. */
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(newsidx_watch_run(db, "rail", collect, &g, NULL, &n),
			 NEWSIDX_OK);
	ck_assert_int_eq(g.calls, 0);
	ck_assert_int_eq(g.ends, 1);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(newsidx_watch_run(db, "nosuch", collect, &g, NULL,
					   NULL),
			 NEWSIDX_NOT_FOUND);
	ck_assert_int_eq(newsidx_watch_run(db, "rail", NULL, NULL, NULL, NULL),
			 NEWSIDX_INVALID_ARGUMENT);
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_locked)
{
	newsidx_watch_run_options_t ro = NEWSIDX_WATCH_RUN_OPTIONS_INIT;
	newsidx_db_t *db = open_db(1), *r;
	struct got g;

	ck_assert_int_eq(newsidx_watch_add(db, "rail", "railway", NULL),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_index_buffer(db, "day2.jsonl", day2,
					      strlen(day2), NULL, NULL),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_commit(db), NEWSIDX_OK);
	/* db keeps the lock: a reader's run delivers, cannot save, and
	 * says so; the next run delivers the same again. */
	r = open_db(0);
	ro.lock_timeout = 0.1;
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(newsidx_watch_run(r, "rail", collect, &g, &ro, NULL),
			 NEWSIDX_LOCKED);
	ck_assert_str_eq(g.ids, "b1 b2");
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(r), "next run"));
	/* The writer itself runs it and saves with its own handle. */
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(newsidx_watch_run(db, "rail", collect, &g, &ro, NULL),
			 NEWSIDX_OK);
	ck_assert_str_eq(g.ids, "b1 b2");
	ck_assert_uint_eq(cursor_of(db, "rail", NULL), 4);
	newsidx_db_free(r);
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_sequence)
{
	static const char changed[] =
		"{\"id\":\"a1\",\"title\":\"Railway deal\",\"body\":\"A "
		"railway deal was signed again.\",\"date\":\"2024-03-07\"}\n"
		"{\"id\":\"a2\",\"title\":\"Harbour\",\"body\":\"Cranes came "
		"to the harbour.\",\"date\":\"2024-03-07\"}\n";
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *res = NULL;
	newsidx_db_t *db;
	unsigned long long seq = 0;

	/* The same file again: the same text, the same sequences. */
	put("day1.jsonl", day1);
	db = open_db(0);
	cursor_of(db, "", &seq);
	ck_assert_uint_eq(seq, 2);
	newsidx_db_free(db);
	/* a1 changed, a2 did not. */
	put("day1.jsonl", changed);
	db = open_db(0);
	cursor_of(db, "", &seq);
	ck_assert_uint_eq(seq, 3);
	so.sort = NEWSIDX_SORT_INDEXED;
	so.limit = 5;
	ck_assert_int_eq(newsidx_search(&res, db, "indexed:#1..", &so),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_count(res), 2);
	ck_assert_str_eq(newsidx_results_hit(res, 0)->id, "a2");
	ck_assert_str_eq(newsidx_results_hit(res, 1)->id, "a1");
	newsidx_results_free(res);
	ck_assert_int_eq(newsidx_search(&res, db, "indexed:#3", &so),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(res), 1);
	ck_assert_str_eq(newsidx_results_hit(res, 0)->id, "a1");
	newsidx_results_free(res);
	ck_assert_int_eq(newsidx_search(&res, db, "indexed:1h", &so),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(res), 2);
	newsidx_results_free(res);
	newsidx_db_free(db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("watch");
	TCase *tc = tcase_create("watch");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_lifecycle);
	tcase_add_test(tc, test_run);
	tcase_add_test(tc, test_locked);
	tcase_add_test(tc, test_sequence);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
