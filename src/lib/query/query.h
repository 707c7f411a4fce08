/*
 * query/query.h: the interface of the query layer to the layers above
 * it: the parser and its tree (query.c), the searches other layers run
 * (search.c) and snippets (snippet.c).  What the files of query/ share
 * only among themselves is in query/private.h.
 */
#ifndef NEWSIDX_QUERY_H
#define NEWSIDX_QUERY_H

#include <stddef.h>

#include "analyzer/analyzer.h"
#include "newsidx.h"

struct newsidx_db;

/* ------------------------------------------------------------------ */
/* interface to query/query.c: the query language parser              */
/* ------------------------------------------------------------------ */

/*
 * The parser turns a query string into a tree of struct newsidx_qnode.
 * It knows the syntax but not the index: words stay raw (as typed) and
 * are analysed when the tree is turned into a Xapian query.
 *
 * Grammar (keywords AND, OR, NOT, NEAR are upper case only; lower-case
 * "and"/"or"/"not" are ordinary words):
 *
 *   query   := or_expr
 *   or_expr := and_expr ( "OR" and_expr )*
 *   and_expr:= near_expr ( ["AND"] near_expr )*        implicit AND
 *   near_expr := unary ( "NEAR" | "NEAR/" n ) unary ...  (words/phrases)
 *   unary   := "NOT" unary | "-" primary | "+" primary | primary
 *   primary := "(" or_expr ")" | field ":" value | "\"" phrase "\""
 *            | word | word "*"
 *   value   := word | word "*" | "\"" phrase "\"" | "(" or_expr ")" | range
 *
 * A word is a run of characters other than white space, quotes and
 * parentheses; a hyphen inside a word is part of it (high-speed), and a
 * leading '-' or '+' is the operator only at the start of a word.
 * Fields: title, source, place, lang, author, url, id, topic, date, since,
 * indexed.
 * A word such as "foo:bar" whose prefix is not a known field is an
 * ordinary word.  date: takes YYYY, YYYY-MM or YYYY-MM-DD, or a range
 * A..B where either side may be empty.  since: takes N followed by d, w,
 * m or y (days, weeks, months, years).  indexed: takes what date: takes,
 * or N followed by h, d, w, m or y (the time since, to the second), or
 * #N, #N.., #..M or #N..M (indexing sequences).
 */

enum newsidx_qtype {
	NEWSIDX_Q_WORD = 1, /* text: one word as typed; may contain hyphens */
	NEWSIDX_Q_PHRASE,   /* text: the words between the quotes */
	NEWSIDX_Q_AND,      /* kids: all must match */
	NEWSIDX_Q_OR,       /* kids: any may match */
	NEWSIDX_Q_NOT,      /* kids[0]: must not match (unary) */
	NEWSIDX_Q_NEAR,     /* kids: words/phrases within window */
	NEWSIDX_Q_DATE,     /* lo/hi: inclusive bounds, "" when open */
	NEWSIDX_Q_SINCE,    /* since_n and since_unit */
	NEWSIDX_Q_INDEXED   /* when indexed: seq_lo/seq_hi when by_seq, else
			       since_n and since_unit when since_n, else
			       lo/hi */
};

/*
 * Where things stand in the query string.  offset is where a node
 * starts, for messages: a field's name, a phrase's opening quote, the
 * NOT or '-' of a negation, the '(' of an AND or OR in parentheses.
 *
 * The span of a WORD or PHRASE, [span_off, span_off + span_len), is
 * where its text was typed: those bytes of the query are text, byte for
 * byte, and span_len is strlen(text).  For a word that leaves out a
 * field's name and colon, a leading '+' or '-' and the '*'s that make
 * it a wildcard; for a phrase, the quotes and the white space just
 * inside them.  So the query  title:japn*  gives the word "japn" with
 * the span (6, 4), and  +"  trade gap "  the phrase "trade gap" with
 * the span (4, 9).  Whoever must point at a word in the query (did you
 * mean) reads the span rather than searching the string, where the same
 * text may stand earlier.
 *
 * keyword says an operator was written as its keyword rather than
 * implied: an AND of which at least two operands were joined by the
 * keyword AND (0 when every operand stood side by side: "a b"); a NOT
 * written NOT (0 for "-a").  OR and NEAR have only their keywords, so
 * it is always 1 for them.  Keywords inside a phrase are words of the
 * phrase, and make no operator.
 */
struct newsidx_qnode {
	enum newsidx_qtype type;
	char *field;       /* lower-case field name, NULL for none */
	char *text;        /* WORD/PHRASE: raw text, NUL-terminated */
	int required;      /* +word */
	int wildcard;      /* word ended with '*' (text excludes the '*') */
	int keyword;       /* AND/OR/NOT/NEAR: written as the keyword */
	unsigned window;   /* NEAR: the n of NEAR/n (default 10) */
	char lo[16];       /* DATE: "YYYYMMDDhhmmss" lower bound or "" */
	char hi[16];       /* DATE: "YYYYMMDDhhmmss" upper bound or "" */
	unsigned since_n;  /* SINCE: the number */
	char since_unit;   /* SINCE: 'd', 'w', 'm' or 'y'; INDEXED: 'h' too */
	int by_seq;        /* INDEXED: a range of sequences */
	unsigned long long seq_lo, seq_hi; /* INDEXED: inclusive; 0: open */
	size_t offset;     /* byte offset in the query string */
	size_t span_off;   /* WORD/PHRASE: where text was typed */
	size_t span_len;   /* WORD/PHRASE: strlen(text) */
	struct newsidx_qnode **kids;
	size_t nkids;
};

/*
 * Parse a query.  On success returns NEWSIDX_OK and the tree in *out
 * (NULL for an empty or all-white-space query); free it with
 * newsidx_query__free.  On a syntax error returns NEWSIDX_QUERY_SYNTAX,
 * the byte offset of the fault in *err_offset and a one-line message
 * (without the offset) in errbuf.  NEWSIDX_NOMEM when out of memory.
 */
newsidx_status_t newsidx_query__parse(const char *query,
				      struct newsidx_qnode **out,
				      size_t *err_offset, char *errbuf,
				      size_t errlen);
void newsidx_query__free(struct newsidx_qnode *node);

/*
 * The most a query may hold: NEWSIDX_QUERY_MAX_BYTES bytes, and
 * NEWSIDX_QUERY_MAX_WORDS words (a phrase's words each count; operators,
 * field names and dates do not).  What a person types, or pastes from a
 * paragraph, is far below; every word costs the search its terms,
 * synonyms and checks, so a query of thousands of words ran for seconds
 * and hundreds of megabytes.
 */
#define NEWSIDX_QUERY_MAX_BYTES 8192
#define NEWSIDX_QUERY_MAX_WORDS 256

/*
 * Parse a query given to a search, as newsidx_query__parse() does, once
 * the query as a whole is known to be fit to search: valid UTF-8 (the
 * index and the JSON output hold nothing else), and within the limits
 * above.  A query that is not is a syntax error, with the offset of the
 * first bad byte, of the byte past the limit, or of the first word over
 * it.  The parser itself accepts any bytes and any length.
 */
newsidx_status_t newsidx_query__parse_input(const char *query,
					    struct newsidx_qnode **out,
					    size_t *err_offset, char *errbuf,
					    size_t errlen);

/* A readable one-line rendering of the tree (malloc'd), for --explain. */
char *newsidx_query__describe(const struct newsidx_qnode *node);



/* ------------------------------------------------------------------ */
/* interface to query/search.c                                        */
/* ------------------------------------------------------------------ */

/* The docids of every article matching query (malloc'd), for deletes. */
newsidx_status_t newsidx_search__docids(struct newsidx_db *db,
					const char *query, unsigned **ids,
					size_t *n);


/* ------------------------------------------------------------------ */
/* interface to query/snippet.c                                       */
/* ------------------------------------------------------------------ */

/*
 * The stems to highlight.  A stem added by newsidx_stemset__add matches
 * wherever it stands; a stem that comes only from phrases (a quoted
 * phrase, the parts of a compound) matches only where the words of one
 * of those phrases stand together, so that "speed" of "high-speed" is
 * not marked in "to speed up".
 */
struct newsidx_stemset {
	char **stems;
	size_t n, cap;
	unsigned char *alone; /* alone[i]: stem i matches by itself */
	size_t capalone;
	long *phrases; /* stem indices, each phrase ended by -1 */
	size_t nphr, capphr;
};

int newsidx_stemset__add(struct newsidx_stemset *s, const char *stem,
			 size_t len);
/* Add a phrase of n stems (n >= 2) whose words match only together.
 * A stem already added alone stays alone.  0, or -1 out of memory. */
int newsidx_stemset__add_phrase(struct newsidx_stemset *s,
				const char *const *stem, const size_t *len,
				size_t n);
int newsidx_stemset__has(const struct newsidx_stemset *s, const char *stem,
			 size_t len);
/* 1 if stem is in the set and matches by itself. */
int newsidx_stemset__alone(const struct newsidx_stemset *s, const char *stem,
			   size_t len);
void newsidx_stemset__free(struct newsidx_stemset *s);

/*
 * Choose the window of about nwords words of body that holds the most
 * distinct matched stems (then the most matches, then the earliest), and
 * return it as plain text with white space collapsed, with "…" where it
 * cuts the text, and the byte ranges of the matched words in it
 * (adjacent matches joined by a hyphen are merged).  *text and *hl are
 * malloc'd.  Returns NEWSIDX_OK or NEWSIDX_NOMEM.
 */
newsidx_status_t newsidx_snippet__make(struct newsidx_analyzer *an,
				       const char *body, size_t len,
				       const struct newsidx_stemset *stems,
				       unsigned nwords, char **text,
				       size_t **hl, size_t *nhl);

/* ------------------------------------------------------------------ */
/* interface to query/facets.c: display labels of facet values         */
/* ------------------------------------------------------------------ */



#endif /* NEWSIDX_QUERY_H */
