#include "core/jwt_validator.h"

#include "core/base64url.h"
#include "core/text.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace ssoauth {

namespace {

const char kBackchannelLogoutEvent[] = "http://schemas.openid.net/event/backchannel-logout";

enum class Member { Absent, Invalid, Present };

// A NumericDate claim (integer or real seconds; reals are floored).
Member numeric_date(const json_t* payload, const char* name, int64_t* out) {
    const json_t* value = json_object_get(payload, name);
    if (!value) return Member::Absent;
    if (json_is_integer(value)) {
        *out = static_cast<int64_t>(json_integer_value(value));
        return Member::Present;
    }
    if (json_is_real(value)) {
        double d = std::floor(json_real_value(value));
        if (!std::isfinite(d) || d < -9.0e18 || d > 9.0e18) return Member::Invalid;
        *out = static_cast<int64_t>(d);
        return Member::Present;
    }
    return Member::Invalid;
}

// A string claim.
Member string_claim(const json_t* payload, const char* name, std::string* out) {
    const json_t* value = json_object_get(payload, name);
    if (!value) return Member::Absent;
    if (!json_is_string(value)) return Member::Invalid;
    out->assign(json_string_value(value), json_string_length(value));
    return Member::Present;
}

TokenStatus check_audience(const json_t* payload, const std::string& audience) {
    const json_t* aud = json_object_get(payload, "aud");
    if (!aud) return TokenStatus::MissingClaim;
    if (json_is_string(aud))
        return !audience.empty() && audience == json_string_value(aud) ? TokenStatus::Ok
                                                                       : TokenStatus::AudienceMismatch;
    if (!json_is_array(aud)) return TokenStatus::ClaimInvalid;
    bool found = false;
    size_t i;
    json_t* entry;
    json_array_foreach(aud, i, entry) {
        if (!json_is_string(entry)) return TokenStatus::ClaimInvalid;
        if (!audience.empty() && audience == json_string_value(entry)) found = true;
    }
    return found ? TokenStatus::Ok : TokenStatus::AudienceMismatch;
}

const EVP_MD* at_hash_digest(const std::string& alg) {
    if (alg == "EdDSA") return EVP_sha512();  // Ed25519 hashes with SHA-512
    if (!supported_signing_algs().count(alg)) return nullptr;
    const std::string bits = alg.substr(2);
    if (bits == "256") return EVP_sha256();
    if (bits == "384") return EVP_sha384();
    if (bits == "512") return EVP_sha512();
    return nullptr;
}

// aud has more than one entry.
bool multiple_audiences(const json_t* payload) {
    const json_t* aud = json_object_get(payload, "aud");
    return json_is_array(aud) && json_array_size(aud) > 1;
}

}  // namespace

TokenStatus validate_claims(const json_t* payload, const ClaimChecks& checks) {
    if (!json_is_object(payload)) return TokenStatus::Malformed;
    const int64_t skew = std::max<int64_t>(checks.skew, 0);

    std::string iss;
    switch (string_claim(payload, "iss", &iss)) {
        case Member::Absent: return TokenStatus::MissingClaim;
        case Member::Invalid: return TokenStatus::ClaimInvalid;
        case Member::Present: break;
    }
    if (checks.issuer.empty() || iss != checks.issuer) return TokenStatus::IssuerMismatch;

    TokenStatus status = check_audience(payload, checks.audience);
    if (status != TokenStatus::Ok) return status;

    // Written so that nothing overflows whatever the token says.
    int64_t exp = 0;
    switch (numeric_date(payload, "exp", &exp)) {
        case Member::Absent: return TokenStatus::MissingClaim;
        case Member::Invalid: return TokenStatus::ClaimInvalid;
        case Member::Present: break;
    }
    if (checks.now - skew >= exp) return TokenStatus::Expired;

    int64_t nbf = 0;
    switch (numeric_date(payload, "nbf", &nbf)) {
        case Member::Absent: break;
        case Member::Invalid: return TokenStatus::ClaimInvalid;
        case Member::Present:
            if (nbf > checks.now + skew) return TokenStatus::NotYetValid;
            break;
    }

    int64_t iat = 0;
    switch (numeric_date(payload, "iat", &iat)) {
        case Member::Absent:
            if (checks.require_iat) return TokenStatus::MissingClaim;
            break;
        case Member::Invalid: return TokenStatus::ClaimInvalid;
        case Member::Present:
            if (iat > checks.now + skew) return TokenStatus::IssuedInFuture;
            break;
    }

    std::string sub;
    switch (string_claim(payload, "sub", &sub)) {
        case Member::Absent:
            if (checks.require_sub) return TokenStatus::SubjectMissing;
            break;
        case Member::Invalid: return TokenStatus::ClaimInvalid;
        case Member::Present:
            if (sub.empty() && checks.require_sub) return TokenStatus::SubjectMissing;
            break;
    }
    return TokenStatus::Ok;
}

std::string compute_at_hash(const std::string& alg, const std::string& access_token) {
    const EVP_MD* md = at_hash_digest(alg);
    if (!md) return std::string();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(access_token.data(), access_token.size(), digest, &length, md, nullptr) != 1)
        return std::string();
    return base64url_encode(digest, length / 2);
}

TokenStatus validate_id_token(const Jwt& jwt, const JwkSet& keys, const IdTokenChecks& checks) {
    TokenStatus status = verify_jwt_signature(jwt, keys, checks.allowed_algs);
    if (status != TokenStatus::Ok) return status;

    const std::string& typ = jwt.typ;
    if (iequals(typ, "logout+jwt") || iequals(typ, "application/logout+jwt") || iequals(typ, "at+jwt") ||
        iequals(typ, "application/at+jwt"))
        return TokenStatus::TypMismatch;

    ClaimChecks claims = checks.claims;
    claims.audience = checks.client_id;
    claims.require_iat = true;
    claims.require_sub = true;
    status = validate_claims(jwt.payload.get(), claims);
    if (status != TokenStatus::Ok) return status;

    const json_t* payload = jwt.payload.get();
    std::string azp;
    switch (string_claim(payload, "azp", &azp)) {
        case Member::Absent:
            if (multiple_audiences(payload)) return TokenStatus::AzpMissing;
            break;
        case Member::Invalid: return TokenStatus::ClaimInvalid;
        case Member::Present:
            if (azp != checks.client_id) return TokenStatus::AzpMismatch;
            break;
    }

    if (!checks.nonce.empty()) {
        std::string nonce;
        switch (string_claim(payload, "nonce", &nonce)) {
            case Member::Absent: return TokenStatus::NonceMissing;
            case Member::Invalid: return TokenStatus::NonceMismatch;
            case Member::Present:
                if (nonce != checks.nonce) return TokenStatus::NonceMismatch;
                break;
        }
    }

    std::string at_hash;
    switch (string_claim(payload, "at_hash", &at_hash)) {
        case Member::Absent: break;
        case Member::Invalid: return TokenStatus::ClaimInvalid;
        case Member::Present:
            if (!checks.access_token.empty() &&
                at_hash != compute_at_hash(jwt.alg, checks.access_token))
                return TokenStatus::AtHashMismatch;
            break;
    }
    return TokenStatus::Ok;
}

TokenStatus validate_logout_token(const Jwt& jwt, const JwkSet& keys,
                                  const LogoutTokenChecks& checks) {
    TokenStatus status = verify_jwt_signature(jwt, keys, checks.allowed_algs);
    if (status != TokenStatus::Ok) return status;

    const std::string& typ = jwt.typ;
    if (!typ.empty() && !iequals(typ, "logout+jwt") && !iequals(typ, "application/logout+jwt") && !iequals(typ, "jwt"))
        return TokenStatus::TypMismatch;

    ClaimChecks claims = checks.claims;
    claims.audience = checks.client_id;
    claims.require_iat = true;
    claims.require_sub = false;
    status = validate_claims(jwt.payload.get(), claims);
    if (status != TokenStatus::Ok) return status;

    const json_t* payload = jwt.payload.get();
    const json_t* events = json_object_get(payload, "events");
    if (!json_is_object(json_object_get(events, kBackchannelLogoutEvent)))
        return TokenStatus::EventsMissing;

    std::string sub, sid;
    const Member sub_member = string_claim(payload, "sub", &sub);
    const Member sid_member = string_claim(payload, "sid", &sid);
    if (sub_member == Member::Invalid || sid_member == Member::Invalid) return TokenStatus::ClaimInvalid;
    if (sub.empty() && sid.empty()) return TokenStatus::SubjectMissing;

    std::string jti;
    switch (string_claim(payload, "jti", &jti)) {
        case Member::Absent: return TokenStatus::JtiMissing;
        case Member::Invalid: return TokenStatus::ClaimInvalid;
        case Member::Present:
            if (jti.empty()) return TokenStatus::JtiMissing;
            break;
    }

    if (json_object_get(payload, "nonce")) return TokenStatus::NonceForbidden;
    return TokenStatus::Ok;
}

}  // namespace ssoauth
