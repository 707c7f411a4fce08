/*
 * query.c: the query language parser.
 *
 * This file turns a query string into a tree of struct newsidx_qnode and
 * renders such a tree as one line of text for --explain and the tests.
 * It knows the syntax and nothing else: words stay as typed, and the
 * caller analyses them when it builds the Xapian query, so the parser
 * depends on neither the analyzer nor Xapian.  It is a recursive descent
 * over a lexer that never advances by itself (the parser moves the
 * position), which lets the same bytes be read in two ways: "-OR" is an
 * operator and a keyword on its own, but only a word after the sign.
 * Every syntax error carries the byte offset of the fault.  The parser
 * reads any bytes and any length; the searches enter through
 * newsidx_query__parse_input(), which first holds the query to its
 * limits as input: UTF-8, and a bounded size.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/analyzer.h"
#include "query/query.h"
#include "util/util.h"

/* Deeper nesting is certainly not typed by a person; the cap also bounds
 * the recursion, so hostile input cannot exhaust the stack. */
#define MAX_DEPTH 100

/* "NEAR" alone means NEAR/10; windows above MAX_WINDOW are longer than
 * most articles and would only make the match slower. */
#define DEFAULT_WINDOW 10
#define MAX_WINDOW 1000

/* since:N<unit> accepts N up to this (some 270 years in days). */
#define MAX_SINCE 100000

/* Bytes of user input quoted in an error message. */
#define EXCERPT 40

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* The known fields.  date and since build their own node types. */
enum field_id {
	F_TITLE, F_SOURCE, F_PLACE, F_LANG, F_AUTHOR, F_URL, F_ID, F_TOPIC,
	F_COUNTRY, F_ORG, F_PERSON, F_DATE, F_SINCE, F_INDEXED, F_COUNT
};

static const char *const field_names[F_COUNT] = {
	"title", "source", "place", "lang", "author", "url", "id", "topic",
	"country", "org", "person", "date", "since", "indexed"
};

enum tok_kind {
	T_END, T_ERR, T_LPAREN, T_RPAREN, T_PHRASE, T_MINUS, T_PLUS,
	T_AND, T_OR, T_NOT, T_NEAR, T_FIELD, T_WORD
};

static const char near_msg[] = "NEAR needs a word or phrase on both sides";

/* Lexer mode: right after a + or - sign, where the next bytes are the
 * sign's operand, so neither keywords nor further signs are seen. */
#define GLUED 1

struct tok {
	enum tok_kind kind;
	size_t off;      /* first byte of the token */
	size_t end;      /* just past it */
	size_t vstart;   /* PHRASE: first byte of the text; FIELD: value */
	size_t vend;     /* PHRASE: just past the text; FIELD: word run */
	int field;       /* FIELD: enum field_id */
	unsigned window; /* NEAR */
};

struct parser {
	const char *q;
	size_t pos;
	unsigned depth;
	newsidx_status_t status;
	size_t err_off;
	char *errbuf;
	size_t errlen;
};

/* A growing list of nodes, which becomes the kids of an AND/OR/NEAR;
 * keyword: the node's operator was written as its keyword (see
 * newsidx_qnode.keyword). */
struct vec {
	struct newsidx_qnode **v;
	size_t n;
	size_t cap;
	int keyword;
};

/* ---- errors ---- */

PRINTF_LIKE(3, 4)
static void fail(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	/* The first fault is the one worth reporting. */
	if (p->status != NEWSIDX_OK)
		return;
	p->status = NEWSIDX_QUERY_SYNTAX;
	p->err_off = off;
	if (p->errbuf && p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->errbuf, p->errlen, fmt, ap);
		va_end(ap);
	}
}

static void nomem(struct parser *p)
{
	if (p->status != NEWSIDX_OK)
		return;
	p->status = NEWSIDX_NOMEM;
	p->err_off = p->pos;
	if (p->errbuf && p->errlen)
		snprintf(p->errbuf, p->errlen, "out of memory");
}

/*
 * Copy some user input into buf for quoting in a message.  Messages are
 * one line, so control bytes become '?'; long input is cut at a
 * character boundary and marked with "...".
 */
static const char *excerpt(char buf[EXCERPT + 4], const char *s, size_t n)
{
	size_t i, cut = n;

	if (cut > EXCERPT) {
		cut = EXCERPT;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	for (i = 0; i < cut; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (cut < n) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* ---- nodes ---- */

void newsidx_query__free(struct newsidx_qnode *node)
{
	size_t i;

	if (!node)
		return;
	for (i = 0; i < node->nkids; i++)
		newsidx_query__free(node->kids[i]);
	free(node->kids);
	free(node->field);
	free(node->text);
	free(node);
}

static struct newsidx_qnode *new_node(struct parser *p,
				      enum newsidx_qtype type, size_t off)
{
	struct newsidx_qnode *n = calloc(1, sizeof(*n));

	if (!n) {
		nomem(p);
		return NULL;
	}
	n->type = type;
	n->offset = off;
	return n;
}

static char *copy(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

/* A WORD or PHRASE whose text is the len bytes of the query at s, with
 * the given field (NULL for none). */
static struct newsidx_qnode *leaf(struct parser *p, enum newsidx_qtype type,
				  const char *field, size_t off, size_t s,
				  size_t len)
{
	struct newsidx_qnode *n = new_node(p, type, off);

	if (!n)
		return NULL;
	n->text = copy(p->q + s, len);
	n->span_off = s;
	n->span_len = len;
	if (field)
		n->field = copy(field, strlen(field));
	if (!n->text || (field && !n->field)) {
		newsidx_query__free(n);
		nomem(p);
		return NULL;
	}
	return n;
}

static struct newsidx_qnode *negate(struct parser *p,
				    struct newsidx_qnode *kid, size_t off)
{
	struct newsidx_qnode *n;

	if (!kid)
		return NULL;
	n = new_node(p, NEWSIDX_Q_NOT, off);
	if (n)
		n->kids = malloc(sizeof(*n->kids));
	if (!n || !n->kids) {
		free(n);
		newsidx_query__free(kid);
		nomem(p);
		return NULL;
	}
	n->kids[0] = kid;
	n->nkids = 1;
	return n;
}

static void drop(struct vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		newsidx_query__free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

/*
 * Append kid to a list that will become a node of the given type.  A kid
 * of the same kind is spliced in, so (a b) c is one AND of three; a
 * required group keeps its own node, since the + belongs to the group.
 * Takes ownership of kid in all cases.
 */
static int push(struct parser *p, struct vec *v, struct newsidx_qnode *kid,
		enum newsidx_qtype type)
{
	int splice = kid->type == type && !kid->required && !kid->field &&
		     (type == NEWSIDX_Q_AND || type == NEWSIDX_Q_OR);

	if (newsidx_array__reserve(&v->v, &v->cap,
				   v->n + (splice ? kid->nkids : 1),
				   sizeof(*v->v), 4)) {
		newsidx_query__free(kid);
		nomem(p);
		return -1;
	}
	if (splice) {
		/* (a AND b) c: the AND keyword joins operands of the whole. */
		v->keyword |= kid->keyword;
		if (kid->nkids)
			memcpy(v->v + v->n, kid->kids,
			       kid->nkids * sizeof(*kid->kids));
		v->n += kid->nkids;
		kid->nkids = 0;
		newsidx_query__free(kid);
	} else {
		v->v[v->n++] = kid;
	}
	return 0;
}

/* Turn a list into a node; a list of one is just that one. */
static struct newsidx_qnode *group(struct parser *p, struct vec *v,
				   enum newsidx_qtype type)
{
	struct newsidx_qnode *n;

	if (v->n == 1) {
		n = v->v[0];
		free(v->v);
		return n;
	}
	n = new_node(p, type, v->v[0]->offset);
	if (!n) {
		drop(v);
		return NULL;
	}
	n->kids = v->v;
	n->nkids = v->n;
	n->keyword = v->keyword;
	return n;
}

/* ---- lexer ---- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/* The length of the quote mark at s: " (1), or the curly “ or ” (3). */
static size_t quote_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] == '"')
		return 1;
	/* Short-circuiting stops at the NUL, so this never reads past it. */
	if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0x9c || u[2] == 0x9d))
		return 3;
	return 0;
}

static int ends_word(const char *s)
{
	return *s == '\0' || is_space(*s) || *s == '(' || *s == ')' ||
	       quote_len(s) != 0;
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* The field named by the len bytes at s (any case), or -1. */
static int find_field(const char *s, size_t len)
{
	int f;
	size_t i;

	for (f = 0; f < F_COUNT; f++) {
		const char *name = field_names[f];

		if (strlen(name) != len)
			continue;
		for (i = 0; i < len && lower(s[i]) == name[i]; i++)
			;
		if (i == len)
			return f;
	}
	return -1;
}

static int same(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* Read n of NEAR/n; 0 when it is not a number from 1 to MAX_WINDOW. */
static unsigned near_window(const char *s, size_t len)
{
	unsigned n = 0;
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		n = n * 10 + (unsigned)(s[i] - '0');
		if (n > MAX_WINDOW)
			return 0;
	}
	return n;
}

/* A quoted phrase whose opening quote (qn bytes) is at open. */
static struct tok lex_phrase(struct parser *p, size_t open, size_t qn)
{
	const char *q = p->q;
	struct tok t;
	size_t i = open + qn, s, e;

	memset(&t, 0, sizeof(t));
	t.off = open;
	while (q[i] && !quote_len(q + i))
		i++;
	if (!q[i]) {
		fail(p, open, "unterminated phrase");
		t.kind = T_ERR;
		return t;
	}
	t.end = i + quote_len(q + i);
	for (s = open + qn, e = i; s < e && is_space(q[s]); s++)
		;
	while (e > s && is_space(q[e - 1]))
		e--;
	if (s == e) {
		fail(p, open, "empty phrase");
		t.kind = T_ERR;
		return t;
	}
	t.kind = T_PHRASE;
	t.vstart = s;
	t.vend = e;
	return t;
}

/* Classify a run of word characters [i, e) outside GLUED mode: 1 if it
 * is a keyword (t is then set), 0 if it is not. */
static int keyword(struct parser *p, struct tok *t, size_t i, size_t e)
{
	const char *s = p->q + i;
	size_t len = e - i;
	char buf[EXCERPT + 4];

	if (same(s, len, "AND")) {
		t->kind = T_AND;
	} else if (same(s, len, "OR")) {
		t->kind = T_OR;
	} else if (same(s, len, "NOT")) {
		t->kind = T_NOT;
	} else if (same(s, len, "NEAR")) {
		t->kind = T_NEAR;
		t->window = DEFAULT_WINDOW;
	} else if (len >= 5 && memcmp(s, "NEAR/", 5) == 0) {
		/* Clearly meant as the operator, so a bad n is an error
		 * rather than a word. */
		t->kind = T_NEAR;
		t->window = near_window(s + 5, len - 5);
		if (!t->window) {
			fail(p, i, "invalid NEAR window '%s'",
			     excerpt(buf, s, len));
			t->kind = T_ERR;
		}
	} else {
		return 0;
	}
	return 1;
}

/* The token at the current position; the position does not move. */
static struct tok lex(struct parser *p, int mode)
{
	const char *q = p->q;
	struct tok t;
	size_t i = p->pos, e, colon, qn;

	memset(&t, 0, sizeof(t));
	while (is_space(q[i]))
		i++;
	t.off = i;
	t.end = i + 1;
	if (q[i] == '\0') {
		t.kind = T_END;
		t.end = i;
		return t;
	}
	if (q[i] == '(') {
		t.kind = T_LPAREN;
		return t;
	}
	if (q[i] == ')') {
		t.kind = T_RPAREN;
		return t;
	}
	qn = quote_len(q + i);
	if (qn)
		return lex_phrase(p, i, qn);

	/* A sign is an operator only when something follows it closely;
	 * alone ("india - pakistan") it is an ordinary word. */
	if (!(mode & GLUED) && (q[i] == '-' || q[i] == '+') &&
	    !is_space(q[i + 1]) && q[i + 1] != ')' && q[i + 1] != '\0') {
		t.kind = q[i] == '-' ? T_MINUS : T_PLUS;
		return t;
	}
	for (e = i; !ends_word(q + e); e++)
		;
	t.end = e;
	t.kind = T_WORD;
	if (!(mode & GLUED) && keyword(p, &t, i, e))
		return t;
	for (colon = i; colon < e && q[colon] != ':'; colon++)
		;
	if (colon < e) {
		t.field = find_field(q + i, colon - i);
		if (t.field >= 0) {
			t.kind = T_FIELD;
			t.vstart = colon + 1;
			t.vend = e;
		}
	}
	return t;
}

/* ---- dates ---- */

static unsigned days_in(unsigned y, unsigned m)
{
	static const unsigned char days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Parse n decimal digits at s; -1 if any is not a digit. */
static long digits(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static void put_num(char *d, unsigned v, int width)
{
	while (width-- > 0) {
		d[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

static void stamp(char out[16], unsigned y, unsigned m, unsigned d,
		  const char *hms)
{
	put_num(out, y, 4);
	put_num(out + 4, m, 2);
	put_num(out + 6, d, 2);
	memcpy(out + 8, hms, 7);
}

/*
 * Turn YYYY, YYYY-MM or YYYY-MM-DD into the first and the last second of
 * that period.  Returns -1 if it is not a valid date.
 */
static int period(const char *s, size_t n, char lo[16], char hi[16])
{
	long y, m = 0, d = 0;

	if (n != 4 && n != 7 && n != 10)
		return -1;
	y = digits(s, 4);
	if (y < 0)
		return -1;
	if (n >= 7) {
		m = s[4] == '-' ? digits(s + 5, 2) : -1;
		if (m < 1 || m > 12)
			return -1;
	}
	if (n == 10) {
		d = s[7] == '-' ? digits(s + 8, 2) : -1;
		if (d < 1 || d > (long)days_in((unsigned)y, (unsigned)m))
			return -1;
	}
	stamp(lo, (unsigned)y, m ? (unsigned)m : 1, d ? (unsigned)d : 1,
	      "000000");
	if (!m)
		m = 12;
	if (!d)
		d = days_in((unsigned)y, (unsigned)m);
	stamp(hi, (unsigned)y, (unsigned)m, (unsigned)d, "235959");
	return 0;
}

/* date:VALUE where VALUE is [vs, ve); off is where the field starts. */
static struct newsidx_qnode *parse_date(struct parser *p, size_t off,
					size_t vs, size_t ve)
{
	const char *q = p->q;
	char lo[16] = "", hi[16] = "", unused[16], buf[EXCERPT + 4];
	struct newsidx_qnode *n;
	size_t dots;

	for (dots = vs; dots + 1 < ve; dots++)
		if (q[dots] == '.' && q[dots + 1] == '.')
			break;
	if (dots + 1 >= ve) {
		if (period(q + vs, ve - vs, lo, hi)) {
			fail(p, vs, "invalid date '%s'",
			     excerpt(buf, q + vs, ve - vs));
			return NULL;
		}
	} else {
		size_t bs = dots + 2;

		if (dots == vs && bs == ve) {
			fail(p, vs, "invalid date range '%s'",
			     excerpt(buf, q + vs, ve - vs));
			return NULL;
		}
		if (dots > vs && period(q + vs, dots - vs, lo, unused)) {
			fail(p, vs, "invalid date '%s'",
			     excerpt(buf, q + vs, dots - vs));
			return NULL;
		}
		if (bs < ve && period(q + bs, ve - bs, unused, hi)) {
			fail(p, bs, "invalid date '%s'",
			     excerpt(buf, q + bs, ve - bs));
			return NULL;
		}
		/* Both stamps have the same fixed width, so text order is
		 * time order. */
		if (lo[0] && hi[0] && strcmp(lo, hi) > 0) {
			fail(p, vs, "invalid date range '%s'",
			     excerpt(buf, q + vs, ve - vs));
			return NULL;
		}
	}
	n = new_node(p, NEWSIDX_Q_DATE, off);
	if (n) {
		memcpy(n->lo, lo, sizeof(lo));
		memcpy(n->hi, hi, sizeof(hi));
	}
	return n;
}

/* since:N<unit> where the value is [vs, ve). */
static struct newsidx_qnode *parse_since(struct parser *p, size_t off,
					 size_t vs, size_t ve)
{
	const char *q = p->q;
	char unit = ve > vs ? (char)lower(q[ve - 1]) : 0;
	unsigned long n = 0;
	struct newsidx_qnode *node;
	char buf[EXCERPT + 4];
	size_t i;

	for (i = vs; i + 1 < ve && q[i] >= '0' && q[i] <= '9'; i++) {
		n = n * 10 + (unsigned long)(q[i] - '0');
		if (n > MAX_SINCE)
			break;
	}
	if (i == vs || i + 1 != ve || n < 1 || n > MAX_SINCE ||
	    (unit != 'd' && unit != 'w' && unit != 'm' && unit != 'y')) {
		fail(p, vs, "invalid period '%s' (use e.g. 7d, 2w, 3m or 1y)",
		     excerpt(buf, q + vs, ve - vs));
		return NULL;
	}
	node = new_node(p, NEWSIDX_Q_SINCE, off);
	if (node) {
		node->since_n = (unsigned)n;
		node->since_unit = unit;
	}
	return node;
}

/* Decimal digits [s, e) as a sequence number above 0; -1 if not. */
static int seq_number(const char *s, const char *e, unsigned long long *out)
{
	unsigned long long v = 0;

	if (s == e || e - s > 18)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	*out = v;
	return v ? 0 : -1;
}

/*
 * indexed:VALUE where VALUE is [vs, ve): #N, #N.., #..M or #N..M
 * (sequences); N followed by a unit (the time since); else what date:
 * takes.
 */
static struct newsidx_qnode *parse_indexed(struct parser *p, size_t off,
					   size_t vs, size_t ve)
{
	const char *q = p->q, *dots;
	char unit = (char)lower(q[ve - 1]), buf[EXCERPT + 4];
	unsigned long long lo = 0, hi = 0;
	struct newsidx_qnode *n;
	size_t i;

	if (q[vs] == '#') {
		dots = NULL;
		for (i = vs + 1; i + 1 < ve; i++)
			if (q[i] == '.' && q[i + 1] == '.') {
				dots = q + i;
				break;
			}
		if (dots ? (dots == q + vs + 1 && dots + 2 == q + ve) ||
				   (dots > q + vs + 1 &&
				    seq_number(q + vs + 1, dots, &lo)) ||
				   (dots + 2 < q + ve &&
				    seq_number(dots + 2, q + ve, &hi)) ||
				   (lo && hi && lo > hi)
			 : seq_number(q + vs + 1, q + ve, &lo)) {
			fail(p, vs, "invalid sequence range '%s' (use e.g. "
			     "#120.. or #120..180)",
			     excerpt(buf, q + vs, ve - vs));
			return NULL;
		}
		n = new_node(p, NEWSIDX_Q_INDEXED, off);
		if (n) {
			n->by_seq = 1;
			n->seq_lo = lo;
			n->seq_hi = dots ? hi : lo;
		}
		return n;
	}
	if (unit == 'h' || unit == 'd' || unit == 'w' || unit == 'm' ||
	    unit == 'y') {
		for (i = vs; i + 1 < ve && q[i] >= '0' && q[i] <= '9'; i++)
			;
		if (i == vs || i + 1 != ve ||
		    seq_number(q + vs, q + ve - 1, &lo) || lo > MAX_SINCE) {
			fail(p, vs, "invalid period '%s' (use e.g. 24h, 7d, "
			     "2w, 3m or 1y)",
			     excerpt(buf, q + vs, ve - vs));
			return NULL;
		}
		n = new_node(p, NEWSIDX_Q_INDEXED, off);
		if (n) {
			n->since_n = (unsigned)lo;
			n->since_unit = unit;
		}
		return n;
	}
	n = parse_date(p, off, vs, ve);
	if (n)
		n->type = NEWSIDX_Q_INDEXED;
	return n;
}

/* ---- parser ---- */

static struct newsidx_qnode *parse_or(struct parser *p, const char *field);

/* Count one level of nesting; fails beyond MAX_DEPTH. */
static int enter(struct parser *p, size_t off)
{
	if (p->depth >= MAX_DEPTH) {
		fail(p, off, "query nests too deeply");
		return 0;
	}
	p->depth++;
	return 1;
}

/*
 * After the operator kw has been consumed, check that an operand
 * follows; the fault is then the operator's, so that is where the error
 * points ("a OR OR b" points at the first OR).
 */
static int operand_follows(struct parser *p, const struct tok *kw,
			   const char *msg)
{
	struct tok t = lex(p, 0);

	switch (t.kind) {
	case T_ERR:
		return 0;
	case T_END:
	case T_RPAREN:
	case T_AND:
	case T_OR:
	case T_NEAR:
		fail(p, kw->off, "%s", msg);
		return 0;
	default:
		return 1;
	}
}

/* A word [s, e), possibly a wildcard; off is where its node starts. */
static struct newsidx_qnode *word(struct parser *p, const char *field,
				  size_t off, size_t s, size_t e)
{
	struct newsidx_qnode *n;
	size_t len = e - s;
	int wild = 0;

	while (len > 0 && p->q[s + len - 1] == '*') {
		len--;
		wild = 1;
	}
	if (wild && len == 0) {
		fail(p, s, "'*' needs at least one character before it");
		return NULL;
	}
	n = leaf(p, NEWSIDX_Q_WORD, field, off, s, len);
	if (n)
		n->wildcard = wild;
	return n;
}

/* "(" or_expr ")" with the '(' at open; field goes to the leaves. */
static struct newsidx_qnode *parse_group(struct parser *p, const char *field,
					 size_t open)
{
	struct newsidx_qnode *n = NULL;
	struct tok t;

	if (!enter(p, open))
		return NULL;
	p->pos = open + 1;
	t = lex(p, 0);
	if (t.kind == T_RPAREN)
		fail(p, open, "empty parentheses");
	else if (t.kind == T_END)
		fail(p, open, "unbalanced parenthesis");
	else if (t.kind != T_ERR)
		n = parse_or(p, field);
	if (n) {
		t = lex(p, 0);
		if (t.kind == T_RPAREN) {
			p->pos = t.end;
		} else {
			fail(p, open, "unbalanced parenthesis");
			newsidx_query__free(n);
			n = NULL;
		}
	}
	p->depth--;
	/* A compound group is best pointed at by its parenthesis. */
	if (n && (n->type == NEWSIDX_Q_AND || n->type == NEWSIDX_Q_OR))
		n->offset = open;
	return n;
}

/* field:value; the token t has already been read but not consumed. */
static struct newsidx_qnode *parse_field(struct parser *p,
					 const struct tok *t)
{
	const char *q = p->q;
	const char *name = field_names[t->field];
	size_t vs = t->vstart, ve = t->vend, qn = quote_len(q + vs);
	struct tok ph;
	struct newsidx_qnode *n;

	if (vs == ve && q[vs] != '(' && !qn) {
		fail(p, t->off, "field '%s' needs a value", name);
		return NULL;
	}
	if (t->field == F_DATE || t->field == F_SINCE ||
	    t->field == F_INDEXED) {
		if (vs == ve) {
			fail(p, vs, "field '%s' needs a plain value, "
			     "not a group or phrase", name);
			return NULL;
		}
		p->pos = ve;
		if (t->field == F_DATE)
			return parse_date(p, t->off, vs, ve);
		if (t->field == F_INDEXED)
			return parse_indexed(p, t->off, vs, ve);
		return parse_since(p, t->off, vs, ve);
	}
	if (q[vs] == '(')
		return parse_group(p, name, vs);
	if (qn) {
		ph = lex_phrase(p, vs, qn);
		if (ph.kind == T_ERR)
			return NULL;
		p->pos = ph.end;
		return leaf(p, NEWSIDX_Q_PHRASE, name, t->off, ph.vstart,
			    ph.vend - ph.vstart);
	}
	p->pos = ve;
	n = word(p, name, t->off, vs, ve);
	return n;
}

static struct newsidx_qnode *parse_primary(struct parser *p,
					   const char *field, int mode)
{
	struct tok t = lex(p, mode);

	switch (t.kind) {
	case T_ERR:
		return NULL;
	case T_LPAREN:
		return parse_group(p, field, t.off);
	case T_PHRASE:
		p->pos = t.end;
		return leaf(p, NEWSIDX_Q_PHRASE, field, t.off, t.vstart,
			    t.vend - t.vstart);
	case T_FIELD:
		return parse_field(p, &t);
	case T_WORD:
		p->pos = t.end;
		return word(p, field, t.off, t.off, t.end);
	case T_AND:
		fail(p, t.off, "AND needs a term on both sides");
		return NULL;
	case T_OR:
		fail(p, t.off, "OR needs a term on both sides");
		return NULL;
	case T_NEAR:
		fail(p, t.off, "%s", near_msg);
		return NULL;
	case T_RPAREN:
		fail(p, t.off, "unbalanced parenthesis");
		return NULL;
	case T_END:
		fail(p, t.off, "unexpected end of query");
		return NULL;
	default:
		/* NOT and signs are taken by parse_unary; not reached. */
		fail(p, t.off, "unexpected operator");
		return NULL;
	}
}

static struct newsidx_qnode *parse_unary(struct parser *p, const char *field)
{
	struct newsidx_qnode *kid, *n;
	struct tok t = lex(p, 0);

	switch (t.kind) {
	case T_NOT:
		p->pos = t.end;
		if (!operand_follows(p, &t, "NOT needs a term after it") ||
		    !enter(p, t.off))
			return NULL;
		kid = parse_unary(p, field);
		p->depth--;
		n = negate(p, kid, t.off);
		if (n)
			n->keyword = 1;
		return n;
	case T_MINUS:
		p->pos = t.end;
		return negate(p, parse_primary(p, field, GLUED), t.off);
	case T_PLUS:
		p->pos = t.end;
		kid = parse_primary(p, field, GLUED);
		if (kid)
			kid->required = 1;
		return kid;
	default:
		return parse_primary(p, field, 0);
	}
}

static int near_operand(struct parser *p, const struct newsidx_qnode *n)
{
	if (n->type == NEWSIDX_Q_WORD || n->type == NEWSIDX_Q_PHRASE)
		return 1;
	fail(p, n->offset, "NEAR works only on words and phrases");
	return 0;
}

/*
 * unary ( NEAR unary )*.  A chain is one NEAR node; its window is the
 * largest n in the chain, a bare NEAR counting as NEAR/10, so that no
 * pair of neighbours is held closer than the user asked.
 */
static struct newsidx_qnode *parse_near(struct parser *p, const char *field)
{
	struct vec v = { NULL, 0, 0, 0 };
	struct newsidx_qnode *n, *near;
	unsigned window = 0;
	struct tok t;

	n = parse_unary(p, field);
	if (!n)
		return NULL;
	t = lex(p, 0);
	if (t.kind != T_NEAR) {
		if (t.kind == T_ERR) {
			newsidx_query__free(n);
			return NULL;
		}
		return n;
	}
	if (!near_operand(p, n)) {
		newsidx_query__free(n);
		return NULL;
	}
	if (push(p, &v, n, NEWSIDX_Q_NEAR))
		return NULL;
	while (t.kind == T_NEAR) {
		p->pos = t.end;
		if (t.window > window)
			window = t.window;
		if (!operand_follows(p, &t, near_msg))
			goto fail;
		n = parse_unary(p, field);
		if (!n)
			goto fail;
		if (!near_operand(p, n)) {
			newsidx_query__free(n);
			goto fail;
		}
		if (push(p, &v, n, NEWSIDX_Q_NEAR))
			goto fail;
		t = lex(p, 0);
	}
	if (t.kind == T_ERR)
		goto fail;
	near = new_node(p, NEWSIDX_Q_NEAR, v.v[0]->offset);
	if (!near)
		goto fail;
	near->kids = v.v;
	near->nkids = v.n;
	near->window = window;
	near->keyword = 1;
	return near;
fail:
	drop(&v);
	return NULL;
}

static struct newsidx_qnode *parse_and(struct parser *p, const char *field)
{
	struct vec v = { NULL, 0, 0, 0 };
	struct newsidx_qnode *n;
	struct tok t;

	for (;;) {
		n = parse_near(p, field);
		if (!n || push(p, &v, n, NEWSIDX_Q_AND))
			goto fail;
		t = lex(p, 0);
		if (t.kind == T_AND) {
			p->pos = t.end;
			v.keyword = 1;
			if (!operand_follows(p, &t,
					     "AND needs a term on both sides"))
				goto fail;
			continue;
		}
		if (t.kind == T_ERR)
			goto fail;
		if (t.kind == T_END || t.kind == T_RPAREN || t.kind == T_OR)
			break;
	}
	return group(p, &v, NEWSIDX_Q_AND);
fail:
	drop(&v);
	return NULL;
}

static struct newsidx_qnode *parse_or(struct parser *p, const char *field)
{
	struct vec v = { NULL, 0, 0, 0 };
	struct newsidx_qnode *n;
	struct tok t;

	for (;;) {
		n = parse_and(p, field);
		if (!n || push(p, &v, n, NEWSIDX_Q_OR))
			goto fail;
		t = lex(p, 0);
		if (t.kind != T_OR)
			break;
		p->pos = t.end;
		v.keyword = 1;
		if (!operand_follows(p, &t, "OR needs a term on both sides"))
			goto fail;
	}
	if (t.kind == T_ERR)
		goto fail;
	return group(p, &v, NEWSIDX_Q_OR);
fail:
	drop(&v);
	return NULL;
}

newsidx_status_t newsidx_query__parse(const char *query,
				      struct newsidx_qnode **out,
				      size_t *err_offset, char *errbuf,
				      size_t errlen)
{
	struct parser p;
	struct newsidx_qnode *n = NULL;
	struct tok t;

	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (err_offset)
		*err_offset = 0;
	if (!out)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	if (!query)
		return NEWSIDX_INVALID_ARGUMENT;

	memset(&p, 0, sizeof(p));
	p.q = query;
	p.status = NEWSIDX_OK;
	p.errbuf = errbuf;
	p.errlen = errlen;

	t = lex(&p, 0);
	if (t.kind == T_END)
		return NEWSIDX_OK;
	if (t.kind != T_ERR)
		n = parse_or(&p, NULL);
	if (n) {
		/* parse_or stops only at the end or at a ')' that has no
		 * '(' to close. */
		t = lex(&p, 0);
		if (t.kind == T_RPAREN)
			fail(&p, t.off, "unbalanced parenthesis");
		else if (t.kind != T_END)
			fail(&p, t.off, "unexpected input");
	}
	if (p.status != NEWSIDX_OK) {
		newsidx_query__free(n);
		if (err_offset)
			*err_offset = p.err_off;
		return p.status;
	}
	*out = n;
	return NEWSIDX_OK;
}

/* ---- describe ---- */

/* A string under construction; oom sticks once an append fails. */
struct sbuf {
	char *s;
	size_t len;
	size_t cap;
	int oom;
};

static void put(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (newsidx_array__reserve(&b->s, &b->cap, b->len + n + 1, 1, 64)) {
		b->oom = 1;
		return;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void puts_str(struct sbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Text in double quotes; quotes, backslashes and control bytes are
 * escaped so that the line stays one line and reads back unambiguously. */
static void put_quoted(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char esc[4];

	put(b, "\"", 1);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(b, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 15];
			put(b, esc, 4);
		} else {
			put(b, s, 1);
		}
	}
	put(b, "\"", 1);
}

/* The length of a date bound, which need not be NUL-terminated if the
 * tree was not built by the parser. */
static size_t stamp_len(const char s[16])
{
	size_t n = 0;

	while (n < 16 && s[n])
		n++;
	return n;
}

static void render(struct sbuf *b, const struct newsidx_qnode *n)
{
	char num[32];
	size_t i;

	if (n->required)
		put(b, "+", 1);
	if (n->field) {
		puts_str(b, n->field);
		put(b, ":", 1);
	}
	switch (n->type) {
	case NEWSIDX_Q_WORD:
		puts_str(b, "word:");
		put_quoted(b, n->text);
		if (n->wildcard)
			put(b, "*", 1);
		return;
	case NEWSIDX_Q_PHRASE:
		puts_str(b, "phrase:");
		put_quoted(b, n->text);
		return;
	case NEWSIDX_Q_DATE:
		puts_str(b, "date:[");
		put(b, n->lo, stamp_len(n->lo));
		put(b, "..", 2);
		put(b, n->hi, stamp_len(n->hi));
		put(b, "]", 1);
		return;
	case NEWSIDX_Q_SINCE:
		snprintf(num, sizeof(num), "since:%u%c", n->since_n,
			 n->since_unit ? n->since_unit : '?');
		puts_str(b, num);
		return;
	case NEWSIDX_Q_INDEXED:
		if (n->by_seq) {
			snprintf(num, sizeof(num), "indexed:[#%llu..#%llu]",
				 n->seq_lo, n->seq_hi);
			puts_str(b, num);
		} else if (n->since_n) {
			snprintf(num, sizeof(num), "indexed:%u%c", n->since_n,
				 n->since_unit ? n->since_unit : '?');
			puts_str(b, num);
		} else {
			puts_str(b, "indexed:[");
			put(b, n->lo, stamp_len(n->lo));
			put(b, "..", 2);
			put(b, n->hi, stamp_len(n->hi));
			put(b, "]", 1);
		}
		return;
	case NEWSIDX_Q_AND:
		puts_str(b, "AND(");
		break;
	case NEWSIDX_Q_OR:
		puts_str(b, "OR(");
		break;
	case NEWSIDX_Q_NOT:
		puts_str(b, "NOT(");
		break;
	case NEWSIDX_Q_NEAR:
		snprintf(num, sizeof(num), "NEAR/%u(", n->window);
		puts_str(b, num);
		break;
	default:
		puts_str(b, "?(");
		break;
	}
	for (i = 0; i < n->nkids; i++) {
		if (i)
			put(b, ", ", 2);
		if (n->kids[i])
			render(b, n->kids[i]);
	}
	put(b, ")", 1);
}

char *newsidx_query__describe(const struct newsidx_qnode *node)
{
	struct sbuf b = { NULL, 0, 0, 0 };

	put(&b, "", 0);
	if (node)
		render(&b, node);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}
