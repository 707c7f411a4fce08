// xapc_spy.cc - counting the values of the matches: the spies of facets
// and trends.
//
// Xapian's ValueCountMatchSpy counts a slot's whole value.  The fields
// an article has several of (countries, organisations, people, topics)
// hold all their values in one slot, joined by a separator, and a trend
// needs a date cut to its day, month or year, or counted per value of
// another field.  PartSpy does all three: it splits the value, keeps a
// prefix of each part, counts each distinct key once per document, and
// may pair each part with a second slot's value.  Counts are exact over
// the documents the matcher examines (xapc_enquire_params.check_at_least
// decides which); the order given is count descending, then key.

#include "xapc_internal.hh"

namespace xapc {

PartSpy::PartSpy(const xapc_spy_t &s, bool remote) : spec(s)
{
    if (!remote)
        return;
    if (spec.by)
        fail(XAPC_ERR_INVALID, "counts of one value per value of another "
                               "slot cannot run on a remote database");
    whole.reset(new Xapian::ValueCountMatchSpy(spec.slot));
}

void PartSpy::count(const std::string &v, const std::string &by,
                    Xapian::doccount n)
{
    // The keys of this value, so that a repeated part counts once.
    seen.clear();
    size_t at = 0;
    while (at <= v.size()) {
        size_t end = spec.split ? v.find(spec.split, at) : std::string::npos;
        if (end == std::string::npos)
            end = v.size();
        size_t len = end - at;
        if (spec.prefix && len > spec.prefix)
            len = spec.prefix;
        if (len) {
            std::string key(v, at, len);
            if (spec.by) {
                key.push_back('\0');
                key += by;
            }
            if (std::find(seen.begin(), seen.end(), key) == seen.end()) {
                counts[key] += n;
                seen.push_back(std::move(key));
            }
        }
        at = end + 1;
    }
}

void PartSpy::operator()(const Xapian::Document &doc, double)
{
    ++total;
    const std::string v = doc.get_value(spec.slot);
    if (v.empty())
        return;
    std::string by;
    if (spec.by) {
        by = doc.get_value(spec.by_slot);
        if (by.empty())
            return;
        if (spec.by_prefix && by.size() > spec.by_prefix)
            by.resize(spec.by_prefix);
    }
    count(v, by, 1);
}

void PartSpy::copy_to(Facet &f)
{
    if (whole) {
        total = whole->get_total();
        counts.clear();
        for (auto it = whole->values_begin(); it != whole->values_end(); ++it)
            count(*it, std::string(), it.get_termfreq());
    }
    f.total = total;
    f.items.assign(counts.begin(), counts.end());
    std::sort(f.items.begin(), f.items.end(),
              [](const std::pair<std::string, Xapian::doccount> &a,
                 const std::pair<std::string, Xapian::doccount> &b) {
                  return a.second != b.second ? a.second > b.second
                                              : a.first < b.first;
              });
}

} // namespace xapc
