/*
 * fuzz_positions.c: a libFuzzer harness for the position value
 * (lib/positions.c), which searches read from the index.
 *
 * Two things per input: the bytes themselves are checked as a stored
 * value against a phrase or NEAR (it must not crash, whatever they are);
 * and the bytes are read as (position step, word) pairs, encoded, and an
 * exact phrase check of the encoding is compared with a brute-force
 * answer computed from the pairs (a mismatch aborts); half the inputs
 * are coded with a small table of stem codes.  Build with
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude -Isrc/lib \
 *     tests/fuzz/fuzz_positions.c src/lib/positions.c src/lib/util.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NW 6
#define MAXP 512

static uint64_t word(unsigned w)
{
	char s[8];

	snprintf(s, sizeof(s), "w%u", w % NW);
	return newsidx_pos__hash(s, strlen(s));
}

/* Stem codes for w0 (one byte) and w1 (two bytes, after 200 others);
 * the other words have none.  Made once. */
static const struct newsidx_stemcodes *table(void)
{
	static struct newsidx_stemcodes *t;
	unsigned char blob[4 + 8 * 202];
	uint64_t h;
	size_t i, k;

	if (t)
		return t;
	memcpy(blob, "NXC1", 4);
	for (i = 0; i < 202; i++) {
		char f[16];

		if (i == 0 || i == 201) {
			h = word(i == 0 ? 0 : 1);
		} else {
			snprintf(f, sizeof(f), "f%zu", i);
			h = newsidx_pos__hash(f, strlen(f));
		}
		for (k = 0; k < 8; k++)
			blob[4 + 8 * i + k] = (unsigned char)(h >> (8 * k));
	}
	t = newsidx_stemcodes__parse(blob, sizeof(blob));
	if (!t)
		abort();
	return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct newsidx_posrec r;
	struct newsidx_buf v = {0};
	struct newsidx_poscheck *c;
	const struct newsidx_stemcodes *codes;
	uint64_t h[4];
	unsigned char title[4];
	unsigned pos[MAXP], wd[MAXP], p = 1, title_end;
	size_t n, i, k, np = 0;
	int ordered, want = 0;

	if (size < 3)
		return 0;
	n = 1 + (data[0] >> 1) % 4;
	ordered = data[0] & 1;
	/* Coded values and checks for half the inputs. */
	codes = data[1] & 0x80 ? table() : NULL;
	for (i = 0; i < n; i++) {
		h[i] = word((data[2] >> (2 * i)) & 3);
		title[i] = (unsigned char)((data[0] >> (3 + i)) & 1);
	}
	c = newsidx_pos__check_new(h, title, n,
				   ordered ? (unsigned)n : 1 + data[1] % 16,
				   ordered, codes);
	if (!c)
		return 0;
	/* The raw bytes as a stored value. */
	(void)newsidx_pos__match(c, (const char *)data + 3, size - 3);
	free(c);

	/* The bytes as (step, word) pairs: encode, then an exact phrase. */
	memset(&r, 0, sizeof(r));
	title_end = data[1] % 8;
	for (i = 3; i + 1 < size && np < MAXP; i += 2) {
		p += data[i] % 4; /* 0: a second word at the same position */
		pos[np] = p;
		wd[np] = data[i + 1];
		if (newsidx_pos__add(&r, p, word(wd[np])))
			abort();
		np++;
	}
	if (np == 0 || newsidx_pos__encode(&r, title_end, codes, &v))
		goto out;
	for (i = 0; i < n; i++)
		title[i] = 0;
	for (i = 0; i < np && !want; i++) {
		for (k = 0; k < n; k++) {
			size_t j;
			int found = 0;

			for (j = 0; j < np && !found; j++)
				found =
				    pos[j] == pos[i] + k && word(wd[j]) == h[k];
			if (!found)
				break;
		}
		want = k == n;
	}
	/* The check assumes every query word is in the article, as the AND
	 * beside it guarantees in a search. */
	for (k = 0; k < n; k++) {
		int in = 0;

		for (i = 0; i < np && !in; i++)
			in = word(wd[i]) == h[k];
		if (!in)
			goto out;
	}
	c = newsidx_pos__check_new(h, title, n, (unsigned)n, 1, codes);
	if (c && newsidx_pos__match(c, v.data, v.len) != want) {
		fprintf(stderr, "phrase check disagrees with brute force\n");
		abort();
	}
	free(c);
out:
	newsidx_pos__free(&r);
	newsidx_buf__free(&v);
	return 0;
}
