#include "core/base64url.h"

#include <cjose/base64.h>
#include <cjose/util.h>

namespace ssoauth {

std::string base64url_encode(const unsigned char* bytes, size_t length) {
    char* out = nullptr;
    size_t out_len = 0;
    cjose_err err;
    if (!cjose_base64url_encode(bytes, length, &out, &out_len, &err)) return std::string();
    std::string result(out, out_len);
    cjose_get_dealloc()(out);
    return result;
}

std::string base64url_encode(const std::string& bytes) {
    return base64url_encode(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

std::optional<std::string> base64url_decode(const std::string& text) {
    // cjose accepts '=' padding and the standard alphabet's '+' and '/'; JOSE does not.
    for (char c : text) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        if (!ok) return std::nullopt;
    }
    if (text.size() % 4 == 1) return std::nullopt;
    if (text.empty()) return std::string();
    uint8_t* out = nullptr;
    size_t out_len = 0;
    cjose_err err;
    if (!cjose_base64url_decode(text.data(), text.size(), &out, &out_len, &err)) return std::nullopt;
    std::string result(reinterpret_cast<char*>(out), out_len);
    cjose_get_dealloc()(out);
    return result;
}

}  // namespace ssoauth
