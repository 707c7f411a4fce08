/*
 * store/store.h: the interface of the store layer: what an article
 * becomes on disk.  The near-duplicate signatures (dedup.c), the synonym
 * table (synonyms.c), the compact positions (positions.c) and the stored
 * record (docdata.c).  The schema itself is in store/schema.h.
 */
#ifndef NEWSIDX_STORE_H
#define NEWSIDX_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer/analyzer.h"
#include "ingest/ingest.h"
#include "newsidx.h"
#include "store/schema.h"
#include "util/util.h"

struct xapc_db;

/* ------------------------------------------------------------------ */
/* interface to store/dedup.c: near-duplicate signatures              */
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
/* interface to store/synonyms.c                                      */
/* ------------------------------------------------------------------ */

/* The shipped list (data/synonyms.txt), built into the library. */
extern const char newsidx_synonyms_default[];

/* A member's key: its stems joined by spaces (malloc'd), NULL when it
 * has no words or memory ran out. */
char *newsidx_synonyms__key(struct newsidx_analyzer *an, const char *text,
			    size_t len);

/*
 * Put the list text into the synonym table of the writer db, unless the
 * index already holds this very list; members are analysed with an.
 * Returns 0 (*loaded set to 1 when the table was written, else left
 * alone), -1 when out of memory, or the binding's status.
 */
int newsidx_synonyms__load(struct xapc_db *db, struct newsidx_analyzer *an,
			   const char *text, size_t len, int *loaded);

/* The synonyms of a key (malloc'd array of malloc'd strings).  Returns
 * 0, -1 when out of memory, or the binding's status. */
int newsidx_synonyms__of(struct xapc_db *db, const char *key, char ***out,
			 size_t *n);

/* ------------------------------------------------------------------ */
/* interface to store/positions.c: word positions, checked per article */
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
/* interface to store/watchrec.c: the stored form of a watch          */
/* ------------------------------------------------------------------ */

/* A watch as stored (metadata newsidx.watch:NAME, see store/schema.h). */
struct newsidx_watchrec {
	char *query;
	char *lang;                /* NULL: none given */
	unsigned long long cursor; /* the last sequence passed */
	char added[24];            /* "YYYY-MM-DDTHH:MM:SSZ" */
	char run[24];              /* the same, or "" */
};

/* Parse the stored form of a watch (len bytes at v) into r: 0; -1 when
 * it is malformed; -2 out of memory.  newsidx_watchrec__free() frees r
 * after a success (and any record, also one set by hand to zero). */
int newsidx_watchrec__parse(const char *v, size_t len,
			    struct newsidx_watchrec *r);
void newsidx_watchrec__free(struct newsidx_watchrec *r);

/* The stored form of r, malloc'd (NUL-terminated, *len without the
 * NUL), or NULL when out of memory. */
char *newsidx_watchrec__format(const struct newsidx_watchrec *r,
			       size_t *len);

/* ------------------------------------------------------------------ */
/* interface to store/docdata.c: the stored document data             */
/* ------------------------------------------------------------------ */

/* Encode the stored fields and body as the schema's document data. */
newsidx_status_t newsidx_docdata__encode(const struct newsidx_article *a,
					 struct newsidx_buf *out);

/* Stored fields decoded from document data.  All strings malloc'd
 * (never NULL after a successful decode: "" when absent). */
struct newsidx_stored {
	char *id, *title, *date, *place, *source, *path, *url, *lang;
	char *authors, *topics;
	char *encoding; /* the input's character encoding when it was not
			   UTF-8; "" in records written before 0.3 */
	char *body;
	size_t body_len;
};

newsidx_status_t newsidx_docdata__decode(const void *data, size_t len,
					 int want_body,
					 struct newsidx_stored *out);
void newsidx_stored__clear(struct newsidx_stored *s);

/* The hash of an article's text, its title (NULL as "") and body: what
 * decides whether a replaced article keeps its indexing sequence.  The
 * writer hashes the article it is given, and a stored record's title
 * and body give the same hash for the same text. */
uint64_t newsidx_docdata__text_hash(const char *title, const char *body,
				    size_t body_len);

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


#endif /* NEWSIDX_STORE_H */
