/*
 * fuzz_query.c: a libFuzzer harness for the query parser.
 *
 * Feeds arbitrary bytes to newsidx_query__parse and renders whatever
 * tree comes back, so the sanitizers can catch crashes, leaks and
 * undefined behaviour.  It also checks the promises of the contract that
 * hold for every input: a syntax error points inside the query (or just
 * past its end) and its message is one non-empty line, and the span of
 * every word and phrase holds its text.  Build with
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude -Isrc/lib \
 *     -Isrc/xapian tests/fuzz/fuzz_query.c src/lib/query/query.c \
 *     src/lib/util/util.c
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/parsers.h"
#include "query/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort unless each WORD and PHRASE of the tree is where its span says
 * in the query q of len bytes. */
static void check_spans(const char *q, size_t len,
			const struct newsidx_qnode *n)
{
	size_t i;

	if (n->type == NEWSIDX_Q_WORD || n->type == NEWSIDX_Q_PHRASE) {
		if (n->span_len != strlen(n->text) || n->span_off > len ||
		    n->span_len > len - n->span_off ||
		    memcmp(q + n->span_off, n->text, n->span_len) != 0)
			abort();
	}
	for (i = 0; i < n->nkids; i++)
		check_spans(q, len, n->kids[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct newsidx_qnode *tree = NULL;
	char err[256];
	size_t off = 0;
	newsidx_status_t rc;
	char *q, *text;

	/* The parser takes a C string; a NUL inside simply ends it. */
	q = malloc(size + 1);
	if (!q)
		return 0;
	memcpy(q, data, size);
	q[size] = '\0';

	rc = newsidx_query__parse(q, &tree, &off, err, sizeof(err));
	if (rc == NEWSIDX_OK) {
		text = newsidx_query__describe(tree);
		if (!text)
			abort();
		free(text);
		if (tree)
			check_spans(q, strlen(q), tree);
		newsidx_query__free(tree);
	} else if (rc == NEWSIDX_QUERY_SYNTAX) {
		if (tree || off > strlen(q) || !err[0] || strchr(err, '\n'))
			abort();
	} else if (rc != NEWSIDX_NOMEM) {
		abort();
	}
	free(q);
	return 0;
}
