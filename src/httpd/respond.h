// The one place where the core's outcomes become HTTP: for each outcome its
// status, WWW-Authenticate challenge, JSON body or error page, cache headers,
// log level and log tag. Handlers and hooks call the core, then one of these,
// and return what it returns:
//   - DONE when a complete response was written (valid from check_authn and
//     from a handler alike),
//   - HTTP_MOVED_TEMPORARILY for a redirect (Location is set),
//   - OK when the request goes on to the application.
#pragma once

#include "core/bearer.h"
#include "core/client_js.h"
#include "core/login_flow.h"
#include "core/request_policy.h"
#include "core/session_gate.h"
#include "core/signout.h"

#include <string>

#include "httpd/config.h"

namespace ssoauth {
namespace httpd {

// ---- sign-in ----
// 302 to the provider's authorization endpoint, or the error page.
int respond_login_start(request_rec* r, const DirConfig* c, const LoginStart& start, const std::string& return_to);
// 302 to the page the user asked for, or the error page.
int respond_callback(request_rec* r, const DirConfig* c, const CallbackOutcome& outcome);

// ---- sessions ----
// Writes the gate's Set-Cookie values and logs its verdict. Returns result.valid().
// With a Set-Cookie it adds private_cache_filter to the request.
bool apply_session_result(request_rec* r, const SessionResult& result);
// The output filter (registered under kPrivateCacheFilter) that adds
// `Cache-Control: private` to a response carrying a resealed session cookie,
// unless the response already says no-store or private (the application's
// `public` and `s-maxage` are dropped, its max-age kept).
extern const char kPrivateCacheFilter[];
apr_status_t private_cache_filter(ap_filter_t* f, apr_bucket_brigade* bb);
// An unauthenticated request under AuthType SSOAuth that does not start a sign-in:
// PassThrough (OK, no identity) or Unauthorized (401 JSON with the login URL).
int respond_unauthenticated(request_rec* r, const DirConfig* c, UnauthResponse how);
// The revocation list could not be read (SessionVerdict::StoreUnavailable):
// 503 with Retry-After, never a sign-in and never the application.
int respond_store_unavailable(request_rec* r);
// <base>/session: the session document, or {"user":null}.
int respond_session_document(request_rec* r, const Session* session);
// <base>/refresh as a POST: {"success":true,"expires":…}, or 401 {"error":<reason>}.
int respond_refresh_json(request_rec* r, const SessionResult& result);
// <base>/refresh as a GET that refreshed: 302 to returnTo.
int respond_refreshed_redirect(request_rec* r, const std::string& return_to);

// ---- bearer mode ----
struct BearerRefusal {
    bool token_present = false;
    bool malformed_header = false;
    TokenStatus status = TokenStatus::Ok;
    std::string detail;
};
// 401 with `WWW-Authenticate: Bearer …`, or 503 when the provider's keys cannot be had.
int respond_bearer_refused(request_rec* r, const DirConfig* c, const BearerRefusal& refusal);
// `Require sso-claim` refused a signed-in user: the challenge mod_authz_core's 403 carries.
void note_claim_refused(request_rec* r, bool bearer, const std::string& who, const std::string& requirement);

// ---- sign-out ----
int respond_signout(request_rec* r, const SignoutResult& result, bool post);
int respond_backchannel_logout(request_rec* r, const BackchannelResult& result);

// ---- refusals common to the endpoints ----
enum class EndpointRefusal { CrossOriginRefresh, CrossOriginSignout };
int respond_refused(request_rec* r, EndpointRefusal refusal);
// The location lacks settings: 500 and a log line naming them. `auth_type`:
// the AuthType that cannot work, or null for one of the endpoints.
int respond_misconfigured(request_rec* r, const char* auth_type, const std::string& missing);
// 405, not stored by caches.
int respond_method_not_allowed(request_rec* r);
// <base>/client.js, or 304 when the client holds this version (If-None-Match).
int respond_client_js(request_rec* r, const ClientScript& script);

// The note_auth_failure hook: the challenge of a 401 that httpd itself
// answers for AuthType SSOAuth/SSOAuthBearer (as mod_auth_basic does for Basic).
int note_auth_failure(request_rec* r, const char* auth_type);

}  // namespace httpd
}  // namespace ssoauth
