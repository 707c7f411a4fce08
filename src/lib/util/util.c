/*
 * util.c: the small pieces every other file leans on: growable buffers
 * with a sticky error, a 64-bit hash, and NULL-safe string copies.
 *
 * Buffers use the sticky-error convention (see util/util.h): once an
 * append fails for lack of memory, later appends are no-ops, so callers
 * in tight loops check the error once at the end instead of after every
 * call.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* Room for need more bytes and the NUL; 0 (and *rc set) when out of
 * memory.  The common case, room already there, stays a comparison. */
static int grow(struct newsidx_buf *b, size_t need, int *rc)
{
	if (*rc)
		return 0;
	if (b->len + need + 1 <= b->cap)
		return 1;
	if (newsidx_array__reserve(&b->data, &b->cap, b->len + need + 1, 1,
				   64)) {
		*rc = NEWSIDX_NOMEM;
		return 0;
	}
	return 1;
}

void newsidx_buf__append(struct newsidx_buf *b, const void *p, size_t n,
			 int *rc)
{
	if (!grow(b, n, rc))
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

char *newsidx_buf__room(struct newsidx_buf *b, size_t n, int *rc)
{
	if (!grow(b, n, rc))
		return NULL;
	return b->data + b->len;
}

void newsidx_buf__puts(struct newsidx_buf *b, const char *s, int *rc)
{
	newsidx_buf__append(b, s, strlen(s), rc);
}

void newsidx_buf__putc(struct newsidx_buf *b, char c, int *rc)
{
	newsidx_buf__append(b, &c, 1, rc);
}

void newsidx_buf__printf(struct newsidx_buf *b, int *rc, const char *fmt,
			 ...)
{
	va_list ap;
	int n;

	if (*rc)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		*rc = NEWSIDX_ERROR;
		return;
	}
	if (!grow(b, (size_t)n, rc))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void newsidx_buf__reset(struct newsidx_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void newsidx_buf__free(struct newsidx_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

uint64_t newsidx_mix64(uint64_t x)
{
	/* The splitmix64 finaliser: cheap, and every input bit matters. */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t newsidx_hash64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int newsidx_array__reserve(void *pp, size_t *cap, size_t need, size_t elem,
			   size_t min)
{
	size_t c = *cap ? *cap : (min ? min : 1);
	void *p;

	if (need <= *cap)
		return 0;
	while (c < need) {
		if (c > ((size_t)-1) / 2)
			return -1;
		c *= 2;
	}
	if (elem && c > ((size_t)-1) / elem)
		return -1;
	/* The pointer is read and written through memcpy: pp is a T **, and
	 * only its bytes are known here. */
	memcpy(&p, pp, sizeof(p));
	p = realloc(p, c * elem);
	if (!p)
		return -1;
	memcpy(pp, &p, sizeof(p));
	*cap = c;
	return 0;
}

char *newsidx_strdup(const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s);
	p = malloc(n + 1);
	if (p)
		memcpy(p, s, n + 1);
	return p;
}

char *newsidx_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}
