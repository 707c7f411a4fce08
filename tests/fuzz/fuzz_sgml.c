/*
 * fuzz_sgml.c: libFuzzer harness for lib/sgml.c, the Reuters-21578
 * SGML scanner (stories, attributes, character references, bytes that
 * are not UTF-8, dates, datelines).  Every input must be parsed or
 * rejected without crashing, leaking or hanging, and every article must
 * be valid UTF-8 whatever bytes came in.
 *
 * Seeds: the .sgm files of tests/fixtures/formats.
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

	if (!a->id || strncmp(a->id, "reuters-", 8) != 0 || !a->title ||
	    !a->path)
		abort();
	if (a->body_len && !a->body)
		abort();
	if (a->date[0] && strlen(a->date) != 14)
		abort();
	if (!newsidx_utf8__valid(a->title, strlen(a->title), NULL) ||
	    (a->body && !newsidx_utf8__valid(a->body, a->body_len, NULL)) ||
	    (a->place && !newsidx_utf8__valid(a->place, strlen(a->place),
					      NULL)))
		abort();
	*n += a->body_len;
	return NEWSIDX_OK;
}

static void on_reject(void *ctx, const char *where, const char *reason)
{
	(void)ctx;
	if (!where || strncmp(where, "fuzz", 4) != 0 || !reason || !*reason ||
	    strchr(reason, '\n'))
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
	ing.on_article = on_article;
	ing.on_reject = on_reject;
	ing.ctx = &n;
	newsidx_sgml__parse(&ing, (const char *)data, size,
			    size > 0 && (data[0] & 1) ? "truncated gzip data"
						      : NULL,
			    size);
	return 0;
}
