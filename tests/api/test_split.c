/*
 * test_split.c: one input file analysed by several threads.  The reader
 * splits a file into records (JSON Lines lines, WARC records, SGML
 * stories) that every thread analyses; these tests check that the index
 * is the one a single thread makes (same ids, same ranking, same winner
 * of a repeated id, same near-duplicate groups), in a plain run and in a
 * bulk load of shards, and that a run stopped inside the file has
 * written a first part of it.  CI also runs them under ThreadSanitizer.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "newsidx.h"

static char dir[256];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/newsidx-split.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static newsidx_db_t *open_writer(const char *name)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&db, p, &oo), NEWSIDX_OK);
	return db;
}

static FILE *create(const char *sub, const char *name)
{
	char p[400];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	mkdir(p, 0777);
	snprintf(p, sizeof(p), "%s/%s/%s", dir, sub, name);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	return fp;
}

static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rng_state >> 33) % n;
}

static const char story[] =
    "Coastal towns prepared sandbags on Tuesday as the river rose past "
    "its banks after a week of heavy rain across the valley, and "
    "officials opened shelters in three schools for families from the "
    "lowest streets near the old harbour wall";

/*
 * One JSON Lines file of n articles (more than the queues hold, so the
 * reader runs ahead of the writer and threads analyse out of order): an
 * id that comes three times, wire copies far apart, and a bad line.
 */
static void write_jsonl(const char *sub, unsigned n)
{
	FILE *fp = create(sub, "dump.jsonl");
	unsigned i;

	rng_state = 11;
	for (i = 0; i < n; i++) {
		unsigned w1 = rnd(40), w2 = rnd(40), w3 = rnd(1000);

		fprintf(
		    fp,
		    "{\"id\":\"a%u\",\"title\":\"Item %u\",\"body\":\"word%u "
		    "and word%u in market news %u with code%u\","
		    "\"date\":\"20%02u-0%u-1%u\"}\n",
		    i, i, w1, w2, w3, i, 10 + i % 7, 1 + i % 9, i % 10);
		if (i == 5 || i == n / 2 || i == n - 3)
			fprintf(fp,
				"{\"id\":\"dup\",\"title\":\"Version %u\","
				"\"body\":\"Revised text number %u.\"}\n",
				i, i);
		if (i == 40 || i == n - 40)
			fprintf(fp,
				"{\"id\":\"copy%u\",\"title\":\"Floods\","
				"\"body\":\"%s%s.\",\"source\":\"Wire %u\"}\n",
				i, story, i == 40 ? "" : " Roads were closed",
				i);
		if (i == n / 3)
			fputs("{\"id\":\"broken\",\"title\":\n", fp);
	}
	ck_assert_int_eq(fclose(fp), 0);
}

static newsidx_status_t load(newsidx_db_t *db, const char *sub, unsigned jobs,
			     unsigned shards, newsidx_index_stats_t *st)
{
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	char p[400];

	io.jobs = jobs;
	io.shards = shards;
	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	memset(st, 0, sizeof(*st));
	return newsidx_index_path(db, p, &io, st);
}

/* The ids of the first hits of q, in rank order, as one string. */
static void ranked_ids(newsidx_db_t *db, const char *q, char *out, size_t size)
{
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *r = NULL;
	size_t i, used = 0;

	so.limit = 3000;
	so.snippets = 0;
	so.all_copies = 1;
	ck_assert_int_eq(newsidx_search(&r, db, q, &so), NEWSIDX_OK);
	out[0] = '\0';
	for (i = 0; i < newsidx_results_count(r) && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, " %s",
					 newsidx_results_hit(r, i)->id);
	newsidx_results_free(r);
}

static size_t total(newsidx_db_t *db, const char *q)
{
	newsidx_results_t *r = NULL;
	size_t n;

	ck_assert_int_eq(newsidx_search(&r, db, q, NULL), NEWSIDX_OK);
	n = newsidx_results_total(r);
	newsidx_results_free(r);
	return n;
}

/* Where two strings part, a little before. */
static size_t differ(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return i > 20 ? i - 20 : 0;
}

static int cmp_word(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The words of s sorted, in place: the hits whatever their order. */
static void sort_words(char *s)
{
	static char copy[65536];
	static char *w[4096];
	size_t n = 0, i, used = 0;
	char *t;

	snprintf(copy, sizeof(copy), "%s", s);
	for (t = strtok(copy, " "); t && n < 4096; t = strtok(NULL, " "))
		w[n++] = t;
	qsort(w, n, sizeof(*w), cmp_word);
	s[0] = '\0';
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(s + used, 65536 - used, " %s", w[i]);
}

/* The same hits of each query in both indexes, in the same rank order
 * unless any_order (the shards of a bulk load number the documents in
 * their own way, so equal scores may come in another order). */
static void same_answers(newsidx_db_t *a, newsidx_db_t *b,
			 const char *const *queries, size_t n, const char *what,
			 int any_order)
{
	static char ra[65536], rb[65536];
	size_t i, d;

	ck_assert_uint_eq(newsidx_db_count(a), newsidx_db_count(b));
	for (i = 0; i < n; i++) {
		ranked_ids(a, queries[i], ra, sizeof(ra));
		ranked_ids(b, queries[i], rb, sizeof(rb));
		if (any_order) {
			sort_words(ra);
			sort_words(rb);
		}
		d = differ(ra, rb);
		ck_assert_msg(strcmp(ra, rb) == 0,
			      "%s, %s: ...%.60s against ...%.60s", what,
			      queries[i], ra + d, rb + d);
	}
}

static void title_is(newsidx_db_t *db, const char *id, const char *title)
{
	newsidx_article_t *a = NULL;

	ck_assert_int_eq(newsidx_article_get(&a, db, id), NEWSIDX_OK);
	ck_assert_str_eq(a->title, title);
	newsidx_article_free(a);
}

START_TEST(test_one_file_equals_one_thread)
{
	static const char *const queries[] = {
	    "market",	       "word3",	    "word7 word11",
	    "\"market news\"", "date:2012", "sandbags",
	    "revised",	       "item",	    "code105",
	};
	const unsigned n = 1500;
	newsidx_db_t *one = open_writer("one"), *four = open_writer("four"),
		     *bulk = open_writer("bulk");
	newsidx_index_stats_t s1, s4, sb;
	newsidx_results_t *r = NULL;

	write_jsonl("in", n);
	ck_assert_int_eq(load(one, "in", 1, 1, &s1), NEWSIDX_REJECTED);
	ck_assert_int_eq(load(four, "in", 4, 1, &s4), NEWSIDX_REJECTED);
	ck_assert_int_eq(load(bulk, "in", 3, 2, &sb), NEWSIDX_REJECTED);
	ck_assert_uint_eq(sb.shards, 2);
	ck_assert_uint_eq(s1.added, n + 3);
	ck_assert_uint_eq(s1.updated, 2); /* "dup" came three times */
	ck_assert_uint_eq(s4.added, s1.added);
	ck_assert_uint_eq(s4.updated, s1.updated);
	ck_assert_uint_eq(sb.added, s1.added);
	ck_assert_uint_eq(sb.updated, s1.updated);
	ck_assert_uint_eq(s4.rejected, 1);
	ck_assert_uint_eq(sb.rejected, 1);
	ck_assert_uint_eq(s4.files, 1);
	ck_assert_uint_eq(newsidx_db_count(one), n + 3);
	/* Four threads on one file write what one thread writes, in the
	 * same order: equal scores rank in the order of the input. */
	same_answers(one, four, queries, sizeof(queries) / sizeof(*queries),
		     "one thread and four", 0);
	same_answers(one, bulk, queries, sizeof(queries) / sizeof(*queries),
		     "one thread and shards", 1);
	/* The input's last copy of a repeated id wins. */
	{
		char last[32];

		snprintf(last, sizeof(last), "Version %u", n - 3);
		title_is(one, "dup", last);
		title_is(four, "dup", last);
		title_is(bulk, "dup", last);
	}
	/* Wire copies far apart in the file are one group. */
	ck_assert_int_eq(newsidx_search(&r, four, "sandbags", NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 2);
	ck_assert_uint_eq(newsidx_results_count(r), 1);
	ck_assert_uint_eq(newsidx_results_hit(r, 0)->copies, 1);
	newsidx_results_free(r);
	/* The file's state was kept: a second run reads nothing. */
	ck_assert_int_eq(load(four, "in", 4, 1, &s4), NEWSIDX_OK);
	ck_assert_uint_eq(s4.unchanged, 1);
	ck_assert_uint_eq(s4.added + s4.updated, 0);
	newsidx_db_free(one);
	newsidx_db_free(four);
	newsidx_db_free(bulk);
}
END_TEST

static int stop_at_300(void *ctx, const newsidx_index_stats_t *st)
{
	(void)ctx;
	return st->articles >= 300;
}

/* A run of four threads stopped inside one file has written the
 * file's first articles and none after them; the next run completes
 * it, writing nothing twice. */
START_TEST(test_stopped_inside_file_is_prefix)
{
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t st;
	newsidx_db_t *db = open_writer("stop");
	newsidx_article_t *a = NULL;
	FILE *fp = create("big", "dump.jsonl");
	char p[400], id[32];
	size_t got, i;

	for (i = 0; i < 3000; i++)
		fprintf(fp,
			"{\"id\":\"b%zu\",\"title\":\"Item\","
			"\"body\":\"market note %zu\"}\n",
			i, i);
	ck_assert_int_eq(fclose(fp), 0);
	snprintf(p, sizeof(p), "%s/big", dir);
	io.jobs = 4;
	io.shards = 1;
	io.progress = stop_at_300;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(newsidx_index_path(db, p, &io, &st),
			 NEWSIDX_INTERRUPTED);
	got = newsidx_db_count(db);
	ck_assert_uint_ge(got, 300);
	ck_assert_uint_lt(got, 3000);
	ck_assert_uint_eq(got, st.added);
	/* A prefix: the first got articles, and not the next one. */
	for (i = 0; i < got; i += got / 7 ? got / 7 : 1) {
		snprintf(id, sizeof(id), "b%zu", i);
		ck_assert_int_eq(newsidx_article_get(&a, db, id), NEWSIDX_OK);
		newsidx_article_free(a);
		a = NULL;
	}
	snprintf(id, sizeof(id), "b%zu", got - 1);
	ck_assert_int_eq(newsidx_article_get(&a, db, id), NEWSIDX_OK);
	newsidx_article_free(a);
	a = NULL;
	snprintf(id, sizeof(id), "b%zu", got);
	ck_assert_int_eq(newsidx_article_get(&a, db, id), NEWSIDX_NOT_FOUND);
	ck_assert_uint_eq(total(db, "market"), got);
	io.progress = NULL;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(newsidx_index_path(db, p, &io, &st), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_db_count(db), 3000);
	ck_assert_uint_eq(total(db, "market"), 3000);
	newsidx_db_free(db);
}
END_TEST

/* One WARC file of n HTML responses, a request record between each. */
static void write_warc(const char *sub, unsigned n)
{
	FILE *fp = create(sub, "crawl.warc");
	unsigned i;

	rng_state = 5;
	for (i = 0; i < n; i++) {
		char html[1024], http[1400];
		int hl, l;

		hl = snprintf(html, sizeof(html),
			      "<!DOCTYPE html><html lang=\"en\"><head>"
			      "<title>Harbour report %u</title></head><body>"
			      "<article><h1>Harbour report %u</h1><p>The "
			      "pilots counted word%u and word%u ships in "
			      "the estuary channel on day %u, the port "
			      "authority said.</p></article></body></html>",
			      i, i, rnd(30), rnd(30), i);
		l = snprintf(http, sizeof(http),
			     "HTTP/1.1 200 OK\r\nContent-Type: text/html; "
			     "charset=utf-8\r\nContent-Length: %d\r\n\r\n%s",
			     hl, html);
		fprintf(fp,
			"WARC/1.0\r\nWARC-Type: request\r\n"
			"WARC-Record-ID: <urn:uuid:r%u>\r\n"
			"WARC-Target-URI: https://port.example/r/%u\r\n"
			"Content-Length: 0\r\n\r\n\r\n\r\n",
			i, i);
		fprintf(fp,
			"WARC/1.0\r\nWARC-Type: response\r\n"
			"WARC-Record-ID: <urn:uuid:p%u>\r\n"
			"WARC-Date: 2024-02-%02uT10:00:00Z\r\n"
			"WARC-Target-URI: https://port.example/r/%u\r\n"
			"Content-Type: application/http; msgtype=response\r\n"
			"Content-Length: %d\r\n\r\n%s\r\n\r\n",
			i, 1 + i % 28, i, l, http);
	}
	ck_assert_int_eq(fclose(fp), 0);
}

/* One Reuters SGML file of n stories. */
static void write_sgml(const char *sub, unsigned n)
{
	FILE *fp = create(sub, "reut2-000.sgm");
	unsigned i;

	rng_state = 3;
	fputs("<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n", fp);
	for (i = 0; i < n; i++)
		fprintf(fp,
			"<REUTERS TOPICS=\"YES\" NEWID=\"%u\">\n"
			"<DATE> %u-MAR-1987 09:15:05.40</DATE>\n"
			"<TOPICS><D>grain</D></TOPICS>\n"
			"<PLACES><D>usa</D></PLACES>\n"
			"<TEXT>&#2;\n<TITLE>GRAIN NOTE %u</TITLE>\n"
			"<BODY>Traders said word%u and word%u shipments of "
			"wheat would rise in lot %u.\n Reuter\n&#3;</BODY>"
			"</TEXT>\n</REUTERS>\n",
			i + 1, 1 + i % 28, i, rnd(30), rnd(30), i);
	ck_assert_int_eq(fclose(fp), 0);
}

START_TEST(test_warc_and_sgml_split)
{
	static const char *const wq[] = {"harbour", "word3", "pilots word7",
					 "report"};
	static const char *const sq[] = {"grain", "word3", "wheat word7",
					 "traders"};
	newsidx_db_t *w1 = open_writer("w1"), *w3 = open_writer("w3"),
		     *s1 = open_writer("s1"), *s3 = open_writer("s3");
	newsidx_index_stats_t st;

	write_warc("warc", 700);
	write_sgml("sgml", 700);
	ck_assert_int_eq(load(w1, "warc", 1, 1, &st), NEWSIDX_OK);
	ck_assert_uint_eq(st.added, 700);
	ck_assert_uint_eq(st.skipped, 700); /* the requests */
	ck_assert_int_eq(load(w3, "warc", 3, 1, &st), NEWSIDX_OK);
	ck_assert_uint_eq(st.added, 700);
	ck_assert_uint_eq(st.skipped, 700);
	same_answers(w1, w3, wq, sizeof(wq) / sizeof(*wq), "WARC", 0);
	ck_assert_int_eq(load(s1, "sgml", 1, 1, &st), NEWSIDX_OK);
	ck_assert_uint_eq(st.added, 700);
	ck_assert_int_eq(load(s3, "sgml", 3, 1, &st), NEWSIDX_OK);
	ck_assert_uint_eq(st.added, 700);
	same_answers(s1, s3, sq, sizeof(sq) / sizeof(*sq), "SGML", 0);
	newsidx_db_free(w1);
	newsidx_db_free(w3);
	newsidx_db_free(s1);
	newsidx_db_free(s3);
}
END_TEST

/* The generation directories of index name. */
static unsigned gens(const char *name)
{
	char p[400];
	DIR *d;
	struct dirent *de;
	unsigned n = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	d = opendir(p);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "gen-", 4) == 0;
	closedir(d);
	return n;
}

/*
 * One file loaded in shards gives the space of the generation it
 * replaced back before the call returns when no reader holds it; a
 * reader open during the load keeps answering, and its next search
 * moves it to the new generation, which removes the old one.
 */
START_TEST(test_one_file_load_gives_space_back)
{
	newsidx_db_t *w = open_writer("quiet"), *w2 = open_writer("held"),
		     *r = NULL;
	newsidx_index_stats_t st;
	char p[400];

	write_jsonl("in", 600);
	ck_assert_int_eq(load(w, "in", 2, 2, &st), NEWSIDX_REJECTED);
	ck_assert_uint_eq(st.shards, 2);
	ck_assert_uint_eq(gens("quiet"), 1);
	snprintf(p, sizeof(p), "%s/held", dir);
	ck_assert_int_eq(newsidx_db_open(&r, p, NULL), NEWSIDX_OK);
	ck_assert_uint_eq(total(r, "market"), 0);
	ck_assert_int_eq(load(w2, "in", 2, 2, &st), NEWSIDX_REJECTED);
	ck_assert_uint_eq(st.shards, 2);
	ck_assert_uint_eq(gens("held"), 2);
	ck_assert_uint_eq(total(r, "market"), 600);
	ck_assert_uint_eq(gens("held"), 1);
	newsidx_db_free(r);
	newsidx_db_free(w);
	newsidx_db_free(w2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("split");
	TCase *tc = tcase_create("split");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 300);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_one_file_equals_one_thread);
	tcase_add_test(tc, test_stopped_inside_file_is_prefix);
	tcase_add_test(tc, test_warc_and_sgml_split);
	tcase_add_test(tc, test_one_file_load_gives_space_back);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
