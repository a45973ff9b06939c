// Refreshing a session with its refresh token, and doing it once per token
// across every process of the host. Better Auth rotates refresh tokens and,
// when a rotated one is presented again, revokes every refresh token of the
// user: two requests refreshing the same session at once would log the user
// out everywhere. SingleFlightRefresh makes sure exactly one grant happens;
// the other requests wait for its result and reuse it.
#pragma once

#include "core/client_config.h"
#include "core/cookie_seal.h"
#include "core/provider.h"
#include "core/session.h"
#include "core/shared_store.h"

#include <chrono>
#include <functional>

namespace ssoauth {

enum class RefreshError {
    None,
    NoRefreshToken,       // the session holds no refresh token
    ProviderUnreachable,  // discovery, keys or token endpoint could not be reached
    Refused,              // the token endpoint refused the grant (e.g. invalid_grant)
    InvalidIdToken,       // the new id_token failed validation
    SubjectChanged,       // the new id_token names another sub (OIDC Core 12.2)
    SessionEnded,         // the new id_token's sid differs: the provider session ended
    Busy,                 // another request's refresh did not finish within the wait bound
};
const char* refresh_error_name(RefreshError error);

struct RefreshOutcome {
    RefreshError error = RefreshError::None;
    std::string detail;  // for logs: never a token
    Session session;     // the refreshed session, on success
    bool reused = false; // the result of another request's grant
    bool ok() const { return error == RefreshError::None; }
};

// True when the access token has expired or expires within `before` seconds,
// and the session can be refreshed.
bool needs_refresh(const Session& session, int64_t now, int64_t before);

// One refresh grant and the checks of its answer: the new id_token must keep
// iss, sub and aud (OpenID Connect Core 12.2) and the provider session (sid).
RefreshOutcome refresh_session(const ClientConfig& client, Provider& provider, const Session& current, int64_t now);

class SingleFlightRefresh {
public:
    using Sleep = std::function<void(std::chrono::milliseconds)>;
    // `grace`: how long a result stays reusable; `wait`: how long a request
    // waits for another one's grant before giving up with Busy.
    SingleFlightRefresh(SharedStore& store, const CookieSealer& sealer, int64_t grace_seconds = 60,
                        std::chrono::milliseconds wait = std::chrono::milliseconds(10000),
                        std::chrono::milliseconds poll = std::chrono::milliseconds(25), Sleep sleep = nullptr);

    RefreshOutcome refresh(const ClientConfig& client, Provider& provider, const Session& current, int64_t now);

    // The store key of a refresh token: never the token itself.
    static std::string key_for(const std::string& refresh_token);

private:
    RefreshOutcome from_stored(const std::string& key, const std::string& value) const;
    SharedStore& store_;
    const CookieSealer& sealer_;
    const int64_t grace_;
    const std::chrono::milliseconds wait_, poll_;
    Sleep sleep_;
};

}  // namespace ssoauth
