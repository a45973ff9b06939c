// The session model and its codec. A session is what the module proved at
// sign-in (validated claims, tokens, lifetimes). Its JSON document (deflated
// when that is smaller) is what session_cache.h seals into the cookies that
// session_cookies.h writes.
//
// Not checked here: lifetimes, issuer and client (open_session checks them),
// or the claims' content (they were validated at sign-in).
#pragma once

#include "core/claims.h"
#include "core/json.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ssoauth {

struct Session {
    std::string issuer;
    std::string client_id;
    std::string subject;                 // the id_token's sub
    std::string sid;                     // the provider session id, when the id_token has one
    JsonPtr claims;                      // id_token claims merged with userinfo (object)
    std::string id_token;
    std::string access_token;
    std::string refresh_token;
    int64_t access_token_expires_at = 0; // 0: unknown
    int64_t created_at = 0;
    int64_t expires_at = 0;              // the session's absolute end (max age)
    int64_t last_seen = 0;               // for the inactivity timeout; 0: not tracked

    std::string to_json() const;
    static std::optional<Session> from_json(const std::string& text);
    // What is sealed into the cookie: the JSON, deflated when that is smaller.
    std::string to_sealed_text() const;
    static std::optional<Session> from_sealed_text(const std::string& text);
    // A deep copy (the claims included), to change a shared session.
    Session clone() const;

    // The identity exports for one configuration (`key` names it), made by
    // `make` the first time and remembered for as long as this session lives.
    std::shared_ptr<const IdentityExport> identity_export(const std::string& key,
                                                          const std::function<IdentityExport()>& make) const;

private:
    struct ExportMemo;
    std::shared_ptr<ExportMemo> memo_ = make_memo();
    static std::shared_ptr<ExportMemo> make_memo();

public:
    // A claim as text: strings as they are, arrays joined with ',', others as JSON. "" when absent.
    std::string claim_text(const std::string& name) const;
};

// Sessions are shared, immutable, between the requests that carry the same cookie.
using SessionPtr = std::shared_ptr<const Session>;

}  // namespace ssoauth
