#include "core/request_policy.h"

#include "core/text.h"

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

bool is_navigation(bool is_get, const char* sec_fetch_mode, const char* x_requested_with, const char* accept) {
    if (!is_get) return false;
    if (sec_fetch_mode && !iequals(sec_fetch_mode, "navigate")) return false;
    if (x_requested_with) return false;
    return !accept || icontains(accept, "text/html");
}

std::string origin_of(std::string_view absolute_url) {
    const size_t scheme_end = absolute_url.find("://");
    const size_t path = scheme_end == std::string_view::npos ? std::string_view::npos
                                                              : absolute_url.find('/', scheme_end + 3);
    return std::string(path == std::string_view::npos ? absolute_url : absolute_url.substr(0, path));
}

bool is_same_origin(const char* origin, const char* sec_fetch_site, std::string_view site_origin) {
    if (origin) return iequals(origin, site_origin);
    return sec_fetch_site && iequals(sec_fetch_site, "same-origin");
}

bool secure_cookies_auto(bool request_is_https, const char* redirect_uri) {
    return request_is_https || (redirect_uri && istarts_with(redirect_uri, "https:"));
}

UnauthResponse unauthenticated_response(UnauthAction action, bool navigation, bool subrequest) {
    if (action == UnauthAction::Pass) return UnauthResponse::PassThrough;
    if (action == UnauthAction::SignIn && navigation && !subrequest) return UnauthResponse::StartSignIn;
    return UnauthResponse::Unauthorized;
}

}  // namespace ssoauth
