// Claim checks for JWTs: generic (iss, aud, exp, nbf, iat, sub), OpenID Connect
// ID tokens (Core 1.0 section 3.1.3.7) and back-channel logout tokens
// (Back-Channel Logout 1.0 section 2.6). `now` is always a parameter.
// Order: signature first, then claims; the first error wins.
//
// Not checked here: auth_time/max_age, acr, c_hash, token replay (the caller
// remembers logout jti values), and whether sid matches a session.
#pragma once

#include "core/json.h"
#include "core/jwk.h"
#include "core/jwt.h"
#include "core/token_status.h"

#include <cstdint>
#include <set>
#include <string>

namespace ssoauth {

struct ClaimChecks {            // generic, also used for bearer access tokens
    std::string issuer;         // exact match required; "" never matches
    std::string audience;       // aud (string or array of strings) must contain it; "" never matches
    int64_t now = 0;            // seconds since the epoch
    int64_t skew = 60;          // tolerated clock difference in seconds (negative counts as 0)
    bool require_iat = true;    // iat must be present
    bool require_sub = true;    // a non-empty string sub must be present
};

// Checks, in this order: iss (IssuerMismatch), aud (AudienceMismatch), exp
// (required; Expired when now >= exp + skew), nbf (NotYetValid when
// now < nbf - skew), iat (IssuedInFuture when iat > now + skew), sub
// (SubjectMissing). Absent required claims give MissingClaim, claims of the
// wrong JSON type ClaimInvalid. NumericDates may be integers or reals.
TokenStatus validate_claims(const json_t* payload, const ClaimChecks& checks);

struct IdTokenChecks {
    ClaimChecks claims;         // claims.audience is replaced by client_id; iat and sub are always required
    std::string client_id;
    std::string nonce;          // the nonce sent on authorize; "" skips the check (e.g. refresh responses)
    std::string access_token;   // for at_hash; "" skips the at_hash check
    std::set<std::string> allowed_algs = supported_signing_algs();
};

// verify_jwt_signature, then: header typ must not name another token kind
// (logout+jwt, at+jwt: TypMismatch), validate_claims with aud containing
// client_id, azp required when aud has several entries (AzpMissing) and equal
// to client_id when present (AzpMismatch), nonce (NonceMissing, NonceMismatch),
// at_hash when both it and access_token are present (AtHashMismatch).
TokenStatus validate_id_token(const Jwt& jwt, const JwkSet& keys, const IdTokenChecks& checks);

struct LogoutTokenChecks {
    ClaimChecks claims;         // claims.audience is replaced by client_id; iat required, sub optional
    std::string client_id;
    std::set<std::string> allowed_algs = supported_signing_algs();
};

// verify_jwt_signature, then: typ absent, "JWT" or "logout+jwt" (also
// "application/logout+jwt"; any case), else TypMismatch; validate_claims (iss, aud contains client_id, exp, iat);
// events has an object member "http://schemas.openid.net/event/backchannel-logout"
// (EventsMissing); sub or sid present (SubjectMissing); jti present (JtiMissing);
// no nonce (NonceForbidden).
TokenStatus validate_logout_token(const Jwt& jwt, const JwkSet& keys, const LogoutTokenChecks& checks);

// base64url of the left half of the hash of `access_token` (OIDC Core 3.1.3.6):
// SHA-256/384/512 for the *256/*384/*512 algs, SHA-512 for EdDSA (Ed25519).
// "" for an alg outside supported_signing_algs().
std::string compute_at_hash(const std::string& alg, const std::string& access_token);

}  // namespace ssoauth
