/*
 * test_generations.c: a retired generation gives its space back as soon
 * as no reader holds it.  A compaction with no reader open leaves one
 * generation on disk before it returns; one with a reader open keeps
 * the retired generation whole for that reader, whose searches go on
 * answering, until its next search moves it to the new one, which
 * removes the old.  A generation written before readers pinned them
 * goes once its stub is a minute old.  And newsidx_db_compact_due()
 * tells when new articles have bloated a compacted index.  Through
 * newsidx.h alone.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "newsidx.h"

static char dir[256];
static char path[300];

static void setup(void)
{
	static const char wire[] =
		"{\"id\":\"w1\",\"title\":\"Monsoon arrives early\",\"body\":"
		"\"The monsoon reached Kerala, and the railway to Kochi "
		"closed.\",\"date\":\"2024-05-30\"}\n"
		"{\"id\":\"w2\",\"title\":\"Rupee steadies\",\"body\":\"The "
		"rupee held steady against the dollar as India and Japan "
		"talked about the railway.\",\"date\":\"2024-05-31\"}\n";
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;

	snprintf(dir, sizeof(dir), "%s/newsidx-gen.XXXXXX",
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

/* The generation directories in the index, as "gen-1 gen-3". */
static void generations(char *out, size_t size)
{
	struct dirent **names = NULL;
	int n, i;
	size_t used = 0;

	out[0] = '\0';
	n = scandir(path, &names, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	for (i = 0; i < n; i++) {
		if (strncmp(names[i]->d_name, "gen-", 4) == 0 && used < size)
			used += (size_t)snprintf(out + used, size - used,
						 "%s%s", used ? " " : "",
						 names[i]->d_name);
		free(names[i]);
	}
	free(names);
}

static void compact(void)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *w = NULL;

	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&w, path, &oo), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_compact(w), NEWSIDX_OK);
	newsidx_db_free(w);
}

static size_t hits(newsidx_db_t *db, const char *q)
{
	newsidx_results_t *r = NULL;
	size_t n;

	ck_assert_int_eq(newsidx_search(&r, db, q, NULL), NEWSIDX_OK);
	n = newsidx_results_total(r);
	newsidx_results_free(r);
	return n;
}

START_TEST(test_no_reader)
{
	char before[256], after[256];
	newsidx_db_t *db = NULL;
	newsidx_info_t *info = NULL;

	generations(before, sizeof(before));
	ck_assert_str_eq(before, "gen-1");
	compact();
	generations(after, sizeof(after));
	ck_assert_str_eq(after, "gen-2");
	compact();
	generations(after, sizeof(after));
	ck_assert_str_eq(after, "gen-3");
	ck_assert_int_eq(newsidx_db_open(&db, path, NULL), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_info(db, &info), NEWSIDX_OK);
	ck_assert_uint_eq(info->retired_bytes, 0);
	ck_assert_uint_gt(info->disk_bytes, 0);
	newsidx_info_free(info);
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_reader_holds)
{
	char gens[256];
	newsidx_db_t *r1 = NULL, *r2 = NULL;
	newsidx_info_t *info = NULL;

	ck_assert_int_eq(newsidx_db_open(&r1, path, NULL), NEWSIDX_OK);
	ck_assert_uint_eq(hits(r1, "railway"), 2);
	compact();
	/* r1 still reads gen-1, whole. */
	generations(gens, sizeof(gens));
	ck_assert_str_eq(gens, "gen-1 gen-2");
	ck_assert_int_eq(newsidx_db_open(&r2, path, NULL), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_info(r2, &info), NEWSIDX_OK);
	ck_assert_uint_gt(info->retired_bytes, 0);
	ck_assert_uint_gt(info->disk_bytes, info->retired_bytes);
	newsidx_info_free(info);
	/* Its next search moves it to gen-2, and gen-1 goes. */
	ck_assert_uint_eq(hits(r1, "monsoon"), 1);
	generations(gens, sizeof(gens));
	ck_assert_str_eq(gens, "gen-2");
	/* Two readers on gen-2: the generation stays until both moved. */
	compact();
	generations(gens, sizeof(gens));
	ck_assert_str_eq(gens, "gen-2 gen-3");
	ck_assert_uint_eq(hits(r1, "rupee"), 1);
	generations(gens, sizeof(gens));
	ck_assert_str_eq(gens, "gen-2 gen-3");
	newsidx_db_free(r2);
	generations(gens, sizeof(gens));
	ck_assert_str_eq(gens, "gen-3");
	ck_assert_uint_eq(hits(r1, "railway"), 2);
	newsidx_db_free(r1);
}
END_TEST

START_TEST(test_before_readers_files)
{
	char gens[256], p[600];
	struct timeval old[2];
	newsidx_db_t *r = NULL;

	/* A reader that opened a generation before it had a readers file
	 * (an index written by an earlier version) holds no pin: the
	 * generation may go under it, and its searches go on, on the new
	 * one. */
	snprintf(p, sizeof(p), "%s/gen-1/readers", path);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(newsidx_db_open(&r, path, NULL), NEWSIDX_OK);
	ck_assert_uint_eq(hits(r, "railway"), 2);
	compact();
	ck_assert_uint_eq(hits(r, "railway"), 2);
	ck_assert_uint_eq(hits(r, "monsoon"), 1);
	newsidx_db_free(r);
	/* A retired generation without a readers file stays until the stub
	 * that retired it is a minute old. */
	ck_assert_int_eq(newsidx_db_open(&r, path, NULL), NEWSIDX_OK);
	ck_assert_uint_eq(hits(r, "railway"), 2);
	compact();
	generations(gens, sizeof(gens));
	ck_assert_str_eq(gens, "gen-2 gen-3");
	snprintf(p, sizeof(p), "%s/gen-2/readers", path);
	ck_assert_int_eq(unlink(p), 0);
	newsidx_db_free(r);
	compact();
	generations(gens, sizeof(gens));
	ck_assert_str_eq(gens, "gen-2 gen-4");
	snprintf(p, sizeof(p), "%s/XAPIANDB", path);
	gettimeofday(&old[0], NULL);
	old[0].tv_sec -= 120;
	old[1] = old[0];
	ck_assert_int_eq(utimes(p, old), 0);
	compact();
	generations(gens, sizeof(gens));
	ck_assert_str_eq(gens, "gen-5");
}
END_TEST

/* Articles of 80 words from a wide vocabulary, as JSON Lines. */
static char *spread_articles(unsigned first, unsigned n)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	unsigned i, k, r = first * 2654435761u + 1;

	ck_assert_ptr_nonnull(f);
	for (i = 0; i < n; i++) {
		fprintf(f, "{\"id\":\"s%u\",\"body\":\"", first + i);
		for (k = 0; k < 80; k++) {
			r = r * 1103515245u + 12345u;
			fprintf(f, " w%xq", (r >> 8) % 20000);
		}
		fputs("\"}\n", f);
	}
	fclose(f);
	return s;
}

START_TEST(test_compact_due)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *w = NULL, *r = NULL;
	char *text;

	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&w, path, &oo), NEWSIDX_OK);
	text = spread_articles(0, 2000);
	ck_assert_int_eq(newsidx_index_buffer(w, "a.jsonl", text,
					      strlen(text), NULL, NULL),
			 NEWSIDX_OK);
	free(text);
	ck_assert_int_eq(newsidx_db_commit(w), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_compact(w), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_commit(w), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_compact_due(w), 0);
	/* 50 articles spread over the dictionary split most blocks. */
	text = spread_articles(5000, 50);
	ck_assert_int_eq(newsidx_index_buffer(w, "b.jsonl", text,
					      strlen(text), NULL, NULL),
			 NEWSIDX_OK);
	free(text);
	ck_assert_int_eq(newsidx_db_commit(w), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_compact_due(w), 1);
	ck_assert_int_eq(newsidx_db_open(&r, path, NULL), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_compact_due(r), 0); /* read-only */
	newsidx_db_free(r);
	ck_assert_int_eq(newsidx_db_compact(w), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_compact_due(w), 0);
	ck_assert_int_eq(newsidx_db_compact_due(NULL), 0);
	newsidx_db_free(w);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("generations");
	TCase *tc = tcase_create("generations");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_no_reader);
	tcase_add_test(tc, test_reader_holds);
	tcase_add_test(tc, test_before_readers_files);
	tcase_add_test(tc, test_compact_due);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
