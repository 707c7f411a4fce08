/*
 * layout.c: the layout of newsidx.h's structures as the C compiler sees
 * it, for the Python module's test (test_newsidx.py), which compares
 * every line with the ctypes declarations of python/newsidx/_lib.py.
 *
 * Prints "size STRUCT N", "field STRUCT NAME OFFSET SIZE" for every
 * field, "version NAME N" for the option versions and "default FIELD
 * VALUE" for each field of NEWSIDX_SEARCH_OPTIONS_INIT and "trend_default
 * FIELD VALUE" for each of NEWSIDX_TREND_OPTIONS_INIT (pointers as 0 or
 * 1 for NULL or not).
 */
#include <stddef.h>
#include <stdio.h>

#include "newsidx.h"

#define SIZE(T) printf("size %s %zu\n", #T, sizeof(T))
#define FIELD(T, f)                                                      \
	printf("field %s %s %zu %zu\n", #T, #f, offsetof(T, f),           \
	       sizeof(((T *)0)->f))

int main(void)
{
	static const newsidx_search_options_t so = NEWSIDX_SEARCH_OPTIONS_INIT;
	static const newsidx_index_options_t io = NEWSIDX_INDEX_OPTIONS_INIT;
	static const newsidx_open_options_t oo = NEWSIDX_OPEN_OPTIONS_INIT;
	static const newsidx_trend_options_t to = NEWSIDX_TREND_OPTIONS_INIT;

	SIZE(newsidx_open_options_t);
	FIELD(newsidx_open_options_t, version);
	FIELD(newsidx_open_options_t, mode);
	FIELD(newsidx_open_options_t, lock_timeout);
	FIELD(newsidx_open_options_t, any_schema);
	FIELD(newsidx_open_options_t, synonyms);
	FIELD(newsidx_open_options_t, gazetteer);
	FIELD(newsidx_open_options_t, partial);
	FIELD(newsidx_open_options_t, shard_timeout);
	FIELD(newsidx_open_options_t, period);

	SIZE(newsidx_index_stats_t);
	FIELD(newsidx_index_stats_t, files);
	FIELD(newsidx_index_stats_t, articles);
	FIELD(newsidx_index_stats_t, rejected);
	FIELD(newsidx_index_stats_t, rejected_files);
	FIELD(newsidx_index_stats_t, bytes);
	FIELD(newsidx_index_stats_t, added);
	FIELD(newsidx_index_stats_t, updated);
	FIELD(newsidx_index_stats_t, deleted);
	FIELD(newsidx_index_stats_t, unchanged);
	FIELD(newsidx_index_stats_t, files_total);
	FIELD(newsidx_index_stats_t, bytes_total);
	FIELD(newsidx_index_stats_t, bytes_done);
	FIELD(newsidx_index_stats_t, skipped);
	FIELD(newsidx_index_stats_t, unprocessed);
	FIELD(newsidx_index_stats_t, title_only);
	FIELD(newsidx_index_stats_t, shards);
	FIELD(newsidx_index_stats_t, failed_unchanged);

	SIZE(newsidx_index_options_t);
	FIELD(newsidx_index_options_t, version);
	FIELD(newsidx_index_options_t, source);
	FIELD(newsidx_index_options_t, lang);
	FIELD(newsidx_index_options_t, max_article_bytes);
	FIELD(newsidx_index_options_t, batch_size);
	FIELD(newsidx_index_options_t, on_reject);
	FIELD(newsidx_index_options_t, reject_ctx);
	FIELD(newsidx_index_options_t, no_delete);
	FIELD(newsidx_index_options_t, retry_failed);
	FIELD(newsidx_index_options_t, force);
	FIELD(newsidx_index_options_t, progress);
	FIELD(newsidx_index_options_t, progress_ctx);
	FIELD(newsidx_index_options_t, jobs);
	FIELD(newsidx_index_options_t, shards);
	FIELD(newsidx_index_options_t, positions);
	FIELD(newsidx_index_options_t, max_delete_share);
	FIELD(newsidx_index_options_t, max_delete);
	FIELD(newsidx_index_options_t, encoding);
	FIELD(newsidx_index_options_t, include);
	FIELD(newsidx_index_options_t, n_include);
	FIELD(newsidx_index_options_t, exclude);
	FIELD(newsidx_index_options_t, n_exclude);
	FIELD(newsidx_index_options_t, no_tags);
	FIELD(newsidx_index_options_t, reopen);

	SIZE(newsidx_count_t);
	FIELD(newsidx_count_t, value);
	FIELD(newsidx_count_t, count);

	SIZE(newsidx_search_options_t);
	FIELD(newsidx_search_options_t, version);
	FIELD(newsidx_search_options_t, offset);
	FIELD(newsidx_search_options_t, limit);
	FIELD(newsidx_search_options_t, sort);
	FIELD(newsidx_search_options_t, snippets);
	FIELD(newsidx_search_options_t, snippet_words);
	FIELD(newsidx_search_options_t, relax);
	FIELD(newsidx_search_options_t, bm25_k1);
	FIELD(newsidx_search_options_t, bm25_b);
	FIELD(newsidx_search_options_t, lang);
	FIELD(newsidx_search_options_t, facets);
	FIELD(newsidx_search_options_t, all_copies);
	FIELD(newsidx_search_options_t, recent_halflife);
	FIELD(newsidx_search_options_t, recent_weight);
	FIELD(newsidx_search_options_t, suggest);
	FIELD(newsidx_search_options_t, title_weight);
	FIELD(newsidx_search_options_t, feedback);
	FIELD(newsidx_search_options_t, exact_up_to);
	FIELD(newsidx_search_options_t, time_limit);

	SIZE(newsidx_hit_t);
	FIELD(newsidx_hit_t, id);
	FIELD(newsidx_hit_t, rank);
	FIELD(newsidx_hit_t, score);
	FIELD(newsidx_hit_t, title);
	FIELD(newsidx_hit_t, date);
	FIELD(newsidx_hit_t, place);
	FIELD(newsidx_hit_t, source);
	FIELD(newsidx_hit_t, path);
	FIELD(newsidx_hit_t, url);
	FIELD(newsidx_hit_t, lang);
	FIELD(newsidx_hit_t, snippet);
	FIELD(newsidx_hit_t, highlights);
	FIELD(newsidx_hit_t, nhighlights);
	FIELD(newsidx_hit_t, copies);
	FIELD(newsidx_hit_t, group);
	FIELD(newsidx_hit_t, authors);
	FIELD(newsidx_hit_t, topics);
	FIELD(newsidx_hit_t, encoding);

	SIZE(newsidx_article_t);
	FIELD(newsidx_article_t, id);
	FIELD(newsidx_article_t, title);
	FIELD(newsidx_article_t, date);
	FIELD(newsidx_article_t, place);
	FIELD(newsidx_article_t, source);
	FIELD(newsidx_article_t, path);
	FIELD(newsidx_article_t, url);
	FIELD(newsidx_article_t, lang);
	FIELD(newsidx_article_t, authors);
	FIELD(newsidx_article_t, topics);
	FIELD(newsidx_article_t, body);
	FIELD(newsidx_article_t, body_len);
	FIELD(newsidx_article_t, group);
	FIELD(newsidx_article_t, copies);
	FIELD(newsidx_article_t, encoding);

	SIZE(newsidx_failed_file_t);
	FIELD(newsidx_failed_file_t, path);
	FIELD(newsidx_failed_file_t, reason);

	SIZE(newsidx_info_t);
	FIELD(newsidx_info_t, path);
	FIELD(newsidx_info_t, articles);
	FIELD(newsidx_info_t, terms);
	FIELD(newsidx_info_t, disk_bytes);
	FIELD(newsidx_info_t, updated);
	FIELD(newsidx_info_t, schema_version);
	FIELD(newsidx_info_t, schema_current);
	FIELD(newsidx_info_t, stemmer);
	FIELD(newsidx_info_t, stemmer_version);
	FIELD(newsidx_info_t, files);
	FIELD(newsidx_info_t, failed_files);
	FIELD(newsidx_info_t, sources);
	FIELD(newsidx_info_t, nsources);
	FIELD(newsidx_info_t, months);
	FIELD(newsidx_info_t, nmonths);
	FIELD(newsidx_info_t, positions);
	FIELD(newsidx_info_t, dictionary_bytes);
	FIELD(newsidx_info_t, stem_codes);
	FIELD(newsidx_info_t, term_lists);
	FIELD(newsidx_info_t, deleted);
	FIELD(newsidx_info_t, retired_bytes);
	FIELD(newsidx_info_t, failed);
	FIELD(newsidx_info_t, gazetteer);
	FIELD(newsidx_info_t, gazetteer_current);

	SIZE(newsidx_watch_t);
	FIELD(newsidx_watch_t, name);
	FIELD(newsidx_watch_t, query);
	FIELD(newsidx_watch_t, lang);
	FIELD(newsidx_watch_t, cursor);
	FIELD(newsidx_watch_t, added);
	FIELD(newsidx_watch_t, last_run);

	SIZE(newsidx_watches_t);
	FIELD(newsidx_watches_t, n);
	FIELD(newsidx_watches_t, v);
	FIELD(newsidx_watches_t, sequence);

	SIZE(newsidx_trend_options_t);
	FIELD(newsidx_trend_options_t, version);
	FIELD(newsidx_trend_options_t, by);
	FIELD(newsidx_trend_options_t, facet);
	FIELD(newsidx_trend_options_t, top);
	FIELD(newsidx_trend_options_t, from);
	FIELD(newsidx_trend_options_t, to);
	FIELD(newsidx_trend_options_t, lang);
	FIELD(newsidx_trend_options_t, terms);
	FIELD(newsidx_trend_options_t, max_terms);

	printf("version OPEN_OPTIONS_VERSION %d\n", NEWSIDX_OPEN_OPTIONS_VERSION);
	printf("version INDEX_OPTIONS_VERSION %d\n",
	       NEWSIDX_INDEX_OPTIONS_VERSION);
	printf("version SEARCH_OPTIONS_VERSION %d\n",
	       NEWSIDX_SEARCH_OPTIONS_VERSION);
	printf("version OPEN_READ %d\n", NEWSIDX_OPEN_READ);
	printf("version OPEN_WRITE %d\n", NEWSIDX_OPEN_WRITE);
	printf("version SORT_RELEVANCE %d\n", NEWSIDX_SORT_RELEVANCE);
	printf("version SORT_NEWEST %d\n", NEWSIDX_SORT_NEWEST);
	printf("version SORT_OLDEST %d\n", NEWSIDX_SORT_OLDEST);
	printf("version SORT_INDEXED %d\n", NEWSIDX_SORT_INDEXED);
	printf("version TREND_OPTIONS_VERSION %d\n",
	       NEWSIDX_TREND_OPTIONS_VERSION);
	printf("version BY_DAY %d\n", NEWSIDX_BY_DAY);
	printf("version BY_WEEK %d\n", NEWSIDX_BY_WEEK);
	printf("version BY_MONTH %d\n", NEWSIDX_BY_MONTH);
	printf("version BY_YEAR %d\n", NEWSIDX_BY_YEAR);
	printf("version POSITIONS_TABLE %d\n", NEWSIDX_POSITIONS_TABLE);
	printf("version POSITIONS_COMPACT %d\n", NEWSIDX_POSITIONS_COMPACT);
	printf("facet source %d\n", NEWSIDX_FACET_SOURCE);
	printf("facet place %d\n", NEWSIDX_FACET_PLACE);
	printf("facet lang %d\n", NEWSIDX_FACET_LANG);
	printf("facet year %d\n", NEWSIDX_FACET_YEAR);
	printf("facet month %d\n", NEWSIDX_FACET_MONTH);
	printf("facet country %d\n", NEWSIDX_FACET_COUNTRY);
	printf("facet org %d\n", NEWSIDX_FACET_ORG);
	printf("facet person %d\n", NEWSIDX_FACET_PERSON);
	printf("facet topic %d\n", NEWSIDX_FACET_TOPIC);

	printf("default version %d\n", so.version);
	printf("default offset %zu\n", so.offset);
	printf("default limit %zu\n", so.limit);
	printf("default sort %d\n", so.sort);
	printf("default snippets %d\n", so.snippets);
	printf("default snippet_words %u\n", so.snippet_words);
	printf("default relax %d\n", so.relax);
	printf("default bm25_k1 %.17g\n", so.bm25_k1);
	printf("default bm25_b %.17g\n", so.bm25_b);
	printf("default lang %d\n", so.lang != NULL);
	printf("default facets %u\n", so.facets);
	printf("default all_copies %d\n", so.all_copies);
	printf("default recent_halflife %.17g\n", so.recent_halflife);
	printf("default recent_weight %.17g\n", so.recent_weight);
	printf("default suggest %d\n", so.suggest);
	printf("default title_weight %.17g\n", so.title_weight);
	printf("default feedback %d\n", so.feedback);
	printf("default exact_up_to %zu\n", so.exact_up_to);
	printf("default time_limit %.17g\n", so.time_limit);

	printf("trend_default version %d\n", to.version);
	printf("trend_default by %d\n", to.by);
	printf("trend_default facet %u\n", to.facet);
	printf("trend_default top %zu\n", to.top);
	printf("trend_default from %d\n", to.from != NULL);
	printf("trend_default to %d\n", to.to != NULL);
	printf("trend_default lang %d\n", to.lang != NULL);
	printf("trend_default terms %d\n", to.terms);
	printf("trend_default max_terms %zu\n", to.max_terms);

	/* The other two _INIT macros: the module relies on every field but
	 * the version being zero or NULL, and on a reader by default. */
	printf("zero index_options %d\n",
	       io.source == NULL && io.lang == NULL && io.max_article_bytes == 0 &&
		       io.batch_size == 0 && io.on_reject == NULL &&
		       io.no_delete == 0 && io.retry_failed == 0 &&
		       io.force == 0 && io.progress == NULL && io.jobs == 0 &&
		       io.shards == 0 && io.positions == 0 &&
		       io.max_delete_share == 0 && io.max_delete == 0 &&
		       io.encoding == NULL && io.include == NULL &&
		       io.n_include == 0 && io.exclude == NULL &&
		       io.n_exclude == 0 && io.no_tags == 0 &&
		       io.reopen == 0);
	printf("zero open_options %d\n",
	       oo.mode == NEWSIDX_OPEN_READ && oo.lock_timeout == 0.0 &&
		       oo.any_schema == 0 && oo.synonyms == NULL &&
		       oo.gazetteer == NULL && oo.partial == 0 &&
		       oo.shard_timeout == 0.0 && oo.period == 0);
	return 0;
}
