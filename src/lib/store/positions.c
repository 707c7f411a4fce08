/*
 * positions.c: the word positions of an article, as a compact sequence of
 * short stem hashes in a value slot, and the check of phrases and NEAR
 * against it.  The format is described in store/store.h.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#define POS_FORMAT 0x10
/* The coded format: tokens of the stem codes table (see store/store.h). */
#define POS_CODED 0x20
#define CODE1_MAX 0xBF  /* codes 1..191: one byte */
#define CODE2_LEAD 0xC0 /* 0xC0..0xFE and a byte: codes 192..16319 */
#define CODE_ESC 0xFF   /* a stem without a code: its hash follows */
#define CODES_MAX (CODE1_MAX + (CODE_ESC - CODE2_LEAD) * 256)
/* An escaped stem's symbol while matching; codes are below 2^14. */
#define ESCAPED (UINT64_C(1) << 63)
/* Fewer positions than this counted: no table (too little to rank). */
#define CODES_MIN_TOKENS 2000
#define CODES_MAGIC "NXC1"
/* Up to this many empty positions inside a run are stored as zeros;
 * a longer gap (the one between title and body) starts a new run. */
#define POS_MAX_FILL 4

uint64_t newsidx_pos__hash(const char *stem, size_t len)
{
	/* FNV-1a's low bits are weak: mix before the hash is cut. */
	return newsidx_mix64(newsidx_hash64(stem, len));
}

static uint64_t cut(uint64_t h, unsigned bytes)
{
	if (bytes < 8)
		h &= (UINT64_C(1) << (8 * bytes)) - 1;
	return h ? h : 1;
}

/* ------------------------------------------------------------------ */
/* stem codes                                                          */
/* ------------------------------------------------------------------ */

struct newsidx_stemcodes {
	size_t n;       /* codes 1..n */
	uint64_t *hash; /* [n + 1]: the stem hash of each code */
	uint32_t *slot; /* [mask + 1]: open addressing by hash, a code or 0 */
	size_t mask;
};

static size_t home(uint64_t h, size_t mask)
{
	return (size_t)(h ^ (h >> 29)) & mask;
}

unsigned newsidx_stemcodes__code(const struct newsidx_stemcodes *t,
				 uint64_t hash)
{
	size_t i;

	if (!t)
		return 0;
	for (i = home(hash, t->mask); t->slot[i]; i = (i + 1) & t->mask)
		if (t->hash[t->slot[i]] == hash)
			return t->slot[i];
	return 0;
}

void newsidx_stemcodes__free(struct newsidx_stemcodes *t)
{
	if (!t)
		return;
	free(t->hash);
	free(t->slot);
	free(t);
}

struct newsidx_stemcodes *newsidx_stemcodes__parse(const void *blob,
						   size_t len)
{
	const unsigned char *p = blob;
	struct newsidx_stemcodes *t;
	size_t n, i, k;

	if (!blob || len < 4 + 8 || memcmp(p, CODES_MAGIC, 4) != 0 ||
	    (len - 4) % 8 != 0 || (len - 4) / 8 > CODES_MAX)
		return NULL;
	n = (len - 4) / 8;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->n = n;
	for (t->mask = 1; t->mask < 2 * n; t->mask <<= 1)
		;
	t->hash = calloc(n + 1, sizeof(*t->hash));
	t->slot = calloc(t->mask, sizeof(*t->slot));
	t->mask--;
	if (!t->hash || !t->slot) {
		newsidx_stemcodes__free(t);
		return NULL;
	}
	for (i = 1; i <= n; i++) {
		uint64_t h = 0;

		for (k = 0; k < 8; k++)
			h |= (uint64_t)p[4 + (i - 1) * 8 + k] << (8 * k);
		/* A stem named twice would have two codes. */
		if (newsidx_stemcodes__code(t, h)) {
			newsidx_stemcodes__free(t);
			return NULL;
		}
		t->hash[i] = h;
		for (k = home(h, t->mask); t->slot[k]; k = (k + 1) & t->mask)
			;
		t->slot[k] = (uint32_t)i;
	}
	return t;
}

struct newsidx_stemcount {
	uint64_t *hash; /* 0: empty (a stem hash is never 0 once cut, and
			   the full hash 0 is simply not counted) */
	size_t *count;
	size_t used, mask, total;
};

struct newsidx_stemcount *newsidx_stemcount__new(void)
{
	struct newsidx_stemcount *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->mask = 4095;
	c->hash = calloc(c->mask + 1, sizeof(*c->hash));
	c->count = calloc(c->mask + 1, sizeof(*c->count));
	if (!c->hash || !c->count) {
		newsidx_stemcount__free(c);
		return NULL;
	}
	return c;
}

void newsidx_stemcount__free(struct newsidx_stemcount *c)
{
	if (!c)
		return;
	free(c->hash);
	free(c->count);
	free(c);
}

static int grow_count(struct newsidx_stemcount *c)
{
	size_t mask = c->mask * 2 + 1, i, k;
	uint64_t *h = calloc(mask + 1, sizeof(*h));
	size_t *n = calloc(mask + 1, sizeof(*n));

	if (!h || !n) {
		free(h);
		free(n);
		return -1;
	}
	for (i = 0; i <= c->mask; i++) {
		if (!c->hash[i])
			continue;
		for (k = home(c->hash[i], mask); h[k]; k = (k + 1) & mask)
			;
		h[k] = c->hash[i];
		n[k] = c->count[i];
	}
	free(c->hash);
	free(c->count);
	c->hash = h;
	c->count = n;
	c->mask = mask;
	return 0;
}

int newsidx_stemcount__add(struct newsidx_stemcount *c, const uint64_t *hash,
			   size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (!hash[i])
			continue;
		if (2 * (c->used + 1) > c->mask && grow_count(c))
			return -1;
		for (k = home(hash[i], c->mask);
		     c->hash[k] && c->hash[k] != hash[i];
		     k = (k + 1) & c->mask)
			;
		if (!c->hash[k]) {
			c->hash[k] = hash[i];
			c->used++;
		}
		c->count[k]++;
		c->total++;
	}
	return 0;
}

struct ranked {
	uint64_t hash;
	size_t count;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return (x->hash > y->hash) - (x->hash < y->hash);
}

void *newsidx_stemcount__table(const struct newsidx_stemcount *c,
			       size_t *len)
{
	struct ranked *r;
	unsigned char *blob;
	size_t i, n = 0, k;

	*len = 0;
	if (!c || c->total < CODES_MIN_TOKENS)
		return NULL;
	r = malloc((c->used ? c->used : 1) * sizeof(*r));
	if (!r)
		return NULL;
	for (i = 0; i <= c->mask; i++)
		if (c->hash[i] && c->count[i] >= 2) {
			r[n].hash = c->hash[i];
			r[n].count = c->count[i];
			n++;
		}
	qsort(r, n, sizeof(*r), cmp_ranked);
	if (n > CODES_MAX)
		n = CODES_MAX;
	blob = n ? malloc(4 + 8 * n) : NULL;
	if (blob) {
		memcpy(blob, CODES_MAGIC, 4);
		for (i = 0; i < n; i++)
			for (k = 0; k < 8; k++)
				blob[4 + 8 * i + k] =
					(unsigned char)(r[i].hash >> (8 * k));
		*len = 4 + 8 * n;
	}
	free(r);
	return blob;
}

void newsidx_pos__reset(struct newsidx_posrec *r)
{
	r->n = 0;
}

int newsidx_pos__add(struct newsidx_posrec *r, unsigned pos, uint64_t hash)
{
	/* Two arrays of one capacity, grown together: written out rather
	 * than with NEWSIDX_ARRAY_GROW, which keeps one capacity each. */
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		unsigned *p = realloc(r->pos, cap * sizeof(*p));
		uint64_t *h;

		if (!p)
			return -1;
		r->pos = p;
		h = realloc(r->hash, cap * sizeof(*h));
		if (!h)
			return -1;
		r->hash = h;
		r->cap = cap;
	}
	r->pos[r->n] = pos;
	r->hash[r->n] = hash;
	r->n++;
	return 0;
}

void newsidx_pos__free(struct newsidx_posrec *r)
{
	free(r->pos);
	free(r->hash);
	free(r->scratch);
	newsidx_buf__free(&r->ext);
	memset(r, 0, sizeof(*r));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The narrowest width (bytes) at which the distinct hashes stay
 * distinct once cut; -1 when out of memory. */
static int choose_width(struct newsidx_posrec *r,
			const struct newsidx_stemcodes *codes)
{
	static const unsigned widths[] = {2, 4};
	size_t i, nd = 0, w;
	uint64_t *d, *t;

	if (r->scratch_cap < 2 * r->n) {
		uint64_t *s = realloc(r->scratch, 2 * r->n * sizeof(*s));

		if (!s)
			return -1;
		r->scratch = s;
		r->scratch_cap = 2 * r->n;
	}
	d = r->scratch;
	t = r->scratch + r->n;
	/* Only stems without a code are stored as hashes. */
	for (i = 0, w = 0; i < r->n; i++)
		if (!newsidx_stemcodes__code(codes, r->hash[i]))
			d[w++] = r->hash[i];
	qsort(d, w, sizeof(*d), cmp_u64);
	for (i = 0; i < w; i++)
		if (nd == 0 || d[nd - 1] != d[i])
			d[nd++] = d[i];
	for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		int clash = 0;

		for (i = 0; i < nd; i++)
			t[i] = cut(d[i], widths[w]);
		qsort(t, nd, sizeof(*t), cmp_u64);
		for (i = 1; i < nd && !clash; i++)
			clash = t[i] == t[i - 1];
		if (!clash)
			return (int)widths[w];
	}
	return 8;
}

static void put_varint(struct newsidx_buf *out, uint64_t v, int *rc)
{
	unsigned char b[10];
	size_t n = 0;

	do {
		b[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	newsidx_buf__append(out, b, n, rc);
}

static void put_hash(struct newsidx_buf *out, uint64_t h, unsigned bytes,
		     int *rc)
{
	unsigned char b[8];
	unsigned i;

	for (i = 0; i < bytes; i++)
		b[i] = (unsigned char)(h >> (8 * i));
	newsidx_buf__append(out, b, bytes, rc);
}

/* A position's token: a hash of width bytes, or in the coded format
 * its stem's code (one or two bytes) or the escape and the hash.  The
 * first byte goes to out; the rest to ext, or out when ext is NULL. */
static void put_token(struct newsidx_buf *out, struct newsidx_buf *ext,
		      const struct newsidx_stemcodes *codes, uint64_t h,
		      unsigned width, int *rc)
{
	unsigned code;

	if (!codes) {
		put_hash(out, h ? cut(h, width) : 0, width, rc);
		return;
	}
	if (!ext)
		ext = out;
	if (!h) {
		newsidx_buf__putc(out, 0, rc);
		return;
	}
	code = newsidx_stemcodes__code(codes, h);
	if (code && code <= CODE1_MAX) {
		newsidx_buf__putc(out, (char)code, rc);
	} else if (code) {
		newsidx_buf__putc(out,
				  (char)(CODE2_LEAD +
					 ((code - CODE1_MAX - 1) >> 8)),
				  rc);
		newsidx_buf__putc(ext, (char)((code - CODE1_MAX - 1) & 0xff),
				  rc);
	} else {
		newsidx_buf__putc(out, (char)CODE_ESC, rc);
		put_hash(ext, cut(h, width), width, rc);
	}
}

int newsidx_pos__encode(struct newsidx_posrec *r, unsigned title_end,
			const struct newsidx_stemcodes *codes,
			struct newsidx_buf *out)
{
	size_t i, j, nruns = 0, nextra = 0;
	unsigned prev_end = 0, prev_extra = 0;
	int width, code, rc = 0;

	out->len = 0;
	/* Tokens come in position order but for the joined form of a
	 * compound, which follows its parts: a stable insertion sort. */
	for (i = 1; i < r->n; i++) {
		unsigned p = r->pos[i];
		uint64_t h = r->hash[i];

		for (j = i; j > 0 && r->pos[j - 1] > p; j--) {
			r->pos[j] = r->pos[j - 1];
			r->hash[j] = r->hash[j - 1];
		}
		r->pos[j] = p;
		r->hash[j] = h;
	}
	width = r->n ? choose_width(r, codes) : 2;
	if (width < 0)
		return -1;
	code = width == 2 ? 1 : width == 4 ? 2 : 3;
	newsidx_buf__putc(out, (char)((codes ? POS_CODED : POS_FORMAT) | code),
			  &rc);
	put_varint(out, title_end, &rc);
	/* Runs: first count them, then write them. */
	for (i = 0; i < r->n; i++) {
		if (i > 0 && r->pos[i] == r->pos[i - 1]) {
			nextra++;
			continue;
		}
		if (i == 0 || r->pos[i] - r->pos[i - 1] > POS_MAX_FILL + 1)
			nruns++;
	}
	put_varint(out, nruns, &rc);
	for (i = 0; i < r->n;) {
		/* One run: from i to the last position before a long gap. */
		size_t end = i, k;
		unsigned start = r->pos[i], last = r->pos[i];

		for (k = i + 1; k < r->n; k++) {
			if (r->pos[k] == last)
				continue;
			if (r->pos[k] - last > POS_MAX_FILL + 1)
				break;
			last = r->pos[k];
			end = k;
		}
		put_varint(out, start - prev_end, &rc);
		put_varint(out, (uint64_t)last - start + 1, &rc);
		r->ext.len = 0;
		for (k = i; k <= end; k++) {
			unsigned p = r->pos[k];

			if (k > i && p == r->pos[k - 1])
				continue;
			if (k > i)
				for (; r->pos[k - 1] + 1 < p; p--)
					put_token(out, &r->ext, codes, 0,
						  (unsigned)width, &rc);
			put_token(out, &r->ext, codes, r->hash[k],
				  (unsigned)width, &rc);
		}
		/* Coded: the run's first bytes, one per position, then the
		 * rest of its tokens' bytes. */
		newsidx_buf__append(out, r->ext.data, r->ext.len, &rc);
		prev_end = last + 1;
		/* Skip the extras that follow the run's last position. */
		for (i = end + 1; i < r->n && r->pos[i] == last; i++)
			;
	}
	put_varint(out, nextra, &rc);
	for (i = 1; i < r->n; i++)
		if (r->pos[i] == r->pos[i - 1]) {
			put_varint(out, r->pos[i] - prev_extra, &rc);
			put_token(out, NULL, codes, r->hash[i],
				  (unsigned)width, &rc);
			prev_extra = r->pos[i];
		}
	return rc ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* checks                                                              */
/* ------------------------------------------------------------------ */

struct newsidx_poscheck {
	size_t n;  /* query stems (slots) */
	size_t nd; /* distinct stems among them */
	unsigned window;
	int ordered;
	uint64_t *dh;	       /* [nd] distinct hashes */
	unsigned *req;	       /* [nd] how many slots hold it */
	unsigned char *dtitle; /* [nd] all its slots are title only */
	unsigned *slot_d;      /* [n] the distinct stem of each slot */
	unsigned char *stitle; /* [n] the slot is title only */
	uint32_t *dcode;       /* [nd] its code in the table, or 0 */
	int coded;             /* made with the index's stem codes */
	/* For coded values: the lead bytes that may start a query stem's
	 * token (its one-byte code, the first byte of its two-byte code,
	 * or the escape). */
	unsigned char lead[256];
};

struct newsidx_poscheck *newsidx_pos__check_new(
	const uint64_t *hash, const unsigned char *title_only, size_t n,
	unsigned window, int ordered, const struct newsidx_stemcodes *codes)
{
	struct newsidx_poscheck *c;
	size_t i, j, size;
	char *p;

	if (n == 0 || n > 1024)
		return NULL;
	size = sizeof(*c) +
	       n * (sizeof(uint64_t) + 3 * sizeof(unsigned) + 2);
	c = calloc(1, size);
	if (!c)
		return NULL;
	p = (char *)(c + 1);
	c->dh = (uint64_t *)p;
	p += n * sizeof(uint64_t);
	c->req = (unsigned *)p;
	p += n * sizeof(unsigned);
	c->slot_d = (unsigned *)p;
	p += n * sizeof(unsigned);
	c->dcode = (uint32_t *)p;
	p += n * sizeof(uint32_t);
	c->dtitle = (unsigned char *)p;
	c->stitle = (unsigned char *)p + n;
	c->coded = codes != NULL;
	c->n = n;
	c->window = window;
	c->ordered = ordered;
	for (i = 0; i < n; i++) {
		int t = title_only && title_only[i];

		for (j = 0; j < c->nd && c->dh[j] != hash[i]; j++)
			;
		if (j == c->nd) {
			unsigned code = newsidx_stemcodes__code(codes, hash[i]);

			c->dh[j] = hash[i];
			c->dcode[j] = code;
			c->lead[!code		    ? CODE_ESC
				: code <= CODE1_MAX ? code
						    : CODE2_LEAD +
							  ((code - CODE1_MAX -
							    1) >> 8)] = 1;
			c->dtitle[j] = 1;
			c->nd++;
		}
		c->req[j]++;
		c->dtitle[j] &= (unsigned char)t;
		c->slot_d[i] = (unsigned)j;
		c->stitle[i] = (unsigned char)t;
	}
	return c;
}

struct reader {
	const unsigned char *p, *end;
	int bad;
};

static uint64_t get_varint(struct reader *r)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (r->p < r->end && shift < 64) {
		unsigned char b = *r->p++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
	}
	r->bad = 1;
	return 0;
}

static uint64_t get_hash(struct reader *r, unsigned bytes)
{
	uint64_t h = 0;
	unsigned i;

	if ((size_t)(r->end - r->p) < bytes) {
		r->bad = 1;
		return 0;
	}
	for (i = 0; i < bytes; i++)
		h |= (uint64_t)r->p[i] << (8 * i);
	r->p += bytes;
	return h;
}

/* A token of the coded format as a symbol: 0 (an empty position), a
 * code, or ESCAPED and the hash. */
static uint64_t get_token(struct reader *r, unsigned bytes)
{
	unsigned char b;

	if (r->p >= r->end) {
		r->bad = 1;
		return 0;
	}
	b = *r->p++;
	if (b <= CODE1_MAX)
		return b;
	if (b < CODE_ESC) {
		if (r->p >= r->end) {
			r->bad = 1;
			return 0;
		}
		return CODE1_MAX + 1 + ((uint64_t)(b - CODE2_LEAD) << 8) +
		       *r->p++;
	}
	return ESCAPED | get_hash(r, bytes);
}

/* An occurrence of a query stem: its position and distinct index. */
struct occ {
	uint32_t pos;
	uint32_t d;
};

struct occs {
	struct occ *v;
	size_t n, cap;
	struct occ local[256];
};

static int occ_push(struct occs *o, uint32_t pos, uint32_t d)
{
	if (o->n == o->cap) {
		size_t cap = o->cap * 2;
		struct occ *v;

		if (o->v == o->local) {
			v = malloc(cap * sizeof(*v));
			if (v)
				memcpy(v, o->local, o->n * sizeof(*v));
		} else {
			v = realloc(o->v, cap * sizeof(*v));
		}
		if (!v)
			return -1;
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n].pos = pos;
	o->v[o->n].d = d;
	o->n++;
	return 0;
}

/* The first occurrence at or after pos (binary search). */
static size_t occ_find(const struct occs *o, uint32_t pos)
{
	size_t lo = 0, hi = o->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->v[mid].pos < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int has_at(const struct occs *o, uint32_t pos, uint32_t d)
{
	size_t i;

	for (i = occ_find(o, pos); i < o->n && o->v[i].pos == pos; i++)
		if (o->v[i].d == d)
			return 1;
	return 0;
}

static int match_phrase(const struct newsidx_poscheck *c, const struct occs *o,
			uint32_t title_end)
{
	size_t i, k;

	for (i = 0; i < o->n; i++) {
		uint32_t p = o->v[i].pos;

		if (o->v[i].d != c->slot_d[0] ||
		    (c->stitle[0] && p > title_end))
			continue;
		for (k = 1; k < c->n; k++) {
			uint32_t q = p + (uint32_t)k;

			if (q < p || (c->stitle[k] && q > title_end) ||
			    !has_at(o, q, c->slot_d[k]))
				break;
		}
		if (k == c->n)
			return 1;
	}
	return 0;
}

/* A span of fewer than window positions that holds every distinct stem
 * as often as the query names it. */
static int match_near(const struct newsidx_poscheck *c, const struct occs *o)
{
	unsigned cnt_local[64], *cnt = cnt_local;
	size_t l = 0, r, missing = c->nd;
	int found = 0;

	if (c->nd > 64) {
		cnt = calloc(c->nd, sizeof(*cnt));
		if (!cnt)
			return 0;
	} else {
		memset(cnt_local, 0, sizeof(cnt_local));
	}
	for (r = 0; r < o->n && !found; r++) {
		uint32_t d = o->v[r].d;

		if (++cnt[d] == c->req[d])
			missing--;
		while (missing == 0) {
			uint32_t dl = o->v[l].d;

			if (o->v[r].pos - o->v[l].pos < c->window) {
				found = 1;
				break;
			}
			if (cnt[dl]-- == c->req[dl])
				missing++;
			l++;
		}
	}
	if (cnt != cnt_local)
		free(cnt);
	return found;
}

static void occ_sort(struct occs *o)
{
	size_t i, j;

	for (i = 1; i < o->n; i++) {
		struct occ e = o->v[i];

		for (j = i; j > 0 && o->v[j - 1].pos > e.pos; j--)
			o->v[j] = o->v[j - 1];
		o->v[j] = e;
	}
}

#define FOUND 2

/* The phrase ends at pos, among the occurrences so far (in position
 * order): the answer is known before the rest of the value is read. */
static int phrase_ends_at(const struct newsidx_poscheck *c,
			  const struct occs *o, uint64_t pos,
			  uint64_t title_end)
{
	uint64_t start;
	size_t k;

	if (pos + 1 < c->n)
		return 0;
	start = pos + 1 - c->n;
	for (k = 0; k + 1 < c->n; k++)
		if ((c->stitle[k] && start + k > title_end) ||
		    !has_at(o, (uint32_t)(start + k), c->slot_d[k]))
			return 0;
	return !(c->stitle[k] && pos > title_end);
}

/* Note an occurrence of h at pos if it is a query stem's: 0, -1 when
 * out of memory, or FOUND when in_order (the occurrences so far are in
 * position order) and it completes the phrase. */
static int note(const struct newsidx_poscheck *c, const uint64_t *q, uint64_t h,
		uint64_t pos, uint64_t title_end, struct occs *o, int in_order)
{
	size_t j;

	for (j = 0; j < c->nd; j++)
		if (h == q[j]) {
			if (c->dtitle[j] && pos > title_end)
				return 0;
			if (occ_push(o, (uint32_t)pos, (uint32_t)j))
				return -1;
			return in_order && c->ordered &&
					       j == c->slot_d[c->n - 1] &&
					       phrase_ends_at(c, o, pos,
							      title_end)
				       ? FOUND
				       : 0;
		}
	return 0;
}

/* The occurrences of the query's stems among count hashes at p (the
 * caller has checked that they are there), from position pos.  The
 * common case, 2-byte hashes, takes a tight loop. */
static int scan_run(const struct newsidx_poscheck *c, const uint64_t *q,
		    const unsigned char *p, uint64_t count, unsigned bytes,
		    uint64_t pos, uint64_t title_end, struct occs *o)
{
	uint64_t k;

	if (bytes == 2 && c->nd <= 4) {
		/* Unused slots hold a value no 2-byte hash has. */
		uint32_t q0 = (uint32_t)q[0],
			 q1 = c->nd > 1 ? (uint32_t)q[1] : 0x10000,
			 q2 = c->nd > 2 ? (uint32_t)q[2] : 0x10000,
			 q3 = c->nd > 3 ? (uint32_t)q[3] : 0x10000;

		for (k = 0; k < count; k++) {
			uint32_t h = (uint32_t)p[2 * k] | (uint32_t)p[2 * k + 1]
							      << 8;

			if (h == q0 || h == q1 || h == q2 || h == q3) {
				int rc = note(c, q, h, pos + k, title_end, o,
					      1);

				if (rc)
					return rc;
			}
		}
		return 0;
	}
	for (k = 0; k < count; k++) {
		uint64_t h = 0;
		unsigned i;
		int rc;

		for (i = 0; i < bytes; i++)
			h |= (uint64_t)p[k * bytes + i] << (8 * i);
		if (h && (rc = note(c, q, h, pos + k, title_end, o, 1)))
			return rc;
	}
	return 0;
}

/* The same for count tokens of the coded format at r. */
static int scan_coded(const struct newsidx_poscheck *c, const uint64_t *q,
		      struct reader *r, uint64_t count, unsigned bytes,
		      uint64_t pos, uint64_t title_end, struct occs *o)
{
	const unsigned char *lead = r->p, *ext;
	size_t room, e = 0;
	uint64_t k;

	/* One first byte per position, then the rest of the tokens'
	 * bytes: the first bytes are read at a fixed stride, and only the
	 * tokens whose first byte a query stem's could have are read
	 * whole. */
	if (count > (uint64_t)(r->end - lead))
		goto bad;
	ext = lead + count;
	room = (size_t)(r->end - ext);
	for (k = 0; k < count; k++) {
		unsigned b = lead[k], i;
		size_t more = (b >= CODE2_LEAD) + (b == CODE_ESC) * (bytes - 1);

		if (c->lead[b]) {
			uint64_t h;
			int rc;

			if (e > room || room - e < more)
				goto bad;
			if (b <= CODE1_MAX) {
				h = b;
			} else if (b < CODE_ESC) {
				h = CODE1_MAX + 1 +
				    ((uint64_t)(b - CODE2_LEAD) << 8) + ext[e];
			} else {
				for (h = 0, i = 0; i < bytes; i++)
					h |= (uint64_t)ext[e + i] << (8 * i);
				h |= ESCAPED;
			}
			rc = note(c, q, h, pos + k, title_end, o, 1);
			if (rc == FOUND)
				return FOUND;
			if (rc)
				goto bad;
		}
		e += more;
	}
	if (e > room)
		goto bad;
	r->p = ext + e;
	return 0;
bad:
	r->bad = 1;
	return -1;
}

int newsidx_pos__match(void *cv, const char *value, size_t len)
{
	const struct newsidx_poscheck *c = cv;
	struct reader r = {(const unsigned char *)value,
			   (const unsigned char *)value + len, 0};
	uint64_t qlocal[16], *q = qlocal;
	uint64_t title_end, nruns, nextra, pos = 0, i;
	unsigned bytes;
	struct occs o;
	size_t j;
	int ok = 0, coded, rc;

	if (!c || len < 1)
		return 0;
	coded = (r.p[0] & 0xf0) == POS_CODED;
	/* A coded value needs the check made with the table. */
	if (coded ? !c->coded : (r.p[0] & 0xf0) != POS_FORMAT)
		return 0;
	switch (r.p[0] & 0x0f) {
	case 1:
		bytes = 2;
		break;
	case 2:
		bytes = 4;
		break;
	case 3:
		bytes = 8;
		break;
	default:
		return 0;
	}
	r.p++;
	if (c->nd > 16) {
		q = malloc(c->nd * sizeof(*q));
		if (!q)
			return 0;
	}
	for (j = 0; j < c->nd; j++)
		q[j] = !coded	     ? cut(c->dh[j], bytes)
		       : c->dcode[j] ? c->dcode[j]
				     : ESCAPED | cut(c->dh[j], bytes);
	o.v = o.local;
	o.n = 0;
	o.cap = sizeof(o.local) / sizeof(o.local[0]);
	title_end = get_varint(&r);
	nruns = get_varint(&r);
	for (i = 0; i < nruns && !r.bad; i++) {
		uint64_t count;

		pos += get_varint(&r);
		count = get_varint(&r);
		/* A token takes at least a byte (bytes when not coded). */
		if (count > (uint64_t)(r.end - r.p) / (coded ? 1 : bytes) ||
		    pos + count > UINT32_MAX) {
			r.bad = 1;
			break;
		}
		rc = coded ? scan_coded(c, q, &r, count, bytes, pos,
					title_end, &o)
			   : scan_run(c, q, r.p, count, bytes, pos, title_end,
				      &o);
		if (rc == FOUND) {
			/* The phrase is there; the rest cannot undo it. */
			ok = 1;
			goto out;
		}
		if (rc)
			r.bad = 1;
		if (!coded)
			r.p += count * bytes;
		pos += count;
	}
	nextra = r.bad ? 0 : get_varint(&r);
	for (i = 0, pos = 0; i < nextra && !r.bad; i++) {
		uint64_t h;

		pos += get_varint(&r);
		h = coded ? get_token(&r, bytes) : get_hash(&r, bytes);
		if (pos > UINT32_MAX ||
		    (!r.bad && h && note(c, q, h, pos, title_end, &o, 0)))
			r.bad = 1;
	}
	if (!r.bad) {
		if (nextra)
			occ_sort(&o);
		if (title_end > UINT32_MAX)
			title_end = UINT32_MAX;
		ok = c->ordered ? match_phrase(c, &o, (uint32_t)title_end)
				: match_near(c, &o);
	}
out:
	if (o.v != o.local)
		free(o.v);
	if (q != qlocal)
		free(q);
	return ok;
}
