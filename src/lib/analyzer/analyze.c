/*
 * analyze.c: the analyzer, which decides what a word is.
 *
 * It owns the tokenizer (token boundaries, apostrophes, hyphenated
 * compounds, numbers, dotted acronyms, handles), the normalisation of
 * each token (NFKC, case folding, accent folding), the Snowball stemmer
 * with its cache, the stopword lists and the UTF-8 validator.  Indexing,
 * query parsing and snippets all go through here, so a word reduces to
 * the same term wherever it is seen.  The tokenizer runs over the whole
 * corpus, so the common case (ASCII words) avoids utf8proc and nothing
 * allocates per token: all scratch space lives in the analyzer.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "analyzer/analyzer.h"
#include "util/util.h"

/*
 * Raw bytes collected for one token before normalisation.  Normalising
 * rarely shrinks text (a decomposed "e" plus accent becomes one byte), so
 * a run longer than this cannot become a token of NEWSIDX_MAX_TOKEN
 * bytes in practice; such runs are skipped without normalising them,
 * which bounds the work spent on junk such as base64 blobs.
 */
#define RAW_MAX (4 * NEWSIDX_MAX_TOKEN)

/* A normalised token may carry a final "'s" that is removed afterwards. */
#define TOK_MAX (NEWSIDX_MAX_TOKEN + 2)

/*
 * The stem cache: open addressing with linear probing.  The load factor
 * stays at or below 1/2; when the entry limit or the string arena is
 * reached the whole cache is cleared, which is cheaper and simpler than
 * eviction and costs little because news vocabulary is Zipfian.
 */
#define CACHE_SLOTS (1u << 17)
#define CACHE_MAX (1u << 16)
#define ARENA_SIZE (1u << 21)

#define NORM_OPTS                                                       \
	(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |         \
	 UTF8PROC_CASEFOLD)

/* Character classes seen by the tokenizer. */
enum cls {
	C_SEP,    /* separator; also invalid bytes and the end of the text */
	C_LETTER, /* L*, except letters of scripts without spaces */
	C_DIGIT,  /* N* */
	C_MARK,   /* M*: continues a token, never starts one */
	C_SOLO,   /* CJK ideograph, kana, Thai...: a token on its own */
	C_APOS,   /* ' U+2019 U+02BC */
	C_HYPHEN, /* - U+2010 U+2011; en and em dashes are separators */
	C_DOT,
	C_COMMA,
	C_SIGIL,  /* @ # */
	C_UNDER,  /* _, a word character inside handles only */
	C_IGNORE  /* soft hyphen, ZWNJ, ZWJ, word joiner: invisible */
};

struct slot {
	uint32_t hash;
	uint32_t off; /* into the arena; 0 marks an empty slot */
};

struct newsidx_analyzer {
	struct sb_stemmer *stemmer; /* NULL for "none" */
	const char *name;
	const char *const *stops; /* sorted, or NULL */
	size_t nstops;

	unsigned char acls[128]; /* enum cls of each ASCII byte */
	char raw[RAW_MAX];       /* the token's bytes as collected */
	char tok[TOK_MAX + 1];   /* the normalised token */
	char join[NEWSIDX_MAX_TOKEN + 1]; /* the joined compound */
	utf8proc_int32_t *cp;    /* code points during normalisation */
	size_t cpcap;

	struct slot *slots; /* stem cache, allocated on first use */
	unsigned char *arena;
	size_t used;
	size_t count;
	int nocache; /* allocating the cache failed: do without */

	char *copy; /* words that stem() returns unchanged */
	size_t copycap;
	int fold; /* English: fold British spellings before stemming */
};

#include "fold_table.h"

static int foldcmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct fold_pair *)elem)->from);
}

/* The American spelling of a British word form, or NULL. */
static const char *fold_word(const char *word, size_t len)
{
	const struct fold_pair *p;
	char buf[40];

	if (len < 4 || len >= sizeof(buf))
		return NULL;
	memcpy(buf, word, len);
	buf[len] = '\0';
	p = bsearch(buf, fold_table, sizeof(fold_table) / sizeof(fold_table[0]),
		    sizeof(fold_table[0]), foldcmp);
	return p ? p->to : NULL;
}

/* ------------------------------------------------------------------ */
/* languages and stopwords                                             */
/* ------------------------------------------------------------------ */

/* ISO 639-1 codes of the languages libstemmer knows. */
static const struct {
	const char *code;
	const char *algo;
} langs[] = {
	{ "ar", "arabic" },     { "ca", "catalan" },    { "da", "danish" },
	{ "de", "german" },     { "el", "greek" },      { "en", "english" },
	{ "es", "spanish" },    { "eu", "basque" },     { "fi", "finnish" },
	{ "fr", "french" },     { "ga", "irish" },      { "hi", "hindi" },
	{ "hu", "hungarian" },  { "hy", "armenian" },   { "id", "indonesian" },
	{ "it", "italian" },    { "lt", "lithuanian" }, { "nb", "norwegian" },
	{ "ne", "nepali" },     { "nl", "dutch" },      { "no", "norwegian" },
	{ "pt", "portuguese" }, { "ro", "romanian" },   { "ru", "russian" },
	{ "sr", "serbian" },    { "sv", "swedish" },    { "ta", "tamil" },
	{ "tr", "turkish" },    { "yi", "yiddish" },
};

/*
 * English function words, sorted for bsearch.  "us", "who" and "may"
 * are left out on purpose: they collide with U.S., WHO and the month,
 * all frequent in news.
 */
static const char *const english_stops[] = {
	"a", "about", "above", "after", "again", "against", "all", "also",
	"am", "an", "and", "any", "are", "as", "at", "be", "because", "been",
	"before", "being", "below", "between", "both", "but", "by", "can",
	"could", "did", "do", "does", "doing", "down", "during", "each",
	"either", "every", "few", "for", "from", "further", "had", "has",
	"have", "having", "he", "her", "here", "hers", "herself", "him",
	"himself", "his", "how", "however", "i", "if", "in", "into", "is",
	"it", "its", "itself", "just", "me", "might", "more", "most", "much",
	"must", "my", "myself", "neither", "no", "nor", "not", "now", "of",
	"off", "on", "once", "only", "or", "other", "ought", "our", "ours",
	"ourselves", "out", "over", "own", "same", "shall", "she", "should",
	"so", "some", "such", "than", "that", "the", "their", "theirs",
	"them", "themselves", "then", "there", "these", "they", "this",
	"those", "though", "through", "thus", "to", "too", "under", "until",
	"up", "upon", "very", "was", "we", "were", "what", "when", "where",
	"whether", "which", "while", "whom", "whose", "why", "will", "with",
	"within", "without", "would", "yet", "you", "your", "yours",
	"yourself", "yourselves",
};

/*
 * Resolve a language to a libstemmer algorithm name from
 * sb_stemmer_list() (a static string), or "" for "none".  Matching is
 * case-insensitive and a region subtag is ignored ("en-GB", "pt_BR"),
 * because that is how language tags arrive in feeds.
 */
static const char *resolve(const char *lang)
{
	const char **list;
	const char *algo;
	char buf[32];
	size_t i, n;

	if (!lang || !*lang)
		lang = "english";
	n = strlen(lang);
	if (n >= sizeof buf)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = lang[i];

		if (c == '-' || c == '_')
			break;
		buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	buf[i] = '\0';
	if (strcmp(buf, "none") == 0)
		return "";
	algo = buf;
	for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		if (strcmp(buf, langs[i].code) == 0) {
			algo = langs[i].algo;
			break;
		}
	}
	/* Only names the installed libstemmer really has are accepted. */
	for (list = sb_stemmer_list(); *list; list++)
		if (strcmp(*list, algo) == 0)
			return *list;
	return NULL;
}

static int ascii_cls(unsigned c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return C_LETTER;
	if (c >= '0' && c <= '9')
		return C_DIGIT;
	switch (c) {
	case '\'':
		return C_APOS;
	case '-':
		return C_HYPHEN;
	case '.':
		return C_DOT;
	case ',':
		return C_COMMA;
	case '@':
	case '#':
		return C_SIGIL;
	case '_':
		return C_UNDER;
	}
	return C_SEP;
}

newsidx_status_t newsidx_analyzer__new(struct newsidx_analyzer **out,
				       const char *lang)
{
	struct newsidx_analyzer *a;
	const char *algo;
	unsigned c;

	if (!out)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	algo = resolve(lang);
	if (!algo)
		return NEWSIDX_INVALID_ARGUMENT;
	a = calloc(1, sizeof *a);
	if (!a)
		return NEWSIDX_NOMEM;
	if (*algo) {
		/* The name was validated, so NULL can only mean memory. */
		a->stemmer = sb_stemmer_new(algo, "UTF_8");
		if (!a->stemmer) {
			free(a);
			return NEWSIDX_NOMEM;
		}
		a->name = algo;
	} else {
		a->name = "none";
	}
	if (strcmp(a->name, "english") == 0 ||
	    strcmp(a->name, "porter") == 0) {
		a->stops = english_stops;
		a->nstops = sizeof english_stops / sizeof english_stops[0];
		a->fold = 1;
	}
	for (c = 0; c < 128; c++)
		a->acls[c] = (unsigned char)ascii_cls(c);
	*out = a;
	return NEWSIDX_OK;
}

void newsidx_analyzer__free(struct newsidx_analyzer *a)
{
	if (!a)
		return;
	if (a->stemmer)
		sb_stemmer_delete(a->stemmer);
	free(a->cp);
	free(a->slots);
	free(a->arena);
	free(a->copy);
	free(a);
}

const char *newsidx_analyzer__stemmer_name(const struct newsidx_analyzer *a)
{
	return a->name;
}

static int stopcmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

int newsidx_analyzer__is_stopword(const struct newsidx_analyzer *a,
				  const char *word, size_t len)
{
	char buf[16];

	/* No stopword is longer than 15 bytes; this also NUL-terminates. */
	if (!a->stops || len == 0 || len >= sizeof buf)
		return 0;
	memcpy(buf, word, len);
	buf[len] = '\0';
	if (strlen(buf) != len)
		return 0;
	return bsearch(buf, a->stops, a->nstops, sizeof a->stops[0],
		       stopcmp) != NULL;
}

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

/* 1 if the first code point of a UTF-8 word is a number (N*). */
static int is_number(const char *word, size_t len)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	int cat;

	if (len == 0)
		return 0;
	if ((unsigned char)word[0] < 0x80)
		return word[0] >= '0' && word[0] <= '9';
	n = utf8proc_iterate((const utf8proc_uint8_t *)word,
			     len < 4 ? (utf8proc_ssize_t)len : 4, &cp);
	if (n <= 0)
		return 0;
	cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL ||
	       cat == UTF8PROC_CATEGORY_NO;
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
	t.flags = flags | (is_number(text, len) ? NEWSIDX_TOK_NUMBER : 0);
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
/* stemming                                                            */
/* ------------------------------------------------------------------ */

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)

/* A copy of word in analyzer memory, for words that stay unchanged. */
static const char *same(struct newsidx_analyzer *a, const char *word,
			size_t len, size_t *outlen)
{
	if (len + 1 > a->copycap) {
		size_t cap = (len + 64) & ~(size_t)63;
		char *p = realloc(a->copy, cap);

		if (!p)
			return NULL;
		a->copy = p;
		a->copycap = cap;
	}
	if (len)
		memmove(a->copy, word, len);
	a->copy[len] = '\0';
	if (outlen)
		*outlen = len;
	return a->copy;
}

static void cache_clear(struct newsidx_analyzer *a)
{
	memset(a->slots, 0, CACHE_SLOTS * sizeof *a->slots);
	a->used = 1; /* offset 0 means "empty slot" */
	a->count = 0;
}

static int cache_ready(struct newsidx_analyzer *a)
{
	if (a->slots)
		return 1;
	if (a->nocache)
		return 0;
	a->slots = malloc(CACHE_SLOTS * sizeof *a->slots);
	a->arena = malloc(ARENA_SIZE);
	if (!a->slots || !a->arena) {
		/* Stemming still works, only slower. */
		free(a->slots);
		free(a->arena);
		a->slots = NULL;
		a->arena = NULL;
		a->nocache = 1;
		return 0;
	}
	cache_clear(a);
	return 1;
}

/*
 * Arena entries are: word length, stem length (one byte each), the word,
 * NUL, the stem, NUL.  Returns the cached stem.
 */
static const char *cache_put(struct newsidx_analyzer *a, uint32_t h,
			     size_t idx, const char *word, size_t len,
			     const char *stem, size_t slen)
{
	size_t need = 2 + len + 1 + slen + 1;
	uintptr_t w = (uintptr_t)word, lo = (uintptr_t)a->arena;
	unsigned char *e;

	if (a->count >= CACHE_MAX || a->used + need > ARENA_SIZE) {
		/* Clearing would overwrite a word that lives in the arena. */
		if (w >= lo && w < lo + ARENA_SIZE)
			return stem;
		cache_clear(a);
		idx = h & (CACHE_SLOTS - 1);
	}
	e = a->arena + a->used;
	e[0] = (unsigned char)len;
	e[1] = (unsigned char)slen;
	memcpy(e + 2, word, len);
	e[2 + len] = '\0';
	memcpy(e + 3 + len, stem, slen);
	e[3 + len + slen] = '\0';
	while (a->slots[idx].off)
		idx = (idx + 1) & (CACHE_SLOTS - 1);
	a->slots[idx].hash = h;
	a->slots[idx].off = (uint32_t)a->used;
	a->used += need;
	a->count++;
	return (const char *)e + 3 + len;
}

/*
 * Words starting with a number are returned as they are.  An acronym
 * cannot be told from a plain word here ("us"), so skipping the stemmer
 * for NEWSIDX_TOK_ACRONYM tokens is up to the caller; the stems of the
 * short words acronyms make are mostly the words themselves anyway.
 */
const char *newsidx_analyzer__stem(struct newsidx_analyzer *a,
				   const char *word, size_t len,
				   size_t *outlen)
{
	const sb_symbol *r;
	const char *key;
	uint32_t h = 0;
	uint64_t h64;
	size_t idx = 0, slen, klen;
	int cached;

	if (!a->stemmer || len == 0 || len > INT_MAX || is_number(word, len))
		return same(a, word, len, outlen);
	/* The cache is keyed by the word as given: a word found there
	 * costs no spelling lookup either. */
	cached = len <= 255 && cache_ready(a);
	if (cached) {
		h64 = fnv1a(FNV_OFFSET, word, len);
		h = (uint32_t)(h64 ^ (h64 >> 32));
		for (idx = h & (CACHE_SLOTS - 1); a->slots[idx].off;
		     idx = (idx + 1) & (CACHE_SLOTS - 1)) {
			const unsigned char *e = a->arena + a->slots[idx].off;

			if (a->slots[idx].hash == h && e[0] == len &&
			    memcmp(e + 2, word, len) == 0) {
				if (outlen)
					*outlen = e[1];
				return (const char *)e + 3 + len;
			}
		}
	}
	key = word;
	klen = len;
	if (a->fold) {
		/* defence and defense, colour and color: one stem. */
		const char *f = fold_word(word, len);

		if (f) {
			word = f;
			len = strlen(f);
		}
	}
	r = sb_stemmer_stem(a->stemmer, (const sb_symbol *)word, (int)len);
	if (!r)
		return NULL;
	slen = (size_t)sb_stemmer_length(a->stemmer);
	if (outlen)
		*outlen = slen;
	if (!cached || slen > 255)
		return (const char *)r;
	return cache_put(a, h, idx, key, klen, (const char *)r, slen);
}

/*
 * Probe words for the fingerprint, in normalised form.  Most exercise
 * the English rules (step 1a to 5, exceptions, y handling); the rest
 * catch changes in other common algorithms.
 */
static const char *const probes[] = {
	"generously", "connection", "relational", "running", "agreed",
	"countries", "hopefulness", "railways", "conditional", "rationalize",
	"digitizer", "operator", "feudalism", "decisiveness", "sensitivity",
	"triplicate", "formative", "electrical", "adjustable", "controlling",
	"cease", "dying", "news", "gently", "succeeded", "proceeding",
	"inning", "herring", "communism", "generate", "skis", "andes",
	"o'neill", "nationalement", "gesellschaften", "universidades",
	"kaupungeissa", "университетах", "πολιτικες", "सरकारों",
};

void newsidx_analyzer__fingerprint(struct newsidx_analyzer *a, char *buf,
				   size_t size)
{
	uint64_t h = FNV_OFFSET;
	const char *s;
	size_t i, n;

	if (!buf || size == 0)
		return;
	/* The name matters too: an index must not mix algorithms. */
	h = fnv1a(h, a->name, strlen(a->name) + 1);
	for (i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		s = newsidx_analyzer__stem(a, probes[i], strlen(probes[i]),
					   &n);
		if (!s) {
			/* Out of memory: an empty string never matches. */
			buf[0] = '\0';
			return;
		}
		/* The NUL keeps "ab"+"c" apart from "a"+"bc". */
		h = fnv1a(h, s, n);
		h = fnv1a(h, "", 1);
	}
	snprintf(buf, size, "%016" PRIx64, h);
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
