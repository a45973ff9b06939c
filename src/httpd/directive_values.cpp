#include "httpd/directive_values.h"

#include "core/text.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace ssoauth {
namespace httpd {

namespace {

// Both readings of a whole number; `unit` is " of seconds" or "".
std::string parse_whole(const char* value, Range range, const char* unit, int* out) {
    char* end = nullptr;
    const long n = std::strtol(value, &end, 10);
    if (!*value || *end || n < range.low || n > range.high)
        return "'" + std::string(value) + "' is not a whole number" + unit + " from " + std::to_string(range.low) +
               " to " + std::to_string(range.high);
    *out = static_cast<int>(n);
    return std::string();
}

std::string read_secret_file(const std::string& path, const char* as_written, std::string* secret) {
    const std::string cannot = std::string("cannot read ") + as_written;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(path.empty() ? nullptr : std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file) return cannot;
    char buffer[kMaxSecretFileBytes];
    size_t length = std::fread(buffer, 1, sizeof(buffer), file.get());
    if (std::ferror(file.get())) return cannot;
    // Editors end a file with a newline; it is not part of the secret.
    while (length > 0 && (buffer[length - 1] == '\n' || buffer[length - 1] == '\r')) --length;
    secret->assign(buffer, length);
    return std::string();
}

}  // namespace

std::string parse_seconds(const char* value, Range range, int* out) {
    return parse_whole(value, range, " of seconds", out);
}

std::string parse_seconds_or_off(const char* value, Range range, int* out) {
    if (iequals(value, "Off")) {
        *out = 0;
        return std::string();
    }
    return parse_seconds(value, range, out);
}

std::string parse_count(const char* value, Range range, int* out) { return parse_whole(value, range, "", out); }

std::string choose(const char* value, const Choice* choices, size_t count, int* out) {
    std::string words;
    for (size_t i = 0; i < count; ++i) {
        if (iequals(value, choices[i].word)) {
            *out = choices[i].value;
            return std::string();
        }
        words += (words.empty() ? "" : ", ") + std::string(choices[i].word);
    }
    return "'" + std::string(value) + "' is not one of " + words;
}

std::string resolve_secret(const char* value, const std::function<std::string(const char*)>& path_of,
                           std::string* secret) {
    // "file:<path>" and "env:<NAME>" keep secrets out of httpd.conf.
    if (std::strncmp(value, "env:", 4) == 0) {
        const char* found = std::getenv(value + 4);
        if (!found || !*found)
            return std::string("environment variable ") + (value + 4) + " is not set or empty";
        *secret = found;
        return std::string();
    }
    if (std::strncmp(value, "file:", 5) == 0) return read_secret_file(path_of(value + 5), value + 5, secret);
    *secret = value;
    return std::string();
}

std::string parse_endpoint_base(const char* value, std::string* out) {
    std::string base(value);
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    if (base.empty() || base[0] != '/' || base.size() < 2 || base.find_first_of("?#%\\ ") != std::string::npos)
        return "must be a path such as /api/auth";
    *out = base;
    return std::string();
}

bool is_local_path(const char* value) {
    return value[0] == '/' && value[1] != '/' && !std::strpbrk(value, " \t\r\n\\");
}

std::string check_cookie_prefix(const char* value) {
    const size_t n = std::strlen(value);
    if (n == 0 || n > kMaxCookiePrefixBytes ||
        std::strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != n)
        return "must be 1 to " + std::to_string(kMaxCookiePrefixBytes) + " characters of A-Z a-z 0-9 _ -";
    return std::string();
}

std::string check_scope(const char* value) {
    const std::string scopes = std::string(" ") + value + " ";
    return scopes.find(" openid ") == std::string::npos ? "must include 'openid'" : std::string();
}

std::string check_claim_name(const char* value) {
    if (!*value || std::strpbrk(value, " \t\r\n:")) return "'" + std::string(value) + "' is not a claim name";
    return std::string();
}

}  // namespace httpd
}  // namespace ssoauth
