#include "core/token_status.h"

namespace ssoauth {

const char* token_status_name(TokenStatus status) {
    switch (status) {
        case TokenStatus::Ok: return "ok";
        case TokenStatus::Malformed: return "jwt_malformed";
        case TokenStatus::HeaderBadAlg: return "jwt_header_bad_alg";
        case TokenStatus::HeaderBadKid: return "jwt_header_bad_kid";
        case TokenStatus::HeaderBadTyp: return "jwt_header_bad_typ";
        case TokenStatus::HeaderCritUnsupported: return "jwt_header_crit_unsupported";
        case TokenStatus::AlgNone: return "jwt_alg_none";
        case TokenStatus::AlgNotAllowed: return "jwt_alg_not_allowed";
        case TokenStatus::UnknownKid: return "jwks_unknown_kid";
        case TokenStatus::KidMissing: return "jwt_kid_missing";
        case TokenStatus::KeyAlgMismatch: return "jwks_key_alg_mismatch";
        case TokenStatus::BadSignature: return "jwt_bad_signature";
        case TokenStatus::MissingClaim: return "jwt_missing_claim";
        case TokenStatus::ClaimInvalid: return "jwt_claim_invalid";
        case TokenStatus::IssuerMismatch: return "jwt_issuer_mismatch";
        case TokenStatus::AudienceMismatch: return "jwt_audience_mismatch";
        case TokenStatus::Expired: return "jwt_expired";
        case TokenStatus::NotYetValid: return "jwt_not_yet_valid";
        case TokenStatus::IssuedInFuture: return "jwt_issued_in_future";
        case TokenStatus::SubjectMissing: return "jwt_subject_missing";
        case TokenStatus::AzpMissing: return "jwt_azp_missing";
        case TokenStatus::AzpMismatch: return "jwt_azp_mismatch";
        case TokenStatus::NonceMissing: return "jwt_nonce_missing";
        case TokenStatus::NonceMismatch: return "jwt_nonce_mismatch";
        case TokenStatus::AtHashMismatch: return "jwt_at_hash_mismatch";
        case TokenStatus::TypMismatch: return "jwt_typ_mismatch";
        case TokenStatus::EventsMissing: return "logout_events_missing";
        case TokenStatus::NonceForbidden: return "logout_nonce_forbidden";
        case TokenStatus::JtiMissing: return "logout_jti_missing";
        case TokenStatus::KeysUnavailable: return "provider_keys_unavailable";
    }
    return "unknown_status";
}

const char* token_status_message(TokenStatus status) {
    switch (status) {
        case TokenStatus::Ok: return "The token is valid.";
        case TokenStatus::Malformed:
            return "The token is not a compact JWS of three base64url parts with JSON object header and payload.";
        case TokenStatus::HeaderBadAlg: return "The token header has no usable alg member.";
        case TokenStatus::HeaderBadKid: return "The token header's kid member is not a string.";
        case TokenStatus::HeaderBadTyp: return "The token header's typ member is not a string.";
        case TokenStatus::HeaderCritUnsupported: return "The token header lists critical extensions that are not supported.";
        case TokenStatus::AlgNone: return "The token is unsigned (alg none), which is never accepted.";
        case TokenStatus::AlgNotAllowed: return "The token's signing algorithm is not allowed.";
        case TokenStatus::UnknownKid: return "No key in the provider's key set matches the token's key id.";
        case TokenStatus::KidMissing: return "The token names no key id and several keys could have signed it.";
        case TokenStatus::KeyAlgMismatch: return "The key named by the token cannot be used with the token's algorithm.";
        case TokenStatus::BadSignature: return "The token's signature does not verify.";
        case TokenStatus::MissingClaim: return "The token lacks a required claim.";
        case TokenStatus::ClaimInvalid: return "A claim in the token has the wrong type.";
        case TokenStatus::IssuerMismatch: return "The token was issued by an unexpected issuer.";
        case TokenStatus::AudienceMismatch: return "The token is not intended for this audience.";
        case TokenStatus::Expired: return "The token has expired.";
        case TokenStatus::NotYetValid: return "The token is not valid yet.";
        case TokenStatus::IssuedInFuture: return "The token's issue time is in the future.";
        case TokenStatus::SubjectMissing: return "The token does not identify a subject.";
        case TokenStatus::AzpMissing: return "The token has several audiences but no authorized party (azp).";
        case TokenStatus::AzpMismatch: return "The token's authorized party (azp) is not this client.";
        case TokenStatus::NonceMissing: return "The ID token carries no nonce although one was sent.";
        case TokenStatus::NonceMismatch: return "The ID token's nonce does not match the one sent.";
        case TokenStatus::AtHashMismatch: return "The ID token's at_hash does not match the access token.";
        case TokenStatus::TypMismatch: return "The token's type (typ) is not the expected kind of token.";
        case TokenStatus::EventsMissing: return "The logout token does not carry the back-channel logout event.";
        case TokenStatus::NonceForbidden: return "The logout token carries a nonce, which is forbidden.";
        case TokenStatus::JtiMissing: return "The logout token has no jti.";
        case TokenStatus::KeysUnavailable: return "The provider's signing keys cannot be fetched, so the token cannot be checked.";
    }
    return "Unknown token status.";
}

}  // namespace ssoauth
