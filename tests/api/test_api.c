/*
 * test_api.c: tests of the public API through newsidx.h alone, linked
 * against the shared library: handle lifecycle, ownership of results,
 * status codes and messages, and the error paths a caller must handle.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "newsidx.h"

static char dir[256];
static char path[300];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/newsidx-api.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/idx", dir);
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static newsidx_db_t *writer(void)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;

	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&db, path, &oo), NEWSIDX_OK);
	return db;
}

static const char article[] =
	"date 2024-03-07 Tokyo: Japan and India agreed to speed up the "
	"high-speed railway and to cooperate on semiconductors.\n\n"
	"Officials said the railways would open in 2027.";

static const char wire[] =
	"{\"id\":\"w1\",\"title\":\"Monsoon arrives early\",\"body\":\"The "
	"monsoon reached Kerala.\",\"date\":\"2024-05-30T06:00:00+05:30\","
	"\"source\":\"Asia Wire\",\"place\":\"Kochi\"}\n"
	"{\"id\":\"w2\",\"title\":\"Rupee steadies\",\"body\":\"The rupee "
	"held steady against the dollar.\",\"date\":\"2024-05-31\"}\n";

static const char later[] =
	"{\"id\":\"l1\",\"title\":\"Neue Sanktionen gegen Japan\","
	"\"body\":\"Die Regierung hat neue Sanktionen gegen Japan "
	"beschlossen. Die Sanktionen treffen Banken und Werften in Japan."
	"\",\"date\":\"2031-02-01\",\"lang\":\"de\"}\n";

START_TEST(test_version_and_status)
{
	int i, j;

	ck_assert_str_eq(newsidx_version(), "0.4.0");
	ck_assert_int_eq(NEWSIDX_VERSION_NUM, 0x000400);
	for (i = 0; i <= (int)NEWSIDX_DELETE_REFUSED; i++) {
		const char *s = newsidx_status_str((newsidx_status_t)i);

		ck_assert_ptr_nonnull(s);
		ck_assert_int_gt((int)strlen(s), 0);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(s, newsidx_status_str(
						    (newsidx_status_t)j));
	}
	ck_assert_ptr_nonnull(newsidx_status_str((newsidx_status_t)999));
}
END_TEST

START_TEST(test_free_null)
{
	newsidx_db_free(NULL);
	newsidx_results_free(NULL);
	newsidx_free(NULL);
	ck_assert_str_eq(newsidx_db_errmsg(NULL), "no handle");
	ck_assert_int_eq((int)newsidx_results_total(NULL), 0);
	ck_assert_int_eq((int)newsidx_results_total_all(NULL), 0);
	ck_assert_int_eq((int)newsidx_results_total_some(NULL), 0);
	ck_assert_ptr_null(newsidx_results_hit(NULL, 0));
}
END_TEST

START_TEST(test_open_missing)
{
	newsidx_db_t *db = NULL;

	ck_assert_int_eq(newsidx_db_open(&db, path, NULL), NEWSIDX_NO_INDEX);
	ck_assert_ptr_nonnull(db);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), "no index at"));
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), path));
	newsidx_db_free(db);
	ck_assert_int_eq(access(path, F_OK), -1); /* nothing created */
	ck_assert_int_eq(newsidx_db_open(&db, NULL, NULL),
			 NEWSIDX_INVALID_ARGUMENT);
	newsidx_db_free(db);
	ck_assert_int_eq(newsidx_db_open(NULL, path, NULL),
			 NEWSIDX_INVALID_ARGUMENT);
}
END_TEST

START_TEST(test_index_and_search)
{
	newsidx_db_t *db = writer();
	newsidx_index_stats_t stats;
	newsidx_results_t *r = NULL;
	const newsidx_hit_t *h;

	memset(&stats, 0, sizeof(stats));
	ck_assert_int_eq(newsidx_index_buffer(db, "tokyo.txt", article,
					      strlen(article), NULL, &stats),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_index_buffer(db, "wire.jsonl", wire,
					      strlen(wire), NULL, &stats),
			 NEWSIDX_OK);
	ck_assert_uint_eq(stats.files, 2);
	ck_assert_uint_eq(stats.articles, 3);
	ck_assert_uint_eq(stats.rejected, 0);
	ck_assert_uint_eq(newsidx_db_count(db), 3);
	ck_assert_str_eq(newsidx_db_path(db), path);

	/* The writer can search what it indexed. */
	ck_assert_int_eq(newsidx_search(&r, db, "railway", NULL), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 1);
	ck_assert_uint_eq(newsidx_results_count(r), 1);
	h = newsidx_results_hit(r, 0);
	ck_assert_str_eq(h->id, "tokyo.txt");
	ck_assert_str_eq(h->date, "2024-03-07");
	ck_assert_str_eq(h->place, "Tokyo");
	ck_assert_uint_eq(h->rank, 1);
	ck_assert(h->score > 0);
	ck_assert_uint_ge(h->nhighlights, 2); /* railway, railways */
	ck_assert_ptr_null(newsidx_results_hit(r, 1));
	newsidx_results_free(r);

	/* JSON Lines fields, and the date normalised to UTC. */
	ck_assert_int_eq(newsidx_search(&r, db, "monsoon", NULL), NEWSIDX_OK);
	h = newsidx_results_hit(r, 0);
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(h->id, "w1");
	ck_assert_str_eq(h->title, "Monsoon arrives early");
	ck_assert_str_eq(h->date, "2024-05-30T00:30:00Z");
	ck_assert_str_eq(h->source, "Asia Wire");
	ck_assert_str_eq(h->place, "Kochi");
	ck_assert_str_eq(h->lang, "en");
	newsidx_results_free(r);
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_results_outlive_handle)
{
	newsidx_db_t *db = writer(), *reader = NULL;
	newsidx_results_t *r = NULL;
	const newsidx_hit_t *h;

	ck_assert_int_eq(newsidx_index_buffer(db, "tokyo.txt", article,
					      strlen(article), NULL, NULL),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_open(&reader, path, NULL), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_search(&r, reader, "semiconductor", NULL),
			 NEWSIDX_OK);
	/* A writer replaces the article and commits; the reader's copied
	 * results stay valid, even after both handles are gone. */
	ck_assert_int_eq(newsidx_index_buffer(db, "tokyo.txt", wire,
					      strlen(wire), NULL, NULL),
			 NEWSIDX_OK);
	newsidx_db_free(reader);
	newsidx_db_free(db);
	h = newsidx_results_hit(r, 0);
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(h->id, "tokyo.txt");
	ck_assert_ptr_nonnull(strstr(h->snippet, "semiconductors"));
	newsidx_results_free(r);
}
END_TEST

START_TEST(test_reader_sees_commits)
{
	newsidx_db_t *db = writer(), *reader = NULL;
	newsidx_results_t *r = NULL;

	ck_assert_int_eq(newsidx_index_buffer(db, "tokyo.txt", article,
					      strlen(article), NULL, NULL),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_open(&reader, path, NULL), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_search(&r, reader, "rupee", NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 0);
	newsidx_results_free(r);
	ck_assert_int_eq(newsidx_index_buffer(db, "wire.jsonl", wire,
					      strlen(wire), NULL, NULL),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_search(&r, reader, "rupee", NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 1);
	newsidx_results_free(r);

	/* What a reader keeps of a commit (the years, languages and country
	 * tags the index holds) follows the next one: a new year, a new
	 * language and a new country are found at once. */
	ck_assert_int_eq(newsidx_search(&r, reader, "date:2031", NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 0);
	newsidx_results_free(r);
	ck_assert_int_eq(newsidx_search(&r, reader, "sanktionen", NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 0);
	newsidx_results_free(r);
	ck_assert_int_eq(newsidx_index_buffer(db, "later.jsonl", later,
					      strlen(later), NULL, NULL),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_search(&r, reader, "date:2031", NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 1);
	newsidx_results_free(r);
	ck_assert_int_eq(newsidx_search(&r, reader, "sanktionen", NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 1);
	newsidx_results_free(r);
	ck_assert_int_eq(newsidx_search(&r, reader, "date:2031..2031 japan",
					NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 1);
	newsidx_results_free(r);
	newsidx_db_free(reader);
	newsidx_db_free(db);
}
END_TEST

struct rejects {
	int n;
	char where[256];
	char reason[256];
};

static void on_reject(void *ctx, const char *where, const char *reason)
{
	struct rejects *rj = ctx;

	rj->n++;
	snprintf(rj->where, sizeof(rj->where), "%s", where);
	snprintf(rj->reason, sizeof(rj->reason), "%s", reason);
}

START_TEST(test_rejects)
{
	static const char bad[] = "{\"id\":\"ok\",\"body\":\"fine text\"}\n"
				  "{\"id\":\"bad\",\"body\":\"no end}\n";
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t stats;
	struct rejects rj;
	newsidx_db_t *db = writer();

	memset(&rj, 0, sizeof(rj));
	memset(&stats, 0, sizeof(stats));
	io.on_reject = on_reject;
	io.reject_ctx = &rj;
	ck_assert_int_eq(newsidx_index_buffer(db, "mixed.jsonl", bad,
					      strlen(bad), &io, &stats),
			 NEWSIDX_REJECTED);
	ck_assert_int_eq(rj.n, 1);
	ck_assert_str_eq(rj.where, "mixed.jsonl:2:28"); /* past the end */
	ck_assert_ptr_nonnull(strstr(rj.reason, "invalid JSON"));
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), "mixed.jsonl:2"));
	ck_assert_uint_eq(stats.articles, 1);
	ck_assert_uint_eq(stats.rejected, 1);
	ck_assert_uint_eq(stats.rejected_files, 1);
	ck_assert_uint_eq(newsidx_db_count(db), 1);

	/* Size limit through the options. */
	io.max_article_bytes = 10;
	ck_assert_int_eq(newsidx_index_buffer(db, "long.txt", article,
					      strlen(article), &io, &stats),
			 NEWSIDX_REJECTED);
	ck_assert_ptr_nonnull(strstr(rj.reason, "larger than 10 bytes"));
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_read_only_and_locked)
{
	newsidx_db_t *db = writer(), *other = NULL, *reader = NULL;
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;

	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&other, path, &oo), NEWSIDX_LOCKED);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(other), "locked"));
	newsidx_db_free(other);

	ck_assert_int_eq(newsidx_db_open(&reader, path, NULL), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_index_buffer(reader, "x.txt", article,
					      strlen(article), NULL, NULL),
			 NEWSIDX_READ_ONLY);
	ck_assert_int_eq(newsidx_db_commit(reader), NEWSIDX_READ_ONLY);
	newsidx_db_free(reader);
	newsidx_db_free(db);

	/* Released on free. */
	ck_assert_int_eq(newsidx_db_open(&other, path, &oo), NEWSIDX_OK);
	newsidx_db_free(other);
}
END_TEST

START_TEST(test_syntax_and_explain)
{
	newsidx_db_t *db = writer();
	newsidx_results_t *r = NULL;
	char *ex = NULL;

	ck_assert_int_eq(newsidx_search(&r, db, "(railway", NULL),
			 NEWSIDX_QUERY_SYNTAX);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), "column 1"));
	ck_assert_int_eq(newsidx_search(&r, db, "   ", NULL),
			 NEWSIDX_QUERY_SYNTAX);
	ck_assert_int_eq(newsidx_query_explain(db, "\"trade deficit\"", NULL,
					       &ex),
			 NEWSIDX_OK);
	ck_assert_ptr_nonnull(strstr(ex, "PHRASE"));
	newsidx_free(ex);
	ck_assert_int_eq(newsidx_search(NULL, db, "x", NULL),
			 NEWSIDX_INVALID_ARGUMENT);
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_paging_and_sort)
{
	newsidx_db_t *db = writer();
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *r = NULL;
	char buf[256];
	int i;

	for (i = 0; i < 25; i++) {
		int n = snprintf(buf, sizeof(buf),
				 "{\"id\":\"n%02d\",\"body\":\"harbour "
				 "news %d\",\"date\":\"2024-01-%02d\"}\n",
				 i, i, i + 1);

		ck_assert_int_eq(newsidx_index_buffer(db, "n.jsonl", buf,
						      (size_t)n, NULL, NULL),
				 NEWSIDX_OK);
	}
	so.limit = 5;
	so.offset = 10;
	so.sort = NEWSIDX_SORT_NEWEST;
	ck_assert_int_eq(newsidx_search(&r, db, "harbour", &so), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 25);
	ck_assert_uint_eq(newsidx_results_count(r), 5);
	ck_assert_str_eq(newsidx_results_hit(r, 0)->id, "n14");
	ck_assert_uint_eq(newsidx_results_hit(r, 0)->rank, 11);
	ck_assert_str_eq(newsidx_results_hit(r, 4)->id, "n10");
	newsidx_results_free(r);
	so.sort = NEWSIDX_SORT_OLDEST;
	so.snippets = 0;
	ck_assert_int_eq(newsidx_search(&r, db, "harbour", &so), NEWSIDX_OK);
	ck_assert_str_eq(newsidx_results_hit(r, 0)->id, "n10");
	ck_assert_str_eq(newsidx_results_hit(r, 0)->snippet, "");
	ck_assert_int_eq(newsidx_results_time_limited(r), 0);
	newsidx_results_free(r);
	newsidx_db_free(db);
}
END_TEST

/* A time limit reached at once: the same page, the total no longer
 * called exact; a negative one is refused.  Xapian arms the limit with a
 * POSIX timer whose expiry runs on glibc's helper thread. */
START_TEST(test_time_limit)
{
	newsidx_db_t *db = writer();
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *r = NULL;
	char buf[256];
	int i;

	for (i = 0; i < 25; i++) {
		int n = snprintf(buf, sizeof(buf),
				 "{\"id\":\"n%02d\",\"body\":\"harbour "
				 "news %d\",\"date\":\"2024-01-%02d\"}\n",
				 i, i, i + 1);

		ck_assert_int_eq(newsidx_index_buffer(db, "n.jsonl", buf,
						      (size_t)n, NULL, NULL),
				 NEWSIDX_OK);
	}
	so.limit = 5;
	so.offset = 10;
	so.sort = NEWSIDX_SORT_OLDEST;
	so.snippets = 0;
	so.time_limit = 1e-9;
	so.facets = NEWSIDX_FACET_MONTH;
	ck_assert_int_eq(newsidx_search(&r, db, "harbour", &so), NEWSIDX_OK);
	ck_assert_int_ne(newsidx_results_time_limited(r), 0);
	ck_assert_int_eq(newsidx_results_total_exact(r), 0);
	ck_assert_uint_eq(newsidx_results_count(r), 5);
	ck_assert_str_eq(newsidx_results_hit(r, 0)->id, "n10");
	newsidx_results_free(r);
	so.time_limit = 600;
	ck_assert_int_eq(newsidx_search(&r, db, "harbour", &so), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_results_time_limited(r), 0);
	ck_assert_uint_eq(newsidx_results_total(r), 25);
	ck_assert_int_ne(newsidx_results_total_exact(r), 0);
	newsidx_results_free(r);
	so.time_limit = -1;
	ck_assert_int_eq(newsidx_search(&r, db, "harbour", &so),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), "time limit"));
	newsidx_results_free(r);
	newsidx_db_free(db);
}
END_TEST

/* The default query: the articles with every word first, then those
 * with some, counted apart; relax = 0 requires every word.  Through the
 * writer (counts after the page) and a reader (counts in a thread). */
static void check_soft(newsidx_db_t *db)
{
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *r = NULL;

	ck_assert_int_eq(newsidx_search(&r, db, "railway strike", NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 4);
	ck_assert_uint_eq(newsidx_results_total_all(r), 1);
	ck_assert_uint_eq(newsidx_results_total_some(r), 3);
	ck_assert_int_ne(newsidx_results_total_exact(r), 0);
	ck_assert_int_ne(newsidx_results_relaxed(r), 0);
	ck_assert_uint_eq(newsidx_results_count(r), 4);
	ck_assert_str_eq(newsidx_results_hit(r, 0)->id, "both");
	ck_assert_double_lt(newsidx_results_hit(r, 0)->score, 1000.0);
	newsidx_results_free(r);

	so.relax = 0;
	ck_assert_int_eq(newsidx_search(&r, db, "railway strike", &so),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 1);
	ck_assert_uint_eq(newsidx_results_total_all(r), 1);
	ck_assert_uint_eq(newsidx_results_total_some(r), 0);
	ck_assert_int_eq(newsidx_results_relaxed(r), 0);
	newsidx_results_free(r);

	/* A one-word query: every match has all its words. */
	ck_assert_int_eq(newsidx_search(&r, db, "strike", NULL), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total_all(r), 3);
	ck_assert_uint_eq(newsidx_results_total_some(r), 0);
	newsidx_results_free(r);
}

START_TEST(test_soft_totals)
{
	static const char docs[] =
		"{\"id\":\"both\",\"body\":\"A railway strike began.\"}\n"
		"{\"id\":\"rail\",\"body\":\"The railway reopened.\"}\n"
		"{\"id\":\"s1\",\"body\":\"Dockers strike at dawn.\"}\n"
		"{\"id\":\"s2\",\"body\":\"Teachers strike for pay.\"}\n";
	newsidx_db_t *db = writer(), *reader = NULL;

	ck_assert_int_eq(newsidx_index_buffer(db, "d.jsonl", docs,
					      strlen(docs), NULL, NULL),
			 NEWSIDX_OK);
	check_soft(db);
	ck_assert_int_eq(newsidx_db_open(&reader, path, NULL), NEWSIDX_OK);
	check_soft(reader);
	newsidx_db_free(reader);
	newsidx_db_free(db);
}
END_TEST

/* Phrase totals: exact up to exact_up_to articles with all the words,
 * estimated (and said to be) above; a version 1 caller, whose options
 * end before exact_up_to, gets the default. */
START_TEST(test_phrase_total)
{
	newsidx_db_t *db = writer();
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *r = NULL;
	char buf[256];
	int i;

	for (i = 0; i < 60; i++) {
		int n = snprintf(buf, sizeof(buf),
				 "{\"id\":\"q%02d\",\"body\":\"the %s went "
				 "up %d\",\"date\":\"2024-01-01\"}\n",
				 i, i % 3 ? "prices of oil" : "oil prices", i);

		ck_assert_int_eq(newsidx_index_buffer(db, "q.jsonl", buf,
						      (size_t)n, NULL, NULL),
				 NEWSIDX_OK);
	}
	so.snippets = 0;
	so.all_copies = 1;
	ck_assert_int_eq(newsidx_search(&r, db, "\"oil prices\"", &so),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 20);
	ck_assert_int_ne(newsidx_results_total_exact(r), 0);
	newsidx_results_free(r);

	so.exact_up_to = 30; /* 60 candidates */
	ck_assert_int_eq(newsidx_search(&r, db, "\"oil prices\"", &so),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_results_total_exact(r), 0);
	ck_assert_uint_ge(newsidx_results_total(r), 10);
	ck_assert_uint_le(newsidx_results_total(r), 60);
	ck_assert_uint_eq(newsidx_results_count(r), 10);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(
			atoi(newsidx_results_hit(r, (size_t)i)->id + 1) % 3, 0);
	newsidx_results_free(r);

	/* Words alone are always counted. */
	ck_assert_int_eq(newsidx_search(&r, db, "oil prices", &so),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 60);
	ck_assert_int_ne(newsidx_results_total_exact(r), 0);
	newsidx_results_free(r);

	so.version = 1;
	ck_assert_int_eq(newsidx_search(&r, db, "\"oil prices\"", &so),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 20);
	ck_assert_int_ne(newsidx_results_total_exact(r), 0);
	newsidx_results_free(r);
	ck_assert_int_eq(newsidx_results_total_exact(NULL), 0);
	newsidx_db_free(db);
}
END_TEST

START_TEST(test_features)
{
	static const char body[] =
		"Coastal towns prepared sandbags on Tuesday as the river rose "
		"past its banks after a week of heavy rain across the valley, "
		"and officials opened shelters in three schools for families "
		"from the lowest streets near the old harbour wall.";
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *r = NULL;
	newsidx_article_t *art = NULL;
	const newsidx_count_t *c;
	newsidx_db_t *db = writer();
	char buf[2048];
	int i, n;

	/* Three copies of one story from two outlets, one other story. */
	for (i = 0; i < 3; i++) {
		n = snprintf(buf, sizeof(buf),
			     "{\"id\":\"copy%d\",\"title\":\"Floods\","
			     "\"body\":\"%s%s\",\"source\":\"%s\","
			     "\"date\":\"2024-0%d-10\"}\n",
			     i, body, i == 2 ? " Roads closed." : "",
			     i ? "Asia Wire" : "Global Desk", i + 1);
		ck_assert_int_eq(newsidx_index_buffer(db, "c.jsonl", buf,
						      (size_t)n, NULL, NULL),
				 NEWSIDX_OK);
	}
	ck_assert_int_eq(newsidx_index_buffer(db, "tokyo.txt", article,
					      strlen(article), NULL, NULL),
			 NEWSIDX_OK);

	/* Copies collapse, facets count every match. */
	so.facets = NEWSIDX_FACET_SOURCE | NEWSIDX_FACET_MONTH;
	ck_assert_int_eq(newsidx_search(&r, db, "sandbags", &so), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 3); /* every article */
	ck_assert_uint_eq(newsidx_results_count(r), 1); /* one per group */
	ck_assert_uint_eq(newsidx_results_hit(r, 0)->copies, 2);
	ck_assert_uint_eq(newsidx_results_facet(r, NEWSIDX_FACET_SOURCE, &c),
			  2);
	ck_assert_str_eq(c[0].value, "Asia Wire");
	ck_assert_uint_eq(c[0].count, 2);
	ck_assert_uint_eq(newsidx_results_facet(r, NEWSIDX_FACET_MONTH, &c),
			  3);
	ck_assert_str_eq(c[0].value, "2024-01");
	ck_assert_uint_eq(newsidx_results_facet(r, NEWSIDX_FACET_LANG, &c),
			  0);
	ck_assert_ptr_null(newsidx_results_suggestion(r));
	newsidx_results_free(r);
	so.all_copies = 1;
	ck_assert_int_eq(newsidx_search(&r, db, "sandbags", &so), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 3);
	ck_assert_str_eq(newsidx_results_hit(r, 0)->group,
			 newsidx_results_hit(r, 2)->group);
	newsidx_results_free(r);

	/* Did you mean. */
	ck_assert_int_eq(newsidx_search(&r, db, "sandbgs valley", NULL),
			 NEWSIDX_OK);
	ck_assert_str_eq(newsidx_results_suggestion(r), "sandbags valley");
	newsidx_results_free(r);

	/* More like this leaves out the article and its copies. */
	ck_assert_int_eq(newsidx_article_similar(&r, db, "copy0", NULL), NEWSIDX_OK);
	for (i = 0; i < (int)newsidx_results_count(r); i++)
		ck_assert_ptr_null(strstr(newsidx_results_hit(r, (size_t)i)->id,
					  "copy"));
	newsidx_results_free(r);
	ck_assert_int_eq(newsidx_article_similar(&r, db, "nope", NULL),
			 NEWSIDX_NOT_FOUND);

	/* Show. */
	ck_assert_int_eq(newsidx_article_get(&art, db, "copy2"), NEWSIDX_OK);
	ck_assert_str_eq(art->source, "Asia Wire");
	ck_assert_str_eq(art->date, "2024-03-10");
	ck_assert_ptr_nonnull(strstr(art->body, "Roads closed."));
	ck_assert_uint_eq(art->copies, 2);
	newsidx_article_free(art);
	ck_assert_int_eq(newsidx_article_get(&art, db, "nope"), NEWSIDX_NOT_FOUND);
	ck_assert_ptr_null(art);
	newsidx_article_free(NULL);
	newsidx_db_free(db);
}
END_TEST

/* The names of 0.1 still link and do what their new names do.  They warn
 * at compile time, which is the point of them; only here is it off. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
START_TEST(test_deprecated_names)
{
	newsidx_db_t *db = writer();
	newsidx_results_t *r = NULL;
	newsidx_article_t *art = NULL;
	unsigned long problems = 99;
	size_t deleted = 0;

	ck_assert_int_eq(newsidx_index_buffer(db, "tokyo.txt", article,
					      strlen(article), NULL, NULL),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_index_buffer(db, "wire.jsonl", wire,
					      strlen(wire), NULL, NULL),
			 NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_commit(db), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_show(&art, db, "w1"), NEWSIDX_OK);
	ck_assert_str_eq(art->title, "Monsoon arrives early");
	newsidx_article_free(art);
	ck_assert_int_eq(newsidx_similar(&r, db, "nope", NULL),
			 NEWSIDX_NOT_FOUND);
	ck_assert_int_eq(newsidx_similar(&r, db, "w1", NULL), NEWSIDX_OK);
	newsidx_results_free(r);
	ck_assert_int_eq(newsidx_delete_id(db, "w1"), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_delete_id(db, "w1"), NEWSIDX_NOT_FOUND);
	ck_assert_int_eq(newsidx_delete_query(db, "railway", &deleted),
			 NEWSIDX_OK);
	ck_assert_uint_eq(deleted, 1);
	ck_assert_uint_eq(newsidx_db_count(db), 1);
	newsidx_db_free(db);
	ck_assert_int_eq(newsidx_check(path, NULL, NULL, &problems),
			 NEWSIDX_OK);
	ck_assert_uint_eq(problems, 0);
}
END_TEST
#pragma GCC diagnostic pop

/* ------------------------------------------------------------------ */
/* Reading while a writer commits                                      */
/* ------------------------------------------------------------------ */

/* A writer in a child process that indexes one small file again and
 * again, a commit each time, and sends a byte up commits after each,
 * until the parent closes stop. */
struct busy_writer {
	pid_t pid;
	int stop;    /* the parent's end: closing it stops the writer */
	int commits; /* the parent's end, not blocking */
	unsigned seen;
};

static void busy_writer_run(int stop, int commits)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;
	struct pollfd p = { stop, POLLIN, 0 };
	char text[256];
	unsigned i;
	int n;

	oo.mode = NEWSIDX_OPEN_WRITE;
	if (newsidx_db_open(&db, path, &oo))
		_exit(1);
	for (i = 0; poll(&p, 1, 0) == 0; i++) {
		n = snprintf(text, sizeof(text),
			     "Harbour update %u\n\nThe cranes of the harbour "
			     "moved %u containers before the monsoon.",
			     i, i * 7);
		if (newsidx_index_buffer(db, "busy.txt", text, (size_t)n,
					 NULL, NULL) ||
		    write(commits, "c", 1) != 1)
			_exit(2);
	}
	newsidx_db_free(db);
	_exit(0);
}

static void busy_writer_start(struct busy_writer *w)
{
	int stop[2], commits[2];
	newsidx_db_t *db = writer();
	char *lines = malloc(1 << 20);
	size_t len = 0;
	unsigned i, k;

	/* Something to read from the start, with enough articles and words
	 * that reading them all spans a few of the writer's commits. */
	ck_assert_ptr_nonnull(lines);
	for (i = 0; i < 400; i++) {
		len += (size_t)snprintf(lines + len, 4096,
					"{\"id\":\"a%u\",\"title\":\"Report "
					"%u\",\"body\":\"",
					i, i);
		for (k = 0; k < 25; k++)
			len += (size_t)snprintf(lines + len, 64, "w%ux%u ",
						i, k);
		len += (size_t)snprintf(lines + len, 64,
					"\",\"date\":\"2024-05-%02u\"}\n",
					i % 28 + 1);
	}
	ck_assert_int_eq(newsidx_index_buffer(db, "reports.jsonl", lines,
					      len, NULL, NULL),
			 NEWSIDX_OK);
	free(lines);
	newsidx_db_free(db);
	ck_assert_int_eq(pipe(stop), 0);
	ck_assert_int_eq(pipe(commits), 0);
	w->pid = fork();
	ck_assert_int_ge(w->pid, 0);
	if (w->pid == 0) {
		close(stop[1]);
		close(commits[0]);
		busy_writer_run(stop[0], commits[1]);
	}
	close(stop[0]);
	close(commits[1]);
	w->stop = stop[1];
	w->commits = commits[0];
	w->seen = 0;
	ck_assert_int_eq(fcntl(w->commits, F_SETFL, O_NONBLOCK), 0);
}

/* How many commits the writer has made so far. */
static unsigned busy_writer_commits(struct busy_writer *w)
{
	char buf[256];
	ssize_t n;

	while ((n = read(w->commits, buf, sizeof(buf))) > 0)
		w->seen += (unsigned)n;
	return w->seen;
}

static void busy_writer_stop(struct busy_writer *w)
{
	int status = -1;

	close(w->stop);
	ck_assert_int_eq(waitpid(w->pid, &status, 0), w->pid);
	close(w->commits);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the writer failed (wait status %d)", status);
}

/* Stats while a writer commits never fail: a read spoiled by a commit
 * is read again from the latest, as searches are.  Hundreds of reads
 * over dozens of commits: before, a few of them failed. */
START_TEST(test_info_while_writing)
{
	struct busy_writer w;
	newsidx_db_t *reader = NULL;
	unsigned reads;

	busy_writer_start(&w);
	ck_assert_int_eq(newsidx_db_open(&reader, path, NULL), NEWSIDX_OK);
	for (reads = 0; reads < 400 || busy_writer_commits(&w) < 60;
	     reads++) {
		newsidx_info_t *info = NULL;
		newsidx_status_t st = newsidx_db_info(reader, &info);

		ck_assert_msg(st == NEWSIDX_OK, "read %u: %s", reads,
			      newsidx_db_errmsg(reader));
		ck_assert_uint_ge(info->articles, 400);
		newsidx_info_free(info);
	}
	newsidx_db_free(reader);
	busy_writer_stop(&w);
}
END_TEST

static void print_check(void *ctx, const char *where, const char *what)
{
	(void)ctx;
	fprintf(stderr, "check: %s: %s\n", where, what);
}

/* A check while a writer commits finds nothing wrong with a sound
 * index: what a commit spoiled is checked again.  Before, about one
 * check in two reported damage ("Block overwritten", articles without
 * their id term).  When every retry meets a commit (a slow, loaded
 * machine), the check says NEWSIDX_MODIFIED, "check again when it is
 * idle", as documented: never damage, and most checks get through. */
START_TEST(test_check_while_writing)
{
	struct busy_writer w;
	unsigned checks, passed = 0;

	busy_writer_start(&w);
	for (checks = 0; checks < 30 || busy_writer_commits(&w) < 60;
	     checks++) {
		unsigned long problems = 99;
		newsidx_status_t st;

		st = newsidx_db_check(path, print_check, NULL, &problems);
		ck_assert_msg(st == NEWSIDX_OK || st == NEWSIDX_MODIFIED,
			      "check %u: status %d", checks, (int)st);
		if (st == NEWSIDX_OK) {
			ck_assert_msg(problems == 0, "check %u: %lu problems",
				      checks, problems);
			passed++;
		}
	}
	busy_writer_stop(&w);
	ck_assert_msg(passed * 2 >= checks, "%u of %u checks got through",
		      passed, checks);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("api");
	TCase *busy = tcase_create("busy");
	TCase *timer = tcase_create("timer");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_version_and_status);
	tcase_add_test(tc, test_free_null);
	tcase_add_test(tc, test_open_missing);
	tcase_add_test(tc, test_index_and_search);
	tcase_add_test(tc, test_results_outlive_handle);
	tcase_add_test(tc, test_reader_sees_commits);
	tcase_add_test(tc, test_rejects);
	tcase_add_test(tc, test_read_only_and_locked);
	tcase_add_test(tc, test_syntax_and_explain);
	tcase_add_test(tc, test_paging_and_sort);
	tcase_add_test(tc, test_features);
	tcase_add_test(tc, test_phrase_total);
	tcase_add_test(tc, test_soft_totals);
	tcase_add_test(tc, test_deprecated_names);
	suite_add_tcase(s, tc);
	/* Tagged: ThreadSanitizer cannot follow glibc's timer helper
	 * thread, so the TSAN build runs with CK_EXCLUDE_TAGS=timer. */
	tcase_add_checked_fixture(timer, setup, teardown);
	tcase_set_tags(timer, "timer");
	tcase_add_test(timer, test_time_limit);
	suite_add_tcase(s, timer);
	/* A writer commits throughout these: they run for as long as it
	 * takes it to commit enough, slower under a sanitizer. */
	tcase_add_checked_fixture(busy, setup, teardown);
	tcase_set_timeout(busy, 300);
	tcase_add_test(busy, test_info_while_writing);
	tcase_add_test(busy, test_check_while_writing);
	suite_add_tcase(s, busy);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
