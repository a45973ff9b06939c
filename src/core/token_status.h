// Why a token was accepted or refused: one precise value per failure, with a
// stable snake_case code (for logs and error_description) and a readable
// sentence. Mapping these to HTTP statuses happens in one place, elsewhere.
#pragma once

namespace ssoauth {

enum class TokenStatus {
    Ok,                     // every check passed
    // ---- compact serialisation and header (parse_jwt) ----
    Malformed,              // not three base64url parts whose header and payload are JSON objects
    HeaderBadAlg,           // the header has no "alg", or it is not a non-empty string
    HeaderBadKid,           // the header's "kid" is present but not a string
    HeaderBadTyp,           // the header's "typ" is present but not a string
    HeaderCritUnsupported,  // the header has "crit": no JWS extension is understood here (RFC 7515 4.1.11)
    // ---- algorithm, key and signature (verify_jwt_signature) ----
    AlgNone,                // alg is "none" (in any letter case): unsigned tokens are never accepted
    AlgNotAllowed,          // alg is not in the allowed list, is HMAC (HS*), or is not supported
    UnknownKid,             // no key in the set has the token's kid (or, without a kid, no key suits the alg)
    KidMissing,             // the token has no kid and several keys in the set suit its alg
    KeyAlgMismatch,         // the key named by kid cannot make this alg (kty/crv, or the key's own "alg")
    BadSignature,           // the signature does not verify with the key
    // ---- claims (validate_claims) ----
    MissingClaim,           // a required claim (iss, aud, exp, iat, jti) is absent
    ClaimInvalid,           // a registered claim has the wrong JSON type (e.g. exp a string, aud [1])
    IssuerMismatch,         // iss differs from the expected issuer
    AudienceMismatch,       // aud does not contain the expected audience
    Expired,                // now is at or after exp + skew
    NotYetValid,            // now is before nbf - skew
    IssuedInFuture,         // iat is after now + skew
    SubjectMissing,         // no non-empty sub (in a logout token: neither sub nor sid)
    // ---- id_token (validate_id_token) ----
    AzpMissing,             // aud has several entries but there is no azp
    AzpMismatch,            // azp is present and differs from the client_id
    NonceMissing,           // a nonce was sent but the id_token carries none
    NonceMismatch,          // the id_token's nonce differs from the one sent
    AtHashMismatch,         // at_hash does not match the access token
    TypMismatch,            // the header typ names another kind of token (e.g. logout+jwt as an id_token)
    // ---- back-channel logout token (validate_logout_token) ----
    EventsMissing,          // events lacks the back-channel-logout member (or it is not an object)
    NonceForbidden,         // a logout token carries a nonce
    JtiMissing,             // a logout token has no jti
    // ---- the provider (Provider::with_keys) ----
    KeysUnavailable,        // the provider's metadata or key set could not be fetched at all: nothing was checked
};

// Stable snake_case code, e.g. "jwt_expired". Never null.
const char* token_status_name(TokenStatus status);
// One readable sentence, e.g. "The token has expired.". Never null.
const char* token_status_message(TokenStatus status);

}  // namespace ssoauth
