/*
 * text.c: plain text in the corpus format, one article per file.
 *
 * Responsible for reading a whole text file, at most max_article bytes,
 * into one article: an optional title line followed by a blank line, an
 * optional "date YYYY-MM-DD Place:" lead, then the article.  The text
 * must be UTF-8; a bad byte is reported with its line and column.  A
 * file without a title line gets one from its first sentence
 * (record.c).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ingest/parsers.h"

/* A dateline place: 1-6 words, each starting with a capital letter (or
 * lower-case joining words like "de"), before a colon. */
static int looks_like_place(const char *s, size_t n)
{
	size_t i, words = 0;
	int start = 1;

	if (n == 0 || n > 60)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ') {
			start = 1;
			continue;
		}
		if (start) {
			words++;
			if (!(isupper(c) || c >= 0x80 ||
			      (i > 0 && islower(c))))
				return 0;
			start = 0;
		}
		if (c == '.' || c == ';' || c == '!' || c == '?' || c == '"')
			return 0;
	}
	return words >= 1 && words <= 6 &&
	       (isupper((unsigned char)s[0]) || (unsigned char)s[0] >= 0x80);
}

void newsidx_text__parse(struct newsidx_ingest *ing, struct newsidx_stream *s)
{
	struct newsidx_decoded dec = { 0 };
	struct newsidx_article a;
	const char *text, *p, *e;
	long avail;
	size_t len;
	unsigned long line, col;
	char where[1024];

	avail = newsidx_stream__fill(s, ing->max_article + 1);
	if (avail == -2) {
		newsidx_record__reject(ing, ing->name, "out of memory");
		return;
	}
	if (avail < 0) {
		snprintf(where, sizeof(where), "%s: offset %llu", ing->name,
			 newsidx_stream__offset(s) +
				 newsidx_stream__buffered(s, &text));
		newsidx_record__reject(ing, where, "%s",
				       newsidx_stream__error(s));
		return;
	}
	len = (size_t)avail;
	if (len > ing->max_article) {
		newsidx_record__reject(ing, ing->name,
				       "article is larger than %zu bytes (see "
				       "--max-article-size)",
				       ing->max_article);
		return;
	}
	newsidx_stream__buffered(s, &text);
	if (!ing->predecoded) {
		int r = newsidx_encoding__decode(&dec, text, len,
						 ing->encoding, NULL, 0);

		if (r < 0) {
			newsidx_record__reject(ing, ing->name, "out of memory");
			goto out;
		}
		if (r > 0) {
			newsidx_encoding__line_col(text, dec.bad, &line, &col);
			snprintf(where, sizeof(where), "%s:%lu:%lu", ing->name,
				 line, col);
			newsidx_record__reject(ing, where, "%s", dec.why);
			goto out;
		}
		text = dec.text;
		len = dec.len;
		snprintf(ing->decoded_as, sizeof(ing->decoded_as), "%s",
			 dec.name);
	}
	memset(&a, 0, sizeof(a));
	a.record = 1;
	p = text;
	e = text + len;
	if (e - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < e && newsidx_is_space((unsigned char)*p))
		p++;
	/* An optional title line: short, no final full stop, then a blank
	 * line, and not itself a date lead. */
	{
		const char *nl = memchr(p, '\n', (size_t)(e - p));

		if (nl && nl - p <= 200 && strncmp(p, "date ", 5) != 0) {
			const char *q = nl + 1;
			const char *t = nl;

			while (t > p && newsidx_is_space((unsigned char)t[-1]))
				t--;
			while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (t > p && q < e && *q == '\n' && t[-1] != '.') {
				a.title = newsidx_strndup(p, (size_t)(t - p));
				p = q;
				while (p < e && newsidx_is_space((unsigned char)*p))
					p++;
			}
		}
	}
	/* An optional "date YYYY-MM-DD Place:" lead. */
	if (e - p > 15 && strncmp(p, "date ", 5) == 0) {
		char d[11];

		memcpy(d, p + 5, 10);
		d[10] = '\0';
		if (newsidx_ingest__date(d, a.date, &a.tz_minutes,
					 &a.has_time)) {
			const char *q = p + 15, *colon;

			while (q < e && (*q == ' ' || *q == '\t'))
				q++;
			colon = memchr(q, ':', (size_t)(e - q) < 64
						      ? (size_t)(e - q)
						      : 64);
			if (colon && looks_like_place(q, (size_t)(colon - q))) {
				a.place = newsidx_strndup(q,
							  (size_t)(colon - q));
				q = colon + 1;
			}
			p = q;
			while (p < e && newsidx_is_space((unsigned char)*p))
				p++;
		}
	}
	while (e > p && newsidx_is_space((unsigned char)e[-1]))
		e--;
	if (p == e && !a.title) {
		newsidx_record__reject(ing, ing->name, "no article text");
		newsidx_article__clear(&a);
		goto out;
	}
	a.body = (char *)p;
	a.body_len = (size_t)(e - p);
	if (!a.title)
		a.title = newsidx_record__title(p, a.body_len);
	a.id = newsidx_strdup(ing->abspath);
	a.path = newsidx_strdup(ing->abspath);
	if (!a.title || !a.id || !a.path) {
		newsidx_record__reject(ing, ing->name, "out of memory");
		newsidx_article__clear(&a);
		goto out;
	}
	newsidx_record__emit(ing, &a, ing->name);
	a.body = NULL;
	newsidx_article__clear(&a);
out:
	newsidx_decoded__free(&dec);
}
