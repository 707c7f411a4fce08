/*
 * ingest/ingest.h: the interface of the ingest layer to the layers above
 * it: the article record every format produces, and the call that reads
 * one input into articles.  The parsers' own interfaces are in
 * ingest/parsers.h, which nothing outside ingest/ reads.
 */
#ifndef NEWSIDX_INGEST_H
#define NEWSIDX_INGEST_H

#include <stddef.h>

#include "newsidx.h"

/* ------------------------------------------------------------------ */
/* interface to ingest/ingest.c: reading files into articles          */
/* ------------------------------------------------------------------ */

/* One article as parsed from any format.  All strings are malloc'd or
 * NULL, except body which may point into the reader's buffer.  A new
 * string member must also be freed in newsidx_article__clear() and
 * copied in newsidx_article__dup() (record.c): the copy starts as a
 * shallow one, and a member left shared would be freed twice. */
struct newsidx_article {
	char *id;
	char *title;
	char *body;
	size_t body_len;
	char *place;
	char *source;
	char *url;
	char *path;    /* absolute path of the input file */
	char *lang;    /* ISO 639-1 or NULL */
	char *authors;
	char *topics;
	char date[16]; /* "YYYYMMDDhhmmss" UTC, or "" when unknown */
	int has_time;  /* the input gave a time of day, not only a date */
	int tz_minutes; /* the original UTC offset of the date */
	unsigned long record; /* 1-based record number within the file */
	char encoding[32]; /* the character encoding the article was read
			      in when it was not UTF-8 (or ASCII), as
			      iconv names it: "WINDOWS-1252"; else "" */
};

/* Receives each parsed article; a nonzero status stops the file. */
typedef newsidx_status_t (*newsidx_article_fn)(void *ctx,
					       struct newsidx_article *a);

/* Receives each rejection (where and reason, as newsidx_reject_fn). */
typedef void (*newsidx_ingest_reject_fn)(void *ctx, const char *where,
					 const char *reason);

struct newsidx_ingest {
	const char *name;       /* file name for messages */
	const char *abspath;    /* absolute path for ids and the XF term */
	size_t max_article;     /* bytes */
	newsidx_article_fn on_article;
	newsidx_ingest_reject_fn on_reject;
	void *ctx;
	unsigned long rejected; /* out: rejections in this input */
	unsigned long articles; /* out: articles passed to on_article */
	newsidx_status_t status; /* out: what on_article stopped it with */
	/* Added for feeds, HTML, WARC and Reuters SGML (lib/feed.c ...): */
	size_t max_document;       /* bytes of a whole-file input (feed,
				      page, SGML) or of a WARC record;
				      0: NEWSIDX_MAX_DOCUMENT */
	unsigned long skipped;     /* out: records read but not articles
				      (WARC requests, metadata, images) */
	unsigned long unprocessed; /* out: articles of raw, unparsed text
				      (Reuters TYPE="UNPROC"), included */
	unsigned long title_only;  /* out: articles with a title and no
				      body text (Reuters BRIEF), included */
	/* Added for character encodings (ingest/encoding.c): */
	const char *encoding;      /* read every input in this encoding,
				      whatever it declares; NULL: decide */
	char reason[300];          /* out: the first rejection of the
				      input, "WHERE: REASON", or "" */
	char decoded_as[32];       /* the encoding of what the parser
				      reads now, which newsidx_record__emit()
				      gives each article; "" for UTF-8 */
	int predecoded;            /* the whole input was made UTF-8
				      before its format was recognised */
};

/*
 * Parse one input from a file (path) or from memory (data/len when path
 * is NULL), decompressing gzip when its magic bytes are present, and
 * recognising the format by content.  Returns NEWSIDX_OK when the input
 * was read (even if records were rejected, see ing->rejected), the
 * status returned by on_article if it stopped the run, NEWSIDX_IO when
 * the file cannot be opened, NEWSIDX_NOMEM.
 */
newsidx_status_t newsidx_ingest__run(struct newsidx_ingest *ing,
				     const char *path, const void *data,
				     size_t len);

/* ------------------------------------------------------------------ */
/* interface to ingest/record.c: articles that outlive the parser      */
/* ------------------------------------------------------------------ */

/* A copy of an article that owns all its strings, body included, for a
 * caller that analyses it after on_article has returned (another
 * thread): NULL when memory ran out.  newsidx_article__free() frees
 * it; NULL is accepted. */
struct newsidx_article *newsidx_article__dup(const struct newsidx_article *a);
void newsidx_article__free(struct newsidx_article *a);

/* ------------------------------------------------------------------ */
/* interface to ingest/encoding.c: character encodings                */
/* ------------------------------------------------------------------ */

/* Does iconv know the character encoding named label (as
 * newsidx_ingest.encoding would use it)?  1 or 0. */
int newsidx_encoding__known(const char *label);

#endif /* NEWSIDX_INGEST_H */
