// Query strings: percent-decoding comes from libcurl; this only splits.
#pragma once

#include <map>
#include <string>

namespace ssoauth {

using QueryParams = std::multimap<std::string, std::string>;

// Splits "a=1&b=2" (no leading '?'), decoding '+' as space and %XX escapes.
// A duplicated name yields several entries, so callers can refuse duplicates.
QueryParams parse_query(const std::string& query);

// The single value of `name`. False when it is absent or given more than once.
bool single_param(const QueryParams& params, const std::string& name, std::string* value);

// Appends encoded `query` to `url` with '?' or '&' as fits.
std::string append_query(const std::string& url, const std::string& query);

}  // namespace ssoauth
