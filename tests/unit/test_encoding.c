/*
 * test_encoding.c: unit tests of ingest/encoding.c, the choice of an
 * input's character encoding and its conversion to UTF-8.
 *
 * One table of inputs, each with what may be forced, what a container
 * says and where declarations are looked for, and the decoder and UTF-8
 * text expected (or the offset of the byte refused): the order of
 * precedence, declarations the bytes contradict, the labels read as
 * browsers read them, byte order marks, truncated input.  Inputs are
 * written with octal escapes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "ingest/parsers.h"

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

#define XML NEWSIDX_ENC_XML
#define HTML NEWSIDX_ENC_HTML
#define CUT NEWSIDX_ENC_TRUNCATED

static const struct dec_case {
	const char *in;
	size_t len;            /* 0: strlen(in) */
	const char *forced;    /* NULL: decide */
	const char *container; /* NULL: none */
	unsigned flags;
	int result;            /* 0 decoded, 1 refused */
	const char *name;      /* the decoder recorded (NULL: any but "") */
	const char *out;       /* the UTF-8 text; when refused, NULL */
	size_t bad;            /* when refused: the offset reported */
} cases[] = {
	/* ASCII and UTF-8 stay as they are, and record nothing. */
	{ "plain", 0, NULL, NULL, 0, 0, "", "plain", 0 },
	{ "caf\303\251", 0, NULL, NULL, 0, 0, "", "caf\303\251", 0 },
	{ "", 0, NULL, NULL, 0, 0, "", "", 0 },
	/* ASCII whatever is declared or forced (an ASCII-compatible one). */
	{ "plain", 0, "windows-1252", NULL, 0, 0, "", "plain", 0 },
	{ "<?xml version='1.0' encoding='iso-8859-1'?><a/>", 0, NULL, NULL,
	  XML, 0, "", "<?xml version='1.0' encoding='iso-8859-1'?><a/>", 0 },
	/* Forced wins over everything, even valid UTF-8. */
	{ "caf\303\251", 0, "ISO-8859-1", NULL, 0, 0, "ISO-8859-1",
	  "caf\303\203\302\251", 0 },
	{ "\341\350\336\355\341", 0, "iso-8859-7", "windows-1252", HTML, 0,
	  "ISO-8859-7", "\316\261\316\270\316\256\316\275\316\261", 0 },
	/* ... and is not passed over when the bytes contradict it. */
	{ "ab\243", 0, "utf-8", NULL, 0, 1, NULL, NULL, 2 },
	/* A byte order mark: UTF-8, UTF-16 both ways, UTF-32. */
	{ "\357\273\277caf\303\251", 0, NULL, NULL, 0, 0, "", "caf\303\251",
	  0 },
	{ "\377\376h\000\351\000", 6, NULL, NULL, 0, 0, "UTF-16LE",
	  "h\303\251", 0 },
	{ "\376\377\000h\000\351", 6, NULL, NULL, 0, 0, "UTF-16BE",
	  "h\303\251", 0 },
	{ "\377\376\000\000h\000\000\000", 8, NULL, NULL, 0, 0, "UTF-32LE",
	  "h", 0 },
	/* The mark wins over a container and a declaration. */
	{ "\357\273\277<meta charset=koi8-r>\303\251", 0, NULL, "latin1",
	  HTML, 0, "", "<meta charset=koi8-r>\303\251", 0 },
	/* The container (HTTP) wins over the page's meta charset. */
	{ "<meta charset=\"iso-8859-1\">\354", 0, NULL, "windows-1251", HTML,
	  0, "WINDOWS-1251", "<meta charset=\"iso-8859-1\">\320\274", 0 },
	/* A declaration wins over valid UTF-8 and over detection. */
	{ "<meta charset=\"iso-8859-15\">5 \244", 0, NULL, NULL, HTML, 0,
	  "ISO-8859-15", "<meta charset=\"iso-8859-15\">5 \342\202\254", 0 },
	{ "<meta http-equiv=\"Content-Type\" content=\"text/html; "
	  "charset=windows-1250\">\271",
	  0, NULL, NULL, HTML, 0, "WINDOWS-1250",
	  "<meta http-equiv=\"Content-Type\" content=\"text/html; "
	  "charset=windows-1250\">\304\205",
	  0 },
	{ "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>caf\351</t>", 0,
	  NULL, NULL, XML, 0, "ISO-8859-1",
	  "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>caf\303\251</t>",
	  0 },
	/* Declarations are looked for only where asked: a feed's meta
	 * tag is text. */
	{ "<meta charset=\"iso-8859-15\">caf\303\251", 0, NULL, NULL, XML, 0,
	  "", "<meta charset=\"iso-8859-15\">caf\303\251", 0 },
	/* A declaration the bytes contradict is passed over (here for
	 * UTF-8, valid). */
	{ "<?xml version=\"1.0\" encoding=\"iso646-us\"?><t>caf\303\251</t>",
	  0, NULL, NULL, XML, 0, "",
	  "<?xml version=\"1.0\" encoding=\"iso646-us\"?><t>caf\303\251</t>",
	  0 },
	/* ... and so is one iconv does not know, or that cannot be. */
	{ "<meta charset=\"no-such\">caf\303\251", 0, NULL, NULL, HTML, 0,
	  "", "<meta charset=\"no-such\">caf\303\251", 0 },
	{ "<meta charset=\"utf-16\">caf\303\251", 0, NULL, NULL, HTML, 0, "",
	  "<meta charset=\"utf-16\">caf\303\251", 0 },
	/* Labels read as browsers read them: Latin-1 with C1 bytes is
	 * Windows-1252; GBK is GB18030. */
	{ "<meta charset=\"iso-8859-1\">\223q\224", 0, NULL, NULL, HTML, 0,
	  "WINDOWS-1252",
	  "<meta charset=\"iso-8859-1\">\342\200\234q\342\200\235", 0 },
	{ "\201\060\201\060", 0, "gbk", NULL, 0, 0, "GB18030",
	  "\302\200", 0 },
	/* Detection, when nothing is declared and the bytes are not
	 * UTF-8 (which of the Windows code pages with these quotes is
	 * uchardet's to say: NULL, any). */
	{ "The minister said \223we will not retreat\224 and left the "
	  "chamber.",
	  0, NULL, NULL, 0, 0, NULL,
	  "The minister said \342\200\234we will not retreat\342\200\235 "
	  "and left the chamber.",
	  0 },
	/* Bytes that no encoding explains: the first byte that is not
	 * UTF-8. */
	{ "The price is \201 today.", 0, NULL, NULL, 0, 1, NULL, NULL, 13 },
	{ "\357\273\277ab \220 cd", 0, NULL, NULL, 0, 1, NULL, NULL, 6 },
	/* Truncated input: an incomplete character at the end goes. */
	{ "ab\303", 0, "utf-8", NULL, CUT, 0, "", "ab", 0 },
	{ "\377\376h\000\351", 5, NULL, NULL, CUT, 0, "UTF-16LE", "h", 0 },
	{ "\377\376h\000\351", 5, NULL, NULL, 0, 1, NULL, NULL, 0 },
};

START_TEST(test_decode)
{
	const struct dec_case *c = &cases[_i];
	struct newsidx_decoded d = { 0 };
	size_t len = c->len ? c->len : strlen(c->in);
	int r;

	r = newsidx_encoding__decode(&d, c->in, len, c->forced, c->container,
				     c->flags);
	ck_assert_int_eq(r, c->result);
	if (r == 0) {
		if (c->name)
			ck_assert_str_eq(d.name, c->name);
		else
			ck_assert(d.name[0] != '\0');
		ck_assert_uint_eq(d.len, strlen(c->out));
		ck_assert_mem_eq(d.text, c->out, d.len);
	} else {
		ck_assert_uint_eq(d.bad, c->bad);
		ck_assert(d.why[0] != '\0');
		ck_assert(strchr(d.why, '\n') == NULL);
	}
	newsidx_decoded__free(&d);
}
END_TEST

/* The same decoded object serves one record after another. */
START_TEST(test_reuse)
{
	struct newsidx_decoded d = { 0 };

	ck_assert_int_eq(newsidx_encoding__decode(&d, "caf\351", 4,
						  "latin1", NULL, 0),
			 0);
	ck_assert_str_eq(d.name, "ISO-8859-1");
	ck_assert_int_eq(newsidx_encoding__decode(&d, "plain", 5, NULL, NULL,
						  0),
			 0);
	ck_assert_str_eq(d.name, "");
	ck_assert_mem_eq(d.text, "plain", 5);
	newsidx_decoded__free(&d);
	newsidx_decoded__free(&d);
}
END_TEST

START_TEST(test_known_and_wide)
{
	ck_assert_int_eq(newsidx_encoding__known("windows-1252"), 1);
	ck_assert_int_eq(newsidx_encoding__known("Shift_JIS"), 1);
	ck_assert_int_eq(newsidx_encoding__known("latin1"), 1);
	ck_assert_int_eq(newsidx_encoding__known("no-such-charset"), 0);
	ck_assert_int_eq(newsidx_encoding__known(""), 0);
	ck_assert_int_eq(newsidx_encoding__known("utf-8; rm -rf"), 0);
	ck_assert_int_eq(newsidx_encoding__wide("\377\376a\000", 4, NULL),
			 1);
	ck_assert_int_eq(newsidx_encoding__wide("<\000?\000", 4, NULL), 1);
	ck_assert_int_eq(newsidx_encoding__wide("\357\273\277a", 4, NULL),
			 0);
	ck_assert_int_eq(newsidx_encoding__wide("abc", 3, NULL), 0);
	ck_assert_int_eq(newsidx_encoding__wide("abc", 3, "UTF-16LE"), 1);
	ck_assert_int_eq(newsidx_encoding__wide("\377\376", 2, "latin1"), 0);
}
END_TEST

START_TEST(test_line_col)
{
	unsigned long line, col;

	newsidx_encoding__line_col("ab\ncd\nef", 7, &line, &col);
	ck_assert_uint_eq(line, 3);
	ck_assert_uint_eq(col, 2);
	newsidx_encoding__line_col("ab", 0, &line, &col);
	ck_assert_uint_eq(line, 1);
	ck_assert_uint_eq(col, 1);
}
END_TEST

static Suite *encoding_suite(void)
{
	Suite *s = suite_create("encoding");
	TCase *tc = tcase_create("decode");

	tcase_add_loop_test(tc, test_decode, 0, (int)N_ELEMS(cases));
	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_known_and_wide);
	tcase_add_test(tc, test_line_col);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(encoding_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
