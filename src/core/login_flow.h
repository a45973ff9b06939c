// The authorization-code flow with PKCE, as pure logic: starting a sign-in
// (authorize URL + a sealed per-attempt state cookie) and completing it at the
// callback (checks, code exchange, id_token validation, userinfo, session).
// The httpd adapter turns the outcomes into responses; nothing here knows httpd.
#pragma once

#include "core/client_config.h"
#include "core/cookie_seal.h"
#include "core/cookies.h"
#include "core/provider.h"
#include "core/random.h"
#include "core/url.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ssoauth {

// One pending sign-in, sealed into its own cookie.
struct AuthAttempt {
    std::string state, nonce, code_verifier, return_to;
    int64_t created_at = 0;

    std::string to_json() const;
    static std::optional<AuthAttempt> from_json(const std::string& text);
};

constexpr int64_t kAuthAttemptLifetime = 300;  // seconds
constexpr size_t kMaxPendingAttempts = 7;

// "<prefix>_state_<first 16 characters of state>".
std::string state_cookie_name(const CookieSettings& settings, const std::string& state);

// What starting a sign-in needs from the request and the location.
struct LoginRequest {
    const ClientConfig& client;
    std::string return_to;             // must already be safe (safe_return_to)
    const CookieMap& request_cookies;  // other tabs' pending attempts are read from here
    const CookieSealer& sealer;
    const CookieSettings& cookies;
    RandomSource& random;
    int64_t now;
};

enum class LoginError {
    None,
    ProviderUnreachable,  // the provider's metadata cannot be had
    Internal,             // randomness or sealing failed
};

struct LoginStart {
    LoginError error = LoginError::None;
    std::string detail;                    // for the log
    std::string authorize_url;
    std::vector<std::string> set_cookies;  // the new state cookie, and deletions of evicted ones
    bool ok() const { return error == LoginError::None; }
};

// Builds the authorization request against the provider's metadata.
LoginStart start_login(const LoginRequest& request, Provider& provider);
// The same with metadata in hand.
LoginStart start_login(const LoginRequest& request, const ProviderMetadata& metadata);

// Why a callback failed. The code is what ?error= and the error page show.
enum class CallbackError {
    None,
    ProviderError,        // the provider sent ?error=... (its own code is reported)
    StateMismatch,        // state missing, duplicated, unknown, expired or already used
    NoCode,               // no code, or a duplicated one
    IssuerMismatch,       // RFC 9207 iss absent or not the configured issuer (reported as callback_failed)
    TokenExchange,        // the token endpoint refused the code
    InvalidIdToken,       // the id_token failed validation
    ProviderUnreachable,  // discovery, keys, token or userinfo endpoint could not be reached
    CallbackFailed,       // anything else (userinfo sub mismatch, session too large, ...)
};
const char* callback_error_code(CallbackError error);

struct CallbackOutcome {
    CallbackError error = CallbackError::None;
    std::string error_code;                // provider's own error, or callback_error_code()
    std::string detail;                    // for the log line: never a token, code or secret
    std::string redirect_to;               // on success: the page the user asked for
    std::vector<std::string> set_cookies;  // always deletes the attempt's state cookie
    std::string subject;                   // on success
    std::vector<std::string> steps;        // what was checked, in order, for a debug trace (no secrets)
    bool ok() const { return error == CallbackError::None; }
};

CallbackOutcome handle_callback(const ClientConfig& client, Provider& provider, const QueryParams& params,
                                const CookieMap& request_cookies, const CookieSealer& sealer,
                                const CookieSettings& settings, int64_t now);

}  // namespace ssoauth
