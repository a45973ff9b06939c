// Decisions about a request that depend only on what it carries: which of the
// module's endpoints it names, whether it is a browser navigation or an API
// call, whether a POST comes from this site's own pages, and what an
// unauthenticated request gets. The adapter reads the headers; these decide.
#pragma once

#include <string>
#include <string_view>

namespace ssoauth {

enum class Endpoint { None, Login, Callback, Session, Refresh, Signout, BackchannelLogout, ClientJs };

// The endpoint `path` names under `base` (e.g. "/api/auth"): exactly
// "<base>/<name>", nothing after it. No allocation: it runs on every
// protected request.
Endpoint endpoint_of(std::string_view path, std::string_view base);

// A browser navigation (as opposed to an XHR/fetch or an API client): a GET
// (HEAD included), Sec-Fetch-Mode absent or "navigate", no X-Requested-With,
// Accept absent or naming text/html. Null: the header is absent.
bool is_navigation(bool is_get, const char* sec_fetch_mode, const char* x_requested_with, const char* accept);

// "scheme://host[:port]" of an absolute URL (the URL itself when it has no path).
std::string origin_of(std::string_view absolute_url);

// A POST from this site's own pages: Origin equals `site_origin` (in any
// letter case), or, without Origin, Sec-Fetch-Site is same-origin. Anything
// else, or neither header, is refused.
bool is_same_origin(const char* origin, const char* sec_fetch_site, std::string_view site_origin);

// SSOAuthCookieSecure Auto: Secure when the request came over https, or the
// configured redirect URI (a site behind a TLS-terminating proxy) is https.
bool secure_cookies_auto(bool request_is_https, const char* redirect_uri);

enum class UnauthAction { SignIn, Unauthorized, Pass };  // SSOAuthUnauthAction auth | 401 | pass
enum class UnauthResponse {
    StartSignIn,   // 302 to the provider
    Unauthorized,  // 401 JSON naming the login URL: never a redirect for an API call or a subrequest
    PassThrough,   // on to the application, with no identity
};
UnauthResponse unauthenticated_response(UnauthAction action, bool navigation, bool subrequest);

}  // namespace ssoauth
