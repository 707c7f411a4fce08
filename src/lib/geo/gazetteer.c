/*
 * gazetteer.c: the gazetteer: names of countries (in every language
 * iso-codes translates them into), demonyms, capitals, cities, states,
 * organisations, people and titles, each mapped to what it stands for.
 *
 * The data is text (data/gazetteer.txt, made by tools/mkgazetteer):
 * "KIND [CODE] NAME; NAME; ..." a line.  The shipped file is built into
 * the library (tools/mkembed) rather than read from $(datadir) at run
 * time: an uninstalled ./newsidx, the tests on a fresh clone and an
 * installed copy then tag alike, and an index can never be tagged with
 * a half-installed file.  The installed copy is there for users to read
 * and to start their own additions from; the additions (--gazetteer,
 * NEWSIDX_GAZETTEER) are loaded over the built-in data, and override it
 * name by name.
 *
 * A name is keyed by its words as the analyzer normalises them (case
 * and accents folded, "U.S." as "us", "G-7" as "g 7"), joined by single
 * spaces, so that the tagger, which sees the same tokens, and a query
 * value meet the same key.
 *
 * Making the keys of the built-in names (the analyzer over 39,000 names,
 * most of them in other scripts) took most of a short command's time, so
 * they are made ahead: data/gazetteer-keys.txt ("make gazetteer-keys",
 * tools/gazkeys.c) holds each name's key in the order loading meets the
 * names, under a line naming the hash of data/gazetteer.txt and the
 * utf8proc version they were made with.  The built-in data uses them
 * when both agree, and makes its keys itself otherwise, so a stale file
 * or another utf8proc can cost time but never change a key; test_geo
 * fails when the file is stale.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "geo/geo.h"
#include "util/util.h"

extern const char newsidx_gazetteer_default[];
extern const char newsidx_gazetteer_keys[];

/* The first word of data/gazetteer-keys.txt: its format. */
#define KEYS_MAGIC "NXGK1"

#define MAX_NAME_WORDS 12
#define MAX_KEY 256

struct entry {
	uint64_t hash;
	uint32_t key;  /* offset of the key in the pool */
	uint32_t code; /* offset of the code in the pool */
	uint16_t keylen;
	uint8_t kind;
	uint8_t flags;
};

struct first {
	uint64_t hash; /* 0: empty */
	unsigned short maxn;  /* words of the longest name it starts */
	unsigned short title; /* of the longest title it starts */
};

struct newsidx_gaz {
	const struct newsidx_gaz *parent;
	struct newsidx_buf pool;
	struct entry *e;
	size_t n, cap;      /* entries */
	uint32_t *slot;     /* hash table of entry index + 1; 0 empty */
	size_t nslot;
	struct first *first;
	size_t nfirst, capfirst;
	char version[200];
	/* Countries' English names: code offset, name offset, in order. */
	uint32_t (*names)[2];
	size_t nnames, capnames;
	/* While loading: */
	struct newsidx_analyzer *an;
	char key[MAX_KEY];
	size_t keylen;
	unsigned words;
	int lenient; /* the built-in data: a name the analyzer cuts no
			word from (some scripts) is skipped, not an error */
	const char *keys, *keys_end; /* the next precomputed key */
	int keys_bad;                /* they ran out, or were malformed */
	struct newsidx_buf *record;  /* making the keys file: each key */
};

static uint64_t hkey(const char *s, size_t n)
{
	uint64_t h = newsidx_hash64(s, n);

	return h ? h : 1;
}

static int grow_table(struct newsidx_gaz *g)
{
	size_t cap = g->nslot ? g->nslot * 2 : 4096, i;
	uint32_t *t = calloc(cap, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < g->n; i++) {
		size_t j = g->e[i].hash & (cap - 1);

		while (t[j])
			j = (j + 1) & (cap - 1);
		t[j] = (uint32_t)i + 1;
	}
	free(g->slot);
	g->slot = t;
	g->nslot = cap;
	return 0;
}

static struct entry *own_find(const struct newsidx_gaz *g, const char *key,
			      size_t len, uint64_t h)
{
	size_t j;

	if (!g->nslot)
		return NULL;
	for (j = h & (g->nslot - 1); g->slot[j]; j = (j + 1) & (g->nslot - 1)) {
		struct entry *e = &g->e[g->slot[j] - 1];

		if (e->hash == h && e->keylen == len &&
		    memcmp(g->pool.data + e->key, key, len) == 0)
			return e;
	}
	return NULL;
}

static int set_first(struct newsidx_gaz *g, const char *w, size_t len,
		     unsigned n, int title)
{
	uint64_t h = hkey(w, len);
	size_t j;

	if (2 * (g->nfirst + 1) > g->capfirst) {
		size_t cap = g->capfirst ? g->capfirst * 2 : 4096, i;
		struct first *t = calloc(cap, sizeof(*t));

		if (!t)
			return -1;
		for (i = 0; i < g->capfirst; i++) {
			if (!g->first[i].hash)
				continue;
			for (j = g->first[i].hash & (cap - 1); t[j].hash;
			     j = (j + 1) & (cap - 1))
				;
			t[j] = g->first[i];
		}
		free(g->first);
		g->first = t;
		g->capfirst = cap;
	}
	for (j = h & (g->capfirst - 1); g->first[j].hash;
	     j = (j + 1) & (g->capfirst - 1))
		if (g->first[j].hash == h) {
			if (g->first[j].maxn < n)
				g->first[j].maxn = (unsigned short)n;
			if (title && g->first[j].title < n)
				g->first[j].title = (unsigned short)n;
			return 0;
		}
	g->first[j].hash = h;
	g->first[j].maxn = (unsigned short)n;
	g->first[j].title = (unsigned short)(title ? n : 0);
	g->nfirst++;
	return 0;
}

static uint32_t pool_add(struct newsidx_gaz *g, const char *s, size_t n,
			 int *rc)
{
	uint32_t off = (uint32_t)g->pool.len;

	newsidx_buf__append(&g->pool, s, n, rc);
	newsidx_buf__putc(&g->pool, '\0', rc);
	return off;
}

static int key_token(void *ctx, const struct newsidx_token *tok)
{
	struct newsidx_gaz *g = ctx;

	if (tok->flags & NEWSIDX_TOK_JOINED)
		return 0;
	if (g->keylen + tok->len + 1 >= MAX_KEY || g->words >= MAX_NAME_WORDS)
		return 1;
	if (g->keylen)
		g->key[g->keylen++] = ' ';
	memcpy(g->key + g->keylen, tok->text, tok->len);
	g->keylen += tok->len;
	g->words++;
	return 0;
}

/* The key of name[0..len) into g->key; 0, or -1 when it has no words or
 * too many. */
static int make_key(struct newsidx_gaz *g, const char *name, size_t len)
{
	g->keylen = 0;
	g->words = 0;
	if (newsidx_analyzer__tokenize(g->an, name, len, 1, key_token, g,
				       NULL))
		return -1;
	g->key[g->keylen] = '\0';
	return g->words ? 0 : -1;
}

static int is_caps(const char *s, size_t n)
{
	size_t i, letters = 0;

	for (i = 0; i < n; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			return 0;
		if (s[i] >= 'A' && s[i] <= 'Z')
			letters++;
	}
	return letters >= 2;
}

/* The next precomputed key into g->key, as make_key() would make it. */
static int next_key(struct newsidx_gaz *g)
{
	const char *nl;
	size_t n, i;

	if (g->keys >= g->keys_end ||
	    !(nl = memchr(g->keys, '\n', (size_t)(g->keys_end - g->keys)))) {
		g->keys_bad = 1;
		return -1;
	}
	n = (size_t)(nl - g->keys);
	if (n >= MAX_KEY) {
		g->keys_bad = 1;
		return -1;
	}
	memcpy(g->key, g->keys, n);
	g->key[n] = '\0';
	g->keylen = n;
	g->keys = nl + 1;
	g->words = n ? 1 : 0;
	for (i = 0; i < n; i++)
		g->words += g->key[i] == ' ';
	return n ? 0 : -1;
}

/* Add one name; 0, 1 for a name without words, -1 out of memory. */
static int add_name(struct newsidx_gaz *g, enum newsidx_geo_kind kind,
		    unsigned flags, const char *code, const char *name,
		    size_t len)
{
	struct entry *e;
	uint64_t h;
	int rc = 0;
	size_t w;

	if (g->keys) {
		if (next_key(g))
			return 1;
	} else if (make_key(g, name, len)) {
		if (g->record)
			newsidx_buf__putc(g->record, '\n', &rc);
		return rc ? -1 : 1;
	} else if (g->record) {
		newsidx_buf__append(g->record, g->key, g->keylen, &rc);
		newsidx_buf__putc(g->record, '\n', &rc);
		if (rc)
			return -1;
	}
	if (kind != NEWSIDX_GEO_NONE && is_caps(name, len))
		flags |= NEWSIDX_GEO_CAPS;
	h = hkey(g->key, g->keylen);
	w = strcspn(g->key, " ");
	if (set_first(g, g->key, w, g->words, !!(flags & NEWSIDX_GEO_TITLE)))
		return -1;
	e = own_find(g, g->key, g->keylen, h);
	if (e) {
		/* The first line to name it keeps it, unless this kind
		 * ranks higher; titles and ignores add a flag. */
		e->flags |= (uint8_t)(flags & ~NEWSIDX_GEO_CAPS);
		if (kind != NEWSIDX_GEO_NONE &&
		    (e->kind == NEWSIDX_GEO_NONE || kind < e->kind)) {
			e->kind = (uint8_t)kind;
			e->code = pool_add(g, code, strlen(code), &rc);
			e->flags = (uint8_t)((e->flags & ~NEWSIDX_GEO_CAPS) |
					     (flags & NEWSIDX_GEO_CAPS));
		}
		return rc ? -1 : 0;
	}
	if (2 * (g->n + 1) > g->nslot && grow_table(g))
		return -1;
	if (NEWSIDX_ARRAY_GROW(g->e, g->n, g->cap, 1024))
		return -1;
	e = &g->e[g->n];
	e->hash = h;
	e->keylen = (uint16_t)g->keylen;
	e->kind = (uint8_t)kind;
	e->flags = (uint8_t)flags;
	e->key = pool_add(g, g->key, g->keylen, &rc);
	e->code = pool_add(g, code, strlen(code), &rc);
	if (rc)
		return -1;
	{
		size_t j = h & (g->nslot - 1);

		while (g->slot[j])
			j = (j + 1) & (g->nslot - 1);
		g->slot[j] = (uint32_t)++g->n;
	}
	return 0;
}

static const struct {
	const char *word;
	enum newsidx_geo_kind kind;
	unsigned flags;
	int code; /* 2: an alpha-2 code; 1: an id; 0: none */
} kinds[] = {
	{ "country", NEWSIDX_GEO_COUNTRY, 0, 2 },
	{ "alias", NEWSIDX_GEO_ALIAS, 0, 2 },
	{ "demonym", NEWSIDX_GEO_DEMONYM, 0, 2 },
	{ "capital", NEWSIDX_GEO_CAPITAL, 0, 2 },
	{ "city", NEWSIDX_GEO_CITY, 0, 2 },
	{ "region", NEWSIDX_GEO_REGION, 0, 2 },
	{ "org", NEWSIDX_GEO_ORG, 0, 1 },
	{ "person", NEWSIDX_GEO_PERSON, 0, 0 },
	{ "title", NEWSIDX_GEO_NONE, NEWSIDX_GEO_TITLE, 0 },
	{ "ignore", NEWSIDX_GEO_NONE, NEWSIDX_GEO_IGNORE, 0 },
};

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t' || **s == '\r'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' ||
			   (*e)[-1] == '\r'))
		(*e)--;
}

static const char *word_end(const char *s, const char *e)
{
	while (s < e && *s != ' ' && *s != '\t')
		s++;
	return s;
}

/* A person's canonical name: its words lower case, single spaces, a
 * one-letter word followed by a dot ("s. jaishankar"). */
static void person_key(struct newsidx_gaz *g, const char *name, size_t len,
		       char *out, size_t outlen)
{
	size_t i, o = 0, start = 0;

	(void)g;
	for (i = 0; i <= len && o + 2 < outlen; i++) {
		if (i < len && name[i] != ' ' && name[i] != '\t')
			continue;
		if (i > start) {
			size_t k;

			if (o)
				out[o++] = ' ';
			for (k = start; k < i && o + 2 < outlen; k++) {
				char c = name[k];

				out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32
								       : c);
			}
			if (i - start == 1 && o + 2 < outlen)
				out[o++] = '.';
		}
		start = i + 1;
	}
	out[o] = '\0';
}

/* One line s[0..e); 0, or -1 with the reason in err, -2 out of memory. */
static int load_line(struct newsidx_gaz *g, const char *s, const char *e,
		     int *has_version, char *err, size_t errlen)
{
	const char *w = word_end(s, e), *p;
	char code[MAX_KEY] = "";
	size_t k;
	int names = 0;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if ((size_t)(w - s) == strlen(kinds[k].word) &&
		    memcmp(s, kinds[k].word, (size_t)(w - s)) == 0)
			break;
	if ((size_t)(w - s) == 7 && memcmp(s, "version", 7) == 0) {
		p = w;
		trim(&p, &e);
		if (p == e || (size_t)(e - p) >= sizeof(g->version) - 40) {
			snprintf(err, errlen, "version needs a short value");
			return -1;
		}
		snprintf(g->version, sizeof(g->version), "%.*s",
			 (int)(e - p), p);
		*has_version = 1;
		return 0;
	}
	if (k == sizeof(kinds) / sizeof(kinds[0])) {
		snprintf(err, errlen, "unknown kind \"%.*s\" (country, alias, "
			 "demonym, capital, city, region, org, person, title, "
			 "ignore or version)", (int)(w - s > 30 ? 30 : w - s), s);
		return -1;
	}
	p = w;
	trim(&p, &e);
	if (kinds[k].code) {
		const char *c = p, *ce = word_end(p, e);
		size_t n = (size_t)(ce - c), i;
		int ok = n > 0 && n < 32;

		for (i = 0; ok && i < n; i++)
			ok = (c[i] >= 'A' && c[i] <= 'Z') ||
			     (kinds[k].code == 1 &&
			      ((c[i] >= '0' && c[i] <= '9') || c[i] == '_'));
		if (!ok || (kinds[k].code == 2 && n != 2)) {
			snprintf(err, errlen, "%s needs %s before its names",
				 kinds[k].word,
				 kinds[k].code == 2
					 ? "a country code (two capitals, JP)"
					 : "an id (capitals, digits, _)");
			return -1;
		}
		memcpy(code, c, n);
		code[n] = '\0';
		p = ce;
		trim(&p, &e);
	}
	while (p < e) {
		const char *q = memchr(p, ';', (size_t)(e - p)), *ne;
		int r;

		ne = q ? q : e;
		{
			const char *ns = p;

			trim(&ns, &ne);
			if (ne > ns) {
				char pkey[MAX_KEY];

				if (kinds[k].kind == NEWSIDX_GEO_PERSON &&
				    !names) {
					person_key(g, ns, (size_t)(ne - ns),
						   pkey, sizeof(pkey));
					snprintf(code, sizeof(code), "%s",
						 pkey);
				}
				if (ne - ns >= MAX_KEY && g->lenient) {
					p = q ? q + 1 : e;
					continue;
				}
				if (ne - ns >= MAX_KEY) {
					snprintf(err, errlen,
						 "name longer than %d bytes",
						 MAX_KEY - 1);
					return -1;
				}
				r = add_name(g, kinds[k].kind, kinds[k].flags,
					     code, ns, (size_t)(ne - ns));
				if (r < 0)
					return -2;
				if (r > 0 && !g->lenient) {
					snprintf(err, errlen,
						 "name \"%.*s\" has no words",
						 (int)(ne - ns > 40 ? 40
								    : ne - ns),
						 ns);
					return -1;
				}
				if (kinds[k].kind == NEWSIDX_GEO_COUNTRY &&
				    !names) {
					int rc = 0;
					size_t i;

					for (i = 0; i < g->nnames; i++)
						if (strcmp(g->pool.data +
								   g->names[i][0],
							   code) == 0)
							break;
					if (i == g->nnames) {
						if (NEWSIDX_ARRAY_GROW(
							    g->names,
							    g->nnames,
							    g->capnames, 256))
							return -2;
						g->names[i][0] = pool_add(
							g, code, 2, &rc);
						g->names[i][1] = pool_add(
							g, ns,
							(size_t)(ne - ns),
							&rc);
						g->nnames++;
						if (rc)
							return -2;
					}
				}
				names++;
			}
		}
		p = q ? q + 1 : e;
	}
	if (!names) {
		snprintf(err, errlen, "%s line without names", kinds[k].word);
		return -1;
	}
	return 0;
}

static newsidx_status_t load(struct newsidx_gaz *g, const char *text,
			     size_t len, const char *name, char *err,
			     size_t errlen)
{
	const char *p = text, *end = text + len;
	unsigned long line = 0;
	int has_version = 0;
	char why[200];

	if (!newsidx_utf8__valid(text, len, NULL)) {
		snprintf(err, errlen, "%s: not UTF-8", name);
		return NEWSIDX_INVALID_ARGUMENT;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p, *e = nl ? nl : end;
		int r;

		line++;
		p = nl ? nl + 1 : end;
		trim(&s, &e);
		if (s == e || *s == '#')
			continue;
		if (memchr(s, '\0', (size_t)(e - s))) {
			snprintf(err, errlen, "%s:%lu: NUL byte", name, line);
			return NEWSIDX_INVALID_ARGUMENT;
		}
		r = load_line(g, s, e, &has_version, why, sizeof(why));
		if (r == -2) {
			snprintf(err, errlen, "out of memory");
			return NEWSIDX_NOMEM;
		}
		if (r) {
			snprintf(err, errlen, "%s:%lu: %s", name, line, why);
			return NEWSIDX_INVALID_ARGUMENT;
		}
	}
	(void)has_version;
	return NEWSIDX_OK;
}

static struct newsidx_gaz *gaz_new(const struct newsidx_gaz *parent)
{
	struct newsidx_gaz *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->parent = parent;
	if (newsidx_analyzer__new(&g->an, "en") != NEWSIDX_OK) {
		free(g);
		return NULL;
	}
	return g;
}

void newsidx_gaz__free(struct newsidx_gaz *g)
{
	if (!g)
		return;
	newsidx_analyzer__free(g->an);
	newsidx_buf__free(&g->pool);
	free(g->e);
	free(g->slot);
	free(g->first);
	free(g->names);
	free(g);
}

static struct newsidx_gaz *builtin;
static int builtin_keyed;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

/* The first line of the keys file for the built-in data, as made here. */
static void keys_header(char *out, size_t size)
{
	snprintf(out, size, "%s %016" PRIx64 " %s\n", KEYS_MAGIC,
		 newsidx_hash64(newsidx_gazetteer_default,
				strlen(newsidx_gazetteer_default)),
		 utf8proc_version());
}

/* The built-in data with its keys made ahead when keys is not NULL;
 * NULL out of memory, or when those keys did not fit. */
static struct newsidx_gaz *load_default(const char *keys,
					struct newsidx_buf *record)
{
	struct newsidx_gaz *g = gaz_new(NULL);
	char err[256];

	if (!g)
		return NULL;
	g->lenient = 1;
	g->record = record;
	if (keys) {
		g->keys = keys;
		g->keys_end = keys + strlen(keys);
	}
	/* The built-in data is checked by the tests; a failure here can
	 * only be memory. */
	if (load(g, newsidx_gazetteer_default,
		 strlen(newsidx_gazetteer_default), "gazetteer.txt", err,
		 sizeof(err)) != NEWSIDX_OK ||
	    g->keys_bad || (keys && g->keys != g->keys_end)) {
		newsidx_gaz__free(g);
		return NULL;
	}
	g->keys = g->keys_end = NULL;
	g->record = NULL;
	return g;
}

static void load_builtin(void)
{
	char head[160];
	size_t n;

	keys_header(head, sizeof(head));
	n = strlen(head);
	if (strncmp(newsidx_gazetteer_keys, head, n) == 0) {
		builtin = load_default(newsidx_gazetteer_keys + n, NULL);
		builtin_keyed = builtin != NULL;
	}
	if (!builtin)
		builtin = load_default(NULL, NULL);
}

int newsidx_gaz__builtin_keyed(void)
{
	pthread_once(&builtin_once, load_builtin);
	return builtin_keyed;
}

newsidx_status_t newsidx_gaz__builtin_keys(char **out, size_t *len)
{
	struct newsidx_buf b = { 0 };
	struct newsidx_gaz *g;
	char head[160];
	int rc = 0;

	*out = NULL;
	*len = 0;
	keys_header(head, sizeof(head));
	newsidx_buf__append(&b, head, strlen(head), &rc);
	if (rc || !(g = load_default(NULL, &b))) {
		newsidx_buf__free(&b);
		return NEWSIDX_NOMEM;
	}
	newsidx_gaz__free(g);
	*out = b.data;
	*len = b.len;
	return NEWSIDX_OK;
}

const struct newsidx_gaz *newsidx_gaz__builtin(void)
{
	pthread_once(&builtin_once, load_builtin);
	return builtin;
}

newsidx_status_t newsidx_gaz__load(struct newsidx_gaz **out,
				   const struct newsidx_gaz *parent,
				   const char *text, size_t len,
				   const char *name, char *err, size_t errlen)
{
	struct newsidx_gaz *g = gaz_new(parent);
	newsidx_status_t st;

	*out = NULL;
	if (!g) {
		snprintf(err, errlen, "out of memory");
		return NEWSIDX_NOMEM;
	}
	st = load(g, text, len, name, err, errlen);
	if (st) {
		newsidx_gaz__free(g);
		return st;
	}
	/* The additions' own version line, if any, is informative only:
	 * what an index records is the built-in version and the hash of
	 * the additions, which changes whenever they do. */
	snprintf(g->version, sizeof(g->version), "%.120s+local:%016" PRIx64,
		 parent ? newsidx_gaz__version(parent) : "none",
		 newsidx_hash64(text, len));
	*out = g;
	return NEWSIDX_OK;
}

newsidx_status_t newsidx_gaz__load_file(struct newsidx_gaz **out,
					const struct newsidx_gaz *parent,
					const char *path, char *err,
					size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct newsidx_buf b = { 0 };
	char chunk[65536];
	size_t n;
	int rc = 0;
	newsidx_status_t st;

	*out = NULL;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NEWSIDX_IO;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && !rc)
		newsidx_buf__append(&b, chunk, n, &rc);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(f);
		newsidx_buf__free(&b);
		return NEWSIDX_IO;
	}
	fclose(f);
	if (rc) {
		newsidx_buf__free(&b);
		snprintf(err, errlen, "out of memory");
		return NEWSIDX_NOMEM;
	}
	st = newsidx_gaz__load(out, parent, b.data ? b.data : "", b.len, path,
			       err, errlen);
	newsidx_buf__free(&b);
	return st;
}

const char *newsidx_gaz__version(const struct newsidx_gaz *g)
{
	return g->version[0] ? g->version : "unknown";
}

int newsidx_gaz__find(const struct newsidx_gaz *g, const char *key,
		      size_t len, struct newsidx_geo_hit *hit)
{
	uint64_t h = hkey(key, len);

	for (; g; g = g->parent) {
		const struct entry *e = own_find(g, key, len, h);

		if (e) {
			hit->kind = (enum newsidx_geo_kind)e->kind;
			hit->flags = e->flags;
			hit->code = g->pool.data + e->code;
			return 1;
		}
	}
	return 0;
}

unsigned newsidx_gaz__first(const struct newsidx_gaz *g, const char *w,
			    size_t len, int titles)
{
	uint64_t h = hkey(w, len);
	unsigned best = 0;

	for (; g; g = g->parent) {
		size_t j;

		if (!g->capfirst)
			continue;
		for (j = h & (g->capfirst - 1); g->first[j].hash;
		     j = (j + 1) & (g->capfirst - 1))
			if (g->first[j].hash == h) {
				unsigned m = titles ? g->first[j].title
						    : g->first[j].maxn;

				if (m > best)
					best = m;
				break;
			}
	}
	return best;
}

int newsidx_gaz__lookup(const struct newsidx_gaz *g, const char *name,
			size_t len, struct newsidx_geo_hit *hit)
{
	struct newsidx_gaz *tmp;
	const struct newsidx_gaz *p;
	int found = 0;

	/* The key is made with the loading analyzer of the innermost
	 * gazetteer; a lookup is rare enough (one per query value) to
	 * take a lock-free copy of the key state. */
	tmp = gaz_new(NULL);
	if (!tmp)
		return 0;
	if (make_key(tmp, name, len) == 0) {
		uint64_t h = hkey(tmp->key, tmp->keylen);

		for (p = g; p && !found; p = p->parent) {
			const struct entry *e =
				own_find(p, tmp->key, tmp->keylen, h);

			if (e && e->kind != NEWSIDX_GEO_NONE) {
				hit->kind = (enum newsidx_geo_kind)e->kind;
				hit->flags = e->flags;
				hit->code = p->pool.data + e->code;
				found = 1;
			}
		}
	}
	newsidx_gaz__free(tmp);
	return found;
}

int newsidx_gaz__country(const struct newsidx_gaz *g, const char *name,
			 size_t len, char cc[3])
{
	struct newsidx_geo_hit hit;

	if (!newsidx_gaz__lookup(g, name, len, &hit) ||
	    hit.kind == NEWSIDX_GEO_ORG || hit.kind == NEWSIDX_GEO_PERSON ||
	    strlen(hit.code) != 2)
		return 0;
	memcpy(cc, hit.code, 3);
	return 1;
}

const char *newsidx_gaz__country_name(const struct newsidx_gaz *g,
				      const char *cc)
{
	for (; g; g = g->parent) {
		size_t i;

		for (i = 0; i < g->nnames; i++)
			if (strcmp(g->pool.data + g->names[i][0], cc) == 0)
				return g->pool.data + g->names[i][1];
	}
	return NULL;
}

void newsidx_gaz__field_value(const struct newsidx_gaz *g, const char *field,
			      const char *text, char *out, size_t outlen)
{
	struct newsidx_geo_hit hit;
	size_t i, o = 0, n = strlen(text);
	int found = g && newsidx_gaz__lookup(g, text, n, &hit);

	if (strcmp(field, "person") == 0) {
		if (found && hit.kind == NEWSIDX_GEO_PERSON) {
			snprintf(out, outlen, "%s", hit.code);
			return;
		}
		person_key(NULL, text, n, out, outlen);
		return;
	}
	if (found && (strcmp(field, "org") == 0
			      ? hit.kind == NEWSIDX_GEO_ORG
			      : (hit.kind != NEWSIDX_GEO_ORG &&
				 hit.kind != NEWSIDX_GEO_PERSON &&
				 strlen(hit.code) == 2))) {
		snprintf(out, outlen, "%s", hit.code);
		return;
	}
	/* Unknown: the value itself as a code ("XX" matches nothing). */
	for (i = 0; i < n && o + 1 < outlen; i++)
		if (text[i] != ' ')
			out[o++] = (char)(text[i] >= 'a' && text[i] <= 'z'
						  ? text[i] - 32
						  : text[i]);
	if (outlen)
		out[o] = '\0';
}
