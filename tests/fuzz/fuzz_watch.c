/*
 * fuzz_watch.c: libFuzzer harness for store/watchrec.c, the parser of a
 * watch's stored form (metadata newsidx.watch:NAME), which a damaged or
 * hostile index directory may hold.  A record that parses must format
 * back to a record that parses to the same fields.
 *
 * Longer runs, from a build tree:
 *   top_srcdir=.. top_builddir=. sh ../tests/fuzz/run.sh 600
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct newsidx_watchrec r, again;
	char *text;
	size_t len = 0;

	if (newsidx_watchrec__parse((const char *)data, size, &r) != 0)
		return 0;
	if (!r.query || !r.query[0] || strlen(r.added) != 20)
		abort();
	text = newsidx_watchrec__format(&r, &len);
	if (text) {
		if (newsidx_watchrec__parse(text, len, &again) != 0 ||
		    strcmp(again.query, r.query) != 0 ||
		    again.cursor != r.cursor ||
		    strcmp(again.added, r.added) != 0 ||
		    strcmp(again.run, r.run) != 0 ||
		    strcmp(again.lang ? again.lang : "",
			   r.lang ? r.lang : "") != 0)
			abort();
		newsidx_watchrec__free(&again);
		free(text);
	}
	newsidx_watchrec__free(&r);
	return 0;
}
