/*
 * test_analyze.c: unit tests of analyzer/ (analyze.c, tokenize.c and
 * stem.c): the tokenizer, normaliser, stemmer and UTF-8 validator.
 *
 * Most tests are tables run as Check loop tests, one row per loop
 * iteration, so a failure names the row.  Token lists are compared as
 * one string of "text@pos:FLAGS" items, which shows the whole difference
 * at once when a rule changes.  Every token delivered in any test is also
 * checked for the invariants the contract promises (NUL-terminated text
 * of the stated length, byte range inside the input).
 */
#include <check.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/analyzer.h"
#include "ingest/parsers.h"
#include "store/schema.h"
#include "query/query.h"

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

struct collect {
	const char *text; /* the input, for the invariants */
	size_t len;
	char out[4096];   /* "text@pos:FLAGS ..." */
	char spans[4096]; /* the input bytes of each token, '|'-separated */
	size_t n;         /* bytes in out */
	size_t ns;        /* bytes in spans */
	int count;
	int stop_after;   /* return 7 after this many tokens, if > 0 */
};

static void append(char *buf, size_t *n, size_t cap, const char *s,
		   size_t len)
{
	ck_assert_msg(*n + len + 1 < cap, "test buffer too small");
	memcpy(buf + *n, s, len);
	*n += len;
	buf[*n] = '\0';
}

static int collect_fn(void *ctx, const struct newsidx_token *t)
{
	struct collect *c = ctx;
	char item[256];
	int k;

	ck_assert_ptr_nonnull(t->text);
	ck_assert_uint_eq(strlen(t->text), t->len);
	ck_assert_uint_gt(t->len, 0);
	ck_assert_uint_le(t->len, NEWSIDX_MAX_TOKEN);
	ck_assert_uint_lt(t->start, t->end);
	ck_assert_uint_le(t->end, c->len);
	/* A part is never also the joined form. */
	ck_assert(!((t->flags & NEWSIDX_TOK_PART) &&
		    (t->flags & NEWSIDX_TOK_JOINED)));

	k = snprintf(item, sizeof item, "%s%s@%u", c->count ? " " : "",
		     t->text, t->pos);
	ck_assert(k > 0 && (size_t)k < sizeof item);
	append(c->out, &c->n, sizeof c->out, item, (size_t)k);
	if (t->flags) {
		k = snprintf(item, sizeof item, ":%s%s%s%s%s",
			     t->flags & NEWSIDX_TOK_PART ? "P" : "",
			     t->flags & NEWSIDX_TOK_JOINED ? "J" : "",
			     t->flags & NEWSIDX_TOK_NUMBER ? "N" : "",
			     t->flags & NEWSIDX_TOK_ACRONYM ? "A" : "",
			     t->flags & NEWSIDX_TOK_HANDLE ? "H" : "");
		append(c->out, &c->n, sizeof c->out, item, (size_t)k);
	}
	if (c->count)
		append(c->spans, &c->ns, sizeof c->spans, "|", 1);
	append(c->spans, &c->ns, sizeof c->spans, c->text + t->start,
	       t->end - t->start);
	c->count++;
	if (c->stop_after > 0 && c->count == c->stop_after)
		return 7;
	return 0;
}

static struct newsidx_analyzer *analyzer(const char *lang)
{
	struct newsidx_analyzer *a = NULL;

	ck_assert_int_eq(newsidx_analyzer__new(&a, lang), NEWSIDX_OK);
	ck_assert_ptr_nonnull(a);
	return a;
}

/* Tokenize text from position 0 into c; returns tokenize's result. */
static int run(struct newsidx_analyzer *a, const char *text, size_t len,
	       struct collect *c, unsigned *next)
{
	memset(c, 0, sizeof *c);
	c->text = text;
	c->len = len;
	return newsidx_analyzer__tokenize(a, text, len, 0, collect_fn, c,
					  next);
}

/* ------------------------------------------------------------------ */
/* tokens: text, positions and flags                                   */
/* ------------------------------------------------------------------ */

/* Flags: P part, J joined, N number, A acronym, H handle. */
static const struct {
	const char *lang;
	const char *in;
	const char *want;
} tok_cases[] = {
	/* ASCII */
	{ "en", "The quick brown fox", "the@0 quick@1 brown@2 fox@3" },
	{ "en", "Hello, World! (42) times.",
	  "hello@0 world@1 42@2:N times@3" },
	{ "en", "snake_case a+b", "snake@0 case@1 a@2 b@3" },
	/* accents */
	{ "en", "Türkiye", "turkiye@0" },
	{ "en", "café au lait", "cafe@0 au@1 lait@2" },
	{ "en", "São Paulo", "sao@0 paulo@1" },
	{ "en", "Ça Zürich Ångström ñandú",
	  "ca@0 zurich@1 angstrom@2 nandu@3" },
	{ "en", "cafe\xcc\x81 q\xcc\x83", "cafe@0 q@1" }, /* decomposed */
	{ "en", "İstanbul", "istanbul@0" },
	{ "el", "Ελλάδα", "ελλαδα@0" },
	{ "ru", "Новый год, ёлка", "новый@0 год@1 елка@2" },
	/* NFKC */
	{ "en", "ﬁnance ﬂow", "finance@0 flow@1" },
	{ "en", "ＮＡＳＡ ２０２４", "nasa@0 2024@1:N" },
	{ "en", "Ⅻ km²", "xii@0 km2@1" },
	/* case folding */
	{ "en", "Straße STRASSE", "strasse@0 strasse@1" },
	{ "en", "ΣΟΦΙΑ σοφια", "σοφια@0 σοφια@1" },
	/* apostrophes */
	{ "en", "India’s India's INDIA'S", "india@0 india@1 india@2" },
	{ "en", "O'Neill O’Neill", "o'neill@0 o'neill@1" },
	{ "en", "the countries' leaders", "the@0 countries@1 leaders@2" },
	{ "en", "rock'n'roll don't", "rock'n'roll@0 don't@1" },
	{ "en", "'quoted' Ukraineʼs", "quoted@0 ukraine@1" },
	{ "en", "1990's", "1990@0:N s@1" },
	/* compounds */
	{ "en", "the Mumbai-Ahmedabad high-speed railway.",
	  "the@0 mumbai@1:P ahmedabad@2:P mumbaiahmedabad@1:J "
	  "high@3:P speed@4:P highspeed@3:J railway@5" },
	{ "en", "Jammu-Kashmir-Ladakh region",
	  "jammu@0:P kashmir@1:P ladakh@2:P jammukashmirladakh@0:J "
	  "region@3" },
	{ "en", "covid-19 cases", "covid@0:P 19@1:PN covid19@0:J cases@2" },
	{ "en", "2023-24", "2023@0:PN 24@1:PN 202324@0:JN" },
	{ "en", "-word word- a--b", "word@0 word@1 a@2 b@3" },
	{ "en", "India—Pakistan 2019–2020",
	  "india@0 pakistan@1 2019@2:N 2020@3:N" },
	{ "en", "non\xe2\x80\x90stop", "non@0:P stop@1:P nonstop@0:J" },
	{ "en", "Ó-Sé", "o@0:P se@1:P ose@0:J" },
	/* numbers */
	{ "en", "3.5 per cent", "3.5@0:N per@1 cent@2" },
	{ "en", "5,000 troops in 2024.", "5000@0:N troops@1 in@2 2024@3:N" },
	{ "en", "Rs 1,00,000 crore", "rs@0 100000@1:N crore@2" },
	{ "en", "version 2.0.1, 3. 4 .5", "version@0 2.0.1@1:N 3@2:N 4@3:N "
	  "5@4:N" },
	{ "en", "10am v2.0", "10am@0:N v2.0@1" },
	{ "en", "२०२४ ٣", "२०२४@0:N ٣@1:N" },
	/* acronyms */
	{ "en", "the U.S. economy", "the@0 us@1:A economy@2" },
	{ "en", "U.S and E.U.", "us@0:A and@1 eu@2:A" },
	{ "en", "U.S.-Japan talks",
	  "us@0:PA japan@1:P usjapan@0:J talks@2" },
	{ "en", "e.g. A. B", "eg@0:A a@1 b@2" },
	{ "en", "U.S.Army U.Sa", "us@0:A army@1 u@2 sa@3" },
	/* handles */
	{ "en", "@DrSJaishankar met #G20 leaders",
	  "drsjaishankar@0:H met@1 g20@2:H leaders@3" },
	{ "en", "@narendra_modi @_x", "narendra_modi@0:H x@1" },
	{ "en", "mail me@example.com C# #1",
	  "mail@0 me@1 example@2 com@3 c@4 1@5:N" },
	{ "en", "中国@weibo", "中@0 国@1 weibo@2:H" },
	/* invalid UTF-8 */
	{ "en", "abc\xff" "def", "abc@0 def@1" },
	{ "en", "ab\xe2\x82 cd\xc3", "ab@0 cd@1" },
	{ "en", "x\xed\xa0\x80y \xc0\xafz", "x@0 y@1 z@2" },
	{ "en", "\x80\x80\x80", "" },
	/* scripts without spaces: one token per character */
	{ "en", "中国经济", "中@0 国@1 经@2 济@3" },
	{ "en", "iPhone发布了", "iphone@0 发@1 布@2 了@3" },
	{ "en", "東京タワー", "東@0 京@1 タ@2 ワ@3 ー@4" },
	{ "en", "ｶﾀｶﾅ", "カ@0 タ@1 カ@2 ナ@3" },
	{ "en", "ไทย", "ไ@0 ท@1 ย@2" },
	{ "en", "서울 시장", "서울@0 시장@1" },
	/* scripts whose marks carry meaning */
	{ "en", "हिंदी भाषा", "हिंदी@0 भाषा@1" },
	{ "ar", "كَتَبَ", "كَتَبَ@0" },
	/* invisible characters inside words */
	{ "en", "infor\xc2\xadmation", "information@0" },
	/* nothing */
	{ "en", "", "" },
	{ "en", " \t.,;-—'’ @ # _", "" },
};

START_TEST(test_tokens)
{
	struct newsidx_analyzer *a = analyzer(tok_cases[_i].lang);
	struct collect c;
	unsigned next = 999;
	size_t len = strlen(tok_cases[_i].in);

	ck_assert_int_eq(run(a, tok_cases[_i].in, len, &c, &next), 0);
	ck_assert_msg(strcmp(c.out, tok_cases[_i].want) == 0,
		      "row %d \"%s\": got \"%s\", want \"%s\"", _i,
		      tok_cases[_i].in, c.out, tok_cases[_i].want);
	newsidx_analyzer__free(a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* byte offsets                                                        */
/* ------------------------------------------------------------------ */

/* The input bytes of each token, in delivery order, '|'-separated. */
static const struct {
	const char *in;
	const char *want;
} span_cases[] = {
	{ "the Mumbai-Ahmedabad high-speed railway.",
	  "the|Mumbai|Ahmedabad|Mumbai-Ahmedabad|high|speed|high-speed|"
	  "railway" },
	{ "a-b-c", "a|b|c|a-b-c" },
	{ "India’s O'Neill countries'", "India’s|O'Neill|countries" },
	{ "the U.S. and U.S-Japan", "the|U.S.|and|U.S|Japan|U.S-Japan" },
	{ "U.S.-Japan", "U.S.|Japan|U.S.-Japan" },
	{ "5,000 3.5% 2024.", "5,000|3.5|2024" },
	{ "@DrSJaishankar #G20.", "@DrSJaishankar|#G20" },
	{ "abc\xff" "def", "abc|def" },
	{ "x\xe2\x82y café", "x|y|café" },
	{ "\xc3\x28" "ok", "ok" },
	{ "中国", "中|国" },
	{ "Straße", "Straße" },
	{ "ﬁne", "ﬁne" },
	{ "infor\xc2\xadmation", "infor\xc2\xadmation" },
};

START_TEST(test_spans)
{
	struct newsidx_analyzer *a = analyzer("en");
	struct collect c;
	size_t len = strlen(span_cases[_i].in);

	ck_assert_int_eq(run(a, span_cases[_i].in, len, &c, NULL), 0);
	ck_assert_msg(strcmp(c.spans, span_cases[_i].want) == 0,
		      "row %d: got \"%s\", want \"%s\"", _i, c.spans,
		      span_cases[_i].want);
	newsidx_analyzer__free(a);
}
END_TEST

/* Offsets are right when the text is not NUL-terminated at len. */
START_TEST(test_length_bound)
{
	struct newsidx_analyzer *a = analyzer("en");
	const char *text = "alpha beta gamma";
	struct collect c;
	unsigned next;

	ck_assert_int_eq(run(a, text, 8, &c, &next), 0);
	ck_assert_str_eq(c.out, "alpha@0 be@1");
	ck_assert_uint_eq(next, 2);
	newsidx_analyzer__free(a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* positions, callbacks, long runs                                     */
/* ------------------------------------------------------------------ */

static int count_fn(void *ctx, const struct newsidx_token *t)
{
	(void)t;
	++*(int *)ctx;
	return 0;
}

START_TEST(test_positions)
{
	struct newsidx_analyzer *a = analyzer("en");
	const char *text = "one two-three four";
	unsigned next = 0;
	int n = 0;

	ck_assert_int_eq(newsidx_analyzer__tokenize(a, text, strlen(text),
						    10, count_fn, &n, &next),
			 0);
	/* one@10 two@11 three@12 twothree@11 four@13 */
	ck_assert_int_eq(n, 5);
	ck_assert_uint_eq(next, 14);

	/* Empty input: nothing delivered, next_pos is first_pos. */
	n = 0;
	ck_assert_int_eq(newsidx_analyzer__tokenize(a, "", 0, 5, count_fn,
						    &n, &next),
			 0);
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(next, 5);
	ck_assert_int_eq(newsidx_analyzer__tokenize(a, NULL, 0, 3, count_fn,
						    &n, &next),
			 0);
	ck_assert_uint_eq(next, 3);

	/* next_pos may be NULL. */
	ck_assert_int_eq(newsidx_analyzer__tokenize(a, text, strlen(text), 0,
						    count_fn, &n, NULL),
			 0);
	newsidx_analyzer__free(a);
}
END_TEST

START_TEST(test_callback_stops)
{
	struct newsidx_analyzer *a = analyzer("en");
	const char *text = "one two three four";
	struct collect c;

	memset(&c, 0, sizeof c);
	c.text = text;
	c.len = strlen(text);
	c.stop_after = 2;
	ck_assert_int_eq(newsidx_analyzer__tokenize(a, text, c.len, 0,
						    collect_fn, &c, NULL),
			 7);
	ck_assert_str_eq(c.out, "one@0 two@1");
	newsidx_analyzer__free(a);
}
END_TEST

START_TEST(test_long_tokens)
{
	struct newsidx_analyzer *a = analyzer("en");
	size_t big = 200000, k;
	char *buf = malloc(big + 64);
	struct collect c;
	char want[128];

	ck_assert_ptr_nonnull(buf);

	/* 64 bytes is a token, 65 is not, and takes no position. */
	memset(buf, 0, big + 64);
	memcpy(buf, "x ", 2);
	memset(buf + 2, 'a', 65);
	memcpy(buf + 67, " y ", 3);
	memset(buf + 70, 'b', 64);
	ck_assert_int_eq(run(a, buf, strlen(buf), &c, NULL), 0);
	snprintf(want, sizeof want, "x@0 y@1 %.64s@2", buf + 70);
	ck_assert_str_eq(c.out, want);

	/* The limit applies after normalisation: ß is 2 bytes, "ss" too,
	 * but 40 decomposed é (120 bytes) make 40 bytes. */
	buf[0] = '\0';
	for (k = 0; k < 33; k++)
		strcat(buf, "ß");
	strcat(buf, " ok ");
	for (k = 0; k < 40; k++)
		strcat(buf, "e\xcc\x81");
	ck_assert_int_eq(run(a, buf, strlen(buf), &c, NULL), 0);
	memcpy(want, "ok@0 ", 5);
	memset(want + 5, 'e', 40);
	memcpy(want + 45, "@1", 3);
	ck_assert_str_eq(c.out, want);

	/* A compound whose joined form is too long keeps its parts. */
	memset(buf, 0, big + 64);
	memset(buf, 'a', 40);
	buf[40] = '-';
	memset(buf + 41, 'b', 40);
	ck_assert_int_eq(run(a, buf, strlen(buf), &c, NULL), 0);
	ck_assert_int_eq(c.count, 2);

	/* A huge run is skipped whole and quickly. */
	memset(buf, 'z', big);
	memcpy(buf + big, " end", 5);
	ck_assert_int_eq(run(a, buf, strlen(buf), &c, NULL), 0);
	ck_assert_str_eq(c.out, "end@0");

	/* The same with non-ASCII letters. */
	for (k = 0; k + 2 <= big; k += 2)
		memcpy(buf + k, "é", 2);
	memcpy(buf + big, " end", 5);
	ck_assert_int_eq(run(a, buf, strlen(buf), &c, NULL), 0);
	ck_assert_str_eq(c.out, "end@0");

	free(buf);
	newsidx_analyzer__free(a);
}
END_TEST

/* Arbitrary bytes never crash and always give well-formed tokens. */
START_TEST(test_garbage)
{
	struct newsidx_analyzer *a = analyzer("en");
	static const char *const pieces[] = {
		"a", "Z", "9", ".", ",", "-", "'", "’", "@", "#", "_", " ",
		"é", "e\xcc\x81", "中", "ﾞ", "\xc2\xad", "\xff", "\xe2\x82",
		"\xcc\x81", "ß", "İ", "ﬁ", "U.", "—", "ʼ",
	};
	unsigned long seed = 12345;
	char buf[512];
	struct collect c;
	int round, k;

	for (round = 0; round < 2000; round++) {
		buf[0] = '\0';
		for (k = 0; k < 40; k++) {
			/* A fixed LCG: the same strings every run. */
			seed = seed * 6364136223846793005UL +
			       1442695040888963407UL;
			strcat(buf, pieces[(seed >> 33) % N_ELEMS(pieces)]);
		}
		ck_assert_int_eq(run(a, buf, strlen(buf), &c, NULL), 0);
	}
	newsidx_analyzer__free(a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* stemming                                                            */
/* ------------------------------------------------------------------ */

/* Words are given in normalised form, as the tokenizer delivers them. */
static const struct {
	const char *lang;
	const char *word;
	const char *want;
} stem_cases[] = {
	{ "en", "railways", "railway" },
	/* British spellings fold to American ones before stemming. */
	{ "en", "defence", "defens" },
	{ "en", "defense", "defens" },
	{ "en", "organisation", "organ" },
	{ "en", "organization", "organ" },
	{ "en", "colours", "color" },
	{ "en", "colors", "color" },
	{ "en", "programme", "program" },
	{ "en", "programmes", "program" },
	{ "en", "travelled", "travel" },
	{ "en", "harbour", "harbor" },
	{ "fr", "programme", "programm" },
	{ "en", "railway", "railway" },
	{ "en", "semiconductors", "semiconductor" },
	{ "en", "investments", "invest" },
	{ "en", "agreed", "agre" },
	{ "en", "running", "run" },
	{ "en", "countries", "countri" },
	{ "en", "generously", "generous" },
	{ "en", "hopefulness", "hope" },
	{ "en", "2024", "2024" },
	{ "en", "3.5", "3.5" },
	{ "en", "10am", "10am" },
	{ "en", "२०२४", "२०२४" },
	{ "english", "elections", "elect" },
	{ "EN", "elections", "elect" },
	{ "en-GB", "elections", "elect" },
	{ "", "elections", "elect" },
	{ NULL, "elections", "elect" },
	{ "fr", "economiques", "econom" },
	{ "fr", "nationales", "national" },
	{ "de", "wirtschaftlichen", "wirtschaft" },
	{ "es", "universidades", "univers" },
	{ "ru", "новый", "нов" },
	{ "ru", "новая", "нов" },
	{ "none", "railways", "railways" },
	{ "none", "Running", "Running" },
	{ "en", "", "" },
};

START_TEST(test_stem)
{
	struct newsidx_analyzer *a = analyzer(stem_cases[_i].lang);
	const char *w = stem_cases[_i].word, *s;
	size_t n = 12345;
	int round;

	/* Twice: the second answer comes from the cache. */
	for (round = 0; round < 2; round++) {
		s = newsidx_analyzer__stem(a, w, strlen(w), &n);
		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(n, strlen(stem_cases[_i].want));
		ck_assert_msg(memcmp(s, stem_cases[_i].want, n) == 0 &&
				      s[n] == '\0',
			      "row %d: %s -> %.*s, want %s", _i, w, (int)n, s,
			      stem_cases[_i].want);
	}
	newsidx_analyzer__free(a);
}
END_TEST

/* Analyzing then stemming: what the indexer does. */
static const struct {
	const char *lang;
	const char *in;
	const char *want; /* the stems, space-separated */
} pipeline_cases[] = {
	/* Accents are folded before stemming: "donnees" gives "donne"
	 * where Snowball would give "don" for "données". */
	{ "fr", "Les données économiques nationales",
	  "le donne econom national" },
	{ "en", "India’s railways agreed", "india railway agre" },
	{ "en", "U.S. investments of 5,000", "us invest of 5000" },
	{ "none", "Railways’ élections", "railways elections" },
};

static int stem_fn(void *ctx, const struct newsidx_token *t)
{
	void **args = ctx;
	struct newsidx_analyzer *a = args[0];
	char *out = args[1];
	const char *s;
	size_t n;

	/* The contract: acronyms are not stemmed, the caller skips them. */
	if (t->flags & NEWSIDX_TOK_ACRONYM) {
		s = t->text;
		n = t->len;
	} else {
		s = newsidx_analyzer__stem(a, t->text, t->len, &n);
		ck_assert_ptr_nonnull(s);
	}
	if (*out)
		strcat(out, " ");
	strncat(out, s, n);
	return 0;
}

START_TEST(test_pipeline)
{
	struct newsidx_analyzer *a = analyzer(pipeline_cases[_i].lang);
	char out[512] = "";
	void *args[2] = { a, out };
	const char *in = pipeline_cases[_i].in;

	ck_assert_int_eq(newsidx_analyzer__tokenize(a, in, strlen(in), 0,
						    stem_fn, args, NULL),
			 0);
	ck_assert_str_eq(out, pipeline_cases[_i].want);
	newsidx_analyzer__free(a);
}
END_TEST

/*
 * The cache gives what libstemmer gives, for repeated words and for more
 * distinct words than the cache holds (so it is cleared on the way).
 */
START_TEST(test_stem_cache)
{
	static const char *const words[] = {
		"railways", "agreed", "connection", "relational", "running",
		"generously", "countries", "hopefulness", "elections",
		"o'neill",
		"minister", "ministers", "ministry", "the", "a",
	};
	struct newsidx_analyzer *a = analyzer("en");
	struct sb_stemmer *ref = sb_stemmer_new("english", "UTF_8");
	const sb_symbol *r;
	const char *s;
	char w[32];
	size_t n, k, i;
	unsigned long v;
	int round;

	ck_assert_ptr_nonnull(ref);
	for (round = 0; round < 500; round++) {
		for (k = 0; k < N_ELEMS(words); k++) {
			s = newsidx_analyzer__stem(a, words[k],
						   strlen(words[k]), &n);
			r = sb_stemmer_stem(ref, (const sb_symbol *)words[k],
					    (int)strlen(words[k]));
			ck_assert_ptr_nonnull(s);
			ck_assert_uint_eq(n, (size_t)sb_stemmer_length(ref));
			ck_assert(memcmp(s, r, n) == 0);
		}
	}
	/* 150000 distinct words like "bcdfings", twice over. */
	for (round = 0; round < 2; round++) {
		for (v = 0; v < 150000; v++) {
			unsigned long x = v;

			for (i = 0; i < 4; i++) {
				w[i] = (char)('b' + x % 20);
				x /= 20;
			}
			w[i++] = (char)('a' + x % 26);
			strcpy(w + i, v % 3 ? "ings" : "ational");
			s = newsidx_analyzer__stem(a, w, strlen(w), &n);
			r = sb_stemmer_stem(ref, (const sb_symbol *)w,
					    (int)strlen(w));
			ck_assert_ptr_nonnull(s);
			ck_assert_uint_eq(n, (size_t)sb_stemmer_length(ref));
			ck_assert_msg(memcmp(s, r, n) == 0, "%s", w);
		}
	}
	sb_stemmer_delete(ref);
	newsidx_analyzer__free(a);
}
END_TEST

/* A stem passed back in (it lives in the cache) is stemmed correctly. */
START_TEST(test_stem_of_stem)
{
	struct newsidx_analyzer *a = analyzer("en");
	const char *s;
	size_t n;

	s = newsidx_analyzer__stem(a, "generalizations", 15, &n);
	ck_assert_ptr_nonnull(s);
	s = newsidx_analyzer__stem(a, s, n, &n);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "general");
	newsidx_analyzer__free(a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* stopwords                                                           */
/* ------------------------------------------------------------------ */

static const struct {
	const char *lang;
	const char *word;
	int want;
} stop_cases[] = {
	{ "en", "the", 1 },      { "en", "a", 1 },       { "en", "of", 1 },
	{ "en", "and", 1 },      { "en", "in", 1 },      { "en", "to", 1 },
	{ "en", "is", 1 },       { "en", "for", 1 },     { "en", "on", 1 },
	{ "en", "with", 1 },     { "en", "yourselves", 1 },
	{ "en", "about", 1 },    { "en", "whether", 1 },
	{ "porter", "the", 1 },
	/* colliding with U.S., WHO and May */
	{ "en", "us", 0 },       { "en", "who", 0 },     { "en", "may", 0 },
	{ "en", "railway", 0 },  { "en", "The", 0 },     { "en", "", 0 },
	{ "en", "thereabouts", 0 },
	{ "fr", "the", 0 },      { "none", "the", 0 },
};

START_TEST(test_stopwords)
{
	struct newsidx_analyzer *a = analyzer(stop_cases[_i].lang);
	const char *w = stop_cases[_i].word;

	ck_assert_msg(newsidx_analyzer__is_stopword(a, w, strlen(w)) ==
			      stop_cases[_i].want,
		      "row %d: %s", _i, w);
	newsidx_analyzer__free(a);
}
END_TEST

START_TEST(test_stopword_len)
{
	struct newsidx_analyzer *a = analyzer("en");

	/* Only len bytes count: "then" cut to "the". */
	ck_assert_int_eq(newsidx_analyzer__is_stopword(a, "then", 3), 1);
	ck_assert_int_eq(newsidx_analyzer__is_stopword(a, "th\0e", 4), 0);
	newsidx_analyzer__free(a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* languages                                                           */
/* ------------------------------------------------------------------ */

static const struct {
	const char *lang;
	newsidx_status_t want;
	const char *name;
} lang_cases[] = {
	{ "en", NEWSIDX_OK, "english" },
	{ NULL, NEWSIDX_OK, "english" },
	{ "", NEWSIDX_OK, "english" },
	{ "english", NEWSIDX_OK, "english" },
	{ "fr", NEWSIDX_OK, "french" },
	{ "de", NEWSIDX_OK, "german" },
	{ "es", NEWSIDX_OK, "spanish" },
	{ "it", NEWSIDX_OK, "italian" },
	{ "pt", NEWSIDX_OK, "portuguese" },
	{ "pt-BR", NEWSIDX_OK, "portuguese" },
	{ "nl", NEWSIDX_OK, "dutch" },
	{ "sv", NEWSIDX_OK, "swedish" },
	{ "no", NEWSIDX_OK, "norwegian" },
	{ "nb", NEWSIDX_OK, "norwegian" },
	{ "da", NEWSIDX_OK, "danish" },
	{ "fi", NEWSIDX_OK, "finnish" },
	{ "ru", NEWSIDX_OK, "russian" },
	{ "ar", NEWSIDX_OK, "arabic" },
	{ "el", NEWSIDX_OK, "greek" },
	{ "hi", NEWSIDX_OK, "hindi" },
	{ "hu", NEWSIDX_OK, "hungarian" },
	{ "id", NEWSIDX_OK, "indonesian" },
	{ "ga", NEWSIDX_OK, "irish" },
	{ "lt", NEWSIDX_OK, "lithuanian" },
	{ "ne", NEWSIDX_OK, "nepali" },
	{ "ro", NEWSIDX_OK, "romanian" },
	{ "sr", NEWSIDX_OK, "serbian" },
	{ "ta", NEWSIDX_OK, "tamil" },
	{ "tr", NEWSIDX_OK, "turkish" },
	{ "ca", NEWSIDX_OK, "catalan" },
	{ "eu", NEWSIDX_OK, "basque" },
	{ "hy", NEWSIDX_OK, "armenian" },
	{ "yi", NEWSIDX_OK, "yiddish" },
	{ "Russian", NEWSIDX_OK, "russian" },
	{ "porter", NEWSIDX_OK, "porter" },
	{ "none", NEWSIDX_OK, "none" },
	{ "xx", NEWSIDX_INVALID_ARGUMENT, NULL },
	{ "klingon", NEWSIDX_INVALID_ARGUMENT, NULL },
	{ "-", NEWSIDX_INVALID_ARGUMENT, NULL },
	{ "englishenglishenglishenglishenglish", NEWSIDX_INVALID_ARGUMENT,
	  NULL },
};

START_TEST(test_languages)
{
	struct newsidx_analyzer *a = (struct newsidx_analyzer *)&a;
	newsidx_status_t st = newsidx_analyzer__new(&a, lang_cases[_i].lang);

	ck_assert_msg(st == lang_cases[_i].want, "row %d: %s gave %d", _i,
		      lang_cases[_i].lang ? lang_cases[_i].lang : "NULL",
		      (int)st);
	if (st == NEWSIDX_OK) {
		ck_assert_str_eq(newsidx_analyzer__stemmer_name(a),
				 lang_cases[_i].name);
	} else {
		ck_assert_ptr_null(a);
	}
	newsidx_analyzer__free(a);
}
END_TEST

START_TEST(test_new_misc)
{
	ck_assert_int_eq(newsidx_analyzer__new(NULL, "en"),
			 NEWSIDX_INVALID_ARGUMENT);
	newsidx_analyzer__free(NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* fingerprint                                                         */
/* ------------------------------------------------------------------ */

START_TEST(test_fingerprint)
{
	struct newsidx_analyzer *en = analyzer("en");
	struct newsidx_analyzer *en2 = analyzer("english");
	struct newsidx_analyzer *fr = analyzer("fr");
	struct newsidx_analyzer *none = analyzer("none");
	char f1[64], f2[64], f3[64], f4[64], small[5];
	size_t k;

	newsidx_analyzer__fingerprint(en, f1, sizeof f1);
	newsidx_analyzer__fingerprint(en2, f2, sizeof f2);
	newsidx_analyzer__fingerprint(fr, f3, sizeof f3);
	newsidx_analyzer__fingerprint(none, f4, sizeof f4);
	ck_assert_uint_eq(strlen(f1), 16);
	for (k = 0; k < 16; k++)
		ck_assert(strchr("0123456789abcdef", f1[k]) != NULL);
	ck_assert_str_eq(f1, f2);
	ck_assert_str_ne(f1, f3);
	ck_assert_str_ne(f1, f4);

	/* Stable: the cache warmed by the first call changes nothing. */
	newsidx_analyzer__fingerprint(en, f2, sizeof f2);
	ck_assert_str_eq(f1, f2);

	/* At most size bytes, NUL included. */
	memset(small, 'X', sizeof small);
	newsidx_analyzer__fingerprint(en, small, sizeof small);
	ck_assert_uint_eq(strlen(small), 4);
	ck_assert(strncmp(small, f1, 4) == 0);
	small[0] = 'X';
	newsidx_analyzer__fingerprint(en, small, 0);
	ck_assert_int_eq(small[0], 'X');

	newsidx_analyzer__free(en);
	newsidx_analyzer__free(en2);
	newsidx_analyzer__free(fr);
	newsidx_analyzer__free(none);
}
END_TEST

/* ------------------------------------------------------------------ */
/* UTF-8 validation                                                    */
/* ------------------------------------------------------------------ */

#define S(x) x, sizeof(x) - 1

static const struct {
	const char *in;
	size_t len;
	int valid;
	size_t bad; /* offset of the first invalid byte */
} utf8_cases[] = {
	{ S(""), 1, 0 },
	{ S("plain ASCII text, longer than eight bytes"), 1, 0 },
	{ S("nul\0inside"), 1, 0 },
	{ S("café ß € 𝄞 中文"), 1, 0 },
	{ S("\xed\x9f\xbf"), 1, 0 },          /* U+D7FF, just below */
	{ S("\xee\x80\x80"), 1, 0 },          /* U+E000, just above */
	{ S("\xf4\x8f\xbf\xbf"), 1, 0 },      /* U+10FFFF */
	{ S("\xef\xbb\xbf" "bom"), 1, 0 },
	{ S("abc\xff"), 0, 3 },
	{ S("\x80"), 0, 0 },                  /* stray continuation */
	{ S("abcdefghijk\xbf"), 0, 11 },
	{ S("\xc0\xaf"), 0, 0 },              /* overlong '/' */
	{ S("\xc1\xbf"), 0, 0 },
	{ S("ab\xe0\x80\xaf"), 0, 2 },        /* overlong, 3 bytes */
	{ S("\xf0\x80\x80\xaf"), 0, 0 },      /* overlong, 4 bytes */
	{ S("x\xed\xa0\x80"), 0, 1 },         /* surrogate D800 */
	{ S("\xed\xbf\xbf"), 0, 0 },          /* surrogate DFFF */
	{ S("\xf4\x90\x80\x80"), 0, 0 },      /* above U+10FFFF */
	{ S("\xf5\x80\x80\x80"), 0, 0 },
	{ S("caf\xc3"), 0, 3 },               /* truncated at the end */
	{ S("\xe2\x82" "A"), 0, 0 },          /* truncated in the middle */
	{ S("ok \xf0\x9d\x84"), 0, 3 },
	{ S("\xc3\xa9\xc3"), 0, 2 },
	{ S("0123456789\xe2\x82\xac\xe2\x28\xa1"), 0, 13 },
};

START_TEST(test_utf8)
{
	size_t bad = 999;
	int v = newsidx_utf8__valid(utf8_cases[_i].in, utf8_cases[_i].len,
				    &bad);

	ck_assert_msg(v == utf8_cases[_i].valid, "row %d", _i);
	if (!v)
		ck_assert_uint_eq(bad, utf8_cases[_i].bad);
	else
		ck_assert_uint_eq(bad, 999);
	/* bad_offset may be NULL. */
	ck_assert_int_eq(newsidx_utf8__valid(utf8_cases[_i].in,
					     utf8_cases[_i].len, NULL),
			 utf8_cases[_i].valid);
}
END_TEST

/* The textbook decoder, as a reference for the validator. */
static int ref_valid(const unsigned char *s, int len)
{
	unsigned long cp;
	int n = 0, m, q;

	while (n < len) {
		unsigned c = s[n];

		if (c < 0x80) {
			n++;
			continue;
		}
		m = c >= 0xf8 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2
			: c >= 0xc0 ? 1 : 0;
		if (m == 0 || n + m >= len)
			return 0;
		cp = c & (0x3fu >> m);
		for (q = 1; q <= m; q++) {
			if ((s[n + q] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[n + q] & 0x3f);
		}
		if ((m == 1 && cp < 0x80) || (m == 2 && cp < 0x800) ||
		    (m == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		n += m + 1;
	}
	return 1;
}

/* The validator agrees with the reference on every 4-byte string built
 * from bytes at the edges of the UTF-8 ranges. */
START_TEST(test_utf8_exhaustive)
{
	static const unsigned char bytes[] = {
		0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0,
		0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0,
		0xf1, 0xf3, 0xf4, 0xf5, 0xf8, 0xff,
	};
	const size_t nb = N_ELEMS(bytes);
	unsigned char s[4];
	size_t i, k;

	for (i = 0; i < nb * nb * nb * nb; i++) {
		size_t x = i;

		for (k = 0; k < 4; k++) {
			s[k] = bytes[x % nb];
			x /= nb;
		}
		ck_assert_msg(newsidx_utf8__valid((const char *)s, 4, NULL) ==
				      ref_valid(s, 4),
			      "%02x %02x %02x %02x", s[0], s[1], s[2], s[3]);
	}
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *analyze_suite(void)
{
	Suite *s = suite_create("analyze");
	TCase *tc;

	tc = tcase_create("tokenize");
	tcase_add_loop_test(tc, test_tokens, 0, (int)N_ELEMS(tok_cases));
	tcase_add_loop_test(tc, test_spans, 0, (int)N_ELEMS(span_cases));
	tcase_add_test(tc, test_length_bound);
	tcase_add_test(tc, test_positions);
	tcase_add_test(tc, test_callback_stops);
	tcase_add_test(tc, test_long_tokens);
	tcase_add_test(tc, test_garbage);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("stem");
	tcase_add_loop_test(tc, test_stem, 0, (int)N_ELEMS(stem_cases));
	tcase_add_loop_test(tc, test_pipeline, 0,
			    (int)N_ELEMS(pipeline_cases));
	tcase_add_test(tc, test_stem_cache);
	tcase_add_test(tc, test_stem_of_stem);
	tcase_add_loop_test(tc, test_stopwords, 0, (int)N_ELEMS(stop_cases));
	tcase_add_test(tc, test_stopword_len);
	tcase_add_loop_test(tc, test_languages, 0, (int)N_ELEMS(lang_cases));
	tcase_add_test(tc, test_new_misc);
	tcase_add_test(tc, test_fingerprint);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("utf8");
	tcase_add_loop_test(tc, test_utf8, 0, (int)N_ELEMS(utf8_cases));
	tcase_add_test(tc, test_utf8_exhaustive);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(analyze_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
