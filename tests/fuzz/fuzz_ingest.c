/*
 * fuzz_ingest.c: libFuzzer harness for the input parsers (format
 * detection, gzip, plain text leads, JSON Lines, dates).  Every input
 * must be parsed or rejected without crashing, leaking or hanging, and
 * every rejection must name a position on one line.
 *
 * Longer runs:  tests/fuzz/run.sh 600   (seconds per harness)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ingest/parsers.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static newsidx_status_t on_article(void *ctx, struct newsidx_article *a)
{
	size_t *n = ctx;

	/* Touch what the indexer would read. */
	if (!a->id || !a->title || !a->body || strlen(a->id) == 0)
		abort();
	if (a->date[0] && strlen(a->date) != 14)
		abort();
	*n += a->body_len;
	return NEWSIDX_OK;
}

static void on_reject(void *ctx, const char *where, const char *reason)
{
	(void)ctx;
	if (!where || !*where || !reason || !*reason ||
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
	ing.on_article = on_article;
	ing.on_reject = on_reject;
	ing.ctx = &n;
	newsidx_ingest__run(&ing, NULL, data, size);
	return 0;
}
