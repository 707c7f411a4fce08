/*
 * analyze.c: the analyzer object: which language it stems, which
 * stopwords it knows, and its lifetime.
 *
 * The analyzer decides what a word is.  Its work is in two files beside
 * this one: tokenize.c (token boundaries, normalisation, the UTF-8
 * validator) and stem.c (the Snowball stemmer with its cache, British
 * spellings).  Indexing, query parsing and snippets all go through it,
 * so a word reduces to the same term wherever it is seen.  All scratch
 * space lives in the analyzer, so nothing allocates per token.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "analyzer/analyzer.h"
#include "analyzer/private.h"
#include "util/util.h"

/* ------------------------------------------------------------------ */
/* languages and stopwords                                             */
/* ------------------------------------------------------------------ */

/* ISO 639-1 codes of the languages libstemmer knows. */
static const struct {
	const char *code;
	const char *algo;
} langs[] = {
	{ "ar", "arabic" },     { "ca", "catalan" },    { "da", "danish" },
	{ "de", "german" },     { "el", "greek" },      { "en", "english" },
	{ "es", "spanish" },    { "eu", "basque" },     { "fi", "finnish" },
	{ "fr", "french" },     { "ga", "irish" },      { "hi", "hindi" },
	{ "hu", "hungarian" },  { "hy", "armenian" },   { "id", "indonesian" },
	{ "it", "italian" },    { "lt", "lithuanian" }, { "nb", "norwegian" },
	{ "ne", "nepali" },     { "nl", "dutch" },      { "no", "norwegian" },
	{ "pt", "portuguese" }, { "ro", "romanian" },   { "ru", "russian" },
	{ "sr", "serbian" },    { "sv", "swedish" },    { "ta", "tamil" },
	{ "tr", "turkish" },    { "yi", "yiddish" },
};

/*
 * English function words, sorted for bsearch.  "us", "who" and "may"
 * are left out on purpose: they collide with U.S., WHO and the month,
 * all frequent in news.
 */
static const char *const english_stops[] = {
	"a", "about", "above", "after", "again", "against", "all", "also",
	"am", "an", "and", "any", "are", "as", "at", "be", "because", "been",
	"before", "being", "below", "between", "both", "but", "by", "can",
	"could", "did", "do", "does", "doing", "down", "during", "each",
	"either", "every", "few", "for", "from", "further", "had", "has",
	"have", "having", "he", "her", "here", "hers", "herself", "him",
	"himself", "his", "how", "however", "i", "if", "in", "into", "is",
	"it", "its", "itself", "just", "me", "might", "more", "most", "much",
	"must", "my", "myself", "neither", "no", "nor", "not", "now", "of",
	"off", "on", "once", "only", "or", "other", "ought", "our", "ours",
	"ourselves", "out", "over", "own", "same", "shall", "she", "should",
	"so", "some", "such", "than", "that", "the", "their", "theirs",
	"them", "themselves", "then", "there", "these", "they", "this",
	"those", "though", "through", "thus", "to", "too", "under", "until",
	"up", "upon", "very", "was", "we", "were", "what", "when", "where",
	"whether", "which", "while", "whom", "whose", "why", "will", "with",
	"within", "without", "would", "yet", "you", "your", "yours",
	"yourself", "yourselves",
};

/*
 * Resolve a language to a libstemmer algorithm name from
 * sb_stemmer_list() (a static string), or "" for "none".  Matching is
 * case-insensitive and a region subtag is ignored ("en-GB", "pt_BR"),
 * because that is how language tags arrive in feeds.
 */
static const char *resolve(const char *lang)
{
	const char **list;
	const char *algo;
	char buf[32];
	size_t i, n;

	if (!lang || !*lang)
		lang = "english";
	n = strlen(lang);
	if (n >= sizeof buf)
		return NULL;
	for (i = 0; i < n; i++) {
		char c = lang[i];

		if (c == '-' || c == '_')
			break;
		buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	buf[i] = '\0';
	if (strcmp(buf, "none") == 0)
		return "";
	algo = buf;
	for (i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		if (strcmp(buf, langs[i].code) == 0) {
			algo = langs[i].algo;
			break;
		}
	}
	/* Only names the installed libstemmer really has are accepted. */
	for (list = sb_stemmer_list(); *list; list++)
		if (strcmp(*list, algo) == 0)
			return *list;
	return NULL;
}

static int ascii_cls(unsigned c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return C_LETTER;
	if (c >= '0' && c <= '9')
		return C_DIGIT;
	switch (c) {
	case '\'':
		return C_APOS;
	case '-':
		return C_HYPHEN;
	case '.':
		return C_DOT;
	case ',':
		return C_COMMA;
	case '@':
	case '#':
		return C_SIGIL;
	case '_':
		return C_UNDER;
	}
	return C_SEP;
}

newsidx_status_t newsidx_analyzer__new(struct newsidx_analyzer **out,
				       const char *lang)
{
	struct newsidx_analyzer *a;
	const char *algo;
	unsigned c;

	if (!out)
		return NEWSIDX_INVALID_ARGUMENT;
	*out = NULL;
	algo = resolve(lang);
	if (!algo)
		return NEWSIDX_INVALID_ARGUMENT;
	a = calloc(1, sizeof *a);
	if (!a)
		return NEWSIDX_NOMEM;
	if (*algo) {
		/* The name was validated, so NULL can only mean memory. */
		a->stemmer = sb_stemmer_new(algo, "UTF_8");
		if (!a->stemmer) {
			free(a);
			return NEWSIDX_NOMEM;
		}
		a->name = algo;
	} else {
		a->name = "none";
	}
	if (strcmp(a->name, "english") == 0 ||
	    strcmp(a->name, "porter") == 0) {
		a->stops = english_stops;
		a->nstops = sizeof english_stops / sizeof english_stops[0];
		a->fold = 1;
	}
	for (c = 0; c < 128; c++)
		a->acls[c] = (unsigned char)ascii_cls(c);
	*out = a;
	return NEWSIDX_OK;
}

void newsidx_analyzer__free(struct newsidx_analyzer *a)
{
	if (!a)
		return;
	if (a->stemmer)
		sb_stemmer_delete(a->stemmer);
	free(a->cp);
	free(a->slots);
	free(a->arena);
	free(a->copy);
	free(a);
}

const char *newsidx_analyzer__stemmer_name(const struct newsidx_analyzer *a)
{
	return a->name;
}

static int stopcmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

int newsidx_analyzer__is_stopword(const struct newsidx_analyzer *a,
				  const char *word, size_t len)
{
	char buf[16];

	/* No stopword is longer than 15 bytes; this also NUL-terminates. */
	if (!a->stops || len == 0 || len >= sizeof buf)
		return 0;
	memcpy(buf, word, len);
	buf[len] = '\0';
	if (strlen(buf) != len)
		return 0;
	return bsearch(buf, a->stops, a->nstops, sizeof a->stops[0],
		       stopcmp) != NULL;
}
