/*
 * fuzz_gazetteer.c: libFuzzer harness for geo/: the parser of gazetteer
 * additions files (--gazetteer, NEWSIDX_GAZETTEER, and the copy an
 * index keeps), which are user input, and the tagger.  The input is
 * loaded as an additions file without the built-in data beneath; a bad
 * one must give "fuzz:LINE: reason" with a line within the text on one
 * line.  A good one, or the first line of a bad one, is then tagged as
 * an article's title, place and body with what loaded, and every name
 * it contains is looked up.
 *
 * Longer runs, from a build tree:
 *   top_srcdir=.. top_builddir=. sh ../tests/fuzz/run.sh 600
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/analyzer.h"
#include "geo/geo.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

struct feed {
	struct newsidx_tagger *t;
	const char *raw;
	size_t len;
	int zone;
};

static int feed_token(void *ctx, const struct newsidx_token *tok)
{
	struct feed *f = ctx;

	newsidx_tagger__token(f->t, tok, f->raw, f->len, f->zone);
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct newsidx_analyzer *an;
	const char *text = (const char *)data;
	struct newsidx_gaz *g = NULL;
	struct newsidx_tagger *t;
	struct newsidx_geo_tags tags;
	struct feed f;
	char err[512], *place, field[64];
	size_t i, lines = 1, cut;
	newsidx_status_t st;

	if (!an && newsidx_analyzer__new(&an, "en"))
		abort();
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	st = newsidx_gaz__load(&g, NULL, text, size, "fuzz", err, sizeof(err));
	if (st == NEWSIDX_INVALID_ARGUMENT) {
		unsigned long line = 0;

		if (strchr(err, '\n') || strncmp(err, "fuzz:", 5) != 0)
			abort();
		if (sscanf(err, "fuzz:%lu:", &line) == 1 &&
		    (line == 0 || line > lines))
			abort();
		return 0;
	}
	if (st)
		return 0;
	if (newsidx_tagger__new(&t, g)) {
		newsidx_gaz__free(g);
		return 0;
	}
	/* Text with no NUL: the tagger's input is UTF-8 text. */
	if (memchr(text, '\0', size) || !newsidx_utf8__valid(text, size, NULL))
		goto out;
	{
		/* The input is not NUL-terminated: no str* on it. */
		const char *nl = memchr(text, '\n', size);

		cut = nl ? (size_t)(nl - text) : size;
	}
	place = strndup(text, cut < 200 ? cut : 200);
	newsidx_tagger__start(t, place);
	f.t = t;
	f.raw = text;
	f.len = cut;
	f.zone = 0;
	newsidx_analyzer__tokenize(an, text, cut, 1, feed_token, &f, NULL);
	f.zone = 1;
	f.len = size;
	newsidx_analyzer__tokenize(an, text, size, 300, feed_token, &f, NULL);
	if (newsidx_tagger__finish(t, &tags) == NEWSIDX_OK) {
		for (i = 0; i < tags.ncountries; i++)
			if (strlen(tags.countries[i]) != 2)
				abort();
	}
	newsidx_gaz__field_value(g, "country", place, field, sizeof(field));
	newsidx_gaz__field_value(g, "person", place, field, sizeof(field));
	free(place);
out:
	newsidx_tagger__free(t);
	newsidx_gaz__free(g);
	return 0;
}
