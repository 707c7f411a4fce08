/*
 * test_geo.c: unit tests of the gazetteer and the tagger (src/lib/geo/),
 * on their own.
 *
 * Covered: lookups by name, code, demonym, capital, translation and
 * historical name, in any case and with or without accents; additions
 * over the built-in data, overriding a name; every error a bad line
 * gives, with its file and line; the tagger on a dateline (Reuters'
 * form with its country list, a city and state, a country list alone),
 * on mentions weighted by position, on capitals-only names, on people
 * after a title in either case with a later plain mention, and on
 * organisations; and the naive baseline.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/analyzer.h"
#include "geo/geo.h"

extern const char newsidx_gazetteer_keys[];

static const struct newsidx_gaz *G(void)
{
	const struct newsidx_gaz *g = newsidx_gaz__builtin();

	ck_assert_ptr_nonnull(g);
	return g;
}

static const char *country(const struct newsidx_gaz *g, const char *name)
{
	static char cc[3];

	if (!newsidx_gaz__country(g, name, strlen(name), cc))
		return "";
	return cc;
}

/* The keys of the built-in names are made ahead (data/gazetteer-keys.txt)
 * exactly as loading would make them, and loading uses them. */
START_TEST(test_keys_made_ahead)
{
	char *keys = NULL;
	size_t len = 0;

	ck_assert_int_eq(newsidx_gaz__builtin_keys(&keys, &len), NEWSIDX_OK);
	ck_assert_uint_eq(strlen(keys), len);
	ck_assert_msg(strcmp(keys, newsidx_gazetteer_keys) == 0,
		      "data/gazetteer-keys.txt is stale: run make "
		      "gazetteer-keys");
	ck_assert_int_eq(newsidx_gaz__builtin_keyed(), 1);
	/* One line a name, after the header. */
	ck_assert_uint_gt(len, 30000);
	ck_assert_int_eq(strncmp(keys, "NXGK1 ", 6), 0);
	free(keys);
	ck_assert_str_eq(country(G(), "Deutschland"), "DE");
}
END_TEST

START_TEST(test_lookups)
{
	const struct newsidx_gaz *g = G();

	ck_assert_str_eq(country(g, "Japan"), "JP");
	ck_assert_str_eq(country(g, "JAPAN"), "JP");
	ck_assert_str_eq(country(g, "JP"), "JP");
	ck_assert_str_eq(country(g, "jpn"), "JP");
	ck_assert_str_eq(country(g, "Japanese"), "JP");
	ck_assert_str_eq(country(g, "日本"), "JP");
	ck_assert_str_eq(country(g, "Japon"), "JP");
	ck_assert_str_eq(country(g, "Tokyo"), "JP");
	ck_assert_str_eq(country(g, "Türkiye"), "TR");
	ck_assert_str_eq(country(g, "turkiye"), "TR");
	ck_assert_str_eq(country(g, "Turkey"), "TR");
	ck_assert_str_eq(country(g, "West Germany"), "DE");
	ck_assert_str_eq(country(g, "USSR"), "RU");
	ck_assert_str_eq(country(g, "Burma"), "MM");
	ck_assert_str_eq(country(g, "Kiev"), "UA");
	ck_assert_str_eq(country(g, "Kyiv"), "UA");
	ck_assert_str_eq(country(g, "Bombay"), "IN");
	ck_assert_str_eq(country(g, "Peking"), "CN");
	ck_assert_str_eq(country(g, "Czechia"), "CZ");
	ck_assert_str_eq(country(g, "Holland"), "NL");
	ck_assert_str_eq(country(g, "Vilnius"), "LT");
	ck_assert_str_eq(country(g, "Lietuva"), "LT");
	ck_assert_str_eq(country(g, "U.S."), "US");
	ck_assert_str_eq(country(g, "Ore."), "US");
	ck_assert_str_eq(country(g, "Atlantis"), "");
	ck_assert_str_eq(country(g, "NATO"), ""); /* an organisation */
	ck_assert_str_eq(newsidx_gaz__country_name(g, "LT"), "Lithuania");
	ck_assert_ptr_null(newsidx_gaz__country_name(g, "QQ"));
	ck_assert(strncmp(newsidx_gaz__version(g), "1+iso", 5) == 0);
}
END_TEST

START_TEST(test_field_values)
{
	const struct newsidx_gaz *g = G();
	char v[64];

	newsidx_gaz__field_value(g, "country", "japanese", v, sizeof(v));
	ck_assert_str_eq(v, "JP");
	newsidx_gaz__field_value(g, "org", "north atlantic treaty organization",
				 v, sizeof(v));
	ck_assert_str_eq(v, "NATO");
	newsidx_gaz__field_value(g, "org", "nato", v, sizeof(v));
	ck_assert_str_eq(v, "NATO");
	newsidx_gaz__field_value(g, "org", "acme corp", v, sizeof(v));
	ck_assert_str_eq(v, "ACMECORP");
	newsidx_gaz__field_value(g, "person", "S  Jaishankar", v, sizeof(v));
	ck_assert_str_eq(v, "s. jaishankar");
	newsidx_gaz__field_value(g, "person", "s. jaishankar", v, sizeof(v));
	ck_assert_str_eq(v, "s. jaishankar");
}
END_TEST

static const char *additions =
	"# comment\n"
	"version mine-1\n"
	"country LT Amberland\n"
	"\n"
	"city FR Tokyo\n" /* overrides the built-in capital */
	"org HANSA Hanseatic League; HL\n"
	"person mara quill; Quill\n";

START_TEST(test_additions)
{
	struct newsidx_gaz *a;
	struct newsidx_geo_hit hit;
	char err[256];

	ck_assert_int_eq(newsidx_gaz__load(&a, G(), additions,
					   strlen(additions), "add.txt", err,
					   sizeof(err)),
			 NEWSIDX_OK);
	ck_assert_str_eq(country(a, "Amberland"), "LT");
	ck_assert_str_eq(country(a, "Tokyo"), "FR");
	ck_assert_str_eq(country(G(), "Tokyo"), "JP");
	ck_assert_str_eq(country(a, "Japan"), "JP"); /* the parent's */
	ck_assert(newsidx_gaz__lookup(a, "hl", 2, &hit));
	ck_assert_int_eq(hit.kind, NEWSIDX_GEO_ORG);
	ck_assert_str_eq(hit.code, "HANSA");
	ck_assert(newsidx_gaz__lookup(a, "Quill", 5, &hit));
	ck_assert_str_eq(hit.code, "mara quill");
	ck_assert(strstr(newsidx_gaz__version(a), "+local:") != NULL);
	newsidx_gaz__free(a);
	newsidx_gaz__free(NULL);
}
END_TEST

static void bad_n(const char *text, size_t len, const char *want)
{
	struct newsidx_gaz *a = NULL;
	char err[256];

	ck_assert_int_eq(newsidx_gaz__load(&a, G(), text, len, "f.txt",
					   err, sizeof(err)),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_ptr_null(a);
	if (!strstr(err, want))
		ck_abort_msg("error '%s' lacks '%s'", err, want);
	ck_assert_ptr_null(strchr(err, '\n'));
}

static void bad(const char *text, const char *want)
{
	bad_n(text, strlen(text), want);
}

START_TEST(test_errors)
{
	bad("country JP Japan\nplace JP Tokyo\n", "f.txt:2: unknown kind");
	bad("country Japan\n", "f.txt:1: country needs a country code");
	bad("country jp Japan\n", "f.txt:1: country needs a country code");
	bad("country JPN Japan\n", "f.txt:1: country needs a country code");
	bad("\n\ncountry JP\n", "f.txt:3: country line without names");
	bad("country JP ;;\n", "f.txt:1: country line without names");
	bad("org nato NATO\n", "f.txt:1: org needs an id");
	bad("country JP ---\n", "f.txt:1: name \"---\" has no words");
	bad("version\n", "f.txt:1: version needs a short value");
	bad("country JP \xff\xfe\n", "f.txt: not UTF-8");
	bad_n("title A\0B\n", 10, "f.txt:1: NUL byte");
}
END_TEST

struct feed {
	struct newsidx_tagger *t;
	const char *raw;
	size_t len;
	int zone;
};

static int feed_token(void *ctx, const struct newsidx_token *tok)
{
	struct feed *f = ctx;

	newsidx_tagger__token(f->t, tok, f->raw, f->len, f->zone);
	return 0;
}

/* Tag title and body with place; the countries, orgs and persons as
 * "C:JP,US O:UN P:yoko kamikawa" into out. */
static const char *tag_with(struct newsidx_tagger *t, const char *place,
			    const char *title, const char *body)
{
	static char out[512];
	struct newsidx_analyzer *an;
	struct newsidx_geo_tags g;
	struct feed f = { t, NULL, 0, 0 };
	size_t i;

	ck_assert_int_eq(newsidx_analyzer__new(&an, "en"), NEWSIDX_OK);
	newsidx_tagger__start(t, place);
	f.raw = title;
	f.len = strlen(title);
	newsidx_analyzer__tokenize(an, title, f.len, 1, feed_token, &f, NULL);
	f.zone = 1;
	f.raw = body;
	f.len = strlen(body);
	newsidx_analyzer__tokenize(an, body, f.len, 100, feed_token, &f, NULL);
	ck_assert_int_eq(newsidx_tagger__finish(t, &g), NEWSIDX_OK);
	snprintf(out, sizeof(out), "C:");
	for (i = 0; i < g.ncountries; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
			 i ? "," : "", g.countries[i]);
	snprintf(out + strlen(out), sizeof(out) - strlen(out), " O:");
	for (i = 0; i < g.norgs; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
			 i ? "," : "", g.orgs[i]);
	snprintf(out + strlen(out), sizeof(out) - strlen(out), " P:");
	for (i = 0; i < g.npersons; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
			 i ? "," : "", g.persons[i]);
	snprintf(out + strlen(out), sizeof(out) - strlen(out), " @%s",
		 g.place ? g.place : "-");
	newsidx_analyzer__free(an);
	return out;
}

START_TEST(test_tagger)
{
	struct newsidx_tagger *t;

	ck_assert_int_eq(newsidx_tagger__new(&t, G()), NEWSIDX_OK);
	/* Reuters: the dateline city, then the format's own list. */
	ck_assert_str_eq(tag_with(t, "Kansas City; USA, West Germany",
				  "Grain sales rise", "Sales rose."),
			 "C:DE,US O: P: @Kansas City");
	/* A list alone: the first country is the place. */
	ck_assert_str_eq(tag_with(t, "USA, Japan", "Talks", "They met."),
			 "C:JP,US O: P: @USA");
	/* A city and state: the state names the country. */
	ck_assert_str_eq(tag_with(t, "Portland, Ore.", "Mill closes",
				  "The mill closed."),
			 "C:US O: P: @Portland");
	/* The dateline's country alone is enough; one body mention of
	 * another country is not, a title mention with another in the
	 * lead is; a capital as metonym counts. */
	ck_assert_str_eq(tag_with(t, "Vilnius", "Amber museum",
				  "The museum, like one in France, grew."),
			 "C:LT O: P: @Vilnius");
	ck_assert_str_eq(tag_with(t, NULL, "Japan and India talk",
				  "Tokyo said the Indian side agreed."),
			 "C:IN,JP O: P: @-");
	/* Lower case is not a name: turkey the bird, china the plates. */
	ck_assert_str_eq(tag_with(t, NULL, "Roast turkey on china plates",
				  "roast turkey, fine china, more turkey."),
			 "C: O: P: @-");
	/* Capitals-only names: "WHO" and "US" the words are not. */
	ck_assert_str_eq(tag_with(t, NULL, "Who said it",
				  "Tell us who said it. The WHO did."),
			 "C: O:WHO P: @-");
	/* People after a title in either case, the initial with a dot, a
	 * later plain mention the same person. */
	ck_assert_str_eq(
		tag_with(t, "New Delhi", "EAM meets counterpart",
			 "External affairs minister S Jaishankar met his "
			 "Japanese counterpart Yoko Kamikawa. Jaishankar said "
			 "the United Nations and NATO were discussed."),
		"C:IN O:NATO,UN P:s. jaishankar,yoko kamikawa @New Delhi");
	newsidx_tagger__free(t);
	newsidx_tagger__free(NULL);
}
END_TEST

START_TEST(test_naive)
{
	struct newsidx_tagger *t;

	ck_assert_int_eq(newsidx_tagger__new(&t, G()), NEWSIDX_OK);
	newsidx_tagger__naive(t, 1);
	/* No dateline, no list, no demonyms, capitals or people. */
	ck_assert_str_eq(tag_with(t, "Kansas City; USA", "Japanese talks",
				  "Tokyo said. Prime Minister Yasuhiro "
				  "Nakasone spoke."),
			 "C: O: P: @Kansas City");
	ck_assert_str_eq(tag_with(t, NULL, "Japan talks", "In Japan."),
			 "C:JP O: P: @-");
	newsidx_tagger__free(t);
}
END_TEST

static Suite *geo_suite(void)
{
	Suite *s = suite_create("geo");
	TCase *tc = tcase_create("gazetteer and tagger");

	tcase_add_test(tc, test_keys_made_ahead);
	tcase_add_test(tc, test_lookups);
	tcase_add_test(tc, test_field_values);
	tcase_add_test(tc, test_additions);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_tagger);
	tcase_add_test(tc, test_naive);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(geo_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
