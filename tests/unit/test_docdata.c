/*
 * test_docdata.c: unit tests of packed records (lib/docdata.c): the
 * stored record as a zstd frame, with a dictionary trained on the first
 * records of a run.
 *
 * Records are made from generated articles over a fixed vocabulary, so
 * a dictionary has something to learn, as it does from news.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "internal.h"
#include "ingest/parsers.h"
#include "store/store.h"
#include "util/util.h"

#define VOCAB 3000

static char vocab[VOCAB][16];
static unsigned long rng_state = 4242;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rng_state >> 33) % n);
}

static void make_vocab(void)
{
	static const char cons[] = "bcdfghklmnprstvz", vow[] = "aeiou";
	unsigned i, j, len;

	for (i = 0; i < VOCAB; i++) {
		len = 2 + i % 4;
		for (j = 0; j < len; j++) {
			vocab[i][2 * j] = cons[(i * 7 + j * 13 + i / 16) % 16];
			vocab[i][2 * j + 1] = vow[(i / 3 + j) % 5];
		}
		vocab[i][2 * len] = '\0';
		snprintf(vocab[i] + 2 * len, sizeof(vocab[i]) - 2 * len, "%u",
			 i % 10);
	}
}

/* A word by a rough Zipf law: low numbers are much more common. */
static const char *word(void)
{
	unsigned r = rnd(VOCAB);

	return vocab[r * (unsigned)rnd(VOCAB) / VOCAB];
}

/* The record of article number k: about 500 to 1,500 bytes. */
static void make_record(unsigned k, struct newsidx_buf *out)
{
	struct newsidx_article a;
	struct newsidx_buf body = { 0 }, title = { 0 };
	char id[32];
	unsigned i, n = 80 + rnd(160);
	int rc = 0;

	memset(&a, 0, sizeof(a));
	snprintf(id, sizeof(id), "wire-%07u", k);
	for (i = 0; i < 6; i++) {
		newsidx_buf__puts(&title, word(), &rc);
		newsidx_buf__putc(&title, ' ', &rc);
	}
	for (i = 0; i < n; i++) {
		newsidx_buf__puts(&body, word(), &rc);
		newsidx_buf__puts(&body, i % 17 == 16 ? ".\n\n" : " ", &rc);
	}
	ck_assert_int_eq(rc, 0);
	a.id = id;
	a.title = title.data;
	a.body = body.data;
	a.body_len = body.len;
	a.source = (char *)"Example Wire";
	a.place = (char *)"Lisbon";
	a.path = (char *)"/data/wire/2026.jsonl";
	a.lang = (char *)"en";
	snprintf(a.date, sizeof(a.date), "2026%02u%02u120000", 1 + k % 12,
		 1 + k % 28);
	ck_assert_int_eq(newsidx_docdata__encode(&a, out), NEWSIDX_OK);
	newsidx_buf__free(&body);
	newsidx_buf__free(&title);
}

struct dictbox {
	const void *dict;
	size_t len;
	unsigned calls;
};

static char *give_dict(void *ctx, size_t *len)
{
	struct dictbox *b = ctx;
	char *d;

	b->calls++;
	*len = 0;
	if (!b->dict)
		return NULL;
	d = malloc(b->len);
	ck_assert_ptr_nonnull(d);
	memcpy(d, b->dict, b->len);
	*len = b->len;
	return d;
}

static unsigned frame_dict(const struct newsidx_buf *v)
{
	ck_assert_uint_ge(v->len, 2);
	ck_assert_int_eq(v->data[0], 'Z');
	return ZSTD_getDictID_fromFrame(v->data + 1, v->len - 1);
}

static void assert_unpacks(struct newsidx_unpacker **u,
			   const struct newsidx_buf *packed,
			   const struct newsidx_buf *rec, struct dictbox *box)
{
	const void *out;
	size_t len;

	ck_assert_int_eq(newsidx_docdata__unpack(u, packed->data, packed->len,
						 give_dict, box, &out, &len),
			 NEWSIDX_OK);
	ck_assert_uint_eq(len, rec->len);
	ck_assert_int_eq(memcmp(out, rec->data, len), 0);
}

/* Make record k into rec and pack it into v. */
static void pack_record(struct newsidx_packer *pk, void **ctx, unsigned k,
			struct newsidx_buf *rec, struct newsidx_buf *v)
{
	make_record(k, rec);
	ck_assert_int_eq(newsidx_packer__pack(pk, ctx, rec->data, rec->len, v),
			 NEWSIDX_OK);
}

START_TEST(test_pack_without_dictionary)
{
	struct newsidx_packer *pk = newsidx_packer__new(NULL, 0, NULL, 0);
	struct newsidx_unpacker *u = NULL;
	struct newsidx_buf rec = { 0 }, v = { 0 };
	struct dictbox box = { 0 };
	void *ctx = NULL;
	size_t dlen;
	unsigned k;

	ck_assert_ptr_nonnull(pk);
	for (k = 0; k < 50; k++) {
		pack_record(pk, &ctx, k, &rec, &v);
		ck_assert_uint_eq(frame_dict(&v), 0);
		ck_assert_uint_lt(v.len, rec.len);
		assert_unpacks(&u, &v, &rec, &box);
	}
	/* Too few records to train on, even at the end of the run: no
	 * dictionary, and no stem codes however many stems were counted. */
	for (k = 0; k < 200; k++) {
		uint64_t h[50];
		unsigned i;

		for (i = 0; i < 50; i++)
			h[i] = 1 + i % 10;
		newsidx_packer__count_stems(pk, h, 50);
	}
	newsidx_packer__finish(pk);
	ck_assert_ptr_null(newsidx_packer__take_dict(pk, &dlen));
	ck_assert_ptr_null(newsidx_packer__codes(pk));
	ck_assert_ptr_null(newsidx_packer__take_codes(pk, &dlen));
	ck_assert_uint_eq(box.calls, 0);
	newsidx_packer__free_ctx(ctx);
	newsidx_packer__free(pk);
	newsidx_unpacker__free(u);
	newsidx_buf__free(&rec);
	newsidx_buf__free(&v);
}
END_TEST

/* Threads packing at once, as indexing workers do. */
struct packjob {
	struct newsidx_packer *pk;
	unsigned from, to;
	struct newsidx_buf *rec, *packed;
};

static void *pack_range(void *arg)
{
	struct packjob *j = arg;
	void *ctx = NULL;
	unsigned k;

	for (k = j->from; k < j->to; k++) {
		/* A compact index's writer counts each article's stems
		 * (here 40 of 100 made-up ones) before packing it. */
		uint64_t h[40];
		unsigned i;

		for (i = 0; i < 40; i++)
			h[i] = 1 + (k * 7 + i * i) % 100;
		newsidx_packer__count_stems(j->pk, h, 40);
		if (newsidx_packer__pack(j->pk, &ctx, j->rec[k].data,
					 j->rec[k].len, &j->packed[k]))
			abort();
	}
	newsidx_packer__free_ctx(ctx);
	return NULL;
}

START_TEST(test_pack_trains_dictionary)
{
	enum { N = 8000 };
	struct newsidx_buf *rec = calloc(N, sizeof(*rec));
	struct newsidx_buf *packed = calloc(N, sizeof(*packed));
	struct newsidx_buf plain = { 0 };
	struct newsidx_packer *pk = newsidx_packer__new(NULL, 0, NULL, 0), *again;
	struct newsidx_unpacker *u = NULL;
	struct dictbox box = { 0 };
	struct packjob jobs[2];
	pthread_t t[2];
	const void *dict;
	size_t dlen, with = 0, without = 0, raw = 0;
	unsigned k, id = 0, n_with = 0, n_without = 0, i;
	void *ctx = NULL;

	ck_assert_ptr_nonnull(rec);
	ck_assert_ptr_nonnull(packed);
	ck_assert_ptr_nonnull(pk);
	for (k = 0; k < N; k++)
		make_record(k, &rec[k]);
	for (i = 0; i < 2; i++) {
		jobs[i].pk = pk;
		jobs[i].from = i * N / 2;
		jobs[i].to = (i + 1) * N / 2;
		jobs[i].rec = rec;
		jobs[i].packed = packed;
		ck_assert_int_eq(pthread_create(&t[i], NULL, pack_range,
						&jobs[i]), 0);
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	/* 2 MB of samples were reached: the dictionary is there, once. */
	ck_assert_ptr_nonnull(newsidx_packer__codes(pk));
	dict = newsidx_packer__take_dict(pk, &dlen);
	ck_assert_ptr_nonnull(dict);
	ck_assert_uint_gt(dlen, 1000);
	/* With the stem codes counted while sampling: all 100 stems. */
	{
		size_t clen = 0;
		const void *cv = newsidx_packer__take_codes(pk, &clen);
		struct newsidx_stemcodes *sc;
		struct newsidx_packer *pc;

		ck_assert_ptr_nonnull(cv);
		ck_assert_uint_eq(clen, 4 + 8 * 100);
		sc = newsidx_stemcodes__parse(cv, clen);
		ck_assert_ptr_nonnull(sc);
		for (i = 1; i <= 100; i++)
			ck_assert_uint_gt(newsidx_stemcodes__code(sc, i), 0);
		newsidx_stemcodes__free(sc);
		/* A later run's packer codes with the stored ones, and
		 * refuses damaged ones. */
		pc = newsidx_packer__new(dict, dlen, cv, clen);
		ck_assert_ptr_nonnull(pc);
		ck_assert_ptr_nonnull(newsidx_packer__codes(pc));
		ck_assert_ptr_null(newsidx_packer__take_codes(pc, &clen));
		newsidx_packer__free(pc);
		ck_assert_ptr_null(newsidx_packer__new(dict, dlen, "NXC1junk",
						       8));
	}
	ck_assert_ptr_null(newsidx_packer__take_dict(pk, &dlen));
	box.dict = dict;
	box.len = dlen;
	for (k = 0; k < N; k++) {
		unsigned d = frame_dict(&packed[k]);

		if (d) {
			ck_assert(id == 0 || d == id);
			id = d;
			n_with++;
		} else {
			n_without++;
		}
		assert_unpacks(&u, &packed[k], &rec[k], &box);
	}
	/* The first records (the samples) went without; most with it. */
	ck_assert_uint_gt(n_without, 100);
	ck_assert_uint_gt(n_with, N / 3);
	/* The dictionary is fetched once and kept. */
	ck_assert_uint_eq(box.calls, 1);

	/* It earns its place: the last records, packed with and without
	 * it, against the records themselves. */
	for (k = N - 1000; k < N; k++) {
		ck_assert_int_eq(newsidx_packer__pack(pk, &ctx, rec[k].data,
						      rec[k].len, &plain),
				 NEWSIDX_OK);
		with += plain.len;
		raw += rec[k].len;
	}
	again = newsidx_packer__new(NULL, 0, NULL, 0);
	ck_assert_ptr_nonnull(again);
	for (k = N - 1000; k < N; k++) {
		ck_assert_int_eq(newsidx_packer__pack(again, &ctx, rec[k].data,
						      rec[k].len, &plain),
				 NEWSIDX_OK);
		without += plain.len;
	}
	ck_assert_msg(with * 10 < without * 8,
		      "with a dictionary %zu bytes, without %zu (raw %zu)",
		      with, without, raw);

	/* A packer given the stored dictionary packs with it at once. */
	newsidx_packer__free(again);
	again = newsidx_packer__new(dict, dlen, NULL, 0);
	ck_assert_ptr_nonnull(again);
	ck_assert_int_eq(newsidx_packer__pack(again, &ctx, rec[0].data,
					      rec[0].len, &plain),
			 NEWSIDX_OK);
	ck_assert_uint_eq(frame_dict(&plain), id);
	ck_assert_ptr_null(newsidx_packer__take_dict(again, &dlen));
	assert_unpacks(&u, &plain, &rec[0], &box);

	/* Without the dictionary, or with another, a record cannot be
	 * read, and says so. */
	{
		struct newsidx_unpacker *u2 = NULL;
		struct dictbox none = { 0 }, other = { 0 };
		const void *out;
		size_t len;
		char *bad = malloc(box.len);

		ck_assert_int_eq(newsidx_docdata__unpack(&u2, plain.data,
							 plain.len, give_dict,
							 &none, &out, &len),
				 NEWSIDX_CORRUPT);
		ck_assert_int_eq(newsidx_docdata__unpack(&u2, plain.data,
							 plain.len, NULL, NULL,
							 &out, &len),
				 NEWSIDX_CORRUPT);
		memcpy(bad, box.dict, box.len);
		bad[5] ^= 0x40; /* another dictionary id */
		other.dict = bad;
		other.len = box.len;
		ck_assert_int_eq(newsidx_docdata__unpack(&u2, plain.data,
							 plain.len, give_dict,
							 &other, &out, &len),
				 NEWSIDX_CORRUPT);
		/* and a good one still works after the failures */
		assert_unpacks(&u2, &plain, &rec[0], &box);
		newsidx_unpacker__free(u2);
		free(bad);
	}
	ck_assert_ptr_null(newsidx_packer__new("not a dictionary", 16, NULL, 0));

	newsidx_packer__free_ctx(ctx);
	newsidx_packer__free(again);
	newsidx_packer__free(pk);
	newsidx_unpacker__free(u);
	for (k = 0; k < N; k++) {
		newsidx_buf__free(&rec[k]);
		newsidx_buf__free(&packed[k]);
	}
	free(rec);
	free(packed);
	newsidx_buf__free(&plain);
}
END_TEST

/* A run too small to fill the samples still leaves a dictionary for
 * the next one, when it has enough records. */
START_TEST(test_pack_finish_trains)
{
	struct newsidx_packer *pk = newsidx_packer__new(NULL, 0, NULL, 0);
	struct newsidx_buf rec = { 0 }, v = { 0 };
	void *ctx = NULL;
	size_t dlen;
	unsigned k;

	ck_assert_ptr_nonnull(pk);
	for (k = 0; k < 1200; k++)
		pack_record(pk, &ctx, k, &rec, &v);
	ck_assert_ptr_null(newsidx_packer__take_dict(pk, &dlen));
	newsidx_packer__finish(pk);
	ck_assert_ptr_nonnull(newsidx_packer__take_dict(pk, &dlen));
	newsidx_packer__free_ctx(ctx);
	newsidx_packer__free(pk);
	newsidx_buf__free(&rec);
	newsidx_buf__free(&v);
}
END_TEST

/* Damaged values: every truncation and random byte changes give
 * NEWSIDX_CORRUPT or a record, never a crash or an overrun (the
 * sanitizer build checks the latter). */
START_TEST(test_unpack_damage)
{
	struct newsidx_packer *pk = newsidx_packer__new(NULL, 0, NULL, 0);
	struct newsidx_unpacker *u = NULL;
	struct newsidx_buf rec = { 0 }, v = { 0 };
	struct dictbox box = { 0 };
	void *ctx = NULL;
	const void *out;
	size_t len, cut;
	unsigned i;
	char *d;

	make_record(7, &rec);
	ck_assert_int_eq(newsidx_packer__pack(pk, &ctx, rec.data, rec.len, &v),
			 NEWSIDX_OK);
	d = malloc(v.len);
	for (cut = 0; cut < v.len; cut++) {
		memcpy(d, v.data, cut);
		ck_assert_int_eq(newsidx_docdata__unpack(&u, d, cut, give_dict,
							 &box, &out, &len),
				 NEWSIDX_CORRUPT);
	}
	for (i = 0; i < 3000; i++) {
		newsidx_status_t st;

		memcpy(d, v.data, v.len);
		d[rnd((unsigned)v.len)] ^= (char)(1 + rnd(255));
		if (i % 3 == 0)
			d[rnd((unsigned)v.len)] ^= (char)(1 + rnd(255));
		st = newsidx_docdata__unpack(&u, d, v.len, give_dict, &box,
					     &out, &len);
		ck_assert(st == NEWSIDX_OK || st == NEWSIDX_CORRUPT);
	}
	/* A frame claiming a huge record (1 TB) is refused before anything
	 * is allocated for it: "Z", the zstd magic, a header with an 8-byte
	 * content size, then one raw block of one byte. */
	{
		static const unsigned char big[] = {
			'Z', 0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1,
			0, 0, 0x09, 0, 0, 'x'
		};

		ck_assert_int_eq(newsidx_docdata__unpack(&u, big, sizeof(big),
							 NULL, NULL, &out,
							 &len),
				 NEWSIDX_CORRUPT);
	}
	ck_assert_int_eq(newsidx_docdata__unpack(&u, "Y", 1, NULL, NULL, &out,
						 &len),
			 NEWSIDX_CORRUPT);
	free(d);
	newsidx_packer__free_ctx(ctx);
	newsidx_packer__free(pk);
	newsidx_unpacker__free(u);
	newsidx_buf__free(&rec);
	newsidx_buf__free(&v);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("docdata");
	TCase *tc = tcase_create("pack");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_pack_without_dictionary);
	tcase_add_test(tc, test_pack_trains_dictionary);
	tcase_add_test(tc, test_pack_finish_trains);
	tcase_add_test(tc, test_unpack_damage);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	make_vocab();
	sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
