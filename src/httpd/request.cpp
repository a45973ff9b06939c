#include "core/claims.h"
#include "core/random.h"
#include "core/request_policy.h"
#include "httpd/request.h"

#include <apr_time.h>

namespace ssoauth {
namespace httpd {

namespace {

const char kOriginalCookieNote[] = "ssoauth-original-cookie";

// An internal redirect shares its headers with the request it came from, and
// a subrequest copies them: both may have lost the module's cookies already.
const char* original_cookie_header(request_rec* r) {
    for (request_rec* q = r; q; q = q->prev ? q->prev : q->main)
        if (const char* original = apr_table_get(q->notes, kOriginalCookieNote)) return original;
    return nullptr;
}

}  // namespace

void keep_original_cookie_header(request_rec* r, const char* header) {
    if (!original_cookie_header(r)) apr_table_setn(r->notes, kOriginalCookieNote, header);
}

CookieMap request_cookies(request_rec* r) {
    CookieMap cookies;
    if (const char* original = original_cookie_header(r)) {
        parse_cookie_header(original, &cookies);
        return cookies;
    }
    // Several Cookie headers may arrive (HTTP/2); each is parsed.
    for_each_entry(r->headers_in, "Cookie", [&](const char*, const char* value) {
        parse_cookie_header(value, &cookies);  // the first of a name wins
    });
    return cookies;
}

std::vector<std::string> reserved_header_names(const apr_table_t* table) {
    std::vector<std::string> names;
    for_each_entry(table, nullptr, [&](const char* name, const char*) {
        if (is_reserved_header(name)) names.push_back(name);
    });
    return names;
}

std::string_view cookie_header(request_rec* r, std::string* joined) {
    if (const char* original = original_cookie_header(r)) return original;
    return current_cookie_header(r, joined);
}

std::string_view current_cookie_header(request_rec* r, std::string* joined) {
    const char* first = nullptr;
    int count = 0;
    for_each_entry(r->headers_in, "Cookie", [&](const char*, const char* value) {
        if (count++ == 0) {
            first = value;
            return;
        }
        if (count == 2) joined->assign(first);
        joined->append("; ").append(value);
    });
    if (count == 0) return std::string_view();
    return count == 1 ? std::string_view(first) : std::string_view(*joined);
}

QueryParams request_query(request_rec* r) { return parse_query(r->args ? r->args : ""); }

int64_t request_now(request_rec* r) { return static_cast<int64_t>(apr_time_sec(r->request_time)); }

std::string redirect_uri(request_rec* r, const DirConfig* c) {
    if (c->redirect_uri) return c->redirect_uri;
    return ap_construct_url(r->pool, (endpoint_base(c) + "/callback").c_str(), r);
}

CookieSettings cookie_settings(request_rec* r, const DirConfig* c) {
    CookieSettings s;
    if (c->cookie_prefix) s.prefix = c->cookie_prefix;
    if (c->same_site) s.same_site = c->same_site;
    switch (c->cookie_secure) {
        case kSecureOn: s.secure = true; break;
        case kSecureOff: s.secure = false; break;
        default: s.secure = secure_cookies_auto(!strcasecmp(ap_http_scheme(r), "https"), c->redirect_uri);
    }
    return s;
}

bool is_navigation(request_rec* r) {
    return ssoauth::is_navigation(r->method_number == M_GET,  // HEAD is M_GET too
                                  apr_table_get(r->headers_in, "Sec-Fetch-Mode"),
                                  apr_table_get(r->headers_in, "X-Requested-With"),
                                  apr_table_get(r->headers_in, "Accept"));
}

std::string new_request_id() { return random_token(openssl_random(), 9); }

std::string read_body(request_rec* r, size_t limit, bool* too_large) {
    *too_large = false;
    std::string body;
    if (ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK) != OK || !ap_should_client_block(r)) return body;
    char buffer[8192];
    long n;
    while ((n = ap_get_client_block(r, buffer, sizeof(buffer))) > 0) {
        if (body.size() + static_cast<size_t>(n) > limit) {
            *too_large = true;
            while (ap_get_client_block(r, buffer, sizeof(buffer)) > 0) {
            }
            return std::string();
        }
        body.append(buffer, static_cast<size_t>(n));
    }
    return body;
}

std::string site_origin(request_rec* r, const DirConfig* c) {
    return origin_of(c->redirect_uri ? c->redirect_uri : ap_construct_url(r->pool, "/", r));
}

bool is_same_origin(request_rec* r, const DirConfig* c) {
    return ssoauth::is_same_origin(apr_table_get(r->headers_in, "Origin"),
                                   apr_table_get(r->headers_in, "Sec-Fetch-Site"), site_origin(r, c));
}

std::string absolute_url(request_rec* r, const std::string& path_or_url) {
    if (path_or_url.empty() || path_or_url[0] != '/') return path_or_url;
    const DirConfig* c = dir_config(r);
    return site_origin(r, c) + path_or_url;
}

}  // namespace httpd
}  // namespace ssoauth
