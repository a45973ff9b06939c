// The adapter's side of the core flows, shared by authentication and the
// endpoints: building the client configuration from the directives, starting
// a sign-in, answering unauthenticated requests, and opening the current
// session (revocation, inactivity and transparent refresh included).
#pragma once

#include "core/login_flow.h"
#include "core/session.h"

#include <memory>
#include <string>

#include "httpd/config.h"

namespace ssoauth {
namespace httpd {

ClientConfig client_config(request_rec* r, const DirConfig* c);
std::shared_ptr<Provider> provider_of(request_rec* r, const DirConfig* c);

// 302 to the provider's authorization endpoint (or an error page when the
// provider cannot be reached). `return_to` must already be safe.
int begin_sign_in(request_rec* r, const DirConfig* c, const std::string& return_to);

// 401 {"error":"unauthenticated","login":"<base>/login?returnTo=…"}; returns DONE.
int unauthenticated_json(request_rec* r, const DirConfig* c);

// The built-in sign-in error page, or a redirect to SSOAuthErrorURL?error=<code>.
int error_response(request_rec* r, const DirConfig* c, int status, const std::string& code,
                   const std::string& request_id);

enum class SessionCheck {
    Ok,      // *session is valid (possibly just refreshed; its cookie is reset)
    Absent,  // no session of this application
    Ended,   // there was one, but it is invalid, revoked, idle too long or could not be refreshed
};

// Opens the request's session and applies revocation (back-channel logout),
// the inactivity timeout and a refresh when the access token is (about to be)
// expired, or always when `force_refresh`. Sets the Set-Cookie headers it needs.
SessionCheck current_session(request_rec* r, const DirConfig* c, SessionPtr* session, bool force_refresh = false,
                             std::string* reason = nullptr);

}  // namespace httpd
}  // namespace ssoauth
