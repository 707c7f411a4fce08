/*
 * input.c: what the searches take as a query, around the parser: valid
 * UTF-8, at most NEWSIDX_QUERY_MAX_BYTES bytes and at most
 * NEWSIDX_QUERY_MAX_WORDS words (query/query.h says why).  The parser
 * itself (query.c) takes any bytes of any length, as its fuzz harness
 * and its tests require; the limits protect the index, not the grammar.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "query/query.h"
#include "util/util.h"

/* Refuse the query: no tree, the offset and the message of the fault,
 * NEWSIDX_QUERY_SYNTAX. */
static newsidx_status_t refuse(struct newsidx_qnode **out, size_t *err_offset,
			       size_t off, char *errbuf, size_t errlen,
			       const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static newsidx_status_t refuse(struct newsidx_qnode **out, size_t *err_offset,
			       size_t off, char *errbuf, size_t errlen,
			       const char *fmt, ...)
{
	va_list ap;

	if (out)
		*out = NULL;
	if (err_offset)
		*err_offset = off;
	if (errbuf && errlen) {
		va_start(ap, fmt);
		vsnprintf(errbuf, errlen, fmt, ap);
		va_end(ap);
	}
	return NEWSIDX_QUERY_SYNTAX;
}

/* The offset of the first byte of the len bytes at s that is no UTF-8
 * (overlong forms, surrogates and code points past U+10FFFF included),
 * or len.  Here rather than the analyzer's, which the parser must not
 * need. */
static size_t utf8_bad(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n, k;

	while (i < len) {
		unsigned c = u[i];

		n = c < 0x80 ? 1 : c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3
			       : c < 0xf5 ? 4 : 0;
		if (n == 0 || n > len - i)
			return i;
		for (k = 1; k < n; k++)
			if ((u[i + k] & 0xc0) != 0x80)
				return i;
		if ((c == 0xe0 && u[i + 1] < 0xa0) ||
		    (c == 0xed && u[i + 1] > 0x9f) ||
		    (c == 0xf0 && u[i + 1] < 0x90) ||
		    (c == 0xf4 && u[i + 1] > 0x8f))
			return i;
		i += n;
	}
	return len;
}

/*
 * Count the words of the tree at n, in the order they were typed (a
 * phrase's words one by one), into *count; once it passes max, *off is
 * where the first word over the limit was typed.  Returns 1 then.
 */
static int count_words(const struct newsidx_qnode *n, size_t max,
		       size_t *count, size_t *off)
{
	size_t i;

	if (n->type == NEWSIDX_Q_WORD || n->type == NEWSIDX_Q_PHRASE) {
		for (i = 0; n->text[i]; i++)
			if (!newsidx_is_space((unsigned char)n->text[i]) &&
			    (i == 0 || newsidx_is_space((unsigned char)n->text[i - 1])) &&
			    ++*count > max) {
				*off = n->span_off + i;
				return 1;
			}
		return 0;
	}
	for (i = 0; i < n->nkids; i++)
		if (count_words(n->kids[i], max, count, off))
			return 1;
	return 0;
}

newsidx_status_t newsidx_query__parse_input(const char *query,
					    struct newsidx_qnode **out,
					    size_t *err_offset, char *errbuf,
					    size_t errlen)
{
	size_t len = query ? strnlen(query, NEWSIDX_QUERY_MAX_BYTES + 1) : 0;
	size_t bad = 0, words = 0;
	newsidx_status_t st;

	if (len > NEWSIDX_QUERY_MAX_BYTES)
		return refuse(out, err_offset, len - 1, errbuf, errlen,
			      "query is longer than %d bytes",
			      NEWSIDX_QUERY_MAX_BYTES);
	if (query && (bad = utf8_bad(query, len)) < len)
		return refuse(out, err_offset, bad, errbuf, errlen,
			      "invalid UTF-8 (byte 0x%02x at offset %zu)",
			      (unsigned char)query[bad], bad);
	st = newsidx_query__parse(query, out, err_offset, errbuf, errlen);
	if (st || !*out ||
	    !count_words(*out, NEWSIDX_QUERY_MAX_WORDS, &words, &bad))
		return st;
	newsidx_query__free(*out);
	return refuse(out, err_offset, bad, errbuf, errlen,
		      "query has more than %d words", NEWSIDX_QUERY_MAX_WORDS);
}

