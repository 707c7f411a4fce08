/*
 * geo/geo.h: the interface of the geo layer to the layers above it: the
 * gazetteer (countries, their names in many languages, demonyms,
 * capitals, cities, states, organisations, people and titles) and the
 * tagger that finds them in an article.  The layer calls only analyzer/
 * and util/; ingest/, store/, query/ and index/ may call it.
 */
#ifndef NEWSIDX_GEO_H
#define NEWSIDX_GEO_H

#include <stddef.h>

#include "newsidx.h"
#include "analyzer/analyzer.h"

/* ------------------------------------------------------------------ */
/* interface to geo/gazetteer.c: the data and its lookups              */
/* ------------------------------------------------------------------ */

/* What a name is (a gazetteer line's KIND).  The order is the priority
 * when two lines of one file give the same name. */
enum newsidx_geo_kind {
	NEWSIDX_GEO_NONE = 0,  /* only a title or an ignore */
	NEWSIDX_GEO_COUNTRY,   /* tags text, answers queries */
	NEWSIDX_GEO_DEMONYM,
	NEWSIDX_GEO_CAPITAL,
	NEWSIDX_GEO_CITY,
	NEWSIDX_GEO_ORG,
	NEWSIDX_GEO_PERSON,
	NEWSIDX_GEO_REGION,    /* datelines and queries only */
	NEWSIDX_GEO_ALIAS      /* queries only */
};

/* Flags of a name. */
#define NEWSIDX_GEO_CAPS 1u   /* written in capitals: matches capitals only */
#define NEWSIDX_GEO_TITLE 2u  /* a title before a person's name */
#define NEWSIDX_GEO_IGNORE 4u /* never tagged from running text */

struct newsidx_gaz;

/* What a name stands for: borrowed from the gazetteer. */
struct newsidx_geo_hit {
	enum newsidx_geo_kind kind;
	unsigned flags;
	const char *code; /* alpha-2, an organisation id or a person's
			     canonical name; "" for titles and ignores */
};

/*
 * The gazetteer shipped with newsidx (data/gazetteer.txt, built into the
 * library), loaded once per process on first use and never freed.  NULL
 * only when memory ran out.  Thread-safe.
 */
const struct newsidx_gaz *newsidx_gaz__builtin(void);

/* Whether the built-in data was loaded with the keys made ahead
 * (data/gazetteer-keys.txt); 0 when that file is stale. */
int newsidx_gaz__builtin_keyed(void);

/* What data/gazetteer-keys.txt should hold for the built-in data and the
 * utf8proc in use, into *out (malloc'd, *len bytes, NUL-terminated):
 * NEWSIDX_OK or NEWSIDX_NOMEM. */
newsidx_status_t newsidx_gaz__builtin_keys(char **out, size_t *len);

/*
 * Load a user's additions (the format of data/gazetteer.txt) from
 * text[0..len) over parent, which is consulted for every name the
 * additions do not give (an addition overrides the same name in the
 * parent).  name is the file name for messages.  NEWSIDX_OK;
 * NEWSIDX_INVALID_ARGUMENT with "NAME:LINE: reason" in err for a bad
 * line;
 * NEWSIDX_NOMEM.  *out is freed with newsidx_gaz__free().
 */
newsidx_status_t newsidx_gaz__load(struct newsidx_gaz **out,
				   const struct newsidx_gaz *parent,
				   const char *text, size_t len,
				   const char *name, char *err, size_t errlen);

/* Read the additions file at path and load it as newsidx_gaz__load()
 * does; NEWSIDX_IO with the path and reason in err when unreadable. */
newsidx_status_t newsidx_gaz__load_file(struct newsidx_gaz **out,
					const struct newsidx_gaz *parent,
					const char *path, char *err,
					size_t errlen);

/* Free additions from newsidx_gaz__load(); NULL is accepted.  The
 * built-in gazetteer is never freed. */
void newsidx_gaz__free(struct newsidx_gaz *g);

/* The version of the data: the built-in version line, followed by
 * "+local:" and 16 hex digits of the additions' hash when there are
 * additions.  Owned by g. */
const char *newsidx_gaz__version(const struct newsidx_gaz *g);

/*
 * Look up a name as a user types it (any case, accents or none, several
 * words, any language the data knows).  Fills hit with the first
 * entry, searching the additions before their parent, that has a kind
 * (titles and ignores alone are skipped).  1 when found, else 0.
 */
int newsidx_gaz__lookup(const struct newsidx_gaz *g, const char *name,
			size_t len, struct newsidx_geo_hit *hit);

/* The country a name stands for (a country, alias, demonym, capital,
 * city or state) as alpha-2 into cc; 1, or 0 when it names none. */
int newsidx_gaz__country(const struct newsidx_gaz *g, const char *name,
			 size_t len, char cc[3]);

/* The term value (after the prefix) of a query's country:, org: or
 * person: value text, into out: the alpha-2 code, the organisation id
 * or the canonical name the gazetteer gives; an unknown value as is,
 * in the field's case (it then matches what was indexed under it). */
void newsidx_gaz__field_value(const struct newsidx_gaz *g, const char *field,
			      const char *text, char *out, size_t outlen);

/* The English name of a country (the first name of its first country
 * line), or NULL when the code is unknown.  Owned by g. */
const char *newsidx_gaz__country_name(const struct newsidx_gaz *g,
				      const char *cc);

/* Is there any entry whose key is the normalised words key[0..len)
 * (lower case, accents folded, single spaces)?  Fills hit; for the
 * tagger, which has the words normalised already. */
int newsidx_gaz__find(const struct newsidx_gaz *g, const char *key,
		      size_t len, struct newsidx_geo_hit *hit);

/* The most words a name starting with the normalised word w[0..len)
 * has (with titles set: a title), or 0 when none starts with it. */
unsigned newsidx_gaz__first(const struct newsidx_gaz *g, const char *w,
			    size_t len, int titles);

/* ------------------------------------------------------------------ */
/* interface to geo/tagger.c: an article's countries, place, orgs,     */
/* people                                                              */
/* ------------------------------------------------------------------ */

struct newsidx_tagger;

/* The tags of one article, owned by the tagger until its next start. */
struct newsidx_geo_tags {
	const char *place;          /* the normalised dateline place, or
				       NULL */
	const char *const *countries; /* alpha-2 codes, sorted */
	size_t ncountries;
	const char *const *place_countries; /* of the dateline and of the
					       format's own list */
	size_t nplace_countries;
	const char *const *orgs;    /* organisation ids, sorted */
	size_t norgs;
	const char *const *persons; /* canonical names, sorted */
	size_t npersons;
};

/*
 * A tagger over gazetteer g (borrowed; it must outlive the tagger).  One
 * per thread.  NEWSIDX_OK or NEWSIDX_NOMEM; free with
 * newsidx_tagger__free(), which accepts NULL.
 */
newsidx_status_t newsidx_tagger__new(struct newsidx_tagger **out,
				     const struct newsidx_gaz *g);
void newsidx_tagger__free(struct newsidx_tagger *t);

/*
 * Start an article.  place is its dateline place as a format gives it:
 * "Kansas City", "Portland, Ore.", or the Reuters form "Kansas City;
 * USA, West Germany" whose list after ";" is the format's own countries
 * (also a list alone, "USA, Japan"); NULL when there is none.
 */
void newsidx_tagger__start(struct newsidx_tagger *t, const char *place);

/*
 * Feed one token of the article as the analyzer gives it; raw is the
 * text it was cut from (tok->start and tok->end index it), zone 0 for
 * the title and 1 for the body.  Tokens come in order, title first.
 */
void newsidx_tagger__token(struct newsidx_tagger *t,
			   const struct newsidx_token *tok, const char *raw,
			   size_t raw_len, int zone);

/* Finish the article: its tags into *out.  NEWSIDX_OK or
 * NEWSIDX_NOMEM. */
newsidx_status_t newsidx_tagger__finish(struct newsidx_tagger *t,
					struct newsidx_geo_tags *out);

/* The score a country needs to be tagged (tuned on Reuters-21578, see
 * bench/geo.md), and the weights of a mention: set for measurement
 * only (bench/geo-eval); every argument < 0 keeps its value. */
void newsidx_tagger__tune(struct newsidx_tagger *t, double threshold,
			  double dateline, double title, double lead);

/* Tag only what the naive baseline would: exact country names, no
 * dateline, demonyms or cities (bench/geo-eval). */
void newsidx_tagger__naive(struct newsidx_tagger *t, int naive);

#endif /* NEWSIDX_GEO_H */
