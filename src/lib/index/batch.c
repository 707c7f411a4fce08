/*
 * batch.c: the writer thread's part of every article, whichever way it
 * was prepared (in this thread by writer.c, or by the pipeline's
 * workers): a new record dictionary stored, the near-duplicate group
 * found, the spelling words counted, its indexing sequence given
 * (sequence.c), then the document written, replacing any copy with its
 * id.  Commits come every batch_size articles so that
 * a crash loses at most one batch.  Progress and rejected inputs are
 * reported to the caller from here as well.
 *
 * Articles replace earlier copies through their unique id term, so
 * indexing the same input twice never duplicates anything.  A bulk load
 * (bulk.c) hands its articles to shard writers instead, after the same
 * group and spelling step.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"

/* Articles per commit when the options give no batch_size. */
#define DEFAULT_BATCH 2000

void newsidx_batch__reject(struct writer *w, const char *where,
			   const char *reason)
{
	/* A partitioned index reads a file once per shard: each
	 * rejection is said once. */
	if (w->route && newsidx_route__said(w, where, reason))
		return;
	if (w->pl)
		pthread_mutex_lock(&w->pl->mu);
	w->rejected++;
	w->stats->rejected++;
	newsidx_db__fail(w->db, NEWSIDX_REJECTED, "%s: %s", where, reason);
	if (w->opts->on_reject)
		w->opts->on_reject(w->opts->reject_ctx, where, reason);
	if (w->pl)
		pthread_mutex_unlock(&w->pl->mu);
}

void newsidx_batch__on_reject(void *ctx, const char *where,
			      const char *reason)
{
	struct writer *w = ctx;

	w->file_rejected = 1;
	newsidx_batch__reject(w, where, reason);
}

int newsidx_batch__progress(struct writer *w)
{
	w->since_progress = 0;
	return w->opts->progress &&
	       w->opts->progress(w->opts->progress_ctx, w->stats);
}

newsidx_status_t newsidx_batch__commit(struct writer *w)
{
	int x = newsidx_spelling__flush(&w->spell, w->db->x);

	if (x)
		return newsidx_db__xfail(w->db, x, "writing to");
	return newsidx_db_commit(w->db);
}

/* The writer's part of every article, in order: its near-duplicate
 * group, and its words counted for the spelling table. */
int newsidx_batch__group_and_spell(struct writer *w, struct item *it)
{
	size_t dlen;
	int x = 0;
	const void *dict = newsidx_packer__take_dict(w->packer, &dlen);

	/* A dictionary a preparer has just trained goes into the index
	 * before the first record packed with it, and the stem codes made
	 * with it before the first positions coded with them. */
	if (dict)
		x = newsidx_train__store_dictionary(w, dict, dlen);
	if (it->has_sig) {
		char group[17];

		x = newsidx_group__find(w, &it->sig, it->id, group);
		if (!x)
			x = xapc_doc_set_value(it->doc, NEWSIDX_SLOT_GROUP,
					       group, 16);
	}
	if (!x && newsidx_spelling__add(&w->spell, it->spell, it->spell_len))
		x = XAPC_ERR_NOMEM;
	return x;
}

static int first_docid(void *ctx, xapc_docid_t id, xapc_termcount_t wdf)
{
	(void)wdf;
	*(xapc_docid_t *)ctx = id;
	return 1;
}

/* 1 when two documents have the same value in slot, not empty. */
static int same_value(xapc_doc_t *a, xapc_doc_t *b, unsigned slot)
{
	size_t la = 0, lb = 0;
	const char *va = xapc_doc_value(a, slot, &la);
	const char *vb = xapc_doc_value(b, slot, &lb);

	return va && vb && la == lb && memcmp(va, vb, la) == 0;
}

/*
 * In an index without term lists, where replacing an article leaves the
 * old one listed deleted until a compaction, the article already stored as
 * it is now is kept: a file that changed (a feed or a JSON Lines file
 * that grows) then costs only its new articles.  The stored record (its
 * fields, body and file), its positions and its group decide; the terms
 * follow from them.  had: how many live articles have its id.  Its
 * docid, or 0 to write it.
 */
static xapc_docid_t stored_as_is(struct writer *w, struct item *it,
				 xapc_doccount_t had)
{
	xapc_docid_t id = 0;
	xapc_doc_t *old = NULL;

	if (w->term_lists || had != 1 ||
	    xapc_db_postings(w->db->x, it->qterm, it->qlen, first_docid, &id) ||
	    !id || xapc_db_get_doc(w->db->x, id, &old)) {
		xapc_doc_free(old);
		return 0;
	}
	if (!same_value(old, it->doc, NEWSIDX_SLOT_DOC) ||
	    !same_value(old, it->doc, NEWSIDX_SLOT_GROUP) ||
	    (w->compact && !same_value(old, it->doc, NEWSIDX_SLOT_POS)))
		id = 0;
	xapc_doc_free(old);
	return id;
}

/*
 * Write a prepared article, in the writer's thread: its group, its
 * spelling words, then the document, replacing any copy with its id.
 */
newsidx_status_t newsidx_batch__write(struct writer *w, struct item *it,
				      struct filework *fw)
{
	xapc_docid_t docid;
	xapc_doccount_t had = 0;
	newsidx_status_t st;
	int x = newsidx_batch__group_and_spell(w, it);

	if (!x)
		x = newsidx_db__live_count(w->db, it->qterm, it->qlen, &had);
	if (!x)
		x = newsidx_sequence__stamp(w, it, had);
	docid = x ? 0 : stored_as_is(w, it, had);
	if (!x && !docid)
		x = xapc_db_replace_doc_by_term(w->db->x, it->qterm, it->qlen,
						it->doc, &docid);
	if (x)
		return w->fatal = newsidx_db__xfail(w->db, x, "writing to");
	if (NEWSIDX_ARRAY_GROW(fw->seen, fw->nseen, fw->capseen, 64))
		return w->fatal = newsidx_db__fail(w->db, NEWSIDX_NOMEM,
						   "out of memory");
	fw->seen[fw->nseen++] = docid;
	fw->narticles++;
	if (w->route && newsidx_route__note(w, it))
		return w->fatal = newsidx_db__fail(w->db, NEWSIDX_NOMEM,
						   "out of memory");
	if (had)
		w->stats->updated++;
	else
		w->stats->added++;
	w->stats->articles++;
	w->db->gaz_used = 1;
	w->stats->bytes += it->body_len;
	if (++w->db->pending >= (w->opts->batch_size ? w->opts->batch_size
						       : DEFAULT_BATCH)) {
		st = newsidx_batch__commit(w);
		if (st)
			return w->fatal = st;
	}
	if (++w->since_progress >= 256 && newsidx_batch__progress(w))
		return w->fatal = NEWSIDX_INTERRUPTED;
	return NEWSIDX_OK;
}
