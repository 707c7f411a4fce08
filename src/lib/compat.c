/*
 * compat.c: the deprecated public names of 0.1, each a call of the name
 * that replaced it in 0.3 (newsidx.h, "Deprecated names").  They stay
 * exported so that programs linked against 0.1 keep working; nothing in
 * the library calls them.
 */
#include "config.h"

#include "newsidx.h"

newsidx_status_t newsidx_similar(newsidx_results_t **out, newsidx_db_t *db,
				 const char *id,
				 const newsidx_search_options_t *opts)
{
	return newsidx_article_similar(out, db, id, opts);
}

newsidx_status_t newsidx_show(newsidx_article_t **out, newsidx_db_t *db,
			      const char *id)
{
	return newsidx_article_get(out, db, id);
}

newsidx_status_t newsidx_check(const char *path, newsidx_reject_fn report,
			       void *ctx, unsigned long *problems)
{
	return newsidx_db_check(path, report, ctx, problems);
}

newsidx_status_t newsidx_delete_id(newsidx_db_t *db, const char *id)
{
	return newsidx_db_delete_id(db, id);
}

newsidx_status_t newsidx_delete_query(newsidx_db_t *db, const char *query,
				      size_t *deleted)
{
	return newsidx_db_delete_query(db, query, deleted);
}
