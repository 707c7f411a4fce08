/*
 * fuzz_html.c: libFuzzer harness for lib/html.c: HTML pages (metadata,
 * JSON-LD, the choice of the article's element, text extraction) and
 * HTML fragments.  Every input must give one article or one rejection,
 * without crashing, leaking, hanging or printing.
 *
 * Seeds: the .html files of tests/fixtures/formats.
 * Longer runs, from a build tree:
 *   top_srcdir=.. top_builddir=. sh ../tests/fuzz/run.sh 600
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/analyzer.h"
#include "ingest/parsers.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static newsidx_status_t on_article(void *ctx, struct newsidx_article *a)
{
	size_t *n = ctx;

	if (!a->id || !*a->id || !a->title || !a->path || !a->body_len ||
	    !a->body)
		abort();
	if (a->date[0] && strlen(a->date) != 14)
		abort();
	if (!newsidx_utf8__valid(a->title, strlen(a->title), NULL) ||
	    !newsidx_utf8__valid(a->body, a->body_len, NULL))
		abort();
	(*n)++;
	return NEWSIDX_OK;
}

static void on_reject(void *ctx, const char *where, const char *reason)
{
	size_t *n = ctx;

	if (!where || strncmp(where, "fuzz", 4) != 0 || !reason || !*reason ||
	    strchr(reason, '\n'))
		abort();
	(*n)++;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct newsidx_ingest ing;
	struct newsidx_page_hints hints;
	struct newsidx_buf text = { 0 };
	struct newsidx_decoded dec = { 0 };
	size_t n = 0;

	memset(&ing, 0, sizeof(ing));
	ing.name = "fuzz";
	ing.abspath = "/fuzz";
	ing.max_article = 1 << 16;
	ing.max_document = 1 << 20;
	ing.on_article = on_article;
	ing.on_reject = on_reject;
	ing.ctx = &n;
	newsidx_html__parse(&ing, (const char *)data, size, NULL);
	if (n != 1)
		abort(); /* one page, one article or one rejection */

	/* As from a WARC record: decoded with an HTTP charset that may
	 * not exist, as warc.c does. */
	memset(&hints, 0, sizeof(hints));
	hints.id = hints.url = "http://fuzz.example/";
	hints.date = "2024-01-01T00:00:00Z";
	hints.source = "fuzz.example";
	hints.where = "fuzz: offset 0 (record 1)";
	hints.record = 1;
	n = 0;
	if (newsidx_encoding__decode(
		    &dec, (const char *)data, size, NULL,
		    size > 0 && (data[0] & 1) ? "iso-8859-1" : "x-bogus",
		    NEWSIDX_ENC_HTML) == 0)
		newsidx_html__parse(&ing, dec.text, dec.len, &hints);
	newsidx_decoded__free(&dec);

	if (newsidx_html__text((const char *)data, size, &text) == 0 &&
	    text.data && !newsidx_utf8__valid(text.data, text.len, NULL))
		abort();
	newsidx_buf__free(&text);
	return 0;
}
