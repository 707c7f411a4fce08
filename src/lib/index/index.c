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
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "internal.h"
#include "analyzer/analyzer.h"
#include "ingest/ingest.h"
#include "query/query.h"
#include "store/store.h"
#include "util/util.h"
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

/* An article's text terms and their wdf, gathered so that Xapian's term
 * map is updated once per distinct term rather than once per word.  The
 * terms are kept in the order met; the table finds them by hash, and a
 * slot of an older generation is empty, so starting again costs nothing
 * however large an earlier article made the table. */
struct aggterm {
	uint32_t off, len, wdf; /* the term's bytes: off, len in bytes */
};

struct aggslot {
	uint64_t hash;
	uint32_t term; /* index in terms */
	uint32_t gen;  /* in use when it is the table's generation */
};

struct termagg {
	struct aggslot *slot;
	size_t cap;           /* slots: a power of two, or 0 */
	struct aggterm *terms;
	size_t n, capterms;
	uint32_t gen;
	struct newsidx_buf bytes;
};

/*
 * The preparing half of indexing, one per thread: an article becomes a
 * Xapian document with every term, value and the stored data.  Only what
 * needs the index (the near-duplicate group, the spelling table) is left
 * to the writer.  Each preparer has its own analyzers: a stemmer is never
 * shared between threads.
 */
struct prep {
	const newsidx_index_options_t *opts;
	struct newsidx_analyzer *an_en;
	struct newsidx_analyzer *an_lang[8];
	char an_code[8][8];
	struct newsidx_buf data;
	/* State for the token callbacks. */
	struct newsidx_analyzer *an;
	xapc_doc_t *doc;
	const char *prefix;
	int title;
	xapc_status_t xst;
	struct newsidx_minhash mh;
	unsigned spell_count;
	/* Words already listed for this article: hashes, valid when their
	 * generation is the current one. */
	uint64_t spell_hash[SPELL_SLOTS];
	unsigned spell_gen[SPELL_SLOTS];
	unsigned gen;
	struct newsidx_buf spell;  /* this article's words, NUL-separated */
	int compact;                /* positions in a value, not Xapian */
	struct newsidx_posrec posr; /* this article's word positions */
	struct termagg agg;         /* compact: its terms and their wdf */
	struct newsidx_buf posv;    /* and their encoding */
	struct newsidx_packer *packer; /* the run's, shared */
	int binary_bands;           /* band terms in the binary form */
	void *zctx;                 /* this thread's compression state */
	struct newsidx_buf pack;    /* the packed record */
};

/* A prepared article, or the end of a file, on its way to the writer. */
struct item {
	xapc_doc_t *doc;
	char *id;
	char qterm[NEWSIDX_MAX_TERM + 24];
	size_t qlen;
	struct newsidx_sig sig;
	int has_sig;
	char *spell;
	size_t spell_len;
	size_t body_len;
	int replace;   /* bulk: its id was seen before in the run */
	struct item *next; /* in its file's queue */
	/* The end of a file: its results. */
	int end;
	size_t file;
	uint64_t hash;
	int hashed;
	int file_rejected;
	unsigned long skipped, unprocessed, title_only;
};

/* What the writer keeps per file being indexed. */
struct filework {
	struct fstate fs;
	xapc_docid_t *seen;  /* its articles' docids, to drop the others */
	size_t nseen, capseen;
	size_t narticles;    /* its articles written */
};

/*
 * The near-duplicate lookup of a run that started on an empty index: the
 * band hashes of the run's articles, in memory, so that a first load or
 * a parallel bulk load reads nothing back from Xapian.  Each article
 * costs its group, its stored signature and NEWSIDX_SIG_BANDS slots.
 */
struct runart {
	uint64_t group;
	unsigned char sig[NEWSIDX_SIG_BYTES];
};

/* Memory bounds for very large loads: past these many articles, later
 * ones are still looked up but no longer remembered (about 140 to 200
 * bytes each in the band table, 16 to 32 in the id table). */
#define BANDTAB_MAX_ARTICLES 2000000
#define BULK_MAX_IDS 8000000

struct bandtab {
	uint64_t *slot;     /* band hash high 32 bits << 32 | article + 1 */
	size_t cap, n;      /* slots (a power of two), used */
	struct runart *art;
	size_t nart, capart;
};

struct pipeline;
struct bulk;

struct writer {
	struct newsidx_db *db;
	const newsidx_index_options_t *opts;
	newsidx_index_stats_t *stats;
	struct prep prep;          /* for the writer's own thread */
	struct filework single;    /* the file of a one-thread run */
	unsigned long since_progress;
	newsidx_status_t fatal;
	unsigned long rejected;
	int file_rejected;
	struct pipeline *pl;       /* when preparing in threads */
	struct spellbatch spell;
	int dedup_mem;             /* the index was empty: use bands */
	struct bandtab bands;
	struct bulk *bulk;         /* a parallel bulk load, or NULL */
	int compact;               /* the index keeps compact positions */
	int term_lists;            /* Xapian keeps term lists (can delete) */
	struct newsidx_packer *packer; /* packs the stored records */
	int binary_bands;          /* band terms in the binary form */
};

static void reject_locked(struct writer *w, const char *where,
			  const char *reason);

static void on_reject(void *ctx, const char *where, const char *reason)
{
	struct writer *w = ctx;

	w->file_rejected = 1;
	reject_locked(w, where, reason);
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
 * List a word for the spelling vocabulary once per article: plain words
 * only (no numbers, acronyms or handles), 3 to 32 bytes, so that "did
 * you mean" suggests real words rather than codes.
 */
static void add_spelling(struct prep *p, const struct newsidx_token *tok)
{
	uint64_t h;
	size_t i, slot;
	int rc = 0;

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
		if (p->spell_gen[slot] != p->gen)
			break;
		if (p->spell_hash[slot] == h)
			return;
	}
	p->spell_gen[slot] = p->gen;
	p->spell_hash[slot] = h;
	newsidx_buf__append(&p->spell, tok->text, tok->len, &rc);
	newsidx_buf__putc(&p->spell, '\0', &rc);
	if (rc)
		p->xst = XAPC_ERR_NOMEM;
}

static int agg_grow(struct termagg *g)
{
	size_t cap = g->cap ? g->cap * 2 : 256, i, j;
	struct aggslot *t = calloc(cap, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < g->cap; i++) {
		if (g->slot[i].gen != g->gen)
			continue;
		for (j = g->slot[i].hash & (cap - 1); t[j].gen == g->gen;
		     j = (j + 1) & (cap - 1))
			;
		t[j] = g->slot[i];
	}
	free(g->slot);
	g->slot = t;
	g->cap = cap;
	return 0;
}

/* Count wdf for a term whose hash is h; -1 when out of memory. */
static int agg_add(struct termagg *g, const char *term, size_t len,
		   uint64_t h, unsigned wdf)
{
	size_t i;
	int rc = 0;

	if (!g->gen)
		g->gen = 1; /* calloc'd slots are of generation 0 */
	if (2 * (g->n + 1) > g->cap && agg_grow(g))
		return -1;
	for (i = h & (g->cap - 1); g->slot[i].gen == g->gen;
	     i = (i + 1) & (g->cap - 1)) {
		struct aggterm *e = &g->terms[g->slot[i].term];

		if (g->slot[i].hash == h && e->len == len &&
		    memcmp(g->bytes.data + e->off, term, len) == 0) {
			e->wdf += wdf;
			return 0;
		}
	}
	if (g->n == g->capterms) {
		size_t cap = g->capterms ? 2 * g->capterms : 128;
		struct aggterm *t = realloc(g->terms, cap * sizeof(*t));

		if (!t)
			return -1;
		g->terms = t;
		g->capterms = cap;
	}
	g->terms[g->n].off = (uint32_t)g->bytes.len;
	g->terms[g->n].len = (uint32_t)len;
	g->terms[g->n].wdf = wdf;
	newsidx_buf__append(&g->bytes, term, len, &rc);
	if (rc)
		return -1;
	g->slot[i].hash = h;
	g->slot[i].term = (uint32_t)g->n++;
	g->slot[i].gen = g->gen;
	return 0;
}

/* Hand the gathered terms to the document, and start again. */
static xapc_status_t agg_flush(struct termagg *g, xapc_doc_t *doc)
{
	xapc_status_t x = XAPC_OK;
	size_t i;

	for (i = 0; i < g->n && !x; i++)
		x = xapc_doc_add_term(doc, g->bytes.data + g->terms[i].off,
				      g->terms[i].len, g->terms[i].wdf);
	g->n = 0;
	g->bytes.len = 0;
	if (++g->gen == 0) {
		memset(g->slot, 0, g->cap * sizeof(*g->slot));
		g->gen = 1;
	}
	return x;
}

static int add_text_token(void *ctx, const struct newsidx_token *tok)
{
	struct prep *p = ctx;
	char term[NEWSIDX_MAX_TOKEN * 4 + 8];
	const char *stem;
	size_t slen;
	uint64_t h;
	xapc_termpos_t pos = tok->pos;

	if (!p->title && !(tok->flags & NEWSIDX_TOK_JOINED))
		newsidx_dedup__add(&p->mh, tok->text, tok->len);
	/* The first words of a long article give its vocabulary; the
	 * bound keeps the per-article table sparse. */
	if (p->spell_count++ < SPELL_SLOTS / 2)
		add_spelling(p, tok);
	if (p->xst)
		return 1;

	stem = newsidx_analyzer__stem(p->an, tok->text, tok->len, &slen);
	if (!stem || slen == 0 || slen > sizeof(term) - 2)
		return 0;
	if (!p->compact) {
		if (p->title) {
			term[0] = 'S';
			memcpy(term + 1, stem, slen);
			p->xst = xapc_doc_add_posting(p->doc, term, slen + 1,
						      pos, 1);
			if (!p->xst)
				p->xst = xapc_doc_add_posting(
					p->doc, stem, slen, pos,
					NEWSIDX_TITLE_WDF);
		} else {
			p->xst = xapc_doc_add_posting(p->doc, stem, slen, pos,
						      1);
		}
		return p->xst ? 1 : 0;
	}
	/* Compact: positions go to the article's position value, and the
	 * terms are handed to Xapian once the article is read. */
	h = newsidx_pos__hash(stem, slen);
	if (newsidx_pos__add(&p->posr, pos, h))
		goto nomem;
	if (p->title) {
		term[0] = 'S';
		memcpy(term + 1, stem, slen);
		if (agg_add(&p->agg, term, slen + 1, ~h, 1) ||
		    agg_add(&p->agg, stem, slen, h, NEWSIDX_TITLE_WDF))
			goto nomem;
	} else if (agg_add(&p->agg, stem, slen, h, 1)) {
		goto nomem;
	}
	return 0;
nomem:
	p->xst = XAPC_ERR_NOMEM;
	return 1;
}

static int add_field_token(void *ctx, const struct newsidx_token *tok)
{
	struct prep *p = ctx;
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n = newsidx_schema__term(term, p->prefix, tok->text, tok->len);

	p->xst = xapc_doc_add_boolean_term(p->doc, term, n);
	return p->xst ? 1 : 0;
}

static int add_words(struct prep *p, const char *prefix, const char *value)
{
	if (!value || !*value)
		return 0;
	p->prefix = prefix;
	newsidx_analyzer__tokenize(p->an, value, strlen(value), 1,
				   add_field_token, p, NULL);
	return p->xst;
}

static int add_exact(struct prep *p, const char *prefix, const char *value)
{
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n;

	if (!value || !*value)
		return 0;
	n = newsidx_schema__term(term, prefix, value, strlen(value));
	p->xst = xapc_doc_add_boolean_term(p->doc, term, n);
	return p->xst;
}

static int set_value(struct prep *p, unsigned slot, const char *v)
{
	if (!v || !*v)
		return 0;
	p->xst = xapc_doc_set_value(p->doc, slot, v, strlen(v));
	return p->xst;
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

static newsidx_status_t prep_init(struct prep *p, const struct writer *w)
{
	memset(p, 0, sizeof(*p));
	p->opts = w->opts;
	p->compact = w->compact;
	p->packer = w->packer;
	p->binary_bands = w->binary_bands;
	return newsidx_analyzer__new(&p->an_en, "en");
}

static void prep_free(struct prep *p)
{
	size_t i;

	newsidx_analyzer__free(p->an_en);
	for (i = 0; i < sizeof(p->an_lang) / sizeof(p->an_lang[0]); i++)
		newsidx_analyzer__free(p->an_lang[i]);
	xapc_doc_free(p->doc);
	newsidx_buf__free(&p->data);
	newsidx_buf__free(&p->spell);
	newsidx_pos__free(&p->posr);
	free(p->agg.slot);
	free(p->agg.terms);
	newsidx_buf__free(&p->agg.bytes);
	newsidx_buf__free(&p->posv);
	newsidx_packer__free_ctx(p->zctx);
	newsidx_buf__free(&p->pack);
}

/* The analyzer of a language code: English for "en" and for languages
 * libstemmer does not know. */
static struct newsidx_analyzer *prep_analyzer(struct prep *p,
					     const char *code)
{
	const size_t n = sizeof(p->an_lang) / sizeof(p->an_lang[0]);
	size_t i;

	if (!*code || strcmp(code, "en") == 0)
		return p->an_en;
	for (i = 0; i < n && p->an_lang[i]; i++)
		if (strcmp(p->an_code[i], code) == 0)
			return p->an_lang[i];
	if (i == n) {
		newsidx_analyzer__free(p->an_lang[--i]);
		p->an_lang[i] = NULL;
	}
	if (newsidx_analyzer__new(&p->an_lang[i], code) != NEWSIDX_OK) {
		p->an_lang[i] = NULL;
		return p->an_en;
	}
	snprintf(p->an_code[i], sizeof(p->an_code[i]), "%s", code);
	return p->an_lang[i];
}

static void item_free(struct item *it)
{
	if (!it)
		return;
	xapc_doc_free(it->doc);
	free(it->id);
	free(it->spell);
	free(it);
}

/*
 * Turn an article into a document, in any thread.  Returns NEWSIDX_OK
 * with *out set, or a status with the reason in err.
 */
static newsidx_status_t prepare(struct prep *p, struct newsidx_article *a,
				struct item **out, char *err, size_t errlen)
{
	char code[8];
	unsigned next = 1;
	struct item *it;
	newsidx_status_t st;
	int x;

	*out = NULL;
	lang_code(a->lang ? a->lang : p->opts->lang, code);
	p->an = prep_analyzer(p, code);
	if (!code[0])
		snprintf(code, sizeof(code), "en");
	free(a->lang);
	a->lang = newsidx_strdup(code);
	if (!a->source && p->opts->source)
		a->source = newsidx_strdup(p->opts->source);
	it = calloc(1, sizeof(*it));
	if (!it || !a->lang || xapc_doc_new(&it->doc)) {
		item_free(it);
		snprintf(err, errlen, "out of memory");
		return NEWSIDX_NOMEM;
	}
	p->doc = it->doc;
	p->xst = XAPC_OK;
	p->gen++;
	p->spell_count = 0;
	newsidx_buf__reset(&p->spell);
	p->spell.len = 0;
	newsidx_dedup__start(&p->mh);
	newsidx_pos__reset(&p->posr);
	p->title = 1;
	if (a->title)
		newsidx_analyzer__tokenize(p->an, a->title, strlen(a->title),
					   1, add_text_token, p, &next);
	p->title = 0;
	if (!p->xst)
		newsidx_analyzer__tokenize(p->an, a->body, a->body_len,
					   next + NEWSIDX_TITLE_GAP,
					   add_text_token, p, NULL);
	x = p->xst;
	if (p->compact) {
		xapc_status_t ax = agg_flush(&p->agg, it->doc);

		if (!x)
			x = ax;
	}
	if (!x && p->compact && p->posr.n) {
		/* The stems of the first articles rank the stem codes,
		 * which the later ones are coded with. */
		newsidx_packer__count_stems(p->packer, p->posr.hash,
					    p->posr.n);
		if (newsidx_pos__encode(&p->posr, next - 1,
					newsidx_packer__codes(p->packer),
					&p->posv))
			x = XAPC_ERR_NOMEM;
		else
			x = xapc_doc_set_value(it->doc, NEWSIDX_SLOT_POS,
					       p->posv.data, p->posv.len);
	}
	if (!x)
		x = add_words(p, "XP", a->place);
	if (!x)
		x = add_words(p, "XS", a->source);
	if (!x)
		x = add_words(p, "A", a->authors);
	if (!x)
		x = add_words(p, "XT", a->topics);
	if (!x)
		x = add_exact(p, "L", a->lang);
	if (!x)
		x = add_exact(p, "U", a->url);
	if (!x && a->path && *a->path) {
		char term[16];

		x = p->xst = xapc_doc_add_boolean_term(
			p->doc, term, newsidx_schema__file_term(term, a->path));
	}
	if (!x)
		x = set_value(p, NEWSIDX_SLOT_DATE, a->date);
	if (!x)
		x = set_value(p, NEWSIDX_SLOT_SOURCE, a->source);
	if (!x)
		x = set_value(p, NEWSIDX_SLOT_PLACE, a->place);
	if (!x)
		x = set_value(p, NEWSIDX_SLOT_LANG, a->lang);
	if (!x && a->date[0]) {
		char month[8];

		char term[16];

		snprintf(month, sizeof(month), "%.4s-%.2s", a->date,
			 a->date + 4);
		x = set_value(p, NEWSIDX_SLOT_MONTH, month);
		/* Year, month and day terms: date filters intersect
		 * postings instead of reading the date of every match. */
		snprintf(term, sizeof(term), "Y%.4s", a->date);
		if (!x)
			x = xapc_doc_add_boolean_term(it->doc, term, 5);
		snprintf(term, sizeof(term), "M%.6s", a->date);
		if (!x)
			x = xapc_doc_add_boolean_term(it->doc, term, 7);
		snprintf(term, sizeof(term), "D%.8s", a->date);
		if (!x)
			x = xapc_doc_add_boolean_term(it->doc, term, 9);
	}
	if (!x && (it->has_sig = newsidx_dedup__finish(&p->mh))) {
		char term[64];
		unsigned band;

		/* The signature itself is not stored (0.08 times the text):
		 * a candidate copy's is made again from its body. */
		it->sig = p->mh.sig;
		for (band = 0; !x && band < NEWSIDX_SIG_BANDS; band++)
			x = xapc_doc_add_boolean_term(
				it->doc, term,
				newsidx_dedup__band_term(&it->sig, band,
							 p->binary_bands, term,
							 sizeof(term)));
	}
	if (x) {
		snprintf(err, errlen, "indexing %s: %s", a->id,
			 xapc_doc_errmsg(it->doc));
		item_free(it);
		return x == XAPC_ERR_NOMEM ? NEWSIDX_NOMEM : NEWSIDX_ENGINE;
	}
	st = newsidx_docdata__encode(a, &p->data);
	if (!st)
		st = newsidx_packer__pack(p->packer, &p->zctx, p->data.data,
					  p->data.len, &p->pack);
	it->qlen = newsidx_schema__term(it->qterm, "Q", a->id, strlen(a->id));
	it->id = newsidx_strdup(a->id);
	it->body_len = a->body_len;
	if (!st && p->spell.len) {
		it->spell = malloc(p->spell.len);
		if (it->spell) {
			memcpy(it->spell, p->spell.data, p->spell.len);
			it->spell_len = p->spell.len;
		}
	}
	if (st || !it->id || (p->spell.len && !it->spell) ||
	    xapc_doc_set_value(it->doc, NEWSIDX_SLOT_DOC, p->pack.data,
			       p->pack.len) ||
	    xapc_doc_add_boolean_term(it->doc, it->qterm, it->qlen)) {
		snprintf(err, errlen, "out of memory");
		item_free(it);
		return NEWSIDX_NOMEM;
	}
	p->doc = NULL;
	*out = it;
	return NEWSIDX_OK;
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

static int band_grow(struct bandtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1 << 14, i, j;
	uint64_t *slot = calloc(cap, sizeof(*slot));

	if (!slot)
		return -1;
	for (i = 0; i < t->cap; i++) {
		uint64_t e = t->slot[i];

		if (!e)
			continue;
		/* Slots are found from the key bits alone. */
		for (j = (size_t)(e >> 32) & (cap - 1); slot[j];
		     j = (j + 1) & (cap - 1))
			;
		slot[j] = e;
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

/*
 * The group of an article from this run's band table, or a new group
 * named after id; the article joins the table either way.  Slots hold
 * the high 32 bits of a band hash and an article number, and are found
 * by linear probing from those bits (so the table can grow without the
 * full hashes); a match of the bits is confirmed on the signatures.
 */
static int find_group_mem(struct bandtab *t, const struct newsidx_sig *sig,
			  const char *id, uint64_t *group)
{
	uint64_t hs[NEWSIDX_SIG_BANDS];
	unsigned band;
	size_t i;
	int found = 0;

	for (band = 0; band < NEWSIDX_SIG_BANDS; band++)
		hs[band] = newsidx_dedup__band_hash(sig, band);
	if (t->cap)
		for (band = 0; !found && band < NEWSIDX_SIG_BANDS; band++) {
			uint32_t key = (uint32_t)(hs[band] >> 32);

			for (i = key & (t->cap - 1); t->slot[i];
			     i = (i + 1) & (t->cap - 1)) {
				struct newsidx_sig other;
				const struct runart *a;

				if ((uint32_t)(t->slot[i] >> 32) != key)
					continue;
				a = &t->art[(uint32_t)t->slot[i] - 1];
				if (newsidx_dedup__decode(a->sig, sizeof(a->sig),
							  &other) &&
				    newsidx_dedup__resemblance(sig, &other) >=
					    NEWSIDX_DUP_MIN) {
					*group = a->group;
					found = 1;
					break;
				}
			}
		}
	if (!found)
		*group = newsidx_hash64(id, strlen(id));
	if (t->nart == t->capart) {
		size_t cap = t->capart ? t->capart * 2 : 1024;
		struct runart *p = realloc(t->art, cap * sizeof(*p));

		if (!p)
			return -1;
		t->art = p;
		t->capart = cap;
	}
	if (t->nart >= BANDTAB_MAX_ARTICLES)
		return 0; /* full: later articles are only looked up */
	t->art[t->nart].group = *group;
	newsidx_dedup__encode(sig, t->art[t->nart].sig);
	t->nart++;
	for (band = 0; band < NEWSIDX_SIG_BANDS; band++) {
		if ((t->n + 1) * 2 > t->cap && band_grow(t))
			return -1;
		/* Probe from the key bits, as lookups do. */
		for (i = (size_t)(hs[band] >> 32) & (t->cap - 1); t->slot[i];
		     i = (i + 1) & (t->cap - 1))
			;
		t->slot[i] = (hs[band] >> 32) << 32 | (uint64_t)t->nart;
		t->n++;
	}
	return 0;
}

static void bandtab_free(struct bandtab *t)
{
	free(t->slot);
	free(t->art);
	memset(t, 0, sizeof(*t));
}

static int sig_token(void *ctx, const struct newsidx_token *tok)
{
	/* As add_text_token feeds the signature of a body. */
	if (!(tok->flags & NEWSIDX_TOK_JOINED))
		newsidx_dedup__add(ctx, tok->text, tok->len);
	return 0;
}

/*
 * The signature of an indexed article: the stored one (indexes made
 * before schema 5), else made again from its stored body, as prepare()
 * made it, with the writer's own analyzers.  1 when it has one.
 */
static int stored_sig(struct writer *w, xapc_doc_t *doc,
		      struct newsidx_sig *out)
{
	struct newsidx_minhash mh;
	struct newsidx_stored s;
	const char *v;
	const void *rec;
	size_t len, rlen;
	char code[8];
	int ok;

	v = xapc_doc_value(doc, NEWSIDX_SLOT_SIG, &len);
	if (v && len)
		return newsidx_dedup__decode(v, len, out);
	if (newsidx_db__doc_record(w->db, doc, &rec, &rlen) ||
	    newsidx_docdata__decode(rec, rlen, 1, &s))
		return 0;
	lang_code(s.lang, code);
	newsidx_dedup__start(&mh);
	newsidx_analyzer__tokenize(prep_analyzer(&w->prep, code), s.body,
				   s.body_len, 1, sig_token, &mh, NULL);
	ok = newsidx_dedup__finish(&mh);
	if (ok)
		*out = mh.sig;
	newsidx_stored__clear(&s);
	return ok;
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

	if (w->dedup_mem) {
		uint64_t g;

		if (find_group_mem(&w->bands, sig, id, &g))
			return XAPC_ERR_NOMEM;
		snprintf(group, 17, "%016" PRIx64, g);
		return 0;
	}
	for (band = 0; band < NEWSIDX_SIG_BANDS; band++) {
		n = newsidx_dedup__band_term(sig, band, w->binary_bands, term,
					     sizeof(term));
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
			if (stored_sig(w, doc, &other) &&
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

/* Call the progress callback; nonzero means stop. */
static int progress(struct writer *w)
{
	w->since_progress = 0;
	return w->opts->progress &&
	       w->opts->progress(w->opts->progress_ctx, w->stats);
}

/* Store the dictionary the packer has just given, and the stem codes
 * made with it. */
static int store_dictionary(struct writer *w, const void *dict, size_t len)
{
	size_t clen = 0;
	const void *codes = newsidx_packer__take_codes(w->packer, &clen);
	int x = newsidx_db__set_dictionary(w->db, dict, len);

	if (!x && codes)
		x = newsidx_db__set_stemcodes(w->db, codes, clen);
	return x;
}

/* The writer's part of every article, in order: its near-duplicate
 * group, and its words counted for the spelling table. */
static int group_and_spell(struct writer *w, struct item *it)
{
	size_t i, dlen;
	int x = 0;
	const void *dict = newsidx_packer__take_dict(w->packer, &dlen);

	/* A dictionary a preparer has just trained goes into the index
	 * before the first record packed with it, and the stem codes made
	 * with it before the first positions coded with them. */
	if (dict)
		x = store_dictionary(w, dict, dlen);
	if (it->has_sig) {
		char group[17];

		x = find_group(w, &it->sig, it->id, group);
		if (!x)
			x = xapc_doc_set_value(it->doc, NEWSIDX_SLOT_GROUP,
					       group, 16);
	}
	for (i = 0; !x && i < it->spell_len; i += strlen(it->spell + i) + 1) {
		size_t n = strlen(it->spell + i);

		if (spell_count(&w->spell, it->spell + i, n,
				newsidx_hash64(it->spell + i, n)))
			x = XAPC_ERR_NOMEM;
	}
	return x;
}

static int first_docid(void *ctx, xapc_docid_t id, xapc_termcount_t wdf)
{
	(void)wdf;
	*(xapc_docid_t *)ctx = id;
	return 1;
}

/* 1 when two documents have the same value in slot, not empty. */
static int same_value(xapc_doc_t *a, xapc_doc_t *b, unsigned slot)
{
	size_t la = 0, lb = 0;
	const char *va = xapc_doc_value(a, slot, &la);
	const char *vb = xapc_doc_value(b, slot, &lb);

	return va && vb && la == lb && memcmp(va, vb, la) == 0;
}

/*
 * In an index without term lists, where replacing an article leaves the
 * old one listed deleted until a rebuild, the article already stored as
 * it is now is kept: a file that changed (a feed or a JSON Lines file
 * that grows) then costs only its new articles.  The stored record (its
 * fields, body and file), its positions and its group decide; the terms
 * follow from them.  had: how many live articles have its id.  Its
 * docid, or 0 to write it.
 */
static xapc_docid_t stored_as_is(struct writer *w, struct item *it,
				 xapc_doccount_t had)
{
	xapc_docid_t id = 0;
	xapc_doc_t *old = NULL;

	if (w->term_lists || had != 1 ||
	    xapc_db_postings(w->db->x, it->qterm, it->qlen, first_docid, &id) ||
	    !id || xapc_db_get_doc(w->db->x, id, &old)) {
		xapc_doc_free(old);
		return 0;
	}
	if (!same_value(old, it->doc, NEWSIDX_SLOT_DOC) ||
	    !same_value(old, it->doc, NEWSIDX_SLOT_GROUP) ||
	    (w->compact && !same_value(old, it->doc, NEWSIDX_SLOT_POS)))
		id = 0;
	xapc_doc_free(old);
	return id;
}

/*
 * Write a prepared article, in the writer's thread: its group, its
 * spelling words, then the document, replacing any copy with its id.
 */
static newsidx_status_t write_item(struct writer *w, struct item *it,
				   struct filework *fw)
{
	xapc_docid_t docid;
	xapc_doccount_t had = 0;
	newsidx_status_t st;
	int x = group_and_spell(w, it);

	if (!x)
		x = newsidx_db__live_count(w->db, it->qterm, it->qlen, &had);
	docid = x ? 0 : stored_as_is(w, it, had);
	if (!x && !docid)
		x = xapc_db_replace_doc_by_term(w->db->x, it->qterm, it->qlen,
						it->doc, &docid);
	if (x)
		return w->fatal = newsidx_db__xfail(w->db, x, "writing to");
	if (fw->nseen == fw->capseen) {
		size_t cap = fw->capseen ? fw->capseen * 2 : 64;
		xapc_docid_t *p = realloc(fw->seen, cap * sizeof(*p));

		if (!p)
			return w->fatal = newsidx_db__fail(w->db, NEWSIDX_NOMEM,
							   "out of memory");
		fw->seen = p;
		fw->capseen = cap;
	}
	fw->seen[fw->nseen++] = docid;
	fw->narticles++;
	if (had)
		w->stats->updated++;
	else
		w->stats->added++;
	w->stats->articles++;
	w->stats->bytes += it->body_len;
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

/* One thread: prepare and write each article as it is parsed. */
static newsidx_status_t on_article(void *ctx, struct newsidx_article *a)
{
	struct writer *w = ctx;
	struct item *it;
	char err[512];
	newsidx_status_t st;

	if (w->fatal)
		return w->fatal;
	st = prepare(&w->prep, a, &it, err, sizeof(err));
	if (st)
		return w->fatal = newsidx_db__fail(w->db, st, "%s", err);
	st = write_item(w, it, &w->single);
	item_free(it);
	return st;
}

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
	state_key(NEWSIDX_META_FILE_PREFIX, abspath, key, sizeof(key));
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
	state_key(NEWSIDX_META_FILE_PREFIX, in->abspath, key, sizeof(key));
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
	size_t n = newsidx_schema__file_term(term, abspath);
	struct doclist l = { 0 };
	size_t i;
	int x;

	/* The hashed term, then the path itself: the form of articles
	 * written by earlier versions (an article has one or the other). */
	x = xapc_db_postings(w->db->x, term, n, collect_docid, &l);
	if (!x && !l.nomem) {
		n = newsidx_schema__term(term, "XF", abspath, strlen(abspath));
		x = xapc_db_postings(w->db->x, term, n, collect_docid, &l);
	}
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
	w->single.nseen = 0;
	w->single.narticles = 0;
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

/*
 * Does a file found by the walk need reading?  0: no (unchanged, or
 * touched and re-stamped); 1: yes, with its remembered state in *fs and,
 * when it had to be computed, its content hash in *hash (*hashed set).
 */
static int needs_reading(struct writer *w, const struct input *in,
			 struct fstate *fs, uint64_t *hash, int *hashed,
			 newsidx_status_t *st)
{
	*hashed = 0;
	*st = get_state(w, in->abspath, fs);
	if (*st)
		return 0;
	if (fs->found && !w->opts->force &&
	    !(fs->failed && w->opts->retry_failed) && fs->size == in->size) {
		if (fs->mtime_ns == in->mtime_ns) {
			w->stats->unchanged++;
			return 0;
		}
		/* Touched, or changed within the same size: the content
		 * hash decides. */
		if (hash_file(in->abspath, hash) == 0) {
			*hashed = 1;
			if (*hash == fs->hash) {
				w->stats->unchanged++;
				w->db->pending++;
				*st = put_state(w, in, *hash, fs->failed);
				return 0;
			}
		}
	}
	return 1;
}

/*
 * After a file was read: drop the articles it no longer holds (all of
 * them when it now fails entirely) and remember its state.
 */
static newsidx_status_t finish_file(struct writer *w, const struct input *in,
				    struct filework *fw, uint64_t hash,
				    int rejected)
{
	newsidx_status_t st;

	if (fw->fs.found) {
		if (fw->nseen)
			qsort(fw->seen, fw->nseen, sizeof(*fw->seen),
			      cmp_docid);
		st = drop_articles(w, in->abspath, fw->seen, fw->nseen);
		if (st)
			return st;
	}
	w->db->pending++;
	return put_state(w, in, hash, rejected && fw->narticles == 0);
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
	x = xapc_db_metadata_keys(w->db->x, NEWSIDX_META_FILE_PREFIX,
				  find_vanished, &v);
	if (v.nomem)
		st = newsidx_db__fail(w->db, NEWSIDX_NOMEM, "out of memory");
	else if (x)
		st = newsidx_db__xfail(w->db, x, "reading");
	for (i = 0; i < v.ngone; i++) {
		char key[256];

		if (!st)
			st = drop_articles(w, v.gone[i], NULL, 0);
		if (!st) {
			state_key(NEWSIDX_META_FILE_PREFIX, v.gone[i], key,
				  sizeof(key));
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

	state_key(NEWSIDX_META_ROOT_PREFIX, abspath, key, sizeof(key));
	x = xapc_db_set_metadata(w->db->x, key, abspath, strlen(abspath));
	return x ? newsidx_db__xfail(w->db, x, "writing to") : NEWSIDX_OK;
}

/* ---- preparing in threads ---- */

#define QUEUE_CAP 256
/* Articles prepared ahead of the file the writer is on, in all files. */
#define AHEAD_CAP 1024

/* A file to read, and what the writer keeps while its articles come. */
struct job {
	const struct input *in;
	struct filework fw;
	uint64_t hash;
	int hashed;
	struct item *qhead, *qtail; /* prepared, not yet written */
	size_t qn;
};

/*
 * Worker threads parse and prepare files, one file per worker at a time,
 * taking them in order, and queue each file's prepared articles, then an
 * end-of-file item, on that file's queue.  The writer (the calling
 * thread) is the only thread that touches the index, and it takes the
 * files in order, each to its end, as one thread would: an id repeated
 * across files keeps its last file's text, the documents get the same
 * numbers and the same near-duplicate groups whatever the threads'
 * timing, and a stopped run has read a first part of the files.  A
 * worker ahead of the writer's file stops when AHEAD_CAP articles wait in
 * all the files ahead, and every file's queue holds at most QUEUE_CAP,
 * so memory stays bounded.  The worker on the writer's file is never
 * held by the others: the files ahead of it are taken after it.
 */
struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	size_t n;               /* items queued in every file */
	size_t cur;             /* the file the writer is on */
	unsigned waiting;       /* workers waiting for room */
	struct job *jobs;
	size_t njobs, next;
	unsigned running;
	int stop;
	newsidx_status_t err;   /* a worker's failure */
	char errmsg[512];
	struct writer *w;
};

struct worker {
	struct pipeline *pl;
	struct prep prep;
	size_t file;
	int rejected;
	pthread_t thread;
	int started;
};

static void reject_locked(struct writer *w, const char *where,
			  const char *reason)
{
	if (w->pl)
		pthread_mutex_lock(&w->pl->mu);
	w->rejected++;
	w->stats->rejected++;
	newsidx_db__fail(w->db, NEWSIDX_REJECTED, "%s: %s", where, reason);
	if (w->opts->on_reject)
		w->opts->on_reject(w->opts->reject_ctx, where, reason);
	if (w->pl)
		pthread_mutex_unlock(&w->pl->mu);
}

/* 1 when an item of file f must wait for room (under the lock). */
static int no_room(const struct pipeline *pl, size_t f)
{
	if (pl->jobs[f].qn >= QUEUE_CAP)
		return 1;
	/* The files ahead of the writer's hold pl->n less its file's. */
	return f != pl->cur && pl->n - pl->jobs[pl->cur].qn >= AHEAD_CAP;
}

/* Queue it on its file's queue, when there is room; -1 when stopping. */
static int push(struct pipeline *pl, struct item *it)
{
	struct job *job = &pl->jobs[it->file];

	it->next = NULL;
	pthread_mutex_lock(&pl->mu);
	while (!pl->stop && no_room(pl, it->file)) {
		pl->waiting++;
		pthread_cond_wait(&pl->room, &pl->mu);
		pl->waiting--;
	}
	if (pl->stop) {
		pthread_mutex_unlock(&pl->mu);
		item_free(it);
		return -1;
	}
	if (job->qtail)
		job->qtail->next = it;
	else
		job->qhead = it;
	job->qtail = it;
	job->qn++;
	pl->n++;
	if (it->file == pl->cur)
		pthread_cond_signal(&pl->more);
	pthread_mutex_unlock(&pl->mu);
	return 0;
}

static void halt(struct pipeline *pl, newsidx_status_t err, const char *msg)
{
	pthread_mutex_lock(&pl->mu);
	if (err && !pl->err) {
		pl->err = err;
		snprintf(pl->errmsg, sizeof(pl->errmsg), "%s", msg);
	}
	/* Atomic: par_article reads it without the lock. */
	__atomic_store_n(&pl->stop, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&pl->room);
	pthread_cond_broadcast(&pl->more);
	pthread_mutex_unlock(&pl->mu);
}

static newsidx_status_t par_article(void *ctx, struct newsidx_article *a)
{
	struct worker *wk = ctx;
	struct item *it;
	char err[512];
	newsidx_status_t st;

	/* An early way out only: the queue re-checks under the lock. */
	if (__atomic_load_n(&wk->pl->stop, __ATOMIC_RELAXED))
		return NEWSIDX_INTERRUPTED;
	st = prepare(&wk->prep, a, &it, err, sizeof(err));
	if (st) {
		halt(wk->pl, st, err);
		return st;
	}
	it->file = wk->file;
	return push(wk->pl, it) ? NEWSIDX_INTERRUPTED : NEWSIDX_OK;
}

static void par_reject(void *ctx, const char *where, const char *reason)
{
	struct worker *wk = ctx;

	wk->rejected = 1;
	reject_locked(wk->pl->w, where, reason);
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct pipeline *pl = wk->pl;

	for (;;) {
		struct newsidx_ingest ing;
		struct item *end;
		struct job *job;

		pthread_mutex_lock(&pl->mu);
		if (pl->stop || pl->next >= pl->njobs) {
			pthread_mutex_unlock(&pl->mu);
			break;
		}
		wk->file = pl->next++;
		pthread_mutex_unlock(&pl->mu);
		job = &pl->jobs[wk->file];
		if (!job->hashed && hash_file(job->in->abspath, &job->hash))
			job->hash = 0; /* unreadable: ingest reports why */
		memset(&ing, 0, sizeof(ing));
		ing.name = job->in->name;
		ing.abspath = job->in->abspath;
		ing.max_article = pl->w->opts->max_article_bytes;
		ing.on_article = par_article;
		ing.on_reject = par_reject;
		ing.ctx = wk;
		wk->rejected = 0;
		if (newsidx_ingest__run(&ing, job->in->name, NULL, 0) ==
		    NEWSIDX_NOMEM) {
			halt(pl, NEWSIDX_NOMEM, "out of memory");
			break;
		}
		end = calloc(1, sizeof(*end));
		if (!end) {
			halt(pl, NEWSIDX_NOMEM, "out of memory");
			break;
		}
		end->end = 1;
		end->file = wk->file;
		end->hash = job->hash;
		end->file_rejected = wk->rejected;
		end->skipped = ing.skipped;
		end->unprocessed = ing.unprocessed;
		end->title_only = ing.title_only;
		if (push(pl, end))
			break;
	}
	pthread_mutex_lock(&pl->mu);
	pl->running--;
	pthread_cond_broadcast(&pl->more);
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

/* ---- bulk loads: parallel shards merged by the compactor ---- */

/*
 * A single Xapian writer is the wall of indexing speed: its inverter and
 * B-tree writes take most of the CPU however many threads prepare
 * documents.  A large load into an empty index therefore writes several
 * shards at once, each a temporary generation with its own writer thread
 * (no fsync: the merged result is what must survive), and merges them
 * with Xapian's compactor into a new generation, which the stub then
 * points to.  The live generation is not touched until that switch, so a
 * crash or a failure leaves the index as it was; leftover shards are
 * removed by the next writer.  File states, roots and spelling words go
 * to one more temporary generation, listed first in the merge so its
 * metadata wins.
 *
 * Articles are routed to a shard by the hash of their id, so a repeated
 * id replaces its copy in the same shard.  Near-duplicate groups and
 * spelling words stay with the writer thread, which sees every article
 * in order, so groups do not depend on the number of shards.
 */
#define BULK_MIN_BYTES (16ULL << 20)
#define BULK_MAX_SHARDS 8
/* Articles a shard's writer buffers before writing them to its tables.
 * The whole load is one atomic switch, so this is about speed alone: on
 * 60,000 generated Reuters articles, 500 took 16.1 s, 1,000 18.3 s,
 * 2,000 20.2 s and 5,000 23.1 s (two shards, --no-compact), and memory
 * grew with it. */
#define BULK_FLUSH 500
/* Room for the index directory's path, with a generation's name after
 * it; longer paths load with one writer. */
#define BULK_BASE (PATH_MAX - 320)

struct shard {
	struct bulk *bk;
	xapc_db_t *x;
	char gen[64];
	struct item *q[QUEUE_CAP];
	size_t head, n;
	pthread_cond_t more, room;
	pthread_t thread;
	int started;
	unsigned pending;
	int xerr;
	char errmsg[300];
	int lean;             /* no termlist: it cannot replace articles */
	char **copies;        /* the id terms it wrote again (lean) */
	size_t ncopies, capcopies;
};

struct bulk {
	pthread_mutex_t mu;
	int closing;
	struct shard *sh;
	unsigned n;
	unsigned batch;
	xapc_db_t *main;      /* the live generation's writer, set aside */
	char base[BULK_BASE]; /* the directory of the generations */
	char cur[256];        /* the writer's generation in base */
	int plain;            /* the writer's is a rebuild's new generation,
				 not the live one behind the stub */
	char metagen[64];
	uint64_t *ids;        /* hashes of the ids written, 0 = free */
	size_t capids, nids;
};

/*
 * A lean shard, which has no term lists, cannot replace an article whose
 * id came again: it adds the new one and remembers the id term, and the
 * older ones are listed deleted once the shards are merged (fix_copies).
 */
static int add_copy(struct shard *s, struct item *it, xapc_docid_t *docid)
{
	xapc_doccount_t tf = 0;
	int x = xapc_db_termfreq(s->x, it->qterm, it->qlen, &tf);

	if (!x && tf) {
		char *t = malloc(it->qlen + 1);

		if (s->ncopies == s->capcopies) {
			size_t cap = s->capcopies ? 2 * s->capcopies : 16;
			char **p = realloc(s->copies, cap * sizeof(*p));

			if (p) {
				s->copies = p;
				s->capcopies = cap;
			}
		}
		if (!t || s->ncopies == s->capcopies) {
			free(t);
			return XAPC_ERR_NOMEM;
		}
		memcpy(t, it->qterm, it->qlen);
		t[it->qlen] = '\0';
		s->copies[s->ncopies++] = t;
	}
	if (!x)
		x = xapc_db_add_doc(s->x, it->doc, docid);
	return x;
}

/* After the merge: of the articles with an id a lean shard wrote again,
 * all but the last written are listed deleted. */
static int fix_copies(struct newsidx_db *db, struct bulk *bk)
{
	unsigned i;
	size_t j, k;
	int x = 0, any = 0;

	for (i = 0; i < bk->n && !x; i++)
		for (j = 0; j < bk->sh[i].ncopies && !x; j++) {
			const char *t = bk->sh[i].copies[j];
			struct doclist l = { 0 };

			x = xapc_db_postings(db->x, t, strlen(t), collect_docid,
					     &l);
			if (!x && l.nomem)
				x = XAPC_ERR_NOMEM;
			/* Postings come in docid order: the last is newest. */
			for (k = 0; !x && k + 1 < l.n; k++) {
				x = xapc_db_delete_doc(db->x, l.ids[k]);
				any = 1;
			}
			free(l.ids);
		}
	if (!x && any)
		x = xapc_db_commit(db->x);
	return x;
}

static void *shard_main(void *arg)
{
	struct shard *s = arg;
	struct bulk *bk = s->bk;

	for (;;) {
		struct item *it;
		xapc_docid_t docid;
		int x = 0;

		pthread_mutex_lock(&bk->mu);
		while (s->n == 0 && !bk->closing)
			pthread_cond_wait(&s->more, &bk->mu);
		if (s->n == 0) {
			pthread_mutex_unlock(&bk->mu);
			break;
		}
		it = s->q[s->head];
		s->head = (s->head + 1) % QUEUE_CAP;
		s->n--;
		pthread_cond_signal(&s->room);
		pthread_mutex_unlock(&bk->mu);
		if (!s->xerr) {
			if (it->replace && s->lean)
				x = add_copy(s, it, &docid);
			else if (it->replace)
				x = xapc_db_replace_doc_by_term(
					s->x, it->qterm, it->qlen, it->doc, &docid);
			else
				x = xapc_db_add_doc(s->x, it->doc, &docid);
			if (!x && ++s->pending >= bk->batch) {
				x = xapc_db_commit(s->x);
				s->pending = 0;
			}
		}
		item_free(it);
		if (x) {
			snprintf(s->errmsg, sizeof(s->errmsg), "%s",
				 xapc_db_errmsg(s->x));
			pthread_mutex_lock(&bk->mu);
			s->xerr = x;
			pthread_cond_broadcast(&s->room);
			pthread_mutex_unlock(&bk->mu);
		}
	}
	if (!s->xerr) {
		int x = xapc_db_commit(s->x);

		if (x) {
			snprintf(s->errmsg, sizeof(s->errmsg), "%s",
				 xapc_db_errmsg(s->x));
			s->xerr = x;
		}
	}
	xapc_db_free(s->x);
	s->x = NULL;
	return NULL;
}

/* 1 if the id hash h was seen before in the run, 0 if not (it is then
 * added), 2 when the table is full and it cannot tell. */
static int bulk_seen(struct bulk *bk, uint64_t h)
{
	size_t i;

	h |= 1; /* 0 marks a free slot */
	if (bk->nids >= BULK_MAX_IDS) {
		for (i = (size_t)h & (bk->capids - 1); bk->ids[i];
		     i = (i + 1) & (bk->capids - 1))
			if (bk->ids[i] == h)
				return 1;
		return 2;
	}
	if ((bk->nids + 1) * 2 > bk->capids) {
		size_t cap = bk->capids ? bk->capids * 2 : 1 << 14, j;
		uint64_t *v = calloc(cap, sizeof(*v));

		if (!v)
			return -1;
		for (j = 0; j < bk->capids; j++) {
			if (!bk->ids[j])
				continue;
			for (i = (size_t)bk->ids[j] & (cap - 1); v[i];
			     i = (i + 1) & (cap - 1))
				;
			v[i] = bk->ids[j];
		}
		free(bk->ids);
		bk->ids = v;
		bk->capids = cap;
	}
	for (i = (size_t)h & (bk->capids - 1); bk->ids[i];
	     i = (i + 1) & (bk->capids - 1))
		if (bk->ids[i] == h)
			return 1;
	bk->ids[i] = h;
	bk->nids++;
	return 0;
}

/* Remove the bulk load's temporary generations. */
static void bulk_remove(struct newsidx_db *db, struct bulk *bk)
{
	char path[PATH_MAX];
	unsigned i;

	(void)db;
	for (i = 0; i < bk->n; i++)
		if (bk->sh[i].gen[0]) {
			snprintf(path, sizeof(path), "%s/%s", bk->base,
				 bk->sh[i].gen);
			newsidx_layout__remove(path);
		}
	if (bk->metagen[0]) {
		snprintf(path, sizeof(path), "%s/%s", bk->base, bk->metagen);
		newsidx_layout__remove(path);
	}
}

/* A new temporary generation in base, opened for writing without
 * fsync. */
static newsidx_status_t bulk_gen(struct newsidx_db *db, const char *base,
				 char *gen, size_t size, int lean,
				 xapc_db_t **x)
{
	char path[PATH_MAX];
	newsidx_status_t st;

	st = newsidx_layout__next_gen(base, gen, size);
	if (st)
		return newsidx_db__fail(db, st, "cannot read %s", base);
	snprintf(path, sizeof(path), "%s/%s", base, gen);
	if (xapc_db_open(x, path,
			 XAPC_DB_CREATE_OR_OVERWRITE | XAPC_DB_NO_SYNC |
				 (lean ? XAPC_DB_NO_TERMLIST : 0))) {
		st = newsidx_db__fail(db, NEWSIDX_ENGINE, "creating %s: %s",
				      path, xapc_db_errmsg(*x));
		xapc_db_free(*x);
		*x = NULL;
		gen[0] = '\0';
		newsidx_layout__remove(path);
		return st;
	}
	return NEWSIDX_OK;
}

static void bulk_free(struct bulk *bk)
{
	unsigned i;

	if (!bk)
		return;
	for (i = 0; i < bk->n; i++) {
		size_t j;

		for (j = 0; j < bk->sh[i].ncopies; j++)
			free(bk->sh[i].copies[j]);
		free(bk->sh[i].copies);
		xapc_db_free(bk->sh[i].x);
		pthread_cond_destroy(&bk->sh[i].more);
		pthread_cond_destroy(&bk->sh[i].room);
	}
	pthread_mutex_destroy(&bk->mu);
	free(bk->sh);
	free(bk->ids);
	free(bk);
}

/*
 * Where a bulk load into db writes: the directory of its generations and
 * the name of the writer's own; 0 when it cannot (a plain Xapian
 * database).  The writer's generation is the live one behind the stub,
 * or a rebuild's new generation (*plain), which nobody reads yet.
 */
static int bulk_where(struct newsidx_db *db, char *base, size_t bsize,
		      char *cur, size_t csize, int *plain)
{
	const char *slash;

	if (strlen(db->path) >= bsize)
		return 0;
	if (newsidx_layout__current(db->path, cur, csize)) {
		snprintf(base, bsize, "%s", db->path);
		*plain = 0;
		return 1;
	}
	slash = strrchr(db->path, '/');
	if (!db->fresh || !slash || slash == db->path)
		return 0;
	snprintf(base, bsize, "%.*s", (int)(slash - db->path), db->path);
	snprintf(cur, csize, "%s", slash + 1);
	*plain = 1;
	return 1;
}

/* A rebuild's generation (path) becomes the merged one (merged): nobody
 * reads it until the rebuild switches to it. */
static newsidx_status_t bulk_replace(struct newsidx_db *db,
				     const char *merged, const char *path)
{
	int x;

	xapc_db_free(db->x);
	db->x = NULL;
	newsidx_layout__remove(path);
	if (rename(merged, path) != 0)
		return newsidx_db__fail(db, NEWSIDX_IO, "renaming %s to %s: %s",
					merged, path, strerror(errno));
	x = xapc_db_open(&db->x, path, XAPC_DB_OPEN);
	if (x) {
		newsidx_status_t st = newsidx_db__fail(
			db, NEWSIDX_ENGINE, "reopening %s: %s", path,
			xapc_db_errmsg(db->x));

		xapc_db_free(db->x);
		db->x = NULL;
		return st;
	}
	return newsidx_db__track(db);
}

/* Stop the shard threads, once every queued article is written. */
static void bulk_join(struct bulk *bk)
{
	unsigned i;

	pthread_mutex_lock(&bk->mu);
	bk->closing = 1;
	for (i = 0; i < bk->n; i++)
		pthread_cond_broadcast(&bk->sh[i].more);
	pthread_mutex_unlock(&bk->mu);
	for (i = 0; i < bk->n; i++)
		if (bk->sh[i].started) {
			pthread_join(bk->sh[i].thread, NULL);
			bk->sh[i].started = 0;
		}
}

/* Start a bulk load with nshards shard writers; the writer's handle then
 * points at the metadata generation. */
static newsidx_status_t bulk_start(struct writer *w, unsigned nshards)
{
	struct newsidx_db *db = w->db;
	struct bulk *bk = calloc(1, sizeof(*bk));
	xapc_db_t *meta = NULL;
	newsidx_status_t st;
	unsigned i;
	int lean;

	if (!bk || !(bk->sh = calloc(nshards, sizeof(*bk->sh)))) {
		free(bk);
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	}
	pthread_mutex_init(&bk->mu, NULL);
	bk->batch = BULK_FLUSH;
	bk->n = nshards;
	for (i = 0; i < nshards; i++) {
		bk->sh[i].bk = bk;
		pthread_cond_init(&bk->sh[i].more, NULL);
		pthread_cond_init(&bk->sh[i].room, NULL);
	}
	/* The merge reads the live generation from disk: what this handle
	 * holds uncommitted (file states of touched files, an API caller's
	 * changes) is committed first so that it is not lost. */
	st = newsidx_db_commit(db);
	if (st) {
		bulk_free(bk);
		return st;
	}
	if (!bulk_where(db, bk->base, sizeof(bk->base), bk->cur,
			sizeof(bk->cur), &bk->plain)) {
		bulk_free(bk);
		return newsidx_db__fail(db, NEWSIDX_ENGINE,
					"%s has no live generation", db->path);
	}
	lean = !newsidx_db__term_lists(db);
	st = bulk_gen(db, bk->base, bk->metagen, sizeof(bk->metagen), lean,
		      &meta);
	for (i = 0; !st && i < nshards; i++) {
		bk->sh[i].lean = lean;
		st = bulk_gen(db, bk->base, bk->sh[i].gen,
			      sizeof(bk->sh[i].gen), lean, &bk->sh[i].x);
	}
	for (i = 0; !st && i < nshards; i++) {
		if (pthread_create(&bk->sh[i].thread, NULL, shard_main,
				   &bk->sh[i]) != 0)
			st = newsidx_db__fail(db, NEWSIDX_NOMEM,
					      "cannot start indexing threads");
		else
			bk->sh[i].started = 1;
	}
	if (st) {
		bulk_join(bk);
		xapc_db_free(meta);
		bulk_remove(db, bk);
		bulk_free(bk);
		return st;
	}
	bk->main = db->x;
	db->x = meta;
	w->bulk = bk;
	return NEWSIDX_OK;
}

/* The writer's part for one article of a bulk load: group, spelling,
 * counters, then the article goes to its shard's queue.  The item is
 * the shard's from then on, or freed here: the caller never frees it. */
static newsidx_status_t bulk_put(struct writer *w, struct item *it,
				 struct filework *fw)
{
	struct bulk *bk = w->bulk;
	uint64_t h = newsidx_hash64(it->qterm, it->qlen);
	struct shard *s = &bk->sh[(h >> 32) % bk->n];
	int x = group_and_spell(w, it), seen;

	if (x) {
		item_free(it);
		return w->fatal = newsidx_db__xfail(w->db, x, "writing to");
	}
	seen = bulk_seen(bk, h);
	if (seen < 0) {
		item_free(it);
		return w->fatal = newsidx_db__fail(w->db, NEWSIDX_NOMEM,
						   "out of memory");
	}
	/* An id the full table cannot vouch for replaces any copy: always
	 * right, only slower.  It counts as added. */
	it->replace = seen != 0;
	if (seen == 1)
		w->stats->updated++;
	else
		w->stats->added++;
	w->stats->articles++;
	w->stats->bytes += it->body_len;
	fw->narticles++;
	pthread_mutex_lock(&bk->mu);
	while (s->n == QUEUE_CAP && !s->xerr)
		pthread_cond_wait(&s->room, &bk->mu);
	if (s->xerr) {
		pthread_mutex_unlock(&bk->mu);
		item_free(it);
		return w->fatal = newsidx_db__fail(
			       w->db, NEWSIDX_ENGINE, "writing to %s/%s: %s",
			       bk->base, s->gen, s->errmsg);
	}
	s->q[(s->head + s->n) % QUEUE_CAP] = it;
	s->n++;
	pthread_cond_signal(&s->more);
	pthread_mutex_unlock(&bk->mu);
	if (++w->since_progress >= 256 && progress(w))
		return w->fatal = NEWSIDX_INTERRUPTED;
	return NEWSIDX_OK;
}

/* Delete from ctx's handle each metadata key listed. */
struct unkey {
	xapc_db_t *x;
	int x_err;
};

static int unkey(void *ctx, const char *key, size_t len)
{
	struct unkey *u = ctx;
	char buf[512];

	if (len == 0 || len >= sizeof(buf))
		return 0; /* newsidx's keys are shorter */
	memcpy(buf, key, len);
	buf[len] = '\0';
	u->x_err = xapc_db_set_metadata(u->x, buf, "", 0);
	return u->x_err != 0;
}

/*
 * End a bulk load.  Unless it failed (st other than OK or INTERRUPTED:
 * then everything is dropped and the index stays as it was), the shards
 * and the metadata are merged into a new generation, which becomes the
 * live one.
 */
static newsidx_status_t bulk_end(struct writer *w, newsidx_status_t st)
{
	struct bulk *bk = w->bulk;
	struct newsidx_db *db = w->db;
	const char **srcs = NULL;
	char (*paths)[PATH_MAX] = NULL, gen[64], dst[PATH_MAX], *err = NULL;
	unsigned i;
	int x;

	bulk_join(bk);
	w->bulk = NULL;
	for (i = 0; i < bk->n && (!st || st == NEWSIDX_INTERRUPTED); i++)
		if (bk->sh[i].xerr)
			st = newsidx_db__fail(db, NEWSIDX_ENGINE,
					      "writing to %s/%s: %s", bk->base,
					      bk->sh[i].gen, bk->sh[i].errmsg);
	if (!st || st == NEWSIDX_INTERRUPTED) {
		x = spell_flush(w);
		if (x) {
			st = newsidx_db__xfail(db, x, "writing to");
		} else {
			newsidx_status_t cst = newsidx_db_commit(db);

			if (cst)
				st = cst;
		}
	}
	if (!st || st == NEWSIDX_INTERRUPTED) {
		/* Of two sources holding a metadata key, the compactor keeps
		 * one without saying which: the live generation (which holds
		 * no articles) gives up the keys the metadata generation
		 * has.  At worst, after a crash, a file is read again. */
		struct unkey u = { bk->main, 0 };

		x = xapc_db_metadata_keys(db->x, "", unkey, &u);
		if (!x)
			x = u.x_err;
		if (!x)
			x = xapc_db_commit(bk->main);
		if (x)
			st = newsidx_db__fail(db, NEWSIDX_ENGINE,
					      "writing to %s: %s", db->path,
					      xapc_db_errmsg(bk->main));
	}
	xapc_db_free(db->x);
	db->x = bk->main;
	db->pending = 0;
	if (st && st != NEWSIDX_INTERRUPTED)
		goto out;
	srcs = calloc(bk->n + 2, sizeof(*srcs));
	paths = calloc(bk->n + 2, sizeof(*paths));
	if (!srcs || !paths) {
		st = newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
		goto out;
	}
	/* The metadata generation, the live one (which gave up the keys the
	 * first one holds, above), then the shards. */
	snprintf(paths[0], PATH_MAX, "%s/%s", bk->base, bk->metagen);
	snprintf(paths[1], PATH_MAX, "%s/%s", bk->base, bk->cur);
	for (i = 0; i < bk->n; i++)
		snprintf(paths[i + 2], PATH_MAX, "%s/%s", bk->base,
			 bk->sh[i].gen);
	for (i = 0; i < bk->n + 2; i++)
		srcs[i] = paths[i];
	x = newsidx_layout__next_gen(bk->base, gen, sizeof(gen));
	if (x) {
		st = newsidx_db__fail(db, NEWSIDX_IO, "cannot read %s",
				      bk->base);
		goto out;
	}
	snprintf(dst, sizeof(dst), "%s/%s", bk->base, gen);
	x = xapc_compact(srcs, bk->n + 2, dst, 0, &err);
	if (x) {
		st = newsidx_db__fail(db, NEWSIDX_ENGINE, "merging into %s: %s",
				      dst, err ? err : "failed");
		newsidx_layout__remove(dst);
		goto out;
	}
	{
		newsidx_status_t sst = bk->plain
					       ? bulk_replace(db, dst, paths[1])
					       : newsidx_db__switch(db, gen, bk->cur);

		if (!sst && fix_copies(db, bk))
			sst = newsidx_db__fail(db, NEWSIDX_ENGINE,
					       "writing to %s: %s", db->path,
					       xapc_db_errmsg(db->x));
		if (sst)
			st = sst;
		else if (w->opts->version >= 2)
			w->stats->shards += bk->n;
	}
out:
	free(err);
	free(srcs);
	free(paths);
	bulk_remove(db, bk);
	bulk_free(bk);
	return st;
}

/* The writer's side of the pipeline: take the files' items in order
 * until the last file ends, the workers stop, or writing fails. */
static newsidx_status_t drain(struct writer *w, struct pipeline *pl)
{
	newsidx_status_t st = NEWSIDX_OK;

	while (!st && pl->cur < pl->njobs) {
		struct job *job = &pl->jobs[pl->cur];
		struct item *it;

		pthread_mutex_lock(&pl->mu);
		while (job->qn == 0 && pl->running > 0)
			pthread_cond_wait(&pl->more, &pl->mu);
		if (job->qn == 0) {
			/* The workers stopped before this file's end. */
			pthread_mutex_unlock(&pl->mu);
			break;
		}
		it = job->qhead;
		job->qhead = it->next;
		if (!job->qhead)
			job->qtail = NULL;
		job->qn--;
		pl->n--;
		if (it->end)
			pl->cur++;
		/* Room comes from a full queue of this file, or from the next
		 * file: its articles no longer count as ahead. */
		if (pl->waiting && (it->end || job->qn == QUEUE_CAP - 1))
			pthread_cond_broadcast(&pl->room);
		pthread_mutex_unlock(&pl->mu);
		if (it->end) {
			w->stats->files++;
			w->stats->skipped += it->skipped;
			w->stats->unprocessed += it->unprocessed;
			w->stats->title_only += it->title_only;
			if (it->file_rejected)
				w->stats->rejected_files++;
			st = finish_file(w, job->in, &job->fw, it->hash,
					 it->file_rejected);
			w->stats->bytes_done += job->in->size;
			if (!st && progress(w))
				st = NEWSIDX_INTERRUPTED;
		} else if (w->bulk) {
			st = bulk_put(w, it, &job->fw);
			it = NULL; /* the shard's, or freed */
		} else {
			st = write_item(w, it, &job->fw);
		}
		item_free(it);
	}
	if (st || pl->cur < pl->njobs)
		halt(pl, NEWSIDX_OK, "");
	return st;
}

/* The items left queued when the workers have stopped. */
static void drop_queued(struct pipeline *pl)
{
	size_t i;

	for (i = 0; i < pl->njobs; i++) {
		while (pl->jobs[i].qhead) {
			struct item *it = pl->jobs[i].qhead;

			pl->jobs[i].qhead = it->next;
			item_free(it);
		}
		pl->jobs[i].qtail = NULL;
		pl->jobs[i].qn = 0;
	}
	pl->n = 0;
}

/* Read the files that need it with nworkers preparing threads. */
static newsidx_status_t read_parallel(struct writer *w, struct job *jobs,
				      size_t njobs, unsigned nworkers)
{
	struct pipeline pl;
	struct worker *wk = calloc(nworkers, sizeof(*wk));
	newsidx_status_t st = NEWSIDX_OK;
	unsigned i;

	if (!wk) {
		st = newsidx_db__fail(w->db, NEWSIDX_NOMEM, "out of memory");
		return w->bulk ? bulk_end(w, st) : st;
	}
	memset(&pl, 0, sizeof(pl));
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.more, NULL);
	pthread_cond_init(&pl.room, NULL);
	pl.jobs = jobs;
	pl.njobs = njobs;
	pl.w = w;
	/* libxml2 must be set up once before threads use it. */
	xmlInitParser();
	w->pl = &pl;
	for (i = 0; i < nworkers; i++) {
		wk[i].pl = &pl;
		if (prep_init(&wk[i].prep, w))
			break;
		pthread_mutex_lock(&pl.mu);
		pl.running++;
		pthread_mutex_unlock(&pl.mu);
		if (pthread_create(&wk[i].thread, NULL, work, &wk[i]) != 0) {
			pthread_mutex_lock(&pl.mu);
			pl.running--;
			pthread_mutex_unlock(&pl.mu);
			break;
		}
		wk[i].started = 1;
	}
	if (i == 0)
		st = newsidx_db__fail(w->db, NEWSIDX_NOMEM,
				      "cannot start indexing threads");
	else
		st = drain(w, &pl);
	for (i = 0; i < nworkers; i++) {
		if (wk[i].started)
			pthread_join(wk[i].thread, NULL);
		prep_free(&wk[i].prep);
	}
	drop_queued(&pl);
	w->pl = NULL;
	if (!st && pl.err)
		st = newsidx_db__fail(w->db, pl.err, "%s", pl.errmsg);
	if (w->bulk)
		st = bulk_end(w, st);
	pthread_mutex_destroy(&pl.mu);
	pthread_cond_destroy(&pl.more);
	pthread_cond_destroy(&pl.room);
	free(wk);
	return st;
}

static unsigned jobs_wanted(const newsidx_index_options_t *o)
{
	long n;

	if (o->jobs)
		return o->jobs;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* How many shards a load of these files gets: 0 for none. */
static unsigned bulk_shards(struct writer *w, const struct job *jobs,
			    size_t n, unsigned nw)
{
	unsigned want = w->opts->version >= 2 ? w->opts->shards : 0;
	unsigned long long bytes = 0;
	char cur[256], base[BULK_BASE];
	size_t i;
	int plain;

	if (want == 1 || !w->dedup_mem ||
	    !bulk_where(w->db, base, sizeof(base), cur, sizeof(cur), &plain))
		return 0;
	if (want > 1)
		return want < BULK_MAX_SHARDS ? want : BULK_MAX_SHARDS;
	for (i = 0; i < n; i++)
		bytes += jobs[i].in->size;
	if (bytes < BULK_MIN_BYTES)
		return 0;
	return nw < BULK_MAX_SHARDS ? nw : BULK_MAX_SHARDS;
}

/* Read every file that changed: in threads when there is more than one. */
static newsidx_status_t read_inputs(struct writer *w, struct inputs *ins)
{
	struct job *jobs = calloc(ins->n ? ins->n : 1, sizeof(*jobs));
	unsigned nw = jobs_wanted(w->opts);
	newsidx_status_t st = NEWSIDX_OK;
	size_t i, n = 0;

	if (!jobs)
		return newsidx_db__fail(w->db, NEWSIDX_NOMEM, "out of memory");
	for (i = 0; i < ins->n && !st; i++) {
		struct job *j = &jobs[n];

		if (needs_reading(w, &ins->v[i], &j->fw.fs, &j->hash,
				  &j->hashed, &st)) {
			j->in = &ins->v[i];
			n++;
		} else {
			w->stats->bytes_done += ins->v[i].size;
		}
	}
	if (!st && progress(w))
		st = NEWSIDX_INTERRUPTED;
	if (!st && n > 0 && nw > 1 && n > 1) {
		unsigned sh = bulk_shards(w, jobs, n, nw);

		if (sh > 1)
			st = bulk_start(w, sh);
		if (!st)
			st = read_parallel(w, jobs, n,
					   nw < n ? nw : (unsigned)n);
	} else {
		for (i = 0; i < n && !st; i++) {
			uint64_t hash = jobs[i].hash;

			w->single.fs = jobs[i].fw.fs;
			if (!jobs[i].hashed &&
			    hash_file(jobs[i].in->abspath, &hash) != 0)
				hash = 0;
			st = index_one(w, jobs[i].in->name,
				       jobs[i].in->abspath, NULL, 0);
			if (!st)
				st = finish_file(w, jobs[i].in, &w->single,
						 hash, w->file_rejected);
			w->stats->bytes_done += jobs[i].in->size;
			if (!st && progress(w))
				st = NEWSIDX_INTERRUPTED;
		}
	}
	for (i = 0; i < n; i++)
		free(jobs[i].fw.seen);
	free(jobs);
	return st;
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
	st = read_inputs(w, &ins);
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

/* The position hashes of a stored article, as add_text_token makes
 * them. */
struct stem_hashes {
	struct newsidx_analyzer *an;
	uint64_t *h;
	size_t n, cap;
	int nomem;
};

static int hash_token(void *ctx, const struct newsidx_token *tok)
{
	struct stem_hashes *sh = ctx;
	size_t slen;
	const char *stem = newsidx_analyzer__stem(sh->an, tok->text, tok->len,
						  &slen);

	if (!stem || slen == 0)
		return 0;
	if (sh->n == sh->cap) {
		size_t cap = sh->cap ? 2 * sh->cap : 512;
		uint64_t *h = realloc(sh->h, cap * sizeof(*h));

		if (!h) {
			sh->nomem = 1;
			return 1;
		}
		sh->h = h;
		sh->cap = cap;
	}
	sh->h[sh->n++] = newsidx_pos__hash(stem, slen);
	return 0;
}

/* Count the stems of a stored article for a compact index's stem codes,
 * which are made with the dictionary. */
static void count_stored_stems(struct writer *w, const void *rec,
			       size_t rlen, struct stem_hashes *sh)
{
	struct newsidx_stored s;
	char code[8];

	if (!w->compact || newsidx_docdata__decode(rec, rlen, 1, &s))
		return;
	lang_code(s.lang, code);
	sh->an = prep_analyzer(&w->prep, code);
	sh->n = 0;
	if (s.title)
		newsidx_analyzer__tokenize(sh->an, s.title, strlen(s.title), 1,
					   hash_token, sh, NULL);
	newsidx_analyzer__tokenize(sh->an, s.body, s.body_len, 1, hash_token,
				   sh, NULL);
	if (!sh->nomem)
		newsidx_packer__count_stems(w->packer, sh->h, sh->n);
	newsidx_stored__clear(&s);
}

/*
 * An index that holds articles but no record dictionary (its runs were
 * each too small to train one, or it was written before schema 5)
 * offers its newest stored articles as samples: with 2 MB of them the
 * dictionary is trained at once and this run's articles are packed with
 * it; with fewer, this run's own articles add to them, and the end of
 * the run trains on all (from 300 articles).
 */
static void sample_index(struct writer *w)
{
	struct stem_hashes sh = { 0 };
	xapc_docid_t last = 0, id;
	unsigned long tried = 0;

	if (xapc_db_lastdocid(w->db->x, &last))
		return;
	/* Bounded: deleted articles leave holes in the docids. */
	for (id = last; id > 0 && tried < 100000; id--, tried++) {
		xapc_doc_t *doc = NULL;
		const void *rec;
		size_t rlen;
		int more = 1;

		if (xapc_db_get_doc(w->db->x, id, &doc) == XAPC_OK &&
		    newsidx_db__doc_record(w->db, doc, &rec, &rlen) ==
			    NEWSIDX_OK &&
		    rlen) {
			count_stored_stems(w, rec, rlen, &sh);
			more = newsidx_packer__add_sample(w->packer, rec, rlen);
		}
		xapc_doc_free(doc);
		if (!more)
			break;
	}
	free(sh.h);
}

/* The index's positions layout, set from the options while the index
 * is empty; another layout for a non-empty index is refused. */
static newsidx_status_t positions_layout(struct writer *w)
{
	int want = w->opts->version >= 3 ? w->opts->positions
					 : NEWSIDX_POSITIONS_KEEP;
	int c;

	w->compact = newsidx_db__compact_positions(w->db);
	if (want == NEWSIDX_POSITIONS_KEEP)
		return NEWSIDX_OK;
	if (want != NEWSIDX_POSITIONS_TABLE &&
	    want != NEWSIDX_POSITIONS_COMPACT)
		return newsidx_db__fail(w->db, NEWSIDX_INVALID_ARGUMENT,
					"unknown positions layout %d", want);
	c = want == NEWSIDX_POSITIONS_COMPACT;
	if (c == w->compact)
		return NEWSIDX_OK;
	if (!w->dedup_mem) /* not empty */
		return newsidx_db__fail(
			w->db, NEWSIDX_INVALID_ARGUMENT,
			"index %s keeps %s; the layout is chosen when an "
			"index is created: change it with newsidx --index %s "
			"rebuild %s",
			w->db->path,
			w->compact ? "compact positions (--lean)"
				   : "a position table",
			w->db->path, c ? "--lean" : "--no-lean");
	w->compact = c;
	return newsidx_db__set_positions(w->db, c);
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
	/* On an empty index, copies can only be among this run's articles:
	 * look them up in memory rather than in Xapian. */
	{
		xapc_doccount_t docs = 1;

		w.dedup_mem = xapc_db_doccount(db->x, &docs) == 0 && docs == 0;
	}
	st = positions_layout(&w);
	if (st)
		return st;
	w.term_lists = newsidx_db__term_lists(db);
	{
		size_t dlen, clen = 0;
		char *dict = newsidx_db__dictionary(db, &dlen);
		char *codes = dict ? newsidx_db__stemcodes_raw(db, &clen)
				   : NULL;
		int had = dict != NULL;

		w.packer = newsidx_packer__new(dict, dlen, codes, clen);
		free(dict);
		free(codes);
		if (!w.packer)
			return newsidx_db__fail(
				db, had ? NEWSIDX_CORRUPT : NEWSIDX_NOMEM,
				had ? "index %s has a damaged record "
				       "dictionary or stem codes; rebuild "
				       "it: newsidx --index %s rebuild"
				     : "out of memory",
				db->path, db->path);
	}
	/* Band terms: binary from schema 5 on, for an index made empty. */
	w.binary_bands = newsidx_db__binary_bands(db);
	if (!w.binary_bands && w.dedup_mem) {
		int x = newsidx_db__set_binary_bands(db);

		if (x) {
			newsidx_packer__free(w.packer);
			return newsidx_db__xfail(db, x, "writing to");
		}
		w.binary_bands = 1;
	}
	if (prep_init(&w.prep, &w)) {
		newsidx_packer__free(w.packer);
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	}
	/* An index with articles but no dictionary yet offers them as
	 * samples (after prep_init: their stems are counted with its
	 * analyzers). */
	if (!w.dedup_mem && newsidx_packer__sampling(w.packer))
		sample_index(&w);
	db->errmsg[0] = '\0';
	if (data)
		st = index_one(&w, path, path, data, len);
	else
		st = index_tree(&w, path);
	prep_free(&w.prep);
	free(w.single.seen);
	if (!st) {
		/* A run with fewer records than the sample size trains on
		 * what it has, for the next run. */
		size_t dlen;
		const void *dict;

		newsidx_packer__finish(w.packer);
		dict = newsidx_packer__take_dict(w.packer, &dlen);
		if (dict) {
			int x = store_dictionary(&w, dict, dlen);

			if (x)
				st = newsidx_db__xfail(db, x, "writing to");
			else
				db->pending++;
		}
	}
	newsidx_packer__free(w.packer);
	/* Also when interrupted: what finished is kept. */
	if ((!st || st == NEWSIDX_INTERRUPTED) && db->pending) {
		cst = commit(&w);
		if (cst)
			st = cst;
	}
	free(w.spell.e);
	newsidx_buf__free(&w.spell.arena);
	bandtab_free(&w.bands);
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
