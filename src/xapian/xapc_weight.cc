// xapc_weight.cc - what the matcher calls while it runs a search, and the
// tables it reads: the posting sources and the match decider of the C
// binding over Xapian 1.4.
//
// Four jobs, one section each: the documents marked deleted (the list kept
// in the database's metadata, and the posting source that hides them from
// a query); recency weights read from a date value; value checks by a C
// predicate, as a posting source and as the match decider that tests them
// only on documents that could make the page, with the answers they share
// between threads; and BM25 weights from a table of document lengths in
// place of Xapian's own lookups.  Building the queries that use these is
// xapc_query.cc's job; this file only offers the pieces (see the sections
// of xapc_internal.hh).  Everything here runs inside the matcher's loops,
// so each class keeps its helpers in this file, where they are inlined.

#include "xapc_internal.hh"

#include <cmath>
#include <mutex>

using namespace xapc;

// ---- documents marked deleted (xapc_db_track_deleted) ----
//
// The stored list: "NXD1", then the sorted docids as the LEB128 varints
// of their gaps (the first from 0), each gap nonzero.  The reading side
// (hidden_list(), is_hidden()) and the marking are inline in
// xapc_internal.hh, for the loops of xapc_db.cc.

namespace {

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

} // namespace

// Read the stored list again (after an open or a reopen).
void xapc::load_marks(xapc_db_t *db)
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

// Mark every visible document indexed by t; how many were.
Xapian::doccount xapc::mark_term(xapc_db_t *db, const std::string &t)
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
void xapc::flush_marks(xapc_db_t *db)
{
    if (!db->writable || db->marks_key.empty() || !db->marks_dirty)
        return;
    db->wdb.set_metadata(db->marks_key, encode_marks(hidden_list(db)));
    db->marks_dirty = false;
}

namespace {

// The marked docids, as a query's posting source: ANDed-NOT with a query,
// it hides them.
//
// Over a combined database, Xapian runs a copy of the source on each
// shard, with the shard's own docids: with shards set, init() takes the
// list of the shard it is given, known by its UUID (none: nothing hidden).
class DocidListSource : public Xapian::PostingSource {
    std::shared_ptr<const std::vector<Xapian::docid>> ids;
    std::shared_ptr<const ShardMarks> shards;
    size_t i = 0;
    bool started = false;

  public:
    explicit DocidListSource(
        std::shared_ptr<const std::vector<Xapian::docid>> v,
        std::shared_ptr<const ShardMarks> s = nullptr)
        : ids(std::move(v)), shards(std::move(s))
    {
        if (!ids)
            ids = std::make_shared<const std::vector<Xapian::docid>>();
    }
    void init(const Xapian::Database &d) override
    {
        i = 0;
        started = false;
        if (!shards)
            return;
        static const auto none =
            std::make_shared<const std::vector<Xapian::docid>>();
        ids = none;
        const std::string uuid = d.get_uuid();
        for (const auto &e : *shards)
            if (!uuid.empty() && e.first == uuid)
                ids = e.second;
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
        return new DocidListSource(ids, shards);
    }
    std::string name() const override { return "xapc::DocidListSource"; }
};

} // namespace

// q without the marked documents.
Xapian::Query xapc::visible(xapc_db_t *db, const Xapian::Query &q)
{
    if (hidden_list(db).empty())
        return q;
    if (db->shard_marks)
        return Xapian::Query(
            Xapian::Query::OP_AND_NOT, q,
            Xapian::Query(
                (new DocidListSource(nullptr, db->shard_marks))->release()));
    return Xapian::Query(Xapian::Query::OP_AND_NOT, q,
                         Xapian::Query((new DocidListSource(db->hidden))
                                           ->release()));
}

// ---- recency ----

namespace {

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

} // namespace

// The class stays in this file: xapc_query.cc only needs the query and,
// to check the caller's origin, its day number.
double xapc::date_decay_origin(const std::string &v)
{
    return DateDecaySource::origin_of(v);
}

Xapian::Query xapc::date_decay_query(Xapian::valueno slot, double origin,
                                     double halflife, double weight)
{
    std::unique_ptr<DateDecaySource> src(
        new DateDecaySource(slot, origin, halflife, weight));
    return Xapian::Query(src.release()->release());
}

// ---- value checks ----

namespace xapc {

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

} // namespace xapc

namespace {

// Documents whose value in a slot passes a C predicate: checked one
// candidate at a time when it sits beside a more selective query.
class ValueMatchSource : public Xapian::PostingSource {
    // Where `it` stands: on an entry that passed, failed or was not
    // tested yet, or nowhere definite (after ValueIterator::check() said
    // no; ++it and skip_to() still work from there).
    enum State { UNTESTED, PASS, FAIL, INDETERMINATE };
    // The position Xapian sees: `it`, or a docid answered from the memo
    // without moving `it`: AT (it passed) or AFTER (it failed: the next
    // match is after it).
    enum Mode { ITER, AT, AFTER };

    Xapian::valueno slot;
    std::shared_ptr<ValuePred> pred;
    std::shared_ptr<ValueMemo> memo;
    bool use_memo = false;
    Xapian::Database db;
    Xapian::ValueIterator it, end;
    Xapian::doccount freq = 0;
    bool started = false;
    State state = UNTESTED;
    Mode mode = ITER;
    Xapian::docid at = 0;
    void *ctx = nullptr; // pred's context for this database
    bool unbound = false; // bind gave none: every document fails

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
        bool ok = !unbound && pred->fn(ctx, v.data(), v.size()) != 0;
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
    ValueMatchSource(Xapian::valueno s, std::shared_ptr<ValuePred> p,
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
        if (pred->bind) {
            const std::string uuid = db.get_uuid();
            ctx = pred->bind(pred->ctx, uuid.data(), uuid.size());
            unbound = ctx == nullptr;
        } else {
            ctx = pred->ctx;
            unbound = false;
        }
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

} // namespace

// Factories for xapc_query.cc, which needs the queries and the memo but
// not the classes.
std::shared_ptr<ValueMemo> xapc::new_value_memo(Xapian::docid lastdocid)
{
    return std::make_shared<ValueMemo>(lastdocid);
}

Xapian::Query xapc::value_match_query(Xapian::valueno slot,
                                      std::shared_ptr<ValuePred> p,
                                      std::shared_ptr<ValueMemo> m)
{
    std::unique_ptr<ValueMatchSource> src(
        new ValueMatchSource(slot, std::move(p), std::move(m)));
    return Xapian::Query(src.release()->release());
}

std::unique_ptr<Xapian::MatchDecider>
xapc::check_decider(const std::vector<DeferredCheck> &checks,
                    const Xapian::Database &db)
{
    return std::unique_ptr<Xapian::MatchDecider>(
        new CheckDecider(checks, db));
}

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

namespace {

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

} // namespace

// The revision a table of lengths is for; empty when there can be none:
// a handle on several databases has no single revision.
std::string xapc::lens_key(const Xapian::Database &d)
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
std::shared_ptr<const DocLens> xapc::choose_lens(xapc_db_t *db,
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

// A term leaf built again as a TermSource; the empty term (every
// document) is left to Xapian.
FastPtr xapc::fast_term(const std::string &term, Xapian::termcount wqf)
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
FastPtr xapc::fast_op(Xapian::Query::op op, std::vector<FastSub> v)
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

// A phrase or NEAR (x) over term leaves, weighed as the AND of its terms
// (as Xapian weighs it) from their TermSources, and filtered by x itself,
// which Xapian checks as it does in the tree.  Under a filter x weighs
// nothing, so its terms' document lengths are never looked up: those
// lookups, for every document that holds the phrase, were most of the
// cost of a phrase (3.1 of 5.3 ms for "central bank" on 200,000
// articles).  NULL when a subquery is not a term leaf.
FastPtr xapc::fast_positional(const Xapian::Query &x, std::vector<FastSub> v)
{
    for (const FastSub &s : v)
        if (s.first.get_type() != Xapian::Query::LEAF_TERM || !s.second)
            return nullptr;
    FastPtr both = fast_op(Xapian::Query::OP_AND, std::move(v));
    if (!both)
        return nullptr;
    return std::make_shared<const FastFn>([x, both](const FastCtx &c) {
        return Xapian::Query(Xapian::Query::OP_FILTER, (*both)(c), x);
    });
}

// sub under OP_SCALE_WEIGHT, its TermSources told the factor.
FastPtr xapc::fast_scale(FastPtr sub, double factor)
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
