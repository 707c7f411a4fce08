/*
 * index.c: the index writer.  Walks input paths, hands each file to the
 * ingest layer, and turns every article it gets back into a Xapian
 * document laid out as the schema in internal.h says: stemmed terms with
 * positions for title and body, boolean terms for the fields, value slots
 * for sorting and ranges, and the stored fields and compressed body as
 * document data.
 *
 * Articles replace earlier copies through their unique id term, so
 * indexing the same input twice never duplicates anything.  Commits come
 * every batch_size articles so that a crash loses at most one batch.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "xapc.h"

#define DEFAULT_BATCH 2000

struct writer {
	struct newsidx_db *db;
	const newsidx_index_options_t *opts;
	newsidx_index_stats_t *stats;
	struct newsidx_buf data;
	xapc_doc_t *doc;
	newsidx_status_t fatal;
	unsigned long rejected;
	int file_rejected;
	/* State for the token callbacks. */
	struct newsidx_analyzer *an;
	const char *prefix;
	int title;
	xapc_status_t xst;
};

static void on_reject(void *ctx, const char *where, const char *reason)
{
	struct writer *w = ctx;

	w->rejected++;
	w->stats->rejected++;
	w->file_rejected = 1;
	newsidx_db__fail(w->db, NEWSIDX_REJECTED, "%s: %s", where, reason);
	if (w->opts->on_reject)
		w->opts->on_reject(w->opts->reject_ctx, where, reason);
}

static int add_text_token(void *ctx, const struct newsidx_token *tok)
{
	struct writer *w = ctx;
	char term[NEWSIDX_MAX_TOKEN * 4 + 8];
	const char *stem;
	size_t slen;
	xapc_termpos_t pos = tok->pos;

	stem = newsidx_analyzer__stem(w->an, tok->text, tok->len, &slen);
	if (!stem || slen == 0 || slen > sizeof(term) - 2)
		return 0;
	if (w->title) {
		term[0] = 'S';
		memcpy(term + 1, stem, slen);
		w->xst = xapc_doc_add_posting(w->doc, term, slen + 1, pos, 1);
		if (!w->xst)
			w->xst = xapc_doc_add_posting(w->doc, stem, slen, pos,
						      NEWSIDX_TITLE_WDF);
	} else {
		w->xst = xapc_doc_add_posting(w->doc, stem, slen, pos, 1);
	}
	return w->xst ? 1 : 0;
}

static int add_field_token(void *ctx, const struct newsidx_token *tok)
{
	struct writer *w = ctx;
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n = newsidx_schema__term(term, w->prefix, tok->text, tok->len);

	w->xst = xapc_doc_add_boolean_term(w->doc, term, n);
	return w->xst ? 1 : 0;
}

static int add_words(struct writer *w, const char *prefix, const char *value)
{
	if (!value || !*value)
		return 0;
	w->prefix = prefix;
	newsidx_analyzer__tokenize(w->an, value, strlen(value), 1,
				   add_field_token, w, NULL);
	return w->xst;
}

static int add_exact(struct writer *w, const char *prefix, const char *value)
{
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n;

	if (!value || !*value)
		return 0;
	n = newsidx_schema__term(term, prefix, value, strlen(value));
	w->xst = xapc_doc_add_boolean_term(w->doc, term, n);
	return w->xst;
}

static int set_value(struct writer *w, unsigned slot, const char *v)
{
	if (!v || !*v)
		return 0;
	w->xst = xapc_doc_set_value(w->doc, slot, v, strlen(v));
	return w->xst;
}

/* "en-GB", "EN", "English" -> "en"; the library stores 2-letter codes. */
static void lang_code(const char *in, char out[8])
{
	static const struct {
		const char *name, *code;
	} names[] = { { "english", "en" }, { "french", "fr" },
		      { "german", "de" },  { "spanish", "es" },
		      { "italian", "it" }, { "portuguese", "pt" },
		      { "dutch", "nl" },   { "russian", "ru" },
		      { "arabic", "ar" },  { "hindi", "hi" } };
	size_t i;

	out[0] = '\0';
	if (!in || !*in)
		return;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(in, names[i].name) == 0) {
			snprintf(out, 8, "%s", names[i].code);
			return;
		}
	for (i = 0; i < 3 && in[i] && in[i] != '-' && in[i] != '_'; i++)
		out[i] = (char)((in[i] >= 'A' && in[i] <= 'Z') ? in[i] + 32
							       : in[i]);
	out[i] = '\0';
}

static newsidx_status_t on_article(void *ctx, struct newsidx_article *a)
{
	struct writer *w = ctx;
	char code[8], term[NEWSIDX_MAX_TERM + 24];
	unsigned next = 1;
	size_t n;
	xapc_docid_t docid;
	newsidx_status_t st;
	int x;

	if (w->fatal)
		return w->fatal;
	lang_code(a->lang ? a->lang : w->opts->lang, code);
	w->an = w->db->an;
	if (code[0] && newsidx_db__analyzer(w->db, code, &w->an) != NEWSIDX_OK)
		w->an = w->db->an; /* unknown language: English stems */
	if (!code[0])
		snprintf(code, sizeof(code), "en");
	free(a->lang);
	a->lang = newsidx_strdup(code);
	if (!a->source && w->opts->source)
		a->source = newsidx_strdup(w->opts->source);

	x = xapc_doc_clear_terms(w->doc);
	w->xst = XAPC_OK;
	w->title = 1;
	if (!x && a->title)
		newsidx_analyzer__tokenize(w->an, a->title, strlen(a->title),
					   1, add_text_token, w, &next);
	w->title = 0;
	if (!x && !w->xst)
		newsidx_analyzer__tokenize(w->an, a->body, a->body_len,
					   next + NEWSIDX_TITLE_GAP,
					   add_text_token, w, NULL);
	if (!x)
		x = w->xst;
	if (!x)
		x = add_words(w, "XP", a->place);
	if (!x)
		x = add_words(w, "XS", a->source);
	if (!x)
		x = add_words(w, "A", a->authors);
	if (!x)
		x = add_words(w, "XT", a->topics);
	if (!x)
		x = add_exact(w, "L", a->lang);
	if (!x)
		x = add_exact(w, "U", a->url);
	if (!x)
		x = add_exact(w, "XF", a->path);
	if (!x)
		x = set_value(w, NEWSIDX_SLOT_DATE, a->date);
	if (!x)
		x = set_value(w, NEWSIDX_SLOT_SOURCE, a->source);
	if (!x)
		x = set_value(w, NEWSIDX_SLOT_PLACE, a->place);
	if (!x)
		x = set_value(w, NEWSIDX_SLOT_LANG, a->lang);
	if (x) {
		w->fatal = newsidx_db__fail(w->db, NEWSIDX_ENGINE,
					    "indexing %s: %s", a->id,
					    xapc_doc_errmsg(w->doc));
		return w->fatal;
	}
	st = newsidx_docdata__encode(a, &w->data);
	if (st)
		return w->fatal = newsidx_db__fail(w->db, st, "out of memory");
	x = xapc_doc_set_data(w->doc, w->data.data, w->data.len);
	n = newsidx_schema__term(term, "Q", a->id, strlen(a->id));
	if (!x)
		x = xapc_doc_add_boolean_term(w->doc, term, n);
	if (!x)
		x = xapc_db_replace_doc_by_term(w->db->x, term, n, w->doc,
						&docid);
	if (x)
		return w->fatal = newsidx_db__xfail(w->db, x, "writing to");
	w->stats->articles++;
	w->stats->bytes += a->body_len;
	if (++w->db->pending >= (w->opts->batch_size ? w->opts->batch_size
						       : DEFAULT_BATCH)) {
		st = newsidx_db_commit(w->db);
		if (st)
			return w->fatal = st;
	}
	return NEWSIDX_OK;
}

static newsidx_status_t index_one(struct writer *w, const char *name,
				  const char *abspath, const void *data,
				  size_t len)
{
	struct newsidx_ingest ing;
	newsidx_status_t st;

	memset(&ing, 0, sizeof(ing));
	ing.name = name;
	ing.abspath = abspath;
	ing.max_article = w->opts->max_article_bytes;
	ing.on_article = on_article;
	ing.on_reject = on_reject;
	ing.ctx = w;
	w->file_rejected = 0;
	w->stats->files++;
	st = newsidx_ingest__run(&ing, data ? NULL : name, data, len);
	if (w->file_rejected)
		w->stats->rejected_files++;
	if (w->fatal)
		return w->fatal;
	return st == NEWSIDX_NOMEM ? st : NEWSIDX_OK;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static newsidx_status_t walk(struct writer *w, const char *path, int depth)
{
	struct stat sb;
	char abspath[PATH_MAX];
	newsidx_status_t st = NEWSIDX_OK;

	if (stat(path, &sb) != 0) {
		on_reject(w, path, strerror(errno));
		w->stats->rejected_files++;
		return NEWSIDX_OK;
	}
	if (S_ISDIR(sb.st_mode)) {
		DIR *d;
		struct dirent *de;
		char **names = NULL;
		size_t n = 0, cap = 0, i;

		if (depth > 64) {
			on_reject(w, path, "directories nest too deeply");
			return NEWSIDX_OK;
		}
		d = opendir(path);
		if (!d) {
			on_reject(w, path, strerror(errno));
			w->stats->rejected_files++;
			return NEWSIDX_OK;
		}
		while ((de = readdir(d)) != NULL) {
			char *full;
			size_t plen = strlen(path);

			if (de->d_name[0] == '.')
				continue;
			if (n == cap) {
				char **p = realloc(names, (cap ? cap * 2 : 64) *
							sizeof(*names));
				if (!p) {
					st = NEWSIDX_NOMEM;
					break;
				}
				names = p;
				cap = cap ? cap * 2 : 64;
			}
			full = malloc(plen + strlen(de->d_name) + 2);
			if (!full) {
				st = NEWSIDX_NOMEM;
				break;
			}
			sprintf(full, "%s%s%s", path,
				plen && path[plen - 1] == '/' ? "" : "/",
				de->d_name);
			names[n++] = full;
		}
		closedir(d);
		/* Name order makes runs reproducible. */
		if (n)
			qsort(names, n, sizeof(*names), cmp_names);
		for (i = 0; i < n && !st; i++)
			st = walk(w, names[i], depth + 1);
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return st;
	}
	if (!S_ISREG(sb.st_mode)) {
		if (depth == 0) {
			on_reject(w, path, "not a regular file or directory");
			w->stats->rejected_files++;
		}
		return NEWSIDX_OK;
	}
	if (!realpath(path, abspath))
		snprintf(abspath, sizeof(abspath), "%s", path);
	return index_one(w, path, abspath, NULL, 0);
}

static newsidx_status_t run(newsidx_db_t *db, const char *path,
			    const void *data, size_t len,
			    const newsidx_index_options_t *opts,
			    newsidx_index_stats_t *stats)
{
	newsidx_index_options_t defaults = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t local;
	struct writer w;
	newsidx_status_t st;
	int x;

	if (!db || !path)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->x)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"index %s is open read-only", db->path);
	memset(&local, 0, sizeof(local));
	memset(&w, 0, sizeof(w));
	w.db = db;
	w.opts = opts ? opts : &defaults;
	w.stats = stats ? stats : &local;
	x = xapc_doc_new(&w.doc);
	if (x)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	db->errmsg[0] = '\0';
	if (data)
		st = index_one(&w, path, path, data, len);
	else
		st = walk(&w, path, 0);
	xapc_doc_free(w.doc);
	newsidx_buf__free(&w.data);
	if (!st && db->pending)
		st = newsidx_db_commit(db);
	if (!st && w.rejected)
		st = NEWSIDX_REJECTED;
	return st;
}

newsidx_status_t newsidx_index_path(newsidx_db_t *db, const char *path,
				    const newsidx_index_options_t *opts,
				    newsidx_index_stats_t *stats)
{
	return run(db, path, NULL, 0, opts, stats);
}

newsidx_status_t newsidx_index_buffer(newsidx_db_t *db, const char *name,
				      const void *data, size_t len,
				      const newsidx_index_options_t *opts,
				      newsidx_index_stats_t *stats)
{
	static const char empty[1] = "";

	return run(db, name, data ? data : empty, data ? len : 0, opts,
		   stats);
}
