// One identity provider as the module sees it: its metadata, its keys and its
// token endpoint, shared by every request and thread of a process. Only this
// object does network I/O, and only when a sign-in, a refresh, a key refetch
// or a discovery needs it.
#pragma once

#include "core/http_client.h"
#include "core/jwks_cache.h"
#include "core/jwt.h"
#include "core/jwt_validator.h"
#include "core/provider_metadata.h"
#include "core/token_client.h"

#include <functional>
#include <memory>
#include <string>

namespace ssoauth {

class Provider {
public:
    Provider(std::string issuer, std::shared_ptr<HttpClient> http, int64_t metadata_ttl = 3600);

    const std::string& issuer() const { return issuer_; }
    // Cached discovery document; fetched lazily (the provider may start after Apache).
    std::shared_ptr<const ProviderMetadata> metadata(int64_t now, std::string* error);
    const TokenClient& tokens() const { return tokens_; }
    JwksCache& jwks() { return jwks_; }

    // Runs `check` against the provider's keys. When it reports UnknownKid the
    // keys are refetched (rate-limited by the cache) and `check` runs once more.
    // KeysUnavailable (with *error) when no key set could be had at all.
    TokenStatus with_keys(const std::string& jwks_uri, const std::string& kid, int64_t now,
                          const std::function<TokenStatus(const JwkSet&)>& check, std::string* error);

    // Parses and validates an id_token (OpenID Connect Core 3.1.3.7) against
    // this provider's keys, refetched once for an unknown kid. `checks` comes
    // with client_id, nonce, access token, clock and skew; the issuer and the
    // allowed algorithms are filled in from this provider. The one place both
    // sign-in and refresh validate id_tokens.
    TokenStatus verify_id_token(const std::string& id_token, const ProviderMetadata& metadata,
                                IdTokenChecks checks, Jwt* jwt, std::string* error);

private:
    const std::string issuer_;
    MetadataCache metadata_;
    JwksCache jwks_;
    TokenClient tokens_;
};

// The process-wide Provider for this issuer and connection settings, created on first use.
std::shared_ptr<Provider> provider_for(const std::string& issuer, const HttpOptions& options);

// The signing algorithms to accept: those the provider advertises that the
// module supports (never none, never HMAC). RS256 when it advertises none.
std::set<std::string> allowed_signing_algs(const ProviderMetadata& metadata);

}  // namespace ssoauth
