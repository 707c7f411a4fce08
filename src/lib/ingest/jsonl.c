/*
 * jsonl.c: JSON Lines, one article per line.
 *
 * Responsible for reading one JSON object per line with title, body (or
 * text or content), date, url, source, place (or dateline), language,
 * id, author(s) and topics (or tags); other members are ignored.  Lines
 * are streamed one at a time, so memory stays bounded by max_article,
 * the limit of one record; a longer line is skipped and reported.  A bad
 * record is reported with its line (and column, for bad JSON) and the
 * rest of the file is still read; when gzip data breaks, the records
 * before the fault are kept and the fault is reported with its offset.
 * Lines that are not UTF-8 are read in the encoding detected for the
 * file (decode_line()).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ingest/parsers.h"

static char *json_text(json_t *o, const char *const *keys)
{
	for (; *keys; keys++) {
		json_t *v = json_object_get(o, *keys);

		if (json_is_string(v) && json_string_length(v) > 0)
			return newsidx_strndup(json_string_value(v),
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

/*
 * A line in UTF-8: JSON is UTF-8 (RFC 8259), but dumps made on Windows
 * in Windows-1252 exist.  A line that is valid UTF-8 is read as it is,
 * unless an encoding is forced; another is read in the encoding
 * detected for the file's first such line (*file_enc, kept across
 * lines, as one line is too little for detection to be sure twice), else
 * detected anew.  0 with *line and *len replaced; -1 when rejected.
 */
static int decode_line(struct newsidx_ingest *ing, struct newsidx_decoded *d,
		       const char **line, size_t *len, unsigned long lineno,
		       size_t lead, char *file_enc, size_t file_enc_size)
{
	char where[1024];
	int r;

	ing->decoded_as[0] = '\0';
	if (ing->predecoded) {
		memcpy(ing->decoded_as, file_enc, sizeof(ing->decoded_as));
		return 0;
	}
	if (!ing->encoding && newsidx_utf8__valid(*line, *len, NULL))
		return 0;
	r = newsidx_encoding__decode(d, *line, *len, ing->encoding,
				     file_enc[0] ? file_enc : NULL, 0);
	if (r < 0) {
		snprintf(where, sizeof(where), "%s:%lu", ing->name, lineno);
		newsidx_record__reject(ing, where, "out of memory");
		return -1;
	}
	if (r > 0) {
		snprintf(where, sizeof(where), "%s:%lu:%zu", ing->name, lineno,
			 lead + d->bad + 1);
		newsidx_record__reject(ing, where, "%s", d->why);
		return -1;
	}
	*line = d->text;
	*len = d->len;
	snprintf(ing->decoded_as, sizeof(ing->decoded_as), "%s", d->name);
	if (!file_enc[0] && d->name[0])
		snprintf(file_enc, file_enc_size, "%s", d->name);
	return 0;
}

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

void newsidx_jsonl__parse(struct newsidx_ingest *ing, struct newsidx_stream *s)
{
	struct newsidx_decoded dec = { 0 };
	unsigned long lineno = 0;
	char where[1024], file_enc[32];

	/* A whole file made UTF-8 first (UTF-16) keeps its encoding. */
	memcpy(file_enc, ing->decoded_as, sizeof(file_enc));

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
				goto out;
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

			while (k > 0 && newsidx_is_space((unsigned char)line[k - 1]))
				k--;
			if (lineno == 1 && k >= 3 &&
			    memcmp(line, "\xef\xbb\xbf", 3) == 0)
				i = 3;
			while (i < k && newsidx_is_space((unsigned char)line[i]))
				i++;
			const char *text = line + i;
			size_t tlen = k - i;

			if (k > i &&
			    decode_line(ing, &dec, &text, &tlen, lineno, i,
					file_enc, sizeof(file_enc)) == 0)
				json_record(ing, text, tlen, lineno, i);
		}
		newsidx_stream__consume(s, n + (nl ? 1 : 0));
		if (ing->status)
			goto out;
		if (!nl && newsidx_stream__error(s)) {
			snprintf(where, sizeof(where),
				 "%s: offset %llu (uncompressed)", ing->name,
				 newsidx_stream__offset(s));
			newsidx_record__reject(ing, where,
					       "%s; the records before it were "
					       "indexed",
					       newsidx_stream__error(s));
			goto out;
		}
		if (!nl && newsidx_stream__eof(s))
			break;
	}
out:
	newsidx_decoded__free(&dec);
}
