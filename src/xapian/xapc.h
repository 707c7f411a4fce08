/*
 * xapc.h - a C binding over Xapian 1.4 ("xapc").
 *
 * This module is the only place where C code meets libxapian's C++ API.  It
 * is responsible for three things: (1) exposing databases, documents,
 * queries, searches and expansion as opaque C handles with explicit
 * ownership; (2) acting as an exception firewall - no C++ exception ever
 * crosses into C; every failure becomes an xapc_status_t plus a one-line
 * message starting with the xapc function's (lower-case) name, kept on the
 * handle involved; (3) copying search results (xapc_mset_t, xapc_eset_t)
 * into memory that no longer depends on the database, so a writer
 * committing meanwhile cannot invalidate them.  It knows nothing about
 * news, schemas or term prefixes beyond Xapian's own conventions, and it
 * never prints anything.
 *
 * This header declares the types, statuses, databases and documents; the
 * queries, searching and expansion are in xapc_query.h, which it includes
 * at its end.  Users include xapc.h only.
 *
 * General rules, which the per-function comments rely on:
 *  - Strings passed in are borrowed for the duration of the call only; the
 *    library copies what it keeps.  Byte strings are (pointer, length) pairs
 *    and may contain NUL; a NULL pointer is allowed only with length 0.
 *    Plain `const char *` parameters are NUL-terminated.
 *  - Strings handed out through `char **` are malloc()ed and NUL-terminated;
 *    the caller frees them with free().  `const char *` results are borrowed
 *    and their lifetime is stated per function.
 *  - Constructors return the new handle through their first `**out`
 *    parameter and every `*_free(NULL)` is a no-op.
 *  - Functions taking a database or document handle store the message of
 *    their failure on that handle (see xapc_db_errmsg(), xapc_doc_errmsg());
 *    a successful call clears it.  A NULL handle yields XAPC_ERR_INVALID
 *    with nowhere to put a message.
 *  - "Common database statuses" below means: XAPC_ERR_INVALID (NULL or
 *    failed handle, NULL out pointer, bad argument), XAPC_ERR_CLOSED,
 *    XAPC_ERR_MODIFIED, XAPC_ERR_CORRUPT, XAPC_ERR_NETWORK (remote
 *    databases), XAPC_ERR_NOMEM, XAPC_ERR_XAPIAN and XAPC_ERR_UNKNOWN.
 *  - Iteration is by callback: the callback returns 0 to continue and
 *    nonzero to stop early; stopping early is not an error (XAPC_OK).  The
 *    strings a callback receives are NUL-terminated and valid only during
 *    that callback invocation.  Callbacks must not use the same handle.
 *  - Thread-safety ("handle rule"): a handle is used by one thread at a
 *    time; distinct handles (even on the same database path) are
 *    independent and may be used concurrently.  Functions without a handle
 *    are reentrant.
 */
#ifndef XAPC_H
#define XAPC_H

#include <stddef.h>

/* Lets an including library export (or hide) the symbols as it wishes. */
#ifndef XAPC_API
#define XAPC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Basic types and statuses
 * ------------------------------------------------------------------------ */

/* Xapian's default (32-bit) typedefs; xapc_internal.hh asserts they match. */
typedef unsigned int xapc_docid_t;     /* document id, 1-based; 0 = none */
typedef unsigned int xapc_doccount_t;  /* a number of documents */
typedef unsigned int xapc_termcount_t; /* wdf, document length, ... */
typedef unsigned int xapc_termpos_t;   /* a term position in a document */
typedef unsigned int xapc_slot_t;      /* a value slot number */

/*
 * Longest term, in bytes, that the glass backend can store.  Xapian would
 * only reject a longer term when the document is written, far from the code
 * that made it, so xapc rejects it when it is added to a document instead.
 */
#define XAPC_MAX_TERM_LEN 245

/* Result of every fallible call, with what the caller should do about it. */
typedef enum xapc_status {
    XAPC_OK = 0,            /* success */
    XAPC_ERR_INVALID = 1,   /* bad argument, wrong handle state or operation
                               not allowed (e.g. writing to a read-only
                               database): a caller bug, do not retry */
    XAPC_ERR_NOMEM = 2,     /* out of memory: free something or give up */
    XAPC_ERR_NOT_FOUND = 3, /* database path or document id does not exist:
                               create it, or treat as absent */
    XAPC_ERR_OPENING = 4,   /* database could not be opened or created for
                               another reason (permissions, not a database,
                               already exists with XAPC_DB_CREATE) */
    XAPC_ERR_LOCK = 5,      /* another writer holds the write lock: retry
                               later or open with XAPC_DB_RETRY_LOCK */
    XAPC_ERR_MODIFIED = 6,  /* the revision this reader uses was recycled by
                               a writer: call xapc_db_reopen() and retry */
    XAPC_ERR_CORRUPT = 7,   /* database damaged: restore or rebuild it;
                               xapc_check() gives details */
    XAPC_ERR_VERSION = 8,   /* database format unsupported by this
                               libxapian: upgrade it or rebuild the db */
    XAPC_ERR_NETWORK = 9,   /* remote backend unreachable or timed out:
                               open a new handle and retry */
    XAPC_ERR_WILDCARD = 10, /* a wildcard query with
                               XAPC_WILDCARD_LIMIT_ERROR expanded to too many
                               terms: narrow the pattern or raise the limit */
    XAPC_ERR_CLOSED = 11,   /* the database was closed by xapc_db_close():
                               only xapc_db_free() remains useful */
    XAPC_ERR_XAPIAN = 12,   /* any other Xapian error (e.g. I/O): report the
                               message */
    XAPC_ERR_UNKNOWN = 13   /* a non-Xapian exception: a bug, report it */
} xapc_status_t;

/**
 * Return a short static description of a status.
 * @param st  any value, including ones not listed in xapc_status_t.
 * Ownership: static text, never NULL, never freed.
 * @return the description; "unrecognised status" for unknown values.
 * Thread-safety: reentrant.
 */
XAPC_API const char *xapc_status_str(xapc_status_t st);

/**
 * Return the version string of the libxapian loaded at run time.
 * Ownership: static text owned by libxapian, never NULL.
 * @return e.g. "1.4.22".
 * Thread-safety: reentrant.
 */
XAPC_API const char *xapc_xapian_version(void);

/* Opaque handles. */
typedef struct xapc_db xapc_db_t;       /* Database or WritableDatabase */
typedef struct xapc_doc xapc_doc_t;     /* a Xapian::Document */
typedef struct xapc_query xapc_query_t; /* an immutable Xapian::Query */
typedef struct xapc_mset xapc_mset_t;   /* copied search results */
typedef struct xapc_eset xapc_eset_t;   /* copied expand-set results */

/* Callback types; see the iteration rule in the file comment. */
/* count is the term frequency (xapc_db_allterms) or the wdf
 * (xapc_doc_terms). */
typedef int (*xapc_term_cb)(void *ctx, const char *term, size_t len,
                            unsigned int count);
typedef int (*xapc_string_cb)(void *ctx, const char *s, size_t len);
typedef int (*xapc_posting_cb)(void *ctx, xapc_docid_t docid,
                               xapc_termcount_t wdf);
typedef int (*xapc_position_cb)(void *ctx, xapc_termpos_t pos);

/* ------------------------------------------------------------------------
 * Opening and closing databases
 * ------------------------------------------------------------------------ */

/* Open modes for xapc_db_open(): exactly one of these ... */
#define XAPC_DB_READONLY 0x00            /* read-only; must exist */
#define XAPC_DB_CREATE_OR_OPEN 0x01      /* writable; create if missing */
#define XAPC_DB_CREATE 0x02              /* writable; fail if it exists */
#define XAPC_DB_CREATE_OR_OVERWRITE 0x03 /* writable; replace existing */
#define XAPC_DB_OPEN 0x04                /* writable; must exist */
#define XAPC_DB_MODE_MASK 0x0f
/* ... OR-ed with any of these options (ignored for XAPC_DB_READONLY). */
#define XAPC_DB_NO_SYNC 0x10 /* skip fsync(): faster, unsafe on power loss */
#define XAPC_DB_RETRY_LOCK 0x20 /* wait for the write lock, don't fail */
/* Create new databases with the glass backend: the default anyway, and the
 * backend XAPC_MAX_TERM_LEN is written for.  Existing databases are opened
 * with whatever backend they have. */
#define XAPC_DB_BACKEND_GLASS 0x100
/* Create new databases without a termlist table: smaller (the termlist is
 * about a quarter of a positional index) and faster to write, but such a
 * database cannot delete or replace documents by itself, and expansion
 * (xapc_db_expand()) and document term lists need the termlist.  Pair it
 * with xapc_db_track_deleted().  An existing database without a termlist
 * is recognised and opened as one, whatever the flags. */
#define XAPC_DB_NO_TERMLIST 0x40

/**
 * Open a local database directory, single-file database or stub file.
 * A stub file lists databases one per line ("auto PATH", a relative PATH
 * being relative to the stub's directory) that are then searched as one.
 * Modelled on sqlite3_open(): on failure *out is still set to a handle in a
 * failed state that supports only xapc_db_errmsg() and xapc_db_free() (every
 * other call returns XAPC_ERR_INVALID and keeps the open message), so the
 * caller can read why.
 * @param out    receives the handle; NULL only if out itself is NULL or the
 *               handle could not be allocated (then XAPC_ERR_NOMEM).
 * @param path   filesystem path.
 * @param flags  one XAPC_DB_ mode OR-ed with XAPC_DB_ options.
 * Ownership: the caller frees *out with xapc_db_free() whatever the status.
 * @return XAPC_OK, XAPC_ERR_NOT_FOUND, XAPC_ERR_OPENING, XAPC_ERR_LOCK,
 *         XAPC_ERR_CORRUPT, XAPC_ERR_VERSION, XAPC_ERR_INVALID (NULL
 *         argument, unknown flag), XAPC_ERR_NOMEM, XAPC_ERR_XAPIAN.
 * Thread-safety: reentrant.  Xapian allows one writer per database, even
 * within one process: a second writable open gets XAPC_ERR_LOCK.
 */
XAPC_API xapc_status_t xapc_db_open(xapc_db_t **out, const char *path,
                                    int flags);

/**
 * Open a database served by xapian-tcpsrv over TCP.
 * Failure semantics of *out are those of xapc_db_open().
 * @param out         receives the handle (see xapc_db_open()).
 * @param host        host name or address.
 * @param port        TCP port, 1..65535.
 * @param timeout_ms  both the connect timeout and the per-operation timeout
 *                    in milliseconds; 0 waits forever.
 * @param writable    nonzero for a writable remote database.
 * Ownership: the caller frees *out with xapc_db_free() whatever the status.
 * @return XAPC_OK, XAPC_ERR_NETWORK, XAPC_ERR_INVALID, XAPC_ERR_NOMEM and
 *         the database statuses the server reports.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_status_t xapc_db_open_remote(xapc_db_t **out, const char *host,
                                           unsigned int port,
                                           unsigned int timeout_ms,
                                           int writable);

/**
 * Open a database served by a program, such as xapian-progsrv run through
 * ssh ("ssh", "host xapian-progsrv /srv/idx"): Xapian's remote protocol
 * over the program's standard input and output.
 * Failure semantics of *out are those of xapc_db_open().
 * @param out         receives the handle (see xapc_db_open()).
 * @param program     the program to run, looked up in PATH.
 * @param args        its arguments, split at spaces; NULL for none.
 * @param timeout_ms  the per-operation timeout in milliseconds; 0 waits
 *                    forever.
 * Ownership: the caller frees *out with xapc_db_free() whatever the status.
 * @return XAPC_OK, XAPC_ERR_NETWORK, XAPC_ERR_INVALID, XAPC_ERR_NOMEM and
 *         the database statuses the server reports.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_status_t xapc_db_open_program(xapc_db_t **out,
                                            const char *program,
                                            const char *args,
                                            unsigned int timeout_ms);

/**
 * Make a read-only handle on no database at all, to which
 * xapc_db_add_database() then adds shards.
 * @param out  receives the handle; NULL only when memory ran out.
 * Ownership: the caller frees *out with xapc_db_free().
 * @return XAPC_OK, XAPC_ERR_INVALID (out NULL), XAPC_ERR_NOMEM.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_status_t xapc_db_new_combined(xapc_db_t **out);

/**
 * Add the databases (shards) of other to db so that db searches them all.
 * Document ids become interleaved across shards, as in Xapian: with n
 * shards, document d of shard k (0-based) gets id (d - 1) * n + k + 1.
 * @param db     a read-only handle.
 * @param other  any usable handle other than db.
 * Ownership: other stays owned by the caller and may be freed right away;
 * db keeps its own reference to the underlying databases.
 * The documents other hides (xapc_db_track_deleted()) stay hidden in db,
 * when other is one local database with a UUID (glass).
 * @return XAPC_OK, XAPC_ERR_INVALID (db writable, same handle, failed or
 *         NULL handle; db tracking deleted documents itself; other
 *         hiding documents while remote, combined or without a UUID),
 *         XAPC_ERR_CLOSED, XAPC_ERR_NOMEM.
 * Thread-safety: both handles are in use during the call.
 */
XAPC_API xapc_status_t xapc_db_add_database(xapc_db_t *db, xapc_db_t *other);

/**
 * Close the database files now, keeping the handle for its message.
 * A writable database commits pending changes, unless a transaction is in
 * progress, which is cancelled.  Later calls return XAPC_ERR_CLOSED.
 * @param db  the handle.
 * Ownership: db still needs xapc_db_free().
 * @return XAPC_OK or a common database status (from the final commit).
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_close(xapc_db_t *db);

/**
 * Free a handle, committing pending changes of a writable database.
 * Errors from that implicit commit are lost: call xapc_db_commit() first
 * to see them.
 * @param db  the handle, or NULL (no-op).
 * Ownership: releases db and everything it owns; documents, msets and
 * esets made from it stay valid.
 * Thread-safety: handle rule.
 */
XAPC_API void xapc_db_free(xapc_db_t *db);

/**
 * Return the message of the last failed call on db, or "" if it succeeded.
 * @param db  the handle; NULL gives "out of memory", because xapc_db_open()
 *            only leaves a non-NULL out NULL when allocation failed.
 * Ownership: borrowed; valid until the next call on db or its free.
 * @return one line starting with the failing function's name.
 * Thread-safety: handle rule.
 */
XAPC_API const char *xapc_db_errmsg(const xapc_db_t *db);

/**
 * Whether a writable handle's database has a termlist table.
 * @return 1 if so, 0 if not (see XAPC_DB_NO_TERMLIST), -1 for read-only,
 *         failed or closed handles (not known).
 * Thread-safety: handle rule.
 */
XAPC_API int xapc_db_has_termlist(const xapc_db_t *db);

/**
 * Whether the handle holds a table of document lengths for the revision
 * it reads (see xapc_enquire_params.doc_lengths).  A reopen that finds a
 * new revision makes the table out of date; the next search that wants
 * one reads it again.
 * @return 1 if so, 0 if not (or for a failed or closed handle).
 * Thread-safety: handle rule.
 */
XAPC_API int xapc_db_has_length_table(const xapc_db_t *db);

/**
 * Whether the handle holds a table of collapse keys for the revision it
 * reads (see xapc_enquire_params.collapse_keys), for any slot.
 * @return 1 if so, 0 if not (or for a failed or closed handle).
 * Thread-safety: handle rule.
 */
XAPC_API int xapc_db_has_key_table(const xapc_db_t *db);

/**
 * Read now the tables a read-only handle on one database keeps for its
 * revision: the documents' lengths (see xapc_enquire_params.doc_lengths)
 * and the collapse keys of collapse_slot (see collapse_keys), as a search
 * with XAPC_LENGTHS_TABLE and XAPC_KEYS_TABLE would.  Nothing for a
 * writable, remote or combined handle, or for a table already read at
 * this revision.
 * @return XAPC_OK, or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_read_tables(xapc_db_t *db,
                                           xapc_slot_t collapse_slot);

/**
 * Track deleted documents in metadata: the documents listed under key are
 * hidden from every later read on this handle, read-only ones too: from
 * queries (xapc_db_query() leaves them out of hits, counts and facets),
 * xapc_db_postings(), xapc_db_get_doc() (XAPC_ERR_NOT_FOUND) and
 * xapc_db_doccount().  xapc_db_reopen() reads the list again.  Term
 * frequencies, lengths and xapc_db_lastdocid() still count them.
 *
 * On a writable handle whose database has no termlist table, deleting a
 * document (xapc_db_delete_doc(), xapc_db_delete_doc_by_term()) then adds
 * it to the list, and xapc_db_replace_doc_by_term() lists the documents it
 * replaces and adds the new one under a new docid; xapc_db_commit() (and
 * xapc_db_commit_transaction()) store the list with the commit, so it is
 * exactly as durable as the deletions would be.  The list is "NXD1" and
 * the LEB128 varints of the gaps between the sorted docids.
 * @param db   a local handle (not a combined or remote one).
 * @param key  the metadata key, nonempty.
 * @return XAPC_OK, XAPC_ERR_CORRUPT (the stored list is malformed; the
 *         handle then tracks nothing), or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_track_deleted(xapc_db_t *db, const char *key);

/**
 * How many documents are listed deleted (xapc_db_track_deleted()).
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_deleted_count(xapc_db_t *db,
                                             xapc_doccount_t *out);

/**
 * Move a reader to the latest committed revision.
 * @param db       the handle.
 * @param changed  optional; receives 1 if the revision may have changed.
 * Ownership: nothing to free.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_reopen(xapc_db_t *db, int *changed);

/**
 * Tell whether the handle can write.
 * @param db  the handle, or NULL.
 * @return 1 for a usable writable handle, 0 otherwise (read-only, failed,
 *         closed or NULL).
 * Thread-safety: handle rule.
 */
XAPC_API int xapc_db_is_writable(const xapc_db_t *db);

/* ------------------------------------------------------------------------
 * Statistics.  Nothing to free; on failure *out is left unchanged.
 * ------------------------------------------------------------------------ */

/**
 * Get the number of documents (over all shards).
 * @param db   the handle.
 * @param out  receives the count.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_doccount(xapc_db_t *db, xapc_doccount_t *out);

/**
 * Get the highest document id in use so far (0 for an empty database).
 * @param db   the handle.
 * @param out  receives the id.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_lastdocid(xapc_db_t *db, xapc_docid_t *out);

/**
 * Get the average document length (in wdf units).
 * @param db   the handle.
 * @param out  receives the average, 0 for an empty database.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_avlength(xapc_db_t *db, double *out);

/**
 * Get how many documents index a term.
 * @param db    the handle.
 * @param term  the term bytes.
 * @param len   length of term in bytes.
 * @param out   receives the frequency.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_termfreq(xapc_db_t *db, const char *term,
                                        size_t len, xapc_doccount_t *out);

/**
 * Get the sum of a term's wdf over all documents.
 * @param db    the handle.
 * @param term  the term bytes.
 * @param len   length of term in bytes.
 * @param out   receives the frequency.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_collection_freq(xapc_db_t *db,
                                               const char *term, size_t len,
                                               xapc_termcount_t *out);

/**
 * Tell whether any document indexes a term.
 * @param db    the handle.
 * @param term  the term bytes.
 * @param len   length of term in bytes.
 * @param out   receives 1 or 0.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_term_exists(xapc_db_t *db, const char *term,
                                           size_t len, int *out);

/**
 * Get a document's length (the sum of its wdfs).
 * @param db     the handle.
 * @param docid  the document.
 * @param out    receives the length.
 * @return XAPC_OK, XAPC_ERR_NOT_FOUND (no such document) or a common
 *         database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_doclength(xapc_db_t *db, xapc_docid_t docid,
                                         xapc_termcount_t *out);

/**
 * Get the number of distinct terms in a document.
 * @param db     the handle.
 * @param docid  the document.
 * @param out    receives the count.
 * @return XAPC_OK, XAPC_ERR_NOT_FOUND (no such document) or a common
 *         database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_unique_terms(xapc_db_t *db, xapc_docid_t docid,
                                            xapc_termcount_t *out);

/* ------------------------------------------------------------------------
 * Documents in a database.  Writing functions need a writable handle (else
 * XAPC_ERR_INVALID); changes become visible to other handles on commit.
 * ------------------------------------------------------------------------ */

/**
 * Fetch a document.
 * @param db     the handle.
 * @param docid  the document id.
 * @param out    receives a new document handle, NULL on failure.
 * Ownership: free *out with xapc_doc_free(); it stays usable after db is
 * freed.  Its data and values are read lazily, so a later read through it
 * may fail with XAPC_ERR_MODIFIED if db is a reader and a writer moved on.
 * @return XAPC_OK, XAPC_ERR_NOT_FOUND (no such document) or a common
 *         database status.
 * Thread-safety: handle rule (db and the new document are independent).
 */
XAPC_API xapc_status_t xapc_db_get_doc(xapc_db_t *db, xapc_docid_t docid,
                                       xapc_doc_t **out);

/**
 * Add a document under a new id.
 * @param db     a writable handle.
 * @param doc    the document.
 * @param docid  optional; receives the new id.
 * Ownership: doc is copied and stays owned by the caller.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule; doc is only read.
 */
XAPC_API xapc_status_t xapc_db_add_doc(xapc_db_t *db, const xapc_doc_t *doc,
                                       xapc_docid_t *docid);

/**
 * Replace (or create) the document with a given id.
 * @param db     a writable handle.
 * @param docid  the id, nonzero.
 * @param doc    the new content.
 * Ownership: doc is copied and stays owned by the caller.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule; doc is only read.
 */
XAPC_API xapc_status_t xapc_db_replace_doc(xapc_db_t *db, xapc_docid_t docid,
                                           const xapc_doc_t *doc);

/**
 * Replace the documents indexed by a unique term (e.g. an id term), or add
 * doc if none is; doc should itself contain that term.
 * @param db     a writable handle.
 * @param uterm  the unique term bytes, non-empty.
 * @param len    length of uterm in bytes.
 * @param doc    the new content.
 * @param docid  optional; receives the id used.
 * Ownership: doc is copied and stays owned by the caller.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule; doc is only read.
 */
XAPC_API xapc_status_t xapc_db_replace_doc_by_term(xapc_db_t *db,
                                                   const char *uterm,
                                                   size_t len,
                                                   const xapc_doc_t *doc,
                                                   xapc_docid_t *docid);

/**
 * Delete a document by id.
 * @param db     a writable handle.
 * @param docid  the id, nonzero.
 * Ownership: nothing to free.
 * @return XAPC_OK, XAPC_ERR_NOT_FOUND (no such document) or a common
 *         database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_delete_doc(xapc_db_t *db, xapc_docid_t docid);

/**
 * Delete every document indexed by a term; none is not an error.
 * @param db    a writable handle.
 * @param term  the term bytes, non-empty (the empty term would mean
 * @param len   length of term in bytes.
 *                   every document, so it is refused as XAPC_ERR_INVALID).
 * Ownership: nothing to free.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_delete_doc_by_term(xapc_db_t *db,
                                                  const char *term,
                                                  size_t len);

/**
 * Commit pending changes so that new readers (and reopened ones) see them.
 * @param db  a writable handle.
 * Ownership: nothing to free.
 * @return XAPC_OK or a common database status; XAPC_ERR_INVALID also when
 *         read-only or inside a transaction; XAPC_ERR_XAPIAN on I/O errors.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_commit(xapc_db_t *db);

/**
 * Start a transaction: changes until commit/cancel apply atomically.
 * @param db       a writable handle.
 * @param flushed  nonzero: commit pending changes first and commit the
 *                 transaction on its own when it ends (Xapian's "flushed"
 *                 transaction); zero: it joins the pending changes.
 * Ownership: nothing to free.
 * @return XAPC_OK or a common database status (XAPC_ERR_INVALID also when
 *         a transaction is already in progress).
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_begin_transaction(xapc_db_t *db, int flushed);

/**
 * End the current transaction keeping its changes.
 * @param db  a writable handle.
 * Ownership: nothing to free.
 * @return XAPC_OK or a common database status (XAPC_ERR_INVALID also when
 *         no transaction is in progress).
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_commit_transaction(xapc_db_t *db);

/**
 * End the current transaction discarding its changes.
 * @param db  a writable handle.
 * Ownership: nothing to free.
 * @return XAPC_OK or a common database status (XAPC_ERR_INVALID also when
 *         no transaction is in progress).
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_cancel_transaction(xapc_db_t *db);

/* ------------------------------------------------------------------------
 * Metadata: a key/value store beside the documents.
 * ------------------------------------------------------------------------ */

/**
 * Set (or, with len 0, delete) a metadata entry.
 * @param db     a writable handle.
 * @param key    non-empty key.
 * @param value  the value bytes.
 * @param len    length of value in bytes.
 * Ownership: key and value are copied.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_set_metadata(xapc_db_t *db, const char *key,
                                            const char *value, size_t len);

/**
 * Read a metadata entry; an absent key reads as the empty value.
 * @param db     the handle.
 * @param key    non-empty key.
 * @param value  receives a malloc()ed NUL-terminated copy, NULL on failure.
 * @param len    optional; receives the length without the NUL.
 * Ownership: the caller frees *value with free().
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_get_metadata(xapc_db_t *db, const char *key,
                                            char **value, size_t *len);

/**
 * The database's UUID into *uuid (malloc'd, "" when the backend has
 * none).  A database of several, combined here or behind one remote
 * server, gives its databases' UUIDs joined by ':'.
 */
XAPC_API xapc_status_t xapc_db_uuid(xapc_db_t *db, char **uuid);

/**
 * Call cb(ctx, key, len) for every metadata key starting with prefix, in
 * byte order.
 * @param db      the handle.
 * @param prefix  NULL or "" for all keys.
 * @param cb      the callback.
 * @param ctx     passed to cb unchanged.
 * Ownership: keys are borrowed for the callback's duration.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_metadata_keys(xapc_db_t *db,
                                             const char *prefix,
                                             xapc_string_cb cb, void *ctx);

/* ------------------------------------------------------------------------
 * Iteration over the index
 * ------------------------------------------------------------------------ */

/**
 * Call cb(ctx, term, len, termfreq) for every term starting with prefix,
 * in byte order.
 * @param db      the handle.
 * @param prefix  NULL or "" for all terms.
 * @param cb      the callback.
 * @param ctx     passed to cb unchanged.
 * Ownership: terms are borrowed for the callback's duration.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_allterms(xapc_db_t *db, const char *prefix,
                                        xapc_term_cb cb, void *ctx);

/**
 * Call cb(ctx, docid, wdf) for every document indexing a term, in docid
 * order.  The empty term lists every document (each with wdf 1).
 * @param db    the handle.
 * @param term  the term bytes.
 * @param len   length of term in bytes.
 * @param cb    the callback.
 * @param ctx   passed to cb unchanged.
 * Ownership: nothing to free.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_postings(xapc_db_t *db, const char *term,
                                        size_t len, xapc_posting_cb cb,
                                        void *ctx);

/**
 * Call cb(ctx, pos) for every position of a term in a document, ascending.
 * A term absent from the document gives no calls.
 * @param db     the handle.
 * @param docid  the document.
 * @param term   the term bytes.
 * @param len    length of term in bytes.
 * @param cb     the callback.
 * @param ctx    passed to cb unchanged.
 * Ownership: nothing to free.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_positions(xapc_db_t *db, xapc_docid_t docid,
                                         const char *term, size_t len,
                                         xapc_position_cb cb, void *ctx);

/* ------------------------------------------------------------------------
 * Spelling dictionary and synonyms.  Changes are seen after commit.
 * ------------------------------------------------------------------------ */

/**
 * Add a word to the spelling dictionary (or raise its frequency).
 * @param db       a writable handle.
 * @param word     the word bytes, non-empty.
 * @param len      length of word in bytes.
 * @param freqinc  amount to add, usually 1.
 * Ownership: the word is copied.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_add_spelling(xapc_db_t *db, const char *word,
                                            size_t len,
                                            xapc_termcount_t freqinc);

/**
 * Lower a word's spelling frequency, removing the word at zero.
 * @param db       a writable handle.
 * @param word     the word bytes, non-empty.
 * @param len      length of word in bytes.
 * @param freqdec  amount to subtract.
 * Ownership: nothing to free.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_remove_spelling(xapc_db_t *db,
                                               const char *word, size_t len,
                                               xapc_termcount_t freqdec);

/**
 * Suggest the most likely correction of a word from the dictionary.
 * @param db                 the handle.
 * @param word               the word bytes.
 * @param len                length of word in bytes.
 * @param max_edit_distance  largest edit distance considered (Xapian's
 *                           default is 2).
 * @param out                receives the suggestion, "" when there is
 *                           none, NULL on failure.
 * Ownership: the caller frees *out with free().
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_spelling_suggest(xapc_db_t *db,
                                                const char *word, size_t len,
                                                unsigned int max_edit_distance,
                                                char **out);

/**
 * Record synonym as a synonym of term.
 * @param db       a writable handle.
 * @param term     non-empty term.
 * @param synonym  non-empty synonym.
 * Ownership: both are copied.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_add_synonym(xapc_db_t *db, const char *term,
                                           const char *synonym);

/**
 * Remove one synonym of term; removing an absent one is not an error.
 * @param db       a writable handle.
 * @param term     the term.
 * @param synonym  the synonym to remove.
 * Ownership: nothing to free.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_remove_synonym(xapc_db_t *db,
                                              const char *term,
                                              const char *synonym);

/**
 * Remove every synonym of term.
 * @param db    a writable handle.
 * @param term  the term.
 * Ownership: nothing to free.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_clear_synonyms(xapc_db_t *db,
                                              const char *term);

/**
 * Call cb(ctx, synonym, len) for every synonym of term, in byte order.
 * @param db    the handle.
 * @param term  the term.
 * @param cb    the callback.
 * @param ctx   passed to cb unchanged.
 * Ownership: synonyms are borrowed for the callback's duration.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_synonyms(xapc_db_t *db, const char *term,
                                        xapc_string_cb cb, void *ctx);

/**
 * Call cb(ctx, term, len) for every term having synonyms that starts with
 * prefix, in byte order.
 * @param db      the handle.
 * @param prefix  NULL or "" for all.
 * @param cb      the callback.
 * @param ctx     passed to cb unchanged.
 * Ownership: terms are borrowed for the callback's duration.
 * @return XAPC_OK or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_synonym_keys(xapc_db_t *db, const char *prefix,
                                            xapc_string_cb cb, void *ctx);

/* ------------------------------------------------------------------------
 * Maintenance (no handle: messages come back through errmsg)
 * ------------------------------------------------------------------------ */

#define XAPC_COMPACT_MULTIPASS 0x01   /* merge postlists in several passes */
#define XAPC_COMPACT_SINGLE_FILE 0x02 /* write a single-file database */
#define XAPC_COMPACT_NO_RENUMBER 0x04 /* keep docids; they must not overlap */

/**
 * Write the documents of db that are not listed deleted
 * (xapc_db_track_deleted()) into a new database at dest, under the same
 * docids: each one's data, values (of slots 0 to 255), terms with their
 * wdf, and positions.
 * The terms come from the posting lists turned around, a slice of
 * documents at a time (about 200 MB of memory at most), so a database
 * without a termlist table can be written again exactly.  Then come all
 * the metadata but the deleted list's key, the spelling words with their
 * frequencies and the synonyms.  The new database has a termlist table
 * when db has one.  db must be committed; its marks too.
 * @param db      a local handle, read-only or writable.
 * @param dest    a path where nothing is yet.
 * @param errmsg  optional; receives a one-line message on failure.
 * Ownership: the caller frees *errmsg with free().
 * @return XAPC_OK, XAPC_ERR_INVALID (uncommitted deletions), or a common
 *         database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_db_rewrite(xapc_db_t *db, const char *dest,
                                       char **errmsg);

/**
 * Compact one or more databases into a new one at dest (merging them).
 * The sources must not be written to meanwhile.
 * @param srcs    n database paths.
 * @param n       number of sources, at least 1.
 * @param dest    output path (a directory, or a file with SINGLE_FILE).
 * @param flags   XAPC_COMPACT_ bits.
 * @param errmsg  optional; receives a one-line message on failure (NULL if
 *                even that allocation failed), NULL on success.
 * Ownership: the caller frees *errmsg with free().
 * @return XAPC_OK, XAPC_ERR_INVALID (bad arguments, or overlapping docids
 *         with NO_RENUMBER), XAPC_ERR_NOT_FOUND, XAPC_ERR_OPENING,
 *         XAPC_ERR_CORRUPT, XAPC_ERR_NOMEM, XAPC_ERR_XAPIAN, ...
 * Thread-safety: reentrant.
 */
XAPC_API xapc_status_t xapc_compact(const char *const *srcs, size_t n,
                                    const char *dest, unsigned int flags,
                                    char **errmsg);

/**
 * Check a database's structure, like xapian-check.
 * @param path     database directory or single-file database.
 * @param nerrors  optional; receives the number of problems found.
 * @param report   optional; receives a multi-line report (one summary per
 *                 table) or NULL; set even when damage is found.
 * @param errmsg   optional; receives a one-line message on failure, NULL
 *                 on success.
 * Ownership: the caller frees *report and *errmsg with free() when non-NULL,
 * whatever the status.
 * @return XAPC_OK if no problem was found, XAPC_ERR_CORRUPT if some were
 *         (nerrors > 0) or the check could not proceed because of damage,
 *         XAPC_ERR_OPENING or XAPC_ERR_NOT_FOUND (no database at path),
 *         XAPC_ERR_INVALID, XAPC_ERR_NOMEM, ...
 * Thread-safety: reentrant.
 */
XAPC_API xapc_status_t xapc_check(const char *path, unsigned long *nerrors,
                                  char **report, char **errmsg);

/* ------------------------------------------------------------------------
 * Documents.  Modifying functions invalidate pointers previously returned
 * by xapc_doc_data() and xapc_doc_value() on the same document.  For a
 * document fetched from a database, the first access may read it and so
 * fail with a common database status.
 * ------------------------------------------------------------------------ */

/**
 * Create an empty document.
 * @param out  receives the handle, NULL on failure.
 * Ownership: free *out with xapc_doc_free().
 * @return XAPC_OK, XAPC_ERR_INVALID (out NULL), XAPC_ERR_NOMEM.
 * Thread-safety: reentrant.
 */
XAPC_API xapc_status_t xapc_doc_new(xapc_doc_t **out);

/**
 * Free a document handle.
 * @param doc  the handle, or NULL (no-op).
 * Ownership: pointers borrowed from doc become invalid.
 * Thread-safety: handle rule.
 */
XAPC_API void xapc_doc_free(xapc_doc_t *doc);

/**
 * Return the message of the last failed call on doc, or "".
 * @param doc  the handle; NULL gives "".
 * Ownership: borrowed until the next call on doc or its free.
 * @return one line starting with the failing function's name.
 * Thread-safety: handle rule.
 */
XAPC_API const char *xapc_doc_errmsg(const xapc_doc_t *doc);

/**
 * Return the id of a document fetched from a database, 0 for a new one.
 * @param doc  the handle, or NULL (gives 0).
 * Thread-safety: handle rule.
 */
XAPC_API xapc_docid_t xapc_doc_docid(const xapc_doc_t *doc);

/**
 * Add a term at a position, raising its wdf by wdfinc.
 * @param doc     the handle.
 * @param term    1..XAPC_MAX_TERM_LEN bytes.
 * @param len     length of term in bytes.
 * @param pos     position (Xapian counts from 1).
 * @param wdfinc  wdf increment, usually 1.
 * Ownership: the term is copied.
 * @return XAPC_OK, XAPC_ERR_INVALID (NULL handle, empty or too long term),
 *         XAPC_ERR_NOMEM, or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_doc_add_posting(xapc_doc_t *doc, const char *term,
                                            size_t len, xapc_termpos_t pos,
                                            xapc_termcount_t wdfinc);

/**
 * Add a term without position, raising its wdf by wdfinc.
 * @param doc     the handle.
 * @param term    1..XAPC_MAX_TERM_LEN bytes.
 * @param len     length of term in bytes.
 * @param wdfinc  wdf increment, usually 1.
 * Ownership: the term is copied.
 * @return XAPC_OK, XAPC_ERR_INVALID (NULL handle, empty or too long term),
 *         XAPC_ERR_NOMEM, or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_doc_add_term(xapc_doc_t *doc, const char *term,
                                         size_t len, xapc_termcount_t wdfinc);

/**
 * Add a filter term: no position and wdf 0, so it does not change the
 * document length or any weight.
 * @param doc   the handle.
 * @param term  1..XAPC_MAX_TERM_LEN bytes.
 * @param len   length of term in bytes.
 * Ownership: the term is copied.
 * @return XAPC_OK, XAPC_ERR_INVALID (NULL handle, empty or too long term),
 *         XAPC_ERR_NOMEM, or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_doc_add_boolean_term(xapc_doc_t *doc,
                                                 const char *term,
                                                 size_t len);

/**
 * Remove a term and its positions.
 * @param doc   the handle.
 * @param term  the term bytes.
 * @param len   length of term in bytes.
 * Ownership: nothing to free.
 * @return XAPC_OK, XAPC_ERR_INVALID (NULL handle, term absent),
 *         XAPC_ERR_NOMEM, or a common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_doc_remove_term(xapc_doc_t *doc, const char *term,
                                            size_t len);

/**
 * Remove every term and position.
 * @param doc  the handle.
 * Ownership: nothing to free.
 * @return XAPC_OK, XAPC_ERR_INVALID (NULL handle), XAPC_ERR_NOMEM, or a
 *         common database status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_doc_clear_terms(xapc_doc_t *doc);

/**
 * Set a value slot (len 0 removes it).
 * @param doc    the handle.
 * @param slot   slot number (not 0xffffffff, Xapian's BAD_VALUENO).
 * @param bytes  the value.
 * @param len    length of bytes.
 * Ownership: the value is copied.
 * @return XAPC_OK, XAPC_ERR_INVALID, XAPC_ERR_NOMEM, or a common database
 *         status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_doc_set_value(xapc_doc_t *doc, xapc_slot_t slot,
                                          const char *bytes, size_t len);

/**
 * Set the document data (the opaque payload returned with search hits).
 * @param doc    the handle.
 * @param bytes  the data.
 * @param len    length of bytes.
 * Ownership: the data is copied.
 * @return XAPC_OK, XAPC_ERR_INVALID, XAPC_ERR_NOMEM, or a common database
 *         status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_doc_set_data(xapc_doc_t *doc, const char *bytes,
                                         size_t len);

/**
 * Read a value slot.
 * @param doc   the handle.
 * @param slot  slot number.
 * @param len   optional; receives the length (0 on failure).
 * Ownership: borrowed from doc, NUL-terminated; valid until doc is
 * modified or freed.
 * @return the bytes, "" when the slot is empty, NULL on failure (see
 *         xapc_doc_errmsg(); a common database status).
 * Thread-safety: handle rule (the handle caches the value).
 */
XAPC_API const char *xapc_doc_value(xapc_doc_t *doc, xapc_slot_t slot,
                                    size_t *len);

/**
 * Read the document data.
 * @param doc  the handle.
 * @param len  optional; receives the length (0 on failure).
 * Ownership: borrowed from doc, NUL-terminated; valid until doc is
 * modified or freed.
 * @return the bytes, possibly "", NULL on failure (see xapc_doc_errmsg()).
 * Thread-safety: handle rule (the handle caches the data).
 */
XAPC_API const char *xapc_doc_data(xapc_doc_t *doc, size_t *len);

/**
 * Call cb(ctx, term, len, wdf) for every term of the document, in byte
 * order.
 * @param doc  the handle.
 * @param cb   the callback.
 * @param ctx  passed to cb unchanged.
 * Ownership: terms are borrowed for the callback's duration.
 * @return XAPC_OK, XAPC_ERR_INVALID, XAPC_ERR_NOMEM or a common database
 *         status.
 * Thread-safety: handle rule.
 */
XAPC_API xapc_status_t xapc_doc_terms(xapc_doc_t *doc, xapc_term_cb cb,
                                      void *ctx);

#ifdef __cplusplus
}
#endif

/* Queries, searching and expansion: the second half of this header. */
#include "xapc_query.h"

#endif /* XAPC_H */
