#include "core/cookies.h"

#include <cstring>

namespace ssoauth {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

// No copy: names and values are views into the header. memchr finds each ';'
// and '=' (a sealed session is a long value); this runs on every protected
// request (find_cookie).
bool CookieReader::next(std::string_view* name) {
    const char* const data = header_.data();
    const size_t size = header_.size();
    while (pos_ < size) {
        const size_t begin = pos_;
        size_t end = header_.find(';', begin);
        if (end == std::string_view::npos) end = size;
        pos_ = end + 1;
        const void* eq = std::memchr(data + begin, '=', end - begin);
        if (!eq) continue;  // a pair without '='
        size_t nb = begin, ne = static_cast<size_t>(static_cast<const char*>(eq) - data);
        value_begin_ = ne + 1;
        value_end_ = end;
        while (nb < ne && is_blank(data[nb])) ++nb;
        while (ne > nb && is_blank(data[ne - 1])) --ne;
        if (nb == ne) continue;  // an empty name
        *name = std::string_view(data + nb, ne - nb);
        return true;
    }
    return false;
}

std::string_view CookieReader::value() const {
    const char* const data = header_.data();
    size_t vb = value_begin_, ve = value_end_;
    while (vb < ve && is_blank(data[vb])) ++vb;
    while (ve > vb && is_blank(data[ve - 1])) --ve;
    if (ve - vb >= 2 && data[vb] == '"' && data[ve - 1] == '"') ++vb, --ve;
    return std::string_view(data + vb, ve - vb);
}

void parse_cookie_header(std::string_view header, CookieMap* into) {
    CookieReader reader(header);
    std::string_view name;
    while (reader.next(&name))
        if (into->find(name) == into->end()) into->emplace(std::string(name), std::string(reader.value()));
}

CookieMap parse_cookie_header(std::string_view header) {
    CookieMap cookies;
    parse_cookie_header(header, &cookies);
    return cookies;
}

std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name) {
    // No map and no copy: this runs on every protected request.
    CookieReader reader(header);
    std::string_view n;
    while (reader.next(&n))
        if (n == name) return reader.value();
    return std::nullopt;
}

std::string set_cookie_header(const std::string& name, const std::string& value,
                              const CookieSettings& settings, long max_age) {
    std::string h = name + "=" + value + "; Path=/";
    if (max_age == 0)
        h += "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    else if (max_age > 0)
        h += "; Max-Age=" + std::to_string(max_age);
    h += "; HttpOnly";
    // SameSite=None is only honoured on Secure cookies, and browsers refuse a
    // __Host- or __Secure- cookie without Secure (__Host- also needs Path=/
    // and no Domain, which every cookie here has).
    if (settings.secure || settings.same_site == "None" || name.rfind("__Host-", 0) == 0 ||
        name.rfind("__Secure-", 0) == 0)
        h += "; Secure";
    h += "; SameSite=" + settings.same_site;
    return h;
}

}  // namespace ssoauth
