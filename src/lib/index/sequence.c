/*
 * sequence.c: the indexing sequence and time of each article, which
 * tell what entered the index since a given moment whatever the
 * articles' own dates say (indexed:, and the watches of watch.c).
 *
 * The index keeps the last number given in its metadata
 * (newsidx.sequence), set beside every article that takes one, so that
 * the commit that makes an article visible also makes its number
 * count: a reader never sees a sequence above the counter it reads.
 * Only the writer's thread calls this, in input order, so a run with
 * preparing threads or shards numbers its articles as one thread
 * would.
 *
 * An article that comes again with the same id, title and body keeps
 * its number and time, so re-reading a touched file, or a rebuild,
 * does not make it new; changed text makes it new.  The comparison
 * reads the stored record of the copy it replaces, which costs a
 * decompression per replaced article and nothing for new ones.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "index/index.h"

newsidx_status_t newsidx_sequence__load(struct writer *w)
{
	char *v = NULL, *end = NULL;
	size_t len = 0;
	int x = xapc_db_get_metadata(w->db->x, NEWSIDX_META_SEQUENCE, &v,
				     &len);

	w->seq = 0;
	if (x) {
		free(v);
		return newsidx_db__xfail(w->db, x, "reading");
	}
	if (len) {
		w->seq = strtoull(v, &end, 10);
		if (!end || *end || v[0] < '0' || v[0] > '9') {
			free(v);
			return newsidx_db__fail(w->db, NEWSIDX_CORRUPT,
						"index %s: metadata %s is "
						"damaged",
						w->db->path,
						NEWSIDX_META_SEQUENCE);
		}
	}
	free(v);
	return NEWSIDX_OK;
}

static int first_docid(void *ctx, xapc_docid_t id, xapc_termcount_t wdf)
{
	(void)wdf;
	*(xapc_docid_t *)ctx = id;
	return 1;
}

/*
 * The sequence and time of the live article with its id in db, into
 * seq and when (their values, NUL-terminated; "" when it has none),
 * when its title and body hash as hash.  1 when found and the same, 0
 * otherwise; a damaged or unreadable copy counts as changed.
 */
static int same_text(struct newsidx_db *db, const struct item *it,
		     char seq[24], char when[24])
{
	xapc_docid_t id = 0;
	xapc_doc_t *old = NULL;
	struct newsidx_stored s;
	const void *rec;
	const char *v;
	size_t rlen, len = 0;
	int same = 0;

	seq[0] = when[0] = '\0';
	if (xapc_db_postings(db->x, it->qterm, it->qlen, first_docid, &id) ||
	    !id || xapc_db_get_doc(db->x, id, &old))
		goto out;
	if (newsidx_db__doc_record(db, old, &rec, &rlen) ||
	    newsidx_docdata__decode(rec, rlen, 1, &s))
		goto out;
	same = newsidx_docdata__text_hash(s.title, s.body, s.body_len) ==
	       it->text_hash;
	newsidx_stored__clear(&s);
	if (!same)
		goto out;
	v = xapc_doc_value(old, NEWSIDX_SLOT_SEQ, &len);
	if (v && len < 24) {
		memcpy(seq, v, len);
		seq[len] = '\0';
	}
	len = 0;
	v = xapc_doc_value(old, NEWSIDX_SLOT_INDEXED, &len);
	if (v && len < 24) {
		memcpy(when, v, len);
		when[len] = '\0';
	}
out:
	xapc_doc_free(old);
	return same;
}

int newsidx_sequence__stamp(struct writer *w, struct item *it, unsigned had)
{
	char seq[24], when[24], num[32];
	struct newsidx_db *from = had ? w->db : w->db->prior;
	int x, n;

	if (from && same_text(from, it, seq, when)) {
		/* An article from before sequences keeps having none: it
		 * is not new. */
		if (!seq[0])
			return 0;
		x = xapc_doc_set_value(it->doc, NEWSIDX_SLOT_SEQ, seq,
				       strlen(seq));
		if (!x && when[0])
			x = xapc_doc_set_value(it->doc, NEWSIDX_SLOT_INDEXED,
					       when, strlen(when));
		return x;
	}
	{
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(when, sizeof(when), "%Y%m%d%H%M%S", &tm);
	}
	w->seq++;
	snprintf(seq, sizeof(seq), "%016" PRIx64, w->seq);
	n = snprintf(num, sizeof(num), "%" PRIu64, w->seq);
	x = xapc_doc_set_value(it->doc, NEWSIDX_SLOT_SEQ, seq, 16);
	if (!x)
		x = xapc_doc_set_value(it->doc, NEWSIDX_SLOT_INDEXED, when,
				       strlen(when));
	/* Buffered by Xapian until the commit that writes the article. */
	if (!x)
		x = xapc_db_set_metadata(w->db->x, NEWSIDX_META_SEQUENCE, num,
					 (size_t)n);
	return x;
}
