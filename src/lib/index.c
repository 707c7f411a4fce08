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
 *
 * Re-indexing is incremental.  Each file's state (size, modification
 * time, content hash, whether it failed) is kept in the index metadata
 * under "newsidx.file:", written in the same commit as the file's last
 * articles, so the state never claims work that a crash undid.  A file
 * whose state matches is skipped without being opened; after a run, the
 * articles of files that vanished from under the given paths are
 * removed.  Every article carries its file's XF term, which is how a
 * changed or vanished file's articles are found.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "xapc.h"

#define DEFAULT_BATCH 2000
#define SPELL_SLOTS 4096
#define DUP_CANDIDATES 32

struct spell_entry {
	uint64_t hash;
	uint32_t off;   /* of the word in the arena, 0 for a free slot */
	uint32_t count;
};

struct spellbatch {
	struct spell_entry *e;
	size_t cap, n;  /* slots (a power of two), words */
	struct newsidx_buf arena;
};

/* One input file found by the walk. */
struct input {
	char *name;    /* as found, for messages */
	char *abspath; /* for ids, XF terms and file states */
	unsigned long long size;
	long long mtime_ns;
};

/* A file's state as remembered in the metadata. */
struct fstate {
	int found;
	unsigned long long size;
	long long mtime_ns;
	uint64_t hash;
	int failed;
};

struct writer {
	struct newsidx_db *db;
	const newsidx_index_options_t *opts;
	newsidx_index_stats_t *stats;
	/* The docids of the current file's articles, to find those a
	 * changed file no longer holds. */
	xapc_docid_t *seen;
	size_t nseen, capseen;
	unsigned long since_progress;
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
	struct newsidx_minhash mh;
	unsigned spell_count;
	/* Words already added to the spelling table for this article:
	 * hashes, valid when their generation is the current one. */
	uint64_t spell_hash[SPELL_SLOTS];
	unsigned spell_gen[SPELL_SLOTS];
	unsigned gen;
	struct spellbatch spell;
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

/*
 * Spelling words are counted here and handed to Xapian once per word per
 * batch, at commit: Xapian's spelling table does a map lookup per call,
 * which made one call per word per article a third of indexing time.
 */
static int spell_count(struct spellbatch *b, const char *word, size_t len,
		       uint64_t h)
{
	size_t i;
	int rc = 0;

	if (b->n * 2 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096, j;
		struct spell_entry *e = calloc(cap, sizeof(*e));

		if (!e)
			return -1;
		for (j = 0; j < b->cap; j++) {
			if (!b->e[j].off)
				continue;
			for (i = b->e[j].hash & (cap - 1); e[i].off;
			     i = (i + 1) & (cap - 1))
				;
			e[i] = b->e[j];
		}
		free(b->e);
		b->e = e;
		b->cap = cap;
	}
	if (!b->arena.len)
		newsidx_buf__putc(&b->arena, '\0', &rc); /* offset 0 = free */
	for (i = h & (b->cap - 1); b->e[i].off; i = (i + 1) & (b->cap - 1)) {
		const char *s = b->arena.data + b->e[i].off;

		if (b->e[i].hash == h && strncmp(s, word, len) == 0 &&
		    s[len] == '\0') {
			b->e[i].count++;
			return 0;
		}
	}
	b->e[i].hash = h;
	b->e[i].off = (uint32_t)b->arena.len;
	b->e[i].count = 1;
	newsidx_buf__append(&b->arena, word, len, &rc);
	newsidx_buf__putc(&b->arena, '\0', &rc);
	b->n++;
	return rc ? -1 : 0;
}

/* Hand the batch's words to the spelling table, before a commit. */
static int spell_flush(struct writer *w)
{
	struct spellbatch *b = &w->spell;
	size_t i;
	int x = 0;

	for (i = 0; i < b->cap && !x; i++)
		if (b->e[i].off) {
			const char *s = b->arena.data + b->e[i].off;

			x = xapc_db_add_spelling(w->db->x, s, strlen(s),
						 b->e[i].count);
		}
	if (b->cap)
		memset(b->e, 0, b->cap * sizeof(*b->e));
	b->n = 0;
	newsidx_buf__reset(&b->arena);
	b->arena.len = 0;
	return x;
}

static newsidx_status_t commit(struct writer *w)
{
	int x = spell_flush(w);

	if (x)
		return newsidx_db__xfail(w->db, x, "writing to");
	return newsidx_db_commit(w->db);
}

/*
 * Add a word to the spelling vocabulary once per article: plain words
 * only (no numbers, acronyms or handles), 3 to 32 bytes, so that "did
 * you mean" suggests real words rather than codes.
 */
static void add_spelling(struct writer *w, const struct newsidx_token *tok)
{
	uint64_t h;
	size_t i, slot;

	if (tok->len < 3 || tok->len > 32 ||
	    (tok->flags & (NEWSIDX_TOK_NUMBER | NEWSIDX_TOK_ACRONYM |
			   NEWSIDX_TOK_HANDLE | NEWSIDX_TOK_JOINED)))
		return;
	for (i = 0; i < tok->len; i++) {
		unsigned char c = (unsigned char)tok->text[i];

		if (!(c >= 0x80 || (c >= 'a' && c <= 'z')))
			return;
	}
	h = newsidx_hash64(tok->text, tok->len);
	for (slot = h % SPELL_SLOTS;; slot = (slot + 1) % SPELL_SLOTS) {
		if (w->spell_gen[slot] != w->gen)
			break;
		if (w->spell_hash[slot] == h)
			return;
	}
	w->spell_gen[slot] = w->gen;
	w->spell_hash[slot] = h;
	if (spell_count(&w->spell, tok->text, tok->len, h))
		w->xst = XAPC_ERR_NOMEM;
}

static int add_text_token(void *ctx, const struct newsidx_token *tok)
{
	struct writer *w = ctx;
	char term[NEWSIDX_MAX_TOKEN * 4 + 8];
	const char *stem;
	size_t slen;
	xapc_termpos_t pos = tok->pos;

	if (!w->title && !(tok->flags & NEWSIDX_TOK_JOINED))
		newsidx_dedup__add(&w->mh, tok->text, tok->len);
	/* The first words of a long article give its vocabulary; the
	 * bound keeps the per-article table sparse. */
	if (w->spell_count++ < SPELL_SLOTS / 2)
		add_spelling(w, tok);
	if (w->xst)
		return 1;

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

static int collect_cand(void *ctx, xapc_docid_t docid, xapc_termcount_t wdf)
{
	struct {
		xapc_docid_t ids[DUP_CANDIDATES];
		size_t n;
	} *c = ctx;

	(void)wdf;
	c->ids[c->n++] = docid;
	return c->n == DUP_CANDIDATES; /* enough to decide */
}

/*
 * The near-duplicate group of an article with signature sig: that of an
 * indexed article sharing a band whose resemblance reaches
 * NEWSIDX_DUP_MIN, else a new group named after the article's id.
 */
static int find_group(struct writer *w, const struct newsidx_sig *sig,
		      const char *id, char group[17])
{
	struct cand {
		xapc_docid_t ids[DUP_CANDIDATES];
		size_t n;
	} c;
	char term[64];
	unsigned band;
	size_t n, i;
	int x;

	for (band = 0; band < NEWSIDX_SIG_BANDS; band++) {
		n = newsidx_dedup__band_term(sig, band, term, sizeof(term));
		c.n = 0;
		x = xapc_db_postings(w->db->x, term, n, collect_cand, &c);
		if (x)
			return x;
		for (i = 0; i < c.n; i++) {
			xapc_doc_t *doc = NULL;
			struct newsidx_sig other;
			const char *v;
			size_t len;

			if (xapc_db_get_doc(w->db->x, c.ids[i], &doc)) {
				xapc_doc_free(doc);
				continue;
			}
			v = xapc_doc_value(doc, NEWSIDX_SLOT_SIG, &len);
			if (v && newsidx_dedup__decode(v, len, &other) &&
			    newsidx_dedup__resemblance(sig, &other) >=
				    NEWSIDX_DUP_MIN) {
				v = xapc_doc_value(doc, NEWSIDX_SLOT_GROUP, &len);
				if (v && len == 16) {
					memcpy(group, v, 16);
					group[16] = '\0';
					xapc_doc_free(doc);
					return 0;
				}
			}
			xapc_doc_free(doc);
		}
	}
	snprintf(group, 17, "%016" PRIx64, newsidx_hash64(id, strlen(id)));
	return 0;
}

/* Signature, group and band terms of the article being written. */
static int add_dedup(struct writer *w, const char *id)
{
	unsigned char sig[NEWSIDX_SIG_N * 4];
	char group[17], term[64];
	unsigned band;
	size_t n;
	int x;

	if (!newsidx_dedup__finish(&w->mh))
		return 0;
	x = find_group(w, &w->mh.sig, id, group);
	if (x)
		return x;
	newsidx_dedup__encode(&w->mh.sig, sig);
	x = xapc_doc_set_value(w->doc, NEWSIDX_SLOT_SIG, (const char *)sig,
			       sizeof(sig));
	if (!x)
		x = xapc_doc_set_value(w->doc, NEWSIDX_SLOT_GROUP, group, 16);
	for (band = 0; !x && band < NEWSIDX_SIG_BANDS; band++) {
		n = newsidx_dedup__band_term(&w->mh.sig, band, term,
					     sizeof(term));
		x = xapc_doc_add_boolean_term(w->doc, term, n);
	}
	return x;
}

/* Call the progress callback; nonzero means stop. */
static int progress(struct writer *w)
{
	w->since_progress = 0;
	return w->opts->progress &&
	       w->opts->progress(w->opts->progress_ctx, w->stats);
}

static newsidx_status_t on_article(void *ctx, struct newsidx_article *a)
{
	struct writer *w = ctx;
	char code[8], term[NEWSIDX_MAX_TERM + 24];
	unsigned next = 1;
	size_t n;
	xapc_docid_t docid;
	xapc_doccount_t had = 0;
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

	/* A fresh document each time: a reused one would keep the
	 * previous article's values (its date, its group). */
	xapc_doc_free(w->doc);
	w->doc = NULL;
	x = xapc_doc_new(&w->doc);
	if (x)
		return w->fatal = newsidx_db__fail(w->db, NEWSIDX_NOMEM,
						   "out of memory");
	w->xst = XAPC_OK;
	w->gen++;
	w->spell_count = 0;
	newsidx_dedup__start(&w->mh);
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
	if (!x && a->date[0]) {
		char month[8];

		snprintf(month, sizeof(month), "%.4s-%.2s", a->date,
			 a->date + 4);
		x = set_value(w, NEWSIDX_SLOT_MONTH, month);
	}
	if (!x)
		x = add_dedup(w, a->id);
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
		x = xapc_db_termfreq(w->db->x, term, n, &had);
	if (!x)
		x = xapc_db_replace_doc_by_term(w->db->x, term, n, w->doc,
						&docid);
	if (x)
		return w->fatal = newsidx_db__xfail(w->db, x, "writing to");
	if (w->nseen == w->capseen) {
		size_t cap = w->capseen ? w->capseen * 2 : 64;
		xapc_docid_t *p = realloc(w->seen, cap * sizeof(*p));

		if (!p)
			return w->fatal = newsidx_db__fail(w->db, NEWSIDX_NOMEM,
							   "out of memory");
		w->seen = p;
		w->capseen = cap;
	}
	w->seen[w->nseen++] = docid;
	if (had)
		w->stats->updated++;
	else
		w->stats->added++;
	w->stats->articles++;
	w->stats->bytes += a->body_len;
	if (++w->db->pending >= (w->opts->batch_size ? w->opts->batch_size
						       : DEFAULT_BATCH)) {
		st = commit(w);
		if (st)
			return w->fatal = st;
	}
	if (++w->since_progress >= 256 && progress(w))
		return w->fatal = NEWSIDX_INTERRUPTED;
	return NEWSIDX_OK;
}

#define STATE_PREFIX "newsidx.file:"
#define ROOT_PREFIX "newsidx.root:"

/* The metadata key of a file's state; long paths are hashed (the value
 * always holds the full path). */
static void state_key(const char *prefix, const char *abspath, char *key,
		      size_t size)
{
	size_t plen = strlen(prefix), n = strlen(abspath);

	if (plen + n < 200 && plen + n < size) {
		memcpy(key, prefix, plen);
		memcpy(key + plen, abspath, n + 1);
	} else
		snprintf(key, size, "%s#%016" PRIx64, prefix,
			 newsidx_hash64(abspath, n));
}

/* "1 SIZE MTIME_NS HASH ok|failed PATH" */
static int parse_state(const char *v, struct fstate *fs, const char **path)
{
	char what[16];
	int used = 0;

	memset(fs, 0, sizeof(*fs));
	if (sscanf(v, "1 %llu %lld %" SCNx64 " %15s %n", &fs->size,
		   &fs->mtime_ns, &fs->hash, what, &used) != 4 ||
	    used == 0)
		return 0;
	fs->found = 1;
	fs->failed = strcmp(what, "failed") == 0;
	if (path)
		*path = v + used;
	return 1;
}

static newsidx_status_t get_state(struct writer *w, const char *abspath,
				  struct fstate *fs)
{
	char key[256], *v = NULL;
	size_t len = 0;
	int x;

	memset(fs, 0, sizeof(*fs));
	state_key(STATE_PREFIX, abspath, key, sizeof(key));
	x = xapc_db_get_metadata(w->db->x, key, &v, &len);
	if (x)
		return newsidx_db__xfail(w->db, x, "reading");
	if (len)
		parse_state(v, fs, NULL);
	free(v);
	return NEWSIDX_OK;
}

static newsidx_status_t put_state(struct writer *w, const struct input *in,
				  uint64_t hash, int failed)
{
	char key[256], *v;
	size_t n = strlen(in->abspath) + 96;
	int x;

	v = malloc(n);
	if (!v)
		return newsidx_db__fail(w->db, NEWSIDX_NOMEM, "out of memory");
	snprintf(v, n, "1 %llu %lld %016" PRIx64 " %s %s", in->size,
		 in->mtime_ns, hash, failed ? "failed" : "ok", in->abspath);
	state_key(STATE_PREFIX, in->abspath, key, sizeof(key));
	x = xapc_db_set_metadata(w->db->x, key, v, strlen(v));
	free(v);
	return x ? newsidx_db__xfail(w->db, x, "writing to") : NEWSIDX_OK;
}

/* Content hash of a file, to tell a touched file from a changed one. */
static int hash_file(const char *path, uint64_t *out)
{
	unsigned char buf[65536];
	uint64_t h = 0xcbf29ce484222325ULL;
	FILE *f = fopen(path, "rb");
	size_t n, i;

	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (i = 0; i < n; i++) {
			h ^= buf[i];
			h *= 0x100000001b3ULL;
		}
	i = (size_t)ferror(f);
	fclose(f);
	*out = h;
	return i ? -1 : 0;
}

struct doclist {
	xapc_docid_t *ids;
	size_t n, cap;
	int nomem;
};

static int collect_docid(void *ctx, xapc_docid_t docid, xapc_termcount_t wdf)
{
	struct doclist *l = ctx;

	(void)wdf;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		xapc_docid_t *p = realloc(l->ids, cap * sizeof(*p));

		if (!p) {
			l->nomem = 1;
			return 1;
		}
		l->ids = p;
		l->cap = cap;
	}
	l->ids[l->n++] = docid;
	return 0;
}

static int cmp_docid(const void *a, const void *b)
{
	xapc_docid_t x = *(const xapc_docid_t *)a, y = *(const xapc_docid_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Delete the articles of a file except those in keep (sorted): the
 * articles a changed file no longer holds, or all of a vanished file's.
 */
static newsidx_status_t drop_articles(struct writer *w, const char *abspath,
				      const xapc_docid_t *keep, size_t nkeep)
{
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n = newsidx_schema__term(term, "XF", abspath, strlen(abspath));
	struct doclist l = { 0 };
	size_t i;
	int x;

	x = xapc_db_postings(w->db->x, term, n, collect_docid, &l);
	if (l.nomem)
		x = XAPC_ERR_NOMEM;
	for (i = 0; !x && i < l.n; i++) {
		if (keep && bsearch(&l.ids[i], keep, nkeep, sizeof(*keep),
				    cmp_docid))
			continue;
		x = xapc_db_delete_doc(w->db->x, l.ids[i]);
		if (!x) {
			w->stats->deleted++;
			w->db->pending++;
		}
	}
	free(l.ids);
	return x ? newsidx_db__xfail(w->db, x, "deleting from") : NEWSIDX_OK;
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
	w->nseen = 0;
	w->stats->files++;
	st = newsidx_ingest__run(&ing, data ? NULL : name, data, len);
	w->stats->skipped += ing.skipped;
	w->stats->unprocessed += ing.unprocessed;
	w->stats->title_only += ing.title_only;
	if (w->file_rejected)
		w->stats->rejected_files++;
	if (w->fatal)
		return w->fatal;
	return st == NEWSIDX_NOMEM ? st : NEWSIDX_OK;
}

/* Index one file found by the walk, unless its state says unchanged. */
static newsidx_status_t update_file(struct writer *w, const struct input *in)
{
	struct fstate fs;
	uint64_t hash = 0;
	newsidx_status_t st;
	int have_hash = 0;

	st = get_state(w, in->abspath, &fs);
	if (st)
		return st;
	if (fs.found && !w->opts->force &&
	    !(fs.failed && w->opts->retry_failed) && fs.size == in->size) {
		if (fs.mtime_ns == in->mtime_ns) {
			w->stats->unchanged++;
			return NEWSIDX_OK;
		}
		/* Touched, or changed within the same size: the content
		 * hash decides. */
		if (hash_file(in->abspath, &hash) == 0) {
			have_hash = 1;
			if (hash == fs.hash) {
				w->stats->unchanged++;
				w->db->pending++;
				return put_state(w, in, hash, fs.failed);
			}
		}
	}
	if (!have_hash && hash_file(in->abspath, &hash) != 0)
		hash = 0; /* unreadable: ingest reports why */
	st = index_one(w, in->name, in->abspath, NULL, 0);
	if (st)
		return st;
	/* Articles the file no longer holds go; so do all of a file that
	 * now fails entirely. */
	if (fs.found) {
		if (w->nseen)
			qsort(w->seen, w->nseen, sizeof(*w->seen), cmp_docid);
		st = drop_articles(w, in->abspath, w->seen, w->nseen);
		if (st)
			return st;
	}
	w->db->pending++;
	return put_state(w, in, hash, w->file_rejected && w->nseen == 0);
}

/* ---- walking the inputs ---- */

struct inputs {
	struct input *v;
	size_t n, cap;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static newsidx_status_t add_input(struct inputs *ins, const char *path,
				  const struct stat *sb)
{
	char abspath[PATH_MAX];
	struct input *in;

	if (ins->n == ins->cap) {
		size_t cap = ins->cap ? ins->cap * 2 : 256;
		struct input *p = realloc(ins->v, cap * sizeof(*p));

		if (!p)
			return NEWSIDX_NOMEM;
		ins->v = p;
		ins->cap = cap;
	}
	if (!realpath(path, abspath))
		snprintf(abspath, sizeof(abspath), "%s", path);
	in = &ins->v[ins->n];
	in->name = newsidx_strdup(path);
	in->abspath = newsidx_strdup(abspath);
	if (!in->name || !in->abspath) {
		free(in->name);
		free(in->abspath);
		return NEWSIDX_NOMEM;
	}
	in->size = (unsigned long long)sb->st_size;
	in->mtime_ns = (long long)sb->st_mtim.tv_sec * 1000000000LL +
		       sb->st_mtim.tv_nsec;
	ins->n++;
	return NEWSIDX_OK;
}

static newsidx_status_t walk(struct writer *w, const char *path, int depth,
			     struct inputs *ins)
{
	struct stat sb;
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
			st = walk(w, names[i], depth + 1, ins);
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
	return add_input(ins, path, &sb);
}

static void free_inputs(struct inputs *ins)
{
	size_t i;

	for (i = 0; i < ins->n; i++) {
		free(ins->v[i].name);
		free(ins->v[i].abspath);
	}
	free(ins->v);
}

static int cmp_input_path(const void *a, const void *b)
{
	return strcmp(((const struct input *)a)->abspath,
		      ((const struct input *)b)->abspath);
}

/* Is path the root itself or below it? */
static int under(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (strncmp(path, root, n) != 0)
		return 0;
	return path[n] == '\0' || path[n] == '/' || (n > 0 && root[n - 1] == '/');
}

struct vanish {
	struct writer *w;
	const char *root;
	const struct input *sorted; /* this run's inputs by abspath */
	size_t n;
	char **gone;
	size_t ngone, capgone;
	int nomem;
};

static int find_vanished(void *ctx, const char *key, size_t klen)
{
	struct vanish *v = ctx;
	struct input probe;
	struct fstate fs;
	const char *path = NULL;
	char *val = NULL, *k;
	size_t len = 0;

	k = malloc(klen + 1);
	if (!k) {
		v->nomem = 1;
		return 1;
	}
	memcpy(k, key, klen);
	k[klen] = '\0';
	if (xapc_db_get_metadata(v->w->db->x, k, &val, &len) == XAPC_OK &&
	    len && parse_state(val, &fs, &path) && under(path, v->root)) {
		probe.abspath = (char *)path;
		if (!v->n || !bsearch(&probe, v->sorted, v->n,
				      sizeof(*v->sorted), cmp_input_path)) {
			if (v->ngone == v->capgone) {
				size_t cap = v->capgone ? v->capgone * 2 : 16;
				char **p = realloc(v->gone, cap * sizeof(*p));

				if (!p)
					v->nomem = 1;
				else {
					v->gone = p;
					v->capgone = cap;
				}
			}
			if (!v->nomem) {
				v->gone[v->ngone] = newsidx_strdup(path);
				if (!v->gone[v->ngone++])
					v->nomem = 1;
			}
		}
	}
	free(val);
	free(k);
	return v->nomem;
}

/* Remove the articles and states of files gone from under root. */
static newsidx_status_t drop_vanished(struct writer *w, const char *root,
				      struct inputs *ins)
{
	struct vanish v;
	newsidx_status_t st = NEWSIDX_OK;
	size_t i;
	int x;

	memset(&v, 0, sizeof(v));
	v.w = w;
	v.root = root;
	v.sorted = ins->v;
	v.n = ins->n;
	x = xapc_db_metadata_keys(w->db->x, STATE_PREFIX, find_vanished, &v);
	if (v.nomem)
		st = newsidx_db__fail(w->db, NEWSIDX_NOMEM, "out of memory");
	else if (x)
		st = newsidx_db__xfail(w->db, x, "reading");
	for (i = 0; i < v.ngone; i++) {
		char key[256];

		if (!st)
			st = drop_articles(w, v.gone[i], NULL, 0);
		if (!st) {
			state_key(STATE_PREFIX, v.gone[i], key, sizeof(key));
			x = xapc_db_set_metadata(w->db->x, key, "", 0);
			if (x)
				st = newsidx_db__xfail(w->db, x, "writing to");
		}
		free(v.gone[i]);
	}
	free(v.gone);
	return st;
}

/* Remember the paths given, so that a rebuild can read them again. */
static newsidx_status_t put_root(struct writer *w, const char *abspath)
{
	char key[256];
	int x;

	state_key(ROOT_PREFIX, abspath, key, sizeof(key));
	x = xapc_db_set_metadata(w->db->x, key, abspath, strlen(abspath));
	return x ? newsidx_db__xfail(w->db, x, "writing to") : NEWSIDX_OK;
}

static newsidx_status_t index_tree(struct writer *w, const char *path)
{
	struct inputs ins = { 0 };
	char root[PATH_MAX];
	newsidx_status_t st;
	size_t i;

	st = walk(w, path, 0, &ins);
	if (st) {
		free_inputs(&ins);
		return newsidx_db__fail(w->db, st, "out of memory");
	}
	for (i = 0; i < ins.n; i++)
		w->stats->bytes_total += ins.v[i].size;
	w->stats->files_total += ins.n;
	for (i = 0; i < ins.n && !st; i++) {
		st = update_file(w, &ins.v[i]);
		w->stats->bytes_done += ins.v[i].size;
		if (!st && progress(w))
			st = NEWSIDX_INTERRUPTED;
	}
	/* Vanished files are judged only after a complete walk of a path
	 * that exists: an interrupted or failed run must not delete. */
	if (!st && realpath(path, root)) {
		st = put_root(w, root);
		if (!st && !w->opts->no_delete) {
			if (ins.n)
				qsort(ins.v, ins.n, sizeof(*ins.v),
				      cmp_input_path);
			st = drop_vanished(w, root, &ins);
		}
	}
	free_inputs(&ins);
	return st;
}

static newsidx_status_t run(newsidx_db_t *db, const char *path,
			    const void *data, size_t len,
			    const newsidx_index_options_t *opts,
			    newsidx_index_stats_t *stats)
{
	newsidx_index_options_t defaults = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t local;
	struct writer w;
	newsidx_status_t st, cst;
	int x;

	if (!db || !path)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->x)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"index %s is open read-only", db->path);
	if (newsidx_db__usable(db))
		return NEWSIDX_VERSION_MISMATCH;
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
		st = index_tree(&w, path);
	xapc_doc_free(w.doc);
	newsidx_buf__free(&w.data);
	free(w.seen);
	/* Also when interrupted: what finished is kept. */
	if ((!st || st == NEWSIDX_INTERRUPTED) && db->pending) {
		cst = commit(&w);
		if (cst)
			st = cst;
	}
	free(w.spell.e);
	newsidx_buf__free(&w.spell.arena);
	if (st == NEWSIDX_INTERRUPTED)
		newsidx_db__fail(db, st, "interrupted; the work done so far "
					 "was committed");
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
