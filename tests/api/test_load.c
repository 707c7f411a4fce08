/*
 * test_load.c: loads through the public API, checked against brute
 * force: date filters (year and month terms with the date value at the
 * edges) against a scan of the dates indexed, and a bulk load in
 * parallel shards against the same files loaded by one writer.  Also
 * the walk of a load's directories, which stops when asked, and the
 * limits on what a load may delete.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "newsidx.h"

static char dir[256];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/newsidx-load.XXXXXX",
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

static unsigned long long rng_state;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rng_state >> 33) % n;
}

static unsigned days_in(unsigned y, unsigned m)
{
	static const unsigned d[] = { 31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static size_t search_total(newsidx_db_t *db, const char *q)
{
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *r = NULL;
	size_t total;

	so.limit = 1;
	so.snippets = 0;
	so.all_copies = 1;
	so.exact_up_to = SIZE_MAX; /* compared between indexes */
	ck_assert_msg(newsidx_search(&r, db, q, &so) == NEWSIDX_OK,
		      "search %s: %s", q, newsidx_db_errmsg(db));
	total = newsidx_results_total(r);
	newsidx_results_free(r);
	return total;
}

#define NDATED 700

/* Dates of the articles, as "YYYYMMDDhhmmss". */
static char stamps[NDATED][32];

/* A day stamp, "YYYY-MM-DD", and its bounds. */
static void random_day(char out[16], char lo[24], char hi[24])
{
	unsigned y = 1998 + rnd(6), m = 1 + rnd(12), d = 1 + rnd(days_in(y, m));

	snprintf(out, 16, "%04u-%02u-%02u", y % 10000, m % 100, d % 100);
	snprintf(lo, 24, "%04u%02u%02u000000", y % 10000, m % 100, d % 100);
	snprintf(hi, 24, "%04u%02u%02u235959", y % 10000, m % 100, d % 100);
}

static size_t brute(const char *lo, const char *hi)
{
	size_t i, n = 0;

	for (i = 0; i < NDATED; i++)
		if ((!lo[0] || strcmp(stamps[i], lo) >= 0) &&
		    (!hi[0] || strcmp(stamps[i], hi) <= 0))
			n++;
	return n;
}

START_TEST(test_date_filters_brute_force)
{
	static const struct {
		const char *q, *lo, *hi;
	} fixed[] = {
		{ "date:2000", "20000101000000", "20001231235959" },
		{ "date:2000-02", "20000201000000", "20000229235959" },
		{ "date:2000-02-29", "20000229000000", "20000229235959" },
		{ "date:1999-11-15..2000-02-03", "19991115000000",
		  "20000203235959" },
		{ "date:..2000-06-30", "", "20000630235959" },
		{ "date:2001-03..", "20010301000000", "" },
		{ "date:1998..2003", "19980101000000", "20031231235959" },
		{ "date:2001-12-31..2002-01-01", "20011231000000",
		  "20020101235959" },
		{ "date:1990..1997", "19900101000000", "19971231235959" },
		{ "date:2003-12..2010", "20031201000000", "20101231235959" },
	};
	newsidx_db_t *db = open_writer("dates");
	size_t cap = NDATED * 200 + 4096, len = 0, i;
	char *buf = malloc(cap);

	ck_assert_ptr_nonnull(buf);
	rng_state = 42;
	for (i = 0; i < NDATED; i++) {
		unsigned y = 1998 + rnd(6), m = 1 + rnd(12);
		unsigned d = 1 + rnd(days_in(y, m));
		unsigned hh = rnd(3) ? rnd(24) : (rnd(2) ? 0 : 23);
		unsigned mm = rnd(60), ss = rnd(60);

		/* Month and year edges get more than their share. */
		if (rnd(4) == 0)
			d = rnd(2) ? 1 : days_in(y, m);
		snprintf(stamps[i], sizeof(stamps[i]),
			 "%04u%02u%02u%02u%02u%02u", y, m, d, hh, mm, ss);
		len += (size_t)snprintf(
			buf + len, cap - len,
			"{\"id\":\"d%zu\",\"title\":\"Harvest %zu\",\"body\":"
			"\"Grain report %zu.\",\"date\":\"%04u-%02u-%02uT%02u:"
			"%02u:%02uZ\"}\n",
			i, i, i, y, m, d, hh, mm, ss);
	}
	/* Articles without a date match no date filter. */
	for (i = 0; i < 5; i++)
		len += (size_t)snprintf(buf + len, cap - len,
					"{\"id\":\"u%zu\",\"title\":\"Undated "
					"%zu\",\"body\":\"Grain report.\"}\n",
					i, i);
	ck_assert_int_eq(newsidx_index_buffer(db, "dates.jsonl", buf, len,
					      NULL, NULL),
			 NEWSIDX_OK);
	free(buf);
	ck_assert_uint_eq(newsidx_db_count(db), NDATED + 5);

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		ck_assert_msg(search_total(db, fixed[i].q) ==
				      brute(fixed[i].lo, fixed[i].hi),
			      "%s: %zu, brute force %zu", fixed[i].q,
			      search_total(db, fixed[i].q),
			      brute(fixed[i].lo, fixed[i].hi));
	/* Random day ranges, with a word as well. */
	for (i = 0; i < 60; i++) {
		char a[16], b[16], alo[24], ahi[24], blo[24], bhi[24], q[80];
		size_t want;

		random_day(a, alo, ahi);
		random_day(b, blo, bhi);
		if (strcmp(a, b) > 0) {
			char t[24];

			memcpy(t, a, 16), memcpy(a, b, 16), memcpy(b, t, 16);
			memcpy(t, alo, 24), memcpy(alo, blo, 24);
			memcpy(blo, t, 24);
			memcpy(t, ahi, 24), memcpy(ahi, bhi, 24);
			memcpy(bhi, t, 24);
		}
		want = brute(alo, bhi);
		snprintf(q, sizeof(q), "date:%s..%s", a, b);
		ck_assert_msg(search_total(db, q) == want, "%s: %zu, want %zu",
			      q, search_total(db, q), want);
		snprintf(q, sizeof(q), "grain date:%s..%s", a, b);
		ck_assert_msg(search_total(db, q) == want, "%s: %zu, want %zu",
			      q, search_total(db, q), want);
	}
	newsidx_db_free(db);

	/* A reader counts in a second thread, or, asked for one, on the
	 * calling thread after the page: the same totals. */
	{
		char p[400];
		unsigned threads;

		db = NULL;
		snprintf(p, sizeof(p), "%s/dates", dir);
		ck_assert_int_eq(newsidx_db_open(&db, p, NULL), NEWSIDX_OK);
		ck_assert_int_eq(newsidx_db_set_search_threads(db, 3),
				 NEWSIDX_INVALID_ARGUMENT);
		ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), "3"));
		for (threads = 2; threads >= 1; threads--) {
			ck_assert_int_eq(
				newsidx_db_set_search_threads(db, threads),
				NEWSIDX_OK);
			for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]);
			     i++) {
				char q[120];

				ck_assert_uint_eq(
					search_total(db, fixed[i].q),
					brute(fixed[i].lo, fixed[i].hi));
				snprintf(q, sizeof(q), "grain %s",
					 fixed[i].q);
				ck_assert_uint_eq(
					search_total(db, q),
					brute(fixed[i].lo, fixed[i].hi));
			}
		}
		newsidx_db_free(db);
	}
}
END_TEST

/* since: counts whole UTC days back from today. */
START_TEST(test_since_whole_days)
{
	static const struct {
		int days_ago;
		const char *time;
		int in;
	} when[] = {
		{ 0, "00:00:00", 1 }, { 1, "12:00:00", 1 },
		{ 7, "00:00:00", 1 }, { 7, "23:59:59", 1 },
		{ 8, "23:59:59", 0 }, { 30, "08:00:00", 0 },
	};
	newsidx_db_t *db = open_writer("since");
	char buf[4096], day[16];
	size_t len = 0, i, want = 0;
	time_t now = time(NULL);

	for (i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
		time_t t = now - (time_t)when[i].days_ago * 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					"{\"id\":\"s%zu\",\"title\":\"Tide "
					"%zu\",\"body\":\"Tide table.\","
					"\"date\":\"%sT%sZ\"}\n",
					i, i, day, when[i].time);
		want += (size_t)when[i].in;
	}
	ck_assert_int_eq(newsidx_index_buffer(db, "s.jsonl", buf, len, NULL,
					      NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(search_total(db, "since:7d"), want);
	ck_assert_uint_eq(search_total(db, "tide since:1w"), want);
	ck_assert_uint_eq(search_total(db, "since:1d"), 2);
	ck_assert_uint_eq(search_total(db, "since:1y"), 6);
	newsidx_db_free(db);
}
END_TEST

/* ---- bulk loads ---- */

static const char story[] =
	"Coastal towns prepared sandbags on Tuesday as the river rose past "
	"its banks after a week of heavy rain across the valley, and "
	"officials opened shelters in three schools for families from the "
	"lowest streets near the old harbour wall";

/* Six files of 60 articles: an id repeated across files, wire copies in
 * two files, and one bad record. */
static void write_inputs(void)
{
	char p[400];
	unsigned f, i;

	snprintf(p, sizeof(p), "%s/in", dir);
	ck_assert_int_eq(mkdir(p, 0777), 0);
	rng_state = 7;
	for (f = 0; f < 6; f++) {
		FILE *fp;

		snprintf(p, sizeof(p), "%s/in/part-%u.jsonl", dir, f);
		fp = fopen(p, "w");
		ck_assert_ptr_nonnull(fp);
		for (i = 0; i < 60; i++) {
			unsigned w1 = rnd(40), w2 = rnd(40), w3 = rnd(1000);

			fprintf(fp,
				"{\"id\":\"a%u-%u\",\"title\":\"Item %u\","
				"\"body\":\"word%u and word%u in market news "
				"%u with code%u\",\"date\":\"20%02u-0%u-1%u\"}"
				"\n",
				f, i, i, w1, w2, w3, f * 100 + i, 10 + f,
				1 + i % 9, i % 10);
		}
		if (f == 1 || f == 4)
			fprintf(fp,
				"{\"id\":\"copy%u\",\"title\":\"Floods\","
				"\"body\":\"%s%s.\",\"source\":\"Wire %u\"}\n",
				f, story, f == 4 ? " Roads were closed" : "",
				f);
		if (f == 0 || f == 5)
			fprintf(fp,
				"{\"id\":\"dup\",\"title\":\"Version %u\","
				"\"body\":\"Revised text number %u.\"}\n",
				f, f);
		if (f == 3)
			fputs("{\"id\":\"broken\",\"title\":\n", fp);
		ck_assert_int_eq(fclose(fp), 0);
	}
}

static unsigned long gens(const char *name)
{
	char p[400];
	DIR *d;
	struct dirent *de;
	unsigned long n = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	d = opendir(p);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "gen-", 4) == 0;
	closedir(d);
	return n;
}

static newsidx_status_t load_jobs(newsidx_db_t *db, unsigned jobs,
				  unsigned shards, newsidx_index_stats_t *st)
{
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	char p[400];

	io.jobs = jobs;
	io.shards = shards;
	snprintf(p, sizeof(p), "%s/in", dir);
	memset(st, 0, sizeof(*st));
	return newsidx_index_path(db, p, &io, st);
}

static newsidx_status_t load(newsidx_db_t *db, unsigned shards,
			     newsidx_index_stats_t *st)
{
	return load_jobs(db, 2, shards, st);
}

/* The ids of the first 400 hits of q, in rank order, as one string. */
static void ranked_ids(newsidx_db_t *db, const char *q, char *out,
		       size_t size)
{
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *r = NULL;
	size_t i, used = 0;

	so.limit = 400;
	so.snippets = 0;
	so.all_copies = 1;
	ck_assert_int_eq(newsidx_search(&r, db, q, &so), NEWSIDX_OK);
	out[0] = '\0';
	for (i = 0; i < newsidx_results_count(r) && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, " %s",
					 newsidx_results_hit(r, i)->id);
	newsidx_results_free(r);
}

START_TEST(test_bulk_equals_one_writer)
{
	static const char *const queries[] = {
		"word3", "word7 word11", "market", "\"market news\"",
		"date:2012", "sandbags", "revised", "item", "code105",
	};
	newsidx_db_t *one = open_writer("one"), *bulk = open_writer("bulk");
	newsidx_index_stats_t s1, s2;
	newsidx_article_t *a = NULL, *b = NULL;
	newsidx_results_t *r = NULL;
	size_t i;

	write_inputs();
	ck_assert_int_eq(load(one, 1, &s1), NEWSIDX_REJECTED);
	ck_assert_int_eq(load(bulk, 2, &s2), NEWSIDX_REJECTED);
	ck_assert_uint_eq(s1.shards, 0);
	ck_assert_uint_eq(s2.shards, 2);
	ck_assert_uint_eq(s1.added, s2.added);
	ck_assert_uint_eq(s1.updated, s2.updated);
	ck_assert_uint_eq(s2.updated, 1); /* "dup" came twice */
	ck_assert_uint_eq(s1.rejected, s2.rejected);
	ck_assert_uint_eq(s2.rejected, 1);
	ck_assert_uint_eq(newsidx_db_count(one), newsidx_db_count(bulk));
	ck_assert_uint_eq(newsidx_db_count(bulk), 6 * 60 + 2 + 1);
	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		ck_assert_msg(search_total(one, queries[i]) ==
				      search_total(bulk, queries[i]),
			      "%s: %zu against %zu", queries[i],
			      search_total(one, queries[i]),
			      search_total(bulk, queries[i]));
	/* The later file's copy of a repeated id wins. */
	ck_assert_int_eq(newsidx_article_get(&a, one, "dup"), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_article_get(&b, bulk, "dup"), NEWSIDX_OK);
	ck_assert_str_eq(a->title, "Version 5");
	ck_assert_str_eq(b->title, "Version 5");
	newsidx_article_free(a);
	newsidx_article_free(b);
	/* Wire copies in different files are one group. */
	ck_assert_int_eq(newsidx_search(&r, bulk, "sandbags", NULL),
			 NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_total(r), 2);
	ck_assert_uint_eq(newsidx_results_count(r), 1);
	ck_assert_uint_eq(newsidx_results_hit(r, 0)->copies, 1);
	newsidx_results_free(r);
	/* Only the merged generation and the one it replaced remain. */
	ck_assert_uint_le(gens("bulk"), 2);

	/* The file states came through the merge: nothing is re-read,
	 * except the file with a rejected record, which counts as read. */
	ck_assert_int_eq(load(bulk, 2, &s2), NEWSIDX_OK);
	ck_assert_uint_eq(s2.unchanged, 6);
	ck_assert_uint_eq(s2.added + s2.updated, 0);
	ck_assert_uint_eq(s2.shards, 0);

	/* A rebuild loads in shards too, and gives the same index. */
	{
		newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;

		io.jobs = 2;
		io.shards = 2;
		memset(&s1, 0, sizeof(s1));
		ck_assert_int_eq(newsidx_db_rebuild(one, &io, &s1),
				 NEWSIDX_REJECTED);
		ck_assert_uint_eq(s1.shards, 2);
		ck_assert_uint_eq(newsidx_db_count(one),
				  newsidx_db_count(bulk));
		for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
			ck_assert_uint_eq(search_total(one, queries[i]),
					  search_total(bulk, queries[i]));
		ck_assert_uint_le(gens("one"), 2);
		ck_assert_int_eq(load(one, 2, &s1), NEWSIDX_OK);
		ck_assert_uint_eq(s1.unchanged, 6);
	}
	newsidx_db_free(one);
	newsidx_db_free(bulk);
}
END_TEST

/* ---- packed records ---- */

static const char *const rwords[] = {
	"the", "minister", "said", "on", "trade", "talks", "in", "Tokyo",
	"of", "prices", "rose", "percent", "shares", "bank", "rates", "oil",
	"market", "week", "government", "company", "profit", "quarter",
	"analysts", "expected", "investors", "exports", "growth", "year",
};

/* Body of article (f, i): the same text every time it is asked for. */
static void rbody(unsigned f, unsigned i, char *out, size_t size)
{
	unsigned long long keep = rng_state;
	size_t n = 0;
	unsigned k;

	rng_state = f * 100003ULL + i;
	for (k = 0; k < 130 && n + 16 < size; k++)
		n += (size_t)snprintf(out + n, size - n, "%s%s",
				      rwords[rnd(sizeof(rwords) /
						 sizeof(rwords[0]))],
				      k % 19 == 18 ? ". " : " ");
	rng_state = keep;
}

/*
 * A bulk load of 4,000 articles (about 3.5 MB of records): the record
 * dictionary is trained by a preparing thread during the load, stored
 * in the metadata generation and merged with the shards; every article
 * reads back as it was given, in the bulk index, in a one-writer index
 * and after a rebuild, and the check finds nothing wrong.
 */
START_TEST(test_bulk_packs_records)
{
	newsidx_db_t *one = open_writer("one"), *bulk = open_writer("bulk");
	newsidx_index_stats_t st;
	newsidx_info_t *info = NULL;
	unsigned long problems = 1;
	char p[400], body[2048];
	unsigned f, i;

	snprintf(p, sizeof(p), "%s/in", dir);
	ck_assert_int_eq(mkdir(p, 0777), 0);
	for (f = 0; f < 8; f++) {
		FILE *fp;

		snprintf(p, sizeof(p), "%s/in/part-%u.jsonl", dir, f);
		fp = fopen(p, "w");
		ck_assert_ptr_nonnull(fp);
		for (i = 0; i < 500; i++) {
			rbody(f, i, body, sizeof(body));
			fprintf(fp,
				"{\"id\":\"r%u-%u\",\"title\":\"Report %u\","
				"\"body\":\"%s\",\"date\":\"2020-01-0%u\"}\n",
				f, i, i, body, 1 + i % 9);
		}
		ck_assert_int_eq(fclose(fp), 0);
	}
	ck_assert_int_eq(load(bulk, 2, &st), NEWSIDX_OK);
	ck_assert_uint_eq(st.shards, 2);
	ck_assert_int_eq(load(one, 1, &st), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_info(bulk, &info), NEWSIDX_OK);
	ck_assert_uint_gt(info->dictionary_bytes, 10000);
	ck_assert_int_eq(info->schema_version, info->schema_current);
	newsidx_info_free(info);
	for (i = 0; i < 3; i++) {
		newsidx_db_t *db = i ? one : bulk;
		unsigned k;

		if (i == 2) { /* and after a rebuild in shards */
			newsidx_index_options_t io =
				NEWSIDX_INDEX_OPTIONS_INIT;

			io.jobs = 2;
			io.shards = 2;
			ck_assert_int_eq(newsidx_db_rebuild(db, &io, &st),
					 NEWSIDX_OK);
		}
		for (k = 0; k < 4000; k += 7) {
			newsidx_article_t *a = NULL;
			char id[32];

			f = k / 500;
			snprintf(id, sizeof(id), "r%u-%u", f, k % 500);
			ck_assert_int_eq(newsidx_article_get(&a, db, id), NEWSIDX_OK);
			rbody(f, k % 500, body, sizeof(body));
			ck_assert_str_eq(a->body, body);
			newsidx_article_free(a);
		}
		ck_assert_uint_eq(search_total(db, "minister"),
				  search_total(one, "minister"));
		ck_assert_uint_eq(search_total(db, "\"oil prices\""),
				  search_total(one, "\"oil prices\""));
	}
	ck_assert_uint_gt(search_total(one, "\"oil prices\""), 0);
	snprintf(p, sizeof(p), "%s/bulk", dir);
	newsidx_db_free(bulk);
	ck_assert_int_eq(newsidx_db_check(p, NULL, NULL, &problems), NEWSIDX_OK);
	ck_assert_uint_eq(problems, 0);
	newsidx_db_free(one);
}
END_TEST

/* ---- compact positions against the position table ---- */

static const char *const pvocab[] = {
	"rail",   "line",  "high-speed", "train",  "the",   "of",
	"bank",   "japan", "rates",      "rising", "new",   "york",
	"stock",  "exchange", "net",     "profit", "loss",  "quarter",
	"trade",  "deficit", "record",   "talks",  "minister", "prime",
};
#define NPV (sizeof(pvocab) / sizeof(pvocab[0]))

/* Two files of 150 articles of random words from a small vocabulary, so
 * that phrases both match and miss, with compounds and titles. */
static void write_phrase_inputs(unsigned seed, const char *sub)
{
	char p[400];
	unsigned f, i, k;

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	ck_assert_int_eq(mkdir(p, 0777), 0);
	rng_state = seed;
	for (f = 0; f < 2; f++) {
		FILE *fp;

		snprintf(p, sizeof(p), "%s/%s/part-%u.jsonl", dir, sub, f);
		fp = fopen(p, "w");
		ck_assert_ptr_nonnull(fp);
		for (i = 0; i < 150; i++) {
			unsigned nt = 1 + rnd(5), nb = 5 + rnd(60);

			fprintf(fp, "{\"id\":\"p%u-%u\",\"title\":\"", f, i);
			for (k = 0; k < nt; k++)
				fprintf(fp, "%s%s", k ? " " : "",
					pvocab[rnd(NPV)]);
			fputs("\",\"body\":\"", fp);
			for (k = 0; k < nb; k++)
				fprintf(fp, "%s%s", k ? (rnd(9) ? " " : ". ")
						      : "",
					pvocab[rnd(NPV)]);
			fputs("\"}\n", fp);
		}
		ck_assert_int_eq(fclose(fp), 0);
	}
}

static newsidx_status_t load_layout(newsidx_db_t *db, const char *sub,
				    unsigned shards, int positions)
{
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t st;
	char p[400];

	io.jobs = 2;
	io.shards = shards;
	io.positions = positions;
	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	return newsidx_index_path(db, p, &io, &st);
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The total and every matching id, sorted, as one string (ties in score
 * are ordered by docid, which differs between one writer and shards). */
static void answer(newsidx_db_t *db, const char *q, char *out, size_t size)
{
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_results_t *r = NULL;
	const char *ids[400];
	size_t i, n, used;

	so.limit = 400;
	so.snippets = 0;
	so.all_copies = 1;
	ck_assert_msg(newsidx_search(&r, db, q, &so) == NEWSIDX_OK,
		      "search %s: %s", q, newsidx_db_errmsg(db));
	n = newsidx_results_count(r);
	ck_assert_uint_eq(n, newsidx_results_total(r));
	for (i = 0; i < n; i++)
		ids[i] = newsidx_results_hit(r, i)->id;
	qsort(ids, n, sizeof(ids[0]), cmp_cstr);
	used = (size_t)snprintf(out, size, "%zu:", n);
	for (i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, " %s",
					 ids[i]);
	newsidx_results_free(r);
}

static const char *layout(newsidx_db_t *db)
{
	static char buf[16];
	newsidx_info_t *info = NULL;

	ck_assert_int_eq(newsidx_db_info(db, &info), NEWSIDX_OK);
	snprintf(buf, sizeof(buf), "%s", info->positions);
	newsidx_info_free(info);
	return buf;
}

/* Random phrases, NEAR and title phrases give the same totals and the
 * same first hits with compact positions (one writer, and two shards)
 * as with Xapian's position table. */
START_TEST(test_compact_positions_equal_table)
{
	newsidx_db_t *t = open_writer("table"), *c = open_writer("compact"),
		     *cb = open_writer("compactbulk"), *rc = NULL;
	static char a1[4096], a2[4096], a3[4096];
	char q[256];
	unsigned i, k, nonzero = 0, zero = 0;

	write_phrase_inputs(99, "pin");
	ck_assert_int_eq(load_layout(t, "pin", 1, NEWSIDX_POSITIONS_KEEP),
			 NEWSIDX_OK);
	ck_assert_int_eq(load_layout(c, "pin", 1, NEWSIDX_POSITIONS_COMPACT),
			 NEWSIDX_OK);
	ck_assert_int_eq(load_layout(cb, "pin", 2, NEWSIDX_POSITIONS_COMPACT),
			 NEWSIDX_OK);
	ck_assert_str_eq(layout(t), "table");
	ck_assert_str_eq(layout(c), "compact");
	ck_assert_str_eq(layout(cb), "compact");
	{
		newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
		char p[400];

		snprintf(p, sizeof(p), "%s/compactbulk", dir);
		ck_assert_int_eq(newsidx_db_open(&rc, p, &oo), NEWSIDX_OK);
	}
	rng_state = 5;
	for (i = 0; i < 300; i++) {
		unsigned kind = rnd(5), n = 2 + rnd(3);
		size_t used = 0;

		if (kind <= 1 || kind == 4) {
			used = (size_t)snprintf(q, sizeof(q), "%s\"",
						kind == 4 ? "title:" : "");
			for (k = 0; k < n; k++)
				used += (size_t)snprintf(q + used,
							 sizeof(q) - used,
							 "%s%s", k ? " " : "",
							 pvocab[rnd(NPV)]);
			snprintf(q + used, sizeof(q) - used, "\"%s",
				 kind == 1 ? " rail" : "");
		} else if (kind == 2) {
			snprintf(q, sizeof(q), "%s NEAR/%u %s",
				 pvocab[rnd(NPV)], 1 + rnd(4),
				 pvocab[rnd(NPV)]);
		} else {
			snprintf(q, sizeof(q), "%s NEAR/%u %s NEAR/%u %s",
				 pvocab[rnd(NPV)], 1 + rnd(3),
				 pvocab[rnd(NPV)], 1 + rnd(3),
				 pvocab[rnd(NPV)]);
		}
		answer(t, q, a1, sizeof(a1));
		answer(c, q, a2, sizeof(a2));
		answer(cb, q, a3, sizeof(a3));
		ck_assert_msg(strcmp(a1, a2) == 0 && strcmp(a2, a3) == 0,
			      "%s: table %s, compact %s, compact bulk %s", q,
			      a1, a2, a3);
		/* A reader counts in a second thread, sharing the position
		 * checks' answers with the page. */
		answer(rc, q, a2, sizeof(a2));
		ck_assert_msg(strcmp(a1, a2) == 0, "%s: table %s, reader %s",
			      q, a1, a2);
		if (a1[0] == '0')
			zero++;
		else
			nonzero++;
	}
	/* Both outcomes were compared. */
	ck_assert_uint_gt(nonzero, 50);
	ck_assert_uint_gt(zero, 20);
	newsidx_db_free(rc);

	/* The layout is chosen while the index is empty. */
	ck_assert_int_eq(load_layout(t, "pin", 1, NEWSIDX_POSITIONS_COMPACT),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(t), "rebuild"));
	ck_assert_int_eq(load_layout(t, "pin", 1, 9),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_int_eq(load_layout(c, "pin", 1, NEWSIDX_POSITIONS_KEEP),
			 NEWSIDX_OK);

	/* A rebuild keeps the layout, or changes it when asked. */
	{
		newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
		newsidx_index_stats_t st;

		ck_assert_int_eq(newsidx_db_rebuild(c, &io, &st), NEWSIDX_OK);
		ck_assert_str_eq(layout(c), "compact");
		io.positions = NEWSIDX_POSITIONS_TABLE;
		ck_assert_int_eq(newsidx_db_rebuild(cb, &io, &st),
				 NEWSIDX_OK);
		ck_assert_str_eq(layout(cb), "table");
		io.positions = NEWSIDX_POSITIONS_COMPACT;
		ck_assert_int_eq(newsidx_db_rebuild(t, &io, &st), NEWSIDX_OK);
		ck_assert_str_eq(layout(t), "compact");
		answer(t, "\"bank of japan\"", a1, sizeof(a1));
		answer(cb, "\"bank of japan\"", a2, sizeof(a2));
		ck_assert_str_eq(a1, a2);
	}
	newsidx_db_free(t);
	newsidx_db_free(c);
	newsidx_db_free(cb);
}
END_TEST

/* A reader on a table index, whose generation two rebuilds retire (the
 * first makes the index compact): the search finds the layout changed
 * under it and is built again for the new one. */
START_TEST(test_reader_follows_layout_change)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t st;
	newsidx_db_t *w = open_writer("sw"), *r = NULL;
	char p[400];
	size_t want;

	write_phrase_inputs(3, "swin");
	ck_assert_int_eq(load_layout(w, "swin", 1, NEWSIDX_POSITIONS_KEEP),
			 NEWSIDX_OK);
	snprintf(p, sizeof(p), "%s/sw", dir);
	ck_assert_int_eq(newsidx_db_open(&r, p, &oo), NEWSIDX_OK);
	want = search_total(r, "\"rates rising\"");
	ck_assert_uint_gt(want, 0);
	io.positions = NEWSIDX_POSITIONS_COMPACT;
	ck_assert_int_eq(newsidx_db_rebuild(w, &io, &st), NEWSIDX_OK);
	io.positions = NEWSIDX_POSITIONS_KEEP;
	ck_assert_int_eq(newsidx_db_rebuild(w, &io, &st), NEWSIDX_OK);
	ck_assert_uint_eq(search_total(r, "\"rates rising\""), want);
	ck_assert_str_eq(layout(r), "compact");
	newsidx_db_free(r);
	newsidx_db_free(w);
}
END_TEST

/* An article re-indexed with new text: its positions follow. */
START_TEST(test_compact_positions_follow_updates)
{
	newsidx_db_t *db = open_writer("upd");
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t st;
	char p[400];
	FILE *fp;

	io.positions = NEWSIDX_POSITIONS_COMPACT;
	snprintf(p, sizeof(p), "%s/a.txt", dir);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("Rail talks\n\nThe high-speed rail line opens in Tsuruga.\n", fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(newsidx_index_path(db, p, &io, &st), NEWSIDX_OK);
	ck_assert_uint_eq(search_total(db, "\"high-speed rail\""), 1);
	ck_assert_uint_eq(search_total(db, "\"high speed rail line\""), 1);
	ck_assert_uint_eq(search_total(db, "title:\"rail talks\""), 1);
	ck_assert_uint_eq(search_total(db, "title:\"rail line\""), 0);
	ck_assert_uint_eq(search_total(db, "\"rail opens\""), 0);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("Rail talks\n\nThe new rail opens in Tsuruga at high speed.\n",
	      fp);
	ck_assert_int_eq(fclose(fp), 0);
	io.force = 1;
	ck_assert_int_eq(newsidx_index_path(db, p, &io, &st), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_db_count(db), 1);
	ck_assert_uint_eq(search_total(db, "\"high-speed rail\""), 0);
	ck_assert_uint_eq(search_total(db, "\"rail opens\""), 1);
	ck_assert_uint_eq(search_total(db, "rail NEAR/2 tsuruga"), 1);
	ck_assert_uint_eq(search_total(db, "rail NEAR/1 tsuruga"), 0);
	newsidx_db_free(db);
}
END_TEST

static int stop_early(void *ctx, const newsidx_index_stats_t *st)
{
	(void)ctx;
	return st->files >= 2;
}

START_TEST(test_bulk_interrupted_then_completed)
{
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t st;
	newsidx_db_t *db = open_writer("stop");
	char p[400];
	size_t part;

	write_inputs();
	snprintf(p, sizeof(p), "%s/in", dir);
	io.jobs = 2;
	io.shards = 2;
	io.progress = stop_early;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(newsidx_index_path(db, p, &io, &st),
			 NEWSIDX_INTERRUPTED);
	/* What was written before the stop is searchable. */
	part = newsidx_db_count(db);
	ck_assert_uint_eq(part, st.added);
	/* The first two files, whole (61 articles each), and nothing of the
	 * files a worker had begun ahead of the writer. */
	ck_assert_uint_eq(part, 2 * 61);
	{
		newsidx_article_t *a = NULL;

		ck_assert_int_eq(newsidx_article_get(&a, db, "a1-59"), NEWSIDX_OK);
		newsidx_article_free(a);
		ck_assert_int_eq(newsidx_article_get(&a, db, "a2-0"),
				 NEWSIDX_NOT_FOUND);
	}
	ck_assert_uint_le(gens("stop"), 2);
	newsidx_db_free(db);

	db = open_writer("stop");
	ck_assert_int_eq(load(db, 2, &st), NEWSIDX_REJECTED);
	ck_assert_uint_eq(newsidx_db_count(db), 6 * 60 + 2 + 1);
	ck_assert_uint_eq(search_total(db, "market"), 6 * 60);
	newsidx_db_free(db);
}
END_TEST

/* Where two strings part, a little before. */
static size_t differ(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return i > 20 ? i - 20 : 0;
}

/*
 * Threads that prepare files ahead of the writer do not change what is
 * written, or in what order: with two threads, one writer gets every
 * article in the files' order, as with one thread (equal scores rank in
 * that order), and two bulk loads in shards give the same index.
 */
START_TEST(test_threads_keep_file_order)
{
	static const char *const queries[] = { "market", "item", "news" };
	newsidx_db_t *seq = open_writer("seq"), *par = open_writer("par"),
		     *b1 = open_writer("b1"), *b2 = open_writer("b2");
	newsidx_index_stats_t st;
	static char a1[16384], a2[16384];
	size_t i, d;

	write_inputs();
	ck_assert_int_eq(load_jobs(seq, 1, 1, &st), NEWSIDX_REJECTED);
	ck_assert_int_eq(load_jobs(par, 2, 1, &st), NEWSIDX_REJECTED);
	ck_assert_uint_eq(st.shards, 0);
	ck_assert_int_eq(load_jobs(b1, 2, 2, &st), NEWSIDX_REJECTED);
	ck_assert_uint_eq(st.shards, 2);
	ck_assert_int_eq(load_jobs(b2, 2, 2, &st), NEWSIDX_REJECTED);
	for (i = 0; i < 2 * sizeof(queries) / sizeof(queries[0]); i++) {
		const char *q = queries[i / 2];

		ranked_ids(i % 2 ? b1 : seq, q, a1, sizeof(a1));
		ranked_ids(i % 2 ? b2 : par, q, a2, sizeof(a2));
		d = differ(a1, a2);
		ck_assert_msg(strcmp(a1, a2) == 0, "%s, %s: ...%.60s against "
			      "...%.60s", q, i % 2 ? "two bulk loads" :
			      "one thread and two", a1 + d, a2 + d);
	}
	/* Equal scores, in the files' order. */
	ranked_ids(seq, "market", a1, sizeof(a1));
	ck_assert_ptr_nonnull(strstr(a1, " a0-59 a1-0 "));
	ck_assert_ptr_nonnull(strstr(a1, " a4-59 a5-0 "));
	newsidx_db_free(seq);
	newsidx_db_free(par);
	newsidx_db_free(b1);
	newsidx_db_free(b2);
}
END_TEST

static int stop_mid_file(void *ctx, const newsidx_index_stats_t *st)
{
	(void)ctx;
	return st->articles >= 300;
}

/* Stopped by the progress call inside a file (every 256 articles), the
 * article just queued for its shard is written, not lost or freed. */
START_TEST(test_bulk_stopped_mid_file)
{
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t st;
	newsidx_db_t *db = open_writer("mid");
	char p[400];
	unsigned f, i;

	snprintf(p, sizeof(p), "%s/big", dir);
	ck_assert_int_eq(mkdir(p, 0777), 0);
	for (f = 0; f < 2; f++) {
		FILE *fp;

		snprintf(p, sizeof(p), "%s/big/part-%u.jsonl", dir, f);
		fp = fopen(p, "w");
		ck_assert_ptr_nonnull(fp);
		for (i = 0; i < 700; i++)
			fprintf(fp,
				"{\"id\":\"b%u-%u\",\"title\":\"Item\","
				"\"body\":\"market note %u %u\"}\n",
				f, i, f, i);
		ck_assert_int_eq(fclose(fp), 0);
	}
	snprintf(p, sizeof(p), "%s/big", dir);
	io.jobs = 2;
	io.shards = 2;
	io.progress = stop_mid_file;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(newsidx_index_path(db, p, &io, &st),
			 NEWSIDX_INTERRUPTED);
	ck_assert_uint_ge(st.added, 300);
	ck_assert_uint_eq(newsidx_db_count(db), st.added);
	ck_assert_uint_eq(search_total(db, "market"), st.added);
	io.progress = NULL;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(newsidx_index_path(db, p, &io, &st), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_db_count(db), 1400);
	newsidx_db_free(db);
}
END_TEST

/* write_articles(name, prefix, n): a JSON Lines file of n articles
 * under dir. */
static void write_articles(const char *name, const char *prefix, unsigned n)
{
	char p[400];
	FILE *fp;
	unsigned i;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	for (i = 0; i < n; i++)
		fprintf(fp,
			"{\"id\":\"%s-%u\",\"title\":\"Item %u\","
			"\"body\":\"grain note %u\"}\n",
			prefix, i, i, i);
	ck_assert_int_eq(fclose(fp), 0);
}

struct walkstop {
	unsigned long calls;
	int stopped;
};

/* Stop as soon as asked while the files are still being found (none
 * counted yet). */
static int stop_while_walking(void *ctx, const newsidx_index_stats_t *st)
{
	struct walkstop *ws = ctx;

	ws->calls++;
	if (st->files_total == 0) {
		ws->stopped = 1;
		return 1;
	}
	return 0;
}

/* A stop request is heard during the walk of the directories, not only
 * once every file has been found: a walk can be long. */
START_TEST(test_walk_stops_on_request)
{
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t st;
	newsidx_db_t *db = open_writer("walkstop");
	struct walkstop ws = { 0, 0 };
	char p[400], name[64];
	unsigned i;

	snprintf(p, sizeof(p), "%s/tree", dir);
	ck_assert_int_eq(mkdir(p, 0777), 0);
	for (i = 0; i < 30; i++) {
		snprintf(p, sizeof(p), "%s/tree/d%02u", dir, i);
		ck_assert_int_eq(mkdir(p, 0777), 0);
		snprintf(name, sizeof(name), "tree/d%02u/f.jsonl", i);
		write_articles(name, name + 5, 2);
	}
	snprintf(p, sizeof(p), "%s/tree", dir);
	io.progress = stop_while_walking;
	io.progress_ctx = &ws;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(newsidx_index_path(db, p, &io, &st),
			 NEWSIDX_INTERRUPTED);
	ck_assert_int_eq(ws.stopped, 1);
	ck_assert_uint_eq(st.files, 0);
	ck_assert_uint_eq(newsidx_db_count(db), 0);
	/* Nothing was harmed: the next run does it all. */
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(newsidx_index_path(db, p, NULL, &st), NEWSIDX_OK);
	ck_assert_uint_eq(st.files, 30);
	ck_assert_uint_eq(newsidx_db_count(db), 60);
	newsidx_db_free(db);
}
END_TEST

static void remove_file(const char *name)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_int_eq(unlink(p), 0);
}

/*
 * The files of a path vanishing wholesale (an empty directory where a
 * share was mounted) delete nothing beyond the options' limits, which
 * an option of an earlier version cannot lift; a missing path is its
 * own status and deletes nothing either.
 */
START_TEST(test_delete_limits)
{
	newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t st;
	newsidx_db_t *db = open_writer("guard");
	char p[400];

	snprintf(p, sizeof(p), "%s/share", dir);
	ck_assert_int_eq(mkdir(p, 0777), 0);
	write_articles("share/a.jsonl", "a", 60);
	write_articles("share/b.jsonl", "b", 60);
	ck_assert_int_eq(newsidx_index_path(db, p, NULL, NULL), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_db_count(db), 120);
	remove_file("share/a.jsonl");
	remove_file("share/b.jsonl");

	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(newsidx_index_path(db, p, NULL, &st),
			 NEWSIDX_DELETE_REFUSED);
	ck_assert_uint_eq(st.deleted, 0);
	ck_assert_uint_eq(newsidx_db_count(db), 120);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), "share: 120 of "
					     "its 120 articles"));
	ck_assert_str_ne(newsidx_status_str(NEWSIDX_DELETE_REFUSED),
			 "unknown status");
	ck_assert_str_ne(newsidx_status_str(NEWSIDX_NO_INPUT),
			 "unknown status");
	ck_assert_str_ne(newsidx_status_str(NEWSIDX_NO_INPUT),
			 newsidx_status_str(NEWSIDX_DELETE_REFUSED));
	/* A count limit does not lift the share limit. */
	io.max_delete = 1000;
	ck_assert_int_eq(newsidx_index_path(db, p, &io, NULL),
			 NEWSIDX_DELETE_REFUSED);
	/* Nor the reverse. */
	io.max_delete = 119;
	io.max_delete_share = 100;
	ck_assert_int_eq(newsidx_index_path(db, p, &io, NULL),
			 NEWSIDX_DELETE_REFUSED);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db), "the 119 one"));
	/* Options of version 3 know no limits: the defaults hold. */
	io.max_delete = 0;
	io.version = 3;
	ck_assert_int_eq(newsidx_index_path(db, p, &io, NULL),
			 NEWSIDX_DELETE_REFUSED);
	ck_assert_uint_eq(newsidx_db_count(db), 120);
	io.version = NEWSIDX_INDEX_OPTIONS_VERSION;
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(newsidx_index_path(db, p, &io, &st), NEWSIDX_OK);
	ck_assert_uint_eq(st.deleted, 120);
	ck_assert_uint_eq(newsidx_db_count(db), 0);

	/* A path that is not there at all. */
	write_articles("share/c.jsonl", "c", 10);
	ck_assert_int_eq(newsidx_index_path(db, p, NULL, NULL), NEWSIDX_OK);
	snprintf(p, sizeof(p), "%s/not-there", dir);
	ck_assert_int_eq(newsidx_index_path(db, p, NULL, NULL),
			 NEWSIDX_NO_INPUT);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(db),
				     "not-there: No such file or directory"));
	snprintf(p, sizeof(p), "%s/share/c.jsonl", dir);
	remove_file("share/c.jsonl");
	ck_assert_int_eq(newsidx_index_path(db, p, NULL, NULL),
			 NEWSIDX_NO_INPUT);
	ck_assert_uint_eq(newsidx_db_count(db), 10);
	newsidx_db_free(db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("load");
	TCase *tc = tcase_create("load");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_date_filters_brute_force);
	tcase_add_test(tc, test_since_whole_days);
	tcase_add_test(tc, test_bulk_equals_one_writer);
	tcase_add_test(tc, test_bulk_packs_records);
	tcase_add_test(tc, test_bulk_interrupted_then_completed);
	tcase_add_test(tc, test_bulk_stopped_mid_file);
	tcase_add_test(tc, test_threads_keep_file_order);
	tcase_add_test(tc, test_compact_positions_equal_table);
	tcase_add_test(tc, test_compact_positions_follow_updates);
	tcase_add_test(tc, test_reader_follows_layout_change);
	tcase_add_test(tc, test_walk_stops_on_request);
	tcase_add_test(tc, test_delete_limits);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
