/*
 * serve_pool.c: the server's readers, lent to one request at a time, in
 * the order the requests asked for them.
 *
 * A request that finds a reader idle, or room to open one, takes it at
 * once; one that finds others waiting joins the queue behind them, even
 * if a reader has just come back, and a reader given back goes straight
 * to the head of the queue.  Without the queue, a condition variable
 * would wake some waiter while a request that had just arrived could
 * take the reader first: under saturation, a few unlucky requests were
 * overtaken again and again, and the tail of the latency was theirs.
 *
 * The pool knows nothing of what it lends (void *): a slot handed on
 * without a reader (NULL) is to be opened by the request that gets it.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"

/* A request waiting for a reader, in the pool's queue. */
struct cli_pool_waiter {
	pthread_cond_t cv;
	int served;    /* handed a reader, or a slot to open one in */
	void *item;    /* the reader; NULL: open one */
	struct cli_pool_waiter *next;
};

int cli_pool_init(struct cli_pool *p, size_t max, double timeout)
{
	p->idle = calloc(max ? max : 1, sizeof(*p->idle));
	if (!p->idle)
		return -1;
	p->max = max ? max : 1;
	p->timeout = timeout;
	p->nidle = p->nopen = p->lent = p->waiting = 0;
	p->queue = p->tail = NULL;
	pthread_mutex_init(&p->mu, NULL);
	return 0;
}

void cli_pool_destroy(struct cli_pool *p, void (*close)(void *))
{
	while (p->nidle)
		close(p->idle[--p->nidle]);
	free(p->idle);
	p->idle = NULL;
	pthread_mutex_destroy(&p->mu);
}

void cli_pool_add(struct cli_pool *p, void *item)
{
	pthread_mutex_lock(&p->mu);
	p->idle[p->nidle++] = item;
	p->nopen++;
	pthread_mutex_unlock(&p->mu);
}

/* Under p->mu: hand item (NULL: a slot) to the request that has waited
 * longest; 0 when none waits. */
static int hand_on(struct cli_pool *p, void *item)
{
	struct cli_pool_waiter *w = p->queue;

	if (!w)
		return 0;
	p->queue = w->next;
	if (!p->queue)
		p->tail = NULL;
	p->waiting--;
	w->item = item;
	w->served = 1;
	pthread_cond_signal(&w->cv);
	return 1;
}

/* Under p->mu: take w out of the queue. */
static void leave_queue(struct cli_pool *p, struct cli_pool_waiter *w)
{
	struct cli_pool_waiter **pp = &p->queue, *prev = NULL;

	while (*pp && *pp != w) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = w->next;
	if (p->tail == w)
		p->tail = prev;
	p->waiting--;
}

int cli_pool_take(struct cli_pool *p, void **item, size_t *load)
{
	struct cli_pool_waiter w;
	struct timespec deadline;
	double whole;

	*item = NULL;
	pthread_mutex_lock(&p->mu);
	if (!p->queue && p->nidle) {
		*item = p->idle[--p->nidle];
	} else if (!p->queue && p->nopen < p->max) {
		p->nopen++;
	} else {
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_nsec += (long)(modf(p->timeout, &whole) * 1e9);
		deadline.tv_sec +=
			(time_t)whole + deadline.tv_nsec / 1000000000L;
		deadline.tv_nsec %= 1000000000L;
		pthread_cond_init(&w.cv, NULL);
		w.served = 0;
		w.item = NULL;
		w.next = NULL;
		if (p->tail)
			p->tail->next = &w;
		else
			p->queue = &w;
		p->tail = &w;
		p->waiting++;
		while (!w.served)
			if (pthread_cond_timedwait(&w.cv, &p->mu, &deadline) ==
				    ETIMEDOUT &&
			    !w.served) {
				leave_queue(p, &w);
				break;
			}
		pthread_cond_destroy(&w.cv);
		if (!w.served) {
			pthread_mutex_unlock(&p->mu);
			return 0;
		}
		*item = w.item;
	}
	p->lent++;
	if (load)
		*load = p->lent + p->waiting;
	pthread_mutex_unlock(&p->mu);
	return 1;
}

void cli_pool_give(struct cli_pool *p, void *item, int drop,
		   void (*close)(void *))
{
	pthread_mutex_lock(&p->mu);
	p->lent--;
	if (drop || !item) {
		if (!hand_on(p, NULL))
			p->nopen--;
	} else if (hand_on(p, item)) {
		item = NULL;
	} else {
		p->idle[p->nidle++] = item;
		item = NULL;
	}
	pthread_mutex_unlock(&p->mu);
	if (item)
		close(item);
}

size_t cli_pool_waiting(struct cli_pool *p)
{
	size_t n;

	pthread_mutex_lock(&p->mu);
	n = p->waiting;
	pthread_mutex_unlock(&p->mu);
	return n;
}
