/*
 * sink.h: a recording sink for the ingest readers, shared by the unit
 * tests of lib/ingest.c and of the format readers: it deep-copies the
 * first articles and rejections it is given, and checks what every
 * article must carry whatever its format.
 *
 * Include after <check.h> and "internal.h".  Everything is static
 * inline, so a test file that does not use a helper is not warned.
 */
#ifndef NEWSIDX_TESTS_SINK_H
#define NEWSIDX_TESTS_SINK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEPT 16
#define MAX_REJ 8

/* A deep copy of an article as passed to on_article. */
struct rec {
	char *id, *title, *body, *place, *source, *url, *path, *lang;
	char *authors, *topics;
	size_t body_len;
	char date[16];
	int has_time;
	int tz;
	unsigned long record;
};

struct rej {
	char where[512];
	char reason[512];
};

struct sink {
	struct newsidx_ingest ing;
	struct rec art[MAX_KEPT]; /* the first MAX_KEPT articles */
	size_t nart;              /* all articles seen */
	struct rej rej[MAX_REJ];  /* the first MAX_REJ rejections */
	size_t nrej;              /* all rejections seen */
	unsigned long last_record;
	newsidx_status_t stop;    /* what on_article returns */
	int strict;               /* also check that titles and bodies are
				     UTF-8 and rejections one line each */
	const char *needle;       /* when set: */
	int any_body_has;         /* some body held it */
};

static inline char *copy_bytes(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static inline char *copy_str(const char *p)
{
	return p ? copy_bytes(p, strlen(p)) : NULL;
}

static inline newsidx_status_t on_article(void *ctx,
					  struct newsidx_article *a)
{
	struct sink *s = ctx;
	struct rec *r;

	/* What every article must carry, whatever its format. */
	ck_assert_ptr_nonnull(a->id);
	ck_assert_ptr_nonnull(a->title);
	ck_assert_ptr_nonnull(a->path);
	ck_assert(a->body != NULL || a->body_len == 0);
	ck_assert(a->date[0] == '\0' || strlen(a->date) == 14);
	if (s->strict) {
		ck_assert(newsidx_utf8__valid(a->title, strlen(a->title),
					      NULL));
		if (a->body)
			ck_assert(newsidx_utf8__valid(a->body, a->body_len,
						      NULL));
	}
	ck_assert_uint_gt(a->record, s->last_record);
	s->last_record = a->record;
	if (s->needle && a->body) {
		char *t = copy_bytes(a->body, a->body_len);

		if (strstr(t, s->needle))
			s->any_body_has = 1;
		free(t);
	}
	if (s->nart < MAX_KEPT) {
		r = &s->art[s->nart];
		r->id = copy_str(a->id);
		r->title = copy_str(a->title);
		r->body = copy_bytes(a->body ? a->body : "", a->body_len);
		r->body_len = a->body_len;
		r->place = copy_str(a->place);
		r->source = copy_str(a->source);
		r->url = copy_str(a->url);
		r->path = copy_str(a->path);
		r->lang = copy_str(a->lang);
		r->authors = copy_str(a->authors);
		r->topics = copy_str(a->topics);
		memcpy(r->date, a->date, sizeof(r->date));
		r->has_time = a->has_time;
		r->tz = a->tz_minutes;
		r->record = a->record;
	}
	s->nart++;
	return s->stop;
}

static inline void on_reject(void *ctx, const char *where,
			     const char *reason)
{
	struct sink *s = ctx;

	ck_assert_ptr_nonnull(where);
	ck_assert_ptr_nonnull(reason);
	if (s->strict) {
		/* One line each, never empty. */
		ck_assert(*where && *reason);
		ck_assert(!strchr(where, '\n') && !strchr(reason, '\n'));
	}
	if (s->nrej < MAX_REJ) {
		snprintf(s->rej[s->nrej].where, sizeof(s->rej[0].where), "%s",
			 where);
		snprintf(s->rej[s->nrej].reason, sizeof(s->rej[0].reason),
			 "%s", reason);
	}
	s->nrej++;
}

static inline void sink_setup(struct sink *s, const char *name,
			      const char *abspath, size_t max_article,
			      int strict)
{
	memset(s, 0, sizeof(*s));
	s->ing.name = name;
	s->ing.abspath = abspath;
	s->ing.max_article = max_article;
	s->ing.on_article = on_article;
	s->ing.on_reject = on_reject;
	s->ing.ctx = s;
	s->strict = strict;
}

static inline void sink_free(struct sink *s)
{
	size_t i;

	for (i = 0; i < s->nart && i < MAX_KEPT; i++) {
		struct rec *r = &s->art[i];

		free(r->id);
		free(r->title);
		free(r->body);
		free(r->place);
		free(r->source);
		free(r->url);
		free(r->path);
		free(r->lang);
		free(r->authors);
		free(r->topics);
	}
	memset(s, 0, sizeof(*s));
}

#endif
