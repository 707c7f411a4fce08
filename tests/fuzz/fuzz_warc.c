/*
 * fuzz_warc.c: libFuzzer harness for lib/warc.c, the WARC record reader
 * (headers, Content-Length checks and resynchronisation, HTTP status,
 * chunked and gzip payloads), through newsidx_ingest__run() so that the
 * streaming reader and gzip are part of it.  Inputs that do not start
 * like a WARC file get a "WARC/1.0" line put in front, so every input
 * reaches the WARC parser.
 *
 * Seeds: the WARC files of tests/fixtures/formats.
 * Longer runs, from a build tree:
 *   top_srcdir=.. top_builddir=. sh ../tests/fuzz/run.sh 600
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ingest/parsers.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static newsidx_status_t on_article(void *ctx, struct newsidx_article *a)
{
	size_t *n = ctx;

	if (!a->id || !*a->id || !a->title || !a->path || !a->body)
		abort();
	if (a->date[0] && strlen(a->date) != 14)
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
	static const char head[] = "WARC/1.0\r\n";
	struct newsidx_ingest ing;
	unsigned char *buf = NULL;
	size_t n = 0;
	int gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;

	memset(&ing, 0, sizeof(ing));
	ing.name = "fuzz";
	ing.abspath = "/fuzz";
	ing.max_article = 1 << 16;
	ing.max_document = 1 << 16; /* small, so big records stream */
	ing.on_article = on_article;
	ing.on_reject = on_reject;
	ing.ctx = &n;
	if (!gz && (size < 7 || memcmp(data, head, 7) != 0)) {
		buf = malloc(size + sizeof(head));
		if (!buf)
			return 0;
		memcpy(buf, head, sizeof(head) - 1);
		if (size)
			memcpy(buf + sizeof(head) - 1, data, size);
		newsidx_ingest__run(&ing, NULL, buf, size + sizeof(head) - 1);
		free(buf);
	} else {
		newsidx_ingest__run(&ing, NULL, data, size);
	}
	return 0;
}
