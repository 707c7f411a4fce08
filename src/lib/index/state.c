/*
 * state.c: the input state kept in the index metadata, which makes
 * re-indexing incremental.  Each file's state (size, modification time,
 * content hash, whether it failed and why) is kept under
 * NEWSIDX_META_FILE_PREFIX,
 * written in the same commit as the file's last articles, so the state
 * never claims work that a crash undid.  A file whose state matches is
 * skipped without being opened; after a run, the articles of files that
 * vanished from under the given paths are removed.  Every article
 * carries its file's XF term, which is how a changed or vanished file's
 * articles are found.  The paths given are kept too
 * (NEWSIDX_META_ROOT_PREFIX), with their filters, for later runs and
 * for rebuild.c.
 *
 * Deleting is guarded, because an empty or unreadable directory looks
 * like one whose files were all removed.  A file that cannot be read
 * keeps its articles and its last state, so the next run tries it again;
 * files under a directory the walk could not read have not vanished; and
 * a run deletes the articles of vanished files only within the limits of
 * the options (a share of the path's articles, a count), else none of
 * them, which the run reports as NEWSIDX_DELETE_REFUSED.  Files that are
 * still there but that the path's filters now leave out are removed
 * too, without counting against the limits.
 *
 * It decides and records; reading the files is the writer's.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "index/index.h"

/* The share of a path's articles that vanished files may take in one
 * run when the options set none, in percent, and the articles a path
 * must hold for a share to count. */
#define DEFAULT_DELETE_SHARE 50
#define DELETE_GUARD_MIN 100

/* The metadata key of a file's state; long paths are hashed (the value
 * always holds the full path). */
static void state_key(const char *prefix, const char *abspath, char *key,
		      size_t size)
{
	size_t plen = strlen(prefix), n = strlen(abspath);

	if (plen + n < 200 && plen + n < size) {
		memcpy(key, prefix, plen);
		memcpy(key + plen, abspath, n + 1);
	} else
		snprintf(key, size, "%s#%016" PRIx64, prefix,
			 newsidx_hash64(abspath, n));
}

/*
 * The value: "1 SIZE MTIME_NS HASH ok|failed PATH", and for a failed
 * file since 0.3 a NUL byte and the reason it failed, one line.  Readers
 * before 0.3 take the value as a C string and so read the path alone;
 * a value without the reason (from them) reads as a failure whose
 * reason is unknown.
 */
static int parse_state(const char *v, struct fstate *fs, const char **path)
{
	char what[16];
	int used = 0;

	memset(fs, 0, sizeof(*fs));
	if (sscanf(v, "1 %llu %lld %" SCNx64 " %15s %n", &fs->size,
		   &fs->mtime_ns, &fs->hash, what, &used) != 4 ||
	    used == 0)
		return 0;
	fs->found = 1;
	fs->failed = strcmp(what, "failed") == 0;
	if (path)
		*path = v + used;
	return 1;
}

/* The reason stored after a state value of len bytes, or NULL. */
static const char *state_reason(const char *v, size_t len)
{
	size_t n = strlen(v);

	return n + 1 < len ? v + n + 1 : NULL;
}

/* A file's state; with reason (may be NULL), a malloc'd copy of the
 * reason it failed, or NULL. */
static newsidx_status_t get_state(struct writer *w, const char *abspath,
				  struct fstate *fs, char **reason)
{
	char key[256], *v = NULL;
	size_t len = 0;
	int x;

	memset(fs, 0, sizeof(*fs));
	if (reason)
		*reason = NULL;
	state_key(NEWSIDX_META_FILE_PREFIX, abspath, key, sizeof(key));
	x = xapc_db_get_metadata(w->db->x, key, &v, &len);
	if (x)
		return newsidx_db__xfail(w->db, x, "reading");
	if (len && parse_state(v, fs, NULL) && fs->failed && reason &&
	    state_reason(v, len))
		*reason = newsidx_strdup(state_reason(v, len));
	free(v);
	return NEWSIDX_OK;
}

/*
 * Copy a reason for the state into out: one line of valid UTF-8 at
 * most size - 1 bytes, control characters (C0, DEL, C1) and bytes that
 * are not UTF-8 made '?', so that stats can print it as it is.
 */
static void clean_reason(const char *r, char *out, size_t size)
{
	size_t n = strlen(r), i = 0, o = 0, k, bad;

	while (i < n && o + 1 < size) {
		unsigned char c = (unsigned char)r[i];

		k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (k > n - i || !newsidx_utf8__valid(r + i, k, &bad) ||
		    c < 0x20 || c == 0x7f ||
		    (c == 0xc2 && (unsigned char)r[i + 1] < 0xa0)) {
			out[o++] = '?';
			i += c >= 0x80 && k <= n - i &&
					     newsidx_utf8__valid(r + i, k, &bad)
				     ? k
				     : 1;
			continue;
		}
		if (o + k >= size)
			break;
		memcpy(out + o, r + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
}

static newsidx_status_t put_state(struct writer *w, const struct input *in,
				  uint64_t hash, int failed,
				  const char *reason)
{
	char key[256], *v, clean[320];
	size_t n = strlen(in->abspath) + 96 + sizeof(clean), len;
	int x;

	v = malloc(n);
	if (!v)
		return newsidx_db__fail(w->db, NEWSIDX_NOMEM, "out of memory");
	snprintf(v, n, "1 %llu %lld %016" PRIx64 " %s %s", in->size,
		 in->mtime_ns, hash, failed ? "failed" : "ok", in->abspath);
	len = strlen(v);
	if (failed && reason && *reason) {
		clean_reason(reason, clean, sizeof(clean));
		memcpy(v + len + 1, clean, strlen(clean));
		len += 1 + strlen(clean);
	}
	state_key(NEWSIDX_META_FILE_PREFIX, in->abspath, key, sizeof(key));
	x = xapc_db_set_metadata(w->db->x, key, v, len);
	free(v);
	return x ? newsidx_db__xfail(w->db, x, "writing to") : NEWSIDX_OK;
}

int newsidx_state__hash_file(const char *path, uint64_t *out)
{
	unsigned char buf[65536];
	uint64_t h = 0xcbf29ce484222325ULL;
	FILE *f = fopen(path, "rb");
	size_t n, i;

	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (i = 0; i < n; i++) {
			h ^= buf[i];
			h *= 0x100000001b3ULL;
		}
	i = (size_t)ferror(f);
	fclose(f);
	*out = h;
	return i ? -1 : 0;
}

int newsidx_doclist__collect(void *ctx, xapc_docid_t docid,
			     xapc_termcount_t wdf)
{
	struct doclist *l = ctx;

	(void)wdf;
	if (NEWSIDX_ARRAY_GROW(l->ids, l->n, l->cap, 64)) {
		l->nomem = 1;
		return 1;
	}
	l->ids[l->n++] = docid;
	return 0;
}

static int cmp_docid(const void *a, const void *b)
{
	xapc_docid_t x = *(const xapc_docid_t *)a, y = *(const xapc_docid_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Delete the articles of a file except those in keep (sorted): the
 * articles a changed file no longer holds, or all of a vanished file's.
 */
static newsidx_status_t drop_articles(struct writer *w, const char *abspath,
				      const xapc_docid_t *keep, size_t nkeep)
{
	char term[NEWSIDX_MAX_TERM + 24];
	size_t n = newsidx_schema__file_term(term, abspath);
	struct doclist l = { 0 };
	size_t i;
	int x;

	/* The hashed term, then the path itself: the form of articles
	 * written by earlier versions (an article has one or the other). */
	x = xapc_db_postings(w->db->x, term, n, newsidx_doclist__collect,
			     &l);
	if (!x && !l.nomem) {
		n = newsidx_schema__term(term, NEWSIDX_PREFIX_FILE, abspath,
					 strlen(abspath));
		x = xapc_db_postings(w->db->x, term, n,
				     newsidx_doclist__collect, &l);
	}
	if (l.nomem)
		x = XAPC_ERR_NOMEM;
	for (i = 0; !x && i < l.n; i++) {
		if (keep && bsearch(&l.ids[i], keep, nkeep, sizeof(*keep),
				    cmp_docid))
			continue;
		x = xapc_db_delete_doc(w->db->x, l.ids[i]);
		if (!x) {
			w->stats->deleted++;
			w->db->pending++;
		}
	}
	free(l.ids);
	return x ? newsidx_db__xfail(w->db, x, "deleting from") : NEWSIDX_OK;
}

/* Count a file skipped as unchanged; one that failed before is counted
 * apart too, so that the run can say how many stay failed (the
 * counter is there with options of version 5 or later). */
static void unchanged(struct writer *w, const struct fstate *fs)
{
	w->stats->unchanged++;
	if (fs->failed && w->opts->version >= 5)
		w->stats->failed_unchanged++;
}

int newsidx_state__needs_reading(struct writer *w, const struct input *in,
				 struct fstate *fs, uint64_t *hash,
				 int *hashed, newsidx_status_t *st)
{
	char *reason = NULL;

	*hashed = 0;
	*st = get_state(w, in->abspath, fs, NULL);
	if (*st)
		return 0;
	if (fs->found && !w->opts->force &&
	    !(fs->failed && w->opts->retry_failed) && fs->size == in->size) {
		if (fs->mtime_ns == in->mtime_ns) {
			unchanged(w, fs);
			return 0;
		}
		/* Touched, or changed within the same size: the content
		 * hash decides. */
		if (newsidx_state__hash_file(in->abspath, hash) == 0) {
			*hashed = 1;
			if (*hash == fs->hash) {
				unchanged(w, fs);
				w->db->pending++;
				if (fs->failed)
					*st = get_state(w, in->abspath, fs,
							&reason);
				if (!*st)
					*st = put_state(w, in, *hash,
							fs->failed, reason);
				free(reason);
				return 0;
			}
		}
	}
	return 1;
}

/*
 * After a file was read: drop the articles it no longer holds (all of
 * them when it now fails entirely) and remember its state.  A file that
 * was rejected because it cannot be read (it cannot be hashed now
 * either) is another matter: a permission, a disk or a share failing
 * says nothing of its articles, so they stay with its last state, and
 * the next run reads it again.
 */
newsidx_status_t newsidx_state__finish_file(struct writer *w,
					    const struct input *in,
					    struct filework *fw, uint64_t hash,
					    int rejected)
{
	newsidx_status_t st;
	uint64_t now;

	if (rejected && newsidx_state__hash_file(in->abspath, &now) != 0)
		return NEWSIDX_OK;
	if (fw->fs.found) {
		if (fw->nseen)
			qsort(fw->seen, fw->nseen, sizeof(*fw->seen),
			      cmp_docid);
		st = drop_articles(w, in->abspath, fw->seen, fw->nseen);
		if (st)
			return st;
	}
	w->db->pending++;
	st = put_state(w, in, hash, rejected && fw->narticles == 0,
		       fw->reason);
	free(fw->reason);
	fw->reason = NULL;
	return st;
}

static int cmp_input_path(const void *a, const void *b)
{
	return strcmp(((const struct input *)a)->abspath,
		      ((const struct input *)b)->abspath);
}

/* Is path the root itself or below it? */
static int under(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (strncmp(path, root, n) != 0)
		return 0;
	return path[n] == '\0' || path[n] == '/' ||
	       (n > 0 && root[n - 1] == '/');
}

struct vanish {
	struct writer *w;
	const char *root;
	const struct input *sorted; /* this run's inputs by abspath */
	size_t n;
	char **gone;
	size_t ngone, capgone;
	int nomem;
};

static int find_vanished(void *ctx, const char *key, size_t klen)
{
	struct vanish *v = ctx;
	struct input probe;
	struct fstate fs;
	const char *path = NULL;
	char *val = NULL, *k;
	size_t len = 0;

	k = malloc(klen + 1);
	if (!k) {
		v->nomem = 1;
		return 1;
	}
	memcpy(k, key, klen);
	k[klen] = '\0';
	if (xapc_db_get_metadata(v->w->db->x, k, &val, &len) == XAPC_OK &&
	    len && parse_state(val, &fs, &path) && under(path, v->root)) {
		probe.abspath = (char *)path;
		if (!v->n || !bsearch(&probe, v->sorted, v->n,
				      sizeof(*v->sorted), cmp_input_path)) {
			if (NEWSIDX_ARRAY_GROW(v->gone, v->ngone, v->capgone,
					       16))
				v->nomem = 1;
			if (!v->nomem) {
				v->gone[v->ngone] = newsidx_strdup(path);
				if (!v->gone[v->ngone++])
					v->nomem = 1;
			}
		}
	}
	free(val);
	free(k);
	return v->nomem;
}

/* The live articles of a file: those with its XF term, in either form. */
static int count_articles(struct writer *w, const char *abspath,
			  unsigned long *n)
{
	char term[NEWSIDX_MAX_TERM + 24];
	size_t len = newsidx_schema__file_term(term, abspath);
	unsigned c = 0;
	int x = newsidx_db__live_count(w->db, term, len, &c);

	*n = c;
	if (!x) {
		len = newsidx_schema__term(term, NEWSIDX_PREFIX_FILE, abspath,
					   strlen(abspath));
		x = newsidx_db__live_count(w->db, term, len, &c);
		*n += c;
	}
	return x;
}

/*
 * May the articles of the ngone vanished files go?  *ok is cleared, and
 * the handle says why, when they exceed the options' count, or their
 * share of all the articles of root's files (this run's n inputs and the
 * vanished ones) when root has DELETE_GUARD_MIN articles or more.  The
 * other files are counted only when the share could be exceeded.
 */
static newsidx_status_t may_delete(struct writer *w, const char *root,
				   const struct input *inputs, size_t n,
				   char **gone, size_t ngone, int *ok)
{
	const newsidx_index_options_t *o = w->opts;
	unsigned share = o->version >= 4 ? o->max_delete_share : 0;
	unsigned long most = o->version >= 4 ? o->max_delete : 0;
	unsigned long doomed = 0, total, c;
	char limit[32];
	size_t i;
	int x = 0, over_count;

	*ok = 1;
	if (!share)
		share = DEFAULT_DELETE_SHARE;
	for (i = 0; !x && i < ngone; i++) {
		x = count_articles(w, gone[i], &c);
		doomed += c;
	}
	if (x)
		return newsidx_db__xfail(w->db, x, "reading");
	over_count = most && doomed > most;
	/* Below this, no path large enough to count could lose too big a
	 * share. */
	if (!over_count &&
	    (share >= 100 || (unsigned long long)doomed * 100 <=
				     (unsigned long long)share *
					     DELETE_GUARD_MIN))
		return NEWSIDX_OK;
	total = doomed;
	for (i = 0; !x && i < n; i++) {
		x = count_articles(w, inputs[i].abspath, &c);
		total += c;
	}
	if (x)
		return newsidx_db__xfail(w->db, x, "reading");
	if (over_count)
		snprintf(limit, sizeof(limit), "%lu", most);
	else if (share < 100 && total >= DELETE_GUARD_MIN &&
		 (unsigned long long)doomed * 100 >
			 (unsigned long long)share * total)
		snprintf(limit, sizeof(limit), "%u%%", share);
	else
		return NEWSIDX_OK;
	*ok = 0;
	newsidx_db__fail(w->db, NEWSIDX_DELETE_REFUSED,
			 "%s: %lu of its %lu articles are in files that "
			 "vanished, more than the %s one run may delete; none "
			 "were deleted",
			 root, doomed, total, limit);
	return NEWSIDX_OK;
}

/* Is path at or under one of the n paths in kept? */
static int under_any(const char *path, char *const *kept, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (under(path, kept[i]))
			return 1;
	return 0;
}

/*
 * Put the files that are still there, which a filter now excludes, after
 * those that vanished, and return how many vanished.  Only these count
 * against the limits on deletions: the limits guard against a share
 * that is not mounted, and a file excluded on purpose is a choice.
 */
static size_t vanished_first(char **gone, size_t n)
{
	size_t i, j = 0;
	struct stat sb;

	for (i = 0; i < n; i++)
		if (!(stat(gone[i], &sb) == 0 && S_ISREG(sb.st_mode))) {
			char *t = gone[j];

			gone[j++] = gone[i];
			gone[i] = t;
		}
	return j;
}

/* Remove the articles and states of files gone from under root (or left
 * out by its filters), when the options allow that many to go. */
newsidx_status_t newsidx_state__drop_vanished(struct writer *w,
					      const char *root,
					      struct input *inputs, size_t n,
					      char *const *kept, size_t nkept)
{
	struct vanish v;
	newsidx_status_t st = NEWSIDX_OK;
	size_t i, j;
	int x, ok = 1;

	if (n)
		qsort(inputs, n, sizeof(*inputs), cmp_input_path);
	memset(&v, 0, sizeof(v));
	v.w = w;
	v.root = root;
	v.sorted = inputs;
	v.n = n;
	x = xapc_db_metadata_keys(w->db->x, NEWSIDX_META_FILE_PREFIX,
				  find_vanished, &v);
	if (v.nomem)
		st = newsidx_db__fail(w->db, NEWSIDX_NOMEM, "out of memory");
	else if (x)
		st = newsidx_db__xfail(w->db, x, "reading");
	/* What lies under a directory the walk could not read is unknown,
	 * not gone. */
	for (i = j = 0; i < v.ngone; i++) {
		if (under_any(v.gone[i], kept, nkept))
			free(v.gone[i]);
		else
			v.gone[j++] = v.gone[i];
	}
	v.ngone = j;
	j = vanished_first(v.gone, v.ngone);
	if (!st && j)
		st = may_delete(w, root, inputs, n, v.gone, j, &ok);
	if (!ok)
		w->delete_refused = 1;
	for (i = 0; i < v.ngone; i++) {
		char key[256];

		if (!st && ok)
			st = drop_articles(w, v.gone[i], NULL, 0);
		if (!st && ok) {
			state_key(NEWSIDX_META_FILE_PREFIX, v.gone[i], key,
				  sizeof(key));
			x = xapc_db_set_metadata(w->db->x, key, "", 0);
			if (x)
				st = newsidx_db__xfail(w->db, x, "writing to");
		}
		free(v.gone[i]);
	}
	free(v.gone);
	return st;
}

/*
 * The paths given, and their filters.  A path's value is its absolute
 * path; when it has filters, a NUL follows, then "filters 1", then each
 * --include pattern as "+PATTERN" and each --exclude pattern as
 * "-PATTERN", each after a NUL.  A reader of an older version, which
 * takes the value as a C string, still finds the path alone.
 */
#define FILTERS_TAG "filters 1"

/* Does the value v[0..len) hold filters (after its path)? */
static int has_filters(const char *v, size_t len)
{
	size_t plen = strnlen(v, len);

	return plen + 1 + sizeof(FILTERS_TAG) <= len + 1 &&
	       plen < len && strcmp(v + plen + 1, FILTERS_TAG) == 0;
}

/* Remember the paths given, so that a rebuild can read them again: with
 * the options' filters when they have some, else with those stored. */
newsidx_status_t newsidx_state__put_root(struct writer *w,
					 const char *abspath)
{
	const newsidx_index_options_t *o = w->opts;
	size_t np = o->version >= 5 ? o->n_include + o->n_exclude : 0;
	size_t len = strlen(abspath) + 1 + sizeof(FILTERS_TAG), i, at;
	char key[256], *v = NULL;
	int x;

	state_key(NEWSIDX_META_ROOT_PREFIX, abspath, key, sizeof(key));
	if (!np) {
		size_t old = 0;

		x = xapc_db_get_metadata(w->db->x, key, &v, &old);
		if (!x && old && strcmp(v, abspath) == 0) {
			/* Kept as it is, filters and all. */
			free(v);
			return NEWSIDX_OK;
		}
		free(v);
		if (x)
			return newsidx_db__xfail(w->db, x, "reading");
		x = xapc_db_set_metadata(w->db->x, key, abspath,
					 strlen(abspath));
		return x ? newsidx_db__xfail(w->db, x, "writing to")
			 : NEWSIDX_OK;
	}
	for (i = 0; i < o->n_include; i++)
		len += strlen(o->include[i]) + 2;
	for (i = 0; i < o->n_exclude; i++)
		len += strlen(o->exclude[i]) + 2;
	v = malloc(len);
	if (!v)
		return newsidx_db__fail(w->db, NEWSIDX_NOMEM, "out of memory");
	at = strlen(abspath) + 1;
	memcpy(v, abspath, at);
	memcpy(v + at, FILTERS_TAG, sizeof(FILTERS_TAG));
	at += sizeof(FILTERS_TAG);
	for (i = 0; i < np; i++) {
		int inc = i < o->n_include;
		const char *pat = inc ? o->include[i]
				      : o->exclude[i - o->n_include];
		size_t n = strlen(pat) + 1;

		v[at++] = inc ? '+' : '-';
		memcpy(v + at, pat, n);
		at += n;
	}
	x = xapc_db_set_metadata(w->db->x, key, v, at - 1);
	free(v);
	return x ? newsidx_db__xfail(w->db, x, "writing to") : NEWSIDX_OK;
}

newsidx_status_t newsidx_state__get_filters(struct newsidx_db *db,
					    const char *abspath,
					    struct filters *f)
{
	char key[256], *p, *end;
	size_t len = 0, ni = 0, ne = 0;
	int x;

	memset(f, 0, sizeof(*f));
	state_key(NEWSIDX_META_ROOT_PREFIX, abspath, key, sizeof(key));
	x = xapc_db_get_metadata(db->x, key, &f->value, &len);
	if (x)
		return newsidx_db__xfail(db, x, "reading");
	/* A hashed key may be another path's: the value names its own. */
	if (!len || strcmp(f->value, abspath) != 0 ||
	    !has_filters(f->value, len))
		return NEWSIDX_OK;
	end = f->value + len;
	p = f->value + strlen(f->value) + 1 + sizeof(FILTERS_TAG);
	f->include = calloc(len, sizeof(*f->include));
	f->exclude = calloc(len, sizeof(*f->exclude));
	if (!f->include || !f->exclude)
		return newsidx_db__fail(db, NEWSIDX_NOMEM, "out of memory");
	/* The value read is NUL-terminated: the last pattern ends too. */
	for (; p < end; p += strlen(p) + 1) {
		if (*p == '+' && p[1])
			f->include[ni++] = p + 1;
		else if (*p == '-' && p[1])
			f->exclude[ne++] = p + 1;
	}
	f->n_include = ni;
	f->n_exclude = ne;
	return NEWSIDX_OK;
}

void newsidx_state__free_filters(struct filters *f)
{
	free(f->include);
	free(f->exclude);
	free(f->value);
	memset(f, 0, sizeof(*f));
}

/* newsidx_index_clear_filters() on a partitioned index: in each shard. */
static newsidx_status_t clear_part(newsidx_db_t *db, const char *path)
{
	newsidx_open_options_t o = NEWSIDX_OPEN_OPTIONS_INIT;
	char **names = NULL, p[PATH_MAX];
	size_t n = 0, i;
	newsidx_status_t st = newsidx_part__list(db->path, &names, &n);

	if (st)
		return newsidx_db__fail(db, st, "cannot read %s/XAPIANDB",
					db->path);
	o.mode = NEWSIDX_OPEN_WRITE;
	o.synonyms = db->synonyms;
	o.gazetteer = db->gazetteer;
	for (i = 0; i < n && !st; i++) {
		newsidx_db_t *s = NULL;

		snprintf(p, sizeof(p), "%s/%s", db->path, names[i]);
		st = newsidx_db_open(&s, p, &o);
		if (!st)
			st = newsidx_index_clear_filters(s, path);
		if (st)
			newsidx_db__fail(db, st, "shard %s: %s", names[i],
					 s ? newsidx_db_errmsg(s)
					   : "out of memory");
		newsidx_db_free(s);
	}
	newsidx_part__free_list(names, n);
	return st;
}

newsidx_status_t newsidx_index_clear_filters(newsidx_db_t *db,
					     const char *path)
{
	char abspath[PATH_MAX], key[256], *v = NULL;
	size_t len = 0;
	int x;

	if (db && path && db->part && db->writable)
		return clear_part(db, path);
	if (!db || !path || !db->x)
		return NEWSIDX_INVALID_ARGUMENT;
	if (!db->writable)
		return newsidx_db__fail(db, NEWSIDX_READ_ONLY,
					"index %s is open read-only", db->path);
	if (!realpath(path, abspath))
		return newsidx_db__fail(db, NEWSIDX_NO_INPUT, "%s: %s", path,
					strerror(errno));
	state_key(NEWSIDX_META_ROOT_PREFIX, abspath, key, sizeof(key));
	x = xapc_db_get_metadata(db->x, key, &v, &len);
	if (!x && len && strcmp(v, abspath) == 0 && has_filters(v, len))
		x = xapc_db_set_metadata(db->x, key, abspath, strlen(abspath));
	free(v);
	return x ? newsidx_db__xfail(db, x, "writing to") : NEWSIDX_OK;
}
