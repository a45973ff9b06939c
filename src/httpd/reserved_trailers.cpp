// Client-supplied X-SSO-* trailers. post_read_request removes the client's
// X-SSO-* headers, but a chunked body's trailers are read later, with the
// body; with `MergeTrailers On`, httpd's HTTP_IN filter then merges them into
// r->headers_in, after the module set its own X-SSO-* headers. This input
// filter sits above HTTP_IN: when the body ends, it removes the reserved
// trailers and, if HTTP_IN merged them, redoes the merge without them.
//
// Why redoing the merge re-asserts the module's headers: HTTP_IN builds the
// merged table as a new table (the headers before the body, then the
// trailers) and leaves the table it replaced untouched. That table, kept as
// this filter's context, holds the module's X-SSO-* headers exactly as
// check_authn set them, so the module's values come back unchanged and the
// client's duplicates go.
#include <string>
#include <vector>

#include "core/claims.h"
#include "httpd/hooks.h"
#include "httpd/log.h"
#include "httpd/request.h"

namespace ssoauth {
namespace httpd {

namespace {

ap_filter_rec_t* trailer_filter_handle = nullptr;

bool ends_with_eos(apr_bucket_brigade* bb) {
    for (apr_bucket* b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb); b = APR_BUCKET_NEXT(b))
        if (APR_BUCKET_IS_EOS(b)) return true;
    return false;
}

void strip_reserved_trailers(request_rec* r, apr_table_t* headers_before_body) {
    const std::vector<std::string> names = reserved_header_names(r->trailers_in);
    if (names.empty()) return;
    for (const auto& name : names) {
        apr_table_unset(r->trailers_in, name.c_str());
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00151) "removed client-supplied trailer %s",
                      name.c_str());
    }
    if (r->headers_in != headers_before_body)  // MergeTrailers On merged them
        r->headers_in = apr_table_overlay(r->pool, headers_before_body, r->trailers_in);
}

apr_status_t trailer_filter(ap_filter_t* f, apr_bucket_brigade* bb, ap_input_mode_t mode, apr_read_type_e block,
                            apr_off_t bytes) {
    const apr_status_t rv = ap_get_brigade(f->next, bb, mode, block, bytes);
    if (rv != APR_SUCCESS || !ends_with_eos(bb)) return rv;
    try {
        strip_reserved_trailers(f->r, static_cast<apr_table_t*>(f->ctx));
    } catch (...) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, f->r, SSOLOGNO(00152) "removing client-supplied trailers failed");
        return APR_EGENERAL;  // fails closed: the body is not delivered
    }
    ap_remove_input_filter(f);
    return rv;
}

}  // namespace

void register_trailer_filter() {
    trailer_filter_handle =
        ap_register_input_filter("SSOAUTH_TRAILERS", trailer_filter, nullptr, AP_FTYPE_CONTENT_SET);
}

void guard_trailers(request_rec* r) {
    // Only a chunked body has trailers (HTTP/2 requests reach HTTP_IN chunked
    // too); a request without one pays for a single table lookup.
    if (!apr_table_get(r->headers_in, "Transfer-Encoding")) return;
    ap_add_input_filter_handle(trailer_filter_handle, r->headers_in, r, r->connection);
}

}  // namespace httpd
}  // namespace ssoauth
