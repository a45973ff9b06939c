// Query strings and absolute http(s) URLs: percent-decoding comes from
// libcurl; this splits queries and checks the shape of URLs without fetching them.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace ssoauth {

using QueryParams = std::multimap<std::string, std::string>;

// Splits "a=1&b=2" (no leading '?'), decoding '+' as space and %XX escapes.
// A duplicated name yields several entries, so callers can refuse duplicates.
QueryParams parse_query(const std::string& query);

// The single value of `name`. False when it is absent or given more than once.
bool single_param(const QueryParams& params, const std::string& name, std::string* value);

// Appends encoded `query` to `url` with '?' or '&' as fits.
std::string append_query(const std::string& url, const std::string& query);

// What else an http(s) URL may be, beyond the shape is_http_url always demands.
struct HttpUrlRules {
    bool allow_query = true;     // a '?' and what follows it
    bool require_https = false;  // false also accepts plain http
};

// True when `url` is an absolute http:// or https:// URL (scheme in any
// letter case) with a host (a name, IPv4, or an IP literal in brackets), an
// optional port of at most 65535, no user info ('@'), no fragment ('#'), no
// byte <= 0x20 or 0x7f anywhere, and a query or plain http only as `rules`
// allow. On false, *why (optional) is a phrase such as "has a fragment", to
// follow the URL's name in a message.
// Not checked: percent-encoding, the characters of the host and path, IDNA,
// that the host resolves or answers.
bool is_http_url(std::string_view url, const HttpUrlRules& rules, std::string* why = nullptr);

// True when `url` starts with "https://" in any letter case.
bool is_https_url(std::string_view url);

}  // namespace ssoauth
