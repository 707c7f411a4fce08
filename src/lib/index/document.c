/*
 * document.c: an article becomes a Xapian document laid out as the
 * schema in store/schema.h says: stemmed terms with positions for title
 * and body (or, in a compact index, terms and a position value),
 * boolean terms for the fields, the date and the near-duplicate bands,
 * value slots for sorting, ranges and facets, and the stored record,
 * packed.
 *
 * It runs in any thread, each with its own preparer (struct prep) and
 * analyzers, and never reads the index: the near-duplicate group and
 * the spelling table, which need it, are the writer's (batch.c).  The
 * words of the spelling vocabulary are picked here, while the article's
 * tokens go by, and counted by the writer (spelling.c).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "index/index.h"
#include "geo/geo.h"

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
	for (slot = h % NEWSIDX_SPELL_SLOTS;;
	     slot = (slot + 1) % NEWSIDX_SPELL_SLOTS) {
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
	if (NEWSIDX_ARRAY_GROW(g->terms, g->n, g->capterms, 128))
		return -1;
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
	if (p->tagging)
		newsidx_tagger__token(p->tagger, tok, p->raw, p->raw_len,
				      !p->title);
	/* The first words of a long article give its vocabulary; the
	 * bound keeps the per-article table sparse. */
	if (p->spell_count++ < NEWSIDX_SPELL_SLOTS / 2)
		add_spelling(p, tok);
	if (p->xst)
		return 1;

	stem = newsidx_analyzer__stem(p->an, tok->text, tok->len, &slen);
	if (!stem || slen == 0 || slen > sizeof(term) - 2)
		return 0;
	if (!p->compact) {
		if (p->title) {
			term[0] = NEWSIDX_PREFIX_TITLE[0];
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
		term[0] = NEWSIDX_PREFIX_TITLE[0];
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
void newsidx_document__lang_code(const char *in, char out[8])
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

newsidx_status_t newsidx_prep__init(struct prep *p, const struct writer *w)
{
	memset(p, 0, sizeof(*p));
	p->opts = w->opts;
	p->compact = w->compact;
	p->packer = w->packer;
	p->binary_bands = w->binary_bands;
	p->gaz = newsidx_db__gazetteer(w->db);
	p->tagging = !(w->opts->version >= 6 && w->opts->no_tags);
	if (!p->gaz || newsidx_tagger__new(&p->tagger, p->gaz))
		return NEWSIDX_NOMEM;
	return newsidx_analyzer__new(&p->an_en, "en");
}

void newsidx_prep__free(struct prep *p)
{
	size_t i;

	newsidx_analyzer__free(p->an_en);
	newsidx_tagger__free(p->tagger);
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
struct newsidx_analyzer *newsidx_prep__analyzer(struct prep *p,
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

void newsidx_item__free(struct item *it)
{
	if (!it)
		return;
	xapc_doc_free(it->doc);
	free(it->id);
	free(it->spell);
	free(it);
}

/*
 * The title and body: their terms and positions, and in a compact index
 * the terms gathered and the position value.  A binding status.
 */
static int add_text(struct prep *p, const struct newsidx_article *a,
		    xapc_doc_t *doc)
{
	unsigned next = 1;
	int x;

	p->title = 1;
	if (p->tagging)
		newsidx_tagger__start(p->tagger, a->place);
	if (a->title) {
		p->raw = a->title;
		p->raw_len = strlen(a->title);
		newsidx_analyzer__tokenize(p->an, a->title, p->raw_len, 1,
					   add_text_token, p, &next);
	}
	p->title = 0;
	p->raw = a->body;
	p->raw_len = a->body_len;
	if (!p->xst)
		newsidx_analyzer__tokenize(p->an, a->body, a->body_len,
					   next + NEWSIDX_TITLE_GAP,
					   add_text_token, p, NULL);
	x = p->xst;
	if (p->compact) {
		xapc_status_t ax = agg_flush(&p->agg, doc);

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
			x = xapc_doc_set_value(doc, NEWSIDX_SLOT_POS,
					       p->posv.data, p->posv.len);
	}
	return x;
}

/* The field terms, the file term, the value slots and the date terms.
 * A binding status. */
static int add_fields(struct prep *p, const struct newsidx_article *a,
		      xapc_doc_t *doc)
{
	int x = newsidx_document__add_tags(p, a);

	if (!x)
		x = add_words(p, NEWSIDX_PREFIX_SOURCE, a->source);
	if (!x)
		x = add_words(p, NEWSIDX_PREFIX_AUTHOR, a->authors);
	if (!x)
		x = add_words(p, NEWSIDX_PREFIX_TOPIC, a->topics);
	if (!x)
		x = add_exact(p, NEWSIDX_PREFIX_LANG, a->lang);
	if (!x)
		x = add_exact(p, NEWSIDX_PREFIX_URL, a->url);
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
		x = set_value(p, NEWSIDX_SLOT_LANG, a->lang);
	/* The topic slot is set with the tags (index/tags.c). */
	if (!x && a->date[0]) {
		char month[8], term[16];

		snprintf(month, sizeof(month), "%.4s-%.2s", a->date,
			 a->date + 4);
		x = set_value(p, NEWSIDX_SLOT_MONTH, month);
		/* Year, month and day terms: date filters intersect
		 * postings instead of reading the date of every match. */
		snprintf(term, sizeof(term), "Y%.4s", a->date);
		if (!x)
			x = xapc_doc_add_boolean_term(doc, term, 5);
		snprintf(term, sizeof(term), "M%.6s", a->date);
		if (!x)
			x = xapc_doc_add_boolean_term(doc, term, 7);
		snprintf(term, sizeof(term), "D%.8s", a->date);
		if (!x)
			x = xapc_doc_add_boolean_term(doc, term, 9);
	}
	return x;
}

/* The near-duplicate band terms of the article's signature, when its
 * body is long enough to have one (it->has_sig).  A binding status. */
static int add_bands(struct prep *p, struct item *it)
{
	char term[64];
	unsigned band;
	int x = 0;

	if (!(it->has_sig = newsidx_dedup__finish(&p->mh)))
		return 0;
	/* The signature itself is not stored (0.08 times the text): a
	 * candidate copy's is made again from its body. */
	it->sig = p->mh.sig;
	for (band = 0; !x && band < NEWSIDX_SIG_BANDS; band++)
		x = xapc_doc_add_boolean_term(
			it->doc, term,
			newsidx_dedup__band_term(&it->sig, band,
						 p->binary_bands, term,
						 sizeof(term)));
	return x;
}

newsidx_status_t newsidx_document__prepare(struct prep *p,
					   struct newsidx_article *a,
					   struct item **out, char *err,
					   size_t errlen)
{
	char code[8];
	struct item *it;
	newsidx_status_t st;
	int x;

	*out = NULL;
	newsidx_document__lang_code(a->lang ? a->lang : p->opts->lang, code);
	p->an = newsidx_prep__analyzer(p, code);
	if (!code[0])
		snprintf(code, sizeof(code), "en");
	free(a->lang);
	a->lang = newsidx_strdup(code);
	if (!a->source && p->opts->source)
		a->source = newsidx_strdup(p->opts->source);
	it = calloc(1, sizeof(*it));
	if (!it || !a->lang || xapc_doc_new(&it->doc)) {
		newsidx_item__free(it);
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
	x = add_text(p, a, it->doc);
	if (!x)
		x = add_fields(p, a, it->doc);
	if (!x)
		x = add_bands(p, it);
	if (x) {
		snprintf(err, errlen, "indexing %s: %s", a->id,
			 xapc_doc_errmsg(it->doc));
		newsidx_item__free(it);
		return x == XAPC_ERR_NOMEM ? NEWSIDX_NOMEM : NEWSIDX_ENGINE;
	}
	st = newsidx_docdata__encode(a, &p->data);
	if (!st)
		st = newsidx_packer__pack(p->packer, &p->zctx, p->data.data,
					  p->data.len, &p->pack);
	it->qlen = newsidx_schema__term(it->qterm, NEWSIDX_PREFIX_ID, a->id,
					strlen(a->id));
	it->id = newsidx_strdup(a->id);
	it->body_len = a->body_len;
	it->text_hash = newsidx_docdata__text_hash(a->title, a->body,
						   a->body_len);
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
		newsidx_item__free(it);
		return NEWSIDX_NOMEM;
	}
	p->doc = NULL;
	*out = it;
	return NEWSIDX_OK;
}
