// validate_claims, validate_id_token (OIDC Core 3.1.3.7) and
// validate_logout_token (Back-Channel Logout 1.0 section 2.6).
#include "core/jwt_validator.h"
#include "test_keys.h"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <functional>

using namespace ssoauth;
using ssoauth::test::TestKey;

namespace {

const char kIssuer[] = "http://127.0.0.1:3000/api/auth";
const char kClientId[] = "client-1";
const char kNonce[] = "n-0S6_WzA2Mj";
const char kAccessToken[] = "SlAV32hkKGabcdefghijklmnopqrstuv";  // opaque, 32 letters as Better Auth issues
const int64_t kNow = 1700000000;
const int64_t kSkew = 60;

std::shared_ptr<const JwkSet> provider_keys() {
    static const std::shared_ptr<const JwkSet> set = [] {
        std::string error;
        return JwkSet::parse(test::jwks({TestKey::shared_ed25519().public_jwk("EdDSA"), TestKey::shared_rsa().public_jwk(),
                                         TestKey::shared_ec256().public_jwk(), TestKey::shared_ec384().public_jwk(),
                                         TestKey::shared_ec521().public_jwk()}),
                             &error);
    }();
    BOOST_REQUIRE(set);
    return set;
}

const TestKey& key_for(const std::string& alg) {
    if (alg == "EdDSA") return TestKey::shared_ed25519();
    if (alg == "ES256") return TestKey::shared_ec256();
    if (alg == "ES384") return TestKey::shared_ec384();
    if (alg == "ES512") return TestKey::shared_ec521();
    return TestKey::shared_rsa();
}

// The OpenSSL digest that at_hash uses for alg, named independently of the code under test.
std::string at_hash_digest_name(const std::string& alg) {
    if (alg == "EdDSA") return "SHA512";
    return "SHA" + alg.substr(2);
}

// An id_token's claims as Better Auth sends them (aud a string, at_hash, sid).
JsonPtr id_claims(const std::string& alg) {
    JsonPtr c(json_object());
    json_object_set_new(c.get(), "iss", json_string(kIssuer));
    json_object_set_new(c.get(), "sub", json_string("user-1"));
    json_object_set_new(c.get(), "aud", json_string(kClientId));
    json_object_set_new(c.get(), "nonce", json_string(kNonce));
    json_object_set_new(c.get(), "iat", json_integer(kNow - 10));
    json_object_set_new(c.get(), "exp", json_integer(kNow + 36000));
    json_object_set_new(c.get(), "auth_time", json_integer(kNow - 10));
    json_object_set_new(c.get(), "sid", json_string("session-1"));
    json_object_set_new(c.get(), "at_hash", json_string(test::reference_at_hash(at_hash_digest_name(alg), kAccessToken).c_str()));
    return c;
}

IdTokenChecks id_checks() {
    IdTokenChecks checks;
    checks.claims.issuer = kIssuer;
    checks.claims.now = kNow;
    checks.claims.skew = kSkew;
    checks.client_id = kClientId;
    checks.nonce = kNonce;
    checks.access_token = kAccessToken;
    return checks;
}

TokenStatus check_id_token(const std::string& compact, const IdTokenChecks& checks = id_checks()) {
    Jwt jwt;
    TokenStatus status = parse_jwt(compact, &jwt);
    if (status != TokenStatus::Ok) return status;
    return validate_id_token(jwt, *provider_keys(), checks);
}

// Signs the default claims after `edit` changed them.
std::string signed_id_token(const std::string& alg, const std::function<void(json_t*)>& edit = nullptr,
                     const std::string& header_json = "") {
    JsonPtr claims = id_claims(alg);
    if (edit) edit(claims.get());
    return key_for(alg).jwt(alg, json_dump(claims.get()), header_json);
}

std::function<void(json_t*)> set_int(const char* name, int64_t value) {
    return [=](json_t* c) { json_object_set_new(c, name, json_integer(value)); };
}
std::function<void(json_t*)> set_str(const char* name, const std::string& value) {
    return [=](json_t* c) { json_object_set_new(c, name, json_string(value.c_str())); };
}
std::function<void(json_t*)> without(const char* name) {
    return [=](json_t* c) { json_object_del(c, name); };
}

IdTokenChecks at(int64_t now) {
    IdTokenChecks checks = id_checks();
    checks.claims.now = now;
    return checks;
}

// ---- logout tokens ----
JsonPtr logout_claims() {
    JsonPtr c(json_object());
    json_object_set_new(c.get(), "iss", json_string(kIssuer));
    json_object_set_new(c.get(), "aud", json_string(kClientId));
    json_object_set_new(c.get(), "sub", json_string("user-1"));
    json_object_set_new(c.get(), "sid", json_string("session-1"));
    json_object_set_new(c.get(), "iat", json_integer(kNow - 1));
    json_object_set_new(c.get(), "exp", json_integer(kNow + 120));
    json_object_set_new(c.get(), "jti", json_string("jti-1"));
    json_t* events = json_object();
    json_object_set_new(events, "http://schemas.openid.net/event/backchannel-logout", json_object());
    json_object_set_new(c.get(), "events", events);
    return c;
}

TokenStatus check_logout(const std::function<void(json_t*)>& edit = nullptr, const std::string& typ = "logout+jwt") {
    JsonPtr claims = logout_claims();
    if (edit) edit(claims.get());
    std::string header = "{\"alg\":\"EdDSA\",\"kid\":\"ed-1\"";
    if (!typ.empty()) header += ",\"typ\":\"" + typ + "\"";
    header += "}";
    const std::string token = TestKey::shared_ed25519().jwt("EdDSA", json_dump(claims.get()), header);
    Jwt jwt;
    TokenStatus status = parse_jwt(token, &jwt);
    if (status != TokenStatus::Ok) return status;
    LogoutTokenChecks checks;
    checks.claims.issuer = kIssuer;
    checks.claims.now = kNow;
    checks.client_id = kClientId;
    return validate_logout_token(jwt, *provider_keys(), checks);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(id_token_validation)

// ---- success, one per alg family, with the matching at_hash ----

BOOST_AUTO_TEST_CASE(accepts_eddsa_id_token_with_sha512_at_hash) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA")) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(accepts_rs256_id_token_with_sha256_at_hash) {
    BOOST_TEST(check_id_token(signed_id_token("RS256")) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(accepts_ps256_id_token_with_sha256_at_hash) {
    BOOST_TEST(check_id_token(signed_id_token("PS256")) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(accepts_es256_id_token_with_sha256_at_hash) {
    BOOST_TEST(check_id_token(signed_id_token("ES256")) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(accepts_id_token_for_every_supported_alg_with_its_at_hash) {
    for (const std::string& alg : supported_signing_algs())
        BOOST_TEST(check_id_token(signed_id_token(alg)) == TokenStatus::Ok, alg);
}

BOOST_AUTO_TEST_CASE(compute_at_hash_uses_left_half_of_the_alg_hash) {
    for (const std::string& alg : supported_signing_algs())
        BOOST_TEST(compute_at_hash(alg, kAccessToken) == test::reference_at_hash(at_hash_digest_name(alg), kAccessToken), alg);
    BOOST_TEST(compute_at_hash("EdDSA", kAccessToken).size() == 43u);  // 32 bytes of SHA-512
    BOOST_TEST(compute_at_hash("HS256", kAccessToken) == "");
    BOOST_TEST(compute_at_hash("none", kAccessToken) == "");
}

// ---- signature failures come first ----

BOOST_AUTO_TEST_CASE(rejects_id_token_with_one_signature_byte_flipped) {
    BOOST_TEST(check_id_token(test::flip_signature_byte(signed_id_token("EdDSA"))) == TokenStatus::BadSignature);
}

BOOST_AUTO_TEST_CASE(rejects_unsigned_alg_none_id_token) {
    BOOST_TEST(check_id_token(test::unsigned_jwt(json_dump(id_claims("EdDSA").get()), "none", "ed-1")) ==
               TokenStatus::AlgNone);
}

BOOST_AUTO_TEST_CASE(rejects_hs256_id_token_signed_with_public_key_as_secret) {
    const std::string claims = json_dump(id_claims("RS256").get());
    BOOST_TEST(check_id_token(test::hmac_jwt("HS256", TestKey::shared_rsa().public_pem(),
                                             R"({"alg":"HS256","kid":"rsa-1"})", claims)) == TokenStatus::AlgNotAllowed);
    BOOST_TEST(check_id_token(test::hmac_jwt("HS256", TestKey::shared_ed25519().public_jwk(),
                                             R"({"alg":"HS256","kid":"ed-1"})", claims)) == TokenStatus::AlgNotAllowed);
}

BOOST_AUTO_TEST_CASE(rejects_id_token_with_unknown_kid) {
    JsonPtr claims = id_claims("EdDSA");
    BOOST_TEST(check_id_token(TestKey::ed25519("new-key").jwt("EdDSA", json_dump(claims.get()))) == TokenStatus::UnknownKid);
}

BOOST_AUTO_TEST_CASE(rejects_rs256_id_token_naming_an_ec_key) {
    BOOST_TEST(check_id_token(signed_id_token("RS256", nullptr, R"({"alg":"RS256","kid":"ec-1"})")) ==
               TokenStatus::KeyAlgMismatch);
}

BOOST_AUTO_TEST_CASE(rejects_alg_outside_the_configured_list) {
    IdTokenChecks checks = id_checks();
    checks.allowed_algs = {"EdDSA"};
    BOOST_TEST(check_id_token(signed_id_token("RS256"), checks) == TokenStatus::AlgNotAllowed);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA"), checks) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(bad_signature_wins_over_claim_errors) {
    const std::string expired_and_forged =
        test::flip_signature_byte(signed_id_token("EdDSA", [](json_t* c) {
            json_object_set_new(c, "exp", json_integer(kNow - 3600));
            json_object_set_new(c, "iss", json_string("https://evil.example"));
        }));
    BOOST_TEST(check_id_token(expired_and_forged) == TokenStatus::BadSignature);
}

BOOST_AUTO_TEST_CASE(first_claim_error_wins_issuer_before_expiry) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", [](json_t* c) {
                   json_object_set_new(c, "exp", json_integer(kNow - 3600));
                   json_object_set_new(c, "iss", json_string("https://evil.example"));
               })) == TokenStatus::IssuerMismatch);
}

// ---- time ----

BOOST_AUTO_TEST_CASE(rejects_expired_id_token) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("exp", kNow - 3600))) == TokenStatus::Expired);
}

BOOST_AUTO_TEST_CASE(accepts_id_token_one_second_before_exp_plus_skew) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("exp", kNow - kSkew + 1))) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(rejects_id_token_exactly_at_exp_plus_skew) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("exp", kNow - kSkew))) == TokenStatus::Expired);
    // The same boundary seen by moving the clock instead of the claim.
    const std::string token = signed_id_token("EdDSA", set_int("exp", kNow + 100));
    BOOST_TEST(check_id_token(token, at(kNow + 100 + kSkew - 1)) == TokenStatus::Ok);
    BOOST_TEST(check_id_token(token, at(kNow + 100 + kSkew)) == TokenStatus::Expired);
}

BOOST_AUTO_TEST_CASE(rejects_id_token_not_yet_valid_by_nbf) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("nbf", kNow + kSkew + 1))) == TokenStatus::NotYetValid);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("nbf", kNow + kSkew))) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(rejects_id_token_issued_in_the_future_beyond_skew) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("iat", kNow + kSkew + 1))) == TokenStatus::IssuedInFuture);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("iat", kNow + kSkew))) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(accepts_real_numeric_dates) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", [](json_t* c) {
                   json_object_set_new(c, "exp", json_real(static_cast<double>(kNow) + 600.5));
                   json_object_set_new(c, "iat", json_real(static_cast<double>(kNow) - 0.25));
               })) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(handles_extreme_numeric_dates_without_overflow) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("exp", INT64_MIN))) == TokenStatus::Expired);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("iat", INT64_MAX))) == TokenStatus::IssuedInFuture);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", [](json_t* c) { json_object_set_new(c, "exp", json_real(1e300)); })) ==
               TokenStatus::ClaimInvalid);
}

// ---- issuer, audience, azp ----

BOOST_AUTO_TEST_CASE(rejects_issuer_with_a_character_appended) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_str("iss", std::string(kIssuer) + "1"))) == TokenStatus::IssuerMismatch);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_str("iss", std::string(kIssuer) + "/"))) == TokenStatus::IssuerMismatch);
}

BOOST_AUTO_TEST_CASE(rejects_audience_with_a_character_appended) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_str("aud", std::string(kClientId) + "1"))) ==
               TokenStatus::AudienceMismatch);
}

BOOST_AUTO_TEST_CASE(rejects_multiple_audiences_without_azp) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", [](json_t* c) {
                   json_object_set_new(c, "aud", json_pack("[ss]", kClientId, "other-client"));
               })) == TokenStatus::AzpMissing);
}

BOOST_AUTO_TEST_CASE(accepts_multiple_audiences_with_matching_azp) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", [](json_t* c) {
                   json_object_set_new(c, "aud", json_pack("[ss]", "other-client", kClientId));
                   json_object_set_new(c, "azp", json_string(kClientId));
               })) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(accepts_single_entry_audience_array_without_azp) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", [](json_t* c) {
                   json_object_set_new(c, "aud", json_pack("[s]", kClientId));
               })) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(rejects_azp_naming_another_client) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_str("azp", "other-client"))) == TokenStatus::AzpMismatch);
}

// ---- nonce, at_hash, typ ----

BOOST_AUTO_TEST_CASE(rejects_nonce_with_a_character_appended) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_str("nonce", std::string(kNonce) + "1"))) == TokenStatus::NonceMismatch);
}

BOOST_AUTO_TEST_CASE(rejects_missing_nonce_when_one_was_sent) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", without("nonce"))) == TokenStatus::NonceMissing);
}

BOOST_AUTO_TEST_CASE(skips_nonce_check_when_none_was_sent) {
    IdTokenChecks checks = id_checks();
    checks.nonce.clear();
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", without("nonce")), checks) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(rejects_wrong_at_hash) {
    BOOST_TEST(check_id_token(signed_id_token("RS256", set_str("at_hash", test::reference_at_hash("SHA256", "another-token")))) ==
               TokenStatus::AtHashMismatch);
    IdTokenChecks checks = id_checks();
    checks.access_token = std::string(kAccessToken) + "1";
    BOOST_TEST(check_id_token(signed_id_token("ES256"), checks) == TokenStatus::AtHashMismatch);
}

BOOST_AUTO_TEST_CASE(rejects_eddsa_at_hash_computed_with_sha256) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_str("at_hash", test::reference_at_hash("SHA256", kAccessToken)))) ==
               TokenStatus::AtHashMismatch);
}

BOOST_AUTO_TEST_CASE(accepts_id_token_without_at_hash) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", without("at_hash"))) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(skips_at_hash_check_without_access_token) {
    IdTokenChecks checks = id_checks();
    checks.access_token.clear();
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_str("at_hash", "garbage")), checks) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(rejects_logout_or_access_token_typ_as_id_token) {
    for (const char* typ : {"logout+jwt", "at+jwt", "application/at+JWT"}) {
        const std::string header = std::string(R"({"alg":"EdDSA","kid":"ed-1","typ":")") + typ + "\"}";
        BOOST_TEST(check_id_token(signed_id_token("EdDSA", nullptr, header)) == TokenStatus::TypMismatch, typ);
    }
}

// ---- required claims and types ----

BOOST_AUTO_TEST_CASE(rejects_id_token_missing_a_required_claim) {
    for (const char* claim : {"iss", "aud", "exp", "iat"})
        BOOST_TEST(check_id_token(signed_id_token("EdDSA", without(claim))) == TokenStatus::MissingClaim, claim);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", without("sub"))) == TokenStatus::SubjectMissing);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_str("sub", ""))) == TokenStatus::SubjectMissing);
}

BOOST_AUTO_TEST_CASE(rejects_claims_of_the_wrong_type) {
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_str("exp", "2000000000"))) == TokenStatus::ClaimInvalid);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("iss", 1))) == TokenStatus::ClaimInvalid);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("sub", 1))) == TokenStatus::ClaimInvalid);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", [](json_t* c) {
                   json_object_set_new(c, "aud", json_pack("[si]", kClientId, 7));
               })) == TokenStatus::ClaimInvalid);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("at_hash", 7))) == TokenStatus::ClaimInvalid);
    BOOST_TEST(check_id_token(signed_id_token("EdDSA", set_int("azp", 7))) == TokenStatus::ClaimInvalid);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jwt_claims)

BOOST_AUTO_TEST_CASE(accepts_access_token_whose_aud_array_contains_the_resource) {
    JsonPtr payload(json_pack("{s:s, s:[ss], s:s, s:I}", "iss", kIssuer, "aud", "https://api.example",
                                "http://127.0.0.1:3000/api/auth/oauth2/userinfo", "sub", "user-1", "exp",
                                static_cast<json_int_t>(kNow + 60)));
    ClaimChecks checks;
    checks.issuer = kIssuer;
    checks.audience = "https://api.example";
    checks.now = kNow;
    checks.require_iat = false;
    BOOST_TEST(validate_claims(payload.get(), checks) == TokenStatus::Ok);
    checks.require_iat = true;
    BOOST_TEST(validate_claims(payload.get(), checks) == TokenStatus::MissingClaim);
    checks.require_iat = false;
    checks.audience = "https://api.example/";
    BOOST_TEST(validate_claims(payload.get(), checks) == TokenStatus::AudienceMismatch);
}

BOOST_AUTO_TEST_CASE(empty_expected_issuer_or_audience_never_matches) {
    JsonPtr payload(json_pack("{s:s, s:s, s:s, s:I, s:I}", "iss", "", "aud", "", "sub", "u", "exp",
                                static_cast<json_int_t>(kNow + 60), "iat", static_cast<json_int_t>(kNow)));
    ClaimChecks checks;
    checks.now = kNow;
    BOOST_TEST(validate_claims(payload.get(), checks) == TokenStatus::IssuerMismatch);
    checks.issuer = "x";
    json_object_set_new(payload.get(), "iss", json_string("x"));
    BOOST_TEST(validate_claims(payload.get(), checks) == TokenStatus::AudienceMismatch);
}

BOOST_AUTO_TEST_CASE(rejects_empty_audience_array_and_non_object_payload) {
    JsonPtr payload(json_pack("{s:s, s:[], s:s, s:I}", "iss", kIssuer, "aud", "sub", "u", "exp",
                                static_cast<json_int_t>(kNow + 60)));
    ClaimChecks checks;
    checks.issuer = kIssuer;
    checks.audience = kClientId;
    checks.now = kNow;
    checks.require_iat = false;
    BOOST_TEST(validate_claims(payload.get(), checks) == TokenStatus::AudienceMismatch);
    JsonPtr array(json_array());
    BOOST_TEST(validate_claims(array.get(), checks) == TokenStatus::Malformed);
    BOOST_TEST(validate_claims(nullptr, checks) == TokenStatus::Malformed);
}

BOOST_AUTO_TEST_CASE(negative_skew_counts_as_zero) {
    JsonPtr payload(json_pack("{s:s, s:s, s:s, s:I, s:I}", "iss", kIssuer, "aud", kClientId, "sub", "u", "exp",
                                static_cast<json_int_t>(kNow + 1), "iat", static_cast<json_int_t>(kNow)));
    ClaimChecks checks;
    checks.issuer = kIssuer;
    checks.audience = kClientId;
    checks.now = kNow;
    checks.skew = -1000;
    BOOST_TEST(validate_claims(payload.get(), checks) == TokenStatus::Ok);
    checks.now = kNow + 1;
    BOOST_TEST(validate_claims(payload.get(), checks) == TokenStatus::Expired);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(logout_token_validation)

BOOST_AUTO_TEST_CASE(accepts_backchannel_logout_token) {
    BOOST_TEST(check_logout() == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(accepts_logout_token_with_sid_only_or_sub_only) {
    BOOST_TEST(check_logout(without("sub")) == TokenStatus::Ok);
    BOOST_TEST(check_logout(without("sid")) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(accepts_logout_token_without_typ_or_with_plain_jwt_typ) {
    BOOST_TEST(check_logout(nullptr, "") == TokenStatus::Ok);
    BOOST_TEST(check_logout(nullptr, "JWT") == TokenStatus::Ok);
    BOOST_TEST(check_logout(nullptr, "application/logout+jwt") == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(rejects_logout_token_with_another_typ) {
    BOOST_TEST(check_logout(nullptr, "at+jwt") == TokenStatus::TypMismatch);
}

BOOST_AUTO_TEST_CASE(rejects_logout_token_without_the_backchannel_event) {
    BOOST_TEST(check_logout(without("events")) == TokenStatus::EventsMissing);
    BOOST_TEST(check_logout([](json_t* c) { json_object_set_new(c, "events", json_object()); }) ==
               TokenStatus::EventsMissing);
    BOOST_TEST(check_logout([](json_t* c) {
                   json_object_set_new(c, "events", json_pack("{s:s}", "http://schemas.openid.net/event/backchannel-logout", "x"));
               }) == TokenStatus::EventsMissing);
    BOOST_TEST(check_logout(set_str("events", "http://schemas.openid.net/event/backchannel-logout")) ==
               TokenStatus::EventsMissing);
}

BOOST_AUTO_TEST_CASE(rejects_logout_token_carrying_a_nonce) {
    BOOST_TEST(check_logout(set_str("nonce", kNonce)) == TokenStatus::NonceForbidden);
}

BOOST_AUTO_TEST_CASE(rejects_logout_token_without_sub_or_sid) {
    BOOST_TEST(check_logout([](json_t* c) {
                   json_object_del(c, "sub");
                   json_object_del(c, "sid");
               }) == TokenStatus::SubjectMissing);
}

BOOST_AUTO_TEST_CASE(rejects_logout_token_without_jti) {
    BOOST_TEST(check_logout(without("jti")) == TokenStatus::JtiMissing);
    BOOST_TEST(check_logout(set_str("jti", "")) == TokenStatus::JtiMissing);
}

BOOST_AUTO_TEST_CASE(rejects_logout_token_for_another_audience_or_issuer) {
    BOOST_TEST(check_logout(set_str("aud", "other-client")) == TokenStatus::AudienceMismatch);
    BOOST_TEST(check_logout(set_str("iss", std::string(kIssuer) + "1")) == TokenStatus::IssuerMismatch);
}

BOOST_AUTO_TEST_CASE(rejects_expired_or_iat_less_logout_token) {
    BOOST_TEST(check_logout(set_int("exp", kNow - 120)) == TokenStatus::Expired);
    BOOST_TEST(check_logout(without("iat")) == TokenStatus::MissingClaim);
}

BOOST_AUTO_TEST_CASE(id_token_is_not_accepted_as_logout_token) {
    JsonPtr claims = id_claims("EdDSA");
    Jwt jwt;
    BOOST_REQUIRE_EQUAL(parse_jwt(TestKey::shared_ed25519().jwt("EdDSA", json_dump(claims.get())), &jwt), TokenStatus::Ok);
    LogoutTokenChecks checks;
    checks.claims.issuer = kIssuer;
    checks.claims.now = kNow;
    checks.client_id = kClientId;
    BOOST_TEST(validate_logout_token(jwt, *provider_keys(), checks) == TokenStatus::EventsMissing);
}

BOOST_AUTO_TEST_SUITE_END()
