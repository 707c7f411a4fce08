// xapc_fold.cc - folding near-duplicate copies from a table of collapse
// keys, for xapc_db_query() (xapc_enquire_params.collapse_keys).
//
// Xapian collapses on a value slot by reading the value of each document
// that could make the page as the match meets it.  Those documents are
// scattered, so each read is a lookup in the slot's chunks: on 200,000
// articles, a third of the blocks a search reads.  A read-only handle can
// instead read the slot once into a table and fold the ranked matches
// itself: the collapsed ranking is the plain ranking with every document
// after the first of its group left out, so once a plain page holds as
// many groups as the collapsed page needs, folding it gives the same hits
// in the same order.

#include "xapc_internal.hh"

using namespace xapc;

namespace {

// The rough cost of a table against the lookups it saves, in documents
// read into it: reading costs 100 to 175 ns a document (20 to 35 ms for
// 200,000), and a search that folds by table instead of by Xapian saves
// about 0.25 ms on that index (measured with bench/qbench.c), the price
// of about 2,000 documents.
constexpr double FOLD_SEARCH_WORK = 2000;

// No table past this many docids: 9 bytes each, and 12 more for each
// document with copies.
constexpr Xapian::docid FOLD_MAX_DOCS = 16u << 20;

int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

std::shared_ptr<const FoldKeys> read_fold(const Xapian::Database &d,
                                          const std::string &key,
                                          Xapian::valueno slot)
{
    std::shared_ptr<FoldKeys> f(new FoldKeys);
    f->key = key;
    f->slot = slot;
    const size_t n = static_cast<size_t>(d.get_lastdocid()) + 1;
    f->k.assign(n, 0);
    f->has.assign(n, 0);
    for (auto it = d.valuestream_begin(slot); it != d.valuestream_end(slot);
         ++it) {
        const std::string v = *it;
        Xapian::docid did = it.get_docid();
        if (v.size() != 16 || did >= n) {
            f->k.clear();
            f->has.clear();
            return f; // another kind of key: Xapian collapses
        }
        uint64_t x = 0;
        for (char c : v) {
            int h = hex_digit(c);
            if (h < 0) {
                f->k.clear();
                f->has.clear();
                return f;
            }
            x = x << 4 | static_cast<uint64_t>(h);
        }
        f->k[did] = x;
        f->has[did] = 1;
        f->shared.emplace_back(x, did);
    }
    // Only the keys of several documents stay in `shared`.
    std::sort(f->shared.begin(), f->shared.end());
    size_t out = 0;
    const size_t n_all = f->shared.size();
    for (size_t i = 0; i < n_all;) {
        size_t j = i + 1;
        while (j < n_all && f->shared[j].first == f->shared[i].first)
            ++j;
        if (j - i > 1)
            for (; i < j; ++i)
                f->shared[out++] = f->shared[i];
        i = j;
    }
    f->shared.resize(out);
    f->shared.shrink_to_fit();
    f->usable = true;
    return f;
}

// Exactly the documents of a sorted list, for a query to be restricted
// to them: it says how many there are, so that it leads and the query's
// postings are only asked to skip to each.
class DocListSource : public Xapian::PostingSource {
    std::vector<Xapian::docid> ids;
    size_t i = 0;
    bool started = false;

  public:
    explicit DocListSource(std::vector<Xapian::docid> sorted)
        : ids(std::move(sorted))
    {
    }
    void init(const Xapian::Database &) override
    {
        i = 0;
        started = false;
    }
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override
    {
        return Xapian::doccount(ids.size());
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return Xapian::doccount(ids.size());
    }
    void next(double) override
    {
        if (started)
            ++i;
        started = true;
    }
    void skip_to(Xapian::docid d, double) override
    {
        started = true;
        while (i < ids.size() && ids[i] < d)
            ++i;
    }
    bool at_end() const override { return started && i >= ids.size(); }
    Xapian::docid get_docid() const override { return ids[i]; }
    DocListSource *clone() const override { return new DocListSource(ids); }
    std::string name() const override { return "xapc::DocListSource"; }
};

} // namespace

std::shared_ptr<const FoldKeys> xapc::choose_fold(xapc_db_t *db,
                                                  Xapian::valueno slot,
                                                  int how)
{
    if (how == XAPC_KEYS_XAPIAN || db->writable || db->path.empty())
        return nullptr; // pending changes, or not one local database
    const Xapian::Database &d = db->rdb;
    std::string key = lens_key(d);
    if (key.empty() || d.get_lastdocid() > FOLD_MAX_DOCS)
        return nullptr;
    if (db->fold && db->fold->key == key && db->fold->slot == slot)
        return db->fold->usable ? db->fold : nullptr;
    db->fold.reset();
    if (how != XAPC_KEYS_TABLE) {
        if (db->fold_work_key != key) {
            db->fold_work_key = key;
            db->fold_work = 0;
        }
        db->fold_work += FOLD_SEARCH_WORK;
        if (db->fold_work < d.get_lastdocid())
            return nullptr;
    }
    db->fold = read_fold(d, key, slot);
    return db->fold->usable ? db->fold : nullptr;
}

std::vector<Folded> xapc::fold_mset(const Xapian::MSet &ms,
                                    const FoldKeys &keys,
                                    Xapian::doccount want)
{
    std::vector<Folded> out;
    std::unordered_map<uint64_t, size_t> at; // key -> its hit in out
    for (auto it = ms.begin(); it != ms.end(); ++it) {
        Xapian::docid did = *it;
        bool keyed = did < keys.has.size() && keys.has[did];
        uint64_t k = keyed ? keys.k[did] : 0;
        if (keyed) {
            auto found = at.find(k);
            if (found != at.end()) {
                ++out[found->second].copies;
                continue;
            }
        }
        if (out.size() >= want)
            continue; // past the page: only its copies are counted
        if (keyed)
            at.emplace(k, out.size());
        out.push_back(Folded{did, it.get_weight(), it.get_percent(), 0,
                             keyed, k});
    }
    return out;
}

void xapc::count_copies(Xapian::Database &d, const Xapian::Query &query,
                        const FoldKeys &keys, std::vector<Folded> &f,
                        size_t from)
{
    std::unordered_map<uint64_t, size_t> hit_of;
    std::vector<Xapian::docid> others;
    for (size_t i = from; i < f.size(); ++i) {
        f[i].copies = 0;
        if (!f[i].keyed)
            continue;
        auto r = std::equal_range(
            keys.shared.begin(), keys.shared.end(),
            std::make_pair(f[i].k, Xapian::docid(0)),
            [](const std::pair<uint64_t, Xapian::docid> &a,
               const std::pair<uint64_t, Xapian::docid> &b) {
                return a.first < b.first;
            });
        if (r.first == r.second)
            continue; // the only document of its group
        hit_of.emplace(f[i].k, i);
        for (auto it = r.first; it != r.second; ++it)
            if (it->second != f[i].docid)
                others.push_back(it->second);
    }
    if (others.empty())
        return;
    std::sort(others.begin(), others.end());
    const Xapian::doccount n = Xapian::doccount(others.size());
    Xapian::Query only((new DocListSource(std::move(others)))->release());
    Xapian::Enquire e(d);
    e.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, only));
    e.set_weighting_scheme(Xapian::BoolWeight());
    e.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::MSet ms = e.get_mset(0, n);
    for (auto it = ms.begin(); it != ms.end(); ++it) {
        Xapian::docid did = *it;
        if (did < keys.has.size() && keys.has[did]) {
            auto h = hit_of.find(keys.k[did]);
            if (h != hit_of.end())
                ++f[h->second].copies;
        }
    }
}

std::string xapc::fold_key_text(uint64_t k)
{
    static const char digits[] = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, k >>= 4)
        s[static_cast<size_t>(i)] = digits[k & 15];
    return s;
}

extern "C" XAPC_API xapc_status_t xapc_db_read_tables(xapc_db_t *db,
                                                     xapc_slot_t slot)
{
    try {
        use(db);
        if (db->writable || db->path.empty())
            return XAPC_OK;
        choose_lens(db, Xapian::Query(), true);
        choose_fold(db, slot, XAPC_KEYS_TABLE);
        return XAPC_OK;
    } catch (...) {
        return db_fail(db, __func__);
    }
}

extern "C" XAPC_API int xapc_db_has_key_table(const xapc_db_t *db)
{
    try {
        if (!db || db->failed || db->closed || db->writable || !db->fold ||
            !db->fold->usable)
            return 0;
        return db->fold->key == lens_key(db->rdb) ? 1 : 0;
    } catch (...) {
        map_exception(nullptr, __func__);
        return 0;
    }
}
