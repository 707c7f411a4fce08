// xapc_db.cc - the exception firewall and the database handle of the C
// binding over Xapian 1.4; see xapc.h for the contract.
//
// Shape of every exported function of the binding: its whole body is one
// try block, and its catch (...) hands the in-flight exception to
// map_exception() (through a thin wrapper that picks where the message
// goes).  map_exception(), here, rethrows it inside its own try and catches
// the most specific types first, so the Xapian error hierarchy is mapped to
// statuses in exactly one place and no exception can reach C.
//
// This file also holds the status strings and the database handle:
// opening (local, remote, combined), closing and reopening, statistics,
// writes and commits, transactions, metadata, iteration over terms,
// postings and positions, spelling, synonyms, compaction and checking.
// The documents marked deleted that some of these honour are kept by
// xapc_weight.cc; the document handle is xapc_doc.cc's.

#include "xapc_internal.hh"

#include <cstring>
#include <sstream>

#include <unistd.h>

using namespace xapc;

namespace {

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

} // namespace

// The one mapping helper.  Must be called from inside a catch block.
// buf may be NULL when there is nowhere to keep a message.
xapc_status_t xapc::map_exception(char *buf, const char *where) noexcept
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

// A failed handle keeps the message of its failed open: that is the one
// thing the caller can still learn from it.
xapc_status_t xapc::db_fail(xapc_db_t *db, const char *where) noexcept
{
    return map_exception(db && !db->failed ? db->err : nullptr, where);
}

namespace {

// A NUL-terminated argument that must be present.
const char *need(const char *s, const char *msg)
{
    if (!s)
        fail(XAPC_ERR_INVALID, msg);
    return s;
}

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

const Xapian::Document &arg_doc(const xapc_doc_t *doc)
{
    if (!doc)
        fail(XAPC_ERR_INVALID, "document handle is NULL");
    return doc->doc;
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
        db->remote = true;
        return XAPC_OK;
    } catch (...) {
        return open_fail(out, db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_open_program(xapc_db_t **out,
                                            const char *program,
                                            const char *args,
                                            unsigned int timeout_ms)
{
    xapc_db_t *db = nullptr;
    try {
        if (!out)
            fail(XAPC_ERR_INVALID, "out is NULL"); // nowhere to put a handle
        *out = nullptr;
        db = new xapc_db;
        *out = db;
        need(program, "program is NULL");
        if (!*program)
            fail(XAPC_ERR_INVALID, "program is empty");
        db->rdb = Xapian::Remote::open(program, args ? args : "",
                                       timeout_ms);
        db->remote = true;
        return XAPC_OK;
    } catch (...) {
        return open_fail(out, db, __func__);
    }
}

XAPC_API xapc_status_t xapc_db_new_combined(xapc_db_t **out)
{
    try {
        if (!out)
            fail(XAPC_ERR_INVALID, "out is NULL");
        *out = nullptr;
        *out = new xapc_db; // a default Database has no shards yet
        return XAPC_OK;
    } catch (...) {
        return map_exception(nullptr, __func__);
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
        // A shard's marked documents stay hidden in the combined handle
        // (see ShardMarks); an empty list hides nothing.
        bool marks = !other->marks_key.empty() && !hidden_list(other).empty();
        if (!db->marks_key.empty() || other->shard_marks ||
            (marks && (other->remote || other->db().size() != 1)))
            fail(XAPC_ERR_INVALID, "handles that track deleted documents "
                                   "cannot be combined");
        std::string uuid = marks ? other->db().get_uuid() : std::string();
        if (marks && uuid.empty())
            fail(XAPC_ERR_INVALID, "a database without a UUID that tracks "
                                   "deleted documents cannot be combined");
        Xapian::doccount at =
            static_cast<Xapian::doccount>(db->rdb.size());
        db->rdb.add_database(other->db());
        if (marks) {
            if (!db->shard_marks)
                db->shard_marks = std::make_shared<ShardMarks>();
            db->shard_marks->emplace_back(uuid, other->hidden);
            db->shard_of_marks.push_back(at);
        }
        if (db->shard_marks) {
            // Shard k's document l is document (l - 1) * n + k + 1 here.
            Xapian::doccount n =
                static_cast<Xapian::doccount>(db->rdb.size());
            auto all = std::make_shared<std::vector<Xapian::docid>>();
            for (size_t s = 0; s < db->shard_marks->size(); ++s)
                for (Xapian::docid l : *(*db->shard_marks)[s].second)
                    all->push_back((l - 1) * n + db->shard_of_marks[s] + 1);
            std::sort(all->begin(), all->end());
            db->hidden = std::move(all);
        }
        db->remote = db->remote || other->remote;
        db->path.clear();
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

// ---------------------------------------------------------------------------
// The thread that counts beside a reader's searches (see xapc_count.cc)

void CountWorkerFree::operator()(CountWorker *w) const
{
    // Made before a fork(): its thread, and the waits on its condition
    // variable, are the parent's; destroying it here would wait for
    // them for ever.  The child leaves it be.
    if (w && !w->foreign())
        delete w;
}

bool CountWorker::foreign() const
{
    return th.joinable() && pid != static_cast<long>(getpid());
}

CountWorker::~CountWorker()
{
    {
        std::lock_guard<std::mutex> l(mu);
        stop = true;
    }
    cv.notify_all();
    if (th.joinable())
        th.join();
}

bool CountWorker::submit(std::function<void()> j)
{
    // A child of fork() has none of its parent's threads: it counts by
    // itself.
    if (foreign())
        return false;
    std::unique_lock<std::mutex> l(mu);
    if (!th.joinable()) {
        try {
            th = std::thread([this] { loop(); });
            pid = static_cast<long>(getpid());
        } catch (...) {
            return false;
        }
    }
    job = std::move(j);
    busy = true;
    l.unlock();
    cv.notify_all();
    return true;
}

void CountWorker::wait()
{
    std::unique_lock<std::mutex> l(mu);
    cv.wait(l, [this] { return !busy; });
}

void CountWorker::loop()
{
    std::unique_lock<std::mutex> l(mu);
    for (;;) {
        cv.wait(l, [this] { return stop || busy; });
        if (stop)
            return;
        std::function<void()> j = std::move(job);
        l.unlock();
        j(); // must not throw: ParallelCount::run catches
        l.lock();
        busy = false;
        cv.notify_all();
    }
}

Xapian::Database &CountWorker::database(const std::string &p)
{
    if (p != db_path) {
        db = Xapian::Database(p);
        db_path = p;
    } else {
        db.reopen();
    }
    return db;
}

XAPC_API xapc_status_t xapc_db_close(xapc_db_t *db)
{
    try {
        Xapian::Database &d = use(db);
        // Marked closed even if close() throws: Xapian has then released
        // the database as far as it could, and retrying cannot help.
        db->closed = true;
        db->counter.reset(); // its own database too
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
        // use() throws for a NULL handle, which has nothing to reset.
        if (db) {
            db->marks_key.clear();
            db->hidden.reset();
        }
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

XAPC_API xapc_status_t xapc_db_uuid(xapc_db_t *db, char **uuid)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(uuid);
        *uuid = nullptr;
        *uuid = c_copy(d.get_uuid());
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

namespace {

// One posting of a slice of documents, while the postings are turned
// around into the documents' own term lists: the document (as an offset
// into the slice), the term (an index into the slice's terms) and wdf.
struct Turned {
    Xapian::docid off;
    uint32_t term;
    Xapian::termcount wdf;
};

// The postings a slice may hold: 16M of 12 bytes, about 200 MB.
const size_t REWRITE_BUDGET = size_t(16) << 20;

// The value slots a rewrite looks for (newsidx uses fewer than 20).
const Xapian::valueno REWRITE_SLOTS = 256;

// Writes the live documents with docids in [lo, hi] into out.
void rewrite_slice(Xapian::Database &d, xapc_db_t *db,
                   Xapian::WritableDatabase &out, Xapian::docid lo,
                   Xapian::docid hi, bool positions,
                   const std::vector<Xapian::valueno> &slots, size_t reserve)
{
    std::vector<std::string> terms;
    std::vector<Turned> turned;
    turned.reserve(reserve);
    for (Xapian::TermIterator t = d.allterms_begin(); t != d.allterms_end();
         ++t) {
        const std::string term = *t;
        Xapian::PostingIterator p = d.postlist_begin(term);
        p.skip_to(lo);
        bool named = false;
        for (; p != d.postlist_end(term) && *p <= hi; ++p) {
            if (!named) {
                terms.push_back(term);
                named = true;
            }
            turned.push_back(Turned{*p - lo,
                                    static_cast<uint32_t>(terms.size() - 1),
                                    p.get_wdf()});
        }
    }
    // Each document's postings together, its terms in sorted order.
    std::stable_sort(turned.begin(), turned.end(),
                     [](const Turned &a, const Turned &b) {
                         return a.off < b.off;
                     });
    std::vector<Xapian::ValueIterator> streams;
    for (Xapian::valueno slot : slots) {
        streams.push_back(d.valuestream_begin(slot));
        if (streams.back() != d.valuestream_end(slot))
            streams.back().skip_to(lo);
    }
    size_t k = 0;
    for (Xapian::PostingIterator p = d.postlist_begin(std::string());
         p != d.postlist_end(std::string()); ++p) {
        Xapian::docid id = *p;
        if (id < lo)
            continue;
        if (id > hi)
            break;
        while (k < turned.size() && turned[k].off + lo < id)
            ++k;
        if (is_hidden(db, id))
            continue;
        Xapian::Document doc;
        doc.set_data(d.get_document(id).get_data());
        // Slot by slot, each read in docid order: without a termlist
        // table a document cannot list its values.
        for (size_t j = 0; j < slots.size(); ++j) {
            Xapian::ValueIterator &v = streams[j];
            const Xapian::ValueIterator end = d.valuestream_end(slots[j]);
            if (v != end && v.get_docid() < id)
                v.skip_to(id);
            if (v != end && v.get_docid() == id)
                doc.add_value(slots[j], *v);
        }
        for (; k < turned.size() && turned[k].off + lo == id; ++k) {
            const std::string &term = terms[turned[k].term];
            Xapian::termcount wdf = turned[k].wdf;
            bool placed = false;
            if (positions)
                for (Xapian::PositionIterator q =
                         d.positionlist_begin(id, term);
                     q != d.positionlist_end(id, term); ++q) {
                    doc.add_posting(term, *q, 0);
                    placed = true;
                }
            if (wdf)
                doc.add_term(term, wdf);
            else if (!placed)
                doc.add_boolean_term(term);
        }
        out.replace_document(id, doc);
    }
}

} // namespace

XAPC_API xapc_status_t xapc_db_rewrite(xapc_db_t *db, const char *dest,
                                       char **errmsg)
{
    char buf[ERRBUF_SIZE];
    buf[0] = '\0';
    try {
        if (errmsg)
            *errmsg = nullptr;
        Xapian::Database &d = use(db);
        need(dest, "dest is NULL");
        if (db->marks_dirty)
            fail(XAPC_ERR_INVALID, "the handle has uncommitted deletions");
        int flags = Xapian::DB_BACKEND_GLASS | Xapian::DB_CREATE;
        if (db->no_termlist)
            flags |= Xapian::DB_NO_TERMLIST;
        Xapian::WritableDatabase out(dest, flags);
        Xapian::docid last = d.get_lastdocid();
        // A slice of documents as large as the budget allows: the
        // postings in all, from the terms' frequencies, spread evenly
        // over the docids.
        double postings = 0;
        for (Xapian::TermIterator t = d.allterms_begin();
             t != d.allterms_end(); ++t)
            postings += t.get_termfreq();
        double per = last ? postings / last : 1;
        if (per < 1)
            per = 1;
        Xapian::docid step = Xapian::docid(double(REWRITE_BUDGET) / per);
        if (step < 1024)
            step = 1024;
        bool positions = d.has_positions();
        // The value slots in use, from their statistics.
        std::vector<Xapian::valueno> slots;
        for (Xapian::valueno slot = 0; slot < REWRITE_SLOTS; ++slot)
            if (d.get_value_freq(slot))
                slots.push_back(slot);
        for (Xapian::docid lo = 1; last && lo <= last; lo += step) {
            Xapian::docid hi = lo + step - 1;
            if (hi < lo || hi > last)
                hi = last;
            rewrite_slice(d, db, out, lo, hi, positions, slots,
                          size_t(per * (hi - lo + 1) * 1.05) + 1024);
            if (hi == last)
                break;
        }
        for (Xapian::TermIterator k = d.metadata_keys_begin();
             k != d.metadata_keys_end(); ++k)
            if (*k != db->marks_key)
                out.set_metadata(*k, d.get_metadata(*k));
        for (Xapian::TermIterator w = d.spellings_begin();
             w != d.spellings_end(); ++w)
            out.add_spelling(*w, w.get_termfreq());
        for (Xapian::TermIterator k = d.synonym_keys_begin();
             k != d.synonym_keys_end(); ++k)
            for (Xapian::TermIterator y = d.synonyms_begin(*k);
                 y != d.synonyms_end(*k); ++y)
                out.add_synonym(*k, *y);
        out.commit();
        out.close();
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

} // extern "C"
