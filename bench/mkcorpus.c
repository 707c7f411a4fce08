/*
 * mkcorpus.c: a large, realistic news corpus for the speed benchmark
 * (bench/run), built from Reuters-21578, and a query log drawn from its
 * vocabulary.
 *
 * usage: mkcorpus [--articles N] [--files K] [--seed S] [--queries FILE]
 *                 [--warc FILE] REUTERS-DIR OUTDIR
 *
 * Reads the 22 reut2-*.sgm files of REUTERS-DIR (a minimal scanner: the
 * TITLE, DATELINE, BODY, TOPICS and PLACES of each <REUTERS> story;
 * &lt; &gt; &amp; &quot; and &#N; decoded, control characters dropped,
 * bytes above 0x7f read as Latin-1), splits every BODY into its
 * paragraphs (a line that starts with white space starts one; the
 * trailing "Reuter" sign-off is dropped), and writes N articles (default
 * 200000) as JSON Lines, split into K files OUTDIR/part-NNNN.jsonl
 * (default 1) of consecutive articles:
 *
 *   {"id":"rtr-0000001","title":...,"body":...,"date":"1994-07-12T08:41:17Z",
 *    "source":"Reuters","place":"Tokyo"}
 *
 * Article i takes the title, the dateline place and the first one or two
 * paragraphs of a random story, then paragraphs drawn at random from
 * stories of the same first topic (or, without a topic, the same first
 * place) until a length drawn from a long-tailed distribution is
 * reached; paragraphs are separated by a blank line.  The date is
 * uniform over 1970-01-01 .. 2024-12-31, to the second.  Everything
 * comes from one seeded generator (splitmix64, integers only), so the
 * same arguments give the same bytes on every machine.
 *
 * --warc FILE writes the same articles once more as one WARC file, the
 * shape of a crawl: each article a `response` record whose HTTP payload
 * is an HTML page (its title, its date in article:published_time, the
 * source in og:site_name, the body's paragraphs in <p> elements inside
 * <article>) at https://news.example/ID, with a `request` record before
 * it, as crawlers write them.
 *
 * --queries FILE writes the query log: one query a line as
 *   QID <TAB> newsidx query <TAB> stock Xapian query <TAB> FTS5 query
 * where QID is CLASS-NN.  The classes: df1..df6, single words in six
 * bands of document frequency (>= 20% of the articles, 5-20%, 1-5%,
 * 0.2-1%, 0.02-0.2%, rarer); and2, and3, two and three words of one
 * article; phrase, adjacent word pairs of one article and hand-written
 * news phrases; title, place, date and combo, a word with title:,
 * place: and date: filters.  The Xapian column joins the words with
 * AND (QueryParser's default is OR); the FTS5 column is an FTS5 MATCH
 * expression, whose juxtaposition is AND and which has a title column
 * filter.  Neither peer has place or date fields: those filters are
 * left out of their queries.
 *
 * Prints one summary line: articles, files, text bytes (title + body,
 * UTF-8), JSON bytes and queries.  Exit status 1 on a missing or
 * unreadable input, 2 on a usage error.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *me = "mkcorpus";

/* ---- memory and strings --------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "%s: out of memory\n", me);
		exit(1);
	}
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

struct buf {
	char *p;
	size_t n, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* ---- the generator: splitmix64 -------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. */
static size_t below(size_t n)
{
	return (size_t)(rng() % (uint64_t)n);
}

/* ---- reading the SGML ------------------------------------------------ */

struct story {
	char *title, *place;
	size_t para0, npara; /* its paragraphs in the pool */
	size_t group;
};

static struct story *stories;
static size_t nstories, capstories;
static char **paras;
static size_t nparas, capparas;
static char **groups; /* group keys: first topic, else "@" first place */
static size_t ngroups;
static size_t **members; /* the stories of each group */
static size_t *nmembers;

static void utf8_put(struct buf *b, unsigned long c)
{
	char u[4];

	if (c < 0x80) {
		buf_addc(b, (char)c);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		buf_add(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		buf_add(b, u, 3);
	} else if (c < 0x110000) {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		buf_add(b, u, 4);
	}
}

/*
 * The text of s..e as UTF-8: entities decoded, control characters other
 * than newline dropped, the literal "^M" of the wire dropped, bytes above
 * 0x7f read as Latin-1.
 */
static void decode(struct buf *b, const char *s, const char *e)
{
	b->n = 0;
	buf_add(b, "", 0);
	while (s < e) {
		unsigned char c = (unsigned char)*s;

		if (c == '&') {
			static const struct {
				const char *name;
				char c;
			} ents[] = { { "&lt;", '<' }, { "&gt;", '>' },
				     { "&amp;", '&' }, { "&quot;", '"' } };
			size_t i;
			int done = 0;

			for (i = 0; i < sizeof ents / sizeof ents[0]; i++) {
				size_t n = strlen(ents[i].name);

				if ((size_t)(e - s) >= n &&
				    memcmp(s, ents[i].name, n) == 0) {
					buf_addc(b, ents[i].c);
					s += n;
					done = 1;
					break;
				}
			}
			if (done)
				continue;
			if (e - s >= 4 && s[1] == '#' &&
			    isdigit((unsigned char)s[2])) {
				const char *p = s + 2;
				unsigned long v = 0;

				while (p < e && isdigit((unsigned char)*p) &&
				       v < 0x110000)
					v = v * 10 + (unsigned long)(*p++ - '0');
				if (p < e && *p == ';') {
					if (v == '\n' || (v >= 0x20 && v != 0x7f &&
							   !(v >= 0x80 && v < 0xa0)))
						utf8_put(b, v);
					s = p + 1;
					continue;
				}
			}
			buf_addc(b, '&');
			s++;
		} else if (c == '^' && e - s >= 2 && s[1] == 'M') {
			s += 2;
		} else if (c >= 0x80) {
			utf8_put(b, c);
			s++;
		} else if (c < 0x20 && c != '\n' && c != '\t') {
			s++;
		} else if (c == 0x7f) {
			s++;
		} else {
			buf_addc(b, (char)c);
			s++;
		}
	}
}

/* The content of the first <TAG>..</TAG> within s..e, or NULL. */
static const char *element(const char *s, const char *e, const char *tag,
			   const char **end)
{
	char open[32], close[32];
	size_t no, nc;
	const char *p, *q;

	no = (size_t)snprintf(open, sizeof open, "<%s>", tag);
	nc = (size_t)snprintf(close, sizeof close, "</%s>", tag);
	for (p = s; p + no <= e; p++)
		if (*p == '<' && memcmp(p, open, no) == 0)
			break;
	if (p + no > e)
		return NULL;
	p += no;
	for (q = p; q + nc <= e; q++)
		if (*q == '<' && memcmp(q, close, nc) == 0) {
			*end = q;
			return p;
		}
	return NULL;
}

/* Collapse runs of white space into one space and trim both ends. */
static char *squeeze(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1), *o = d;
	size_t i;
	int sp = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r') {
			sp = o != d;
			continue;
		}
		if (sp)
			*o++ = ' ';
		sp = 0;
		*o++ = s[i];
	}
	*o = '\0';
	return d;
}

/* Title case for an all-capitals place name: "NEW YORK" -> "New York". */
static void place_case(char *s)
{
	int start = 1;

	for (; *s; s++) {
		if (isalpha((unsigned char)*s)) {
			*s = (char)(start ? toupper((unsigned char)*s)
					  : tolower((unsigned char)*s));
			start = 0;
		} else {
			start = *s != '\'';
		}
	}
}

static size_t group_of(const char *key)
{
	size_t i;

	for (i = 0; i < ngroups; i++)
		if (strcmp(groups[i], key) == 0)
			return i;
	groups = xrealloc(groups, (ngroups + 1) * sizeof *groups);
	members = xrealloc(members, (ngroups + 1) * sizeof *members);
	nmembers = xrealloc(nmembers, (ngroups + 1) * sizeof *nmembers);
	groups[ngroups] = xstrndup(key, strlen(key));
	members[ngroups] = NULL;
	nmembers[ngroups] = 0;
	return ngroups++;
}

static int is_signoff(const char *p)
{
	return strcmp(p, "Reuter") == 0 || strcmp(p, "REUTER") == 0 ||
	       strcmp(p, "reuter") == 0;
}

/* One <REUTERS> story in s..e: kept when it has a TITLE and a BODY. */
static void story(const char *s, const char *e, struct buf *b)
{
	const char *x, *xe, *body, *bodye;
	char *title, *place = NULL, key[64];
	size_t start = nparas, i, n;
	struct story *st;

	body = element(s, e, "BODY", &bodye);
	x = element(s, e, "TITLE", &xe);
	if (!body || !x)
		return;
	decode(b, x, xe);
	title = squeeze(b->p, b->n);
	if (!*title) {
		free(title);
		return;
	}

	/* Paragraphs: a line starting with white space starts one. */
	decode(b, body, bodye);
	{
		const char *p = b->p, *pe = b->p + b->n, *ps = p;

		while (p <= pe) {
			const char *nl = memchr(p, '\n', (size_t)(pe - p));
			const char *next = nl ? nl + 1 : pe + 1;
			int brk = !nl || next >= pe || *next == ' ' ||
				  *next == '\t' || *next == '\n';

			if (brk) {
				char *para = squeeze(ps, (size_t)((nl ? nl : pe) - ps));
				size_t len = strlen(para);

				/* "... text. Reuter" at the end of a paragraph */
				if (len > 7 && (strcmp(para + len - 7, " Reuter") == 0 ||
						strcmp(para + len - 7, " REUTER") == 0))
					para[len - 7] = '\0';
				if (*para && !is_signoff(para) && strlen(para) >= 20) {
					if (nparas == capparas) {
						capparas = capparas ? 2 * capparas : 65536;
						paras = xrealloc(paras, capparas * sizeof *paras);
					}
					paras[nparas++] = para;
				} else {
					free(para);
				}
				ps = next;
			}
			p = next;
		}
	}
	if (nparas == start) {
		free(title);
		return;
	}

	/* The place: the dateline's city, else the first PLACES value. */
	x = element(s, e, "DATELINE", &xe);
	if (x) {
		const char *c = memchr(x, ',', (size_t)(xe - x));

		if (c) {
			place = squeeze(x, (size_t)(c - x));
			if (strlen(place) > 40 || strchr(place, '<')) {
				free(place);
				place = NULL;
			}
		}
	}
	key[0] = '\0';
	x = element(s, e, "PLACES", &xe);
	if (x && (x = element(x, xe, "D", &xe)) != NULL) {
		n = (size_t)(xe - x) < 40 ? (size_t)(xe - x) : 40;
		snprintf(key, sizeof key, "@%.*s", (int)n, x);
		if (!place) {
			place = xstrndup(x, n);
			for (i = 0; place[i]; i++)
				if (place[i] == '-')
					place[i] = ' ';
		}
	}
	x = element(s, e, "TOPICS", &xe);
	if (x && (x = element(x, xe, "D", &xe)) != NULL) {
		n = (size_t)(xe - x) < 40 ? (size_t)(xe - x) : 40;
		snprintf(key, sizeof key, "%.*s", (int)n, x);
	}
	if (!place)
		place = xstrndup("", 0);
	place_case(place);

	if (nstories == capstories) {
		capstories = capstories ? 2 * capstories : 32768;
		stories = xrealloc(stories, capstories * sizeof *stories);
	}
	st = &stories[nstories];
	st->title = title;
	st->place = place;
	st->para0 = start;
	st->npara = nparas - start;
	st->group = group_of(key);
	members[st->group] = xrealloc(members[st->group],
				      (nmembers[st->group] + 1) * sizeof(size_t));
	members[st->group][nmembers[st->group]++] = nstories;
	nstories++;
}

static int namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_reuters(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t nnames = 0, i;
	struct buf b = { 0 };

	if (!d) {
		fprintf(stderr, "%s: %s: %s\n", me, dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (strncmp(de->d_name, "reut2-", 6) == 0 && n > 4 &&
		    strcmp(de->d_name + n - 4, ".sgm") == 0) {
			names = xrealloc(names, (nnames + 1) * sizeof *names);
			names[nnames++] = xstrndup(de->d_name, n);
		}
	}
	closedir(d);
	if (nnames == 0) {
		fprintf(stderr, "%s: no reut2-*.sgm file in %s\n", me, dir);
		return 1;
	}
	qsort(names, nnames, sizeof *names, namecmp);
	for (i = 0; i < nnames; i++) {
		char path[4096];
		FILE *f;
		struct stat sb;
		char *data;
		const char *p, *e;

		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		f = fopen(path, "rb");
		if (!f || fstat(fileno(f), &sb) != 0) {
			fprintf(stderr, "%s: %s: %s\n", me, path, strerror(errno));
			return 1;
		}
		data = xrealloc(NULL, (size_t)sb.st_size + 1);
		if (fread(data, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
			fprintf(stderr, "%s: %s: read error\n", me, path);
			return 1;
		}
		fclose(f);
		data[sb.st_size] = '\0';
		p = data;
		e = data + sb.st_size;
		while ((p = strstr(p, "<REUTERS")) != NULL) {
			const char *q = strstr(p, "</REUTERS>");

			if (!q)
				q = e;
			story(p, q, &b);
			p = q;
		}
		free(data);
		free(names[i]);
	}
	free(names);
	free(b.p);
	if (nstories == 0) {
		fprintf(stderr, "%s: no story with a TITLE and a BODY in %s\n",
			me, dir);
		return 1;
	}
	return 0;
}

/* ---- the vocabulary --------------------------------------------------- */

struct word {
	char *w;
	size_t df, tdf; /* articles with the word; with it in the title */
	size_t last, tlast;
};

static struct word *words; /* open addressing */
static size_t capwords = 1 << 18, nwords;

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct word *lookup(const char *s, size_t n, int add)
{
	size_t i = (size_t)hash(s, n) & (capwords - 1);

	while (words[i].w) {
		if (strncmp(words[i].w, s, n) == 0 && words[i].w[n] == '\0')
			return &words[i];
		i = (i + 1) & (capwords - 1);
	}
	if (!add)
		return NULL;
	if (2 * (nwords + 1) > capwords) {
		struct word *old = words;
		size_t oldcap = capwords, j;

		capwords *= 2;
		words = xrealloc(NULL, capwords * sizeof *words);
		memset(words, 0, capwords * sizeof *words);
		for (j = 0; j < oldcap; j++)
			if (old[j].w) {
				size_t k = (size_t)hash(old[j].w, strlen(old[j].w)) &
					   (capwords - 1);

				while (words[k].w)
					k = (k + 1) & (capwords - 1);
				words[k] = old[j];
			}
		free(old);
		return lookup(s, n, add);
	}
	words[i].w = xstrndup(s, n);
	words[i].last = words[i].tlast = (size_t)-1;
	nwords++;
	return &words[i];
}

/*
 * Call fn for every word of text: runs of ASCII letters, 3 to 20 long,
 * lower-cased into w; sep is 1 when only one space separates the word
 * from the previous one.
 */
static void each_word(const char *text, void (*fn)(void *, const char *,
						   size_t, int),
		      void *ctx)
{
	const char *p = text, *prev_end = NULL;
	char w[24];

	while (*p) {
		const char *s;
		size_t n, i;

		while (*p && !isalpha((unsigned char)*p))
			p++;
		s = p;
		while (isalpha((unsigned char)*p))
			p++;
		n = (size_t)(p - s);
		if (n == 0)
			break;
		/* "U.S." or "mid-1990s" are not words here */
		if (*p == '.' && isalpha((unsigned char)p[1])) {
			prev_end = NULL;
			continue;
		}
		if (n >= 3 && n <= 20 && !isdigit((unsigned char)*p) &&
		    (s == text || !isdigit((unsigned char)s[-1]))) {
			for (i = 0; i < n; i++)
				w[i] = (char)tolower((unsigned char)s[i]);
			w[n] = '\0';
			fn(ctx, w, n, prev_end && s == prev_end + 1 && *prev_end == ' ');
			prev_end = p;
		} else {
			prev_end = NULL;
		}
	}
}

static size_t cur_article;

static void count_body(void *ctx, const char *w, size_t n, int sep)
{
	struct word *x = lookup(w, n, 1);

	(void)ctx;
	(void)sep;
	if (x->last != cur_article) {
		x->last = cur_article;
		x->df++;
	}
}

static void count_title(void *ctx, const char *w, size_t n, int sep)
{
	struct word *x = lookup(w, n, 1);

	(void)ctx;
	(void)sep;
	count_body(ctx, w, n, sep);
	if (x->tlast != cur_article) {
		x->tlast = cur_article;
		x->tdf++;
	}
}

static const char *const stops[] = {
	"about", "above", "after", "again", "against", "all", "also", "and",
	"any", "are", "because", "been", "before", "being", "below",
	"between", "both", "but", "can", "could", "did", "does", "doing",
	"down", "during", "each", "either", "every", "few", "for", "from",
	"further", "had", "has", "have", "having", "her", "here", "hers",
	"herself", "him", "himself", "his", "how", "however", "into", "its",
	"itself", "just", "might", "more", "most", "much", "must", "myself",
	"neither", "nor", "not", "now", "off", "once", "only", "other",
	"ought", "our", "ours", "out", "over", "own", "same", "shall", "she",
	"should", "some", "such", "than", "that", "the", "their", "theirs",
	"them", "then", "there", "these", "they", "this", "those", "though",
	"through", "thus", "too", "under", "until", "upon", "very", "was",
	"were", "what", "when", "where", "whether", "which", "while", "who",
	"whom", "whose", "why", "will", "with", "within", "without",
	"would", "yet", "you", "your", "yours", "may", "near", "blah",
};

static int is_stop(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof stops / sizeof stops[0]; i++)
		if (strcmp(stops[i], w) == 0)
			return 1;
	return 0;
}

/* ---- articles ----------------------------------------------------------- */

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

#define FIRST_DAY 0L     /* 1970-01-01 */
#define LAST_DAY 20088L  /* 2024-12-31 */

struct sample {
	char *title, *body, *place;
	int year;
};

static void json_str(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c == '\n') {
			buf_adds(b, "\\n");
		} else if (c == '\t') {
			buf_adds(b, "\\t");
		} else if (c < 0x20) {
			char u[8];

			snprintf(u, sizeof u, "\\u%04x", c);
			buf_adds(b, u);
		} else {
			buf_addc(b, (char)c);
		}
	}
	buf_addc(b, '"');
}

/* The body length aimed at: 100..900 bytes, plus a geometric tail. */
static size_t target_length(void)
{
	size_t t = 100 + below(400);

	t += below(400);

	while (below(100) < 30)
		t += 300;
	return t;
}

/* ---- the query log --------------------------------------------------- */

struct query {
	char qid[32];
	struct buf nx, xa, ft; /* newsidx, Xapian, FTS5 */
};

static struct query *queries;
static size_t nqueries;
static FILE *qlog;

static struct query *new_query(const char *cls, int k)
{
	struct query *q;

	queries = xrealloc(queries, (nqueries + 1) * sizeof *queries);
	q = &queries[nqueries++];
	memset(q, 0, sizeof *q);
	snprintf(q->qid, sizeof q->qid, "%s-%02d", cls, k);
	buf_add(&q->nx, "", 0);
	buf_add(&q->xa, "", 0);
	buf_add(&q->ft, "", 0);
	return q;
}

/* A word, a phrase (several words) or a title word, in all three. */
static void q_term(struct query *q, const char *text, int phrase, int title)
{
	if (q->nx.n)
		buf_addc(&q->nx, ' ');
	if (q->xa.n)
		buf_adds(&q->xa, " AND ");
	if (q->ft.n)
		buf_addc(&q->ft, ' ');
	if (title) {
		buf_adds(&q->nx, "title:");
		buf_adds(&q->ft, "title : ");
	}
	if (phrase) {
		buf_addc(&q->nx, '"');
		buf_addc(&q->xa, '"');
		buf_addc(&q->ft, '"');
	}
	buf_adds(&q->nx, text);
	buf_adds(&q->xa, text);
	buf_adds(&q->ft, text);
	if (phrase) {
		buf_addc(&q->nx, '"');
		buf_addc(&q->xa, '"');
		buf_addc(&q->ft, '"');
	}
}

/* A filter only newsidx has: "place:..." or "date:...". */
static void q_filter(struct query *q, const char *text)
{
	if (q->nx.n)
		buf_addc(&q->nx, ' ');
	buf_adds(&q->nx, text);
}

static int wordcmp(const void *a, const void *b)
{
	return strcmp((*(struct word *const *)a)->w,
		      (*(struct word *const *)b)->w);
}

/* The words of a sample, for picking: content words of df >= 2 and
 * below 20% of the articles; pairs[i] is set when word i follows word
 * i-1 after one space. */
struct picks {
	const char *w[512];
	int adj[512];
	size_t n;
	size_t maxdf;
};

static void pick_word(void *ctx, const char *w, size_t n, int sep)
{
	struct picks *p = ctx;
	struct word *x = lookup(w, n, 0);

	if (p->n == 512)
		return;
	if (!x || is_stop(x->w) || x->df < 2 || x->df > p->maxdf) {
		/* a skipped word breaks adjacency */
		if (p->n)
			p->adj[p->n - 1] |= 2;
		return;
	}
	p->adj[p->n] = sep && p->n && !(p->adj[p->n - 1] & 2);
	p->w[p->n++] = x->w;
}

static void picks_of(struct picks *p, const char *text, size_t maxdf)
{
	memset(p, 0, sizeof *p);
	p->maxdf = maxdf;
	each_word(text, pick_word, p);
}

/* k distinct words of p (k <= 3), or 0 when there are not enough. */
static int distinct(const struct picks *p, size_t k, const char **out)
{
	size_t tries, i, j;

	for (tries = 0; tries < 200; tries++) {
		if (p->n < k)
			return 0;
		for (i = 0; i < k; i++) {
			out[i] = p->w[below(p->n)];
			for (j = 0; j < i; j++)
				if (strcmp(out[i], out[j]) == 0 ||
				    strncmp(out[i], out[j], 4) == 0)
					break;
			if (j < i)
				break;
		}
		if (i == k)
			return 1;
	}
	return 0;
}

static const char *const phrases[] = {
	"trade deficit", "interest rates", "oil prices", "stock exchange",
	"central bank", "money supply", "crude oil", "current account",
	"federal reserve", "exchange rates", "budget deficit",
	"european community", "tender offer", "net profit",
	"bank of japan", "new york stock exchange",
};

static void make_queries(size_t n, const struct sample *samples,
			 size_t nsamples, char **topplaces, size_t ntop)
{
	static const double bands[][2] = {
		{ 0.20, 2.0 }, { 0.05, 0.20 }, { 0.01, 0.05 },
		{ 0.002, 0.01 }, { 0.0002, 0.002 }, { 0.0, 0.0002 },
	};
	struct word **cand = xrealloc(NULL, nwords * sizeof *cand);
	struct word **mid = xrealloc(NULL, nwords * sizeof *mid);
	size_t nmid = 0, b, i, k;
	struct picks p;
	const char *w[3];
	char f[160];

	/* Words of 1% to 20% of the articles, for the filter queries. */
	for (i = 0; i < capwords; i++)
		if (words[i].w && !is_stop(words[i].w) &&
		    words[i].df >= n / 100 && words[i].df < n / 5)
			mid[nmid++] = &words[i];
	qsort(mid, nmid, sizeof *mid, wordcmp);

	for (b = 0; b < sizeof bands / sizeof bands[0]; b++) {
		size_t nc = 0;
		double lo = bands[b][0] * (double)n, hi = bands[b][1] * (double)n;
		char cls[8];

		for (i = 0; i < capwords; i++)
			if (words[i].w && !is_stop(words[i].w) &&
			    words[i].df >= 2 && (double)words[i].df >= lo &&
			    (double)words[i].df < hi)
				cand[nc++] = &words[i];
		qsort(cand, nc, sizeof *cand, wordcmp);
		snprintf(cls, sizeof cls, "df%zu", b + 1);
		for (k = 0; k < 12 && k < nc; k++) {
			size_t j = k + below(nc - k);
			struct word *t = cand[k];

			cand[k] = cand[j];
			cand[j] = t;
			q_term(new_query(cls, (int)k + 1), cand[k]->w, 0, 0);
		}
	}

	for (k = 0; k < 40; k++) {
		const struct sample *s = &samples[below(nsamples)];

		picks_of(&p, s->body, n / 5);
		if (distinct(&p, 2, w)) {
			struct query *q = new_query("and2", (int)k + 1);

			q_term(q, w[0], 0, 0);
			q_term(q, w[1], 0, 0);
		}
	}
	for (k = 0; k < 30; k++) {
		const struct sample *s = &samples[below(nsamples)];

		picks_of(&p, s->body, n / 5);
		if (distinct(&p, 3, w)) {
			struct query *q = new_query("and3", (int)k + 1);

			for (i = 0; i < 3; i++)
				q_term(q, w[i], 0, 0);
		}
	}
	for (k = 0; k < 24; k++) {
		const struct sample *s = &samples[below(nsamples)];
		size_t j, tries;

		picks_of(&p, s->body, n / 5);
		for (tries = 0; tries < 100 && p.n > 1; tries++) {
			j = 1 + below(p.n - 1);
			if (p.adj[j] & 1) {
				snprintf(f, sizeof f, "%s %s", p.w[j - 1], p.w[j]);
				q_term(new_query("phrase", (int)k + 1), f, 1, 0);
				break;
			}
		}
	}
	for (i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
		q_term(new_query("phrase", (int)(25 + i)), phrases[i], 1, 0);

	for (k = 0; k < 16; k++) {
		const struct sample *s = &samples[below(nsamples)];
		struct picks tp;

		picks_of(&tp, s->title, n / 5);
		picks_of(&p, s->body, n / 5);
		if (tp.n && p.n) {
			struct query *q = new_query("title", (int)k + 1);

			w[0] = tp.w[below(tp.n)];
			w[1] = p.w[below(p.n)];
			q_term(q, w[0], 0, 1);
			if (strcmp(w[0], w[1]) != 0)
				q_term(q, w[1], 0, 0);
		}
	}
	for (k = 0; k < 16 && nmid && ntop; k++) {
		const char *pl = topplaces[k % ntop];
		struct query *q = new_query("place", (int)k + 1);

		snprintf(f, sizeof f, strchr(pl, ' ') ? "place:\"%s\"" : "place:%s", pl);
		for (i = 0; f[i]; i++)
			f[i] = (char)tolower((unsigned char)f[i]);
		q_filter(q, f);
		q_term(q, mid[below(nmid)]->w, 0, 0);
	}
	for (k = 0; k < 24 && nmid; k++) {
		struct query *q = new_query("date", (int)k + 1);
		int y = 1970 + (int)below(55), y2, m, m2;

		switch (k % 3) {
		case 0:
			snprintf(f, sizeof f, "date:%d", y);
			break;
		case 1:
			y2 = y + 1 + (int)below(10);
			snprintf(f, sizeof f, "date:%d..%d", y, y2 > 2024 ? 2024 : y2);
			break;
		default:
			m = 1 + (int)below(12);
			m2 = m + (int)below(6);
			y2 = y + (m2 > 12);
			m2 = (m2 - 1) % 12 + 1;
			snprintf(f, sizeof f, "date:%d-%02d..%d-%02d", y, m, y2, m2);
			break;
		}
		q_term(q, mid[below(nmid)]->w, 0, 0);
		q_filter(q, f);
	}
	for (k = 0; k < 8; k++) {
		const struct sample *s = &samples[below(nsamples)];
		struct query *q = new_query("combo", (int)k + 1);
		int up, down;

		picks_of(&p, s->body, n / 5);
		if (k % 2 == 0 || !*s->place) {
			struct picks tp;

			picks_of(&tp, s->title, n / 5);
			q_term(q, tp.n ? tp.w[below(tp.n)] : mid[below(nmid)]->w, 0, 1);
		} else {
			snprintf(f, sizeof f, strchr(s->place, ' ') ? "place:\"%s\"" : "place:%s",
				 s->place);
			for (i = 0; f[i]; i++)
				f[i] = (char)tolower((unsigned char)f[i]);
			q_filter(q, f);
		}
		if (p.n)
			q_term(q, p.w[below(p.n)], 0, 0);
		/* one call per statement: the order of the draws is fixed */
		up = (int)below(5);
		down = (int)below(5);
		snprintf(f, sizeof f, "date:%d..%d", s->year - down, s->year + up);
		q_filter(q, f);
	}

	for (i = 0; i < nqueries; i++) {
		fprintf(qlog, "%s\t%s\t%s\t%s\n", queries[i].qid, queries[i].nx.p,
			queries[i].xa.p, queries[i].ft.p);
		free(queries[i].nx.p);
		free(queries[i].xa.p);
		free(queries[i].ft.p);
	}
	free(cand);
	free(mid);
}

/* ---- main ------------------------------------------------------------- */

struct placecount {
	char *place;
	size_t n;
};

static int placecmp(const void *a, const void *b)
{
	const struct placecount *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->place, y->place);
}

/* s with &, < and > escaped for HTML text. */
static void html_str(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '&')
			buf_adds(b, "&amp;");
		else if (s[i] == '<')
			buf_adds(b, "&lt;");
		else if (s[i] == '>')
			buf_adds(b, "&gt;");
		else
			buf_addc(b, s[i]);
	}
}

/* One article as a WARC request and response record pair. */
static int warc_article(FILE *w, struct buf *page, struct buf *rec,
			const char *id, const char *title, const char *body,
			const char *date)
{
	const char *p = body;
	char head[512];
	int hn;

	page->n = 0;
	buf_adds(page, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
		       "<meta charset=\"utf-8\"><title>");
	html_str(page, title, strlen(title));
	buf_adds(page, "</title>\n<meta property=\"og:site_name\" "
		       "content=\"Reuters\">\n<meta property=\""
		       "article:published_time\" content=\"");
	buf_adds(page, date);
	buf_adds(page, "\">\n</head><body><article><h1>");
	html_str(page, title, strlen(title));
	buf_adds(page, "</h1>\n");
	/* Paragraphs are separated by a blank line. */
	while (*p) {
		const char *e = strstr(p, "\n\n");
		size_t n = e ? (size_t)(e - p) : strlen(p);

		buf_adds(page, "<p>");
		html_str(page, p, n);
		buf_adds(page, "</p>\n");
		p += n;
		while (*p == '\n')
			p++;
	}
	buf_adds(page, "</article></body></html>\n");
	rec->n = 0;
	hn = snprintf(head, sizeof head,
		      "HTTP/1.1 200 OK\r\nContent-Type: text/html; "
		      "charset=utf-8\r\nContent-Length: %zu\r\n\r\n",
		      page->n);
	buf_add(rec, head, (size_t)hn);
	buf_add(rec, page->p, page->n);
	fprintf(w,
		"WARC/1.0\r\nWARC-Type: request\r\n"
		"WARC-Record-ID: <urn:uuid:q-%s>\r\n"
		"WARC-Date: %s\r\n"
		"WARC-Target-URI: https://news.example/%s\r\n"
		"Content-Type: application/http; msgtype=request\r\n"
		"Content-Length: %zu\r\n\r\n"
		"GET /%s HTTP/1.1\r\n\r\n\r\n\r\n",
		id, date, id, strlen(id) + 18, id);
	fprintf(w,
		"WARC/1.0\r\nWARC-Type: response\r\n"
		"WARC-Record-ID: <urn:uuid:r-%s>\r\n"
		"WARC-Date: %s\r\n"
		"WARC-Target-URI: https://news.example/%s\r\n"
		"Content-Type: application/http; msgtype=response\r\n"
		"Content-Length: %zu\r\n\r\n",
		id, date, id, rec->n);
	if (fwrite(rec->p, 1, rec->n, w) != rec->n)
		return -1;
	return fputs("\r\n\r\n", w) < 0 ? -1 : 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: mkcorpus [--articles N] [--files K] [--seed S] "
			"[--queries FILE] [--warc FILE] REUTERS-DIR OUTDIR\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long n = 200000, nfiles = 1, seed = 1987;
	const char *qpath = NULL, *wpath = NULL, *in, *out;
	struct buf art = { 0 }, line = { 0 }, page = { 0 }, rec = { 0 };
	FILE *warc = NULL;
	unsigned long long text_bytes = 0, json_bytes = 0;
	size_t i, nsamples = 0, step, *used = NULL;
	struct sample *samples;
	struct placecount *pc = NULL;
	size_t npc = 0;
	FILE *f = NULL;
	unsigned long fileno_ = (unsigned long)-1;
	int a;

	/* OPTION VALUE pairs */
	for (a = 1; a < argc && argv[a][0] == '-' && argv[a][1]; a += 2) {
		const char *v = a + 1 < argc ? argv[a + 1] : NULL;
		char *end;

		if (strcmp(argv[a], "--") == 0) {
			a++;
			break;
		}
		if (!v)
			return usage();
		if (strcmp(argv[a], "--queries") == 0) {
			qpath = v;
		} else if (strcmp(argv[a], "--warc") == 0) {
			wpath = v;
		} else {
			unsigned long x = strtoul(v, &end, 10);

			if (*end || !*v)
				return usage();
			if (strcmp(argv[a], "--articles") == 0 && x > 0)
				n = x;
			else if (strcmp(argv[a], "--files") == 0 && x > 0)
				nfiles = x;
			else if (strcmp(argv[a], "--seed") == 0)
				seed = x;
			else
				return usage();
		}
	}
	if (argc - a != 2)
		return usage();
	in = argv[a];
	out = argv[a + 1];
	if (nfiles > n)
		nfiles = n;

	if (read_reuters(in) != 0)
		return 1;
	if (mkdir(out, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: %s: %s\n", me, out, strerror(errno));
		return 1;
	}
	if (qpath && !(qlog = fopen(qpath, "w"))) {
		fprintf(stderr, "%s: %s: %s\n", me, qpath, strerror(errno));
		return 1;
	}
	if (wpath && !(warc = fopen(wpath, "w"))) {
		fprintf(stderr, "%s: %s: %s\n", me, wpath, strerror(errno));
		return 1;
	}
	words = xrealloc(NULL, capwords * sizeof *words);
	memset(words, 0, capwords * sizeof *words);
	rng_state = seed;

	step = n / 128 ? n / 128 : 1;
	samples = xrealloc(NULL, (n / step + 1) * sizeof *samples);
	used = xrealloc(NULL, 64 * sizeof *used);

	for (i = 0; i < n; i++) {
		const struct story *st = &stories[below(nstories)];
		size_t target = target_length(), lead, nused = 0, k;
		long day = FIRST_DAY + (long)below((size_t)(LAST_DAY - FIRST_DAY + 1));
		unsigned long sec = (unsigned long)below(86400);
		int y, m, d;
		char date[32], id[32];
		unsigned long fi = (unsigned long)((unsigned long long)i * nfiles / n);

		/* the body: the story's lead, then paragraphs of its group */
		art.n = 0;
		buf_add(&art, "", 0);
		lead = st->npara > 1 && below(10) < 3 ? 2 : 1;
		for (k = 0; k < lead; k++) {
			if (k)
				buf_adds(&art, "\n\n");
			buf_adds(&art, paras[st->para0 + k]);
			used[nused++] = st->para0 + k;
		}
		for (k = 0; k < 200 && nused < 64 &&
			    (art.n < target || nused == lead);
		     k++) {
			size_t g = nmembers[st->group] > 1 ? st->group : (size_t)-1;
			const struct story *o =
			    g != (size_t)-1 ? &stories[members[g][below(nmembers[g])]]
					    : &stories[below(nstories)];
			size_t pi = o->para0 + below(o->npara), u;

			for (u = 0; u < nused && used[u] != pi; u++)
				;
			if (u < nused)
				continue;
			buf_adds(&art, "\n\n");
			buf_adds(&art, paras[pi]);
			used[nused++] = pi;
		}

		civil(day, &y, &m, &d);
		snprintf(date, sizeof date, "%04d-%02d-%02dT%02lu:%02lu:%02luZ", y, m,
			 d, sec / 3600, sec / 60 % 60, sec % 60);
		snprintf(id, sizeof id, "rtr-%07zu", i + 1);

		cur_article = i;
		each_word(st->title, count_title, NULL);
		each_word(art.p, count_body, NULL);
		text_bytes += strlen(st->title) + art.n;

		if (i % step == step / 2) {
			struct sample *s = &samples[nsamples++];

			s->title = st->title;
			s->body = xstrndup(art.p, art.n);
			s->place = st->place;
			s->year = y;
		}
		if (*st->place) {
			size_t j;

			for (j = 0; j < npc && strcmp(pc[j].place, st->place); j++)
				;
			if (j == npc) {
				pc = xrealloc(pc, (npc + 1) * sizeof *pc);
				pc[npc].place = st->place;
				pc[npc++].n = 0;
			}
			pc[j].n++;
		}

		line.n = 0;
		buf_adds(&line, "{\"id\":\"");
		buf_adds(&line, id);
		buf_adds(&line, "\",\"title\":");
		json_str(&line, st->title);
		buf_adds(&line, ",\"body\":");
		json_str(&line, art.p);
		buf_adds(&line, ",\"date\":\"");
		buf_adds(&line, date);
		buf_adds(&line, "\",\"source\":\"Reuters\",\"place\":");
		json_str(&line, st->place);
		buf_adds(&line, "}\n");

		if (fi != fileno_) {
			char path[4096];

			if (f && fclose(f) != 0) {
				fprintf(stderr, "%s: writing %s failed\n", me, out);
				return 1;
			}
			snprintf(path, sizeof path, "%s/part-%04lu.jsonl", out, fi);
			f = fopen(path, "w");
			if (!f) {
				fprintf(stderr, "%s: %s: %s\n", me, path, strerror(errno));
				return 1;
			}
			fileno_ = fi;
		}
		if (fwrite(line.p, 1, line.n, f) != line.n) {
			fprintf(stderr, "%s: writing %s failed\n", me, out);
			return 1;
		}
		json_bytes += line.n;
		if (warc && warc_article(warc, &page, &rec, id, st->title,
					 art.p, date) != 0) {
			fprintf(stderr, "%s: writing %s failed\n", me, wpath);
			return 1;
		}
	}
	if (warc && fclose(warc) != 0) {
		fprintf(stderr, "%s: writing %s failed\n", me, wpath);
		return 1;
	}
	if (f && fclose(f) != 0) {
		fprintf(stderr, "%s: writing %s failed\n", me, out);
		return 1;
	}

	if (qlog) {
		qsort(pc, npc, sizeof *pc, placecmp);
		{
			char **top = xrealloc(NULL, 16 * sizeof *top);
			size_t ntop = npc < 16 ? npc : 16;

			for (i = 0; i < ntop; i++)
				top[i] = pc[i].place;
			rng_state = seed ^ 0x5155455259ULL; /* "QUERY" */
			make_queries(n, samples, nsamples, top, ntop);
			free(top);
		}
		if (fclose(qlog) != 0) {
			fprintf(stderr, "%s: writing %s failed\n", me, qpath);
			return 1;
		}
	}
	printf("articles %lu files %lu text_bytes %llu json_bytes %llu "
	       "stories %zu paragraphs %zu words %zu queries %zu\n",
	       n, nfiles, text_bytes, json_bytes, nstories, nparas, nwords,
	       nqueries);
	for (i = 0; i < nsamples; i++)
		free(samples[i].body);
	free(samples);
	free(used);
	free(pc);
	free(queries);
	free(art.p);
	free(line.p);
	free(page.p);
	free(rec.p);
	return 0;
}
