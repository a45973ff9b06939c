#include "core/request_policy.h"

#include <strings.h>

#include <cstring>

namespace ssoauth {

Endpoint endpoint_of(std::string_view path, std::string_view base) {
    if (path.size() <= base.size() + 1 || path.compare(0, base.size(), base) != 0 || path[base.size()] != '/')
        return Endpoint::None;
    const std::string_view name = path.substr(base.size() + 1);
    if (name == "login") return Endpoint::Login;
    if (name == "callback") return Endpoint::Callback;
    if (name == "session") return Endpoint::Session;
    if (name == "refresh") return Endpoint::Refresh;
    if (name == "signout") return Endpoint::Signout;
    if (name == "backchannel-logout") return Endpoint::BackchannelLogout;
    if (name == "client.js") return Endpoint::ClientJs;
    return Endpoint::None;
}

namespace {

bool contains_ignoring_case(const char* haystack, const char* needle) {
    const size_t n = strlen(needle);
    for (const char* p = haystack; *p; ++p)
        if (strncasecmp(p, needle, n) == 0) return true;
    return false;
}

}  // namespace

bool is_navigation(bool is_get, const char* sec_fetch_mode, const char* x_requested_with, const char* accept) {
    if (!is_get) return false;
    if (sec_fetch_mode && strcasecmp(sec_fetch_mode, "navigate") != 0) return false;
    if (x_requested_with) return false;
    return !accept || contains_ignoring_case(accept, "text/html");
}

std::string origin_of(std::string_view absolute_url) {
    const size_t scheme_end = absolute_url.find("://");
    const size_t path = scheme_end == std::string_view::npos ? std::string_view::npos
                                                              : absolute_url.find('/', scheme_end + 3);
    return std::string(path == std::string_view::npos ? absolute_url : absolute_url.substr(0, path));
}

bool is_same_origin(const char* origin, const char* sec_fetch_site, std::string_view site_origin) {
    if (origin) return strlen(origin) == site_origin.size() && strncasecmp(origin, site_origin.data(), site_origin.size()) == 0;
    return sec_fetch_site && !strcasecmp(sec_fetch_site, "same-origin");
}

bool secure_cookies_auto(bool request_is_https, const char* redirect_uri) {
    return request_is_https || (redirect_uri && !strncasecmp(redirect_uri, "https:", 6));
}

UnauthResponse unauthenticated_response(UnauthAction action, bool navigation, bool subrequest) {
    if (action == UnauthAction::Pass) return UnauthResponse::PassThrough;
    if (action == UnauthAction::SignIn && navigation && !subrequest) return UnauthResponse::StartSignIn;
    return UnauthResponse::Unauthorized;
}

}  // namespace ssoauth
