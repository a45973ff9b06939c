// Opening and sealing sessions, with the process-wide cache of opened ones.
// Opening is the whole per-request cost of a session: one AEAD open and one
// JSON parse the first time a cookie is seen, a hash lookup after that.
//
// Opened sessions are cached per process, keyed by the exact sealed cookie
// value (with the sealer and the cookie name): a cookie seen before costs a
// hash lookup and a comparison instead of base64, AES-GCM and a JSON parse.
// Only values that opened are cached, so a hit means the very same bytes were
// authenticated before; expiry, client and issuer are checked on every call.
// At most 1024 are held: when full, the expired ones are dropped, or all of
// them when none has expired.
//
// Not checked here: revocation, inactivity or the access token's expiry (the
// caller decides those with the opened session).
#pragma once

#include "core/cookie_seal.h"
#include "core/cookies.h"
#include "core/session.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ssoauth {

enum class SessionStatus {
    Ok,
    Absent,         // no session cookie at all
    Undecryptable,  // tampered, truncated, or sealed under an unlisted passphrase
    Malformed,      // opened, but not a session document
    WrongClient,    // sealed for another issuer or client id
    Expired,        // past its max age
};
const char* session_status_name(SessionStatus);

// Opens and checks the session in the request's cookies.
SessionStatus open_session(const CookieMap& request_cookies, const CookieSettings& settings,
                           const CookieSealer& sealer, std::string_view issuer,
                           std::string_view client_id, int64_t now, SessionPtr* out);
// The same, as a private copy.
SessionStatus open_session(const CookieMap& request_cookies, const CookieSettings& settings,
                           const CookieSealer& sealer, std::string_view issuer,
                           std::string_view client_id, int64_t now, Session* out);

// The same from a raw Cookie request header: only the session cookie is looked
// at (the whole header is parsed only when the session is split into chunks).
SessionStatus open_session_from_header(std::string_view cookie_header, const CookieSettings& settings,
                                       const CookieSealer& sealer, std::string_view issuer,
                                       std::string_view client_id, int64_t now, SessionPtr* out);

// Seals the session and returns its Set-Cookie values (empty when too large).
// The sealed value enters the cache, so the next request that carries it is a hit.
std::vector<std::string> seal_session(const Session& session, const CookieSettings& settings,
                                      const CookieSealer& sealer, const CookieMap& request_cookies);
std::vector<std::string> seal_session(SessionPtr session, const CookieSettings& settings,
                                      const CookieSealer& sealer, const CookieMap& request_cookies);

// How many opened sessions this process holds (for tests and diagnostics):
// at most 1024, and at most 64 MiB of them as estimated from their sealed
// size (8 bytes of session per byte of cookie).
size_t cached_session_count();
size_t cached_session_bytes();

}  // namespace ssoauth
