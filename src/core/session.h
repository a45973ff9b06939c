// The session model and its cookies. A session is what the module proved at
// sign-in (validated claims, tokens, lifetimes), sealed into HttpOnly cookies.
// Opening it is the whole per-request cost: one AEAD open and one JSON parse.
#pragma once

#include "core/claims.h"
#include "core/cookie_seal.h"
#include "core/json.h"

#include <functional>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

enum class SessionStatus {
    Ok,
    Absent,         // no session cookie at all
    Undecryptable,  // tampered, truncated, or sealed under an unlisted passphrase
    Malformed,      // opened, but not a session document
    WrongClient,    // sealed for another issuer or client id
    Expired,        // past its max age
};
const char* session_status_name(SessionStatus);

// "2026-11-27T15:04:05.000Z" (what JavaScript's toISOString() gives).
std::string iso8601_utc(int64_t seconds);

// The <base>/session document, keys in this order:
// {"user":{"id","email","name","role","emailVerified"},"expires":"<ISO 8601>"},
// or {"user":null} without a session. `role` defaults to "user".
std::string session_endpoint_json(const Session* session);

// ---- cookies ----
using CookieMap = std::map<std::string, std::string>;

// Parses a Cookie request header ("a=1; b=2"). The first occurrence of a name wins.
CookieMap parse_cookie_header(const std::string& header);
// The value of one cookie in a Cookie header (as parse_cookie_header reads it),
// as a view into `header`.
std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name);

struct CookieSettings {
    std::string prefix = "ssoauth";
    bool secure = false;
    std::string same_site = "Lax";  // Lax, Strict or None
};

// A Set-Cookie value. max_age < 0: a browser-session cookie; 0: delete it.
std::string set_cookie_header(const std::string& name, const std::string& value,
                              const CookieSettings& settings, long max_age);

std::string session_cookie_name(const CookieSettings& settings);

// The Set-Cookie values that store `sealed` (chunked when large) and remove any
// stale chunk the browser still holds. Empty if the value needs too many chunks.
std::vector<std::string> write_session_cookies(const std::string& sealed, const CookieSettings& settings,
                                               const CookieMap& request_cookies);
// The sealed value reassembled from the request's cookies, if there is one.
std::optional<std::string> read_session_cookie(const CookieMap& request_cookies, const CookieSettings& settings);
// The Set-Cookie values that delete every session cookie and chunk the request holds.
std::vector<std::string> clear_session_cookies(const CookieMap& request_cookies, const CookieSettings& settings);

// The same from a raw Cookie request header: only the session cookie is looked
// at (the whole header is parsed only when the session is split into chunks).
SessionStatus open_session_from_header(std::string_view cookie_header, const CookieSettings& settings,
                                       const CookieSealer& sealer, const std::string& issuer,
                                       const std::string& client_id, int64_t now, SessionPtr* out);

// Opens and checks the session in the request's cookies.
//
// Opened sessions are cached per process, keyed by the exact sealed cookie
// value (with the sealer and the cookie name): a cookie seen before costs a
// hash lookup and a comparison instead of base64, AES-GCM and a JSON parse.
// Only values that opened are cached, so a hit means the very same bytes were
// authenticated before; expiry, client and issuer are checked on every call.
SessionStatus open_session(const CookieMap& request_cookies, const CookieSettings& settings,
                           const CookieSealer& sealer, const std::string& issuer,
                           const std::string& client_id, int64_t now, SessionPtr* out);
// The same, as a private copy.
SessionStatus open_session(const CookieMap& request_cookies, const CookieSettings& settings,
                           const CookieSealer& sealer, const std::string& issuer,
                           const std::string& client_id, int64_t now, Session* out);

// Seals the session and returns its Set-Cookie values (empty when too large).
// The sealed value enters the cache, so the next request that carries it is a hit.
std::vector<std::string> seal_session(const Session& session, const CookieSettings& settings,
                                      const CookieSealer& sealer, const CookieMap& request_cookies);
std::vector<std::string> seal_session(SessionPtr session, const CookieSettings& settings,
                                      const CookieSealer& sealer, const CookieMap& request_cookies);

// How many opened sessions this process holds (for tests and diagnostics).
size_t cached_session_count();

}  // namespace ssoauth
