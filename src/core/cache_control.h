// Cache-Control for an application's response that carries a resealed
// session Set-Cookie (a transparent refresh or a last-seen touch): a shared
// cache must not store it, or it would hand one user's session to others.
// Not handled here: Expires and Pragma (Cache-Control overrides them for
// HTTP/1.1 caches), Vary, and `private="field"` semantics (treated as not
// forbidding storage, and replaced by a bare `private`).
#pragma once

#include <string>

namespace ssoauth {

// True when `value` (one or more Cache-Control header values, comma-joined)
// already has `no-store` or a bare `private` directive (case-insensitive).
bool forbids_shared_storage(const std::string& value);

// `value` made private: "private" followed by its directives except those a
// shared cache alone acts on (public, s-maxage, proxy-revalidate) and any
// `private="…"`. An empty value gives "private".
std::string make_private(const std::string& value);

}  // namespace ssoauth
