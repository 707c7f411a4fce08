/*
 * ingest_bench.c: how fast the input parsers turn files into articles,
 * without the index.
 *
 * Runs newsidx_ingest__run() over every file under the given paths (as
 * `newsidx index` would read them, but handing the articles to a
 * callback that only looks at them) and prints articles, rejections,
 * skipped records, bytes and articles per second.  -r N repeats the run
 * N times and reports the best; -l prints the languages detected and the
 * most common places, to eyeball the metadata.
 *
 *   make bench/ingest_bench
 *   bench/ingest_bench -r 3 ../shared/data/reuters21578
 *   bench/ingest_bench -r 3 ../shared/data/bbc
 *
 * A path that does not exist is reported and exits with status 2 (the
 * shared corpora are not part of the project).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ingest/parsers.h"

struct tally {
	unsigned long files, articles, rejected, skipped, unprocessed;
	unsigned long title_only;
	unsigned long long bytes;
	int show;
	char langs[64][8];
	unsigned long nlang[64];
	char places[256][48];
	unsigned long nplace[256];
};

static void count(char (*keys)[48], unsigned long *n, size_t cap,
		  const char *k)
{
	size_t i;

	for (i = 0; i < cap && keys[i][0]; i++)
		if (strcmp(keys[i], k) == 0) {
			n[i]++;
			return;
		}
	if (i < cap) {
		snprintf(keys[i], 48, "%s", k);
		n[i] = 1;
	}
}

static newsidx_status_t on_article(void *ctx, struct newsidx_article *a)
{
	struct tally *t = ctx;

	t->bytes += a->body_len;
	if (t->show) {
		const char *l = a->lang ? a->lang : "(none)";
		size_t i;

		for (i = 0; i < 64 && t->langs[i][0]; i++)
			if (strcmp(t->langs[i], l) == 0)
				break;
		if (i < 64) {
			snprintf(t->langs[i], 8, "%s", l);
			t->nlang[i]++;
		}
		if (a->place) {
			char city[48];

			snprintf(city, sizeof(city), "%.*s",
				 (int)strcspn(a->place, ";"), a->place);
			count(t->places, t->nplace, 256, city);
		}
	}
	return NEWSIDX_OK;
}

static void on_reject(void *ctx, const char *where, const char *reason)
{
	struct tally *t = ctx;

	if (t->show)
		fprintf(stderr, "rejected: %s: %s\n", where, reason);
}

static void one(struct tally *t, const char *path)
{
	struct newsidx_ingest ing;

	memset(&ing, 0, sizeof(ing));
	ing.name = path;
	ing.abspath = path;
	ing.on_article = on_article;
	ing.on_reject = on_reject;
	ing.ctx = t;
	newsidx_ingest__run(&ing, path, NULL, 0);
	t->files++;
	t->articles += ing.articles;
	t->rejected += ing.rejected;
	t->skipped += ing.skipped;
	t->unprocessed += ing.unprocessed;
	t->title_only += ing.title_only;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct tally *t, const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0) {
		fprintf(stderr, "ingest_bench: %s: not found (the shared "
				"corpora are outside the project)\n",
			path);
		return -1;
	}
	if (S_ISDIR(sb.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		char **names = NULL;
		size_t n = 0, i;

		if (!d)
			return -1;
		while ((de = readdir(d)) != NULL) {
			char *full;

			if (de->d_name[0] == '.')
				continue;
			full = malloc(strlen(path) + strlen(de->d_name) + 2);
			names = realloc(names, (n + 1) * sizeof(*names));
			if (!full || !names)
				abort();
			sprintf(full, "%s/%s", path, de->d_name);
			names[n++] = full;
		}
		closedir(d);
		qsort(names, n, sizeof(*names), cmp);
		for (i = 0; i < n; i++) {
			walk(t, names[i]);
			free(names[i]);
		}
		free(names);
		return 0;
	}
	if (S_ISREG(sb.st_mode))
		one(t, path);
	return 0;
}

int main(int argc, char **argv)
{
	struct tally *t = calloc(1, sizeof(*t)), *best = NULL;
	double best_secs = 0;
	int repeat = 1, show = 0, opt, r, i;

	while ((opt = getopt(argc, argv, "r:l")) != -1) {
		if (opt == 'r')
			repeat = atoi(optarg) > 0 ? atoi(optarg) : 1;
		else if (opt == 'l')
			show = 1;
		else {
			fprintf(stderr,
				"usage: ingest_bench [-r N] [-l] PATH...\n");
			return 2;
		}
	}
	if (optind >= argc || !t) {
		fprintf(stderr, "usage: ingest_bench [-r N] [-l] PATH...\n");
		return 2;
	}
	for (r = 0; r < repeat; r++) {
		struct timespec a, b;
		double secs;

		memset(t, 0, sizeof(*t));
		t->show = show && r == 0;
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (i = optind; i < argc; i++)
			if (walk(t, argv[i]))
				return 2;
		clock_gettime(CLOCK_MONOTONIC, &b);
		secs = (double)(b.tv_sec - a.tv_sec) +
		       (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		if (!best || secs < best_secs) {
			if (!best)
				best = malloc(sizeof(*best));
			if (!best)
				return 1;
			memcpy(best, t, sizeof(*t));
			best_secs = secs;
		}
		if (show && r == 0) {
			size_t k;

			for (k = 0; k < 64 && t->langs[k][0]; k++)
				printf("lang %-6s %lu\n", t->langs[k],
				       t->nlang[k]);
			for (k = 0; k < 256 && t->places[k][0]; k++)
				if (t->nplace[k] >= 100)
					printf("place %-24s %lu\n",
					       t->places[k], t->nplace[k]);
		}
	}
	printf("files %lu  articles %lu  rejected %lu  skipped %lu  "
	       "unprocessed %lu  title-only %lu\n",
	       best->files, best->articles, best->rejected, best->skipped,
	       best->unprocessed, best->title_only);
	printf("%.3f s (best of %d)  %.0f articles/s  %.1f MB/s of text\n",
	       best_secs, repeat, (double)best->articles / best_secs,
	       (double)best->bytes / best_secs / 1e6);
	free(best);
	free(t);
	return 0;
}
