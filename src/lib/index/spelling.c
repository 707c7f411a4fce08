/*
 * spelling.c: the spelling words of a batch, the vocabulary of "did you
 * mean".  Each article's words are picked while it is prepared
 * (document.c); the writer counts them here, in a hash table of the
 * batch, and hands each word to Xapian once per batch, before the
 * commit: Xapian's spelling table does a map lookup per call, which made
 * one call per word per article a third of indexing time.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "index/index.h"

/* Count one word whose hash is h; -1 when out of memory. */
static int spell_count(struct spellbatch *b, const char *word, size_t len,
		       uint64_t h)
{
	size_t i;
	int rc = 0;

	if (b->n * 2 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096, j;
		struct spell_entry *e = calloc(cap, sizeof(*e));

		if (!e)
			return -1;
		for (j = 0; j < b->cap; j++) {
			if (!b->e[j].off)
				continue;
			for (i = b->e[j].hash & (cap - 1); e[i].off;
			     i = (i + 1) & (cap - 1))
				;
			e[i] = b->e[j];
		}
		free(b->e);
		b->e = e;
		b->cap = cap;
	}
	if (!b->arena.len)
		newsidx_buf__putc(&b->arena, '\0', &rc); /* offset 0 = free */
	for (i = h & (b->cap - 1); b->e[i].off; i = (i + 1) & (b->cap - 1)) {
		const char *s = b->arena.data + b->e[i].off;

		if (b->e[i].hash == h && strncmp(s, word, len) == 0 &&
		    s[len] == '\0') {
			b->e[i].count++;
			return 0;
		}
	}
	b->e[i].hash = h;
	b->e[i].off = (uint32_t)b->arena.len;
	b->e[i].count = 1;
	newsidx_buf__append(&b->arena, word, len, &rc);
	newsidx_buf__putc(&b->arena, '\0', &rc);
	b->n++;
	return rc ? -1 : 0;
}

int newsidx_spelling__add(struct spellbatch *b, const char *words,
			  size_t len)
{
	size_t i;

	for (i = 0; i < len; i += strlen(words + i) + 1) {
		size_t n = strlen(words + i);

		if (spell_count(b, words + i, n, newsidx_hash64(words + i, n)))
			return -1;
	}
	return 0;
}

int newsidx_spelling__flush(struct spellbatch *b, struct xapc_db *x)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < b->cap && !rc; i++)
		if (b->e[i].off) {
			const char *s = b->arena.data + b->e[i].off;

			rc = xapc_db_add_spelling(x, s, strlen(s),
						  b->e[i].count);
		}
	if (b->cap)
		memset(b->e, 0, b->cap * sizeof(*b->e));
	b->n = 0;
	newsidx_buf__reset(&b->arena);
	b->arena.len = 0;
	return rc;
}

void newsidx_spelling__free(struct spellbatch *b)
{
	free(b->e);
	newsidx_buf__free(&b->arena);
}
