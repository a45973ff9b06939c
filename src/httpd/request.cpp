#include "core/random.h"
#include "httpd/request.h"

#include <apr_time.h>

namespace ssoauth {
namespace httpd {

CookieMap request_cookies(request_rec* r) {
    CookieMap cookies;
    // Several Cookie headers may arrive (HTTP/2); each is parsed.
    apr_table_do(
        [](void* rec, const char*, const char* value) -> int {
            parse_cookie_header(value, static_cast<CookieMap*>(rec));  // the first of a name wins
            return 1;
        },
        &cookies, r->headers_in, "Cookie", nullptr);
    return cookies;
}

std::string_view cookie_header(request_rec* r, std::string* joined) {
    struct Headers {
        const char* first = nullptr;
        int count = 0;
        std::string* joined;
    } headers{nullptr, 0, joined};
    apr_table_do(
        [](void* rec, const char*, const char* value) -> int {
            auto* h = static_cast<Headers*>(rec);
            if (h->count++ == 0) {
                h->first = value;
            } else {
                if (h->count == 2) h->joined->assign(h->first);
                h->joined->append("; ").append(value);
            }
            return 1;
        },
        &headers, r->headers_in, "Cookie", nullptr);
    if (headers.count == 0) return std::string_view();
    return headers.count == 1 ? std::string_view(headers.first) : std::string_view(*joined);
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
        default:
            s.secure = !strcasecmp(ap_http_scheme(r), "https") ||
                       (c->redirect_uri && !strncasecmp(c->redirect_uri, "https:", 6));
    }
    return s;
}

void add_set_cookies(request_rec* r, const std::vector<std::string>& cookies) {
    // err_headers_out: kept on redirects and error responses too.
    for (const auto& cookie : cookies) apr_table_add(r->err_headers_out, "Set-Cookie", cookie.c_str());
}

void set_no_store(request_rec* r) {
    apr_table_set(r->err_headers_out, "Cache-Control", "no-store");
    apr_table_set(r->err_headers_out, "Pragma", "no-cache");
    apr_table_set(r->err_headers_out, "Referrer-Policy", "no-referrer");
}

bool is_navigation(request_rec* r) {
    if (r->method_number != M_GET) return false;  // HEAD is M_GET too
    const char* mode = apr_table_get(r->headers_in, "Sec-Fetch-Mode");
    if (mode && strcasecmp(mode, "navigate") != 0) return false;
    if (apr_table_get(r->headers_in, "X-Requested-With")) return false;
    const char* accept = apr_table_get(r->headers_in, "Accept");
    if (accept && !ap_strcasestr(accept, "text/html")) return false;
    return true;
}

std::string new_request_id() { return random_token(openssl_random(), 9); }

int send_body(request_rec* r, int status, const char* content_type, const std::string& body) {
    r->status = status;
    ap_set_content_type(r, content_type);
    ap_set_content_length(r, static_cast<apr_off_t>(body.size()));
    if (!r->header_only) ap_rwrite(body.data(), static_cast<int>(body.size()), r);
    return OK;
}

int send_redirect(request_rec* r, const std::string& location) {
    apr_table_set(r->headers_out, "Location", location.c_str());
    return HTTP_MOVED_TEMPORARILY;
}

std::string html_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

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
    std::string url = c->redirect_uri ? c->redirect_uri : ap_construct_url(r->pool, "/", r);
    size_t scheme_end = url.find("://");
    size_t path = scheme_end == std::string::npos ? std::string::npos : url.find('/', scheme_end + 3);
    return path == std::string::npos ? url : url.substr(0, path);
}

bool is_same_origin(request_rec* r, const DirConfig* c) {
    const char* origin = apr_table_get(r->headers_in, "Origin");
    if (origin) return strcasecmp(origin, site_origin(r, c).c_str()) == 0;
    const char* site = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    return site && !strcasecmp(site, "same-origin");
}

std::string absolute_url(request_rec* r, const std::string& path_or_url) {
    if (path_or_url.empty() || path_or_url[0] != '/') return path_or_url;
    const DirConfig* c = dir_config(r);
    return site_origin(r, c) + path_or_url;
}

}  // namespace httpd
}  // namespace ssoauth
