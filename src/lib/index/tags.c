/*
 * tags.c: the geo tags of an article in its document: the countries,
 * organisations and people the tagger found (geo/tagger.c) as XC, XO
 * and XN terms and value slots, the dateline place normalised, and the
 * topics as one value.  document.c feeds the tagger the article's
 * tokens as it indexes them, and calls this once they are all read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"
#include "geo/geo.h"

static int add_term(struct prep *p, const char *prefix, const char *v)
{
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n = newsidx_schema__term(term, prefix, v, strlen(v));

	return p->xst = xapc_doc_add_boolean_term(p->doc, term, n);
}

static int place_token(void *ctx, const struct newsidx_token *tok)
{
	struct prep *p = ctx;
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n = newsidx_schema__term(term, NEWSIDX_PREFIX_PLACE, tok->text,
					tok->len);

	p->xst = xapc_doc_add_boolean_term(p->doc, term, n);
	return p->xst ? 1 : 0;
}

static int place_words(struct prep *p, const char *v)
{
	if (v && *v)
		newsidx_analyzer__tokenize(p->an, v, strlen(v), 1, place_token,
					   p, NULL);
	return p->xst;
}

/* The values joined by "\n" into a slot; nothing when there are none. */
static int set_list(struct prep *p, unsigned slot, const char *const *v,
		    size_t n)
{
	struct newsidx_buf b = { 0 };
	size_t i;
	int rc = 0, x;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		if (i)
			newsidx_buf__putc(&b, '\n', &rc);
		newsidx_buf__puts(&b, v[i], &rc);
	}
	x = rc ? XAPC_ERR_NOMEM
	       : xapc_doc_set_value(p->doc, slot, b.data, b.len);
	newsidx_buf__free(&b);
	return p->xst = x;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The topics as indexed: each comma-separated topic, normalised as the
 * XT words are (lower case, single spaces), sorted and unique. */
static int set_topics(struct prep *p, const char *topics)
{
	char *copy, *s, *save = NULL, *v[64];
	size_t n = 0, i, k = 0;
	int x;

	if (!topics || !*topics)
		return 0;
	if (!(copy = newsidx_strdup(topics)))
		return p->xst = XAPC_ERR_NOMEM;
	for (s = strtok_r(copy, ",;", &save); s && n < 64;
	     s = strtok_r(NULL, ",;", &save)) {
		char *start = s, *o = s, *q;
		int space = 0;

		for (q = s; *q; q++) {
			if (*q == ' ' || *q == '\t') {
				space = 1;
				continue;
			}
			if (space && o != start)
				*o++ = ' ';
			space = 0;
			*o++ = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
		}
		*o = '\0';
		if (o != start)
			v[n++] = start;
	}
	if (n)
		qsort(v, n, sizeof(v[0]), cmp_str);
	for (i = 0; i < n; i++)
		if (!k || strcmp(v[k - 1], v[i]) != 0)
			v[k++] = v[i];
	x = set_list(p, NEWSIDX_SLOT_TOPIC, (const char *const *)v, k);
	free(copy);
	return x;
}

int newsidx_document__add_tags(struct prep *p, const struct newsidx_article *a)
{
	struct newsidx_geo_tags t;
	size_t i;
	int x;

	if (!p->tagging)
		memset(&t, 0, sizeof(t));
	else if (newsidx_tagger__finish(p->tagger, &t))
		return p->xst = XAPC_ERR_NOMEM;
	/* place: the dateline's words as given, and its country's name
	 * (place:lithuania finds Vilnius). */
	x = place_words(p, a->place);
	for (i = 0; !x && i < t.nplace_countries; i++)
		x = place_words(p, newsidx_gaz__country_name(
					   p->gaz, t.place_countries[i]));
	if (!x && (t.place || a->place)) {
		const char *v = t.place ? t.place : a->place;

		x = p->xst = xapc_doc_set_value(p->doc, NEWSIDX_SLOT_PLACE, v,
						strlen(v));
	}
	for (i = 0; !x && i < t.ncountries; i++)
		x = add_term(p, NEWSIDX_PREFIX_COUNTRY, t.countries[i]);
	for (i = 0; !x && i < t.norgs; i++)
		x = add_term(p, NEWSIDX_PREFIX_ORG, t.orgs[i]);
	for (i = 0; !x && i < t.npersons; i++)
		x = add_term(p, NEWSIDX_PREFIX_PERSON, t.persons[i]);
	if (!x)
		x = set_list(p, NEWSIDX_SLOT_COUNTRY, t.countries, t.ncountries);
	if (!x)
		x = set_list(p, NEWSIDX_SLOT_ORG, t.orgs, t.norgs);
	if (!x)
		x = set_list(p, NEWSIDX_SLOT_PERSON, t.persons, t.npersons);
	if (!x)
		x = set_topics(p, a->topics);
	return x;
}
