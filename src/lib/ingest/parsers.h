/*
 * ingest/parsers.h: what the files of ingest/ share among themselves,
 * one section per file.  Private to ingest/ (and its tests); the layers
 * above read ingest/ingest.h.
 *
 * The files form a tree, listed here (and in Makefile.am) so that each
 * calls only files listed before it:
 *
 *   xml.c     libxml2's errors, caught instead of printed
 *   date.c    ISO 8601 and RFC 822 dates
 *   meta.c    metadata normalised the same way for every format
 *   record.c  what every parser does with an article: emit, reject,
 *             a title from the first sentence, clear
 *   encoding.c  which character encoding an input is in, and its text
 *             as UTF-8 (uchardet and iconv)
 *   text.c, jsonl.c, html.c, feed.c, warc.c, sgml.c
 *             the parsers, one per format (feed.c and warc.c use html.c)
 *   ingest.c  recognising the format and handing the input over; only
 *             the layers above call it (ingest/ingest.h)
 *
 * newsidx_ingest__run() opens the input as a util/stream.c stream and
 * hands it to one of the parsers.  Whole-file formats (RSS and Atom
 * feeds, HTML pages, Reuters-21578 SGML) receive the complete
 * decompressed input, at most ing->max_document bytes; plain text is one
 * article of at most ing->max_article bytes; JSON Lines and WARC read
 * the stream a line or a record at a time, so memory stays bounded by
 * the largest record.  Every parser fills struct newsidx_article and
 * passes it to newsidx_record__emit(), which completes the metadata the
 * same way for every format (newsidx_meta__finish()) before on_article
 * sees it, and reports bad records through newsidx_record__reject()
 * with the file and the line, record or offset.
 */
#ifndef NEWSIDX_INGEST_PARSERS_H
#define NEWSIDX_INGEST_PARSERS_H

#include <stddef.h>

#include "analyzer/analyzer.h"
#include "ingest/ingest.h"
#include "util/util.h"

/* The default bound of ing->max_document: 256 MiB. */
#define NEWSIDX_MAX_DOCUMENT ((size_t)256 << 20)

/* ------------------------------------------------------------------ */
/* interface to ingest/xml.c: libxml2's errors, caught                */
/* ------------------------------------------------------------------ */

/*
 * libxml2 reports errors through process-wide (per-thread) handlers.
 * Between begin and end they are caught instead, so nothing is
 * printed and the first error is kept with its line and column; end
 * restores the caller's handlers.  The first begin initialises libxml2.
 */
struct newsidx_xml_errors {
	unsigned long count; /* errors (not warnings) seen */
	int line, column;    /* of the first error; 0 when unknown */
	char msg[200];       /* the first error's message, one line */
	void (*saved_serror)(void);
	void *saved_sctx;
	void (*saved_generic)(void);
	void *saved_gctx;
};
void newsidx_xml__begin(struct newsidx_xml_errors *e);
void newsidx_xml__end(struct newsidx_xml_errors *e);

/* ------------------------------------------------------------------ */
/* interface to ingest/date.c: ISO 8601 and RFC 822 dates             */
/* ------------------------------------------------------------------ */

/*
 * Both parsers keep the names they had before dates had a file of their
 * own (the ISO one in ingest.c, the one for any date in meta.c), which
 * the unit tests call.
 *
 * newsidx_ingest__date parses "YYYY-MM-DD", or ISO 8601 / RFC 3339 with
 * an optional time and offset.  It writes "YYYYMMDDhhmmss" UTC into out
 * (16 bytes), the original offset in minutes and whether a time was
 * given, and returns 1; or returns 0 when s is not such a date.
 */
int newsidx_ingest__date(const char *s, char out[16], int *tz_minutes,
			 int *has_time);

/*
 * newsidx_meta__date parses what newsidx_ingest__date does, and RFC 822
 * / RFC 1123 dates with numeric or named zones ("Thu, 07 Mar 2024
 * 10:30:00 +0530", "7 Mar 24 10:30 EST"); same contract.  s may be NULL.
 */
int newsidx_meta__date(const char *s, char out[16], int *tz_minutes,
		       int *has_time);

/* A month name at s (three letters or the full English name, any case,
 * "Sept" too): returns 1..12 and its length in *n, or 0. */
int newsidx_date__month(const char *s, size_t *n);

/* ------------------------------------------------------------------ */
/* interface to ingest/meta.c: metadata, the same for every format    */
/* ------------------------------------------------------------------ */

/*
 * The dateline place at the start of an article's text ("TOKYO, March 7
 * (Reuters) -", "WASHINGTON (AP) --", "New Delhi:"), title-cased when
 * written in capitals; malloc'd, or NULL when the text starts with none.
 * Conservative: an ordinary first sentence never yields a place.
 */
char *newsidx_meta__dateline(const char *text, size_t len);

/* n bytes of a place name, title-cased if it has no lower-case letters
 * (or no capitals): "NEW YORK" -> "New York", "RIO DE JANEIRO" -> "Rio
 * de Janeiro".  malloc'd. */
char *newsidx_meta__place_case(const char *s, size_t n);

/* n bytes with runs of white space (and NBSP) made one space and the
 * ends trimmed; malloc'd, NULL when nothing is left or out of memory. */
char *newsidx_meta__clean(const char *s, size_t n);

/* Append n bytes to out as UTF-8: valid UTF-8 is copied, any other byte
 * is read as Windows-1252 (a superset of Latin-1 for text). */
void newsidx_meta__utf8(const char *s, size_t n, struct newsidx_buf *out,
			int *rc);

/* The host of a URL without "www." (malloc'd), or NULL. */
char *newsidx_meta__host(const char *url);

/*
 * Complete an article before it is indexed: a place from a dateline at
 * the start of the body when none was given; the declared language
 * normalised, else detected from title and body (left NULL when unsure,
 * so that the index's default, English, applies).
 */
void newsidx_meta__finish(struct newsidx_article *a);

/* ------------------------------------------------------------------ */
/* interface to ingest/record.c: what every parser does with articles */
/* ------------------------------------------------------------------ */

/* Free an article's strings (not body, which may point into the input)
 * and zero it. */
void newsidx_article__clear(struct newsidx_article *a);

/* Count a rejection and pass it to ing->on_reject (one line). */
void newsidx_record__reject(struct newsidx_ingest *ing, const char *where,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Complete a's metadata (newsidx_meta__finish()), count it and pass it
 * to on_article; or reject it at where when its body is larger than
 * ing->max_article or its id holds a control character (C0, DEL or C1).
 * a stays the caller's to clear afterwards.  Returns
 * NEWSIDX_OK, or what on_article returned, which is also kept in
 * ing->status and means the parser must stop.
 */
newsidx_status_t newsidx_record__emit(struct newsidx_ingest *ing,
				      struct newsidx_article *a,
				      const char *where);

/* A title from the first line or sentence of a body, at most about 140
 * bytes (malloc'd; NULL: no memory). */
char *newsidx_record__title(const char *body, size_t len);

/* ------------------------------------------------------------------ */
/* interface to ingest/encoding.c: any character encoding to UTF-8    */
/* ------------------------------------------------------------------ */

/* Where newsidx_encoding__decode() looks for a declaration. */
#define NEWSIDX_ENC_XML 1u       /* an XML declaration's encoding */
#define NEWSIDX_ENC_HTML 2u      /* that, or an HTML <meta> charset */
#define NEWSIDX_ENC_TRUNCATED 4u /* the input was cut short: an
				    incomplete character at its end is
				    dropped, not invalid */

/* An input as UTF-8 (see newsidx_encoding__decode()). */
struct newsidx_decoded {
	const char *text;  /* UTF-8 without a byte order mark: the input
			      itself, or buf's */
	size_t len;
	char name[32];     /* the decoder used (upper case, e.g.
			      "WINDOWS-1252"); "" when the input was UTF-8
			      or ASCII */
	size_t bad;        /* when refused: the offset of the first byte
			      that is not UTF-8 */
	char why[200];     /* when refused: why, one line */
	struct newsidx_buf buf;
};

/*
 * Decide the encoding of len bytes and make them UTF-8.  In order:
 * forced (may be NULL), a byte order mark, container (the charset a
 * container such as HTTP gives; may be NULL), what the input declares
 * (flags: NEWSIDX_ENC_XML, NEWSIDX_ENC_HTML), UTF-8 when valid, else
 * what uchardet detects; a declared encoding that the bytes contradict
 * is passed over (not a forced one).  d must start zeroed, and may be
 * used again; free it with newsidx_decoded__free().  Returns 0 with
 * d->text, d->len and d->name; 1 when no encoding explains the bytes,
 * with d->bad and d->why; -1 when out of memory.
 */
int newsidx_encoding__decode(struct newsidx_decoded *d, const char *data,
			     size_t len, const char *forced,
			     const char *container, unsigned flags);
void newsidx_decoded__free(struct newsidx_decoded *d);

/* The 1-based line and column (in bytes) of offset off in text, for
 * the position of a byte that no encoding explains. */
void newsidx_encoding__line_col(const char *text, size_t off,
				unsigned long *line, unsigned long *col);

/* Is the input in an encoding whose text is not ASCII-compatible (a
 * UTF-16 or UTF-32 byte order mark, or such a forced encoding), so that
 * it must be decoded whole before its format can be recognised? */
int newsidx_encoding__wide(const char *data, size_t len, const char *forced);

/* ------------------------------------------------------------------ */
/* interface to ingest/text.c: plain text, one article per file       */
/* ------------------------------------------------------------------ */

/* The rest of the stream s as one article in the corpus's plain-text
 * format; at most ing->max_article bytes. */
void newsidx_text__parse(struct newsidx_ingest *ing,
			 struct newsidx_stream *s);

/* ------------------------------------------------------------------ */
/* interface to ingest/jsonl.c: JSON Lines, one article per line      */
/* ------------------------------------------------------------------ */

/* The rest of the stream s as JSON Lines, one article per line of at
 * most ing->max_article bytes; a longer line is skipped and reported. */
void newsidx_jsonl__parse(struct newsidx_ingest *ing,
			  struct newsidx_stream *s);

/* ------------------------------------------------------------------ */
/* interface to ingest/html.c: HTML pages and fragments               */
/* ------------------------------------------------------------------ */

/*
 * One HTML news page, one article, from its text in UTF-8 (the caller
 * decodes it: ingest/encoding.c).  hints (may be NULL) come from a
 * container such as a WARC record: id and url replace what the page
 * says; date and source are used when the page gives none; where names
 * the record in messages.
 */
struct newsidx_page_hints {
	const char *id;
	const char *url;
	const char *date;    /* ISO 8601, e.g. WARC-Date */
	const char *source;  /* e.g. the host of the URL */
	const char *where;
	unsigned long record;
};
void newsidx_html__parse(struct newsidx_ingest *ing, const char *data,
			 size_t len, const struct newsidx_page_hints *hints);

/*
 * The text of an HTML fragment (a feed's content:encoded or summary):
 * scripts and styles dropped, white space collapsed, a blank line
 * between blocks.  Appended to out; returns 0, or NEWSIDX_NOMEM.
 */
int newsidx_html__text(const char *html, size_t len, struct newsidx_buf *out);

/* ------------------------------------------------------------------ */
/* interface to ingest/feed.c: RSS and Atom feeds                     */
/* ------------------------------------------------------------------ */

/*
 * An RSS 2.0, RSS 1.0 or Atom feed of len bytes of UTF-8 (whatever its
 * XML declaration says; ingest.c decodes it), one article per item
 * or entry.  Parsed by libxml2 without network access, entity
 * substitution or DTD loading; a feed that declares entities is refused
 * whole.  broken is NULL, or the reason the input stream broke at byte
 * broken_at, in which case only the items wholly before it are read.
 */
void newsidx_feed__parse(struct newsidx_ingest *ing, const char *data,
			 size_t len, const char *broken,
			 unsigned long long broken_at);

/* ------------------------------------------------------------------ */
/* interface to ingest/warc.c: WARC files                             */
/* ------------------------------------------------------------------ */

/* A WARC file, one article per HTML response record. */
void newsidx_warc__parse(struct newsidx_ingest *ing,
			 struct newsidx_stream *s);

/* ------------------------------------------------------------------ */
/* interface to ingest/sgml.c: Reuters-21578 SGML                     */
/* ------------------------------------------------------------------ */

/* Reuters-21578 SGML, one article per <REUTERS> story; broken and
 * broken_at as for newsidx_feed__parse(). */
void newsidx_sgml__parse(struct newsidx_ingest *ing, const char *data,
			 size_t len, const char *broken,
			 unsigned long long broken_at);

#endif /* NEWSIDX_INGEST_PARSERS_H */
