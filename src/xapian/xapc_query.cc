// xapc_query.cc - building queries and running them, in the C binding over
// Xapian 1.4.
//
// Query handles carry, beside the Xapian query, two other forms of it
// that the search can use: a looser query whose value checks wait for the
// page (Deferred), and a builder that weighs its terms from a table of
// document lengths (FastFn, see xapc_weight.cc).  xapc_db_query() ranks
// a page with the best form the handle and the parameters allow, copies
// the hits and facets into the xapc_mset_t (which then no longer depends
// on the database), and leaves the totals to xapc_count.cc.  Query
// expansion, which runs an Enquire too, is here as well.  The posting
// sources and the match decider are xapc_weight.cc's.

#include <chrono>

#include "xapc_internal.hh"

#include <cmath>

using namespace xapc;

// ---------------------------------------------------------------------------
// Query handles and their deferred form

namespace xapc {

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

} // namespace xapc

namespace {

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

xapc_query_t *wrap(Xapian::Query &&q,
                   std::shared_ptr<const Deferred> d = nullptr,
                   FastPtr fast = nullptr)
{
    std::unique_ptr<xapc_query> h(
        new xapc_query{std::move(q), std::move(d), std::move(fast)});
    return h.release();
}

// Query constructors have no handle: the message is dropped.
xapc_query_t *query_fail(const char *where) noexcept
{
    map_exception(nullptr, where);
    return nullptr;
}

} // namespace

extern "C" {

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
        Xapian::Query x(xop, v.begin(), v.end(), windowed ? window : 0);
        FastPtr fast = windowed && xop != Xapian::Query::OP_ELITE_SET
                           ? fast_positional(x, std::move(fv))
                           : fast_op(xop, std::move(fv));
        return wrap(std::move(x), defer_combine(xop, subs, n),
                    std::move(fast));
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
        double o = date_decay_origin(bytes(origin, len));
        if (o < 0 || !(halflife_days > 0) || !(max_weight > 0) ||
            !std::isfinite(halflife_days) || !std::isfinite(max_weight))
            fail(XAPC_ERR_INVALID, "bad date decay arguments");
        return wrap(date_decay_query(slot, o, halflife_days, max_weight));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API xapc_value_memo_t *xapc_value_memo_new(xapc_docid_t lastdocid)
{
    try {
        std::unique_ptr<xapc_value_memo> h(new xapc_value_memo);
        h->m = new_value_memo(lastdocid);
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
    std::shared_ptr<ValuePred> p;
    try {
        p.reset(new ValuePred{
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
        return wrap(value_match_query(slot, std::move(p), std::move(m)),
                    std::move(d));
    } catch (...) {
        return query_fail(__func__);
    }
}

XAPC_API xapc_query_t *xapc_query_value_match_bound(xapc_slot_t slot,
                                                    xapc_value_pred pred,
                                                    xapc_value_bind bind,
                                                    void *ctx,
                                                    void (*free_ctx)(void *),
                                                    const char *description)
{
    std::shared_ptr<ValuePred> p;
    try {
        p.reset(new ValuePred{
            pred, ctx, free_ctx,
            description ? description : "value check"});
        p->bind = bind;
    } catch (...) {
        if (free_ctx)
            free_ctx(ctx);
        return query_fail(__func__);
    }
    try {
        if (!pred || !bind)
            fail(XAPC_ERR_INVALID, "value predicate or bind is NULL");
        // Not deferred: a match decider cannot tell a document's shard.
        return wrap(value_match_query(slot, std::move(p),
                                      std::shared_ptr<ValueMemo>()));
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

XAPC_API size_t xapc_query_term_of(const xapc_query_t *q, char *buf,
                                   size_t cap)
{
    try {
        if (!q || q->deferred)
            return 0;
        Xapian::Query x = q->q;
        while (x.get_type() == Xapian::Query::OP_SCALE_WEIGHT)
            x = x.get_subquery(0);
        if (x.get_type() != Xapian::Query::LEAF_TERM)
            return 0;
        const std::string t = *x.get_terms_begin();
        if (t.empty() || t.size() > cap || !buf)
            return 0;
        std::memcpy(buf, t.data(), t.size());
        return t.size();
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
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

} // extern "C"

// ---------------------------------------------------------------------------
// Searching

namespace {

// The search parameters, checked; NULL stands for the defaults.
const xapc_enquire_params_t *checked(const xapc_enquire_params_t *p)
{
    static const xapc_enquire_params_t defaults = XAPC_ENQUIRE_PARAMS_INIT;
    if (!p)
        p = &defaults;
    if (p->version < 1 || p->version > XAPC_ENQUIRE_PARAMS_VERSION)
        fail(XAPC_ERR_INVALID, "unsupported xapc_enquire_params version");
    if (p->n_spy_slots && !p->spy_slots)
        fail(XAPC_ERR_INVALID, "spy_slots is NULL");
    if (p->version >= 6 && p->n_spies && !p->spies)
        fail(XAPC_ERR_INVALID, "spies is NULL");
    if (p->n_copy_values && !p->copy_values)
        fail(XAPC_ERR_INVALID, "copy_values is NULL");
    if (p->percent_cutoff < 0 || p->percent_cutoff > 100)
        fail(XAPC_ERR_INVALID, "percent_cutoff outside 0..100");
    if (p->version >= 7 && !(p->time_limit >= 0))
        fail(XAPC_ERR_INVALID, "time_limit is negative");
    return p;
}

// The query the page is ranked by: q's loose form when its checks can
// wait (see Deferred), with *decider set to run them only on documents
// that could make the page, or else `query` (q without the documents
// marked deleted); in either case built again with its terms weighed
// from a table of lengths when one serves (see choose_lens()).
void set_page_query(Xapian::Enquire &enq,
                    std::unique_ptr<Xapian::MatchDecider> &decider,
                    xapc_db_t *db, Xapian::Database &d,
                    const xapc_query_t *q, const Xapian::Query &query,
                    const xapc_enquire_params_t &p)
{
    const bool loose_page = q->deferred && !q->deferred->pure;
    const Xapian::Query &page = loose_page ? q->deferred->loose : q->q;
    const FastPtr &fast = loose_page ? q->deferred->fast_loose : q->fast;
    const int lengths = p.version >= 5 ? p.doc_lengths : XAPC_LENGTHS_AUTO;
    std::shared_ptr<const DocLens> lens;
    if (fast && lengths != XAPC_LENGTHS_XAPIAN &&
        enum_value(p.weighting) == XAPC_WEIGHT_BM25 &&
        p.bm25_k2 == 0 && p.bm25_k1 > 0 && p.bm25_b > 0)
        lens = choose_lens(db, page, lengths == XAPC_LENGTHS_TABLE);
    if (lens) {
        FastCtx c{d, lens,
                  Bm25{p.bm25_k1, p.bm25_k3, p.bm25_b, p.bm25_min_normlen},
                  1.0};
        enq.set_query(visible(db, (*fast)(c)));
    } else {
        enq.set_query(loose_page ? visible(db, page) : query);
    }
    if (loose_page)
        decider = check_decider(q->deferred->checks, d);
}

void set_weighting(Xapian::Enquire &enq, const xapc_enquire_params_t &p)
{
    switch (enum_value(p.weighting)) {
    case XAPC_WEIGHT_BM25:
        // Xapian silently clamps negative parameters to 0; a negative
        // (or NaN) value is almost certainly a caller bug, so say so.
        if (!(p.bm25_k1 >= 0 && p.bm25_k2 >= 0 && p.bm25_k3 >= 0 &&
              p.bm25_b >= 0 && p.bm25_min_normlen >= 0))
            fail(XAPC_ERR_INVALID, "bm25 parameters must be >= 0");
        enq.set_weighting_scheme(
            Xapian::BM25Weight(p.bm25_k1, p.bm25_k2, p.bm25_k3,
                               p.bm25_b, p.bm25_min_normlen));
        break;
    case XAPC_WEIGHT_BOOL:
        enq.set_weighting_scheme(Xapian::BoolWeight());
        break;
    default: fail(XAPC_ERR_INVALID, "unknown weighting scheme");
    }
}

// The sort order, the order of ties, collapsing (unless the page is
// folded from a table of keys) and the cutoffs.
void set_order(Xapian::Enquire &enq, const xapc_enquire_params_t &p,
               bool folded)
{
    bool rev = p.sort_reverse != 0;
    switch (enum_value(p.sort)) {
    case XAPC_SORT_RELEVANCE: enq.set_sort_by_relevance(); break;
    case XAPC_SORT_VALUE: enq.set_sort_by_value(p.sort_slot, rev); break;
    case XAPC_SORT_VALUE_THEN_RELEVANCE:
        enq.set_sort_by_value_then_relevance(p.sort_slot, rev);
        break;
    case XAPC_SORT_RELEVANCE_THEN_VALUE:
        enq.set_sort_by_relevance_then_value(p.sort_slot, rev);
        break;
    default: fail(XAPC_ERR_INVALID, "unknown sort order");
    }

    switch (enum_value(p.docid_order)) {
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

    if (p.collapse_max && !folded)
        enq.set_collapse_key(p.collapse_slot, p.collapse_max);
    enq.set_cutoff(p.percent_cutoff, p.weight_cutoff);
}

// The page's hits, copied with their data and the values asked for.
void copy_hits(xapc_mset &m, const Xapian::MSet &ms,
               const xapc_enquire_params_t &p)
{
    // No MSet::fetch() here: in libxapian 1.4.22 it crashes when
    // first > 0 (it indexes the hit array by absolute rank).
    m.hits.reserve(ms.size());
    for (auto it = ms.begin(); it != ms.end(); ++it) {
        Hit h;
        h.docid = *it;
        h.rank = it.get_rank();
        h.weight = it.get_weight();
        h.percent = it.get_percent();
        h.collapse_count = it.get_collapse_count();
        if (p.collapse_max)
            h.collapse_key = it.get_collapse_key();
        Xapian::Document doc = it.get_document();
        h.data = doc.get_data();
        h.values.reserve(p.n_copy_values);
        // The collapse key is the value of its slot, already read by
        // the match: not looked up again.
        for (size_t k = 0; k < p.n_copy_values; ++k)
            h.values.push_back(p.collapse_max &&
                                       p.copy_values[k] == p.collapse_slot
                                   ? h.collapse_key
                                   : doc.get_value(p.copy_values[k]));
        m.hits.push_back(std::move(h));
    }
}

// The hits of a folded page, from its hit number `from`, copied as
// copy_hits() copies those of a collapsed one.
void copy_folded(xapc_mset &m, Xapian::Database &d,
                 const std::vector<Folded> &f, size_t from,
                 const xapc_enquire_params_t &p)
{
    m.hits.reserve(f.size() > from ? f.size() - from : 0);
    // The values are looked up in docid order: each lookup starts from
    // the B-tree blocks the one before it read, and neighbours share
    // them.
    std::vector<size_t> order;
    for (size_t i = from; i < f.size(); ++i)
        order.push_back(i);
    std::sort(order.begin(), order.end(), [&f](size_t a, size_t b) {
        return f[a].docid < f[b].docid;
    });
    std::vector<Hit> hits(order.size());
    for (size_t i : order) {
        Hit &h = hits[i - from];
        h.docid = f[i].docid;
        h.rank = static_cast<Xapian::doccount>(i);
        h.weight = f[i].weight;
        h.percent = f[i].percent;
        h.collapse_count = f[i].copies;
        if (f[i].keyed)
            h.collapse_key = fold_key_text(f[i].k);
        Xapian::Document doc = d.get_document(h.docid);
        h.data = doc.get_data();
        h.values.reserve(p.n_copy_values);
        for (size_t k = 0; k < p.n_copy_values; ++k)
            h.values.push_back(p.copy_values[k] == p.collapse_slot
                                   ? h.collapse_key
                                   : doc.get_value(p.copy_values[k]));
    }
    for (Hit &h : hits)
        m.hits.push_back(std::move(h));
}

// The values each spy saw, most frequent first, ties in value order.
void copy_facets(xapc_mset &m,
                 std::vector<std::unique_ptr<PartSpy>> &spies)
{
    m.facets.resize(spies.size());
    for (size_t i = 0; i < spies.size(); ++i)
        spies[i]->copy_to(m.facets[i]);
}

const Hit *hit_at(const xapc_mset_t *m, size_t i)
{
    return (m && i < m->hits.size()) ? &m->hits[i] : nullptr;
}

} // namespace

extern "C" {

XAPC_API xapc_status_t xapc_db_query(xapc_db_t *db, const xapc_query_t *q,
                                     const xapc_enquire_params_t *p,
                                     xapc_mset_t **out)
{
    try {
        Xapian::Database &d = use(db);
        XAPC_NEED_OUT(out);
        *out = nullptr;
        const Xapian::Query query = visible(db, arg_query(q));
        p = checked(p);

        // Declared before the Enquire, which only borrows them.
        std::vector<std::unique_ptr<PartSpy>> spies;
        std::unique_ptr<Xapian::MatchDecider> decider;
        Xapian::Enquire enq(d);
        // Folded from a table of keys: a plain page of `ask` matches, a
        // tenth longer than the collapsed page and one more, asked again
        // four times as long while it holds too few groups.  On the
        // speed benchmark's 200,000 articles and 246 queries, two
        // searches in five hundred ask again; a longer first page costs
        // more than that, since it lets more matches into the ranking.
        std::shared_ptr<const FoldKeys> fold;
        const uint64_t want = uint64_t(p->first) + p->maxitems;
        if (p->collapse_max == 1 && p->maxitems > 0 &&
            (p->exact_count == XAPC_COUNT_MATCHES || !p->exact_count) &&
            !p->percent_cutoff &&
            !(p->weight_cutoff > 0) && want < d.get_doccount())
            fold = choose_fold(db, p->collapse_slot,
                               p->version >= 8 ? p->collapse_keys
                                               : XAPC_KEYS_AUTO);
        Xapian::doccount ask =
            fold ? Xapian::doccount(std::min<uint64_t>(want + want / 10 + 1,
                                                       d.get_doccount()))
                 : 0;
        set_page_query(enq, decider, db, d, q, query, *p);
        set_weighting(enq, *p);
        set_order(enq, *p, fold != nullptr);
        for (size_t i = 0; i < p->n_spy_slots; ++i) {
            xapc_spy_t whole = { p->spy_slots[i], 0, 0, 0, 0, 0 };
            spies.emplace_back(new PartSpy(whole, db->remote));
            enq.add_matchspy(spies.back()->spy());
        }
        for (size_t i = 0; p->version >= 6 && i < p->n_spies; ++i) {
            spies.emplace_back(new PartSpy(p->spies[i], db->remote));
            enq.add_matchspy(spies.back()->spy());
        }

        // Xapian documents its time limit as unreliable with remote
        // databases among several: a handle with a remote shard runs
        // without one.
        const double limit =
            p->version >= 7 && !db->remote ? p->time_limit : 0.0;
        if (limit > 0)
            enq.set_time_limit(limit);
        const auto began = std::chrono::steady_clock::now();

        MatchCount count;
        count.start(db, d, query, *p);
        Xapian::MSet ms;
        std::vector<Folded> folded;
        if (fold) {
            for (;;) {
                ms = enq.get_mset(0, ask, p->check_at_least, nullptr,
                                  decider.get());
                folded = fold_mset(ms, *fold, Xapian::doccount(want));
                if (folded.size() >= want || ms.size() < ask ||
                    ask >= d.get_doccount())
                    break;
                ask = Xapian::doccount(
                    std::min<uint64_t>(uint64_t(ask) * 4, d.get_doccount()));
            }
        } else {
            ms = enq.get_mset(p->first, p->maxitems, p->check_at_least,
                              nullptr, decider.get());
        }
        count.join(db, d, *p);

        std::unique_ptr<xapc_mset> m(new xapc_mset);
        m->time_limited =
            limit > 0 && std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - began)
                                 .count() >= limit;
        count.set(*m, d, query, *p, ms, fold ? ask : 0);
        if (fold) {
            count_copies(d, query, *fold, folded, p->first);
            copy_folded(*m, d, folded, p->first, *p);
        }
        else
            copy_hits(*m, ms, *p);
        copy_facets(*m, spies);
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

XAPC_API int xapc_mset_time_limited(const xapc_mset_t *m)
{
    return m && m->time_limited ? 1 : 0;
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

} // extern "C"

// ---------------------------------------------------------------------------
// Expansion

namespace {

// The terms an expand set may hold: those with the prefix, and with
// unprefixed_only none that starts with a capital (a term prefix).
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

} // namespace

extern "C" {

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
        // Over shards, Xapian otherwise estimates a term's frequency from
        // the shards holding the given documents: the terms would differ
        // from those of one database holding the same documents.
        int flags = p->exact_termfreq || d.size() > 1
                        ? Xapian::Enquire::USE_EXACT_TERMFREQ
                        : 0;
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
