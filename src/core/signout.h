// The two ways a session ends on purpose, as flows over plain inputs:
// - sign_out: the user signs out here (RP-initiated logout). The session is
//   revoked on this host at once, whatever the provider does next; its
//   refresh token is revoked at the provider when configured; the answer
//   leads the browser to the provider's end-session endpoint.
// - receive_backchannel_logout: the provider says a session ended (OpenID
//   Connect Back-Channel Logout 1.0, section 2.8).
// The adapter reads the request, calls these, and maps the result to HTTP.
#pragma once

#include "core/login_flow.h"
#include "core/logout.h"
#include "core/random.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ssoauth {

struct SignoutRequest {
    std::string_view cookie_header;    // every Cookie header of the request, joined
    int64_t now = 0;
    bool revoke_refresh_token = true;  // SSOAuthRevokeOnSignout
    std::string post_logout_redirect;  // absolute URL the provider sends the browser back to
    int64_t keep_revocation = 0;       // seconds the revocation is kept (the session max age)
};

enum class ProviderRevocation {
    NotAttempted,  // off, no session, no refresh token, or the provider has no revocation endpoint
    Confirmed,     // the provider answered 200 (RFC 7009)
    NotConfirmed,  // it could not be reached or did not answer 200
};

struct SignoutResult {
    bool had_session = false;
    std::string subject;                   // for the log line
    bool revocation_recorded = false;      // the shared store holds the revocation
    ProviderRevocation provider_revocation = ProviderRevocation::NotAttempted;
    std::vector<std::string> set_cookies;  // deletes every session cookie and chunk
    std::string redirect_url;              // end-session URL, or post_logout_redirect without one
};

// `client`, `provider`, `cookies` and `sealer` are the location's.
SignoutResult sign_out(const SignoutRequest& request, const ClientConfig& client, Provider& provider,
                       RevocationList& revocations, const CookieSettings& cookies, const CookieSealer& sealer,
                       RandomSource& random);

enum class BackchannelVerdict {
    Ended,      // the session (sid) or user (sub) is recorded as ended: 200
    NoToken,    // the form body has no single logout_token (or is too large): 400
    Invalid,    // the logout token failed validation (`status` says why): 400
    Replayed,   // a valid token whose jti was seen before: 400
    StoreFull,  // valid, but the revocation cannot be recorded: 503, so the provider may retry
};

struct BackchannelResult {
    BackchannelVerdict verdict = BackchannelVerdict::NoToken;
    TokenStatus status = TokenStatus::Ok;  // Invalid: why (KeysUnavailable when the keys cannot be had)
    std::string detail;                    // for the log
    LogoutEvent event;                     // Ended: what ended
};

// `form_body`: the request body (application/x-www-form-urlencoded);
// `body_too_large`: the body was over the adapter's limit and was not read.
BackchannelResult receive_backchannel_logout(const std::string& form_body, bool body_too_large,
                                             const ClientConfig& client, Provider& provider,
                                             RevocationList& revocations, int64_t now, int64_t keep_revocation);

}  // namespace ssoauth
