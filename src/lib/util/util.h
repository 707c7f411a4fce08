/*
 * util/util.h: the helpers every layer of libnewsidx uses: growable
 * buffers and arrays, hashing, string copies, and a byte stream that
 * decompresses gzip.  Nothing here knows about articles or indexes.
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

/* 1 for ASCII white space (" \t\r\n\f\v"), whatever the locale. */
static inline int newsidx_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

/* 64-bit FNV-1a, for ids too long to be terms and for content hashes. */
uint64_t newsidx_hash64(const void *p, size_t n);

/* The splitmix64 finaliser: every input bit reaches every output bit. */
uint64_t newsidx_mix64(uint64_t x);

/* strdup that returns NULL for NULL. */
char *newsidx_strdup(const char *s);

/* The n bytes at s, which need not be NUL-terminated, as a malloc'd
 * string; NULL when out of memory. */
char *newsidx_strndup(const char *s, size_t n);

/* ------------------------------------------------------------------ */
/* interface to util/stream.c: reading a file or memory, gunzipped    */
/* ------------------------------------------------------------------ */

/*
 * A buffered byte stream over a file or a memory buffer that decompresses
 * gzip, found by its magic bytes, and reads concatenated gzip members as
 * one stream.  A reader asks for as many bytes ahead as it needs, reads
 * them in place and consumes them.  When gzip data is truncated or
 * corrupt, the bytes before the fault are delivered first; after them
 * the stream ends and newsidx_stream__error() says why, in one line
 * ("truncated gzip data: ...", "corrupt gzip data: ...").
 */
struct newsidx_stream;

/* How many bytes one read asks for: a sensible step for a reader that
 * needs to see further ahead. */
#define NEWSIDX_STREAM_CHUNK 65536

/*
 * Open a stream over the file at path or, when path is NULL, over len
 * bytes at data, which the caller keeps until the stream is freed.
 * Returns 0 with *out, which newsidx_stream__free() frees; or -1 with a
 * one-line reason in why (the system's, or "out of memory").
 */
int newsidx_stream__open(struct newsidx_stream **out, const char *path,
			 const void *data, size_t len, char *why,
			 size_t whylen);
void newsidx_stream__free(struct newsidx_stream *s);

/*
 * Read until at least want bytes from the current position are buffered
 * or the stream ends.  Returns how many are buffered (more than want, or
 * fewer at the end), -1 when the stream broke (its error says why; the
 * bytes before the fault stay buffered), or -2 when out of memory.
 */
long newsidx_stream__fill(struct newsidx_stream *s, size_t want);

/*
 * Make up to want bytes from the current position visible in *data and
 * return how many are (fewer only at the end of the stream or where it
 * broke), or -1 when out of memory.
 */
long newsidx_stream__peek(struct newsidx_stream *s, size_t want,
			  const char **data);

/* The bytes buffered from the current position, without reading more:
 * their count, and in *data where they are, which stays valid until the
 * next fill, peek or free. */
size_t newsidx_stream__buffered(const struct newsidx_stream *s,
				const char **data);

/* Move the current position past n buffered bytes (at most all of them). */
void newsidx_stream__consume(struct newsidx_stream *s, size_t n);

/* Whether no more bytes will come: the input ended, or the stream broke. */
int newsidx_stream__eof(const struct newsidx_stream *s);

/* The current position, counted in decompressed bytes. */
unsigned long long newsidx_stream__offset(const struct newsidx_stream *s);

/* Why the stream broke (truncated or corrupt gzip), or NULL. */
const char *newsidx_stream__error(const struct newsidx_stream *s);

/* Whether the input was compressed, so that offsets are in uncompressed
 * bytes. */
int newsidx_stream__compressed(const struct newsidx_stream *s);


#endif /* NEWSIDX_UTIL_H */
