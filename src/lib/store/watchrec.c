/*
 * store/watchrec.c: the stored form of a watch, the value of its
 * metadata key newsidx.watch:NAME (store/schema.h), read and written.
 * index/watch.c keeps the watches; this file knows only their bytes, so
 * that the parser, which reads what a damaged index may hold, is fuzzed
 * on its own (tests/fuzz/fuzz_watch.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#define MAGIC "NXW1\n"
#define MAGIC_LEN 5

void newsidx_watchrec__free(struct newsidx_watchrec *r)
{
	free(r->query);
	free(r->lang);
	memset(r, 0, sizeof(*r));
}

static int valid_stamp(const char *s, size_t n)
{
	size_t i;

	if (n != 20)
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= '0' && s[i] <= '9') &&
		    !(s[i] && strchr("-T:Z", s[i])))
			return 0;
	return 1;
}

/*
 * Parse a stored watch: "NXW1\n", lines "KEY VALUE\n" in any order,
 * and "query " with the query to the end.  0; -1 when malformed; -2 out
 * of memory.  Newsidx wrote it, but the index is a file anyone can
 * damage: every field is checked.
 */
int newsidx_watchrec__parse(const char *v, size_t len,
			    struct newsidx_watchrec *r)
{
	const char *p = v, *end = v + len;

	memset(r, 0, sizeof(*r));
	if (len < MAGIC_LEN || memcmp(v, MAGIC, MAGIC_LEN) != 0)
		return -1;
	p += MAGIC_LEN;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		size_t klen, vlen;
		const char *val;

		if (!sp || (nl && nl < sp))
			goto bad;
		klen = (size_t)(sp - p);
		val = sp + 1;
		if (klen == 5 && !memcmp(p, "query", 5)) {
			vlen = (size_t)(end - val);
			if (vlen == 0 || memchr(val, '\0', vlen))
				goto bad;
			r->query = malloc(vlen + 1);
			if (!r->query)
				goto nomem;
			memcpy(r->query, val, vlen);
			r->query[vlen] = '\0';
			break;
		}
		if (!nl)
			goto bad;
		vlen = (size_t)(nl - val);
		if (klen == 6 && !memcmp(p, "cursor", 6)) {
			size_t i;

			if (vlen == 0 || vlen > 19)
				goto bad;
			r->cursor = 0;
			for (i = 0; i < vlen; i++) {
				if (val[i] < '0' || val[i] > '9')
					goto bad;
				r->cursor = r->cursor * 10 +
					    (unsigned long long)(val[i] - '0');
			}
		} else if ((klen == 5 && !memcmp(p, "added", 5)) ||
			   (klen == 3 && !memcmp(p, "run", 3))) {
			if (!valid_stamp(val, vlen))
				goto bad;
			memcpy(klen == 5 ? r->added : r->run, val, vlen);
			(klen == 5 ? r->added : r->run)[vlen] = '\0';
		} else if (klen == 4 && !memcmp(p, "lang", 4)) {
			if (vlen == 0 || vlen > 32 || r->lang ||
			    memchr(val, '\0', vlen))
				goto bad;
			r->lang = malloc(vlen + 1);
			if (!r->lang)
				goto nomem;
			memcpy(r->lang, val, vlen);
			r->lang[vlen] = '\0';
		}
		/* Other keys are a later version's: skipped. */
		p = nl + 1;
	}
	if (!r->query || !r->added[0])
		goto bad;
	return 0;
bad:
	newsidx_watchrec__free(r);
	return -1;
nomem:
	newsidx_watchrec__free(r);
	return -2;
}

char *newsidx_watchrec__format(const struct newsidx_watchrec *r, size_t *len)
{
	struct newsidx_buf b = { 0 };
	char line[64];
	int rc = 0;

	newsidx_buf__append(&b, MAGIC, MAGIC_LEN, &rc);
	snprintf(line, sizeof(line), "cursor %llu\nadded %s\n", r->cursor,
		 r->added);
	newsidx_buf__append(&b, line, strlen(line), &rc);
	if (r->run[0]) {
		snprintf(line, sizeof(line), "run %s\n", r->run);
		newsidx_buf__append(&b, line, strlen(line), &rc);
	}
	if (r->lang && r->lang[0]) {
		newsidx_buf__append(&b, "lang ", 5, &rc);
		newsidx_buf__append(&b, r->lang, strlen(r->lang), &rc);
		newsidx_buf__append(&b, "\n", 1, &rc);
	}
	newsidx_buf__append(&b, "query ", 6, &rc);
	newsidx_buf__append(&b, r->query, strlen(r->query), &rc);
	if (rc) {
		newsidx_buf__free(&b);
		return NULL;
	}
	*len = b.len;
	return b.data;
}
