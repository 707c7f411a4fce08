/*
 * geo_eval.c: country tagging accuracy on Reuters-21578 (bench/geo-eval
 * runs it; bench/geo.md has the results).
 *
 *   geo_eval [-t THRESHOLD] [-d DATELINE] [-w TITLE] [-l LEAD]
 *            [--split train|test|all] [--per-country N] PLACES.TSV SGM...
 *   geo_eval --cost 1 PLACES.TSV SGM...   (the CPU time tagging adds)
 *
 * Each story is read by newsidx's own SGML parser, which puts the
 * story's <PLACES> after the dateline place ("Kansas City; USA, West
 * Germany", or "USA, Japan" without a dateline).  That list is cut off
 * here and becomes the truth; the tagger sees only the title, the
 * dateline place and the body, as the indexer would feed it.  The
 * truth's labels are mapped to ISO codes by PLACES.TSV.  The same run
 * tags every story a second time as the naive baseline (exact country
 * names only).  Train and test follow the ModApte date line: stories
 * dated before 7 April 1987 train, the rest test.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer/analyzer.h"
#include "geo/geo.h"
#include "ingest/ingest.h"

#define MAXC 64

struct label {
	char name[64];
	char cc[3];
};

struct stat_cc {
	char cc[3];
	long tp, fp, fn;
};

struct sys {
	struct newsidx_tagger *t;
	struct stat_cc s[400];
	size_t n;
	long tp, fp, fn;
};

struct run {
	struct label *labels;
	size_t nlabels;
	struct newsidx_analyzer *an;
	struct sys full, naive;
	const char *split;
	long stories, unmapped;
	int cost;      /* --cost: 0 tokenize only, 1 tokenize and tag */
	struct newsidx_tagger *cur;
	const char *raw;
	size_t raw_len;
	int zone;
};

static struct stat_cc *stat_of(struct sys *s, const char *cc)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->s[i].cc, cc) == 0)
			return &s->s[i];
	memset(&s->s[s->n], 0, sizeof(s->s[0]));
	memcpy(s->s[s->n].cc, cc, 3);
	return &s->s[s->n++];
}

static const char *map_label(struct run *r, const char *disp, size_t n)
{
	char key[64];
	size_t i, k = 0;

	for (i = 0; i < n && k + 1 < sizeof(key); i++)
		key[k++] = disp[i] == ' ' ? '-'
					  : (char)tolower((unsigned char)disp[i]);
	key[k] = '\0';
	for (i = 0; i < r->nlabels; i++)
		if (strcmp(r->labels[i].name, key) == 0)
			return r->labels[i].cc;
	r->unmapped++;
	return NULL;
}

static int feed(void *ctx, const struct newsidx_token *tok)
{
	struct run *r = ctx;

	if (r->cost == 1)
		return 0;
	newsidx_tagger__token(r->cur, tok, r->raw, r->raw_len, r->zone);
	return 0;
}

static void tag(struct run *r, struct newsidx_tagger *t,
		const struct newsidx_article *a, const char *place,
		struct newsidx_geo_tags *out)
{
	r->cur = t;
	newsidx_tagger__start(t, place);
	r->zone = 0;
	r->raw = a->title ? a->title : "";
	r->raw_len = strlen(r->raw);
	newsidx_analyzer__tokenize(r->an, r->raw, r->raw_len, 1, feed, r, NULL);
	r->zone = 1;
	r->raw = a->body ? a->body : "";
	r->raw_len = a->body ? a->body_len : 0;
	newsidx_analyzer__tokenize(r->an, r->raw, r->raw_len, 200, feed, r,
				   NULL);
	newsidx_tagger__finish(t, out);
}

static void score(struct sys *s, char truth[][3], size_t nt,
		  const struct newsidx_geo_tags *g)
{
	size_t i, j;

	for (i = 0; i < g->ncountries; i++) {
		for (j = 0; j < nt; j++)
			if (strcmp(truth[j], g->countries[i]) == 0)
				break;
		if (j < nt) {
			s->tp++;
			stat_of(s, g->countries[i])->tp++;
		} else {
			s->fp++;
			stat_of(s, g->countries[i])->fp++;
		}
	}
	for (j = 0; j < nt; j++) {
		for (i = 0; i < g->ncountries; i++)
			if (strcmp(truth[j], g->countries[i]) == 0)
				break;
		if (i == g->ncountries) {
			s->fn++;
			stat_of(s, truth[j])->fn++;
		}
	}
}

/* Is every comma-separated part of s[0..n) a PLACES label? */
static int all_labels(struct run *r, const char *s, size_t n)
{
	long before = r->unmapped;
	const char *e = s + n;
	int all = 1;

	while (s < e) {
		const char *c = memchr(s, ',', (size_t)(e - s));
		const char *pe = c ? c : e;

		while (s < pe && *s == ' ')
			s++;
		if (pe > s && !map_label(r, s, (size_t)(pe - s)))
			all = 0;
		s = c ? c + 1 : e;
	}
	r->unmapped = before;
	return all;
}

static newsidx_status_t on_article(void *ctx, struct newsidx_article *a)
{
	struct run *r = ctx;
	char truth[MAXC][3], *place = NULL;
	const char *list = NULL;
	size_t nt = 0, listlen = 0;
	struct newsidx_geo_tags g;
	int train = strncmp(a->date, "19870407", 8) < 0;

	if (r->cost) {
		/* --cost: what tagging adds to the tokenizing the indexer
		 * does anyway, the tagger fed the article's own place. */
		struct newsidx_geo_tags g2;

		tag(r, r->full.t, a, a->place, &g2);
		return NEWSIDX_OK;
	}
	if ((strcmp(r->split, "train") == 0 && !train) ||
	    (strcmp(r->split, "test") == 0 && train))
		return NEWSIDX_OK;
	r->stories++;
	if (a->place) {
		const char *semi = strstr(a->place, "; ");

		if (semi) {
			place = strndup(a->place, (size_t)(semi - a->place));
			list = semi + 2;
			listlen = strlen(list);
		} else if (all_labels(r, a->place, strlen(a->place))) {
			list = a->place;
			listlen = strlen(list);
		} else {
			place = strdup(a->place);
		}
	}
	while (list && listlen) {
		const char *c = memchr(list, ',', listlen);
		size_t n = c ? (size_t)(c - list) : listlen;
		const char *cc;
		size_t i;

		while (n && *list == ' ') {
			list++;
			n--;
			listlen--;
		}
		cc = map_label(r, list, n);
		for (i = 0; cc && i < nt; i++)
			if (strcmp(truth[i], cc) == 0)
				break;
		if (cc && i == nt && nt < MAXC)
			memcpy(truth[nt++], cc, 3);
		if (!c)
			break;
		listlen -= n + 1;
		list = c + 1;
	}
	tag(r, r->full.t, a, place, &g);
	score(&r->full, truth, nt, &g);
	tag(r, r->naive.t, a, place, &g);
	score(&r->naive, truth, nt, &g);
	free(place);
	return NEWSIDX_OK;
}

static double f1(double p, double rc)
{
	return p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
}

static void report(const char *name, struct sys *s, int per)
{
	double p = s->tp + s->fp ? (double)s->tp / (double)(s->tp + s->fp) : 0;
	double rc = s->tp + s->fn ? (double)s->tp / (double)(s->tp + s->fn) : 0;
	double mp = 0, mr = 0, mf = 0;
	size_t i, j, n = 0;

	for (i = 0; i < s->n; i++) {
		const struct stat_cc *c = &s->s[i];
		double cp, cr;

		if (c->tp + c->fn == 0)
			continue; /* macro: over countries in the truth */
		cp = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp)
				   : 0;
		cr = (double)c->tp / (double)(c->tp + c->fn);
		mp += cp;
		mr += cr;
		mf += f1(cp, cr);
		n++;
	}
	if (n) {
		mp /= (double)n;
		mr /= (double)n;
		mf /= (double)n;
	}
	printf("%-6s micro P %.3f R %.3f F1 %.3f | macro P %.3f R %.3f "
	       "F1 %.3f (%zu countries)\n",
	       name, p, rc, f1(p, rc), mp, mr, mf, n);
	if (!per)
		return;
	/* The commonest countries in the truth, one by one. */
	for (i = 0; i < s->n; i++)
		for (j = i + 1; j < s->n; j++)
			if (s->s[j].tp + s->s[j].fn > s->s[i].tp + s->s[i].fn) {
				struct stat_cc t = s->s[i];

				s->s[i] = s->s[j];
				s->s[j] = t;
			}
	printf("  %-3s %6s %6s %6s %6s %6s\n", "cc", "stories", "tp", "fp",
	       "fn", "F1");
	for (i = 0; i < s->n && (int)i < per; i++) {
		const struct stat_cc *c = &s->s[i];
		double cp = c->tp + c->fp
				    ? (double)c->tp / (double)(c->tp + c->fp)
				    : 0;
		double cr = c->tp + c->fn
				    ? (double)c->tp / (double)(c->tp + c->fn)
				    : 0;

		printf("  %-3s %6ld %6ld %6ld %6ld %6.3f\n", c->cc,
		       c->tp + c->fn, c->tp, c->fp, c->fn, f1(cp, cr));
	}
}

int main(int argc, char **argv)
{
	struct run r;
	const struct newsidx_gaz *g = newsidx_gaz__builtin();
	double th = -1, dl = -1, ti = -1, le = -1;
	int i = 1, per = 0;
	FILE *f;
	char line[256];

	memset(&r, 0, sizeof(r));
	r.split = "all";
	for (; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			break;
		if (strcmp(argv[i], "-t") == 0)
			th = atof(argv[i + 1]);
		else if (strcmp(argv[i], "-d") == 0)
			dl = atof(argv[i + 1]);
		else if (strcmp(argv[i], "-w") == 0)
			ti = atof(argv[i + 1]);
		else if (strcmp(argv[i], "-l") == 0)
			le = atof(argv[i + 1]);
		else if (strcmp(argv[i], "--split") == 0)
			r.split = argv[i + 1];
		else if (strcmp(argv[i], "--per-country") == 0)
			per = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--cost") == 0)
			r.cost = atoi(argv[i + 1]);
	}
	if (argc - i < 2 || !g) {
		fprintf(stderr, "usage: geo_eval [-t T] [-d D] [-w W] [-l L] "
				"[--split train|test|all] [--per-country N] "
				"PLACES.TSV SGM...\n");
		return 2;
	}
	if (!(f = fopen(argv[i], "r"))) {
		perror(argv[i]);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');

		if (line[0] == '#' || !tab)
			continue;
		r.labels = realloc(r.labels, (r.nlabels + 1) * sizeof(*r.labels));
		*tab = '\0';
		snprintf(r.labels[r.nlabels].name, 64, "%.63s", line);
		snprintf(r.labels[r.nlabels].cc, 3, "%.2s", tab + 1);
		r.nlabels++;
	}
	fclose(f);
	if (newsidx_analyzer__new(&r.an, "en") ||
	    newsidx_tagger__new(&r.full.t, g) ||
	    newsidx_tagger__new(&r.naive.t, g))
		return 1;
	newsidx_tagger__tune(r.full.t, th, dl, ti, le);
	newsidx_tagger__naive(r.naive.t, 1);
	if (r.cost) {
		/* Tokenize only (cost 1), then tokenize and tag (cost 2),
		 * each over every story, CPU time of this process. */
		int k, first = i + 1, pass;

		for (pass = 1; pass <= 2; pass++) {
			clock_t c0 = clock();

			r.cost = pass;
			for (k = first; k < argc; k++) {
				struct newsidx_ingest ing;

				memset(&ing, 0, sizeof(ing));
				ing.name = ing.abspath = argv[k];
				ing.on_article = on_article;
				ing.ctx = &r;
				newsidx_ingest__run(&ing, argv[k], NULL, 0);
			}
			printf("%s: %.2f s CPU\n",
			       pass == 1 ? "parse and tokenize"
					 : "parse, tokenize and tag",
			       (double)(clock() - c0) / CLOCKS_PER_SEC);
		}
		return 0;
	}
	for (i++; i < argc; i++) {
		struct newsidx_ingest ing;

		memset(&ing, 0, sizeof(ing));
		ing.name = argv[i];
		ing.abspath = argv[i];
		ing.on_article = on_article;
		ing.ctx = &r;
		if (newsidx_ingest__run(&ing, argv[i], NULL, 0) != NEWSIDX_OK) {
			fprintf(stderr, "geo_eval: cannot read %s\n", argv[i]);
			return 1;
		}
	}
	printf("%ld stories (%s); %ld labels not in the table\n", r.stories,
	       r.split, r.unmapped);
	report("tagger", &r.full, per);
	report("naive", &r.naive, per);
	newsidx_tagger__free(r.full.t);
	newsidx_tagger__free(r.naive.t);
	newsidx_analyzer__free(r.an);
	free(r.labels);
	return 0;
}
