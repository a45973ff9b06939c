// Signing out: the RP-initiated end-session URL, OpenID Connect Back-Channel
// Logout tokens, and the list of provider sessions that have ended, kept in
// the host's shared store so every process and thread sees them.
#pragma once

#include "core/client_config.h"
#include "core/cookie_seal.h"
#include "core/provider.h"
#include "core/session.h"
#include "core/shared_store.h"

#include <string_view>

namespace ssoauth {

// <end_session_endpoint>?id_token_hint=…&post_logout_redirect_uri=…&client_id=…&state=…
// (parameters left out when empty). "" when the provider has no end-session endpoint.
std::string end_session_url(const ProviderMetadata& metadata, const std::string& id_token_hint,
                            const std::string& post_logout_redirect_uri, const std::string& client_id,
                            const std::string& state);

// What a valid logout token says ended.
struct LogoutEvent {
    std::string sid;  // the provider session, when given
    std::string sub;  // the user, when given
    std::string jti;
    int64_t iat = 0;
    int64_t exp = 0;
};

// Validates a logout token (Back-Channel Logout 1.0 section 2.6): signature
// against the provider's keys, iss, aud, iat, exp, the back-channel event,
// no nonce, sid or sub. Does not check jti reuse (see RevocationList).
// KeysUnavailable (with *detail) when the provider's metadata or keys cannot be had.
TokenStatus verify_logout_token(const ClientConfig& client, Provider& provider, const std::string& token,
                                int64_t now, LogoutEvent* event, std::string* detail);

class RevocationList {
public:
    // `issuer` must outlive the list (it is checked on every request: no copy).
    RevocationList(SharedStore& store, std::string_view issuer) : store_(store), issuer_(issuer) {}

    // Records the ended session (sid), or every session of the user begun
    // before `event.iat` (sub without sid), for `keep_seconds`.
    bool record(const LogoutEvent& event, int64_t now, int64_t keep_seconds);
    enum class JtiUse {
        First,        // recorded now (kept until the token expires)
        Seen,         // presented before: a replay
        NotRecorded,  // not seen, but the store cannot record it (full or unreadable): never "a replay"
    };
    JtiUse use_jti(const LogoutEvent& event, int64_t now, int64_t skew);
    enum class Check {
        NotRevoked,  // the store was read: nothing ends this session
        Revoked,     // its provider session ended, or its user was signed out after it began
        Unknown,     // the store could not be read (lock failure, store down): never "not revoked"
    };
    Check check(const Session& session, int64_t now);
    // check() != NotRevoked: an unreadable store counts as revoked (fail closed).
    bool is_revoked(const Session& session, int64_t now) { return check(session, now) != Check::NotRevoked; }

private:
    std::string key(const char* kind, const std::string& value) const;
    SharedStore& store_;
    const std::string_view issuer_;
};

}  // namespace ssoauth
