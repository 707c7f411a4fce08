/*
 * newsidx.h: the public interface of libnewsidx, a full-text search
 * engine for news articles built on Xapian.
 *
 * This header is the reference manual.  Every function states what it
 * does, who owns what it returns, the statuses it can return and whether
 * it may be called from several threads.  The general rules:
 *
 * - Functions return a newsidx_status_t; 0 (NEWSIDX_OK) is success.  The
 *   status says what kind of failure it was; newsidx_db_errmsg() says
 *   exactly what went wrong (the file and line of bad input, the position
 *   of a query syntax error, the message of the index engine).
 * - Constructors return their object through a first "out" parameter and
 *   the caller frees it with the matching newsidx_<x>_free(), which
 *   accepts NULL.  Accessors return borrowed pointers whose lifetime is
 *   stated in their comment.
 * - The library never prints and never lets a C++ exception escape.
 * - Threads: a handle is used by one thread at a time.  Different handles
 *   may be used from different threads at once, including several
 *   read-only handles on the same index while one writer updates it.
 * - Option structures carry a version in their first field; initialise
 *   them with their _INIT macro so that code compiled against an older
 *   header keeps working when fields are added at the end.
 */
#ifndef NEWSIDX_H
#define NEWSIDX_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(NEWSIDX_BUILDING) && defined(__GNUC__)
#define NEWSIDX_API __attribute__((visibility("default")))
#else
#define NEWSIDX_API
#endif

/* The version of this header.  NEWSIDX_VERSION_NUM is 0xMMmmpp. */
#define NEWSIDX_VERSION_MAJOR 0
#define NEWSIDX_VERSION_MINOR 4
#define NEWSIDX_VERSION_PATCH 0
#define NEWSIDX_VERSION_NUM                                              \
	((NEWSIDX_VERSION_MAJOR << 16) | (NEWSIDX_VERSION_MINOR << 8) |  \
	 NEWSIDX_VERSION_PATCH)

/*
 * Status codes.  The numbers are part of the ABI: they are never reused
 * or renumbered, and new codes are added at the end.
 */
typedef enum newsidx_status {
	/* Success. */
	NEWSIDX_OK = 0,
	/* An error with no more specific code; see the handle's message. */
	NEWSIDX_ERROR = 1,
	/* Out of memory.  Free something or give up. */
	NEWSIDX_NOMEM = 2,
	/* A bad argument from the caller (NULL handle, unknown option value,
	 * unknown language).  Fix the call. */
	NEWSIDX_INVALID_ARGUMENT = 3,
	/* A file or directory could not be read or written (permissions,
	 * disk full).  The message names it and the system's reason. */
	NEWSIDX_IO = 4,
	/* No index exists at the path given to newsidx_db_open() in
	 * read-only mode.  Create it by indexing something first. */
	NEWSIDX_NO_INDEX = 5,
	/* Another process holds the index's write lock.  Wait and retry;
	 * readers are never blocked. */
	NEWSIDX_LOCKED = 6,
	/* A writer changed the index under a reader so much that the reader
	 * must reopen.  The library already retries searches on its own, so
	 * a caller sees this only when retries are exhausted. */
	NEWSIDX_MODIFIED = 7,
	/* The index files are damaged.  Rebuild the index. */
	NEWSIDX_CORRUPT = 8,
	/* The index was written by an incompatible version of Xapian or of
	 * newsidx (schema version or stemmer).  Rebuild the index. */
	NEWSIDX_VERSION_MISMATCH = 9,
	/* The query string has a syntax error; the message shows where. */
	NEWSIDX_QUERY_SYNTAX = 10,
	/* Some input was rejected (malformed, not UTF-8, too large); the rest
	 * was indexed.  The message and the reject callback say which. */
	NEWSIDX_REJECTED = 11,
	/* The requested article or document does not exist. */
	NEWSIDX_NOT_FOUND = 12,
	/* A remote index could not be reached. */
	NEWSIDX_NETWORK = 13,
	/* A wildcard or other query expanded to more terms than allowed.
	 * Make the query more specific. */
	NEWSIDX_TOO_MANY_TERMS = 14,
	/* An operation needs a writable handle but got a read-only one. */
	NEWSIDX_READ_ONLY = 15,
	/* The index engine reported an error with no more specific code. */
	NEWSIDX_ENGINE = 16,
	/* The caller asked the operation to stop (a progress callback
	 * returned nonzero).  Everything finished before was committed. */
	NEWSIDX_INTERRUPTED = 17,
	/* A path given to index does not exist or cannot be listed (an
	 * unmounted share, a typo).  Nothing under it was read, and none of
	 * its articles were deleted.  Check the path.  @since 0.3 */
	NEWSIDX_NO_INPUT = 18,
	/* Files that vanished from under a path held more of its articles
	 * than one run may delete (newsidx_index_options.max_delete_share,
	 * .max_delete).  None of them were deleted; everything else was
	 * indexed.  Check that the path is mounted and whole, then confirm
	 * with a higher limit.  @since 0.3 */
	NEWSIDX_DELETE_REFUSED = 19
} newsidx_status_t;

/*
 * A short, static, lower-case description of a status ("index is locked
 * by another writer").  Never NULL, also for unknown values.
 * Thread-safe.  @since 0.1
 */
NEWSIDX_API const char *newsidx_status_str(newsidx_status_t status);

/* The library's version as "MAJOR.MINOR.PATCH".  Static; thread-safe.
 * @since 0.1 */
NEWSIDX_API const char *newsidx_version(void);


/* ------------------------------------------------------------------ */
/* Opening an index                                                    */
/* ------------------------------------------------------------------ */

/* An open index: a reader, or the one writer.  Opaque. */
typedef struct newsidx_db newsidx_db_t;

/* Modes for newsidx_open_options.mode. */
#define NEWSIDX_OPEN_READ 0  /* read-only; the index must exist */
#define NEWSIDX_OPEN_WRITE 1 /* writable; created when missing */

#define NEWSIDX_OPEN_OPTIONS_VERSION 4

/* Periods of a partitioned index (newsidx_open_options.period): one
 * shard per calendar year or month of the articles' dates (UTC), and
 * one for undated articles.  @since 0.4 */
#define NEWSIDX_PERIOD_NONE 0  /* a single index */
#define NEWSIDX_PERIOD_YEAR 1  /* shards named YYYY */
#define NEWSIDX_PERIOD_MONTH 2 /* shards named YYYY-MM */

/* Options for newsidx_db_open().  Initialise with NEWSIDX_OPEN_OPTIONS_INIT. */
typedef struct newsidx_open_options {
	int version;         /* NEWSIDX_OPEN_OPTIONS_VERSION */
	int mode;            /* NEWSIDX_OPEN_READ or NEWSIDX_OPEN_WRITE */
	double lock_timeout; /* seconds a writer waits for the lock; 0: fail
				at once (the default) */
	int any_schema;      /* open an index of another schema version or
				stemmer anyway, for newsidx_db_info() and
				newsidx_db_rebuild() only */
	const char *synonyms; /* writers: a synonym list file (one group per
				 line, members separated by commas) to
				 load into the index; NULL: the list
				 shipped with newsidx */
	/* Version 2 (@since 0.3): */
	const char *gazetteer; /* writers: a gazetteer additions file (the
				  format of the installed gazetteer.txt)
				  that adds names to, or overrides names
				  of, the built-in gazetteer articles are
				  tagged with; the index keeps it for
				  later runs and for queries.  NULL: the
				  additions the index keeps, if any.  A
				  bad line fails the open with
				  NEWSIDX_INVALID_ARGUMENT and "FILE:LINE:
				  reason" as the message */
	/* Version 3 (@since 0.4), for a set of shards (see
	 * newsidx_db_open()): */
	int partial;          /* nonzero: a shard that cannot be opened is
				 left out and reported by
				 newsidx_db_shard_missing(); the open fails
				 only when every shard is missing.  0: the
				 open fails, naming the shard */
	double shard_timeout; /* seconds a remote shard has to connect and
				 to answer each request; 0: 5 seconds */
	/* Version 4 (@since 0.4): */
	int period;           /* writers: NEWSIDX_PERIOD_YEAR or _MONTH
				 makes a new (or empty) index directory a
				 partitioned index, one shard per period;
				 on an existing partitioned index it must
				 be its period, and on a single index with
				 articles it fails (NEWSIDX_INVALID_ARGUMENT:
				 convert with newsidx_db_reshard()).
				 NEWSIDX_PERIOD_NONE: whatever the index
				 is; a new one is a single index */
} newsidx_open_options_t;

#define NEWSIDX_OPEN_OPTIONS_INIT { NEWSIDX_OPEN_OPTIONS_VERSION, NEWSIDX_OPEN_READ, 0.0, 0, NULL, NULL, 0, 0.0, 0 }

/*
 * Open the index in the directory path.
 *
 * opts may be NULL for read-only defaults.  A writer creates the index
 * when it does not exist and records the schema version and the stemmer
 * in it; a reader or writer that finds a different schema version or
 * stemmer refuses the index rather than mixing terms.
 *
 * path may also name a set of shards (@since 0.4): a stub file in
 * Xapian's format, one shard a line, "auto PATH" or "glass PATH" for a
 * newsidx index directory (relative to the stub's directory), "remote
 * HOST:PORT" for one served by xapian-tcpsrv, "remote :PROGRAM ARGS" for
 * one served by a program (xapian-progsrv over ssh); blank lines and '#'
 * comments are skipped.  A set opens read-only: a writer gets
 * NEWSIDX_READ_ONLY ("PATH is a set of shards; write into one of its
 * shards").  Every shard must pass the schema and stemmer check.  A
 * shard that cannot be opened fails the open with a message naming its
 * stub line (NEWSIDX_NETWORK for a remote one that is down or slower
 * than opts->shard_timeout), unless opts->partial is set: then it is
 * left out, the search runs on the others, and
 * newsidx_db_shard_missing() names it.  Every search tries a missing
 * shard again, so one that comes back is used without reopening.
 * See doc/shards.md for what a set can and cannot do.
 *
 * path may also be a partitioned index directory (@since 0.4): one
 * index per period of the articles' dates, made by a writer opened with
 * opts->period.  A reader opens it as the set of its shards; a writer
 * routes what newsidx_index_path() and newsidx_index_buffer() read to
 * the shard of each article's date, and newsidx_db_delete_id(),
 * _delete_query(), newsidx_db_compact() and newsidx_db_check() act on
 * every shard.  See newsidx_db_period().
 *
 * Ownership: *out receives a handle the caller frees with
 * newsidx_db_free(), also when the open fails (then the handle only
 * carries the message for newsidx_db_errmsg()); *out is NULL only when
 * memory ran out.
 *
 * Returns NEWSIDX_OK; NEWSIDX_NO_INDEX when a reader finds no index;
 * NEWSIDX_LOCKED when another writer holds the lock past lock_timeout;
 * NEWSIDX_VERSION_MISMATCH for an index of another schema or stemmer;
 * NEWSIDX_CORRUPT; NEWSIDX_IO; NEWSIDX_INVALID_ARGUMENT; NEWSIDX_NOMEM;
 * NEWSIDX_ENGINE.
 *
 * Thread-safe (each call makes its own handle).  @since 0.1
 */
NEWSIDX_API newsidx_status_t newsidx_db_open(newsidx_db_t **out,
					     const char *path,
					     const newsidx_open_options_t *opts);

/*
 * How many shards the handle's set has; 0 when it is a single index.
 * Thread-safety: as the handle.  @since 0.4
 */
NEWSIDX_API size_t newsidx_db_shard_count(const newsidx_db_t *db);

/*
 * Shard i of a set: its stub line as written ("remote host:7001"), or
 * NULL when i is out of range.  Owned by the handle; valid until it is
 * freed.  @since 0.4
 */
NEWSIDX_API const char *newsidx_db_shard_line(const newsidx_db_t *db,
					      size_t i);

/*
 * Where shard i of a set is: a local index directory (resolved against
 * the stub's directory), host:port, or ":PROGRAM ARGS"; NULL when i is
 * out of range.  Owned by the handle; valid until it is freed.
 * @since 0.4
 */
NEWSIDX_API const char *newsidx_db_shard_where(const newsidx_db_t *db,
					       size_t i);

/*
 * 1 when shard i of a set is remote, else 0.  @since 0.4
 */
NEWSIDX_API int newsidx_db_shard_remote(const newsidx_db_t *db, size_t i);

/*
 * Why shard i of a set is missing from the last open or search (one
 * line), or NULL when it was searched.  Only a handle opened with the
 * partial option keeps a missing shard; callers report each one beside
 * the results, which then come from the other shards.  Owned by the
 * handle; valid until its next search or its free.  @since 0.4
 */
NEWSIDX_API const char *newsidx_db_shard_missing(const newsidx_db_t *db,
						 size_t i);

/*
 * 1 when the last search left shard i of a partitioned index out: its
 * query has a date filter (date:, since:) that no article of the
 * shard's period can match, so the shard was not asked.  0 otherwise.
 * @since 0.4
 */
NEWSIDX_API int newsidx_db_shard_skipped(const newsidx_db_t *db, size_t i);

/*
 * How many articles shard i of a set holds (0 when it is missing or i
 * is out of range).  May ask a remote shard.  @since 0.4
 */
NEWSIDX_API size_t newsidx_db_shard_articles(newsidx_db_t *db, size_t i);

/*
 * The period of a partitioned index (NEWSIDX_PERIOD_YEAR or _MONTH), or
 * NEWSIDX_PERIOD_NONE for a single index or a set named by a stub file.
 * A reader of a partitioned index is a set of shards, one a period: see
 * newsidx_db_shard_count() and the functions after it; its shard lines
 * are "auto 2024".  A writer routes each article to the shard of its
 * date (newsidx_index_path()).  See doc/shards.md, "Partitioned
 * indexes".  @since 0.4
 */
NEWSIDX_API int newsidx_db_period(const newsidx_db_t *db);

/*
 * 1 when shard i of a partitioned index is closed: compacted after its
 * period ended, and written into by no run unless reopened (see
 * newsidx_index_options.reopen).  0 otherwise.  @since 0.4
 */
NEWSIDX_API int newsidx_db_shard_closed(const newsidx_db_t *db, size_t i);

/*
 * Close the index and free the handle.  A writer commits what it has
 * indexed first; a failed commit is lost (call newsidx_db_commit() first
 * to see its status).  NULL is accepted.  @since 0.1
 */
NEWSIDX_API void newsidx_db_free(newsidx_db_t *db);

/*
 * The message of the last failure on this handle: one line naming the
 * file and position of bad input, the offending query, or the engine's
 * text.  "" when there is none.  Owned by the handle; valid until the
 * next call on it.  Never NULL for a non-NULL handle.  @since 0.1
 */
NEWSIDX_API const char *newsidx_db_errmsg(const newsidx_db_t *db);

/* The directory of the index, as given to newsidx_db_open(); owned by the
 * handle.  @since 0.1 */
NEWSIDX_API const char *newsidx_db_path(const newsidx_db_t *db);

/*
 * The threads one search on a reader's handle may use.  By default (0,
 * or 2) a second thread, on a second handle, counts the matches while
 * the page is ranked, which shortens a search on an idle machine.  1:
 * the calling thread does everything, one step after the other; a
 * server whose searches already keep every core busy gains nothing from
 * the second thread and pays for its switches (`newsidx serve` asks for
 * 1 while requests wait for a reader).  The results are the same
 * either way.  Returns NEWSIDX_OK, or NEWSIDX_INVALID_ARGUMENT for any
 * other n.  Thread-safety: as the handle.  @since 0.4
 */
NEWSIDX_API newsidx_status_t newsidx_db_set_search_threads(newsidx_db_t *db,
							   unsigned n);

/*
 * Say that a reader's handle will serve many searches, as a server's
 * does.  A reader keeps tables that make its searches cheaper: every
 * article's length, for ranking, and every article's near-duplicate
 * group, for folding copies.  By default it reads each one once the
 * searches of a commit have been estimated to cost more without it (on
 * 200,000 articles, about the hundredth search), so that a short-lived
 * reader never pays for them.  With on nonzero they are read now (a few
 * tens of milliseconds on 200,000 articles, about 11 bytes an article),
 * and again by the first search after each commit the reader follows;
 * 0 goes back to the default.  The results are the same either way.  A
 * set of shards has no such tables: its searches are unchanged.  Returns
 * NEWSIDX_OK; NEWSIDX_INVALID_ARGUMENT on a writer's handle;
 * NEWSIDX_ENGINE, NEWSIDX_CORRUPT or NEWSIDX_NOMEM when reading them
 * fails.  Thread-safety: as the handle.  @since 0.4
 */
NEWSIDX_API newsidx_status_t newsidx_db_set_long_lived(newsidx_db_t *db,
						       int on);

/*
 * Make everything indexed so far durable and visible to readers.
 * Returns NEWSIDX_OK, NEWSIDX_READ_ONLY, NEWSIDX_IO or NEWSIDX_ENGINE.
 * @since 0.1
 */
NEWSIDX_API newsidx_status_t newsidx_db_commit(newsidx_db_t *db);

/* The number of articles in the index, or 0 on error.  @since 0.1 */
NEWSIDX_API size_t newsidx_db_count(newsidx_db_t *db);

/* ------------------------------------------------------------------ */
/* Indexing                                                            */
/* ------------------------------------------------------------------ */

/*
 * Called once for each rejected input: where is "FILE", "FILE:LINE" or
 * "FILE:LINE:COLUMN" or "FILE: offset N"; reason is one line.  Both are
 * valid only during the call.
 */
typedef void (*newsidx_reject_fn)(void *ctx, const char *where,
				  const char *reason);

/* Counters filled in by the indexing functions (added to, not reset). */
typedef struct newsidx_index_stats {
	unsigned long files;          /* input files read */
	unsigned long articles;       /* articles added or replaced */
	unsigned long rejected;       /* records and files rejected */
	unsigned long rejected_files; /* files with at least one rejection */
	unsigned long long bytes;     /* bytes of article text indexed */
	unsigned long added;          /* articles new to the index */
	unsigned long updated;        /* articles that replaced a copy */
	unsigned long deleted;        /* articles removed: their file vanished
					 or no longer holds them */
	unsigned long unchanged;      /* files skipped as unchanged */
	unsigned long files_total;    /* files found in the inputs */
	unsigned long long bytes_total; /* their size on disk */
	unsigned long long bytes_done;  /* of which read or skipped so far */
	unsigned long skipped;     /* records read that are not articles
				      (WARC requests, images, redirects) */
	unsigned long unprocessed; /* articles of raw, unparsed text
				      (Reuters TYPE="UNPROC") */
	unsigned long title_only;  /* articles with a title and no body */
	unsigned long shards;      /* shards written in parallel and merged
				      by a bulk load (0: none); filled in
				      only with options of version 2 or
				      later.  @since 0.2 */
	unsigned long failed_unchanged; /* of the files skipped as
				      unchanged, those that failed before
				      and so still fail (see
				      newsidx_info_t.failed); filled in only
				      with options of version 5 or later.
				      @since 0.3 */
} newsidx_index_stats_t;

/*
 * Called during indexing with the counters so far (after each file and
 * every few hundred articles), for progress displays and cancellation:
 * return nonzero to stop.  The finished batch is then committed and the
 * indexing function returns NEWSIDX_INTERRUPTED.
 */
typedef int (*newsidx_progress_fn)(void *ctx,
				   const newsidx_index_stats_t *stats);

#define NEWSIDX_INDEX_OPTIONS_VERSION 7

/* Where an index keeps word positions (newsidx_index_options.positions). */
#define NEWSIDX_POSITIONS_KEEP 0    /* the index's own; a new one: TABLE */
#define NEWSIDX_POSITIONS_TABLE 1   /* Xapian's position table: one entry
				       per word per article, about twice
				       the text; the fastest phrases */
#define NEWSIDX_POSITIONS_COMPACT 2 /* two bytes per word in each article
				       (--lean): a third smaller index
				       and faster loads; phrases of common
				       words read every candidate's
				       positions and are slower */

/* Options for indexing.  Initialise with NEWSIDX_INDEX_OPTIONS_INIT. */
typedef struct newsidx_index_options {
	int version;              /* NEWSIDX_INDEX_OPTIONS_VERSION */
	const char *source;       /* source for articles that name none, or NULL */
	const char *lang;         /* language for articles that name none;
				     NULL: English */
	size_t max_article_bytes; /* larger articles are rejected; 0: 4 MiB */
	unsigned batch_size;      /* articles per commit; 0: 2000 */
	newsidx_reject_fn on_reject; /* may be NULL */
	void *reject_ctx;            /* passed to on_reject */
	int no_delete;       /* keep articles whose file vanished */
	int retry_failed;    /* re-read unchanged files that failed before */
	int force;           /* re-read every file, changed or not */
	newsidx_progress_fn progress; /* may be NULL */
	void *progress_ctx;           /* passed to progress */
	unsigned jobs;       /* threads parsing and analysing files while
				the calling thread writes; 0: one per core.
				The callbacks are still called one at a
				time. */
	/* Version 2 (@since 0.2): */
	unsigned shards;     /* a load into an empty index writes this many
				shards in parallel and merges them at the
				end: 0 chooses (one per job when the files
				to read hold 16 MiB or more, else none);
				1 never shards */
	/* Version 3 (@since 0.2): */
	int positions;       /* NEWSIDX_POSITIONS_*: chosen when the index
				is empty (a new index, or a rebuild); asking
				a non-empty index for another layout fails
				with NEWSIDX_INVALID_ARGUMENT */
	/* Version 4 (@since 0.3): how many of a path's articles one run
	 * may delete because their files vanished from under it; above
	 * either limit none are deleted and the run returns
	 * NEWSIDX_DELETE_REFUSED.  An empty directory where a share was
	 * mounted must not empty the index. */
	unsigned max_delete_share; /* percent of the path's articles,
				      for a path that holds 100 or more;
				      0: 50; 100 or more: no share limit.
				      Options of an earlier version get
				      the defaults. */
	unsigned long max_delete;  /* articles; 0: no count limit */
	/* Version 5 (@since 0.3): */
	const char *encoding;      /* read every input in this character
				      encoding (an iconv name such as
				      "windows-1252"), whatever it declares;
				      NULL: what the input declares (a BOM,
				      an XML declaration, an HTML meta
				      charset, an HTTP Content-Type), else
				      UTF-8 when it is valid, else what
				      uchardet detects */
	const char *const *include; /* glob patterns (gitignore syntax) of
				       files to read under a directory; a
				       file matching none is skipped.
				       NULL or empty: every file */
	size_t n_include;
	const char *const *exclude; /* glob patterns (gitignore syntax) of
				       files and directories to skip under a
				       directory, besides each directory's
				       .newsidxignore */
	size_t n_exclude;
	/* Version 6 (@since 0.4): */
	int no_tags;               /* nonzero: find no countries,
				      organisations or people in the
				      articles of this run (no country:,
				      org: or person: terms or facet
				      values; place: and topic: stay);
				      for measuring the tagger's cost and
				      for archives that need no geography.
				      newsidx_rebuild() tags them again */
	/* Version 7 (@since 0.4), for a partitioned index: */
	int reopen;                /* nonzero: an article dated in a
				      closed shard's period reopens that
				      shard and is written into it; 0:
				      it is rejected ("FILE:RECORD: dated
				      2023-05-02, in closed shard 2023
				      ...") and the rest of the run goes
				      on */
} newsidx_index_options_t;

#define NEWSIDX_INDEX_OPTIONS_INIT { NEWSIDX_INDEX_OPTIONS_VERSION, NULL, NULL, 0, 0, NULL, NULL, 0, 0, 0, NULL, NULL, 0, 0, 0, 0, 0, NULL, NULL, 0, NULL, 0, 0, 0 }

/*
 * Index a file, or every file under a directory recursively (in name
 * order; hidden files and directories are skipped), incrementally.
 *
 * Formats are recognised by content, and gzip by its magic bytes: plain
 * text articles ("date YYYY-MM-DD Place:" lead optional) and JSON Lines.
 * Every article gets a stable id (its own id, else its url, else the
 * file's absolute path, with "#N" for the Nth record of a multi-record
 * file), and indexing it again replaces the stored copy.
 *
 * Only what changed is read: the index remembers each file's size,
 * modification time and content hash, in the same commits as its
 * articles.  A file whose size and time match is skipped; one whose time
 * changed but whose content hash matches is only re-stamped; a changed
 * file replaces its articles and drops those it no longer holds.
 * Articles of files that vanished from under path are removed unless
 * opts->no_delete, and within the limits of opts->max_delete_share and
 * opts->max_delete (@since 0.3).  A file whose content failed is not
 * retried until it changes, or opts->retry_failed; a file that cannot be
 * read (or a directory that cannot be listed) keeps its articles and is
 * tried again by the next run (@since 0.3).  A crash at any point leaves
 * the last commit intact, and the next run completes the work without
 * duplicates.
 *
 * Symbolic links are followed, each directory at most once (by device
 * and inode): a link to a directory already walked, such as one of its
 * own ancestors, is skipped, and a file reached by several names is read
 * once (@since 0.3).  opts->progress is also called during the walk.
 *
 * Filters (@since 0.3): under a directory, a file is read unless it is
 * excluded, and, when there are include patterns, only if one of them
 * matches it or a directory above it.  Patterns are in gitignore syntax,
 * relative to path.  What excludes, the last matching pattern deciding
 * (a '!' pattern includes again): a built-in list of files that are
 * never articles (*SUMS, *.sha1, *.sha256, *.sha512, *.md5, *.sig,
 * *.asc, *.dtd, *.xsd; a file an include pattern matches is exempt),
 * then each directory's .newsidxignore for itself and below (deeper
 * ones later), then opts->exclude.  An excluded directory is not
 * walked, and a .newsidxignore is never read as an article.  A
 * .newsidxignore that cannot be read or holds a bad pattern is
 * rejected ("FILE:LINE: reason") and its directory is treated as one
 * that cannot be read.  The include and exclude patterns of opts are
 * stored with path and replace those stored before; a run with none
 * applies those stored, as does newsidx_db_rebuild().  The articles of
 * files that a filter now excludes are removed like those of vanished
 * files, but, since the files are still there, they are not counted
 * against opts->max_delete_share and opts->max_delete.  A bad pattern
 * in opts is NEWSIDX_INVALID_ARGUMENT.
 *
 * Bad input never stops the run: each rejected file or record is passed
 * to opts->on_reject, counted in stats, and the rest is indexed.
 * Commits happen every batch_size articles and at the end.
 *
 * opts and stats may be NULL.  Returns NEWSIDX_OK; NEWSIDX_REJECTED when
 * something was rejected (the message on the handle describes the last
 * rejection); NEWSIDX_NO_INPUT when path does not exist or cannot be
 * listed; NEWSIDX_DELETE_REFUSED when the articles of vanished files
 * exceed the limits (the message names path and the counts);
 * NEWSIDX_INTERRUPTED when opts->progress asked to stop;
 * NEWSIDX_READ_ONLY; NEWSIDX_NOMEM; NEWSIDX_ENGINE; NEWSIDX_IO.
 * @since 0.1
 */
NEWSIDX_API newsidx_status_t
newsidx_index_path(newsidx_db_t *db, const char *path,
		   const newsidx_index_options_t *opts,
		   newsidx_index_stats_t *stats);

/*
 * Index a buffer holding the bytes of one input file (possibly gzip
 * compressed), named name in messages and ids.  The buffer is not kept.
 * Returns as newsidx_index_path().  @since 0.1
 */
NEWSIDX_API newsidx_status_t
newsidx_index_buffer(newsidx_db_t *db, const char *name, const void *data,
		     size_t len, const newsidx_index_options_t *opts,
		     newsidx_index_stats_t *stats);

/*
 * Count the files, and their bytes, that newsidx_index_path() with the
 * same db, path and opts would consider: those it walks, its filters
 * applied (opts's, else those stored with path), before it compares
 * them with their stored state.  Nothing is written, opts->on_reject is
 * not called, and opts->progress is called as by the walk (a nonzero
 * return stops the count).  For a progress display that must know the
 * whole run before it starts.  files and bytes may be NULL.
 * Returns NEWSIDX_OK; NEWSIDX_NO_INPUT when path does not exist or
 * cannot be listed; NEWSIDX_INVALID_ARGUMENT for a bad pattern;
 * NEWSIDX_INTERRUPTED; NEWSIDX_NOMEM; NEWSIDX_ENGINE.  @since 0.3
 */
NEWSIDX_API newsidx_status_t
newsidx_index_plan(newsidx_db_t *db, const char *path,
		   const newsidx_index_options_t *opts,
		   unsigned long long *files, unsigned long long *bytes);

/*
 * Forget the include and exclude patterns stored with path, so that the
 * next run of newsidx_index_path() without patterns reads every file
 * under it again (each directory's .newsidxignore and the built-in list
 * still apply).  The handle sees the change at once; it is kept with
 * the next commit (a run of newsidx_index_path(), or
 * newsidx_db_commit()).  Returns NEWSIDX_OK, also when path had none;
 * NEWSIDX_NO_INPUT when path does not exist; NEWSIDX_READ_ONLY;
 * NEWSIDX_ENGINE.  @since 0.3
 */
NEWSIDX_API newsidx_status_t
newsidx_index_clear_filters(newsidx_db_t *db, const char *path);

/* ------------------------------------------------------------------ */
/* Searching                                                           */
/* ------------------------------------------------------------------ */

/* Orders for newsidx_search_options.sort. */
#define NEWSIDX_SORT_RELEVANCE 0 /* best BM25 score first */
/* By date, articles without one come last in either order (@since 0.3
 * for NEWSIDX_SORT_OLDEST, which put them first before). */
#define NEWSIDX_SORT_NEWEST 1    /* newest first, then score */
#define NEWSIDX_SORT_OLDEST 2    /* oldest first, then score */
/* In the order indexed (the indexing sequence), first indexed first;
 * articles indexed before 0.4 have none and come first.  @since 0.4 */
#define NEWSIDX_SORT_INDEXED 3

#define NEWSIDX_SEARCH_OPTIONS_VERSION 4

/* A value and how many articles have it. */
typedef struct newsidx_count {
	const char *value;
	size_t count;
} newsidx_count_t;

/* Facets for newsidx_search_options.facets (OR them together). */
#define NEWSIDX_FACET_SOURCE 0x01
#define NEWSIDX_FACET_PLACE 0x02
#define NEWSIDX_FACET_LANG 0x04
#define NEWSIDX_FACET_YEAR 0x08
#define NEWSIDX_FACET_MONTH 0x10
/* @since 0.4: the fields an article has several values of; each value
 * counts once per article.  Countries are ISO 3166-1 alpha-2 codes
 * ("JP"), organisations canonical upper-case ids ("NATO"), people
 * canonical names, topics lower case; see
 * newsidx_results_facet_label() for names to display. */
#define NEWSIDX_FACET_COUNTRY 0x20
#define NEWSIDX_FACET_ORG 0x40
#define NEWSIDX_FACET_PERSON 0x80
#define NEWSIDX_FACET_TOPIC 0x100

/* Options for newsidx_search().  Initialise with
 * NEWSIDX_SEARCH_OPTIONS_INIT. */
typedef struct newsidx_search_options {
	int version;            /* NEWSIDX_SEARCH_OPTIONS_VERSION */
	size_t offset;          /* hits to skip, for paging */
	size_t limit;           /* hits to return; 0: counts only (the
				   totals and facets, no hits) with
				   version 3 or later (@since 0.4), 10
				   before */
	int sort;               /* NEWSIDX_SORT_* */
	int snippets;           /* nonzero: make snippets (the default) */
	unsigned snippet_words; /* about this many words; 0: 30 */
	int relax;              /* nonzero (the default): articles with
				   only some of the plain words of the
				   query rank after those with all
				   (newsidx_results_total_all()), and
				   when every word is required and none
				   has them all, any-word matches are
				   ranked instead; 0: every word is
				   required (@since 0.3; before, queries
				   of four words or more ranked softly
				   whatever relax said) */
	double bm25_k1;         /* term frequency saturation; < 0: 1.2 */
	double bm25_b;          /* length normalisation; < 0: 0.75 */
	const char *lang;       /* language of the query; NULL: English */
	unsigned facets;        /* NEWSIDX_FACET_* to count over all matches */
	int all_copies;         /* nonzero: list every near-duplicate copy
				   instead of one article per group */
	double recent_halflife; /* > 0: boost recent articles; the boost
				   halves every this many days */
	double recent_weight;   /* the boost of an article dated today, in
				   BM25 score units; <= 0: 3 */
	int suggest;            /* nonzero: suggest spellings for words the
				   index does not know (the default) */
	double title_weight;    /* extra weight of title matches at query
				   time, on top of the index's; <= 0: none */
	int feedback;           /* pseudo-relevance feedback (RM3 from the
				   top 10 hits): 0 automatic, on for long
				   plain-word queries ranked by relevance
				   with more than 10 matches, which it
				   reorders without adding any (@since
				   0.4; it added them before); > 0 always,
				   its terms also matching articles of
				   their own (the total counts them);
				   < 0 never */
	/* Version 2 (@since 0.2): */
	size_t exact_up_to;     /* the total of a query with phrases or
				   NEAR is counted exactly when all its
				   words occur together in at most this
				   many articles, and estimated above
				   (newsidx_results_total_exact());
				   0: NEWSIDX_EXACT_UP_TO; SIZE_MAX:
				   every total exact, also those past
				   NEWSIDX_COUNT_EXACT_MAX (@since 0.4) */
	/* Version 4 (@since 0.4): */
	double time_limit;      /* seconds; 0: none.  A search that has
				   spent this long examining matches stops
				   examining those its page does not need:
				   the total and the facet counts then come
				   from the articles examined (the total
				   an estimate, newsidx_results_total_exact()
				   0), and newsidx_results_time_limited()
				   says so.  The page's hits are ranked in
				   full whatever the limit.  Not applied
				   over a set with remote shards (Xapian's
				   limit is unreliable there).  Negative:
				   NEWSIDX_INVALID_ARGUMENT */
} newsidx_search_options_t;

/* The default of newsidx_search_options.exact_up_to. */
#define NEWSIDX_EXACT_UP_TO 1000

/* Past this many matches, the total of a query of several words is
 * estimated (see newsidx_results_total()).  @since 0.4 */
#define NEWSIDX_COUNT_EXACT_MAX 10000

#define NEWSIDX_SEARCH_OPTIONS_INIT { NEWSIDX_SEARCH_OPTIONS_VERSION, 0, 10, NEWSIDX_SORT_RELEVANCE, 1, 30, 1, -1.0, -1.0, NULL, 0, 0, 0.0, 0.0, 1, 0.0, 0, 0, 0.0 }

/* One search hit.  All pointers are owned by the results object. */
typedef struct newsidx_hit {
	const char *id;     /* the article's unique id */
	size_t rank;        /* 1-based rank over all matches */
	double score;       /* BM25 score (0 when sorted by date only) */
	const char *title;  /* "" when unknown; likewise the fields below */
	const char *date;   /* UTC, "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" */
	const char *place;  /* dateline place */
	const char *source; /* outlet */
	const char *path;   /* the file the article came from */
	const char *url;
	const char *lang;   /* ISO 639-1 code */
	const char *snippet;      /* plain text around the best match */
	const size_t *highlights; /* 2*nhighlights byte offsets into
				     snippet: [start, end) of each match */
	size_t nhighlights;
	size_t copies;      /* other near-duplicate copies that match too,
			       folded into this hit (0 with all_copies) */
	const char *group;  /* its near-duplicate group, "" when none */
	/* @since 0.3: */
	const char *authors; /* as newsidx_article_t gives them */
	const char *topics;  /* likewise */
	const char *encoding; /* the character encoding the article's
				 input was read in when it was not UTF-8
				 (an iconv name, "WINDOWS-1252"); "" for
				 UTF-8, and for articles indexed before
				 0.3 */
} newsidx_hit_t;

/* The results of one search.  Opaque. */
typedef struct newsidx_results newsidx_results_t;

/*
 * Run a query and copy the requested page of hits, with their stored
 * fields and snippets, into a results object that stays valid whatever
 * writers do afterwards.
 *
 * The query language: words ranked by BM25, the articles with every
 * word first and those with some of them after (see
 * newsidx_results_total_all(); @since 0.3, all were required before
 * for fewer than four words), "phrases",
 * AND, OR, NOT, -word, +word, parentheses, NEAR/n, field prefixes
 * (title:, place:, source:, lang:, author:, url:, id:) and dates
 * (date:2024-03-07, date:2024-03..2024-04, date:..2024-01-01, since:7d),
 * and, @since 0.4, when articles were indexed (indexed:24h,
 * indexed:2024-03-07.., indexed:#120.. by indexing sequence: see the
 * watches below); see newsidx(1).  A reader that finds the index changed under it
 * reopens and retries on its own.
 *
 * opts may be NULL for defaults.  *out is set only on success; free it
 * with newsidx_results_free().  Returns NEWSIDX_OK (also for no match);
 * NEWSIDX_QUERY_SYNTAX with the position in the handle's message;
 * NEWSIDX_TOO_MANY_TERMS; NEWSIDX_CORRUPT; NEWSIDX_MODIFIED; NEWSIDX_NOMEM;
 * NEWSIDX_ENGINE.  @since 0.1
 */
NEWSIDX_API newsidx_status_t
newsidx_search(newsidx_results_t **out, newsidx_db_t *db, const char *query,
	       const newsidx_search_options_t *opts);

/* The number of matching articles, wire copies included (the hits fold
 * copies into one; see newsidx_hit_t.copies).  Exact, except for a query
 * with phrases or NEAR whose words occur together in more articles than
 * newsidx_search_options.exact_up_to: checking the word positions of all
 * of them would cost far more than ranking the page, so the total is
 * estimated from a sample of that many, spread over the index, and
 * newsidx_results_total_exact() says so.  Likewise, since 0.4, a query
 * of several words with more than NEWSIDX_COUNT_EXACT_MAX matches has
 * its total estimated from slices of the index that hold about half as
 * many.  Always exact: a word alone (its count is stored), and the
 * default query of two or three plain words (counted from its words'
 * counts).  newsidx_search_options.exact_up_to SIZE_MAX makes every
 * total exact.
 * @since 0.1 */
NEWSIDX_API size_t newsidx_results_total(const newsidx_results_t *r);

/* Nonzero when newsidx_results_total() is exact; 0 when it is an
 * estimate (see there).  @since 0.2 */
NEWSIDX_API int newsidx_results_total_exact(const newsidx_results_t *r);

/* Of newsidx_results_total(), the articles with every word of the
 * query.  A query of two plain words or more (typed without AND, '+',
 * quotes, a field or a wildcard) ranks them first and lists after them
 * the articles with only some of the words (when sorting by relevance,
 * and for four words or more in any order); for any other query, and
 * for every query with newsidx_search_options.relax at 0, this is
 * newsidx_results_total() (0 when none had every word and the search
 * relaxed).  Exact when newsidx_results_total_exact() says so.  0 for
 * NULL.  @since 0.3 */
NEWSIDX_API size_t newsidx_results_total_all(const newsidx_results_t *r);

/* The rest of newsidx_results_total(): the matches listed after those
 * with every word (newsidx_results_total_all()), that is the articles
 * with only some of the words, or, for a search widened by relevance
 * feedback, with related words.  0 for NULL.  @since 0.3 */
NEWSIDX_API size_t newsidx_results_total_some(const newsidx_results_t *r);

/* The number of hits in this page.  @since 0.1 */
NEWSIDX_API size_t newsidx_results_count(const newsidx_results_t *r);

/* Hit i of this page (0-based), or NULL when i is out of range.  Owned by
 * the results object.  @since 0.1 */
NEWSIDX_API const newsidx_hit_t *
newsidx_results_hit(const newsidx_results_t *r, size_t i);

/* Nonzero when the matches include articles with only some of the
 * words (newsidx_results_total_some() above 0): because none had all of
 * them, or because the query ranked its plain words softly, articles
 * with every word first and those with some of them after (the default
 * for two plain words or more @since 0.3; for four words or more
 * before).  @since 0.1 */
NEWSIDX_API int newsidx_results_relaxed(const newsidx_results_t *r);

/* Nonzero when the search reached newsidx_search_options.time_limit:
 * its total and facet counts cover the articles examined until then.
 * @since 0.4 */
NEWSIDX_API int newsidx_results_time_limited(const newsidx_results_t *r);

/*
 * The counts of one facet (a single NEWSIDX_FACET_* bit) over every
 * match, most frequent first (months and years in time order), when the
 * search asked for it; *out is owned by the results object.  Returns the
 * number of values (0 when not asked for).  @since 0.1
 *
 * Each count is exact and counts matching articles, wire copies
 * included, as newsidx_results_total() does: so the count of a value
 * equals the total of the same search with that value's filter added
 * (topic:"crude", country:JP).  Ties are in value order (@since 0.4).
 */
NEWSIDX_API size_t newsidx_results_facet(const newsidx_results_t *r,
					 unsigned facet,
					 const newsidx_count_t **out);

/*
 * The name to display for value i of a facet's counts (as
 * newsidx_results_facet() lists them): "Japan" for the country "JP"
 * when the index's gazetteer names it, else the value itself.  Owned by
 * the results object; NULL when i is out of range.  @since 0.4
 */
NEWSIDX_API const char *newsidx_results_facet_label(const newsidx_results_t *r,
						    unsigned facet, size_t i);

/*
 * A corrected query when some of its words are unknown to the index and
 * its vocabulary suggests better ones ("semiconducter" ->
 * "semiconductor"), else NULL.  Owned by the results object.
 * @since 0.1
 */
NEWSIDX_API const char *newsidx_results_suggestion(const newsidx_results_t *r);

/* Free results; NULL is accepted.  @since 0.1 */
NEWSIDX_API void newsidx_results_free(newsidx_results_t *r);

/*
 * More like this: the articles most similar to the article with this id,
 * found with the terms that characterise it (Xapian's expand set, or in
 * an index without term lists its own words weighed the same way), the
 * article itself and its near-duplicate copies left out.  opts as for
 * newsidx_search() (sort and relax do not apply).  The total is Xapian's
 * estimate (@since 0.4; counted before): newsidx_results_total_exact()
 * says whether it is exact.  Returns NEWSIDX_OK,
 * NEWSIDX_NOT_FOUND for an unknown id, NEWSIDX_NOMEM or an engine status.
 * @since 0.3 (as newsidx_similar() since 0.1)
 */
NEWSIDX_API newsidx_status_t
newsidx_article_similar(newsidx_results_t **out, newsidx_db_t *db,
			const char *id, const newsidx_search_options_t *opts);

/* A whole stored article.  All strings are owned by the object and are
 * "" when unknown. */
typedef struct newsidx_shown_article {
	const char *id, *title, *date, *place, *source, *path, *url, *lang;
	const char *authors, *topics;
	const char *body;   /* the full text, NUL-terminated */
	size_t body_len;
	const char *group;  /* its near-duplicate group, "" when none */
	size_t copies;      /* other articles in that group */
	const char *encoding; /* as newsidx_hit_t.encoding.  @since 0.3 */
} newsidx_article_t;

/*
 * Fetch the stored article with this id.  Free *out with
 * newsidx_article_free().  Returns NEWSIDX_OK, NEWSIDX_NOT_FOUND,
 * NEWSIDX_CORRUPT (unreadable stored data), NEWSIDX_NOMEM or an engine
 * status.  @since 0.3 (as newsidx_show() since 0.1)
 */
NEWSIDX_API newsidx_status_t newsidx_article_get(newsidx_article_t **out,
						 newsidx_db_t *db,
						 const char *id);

/* Free an article; NULL is accepted.  @since 0.1 */
NEWSIDX_API void newsidx_article_free(newsidx_article_t *a);

/*
 * Describe how a query is parsed and what it becomes for the engine, for
 * debugging queries (newsidx search --explain).  *out is malloc'd; free
 * it with newsidx_free().  Returns NEWSIDX_OK, NEWSIDX_QUERY_SYNTAX or
 * NEWSIDX_NOMEM.  @since 0.1
 */
NEWSIDX_API newsidx_status_t
newsidx_query_explain(newsidx_db_t *db, const char *query,
		      const newsidx_search_options_t *opts, char **out);

/* ------------------------------------------------------------------ */
/* Maintenance                                                         */
/* ------------------------------------------------------------------ */

/*
 * A file that failed: it was rejected with no article read from it, and
 * is not read again until it changes or an indexing run sets
 * newsidx_index_options.retry_failed.  Owned by the info object.
 * @since 0.3
 */
typedef struct newsidx_failed_file {
	const char *path;   /* absolute */
	const char *reason; /* the first rejection of its last read,
			       "WHERE: REASON" on one line, control
			       characters made '?'; "" when it failed
			       under a version before 0.3, which kept
			       no reason */
} newsidx_failed_file_t;

/* What newsidx_db_info() reports.  Owned by the info object. */
typedef struct newsidx_info {
	const char *path;            /* the index directory */
	size_t articles;             /* articles in the index */
	unsigned long long terms;    /* distinct terms */
	unsigned long long disk_bytes; /* size on disk of the whole index
					  directory (since 0.3; before,
					  of the live generation only) */
	const char *updated;         /* UTC time of the last commit, or "" */
	int schema_version;          /* of the index (0 when unknown) */
	int schema_current;          /* the one this library writes */
	const char *stemmer;         /* libstemmer algorithm */
	const char *stemmer_version; /* its behavioural fingerprint */
	size_t files;                /* input files remembered */
	size_t failed_files;         /* of which failed */
	const newsidx_count_t *sources; /* per source, most first */
	size_t nsources;
	const newsidx_count_t *months;  /* per month "YYYY-MM", in order */
	size_t nmonths;
	const char *positions;       /* "table" or "compact" (--lean).
					@since 0.2 */
	size_t dictionary_bytes;     /* the dictionary stored records are
					compressed with; 0 until an
					indexing run had enough of them.
					@since 0.2 */
	size_t stem_codes;           /* stems with a short code in the
					positions of a compact index, made
					with the dictionary; 0: none.
					@since 0.2 */
	int term_lists;              /* 1: Xapian keeps each article's
					term list; 0: a compact index
					made without (schema 7), which
					lists deleted articles instead.
					@since 0.2 */
	size_t deleted;              /* articles listed deleted: hidden,
					their space kept until the next
					compaction (only without term
					lists).
					@since 0.2 */
	unsigned long long retired_bytes; /* of disk_bytes, those of
					     retired generations that open
					     readers still hold; they go as
					     the last of them moves on.
					     @since 0.3 */
	const newsidx_failed_file_t *failed; /* the failed_files, by
					path; NULL when there are none.
					@since 0.3 */
	const char *gazetteer;       /* the version of the gazetteer that
					tagged the articles of the last
					indexing run ("" when none did);
					"+local:HASH" ends it when the
					user's additions took part.
					@since 0.3 */
	const char *gazetteer_current; /* the version this library would
					tag with now (its built-in data
					and the additions the index
					keeps); when it differs from
					gazetteer, a rebuild tags the
					archive again.  @since 0.3 */
} newsidx_info_t;

/*
 * Describe the index: counts, size, last update, schema, and articles
 * per source and per month.  Free *out with newsidx_info_free().
 * Returns NEWSIDX_OK, NEWSIDX_NOMEM or an engine status;
 * NEWSIDX_INVALID_ARGUMENT for a set of shards (@since 0.4: describe
 * each shard, see newsidx_db_shard_count()).  @since 0.1
 */
NEWSIDX_API newsidx_status_t newsidx_db_info(newsidx_db_t *db,
					     newsidx_info_t **out);

/* Free an info object; NULL is accepted.  @since 0.1 */
NEWSIDX_API void newsidx_info_free(newsidx_info_t *info);

/*
 * Check the index in directory path: Xapian's consistency check of every
 * table, then newsidx's own invariants (each article has one id, its id
 * is unique, its stored data decodes, it records its file).  Each
 * problem is passed to report (may be NULL) as where/what, and counted
 * in *problems.  Works on an index too damaged to open: the check runs
 * in a child process (fork), so that a crash inside the engine on a
 * damaged table is one more problem reported, never the caller's crash.
 * A writer may commit meanwhile: what the check finds counts only when
 * the revision it read is still the latest, else it checks again.
 * Returns NEWSIDX_OK when the check ran (see *problems),
 * NEWSIDX_NO_INDEX, NEWSIDX_NOMEM; NEWSIDX_IO when the tables cannot be
 * opened read/write, as the engine's check needs, and NEWSIDX_MODIFIED
 * when a writer committed throughout the retries: in those two cases
 * report receives the reason once (where is path) and *problems stays 0.
 * Thread-safe.
 * @since 0.3 (as newsidx_check() since 0.1)
 */
NEWSIDX_API newsidx_status_t newsidx_db_check(const char *path,
					      newsidx_reject_fn report,
					      void *ctx,
					      unsigned long *problems);

/*
 * Compact the index into a new directory and switch to it atomically:
 * readers keep working and move over on their next search.  Needs a
 * writable handle.  Returns NEWSIDX_OK, NEWSIDX_READ_ONLY, NEWSIDX_IO,
 * NEWSIDX_ENGINE.  @since 0.1
 */
NEWSIDX_API newsidx_status_t newsidx_db_compact(newsidx_db_t *db);

/*
 * 1 when compacting would give back much of the index's space: its live
 * generation takes more than 1.5 times what its articles took when it
 * was last written whole (compacted, merged by a bulk load, rebuilt),
 * scaled by how many more articles it holds now; or, for an index never
 * written whole, when it takes 8 MB or more.  Adding articles to a
 * compacted index splits the full B-tree blocks they land in, and the
 * blocks the commit replaced stay in the files for reuse, so that a few
 * hundred new articles can double an index; `newsidx index` compacts
 * at the end of a run when this says so.  A lean index (no term lists)
 * is also due once a quarter of its articles are listed deleted.  On a
 * partitioned index: 1 when one of its shards whose period is still
 * open is due (@since 0.4).  0 otherwise, and for a read-only handle or
 * an index that is not newsidx's own layout.
 * @since 0.3
 */
NEWSIDX_API int newsidx_db_compact_due(newsidx_db_t *db);

/*
 * Compact what newsidx_db_compact_due() finds due: the index, or each
 * shard of a partitioned index whose period is still open, which stays
 * open (newsidx_db_compact() of a partitioned index closes the ended
 * periods instead).  This is how a lean partitioned index gives back the
 * space of the articles it lists deleted; `newsidx index` calls it at
 * the end of a run.  Returns NEWSIDX_OK (also when nothing was due),
 * NEWSIDX_READ_ONLY or the failure of a compaction (the message names
 * the shard).  @since 0.4
 */
NEWSIDX_API newsidx_status_t newsidx_db_reclaim(newsidx_db_t *db);

/*
 * Re-index, from scratch, every path ever given to newsidx_index_path()
 * for this index into a fresh index, then switch to it atomically; the
 * old one stays searchable until then.  This is also how an index of an
 * older schema or another stemmer is brought up to date (open it with
 * any_schema).  opts and stats as for newsidx_index_path().
 * Returns as newsidx_index_path(), and NEWSIDX_NOT_FOUND when the index
 * remembers no paths.  @since 0.1
 */
NEWSIDX_API newsidx_status_t
newsidx_db_rebuild(newsidx_db_t *db, const newsidx_index_options_t *opts,
		   newsidx_index_stats_t *stats);

/*
 * Convert the index in directory path to another layout: period
 * NEWSIDX_PERIOD_NONE makes a single index, _YEAR or _MONTH a
 * partitioned one (also from another period).  The new layout is built
 * beside the old one (in path.reshard) from the articles the old one
 * holds, the paths it remembers read again into it, then the two
 * directories are exchanged in one step (renameat2 RENAME_EXCHANGE) and
 * the old one removed.  A reader keeps the files it has open; an
 * interrupted reshard leaves the old layout as it was.  Takes the
 * index's writer lock (waiting lock_timeout seconds).  opts and stats
 * as for newsidx_index_path(); *err receives a one-line message when it
 * fails.  Returns NEWSIDX_OK, NEWSIDX_NO_INDEX, NEWSIDX_LOCKED,
 * NEWSIDX_NOT_FOUND (the index remembers no paths), NEWSIDX_IO or a
 * status of indexing.  @since 0.4
 */
NEWSIDX_API newsidx_status_t
newsidx_db_reshard(const char *path, int period, double lock_timeout,
		   const newsidx_index_options_t *opts,
		   newsidx_index_stats_t *stats, char *err, size_t errlen);

/*
 * Delete the article with this id.  Returns NEWSIDX_OK,
 * NEWSIDX_NOT_FOUND, NEWSIDX_READ_ONLY or an engine status.
 * @since 0.3 (as newsidx_delete_id() since 0.1)
 */
NEWSIDX_API newsidx_status_t newsidx_db_delete_id(newsidx_db_t *db,
						  const char *id);

/*
 * Delete every article matching query (the search language); *deleted
 * (may be NULL) receives how many.  Returns NEWSIDX_OK,
 * NEWSIDX_QUERY_SYNTAX, NEWSIDX_READ_ONLY or an engine status.
 * @since 0.3 (as newsidx_delete_query() since 0.1)
 */
NEWSIDX_API newsidx_status_t newsidx_db_delete_query(newsidx_db_t *db,
						     const char *query,
						     size_t *deleted);

/* Free memory the library gave to the caller; NULL is accepted.
 * @since 0.1 */
NEWSIDX_API void newsidx_free(void *p);

/* ------------------------------------------------------------------ */
/* Trends                                                              */
/* ------------------------------------------------------------------ */

/* Periods for newsidx_trend_options.by.  Weeks are ISO 8601 weeks
 * ("2024-W10", Monday to Sunday). */
#define NEWSIDX_BY_DAY 0
#define NEWSIDX_BY_WEEK 1
#define NEWSIDX_BY_MONTH 2
#define NEWSIDX_BY_YEAR 3

#define NEWSIDX_TREND_OPTIONS_VERSION 1

/* Options for newsidx_trend().  Initialise with
 * NEWSIDX_TREND_OPTIONS_INIT.  @since 0.4 */
typedef struct newsidx_trend_options {
	int version;         /* NEWSIDX_TREND_OPTIONS_VERSION */
	int by;              /* NEWSIDX_BY_* */
	unsigned facet;      /* 0, or one NEWSIDX_FACET_* (not year or
				month): a series for each of its top
				values besides the total */
	size_t top;          /* how many values get a series; 0: 5 */
	const char *from;    /* "YYYY", "YYYY-MM" or "YYYY-MM-DD": the
				first period; NULL: that of the first
				match */
	const char *to;      /* likewise the last period (inclusive);
				NULL: that of the last match */
	const char *lang;    /* language of the query; NULL: English */
	int terms;           /* nonzero: list the significant terms of
				the matches from..to instead of series
				(newsidx_trend_term()) */
	size_t max_terms;    /* with terms: how many; 0: 20 */
} newsidx_trend_options_t;

#define NEWSIDX_TREND_OPTIONS_INIT                                            \
	{ NEWSIDX_TREND_OPTIONS_VERSION, NEWSIDX_BY_MONTH, 0, 5, NULL, NULL,  \
	  NULL, 0, 0 }

/* The counts over time of one search.  Opaque.  @since 0.4 */
typedef struct newsidx_trend newsidx_trend_t;

/* A term, country, organisation, person or topic over-represented in
 * the matches of a period.  Strings are owned by the trend object.
 * @since 0.4 */
typedef struct newsidx_sigterm {
	const char *kind;  /* "word" (a stem), "country", "org", "person"
			      or "topic" */
	const char *value; /* as facets and filters have it */
	const char *label; /* the name to display */
	size_t fg;         /* matches in the period that have it */
	size_t bg;         /* articles of the rest of the archive that
			      have it */
	double score;      /* Dunning's log-likelihood ratio G2 */
} newsidx_sigterm_t;

/*
 * Count the matches of query per period (by day, ISO week, month or
 * year) from opts->from to opts->to; periods without a match are there
 * with 0.  Matches are articles, wire copies included, as
 * newsidx_results_total() counts them, and a match without a date is
 * counted in no period.  With opts->facet, one more series per value of
 * the opts->top values with the most matches.
 *
 * With opts->terms, the significant terms of the period instead: the
 * words, countries, organisations, people and topics whose share of
 * the period's matches most exceeds their share of the rest of the
 * archive, scored by Dunning's log-likelihood ratio (see newsidx(1)).
 *
 * *out is set only on success; free it with newsidx_trend_free().
 * Returns NEWSIDX_OK; NEWSIDX_INVALID_ARGUMENT for a bad date or
 * option (described on the handle); NEWSIDX_QUERY_SYNTAX;
 * NEWSIDX_TOO_MANY_TERMS; NEWSIDX_CORRUPT; NEWSIDX_NOMEM;
 * NEWSIDX_ENGINE.  @since 0.4
 */
NEWSIDX_API newsidx_status_t
newsidx_trend(newsidx_trend_t **out, newsidx_db_t *db, const char *query,
	      const newsidx_trend_options_t *opts);

/* The number of periods; 0 for NULL.  @since 0.4 */
NEWSIDX_API size_t newsidx_trend_periods(const newsidx_trend_t *t);

/* Period i's name: "2024-03-07", "2024-W10", "2024-03" or "2024";
 * NULL out of range.  Owned by t.  @since 0.4 */
NEWSIDX_API const char *newsidx_trend_period(const newsidx_trend_t *t,
					     size_t i);

/* The number of series: 1 (the total) plus one per facet value.
 * @since 0.4 */
NEWSIDX_API size_t newsidx_trend_series(const newsidx_trend_t *t);

/* Series s's value ("" for the total, series 0) and its display name
 * (newsidx_results_facet_label()); NULL out of range.  Owned by t.
 * @since 0.4 */
NEWSIDX_API const char *newsidx_trend_series_value(const newsidx_trend_t *t,
						   size_t s);
NEWSIDX_API const char *newsidx_trend_series_label(const newsidx_trend_t *t,
						   size_t s);

/* The matches of series s in period i; 0 out of range.  @since 0.4 */
NEWSIDX_API size_t newsidx_trend_count(const newsidx_trend_t *t, size_t s,
				       size_t i);

/* The matches of series s over all periods.  @since 0.4 */
NEWSIDX_API size_t newsidx_trend_sum(const newsidx_trend_t *t, size_t s);

/* With newsidx_trend_options.terms: the number of significant terms,
 * and term i, best first (NULL out of range; owned by t).  The
 * foreground is the period's matches, the background the rest of the
 * archive; their sizes in articles.  @since 0.4 */
NEWSIDX_API size_t newsidx_trend_terms(const newsidx_trend_t *t);
NEWSIDX_API const newsidx_sigterm_t *newsidx_trend_term(const newsidx_trend_t *t,
							size_t i);
NEWSIDX_API size_t newsidx_trend_foreground(const newsidx_trend_t *t);
NEWSIDX_API size_t newsidx_trend_background(const newsidx_trend_t *t);

/* Free a trend; NULL is accepted.  @since 0.4 */
NEWSIDX_API void newsidx_trend_free(newsidx_trend_t *t);

/* ------------------------------------------------------------------ */
/* Watches: standing queries that report what is new                  */
/* ------------------------------------------------------------------ */

/*
 * A watch is a named query kept in the index with a cursor: the last
 * indexing sequence it has reported.  Every article written gets the
 * next sequence (and keeps it when it comes again with the same title
 * and body), so a watch sees what entered the index since its last
 * run, judged by when newsidx indexed it, not by the article's date: a
 * back-dated story indexed today is new.  Watches survive compaction
 * and rebuilds.  The query language is newsidx_search()'s, with every
 * word required; indexed:#N..M filters by sequence the same way.
 */

#define NEWSIDX_WATCH_OPTIONS_VERSION 1

/* Options for newsidx_watch_add().  Initialise with
 * NEWSIDX_WATCH_OPTIONS_INIT.  @since 0.4 */
typedef struct newsidx_watch_options {
	int version;         /* NEWSIDX_WATCH_OPTIONS_VERSION */
	const char *lang;    /* language of the query; NULL: English */
	int from_start;      /* nonzero: the first run reports the matching
				articles already indexed too; 0: only those
				indexed after the watch was added */
} newsidx_watch_options_t;

#define NEWSIDX_WATCH_OPTIONS_INIT { NEWSIDX_WATCH_OPTIONS_VERSION, NULL, 0 }

/* A watch as newsidx_watch_list() gives it.  @since 0.4 */
typedef struct newsidx_watch {
	const char *name;
	const char *query;
	const char *lang;     /* "" for English */
	unsigned long long cursor; /* the last indexing sequence it passed:
				      the next run reports articles after
				      it */
	const char *added;    /* UTC, "YYYY-MM-DDTHH:MM:SSZ" */
	const char *last_run; /* UTC of the last run that delivered, ""
				 before the first */
} newsidx_watch_t;

/* The watches of an index, by name.  Owned by the list.  @since 0.4 */
typedef struct newsidx_watches {
	size_t n;
	const newsidx_watch_t *v;
	unsigned long long sequence; /* the index's last indexing sequence */
} newsidx_watches_t;

/*
 * Add a watch called name (1 to 64 letters, digits, '.', '_' or '-',
 * not starting with '.' or '-') for query, with its cursor at the
 * index's last sequence (or at the start with opts->from_start), and
 * commit.  db must be a writer.  opts may be NULL.  Returns NEWSIDX_OK;
 * NEWSIDX_INVALID_ARGUMENT for a bad name, a name in use, or an unknown
 * language; NEWSIDX_QUERY_SYNTAX as newsidx_search(); NEWSIDX_READ_ONLY;
 * NEWSIDX_NOMEM or an engine status.  The handle's message says why.
 * @since 0.4
 */
NEWSIDX_API newsidx_status_t
newsidx_watch_add(newsidx_db_t *db, const char *name, const char *query,
		  const newsidx_watch_options_t *opts);

/*
 * Remove the watch called name and commit.  Returns NEWSIDX_OK,
 * NEWSIDX_NOT_FOUND, NEWSIDX_READ_ONLY or an engine status.  @since 0.4
 */
NEWSIDX_API newsidx_status_t newsidx_watch_remove(newsidx_db_t *db,
						  const char *name);

/*
 * The index's watches, by name, into *out (free it with
 * newsidx_watches_free()).  Any handle.  Returns NEWSIDX_OK,
 * NEWSIDX_CORRUPT for a damaged watch (named in the message),
 * NEWSIDX_INVALID_ARGUMENT for a set of shards (each shard keeps its
 * own watches), NEWSIDX_NOMEM or an engine status.  @since 0.4
 */
NEWSIDX_API newsidx_status_t newsidx_watch_list(newsidx_watches_t **out,
						newsidx_db_t *db);

/* Free a list of watches; NULL is accepted.  @since 0.4 */
NEWSIDX_API void newsidx_watches_free(newsidx_watches_t *w);

/*
 * Delivers a run's articles: called once with the new articles in the
 * order indexed (page not NULL, when there are some), then once with
 * page NULL, where the caller makes the delivery durable (flushes its
 * output, waits for the program it fed).  Nonzero from either call
 * means the delivery failed: the cursor stays, and the next run
 * reports the same articles again.  @since 0.4
 */
typedef int (*newsidx_watch_fn)(void *ctx, const char *name,
				const newsidx_results_t *page);

#define NEWSIDX_WATCH_RUN_OPTIONS_VERSION 1

/* Options for newsidx_watch_run().  Initialise with
 * NEWSIDX_WATCH_RUN_OPTIONS_INIT.  @since 0.4 */
typedef struct newsidx_watch_run_options {
	int version;         /* NEWSIDX_WATCH_RUN_OPTIONS_VERSION */
	double lock_timeout; /* seconds to wait for the writer lock to save
				the cursor when db is a reader (see
				newsidx_open_options) */
	size_t max;          /* articles reported per run at most (the
				first indexed; the rest come next run);
				0: 10,000 */
	int snippets;        /* nonzero: make snippets for the hits */
	int keep_cursor;     /* nonzero: report but leave the cursor */
} newsidx_watch_run_options_t;

#define NEWSIDX_WATCH_RUN_OPTIONS_INIT { NEWSIDX_WATCH_RUN_OPTIONS_VERSION, 60.0, 0, 1, 0 }

/*
 * Run the watch called name: report through fn the articles that match
 * its query and were indexed after its cursor, then move the cursor
 * past them, and past everything else indexed since, and commit.  The
 * search reads db as it stands, so an indexing run that commits
 * meanwhile is seen at the next run, never lost.  The cursor moves
 * only after fn's last call returned 0: with db itself when it is a
 * writer, else with a writer handle of its own that waits up to
 * opts->lock_timeout for the lock and holds it for one small commit,
 * so a concurrent indexing run waits milliseconds, not the delivery.
 * *reported (may be NULL) receives how many articles went to fn.
 * opts may be NULL.
 *
 * Returns NEWSIDX_OK (delivered, or nothing new); NEWSIDX_INTERRUPTED
 * when fn failed (the cursor stays); NEWSIDX_LOCKED when the articles
 * were delivered but another writer held the lock past lock_timeout
 * (the cursor stays, and they come again); NEWSIDX_NOT_FOUND for no
 * such watch; NEWSIDX_CORRUPT for a damaged one; NEWSIDX_QUERY_SYNTAX,
 * NEWSIDX_INVALID_ARGUMENT for a set of shards, NEWSIDX_NOMEM or an
 * engine status.  @since 0.4
 */
NEWSIDX_API newsidx_status_t
newsidx_watch_run(newsidx_db_t *db, const char *name, newsidx_watch_fn fn,
		  void *ctx, const newsidx_watch_run_options_t *opts,
		  size_t *reported);

/* ------------------------------------------------------------------ */
/* Deprecated names                                                    */
/* ------------------------------------------------------------------ */

/*
 * The names of 0.1 that named no object, kept so that programs written
 * for them still build and link; each does exactly what its new name
 * does.  A compiler that knows the attribute warns at every use; define
 * NEWSIDX_NO_DEPRECATION_WARNINGS before including this header to
 * silence it while a program moves over.  Deprecated since 0.3.
 */
#if defined(__GNUC__) && !defined(NEWSIDX_NO_DEPRECATION_WARNINGS) &&   \
	!defined(NEWSIDX_BUILDING)
#define NEWSIDX_DEPRECATED(use) __attribute__((deprecated("use " #use)))
#else
#define NEWSIDX_DEPRECATED(use)
#endif

/* Use newsidx_article_similar().  @since 0.1, deprecated since 0.3 */
NEWSIDX_API newsidx_status_t
newsidx_similar(newsidx_results_t **out, newsidx_db_t *db, const char *id,
		const newsidx_search_options_t *opts)
	NEWSIDX_DEPRECATED(newsidx_article_similar);

/* Use newsidx_article_get().  @since 0.1, deprecated since 0.3 */
NEWSIDX_API newsidx_status_t newsidx_show(newsidx_article_t **out,
					  newsidx_db_t *db, const char *id)
	NEWSIDX_DEPRECATED(newsidx_article_get);

/* Use newsidx_db_check().  @since 0.1, deprecated since 0.3 */
NEWSIDX_API newsidx_status_t newsidx_check(const char *path,
					   newsidx_reject_fn report,
					   void *ctx, unsigned long *problems)
	NEWSIDX_DEPRECATED(newsidx_db_check);

/* Use newsidx_db_delete_id().  @since 0.1, deprecated since 0.3 */
NEWSIDX_API newsidx_status_t newsidx_delete_id(newsidx_db_t *db,
					       const char *id)
	NEWSIDX_DEPRECATED(newsidx_db_delete_id);

/* Use newsidx_db_delete_query().  @since 0.1, deprecated since 0.3 */
NEWSIDX_API newsidx_status_t newsidx_delete_query(newsidx_db_t *db,
						  const char *query,
						  size_t *deleted)
	NEWSIDX_DEPRECATED(newsidx_db_delete_query);

#ifdef __cplusplus
}
#endif

#endif /* NEWSIDX_H */
