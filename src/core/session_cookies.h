// The cookies that carry a sealed session: one "<prefix>_session" cookie, or,
// when the sealed value is larger than one cookie, a marker
// "<prefix>_session=chunks.<n>" and the chunks "<prefix>_session_0".."_<n-1>".
// Writing removes chunks a larger, earlier session left behind.
//
// Not checked here: the sealed value itself (session_cache.h opens it).
#pragma once

#include "core/cookies.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ssoauth {

// "<prefix>_session".
std::string session_cookie_name(const CookieSettings& settings);

// The first cookie value of a chunked session says how many chunks follow.
// Never a sealed value: base64url has no '.'.
constexpr std::string_view kChunkMarker = "chunks.";
// True when a session cookie's value is the chunk marker, not a sealed value.
inline bool is_chunk_marker(std::string_view value) { return value.substr(0, kChunkMarker.size()) == kChunkMarker; }

// The Set-Cookie values that store `sealed` (chunked when large) and remove any
// stale chunk the browser still holds. Empty if the value needs too many chunks.
std::vector<std::string> write_session_cookies(const std::string& sealed, const CookieSettings& settings,
                                               const CookieMap& request_cookies);
// The sealed value reassembled from the request's cookies, if there is one.
// A marker with a bad count or a missing chunk reads as "" (which opens as garbage).
std::optional<std::string> read_session_cookie(const CookieMap& request_cookies, const CookieSettings& settings);
// The Set-Cookie values that delete every session cookie and chunk the request holds.
std::vector<std::string> clear_session_cookies(const CookieMap& request_cookies, const CookieSettings& settings);

}  // namespace ssoauth
