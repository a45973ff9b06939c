#include "core/session_cookies.h"

#include "core/cookie_seal.h"

#include <cstdlib>

namespace ssoauth {

namespace {

std::string chunk_name(const std::string& base, size_t index) { return base + "_" + std::to_string(index); }

}  // namespace

std::string session_cookie_name(const CookieSettings& settings) { return settings.prefix + "_session"; }

std::vector<std::string> write_session_cookies(const std::string& sealed, const CookieSettings& settings,
                                               const CookieMap& request_cookies) {
    const std::string base = session_cookie_name(settings);
    std::vector<std::string> chunks = split_cookie_chunks(sealed);
    std::vector<std::string> headers;
    if (chunks.empty()) return headers;
    if (chunks.size() == 1) {
        headers.push_back(set_cookie_header(base, chunks[0], settings, -1));
    } else {
        const std::string marker = std::string(kChunkMarker) + std::to_string(chunks.size());
        headers.push_back(set_cookie_header(base, marker, settings, -1));
        for (size_t i = 0; i < chunks.size(); ++i)
            headers.push_back(set_cookie_header(chunk_name(base, i), chunks[i], settings, -1));
    }
    // Delete chunks a larger, earlier session left behind.
    size_t keep = chunks.size() == 1 ? 0 : chunks.size();
    for (size_t i = keep; i < kMaxCookieChunks; ++i)
        if (request_cookies.count(chunk_name(base, i)))
            headers.push_back(set_cookie_header(chunk_name(base, i), "", settings, 0));
    return headers;
}

std::optional<std::string> read_session_cookie(const CookieMap& request_cookies, const CookieSettings& settings) {
    const std::string base = session_cookie_name(settings);
    auto it = request_cookies.find(base);
    if (it == request_cookies.end() || it->second.empty()) return std::nullopt;
    const std::string& value = it->second;
    if (!is_chunk_marker(value)) return value;
    long count = std::strtol(value.c_str() + kChunkMarker.size(), nullptr, 10);
    if (count < 2 || count > static_cast<long>(kMaxCookieChunks)) return std::string();  // opens as garbage
    std::string joined;
    for (long i = 0; i < count; ++i) {
        auto chunk = request_cookies.find(chunk_name(base, static_cast<size_t>(i)));
        if (chunk == request_cookies.end()) return std::string();  // a missing chunk: undecryptable
        joined += chunk->second;
    }
    return joined;
}

std::vector<std::string> clear_session_cookies(const CookieMap& request_cookies, const CookieSettings& settings) {
    const std::string base = session_cookie_name(settings);
    std::vector<std::string> headers;
    if (request_cookies.count(base)) headers.push_back(set_cookie_header(base, "", settings, 0));
    for (size_t i = 0; i < kMaxCookieChunks; ++i)
        if (request_cookies.count(chunk_name(base, i)))
            headers.push_back(set_cookie_header(chunk_name(base, i), "", settings, 0));
    return headers;
}

}  // namespace ssoauth
