/*
 * explain.c: newsidx_query_explain, the parse tree and the Xapian query
 * a search would run, as text for --explain.
 */
#include "config.h"

#include <stdlib.h>

#include "query/private.h"

newsidx_status_t newsidx_query_explain(newsidx_db_t *db, const char *query,
				       const newsidx_search_options_t *opts,
				       char **out)
{
	newsidx_search_options_t defaults = NEWSIDX_SEARCH_OPTIONS_INIT;
	struct newsidx_qnode *root = NULL;
	struct newsidx_buf buf = { 0 };
	struct builder b;
	xapc_query_t *q;
	char *tree, *xq;
	newsidx_status_t st;
	int rc = 0;

	if (!db || !query || !out)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	if (!opts)
		opts = &defaults;
	st = newsidx_build__prepare_query(db, opts, query, &b, &root);
	if (st)
		return st;
	/* The query a search would rank, softly where it would. */
	newsidx_build__rank_softly(&b, root, opts);
	q = newsidx_build__top(&b, root);
	tree = newsidx_query__describe(root);
	xq = q ? xapc_query_describe(q) : NULL;
	newsidx_buf__printf(&buf, &rc, "parsed: %s\nxapian: %s\n",
			    tree ? tree : "?", xq ? xq : "?");
	free(tree);
	free(xq);
	xapc_query_free(q);
	newsidx_query__free(root);
	if (rc || !q) {
		newsidx_buf__free(&buf);
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	}
	*out = buf.data;
	return NEWSIDX_OK;
}
