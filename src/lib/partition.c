/*
 * partition.c: a partitioned index directory, one ordinary newsidx index
 * per period of the articles' dates, and the stub that lists them.
 *
 *   DIR/PARTITIONED      "newsidx partitioned 1" and "period year" (or
 *                        month): marks the layout, versioned
 *   DIR/XAPIANDB         a Xapian stub, "auto 2023" a line: every shard,
 *                        so that xapian-delve and xapian-tcpsrv open the
 *                        whole set; rewritten (temp + rename) when a
 *                        shard is added
 *   DIR/lock             the writer lock of the whole set
 *   DIR/2023/, 2024/,    the shards: ordinary index directories (their
 *   undated/             own XAPIANDB, generations and lock), named by
 *                        period: YYYY, or YYYY-MM for months
 *   DIR/2023/CLOSED      a shard compacted after its period ended: no
 *                        run writes into it unless reopened
 *   DIR/RUNNING          a write over the set began and has not ended:
 *                        the next run reads every file again
 *
 * This file knows the layout only; index/partition.c writes the set, and
 * shards.c reads it as it reads any set of shards.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "util/util.h"

#define MARK "PARTITIONED"
#define STUB "XAPIANDB"
#define CLOSED "CLOSED"
#define MARK_VERSION 1

/* 1 when dir holds the marker of a partitioned index; *period (may be
 * NULL) gets its period, 0 when the marker cannot be read. */
int newsidx_part__is(const char *dir, int *period)
{
	char p[PATH_MAX], line[128], word[32];
	FILE *f;
	int version = 0, per = NEWSIDX_PERIOD_NONE;

	snprintf(p, sizeof(p), "%s/%s", dir, MARK);
	f = fopen(p, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "newsidx partitioned %d", &version) == 1)
			continue;
		if (sscanf(line, "period %31s", word) == 1)
			per = newsidx_part__period_parse(word);
	}
	fclose(f);
	if (period)
		*period = version == MARK_VERSION ? per : NEWSIDX_PERIOD_NONE;
	return 1;
}

int newsidx_part__period_parse(const char *s)
{
	if (!s)
		return NEWSIDX_PERIOD_NONE;
	if (strcmp(s, "year") == 0)
		return NEWSIDX_PERIOD_YEAR;
	if (strcmp(s, "month") == 0)
		return NEWSIDX_PERIOD_MONTH;
	return -1;
}

const char *newsidx_part__period_name(int period)
{
	switch (period) {
	case NEWSIDX_PERIOD_YEAR:
		return "year";
	case NEWSIDX_PERIOD_MONTH:
		return "month";
	}
	return "none";
}

/* Write text to dir/name durably and atomically: a temporary file, then
 * a rename over the old.  0, or -1 with the reason in err. */
static int put_file(const char *dir, const char *name, const char *text,
		    char *err, size_t errlen)
{
	char tmp[PATH_MAX], p[PATH_MAX];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name);
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp,
			 strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	if (rename(tmp, p) != 0) {
		snprintf(err, errlen, "cannot rename %s: %s", tmp,
			 strerror(errno));
		return -1;
	}
	return 0;
}

newsidx_status_t newsidx_part__create(const char *dir, int period, char *err,
				      size_t errlen)
{
	char text[128];

	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir,
			 strerror(errno));
		return NEWSIDX_IO;
	}
	/* The stub first: a directory with a marker always has one. */
	if (put_file(dir, STUB, "", err, errlen))
		return NEWSIDX_IO;
	snprintf(text, sizeof(text), "newsidx partitioned %d\nperiod %s\n",
		 MARK_VERSION, newsidx_part__period_name(period));
	if (put_file(dir, MARK, text, err, errlen))
		return NEWSIDX_IO;
	return NEWSIDX_OK;
}

/* Is name a shard's name for period? */
int newsidx_part__valid_name(const char *name, int period)
{
	size_t i, n = strlen(name);

	if (strcmp(name, "undated") == 0)
		return 1;
	if (n != (period == NEWSIDX_PERIOD_MONTH ? 7u : 4u))
		return 0;
	for (i = 0; i < n; i++)
		if (i == 4 ? name[i] != '-' : (name[i] < '0' || name[i] > '9'))
			return 0;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

newsidx_status_t newsidx_part__list(const char *dir, char ***names, size_t *n)
{
	char p[PATH_MAX], line[PATH_MAX], kind[16], name[PATH_MAX];
	char **v = NULL;
	size_t cap = 0;
	FILE *f;

	*names = NULL;
	*n = 0;
	snprintf(p, sizeof(p), "%s/%s", dir, STUB);
	f = fopen(p, "r");
	if (!f)
		return NEWSIDX_IO;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %4000s", kind, name) != 2 ||
		    kind[0] == '#')
			continue;
		if (NEWSIDX_ARRAY_GROW(v, *n, cap, 8) ||
		    !(v[*n] = newsidx_strdup(name))) {
			fclose(f);
			newsidx_part__free_list(v, *n);
			*n = 0;
			return NEWSIDX_NOMEM;
		}
		(*n)++;
	}
	fclose(f);
	*names = v;
	return NEWSIDX_OK;
}

void newsidx_part__free_list(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

newsidx_status_t newsidx_part__put_list(const char *dir, char **names, size_t n,
					char *err, size_t errlen)
{
	struct newsidx_buf b = {0};
	size_t i;
	int rc = 0;

	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++)
		newsidx_buf__printf(&b, &rc, "auto %s\n", names[i]);
	if (rc) {
		newsidx_buf__free(&b);
		snprintf(err, errlen, "out of memory");
		return NEWSIDX_NOMEM;
	}
	rc = put_file(dir, STUB, b.data ? b.data : "", err, errlen);
	newsidx_buf__free(&b);
	return rc ? NEWSIDX_IO : NEWSIDX_OK;
}

void newsidx_part__key(const char *date, int period, char *key, size_t size)
{
	if (!date || strlen(date) < 8)
		snprintf(key, size, "undated");
	else if (period == NEWSIDX_PERIOD_MONTH)
		snprintf(key, size, "%.4s-%.2s", date, date + 4);
	else
		snprintf(key, size, "%.4s", date);
}

int newsidx_part__range(const char *key, char *from, char *to, size_t size)
{
	int y, m;

	if (sscanf(key, "%4d-%2d", &y, &m) == 2 && strlen(key) == 7) {
		snprintf(from, size, "%04d%02d01000000", y, m);
		if (m == 12)
			snprintf(to, size, "%04d0101000000", y + 1);
		else
			snprintf(to, size, "%04d%02d01000000", y, m + 1);
		return 1;
	}
	if (sscanf(key, "%4d", &y) == 1 && strlen(key) == 4) {
		snprintf(from, size, "%04d0101000000", y);
		snprintf(to, size, "%04d0101000000", y + 1);
		return 1;
	}
	return 0;
}

int newsidx_part__ended(const char *key)
{
	char from[32], to[32], now[32];
	time_t t = time(NULL);
	struct tm tm;

	if (!newsidx_part__range(key, from, to, sizeof(from)))
		return 0;
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y%m%d%H%M%S", &tm);
	return strcmp(now, to) >= 0;
}

int newsidx_part__closed(const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s/%s", dir, name, CLOSED);
	return stat(p, &sb) == 0;
}

newsidx_status_t newsidx_part__set_closed(const char *dir, const char *name,
					  const char *gen, char *err,
					  size_t errlen)
{
	char p[PATH_MAX], text[PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (!gen) {
		snprintf(text, sizeof(text), "%s/%s", p, CLOSED);
		if (unlink(text) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "cannot remove %s: %s", text,
				 strerror(errno));
			return NEWSIDX_IO;
		}
		return NEWSIDX_OK;
	}
	snprintf(text, sizeof(text), "%s\n", gen);
	return put_file(p, CLOSED, text, err, errlen) ? NEWSIDX_IO : NEWSIDX_OK;
}

int newsidx_part__closed_gen(const char *dir, const char *name, char *gen,
			     size_t size)
{
	char p[PATH_MAX], line[128];
	FILE *f;
	int ok = 0;

	snprintf(p, sizeof(p), "%s/%s/%s", dir, name, CLOSED);
	f = fopen(p, "r");
	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(gen, size, "%s", line);
		ok = 1;
	}
	fclose(f);
	return ok;
}

newsidx_status_t newsidx_part__running(const char *dir, const char *paths,
				       char *err, size_t errlen)
{
	char p[PATH_MAX];

	if (paths)
		return put_file(dir, "RUNNING", paths, err, errlen)
			   ? NEWSIDX_IO
			   : NEWSIDX_OK;
	snprintf(p, sizeof(p), "%s/RUNNING", dir);
	if (unlink(p) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove %s: %s", p,
			 strerror(errno));
		return NEWSIDX_IO;
	}
	return NEWSIDX_OK;
}

char *newsidx_part__was_running(const char *dir)
{
	char p[PATH_MAX], *text;
	long n;
	FILE *f;

	snprintf(p, sizeof(p), "%s/RUNNING", dir);
	f = fopen(p, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (text) {
		size_t got = fread(text, 1, (size_t)n, f);

		text[got] = '\0';
	}
	fclose(f);
	return text;
}
