#include "core/provider.h"

#include "core/curl_http_client.h"

#include <map>
#include <mutex>
#include <tuple>

namespace ssoauth {

Provider::Provider(std::string issuer, std::shared_ptr<HttpClient> http, int64_t metadata_ttl)
    : issuer_(issuer), metadata_(issuer, http, metadata_ttl), jwks_(http), tokens_(http) {}

std::shared_ptr<const ProviderMetadata> Provider::metadata(int64_t now, std::string* error) {
    MetadataStatus status = MetadataStatus::Ok;
    std::string detail;
    auto doc = metadata_.get(now, &status, &detail);
    if (!doc && error) *error = std::string(metadata_status_name(status)) + ": " + detail;
    return doc;
}

TokenStatus Provider::with_keys(const std::string& jwks_uri, const std::string& kid, int64_t now,
                                const std::function<TokenStatus(const JwkSet&)>& check, std::string* error) {
    auto keys = jwks_.get(jwks_uri, now, error);
    if (!keys) return TokenStatus::KeysUnavailable;
    TokenStatus status = check(*keys);
    if (status != TokenStatus::UnknownKid) return status;
    auto fresh = jwks_.refetch_for_unknown_kid(jwks_uri, kid, now, error);
    if (!fresh || fresh == keys) return status;
    return check(*fresh);
}

TokenStatus Provider::verify_id_token(const std::string& id_token, const ProviderMetadata& metadata,
                                      IdTokenChecks checks, Jwt* jwt, std::string* error) {
    TokenStatus status = parse_jwt(id_token, jwt);
    if (status != TokenStatus::Ok) return status;
    checks.claims.issuer = issuer_;
    checks.allowed_algs = allowed_signing_algs(metadata);
    return with_keys(
        metadata.jwks_uri, jwt->kid, checks.claims.now,
        [&](const JwkSet& keys) { return validate_id_token(*jwt, keys, checks); }, error);
}

std::shared_ptr<Provider> provider_for(const std::string& issuer, const HttpOptions& options) {
    using Key = std::tuple<std::string, long, bool, std::string>;
    // Never destroyed: an httpd child's exit() must not free keys and curl
    // handles under a worker thread that may still be using them.
    static auto* mutex = new std::mutex;
    static auto* providers = new std::map<Key, std::shared_ptr<Provider>>;
    Key key{issuer, options.timeout_ms, options.verify_tls, options.ca_bundle};
    std::lock_guard<std::mutex> lock(*mutex);
    auto& slot = (*providers)[key];
    if (!slot) slot = std::make_shared<Provider>(issuer, make_curl_http_client(options));
    return slot;
}

std::set<std::string> allowed_signing_algs(const ProviderMetadata& metadata) {
    std::set<std::string> allowed;
    const auto& supported = supported_signing_algs();
    for (const auto& alg : metadata.id_token_signing_alg_values_supported)
        if (supported.count(alg)) allowed.insert(alg);
    if (metadata.id_token_signing_alg_values_supported.empty()) allowed.insert("RS256");
    return allowed;
}

}  // namespace ssoauth
