/*
 * test_positions.c: unit tests of the position value (lib/positions.c).
 *
 * Random articles over a small vocabulary are encoded, and every phrase
 * and NEAR check is compared with a brute-force answer computed from the
 * (position, word) pairs themselves.  Forced hash clashes, title-only
 * words, compounds (two words at one position), long gaps and damaged
 * values are covered separately.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/util.h"

#define VOCAB 12
#define MAXW 400

struct art {
	unsigned pos[MAXW];
	int word[MAXW];
	size_t n;
	unsigned title_end;
};

static char vocab[VOCAB][16];
/* The stem codes the tests encode and check with: NULL, or make_codes(). */
static struct newsidx_stemcodes *codes;

static uint64_t word_hash(int w)
{
	return newsidx_pos__hash(vocab[w], strlen(vocab[w]));
}

static unsigned long rng_state = 12345;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng_state >> 33) % n);
}

/* An article: a title of 0-6 words from position 1, then a body after a
 * gap, with compounds (an extra word at the position of another) and
 * short holes (positions without a term). */
static void random_art(struct art *a)
{
	unsigned p = 1, i, nt = rnd(7), nb = 1 + rnd(120);

	a->n = 0;
	for (i = 0; i < nt; i++) {
		a->pos[a->n] = p++;
		a->word[a->n++] = (int)rnd(VOCAB);
	}
	a->title_end = p - 1;
	p += NEWSIDX_TITLE_GAP;
	for (i = 0; i < nb && a->n < MAXW - 2; i++) {
		unsigned r = rnd(20);

		if (r == 0)
			p += 1 + rnd(3); /* a short hole */
		else if (r == 1)
			p += 10 + rnd(50); /* a long one: a new run */
		a->pos[a->n] = p;
		a->word[a->n++] = (int)rnd(VOCAB);
		if (r == 2 && i > 0) {
			/* A joined compound: recorded after its parts, at the
			 * first part's position. */
			a->pos[a->n] = p - 1;
			a->word[a->n++] = (int)rnd(VOCAB);
		}
		p++;
	}
}

static void encode(const struct art *a, struct newsidx_buf *out)
{
	struct newsidx_posrec r;
	size_t i;

	memset(&r, 0, sizeof(r));
	newsidx_pos__reset(&r);
	for (i = 0; i < a->n; i++)
		ck_assert_int_eq(
		    newsidx_pos__add(&r, a->pos[i], word_hash(a->word[i])), 0);
	ck_assert_int_eq(newsidx_pos__encode(&r, a->title_end, codes, out), 0);
	newsidx_pos__free(&r);
}

static int has(const struct art *a, unsigned pos, int w, int title)
{
	size_t i;

	if (title && pos > a->title_end)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->pos[i] == pos && a->word[i] == w)
			return 1;
	return 0;
}

static int brute_phrase(const struct art *a, const int *q,
			const unsigned char *title, size_t n)
{
	size_t i, k;

	for (i = 0; i < a->n; i++) {
		for (k = 0; k < n; k++)
			if (!has(a, a->pos[i] + (unsigned)k, q[k], title[k]))
				break;
		if (k == n)
			return 1;
	}
	return 0;
}

/* Some span [s, s + window) holds each query word at least as often as
 * the query names it, at distinct positions. */
static int brute_near(const struct art *a, const int *q,
		      const unsigned char *title, size_t n, unsigned window)
{
	size_t i, k, j;

	for (i = 0; i < a->n; i++) {
		unsigned s = a->pos[i];
		int ok = 1;

		for (k = 0; k < n && ok; k++) {
			size_t need = 0, got = 0;

			for (j = 0; j < n; j++)
				need += q[j] == q[k];
			for (j = 0; j < a->n; j++)
				if (a->word[j] == q[k] && a->pos[j] >= s &&
				    a->pos[j] - s < window &&
				    (!title[k] || a->pos[j] <= a->title_end))
					got++;
			ok = got >= need;
		}
		if (ok)
			return 1;
	}
	return 0;
}

static int check(const struct newsidx_buf *v, const int *q,
		 const unsigned char *title, size_t n, unsigned window,
		 int ordered)
{
	uint64_t h[8];
	struct newsidx_poscheck *c;
	size_t i;
	int r;

	for (i = 0; i < n; i++)
		h[i] = word_hash(q[i]);
	c = newsidx_pos__check_new(h, title, n, window, ordered, codes);
	ck_assert_ptr_nonnull(c);
	r = newsidx_pos__match(c, v->data, v->len);
	free(c);
	return r;
}

static void put_hash_le(struct newsidx_buf *b, uint64_t h)
{
	unsigned char x[8];
	int i, rc = 0;

	for (i = 0; i < 8; i++)
		x[i] = (unsigned char)(h >> (8 * i));
	newsidx_buf__append(b, x, 8, &rc);
	ck_assert_int_eq(rc, 0);
}

/* A table in which words 3-5 take one byte (codes 1-3), 200 fillers
 * the next codes, words 0-2 two bytes (codes 204-206), and words 6-11
 * have no code. */
static struct newsidx_stemcodes *make_codes(void)
{
	struct newsidx_buf b = {0};
	struct newsidx_stemcodes *t;
	int i, rc = 0;

	newsidx_buf__append(&b, "NXC1", 4, &rc);
	for (i = 3; i < 6; i++)
		put_hash_le(&b, word_hash(i));
	for (i = 0; i < 200; i++) {
		char f[24];

		snprintf(f, sizeof(f), "filler%d", i);
		put_hash_le(&b, newsidx_pos__hash(f, strlen(f)));
	}
	for (i = 0; i < 3; i++)
		put_hash_le(&b, word_hash(i));
	t = newsidx_stemcodes__parse(b.data, b.len);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(newsidx_stemcodes__code(t, word_hash(3)), 1);
	ck_assert_uint_eq(newsidx_stemcodes__code(t, word_hash(2)), 206);
	ck_assert_uint_eq(newsidx_stemcodes__code(t, word_hash(6)), 0);
	newsidx_buf__free(&b);
	return t;
}

/* The tests that follow run twice: uncoded, then coded (_i 1). */
static void use_codes(int i)
{
	newsidx_stemcodes__free(codes);
	codes = i ? make_codes() : NULL;
}

START_TEST(test_random_against_brute_force)
{
	struct art a;
	struct newsidx_buf v = {0};
	unsigned trial, hits[2] = {0, 0}, misses[2] = {0, 0};

	use_codes(_i);
	for (trial = 0; trial < 3000; trial++) {
		int q[8];
		unsigned char title[8];
		size_t n = 2 + rnd(3), i;
		int ordered = (int)rnd(2), want, got;
		unsigned window = ordered ? (unsigned)n : (unsigned)n + rnd(6);
		int title_only = rnd(4) == 0;

		random_art(&a);
		encode(&a, &v);
		ck_assert_int_eq((unsigned char)v.data[0] & 0xf0,
				 codes ? 0x20 : 0x10);
		for (i = 0; i < n; i++) {
			/* Query words present in the article (the AND of
			 * the terms guarantees that in a search). */
			q[i] = a.word[rnd((unsigned)a.n)];
			title[i] = (unsigned char)title_only;
		}
		want = ordered ? brute_phrase(&a, q, title, n)
			       : brute_near(&a, q, title, n, window);
		got = check(&v, q, title, n, window, ordered);
		ck_assert_msg(got == want,
			      "trial %u: %s of %zu words: got %d, want %d",
			      trial, ordered ? "phrase" : "near", n, got, want);
		if (want)
			hits[ordered]++;
		else
			misses[ordered]++;
	}
	/* Both outcomes occurred for both kinds, so the test compared
	 * something. */
	ck_assert_uint_gt(hits[0], 50);
	ck_assert_uint_gt(hits[1], 50);
	ck_assert_uint_gt(misses[0], 50);
	ck_assert_uint_gt(misses[1], 50);
	newsidx_buf__free(&v);
	use_codes(0);
}
END_TEST

/* An index that gets stem codes keeps its older, uncoded values: a
 * check made with the codes reads both kinds alike, and a check made
 * without them never matches a coded value. */
START_TEST(test_coded_and_uncoded)
{
	struct art a;
	struct newsidx_buf plain = {0}, coded = {0};
	struct newsidx_stemcodes *t = make_codes();
	unsigned trial, agree = 0;

	for (trial = 0; trial < 1000; trial++) {
		int q[3];
		unsigned char title[3] = {0, 0, 0};
		uint64_t h[3];
		struct newsidx_poscheck *with, *without;
		size_t i;

		random_art(&a);
		codes = NULL;
		encode(&a, &plain);
		codes = t;
		encode(&a, &coded);
		codes = NULL;
		for (i = 0; i < 3; i++) {
			q[i] = a.word[rnd((unsigned)a.n)];
			h[i] = word_hash(q[i]);
		}
		with = newsidx_pos__check_new(h, title, 3, 3, 1, t);
		without = newsidx_pos__check_new(h, title, 3, 3, 1, NULL);
		ck_assert_int_eq(newsidx_pos__match(with, plain.data,
						    plain.len),
				 brute_phrase(&a, q, title, 3));
		ck_assert_int_eq(newsidx_pos__match(with, coded.data,
						    coded.len),
				 brute_phrase(&a, q, title, 3));
		ck_assert_int_eq(newsidx_pos__match(without, coded.data,
						    coded.len),
				 0);
		agree += brute_phrase(&a, q, title, 3);
		free(with);
		free(without);
	}
	ck_assert_uint_gt(agree, 20);
	newsidx_stemcodes__free(t);
	newsidx_buf__free(&plain);
	newsidx_buf__free(&coded);
}
END_TEST

/* The coded value's bytes are part of the index format (schema 6). */
START_TEST(test_coded_bytes)
{
	static const unsigned char want[] = {
		0x21,             /* coded, 2-byte hashes */
		0x01,             /* title ends at position 1 */
		0x01, 0x01, 0x04, /* one run: from 1, four positions */
		0x01,             /* word3: code 1 */
		0xc0,             /* word0: code 204 = 192 + 0x0c, */
		0x00,             /* an empty position */
		0xff,             /* word7: no code, */
		0x0c,             /* (word0's second byte) */
				  /* (word7's hash) */
	};
	struct newsidx_posrec r;
	struct newsidx_buf v = {0};
	uint64_t h7 = word_hash(7);

	codes = make_codes();
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(newsidx_pos__add(&r, 1, word_hash(3)), 0);
	ck_assert_int_eq(newsidx_pos__add(&r, 2, word_hash(0)), 0);
	ck_assert_int_eq(newsidx_pos__add(&r, 4, h7), 0);
	ck_assert_int_eq(newsidx_pos__encode(&r, 1, codes, &v), 0);
	ck_assert_uint_eq(v.len, sizeof(want) + 2 + 1);
	ck_assert_mem_eq(v.data, want, sizeof(want));
	ck_assert_uint_eq((unsigned char)v.data[sizeof(want)], h7 & 0xff);
	ck_assert_uint_eq((unsigned char)v.data[sizeof(want) + 1],
			  (h7 >> 8) & 0xff);
	ck_assert_uint_eq((unsigned char)v.data[sizeof(want) + 2], 0);
	newsidx_pos__free(&r);
	newsidx_buf__free(&v);
	use_codes(0);
}
END_TEST

/* Counting stems makes the table: the commonest first, stems seen once
 * left out, nothing from too few positions; malformed tables are
 * refused. */
START_TEST(test_stem_counts)
{
	struct newsidx_stemcount *c = newsidx_stemcount__new();
	struct newsidx_stemcodes *t;
	uint64_t h[10];
	unsigned char *blob;
	size_t len, i;

	ck_assert_ptr_nonnull(c);
	for (i = 0; i < 10; i++)
		h[i] = word_hash((int)i);
	/* word i is counted 10 - i times per round; word 9 once overall. */
	for (i = 0; i < 9; i++)
		ck_assert_int_eq(newsidx_stemcount__add(c, h, 9 - i), 0);
	ck_assert_int_eq(newsidx_stemcount__add(c, h + 9, 1), 0);
	ck_assert_ptr_null(newsidx_stemcount__table(c, &len));
	ck_assert_uint_eq(len, 0);
	for (i = 0; i < 600; i++)
		ck_assert_int_eq(newsidx_stemcount__add(c, h, 9), 0);
	blob = newsidx_stemcount__table(c, &len);
	ck_assert_ptr_nonnull(blob);
	ck_assert_uint_eq(len, 4 + 8 * 9);
	t = newsidx_stemcodes__parse(blob, len);
	ck_assert_ptr_nonnull(t);
	for (i = 0; i < 9; i++)
		ck_assert_uint_eq(newsidx_stemcodes__code(t, h[i]), i + 1);
	ck_assert_uint_eq(newsidx_stemcodes__code(t, h[9]), 0);
	newsidx_stemcodes__free(t);
	/* Malformed: short, bad magic, ragged, a stem twice. */
	ck_assert_ptr_null(newsidx_stemcodes__parse(blob, 4));
	ck_assert_ptr_null(newsidx_stemcodes__parse(blob, len - 1));
	blob[0] = 'X';
	ck_assert_ptr_null(newsidx_stemcodes__parse(blob, len));
	blob[0] = 'N';
	memcpy(blob + 12, blob + 4, 8);
	ck_assert_ptr_null(newsidx_stemcodes__parse(blob, len));
	free(blob);
	newsidx_stemcount__free(c);
}
END_TEST

/* Two words whose hashes agree in their low 16 bits force 4-byte hashes,
 * and the check still tells them apart. */
START_TEST(test_clash_widens)
{
	static char w[2][16];
	struct newsidx_posrec r;
	struct newsidx_buf v = {0};
	uint64_t h0 = 0, h1 = 0;
	struct newsidx_poscheck *c;
	unsigned i, j, found = 0;
	unsigned char no[2] = {0, 0};
	uint64_t q[2];

	/* A clash among 2,000 words is almost certain (birthday bound). */
	for (i = 0; i < 2000 && !found; i++) {
		char a[16];

		snprintf(a, sizeof(a), "w%u", i);
		h0 = newsidx_pos__hash(a, strlen(a));
		for (j = 0; j < i; j++) {
			char b[16];

			snprintf(b, sizeof(b), "w%u", j);
			h1 = newsidx_pos__hash(b, strlen(b));
			if ((h0 & 0xffff) == (h1 & 0xffff) && h0 != h1 &&
			    (h0 & 0xffff) != 0) {
				snprintf(w[0], sizeof(w[0]), "%s", a);
				snprintf(w[1], sizeof(w[1]), "%s", b);
				found = 1;
				break;
			}
		}
	}
	ck_assert(found);
	use_codes(_i); /* the clashing words have no code */
	memset(&r, 0, sizeof(r));
	/* "w0 x w1": w0 is never followed by w1. */
	ck_assert_int_eq(newsidx_pos__add(&r, 1, h0), 0);
	ck_assert_int_eq(newsidx_pos__add(&r, 2, newsidx_pos__hash("x", 1)), 0);
	ck_assert_int_eq(newsidx_pos__add(&r, 3, h1), 0);
	ck_assert_int_eq(newsidx_pos__encode(&r, 0, codes, &v), 0);
	ck_assert_int_eq((unsigned char)v.data[0], codes ? 0x22 : 0x12);
	q[0] = h0;
	q[1] = newsidx_pos__hash("x", 1);
	c = newsidx_pos__check_new(q, no, 2, 2, 1, codes);
	ck_assert_int_eq(newsidx_pos__match(c, v.data, v.len), 1);
	free(c);
	q[1] = h0; /* "w1 w0" would match if the two were confused */
	q[0] = h1;
	c = newsidx_pos__check_new(q, no, 2, 2, 1, codes);
	ck_assert_int_eq(newsidx_pos__match(c, v.data, v.len), 0);
	free(c);
	q[0] = newsidx_pos__hash("x", 1); /* "x w1" matches, "x w0" not */
	q[1] = h1;
	c = newsidx_pos__check_new(q, no, 2, 2, 1, codes);
	ck_assert_int_eq(newsidx_pos__match(c, v.data, v.len), 1);
	free(c);
	q[1] = h0;
	c = newsidx_pos__check_new(q, no, 2, 2, 1, codes);
	ck_assert_int_eq(newsidx_pos__match(c, v.data, v.len), 0);
	free(c);
	newsidx_pos__free(&r);
	newsidx_buf__free(&v);
	use_codes(0);
}
END_TEST

/* Without clashes the hashes take two bytes each: the value is about two
 * bytes per word. */
START_TEST(test_size)
{
	struct newsidx_posrec r;
	struct newsidx_buf v = {0};
	unsigned i;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < 100; i++) {
		char word[8];

		snprintf(word, sizeof(word), "%c%c", 'a' + i % 10,
			 'a' + i / 10);
		ck_assert_int_eq(newsidx_pos__add(&r, i < 5 ? i + 1 : i + 100,
						  newsidx_pos__hash(word, 2)),
				 0);
	}
	ck_assert_int_eq(newsidx_pos__encode(&r, 5, NULL, &v), 0);
	if ((unsigned char)v.data[0] == 0x11)
		ck_assert_uint_le(v.len, 2 * 100 + 12);
	else /* a clash among the 100 words: 4 bytes */
		ck_assert_uint_le(v.len, 4 * 100 + 12);
	newsidx_pos__free(&r);
	newsidx_buf__free(&v);
}
END_TEST

/* Every truncation and many single-byte changes of a value are read
 * without going past its end (run under ASan by the sanitizer build). */
START_TEST(test_damaged_values)
{
	struct art a;
	struct newsidx_buf v = {0};
	int q[3];
	unsigned char title[3] = {0, 0, 0};
	unsigned trial;
	size_t len, i;

	use_codes(_i);
	for (trial = 0; trial < 200; trial++) {
		char *copy;

		random_art(&a);
		encode(&a, &v);
		q[0] = a.word[0];
		q[1] = a.word[a.n - 1];
		q[2] = a.word[a.n / 2];
		for (len = 0; len < v.len; len++) {
			copy = malloc(len ? len : 1);
			ck_assert_ptr_nonnull(copy);
			memcpy(copy, v.data, len);
			(void)check(&(struct newsidx_buf){copy, len, len}, q,
				    title, 3, 8, (int)(len & 1));
			free(copy);
		}
		for (i = 0; i < 20; i++) {
			copy = malloc(v.len);
			ck_assert_ptr_nonnull(copy);
			memcpy(copy, v.data, v.len);
			copy[rnd((unsigned)v.len)] = (char)rnd(256);
			(void)check(&(struct newsidx_buf){copy, v.len, v.len},
				    q, title, 3, 8, (int)(i & 1));
			free(copy);
		}
	}
	/* Not a position value at all. */
	ck_assert_int_eq(
	    check(&(struct newsidx_buf){"", 0, 0}, q, title, 2, 2, 1), 0);
	ck_assert_int_eq(
	    check(&(struct newsidx_buf){"\x30\x01", 2, 2}, q, title, 2, 2, 1),
	    0);
	newsidx_buf__free(&v);
	use_codes(0);
}
END_TEST

/* The stored hashes are part of the index format: a compact index
 * written by one build must be read by the next.  Any change here
 * needs a new schema. */
START_TEST(test_hash_is_stable)
{
	static const struct {
		const char *stem;
		uint64_t hash;
	} golden[] = {
		{ "net", 0x5a6a46f9a21a1e32ULL },
		{ "profit", 0x170acf1ad3a0a218ULL },
		{ "railway", 0xa0f738b778be0b81ULL },
	};
	size_t i;

	for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++)
		ck_assert_msg(newsidx_pos__hash(golden[i].stem,
						strlen(golden[i].stem)) ==
				      golden[i].hash,
			      "%s: 0x%016llx", golden[i].stem,
			      (unsigned long long)newsidx_pos__hash(
				      golden[i].stem, strlen(golden[i].stem)));
}
END_TEST

START_TEST(test_arguments)
{
	uint64_t h[2] = {1, 2};

	ck_assert_ptr_null(newsidx_pos__check_new(h, NULL, 0, 2, 1, NULL));
	ck_assert_int_eq(newsidx_pos__match(NULL, "\x11", 1), 0);
}
END_TEST

static Suite *positions_suite(void)
{
	Suite *s = suite_create("positions");
	TCase *tc = tcase_create("core");
	int i;

	for (i = 0; i < VOCAB; i++)
		snprintf(vocab[i], sizeof(vocab[i]), "word%d", i);
	tcase_add_loop_test(tc, test_random_against_brute_force, 0, 2);
	tcase_add_loop_test(tc, test_clash_widens, 0, 2);
	tcase_add_test(tc, test_size);
	tcase_add_loop_test(tc, test_damaged_values, 0, 2);
	tcase_add_test(tc, test_coded_and_uncoded);
	tcase_add_test(tc, test_coded_bytes);
	tcase_add_test(tc, test_stem_counts);
	tcase_add_test(tc, test_arguments);
	tcase_add_test(tc, test_hash_is_stable);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(positions_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
