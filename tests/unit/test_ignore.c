/*
 * test_ignore.c: unit tests of the include and exclude patterns
 * (src/lib/index/ignore.c), on their own.
 *
 * Covered: '*', '?' and classes within one name; '**' as leading,
 * middle and trailing component, and as a plain star elsewhere; a name
 * at any depth against an anchored pattern; directory-only patterns;
 * negation with the last matching pattern deciding; backslash escapes
 * and quoted trailing spaces; comments and blank lines; code points
 * rather than bytes for '?' and classes; patterns of a subdirectory's
 * list matching only below it; --include's directory rule
 * (match_tree); the built-in list; every error a bad line gives, with
 * its line number; and a pathological pattern that a backtracking
 * matcher would take exponential time over.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"

/* What the single pattern pat says of rel (a directory when is_dir):
 * 1 matched, 0 not, -1 for a '!' pattern that matched. */
static int m(const char *pat, const char *rel, int is_dir)
{
	struct newsidx_ignore ig = { 0 };
	struct newsidx_ipath p = { 0 };
	char err[256];
	int v;

	ck_assert_msg(newsidx_ignore__add(&ig, pat, strlen(pat), 0, err,
					  sizeof(err)) == 0,
		      "pattern '%s': %s", pat, err);
	ck_assert_int_eq(newsidx_ipath__set(&p, rel), 0);
	v = newsidx_ignore__match(&ig, &p, p.n, is_dir);
	newsidx_ignore__free(&ig);
	newsidx_ipath__free(&p);
	return v == NEWSIDX_IGNORE_MATCH ? 1 : v == NEWSIDX_IGNORE_NEGATED ? -1
									  : 0;
}

/* What the lines of text say of rel, as m() does. */
static int mlist(const char *text, const char *rel, int is_dir)
{
	struct newsidx_ignore ig = { 0 };
	struct newsidx_ipath p = { 0 };
	char err[256];
	size_t line;
	int v;

	ck_assert_msg(newsidx_ignore__parse(&ig, text, strlen(text), &line,
					    err, sizeof(err)) == 0,
		      "line %zu: %s", line, err);
	ck_assert_int_eq(newsidx_ipath__set(&p, rel), 0);
	v = newsidx_ignore__match(&ig, &p, p.n, is_dir);
	newsidx_ignore__free(&ig);
	newsidx_ipath__free(&p);
	return v == NEWSIDX_IGNORE_MATCH ? 1 : v == NEWSIDX_IGNORE_NEGATED ? -1
									  : 0;
}

/* The error of a bad text: its line, and the reason in err. */
static size_t bad(const char *text, char *err, size_t errlen)
{
	struct newsidx_ignore ig = { 0 };
	size_t line = 0;

	ck_assert_int_eq(newsidx_ignore__parse(&ig, text, strlen(text), &line,
					       err, errlen),
			 -1);
	newsidx_ignore__free(&ig);
	return line;
}

START_TEST(test_star_and_any)
{
	ck_assert_int_eq(m("*.txt", "a.txt", 0), 1);
	ck_assert_int_eq(m("*.txt", "deep/er/a.txt", 0), 1);
	ck_assert_int_eq(m("*.txt", "a.txt.gz", 0), 0);
	ck_assert_int_eq(m("*", "anything", 0), 1);
	ck_assert_int_eq(m("a*b", "ab", 0), 1);
	ck_assert_int_eq(m("a*b", "axxxb", 0), 1);
	ck_assert_int_eq(m("a*b", "axxxbc", 0), 0);
	ck_assert_int_eq(m("?.txt", "a.txt", 0), 1);
	ck_assert_int_eq(m("?.txt", "ab.txt", 0), 0);
	ck_assert_int_eq(m("reut2-0??.sgm", "reut2-000.sgm", 0), 1);
	ck_assert_int_eq(m("reut2-0??.sgm", "reut2-0000.sgm", 0), 0);
	/* A star never crosses a '/'. */
	ck_assert_int_eq(m("a/*.txt", "a/b/c.txt", 0), 0);
	ck_assert_int_eq(m("a/*.txt", "a/c.txt", 0), 1);
	ck_assert_int_eq(m("a?b", "a/b", 0), 0);
	/* More than two stars inside a name are one star. */
	ck_assert_int_eq(m("a***b", "axb", 0), 1);
	ck_assert_int_eq(m("a***b", "a/b", 0), 0);
}
END_TEST

START_TEST(test_double_star)
{
	ck_assert_int_eq(m("**/foo", "foo", 0), 1);
	ck_assert_int_eq(m("**/foo", "a/b/foo", 0), 1);
	ck_assert_int_eq(m("**/foo", "a/b/xfoo", 0), 0);
	ck_assert_int_eq(m("**/foo/bar", "x/foo/bar", 0), 1);
	ck_assert_int_eq(m("**/foo/bar", "foo/bar", 0), 1);
	ck_assert_int_eq(m("**/foo/bar", "foo/x/bar", 0), 0);
	ck_assert_int_eq(m("a/**/b", "a/b", 0), 1);
	ck_assert_int_eq(m("a/**/b", "a/x/b", 0), 1);
	ck_assert_int_eq(m("a/**/b", "a/x/y/z/b", 0), 1);
	ck_assert_int_eq(m("a/**/b", "a/xb", 0), 0);
	ck_assert_int_eq(m("a/**/b", "x/a/b", 0), 0);
	ck_assert_int_eq(m("abc/**", "abc/x", 0), 1);
	ck_assert_int_eq(m("abc/**", "abc/x/y", 0), 1);
	ck_assert_int_eq(m("abc/**", "abc", 1), 0);
	ck_assert_int_eq(m("**", "a/b/c", 0), 1);
	ck_assert_int_eq(m("**/*.sgm", "x/y/r.sgm", 0), 1);
	ck_assert_int_eq(m("**/*.sgm", "r.sgm", 0), 1);
	/* Not a whole component: an ordinary star. */
	ck_assert_int_eq(m("a**b", "axb", 0), 1);
	ck_assert_int_eq(m("a**b", "a/b", 0), 0);
	ck_assert_int_eq(m("**b", "x/b", 0), 1);   /* basename "b" */
	ck_assert_int_eq(m("x/**b", "x/y/b", 0), 0);
}
END_TEST

START_TEST(test_anchors)
{
	/* No slash: a name at any depth. */
	ck_assert_int_eq(m("foo", "foo", 0), 1);
	ck_assert_int_eq(m("foo", "a/b/foo", 0), 1);
	ck_assert_int_eq(m("foo", "a/foo/b", 0), 0);
	/* A leading slash: at the top only. */
	ck_assert_int_eq(m("/foo", "foo", 0), 1);
	ck_assert_int_eq(m("/foo", "a/foo", 0), 0);
	/* A middle slash anchors too. */
	ck_assert_int_eq(m("a/foo", "a/foo", 0), 1);
	ck_assert_int_eq(m("a/foo", "x/a/foo", 0), 0);
	ck_assert_int_eq(m("/*.txt", "a.txt", 0), 1);
	ck_assert_int_eq(m("/*.txt", "d/a.txt", 0), 0);
}
END_TEST

START_TEST(test_directory_only)
{
	ck_assert_int_eq(m("build/", "build", 1), 1);
	ck_assert_int_eq(m("build/", "build", 0), 0);
	ck_assert_int_eq(m("build/", "x/build", 1), 1);
	ck_assert_int_eq(m("/build/", "x/build", 1), 0);
	ck_assert_int_eq(m("a/b/", "a/b", 1), 1);
	ck_assert_int_eq(m("a/b/", "a/b", 0), 0);
	/* A pattern without the slash matches both. */
	ck_assert_int_eq(m("build", "build", 0), 1);
	ck_assert_int_eq(m("build", "build", 1), 1);
}
END_TEST

START_TEST(test_negation)
{
	ck_assert_int_eq(m("!*.txt", "a.txt", 0), -1);
	ck_assert_int_eq(mlist("*.txt\n!keep.txt\n", "keep.txt", 0), -1);
	ck_assert_int_eq(mlist("*.txt\n!keep.txt\n", "drop.txt", 0), 1);
	/* The last pattern that matches decides. */
	ck_assert_int_eq(mlist("!keep.txt\n*.txt\n", "keep.txt", 0), 1);
	ck_assert_int_eq(mlist("*.txt\n", "a.sgm", 0), 0);
	/* "\!" is the character. */
	ck_assert_int_eq(m("\\!x", "!x", 0), 1);
	ck_assert_int_eq(m("\\!x", "x", 0), 0);
}
END_TEST

START_TEST(test_escapes_and_spaces)
{
	ck_assert_int_eq(m("\\*", "*", 0), 1);
	ck_assert_int_eq(m("\\*", "a", 0), 0);
	ck_assert_int_eq(m("\\?", "?", 0), 1);
	ck_assert_int_eq(m("\\?", "a", 0), 0);
	ck_assert_int_eq(m("\\[a]", "[a]", 0), 1);
	ck_assert_int_eq(m("\\[a]", "a", 0), 0);
	ck_assert_int_eq(m("a\\\\b", "a\\b", 0), 1);
	ck_assert_int_eq(m("\\#x", "#x", 0), 1);
	/* Trailing spaces go unless quoted. */
	ck_assert_int_eq(m("foo   ", "foo", 0), 1);
	ck_assert_int_eq(m("foo\\ ", "foo ", 0), 1);
	ck_assert_int_eq(m("foo\\ ", "foo", 0), 0);
	ck_assert_int_eq(m("a b", "a b", 0), 1);
	/* A CR of a CRLF line is not part of the pattern. */
	ck_assert_int_eq(mlist("*.txt\r\n", "a.txt", 0), 1);
}
END_TEST

START_TEST(test_classes)
{
	ck_assert_int_eq(m("[abc].txt", "b.txt", 0), 1);
	ck_assert_int_eq(m("[abc].txt", "d.txt", 0), 0);
	ck_assert_int_eq(m("[a-c]x", "cx", 0), 1);
	ck_assert_int_eq(m("[a-c]x", "dx", 0), 0);
	ck_assert_int_eq(m("[!a-c]x", "dx", 0), 1);
	ck_assert_int_eq(m("[^a-c]x", "ax", 0), 0);
	ck_assert_int_eq(m("[]a]", "]", 0), 1);
	ck_assert_int_eq(m("[]a]", "a", 0), 1);
	ck_assert_int_eq(m("[a-]", "-", 0), 1);
	ck_assert_int_eq(m("[\\]]", "]", 0), 1);
	ck_assert_int_eq(m("[[:digit:]][[:upper:]]", "7Q", 0), 1);
	ck_assert_int_eq(m("[[:digit:]][[:upper:]]", "7q", 0), 0);
	ck_assert_int_eq(m("[[:alpha:]_]*", "_x", 0), 1);
	ck_assert_int_eq(m("[![:space:]]", " ", 0), 0);
	/* A class never matches a '/'. */
	ck_assert_int_eq(m("a[/]b", "a/b", 0), 0);
	ck_assert_int_eq(m("a[!x]b", "a/b", 0), 0);
	/* Characters, not bytes. */
	ck_assert_int_eq(m("caf?", "café", 0), 1);
	ck_assert_int_eq(m("caf[éè]", "café", 0), 1);
	ck_assert_int_eq(m("caf[à-ê]", "café", 0), 1);
	ck_assert_int_eq(m("?", "日", 0), 1);
	ck_assert_int_eq(m("??", "日", 0), 0);
	/* Invalid UTF-8 stands for itself, byte by byte. */
	ck_assert_int_eq(m("a\xff?", "a\xff\xfe", 0), 1);
	ck_assert_int_eq(m("a?", "a\xff\xfe", 0), 0);
}
END_TEST

START_TEST(test_comments)
{
	ck_assert_int_eq(mlist("# *.txt\n\n   \n", "a.txt", 0), 0);
	ck_assert_int_eq(mlist("# note\n*.txt\n", "a.txt", 0), 1);
	ck_assert_int_eq(mlist("*.txt", "a.txt", 0), 1); /* no final LF */
}
END_TEST

START_TEST(test_base_and_tree)
{
	struct newsidx_ignore ig = { 0 };
	struct newsidx_ipath p = { 0 };
	char err[256];
	size_t line;
	const char *text = "/top.txt\n*.log\n";

	/* The list of directory "sub": anchored to it, and below it only. */
	ck_assert_int_eq(newsidx_ipath__set(&p, "sub"), 0);
	ig.base = p.n + 1;
	ck_assert_int_eq(newsidx_ignore__parse(&ig, text, strlen(text), &line,
					       err, sizeof(err)),
			 0);
	ck_assert_int_eq(newsidx_ipath__set(&p, "sub/top.txt"), 0);
	ck_assert_int_eq(newsidx_ignore__match(&ig, &p, p.n, 0),
			 NEWSIDX_IGNORE_MATCH);
	ck_assert_int_eq(newsidx_ipath__set(&p, "sub/x/top.txt"), 0);
	ck_assert_int_eq(newsidx_ignore__match(&ig, &p, p.n, 0),
			 NEWSIDX_IGNORE_NONE);
	ck_assert_int_eq(newsidx_ipath__set(&p, "sub/x/y.log"), 0);
	ck_assert_int_eq(newsidx_ignore__match(&ig, &p, p.n, 0),
			 NEWSIDX_IGNORE_MATCH);
	ck_assert_int_eq(newsidx_ipath__set(&p, "other.log"), 0);
	ck_assert_int_eq(newsidx_ignore__match(&ig, &p, p.n, 0),
			 NEWSIDX_IGNORE_NONE);
	newsidx_ignore__free(&ig);

	/* --include: a directory that matches takes what is under it. */
	ck_assert_int_eq(newsidx_ignore__add(&ig, "2024/", 5, 0, err,
					     sizeof(err)),
			 0);
	ck_assert_int_eq(newsidx_ipath__set(&p, "news/2024/a/b.txt"), 0);
	ck_assert_int_eq(newsidx_ignore__match(&ig, &p, p.n, 0),
			 NEWSIDX_IGNORE_NONE);
	ck_assert_int_eq(newsidx_ignore__match_tree(&ig, &p, 0),
			 NEWSIDX_IGNORE_MATCH);
	ck_assert_int_eq(newsidx_ipath__set(&p, "news/2023/b.txt"), 0);
	ck_assert_int_eq(newsidx_ignore__match_tree(&ig, &p, 0),
			 NEWSIDX_IGNORE_NONE);
	newsidx_ignore__free(&ig);
	newsidx_ipath__free(&p);
}
END_TEST

START_TEST(test_defaults)
{
	struct newsidx_ignore ig = { 0 };
	struct newsidx_ipath p = { 0 };
	static const char *const out[] = { "SHA256SUMS", "x/MD5SUMS",
					   "lewis.dtd", "a.sig", "b.asc",
					   "c.xsd", "d.sha256", "e.md5" };
	static const char *const in[] = { "reut2-000.sgm", "SUMS.txt",
					  "README.txt", "a.sigma", "dtd" };
	size_t i;

	ck_assert_int_eq(newsidx_ignore__defaults(&ig), 0);
	for (i = 0; i < sizeof(out) / sizeof(*out); i++) {
		ck_assert_int_eq(newsidx_ipath__set(&p, out[i]), 0);
		ck_assert_msg(newsidx_ignore__match(&ig, &p, p.n, 0) ==
				      NEWSIDX_IGNORE_MATCH,
			      "%s is left out", out[i]);
	}
	for (i = 0; i < sizeof(in) / sizeof(*in); i++) {
		ck_assert_int_eq(newsidx_ipath__set(&p, in[i]), 0);
		ck_assert_msg(newsidx_ignore__match(&ig, &p, p.n, 0) ==
				      NEWSIDX_IGNORE_NONE,
			      "%s is read", in[i]);
	}
	newsidx_ignore__free(&ig);
	newsidx_ipath__free(&p);
}
END_TEST

START_TEST(test_errors)
{
	struct newsidx_ignore ig = { 0 };
	char err[256], big[5000];

	ck_assert_int_eq(bad("ok\n[abc\n", err, sizeof(err)), 2);
	ck_assert_str_eq(err, "'[' without its ']'");
	ck_assert_int_eq(bad("a\nb\nx\\", err, sizeof(err)), 3);
	ck_assert_str_eq(err, "a pattern ending in a lone backslash");
	ck_assert_int_eq(bad("[z-a]\n", err, sizeof(err)), 1);
	ck_assert_str_eq(err, "a range in [...] runs backwards");
	ck_assert_int_eq(bad("[[:nope:]]\n", err, sizeof(err)), 1);
	ck_assert_str_eq(err, "unknown class name in [: :]");
	ck_assert_int_eq(bad("# c\n!\n", err, sizeof(err)), 2);
	ck_assert_str_eq(err, "a pattern that names nothing");
	ck_assert_int_eq(bad("/\n", err, sizeof(err)), 1);
	ck_assert_int_eq(bad("[\\", err, sizeof(err)), 1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(bad(big, err, sizeof(err)), 1);
	ck_assert_str_eq(err, "pattern longer than 4096 bytes");
	/* A NUL byte inside a line. */
	{
		size_t line;

		ck_assert_int_eq(newsidx_ignore__parse(&ig, "a\nb\0c\n", 6,
						       &line, err,
						       sizeof(err)),
				 -1);
		ck_assert_uint_eq(line, 2);
		newsidx_ignore__free(&ig);
	}
	/* Options' patterns take no comment and no empty pattern. */
	ck_assert_int_eq(newsidx_ignore__add(&ig, "#x", 2, 0, err,
					     sizeof(err)),
			 -1);
	ck_assert_int_eq(newsidx_ignore__add(&ig, "  ", 2, 0, err,
					     sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "an empty pattern");
	ck_assert_uint_eq(ig.n, 0);
	newsidx_ignore__free(&ig);
}
END_TEST

/* "*a*a*a...*b" against "aaaa...": exponential for a backtracking
 * matcher, a few thousand steps here (the test's timeout is the check). */
START_TEST(test_pathological)
{
	char pat[200], path[300];
	size_t i, n = 0;

	for (i = 0; i < 60; i++) {
		pat[n++] = '*';
		pat[n++] = 'a';
	}
	pat[n++] = '*';
	pat[n++] = 'b';
	pat[n] = '\0';
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	ck_assert_int_eq(m(pat, path, 0), 0);
	path[sizeof(path) - 2] = 'b';
	ck_assert_int_eq(m(pat, path, 0), 1);
	for (i = 0, n = 0; i < 40; i++) {
		memcpy(pat + n, "**/", 3);
		n += 3;
	}
	strcpy(pat + n, "x");
	ck_assert_int_eq(m(pat, "a/b/c/d/e/f/g/h/x", 0), 1);
	ck_assert_int_eq(m(pat, "a/b/c/d/e/f/g/h/y", 0), 0);
}
END_TEST

static Suite *ignore_suite(void)
{
	Suite *s = suite_create("ignore");
	TCase *tc = tcase_create("patterns");

	tcase_add_test(tc, test_star_and_any);
	tcase_add_test(tc, test_double_star);
	tcase_add_test(tc, test_anchors);
	tcase_add_test(tc, test_directory_only);
	tcase_add_test(tc, test_negation);
	tcase_add_test(tc, test_escapes_and_spaces);
	tcase_add_test(tc, test_classes);
	tcase_add_test(tc, test_comments);
	tcase_add_test(tc, test_base_and_tree);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_pathological);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ignore_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
