/*
 * ingest.c: from bytes on disk to article records.
 *
 * Responsible for reading an input (a file or a memory buffer) through
 * the stream of util/stream.c, which decompresses gzip whenever the data
 * starts with gzip's magic bytes (never trusting the file name),
 * recognising the format from the content, and parsing it into struct
 * newsidx_article records:
 *
 * - plain text in the corpus format: an optional title line followed by
 *   a blank line, an optional "date YYYY-MM-DD Place:" lead, then the
 *   article; one article per file;
 * - JSON Lines: one JSON object per line with title, body (or text or
 *   content), date, url, source, place (or dateline), language, id,
 *   author(s) and topics (or tags); other members are ignored;
 * - RSS and Atom feeds (feed.c), HTML pages (html.c), WARC files
 *   (warc.c) and Reuters-21578 SGML (sgml.c), which this file
 *   recognises and hands over.
 *
 * Every article, whatever its format, leaves through record.c's
 * newsidx_record__emit, which completes its metadata (meta.c: dateline
 * place, language).
 *
 * Bad input is reported through the reject callback with the file and
 * the line, column or byte offset, and never stops the rest of the input.
 * Memory stays bounded: JSON Lines are streamed line by line and every
 * record is limited to max_article bytes; WARC is streamed record by
 * record; feeds, pages and SGML files are read whole, up to max_document
 * bytes.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "ingest/parsers.h"

#define SNIFF 4096

/* ---- small string helpers ---- */

static char *dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\v';
}

/* 1-based line and column of byte offset off in text. */
static void line_col(const char *text, size_t off, unsigned long *line,
		     unsigned long *col)
{
	const char *p = text, *e = text + off, *nl;

	*line = 1;
	while ((nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		(*line)++;
		p = nl + 1;
	}
	*col = (unsigned long)(e - p) + 1;
}

/* ---- plain text ---- */

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

static void parse_text(struct newsidx_ingest *ing, struct newsidx_stream *s)
{
	struct newsidx_article a;
	const char *text, *p, *e;
	long avail;
	size_t len, bad;
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
	if (!newsidx_utf8__valid(text, len, &bad)) {
		line_col(text, bad, &line, &col);
		snprintf(where, sizeof(where), "%s:%lu:%lu", ing->name, line,
			 col);
		newsidx_record__reject(
		    ing, where,
		    "invalid UTF-8 (byte 0x%02x at offset %zu); convert "
		    "the file to UTF-8",
		    (unsigned char)text[bad], bad);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.record = 1;
	p = text;
	e = text + len;
	if (e - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < e && is_space((unsigned char)*p))
		p++;
	/* An optional title line: short, no final full stop, then a blank
	 * line, and not itself a date lead. */
	{
		const char *nl = memchr(p, '\n', (size_t)(e - p));

		if (nl && nl - p <= 200 && strncmp(p, "date ", 5) != 0) {
			const char *q = nl + 1;
			const char *t = nl;

			while (t > p && is_space((unsigned char)t[-1]))
				t--;
			while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (t > p && q < e && *q == '\n' && t[-1] != '.') {
				a.title = dupn(p, (size_t)(t - p));
				p = q;
				while (p < e && is_space((unsigned char)*p))
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
				a.place = dupn(q, (size_t)(colon - q));
				q = colon + 1;
			}
			p = q;
			while (p < e && is_space((unsigned char)*p))
				p++;
		}
	}
	while (e > p && is_space((unsigned char)e[-1]))
		e--;
	if (p == e && !a.title) {
		newsidx_record__reject(ing, ing->name, "no article text");
		newsidx_article__clear(&a);
		return;
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
		return;
	}
	newsidx_record__emit(ing, &a, ing->name);
	a.body = NULL;
	newsidx_article__clear(&a);
}

/* ---- JSON Lines ---- */

static char *json_text(json_t *o, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *v = json_object_get(o, *keys);

		if (json_is_string(v) && json_string_length(v) > 0)
			return dupn(json_string_value(v),
				    json_string_length(v));
		if (json_is_integer(v)) {
			char num[32];

			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
				 json_integer_value(v));
			return newsidx_strdup(num);
		}
		if (json_is_array(v) && json_array_size(v) > 0) {
			/* Authors and tags come as lists: join them. */
			struct newsidx_buf b = { 0 };
			size_t i;
			json_t *x;
			int rc = 0;

			json_array_foreach (v, i, x) {
				if (!json_is_string(x))
					continue;
				if (b.len)
					newsidx_buf__puts(&b, ", ", &rc);
				newsidx_buf__puts(&b, json_string_value(x),
						  &rc);
			}
			if (!rc && b.len)
				return b.data;
			newsidx_buf__free(&b);
		}
	}
	return NULL;
}

static const char *const k_id[] = { "id", "guid", NULL };
static const char *const k_title[] = { "title", "headline", NULL };
static const char *const k_body[] = { "body", "text", "content", NULL };
static const char *const k_date[] = { "date", "published", "pubDate", NULL };
static const char *const k_url[] = { "url", "link", NULL };
static const char *const k_source[] = { "source", NULL };
static const char *const k_place[] = { "place", "dateline", NULL };
static const char *const k_lang[] = { "language", "lang", NULL };
static const char *const k_author[] = { "authors", "author", NULL };
static const char *const k_topics[] = { "topics", "tags", NULL };

/* lead: bytes of the line before the JSON text (white space, BOM), so
 * that error columns count bytes from the start of the line. */
static void json_record(struct newsidx_ingest *ing, const char *line,
			size_t len, unsigned long lineno, size_t lead)
{
	struct newsidx_article a;
	json_error_t jerr;
	json_t *o;
	char where[1024];
	char *date = NULL;

	o = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
		       &jerr);
	if (!o) {
		/* jansson's column counts characters; ours count bytes,
		 * like every other position newsidx reports. */
		size_t col = jerr.position > 0 ? (size_t)jerr.position : 1;

		/* Running out of line points just past its end. */
		if (col >= len)
			col = len + 1;
		snprintf(where, sizeof(where), "%s:%lu:%zu", ing->name, lineno,
			 lead + col);
		newsidx_record__reject(ing, where, "invalid JSON: %s",
				       jerr.text);
		return;
	}
	snprintf(where, sizeof(where), "%s:%lu", ing->name, lineno);
	if (!json_is_object(o)) {
		newsidx_record__reject(
		    ing, where, "expected a JSON object, got %s",
		    json_is_array(o) ? "an array" : "a scalar");
		json_decref(o);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.record = lineno;
	a.title = json_text(o, k_title);
	a.body = json_text(o, k_body);
	a.body_len = a.body ? strlen(a.body) : 0;
	a.url = json_text(o, k_url);
	a.source = json_text(o, k_source);
	a.place = json_text(o, k_place);
	a.lang = json_text(o, k_lang);
	a.authors = json_text(o, k_author);
	a.topics = json_text(o, k_topics);
	a.id = json_text(o, k_id);
	date = json_text(o, k_date);
	json_decref(o);
	if (!a.title && !a.body) {
		newsidx_record__reject(
		    ing, where,
		    "record has no title and no body (fields "
		    "title, body, text or content)");
		goto out;
	}
	if (date && !newsidx_meta__date(date, a.date, &a.tz_minutes,
					&a.has_time)) {
		newsidx_record__reject(ing, where, "unrecognised date '%.40s'",
				       date);
		goto out;
	}
	if (!a.id) {
		if (a.url) {
			a.id = newsidx_strdup(a.url);
		} else {
			char id[4200];

			snprintf(id, sizeof(id), "%s#%lu", ing->abspath,
				 lineno);
			a.id = newsidx_strdup(id);
		}
	}
	if (!a.body) {
		a.body = newsidx_strdup("");
		a.body_len = 0;
	}
	if (!a.title)
		a.title = newsidx_record__title(a.body, a.body_len);
	a.path = newsidx_strdup(ing->abspath);
	if (!a.id || !a.body || !a.title || !a.path) {
		newsidx_record__reject(ing, where, "out of memory");
		goto out;
	}
	newsidx_record__emit(ing, &a, where);
out:
	free(date);
	free(a.body);
	a.body = NULL;
	newsidx_article__clear(&a);
}

static void parse_jsonl(struct newsidx_ingest *ing, struct newsidx_stream *s)
{
	unsigned long lineno = 0;
	char where[1024];

	for (;;) {
		const char *data, *nl;
		size_t scanned = 0, n, avail, want;
		int too_long = 0;

		/* Find the end of the line, growing the buffer up to the
		 * record limit, then skipping the rest of an overlong one. */
		for (;;) {
			avail = newsidx_stream__buffered(s, &data);
			nl = avail > scanned ? memchr(data + scanned, '\n',
						      avail - scanned)
					     : NULL;
			if (nl || newsidx_stream__eof(s))
				break;
			scanned = avail;
			if (scanned > ing->max_article) {
				too_long = 1;
				newsidx_stream__consume(s, avail);
				scanned = 0;
			}
			/* On a broken stream the fill ends it; the loop then
			 * looks once more for lines in what did arrive. */
			want = avail + NEWSIDX_STREAM_CHUNK;
			if (newsidx_stream__fill(s, want) == -2) {
				newsidx_record__reject(ing, ing->name,
						       "out of memory");
				return;
			}
		}
		n = nl ? (size_t)(nl - data) : avail;
		if (n == 0 && !nl && !too_long) {
			if (newsidx_stream__error(s)) {
				snprintf(where, sizeof(where),
					 "%s: offset %llu (uncompressed)",
					 ing->name, newsidx_stream__offset(s));
				newsidx_record__reject(
				    ing, where,
				    "%s; the records before it were indexed",
				    newsidx_stream__error(s));
			}
			break;
		}
		lineno++;
		if (n > ing->max_article)
			too_long = 1;
		if (too_long) {
			snprintf(where, sizeof(where), "%s:%lu", ing->name,
				 lineno);
			newsidx_record__reject(
			    ing, where,
			    "record is larger than %zu bytes (see "
			    "--max-article-size)",
			    ing->max_article);
		} else if (!nl && newsidx_stream__error(s)) {
			/* A record cut off by a broken stream is dropped;
			 * the error is reported below. */
		} else {
			const char *line = data;
			size_t k = n, i = 0;

			while (k > 0 && is_space((unsigned char)line[k - 1]))
				k--;
			if (lineno == 1 && k >= 3 &&
			    memcmp(line, "\xef\xbb\xbf", 3) == 0)
				i = 3;
			while (i < k && is_space((unsigned char)line[i]))
				i++;
			if (k > i)
				json_record(ing, line + i, k - i, lineno, i);
		}
		newsidx_stream__consume(s, n + (nl ? 1 : 0));
		if (ing->status)
			return;
		if (!nl && newsidx_stream__error(s)) {
			snprintf(where, sizeof(where),
				 "%s: offset %llu (uncompressed)", ing->name,
				 newsidx_stream__offset(s));
			newsidx_record__reject(ing, where,
					       "%s; the records before it were "
					       "indexed",
					       newsidx_stream__error(s));
			return;
		}
		if (!nl && newsidx_stream__eof(s))
			break;
	}
}

/* ---- recognising the format ---- */

enum format {
	FMT_TEXT,
	FMT_JSONL,
	FMT_FEED,  /* XML: RSS, Atom, or another root that feed.c refuses */
	FMT_HTML,
	FMT_WARC,
	FMT_SGML
};

static int starts_ci(const unsigned char *p, const unsigned char *e,
		     const char *word)
{
	size_t n = strlen(word);

	return (size_t)(e - p) >= n && strncasecmp((const char *)p, word, n) == 0;
}

/* Past the end of a markup declaration, comment or processing
 * instruction at p (within the sniffed bytes), or NULL. */
static const unsigned char *skip_decl(const unsigned char *p,
				      const unsigned char *e)
{
	const char *end;

	if (starts_ci(p, e, "<!--")) {
		end = memmem(p, (size_t)(e - p), "-->", 3);
		return end ? (const unsigned char *)end + 3 : NULL;
	}
	if (starts_ci(p, e, "<?")) {
		end = memmem(p, (size_t)(e - p), "?>", 2);
		return end ? (const unsigned char *)end + 2 : NULL;
	}
	/* <!DOCTYPE name ... [ internal subset ] > */
	{
		const unsigned char *q = p + 2;
		int depth = 0;

		for (; q < e; q++) {
			if (*q == '[')
				depth++;
			else if (*q == ']')
				depth--;
			else if (*q == '>' && depth <= 0)
				return q + 1;
		}
	}
	return NULL;
}

/*
 * The format of an input from its first bytes (after gzip): "WARC/1."
 * for WARC; "<!DOCTYPE lewis" or "<REUTERS" for Reuters SGML; an XML
 * declaration or an <rss>, <feed> or <rdf:RDF> root for a feed; an
 * <html> root or an HTML doctype for a page; '{' for JSON Lines; plain
 * text otherwise.
 */
static enum format sniff(const unsigned char *p, const unsigned char *e)
{
	int xml = 0;

	if (e - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	if (starts_ci(p, e, "WARC/1."))
		return FMT_WARC;
	while (p < e && is_space(*p))
		p++;
	if (p < e && *p == '{')
		return FMT_JSONL;
	if (p >= e || *p != '<')
		return FMT_TEXT;
	if (starts_ci(p, e, "<?xml"))
		xml = 1;
	while (p < e && *p == '<') {
		if (starts_ci(p, e, "<!doctype")) {
			const unsigned char *n = p + 9;

			while (n < e && is_space(*n))
				n++;
			if (starts_ci(n, e, "lewis"))
				return FMT_SGML;
			if (starts_ci(n, e, "html"))
				return FMT_HTML;
			/* Another doctype is XML's, whatever follows. */
			xml = 1;
		}
		if (p + 1 < e && (p[1] == '!' || p[1] == '?')) {
			p = skip_decl(p, e);
			if (!p)
				return xml ? FMT_FEED : FMT_TEXT;
			while (p < e && is_space(*p))
				p++;
			continue;
		}
		p++;
		if (starts_ci(p, e, "REUTERS") && p + 7 < e &&
		    (p[7] == ' ' || p[7] == '>'))
			return FMT_SGML;
		if (starts_ci(p, e, "html") && p + 4 < e &&
		    (p[4] == ' ' || p[4] == '>' || is_space(p[4])))
			return FMT_HTML;
		if ((starts_ci(p, e, "rss") && p + 3 < e &&
		     (p[3] == '>' || is_space(p[3]))) ||
		    (starts_ci(p, e, "feed") && p + 4 < e &&
		     (p[4] == '>' || is_space(p[4]))))
			return FMT_FEED;
		{
			/* rdf:RDF, or any prefix:RDF, is RSS 1.0. */
			const unsigned char *q = p;

			while (q < e && (isalnum(*q) || *q == '-' || *q == '_'))
				q++;
			if (q < e && *q == ':' && starts_ci(q + 1, e, "RDF"))
				return FMT_FEED;
		}
		return xml ? FMT_FEED : FMT_TEXT;
	}
	return xml ? FMT_FEED : FMT_TEXT;
}

/*
 * Read a whole-file input into the reader's buffer, at most
 * max_document bytes.  Returns 0 with *data and *len, or -1 when the
 * input was rejected.  *broken is set when the stream broke: the bytes
 * before the fault are returned and the parser reports the fault.
 */
static int read_whole(struct newsidx_ingest *ing, struct newsidx_stream *s,
		      const char **data, size_t *len, const char **broken,
		      unsigned long long *broken_at)
{
	long got = newsidx_stream__fill(s, ing->max_document + 1);

	if (got == -2) {
		newsidx_record__reject(ing, ing->name, "out of memory");
		return -1;
	}
	*len = newsidx_stream__buffered(s, data);
	*broken = newsidx_stream__error(s);
	*broken_at = newsidx_stream__offset(s) + *len;
	if (*len > ing->max_document) {
		newsidx_record__reject(
		    ing, ing->name,
		    "file is larger than %zu bytes, the limit for feeds, "
		    "HTML pages and SGML files",
		    ing->max_document);
		return -1;
	}
	return 0;
}

newsidx_status_t newsidx_ingest__run(struct newsidx_ingest *ing,
				     const char *path, const void *data,
				     size_t len)
{
	struct newsidx_stream *s;
	char why[256], where[1024];
	long avail;
	const unsigned char *p, *e;
	const char *head, *doc, *broken;
	unsigned long long broken_at;
	size_t i, headlen, doclen;
	enum format fmt;

	ing->rejected = ing->articles = 0;
	ing->skipped = ing->unprocessed = ing->title_only = 0;
	ing->status = NEWSIDX_OK;
	if (!ing->max_article)
		ing->max_article = 4u << 20;
	if (!ing->max_document)
		ing->max_document = NEWSIDX_MAX_DOCUMENT;
	if (newsidx_stream__open(&s, path, data, len, why, sizeof(why))) {
		newsidx_record__reject(ing, ing->name, "%s", why);
		return NEWSIDX_IO;
	}
	avail = newsidx_stream__fill(s, SNIFF);
	if (avail == -2) {
		newsidx_stream__free(s);
		return NEWSIDX_NOMEM;
	}
	headlen = newsidx_stream__buffered(s, &head);
	if (avail == -1 && headlen > 0) {
		/* Broken after some data: the parsers keep the complete
		 * records and report the fault where they meet it. */
		avail = (long)headlen;
	}
	if (avail <= 0) {
		if (avail < 0) {
			snprintf(where, sizeof(where), "%s: offset %llu",
				 ing->name, newsidx_stream__offset(s));
			newsidx_record__reject(ing, where, "%s",
					       newsidx_stream__error(s));
		} else {
			newsidx_record__reject(ing, ing->name, "empty file");
		}
		newsidx_stream__free(s);
		return NEWSIDX_OK;
	}
	p = (const unsigned char *)head;
	e = p + headlen;
	fmt = sniff(p, e);
	/* Text formats never hold NUL bytes; WARC payloads may. */
	for (i = 0; (fmt == FMT_TEXT || fmt == FMT_JSONL) && p + i < e; i++) {
		if (p[i] == 0) {
			snprintf(where, sizeof(where), "%s: offset %zu",
				 ing->name, i);
			newsidx_record__reject(
			    ing, where,
			    "binary data (NUL byte); not a text, JSON Lines "
			    "or gzip file");
			newsidx_stream__free(s);
			return NEWSIDX_OK;
		}
	}
	switch (fmt) {
	case FMT_JSONL:
		parse_jsonl(ing, s);
		break;
	case FMT_TEXT:
		parse_text(ing, s);
		break;
	case FMT_WARC:
		newsidx_warc__parse(ing, s);
		break;
	case FMT_FEED:
	case FMT_HTML:
	case FMT_SGML:
		if (read_whole(ing, s, &doc, &doclen, &broken, &broken_at))
			break;
		if (fmt == FMT_FEED) {
			newsidx_feed__parse(ing, doc, doclen, broken,
					    broken_at);
		} else if (fmt == FMT_SGML) {
			newsidx_sgml__parse(ing, doc, doclen, broken,
					    broken_at);
		} else if (broken) {
			/* A page cut short is not the page. */
			snprintf(where, sizeof(where),
				 "%s: offset %llu (uncompressed)", ing->name,
				 broken_at);
			newsidx_record__reject(ing, where, "%s", broken);
		} else {
			newsidx_html__parse(ing, doc, doclen, NULL);
		}
		break;
	}
	newsidx_stream__free(s);
	return ing->status;
}
