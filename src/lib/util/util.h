/*
 * util/util.h: the helpers every layer of libnewsidx uses: growable
 * buffers, hashing and string copies.  Nothing here knows about
 * articles or indexes.
 */
#ifndef NEWSIDX_UTIL_H
#define NEWSIDX_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "newsidx.h"

/* ------------------------------------------------------------------ */
/* interface to util/util.c: growable buffers, handle errors, hashing */
/* ------------------------------------------------------------------ */

/*
 * A growable byte buffer.  Appends use a sticky error: they take int *rc
 * and do nothing once it is nonzero, so a loop can append freely and
 * check once at the end.  The content is always NUL-terminated.
 */
struct newsidx_buf {
	char *data;
	size_t len;
	size_t cap;
};

void newsidx_buf__append(struct newsidx_buf *b, const void *p, size_t n,
			 int *rc);
/* Room for n more bytes (and a NUL) after the content, not counted in
 * len; NULL (and *rc set) when out of memory. */
char *newsidx_buf__room(struct newsidx_buf *b, size_t n, int *rc);
void newsidx_buf__puts(struct newsidx_buf *b, const char *s, int *rc);
void newsidx_buf__putc(struct newsidx_buf *b, char c, int *rc);
void newsidx_buf__printf(struct newsidx_buf *b, int *rc, const char *fmt,
			 ...) __attribute__((format(printf, 3, 4)));
void newsidx_buf__reset(struct newsidx_buf *b);
void newsidx_buf__free(struct newsidx_buf *b);

/*
 * Growable arrays.  newsidx_array__reserve() makes room for at least
 * need elements of elem bytes in the array whose pointer is at pp (a
 * T ** passed as void *) and whose capacity, in elements, is *cap:
 * the capacity doubles from min.  Returns 0, or -1 when out of memory
 * or the size would overflow, leaving the array and *cap as they were.
 * NEWSIDX_ARRAY_GROW(ptr, n, cap, min) is the common case: room for one
 * more element after n, e.g.
 *
 *     if (NEWSIDX_ARRAY_GROW(l->ids, l->n, l->cap, 64))
 *             return nomem;
 *     l->ids[l->n++] = docid;
 */
int newsidx_array__reserve(void *pp, size_t *cap, size_t need, size_t elem,
			   size_t min);
#define NEWSIDX_ARRAY_GROW(ptr, n, cap, min)                               \
	((n) < (cap) ? 0                                                   \
		     : newsidx_array__reserve(&(ptr), &(cap), (n) + 1,     \
					      sizeof(*(ptr)), (min)))

/* 64-bit FNV-1a, for ids too long to be terms and for content hashes. */
uint64_t newsidx_hash64(const void *p, size_t n);

/* The splitmix64 finaliser: every input bit reaches every output bit. */
uint64_t newsidx_mix64(uint64_t x);

/* strdup that returns NULL for NULL. */
char *newsidx_strdup(const char *s);


#endif /* NEWSIDX_UTIL_H */
