// JWS compact serialisation (RFC 7515) for JWTs (RFC 7519): parsing and
// signature verification against a JwkSet. No claim is checked here; see
// jwt_validator.h. Header members jku, x5u, jwk and x5c are ignored: keys
// only ever come from the provider's JWKS.
#pragma once

#include "core/json.h"
#include "core/jwk.h"
#include "core/token_status.h"

#include <cstddef>
#include <set>
#include <string>

namespace ssoauth {

// Longer compact strings are refused as Malformed before any decoding.
constexpr size_t kMaxJwtBytes = 64 * 1024;

struct Jwt {
    JsonPtr header;             // the decoded protected header (a JSON object)
    JsonPtr payload;            // the decoded claims (a JSON object)
    std::string alg;            // header "alg" (non-empty)
    std::string kid;            // header "kid", "" when absent
    std::string typ;            // header "typ", "" when absent
    std::string signing_input;  // "b64header.b64payload", exactly as received
    std::string signature;      // the decoded signature bytes (r||s for ECDSA); may be empty
};

// Splits and decodes a compact JWT: exactly three dot-separated base64url parts
// (the third may be empty), header and payload JSON objects (duplicate member
// names refused), alg a non-empty string, kid/typ strings when present, no
// "crit". On anything but Ok, *out is left empty.
TokenStatus parse_jwt(const std::string& compact, Jwt* out);

// Checks, first error wins:
//   alg "none" in any case                              -> AlgNone
//   alg not in allowed_algs, or not in supported_signing_algs() (so never HS*)
//                                                       -> AlgNotAllowed
//   kid given: no key with that kid                     -> UnknownKid (refetch the JWKS once, retry)
//              keys with that kid, none suits alg       -> KeyAlgMismatch
//   no kid:    no key suits alg                         -> UnknownKid
//              several keys suit alg                    -> KidMissing
//   signature does not verify                           -> BadSignature
// A key suits alg when kty/crv fit it and the key's own "alg" (if any) equals it.
TokenStatus verify_jwt_signature(const Jwt& jwt, const JwkSet& keys,
                                 const std::set<std::string>& allowed_algs);

// EdDSA RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512.
const std::set<std::string>& supported_signing_algs();

}  // namespace ssoauth
