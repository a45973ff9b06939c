// Bearer mode (AuthType SSOAuthBearer): a JWT access token (RFC 9068, typ
// at+jwt) in the Authorization header, verified against the provider's JWKS. A verified
// token's claims are cached, keyed by the SHA-256 of the token, until it
// expires, so a token is verified once, not on every request.
#pragma once

#include "core/claims.h"
#include "core/provider.h"
#include "core/token_status.h"

#include <jansson.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ssoauth {

// The token of an "Authorization: Bearer <token>" header value, or "".
std::string bearer_token_of(const std::string& authorization);

class BearerVerifier {
public:
    BearerVerifier(std::shared_ptr<Provider> provider, std::string audience, int64_t skew,
                   size_t max_entries = 10000);

    // Ok with *claims set, or why the token is refused. *keys_unavailable is set
    // when the provider's metadata or keys could not be had at all.
    TokenStatus verify(const std::string& token, int64_t now, SharedClaims* claims, bool* keys_unavailable,
                       std::string* detail);

    size_t cached() const;

private:
    struct Entry {
        SharedClaims claims;
        int64_t valid_until;  // exp + skew
    };
    std::shared_ptr<Provider> provider_;
    const std::string audience_;
    const int64_t skew_;
    const size_t max_entries_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> cache_;
};

// The process-wide verifier for this provider and audience.
std::shared_ptr<BearerVerifier> bearer_verifier_for(const std::string& issuer, const std::string& audience,
                                                    const HttpOptions& options, int64_t skew);

}  // namespace ssoauth
