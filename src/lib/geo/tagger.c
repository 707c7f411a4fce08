/*
 * tagger.c: which countries, organisations and people an article is
 * about, and its dateline place normalised.
 *
 * The tagger reads the tokens the indexer cuts anyway (index/document.c
 * hands it each one), so tagging costs lookups, not another pass over
 * the text.  Names are matched longest first from the left over a small
 * window of tokens, and only where the text capitalises them, so that
 * "turkey" the bird or "china" the plates are not countries; a name the
 * gazetteer writes in capitals (WHO, UN) matches only capitals.
 *
 * A country's score is the sum of its mentions: a name, a demonym, a
 * capital ("Tokyo said") or a city, weighted by where it stands (the
 * title and the lead count more), plus the dateline's country.  The
 * countries of a format's own list (Reuters' PLACES) are taken as
 * given.  A country is tagged when its score reaches the threshold,
 * chosen by measurement on Reuters-21578 (bench/geo-eval, bench/geo.md).
 *
 * A person is a run of one to three capitalised words after a title
 * ("External Affairs Minister S. Jaishankar"), or a name the gazetteer
 * lists; a later plain mention of the surname ("Jaishankar said") is
 * the same person, not another one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"
#include "util/util.h"

#define WIN 16        /* tokens looked at once: longest name + a person */
#define MAX_WORD 64   /* a longer token never starts or ends a name */
#define MAX_TAGS 64
#define LEAD_TOKENS 60

/* The i-th token of the window (WIN is a power of two). */
#define W(t, i) (&(t)->win[((t)->head + (i)) & (WIN - 1)])

/* Tuned on the training part of Reuters-21578 (bench/geo.md). */
#define DEF_THRESHOLD 4.0
#define DEF_DATELINE 4.0
#define DEF_TITLE 3.0
#define DEF_LEAD 1.5

struct wtok {
	char text[MAX_WORD];
	unsigned char len;
	unsigned char cap;     /* written with a capital */
	unsigned char allcaps; /* no lower-case letter */
	unsigned char dot;     /* a '.' follows it in the text */
	unsigned char stop;    /* punctuation other than '.' follows */
	unsigned char zone;    /* 0 title, 1 lead, 2 body */
};

struct score {
	char cc[3];
	double score;
	int place;
};

struct strset {
	char *v[MAX_TAGS];
	size_t n;
};

struct newsidx_tagger {
	const struct newsidx_gaz *g;
	struct newsidx_analyzer *an;
	struct wtok win[WIN]; /* a ring: the i-th token is W(t, i) */
	size_t head, nwin;
	unsigned body_tokens;
	int caps_zone[2]; /* the title / the body is written in capitals */
	int seen_zone[2];
	struct score sc[MAX_TAGS];
	size_t nsc;
	struct strset orgs, persons;
	char *place;
	const char *out_c[MAX_TAGS], *out_p[MAX_TAGS];
	double threshold, w_dateline, w_title, w_lead;
	int naive;
	int nomem;
	/* a key being made */
	char key[256];
	size_t keylen;
};

newsidx_status_t newsidx_tagger__new(struct newsidx_tagger **out,
				     const struct newsidx_gaz *g)
{
	struct newsidx_tagger *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t || !g)
		goto nomem;
	t->g = g;
	if (newsidx_analyzer__new(&t->an, "en") != NEWSIDX_OK)
		goto nomem;
	t->threshold = DEF_THRESHOLD;
	t->w_dateline = DEF_DATELINE;
	t->w_title = DEF_TITLE;
	t->w_lead = DEF_LEAD;
	*out = t;
	return NEWSIDX_OK;
nomem:
	free(t);
	return NEWSIDX_NOMEM;
}

static void set_clear(struct strset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	s->n = 0;
}

static void clear(struct newsidx_tagger *t)
{
	set_clear(&t->orgs);
	set_clear(&t->persons);
	free(t->place);
	t->place = NULL;
	t->nsc = 0;
	t->nwin = 0;
	t->head = 0;
	t->body_tokens = 0;
	t->seen_zone[0] = t->seen_zone[1] = 0;
	t->caps_zone[0] = t->caps_zone[1] = 0;
	t->nomem = 0;
}

void newsidx_tagger__free(struct newsidx_tagger *t)
{
	if (!t)
		return;
	clear(t);
	newsidx_analyzer__free(t->an);
	free(t);
}

void newsidx_tagger__tune(struct newsidx_tagger *t, double threshold,
			  double dateline, double title, double lead)
{
	if (threshold >= 0)
		t->threshold = threshold;
	if (dateline >= 0)
		t->w_dateline = dateline;
	if (title >= 0)
		t->w_title = title;
	if (lead >= 0)
		t->w_lead = lead;
}

void newsidx_tagger__naive(struct newsidx_tagger *t, int naive)
{
	t->naive = naive;
}

static void set_add(struct newsidx_tagger *t, struct strset *s,
		    const char *v)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return;
	if (s->n == MAX_TAGS)
		return;
	if (!(s->v[s->n] = newsidx_strdup(v)))
		t->nomem = 1;
	else
		s->n++;
}

static void add_score(struct newsidx_tagger *t, const char *cc, double w,
		      int place)
{
	size_t i;

	if (strlen(cc) != 2)
		return;
	for (i = 0; i < t->nsc; i++)
		if (memcmp(t->sc[i].cc, cc, 2) == 0)
			break;
	if (i == t->nsc) {
		if (t->nsc == MAX_TAGS)
			return;
		memcpy(t->sc[i].cc, cc, 3);
		t->sc[i].score = 0;
		t->sc[i].place = 0;
		t->nsc++;
	}
	t->sc[i].score += w;
	t->sc[i].place |= place;
}

static int key_token(void *ctx, const struct newsidx_token *tok)
{
	struct newsidx_tagger *t = ctx;

	if (tok->flags & NEWSIDX_TOK_JOINED)
		return 0;
	if (t->keylen + tok->len + 2 >= sizeof(t->key))
		return 1;
	if (t->keylen)
		t->key[t->keylen++] = ' ';
	memcpy(t->key + t->keylen, tok->text, tok->len);
	t->keylen += tok->len;
	return 0;
}

/* The country a place name (a dateline part) stands for: 1 and cc. */
static int place_country(struct newsidx_tagger *t, const char *s, size_t n,
			 char cc[3], int *is_country)
{
	struct newsidx_geo_hit hit;

	t->keylen = 0;
	if (newsidx_analyzer__tokenize(t->an, s, n, 1, key_token, t, NULL) ||
	    !t->keylen)
		return 0;
	if (!newsidx_gaz__find(t->g, t->key, t->keylen, &hit) ||
	    hit.kind == NEWSIDX_GEO_NONE || hit.kind == NEWSIDX_GEO_ORG ||
	    hit.kind == NEWSIDX_GEO_PERSON || strlen(hit.code) != 2)
		return 0;
	memcpy(cc, hit.code, 3);
	if (is_country)
		*is_country = hit.kind == NEWSIDX_GEO_COUNTRY ||
			      hit.kind == NEWSIDX_GEO_ALIAS;
	return 1;
}

static const char *skip_space(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static const char *trim_end(const char *s, const char *e)
{
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return e;
}

/* Each comma-separated part of s[0..e) that names a country is a place
 * country; 1 when all of them did. */
static int country_list(struct newsidx_tagger *t, const char *s,
			const char *e, int apply)
{
	int all = 1;

	while (s < e) {
		const char *c = memchr(s, ',', (size_t)(e - s));
		const char *pe = c ? c : e, *ps = skip_space(s, pe);
		char cc[3];
		int is_country = 0;

		pe = trim_end(ps, pe);
		if (pe > ps) {
			if (place_country(t, ps, (size_t)(pe - ps), cc,
					  &is_country) &&
			    is_country) {
				if (apply)
					add_score(t, cc, t->threshold, 1);
			} else {
				all = 0;
			}
		}
		s = c ? c + 1 : e;
	}
	return all;
}

void newsidx_tagger__start(struct newsidx_tagger *t, const char *place)
{
	const char *semi, *head_end, *s, *e;

	clear(t);
	if (!place || !*place)
		return;
	semi = strchr(place, ';');
	head_end = semi ? semi : place + strlen(place);
	if (semi && !t->naive)
		country_list(t, semi + 1, semi + strlen(semi), 1);
	if (!semi && country_list(t, place, head_end, 0)) {
		/* "USA, Japan": a format's list without a dateline. */
		if (!t->naive)
			country_list(t, place, head_end, 1);
		s = skip_space(place, head_end);
		e = s + strcspn(s, ",;");
		e = trim_end(s, e);
		t->place = e > s ? strndup(s, (size_t)(e - s)) : NULL;
		return;
	}
	s = skip_space(place, head_end);
	e = s + strcspn(s, ",;");
	e = trim_end(s, e);
	if (e > s) {
		char cc[3];
		const char *r;

		t->place = strndup(s, (size_t)(e - s));
		if (!t->place)
			t->nomem = 1;
		if (t->naive)
			return;
		/* The whole dateline, then its city, then what follows
		 * ("Portland, Ore.") names the country. */
		if (place_country(t, s, (size_t)(trim_end(s, head_end) - s), cc,
				  NULL) ||
		    place_country(t, s, (size_t)(e - s), cc, NULL)) {
			add_score(t, cc, t->w_dateline, 1);
			return;
		}
		for (r = s + strcspn(s, ",;"); r < head_end && *r == ',';) {
			const char *c;

			r = skip_space(r + 1, head_end);
			c = r + strcspn(r, ",;");
			if (c > head_end)
				c = head_end;
			if (place_country(t, r, (size_t)(trim_end(r, c) - r),
					  cc, NULL)) {
				add_score(t, cc, t->w_dateline, 1);
				return;
			}
			r = c;
		}
	}
}

/* Build the key of win[0..n) into t->key. */
static void win_key(struct newsidx_tagger *t, size_t n)
{
	size_t i;

	t->keylen = 0;
	for (i = 0; i < n; i++) {
		if (i)
			t->key[t->keylen++] = ' ';
		memcpy(t->key + t->keylen, W(t, i)->text, W(t, i)->len);
		t->keylen += W(t, i)->len;
	}
	t->key[t->keylen] = '\0';
}

static double zone_weight(const struct newsidx_tagger *t, int zone)
{
	return zone == 0 ? t->w_title : zone == 1 ? t->w_lead : 1.0;
}

/* The person named after a title ending at win[k-1]: up to three
 * capitalised words.  Returns how many words it took. */
static size_t person_after(struct newsidx_tagger *t, size_t k)
{
	char name[200];
	size_t i, o = 0, n = 0;

	if (t->caps_zone[W(t, k - 1)[0].zone ? 1 : 0])
		return 0;
	/* "his counterpart. Kishida said": a title that ends a sentence
	 * names no one; an abbreviation ("Gen.", "Mr.") has its dot. */
	if ((W(t, k - 1)[0].dot && W(t, k - 1)[0].len > 3) || W(t, k - 1)[0].stop)
		return 0;
	for (i = k; i < t->nwin && n < 3; i++) {
		const struct wtok *w = W(t, i);
		struct newsidx_geo_hit hit;

		/* Never from the title into the body. */
		if (!w->cap || (w->zone == 0) != (W(t, k - 1)[0].zone == 0) || (w->allcaps && w->len > 1) ||
		    newsidx_analyzer__is_stopword(t->an, w->text, w->len))
			break;
		/* "Prime Minister Narendra Modi" but not "Minister Japan". */
		if (newsidx_gaz__find(t->g, w->text, w->len, &hit) &&
		    (hit.flags & NEWSIDX_GEO_TITLE ||
		     hit.kind == NEWSIDX_GEO_COUNTRY ||
		     hit.kind == NEWSIDX_GEO_DEMONYM ||
		     hit.kind == NEWSIDX_GEO_ORG))
			break;
		if (o + w->len + 3 >= sizeof(name))
			break;
		if (o)
			name[o++] = ' ';
		memcpy(name + o, w->text, w->len);
		o += w->len;
		/* An initial is written "s." however the text has it. */
		if (w->len == 1)
			name[o++] = '.';
		n++;
		if (w->stop || (w->dot && w->len > 1))
			break;
	}
	/* A single initial is not a name. */
	if (!n || (n == 1 && W(t, k)->len == 1))
		return 0;
	name[o] = '\0';
	set_add(t, &t->persons, name);
	return n;
}

/* A later mention of a tagged person's surname: the same person. */
static int known_surname(const struct newsidx_tagger *t, const struct wtok *w)
{
	size_t i;

	for (i = 0; i < t->persons.n; i++) {
		const char *p = t->persons.v[i], *sp = strrchr(p, ' ');
		const char *last = sp ? sp + 1 : p;

		if (strlen(last) == w->len && memcmp(last, w->text, w->len) == 0)
			return 1;
	}
	return 0;
}

/* Match at the front of the window and drop what was read. */
static void step(struct newsidx_tagger *t)
{
	struct wtok *w0 = W(t, 0);
	unsigned maxn;
	size_t n, used = 1;

	if (t->nwin == 0 || !w0->len)
		goto drop;
	/* Titles are often in lower case ("foreign minister Yoko
	 * Kamikawa"); every other name must be capitalised. */
	maxn = newsidx_gaz__first(t->g, w0->text, w0->len, !w0->cap);
	if (!maxn) {
		if (known_surname(t, w0))
			used = 1; /* linked, nothing new to tag */
		goto drop;
	}
	for (n = maxn < t->nwin ? maxn : t->nwin; n > 0; n--) {
		struct newsidx_geo_hit hit;
		int caps_zone = t->caps_zone[w0->zone ? 1 : 0];
		size_t i;
		int caps_ok = 1;

		win_key(t, n);
		if (!newsidx_gaz__find(t->g, t->key, t->keylen, &hit) ||
		    (!w0->cap && !(hit.flags & NEWSIDX_GEO_TITLE)))
			continue;
		if (hit.flags & NEWSIDX_GEO_CAPS) {
			for (i = 0; i < n; i++)
				if (!W(t, i)->allcaps)
					caps_ok = 0;
			/* A capitals-only name in a title written in
			 * capitals: unless a common word ("WHO", "US"). */
			if (caps_ok && caps_zone && n == 1 &&
			    newsidx_analyzer__is_stopword(t->an, t->key,
							  t->keylen))
				caps_ok = 0;
			if (!caps_ok)
				continue;
		}
		used = n;
		if (hit.flags & NEWSIDX_GEO_TITLE && !t->naive) {
			used += person_after(t, n);
			if (used > n || hit.kind == NEWSIDX_GEO_NONE ||
			    !w0->cap)
				break;
		}
		if (hit.flags & NEWSIDX_GEO_IGNORE)
			break;
		switch (hit.kind) {
		case NEWSIDX_GEO_COUNTRY:
			add_score(t, hit.code, zone_weight(t, w0->zone), 0);
			break;
		case NEWSIDX_GEO_DEMONYM:
		case NEWSIDX_GEO_CAPITAL:
		case NEWSIDX_GEO_CITY:
			if (!t->naive)
				add_score(t, hit.code,
					  zone_weight(t, w0->zone), 0);
			break;
		case NEWSIDX_GEO_ORG:
			if (!t->naive)
				set_add(t, &t->orgs, hit.code);
			break;
		case NEWSIDX_GEO_PERSON:
			if (!t->naive)
				set_add(t, &t->persons, hit.code);
			break;
		default:
			break;
		}
		break;
	}
drop:
	if (used > t->nwin)
		used = t->nwin;
	t->head = (t->head + used) & (WIN - 1);
	t->nwin -= used;
}

static int has_lower(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			return 1;
	return 0;
}

void newsidx_tagger__token(struct newsidx_tagger *t,
			   const struct newsidx_token *tok, const char *raw,
			   size_t raw_len, int zone)
{
	struct wtok *w;
	unsigned char c;
	int z = zone ? 1 : 0;

	if (tok->flags & NEWSIDX_TOK_JOINED)
		return;
	if (!t->seen_zone[z]) {
		/* A title or text in capitals ("JAPAN SAYS ..."): every
		 * word is capitalised, so capitals prove less. */
		size_t look = raw_len < 2000 ? raw_len : 2000;

		t->seen_zone[z] = 1;
		t->caps_zone[z] = !has_lower(raw, look);
	}
	if (t->nwin == WIN)
		step(t);
	w = W(t, t->nwin);
	t->nwin++;
	if (tok->len >= MAX_WORD) {
		w->len = 0;
		w->cap = 0;
		return;
	}
	memcpy(w->text, tok->text, tok->len);
	w->len = (unsigned char)tok->len;
	c = tok->start < raw_len ? (unsigned char)raw[tok->start] : 0;
	w->cap = (c >= 'A' && c <= 'Z') || c >= 0x80;
	w->allcaps = !has_lower(raw + tok->start, tok->end - tok->start);
	c = tok->end < raw_len ? (unsigned char)raw[tok->end] : 0;
	w->dot = c == '.' || (tok->flags & NEWSIDX_TOK_ACRONYM);
	w->stop = c == ',' || c == ';' || c == ':' || c == ')' || c == '(' ||
		  c == '"' || c == '\n';
	if (zone == 0)
		w->zone = 0;
	else
		w->zone = t->body_tokens++ < LEAD_TOKENS ? 1 : 2;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

newsidx_status_t newsidx_tagger__finish(struct newsidx_tagger *t,
					struct newsidx_geo_tags *out)
{
	size_t i, nc = 0, np = 0;

	while (t->nwin)
		step(t);
	for (i = 0; i < t->nsc; i++) {
		if (t->sc[i].score + 1e-9 >= t->threshold)
			t->out_c[nc++] = t->sc[i].cc;
		if (t->sc[i].place)
			t->out_p[np++] = t->sc[i].cc;
	}
	/* (qsort must not see a NULL array, even an empty one.) */
	if (nc)
		qsort(t->out_c, nc, sizeof(t->out_c[0]), cmp_str);
	if (np)
		qsort(t->out_p, np, sizeof(t->out_p[0]), cmp_str);
	if (t->orgs.n)
		qsort(t->orgs.v, t->orgs.n, sizeof(t->orgs.v[0]), cmp_str);
	if (t->persons.n)
		qsort(t->persons.v, t->persons.n, sizeof(t->persons.v[0]),
		      cmp_str);
	out->place = t->place;
	out->countries = t->out_c;
	out->ncountries = nc;
	out->place_countries = t->out_p;
	out->nplace_countries = np;
	out->orgs = (const char *const *)t->orgs.v;
	out->norgs = t->orgs.n;
	out->persons = (const char *const *)t->persons.v;
	out->npersons = t->persons.n;
	return t->nomem ? NEWSIDX_NOMEM : NEWSIDX_OK;
}
