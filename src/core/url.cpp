#include "core/url.h"

#include <curl/curl.h>

#include <algorithm>

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

}  // namespace ssoauth
