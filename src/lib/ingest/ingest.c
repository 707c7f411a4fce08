/*
 * ingest.c: from an input to the parser of its format.
 *
 * Responsible for opening an input (a file or a memory buffer) as a
 * stream (util/stream.c, which decompresses gzip whenever the data
 * starts with gzip's magic bytes, never trusting the file name),
 * recognising its format from the first bytes, and handing it to the
 * parser of that format: plain text (text.c), JSON Lines (jsonl.c), RSS
 * and Atom feeds (feed.c), HTML pages (html.c), WARC files (warc.c) and
 * Reuters-21578 SGML (sgml.c).  Feeds, pages and SGML files are read
 * whole here, up to max_document bytes; the other parsers read the
 * stream themselves: JSON Lines line by line, each record limited to
 * max_article bytes, and WARC record by record, so memory stays bounded.
 *
 * Not responsible for the articles themselves: every parser passes them
 * to record.c, which completes their metadata (meta.c) and hands them to
 * on_article.  This file calls the parsers; nothing in ingest/ calls it.
 *
 * Character encodings are settled here for the whole-file formats: the
 * input is made UTF-8 (encoding.c) before its parser sees it, the
 * parsers told to ignore the declarations that no longer hold.  An input
 * in UTF-16 or UTF-32 is made UTF-8 whole before its format is even
 * recognised.  The streamed formats decide per record: WARC per HTML
 * payload (warc.c), JSON Lines per line (jsonl.c).
 *
 * Bad input is reported through the reject callback with the file and
 * the line, column or byte offset, and never stops the rest of the input.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ingest/parsers.h"

#define SNIFF 4096

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
	while (p < e && newsidx_is_space(*p))
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

			while (n < e && newsidx_is_space(*n))
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
			while (p < e && newsidx_is_space(*p))
				p++;
			continue;
		}
		p++;
		if (starts_ci(p, e, "REUTERS") && p + 7 < e &&
		    (p[7] == ' ' || p[7] == '>'))
			return FMT_SGML;
		if (starts_ci(p, e, "html") && p + 4 < e &&
		    (p[4] == ' ' || p[4] == '>' || newsidx_is_space(p[4])))
			return FMT_HTML;
		if ((starts_ci(p, e, "rss") && p + 3 < e &&
		     (p[3] == '>' || newsidx_is_space(p[3]))) ||
		    (starts_ci(p, e, "feed") && p + 4 < e &&
		     (p[4] == '>' || newsidx_is_space(p[4]))))
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

/* Report bytes that no encoding explains, at their line and column in
 * the input as read. */
static void reject_undecodable(struct newsidx_ingest *ing, const char *data,
			       const struct newsidx_decoded *d)
{
	char where[1024];
	unsigned long line, col;

	newsidx_encoding__line_col(data, d->bad, &line, &col);
	snprintf(where, sizeof(where), "%s:%lu:%lu", ing->name, line, col);
	newsidx_record__reject(ing, where, "%s", d->why);
}

/*
 * An input in UTF-16 or UTF-32 (by its byte order mark, or forced): its
 * format cannot be recognised from its bytes, so the whole of it, at
 * most max_document bytes, is made UTF-8 first and read from memory.
 */
static newsidx_status_t run_wide(struct newsidx_ingest *ing,
				 struct newsidx_stream *s)
{
	struct newsidx_decoded d = { 0 };
	const char *doc, *broken;
	unsigned long long broken_at;
	size_t doclen;
	newsidx_status_t st = NEWSIDX_OK;
	int r;

	if (read_whole(ing, s, &doc, &doclen, &broken, &broken_at))
		return NEWSIDX_OK;
	if (broken) {
		char where[1024];

		snprintf(where, sizeof(where), "%s: offset %llu (uncompressed)",
			 ing->name, broken_at);
		newsidx_record__reject(ing, where, "%s", broken);
		return NEWSIDX_OK;
	}
	r = newsidx_encoding__decode(&d, doc, doclen, ing->encoding, NULL, 0);
	if (r < 0) {
		newsidx_record__reject(ing, ing->name, "out of memory");
	} else if (r > 0) {
		reject_undecodable(ing, doc, &d);
	} else {
		ing->predecoded = 1;
		snprintf(ing->decoded_as, sizeof(ing->decoded_as), "%s",
			 d.name);
		st = newsidx_ingest__run(ing, NULL, d.text, d.len);
		ing->predecoded = 0;
	}
	newsidx_decoded__free(&d);
	return st;
}

/*
 * The whole-file formats in UTF-8: decoded as encoding.c decides, with
 * the declarations of XML and HTML.  0 with *text and *len (d's or the
 * input's), -1 when the input was rejected.  A Reuters SGML file whose
 * bytes no encoding explains is still read: it holds a thousand
 * stories, and its parser reads each stray byte as Windows-1252.
 */
static int decode_whole(struct newsidx_ingest *ing, enum format fmt,
			struct newsidx_decoded *d, const char **text,
			size_t *len, int truncated)
{
	unsigned flags = fmt == FMT_FEED   ? NEWSIDX_ENC_XML
			 : fmt == FMT_HTML ? NEWSIDX_ENC_HTML
					   : 0;
	int r;

	if (ing->predecoded)
		return 0;
	if (truncated)
		flags |= NEWSIDX_ENC_TRUNCATED;
	r = newsidx_encoding__decode(d, *text, *len, ing->encoding, NULL,
				     flags);
	if (r < 0) {
		newsidx_record__reject(ing, ing->name, "out of memory");
		return -1;
	}
	if (r > 0) {
		if (fmt == FMT_SGML)
			return 0;
		reject_undecodable(ing, *text, d);
		return -1;
	}
	*text = d->text;
	*len = d->len;
	snprintf(ing->decoded_as, sizeof(ing->decoded_as), "%s", d->name);
	return 0;
}

newsidx_status_t newsidx_ingest__run(struct newsidx_ingest *ing,
				     const char *path, const void *data,
				     size_t len)
{
	struct newsidx_decoded dec = { 0 };
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
	ing->reason[0] = '\0';
	if (!ing->predecoded)
		ing->decoded_as[0] = '\0';
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
	if (!ing->predecoded &&
	    newsidx_encoding__wide(head, headlen, ing->encoding)) {
		newsidx_status_t st = run_wide(ing, s);

		newsidx_stream__free(s);
		return st;
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
		newsidx_jsonl__parse(ing, s);
		break;
	case FMT_TEXT:
		newsidx_text__parse(ing, s);
		break;
	case FMT_WARC:
		newsidx_warc__parse(ing, s);
		break;
	case FMT_FEED:
	case FMT_HTML:
	case FMT_SGML:
		if (read_whole(ing, s, &doc, &doclen, &broken, &broken_at) ||
		    decode_whole(ing, fmt, &dec, &doc, &doclen, broken != NULL))
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
	newsidx_decoded__free(&dec);
	return ing->status;
}
