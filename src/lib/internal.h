/*
 * internal.h: the interfaces between the files of libnewsidx.
 *
 * Nothing here is public.  Each section is the interface to one file under
 * src/lib/ and is read by the others and by the unit tests, which link the
 * static convenience library so that these functions are reachable.
 * Cross-file functions use a double underscore after the module name
 * (newsidx_analyzer__tokenize); file-local helpers are static.
 */
#ifndef NEWSIDX_INTERNAL_H
#define NEWSIDX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "newsidx.h"

/* ------------------------------------------------------------------ */
/* interface to lib/analyze.c: normalisation, tokenizing, stemming     */
/* ------------------------------------------------------------------ */

/*
 * The analyzer turns UTF-8 text into normalised tokens with byte offsets
 * and term positions, and stems them.  The same analyzer serves indexing,
 * query parsing and snippets, so a word always reduces to the same term.
 *
 * Normalisation of a token: NFKC, Unicode case folding, and accent folding
 * for letters whose decomposition is a base letter plus combining marks
 * (é -> e, ü -> u, ç -> c), but never for scripts whose combining marks
 * carry meaning (Devanagari vowel signs stay).  The curly apostrophe (’)
 * becomes a straight one.  All-ASCII tokens take a fast path.
 *
 * Token rules:
 * - A token is a run of letters, digits and combining marks.
 * - An apostrophe (' or ’) between two letters joins (india's, o'neill);
 *   a final "'s" or a final apostrophe is then removed (india's -> india,
 *   countries' -> countries), so possessives meet their base word.
 * - A hyphen between two word characters makes a compound: high-speed
 *   yields the parts "high" (pos p, NEWSIDX_TOK_PART) and "speed"
 *   (pos p+1, NEWSIDX_TOK_PART), then the joined "highspeed"
 *   (NEWSIDX_TOK_JOINED, at the position of the first part, with start/end
 *   spanning the whole compound).  The next token after the compound takes
 *   position p+2.  Compounds of three or more parts work the same way.
 * - Digits separated by '.' or ',' with a digit on both sides join:
 *   "3.5" -> "3.5", "5,000" -> "5000" (NEWSIDX_TOK_NUMBER).
 * - Dotted acronyms of single letters join: "U.S." and "U.S" -> "us",
 *   "E.U." -> "eu" (NEWSIDX_TOK_ACRONYM).  The final dot is part of the
 *   token's byte range.
 * - "@handle" and "#tag" produce the word without the sigil
 *   (NEWSIDX_TOK_HANDLE), so "@DrSJaishankar" gives "drsjaishankar".
 * - Invalid UTF-8 bytes never stop the tokenizer: each bad byte is a
 *   separator.  A token is at most NEWSIDX_MAX_TOKEN bytes after
 *   normalisation; longer runs are skipped whole (they are not words).
 */

#define NEWSIDX_MAX_TOKEN 64

enum newsidx_token_flags {
	NEWSIDX_TOK_PART = 1u << 0,    /* one part of a hyphenated compound */
	NEWSIDX_TOK_JOINED = 1u << 1,  /* the joined form of a compound */
	NEWSIDX_TOK_NUMBER = 1u << 2,  /* starts with a digit */
	NEWSIDX_TOK_ACRONYM = 1u << 3, /* dotted acronym, dots removed */
	NEWSIDX_TOK_HANDLE = 1u << 4   /* @handle or #tag, sigil removed */
};

struct newsidx_token {
	const char *text; /* normalised, NUL-terminated; valid during the callback */
	size_t len;       /* bytes in text */
	size_t start;     /* byte offset of the token in the input */
	size_t end;       /* byte offset just past the token in the input */
	unsigned pos;     /* term position */
	unsigned flags;   /* enum newsidx_token_flags */
};

/* Called for each token; a nonzero return stops tokenizing and is returned. */
typedef int (*newsidx_token_fn)(void *ctx, const struct newsidx_token *tok);

struct newsidx_analyzer;

/*
 * Create an analyzer for a language: an ISO 639-1 code ("en", "fr") or a
 * libstemmer algorithm name ("english", "french"); NULL or "" means
 * English; "none" disables stemming.  Returns NEWSIDX_OK,
 * NEWSIDX_INVALID_ARGUMENT for an unknown language, or NEWSIDX_NOMEM.
 * An analyzer is used by one thread at a time.
 */
newsidx_status_t newsidx_analyzer__new(struct newsidx_analyzer **out,
				       const char *lang);
void newsidx_analyzer__free(struct newsidx_analyzer *a);

/* The libstemmer algorithm name in use ("english"), or "none". */
const char *newsidx_analyzer__stemmer_name(const struct newsidx_analyzer *a);

/*
 * Tokenize len bytes of text.  Positions start at first_pos; *next_pos
 * (may be NULL) receives the position after the last token.  Returns 0,
 * or the first nonzero value returned by fn, or -1 when out of memory.
 */
int newsidx_analyzer__tokenize(struct newsidx_analyzer *a, const char *text,
			       size_t len, unsigned first_pos,
			       newsidx_token_fn fn, void *ctx,
			       unsigned *next_pos);

/*
 * Stem one normalised token.  Returns a pointer owned by the analyzer,
 * valid until the next call on it, and its length in *outlen; NULL only
 * when out of memory.  Numbers and acronyms are returned unchanged.
 * Results are cached, so repeated words cost a hash lookup.
 */
const char *newsidx_analyzer__stem(struct newsidx_analyzer *a,
				   const char *word, size_t len,
				   size_t *outlen);

/* 1 if the normalised word is a stopword of the analyzer's language. */
int newsidx_analyzer__is_stopword(const struct newsidx_analyzer *a,
				  const char *word, size_t len);

/*
 * Check that text is valid UTF-8.  Returns 1 if so; otherwise 0 and the
 * byte offset of the first invalid byte in *bad_offset (may be NULL).
 */
int newsidx_utf8__valid(const char *text, size_t len, size_t *bad_offset);

/*
 * A fingerprint of the stemmer's behaviour: a short hex string computed
 * by stemming a fixed list of probe words.  Stored in the index so that a
 * different libstemmer is detected when the index is opened.  Writes at
 * most size bytes including the NUL into buf.
 */
void newsidx_analyzer__fingerprint(struct newsidx_analyzer *a, char *buf,
				   size_t size);

/* ------------------------------------------------------------------ */
/* interface to lib/query.c: the query language parser                 */
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
 * Fields: title, source, place, lang, author, url, id, topic, date, since.
 * A word such as "foo:bar" whose prefix is not a known field is an
 * ordinary word.  date: takes YYYY, YYYY-MM or YYYY-MM-DD, or a range
 * A..B where either side may be empty.  since: takes N followed by d, w,
 * m or y (days, weeks, months, years).
 */

enum newsidx_qtype {
	NEWSIDX_Q_WORD = 1, /* text: one word as typed; may contain hyphens */
	NEWSIDX_Q_PHRASE,   /* text: the words between the quotes */
	NEWSIDX_Q_AND,      /* kids: all must match */
	NEWSIDX_Q_OR,       /* kids: any may match */
	NEWSIDX_Q_NOT,      /* kids[0]: must not match (unary) */
	NEWSIDX_Q_NEAR,     /* kids: words/phrases within window */
	NEWSIDX_Q_DATE,     /* lo/hi: inclusive bounds, "" when open */
	NEWSIDX_Q_SINCE     /* since_n and since_unit */
};

struct newsidx_qnode {
	enum newsidx_qtype type;
	char *field;       /* lower-case field name, NULL for none */
	char *text;        /* WORD/PHRASE: raw text, NUL-terminated */
	int required;      /* +word */
	int wildcard;      /* word ended with '*' (text excludes the '*') */
	unsigned window;   /* NEAR: the n of NEAR/n (default 10) */
	char lo[16];       /* DATE: "YYYYMMDDhhmmss" lower bound or "" */
	char hi[16];       /* DATE: "YYYYMMDDhhmmss" upper bound or "" */
	unsigned since_n;  /* SINCE: the number */
	char since_unit;   /* SINCE: 'd', 'w', 'm' or 'y' */
	size_t offset;     /* byte offset in the query string */
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

/* A readable one-line rendering of the tree (malloc'd), for --explain. */
char *newsidx_query__describe(const struct newsidx_qnode *node);


/* ------------------------------------------------------------------ */
/* interface to lib/util.c: growable buffers, handle errors, hashing   */
/* ------------------------------------------------------------------ */

/*
 * A growable byte buffer.  Appends use a sticky error: they take int *rc
 * and do nothing once it is nonzero, so a loop can append freely and
 * check once at the end.  The content is always NUL-terminated.
 */
struct newsidx_buf {
	char *data;
	size_t len;
	size_t cap;
};

void newsidx_buf__append(struct newsidx_buf *b, const void *p, size_t n,
			 int *rc);
void newsidx_buf__puts(struct newsidx_buf *b, const char *s, int *rc);
void newsidx_buf__putc(struct newsidx_buf *b, char c, int *rc);
void newsidx_buf__printf(struct newsidx_buf *b, int *rc, const char *fmt,
			 ...) __attribute__((format(printf, 3, 4)));
void newsidx_buf__reset(struct newsidx_buf *b);
void newsidx_buf__free(struct newsidx_buf *b);

/* 64-bit FNV-1a, for ids too long to be terms and for content hashes. */
uint64_t newsidx_hash64(const void *p, size_t n);

/* strdup that returns NULL for NULL. */
char *newsidx_strdup(const char *s);

/* ------------------------------------------------------------------ */
/* The index schema (defined in lib/schema.c)                          */
/* ------------------------------------------------------------------ */

/*
 * THE INDEX SCHEMA, version NEWSIDX_SCHEMA_VERSION.  This comment is the
 * authoritative description; the writer (index.c) and the query builder
 * (search.c) both read the table newsidx_fields[] in schema.c.
 *
 * Terms (Xapian prefix conventions: a prefix is upper case, text terms
 * have none):
 *
 *   field     prefix  kind        content
 *   (text)    ""      free text   stems of title and body, with positions;
 *                                 title terms get wdf NEWSIDX_TITLE_WDF
 *                                 per occurrence so they weigh more
 *   title:    "S"     free text   stems of the title, with positions
 *   place:    "XP"    boolean     normalised words of the dateline place
 *   source:   "XS"    boolean     normalised words of the source/outlet
 *   author:   "A"     boolean     normalised words of the authors
 *   topic:    "XT"    boolean     normalised words of topics/categories
 *   lang:     "L"     boolean     ISO 639-1 code ("Len")
 *   url:      "U"     boolean     the url (hashed if long, see below)
 *   id:       "Q"     boolean     the unique id; one document per id
 *   (file)    "XF"    boolean     the absolute path of the source file
 *
 * Boolean terms have wdf 0, so they do not change document lengths, and
 * queries on them filter without scoring.  A term longer than
 * NEWSIDX_MAX_TERM bytes (Xapian's limit is 245) is replaced by the
 * prefix, "#", and the 16 hex digits of newsidx_hash64 of the value.
 *
 * Positions: title words from 1, body words from the title's last
 * position + NEWSIDX_TITLE_GAP, so a phrase never spans title and body.
 *
 * Value slots:
 *   NEWSIDX_SLOT_DATE   0  UTC date "YYYYMMDDhhmmss" (sorts as text)
 *   NEWSIDX_SLOT_SOURCE 1  source as displayed
 *   NEWSIDX_SLOT_PLACE  2  place as displayed
 *   NEWSIDX_SLOT_LANG   3  ISO 639-1 code
 *
 * Document data: the bytes "NX1", then a 4-byte big-endian length L,
 * then L bytes of a JSON object with the stored fields (id, title, date,
 * tz (original UTC offset in minutes), place, source, path, url, lang,
 * authors, topics), then the article body compressed with zlib
 * (deflate with zlib header) to the end of the data.
 *
 * Metadata keys:
 *   newsidx.schema           NEWSIDX_SCHEMA_VERSION as decimal text
 *   newsidx.stemmer          libstemmer algorithm of the default language
 *   newsidx.stemmer_version  newsidx_analyzer__fingerprint() of it:
 *                            libstemmer has no version call, so its
 *                            version is identified by its behaviour
 *   newsidx.updated          UTC time of the last commit, ISO 8601
 */
#define NEWSIDX_SCHEMA_VERSION 1
#define NEWSIDX_MAX_TERM 240
#define NEWSIDX_TITLE_WDF 3
#define NEWSIDX_TITLE_GAP 100

enum newsidx_slot {
	NEWSIDX_SLOT_DATE = 0,
	NEWSIDX_SLOT_SOURCE = 1,
	NEWSIDX_SLOT_PLACE = 2,
	NEWSIDX_SLOT_LANG = 3
};

enum newsidx_field_kind {
	NEWSIDX_FIELD_TEXT,    /* stemmed words with positions */
	NEWSIDX_FIELD_WORDS,   /* normalised words, boolean */
	NEWSIDX_FIELD_EXACT,   /* the whole value as one term, boolean */
	NEWSIDX_FIELD_DATE     /* a value-slot range */
};

struct newsidx_field {
	const char *name;   /* as written in queries, e.g. "title" */
	const char *prefix; /* Xapian term prefix */
	enum newsidx_field_kind kind;
};

/* The user-visible fields, ended by an entry with name NULL. */
extern const struct newsidx_field newsidx_fields[];

/* The field called name (lower case), or NULL. */
const struct newsidx_field *newsidx_schema__field(const char *name);

/*
 * Build the term prefix+value into buf (size NEWSIDX_MAX_TERM + 24),
 * hashing values too long for a term.  Returns the term's length.
 */
size_t newsidx_schema__term(char *buf, const char *prefix, const char *value,
			    size_t len);

/* ------------------------------------------------------------------ */
/* interface to lib/ingest.c: reading files into articles              */
/* ------------------------------------------------------------------ */

/* One article as parsed from any format.  All strings are malloc'd or
 * NULL, except body which may point into the reader's buffer. */
struct newsidx_article {
	char *id;
	char *title;
	char *body;
	size_t body_len;
	char *place;
	char *source;
	char *url;
	char *path;    /* absolute path of the input file */
	char *lang;    /* ISO 639-1 or NULL */
	char *authors;
	char *topics;
	char date[16]; /* "YYYYMMDDhhmmss" UTC, or "" when unknown */
	int has_time;  /* the input gave a time of day, not only a date */
	int tz_minutes; /* the original UTC offset of the date */
	unsigned long record; /* 1-based record number within the file */
};

void newsidx_article__clear(struct newsidx_article *a);

/* Receives each parsed article; a nonzero status stops the file. */
typedef newsidx_status_t (*newsidx_article_fn)(void *ctx,
					       struct newsidx_article *a);

/* Receives each rejection (where and reason, as newsidx_reject_fn). */
typedef void (*newsidx_ingest_reject_fn)(void *ctx, const char *where,
					 const char *reason);

struct newsidx_ingest {
	const char *name;       /* file name for messages */
	const char *abspath;    /* absolute path for ids and the XF term */
	size_t max_article;     /* bytes */
	newsidx_article_fn on_article;
	newsidx_ingest_reject_fn on_reject;
	void *ctx;
	unsigned long rejected; /* out: rejections in this input */
	unsigned long articles; /* out: articles passed to on_article */
	newsidx_status_t status; /* out: what on_article stopped it with */
};

/*
 * Parse one input from a file (path) or from memory (data/len when path
 * is NULL), decompressing gzip when its magic bytes are present, and
 * recognising the format by content.  Returns NEWSIDX_OK when the input
 * was read (even if records were rejected, see ing->rejected), the
 * status returned by on_article if it stopped the run, NEWSIDX_IO when
 * the file cannot be opened, NEWSIDX_NOMEM.
 */
newsidx_status_t newsidx_ingest__run(struct newsidx_ingest *ing,
				     const char *path, const void *data,
				     size_t len);

/*
 * Parse a date: "YYYY-MM-DD", ISO 8601/RFC 3339 with optional time and
 * offset.  Writes "YYYYMMDDhhmmss" UTC into out (16 bytes), the original
 * offset in minutes and whether a time was given.  Returns 1 on success.
 */
int newsidx_ingest__date(const char *s, char out[16], int *tz_minutes,
			 int *has_time);

/* ------------------------------------------------------------------ */
/* interface to lib/db.c: the handle                                   */
/* ------------------------------------------------------------------ */

struct xapc_db;

struct newsidx_db {
	struct xapc_db *x;      /* the Xapian database */
	char *path;
	int writable;
	char errmsg[1024];
	unsigned pending;       /* documents since the last commit */
	struct newsidx_analyzer *an;  /* the default (English) analyzer */
	struct newsidx_analyzer *an_lang[8]; /* other languages, cached */
	char an_lang_code[8][24];
};

/* Set the handle's message (printf-style) and return status. */
newsidx_status_t newsidx_db__fail(struct newsidx_db *db,
				  newsidx_status_t status, const char *fmt,
				  ...) __attribute__((format(printf, 3, 4)));

/* Map a binding status to ours, copying the binding's message. */
newsidx_status_t newsidx_db__xfail(struct newsidx_db *db, int xstatus,
				   const char *what);

/* An analyzer for a language code (NULL: the default), cached. */
newsidx_status_t newsidx_db__analyzer(struct newsidx_db *db,
				      const char *lang,
				      struct newsidx_analyzer **out);

/* Reopen a reader to see the latest commit (after MODIFIED). */
newsidx_status_t newsidx_db__reopen(struct newsidx_db *db);

/* ------------------------------------------------------------------ */
/* interface to lib/docdata.c: the stored document data                */
/* ------------------------------------------------------------------ */

/* Encode the stored fields and body as the schema's document data. */
newsidx_status_t newsidx_docdata__encode(const struct newsidx_article *a,
					 struct newsidx_buf *out);

/* Stored fields decoded from document data.  All strings malloc'd
 * (never NULL after a successful decode: "" when absent). */
struct newsidx_stored {
	char *id, *title, *date, *place, *source, *path, *url, *lang;
	char *authors, *topics;
	char *body;
	size_t body_len;
};

newsidx_status_t newsidx_docdata__decode(const void *data, size_t len,
					 int want_body,
					 struct newsidx_stored *out);
void newsidx_stored__clear(struct newsidx_stored *s);

/* ------------------------------------------------------------------ */
/* interface to lib/snippet.c                                          */
/* ------------------------------------------------------------------ */

/* A set of stems to highlight. */
struct newsidx_stemset {
	char **stems;
	size_t n, cap;
};

int newsidx_stemset__add(struct newsidx_stemset *s, const char *stem,
			 size_t len);
int newsidx_stemset__has(const struct newsidx_stemset *s, const char *stem,
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

#endif /* NEWSIDX_INTERNAL_H */
