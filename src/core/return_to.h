// Where a browser may be sent after sign-in or sign-out: only a path on this
// origin. Everything else (other hosts, scheme-relative URLs, backslash tricks,
// control characters) falls back to "/".
#pragma once

#include <string>

#include "core/url.h"

namespace ssoauth {

// True when `target` (already percent-decoded once, as a query parser gives it)
// is a same-origin absolute path: it starts with exactly one '/', contains no
// backslash, no control character, no space, and is at most 2048 bytes.
bool is_safe_return_to(const std::string& target);

// `target` when it is safe, otherwise `fallback` (itself assumed safe).
std::string safe_return_to(const std::string& target, const std::string& fallback = "/");

// The safe target a login, refresh or sign-in request names: its single
// `returnTo` parameter, else its single `callbackUrl` (what Better Auth's
// clients send), else "/".
std::string return_to_of(const QueryParams& params);

}  // namespace ssoauth
