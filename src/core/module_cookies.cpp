#include "core/module_cookies.h"

#include <cstring>

namespace ssoauth {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// The name of one "name=value" piece as CookieReader reads it; "" without '='.
std::string_view name_of(std::string_view piece) {
    const size_t eq = piece.find('=');
    return eq == std::string_view::npos ? std::string_view() : trimmed(piece.substr(0, eq));
}

}  // namespace

bool is_module_cookie(std::string_view name, std::string_view prefix) {
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return false;
    std::string_view rest = name.substr(prefix.size());
    constexpr std::string_view kSession = "_session", kState = "_state_";
    if (rest.compare(0, kState.size(), kState) == 0) return true;
    if (rest.compare(0, kSession.size(), kSession) != 0) return false;
    rest.remove_prefix(kSession.size());
    return rest.empty() || (rest.front() == '_' && all_digits(rest.substr(1)));
}

// Runs on every request of a location that strips: the common case (no
// module cookie, e.g. bearer mode or an unprotected path) is one substring
// search and no allocation.
std::optional<std::string> without_module_cookies(std::string_view header, std::string_view prefix) {
    if (header.find(prefix) == std::string_view::npos) return std::nullopt;
    std::string out;
    bool removed = false;
    size_t pos = 0;
    while (pos <= header.size()) {
        size_t end = header.find(';', pos);
        if (end == std::string_view::npos) end = header.size();
        const std::string_view piece = trimmed(header.substr(pos, end - pos));
        pos = end + 1;
        if (piece.empty()) continue;
        if (is_module_cookie(name_of(piece), prefix)) {
            removed = true;
            continue;
        }
        if (!out.empty()) out += "; ";
        out.append(piece.data(), piece.size());
    }
    if (!removed) return std::nullopt;
    return out;
}

}  // namespace ssoauth
