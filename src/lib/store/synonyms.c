/*
 * synonyms.c: the curated synonym list (abbreviations, country names,
 * demonyms) and its place in an index.
 *
 * The list is a text file, one group per line, members separated by
 * commas (data/synonyms.txt, built into the library as the default).
 * Each member is analysed like article text and stored as its stems
 * joined by spaces, so "External Affairs Minister" becomes the key
 * "extern affair minist", and every member of a group is recorded in
 * Xapian's synonym table as a synonym of every other.  Queries look words
 * and quoted phrases up there (query/build.c).  The list's hash is kept in the
 * index metadata, so an edited list replaces the old one on the next
 * indexing run, and a search always uses the list its index was built
 * with.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "xapc.h"

#define MAX_GROUP 16

struct keybuf {
	struct newsidx_analyzer *an;
	struct newsidx_buf b;
	int rc;
};

static int add_stem(void *ctx, const struct newsidx_token *tok)
{
	struct keybuf *k = ctx;
	const char *stem;
	size_t slen;

	if (tok->flags & NEWSIDX_TOK_JOINED)
		return 0;
	stem = newsidx_analyzer__stem(k->an, tok->text, tok->len, &slen);
	if (!stem) {
		k->rc = NEWSIDX_NOMEM;
		return 1;
	}
	if (k->b.len)
		newsidx_buf__putc(&k->b, ' ', &k->rc);
	newsidx_buf__append(&k->b, stem, slen, &k->rc);
	return 0;
}

char *newsidx_synonyms__key(struct newsidx_analyzer *an, const char *text,
			    size_t len)
{
	struct keybuf k;

	memset(&k, 0, sizeof(k));
	k.an = an;
	if (newsidx_analyzer__tokenize(an, text, len, 1, add_stem, &k, NULL) ||
	    k.rc || !k.b.data) {
		newsidx_buf__free(&k.b);
		return NULL;
	}
	return k.b.data;
}

struct keys {
	char **v;
	size_t n, cap;
	int nomem;
};

static int collect_key(void *ctx, const char *s, size_t len)
{
	struct keys *k = ctx;

	if (NEWSIDX_ARRAY_GROW(k->v, k->n, k->cap, 16)) {
		k->nomem = 1;
		return 1;
	}
	k->v[k->n] = malloc(len + 1);
	if (!k->v[k->n]) {
		k->nomem = 1;
		return 1;
	}
	memcpy(k->v[k->n], s, len);
	k->v[k->n++][len] = '\0';
	return 0;
}

/* Add one line's group: every member a synonym of every other. */
static int add_group(struct xapc_db *x_db, struct newsidx_analyzer *an,
		     const char *line, size_t len)
{
	char *member[MAX_GROUP];
	size_t n = 0, i, j;
	const char *p = line, *e = line + len;
	int x = 0;

	while (p < e && n < MAX_GROUP) {
		const char *c = memchr(p, ',', (size_t)(e - p));
		const char *end = c ? c : e;

		member[n] = newsidx_synonyms__key(an, p, (size_t)(end - p));
		if (member[n] && member[n][0])
			n++;
		else
			free(member[n]);
		p = c ? c + 1 : e;
	}
	for (i = 0; i < n && !x; i++)
		for (j = 0; j < n && !x; j++)
			if (i != j && strcmp(member[i], member[j]) != 0)
				x = xapc_db_add_synonym(x_db, member[i],
							member[j]);
	for (i = 0; i < n; i++)
		free(member[i]);
	return x;
}

int newsidx_synonyms__load(struct xapc_db *db, struct newsidx_analyzer *an,
			   const char *text, size_t len, int *loaded)
{
	char hash[32], *old = NULL;
	size_t olen = 0, i;
	struct keys k = { 0 };
	const char *p = text, *e = text + len;
	int x;

	snprintf(hash, sizeof(hash), "%d:%016" PRIx64, NEWSIDX_SCHEMA_VERSION,
		 newsidx_hash64(text, len));
	x = xapc_db_get_metadata(db, NEWSIDX_META_SYNONYMS, &old, &olen);
	if (!x && old && strcmp(old, hash) == 0) {
		free(old);
		return 0; /* already in the index */
	}
	free(old);
	/* Replace the whole table: an edited list may drop entries. */
	x = xapc_db_synonym_keys(db, "", collect_key, &k);
	for (i = 0; i < k.n; i++) {
		if (!x && !k.nomem)
			x = xapc_db_clear_synonyms(db, k.v[i]);
		free(k.v[i]);
	}
	free(k.v);
	if (k.nomem)
		return -1;
	while (!x && p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *end = nl ? nl : e;
		const char *q = p;

		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q < end && *q != '#')
			x = add_group(db, an, q, (size_t)(end - q));
		p = nl ? nl + 1 : e;
	}
	if (!x)
		x = xapc_db_set_metadata(db, NEWSIDX_META_SYNONYMS, hash,
					 strlen(hash));
	if (!x)
		*loaded = 1;
	return x;
}

int newsidx_synonyms__of(struct xapc_db *db, const char *key, char ***out,
			 size_t *n)
{
	struct keys k = { 0 };
	int x = xapc_db_synonyms(db, key, collect_key, &k);

	if (x || k.nomem) {
		for (*n = 0; *n < k.n; (*n)++)
			free(k.v[*n]);
		free(k.v);
		*out = NULL;
		*n = 0;
		return x ? x : -1;
	}
	*out = k.v;
	*n = k.n;
	return 0;
}
