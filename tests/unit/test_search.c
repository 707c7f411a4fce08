/*
 * test_search.c: unit tests of the parts of searching that need no
 * index: lib/docdata.c (the stored document data: round trips and
 * corrupt data), lib/dedup.c (signature estimates against the exact
 * resemblance, and band lookups), lib/schema.c (the field table and the
 * term rule, with hashing of long values) and lib/snippet.c (stem sets,
 * and snippets).
 *
 * Snippet highlights are checked by brute force rather than by listing
 * offsets: the snippet text is tokenized and stemmed again here, and
 * every word whose stem is in the set must lie inside a highlight while
 * every highlight must cover matched words only (joined by hyphens at
 * most).  The choice of window is checked the same way on random texts
 * against an exhaustive search over all windows.
 *
 * The last test case does build a small index, for what a search reads
 * from the parse tree (query/search.c and query/suggest.c): whether AND
 * was written as an operator, which decides how strictly a long query
 * ranks, and where each word was typed, where a suggestion puts its
 * correction.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "analyzer/analyzer.h"
#include "ingest/parsers.h"
#include "store/store.h"
#include "query/query.h"
#include "xapc.h"
#include "util/util.h"

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))
#define ELLIPSIS "\xe2\x80\xa6"

/* ------------------------------------------------------------------ */
/* docdata                                                             */
/* ------------------------------------------------------------------ */

/* An article whose strings are literals (never cleared). */
static void sample_article(struct newsidx_article *a)
{
	static const char body[] = "India and Japan agreed on new steps.\n\n"
				   "T\xc3\xbcrkiye\xe2\x80\x99s voters "
				   "\"went\" to the polls.";

	memset(a, 0, sizeof(*a));
	a->id = (char *)"https://x.example/a?utm_source=feed";
	a->title = (char *)"Talks in Tokyo: \xe2\x80\x98quote\xe2\x80\x99 "
			   "and \"escapes\" \\ /";
	a->body = (char *)body;
	a->body_len = sizeof(body) - 1;
	a->place = (char *)"New Delhi";
	a->source = (char *)"Asia Wire";
	a->url = (char *)"https://x.example/a";
	a->path = (char *)"/data/wire/asia.jsonl";
	a->lang = (char *)"en";
	a->authors = (char *)"Ann Lee, Bo Chan";
	a->topics = (char *)"diplomacy, trade";
	memcpy(a->date, "20240307103000", 15);
	a->has_time = 1;
	a->tz_minutes = 330;
	a->record = 3;
}

/* The framing: "NX2", a big-endian length, that many bytes of a JSON
 * object, then the body as it is (Xapian compresses the record). */
static size_t check_frame(const struct newsidx_buf *b,
			  const struct newsidx_article *a)
{
	const unsigned char *p = (const unsigned char *)b->data;
	size_t mlen;

	ck_assert_uint_ge(b->len, 7 + 2);
	ck_assert_int_eq(memcmp(p, "NX2", 3), 0);
	mlen = ((size_t)p[3] << 24) | ((size_t)p[4] << 16) |
	       ((size_t)p[5] << 8) | p[6];
	ck_assert_uint_le(7 + mlen, b->len);
	ck_assert_int_eq(p[7], '{');
	ck_assert_int_eq(p[7 + mlen - 1], '}');
	ck_assert_uint_eq(b->len - 7 - mlen, a->body_len);
	ck_assert_int_eq(memcmp(p + 7 + mlen, a->body, a->body_len), 0);
	return mlen;
}

/* Whether the JSON part of the data contains s. */
static int meta_has(const struct newsidx_buf *b, size_t mlen, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 7; i + n <= 7 + mlen; i++)
		if (memcmp(b->data + i, s, n) == 0)
			return 1;
	return 0;
}

static void assert_cleared(const struct newsidx_stored *s)
{
	ck_assert_ptr_null(s->id);
	ck_assert_ptr_null(s->title);
	ck_assert_ptr_null(s->date);
	ck_assert_ptr_null(s->place);
	ck_assert_ptr_null(s->source);
	ck_assert_ptr_null(s->path);
	ck_assert_ptr_null(s->url);
	ck_assert_ptr_null(s->lang);
	ck_assert_ptr_null(s->authors);
	ck_assert_ptr_null(s->topics);
	ck_assert_ptr_null(s->body);
	ck_assert_uint_eq(s->body_len, 0);
}

START_TEST(test_docdata_roundtrip)
{
	struct newsidx_article a;
	struct newsidx_buf b = { 0 };
	struct newsidx_stored s;
	size_t mlen;
	int want_body;

	sample_article(&a);
	ck_assert_int_eq(newsidx_docdata__encode(&a, &b), NEWSIDX_OK);
	mlen = check_frame(&b, &a);
	ck_assert(meta_has(&b, mlen, "\"tz\":330"));
	for (want_body = 0; want_body <= 1; want_body++) {
		ck_assert_int_eq(newsidx_docdata__decode(b.data, b.len,
							 want_body, &s),
				 NEWSIDX_OK);
		ck_assert_str_eq(s.id, a.id);
		ck_assert_str_eq(s.title, a.title);
		ck_assert_str_eq(s.date, "2024-03-07T10:30:00Z");
		ck_assert_str_eq(s.place, a.place);
		ck_assert_str_eq(s.source, a.source);
		ck_assert_str_eq(s.path, a.path);
		ck_assert_str_eq(s.url, a.url);
		ck_assert_str_eq(s.lang, a.lang);
		ck_assert_str_eq(s.authors, a.authors);
		ck_assert_str_eq(s.topics, a.topics);
		if (want_body) {
			ck_assert_ptr_nonnull(s.body);
			ck_assert_uint_eq(s.body_len, a.body_len);
			ck_assert_int_eq(memcmp(s.body, a.body, a.body_len),
					 0);
			ck_assert_int_eq(s.body[s.body_len], '\0');
		} else {
			ck_assert_uint_eq(s.body_len, 0);
		}
		newsidx_stored__clear(&s);
		assert_cleared(&s);
	}
	/* encoding reuses the buffer: the same article, the same bytes */
	{
		struct newsidx_buf b2 = { 0 };
		int rc = 0;

		newsidx_buf__puts(&b2, "stale content", &rc);
		ck_assert_int_eq(rc, 0);
		ck_assert_int_eq(newsidx_docdata__encode(&a, &b2), NEWSIDX_OK);
		ck_assert_uint_eq(b2.len, b.len);
		ck_assert_int_eq(memcmp(b2.data, b.data, b.len), 0);
		newsidx_buf__free(&b2);
	}
	newsidx_buf__free(&b);
}
END_TEST

/* Dates: with a time (ISO with Z), date only, none; tz only when set. */
static const struct date_row {
	const char *date;
	int has_time;
	int tz;
	const char *stored;
	const char *tz_text; /* NULL: no "tz" member */
} date_rows[] = {
	{ "20240307103000", 1, 330, "2024-03-07T10:30:00Z", "\"tz\":330" },
	{ "20240307103000", 1, -480, "2024-03-07T10:30:00Z", "\"tz\":-480" },
	{ "20240307000000", 1, 0, "2024-03-07T00:00:00Z", NULL },
	{ "20240307000000", 0, 0, "2024-03-07", NULL },
	{ "19991231235959", 1, 0, "1999-12-31T23:59:59Z", NULL },
	{ "", 0, 0, "", NULL },
};

START_TEST(test_docdata_dates)
{
	const struct date_row *r = &date_rows[_i];
	struct newsidx_article a;
	struct newsidx_buf b = { 0 };
	struct newsidx_stored s;
	size_t mlen;

	sample_article(&a);
	snprintf(a.date, sizeof(a.date), "%s", r->date);
	a.has_time = r->has_time;
	a.tz_minutes = r->tz;
	ck_assert_int_eq(newsidx_docdata__encode(&a, &b), NEWSIDX_OK);
	mlen = check_frame(&b, &a);
	if (r->tz_text)
		ck_assert(meta_has(&b, mlen, r->tz_text));
	else
		ck_assert(!meta_has(&b, mlen, "\"tz\""));
	if (!r->date[0])
		ck_assert(!meta_has(&b, mlen, "\"date\""));
	ck_assert_int_eq(newsidx_docdata__decode(b.data, b.len, 1, &s),
			 NEWSIDX_OK);
	ck_assert_str_eq(s.date, r->stored);
	newsidx_stored__clear(&s);
	newsidx_buf__free(&b);
}
END_TEST

/* Absent fields decode as "", never NULL; so does an empty body. */
START_TEST(test_docdata_sparse)
{
	struct newsidx_article a;
	struct newsidx_buf b = { 0 };
	struct newsidx_stored s;

	memset(&a, 0, sizeof(a));
	a.id = (char *)"only-id";
	a.title = (char *)"";
	a.body = (char *)"";
	a.body_len = 0;
	ck_assert_int_eq(newsidx_docdata__encode(&a, &b), NEWSIDX_OK);
	check_frame(&b, &a);
	ck_assert_int_eq(newsidx_docdata__decode(b.data, b.len, 1, &s),
			 NEWSIDX_OK);
	ck_assert_str_eq(s.id, "only-id");
	ck_assert_str_eq(s.title, "");
	ck_assert_str_eq(s.date, "");
	ck_assert_str_eq(s.place, "");
	ck_assert_str_eq(s.source, "");
	ck_assert_str_eq(s.path, "");
	ck_assert_str_eq(s.url, "");
	ck_assert_str_eq(s.lang, "");
	ck_assert_str_eq(s.authors, "");
	ck_assert_str_eq(s.topics, "");
	ck_assert_ptr_nonnull(s.body);
	ck_assert_str_eq(s.body, "");
	ck_assert_uint_eq(s.body_len, 0);
	newsidx_stored__clear(&s);
	newsidx_buf__free(&b);
}
END_TEST

/* A field that is not UTF-8 is left out rather than failing the
 * article (docdata.c, set_str). */
START_TEST(test_docdata_bad_utf8_field)
{
	struct newsidx_article a;
	struct newsidx_buf b = { 0 };
	struct newsidx_stored s;

	sample_article(&a);
	a.place = (char *)"Oslo\xff";
	ck_assert_int_eq(newsidx_docdata__encode(&a, &b), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_docdata__decode(b.data, b.len, 1, &s),
			 NEWSIDX_OK);
	ck_assert_str_eq(s.place, "");
	ck_assert_str_eq(s.title, a.title);
	newsidx_stored__clear(&s);
	newsidx_buf__free(&b);
}
END_TEST

static unsigned long lcg_next(unsigned long *state)
{
	*state = (*state * 1103515245UL + 12345UL) & 0x7fffffffUL;
	return *state >> 8;
}

/* Bodies that are large, that compress extremely well (so inflating
 * must grow its buffer many times), or that hold NUL bytes. */
static const struct body_row {
	size_t len;
	int kind; /* 0: random text, 1: one repeated byte, 2: with NULs */
} body_rows[] = {
	{ 1, 0 },
	{ 100, 2 },
	{ 65536, 0 },
	{ 3u << 20, 0 },
	{ 16u << 20, 1 },
	{ 100000, 2 },
};

START_TEST(test_docdata_large_body)
{
	const struct body_row *r = &body_rows[_i];
	char *body = malloc(r->len);
	struct newsidx_article a;
	struct newsidx_buf b = { 0 };
	struct newsidx_stored s;
	unsigned long seed = 1;
	size_t i;

	ck_assert_ptr_nonnull(body);
	for (i = 0; i < r->len; i++) {
		switch (r->kind) {
		case 0:
			body[i] = (char)(' ' + lcg_next(&seed) % 95);
			break;
		case 1:
			body[i] = 'a';
			break;
		default:
			body[i] = (char)(lcg_next(&seed) % 4);
			break;
		}
	}
	sample_article(&a);
	a.body = body;
	a.body_len = r->len;
	ck_assert_int_eq(newsidx_docdata__encode(&a, &b), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_docdata__decode(b.data, b.len, 1, &s),
			 NEWSIDX_OK);
	ck_assert_uint_eq(s.body_len, r->len);
	ck_assert_int_eq(memcmp(s.body, body, r->len), 0);
	ck_assert_str_eq(s.id, a.id);
	newsidx_stored__clear(&s);
	newsidx_buf__free(&b);
	free(body);
}
END_TEST

enum corrupt_kind {
	C_EMPTY,
	C_SHORT,
	C_MAGIC,
	C_MAGIC_CASE,
	C_LEN_PAST_END,
	C_LEN_HUGE,
	C_LEN_SHORT,
	C_LEN_ZERO,
	C_NOT_JSON,
	C_JSON_ARRAY,
	C_NO_BODY,
	C_BODY_CUT
};

static const struct corrupt_row {
	enum corrupt_kind kind;
	int body_ok; /* it still decodes: the fields and what is left of
		      * the body (integrity of the body is Xapian's) */
} corrupt_rows[] = {
	{ C_EMPTY, 0 },        { C_SHORT, 0 },
	{ C_MAGIC, 0 },        { C_MAGIC_CASE, 0 },
	{ C_LEN_PAST_END, 0 }, { C_LEN_HUGE, 0 },
	{ C_LEN_SHORT, 0 },    { C_LEN_ZERO, 0 },
	{ C_NOT_JSON, 0 },     { C_JSON_ARRAY, 0 },
	{ C_NO_BODY, 1 },      { C_BODY_CUT, 1 },
};

static void put_len(unsigned char *p, size_t n)
{
	p[0] = (unsigned char)(n >> 24);
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
}

START_TEST(test_docdata_corrupt)
{
	const struct corrupt_row *r = &corrupt_rows[_i];
	struct newsidx_article a;
	struct newsidx_buf b = { 0 };
	struct newsidx_stored s;
	unsigned char *d;
	size_t len, mlen, zoff;
	int want_body;

	sample_article(&a);
	ck_assert_int_eq(newsidx_docdata__encode(&a, &b), NEWSIDX_OK);
	mlen = check_frame(&b, &a);
	zoff = 7 + mlen;
	/* room for the array case, which is longer than nothing */
	d = malloc(b.len + 16);
	ck_assert_ptr_nonnull(d);
	memcpy(d, b.data, b.len);
	len = b.len;
	switch (r->kind) {
	case C_EMPTY:
		len = 0;
		break;
	case C_SHORT:
		len = 6;
		break;
	case C_MAGIC:
		d[2] = '1'; /* schema 2's layout */
		break;
	case C_MAGIC_CASE:
		d[0] = 'n';
		break;
	case C_LEN_PAST_END:
		put_len(d + 3, len - 7 + 1);
		break;
	case C_LEN_HUGE:
		put_len(d + 3, 0xffffffffu);
		break;
	case C_LEN_SHORT:
		put_len(d + 3, mlen - 1);
		break;
	case C_LEN_ZERO:
		put_len(d + 3, 0);
		break;
	case C_NOT_JSON:
		d[7] = 'x';
		break;
	case C_JSON_ARRAY:
		/* "[]" as the fields, then the real body */
		put_len(d + 3, 2);
		d[7] = '[';
		d[8] = ']';
		memcpy(d + 9, b.data + zoff, b.len - zoff);
		len = 9 + b.len - zoff;
		break;
	case C_NO_BODY:
		len = zoff;
		break;
	case C_BODY_CUT:
		len = b.len - 1;
		break;
	}
	for (want_body = 1; want_body >= 0; want_body--) {
		newsidx_status_t st, want;

		memset(&s, 0x5a, sizeof(s));
		st = newsidx_docdata__decode(d, len, want_body, &s);
		want = r->body_ok ? NEWSIDX_OK : NEWSIDX_CORRUPT;
		ck_assert_msg(st == want, "want_body %d: status %d, not %d",
			      want_body, (int)st, (int)want);
		if (st == NEWSIDX_OK) {
			ck_assert_str_eq(s.id, a.id);
			ck_assert_str_eq(s.title, a.title);
			if (want_body)
				ck_assert_uint_eq(s.body_len, len - zoff);
		} else {
			/* nothing to free, and clearing is safe */
			assert_cleared(&s);
		}
		newsidx_stored__clear(&s);
		assert_cleared(&s);
	}
	free(d);
	newsidx_buf__free(&b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* near-duplicate signatures (lib/dedup.c)                             */
/* ------------------------------------------------------------------ */

#define DUP_WORDS 300

/* A body of DUP_WORDS words "wN" from a vocabulary of 5000; the copy
 * has `edits` words replaced at random places. */
static void dup_text(unsigned long seed, unsigned edits,
		     unsigned a[DUP_WORDS], unsigned b[DUP_WORDS])
{
	unsigned i;

	for (i = 0; i < DUP_WORDS; i++)
		a[i] = b[i] = (unsigned)(lcg_next(&seed) % 5000);
	for (i = 0; i < edits; i++)
		b[lcg_next(&seed) % DUP_WORDS] =
			5000 + (unsigned)(lcg_next(&seed) % 5000);
}

static void dup_sig(const unsigned w[DUP_WORDS], struct newsidx_sig *out)
{
	struct newsidx_minhash m;
	char word[16];
	unsigned i;

	newsidx_dedup__start(&m);
	for (i = 0; i < DUP_WORDS; i++) {
		int n = snprintf(word, sizeof(word), "w%u", w[i]);

		newsidx_dedup__add(&m, word, (size_t)n);
	}
	ck_assert(newsidx_dedup__finish(&m));
	*out = m.sig;
}

/* The exact Jaccard resemblance of the two bodies' word 4-gram sets. */
static double dup_exact(const unsigned a[DUP_WORDS],
			const unsigned b[DUP_WORDS])
{
	size_t i, j, both = 0, na = DUP_WORDS - NEWSIDX_SHINGLE + 1;

	for (i = 0; i < na; i++)
		for (j = 0; j < na; j++)
			if (memcmp(a + i, b + j,
				   NEWSIDX_SHINGLE * sizeof(*a)) == 0) {
				both++;
				break;
			}
	return (double)both / (double)(2 * na - both);
}

START_TEST(test_dedup_estimate_and_bands)
{
	static unsigned a[DUP_WORDS], b[DUP_WORDS];
	unsigned edits, shared_close = 0, close = 0;
	unsigned long seed;
	struct newsidx_sig junk;

	for (seed = 1; seed <= 40; seed++)
		for (edits = 0; edits <= 60; edits += 6) {
			struct newsidx_sig sa, sb, back;
			unsigned char enc[NEWSIDX_SIG_BYTES];
			double exact, est;
			unsigned band;
			int shared = 0;

			dup_text(seed * 7919, edits, a, b);
			dup_sig(a, &sa);
			dup_sig(b, &sb);
			exact = dup_exact(a, b);
			/* What the index stores gives the same estimate. */
			newsidx_dedup__encode(&sb, enc);
			ck_assert(newsidx_dedup__decode(enc, sizeof(enc), &back));
			est = newsidx_dedup__resemblance(&sa, &back);
			ck_assert_msg(est > exact - 0.25 && est < exact + 0.25,
				      "seed %lu edits %u: estimate %.3f, "
				      "exact %.3f",
				      seed, edits, est, exact);
			for (band = 0; band < NEWSIDX_SIG_BANDS; band++)
				shared |= newsidx_dedup__band_hash(&sa, band) ==
					  newsidx_dedup__band_hash(&sb, band);
			if (exact >= 0.85) {
				close++;
				shared_close += (unsigned)shared;
			}
		}
	/* Close copies nearly always meet in a band. */
	ck_assert_uint_gt(close, 40);
	ck_assert_msg(shared_close * 100 >= close * 97,
		      "%u of %u close copies share a band", shared_close,
		      close);
	ck_assert(!newsidx_dedup__decode("x", 1, &junk));
}
END_TEST

/* Band terms: binary (schema 5), or hex as indexes made before it have
 * them; the same band hash either way.  The hashes are part of the index
 * format (copies are looked up by them in later runs): pinned. */
START_TEST(test_dedup_band_terms)
{
	static const uint64_t golden[NEWSIDX_SIG_BANDS] = {
		0x0bef7b28582c7938ULL, 0x7fd2ef192b64788dULL,
		0x71871b1d50a42124ULL, 0x224ab8322691eae3ULL,
	};
	struct newsidx_sig s;
	char bin[32], hex[32], want[32];
	unsigned band, i;

	for (i = 0; i < NEWSIDX_SIG_N; i++)
		s.v[i] = (uint32_t)(2654435761u * (i + 1));
	for (band = 0; band < NEWSIDX_SIG_BANDS; band++) {
		uint64_t h = newsidx_dedup__band_hash(&s, band);

		ck_assert_uint_eq(h, golden[band]);

		ck_assert_uint_eq(newsidx_dedup__band_term(&s, band, 1, bin,
							   sizeof(bin)),
				  7);
		ck_assert_int_eq(memcmp(bin, "XB", 2), 0);
		ck_assert_int_eq(bin[2], '0' + (int)band);
		for (i = 0; i < 4; i++)
			ck_assert_uint_eq((unsigned char)bin[3 + i],
					  (unsigned)(h >> (56 - 8 * i)) & 0xff);
		ck_assert_uint_eq(newsidx_dedup__band_term(&s, band, 0, hex,
							   sizeof(hex)),
				  15);
		snprintf(want, sizeof(want), "XB%x%012llx", band,
			 (unsigned long long)(h >> 16));
		ck_assert_str_eq(hex, want);
	}
	/* And the signature of a body, whose bands are in the index. */
	{
		static const uint32_t sig[4] = { 0xd7f770bc, 0x0b58212f,
						 0x40886d3e, 0x0dd159fd };
		struct newsidx_minhash m;
		char w[16];

		newsidx_dedup__start(&m);
		for (i = 0; i < 60; i++) {
			snprintf(w, sizeof(w), "word%u", i % 23);
			newsidx_dedup__add(&m, w, strlen(w));
		}
		ck_assert(newsidx_dedup__finish(&m));
		for (i = 0; i < 4; i++)
			ck_assert_uint_eq(m.sig.v[i], sig[i]);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* schema                                                              */
/* ------------------------------------------------------------------ */

static const struct field_row {
	const char *name;
	const char *prefix;
	enum newsidx_field_kind kind;
} field_rows[] = {
	{ "title", "S", NEWSIDX_FIELD_TEXT },
	{ "place", "XP", NEWSIDX_FIELD_WORDS },
	{ "source", "XS", NEWSIDX_FIELD_WORDS },
	{ "author", "A", NEWSIDX_FIELD_WORDS },
	{ "topic", "XT", NEWSIDX_FIELD_WORDS },
	{ "country", "XC", NEWSIDX_FIELD_EXACT },
	{ "org", "XO", NEWSIDX_FIELD_EXACT },
	{ "person", "XN", NEWSIDX_FIELD_EXACT },
	{ "lang", "L", NEWSIDX_FIELD_EXACT },
	{ "url", "U", NEWSIDX_FIELD_EXACT },
	{ "id", "Q", NEWSIDX_FIELD_EXACT },
	{ "date", NULL, NEWSIDX_FIELD_DATE },
	{ "since", NULL, NEWSIDX_FIELD_DATE },
};

START_TEST(test_schema_field)
{
	const struct field_row *r = &field_rows[_i];
	const struct newsidx_field *f = newsidx_schema__field(r->name);

	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, r->name);
	ck_assert_pstr_eq(f->prefix, r->prefix);
	ck_assert_int_eq(f->kind, r->kind);
	/* a pointer into the table itself */
	ck_assert(f >= newsidx_fields && f < newsidx_fields + 16);
}
END_TEST

START_TEST(test_schema_field_unknown)
{
	static const char *const names[] = {
		"Title", "TITLE", "", "titles", "tit", "body", "text",
		"authors", "topics", "language", "file", "path", "title:",
	};
	size_t i;

	for (i = 0; i < N_ELEMS(names); i++)
		ck_assert_msg(newsidx_schema__field(names[i]) == NULL,
			      "'%s' is a field", names[i]);
	ck_assert_ptr_null(newsidx_schema__field(NULL));
}
END_TEST

#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

/* The table is exactly the documented fields, and no term prefix is the
 * start of another, so a term's field is never ambiguous. */
START_TEST(test_schema_table)
{
	const struct newsidx_field *f, *g;
	size_t n = 0;

	for (f = newsidx_fields; f->name; f++) {
		n++;
		ck_assert_ptr_eq(newsidx_schema__field(f->name), f);
		if (f->kind == NEWSIDX_FIELD_DATE)
			continue;
		ck_assert_ptr_nonnull(f->prefix);
		ck_assert_uint_gt(strlen(f->prefix), 0);
		ck_assert_uint_eq(strspn(f->prefix, UPPER), strlen(f->prefix));
		for (g = newsidx_fields; g->name; g++) {
			if (g == f || g->kind == NEWSIDX_FIELD_DATE)
				continue;
			ck_assert_msg(strncmp(g->prefix, f->prefix,
					      strlen(f->prefix)) != 0,
				      "prefix %s of %s starts %s of %s",
				      f->prefix, f->name, g->prefix, g->name);
		}
	}
	ck_assert_uint_eq(n, N_ELEMS(field_rows));
}
END_TEST

/* FNV-1a 64, written out again here. */
static uint64_t fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

START_TEST(test_hash64)
{
	/* the published FNV-1a 64 test vectors */
	ck_assert_uint_eq(newsidx_hash64("", 0),
			  UINT64_C(0xcbf29ce484222325));
	ck_assert_uint_eq(newsidx_hash64("a", 1),
			  UINT64_C(0xaf63dc4c8601ec8c));
	ck_assert_uint_eq(newsidx_hash64("foobar", 6),
			  UINT64_C(0x85944171f73967e8));
	ck_assert_uint_eq(newsidx_hash64("foobar", 3),
			  newsidx_hash64("foo", 3));
}
END_TEST

static const struct term_row {
	const char *prefix;
	const char *value;
	size_t len;
	const char *term;
} term_rows[] = {
	{ "Q", "abc", 3, "Qabc" },
	{ "", "word", 4, "word" },
	{ "XP", "new delhi", 9, "XPnew delhi" },
	{ "Q", "", 0, "Q" },
	{ "U", "abcdef", 3, "Uabc" },
	{ "Len", "", 0, "Len" },
	{ "U", "https://x.example/a?b=c#frag", 28,
	  "Uhttps://x.example/a?b=c#frag" },
};

START_TEST(test_schema_term_short)
{
	const struct term_row *r = &term_rows[_i];
	char buf[NEWSIDX_MAX_TERM + 24];
	size_t n;

	memset(buf, 0x5a, sizeof(buf));
	n = newsidx_schema__term(buf, r->prefix, r->value, r->len);
	ck_assert_uint_eq(n, strlen(r->term));
	ck_assert_str_eq(buf, r->term);
}
END_TEST

/* Around the limit: values that fit are kept verbatim, longer ones
 * become prefix "#" 16 hex digits of the value's hash; the buffer of
 * the documented size is never overrun. */
START_TEST(test_schema_term_limit)
{
	static const char *const prefixes[] = { "", "U", "XP", "Q" };
	enum { GUARD = 64 };
	char buf[NEWSIDX_MAX_TERM + 24 + GUARD], value[400], want[64];
	size_t p, len, n, plen, i;
	unsigned long seed = 3;

	for (i = 0; i < sizeof(value); i++)
		value[i] = (char)('a' + lcg_next(&seed) % 26);
	for (p = 0; p < N_ELEMS(prefixes); p++) {
		plen = strlen(prefixes[p]);
		for (len = 200; len <= sizeof(value); len++) {
			memset(buf, 0x5a, sizeof(buf));
			n = newsidx_schema__term(buf, prefixes[p], value, len);
			for (i = NEWSIDX_MAX_TERM + 24; i < sizeof(buf); i++)
				ck_assert_int_eq(buf[i], 0x5a);
			ck_assert_uint_eq(strlen(buf), n);
			ck_assert_uint_le(n, NEWSIDX_MAX_TERM);
			if (plen + len <= NEWSIDX_MAX_TERM) {
				ck_assert_uint_eq(n, plen + len);
				ck_assert(memcmp(buf, prefixes[p], plen) == 0);
				ck_assert(memcmp(buf + plen, value, len) == 0);
				continue;
			}
			snprintf(want, sizeof(want), "%s#%016" PRIx64,
				 prefixes[p], fnv1a(value, len));
			ck_assert_str_eq(buf, want);
			ck_assert_uint_eq(n, plen + 17);
		}
	}
}
END_TEST

/* Hashed terms are stable, depend on every byte of the value (and only
 * on the len bytes given), and differ between values. */
START_TEST(test_schema_term_hash)
{
	char v1[300], v2[301], t1[NEWSIDX_MAX_TERM + 24];
	char t2[NEWSIDX_MAX_TERM + 24];
	size_t i;

	memset(v1, 'u', sizeof(v1));
	memcpy(v2, v1, sizeof(v1));
	v2[300] = 'Z';
	newsidx_schema__term(t1, "U", v1, sizeof(v1));
	newsidx_schema__term(t2, "U", v2, sizeof(v1));
	ck_assert_str_eq(t1, t2);
	newsidx_schema__term(t2, "U", v1, sizeof(v1));
	ck_assert_str_eq(t1, t2);
	newsidx_schema__term(t2, "U", v2, sizeof(v2));
	ck_assert_str_ne(t1, t2);
	for (i = 0; i < sizeof(v1); i += 37) {
		memcpy(v2, v1, sizeof(v1));
		v2[i] = 'v';
		newsidx_schema__term(t2, "U", v2, sizeof(v1));
		ck_assert_str_ne(t1, t2);
		ck_assert_int_eq(strncmp(t2, "U#", 2), 0);
		ck_assert_uint_eq(strspn(t2 + 2, "0123456789abcdef"), 16);
	}
	/* the prefix is kept, the hash is of the value alone */
	newsidx_schema__term(t2, "Q", v1, sizeof(v1));
	ck_assert_int_eq(t2[0], 'Q');
	ck_assert_str_eq(t2 + 1, t1 + 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* stem sets                                                           */
/* ------------------------------------------------------------------ */

START_TEST(test_stemset_basic)
{
	struct newsidx_stemset s = { 0 };

	ck_assert(!newsidx_stemset__has(&s, "railway", 7));
	ck_assert_int_eq(newsidx_stemset__add(&s, "railway", 7), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert(newsidx_stemset__has(&s, "railway", 7));
	/* only len bytes count, in both calls */
	ck_assert(newsidx_stemset__has(&s, "railways", 7));
	ck_assert(!newsidx_stemset__has(&s, "railways", 8));
	ck_assert(!newsidx_stemset__has(&s, "rail", 4));
	ck_assert(!newsidx_stemset__has(&s, "Railway", 7));
	/* duplicates are not added again */
	ck_assert_int_eq(newsidx_stemset__add(&s, "railway", 7), 0);
	ck_assert_int_eq(newsidx_stemset__add(&s, "railwayXYZ", 7), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(newsidx_stemset__add(&s, "speedy", 5), 0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert(newsidx_stemset__has(&s, "speed", 5));
	ck_assert(!newsidx_stemset__has(&s, "speedy", 6));
	ck_assert_str_eq(s.stems[1], "speed");
	newsidx_stemset__free(&s);
	ck_assert_ptr_null(s.stems);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_uint_eq(s.cap, 0);
	ck_assert(!newsidx_stemset__has(&s, "railway", 7));
	newsidx_stemset__free(&s);
}
END_TEST

START_TEST(test_stemset_many)
{
	struct newsidx_stemset s = { 0 };
	char w[32];
	int i, n, round;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < 1000; i++) {
			n = snprintf(w, sizeof(w), "stem%d", i);
			ck_assert_int_eq(newsidx_stemset__add(&s, w,
							      (size_t)n),
					 0);
		}
		ck_assert_uint_eq(s.n, 1000);
		ck_assert_uint_ge(s.cap, s.n);
	}
	for (i = 0; i < 1000; i++) {
		n = snprintf(w, sizeof(w), "stem%d", i);
		ck_assert(newsidx_stemset__has(&s, w, (size_t)n));
	}
	ck_assert(!newsidx_stemset__has(&s, "stem1000", 8));
	ck_assert(!newsidx_stemset__has(&s, "stem", 4));
	newsidx_stemset__free(&s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* snippets: helpers                                                   */
/* ------------------------------------------------------------------ */

static struct newsidx_analyzer *analyzer(void)
{
	struct newsidx_analyzer *an = NULL;

	ck_assert_int_eq(newsidx_analyzer__new(&an, "en"), NEWSIDX_OK);
	ck_assert_ptr_nonnull(an);
	return an;
}

/* Which tokens of a query go into the set. */
enum {
	ADD_PLAIN = 1,  /* words that are not part of a compound */
	ADD_PARTS = 2,  /* the parts of a compound */
	ADD_JOINED = 4, /* the joined form of a compound */
	ADD_WORDS = ADD_PLAIN | ADD_PARTS
};

struct set_ctx {
	struct newsidx_analyzer *an;
	struct newsidx_stemset *set;
	unsigned mode;
};

static int set_token(void *ctx, const struct newsidx_token *t)
{
	struct set_ctx *c = ctx;
	unsigned kind = ADD_PLAIN;
	const char *stem;
	size_t n;

	if (t->flags & NEWSIDX_TOK_JOINED)
		kind = ADD_JOINED;
	else if (t->flags & NEWSIDX_TOK_PART)
		kind = ADD_PARTS;
	if (!(c->mode & kind))
		return 0;
	stem = newsidx_analyzer__stem(c->an, t->text, t->len, &n);
	ck_assert_ptr_nonnull(stem);
	ck_assert_int_eq(newsidx_stemset__add(c->set, stem, n), 0);
	return 0;
}

static void set_from(struct newsidx_analyzer *an, struct newsidx_stemset *s,
		     const char *query, unsigned mode)
{
	struct set_ctx c = { an, s, mode };

	ck_assert_int_eq(newsidx_analyzer__tokenize(an, query, strlen(query),
						    1, set_token, &c, NULL),
			 0);
}

/* A token of a snippet as seen again by the analyzer. */
struct bf_tok {
	size_t start, end;
	int joined;
	int match; /* may be marked: its stem is in the set */
	int must;  /* must be marked: its stem matches alone */
};

struct bf {
	struct newsidx_analyzer *an;
	const struct newsidx_stemset *set;
	struct bf_tok *t;
	size_t n, cap;
};

static int bf_token(void *ctx, const struct newsidx_token *tok)
{
	struct bf *b = ctx;
	const char *stem;
	size_t n;

	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->t = realloc(b->t, b->cap * sizeof(*b->t));
		ck_assert_ptr_nonnull(b->t);
	}
	stem = newsidx_analyzer__stem(b->an, tok->text, tok->len, &n);
	ck_assert_ptr_nonnull(stem);
	b->t[b->n].start = tok->start;
	b->t[b->n].end = tok->end;
	b->t[b->n].joined = (tok->flags & NEWSIDX_TOK_JOINED) != 0;
	b->t[b->n].match = newsidx_stemset__has(b->set, stem, n);
	b->t[b->n].must = newsidx_stemset__alone(b->set, stem, n);
	b->n++;
	return 0;
}

/*
 * The brute-force check of a snippet's highlights.  Tokenize the text
 * again; a word matches when its stem is in the set, or when it is a
 * part of a compound whose joined form is.  Then every word that
 * matches alone (not only in a phrase) must lie inside a highlight, and every highlight must start at the
 * start of a matching word, end at the end of one, and contain nothing
 * but matching words and the hyphens between them.  Returns the number
 * of words (joined forms not counted).
 */
static size_t check_highlights(struct newsidx_analyzer *an,
			       const struct newsidx_stemset *set,
			       const char *text, const size_t *hl,
			       size_t nhl)
{
	struct bf b = { an, set, NULL, 0, 0 };
	size_t len = strlen(text), i, j, k, words = 0;
	unsigned char *covered;

	ck_assert_int_eq(newsidx_analyzer__tokenize(an, text, len, 1,
						    bf_token, &b, NULL),
			 0);
	for (i = 0; i < b.n; i++) {
		if (!b.t[i].joined || !b.t[i].match)
			continue;
		for (j = 0; j < b.n; j++)
			if (!b.t[j].joined && b.t[j].start >= b.t[i].start &&
			    b.t[j].end <= b.t[i].end) {
				b.t[j].match = 1;
				b.t[j].must |= b.t[i].must;
			}
	}
	ck_assert(nhl == 0 || hl != NULL);
	for (k = 0; k < nhl; k++) {
		ck_assert_uint_lt(hl[2 * k], hl[2 * k + 1]);
		ck_assert_uint_le(hl[2 * k + 1], len);
		if (k > 0)
			ck_assert_uint_gt(hl[2 * k], hl[2 * k - 1]);
	}
	for (i = 0; i < b.n; i++) {
		if (b.t[i].joined)
			continue;
		words++;
		if (!b.t[i].must)
			continue;
		for (k = 0; k < nhl; k++)
			if (hl[2 * k] <= b.t[i].start &&
			    b.t[i].end <= hl[2 * k + 1])
				break;
		ck_assert_msg(k < nhl,
			      "'%.*s' at %zu in \"%s\" not highlighted",
			      (int)(b.t[i].end - b.t[i].start),
			      text + b.t[i].start, b.t[i].start, text);
	}
	covered = calloc(len + 1, 1);
	ck_assert_ptr_nonnull(covered);
	for (k = 0; k < nhl; k++) {
		size_t s = hl[2 * k], e = hl[2 * k + 1];
		int starts = 0, ends = 0;

		for (i = 0; i < b.n; i++) {
			const struct bf_tok *t = &b.t[i];

			if (t->joined || t->end <= s || t->start >= e)
				continue;
			ck_assert_msg(t->match,
				      "highlight [%zu,%zu) of \"%s\" covers "
				      "'%.*s', which does not match",
				      s, e, text, (int)(t->end - t->start),
				      text + t->start);
			ck_assert_msg(t->start >= s && t->end <= e,
				      "highlight [%zu,%zu) of \"%s\" cuts a "
				      "word",
				      s, e, text);
			starts |= t->start == s;
			ends |= t->end == e;
			for (j = t->start; j < t->end; j++)
				covered[j] = 1;
		}
		ck_assert_msg(starts && ends,
			      "highlight [%zu,%zu) of \"%s\" is not on word "
			      "edges",
			      s, e, text);
		for (j = s; j < e; j++)
			ck_assert_msg(covered[j] || text[j] == '-',
				      "highlight [%zu,%zu) of \"%s\" covers "
				      "byte %zu",
				      s, e, text, j);
	}
	free(covered);
	free(b.t);
	return words;
}

/* The highlighted substrings, '|'-separated, into out. */
static void marks(const char *text, const size_t *hl, size_t nhl,
		  char *out, size_t size)
{
	size_t k, n = 0;

	out[0] = '\0';
	for (k = 0; k < nhl; k++)
		n += (size_t)snprintf(out + n, size - n, "%s%.*s",
				      k ? "|" : "",
				      (int)(hl[2 * k + 1] - hl[2 * k]),
				      text + hl[2 * k]);
	ck_assert_uint_lt(n, size);
}

struct snip {
	char *text;
	size_t *hl;
	size_t nhl;
	size_t words;
	char marks[1024];
};

/* Make a snippet and run the checks that hold for every snippet. */
static void snip_make(struct newsidx_analyzer *an,
		      const struct newsidx_stemset *set, const char *body,
		      size_t len, unsigned nwords, struct snip *sn)
{
	size_t bad;

	ck_assert_int_eq(newsidx_snippet__make(an, body, len, set, nwords,
					       &sn->text, &sn->hl, &sn->nhl),
			 NEWSIDX_OK);
	ck_assert_ptr_nonnull(sn->text);
	/* white space is collapsed: no runs, none at either end */
	ck_assert_ptr_null(strstr(sn->text, "  "));
	ck_assert_ptr_null(strpbrk(sn->text, "\t\r\n\f\v"));
	if (sn->text[0]) {
		ck_assert_int_ne(sn->text[0], ' ');
		ck_assert_int_ne(sn->text[strlen(sn->text) - 1], ' ');
	}
	if (newsidx_utf8__valid(body, len, NULL))
		ck_assert_msg(newsidx_utf8__valid(sn->text, strlen(sn->text),
						  &bad),
			      "snippet \"%s\" is not UTF-8 at %zu", sn->text,
			      bad);
	sn->words = check_highlights(an, set, sn->text, sn->hl, sn->nhl);
	ck_assert_uint_le(sn->words, nwords ? nwords : 30);
	marks(sn->text, sn->hl, sn->nhl, sn->marks, sizeof(sn->marks));
}

static void snip_free(struct snip *sn)
{
	free(sn->text);
	free(sn->hl);
}

/* ------------------------------------------------------------------ */
/* snippets                                                            */
/* ------------------------------------------------------------------ */

static const struct snip_row {
	const char *body;
	const char *query;
	unsigned mode;
	unsigned nwords;
	const char *text;  /* the expected snippet */
	const char *marks; /* its highlights, '|'-separated */
} snip_rows[] = {
	/* stems: "railway" marks "railways" */
	{ "The new railways opened on Monday.", "railway", ADD_WORDS, 30,
	  "The new railways opened on Monday.", "railways" },
	{ "A railway, two railways and the railway's owner.", "railways",
	  ADD_WORDS, 30, "A railway, two railways and the railway's owner.",
	  "railway|railways|railway's" },
	/* compounds: one mark, from the parts or from the joined form */
	{ "A high-speed railway line.", "high-speed", ADD_PARTS, 30,
	  "A high-speed railway line.", "high-speed" },
	{ "A high-speed railway line.", "high-speed", ADD_JOINED, 30,
	  "A high-speed railway line.", "high-speed" },
	{ "A high-speed railway line.", "highspeed", ADD_WORDS, 30,
	  "A high-speed railway line.", "high-speed" },
	{ "A high-speed railway line.", "high speed railway", ADD_WORDS, 30,
	  "A high-speed railway line.", "high-speed|railway" },
	{ "A high-speed railway line.", "speed", ADD_WORDS, 30,
	  "A high-speed railway line.", "speed" },
	{ "A high-speed railway line.", "high-speed railway", ADD_JOINED, 30,
	  "A high-speed railway line.", "high-speed" },
	{ "An alpha-beta test.", "alpha beta", ADD_WORDS, 30,
	  "An alpha-beta test.", "alpha-beta" },
	{ "An alpha - beta test.", "alpha beta", ADD_WORDS, 30,
	  "An alpha - beta test.", "alpha|beta" },
	{ "An alpha-gamma-beta test.", "alpha beta", ADD_WORDS, 30,
	  "An alpha-gamma-beta test.", "alpha|beta" },
	/* possessives, accents, curly apostrophes, acronyms, numbers */
	{ "T\xc3\xbcrkiye\xe2\x80\x99s voters and India's railways.",
	  "turkiye india", ADD_WORDS, 30,
	  "T\xc3\xbcrkiye\xe2\x80\x99s voters and India's railways.",
	  "T\xc3\xbcrkiye\xe2\x80\x99s|India's" },
	{ "Der Zug f\xc3\xa4hrt nach M\xc3\xbcnchen.",
	  "muenchen m\xc3\xbcnchen", ADD_WORDS, 30,
	  "Der Zug f\xc3\xa4hrt nach M\xc3\xbcnchen.", "M\xc3\xbcnchen" },
	{ "The U.S. spent 5,000 dollars.", "u.s. 5,000", ADD_WORDS, 30,
	  "The U.S. spent 5,000 dollars.", "U.S.|5,000" },
	/* white space collapsed, leading and trailing dropped */
	{ "  Alpha\n\n  beta\t\tgamma  \r\n", "beta", ADD_WORDS, 30,
	  "Alpha beta gamma", "beta" },
	{ "\n\"Railways,\" he said.\n", "railway", ADD_WORDS, 30,
	  "\"Railways,\" he said.", "Railways" },
	/* no match: from the start; a cut keeps the closing full stop */
	{ "Alpha beta gamma delta epsilon. Zeta eta theta.", "nomatch",
	  ADD_WORDS, 5, "Alpha beta gamma delta epsilon." ELLIPSIS, "" },
	{ "Alpha beta gamma delta epsilon. Zeta eta theta.", "", ADD_WORDS,
	  5, "Alpha beta gamma delta epsilon." ELLIPSIS, "" },
	/* empty bodies and bodies without words */
	{ "", "railway", ADD_WORDS, 30, "", "" },
	{ " \n\t ", "railway", ADD_WORDS, 30, "", "" },
	{ "-- !! --", "railway", ADD_WORDS, 30, "", "" },
	/* invalid UTF-8 bytes separate words and do no harm */
	{ "bad \xff\xfe bytes on the railway \xc3 line", "railway",
	  ADD_WORDS, 30, "bad \xff\xfe bytes on the railway \xc3 line",
	  "railway" },
	{ "\xc3railway\xff\xffrailways\xe2\x80", "railway", ADD_WORDS, 30,
	  "\xc3railway\xff\xffrailways\xe2\x80", "railway|railways" },
};

START_TEST(test_snippet_table)
{
	const struct snip_row *r = &snip_rows[_i];
	struct newsidx_analyzer *an = analyzer();
	struct newsidx_stemset set = { 0 };
	struct snip sn;

	set_from(an, &set, r->query, r->mode);
	snip_make(an, &set, r->body, strlen(r->body), r->nwords, &sn);
	ck_assert_str_eq(sn.text, r->text);
	ck_assert_str_eq(sn.marks, r->marks);
	snip_free(&sn);
	newsidx_stemset__free(&set);
	newsidx_analyzer__free(an);
}
END_TEST

/* Add the stems of the words w[0..n) to the set as one phrase. */
static void set_phrase(struct newsidx_analyzer *an, struct newsidx_stemset *s,
		       const char *const *w, size_t n)
{
	const char *stem[8];
	size_t len[8], i;
	char *copy[8];

	ck_assert_uint_le(n, 8);
	for (i = 0; i < n; i++) {
		const char *st = newsidx_analyzer__stem(an, w[i], strlen(w[i]),
							&len[i]);

		ck_assert_ptr_nonnull(st);
		copy[i] = newsidx_strndup(st, len[i]);
		stem[i] = copy[i];
	}
	ck_assert_int_eq(newsidx_stemset__add_phrase(s, stem, len, n), 0);
	for (i = 0; i < n; i++)
		free(copy[i]);
}

/* Words searched only in a phrase are marked only where it stands. */
START_TEST(test_snippet_phrase_marks)
{
	static const char *const hsr[] = { "high", "speed", "railway" };
	static const char *const hs[] = { "high", "speed" };
	static const char *const su[] = { "speed", "up" };
	static const char *const jr[] = { "highspeed", "railway" };
	static const char body[] = "Officials want to speed up work. The "
				   "high-speed railway is due. The speed "
				   "of a highspeed railway is high.";
	struct newsidx_analyzer *an = analyzer();
	struct newsidx_stemset set = { 0 };
	struct snip sn;

	set_phrase(an, &set, hsr, 3);
	snip_make(an, &set, body, strlen(body), 30, &sn);
	ck_assert_str_eq(sn.marks, "high-speed|railway");
	snip_free(&sn);
	/* the joined form as a phrase word matches a written compound and
	 * the word written joined */
	newsidx_stemset__free(&set);
	set_phrase(an, &set, jr, 2);
	snip_make(an, &set, body, strlen(body), 30, &sn);
	ck_assert_str_eq(sn.marks, "high-speed|railway|highspeed|railway");
	snip_free(&sn);
	/* a compound typed alone: its parts as a phrase, its joined form
	 * alone (what build.c gives) */
	newsidx_stemset__free(&set);
	set_phrase(an, &set, hs, 2);
	set_from(an, &set, "highspeed", ADD_WORDS);
	snip_make(an, &set, body, strlen(body), 30, &sn);
	ck_assert_str_eq(sn.marks, "high-speed|highspeed");
	snip_free(&sn);
	/* a quoted phrase next to the same word typed alone: the word
	 * alone wins and is marked everywhere */
	newsidx_stemset__free(&set);
	set_phrase(an, &set, su, 2);
	snip_make(an, &set, body, strlen(body), 30, &sn);
	ck_assert_str_eq(sn.marks, "speed|up");
	snip_free(&sn);
	set_from(an, &set, "speed", ADD_WORDS);
	snip_make(an, &set, body, strlen(body), 30, &sn);
	ck_assert_str_eq(sn.marks, "speed|up|speed|speed");
	snip_free(&sn);
	newsidx_stemset__free(&set);
	newsidx_analyzer__free(an);
}
END_TEST

/* A body of n words "w000".., with some words replaced (malloc'd). */
static char *words_body(size_t n, const size_t *at, const char *const *w,
			size_t nrep)
{
	struct newsidx_buf b = { 0 };
	size_t i, k;
	int rc = 0;

	for (i = 0; i < n; i++) {
		for (k = 0; k < nrep && at[k] != i; k++)
			;
		if (i)
			newsidx_buf__putc(&b, ' ', &rc);
		if (k < nrep)
			newsidx_buf__puts(&b, w[k], &rc);
		else
			newsidx_buf__printf(&b, &rc, "w%03zu", i);
	}
	ck_assert_int_eq(rc, 0);
	if (!b.data)
		return calloc(1, 1);
	return b.data;
}

/* Cut on both sides: "…" at each end, the window starting a fifth of
 * its size before the match. */
START_TEST(test_snippet_cut_both_sides)
{
	static const size_t at[] = { 50 };
	static const char *const w[] = { "target" };
	struct newsidx_analyzer *an = analyzer();
	struct newsidx_stemset set = { 0 };
	char *body = words_body(100, at, w, 1);
	struct snip sn;

	set_from(an, &set, "target", ADD_WORDS);
	snip_make(an, &set, body, strlen(body), 10, &sn);
	ck_assert_str_eq(sn.text, ELLIPSIS "w048 w049 target w051 w052 w053 "
					   "w054 w055 w056 w057" ELLIPSIS);
	ck_assert_str_eq(sn.marks, "target");
	snip_free(&sn);
	/* no match: the start, nwords 0 meaning 30 */
	newsidx_stemset__free(&set);
	set_from(an, &set, "absent", ADD_WORDS);
	snip_make(an, &set, body, strlen(body), 0, &sn);
	ck_assert_uint_eq(sn.words, 30);
	ck_assert_int_eq(strncmp(sn.text, "w000 w001 ", 10), 0);
	ck_assert_str_eq(sn.text + strlen(sn.text) - 7, "w029" ELLIPSIS);
	ck_assert_uint_eq(sn.nhl, 0);
	snip_free(&sn);
	/* a body shorter than the window: all of it, no "…" */
	snip_make(an, &set, body, 24, 30, &sn);
	ck_assert_str_eq(sn.text, "w000 w001 w002 w003 w004");
	snip_free(&sn);
	free(body);
	newsidx_stemset__free(&set);
	newsidx_analyzer__free(an);
}
END_TEST

/* The window with more distinct stems wins over an earlier one with
 * more matches of a single stem; then more matches win; then the
 * earliest. */
static const struct window_row {
	size_t n;
	size_t at[8];
	const char *w[8];
	size_t nrep;
	unsigned nwords;
	const char *marks;   /* expected highlights */
	const char *inside;  /* a word the snippet must contain */
} window_rows[] = {
	{ 200,
	  { 5, 8, 11, 14, 17, 120, 123 },
	  { "alpha", "alpha", "alpha", "alpha", "alpha", "alpha", "beta" },
	  7, 20, "alpha|beta", "w121" },
	{ 200,
	  { 10, 12, 100, 102, 104, 106 },
	  { "alpha", "beta", "alpha", "beta", "alpha", "beta" },
	  6, 20, "alpha|beta|alpha|beta", "w103" },
	{ 200,
	  { 30, 32, 130, 132 },
	  { "alpha", "beta", "alpha", "beta" },
	  4, 20, "alpha|beta", "w031" },
	/* two matches 25 words apart fit in a window of 30 */
	{ 70, { 40, 65 }, { "alpha", "omega" }, 2, 30, "alpha|omega",
	  "w050" },
	{ 100, { 10, 38, 60 }, { "alpha", "beta", "gamma" }, 3, 30,
	  "alpha|beta", "w020" },
	{ 100, { 30, 50, 57 }, { "alpha", "beta", "gamma" }, 3, 30,
	  "alpha|beta|gamma", "w040" },
};

START_TEST(test_snippet_window)
{
	const struct window_row *r = &window_rows[_i];
	struct newsidx_analyzer *an = analyzer();
	struct newsidx_stemset set = { 0 };
	char *body = words_body(r->n, r->at, r->w, r->nrep);
	struct snip sn;

	set_from(an, &set, "alpha beta gamma omega", ADD_WORDS);
	snip_make(an, &set, body, strlen(body), r->nwords, &sn);
	ck_assert_msg(strcmp(sn.marks, r->marks) == 0,
		      "highlights '%s', expected '%s' in \"%s\"", sn.marks,
		      r->marks, sn.text);
	ck_assert_msg(strstr(sn.text, r->inside) != NULL,
		      "\"%s\" lacks %s", sn.text, r->inside);
	ck_assert_uint_eq(sn.words, r->nwords);
	snip_free(&sn);
	free(body);
	newsidx_stemset__free(&set);
	newsidx_analyzer__free(an);
}
END_TEST

/*
 * Random bodies against an exhaustive search.  Words are unique fillers
 * "fNNN" or words of a small vocabulary, some of which are searched; the
 * separators vary.  The snippet must be a run of whole consecutive words
 * of the body, nwords long (or the whole body), with "…" exactly where
 * it cuts; and it must hold as many distinct searched stems as the best
 * window of that size anywhere in the body.
 */
#define RAND_TRIALS 300
#define RAND_MAXW 200

static const char *const vocab[] = {
	"alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
	"golf", "hotel", "india", "juliet", "kilo", "lima"
};

struct rand_text {
	char *body;
	size_t n;             /* words */
	size_t start[RAND_MAXW], end[RAND_MAXW];
	int id[RAND_MAXW];    /* vocabulary index, or -1 for a filler */
	int searched[N_ELEMS(vocab)];
	unsigned nwords;
};

static void rand_text(struct rand_text *t, unsigned long seed,
		      struct newsidx_analyzer *an, struct newsidx_stemset *set)
{
	static const char *const seps[] = { " ", "  ", "\n\n", ", ", ". ",
					    " -- ", "\t" };
	struct newsidx_buf b = { 0 };
	size_t i, k;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	t->n = 1 + lcg_next(&seed) % RAND_MAXW;
	t->nwords = 2 + (unsigned)(lcg_next(&seed) % 35);
	for (k = 0; k < 3; k++) {
		size_t v = lcg_next(&seed) % N_ELEMS(vocab);

		t->searched[v] = 1;
		set_from(an, set, vocab[v], ADD_WORDS);
	}
	for (i = 0; i < t->n; i++) {
		if (i) {
			k = lcg_next(&seed) % N_ELEMS(seps);
			newsidx_buf__puts(&b, seps[k], &rc);
		}
		t->start[i] = b.len;
		if (lcg_next(&seed) % 6 == 0) {
			t->id[i] = (int)(lcg_next(&seed) % N_ELEMS(vocab));
			newsidx_buf__puts(&b, vocab[t->id[i]], &rc);
		} else {
			t->id[i] = -1;
			newsidx_buf__printf(&b, &rc, "f%03zu", i);
		}
		t->end[i] = b.len;
	}
	ck_assert_int_eq(rc, 0);
	t->body = b.data;
}

/* Distinct searched words in words [s, e). */
static size_t distinct(const struct rand_text *t, size_t s, size_t e)
{
	int seen[N_ELEMS(vocab)] = { 0 };
	size_t i, d = 0;

	for (i = s; i < e; i++)
		if (t->id[i] >= 0 && t->searched[t->id[i]] &&
		    !seen[t->id[i]]++)
			d++;
	return d;
}

struct seen_words {
	char w[64][NEWSIDX_MAX_TOKEN + 1];
	size_t n;
};

static int seen_word(void *ctx, const struct newsidx_token *tok)
{
	struct seen_words *s = ctx;

	if (tok->flags & NEWSIDX_TOK_JOINED)
		return 0;
	ck_assert_uint_lt(s->n, 64);
	memcpy(s->w[s->n], tok->text, tok->len + 1);
	s->n++;
	return 0;
}

/* Where in the body the snippet's words come from: the first index ws
 * such that the snippet's words are the body's words ws, ws + 1, ... */
static size_t locate(struct newsidx_analyzer *an, const struct rand_text *t,
		     const char *text)
{
	struct seen_words *s = calloc(1, sizeof(*s));
	size_t ws, i;

	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(newsidx_analyzer__tokenize(an, text, strlen(text),
						    1, seen_word, s, NULL),
			 0);
	for (ws = 0; ws + s->n <= t->n; ws++) {
		for (i = 0; i < s->n; i++) {
			size_t wl = t->end[ws + i] - t->start[ws + i];

			if (strlen(s->w[i]) != wl ||
			    memcmp(s->w[i], t->body + t->start[ws + i], wl))
				break;
		}
		if (i == s->n) {
			free(s);
			return ws;
		}
	}
	ck_assert_msg(0, "snippet \"%s\" is not a run of body words", text);
	free(s);
	return 0;
}

START_TEST(test_snippet_random_shape)
{
	struct newsidx_analyzer *an = analyzer();
	unsigned long trial, short_trials = 0, first_short = 0;
	char first_text[1024] = "";

	for (trial = 0; trial < RAND_TRIALS; trial++) {
		struct newsidx_stemset set = { 0 };
		struct rand_text t;
		struct snip sn;
		size_t ws, want, tl;

		rand_text(&t, trial * 7919 + 1, an, &set);
		snip_make(an, &set, t.body, strlen(t.body), t.nwords, &sn);
		ws = locate(an, &t, sn.text);
		tl = strlen(sn.text);
		ck_assert_msg((ws > 0) == (strncmp(sn.text, ELLIPSIS, 3) == 0),
			      "trial %lu: starts at word %zu: \"%s\"", trial,
			      ws, sn.text);
		ck_assert_msg((ws + sn.words < t.n) ==
				      (tl >= 3 && strcmp(sn.text + tl - 3,
							 ELLIPSIS) == 0),
			      "trial %lu: ends at word %zu of %zu: \"%s\"",
			      trial, ws + sn.words, t.n, sn.text);
		/* as many words as asked for, when the body has them */
		want = t.n < t.nwords ? t.n : t.nwords;
		if (sn.words != want && !short_trials++) {
			first_short = trial;
			snprintf(first_text, sizeof(first_text),
				 "%zu words of %zu, window %u, snippet at "
				 "word %zu: \"%s\"",
				 sn.words, t.n, t.nwords, ws, sn.text);
		}
		snip_free(&sn);
		free(t.body);
		newsidx_stemset__free(&set);
	}
	newsidx_analyzer__free(an);
	ck_assert_msg(short_trials == 0,
		      "%lu of %d snippets are shorter than the window; "
		      "first, trial %lu: %s",
		      short_trials, RAND_TRIALS, first_short, first_text);
}
END_TEST

START_TEST(test_snippet_random_best)
{
	struct newsidx_analyzer *an = analyzer();
	unsigned long trial, bad = 0, first_bad = 0;
	char first_text[1024] = "";

	for (trial = 0; trial < RAND_TRIALS; trial++) {
		struct newsidx_stemset set = { 0 };
		struct rand_text t;
		struct snip sn;
		size_t ws, s, best = 0, got, w;

		rand_text(&t, trial * 7919 + 1, an, &set);
		snip_make(an, &set, t.body, strlen(t.body), t.nwords, &sn);
		w = t.n < t.nwords ? t.n : t.nwords;
		for (s = 0; s + w <= t.n; s++) {
			size_t d = distinct(&t, s, s + w);

			if (d > best)
				best = d;
		}
		ws = locate(an, &t, sn.text);
		got = distinct(&t, ws, ws + sn.words);
		ck_assert_uint_le(got, best);
		if (got < best && !bad++) {
			first_bad = trial;
			snprintf(first_text, sizeof(first_text),
				 "words %zu-%zu of %zu (window %u) hold %zu "
				 "distinct searched words, a window with %zu "
				 "exists: \"%s\"",
				 ws, ws + sn.words, t.n, t.nwords, got, best,
				 sn.text);
		}
		snip_free(&sn);
		free(t.body);
		newsidx_stemset__free(&set);
	}
	newsidx_analyzer__free(an);
	ck_assert_msg(bad == 0,
		      "%lu of %d snippets miss the best window; first, "
		      "trial %lu: %s",
		      bad, RAND_TRIALS, first_bad, first_text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* what searches read from the parse tree                              */
/* ------------------------------------------------------------------ */

/*
 * These need a small index, made once for the test case: how strictly a
 * long query ranks depends on whether AND was written as an operator,
 * and a suggestion puts each corrected word where it was typed.  Both
 * come from the parse tree, not from scanning the query string again.
 */
static char idx_dir[256];
static char idx_path[300];

static const char tree_articles[] =
	"{\"id\":\"a1\",\"title\":\"Japan and India talks\",\"body\":"
	"\"Japan and India agreed on trade. Rock and roll music history "
	"today in Japan.\"}\n"
	"{\"id\":\"a2\",\"title\":\"Japan trade\",\"body\":\"Japan trade "
	"deficit widened as exports fell.\"}\n"
	/* Some of the words of the long queries below, not all. */
	"{\"id\":\"a3\",\"title\":\"Lessons\",\"body\":\"Rock and roll "
	"music lessons for schools.\"}\n";

static void tree_index_setup(void)
{
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_db_t *db = NULL;

	snprintf(idx_dir, sizeof(idx_dir), "%s/newsidx-search.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(idx_dir));
	snprintf(idx_path, sizeof(idx_path), "%s/idx", idx_dir);
	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&db, idx_path, &oo), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_index_buffer(db, "a.jsonl", tree_articles,
					      strlen(tree_articles), NULL,
					      NULL),
			 NEWSIDX_OK);
	newsidx_db_free(db);
}

static void tree_index_teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", idx_dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Search the test index as a reader, which counts in a second thread. */
static newsidx_results_t *tree_search(const char *q)
{
	newsidx_db_t *db = NULL;
	newsidx_results_t *r = NULL;

	ck_assert_int_eq(newsidx_db_open(&db, idx_path, NULL), NEWSIDX_OK);
	ck_assert_msg(newsidx_search(&r, db, q, NULL) == NEWSIDX_OK,
		      "query \"%s\": %s", q, newsidx_db_errmsg(db));
	newsidx_db_free(db);
	return r;
}

/* A long-lived reader reads its tables of lengths and groups at once,
 * and again at the first search after a commit; its results are those
 * of any reader.  A writer has none. */
START_TEST(test_long_lived_reader)
{
	static const char more[] =
		"{\"id\":\"a4\",\"title\":\"Japan exports\",\"body\":"
		"\"Japan exports rose as trade grew.\"}\n";
	newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	newsidx_db_t *db = NULL, *w = NULL;
	newsidx_results_t *a = NULL, *b = NULL;
	size_t i;

	ck_assert_int_eq(newsidx_db_open(&db, idx_path, NULL), NEWSIDX_OK);
	ck_assert_int_eq(xapc_db_has_key_table(db->x), 0);
	ck_assert_int_eq(newsidx_db_set_long_lived(db, 1), NEWSIDX_OK);
	ck_assert_int_eq(xapc_db_has_key_table(db->x), 1);
	ck_assert_int_eq(xapc_db_has_length_table(db->x), 1);
	ck_assert_int_eq(newsidx_search(&b, db, "japan trade", NULL),
			 NEWSIDX_OK);
	a = tree_search("japan trade");
	ck_assert_uint_eq(newsidx_results_count(a), newsidx_results_count(b));
	ck_assert_uint_eq(newsidx_results_total(a), newsidx_results_total(b));
	for (i = 0; i < newsidx_results_count(a); i++) {
		ck_assert_str_eq(newsidx_results_hit(a, i)->id,
				 newsidx_results_hit(b, i)->id);
		ck_assert(newsidx_results_hit(a, i)->score ==
			  newsidx_results_hit(b, i)->score);
	}
	newsidx_results_free(a);
	newsidx_results_free(b);

	/* A commit: the tables are out of date, and the next search reads
	 * them again. */
	oo.mode = NEWSIDX_OPEN_WRITE;
	ck_assert_int_eq(newsidx_db_open(&w, idx_path, &oo), NEWSIDX_OK);
	ck_assert_int_eq(newsidx_db_set_long_lived(w, 1),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_ptr_nonnull(strstr(newsidx_db_errmsg(w), "writing"));
	ck_assert_int_eq(newsidx_index_buffer(w, "b.jsonl", more,
					      strlen(more), NULL, NULL),
			 NEWSIDX_OK);
	newsidx_db_free(w);
	so.limit = 2; /* a page shorter than the index: folded */
	ck_assert_int_eq(newsidx_search(&b, db, "exports", &so), NEWSIDX_OK);
	ck_assert_uint_eq(newsidx_results_count(b), 2);
	ck_assert_int_eq(xapc_db_has_key_table(db->x), 1);
	ck_assert_int_eq(xapc_db_has_length_table(db->x), 1);
	newsidx_results_free(b);

	/* Back to the default. */
	ck_assert_int_eq(newsidx_db_set_long_lived(db, 0), NEWSIDX_OK);
	ck_assert_int_eq(db->long_lived, 0);
	newsidx_db_free(db);
}
END_TEST

struct strict_row {
	const char *query;
	int relaxed; /* ranked softly: articles with most words count */
};

static const struct strict_row strict_rows[] = {
	{ "rock music history today", 1 },
	{ "rock AND music history today", 0 },
	{ "rock music history today (india AND japan)", 0 },
	/* AND inside a phrase is a word of the phrase, not the operator;
	 * the scan of the string took it for one. */
	{ "\"rock AND roll\" music history today", 1 },
	{ "\xe2\x80\x9crock AND roll\xe2\x80\x9d music history today", 1 },
	/* Any white space around AND makes it the operator; the scan
	 * knew only spaces and tabs. */
	{ "rock\nAND\nmusic history today", 0 },
	{ "rock\rAND music history today", 0 },
};

START_TEST(test_tree_strictness)
{
	const struct strict_row *row = &strict_rows[_i];
	newsidx_results_t *r = tree_search(row->query);

	ck_assert_msg(newsidx_results_count(r) > 0, "query \"%s\": no hit",
		      row->query);
	ck_assert_str_eq(newsidx_results_hit(r, 0)->id, "a1");
	ck_assert_msg(newsidx_results_relaxed(r) == row->relaxed,
		      "query \"%s\": relaxed %d, want %d", row->query,
		      newsidx_results_relaxed(r), row->relaxed);
	newsidx_results_free(r);
}
END_TEST

struct suggest_row {
	const char *query;
	const char *suggestion; /* NULL: none */
};

static const struct suggest_row suggest_rows[] = {
	{ "japan", NULL },
	{ "japn", "japan" },
	{ "JAPN trade", "japan trade" },
	{ "+japn -trade", "+japan -trade" },
	{ "japn NEAR trade", "japan NEAR trade" },
	/* A field value is left as typed, and the same text later is the
	 * word corrected. */
	{ "title:japn japn", "title:japn japan" },
	/* The second of two equal words in a phrase is corrected too; the
	 * scan found the first again and left the second as it was. */
	{ "\"japn to japn\"", "\"japan to japan\"" },
	{ "\"Japn japn\" trade", "\"japan japan\" trade" },
	/* Words in a phrase are told apart by any white space, not only
	 * by spaces. */
	{ "\"japn\ttrade\"", "\"japan\ttrade\"" },
	/* A word with something attached stays as typed. */
	{ "japn's", NULL },
	{ "\"japn, trade\"", NULL },
};

START_TEST(test_tree_suggestion)
{
	const struct suggest_row *row = &suggest_rows[_i];
	newsidx_results_t *r = tree_search(row->query);
	const char *got = newsidx_results_suggestion(r);

	if (row->suggestion)
		ck_assert_msg(got && strcmp(got, row->suggestion) == 0,
			      "query \"%s\": suggestion \"%s\", want \"%s\"",
			      row->query, got ? got : "(none)",
			      row->suggestion);
	else
		ck_assert_msg(got == NULL,
			      "query \"%s\": suggestion \"%s\", want none",
			      row->query, got);
	newsidx_results_free(r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the suite                                                           */
/* ------------------------------------------------------------------ */

static Suite *search_suite(void)
{
	Suite *s = suite_create("search");
	TCase *tc;

	tc = tcase_create("docdata");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_docdata_roundtrip);
	tcase_add_loop_test(tc, test_docdata_dates, 0,
			    (int)N_ELEMS(date_rows));
	tcase_add_test(tc, test_docdata_sparse);
	tcase_add_test(tc, test_docdata_bad_utf8_field);
	tcase_add_loop_test(tc, test_docdata_large_body, 0,
			    (int)N_ELEMS(body_rows));
	tcase_add_loop_test(tc, test_docdata_corrupt, 0,
			    (int)N_ELEMS(corrupt_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("dedup");
	/* A guard against a hang, not a speed check: under ThreadSanitizer
	 * on a loaded machine the estimate test needs more than Check's
	 * default of 4 seconds. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_dedup_estimate_and_bands);
	tcase_add_test(tc, test_dedup_band_terms);
	suite_add_tcase(s, tc);

	tc = tcase_create("schema");
	tcase_add_loop_test(tc, test_schema_field, 0,
			    (int)N_ELEMS(field_rows));
	tcase_add_test(tc, test_schema_field_unknown);
	tcase_add_test(tc, test_schema_table);
	tcase_add_test(tc, test_hash64);
	tcase_add_loop_test(tc, test_schema_term_short, 0,
			    (int)N_ELEMS(term_rows));
	tcase_add_test(tc, test_schema_term_limit);
	tcase_add_test(tc, test_schema_term_hash);
	suite_add_tcase(s, tc);

	tc = tcase_create("stemset");
	tcase_add_test(tc, test_stemset_basic);
	tcase_add_test(tc, test_stemset_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("snippet");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_snippet_table, 0,
			    (int)N_ELEMS(snip_rows));
	tcase_add_test(tc, test_snippet_cut_both_sides);
	tcase_add_test(tc, test_snippet_phrase_marks);
	tcase_add_loop_test(tc, test_snippet_window, 0,
			    (int)N_ELEMS(window_rows));
	tcase_add_test(tc, test_snippet_random_shape);
	tcase_add_test(tc, test_snippet_random_best);
	suite_add_tcase(s, tc);

	tc = tcase_create("tree");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, tree_index_setup,
				    tree_index_teardown);
	tcase_add_loop_test(tc, test_tree_strictness, 0,
			    (int)N_ELEMS(strict_rows));
	tcase_add_loop_test(tc, test_tree_suggestion, 0,
			    (int)N_ELEMS(suggest_rows));
	/* Last: it adds an article to the index. */
	tcase_add_test(tc, test_long_lived_reader);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(search_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
