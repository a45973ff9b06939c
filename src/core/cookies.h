// Cookies on the wire: reading a Cookie request header and writing a
// Set-Cookie value. One tokenizer (CookieReader) reads the header for both
// the whole-map parse and the single-name lookup, so they cannot disagree.
//
// The reading (RFC 6265 5.4, leniently): pairs are split on ';'; a pair
// without '=' or with an empty name is skipped; blanks (space, tab) around
// names and values are removed; a value in double quotes loses them; the
// first pair of a name wins. Not checked: the characters of names and values
// (RFC 6265 cookie-octet), percent-encoding, or the header's size.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ssoauth {

// Ordered by name; looked up by std::string_view as well (transparent comparison).
using CookieMap = std::map<std::string, std::string, std::less<>>;

// The name=value pairs of a Cookie header, in order, as views into it.
class CookieReader {
public:
    explicit CookieReader(std::string_view header) : header_(header) {}
    // Moves to the next well-formed pair and gives its name; false when the
    // header has no more.
    bool next(std::string_view* name);
    // The value of the pair next() moved to (read only when asked: a lookup
    // skips the values of the pairs it does not want).
    std::string_view value() const;

private:
    std::string_view header_;
    size_t pos_ = 0;
    size_t value_begin_ = 0, value_end_ = 0;  // the current pair's value, blanks and quotes included
};

// Parses a Cookie request header ("a=1; b=2"). The first occurrence of a name wins.
CookieMap parse_cookie_header(std::string_view header);
// The same, adding to `into` the names it does not hold yet (for several Cookie headers).
void parse_cookie_header(std::string_view header, CookieMap* into);
// The value of one cookie (the first of that name), as a view into `header`.
std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name);

struct CookieSettings {
    std::string prefix = "ssoauth";
    bool secure = false;
    std::string same_site = "Lax";  // Lax, Strict or None
};

// A Set-Cookie value: Path=/, never Domain, HttpOnly, SameSite as configured,
// Secure when configured, with SameSite=None, or for a name starting with
// "__Host-" or "__Secure-" (which browsers accept only with Secure). max_age < 0: a browser-session cookie; 0: delete it.
// Not checked: that name and value are valid cookie octets (callers pass
// base64url or fixed names).
std::string set_cookie_header(const std::string& name, const std::string& value,
                              const CookieSettings& settings, long max_age);

}  // namespace ssoauth
