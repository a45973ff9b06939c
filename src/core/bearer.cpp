#include "core/bearer.h"

#include "core/digest.h"
#include "core/jwt_validator.h"
#include "core/text.h"

#include <map>
#include <tuple>

namespace ssoauth {


std::string bearer_token_of(const std::string& authorization) {
    if (authorization.size() < 8 || !istarts_with(authorization, "Bearer ")) return std::string();
    size_t start = authorization.find_first_not_of(' ', 7);
    if (start == std::string::npos) return std::string();
    std::string token = authorization.substr(start);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.pop_back();
    return token.find_first_of(" \t,") == std::string::npos ? token : std::string();
}

BearerVerifier::BearerVerifier(std::shared_ptr<Provider> provider, std::string audience, int64_t skew,
                               size_t max_entries)
    : provider_(std::move(provider)), audience_(std::move(audience)), skew_(skew), max_entries_(max_entries) {}

size_t BearerVerifier::cached() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return cache_.size();
}

TokenStatus BearerVerifier::verify(const std::string& token, int64_t now, SharedClaims* claims,
                                   bool* keys_unavailable, std::string* detail) {
    *keys_unavailable = false;
    if (token.empty() || token.size() > kMaxJwtBytes) return TokenStatus::Malformed;
    const std::string key = sha256(token);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = cache_.find(key);
        if (it != cache_.end()) {
            if (now < it->second.valid_until) {
                *claims = it->second.claims;
                return TokenStatus::Ok;
            }
            cache_.erase(it);
            return TokenStatus::Expired;
        }
    }

    Jwt jwt;
    TokenStatus status = parse_jwt(token, &jwt);
    if (status != TokenStatus::Ok) return status;
    // RFC 9068 section 4: a JWT access token says so, which keeps an id_token
    // (same keys, aud = a client id) from passing as an access token.
    if (!iequals(jwt.typ, "at+jwt") && !iequals(jwt.typ, "application/at+jwt"))
        return TokenStatus::TypMismatch;
    std::string error;
    auto metadata = provider_->metadata(now, &error);
    if (!metadata) {
        *keys_unavailable = true;
        if (detail) *detail = error;
        return TokenStatus::UnknownKid;
    }
    ClaimChecks checks;
    checks.issuer = provider_->issuer();
    checks.audience = audience_;
    checks.now = now;
    checks.skew = skew_;
    checks.require_iat = false;
    checks.require_sub = true;
    status = provider_->with_keys(
        metadata->jwks_uri, jwt.kid, now,
        [&](const JwkSet& keys) {
            TokenStatus s = verify_jwt_signature(jwt, keys, supported_signing_algs());
            return s == TokenStatus::Ok ? validate_claims(jwt.payload.get(), checks) : s;
        },
        keys_unavailable, &error);
    if (status != TokenStatus::Ok) {
        if (detail && *keys_unavailable) *detail = error;
        return status;
    }

    json_t* payload = jwt.payload.release();
    SharedClaims shared(payload, [](const json_t* j) { json_decref(const_cast<json_t*>(j)); });
    const json_t* exp = json_object_get(payload, "exp");
    Entry entry{shared, static_cast<int64_t>(json_number_value(exp)) + skew_};
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (cache_.size() >= max_entries_) {
            for (auto it = cache_.begin(); it != cache_.end();)
                it = now >= it->second.valid_until ? cache_.erase(it) : std::next(it);
            if (cache_.size() >= max_entries_) cache_.clear();
        }
        cache_[key] = entry;
    }
    *claims = shared;
    return TokenStatus::Ok;
}

std::shared_ptr<BearerVerifier> bearer_verifier_for(const std::string& issuer, const std::string& audience,
                                                    const HttpOptions& options, int64_t skew) {
    using Key = std::tuple<std::string, std::string, long, bool, std::string, int64_t>;
    static std::mutex mutex;
    static std::map<Key, std::shared_ptr<BearerVerifier>> verifiers;
    Key key{issuer, audience, options.timeout_ms, options.verify_tls, options.ca_bundle, skew};
    std::lock_guard<std::mutex> lock(mutex);
    auto& slot = verifiers[key];
    if (!slot) slot = std::make_shared<BearerVerifier>(provider_for(issuer, options), audience, skew);
    return slot;
}

}  // namespace ssoauth
