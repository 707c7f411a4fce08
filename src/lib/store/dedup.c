/*
 * dedup.c: near-duplicate detection for wire copies.
 *
 * Syndicated stories reach an archive many times, lightly edited: a
 * changed dateline, a dropped sentence, another outlet's byline.  Each
 * body gets a MinHash signature over word 4-grams (one-permutation
 * hashing: one hash per shingle, the minimum kept per bin, empty bins
 * filled from their neighbours), so the share of equal signature values
 * estimates the Jaccard resemblance of two bodies.  The signature is cut
 * into bands whose hashes become boolean terms; copies share at least one
 * band with high probability, so the writer finds candidates with a few
 * posting-list lookups instead of comparing every pair.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "store/store.h"

void newsidx_dedup__start(struct newsidx_minhash *m)
{
	memset(m, 0, sizeof(*m));
	memset(m->sig.v, 0xff, sizeof(m->sig.v));
}

void newsidx_dedup__add(struct newsidx_minhash *m, const char *word,
			size_t len)
{
	uint64_t h = 0, w = newsidx_hash64(word, len);
	unsigned i, bin;

	m->last[m->nwords % NEWSIDX_SHINGLE] = w;
	m->nwords++;
	if (m->nwords < NEWSIDX_SHINGLE)
		return;
	/* The shingle's hash depends on word order. */
	for (i = 0; i < NEWSIDX_SHINGLE; i++)
		h = newsidx_mix64(h ^
				  m->last[(m->nwords + i) % NEWSIDX_SHINGLE]);
	bin = (unsigned)(h >> 58) % NEWSIDX_SIG_N;
	if ((uint32_t)h < m->sig.v[bin])
		m->sig.v[bin] = (uint32_t)h;
	m->shingles++;
}

int newsidx_dedup__finish(struct newsidx_minhash *m)
{
	uint64_t empty = 0;
	unsigned i, k;

	/* Too short to tell copies from articles that merely share a
	 * sentence. */
	if (m->shingles < 16)
		return 0;
	for (i = 0; i < NEWSIDX_SIG_N; i++)
		if (m->sig.v[i] == UINT32_MAX)
			empty |= 1ULL << i;
	/* Fill each empty bin from the next bin that was not empty, mixed
	 * with the distance so that filled bins differ from their source;
	 * copies fill the same way, so they still agree. */
	for (i = 0; i < NEWSIDX_SIG_N; i++) {
		if (!(empty >> i & 1))
			continue;
		for (k = 1; k < NEWSIDX_SIG_N; k++) {
			unsigned j = (i + k) % NEWSIDX_SIG_N;

			if (!(empty >> j & 1)) {
				m->sig.v[i] =
				    (uint32_t)newsidx_mix64(m->sig.v[j] + k);
				break;
			}
		}
	}
	return 1;
}

double newsidx_dedup__resemblance(const struct newsidx_sig *a,
				  const struct newsidx_sig *b)
{
	unsigned i, same = 0;

	/* Unequal values still agree on 8 bits once in 256: take that
	 * share of chance agreement out, so the estimate is unbiased. */
	for (i = 0; i < NEWSIDX_SIG_N; i++)
		same += ((a->v[i] ^ b->v[i]) & 0xff) == 0;
	return ((double)same / NEWSIDX_SIG_N - 1.0 / 256) / (1 - 1.0 / 256);
}

/*
 * NEWSIDX_SIG_BANDS bands of NEWSIDX_SIG_ROWS values: two bodies of
 * resemblance r share a band with probability 1 - (1 - r^2)^4: 0.96 at
 * r = 0.75, 0.99 at r = 0.85 (a lightly edited wire copy), and 15% at
 * r = 0.2, where the signatures tell them apart.  Each band is a
 * boolean term that is nearly always unique to its article, and such a
 * term costs tens of bytes of postings and term list, a large share of
 * a short article's index: doc/index-design.md has the measurements.
 */
uint64_t newsidx_dedup__band_hash(const struct newsidx_sig *s, unsigned band)
{
	uint64_t h = newsidx_mix64(band + 1);
	unsigned i;

	for (i = 0; i < NEWSIDX_SIG_ROWS; i++)
		h = newsidx_mix64(h ^ s->v[band * NEWSIDX_SIG_ROWS + i]);
	return h;
}

size_t newsidx_dedup__band_term(const struct newsidx_sig *s, unsigned band,
				int binary, char *term, size_t size)
{
	uint64_t h = newsidx_dedup__band_hash(s, band);

	/* Hex: 48 bits of the hash.  Binary: 32 bits, 7 bytes a term
	 * instead of 15; among a million articles' bands a new band meets
	 * a stranger's by chance once in 4,000 lookups, which costs one
	 * signature check. */
	if (binary && size >= 8) {
		term[0] = 'X';
		term[1] = 'B';
		term[2] = (char)('0' + band);
		term[3] = (char)(h >> 56);
		term[4] = (char)(h >> 48);
		term[5] = (char)(h >> 40);
		term[6] = (char)(h >> 32);
		term[7] = '\0';
		return 7;
	}
	return (size_t)snprintf(term, size, "XB%x%012" PRIx64, band, h >> 16);
}

void newsidx_dedup__encode(const struct newsidx_sig *s,
			   unsigned char out[NEWSIDX_SIG_BYTES])
{
	unsigned i;

	for (i = 0; i < NEWSIDX_SIG_N; i++)
		out[i] = (unsigned char)s->v[i];
}

int newsidx_dedup__decode(const void *p, size_t len, struct newsidx_sig *s)
{
	const unsigned char *b = p;
	unsigned i;

	if (len != NEWSIDX_SIG_BYTES)
		return 0;
	for (i = 0; i < NEWSIDX_SIG_N; i++)
		s->v[i] = b[i];
	return 1;
}
