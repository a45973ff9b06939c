#include "core/cache_control.h"

#include <cctype>

#include <vector>

namespace ssoauth {

namespace {

std::string trim(const std::string& s) {
    const size_t begin = s.find_first_not_of(" \t");
    if (begin == std::string::npos) return "";
    return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

// Directives split at commas outside quoted strings (`private="a, b"` is one).
std::vector<std::string> directives(const std::string& value) {
    std::vector<std::string> out;
    std::string current;
    bool quoted = false;
    for (char c : value) {
        if (c == '"') quoted = !quoted;
        if (c == ',' && !quoted) {
            out.push_back(trim(current));
            current.clear();
        } else {
            current += c;
        }
    }
    out.push_back(trim(current));
    return out;
}

// The directive's name, lower-case (what precedes '=').
std::string name_of(const std::string& directive) {
    std::string name = trim(directive.substr(0, directive.find('=')));
    for (char& c : name) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    return name;
}

}  // namespace

bool forbids_shared_storage(const std::string& value) {
    for (const std::string& d : directives(value)) {
        const std::string name = name_of(d);
        // private="Set-Cookie" would do, but a bare private is what we can rely on.
        if (name == "no-store" || (name == "private" && d.find('=') == std::string::npos)) return true;
    }
    return false;
}

std::string make_private(const std::string& value) {
    std::string out = "private";
    for (const std::string& d : directives(value)) {
        const std::string name = name_of(d);
        // Directives only a shared cache reads would contradict `private`.
        if (name.empty() || name == "public" || name == "private" || name == "s-maxage" ||
            name == "proxy-revalidate")
            continue;
        out += ", " + d;
    }
    return out;
}

}  // namespace ssoauth
