// xapc.cc - C binding over Xapian 1.4; see xapc.h for the contract.
//
// Shape of every exported function: its whole body is one try block, and
// its catch (...) hands the in-flight exception to map_exception() (through
// a thin wrapper that picks where the message goes).  map_exception()
// rethrows it inside its own try and catches the most specific types first,
// so the Xapian error hierarchy is mapped to statuses in exactly one place
// and no exception can reach C.

#include "xapc.h"

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
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

namespace {

// Messages live in fixed buffers on the handles so that recording an error
// never allocates: the error being recorded may well be std::bad_alloc.
const size_t ERRBUF_SIZE = 1024;

// Raised by xapc's own argument and state checks.  msg is static text.
struct Failure {
    xapc_status_t status;
    const char *msg;
};

[[noreturn]] void fail(xapc_status_t status, const char *msg)
{
    throw Failure{status, msg};
}

// Appends to a fixed, always NUL-terminated buffer, truncating silently.
class MsgWriter {
  public:
    explicit MsgWriter(char *buf) noexcept : buf_(buf), used_(0)
    {
        if (buf_)
            buf_[0] = '\0';
    }
    void add(const char *s) noexcept { add(s, s ? std::strlen(s) : 0); }
    void add(const char *s, size_t n) noexcept
    {
        if (!buf_ || !s)
            return;
        size_t room = ERRBUF_SIZE - 1 - used_;
        if (n > room)
            n = room;
        for (size_t i = 0; i < n; ++i) {
            char c = s[i];
            // The contract is one line per message; Xapian's messages may
            // embed newlines or tabs (e.g. from a remote server).
            if (c == '\n' || c == '\r' || c == '\t')
                c = ' ';
            buf_[used_++] = c;
        }
        buf_[used_] = '\0';
    }

  private:
    char *buf_;
    size_t used_;
};

// "WHERE: TEXT" - WHERE is the xapc function name, so every message starts
// lower-case whatever the underlying library says.
void put_plain(char *buf, const char *where, const char *text) noexcept
{
    MsgWriter w(buf);
    w.add(where);
    w.add(": ");
    w.add(text);
}

// "WHERE: Type: message (context: ...) (strerror text)"
xapc_status_t put_xapian(char *buf, const char *where, const Xapian::Error &e,
                         xapc_status_t status) noexcept
{
    MsgWriter w(buf);
    w.add(where);
    w.add(": ");
    w.add(e.get_type());
    const std::string &msg = e.get_msg();
    if (!msg.empty()) {
        w.add(": ");
        w.add(msg.data(), msg.size());
    }
    const std::string &context = e.get_context();
    if (!context.empty()) {
        w.add(" (context: ");
        w.add(context.data(), context.size());
        w.add(")");
    }
    const char *errstr = nullptr;
    try {
        errstr = e.get_error_string(); // may allocate lazily
    } catch (...) {
        errstr = nullptr;
    }
    if (errstr && *errstr) {
        w.add(" (");
        w.add(errstr);
        w.add(")");
    }
    return status;
}

// The one mapping helper.  Must be called from inside a catch block.
// buf may be NULL when there is nowhere to keep a message.
xapc_status_t map_exception(char *buf, const char *where) noexcept
{
    try {
        throw;
    } catch (const Failure &f) {
        put_plain(buf, where, f.msg);
        return f.status;
    } catch (const Xapian::DatabaseLockError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_LOCK);
    } catch (const Xapian::DatabaseModifiedError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_MODIFIED);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_CORRUPT);
    } catch (const Xapian::DatabaseVersionError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_VERSION);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_NOT_FOUND);
    } catch (const Xapian::DocNotFoundError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_NOT_FOUND);
    } catch (const Xapian::DatabaseClosedError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_CLOSED);
    } catch (const Xapian::DatabaseOpeningError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_OPENING);
    } catch (const Xapian::DatabaseCreateError &e) {
        // Failing to create is, for the caller, failing to open.
        return put_xapian(buf, where, e, XAPC_ERR_OPENING);
    } catch (const Xapian::NetworkError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_NETWORK);
    } catch (const Xapian::WildcardError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_WILDCARD);
    } catch (const Xapian::InvalidArgumentError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_INVALID);
    } catch (const Xapian::InvalidOperationError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_INVALID);
    } catch (const Xapian::RangeError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_INVALID);
    } catch (const Xapian::UnimplementedError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_INVALID);
    } catch (const Xapian::FeatureUnavailableError &e) {
        return put_xapian(buf, where, e, XAPC_ERR_INVALID);
    } catch (const Xapian::Error &e) {
        return put_xapian(buf, where, e, XAPC_ERR_XAPIAN);
    } catch (const std::bad_alloc &) {
        put_plain(buf, where, "out of memory");
        return XAPC_ERR_NOMEM;
    } catch (const std::exception &e) {
        MsgWriter w(buf);
        w.add(where);
        w.add(": unexpected c++ exception: ");
        w.add(e.what());
        return XAPC_ERR_UNKNOWN;
    } catch (...) {
        put_plain(buf, where, "unexpected exception of unknown type");
        return XAPC_ERR_UNKNOWN;
    }
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
std::string bytes(const char *p, size_t n)
{
    if (!p) {
        if (n)
            fail(XAPC_ERR_INVALID, "NULL byte pointer with nonzero length");
        return std::string();
    }
    return std::string(p, n);
}

// A NUL-terminated argument that must be present.
const char *need(const char *s, const char *msg)
{
    if (!s)
        fail(XAPC_ERR_INVALID, msg);
    return s;
}

// A term to store in a document: checked here rather than at commit time.
std::string doc_term(const char *p, size_t n)
{
    if (n == 0)
        fail(XAPC_ERR_INVALID, "empty term");
    if (n > XAPC_MAX_TERM_LEN)
        fail(XAPC_ERR_INVALID,
             "term longer than XAPC_MAX_TERM_LEN (245 bytes)");
    return bytes(p, n);
}

// malloc()ed NUL-terminated copy, since C callers release with free().
char *c_copy(const char *p, size_t n)
{
    char *r = static_cast<char *>(std::malloc(n + 1));
    if (!r)
        throw std::bad_alloc();
    if (n)
        std::memcpy(r, p, n);
    r[n] = '\0';
    return r;
}

char *c_copy(const std::string &s) { return c_copy(s.data(), s.size()); }

// For functions without a handle: hand the message to the caller.
void give_msg(char **errmsg, const char *buf) noexcept
{
    if (!errmsg)
        return;
    size_t n = std::strlen(buf);
    char *r = static_cast<char *>(std::malloc(n + 1));
    if (r)
        std::memcpy(r, buf, n + 1);
    *errmsg = r;
}

} // namespace

// ---------------------------------------------------------------------------
// Handle definitions (global scope: the header declares these struct tags).

namespace {
struct Deferred;
struct DocLens;
}

struct xapc_db {
    // Exactly one of these is in use, per `writable`; keeping both avoids
    // heap-allocating the Xapian object and any downcasting.
    Xapian::Database rdb;
    Xapian::WritableDatabase wdb;
    bool writable = false;
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
    // The length of every document, for a read-only handle on one
    // database (see DocLens), and the work Xapian's own length lookups
    // were estimated to cost at this revision while there was none.
    std::shared_ptr<const DocLens> lens;
    double lens_work = 0;
    std::string lens_work_key;
    char err[ERRBUF_SIZE] = {};

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
    char err[ERRBUF_SIZE] = {};
};

namespace {
struct FastCtx;
// Builds a query again, with its term leaves weighted from a table of
// document lengths (see TermSource).
using FastFn = std::function<Xapian::Query(const FastCtx &)>;
}

struct xapc_query {
    Xapian::Query q;
    // NULL, or the same matches as a looser query and value checks that
    // the matcher can leave until a document could make the page.
    std::shared_ptr<const Deferred> deferred;
    // NULL when q has no term leaf a table of lengths could weigh.
    std::shared_ptr<const FastFn> fast;
};

namespace {

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

} // namespace

struct xapc_mset {
    Xapian::doccount estimated = 0, lower = 0, upper = 0;
    std::vector<Hit> hits;
    std::vector<Facet> facets;
};

struct xapc_eset {
    std::vector<std::pair<std::string, double>> terms;
};

namespace {

// Check a database handle is usable and clear its message.
Xapian::Database &use(xapc_db_t *db)
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

Xapian::WritableDatabase &use_w(xapc_db_t *db)
{
    use(db);
    if (!db->writable)
        fail(XAPC_ERR_INVALID, "database is not writable");
    return db->wdb;
}

// ---- documents marked deleted (xapc_db_track_deleted) ----
//
// The stored list: "NXD1", then the sorted docids as the LEB128 varints
// of their gaps (the first from 0), each gap nonzero.

std::string encode_marks(const std::vector<Xapian::docid> &v)
{
    std::string s("NXD1");
    Xapian::docid prev = 0;
    s.reserve(4 + v.size() * 2);
    for (Xapian::docid id : v) {
        Xapian::docid gap = id - prev;
        prev = id;
        while (gap >= 0x80) {
            s += static_cast<char>((gap & 0x7f) | 0x80);
            gap >>= 7;
        }
        s += static_cast<char>(gap);
    }
    return s;
}

bool decode_marks(const std::string &s, std::vector<Xapian::docid> &out)
{
    out.clear();
    if (s.empty())
        return true;
    if (s.size() < 4 || s.compare(0, 4, "NXD1") != 0)
        return false;
    unsigned long long prev = 0;
    size_t i = 4;
    while (i < s.size()) {
        unsigned long long gap = 0;
        unsigned shift = 0;
        for (;;) {
            if (i >= s.size() || shift > 28)
                return false;
            unsigned char c = static_cast<unsigned char>(s[i++]);
            gap |= static_cast<unsigned long long>(c & 0x7f) << shift;
            shift += 7;
            if (!(c & 0x80))
                break;
        }
        prev += gap;
        if (gap == 0 || prev > 0xffffffffULL)
            return false;
        out.push_back(static_cast<Xapian::docid>(prev));
    }
    return true;
}

// The marked docids, sorted: the list read, with the marks made since
// merged in.
const std::vector<Xapian::docid> &hidden_list(xapc_db_t *db)
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

bool is_hidden(xapc_db_t *db, Xapian::docid id)
{
    const std::vector<Xapian::docid> &v = hidden_list(db);
    return !v.empty() && std::binary_search(v.begin(), v.end(), id);
}

// Read the stored list again (after an open or a reopen).
void load_marks(xapc_db_t *db)
{
    if (db->marks_key.empty())
        return;
    auto v = std::make_shared<std::vector<Xapian::docid>>();
    if (!decode_marks(db->db().get_metadata(db->marks_key), *v))
        fail(XAPC_ERR_CORRUPT, "the list of deleted documents is damaged");
    db->hidden = std::move(v);
    db->new_marks.clear();
    db->marks_dirty = false;
}

// Whether deletions of this handle are marks.
bool marking(const xapc_db_t *db)
{
    return db->writable && db->no_termlist && !db->marks_key.empty();
}

void mark(xapc_db_t *db, Xapian::docid id)
{
    db->new_marks.push_back(id);
    db->marks_dirty = true;
}

// Mark every visible document indexed by t; how many were.
Xapian::doccount mark_term(xapc_db_t *db, const std::string &t)
{
    Xapian::Database &d = db->db();
    std::vector<Xapian::docid> ids;
    for (auto it = d.postlist_begin(t); it != d.postlist_end(t); ++it)
        if (!is_hidden(db, *it))
            ids.push_back(*it);
    for (Xapian::docid id : ids)
        mark(db, id);
    return static_cast<Xapian::doccount>(ids.size());
}

// Store the marks with the coming commit.
void flush_marks(xapc_db_t *db)
{
    if (!db->writable || db->marks_key.empty() || !db->marks_dirty)
        return;
    db->wdb.set_metadata(db->marks_key, encode_marks(hidden_list(db)));
    db->marks_dirty = false;
}

// The marked docids, as a query's posting source: ANDed-NOT with a query,
// it hides them.
class DocidListSource : public Xapian::PostingSource {
    std::shared_ptr<const std::vector<Xapian::docid>> ids;
    size_t i = 0;
    bool started = false;

  public:
    explicit DocidListSource(
        std::shared_ptr<const std::vector<Xapian::docid>> v)
        : ids(std::move(v)) {}
    void init(const Xapian::Database &) override
    {
        i = 0;
        started = false;
    }
    Xapian::doccount get_termfreq_min() const override
    {
        return static_cast<Xapian::doccount>(ids->size());
    }
    Xapian::doccount get_termfreq_est() const override
    {
        return static_cast<Xapian::doccount>(ids->size());
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return static_cast<Xapian::doccount>(ids->size());
    }
    void next(double) override
    {
        if (started)
            ++i;
        started = true;
    }
    void skip_to(Xapian::docid did, double) override
    {
        started = true;
        i = static_cast<size_t>(
            std::lower_bound(ids->begin() + static_cast<long>(i),
                             ids->end(), did) -
            ids->begin());
    }
    bool at_end() const override { return i >= ids->size(); }
    Xapian::docid get_docid() const override { return (*ids)[i]; }
    DocidListSource *clone() const override
    {
        return new DocidListSource(ids);
    }
    std::string name() const override { return "xapc::DocidListSource"; }
};

// q without the marked documents.
Xapian::Query visible(xapc_db_t *db, const Xapian::Query &q)
{
    if (hidden_list(db).empty())
        return q;
    return Xapian::Query(Xapian::Query::OP_AND_NOT, q,
                         Xapian::Query((new DocidListSource(db->hidden))
                                           ->release()));
}

// A failed handle keeps the message of its failed open: that is the one
// thing the caller can still learn from it.
xapc_status_t db_fail(xapc_db_t *db, const char *where) noexcept
{
    return map_exception(db && !db->failed ? db->err : nullptr, where);
}

Xapian::Document &use(xapc_doc_t *doc)
{
    if (!doc)
        fail(XAPC_ERR_INVALID, "document handle is NULL");
    doc->err[0] = '\0';
    return doc->doc;
}

// Use for modification: borrowed data/value pointers become invalid.
Xapian::Document &modify(xapc_doc_t *doc)
{
    use(doc);
    doc->have_data = false;
    doc->data.clear();
    doc->values.clear();
    return doc->doc;
}

const Xapian::Document &arg_doc(const xapc_doc_t *doc)
{
    if (!doc)
        fail(XAPC_ERR_INVALID, "document handle is NULL");
    return doc->doc;
}

xapc_status_t doc_fail(xapc_doc_t *doc, const char *where) noexcept
{
    return map_exception(doc ? doc->err : nullptr, where);
}

// Query constructors have no handle: the message is dropped.
xapc_query_t *query_fail(const char *where) noexcept
{
    map_exception(nullptr, where);
    return nullptr;
}

// A weight that halves every `halflife` days of age, read from a value
// holding a date as "YYYYMMDD[hhmmss]" text: for recency boosts.  Documents
// without the value get no weight; dates after the origin count as new.
class DateDecaySource : public Xapian::ValuePostingSource {
    double origin_days, halflife, top;

    static double days(const std::string &v)
    {
        if (v.size() < 8)
            return -1;
        for (size_t i = 0; i < 8; ++i)
            if (v[i] < '0' || v[i] > '9')
                return -1;
        int y = std::atoi(v.substr(0, 4).c_str());
        int m = std::atoi(v.substr(4, 2).c_str());
        int d = std::atoi(v.substr(6, 2).c_str());
        if (m < 1 || m > 12 || d < 1 || d > 31)
            return -1;
        // Days from civil, proleptic Gregorian (Howard Hinnant's method).
        y -= m <= 2;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        double day = double(era * 146097 + doe - 719468);
        // A time of day, when given, counts as a fraction of the day.
        if (v.size() >= 14) {
            int t = 0;
            for (size_t i = 8; i < 14; ++i) {
                if (v[i] < '0' || v[i] > '9')
                    return day;
                t = t * 10 + (v[i] - '0');
            }
            int hh = t / 10000, mm = t / 100 % 100, ss = t % 100;
            day += (hh * 3600 + mm * 60 + ss) / 86400.0;
        }
        return day;
    }

  public:
    DateDecaySource(Xapian::valueno vslot, double origin, double half,
                    double weight)
        : Xapian::ValuePostingSource(vslot), origin_days(origin),
          halflife(half), top(weight)
    {
        set_maxweight(top);
    }

    static double origin_of(const std::string &v) { return days(v); }

    double get_weight() const override
    {
        double d = days(get_value());
        if (d < 0)
            return 0;
        double age = origin_days - d;
        if (age < 0)
            age = 0;
        return top * std::pow(0.5, age / halflife);
    }

    DateDecaySource *clone() const override
    {
        return new DateDecaySource(get_slot(), origin_days, halflife, top);
    }

    std::string name() const override { return "xapc::DateDecaySource"; }
};

// The answers of a value predicate per docid, shared by the copies of
// one check in several threads (the ranking pass and the count pass of a
// search ask about the same candidates at the same time): whichever gets
// to a document first tests it, and the other reads the answer.  Bound
// to the first database (UUID and revision) that uses it; a source on any
// other database ignores it.
class ValueMemo {
    size_t nwords;
    uint64_t *known, *pass; // bit d % 64 of word d / 64
    std::mutex mu;
    bool bound = false;
    std::string uuid;
    Xapian::rev rev = 0;

  public:
    explicit ValueMemo(Xapian::docid lastdocid)
        : nwords(size_t(lastdocid) / 64 + 1),
          known(static_cast<uint64_t *>(std::calloc(nwords, 8))),
          pass(static_cast<uint64_t *>(std::calloc(nwords, 8)))
    {
        if (!known || !pass) {
            std::free(known);
            std::free(pass);
            throw std::bad_alloc();
        }
    }
    ~ValueMemo()
    {
        std::free(known);
        std::free(pass);
    }
    ValueMemo(const ValueMemo &) = delete;
    ValueMemo &operator=(const ValueMemo &) = delete;

    bool bind(const Xapian::Database &db)
    {
        std::string u;
        Xapian::rev r;
        try {
            r = db.get_revision(); // throws unless one database
            u = db.get_uuid();
        } catch (...) {
            return false;
        }
        if (u.empty())
            return false;
        std::lock_guard<std::mutex> lock(mu);
        if (!bound) {
            bound = true;
            uuid = u;
            rev = r;
        }
        return uuid == u && rev == r;
    }

    // 1 passed, 0 failed, -1 not known yet.
    int get(Xapian::docid d) const
    {
        size_t w = d / 64;
        uint64_t bit = uint64_t(1) << (d % 64);
        if (w >= nwords || !(__atomic_load_n(&known[w], __ATOMIC_ACQUIRE) &
                             bit))
            return -1;
        return (__atomic_load_n(&pass[w], __ATOMIC_RELAXED) & bit) != 0;
    }

    void put(Xapian::docid d, bool ok)
    {
        size_t w = d / 64;
        uint64_t bit = uint64_t(1) << (d % 64);
        if (w >= nwords)
            return;
        if (ok)
            __atomic_fetch_or(&pass[w], bit, __ATOMIC_RELAXED);
        __atomic_fetch_or(&known[w], bit, __ATOMIC_RELEASE);
    }
};

// Documents whose value in a slot passes a C predicate: checked one
// candidate at a time when it sits beside a more selective query.
class ValueMatchSource : public Xapian::PostingSource {
  public:
    struct Pred {
        xapc_value_pred fn;
        void *ctx;
        void (*free_ctx)(void *);
        std::string description;
        ~Pred()
        {
            if (free_ctx)
                free_ctx(ctx);
        }
    };

  private:
    // Where `it` stands: on an entry that passed, failed or was not
    // tested yet, or nowhere definite (after ValueIterator::check() said
    // no; ++it and skip_to() still work from there).
    enum State { UNTESTED, PASS, FAIL, INDETERMINATE };
    // The position Xapian sees: `it`, or a docid answered from the memo
    // without moving `it`: AT (it passed) or AFTER (it failed: the next
    // match is after it).
    enum Mode { ITER, AT, AFTER };

    Xapian::valueno slot;
    std::shared_ptr<Pred> pred;
    std::shared_ptr<ValueMemo> memo;
    bool use_memo = false;
    Xapian::Database db;
    Xapian::ValueIterator it, end;
    Xapian::doccount freq = 0;
    bool started = false;
    State state = UNTESTED;
    Mode mode = ITER;
    Xapian::docid at = 0;

    // Test the entry `it` stands on, through the memo when there is one.
    bool passes()
    {
        Xapian::docid d = it.get_docid();
        if (use_memo) {
            int known = memo->get(d);
            if (known >= 0)
                return known == 1;
        }
        const std::string v = *it;
        bool ok = pred->fn(pred->ctx, v.data(), v.size()) != 0;
        if (use_memo)
            memo->put(d, ok);
        return ok;
    }

    void start()
    {
        if (!started) {
            it = db.valuestream_begin(slot);
            end = db.valuestream_end(slot);
            started = true;
            state = UNTESTED;
            mode = ITER;
        }
    }

    // From an untested entry on, to the first that passes.
    void settle()
    {
        while (it != end && !passes())
            ++it;
        state = PASS;
    }

    // Put `it` on the first entry >= d (untested), from wherever it is.
    void move_to(Xapian::docid d)
    {
        mode = ITER;
        if (state == INDETERMINATE) {
            it.skip_to(d);
            state = UNTESTED;
        } else if (it != end && it.get_docid() < d) {
            it.skip_to(d);
            state = UNTESTED;
        } else if (it != end && it.get_docid() >= d && state == FAIL) {
            ++it;
            state = UNTESTED;
        }
    }

  public:
    ValueMatchSource(Xapian::valueno s, std::shared_ptr<Pred> p,
                     std::shared_ptr<ValueMemo> m)
        : slot(s), pred(std::move(p)), memo(std::move(m))
    {
    }

    void init(const Xapian::Database &d) override
    {
        db = d;
        started = false;
        state = UNTESTED;
        mode = ITER;
        it = end = Xapian::ValueIterator();
        freq = db.get_value_freq(slot);
        use_memo = memo && memo->bind(db);
    }

    // Never cheaper than the candidates beside it, so that the matcher
    // asks about its candidates rather than reads it through.
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override { return freq; }
    Xapian::doccount get_termfreq_max() const override { return freq; }

    void next(double) override
    {
        if (!started) {
            start();
        } else if (mode != ITER) {
            move_to(at + 1);
        } else if (state != UNTESTED) {
            if (state != INDETERMINATE && it == end)
                return;
            ++it;
            state = UNTESTED;
        }
        settle();
    }

    void skip_to(Xapian::docid did, double) override
    {
        start();
        if (mode == AT && at >= did)
            return;
        if (mode == AFTER && did <= at)
            did = at + 1;
        if (mode == ITER && state == PASS && (it == end ||
                                             it.get_docid() >= did))
            return;
        move_to(did);
        if (state == UNTESTED)
            settle();
    }

    bool check(Xapian::docid did, double) override
    {
        start();
        if (mode == AT && at >= did)
            return true;
        if (use_memo) {
            int known = memo->get(did);
            if (known >= 0) {
                mode = known ? AT : AFTER;
                at = did;
                return known == 1;
            }
        }
        if (mode != ITER)
            move_to(did);
        if (state == INDETERMINATE ||
            (it != end && it.get_docid() < did)) {
            if (!it.check(did)) {
                state = INDETERMINATE;
                return false;
            }
            state = UNTESTED;
        }
        if (it == end)
            return true;
        if (it.get_docid() != did) {
            // Past did: an entry that passed is where skip_to() would
            // stop; otherwise next() finds the next one from here.
            return state == PASS;
        }
        if (state == UNTESTED)
            state = passes() ? PASS : FAIL;
        return state == PASS;
    }

    bool at_end() const override
    {
        return mode == ITER && started && it == end;
    }

    Xapian::docid get_docid() const override
    {
        return mode == ITER ? it.get_docid() : at;
    }

    ValueMatchSource *clone() const override
    {
        return new ValueMatchSource(slot, pred, memo);
    }

    std::string name() const override { return "xapc::ValueMatchSource"; }

    std::string get_description() const override
    {
        return pred->description;
    }
};

// ---- document lengths for BM25 ----
//
// BM25 weighs a posting by its document's length.  Xapian 1.4 looks the
// length up in a list kept in chunks of about 2,000 bytes, which it
// decodes entry by entry from the start of a chunk (or from where it last
// stopped): for each posting of a word in one article in a hundred, that
// is hundreds of entries.  On 200,000 articles, those lookups are 95% of
// the time of a search for such a word.  A read-only handle can instead
// read every length once into a table and weigh the word's postings from
// it, with the same formula and so the same weights (TermSource).

// The lengths of one revision of one database; LENS_BIG: look it up.
struct DocLens {
    std::string key; // uuid:revision
    std::vector<uint16_t> len;
};

const uint16_t LENS_BIG = 0xffff;

std::shared_ptr<const DocLens> read_lens(const Xapian::Database &d,
                                         const std::string &key)
{
    std::shared_ptr<DocLens> l(new DocLens);
    l->key = key;
    l->len.assign(static_cast<size_t>(d.get_lastdocid()) + 1, 0);
    for (auto it = d.postlist_begin(std::string());
         it != d.postlist_end(std::string()); ++it) {
        Xapian::termcount n = it.get_doclength();
        l->len[*it] = n >= LENS_BIG ? LENS_BIG : static_cast<uint16_t>(n);
    }
    return l;
}

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

// One term, weighed as Xapian::BM25Weight weighs it (bm25weight.cc of
// Xapian 1.4: init(), get_sumpart(), get_maxpart()), but with lengths
// from a DocLens.  The scale factor of an enclosing OP_SCALE_WEIGHT is
// applied by Xapian to what get_weight() returns; unscaled, the weights
// are the same doubles as Xapian's.
class TermSource : public Xapian::PostingSource {
    std::string term;
    Xapian::termcount wqf;
    std::shared_ptr<const DocLens> lens;
    Bm25 p;
    double scale; // the factors of the OP_SCALE_WEIGHTs above it
    Xapian::Database db;
    Xapian::PostingIterator it, end;
    bool started = false;
    Xapian::docid cur = 0;
    double cur_wt = -1; // the weight of cur, if known
    Xapian::doccount tf = 0;
    double termweight = 0, len_factor = 0;

    double weigh(Xapian::docid did, Xapian::termcount wdf_n) const
    {
        Xapian::termcount len =
            did < lens->len.size() ? lens->len[did] : LENS_BIG;
        if (len == LENS_BIG)
            len = db.get_doclength(did);
        double normlen = std::max(len * len_factor, p.min_normlen);
        double wdf = wdf_n;
        double denom = p.k1 * (normlen * p.b + (1 - p.b)) + wdf;
        return termweight * (wdf / denom);
    }

    void settle(double min_wt)
    {
        cur_wt = -1;
        double need = scale > 0 ? min_wt / scale : 0;
        if (need > 0) {
            for (; it != end; ++it) {
                cur_wt = weigh(*it, it.get_wdf());
                if (cur_wt >= need)
                    break;
            }
        }
        cur = it == end ? 0 : *it;
    }

  public:
    TermSource(std::string t, Xapian::termcount w,
               std::shared_ptr<const DocLens> l, Bm25 params, double sc)
        : term(std::move(t)), wqf(w), lens(std::move(l)), p(params),
          scale(sc) {}

    void init(const Xapian::Database &d) override
    {
        db = d;
        it = d.postlist_begin(term);
        end = d.postlist_end(term);
        started = false;
        cur = 0;
        tf = d.get_termfreq(term);
        Xapian::doccount n = d.get_doccount();
        double tw = (n - tf + 0.5) / (tf + 0.5);
        if (tw < 2)
            tw = tw * 0.5 + 1;
        termweight = std::log(tw);
        if (p.k3 != 0) {
            double q = wqf;
            termweight *= (p.k3 + 1) * q / (p.k3 + q);
        }
        termweight *= p.k1 + 1;
        len_factor = n ? double(d.get_total_length()) / n : 0;
        if (len_factor != 0)
            len_factor = 1 / len_factor;
        double wdf_max = tf ? d.get_wdf_upper_bound(term) : 0;
        double normlen_lb = std::max(
            std::max(wdf_max, double(d.get_doclength_lower_bound())) *
                len_factor,
            p.min_normlen);
        double denom = p.k1 * (normlen_lb * p.b + (1 - p.b)) + wdf_max;
        set_maxweight(wdf_max ? termweight * (wdf_max / denom) : 0);
    }

    Xapian::doccount get_termfreq_min() const override { return tf; }
    Xapian::doccount get_termfreq_est() const override { return tf; }
    Xapian::doccount get_termfreq_max() const override { return tf; }

    // The current docid is kept: each call through the iterator is a
    // virtual call, and the matcher asks for it several times a posting.
    // Postings that weigh less than the matcher says it needs are passed
    // over here (as the PostingSource contract allows), which spares
    // the matcher's own work on them: for a word in most documents,
    // most postings.  min_wt is in the matcher's units, so it is divided
    // by the factor Xapian scales this source's weights by.
    void next(double min_wt) override
    {
        if (started)
            ++it;
        started = true;
        settle(min_wt);
    }

    void skip_to(Xapian::docid did, double min_wt) override
    {
        started = true;
        it.skip_to(did);
        settle(min_wt);
    }

    bool at_end() const override { return started && cur == 0; }

    Xapian::docid get_docid() const override { return cur; }

    double get_weight() const override
    {
        return cur_wt >= 0 ? cur_wt : weigh(cur, it.get_wdf());
    }
    TermSource *clone() const override
    {
        return new TermSource(term, wqf, lens, p, scale);
    }

    std::string name() const override { return "xapc::TermSource"; }

    std::string get_description() const override
    {
        return "TermSource(" + term + ")";
    }
};

// The revision a table of lengths is for; empty when there can be none:
// a handle on several databases has no single revision.
std::string lens_key(const Xapian::Database &d)
{
    try {
        return d.get_uuid() + ':' + std::to_string(d.get_revision());
    } catch (const Xapian::InvalidOperationError &) {
        return std::string();
    }
}

// The table for a search of q, or NULL to leave the lengths to Xapian.
// Without force, the table is read once the lookups it would have saved
// at this revision add up to its own cost: the rule of renting until the
// rent paid equals the price.  Reading it costs about 26 ns a document
// (the length list walked once); a lookup for a rarer word costs about
// 50 times that (decoding into the middle of a chunk), and the lookups
// of a word in most documents, which follow each other closely, about
// half of the table's cost together.
std::shared_ptr<const DocLens> choose_lens(xapc_db_t *db,
                                           const Xapian::Query &q,
                                           bool force)
{
    if (db->writable || db->path.empty())
        return nullptr; // pending changes, or not one local database
    const Xapian::Database &d = db->rdb;
    std::string key = lens_key(d);
    if (key.empty())
        return nullptr;
    if (db->lens && db->lens->key == key)
        return db->lens;
    db->lens.reset();
    if (!force) {
        if (db->lens_work_key != key) {
            db->lens_work_key = key;
            db->lens_work = 0;
        }
        double n = d.get_doccount();
        for (auto t = q.get_unique_terms_begin();
             t != q.get_unique_terms_end(); ++t)
            db->lens_work += std::min(d.get_termfreq(*t) * 50.0, n / 2);
        if (db->lens_work < n)
            return nullptr;
    }
    db->lens = read_lens(d, key);
    return db->lens;
}

using FastPtr = std::shared_ptr<const FastFn>;
using FastSub = std::pair<Xapian::Query, FastPtr>;

FastPtr fast_term(const std::string &term, Xapian::termcount wqf)
{
    if (term.empty())
        return nullptr;
    return std::make_shared<const FastFn>(
        [term, wqf](const FastCtx &c) {
            return Xapian::Query(
                (new TermSource(term, wqf, c.lens, c.bm25, c.scale))
                    ->release());
        });
}

// op over subqueries, each built again where it can be; NULL when none
// can, or when op needs its subqueries to be terms (a phrase, NEAR,
// SYNONYM) or picks them by their weight bounds (ELITE_SET).
FastPtr fast_op(Xapian::Query::op op, std::vector<FastSub> v)
{
    switch (op) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_MAX:
        break;
    default:
        return nullptr;
    }
    bool any = false;
    for (const FastSub &s : v)
        any = any || s.second;
    if (!any)
        return nullptr;
    if (v.size() == 1)
        return v[0].second;
    return std::make_shared<const FastFn>(
        [op, v](const FastCtx &c) {
            std::vector<Xapian::Query> qs;
            qs.reserve(v.size());
            for (const FastSub &s : v)
                qs.push_back(s.second ? (*s.second)(c) : s.first);
            return Xapian::Query(op, qs.begin(), qs.end());
        });
}

FastPtr fast_scale(FastPtr sub, double factor)
{
    if (!sub)
        return nullptr;
    return std::make_shared<const FastFn>(
        [sub, factor](const FastCtx &c) {
            FastCtx inner{c.db, c.lens, c.bm25, c.scale * factor};
            return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                 (*sub)(inner), factor);
        });
}

// A value check taken out of the posting list tree (see Deferred).
struct DeferredCheck {
    Xapian::valueno slot;
    std::shared_ptr<ValueMatchSource::Pred> pred;
    std::shared_ptr<ValueMemo> memo;
};

// A query whose value checks all sit where a document must pass them to
// match at all: under AND and FILTER, in the first operand of AND_MAYBE
// and AND_NOT, under SCALE_WEIGHT.  It matches exactly the documents of
// `loose` that pass every check, with loose's weight.  `pure`: the
// query is one check alone (it has no loose form of its own).
struct Deferred {
    Xapian::Query loose;
    std::vector<DeferredCheck> checks;
    bool pure = false;
    FastPtr fast_loose; // loose built again (see FastFn), or NULL
};

const Xapian::Query &loose_of(const xapc_query_t *q)
{
    return q->deferred ? q->deferred->loose : q->q;
}

FastSub fast_loose_of(const xapc_query_t *q)
{
    if (q->deferred)
        return FastSub(q->deferred->loose, q->deferred->fast_loose);
    return FastSub(q->q, q->fast);
}

// The deferred form of op over subs, or NULL when no check can wait:
// none is in a conjunctive place (a check under OR stays in the tree).
std::shared_ptr<const Deferred> defer_combine(Xapian::Query::op op,
                                              xapc_query_t *const *subs,
                                              size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; ++i)
        any = any || subs[i]->deferred;
    if (!any || n == 0)
        return nullptr;
    std::shared_ptr<Deferred> d(new Deferred);
    std::vector<Xapian::Query> v;
    std::vector<FastSub> fv;
    switch (op) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_FILTER:
        for (size_t i = 0; i < n; ++i) {
            const Deferred *sd = subs[i]->deferred.get();
            if (sd)
                d->checks.insert(d->checks.end(), sd->checks.begin(),
                                 sd->checks.end());
            if (sd && sd->pure) {
                if (op == Xapian::Query::OP_FILTER && i == 0)
                    return nullptr; // the weighted operand is a check
                continue;
            }
            v.push_back(loose_of(subs[i]));
            fv.push_back(fast_loose_of(subs[i]));
        }
        break;
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_AND_NOT:
        if (!subs[0]->deferred || subs[0]->deferred->pure)
            return nullptr;
        d->checks = subs[0]->deferred->checks;
        v.push_back(subs[0]->deferred->loose);
        fv.push_back(fast_loose_of(subs[0]));
        for (size_t i = 1; i < n; ++i) {
            v.push_back(subs[i]->q);
            fv.push_back(FastSub(subs[i]->q, subs[i]->fast));
        }
        break;
    default:
        return nullptr;
    }
    if (v.empty())
        return nullptr;
    d->loose = v.size() == 1 ? v[0] : Xapian::Query(op, v.begin(), v.end());
    d->fast_loose = fast_op(op, std::move(fv));
    return d;
}

// The page's test of the deferred checks, asked by the matcher only
// about documents that could still enter the page.
class CheckDecider : public Xapian::MatchDecider {
    const std::vector<DeferredCheck> &checks;
    std::vector<char> memo_ok;

  public:
    CheckDecider(const std::vector<DeferredCheck> &c,
                 const Xapian::Database &db)
        : checks(c), memo_ok(c.size())
    {
        for (size_t i = 0; i < c.size(); ++i)
            memo_ok[i] = c[i].memo && c[i].memo->bind(db);
    }

    bool operator()(const Xapian::Document &doc) const override
    {
        Xapian::docid did = doc.get_docid();
        for (size_t i = 0; i < checks.size(); ++i) {
            const DeferredCheck &c = checks[i];
            int known = memo_ok[i] ? c.memo->get(did) : -1;
            if (known < 0) {
                const std::string v = doc.get_value(c.slot);
                known = !v.empty() &&
                        c.pred->fn(c.pred->ctx, v.data(), v.size()) != 0;
                if (memo_ok[i])
                    c.memo->put(did, known == 1);
            }
            if (!known)
                return false;
        }
        return true;
    }
};

xapc_query_t *wrap(Xapian::Query &&q,
                   std::shared_ptr<const Deferred> d = nullptr,
                   FastPtr fast = nullptr)
{
    std::unique_ptr<xapc_query> h(
        new xapc_query{std::move(q), std::move(d), std::move(fast)});
    return h.release();
}

const Xapian::Query &arg_query(const xapc_query_t *q)
{
    if (!q)
        fail(XAPC_ERR_INVALID, "query handle is NULL");
    return q->q;
}

// Shared by the two open functions: the handle exists before the attempt so
// that a failure can be reported on it.
xapc_status_t open_fail(xapc_db_t **out, xapc_db_t *db,
                        const char *where) noexcept
{
    xapc_status_t st = map_exception(db ? db->err : nullptr, where);
    if (db)
        db->failed = true;
    if (out)
        *out = db;
    return st;
}

class TermDecider : public Xapian::ExpandDecider {
  public:
    TermDecider(const std::string &prefix, bool unprefixed_only)
        : prefix_(prefix), unprefixed_only_(unprefixed_only)
    {
    }
    bool operator()(const std::string &term) const override
    {
        if (term.compare(0, prefix_.size(), prefix_) != 0)
            return false;
        if (unprefixed_only_ && !term.empty() && term[0] >= 'A' &&
            term[0] <= 'Z')
            return false;
        return true;
    }

  private:
    std::string prefix_;
    bool unprefixed_only_;
};

// Callbacks get NUL-terminated strings: std::string::c_str() provides that.
bool call(xapc_string_cb cb, void *ctx, const std::string &s)
{
    return cb(ctx, s.c_str(), s.size()) != 0;
}

const Hit *hit_at(const xapc_mset_t *m, size_t i)
{
    return (m && i < m->hits.size()) ? &m->hits[i] : nullptr;
}

const char *borrowed(const std::string &s, size_t *len)
{
    if (len)
        *len = s.size();
    return s.c_str();
}

const char *none(size_t *len)
{
    if (len)
        *len = 0;
    return nullptr;
}

} // namespace

extern "C" {

// ---------------------------------------------------------------------------
// Statuses and version

XAPC_API const char *xapc_status_str(xapc_status_t st)
{
    try {
        switch (enum_value(st)) {
        case XAPC_OK: return "ok";
        case XAPC_ERR_INVALID: return "invalid argument or operation";
        case XAPC_ERR_NOMEM: return "out of memory";
        case XAPC_ERR_NOT_FOUND: return "database or document not found";
        case XAPC_ERR_OPENING: return "database could not be opened";
        case XAPC_ERR_LOCK: return "database is locked by another writer";
        case XAPC_ERR_MODIFIED: return "database was modified, reopen it";
        case XAPC_ERR_CORRUPT: return "database is corrupt";
        case XAPC_ERR_VERSION: return "database format version unsupported";
        case XAPC_ERR_NETWORK: return "network error";
        case XAPC_ERR_WILDCARD: return "wildcard expanded to too many terms";
        case XAPC_ERR_CLOSED: return "database is closed";
        case XAPC_ERR_XAPIAN: return "xapian error";
        case XAPC_ERR_UNKNOWN: return "unknown error";
        }
        return "unrecognised status";
    } catch (...) {
        map_exception(nullptr, __func__);
        return "unknown error";
    }
}

XAPC_API const char *xapc_xapian_version(void)
{
    try {
        return Xapian::version_string();
    } catch (...) {
        map_exception(nullptr, __func__);
        return "";
    }
}

// ---------------------------------------------------------------------------
// Opening and closing

XAPC_API xapc_status_t xapc_db_open(xapc_db_t **out, const char *path,
                                    int flags)
{
    xapc_db_t *db = nullptr;
    try {
        if (!out)
            fail(XAPC_ERR_INVALID, "out is NULL"); // nowhere to put a handle
        *out = nullptr;
        db = new xapc_db;
        *out = db;
        need(path, "path is NULL");
        const int known = XAPC_DB_MODE_MASK | XAPC_DB_NO_SYNC |
                          XAPC_DB_RETRY_LOCK | XAPC_DB_BACKEND_GLASS |
                          XAPC_DB_NO_TERMLIST;
        if (flags & ~known)
            fail(XAPC_ERR_INVALID, "unknown flag bits");
        int mode = flags & XAPC_DB_MODE_MASK;
        if (mode == XAPC_DB_READONLY) {
            // Xapian's read-only constructor also recognises stub files.
            db->rdb = Xapian::Database(path);
            db->path = path;
            return XAPC_OK;
        }
        int opts = 0;
        if (flags & XAPC_DB_NO_SYNC)
            opts |= Xapian::DB_NO_SYNC;
        if (flags & XAPC_DB_RETRY_LOCK)
            opts |= Xapian::DB_RETRY_LOCK;
        // Glass for anything we create; an existing database (or stub) of
        // whatever type is opened as it is.
        bool lean = (flags & XAPC_DB_NO_TERMLIST) != 0;
        int create = opts | Xapian::DB_BACKEND_GLASS |
                     (lean ? Xapian::DB_NO_TERMLIST : 0);
        switch (mode) {
        case XAPC_DB_CREATE:
            db->wdb = Xapian::WritableDatabase(path, create | Xapian::DB_CREATE);
            db->no_termlist = lean;
            break;
        case XAPC_DB_CREATE_OR_OVERWRITE:
            db->wdb = Xapian::WritableDatabase(
                path, create | Xapian::DB_CREATE_OR_OVERWRITE);
            db->no_termlist = lean;
            break;
        case XAPC_DB_CREATE_OR_OPEN:
        case XAPC_DB_OPEN:
            try {
                db->wdb = Xapian::WritableDatabase(path,
                                                   opts | Xapian::DB_OPEN);
            } catch (const Xapian::DatabaseNotFoundError &) {
                if (mode == XAPC_DB_OPEN)
                    throw;
                db->wdb = Xapian::WritableDatabase(path,
                                                   create | Xapian::DB_CREATE);
                db->no_termlist = lean;
            } catch (const Xapian::DatabaseLockError &) {
                throw;
            } catch (const Xapian::DatabaseOpeningError &e) {
                // A database made without a termlist table opens only
                // when told so; any other failure keeps its own message.
                Xapian::DatabaseOpeningError first = e;
                try {
                    db->wdb = Xapian::WritableDatabase(
                        path, opts | Xapian::DB_OPEN | Xapian::DB_NO_TERMLIST);
                } catch (...) {
                    throw first;
                }
                db->no_termlist = true;
            }
            break;
        default: fail(XAPC_ERR_INVALID, "unknown open mode");
        }
        db->writable = true;
        return XAPC_OK;
    } catch (...) {
        return open_fail(out, db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_open_remote(xapc_db_t **out, const char *host,
                                           unsigned int port,
                                           unsigned int timeout_ms,
                                           int writable)
{
    xapc_db_t *db = nullptr;
    try {
        if (!out)
            fail(XAPC_ERR_INVALID, "out is NULL"); // nowhere to put a handle
        *out = nullptr;
        db = new xapc_db;
        *out = db;
        need(host, "host is NULL");
        if (port == 0 || port > 65535)
            fail(XAPC_ERR_INVALID, "port out of range");
        if (writable) {
            db->wdb = Xapian::Remote::open_writable(host, port, timeout_ms,
                                                    timeout_ms);
            db->writable = true;
        } else {
            db->rdb = Xapian::Remote::open(host, port, timeout_ms, timeout_ms);
        }
        return XAPC_OK;
    } catch (...) {
        return open_fail(out, db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_add_database(xapc_db_t *db, xapc_db_t *other)
{
    try {
        use(db);
        if (db->writable)
            fail(XAPC_ERR_INVALID,
                 "databases can only be added to a read-only handle");
        if (other == db)
            fail(XAPC_ERR_INVALID, "cannot add a database handle to itself");
        if (!other || other->failed)
            fail(XAPC_ERR_INVALID, "other database handle is not usable");
        if (other->closed)
            fail(XAPC_ERR_CLOSED, "other database has been closed");
        if (!db->marks_key.empty() || !other->marks_key.empty())
            fail(XAPC_ERR_INVALID, "handles that track deleted documents "
                                   "cannot be combined");
        db->rdb.add_database(other->db());
        db->path.clear();
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_close(xapc_db_t *db)
{
    try {
        Xapian::Database &d = use(db);
        // Marked closed even if close() throws: Xapian has then released
        // the database as far as it could, and retrying cannot help.
        db->closed = true;
        d.close();
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API void xapc_db_free(xapc_db_t *db)
{
    try {
        delete db;
    } catch (...) {
        map_exception(nullptr, __func__);
    }
}

XAPC_API const char *xapc_db_errmsg(const xapc_db_t *db)
{
    try {
        return db ? db->err : "out of memory";
    } catch (...) {
        map_exception(nullptr, __func__);
        return "";
    }
}

XAPC_API xapc_status_t xapc_db_reopen(xapc_db_t *db, int *changed)
{
    try {
        bool c = use(db).reopen();
        if (c)
            load_marks(db);
        if (changed)
            *changed = c ? 1 : 0;
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API int xapc_db_is_writable(const xapc_db_t *db)
{
    try {
        return (db && !db->failed && !db->closed && db->writable) ? 1 : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API int xapc_db_has_length_table(const xapc_db_t *db)
{
    try {
        if (!db || db->failed || db->closed || db->writable || !db->lens)
            return 0;
        return db->lens->key == lens_key(db->rdb) ? 1 : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API int xapc_db_has_termlist(const xapc_db_t *db)
{
    try {
        if (!db || db->failed || db->closed)
            return -1;
        if (!db->writable)
            return -1;
        return db->no_termlist ? 0 : 1;
    } catch (...) {
        map_exception(nullptr, __func__);
        return -1;
    }
}

XAPC_API xapc_status_t xapc_db_track_deleted(xapc_db_t *db, const char *key)
{
    try {
        use(db);
        need(key, "metadata key is NULL");
        if (!*key)
            fail(XAPC_ERR_INVALID, "metadata key is empty");
        if (!db->writable && db->path.empty())
            fail(XAPC_ERR_INVALID, "a combined or remote handle cannot "
                                   "track deleted documents");
        db->marks_key = key;
        load_marks(db);
        return XAPC_OK;
    } catch (...) {
        db->marks_key.clear();
        db->hidden.reset();
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_deleted_count(xapc_db_t *db,
                                             xapc_doccount_t *out)
{
    try {
        use(db);
        if (!out)
            fail(XAPC_ERR_INVALID, "output pointer is NULL");
        *out = static_cast<xapc_doccount_t>(hidden_list(db).size());
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

// ---------------------------------------------------------------------------
// Statistics

#define XAPC_NEED_OUT(p)                                                       \
    do {                                                                       \
        if (!(p))                                                              \
            fail(XAPC_ERR_INVALID, "output pointer is NULL");                  \
    } while (0)

XAPC_API xapc_status_t xapc_db_doccount(xapc_db_t *db, xapc_doccount_t *out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = d.get_doccount() -
               static_cast<Xapian::doccount>(hidden_list(db).size());
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_lastdocid(xapc_db_t *db, xapc_docid_t *out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = d.get_lastdocid();
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_avlength(xapc_db_t *db, double *out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = d.get_avlength();
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_termfreq(xapc_db_t *db, const char *term,
                                        size_t len, xapc_doccount_t *out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = d.get_termfreq(bytes(term, len));
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_collection_freq(xapc_db_t *db,
                                               const char *term, size_t len,
                                               xapc_termcount_t *out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = d.get_collection_freq(bytes(term, len));
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_term_exists(xapc_db_t *db, const char *term,
                                           size_t len, int *out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = d.term_exists(bytes(term, len)) ? 1 : 0;
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_doclength(xapc_db_t *db, xapc_docid_t docid,
                                         xapc_termcount_t *out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = d.get_doclength(docid);
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_unique_terms(xapc_db_t *db, xapc_docid_t docid,
                                            xapc_termcount_t *out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = d.get_unique_terms(docid);
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

// ---------------------------------------------------------------------------
// Documents in a database

XAPC_API xapc_status_t xapc_db_get_doc(xapc_db_t *db, xapc_docid_t docid,
                                       xapc_doc_t **out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = nullptr;
        if (docid && is_hidden(db, docid))
            fail(XAPC_ERR_NOT_FOUND, "document is deleted");
        std::unique_ptr<xapc_doc> h(new xapc_doc);
        h->doc = d.get_document(docid);
        *out = h.release();
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_add_doc(xapc_db_t *db, const xapc_doc_t *doc,
                                       xapc_docid_t *docid)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        Xapian::docid id = w.add_document(arg_doc(doc));
        if (docid)
            *docid = id;
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_replace_doc(xapc_db_t *db, xapc_docid_t docid,
                                           const xapc_doc_t *doc)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        if (docid == 0)
            fail(XAPC_ERR_INVALID, "docid 0 is not a valid document id");
        w.replace_document(docid, arg_doc(doc));
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_replace_doc_by_term(xapc_db_t *db,
                                                   const char *uterm,
                                                   size_t len,
                                                   const xapc_doc_t *doc,
                                                   xapc_docid_t *docid)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        std::string t = bytes(uterm, len);
        if (t.empty())
            fail(XAPC_ERR_INVALID, "empty unique term");
        Xapian::docid id;
        if (marking(db)) {
            mark_term(db, t);
            id = w.add_document(arg_doc(doc));
        } else {
            id = w.replace_document(t, arg_doc(doc));
        }
        if (docid)
            *docid = id;
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_delete_doc(xapc_db_t *db, xapc_docid_t docid)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        if (docid == 0)
            fail(XAPC_ERR_INVALID, "docid 0 is not a valid document id");
        if (marking(db)) {
            if (is_hidden(db, docid))
                fail(XAPC_ERR_NOT_FOUND, "document is deleted");
            (void)w.get_doclength(docid); // throws if there is none
            mark(db, docid);
        } else {
            w.delete_document(docid);
        }
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_delete_doc_by_term(xapc_db_t *db,
                                                  const char *term,
                                                  size_t len)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        std::string t = bytes(term, len);
        if (t.empty())
            fail(XAPC_ERR_INVALID, "empty term would match every document");
        if (marking(db))
            mark_term(db, t);
        else
            w.delete_document(t);
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_commit(xapc_db_t *db)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        flush_marks(db);
        w.commit();
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_begin_transaction(xapc_db_t *db, int flushed)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        if (flushed)
            flush_marks(db);
        w.begin_transaction(flushed != 0);
        hidden_list(db);
        db->saved_hidden = db->hidden;
        db->saved_dirty = db->marks_dirty;
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_commit_transaction(xapc_db_t *db)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        flush_marks(db);
        w.commit_transaction();
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_cancel_transaction(xapc_db_t *db)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        w.cancel_transaction();
        db->hidden = db->saved_hidden;
        db->new_marks.clear();
        db->marks_dirty = db->saved_dirty;
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

// ---------------------------------------------------------------------------
// Metadata

XAPC_API xapc_status_t xapc_db_set_metadata(xapc_db_t *db, const char *key,
                                            const char *value, size_t len)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        need(key, "metadata key is NULL");
        if (!*key)
            fail(XAPC_ERR_INVALID, "metadata key is empty");
        w.set_metadata(key, bytes(value, len));
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_get_metadata(xapc_db_t *db, const char *key,
                                            char **value, size_t *len)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(value);
        *value = nullptr;
        if (len)
            *len = 0;
        need(key, "metadata key is NULL");
        if (!*key)
            fail(XAPC_ERR_INVALID, "metadata key is empty");
        std::string v = d.get_metadata(key);
        *value = c_copy(v);
        if (len)
            *len = v.size();
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_metadata_keys(xapc_db_t *db,
                                             const char *prefix,
                                             xapc_string_cb cb, void *ctx)
{
    try {
        Xapian::Database &d = use(db);
        if (!cb)
            fail(XAPC_ERR_INVALID, "callback is NULL");
        std::string pfx = prefix ? prefix : "";
        for (auto it = d.metadata_keys_begin(pfx);
             it != d.metadata_keys_end(pfx); ++it) {
            if (call(cb, ctx, *it))
                break;
        }
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

// ---------------------------------------------------------------------------
// Iteration

XAPC_API xapc_status_t xapc_db_allterms(xapc_db_t *db, const char *prefix,
                                        xapc_term_cb cb, void *ctx)
{
    try {
        Xapian::Database &d = use(db);
        if (!cb)
            fail(XAPC_ERR_INVALID, "callback is NULL");
        std::string pfx = prefix ? prefix : "";
        for (auto it = d.allterms_begin(pfx); it != d.allterms_end(pfx);
             ++it) {
            const std::string t = *it;
            if (cb(ctx, t.c_str(), t.size(), it.get_termfreq()))
                break;
        }
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_postings(xapc_db_t *db, const char *term,
                                        size_t len, xapc_posting_cb cb,
                                        void *ctx)
{
    try {
        Xapian::Database &d = use(db);
        if (!cb)
            fail(XAPC_ERR_INVALID, "callback is NULL");
        std::string t = bytes(term, len);
        for (auto it = d.postlist_begin(t); it != d.postlist_end(t); ++it) {
            if (is_hidden(db, *it))
                continue;
            if (cb(ctx, *it, it.get_wdf()))
                break;
        }
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_positions(xapc_db_t *db, xapc_docid_t docid,
                                         const char *term, size_t len,
                                         xapc_position_cb cb, void *ctx)
{
    try {
        Xapian::Database &d = use(db);
        if (!cb)
            fail(XAPC_ERR_INVALID, "callback is NULL");
        std::string t = bytes(term, len);
        for (auto it = d.positionlist_begin(docid, t);
             it != d.positionlist_end(docid, t); ++it) {
            if (cb(ctx, *it))
                break;
        }
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

// ---------------------------------------------------------------------------
// Spelling and synonyms

XAPC_API xapc_status_t xapc_db_add_spelling(xapc_db_t *db, const char *word,
                                            size_t len,
                                            xapc_termcount_t freqinc)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        std::string s = bytes(word, len);
        if (s.empty())
            fail(XAPC_ERR_INVALID, "empty word");
        w.add_spelling(s, freqinc);
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_remove_spelling(xapc_db_t *db,
                                               const char *word, size_t len,
                                               xapc_termcount_t freqdec)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        std::string s = bytes(word, len);
        if (s.empty())
            fail(XAPC_ERR_INVALID, "empty word");
        w.remove_spelling(s, freqdec);
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_spelling_suggest(xapc_db_t *db,
                                                const char *word, size_t len,
                                                unsigned int max_edit_distance,
                                                char **out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = nullptr;
        std::string s =
            d.get_spelling_suggestion(bytes(word, len), max_edit_distance);
        *out = c_copy(s);
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_add_synonym(xapc_db_t *db, const char *term,
                                           const char *synonym)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        need(term, "term is NULL");
        need(synonym, "synonym is NULL");
        if (!*term || !*synonym)
            fail(XAPC_ERR_INVALID, "empty term or synonym");
        w.add_synonym(term, synonym);
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_remove_synonym(xapc_db_t *db,
                                              const char *term,
                                              const char *synonym)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        need(term, "term is NULL");
        need(synonym, "synonym is NULL");
        w.remove_synonym(term, synonym);
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_clear_synonyms(xapc_db_t *db, const char *term)
{
    try {
        Xapian::WritableDatabase &w = use_w(db);
        need(term, "term is NULL");
        w.clear_synonyms(term);
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_synonyms(xapc_db_t *db, const char *term,
                                        xapc_string_cb cb, void *ctx)
{
    try {
        Xapian::Database &d = use(db);
        need(term, "term is NULL");
        if (!cb)
            fail(XAPC_ERR_INVALID, "callback is NULL");
        std::string t = term;
        for (auto it = d.synonyms_begin(t); it != d.synonyms_end(t); ++it) {
            if (call(cb, ctx, *it))
                break;
        }
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_synonym_keys(xapc_db_t *db, const char *prefix,
                                            xapc_string_cb cb, void *ctx)
{
    try {
        Xapian::Database &d = use(db);
        if (!cb)
            fail(XAPC_ERR_INVALID, "callback is NULL");
        std::string pfx = prefix ? prefix : "";
        for (auto it = d.synonym_keys_begin(pfx);
             it != d.synonym_keys_end(pfx); ++it) {
            if (call(cb, ctx, *it))
                break;
        }
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

// ---------------------------------------------------------------------------
// Maintenance

XAPC_API xapc_status_t xapc_compact(const char *const *srcs, size_t n,
                                    const char *dest, unsigned int flags,
                                    char **errmsg)
{
    char buf[ERRBUF_SIZE];
    buf[0] = '\0';
    try {
        if (errmsg)
            *errmsg = nullptr;
        if (!srcs || n == 0)
            fail(XAPC_ERR_INVALID, "no source databases");
        need(dest, "dest is NULL");
        const unsigned known = XAPC_COMPACT_MULTIPASS |
                               XAPC_COMPACT_SINGLE_FILE |
                               XAPC_COMPACT_NO_RENUMBER;
        if (flags & ~known)
            fail(XAPC_ERR_INVALID, "unknown compaction flag bits");
        // Compacting a combined Database merges all of the sources.
        Xapian::Database all;
        for (size_t i = 0; i < n; ++i)
            all.add_database(Xapian::Database(need(srcs[i], "source is NULL")));
        unsigned xflags = 0;
        if (flags & XAPC_COMPACT_MULTIPASS)
            xflags |= Xapian::DBCOMPACT_MULTIPASS;
        if (flags & XAPC_COMPACT_SINGLE_FILE)
            xflags |= Xapian::DBCOMPACT_SINGLE_FILE;
        if (flags & XAPC_COMPACT_NO_RENUMBER)
            xflags |= Xapian::DBCOMPACT_NO_RENUMBER;
        all.compact(dest, xflags);
        return XAPC_OK;
    } catch (...) {
        xapc_status_t st = map_exception(buf, __func__);
        give_msg(errmsg, buf);
        return st;
    }
}

XAPC_API xapc_status_t xapc_check(const char *path, unsigned long *nerrors,
                                  char **report, char **errmsg)
{
    char buf[ERRBUF_SIZE];
    buf[0] = '\0';
    try {
        if (nerrors)
            *nerrors = 0;
        if (report)
            *report = nullptr;
        if (errmsg)
            *errmsg = nullptr;
        need(path, "path is NULL");
        std::ostringstream os;
        size_t errs = 0;
        try {
            // Options 0: one summary line per table, like xapian-check
            // without flags; the tree dumps would be huge on real indexes.
            errs = Xapian::Database::check(path, 0, report ? &os : nullptr);
        } catch (const Xapian::DatabaseError &e) {
            // What was checked before the failure is still worth having.
            if (report)
                *report = c_copy(os.str());
            // The checker reports damage it cannot walk past as a plain
            // DatabaseError; for the caller that is corruption.
            if (std::strcmp(e.get_type(), "DatabaseError") == 0)
                throw Xapian::DatabaseCorruptError(e.get_msg(),
                                                   e.get_context());
            throw;
        }
        if (nerrors)
            *nerrors = errs;
        if (report)
            *report = c_copy(os.str());
        if (errs)
            fail(XAPC_ERR_CORRUPT, "database check found errors");
        return XAPC_OK;
    } catch (...) {
        xapc_status_t st = map_exception(buf, __func__);
        give_msg(errmsg, buf);
        return st;
    }
}

// ---------------------------------------------------------------------------
// Documents

XAPC_API xapc_status_t xapc_doc_new(xapc_doc_t **out)
{
    try {
        XAPC_NEED_OUT(out);
        *out = nullptr;
        *out = new xapc_doc;
        return XAPC_OK;
    } catch (...) {
        return map_exception(nullptr, __func__);
    }
}

XAPC_API void xapc_doc_free(xapc_doc_t *doc)
{
    try {
        delete doc;
    } catch (...) {
        map_exception(nullptr, __func__);
    }
}

XAPC_API const char *xapc_doc_errmsg(const xapc_doc_t *doc)
{
    try {
        return doc ? doc->err : "";
    } catch (...) {
        map_exception(nullptr, __func__);
        return "";
    }
}

XAPC_API xapc_docid_t xapc_doc_docid(const xapc_doc_t *doc)
{
    try {
        return doc ? doc->doc.get_docid() : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API xapc_status_t xapc_doc_add_posting(xapc_doc_t *doc, const char *term,
                                            size_t len, xapc_termpos_t pos,
                                            xapc_termcount_t wdfinc)
{
    try {
        std::string t = doc_term(term, len);
        modify(doc).add_posting(t, pos, wdfinc);
        return XAPC_OK;
    } catch (...) {
        return doc_fail(doc, __func__);
    }
}

XAPC_API xapc_status_t xapc_doc_add_term(xapc_doc_t *doc, const char *term,
                                         size_t len, xapc_termcount_t wdfinc)
{
    try {
        std::string t = doc_term(term, len);
        modify(doc).add_term(t, wdfinc);
        return XAPC_OK;
    } catch (...) {
        return doc_fail(doc, __func__);
    }
}

XAPC_API xapc_status_t xapc_doc_add_boolean_term(xapc_doc_t *doc,
                                                 const char *term, size_t len)
{
    try {
        std::string t = doc_term(term, len);
        modify(doc).add_boolean_term(t);
        return XAPC_OK;
    } catch (...) {
        return doc_fail(doc, __func__);
    }
}

XAPC_API xapc_status_t xapc_doc_remove_term(xapc_doc_t *doc, const char *term,
                                            size_t len)
{
    try {
        std::string t = bytes(term, len);
        modify(doc).remove_term(t);
        return XAPC_OK;
    } catch (...) {
        return doc_fail(doc, __func__);
    }
}

XAPC_API xapc_status_t xapc_doc_clear_terms(xapc_doc_t *doc)
{
    try {
        modify(doc).clear_terms();
        return XAPC_OK;
    } catch (...) {
        return doc_fail(doc, __func__);
    }
}

XAPC_API xapc_status_t xapc_doc_set_value(xapc_doc_t *doc, xapc_slot_t slot,
                                          const char *bytes_, size_t len)
{
    try {
        if (slot == Xapian::BAD_VALUENO)
            fail(XAPC_ERR_INVALID, "slot 0xffffffff is reserved");
        std::string v = bytes(bytes_, len);
        modify(doc).add_value(slot, v);
        return XAPC_OK;
    } catch (...) {
        return doc_fail(doc, __func__);
    }
}

XAPC_API xapc_status_t xapc_doc_set_data(xapc_doc_t *doc, const char *bytes_,
                                         size_t len)
{
    try {
        std::string v = bytes(bytes_, len);
        modify(doc).set_data(v);
        return XAPC_OK;
    } catch (...) {
        return doc_fail(doc, __func__);
    }
}

XAPC_API const char *xapc_doc_value(xapc_doc_t *doc, xapc_slot_t slot,
                                    size_t *len)
{
    try {
        if (len)
            *len = 0;
        Xapian::Document &d = use(doc);
        auto it = doc->values.find(slot);
        if (it == doc->values.end())
            it = doc->values.emplace(slot, d.get_value(slot)).first;
        return borrowed(it->second, len);
    } catch (...) {
        doc_fail(doc, __func__);
        return nullptr;
    }
}

XAPC_API const char *xapc_doc_data(xapc_doc_t *doc, size_t *len)
{
    try {
        if (len)
            *len = 0;
        Xapian::Document &d = use(doc);
        if (!doc->have_data) {
            doc->data = d.get_data();
            doc->have_data = true;
        }
        return borrowed(doc->data, len);
    } catch (...) {
        doc_fail(doc, __func__);
        return nullptr;
    }
}

XAPC_API xapc_status_t xapc_doc_terms(xapc_doc_t *doc, xapc_term_cb cb,
                                      void *ctx)
{
    try {
        Xapian::Document &d = use(doc);
        if (!cb)
            fail(XAPC_ERR_INVALID, "callback is NULL");
        for (auto it = d.termlist_begin(); it != d.termlist_end(); ++it) {
            const std::string t = *it;
            if (cb(ctx, t.c_str(), t.size(), it.get_wdf()))
                break;
        }
        return XAPC_OK;
    } catch (...) {
        return doc_fail(doc, __func__);
    }
}

// ---------------------------------------------------------------------------
// Queries

XAPC_API xapc_query_t *xapc_query_term(const char *term, size_t len,
                                       xapc_termcount_t wqf,
                                       xapc_termpos_t pos)
{
    try {
        std::string t = bytes(term, len);
        FastPtr fast = fast_term(t, wqf);
        return wrap(Xapian::Query(t, wqf, pos), nullptr, std::move(fast));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API xapc_query_t *xapc_query_all(void)
{
    try {
        // A leaf of its own: Query::MatchAll is one shared object, and
        // Xapian's reference counts are not thread-safe.
        return wrap(Xapian::Query(std::string()));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API xapc_query_t *xapc_query_none(void)
{
    try {
        return wrap(Xapian::Query(Xapian::Query::MatchNothing));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API xapc_query_t *xapc_query_combine(xapc_op_t op,
                                          xapc_query_t *const *subs, size_t n,
                                          unsigned int window)
{
    try {
        Xapian::Query::op xop;
        switch (enum_value(op)) {
        case XAPC_OP_AND: xop = Xapian::Query::OP_AND; break;
        case XAPC_OP_OR: xop = Xapian::Query::OP_OR; break;
        case XAPC_OP_AND_NOT: xop = Xapian::Query::OP_AND_NOT; break;
        case XAPC_OP_XOR: xop = Xapian::Query::OP_XOR; break;
        case XAPC_OP_AND_MAYBE: xop = Xapian::Query::OP_AND_MAYBE; break;
        case XAPC_OP_FILTER: xop = Xapian::Query::OP_FILTER; break;
        case XAPC_OP_NEAR: xop = Xapian::Query::OP_NEAR; break;
        case XAPC_OP_PHRASE: xop = Xapian::Query::OP_PHRASE; break;
        case XAPC_OP_ELITE_SET: xop = Xapian::Query::OP_ELITE_SET; break;
        case XAPC_OP_SYNONYM: xop = Xapian::Query::OP_SYNONYM; break;
        case XAPC_OP_MAX: xop = Xapian::Query::OP_MAX; break;
        default: fail(XAPC_ERR_INVALID, "unknown query operator");
        }
        if (n && !subs)
            fail(XAPC_ERR_INVALID, "subs is NULL");
        std::vector<Xapian::Query> v;
        std::vector<FastSub> fv;
        v.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            v.push_back(arg_query(subs[i]));
            fv.push_back(FastSub(subs[i]->q, subs[i]->fast));
        }
        // Xapian rejects a window for other operators; the header promises
        // it is ignored there, which keeps callers' code uniform.
        bool windowed = xop == Xapian::Query::OP_NEAR ||
                        xop == Xapian::Query::OP_PHRASE ||
                        xop == Xapian::Query::OP_ELITE_SET;
        return wrap(
            Xapian::Query(xop, v.begin(), v.end(), windowed ? window : 0),
            defer_combine(xop, subs, n), fast_op(xop, std::move(fv)));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API xapc_query_t *xapc_query_value_range(xapc_slot_t slot,
                                              const char *lo, size_t lolen,
                                              const char *hi, size_t hilen)
{
    try {
        return wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot,
                                  bytes(lo, lolen), bytes(hi, hilen)));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API xapc_query_t *xapc_query_value_ge(xapc_slot_t slot, const char *lo,
                                           size_t lolen)
{
    try {
        return wrap(
            Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, bytes(lo, lolen)));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API xapc_query_t *xapc_query_value_le(xapc_slot_t slot, const char *hi,
                                           size_t hilen)
{
    try {
        return wrap(
            Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, bytes(hi, hilen)));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API xapc_query_t *xapc_query_date_decay(xapc_slot_t slot,
                                             const char *origin,
                                             size_t len, double halflife_days,
                                             double max_weight)
{
    try {
        double o = DateDecaySource::origin_of(bytes(origin, len));
        if (o < 0 || !(halflife_days > 0) || !(max_weight > 0) ||
            !std::isfinite(halflife_days) || !std::isfinite(max_weight))
            fail(XAPC_ERR_INVALID, "bad date decay arguments");
        std::unique_ptr<DateDecaySource> src(
            new DateDecaySource(slot, o, halflife_days, max_weight));
        return wrap(Xapian::Query(src.release()->release()));
    } catch (...) {
        return query_fail(__func__);
    }
}

struct xapc_value_memo {
    std::shared_ptr<ValueMemo> m;
};

XAPC_API xapc_value_memo_t *xapc_value_memo_new(xapc_docid_t lastdocid)
{
    try {
        std::unique_ptr<xapc_value_memo> h(new xapc_value_memo);
        h->m = std::make_shared<ValueMemo>(lastdocid);
        return h.release();
    } catch (...) {
        map_exception(nullptr, __func__);
        return nullptr;
    }
}

XAPC_API void xapc_value_memo_free(xapc_value_memo_t *memo)
{
    delete memo;
}

XAPC_API xapc_query_t *xapc_query_value_match(xapc_slot_t slot,
                                              xapc_value_pred pred,
                                              void *ctx,
                                              void (*free_ctx)(void *),
                                              const char *description,
                                              xapc_value_memo_t *memo)
{
    std::shared_ptr<ValueMatchSource::Pred> p;
    try {
        p.reset(new ValueMatchSource::Pred{
            pred, ctx, free_ctx,
            description ? description : "value check"});
    } catch (...) {
        if (free_ctx)
            free_ctx(ctx);
        return query_fail(__func__);
    }
    try {
        if (!pred)
            fail(XAPC_ERR_INVALID, "value predicate is NULL");
        std::shared_ptr<ValueMemo> m =
            memo ? memo->m : std::shared_ptr<ValueMemo>();
        std::shared_ptr<Deferred> d(new Deferred);
        d->checks.push_back(DeferredCheck{slot, p, m});
        d->pure = true;
        std::unique_ptr<ValueMatchSource> src(
            new ValueMatchSource(slot, std::move(p), std::move(m)));
        return wrap(Xapian::Query(src.release()->release()), std::move(d));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API xapc_query_t *xapc_query_fixed_weight(double weight)
{
    try {
        if (!(weight >= 0) || !std::isfinite(weight))
            fail(XAPC_ERR_INVALID, "bad fixed weight");
        std::unique_ptr<Xapian::FixedWeightPostingSource> src(
            new Xapian::FixedWeightPostingSource(weight));
        return wrap(Xapian::Query(src.release()->release()));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API xapc_query_t *xapc_query_scale(const xapc_query_t *q, double factor)
{
    try {
        // Checked here: Xapian rejects negatives but not NaN.
        if (!(factor >= 0.0))
            fail(XAPC_ERR_INVALID, "scale factor must be >= 0");
        arg_query(q);
        std::shared_ptr<Deferred> d;
        if (q->deferred && !q->deferred->pure) {
            d.reset(new Deferred(*q->deferred));
            d->loose = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                     q->deferred->loose, factor);
            d->fast_loose = fast_scale(q->deferred->fast_loose, factor);
        }
        return wrap(
            Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, arg_query(q), factor),
            std::move(d), fast_scale(q->fast, factor));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API xapc_query_t *xapc_query_wildcard(const char *pattern, size_t len,
                                           xapc_termcount_t max_expansion,
                                           xapc_wildcard_mode_t mode)
{
    try {
        int xmode;
        switch (enum_value(mode)) {
        case XAPC_WILDCARD_LIMIT_ERROR:
            xmode = Xapian::Query::WILDCARD_LIMIT_ERROR;
            break;
        case XAPC_WILDCARD_LIMIT_FIRST:
            xmode = Xapian::Query::WILDCARD_LIMIT_FIRST;
            break;
        case XAPC_WILDCARD_LIMIT_MOST_FREQUENT:
            xmode = Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT;
            break;
        default: fail(XAPC_ERR_INVALID, "unknown wildcard mode");
        }
        return wrap(Xapian::Query(Xapian::Query::OP_WILDCARD,
                                  bytes(pattern, len), max_expansion, xmode));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API char *xapc_query_describe(const xapc_query_t *q)
{
    try {
        return c_copy(arg_query(q).get_description());
    } catch (...) {
        map_exception(nullptr, __func__);
        return nullptr;
    }
}

XAPC_API xapc_status_t xapc_query_terms(const xapc_query_t *q,
                                        xapc_string_cb cb, void *ctx)
{
    try {
        const Xapian::Query &x = arg_query(q);
        if (!cb)
            fail(XAPC_ERR_INVALID, "callback is NULL");
        for (auto it = x.get_unique_terms_begin();
             it != x.get_unique_terms_end(); ++it) {
            if (call(cb, ctx, *it))
                break;
        }
        return XAPC_OK;
    } catch (...) {
        return map_exception(nullptr, __func__);
    }
}

XAPC_API int xapc_query_is_empty(const xapc_query_t *q)
{
    try {
        return (!q || q->q.empty()) ? 1 : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 1;
    }
}

XAPC_API void xapc_query_free(xapc_query_t *q)
{
    try {
        delete q;
    } catch (...) {
        map_exception(nullptr, __func__);
    }
}

// ---------------------------------------------------------------------------
// Searching

namespace {

// The weightless count of every match of a query, run in its own thread on
// its own handle.  Nothing Xapian is shared with the calling thread: the
// query tree is a separate one, and the handle is opened by path in the
// thread, then checked to be the caller's database (its UUID: a stub may
// name another generation by now) at the caller's revision; else the
// caller counts by itself.  The thread is always joined, also when the
// caller's pass throws.
// The docids of a few ranges lo..hi, existing or not, in increasing order
// and apart: ANDed with a query, it restricts the query to them.  It
// says it may match every document, so that the query's own postings
// lead and the source is only asked to skip: walked docid by docid, a
// wide range would cost a step for each.
class DocRangeSource : public Xapian::PostingSource {
  public:
    using Ranges = std::vector<std::pair<Xapian::docid, Xapian::docid>>;

  private:
    Ranges r;
    size_t i = 0;
    Xapian::docid cur = 0;
    Xapian::doccount docs = 0;

    // At cur or past it, the first docid in a range.
    void settle()
    {
        while (i < r.size() && cur > r[i].second)
            ++i;
        if (i < r.size() && cur < r[i].first)
            cur = r[i].first;
    }

  public:
    explicit DocRangeSource(Ranges ranges) : r(std::move(ranges)) {}
    void init(const Xapian::Database &db) override
    {
        i = 0;
        cur = 0;
        docs = db.get_doccount();
    }
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override { return docs; }
    Xapian::doccount get_termfreq_max() const override { return docs; }
    void next(double) override
    {
        ++cur;
        settle();
    }
    void skip_to(Xapian::docid d, double) override
    {
        if (d > cur) {
            cur = d;
            settle();
        }
    }
    bool at_end() const override { return i >= r.size(); }
    Xapian::docid get_docid() const override { return cur; }
    DocRangeSource *clone() const override { return new DocRangeSource(r); }
    std::string name() const override { return "xapc::DocRangeSource"; }
};

// The count of q's matches among the docids of the ranges.
Xapian::doccount count_ranges(Xapian::Database &d, const Xapian::Query &q,
                              DocRangeSource::Ranges ranges)
{
    Xapian::Enquire cnt(d);
    if (ranges.size() == 1 && ranges[0].first <= 1 &&
        ranges[0].second >= d.get_lastdocid()) {
        cnt.set_query(q);
    } else {
        Xapian::Query only((new DocRangeSource(std::move(ranges)))->release());
        cnt.set_query(Xapian::Query(Xapian::Query::OP_FILTER, q, only));
    }
    cnt.set_weighting_scheme(Xapian::BoolWeight());
    cnt.set_docid_order(Xapian::Enquire::DONT_CARE);
    return cnt.get_mset(0, 0, d.get_doccount()).get_matches_lower_bound();
}

// The count of q's matches among docids lo..hi.
Xapian::doccount count_range(Xapian::Database &d, const Xapian::Query &q,
                             Xapian::docid lo, Xapian::docid hi)
{
    if (lo > hi)
        return 0;
    return count_ranges(d, q, {{lo, hi}});
}

// A count of matches and its bounds: exact when lower == upper.
struct Counted {
    Xapian::doccount est = 0, lower = 0, upper = 0;
};

// Slices of the docids that an estimated count samples.
constexpr unsigned COUNT_SLICES = 8;

// The docid of loose's match number limit + 1 in docid order, or 0 when
// it has no more than limit matches.  Weightless and in docid order, the
// matcher stops there.  *upper: Xapian's upper bound of its matches.
Xapian::docid past_limit(Xapian::Database &d, const Xapian::Query &loose,
                         Xapian::doccount limit, Xapian::doccount *upper)
{
    Xapian::Enquire e(d);
    e.set_query(loose);
    e.set_weighting_scheme(Xapian::BoolWeight());
    e.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::MSet ms = e.get_mset(limit, 1, limit + 1);
    *upper = ms.get_matches_upper_bound();
    return ms.empty() ? 0 : *ms.begin();
}

// COUNT_SLICES ranges of `width` docids each, spread evenly over 1..last;
// *covered: how many docids they hold.
DocRangeSource::Ranges slices_of(Xapian::docid width, Xapian::docid last,
                                 uint64_t *covered)
{
    DocRangeSource::Ranges slices;
    *covered = 0;
    for (unsigned i = 0; i < COUNT_SLICES; ++i) {
        Xapian::docid lo =
            1 + Xapian::docid(uint64_t(last) * i / COUNT_SLICES);
        Xapian::docid hi = std::min<Xapian::docid>(last, lo + width - 1);
        if (!slices.empty() && lo <= slices.back().second)
            continue; // fewer docids than slices
        slices.emplace_back(lo, hi);
        *covered += hi - lo + 1;
    }
    return slices;
}

// count_sampled()'s estimate, once loose is known to have more than limit
// matches, the last of the first limit + 1 at docid x: the docids up to
// x hold about limit of them, so COUNT_SLICES slices of x / 16 docids
// spread evenly over the index hold about limit / 2.  q's matches in
// them, scaled by the share of the docids they cover, are the estimate.
// (Scaling loose's exact count by the share of its matches in the slices
// that match q is a little closer, but counting loose costs as much as
// the page: 2 ms for the 25,527 articles with "net" and "profit".)
Counted count_slices(Xapian::Database &d, const Xapian::Query &q,
                     Xapian::docid x, Xapian::doccount upper,
                     Xapian::docid last)
{
    uint64_t covered;
    auto slices = slices_of(std::max<Xapian::docid>(1, x / 16), last,
                            &covered);
    Xapian::doccount kept = count_ranges(d, q, std::move(slices));
    Counted c;
    c.lower = kept;
    c.upper = std::max(upper, kept);
    double est = double(kept) * double(last) / double(covered) + 0.5;
    c.est = std::max(kept, std::min(c.upper, Xapian::doccount(est)));
    return c;
}

// The matches of q, counted exactly when loose (a query with every match
// of q, found without q's checks) has at most `limit` matches.  Else an
// estimate from COUNT_SLICES slices of the docids spread evenly over the
// index that hold about limit / 2 of loose's matches, sized from where
// loose's first limit + 1 matches end (count_slices).  The bounds are
// then the matches seen in the slices and Xapian's upper bound of
// loose's matches.
Counted count_sampled(Xapian::Database &d, const Xapian::Query &q,
                      const Xapian::Query &loose, Xapian::doccount limit,
                      Xapian::docid last)
{
    Xapian::doccount upper = 0;
    Xapian::docid x = past_limit(d, loose, limit, &upper);
    if (x)
        return count_slices(d, q, x, upper, last);
    Counted c;
    c.est = c.lower = c.upper = count_range(d, q, 1, last);
    return c;
}

// The exact count in a second thread: the upper half of the docids first,
// then the lower half unless the calling thread claimed it (claim_lower).
// The page is ranked from the lowest docid up at the same time, so where
// both passes check the same documents (see xapc_value_memo_new) each
// does about half of the checks.
struct ParallelCount {
    std::thread th;
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

    void start(Xapian::Database &d, const std::string &p,
               const Xapian::Query &q, const Xapian::Query *lq,
               Xapian::doccount n) {
        try {
            rev = d.get_revision(); // throws unless one glass database
            uuid = d.get_uuid();    // another generation has another
            last = d.get_lastdocid();
        } catch (...) {
            return;
        }
        if (uuid.empty())
            return;
        mid = last / 2 + 1;
        path = p;
        query = &q;
        loose = lq;
        sample = n;
        if (loose)
            lower = 3;
        try {
            th = std::thread([this] { run(); });
        } catch (...) {
            // No thread: the caller counts by itself.
        }
    }

    void run() noexcept {
        try {
            Xapian::Database d(path);
            if (d.get_revision() != rev || d.get_uuid() != uuid)
                return;
            if (loose) {
                Xapian::doccount upper = 0;
                Xapian::docid x = past_limit(d, *loose, sample, &upper);
                if (x) {
                    sampled = count_slices(d, *query, x, upper, last);
                    ok = true;
                    return;
                }
                split = true;
                lower = 0; // exact after all: the caller may help
            }
            count = count_range(d, *query, mid, last);
            int free_half = 0;
            if (lower.compare_exchange_strong(free_half, 1))
                count += count_range(d, *query, 1, mid - 1);
            ok = true;
        } catch (...) {
            ok = false;
        }
    }

    bool finish() {
        if (th.joinable())
            th.join();
        return ok;
    }

    ~ParallelCount() {
        if (th.joinable())
            th.join();
    }
};

// A count that may be estimated, raised to the hits the page has shown.
// A page from the first hit with room to spare saw every match, and its
// hits (with the copies folded into them) are the exact count.
void set_counted(xapc_mset &m, const Counted &c, const Xapian::MSet &ms,
                 Xapian::doccount first, Xapian::doccount maxitems,
                 Xapian::doccount collapse_max)
{
    if (first == 0 && ms.size() < maxitems && collapse_max <= 1) {
        Xapian::doccount all = 0;
        for (auto it = ms.begin(); it != ms.end(); ++it)
            all += 1 + (collapse_max ? it.get_collapse_count() : 0);
        m.estimated = m.lower = m.upper = all;
        return;
    }
    Xapian::doccount shown = ms.empty() ? 0 : first + ms.size();
    m.lower = std::max(c.lower, shown);
    m.upper = std::max(c.upper, m.lower);
    m.estimated = std::min(m.upper, std::max(c.est, m.lower));
}

} // namespace

XAPC_API xapc_status_t xapc_db_query(xapc_db_t *db, const xapc_query_t *q,
                                     const xapc_enquire_params_t *p,
                                     xapc_mset_t **out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = nullptr;
        const Xapian::Query query = visible(db, arg_query(q));
        static const xapc_enquire_params_t defaults = XAPC_ENQUIRE_PARAMS_INIT;
        if (!p)
            p = &defaults;
        if (p->version < 1 || p->version > XAPC_ENQUIRE_PARAMS_VERSION)
            fail(XAPC_ERR_INVALID, "unsupported xapc_enquire_params version");
        if (p->n_spy_slots && !p->spy_slots)
            fail(XAPC_ERR_INVALID, "spy_slots is NULL");
        if (p->n_copy_values && !p->copy_values)
            fail(XAPC_ERR_INVALID, "copy_values is NULL");
        if (p->percent_cutoff < 0 || p->percent_cutoff > 100)
            fail(XAPC_ERR_INVALID, "percent_cutoff outside 0..100");

        // Declared before the Enquire, which only borrows them.
        std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
        // Checks that can wait run only on documents that could make
        // the page, through a match decider (see Deferred).
        std::unique_ptr<CheckDecider> decider;
        Xapian::Enquire enq(d);
        const bool loose_page = q->deferred && !q->deferred->pure;
        const Xapian::Query &page = loose_page ? q->deferred->loose : q->q;
        const FastPtr &fast = loose_page ? q->deferred->fast_loose : q->fast;
        const int lengths = p->version >= 5 ? p->doc_lengths
                                            : XAPC_LENGTHS_AUTO;
        std::shared_ptr<const DocLens> lens;
        if (fast && lengths != XAPC_LENGTHS_XAPIAN &&
            enum_value(p->weighting) == XAPC_WEIGHT_BM25 &&
            p->bm25_k2 == 0 && p->bm25_k1 > 0 && p->bm25_b > 0)
            lens = choose_lens(db, page, lengths == XAPC_LENGTHS_TABLE);
        if (lens) {
            FastCtx c{d, lens,
                      Bm25{p->bm25_k1, p->bm25_k3, p->bm25_b,
                           p->bm25_min_normlen},
                      1.0};
            enq.set_query(visible(db, (*fast)(c)));
        } else {
            enq.set_query(loose_page ? visible(db, page) : query);
        }
        if (loose_page)
            decider.reset(new CheckDecider(q->deferred->checks, d));

        switch (enum_value(p->weighting)) {
        case XAPC_WEIGHT_BM25:
            // Xapian silently clamps negative parameters to 0; a negative
            // (or NaN) value is almost certainly a caller bug, so say so.
            if (!(p->bm25_k1 >= 0 && p->bm25_k2 >= 0 && p->bm25_k3 >= 0 &&
                  p->bm25_b >= 0 && p->bm25_min_normlen >= 0))
                fail(XAPC_ERR_INVALID, "bm25 parameters must be >= 0");
            enq.set_weighting_scheme(
                Xapian::BM25Weight(p->bm25_k1, p->bm25_k2, p->bm25_k3,
                                   p->bm25_b, p->bm25_min_normlen));
            break;
        case XAPC_WEIGHT_BOOL:
            enq.set_weighting_scheme(Xapian::BoolWeight());
            break;
        default: fail(XAPC_ERR_INVALID, "unknown weighting scheme");
        }

        bool rev = p->sort_reverse != 0;
        switch (enum_value(p->sort)) {
        case XAPC_SORT_RELEVANCE: enq.set_sort_by_relevance(); break;
        case XAPC_SORT_VALUE: enq.set_sort_by_value(p->sort_slot, rev); break;
        case XAPC_SORT_VALUE_THEN_RELEVANCE:
            enq.set_sort_by_value_then_relevance(p->sort_slot, rev);
            break;
        case XAPC_SORT_RELEVANCE_THEN_VALUE:
            enq.set_sort_by_relevance_then_value(p->sort_slot, rev);
            break;
        default: fail(XAPC_ERR_INVALID, "unknown sort order");
        }

        switch (enum_value(p->docid_order)) {
        case XAPC_DOCID_ASCENDING:
            enq.set_docid_order(Xapian::Enquire::ASCENDING);
            break;
        case XAPC_DOCID_DESCENDING:
            enq.set_docid_order(Xapian::Enquire::DESCENDING);
            break;
        case XAPC_DOCID_DONT_CARE:
            enq.set_docid_order(Xapian::Enquire::DONT_CARE);
            break;
        default: fail(XAPC_ERR_INVALID, "unknown docid order");
        }

        if (p->collapse_max)
            enq.set_collapse_key(p->collapse_slot, p->collapse_max);
        enq.set_cutoff(p->percent_cutoff, p->weight_cutoff);

        for (size_t i = 0; i < p->n_spy_slots; ++i) {
            spies.emplace_back(new Xapian::ValueCountMatchSpy(p->spy_slots[i]));
            enq.add_matchspy(spies.back().get());
        }

        // The count of every match, in a second thread while the ranked
        // pass runs, when a separate query and a second handle allow it.
        Xapian::Query count_q, loose_q;
        ParallelCount par;
        const bool use_loose =
            p->version >= 4 && p->count_loose && p->count_sample > 0 &&
            p->exact_count == XAPC_COUNT_MATCHES && !p->percent_cutoff &&
            !(p->weight_cutoff > 0) && p->n_spy_slots == 0;
        if (use_loose)
            loose_q = visible(db, arg_query(p->count_loose));
        if (p->version >= 2 && p->count_query &&
            p->exact_count == XAPC_COUNT_MATCHES && !db->writable &&
            !db->path.empty() && !p->percent_cutoff &&
            !(p->weight_cutoff > 0) &&
            query.get_type() != Xapian::Query::LEAF_TERM &&
            (p->collapse_max || p->n_spy_slots == 0))
        {
            count_q = visible(db, arg_query(p->count_query));
            par.start(d, db->path, count_q, use_loose ? &loose_q : nullptr,
                      p->count_sample);
        }

        Xapian::MSet ms = enq.get_mset(p->first, p->maxitems,
                                       p->check_at_least, nullptr,
                                       decider.get());
        // Done with the page: count the lower half here unless the count
        // thread has begun it.
        Xapian::doccount self_count = 0;
        bool self_counted = false;
        if (par.th.joinable() && p->version >= 3 && p->count_query_self) {
            int free_half = 0;
            if (par.lower.compare_exchange_strong(free_half, 2)) {
                self_count = count_range(
                    d, visible(db, arg_query(p->count_query_self)), 1,
                    par.mid - 1);
                self_counted = true;
            }
        }
        bool counted = par.finish();
        if (counted && self_counted)
            par.count += self_count;

        std::unique_ptr<xapc_mset> m(new xapc_mset);
        m->estimated = ms.get_matches_estimated();
        m->lower = ms.get_matches_lower_bound();
        m->upper = ms.get_matches_upper_bound();
        if (p->exact_count == XAPC_COUNT_MATCHES &&
            query.get_type() == Xapian::Query::LEAF_TERM &&
            !p->percent_cutoff && !(p->weight_cutoff > 0)) {
            // One term: its frequency is the count, without a pass over
            // its postings.
            m->estimated = m->lower = m->upper =
                d.get_termfreq(*query.get_terms_begin());
        } else if (counted && use_loose && !par.split) {
            set_counted(*m, par.sampled, ms, p->first, p->maxitems,
                        p->collapse_max);
        } else if (counted) {
            m->estimated = m->lower = m->upper = par.count;
        } else if (use_loose && (p->collapse_max || m->lower != m->upper)) {
            set_counted(*m,
                        count_sampled(d, query, loose_q, p->count_sample,
                                      d.get_lastdocid()),
                        ms, p->first, p->maxitems, p->collapse_max);
        } else if (p->exact_count == XAPC_COUNT_MATCHES &&
            (p->collapse_max || m->lower != m->upper)) {
            // Every matching document, copies included: a weightless
            // count with no hits built.  (Xapian's uncollapsed estimate
            // under collapsing is not exact, so it is not used.)
            Xapian::Enquire cnt(d);
            cnt.set_query(query);
            if (!p->percent_cutoff && !(p->weight_cutoff > 0))
                cnt.set_weighting_scheme(Xapian::BoolWeight());
            cnt.set_docid_order(Xapian::Enquire::DONT_CARE);
            cnt.set_cutoff(p->percent_cutoff, p->weight_cutoff);
            Xapian::doccount all = d.get_doccount();
            Xapian::MSet c = cnt.get_mset(0, 0, all);
            m->estimated = m->lower = m->upper =
                c.get_matches_lower_bound();
        } else if (p->exact_count && m->lower != m->upper) {
            // An exact count without weighing every match for the page:
            // a second, weightless pass.  (With collapsing, Xapian 1.4
            // counts exactly only when the page holds every match,
            // whatever check_at_least says.)
            Xapian::Enquire cnt(d);
            cnt.set_query(query);
            if (!p->percent_cutoff && !(p->weight_cutoff > 0))
                cnt.set_weighting_scheme(Xapian::BoolWeight());
            if (p->collapse_max)
                cnt.set_collapse_key(p->collapse_slot, p->collapse_max);
            cnt.set_docid_order(Xapian::Enquire::DONT_CARE);
            cnt.set_cutoff(p->percent_cutoff, p->weight_cutoff);
            Xapian::doccount all = d.get_doccount();
            Xapian::MSet c = cnt.get_mset(0, all, all);
            m->estimated = m->lower = m->upper = c.size();
        }
        // No MSet::fetch() here: in libxapian 1.4.22 it crashes when
        // first > 0 (it indexes the hit array by absolute rank).
        m->hits.reserve(ms.size());
        for (auto it = ms.begin(); it != ms.end(); ++it) {
            Hit h;
            h.docid = *it;
            h.rank = it.get_rank();
            h.weight = it.get_weight();
            h.percent = it.get_percent();
            h.collapse_count = it.get_collapse_count();
            if (p->collapse_max)
                h.collapse_key = it.get_collapse_key();
            Xapian::Document doc = it.get_document();
            h.data = doc.get_data();
            h.values.reserve(p->n_copy_values);
            for (size_t k = 0; k < p->n_copy_values; ++k)
                h.values.push_back(doc.get_value(p->copy_values[k]));
            m->hits.push_back(std::move(h));
        }

        m->facets.resize(spies.size());
        for (size_t i = 0; i < spies.size(); ++i) {
            const Xapian::ValueCountMatchSpy &spy = *spies[i];
            Facet &f = m->facets[i];
            f.total = static_cast<Xapian::doccount>(spy.get_total());
            // values_begin() is in value order; a stable sort by count
            // then gives "count descending, value ascending".
            for (auto vi = spy.values_begin(); vi != spy.values_end(); ++vi)
                f.items.emplace_back(*vi, vi.get_termfreq());
            std::stable_sort(
                f.items.begin(), f.items.end(),
                [](const std::pair<std::string, Xapian::doccount> &a,
                   const std::pair<std::string, Xapian::doccount> &b) {
                    return a.second > b.second;
                });
        }

        *out = m.release();
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API size_t xapc_mset_size(const xapc_mset_t *m)
{
    try {
        return m ? m->hits.size() : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API xapc_doccount_t xapc_mset_matches_estimated(const xapc_mset_t *m)
{
    try {
        return m ? m->estimated : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API xapc_doccount_t xapc_mset_matches_lower_bound(const xapc_mset_t *m)
{
    try {
        return m ? m->lower : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API xapc_doccount_t xapc_mset_matches_upper_bound(const xapc_mset_t *m)
{
    try {
        return m ? m->upper : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API xapc_docid_t xapc_mset_docid(const xapc_mset_t *m, size_t i)
{
    try {
        const Hit *h = hit_at(m, i);
        return h ? h->docid : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API xapc_doccount_t xapc_mset_rank(const xapc_mset_t *m, size_t i)
{
    try {
        const Hit *h = hit_at(m, i);
        return h ? h->rank : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API double xapc_mset_weight(const xapc_mset_t *m, size_t i)
{
    try {
        const Hit *h = hit_at(m, i);
        return h ? h->weight : 0.0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0.0;
    }
}

XAPC_API int xapc_mset_percent(const xapc_mset_t *m, size_t i)
{
    try {
        const Hit *h = hit_at(m, i);
        return h ? h->percent : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API xapc_doccount_t xapc_mset_collapse_count(const xapc_mset_t *m,
                                                  size_t i)
{
    try {
        const Hit *h = hit_at(m, i);
        return h ? h->collapse_count : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API const char *xapc_mset_data(const xapc_mset_t *m, size_t i,
                                    size_t *len)
{
    try {
        const Hit *h = hit_at(m, i);
        return h ? borrowed(h->data, len) : none(len);
    } catch (...) {
        map_exception(nullptr, __func__);
        return none(len);
    }
}

XAPC_API const char *xapc_mset_collapse_key(const xapc_mset_t *m, size_t i,
                                            size_t *len)
{
    try {
        const Hit *h = hit_at(m, i);
        return h ? borrowed(h->collapse_key, len) : none(len);
    } catch (...) {
        map_exception(nullptr, __func__);
        return none(len);
    }
}

XAPC_API const char *xapc_mset_value(const xapc_mset_t *m, size_t i,
                                     size_t k, size_t *len)
{
    try {
        const Hit *h = hit_at(m, i);
        if (!h || k >= h->values.size())
            return none(len);
        return borrowed(h->values[k], len);
    } catch (...) {
        map_exception(nullptr, __func__);
        return none(len);
    }
}

XAPC_API size_t xapc_mset_facet_count(const xapc_mset_t *m, size_t spy)
{
    try {
        return (m && spy < m->facets.size()) ? m->facets[spy].items.size() : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API xapc_doccount_t xapc_mset_facet_total(const xapc_mset_t *m,
                                               size_t spy)
{
    try {
        return (m && spy < m->facets.size()) ? m->facets[spy].total : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API xapc_status_t xapc_mset_facet(const xapc_mset_t *m, size_t spy,
                                       size_t j, const char **value,
                                       size_t *len, xapc_doccount_t *count)
{
    try {
        if (value)
            *value = nullptr;
        if (len)
            *len = 0;
        if (count)
            *count = 0;
        if (!m || spy >= m->facets.size() || j >= m->facets[spy].items.size())
            fail(XAPC_ERR_INVALID, "facet index out of range");
        const auto &item = m->facets[spy].items[j];
        if (value)
            *value = item.first.c_str();
        if (len)
            *len = item.first.size();
        if (count)
            *count = item.second;
        return XAPC_OK;
    } catch (...) {
        return map_exception(nullptr, __func__);
    }
}

XAPC_API void xapc_mset_free(xapc_mset_t *m)
{
    try {
        delete m;
    } catch (...) {
        map_exception(nullptr, __func__);
    }
}

// ---------------------------------------------------------------------------
// Expansion

XAPC_API xapc_status_t xapc_db_expand(xapc_db_t *db,
                                      const xapc_docid_t *docids, size_t n,
                                      const xapc_expand_params_t *p,
                                      xapc_eset_t **out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = nullptr;
        static const xapc_expand_params_t defaults = XAPC_EXPAND_PARAMS_INIT;
        if (!p)
            p = &defaults;
        if (p->version != XAPC_EXPAND_PARAMS_VERSION)
            fail(XAPC_ERR_INVALID, "unsupported xapc_expand_params version");
        if (n && !docids)
            fail(XAPC_ERR_INVALID, "docids is NULL");

        Xapian::Enquire enq(d);
        // Enquire leaves the terms of its query out of the expand set.
        if (p->exclude_query)
            enq.set_query(p->exclude_query->q);
        Xapian::RSet rset;
        for (size_t i = 0; i < n; ++i)
            rset.add_document(docids[i]);
        TermDecider decider(p->prefix ? p->prefix : "",
                            p->unprefixed_only != 0);
        int flags = p->exact_termfreq ? Xapian::Enquire::USE_EXACT_TERMFREQ : 0;
        Xapian::ESet es =
            enq.get_eset(p->maxterms, rset, flags, &decider, p->min_weight);

        std::unique_ptr<xapc_eset> e(new xapc_eset);
        e->terms.reserve(es.size());
        for (auto it = es.begin(); it != es.end(); ++it)
            e->terms.emplace_back(*it, it.get_weight());
        *out = e.release();
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

XAPC_API size_t xapc_eset_size(const xapc_eset_t *e)
{
    try {
        return e ? e->terms.size() : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}

XAPC_API const char *xapc_eset_term(const xapc_eset_t *e, size_t i,
                                    size_t *len)
{
    try {
        if (!e || i >= e->terms.size())
            return none(len);
        return borrowed(e->terms[i].first, len);
    } catch (...) {
        map_exception(nullptr, __func__);
        return none(len);
    }
}

XAPC_API double xapc_eset_weight(const xapc_eset_t *e, size_t i)
{
    try {
        return (e && i < e->terms.size()) ? e->terms[i].second : 0.0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0.0;
    }
}

XAPC_API void xapc_eset_free(xapc_eset_t *e)
{
    try {
        delete e;
    } catch (...) {
        map_exception(nullptr, __func__);
    }
}

} // extern "C"
