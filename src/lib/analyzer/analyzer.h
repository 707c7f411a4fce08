/*
 * analyzer/analyzer.h: the interface of the analyzer layer: text to
 * normalised, stemmed tokens (analyze.c) and language detection and
 * normalisation (lang.c).  It depends on util/ only.
 */
#ifndef NEWSIDX_ANALYZER_H
#define NEWSIDX_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "newsidx.h"

/* ------------------------------------------------------------------ */
/* interface to analyzer/analyze.c: normalisation, tokenizing, stemming */
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


#endif /* NEWSIDX_ANALYZER_H */
