/*
 * internal.h: the handle of libnewsidx and the index directory, the
 * top level of the library that the index/ and query/ layers build on.
 *
 * Nothing here is public.  Each folder under src/lib/ is a layer with a
 * header of its own (util/util.h, analyzer/analyzer.h, ingest/ingest.h,
 * store/store.h, query/query.h, index/index.h); see doc/architecture.md.
 * Cross-file functions use a double underscore after the module name
 * (newsidx_db__fail); file-local helpers are static.
 */
#ifndef NEWSIDX_INTERNAL_H
#define NEWSIDX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "newsidx.h"
#include "util/util.h"

/* ------------------------------------------------------------------ */
/* interface to lib/layout.c: the index directory and the writer lock */
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

/* Remove a directory tree. */
void newsidx_layout__remove(const char *path);

/* A reader's hold on the generation it reads (see layout.c). */
struct newsidx_pin {
	int fd;                      /* shared lock on gen/readers; -1: none */
	char gen[64];                /* "" for a plain glass directory */
	unsigned long long stub_ino; /* the stub seen when pinning */
	long long stub_ns;
};

/* Pin the live generation of dir for reading; 0, or -1 when it kept
 * being retired under us.  A generation without a readers file, or a
 * plain glass directory, is read unpinned (fd -1). */
int newsidx_layout__pin(const char *dir, struct newsidx_pin *pin);

/* The directory to open for the pinned generation. */
void newsidx_layout__pin_path(const char *dir, const struct newsidx_pin *pin,
			      char *path, size_t size);

/* 1 when the stub changed since pin was taken: a newer generation is
 * live. */
int newsidx_layout__moved(const char *dir, const struct newsidx_pin *pin);

/* Let go of a pin; a retired generation that no reader holds any more
 * is removed.  Close the database on it first. */
void newsidx_layout__unpin(const char *dir, struct newsidx_pin *pin);

/* Remove every retired generation that no reader holds, right after a
 * switch. */
void newsidx_layout__retire(const char *dir);

/* At a writer's start: remove at once the generations a writer that died
 * left half-built above the live one, and the retired ones no reader
 * holds (one from before readers files once the stub is a minute old).
 * Called by the holder of the writer lock. */
void newsidx_layout__tidy(const char *dir);

/* Bytes on disk of the live generation; 0 for a plain glass directory. */
unsigned long long newsidx_layout__live_bytes(const char *dir);

/* Bytes on disk of the whole index directory, and of them those in
 * retired generations that readers still hold. */
void newsidx_layout__disk_bytes(const char *dir, unsigned long long *total,
				unsigned long long *retired);


/* ------------------------------------------------------------------ */
/* interface to lib/partition.c: a partitioned index directory        */
/* ------------------------------------------------------------------ */

/* 1 when dir is a partitioned index (its PARTITIONED marker); *period
 * (may be NULL) gets NEWSIDX_PERIOD_YEAR or _MONTH, NEWSIDX_PERIOD_NONE
 * when the marker is of an unknown version or period. */
int newsidx_part__is(const char *dir, int *period);

/* "year", "month" -> NEWSIDX_PERIOD_*; NULL -> NONE; else -1. */
int newsidx_part__period_parse(const char *s);
const char *newsidx_part__period_name(int period);

/* Make dir a partitioned index of no shard yet: an empty stub, then the
 * marker.  The caller holds dir's lock. */
newsidx_status_t newsidx_part__create(const char *dir, int period, char *err,
				      size_t errlen);

/* 1 when name is a shard's name for period: YYYY, YYYY-MM, undated. */
int newsidx_part__valid_name(const char *name, int period);

/* The shards the stub of dir lists, malloc'd names (free with
 * newsidx_part__free_list); and writing the stub anew with names
 * (sorted here), atomically. */
newsidx_status_t newsidx_part__list(const char *dir, char ***names,
				    size_t *n);
void newsidx_part__free_list(char **names, size_t n);
newsidx_status_t newsidx_part__put_list(const char *dir, char **names,
					size_t n, char *err, size_t errlen);

/* The shard of an article's date ("YYYYMMDDhhmmss", "" when unknown):
 * "2024", "2024-03" or "undated". */
void newsidx_part__key(const char *date, int period, char *key, size_t size);

/* The dates a shard's period spans, [from, to) as YYYYMMDDhhmmss: 1, or
 * 0 for "undated". */
int newsidx_part__range(const char *key, char *from, char *to, size_t size);

/* 1 when the shard's period has ended (UTC): it can be closed. */
int newsidx_part__ended(const char *key);

/* A closed shard (compacted after its period ended): 1 when closed; its
 * CLOSED file names the generation it was compacted into. */
int newsidx_part__closed(const char *dir, const char *name);
int newsidx_part__closed_gen(const char *dir, const char *name, char *gen,
			     size_t size);
/* Close (gen given) or reopen (gen NULL) a shard. */
newsidx_status_t newsidx_part__set_closed(const char *dir, const char *name,
					  const char *gen, char *err,
					  size_t errlen);

/* The RUNNING mark of a write over the set, which lists its input
 * paths a line each: set at its start (paths), removed (NULL) once
 * every shard is consistent.  Found, a run was interrupted: its text,
 * malloc'd; else NULL. */
newsidx_status_t newsidx_part__running(const char *dir, const char *paths,
				       char *err, size_t errlen);
char *newsidx_part__was_running(const char *dir);

/* ------------------------------------------------------------------ */
/* interface to lib/db.c: the handle                                  */
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
	struct newsidx_db *prior; /* a rebuild's new generation: the index
				     it replaces, whose articles lend
				     their indexing sequence (borrowed) */
	char *synonyms;         /* the synonym list file, NULL: built in */
	char *gazetteer;        /* the gazetteer additions file, or NULL */
	struct newsidx_gaz *gaz; /* additions over the built-in gazetteer,
				    NULL: none (geodb.c) */
	int gaz_loaded;         /* gaz was looked for */
	int gaz_file;           /* gaz came from the file, not the index */
	int gaz_used;           /* articles were tagged since the last
				   commit: record the gazetteer */
	char errmsg[1024];
	unsigned pending;       /* documents since the last commit */
	struct newsidx_analyzer *an;  /* the default (English) analyzer */
	/* Other languages' analyzers, made when first asked for and kept
	 * until the handle closes: a pointer handed out stays valid, so a
	 * search may hold the analyzers of every language of the index at
	 * once (there are a few dozen stemmers at most). */
	struct newsidx_analyzer **an_lang;
	char (*an_lang_code)[24];
	size_t nan_lang, capan_lang;
	struct newsidx_unpacker *unpack; /* packed records, with the
					    dictionary last used */
	struct newsidx_stemcodes *codes; /* the stem codes last read, and */
	char *codes_raw;                 /* their metadata value */
	size_t codes_len;
	unsigned codes_gen;              /* changes when codes change */
	struct newsidx_pin pin;          /* a reader's generation */
	/* A set of shards (shards.c): the stub's shards, those in use in
	 * the order of the combined handle x, and how they are opened. */
	int is_set;
	struct newsidx_shard *shards;
	size_t nshards;
	struct newsidx_db **live;        /* borrowed from shards */
	size_t nlive;
	int partial;                     /* search without a missing shard */
	struct xapc_db *syn;             /* the synonym table a set's queries
					    read: a local shard's (borrowed)
					    or, when all are remote, one in
					    memory (owned: syn_owned) */
	int syn_owned;
	char *syn_dir;                   /* where the owned one lives */
	double shard_timeout;            /* seconds, for remote shards */
	int set_tags;                    /* a reader's index or set has
					    country tags: 1 yes, -1 no, 0
					    not asked since the last commit
					    seen */
	char (*years)[5];                /* the years a reader's index or
					    set holds articles of ("YYYY",
					    query/dates.c), valid when */
	size_t nyears;                   /* years_known is set, until */
	int years_known;                 /* the next commit seen */
	int compact_known;               /* a reader's single index keeps
					    word positions in a value slot:
					    2 yes, 1 no, 0 not asked since
					    the last commit seen */
	int long_lived;                  /* a reader's searches read the
					    tables of lengths and groups at
					    once (newsidx_db_set_long_lived) */
	int one_thread;                  /* searches count on the calling
					    thread only (see
					    newsidx_db_set_search_threads) */
	int reopened;                    /* newsidx_search() followed the
					    index to its latest commit
					    before building its query: the
					    run's first reopen is skipped */
	void *langs;                     /* the languages a reader's index
					    or set holds (query/build.c's,
					    one malloc'd block), NULL: not
					    asked since the last commit
					    seen */
	/* A partitioned index directory (partition.c): its period; for
	 * a reader, the set of its shards above; a writer holds the
	 * set's lock and no Xapian handle (index/partition.c writes). */
	int part;                        /* NEWSIDX_PERIOD_*, 0: none */
	char *stub;                      /* the set's stub file: path, or
					    path/XAPIANDB */
	const char *const *want;         /* shards a reader opens, NULL:
					    all (newsidx_db__narrow) */
};

/* ------------------------------------------------------------------ */
/* interface to lib/shards.c: a set of shards searched as one          */
/* ------------------------------------------------------------------ */

struct newsidx_shard;

/* 1 when path names a stub file (a set of shards), not a directory. */
int newsidx_shards__is_set(const char *path);

/* Read the stub db->path and open its shards into db->x; a writer is
 * refused (NEWSIDX_READ_ONLY).  A shard that cannot be opened fails the
 * open with a message naming its line, unless opts asks for partial
 * results: then it is recorded as missing. */
newsidx_status_t newsidx_shards__open(struct newsidx_db *db,
				      const newsidx_open_options_t *opts);

/* Follow the shards to their latest commits; a missing shard is tried
 * again, a local shard whose generation moved is opened anew. */
newsidx_status_t newsidx_shards__reopen(struct newsidx_db *db, int by_path);

/* The shard (an index handle of its own) that holds document docid of
 * the combined handle, and its id there in *local (may be NULL); NULL
 * when db is no set. */
struct newsidx_db *newsidx_shards__of(struct newsidx_db *db,
				      unsigned long docid,
				      unsigned long *local);

/* 1 when a shard in use keeps compact positions; 1 when every shard in
 * use has term lists. */
int newsidx_shards__any_compact(struct newsidx_db *db);
int newsidx_shards__all_term_lists(struct newsidx_db *db);

/* Narrow the combined handle of a partitioned index's reader to the
 * shards whose periods can hold a date within [lo, hi] (inclusive,
 * YYYYMMDDhhmmss, "" open); lo and hi NULL: every shard.  The shards
 * stay open; a search narrows for its run (what it left out is then
 * newsidx_db_shard_skipped()) and widens after (widen set: every shard
 * again, what the search left out still said). */
newsidx_status_t newsidx_shards__narrow(struct newsidx_db *db,
					const char *lo, const char *hi,
					int widen);

/* 1 when db is a set with a remote shard. */
int newsidx_shards__any_remote(struct newsidx_db *db);

void newsidx_shards__free(struct newsidx_db *db);



/* What db.c does for one index, under the entry points of the same
 * names that shards.c gives sets too: newsidx_db_open() (with set: only
 * the handle is made, shards.c opens the shards), newsidx_db_free(),
 * newsidx_db__reopen(), newsidx_db__record() (no docid: one index has
 * one dictionary), newsidx_db__compact_positions() and
 * newsidx_db__term_lists(). */
newsidx_status_t newsidx_db__open_index(newsidx_db_t **out, const char *path,
					const newsidx_open_options_t *opts,
					int set);
void newsidx_db__free_index(newsidx_db_t *db);
newsidx_status_t newsidx_db__reopen_index(struct newsidx_db *db, int by_path);
/* Drop what a reader keeps of the commit it last saw (the languages,
 * country tags and years of the index): it moved to another. */
void newsidx_db__forget_view(struct newsidx_db *db);
newsidx_status_t newsidx_db__record_index(struct newsidx_db *db,
					  const char *packed, size_t plen,
					  const char *data, size_t dlen,
					  const void **rec, size_t *rec_len);
int newsidx_db__compact_index(struct newsidx_db *db);
int newsidx_db__term_lists_index(struct newsidx_db *db);
/* newsidx_db_count() of one index (shards.c counts a partitioned
 * index's writer by its shards). */
size_t newsidx_db__count_index(newsidx_db_t *db);

/* ------------------------------------------------------------------ */
/* interface to geodb.c: the handle's gazetteer                        */
/* ------------------------------------------------------------------ */

struct newsidx_gaz;

/* Load the gazetteer of the handle: the built-in data and, over it, the
 * additions file (a writer's --gazetteer), or when file is NULL the
 * additions the index keeps.  A bad line fails with its file and line
 * in the message. */
newsidx_status_t newsidx_db__load_gazetteer(struct newsidx_db *db,
					    const char *file);

/* The handle's gazetteer, loaded on first use (built in when the index
 * keeps no additions); NULL only when memory ran out.  Owned by db. */
const struct newsidx_gaz *newsidx_db__gazetteer(struct newsidx_db *db);

/* Record the version of the gazetteer that tagged articles, and the
 * additions file when one was given (metadata newsidx.gazetteer and
 * newsidx.gazetteer_local), in the commit being made. */
newsidx_status_t newsidx_db__record_gazetteer(struct newsidx_db *db,
					      const char *file);

/* A rebuild's fresh index tags with what db did: its additions file,
 * or the additions it keeps (copied into fresh). */
newsidx_status_t newsidx_db__inherit_gazetteer(struct newsidx_db *fresh,
					       struct newsidx_db *db);

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
 * index of schema 4 or older).  docid, the document's id in db, picks
 * the shard whose dictionary packed it when db is a set of shards.  *rec
 * is valid until the next call on the handle.  NEWSIDX_CORRUPT when it
 * cannot be read. */
newsidx_status_t newsidx_db__record(struct newsidx_db *db,
				    unsigned long docid, const char *packed,
				    size_t plen, const char *data, size_t dlen,
				    const void **rec, size_t *rec_len);

/* Wrap x, a database opened by other means (a remote shard, whose open
 * returned rc), in a read-only handle named name, checked for this
 * build's schema and stemmer like any index. */
newsidx_status_t newsidx_db__wrap(struct newsidx_db **out, const char *name,
				  struct xapc_db *x, int rc);

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

/* NEWSIDX_OK when db is a writer on an index made by newsidx (a stub
 * and its generations), with the live generation's name in cur; what a
 * compaction or a rebuild needs before it writes a new generation.
 * Else NEWSIDX_INVALID_ARGUMENT or NEWSIDX_READ_ONLY, with the reason
 * on the handle. */
newsidx_status_t newsidx_db__stub_writer(struct newsidx_db *db, char *cur,
					 size_t size);

/* Make generation gen of the index the live one and reopen the writer
 * on it; old (the one it replaces) stays for readers until the next
 * switch, every other generation is removed.  The handle's own job:
 * compaction, rebuilds and bulk loads (index/) all end with it. */
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


#endif /* NEWSIDX_INTERNAL_H */
