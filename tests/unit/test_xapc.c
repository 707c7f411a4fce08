/*
 * Unit tests for the xapc C binding (src/xapian/xapc.h).
 *
 * Every test gets a fresh temporary directory (checked fixture) inside one
 * run directory under $TMPDIR or /tmp, creates its databases there, and
 * the fixture removes it afterwards; main() removes the run directory.
 */
#define _XOPEN_SOURCE 700

#include <check.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xapc.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_XAPC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_XAPC_ASAN 1
#endif
#endif

#ifdef TEST_XAPC_ASAN
/*
 * libxapian 1.4.22's Database::check() itself deletes a glass table
 * checker through a pointer to a smaller base type, which ASan reports as
 * new-delete-type-mismatch from inside libxapian (not xapc).  This ASan hook
 * turns off only that check; leak and other checks stay on, and
 * ASAN_OPTIONS from the environment still applies on top.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "new_delete_type_mismatch=0";
}
#endif

/* ------------------------------------------------------------------------
 * Fixture and helpers
 * ------------------------------------------------------------------------ */

/* The run's root directory, made and removed by main() in the parent
 * process, so that it is cleaned up even when a test crashes its (forked)
 * process before the fixture's teardown runs. */
static char g_root[2048];
static char *g_dir; /* this test's temporary directory, inside g_root */

static int rm_entry(const char *path, const struct stat *sb, int type,
                    struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path) == 0 ? 0 : -1;
}

static void rm_rf(const char *path)
{
    /* FTW_DEPTH: children before their directory; FTW_PHYS: never follow
     * symlinks out of the tree. */
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int make_root(void)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    int n = snprintf(g_root, sizeof g_root, "%s/xapc-test-XXXXXX", tmp);
    if (n <= 0 || (size_t)n >= sizeof g_root)
        return 0;
    return mkdtemp(g_root) != NULL;
}

static void setup(void)
{
    char buf[4096];
    int n = snprintf(buf, sizeof buf, "%s/t-XXXXXX", g_root);
    ck_assert(n > 0 && (size_t)n < sizeof buf);
    ck_assert_ptr_nonnull(mkdtemp(buf));
    g_dir = strdup(buf);
    ck_assert_ptr_nonnull(g_dir);
}

static void teardown(void)
{
    if (g_dir) {
        rm_rf(g_dir);
        free(g_dir);
        g_dir = NULL;
    }
}

/* Path of name inside this test's directory; static buffer per slot. */
static const char *tpath(const char *name)
{
    static char bufs[4][4096];
    static int next;
    char *b = bufs[next++ % 4];
    int n = snprintf(b, sizeof bufs[0], "%s/%s", g_dir, name);
    ck_assert(n > 0 && (size_t)n < sizeof bufs[0]);
    return b;
}

static xapc_db_t *open_db(const char *name, int flags)
{
    xapc_db_t *db = NULL;
    xapc_status_t st = xapc_db_open(&db, tpath(name), flags);
    ck_assert_msg(st == XAPC_OK, "open %s: %s", name, xapc_db_errmsg(db));
    return db;
}

static xapc_db_t *open_w(const char *name)
{
    return open_db(name, XAPC_DB_CREATE_OR_OPEN | XAPC_DB_NO_SYNC);
}

/* Add a document whose words (split on spaces) are postings at 1, 2, ... */
static xapc_docid_t add_text(xapc_db_t *db, const char *text,
                             const char *data)
{
    xapc_doc_t *doc = NULL;
    xapc_docid_t id = 0;
    xapc_termpos_t pos = 1;
    const char *p = text;
    ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
    while (*p) {
        size_t n = strcspn(p, " ");
        if (n)
            ck_assert_int_eq(xapc_doc_add_posting(doc, p, n, pos++, 1),
                             XAPC_OK);
        p += n;
        if (*p == ' ')
            ++p;
    }
    if (data)
        ck_assert_int_eq(xapc_doc_set_data(doc, data, strlen(data)), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_doc(db, doc, &id), XAPC_OK);
    xapc_doc_free(doc);
    return id;
}

/* Same, plus a value in a slot. */
static xapc_docid_t add_text_value(xapc_db_t *db, const char *text,
                                   xapc_slot_t slot, const char *value)
{
    xapc_doc_t *doc = NULL;
    xapc_docid_t id = 0;
    const char *p = text;
    ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
    while (*p) {
        size_t n = strcspn(p, " ");
        if (n)
            ck_assert_int_eq(xapc_doc_add_term(doc, p, n, 1), XAPC_OK);
        p += n;
        if (*p == ' ')
            ++p;
    }
    ck_assert_int_eq(xapc_doc_set_value(doc, slot, value, strlen(value)),
                     XAPC_OK);
    ck_assert_int_eq(xapc_db_add_doc(db, doc, &id), XAPC_OK);
    xapc_doc_free(doc);
    return id;
}

static xapc_query_t *T(const char *term)
{
    xapc_query_t *q = xapc_query_term(term, strlen(term), 1, 0);
    ck_assert_ptr_nonnull(q);
    return q;
}

/* Combine two queries and free them. */
static xapc_query_t *Q2(xapc_op_t op, xapc_query_t *a, xapc_query_t *b,
                        unsigned window)
{
    xapc_query_t *subs[2];
    xapc_query_t *q;
    subs[0] = a;
    subs[1] = b;
    q = xapc_query_combine(op, subs, 2, window);
    xapc_query_free(a);
    xapc_query_free(b);
    ck_assert_ptr_nonnull(q);
    return q;
}

static xapc_mset_t *run(xapc_db_t *db, const xapc_query_t *q,
                        const xapc_enquire_params_t *p)
{
    xapc_mset_t *m = NULL;
    xapc_status_t st = xapc_db_query(db, q, p, &m);
    ck_assert_msg(st == XAPC_OK, "query: %s", xapc_db_errmsg(db));
    ck_assert_ptr_nonnull(m);
    return m;
}

/* Hits as "1,2,3" in rank order; frees q. */
static void ranked(xapc_db_t *db, xapc_query_t *q,
                   const xapc_enquire_params_t *p, char *out, size_t outsz)
{
    xapc_mset_t *m = run(db, q, p);
    size_t i, used = 0;
    out[0] = '\0';
    for (i = 0; i < xapc_mset_size(m); ++i)
        used += (size_t)snprintf(out + used, outsz - used, "%s%u",
                                 i ? "," : "", xapc_mset_docid(m, i));
    xapc_mset_free(m);
    xapc_query_free(q);
}

static int cmp_uint(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* Hits as "1,2,3" in docid order (set semantics); frees q. */
static void matches(xapc_db_t *db, xapc_query_t *q, char *out, size_t outsz)
{
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_mset_t *m;
    unsigned ids[64];
    size_t i, n, used = 0;
    p.maxitems = 64;
    m = run(db, q, &p);
    n = xapc_mset_size(m);
    ck_assert_uint_le(n, 64);
    for (i = 0; i < n; ++i)
        ids[i] = xapc_mset_docid(m, i);
    qsort(ids, n, sizeof ids[0], cmp_uint);
    out[0] = '\0';
    for (i = 0; i < n; ++i)
        used += (size_t)snprintf(out + used, outsz - used, "%s%u",
                                 i ? "," : "", ids[i]);
    xapc_mset_free(m);
    xapc_query_free(q);
}

/* Callback collecting strings joined by ','. */
struct strs {
    char buf[1024];
    size_t used;
    int stop_after; /* 0: never stop */
    int calls;
};

static int collect(void *ctx, const char *s, size_t len)
{
    struct strs *c = ctx;
    ck_assert_uint_eq(strlen(s), len); /* NUL-terminated at len */
    c->used += (size_t)snprintf(c->buf + c->used, sizeof c->buf - c->used,
                                "%s%s", c->used ? "," : "", s);
    c->calls++;
    return c->stop_after && c->calls >= c->stop_after;
}

static int collect_counted(void *ctx, const char *s, size_t len,
                           unsigned count)
{
    struct strs *c = ctx;
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s:%u", s, count);
    return collect(c, tmp, strlen(tmp)) || (len != strlen(s));
}

static int collect_posting(void *ctx, xapc_docid_t id, xapc_termcount_t wdf)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%u:%u", id, wdf);
    return collect(ctx, tmp, strlen(tmp));
}

static int collect_pos(void *ctx, xapc_termpos_t pos)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%u", pos);
    return collect(ctx, tmp, strlen(tmp));
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

/* ------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------ */

START_TEST(test_status_str)
{
    int a, b;
    for (a = XAPC_OK; a <= XAPC_ERR_UNKNOWN; ++a) {
        const char *s = xapc_status_str((xapc_status_t)a);
        ck_assert_ptr_nonnull(s);
        ck_assert_uint_gt(strlen(s), 0);
        for (b = XAPC_OK; b < a; ++b)
            ck_assert_str_ne(s, xapc_status_str((xapc_status_t)b));
    }
    ck_assert_ptr_nonnull(xapc_status_str((xapc_status_t)999));
    ck_assert_ptr_nonnull(xapc_status_str((xapc_status_t)-1));
    ck_assert_int_eq(strncmp(xapc_xapian_version(), "1.", 2), 0);
}
END_TEST

START_TEST(test_open_create_reopen)
{
    xapc_db_t *w = open_w("db");
    xapc_db_t *r;
    xapc_doccount_t n = 99;
    int changed = -1;

    ck_assert_int_eq(xapc_db_is_writable(w), 1);
    add_text(w, "hello world", "one");
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    ck_assert_str_eq(xapc_db_errmsg(w), "");

    r = open_db("db", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_is_writable(r), 0);
    ck_assert_int_eq(xapc_db_doccount(r, &n), XAPC_OK);
    ck_assert_uint_eq(n, 1);

    add_text(w, "second doc", "two");
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    ck_assert_int_eq(xapc_db_doccount(r, &n), XAPC_OK);
    ck_assert_uint_eq(n, 1); /* still the old revision */
    ck_assert_int_eq(xapc_db_reopen(r, &changed), XAPC_OK);
    ck_assert_int_eq(changed, 1);
    ck_assert_int_eq(xapc_db_doccount(r, &n), XAPC_OK);
    ck_assert_uint_eq(n, 2);

    /* Writing through a reader is a caller error. */
    ck_assert_int_eq(xapc_db_commit(r), XAPC_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(xapc_db_errmsg(r), "not writable"));
    /* ... and a successful call clears the message. */
    ck_assert_int_eq(xapc_db_doccount(r, &n), XAPC_OK);
    ck_assert_str_eq(xapc_db_errmsg(r), "");

    /* Closing keeps the handle, which then reports XAPC_ERR_CLOSED. */
    ck_assert_int_eq(xapc_db_close(w), XAPC_OK);
    ck_assert_int_eq(xapc_db_is_writable(w), 0);
    ck_assert_int_eq(xapc_db_doccount(w, &n), XAPC_ERR_CLOSED);
    xapc_db_free(w);
    xapc_db_free(r);

    /* Existing database: DB_CREATE refuses, DB_OPEN and overwrite work. */
    w = NULL;
    ck_assert_int_eq(xapc_db_open(&w, tpath("db"), XAPC_DB_CREATE),
                     XAPC_ERR_OPENING);
    ck_assert_ptr_nonnull(w);
    ck_assert_uint_gt(strlen(xapc_db_errmsg(w)), 0);
    xapc_db_free(w);
    w = open_db("db", XAPC_DB_OPEN);
    ck_assert_int_eq(xapc_db_doccount(w, &n), XAPC_OK);
    ck_assert_uint_eq(n, 2);
    xapc_db_free(w);
    w = open_db("db", XAPC_DB_CREATE_OR_OVERWRITE | XAPC_DB_BACKEND_GLASS);
    ck_assert_int_eq(xapc_db_doccount(w, &n), XAPC_OK);
    ck_assert_uint_eq(n, 0);
    xapc_db_free(w);
}
END_TEST

START_TEST(test_open_failures)
{
    xapc_db_t *db = NULL;
    const char *msg;
    xapc_doccount_t n;

    ck_assert_int_eq(xapc_db_open(&db, tpath("missing"), XAPC_DB_READONLY),
                     XAPC_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(db);
    msg = xapc_db_errmsg(db);
    ck_assert_uint_gt(strlen(msg), 0);
    ck_assert_ptr_null(strchr(msg, '\n'));
    ck_assert_int_eq(msg[0] >= 'a' && msg[0] <= 'z', 1);
    /* A failed handle refuses everything but keeps the open message. */
    ck_assert_int_eq(xapc_db_doccount(db, &n), XAPC_ERR_INVALID);
    ck_assert_str_eq(xapc_db_errmsg(db), msg);
    ck_assert_int_eq(xapc_db_is_writable(db), 0);
    xapc_db_free(db);

    db = NULL;
    ck_assert_int_eq(xapc_db_open(&db, tpath("missing"), XAPC_DB_OPEN),
                     XAPC_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(db);
    xapc_db_free(db);

    db = NULL;
    ck_assert_int_eq(xapc_db_open(&db, tpath("x"), 0x7000), XAPC_ERR_INVALID);
    ck_assert_ptr_nonnull(db);
    ck_assert_ptr_nonnull(strstr(xapc_db_errmsg(db), "flag"));
    xapc_db_free(db);

    db = NULL;
    ck_assert_int_eq(xapc_db_open(&db, NULL, XAPC_DB_READONLY),
                     XAPC_ERR_INVALID);
    xapc_db_free(db);
    ck_assert_int_eq(xapc_db_open(NULL, tpath("x"), 0), XAPC_ERR_INVALID);

    /* A plain file is no database. */
    write_file(tpath("junk"), "not a database\n");
    db = NULL;
    ck_assert_int_ne(xapc_db_open(&db, tpath("junk"), XAPC_DB_READONLY),
                     XAPC_OK);
    ck_assert_uint_gt(strlen(xapc_db_errmsg(db)), 0);
    xapc_db_free(db);
}
END_TEST

START_TEST(test_lock)
{
    xapc_db_t *a = open_w("db");
    xapc_db_t *b = NULL;
    ck_assert_int_eq(
        xapc_db_open(&b, tpath("db"), XAPC_DB_CREATE_OR_OPEN), XAPC_ERR_LOCK);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(strstr(xapc_db_errmsg(b), "DatabaseLockError"));
    xapc_db_free(b);
    xapc_db_free(a);
    /* Released on free. */
    b = open_w("db");
    xapc_db_free(b);
}
END_TEST

START_TEST(test_null_handles)
{
    xapc_doccount_t n;
    xapc_db_free(NULL);
    xapc_doc_free(NULL);
    xapc_query_free(NULL);
    xapc_mset_free(NULL);
    xapc_eset_free(NULL);
    ck_assert_str_eq(xapc_db_errmsg(NULL), "out of memory");
    ck_assert_str_eq(xapc_doc_errmsg(NULL), "");
    ck_assert_int_eq(xapc_db_doccount(NULL, &n), XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_db_commit(NULL), XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_doc_add_term(NULL, "a", 1, 1), XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_doc_new(NULL), XAPC_ERR_INVALID);
    ck_assert_uint_eq(xapc_mset_size(NULL), 0);
    ck_assert_ptr_null(xapc_mset_data(NULL, 0, NULL));
    ck_assert_uint_eq(xapc_eset_size(NULL), 0);
    ck_assert_int_eq(xapc_query_is_empty(NULL), 1);
    ck_assert_ptr_null(xapc_query_describe(NULL));
    ck_assert_int_eq(xapc_db_is_writable(NULL), 0);
}
END_TEST

START_TEST(test_docs_replace_delete_by_term)
{
    xapc_db_t *db = open_w("db");
    xapc_doc_t *doc = NULL, *got = NULL;
    xapc_docid_t id1 = 0, id2 = 0;
    xapc_doccount_t n;
    size_t len;

    ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_boolean_term(doc, "Qart1", 5), XAPC_OK);
    ck_assert_int_eq(xapc_doc_set_data(doc, "v1", 2), XAPC_OK);
    ck_assert_int_eq(xapc_db_replace_doc_by_term(db, "Qart1", 5, doc, &id1),
                     XAPC_OK);
    ck_assert_int_eq(xapc_doc_set_data(doc, "v2", 2), XAPC_OK);
    ck_assert_int_eq(xapc_db_replace_doc_by_term(db, "Qart1", 5, doc, &id2),
                     XAPC_OK);
    ck_assert_uint_eq(id1, id2);
    ck_assert_int_eq(xapc_db_doccount(db, &n), XAPC_OK);
    ck_assert_uint_eq(n, 1);

    ck_assert_int_eq(xapc_db_get_doc(db, id1, &got), XAPC_OK);
    ck_assert_str_eq(xapc_doc_data(got, &len), "v2");
    ck_assert_uint_eq(xapc_doc_docid(got), id1);
    xapc_doc_free(got);

    /* Replace by id, then add, then delete. */
    ck_assert_int_eq(xapc_doc_set_data(doc, "v3", 2), XAPC_OK);
    ck_assert_int_eq(xapc_db_replace_doc(db, id1, doc), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_doc(db, doc, &id2), XAPC_OK);
    ck_assert_uint_ne(id1, id2);
    ck_assert_int_eq(xapc_db_doccount(db, &n), XAPC_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(xapc_db_delete_doc(db, id2), XAPC_OK);
    ck_assert_int_eq(xapc_db_delete_doc(db, id2), XAPC_ERR_NOT_FOUND);
    ck_assert_int_eq(xapc_db_get_doc(db, 999, &got), XAPC_ERR_NOT_FOUND);
    ck_assert_ptr_null(got);
    ck_assert_uint_gt(strlen(xapc_db_errmsg(db)), 0);

    ck_assert_int_eq(xapc_db_delete_doc_by_term(db, "Qart1", 5), XAPC_OK);
    ck_assert_int_eq(xapc_db_delete_doc_by_term(db, "Qnone", 5), XAPC_OK);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);
    ck_assert_int_eq(xapc_db_doccount(db, &n), XAPC_OK);
    ck_assert_uint_eq(n, 0);
    xapc_doc_free(doc);
    xapc_db_free(db);
}
END_TEST

/* Add a document with id term Q<id> and the words of text; its docid. */
static xapc_docid_t add_art(xapc_db_t *db, const char *id, const char *text)
{
    xapc_doc_t *doc = NULL;
    xapc_docid_t docid = 0;
    char q[64];
    const char *p = text;
    xapc_termpos_t pos = 1;

    ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
    snprintf(q, sizeof q, "Q%s", id);
    ck_assert_int_eq(xapc_doc_add_boolean_term(doc, q, strlen(q)), XAPC_OK);
    while (*p) {
        size_t n = strcspn(p, " ");
        ck_assert_int_eq(xapc_doc_add_posting(doc, p, n, pos++, 1), XAPC_OK);
        p += n;
        p += *p == ' ';
    }
    ck_assert_int_eq(xapc_db_replace_doc_by_term(db, q, strlen(q), doc, &docid),
                     XAPC_OK);
    xapc_doc_free(doc);
    return docid;
}

static int collect_ids(void *ctx, xapc_docid_t id, xapc_termcount_t wdf)
{
    char *out = ctx;
    size_t n = strlen(out);
    (void)wdf;
    snprintf(out + n, 256 - n, "%s%u", n ? "," : "", id);
    return 0;
}

/* Matches of term as "1,2,3" and their exact count, on db. */
static void hits_of(xapc_db_t *db, const char *term, char *out, size_t outsz,
                    unsigned *count)
{
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_mset_t *m;
    xapc_query_t *q = T(term);

    p.maxitems = 100;
    p.exact_count = XAPC_COUNT_MATCHES;
    m = run(db, q, &p);
    *count = xapc_mset_matches_estimated(m);
    xapc_mset_free(m);
    ranked(db, q, &p, out, outsz);
    (void)outsz;
}

START_TEST(test_no_termlist_marks)
{
    xapc_db_t *w = open_db("nt", XAPC_DB_CREATE_OR_OPEN | XAPC_DB_NO_SYNC |
                                     XAPC_DB_NO_TERMLIST);
    xapc_db_t *r;
    xapc_doc_t *got = NULL;
    xapc_doccount_t n = 0;
    xapc_docid_t a, b, c, a2;
    char ids[256], buf[256];
    unsigned cnt;
    char *v = NULL;
    size_t len;
    struct stat st;

    ck_assert_int_eq(xapc_db_has_termlist(w), 0);
    a = add_art(w, "a", "apple banana");
    b = add_art(w, "b", "apple cherry");
    c = add_art(w, "c", "apple");
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    snprintf(buf, sizeof buf, "%s/termlist.glass", tpath("nt"));
    ck_assert_int_ne(stat(buf, &st), 0);

    /* Untracked, such a database cannot delete or replace. */
    ck_assert_int_ne(xapc_db_delete_doc(w, b), XAPC_OK);
    ck_assert_int_eq(xapc_doc_new(&got), XAPC_OK);
    ck_assert_int_ne(xapc_db_replace_doc_by_term(w, "Qa", 2, got, NULL),
                     XAPC_OK);
    xapc_doc_free(got);
    got = NULL;

    ck_assert_int_eq(xapc_db_track_deleted(NULL, "del"), XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_db_track_deleted(w, "del"), XAPC_OK);
    ck_assert_int_eq(xapc_db_delete_doc(w, b), XAPC_OK);
    ck_assert_int_eq(xapc_db_delete_doc(w, b), XAPC_ERR_NOT_FOUND);
    ck_assert_int_eq(xapc_db_delete_doc(w, 99), XAPC_ERR_NOT_FOUND);
    ck_assert_int_eq(xapc_db_get_doc(w, b, &got), XAPC_ERR_NOT_FOUND);
    ck_assert_ptr_null(got);
    ck_assert_int_eq(xapc_db_doccount(w, &n), XAPC_OK);
    ck_assert_uint_eq(n, 2);
    hits_of(w, "apple", ids, sizeof ids, &cnt);
    ck_assert_uint_eq(cnt, 2);
    ck_assert_uint_eq(strlen(ids), 3); /* two docids, a comma */
    ck_assert_ptr_null(strchr(ids, '0' + (int)b));
    hits_of(w, "cherry", ids, sizeof ids, &cnt);
    ck_assert_str_eq(ids, "");
    ck_assert_uint_eq(cnt, 0);

    /* Replacing lists the old article and adds the new one. */
    a2 = add_art(w, "a", "apple date");
    ck_assert_uint_gt(a2, c);
    ids[0] = '\0';
    ck_assert_int_eq(xapc_db_postings(w, "Qa", 2, collect_ids, ids), XAPC_OK);
    snprintf(buf, sizeof buf, "%u", a2);
    ck_assert_str_eq(ids, buf);
    ck_assert_int_eq(xapc_db_deleted_count(w, &n), XAPC_OK);
    ck_assert_uint_eq(n, 2);

    /* A cancelled transaction takes its marks back. */
    ck_assert_int_eq(xapc_db_begin_transaction(w, 1), XAPC_OK);
    ck_assert_int_eq(xapc_db_delete_doc_by_term(w, "Qc", 2), XAPC_OK);
    ck_assert_int_eq(xapc_db_deleted_count(w, &n), XAPC_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(xapc_db_cancel_transaction(w), XAPC_OK);
    ck_assert_int_eq(xapc_db_deleted_count(w, &n), XAPC_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(xapc_db_get_doc(w, c, &got), XAPC_OK);
    xapc_doc_free(got);
    got = NULL;

    /* Readers see the marks once committed, with the commit (the
     * flushed transaction committed the first ones). */
    r = open_db("nt", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_track_deleted(r, "del"), XAPC_OK);
    ck_assert_int_eq(xapc_db_doccount(r, &n), XAPC_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(xapc_db_delete_doc(w, c), XAPC_OK);
    ck_assert_int_eq(xapc_db_reopen(r, NULL), XAPC_OK);
    ck_assert_int_eq(xapc_db_doccount(r, &n), XAPC_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    ck_assert_int_eq(xapc_db_reopen(r, NULL), XAPC_OK);
    ck_assert_int_eq(xapc_db_doccount(r, &n), XAPC_OK);
    ck_assert_uint_eq(n, 1);
    hits_of(r, "apple", ids, sizeof ids, &cnt);
    ck_assert_uint_eq(cnt, 1);
    snprintf(buf, sizeof buf, "%u", a2);
    ck_assert_str_eq(ids, buf);
    ck_assert_int_eq(xapc_db_get_doc(r, a, &got), XAPC_ERR_NOT_FOUND);
    ck_assert_int_eq(xapc_db_get_metadata(r, "del", &v, &len), XAPC_OK);
    ck_assert_uint_eq(len, 7); /* "NXD1" and three one-byte gaps */
    ck_assert_int_eq(memcmp(v, "NXD1\x01\x01\x01", 7), 0);
    free(v);
    v = NULL;
    xapc_db_free(r);

    /* Opened again without the flag, it is still without a termlist. */
    xapc_db_free(w);
    w = open_w("nt");
    ck_assert_int_eq(xapc_db_has_termlist(w), 0);
    ck_assert_int_eq(xapc_db_track_deleted(w, "del"), XAPC_OK);
    ck_assert_int_eq(xapc_db_doccount(w, &n), XAPC_OK);
    ck_assert_uint_eq(n, 1);

    /* A damaged list is refused, and the handle then hides nothing. */
    ck_assert_int_eq(xapc_db_set_metadata(w, "bad", "NXD1\x80", 5), XAPC_OK);
    ck_assert_int_eq(xapc_db_set_metadata(w, "zero", "NXD1\x01\x00", 6),
                     XAPC_OK);
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    r = open_db("nt", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_track_deleted(r, "bad"), XAPC_ERR_CORRUPT);
    ck_assert_int_eq(xapc_db_track_deleted(r, "zero"), XAPC_ERR_CORRUPT);
    ck_assert_int_eq(xapc_db_doccount(r, &n), XAPC_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(xapc_db_track_deleted(r, ""), XAPC_ERR_INVALID);
    xapc_db_free(r);

    /* A database with a termlist deletes for real, tracked or not. */
    {
        xapc_db_t *t = open_w("tl");
        xapc_docid_t x;

        ck_assert_int_eq(xapc_db_has_termlist(t), 1);
        ck_assert_int_eq(xapc_db_track_deleted(t, "del"), XAPC_OK);
        x = add_art(t, "x", "apple");
        ck_assert_int_eq(xapc_db_delete_doc(t, x), XAPC_OK);
        ck_assert_int_eq(xapc_db_deleted_count(t, &n), XAPC_OK);
        ck_assert_uint_eq(n, 0);
        ck_assert_int_eq(xapc_db_lastdocid(t, &x), XAPC_OK);
        ck_assert_int_eq(xapc_db_doccount(t, &n), XAPC_OK);
        ck_assert_uint_eq(n, 0);
        xapc_db_free(t);
    }
    xapc_db_free(w);
}
END_TEST

static int collect_wdf(void *ctx, xapc_docid_t id, xapc_termcount_t wdf)
{
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%s%u:%u", n ? "," : "", id, wdf);
    return 0;
}

/* A database without a termlist, written again without its marked
 * documents: the same docids, wdfs, values, data and metadata (but the
 * marks' key), spellings and synonyms, and none of the marked ones. */
START_TEST(test_rewrite)
{
    xapc_db_t *w = open_db("rw", XAPC_DB_CREATE | XAPC_DB_NO_SYNC |
                                     XAPC_DB_NO_TERMLIST);
    xapc_db_t *r;
    xapc_doc_t *doc = NULL;
    xapc_docid_t a, b, c, last = 0;
    xapc_doccount_t n = 0;
    char ids[256] = "", *v = NULL;
    size_t len = 0;
    const char *val;

    ck_assert_int_eq(xapc_db_track_deleted(w, "del"), XAPC_OK);
    a = add_art(w, "a", "apple banana apple");
    b = add_art(w, "b", "apple cherry");
    ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_boolean_term(doc, "Qc", 2), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_term(doc, "apple", 5, 3), XAPC_OK);
    ck_assert_int_eq(xapc_doc_set_value(doc, 7, "pos\0x", 5), XAPC_OK);
    ck_assert_int_eq(xapc_doc_set_value(doc, 200, "far", 3), XAPC_OK);
    ck_assert_int_eq(xapc_doc_set_data(doc, "record c", 8), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_doc(w, doc, &c), XAPC_OK);
    xapc_doc_free(doc);
    ck_assert_int_eq(xapc_db_delete_doc(w, b), XAPC_OK);
    ck_assert_int_eq(xapc_db_set_metadata(w, "k", "v", 1), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_spelling(w, "apple", 5, 4), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_synonym(w, "fruit", "apple"), XAPC_OK);
    /* Uncommitted marks are refused. */
    ck_assert_int_eq(xapc_db_rewrite(w, tpath("out0"), NULL),
                     XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    ck_assert_int_eq(xapc_db_rewrite(w, tpath("out"), NULL), XAPC_OK);
    /* Where something is already, nothing is overwritten. */
    {
        char *err = NULL;
        ck_assert_int_ne(xapc_db_rewrite(w, tpath("out"), &err), XAPC_OK);
        ck_assert_ptr_nonnull(err);
        free(err);
    }
    xapc_db_free(w);

    {
        char tl[4200];
        struct stat sb;
        snprintf(tl, sizeof tl, "%s/termlist.glass", tpath("out"));
        ck_assert_int_ne(stat(tl, &sb), 0);
    }
    r = open_db("out", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_doccount(r, &n), XAPC_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(xapc_db_lastdocid(r, &last), XAPC_OK);
    ck_assert_uint_eq(last, c);
    ck_assert_int_eq(xapc_db_postings(r, "apple", 5, collect_wdf, ids),
                     XAPC_OK);
    {
        char want[64];
        snprintf(want, sizeof want, "%u:2,%u:3", a, c);
        ck_assert_str_eq(ids, want);
    }
    ids[0] = '\0';
    ck_assert_int_eq(xapc_db_postings(r, "cherry", 6, collect_ids, ids),
                     XAPC_OK);
    ck_assert_str_eq(ids, "");
    ids[0] = '\0';
    ck_assert_int_eq(xapc_db_postings(r, "Qc", 2, collect_wdf, ids), XAPC_OK);
    {
        char want[64];
        snprintf(want, sizeof want, "%u:0", c);
        ck_assert_str_eq(ids, want);
    }
    {
        struct strs ps = {0};
        ck_assert_int_eq(
            xapc_db_positions(r, a, "apple", 5, collect_pos, &ps), XAPC_OK);
        ck_assert_str_eq(ps.buf, "1,3");
    }
    ck_assert_int_eq(xapc_db_get_doc(r, c, &doc), XAPC_OK);
    val = xapc_doc_value(doc, 7, &len);
    ck_assert_uint_eq(len, 5);
    ck_assert_int_eq(memcmp(val, "pos\0x", 5), 0);
    val = xapc_doc_value(doc, 200, &len);
    ck_assert_uint_eq(len, 3);
    val = xapc_doc_data(doc, &len);
    ck_assert_uint_eq(len, 8);
    ck_assert_int_eq(memcmp(val, "record c", 8), 0);
    xapc_doc_free(doc);
    doc = NULL;
    ck_assert_int_eq(xapc_db_get_doc(r, b, &doc), XAPC_ERR_NOT_FOUND);
    ck_assert_int_eq(xapc_db_get_metadata(r, "k", &v, &len), XAPC_OK);
    ck_assert_uint_eq(len, 1);
    free(v);
    v = NULL;
    ck_assert_int_eq(xapc_db_get_metadata(r, "del", &v, &len), XAPC_OK);
    ck_assert_uint_eq(len, 0);
    free(v);
    {
        struct strs sy = {0};
        ck_assert_int_eq(xapc_db_synonyms(r, "fruit", collect, &sy),
                         XAPC_OK);
        ck_assert_str_eq(sy.buf, "apple");
    }
    {
        char *sug = NULL;
        ck_assert_int_eq(xapc_db_spelling_suggest(r, "appel", 5, 2, &sug),
                         XAPC_OK);
        ck_assert_ptr_nonnull(sug);
        ck_assert_str_eq(sug, "apple");
        free(sug);
    }
    xapc_db_free(r);
}
END_TEST

/* Many marks: the parallel exact count and facets leave them out too. */
START_TEST(test_no_termlist_counts)
{
    xapc_db_t *w = open_db("nt", XAPC_DB_CREATE_OR_OPEN | XAPC_DB_NO_SYNC |
                                     XAPC_DB_NO_TERMLIST);
    xapc_db_t *r;
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_query_t *q, *cq;
    xapc_mset_t *m;
    unsigned i, expect = 0;
    char id[16], text[64];

    ck_assert_int_eq(xapc_db_track_deleted(w, "del"), XAPC_OK);
    for (i = 1; i <= 600; ++i) {
        snprintf(id, sizeof id, "%u", i);
        snprintf(text, sizeof text, "doc%s%s", i % 2 ? " odd" : " even",
                 i % 3 ? "" : " three");
        add_art(w, id, text);
    }
    /* Every fifth article is deleted, every seventh written again. */
    for (i = 1; i <= 600; ++i) {
        char qt[16];
        snprintf(qt, sizeof qt, "Q%u", i);
        snprintf(id, sizeof id, "%u", i);
        if (i % 5 == 0)
            ck_assert_int_eq(xapc_db_delete_doc_by_term(w, qt, strlen(qt)),
                             XAPC_OK);
        else if (i % 7 == 0)
            add_art(w, id, i % 2 ? "doc odd" : "doc even three");
    }
    for (i = 1; i <= 600; ++i)
        if (i % 5 != 0 && i % 2 == 0 && (i % 7 == 0 || i % 3 == 0))
            ++expect;
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    r = open_db("nt", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_track_deleted(r, "del"), XAPC_OK);
    q = Q2(XAPC_OP_AND, T("even"), T("three"), 0);
    cq = Q2(XAPC_OP_AND, T("even"), T("three"), 0);
    p.maxitems = 3;
    p.exact_count = XAPC_COUNT_MATCHES;
    p.count_query = cq;
    for (i = 0; i < 5; i++) {
        m = run(r, q, &p);
        ck_assert_uint_eq(xapc_mset_matches_estimated(m), expect);
        xapc_mset_free(m);
    }
    m = run(w, q, &p);
    ck_assert_uint_eq(xapc_mset_matches_estimated(m), expect);
    xapc_mset_free(m);
    xapc_query_free(q);
    xapc_query_free(cq);
    /* One term: its frequency would count the deleted. */
    p.count_query = NULL;
    q = T("odd");
    m = run(r, q, &p);
    ck_assert_uint_eq(xapc_mset_matches_estimated(m), 240);
    xapc_mset_free(m);
    xapc_query_free(q);
    xapc_db_free(r);
    xapc_db_free(w);
}
END_TEST

START_TEST(test_doc_values_data_terms)
{
    xapc_doc_t *doc = NULL, *got = NULL;
    xapc_db_t *db = open_w("db");
    xapc_docid_t id;
    struct strs s;
    const char *v0, *v1;
    size_t len = 99;
    static const char bin[4] = {'a', '\0', 'b', '\0'};

    ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
    ck_assert_uint_eq(xapc_doc_docid(doc), 0);
    ck_assert_str_eq(xapc_doc_data(doc, &len), "");
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(xapc_doc_set_value(doc, 0, "zero", 4), XAPC_OK);
    ck_assert_int_eq(xapc_doc_set_value(doc, 7, bin, 4), XAPC_OK);
    ck_assert_int_eq(xapc_doc_set_data(doc, bin, 3), XAPC_OK);
    ck_assert_int_eq(xapc_doc_set_value(doc, 0xffffffffu, "x", 1),
                     XAPC_ERR_INVALID);

    v0 = xapc_doc_value(doc, 0, &len);
    ck_assert_str_eq(v0, "zero");
    ck_assert_uint_eq(len, 4);
    v1 = xapc_doc_value(doc, 7, &len);
    ck_assert_uint_eq(len, 4);
    ck_assert_int_eq(memcmp(v1, bin, 4), 0);
    ck_assert_str_eq(v0, "zero"); /* earlier pointer still valid */
    ck_assert_str_eq(xapc_doc_value(doc, 3, &len), "");
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(memcmp(xapc_doc_data(doc, &len), bin, 3), 0);
    ck_assert_uint_eq(len, 3);

    ck_assert_int_eq(xapc_doc_add_term(doc, "beta", 4, 2), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_posting(doc, "alpha", 5, 1, 1), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_boolean_term(doc, "XTAG", 4), XAPC_OK);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_doc_terms(doc, collect_counted, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "XTAG:0,alpha:1,beta:2");

    ck_assert_int_eq(xapc_doc_remove_term(doc, "beta", 4), XAPC_OK);
    ck_assert_int_eq(xapc_doc_remove_term(doc, "beta", 4), XAPC_ERR_INVALID);
    ck_assert_uint_gt(strlen(xapc_doc_errmsg(doc)), 0);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_doc_terms(doc, collect_counted, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "XTAG:0,alpha:1");
    ck_assert_str_eq(xapc_doc_errmsg(doc), "");

    /* Round trip through a database. */
    ck_assert_int_eq(xapc_db_add_doc(db, doc, &id), XAPC_OK);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);
    ck_assert_int_eq(xapc_db_get_doc(db, id, &got), XAPC_OK);
    ck_assert_uint_eq(xapc_doc_docid(got), id);
    ck_assert_str_eq(xapc_doc_value(got, 0, NULL), "zero");
    ck_assert_int_eq(memcmp(xapc_doc_value(got, 7, &len), bin, 4), 0);
    ck_assert_uint_eq(len, 4);
    ck_assert_int_eq(memcmp(xapc_doc_data(got, &len), bin, 3), 0);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_doc_terms(got, collect_counted, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "XTAG:0,alpha:1");

    ck_assert_int_eq(xapc_doc_clear_terms(doc), XAPC_OK);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_doc_terms(doc, collect_counted, &s), XAPC_OK);
    ck_assert_int_eq(s.calls, 0);

    xapc_doc_free(got);
    xapc_doc_free(doc);
    xapc_db_free(db);
}
END_TEST

START_TEST(test_term_too_long)
{
    char term[XAPC_MAX_TERM_LEN + 2];
    xapc_doc_t *doc = NULL;
    xapc_db_t *db = open_w("db");
    int exists = 0;

    memset(term, 'a', sizeof term);
    ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_term(doc, term, XAPC_MAX_TERM_LEN + 1, 1),
                     XAPC_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(xapc_doc_errmsg(doc), "245"));
    ck_assert_int_eq(
        xapc_doc_add_posting(doc, term, XAPC_MAX_TERM_LEN + 1, 1, 1),
        XAPC_ERR_INVALID);
    ck_assert_int_eq(
        xapc_doc_add_boolean_term(doc, term, XAPC_MAX_TERM_LEN + 1),
        XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_doc_add_term(doc, "", 0, 1), XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_doc_add_term(doc, NULL, 3, 1), XAPC_ERR_INVALID);

    /* Exactly the limit is stored fine. */
    ck_assert_int_eq(xapc_doc_add_term(doc, term, XAPC_MAX_TERM_LEN, 1),
                     XAPC_OK);
    ck_assert_int_eq(xapc_db_add_doc(db, doc, NULL), XAPC_OK);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);
    ck_assert_int_eq(xapc_db_term_exists(db, term, XAPC_MAX_TERM_LEN, &exists),
                     XAPC_OK);
    ck_assert_int_eq(exists, 1);
    xapc_doc_free(doc);
    xapc_db_free(db);
}
END_TEST

START_TEST(test_metadata)
{
    xapc_db_t *db = open_w("db");
    char *v = NULL;
    size_t len = 99;
    struct strs s;

    ck_assert_int_eq(xapc_db_set_metadata(db, "feed:1", "etag-a", 6), XAPC_OK);
    ck_assert_int_eq(xapc_db_set_metadata(db, "feed:2", "x\0y", 3), XAPC_OK);
    ck_assert_int_eq(xapc_db_set_metadata(db, "schema", "3", 1), XAPC_OK);
    ck_assert_int_eq(xapc_db_set_metadata(db, "", "3", 1), XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    ck_assert_int_eq(xapc_db_get_metadata(db, "feed:1", &v, &len), XAPC_OK);
    ck_assert_str_eq(v, "etag-a");
    ck_assert_uint_eq(len, 6);
    free(v);
    ck_assert_int_eq(xapc_db_get_metadata(db, "feed:2", &v, &len), XAPC_OK);
    ck_assert_uint_eq(len, 3);
    ck_assert_int_eq(memcmp(v, "x\0y", 4), 0);
    free(v);
    ck_assert_int_eq(xapc_db_get_metadata(db, "absent", &v, &len), XAPC_OK);
    ck_assert_str_eq(v, "");
    ck_assert_uint_eq(len, 0);
    free(v);

    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_metadata_keys(db, "feed:", collect, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "feed:1,feed:2");
    memset(&s, 0, sizeof s);
    s.stop_after = 1;
    ck_assert_int_eq(xapc_db_metadata_keys(db, NULL, collect, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "feed:1");

    /* Empty value deletes. */
    ck_assert_int_eq(xapc_db_set_metadata(db, "feed:1", NULL, 0), XAPC_OK);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_metadata_keys(db, "", collect, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "feed:2,schema");
    xapc_db_free(db);
}
END_TEST

START_TEST(test_stats_postings_positions)
{
    xapc_db_t *db = open_w("db");
    xapc_doccount_t n;
    xapc_docid_t last;
    xapc_termcount_t tc;
    double avl;
    int ex;
    struct strs s;

    add_text(db, "red fish blue fish", NULL);       /* 1: length 4 */
    add_text(db, "one fish", NULL);                 /* 2: length 2 */
    add_text(db, "red car red car red car", NULL);  /* 3: length 6 */
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    ck_assert_int_eq(xapc_db_doccount(db, &n), XAPC_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(xapc_db_lastdocid(db, &last), XAPC_OK);
    ck_assert_uint_eq(last, 3);
    ck_assert_int_eq(xapc_db_avlength(db, &avl), XAPC_OK);
    ck_assert_double_eq_tol(avl, 4.0, 1e-9);
    ck_assert_int_eq(xapc_db_termfreq(db, "fish", 4, &n), XAPC_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(xapc_db_collection_freq(db, "red", 3, &tc), XAPC_OK);
    ck_assert_uint_eq(tc, 4);
    ck_assert_int_eq(xapc_db_term_exists(db, "car", 3, &ex), XAPC_OK);
    ck_assert_int_eq(ex, 1);
    ck_assert_int_eq(xapc_db_term_exists(db, "bus", 3, &ex), XAPC_OK);
    ck_assert_int_eq(ex, 0);
    ck_assert_int_eq(xapc_db_doclength(db, 3, &tc), XAPC_OK);
    ck_assert_uint_eq(tc, 6);
    ck_assert_int_eq(xapc_db_unique_terms(db, 1, &tc), XAPC_OK);
    ck_assert_uint_eq(tc, 3);
    ck_assert_int_eq(xapc_db_doclength(db, 42, &tc), XAPC_ERR_NOT_FOUND);
    ck_assert_int_eq(xapc_db_termfreq(db, "x", 1, NULL), XAPC_ERR_INVALID);

    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_postings(db, "fish", 4, collect_posting, &s),
                     XAPC_OK);
    ck_assert_str_eq(s.buf, "1:2,2:1");
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_postings(db, "", 0, collect_posting, &s),
                     XAPC_OK);
    ck_assert_str_eq(s.buf, "1:1,2:1,3:1");
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_positions(db, 3, "red", 3, collect_pos, &s),
                     XAPC_OK);
    ck_assert_str_eq(s.buf, "1,3,5");
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_positions(db, 2, "red", 3, collect_pos, &s),
                     XAPC_OK);
    ck_assert_int_eq(s.calls, 0);

    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_allterms(db, NULL, collect_counted, &s),
                     XAPC_OK);
    ck_assert_str_eq(s.buf, "blue:1,car:1,fish:2,one:1,red:2");
    memset(&s, 0, sizeof s);
    s.stop_after = 1;
    ck_assert_int_eq(xapc_db_allterms(db, "f", collect_counted, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "fish:2");
    xapc_db_free(db);
}
END_TEST

START_TEST(test_phrase_near)
{
    xapc_db_t *db = open_w("db");
    char got[256];
    add_text(db, "the quick brown fox jumps", NULL); /* 1 */
    add_text(db, "brown quick dogs", NULL);          /* 2 */
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    matches(db, Q2(XAPC_OP_PHRASE, T("quick"), T("brown"), 0), got,
            sizeof got);
    ck_assert_str_eq(got, "1");
    matches(db, Q2(XAPC_OP_PHRASE, T("brown"), T("quick"), 0), got,
            sizeof got);
    ck_assert_str_eq(got, "2");
    matches(db, Q2(XAPC_OP_PHRASE, T("quick"), T("fox"), 0), got, sizeof got);
    ck_assert_str_eq(got, "");
    matches(db, Q2(XAPC_OP_PHRASE, T("quick"), T("fox"), 3), got, sizeof got);
    ck_assert_str_eq(got, "1");

    /* NEAR ignores order; "quick" at 2 and "fox" at 4 span 3 positions. */
    matches(db, Q2(XAPC_OP_NEAR, T("fox"), T("quick"), 3), got, sizeof got);
    ck_assert_str_eq(got, "1");
    matches(db, Q2(XAPC_OP_NEAR, T("fox"), T("quick"), 2), got, sizeof got);
    ck_assert_str_eq(got, "");
    matches(db, Q2(XAPC_OP_NEAR, T("brown"), T("quick"), 2), got, sizeof got);
    ck_assert_str_eq(got, "1,2");
    xapc_db_free(db);
}
END_TEST

START_TEST(test_boolean_ops)
{
    xapc_db_t *db = open_w("db");
    char got[256];
    xapc_mset_t *m;
    xapc_query_t *q;
    add_text(db, "a b", NULL); /* 1 */
    add_text(db, "a", NULL);   /* 2 */
    add_text(db, "b", NULL);   /* 3 */
    add_text(db, "c", NULL);   /* 4 */
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    /* The window only matters for NEAR, PHRASE and ELITE_SET. */
    matches(db, Q2(XAPC_OP_AND, T("a"), T("b"), 5), got, sizeof got);
    ck_assert_str_eq(got, "1");
    matches(db, Q2(XAPC_OP_OR, T("a"), T("b"), 0), got, sizeof got);
    ck_assert_str_eq(got, "1,2,3");
    matches(db, Q2(XAPC_OP_AND_NOT, T("a"), T("b"), 0), got, sizeof got);
    ck_assert_str_eq(got, "2");
    matches(db, Q2(XAPC_OP_XOR, T("a"), T("b"), 0), got, sizeof got);
    ck_assert_str_eq(got, "2,3");
    matches(db, Q2(XAPC_OP_FILTER, T("a"), T("b"), 0), got, sizeof got);
    ck_assert_str_eq(got, "1");
    matches(db, Q2(XAPC_OP_SYNONYM, T("a"), T("c"), 0), got, sizeof got);
    ck_assert_str_eq(got, "1,2,4");
    matches(db, Q2(XAPC_OP_MAX, T("b"), T("c"), 0), got, sizeof got);
    ck_assert_str_eq(got, "1,3,4");
    matches(db, Q2(XAPC_OP_ELITE_SET, T("a"), T("c"), 1), got, sizeof got);
    ck_assert(strcmp(got, "1,2") == 0 || strcmp(got, "4") == 0);
    matches(db, xapc_query_all(), got, sizeof got);
    ck_assert_str_eq(got, "1,2,3,4");
    matches(db, xapc_query_none(), got, sizeof got);
    ck_assert_str_eq(got, "");

    /* AND_MAYBE: matches of a; b only lifts doc 1 to the top. */
    q = Q2(XAPC_OP_AND_MAYBE, T("a"), T("b"), 0);
    m = run(db, q, NULL);
    ck_assert_uint_eq(xapc_mset_size(m), 2);
    ck_assert_uint_eq(xapc_mset_docid(m, 0), 1);
    ck_assert_uint_eq(xapc_mset_docid(m, 1), 2);
    ck_assert(xapc_mset_weight(m, 0) > xapc_mset_weight(m, 1));
    ck_assert_uint_eq(xapc_mset_rank(m, 1), 1);
    xapc_mset_free(m);
    xapc_query_free(q);

    /* FILTER weights doc 1 by the first sub-query only. */
    q = Q2(XAPC_OP_FILTER, T("a"), T("b"), 0);
    m = run(db, q, NULL);
    {
        xapc_query_t *qa = T("a");
        xapc_mset_t *ma = run(db, qa, NULL);
        size_t i = xapc_mset_docid(ma, 0) == 1 ? 0 : 1;
        ck_assert_uint_eq(xapc_mset_docid(ma, i), 1);
        ck_assert_uint_eq(xapc_mset_docid(m, 0), 1);
        ck_assert_double_eq_tol(xapc_mset_weight(m, 0),
                                xapc_mset_weight(ma, i), 1e-9);
        xapc_mset_free(ma);
        xapc_query_free(qa);
    }
    xapc_mset_free(m);
    xapc_query_free(q);
    xapc_db_free(db);
}
END_TEST

START_TEST(test_query_misc)
{
    xapc_query_t *q = Q2(XAPC_OP_OR, T("b"), Q2(XAPC_OP_AND, T("a"), T("b"), 0),
                         0);
    xapc_query_t *subs[2];
    char *d;
    struct strs s;

    d = xapc_query_describe(q);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(strstr(d, "OR"));
    free(d);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_query_terms(q, collect, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "a,b");
    ck_assert_int_eq(xapc_query_is_empty(q), 0);
    ck_assert_int_eq(xapc_query_terms(NULL, collect, &s), XAPC_ERR_INVALID);

    subs[0] = q;
    subs[1] = NULL;
    ck_assert_ptr_null(xapc_query_combine(XAPC_OP_AND, subs, 2, 0));
    ck_assert_ptr_null(xapc_query_combine((xapc_op_t)77, subs, 1, 0));
    ck_assert_ptr_null(xapc_query_scale(q, -1.0));
    ck_assert_ptr_null(xapc_query_scale(NULL, 1.0));
    ck_assert_ptr_null(xapc_query_term(NULL, 2, 1, 0));
    xapc_query_free(q);

    /* Xapian refuses PHRASE over an AND sub-query. */
    subs[0] = Q2(XAPC_OP_AND, T("a"), T("b"), 0);
    subs[1] = T("c");
    ck_assert_ptr_null(xapc_query_combine(XAPC_OP_PHRASE, subs, 2, 0));
    xapc_query_free(subs[0]);
    xapc_query_free(subs[1]);

    q = xapc_query_combine(XAPC_OP_AND, NULL, 0, 0);
    ck_assert_ptr_nonnull(q);
    ck_assert_int_eq(xapc_query_is_empty(q), 1);
    xapc_query_free(q);
    q = xapc_query_none();
    ck_assert_int_eq(xapc_query_is_empty(q), 1);
    xapc_query_free(q);
}
END_TEST

START_TEST(test_value_range)
{
    xapc_db_t *db = open_w("db");
    char got[256];
    add_text_value(db, "x", 0, "20240101"); /* 1 */
    add_text_value(db, "x", 0, "20240215"); /* 2 */
    add_text_value(db, "x", 0, "20240320"); /* 3 */
    add_text_value(db, "x", 1, "other");    /* 4: slot 0 empty */
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    matches(db, xapc_query_value_range(0, "20240201", 8, "20240331", 8), got,
            sizeof got);
    ck_assert_str_eq(got, "2,3");
    matches(db, xapc_query_value_ge(0, "20240215", 8), got, sizeof got);
    ck_assert_str_eq(got, "2,3");
    matches(db, xapc_query_value_le(0, "20240215", 8), got, sizeof got);
    ck_assert_str_eq(got, "1,2");
    /* Combined with a term, as a date filter would be. */
    matches(db,
            Q2(XAPC_OP_FILTER, T("x"), xapc_query_value_le(0, "20240101", 8),
               0),
            got, sizeof got);
    ck_assert_str_eq(got, "1");
    xapc_db_free(db);
}
END_TEST

START_TEST(test_scale_weight)
{
    xapc_db_t *db = open_w("db");
    char got[64];
    xapc_query_t *a, *a2;
    xapc_mset_t *m1, *m2;
    add_text(db, "apple", NULL);  /* 1 */
    add_text(db, "banana", NULL); /* 2 */
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    /* Equal weights: docid order decides. */
    ranked(db, Q2(XAPC_OP_OR, T("apple"), T("banana"), 0), NULL, got,
           sizeof got);
    ck_assert_str_eq(got, "1,2");
    a = T("banana");
    ranked(db, Q2(XAPC_OP_OR, T("apple"), xapc_query_scale(a, 3.0), 0), NULL,
           got, sizeof got);
    xapc_query_free(a);
    ck_assert_str_eq(got, "2,1");

    a = T("apple");
    a2 = xapc_query_scale(a, 2.0);
    m1 = run(db, a, NULL);
    m2 = run(db, a2, NULL);
    ck_assert_double_eq_tol(xapc_mset_weight(m2, 0),
                            2.0 * xapc_mset_weight(m1, 0), 1e-9);
    xapc_mset_free(m1);
    xapc_mset_free(m2);
    xapc_query_free(a);
    xapc_query_free(a2);
    xapc_db_free(db);
}
END_TEST

START_TEST(test_bm25_params)
{
    xapc_db_t *db = open_w("db");
    xapc_doc_t *doc = NULL;
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_query_t *q = T("x");
    xapc_mset_t *m;

    /* Same length (5), different wdf of x. */
    ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_term(doc, "x", 1, 1), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_term(doc, "pad", 3, 4), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_doc(db, doc, NULL), XAPC_OK); /* 1 */
    ck_assert_int_eq(xapc_doc_clear_terms(doc), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_term(doc, "x", 1, 4), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_term(doc, "pad", 3, 1), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_doc(db, doc, NULL), XAPC_OK); /* 2 */
    add_text(db, "filler", NULL);                              /* 3 */
    xapc_doc_free(doc);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    m = run(db, q, &p);
    ck_assert_uint_eq(xapc_mset_size(m), 2);
    ck_assert_uint_eq(xapc_mset_docid(m, 0), 2);
    ck_assert(xapc_mset_weight(m, 0) > xapc_mset_weight(m, 1) + 1e-6);
    xapc_mset_free(m);

    /* k1 = 0 switches wdf off: both documents weigh the same. */
    p.bm25_k1 = 0.0;
    m = run(db, q, &p);
    ck_assert_uint_eq(xapc_mset_size(m), 2);
    ck_assert_double_eq_tol(xapc_mset_weight(m, 0), xapc_mset_weight(m, 1),
                            1e-9);
    ck_assert_uint_eq(xapc_mset_docid(m, 0), 1);
    xapc_mset_free(m);

    p = (xapc_enquire_params_t)XAPC_ENQUIRE_PARAMS_INIT;
    p.weighting = XAPC_WEIGHT_BOOL;
    m = run(db, q, &p);
    ck_assert_double_eq(xapc_mset_weight(m, 0), 0.0);
    xapc_mset_free(m);

    p = (xapc_enquire_params_t)XAPC_ENQUIRE_PARAMS_INIT;
    p.bm25_k1 = -1.0;
    m = NULL;
    ck_assert_int_eq(xapc_db_query(db, q, &p, &m), XAPC_ERR_INVALID);
    ck_assert_ptr_null(m);
    p = (xapc_enquire_params_t)XAPC_ENQUIRE_PARAMS_INIT;
    p.version = 99;
    ck_assert_int_eq(xapc_db_query(db, q, &p, &m), XAPC_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(xapc_db_errmsg(db), "version"));
    p = (xapc_enquire_params_t)XAPC_ENQUIRE_PARAMS_INIT;
    p.time_limit = -0.5;
    ck_assert_int_eq(xapc_db_query(db, q, &p, &m), XAPC_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(xapc_db_errmsg(db), "time_limit"));
    ck_assert_int_eq(xapc_mset_time_limited(NULL), 0);
    xapc_query_free(q);
    xapc_db_free(db);
}
END_TEST

/* Xapian arms the time limit with a POSIX timer whose expiry runs on
 * glibc's helper thread; ThreadSanitizer cannot follow that thread, so
 * this case is tagged "timer" and the TSAN build leaves it out. */
START_TEST(test_time_limit)
{
    xapc_db_t *db = open_w("db");
    xapc_doc_t *doc = NULL;
    xapc_enquire_params_t p;
    xapc_query_t *q = T("x");
    xapc_mset_t *m = NULL;
    int i;

    ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
    for (i = 0; i < 20; i++) {
        ck_assert_int_eq(xapc_doc_clear_terms(doc), XAPC_OK);
        ck_assert_int_eq(xapc_doc_add_term(doc, "x", 1, 1 + i % 3), XAPC_OK);
        ck_assert_int_eq(xapc_db_add_doc(db, doc, NULL), XAPC_OK);
    }
    xapc_doc_free(doc);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);
    /* A limit long enough is not reached; a limit of a nanosecond is,
     * and the page is the same. */
    p = (xapc_enquire_params_t)XAPC_ENQUIRE_PARAMS_INIT;
    p.time_limit = 600;
    ck_assert_int_eq(xapc_db_query(db, q, &p, &m), XAPC_OK);
    ck_assert_int_eq(xapc_mset_time_limited(m), 0);
    {
        size_t n = xapc_mset_size(m);
        xapc_docid_t first = n ? xapc_mset_docid(m, 0) : 0;
        xapc_mset_free(m);
        p.time_limit = 1e-9;
        ck_assert_int_eq(xapc_db_query(db, q, &p, &m), XAPC_OK);
        ck_assert_int_eq(xapc_mset_time_limited(m), 1);
        ck_assert_uint_eq(xapc_mset_size(m), n);
        if (n)
            ck_assert_uint_eq(xapc_mset_docid(m, 0), first);
        xapc_mset_free(m);
    }
    xapc_query_free(q);
    xapc_db_free(db);
}
END_TEST

START_TEST(test_sort_by_value)
{
    xapc_db_t *db = open_w("db");
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    char got[64];
    add_text_value(db, "news", 0, "b"); /* 1 */
    add_text_value(db, "news", 0, "c"); /* 2 */
    add_text_value(db, "news", 0, "a"); /* 3 */
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    p.sort = XAPC_SORT_VALUE;
    p.sort_slot = 0;
    ranked(db, T("news"), &p, got, sizeof got);
    ck_assert_str_eq(got, "3,1,2");
    p.sort_reverse = 1;
    ranked(db, T("news"), &p, got, sizeof got);
    ck_assert_str_eq(got, "2,1,3");
    p.sort = XAPC_SORT_VALUE_THEN_RELEVANCE;
    ranked(db, T("news"), &p, got, sizeof got);
    ck_assert_str_eq(got, "2,1,3");
    p.sort = XAPC_SORT_RELEVANCE_THEN_VALUE;
    p.sort_reverse = 0;
    ranked(db, T("news"), &p, got, sizeof got);
    ck_assert_str_eq(got, "3,1,2");
    p.sort = XAPC_SORT_RELEVANCE;
    p.docid_order = XAPC_DOCID_DESCENDING;
    ranked(db, T("news"), &p, got, sizeof got);
    ck_assert_str_eq(got, "3,2,1");
    xapc_db_free(db);
}
END_TEST

START_TEST(test_collapse)
{
    xapc_db_t *db = open_w("db");
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_query_t *q = T("story");
    xapc_mset_t *m;
    size_t len;
    add_text_value(db, "story", 1, "x"); /* 1 */
    add_text_value(db, "story", 1, "x"); /* 2 */
    add_text_value(db, "story", 1, "x"); /* 3 */
    add_text_value(db, "story", 1, "y"); /* 4 */
    add_text_value(db, "story", 1, "y"); /* 5 */
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    p.collapse_slot = 1;
    p.collapse_max = 1;
    p.check_at_least = 5;
    m = run(db, q, &p);
    ck_assert_uint_eq(xapc_mset_size(m), 2);
    ck_assert_uint_eq(xapc_mset_docid(m, 0), 1);
    ck_assert_str_eq(xapc_mset_collapse_key(m, 0, &len), "x");
    ck_assert_uint_eq(len, 1);
    ck_assert_uint_eq(xapc_mset_collapse_count(m, 0), 2);
    ck_assert_uint_eq(xapc_mset_docid(m, 1), 4);
    ck_assert_str_eq(xapc_mset_collapse_key(m, 1, NULL), "y");
    ck_assert_uint_eq(xapc_mset_collapse_count(m, 1), 1);
    ck_assert_uint_eq(xapc_mset_matches_estimated(m), 2);
    xapc_mset_free(m);

    p.collapse_max = 2;
    m = run(db, q, &p);
    ck_assert_uint_eq(xapc_mset_size(m), 4);
    xapc_mset_free(m);

    /* The collapse slot copied for each hit is the hit's own value
     * (taken from the collapse key), beside a slot read from the
     * document; and the same without collapsing. */
    {
        static const xapc_slot_t copy[] = { 1, 0 };
        int c;

        p.copy_values = copy;
        p.n_copy_values = 2;
        for (c = 0; c < 2; c++) {
            size_t i, vlen;

            p.collapse_max = c ? 1 : 0;
            m = run(db, q, &p);
            ck_assert_uint_eq(xapc_mset_size(m), c ? 2 : 5);
            for (i = 0; i < xapc_mset_size(m); i++) {
                xapc_docid_t d = xapc_mset_docid(m, i);
                const char *v = xapc_mset_value(m, i, 0, &vlen);

                ck_assert_str_eq(v, d <= 3 ? "x" : "y");
                ck_assert_uint_eq(vlen, 1);
                ck_assert_uint_eq(xapc_mset_value(m, i, 1, &vlen)[0],
                                  0);
                ck_assert_uint_eq(vlen, 0);
            }
            xapc_mset_free(m);
        }
        p.copy_values = NULL;
        p.n_copy_values = 0;
    }
    xapc_query_free(q);
    xapc_db_free(db);
}
END_TEST

START_TEST(test_collapse_exact_count)
{
    xapc_db_t *db = open_w("db");
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_query_t *q = T("story");
    xapc_mset_t *m;
    int i;
    char key[8];

    /* 30 groups of 3: the page of 5 cannot see them all. */
    for (i = 0; i < 90; i++) {
        snprintf(key, sizeof(key), "g%02d", i % 30);
        add_text_value(db, "story", 1, key);
    }
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);
    p.collapse_slot = 1;
    p.collapse_max = 1;
    p.check_at_least = 90;
    p.maxitems = 5;
    p.exact_count = XAPC_COUNT_RESULTS;
    m = run(db, q, &p);
    ck_assert_uint_eq(xapc_mset_size(m), 5);
    ck_assert_uint_eq(xapc_mset_matches_estimated(m), 30);
    ck_assert_uint_eq(xapc_mset_matches_lower_bound(m), 30);
    ck_assert_uint_eq(xapc_mset_matches_upper_bound(m), 30);
    xapc_mset_free(m);

    /* Every matching document, copies included, without weighing. */
    p.exact_count = XAPC_COUNT_MATCHES;
    p.check_at_least = 0;
    m = run(db, q, &p);
    ck_assert_uint_eq(xapc_mset_size(m), 5);
    ck_assert_uint_eq(xapc_mset_collapse_count(m, 0), 2);
    ck_assert_uint_eq(xapc_mset_matches_estimated(m), 90);
    ck_assert_uint_eq(xapc_mset_matches_lower_bound(m), 90);
    ck_assert_uint_eq(xapc_mset_matches_upper_bound(m), 90);
    xapc_mset_free(m);
    xapc_query_free(q);
    xapc_db_free(db);
}
END_TEST

START_TEST(test_date_decay_and_fixed_weight)
{
    xapc_db_t *db = open_w("db");
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_query_t *decay, *fixed, *q;
    xapc_mset_t *m;

    add_text_value(db, "news", 0, "20240101000000"); /* 1: a year old */
    add_text_value(db, "news", 0, "20241225120000"); /* 2: a week old */
    add_text_value(db, "news", 0, "20250101000000"); /* 3: the origin */
    add_text_value(db, "news", 0, "bogus");          /* 4: no date */
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    decay = xapc_query_date_decay(0, "20250101", 8, 7.0, 2.0);
    ck_assert_ptr_nonnull(decay);
    m = run(db, decay, &p);
    ck_assert_uint_eq(xapc_mset_size(m), 4);
    ck_assert_uint_eq(xapc_mset_docid(m, 0), 3);
    ck_assert_double_eq_tol(xapc_mset_weight(m, 0), 2.0, 1e-9);
    ck_assert_uint_eq(xapc_mset_docid(m, 1), 2);
    /* 6.5 days at a 7-day half-life. */
    ck_assert_double_eq_tol(xapc_mset_weight(m, 1), 2.0 * pow(0.5, 6.5 / 7),
                            1e-9);
    ck_assert_double_eq_tol(xapc_mset_weight(m, 3), 0.0, 1e-12);
    xapc_mset_free(m);
    ck_assert_ptr_null(xapc_query_date_decay(0, "2025", 4, 7.0, 2.0));
    ck_assert_ptr_null(xapc_query_date_decay(0, "20250101", 8, 0.0, 2.0));

    fixed = xapc_query_fixed_weight(5.0);
    q = Q2(XAPC_OP_FILTER, fixed, T("news"), 0);
    m = run(db, q, &p);
    ck_assert_uint_eq(xapc_mset_size(m), 4);
    ck_assert_double_eq_tol(xapc_mset_weight(m, 2), 5.0, 1e-12);
    xapc_mset_free(m);
    ck_assert_ptr_null(xapc_query_fixed_weight(-1.0));
    xapc_query_free(q);
    xapc_query_free(decay);
    xapc_db_free(db);
}
END_TEST

START_TEST(test_spies_and_copied_values)
{
    static const char *topics[] = {"sport", "news", "sport", "arts",
                                   "sport", "arts", "news"};
    xapc_db_t *db = open_w("db");
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_slot_t spy[2] = {2, 5};
    xapc_slot_t copy[3] = {2, 0, 9};
    xapc_query_t *q = xapc_query_all();
    xapc_mset_t *m;
    xapc_doc_t *doc;
    const char *v;
    size_t len, i;
    xapc_doccount_t count;
    char id[16];

    for (i = 0; i < 7; ++i) {
        doc = NULL;
        ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
        ck_assert_int_eq(xapc_doc_add_term(doc, "t", 1, 1), XAPC_OK);
        ck_assert_int_eq(
            xapc_doc_set_value(doc, 2, topics[i], strlen(topics[i])), XAPC_OK);
        snprintf(id, sizeof id, "id%u", (unsigned)i + 1);
        ck_assert_int_eq(xapc_doc_set_value(doc, 0, id, strlen(id)), XAPC_OK);
        ck_assert_int_eq(xapc_db_add_doc(db, doc, NULL), XAPC_OK);
        xapc_doc_free(doc);
    }
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    p.maxitems = 3;
    p.check_at_least = 7;
    p.spy_slots = spy;
    p.n_spy_slots = 2;
    p.copy_values = copy;
    p.n_copy_values = 3;
    m = run(db, q, &p);
    ck_assert_uint_eq(xapc_mset_size(m), 3);

    ck_assert_uint_eq(xapc_mset_facet_total(m, 0), 7);
    ck_assert_uint_eq(xapc_mset_facet_count(m, 0), 3);
    ck_assert_int_eq(xapc_mset_facet(m, 0, 0, &v, &len, &count), XAPC_OK);
    ck_assert_str_eq(v, "sport");
    ck_assert_uint_eq(len, 5);
    ck_assert_uint_eq(count, 3);
    ck_assert_int_eq(xapc_mset_facet(m, 0, 1, &v, &len, &count), XAPC_OK);
    ck_assert_str_eq(v, "arts"); /* tie with news: value order */
    ck_assert_uint_eq(count, 2);
    ck_assert_int_eq(xapc_mset_facet(m, 0, 2, &v, NULL, &count), XAPC_OK);
    ck_assert_str_eq(v, "news");
    ck_assert_uint_eq(count, 2);
    ck_assert_int_eq(xapc_mset_facet(m, 0, 3, &v, &len, &count),
                     XAPC_ERR_INVALID);
    /* Slot 5 is empty everywhere. */
    ck_assert_uint_eq(xapc_mset_facet_count(m, 1), 0);
    ck_assert_uint_eq(xapc_mset_facet_count(m, 2), 0);

    /* Copied values, in copy_values order. */
    for (i = 0; i < 3; ++i) {
        snprintf(id, sizeof id, "id%u", xapc_mset_docid(m, i));
        ck_assert_str_eq(xapc_mset_value(m, i, 0, &len),
                         topics[xapc_mset_docid(m, i) - 1]);
        ck_assert_str_eq(xapc_mset_value(m, i, 1, &len), id);
        ck_assert_uint_eq(len, strlen(id));
        ck_assert_str_eq(xapc_mset_value(m, i, 2, &len), "");
        ck_assert_uint_eq(len, 0);
    }
    ck_assert_ptr_null(xapc_mset_value(m, 0, 3, &len));
    ck_assert_ptr_null(xapc_mset_value(m, 3, 0, &len));
    xapc_mset_free(m);

    p.spy_slots = NULL;
    ck_assert_int_eq(xapc_db_query(db, q, &p, &m), XAPC_ERR_INVALID);
    xapc_query_free(q);
    xapc_db_free(db);
}
END_TEST

START_TEST(test_exact_count)
{
    xapc_db_t *db = open_w("db");
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_query_t *q;
    xapc_mset_t *m;
    unsigned i, expect = 0;
    char text[64];

    for (i = 1; i <= 300; ++i) {
        snprintf(text, sizeof text, "doc%s%s%s", i % 2 ? " odd" : " even",
                 i % 3 ? "" : " three", i % 5 ? "" : " five");
        add_text(db, text, NULL);
        if (i % 2 == 0 && (i % 3 == 0 || i % 5 == 0))
            ++expect;
    }
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    q = Q2(XAPC_OP_AND, T("even"), Q2(XAPC_OP_OR, T("three"), T("five"), 0),
           0);
    p.maxitems = 3;
    p.check_at_least = 300;
    m = run(db, q, &p);
    ck_assert_uint_eq(xapc_mset_size(m), 3);
    ck_assert_uint_eq(xapc_mset_matches_estimated(m), expect);
    ck_assert_uint_eq(xapc_mset_matches_lower_bound(m), expect);
    ck_assert_uint_eq(xapc_mset_matches_upper_bound(m), expect);
    xapc_mset_free(m);

    /* Paging: first skips ranks. */
    p.first = 2;
    m = run(db, q, &p);
    ck_assert_uint_eq(xapc_mset_rank(m, 0), 2);
    xapc_mset_free(m);
    xapc_query_free(q);
    xapc_db_free(db);
}
END_TEST

/* The documents with any of a few terms, counted from the terms'
 * frequencies and intersections: the count of their OR, whatever the
 * order of the terms, with or without the intersection given. */
START_TEST(test_count_union)
{
    xapc_db_t *db = open_w("db");
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    const char *t[4] = { "two", "three", "five", "none" };
    size_t lens[4] = { 3, 5, 4, 4 };
    const char *r[3] = { "five", "two", "three" };
    size_t rlens[3] = { 4, 3, 5 };
    xapc_doccount_t n = 0, both;
    xapc_query_t *q, *s;
    xapc_mset_t *m;
    unsigned i;
    char text[64], term[16];

    for (i = 1; i <= 300; ++i) {
        snprintf(text, sizeof text, "doc%s%s%s", i % 2 ? "" : " two",
                 i % 3 ? "" : " three", i % 5 ? "" : " five");
        add_text(db, text, NULL);
    }
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    /* Two terms: 150 + 100 - 50; the intersection given or counted. */
    ck_assert_int_eq(xapc_db_count_union(db, t, lens, 2, NULL, &n), XAPC_OK);
    ck_assert_uint_eq(n, 200);
    both = 50;
    ck_assert_int_eq(xapc_db_count_union(db, t, lens, 2, &both, &n),
                     XAPC_OK);
    ck_assert_uint_eq(n, 200);
    /* Three, in any order: the OR's count. */
    q = Q2(XAPC_OP_OR, Q2(XAPC_OP_OR, T("two"), T("three"), 0), T("five"), 0);
    p.maxitems = 0;
    p.check_at_least = 300;
    p.weighting = XAPC_WEIGHT_BOOL;
    m = run(db, q, &p);
    ck_assert_int_eq(xapc_db_count_union(db, t, lens, 3, NULL, &n), XAPC_OK);
    ck_assert_uint_eq(n, xapc_mset_matches_estimated(m));
    ck_assert_uint_eq(n, 150 + 100 + 60 - 50 - 30 - 20 + 10);
    ck_assert_int_eq(xapc_db_count_union(db, r, rlens, 3, NULL, &n), XAPC_OK);
    ck_assert_uint_eq(n, xapc_mset_matches_estimated(m));
    xapc_mset_free(m);
    xapc_query_free(q);
    /* A term in no document, one term alone, a term twice. */
    ck_assert_int_eq(xapc_db_count_union(db, t, lens, 4, NULL, &n), XAPC_OK);
    ck_assert_uint_eq(n, 220);
    ck_assert_int_eq(xapc_db_count_union(db, t + 3, lens + 3, 1, NULL, &n),
                     XAPC_OK);
    ck_assert_uint_eq(n, 0);
    r[1] = "five";
    rlens[1] = 4;
    ck_assert_int_eq(xapc_db_count_union(db, r, rlens, 2, NULL, &n), XAPC_OK);
    ck_assert_uint_eq(n, 60);
    both = 60;
    ck_assert_int_eq(xapc_db_count_union(db, r, rlens, 2, &both, &n),
                     XAPC_OK);
    ck_assert_uint_eq(n, 60);
    /* Bad arguments. */
    ck_assert_int_eq(xapc_db_count_union(db, t, lens, 0, NULL, &n),
                     XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_db_count_union(db, NULL, lens, 2, NULL, &n),
                     XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_db_count_union(db, t, lens, 2, NULL, NULL),
                     XAPC_ERR_INVALID);

    /* The term of a one-term query, scaled or not; none for others. */
    q = T("three");
    ck_assert_uint_eq(xapc_query_term_of(q, term, sizeof term), 5);
    ck_assert_int_eq(memcmp(term, "three", 5), 0);
    ck_assert_uint_eq(xapc_query_term_of(q, term, 4), 0);
    s = xapc_query_scale(q, 2.5);
    ck_assert_uint_eq(xapc_query_term_of(s, term, sizeof term), 5);
    xapc_query_free(s);
    s = Q2(XAPC_OP_OR, T("two"), T("five"), 0);
    ck_assert_uint_eq(xapc_query_term_of(s, term, sizeof term), 0);
    ck_assert_uint_eq(xapc_query_term_of(NULL, term, sizeof term), 0);
    xapc_query_free(s);
    xapc_query_free(q);
    xapc_db_free(db);
}
END_TEST

/* The count in a second thread, on a second handle: the same totals as
 * counting after the ranked pass, at the revision the handle reads. */
START_TEST(test_parallel_count)
{
    xapc_db_t *w = open_w("db"), *r;
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_query_t *q, *cq;
    xapc_mset_t *m;
    unsigned i, expect = 0;
    char text[64], key[8];

    for (i = 1; i <= 300; ++i) {
        snprintf(text, sizeof text, "doc%s%s%s", i % 2 ? " odd" : " even",
                 i % 3 ? "" : " three", i % 5 ? "" : " five");
        snprintf(key, sizeof key, "g%u", i % 7);
        add_text_value(w, text, 1, key);
        if (i % 2 == 0 && (i % 3 == 0 || i % 5 == 0))
            ++expect;
    }
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    r = open_db("db", XAPC_DB_READONLY);

    /* Two trees with the same matches, as the caller must build them. */
    q = Q2(XAPC_OP_AND, T("even"), Q2(XAPC_OP_OR, T("three"), T("five"), 0),
           0);
    cq = Q2(XAPC_OP_AND, T("even"), Q2(XAPC_OP_OR, T("three"), T("five"), 0),
            0);
    p.maxitems = 3;
    p.collapse_slot = 1;
    p.collapse_max = 1;
    p.exact_count = XAPC_COUNT_MATCHES;
    p.count_query = cq;
    for (i = 0; i < 20; i++) {
        m = run(r, q, &p);
        ck_assert_uint_eq(xapc_mset_size(m), 3);
        ck_assert_uint_eq(xapc_mset_matches_estimated(m), expect);
        ck_assert_uint_eq(xapc_mset_matches_lower_bound(m), expect);
        xapc_mset_free(m);
    }

    /* A writable handle counts after the ranked pass. */
    m = run(w, q, &p);
    ck_assert_uint_eq(xapc_mset_matches_estimated(m), expect);
    xapc_mset_free(m);

    /* A newer revision on disk: the count is still of the revision the
     * handle reads, like the page. */
    for (i = 0; i < 10; ++i)
        add_text_value(w, "doc even three", 1, "new");
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    m = run(r, q, &p);
    ck_assert_uint_eq(xapc_mset_matches_estimated(m), expect);
    xapc_mset_free(m);
    ck_assert_int_eq(xapc_db_reopen(r, NULL), XAPC_OK);
    m = run(r, q, &p);
    ck_assert_uint_eq(xapc_mset_matches_estimated(m), expect + 10);
    xapc_mset_free(m);

    /* Version 1 parameters have no count_query, and still work. */
    p.version = 1;
    m = run(r, q, &p);
    ck_assert_uint_eq(xapc_mset_matches_estimated(m), expect + 10);
    xapc_mset_free(m);

    /* Version 3: the calling thread counts the lower half of the docids
     * after the page, with its own copy, unless the count thread began
     * it; either way each match is counted once.  Also with a page that
     * takes longer than the count, and with version 2 parameters. */
    {
        xapc_query_t *cq2 = Q2(XAPC_OP_AND, T("even"),
                               Q2(XAPC_OP_OR, T("three"), T("five"), 0), 0);
        p.version = 3;
        p.count_query_self = cq2;
        for (i = 0; i < 20; i++) {
            p.maxitems = i % 2 ? 3 : 400;
            m = run(r, q, &p);
            ck_assert_uint_eq(xapc_mset_matches_estimated(m), expect + 10);
            xapc_mset_free(m);
        }
        p.version = 2;
        m = run(r, q, &p);
        ck_assert_uint_eq(xapc_mset_matches_estimated(m), expect + 10);
        xapc_mset_free(m);
        xapc_query_free(cq2);
    }

    /* A child of fork() has none of the handle's count thread: it
     * counts by itself, and frees the handle without waiting for it. */
    {
        pid_t child;
        int status = 0;

        p.version = 2;
        p.count_query_self = NULL;
        child = fork();
        ck_assert_int_ge(child, 0);
        if (child == 0) {
            xapc_mset_t *cm = NULL;
            int bad = xapc_db_query(r, q, &p, &cm) != XAPC_OK ||
                      xapc_mset_matches_estimated(cm) != expect + 10;

            xapc_mset_free(cm);
            xapc_db_free(r);
            _exit(bad);
        }
        ck_assert_int_eq(waitpid(child, &status, 0), child);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), 0);
        m = run(r, q, &p);
        ck_assert_uint_eq(xapc_mset_matches_estimated(m), expect + 10);
        xapc_mset_free(m);
    }

    xapc_query_free(q);
    xapc_query_free(cq);
    xapc_db_free(r);
    xapc_db_free(w);
}
END_TEST

/* value_match: a value predicate, asked about candidates one at a time. */
struct vm_ctx {
    unsigned calls;
    int freed;
};

/* The number of a value "vN"; -1 for another value. */
static int vm_number(const char *v, size_t len)
{
    char buf[16];
    if (len < 2 || len >= sizeof buf || v[0] != 'v')
        return -1;
    memcpy(buf, v + 1, len - 1);
    buf[len - 1] = '\0';
    return atoi(buf);
}

static int vm_pred(void *ctx, const char *v, size_t len)
{
    struct vm_ctx *c = ctx;
    int n = vm_number(v, len);
    if (n < 0)
        return 0;
    if (c) /* NULL where a second thread checks too: nothing to count */
        c->calls++;
    return n % 5 == 0;
}

static void vm_free(void *ctx)
{
    ((struct vm_ctx *)ctx)->freed = 1;
}

/* The matching docids, ascending, as a count and a checksum. */
static void vm_run(xapc_db_t *db, const xapc_query_t *q, unsigned *n,
                   unsigned long *sum, unsigned *exact)
{
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_mset_t *m;
    size_t i;
    p.maxitems = 2000;
    p.exact_count = XAPC_COUNT_MATCHES;
    m = run(db, q, &p);
    *n = (unsigned)xapc_mset_size(m);
    *sum = 0;
    for (i = 0; i < *n; ++i)
        *sum += xapc_mset_docid(m, i) * 2654435761UL % 1000003;
    *exact = xapc_mset_matches_estimated(m);
    xapc_mset_free(m);
}

START_TEST(test_value_match)
{
    xapc_db_t *w = open_w("db"), *a, *b;
    struct vm_ctx c = { 0, 0 };
    xapc_query_t *vm, *q;
    unsigned i, n, exact, want_and = 0, want_alone = 0, want_or = 0,
                          want_not = 0;
    unsigned long sum, s_and = 0, s_alone = 0, s_or = 0, s_not = 0;
    char text[64], val[16], *d;

    for (i = 1; i <= 400; ++i) {
        int even = i % 2 == 0, three = i % 3 == 0, has = i % 7 != 0;
        int pass = has && i % 5 == 0;
        unsigned long h = i * 2654435761UL % 1000003;
        snprintf(text, sizeof text, "all%s%s", even ? " even" : "",
                 three ? " three" : "");
        snprintf(val, sizeof val, "v%u", i);
        if (has)
            add_text_value(w, text, 2, val);
        else
            add_text(w, text, NULL);
        if (even && three && pass) {
            ++want_and;
            s_and += h;
        }
        if (pass) {
            ++want_alone;
            s_alone += h;
        }
        if (three || (even && pass)) {
            ++want_or;
            s_or += h;
        }
        if (!pass) {
            ++want_not;
            s_not += h;
        }
    }
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);

    vm = xapc_query_value_match(2, vm_pred, &c, vm_free, "every fifth", NULL);
    ck_assert_ptr_nonnull(vm);
    d = xapc_query_describe(vm);
    ck_assert_ptr_nonnull(strstr(d, "every fifth"));
    free(d);

    /* Beside a selective query, only its candidates are asked about. */
    q = Q2(XAPC_OP_FILTER, Q2(XAPC_OP_AND, T("even"), T("three"), 0),
           xapc_query_value_match(2, vm_pred, &c, NULL, NULL, NULL), 0);
    c.calls = 0;
    vm_run(w, q, &n, &sum, &exact);
    ck_assert_uint_eq(n, want_and);
    ck_assert_uint_eq(exact, want_and);
    ck_assert_uint_eq(sum, s_and);
    ck_assert_uint_le(c.calls, 400 / 6 + 1);
    xapc_query_free(q);

    /* Alone it reads the slot through; documents without it fail. */
    vm_run(w, vm, &n, &sum, &exact);
    ck_assert_uint_eq(n, want_alone);
    ck_assert_uint_eq(sum, s_alone);

    q = Q2(XAPC_OP_OR, T("three"),
           Q2(XAPC_OP_FILTER, T("even"),
              xapc_query_value_match(2, vm_pred, &c, NULL, NULL, NULL), 0),
           0);
    vm_run(w, q, &n, &sum, &exact);
    ck_assert_uint_eq(n, want_or);
    ck_assert_uint_eq(exact, want_or);
    ck_assert_uint_eq(sum, s_or);
    xapc_query_free(q);

    q = Q2(XAPC_OP_AND_NOT, T("all"),
           xapc_query_value_match(2, vm_pred, &c, NULL, NULL, NULL), 0);
    vm_run(w, q, &n, &sum, &exact);
    ck_assert_uint_eq(n, want_not);
    ck_assert_uint_eq(exact, want_not);
    ck_assert_uint_eq(sum, s_not);
    xapc_query_free(q);

    /* Two databases together: each is checked with its own docids. */
    a = open_db("db", XAPC_DB_READONLY);
    b = open_db("db", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_add_database(a, b), XAPC_OK);
    q = Q2(XAPC_OP_FILTER, Q2(XAPC_OP_AND, T("even"), T("three"), 0),
           xapc_query_value_match(2, vm_pred, &c, NULL, NULL, NULL), 0);
    vm_run(a, q, &n, &sum, &exact);
    ck_assert_uint_eq(n, 2 * want_and);
    ck_assert_uint_eq(exact, 2 * want_and);
    xapc_query_free(q);
    xapc_db_free(b);
    xapc_db_free(a);

    /* A memo shared by two copies of a check: the second asks nothing,
     * and the answers are the same. */
    {
        xapc_value_memo_t *memo;
        xapc_docid_t last = 0;
        unsigned n2, exact2;
        unsigned long sum2;
        xapc_query_t *q1, *q2;

        ck_assert_int_eq(xapc_db_lastdocid(w, &last), XAPC_OK);
        memo = xapc_value_memo_new(last);
        ck_assert_ptr_nonnull(memo);
        q1 = Q2(XAPC_OP_FILTER, T("even"),
                xapc_query_value_match(2, vm_pred, &c, NULL, NULL, memo), 0);
        q2 = Q2(XAPC_OP_FILTER, T("even"),
                xapc_query_value_match(2, vm_pred, &c, NULL, NULL, memo), 0);
        xapc_value_memo_free(memo); /* the queries keep it */
        a = open_db("db", XAPC_DB_READONLY);
        c.calls = 0;
        vm_run(a, q1, &n, &sum, &exact);
        ck_assert_uint_gt(c.calls, 0);
        c.calls = 0;
        vm_run(a, q2, &n2, &sum2, &exact2);
        ck_assert_uint_eq(c.calls, 0);
        ck_assert_uint_eq(n2, n);
        ck_assert_uint_eq(sum2, sum);
        ck_assert_uint_eq(exact2, exact);
        /* Another revision: the memo is not trusted there. */
        add_text_value(w, "all even", 2, "v0");
        ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
        ck_assert_int_eq(xapc_db_reopen(a, NULL), XAPC_OK);
        c.calls = 0;
        vm_run(a, q2, &n2, &sum2, &exact2);
        ck_assert_uint_gt(c.calls, 0);
        ck_assert_uint_eq(exact2, exact + 1);
        xapc_query_free(q1);
        xapc_query_free(q2);
        xapc_db_free(a);
    }

    /* The context is released with the last copy of the query. */
    ck_assert_int_eq(c.freed, 0);
    xapc_query_free(vm);
    ck_assert_int_eq(c.freed, 1);
    c.freed = 0;
    ck_assert_ptr_null(xapc_query_value_match(2, NULL, &c, vm_free, NULL, NULL));
    ck_assert_int_eq(c.freed, 1);
    xapc_db_free(w);
}
END_TEST

/* Docs 1..600 for the deferred checks: "word", "three" in every third,
 * "pad" i / 20 times (later documents are longer and weigh less), and
 * the value v<i> that vm_pred passes for every fifth. */
static unsigned dc_fill(xapc_db_t *w, unsigned *cand)
{
    char text[600], val[16];
    unsigned i, j, pass = 0;
    *cand = 0;
    for (i = 1; i <= 600; ++i) {
        size_t used = (size_t)snprintf(text, sizeof text, "word%s",
                                       i % 3 == 0 ? " three" : "");
        for (j = 0; j < i / 20; ++j)
            used += (size_t)snprintf(text + used, sizeof text - used,
                                     " pad");
        snprintf(val, sizeof val, "v%u", i);
        add_text_value(w, text, 2, val);
        if (i % 3 == 0) {
            ++*cand;
            pass += i % 5 == 0;
        }
    }
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    return pass;
}

static xapc_query_t *dc_check(struct vm_ctx *c)
{
    xapc_query_t *q = xapc_query_value_match(2, vm_pred, c, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(q);
    return q;
}

/* The same query with its check kept in the tree: under OR beside a
 * term no document has, which adds neither matches nor weight. */
static xapc_query_t *dc_kept(xapc_query_t *q)
{
    return Q2(XAPC_OP_OR, q, T("absent"), 0);
}

static void dc_same(xapc_db_t *db, const xapc_query_t *a,
                    const xapc_query_t *b, const char *what)
{
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_mset_t *x, *y;
    size_t i;
    p.maxitems = 7;
    p.exact_count = XAPC_COUNT_MATCHES;
    x = run(db, a, &p);
    y = run(db, b, &p);
    ck_assert_msg(xapc_mset_size(x) == xapc_mset_size(y), "%s: size", what);
    ck_assert_msg(xapc_mset_size(x) > 0, "%s: no hits", what);
    for (i = 0; i < xapc_mset_size(x); ++i) {
        ck_assert_msg(xapc_mset_docid(x, i) == xapc_mset_docid(y, i),
                      "%s: hit %zu", what, i);
        ck_assert_double_eq_tol(xapc_mset_weight(x, i), xapc_mset_weight(y, i),
                                1e-9);
    }
    ck_assert_msg(xapc_mset_matches_estimated(x) ==
                      xapc_mset_matches_estimated(y),
                  "%s: count", what);
    xapc_mset_free(x);
    xapc_mset_free(y);
}

/* A check every match must pass waits until a document could make the
 * page: the same hits and weights as with the check in the tree, with
 * far fewer checks. */
/* A check bound per database: each shard's documents are tested with the
 * context its UUID chooses (here a modulus of its own), and a database
 * bind knows nothing of fails every document. */
struct vb_ctx {
    char uuid[2][64];
    int mod[2];
    unsigned binds;
};

static int vb_pred(void *ctx, const char *v, size_t len)
{
    const int *mod = ctx;
    int n = vm_number(v, len);
    return n >= 0 && n % *mod == 0;
}

static void *vb_bind(void *ctx, const char *uuid, size_t len)
{
    struct vb_ctx *c = ctx;
    int i;
    c->binds++;
    for (i = 0; i < 2; ++i)
        if (strlen(c->uuid[i]) == len && memcmp(c->uuid[i], uuid, len) == 0)
            return &c->mod[i];
    return NULL;
}

START_TEST(test_value_match_bound)
{
    xapc_db_t *w1 = open_w("db1"), *w2 = open_w("db2"), *a, *b;
    struct vb_ctx c;
    xapc_query_t *q;
    unsigned i, n, exact;
    unsigned long sum;
    char val[16], *u;

    memset(&c, 0, sizeof c);
    c.mod[0] = 5;
    c.mod[1] = 3;
    for (i = 1; i <= 90; ++i) {
        snprintf(val, sizeof val, "v%u", i);
        add_text_value(w1, "all", 2, val);
        add_text_value(w2, "all", 2, val);
    }
    ck_assert_int_eq(xapc_db_commit(w1), XAPC_OK);
    ck_assert_int_eq(xapc_db_commit(w2), XAPC_OK);
    ck_assert_int_eq(xapc_db_uuid(w1, &u), XAPC_OK);
    snprintf(c.uuid[0], sizeof c.uuid[0], "%s", u);
    free(u);
    ck_assert_int_eq(xapc_db_uuid(w2, &u), XAPC_OK);
    snprintf(c.uuid[1], sizeof c.uuid[1], "%s", u);
    free(u);

    ck_assert_ptr_null(xapc_query_value_match_bound(2, vb_pred, NULL, &c,
                                                    NULL, NULL));
    /* One database: its own modulus. */
    q = Q2(XAPC_OP_FILTER, T("all"),
           xapc_query_value_match_bound(2, vb_pred, vb_bind, &c, NULL,
                                        "bound"), 0);
    vm_run(w2, q, &n, &sum, &exact);
    ck_assert_uint_eq(n, 30);
    ck_assert_uint_eq(exact, 30);

    /* Combined: 18 of the first (every fifth), 30 of the second. */
    a = open_db("db1", XAPC_DB_READONLY);
    b = open_db("db2", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_add_database(a, b), XAPC_OK);
    c.binds = 0;
    vm_run(a, q, &n, &sum, &exact);
    ck_assert_uint_eq(n, 18 + 30);
    ck_assert_uint_eq(exact, 18 + 30);
    ck_assert_uint_ge(c.binds, 2);
    /* The first database's documents are the odd docids here. */
    {
        xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
        xapc_mset_t *m;
        size_t k, odd = 0;
        p.maxitems = 200;
        m = run(a, q, &p);
        for (k = 0; k < xapc_mset_size(m); ++k)
            odd += xapc_mset_docid(m, k) % 2;
        ck_assert_uint_eq(odd, 18);
        xapc_mset_free(m);
    }
    /* A database bind does not know: none of its documents pass. */
    c.uuid[1][0] = '\0';
    vm_run(a, q, &n, &sum, &exact);
    ck_assert_uint_eq(n, 18);
    xapc_query_free(q);
    xapc_db_free(b);
    xapc_db_free(a);
    xapc_db_free(w2);
    xapc_db_free(w1);
}
END_TEST

START_TEST(test_value_match_deferred)
{
    xapc_db_t *w = open_w("db");
    struct vm_ctx c = { 0, 0 };
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_query_t *shape[6], *q, *k;
    xapc_mset_t *m1, *m2;
    unsigned cand, calls1, calls2, i;
    const char *name[6] = { "filter", "and", "and_maybe", "and_not",
                            "scale", "check first" };

    dc_fill(w, &cand);
    q = Q2(XAPC_OP_FILTER, Q2(XAPC_OP_AND, T("word"), T("three"), 0),
           dc_check(&c), 0);
    k = dc_kept(Q2(XAPC_OP_FILTER, Q2(XAPC_OP_AND, T("word"), T("three"), 0),
                   dc_check(&c), 0));
    p.maxitems = 5;
    c.calls = 0;
    m1 = run(w, q, &p);
    calls1 = c.calls;
    c.calls = 0;
    m2 = run(w, k, &p);
    calls2 = c.calls;
    ck_assert_uint_eq(xapc_mset_size(m1), 5);
    for (i = 0; i < 5; ++i)
        ck_assert_uint_eq(xapc_mset_docid(m1, i), xapc_mset_docid(m2, i));
    ck_assert_uint_eq(calls2, cand); /* in the tree: every candidate */
    ck_assert_uint_lt(calls1, cand / 2);
    xapc_mset_free(m1);
    xapc_mset_free(m2);
    xapc_query_free(q);
    xapc_query_free(k);

    /* Every conjunctive shape, and one that cannot wait (the check as
     * the weighted operand): each against itself with the check kept. */
    for (i = 0; i < 12; ++i) {
        xapc_query_t *sub;
        switch (i / 2) {
        case 0:
            sub = Q2(XAPC_OP_FILTER, Q2(XAPC_OP_AND, T("word"), T("three"), 0),
                     dc_check(&c), 0);
            break;
        case 1:
            sub = Q2(XAPC_OP_AND, T("three"), dc_check(&c), 0);
            break;
        case 2:
            sub = Q2(XAPC_OP_AND_MAYBE,
                     Q2(XAPC_OP_FILTER, T("three"), dc_check(&c), 0),
                     T("pad"), 0);
            break;
        case 3:
            sub = Q2(XAPC_OP_AND_NOT,
                     Q2(XAPC_OP_FILTER, T("word"), dc_check(&c), 0),
                     T("three"), 0);
            break;
        case 4:
            q = Q2(XAPC_OP_FILTER, T("three"), dc_check(&c), 0);
            sub = xapc_query_scale(q, 2.5);
            ck_assert_ptr_nonnull(sub);
            xapc_query_free(q);
            break;
        default:
            sub = Q2(XAPC_OP_FILTER, dc_check(&c), T("three"), 0);
            break;
        }
        if (i % 2 == 0) {
            shape[i / 2] = sub;
        } else {
            k = dc_kept(sub);
            dc_same(w, shape[i / 2], k, name[i / 2]);
            xapc_query_free(shape[i / 2]);
            xapc_query_free(k);
        }
    }
    xapc_db_free(w);
}
END_TEST

/* count_exact_max: a total exact up to that many matches (also at exactly
 * that many), estimated above from slices, with bounds that hold; the
 * same estimate on a writable handle (counted after the page), on a
 * reader counting in a second thread, and on one counting after the
 * page; a term alone always exact. */
START_TEST(test_count_exact_max)
{
    xapc_db_t *w = open_w("db"), *r;
    xapc_doccount_t ref = 0, est[3] = { 0, 0, 0 };
    static const xapc_doccount_t limits[] = { 0, 587, 10000, 586, 60 };
    unsigned cand, l, h;

    dc_fill(w, &cand);
    r = open_db("db", XAPC_DB_READONLY);
    /* "pad" in the 581 documents from the 20th, "three" in every third:
     * 587 documents with one or the other. */
    for (l = 0; l < sizeof limits / sizeof limits[0]; ++l) {
        for (h = 0; h < 3; ++h) {
            xapc_db_t *db = h == 0 ? w : r;
            xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
            xapc_query_t *q = Q2(XAPC_OP_OR, T("three"), T("pad"), 0);
            xapc_query_t *cq = Q2(XAPC_OP_OR, T("three"), T("pad"), 0);
            xapc_mset_t *m;
            xapc_doccount_t lo, hi, e;

            p.exact_count = XAPC_COUNT_MATCHES;
            p.count_query = h == 1 ? cq : NULL;
            p.count_exact_max = limits[l];
            m = run(db, q, &p);
            ck_assert_uint_eq(xapc_mset_size(m), 10);
            lo = xapc_mset_matches_lower_bound(m);
            hi = xapc_mset_matches_upper_bound(m);
            e = xapc_mset_matches_estimated(m);
            if (l == 0 && h == 0)
                ref = e;
            if (l < 3) {
                ck_assert_uint_eq(ref, 587);
                ck_assert_uint_eq(lo, ref);
                ck_assert_uint_eq(hi, ref);
                ck_assert_uint_eq(e, ref);
            } else {
                ck_assert_msg(lo < hi, "limit %u, handle %u: exact %u",
                              limits[l], h, e);
                ck_assert_uint_ge(lo, 10);
                ck_assert_uint_le(lo, ref);
                ck_assert_uint_ge(hi, ref);
                ck_assert_uint_ge(e, ref / 2);
                ck_assert_uint_le(e, ref * 2);
                est[h] = e;
            }
            xapc_mset_free(m);
            xapc_query_free(q);
            xapc_query_free(cq);
        }
        if (l >= 3) {
            /* The slices are the same however the count runs. */
            ck_assert_uint_eq(est[0], est[1]);
            ck_assert_uint_eq(est[1], est[2]);
        }
    }
    /* A term alone: its frequency. */
    {
        xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
        xapc_query_t *q = T("pad");
        xapc_mset_t *m;

        p.exact_count = XAPC_COUNT_MATCHES;
        p.count_exact_max = 5;
        m = run(r, q, &p);
        ck_assert_uint_eq(xapc_mset_matches_lower_bound(m), 581);
        ck_assert_uint_eq(xapc_mset_matches_upper_bound(m), 581);
        xapc_mset_free(m);
        xapc_query_free(q);
    }
    xapc_db_free(r);
    xapc_db_free(w);
}
END_TEST

/* count_loose: exact up to count_sample candidates (also at exactly that
 * many), estimated above, with bounds that hold; on a writable handle
 * (after the page) and on a reader (in a second thread). */
START_TEST(test_count_loose)
{
    xapc_db_t *w = open_w("db"), *r;
    unsigned cand, pass, round;

    pass = dc_fill(w, &cand);
    r = open_db("db", XAPC_DB_READONLY);
    for (round = 0; round < 6; ++round) {
        xapc_db_t *db = round % 2 ? r : w;
        /* Exact up to count_sample candidates, and no further. */
        int exact = round < 2 || round == 4;
        xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
        xapc_query_t *q = Q2(XAPC_OP_FILTER,
                             Q2(XAPC_OP_AND, T("word"), T("three"), 0),
                             dc_check(NULL), 0);
        xapc_query_t *cq = Q2(XAPC_OP_FILTER,
                              Q2(XAPC_OP_AND, T("word"), T("three"), 0),
                              dc_check(NULL), 0);
        xapc_query_t *lq = Q2(XAPC_OP_AND, T("word"), T("three"), 0);
        xapc_mset_t *m;

        p.exact_count = XAPC_COUNT_MATCHES;
        p.count_query = db == r ? cq : NULL;
        p.count_loose = lq;
        p.count_sample = round < 2   ? 1000
                         : round < 4 ? 150
                                     : cand + 4 - round; /* cand, cand - 1 */
        m = run(db, q, &p);
        ck_assert_uint_eq(xapc_mset_size(m), 10);
        if (exact) {
            /* Fewer candidates than count_sample: exact. */
            ck_assert_uint_eq(xapc_mset_matches_estimated(m), pass);
            ck_assert_uint_eq(xapc_mset_matches_lower_bound(m), pass);
            ck_assert_uint_eq(xapc_mset_matches_upper_bound(m), pass);
        } else {
            /* More: an estimate between what was seen and the
             * candidates, never below the page. */
            xapc_doccount_t lo = xapc_mset_matches_lower_bound(m);
            xapc_doccount_t hi = xapc_mset_matches_upper_bound(m);
            xapc_doccount_t est = xapc_mset_matches_estimated(m);
            ck_assert_uint_eq(hi, cand);
            ck_assert_uint_lt(lo, hi);
            ck_assert_uint_ge(lo, 10);
            ck_assert_uint_le(lo, pass);
            ck_assert_uint_ge(est, lo);
            ck_assert_uint_le(est, hi);
            /* 8 slices of about 9 candidates, a fifth passing. */
            ck_assert_uint_ge(est, pass / 2);
            ck_assert_uint_le(est, pass * 2);
        }
        xapc_mset_free(m);
        xapc_query_free(q);
        xapc_query_free(cq);
        xapc_query_free(lq);
    }
    xapc_db_free(r);
    xapc_db_free(w);
}
END_TEST

/* Document lengths from a table (xapc_enquire_params.doc_lengths). */

/* Query shape k of lt_query(); NULL past the last. */
static xapc_query_t *lt_query(int k)
{
    xapc_query_t *q, *subs[3];
    switch (k) {
    case 0: return T("c");
    case 1:
        subs[0] = T("b");
        subs[1] = T("c");
        subs[2] = T("d");
        q = xapc_query_combine(XAPC_OP_OR, subs, 3, 0);
        xapc_query_free(subs[0]);
        xapc_query_free(subs[1]);
        xapc_query_free(subs[2]);
        return q;
    case 2: return Q2(XAPC_OP_AND, T("b"), T("c"), 0);
    case 3: return Q2(XAPC_OP_AND_NOT, T("b"), T("d"), 0);
    case 4: return Q2(XAPC_OP_AND_MAYBE, T("c"), T("b"), 0);
    case 5: return Q2(XAPC_OP_FILTER, T("c"), T("b"), 0);
    case 6: return Q2(XAPC_OP_XOR, T("c"), T("d"), 0);
    case 7:
        subs[0] = Q2(XAPC_OP_OR, T("c"), T("d"), 0);
        q = xapc_query_scale(subs[0], 2.5);
        xapc_query_free(subs[0]);
        return q;
    case 8: return Q2(XAPC_OP_MAX, T("c"), T("d"), 0);
    case 9: return Q2(XAPC_OP_OR, T("a"), T("d"), 0); /* a: dense */
    case 10: return xapc_query_term("c", 1, 3, 0);    /* wqf 3 */
    case 11:
        return Q2(XAPC_OP_AND, Q2(XAPC_OP_PHRASE, T("x"), T("y"), 2),
                  T("b"), 0);
    case 12: return Q2(XAPC_OP_OR, T("big"), T("d"), 0); /* length > 65535 */
    case 13: return Q2(XAPC_OP_SYNONYM, T("c"), T("d"), 0);
    case 14:
        return Q2(XAPC_OP_AND,
                  xapc_query_value_match(2, vm_pred, NULL, NULL, NULL, NULL),
                  Q2(XAPC_OP_OR, T("b"), T("d"), 0), 0);
    case 15:
        return Q2(XAPC_OP_OR, T("d"),
                  xapc_query_value_range(2, "v1", 2, "v3", 2), 0);
    /* Phrases and NEAR weigh as the AND of their terms, filtered by
     * Xapian's own check (fast_positional): alone, unordered, under OR
     * and NOT, scaled. */
    case 16: return Q2(XAPC_OP_PHRASE, T("x"), T("y"), 2);
    case 17: return Q2(XAPC_OP_NEAR, T("y"), T("x"), 3);
    case 18: return Q2(XAPC_OP_OR, Q2(XAPC_OP_PHRASE, T("y"), T("x"), 2),
                       T("d"), 0);
    case 19: return Q2(XAPC_OP_AND_NOT, T("b"),
                       Q2(XAPC_OP_PHRASE, T("x"), T("y"), 2), 0);
    case 20:
        subs[0] = Q2(XAPC_OP_PHRASE, T("x"), T("y"), 2);
        q = xapc_query_scale(subs[0], 1.5);
        xapc_query_free(subs[0]);
        return q;
    default: return NULL;
    }
}

/* Run query shape k with doc_lengths set to how; the hits, and their
 * weights, in rank order. */
static size_t lt_run(xapc_db_t *db, int k, int how, xapc_docid_t *ids,
                     double *wts)
{
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_query_t *q = lt_query(k);
    xapc_mset_t *m;
    size_t i, n;
    ck_assert_ptr_nonnull(q);
    p.maxitems = 60;
    p.bm25_b = 0.75;
    p.doc_lengths = how;
    m = run(db, q, &p);
    n = xapc_mset_size(m);
    for (i = 0; i < n; ++i) {
        ids[i] = xapc_mset_docid(m, i);
        wts[i] = xapc_mset_weight(m, i);
    }
    xapc_mset_free(m);
    xapc_query_free(q);
    return n;
}

/* Every shape gives the same hits and weights both ways. */
static void lt_compare(xapc_db_t *db)
{
    xapc_docid_t a[60], b[60];
    double wa[60], wb[60];
    int k;
    for (k = 0;; ++k) {
        xapc_query_t *probe = lt_query(k);
        size_t i, na, nb;
        if (!probe)
            break;
        xapc_query_free(probe);
        na = lt_run(db, k, XAPC_LENGTHS_XAPIAN, a, wa);
        nb = lt_run(db, k, XAPC_LENGTHS_TABLE, b, wb);
        ck_assert_msg(na == nb, "shape %d: %zu hits, %zu with a table", k,
                      na, nb);
        ck_assert_msg(na > 0, "shape %d matches nothing", k);
        for (i = 0; i < na; ++i) {
            ck_assert_msg(a[i] == b[i], "shape %d, rank %zu: %u, %u", k, i,
                          a[i], b[i]);
            ck_assert_msg(fabs(wa[i] - wb[i]) <= 1e-12 * fabs(wa[i]),
                          "shape %d, rank %zu: weight %.17g, %.17g", k, i,
                          wa[i], wb[i]);
            /* Unscaled, the very same doubles. */
            if (k != 7 && k != 20)
                ck_assert_msg(wa[i] == wb[i], "shape %d: %.17g != %.17g", k,
                              wa[i], wb[i]);
        }
    }
}

START_TEST(test_length_table)
{
    xapc_db_t *w = open_w("db"), *r, *r2;
    xapc_doc_t *doc = NULL;
    xapc_docid_t ids[60];
    double wts[60];
    char text[512], val[16];
    unsigned i, j;

    /* 400 documents of 1 to 60 words: a in all, b in half, c in a
     * tenth, d in a fiftieth, "x y" in a seventh; one with a word
     * 70,000 times, longer than a table entry holds. */
    for (i = 1; i <= 400; ++i) {
        size_t used = (size_t)snprintf(text, sizeof text, "a%s%s%s%s",
                                       i % 2 ? "" : " b",
                                       i % 10 ? "" : " c",
                                       i % 50 ? "" : " d c",
                                       i % 7 ? "" : " x y");
        for (j = 0; j < (i * 37) % 60; ++j)
            used += (size_t)snprintf(text + used, sizeof text - used,
                                     " p%u", j % 9);
        snprintf(val, sizeof val, "v%u", i % 11);
        add_text_value(w, text, 2, val);
        if (i == 200) {
            ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
            ck_assert_int_eq(xapc_doc_add_term(doc, "big", 3, 70000),
                             XAPC_OK);
            ck_assert_int_eq(xapc_doc_add_term(doc, "d", 1, 1), XAPC_OK);
            ck_assert_int_eq(xapc_db_add_doc(w, doc, NULL), XAPC_OK);
            add_text(w, "big c", NULL);
        }
    }
    /* Positions for the phrase: add_text_value adds none. */
    for (i = 0; i < 30; ++i)
        add_text(w, i % 3 ? "x y b" : "y x b p1 p2", NULL);
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    r = open_db("db", XAPC_DB_READONLY);

    ck_assert_int_eq(xapc_db_has_length_table(r), 0);
    lt_run(r, 0, XAPC_LENGTHS_XAPIAN, ids, wts);
    ck_assert_int_eq(xapc_db_has_length_table(r), 0);
    lt_compare(r);
    ck_assert_int_eq(xapc_db_has_length_table(r), 1);

    /* Never on a writable handle: its lengths may be pending. */
    lt_run(w, 0, XAPC_LENGTHS_TABLE, ids, wts);
    ck_assert_int_eq(xapc_db_has_length_table(w), 0);

    /* A new revision with a document made much longer: the table is
     * out of date until a search reads it again, with the new length. */
    ck_assert_int_eq(xapc_doc_clear_terms(doc), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_term(doc, "c", 1, 1), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_term(doc, "pad", 3, 500), XAPC_OK);
    ck_assert_int_eq(xapc_db_replace_doc(w, 10, doc), XAPC_OK);
    xapc_doc_free(doc);
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    ck_assert_int_eq(xapc_db_reopen(r, NULL), XAPC_OK);
    ck_assert_int_eq(xapc_db_has_length_table(r), 0);
    lt_compare(r);
    ck_assert_int_eq(xapc_db_has_length_table(r), 1);

    /* AUTO: c is in 41 of 432 documents, and a search for it is
     * estimated to save the reading of half of the lengths; the table is
     * read at the second.  A word in no document saves nothing, and
     * XAPIAN never reads it. */
    r2 = open_db("db", XAPC_DB_READONLY);
    for (i = 0; i < 5; ++i) {
        lt_run(r2, 0, XAPC_LENGTHS_AUTO, ids, wts); /* c */
        ck_assert_int_eq(xapc_db_has_length_table(r2), i >= 1);
    }
    xapc_db_free(r2);
    r2 = open_db("db", XAPC_DB_READONLY);
    for (i = 0; i < 5; ++i) {
        xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
        xapc_query_t *q = T("nosuchword");
        xapc_mset_free(run(r2, q, &p));
        xapc_query_free(q);
        lt_run(r2, 1, XAPC_LENGTHS_XAPIAN, ids, wts);
    }
    ck_assert_int_eq(xapc_db_has_length_table(r2), 0);
    xapc_db_free(r2);

    xapc_db_free(r);
    xapc_db_free(w);
}
END_TEST

/* Collapsing by a table of keys (xapc_enquire_params.collapse_keys). */

/* Query shape k for the key table; NULL past the last. */
static xapc_query_t *kt_query(int k)
{
    switch (k) {
    case 0: return T("hot");
    case 1: return T("b");
    case 2: return Q2(XAPC_OP_OR, T("b"), T("c"), 0);
    case 3: return Q2(XAPC_OP_AND, T("a"), T("c"), 0);
    case 4: return Q2(XAPC_OP_OR, T("hot"), T("d"), 0);
    case 5: return T("nosuchword");
    default: return NULL;
    }
}

/* Shape k with collapse_keys how, from hit `first`, sorted by relevance
 * or by slot 2; the results. */
static xapc_mset_t *kt_run(xapc_db_t *db, int k, int how,
                           xapc_doccount_t first, int by_value)
{
    static const xapc_slot_t copied[] = { 5, 2 };
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_query_t *q = kt_query(k);
    xapc_mset_t *m;
    ck_assert_ptr_nonnull(q);
    p.first = first;
    p.maxitems = 10;
    p.collapse_slot = 5;
    p.collapse_max = 1;
    p.exact_count = XAPC_COUNT_MATCHES;
    p.copy_values = copied;
    p.n_copy_values = 2;
    p.collapse_keys = how;
    if (how == XAPC_KEYS_TABLE + 10) { /* no count asked for */
        p.collapse_keys = XAPC_KEYS_TABLE;
        p.exact_count = 0;
    }
    if (by_value) {
        p.sort = XAPC_SORT_VALUE_THEN_RELEVANCE;
        p.sort_slot = 2;
    }
    m = run(db, q, &p);
    xapc_query_free(q);
    return m;
}

/* The matching documents of shape k that share key, but for one. */
static xapc_doccount_t kt_others(xapc_db_t *db, int k, const char *key,
                                 xapc_docid_t but)
{
    static const xapc_slot_t copied[] = { 5 };
    xapc_enquire_params_t p = XAPC_ENQUIRE_PARAMS_INIT;
    xapc_query_t *q = kt_query(k);
    xapc_mset_t *m;
    xapc_doccount_t n = 0;
    size_t i;
    p.maxitems = 1000;
    p.copy_values = copied;
    p.n_copy_values = 1;
    m = run(db, q, &p);
    for (i = 0; i < xapc_mset_size(m); ++i)
        if (xapc_mset_docid(m, i) != but &&
            strcmp(xapc_mset_value(m, i, 0, NULL), key) == 0)
            ++n;
    xapc_mset_free(m);
    xapc_query_free(q);
    return n;
}

/* Xapian's collapse and the table's give the same pages: the same hits,
 * ranks, weights, keys, values and totals; the table's copies are
 * exact, and never fewer than Xapian's. */
static void kt_compare(xapc_db_t *db)
{
    int k, by_value;
    xapc_doccount_t first;
    xapc_query_t *probe;
    for (k = 0; (probe = kt_query(k)) != NULL; ++k) {
        xapc_query_free(probe);
        for (by_value = 0; by_value < 2; ++by_value)
            for (first = 0; first <= 20; first += 10) {
                xapc_mset_t *a = kt_run(db, k, XAPC_KEYS_XAPIAN, first,
                                        by_value);
                xapc_mset_t *b = kt_run(db, k, XAPC_KEYS_TABLE, first,
                                        by_value);
                size_t i, n = xapc_mset_size(a);
                ck_assert_msg(xapc_mset_size(b) == n,
                              "shape %d/%d from %u: %zu hits, %zu", k,
                              by_value, first, n, xapc_mset_size(b));
                ck_assert_uint_eq(xapc_mset_matches_estimated(a),
                                  xapc_mset_matches_estimated(b));
                ck_assert_uint_eq(xapc_mset_matches_lower_bound(a),
                                  xapc_mset_matches_lower_bound(b));
                ck_assert_uint_eq(xapc_mset_matches_upper_bound(a),
                                  xapc_mset_matches_upper_bound(b));
                for (i = 0; i < n; ++i) {
                    const char *key = xapc_mset_collapse_key(b, i, NULL);
                    xapc_docid_t did = xapc_mset_docid(b, i);
                    ck_assert_msg(xapc_mset_docid(a, i) == did,
                                  "shape %d/%d from %u, hit %zu: %u, %u", k,
                                  by_value, first, i, xapc_mset_docid(a, i),
                                  did);
                    ck_assert_uint_eq(xapc_mset_rank(a, i),
                                      xapc_mset_rank(b, i));
                    ck_assert(xapc_mset_weight(a, i) ==
                              xapc_mset_weight(b, i));
                    ck_assert_int_eq(xapc_mset_percent(a, i),
                                     xapc_mset_percent(b, i));
                    ck_assert_str_eq(xapc_mset_collapse_key(a, i, NULL),
                                     key);
                    ck_assert_str_eq(xapc_mset_value(a, i, 0, NULL),
                                     xapc_mset_value(b, i, 0, NULL));
                    ck_assert_str_eq(xapc_mset_value(b, i, 0, NULL), key);
                    ck_assert_str_eq(xapc_mset_value(a, i, 1, NULL),
                                     xapc_mset_value(b, i, 1, NULL));
                    ck_assert_uint_le(xapc_mset_collapse_count(a, i),
                                      xapc_mset_collapse_count(b, i));
                    ck_assert_uint_eq(xapc_mset_collapse_count(b, i),
                                      *key ? kt_others(db, k, key, did)
                                           : 0);
                }
                xapc_mset_free(a);
                xapc_mset_free(b);
            }
    }
}

START_TEST(test_key_table)
{
    xapc_db_t *w = open_w("db"), *r, *r2;
    xapc_doc_t *doc;
    char key[17], sortv[8];
    unsigned i;

    /* 600 documents: a in all, b in half, c in a tenth, d in a
     * fiftieth; groups of 1 to 6 by i % 97, none for every 13th, and
     * 40 copies of one story that "hot" ranks first, so that a page of
     * hot needs more than a few plain hits folded. */
    for (i = 1; i <= 600; ++i) {
        ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
        ck_assert_int_eq(xapc_doc_add_term(doc, "a", 1, 1), XAPC_OK);
        if (i % 2 == 0)
            ck_assert_int_eq(xapc_doc_add_term(doc, "b", 1, 1 + i % 3),
                             XAPC_OK);
        if (i % 10 == 0)
            ck_assert_int_eq(xapc_doc_add_term(doc, "c", 1, 1), XAPC_OK);
        if (i % 50 == 0)
            ck_assert_int_eq(xapc_doc_add_term(doc, "d", 1, 1), XAPC_OK);
        if (i % 15 == 0)
            ck_assert_int_eq(xapc_doc_add_term(doc, "hot", 3, 1), XAPC_OK);
        if (i <= 40)
            ck_assert_int_eq(xapc_doc_add_term(doc, "hot", 3, 9), XAPC_OK);
        ck_assert_int_eq(xapc_doc_add_term(doc, "pad", 3, 1 + i % 7),
                         XAPC_OK);
        if (i <= 40)
            snprintf(key, sizeof key, "%016x", 0xabcdefu);
        else
            snprintf(key, sizeof key, "%016x", (i % 97) * 0x1000193u);
        if (i % 13)
            ck_assert_int_eq(xapc_doc_set_value(doc, 5, key, 16), XAPC_OK);
        snprintf(sortv, sizeof sortv, "v%02u", i % 17);
        ck_assert_int_eq(xapc_doc_set_value(doc, 2, sortv, strlen(sortv)),
                         XAPC_OK);
        ck_assert_int_eq(xapc_db_add_doc(w, doc, NULL), XAPC_OK);
        xapc_doc_free(doc);
    }
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    r = open_db("db", XAPC_DB_READONLY);

    ck_assert_int_eq(xapc_db_has_key_table(r), 0);
    xapc_mset_free(kt_run(r, 0, XAPC_KEYS_XAPIAN, 0, 0));
    ck_assert_int_eq(xapc_db_has_key_table(r), 0);
    kt_compare(r);
    ck_assert_int_eq(xapc_db_has_key_table(r), 1);

    /* Without a count asked for, the same hits; the bounds are then
     * of every match, copies included. */
    {
        int k;
        for (k = 0; k <= 4; ++k) {
            xapc_mset_t *a = kt_run(r, k, XAPC_KEYS_XAPIAN, 0, 0);
            xapc_mset_t *b = kt_run(r, k, XAPC_KEYS_TABLE + 10, 0, 0);
            size_t h;
            ck_assert_uint_eq(xapc_mset_size(a), xapc_mset_size(b));
            for (h = 0; h < xapc_mset_size(a); ++h)
                ck_assert_uint_eq(xapc_mset_docid(a, h),
                                  xapc_mset_docid(b, h));
            ck_assert_uint_le(xapc_mset_matches_lower_bound(b),
                              xapc_mset_matches_estimated(a) +
                                  xapc_mset_matches_upper_bound(b));
            ck_assert_uint_ge(xapc_mset_matches_upper_bound(b),
                              xapc_mset_matches_estimated(a));
            xapc_mset_free(a);
            xapc_mset_free(b);
        }
    }

    /* Never on a writable handle: its keys may be pending. */
    xapc_mset_free(kt_run(w, 0, XAPC_KEYS_TABLE, 0, 0));
    ck_assert_int_eq(xapc_db_has_key_table(w), 0);

    /* A new revision: one of the 40 copies joins another group.  The
     * table is out of date until a search reads it again. */
    ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_term(doc, "hot", 3, 30), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_term(doc, "a", 1, 1), XAPC_OK);
    snprintf(key, sizeof key, "%016x", 7u);
    ck_assert_int_eq(xapc_doc_set_value(doc, 5, key, 16), XAPC_OK);
    ck_assert_int_eq(xapc_db_replace_doc(w, 3, doc), XAPC_OK);
    xapc_doc_free(doc);
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    ck_assert_int_eq(xapc_db_reopen(r, NULL), XAPC_OK);
    ck_assert_int_eq(xapc_db_has_key_table(r), 0);
    kt_compare(r);
    ck_assert_int_eq(xapc_db_has_key_table(r), 1);

    /* Both tables read at once, without a search; nothing on a
     * writable handle. */
    r2 = open_db("db", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_has_key_table(r2), 0);
    ck_assert_int_eq(xapc_db_has_length_table(r2), 0);
    ck_assert_int_eq(xapc_db_read_tables(r2, 5), XAPC_OK);
    ck_assert_int_eq(xapc_db_has_key_table(r2), 1);
    ck_assert_int_eq(xapc_db_has_length_table(r2), 1);
    xapc_db_free(r2);
    ck_assert_int_eq(xapc_db_read_tables(w, 5), XAPC_OK);
    ck_assert_int_eq(xapc_db_has_key_table(w), 0);
    ck_assert_int_eq(xapc_db_has_length_table(w), 0);

    /* AUTO: a search is estimated to save the reading of 2,000
     * documents, more than this index holds: the first reads it. */
    r2 = open_db("db", XAPC_DB_READONLY);
    xapc_mset_free(kt_run(r2, 1, XAPC_KEYS_AUTO, 0, 0));
    ck_assert_int_eq(xapc_db_has_key_table(r2), 1);
    xapc_db_free(r2);

    /* A key that is not 16 lower-case hex digits: no table, and Xapian
     * collapses as before. */
    ck_assert_int_eq(xapc_doc_new(&doc), XAPC_OK);
    ck_assert_int_eq(xapc_doc_add_term(doc, "hot", 3, 1), XAPC_OK);
    ck_assert_int_eq(xapc_doc_set_value(doc, 5, "ABCDEF0123456789", 16),
                     XAPC_OK);
    ck_assert_int_eq(xapc_db_add_doc(w, doc, NULL), XAPC_OK);
    xapc_doc_free(doc);
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    ck_assert_int_eq(xapc_db_reopen(r, NULL), XAPC_OK);
    {
        xapc_mset_t *a = kt_run(r, 0, XAPC_KEYS_XAPIAN, 0, 0);
        xapc_mset_t *b = kt_run(r, 0, XAPC_KEYS_TABLE, 0, 0);
        size_t h;
        ck_assert_int_eq(xapc_db_has_key_table(r), 0);
        ck_assert_uint_eq(xapc_mset_size(a), xapc_mset_size(b));
        for (h = 0; h < xapc_mset_size(a); ++h) {
            ck_assert_uint_eq(xapc_mset_docid(a, h), xapc_mset_docid(b, h));
            ck_assert_uint_eq(xapc_mset_collapse_count(a, h),
                              xapc_mset_collapse_count(b, h));
        }
        xapc_mset_free(a);
        xapc_mset_free(b);
    }

    xapc_db_free(r);
    xapc_db_free(w);
}
END_TEST

START_TEST(test_mset_survives_commit)
{
    xapc_db_t *w = open_w("db");
    xapc_db_t *r;
    xapc_query_t *q = T("story");
    xapc_mset_t *m;
    xapc_doccount_t n;
    int round;
    size_t len;

    add_text(w, "story one", "first data");
    add_text(w, "story two", "second data");
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    r = open_db("db", XAPC_DB_READONLY);
    m = run(r, q, NULL);
    ck_assert_uint_eq(xapc_mset_size(m), 2);

    /* The writer rewrites everything several times over. */
    for (round = 0; round < 4; ++round) {
        ck_assert_int_eq(xapc_db_delete_doc_by_term(w, "story", 5), XAPC_OK);
        add_text(w, "story three", "replaced");
        ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    }
    xapc_db_free(r);

    ck_assert_str_eq(xapc_mset_data(m, 0, &len), "first data");
    ck_assert_uint_eq(len, 10);
    ck_assert_str_eq(xapc_mset_data(m, 1, NULL), "second data");
    ck_assert_ptr_null(xapc_mset_data(m, 2, &len));
    ck_assert_uint_eq(len, 0);
    xapc_mset_free(m);

    r = open_db("db", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_doccount(r, &n), XAPC_OK);
    ck_assert_uint_eq(n, 1);
    xapc_db_free(r);
    xapc_query_free(q);
    xapc_db_free(w);
}
END_TEST

START_TEST(test_transactions)
{
    xapc_db_t *db = open_w("db");
    xapc_doccount_t n;

    ck_assert_int_eq(xapc_db_begin_transaction(db, 1), XAPC_OK);
    add_text(db, "gone", NULL);
    ck_assert_int_eq(xapc_db_begin_transaction(db, 1), XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_db_cancel_transaction(db), XAPC_OK);
    ck_assert_int_eq(xapc_db_doccount(db, &n), XAPC_OK);
    ck_assert_uint_eq(n, 0);

    ck_assert_int_eq(xapc_db_begin_transaction(db, 0), XAPC_OK);
    add_text(db, "kept", NULL);
    ck_assert_int_eq(xapc_db_commit_transaction(db), XAPC_OK);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);
    ck_assert_int_eq(xapc_db_doccount(db, &n), XAPC_OK);
    ck_assert_uint_eq(n, 1);

    ck_assert_int_eq(xapc_db_commit_transaction(db), XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_db_cancel_transaction(db), XAPC_ERR_INVALID);
    xapc_db_free(db);
}
END_TEST

START_TEST(test_spelling)
{
    xapc_db_t *db = open_w("db");
    char *s = NULL;

    ck_assert_int_eq(xapc_db_add_spelling(db, "newspaper", 9, 5), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_spelling(db, "newsprint", 9, 1), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_spelling(db, "", 0, 1), XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    ck_assert_int_eq(xapc_db_spelling_suggest(db, "newspaprr", 9, 2, &s),
                     XAPC_OK);
    ck_assert_str_eq(s, "newspaper");
    free(s);
    ck_assert_int_eq(xapc_db_spelling_suggest(db, "zzzzqqq", 7, 2, &s),
                     XAPC_OK);
    ck_assert_str_eq(s, "");
    free(s);

    ck_assert_int_eq(xapc_db_remove_spelling(db, "newspaper", 9, 5), XAPC_OK);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);
    ck_assert_int_eq(xapc_db_spelling_suggest(db, "newspaprr", 9, 2, &s),
                     XAPC_OK);
    ck_assert_str_ne(s, "newspaper");
    free(s);
    xapc_db_free(db);
}
END_TEST

START_TEST(test_synonyms)
{
    xapc_db_t *db = open_w("db");
    struct strs s;

    ck_assert_int_eq(xapc_db_add_synonym(db, "car", "automobile"), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_synonym(db, "car", "auto"), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_synonym(db, "cat", "feline"), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_synonym(db, "dog", "hound"), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_synonym(db, "", "x"), XAPC_ERR_INVALID);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_synonyms(db, "car", collect, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "auto,automobile");
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_synonym_keys(db, "ca", collect, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "car,cat");
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_synonym_keys(db, NULL, collect, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "car,cat,dog");

    ck_assert_int_eq(xapc_db_remove_synonym(db, "car", "auto"), XAPC_OK);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_synonyms(db, "car", collect, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "automobile");

    ck_assert_int_eq(xapc_db_clear_synonyms(db, "car"), XAPC_OK);
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_synonyms(db, "car", collect, &s), XAPC_OK);
    ck_assert_int_eq(s.calls, 0);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(xapc_db_synonym_keys(db, "", collect, &s), XAPC_OK);
    ck_assert_str_eq(s.buf, "cat,dog");
    xapc_db_free(db);
}
END_TEST

/* Terms of an eset as a sorted, comma-joined list. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void eset_terms(const xapc_eset_t *e, char *out, size_t outsz)
{
    const char *t[32];
    size_t i, n = xapc_eset_size(e), used = 0;
    ck_assert_uint_le(n, 32);
    for (i = 0; i < n; ++i) {
        t[i] = xapc_eset_term(e, i, NULL);
        ck_assert(xapc_eset_weight(e, i) > 0.0);
        if (i)
            ck_assert(xapc_eset_weight(e, i) <= xapc_eset_weight(e, i - 1));
    }
    qsort(t, n, sizeof t[0], cmp_str);
    out[0] = '\0';
    for (i = 0; i < n; ++i)
        used += (size_t)snprintf(out + used, outsz - used, "%s%s",
                                 i ? "," : "", t[i]);
}

START_TEST(test_expand)
{
    xapc_db_t *db = open_w("db");
    xapc_expand_params_t p = XAPC_EXPAND_PARAMS_INIT;
    xapc_docid_t rel[2] = {1, 2};
    xapc_eset_t *e = NULL;
    char got[256];
    size_t len;

    add_text(db, "ferry harbour boat sails Xsea", NULL); /* 1 */
    add_text(db, "ferry harbour captain Xsea", NULL);    /* 2 */
    add_text(db, "cake baking oven", NULL);              /* 3 */
    add_text(db, "cake recipe sugar", NULL);             /* 4 */
    add_text(db, "bus train ticket boat", NULL);         /* 5 */
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    p.maxterms = 3;
    ck_assert_int_eq(xapc_db_expand(db, rel, 2, &p, &e), XAPC_OK);
    eset_terms(e, got, sizeof got);
    ck_assert_str_eq(got, "Xsea,ferry,harbour");
    xapc_eset_free(e);

    p.unprefixed_only = 1;
    p.maxterms = 2;
    ck_assert_int_eq(xapc_db_expand(db, rel, 2, &p, &e), XAPC_OK);
    eset_terms(e, got, sizeof got);
    ck_assert_str_eq(got, "ferry,harbour");
    xapc_eset_free(e);

    p = (xapc_expand_params_t)XAPC_EXPAND_PARAMS_INIT;
    p.prefix = "X";
    ck_assert_int_eq(xapc_db_expand(db, rel, 2, &p, &e), XAPC_OK);
    ck_assert_uint_eq(xapc_eset_size(e), 1);
    ck_assert_str_eq(xapc_eset_term(e, 0, &len), "Xsea");
    ck_assert_uint_eq(len, 4);
    ck_assert_ptr_null(xapc_eset_term(e, 1, &len));
    xapc_eset_free(e);

    /* Terms of the query the documents came from are left out. */
    p = (xapc_expand_params_t)XAPC_EXPAND_PARAMS_INIT;
    p.exclude_query = T("ferry");
    p.maxterms = 2;
    p.unprefixed_only = 1;
    ck_assert_int_eq(xapc_db_expand(db, rel, 2, &p, &e), XAPC_OK);
    xapc_query_free((xapc_query_t *)p.exclude_query);
    ck_assert_str_eq(xapc_eset_term(e, 0, NULL), "harbour");
    eset_terms(e, got, sizeof got);
    ck_assert_ptr_null(strstr(got, "ferry"));
    xapc_eset_free(e);

    ck_assert_int_eq(xapc_db_expand(db, NULL, 0, NULL, &e), XAPC_OK);
    ck_assert_uint_eq(xapc_eset_size(e), 0);
    xapc_eset_free(e);
    xapc_db_free(db);
}
END_TEST

static void make_db(const char *name, const char *word, int ndocs)
{
    xapc_db_t *db = open_w(name);
    char text[64];
    int i;
    for (i = 0; i < ndocs; ++i) {
        snprintf(text, sizeof text, "common %s n%d", word, i);
        add_text(db, text, word);
    }
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);
    xapc_db_free(db);
}

START_TEST(test_compact)
{
    const char *srcs[2];
    char *err = (char *)"untouched";
    xapc_db_t *db;
    xapc_doccount_t n;
    char a[4096], b[4096];

    make_db("a", "alpha", 3);
    make_db("b", "beta", 4);
    snprintf(a, sizeof a, "%s", tpath("a"));
    snprintf(b, sizeof b, "%s", tpath("b"));
    srcs[0] = a;
    srcs[1] = b;

    ck_assert_int_eq(xapc_compact(srcs, 2, tpath("out"), 0, &err), XAPC_OK);
    ck_assert_ptr_null(err);
    db = open_db("out", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_doccount(db, &n), XAPC_OK);
    ck_assert_uint_eq(n, 7);
    ck_assert_int_eq(xapc_db_termfreq(db, "beta", 4, &n), XAPC_OK);
    ck_assert_uint_eq(n, 4);
    xapc_db_free(db);

    ck_assert_int_eq(xapc_compact(srcs, 2, tpath("single.glass"),
                                  XAPC_COMPACT_SINGLE_FILE |
                                      XAPC_COMPACT_MULTIPASS,
                                  NULL),
                     XAPC_OK);
    db = open_db("single.glass", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_doccount(db, &n), XAPC_OK);
    ck_assert_uint_eq(n, 7);
    xapc_db_free(db);

    /* Overlapping docids cannot be merged without renumbering. */
    ck_assert_int_eq(xapc_compact(srcs, 2, tpath("bad"),
                                  XAPC_COMPACT_NO_RENUMBER, &err),
                     XAPC_ERR_INVALID);
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(strncmp(err, "xapc_compact: ", 14), 0);
    free(err);

    srcs[1] = tpath("missing");
    ck_assert_int_eq(xapc_compact(srcs, 2, tpath("out2"), 0, &err),
                     XAPC_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(err);
    free(err);
    ck_assert_int_eq(xapc_compact(srcs, 0, tpath("out2"), 0, NULL),
                     XAPC_ERR_INVALID);
}
END_TEST

START_TEST(test_check)
{
    xapc_db_t *db = open_w("db");
    unsigned long nerr = 99;
    char *report = NULL, *err = NULL;
    char text[128];
    char buf[4096];
    struct stat st;
    int i, fd;
    xapc_status_t rc;

    for (i = 0; i < 2000; ++i) {
        snprintf(text, sizeof text, "word%d other%d common x%d y%d z%d", i,
                 i % 17, i % 101, i % 7, i);
        add_text(db, text, text);
    }
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);
    xapc_db_free(db);

    ck_assert_int_eq(xapc_check(tpath("db"), &nerr, &report, &err), XAPC_OK);
    ck_assert_uint_eq(nerr, 0);
    ck_assert_ptr_nonnull(report);
    ck_assert_ptr_null(err);
    free(report);

    /* Overwrite the middle of the postlist table with garbage. */
    ck_assert_int_eq(stat(tpath("db/postlist.glass"), &st), 0);
    ck_assert(st.st_size > 3 * 8192);
    memset(buf, 0xA5, sizeof buf);
    fd = open(tpath("db/postlist.glass"), O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, buf, sizeof buf, st.st_size / 2 + 100),
                     (ssize_t)sizeof buf);
    ck_assert_int_eq(close(fd), 0);

    report = NULL;
    rc = xapc_check(tpath("db"), &nerr, &report, &err);
    ck_assert_int_eq(rc, XAPC_ERR_CORRUPT);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_null(strchr(err, '\n'));
    free(err);
    free(report);

    /* libxapian 1.4 reports a missing path here as an opening error. */
    rc = xapc_check(tpath("nothing"), NULL, NULL, NULL);
    ck_assert(rc == XAPC_ERR_NOT_FOUND || rc == XAPC_ERR_OPENING);
}
END_TEST

START_TEST(test_stub_file)
{
    xapc_db_t *db;
    xapc_doccount_t n;
    char got[256];

    make_db("a", "alpha", 2);
    make_db("b", "beta", 3);
    write_file(tpath("both.stub"), "auto ./a\nauto ./b\n");

    db = open_db("both.stub", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_doccount(db, &n), XAPC_OK);
    ck_assert_uint_eq(n, 5);
    matches(db, T("alpha"), got, sizeof got);
    /* Shard docids interleave: a's are odd, b's even. */
    ck_assert_str_eq(got, "1,3");
    matches(db, T("beta"), got, sizeof got);
    ck_assert_str_eq(got, "2,4,6");
    xapc_db_free(db);
}
END_TEST

START_TEST(test_multi_db)
{
    xapc_db_t *a, *b, *w;
    xapc_doccount_t n;
    xapc_mset_t *m;
    xapc_query_t *q;
    size_t i;
    int seen_alpha = 0, seen_beta = 0;

    make_db("a", "alpha", 2);
    make_db("b", "beta", 2);
    a = open_db("a", XAPC_DB_READONLY);
    b = open_db("b", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_add_database(a, b), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_database(a, a), XAPC_ERR_INVALID);
    xapc_db_free(b); /* a keeps its own reference */

    ck_assert_int_eq(xapc_db_doccount(a, &n), XAPC_OK);
    ck_assert_uint_eq(n, 4);
    q = T("common");
    m = run(a, q, NULL);
    ck_assert_uint_eq(xapc_mset_size(m), 4);
    for (i = 0; i < 4; ++i) {
        const char *d = xapc_mset_data(m, i, NULL);
        seen_alpha += strcmp(d, "alpha") == 0;
        seen_beta += strcmp(d, "beta") == 0;
    }
    ck_assert_int_eq(seen_alpha, 2);
    ck_assert_int_eq(seen_beta, 2);
    xapc_mset_free(m);
    xapc_query_free(q);

    /* Only read-only handles aggregate. */
    w = open_w("c");
    ck_assert_int_eq(xapc_db_add_database(w, a), XAPC_ERR_INVALID);
    xapc_db_free(w);
    xapc_db_free(a);
}
END_TEST

/* A combined handle made from nothing hides what its shards list deleted:
 * their docids interleave, shard k's document l being (l - 1) * n + k + 1. */
START_TEST(test_combined_marks)
{
    xapc_db_t *w = open_db("m1", XAPC_DB_CREATE_OR_OPEN | XAPC_DB_NO_SYNC |
                                     XAPC_DB_NO_TERMLIST);
    xapc_db_t *r1, *r2, *all = NULL;
    xapc_docid_t b;
    xapc_doccount_t n = 0;
    xapc_doc_t *got = NULL;
    char ids[256];
    unsigned cnt;

    ck_assert_int_eq(xapc_db_track_deleted(w, "del"), XAPC_OK);
    add_art(w, "a", "apple");
    b = add_art(w, "b", "apple");
    add_art(w, "c", "apple");
    ck_assert_int_eq(xapc_db_delete_doc(w, b), XAPC_OK);
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    xapc_db_free(w);
    w = open_db("m2", XAPC_DB_CREATE_OR_OPEN | XAPC_DB_NO_SYNC);
    add_art(w, "d", "apple");
    add_art(w, "e", "apple");
    ck_assert_int_eq(xapc_db_commit(w), XAPC_OK);
    xapc_db_free(w);

    r1 = open_db("m1", XAPC_DB_READONLY);
    r2 = open_db("m2", XAPC_DB_READONLY);
    ck_assert_int_eq(xapc_db_track_deleted(r1, "del"), XAPC_OK);
    ck_assert_int_eq(xapc_db_new_combined(&all), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_database(all, r1), XAPC_OK);
    ck_assert_int_eq(xapc_db_add_database(all, r2), XAPC_OK);
    ck_assert_int_eq(xapc_db_doccount(all, &n), XAPC_OK);
    ck_assert_uint_eq(n, 4);
    /* b, the second document of shard 0 of 2, is document 3 here. */
    ck_assert_int_eq(xapc_db_get_doc(all, 3, &got), XAPC_ERR_NOT_FOUND);
    hits_of(all, "apple", ids, sizeof ids, &cnt);
    ck_assert_uint_eq(cnt, 4);
    ck_assert_ptr_null(strchr(ids, '3'));
    ids[0] = '\0';
    ck_assert_int_eq(xapc_db_postings(all, "Qb", 2, collect_ids, ids),
                     XAPC_OK);
    ck_assert_str_eq(ids, "");
    /* A combined handle that hides is not combined again. */
    ck_assert_int_eq(xapc_db_add_database(r2, all), XAPC_ERR_INVALID);
    xapc_db_free(all);
    xapc_db_free(r1);
    xapc_db_free(r2);
}
END_TEST

START_TEST(test_wildcard)
{
    xapc_db_t *db = open_w("db");
    xapc_query_t *q;
    xapc_mset_t *m = NULL;
    char got[64];
    add_text(db, "apple", NULL);         /* 1 */
    add_text(db, "apply", NULL);         /* 2 */
    add_text(db, "apricot", NULL);       /* 3 */
    add_text(db, "apricot banana", NULL); /* 4 */
    add_text(db, "banana", NULL);        /* 5 */
    ck_assert_int_eq(xapc_db_commit(db), XAPC_OK);

    matches(db, xapc_query_wildcard("ap", 2, 0, XAPC_WILDCARD_LIMIT_ERROR),
            got, sizeof got);
    ck_assert_str_eq(got, "1,2,3,4");

    q = xapc_query_wildcard("ap", 2, 2, XAPC_WILDCARD_LIMIT_ERROR);
    ck_assert_ptr_nonnull(q);
    ck_assert_int_eq(xapc_db_query(db, q, NULL, &m), XAPC_ERR_WILDCARD);
    ck_assert_ptr_null(m);
    ck_assert_ptr_nonnull(strstr(xapc_db_errmsg(db), "WildcardError"));
    xapc_query_free(q);

    /* FIRST: "apple", "apply" in byte order. */
    matches(db, xapc_query_wildcard("ap", 2, 2, XAPC_WILDCARD_LIMIT_FIRST),
            got, sizeof got);
    ck_assert_str_eq(got, "1,2");
    /* MOST_FREQUENT: "apricot" (2 docs) comes first. */
    matches(db,
            xapc_query_wildcard("ap", 2, 1, XAPC_WILDCARD_LIMIT_MOST_FREQUENT),
            got, sizeof got);
    ck_assert_str_eq(got, "3,4");
    ck_assert_ptr_null(xapc_query_wildcard("ap", 2, 1,
                                           (xapc_wildcard_mode_t)42));
    xapc_db_free(db);
}
END_TEST

START_TEST(test_remote_closed_port)
{
    struct sockaddr_in sa;
    socklen_t salen = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    unsigned port;
    xapc_db_t *db = NULL;

    /* Let the kernel pick a free port, then release it: nothing listens. */
    ck_assert_int_ge(fd, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &salen), 0);
    port = ntohs(sa.sin_port);
    close(fd);

    ck_assert_int_eq(xapc_db_open_remote(&db, "127.0.0.1", port, 2000, 0),
                     XAPC_ERR_NETWORK);
    ck_assert_ptr_nonnull(db);
    ck_assert_ptr_nonnull(strstr(xapc_db_errmsg(db), "NetworkError"));
    xapc_db_free(db);

    db = NULL;
    ck_assert_int_eq(xapc_db_open_remote(&db, "127.0.0.1", port, 2000, 1),
                     XAPC_ERR_NETWORK);
    xapc_db_free(db);

    db = NULL;
    ck_assert_int_eq(xapc_db_open_remote(&db, "127.0.0.1", 0, 2000, 0),
                     XAPC_ERR_INVALID);
    xapc_db_free(db);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *xapc_suite(void)
{
    Suite *s = suite_create("xapc");
    TCase *tc = tcase_create("core");
    TCase *timer = tcase_create("timer");
    tcase_add_checked_fixture(tc, setup, teardown);
    /* Generous: sanitizer builds are several times slower. */
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(timer, setup, teardown);
    tcase_set_timeout(timer, 60);
    tcase_set_tags(timer, "timer");
    tcase_add_test(timer, test_time_limit);
    tcase_add_test(tc, test_status_str);
    tcase_add_test(tc, test_open_create_reopen);
    tcase_add_test(tc, test_open_failures);
    tcase_add_test(tc, test_lock);
    tcase_add_test(tc, test_null_handles);
    tcase_add_test(tc, test_docs_replace_delete_by_term);
    tcase_add_test(tc, test_doc_values_data_terms);
    tcase_add_test(tc, test_no_termlist_marks);
    tcase_add_test(tc, test_rewrite);
    tcase_add_test(tc, test_no_termlist_counts);
    tcase_add_test(tc, test_term_too_long);
    tcase_add_test(tc, test_metadata);
    tcase_add_test(tc, test_stats_postings_positions);
    tcase_add_test(tc, test_phrase_near);
    tcase_add_test(tc, test_value_match);
    tcase_add_test(tc, test_value_match_bound);
    tcase_add_test(tc, test_value_match_deferred);
    tcase_add_test(tc, test_count_loose);
    tcase_add_test(tc, test_count_exact_max);
    tcase_add_test(tc, test_length_table);
    tcase_add_test(tc, test_key_table);
    tcase_add_test(tc, test_boolean_ops);
    tcase_add_test(tc, test_query_misc);
    tcase_add_test(tc, test_value_range);
    tcase_add_test(tc, test_scale_weight);
    tcase_add_test(tc, test_bm25_params);
    tcase_add_test(tc, test_sort_by_value);
    tcase_add_test(tc, test_collapse);
    tcase_add_test(tc, test_collapse_exact_count);
    tcase_add_test(tc, test_date_decay_and_fixed_weight);
    tcase_add_test(tc, test_spies_and_copied_values);
    tcase_add_test(tc, test_exact_count);
    tcase_add_test(tc, test_count_union);
    tcase_add_test(tc, test_parallel_count);
    tcase_add_test(tc, test_mset_survives_commit);
    tcase_add_test(tc, test_transactions);
    tcase_add_test(tc, test_spelling);
    tcase_add_test(tc, test_synonyms);
    tcase_add_test(tc, test_expand);
    tcase_add_test(tc, test_compact);
    tcase_add_test(tc, test_check);
    tcase_add_test(tc, test_stub_file);
    tcase_add_test(tc, test_multi_db);
    tcase_add_test(tc, test_combined_marks);
    tcase_add_test(tc, test_wildcard);
    tcase_add_test(tc, test_remote_closed_port);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, timer);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;
    if (!make_root()) {
        perror("test_xapc: mkdtemp");
        return EXIT_FAILURE;
    }
    sr = srunner_create(xapc_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    rm_rf(g_root);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
