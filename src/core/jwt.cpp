#include "core/jwt.h"

#include "core/base64url.h"
#include "core/text.h"

#include <optional>
#include <utility>
#include <vector>

namespace ssoauth {

namespace {

// Decodes one base64url part into a JSON object, or null.
JsonPtr decode_object(const std::string& part) {
    if (part.empty()) return nullptr;
    std::optional<std::string> text = base64url_decode(part);
    if (!text) return nullptr;
    JsonPtr value = json_parse(*text);
    if (!value || !json_is_object(value.get())) return nullptr;
    return value;
}

}  // namespace

const std::set<std::string>& supported_signing_algs() {
    static const std::set<std::string> algs = {"EdDSA", "RS256", "RS384", "RS512", "PS256",
                                               "PS384", "PS512", "ES256", "ES384", "ES512"};
    return algs;
}

TokenStatus parse_jwt(const std::string& compact, Jwt* out) {
    *out = Jwt();
    if (compact.size() > kMaxJwtBytes) return TokenStatus::Malformed;
    const size_t dot1 = compact.find('.');
    if (dot1 == std::string::npos) return TokenStatus::Malformed;
    const size_t dot2 = compact.find('.', dot1 + 1);
    if (dot2 == std::string::npos || compact.find('.', dot2 + 1) != std::string::npos)
        return TokenStatus::Malformed;

    Jwt jwt;
    jwt.header = decode_object(compact.substr(0, dot1));
    if (!jwt.header) return TokenStatus::Malformed;
    jwt.payload = decode_object(compact.substr(dot1 + 1, dot2 - dot1 - 1));
    if (!jwt.payload) return TokenStatus::Malformed;
    std::optional<std::string> signature = base64url_decode(compact.substr(dot2 + 1));
    if (!signature) return TokenStatus::Malformed;

    const json_t* alg = json_object_get(jwt.header.get(), "alg");
    if (!json_is_string(alg) || json_string_length(alg) == 0) return TokenStatus::HeaderBadAlg;
    const json_t* kid = json_object_get(jwt.header.get(), "kid");
    if (kid && !json_is_string(kid)) return TokenStatus::HeaderBadKid;
    const json_t* typ = json_object_get(jwt.header.get(), "typ");
    if (typ && !json_is_string(typ)) return TokenStatus::HeaderBadTyp;
    if (json_object_get(jwt.header.get(), "crit")) return TokenStatus::HeaderCritUnsupported;

    jwt.alg.assign(json_string_value(alg), json_string_length(alg));
    if (kid) jwt.kid.assign(json_string_value(kid), json_string_length(kid));
    if (typ) jwt.typ.assign(json_string_value(typ), json_string_length(typ));
    jwt.signing_input = compact.substr(0, dot2);
    jwt.signature = std::move(*signature);
    *out = std::move(jwt);
    return TokenStatus::Ok;
}

TokenStatus verify_jwt_signature(const Jwt& jwt, const JwkSet& keys,
                                 const std::set<std::string>& allowed_algs) {
    if (iequals(jwt.alg, "none")) return TokenStatus::AlgNone;
    if (!supported_signing_algs().count(jwt.alg) || !allowed_algs.count(jwt.alg))
        return TokenStatus::AlgNotAllowed;

    std::vector<const JsonWebKey*> candidates;
    if (!jwt.kid.empty()) {
        bool kid_known = false;
        for (const auto& key : keys.keys()) {
            if (key->kid() != jwt.kid) continue;
            kid_known = true;
            if (key->suits(jwt.alg)) candidates.push_back(key.get());
        }
        if (!kid_known) return TokenStatus::UnknownKid;
        if (candidates.empty()) return TokenStatus::KeyAlgMismatch;
    } else {
        for (const auto& key : keys.keys())
            if (key->suits(jwt.alg)) candidates.push_back(key.get());
        if (candidates.empty()) return TokenStatus::UnknownKid;
        if (candidates.size() > 1) return TokenStatus::KidMissing;
    }

    // Normally one candidate; a set may (wrongly) repeat a kid, so try each.
    for (const JsonWebKey* key : candidates)
        if (key->verify(jwt.alg, jwt.signing_input, jwt.signature)) return TokenStatus::Ok;
    return TokenStatus::BadSignature;
}

}  // namespace ssoauth
