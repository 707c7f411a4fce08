/*
 * fuzz_docdata.c: a libFuzzer harness for stored records (lib/docdata.c),
 * which searches, "show" and "check" read from the index.
 *
 * Three things per input: the bytes are unpacked as a packed value (with
 * the harness's dictionary on offer) and, when that works, decoded as a
 * record; they are decoded as a record directly; and they become the
 * body of an article whose record must come back unchanged from packing
 * and unpacking, with and without the dictionary (a mismatch aborts).
 * Build with
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude -Isrc/lib \
 *     tests/fuzz/fuzz_docdata.c src/lib/docdata.c src/lib/util.c \
 *     -ljansson -lzstd -lpthread
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/parsers.h"
#include "store/store.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Packers and their dictionaries: "plain" starts without one and
 * trains its own from the inputs, as a first run does. */
struct box {
	struct newsidx_packer *pk;
	const void *dict;
	size_t len;
};

static struct box plain, with;
static struct newsidx_unpacker *u;
static void *ctx;

static char *give_dict(void *c, size_t *len)
{
	const struct box *b = c;
	char *d;

	*len = 0;
	if (!b || !b->dict || !(d = malloc(b->len)))
		return NULL;
	memcpy(d, b->dict, b->len);
	*len = b->len;
	return d;
}

static void article(struct newsidx_article *a, char *body, size_t len,
		    unsigned k)
{
	static char id[32];

	memset(a, 0, sizeof(*a));
	snprintf(id, sizeof(id), "fz-%u", k);
	a->id = id;
	a->title = (char *)"Ministers meet on trade";
	a->body = body;
	a->body_len = len;
	a->source = (char *)"Wire";
	a->lang = (char *)"en";
	memcpy(a->date, "20240307103000", 15);
}

/* A dictionary trained once, from generated records. */
static void setup(void)
{
	static const char *w[] = { "the", "minister", "said", "on", "trade",
				   "talks", "in", "Tokyo", "of", "prices",
				   "rose", "percent", "shares", "bank" };
	struct newsidx_buf rec = { 0 }, v = { 0 }, body = { 0 };
	struct newsidx_article a;
	unsigned k, i, r = 7;
	int rc = 0;

	plain.pk = newsidx_packer__new(NULL, 0, NULL, 0);
	with.pk = newsidx_packer__new(NULL, 0, NULL, 0);
	if (!plain.pk || !with.pk)
		abort();
	for (k = 0; k < 4000 && !with.dict; k++) {
		newsidx_buf__reset(&body);
		for (i = 0; i < 150; i++) {
			r = r * 1103515245u + 12345u;
			newsidx_buf__puts(&body, w[(r >> 16) % 14], &rc);
			newsidx_buf__putc(&body, ' ', &rc);
		}
		article(&a, body.data, body.len, k);
		if (rc || newsidx_docdata__encode(&a, &rec) ||
		    newsidx_packer__pack(with.pk, &ctx, rec.data, rec.len,
					 &v))
			abort();
		with.dict = newsidx_packer__take_dict(with.pk, &with.len);
	}
	if (!with.dict)
		abort();
	newsidx_buf__free(&rec);
	newsidx_buf__free(&v);
	newsidx_buf__free(&body);
}

static void roundtrip(struct box *b, const struct newsidx_buf *rec)
{
	struct newsidx_buf v = { 0 };
	const void *out, *d;
	size_t len;

	if (newsidx_packer__pack(b->pk, &ctx, rec->data, rec->len, &v))
		abort();
	if ((d = newsidx_packer__take_dict(b->pk, &len)) != NULL) {
		b->dict = d;
		b->len = len;
	}
	if (newsidx_docdata__unpack(&u, v.data, v.len, give_dict, b, &out,
				    &len) ||
	    len != rec->len || memcmp(out, rec->data, len) != 0) {
		fprintf(stderr, "packing changed the record\n");
		abort();
	}
	newsidx_buf__free(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct newsidx_stored s;
	struct newsidx_article a;
	struct newsidx_buf rec = { 0 };
	const void *out;
	size_t len;
	char *body;

	if (!with.dict)
		setup();
	if (newsidx_docdata__unpack(&u, data, size, give_dict, &with, &out,
				    &len) == NEWSIDX_OK &&
	    newsidx_docdata__decode(out, len, 1, &s) == NEWSIDX_OK)
		newsidx_stored__clear(&s);
	if (newsidx_docdata__decode(data, size, 1, &s) == NEWSIDX_OK)
		newsidx_stored__clear(&s);
	body = malloc(size + 1);
	if (!body)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	article(&a, body, size, (unsigned)size);
	if (newsidx_docdata__encode(&a, &rec) == NEWSIDX_OK) {
		roundtrip(&plain, &rec);
		roundtrip(&with, &rec);
	}
	newsidx_buf__free(&rec);
	free(body);
	return 0;
}
