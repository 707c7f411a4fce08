/*
 * test_pool.c: the server's pool of readers (src/cli/serve_pool.c):
 * requests get readers in the order they asked, a reader given back goes
 * to the one waiting longest and never to a late arrival, a request
 * waits at most the pool's timeout, and a dropped reader's slot is
 * handed on to be opened anew.
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cli.h"

static int closed;

static void close_item(void *item)
{
	(void)item;
	closed++;
}

/* The timeout of later takes; the pool reads it under its lock. */
static void set_timeout(struct cli_pool *p, double t)
{
	pthread_mutex_lock(&p->mu);
	p->timeout = t;
	pthread_mutex_unlock(&p->mu);
}

static void nap(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

/* Wait until n requests wait in the pool. */
static void until_waiting(struct cli_pool *p, size_t n)
{
	int i;

	for (i = 0; i < 5000 && cli_pool_waiting(p) != n; i++)
		nap(1);
	ck_assert_uint_eq(cli_pool_waiting(p), n);
}

struct taker {
	struct cli_pool *p;
	int id;
	int got;
	void *item;
	int *order;     /* where the ids are written as items come */
	int *norder;
	pthread_mutex_t *mu;
};

static void *take_and_give(void *arg)
{
	struct taker *t = arg;

	t->got = cli_pool_take(t->p, &t->item, NULL);
	if (t->got) {
		pthread_mutex_lock(t->mu);
		t->order[(*t->norder)++] = t->id;
		pthread_mutex_unlock(t->mu);
		nap(2);
		cli_pool_give(t->p, t->item, 0, close_item);
	}
	return NULL;
}

START_TEST(test_first_come_first_served)
{
	struct cli_pool p;
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	struct taker t[6];
	pthread_t th[6];
	int order[6], norder = 0, reader = 7, i;
	void *item;
	size_t load;

	ck_assert_int_eq(cli_pool_init(&p, 1, 30.0), 0);
	cli_pool_add(&p, &reader);
	ck_assert_int_eq(cli_pool_take(&p, &item, &load), 1);
	ck_assert_ptr_eq(item, &reader);
	ck_assert_uint_eq(load, 1);
	/* Six requests queue up, one after the other. */
	for (i = 0; i < 6; i++) {
		t[i] = (struct taker){ &p, i, 0, NULL, order, &norder, &mu };
		ck_assert_int_eq(
			pthread_create(&th[i], NULL, take_and_give, &t[i]), 0);
		until_waiting(&p, (size_t)i + 1);
	}
	cli_pool_give(&p, item, 0, close_item);
	for (i = 0; i < 6; i++)
		pthread_join(th[i], NULL);
	ck_assert_int_eq(norder, 6);
	for (i = 0; i < 6; i++) {
		ck_assert_int_eq(t[i].got, 1);
		ck_assert_ptr_eq(t[i].item, &reader);
		ck_assert_int_eq(order[i], i);
	}
	closed = 0;
	cli_pool_destroy(&p, close_item);
	ck_assert_int_eq(closed, 1);
}
END_TEST

static void *take_only(void *arg)
{
	struct taker *t = arg;

	t->got = cli_pool_take(t->p, &t->item, NULL);
	return NULL;
}

START_TEST(test_returned_reader_skips_late_arrival)
{
	struct cli_pool p;
	struct taker w;
	pthread_t th;
	int reader = 1;
	void *item, *late;
	size_t load;

	ck_assert_int_eq(cli_pool_init(&p, 1, 30.0), 0);
	cli_pool_add(&p, &reader);
	ck_assert_int_eq(cli_pool_take(&p, &item, NULL), 1);
	w = (struct taker){ &p, 0, 0, NULL, NULL, NULL, NULL };
	ck_assert_int_eq(pthread_create(&th, NULL, take_only, &w), 0);
	until_waiting(&p, 1);
	/* Given back: it is the waiter's at once, before it even runs, so
	 * a request arriving now waits (here, past a short timeout). */
	cli_pool_give(&p, item, 0, close_item);
	set_timeout(&p, 0.05);
	ck_assert_int_eq(cli_pool_take(&p, &late, &load), 0);
	pthread_join(th, NULL);
	ck_assert_int_eq(w.got, 1);
	ck_assert_ptr_eq(w.item, &reader);
	cli_pool_give(&p, w.item, 0, close_item);
	/* Idle again: taken at once. */
	ck_assert_int_eq(cli_pool_take(&p, &late, &load), 1);
	ck_assert_ptr_eq(late, &reader);
	ck_assert_uint_eq(load, 1);
	cli_pool_give(&p, late, 0, close_item);
	cli_pool_destroy(&p, close_item);
}
END_TEST

/* Start a request that waits for an item, give item (drop: as dropped)
 * back once it waits, and return what the request was handed. */
static void *handed_to_waiter(struct cli_pool *p, void *item, int drop)
{
	struct taker w = { p, 0, 0, NULL, NULL, NULL, NULL };
	pthread_t th;

	ck_assert_int_eq(pthread_create(&th, NULL, take_only, &w), 0);
	until_waiting(p, 1);
	cli_pool_give(p, item, drop, close_item);
	pthread_join(th, NULL);
	ck_assert_int_eq(w.got, 1);
	return w.item;
}

START_TEST(test_timeout_leaves_the_queue)
{
	struct cli_pool p;
	int reader = 1;
	void *item, *other;

	ck_assert_int_eq(cli_pool_init(&p, 1, 0.05), 0);
	cli_pool_add(&p, &reader);
	ck_assert_int_eq(cli_pool_take(&p, &item, NULL), 1);
	ck_assert_int_eq(cli_pool_take(&p, &other, NULL), 0);
	ck_assert_ptr_null(other);
	ck_assert_uint_eq(cli_pool_waiting(&p), 0);
	/* The one that timed out is not handed anything later. */
	set_timeout(&p, 30.0);
	other = handed_to_waiter(&p, item, 0);
	ck_assert_ptr_eq(other, &reader);
	cli_pool_give(&p, other, 0, close_item);
	cli_pool_destroy(&p, close_item);
}
END_TEST

START_TEST(test_slots_opened_and_dropped)
{
	struct cli_pool p;
	int a = 1, b = 2;
	void *x, *y;
	size_t load;

	ck_assert_int_eq(cli_pool_init(&p, 2, 30.0), 0);
	/* Nothing open: each take gets a slot to open, up to the size. */
	ck_assert_int_eq(cli_pool_take(&p, &x, &load), 1);
	ck_assert_ptr_null(x);
	ck_assert_uint_eq(load, 1);
	ck_assert_int_eq(cli_pool_take(&p, &y, &load), 1);
	ck_assert_ptr_null(y);
	ck_assert_uint_eq(load, 2);
	/* A request waits; the first slot fails to open: its slot goes
	 * to the waiter, to open again. */
	ck_assert_ptr_null(handed_to_waiter(&p, NULL, 1));
	/* Both open now; one is dropped (closed), with nobody waiting:
	 * its slot is free, and the next take opens it again. */
	closed = 0;
	cli_pool_give(&p, &a, 0, close_item);
	cli_pool_give(&p, &b, 1, close_item);
	ck_assert_int_eq(closed, 1);
	ck_assert_int_eq(cli_pool_take(&p, &x, NULL), 1);
	ck_assert_ptr_eq(x, &a);
	ck_assert_int_eq(cli_pool_take(&p, &y, NULL), 1);
	ck_assert_ptr_null(y);
	cli_pool_give(&p, x, 0, close_item);
	cli_pool_give(&p, &b, 0, close_item);
	closed = 0;
	cli_pool_destroy(&p, close_item);
	ck_assert_int_eq(closed, 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("pool");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_first_come_first_served);
	tcase_add_test(tc, test_returned_reader_skips_late_arrival);
	tcase_add_test(tc, test_timeout_leaves_the_queue);
	tcase_add_test(tc, test_slots_opened_and_dropped);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
