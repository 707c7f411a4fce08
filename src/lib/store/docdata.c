/*
 * docdata.c: the stored form of an article, and its packing.
 *
 * The record (see the schema comment in store/schema.h): "NX2", a 4-byte
 * big-endian length, a JSON object with the display fields, then the body
 * as it is.  The fields come first so that they are read without
 * scanning the body.  Schema 5 packs the record into a value slot as one
 * zstd frame (below); schema 4 and older kept it as the document data,
 * which Xapian deflates.
 *
 * Compressing the body inside the record (the "NX1" layout of schema 2)
 * made Xapian deflate it a second time for nothing: storing it plainly
 * made bulk indexing 15% faster and the document data 9% smaller.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zdict.h>
#include <zstd.h>

#include "store/store.h"

#define MAGIC "NX2"
#define MAGIC_LEN 3

static int set_str(json_t *o, const char *key, const char *val)
{
	json_t *s;

	if (!val || !*val)
		return 0;
	/* Fields come from validated UTF-8 input; fall back to nothing
	 * rather than failing the article if one is not. */
	s = json_string(val);
	if (!s)
		return 0;
	return json_object_set_new(o, key, s);
}

static void iso_date(const char *d, char *out, size_t size)
{
	if (!d[0]) {
		out[0] = '\0';
		return;
	}
	snprintf(out, size, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", d, d + 4, d + 6,
		 d + 8, d + 10, d + 12);
}

newsidx_status_t newsidx_docdata__encode(const struct newsidx_article *a,
					 struct newsidx_buf *out)
{
	json_t *o = json_object();
	char *meta = NULL;
	char date[32];
	unsigned char hdr[4];
	size_t mlen;
	int rc = 0;

	if (!o)
		return NEWSIDX_NOMEM;
	iso_date(a->date, date, sizeof(date));
	if (a->date[0] && !a->has_time)
		date[10] = '\0';
	if (set_str(o, "id", a->id) || set_str(o, "title", a->title) ||
	    set_str(o, "date", date) || set_str(o, "place", a->place) ||
	    set_str(o, "source", a->source) || set_str(o, "path", a->path) ||
	    set_str(o, "url", a->url) || set_str(o, "lang", a->lang) ||
	    set_str(o, "authors", a->authors) ||
	    set_str(o, "topics", a->topics) ||
	    set_str(o, "encoding", a->encoding) ||
	    (a->tz_minutes &&
	     json_object_set_new(o, "tz", json_integer(a->tz_minutes)))) {
		json_decref(o);
		return NEWSIDX_NOMEM;
	}
	meta = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!meta)
		return NEWSIDX_NOMEM;
	mlen = strlen(meta);
	hdr[0] = (unsigned char)(mlen >> 24);
	hdr[1] = (unsigned char)(mlen >> 16);
	hdr[2] = (unsigned char)(mlen >> 8);
	hdr[3] = (unsigned char)mlen;
	newsidx_buf__reset(out);
	newsidx_buf__append(out, MAGIC, MAGIC_LEN, &rc);
	newsidx_buf__append(out, hdr, 4, &rc);
	newsidx_buf__append(out, meta, mlen, &rc);
	free(meta);
	newsidx_buf__append(out, a->body, a->body_len, &rc);
	if (rc)
		return NEWSIDX_NOMEM;
	return NEWSIDX_OK;
}

static char *get_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return newsidx_strdup(s ? s : "");
}

newsidx_status_t newsidx_docdata__decode(const void *data, size_t len,
					 int want_body,
					 struct newsidx_stored *out)
{
	const unsigned char *p = data;
	json_t *o;
	size_t mlen;

	memset(out, 0, sizeof(*out));
	if (len < MAGIC_LEN + 4 || memcmp(p, MAGIC, MAGIC_LEN) != 0)
		return NEWSIDX_CORRUPT;
	mlen = ((size_t)p[3] << 24) | ((size_t)p[4] << 16) |
	       ((size_t)p[5] << 8) | p[6];
	if (mlen > len - MAGIC_LEN - 4)
		return NEWSIDX_CORRUPT;
	o = json_loadb((const char *)p + 7, mlen, 0, NULL);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		return NEWSIDX_CORRUPT;
	}
	out->id = get_str(o, "id");
	out->title = get_str(o, "title");
	out->date = get_str(o, "date");
	out->place = get_str(o, "place");
	out->source = get_str(o, "source");
	out->path = get_str(o, "path");
	out->url = get_str(o, "url");
	out->lang = get_str(o, "lang");
	out->authors = get_str(o, "authors");
	out->topics = get_str(o, "topics");
	out->encoding = get_str(o, "encoding");
	json_decref(o);
	if (!out->id || !out->title || !out->date || !out->place ||
	    !out->source || !out->path || !out->url || !out->lang ||
	    !out->authors || !out->topics || !out->encoding) {
		newsidx_stored__clear(out);
		return NEWSIDX_NOMEM;
	}
	if (!want_body)
		return NEWSIDX_OK;
	out->body_len = len - 7 - mlen;
	out->body = malloc(out->body_len + 1);
	if (!out->body) {
		newsidx_stored__clear(out);
		return NEWSIDX_NOMEM;
	}
	memcpy(out->body, p + 7 + mlen, out->body_len);
	out->body[out->body_len] = '\0';
	return NEWSIDX_OK;
}

uint64_t newsidx_docdata__text_hash(const char *title, const char *body,
				    size_t body_len)
{
	/* A missing title is stored as none, and read back as "". */
	uint64_t t = title && *title ? newsidx_hash64(title, strlen(title))
				     : 0;
	uint64_t b = body && body_len ? newsidx_hash64(body, body_len) : 0;

	/* Not symmetric, so that a title moved into the body differs. */
	return t * 0x9e3779b97f4a7c15ULL ^ b;
}

void newsidx_stored__clear(struct newsidx_stored *s)
{
	free(s->id);
	free(s->title);
	free(s->date);
	free(s->place);
	free(s->source);
	free(s->path);
	free(s->url);
	free(s->lang);
	free(s->authors);
	free(s->topics);
	free(s->encoding);
	free(s->body);
	memset(s, 0, sizeof(*s));
}

/* ---- packed records: value slot NEWSIDX_SLOT_DOC ---- */

/*
 * Xapian deflates every document-data tag on its own, which suits a
 * record of 800 bytes badly: deflate starts each record knowing nothing,
 * and on the benchmark corpus the document data took 0.81 times the
 * text.  A record is therefore stored as a zstd frame in a value slot
 * (Xapian stores values as they are), compressed with a dictionary
 * trained on the index's own first records: the words, names and JSON
 * keys every article repeats are then known before the record starts.
 * Measured on 3,000 held-out benchmark records: deflate 0.64 of the
 * record, zstd without a dictionary 0.63, with a 110 KB dictionary
 * trained on 2 MB of other records 0.40 (level 3) or 0.38 (level 9, at
 * a fifth of the speed).
 *
 * A value is PACK_TAG then one zstd frame, whose header names the
 * dictionary (ZSTD_getDictID_fromFrame) or none.  The dictionary is the
 * metadata key newsidx.dictionary, trained once per index and kept until
 * a rebuild: every record packed with it needs it.
 */
#define PACK_TAG 'Z'
#define PACK_LEVEL 3
/* Samples gathered before training, and the dictionary's size: zstd's
 * own advice is a dictionary of about 100 KB from about 100 times as
 * many bytes of samples; 2 MB keeps the training at 0.2 s. */
#define SAMPLE_BYTES (2u << 20)
#define DICT_CAP (110u << 10)
/* Fewer samples than this train nothing useful: the run packs without. */
#define SAMPLE_MIN_RECORDS 300

enum { SAMPLING, TRAINING, DONE };

struct newsidx_packer {
	pthread_mutex_t mu;
	int state;              /* SAMPLING, TRAINING or DONE: written under
				   mu, read atomically without it */
	struct newsidx_buf samples;
	size_t *sizes;
	size_t nsizes, capsizes;
	ZSTD_CDict *cdict;      /* published with a release store */
	void *dict;             /* its bytes */
	size_t dict_len;
	int taken;              /* the writer has the new dictionary
				   (written under mu, read atomically) */
	int trained;            /* trained in this run (not from the index) */
	/* The stem codes of a compact index's positions: counted from the
	 * articles packed while sampling, made with the dictionary, and
	 * published after it (so that the writer, which stores both before
	 * the first article using either, finds both). */
	struct newsidx_stemcount *counts;
	struct newsidx_stemcodes *codes; /* published with a release store */
	void *codes_blob;                /* its metadata value */
	size_t codes_len;
};

static int make_cdict(struct newsidx_packer *pk, const void *dict, size_t len)
{
	ZSTD_CDict *cd;

	pk->dict = malloc(len);
	if (!pk->dict)
		return -1;
	memcpy(pk->dict, dict, len);
	pk->dict_len = len;
	cd = ZSTD_createCDict(pk->dict, len, PACK_LEVEL);
	if (!cd)
		return -1;
	__atomic_store_n(&pk->cdict, cd, __ATOMIC_RELEASE);
	return 0;
}

struct newsidx_packer *newsidx_packer__new(const void *dict, size_t len,
					   const void *codes, size_t clen)
{
	struct newsidx_packer *pk = calloc(1, sizeof(*pk));

	if (!pk)
		return NULL;
	pthread_mutex_init(&pk->mu, NULL);
	if (dict && len) {
		pk->state = DONE;
		pk->taken = 1;
		if (ZDICT_getDictID(dict, len) == 0 ||
		    make_cdict(pk, dict, len)) {
			newsidx_packer__free(pk);
			return NULL;
		}
		if (codes && clen &&
		    !(pk->codes = newsidx_stemcodes__parse(codes, clen))) {
			newsidx_packer__free(pk);
			return NULL;
		}
	}
	return pk;
}

void newsidx_packer__free(struct newsidx_packer *pk)
{
	if (!pk)
		return;
	ZSTD_freeCDict(pk->cdict);
	free(pk->dict);
	newsidx_stemcount__free(pk->counts);
	newsidx_stemcodes__free(pk->codes);
	free(pk->codes_blob);
	free(pk->sizes);
	newsidx_buf__free(&pk->samples);
	pthread_mutex_destroy(&pk->mu);
	free(pk);
}

void newsidx_packer__free_ctx(void *ctx)
{
	ZSTD_freeCCtx(ctx);
}

/* Train from the samples gathered; the caller has set TRAINING, so no
 * other thread touches them. */
static void train(struct newsidx_packer *pk)
{
	void *dict = malloc(DICT_CAP);
	size_t len = 0;

	if (dict && pk->nsizes >= SAMPLE_MIN_RECORDS) {
		len = ZDICT_trainFromBuffer(dict, DICT_CAP, pk->samples.data,
					    pk->sizes, (unsigned)pk->nsizes);
		if (ZDICT_isError(len))
			len = 0;
	}
	size_t clen = 0;
	void *codes = pk->counts ? newsidx_stemcount__table(pk->counts, &clen)
				 : NULL;
	struct newsidx_stemcodes *t =
		codes ? newsidx_stemcodes__parse(codes, clen) : NULL;

	pthread_mutex_lock(&pk->mu);
	if (len && make_cdict(pk, dict, len) == 0) {
		pk->trained = 1;
		if (t) {
			pk->codes_blob = codes;
			pk->codes_len = clen;
			codes = NULL;
			__atomic_store_n(&pk->codes, t, __ATOMIC_RELEASE);
			t = NULL;
		}
	} else {
		free(pk->dict);
		pk->dict = NULL;
		pk->dict_len = 0;
	}
	__atomic_store_n(&pk->state, DONE, __ATOMIC_RELEASE);
	newsidx_buf__free(&pk->samples);
	free(pk->sizes);
	pk->sizes = NULL;
	newsidx_stemcount__free(pk->counts);
	pk->counts = NULL;
	pthread_mutex_unlock(&pk->mu);
	free(dict);
	free(codes);
	newsidx_stemcodes__free(t);
}

/* Keep a copy of rec as a training sample while sampling; train when
 * there are enough.  Failing to keep one only means training on less. */
static void sample(struct newsidx_packer *pk, const void *rec, size_t len)
{
	int rc = 0, full;

	/* Once sampling is over, no lock is taken per record. */
	if (__atomic_load_n(&pk->state, __ATOMIC_ACQUIRE) != SAMPLING)
		return;
	pthread_mutex_lock(&pk->mu);
	if (pk->state != SAMPLING) {
		pthread_mutex_unlock(&pk->mu);
		return;
	}
	if (NEWSIDX_ARRAY_GROW(pk->sizes, pk->nsizes, pk->capsizes, 1024)) {
		pthread_mutex_unlock(&pk->mu);
		return;
	}
	newsidx_buf__append(&pk->samples, rec, len, &rc);
	if (!rc)
		pk->sizes[pk->nsizes++] = len;
	full = pk->samples.len >= SAMPLE_BYTES;
	if (full)
		__atomic_store_n(&pk->state, TRAINING, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&pk->mu);
	if (full)
		train(pk);
}

int newsidx_packer__add_sample(struct newsidx_packer *pk, const void *rec,
			       size_t len)
{
	sample(pk, rec, len);
	return __atomic_load_n(&pk->state, __ATOMIC_ACQUIRE) == SAMPLING;
}

void newsidx_packer__finish(struct newsidx_packer *pk)
{
	int go;

	pthread_mutex_lock(&pk->mu);
	go = pk->state == SAMPLING;
	if (go)
		__atomic_store_n(&pk->state, TRAINING, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&pk->mu);
	if (go)
		train(pk);
}

newsidx_status_t newsidx_packer__pack(struct newsidx_packer *pk, void **ctx,
				      const void *rec, size_t len,
				      struct newsidx_buf *out)
{
	ZSTD_CDict *cd = __atomic_load_n(&pk->cdict, __ATOMIC_ACQUIRE);
	size_t bound = ZSTD_compressBound(len), n;
	int rc = 0;

	if (!*ctx && !(*ctx = ZSTD_createCCtx()))
		return NEWSIDX_NOMEM;
	if (!cd)
		sample(pk, rec, len);
	newsidx_buf__reset(out);
	if (!newsidx_buf__room(out, bound + 1, &rc))
		return NEWSIDX_NOMEM;
	out->data[0] = PACK_TAG;
	if (cd) {
		n = ZSTD_compress_usingCDict(*ctx, out->data + 1, bound, rec,
					     len, cd);
	} else {
		n = ZSTD_compressCCtx(*ctx, out->data + 1, bound, rec, len,
				      PACK_LEVEL);
	}
	if (ZSTD_isError(n))
		return NEWSIDX_NOMEM;
	out->len = n + 1;
	return NEWSIDX_OK;
}

void newsidx_packer__count_stems(struct newsidx_packer *pk,
				 const uint64_t *hash, size_t n)
{
	if (__atomic_load_n(&pk->state, __ATOMIC_ACQUIRE) != SAMPLING || !n)
		return;
	pthread_mutex_lock(&pk->mu);
	if (pk->state == SAMPLING) {
		if (!pk->counts)
			pk->counts = newsidx_stemcount__new();
		/* Out of memory: the counts so far, or no table. */
		if (pk->counts && newsidx_stemcount__add(pk->counts, hash, n)) {
			newsidx_stemcount__free(pk->counts);
			pk->counts = NULL;
		}
	}
	pthread_mutex_unlock(&pk->mu);
}

int newsidx_packer__sampling(struct newsidx_packer *pk)
{
	return __atomic_load_n(&pk->state, __ATOMIC_ACQUIRE) == SAMPLING;
}

const struct newsidx_stemcodes *newsidx_packer__codes(
	struct newsidx_packer *pk)
{
	return __atomic_load_n(&pk->codes, __ATOMIC_ACQUIRE);
}

const void *newsidx_packer__take_codes(struct newsidx_packer *pk,
				       size_t *len)
{
	const void *c = NULL;

	pthread_mutex_lock(&pk->mu);
	if (pk->taken && pk->trained && pk->codes_blob) {
		c = pk->codes_blob;
		*len = pk->codes_len;
	}
	pthread_mutex_unlock(&pk->mu);
	return c;
}

const void *newsidx_packer__take_dict(struct newsidx_packer *pk, size_t *len)
{
	const void *d = NULL;

	/* Called for every article: no lock once there is nothing to take. */
	if (!__atomic_load_n(&pk->cdict, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&pk->taken, __ATOMIC_ACQUIRE))
		return NULL;
	pthread_mutex_lock(&pk->mu);
	if (!pk->taken && pk->trained) {
		__atomic_store_n(&pk->taken, 1, __ATOMIC_RELEASE);
		d = pk->dict;
		*len = pk->dict_len;
	}
	pthread_mutex_unlock(&pk->mu);
	return d;
}

struct newsidx_unpacker {
	ZSTD_DCtx *dctx;
	ZSTD_DDict *ddict;
	unsigned id;
	struct newsidx_buf out;
};

void newsidx_unpacker__free(struct newsidx_unpacker *u)
{
	if (!u)
		return;
	ZSTD_freeDCtx(u->dctx);
	ZSTD_freeDDict(u->ddict);
	newsidx_buf__free(&u->out);
	free(u);
}

newsidx_status_t newsidx_docdata__unpack(struct newsidx_unpacker **up,
					 const void *value, size_t len,
					 newsidx_dict_fn get_dict, void *ctx,
					 const void **rec, size_t *rec_len)
{
	const unsigned char *p = value;
	struct newsidx_unpacker *u = *up;
	unsigned long long size;
	unsigned id;
	size_t n;
	int rc = 0;

	if (len < 2 || p[0] != PACK_TAG)
		return NEWSIDX_CORRUPT;
	size = ZSTD_getFrameContentSize(p + 1, len - 1);
	/* A record is at most an article and its fields: a larger size
	 * is damage, and is not allocated. */
	if (size == ZSTD_CONTENTSIZE_UNKNOWN ||
	    size == ZSTD_CONTENTSIZE_ERROR || size > (256ULL << 20))
		return NEWSIDX_CORRUPT;
	if (!u) {
		u = *up = calloc(1, sizeof(*u));
		if (!u)
			return NEWSIDX_NOMEM;
	}
	if (!u->dctx && !(u->dctx = ZSTD_createDCtx()))
		return NEWSIDX_NOMEM;
	id = ZSTD_getDictID_fromFrame(p + 1, len - 1);
	if (id && id != u->id) {
		size_t dlen = 0;
		char *d = get_dict ? get_dict(ctx, &dlen) : NULL;

		ZSTD_freeDDict(u->ddict);
		u->ddict = NULL;
		u->id = 0;
		if (d && ZDICT_getDictID(d, dlen) == id)
			u->ddict = ZSTD_createDDict(d, dlen);
		free(d);
		if (!u->ddict)
			return NEWSIDX_CORRUPT;
		u->id = id;
	}
	newsidx_buf__reset(&u->out);
	if (!newsidx_buf__room(&u->out, (size_t)size, &rc))
		return NEWSIDX_NOMEM;
	if (id)
		n = ZSTD_decompress_usingDDict(u->dctx, u->out.data,
					       (size_t)size, p + 1, len - 1,
					       u->ddict);
	else
		n = ZSTD_decompressDCtx(u->dctx, u->out.data, (size_t)size,
					p + 1, len - 1);
	if (ZSTD_isError(n) || n != size)
		return NEWSIDX_CORRUPT;
	u->out.len = n;
	u->out.data[n] = '\0';
	*rec = u->out.data;
	*rec_len = n;
	return NEWSIDX_OK;
}
