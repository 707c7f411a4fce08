// xapc_doc.cc - the document handle of the C binding over Xapian 1.4.
//
// A xapc_doc_t is a Xapian::Document: one being built (terms, postings,
// values and data) before xapc_db_add_doc() or xapc_db_replace_doc()
// writes it, or one read back with xapc_db_get_doc().  Reading a value or
// the data copies it onto the handle, so that the borrowed pointer stays
// valid until the document is next modified or freed.  The database side
// of documents is xapc_db.cc's; failures are mapped by its firewall.

#include "xapc_internal.hh"

using namespace xapc;

namespace {

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

xapc_status_t doc_fail(xapc_doc_t *doc, const char *where) noexcept
{
    return map_exception(doc ? doc->err : nullptr, where);
}

} // namespace

extern "C" {

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

} // extern "C"
