/*
 * snippet.c: choosing and marking the passage of an article that shows
 * why it matched.
 *
 * The body is run through the same analyzer as the index, so a match is
 * decided on stems: searching "railways" marks "railway", and a compound
 * such as "high-speed" is marked when its parts or its joined form were
 * searched.  A word searched only inside a phrase (quoted, or a part of
 * a compound) is marked only where the whole phrase stands: "speed" of
 * "high-speed" is not marked in "to speed up".  The window with the most
 * distinct query stems wins, then the one with the most matches, then
 * the earliest; the text returned has its white space collapsed and
 * carries byte ranges of the marks so that callers can render them
 * (bold, colour, JSON offsets) as they like.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "analyzer/analyzer.h"
#include "query/query.h"
#include "store/store.h"
#include "util/util.h"

static long stem_index(const struct newsidx_stemset *s, const char *stem,
		       size_t len)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strlen(s->stems[i]) == len &&
		    memcmp(s->stems[i], stem, len) == 0)
			return (long)i;
	return -1;
}

/* Add stem if new (not alone); its index, or -1 out of memory. */
static long add_stem(struct newsidx_stemset *s, const char *stem, size_t len)
{
	long i = stem_index(s, stem, len);
	char *p;

	if (i >= 0)
		return i;
	if (NEWSIDX_ARRAY_GROW(s->stems, s->n, s->cap, 8) ||
	    NEWSIDX_ARRAY_GROW(s->alone, s->n, s->capalone, 8))
		return -1;
	p = malloc(len + 1);
	if (!p)
		return -1;
	memcpy(p, stem, len);
	p[len] = '\0';
	s->alone[s->n] = 0;
	s->stems[s->n++] = p;
	return (long)s->n - 1;
}

int newsidx_stemset__add(struct newsidx_stemset *s, const char *stem,
			 size_t len)
{
	long i = add_stem(s, stem, len);

	if (i < 0)
		return -1;
	s->alone[i] = 1;
	return 0;
}

int newsidx_stemset__add_phrase(struct newsidx_stemset *s,
				const char *const *stem, const size_t *len,
				size_t n)
{
	size_t i;

	for (i = 0; i <= n; i++) {
		long id = i < n ? add_stem(s, stem[i], len[i]) : -1;

		if ((i < n && id < 0) ||
		    NEWSIDX_ARRAY_GROW(s->phrases, s->nphr, s->capphr, 16))
			return -1;
		s->phrases[s->nphr++] = id;
	}
	return 0;
}

int newsidx_stemset__has(const struct newsidx_stemset *s, const char *stem,
			 size_t len)
{
	return stem_index(s, stem, len) >= 0;
}

int newsidx_stemset__alone(const struct newsidx_stemset *s, const char *stem,
			   size_t len)
{
	long i = stem_index(s, stem, len);

	return i >= 0 && s->alone[i];
}

void newsidx_stemset__free(struct newsidx_stemset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->stems[i]);
	free(s->stems);
	free(s->alone);
	free(s->phrases);
	memset(s, 0, sizeof(*s));
}

/*
 * A word of the body.  stem is what the window counts and the marks
 * show: the index of the matched stem, or -1.  own is the word's own
 * stem in the set (or -1); joined is that of the joined form of the
 * compound the word is a part of (or -1), and compound the start of
 * that compound (or (size_t)-1).
 */
struct word {
	size_t start, end;
	long stem;
	long own, joined;
	size_t compound;
};

struct collect {
	struct newsidx_analyzer *an;
	const struct newsidx_stemset *stems;
	struct word *w;
	size_t n, cap;
	int nomem;
};

static int collect_token(void *ctx, const struct newsidx_token *tok)
{
	struct collect *c = ctx;
	const char *stem;
	size_t slen, i;
	long id;

	stem = newsidx_analyzer__stem(c->an, tok->text, tok->len, &slen);
	id = stem ? stem_index(c->stems, stem, slen) : -1;
	if (tok->flags & NEWSIDX_TOK_JOINED) {
		/* The joined form: its parts were reported just before
		 * it. */
		for (i = c->n; i > 0 && c->w[i - 1].start >= tok->start; i--) {
			c->w[i - 1].joined = id;
			c->w[i - 1].compound = tok->start;
		}
		return 0;
	}
	if (NEWSIDX_ARRAY_GROW(c->w, c->n, c->cap, 256)) {
		c->nomem = 1;
		return 1;
	}
	c->w[c->n].start = tok->start;
	c->w[c->n].end = tok->end;
	c->w[c->n].stem = -1;
	c->w[c->n].own = id;
	c->w[c->n].joined = -1;
	c->w[c->n].compound = (size_t)-1;
	c->n++;
	return 0;
}

/*
 * Whether the phrase p (stem indices ended by -1) matches the words
 * from i on; *end is then one past its last word.  A stem of the
 * phrase matches a word with that stem, or the whole of a compound
 * whose joined form has it ("highspeed" in the query, "high-speed" in
 * the text).
 */
static int phrase_at(const struct word *w, size_t n, size_t i,
		     const long *p, size_t *end)
{
	for (; *p >= 0; p++) {
		if (i < n && w[i].own == *p) {
			i++;
		} else if (i < n && w[i].joined == *p &&
			   (i == 0 || w[i - 1].compound != w[i].compound)) {
			size_t at = w[i].compound;

			while (i < n && w[i].compound == at)
				i++;
		} else {
			return 0;
		}
	}
	*end = i;
	return 1;
}

/* Decide which words are marked: those whose stem (or whose compound's
 * joined form) matches alone, and the words of each phrase match. */
static void mark_words(struct word *w, size_t n,
		       const struct newsidx_stemset *s)
{
	size_t i, j, end;
	const long *p;

	for (i = 0; i < n; i++) {
		if (w[i].own >= 0 && s->alone[w[i].own])
			w[i].stem = w[i].own;
		else if (w[i].joined >= 0 && s->alone[w[i].joined])
			w[i].stem = w[i].joined;
	}
	for (p = s->phrases; p && p < s->phrases + s->nphr; p++) {
		for (i = 0; i < n; i++) {
			if (!phrase_at(w, n, i, p, &end))
				continue;
			for (j = i; j < end; j++)
				if (w[j].stem < 0)
					w[j].stem =
					    w[j].own >= 0 ? w[j].own : w[j].joined;
		}
		while (*p >= 0)
			p++;
	}
}

/*
 * Pick the window [*ws, *we) of at most nwords words with the most
 * distinct matched stems, then the most matches, then the earliest first
 * match (news puts the point first); among those, the one that opens
 * about a fifth of a window before its first match, so the reader sees
 * some context.
 */
static void best_window(const struct word *w, size_t n, size_t nstems,
			size_t nwords, size_t *ws, size_t *we)
{
	unsigned *cnt = calloc(nstems ? nstems : 1, sizeof(*cnt));
	size_t *next = malloc((n + 1) * sizeof(*next));
	size_t s, i, last, distinct = 0, matches = 0;
	size_t best_d = 0, best_m = 0, best_gap = (size_t)-1;
	size_t best_first = (size_t)-1;
	size_t lead = nwords / 5;

	*ws = 0;
	*we = n < nwords ? n : nwords;
	if (!cnt || !next || n <= nwords) {
		free(cnt);
		free(next);
		return;
	}
	/* next[s]: the first matched word at or after s (n if none). */
	next[n] = n;
	for (i = n; i-- > 0;)
		next[i] = w[i].stem >= 0 ? i : next[i + 1];
	last = n - nwords;
	for (i = 0; i < nwords; i++)
		if (w[i].stem >= 0) {
			if (cnt[w[i].stem]++ == 0)
				distinct++;
			matches++;
		}
	for (s = 0;; s++) {
		size_t f = next[s], gap;

		gap = f >= s + lead ? f - s - lead : s + lead - f;
		if (distinct > best_d ||
		    (distinct == best_d &&
		     (matches > best_m ||
		      (matches == best_m && distinct > 0 &&
		       (f < best_first ||
			(f == best_first && gap < best_gap)))))) {
			best_d = distinct;
			best_m = matches;
			best_first = f;
			best_gap = gap;
			*ws = s;
		}
		if (s == last)
			break;
		/* Slide: word s leaves, word s + nwords enters. */
		if (w[s].stem >= 0) {
			if (--cnt[w[s].stem] == 0)
				distinct--;
			matches--;
		}
		if (w[s + nwords].stem >= 0) {
			if (cnt[w[s + nwords].stem]++ == 0)
				distinct++;
			matches++;
		}
	}
	*we = *ws + nwords;
	free(cnt);
	free(next);
}

static int is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' ||
	       c == '\v';
}

newsidx_status_t newsidx_snippet__make(struct newsidx_analyzer *an,
				       const char *body, size_t len,
				       const struct newsidx_stemset *stems,
				       unsigned nwords, char **text,
				       size_t **hl, size_t *nhl)
{
	struct collect c;
	struct newsidx_buf out = { 0 };
	size_t ws, we, i, from, to, k, nh = 0, *h = NULL;
	int rc = 0, space = 0;

	*text = NULL;
	*hl = NULL;
	*nhl = 0;
	memset(&c, 0, sizeof(c));
	c.an = an;
	c.stems = stems;
	if (newsidx_analyzer__tokenize(an, body, len, 1, collect_token, &c,
				       NULL) < 0 ||
	    c.nomem) {
		free(c.w);
		return NEWSIDX_NOMEM;
	}
	if (c.n == 0) {
		free(c.w);
		*text = newsidx_strdup("");
		return *text ? NEWSIDX_OK : NEWSIDX_NOMEM;
	}
	mark_words(c.w, c.n, stems);
	best_window(c.w, c.n, stems->n, nwords ? nwords : 30, &ws, &we);
	from = ws == 0 ? 0 : c.w[ws].start;
	to = we == c.n ? len : c.w[we - 1].end;
	/* Keep punctuation that closes the last word ("railway."). */
	while (to < len && !is_ws(body[to]) && we < c.n &&
	       to < c.w[we].start)
		to++;
	h = malloc(2 * (we - ws) * sizeof(*h) + 1);
	if (!h) {
		free(c.w);
		return NEWSIDX_NOMEM;
	}
	if (ws > 0)
		newsidx_buf__puts(&out, "\xe2\x80\xa6", &rc);
	k = ws;
	for (i = from; i < to; i++) {
		if (is_ws(body[i])) {
			space = 1;
		} else if (space) {
			if (out.len > 0)
				newsidx_buf__putc(&out, ' ', &rc);
			space = 0;
		}
		if (k < we && i == c.w[k].start && c.w[k].stem >= 0) {
			/* Merge with the previous mark when only a hyphen
			 * separates them (high-speed). */
			if (nh > 0 && h[2 * nh - 1] + 1 == out.len &&
			    out.data[out.len - 1] == '-')
				nh--;
			else
				h[2 * nh] = out.len;
		}
		if (!is_ws(body[i]))
			newsidx_buf__putc(&out, body[i], &rc);
		if (k < we && i + 1 == c.w[k].end) {
			if (c.w[k].stem >= 0) {
				h[2 * nh + 1] = out.len;
				nh++;
			}
			k++;
		}
	}
	if (we < c.n)
		newsidx_buf__puts(&out, "\xe2\x80\xa6", &rc);
	free(c.w);
	if (rc) {
		free(h);
		newsidx_buf__free(&out);
		return NEWSIDX_NOMEM;
	}
	*text = out.data ? out.data : newsidx_strdup("");
	*hl = h;
	*nhl = nh;
	return *text ? NEWSIDX_OK : NEWSIDX_NOMEM;
}
