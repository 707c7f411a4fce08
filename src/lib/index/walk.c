/*
 * walk.c: the input files of a run: the path given, or the regular
 * files under it, found by walking its directories in name order (so
 * that runs are reproducible), hidden files and directories left out.
 * Each comes with its absolute path, size and modification time, which
 * the file states (state.c) compare.  Paths below the one given that
 * cannot be read are reported as rejected inputs; the path given,
 * missing or impossible to list, is NEWSIDX_NO_INPUT.  Nothing is opened
 * here but directories.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "index/index.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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

static newsidx_status_t walk(struct writer *w, const char *path, int depth,
			     struct inputs *ins)
{
	struct stat sb;
	newsidx_status_t st = NEWSIDX_OK;

	if (stat(path, &sb) != 0) {
		if (depth == 0)
			return newsidx_db__fail(w->db, NEWSIDX_NO_INPUT,
						"%s: %s", path,
						strerror(errno));
		newsidx_batch__on_reject(w, path, strerror(errno));
		w->stats->rejected_files++;
		return NEWSIDX_OK;
	}
	if (S_ISDIR(sb.st_mode)) {
		DIR *d;
		struct dirent *de;
		char **names = NULL;
		size_t n = 0, cap = 0, i;

		if (depth > 64) {
			newsidx_batch__on_reject(w, path,
						 "directories nest too deeply");
			return NEWSIDX_OK;
		}
		d = opendir(path);
		if (!d) {
			if (depth == 0)
				return newsidx_db__fail(
					w->db, NEWSIDX_NO_INPUT, "%s: %s",
					path, strerror(errno));
			newsidx_batch__on_reject(w, path, strerror(errno));
			w->stats->rejected_files++;
			return NEWSIDX_OK;
		}
		while ((de = readdir(d)) != NULL) {
			char *full;
			size_t plen = strlen(path);

			if (de->d_name[0] == '.')
				continue;
			if (NEWSIDX_ARRAY_GROW(names, n, cap, 64)) {
				st = NEWSIDX_NOMEM;
				break;
			}
			full = malloc(plen + strlen(de->d_name) + 2);
			if (!full) {
				st = NEWSIDX_NOMEM;
				break;
			}
			sprintf(full, "%s%s%s", path,
				plen && path[plen - 1] == '/' ? "" : "/",
				de->d_name);
			names[n++] = full;
		}
		closedir(d);
		/* Name order makes runs reproducible. */
		if (n)
			qsort(names, n, sizeof(*names), cmp_names);
		for (i = 0; i < n && !st; i++)
			st = walk(w, names[i], depth + 1, ins);
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return st;
	}
	if (!S_ISREG(sb.st_mode)) {
		if (depth == 0) {
			newsidx_batch__on_reject(
				w, path, "not a regular file or directory");
			w->stats->rejected_files++;
		}
		return NEWSIDX_OK;
	}
	return add_input(ins, path, &sb);
}

newsidx_status_t newsidx_walk__collect(struct writer *w, const char *path,
				       struct inputs *ins)
{
	return walk(w, path, 0, ins);
}

void newsidx_walk__free(struct inputs *ins)
{
	size_t i;

	for (i = 0; i < ins->n; i++) {
		free(ins->v[i].name);
		free(ins->v[i].abspath);
	}
	free(ins->v);
}
