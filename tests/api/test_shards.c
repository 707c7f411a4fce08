/*
 * test_shards.c: newsidx_db_open() on a stub file naming a set of shards.
 * Articles indexed into two indexes and into one give the same ids and
 * scores; a set opens read-only; a shard that cannot be opened fails the
 * open naming its line, or with the partial option is left out and
 * reported by newsidx_db_shard_missing().
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsidx.h"

static char dir[256];

static const char *const articles[] = {
    "Japan and India agree on a railway\n\n"
    "date 2024-03-07 Tokyo: Japan and India agreed on a high-speed "
    "railway and on semiconductors.\n",
    "Kenya brings the internet to villages\n\n"
    "date 2024-06-04 Nairobi: Rural Kenya gets internet by satellite; "
    "the railway waits.\n",
    "Japan opens a chip plant\n\n"
    "date 2024-02-24 Kumamoto: A semiconductor plant opens in Japan.\n",
    "Turkey votes\n\n"
    "date 2024-04-01 Ankara: Local elections in Turkey change the "
    "map.\n",
};

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/newsidx-shards.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Index articles [from, to) into dir/name. */
static void build(const char *name, size_t from, size_t to)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;
	char p[400], art[32];
	size_t i;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&db, p, &oo), NEWSIDX_OK);
	for (i = from; i < to; i++) {
		snprintf(art, sizeof(art), "a%zu.txt", i);
		ck_assert_int_eq(newsidx_index_buffer(db, art, articles[i],
						      strlen(articles[i]), NULL,
						      NULL),
				 NEWSIDX_OK);
	}
	ck_assert_int_eq(newsidx_db_commit(db), NEWSIDX_OK);
	newsidx_db_free(db);
}

static void write_stub(const char *name, const char *text)
{
	char p[400];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static newsidx_db_t *open_read(const char *name, int partial,
			       newsidx_status_t want)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	oo.partial = partial;
	ck_assert_int_eq(newsidx_db_open(&db, p, &oo), want);
	return db;
}

START_TEST(test_set_equals_one_index)
{
	static const char *const queries[] = {"japan", "railway",
					      "semiconductor", "turkey",
					      "date:2024-03..2024-06"};
	newsidx_db_t *one, *set;
	size_t q, i;

	build("one", 0, 4);
	build("s1", 0, 2);
	build("s2", 2, 4);
	write_stub("set.stub", "# two shards\nauto s1\n\nglass s2\n");
	one = open_read("one", 0, NEWSIDX_OK);
	set = open_read("set.stub", 0, NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_db_shard_count(one), 0);
	ck_assert_uint_eq(newsidx_db_shard_count(set), 2);
	ck_assert_str_eq(newsidx_db_shard_line(set, 1), "glass s2");
	ck_assert_int_eq(newsidx_db_shard_remote(set, 0), 0);
	ck_assert_ptr_null(newsidx_db_shard_missing(set, 0));
	ck_assert_uint_eq(newsidx_db_shard_articles(set, 0), 2);
	ck_assert_ptr_null(newsidx_db_shard_line(set, 2));
	ck_assert_uint_eq(newsidx_db_count(set), 4);
	for (q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		newsidx_results_t *a = NULL, *b = NULL;

		ck_assert_int_eq(newsidx_search(&a, one, queries[q], NULL),
				 NEWSIDX_OK);
		ck_assert_int_eq(newsidx_search(&b, set, queries[q], NULL),
				 NEWSIDX_OK);
		ck_assert_uint_gt(newsidx_results_count(a), 0);
		ck_assert_uint_eq(newsidx_results_count(a),
				  newsidx_results_count(b));
		for (i = 0; i < newsidx_results_count(a); i++) {
			const newsidx_hit_t *x = newsidx_results_hit(a, i);
			const newsidx_hit_t *y = newsidx_results_hit(b, i);

			ck_assert_str_eq(x->id, y->id);
			ck_assert_str_eq(x->title, y->title);
			ck_assert(fabs(x->score - y->score) < 1e-9);
		}
		newsidx_results_free(a);
		newsidx_results_free(b);
	}
	/* What one index keeps alone is refused, not read from a shard. */
	{
		newsidx_info_t *info = NULL;
		newsidx_watches_t *w = NULL;

		ck_assert_int_eq(newsidx_db_info(set, &info),
				 NEWSIDX_INVALID_ARGUMENT);
		ck_assert_ptr_nonnull(
		    strstr(newsidx_db_errmsg(set), "is a set of shards"));
		ck_assert_int_eq(newsidx_watch_list(&w, set),
				 NEWSIDX_INVALID_ARGUMENT);
	}
	newsidx_db_free(one);
	newsidx_db_free(set);
}
END_TEST

START_TEST(test_set_is_read_only)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;
	char p[400];

	build("s1", 0, 2);
	write_stub("set.stub", "auto s1\n");
	snprintf(p, sizeof(p), "%s/set.stub", dir);
	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&db, p, &oo), NEWSIDX_READ_ONLY);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db),
				     "is a set of shards; write into one of "
				     "its shards"));
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_missing_shard)
{
	newsidx_results_t *r = NULL;
	newsidx_db_t *db;

	build("s1", 0, 2);
	write_stub("set.stub", "auto s1\nauto gone\n");
	db = open_read("set.stub", 0, NEWSIDX_NO_INDEX);
	ck_assert_ptr_nonnull(
	    strstr(newsidx_db_errmsg(db), "shard 'auto gone'"));
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), "line 2"));
	newsidx_db_free(db);

	db = open_read("set.stub", 1, NEWSIDX_OK);
	ck_assert_ptr_null(newsidx_db_shard_missing(db, 0));
	ck_assert_ptr_nonnull(newsidx_db_shard_missing(db, 1));
	ck_assert_int_eq(newsidx_search(&r, db, "japan", NULL), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_count(r), 1);
	ck_assert_ptr_nonnull(newsidx_db_shard_missing(db, 1));
	newsidx_results_free(r);
	newsidx_db_free(db);

	/* Every shard missing: the open fails even with partial. */
	write_stub("none.stub", "auto gone\n");
	db = open_read("none.stub", 1, NEWSIDX_NO_INDEX);
	newsidx_db_free(db);
	write_stub("bad.stub", "chert s1\n");
	db = open_read("bad.stub", 0, NEWSIDX_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), "bad.stub:1"));
	newsidx_db_free(db);
}
END_TEST

/* A set keeps what it knows of its shards (the languages they hold, whether
 * they have country tags) only until a shard commits: an open handle finds
 * an article in a language that came with a new commit. */
START_TEST(test_set_sees_new_languages)
{
	static const char de[] =
	    "{\"id\": \"de-1\", \"lang\": \"de\", \"date\": \"2024-05-02\", "
	    "\"title\": \"Neue Sanktionen gegen Russland\", \"body\": "
	    "\"Die Regierung beschloss am Donnerstag neue Sanktionen gegen "
	    "Russland und weitere Massnahmen gegen die Banken des Landes.\"}\n";
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_results_t *r = NULL;
	newsidx_db_t *db, *w = NULL;
	char p[400];

	build("s1", 0, 2);
	build("s2", 2, 4);
	write_stub("set.stub", "auto s1\nauto s2\n");
	db = open_read("set.stub", 0, NEWSIDX_OK);
	ck_assert_int_eq(newsidx_search(&r, db, "sanktionen", NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_count(r), 0);
	newsidx_results_free(r);
	r = NULL;

	snprintf(p, sizeof(p), "%s/s2", dir);
	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&w, p, &oo), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_index_buffer(w, "de.jsonl", de, strlen(de),
					      NULL, NULL),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_commit(w), NEWSIDX_OK);
	newsidx_db_free(w);

	/* "sanktionen" is read as German only once the set knows that a
	 * shard holds German articles. */
	ck_assert_int_eq(newsidx_search(&r, db, "sanktionen", NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_count(r), 1);
	ck_assert_str_eq(newsidx_results_hit(r, 0)->id, "de-1");
	newsidx_results_free(r);
	newsidx_db_free(db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("shards");
	TCase *tc = tcase_create("shards");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_set_equals_one_index);
	tcase_add_test(tc, test_set_is_read_only);
	tcase_add_test(tc, test_missing_shard);
	tcase_add_test(tc, test_set_sees_new_languages);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
