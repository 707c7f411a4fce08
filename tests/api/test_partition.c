/*
 * test_partition.c: a partitioned index through the C API.  A writer
 * opened with newsidx_open_options.period makes a new directory a
 * partitioned index; articles indexed into it land in the shard of their
 * year (or undated/), and the same articles indexed into one index give
 * the same ids and scores.  An article sent again with another date
 * moves shard; deletions reach every shard; open options of an earlier
 * version still open it; newsidx_db_reshard() converts it to a single
 * index and back.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "newsidx.h"

static char dir[256];

static const char *const articles[] = {
    "Japan and India agree on a railway\n\n"
    "date 2024-03-07 Tokyo: Japan and India agreed on a high-speed "
    "railway and on semiconductors.\n",
    "Kenya brings the internet to villages\n\n"
    "date 2023-06-04 Nairobi: Rural Kenya gets internet by satellite; "
    "the railway waits for its own money.\n",
    "Japan opens a chip plant\n\n"
    "date 2022-02-24 Kumamoto: A semiconductor plant opens in Japan, "
    "near the railway.\n",
    "Turkey votes\n\n"
    "Local elections in Turkey change the map of Japan's partners and "
    "of the railway lobby, undated.\n",
};

#define NART (sizeof(articles) / sizeof(articles[0]))

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/newsidx-part.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static newsidx_db_t *open_write(const char *name, int period,
				newsidx_status_t want)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	oo.mode = NEWSIDX_OPEN_WRITE;
	oo.period = period;
	ck_assert_int_eq(newsidx_db_open(&db, p, &oo), want);
	return db;
}

static newsidx_db_t *open_read(const char *name)
{
	newsidx_db_t *db = NULL;
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_int_eq(newsidx_db_open(&db, p, NULL), NEWSIDX_OK);
	return db;
}

/* Index every article into dir/name. */
static void build(const char *name, int period)
{
	newsidx_db_t *db = open_write(name, period, NEWSIDX_OK);
	char art[32];
	size_t i;

	for (i = 0; i < NART; i++) {
		snprintf(art, sizeof(art), "a%zu.txt", i);
		ck_assert_int_eq(newsidx_index_buffer(db, art, articles[i],
						      strlen(articles[i]), NULL,
						      NULL),
				 NEWSIDX_OK);
	}
	ck_assert_int_eq(newsidx_db_commit(db), NEWSIDX_OK);
	newsidx_db_free(db);
}

static int is_dir(const char *name)
{
	char p[400];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* 1 when result lists a and b hold the same ids, in any order. */
static int same_ids(const newsidx_results_t *a, const newsidx_results_t *b)
{
	size_t i, j, n = newsidx_results_count(a);

	if (n != newsidx_results_count(b))
		return 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(newsidx_results_hit(a, i)->id,
				   newsidx_results_hit(b, j)->id) == 0)
				break;
		if (j == n)
			return 0;
	}
	return 1;
}

/* The same ids, in the same order, with the same scores. */
static void same_results(newsidx_db_t *one, newsidx_db_t *part)
{
	static const char *const queries[] = {"japan", "railway",
					      "semiconductor", "turkey"};
	size_t q, i;

	for (q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		newsidx_results_t *a = NULL, *b = NULL;

		ck_assert_int_eq(newsidx_search(&a, one, queries[q], NULL),
				 NEWSIDX_OK);
		ck_assert_int_eq(newsidx_search(&b, part, queries[q], NULL),
				 NEWSIDX_OK);
		ck_assert_uint_gt(newsidx_results_count(a), 0);
		ck_assert_uint_eq(newsidx_results_count(a),
				  newsidx_results_count(b));
		for (i = 0; i < newsidx_results_count(a); i++) {
			const newsidx_hit_t *x = newsidx_results_hit(a, i);
			const newsidx_hit_t *y = newsidx_results_hit(b, i);

			ck_assert_str_eq(x->id, y->id);
			ck_assert(fabs(x->score - y->score) < 1e-9);
		}
		newsidx_results_free(a);
		newsidx_results_free(b);
	}
}

START_TEST(test_partitioned_equals_one_index)
{
	newsidx_db_t *one, *part;
	size_t i;

	build("one", NEWSIDX_PERIOD_NONE);
	build("part", NEWSIDX_PERIOD_YEAR);
	ck_assert(is_dir("part/2022") && is_dir("part/2023") &&
		  is_dir("part/2024") && is_dir("part/undated"));
	one = open_read("one");
	part = open_read("part");
	ck_assert_int_eq(newsidx_db_period(one), NEWSIDX_PERIOD_NONE);
	ck_assert_int_eq(newsidx_db_period(part), NEWSIDX_PERIOD_YEAR);
	ck_assert_uint_eq(newsidx_db_shard_count(part), 4);
	ck_assert_str_eq(newsidx_db_shard_line(part, 0), "auto 2022");
	ck_assert_str_eq(newsidx_db_shard_line(part, 3), "auto undated");
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(newsidx_db_shard_articles(part, i), 1);
		ck_assert_int_eq(newsidx_db_shard_closed(part, i), 0);
	}
	ck_assert_uint_eq(newsidx_db_count(part), NART);
	same_results(one, part);
	/* A date filter asks the shards of its years alone: the same hits
	 * (scored over the shards asked). */
	{
		newsidx_results_t *a = NULL, *b = NULL;
		const char *q = "railway date:2023-01..2024-06";

		ck_assert_int_eq(newsidx_search(&a, one, q, NULL), NEWSIDX_OK);
		ck_assert_int_eq(newsidx_search(&b, part, q, NULL), NEWSIDX_OK);
		ck_assert_uint_eq(newsidx_results_count(a), 2);
		ck_assert(same_ids(a, b));
		ck_assert_int_eq(newsidx_db_shard_skipped(part, 0), 1);
		ck_assert_int_eq(newsidx_db_shard_skipped(part, 1), 0);
		ck_assert_int_eq(newsidx_db_shard_skipped(part, 2), 0);
		ck_assert_int_eq(newsidx_db_shard_skipped(part, 3), 1);
		ck_assert_int_eq(newsidx_db_shard_skipped(one, 0), 0);
		newsidx_results_free(a);
		newsidx_results_free(b);
		/* The next search without dates asks every shard again. */
		ck_assert_int_eq(newsidx_search(&b, part, "railway", NULL),
				 NEWSIDX_OK);
		ck_assert_uint_eq(newsidx_results_count(b), NART);
		ck_assert_int_eq(newsidx_db_shard_skipped(part, 0), 0);
		newsidx_results_free(b);
	}
	newsidx_db_free(one);
	newsidx_db_free(part);
}
END_TEST

START_TEST(test_moves_and_deletes)
{
	static const char moved[] =
	    "Japan opens a chip plant\n\n"
	    "date 2024-12-24 Kumamoto: A semiconductor plant opens in Japan, "
	    "near the railway.\n";
	newsidx_db_t *db, *r;
	size_t n = 0;

	build("part", NEWSIDX_PERIOD_YEAR);
	/* a2.txt again, dated 2024: it leaves 2022/. */
	db = open_write("part", NEWSIDX_PERIOD_NONE, NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_period(db), NEWSIDX_PERIOD_YEAR);
	ck_assert_int_eq(newsidx_index_buffer(db, "a2.txt", moved,
					      strlen(moved), NULL, NULL),
			 NEWSIDX_OK);
	newsidx_db_free(db);
	r = open_read("part/2022");
	ck_assert_uint_eq(newsidx_db_count(r), 0);
	newsidx_db_free(r);
	r = open_read("part");
	ck_assert_uint_eq(newsidx_db_count(r), NART);
	newsidx_db_free(r);
	/* Another period is refused; deletions reach every shard. */
	db = open_write("part", NEWSIDX_PERIOD_MONTH, NEWSIDX_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), "reshard"));
	newsidx_db_free(db);
	db = open_write("part", NEWSIDX_PERIOD_YEAR, NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_delete_query(db, "railway", &n),
			 NEWSIDX_OK);
	ck_assert_uint_eq(n, NART);
	ck_assert_int_eq(newsidx_db_delete_id(db, "nothing-such"),
			 NEWSIDX_NOT_FOUND);
	newsidx_db_free(db);
	r = open_read("part");
	ck_assert_uint_eq(newsidx_db_count(r), 0);
	newsidx_db_free(r);
}
END_TEST

/* newsidx_db_reclaim(): a lean partitioned index gives back the space
 * of the articles it lists deleted, shard by shard, and closes nothing. */
START_TEST(test_reclaim)
{
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_db_t *db, *r;
	char art[32], text[160], p[400];
	size_t i, n = 0;
	struct stat sb;

	io.positions = NEWSIDX_POSITIONS_COMPACT;
	db = open_write("lean", NEWSIDX_PERIOD_YEAR, NEWSIDX_OK);
	for (i = 0; i < 8; i++) {
		snprintf(art, sizeof(art), "u%zu.txt", i);
		snprintf(text, sizeof(text),
			 "Harbour note %zu\n\nThe harbour cranes, note w%zu, "
			 "undated, with a few more words.\n",
			 i, i);
		ck_assert_int_eq(newsidx_index_buffer(db, art, text,
						      strlen(text), &io, NULL),
				 NEWSIDX_OK);
	}
	ck_assert_int_eq(newsidx_db_commit(db), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_compact_due(db), 0);
	ck_assert_int_eq(newsidx_db_reclaim(db), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_delete_query(db, "w1 OR w2 OR w3", &n),
			 NEWSIDX_OK);
	ck_assert_uint_eq(n, 3);
	/* Three of eight listed: due, then given back. */
	ck_assert_int_eq(newsidx_db_compact_due(db), 1);
	ck_assert_int_eq(newsidx_db_reclaim(db), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_compact_due(db), 0);
	snprintf(p, sizeof(p), "%s/lean/undated/CLOSED", dir);
	ck_assert_int_ne(stat(p, &sb), 0);
	newsidx_db_free(db);
	r = open_read("lean/undated");
	{
		newsidx_info_t *info = NULL;

		ck_assert_int_eq(newsidx_db_info(r, &info), NEWSIDX_OK);
		ck_assert_uint_eq(info->articles, 5);
		ck_assert_uint_eq(info->deleted, 0);
		newsidx_info_free(info);
	}
	newsidx_db_free(r);
	r = open_read("lean");
	ck_assert_uint_eq(newsidx_db_count(r), 5);
	ck_assert_int_eq(newsidx_db_reclaim(r), NEWSIDX_READ_ONLY);
	newsidx_db_free(r);
	ck_assert_int_eq(newsidx_db_reclaim(NULL), NEWSIDX_INVALID_ARGUMENT);
}
END_TEST

START_TEST(test_old_options)
{
	/* Open options of version 3 (no period) open it as it is. */
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;
	char p[400];

	build("part", NEWSIDX_PERIOD_MONTH);
	ck_assert(is_dir("part/2024-03"));
	snprintf(p, sizeof(p), "%s/part", dir);
	oo.version = 3;
	oo.period = 99; /* not read at version 3 */
	ck_assert_int_eq(newsidx_db_open(&db, p, &oo), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_period(db), NEWSIDX_PERIOD_MONTH);
	ck_assert_uint_eq(newsidx_db_count(db), NART);
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_reshard)
{
	newsidx_db_t *one, *part, *reader;
	char p[400], err[512];

	/* Paths are what a reshard reads again: files, not buffers. */
	{
		newsidx_db_t *db;
		size_t i;
		FILE *f;

		snprintf(p, sizeof(p), "%s/in", dir);
		ck_assert_int_eq(mkdir(p, 0777), 0);
		for (i = 0; i < NART; i++) {
			snprintf(p, sizeof(p), "%s/in/a%zu.txt", dir, i);
			f = fopen(p, "w");
			ck_assert_ptr_nonnull(f);
			fputs(articles[i], f);
			fclose(f);
		}
		snprintf(p, sizeof(p), "%s/in", dir);
		db = open_write("one", NEWSIDX_PERIOD_NONE, NEWSIDX_OK);
		ck_assert_int_eq(newsidx_index_path(db, p, NULL, NULL),
				 NEWSIDX_OK);
		newsidx_db_free(db);
		db = open_write("part", NEWSIDX_PERIOD_NONE, NEWSIDX_OK);
		ck_assert_int_eq(newsidx_index_path(db, p, NULL, NULL),
				 NEWSIDX_OK);
		newsidx_db_free(db);
	}
	/* A reader open across the reshard keeps its results. */
	reader = open_read("part");
	snprintf(p, sizeof(p), "%s/part", dir);
	ck_assert_int_eq(newsidx_db_reshard(p, NEWSIDX_PERIOD_YEAR, 0, NULL,
					    NULL, err, sizeof(err)),
			 NEWSIDX_OK);
	ck_assert(is_dir("part/2023") && !is_dir("part.reshard"));
	one = open_read("one");
	same_results(one, reader);
	newsidx_db_free(reader);
	reader = open_read("part");
	ck_assert_int_eq(newsidx_db_period(reader), NEWSIDX_PERIOD_YEAR);
	same_results(one, reader);
	ck_assert_int_eq(newsidx_db_reshard(p, NEWSIDX_PERIOD_NONE, 0, NULL,
					    NULL, err, sizeof(err)),
			 NEWSIDX_OK);
	same_results(one, reader);
	newsidx_db_free(reader);
	part = open_read("part");
	ck_assert_int_eq(newsidx_db_period(part), NEWSIDX_PERIOD_NONE);
	same_results(one, part);
	newsidx_db_free(part);
	newsidx_db_free(one);
	snprintf(p, sizeof(p), "%s/nothing", dir);
	ck_assert_int_eq(newsidx_db_reshard(p, NEWSIDX_PERIOD_YEAR, 0, NULL,
					    NULL, err, sizeof(err)),
			 NEWSIDX_NO_INDEX);
	ck_assert_ptr_nonnull(strstr(err, "no index"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("partition");
	TCase *tc = tcase_create("partition");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_partitioned_equals_one_index);
	tcase_add_test(tc, test_moves_and_deletes);
	tcase_add_test(tc, test_reclaim);
	tcase_add_test(tc, test_old_options);
	tcase_add_test(tc, test_reshard);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
