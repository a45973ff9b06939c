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
#include <optional>
#include <string>
#include <unordered_map>

namespace ssoauth {

// The token of an "Authorization: Bearer <token>" header value, or "".
std::string bearer_token_of(const std::string& authorization);

// What a request's Authorization header offers (RFC 6750 section 2.1).
struct BearerCredential {
    std::string token;       // "" when none
    bool malformed = false;  // an Authorization header that is not "Bearer <token>" (invalid_request)
};
// `authorization`: the header's value, or null when the request has none.
BearerCredential read_bearer_credential(const char* authorization);

class BearerVerifier {
public:
    BearerVerifier(std::shared_ptr<Provider> provider, std::string audience, int64_t skew,
                   size_t max_entries = 10000);

    // Ok with *claims set, or why the token is refused: KeysUnavailable (with
    // *detail) when the provider's metadata or keys could not be had at all.
    TokenStatus verify(const std::string& token, int64_t now, SharedClaims* claims, std::string* detail);

    size_t cached() const;

private:
    // A token verified before: Ok (with its claims) or Expired; nullopt when not cached.
    std::optional<TokenStatus> lookup(const std::string& key, int64_t now, SharedClaims* claims);
    // Parse, typ, signature and claims of a token not seen before.
    TokenStatus verify_uncached(const std::string& token, int64_t now, JsonPtr* payload, std::string* detail);
    void remember(const std::string& key, const SharedClaims& claims, int64_t now);
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
