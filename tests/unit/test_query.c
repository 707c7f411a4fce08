/*
 * test_query.c: unit tests of the query parser (lib/query.c).
 *
 * Most tests are rows of a table: a query and the describe() rendering of
 * the tree it must give, or a bad query with the byte offset and a part
 * of the message its error must have.  Comparing renderings keeps each
 * row to one line while still checking the whole shape of the tree.  The
 * few tests that need the node fields themselves, or inputs too large
 * for a table, follow the tables.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/parsers.h"
#include "query/query.h"

struct good {
	const char *query;
	const char *tree;
};

static const struct good good[] = {
	/* words and implicit AND */
	{ "india", "word:\"india\"" },
	{ "  india \t ", "word:\"india\"" },
	{ "high-speed rail",
	  "AND(word:\"high-speed\", word:\"rail\")" },
	{ "a b c", "AND(word:\"a\", word:\"b\", word:\"c\")" },
	{ "a\tb\nc", "AND(word:\"a\", word:\"b\", word:\"c\")" },
	{ "a AND b", "AND(word:\"a\", word:\"b\")" },
	{ "a AND b c", "AND(word:\"a\", word:\"b\", word:\"c\")" },

	/* OR binds looser than AND */
	{ "a OR b", "OR(word:\"a\", word:\"b\")" },
	{ "a OR b c", "OR(word:\"a\", AND(word:\"b\", word:\"c\"))" },
	{ "a b OR c", "OR(AND(word:\"a\", word:\"b\"), word:\"c\")" },
	{ "a OR b OR c", "OR(word:\"a\", word:\"b\", word:\"c\")" },
	{ "(a)OR(b)", "OR(word:\"a\", word:\"b\")" },

	/* keywords are upper case and stand alone */
	{ "a or b", "AND(word:\"a\", word:\"or\", word:\"b\")" },
	{ "a and not b",
	  "AND(word:\"a\", word:\"and\", word:\"not\", word:\"b\")" },
	{ "Or And Not Near",
	  "AND(word:\"Or\", word:\"And\", word:\"Not\", word:\"Near\")" },
	{ "ORACLE ANDES NOTE NEARBY",
	  "AND(word:\"ORACLE\", word:\"ANDES\", word:\"NOTE\", "
	  "word:\"NEARBY\")" },
	{ "a near b", "AND(word:\"a\", word:\"near\", word:\"b\")" },

	/* negation and required words */
	{ "a -b", "AND(word:\"a\", NOT(word:\"b\"))" },
	{ "-b", "NOT(word:\"b\")" },
	{ "a NOT b", "AND(word:\"a\", NOT(word:\"b\"))" },
	{ "NOT a", "NOT(word:\"a\")" },
	{ "NOT NOT a", "NOT(NOT(word:\"a\"))" },
	{ "a AND -b", "AND(word:\"a\", NOT(word:\"b\"))" },
	{ "a OR NOT b", "OR(word:\"a\", NOT(word:\"b\"))" },
	{ "a OR -b", "OR(word:\"a\", NOT(word:\"b\"))" },
	{ "+a b", "AND(+word:\"a\", word:\"b\")" },
	{ "a OR +b", "OR(word:\"a\", +word:\"b\")" },
	{ "+\"x y\"", "+phrase:\"x y\"" },
	{ "-\"x y\"", "NOT(phrase:\"x y\")" },
	{ "-(a b)", "NOT(AND(word:\"a\", word:\"b\"))" },
	{ "+(a OR b) c", "AND(+OR(word:\"a\", word:\"b\"), word:\"c\")" },
	{ "-OR", "NOT(word:\"OR\")" },
	{ "+AND", "+word:\"AND\"" },
	{ "--b", "NOT(word:\"-b\")" },
	{ "a - b", "AND(word:\"a\", word:\"-\", word:\"b\")" },
	{ "(a -)", "AND(word:\"a\", word:\"-\")" },
	{ "e-mail x-", "AND(word:\"e-mail\", word:\"x-\")" },

	/* grouping, flattening and collapsing */
	{ "(a b) c", "AND(word:\"a\", word:\"b\", word:\"c\")" },
	{ "a (b (c d))",
	  "AND(word:\"a\", word:\"b\", word:\"c\", word:\"d\")" },
	{ "(a OR b) OR (c OR d)",
	  "OR(word:\"a\", word:\"b\", word:\"c\", word:\"d\")" },
	{ "((a))", "word:\"a\"" },
	{ "( ( a ) )", "word:\"a\"" },
	{ "(a OR b) (c OR d)",
	  "AND(OR(word:\"a\", word:\"b\"), OR(word:\"c\", word:\"d\"))" },
	{ "a OR (b c)", "OR(word:\"a\", AND(word:\"b\", word:\"c\"))" },
	{ "((a OR b) c) OR d",
	  "OR(AND(OR(word:\"a\", word:\"b\"), word:\"c\"), word:\"d\")" },
	{ "a AND (b AND (c AND d))",
	  "AND(word:\"a\", word:\"b\", word:\"c\", word:\"d\")" },

	/* phrases */
	{ "\"trade deficit\"", "phrase:\"trade deficit\"" },
	{ "\xe2\x80\x9ctrade deficit\xe2\x80\x9d",
	  "phrase:\"trade deficit\"" },
	{ "\xe2\x80\x9c  spaced  \xe2\x80\x9d", "phrase:\"spaced\"" },
	{ "\xe2\x80\x9c" "a\" \"b\xe2\x80\x9d",
	  "AND(phrase:\"a\", phrase:\"b\")" },
	{ "a\"b c\"", "AND(word:\"a\", phrase:\"b c\")" },
	{ "\"AND OR NOT (x)\"", "phrase:\"AND OR NOT (x)\"" },
	{ "\"india's\" \"u.s.\"",
	  "AND(phrase:\"india's\", phrase:\"u.s.\")" },

	/* fields */
	{ "title:india", "title:word:\"india\"" },
	{ "TITLE:india", "title:word:\"india\"" },
	{ "title:\"trade deficit\"", "title:phrase:\"trade deficit\"" },
	{ "author:\xe2\x80\x9cJane Doe\xe2\x80\x9d",
	  "author:phrase:\"Jane Doe\"" },
	{ "title:(india OR japan)",
	  "OR(title:word:\"india\", title:word:\"japan\")" },
	{ "title:(india source:(bbc reuters))",
	  "AND(title:word:\"india\", source:word:\"bbc\", "
	  "source:word:\"reuters\")" },
	{ "title:(a \"b c\" -d)",
	  "AND(title:word:\"a\", title:phrase:\"b c\", "
	  "NOT(title:word:\"d\"))" },
	{ "title:(a (b OR place:c))",
	  "AND(title:word:\"a\", OR(title:word:\"b\", place:word:\"c\"))" },
	{ "title:(foo:bar)", "title:word:\"foo:bar\"" },
	{ "title:(date:2024)", "date:[20240101000000..20241231235959]" },
	{ "title:(a NEAR b)",
	  "NEAR/10(title:word:\"a\", title:word:\"b\")" },
	{ "foo:bar", "word:\"foo:bar\"" },
	{ "foo:(a)", "AND(word:\"foo:\", word:\"a\")" },
	{ "url:https://x.y/z", "url:word:\"https://x.y/z\"" },
	{ "url:https://x.y/a?b=c&d=e#f",
	  "url:word:\"https://x.y/a?b=c&d=e#f\"" },
	{ "https://x.y/z", "word:\"https://x.y/z\"" },
	{ "title:foo:bar", "title:word:\"foo:bar\"" },
	{ "title:OR", "title:word:\"OR\"" },
	{ "title:-x", "title:word:\"-x\"" },
	{ "lang:en place:delhi topic:economy id:abc123",
	  "AND(lang:word:\"en\", place:word:\"delhi\", "
	  "topic:word:\"economy\", id:word:\"abc123\")" },
	{ "-title:x", "NOT(title:word:\"x\")" },
	{ "+source:bbc", "+source:word:\"bbc\"" },

	/* wildcards */
	{ "ind*", "word:\"ind\"*" },
	{ "title:ind*", "title:word:\"ind\"*" },
	{ "+ind* -pak*", "AND(+word:\"ind\"*, NOT(word:\"pak\"*))" },
	{ "a*b", "word:\"a*b\"" },
	{ "*ab", "word:\"*ab\"" },

	/* NEAR */
	{ "a NEAR b", "NEAR/10(word:\"a\", word:\"b\")" },
	{ "a NEAR/3 b", "NEAR/3(word:\"a\", word:\"b\")" },
	{ "a NEAR/3 b NEAR/3 c",
	  "NEAR/3(word:\"a\", word:\"b\", word:\"c\")" },
	{ "a NEAR/2 b NEAR/5 c",
	  "NEAR/5(word:\"a\", word:\"b\", word:\"c\")" },
	{ "a NEAR b NEAR/3 c",
	  "NEAR/10(word:\"a\", word:\"b\", word:\"c\")" },
	{ "a NEAR/1000 b", "NEAR/1000(word:\"a\", word:\"b\")" },
	{ "\"x y\" NEAR/4 z", "NEAR/4(phrase:\"x y\", word:\"z\")" },
	{ "p a NEAR b q",
	  "AND(word:\"p\", NEAR/10(word:\"a\", word:\"b\"), word:\"q\")" },
	{ "a NEAR b OR c",
	  "OR(NEAR/10(word:\"a\", word:\"b\"), word:\"c\")" },
	{ "title:a NEAR +b",
	  "NEAR/10(title:word:\"a\", +word:\"b\")" },
	{ "(a) NEAR/2(b)", "NEAR/2(word:\"a\", word:\"b\")" },

	/* dates */
	{ "date:2024", "date:[20240101000000..20241231235959]" },
	{ "date:2024-02", "date:[20240201000000..20240229235959]" },
	{ "date:2023-02", "date:[20230201000000..20230228235959]" },
	{ "date:1900-02", "date:[19000201000000..19000228235959]" },
	{ "date:2000-02-29", "date:[20000229000000..20000229235959]" },
	{ "date:2024-11", "date:[20241101000000..20241130235959]" },
	{ "date:2024-03..2024-04",
	  "date:[20240301000000..20240430235959]" },
	{ "date:..2024-01-01", "date:[..20240101235959]" },
	{ "date:2024-06..", "date:[20240601000000..]" },
	{ "date:2024-03-15..2024-03-15",
	  "date:[20240315000000..20240315235959]" },
	{ "date:2024-03-15..2024-03",
	  "date:[20240315000000..20240331235959]" },
	{ "DATE:2024", "date:[20240101000000..20241231235959]" },

	/* since */
	{ "since:7d", "since:7d" },
	{ "since:2w", "since:2w" },
	{ "since:3m", "since:3m" },
	{ "since:1y", "since:1y" },
	{ "since:12M", "since:12m" },
	{ "date:2024 -since:7d",
	  "AND(date:[20240101000000..20241231235959], NOT(since:7d))" },

	/* indexed: by time or by sequence */
	{ "indexed:24h", "indexed:24h" },
	{ "indexed:7D", "indexed:7d" },
	{ "indexed:2024-03-07",
	  "indexed:[20240307000000..20240307235959]" },
	{ "indexed:2024-03-07..", "indexed:[20240307000000..]" },
	{ "indexed:..2024-03", "indexed:[..20240331235959]" },
	{ "indexed:#120..", "indexed:[#120..#0]" },
	{ "indexed:#120..180", "indexed:[#120..#180]" },
	{ "indexed:#..180", "indexed:[#0..#180]" },
	{ "indexed:#7", "indexed:[#7..#7]" },
	{ "railway -indexed:1w",
	  "AND(word:\"railway\", NOT(indexed:1w))" },

	/* the example of the specification */
	{ "high-speed (title:india OR \"trade deficit\") -china "
	  "date:2024-03..2024-04",
	  "AND(word:\"high-speed\", OR(title:word:\"india\", "
	  "phrase:\"trade deficit\"), NOT(word:\"china\"), "
	  "date:[20240301000000..20240430235959])" },

	/* odd bytes are kept, and escaped in the rendering */
	{ "\xff\xfe", "word:\"\xff\xfe\"" },
	{ "a\\b", "word:\"a\\\\b\"" },
	{ "x\x01y", "word:\"x\\x01y\"" },
	{ "caf\xc3\xa9 \xe0\xa4\xad\xe0\xa4\xbe\xe0\xa4\xb0\xe0\xa4\xa4",
	  "AND(word:\"caf\xc3\xa9\", "
	  "word:\"\xe0\xa4\xad\xe0\xa4\xbe\xe0\xa4\xb0\xe0\xa4\xa4\")" },
};

struct bad {
	const char *query;
	size_t offset;
	const char *msg;
};

static const struct bad bad[] = {
	/* operators without operands */
	{ "OR a", 0, "OR needs a term on both sides" },
	{ "a OR", 2, "OR needs a term on both sides" },
	{ "a OR OR b", 2, "OR needs a term on both sides" },
	{ "(a OR)", 3, "OR needs a term on both sides" },
	{ "a (OR b)", 3, "OR needs a term on both sides" },
	{ "a AND", 2, "AND needs a term on both sides" },
	{ "AND a", 0, "AND needs a term on both sides" },
	{ "a AND OR b", 2, "AND needs a term on both sides" },
	{ "a AND NEAR b", 2, "AND needs a term on both sides" },
	{ "a NOT", 2, "NOT needs a term after it" },
	{ "NOT", 0, "NOT needs a term after it" },
	{ "(NOT) a", 1, "NOT needs a term after it" },

	/* parentheses */
	{ ")", 0, "unbalanced parenthesis" },
	{ "a)", 1, "unbalanced parenthesis" },
	{ "(a))", 3, "unbalanced parenthesis" },
	{ "(a", 0, "unbalanced parenthesis" },
	{ "a (b (c)", 2, "unbalanced parenthesis" },
	{ "(", 0, "unbalanced parenthesis" },
	{ "title:(", 6, "unbalanced parenthesis" },
	{ "()", 0, "empty parentheses" },
	{ "a ( )", 2, "empty parentheses" },
	{ "title:()", 6, "empty parentheses" },

	/* phrases */
	{ "\"abc", 0, "unterminated phrase" },
	{ "a \xe2\x80\x9c" "abc", 2, "unterminated phrase" },
	{ "title:\"abc", 6, "unterminated phrase" },
	{ "\"\"", 0, "empty phrase" },
	{ "a \"  \"", 2, "empty phrase" },
	{ "\xe2\x80\x9c\xe2\x80\x9d", 0, "empty phrase" },

	/* NEAR */
	{ "a NEAR", 2, "NEAR needs a word or phrase on both sides" },
	{ "NEAR a", 0, "NEAR needs a word or phrase on both sides" },
	{ "a NEAR OR b", 2, "NEAR needs a word or phrase on both sides" },
	{ "a NEAR/0 b", 2, "invalid NEAR window 'NEAR/0'" },
	{ "a NEAR/x b", 2, "invalid NEAR window 'NEAR/x'" },
	{ "a NEAR/ b", 2, "invalid NEAR window" },
	{ "a NEAR/3x b", 2, "invalid NEAR window" },
	{ "a NEAR/1001 b", 2, "invalid NEAR window" },
	{ "a NEAR/99999999999999999999 b", 2, "invalid NEAR window" },
	{ "(a OR b) NEAR c", 0, "NEAR works only on words and phrases" },
	{ "a NEAR -b", 7, "NEAR works only on words and phrases" },
	{ "a NEAR (b c)", 7, "NEAR works only on words and phrases" },
	{ "a NEAR date:2024", 7, "NEAR works only on words and phrases" },
	{ "a NEAR b NEAR NOT c", 14,
	  "NEAR works only on words and phrases" },

	/* dates */
	{ "date:2024-13", 5, "invalid date '2024-13'" },
	{ "date:2024-00", 5, "invalid date '2024-00'" },
	{ "date:2024-02-30", 5, "invalid date '2024-02-30'" },
	{ "date:2023-02-29", 5, "invalid date '2023-02-29'" },
	{ "date:1900-02-29", 5, "invalid date '1900-02-29'" },
	{ "date:2024-04-31", 5, "invalid date '2024-04-31'" },
	{ "date:abc", 5, "invalid date 'abc'" },
	{ "date:24", 5, "invalid date '24'" },
	{ "date:2024-3", 5, "invalid date '2024-3'" },
	{ "date:2024/03", 5, "invalid date '2024/03'" },
	{ "x date:2024-04..2024-03", 7,
	  "invalid date range '2024-04..2024-03'" },
	{ "date:2024..2024-00", 11, "invalid date '2024-00'" },
	{ "date:2024-1..2025", 5, "invalid date '2024-1'" },
	{ "date:..", 5, "invalid date range '..'" },
	{ "date:2024...2025", 11, "invalid date '.2025'" },
	{ "date:(2024)", 5, "needs a plain value" },
	{ "date:\"2024\"", 5, "needs a plain value" },
	{ "date:", 0, "field 'date' needs a value" },

	/* since */
	{ "since:7x", 6, "invalid period '7x'" },
	{ "since:d", 6, "invalid period 'd'" },
	{ "since:0d", 6, "invalid period '0d'" },
	{ "since:7", 6, "invalid period '7'" },
	{ "since:7dd", 6, "invalid period '7dd'" },
	{ "since:-7d", 6, "invalid period '-7d'" },
	{ "since:99999999999999999999d", 6, "invalid period" },
	{ "since:", 0, "field 'since' needs a value" },

	/* indexed */
	{ "indexed:7x", 8, "invalid date '7x'" },
	{ "indexed:0h", 8, "invalid period '0h'" },
	{ "indexed:h", 8, "invalid period 'h'" },
	{ "indexed:#", 8, "invalid sequence range '#'" },
	{ "indexed:#0", 8, "invalid sequence range '#0'" },
	{ "indexed:#..", 8, "invalid sequence range '#..'" },
	{ "indexed:#9..3", 8, "invalid sequence range '#9..3'" },
	{ "indexed:#1x", 8, "invalid sequence range '#1x'" },
	{ "indexed:#99999999999999999999..", 8, "invalid sequence range" },
	{ "indexed:(24h)", 8, "needs a plain value" },
	{ "indexed:", 0, "field 'indexed' needs a value" },

	/* empty field values and lone wildcards */
	{ "title:", 0, "field 'title' needs a value" },
	{ "a title: b", 2, "field 'title' needs a value" },
	{ "(url:)", 1, "field 'url' needs a value" },
	{ "*", 0, "'*' needs at least one character before it" },
	{ "a **", 2, "'*' needs at least one character before it" },
	{ "a title:*", 8, "'*' needs at least one character before it" },
	{ "-*", 1, "'*' needs at least one character before it" },
	{ "a \"b c\"*", 7, "'*' needs at least one character before it" },
};

static struct newsidx_qnode *parse_ok(const char *q)
{
	struct newsidx_qnode *n = NULL;
	char err[128];
	size_t off = 99;
	newsidx_status_t rc;

	rc = newsidx_query__parse(q, &n, &off, err, sizeof(err));
	ck_assert_msg(rc == NEWSIDX_OK, "query \"%s\": status %d at %zu: %s",
		      q, (int)rc, off, err);
	return n;
}

START_TEST(test_good)
{
	const struct good *g = &good[_i];
	struct newsidx_qnode *n = parse_ok(g->query);
	char *d;

	ck_assert_ptr_nonnull(n);
	d = newsidx_query__describe(n);
	ck_assert_ptr_nonnull(d);
	ck_assert_msg(strcmp(d, g->tree) == 0,
		      "query \"%s\"\n  got  %s\n  want %s", g->query, d,
		      g->tree);
	free(d);
	newsidx_query__free(n);
}
END_TEST

START_TEST(test_bad)
{
	const struct bad *b = &bad[_i];
	struct newsidx_qnode *n = (struct newsidx_qnode *)1;
	char err[128];
	size_t off = 12345;
	newsidx_status_t rc;

	rc = newsidx_query__parse(b->query, &n, &off, err, sizeof(err));
	ck_assert_msg(rc == NEWSIDX_QUERY_SYNTAX,
		      "query \"%s\": status %d, expected a syntax error",
		      b->query, (int)rc);
	ck_assert_ptr_null(n);
	ck_assert_msg(strstr(err, b->msg) != NULL,
		      "query \"%s\": message \"%s\" lacks \"%s\"", b->query,
		      err, b->msg);
	ck_assert_msg(off == b->offset, "query \"%s\": offset %zu, want %zu",
		      b->query, off, b->offset);
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(test_empty)
{
	static const char *const empty[] = { "", " ", "\t\n \r\v\f" };
	struct newsidx_qnode *n;
	size_t i;

	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		n = (struct newsidx_qnode *)1;
		ck_assert_int_eq(newsidx_query__parse(empty[i], &n, NULL,
						      NULL, 0),
				 NEWSIDX_OK);
		ck_assert_ptr_null(n);
	}
}
END_TEST

START_TEST(test_fields_of_nodes)
{
	struct newsidx_qnode *n, *k;

	n = parse_ok("title:ind*");
	ck_assert_int_eq(n->type, NEWSIDX_Q_WORD);
	ck_assert_str_eq(n->field, "title");
	ck_assert_str_eq(n->text, "ind");
	ck_assert_int_eq(n->wildcard, 1);
	ck_assert_int_eq(n->required, 0);
	ck_assert_uint_eq(n->offset, 0);
	ck_assert_uint_eq(n->nkids, 0);
	newsidx_query__free(n);

	n = parse_ok("x  -y +z");
	ck_assert_int_eq(n->type, NEWSIDX_Q_AND);
	ck_assert_uint_eq(n->nkids, 3);
	ck_assert_ptr_null(n->kids[0]->field);
	ck_assert_uint_eq(n->kids[0]->offset, 0);
	k = n->kids[1];
	ck_assert_int_eq(k->type, NEWSIDX_Q_NOT);
	ck_assert_uint_eq(k->offset, 3);
	ck_assert_uint_eq(k->nkids, 1);
	ck_assert_uint_eq(k->kids[0]->offset, 4);
	ck_assert_str_eq(k->kids[0]->text, "y");
	ck_assert_int_eq(n->kids[2]->required, 1);
	ck_assert_uint_eq(n->kids[2]->offset, 7);
	newsidx_query__free(n);

	n = parse_ok("a NEAR/3 \"b c\"");
	ck_assert_int_eq(n->type, NEWSIDX_Q_NEAR);
	ck_assert_uint_eq(n->window, 3);
	ck_assert_uint_eq(n->nkids, 2);
	ck_assert_int_eq(n->kids[1]->type, NEWSIDX_Q_PHRASE);
	ck_assert_str_eq(n->kids[1]->text, "b c");
	ck_assert_uint_eq(n->kids[1]->offset, 9);
	newsidx_query__free(n);

	n = parse_ok("date:2024-02");
	ck_assert_int_eq(n->type, NEWSIDX_Q_DATE);
	ck_assert_ptr_null(n->field);
	ck_assert_str_eq(n->lo, "20240201000000");
	ck_assert_str_eq(n->hi, "20240229235959");
	newsidx_query__free(n);

	n = parse_ok("date:..2024-01-01");
	ck_assert_str_eq(n->lo, "");
	ck_assert_str_eq(n->hi, "20240101235959");
	newsidx_query__free(n);

	n = parse_ok("since:14d");
	ck_assert_int_eq(n->type, NEWSIDX_Q_SINCE);
	ck_assert_uint_eq(n->since_n, 14);
	ck_assert_int_eq(n->since_unit, 'd');
	newsidx_query__free(n);

	n = parse_ok("a (b OR c)");
	ck_assert_int_eq(n->kids[1]->type, NEWSIDX_Q_OR);
	ck_assert_uint_eq(n->kids[1]->offset, 2);
	newsidx_query__free(n);
}
END_TEST

/* ------------------------------------------------------------------ */
/* spans and keywords                                                  */
/* ------------------------------------------------------------------ */

/* Append the spans of the WORD and PHRASE nodes of n, in query order, as
 * "off+len " each, checking that each span holds the node's text. */
static void spans_of(const char *q, const struct newsidx_qnode *n,
		     char *out, size_t size)
{
	size_t i, used = strlen(out);

	if (n->type == NEWSIDX_Q_WORD || n->type == NEWSIDX_Q_PHRASE) {
		ck_assert_uint_eq(n->span_len, strlen(n->text));
		ck_assert_uint_le(n->span_off + n->span_len, strlen(q));
		ck_assert_msg(memcmp(q + n->span_off, n->text,
				     n->span_len) == 0,
			      "query \"%s\": span %zu+%zu is not \"%s\"", q,
			      n->span_off, n->span_len, n->text);
		snprintf(out + used, size - used, "%zu+%zu ", n->span_off,
			 n->span_len);
	}
	for (i = 0; i < n->nkids; i++)
		spans_of(q, n->kids[i], out, size);
}

/* Every span of every good query holds its node's text. */
START_TEST(test_spans_hold_text)
{
	const struct good *g = &good[_i];
	struct newsidx_qnode *n = parse_ok(g->query);
	char buf[1024] = "";

	spans_of(g->query, n, buf, sizeof(buf));
	newsidx_query__free(n);
}
END_TEST

static const struct good spans[] = {
	{ "india", "0+5 " },
	{ "  india \t ", "2+5 " },
	{ "+india -japan", "1+5 8+5 " },
	{ "title:ind*", "6+3 " },
	{ "ind** x", "0+3 6+1 " },
	{ "\"  trade gap \"", "3+9 " },
	{ "+\"  trade gap \"", "4+9 " },
	{ "\xe2\x80\x9cjapn\xe2\x80\x9d japn", "3+4 11+4 " },
	{ "title:\"a b\" c", "7+3 12+1 " },
	{ "title:(a OR bb) c", "7+1 12+2 16+1 " },
	{ "a NEAR/3 \"b c\"", "0+1 10+3 " },
	/* The same text earlier in the query, as part of a field value or
	 * a longer word, is not where the later word was typed. */
	{ "title:japn japn", "6+4 11+4 " },
	{ "xjapn japn", "0+5 6+4 " },
	{ "japn\"japn\"", "0+4 5+4 " },
	{ "\"japn to japn\" japn", "1+12 15+4 " },
};

START_TEST(test_spans)
{
	const struct good *g = &spans[_i];
	struct newsidx_qnode *n = parse_ok(g->query);
	char buf[256] = "";

	spans_of(g->query, n, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, g->tree) == 0,
		      "query \"%s\"\n  got  %s\n  want %s", g->query, buf,
		      g->tree);
	newsidx_query__free(n);
}
END_TEST

/* The operators of n in preorder, each with '+' when written as its
 * keyword and '-' when implied ("AND- NOT+ "). */
static void keywords_of(const struct newsidx_qnode *n, char *out,
			size_t size)
{
	static const char *const names[] = {
		[NEWSIDX_Q_AND] = "AND", [NEWSIDX_Q_OR] = "OR",
		[NEWSIDX_Q_NOT] = "NOT", [NEWSIDX_Q_NEAR] = "NEAR",
	};
	size_t i, used = strlen(out);

	if (n->type == NEWSIDX_Q_AND || n->type == NEWSIDX_Q_OR ||
	    n->type == NEWSIDX_Q_NOT || n->type == NEWSIDX_Q_NEAR)
		snprintf(out + used, size - used, "%s%c ", names[n->type],
			 n->keyword ? '+' : '-');
	else
		ck_assert_int_eq(n->keyword, 0);
	for (i = 0; i < n->nkids; i++)
		keywords_of(n->kids[i], out, size);
}

static const struct good keywords[] = {
	{ "a b", "AND- " },
	{ "a AND b", "AND+ " },
	{ "a b AND c", "AND+ " },
	{ "(a AND b) c", "AND+ " },
	{ "a b (c AND d)", "AND+ " },
	{ "+(a AND b) c", "AND- AND+ " },
	{ "(a)AND(b)", "AND+ " },
	{ "a OR b", "OR+ " },
	{ "a (b OR c)", "AND- OR+ " },
	{ "a OR b AND c", "OR+ AND+ " },
	{ "-a", "NOT- " },
	{ "NOT a", "NOT+ " },
	{ "a -b", "AND- NOT- " },
	{ "a NOT b", "AND- NOT+ " },
	{ "a AND NOT b", "AND+ NOT+ " },
	{ "a NEAR b", "NEAR+ " },
	/* AND as a word, not an operator */
	{ "+AND b", "AND- " },
	{ "title:AND b", "AND- " },
	{ "a -AND", "AND- NOT- " },
	/* Keywords inside a phrase are words of the phrase. */
	{ "\"rock AND roll\"", "" },
	{ "\"rock AND roll\" music", "AND- " },
	{ "\xe2\x80\x9crock AND roll\xe2\x80\x9d music", "AND- " },
	/* Any white space, and a curly quote, end a keyword. */
	{ "a\nAND\nb", "AND+ " },
	{ "a\rAND\fb", "AND+ " },
	{ "a AND\xe2\x80\x9c" "b c\xe2\x80\x9d", "AND+ " },
};

START_TEST(test_keywords)
{
	const struct good *g = &keywords[_i];
	struct newsidx_qnode *n = parse_ok(g->query);
	char buf[256] = "";

	keywords_of(n, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, g->tree) == 0,
		      "query \"%s\"\n  got  %s\n  want %s", g->query, buf,
		      g->tree);
	newsidx_query__free(n);
}
END_TEST

/* Build a string of n copies of a piece around a middle. */
static char *repeat(const char *open, size_t n, const char *mid,
		    const char *close)
{
	size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close), i;
	char *s = malloc(n * (lo + lc) + lm + 1), *p = s;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < n; i++, p += lo)
		memcpy(p, open, lo);
	memcpy(p, mid, lm);
	p += lm;
	for (i = 0; i < n; i++, p += lc)
		memcpy(p, close, lc);
	*p = '\0';
	return s;
}

static void expect_depth_error(char *q, size_t want_off)
{
	struct newsidx_qnode *n = NULL;
	char err[128];
	size_t off = 0;

	ck_assert_int_eq(newsidx_query__parse(q, &n, &off, err, sizeof(err)),
			 NEWSIDX_QUERY_SYNTAX);
	ck_assert_ptr_null(n);
	ck_assert_str_eq(err, "query nests too deeply");
	ck_assert_uint_eq(off, want_off);
	free(q);
}

START_TEST(test_depth)
{
	struct newsidx_qnode *n;
	char *q;
	char *d;

	/* 100 levels are allowed and collapse to the word */
	q = repeat("(", 100, "a", ")");
	n = parse_ok(q);
	d = newsidx_query__describe(n);
	ck_assert_str_eq(d, "word:\"a\"");
	free(d);
	newsidx_query__free(n);
	free(q);

	expect_depth_error(repeat("(", 101, "a", ")"), 100);
	expect_depth_error(repeat("(", 100000, "a", ")"), 100);
	expect_depth_error(repeat("(", 100000, "", ""), 100);
	expect_depth_error(repeat("NOT ", 100000, "a", ""), 400);
	expect_depth_error(repeat("-(", 100000, "a", ")"), 201);
	expect_depth_error(repeat("title:(", 100000, "a", ")"), 706);
}
END_TEST

START_TEST(test_large)
{
	struct newsidx_qnode *n;
	size_t len = 1000000, i;
	char *q = malloc(len + 1);

	/* one long word */
	ck_assert_ptr_nonnull(q);
	memset(q, 'x', len);
	q[len] = '\0';
	n = parse_ok(q);
	ck_assert_uint_eq(strlen(n->text), len);
	newsidx_query__free(n);

	/* many words make one flat AND */
	for (i = 0; i < len; i += 2) {
		q[i] = 'w';
		q[i + 1] = ' ';
	}
	n = parse_ok(q);
	ck_assert_int_eq(n->type, NEWSIDX_Q_AND);
	ck_assert_uint_eq(n->nkids, len / 2);
	newsidx_query__free(n);
	free(q);
}
END_TEST

START_TEST(test_arguments)
{
	struct newsidx_qnode *n = NULL;
	char err[8];
	size_t off = 0;
	char *d;

	ck_assert_int_eq(newsidx_query__parse(NULL, &n, NULL, NULL, 0),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_int_eq(newsidx_query__parse("a", NULL, NULL, NULL, 0),
			 NEWSIDX_INVALID_ARGUMENT);

	/* errors work without an offset or a buffer, and are truncated */
	ck_assert_int_eq(newsidx_query__parse("a OR", &n, NULL, NULL, 0),
			 NEWSIDX_QUERY_SYNTAX);
	ck_assert_int_eq(newsidx_query__parse("(a", &n, &off, err,
					      sizeof(err)),
			 NEWSIDX_QUERY_SYNTAX);
	ck_assert_str_eq(err, "unbalan");
	ck_assert_uint_eq(off, 0);

	/* success clears the buffer */
	ck_assert_int_eq(newsidx_query__parse("a", &n, &off, err,
					      sizeof(err)),
			 NEWSIDX_OK);
	ck_assert_str_eq(err, "");
	newsidx_query__free(n);
	newsidx_query__free(NULL);

	d = newsidx_query__describe(NULL);
	ck_assert_str_eq(d, "");
	free(d);
}
END_TEST

/* Quoted input in messages stays on one line and is cut short. */
START_TEST(test_message_excerpt)
{
	struct newsidx_qnode *n = NULL;
	char err[256];
	size_t off;

	ck_assert_int_eq(newsidx_query__parse("date:ab\x01\x7f" "c", &n, &off,
					      err, sizeof(err)),
			 NEWSIDX_QUERY_SYNTAX);
	ck_assert_str_eq(err, "invalid date 'ab??c'");

	ck_assert_int_eq(newsidx_query__parse(
				 "date:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				 "\xc3\xa9xxxxxxxxxxx",
				 &n, &off, err, sizeof(err)),
			 NEWSIDX_QUERY_SYNTAX);
	ck_assert_str_eq(err, "invalid date "
			 "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'");
}
END_TEST

/*
 * What a search accepts as a query (newsidx_query__parse_input): UTF-8,
 * at most NEWSIDX_QUERY_MAX_BYTES bytes and NEWSIDX_QUERY_MAX_WORDS
 * words; anything else is a syntax error at the fault.  The parser alone
 * still takes any bytes (the rows of good[] above).
 */
struct input_case {
	char *query;        /* malloc'd */
	size_t offset;      /* of the fault; ignored when msg is NULL */
	const char *msg;    /* the whole message, or NULL: parses */
};

/* A malloc'd copy of s. */
static char *copy_str(const char *s)
{
	return repeat("", 0, s, "");
}

static struct input_case input_case(int i)
{
	struct input_case c = { NULL, 0, NULL };
	size_t w = NEWSIDX_QUERY_MAX_WORDS;

	switch (i) {
	case 0:
		c.query = copy_str("caf\xe9 au lait");
		c.offset = 3;
		c.msg = "invalid UTF-8 (byte 0xe9 at offset 3)";
		break;
	case 1:
		c.query = copy_str("a \xff\xfe");
		c.offset = 2;
		c.msg = "invalid UTF-8 (byte 0xff at offset 2)";
		break;
	case 2: /* an overlong '/' */
		c.query = copy_str("title:\xc0\xaf");
		c.offset = 6;
		c.msg = "invalid UTF-8 (byte 0xc0 at offset 6)";
		break;
	case 3: /* cut inside a character */
		c.query = copy_str("\"caf\xc3");
		c.offset = 4;
		c.msg = "invalid UTF-8 (byte 0xc3 at offset 4)";
		break;
	case 4:
		c.query = copy_str("caf\xc3\xa9 "
				   "\xe2\x80\x9cna\xc3\xafve\xe2\x80\x9d "
				   "\xf0\x9f\x93\xb0 \xf4\x8f\xbf\xbf");
		break;
	case 11: /* a surrogate, U+D800 */
		c.query = copy_str("x \xed\xa0\x80");
		c.offset = 2;
		c.msg = "invalid UTF-8 (byte 0xed at offset 2)";
		break;
	case 12: /* past U+10FFFF */
		c.query = copy_str("x \xf4\x90\x80\x80");
		c.offset = 2;
		c.msg = "invalid UTF-8 (byte 0xf4 at offset 2)";
		break;
	case 13: /* an overlong form of three bytes */
		c.query = copy_str("\xe0\x80\xaf");
		c.offset = 0;
		c.msg = "invalid UTF-8 (byte 0xe0 at offset 0)";
		break;
	case 5: /* the most bytes: one long word */
		c.query = calloc(NEWSIDX_QUERY_MAX_BYTES + 1, 1);
		ck_assert_ptr_nonnull(c.query);
		memset(c.query, 'x', NEWSIDX_QUERY_MAX_BYTES);
		break;
	case 6: /* one byte more */
		c.query = calloc(NEWSIDX_QUERY_MAX_BYTES + 2, 1);
		ck_assert_ptr_nonnull(c.query);
		memset(c.query, 'x', NEWSIDX_QUERY_MAX_BYTES + 1);
		c.offset = NEWSIDX_QUERY_MAX_BYTES;
		c.msg = "query is longer than 8192 bytes";
		break;
	case 7: /* the most words */
		c.query = repeat("w ", w, "", "");
		break;
	case 8: /* one word more: the fault is that word */
		c.query = repeat("w ", w, "extra", "");
		c.offset = 2 * w;
		c.msg = "query has more than 256 words";
		break;
	case 9: /* a phrase's words count one by one */
		c.query = repeat("w ", w - 1, "\"x y\"", "");
		c.offset = 2 * (w - 1) + 3;
		c.msg = "query has more than 256 words";
		break;
	default: /* operators and field names are not words */
		c.query = repeat("title:w OR ", w - 1, "(-w)", "");
		break;
	}
	ck_assert_ptr_nonnull(c.query);
	return c;
}

#define N_INPUT_CASES 14

START_TEST(test_input_limits)
{
	struct input_case c = input_case(_i);
	struct newsidx_qnode *n = (struct newsidx_qnode *)1;
	char err[128];
	size_t off = 12345;
	newsidx_status_t rc;

	rc = newsidx_query__parse_input(c.query, &n, &off, err, sizeof(err));
	if (c.msg) {
		ck_assert_int_eq(rc, NEWSIDX_QUERY_SYNTAX);
		ck_assert_ptr_null(n);
		ck_assert_str_eq(err, c.msg);
		ck_assert_uint_eq(off, c.offset);
	} else {
		ck_assert_msg(rc == NEWSIDX_OK, "case %d: status %d: %s", _i,
			      (int)rc, err);
		ck_assert_ptr_nonnull(n);
		newsidx_query__free(n);
	}
	free(c.query);
}
END_TEST

/* Errors of the grammar keep their own offset and message, and the
 * arguments are checked as by the parser. */
START_TEST(test_input_passes_through)
{
	struct newsidx_qnode *n = NULL;
	char err[128];
	size_t off = 0;

	ck_assert_int_eq(newsidx_query__parse_input("a (b", &n, &off, err,
						    sizeof(err)),
			 NEWSIDX_QUERY_SYNTAX);
	ck_assert_str_eq(err, "unbalanced parenthesis");
	ck_assert_uint_eq(off, 2);
	ck_assert_ptr_null(n);
	ck_assert_int_eq(newsidx_query__parse_input(" ", &n, &off, err,
						    sizeof(err)),
			 NEWSIDX_OK);
	ck_assert_ptr_null(n);
	ck_assert_int_eq(newsidx_query__parse_input(NULL, &n, NULL, NULL, 0),
			 NEWSIDX_INVALID_ARGUMENT);
	ck_assert_int_eq(newsidx_query__parse_input("a", NULL, NULL, NULL, 0),
			 NEWSIDX_INVALID_ARGUMENT);
}
END_TEST

static Suite *query_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_good, 0,
			    (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_loop_test(tc, test_bad, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_fields_of_nodes);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_large);
	tcase_add_test(tc, test_arguments);
	tcase_add_test(tc, test_message_excerpt);
	tcase_add_loop_test(tc, test_input_limits, 0, N_INPUT_CASES);
	tcase_add_test(tc, test_input_passes_through);
	tcase_add_loop_test(tc, test_spans_hold_text, 0,
			    (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_loop_test(tc, test_spans, 0,
			    (int)(sizeof(spans) / sizeof(spans[0])));
	tcase_add_loop_test(tc, test_keywords, 0,
			    (int)(sizeof(keywords) / sizeof(keywords[0])));
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(query_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
