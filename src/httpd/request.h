// Reading a request_rec into the core's plain types: cookies, query
// parameters, the body, URLs and cookie settings. Responses are written by respond.h.
#pragma once

#include "core/cookies.h"
#include "core/url.h"

#include <string>
#include <vector>

#include "httpd/config.h"

namespace ssoauth {
namespace httpd {

// The cookies as the client sent them: when the module's own were removed from
// the Cookie header (strip_module_cookies), the header as it came, kept in the
// notes of this request or of the one it was redirected from or is a subrequest of.
// Visits each entry of `table` (only those named `name`, any letter case, when
// it is not null) in order. Plain C++ iteration rather than apr_table_do: no
// C frame sits between a thrown exception and the hook's guard.
template <typename Visit>
void for_each_entry(const apr_table_t* table, const char* name, Visit visit) {
    const apr_array_header_t* entries = apr_table_elts(table);
    const auto* entry = reinterpret_cast<const apr_table_entry_t*>(entries->elts);
    for (int i = 0; i < entries->nelts; ++i)
        if (entry[i].key && (!name || !strcasecmp(entry[i].key, name))) visit(entry[i].key, entry[i].val);
}

// The names of the client-supplied X-SSO-* entries of `table` (headers or trailers).
std::vector<std::string> reserved_header_names(const apr_table_t* table);

CookieMap request_cookies(request_rec* r);
// Every Cookie request header, joined with "; " into `joined` when there are
// several; the view points at the request's own header when there is one.
// As the client sent it, like request_cookies.
std::string_view cookie_header(request_rec* r, std::string* joined);
// The same, as the request's headers hold it now.
std::string_view current_cookie_header(request_rec* r, std::string* joined);
// Keeps `header` (the Cookie header as the client sent it, owned by the
// request's pool) for cookie_header and request_cookies, unless an earlier
// request of the chain kept one.
void keep_original_cookie_header(request_rec* r, const char* header);
QueryParams request_query(request_rec* r);
int64_t request_now(request_rec* r);

// Cookie attributes for this request (Secure: as configured; Auto means on
// when the request or the configured redirect URI is https).
CookieSettings cookie_settings(request_rec* r, const DirConfig* c);
// The callback URL: SSOAuthRedirectURI, else <scheme>://<host><base>/callback.
std::string redirect_uri(request_rec* r, const DirConfig* c);


// A browser navigation, as core is_navigation() decides from the request's headers.
bool is_navigation(request_rec* r);

// A short random id to correlate an error page with its log line.
std::string new_request_id();


// The request body, up to `limit` bytes (*too_large when there is more).
std::string read_body(request_rec* r, size_t limit, bool* too_large);

// This site's origin as a browser names it: from SSOAuthRedirectURI when set
// (a server behind a TLS-terminating proxy), else from the request.
std::string site_origin(request_rec* r, const DirConfig* c);
// A POST from this site's own pages, as core is_same_origin() decides.
bool is_same_origin(request_rec* r, const DirConfig* c);
// A local path made absolute on this site; an absolute URL is kept.
std::string absolute_url(request_rec* r, const std::string& path_or_url);

}  // namespace httpd
}  // namespace ssoauth
