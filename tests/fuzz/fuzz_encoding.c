/*
 * fuzz_encoding.c: libFuzzer harness for ingest/encoding.c, the choice of
 * a character encoding and the conversion to UTF-8, and for the whole
 * ingest path with an encoding forced.
 *
 * The first byte chooses what is forced (nothing, or one of a few
 * encodings, wide ones too), what a container says and where
 * declarations are looked for; the rest is the input.  Whatever comes
 * in, a decoded text must be valid UTF-8 of the length said, and a
 * refusal must name an offset inside the input and one line of reason.
 *
 * Longer runs:  tests/fuzz/run.sh 600   (seconds per harness)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ingest/parsers.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char *const forced[] = { NULL,	     "WINDOWS-1252",
				      "shift_jis",   "UTF-16",
				      "utf-32be",    "gb18030",
				      "ISO-2022-JP", "utf-8" };
static const char *const containers[] = { NULL, "iso-8859-1", "koi8-r",
					  "utf-16le" };

static newsidx_status_t on_article(void *ctx, struct newsidx_article *a)
{
	(void)ctx;
	if (!newsidx_utf8__valid(a->body, a->body_len, NULL) ||
	    !newsidx_utf8__valid(a->title, strlen(a->title), NULL))
		abort();
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
	struct newsidx_decoded d = { 0 };
	struct newsidx_ingest ing;
	const char *in = (const char *)data + 1;
	unsigned char k;
	size_t len;
	int r;

	if (size < 1)
		return 0;
	k = data[0];
	len = size - 1;
	r = newsidx_encoding__decode(&d, in, len, forced[k & 7],
				     containers[(k >> 3) & 3], (k >> 5) & 7);
	if (r == 0) {
		if (!newsidx_utf8__valid(d.text, d.len, NULL))
			abort();
	} else if (r == 1) {
		if (d.bad > len || !d.why[0] || strchr(d.why, '\n'))
			abort();
	} else if (r != -1) {
		abort();
	}
	newsidx_decoded__free(&d);

	/* The whole path, every format, with that encoding forced. */
	memset(&ing, 0, sizeof(ing));
	ing.name = "fuzz";
	ing.abspath = "/fuzz";
	ing.max_article = 1 << 16;
	ing.on_article = on_article;
	ing.on_reject = on_reject;
	ing.encoding = forced[k & 7];
	newsidx_ingest__run(&ing, NULL, in, len);
	return 0;
}
