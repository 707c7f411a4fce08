/*
 * json.c: the JSON documents of the command line and of the server.
 *
 * `newsidx search --json`, `similar --json`, `show --json` and
 * `stats --json` print these documents, and `newsidx serve` sends the
 * same ones, so a program reads one schema whichever way it asks.  Each
 * function builds a json_t for the caller to print or send and
 * json_decref(); NULL means memory ran out.  The schema is documented
 * in newsidx(1).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

/* JSON readers index strings by code point, not by byte. */
static json_int_t codepoints(const char *s, size_t bytes)
{
	json_int_t n = 0;
	size_t i;

	for (i = 0; i < bytes; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static int add_str(json_t *o, const char *k, const char *v)
{
	return json_object_set_new(o, k, json_string(v ? v : ""));
}

json_t *cli_hit_json(const newsidx_hit_t *h)
{
	json_t *o = json_object(), *hl = json_array();
	size_t k;
	int err = !o || !hl;

	err |= add_str(o, "id", h->id);
	err |= json_object_set_new(o, "rank", json_integer((json_int_t)h->rank));
	err |= json_object_set_new(o, "score", json_real(h->score));
	err |= add_str(o, "title", h->title);
	err |= add_str(o, "date", h->date);
	err |= add_str(o, "place", h->place);
	err |= add_str(o, "source", h->source);
	err |= add_str(o, "path", h->path);
	err |= add_str(o, "url", h->url);
	err |= add_str(o, "lang", h->lang);
	err |= add_str(o, "authors", h->authors);
	err |= add_str(o, "topics", h->topics);
	err |= add_str(o, "encoding", h->encoding);
	err |= add_str(o, "snippet", h->snippet);
	for (k = 0; !err && k < h->nhighlights; k++)
		err |= json_array_append_new(
			hl, json_pack("[II]",
				      codepoints(h->snippet,
						 h->highlights[2 * k]),
				      codepoints(h->snippet,
						 h->highlights[2 * k + 1])));
	err |= json_object_set_new(o, "highlights", hl);
	err |= json_object_set_new(o, "copies",
				   json_integer((json_int_t)h->copies));
	err |= add_str(o, "group", h->group);
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *cli_results_json(const newsidx_results_t *r, const char *query,
			 const newsidx_search_options_t *so)
{
	json_t *doc = json_object(), *hits = json_array(),
	       *facets = json_object();
	const char *sug = newsidx_results_suggestion(r);
	size_t i, k;
	int err = !doc || !hits || !facets;

	err |= add_str(doc, "query", query);
	err |= json_object_set_new(
		doc, "total", json_integer((json_int_t)newsidx_results_total(r)));
	err |= json_object_set_new(
		doc, "total_exact",
		json_boolean(newsidx_results_total_exact(r)));
	err |= json_object_set_new(
		doc, "total_all",
		json_integer((json_int_t)newsidx_results_total_all(r)));
	err |= json_object_set_new(
		doc, "total_some",
		json_integer((json_int_t)newsidx_results_total_some(r)));
	err |= json_object_set_new(doc, "offset",
				   json_integer((json_int_t)so->offset));
	err |= json_object_set_new(doc, "limit",
				   json_integer((json_int_t)so->limit));
	err |= json_object_set_new(doc, "relaxed",
				   json_boolean(newsidx_results_relaxed(r)));
	err |= json_object_set_new(doc, "suggestion",
				   sug ? json_string(sug) : json_null());
	err |= json_object_set_new(
		doc, "time_limited",
		json_boolean(newsidx_results_time_limited(r)));
	for (k = 0; !err && k < cli_nfacets; k++) {
		const newsidx_count_t *c;
		size_t n = newsidx_results_facet(r, cli_facets[k].bit, &c);
		json_t *list = json_array();

		if (!(so->facets & cli_facets[k].bit)) {
			json_decref(list);
			continue;
		}
		for (i = 0; list && i < n; i++) {
			const char *label = newsidx_results_facet_label(
				r, cli_facets[k].bit, i);

			json_array_append_new(
				list,
				json_pack("{s:s, s:s, s:I}", "value",
					  c[i].value, "label",
					  label ? label : c[i].value, "count",
					  (json_int_t)c[i].count));
		}
		err |= json_object_set_new(facets, cli_facets[k].name, list);
	}
	err |= json_object_set_new(doc, "facets", facets);
	for (i = 0; !err && i < newsidx_results_count(r); i++)
		err |= json_array_append_new(
			hits, cli_hit_json(newsidx_results_hit(r, i)));
	err |= json_object_set_new(doc, "hits", hits);
	if (err) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

json_t *cli_article_json(const newsidx_article_t *art)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
			 "s:s, s:s, s:I, s:s}",
			 "id", art->id, "title", art->title, "date", art->date,
			 "place", art->place, "source", art->source, "path",
			 art->path, "url", art->url, "lang", art->lang,
			 "authors", art->authors, "topics", art->topics,
			 "body", art->body, "group", art->group, "copies",
			 (json_int_t)art->copies, "encoding", art->encoding);
}

static json_t *counts_json(const newsidx_count_t *c, size_t n)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o && i < n; i++)
		json_object_set_new(o, c[i].value,
				    json_integer((json_int_t)c[i].count));
	return o;
}

/* The failed files as a JSON array of {"path", "reason"}. */
static json_t *failed_json(const newsidx_info_t *info)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && info->failed && i < info->failed_files; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "path",
						   info->failed[i].path,
						   "reason",
						   info->failed[i].reason));
	return a;
}

json_t *cli_info_json(const newsidx_info_t *info)
{
	json_t *o = json_pack(
		"{s:s, s:I, s:I, s:I, s:s, s:i, s:i, s:s, s:s, s:s, "
		"s:I, s:I, s:b, s:I, s:I, s:I, s:I, s:o, s:o, s:o}",
		"index", info->path, "articles", (json_int_t)info->articles,
		"terms", (json_int_t)info->terms, "disk_bytes",
		(json_int_t)info->disk_bytes, "updated", info->updated,
		"schema_version", info->schema_version, "schema_current",
		info->schema_current, "stemmer", info->stemmer,
		"stemmer_version", info->stemmer_version, "positions",
		info->positions, "dictionary_bytes",
		(json_int_t)info->dictionary_bytes, "stem_codes",
		(json_int_t)info->stem_codes, "term_lists", info->term_lists,
		"deleted", (json_int_t)info->deleted, "retired_bytes",
		(json_int_t)info->retired_bytes, "files",
		(json_int_t)info->files, "failed_files",
		(json_int_t)info->failed_files, "sources",
		counts_json(info->sources, info->nsources), "months",
		counts_json(info->months, info->nmonths), "failed",
		failed_json(info));

	/* The gazetteer that tagged the index, and the one in use now. */
	if (o)
		json_object_set_new(
			o, "gazetteer",
			json_pack("{s:s, s:s, s:b}", "index", info->gazetteer,
				  "current", info->gazetteer_current,
				  "outdated",
				  *info->gazetteer &&
					  strcmp(info->gazetteer,
						 info->gazetteer_current) != 0));
	return o;
}

json_t *cli_missing_json(const newsidx_db_t *db)
{
	json_t *a = json_array();
	size_t i, n = newsidx_db_shard_count(db);

	for (i = 0; a && i < n; i++) {
		const char *why = newsidx_db_shard_missing(db, i);

		if (why)
			json_array_append_new(
				a, json_pack("{s:s, s:s}", "shard",
					     newsidx_db_shard_line(db, i),
					     "error", why));
	}
	return a;
}

json_t *cli_skipped_json(const newsidx_db_t *db)
{
	json_t *a = json_array();
	size_t i, n = newsidx_db_shard_count(db);

	for (i = 0; a && i < n; i++)
		if (newsidx_db_shard_skipped(db, i))
			json_array_append_new(
			    a, json_string(newsidx_db_shard_line(db, i)));
	return a;
}

json_t *cli_shards_json(newsidx_db_t *db)
{
	json_t *a = json_array();
	size_t i, n = newsidx_db_shard_count(db);

	for (i = 0; a && i < n; i++) {
		const char *why = newsidx_db_shard_missing(db, i);
		json_t *o = json_pack(
		    "{s:s, s:s, s:b, s:I, s:o}", "shard",
		    newsidx_db_shard_line(db, i), "where",
		    newsidx_db_shard_where(db, i), "remote",
		    newsidx_db_shard_remote(db, i), "articles",
		    (json_int_t)newsidx_db_shard_articles(db, i), "error",
		    why ? json_string(why) : json_null());

		/* A partitioned index's shard: closed or not. */
		if (o && newsidx_db_period(db))
			json_object_set_new(
			    o, "closed",
			    json_boolean(newsidx_db_shard_closed(db, i)));
		json_array_append_new(a, o);
	}
	return a;
}
