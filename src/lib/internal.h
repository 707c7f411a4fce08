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
/* Room for n more bytes (and a NUL) after the content, not counted in
 * len; NULL (and *rc set) when out of memory. */
char *newsidx_buf__room(struct newsidx_buf *b, size_t n, int *rc);
void newsidx_buf__puts(struct newsidx_buf *b, const char *s, int *rc);
void newsidx_buf__putc(struct newsidx_buf *b, char c, int *rc);
void newsidx_buf__printf(struct newsidx_buf *b, int *rc, const char *fmt,
			 ...) __attribute__((format(printf, 3, 4)));
void newsidx_buf__reset(struct newsidx_buf *b);
void newsidx_buf__free(struct newsidx_buf *b);

/* 64-bit FNV-1a, for ids too long to be terms and for content hashes. */
uint64_t newsidx_hash64(const void *p, size_t n);

/* The splitmix64 finaliser: every input bit reaches every output bit. */
uint64_t newsidx_mix64(uint64_t x);

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
 *   (text)    ""      free text   stems of title and body, with
 *                                 positions; title terms get wdf
 *                                 NEWSIDX_TITLE_WDF per occurrence so
 *                                 they weigh more
 *   title:    "S"     free text   stems of the title, with positions
 *   place:    "XP"    boolean     normalised words of the dateline place
 *   source:   "XS"    boolean     normalised words of the source/outlet
 *   author:   "A"     boolean     normalised words of the authors
 *   topic:    "XT"    boolean     normalised words of topics/categories
 *   lang:     "L"     boolean     ISO 639-1 code ("Len")
 *   url:      "U"     boolean     the url (hashed if long, see below)
 *   id:       "Q"     boolean     the unique id; one document per id
 *   (file)    "XF"    boolean     "#" and 8 bytes (little-endian) of the
 *                                 64-bit hash of the source file's
 *                                 absolute path (newsidx_schema__file_term);
 *                                 articles written before schema 6 carry
 *                                 the path itself (or "#" and 16 hex digits
 *                                 of its hash when long), and a file's
 *                                 articles are looked up under every form
 *   (copies)  "XB"    boolean     near-duplicate band keys: the band
 *                                 number (one digit) and 4 bytes of its
 *                                 hash, binary; or, in an index made
 *                                 before schema 5 (no newsidx.bands), 12
 *                                 hex digits of it (see dedup.c)
 *   (year)    "Y"     boolean     "YYYY" of the date (UTC)
 *   (month)   "M"     boolean     "YYYYMM" of the date; date filters use
 *                                 year and month terms, and the date
 *                                 value only within the edge months
 *
 * Boolean terms have wdf 0, so they do not change document lengths, and
 * queries on them filter without scoring.  A term longer than
 * NEWSIDX_MAX_TERM bytes (Xapian's limit is 245) is replaced by the
 * prefix, "#", and the 16 hex digits of newsidx_hash64 of the value.
 *
 * Positions: title words from 1, body words from the title's last
 * position + NEWSIDX_TITLE_GAP, so a phrase never spans title and body.
 * They are in Xapian's position table or, in a compact index, in value
 * slot NEWSIDX_SLOT_POS (see newsidx.positions below, and
 * lib/positions.c).
 *
 * Value slots:
 *   NEWSIDX_SLOT_DATE   0  UTC date "YYYYMMDDhhmmss" (sorts as text)
 *   NEWSIDX_SLOT_SOURCE 1  source as displayed
 *   NEWSIDX_SLOT_PLACE  2  place as displayed
 *   NEWSIDX_SLOT_LANG   3  ISO 639-1 code
 *   NEWSIDX_SLOT_MONTH  4  "YYYY-MM" of the date, for facets
 *   NEWSIDX_SLOT_GROUP  5  near-duplicate group: 16 hex digits, the same
 *                          for syndicated copies; results collapse on it
 *   NEWSIDX_SLOT_SIG    6  MinHash signature of the body: the low 8
 *                          bits of each of NEWSIDX_SIG_N values; only
 *                          in articles written before schema 5: since,
 *                          a candidate copy's signature is made again
 *                          from its stored body
 *   NEWSIDX_SLOT_POS    7  compact indexes: the word positions of title
 *                          and body, one short stem hash per position
 *                          (positions.c)
 *   NEWSIDX_SLOT_DOC    8  the stored record (below), packed: "Z" and a
 *                          zstd frame, with the index's dictionary when
 *                          the frame names one (docdata.c)
 *
 * Spelling: every distinct word (normalised, unstemmed, 3 to 32 bytes,
 * letters only) of each article is added to Xapian's spelling table, the
 * vocabulary for "did you mean".
 *
 * The stored record: the bytes "NX2", then a 4-byte big-endian length
 * L, then L bytes of a JSON object with the stored fields (id, title,
 * date, tz (original UTC offset in minutes), place, source, path, url,
 * lang, authors, topics), then the article body, UTF-8, to the end.
 * Schema 5 packs it into value slot NEWSIDX_SLOT_DOC and leaves the
 * document data empty; schema 4 and older kept it as the document data,
 * where Xapian deflates it, and a reader still takes it from there when
 * the slot is empty.
 *
 * Metadata keys:
 *   newsidx.schema           NEWSIDX_SCHEMA_VERSION as decimal text
 *   newsidx.stemmer          libstemmer algorithm of the default language
 *   newsidx.stemmer_version  newsidx_analyzer__fingerprint() of it:
 *                            libstemmer has no version call, so its
 *                            version is identified by its behaviour
 *   newsidx.updated          UTC time of the last commit, ISO 8601
 *   newsidx.positions        "compact": positions are in value slot
 *                            NEWSIDX_SLOT_POS and Xapian has none;
 *                            "table" or absent: Xapian's position table
 *                            holds them (title and body stems, and the
 *                            S terms) and the slot is unused.  Chosen
 *                            when the index is empty.
 *   newsidx.dictionary       the zstd dictionary of packed records,
 *                            trained on the first records of the index
 *                            (absent until it holds 300 of them)
 *   newsidx.bands            "binary": the band terms are binary; absent:
 *                            hex (an index made before schema 5).
 *                            Chosen when the index is empty.
 *   newsidx.stemcodes        a compact index's table of stem codes (see
 *                            lib/positions.c), made with the dictionary
 *                            from the stems of the same first articles;
 *                            absent: every position value is uncoded
 *
 * Schema 4 added the compact positions, schema 5 the packed records,
 * schema 6 the hashed file terms and coded positions.  None changed what
 * was there: a writer relabels a schema 3, 4 or 5 index as 6, its older
 * records are read from the document data, its older file terms are
 * looked up too, and its position values stay uncoded.
 */
#define NEWSIDX_SCHEMA_VERSION 7
#define NEWSIDX_MAX_TERM 240
#define NEWSIDX_TITLE_WDF 3
#define NEWSIDX_TITLE_GAP 100

enum newsidx_slot {
	NEWSIDX_SLOT_DATE = 0,
	NEWSIDX_SLOT_SOURCE = 1,
	NEWSIDX_SLOT_PLACE = 2,
	NEWSIDX_SLOT_LANG = 3,
	NEWSIDX_SLOT_MONTH = 4,
	NEWSIDX_SLOT_GROUP = 5,
	NEWSIDX_SLOT_SIG = 6,
	NEWSIDX_SLOT_POS = 7,
	NEWSIDX_SLOT_DOC = 8
};

/* Near-duplicate detection: MinHash over word 4-grams, banded for lookup.
 * Copies whose estimated resemblance reaches NEWSIDX_DUP_MIN share a
 * group. */
#define NEWSIDX_SIG_N 64
#define NEWSIDX_SIG_BANDS 4
#define NEWSIDX_SIG_ROWS 2
#define NEWSIDX_SIG_BYTES NEWSIDX_SIG_N
#define NEWSIDX_SHINGLE 4
#define NEWSIDX_DUP_MIN 0.75

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
/* The XF term of the file at abspath into buf (at least 12 bytes): "XF#"
 * and the 8 bytes of its path's hash.  A path in the term itself would
 * cost its length in every article's term list. */
size_t newsidx_schema__file_term(char *buf, const char *abspath);
size_t newsidx_schema__term(char *buf, const char *prefix, const char *value,
			    size_t len);

/* ------------------------------------------------------------------ */
/* interface to lib/dedup.c: near-duplicate signatures                 */
/* ------------------------------------------------------------------ */

struct newsidx_sig {
	uint32_t v[NEWSIDX_SIG_N];
};

/* A signature being built from a body's words, in order. */
struct newsidx_minhash {
	struct newsidx_sig sig;
	uint64_t last[NEWSIDX_SHINGLE];
	unsigned long nwords, shingles;
};

void newsidx_dedup__start(struct newsidx_minhash *m);
void newsidx_dedup__add(struct newsidx_minhash *m, const char *word,
			size_t len);
/* 1 when the body was long enough to have a signature (in m->sig). */
int newsidx_dedup__finish(struct newsidx_minhash *m);
/* Estimated Jaccard resemblance of the two bodies, 0 to 1 (on the low
 * 8 bits of each value, which is what the index stores). */
double newsidx_dedup__resemblance(const struct newsidx_sig *a,
				  const struct newsidx_sig *b);
/* The hash of band number band (0 .. NEWSIDX_SIG_BANDS-1), and its
 * boolean term, binary or (indexes made before schema 5) hex; size is at
 * least 20. */
uint64_t newsidx_dedup__band_hash(const struct newsidx_sig *s, unsigned band);
size_t newsidx_dedup__band_term(const struct newsidx_sig *s, unsigned band,
				int binary, char *term, size_t size);
/* The stored form: the low 8 bits of each value. */
void newsidx_dedup__encode(const struct newsidx_sig *s,
			   unsigned char out[NEWSIDX_SIG_BYTES]);
int newsidx_dedup__decode(const void *p, size_t len, struct newsidx_sig *s);

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
	/* Added for feeds, HTML, WARC and Reuters SGML (lib/feed.c ...): */
	size_t max_document;       /* bytes of a whole-file input (feed,
				      page, SGML) or of a WARC record;
				      0: NEWSIDX_MAX_DOCUMENT */
	unsigned long skipped;     /* out: records read but not articles
				      (WARC requests, metadata, images) */
	unsigned long unprocessed; /* out: articles of raw, unparsed text
				      (Reuters TYPE="UNPROC"), included */
	unsigned long title_only;  /* out: articles with a title and no
				      body text (Reuters BRIEF), included */
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
/* interface to lib/layout.c: the index directory and the writer lock  */
/* ------------------------------------------------------------------ */

/* 1 if dir holds an index (a stub and generation, or plain glass). */
int newsidx_layout__exists(const char *dir);

/* The live generation's name ("gen-3") from the stub; 0 if none. */
int newsidx_layout__current(const char *dir, char *gen, size_t size);

/* Take the writer lock of dir (created if needed), polling up to timeout
 * seconds.  NEWSIDX_LOCKED with a message naming dir when it stays held. */
newsidx_status_t newsidx_layout__lock(const char *dir, double timeout,
				      int *fd, char *err, size_t errlen);
void newsidx_layout__unlock(int fd);

/* A generation name not used yet in dir. */
newsidx_status_t newsidx_layout__next_gen(const char *dir, char *gen,
					  size_t size);

/* Make gen the live generation, atomically and durably. */
newsidx_status_t newsidx_layout__switch(const char *dir, const char *gen,
					char *err, size_t errlen);

/* Remove a directory tree (a retired generation). */
void newsidx_layout__remove(const char *path);

/* Remove the retired generations once the stub has been in place for
 * min_age seconds (no reader can still be opening them). */
void newsidx_layout__tidy(const char *dir, double min_age);

/* Remove every generation of dir but keep1 and keep2 (may be NULL). */
void newsidx_layout__remove_older(const char *dir, const char *keep1,
				  const char *keep2);

/* Bytes on disk of the live generation. */
unsigned long long newsidx_layout__disk_bytes(const char *dir);

/* ------------------------------------------------------------------ */
/* interface to lib/db.c: the handle                                   */
/* ------------------------------------------------------------------ */

struct xapc_db;
struct xapc_doc;

struct newsidx_unpacker;

struct newsidx_db {
	struct xapc_db *x;      /* the Xapian database */
	char *path;
	int writable;
	int lockfd;             /* the writer lock, -1 for readers */
	int mismatch;           /* another schema/stemmer, opened anyway */
	int fresh;              /* a rebuild's new generation, opened by its
				   directory (newsidx_db__open_fresh) */
	char *synonyms;         /* the synonym list file, NULL: built in */
	char errmsg[1024];
	unsigned pending;       /* documents since the last commit */
	struct newsidx_analyzer *an;  /* the default (English) analyzer */
	struct newsidx_analyzer *an_lang[8]; /* other languages, cached */
	char an_lang_code[8][24];
	struct newsidx_unpacker *unpack; /* packed records, with the
					    dictionary last used */
	struct newsidx_stemcodes *codes; /* the stem codes last read, and */
	char *codes_raw;                 /* their metadata value */
	size_t codes_len;
	unsigned codes_gen;              /* changes when codes change */
};

/* 0 when the index has no term lists (metadata newsidx.termlist "none":
 * a compact index made since schema 7), else 1. */
int newsidx_db__term_lists(struct newsidx_db *db);

/* How many articles a term indexes, leaving out those listed deleted
 * (for id and file terms: it reads the postings); a xapc status. */
int newsidx_db__live_count(struct newsidx_db *db, const char *term,
			   size_t len, unsigned *n);

/* Hide the articles listed deleted (metadata newsidx.deleted) from the
 * handle's reads; an index without term lists deletes by listing.  Done
 * at every open; a damaged list is NEWSIDX_CORRUPT. */
newsidx_status_t newsidx_db__track(struct newsidx_db *db);

/* 1 when the index's band terms are binary (metadata newsidx.bands),
 * and making them so (for an empty index: a binding status). */
int newsidx_db__binary_bands(struct newsidx_db *db);
int newsidx_db__set_binary_bands(struct newsidx_db *db);

/* The index's record dictionary (metadata newsidx.dictionary),
 * malloc'd, or NULL; and setting it (a binding status). */
char *newsidx_db__dictionary(struct newsidx_db *db, size_t *len);
int newsidx_db__set_dictionary(struct newsidx_db *db, const void *dict,
			       size_t len);

/* The index's stem codes (metadata newsidx.stemcodes): the raw value,
 * malloc'd, or NULL; its parsed table, cached on the handle (borrowed
 * until the next call; NULL when there is none, and *bad set when the
 * value is malformed); and setting it (a binding status). */
char *newsidx_db__stemcodes_raw(struct newsidx_db *db, size_t *len);
const struct newsidx_stemcodes *newsidx_db__stemcodes(struct newsidx_db *db,
						      int *bad);
int newsidx_db__set_stemcodes(struct newsidx_db *db, const void *codes,
			      size_t len);

/* The stored record of a document: unpacked from packed (its value of
 * NEWSIDX_SLOT_DOC) when that is not empty, else its document data (an
 * index of schema 4 or older).  *rec is valid until the next call on
 * the handle.  NEWSIDX_CORRUPT when it cannot be read. */
newsidx_status_t newsidx_db__record(struct newsidx_db *db, const char *packed,
				    size_t plen, const char *data, size_t dlen,
				    const void **rec, size_t *rec_len);

/* The same for a document read from the index (NEWSIDX_CORRUPT also
 * when the document cannot be read). */
newsidx_status_t newsidx_db__doc_record(struct newsidx_db *db,
				       struct xapc_doc *doc,
				       const void **rec, size_t *rec_len);

/* Set the handle's message (printf-style) and return status. */
newsidx_status_t newsidx_db__fail(struct newsidx_db *db,
				  newsidx_status_t status, const char *fmt,
				  ...) __attribute__((format(printf, 3, 4)));

/* Map a binding status to ours, copying the binding's message. */
newsidx_status_t newsidx_db__xfail(struct newsidx_db *db, int xstatus,
				   const char *what);

/* NEWSIDX_VERSION_MISMATCH with the reason when db->mismatch. */
newsidx_status_t newsidx_db__usable(struct newsidx_db *db);

/* Make generation gen of the index the live one and reopen the writer
 * on it; old (the one it replaces) stays for readers until the next
 * switch, every other generation is removed (admin.c). */
newsidx_status_t newsidx_db__switch(struct newsidx_db *db, const char *gen,
				    const char *old);

/* Open generation directory path as a fresh writable index with this
 * library's schema metadata (no lock: the caller holds the index's). */
newsidx_status_t newsidx_db__open_fresh(struct newsidx_db **out,
					const char *path,
					const char *synonyms);

/* 1 when the index keeps compact positions (metadata newsidx.positions
 * is "compact"), 0 for Xapian's position table (also when absent). */
int newsidx_db__compact_positions(struct newsidx_db *db);

/* Record the layout in the writer's metadata (committed with the next
 * commit). */
newsidx_status_t newsidx_db__set_positions(struct newsidx_db *db,
					   int compact);

/* An analyzer for a language code (NULL: the default), cached. */
newsidx_status_t newsidx_db__analyzer(struct newsidx_db *db,
				      const char *lang,
				      struct newsidx_analyzer **out);

/* Move a reader to the latest commit; by_path opens the index again by
 * its path, following a generation switch.  No-op for the writer. */
newsidx_status_t newsidx_db__reopen(struct newsidx_db *db, int by_path);

/* ------------------------------------------------------------------ */
/* interface to lib/synonyms.c                                         */
/* ------------------------------------------------------------------ */

/* The shipped list (data/synonyms.txt), built into the library. */
extern const char newsidx_synonyms_default[];

/* A member's key: its stems joined by spaces (malloc'd), NULL when it
 * has no words or memory ran out. */
char *newsidx_synonyms__key(struct newsidx_analyzer *an, const char *text,
			    size_t len);

/* Put the list text into the writer's synonym table, unless the index
 * already holds this very list. */
newsidx_status_t newsidx_synonyms__load(struct newsidx_db *db,
					const char *text, size_t len);

/* The synonyms of a key (malloc'd array of malloc'd strings). */
newsidx_status_t newsidx_synonyms__of(struct newsidx_db *db,
				      const char *key, char ***out,
				      size_t *n);

/* ------------------------------------------------------------------ */
/* interface to lib/positions.c: word positions, checked per article   */
/* ------------------------------------------------------------------ */

/*
 * Xapian's position table costs one B-tree entry per (term, article)
 * pair: twice the text on news.  A compact index keeps no Xapian
 * positions.  Each article instead carries its word sequence in value
 * slot NEWSIDX_SLOT_POS, one short hash per position, and phrases and
 * NEAR are the AND of their terms filtered by a check of that sequence.
 *
 * The value ("position sketch"):
 *   byte 0      0x10 | w, where the hashes are 2 << (w - 1) bytes
 *               (w = 1, 2, 3: 2, 4 or 8 bytes), little-endian
 *   varint      the last title position (0: no title)
 *   varint      the number of runs; each run is: varint gap from the end
 *               of the previous run (from 0 for the first), varint
 *               count, then count hashes, one per position in order
 *   varint      the number of extra terms, each: varint position delta
 *               (from the previous extra, or 0) and a hash.  Extras are
 *               the second and later terms at one position (the joined
 *               form of a compound shares its first part's position).
 * A hash is newsidx_pos__hash() of the stem, cut to w bytes; 0 marks an
 * empty position.  The writer picks the narrowest width at which the
 * article's distinct stems keep distinct hashes, so a query stem known
 * to be in the article (the AND guarantees it) is found exactly where
 * it occurs: the check is exact, not probabilistic.
 *
 * The coded form (byte 0 is 0x20 | w; schema 6, once the index has stem
 * codes) is the same but for each position's token, which names the
 * stem by its code in the index's table of its commonest stems
 * (metadata newsidx.stemcodes: "NXC1", then the 64-bit stem hash of
 * code 1, 2, ..., 8 bytes each, little-endian, at most 16,319):
 *   0x00          an empty position
 *   0x01..0xBF    codes 1..191, the commonest stems, in one byte
 *   0xC0..0xFE b  codes 192 + ((lead - 0xC0) << 8 | b)
 *   0xFF h        a stem without a code: its hash, cut to w bytes
 * A run holds the first byte of each of its count tokens, then the
 * other bytes of its tokens in order (b, h), so that a check reads the
 * first bytes at a fixed stride; an extra is its token whole.  The width
 * is chosen among the stems without a code.  A code names one stem, and
 * a query stem has a code exactly when the writer gave it one, so the
 * check stays exact.  Half the positions of news take one byte.
 */

/* A table of stem codes; newsidx_stemcodes__parse() makes it from the
 * metadata value (NULL when that is malformed or out of memory). */
struct newsidx_stemcodes;
struct newsidx_stemcodes *newsidx_stemcodes__parse(const void *blob,
						   size_t len);
void newsidx_stemcodes__free(struct newsidx_stemcodes *t);
/* The code of a stem hash, or 0 (also for a NULL table). */
unsigned newsidx_stemcodes__code(const struct newsidx_stemcodes *t,
				 uint64_t hash);

/* Counts of stem hashes, from which a table is made. */
struct newsidx_stemcount;
struct newsidx_stemcount *newsidx_stemcount__new(void);
void newsidx_stemcount__free(struct newsidx_stemcount *c);
/* Count n positions' hashes (0s are skipped); -1 when out of memory. */
int newsidx_stemcount__add(struct newsidx_stemcount *c, const uint64_t *hash,
			   size_t n);
/* The table of the stems counted twice or more, commonest first, as the
 * metadata value (malloc'd, *len set); NULL when fewer than 2,000
 * positions were counted or out of memory.  Even a table from a few
 * dozen articles makes the positions smaller: the commonest stems of
 * news are the same everywhere. */
void *newsidx_stemcount__table(const struct newsidx_stemcount *c,
			       size_t *len);

/* The 64-bit hash of a stem (never 0 once cut, see above). */
uint64_t newsidx_pos__hash(const char *stem, size_t len);

/* An article's positions while it is analysed. */
struct newsidx_posrec {
	unsigned *pos;
	uint64_t *hash;
	size_t n, cap;
	uint64_t *scratch; /* for the width choice */
	size_t scratch_cap;
	struct newsidx_buf ext; /* a coded run's bytes after the first */
};

void newsidx_pos__reset(struct newsidx_posrec *r);
/* Record a stem hash at a position; -1 when out of memory. */
int newsidx_pos__add(struct newsidx_posrec *r, unsigned pos, uint64_t hash);
/* Encode the recorded positions as the value above into out (reset
 * first), coded when codes is not NULL; -1 when out of memory. */
int newsidx_pos__encode(struct newsidx_posrec *r, unsigned title_end,
			const struct newsidx_stemcodes *codes,
			struct newsidx_buf *out);
void newsidx_pos__free(struct newsidx_posrec *r);

/*
 * A check of an article's positions: n stems (their hashes) that must
 * stand at consecutive positions in order (ordered, a phrase), or all
 * within a span of fewer than window positions in any order (NEAR).
 * title_only[i] (may be NULL) restricts stem i to the title.  codes is
 * the index's table of stem codes (NULL when it has none): coded values
 * only match a check made with it.  The result is malloc'd: free it with
 * free().
 */
struct newsidx_poscheck;
struct newsidx_poscheck *newsidx_pos__check_new(
	const uint64_t *hash, const unsigned char *title_only, size_t n,
	unsigned window, int ordered, const struct newsidx_stemcodes *codes);

/* 1 if the value (of slot NEWSIDX_SLOT_POS) satisfies the check, else
 * 0, also for a malformed value.  Reentrant; c is read only. */
int newsidx_pos__match(void *c, const char *value, size_t len);

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

/*
 * Packed records: the document data as a zstd frame in value slot
 * NEWSIDX_SLOT_DOC, compressed with the index's dictionary (metadata
 * newsidx.dictionary) once it has one; see docdata.c.
 *
 * The packer of an indexing run: dict is the index's dictionary, or NULL
 * to train one from the first records packed.  NULL when out of memory
 * or dict is not a zstd dictionary.
 */
struct newsidx_packer;
struct newsidx_packer *newsidx_packer__new(const void *dict, size_t len,
					   const void *codes, size_t clen);
void newsidx_packer__free(struct newsidx_packer *pk);

/* Pack a record (the output of newsidx_docdata__encode) into out.  *ctx
 * is the calling thread's compression state, created on first use and
 * freed with newsidx_packer__free_ctx().  Thread-safe: each thread
 * passes its own ctx. */
newsidx_status_t newsidx_packer__pack(struct newsidx_packer *pk, void **ctx,
				      const void *rec, size_t len,
				      struct newsidx_buf *out);
void newsidx_packer__free_ctx(void *ctx);

/* Offer a record as a training sample without packing it; 1 while the
 * packer wants more. */
int newsidx_packer__add_sample(struct newsidx_packer *pk, const void *rec,
			       size_t len);

/* Train on the samples gathered so far, if enough (300 records) and
 * none is trained: a run smaller than the sample size still leaves a
 * dictionary for the next run to use. */
void newsidx_packer__finish(struct newsidx_packer *pk);

/* The dictionary trained by this packer, once: the writer stores it
 * before the first record packed with it.  NULL when there is none or
 * it was taken.  Borrowed until newsidx_packer__free(). */
const void *newsidx_packer__take_dict(struct newsidx_packer *pk, size_t *len);

/*
 * Stem codes for a compact index (see the coded position values): the
 * packer of an index without a dictionary counts the position hashes of
 * the articles packed while it samples, and makes the table with the
 * dictionary (codes is the index's own table, else NULL, when
 * newsidx_packer__new is given the index's dictionary).
 */
/* 1 while the packer gathers samples (it has no dictionary yet). */
int newsidx_packer__sampling(struct newsidx_packer *pk);
/* Count an article's position hashes while sampling (else nothing). */
void newsidx_packer__count_stems(struct newsidx_packer *pk,
				 const uint64_t *hash, size_t n);
/* The table positions are coded with, NULL until there is one. */
const struct newsidx_stemcodes *newsidx_packer__codes(
	struct newsidx_packer *pk);
/* Right after newsidx_packer__take_dict() gave the dictionary: the
 * table made with it, as its metadata value, for the writer to store
 * with it; NULL when none was made.  Borrowed like the dictionary. */
const void *newsidx_packer__take_codes(struct newsidx_packer *pk,
				       size_t *len);

/* The index's dictionary, malloc'd, or NULL (*len set). */
typedef char *(*newsidx_dict_fn)(void *ctx, size_t *len);

/* Unpack a value of slot NEWSIDX_SLOT_DOC; *u is the caller's state
 * (NULL at first; freed with newsidx_unpacker__free), which keeps the
 * dictionary that get_dict(ctx) gave.  *rec is valid until the next
 * call with *u.  NEWSIDX_CORRUPT for a damaged value or a missing
 * dictionary. */
struct newsidx_unpacker;
newsidx_status_t newsidx_docdata__unpack(struct newsidx_unpacker **u,
					 const void *value, size_t len,
					 newsidx_dict_fn get_dict, void *ctx,
					 const void **rec, size_t *rec_len);
void newsidx_unpacker__free(struct newsidx_unpacker *u);

/* ------------------------------------------------------------------ */
/* interface to lib/search.c                                           */
/* ------------------------------------------------------------------ */

/* The docids of every article matching query (malloc'd), for deletes. */
newsidx_status_t newsidx_search__docids(struct newsidx_db *db,
					const char *query, unsigned **ids,
					size_t *n);

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

/* ------------------------------------------------------------------ */
/* interface to lib/feed.c, html.c, warc.c, sgml.c, lang.c, meta.c:    */
/* the formats beyond plain text and JSON Lines, and their metadata    */
/* ------------------------------------------------------------------ */

/*
 * newsidx_ingest__run() recognises each format by its content and hands
 * it to one of these parsers.  Whole-file formats (RSS and Atom feeds,
 * HTML pages, Reuters-21578 SGML) receive the complete decompressed
 * input, at most ing->max_document bytes; WARC is streamed a record at a
 * time through struct newsidx_stream, so memory stays bounded by the
 * largest record.  Every parser fills struct newsidx_article and passes
 * it to newsidx_ingest__emit(), which completes the metadata the same
 * way for every format (newsidx_meta__finish()) before on_article sees
 * it, and reports bad records through newsidx_ingest__reject() with the
 * file and the line, record or offset.
 */

/* The default bound of ing->max_document: 256 MiB. */
#define NEWSIDX_MAX_DOCUMENT ((size_t)256 << 20)

/* Count a rejection and pass it to ing->on_reject (one line). */
void newsidx_ingest__reject(struct newsidx_ingest *ing, const char *where,
			    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Complete a's metadata (newsidx_meta__finish()), count it and pass it
 * to on_article; or reject it at where when its body is larger than
 * ing->max_article.  a stays the caller's to clear afterwards.  Returns
 * NEWSIDX_OK, or what on_article returned, which is also kept in
 * ing->status and means the parser must stop.
 */
newsidx_status_t newsidx_ingest__emit(struct newsidx_ingest *ing,
				      struct newsidx_article *a,
				      const char *where);

/* A title from the first sentence of a body (malloc'd; NULL: no memory). */
char *newsidx_ingest__title(const char *body, size_t len);

/*
 * The decompressing reader of ingest.c, as the WARC parser sees it.
 * peek makes up to want bytes from the current position visible in
 * *data and returns how many are (fewer only at the end of the stream
 * or where it broke), or -1 when out of memory; consume moves past n of
 * them.  offset is the position in the decompressed stream, error is
 * NULL or why the stream broke (truncated or corrupt gzip), and
 * compressed tells whether offsets are in uncompressed bytes.
 */
struct newsidx_stream;
long newsidx_stream__peek(struct newsidx_stream *s, size_t want,
			  const char **data);
void newsidx_stream__consume(struct newsidx_stream *s, size_t n);
unsigned long long newsidx_stream__offset(const struct newsidx_stream *s);
const char *newsidx_stream__error(const struct newsidx_stream *s);
int newsidx_stream__compressed(const struct newsidx_stream *s);

/*
 * lib/feed.c: an RSS 2.0, RSS 1.0 or Atom feed of len bytes, one article
 * per item or entry.  Parsed by libxml2 without network access, entity
 * substitution or DTD loading; a feed that declares entities is refused
 * whole.  broken is NULL, or the reason the input stream broke at byte
 * broken_at, in which case only the items wholly before it are read.
 */
void newsidx_feed__parse(struct newsidx_ingest *ing, const char *data,
			 size_t len, const char *broken,
			 unsigned long long broken_at);

/*
 * lib/html.c: one HTML news page, one article.  hints (may be NULL) come
 * from a container such as a WARC record: id and url replace what the
 * page says; date and source are used when the page gives none; charset
 * is the HTTP charset, if any; where names the record in messages.
 */
struct newsidx_page_hints {
	const char *id;
	const char *url;
	const char *date;    /* ISO 8601, e.g. WARC-Date */
	const char *source;  /* e.g. the host of the URL */
	const char *charset;
	const char *where;
	unsigned long record;
};
void newsidx_html__parse(struct newsidx_ingest *ing, const char *data,
			 size_t len, const struct newsidx_page_hints *hints);

/*
 * The text of an HTML fragment (a feed's content:encoded or summary):
 * scripts and styles dropped, white space collapsed, a blank line
 * between blocks.  Appended to out; returns 0, or NEWSIDX_NOMEM.
 */
int newsidx_html__text(const char *html, size_t len, struct newsidx_buf *out);

/*
 * libxml2 reports errors through process-wide (per-thread) handlers.
 * Between begin and end they are caught here instead, so nothing is
 * printed and the first error is kept with its line and column; end
 * restores the caller's handlers.  The first begin initialises libxml2.
 */
struct newsidx_xml_errors {
	unsigned long count; /* errors (not warnings) seen */
	int line, column;    /* of the first error; 0 when unknown */
	char msg[200];       /* the first error's message, one line */
	void (*saved_serror)(void);
	void *saved_sctx;
	void (*saved_generic)(void);
	void *saved_gctx;
};
void newsidx_xml__begin(struct newsidx_xml_errors *e);
void newsidx_xml__end(struct newsidx_xml_errors *e);

/* lib/warc.c: a WARC file, one article per HTML response record. */
void newsidx_warc__parse(struct newsidx_ingest *ing,
			 struct newsidx_stream *s);

/*
 * lib/sgml.c: Reuters-21578 SGML, one article per <REUTERS> story.
 * broken and broken_at as for newsidx_feed__parse().
 */
void newsidx_sgml__parse(struct newsidx_ingest *ing, const char *data,
			 size_t len, const char *broken,
			 unsigned long long broken_at);

/*
 * lib/lang.c: the language of UTF-8 text as an ISO 639-1 code of a
 * language libstemmer stems (a static string), or NULL when unsure.
 * Thread-safe.
 */
const char *newsidx_lang__detect(const char *text, size_t len);

/*
 * A declared language ("en-GB", "pt_BR", "French", "fre", "DE") as a
 * lower-case ISO 639-1 code written to out.  Returns 1, or 0 when the
 * tag is not a language.  Codes libstemmer lacks are kept ("ja").
 */
int newsidx_lang__normalize(const char *tag, char out[8]);

/*
 * lib/meta.c: metadata normalised the same way for every format.
 *
 * newsidx_meta__date parses ISO 8601 / RFC 3339 (newsidx_ingest__date)
 * and RFC 822 / RFC 1123 dates with numeric or named zones ("Thu, 07
 * Mar 2024 10:30:00 +0530", "7 Mar 24 10:30 EST"); same contract.
 */
int newsidx_meta__date(const char *s, char out[16], int *tz_minutes,
		       int *has_time);

/*
 * The dateline place at the start of an article's text ("TOKYO, March 7
 * (Reuters) -", "WASHINGTON (AP) --", "New Delhi:"), title-cased when
 * written in capitals; malloc'd, or NULL when the text starts with none.
 * Conservative: an ordinary first sentence never yields a place.
 */
char *newsidx_meta__dateline(const char *text, size_t len);

/* n bytes of a place name, title-cased if it has no lower-case letters
 * (or no capitals): "NEW YORK" -> "New York", "RIO DE JANEIRO" -> "Rio
 * de Janeiro".  malloc'd. */
char *newsidx_meta__place_case(const char *s, size_t n);

/* n bytes with runs of white space (and NBSP) made one space and the
 * ends trimmed; malloc'd, NULL when nothing is left or out of memory. */
char *newsidx_meta__clean(const char *s, size_t n);

/* Append n bytes to out as UTF-8: valid UTF-8 is copied, any other byte
 * is read as Windows-1252 (a superset of Latin-1 for text). */
void newsidx_meta__utf8(const char *s, size_t n, struct newsidx_buf *out,
			int *rc);

/* The host of a URL without "www." (malloc'd), or NULL. */
char *newsidx_meta__host(const char *url);

/*
 * Complete an article before it is indexed: a place from a dateline at
 * the start of the body when none was given; the declared language
 * normalised, else detected from title and body (left NULL when unsure,
 * so that the index's default, English, applies).
 */
void newsidx_meta__finish(struct newsidx_article *a);

#endif /* NEWSIDX_INTERNAL_H */
