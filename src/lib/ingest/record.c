/*
 * record.c: what every parser of ingest/ does with the articles it finds.
 *
 * Responsible for the last steps that are the same whatever the format:
 * an article leaves through newsidx_record__emit(), which refuses one
 * larger than max_article, repairs text that is not UTF-8, refuses an id
 * with a control character in it, completes the metadata (meta.c) and
 * hands it to on_article with the character encoding it was read in;
 * bad input is reported through newsidx_record__reject(), one line,
 * counted, the first kept for the file's state; a title is made
 * from the first sentence of the body when a format gives none; an
 * article's strings are freed by newsidx_article__clear(); and
 * newsidx_article__dup() copies an article, body included, for a caller
 * that analyses it in another thread after on_article returned.
 *
 * Not responsible for reading input or recognising formats: the parsers
 * call down into this file, never the other way.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/parsers.h"

void newsidx_article__clear(struct newsidx_article *a)
{
	free(a->id);
	free(a->title);
	free(a->place);
	free(a->source);
	free(a->url);
	free(a->path);
	free(a->lang);
	free(a->authors);
	free(a->topics);
	memset(a, 0, sizeof(*a));
}

/* A copy of s, or NULL for NULL; *bad is set when memory ran out. */
static char *dup_or_null(const char *s, int *bad)
{
	char *d;

	if (!s)
		return NULL;
	d = newsidx_strdup(s);
	if (!d)
		*bad = 1;
	return d;
}

struct newsidx_article *newsidx_article__dup(const struct newsidx_article *a)
{
	struct newsidx_article *c = malloc(sizeof(*c));
	int bad = 0;

	if (!c)
		return NULL;
	*c = *a;
	c->id = dup_or_null(a->id, &bad);
	c->title = dup_or_null(a->title, &bad);
	c->place = dup_or_null(a->place, &bad);
	c->source = dup_or_null(a->source, &bad);
	c->url = dup_or_null(a->url, &bad);
	c->path = dup_or_null(a->path, &bad);
	c->lang = dup_or_null(a->lang, &bad);
	c->authors = dup_or_null(a->authors, &bad);
	c->topics = dup_or_null(a->topics, &bad);
	/* The body may point into the parser's buffer: the copy owns one. */
	c->body = malloc(a->body_len + 1);
	if (c->body) {
		if (a->body_len)
			memcpy(c->body, a->body, a->body_len);
		c->body[a->body_len] = '\0';
	} else {
		bad = 1;
	}
	if (bad) {
		newsidx_article__free(c);
		return NULL;
	}
	return c;
}

void newsidx_article__free(struct newsidx_article *a)
{
	if (!a)
		return;
	free(a->body);
	newsidx_article__clear(a);
	free(a);
}

void newsidx_record__reject(struct newsidx_ingest *ing, const char *where,
			    const char *fmt, ...)
{
	char reason[512];
	char *nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	/* A reason is one line, whatever a library said. */
	while ((nl = strpbrk(reason, "\r\n")) != NULL)
		*nl = ' ';
	ing->rejected++;
	/* The first is what the index remembers of a file that failed. */
	if (!ing->reason[0]) {
		/* Cut to fit, as a long line is still one. */
		int n = snprintf(ing->reason, sizeof(ing->reason), "%.*s: ",
				 (int)(sizeof(ing->reason) / 2), where);

		if (n > 0 && (size_t)n < sizeof(ing->reason))
			memcpy(ing->reason + n, reason,
			       strnlen(reason, sizeof(ing->reason) - (size_t)n - 1) + 1);
		ing->reason[sizeof(ing->reason) - 1] = '\0';
	}
	if (ing->on_reject)
		ing->on_reject(ing->ctx, where, reason);
}

/* Make a malloc'd field valid UTF-8 (bytes read as Windows-1252). */
static void fix_utf8(char **f)
{
	struct newsidx_buf b = { 0 };
	int rc = 0;

	if (!*f || newsidx_utf8__valid(*f, strlen(*f), NULL))
		return;
	newsidx_meta__utf8(*f, strlen(*f), &b, &rc);
	if (rc || !b.data) {
		newsidx_buf__free(&b);
		**f = '\0';
		return;
	}
	free(*f);
	*f = b.data;
}

/*
 * The byte offset in id of its first control character (C0, DEL or C1,
 * the C1 as UTF-8), with its code point in *cp; or -1 when it has none.
 * Ids are printed one per line (--ids) and passed to other commands: a
 * newline in one would make two.
 */
static long id_control(const char *id, unsigned *cp)
{
	const unsigned char *p = (const unsigned char *)id;
	size_t i;

	for (i = 0; p[i]; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			*cp = p[i];
			return (long)i;
		}
		if (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) {
			*cp = p[i + 1];
			return (long)i;
		}
	}
	return -1;
}

newsidx_status_t newsidx_record__emit(struct newsidx_ingest *ing,
				      struct newsidx_article *a,
				      const char *where)
{
	struct newsidx_buf fixed = { 0 };
	char *body = a->body;
	size_t body_len = a->body_len;
	newsidx_status_t st;
	unsigned cp = 0;
	long bad;
	int rc = 0;

	if (ing->max_article && a->body_len > ing->max_article) {
		newsidx_record__reject(ing, where ? where : ing->name,
				       "article is larger than %zu bytes (see "
				       "--max-article-size)",
				       ing->max_article);
		return NEWSIDX_OK;
	}

	/* Whatever a parser or libxml2 let through, the index gets UTF-8:
	 * a document that lies about its encoding is repaired here. */
	fix_utf8(&a->id);
	fix_utf8(&a->title);
	fix_utf8(&a->place);
	fix_utf8(&a->source);
	fix_utf8(&a->url);
	fix_utf8(&a->lang);
	fix_utf8(&a->authors);
	fix_utf8(&a->topics);
	bad = a->id ? id_control(a->id, &cp) : -1;
	if (bad >= 0) {
		newsidx_record__reject(ing, where ? where : ing->name,
				       "article id has control character "
				       "U+%04X at byte %ld",
				       cp, bad);
		return NEWSIDX_OK;
	}
	if (!a->body) {
		a->body = (char *)"";
		a->body_len = 0;
	} else if (!newsidx_utf8__valid(a->body, a->body_len, NULL)) {
		newsidx_meta__utf8(a->body, a->body_len, &fixed, &rc);
		if (!rc && fixed.data) {
			a->body = fixed.data;
			a->body_len = fixed.len;
		}
	}
	if (!a->encoding[0])
		memcpy(a->encoding, ing->decoded_as, sizeof(a->encoding));
	newsidx_meta__finish(a);
	ing->articles++;
	st = ing->on_article(ing->ctx, a);
	if (st)
		ing->status = st;
	a->body = body;
	a->body_len = body_len;
	newsidx_buf__free(&fixed);
	return st;
}

char *newsidx_record__title(const char *body, size_t len)
{
	const char *nl = memchr(body, '\n', len);
	size_t n = nl ? (size_t)(nl - body) : len, i;
	const size_t max = 140;

	for (i = 0; i + 1 < n; i++) {
		/* A sentence ends at ". " before a capital, digit or quote. */
		if ((body[i] == '.' || body[i] == '?' || body[i] == '!') &&
		    body[i + 1] == ' ' && i + 2 < n &&
		    (isupper((unsigned char)body[i + 2]) ||
		     isdigit((unsigned char)body[i + 2]) ||
		     (unsigned char)body[i + 2] >= 0x80 || body[i + 2] == '"')) {
			n = i + (body[i] != '.');
			break;
		}
	}
	while (n > 0 && newsidx_is_space((unsigned char)body[n - 1]))
		n--;
	if (n > 0 && body[n - 1] == '.')
		n--;
	if (n > max) {
		size_t cut = max;

		while (cut > max / 2 && body[cut] != ' ')
			cut--;
		/* Never cut inside a UTF-8 sequence. */
		while (cut > 0 && ((unsigned char)body[cut] & 0xc0) == 0x80)
			cut--;
		while (cut > 0 && body[cut - 1] == ' ')
			cut--;
		{
			char *t = malloc(cut + 4);

			if (!t)
				return NULL;
			memcpy(t, body, cut);
			memcpy(t + cut, "\xe2\x80\xa6", 4);
			return t;
		}
	}
	return newsidx_strndup(body, n);
}
