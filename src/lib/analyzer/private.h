/*
 * analyzer/private.h: the analyzer's state, shared by the files of
 * analyzer/ (analyze.c makes and frees it, tokenize.c and stem.c use its
 * scratch space).  Nothing outside analyzer/ reads this header: the
 * layers above see struct newsidx_analyzer as an opaque type.
 */
#ifndef NEWSIDX_ANALYZER_PRIVATE_H
#define NEWSIDX_ANALYZER_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "analyzer/analyzer.h"


/*
 * Raw bytes collected for one token before normalisation.  Normalising
 * rarely shrinks text (a decomposed "e" plus accent becomes one byte), so
 * a run longer than this cannot become a token of NEWSIDX_MAX_TOKEN
 * bytes in practice; such runs are skipped without normalising them,
 * which bounds the work spent on junk such as base64 blobs.
 */
#define RAW_MAX (4 * NEWSIDX_MAX_TOKEN)

/* A normalised token may carry a final "'s" that is removed afterwards. */
#define TOK_MAX (NEWSIDX_MAX_TOKEN + 2)


/* Character classes seen by the tokenizer. */
enum cls {
	C_SEP,    /* separator; also invalid bytes and the end of the text */
	C_LETTER, /* L*, except letters of scripts without spaces */
	C_DIGIT,  /* N* */
	C_MARK,   /* M*: continues a token, never starts one */
	C_SOLO,   /* CJK ideograph, kana, Thai...: a token on its own */
	C_APOS,   /* ' U+2019 U+02BC */
	C_HYPHEN, /* - U+2010 U+2011; en and em dashes are separators */
	C_DOT,
	C_COMMA,
	C_SIGIL,  /* @ # */
	C_UNDER,  /* _, a word character inside handles only */
	C_IGNORE  /* soft hyphen, ZWNJ, ZWJ, word joiner: invisible */
};

/* One entry of the stem cache (stem.c). */
struct slot {
	uint32_t hash;
	uint32_t off; /* into the arena; 0 marks an empty slot */
};

struct newsidx_analyzer {
	struct sb_stemmer *stemmer; /* NULL for "none" */
	const char *name;
	const char *const *stops; /* sorted, or NULL */
	size_t nstops;

	unsigned char acls[128]; /* enum cls of each ASCII byte */
	char raw[RAW_MAX];       /* the token's bytes as collected */
	char tok[TOK_MAX + 1];   /* the normalised token */
	char join[NEWSIDX_MAX_TOKEN + 1]; /* the joined compound */
	utf8proc_int32_t *cp;    /* code points during normalisation */
	size_t cpcap;

	struct slot *slots; /* stem cache, allocated on first use */
	unsigned char *arena;
	size_t used;
	size_t count;
	int nocache; /* allocating the cache failed: do without */

	char *copy; /* words that stem() returns unchanged */
	size_t copycap;
	int fold; /* English: fold British spellings before stemming */
};

#include "fold_table.h"

/* 1 if the first code point of a UTF-8 word is a number (N*). */
static inline int newsidx_analyzer__is_number(const char *word,
					      size_t len)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	int cat;

	if (len == 0)
		return 0;
	if ((unsigned char)word[0] < 0x80)
		return word[0] >= '0' && word[0] <= '9';
	n = utf8proc_iterate((const utf8proc_uint8_t *)word,
			     len < 4 ? (utf8proc_ssize_t)len : 4, &cp);
	if (n <= 0)
		return 0;
	cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL ||
	       cat == UTF8PROC_CATEGORY_NO;
}

#endif /* NEWSIDX_ANALYZER_PRIVATE_H */
