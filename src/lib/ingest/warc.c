/*
 * warc.c: WARC files (ISO 28500, WARC/1.0 and 1.1), as written by web
 * crawlers such as Common Crawl's news crawl.
 *
 * Responsible for reading a WARC file record by record, plain or with
 * one gzip member per record (util/stream.c joins the members), and
 * turning each `response` record whose HTTP payload is HTML into an
 * article through html.c.  The article's id and url are the record's
 * WARC-Target-URI; its date is the page's own, else the WARC-Date; its
 * source is the page's site name, else the host of the URI.
 *
 * Every other record (warcinfo, request, metadata, revisit, responses
 * that are not HTML or not 2xx, pages with no text) is skipped and
 * counted in ing->skipped.  A malformed record (no header, a bad or
 * wrong Content-Length) is reported with its offset and number, and the
 * reader looks for the next "WARC/1." line to carry on.  Chunked and
 * gzip- or deflate-encoded HTTP payloads are decoded, and each page is
 * made UTF-8 in its own character encoding (encoding.c): the HTTP
 * Content-Type charset, else what the page declares, else UTF-8, else
 * what is detected; a page whose bytes no encoding explains is reported
 * with its record and the byte offset in its payload.
 *
 * Memory: a record is held whole only up to ing->max_document bytes;
 * larger records are skipped by streaming through them.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "ingest/parsers.h"

#define MAX_HEADER 65536 /* bytes of WARC or HTTP headers */

struct record {
	unsigned long long offset; /* of its first byte */
	unsigned long number;      /* 1-based */
	char type[32];
	char uri[4096];
	char date[64];
	char ctype[256];
	char ptype[256]; /* WARC-Identified-Payload-Type */
	unsigned long long length;
	int has_length;
};

/* "NAME: offset N (record K[, uncompressed])" */
static void record_where(struct newsidx_ingest *ing, struct newsidx_stream *s,
			 const struct record *rec, char *where, size_t size)
{
	snprintf(where, size, "%s: offset %llu (record %lu%s)", ing->name,
		 rec->offset, rec->number,
		 newsidx_stream__compressed(s) ? ", uncompressed" : "");
}

/* Copy a header value (trimmed, at most size-1 bytes) into out. */
static void header_value(const char *v, size_t n, char *out, size_t size)
{
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' ||
			 v[n - 1] == '\r'))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(out, v, n);
	out[n] = '\0';
}

/* The end of a header block ("\r\n\r\n" or "\n\n") in p[0..n), as the
 * offset just past it, or 0. */
static size_t header_end(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* Parse the WARC header lines of p[0..n) into rec. */
static void parse_headers(const char *p, size_t n, struct record *rec)
{
	const char *e = p + n, *line = p;

	while (line < e) {
		const char *nl = memchr(line, '\n', (size_t)(e - line));
		const char *colon;
		size_t len = nl ? (size_t)(nl - line) : (size_t)(e - line);

		colon = memchr(line, ':', len);
		if (colon) {
			size_t kl = (size_t)(colon - line);
			const char *v = colon + 1;
			size_t vl = len - kl - 1;

#define KEY(k) (kl == strlen(k) && strncasecmp(line, k, kl) == 0)
			if (KEY("WARC-Type"))
				header_value(v, vl, rec->type,
					     sizeof(rec->type));
			else if (KEY("WARC-Target-URI"))
				header_value(v, vl, rec->uri, sizeof(rec->uri));
			else if (KEY("WARC-Date"))
				header_value(v, vl, rec->date,
					     sizeof(rec->date));
			else if (KEY("Content-Type"))
				header_value(v, vl, rec->ctype,
					     sizeof(rec->ctype));
			else if (KEY("WARC-Identified-Payload-Type"))
				header_value(v, vl, rec->ptype,
					     sizeof(rec->ptype));
			else if (KEY("Content-Length")) {
				char num[32];
				char *end;

				header_value(v, vl, num, sizeof(num));
				rec->length = strtoull(num, &end, 10);
				rec->has_length = num[0] >= '0' &&
						  num[0] <= '9' && *end == '\0';
			}
#undef KEY
		}
		line = nl ? nl + 1 : e;
	}
	/* WARC/1.0 wrote the URI in angle brackets. */
	if (rec->uri[0] == '<') {
		size_t k = strlen(rec->uri);

		if (k >= 2 && rec->uri[k - 1] == '>') {
			memmove(rec->uri, rec->uri + 1, k - 2);
			rec->uri[k - 2] = '\0';
		}
	}
}

/* Remove HTTP chunked transfer coding in place; returns the new length,
 * or (size_t)-1 when the chunks are malformed. */
static size_t dechunk(char *p, size_t n)
{
	size_t in = 0, out = 0;

	for (;;) {
		unsigned long long size = 0;
		int digits = 0;

		while (in < n && isxdigit((unsigned char)p[in])) {
			int c = tolower((unsigned char)p[in]);

			if (size > (1ULL << 40))
				return (size_t)-1;
			size = size * 16 +
			       (unsigned)(isdigit(c) ? c - '0' : c - 'a' + 10);
			in++;
			digits++;
		}
		if (!digits)
			return (size_t)-1;
		while (in < n && p[in] != '\n')
			in++; /* chunk extensions */
		if (in >= n)
			return (size_t)-1;
		in++;
		if (size == 0)
			return out;
		if (size > n - in)
			return (size_t)-1;
		memmove(p + out, p + in, (size_t)size);
		out += (size_t)size;
		in += (size_t)size;
		if (in < n && p[in] == '\r')
			in++;
		if (in < n && p[in] == '\n')
			in++;
	}
}

/* Inflate gzip or zlib/raw deflate data into out, at most max bytes.
 * Returns 0, or -1 when the data is corrupt or too large. */
static int inflate_all(const char *p, size_t n, size_t max,
		       struct newsidx_buf *out)
{
	z_stream z;
	unsigned char chunk[16384];
	int ret, rc = 0, tries;

	for (tries = 0; tries < 2; tries++) {
		memset(&z, 0, sizeof(z));
		/* 32+15: gzip or zlib by header; then raw deflate. */
		if (inflateInit2(&z, tries == 0 ? 32 + 15 : -15) != Z_OK)
			return -1;
		z.next_in = (Bytef *)p;
		z.avail_in = (uInt)n;
		newsidx_buf__reset(out);
		do {
			z.next_out = chunk;
			z.avail_out = sizeof(chunk);
			ret = inflate(&z, Z_NO_FLUSH);
			if (ret != Z_OK && ret != Z_STREAM_END)
				break;
			newsidx_buf__append(out, chunk,
					    sizeof(chunk) - z.avail_out, &rc);
			if (rc || out->len > max) {
				ret = Z_MEM_ERROR;
				break;
			}
		} while (ret != Z_STREAM_END && z.avail_in > 0);
		inflateEnd(&z);
		if (ret == Z_STREAM_END ||
		    (ret == Z_OK && z.avail_in == 0 && out->len))
			return 0;
		if (ret == Z_MEM_ERROR)
			return -1;
	}
	return -1;
}

/* A header of an HTTP response block, or "" (trimmed into out). */
static void http_header(const char *h, size_t n, const char *key, char *out,
			size_t size)
{
	const char *line = h, *e = h + n;
	size_t kl = strlen(key);

	out[0] = '\0';
	while (line < e) {
		const char *nl = memchr(line, '\n', (size_t)(e - line));
		size_t len = nl ? (size_t)(nl - line) : (size_t)(e - line);

		if (len > kl && line[kl] == ':' &&
		    strncasecmp(line, key, kl) == 0) {
			header_value(line + kl + 1, len - kl - 1, out, size);
			return;
		}
		line = nl ? nl + 1 : e;
	}
}

static int is_html_type(const char *t)
{
	while (*t == ' ')
		t++;
	return strncasecmp(t, "text/html", 9) == 0 ||
	       strncasecmp(t, "application/xhtml+xml", 21) == 0;
}

/* The charset parameter of a Content-Type, into out ("" if none). */
static void charset_of(const char *ctype, char *out, size_t size)
{
	const char *p = strcasestr(ctype, "charset=");
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += 8;
	if (*p == '"')
		p++;
	n = strcspn(p, "\"; ");
	if (n == 0 || n >= size)
		return;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* A response record's block: the HTTP message; an article if HTML. */
static void response(struct newsidx_ingest *ing, struct newsidx_stream *s,
		     const struct record *rec, const char *block, size_t n)
{
	struct newsidx_decoded dec = { 0 };
	struct newsidx_page_hints hints;
	struct newsidx_buf payload = { 0 };
	char where[1024], ctype[256], te[64], ce[64], charset[64];
	const char *body;
	size_t hl, blen;
	int status = 0, r;
	char *host;

	record_where(ing, s, rec, where, sizeof(where));
	if (strncasecmp(rec->ctype, "application/http", 16) != 0 &&
	    !(rec->ctype[0] == '\0' && n >= 5 &&
	      strncmp(block, "HTTP/", 5) == 0)) {
		/* A response that is not an HTTP message (e.g. DNS). */
		ing->skipped++;
		return;
	}
	if (n < 12 || strncmp(block, "HTTP/", 5) != 0) {
		newsidx_record__reject(ing, where,
				       "response record does not hold an HTTP "
				       "response");
		return;
	}
	{
		const char *sp = memchr(block, ' ', n < 16 ? n : 16);

		if (sp && sp + 4 <= block + n && isdigit((unsigned char)sp[1]))
			status = atoi(sp + 1);
	}
	hl = header_end(block, n > MAX_HEADER ? MAX_HEADER : n);
	if (!hl) {
		newsidx_record__reject(ing, where,
				       "HTTP headers do not end within %d bytes",
				       MAX_HEADER);
		return;
	}
	http_header(block, hl, "Content-Type", ctype, sizeof(ctype));
	if (status < 200 || status > 299 ||
	    !(is_html_type(ctype) ||
	      (!ctype[0] && is_html_type(rec->ptype)))) {
		ing->skipped++;
		return;
	}
	body = block + hl;
	blen = n - hl;
	http_header(block, hl, "Transfer-Encoding", te, sizeof(te));
	http_header(block, hl, "Content-Encoding", ce, sizeof(ce));
	if (strcasestr(te, "chunked") || ce[0]) {
		int rc = 0;

		newsidx_buf__append(&payload, body, blen, &rc);
		if (rc) {
			newsidx_record__reject(ing, where, "out of memory");
			return;
		}
		if (strcasestr(te, "chunked")) {
			size_t k = dechunk(payload.data, payload.len);

			if (k == (size_t)-1) {
				newsidx_record__reject(ing, where,
						       "malformed chunked "
						       "HTTP payload");
				newsidx_buf__free(&payload);
				return;
			}
			payload.len = k;
		}
		if (strcasecmp(ce, "gzip") == 0 ||
		    strcasecmp(ce, "x-gzip") == 0 ||
		    strcasecmp(ce, "deflate") == 0) {
			struct newsidx_buf out = { 0 };

			if (inflate_all(payload.data, payload.len,
					8 * ing->max_article, &out)) {
				newsidx_record__reject(ing, where,
						       "corrupt %s HTTP payload, "
						       "or larger than %zu bytes",
						       ce, 8 * ing->max_article);
				newsidx_buf__free(&out);
				newsidx_buf__free(&payload);
				return;
			}
			newsidx_buf__free(&payload);
			payload = out;
		} else if (ce[0] && strcasecmp(ce, "identity") != 0) {
			newsidx_record__reject(ing, where,
					       "unsupported HTTP "
					       "Content-Encoding '%.20s'",
					       ce);
			newsidx_buf__free(&payload);
			return;
		}
		body = payload.data ? payload.data : "";
		blen = payload.len;
	}
	/* Each record's page in its own encoding: the HTTP charset, else
	 * what the page declares or is. */
	charset_of(ctype, charset, sizeof(charset));
	r = newsidx_encoding__decode(&dec, body, blen, ing->encoding,
				     charset[0] ? charset : NULL,
				     NEWSIDX_ENC_HTML);
	if (r) {
		if (r < 0)
			newsidx_record__reject(ing, where, "out of memory");
		else
			newsidx_record__reject(
			    ing, where, "HTTP payload %s", dec.why);
		newsidx_decoded__free(&dec);
		newsidx_buf__free(&payload);
		return;
	}
	snprintf(ing->decoded_as, sizeof(ing->decoded_as), "%s", dec.name);
	host = newsidx_meta__host(rec->uri);
	memset(&hints, 0, sizeof(hints));
	hints.id = rec->uri[0] ? rec->uri : NULL;
	hints.url = rec->uri[0] ? rec->uri : NULL;
	hints.date = rec->date[0] ? rec->date : NULL;
	hints.source = host;
	hints.where = where;
	hints.record = rec->number;
	newsidx_html__parse(ing, dec.text, dec.len, &hints);
	ing->decoded_as[0] = '\0';
	free(host);
	newsidx_decoded__free(&dec);
	newsidx_buf__free(&payload);
}

/* Move past the start of the next "WARC/1." line, from byte `from` of
 * the current position on; returns 0 at the end of the input. */
static int resync(struct newsidx_stream *s, size_t from)
{
	const char *p;
	long n;

	newsidx_stream__consume(s, from);
	for (;;) {
		const char *hit;

		n = newsidx_stream__peek(s, 1 << 16, &p);
		if (n <= 7)
			return 0;
		hit = memmem(p, (size_t)n, "\nWARC/1.", 8);
		if (hit) {
			newsidx_stream__consume(s, (size_t)(hit + 1 - p));
			return 1;
		}
		newsidx_stream__consume(s, (size_t)n - 7);
	}
}

/* Move past hl bytes of headers and the length bytes of block after
 * them, a piece at a time; 0 when the stream ends first. */
static int pass_by(struct newsidx_stream *s, size_t hl,
		   unsigned long long length)
{
	unsigned long long left = length;
	const char *p;
	long n;

	newsidx_stream__consume(s, hl);
	while (left > 0) {
		n = newsidx_stream__peek(s, 1 << 16, &p);
		if (n <= 0)
			break;
		if ((unsigned long long)n > left)
			n = (long)left;
		newsidx_stream__consume(s, (size_t)n);
		left -= (unsigned long long)n;
	}
	return left == 0;
}

void newsidx_warc__parse(struct newsidx_ingest *ing, struct newsidx_stream *s)
{
	unsigned long number = 0;
	char where[1024];

	for (;;) {
		struct record rec;
		const char *p;
		long n;
		size_t hl, total, want;

		/* Records are followed by two CRLFs; tolerate more. */
		for (;;) {
			n = newsidx_stream__peek(s, 1, &p);
			if (n <= 0 || (*p != '\r' && *p != '\n'))
				break;
			newsidx_stream__consume(s, 1);
		}
		if (n < 0) {
			newsidx_record__reject(ing, ing->name, "out of memory");
			return;
		}
		if (n == 0)
			break;
		memset(&rec, 0, sizeof(rec));
		rec.offset = newsidx_stream__offset(s);
		rec.number = ++number;
		n = newsidx_stream__peek(s, MAX_HEADER, &p);
		if (n < 0) {
			newsidx_record__reject(ing, ing->name, "out of memory");
			return;
		}
		record_where(ing, s, &rec, where, sizeof(where));
		if (n < 8 || strncmp(p, "WARC/1.", 7) != 0) {
			newsidx_record__reject(ing, where,
					       "expected a WARC record header "
					       "('WARC/1.x'); skipping to the "
					       "next one");
			if (!resync(s, 1))
				break;
			continue;
		}
		hl = header_end(p, (size_t)n);
		if (!hl) {
			if (newsidx_stream__error(s) || n < MAX_HEADER)
				break; /* cut off: reported below */
			newsidx_record__reject(ing, where,
					       "WARC headers do not end within "
					       "%d bytes",
					       MAX_HEADER);
			if (!resync(s, 1))
				break;
			continue;
		}
		parse_headers(p, hl, &rec);
		if (!rec.has_length) {
			newsidx_record__reject(ing, where,
					       "record has no valid "
					       "Content-Length");
			if (!resync(s, hl))
				break;
			continue;
		}
		if (rec.length > ing->max_document) {
			/* Too big to hold: stream through it. */
			if (!pass_by(s, hl, rec.length))
				break;
			if (strcmp(rec.type, "response") == 0)
				newsidx_record__reject(ing, where,
						       "record of %llu bytes is "
						       "larger than the limit "
						       "of %zu",
						       rec.length,
						       ing->max_document);
			else
				ing->skipped++;
			continue;
		}
		total = hl + (size_t)rec.length;
		/* The block and a look at what follows it. */
		want = total + 64;
		n = newsidx_stream__peek(s, want, &p);
		if (n < 0) {
			newsidx_record__reject(ing, where, "out of memory");
			return;
		}
		if ((size_t)n < total) {
			if (newsidx_stream__error(s))
				break;
			newsidx_record__reject(ing, where,
					       "record is cut short: "
					       "Content-Length is %llu but only "
					       "%zu bytes follow the header",
					       rec.length, (size_t)n - hl);
			/* A length too large swallows the records after
			 * it: look for them. */
			if (!resync(s, hl))
				break;
			continue;
		}
		{
			/* The block must end where the next record or the
			 * file starts, after its CRLF CRLF. */
			size_t k = total;

			while (k < (size_t)n && (p[k] == '\r' || p[k] == '\n'))
				k++;
			if (k < (size_t)n &&
			    ((size_t)n - k < 7 || strncmp(p + k, "WARC/1.", 7) != 0)) {
				if (newsidx_stream__error(s) && (size_t)n < want)
					break;
				newsidx_record__reject(
					ing, where,
					"Content-Length (%llu) does not match "
					"the record: no record boundary after "
					"it; skipping to the next record",
					rec.length);
				if (!resync(s, hl))
					break;
				continue;
			}
		}
		if (strcmp(rec.type, "response") == 0)
			response(ing, s, &rec, p + hl, (size_t)rec.length);
		else
			ing->skipped++;
		if (ing->status)
			return;
		newsidx_stream__consume(s, total);
	}
	if (newsidx_stream__error(s)) {
		snprintf(where, sizeof(where), "%s: offset %llu%s", ing->name,
			 newsidx_stream__offset(s),
			 newsidx_stream__compressed(s) ? " (uncompressed)" : "");
		newsidx_record__reject(ing, where,
				       "%s; the records before it were indexed",
				       newsidx_stream__error(s));
	}
}
