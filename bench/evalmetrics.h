/*
 * evalmetrics.h: trec_eval-style measures of a ranking against relevance
 * judgments, for the retrieval benchmark (bench/evaluate) and its tests.
 *
 * The conventions are trec_eval's, so that a figure printed here can be
 * checked with trec_eval itself:
 *
 * - Judgments are TREC qrels lines, "QID ITER DOCID GAIN".  A document is
 *   relevant when its gain is at least 1; a gain of 0 or less is a
 *   judged non-relevant document.  Unjudged documents are not relevant.
 * - Runs are TREC run lines, "QID Q0 DOCID RANK SCORE TAG".  A query's
 *   documents are ranked by SCORE, highest first, ties broken by DOCID in
 *   decreasing strcmp() order; the RANK column is ignored.  A document
 *   listed twice for a query keeps its highest score only.
 * - Queries without a relevant document in the judgments are left out of
 *   every average: no measure is defined for them.  A query with relevant
 *   documents but absent from the run scores 0 on every measure.
 *   Queries of the run that have no judgments are ignored.
 * - AP (average precision): the sum, over the relevant documents
 *   retrieved, of the precision at the rank of each, divided by the
 *   number of relevant documents judged (retrieved or not).  MAP is the
 *   mean of AP over the queries evaluated.
 * - nDCG@k: DCG@k = sum over ranks i = 1..k of gain(i) / log2(i + 1),
 *   with the gain of the judgment (so binary judgments give binary
 *   gains), divided by the DCG@k of the ideal ranking: all judged gains
 *   sorted in decreasing order.
 * - P@k: relevant documents in the first k, divided by k (also when
 *   fewer than k were retrieved).  R@k: relevant documents in the first k
 *   divided by the number of relevant documents judged.
 */
#ifndef EVALMETRICS_H
#define EVALMETRICS_H

#include <stddef.h>
#include <stdio.h>

/*
 * Measures of one ranking.  gains[i] is the gain of the document at rank
 * i + 1 (0 for an unjudged or non-relevant one; negative values count as
 * 0), n the number of documents retrieved, nrel the number of relevant
 * documents judged for the query.  A query with nrel == 0 has no defined
 * AP or recall: these functions return 0 for it.
 */
double evalmetrics_ap(const int *gains, size_t n, size_t nrel);
double evalmetrics_precision(const int *gains, size_t n, size_t k);
double evalmetrics_recall(const int *gains, size_t n, size_t nrel, size_t k);

/*
 * nDCG@k.  ideal holds the gains of every judged document of the query,
 * in any order (nideal of them); it is not modified.  Returns 0 when the
 * ideal DCG is 0.
 */
double evalmetrics_ndcg(const int *gains, size_t n, const int *ideal,
			size_t nideal, size_t k);

/* Judgments and runs, read from TREC-format text. */
struct evalmetrics_qrels;
struct evalmetrics_run;

/*
 * Read judgments or a run from f; name is used in messages.  Return 0
 * and the object in *out, or -1 with a one-line message in err (at most
 * errlen bytes) naming the line at fault.  Free with the matching
 * _free(), which accepts NULL.
 */
int evalmetrics_qrels_read(FILE *f, const char *name,
			   struct evalmetrics_qrels **out, char *err,
			   size_t errlen);
void evalmetrics_qrels_free(struct evalmetrics_qrels *q);
int evalmetrics_run_read(FILE *f, const char *name,
			 struct evalmetrics_run **out, char *err,
			 size_t errlen);
void evalmetrics_run_free(struct evalmetrics_run *r);

/* The TAG column of the run's first line ("" for an empty run); owned
 * by the run. */
const char *evalmetrics_run_tag(const struct evalmetrics_run *r);

/* Documents listed more than once for a query and dropped. */
size_t evalmetrics_run_duplicates(const struct evalmetrics_run *r);

/* The measures of one query, or their means over the queries. */
struct evalmetrics_scores {
	double ap;     /* AP for a query, MAP for a mean */
	double ndcg10; /* nDCG@10 */
	double p10;    /* P@10 */
	double r100;   /* recall@100 */
};

/* Called for each query evaluated, in increasing query order (numeric
 * when both ids are numbers); nrel relevant judged, nret retrieved. */
typedef void (*evalmetrics_query_fn)(void *ctx, const char *qid, size_t nrel,
				     size_t nret,
				     const struct evalmetrics_scores *s);

/*
 * Evaluate a run against judgments: fill *mean with the means over the
 * queries that have at least one relevant document, and return how many
 * there are (0 leaves *mean all zero).  fn (may be NULL) sees each
 * query.  Returns (size_t)-1 when out of memory.
 */
size_t evalmetrics_evaluate(const struct evalmetrics_qrels *q,
			    const struct evalmetrics_run *r,
			    struct evalmetrics_scores *mean,
			    evalmetrics_query_fn fn, void *ctx);

#endif /* EVALMETRICS_H */
