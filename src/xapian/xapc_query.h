/*
 * xapc_query.h - queries, searching and expansion in the C binding over
 * Xapian 1.4 ("xapc").
 *
 * The second half of the binding's C header, apart for length only: xapc.h
 * includes it at its end, so a user includes xapc.h alone and gets both.
 * The general rules of xapc.h's file comment (borrowed strings, ownership,
 * messages on handles, iteration by callback, the handle rule) apply here
 * too, and the types, statuses and handles used here are declared there.
 */
#ifndef XAPC_QUERY_H
#define XAPC_QUERY_H

#ifndef XAPC_H
#error "include xapc.h, which includes xapc_query.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Queries.  Query handles are immutable values, not tied to any database:
 * constructors copy what they need from their arguments and never take
 * ownership of them, so a sub-query can be freed (or reused) right after
 * being combined.  Constructors return NULL only on out-of-memory or
 * invalid arguments (there is no handle to hold a message); every result
 * is freed with xapc_query_free().  A query handle may be read by several
 * threads at once, since nothing modifies it.
 * ------------------------------------------------------------------------ */

typedef enum xapc_op {
    XAPC_OP_AND = 0,       /* all sub-queries */
    XAPC_OP_OR = 1,        /* any sub-query */
    XAPC_OP_AND_NOT = 2,   /* first, but none of the others */
    XAPC_OP_XOR = 3,       /* an odd number of sub-queries */
    XAPC_OP_AND_MAYBE = 4, /* first; others only add weight */
    XAPC_OP_FILTER = 5,    /* all, weighted by the first only */
    XAPC_OP_NEAR = 6,      /* terms within window positions, any order */
    XAPC_OP_PHRASE = 7,    /* terms in order within window positions */
    XAPC_OP_ELITE_SET = 8, /* OR of the `window` best sub-queries */
    XAPC_OP_SYNONYM = 9,   /* OR, weighted as if one term */
    XAPC_OP_MAX = 10       /* OR, weight of the best matching sub-query */
} xapc_op_t;

typedef enum xapc_wildcard_mode {
    XAPC_WILDCARD_LIMIT_ERROR = 0,        /* fail with XAPC_ERR_WILDCARD */
    XAPC_WILDCARD_LIMIT_FIRST = 1,        /* first terms in byte order */
    XAPC_WILDCARD_LIMIT_MOST_FREQUENT = 2 /* most frequent terms */
} xapc_wildcard_mode_t;

/**
 * Make a query for one term.
 * @param term  the term bytes (the empty term matches every document).
 * @param len   length of term in bytes.
 * @param wqf   within-query frequency, usually 1.
 * @param pos   query position, 0 when irrelevant.
 * Ownership: the caller frees the result with xapc_query_free().
 * @return the query, NULL on out of memory or NULL term with len > 0.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_query_t *xapc_query_term(const char *term, size_t len,
                                       xapc_termcount_t wqf,
                                       xapc_termpos_t pos);

/**
 * Make a query matching every document (with weight 0).
 * Ownership: the caller frees the result with xapc_query_free().
 * @return the query, NULL on out of memory.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_query_t *xapc_query_all(void);

/**
 * Make a query matching nothing.
 * Ownership: the caller frees the result with xapc_query_free().
 * @return the query, NULL on out of memory.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_query_t *xapc_query_none(void);

/**
 * Combine sub-queries with an operator.
 * @param op      the operator.
 * @param subs    n sub-queries, none NULL.
 * @param n       number of sub-queries (0 gives a query matching nothing).
 * @param window  NEAR/PHRASE: window size in positions (0 = number of
 *                sub-queries); ELITE_SET: how many sub-queries to keep
 *                (0 = Xapian's default); ignored for other operators.
 * Ownership: subs are borrowed; the caller frees the result with
 * xapc_query_free().
 * @return the query, or NULL (NULL sub-query, unknown op, out of memory, or
 *         a mix Xapian refuses, e.g. PHRASE over an AND sub-query).
 * Thread-safety: reentrant.
 */
XAPC_API xapc_query_t *xapc_query_combine(xapc_op_t op,
                                          xapc_query_t *const *subs, size_t n,
                                          unsigned int window);

/**
 * Match documents whose value in slot lies in [lo, hi], in byte order.
 * @param slot   the value slot.
 * @param lo     lower bound bytes.
 * @param lolen  length of lo in bytes.
 * @param hi     upper bound bytes.
 * @param hilen  length of hi in bytes.
 * Ownership: bounds are copied; free the result with xapc_query_free().
 * @return the query, NULL on out of memory or invalid arguments.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_query_t *xapc_query_value_range(xapc_slot_t slot,
                                              const char *lo, size_t lolen,
                                              const char *hi, size_t hilen);

/**
 * Match documents whose value in slot is >= lo, in byte order.
 * @param slot   the value slot.
 * @param lo     lower bound bytes.
 * @param lolen  length of lo in bytes.
 * Ownership: lo is copied; free the result with xapc_query_free().
 * @return the query, NULL on out of memory or invalid arguments.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_query_t *xapc_query_value_ge(xapc_slot_t slot, const char *lo,
                                           size_t lolen);

/**
 * Match documents whose value in slot is <= hi, in byte order (documents
 * with the slot empty do not match).
 * @param slot   the value slot.
 * @param hi     upper bound bytes.
 * @param hilen  length of hi in bytes.
 * Ownership: hi is copied; free the result with xapc_query_free().
 * @return the query, NULL on out of memory or invalid arguments.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_query_t *xapc_query_value_le(xapc_slot_t slot, const char *hi,
                                           size_t hilen);

/** Shared answers of one value check, see xapc_value_memo_new(). */
typedef struct xapc_value_memo xapc_value_memo_t;

/** A test of one document's value: nonzero when the document matches. */
typedef int (*xapc_value_pred)(void *ctx, const char *value, size_t len);

/**
 * Match the documents whose value in slot passes pred(ctx, value, len);
 * documents with the slot empty do not match.  It adds no weight.  Meant
 * under XAPC_OP_FILTER, beside a query that finds the candidates: the
 * matcher then asks it about each candidate in turn (PostingSource's
 * check()), and reads the value stream in docid order.  Alone, it reads
 * every value in the slot.
 *
 * Where every document must pass the check to match the whole query
 * (the check is under XAPC_OP_AND or XAPC_OP_FILTER, in the first
 * operand of XAPC_OP_AND_MAYBE or XAPC_OP_AND_NOT, or under
 * xapc_query_scale(), all the way up), xapc_db_query() ranks the query
 * without it and asks it, as a match decider, only about documents whose
 * weight could still put them in the page: the same hits, with far fewer
 * checks when many documents have all the words.  Under XAPC_OP_OR and
 * the other operators it stays in the tree.
 * @param slot      the value slot.
 * @param pred      the test; it must be reentrant for ctx, which it may
 *                  only read.
 * @param ctx       passed to pred.
 * @param free_ctx  called with ctx (may be NULL) when the last copy of
 *                  the query is gone, and also when this function fails.
 * @param description  what xapc_query_describe() shows for it (copied;
 *                  NULL: "value check").
 * @param memo      shared answers (see xapc_value_memo_new()), or NULL.
 * Ownership: free the result with xapc_query_free().
 * @return the query, NULL on out of memory or invalid arguments.
 * Thread-safety: reentrant; the query cannot be sent to a remote
 *                database (it has no serialised form).
 */
XAPC_API xapc_query_t *xapc_query_value_match(xapc_slot_t slot,
                                              xapc_value_pred pred,
                                              void *ctx,
                                              void (*free_ctx)(void *),
                                              const char *description,
                                              xapc_value_memo_t *memo);

/**
 * Give a value check the context of the database it runs on: called with
 * the UUID of each database the check reads (each shard of a combined
 * handle, or the one database), it returns the ctx that pred then gets
 * for that database's documents; NULL fails every document there.
 */
typedef void *(*xapc_value_bind)(void *ctx, const char *uuid, size_t len);

/**
 * xapc_query_value_match() for a check whose test depends on the
 * database a document comes from (a shard's own coding of its values,
 * say): bind(ctx, uuid, len) chooses the ctx given to pred for each
 * database, once per search and database.  Such a check always stays in
 * the posting list tree (it is never asked as a match decider, which
 * sees a combined handle's documents without their shard), and shares
 * no memo.
 * @param bind  the choice of context; not NULL.
 * The other parameters, ownership and thread-safety as for
 * xapc_query_value_match(); ctx (with free_ctx) owns what bind returns.
 */
XAPC_API xapc_query_t *xapc_query_value_match_bound(xapc_slot_t slot,
                                                    xapc_value_pred pred,
                                                    xapc_value_bind bind,
                                                    void *ctx,
                                                    void (*free_ctx)(void *),
                                                    const char *description);

/**
 * Create a memo of predicate answers per docid, for value_match queries
 * that several threads run on the same database at the same revision
 * (the page and the count_query of one search): give it to each copy of
 * the check, and whichever thread reaches a document first tests it.
 * The memo binds to the first database (UUID and revision) that uses it;
 * on any other, the queries test every document themselves.  Only give
 * it to checks with the same predicate and slot.
 * @param lastdocid  the database's last docid (larger ones are not
 *                   remembered).
 * Ownership: free with xapc_value_memo_free(); queries keep their own
 * reference.  @return NULL on out of memory.
 * Thread-safety: the memo is shared safely; the handle itself is not.
 */
XAPC_API xapc_value_memo_t *xapc_value_memo_new(xapc_docid_t lastdocid);
XAPC_API void xapc_value_memo_free(xapc_value_memo_t *memo);

/**
 * Make a query that matches every document with the same weight.  Used
 * under XAPC_OP_FILTER it gives a fixed bonus to the documents of
 * another query (e.g. to rank documents with every word first).
 * @param weight  >= 0.
 * Ownership: free the result with xapc_query_free().
 */
XAPC_API xapc_query_t *xapc_query_fixed_weight(double weight);

/**
 * Make a query that matches every document with a date in value slot
 * `slot` and weighs it by recency: max_weight for a date on or after the
 * origin, halving every halflife_days of age before it.  Combine it with
 * XAPC_OP_AND_MAYBE to boost recent matches of another query.
 * @param slot           the value slot; values are "YYYYMMDD[hhmmss]".
 * @param origin, len    "now", in the same format.
 * @param halflife_days  > 0.
 * @param max_weight     > 0.
 * Ownership: free the result with xapc_query_free().
 */
XAPC_API xapc_query_t *xapc_query_date_decay(xapc_slot_t slot,
                                             const char *origin, size_t len,
                                             double halflife_days,
                                             double max_weight);

/**
 * Multiply the weights contributed by q by factor (Xapian's
 * OP_SCALE_WEIGHT), e.g. to boost title matches.
 * @param q       the query to scale.
 * @param factor  >= 0; 0 makes q a pure filter.
 * Ownership: q is borrowed; free the result with xapc_query_free().
 * @return the query, NULL if q is NULL, factor < 0 or NaN, or on out of
 *         memory.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_query_t *xapc_query_scale(const xapc_query_t *q, double factor);

/**
 * Match terms starting with a prefix (the pattern), expanded at search time.
 * @param pattern        the prefix bytes.
 * @param len            length of pattern in bytes.
 * @param max_expansion  most terms to expand to; 0 means no limit.
 * @param mode           what to do beyond the limit.  With
 *                       XAPC_WILDCARD_LIMIT_ERROR the error shows up as
 *                       XAPC_ERR_WILDCARD from xapc_db_query().
 * Ownership: the pattern is copied; free the result with xapc_query_free().
 * @return the query, NULL on out of memory or an unknown mode.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_query_t *xapc_query_wildcard(const char *pattern, size_t len,
                                           xapc_termcount_t max_expansion,
                                           xapc_wildcard_mode_t mode);

/**
 * Describe a query for debugging and logs, e.g. "Query((a AND b))".
 * @param q  the query.
 * Ownership: the caller frees the result with free().
 * @return a malloc()ed string, NULL if q is NULL or on out of memory.
 * Thread-safety: reentrant.
 */
XAPC_API char *xapc_query_describe(const xapc_query_t *q);

/**
 * Call cb(ctx, term, len) for each distinct term in the query, in byte
 * order (wildcards are not expanded).
 * @param q    the query.
 * @param cb   the callback.
 * @param ctx  passed to cb unchanged.
 * Ownership: terms are borrowed for the callback's duration.
 * @return XAPC_OK, XAPC_ERR_INVALID (NULL q or cb), XAPC_ERR_NOMEM.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_status_t xapc_query_terms(const xapc_query_t *q,
                                        xapc_string_cb cb, void *ctx);

/**
 * Tell whether a query is one term, perhaps with its weight scaled, and
 * which.
 * @param q    the query.
 * @param buf  receives the term (not NUL-terminated), when it fits.
 * @param cap  the size of buf.
 * @return the term's length, or 0 when q is NULL, is not one term, or
 *         its term is longer than cap.
 * Thread-safety: reentrant.
 */
XAPC_API size_t xapc_query_term_of(const xapc_query_t *q, char *buf,
                                   size_t cap);

/**
 * Tell whether a query matches nothing by construction.
 * @param q  the query, or NULL.
 * @return 1 for an empty query (or NULL), else 0.
 * Thread-safety: reentrant.
 */
XAPC_API int xapc_query_is_empty(const xapc_query_t *q);

/**
 * Free a query.
 * @param q  the query, or NULL (no-op).
 * Ownership: queries combined from q keep their own copy.
 * Thread-safety: no other thread may be using q.
 */
XAPC_API void xapc_query_free(xapc_query_t *q);

/* ------------------------------------------------------------------------
 * Searching
 * ------------------------------------------------------------------------ */

typedef enum xapc_weighting {
    XAPC_WEIGHT_BM25 = 0, /* BM25 with the bm25_* parameters */
    XAPC_WEIGHT_BOOL = 1  /* every match weighs 0: pure filtering */
} xapc_weighting_t;

typedef enum xapc_sort {
    XAPC_SORT_RELEVANCE = 0,            /* by weight */
    XAPC_SORT_VALUE = 1,                /* by sort_slot only */
    XAPC_SORT_VALUE_THEN_RELEVANCE = 2, /* by sort_slot, ties by weight */
    XAPC_SORT_RELEVANCE_THEN_VALUE = 3  /* by weight, ties by sort_slot */
} xapc_sort_t;

typedef enum xapc_docid_order {
    XAPC_DOCID_ASCENDING = 0,  /* ties: lower docid first (default) */
    XAPC_DOCID_DESCENDING = 1, /* ties: higher docid first (newer first) */
    XAPC_DOCID_DONT_CARE = 2   /* ties: any order, may be faster */
} xapc_docid_order_t;

#define XAPC_ENQUIRE_PARAMS_VERSION 9

/*
 * A counting spy of xapc_enquire_params.spies (version 6): how the values
 * of one slot are counted over the examined documents.  A value may hold
 * several parts joined by `split`; each distinct part counts once per
 * document.  `prefix` keeps only the first bytes of each part (a date
 * "YYYYMMDDhhmmss" cut to its day, month or year).  With `by` set, the
 * key counted is the part, a NUL byte, and the value of slot `by_slot`
 * cut to `by_prefix` bytes (for a series per value over time); a
 * document without a `by` value is not counted then.
 */
typedef struct xapc_spy {
    xapc_slot_t slot;
    char split;            /* 0: the value is one part */
    size_t prefix;         /* 0: the whole part */
    int by;                /* 0: count parts alone */
    xapc_slot_t by_slot;
    size_t by_prefix;      /* 0: the whole value */
} xapc_spy_t;

/* Values of xapc_enquire_params.exact_count. */
#define XAPC_COUNT_RESULTS 1
#define XAPC_COUNT_MATCHES 2

/* Values of xapc_enquire_params.doc_lengths. */
#define XAPC_LENGTHS_AUTO 0   /* a table once it has paid for itself */
#define XAPC_LENGTHS_XAPIAN 1 /* never a table: Xapian's own lookups */
#define XAPC_LENGTHS_TABLE 2  /* read the table now if there is none */

/* Values of xapc_enquire_params.collapse_keys. */
#define XAPC_KEYS_AUTO 0   /* a table once it has paid for itself */
#define XAPC_KEYS_XAPIAN 1 /* never a table: Xapian collapses */
#define XAPC_KEYS_TABLE 2  /* read the table now if there is none */

/*
 * Search parameters.  Always start from XAPC_ENQUIRE_PARAMS_INIT, which sets
 * `version` and Xapian's own defaults, then change fields: new fields will
 * only ever be appended, with a new version number.
 */
typedef struct xapc_enquire_params {
    int version;                 /* XAPC_ENQUIRE_PARAMS_VERSION */
    xapc_weighting_t weighting;  /* XAPC_WEIGHT_BM25 */
    double bm25_k1;              /* 1.2: wdf saturation (0: ignore wdf) */
    double bm25_k2;              /* 0: query-length correction */
    double bm25_k3;              /* 1: wqf saturation */
    double bm25_b;               /* 0.5: document-length normalisation */
    double bm25_min_normlen;     /* 0.5: floor on normalised length */
    xapc_doccount_t first;       /* 0: rank of the first hit returned */
    xapc_doccount_t maxitems;    /* 10: most hits returned */
    /* 0: minimum number of documents to examine; pass at least the
     * document count to make match counts and spy counts exact. */
    xapc_doccount_t check_at_least;
    xapc_sort_t sort;            /* XAPC_SORT_RELEVANCE */
    xapc_slot_t sort_slot;       /* 0: slot sorted on for value sorts */
    int sort_reverse;            /* 0: value sorts ascending; 1 descending */
    xapc_slot_t collapse_slot;   /* 0: slot whose value groups hits */
    /* 0: no collapsing; else the most hits kept per collapse value. */
    xapc_doccount_t collapse_max;
    xapc_docid_order_t docid_order; /* XAPC_DOCID_ASCENDING */
    int percent_cutoff;          /* 0: drop hits below this percent */
    double weight_cutoff;        /* 0: drop hits below this weight */
    /* NULL: slots to count values of (facets), one ValueCountMatchSpy each;
     * borrowed for the call. */
    const xapc_slot_t *spy_slots;
    size_t n_spy_slots;          /* 0 */
    /* NULL: slots whose values are copied for each hit; borrowed. */
    const xapc_slot_t *copy_values;
    size_t n_copy_values;        /* 0 */
    /* 0: XAPC_COUNT_RESULTS makes the count of results (groups, when
     * collapsing) exact whatever check_at_least, with a second,
     * weightless pass when the first left it uncertain (with collapsing,
     * Xapian 1.4 counts exactly only when the page holds every match);
     * XAPC_COUNT_MATCHES counts every matching document instead, copies
     * included, which needs no collapsing pass and is much cheaper. */
    int exact_count;
    /* Version 2.  NULL: the weightless count pass of XAPC_COUNT_MATCHES
     * runs after the ranked pass, on q.  Else a query with the same
     * matches as q but built separately, sharing no Xapian object with
     * it (Xapian's reference counts are not thread-safe): the count then
     * runs on it in a second thread, on a second read-only handle at
     * the same revision, while the ranked pass runs, so the search takes
     * the longer of the two passes instead of their sum.  When that
     * cannot be arranged (a writable, remote or multi-database handle,
     * or a newer revision on disk), the count runs after the ranked pass
     * as with NULL.  Borrowed for the call. */
    const struct xapc_query *count_query;
    /* Version 3.  NULL, or a third copy of q built separately like
     * count_query, for the calling thread: the count thread counts the
     * upper half of the docids first, and a calling thread done with
     * the page counts the lower half with this copy unless the count
     * thread has begun it.  Borrowed for the call. */
    const struct xapc_query *count_query_self;
    /* Version 4.  NULL, or a query built separately like count_query
     * that matches every document q matches, and more, without q's
     * checks (a phrase loosened to the AND of its words, say).  With
     * XAPC_COUNT_MATCHES and count_sample > 0 (and no spies or
     * cutoffs), q's count is exact only when count_loose has at most
     * count_sample matches; otherwise it is estimated from 8 slices of
     * the docids, spread evenly, that hold about count_sample / 2 of
     * count_loose's matches (sized from the docid where its first
     * count_sample + 1 matches end): q's matches in them, scaled by the
     * share of the docids they cover.  The bounds then differ: the lower
     * one is the matches seen, the upper one Xapian's upper bound of
     * count_loose's matches.  The count costs at most about count_sample
     * checks and count_sample matches of count_loose, however common
     * the words.
     * Borrowed for the call. */
    const struct xapc_query *count_loose;
    xapc_doccount_t count_sample; /* 0 */
    /* Version 5.  XAPC_LENGTHS_AUTO: how BM25 learns the length of each
     * document it weighs.  Xapian 1.4 looks each one up in a list of
     * chunks that it decodes entry by entry, which is most of the time
     * of a search for one word.  A read-only handle on one database can
     * read every length once into a table (2 bytes a document, kept on
     * the handle for its revision) and weigh the postings of the
     * query's words from it, to the same weights, passing over those
     * too light for the page before Xapian's matcher sees them.  AUTO
     * reads the table once the lookups of this handle's searches at
     * this revision are estimated to have cost as much as reading it
     * (at the second search for a word in 1% of the documents or
     * more); TABLE reads it at once; XAPIAN never does.  Only for BM25
     * with k2 = 0, k1 > 0 and b > 0: otherwise Xapian reads no lengths,
     * or needs its own.  A PHRASE or NEAR of term leaves is weighed
     * from the table too, as the AND of its terms (Xapian's weight of
     * it), filtered by the phrase itself, which then weighs nothing and
     * reads no length. */
    int doc_lengths;
    /* Version 6.  NULL: counting spies (see xapc_spy_t) that come after
     * those of spy_slots, in the facets of the results; their counts,
     * like those of spy_slots, are exact over the examined documents
     * (see check_at_least).  Borrowed for the call. */
    const xapc_spy_t *spies;
    size_t n_spies;              /* 0 */
    /* Version 7.  0: no limit.  Seconds after which the ranked pass
     * stops examining matches beyond what the page needs (Xapian's
     * Enquire::set_time_limit(): check_at_least is dropped), so that
     * spy counts and the total come from the documents examined so
     * far, and no exact count follows it.  xapc_mset_time_limited()
     * says whether the limit was reached.  The page itself is still
     * ranked in full: Xapian cannot stop it.  Ignored on a handle with
     * a remote database, where Xapian documents it as unreliable. */
    double time_limit;
    /* Version 8.  XAPC_KEYS_AUTO: how a search with collapse_max 1 learns
     * the collapse key of each document that could make the page.
     * Xapian reads it from the slot as the match meets the document: a
     * lookup in the value chunks for each candidate, a third of the
     * block reads of a search on 200,000 articles.  A read-only handle on
     * one database whose keys in the slot are all 16 lower-case hex
     * digits (as newsidx writes its groups) can read them once into a
     * table (9 bytes a document, kept on the handle for its revision) and
     * fold the ranked matches itself: the same hits in the same order,
     * each with the copies folded into it among the matches ranked
     * above the page's last hit and a little past it (Xapian's own
     * collapse counts those it met above the page's weight as it went:
     * both are lower bounds, equal whenever every match was ranked).
     * AUTO reads the table once this handle's searches at this revision
     * are estimated to have saved its cost (about a hundred searches on
     * 200,000 documents); TABLE reads it at once; XAPIAN never does.
     * Only with exact_count XAPC_COUNT_MATCHES or 0, without cutoffs,
     * and with collapse_max 1.  With 0, the estimate and bounds of a
     * folded page are of every match, copies included, as with
     * XAPC_COUNT_MATCHES (Xapian's are of groups). */
    int collapse_keys;
    /* Version 9.  0: every total exact.  Else, with exact_count
     * XAPC_COUNT_MATCHES and no count_loose, a query with more than this
     * many matches has its total estimated as count_loose's is (the
     * query its own loose form, count_exact_max its sample): from slices
     * of the docids spread evenly over the index that hold about half
     * as many matches, the bounds then differing.  The slices lead the
     * count, so only the postings inside them are read: the count costs
     * about count_exact_max matches, however many there are.  Totals of
     * one term are its frequency, always exact. */
    xapc_doccount_t count_exact_max;
} xapc_enquire_params_t;

#define XAPC_ENQUIRE_PARAMS_INIT                                            \
    { XAPC_ENQUIRE_PARAMS_VERSION, XAPC_WEIGHT_BM25, 1.2, 0.0, 1.0, 0.5,  \
      0.5, 0, 10, 0, XAPC_SORT_RELEVANCE, 0, 0, 0, 0,                      \
      XAPC_DOCID_ASCENDING, 0, 0.0, NULL, 0, NULL, 0, 0, NULL, NULL, NULL, \
      0, XAPC_LENGTHS_AUTO, NULL, 0, 0.0, XAPC_KEYS_AUTO, 0 }

/**
 * Run a query and copy the requested page of results.
 * Data, collapse keys, requested values and spy counts are copied into the
 * mset, which therefore no longer depends on db.
 * @param db   the handle; errors are stored on it.
 * @param q    the query.
 * @param p    parameters, NULL for XAPC_ENQUIRE_PARAMS_INIT.
 * @param out  receives the results, NULL on failure.
 * Ownership: q and p (with its arrays) are borrowed for the call; free
 * *out with xapc_mset_free(); it may outlive db.
 * @return XAPC_OK, XAPC_ERR_WILDCARD, or a common database status
 *         (XAPC_ERR_INVALID also for bad parameters: wrong version,
 *         negative BM25 parameter, percent_cutoff outside 0..100, unknown
 *         enum value, NULL array with nonzero count).
 * Thread-safety: handle rule for db; q and p are only read.
 */
XAPC_API xapc_status_t xapc_db_query(xapc_db_t *db, const xapc_query_t *q,
                                     const xapc_enquire_params_t *p,
                                     xapc_mset_t **out);

/**
 * Count the documents that hold at least one of n terms, exactly, without
 * a pass over the union of their postings: the terms' frequencies, less
 * the documents that hold a term and one of the more frequent terms
 * before it (each a pass driven by the rarer side, as AND is).
 * @param db     the handle; errors are stored on it.
 * @param terms  the terms (need not be NUL-terminated), n of them.
 * @param lens   their lengths in bytes.
 * @param n      1 or more.
 * @param all    for n == 2, the number of documents that hold both when
 *               known (it saves the only pass), else NULL.
 * @param out    receives the count.
 * Ownership: the arrays are borrowed for the call.
 * @return XAPC_OK, XAPC_ERR_INVALID (NULL arguments, n == 0, or a handle
 *         that hides deleted documents: its frequencies count them; use
 *         a weightless xapc_db_query() then), or a common database
 *         status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_count_union(xapc_db_t *db,
                                           const char *const *terms,
                                           const size_t *lens, size_t n,
                                           const xapc_doccount_t *all,
                                           xapc_doccount_t *out);

/*
 * Result accessors.  They cannot fail: a NULL mset or an index out of range
 * gives 0 (or NULL, with *len set to 0, for pointers).  Pointers returned
 * are borrowed from the mset, NUL-terminated, and valid until
 * xapc_mset_free().  An mset is immutable, so several threads may read one
 * at once.
 */

/**
 * Return the number of hits in this page.
 * @param m  the results.
 */
XAPC_API size_t xapc_mset_size(const xapc_mset_t *m);

/**
 * Return Xapian's estimate of the total number of matches.
 * @param m  the results.
 */
XAPC_API xapc_doccount_t xapc_mset_matches_estimated(const xapc_mset_t *m);

/**
 * Return a lower bound on the total number of matches.
 * @param m  the results.
 */
XAPC_API xapc_doccount_t xapc_mset_matches_lower_bound(const xapc_mset_t *m);

/**
 * Return an upper bound on the total number of matches.
 * @param m  the results.
 */
XAPC_API xapc_doccount_t xapc_mset_matches_upper_bound(const xapc_mset_t *m);

/**
 * Return 1 when the search ran into xapc_enquire_params.time_limit, so
 * that its total and spy counts cover only the documents examined until
 * then (the bounds stay true bounds), else 0.
 * @param m  the results.
 */
XAPC_API int xapc_mset_time_limited(const xapc_mset_t *m);

/**
 * Return the docid of a hit.
 * @param m  the results.
 * @param i  hit index within the page, 0-based.
 */
XAPC_API xapc_docid_t xapc_mset_docid(const xapc_mset_t *m, size_t i);

/**
 * Return the overall rank of a hit, counted from 0 (first + i).
 * @param m  the results.
 * @param i  hit index within the page.
 */
XAPC_API xapc_doccount_t xapc_mset_rank(const xapc_mset_t *m, size_t i);

/**
 * Return the weight of a hit.
 * @param m  the results.
 * @param i  hit index within the page.
 */
XAPC_API double xapc_mset_weight(const xapc_mset_t *m, size_t i);

/**
 * Return the percentage score of a hit (0..100).
 * @param m  the results.
 * @param i  hit index within the page.
 */
XAPC_API int xapc_mset_percent(const xapc_mset_t *m, size_t i);

/**
 * Return how many documents were collapsed into a hit (a lower bound
 * unless check_at_least covered every match; exact when the page was
 * folded from a table of keys, see collapse_keys).
 * @param m  the results.
 * @param i  hit index within the page.
 */
XAPC_API xapc_doccount_t xapc_mset_collapse_count(const xapc_mset_t *m,
                                                  size_t i);

/**
 * Return the document data of a hit.
 * @param m    the results.
 * @param i    hit index within the page.
 * @param len  optional; receives the length.
 * Ownership: borrowed until xapc_mset_free().
 */
XAPC_API const char *xapc_mset_data(const xapc_mset_t *m, size_t i,
                                    size_t *len);

/**
 * Return the collapse key of a hit ("" when not collapsing).
 * @param m    the results.
 * @param i    hit index within the page.
 * @param len  optional; receives the length.
 * Ownership: borrowed until xapc_mset_free().
 */
XAPC_API const char *xapc_mset_collapse_key(const xapc_mset_t *m, size_t i,
                                            size_t *len);

/**
 * Return a copied value of a hit ("" when the slot is empty).
 * @param m    the results.
 * @param i    hit index within the page.
 * @param k    index into the copy_values array of the search.
 * @param len  optional; receives the length.
 * Ownership: borrowed until xapc_mset_free().
 */
XAPC_API const char *xapc_mset_value(const xapc_mset_t *m, size_t i,
                                     size_t k, size_t *len);

/**
 * Return the number of distinct values a spy saw.
 * @param m    the results.
 * @param spy  index into the spy_slots array of the search, then on
 *             into its spies array.
 */
XAPC_API size_t xapc_mset_facet_count(const xapc_mset_t *m, size_t spy);

/**
 * Return the number of documents a spy examined.
 * @param m    the results.
 * @param spy  index into the spy_slots array of the search.
 */
XAPC_API xapc_doccount_t xapc_mset_facet_total(const xapc_mset_t *m,
                                               size_t spy);

/**
 * Read one entry of a spy; entries are sorted by count descending, then by
 * value in byte order.
 * @param m      the results.
 * @param spy    index into the spy_slots array of the search.
 * @param j      entry index, below xapc_mset_facet_count().
 * @param value  optional; receives the value (borrowed until
 *               xapc_mset_free()).
 * @param len    optional; receives its length.
 * @param count  optional; receives how many examined documents had it.
 * @return XAPC_OK, or XAPC_ERR_INVALID when m is NULL or out of range.
 */
XAPC_API xapc_status_t xapc_mset_facet(const xapc_mset_t *m, size_t spy,
                                       size_t j, const char **value,
                                       size_t *len, xapc_doccount_t *count);

/**
 * Free search results.
 * @param m  the results, or NULL (no-op).
 * Thread-safety: no other thread may be reading m.
 */
XAPC_API void xapc_mset_free(xapc_mset_t *m);

/* ------------------------------------------------------------------------
 * Query expansion (more-like-this, relevance feedback)
 * ------------------------------------------------------------------------ */

#define XAPC_EXPAND_PARAMS_VERSION 1

/* Expansion parameters; start from XAPC_EXPAND_PARAMS_INIT. */
typedef struct xapc_expand_params {
    int version;               /* XAPC_EXPAND_PARAMS_VERSION */
    xapc_termcount_t maxterms; /* 10: most terms returned */
    const char *prefix;        /* NULL: only terms starting with this */
    /* 0: if nonzero, skip terms starting with an ASCII capital letter,
     * which Xapian's convention reserves for prefixed (field) terms. */
    int unprefixed_only;
    /* NULL: terms of this query are left out (the query the relevant
     * documents were found with, so that only new terms are suggested). */
    const xapc_query_t *exclude_query;
    double min_weight;         /* 0: skip terms weighing less */
    /* Nonzero computes exact term frequencies across shards (slower);
     * only matters for multi-database handles, which since shards were
     * searched as one index always compute them exactly. */
    int exact_termfreq;
} xapc_expand_params_t;

#define XAPC_EXPAND_PARAMS_INIT \
    { XAPC_EXPAND_PARAMS_VERSION, 10, NULL, 0, NULL, 0.0, 0 }

/**
 * Suggest terms that characterise a set of relevant documents.
 * @param db      the handle; errors are stored on it.
 * @param docids  n relevant document ids.
 * @param n       how many (0 gives an empty set).
 * @param p       parameters, NULL for XAPC_EXPAND_PARAMS_INIT.
 * @param out     receives the terms, best first; NULL on failure.
 * Ownership: docids and p are borrowed for the call; free *out with
 * xapc_eset_free(); it does not depend on db.
 * @return XAPC_OK, XAPC_ERR_NOT_FOUND (a docid is missing) or a common
 *         database status.
 * Thread-safety: handle rule for db.
 */
XAPC_API xapc_status_t xapc_db_expand(xapc_db_t *db,
                                      const xapc_docid_t *docids, size_t n,
                                      const xapc_expand_params_t *p,
                                      xapc_eset_t **out);

/**
 * Return the number of terms in an expand set.
 * @param e  the set, or NULL (gives 0).
 * Thread-safety: an eset is immutable; concurrent reads are fine.
 */
XAPC_API size_t xapc_eset_size(const xapc_eset_t *e);

/**
 * Return a term of an expand set.
 * @param e    the set.
 * @param i    index, best first.
 * @param len  optional; receives the length (0 when out of range).
 * Ownership: borrowed until xapc_eset_free().
 * @return the term, NULL when e is NULL or i out of range.
 * Thread-safety: concurrent reads are fine.
 */
XAPC_API const char *xapc_eset_term(const xapc_eset_t *e, size_t i,
                                    size_t *len);

/**
 * Return the weight of a term of an expand set (0 when out of range).
 * @param e  the set.
 * @param i  index, best first.
 * Thread-safety: concurrent reads are fine.
 */
XAPC_API double xapc_eset_weight(const xapc_eset_t *e, size_t i);

/**
 * Free an expand set.
 * @param e  the set, or NULL (no-op).
 * Thread-safety: no other thread may be reading e.
 */
XAPC_API void xapc_eset_free(xapc_eset_t *e);

#ifdef __cplusplus
}
#endif

#endif /* XAPC_QUERY_H */
