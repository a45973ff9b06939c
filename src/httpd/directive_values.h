// The values of the module's directives, read without httpd: whole numbers,
// durations, fixed words, secrets given as file:/env:, paths and names.
// Each function returns "" when the value is valid (and sets *out), or the
// reason it is not; config.cpp's setters put the directive's name in front,
// so a bad value fails `apachectl -t` with "<Directive>: <reason>".
//
// Plain C++ with no httpd header (it is compiled without them), so it is
// unit-tested. Not here: absolute URLs (config.cpp checks them with
// apr_uri_parse), the CA bundle's existence, the directive's context, and the
// passphrase rules (CookieSealer::create).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace ssoauth {
namespace httpd {

// Inclusive bounds of a whole-number setting.
struct Range {
    int low, high;
};

// A whole number of seconds within `range` (as strtol reads it: leading blanks and a sign are allowed).
std::string parse_seconds(const char* value, Range range, int* out);
// "Off" (any letter case) as 0, otherwise as parse_seconds.
std::string parse_seconds_or_off(const char* value, Range range, int* out);
// A whole number within `range` (a count or a size).
std::string parse_count(const char* value, Range range, int* out);

// One of a fixed set of words, in any letter case.
struct Choice {
    const char* word;
    int value;
};
std::string choose(const char* value, const Choice* choices, size_t count, int* out);
template <size_t N>
std::string choose(const char* value, const Choice (&choices)[N], int* out) {
    return choose(value, choices, N, out);
}

// A secret as a directive gives it: "env:<NAME>" (that environment variable,
// which must be set and not empty), "file:<path>" (the file's first
// kMaxSecretFileBytes bytes, trailing CR and LF removed), or the value itself.
// `path_of` turns the path as written into the one to open (httpd: relative
// to the ServerRoot), or "" when it cannot. Not checked: that the secret is
// not empty, or long enough (the setters decide).
constexpr size_t kMaxSecretFileBytes = 4096;
std::string resolve_secret(const char* value, const std::function<std::string(const char*)>& path_of,
                           std::string* secret);

// SSOAuthEndpointBase: a path such as /api/auth; trailing '/' removed.
std::string parse_endpoint_base(const char* value, std::string* out);
// A local path for a redirect: "/..." but not "//..." (another host), no blank or '\'.
bool is_local_path(const char* value);
// SSOAuthCookieName: 1 to kMaxCookiePrefixBytes characters of A-Z a-z 0-9 _ -.
constexpr size_t kMaxCookiePrefixBytes = 64;
std::string check_cookie_prefix(const char* value);
// SSOAuthScope: space-separated, with "openid" among them.
std::string check_scope(const char* value);
// A claim name (SSOAuthPassClaims): not empty, no blank and no ':'.
std::string check_claim_name(const char* value);

}  // namespace httpd
}  // namespace ssoauth
