/*
 * fuzz_serve.c: a libFuzzer harness for the server's request routing.
 *
 * cli_api_route() (src/cli/serve_route.c) is where `newsidx serve`
 * interprets what a client sent: the method, the decoded path and the
 * decoded query-string parameters.  The input is split at NUL bytes
 * into the method, the path, then keys and values in turn (a value
 * starting with byte 0xff stands for a parameter without '=').  Besides
 * what the sanitizers catch, it checks the promises every request must
 * keep: an error is 400, 404 or 405 with a one-line message (405 with
 * the methods allowed); a search is within the limits; an article
 * request has its id; a write is a POST without parameters; a trend's
 * options are sound and its dates point into the request.  Build with
 *   clang -fsanitize=fuzzer,address,undefined -I. -Iinclude -Isrc/cli \
 *     $(pkg-config --cflags jansson) tests/fuzz/fuzz_serve.c \
 *     src/cli/serve_route.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 40

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cli_api_limits lim = { 200, 50, 1000 };
	struct cli_api_param params[MAX_FIELDS / 2];
	struct cli_api_request rq;
	const char *field[MAX_FIELDS];
	size_t nfield = 0, i, n = 0;
	char *buf = malloc(size + 1), *p;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = buf; nfield < MAX_FIELDS && p <= buf + size;
	     p += strlen(p) + 1)
		field[nfield++] = p;
	if (nfield < 2) {
		free(buf);
		return 0;
	}
	for (i = 2; i + 1 < nfield; i += 2) {
		params[n].key = field[i];
		params[n].value =
			(unsigned char)field[i + 1][0] == 0xff ? NULL
							       : field[i + 1];
		n++;
	}
	if (cli_api_route(&rq, field[0], field[1], params, n, &lim) != 0) {
		cli_api_request_clear(&rq);
		free(buf);
		return 0; /* out of memory */
	}
	if (rq.status) {
		if ((rq.status != 400 && rq.status != 404 &&
		     rq.status != 405) ||
		    !rq.error[0] || strchr(rq.error, '\n') ||
		    (rq.status == 405 && !rq.allow))
			abort();
	} else {
		switch (rq.what) {
		case CLI_API_SEARCH:
			if (!rq.query || strlen(rq.query) > lim.max_query_bytes)
				abort();
			/* fall through */
		case CLI_API_SIMILAR:
			/* limit 0: counts only */
			if (rq.so.limit > lim.max_limit ||
			    rq.so.offset > lim.max_offset)
				abort();
			if (rq.what == CLI_API_SIMILAR && (!rq.id || !rq.query))
				abort();
			break;
		case CLI_API_ARTICLE:
			if (!rq.id)
				abort();
			break;
		case CLI_API_POST:
			/* Only a POST without parameters may write. */
			if (strcmp(field[0], "POST") != 0 || n)
				abort();
			break;
		case CLI_API_TREND:
			/* dates point into the request; a period has a bound */
			if (!rq.query || strlen(rq.query) > lim.max_query_bytes ||
			    rq.trend.by < NEWSIDX_BY_DAY ||
			    rq.trend.by > NEWSIDX_BY_YEAR ||
			    (rq.trend.facet & (rq.trend.facet - 1)) ||
			    (rq.trend.terms && !rq.trend.from && !rq.trend.to) ||
			    (rq.trend.from &&
			     (rq.trend.from < rq.dates ||
			      rq.trend.from >= rq.dates + sizeof(rq.dates))))
				abort();
			break;
		case CLI_API_HEALTH:
		case CLI_API_STATS:
			break;
		default:
			abort();
		}
	}
	cli_api_request_clear(&rq);
	free(buf);
	return 0;
}
