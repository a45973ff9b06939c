#include "core/url.h"

#include "core/text.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace ssoauth {

namespace {
std::string decode_component(std::string text) {
    std::replace(text.begin(), text.end(), '+', ' ');
    int length = 0;
    char* decoded = curl_easy_unescape(nullptr, text.c_str(), static_cast<int>(text.size()), &length);
    if (!decoded) return std::string();
    std::string out(decoded, static_cast<size_t>(length));
    curl_free(decoded);
    return out;
}

bool refuse(std::string* why, const char* phrase) {
    if (why) *why = phrase;
    return false;
}

// RFC 3986 3.2.3: port = *DIGIT. Empty means the scheme's default; curl
// refuses numbers above 65535, so they are refused here, at startup, instead.
bool valid_port(std::string_view port) {
    if (port.size() > 5) return false;
    unsigned long value = 0;
    for (char c : port) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<unsigned long>(c - '0');
    }
    return value <= 65535;
}

// host [":" port]; user info is refused because a URL in a configuration or
// a discovery document has no business carrying credentials (and "a@b"
// misleads a reader about which host is meant).
const char* authority_problem(std::string_view authority) {
    if (authority.find('@') != std::string_view::npos) return "has user info";
    std::string_view host = authority, port;
    if (!authority.empty() && authority.front() == '[') {
        const size_t close = authority.find(']');
        if (close == std::string_view::npos) return "has an IP literal without ']'";
        host = authority.substr(1, close - 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty() && after.front() != ':') return "has text after its IP literal";
        if (!after.empty()) port = after.substr(1);
    } else {
        const size_t colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    if (host.empty()) return "has no host";
    if (!valid_port(port)) return "has a port that is not a number up to 65535";
    return nullptr;
}

}  // namespace

QueryParams parse_query(const std::string& query) {
    QueryParams params;
    size_t pos = 0;
    while (pos <= query.size()) {
        size_t end = query.find('&', pos);
        if (end == std::string::npos) end = query.size();
        if (end > pos) {
            std::string pair = query.substr(pos, end - pos);
            size_t eq = pair.find('=');
            std::string name = decode_component(pair.substr(0, eq));
            std::string value = eq == std::string::npos ? std::string() : decode_component(pair.substr(eq + 1));
            params.emplace(std::move(name), std::move(value));
        }
        pos = end + 1;
    }
    return params;
}

bool single_param(const QueryParams& params, const std::string& name, std::string* value) {
    if (params.count(name) != 1) return false;
    *value = params.find(name)->second;
    return true;
}

std::string append_query(const std::string& url, const std::string& query) {
    if (query.empty()) return url;
    return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

bool is_https_url(std::string_view url) { return istarts_with(url, "https://"); }

bool is_http_url(std::string_view url, const HttpUrlRules& rules, std::string* why) {
    size_t authority_start;
    if (istarts_with(url, "https://")) authority_start = 8;
    else if (istarts_with(url, "http://")) authority_start = 7;
    else return refuse(why, "is not an absolute http(s) URL");
    for (unsigned char c : url)
        if (c <= 0x20 || c == 0x7f) return refuse(why, "has a blank or control character");
    if (url.find('#') != std::string_view::npos) return refuse(why, "has a fragment");
    const size_t authority_end = url.find_first_of("/?", authority_start);
    const std::string_view authority = url.substr(
        authority_start, authority_end == std::string_view::npos ? std::string_view::npos
                                                                 : authority_end - authority_start);
    if (const char* problem = authority_problem(authority)) return refuse(why, problem);
    if (!rules.allow_query && url.find('?') != std::string_view::npos) return refuse(why, "has a query");
    if (rules.require_https && authority_start != 8) return refuse(why, "is plain http where https is required");
    return true;
}

}  // namespace ssoauth
