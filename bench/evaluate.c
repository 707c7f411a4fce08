/*
 * evaluate.c: score TREC runs against TREC qrels and print one table row
 * per run: MAP, nDCG@10, P@10 and recall@100 (evalmetrics.h states the
 * conventions, which are trec_eval's).
 *
 * usage: evaluate [-q] QRELS RUN...
 *   -q   also print each query's figures, before the table
 *
 * The system's name in the table is the TAG column of its run.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evalmetrics.h"

static void per_query(void *ctx, const char *qid, size_t nrel, size_t nret,
		      const struct evalmetrics_scores *s)
{
	printf("%-14s %6s %4zu %5zu  %.4f  %.4f  %.4f  %.4f\n",
	       (const char *)ctx, qid, nrel, nret, s->ap, s->ndcg10, s->p10,
	       s->r100);
}

static FILE *open_or_die(const char *path)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

int main(int argc, char **argv)
{
	struct evalmetrics_qrels *qrels = NULL;
	struct evalmetrics_scores *means;
	struct evalmetrics_run *run;
	char err[512];
	const char **tags;
	size_t *nq;
	int c, verbose = 0, i, nruns;
	FILE *f;

	while ((c = getopt(argc, argv, "qh")) != -1) {
		switch (c) {
		case 'q':
			verbose = 1;
			break;
		default:
			fprintf(stderr, "usage: evaluate [-q] QRELS RUN...\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: evaluate [-q] QRELS RUN...\n");
		return 2;
	}
	f = open_or_die(argv[optind]);
	if (evalmetrics_qrels_read(f, argv[optind], &qrels, err, sizeof(err))) {
		fprintf(stderr, "evaluate: %s\n", err);
		return 1;
	}
	fclose(f);
	nruns = argc - optind - 1;
	means = calloc((size_t)nruns, sizeof(*means));
	tags = calloc((size_t)nruns, sizeof(*tags));
	nq = calloc((size_t)nruns, sizeof(*nq));
	if (!means || !tags || !nq) {
		fprintf(stderr, "evaluate: out of memory\n");
		return 1;
	}
	if (verbose)
		printf("%-14s %6s %4s %5s  %-6s  %-6s  %-6s  %-6s\n", "system",
		       "query", "rel", "ret", "AP", "nDCG10", "P@10", "R@100");
	for (i = 0; i < nruns; i++) {
		const char *path = argv[optind + 1 + i];

		f = open_or_die(path);
		if (evalmetrics_run_read(f, path, &run, err, sizeof(err))) {
			fprintf(stderr, "evaluate: %s\n", err);
			return 1;
		}
		fclose(f);
		if (evalmetrics_run_duplicates(run))
			fprintf(stderr,
				"evaluate: %s: %zu repeated documents "
				"ignored\n",
				path, evalmetrics_run_duplicates(run));
		tags[i] =
		    strdup(*evalmetrics_run_tag(run) ? evalmetrics_run_tag(run)
						     : path);
		nq[i] = evalmetrics_evaluate(qrels, run, &means[i],
					     verbose ? per_query : NULL,
					     (void *)tags[i]);
		evalmetrics_run_free(run);
		if (!tags[i] || nq[i] == (size_t)-1) {
			fprintf(stderr, "evaluate: out of memory\n");
			return 1;
		}
	}
	if (verbose)
		printf("\n");
	printf("%-22s %7s %8s %7s %7s\n", "system", "MAP", "nDCG@10", "P@10",
	       "R@100");
	for (i = 0; i < nruns; i++)
		printf("%-22s %7.4f %8.4f %7.4f %7.4f\n", tags[i], means[i].ap,
		       means[i].ndcg10, means[i].p10, means[i].r100);
	printf("(%zu queries with relevant documents; queries without any "
	       "are left out)\n",
	       nq[0]);
	for (i = 0; i < nruns; i++)
		free((void *)tags[i]);
	free(tags);
	free(means);
	free(nq);
	evalmetrics_qrels_free(qrels);
	return 0;
}
