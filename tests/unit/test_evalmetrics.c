/*
 * test_evalmetrics.c: unit tests of the benchmark's retrieval measures
 * (bench/evalmetrics.c) on a tiny example computed by hand.
 *
 * The example: judgments (TREC qrels) for four queries, and a run.
 *
 *   query 1: d1 gain 2, d2 gain 1, d3 gain 1, d4 gain 0 (judged, not
 *            relevant).  Three relevant documents.
 *            Run, by score: d4 .9, d1 .8, d5 .7 (unjudged), d2 .6, d6 .5;
 *            d3 is not retrieved.  Gains by rank: 0 2 0 1 0.
 *   query 2: d7 gain 0 only.  No relevant document: left out.
 *   query 3: d8 gain 1.  Not in the run: every measure is 0.
 *   query 10: a gain 1.  Run: a .5 and b .5 (a tie: trec_eval puts the
 *            greater docid first, so b ranks 1 and a ranks 2), and a
 *            again at .1 (a repeat: dropped).  Gains by rank: 0 1.
 *   query 99: only in the run: ignored.
 *
 * By hand:
 *   query 1:  AP = (1/2 + 2/4) / 3 = 1/3
 *             P@10 = 2/10 = 0.2;  R@100 = 2/3
 *             DCG@10 = 2/log2(3) + 1/log2(5) = 1.2618595 + 0.4306766
 *                    = 1.6925361
 *             ideal gains 2 1 1 0: IDCG@10 = 2/log2(2) + 1/log2(3)
 *                    + 1/log2(4) = 2 + 0.6309298 + 0.5 = 3.1309298
 *             nDCG@10 = 1.6925361 / 3.1309298 = 0.5405858
 *   query 3:  AP = nDCG@10 = P@10 = R@100 = 0
 *   query 10: AP = (1/2) / 1 = 0.5;  P@10 = 0.1;  R@100 = 1
 *             nDCG@10 = (1/log2(3)) / (1/log2(2)) = 0.6309298
 *   means over queries 1, 3 and 10:
 *             MAP     = (1/3 + 0 + 1/2) / 3 = 5/18 = 0.2777778
 *             nDCG@10 = (0.5405858 + 0 + 0.6309298) / 3 = 0.3905052
 *             P@10    = (0.2 + 0 + 0.1) / 3 = 0.1
 *             R@100   = (2/3 + 0 + 1) / 3 = 5/9 = 0.5555556
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evalmetrics.h"

#define EPS 1e-6

static const char qrels_text[] = "1 0 d1 2\n"
				 "1 0 d2 1\n"
				 "1 0 d3 1\n"
				 "1 0 d4 0\n"
				 "\n"
				 "2 0 d7 0\n"
				 "10 0 a 1\n"
				 "3 0 d8 1\n";

static const char run_text[] = "1 Q0 d1 2 0.8 sys\n"
			       "1 Q0 d4 1 0.9 sys\n"
			       "1 Q0 d5 3 0.7 sys\n"
			       "1 Q0 d2 4 0.6 sys\n"
			       "1 Q0 d6 5 0.5 sys\n"
			       "10 Q0 a 1 0.5 sys\n"
			       "10 Q0 b 2 0.5 sys\n"
			       "10 Q0 a 3 0.1 sys\n"
			       "99 Q0 x 1 1.0 sys\n";

static FILE *text_file(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	ck_assert_ptr_nonnull(f);
	return f;
}

static struct evalmetrics_qrels *load_qrels(const char *text)
{
	struct evalmetrics_qrels *q = NULL;
	char err[256] = "";
	FILE *f = text_file(text);

	ck_assert_msg(
	    evalmetrics_qrels_read(f, "qrels", &q, err, sizeof(err)) == 0, "%s",
	    err);
	fclose(f);
	return q;
}

static struct evalmetrics_run *load_run(const char *text)
{
	struct evalmetrics_run *r = NULL;
	char err[256] = "";
	FILE *f = text_file(text);

	ck_assert_msg(evalmetrics_run_read(f, "run", &r, err, sizeof(err)) == 0,
		      "%s", err);
	fclose(f);
	return r;
}

START_TEST(test_measures_of_one_ranking)
{
	/* Query 1 above, given directly as gains by rank. */
	static const int gains[] = {0, 2, 0, 1, 0};
	static const int ideal[] = {1, 0, 2, 1};

	ck_assert_double_eq_tol(evalmetrics_ap(gains, 5, 3), 1.0 / 3.0, EPS);
	ck_assert_double_eq_tol(evalmetrics_precision(gains, 5, 10), 0.2, EPS);
	ck_assert_double_eq_tol(evalmetrics_recall(gains, 5, 3, 100), 2.0 / 3.0,
				EPS);
	ck_assert_double_eq_tol(evalmetrics_ndcg(gains, 5, ideal, 4, 10),
				0.5405858, EPS);
	/* The ideal list is left as it was. */
	ck_assert_int_eq(ideal[0], 1);
	ck_assert_int_eq(ideal[2], 2);
	/* Cut-offs shorter than the list: P@2 = 1/2; nDCG@1 = 0. */
	ck_assert_double_eq_tol(evalmetrics_precision(gains, 5, 2), 0.5, EPS);
	ck_assert_double_eq_tol(evalmetrics_ndcg(gains, 5, ideal, 4, 1), 0.0,
				EPS);
	/* R@1 = 0, R@2 = 1/3. */
	ck_assert_double_eq_tol(evalmetrics_recall(gains, 5, 3, 1), 0.0, EPS);
	ck_assert_double_eq_tol(evalmetrics_recall(gains, 5, 3, 2), 1.0 / 3.0,
				EPS);
}
END_TEST

START_TEST(test_degenerate_rankings)
{
	static const int perfect[] = {1, 1};
	static const int negative[] = {-1, 1};
	static const int ideal[] = {1, 1};

	/* Nothing retrieved, or nothing relevant judged: 0. */
	ck_assert_double_eq_tol(evalmetrics_ap(NULL, 0, 2), 0.0, EPS);
	ck_assert_double_eq_tol(evalmetrics_ap(perfect, 2, 0), 0.0, EPS);
	ck_assert_double_eq_tol(evalmetrics_recall(perfect, 2, 0, 100), 0.0,
				EPS);
	ck_assert_double_eq_tol(evalmetrics_ndcg(perfect, 2, ideal, 0, 10), 0.0,
				EPS);
	/* A perfect ranking scores 1. */
	ck_assert_double_eq_tol(evalmetrics_ap(perfect, 2, 2), 1.0, EPS);
	ck_assert_double_eq_tol(evalmetrics_ndcg(perfect, 2, ideal, 2, 10), 1.0,
				EPS);
	/* A negative gain is not relevant: AP = (1/2) / 1. */
	ck_assert_double_eq_tol(evalmetrics_ap(negative, 2, 1), 0.5, EPS);
}
END_TEST

struct seen {
	char qids[8][8];
	struct evalmetrics_scores s[8];
	size_t nrel[8], nret[8];
	size_t n;
};

static void remember(void *ctx, const char *qid, size_t nrel, size_t nret,
		     const struct evalmetrics_scores *s)
{
	struct seen *seen = ctx;

	ck_assert_uint_lt(seen->n, 8);
	snprintf(seen->qids[seen->n], sizeof(seen->qids[0]), "%s", qid);
	seen->s[seen->n] = *s;
	seen->nrel[seen->n] = nrel;
	seen->nret[seen->n] = nret;
	seen->n++;
}

START_TEST(test_example_from_files)
{
	struct evalmetrics_qrels *q = load_qrels(qrels_text);
	struct evalmetrics_run *r = load_run(run_text);
	struct evalmetrics_scores mean;
	struct seen seen;
	size_t nq;

	memset(&seen, 0, sizeof(seen));
	ck_assert_str_eq(evalmetrics_run_tag(r), "sys");
	ck_assert_uint_eq(evalmetrics_run_duplicates(r), 1);
	nq = evalmetrics_evaluate(q, r, &mean, remember, &seen);

	/* Queries 1, 3 and 10, in numeric order; 2 and 99 left out. */
	ck_assert_uint_eq(nq, 3);
	ck_assert_uint_eq(seen.n, 3);
	ck_assert_str_eq(seen.qids[0], "1");
	ck_assert_str_eq(seen.qids[1], "3");
	ck_assert_str_eq(seen.qids[2], "10");

	ck_assert_uint_eq(seen.nrel[0], 3);
	ck_assert_uint_eq(seen.nret[0], 5);
	ck_assert_double_eq_tol(seen.s[0].ap, 1.0 / 3.0, EPS);
	ck_assert_double_eq_tol(seen.s[0].ndcg10, 0.5405858, EPS);
	ck_assert_double_eq_tol(seen.s[0].p10, 0.2, EPS);
	ck_assert_double_eq_tol(seen.s[0].r100, 2.0 / 3.0, EPS);

	ck_assert_uint_eq(seen.nret[1], 0);
	ck_assert_double_eq_tol(seen.s[1].ap, 0.0, EPS);
	ck_assert_double_eq_tol(seen.s[1].ndcg10, 0.0, EPS);

	/* The tie puts b before a, and the repeat of a is gone. */
	ck_assert_uint_eq(seen.nret[2], 2);
	ck_assert_double_eq_tol(seen.s[2].ap, 0.5, EPS);
	ck_assert_double_eq_tol(seen.s[2].ndcg10, 0.6309298, EPS);
	ck_assert_double_eq_tol(seen.s[2].p10, 0.1, EPS);
	ck_assert_double_eq_tol(seen.s[2].r100, 1.0, EPS);

	ck_assert_double_eq_tol(mean.ap, 5.0 / 18.0, EPS);
	ck_assert_double_eq_tol(mean.ndcg10, 0.3905052, EPS);
	ck_assert_double_eq_tol(mean.p10, 0.1, EPS);
	ck_assert_double_eq_tol(mean.r100, 5.0 / 9.0, EPS);

	evalmetrics_run_free(r);
	evalmetrics_qrels_free(q);
}
END_TEST

START_TEST(test_no_relevant_anywhere)
{
	struct evalmetrics_qrels *q = load_qrels("2 0 d7 0\n");
	struct evalmetrics_run *r = load_run("");
	struct evalmetrics_scores mean;

	ck_assert_uint_eq(evalmetrics_evaluate(q, r, &mean, NULL, NULL), 0);
	ck_assert_double_eq_tol(mean.ap, 0.0, EPS);
	ck_assert_str_eq(evalmetrics_run_tag(r), "");
	evalmetrics_run_free(r);
	evalmetrics_qrels_free(q);
}
END_TEST

START_TEST(test_bad_input)
{
	static const char *const bad_qrels[] = {
	    "1 0 d1\n",		    /* a field short */
	    "1 0 d1 x\n",	    /* a gain that is not a number */
	    "1 0 d1 1\n1 0 d1 2\n", /* judged twice */
	};
	static const char *const bad_runs[] = {
	    "1 Q0 d1 1 0.5\n",	    /* no tag */
	    "1 Q0 d1 1 high sys\n", /* a score that is not a number */
	};
	struct evalmetrics_qrels *q;
	struct evalmetrics_run *r;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad_qrels) / sizeof(bad_qrels[0]); i++) {
		FILE *f = text_file(bad_qrels[i]);

		err[0] = '\0';
		ck_assert_int_eq(
		    evalmetrics_qrels_read(f, "q", &q, err, sizeof(err)), -1);
		ck_assert_ptr_null(q);
		ck_assert_msg(strncmp(err, "q", 1) == 0, "message: %s", err);
		fclose(f);
	}
	for (i = 0; i < sizeof(bad_runs) / sizeof(bad_runs[0]); i++) {
		FILE *f = text_file(bad_runs[i]);

		err[0] = '\0';
		ck_assert_int_eq(
		    evalmetrics_run_read(f, "r", &r, err, sizeof(err)), -1);
		ck_assert_ptr_null(r);
		ck_assert_msg(strstr(err, "r:1:") == err, "message: %s", err);
		fclose(f);
	}
}
END_TEST

static Suite *evalmetrics_suite(void)
{
	Suite *s = suite_create("evalmetrics");
	TCase *tc = tcase_create("measures");

	tcase_add_test(tc, test_measures_of_one_ranking);
	tcase_add_test(tc, test_degenerate_rankings);
	tcase_add_test(tc, test_example_from_files);
	tcase_add_test(tc, test_no_relevant_anywhere);
	tcase_add_test(tc, test_bad_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(evalmetrics_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
