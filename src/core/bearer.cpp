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

BearerCredential read_bearer_credential(const char* authorization) {
    BearerCredential credential;
    if (!authorization) return credential;
    credential.token = bearer_token_of(authorization);
    credential.malformed = credential.token.empty();
    return credential;
}

BearerVerifier::BearerVerifier(std::shared_ptr<Provider> provider, std::string audience, int64_t skew,
                               size_t max_entries)
    : provider_(std::move(provider)), audience_(std::move(audience)), skew_(skew), max_entries_(max_entries) {}

size_t BearerVerifier::cached() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return cache_.size();
}

TokenStatus BearerVerifier::verify(const std::string& token, int64_t now, SharedClaims* claims,
                                   std::string* detail) {
    if (token.empty() || token.size() > kMaxJwtBytes) return TokenStatus::Malformed;
    const std::string key = sha256(token);
    if (auto cached = lookup(key, now, claims)) return *cached;

    JsonPtr payload;
    TokenStatus status = verify_uncached(token, now, &payload, detail);
    if (status != TokenStatus::Ok) return status;
    json_t* owned = payload.release();
    SharedClaims shared(owned, [](const json_t* j) { json_decref(const_cast<json_t*>(j)); });
    remember(key, shared, now);
    *claims = shared;
    return TokenStatus::Ok;
}

std::optional<TokenStatus> BearerVerifier::lookup(const std::string& key, int64_t now, SharedClaims* claims) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(key);
    if (it == cache_.end()) return std::nullopt;
    if (now < it->second.valid_until) {
        *claims = it->second.claims;
        return TokenStatus::Ok;
    }
    cache_.erase(it);
    return TokenStatus::Expired;
}

TokenStatus BearerVerifier::verify_uncached(const std::string& token, int64_t now, JsonPtr* payload,
                                            std::string* detail) {
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
        if (detail) *detail = error;
        return TokenStatus::KeysUnavailable;
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
        &error);
    if (status == TokenStatus::KeysUnavailable && detail) *detail = error;
    if (status == TokenStatus::Ok) *payload = std::move(jwt.payload);
    return status;
}

void BearerVerifier::remember(const std::string& key, const SharedClaims& claims, int64_t now) {
    const json_t* exp = json_object_get(claims.get(), "exp");
    Entry entry{claims, static_cast<int64_t>(json_number_value(exp)) + skew_};
    std::lock_guard<std::mutex> lock(mutex_);
    if (cache_.size() >= max_entries_) {
        for (auto it = cache_.begin(); it != cache_.end();)
            it = now >= it->second.valid_until ? cache_.erase(it) : std::next(it);
        if (cache_.size() >= max_entries_) cache_.clear();
    }
    cache_[key] = entry;
}

std::shared_ptr<BearerVerifier> bearer_verifier_for(const std::string& issuer, const std::string& audience,
                                                    const HttpOptions& options, int64_t skew) {
    using Key = std::tuple<std::string, std::string, long, bool, std::string, int64_t>;
    // Never destroyed, like provider_for's map: nothing is freed under a worker at exit.
    static auto* mutex = new std::mutex;
    static auto* verifiers = new std::map<Key, std::shared_ptr<BearerVerifier>>;
    Key key{issuer, audience, options.timeout_ms, options.verify_tls, options.ca_bundle, skew};
    std::lock_guard<std::mutex> lock(*mutex);
    auto& slot = (*verifiers)[key];
    if (!slot) slot = std::make_shared<BearerVerifier>(provider_for(issuer, options), audience, skew);
    return slot;
}

}  // namespace ssoauth
