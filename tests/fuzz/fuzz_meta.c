/*
 * fuzz_meta.c: libFuzzer harness for lib/meta.c and lib/lang.c: date
 * parsing (ISO 8601 and RFC 822), dateline places, place capitals,
 * Windows-1252 repair, hosts, language tags and language detection.
 * Every result must keep the documented form: a 14-digit date, UTF-8
 * places, a two-letter language code.
 *
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

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct newsidx_buf b = { 0 };
	char *s, *p, out[16], code[8];
	const char *l;
	int tz, t, rc = 0;

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (newsidx_meta__date(s, out, &tz, &t) &&
	    (strlen(out) != 14 || strspn(out, "0123456789") != 14 ||
	     tz < -18 * 60 || tz > 18 * 60))
		abort();

	newsidx_meta__utf8((const char *)data, size, &b, &rc);
	if (!rc && b.data) {
		if (!newsidx_utf8__valid(b.data, b.len, NULL))
			abort();
		p = newsidx_meta__dateline(b.data, b.len);
		if (p && (!*p || !newsidx_utf8__valid(p, strlen(p), NULL)))
			abort();
		free(p);
		p = newsidx_meta__place_case(b.data, b.len);
		if (p && !newsidx_utf8__valid(p, strlen(p), NULL))
			abort();
		free(p);
		l = newsidx_lang__detect(b.data, b.len);
		if (l && strlen(l) != 2)
			abort();
	}
	newsidx_buf__free(&b);

	free(newsidx_meta__clean(s, strlen(s)));
	free(newsidx_meta__host(s));
	if (newsidx_lang__normalize(s, code) &&
	    (strlen(code) < 2 || strlen(code) > 3))
		abort();
	free(s);
	return 0;
}
