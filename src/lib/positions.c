/*
 * positions.c: the word positions of an article, as a compact sequence of
 * short stem hashes in a value slot, and the check of phrases and NEAR
 * against it.  The format is described in internal.h.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define POS_FORMAT 0x10
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

void newsidx_pos__reset(struct newsidx_posrec *r)
{
	r->n = 0;
}

int newsidx_pos__add(struct newsidx_posrec *r, unsigned pos, uint64_t hash)
{
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
	memset(r, 0, sizeof(*r));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The narrowest width (bytes) at which the distinct hashes stay
 * distinct once cut; -1 when out of memory. */
static int choose_width(struct newsidx_posrec *r)
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
	memcpy(d, r->hash, r->n * sizeof(*d));
	qsort(d, r->n, sizeof(*d), cmp_u64);
	for (i = 0; i < r->n; i++)
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

int newsidx_pos__encode(struct newsidx_posrec *r, unsigned title_end,
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
	width = r->n ? choose_width(r) : 2;
	if (width < 0)
		return -1;
	code = width == 2 ? 1 : width == 4 ? 2 : 3;
	newsidx_buf__putc(out, (char)(POS_FORMAT | code), &rc);
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
		for (k = i; k <= end; k++) {
			unsigned p = r->pos[k];

			if (k > i && p == r->pos[k - 1])
				continue;
			if (k > i)
				for (; r->pos[k - 1] + 1 < p; p--)
					put_hash(out, 0, (unsigned)width, &rc);
			put_hash(out, cut(r->hash[k], (unsigned)width),
				 (unsigned)width, &rc);
		}
		prev_end = last + 1;
		/* Skip the extras that follow the run's last position. */
		for (i = end + 1; i < r->n && r->pos[i] == last; i++)
			;
	}
	put_varint(out, nextra, &rc);
	for (i = 1; i < r->n; i++)
		if (r->pos[i] == r->pos[i - 1]) {
			put_varint(out, r->pos[i] - prev_extra, &rc);
			put_hash(out, cut(r->hash[i], (unsigned)width),
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
};

struct newsidx_poscheck *newsidx_pos__check_new(const uint64_t *hash,
						const unsigned char *title_only,
						size_t n, unsigned window,
						int ordered)
{
	struct newsidx_poscheck *c;
	size_t i, j, size;
	char *p;

	if (n == 0 || n > 1024)
		return NULL;
	size = sizeof(*c) + n * (sizeof(uint64_t) + 2 * sizeof(unsigned) + 2);
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
	c->dtitle = (unsigned char *)p;
	c->stitle = (unsigned char *)p + n;
	c->n = n;
	c->window = window;
	c->ordered = ordered;
	for (i = 0; i < n; i++) {
		int t = title_only && title_only[i];

		for (j = 0; j < c->nd && c->dh[j] != hash[i]; j++)
			;
		if (j == c->nd) {
			c->dh[j] = hash[i];
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

static int note(const struct newsidx_poscheck *c, const uint64_t *q, uint64_t h,
		uint64_t pos, uint64_t title_end, struct occs *o)
{
	size_t j;

	for (j = 0; j < c->nd; j++)
		if (h == q[j])
			return (c->dtitle[j] && pos > title_end)
				   ? 0
				   : occ_push(o, (uint32_t)pos, (uint32_t)j);
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

			if ((h == q0 || h == q1 || h == q2 || h == q3) &&
			    note(c, q, h, pos + k, title_end, o))
				return -1;
		}
		return 0;
	}
	for (k = 0; k < count; k++) {
		uint64_t h = 0;
		unsigned i;

		for (i = 0; i < bytes; i++)
			h |= (uint64_t)p[k * bytes + i] << (8 * i);
		if (h && note(c, q, h, pos + k, title_end, o))
			return -1;
	}
	return 0;
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
	int ok = 0;

	if (!c || len < 1 || (r.p[0] & 0xf0) != POS_FORMAT)
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
		q[j] = cut(c->dh[j], bytes);
	o.v = o.local;
	o.n = 0;
	o.cap = sizeof(o.local) / sizeof(o.local[0]);
	title_end = get_varint(&r);
	nruns = get_varint(&r);
	for (i = 0; i < nruns && !r.bad; i++) {
		uint64_t count;

		pos += get_varint(&r);
		count = get_varint(&r);
		if (count > (uint64_t)(r.end - r.p) / bytes ||
		    pos + count > UINT32_MAX) {
			r.bad = 1;
			break;
		}
		if (scan_run(c, q, r.p, count, bytes, pos, title_end, &o))
			r.bad = 1;
		r.p += count * bytes;
		pos += count;
	}
	nextra = r.bad ? 0 : get_varint(&r);
	for (i = 0, pos = 0; i < nextra && !r.bad; i++) {
		uint64_t h;

		pos += get_varint(&r);
		h = get_hash(&r, bytes);
		if (pos > UINT32_MAX ||
		    (!r.bad && h && note(c, q, h, pos, title_end, &o)))
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
	if (o.v != o.local)
		free(o.v);
	if (q != qlocal)
		free(q);
	return ok;
}
