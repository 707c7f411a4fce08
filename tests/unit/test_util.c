/*
 * test_util.c: unit tests of the util layer (src/lib/util/), on its own.
 *
 * Covered: growable buffers and their sticky error (once an append
 * fails, later ones do nothing and the content stays as it was); the
 * growable-array helper newsidx_array__reserve() and NEWSIDX_ARRAY_GROW
 * (doubling from the minimum capacity, and sizes that would overflow
 * refused with the array left intact); and the byte stream of
 * util/stream.c over memory and files, plain and gzip, including
 * multi-member, truncated and corrupt gzip: the bytes before a fault are
 * delivered, the offsets count uncompressed bytes, and the error text is
 * exact.  gzip data is made here with zlib, and the bytes a truncated
 * member can still yield are worked out with zlib too.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, for the file tests */

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util/util.h"

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

/* n bytes of varied, compressible text (malloc'd), the same every run. */
static char *sample(size_t n)
{
	static const char words[] = "railway minister harbour council "
				    "election trade deficit summit ";
	char *p = malloc(n + 1);
	unsigned long state = 7;
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < n; i++) {
		state = (state * 1103515245UL + 12345UL) & 0x7fffffffUL;
		/* Mostly words, with a digit now and then so that the data
		 * does not compress to nothing. */
		p[i] = (state >> 16) % 7 == 0 ? (char)('0' + (state >> 8) % 10)
					      : words[i % (sizeof(words) - 1)];
	}
	p[n] = '\0';
	return p;
}

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

/* How many bytes a gzip member cut to len bytes still decompresses to. */
static size_t recoverable(const unsigned char *data, size_t len,
			  size_t full)
{
	z_stream z;
	unsigned char *out = malloc(full + 1);
	int ret;

	ck_assert_ptr_nonnull(out);
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)(full + 1);
	do
		ret = inflate(&z, Z_NO_FLUSH);
	while (ret == Z_OK && z.avail_in > 0);
	ck_assert_int_ne(ret, Z_STREAM_END); /* it must really be cut */
	len = (size_t)z.total_out;
	inflateEnd(&z);
	free(out);
	return len;
}

/* Write len bytes to a new temporary file; its name goes into path. */
static void write_temp(char *path, const void *data, size_t len)
{
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

static struct newsidx_stream *open_mem(const void *data, size_t len)
{
	struct newsidx_stream *s = NULL;
	char why[256] = "";

	ck_assert_msg(newsidx_stream__open(&s, NULL, data, len, why,
					   sizeof(why)) == 0,
		      "open: %s", why);
	ck_assert_ptr_nonnull(s);
	return s;
}

static struct newsidx_stream *open_file(const char *path)
{
	struct newsidx_stream *s = NULL;
	char why[256] = "";

	ck_assert_msg(newsidx_stream__open(&s, path, NULL, 0, why,
					   sizeof(why)) == 0,
		      "open %s: %s", path, why);
	ck_assert_ptr_nonnull(s);
	return s;
}

/*
 * Read the whole stream in steps of step bytes through peek and consume,
 * checking that it yields exactly want (wantlen bytes) and that the
 * offset follows; the stream must end cleanly.
 */
static void read_through(struct newsidx_stream *s, const char *want,
			 size_t wantlen, size_t step)
{
	size_t at = 0;

	for (;;) {
		const char *p;
		long n = newsidx_stream__peek(s, step, &p);

		ck_assert_int_ge(n, 0);
		ck_assert_uint_le((size_t)n, step);
		if (n == 0)
			break;
		ck_assert_uint_le(at + (size_t)n, wantlen);
		ck_assert_msg(memcmp(p, want + at, (size_t)n) == 0,
			      "bytes differ after offset %zu", at);
		newsidx_stream__consume(s, (size_t)n);
		at += (size_t)n;
		ck_assert_uint_eq(newsidx_stream__offset(s), at);
	}
	ck_assert_uint_eq(at, wantlen);
	ck_assert_int_eq(newsidx_stream__eof(s), 1);
	ck_assert_ptr_null(newsidx_stream__error(s));
	ck_assert_int_eq(newsidx_stream__fill(s, 1), 0);
}

/*
 * Fill a broken stream to its fault: returns what was delivered before
 * it, which stays buffered, and checks that the fault stays visible.
 */
static size_t read_to_fault(struct newsidx_stream *s)
{
	const char *p;
	size_t got;

	ck_assert_int_eq(newsidx_stream__fill(s, (size_t)1 << 30), -1);
	ck_assert_int_eq(newsidx_stream__eof(s), 1);
	ck_assert_ptr_nonnull(newsidx_stream__error(s));
	got = newsidx_stream__buffered(s, &p);
	/* Asked again, the stream still says it broke. */
	ck_assert_int_eq(newsidx_stream__fill(s, 1), -1);
	ck_assert_uint_eq(newsidx_stream__buffered(s, &p), got);
	return newsidx_stream__offset(s) + got;
}

/* ------------------------------------------------------------------ */
/* buffers                                                             */
/* ------------------------------------------------------------------ */

START_TEST(test_buf_appends)
{
	struct newsidx_buf b = { 0 };
	char *room;
	int rc = 0;

	newsidx_buf__puts(&b, "Tokyo", &rc);
	newsidx_buf__putc(&b, ',', &rc);
	newsidx_buf__append(&b, " March 7 (Reuters)", 8, &rc);
	newsidx_buf__printf(&b, &rc, " %d-%s", 2024, "03");
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(b.data, "Tokyo, March 7 2024-03");
	ck_assert_uint_eq(b.len, strlen(b.data));

	/* room is writable space after the content, not counted in len. */
	room = newsidx_buf__room(&b, 3, &rc);
	ck_assert_ptr_nonnull(room);
	ck_assert_ptr_eq(room, b.data + b.len);
	memcpy(room, "!!", 3);
	ck_assert_uint_eq(b.len, strlen("Tokyo, March 7 2024-03"));

	newsidx_buf__reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	ck_assert_uint_ge(b.cap, 64);
	newsidx_buf__free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
	newsidx_buf__free(&b); /* twice is harmless */
}
END_TEST

/* The capacity starts at 64 and doubles; the content survives growth. */
START_TEST(test_buf_growth)
{
	struct newsidx_buf b = { 0 };
	char *want = sample(100000);
	size_t i;
	int rc = 0;

	newsidx_buf__putc(&b, want[0], &rc);
	ck_assert_uint_eq(b.cap, 64);
	for (i = 1; i < 100000; i += 1000)
		newsidx_buf__append(&b, want + i,
				    i + 1000 <= 100000 ? 1000 : 100000 - i,
				    &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(b.len, 100000);
	ck_assert_uint_eq(b.cap, 131072);
	ck_assert(memcmp(b.data, want, 100000) == 0);
	ck_assert_int_eq(b.data[b.len], '\0');
	newsidx_buf__free(&b);
	free(want);
}
END_TEST

/* Once an append fails, every later one does nothing and the content
 * is what it was before the failure. */
START_TEST(test_buf_sticky_error)
{
	struct newsidx_buf b = { 0 };
	int rc = 0;

	newsidx_buf__puts(&b, "kept", &rc);
	ck_assert_int_eq(rc, 0);
	/* More than any allocator can give: refused before allocating. */
	ck_assert_ptr_null(newsidx_buf__room(&b, SIZE_MAX / 2 + 1, &rc));
	ck_assert_int_eq(rc, NEWSIDX_NOMEM);
	ck_assert_str_eq(b.data, "kept");

	newsidx_buf__puts(&b, " lost", &rc);
	newsidx_buf__putc(&b, '!', &rc);
	newsidx_buf__append(&b, "xyz", 3, &rc);
	newsidx_buf__printf(&b, &rc, "%d", 42);
	ck_assert_ptr_null(newsidx_buf__room(&b, 1, &rc));
	ck_assert_int_eq(rc, NEWSIDX_NOMEM);
	ck_assert_str_eq(b.data, "kept");
	ck_assert_uint_eq(b.len, 4);
	newsidx_buf__free(&b);

	/* A buffer that never grew stays empty. */
	rc = NEWSIDX_ERROR;
	newsidx_buf__puts(&b, "nothing", &rc);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_int_eq(rc, NEWSIDX_ERROR);
}
END_TEST

/* ------------------------------------------------------------------ */
/* growable arrays                                                     */
/* ------------------------------------------------------------------ */

/* NEWSIDX_ARRAY_GROW starts at the minimum, doubles only when full,
 * and keeps the elements. */
START_TEST(test_array_grow)
{
	unsigned *a = NULL;
	size_t n = 0, cap = 0, i;
	unsigned *before;

	ck_assert_int_eq(NEWSIDX_ARRAY_GROW(a, n, cap, 16), 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(cap, 16);
	for (i = 0; i < 1000; i++) {
		size_t was = cap;

		before = a;
		ck_assert_int_eq(NEWSIDX_ARRAY_GROW(a, n, cap, 16), 0);
		if (n < was) {
			/* Room was there: nothing moved. */
			ck_assert_ptr_eq(a, before);
			ck_assert_uint_eq(cap, was);
		} else {
			ck_assert_uint_eq(cap, 2 * was);
		}
		a[n++] = (unsigned)i * 7;
	}
	ck_assert_uint_eq(cap, 1024);
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(a[i], i * 7);
	free(a);
}
END_TEST

START_TEST(test_array_reserve)
{
	double *a = NULL;
	char *c = NULL;
	size_t cap = 0, ccap = 0, cn = 0;

	/* Doubling from min until need fits. */
	ck_assert_int_eq(newsidx_array__reserve(&a, &cap, 100, sizeof(*a), 16),
			 0);
	ck_assert_uint_eq(cap, 128);
	a[127] = 1.5;
	/* Enough room already: no change. */
	ck_assert_int_eq(newsidx_array__reserve(&a, &cap, 128, sizeof(*a), 16),
			 0);
	ck_assert_uint_eq(cap, 128);
	ck_assert_int_eq(newsidx_array__reserve(&a, &cap, 0, sizeof(*a), 16),
			 0);
	ck_assert_uint_eq(cap, 128);
	/* From a capacity the array already has, not from min. */
	ck_assert_int_eq(newsidx_array__reserve(&a, &cap, 129, sizeof(*a), 16),
			 0);
	ck_assert_uint_eq(cap, 256);
	ck_assert(a[127] == 1.5);
	free(a);

	/* A minimum of 0 means 1. */
	ck_assert_int_eq(newsidx_array__reserve(&c, &ccap, 1, 1, 0), 0);
	ck_assert_uint_eq(ccap, 1);
	c[cn++] = 'x';
	ck_assert_int_eq(NEWSIDX_ARRAY_GROW(c, cn, ccap, 0), 0);
	ck_assert_uint_eq(ccap, 2);
	ck_assert_int_eq(c[0], 'x');
	free(c);
}
END_TEST

/* Sizes that would overflow are refused before allocating anything, and
 * the array, its contents and its capacity are left as they were. */
START_TEST(test_array_overflow)
{
	uint64_t *a = NULL, *before;
	size_t cap = 0, n, big;

	ck_assert_int_eq(NEWSIDX_ARRAY_GROW(a, 0, cap, 8), 0);
	a[0] = 0x1122334455667788ULL;
	before = a;

	/* Element count that cannot double any further. */
	ck_assert_int_eq(newsidx_array__reserve(&a, &cap, SIZE_MAX / 2 + 2,
						sizeof(*a), 8),
			 -1);
	ck_assert_ptr_eq(a, before);
	ck_assert_uint_eq(cap, 8);
	ck_assert(a[0] == 0x1122334455667788ULL);

	/* Element count that fits, but not once multiplied by the size. */
	ck_assert_int_eq(newsidx_array__reserve(&a, &cap,
						SIZE_MAX / sizeof(*a) + 1,
						sizeof(*a), 8),
			 -1);
	ck_assert_ptr_eq(a, before);
	ck_assert_uint_eq(cap, 8);

	/* Through the macro: a full array whose capacity cannot double
	 * (as claimed here; the refusal comes before any allocation). */
	n = big = SIZE_MAX / 2 + 1;
	ck_assert_int_eq(NEWSIDX_ARRAY_GROW(a, n, big, 8), -1);
	ck_assert_uint_eq(big, SIZE_MAX / 2 + 1);
	ck_assert_ptr_eq(a, before);
	ck_assert(a[0] == 0x1122334455667788ULL);
	free(a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the stream: memory                                                  */
/* ------------------------------------------------------------------ */

START_TEST(test_stream_memory_small)
{
	static const char text[] = "Japan and India agreed on new steps.";
	struct newsidx_stream *s = open_mem(text, sizeof(text) - 1);
	const char *p;

	ck_assert_int_eq(newsidx_stream__compressed(s), 0);
	ck_assert_int_eq(newsidx_stream__eof(s), 0);
	/* fill gives all it read, which may be more than asked. */
	ck_assert_int_eq(newsidx_stream__fill(s, 5), (long)sizeof(text) - 1);
	ck_assert_int_eq(newsidx_stream__peek(s, 5, &p), 5);
	ck_assert(memcmp(p, "Japan", 5) == 0);
	newsidx_stream__consume(s, 6);
	ck_assert_uint_eq(newsidx_stream__offset(s), 6);
	ck_assert_uint_eq(newsidx_stream__buffered(s, &p),
			  sizeof(text) - 1 - 6);
	ck_assert(memcmp(p, "and India", 9) == 0);
	/* Consuming more than is buffered stops at the end. */
	newsidx_stream__consume(s, 1000);
	ck_assert_uint_eq(newsidx_stream__offset(s), sizeof(text) - 1);
	ck_assert_int_eq(newsidx_stream__peek(s, 10, &p), 0);
	ck_assert_int_eq(newsidx_stream__eof(s), 1);
	ck_assert_ptr_null(newsidx_stream__error(s));
	newsidx_stream__free(s);

	/* Empty input: ends at once, without an error. */
	s = open_mem("", 0);
	ck_assert_int_eq(newsidx_stream__fill(s, 10), 0);
	ck_assert_int_eq(newsidx_stream__eof(s), 1);
	ck_assert_ptr_null(newsidx_stream__error(s));
	newsidx_stream__free(s);
	newsidx_stream__free(NULL);
}
END_TEST

/* Inputs many chunks long, read in steps that straddle the chunks: the
 * buffer slides and grows, and the offsets keep counting. */
START_TEST(test_stream_memory_large)
{
	static const size_t steps[] = { 1, 4093, 65536, 200000 };
	size_t len = 5 * NEWSIDX_STREAM_CHUNK + 123;
	char *text = sample(len);
	struct newsidx_stream *s = open_mem(text, len);

	read_through(s, text, len, steps[_i]);
	newsidx_stream__free(s);
	free(text);
}
END_TEST

/* A reader that looks far ahead (a whole file) gets it all at once. */
START_TEST(test_stream_fill_whole)
{
	size_t len = 3 * NEWSIDX_STREAM_CHUNK + 5;
	char *text = sample(len);
	struct newsidx_stream *s = open_mem(text, len);
	const char *p;

	ck_assert_int_eq(newsidx_stream__fill(s, len + 1), (long)len);
	ck_assert_uint_eq(newsidx_stream__buffered(s, &p), len);
	ck_assert(memcmp(p, text, len) == 0);
	ck_assert_int_eq(newsidx_stream__eof(s), 1);
	newsidx_stream__free(s);
	free(text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the stream: gzip in memory                                          */
/* ------------------------------------------------------------------ */

START_TEST(test_stream_gzip)
{
	static const size_t steps[] = { 7, 65536, 1000000 };
	size_t len = 4 * NEWSIDX_STREAM_CHUNK + 77, zlen;
	char *text = sample(len);
	unsigned char *z = gz(text, len, &zlen);
	struct newsidx_stream *s = open_mem(z, zlen);

	ck_assert_uint_lt(zlen, len);
	ck_assert_int_eq(newsidx_stream__compressed(s), 1);
	read_through(s, text, len, steps[_i]);
	newsidx_stream__free(s);
	free(z);
	free(text);
}
END_TEST

/* Members one after another, as in .warc.gz, read as one stream; what
 * follows the last member is ignored. */
START_TEST(test_stream_gzip_members)
{
	size_t len = 2 * NEWSIDX_STREAM_CHUNK + 9, half = len / 2, z1, z2;
	char *text = sample(len);
	unsigned char *a = gz(text, half, &z1);
	unsigned char *b = gz(text + half, len - half, &z2);
	unsigned char *both = malloc(z1 + z2 + 8);
	struct newsidx_stream *s;

	ck_assert_ptr_nonnull(both);
	memcpy(both, a, z1);
	memcpy(both + z1, b, z2);
	memcpy(both + z1 + z2, "trailer", 8);
	s = open_mem(both, z1 + z2 + 8);
	read_through(s, text, len, 1000);
	newsidx_stream__free(s);
	free(both);
	free(b);
	free(a);
	free(text);
}
END_TEST

/* Cut gzip: every byte before the cut that zlib can recover is
 * delivered, then the stream ends with the fault at that offset. */
START_TEST(test_stream_gzip_truncated)
{
	size_t len = 3 * NEWSIDX_STREAM_CHUNK, zlen, cut, want;
	char *text = sample(len);
	unsigned char *z = gz(text, len, &zlen);
	struct newsidx_stream *s;
	const char *p;
	long n;

	cut = zlen * (size_t)(_i + 1) / 4; /* a quarter, a half, ... */
	want = recoverable(z, cut, len);
	s = open_mem(z, cut);

	/* Read in steps as a line reader does, then meet the fault. */
	while ((n = newsidx_stream__peek(s, 1000, &p)) > 0) {
		ck_assert(memcmp(p, text + newsidx_stream__offset(s),
				 (size_t)n) == 0);
		newsidx_stream__consume(s, (size_t)n);
	}
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(read_to_fault(s), want);
	ck_assert_str_eq(newsidx_stream__error(s),
			 "truncated gzip data: unexpected end of input");
	newsidx_stream__free(s);

	/* Asked for everything at once, it is the same. */
	s = open_mem(z, cut);
	ck_assert_uint_eq(read_to_fault(s), want);
	ck_assert_uint_eq(newsidx_stream__buffered(s, &p), want);
	ck_assert(memcmp(p, text, want) == 0);
	newsidx_stream__free(s);
	free(z);
	free(text);
}
END_TEST

START_TEST(test_stream_gzip_corrupt)
{
	size_t len = 2 * NEWSIDX_STREAM_CHUNK + 1, zlen;
	char *text = sample(len);
	unsigned char *z = gz(text, len, &zlen);
	struct newsidx_stream *s;
	const char *p;

	/* The magic bytes, then an unknown compression method. */
	z[2] = 9;
	s = open_mem(z, zlen);
	ck_assert_int_eq(newsidx_stream__compressed(s), 1);
	ck_assert_uint_eq(read_to_fault(s), 0);
	ck_assert_str_eq(newsidx_stream__error(s),
			 "corrupt gzip data: unknown compression method");
	newsidx_stream__free(s);
	z[2] = 8;

	/* A wrong checksum at the end: all the data comes first. */
	z[zlen - 8] ^= 0xff;
	s = open_mem(z, zlen);
	ck_assert_uint_eq(read_to_fault(s), len);
	ck_assert_uint_eq(newsidx_stream__buffered(s, &p), len);
	ck_assert(memcmp(p, text, len) == 0);
	ck_assert_str_eq(newsidx_stream__error(s),
			 "corrupt gzip data: incorrect data check");
	newsidx_stream__free(s);
	free(z);
	free(text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the stream: files                                                   */
/* ------------------------------------------------------------------ */

START_TEST(test_stream_file)
{
	size_t len = 3 * NEWSIDX_STREAM_CHUNK + 11, zlen;
	char *text = sample(len);
	unsigned char *z = gz(text, len, &zlen);
	char plain[] = "/tmp/test_util.XXXXXX";
	char packed[] = "/tmp/test_util.XXXXXX";
	struct newsidx_stream *s;

	write_temp(plain, text, len);
	write_temp(packed, z, zlen);

	s = open_file(plain);
	ck_assert_int_eq(newsidx_stream__compressed(s), 0);
	read_through(s, text, len, 5000);
	newsidx_stream__free(s);

	/* gzip is found by its magic bytes, not by the name. */
	s = open_file(packed);
	read_through(s, text, len, 5000);
	ck_assert_int_eq(newsidx_stream__compressed(s), 1);
	newsidx_stream__free(s);

	unlink(packed);
	unlink(plain);
	free(z);
	free(text);
}
END_TEST

/* A cut gzip file: what zlib recovers, then zlib's own words without
 * its "<fd:N>: " prefix. */
START_TEST(test_stream_file_truncated)
{
	size_t len = 3 * NEWSIDX_STREAM_CHUNK, zlen, cut, got;
	char *text = sample(len);
	unsigned char *z = gz(text, len, &zlen);
	char path[] = "/tmp/test_util.XXXXXX";
	struct newsidx_stream *s;
	const char *p;

	cut = zlen / 2;
	write_temp(path, z, cut);
	s = open_file(path);
	got = read_to_fault(s);
	ck_assert_uint_le(got, recoverable(z, cut, len));
	ck_assert_uint_eq(newsidx_stream__buffered(s, &p), got);
	ck_assert(memcmp(p, text, got) == 0);
	ck_assert_str_eq(newsidx_stream__error(s),
			 "truncated gzip data: unexpected end of file");
	newsidx_stream__free(s);
	unlink(path);

	/* A corrupt header in a file. */
	z[2] = 9;
	strcpy(path, "/tmp/test_util.XXXXXX");
	write_temp(path, z, zlen);
	s = open_file(path);
	ck_assert_uint_eq(read_to_fault(s), 0);
	ck_assert_str_eq(newsidx_stream__error(s),
			 "corrupt gzip data: unknown compression method");
	newsidx_stream__free(s);
	unlink(path);
	free(z);
	free(text);
}
END_TEST

START_TEST(test_stream_open_missing)
{
	char why[256] = "";
	struct newsidx_stream *s = (struct newsidx_stream *)why;

	ck_assert_int_eq(newsidx_stream__open(&s, "/nonexistent/newsidx/x",
					      NULL, 0, why, sizeof(why)),
			 -1);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(why, "No such file or directory");
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *buf = tcase_create("buffers");
	TCase *arr = tcase_create("arrays");
	TCase *st = tcase_create("stream");

	tcase_add_test(buf, test_buf_appends);
	tcase_add_test(buf, test_buf_growth);
	tcase_add_test(buf, test_buf_sticky_error);
	suite_add_tcase(s, buf);

	tcase_add_test(arr, test_array_grow);
	tcase_add_test(arr, test_array_reserve);
	tcase_add_test(arr, test_array_overflow);
	suite_add_tcase(s, arr);

	tcase_add_test(st, test_stream_memory_small);
	tcase_add_loop_test(st, test_stream_memory_large, 0, 4);
	tcase_add_test(st, test_stream_fill_whole);
	tcase_add_loop_test(st, test_stream_gzip, 0, 3);
	tcase_add_test(st, test_stream_gzip_members);
	tcase_add_loop_test(st, test_stream_gzip_truncated, 0, 3);
	tcase_add_test(st, test_stream_gzip_corrupt);
	tcase_add_test(st, test_stream_file);
	tcase_add_test(st, test_stream_file_truncated);
	tcase_add_test(st, test_stream_open_missing);
	tcase_set_timeout(st, 60);
	suite_add_tcase(s, st);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
