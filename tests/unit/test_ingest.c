/*
 * test_ingest.c: unit tests of ingest/ (ingest.c and the plain text and
 * JSON Lines readers it dispatches to), which reads an input (a file or
 * a memory buffer, gzip-compressed or not) into article records.
 *
 * Covered: the date parser newsidx_ingest__date(); plain text in the
 * corpus format (title line, "date YYYY-MM-DD Place:" lead, titles
 * derived from the first sentence); JSON Lines fields, aliases and ids;
 * gzip found by its magic bytes, multi-member and truncated streams; and
 * the rejections, with their exact "where" strings and reasons (ids with
 * control characters among them).  Every
 * input is built in memory; gzip data is made here with zlib, and the
 * bytes a truncated stream can still yield are worked out with zlib too,
 * so the tests know which records lie wholly before the fault.  One test
 * writes some of these inputs to a temporary file to check that reading
 * a path (through zlib's gzread) gives what reading memory gives.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, for the file-path test */

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "analyzer/analyzer.h"
#include "ingest/parsers.h"
#include "util/util.h"

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

#define NAME "input"
#define ABSPATH "/data/input"
#define ELLIPSIS "\xe2\x80\xa6"

/* ------------------------------------------------------------------ */
/* helpers: a sink that records what the reader reports                */
/* ------------------------------------------------------------------ */

#include "sink.h"

static void sink_init(struct sink *s, size_t max_article)
{
	sink_setup(s, NAME, ABSPATH, max_article, 0);
}

/* Run the reader over a memory buffer; the counters must agree with
 * what the callbacks saw. */
static newsidx_status_t run_mem(struct sink *s, const void *data,
				size_t len)
{
	newsidx_status_t st;

	st = newsidx_ingest__run(&s->ing, NULL, data, len);
	ck_assert_uint_eq(s->ing.articles, s->nart);
	ck_assert_uint_eq(s->ing.rejected, s->nrej);
	return st;
}

static newsidx_status_t run_str(struct sink *s, const char *text)
{
	return run_mem(s, text, strlen(text));
}

/* "where" of a stream fault: NAME ": offset N", optionally followed by
 * a parenthesised note such as " (uncompressed)". */
static void assert_offset_where(const char *where, unsigned long long off)
{
	char want[64];
	size_t n;

	n = (size_t)snprintf(want, sizeof(want), NAME ": offset %llu", off);
	ck_assert_msg(strncmp(where, want, n) == 0 &&
			      (where[n] == '\0' || where[n] == ' '),
		      "where is '%s', expected '%s'", where, want);
	if (where[n] == ' ')
		ck_assert_msg(where[n + 1] == '(', "where is '%s'", where);
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ------------------------------------------------------------------ */
/* helpers: gzip                                                       */
/* ------------------------------------------------------------------ */

/* One gzip member holding len bytes of data (malloc'd). */
static unsigned char *gz(const void *data, size_t len, size_t *outlen)
{
	z_stream z;
	unsigned char *out;
	uLong cap;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED,
				      15 + 16, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	cap = deflateBound(&z, (uLong)len) + 64;
	out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = (size_t)z.total_out;
	deflateEnd(&z);
	return out;
}

/* Concatenate two buffers (malloc'd). */
static unsigned char *cat2(const void *a, size_t alen, const void *b,
			   size_t blen)
{
	unsigned char *p = malloc(alen + blen + 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, a, alen);
	memcpy(p + alen, b, blen);
	return p;
}

/* How many bytes one (possibly cut) gzip member still decompresses to:
 * what any streaming reader can recover before the fault. */
static size_t recoverable(const unsigned char *data, size_t len,
			  size_t cap)
{
	z_stream z;
	unsigned char *out = malloc(cap + 1);
	int ret;

	ck_assert_ptr_nonnull(out);
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)(cap + 1);
	do
		ret = inflate(&z, Z_NO_FLUSH);
	while (ret == Z_OK && z.avail_in > 0);
	ck_assert_int_ne(ret, Z_STREAM_END); /* it must really be cut */
	len = (size_t)z.total_out;
	inflateEnd(&z);
	free(out);
	return len;
}

static size_t count_lines(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

/* A deterministic pseudo-random generator for bulky test data. */
static unsigned long lcg_next(unsigned long *state)
{
	*state = (*state * 1103515245UL + 12345UL) & 0x7fffffffUL;
	return *state >> 8;
}

/* JSON Lines with nrec records of varied words, one per line (malloc'd,
 * NUL-terminated). */
static char *make_jsonl(size_t nrec, size_t *outlen)
{
	static const char *const vocab[] = {
		"railway", "minister", "harbour", "council", "election",
		"Tokyo", "trade", "deficit", "summit", "vaccine", "budget",
		"parliament", "storm", "river", "export", "talks"
	};
	struct newsidx_buf b = { 0 };
	unsigned long seed = 42;
	size_t i, w;
	int rc = 0;

	for (i = 0; i < nrec; i++) {
		newsidx_buf__printf(&b, &rc,
				    "{\"id\":\"r%05zu\",\"title\":\"Record "
				    "%zu\",\"body\":\"",
				    i + 1, i + 1);
		for (w = 0; w < 20; w++)
			newsidx_buf__printf(&b, &rc, "%s%s %lu",
					    w ? " " : "",
					    vocab[lcg_next(&seed) %
						  N_ELEMS(vocab)],
					    lcg_next(&seed) % 1000);
		newsidx_buf__puts(&b, "\"}\n", &rc);
	}
	ck_assert_int_eq(rc, 0);
	*outlen = b.len;
	return b.data;
}

/* ------------------------------------------------------------------ */
/* newsidx_ingest__date                                                */
/* ------------------------------------------------------------------ */

static const struct date_case {
	const char *in;
	const char *utc; /* NULL: must be refused */
	int tz;
	int has_time;
} date_cases[] = {
	/* date only */
	{ "2024-03-07", "20240307000000", 0, 0 },
	{ "  2024-03-07 \t", "20240307000000", 0, 0 },
	{ "2024-02-29", "20240229000000", 0, 0 },
	{ "2000-02-29", "20000229000000", 0, 0 },
	{ "1999-12-31", "19991231000000", 0, 0 },
	/* with a time */
	{ "2024-03-07T10:30", "20240307103000", 0, 1 },
	{ "2024-03-07T10:30:15", "20240307103015", 0, 1 },
	{ "2024-03-07 10:30:15", "20240307103015", 0, 1 },
	{ "2024-03-07t10:30:15z", "20240307103015", 0, 1 },
	{ "2024-03-07T10:30:15Z", "20240307103015", 0, 1 },
	{ "2024-03-07T10:30:15.123456Z", "20240307103015", 0, 1 },
	{ "2024-03-07T10:30:15,5Z", "20240307103015", 0, 1 },
	{ "2024-03-07T10:30:15.999", "20240307103015", 0, 1 },
	{ "2024-03-07T00:00:00-00:00", "20240307000000", 0, 1 },
	{ "2016-12-31T23:59:60Z", "20161231235959", 0, 1 },
	/* offsets */
	{ "2024-03-07T10:30:15+05:30", "20240307050015", 330, 1 },
	{ "2024-03-07T10:30:15+0530", "20240307050015", 330, 1 },
	{ "2024-03-07T10:30:15+05", "20240307053015", 300, 1 },
	{ "2024-03-07T10:30:15-0800", "20240307183015", -480, 1 },
	{ "2024-03-07T10:30:15-08:00", "20240307183015", -480, 1 },
	{ "2024-03-07T10:30+18:00", "20240306163000", 1080, 1 },
	{ "2024-03-07T10:30:15.5+01:00", "20240307093015", 60, 1 },
	/* offsets that move the UTC date */
	{ "2024-03-07T20:30:00-08:00", "20240308043000", -480, 1 },
	{ "2024-03-07T02:00:00+05:30", "20240306203000", 330, 1 },
	{ "2024-01-01T02:00:00+05:30", "20231231203000", 330, 1 },
	{ "2024-12-31T23:30:00-01:00", "20250101003000", -60, 1 },
	{ "2024-03-01T01:00:00+02:00", "20240229230000", 120, 1 },
	{ "2023-03-01T01:00:00+02:00", "20230228230000", 120, 1 },
	{ "2024-02-28T23:00:00-02:00", "20240229010000", -120, 1 },
	{ "2100-03-01T00:30:00+01:00", "21000228233000", 60, 1 },
	{ "2000-03-01T00:30:00+01:00", "20000229233000", 60, 1 },
	{ "1970-01-01T00:30:00+01:00", "19691231233000", 60, 1 },
	{ "1969-12-31T23:00:00-02:00", "19700101010000", -120, 1 },
	{ "9999-12-31T23:30Z", "99991231233000", 0, 1 },
	/* refused */
	{ "", NULL, 0, 0 },
	{ "2024", NULL, 0, 0 },
	{ "2024-03", NULL, 0, 0 },
	{ "2024-3-7", NULL, 0, 0 },
	{ "2024/03/07", NULL, 0, 0 },
	{ "20240307", NULL, 0, 0 },
	{ "2024-03-07x", NULL, 0, 0 },
	{ "2024-03-07Z", NULL, 0, 0 },
	{ "2024-03-07T", NULL, 0, 0 },
	{ "2024-13-01", NULL, 0, 0 },
	{ "2024-00-10", NULL, 0, 0 },
	{ "2024-01-00", NULL, 0, 0 },
	{ "2024-01-32", NULL, 0, 0 },
	{ "2024-04-31", NULL, 0, 0 },
	{ "2024-06-31", NULL, 0, 0 },
	{ "2023-02-29", NULL, 0, 0 },
	{ "1900-02-29", NULL, 0, 0 },
	{ "2100-02-29", NULL, 0, 0 },
	{ "2024-02-30", NULL, 0, 0 },
	{ "2024-03-07T10", NULL, 0, 0 },
	{ "2024-03-07T10:3", NULL, 0, 0 },
	{ "2024-03-07T24:00", NULL, 0, 0 },
	{ "2024-03-07T10:60", NULL, 0, 0 },
	{ "2024-03-07T10:30:61", NULL, 0, 0 },
	{ "2024-03-07T10:30:1", NULL, 0, 0 },
	{ "2024-03-07T10:30+19:00", NULL, 0, 0 },
	{ "2024-03-07T10:30+05:60", NULL, 0, 0 },
	{ "2024-03-07T10:30+5", NULL, 0, 0 },
	{ "2024-03-07T10:30+05:3", NULL, 0, 0 },
	{ "2024-03-07T10:30 UTC", NULL, 0, 0 },
	{ "2024-03-07T10:30ZZ", NULL, 0, 0 },
	{ "Thu, 07 Mar 2024 10:30:00 GMT", NULL, 0, 0 },
	/* out of the four-digit range once moved to UTC */
	{ "0000-01-01T00:00+01:00", NULL, 0, 0 },
	{ "9999-12-31T23:30-01:00", NULL, 0, 0 },
};

START_TEST(test_date)
{
	const struct date_case *c = &date_cases[_i];
	char out[16];
	int tz = 12345, has_time = 12345, ok;

	memset(out, 'x', sizeof(out));
	ok = newsidx_ingest__date(c->in, out, &tz, &has_time);
	if (!c->utc) {
		ck_assert_msg(!ok, "'%s' accepted as %.16s", c->in, out);
		return;
	}
	ck_assert_msg(ok, "'%s' refused", c->in);
	ck_assert_msg(memchr(out, '\0', sizeof(out)) != NULL,
		      "'%s': result not terminated", c->in);
	ck_assert_str_eq(out, c->utc);
	ck_assert_int_eq(tz, c->tz);
	ck_assert_int_eq(has_time, c->has_time);
}
END_TEST

/* Every day of a leap and a common year, against a civil-calendar count
 * done here, with an offset that moves each one back a day. */
START_TEST(test_date_every_day)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	int year, m, d, tz, has_time, prev_y, prev_m, prev_d;
	char in[64], out[16], want[48];

	for (year = 2023; year <= 2024; year++) {
		prev_y = year - 1;
		prev_m = 12;
		prev_d = 31;
		for (m = 1; m <= 12; m++) {
			int n = mdays[m - 1] + (m == 2 && year == 2024);

			for (d = 1; d <= n + 1; d++) {
				snprintf(in, sizeof(in), "%04d-%02d-%02d",
					 year, m, d);
				if (d > n) {
					ck_assert_msg(!newsidx_ingest__date(
							      in, out, &tz,
							      &has_time),
						      "%s accepted", in);
					continue;
				}
				ck_assert_msg(newsidx_ingest__date(
						      in, out, &tz, &has_time),
					      "%s refused", in);
				snprintf(want, sizeof(want),
					 "%04d%02d%02d000000", year, m, d);
				ck_assert_str_eq(out, want);
				snprintf(in, sizeof(in),
					 "%04d-%02d-%02dT00:15:00+00:30", year,
					 m, d);
				ck_assert(newsidx_ingest__date(in, out, &tz,
							       &has_time));
				snprintf(want, sizeof(want),
					 "%04d%02d%02d234500", prev_y, prev_m,
					 prev_d);
				ck_assert_str_eq(out, want);
				ck_assert_int_eq(tz, 30);
				prev_y = year;
				prev_m = m;
				prev_d = d;
			}
		}
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* plain text                                                          */
/* ------------------------------------------------------------------ */

static const struct text_case {
	const char *in;
	const char *title;
	const char *body;
	const char *place; /* NULL: none */
	const char *date;  /* "": none */
} text_cases[] = {
	/* the corpus format: a leading space, then the date lead */
	{ " date 2024-03-07 New Delhi: India and Japan on Thursday agreed "
	  "on new steps. EAM S Jaishankar held talks.\n\nThe two sides "
	  "made progress.",
	  "India and Japan on Thursday agreed on new steps",
	  "India and Japan on Thursday agreed on new steps. EAM S "
	  "Jaishankar held talks.\n\nThe two sides made progress.",
	  "New Delhi", "20240307000000" },
	/* a title line, a blank line, then the lead */
	{ "Bullet train extension opens on Japan Sea coast\n\ndate "
	  "2024-03-16 Tsuruga: Japan extended its Hokuriku Shinkansen line "
	  "on Saturday.\n\nThe first train left at 6 a.m.\n",
	  "Bullet train extension opens on Japan Sea coast",
	  "Japan extended its Hokuriku Shinkansen line on Saturday.\n\nThe "
	  "first train left at 6 a.m.",
	  "Tsuruga", "20240316000000" },
	/* CRLF line ends */
	{ "Harbour plan approved\r\n\r\ndate 2024-05-01 Oslo: The council "
	  "approved a promenade.\r\n\r\nWork starts soon.\r\n",
	  "Harbour plan approved",
	  "The council approved a promenade.\r\n\r\nWork starts soon.",
	  "Oslo", "20240501000000" },
	/* a byte order mark before the title line */
	{ "\xef\xbb\xbfHeadline here\n\nBody text follows here.\n",
	  "Headline here", "Body text follows here.", NULL, "" },
	/* blank lines and spaces before the title line */
	{ "\n\n  Title here\n\nBody.\n", "Title here", "Body.", NULL, "" },
	/* the blank line after a title may hold spaces and tabs */
	{ "Title line\n \t \nBody text.", "Title line", "Body text.", NULL,
	  "" },
	/* a title and nothing else */
	{ "Headline only\n\n\n", "Headline only", "", NULL, "" },
	/* a first line ending in a full stop is text, not a title */
	{ "The council met on Monday.\n\nIt approved the plan.\n",
	  "The council met on Monday",
	  "The council met on Monday.\n\nIt approved the plan.", NULL, "" },
	/* without a blank line after it the first line is text */
	{ "First line of text\nsecond line here\n", "First line of text",
	  "First line of text\nsecond line here", NULL, "" },
	/* derived titles: the first sentence */
	{ "Is this the end? Nobody knows yet.", "Is this the end?",
	  "Is this the end? Nobody knows yet.", NULL, "" },
	{ "Prices rose. 5,000 people protested.", "Prices rose",
	  "Prices rose. 5,000 people protested.", NULL, "" },
	{ "The U.S. economy grew. Analysts cheered.",
	  "The U.S. economy grew", "The U.S. economy grew. Analysts cheered.",
	  NULL, "" },
	{ "Crowds cheered! \"We won,\" she said.", "Crowds cheered!",
	  "Crowds cheered! \"We won,\" she said.", NULL, "" },
	/* lead variants */
	{ "date 2024-01-05\tOslo: Snow fell.", "Snow fell", "Snow fell.",
	  "Oslo", "20240105000000" },
	{ "date 2023-11-20 Rio de Janeiro: Fans gathered.", "Fans gathered",
	  "Fans gathered.", "Rio de Janeiro", "20231120000000" },
	{ "date 2024-04-01 Z\xc3\xbcrich: Voters went to the polls.",
	  "Voters went to the polls", "Voters went to the polls.",
	  "Z\xc3\xbcrich", "20240401000000" },
	/* a place may start with a non-ASCII capital, as each of its
	 * words may */
	{ "date 2024-04-01 \xc5\x81\xc3\xb3"
	  "d\xc5\xba: Voters went to the polls.",
	  "Voters went to the polls", "Voters went to the polls.",
	  "\xc5\x81\xc3\xb3"
	  "d\xc5\xba",
	  "20240401000000" },
	/* no place: the words before the colon are not capitalised */
	{ "date 2024-01-05 the council met: it voted.",
	  "the council met: it voted", "the council met: it voted.", NULL,
	  "20240105000000" },
	/* no lead, but a wire dateline at the start of the text (meta.c) */
	{ "WASHINGTON (AP) \xe2\x80\x94 The House voted on Tuesday. It "
	  "passed.",
	  "WASHINGTON (AP) \xe2\x80\x94 The House voted on Tuesday",
	  "WASHINGTON (AP) \xe2\x80\x94 The House voted on Tuesday. It "
	  "passed.",
	  "Washington", "" },
	/* no lead: an impossible date stays in the text */
	{ "date 2024-02-30 Oslo: Text here.",
	  "date 2024-02-30 Oslo: Text here",
	  "date 2024-02-30 Oslo: Text here.", NULL, "" },
};

START_TEST(test_text)
{
	const struct text_case *c = &text_cases[_i];
	struct sink s;

	sink_init(&s, 0);
	ck_assert_int_eq(run_str(&s, c->in), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_str_eq(s.art[0].title, c->title);
	ck_assert_str_eq(s.art[0].body, c->body);
	ck_assert_uint_eq(s.art[0].body_len, strlen(c->body));
	ck_assert_pstr_eq(s.art[0].place, c->place);
	ck_assert_str_eq(s.art[0].date, c->date);
	ck_assert_int_eq(s.art[0].has_time, 0);
	ck_assert_int_eq(s.art[0].tz, 0);
	ck_assert_str_eq(s.art[0].id, ABSPATH);
	ck_assert_str_eq(s.art[0].path, ABSPATH);
	ck_assert_uint_eq(s.art[0].record, 1);
	ck_assert_ptr_null(s.art[0].url);
	ck_assert_ptr_null(s.art[0].source);
	sink_free(&s);
}
END_TEST

/* A first sentence over 140 bytes is cut at a word and marked "…". */
START_TEST(test_text_long_title)
{
	char body[512];
	size_t i, n = 0;
	struct sink s;

	for (i = 0; i < 30; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n,
				      "%sword%02zu", i ? " " : "", i);
	/* word k starts at 7k: byte 140 starts word20, so the cut goes
	 * back to the space after word19 */
	sink_init(&s, 0);
	ck_assert_int_eq(run_str(&s, body), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_uint_eq(strlen(s.art[0].title), 139 + 3);
	ck_assert_int_eq(memcmp(s.art[0].title, body, 139), 0);
	ck_assert_str_eq(s.art[0].title + 139, ELLIPSIS);
	ck_assert_str_eq(s.art[0].body, body);
	sink_free(&s);
}
END_TEST

/* With no space to cut at, the cut never splits a UTF-8 sequence. */
START_TEST(test_text_long_title_utf8)
{
	char body[512];
	size_t i, n, k, bad;
	struct sink s;

	for (k = 0; k < 2; k++) {
		/* 200 two-byte letters, after k ASCII letters */
		n = 0;
		for (i = 0; i < k; i++)
			body[n++] = 'a';
		for (i = 0; i < 200; i++) {
			body[n++] = '\xc3';
			body[n++] = '\xa9';
		}
		body[n] = '\0';
		sink_init(&s, 0);
		ck_assert_int_eq(run_str(&s, body), NEWSIDX_OK);
		ck_assert_uint_eq(s.nart, 1);
		n = strlen(s.art[0].title);
		ck_assert_msg(newsidx_utf8__valid(s.art[0].title, n, &bad),
			      "title cut inside a character at %zu", bad);
		ck_assert_uint_ge(n, 3 + 60);
		ck_assert_uint_le(n, 140 + 3);
		ck_assert_str_eq(s.art[0].title + n - 3, ELLIPSIS);
		ck_assert_int_eq(memcmp(s.art[0].title, body, n - 3), 0);
		sink_free(&s);
	}
}
END_TEST

/* gzip is found by its magic bytes, whatever the name says. */
START_TEST(test_text_gzip)
{
	const struct text_case *c = &text_cases[1];
	unsigned char *z;
	size_t zlen;
	struct sink s;

	z = gz(c->in, strlen(c->in), &zlen);
	sink_init(&s, 0);
	s.ing.name = "plain.txt";
	ck_assert_int_eq(run_mem(&s, z, zlen), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_str_eq(s.art[0].title, c->title);
	ck_assert_str_eq(s.art[0].body, c->body);
	ck_assert_str_eq(s.art[0].place, c->place);
	ck_assert_str_eq(s.art[0].date, c->date);
	sink_free(&s);
	free(z);
}
END_TEST

/* ------------------------------------------------------------------ */
/* rejections of whole inputs                                          */
/* ------------------------------------------------------------------ */

static const char hostile_utf8[] =
	"date 2024-05-01 Oslo: The city council approved a new harbour "
	"promenade on Wednesday, with work due to start in the autumn.\n\n"
	"Planners said the design would include bike lanes \201\235 and a "
	"lone byte \215 in the middle of this paragraph.\n\nThe promenade "
	"is expected to open in 2026.\n";

#define NOENC                                                          \
	"and no other encoding explains it; name the encoding with "   \
	"--encoding"

static const struct reject_case {
	const char *in;
	size_t len;        /* 0: strlen(in) */
	int gzip;          /* compress it first */
	const char *where;
	const char *reason;
} reject_cases[] = {
	{ "", 0, 0, NAME, "empty file" },
	{ "", 0, 1, NAME, "empty file" },
	{ "  \n\t\r\n ", 0, 0, NAME, "no article text" },
	{ "\xef\xbb\xbf\n", 0, 0, NAME, "no article text" },
	{ "abc\0def", 7, 0, NAME ": offset 3",
	  "binary data (NUL byte); not a text, JSON Lines or gzip file" },
	{ "\0", 1, 0, NAME ": offset 0",
	  "binary data (NUL byte); not a text, JSON Lines or gzip file" },
	{ "{\"title\":\"a\"}\n\0", 15, 0, NAME ": offset 14",
	  "binary data (NUL byte); not a text, JSON Lines or gzip file" },
	{ "ab\0c", 4, 1, NAME ": offset 2",
	  "binary data (NUL byte); not a text, JSON Lines or gzip file" },
	/* Bytes that no encoding explains (neither UTF-8 nor anything
	 * uchardet detects; bytes 0x81, 0x8d, 0x8f, 0x90 and 0x9d are not
	 * Windows-1252): line and byte column, byte and its offset. */
	{ hostile_utf8, 0, 0, NAME ":3:51",
	  "invalid UTF-8 (byte 0x81 at offset 175), " NOENC },
	{ hostile_utf8, 0, 1, NAME ":3:51",
	  "invalid UTF-8 (byte 0x81 at offset 175), " NOENC },
	{ "ok\n\201\235", 0, 0, NAME ":2:1",
	  "invalid UTF-8 (byte 0x81 at offset 3), " NOENC },
	{ "x \x8d\x8f", 0, 0, NAME ":1:3",
	  "invalid UTF-8 (byte 0x8d at offset 2), " NOENC },
	{ "abc \x90", 0, 0, NAME ":1:5",
	  "invalid UTF-8 (byte 0x90 at offset 4), " NOENC },
	{ "a\r\nb\r\n\201", 0, 0, NAME ":3:1",
	  "invalid UTF-8 (byte 0x81 at offset 6), " NOENC },
	/* after a UTF-8 mark the bytes contradict, offsets still count it */
	{ "\xef\xbb\xbf"
	  "ab \x90 cd",
	  0, 0, NAME ":1:7",
	  "invalid UTF-8 (byte 0x90 at offset 6), " NOENC },
};

START_TEST(test_reject_input)
{
	const struct reject_case *c = &reject_cases[_i];
	size_t len = c->len ? c->len : strlen(c->in), zlen = 0;
	unsigned char *z = NULL;
	struct sink s;

	if (c->gzip)
		z = gz(c->in, len, &zlen);
	sink_init(&s, 0);
	if (z)
		ck_assert_int_eq(run_mem(&s, z, zlen), NEWSIDX_OK);
	else
		ck_assert_int_eq(run_mem(&s, c->in, len), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 0);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].where, c->where);
	ck_assert_str_eq(s.rej[0].reason, c->reason);
	sink_free(&s);
	free(z);
}
END_TEST

START_TEST(test_reject_missing_file)
{
	struct sink s;

	sink_init(&s, 0);
	ck_assert_int_eq(newsidx_ingest__run(&s.ing,
					     "/nonexistent/newsidx/x.txt",
					     NULL, 0),
			 NEWSIDX_IO);
	ck_assert_uint_eq(s.nart, 0);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_uint_eq(s.ing.rejected, 1);
	ck_assert_str_eq(s.rej[0].where, NAME);
	ck_assert_str_eq(s.rej[0].reason, strerror(ENOENT));
	sink_free(&s);
}
END_TEST

/* Not gzip after all: the magic bytes, then a bad header. */
START_TEST(test_reject_corrupt_gzip)
{
	static const unsigned char bad[] = { 0x1f, 0x8b, 0x09, 0x00, 0x00,
					     0x00, 0x00, 0x00, 0x00, 0x03,
					     'a',  'b',  'c',  'd' };
	struct sink s;

	sink_init(&s, 0);
	ck_assert_int_eq(run_mem(&s, bad, sizeof(bad)), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 0);
	ck_assert_uint_eq(s.nrej, 1);
	assert_offset_where(s.rej[0].where, 0);
	ck_assert_msg(starts_with(s.rej[0].reason, "corrupt gzip data"),
		      "reason '%s'", s.rej[0].reason);
	sink_free(&s);
}
END_TEST

/* The article limit counts decompressed bytes, inclusive. */
static const struct size_case {
	size_t len;
	size_t max;
	int gzip;
	int ok;
} text_size_cases[] = {
	{ 100, 100, 0, 1 },
	{ 101, 100, 0, 0 },
	{ 1000, 999, 1, 0 },
	{ 5000, 1000, 1, 0 },
	{ 300000, 200000, 0, 0 },
	{ 300000, 300000, 1, 1 },
};

START_TEST(test_text_max_article)
{
	const struct size_case *c = &text_size_cases[_i];
	char *text = malloc(c->len + 1), want[128];
	unsigned char *z = NULL;
	size_t i, zlen = 0;
	struct sink s;

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < c->len; i++)
		text[i] = i % 7 == 6 ? ' ' : (char)('a' + i % 7);
	text[c->len] = '\0';
	if (c->gzip)
		z = gz(text, c->len, &zlen);
	sink_init(&s, c->max);
	if (z)
		ck_assert_int_eq(run_mem(&s, z, zlen), NEWSIDX_OK);
	else
		ck_assert_int_eq(run_mem(&s, text, c->len), NEWSIDX_OK);
	if (c->ok) {
		ck_assert_uint_eq(s.nrej, 0);
		ck_assert_uint_eq(s.nart, 1);
		ck_assert_uint_eq(s.art[0].body_len, c->len);
	} else {
		ck_assert_uint_eq(s.nart, 0);
		ck_assert_uint_eq(s.nrej, 1);
		ck_assert_str_eq(s.rej[0].where, NAME);
		snprintf(want, sizeof(want),
			 "article is larger than %zu bytes (see "
			 "--max-article-size)",
			 c->max);
		ck_assert_str_eq(s.rej[0].reason, want);
	}
	sink_free(&s);
	free(z);
	free(text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* JSON Lines                                                          */
/* ------------------------------------------------------------------ */

START_TEST(test_jsonl_all_fields)
{
	static const char in[] =
		"{\"id\":\"a-1\",\"title\":\"Talks in Tokyo\",\"body\":"
		"\"India and Japan agreed.\\n\\nMore to come.\",\"date\":"
		"\"2024-03-07T10:30:00+05:30\",\"url\":"
		"\"https://x.example/a\","
		"\"source\":\"Asia Wire\",\"place\":\"Tokyo\",\"language\":"
		"\"en\",\"authors\":[\"Ann Lee\",\"Bo Chan\"],\"topics\":"
		"[\"diplomacy\",\"trade\"],\"section\":\"world\"}\n";
	struct sink s;
	struct rec *r;

	sink_init(&s, 0);
	ck_assert_int_eq(run_str(&s, in), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 1);
	r = &s.art[0];
	ck_assert_str_eq(r->id, "a-1");
	ck_assert_str_eq(r->title, "Talks in Tokyo");
	ck_assert_str_eq(r->body, "India and Japan agreed.\n\nMore to come.");
	ck_assert_uint_eq(r->body_len, strlen(r->body));
	ck_assert_str_eq(r->date, "20240307050000");
	ck_assert_int_eq(r->tz, 330);
	ck_assert_int_eq(r->has_time, 1);
	ck_assert_str_eq(r->url, "https://x.example/a");
	ck_assert_str_eq(r->source, "Asia Wire");
	ck_assert_str_eq(r->place, "Tokyo");
	ck_assert_str_eq(r->lang, "en");
	ck_assert_str_eq(r->authors, "Ann Lee, Bo Chan");
	ck_assert_str_eq(r->topics, "diplomacy, trade");
	ck_assert_str_eq(r->path, ABSPATH);
	ck_assert_uint_eq(r->record, 1);
	sink_free(&s);
}
END_TEST

enum field {
	F_ID, F_TITLE, F_BODY, F_PLACE, F_SOURCE, F_URL, F_LANG, F_AUTHORS,
	F_TOPICS, F_DATE
};

static const char *rec_field(const struct rec *r, enum field f)
{
	switch (f) {
	case F_ID:
		return r->id;
	case F_TITLE:
		return r->title;
	case F_BODY:
		return r->body;
	case F_PLACE:
		return r->place;
	case F_SOURCE:
		return r->source;
	case F_URL:
		return r->url;
	case F_LANG:
		return r->lang;
	case F_AUTHORS:
		return r->authors;
	case F_TOPICS:
		return r->topics;
	case F_DATE:
		return r->date;
	}
	return NULL;
}

static const struct alias_case {
	const char *line;
	enum field field;
	const char *want; /* NULL: absent */
} alias_cases[] = {
	/* the body and its aliases, in order of preference */
	{ "{\"title\":\"T\",\"text\":\"B\"}", F_BODY, "B" },
	{ "{\"title\":\"T\",\"content\":\"B\"}", F_BODY, "B" },
	{ "{\"body\":\"B1\",\"text\":\"B2\",\"content\":\"B3\"}", F_BODY,
	  "B1" },
	{ "{\"text\":\"B2\",\"content\":\"B3\"}", F_BODY, "B2" },
	{ "{\"title\":\"T\"}", F_BODY, "" },
	{ "{\"headline\":\"H\"}", F_TITLE, "H" },
	{ "{\"title\":\"T\",\"headline\":\"H\"}", F_TITLE, "T" },
	{ "{\"title\":\"\",\"body\":\"Officials met. The plan\"}", F_TITLE,
	  "Officials met" },
	/* place, dateline */
	{ "{\"title\":\"T\",\"dateline\":\"Manila\"}", F_PLACE, "Manila" },
	{ "{\"title\":\"T\",\"place\":\"P\",\"dateline\":\"D\"}", F_PLACE,
	  "P" },
	{ "{\"title\":\"T\"}", F_PLACE, NULL },
	/* authors: a list is joined, a string taken as it is */
	{ "{\"title\":\"T\",\"author\":\"Ann Lee\"}", F_AUTHORS, "Ann Lee" },
	{ "{\"title\":\"T\",\"author\":[\"A\",\"B\",\"C\"]}", F_AUTHORS,
	  "A, B, C" },
	{ "{\"title\":\"T\",\"authors\":[\"A\",3,null,\"B\"]}", F_AUTHORS,
	  "A, B" },
	{ "{\"title\":\"T\",\"authors\":\"X\",\"author\":\"Y\"}", F_AUTHORS,
	  "X" },
	{ "{\"title\":\"T\",\"authors\":[],\"author\":\"Y\"}", F_AUTHORS,
	  "Y" },
	{ "{\"title\":\"T\",\"tags\":[\"a\",\"b\"]}", F_TOPICS, "a, b" },
	{ "{\"title\":\"T\",\"topics\":\"x\",\"tags\":\"y\"}", F_TOPICS, "x" },
	/* language */
	{ "{\"title\":\"T\",\"lang\":\"fr\"}", F_LANG, "fr" },
	{ "{\"title\":\"T\",\"language\":\"de\",\"lang\":\"fr\"}", F_LANG,
	  "de" },
	/* url, link */
	{ "{\"title\":\"T\",\"link\":\"https://l.example/\"}", F_URL,
	  "https://l.example/" },
	{ "{\"title\":\"T\",\"source\":\"Global Desk\"}", F_SOURCE,
	  "Global Desk" },
	/* date aliases */
	{ "{\"title\":\"T\",\"published\":\"2024-01-02\"}", F_DATE,
	  "20240102000000" },
	{ "{\"title\":\"T\",\"pubDate\":\"2024-01-03T04:05Z\"}", F_DATE,
	  "20240103040500" },
	{ "{\"title\":\"T\"}", F_DATE, "" },
	/* RFC 822, as in RSS, is read too (meta.c) */
	{ "{\"title\":\"T\",\"pubDate\":\"Thu, 07 Mar 2024 10:30:00 "
	  "+0530\"}",
	  F_DATE, "20240307050000" },
	/* declared languages are normalised to ISO 639-1 */
	{ "{\"title\":\"T\",\"language\":\"en-GB\"}", F_LANG, "en" },
	{ "{\"title\":\"T\",\"language\":\"French\"}", F_LANG, "fr" },
	{ "{\"title\":\"T\",\"lang\":\"pt_BR\"}", F_LANG, "pt" },
	/* a dateline at the start of the body gives the place */
	{ "{\"title\":\"T\",\"body\":\"TOKYO, March 7 (Reuters) - Japan "
	  "said.\"}",
	  F_PLACE, "Tokyo" },
	{ "{\"title\":\"T\",\"place\":\"Osaka\",\"body\":\"TOKYO, "
	  "March 7 (Reuters) - Japan said.\"}",
	  F_PLACE, "Osaka" },
	/* ids: given (id, guid; a number becomes text), else the url,
	 * else the file and line */
	{ "{\"id\":\"x-1\",\"guid\":\"g\",\"url\":\"u\",\"title\":\"T\"}",
	  F_ID, "x-1" },
	{ "{\"guid\":\"g\",\"url\":\"u\",\"title\":\"T\"}", F_ID, "g" },
	{ "{\"id\":42,\"title\":\"T\"}", F_ID, "42" },
	{ "{\"id\":-7,\"title\":\"T\"}", F_ID, "-7" },
	{ "{\"url\":\"https://u.example/1\",\"title\":\"T\"}", F_ID,
	  "https://u.example/1" },
	{ "{\"link\":\"https://l.example/2\",\"title\":\"T\"}", F_ID,
	  "https://l.example/2" },
	{ "{\"id\":\"\",\"url\":\"u\",\"title\":\"T\"}", F_ID, "u" },
	{ "{\"id\":1.5,\"url\":\"u\",\"title\":\"T\"}", F_ID, "u" },
	{ "{\"title\":\"T\"}", F_ID, ABSPATH "#1" },
	/* escapes are decoded */
	{ "{\"title\":\"T\\u00fcrkiye \\u2019s\"}", F_TITLE,
	  "T\xc3\xbcrkiye \xe2\x80\x99s" },
};

START_TEST(test_jsonl_alias)
{
	const struct alias_case *c = &alias_cases[_i];
	char in[512];
	struct sink s;

	snprintf(in, sizeof(in), "%s\n", c->line);
	sink_init(&s, 0);
	ck_assert_int_eq(run_str(&s, in), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_pstr_eq(rec_field(&s.art[0], c->field), c->want);
	if (c->field == F_BODY)
		ck_assert_uint_eq(s.art[0].body_len, strlen(c->want));
	sink_free(&s);
}
END_TEST

/* Blank lines are skipped but counted; CR LF and a missing final newline
 * are fine; a byte order mark does not hide the first record. */
static const struct lines_case {
	const char *in;
	size_t n;
	unsigned long records[3];
	const char *titles[3];
} lines_cases[] = {
	{ "\n{\"title\":\"a\"}\n\n  \t\n{\"title\":\"b\"}\n", 2, { 2, 5 },
	  { "a", "b" } },
	{ "{\"title\":\"a\",\"body\":\"x\"}\r\n{\"title\":\"b\"}\r\n\r\n", 2,
	  { 1, 2 }, { "a", "b" } },
	{ "{\"title\":\"a\"}\n{\"title\":\"b\"}", 2, { 1, 2 }, { "a", "b" } },
	{ "   {\"title\":\"a\"}   \n\t{\"title\":\"b\"}\n", 2, { 1, 2 },
	  { "a", "b" } },
	{ "\xef\xbb\xbf{\"title\":\"a\"}\n{\"title\":\"b\"}\n", 2, { 1, 2 },
	  { "a", "b" } },
	{ "\xef\xbb\xbf\n{\"title\":\"a\"}\n", 1, { 2 }, { "a" } },
};

START_TEST(test_jsonl_lines)
{
	const struct lines_case *c = &lines_cases[_i];
	char want[64];
	struct sink s;
	size_t i;

	sink_init(&s, 0);
	ck_assert_int_eq(run_str(&s, c->in), NEWSIDX_OK);
	for (i = 0; i < s.nrej && i < MAX_REJ; i++)
		ck_assert_msg(0, "rejected: %s: %s", s.rej[i].where,
			      s.rej[i].reason);
	ck_assert_uint_eq(s.nart, c->n);
	for (i = 0; i < c->n; i++) {
		ck_assert_uint_eq(s.art[i].record, c->records[i]);
		ck_assert_str_eq(s.art[i].title, c->titles[i]);
		snprintf(want, sizeof(want), ABSPATH "#%lu", c->records[i]);
		ck_assert_str_eq(s.art[i].id, want);
	}
	if (c->n && strstr(c->in, "\"body\":\"x\""))
		ck_assert_str_eq(s.art[0].body, "x");
	sink_free(&s);
}
END_TEST

/* A bad line is rejected with its position; the lines around it are
 * still read.  where ending in ':' means "any column". */
#define GOOD "{\"title\":\"ok\"}\n"
static const struct jreject_case {
	const char *bad;
	const char *where;
	const char *reason;
	int prefix; /* reason is a prefix (the JSON parser's words follow) */
} jreject_cases[] = {
	{ "{\"title\": x}\n", NAME ":2:11", "invalid JSON: ", 1 },
	{ "{\"title\":\"a\",\"title\":\"b\"}\n", NAME ":2:",
	  "invalid JSON: duplicate object key", 1 },
	{ "{\"title\":\"The price is \x81 today.\"}\n", NAME ":2:24",
	  "invalid UTF-8 (byte 0x81 at offset 23), " NOENC, 0 },
	{ "{\"title\":\"unterminated\n", NAME ":2:", "invalid JSON: ", 1 },
	{ "[1,2]\n", NAME ":2", "expected a JSON object, got an array", 0 },
	{ "42\n", NAME ":2", "expected a JSON object, got a scalar", 0 },
	{ "\"text\"\n", NAME ":2", "expected a JSON object, got a scalar",
	  0 },
	{ "null\n", NAME ":2", "expected a JSON object, got a scalar", 0 },
	{ "{\"url\":\"u\",\"date\":\"2024-01-01\"}\n", NAME ":2",
	  "record has no title and no body (fields title, body, text or "
	  "content)",
	  0 },
	{ "{\"title\":\"\",\"body\":\"\",\"text\":\"\"}\n", NAME ":2",
	  "record has no title and no body (fields title, body, text or "
	  "content)",
	  0 },
	{ "{}\n", NAME ":2",
	  "record has no title and no body (fields title, body, text or "
	  "content)",
	  0 },
	{ "{\"title\":\"t\",\"date\":\"2024-13-01\"}\n", NAME ":2",
	  "unrecognised date '2024-13-01'", 0 },
	{ "{\"title\":\"t\",\"date\":\"2023-02-29T10:00Z\"}\n", NAME ":2",
	  "unrecognised date '2023-02-29T10:00Z'", 0 },
	{ "{\"title\":\"t\",\"date\":1700000000}\n", NAME ":2",
	  "unrecognised date '1700000000'", 0 },
	/* RFC 822 dates are read (meta.c), but not any words at all */
	{ "{\"title\":\"t\",\"published\":\"Thu, 07 Mar 2024 10:30 "
	  "o'clock\"}\n",
	  NAME ":2", "unrecognised date 'Thu, 07 Mar 2024 10:30 o'clock'",
	  0 },
	/* the date is quoted up to 40 bytes */
	{ "{\"title\":\"t\",\"date\":\"01234567890123456789"
	  "01234567890123456789TAIL\"}\n",
	  NAME ":2",
	  "unrecognised date '0123456789012345678901234567890123456789'",
	  0 },
};

START_TEST(test_jsonl_reject)
{
	const struct jreject_case *c = &jreject_cases[_i];
	char in[512];
	size_t wl = strlen(c->where);
	struct sink s;

	snprintf(in, sizeof(in), "%s%s%s", GOOD, c->bad, GOOD);
	sink_init(&s, 0);
	ck_assert_int_eq(run_str(&s, in), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_uint_eq(s.nart, 2);
	ck_assert_uint_eq(s.art[0].record, 1);
	ck_assert_uint_eq(s.art[1].record, 3);
	if (c->where[wl - 1] == ':') {
		const char *col = s.rej[0].where + wl;

		ck_assert_msg(strncmp(s.rej[0].where, c->where, wl) == 0 &&
				      *col >= '1' && *col <= '9' &&
				      strspn(col, "0123456789") ==
					      strlen(col),
			      "where '%s'", s.rej[0].where);
	} else {
		ck_assert_str_eq(s.rej[0].where, c->where);
	}
	if (c->prefix)
		ck_assert_msg(starts_with(s.rej[0].reason, c->reason) &&
				      strlen(s.rej[0].reason) >
					      strlen(c->reason),
			      "reason '%s'", s.rej[0].reason);
	else
		ck_assert_str_eq(s.rej[0].reason, c->reason);
	sink_free(&s);
}
END_TEST

/* The column of a JSON error is the 1-based byte column in the line as
 * it is in the file, as for plain text: leading blanks and multi-byte
 * characters before the fault count. */
static const struct column_case {
	const char *bad;
	const char *where;
} column_cases[] = {
	{ "{\"title\": x}\n", NAME ":2:11" },
	{ "   {\"title\": x}\n", NAME ":2:14" },
	{ "\t{\"title\": x}\n", NAME ":2:12" },
	{ "{\"t\": \"T\xc3\xbcrkiye\", x}\n", NAME ":2:19" },
	{ "{\"t\": \"\xe2\x80\x99\xe2\x80\x99\", x}\n", NAME ":2:17" },
	/* the line ends too soon: the fault is just past its last byte,
	 * where the newline is (tests/fixtures/hostile.md, malformed.jsonl:
	 * a 113-byte line, "column 114") */
	{ "{\"title\": \"a\"\n", NAME ":2:14" },
	{ "{\"title\": \"a\",\r\n", NAME ":2:15" },
};

START_TEST(test_jsonl_column)
{
	const struct column_case *c = &column_cases[_i];
	char in[512];
	struct sink s;

	snprintf(in, sizeof(in), "%s%s", GOOD, c->bad);
	sink_init(&s, 0);
	ck_assert_int_eq(run_str(&s, in), NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].where, c->where);
	sink_free(&s);
}
END_TEST

/* A record over max_article bytes is rejected whether or not its line
 * end happens to be in the buffer already; the next line is read. */
static const struct jsize_case {
	size_t linelen; /* bytes of the first line, without its newline */
	size_t max;
	int ok;
} jsize_cases[] = {
	{ 1000, 1000, 1 },
	{ 1001, 1000, 0 },
	{ 2000, 1000, 0 },
	{ 60000, 1000, 0 },
	{ 200000, 1000, 0 },
	{ 200000, 100000, 0 },
	{ 200000, 200000, 1 },
};

START_TEST(test_jsonl_max_article)
{
	const struct jsize_case *c = &jsize_cases[_i];
	static const char head[] = "{\"id\":\"big\",\"body\":\"";
	static const char tail[] = "\"}\n{\"title\":\"next\"}\n";
	size_t hl = sizeof(head) - 1, bl = c->linelen - hl - 2, i;
	char *in = malloc(c->linelen + sizeof(tail)), want[128];
	struct sink s;

	ck_assert_ptr_nonnull(in);
	memcpy(in, head, hl);
	for (i = 0; i < bl; i++)
		in[hl + i] = i % 6 == 5 ? ' ' : 'q';
	memcpy(in + hl + bl, tail, sizeof(tail));
	ck_assert_uint_eq(strchr(in, '\n') - in, c->linelen);
	sink_init(&s, c->max);
	ck_assert_int_eq(run_str(&s, in), NEWSIDX_OK);
	if (c->ok) {
		ck_assert_uint_eq(s.nrej, 0);
		ck_assert_uint_eq(s.nart, 2);
		ck_assert_str_eq(s.art[0].id, "big");
		ck_assert_uint_eq(s.art[0].body_len, bl);
	} else {
		ck_assert_uint_eq(s.nrej, 1);
		ck_assert_str_eq(s.rej[0].where, NAME ":1");
		snprintf(want, sizeof(want),
			 "record is larger than %zu bytes (see "
			 "--max-article-size)",
			 c->max);
		ck_assert_str_eq(s.rej[0].reason, want);
		ck_assert_uint_eq(s.nart, 1);
	}
	ck_assert_str_eq(s.art[s.nart - 1].title, "next");
	ck_assert_uint_eq(s.art[s.nart - 1].record, 2);
	sink_free(&s);
	free(in);
}
END_TEST

/* An id with a control character in it (C0, DEL or C1) would break a
 * listing of ids, one per line: the record is rejected, where it is, and
 * the records around it are read.  Other characters are kept. */
static const struct id_case {
	const char *id; /* as written in the JSON string */
	const char *reason; /* NULL: accepted */
	const char *want;   /* the id accepted */
} id_cases[] = {
	{ "a\\nb", "article id has control character U+000A at byte 1",
	  NULL },
	{ "\\u001b[31mred", "article id has control character U+001B at "
	  "byte 0", NULL },
	{ "del\\u007f", "article id has control character U+007F at byte 3",
	  NULL },
	{ "c1-\\u009b", "article id has control character U+009B at byte 3",
	  NULL },
	{ "tab\\tx", "article id has control character U+0009 at byte 3",
	  NULL },
	{ "caf\\u00e9 \\u00a0x", NULL, "caf\xc3\xa9 \xc2\xa0x" },
};

START_TEST(test_jsonl_id_control)
{
	const struct id_case *c = &id_cases[_i];
	char in[512];
	struct sink s;

	snprintf(in, sizeof(in), "%s{\"id\":\"%s\",\"title\":\"t\"}\n%s",
		 GOOD, c->id, GOOD);
	sink_setup(&s, NAME, ABSPATH, 0, 1);
	ck_assert_int_eq(run_str(&s, in), NEWSIDX_OK);
	if (c->reason) {
		ck_assert_uint_eq(s.nart, 2);
		ck_assert_uint_eq(s.nrej, 1);
		ck_assert_str_eq(s.rej[0].where, NAME ":2");
		ck_assert_str_eq(s.rej[0].reason, c->reason);
		ck_assert_uint_eq(s.art[1].record, 3);
	} else {
		ck_assert_uint_eq(s.nart, 3);
		ck_assert_uint_eq(s.nrej, 0);
		ck_assert_str_eq(s.art[1].id, c->want);
	}
	sink_free(&s);
}
END_TEST

/* A plain text file's id is its path: a file name with a newline is
 * refused, by its name. */
START_TEST(test_text_id_control)
{
	struct sink s;

	sink_setup(&s, "x\nnewsidx: forged", "/data/x\nnewsidx: forged", 0,
		   0);
	ck_assert_int_eq(run_str(&s, "Title\n\nSome body text.\n"),
			 NEWSIDX_OK);
	ck_assert_uint_eq(s.nart, 0);
	ck_assert_uint_eq(s.nrej, 1);
	ck_assert_str_eq(s.rej[0].where, "x\nnewsidx: forged");
	ck_assert_str_eq(s.rej[0].reason,
			 "article id has control character U+000A at byte 7");
	sink_free(&s);
}
END_TEST

/* Many records in gzip, spanning several read chunks. */
START_TEST(test_jsonl_gzip_bulk)
{
	size_t len, zlen;
	char *in = make_jsonl(3000, &len);
	unsigned char *z = gz(in, len, &zlen);
	struct sink s;

	sink_init(&s, 0);
	ck_assert_int_eq(run_mem(&s, z, zlen), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 3000);
	ck_assert_uint_eq(s.last_record, 3000);
	ck_assert_str_eq(s.art[0].id, "r00001");
	ck_assert_str_eq(s.art[15].title, "Record 16");
	sink_free(&s);
	/* the same uncompressed */
	sink_init(&s, 0);
	ck_assert_int_eq(run_mem(&s, in, len), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 3000);
	sink_free(&s);
	free(z);
	free(in);
}
END_TEST

/* Concatenated gzip members read as one stream, even when a line
 * straddles two members. */
START_TEST(test_gzip_multi_member)
{
	static const char m1[] = "{\"id\":\"a\",\"title\":\"A\"}\n"
				 "{\"id\":\"b\",\"title\":\"B\"}\n";
	static const char m2[] = "{\"id\":\"c\",\"title\":\"C\"}\n";
	static const char s1[] = "{\"id\":\"d\",\"title\":\"split";
	static const char s2[] = " line\"}\n{\"id\":\"e\",\"title\":\"E\"}\n";
	unsigned char *z1, *z2, *all;
	size_t l1, l2;
	struct sink s;

	z1 = gz(m1, strlen(m1), &l1);
	z2 = gz(m2, strlen(m2), &l2);
	all = cat2(z1, l1, z2, l2);
	sink_init(&s, 0);
	ck_assert_int_eq(run_mem(&s, all, l1 + l2), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 3);
	ck_assert_str_eq(s.art[0].id, "a");
	ck_assert_str_eq(s.art[1].id, "b");
	ck_assert_str_eq(s.art[2].id, "c");
	ck_assert_uint_eq(s.art[2].record, 3);
	sink_free(&s);
	free(z1);
	free(z2);
	free(all);

	z1 = gz(s1, strlen(s1), &l1);
	z2 = gz(s2, strlen(s2), &l2);
	all = cat2(z1, l1, z2, l2);
	sink_init(&s, 0);
	ck_assert_int_eq(run_mem(&s, all, l1 + l2), NEWSIDX_OK);
	ck_assert_uint_eq(s.nrej, 0);
	ck_assert_uint_eq(s.nart, 2);
	ck_assert_str_eq(s.art[0].title, "split line");
	ck_assert_str_eq(s.art[1].id, "e");
	sink_free(&s);
	free(z1);
	free(z2);
	free(all);
}
END_TEST

/*
 * A gzip stream cut short: every record that decompressed completely
 * (its newline included) before the fault is kept, and the fault is
 * reported once, at the uncompressed offset where the data ran out.
 */
static const struct trunc_case {
	size_t nrec;   /* records in the file */
	int members;   /* 2: a complete first member, then the cut one */
	int cut_pct;   /* keep this % of the (last) member's bytes */
	size_t cut_by; /* or, if nonzero, drop this many final bytes */
} trunc_cases[] = {
	{ 3, 1, 60, 0 },     /* like tests/fixtures/hostile */
	{ 3, 1, 30, 0 },
	{ 3, 1, 0, 8 },      /* only the CRC and length are missing */
	{ 3, 1, 0, 4 },      /* only the length is missing */
	{ 3, 1, 0, 1 },
	{ 3000, 1, 50, 0 },  /* over several read chunks */
	{ 3000, 1, 93, 0 },
	{ 3000, 1, 0, 8 },
	{ 4, 2, 50, 0 },     /* the second member is the cut one */
	{ 4, 2, 0, 8 },
};

START_TEST(test_gzip_truncated_jsonl)
{
	const struct trunc_case *c = &trunc_cases[_i];
	size_t len, l1 = 0, zl1 = 0, zl2, keep, rec, total;
	char *in = make_jsonl(c->nrec, &len);
	unsigned char *z1 = NULL, *z2, *all;
	struct sink s;

	if (c->members == 2) {
		/* the first half of the lines go in a complete member */
		const char *p = in;
		size_t k;

		for (k = 0; k < c->nrec / 2; k++)
			p = strchr(p, '\n') + 1;
		l1 = (size_t)(p - in);
		z1 = gz(in, l1, &zl1);
	}
	z2 = gz(in + l1, len - l1, &zl2);
	keep = c->cut_by ? zl2 - c->cut_by : zl2 * (size_t)c->cut_pct / 100;
	all = cat2(z1 ? z1 : (unsigned char *)"", zl1, z2, keep);
	total = l1 + recoverable(z2, keep, len - l1);
	rec = count_lines(in, total);

	sink_init(&s, 0);
	ck_assert_int_eq(run_mem(&s, all, zl1 + keep), NEWSIDX_OK);
	ck_assert_msg(s.nart == rec,
		      "%zu of %zu bytes recoverable, so %zu complete records; "
		      "got %zu articles",
		      total, len, rec, s.nart);
	ck_assert_uint_eq(s.last_record, rec);
	ck_assert_msg(s.nrej == 1, "%zu rejections", s.nrej);
	assert_offset_where(s.rej[0].where, total);
	ck_assert_msg(starts_with(s.rej[0].reason, "truncated gzip data"),
		      "reason '%s'", s.rej[0].reason);
	sink_free(&s);
	free(all);
	free(z1);
	free(z2);
	free(in);
}
END_TEST

/* A cut-off plain-text article is not a complete record: it is rejected
 * with the position of the fault, never indexed as if it were whole. */
START_TEST(test_gzip_truncated_text)
{
	static const size_t sizes[] = { 600, 300000 };
	size_t k, i, len, zlen, keep, total;
	unsigned long seed = 7;
	unsigned char *z;
	char *text;
	struct sink s;

	for (k = 0; k < N_ELEMS(sizes); k++) {
		len = sizes[k];
		text = malloc(len + 1);
		ck_assert_ptr_nonnull(text);
		for (i = 0; i < len; i++)
			text[i] = lcg_next(&seed) % 6 == 0
					  ? ' '
					  : (char)('a' + lcg_next(&seed) % 26);
		text[0] = 'A';
		text[len] = '\0';
		z = gz(text, len, &zlen);
		keep = zlen / 2;
		total = recoverable(z, keep, len);
		sink_init(&s, 0);
		ck_assert_int_eq(run_mem(&s, z, keep), NEWSIDX_OK);
		ck_assert_msg(s.nart == 0 && s.nrej == 1,
			      "%zu-byte text cut at %zu of %zu: %zu articles, "
			      "%zu rejections",
			      len, keep, zlen, s.nart, s.nrej);
		assert_offset_where(s.rej[0].where, total);
		ck_assert_msg(starts_with(s.rej[0].reason,
					  "truncated gzip data"),
			      "reason '%s'", s.rej[0].reason);
		sink_free(&s);
		free(z);
		free(text);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* reading a path                                                      */
/* ------------------------------------------------------------------ */

/* The inputs of the file-path test: n is the kind of input. */
#define PATH_INPUTS 8
static unsigned char *path_input(int n, size_t *len)
{
	static const char m1[] = "{\"id\":\"a\",\"title\":\"A\"}\n";
	static const char m2[] = "{\"id\":\"b\",\"title\":\"B\"}\n";
	unsigned char *z, *z2, *out;
	size_t jl, zl, zl2;
	char *j;

	switch (n) {
	case 0: /* plain text */
		*len = strlen(text_cases[1].in);
		return (unsigned char *)copy_bytes(text_cases[1].in, *len);
	case 1: /* gzip JSON Lines over several chunks */
		j = make_jsonl(3000, &jl);
		z = gz(j, jl, len);
		free(j);
		return z;
	case 2: /* the same without its trailer */
		j = make_jsonl(3, &jl);
		z = gz(j, jl, len);
		*len -= 8;
		free(j);
		return z;
	case 3: /* cut in the middle */
		j = make_jsonl(3000, &jl);
		z = gz(j, jl, &zl);
		*len = zl / 2;
		free(j);
		return z;
	case 4: /* two members */
		z = gz(m1, strlen(m1), &zl);
		z2 = gz(m2, strlen(m2), &zl2);
		out = cat2(z, zl, z2, zl2);
		*len = zl + zl2;
		free(z);
		free(z2);
		return out;
	case 5: /* gzip of a NUL byte */
		return gz("ab\0c", 4, len);
	case 6: /* bytes in no encoding */
		*len = strlen(hostile_utf8);
		return (unsigned char *)copy_bytes(hostile_utf8, *len);
	default: /* empty */
		*len = 0;
		return malloc(1);
	}
}

/* How a reason starts: up to its first ':' or '('. */
static size_t reason_head(const char *reason)
{
	return strcspn(reason, ":(");
}

START_TEST(test_file_path)
{
	/* rejections expected for each input of path_input() */
	static const size_t nrej[] = { 0, 0, 1, 1, 0, 1, 1, 1 };
	char path[] = "/tmp/test_ingest.XXXXXX";
	struct sink m, f;
	unsigned char *data;
	size_t len, i;
	int fd;

	data = path_input(_i, &len);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert(write(fd, data, len) == (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);

	sink_init(&m, 0);
	ck_assert_int_eq(run_mem(&m, data, len), NEWSIDX_OK);
	sink_init(&f, 0);
	ck_assert_int_eq(newsidx_ingest__run(&f.ing, path, NULL, 0),
			 NEWSIDX_OK);
	unlink(path);
	ck_assert_uint_eq(f.ing.articles, f.nart);
	ck_assert_uint_eq(f.ing.rejected, f.nrej);

	ck_assert_uint_eq(f.nart, m.nart);
	ck_assert_uint_eq(f.last_record, m.last_record);
	for (i = 0; i < f.nart && i < MAX_KEPT; i++) {
		ck_assert_str_eq(f.art[i].id, m.art[i].id);
		ck_assert_str_eq(f.art[i].title, m.art[i].title);
		ck_assert_uint_eq(f.art[i].body_len, m.art[i].body_len);
		ck_assert_str_eq(f.art[i].body, m.art[i].body);
	}
	ck_assert_uint_eq(f.nrej, m.nrej);
	ck_assert_uint_eq(f.nrej, nrej[_i]);
	for (i = 0; i < f.nrej && i < MAX_REJ; i++) {
		ck_assert_str_eq(f.rej[i].where, m.rej[i].where);
		ck_assert_uint_eq(reason_head(f.rej[i].reason),
				  reason_head(m.rej[i].reason));
		ck_assert_int_eq(strncmp(f.rej[i].reason, m.rej[i].reason,
					 reason_head(m.rej[i].reason)),
				 0);
	}
	sink_free(&m);
	sink_free(&f);
	free(data);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the article callback                                                */
/* ------------------------------------------------------------------ */

/* "a nonzero status stops the file" and is what newsidx_ingest__run
 * returns (ingest/ingest.h). */
START_TEST(test_callback_stops)
{
	static const char *const inputs[] = {
		"{\"title\":\"a\"}\n{\"title\":\"b\"}\n{\"title\":\"c\"}\n",
		"Title\n\nSome text.\n",
	};
	struct sink s;

	sink_init(&s, 0);
	s.stop = NEWSIDX_ERROR;
	ck_assert_int_eq(run_str(&s, inputs[_i]), NEWSIDX_ERROR);
	ck_assert_uint_eq(s.nart, 1);
	ck_assert_uint_eq(s.nrej, 0);
	sink_free(&s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the suite                                                           */
/* ------------------------------------------------------------------ */

static Suite *ingest_suite(void)
{
	Suite *s = suite_create("ingest");
	TCase *tc;

	tc = tcase_create("date");
	tcase_add_loop_test(tc, test_date, 0, (int)N_ELEMS(date_cases));
	tcase_add_test(tc, test_date_every_day);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_loop_test(tc, test_text, 0, (int)N_ELEMS(text_cases));
	tcase_add_test(tc, test_text_long_title);
	tcase_add_test(tc, test_text_long_title_utf8);
	tcase_add_test(tc, test_text_gzip);
	tcase_add_loop_test(tc, test_text_max_article, 0,
			    (int)N_ELEMS(text_size_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("reject");
	tcase_add_loop_test(tc, test_reject_input, 0,
			    (int)N_ELEMS(reject_cases));
	tcase_add_test(tc, test_reject_missing_file);
	tcase_add_test(tc, test_reject_corrupt_gzip);
	suite_add_tcase(s, tc);

	tc = tcase_create("jsonl");
	tcase_add_test(tc, test_jsonl_all_fields);
	tcase_add_loop_test(tc, test_jsonl_alias, 0,
			    (int)N_ELEMS(alias_cases));
	tcase_add_loop_test(tc, test_jsonl_lines, 0,
			    (int)N_ELEMS(lines_cases));
	tcase_add_loop_test(tc, test_jsonl_reject, 0,
			    (int)N_ELEMS(jreject_cases));
	tcase_add_loop_test(tc, test_jsonl_column, 0,
			    (int)N_ELEMS(column_cases));
	tcase_add_loop_test(tc, test_jsonl_max_article, 0,
			    (int)N_ELEMS(jsize_cases));
	tcase_add_loop_test(tc, test_jsonl_id_control, 0,
			    (int)N_ELEMS(id_cases));
	tcase_add_test(tc, test_text_id_control);
	suite_add_tcase(s, tc);

	tc = tcase_create("gzip");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_jsonl_gzip_bulk);
	tcase_add_test(tc, test_gzip_multi_member);
	tcase_add_loop_test(tc, test_gzip_truncated_jsonl, 0,
			    (int)N_ELEMS(trunc_cases));
	tcase_add_test(tc, test_gzip_truncated_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("path");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_file_path, 0, PATH_INPUTS);
	suite_add_tcase(s, tc);

	tc = tcase_create("callback");
	tcase_add_loop_test(tc, test_callback_stops, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ingest_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
