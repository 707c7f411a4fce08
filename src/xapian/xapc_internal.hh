// xapc_internal.hh - what the C++ files of the Xapian binding share.
//
// The binding is split by job: xapc_db.cc (the exception firewall and the
// database handle), xapc_doc.cc (the document handle), xapc_weight.cc (the
// posting sources and the match decider the matcher calls, with the side
// tables they read: the documents marked deleted, the document lengths for
// BM25), xapc_count.cc (counting a search's matches) and xapc_query.cc
// (building queries and running them).  This header holds the handle
// structs, the small argument and result helpers that several files use
// (inline, as they were when the binding was one file), and one section per
// file for what that file offers the others.  Everything shared is in
// namespace xapc; what one file alone uses stays in that file's anonymous
// namespace.  Only the binding's C++ files include this header: C code sees
// xapc.h, where no Xapian type appears.

#ifndef XAPC_INTERNAL_HH
#define XAPC_INTERNAL_HH

#include "xapc.h"

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

static_assert(std::is_same<Xapian::docid, xapc_docid_t>::value,
              "xapc_docid_t must match Xapian::docid");
static_assert(std::is_same<Xapian::doccount, xapc_doccount_t>::value,
              "xapc_doccount_t must match Xapian::doccount");
static_assert(std::is_same<Xapian::termcount, xapc_termcount_t>::value,
              "xapc_termcount_t must match Xapian::termcount");
static_assert(std::is_same<Xapian::termpos, xapc_termpos_t>::value,
              "xapc_termpos_t must match Xapian::termpos");
static_assert(std::is_same<Xapian::valueno, xapc_slot_t>::value,
              "xapc_slot_t must match Xapian::valueno");

namespace xapc {

// ---------------------------------------------------------------------------
// Arguments, results and errors, for every file.

// Messages live in fixed buffers on the handles so that recording an error
// never allocates: the error being recorded may well be std::bad_alloc.
const size_t ERRBUF_SIZE = 1024;

// Raised by xapc's own argument and state checks.  msg is static text.
struct Failure {
    xapc_status_t status;
    const char *msg;
};

[[noreturn]] inline void fail(xapc_status_t status, const char *msg)
{
    throw Failure{status, msg};
}

// The integer a C caller put in an enum parameter or field.  C may pass any
// int, but in C++ loading an enum object holding a value outside the
// enum's range is undefined, so the bytes are read as the underlying type.
template <typename E> long enum_value(const E &e)
{
    typename std::underlying_type<E>::type v;
    static_assert(sizeof v == sizeof e, "enum size");
    std::memcpy(&v, &e, sizeof v);
    return static_cast<long>(v);
}

// Build a std::string from a (pointer, length) pair.
inline std::string bytes(const char *p, size_t n)
{
    if (!p) {
        if (n)
            fail(XAPC_ERR_INVALID, "NULL byte pointer with nonzero length");
        return std::string();
    }
    return std::string(p, n);
}

// malloc()ed NUL-terminated copy, since C callers release with free().
inline char *c_copy(const char *p, size_t n)
{
    char *r = static_cast<char *>(std::malloc(n + 1));
    if (!r)
        throw std::bad_alloc();
    if (n)
        std::memcpy(r, p, n);
    r[n] = '\0';
    return r;
}

inline char *c_copy(const std::string &s)
{
    return c_copy(s.data(), s.size());
}

// Callbacks get NUL-terminated strings: std::string::c_str() provides that.
inline bool call(xapc_string_cb cb, void *ctx, const std::string &s)
{
    return cb(ctx, s.c_str(), s.size()) != 0;
}

inline const char *borrowed(const std::string &s, size_t *len)
{
    if (len)
        *len = s.size();
    return s.c_str();
}

inline const char *none(size_t *len)
{
    if (len)
        *len = 0;
    return nullptr;
}

} // namespace xapc

#define XAPC_NEED_OUT(p)                                                       \
    do {                                                                       \
        if (!(p))                                                              \
            xapc::fail(XAPC_ERR_INVALID, "output pointer is NULL");            \
    } while (0)

// ---------------------------------------------------------------------------
// Handle definitions (global scope: the header declares these struct tags).

namespace xapc {
struct Deferred;
struct DocLens;
struct FoldKeys;
class ValueMemo;
// The documents marked deleted in the shards of a combined handle: each
// marked shard's UUID and its own (local) docids, sorted.
using ShardMarks = std::vector<
    std::pair<std::string, std::shared_ptr<const std::vector<Xapian::docid>>>>;
}

namespace xapc {
class CountWorker;
struct CountWorkerFree {
    void operator()(CountWorker *w) const;
};
} // namespace xapc

struct xapc_db {
    // Exactly one of these is in use, per `writable`; keeping both avoids
    // heap-allocating the Xapian object and any downcasting.
    Xapian::Database rdb;
    Xapian::WritableDatabase wdb;
    bool writable = false;
    // A remote database, or a combined one with a remote shard: only
    // what Xapian can send to a server may run on it (see PartSpy).
    bool remote = false;
    // The path of a read-only handle on one database (for a second
    // handle of the same index); empty for writable, remote and
    // combined handles.
    std::string path;
    bool failed = false; // open failed: only errmsg/free are meaningful
    bool closed = false;
    // Writable without a termlist table: opened with DB_NO_TERMLIST.
    bool no_termlist = false;
    // Documents marked deleted (xapc_db_track_deleted): the metadata key
    // that lists them (empty: not tracked), the list as read or last
    // merged (sorted, shared with the queries that hide them), the marks
    // made since (unsorted), whether the stored list is out of date, and
    // the state saved by a transaction.
    std::string marks_key;
    std::shared_ptr<const std::vector<Xapian::docid>> hidden;
    std::vector<Xapian::docid> new_marks;
    bool marks_dirty = false;
    std::shared_ptr<const std::vector<Xapian::docid>> saved_hidden;
    bool saved_dirty = false;
    // A combined handle over shards that mark deletions: their lists
    // (the queries' posting source reads the one of the shard it runs
    // on), and the combined docids of `hidden` made from them.
    std::shared_ptr<xapc::ShardMarks> shard_marks;
    std::vector<Xapian::doccount> shard_of_marks;
    // The length of every document, for a read-only handle on one
    // database (see DocLens), and the work Xapian's own length lookups
    // were estimated to cost at this revision while there was none.
    std::shared_ptr<const xapc::DocLens> lens;
    double lens_work = 0;
    std::string lens_work_key;
    // Likewise the collapse keys of every document (see FoldKeys), and
    // the work Xapian's own key lookups were estimated to cost.
    std::shared_ptr<const xapc::FoldKeys> fold;
    double fold_work = 0;
    std::string fold_work_key;
    char err[xapc::ERRBUF_SIZE] = {};
    // The thread that counts matches beside this read-only handle's
    // searches, made at the first (see ParallelCount).  Last, so that it
    // stops first.
    std::unique_ptr<xapc::CountWorker, xapc::CountWorkerFree> counter;

    Xapian::Database &db() { return writable ? wdb : rdb; }
};

struct xapc_doc {
    Xapian::Document doc;
    // Xapian returns data and values by value; these give the borrowed
    // pointers of xapc_doc_data()/xapc_doc_value() somewhere to live.
    // std::map nodes never move, so earlier value pointers stay valid.
    std::string data;
    bool have_data = false;
    std::map<Xapian::valueno, std::string> values;
    char err[xapc::ERRBUF_SIZE] = {};
};

namespace xapc {
struct FastCtx;
// Builds a query again, with its term leaves weighted from a table of
// document lengths (see TermSource in xapc_weight.cc).
using FastFn = std::function<Xapian::Query(const FastCtx &)>;
using FastPtr = std::shared_ptr<const FastFn>;
using FastSub = std::pair<Xapian::Query, FastPtr>;
}

struct xapc_query {
    Xapian::Query q;
    // NULL, or the same matches as a looser query and value checks that
    // the matcher can leave until a document could make the page.
    std::shared_ptr<const xapc::Deferred> deferred;
    // NULL when q has no term leaf a table of lengths could weigh.
    std::shared_ptr<const xapc::FastFn> fast;
};

namespace xapc {

struct Hit {
    Xapian::docid docid = 0;
    Xapian::doccount rank = 0;
    double weight = 0;
    int percent = 0;
    Xapian::doccount collapse_count = 0;
    std::string data;
    std::string collapse_key;
    std::vector<std::string> values;
};

struct Facet {
    Xapian::doccount total = 0;
    std::vector<std::pair<std::string, Xapian::doccount>> items;
};

// Whether a search counts values (facets), which needs every match seen.
inline bool spying(const xapc_enquire_params_t &p)
{
    return p.n_spy_slots || (p.version >= 6 && p.n_spies);
}

// A spy counting the parts of a slot's values (xapc_spy.cc; see
// xapc_spy_t).
//
// A remote database cannot run a spy of ours (the server would need its
// class), but it runs Xapian's own ValueCountMatchSpy, which counts whole
// values.  Over remote shards (remote true) a PartSpy therefore has one
// count the whole values, and makes its part counts from them: a
// document's keys depend on its value alone, so the counts are the same.
// A spy with `by` reads two slots and has no such stand-in: it is
// refused (XAPC_ERR_INVALID) over remote shards.
class PartSpy : public Xapian::MatchSpy {
    xapc_spy_t spec;
    Xapian::doccount total = 0;
    std::map<std::string, Xapian::doccount> counts;
    std::vector<std::string> seen;
    std::unique_ptr<Xapian::ValueCountMatchSpy> whole;

    // Count the keys of value v (paired with by), n documents' worth.
    void count(const std::string &v, const std::string &by,
               Xapian::doccount n);

  public:
    PartSpy(const xapc_spy_t &s, bool remote);
    void operator()(const Xapian::Document &doc, double wt) override;
    // The spy to give the Enquire: this one, or its stand-in.
    Xapian::MatchSpy *spy()
    {
        return whole ? static_cast<Xapian::MatchSpy *>(whole.get()) : this;
    }
    // The counts, most first, ties in key order.
    void copy_to(Facet &f);
};

} // namespace xapc

struct xapc_mset {
    Xapian::doccount estimated = 0, lower = 0, upper = 0;
    bool time_limited = false;
    std::vector<xapc::Hit> hits;
    std::vector<xapc::Facet> facets;
};

struct xapc_eset {
    std::vector<std::pair<std::string, double>> terms;
};

struct xapc_value_memo {
    std::shared_ptr<xapc::ValueMemo> m;
};

namespace xapc {

// Check a database handle is usable and clear its message.
inline Xapian::Database &use(xapc_db_t *db)
{
    if (!db)
        fail(XAPC_ERR_INVALID, "database handle is NULL");
    if (db->failed)
        fail(XAPC_ERR_INVALID, "database handle is in a failed state");
    if (db->closed)
        fail(XAPC_ERR_CLOSED, "database has been closed");
    db->err[0] = '\0';
    return db->db();
}

inline Xapian::WritableDatabase &use_w(xapc_db_t *db)
{
    use(db);
    if (!db->writable)
        fail(XAPC_ERR_INVALID, "database is not writable");
    return db->wdb;
}

inline const Xapian::Query &arg_query(const xapc_query_t *q)
{
    if (!q)
        fail(XAPC_ERR_INVALID, "query handle is NULL");
    return q->q;
}

// ---------------------------------------------------------------------------
// Interface to xapc_db.cc: the exception firewall.

// The one mapping helper.  Must be called from inside a catch block.
// buf may be NULL when there is nowhere to keep a message.
xapc_status_t map_exception(char *buf, const char *where) noexcept;

// map_exception() with the message on the database handle.  A failed
// handle keeps the message of its failed open: that is the one thing the
// caller can still learn from it.
xapc_status_t db_fail(xapc_db_t *db, const char *where) noexcept;

// ---------------------------------------------------------------------------
// Interface to xapc_weight.cc: documents marked deleted.
//
// The reading side is inline here: xapc_db_postings() asks is_hidden()
// about every posting it hands out.

// The marked docids, sorted: the list read, with the marks made since
// merged in.
inline const std::vector<Xapian::docid> &hidden_list(xapc_db_t *db)
{
    static const std::vector<Xapian::docid> none;
    if (!db->new_marks.empty()) {
        auto v = std::make_shared<std::vector<Xapian::docid>>();
        if (db->hidden)
            *v = *db->hidden;
        v->insert(v->end(), db->new_marks.begin(), db->new_marks.end());
        std::sort(v->begin(), v->end());
        v->erase(std::unique(v->begin(), v->end()), v->end());
        db->hidden = std::move(v);
        db->new_marks.clear();
    }
    return db->hidden ? *db->hidden : none;
}

inline bool is_hidden(xapc_db_t *db, Xapian::docid id)
{
    const std::vector<Xapian::docid> &v = hidden_list(db);
    return !v.empty() && std::binary_search(v.begin(), v.end(), id);
}

// Whether deletions of this handle are marks.
inline bool marking(const xapc_db_t *db)
{
    return db->writable && db->no_termlist && !db->marks_key.empty();
}

inline void mark(xapc_db_t *db, Xapian::docid id)
{
    db->new_marks.push_back(id);
    db->marks_dirty = true;
}

// Read the stored list again (after an open or a reopen).
void load_marks(xapc_db_t *db);

// Mark every visible document indexed by t; how many were.
Xapian::doccount mark_term(xapc_db_t *db, const std::string &t);

// Store the marks with the coming commit.
void flush_marks(xapc_db_t *db);

// q without the marked documents.
Xapian::Query visible(xapc_db_t *db, const Xapian::Query &q);

// ---------------------------------------------------------------------------
// Interface to xapc_weight.cc: value checks and recency.

// A C predicate on a document's value, with what it needs to run and to
// be released; shared by a check's posting source and its deferred form.
struct ValuePred {
    xapc_value_pred fn;
    void *ctx;
    void (*free_ctx)(void *);
    std::string description;
    // NULL, or the choice of ctx for each database (value_match_bound).
    xapc_value_bind bind = nullptr;
    ~ValuePred()
    {
        if (free_ctx)
            free_ctx(ctx);
    }
};

// Answers of one value check shared by several threads, for docids up to
// lastdocid (see ValueMemo).
std::shared_ptr<ValueMemo> new_value_memo(Xapian::docid lastdocid);

// Documents whose value in slot passes p, tested one candidate at a time;
// m (may be NULL) shares the answers with other passes.
Xapian::Query value_match_query(Xapian::valueno slot,
                                std::shared_ptr<ValuePred> p,
                                std::shared_ptr<ValueMemo> m);

// A value check taken out of the posting list tree (see Deferred in
// xapc_query.cc).
struct DeferredCheck {
    Xapian::valueno slot;
    std::shared_ptr<ValuePred> pred;
    std::shared_ptr<ValueMemo> memo;
};

// The page's test of the deferred checks, for Enquire::get_mset(); it
// borrows checks, which must outlive it.
std::unique_ptr<Xapian::MatchDecider>
check_decider(const std::vector<DeferredCheck> &checks,
              const Xapian::Database &db);

// The day number of a "YYYYMMDD[hhmmss]" date, or -1 when it is not one.
double date_decay_origin(const std::string &v);

// A weight that halves every halflife days of age from origin (a day
// number), read from the date in slot, at most weight.
Xapian::Query date_decay_query(Xapian::valueno slot, double origin,
                               double halflife, double weight);

// ---------------------------------------------------------------------------
// Interface to xapc_weight.cc: document lengths for BM25.

// The lengths of one revision of one database; LENS_BIG: look it up.
struct DocLens {
    std::string key; // uuid:revision
    std::vector<uint16_t> len;
};

const uint16_t LENS_BIG = 0xffff;

// The parameters of Xapian::BM25Weight that a table can serve: k2 = 0,
// k1 > 0 and b > 0 (otherwise Xapian reads no length at all).
struct Bm25 {
    double k1, k3, b, min_normlen;
};

// What a FastFn builds from: the database, its lengths, the weighting.
struct FastCtx {
    const Xapian::Database &db;
    std::shared_ptr<const DocLens> lens;
    Bm25 bm25;
    double scale; // the factors of the OP_SCALE_WEIGHTs above
};

// The revision a table of lengths is for; empty when there can be none:
// a handle on several databases has no single revision.
std::string lens_key(const Xapian::Database &d);

// The table for a search of q, or NULL to leave the lengths to Xapian;
// force: read it now if there is none.
std::shared_ptr<const DocLens> choose_lens(xapc_db_t *db,
                                           const Xapian::Query &q,
                                           bool force);

// The FastFn of one term, of op over subqueries, of a scaled query; NULL
// when there is nothing a table could weigh.
FastPtr fast_term(const std::string &term, Xapian::termcount wqf);
FastPtr fast_op(Xapian::Query::op op, std::vector<FastSub> v);
FastPtr fast_positional(const Xapian::Query &x, std::vector<FastSub> v);
FastPtr fast_scale(FastPtr sub, double factor);

// ---------------------------------------------------------------------------
// Interface to xapc_fold.cc: folding copies from a table of keys.

// The collapse keys of one slot in one revision of one database, each 16
// lower-case hex digits read as a number; usable false when the slot
// holds another kind of key (Xapian then collapses).
struct FoldKeys {
    std::string key; // uuid:revision
    Xapian::valueno slot = 0;
    bool usable = false;
    std::vector<uint64_t> k;  // by docid
    std::vector<uint8_t> has; // by docid: whether it has a key
    // The keys of more than one document, with each of their documents,
    // sorted.
    std::vector<std::pair<uint64_t, Xapian::docid>> shared;
};

// The table for a search collapsing on slot, or NULL to leave collapsing
// to Xapian; how: XAPC_KEYS_*.
std::shared_ptr<const FoldKeys> choose_fold(xapc_db_t *db,
                                            Xapian::valueno slot, int how);

// One hit of a folded page.
struct Folded {
    Xapian::docid docid;
    double weight;
    int percent;
    Xapian::doccount copies;
    bool keyed;
    uint64_t k;
};

// The first `want` groups of ms, best first, each with the copies that
// follow it in ms; fewer when ms holds fewer.
std::vector<Folded> fold_mset(const Xapian::MSet &ms, const FoldKeys &keys,
                              Xapian::doccount want);

// Set the copies of each hit of f from `from` on: how many other
// documents of its group match query, counted in one pass over them.
void count_copies(Xapian::Database &d, const Xapian::Query &query,
                  const FoldKeys &keys, std::vector<Folded> &f, size_t from);

// A key of the table as its slot holds it.
std::string fold_key_text(uint64_t k);

// ---------------------------------------------------------------------------
// Interface to xapc_count.cc: counting a search's matches.

// A count of matches and its bounds: exact when lower == upper.
struct Counted {
    Xapian::doccount est = 0, lower = 0, upper = 0;
};

// A thread kept by one read-only handle for the counts of its searches,
// with its own handle on the same database (a Xapian::Database is not
// shared between threads), reopened when the path or revision it is
// asked for changes.  Making a thread and opening a database for every
// search cost more than the count they saved for short ones.  One job
// at a time: the handle runs one search at a time.
class CountWorker {
  public:
    CountWorker() = default;
    CountWorker(const CountWorker &) = delete;
    CountWorker &operator=(const CountWorker &) = delete;
    ~CountWorker();
    // Run job on the thread; false (nothing runs) when there is none
    // and none can be made.
    bool submit(std::function<void()> job);
    // Wait until the job submitted last has returned.
    void wait();
    // Whether its thread was made in another process (before a fork()).
    bool foreign() const;
    // For the job: the database at path, opened or reopened to its
    // latest revision.
    Xapian::Database &database(const std::string &path);

  private:
    void loop();
    std::mutex mu;
    std::condition_variable cv;
    std::function<void()> job;
    bool busy = false, stop = false;
    std::thread th;
    long pid = 0; // the process th runs in: a child of fork() has no th
    Xapian::Database db;
    std::string db_path;
};

// The weightless count of every match of a query, run on the handle's
// CountWorker with the worker's own database.  Nothing Xapian is shared
// with the calling thread: the query tree is a separate one, and the
// worker's database, opened by path, is checked to be the caller's (its
// UUID: a stub may name another generation by now) at the caller's
// revision; else the caller counts by itself.  The job is always waited
// for, also when the caller's pass throws.
//
// The exact count in a second thread: the upper half of the docids first,
// then the lower half unless the calling thread claimed it (claim_lower).
// The page is ranked from the lowest docid up at the same time, so where
// both passes check the same documents (see xapc_value_memo_new) each
// does about half of the checks.
struct ParallelCount {
    CountWorker *worker = nullptr; // while a job runs on it
    std::string path;
    const Xapian::Query *query = nullptr;
    Xapian::rev rev = 0;
    std::string uuid;
    Xapian::docid mid = 1, last = 0;
    // 0 free, 1 the count thread's, 2 the caller's, 3 not to be claimed
    // (yet): with a loose query, until its count says the count is exact.
    std::atomic<int> lower{0};
    Xapian::doccount count = 0;
    // With a loose query: count_sampled()'s estimate, in this thread
    // alone, unless the count is exact (split: counted in halves).
    const Xapian::Query *loose = nullptr;
    Xapian::doccount sample = 0;
    Counted sampled;
    bool split = false;
    bool ok = false;

    void start(xapc_db_t *xdb, Xapian::Database &d, const std::string &p,
               const Xapian::Query &q, const Xapian::Query *lq,
               Xapian::doccount n);
    void run(CountWorker &w) noexcept;
    bool finish();
    ~ParallelCount();
};

// The count of one search's matches, worked out around the ranked pass
// of its page: start() before it, join() and set() after it.
class MatchCount {
  public:
    // The count of every match, in a second thread while the ranked
    // pass runs, when a separate query and a second handle allow it.
    void start(xapc_db_t *db, Xapian::Database &d, const Xapian::Query &query,
               const xapc_enquire_params_t &p);
    // Done with the page: count the lower half here unless the count
    // thread has begun it, then wait for the count thread.
    void join(xapc_db_t *db, Xapian::Database &d,
              const xapc_enquire_params_t &p);
    // The estimate and bounds of m, from what was counted or else from a
    // count made now.
    // folded > 0: ms is the plain page of the first `folded` matches,
    // which a table of keys folded (see FoldKeys).
    void set(xapc_mset &m, Xapian::Database &d, const Xapian::Query &query,
             const xapc_enquire_params_t &p, const Xapian::MSet &ms,
             Xapian::doccount folded);

  private:
    // Declared before par, whose thread borrows them.
    Xapian::Query count_q, loose_q;
    ParallelCount par;
    bool use_loose = false;
    // The sample of the loose count: count_sample, or count_exact_max
    // when the query is its own loose form.
    Xapian::doccount sample = 0;
    bool self_loose = false; // loose_q is the query itself
    bool counted = false;
};

} // namespace xapc

#endif // XAPC_INTERNAL_HH
