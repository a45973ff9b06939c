// ASCII case-insensitive comparison, the one the module uses for protocol
// words that are case-insensitive (token_type "Bearer", typ "at+jwt",
// alg "none", URL schemes, Cache-Control directives, AuthType names).
//
// Only A-Z and a-z are folded, whatever the locale: protocol words are ASCII,
// and a byte outside ASCII compares equal only to itself.
#pragma once

#include <string_view>

namespace ssoauth {

// True when `a` and `b` are the same text but for ASCII letter case.
bool iequals(std::string_view a, std::string_view b);

// True when `text` begins with `prefix`, ignoring ASCII letter case.
bool istarts_with(std::string_view text, std::string_view prefix);

// True when `needle` occurs in `text`, ignoring ASCII letter case.
bool icontains(std::string_view text, std::string_view needle);

}  // namespace ssoauth
