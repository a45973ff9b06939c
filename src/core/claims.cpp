#include "core/claims.h"

#include "core/json.h"

namespace ssoauth {

const json_t* find_claim(const json_t* claims, const std::string& path) {
    // A claim whose own name contains '.' wins over a nested lookup.
    const json_t* direct = json_object_get(claims, path.c_str());
    if (direct) return direct;
    const json_t* node = claims;
    size_t start = 0;
    while (node && start <= path.size()) {
        size_t dot = path.find('.', start);
        std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        node = json_is_object(node) ? json_object_get(node, part.c_str()) : nullptr;
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return node;
}

std::string claim_value_text(const json_t* value) {
    if (!value || json_is_null(value)) return std::string();
    if (json_is_string(value)) return std::string(json_string_value(value), json_string_length(value));
    if (json_is_array(value)) {
        std::string out;
        size_t i;
        json_t* item;
        json_array_foreach(value, i, item) {
            if (i) out += ',';
            out += json_is_string(item) ? std::string(json_string_value(item)) : json_dump(item);
        }
        return out;
    }
    return json_dump(value);
}

std::string sanitize_header_value(const std::string& value) {
    std::string out;
    out.reserve(value.size());
    const auto* s = reinterpret_cast<const unsigned char*>(value.data());
    const size_t n = value.size();
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c >= 0x20 && c != 0x7f) out += static_cast<char>(c);
            ++i;
            continue;
        }
        // Length and validity of one UTF-8 sequence (RFC 3629: no overlongs, no surrogates).
        size_t len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
        bool ok = len > 0 && i + len <= n;
        for (size_t k = 1; ok && k < len; ++k) ok = (s[i + k] & 0xc0) == 0x80;
        if (ok && len == 3) ok = !(c == 0xe0 && s[i + 1] < 0xa0) && !(c == 0xed && s[i + 1] >= 0xa0);
        if (ok && len == 4) ok = !(c == 0xf0 && s[i + 1] < 0x90) && !(c == 0xf4 && s[i + 1] >= 0x90);
        if (ok) {
            out.append(value, i, len);
            i += len;
        } else {
            out += '?';
            ++i;
        }
    }
    return out;
}

std::string claim_header_name(const std::string& claim) {
    std::string out = "X-SSO-Claim-";
    for (char c : claim) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') out += c;
        else if (c == '_' || c == '.') out += '-';
    }
    return out;
}

std::string claim_variable_name(const std::string& claim) {
    std::string out = "SSO_CLAIM_";
    for (char c : claim) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') out += c;
        else if (c == '-' || c == '.') out += '_';
    }
    return out;
}

std::optional<std::string> without_reserved_tokens(std::string_view connection) {
    std::string kept;
    bool removed = false;
    size_t pos = 0;
    while (pos <= connection.size()) {
        size_t end = connection.find(',', pos);
        if (end == std::string_view::npos) end = connection.size();
        std::string_view token = connection.substr(pos, end - pos);
        pos = end + 1;
        while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
        while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
        if (token.empty()) continue;
        if (is_reserved_header(std::string(token))) {
            removed = true;
            continue;
        }
        if (!kept.empty()) kept += ", ";
        kept.append(token.data(), token.size());
    }
    if (!removed) return std::nullopt;
    return kept;
}

bool is_reserved_header(const std::string& name) {
    if (name.size() < 6) return false;
    static const char prefix[] = "x-sso-";
    for (size_t i = 0; i < 6; ++i) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c == '_') c = '-';
        if (c != prefix[i]) return false;
    }
    return true;
}

void merge_claims(json_t* into, const json_t* from) {
    const char* key;
    json_t* value;
    json_object_foreach(const_cast<json_t*>(from), key, value) json_object_set(into, key, value);
    for (const char* claim : {"nonce", "at_hash", "c_hash"}) json_object_del(into, claim);
}

IdentityExport make_identity_export(const json_t* claims, const std::string& user_claim,
                                    const std::vector<std::string>& pass_claims) {
    IdentityExport out;
    out.remote_user = sanitize_header_value(claim_value_text(find_claim(claims, user_claim)));
    for (const std::string& claim : pass_claims) {
        const json_t* value = find_claim(claims, claim);
        if (!value || json_is_null(value)) continue;
        out.claims.push_back({claim_header_name(claim), claim_variable_name(claim),
                              sanitize_header_value(claim_value_text(value))});
    }
    return out;
}

const std::vector<std::string>& default_pass_claims() {
    static const std::vector<std::string> claims = {"sub", "email", "name", "email_verified", "role"};
    return claims;
}

}  // namespace ssoauth
