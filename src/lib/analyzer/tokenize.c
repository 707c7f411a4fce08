/*
 * tokenize.c: the tokenizer of the analyzer: token boundaries,
 * apostrophes, hyphenated compounds, numbers, dotted acronyms and
 * handles, the normalisation of each token (NFKC, case folding, accent
 * folding), and the UTF-8 validator.  It runs over the whole corpus, so
 * the common case (ASCII words) avoids utf8proc and nothing allocates
 * per token.  The rules are written in analyzer/analyzer.h.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "analyzer/analyzer.h"
#include "analyzer/private.h"
#include "util/util.h"

#define NORM_OPTS                                                       \
	(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |         \
	 UTF8PROC_CASEFOLD)

/* ------------------------------------------------------------------ */
/* character classes                                                   */
/* ------------------------------------------------------------------ */

/*
 * Scripts written without spaces between words.  Without a dictionary
 * there is no reliable way to find their word boundaries, so each
 * ideograph, kana or letter becomes a token of its own (with any marks
 * that follow it).  That is simple and predictable: a query is split
 * the same way, and a phrase query over consecutive positions finds
 * the word.  Hangul is not here: Korean puts spaces between words.
 */
static int solo(int32_t cp)
{
	return (cp >= 0x0E00 && cp <= 0x0EFF) ||   /* Thai, Lao */
	       (cp >= 0x1000 && cp <= 0x109F) ||   /* Myanmar */
	       (cp >= 0x1780 && cp <= 0x17FF) ||   /* Khmer */
	       (cp >= 0x3005 && cp <= 0x3007) ||   /* 々 〆 〇 */
	       (cp >= 0x3040 && cp <= 0x31FF) ||   /* kana, bopomofo */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||   /* CJK extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK unified */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||   /* CJK compatibility */
	       (cp >= 0xFF66 && cp <= 0xFF9D) ||   /* half-width katakana */
	       (cp >= 0x20000 && cp <= 0x3FFFF);   /* CJK extensions B- */
}

static int uni_cls(int32_t cp)
{
	switch (cp) {
	case 0x2019: /* ’ right single quotation mark */
	case 0x02BC: /* ʼ modifier letter apostrophe */
		return C_APOS;
	case 0x2010:
	case 0x2011:
		return C_HYPHEN;
	case 0x00AD:
	case 0x200C:
	case 0x200D:
	case 0x2060:
		return C_IGNORE;
	case 0xFF9E: /* half-width voiced sound marks act as marks */
	case 0xFF9F:
		return C_MARK;
	}
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return solo(cp) ? C_SOLO : C_LETTER;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return C_MARK;
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return C_DIGIT;
	default:
		return C_SEP;
	}
}


/* ------------------------------------------------------------------ */
/* normalisation                                                       */
/* ------------------------------------------------------------------ */

/* Letters of the Latin, Greek and Cyrillic blocks (accent folding). */
static int lgc_letter(int32_t c)
{
	int cat;

	if (!(c < 0x0530 || (c >= 0x1C80 && c < 0x1C90) ||
	      (c >= 0x1D00 && c < 0x2000) || (c >= 0x2C60 && c < 0x2C80) ||
	      (c >= 0xA640 && c < 0xA6A0) || (c >= 0xA720 && c < 0xA800) ||
	      (c >= 0xAB30 && c < 0xAB70)))
		return 0;
	cat = utf8proc_category(c);
	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/* The base of a letter that decomposes into it plus nonspacing marks. */
static int32_t base_letter(int32_t c)
{
	utf8proc_int32_t d[8];
	utf8proc_ssize_t n, k;
	int bc = 0;

	if (c < 0x80)
		return c;
	n = utf8proc_decompose_char(c, d, 8, UTF8PROC_DECOMPOSE, &bc);
	if (n < 2 || n > 8)
		return c;
	for (k = 1; k < n; k++)
		if (utf8proc_category(d[k]) != UTF8PROC_CATEGORY_MN)
			return c;
	return d[0];
}

/*
 * Accent folding and UTF-8 encoding of NFKC-casefolded code points into
 * a->tok.  Latin, Greek and Cyrillic letters lose their nonspacing
 * marks, both those of a precomposed letter and any left over after
 * composition (the dot that case folding leaves on Turkish İ).  Other
 * scripts keep their marks: there they are vowel signs and the like.
 * Cyrillic й keeps its breve because it is a letter of its own that the
 * Russian stemmer's suffixes depend on ("новый").
 * Returns 0, or 1 when the result is too long to be a token.
 */
static int fold(struct newsidx_analyzer *a, const utf8proc_int32_t *cp,
		size_t m, size_t *outlen)
{
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t e;
	size_t o = 0, k;
	int strip = 0;

	for (k = 0; k < m; k++) {
		int32_t c = cp[k];

		if (strip && c >= 0x300 &&
		    utf8proc_category(c) == UTF8PROC_CATEGORY_MN)
			continue;
		strip = 0;
		if (lgc_letter(c)) {
			if (c != 0x0439)
				c = base_letter(c);
			strip = 1;
		}
		e = utf8proc_encode_char(c, enc);
		if (e <= 0 || o + (size_t)e > TOK_MAX)
			return 1;
		memcpy(a->tok + o, enc, (size_t)e);
		o += (size_t)e;
	}
	*outlen = o;
	return 0;
}

/*
 * NFKC with case folding, then accent folding, of n bytes of valid UTF-8
 * in a->raw.  Decomposition goes into a reused code point buffer rather
 * than through utf8proc_map(), which would allocate for every token.
 * Returns 0, 1 if the token is to be skipped, -1 when out of memory.
 */
static int unicode(struct newsidx_analyzer *a, size_t n, size_t *outlen)
{
	const utf8proc_uint8_t *src = (const utf8proc_uint8_t *)a->raw;
	utf8proc_ssize_t m;

	m = utf8proc_decompose(src, (utf8proc_ssize_t)n, a->cp,
			       (utf8proc_ssize_t)a->cpcap, NORM_OPTS);
	if (m < 0)
		return 1;
	if ((size_t)m > a->cpcap) {
		size_t cap = (size_t)m + 64;
		utf8proc_int32_t *p = realloc(a->cp, cap * sizeof *p);

		if (!p)
			return -1;
		a->cp = p;
		a->cpcap = cap;
		m = utf8proc_decompose(src, (utf8proc_ssize_t)n, a->cp,
				       (utf8proc_ssize_t)a->cpcap, NORM_OPTS);
		if (m < 0 || (size_t)m > a->cpcap)
			return 1;
	}
	m = utf8proc_normalize_utf32(a->cp, m, NORM_OPTS);
	if (m < 0)
		return 1;
	return fold(a, a->cp, (size_t)m, outlen);
}

/* ------------------------------------------------------------------ */
/* the tokenizer                                                       */
/* ------------------------------------------------------------------ */

struct scan {
	struct newsidx_analyzer *a;
	const unsigned char *s;
	size_t len;
	unsigned pos;
	newsidx_token_fn fn;
	void *ctx;
	size_t word_end; /* where the last word ended: no handle there */
};

struct ch {
	int32_t cp;
	size_t n; /* bytes; 0 at the end of the text */
	int cls;
};

/* One word, number or acronym, as collected into a->raw. */
struct seg {
	size_t start;
	size_t end;
	size_t n;     /* bytes in a->raw */
	int over;     /* too long: skip it */
	int ascii;    /* a->raw is all ASCII: take the fast path */
	int letters;  /* it has a letter */
	unsigned flags;
};

/* Decode the character at i.  An invalid byte is a one-byte separator. */
static void peek(const struct scan *sc, size_t i, struct ch *c)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	size_t left;

	if (i >= sc->len) {
		c->cp = -1;
		c->n = 0;
		c->cls = C_SEP;
		return;
	}
	if (sc->s[i] < 0x80) {
		c->cp = sc->s[i];
		c->n = 1;
		c->cls = sc->a->acls[sc->s[i]];
		return;
	}
	left = sc->len - i;
	n = utf8proc_iterate(sc->s + i, left < 4 ? (utf8proc_ssize_t)left : 4,
			     &cp);
	if (n <= 0) {
		c->cp = -1;
		c->n = 1;
		c->cls = C_SEP;
		return;
	}
	c->cp = cp;
	c->n = (size_t)n;
	c->cls = uni_cls(cp);
}

static int cls_at(const struct scan *sc, size_t i)
{
	struct ch c;

	peek(sc, i, &c);
	return c.cls;
}

static void seg_init(struct seg *g, size_t start)
{
	g->start = start;
	g->end = start;
	g->n = 0;
	g->over = 0;
	g->ascii = 1;
	g->letters = 0;
	g->flags = 0;
}

static void put(struct newsidx_analyzer *a, struct seg *g, const void *p,
		size_t n)
{
	if (g->over || g->n + n > RAW_MAX) {
		g->over = 1;
		return;
	}
	memcpy(a->raw + g->n, p, n);
	g->n += n;
	if (*(const unsigned char *)p >= 0x80)
		g->ascii = 0;
}

/*
 * A dotted acronym at i: single letters (each possibly with marks)
 * separated by dots, at least two of them, with an optional final dot
 * that belongs to the token.  "U.S.Army" gives "U.S." and leaves
 * "Army"; "U.Sa" is no acronym.  Returns 1 and fills g if found.
 */
static int acronym(const struct scan *sc, size_t i, struct seg *g)
{
	struct ch c;
	size_t j = i, k, end = i;
	int n = 0, cls;

	for (;;) {
		peek(sc, j, &c);
		if (c.cls != C_LETTER)
			break;
		for (k = j + c.n; cls_at(sc, k) == C_MARK;) {
			struct ch m;

			peek(sc, k, &m);
			k += m.n;
		}
		cls = cls_at(sc, k);
		if (cls == C_LETTER || cls == C_DIGIT || cls == C_SOLO)
			break; /* more than one letter: a word */
		n++;
		end = k;
		if (cls != C_DOT)
			break;
		end = k + 1;
		j = k + 1;
	}
	if (n < 2)
		return 0;
	for (j = i; j < end; j += c.n) {
		peek(sc, j, &c);
		if (c.cls != C_DOT)
			put(sc->a, g, sc->s + j, c.n);
	}
	g->end = end;
	g->letters = 1;
	g->flags = NEWSIDX_TOK_ACRONYM;
	return 1;
}

/*
 * A plain word at i: letters, digits and marks, with joining apostrophes
 * and, outside handles, the '.' and ',' of numbers.  In a handle the
 * underscore is a word character ("@narendra_modi").
 */
static void plain(const struct scan *sc, size_t i, int handle, struct seg *g)
{
	struct newsidx_analyzer *a = sc->a;
	struct ch c;
	int last = C_SEP, next;
	size_t j = i;

	for (;; j += c.n) {
		size_t k = j;

		/* Most text is ASCII words: take a run of them at once. */
		while (k < sc->len && sc->s[k] < 0x80) {
			int kc = a->acls[sc->s[k]];

			if (kc != C_LETTER && kc != C_DIGIT)
				break;
			if (kc == C_LETTER)
				g->letters = 1;
			last = kc;
			k++;
		}
		if (k > j) {
			put(a, g, sc->s + j, k - j);
			j = k;
		}
		peek(sc, j, &c);
		switch (c.cls) {
		case C_LETTER:
			g->letters = 1;
			/* fall through */
		case C_DIGIT:
			last = c.cls;
			/* fall through */
		case C_MARK:
			put(a, g, sc->s + j, c.n);
			continue;
		case C_APOS:
			if (last == C_LETTER &&
			    cls_at(sc, j + c.n) == C_LETTER) {
				put(a, g, "'", 1);
				continue;
			}
			break;
		case C_DOT:
		case C_COMMA:
			if (!handle && last == C_DIGIT &&
			    cls_at(sc, j + 1) == C_DIGIT) {
				if (c.cls == C_DOT)
					put(a, g, ".", 1);
				continue;
			}
			break;
		case C_UNDER:
			next = cls_at(sc, j + 1);
			if (handle && (next == C_LETTER || next == C_DIGIT)) {
				put(a, g, "_", 1);
				continue;
			}
			break;
		case C_IGNORE:
			/* Invisible inside a word, so it is dropped. */
			next = cls_at(sc, j + c.n);
			if (next == C_LETTER || next == C_DIGIT ||
			    next == C_MARK)
				continue;
			break;
		}
		break;
	}
	g->end = j;
}

/*
 * Normalise g into a->tok: ASCII is lower-cased directly, anything else
 * goes through utf8proc.  A final "'s" (or apostrophe) is removed so that
 * possessives meet their base word.  Returns 0 with the length in *outlen,
 * 1 if the token is to be skipped, -1 when out of memory.
 */
static int normalise(struct newsidx_analyzer *a, const struct seg *g,
		     size_t *outlen)
{
	size_t n, k;
	int rc;

	if (g->over || g->n == 0)
		return 1;
	if (g->ascii) {
		if (g->n > TOK_MAX)
			return 1;
		for (k = 0; k < g->n; k++) {
			char c = a->raw[k];

			a->tok[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		n = g->n;
	} else {
		rc = unicode(a, g->n, &n);
		if (rc)
			return rc;
	}
	if (n >= 2 && a->tok[n - 2] == '\'' && a->tok[n - 1] == 's')
		n -= 2;
	else if (n >= 1 && a->tok[n - 1] == '\'')
		n--;
	if (n == 0 || n > NEWSIDX_MAX_TOKEN)
		return 1;
	a->tok[n] = '\0';
	*outlen = n;
	return 0;
}

static int deliver(struct scan *sc, const char *text, size_t len,
		   size_t start, size_t end, unsigned pos, unsigned flags)
{
	struct newsidx_token t;

	if (!sc->fn)
		return 0;
	t.text = text;
	t.len = len;
	t.start = start;
	t.end = end;
	t.pos = pos;
	t.flags = flags | (newsidx_analyzer__is_number(text, len) ? NEWSIDX_TOK_NUMBER : 0);
	return sc->fn(sc->ctx, &t);
}

/*
 * Normalise and deliver g at the next position.  *outlen receives the
 * normalised length, 0 if the token was skipped (it then takes no
 * position).
 */
static int emit(struct scan *sc, const struct seg *g, unsigned flags,
		size_t *outlen)
{
	size_t n;
	int rc;

	*outlen = 0;
	rc = normalise(sc->a, g, &n);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return 0;
	*outlen = n;
	return deliver(sc, sc->a->tok, n, g->start, g->end, sc->pos++,
		       g->flags | flags);
}

/* A word, number or acronym at i. */
static void segment(const struct scan *sc, size_t i, struct seg *g)
{
	seg_init(g, i);
	if (cls_at(sc, i) == C_LETTER && acronym(sc, i, g))
		return;
	plain(sc, i, 0, g);
}

/*
 * A word at i, or a hyphenated compound: its parts at consecutive
 * positions, then the joined form at the position of the first part.
 * The joined form needs every part to have become a token and must
 * itself fit.  A hyphen after an acronym's final dot ("U.S.-Japan")
 * also joins: the dot belongs to the acronym token.
 */
static int word(struct scan *sc, size_t i, size_t *next)
{
	struct newsidx_analyzer *a = sc->a;
	struct seg g;
	struct ch c;
	unsigned first = sc->pos;
	size_t start = i, jlen = 0, n;
	int parts = 0, whole = 1, more, rc;

	for (;;) {
		segment(sc, i, &g);
		peek(sc, g.end, &c);
		more = 0;
		if (c.cls == C_HYPHEN) {
			int d = cls_at(sc, g.end + c.n);

			more = d == C_LETTER || d == C_DIGIT;
		}
		if (more || parts) {
			parts++;
			rc = emit(sc, &g, NEWSIDX_TOK_PART, &n);
			if (n == 0 || jlen + n > NEWSIDX_MAX_TOKEN) {
				whole = 0;
			} else {
				memcpy(a->join + jlen, a->tok, n);
				jlen += n;
			}
		} else {
			rc = emit(sc, &g, 0, &n);
		}
		if (rc)
			return rc;
		if (!more)
			break;
		i = g.end + c.n;
	}
	*next = g.end;
	sc->word_end = g.end;
	if (parts < 2 || !whole)
		return 0;
	a->join[jlen] = '\0';
	return deliver(sc, a->join, jlen, start, g.end, first,
		       NEWSIDX_TOK_JOINED);
}

/* One character of a script without spaces, with its marks. */
static int solo_token(struct scan *sc, size_t i, size_t *next)
{
	struct seg g;
	struct ch c;
	size_t j, n;

	seg_init(&g, i);
	peek(sc, i, &c);
	put(sc->a, &g, sc->s + i, c.n);
	for (j = i + c.n; peek(sc, j, &c), c.cls == C_MARK; j += c.n)
		put(sc->a, &g, sc->s + j, c.n);
	g.end = j;
	*next = j;
	return emit(sc, &g, 0, &n);
}

/*
 * "@handle" or "#tag": the sigil must not follow a word ("a@b.com",
 * "C#") and the name must contain a letter ("#1" is a number).  The
 * token's byte range includes the sigil.
 */
static int handle(struct scan *sc, size_t i, size_t *next)
{
	struct seg g;
	size_t n;
	int c;

	*next = i + 1;
	c = cls_at(sc, i + 1);
	if (i == sc->word_end || (c != C_LETTER && c != C_DIGIT))
		return 0;
	seg_init(&g, i);
	plain(sc, i + 1, 1, &g);
	if (!g.letters)
		return 0;
	*next = g.end;
	sc->word_end = g.end;
	return emit(sc, &g, NEWSIDX_TOK_HANDLE, &n);
}

int newsidx_analyzer__tokenize(struct newsidx_analyzer *a, const char *text,
			       size_t len, unsigned first_pos,
			       newsidx_token_fn fn, void *ctx,
			       unsigned *next_pos)
{
	struct scan sc;
	struct ch c;
	size_t i = 0;
	int rc = 0;

	sc.a = a;
	sc.s = (const unsigned char *)text;
	sc.len = text ? len : 0;
	sc.pos = first_pos;
	sc.fn = fn;
	sc.ctx = ctx;
	sc.word_end = SIZE_MAX;
	while (i < sc.len && rc == 0) {
		peek(&sc, i, &c);
		switch (c.cls) {
		case C_LETTER:
		case C_DIGIT:
			rc = word(&sc, i, &i);
			break;
		case C_SOLO:
			rc = solo_token(&sc, i, &i);
			break;
		case C_SIGIL:
			rc = handle(&sc, i, &i);
			break;
		default:
			i += c.n;
			break;
		}
	}
	if (next_pos)
		*next_pos = sc.pos;
	return rc;
}

/* ------------------------------------------------------------------ */
/* UTF-8 validation                                                    */
/* ------------------------------------------------------------------ */

/*
 * The length of the well-formed sequence at s (avail bytes left), or 0.
 * The ranges of the second byte rule out overlong forms (C0, C1, E0 80-9F,
 * F0 80-8F), surrogates (ED A0-BF) and code points above U+10FFFF.
 */
static size_t seqlen(const unsigned char *s, size_t avail)
{
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	size_t n, k;

	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < n; k++)
		if ((s[k] & 0xC0) != 0x80)
			return 0;
	return n;
}

/*
 * The offset reported is that of the first byte that does not begin a
 * well-formed character: the lead byte of a truncated or overlong
 * sequence, or a stray continuation byte.
 */
int newsidx_utf8__valid(const char *text, size_t len, size_t *bad_offset)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, n;
	uint64_t w;

	while (i < len) {
		/* News text is mostly ASCII: skip it eight bytes at once. */
		while (i + 8 <= len) {
			memcpy(&w, s + i, 8);
			if (w & UINT64_C(0x8080808080808080))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		n = seqlen(s + i, len - i);
		if (n == 0) {
			if (bad_offset)
				*bad_offset = i;
			return 0;
		}
		i += n;
	}
	return 1;
}
