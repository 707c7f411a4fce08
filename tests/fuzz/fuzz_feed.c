/*
 * fuzz_feed.c: libFuzzer harness for lib/feed.c, the RSS and Atom
 * parser (libxml2 underneath, and html.c for HTML in item bodies).
 * Every input must be parsed or rejected without crashing, leaking,
 * hanging or printing, and every rejection must be one line that names
 * the input.  The input is handed to the feed parser directly, so the
 * fuzzer need not first discover what the format sniffer wants.
 *
 * Seeds: the .xml files of tests/fixtures/formats.
 * Longer runs, from a build tree:
 *   top_srcdir=.. top_builddir=. sh ../tests/fuzz/run.sh 600
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/analyzer.h"
#include "ingest/parsers.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static newsidx_status_t on_article(void *ctx, struct newsidx_article *a)
{
	size_t *n = ctx;

	if (!a->id || !*a->id || !a->title || !a->path)
		abort();
	if (a->body_len && !a->body)
		abort();
	if (a->date[0] && strlen(a->date) != 14)
		abort();
	if (!newsidx_utf8__valid(a->title, strlen(a->title), NULL) ||
	    (a->body && !newsidx_utf8__valid(a->body, a->body_len, NULL)))
		abort();
	*n += a->body_len;
	return NEWSIDX_OK;
}

static void on_reject(void *ctx, const char *where, const char *reason)
{
	(void)ctx;
	if (!where || strncmp(where, "fuzz", 4) != 0 || !reason || !*reason ||
	    strchr(reason, '\n') || strchr(where, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct newsidx_ingest ing;
	size_t n = 0;

	memset(&ing, 0, sizeof(ing));
	ing.name = "fuzz";
	ing.abspath = "/fuzz";
	ing.max_article = 1 << 16;
	ing.max_document = 1 << 20;
	ing.on_article = on_article;
	ing.on_reject = on_reject;
	ing.ctx = &n;
	/* Half the inputs as a whole feed, half as one cut by a broken
	 * stream, which takes another path. */
	if (size > 0 && (data[0] & 1))
		newsidx_feed__parse(&ing, (const char *)data + 1, size - 1,
				    "truncated gzip data", size);
	else
		newsidx_feed__parse(&ing, (const char *)data, size, NULL, 0);
	return 0;
}
