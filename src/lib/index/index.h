/*
 * index/index.h: what the files of the index layer share.  The layer
 * writes indexes (newsidx_index_path, newsidx_index_buffer) and looks
 * after them (stats, check, compaction, rebuilds, deletions).
 *
 * The writer's files call each other bottom up, never back:
 *
 *   document.c  spelling.c  state.c       (call nothing in index/)
 *   sequence.c  route.c
 *   ignore.c
 *   group.c  train.c                      (document.c)
 *   batch.c                               (group, spelling, train,
 *                                          sequence, route)
 *   walk.c                                (batch: rejected paths;
 *                                          ignore; state: filters)
 *   bulk.c                                (batch, spelling, state,
 *                                          document, sequence)
 *   pipeline.c                            (document, batch, state, bulk,
 *                                          route)
 *   writer.c                              (all of the above)
 *   partition.c                           (writer, route, state: the
 *                                          entry points
 *                                          newsidx_index_path() and
 *                                          _buffer(), which route the
 *                                          runs over a partitioned
 *                                          index, and resharding)
 *
 * stats.c, check.c, compact.c, rebuild.c, delete.c and watch.c
 * implement public functions alone and share little here (compact.c
 * and delete.c open a partitioned index's shards with route.c);
 * rebuild.c calls the public newsidx_index_path() of partition.c.
 *
 * Every struct a writer's run uses lives here, in the section of the
 * file that owns it, because struct writer holds most of them by value.
 */
#ifndef NEWSIDX_INDEX_H
#define NEWSIDX_INDEX_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "analyzer/analyzer.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "util/util.h"
#include "xapc.h"

struct writer;
struct bulk;

/* ------------------------------------------------------------------ */
/* interface to index/document.c: articles become Xapian documents    */
/* ------------------------------------------------------------------ */

/* Distinct spelling words listed per article, at most (a power of two,
 * the size of the per-article table). */
#define NEWSIDX_SPELL_SLOTS 4096

/* An article's text terms and their wdf, gathered so that Xapian's term
 * map is updated once per distinct term rather than once per word.  The
 * terms are kept in the order met; the table finds them by hash, and a
 * slot of an older generation is empty, so starting again costs nothing
 * however large an earlier article made the table. */
struct aggterm {
	uint32_t off, len, wdf; /* the term's bytes: off, len in bytes */
};

struct aggslot {
	uint64_t hash;
	uint32_t term; /* index in terms */
	uint32_t gen;  /* in use when it is the table's generation */
};

struct termagg {
	struct aggslot *slot;
	size_t cap;           /* slots: a power of two, or 0 */
	struct aggterm *terms;
	size_t n, capterms;
	uint32_t gen;
	struct newsidx_buf bytes;
};

/*
 * The preparing half of indexing, one per thread: an article becomes a
 * Xapian document with every term, value and the stored data.  Only what
 * needs the index (the near-duplicate group, the spelling table) is left
 * to the writer.  Each preparer has its own analyzers: a stemmer is never
 * shared between threads.
 */
struct prep {
	const newsidx_index_options_t *opts;
	struct newsidx_analyzer *an_en;
	struct newsidx_analyzer *an_lang[8];
	char an_code[8][8];
	struct newsidx_buf data;
	/* State for the token callbacks. */
	struct newsidx_analyzer *an;
	xapc_doc_t *doc;
	const char *prefix;
	int title;
	xapc_status_t xst;
	struct newsidx_minhash mh;
	unsigned spell_count;
	/* Words already listed for this article: hashes, valid when their
	 * generation is the current one. */
	uint64_t spell_hash[NEWSIDX_SPELL_SLOTS];
	unsigned spell_gen[NEWSIDX_SPELL_SLOTS];
	unsigned gen;
	struct newsidx_buf spell;  /* this article's words, NUL-separated */
	int compact;                /* positions in a value, not Xapian */
	struct newsidx_posrec posr; /* this article's word positions */
	struct termagg agg;         /* compact: its terms and their wdf */
	struct newsidx_buf posv;    /* and their encoding */
	struct newsidx_packer *packer; /* the run's, shared */
	int binary_bands;           /* band terms in the binary form */
	void *zctx;                 /* this thread's compression state */
	struct newsidx_buf pack;    /* the packed record */
	/* Geo tagging (tags.c): the tagger is fed every token. */
	struct newsidx_tagger *tagger;
	int tagging; /* 0: --no-tags, the tagger is never fed */
	const struct newsidx_gaz *gaz; /* the handle's, borrowed */
	const char *raw;            /* the text being tokenized */
	size_t raw_len;
};

/* A prepared article, or the end of a file, on its way to the writer. */
struct item {
	xapc_doc_t *doc;
	char *id;
	char qterm[NEWSIDX_MAX_TERM + 24];
	size_t qlen;
	struct newsidx_sig sig;
	int has_sig;
	char *spell;
	size_t spell_len;
	size_t body_len;
	uint64_t text_hash; /* of its title and body (sequence.c) */
	int replace;   /* bulk: its id was seen before in the run */
	struct item *next; /* in its file's queue */
	/* Pipeline: a record parsed but not yet analysed holds its article
	 * and waits on the analysis queue (tnext); ready once prepared. */
	struct newsidx_article *art;
	struct item *tnext;
	int ready;
	/* The end of a file: its results. */
	int end;
	size_t file;
	uint64_t hash;
	int hashed;
	int file_rejected;
	unsigned long skipped, unprocessed, title_only;
	/* Its place in the input (a partitioned index decides by it which
	 * copy of an id wins across shards): the file's in the walk, the
	 * record's in the file. */
	size_t ofile;
	unsigned long orec;
};

/* A preparer for the run of w (its options, layout and packer); it
 * makes its English analyzer at once, the others when an article needs
 * them.  NEWSIDX_OK or NEWSIDX_NOMEM; newsidx_prep__free() frees it,
 * also after a failure. */
newsidx_status_t newsidx_prep__init(struct prep *p, const struct writer *w);
void newsidx_prep__free(struct prep *p);

/* The article's geo tags, from the tokens its tagger was fed: XC, XO, XN
 * and place terms, the place, country, org, person and topic slots
 * (tags.c).  A binding status. */
int newsidx_document__add_tags(struct prep *p,
			       const struct newsidx_article *a);

/* The preparer's analyzer of a language code: English for "" and "en"
 * and for languages libstemmer does not know.  Borrowed from p. */
struct newsidx_analyzer *newsidx_prep__analyzer(struct prep *p,
						const char *code);

/* "en-GB", "EN", "English" -> "en" in out; "" when in is NULL or "". */
void newsidx_document__lang_code(const char *in, char out[8]);

/* Turn an article into a document, in any thread: every term, value
 * slot and the packed record, all but its near-duplicate group and its
 * spelling words, which are left to the writer (item->sig, ->spell).
 * NEWSIDX_OK with *out set (the caller frees it with newsidx_item__free),
 * or NEWSIDX_NOMEM / NEWSIDX_ENGINE with the reason in err. */
newsidx_status_t newsidx_document__prepare(struct prep *p,
					   struct newsidx_article *a,
					   struct item **out, char *err,
					   size_t errlen);

/* Free a prepared article or end-of-file item; NULL is accepted. */
void newsidx_item__free(struct item *it);

/* ------------------------------------------------------------------ */
/* interface to index/sequence.c: the indexing sequence and time      */
/* ------------------------------------------------------------------ */

/* Read the index's last sequence (metadata newsidx.sequence) into
 * w->seq at the start of a run: NEWSIDX_OK, or NEWSIDX_CORRUPT or an
 * engine status with the message on the handle. */
newsidx_status_t newsidx_sequence__load(struct writer *w);

/*
 * Give a prepared article its sequence and time (value slots
 * NEWSIDX_SLOT_SEQ and NEWSIDX_SLOT_INDEXED), in the writer's thread
 * and in input order.  An article that replaces one with the same id
 * and the same title and body keeps that one's; any other gets the
 * next sequence and the time now.  had: the live articles with its id
 * in the index written to (0 in a bulk load, whose index was empty);
 * a rebuild's generation also looks in the generation it replaces
 * (db->prior).  A binding status.
 */
int newsidx_sequence__stamp(struct writer *w, struct item *it,
			    unsigned had);

/* ------------------------------------------------------------------ */
/* interface to index/spelling.c: the batch's spelling words          */
/* ------------------------------------------------------------------ */

struct spell_entry {
	uint64_t hash;
	uint32_t off;   /* of the word in the arena, 0 for a free slot */
	uint32_t count;
};

struct spellbatch {
	struct spell_entry *e;
	size_t cap, n;  /* slots (a power of two), words */
	struct newsidx_buf arena;
};

/* Count an article's spelling words (len bytes of NUL-terminated
 * words, as newsidx_document__prepare() lists them) into the batch; -1
 * when out of memory. */
int newsidx_spelling__add(struct spellbatch *b, const char *words,
			  size_t len);

/* Hand the batch's words and counts to the spelling table of x, before
 * a commit, and empty the batch; a binding status. */
int newsidx_spelling__flush(struct spellbatch *b, struct xapc_db *x);

void newsidx_spelling__free(struct spellbatch *b);

/* ------------------------------------------------------------------ */
/* interface to index/group.c: near-duplicate groups while indexing   */
/* ------------------------------------------------------------------ */

/*
 * The near-duplicate lookup of a run that started on an empty index: the
 * band hashes of the run's articles, in memory, so that a first load or
 * a parallel bulk load reads nothing back from Xapian.  Each article
 * costs its group, its stored signature and NEWSIDX_SIG_BANDS slots.
 */
struct runart {
	uint64_t group;
	unsigned char sig[NEWSIDX_SIG_BYTES];
};

struct bandtab {
	uint64_t *slot;     /* band hash high 32 bits << 32 | article + 1 */
	size_t cap, n;      /* slots (a power of two), used */
	struct runart *art;
	size_t nart, capart;
};

/* The near-duplicate group of an article with signature sig and this
 * id, as 16 hex digits in group: that of an article already indexed, or
 * met earlier in the run, that resembles it enough, else a new one.  A
 * binding status. */
int newsidx_group__find(struct writer *w, const struct newsidx_sig *sig,
			const char *id, char group[17]);

void newsidx_bandtab__free(struct bandtab *t);

/* ------------------------------------------------------------------ */
/* interface to index/train.c: positions layout, dictionary and codes */
/* ------------------------------------------------------------------ */

/* Set w->compact from the index, or from the options while the index is
 * empty; NEWSIDX_INVALID_ARGUMENT for another layout on a non-empty
 * index. */
newsidx_status_t newsidx_train__layout(struct writer *w);

/* w->packer, with the index's dictionary and stem codes when it has
 * them; NEWSIDX_CORRUPT when they are damaged, NEWSIDX_NOMEM. */
newsidx_status_t newsidx_train__packer(struct writer *w);

/* Offer the index's newest stored articles to a packer that has no
 * dictionary yet (after newsidx_prep__init of w->prep). */
void newsidx_train__sample_index(struct writer *w);

/* Store a dictionary the packer has just given, and the stem codes made
 * with it; a binding status. */
int newsidx_train__store_dictionary(struct writer *w, const void *dict,
				    size_t len);

/* At the end of a run: train on the samples gathered if that has not
 * happened yet, and store what comes of it. */
newsidx_status_t newsidx_train__finish(struct writer *w);

/* ------------------------------------------------------------------ */
/* interface to index/state.c: the input state kept in the metadata   */
/* ------------------------------------------------------------------ */

/* One input file found by the walk. */
struct input {
	char *name;    /* as found, for messages */
	char *abspath; /* for ids, XF terms and file states */
	unsigned long long size;
	long long mtime_ns;
	size_t order;  /* its place in the walk */
};

/* A file's state as remembered in the metadata. */
struct fstate {
	int found;
	unsigned long long size;
	long long mtime_ns;
	uint64_t hash;
	int failed;
};

/* What the writer keeps per file being indexed. */
struct filework {
	struct fstate fs;
	xapc_docid_t *seen;  /* its articles' docids, to drop the others */
	size_t nseen, capseen;
	size_t narticles;    /* its articles written */
	char *reason;        /* its first rejection, malloc'd or NULL;
				newsidx_state__finish_file() takes it */
};

/* Docids gathered from postings by newsidx_doclist__collect (ctx: the
 * list; nomem is set, and the walk stopped, when memory ran out). */
struct doclist {
	xapc_docid_t *ids;
	size_t n, cap;
	int nomem;
};

int newsidx_doclist__collect(void *ctx, xapc_docid_t docid,
			     xapc_termcount_t wdf);

/* Content hash of a file, to tell a touched file from a changed one;
 * -1 when it cannot be read. */
int newsidx_state__hash_file(const char *path, uint64_t *out);

/*
 * Does a file found by the walk need reading?  0: no (unchanged, or
 * touched and re-stamped); 1: yes, with its remembered state in *fs and,
 * when it had to be computed, its content hash in *hash (*hashed set).
 * A failure is 0 with *st set.
 */
int newsidx_state__needs_reading(struct writer *w, const struct input *in,
				 struct fstate *fs, uint64_t *hash,
				 int *hashed, newsidx_status_t *st);

/* After a file was read: drop the articles it no longer holds and
 * remember its state (failed when rejected with no article written,
 * with fw->reason, which it frees);
 * nothing when it was rejected and cannot be read, so that its articles
 * and last state stay and the next run reads it again. */
newsidx_status_t newsidx_state__finish_file(struct writer *w,
					    const struct input *in,
					    struct filework *fw, uint64_t hash,
					    int rejected);

/* Remove the articles and states of files gone from under root: those
 * remembered there, not among this run's n inputs (which it sorts by
 * path) and not under one of the nkept paths the walk could not read.
 * When their articles exceed the limits of the options, none go:
 * w->delete_refused is set and the handle says why. */
newsidx_status_t newsidx_state__drop_vanished(struct writer *w,
					      const char *root,
					      struct input *inputs, size_t n,
					      char *const *kept, size_t nkept);

/* Remember an input path given, so that a rebuild can read it again,
 * with its filters: the --include and --exclude patterns of the
 * options when they have some (which replace those stored), else
 * those stored before. */
newsidx_status_t newsidx_state__put_root(struct writer *w,
					 const char *abspath);

/* The --include and --exclude patterns stored for an input path; the
 * strings point into value. */
struct filters {
	const char **include;
	size_t n_include;
	const char **exclude;
	size_t n_exclude;
	char *value;
};

/* The filters stored for the input path abspath (none when it has none,
 * or was never given): NEWSIDX_OK; NEWSIDX_NOMEM or an engine status,
 * with the message on db.  newsidx_state__free_filters() frees them,
 * also after a failure. */
newsidx_status_t newsidx_state__get_filters(struct newsidx_db *db,
					    const char *abspath,
					    struct filters *f);

void newsidx_state__free_filters(struct filters *f);

/* ------------------------------------------------------------------ */
/* interface to index/batch.c: writing articles, batches and commits  */
/* ------------------------------------------------------------------ */

/* Report a rejected input to the caller and on the handle, from any
 * thread (under the pipeline's lock when there is one). */
void newsidx_batch__reject(struct writer *w, const char *where,
			   const char *reason);

/* The same as an ingest callback (ctx: the writer), which also marks
 * the file being read as rejected. */
void newsidx_batch__on_reject(void *ctx, const char *where,
			      const char *reason);

/* Call the progress callback; nonzero means stop. */
int newsidx_batch__progress(struct writer *w);

/* Flush the batch's spelling words and commit. */
newsidx_status_t newsidx_batch__commit(struct writer *w);

/* The writer's part of every article, in the articles' order: a new
 * dictionary stored, its near-duplicate group, its spelling words
 * counted.  A binding status. */
int newsidx_batch__group_and_spell(struct writer *w, struct item *it);

/* Write a prepared article of file fw in the writer's thread, replacing
 * any copy with its id, and commit when the batch is full.  The caller
 * keeps it.  A failure is also left in w->fatal. */
newsidx_status_t newsidx_batch__write(struct writer *w, struct item *it,
				      struct filework *fw);

/* ------------------------------------------------------------------ */
/* interface to index/ignore.c: include and exclude patterns          */
/* ------------------------------------------------------------------ */

/* The file in a directory whose patterns (gitignore syntax) exclude
 * files and directories at and under it, and its size limit. */
#define NEWSIDX_IGNORE_FILE ".newsidxignore"
#define NEWSIDX_IGNORE_MAX_BYTES (1 << 20)

struct glob;

/* An ordered list of patterns, relative to one directory: base is the
 * length, in code points, of that directory's path relative to the
 * walk's root with a '/' after it, 0 for the root itself. */
struct newsidx_ignore {
	struct glob *v;
	size_t n, cap;
	size_t base;
};

/* A path relative to the walk's root, as code points (cp[0..n)). */
struct newsidx_ipath {
	uint32_t *cp;
	size_t n, cap;
};

/* What a list of patterns says of a path: no pattern matches it; the
 * last that matches is a plain pattern; or it is a '!' pattern. */
#define NEWSIDX_IGNORE_NONE 0
#define NEWSIDX_IGNORE_MATCH 1
#define NEWSIDX_IGNORE_NEGATED 2

/* Compile the pattern line[0..len) onto the end of ig.  A blank line
 * adds nothing, and so does a comment when comments is set (a
 * .newsidxignore line); else a '#' at the start or an empty pattern is
 * an error.  0; -1 with the reason in err (one line, no position); -2
 * out of memory. */
int newsidx_ignore__add(struct newsidx_ignore *ig, const char *line,
			size_t len, int comments, char *err, size_t errlen);

/* Compile the lines of a .newsidxignore's text onto ig: 0; -1 with the
 * line number in *lineno and the reason in err; -2 out of memory. */
int newsidx_ignore__parse(struct newsidx_ignore *ig, const char *text,
			  size_t len, size_t *lineno, char *err,
			  size_t errlen);

/* Add the built-in list of files that are never articles (checksum
 * lists, signatures, DTDs and schemas): 0, or -2 out of memory. */
int newsidx_ignore__defaults(struct newsidx_ignore *ig);

/* Free the patterns of ig and empty it; it may be used again. */
void newsidx_ignore__free(struct newsidx_ignore *ig);

/* Set p to the relative path rel (no leading or trailing '/'): 0, or
 * -1 out of memory.  newsidx_ipath__free() frees it. */
int newsidx_ipath__set(struct newsidx_ipath *p, const char *rel);
void newsidx_ipath__free(struct newsidx_ipath *p);

/* What ig says of the first len code points of p (the path itself when
 * len is p->n, else one of its directories), a directory when is_dir:
 * the last pattern that matches decides (NEWSIDX_IGNORE_*).  A path
 * not below ig's directory matches nothing.  Matching uses the
 * patterns' scratch space: one thread at a time per list. */
int newsidx_ignore__match(const struct newsidx_ignore *ig,
			  const struct newsidx_ipath *p, size_t len,
			  int is_dir);

/* The same for p or any directory above it, as --include reads its
 * patterns: NEWSIDX_IGNORE_MATCH when a directory of p matches (which
 * takes everything under it), else what ig says of p itself. */
int newsidx_ignore__match_tree(const struct newsidx_ignore *ig,
			       const struct newsidx_ipath *p, int is_dir);

/* ------------------------------------------------------------------ */
/* interface to index/walk.c: the input files under a path            */
/* ------------------------------------------------------------------ */

struct inputs {
	struct input *v;
	size_t n, cap;
	/* Absolute paths under path that could not be read: the files
	 * remembered under them have not vanished. */
	char **kept;
	size_t nkept, capkept;
};

/* Add the regular files at or under path to ins, in name order, hidden
 * ones left out, each file once and each directory walked once however
 * many links lead to it.  Paths below path that cannot be read are
 * reported rejected and listed in ins->kept.  NEWSIDX_OK; NEWSIDX_NOMEM
 * without a message; NEWSIDX_NO_INPUT with one, when path is missing or
 * cannot be listed; NEWSIDX_INTERRUPTED when the progress callback
 * asked to stop.  newsidx_walk__free() frees ins, also after a failure. */
newsidx_status_t newsidx_walk__collect(struct writer *w, const char *path,
				       struct inputs *ins);

void newsidx_walk__free(struct inputs *ins);

/* ------------------------------------------------------------------ */
/* interface to index/pipeline.c: preparing articles in threads       */
/* ------------------------------------------------------------------ */

/* A file to read, and what the writer keeps while its articles come. */
struct job {
	const struct input *in;
	struct filework fw;
	uint64_t hash;
	int hashed;
	struct item *qhead, *qtail; /* prepared, not yet written */
	size_t qn;
};

/* Prepared articles a queue holds at most: a file's in the pipeline,
 * a shard's in a bulk load. */
#define NEWSIDX_QUEUE_CAP 256

/*
 * Worker threads parse files, one file per worker at a time, taking them
 * in order, and split them into records (JSON Lines lines, WARC records,
 * SGML stories, feed items, whole files): each record gets its place, a
 * slot, on its file's queue at once, in the order of the input, and
 * waits on one analysis queue that every worker takes from, so that all
 * threads analyse one large file.  A slot becomes ready once prepared;
 * then an end-of-file item follows the file's last slot.  The writer
 * (the calling thread) is the only thread that touches the index, and it
 * takes the files in order, each slot in order and only when ready, as
 * one thread would: an id repeated within a file or across files keeps
 * its last copy's text, the documents get the same numbers and the same
 * near-duplicate groups whatever the threads' timing, and a stopped run
 * has written a first part of the input.  A worker ahead of the
 * writer's file stops when AHEAD_CAP (pipeline.c) slots wait in all the
 * files ahead, and every file's queue holds at most NEWSIDX_QUEUE_CAP,
 * so memory stays bounded; a worker held for room analyses records in
 * the meantime, so the slot the writer waits for is always analysed.
 * The worker on the writer's file is never held by the others: the
 * files ahead of it are taken after it.  Rejects from any thread take
 * mu (batch.c).
 */
struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	size_t n;               /* items queued in every file */
	size_t cur;             /* the file the writer is on */
	unsigned waiting;       /* workers waiting for room */
	struct job *jobs;
	size_t njobs, next;
	unsigned running;
	unsigned parsing;       /* workers reading a file */
	struct item *thead, *ttail; /* slots waiting for analysis */
	pthread_cond_t work;    /* a record to analyse, or the end */
	int stop;
	newsidx_status_t err;   /* a worker's failure */
	char errmsg[512];
	struct writer *w;
};

/* Read the njobs files with nworkers preparing threads, writing in the
 * calling thread; a bulk load started before is ended here. */
newsidx_status_t newsidx_pipeline__run(struct writer *w, struct job *jobs,
				       size_t njobs, unsigned nworkers);

/* ------------------------------------------------------------------ */
/* interface to index/bulk.c: a large load as parallel shards         */
/* ------------------------------------------------------------------ */

/* How many shards a load of these n files with nw threads gets: 0 for
 * none (one writer). */
unsigned newsidx_bulk__shards(struct writer *w, const struct job *jobs,
			      size_t n, unsigned nw);

/* Start a bulk load with nshards shard writers (w->bulk); the writer's
 * handle then points at the load's metadata generation. */
newsidx_status_t newsidx_bulk__start(struct writer *w, unsigned nshards);

/* The writer's part for one article of a bulk load: it then goes to its
 * shard.  The item is the shard's, or freed: the caller never frees it. */
newsidx_status_t newsidx_bulk__put(struct writer *w, struct item *it,
				   struct filework *fw);

/* End the bulk load: merged into a new live generation unless st is a
 * failure (other than NEWSIDX_INTERRUPTED), dropped then.  Returns the
 * run's status. */
newsidx_status_t newsidx_bulk__end(struct writer *w, newsidx_status_t st);

/* ------------------------------------------------------------------ */
/* interface to index/route.c: routing articles to period shards      */
/* ------------------------------------------------------------------ */

/* An article written into a shard by a run over a partitioned index:
 * its id and its place in the input (path, file, record). */
struct routed {
	char *id;
	size_t shard;
	unsigned path;
	size_t file;
	unsigned long rec;
};

/*
 * A run's routing, shared by its passes (one per shard, each an ordinary
 * writer run over the same inputs that keeps only the articles of its
 * shard's period): the periods met that have no shard yet, the ids each
 * pass wrote, the rejections already said.  Workers of a pipeline call
 * newsidx_route__keep() at once: mu guards it.
 */
struct route {
	pthread_mutex_t mu;
	int period;
	const char *key;     /* the shard of this pass; NULL: none */
	size_t shard;        /* its index in the run's list */
	unsigned path;       /* the input path's number in the run */
	int reopen;          /* write into closed shards (options) */
	const char *dir;     /* the partitioned index */
	char **found;        /* periods met in this pass, other than key */
	size_t nfound, capfound;
	struct routed *ids;  /* written in every pass */
	size_t nids, capids;
	uint64_t *said;      /* rejections reported: hashes */
	size_t nsaid, capsaid;
	int nomem;
};

/* 1 when article a goes into the shard of this pass; else 0 and its
 * period is noted, or -1 when that is a closed shard's: the article is
 * to be rejected, where and why it says in where and why. */
int newsidx_route__keep(struct route *r, const struct newsidx_article *a,
			char *where, size_t wlen, char *why, size_t ylen);

/* The writer of shard name of the partitioned index db (made when new),
 * with the set's synonyms and gazetteer; the message on db names the
 * shard when it fails. */
newsidx_status_t newsidx_route__open_shard(struct newsidx_db *db,
					   const char *name,
					   struct newsidx_db **out);

/* Note a written article (its id and place); a binding status. */
int newsidx_route__note(struct writer *w, const struct item *it);

/* 1 when this rejection was reported by an earlier pass: say it once. */
int newsidx_route__said(struct writer *w, const char *where,
			const char *reason);

/* A writer's run over one index as newsidx_index_path() (data NULL) or
 * newsidx_index_buffer() does it, routed by r (NULL: not routed); those
 * two entry points are partition.c's, which routes the runs over a
 * partitioned index. */
newsidx_status_t newsidx_writer__run(newsidx_db_t *db, const char *path,
				     const void *data, size_t len,
				     const newsidx_index_options_t *opts,
				     newsidx_index_stats_t *stats,
				     struct route *r);


/* ------------------------------------------------------------------ */
/* interface to index/writer.c: a run of newsidx_index_path/_buffer   */
/* ------------------------------------------------------------------ */

/* The state of one run, owned by the calling thread. */
struct writer {
	struct newsidx_db *db;
	const newsidx_index_options_t *opts;
	newsidx_index_stats_t *stats;
	struct prep prep;          /* for the writer's own thread */
	struct filework single;    /* the file of a one-thread run */
	unsigned long since_progress;
	newsidx_status_t fatal;
	unsigned long rejected;
	int file_rejected;
	struct pipeline *pl;       /* when preparing in threads */
	struct spellbatch spell;
	int dedup_mem;             /* the index was empty: use bands */
	struct bandtab bands;
	struct bulk *bulk;         /* a parallel bulk load, or NULL */
	int compact;               /* the index keeps compact positions */
	int term_lists;            /* Xapian keeps term lists (can delete) */
	struct newsidx_packer *packer; /* packs the stored records */
	int binary_bands;          /* band terms in the binary form */
	int delete_refused;        /* vanished files' articles kept: too
				      many (state.c) */
	uint64_t seq;              /* the last indexing sequence given
				      (sequence.c) */
	struct route *route;       /* a pass over one shard of a
				      partitioned index, or NULL */
	size_t cur_file;           /* one thread: the file's place in the
				      walk */
};


#endif /* NEWSIDX_INDEX_H */
