/*
 * walk.c: the input files of a run: the path given, or the regular
 * files under it, found by walking its directories in name order (so
 * that runs are reproducible), hidden files and directories left out.
 * Each comes with its absolute path, size and modification time, which
 * the file states (state.c) compare.  Nothing is opened here but
 * directories.
 *
 * Symbolic links are followed, but each directory is walked once, known
 * by its device and inode: first the real directories under the path,
 * then those reached only through links.  A link to a directory already
 * walked (to "." or to an ancestor, which would otherwise nest without
 * end, or to a directory also present under its own name) is skipped
 * without a word, and a file reached by several names is kept once,
 * under the first.
 *
 * A path that cannot be read is not a path that vanished: a directory
 * that cannot be listed, or an entry that cannot be examined, is
 * reported rejected and listed in ins->kept, so that the articles of the
 * files under it stay (state.c) until it can be read again.  The path
 * given, missing or impossible to list, is NEWSIDX_NO_INPUT.  The walk
 * calls the progress callback as it goes, so that a stop request is
 * heard during a long walk as well as between files.
 *
 * Under a directory, the filters choose what is walked (ignore.c has
 * the syntax; newsidx_index_path() in newsidx.h the rules): the built-in
 * list, each directory's .newsidxignore (read as the walk enters it,
 * for it and below), the exclude patterns of the options, else those
 * stored with the path (state.c), and the include patterns likewise.
 * An excluded directory is not entered.  Patterns are matched against
 * the path relative to the path given, so a directory reached through a
 * link is judged by the name it has there, with the .newsidxignore
 * files of the directories on the way to the link.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "index/index.h"

/* Directories nested deeper than this are not walked (and what was
 * indexed below them is kept). */
#define MAX_DEPTH 64

/* Entries examined between two calls of the progress callback. */
#define PROGRESS_EVERY 256

/* A directory walked, by device and inode (a slot of the walk's set). */
struct dirslot {
	dev_t dev;
	ino_t ino;
	int used;
};

/* The .newsidxignore patterns in force in a directory: its own, then
 * its parent's frame's, up to the root (NULL above). */
struct frame {
	struct frame *parent;
	struct newsidx_ignore ig;
};

/* A directory reached through a symbolic link, walked after the real
 * ones, with the patterns in force where the link is. */
struct linked {
	char *path;
	dev_t dev;
	ino_t ino;
	int depth;
	struct frame *frame;
};

struct walk {
	struct writer *w;
	struct inputs *ins;
	struct dirslot *dirs; /* open addressing; cap a power of two */
	size_t cap, ndirs;
	struct linked *links;
	size_t nlinks, caplinks;
	unsigned since_progress;
	/* The filters. */
	struct newsidx_ignore defaults, include, exclude;
	struct frame **frames; /* every frame made, freed at the end */
	size_t nframes, capframes;
	size_t skip;              /* bytes of a full path before the
				     relative one */
	struct newsidx_ipath rel; /* the entry being judged */
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t dir_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = ((uint64_t)dev * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)ino;

	h *= 0xff51afd7ed558ccdULL;
	return (size_t)(h ^ (h >> 32)) & (cap - 1);
}

/* Note a directory as walked: 1 when it is new, 0 when it was walked
 * already, -1 when out of memory. */
static int mark_dir(struct walk *wk, dev_t dev, ino_t ino)
{
	size_t i;

	if ((wk->ndirs + 1) * 2 > wk->cap) {
		size_t cap = wk->cap ? wk->cap * 2 : 64, j;
		struct dirslot *d = calloc(cap, sizeof(*d));

		if (!d)
			return -1;
		for (j = 0; j < wk->cap; j++) {
			if (!wk->dirs[j].used)
				continue;
			i = dir_hash(wk->dirs[j].dev, wk->dirs[j].ino, cap);
			while (d[i].used)
				i = (i + 1) & (cap - 1);
			d[i] = wk->dirs[j];
		}
		free(wk->dirs);
		wk->dirs = d;
		wk->cap = cap;
	}
	i = dir_hash(dev, ino, wk->cap);
	for (; wk->dirs[i].used; i = (i + 1) & (wk->cap - 1))
		if (wk->dirs[i].dev == dev && wk->dirs[i].ino == ino)
			return 0;
	wk->dirs[i].dev = dev;
	wk->dirs[i].ino = ino;
	wk->dirs[i].used = 1;
	wk->ndirs++;
	return 1;
}

/* Call the progress callback every PROGRESS_EVERY entries (always when
 * now is set); nonzero means stop. */
static int stop_asked(struct walk *wk, int now)
{
	if (!now && ++wk->since_progress < PROGRESS_EVERY)
		return 0;
	wk->since_progress = 0;
	return newsidx_batch__progress(wk->w);
}

/* List path under ins->kept: what was indexed under it stays. */
static newsidx_status_t keep(struct walk *wk, const char *path)
{
	struct inputs *ins = wk->ins;
	char abspath[PATH_MAX];

	if (!realpath(path, abspath))
		snprintf(abspath, sizeof(abspath), "%s", path);
	if (NEWSIDX_ARRAY_GROW(ins->kept, ins->nkept, ins->capkept, 8))
		return NEWSIDX_NOMEM;
	ins->kept[ins->nkept] = newsidx_strdup(abspath);
	if (!ins->kept[ins->nkept])
		return NEWSIDX_NOMEM;
	ins->nkept++;
	return NEWSIDX_OK;
}

/* A path below the one given that cannot be read: rejected, and kept
 * unless it is simply gone (a dangling link, a file deleted meanwhile). */
static newsidx_status_t unreadable(struct walk *wk, const char *path,
				   const char *why, int err)
{
	newsidx_batch__on_reject(wk->w, path, why);
	wk->w->stats->rejected_files++;
	return err == ENOENT || err == ENOTDIR ? NEWSIDX_OK : keep(wk, path);
}

static newsidx_status_t add_input(struct inputs *ins, const char *path,
				  const struct stat *sb)
{
	char abspath[PATH_MAX];
	struct input *in;

	if (NEWSIDX_ARRAY_GROW(ins->v, ins->n, ins->cap, 256))
		return NEWSIDX_NOMEM;
	if (!realpath(path, abspath))
		snprintf(abspath, sizeof(abspath), "%s", path);
	in = &ins->v[ins->n];
	in->name = newsidx_strdup(path);
	in->abspath = newsidx_strdup(abspath);
	if (!in->name || !in->abspath) {
		free(in->name);
		free(in->abspath);
		return NEWSIDX_NOMEM;
	}
	in->size = (unsigned long long)sb->st_size;
	in->mtime_ns = (long long)sb->st_mtim.tv_sec * 1000000000LL +
		       sb->st_mtim.tv_nsec;
	ins->n++;
	return NEWSIDX_OK;
}

static void free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The entries of directory path, hidden ones left out, as full paths in
 * name order.  NEWSIDX_OK; NEWSIDX_NOMEM; NEWSIDX_IO with *err set when
 * the directory cannot be listed, completely. */
static newsidx_status_t list_dir(const char *path, char ***out, size_t *nout,
				 int *err)
{
	size_t plen = strlen(path), n = 0, cap = 0;
	const char *sep = plen && path[plen - 1] == '/' ? "" : "/";
	char **names = NULL, *full;
	struct dirent *de;
	DIR *d = opendir(path);

	*out = NULL;
	*nout = 0;
	if (!d) {
		*err = errno;
		return NEWSIDX_IO;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			/* A listing cut short by an error is no listing:
			 * the entries it missed would look deleted. */
			*err = errno;
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		full = malloc(plen + strlen(de->d_name) + 2);
		if (!full || NEWSIDX_ARRAY_GROW(names, n, cap, 64)) {
			free(full);
			closedir(d);
			free_names(names, n);
			return NEWSIDX_NOMEM;
		}
		sprintf(full, "%s%s%s", path, sep, de->d_name);
		names[n++] = full;
	}
	closedir(d);
	if (*err) {
		free_names(names, n);
		return NEWSIDX_IO;
	}
	/* Name order makes runs reproducible. */
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*nout = n;
	return NEWSIDX_OK;
}

/* Put a directory reached through a link aside for later. */
static newsidx_status_t defer_link(struct walk *wk, const char *path,
				   const struct stat *sb, int depth,
				   struct frame *frame)
{
	struct linked *l;

	if (NEWSIDX_ARRAY_GROW(wk->links, wk->nlinks, wk->caplinks, 16))
		return NEWSIDX_NOMEM;
	l = &wk->links[wk->nlinks];
	l->path = newsidx_strdup(path);
	if (!l->path)
		return NEWSIDX_NOMEM;
	l->dev = sb->st_dev;
	l->ino = sb->st_ino;
	l->depth = depth;
	l->frame = frame;
	wk->nlinks++;
	return NEWSIDX_OK;
}

/* The path relative to the path given, into wk->rel. */
static int set_rel(struct walk *wk, const char *path)
{
	size_t n = strlen(path);

	return newsidx_ipath__set(&wk->rel, n > wk->skip ? path + wk->skip
							: "");
}

/*
 * Read the .newsidxignore of directory path, if it has one, into a new
 * frame above parent (*out; parent itself when there is none).  One that
 * cannot be read or holds a bad pattern is rejected, and *bad set: the
 * directory is then one that cannot be read.
 */
static newsidx_status_t read_ignore(struct walk *wk, const char *path,
				    struct frame *parent, struct frame **out,
				    int *bad)
{
	size_t plen = strlen(path), len = 0, lineno = 0;
	const char *sep = plen && path[plen - 1] == '/' ? "" : "/";
	char *file, *text = NULL, err[256], where[64];
	struct frame *f = NULL;
	struct stat sb;
	FILE *fp;
	int r = 0, e = 0;

	*out = parent;
	*bad = 0;
	file = malloc(plen + sizeof(NEWSIDX_IGNORE_FILE) + 1);
	if (!file)
		return NEWSIDX_NOMEM;
	sprintf(file, "%s%s%s", path, sep, NEWSIDX_IGNORE_FILE);
	fp = fopen(file, "rb");
	err[0] = '\0';
	if (!fp) {
		e = errno;
		if (e == ENOENT) {
			free(file);
			return NEWSIDX_OK;
		}
		snprintf(err, sizeof(err), "%s", strerror(e));
	} else if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode))
		snprintf(err, sizeof(err), "not a regular file");
	else if (sb.st_size > NEWSIDX_IGNORE_MAX_BYTES)
		snprintf(err, sizeof(err), "larger than %d bytes",
			 NEWSIDX_IGNORE_MAX_BYTES);
	else if (!(text = malloc((size_t)sb.st_size + 1)))
		r = -2;
	else {
		len = fread(text, 1, (size_t)sb.st_size + 1, fp);
		if (ferror(fp))
			snprintf(err, sizeof(err), "%s", strerror(errno));
	}
	if (fp)
		fclose(fp);
	if (!r && !err[0]) {
		f = calloc(1, sizeof(*f));
		if (!f || NEWSIDX_ARRAY_GROW(wk->frames, wk->nframes,
					     wk->capframes, 16)) {
			free(f);
			r = -2;
		} else {
			wk->frames[wk->nframes++] = f;
			f->parent = parent;
			r = set_rel(wk, path);
			if (r)
				r = -2;
			else {
				/* The patterns are relative to this
				 * directory. */
				f->ig.base = wk->rel.n ? wk->rel.n + 1 : 0;
				r = newsidx_ignore__parse(&f->ig, text, len,
							  &lineno, err,
							  sizeof(err));
			}
		}
	}
	free(text);
	if (r == -2) {
		free(file);
		return NEWSIDX_NOMEM;
	}
	if (err[0]) {
		/* "DIR/.newsidxignore:LINE: reason", one line. */
		char *at = malloc(strlen(file) + sizeof(where));

		if (!at) {
			free(file);
			return NEWSIDX_NOMEM;
		}
		if (lineno)
			sprintf(at, "%s:%zu", file, lineno);
		else
			strcpy(at, file);
		newsidx_batch__on_reject(wk->w, at, err);
		wk->w->stats->rejected_files++;
		free(at);
		*bad = 1;
	} else
		*out = f;
	free(file);
	return NEWSIDX_OK;
}

/*
 * Is the entry at path (a directory when is_dir) left out by the
 * filters, its relative path in wk->rel, the patterns of frame in
 * force?  The options' exclude patterns come last, so they decide
 * first; the built-in list comes first, and spares a file that an
 * include pattern names.
 */
static int left_out(struct walk *wk, const struct frame *frame, int is_dir)
{
	int v = newsidx_ignore__match(&wk->exclude, &wk->rel, wk->rel.n,
				      is_dir), named = 0;

	if (!is_dir && wk->include.n)
		named = newsidx_ignore__match_tree(&wk->include, &wk->rel,
						   0) == NEWSIDX_IGNORE_MATCH;
	for (; v == NEWSIDX_IGNORE_NONE && frame; frame = frame->parent)
		v = newsidx_ignore__match(&frame->ig, &wk->rel, wk->rel.n,
					  is_dir);
	if (v == NEWSIDX_IGNORE_NONE && !named)
		v = newsidx_ignore__match(&wk->defaults, &wk->rel, wk->rel.n,
					  is_dir);
	if (v == NEWSIDX_IGNORE_MATCH)
		return 1;
	return !is_dir && wk->include.n && !named;
}

/* Walk the directory at path (already marked walked), depth levels below
 * the path given, with the patterns of parent in force above it.  Real
 * subdirectories are walked at once, those behind links put aside. */
static newsidx_status_t walk_dir(struct walk *wk, const char *path, int depth,
				 struct frame *parent)
{
	struct frame *frame;
	char **names;
	size_t n, i;
	int err = 0, bad;
	newsidx_status_t st;

	if (depth > MAX_DEPTH) {
		newsidx_batch__on_reject(wk->w, path,
					 "directories nest too deeply");
		return keep(wk, path);
	}
	if (stop_asked(wk, 1))
		return NEWSIDX_INTERRUPTED;
	st = list_dir(path, &names, &n, &err);
	if (st == NEWSIDX_IO) {
		if (depth == 0)
			return newsidx_db__fail(wk->w->db, NEWSIDX_NO_INPUT,
						"%s: %s", path, strerror(err));
		return unreadable(wk, path, strerror(err), err);
	}
	if (!st)
		st = read_ignore(wk, path, parent, &frame, &bad);
	if (!st && bad) {
		/* Which files the directory wants read is unknown: what
		 * was indexed under it stays. */
		free_names(names, n);
		return keep(wk, path);
	}
	for (i = 0; i < n && !st; i++) {
		struct stat sb;
		int r, link;

		if (stop_asked(wk, 0)) {
			st = NEWSIDX_INTERRUPTED;
			break;
		}
		if (lstat(names[i], &sb) != 0) {
			st = unreadable(wk, names[i], strerror(errno), errno);
			continue;
		}
		link = S_ISLNK(sb.st_mode);
		if (link && stat(names[i], &sb) != 0) {
			st = unreadable(wk, names[i], strerror(errno), errno);
			continue;
		}
		if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode))
			continue;
		if (set_rel(wk, names[i])) {
			st = NEWSIDX_NOMEM;
			break;
		}
		if (left_out(wk, frame, S_ISDIR(sb.st_mode)))
			continue;
		if (S_ISDIR(sb.st_mode) && link) {
			st = defer_link(wk, names[i], &sb, depth + 1, frame);
		} else if (S_ISDIR(sb.st_mode)) {
			r = mark_dir(wk, sb.st_dev, sb.st_ino);
			if (r < 0)
				st = NEWSIDX_NOMEM;
			else if (r > 0)
				st = walk_dir(wk, names[i], depth + 1, frame);
		} else {
			st = add_input(wk->ins, names[i], &sb);
		}
	}
	free_names(names, n);
	return st;
}

/* By path, then by place in the walk: the first of equal paths first. */
static int cmp_abspath(const void *a, const void *b)
{
	const struct input *x = *(const struct input *const *)a;
	const struct input *y = *(const struct input *const *)b;
	int c = strcmp(x->abspath, y->abspath);

	return c ? c : (x > y) - (x < y);
}

/* Keep one input per file: links to a file make several names for it,
 * and reading it once per name would replace its articles as often. */
static newsidx_status_t drop_duplicates(struct inputs *ins)
{
	struct input **by = malloc((ins->n ? ins->n : 1) * sizeof(*by));
	size_t i, j;

	if (!by)
		return NEWSIDX_NOMEM;
	for (i = 0; i < ins->n; i++)
		by[i] = &ins->v[i];
	qsort(by, ins->n, sizeof(*by), cmp_abspath);
	for (i = 1; i < ins->n; i++)
		if (strcmp(by[i]->abspath, by[i - 1]->abspath) == 0) {
			free(by[i]->name);
			by[i]->name = NULL;
		}
	free(by);
	for (i = j = 0; i < ins->n; i++) {
		if (!ins->v[i].name) {
			free(ins->v[i].abspath);
			continue;
		}
		ins->v[j++] = ins->v[i];
	}
	ins->n = j;
	return NEWSIDX_OK;
}

/* Compile the n patterns of list onto ig; a bad one is
 * NEWSIDX_INVALID_ARGUMENT, or NEWSIDX_CORRUPT when stored. */
static newsidx_status_t compile_list(struct walk *wk, struct newsidx_ignore *ig,
				     const char *const *list, size_t n,
				     const char *what, int stored)
{
	char err[256];
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		r = newsidx_ignore__add(ig, list[i], strlen(list[i]), 0, err,
					sizeof(err));
		if (r == -2)
			return NEWSIDX_NOMEM;
		if (r)
			return newsidx_db__fail(
				wk->w->db,
				stored ? NEWSIDX_CORRUPT
				       : NEWSIDX_INVALID_ARGUMENT,
				"%s%s pattern '%s': %s", stored ? "stored " : "",
				what, list[i], err);
	}
	return NEWSIDX_OK;
}

/* The filters of a directory path: the built-in list, and the include
 * and exclude patterns of the options, else those stored with it. */
static newsidx_status_t load_filters(struct walk *wk, const char *path)
{
	const newsidx_index_options_t *o = wk->w->opts;
	struct filters f;
	char abspath[PATH_MAX];
	newsidx_status_t st;
	size_t plen = strlen(path);

	wk->skip = plen + (plen && path[plen - 1] == '/' ? 0 : 1);
	if (newsidx_ignore__defaults(&wk->defaults))
		return NEWSIDX_NOMEM;
	if (o->version >= 5 && (o->n_include || o->n_exclude)) {
		st = compile_list(wk, &wk->include, o->include, o->n_include,
				  "include", 0);
		if (!st)
			st = compile_list(wk, &wk->exclude, o->exclude,
					  o->n_exclude, "exclude", 0);
		return st;
	}
	if (!realpath(path, abspath))
		return NEWSIDX_OK;
	st = newsidx_state__get_filters(wk->w->db, abspath, &f);
	if (!st)
		st = compile_list(wk, &wk->include, f.include, f.n_include,
				  "include", 1);
	if (!st)
		st = compile_list(wk, &wk->exclude, f.exclude, f.n_exclude,
				  "exclude", 1);
	newsidx_state__free_filters(&f);
	return st;
}

/* Is path's last component the name of the patterns file? */
static int is_ignore_file(const char *path)
{
	const char *slash = strrchr(path, '/');

	return strcmp(slash ? slash + 1 : path, NEWSIDX_IGNORE_FILE) == 0;
}

static newsidx_status_t walk_root(struct walk *wk, const char *path)
{
	struct stat sb;
	newsidx_status_t st;
	size_t i;

	if (stat(path, &sb) != 0)
		return newsidx_db__fail(wk->w->db, NEWSIDX_NO_INPUT, "%s: %s",
					path, strerror(errno));
	/* A file given by name is read whatever the filters say, but a
	 * .newsidxignore is never an article. */
	if (S_ISREG(sb.st_mode))
		return is_ignore_file(path) ? NEWSIDX_OK
					    : add_input(wk->ins, path, &sb);
	if (!S_ISDIR(sb.st_mode)) {
		newsidx_batch__on_reject(wk->w, path,
					 "not a regular file or directory");
		wk->w->stats->rejected_files++;
		return NEWSIDX_OK;
	}
	st = load_filters(wk, path);
	if (st)
		return st;
	if (mark_dir(wk, sb.st_dev, sb.st_ino) < 0)
		return NEWSIDX_NOMEM;
	st = walk_dir(wk, path, 0, NULL);
	/* Then the directories reached only through links (the list grows
	 * as they are walked). */
	for (i = 0; !st && i < wk->nlinks; i++) {
		const struct linked *l = &wk->links[i];
		int r = mark_dir(wk, l->dev, l->ino);

		if (r < 0)
			st = NEWSIDX_NOMEM;
		else if (r > 0)
			st = walk_dir(wk, l->path, l->depth, l->frame);
	}
	return st;
}

newsidx_status_t newsidx_walk__collect(struct writer *w, const char *path,
				       struct inputs *ins)
{
	struct walk wk;
	newsidx_status_t st;
	size_t i;

	memset(&wk, 0, sizeof(wk));
	wk.w = w;
	wk.ins = ins;
	st = walk_root(&wk, path);
	if (!st)
		st = drop_duplicates(ins);
	for (i = 0; i < wk.nlinks; i++)
		free(wk.links[i].path);
	free(wk.links);
	free(wk.dirs);
	for (i = 0; i < wk.nframes; i++) {
		newsidx_ignore__free(&wk.frames[i]->ig);
		free(wk.frames[i]);
	}
	free(wk.frames);
	newsidx_ignore__free(&wk.defaults);
	newsidx_ignore__free(&wk.include);
	newsidx_ignore__free(&wk.exclude);
	newsidx_ipath__free(&wk.rel);
	return st;
}

newsidx_status_t newsidx_index_plan(newsidx_db_t *db, const char *path,
				    const newsidx_index_options_t *opts,
				    unsigned long long *files,
				    unsigned long long *bytes)
{
	newsidx_index_options_t o = NEWSIDX_INDEX_OPTIONS_INIT;
	newsidx_index_stats_t stats;
	struct inputs ins = { 0 };
	struct writer w;
	newsidx_status_t st;
	size_t i;

	if (files)
		*files = 0;
	if (bytes)
		*bytes = 0;
	if (!db || !db->x || !path)
		return NEWSIDX_INVALID_ARGUMENT;
	/* What the walk reads of the options, without the reports: the
	 * run reports what it meets. */
	if (opts) {
		o.progress = opts->progress;
		o.progress_ctx = opts->progress_ctx;
		if (opts->version >= 5) {
			o.include = opts->include;
			o.n_include = opts->n_include;
			o.exclude = opts->exclude;
			o.n_exclude = opts->n_exclude;
		}
	}
	memset(&w, 0, sizeof(w));
	memset(&stats, 0, sizeof(stats));
	w.db = db;
	w.opts = &o;
	w.stats = &stats;
	st = newsidx_walk__collect(&w, path, &ins);
	if (st == NEWSIDX_NOMEM)
		st = newsidx_db__fail(db, st, "out of memory");
	for (i = 0; !st && i < ins.n; i++) {
		if (files)
			++*files;
		if (bytes)
			*bytes += ins.v[i].size;
	}
	newsidx_walk__free(&ins);
	return st;
}

void newsidx_walk__free(struct inputs *ins)
{
	size_t i;

	for (i = 0; i < ins->n; i++) {
		free(ins->v[i].name);
		free(ins->v[i].abspath);
	}
	free(ins->v);
	for (i = 0; i < ins->nkept; i++)
		free(ins->kept[i]);
	free(ins->kept);
}
