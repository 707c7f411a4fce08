// xapc_count.cc - counting the matches of a search, for the totals that
// xapc_db_query() reports beside its page.
//
// The ranked pass of a page does not see every match, so the total is
// worked out around it (MatchCount): one term's frequency; an exact count
// in a second thread on a second handle while the page is ranked, split
// in halves with the calling thread when it is done first; an estimate
// from slices of the docids when a loose form of the query says the
// matches are too many to count; or a weightless pass after the page.
// Ranking the page itself is xapc_query.cc's job.

#include "xapc_internal.hh"

using namespace xapc;

namespace {

// The docids of a few ranges lo..hi, existing or not, in increasing order
// and apart: ANDed with a query, it restricts the query to them.  It
// says it may match every document, so that the query's own postings
// lead and the source is only asked to skip: walked docid by docid, a
// wide range would cost a step for each.  With `lead`, it says it holds
// the docids of its ranges, fewer than the query's matches: it then
// leads, the query skips to each range, and only the postings inside
// them are read.  The matcher moves the two in turn, each to the other's
// docid, so a range costs a step per match, not per docid.
class DocRangeSource : public Xapian::PostingSource {
  public:
    using Ranges = std::vector<std::pair<Xapian::docid, Xapian::docid>>;

  private:
    Ranges r;
    bool lead;
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
    DocRangeSource(Ranges ranges, bool leads)
        : r(std::move(ranges)), lead(leads) {}
    void init(const Xapian::Database &db) override
    {
        i = 0;
        cur = 0;
        docs = db.get_doccount();
        if (lead) {
            uint64_t held = 0;
            for (const auto &x : r)
                held += uint64_t(x.second) - x.first + 1;
            docs = Xapian::doccount(std::min<uint64_t>(held, docs));
        }
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
    DocRangeSource *clone() const override
    {
        return new DocRangeSource(r, lead);
    }
    std::string name() const override { return "xapc::DocRangeSource"; }
};

// The count of q's matches among the docids of the ranges (lead: see
// DocRangeSource).
Xapian::doccount count_ranges(Xapian::Database &d, const Xapian::Query &q,
                              DocRangeSource::Ranges ranges,
                              bool lead = false)
{
    Xapian::Enquire cnt(d);
    if (ranges.size() == 1 && ranges[0].first <= 1 &&
        ranges[0].second >= d.get_lastdocid()) {
        cnt.set_query(q);
    } else {
        Xapian::Query only(
            (new DocRangeSource(std::move(ranges), lead))->release());
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

// Slices of the docids that an estimated count samples.
constexpr unsigned COUNT_SLICES = 8;

// The docid of loose's match number limit + 1 in docid order, or 0 when
// it has no more than limit matches.  Weightless and in docid order, the
// matcher stops there.  *upper: Xapian's upper bound of its matches.
Xapian::docid past_limit(Xapian::Database &d, const Xapian::Query &loose,
                         Xapian::doccount limit, Xapian::doccount *upper,
                         Xapian::doccount *seen = nullptr)
{
    Xapian::Enquire e(d);
    e.set_query(loose);
    e.set_weighting_scheme(Xapian::BoolWeight());
    e.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::MSet ms = e.get_mset(limit, 1, limit + 1);
    *upper = ms.get_matches_upper_bound();
    // Fewer than limit + 1 matches: the pass saw them all.
    if (seen)
        *seen = ms.get_matches_lower_bound();
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
    Xapian::doccount kept = count_ranges(d, q, std::move(slices), true);
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
// self: loose is q itself, whose pass then counted every match.
Counted count_sampled(Xapian::Database &d, const Xapian::Query &q,
                      const Xapian::Query &loose, Xapian::doccount limit,
                      Xapian::docid last, bool self = false)
{
    Xapian::doccount upper = 0, seen = 0;
    Xapian::docid x = past_limit(d, loose, limit, &upper, &seen);
    if (x)
        return count_slices(d, q, x, upper, last);
    Counted c;
    c.est = c.lower = c.upper = self ? seen : count_range(d, q, 1, last);
    return c;
}

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

// ---- the count thread ----

void ParallelCount::start(xapc_db_t *xdb, Xapian::Database &d,
                          const std::string &p, const Xapian::Query &q,
                          const Xapian::Query *lq, Xapian::doccount n)
{
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
        if (!xdb->counter)
            xdb->counter.reset(new CountWorker);
        CountWorker *w = xdb->counter.get();
        if (w->submit([this, w] { run(*w); }))
            worker = w;
    } catch (...) {
        // No thread: the caller counts by itself.
    }
}

// The count, on the worker's thread.
void ParallelCount::run(CountWorker &w) noexcept
{
    try {
        Xapian::Database &d = w.database(path);
        if (d.get_revision() != rev || d.get_uuid() != uuid)
            return;
        if (loose) {
            Xapian::doccount upper = 0, seen = 0;
            Xapian::docid x = past_limit(d, *loose, sample, &upper, &seen);
            if (x) {
                sampled = count_slices(d, *query, x, upper, last);
                ok = true;
                return;
            }
            split = true;
            if (loose == query) {
                // The query is its own loose form: that pass saw every
                // match (the caller does not help: lower stays taken).
                count = seen;
                ok = true;
                return;
            }
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

// Wait for the count thread; whether it counted.
bool ParallelCount::finish()
{
    if (worker)
        worker->wait();
    worker = nullptr;
    return ok;
}

ParallelCount::~ParallelCount()
{
    if (worker)
        worker->wait();
}

// ---- the count of one search ----

void MatchCount::start(xapc_db_t *db, Xapian::Database &d,
                       const Xapian::Query &query,
                       const xapc_enquire_params_t &p)
{
    // The sampled estimate counts slices of docids through a posting
    // source of ours, which Xapian cannot send to a remote shard: a
    // handle with one counts exactly.
    use_loose = p.version >= 4 && p.count_loose && p.count_sample > 0 &&
                p.exact_count == XAPC_COUNT_MATCHES && !p.percent_cutoff &&
                !(p.weight_cutoff > 0) && !spying(p) && !db->remote;
    sample = p.count_sample;
    if (use_loose) {
        loose_q = visible(db, arg_query(p.count_loose));
    } else if (p.version >= 9 && p.count_exact_max > 0 && !p.count_loose &&
               p.exact_count == XAPC_COUNT_MATCHES && !p.percent_cutoff &&
               !(p.weight_cutoff > 0) && !spying(p) && !db->remote &&
               query.get_type() != Xapian::Query::LEAF_TERM) {
        // Exact up to count_exact_max matches: the query is its own
        // loose form.
        use_loose = self_loose = true;
        loose_q = query;
        sample = p.count_exact_max;
    }
    if (p.version >= 2 && p.count_query &&
        p.exact_count == XAPC_COUNT_MATCHES && !db->writable &&
        !db->path.empty() && !p.percent_cutoff &&
        !(p.weight_cutoff > 0) &&
        query.get_type() != Xapian::Query::LEAF_TERM &&
        (p.collapse_max || !spying(p)))
    {
        count_q = visible(db, arg_query(p.count_query));
        // The count thread's query is its own copy (Xapian's reference
        // counts are not thread-safe): its loose form too, when that is
        // the query itself.
        par.start(db, d, db->path, count_q,
                  !use_loose ? nullptr : self_loose ? &count_q : &loose_q,
                  sample);
    }
}

void MatchCount::join(xapc_db_t *db, Xapian::Database &d,
                      const xapc_enquire_params_t &p)
{
    Xapian::doccount self_count = 0;
    bool self_counted = false;
    if (par.worker && p.version >= 3 && p.count_query_self) {
        int free_half = 0;
        if (par.lower.compare_exchange_strong(free_half, 2)) {
            self_count = count_range(
                d, visible(db, arg_query(p.count_query_self)), 1,
                par.mid - 1);
            self_counted = true;
        }
    }
    counted = par.finish();
    if (counted && self_counted)
        par.count += self_count;
}

void MatchCount::set(xapc_mset &m, Xapian::Database &d,
                     const Xapian::Query &query,
                     const xapc_enquire_params_t &p, const Xapian::MSet &ms,
                     Xapian::doccount folded)
{
    // A folded page is a plain one from the first match: what it saw
    // counts as a page without collapsing.
    const Xapian::doccount first = folded ? 0 : p.first;
    const Xapian::doccount maxitems = folded ? folded : p.maxitems;
    const Xapian::doccount collapse_max = folded ? 0 : p.collapse_max;
    m.estimated = ms.get_matches_estimated();
    m.lower = ms.get_matches_lower_bound();
    m.upper = ms.get_matches_upper_bound();
    if (p.exact_count == XAPC_COUNT_MATCHES &&
        query.get_type() == Xapian::Query::LEAF_TERM &&
        !p.percent_cutoff && !(p.weight_cutoff > 0)) {
        // One term: its frequency is the count, without a pass over
        // its postings.
        m.estimated = m.lower = m.upper =
            d.get_termfreq(*query.get_terms_begin());
    } else if (counted && use_loose && !par.split) {
        set_counted(m, par.sampled, ms, first, maxitems, collapse_max);
    } else if (counted) {
        m.estimated = m.lower = m.upper = par.count;
    } else if (m.time_limited) {
        // Out of time: Xapian's bounds from what it examined, and no
        // second pass.
    } else if (folded && ms.size() < folded) {
        // The folded page saw every match.
        m.estimated = m.lower = m.upper = ms.size();
    } else if (use_loose && (p.collapse_max || m.lower != m.upper)) {
        set_counted(m,
                    count_sampled(d, query, loose_q, sample,
                                  d.get_lastdocid(), self_loose),
                    ms, first, maxitems, collapse_max);
    } else if (p.exact_count == XAPC_COUNT_MATCHES &&
        (p.collapse_max || m.lower != m.upper)) {
        // Every matching document, copies included: a weightless
        // count with no hits built.  (Xapian's uncollapsed estimate
        // under collapsing is not exact, so it is not used.)
        Xapian::Enquire cnt(d);
        cnt.set_query(query);
        if (!p.percent_cutoff && !(p.weight_cutoff > 0))
            cnt.set_weighting_scheme(Xapian::BoolWeight());
        cnt.set_docid_order(Xapian::Enquire::DONT_CARE);
        cnt.set_cutoff(p.percent_cutoff, p.weight_cutoff);
        Xapian::doccount all = d.get_doccount();
        Xapian::MSet c = cnt.get_mset(0, 0, all);
        m.estimated = m.lower = m.upper =
            c.get_matches_lower_bound();
    } else if (p.exact_count && m.lower != m.upper) {
        // An exact count without weighing every match for the page:
        // a second, weightless pass.  (With collapsing, Xapian 1.4
        // counts exactly only when the page holds every match,
        // whatever check_at_least says.)
        Xapian::Enquire cnt(d);
        cnt.set_query(query);
        if (!p.percent_cutoff && !(p.weight_cutoff > 0))
            cnt.set_weighting_scheme(Xapian::BoolWeight());
        if (p.collapse_max)
            cnt.set_collapse_key(p.collapse_slot, p.collapse_max);
        cnt.set_docid_order(Xapian::Enquire::DONT_CARE);
        cnt.set_cutoff(p.percent_cutoff, p.weight_cutoff);
        Xapian::doccount all = d.get_doccount();
        Xapian::MSet c = cnt.get_mset(0, all, all);
        m.estimated = m.lower = m.upper = c.size();
    }
}

// ---- the count of a union of terms ----

namespace {

// The documents that match q, counted without weights or a page.
Xapian::doccount count_all_of(Xapian::Database &d, const Xapian::Query &q)
{
    Xapian::Enquire cnt(d);
    cnt.set_query(q);
    cnt.set_weighting_scheme(Xapian::BoolWeight());
    cnt.set_docid_order(Xapian::Enquire::DONT_CARE);
    return cnt.get_mset(0, 0, d.get_doccount()).get_matches_lower_bound();
}

} // namespace

// |T0 u ... u Tn-1|, the terms by falling frequency: |T0| + the sum over k
// of |Tk| - |Tk n (T0 u ... u Tk-1)|.  Each intersection is led by the
// rarer Tk, which skips through the union of the commoner ones, where an
// OR pass would decode every posting of every term.
XAPC_API xapc_status_t xapc_db_count_union(xapc_db_t *db,
                                           const char *const *terms,
                                           const size_t *lens, size_t n,
                                           const xapc_doccount_t *all,
                                           xapc_doccount_t *out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        if (!terms || !lens || n == 0)
            fail(XAPC_ERR_INVALID, "no terms to count");
        if (!hidden_list(db).empty())
            fail(XAPC_ERR_INVALID,
                 "the handle hides deleted documents, which the "
                 "frequencies count");
        std::vector<std::pair<Xapian::doccount, std::string>> t;
        for (size_t i = 0; i < n; ++i) {
            if (!terms[i])
                fail(XAPC_ERR_INVALID, "a term is NULL");
            std::string s = bytes(terms[i], lens[i]);
            t.emplace_back(d.get_termfreq(s), std::move(s));
        }
        std::stable_sort(t.begin(), t.end(),
                         [](const auto &a, const auto &b) {
                             return a.first > b.first;
                         });
        uint64_t u = t[0].first;
        std::vector<Xapian::Query> before{Xapian::Query(t[0].second)};
        for (size_t k = 1; k < t.size(); ++k) {
            Xapian::doccount both;
            if (t[k].first == 0)
                continue;
            if (n == 2 && all && t[0].second != t[1].second) {
                both = *all;
            } else {
                Xapian::Query any =
                    before.size() == 1
                        ? before[0]
                        : Xapian::Query(Xapian::Query::OP_OR, before.begin(),
                                        before.end());
                both = count_all_of(
                    d, Xapian::Query(Xapian::Query::OP_AND,
                                     Xapian::Query(t[k].second), any));
            }
            u += t[k].first - std::min(both, t[k].first);
            before.emplace_back(t[k].second);
        }
        *out = static_cast<xapc_doccount_t>(
            std::min<uint64_t>(u, d.get_doccount()));
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}
