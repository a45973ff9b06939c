// parse_jwt and verify_jwt_signature: compact-serialisation parsing, alg
// policy, key selection and signature checks for every supported alg.
#include "core/base64url.h"
#include "core/jwt.h"
#include "core/token_status.h"
#include "test_keys.h"

#include <boost/test/unit_test.hpp>

#include <ostream>
#include <set>

using namespace ssoauth;
using ssoauth::test::TestKey;

namespace {

const char kPayload[] = R"({"iss":"https://idp.example","sub":"user-1","aud":"client-1","exp":2000000000})";

std::shared_ptr<const JwkSet> standard_keys() {
    static const std::shared_ptr<const JwkSet> set = [] {
        std::string error;
        return JwkSet::parse(test::jwks({TestKey::shared_ed25519().public_jwk("EdDSA"), TestKey::shared_rsa().public_jwk(),
                                         TestKey::shared_ec256().public_jwk("ES256"), TestKey::shared_ec384().public_jwk(),
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

TokenStatus verify(const std::string& compact, const JwkSet& keys,
                   const std::set<std::string>& allowed = supported_signing_algs()) {
    Jwt jwt;
    TokenStatus status = parse_jwt(compact, &jwt);
    if (status != TokenStatus::Ok) return status;
    return verify_jwt_signature(jwt, keys, allowed);
}

TokenStatus verify(const std::string& compact) { return verify(compact, *standard_keys()); }

std::shared_ptr<const JwkSet> parse_set(const std::vector<std::string>& jwks) {
    std::string error;
    auto set = JwkSet::parse(test::jwks(jwks), &error);
    BOOST_REQUIRE_MESSAGE(set, error);
    return set;
}

std::string b64(const std::string& s) { return base64url_encode(s); }

}  // namespace

BOOST_AUTO_TEST_SUITE(jwt_parse)

BOOST_AUTO_TEST_CASE(parses_header_fields_signing_input_and_signature) {
    const std::string token = TestKey::shared_ed25519().jwt("EdDSA", kPayload);
    Jwt jwt;
    BOOST_REQUIRE_EQUAL(parse_jwt(token, &jwt), TokenStatus::Ok);
    BOOST_TEST(jwt.alg == "EdDSA");
    BOOST_TEST(jwt.kid == "ed-1");
    BOOST_TEST(jwt.typ == "JWT");
    BOOST_TEST(jwt.signing_input == token.substr(0, token.rfind('.')));
    BOOST_TEST(jwt.signature.size() == 64u);
    BOOST_TEST(json_string_member(jwt.payload.get(), "sub") == "user-1");
}

BOOST_AUTO_TEST_CASE(rejects_wrong_number_of_parts) {
    const std::string h = b64(R"({"alg":"RS256"})"), p = b64("{}");
    Jwt jwt;
    for (const std::string& token : {std::string(), h, h + "." + p, h + "." + p + ".c2ln.extra", h + "." + p + ".." ,
                                     std::string("..")})
        BOOST_TEST(parse_jwt(token, &jwt) == TokenStatus::Malformed, token);
}

BOOST_AUTO_TEST_CASE(rejects_parts_that_are_not_unpadded_base64url) {
    const std::string h = b64(R"({"alg":"RS256"})"), p = b64("{}");
    Jwt jwt;
    BOOST_TEST(parse_jwt(h + "=." + p + ".c2ln", &jwt) == TokenStatus::Malformed);
    BOOST_TEST(parse_jwt(h + "." + p + ".c2ln+/", &jwt) == TokenStatus::Malformed);
    BOOST_TEST(parse_jwt(h + "." + p + ".c2l=", &jwt) == TokenStatus::Malformed);
    BOOST_TEST(parse_jwt(h + " ." + p + ".c2ln", &jwt) == TokenStatus::Malformed);
}

BOOST_AUTO_TEST_CASE(rejects_header_or_payload_that_is_not_a_json_object) {
    Jwt jwt;
    BOOST_TEST(parse_jwt(test::compact_jwt("[\"RS256\"]", "{}", "sig"), &jwt) == TokenStatus::Malformed);
    BOOST_TEST(parse_jwt(test::compact_jwt("not json", "{}", "sig"), &jwt) == TokenStatus::Malformed);
    BOOST_TEST(parse_jwt(test::compact_jwt(R"({"alg":"RS256"})", "\"claims\"", "sig"), &jwt) == TokenStatus::Malformed);
    BOOST_TEST(parse_jwt(test::compact_jwt(R"({"alg":"RS256"})", "{", "sig"), &jwt) == TokenStatus::Malformed);
    BOOST_TEST(parse_jwt("." + b64("{}") + ".c2ln", &jwt) == TokenStatus::Malformed);
}

BOOST_AUTO_TEST_CASE(rejects_duplicate_header_members) {
    Jwt jwt;
    BOOST_TEST(parse_jwt(test::compact_jwt(R"({"alg":"RS256","alg":"none"})", "{}", "sig"), &jwt) ==
               TokenStatus::Malformed);
}

BOOST_AUTO_TEST_CASE(rejects_header_without_usable_alg) {
    Jwt jwt;
    BOOST_TEST(parse_jwt(test::compact_jwt(R"({"kid":"k"})", "{}", "sig"), &jwt) == TokenStatus::HeaderBadAlg);
    BOOST_TEST(parse_jwt(test::compact_jwt(R"({"alg":256})", "{}", "sig"), &jwt) == TokenStatus::HeaderBadAlg);
    BOOST_TEST(parse_jwt(test::compact_jwt(R"({"alg":""})", "{}", "sig"), &jwt) == TokenStatus::HeaderBadAlg);
}

BOOST_AUTO_TEST_CASE(rejects_non_string_kid_and_typ) {
    Jwt jwt;
    BOOST_TEST(parse_jwt(test::compact_jwt(R"({"alg":"RS256","kid":1})", "{}", "sig"), &jwt) == TokenStatus::HeaderBadKid);
    BOOST_TEST(parse_jwt(test::compact_jwt(R"({"alg":"RS256","typ":["JWT"]})", "{}", "sig"), &jwt) ==
               TokenStatus::HeaderBadTyp);
}

BOOST_AUTO_TEST_CASE(rejects_header_with_crit_extensions) {
    Jwt jwt;
    BOOST_TEST(parse_jwt(test::compact_jwt(R"({"alg":"RS256","crit":["b64"],"b64":false})", "{}", "sig"), &jwt) ==
               TokenStatus::HeaderCritUnsupported);
}

BOOST_AUTO_TEST_CASE(rejects_token_longer_than_the_limit) {
    const std::string big = "{\"pad\":\"" + std::string(kMaxJwtBytes, 'a') + "\"}";
    Jwt jwt;
    BOOST_TEST(parse_jwt(TestKey::shared_ed25519().jwt("EdDSA", big), &jwt) == TokenStatus::Malformed);
}

BOOST_AUTO_TEST_CASE(leaves_output_empty_on_failure) {
    Jwt jwt;
    BOOST_REQUIRE_EQUAL(parse_jwt(TestKey::shared_ed25519().jwt("EdDSA", kPayload), &jwt), TokenStatus::Ok);
    BOOST_TEST(parse_jwt("a.b", &jwt) == TokenStatus::Malformed);
    BOOST_TEST(!jwt.header);
    BOOST_TEST(jwt.alg.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jwt_signature)

BOOST_AUTO_TEST_CASE(verifies_eddsa_signature) {
    BOOST_TEST(verify(TestKey::shared_ed25519().jwt("EdDSA", kPayload)) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(verifies_rs256_signature) {
    BOOST_TEST(verify(TestKey::shared_rsa().jwt("RS256", kPayload)) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(verifies_ps256_signature) {
    BOOST_TEST(verify(TestKey::shared_rsa().jwt("PS256", kPayload)) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(verifies_es256_raw_r_s_signature) {
    BOOST_TEST(verify(TestKey::shared_ec256().jwt("ES256", kPayload)) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(verifies_every_supported_alg) {
    for (const std::string& alg : supported_signing_algs())
        BOOST_TEST(verify(key_for(alg).jwt(alg, kPayload)) == TokenStatus::Ok, alg);
}

BOOST_AUTO_TEST_CASE(rejects_signature_with_one_byte_flipped_for_every_alg) {
    for (const std::string& alg : supported_signing_algs())
        BOOST_TEST(verify(test::flip_signature_byte(key_for(alg).jwt(alg, kPayload))) == TokenStatus::BadSignature, alg);
}

BOOST_AUTO_TEST_CASE(rejects_payload_changed_after_signing) {
    const std::string token = TestKey::shared_ed25519().jwt("EdDSA", kPayload);
    const std::string other = TestKey::shared_ed25519().jwt("EdDSA", R"({"sub":"admin"})");
    const size_t d1 = token.find('.'), d2 = token.rfind('.');
    const std::string forged = token.substr(0, d1) + other.substr(other.find('.'), other.rfind('.') - other.find('.')) +
                               token.substr(d2);
    BOOST_TEST(verify(forged) == TokenStatus::BadSignature);
}

BOOST_AUTO_TEST_CASE(rejects_empty_or_truncated_signature) {
    const std::string token = TestKey::shared_rsa().jwt("RS256", kPayload);
    const std::string input = token.substr(0, token.rfind('.') + 1);
    BOOST_TEST(verify(input) == TokenStatus::BadSignature);
    BOOST_TEST(verify(token.substr(0, token.size() - 8)) == TokenStatus::BadSignature);
    const std::string ed = TestKey::shared_ed25519().jwt("EdDSA", kPayload);
    BOOST_TEST(verify(ed.substr(0, ed.rfind('.') + 1)) == TokenStatus::BadSignature);
}

BOOST_AUTO_TEST_CASE(rejects_es256_signature_in_der_form) {
    const TestKey& key = TestKey::shared_ec256();
    const std::string header = R"({"alg":"ES256","kid":"ec-1"})";
    const std::string input = b64(header) + "." + b64(kPayload);
    const std::string raw = key.sign("ES256", input);
    // The classic mistake: the same r and s sent as an ASN.1 DER SEQUENCE (what OpenSSL emits).
    std::string der = "\x30";
    auto integer = [](std::string v) {
        while (v.size() > 1 && v[0] == 0) v.erase(0, 1);
        if (static_cast<unsigned char>(v[0]) & 0x80) v.insert(0, 1, '\0');
        return std::string("\x02", 1) + static_cast<char>(v.size()) + v;
    };
    const std::string body = integer(raw.substr(0, 32)) + integer(raw.substr(32));
    der += static_cast<char>(body.size());
    der += body;
    BOOST_TEST(verify(input + "." + b64(der)) == TokenStatus::BadSignature);
    BOOST_TEST(verify(input + "." + b64(raw)) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(rejects_alg_none_token) {
    BOOST_TEST(verify(test::unsigned_jwt(kPayload)) == TokenStatus::AlgNone);
    BOOST_TEST(verify(test::unsigned_jwt(kPayload, "none", "rsa-1")) == TokenStatus::AlgNone);
}

BOOST_AUTO_TEST_CASE(rejects_alg_none_in_any_letter_case_even_if_allowed) {
    std::set<std::string> allowed = supported_signing_algs();
    allowed.insert({"none", "None", "NONE"});
    for (const char* alg : {"none", "None", "NONE", "nOnE"})
        BOOST_TEST(verify(test::unsigned_jwt(kPayload, alg), *standard_keys(), allowed) == TokenStatus::AlgNone, alg);
}

BOOST_AUTO_TEST_CASE(rejects_hs256_token_signed_with_public_key_pem_as_secret) {
    const TestKey& rsa = TestKey::shared_rsa();
    const std::string token = test::hmac_jwt("HS256", rsa.public_pem(), R"({"alg":"HS256","kid":"rsa-1"})", kPayload);
    BOOST_TEST(verify(token) == TokenStatus::AlgNotAllowed);
    // Even a configuration that (wrongly) lists HS256 never verifies HMAC with a public key.
    std::set<std::string> allowed = supported_signing_algs();
    allowed.insert("HS256");
    BOOST_TEST(verify(token, *standard_keys(), allowed) == TokenStatus::AlgNotAllowed);
}

BOOST_AUTO_TEST_CASE(rejects_hs256_token_signed_with_public_jwk_text_as_secret) {
    for (const TestKey* key : {&TestKey::shared_rsa(), &TestKey::shared_ed25519(), &TestKey::shared_ec256()}) {
        const std::string header = "{\"alg\":\"HS256\",\"kid\":\"" + key->kid() + "\"}";
        BOOST_TEST(verify(test::hmac_jwt("HS256", key->public_jwk(), header, kPayload)) == TokenStatus::AlgNotAllowed,
                   key->kid());
        BOOST_TEST(verify(test::hmac_jwt("HS512", key->public_jwk(), header, kPayload)) == TokenStatus::AlgNotAllowed,
                   key->kid());
    }
}

BOOST_AUTO_TEST_CASE(rejects_alg_missing_from_allowed_list) {
    BOOST_TEST(verify(TestKey::shared_rsa().jwt("RS256", kPayload), *standard_keys(), {"EdDSA"}) ==
               TokenStatus::AlgNotAllowed);
    BOOST_TEST(verify(TestKey::shared_ed25519().jwt("EdDSA", kPayload), *standard_keys(), {}) ==
               TokenStatus::AlgNotAllowed);
}

BOOST_AUTO_TEST_CASE(rejects_unsupported_alg_even_if_listed) {
    const std::string token = test::compact_jwt(R"({"alg":"ES256K","kid":"ec-1"})", kPayload, std::string(64, 'x'));
    BOOST_TEST(verify(token, *standard_keys(), {"ES256K"}) == TokenStatus::AlgNotAllowed);
}

BOOST_AUTO_TEST_CASE(rejects_unknown_kid) {
    BOOST_TEST(verify(TestKey::shared_ed25519().with_kid("rotated-away").jwt("EdDSA", kPayload)) ==
               TokenStatus::UnknownKid);
}

BOOST_AUTO_TEST_CASE(rejects_rs256_header_naming_an_ec_key) {
    const std::string token = TestKey::shared_rsa().jwt("RS256", kPayload, R"({"alg":"RS256","kid":"ec-1"})");
    BOOST_TEST(verify(token) == TokenStatus::KeyAlgMismatch);
}

BOOST_AUTO_TEST_CASE(rejects_eddsa_header_naming_an_rsa_key) {
    const std::string token = TestKey::shared_ed25519().jwt("EdDSA", kPayload, R"({"alg":"EdDSA","kid":"rsa-1"})");
    BOOST_TEST(verify(token) == TokenStatus::KeyAlgMismatch);
}

BOOST_AUTO_TEST_CASE(rejects_es384_header_naming_a_p256_key) {
    const std::string token = TestKey::shared_ec384().jwt("ES384", kPayload, R"({"alg":"ES384","kid":"ec-1"})");
    BOOST_TEST(verify(token) == TokenStatus::KeyAlgMismatch);
}

BOOST_AUTO_TEST_CASE(rejects_alg_other_than_the_keys_alg_member) {
    auto keys = parse_set({TestKey::shared_rsa().public_jwk("RS256")});
    BOOST_TEST(verify(TestKey::shared_rsa().jwt("RS256", kPayload), *keys) == TokenStatus::Ok);
    BOOST_TEST(verify(TestKey::shared_rsa().jwt("PS256", kPayload), *keys) == TokenStatus::KeyAlgMismatch);
}

BOOST_AUTO_TEST_CASE(uses_the_single_suitable_key_when_token_has_no_kid) {
    auto keys = parse_set({TestKey::shared_ed25519().public_jwk(), TestKey::shared_rsa().public_jwk()});
    BOOST_TEST(verify(TestKey::shared_rsa().with_kid("").jwt("RS256", kPayload), *keys) == TokenStatus::Ok);
    BOOST_TEST(verify(TestKey::shared_ed25519().with_kid("").jwt("EdDSA", kPayload), *keys) == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(rejects_token_without_kid_when_several_keys_suit) {
    auto keys = parse_set({TestKey::shared_rsa().public_jwk(), TestKey::rsa("rsa-2").public_jwk()});
    BOOST_TEST(verify(TestKey::shared_rsa().with_kid("").jwt("RS256", kPayload), *keys) == TokenStatus::KidMissing);
}

BOOST_AUTO_TEST_CASE(rejects_token_without_kid_when_no_key_suits) {
    auto keys = parse_set({TestKey::shared_ed25519().public_jwk()});
    BOOST_TEST(verify(TestKey::shared_rsa().with_kid("").jwt("RS256", kPayload), *keys) == TokenStatus::UnknownKid);
}

BOOST_AUTO_TEST_CASE(rejects_signature_by_another_key_reusing_a_known_kid) {
    const TestKey attacker = TestKey::ed25519("ed-1");
    BOOST_TEST(verify(attacker.jwt("EdDSA", kPayload)) == TokenStatus::BadSignature);
}

BOOST_AUTO_TEST_CASE(ignores_key_embedded_in_jwk_header) {
    const TestKey attacker = TestKey::ed25519("attacker");
    const std::string jwk = attacker.public_jwk();
    BOOST_TEST(verify(attacker.jwt("EdDSA", kPayload, R"({"alg":"EdDSA","kid":"attacker","jwk":)" + jwk + "}")) ==
               TokenStatus::UnknownKid);
    BOOST_TEST(verify(attacker.jwt("EdDSA", kPayload, R"({"alg":"EdDSA","kid":"ed-1","jwk":)" + jwk + "}")) ==
               TokenStatus::BadSignature);
    // No kid: the provider's only Ed25519 key is used, never the one jku points at.
    BOOST_TEST(verify(attacker.jwt("EdDSA", kPayload, R"({"alg":"EdDSA","jku":"https://evil.example/jwks"})")) ==
               TokenStatus::BadSignature);
}

BOOST_AUTO_TEST_CASE(does_not_use_key_marked_for_encryption) {
    auto keys = parse_set({TestKey::shared_ed25519().public_jwk("", "enc")});
    BOOST_TEST(verify(TestKey::shared_ed25519().jwt("EdDSA", kPayload), *keys) == TokenStatus::UnknownKid);
}

BOOST_AUTO_TEST_CASE(key_verify_refuses_alg_other_than_the_signed_header) {
    auto keys = parse_set({TestKey::shared_rsa().public_jwk()});
    const std::string token = TestKey::shared_rsa().jwt("PS256", kPayload);
    Jwt jwt;
    BOOST_REQUIRE_EQUAL(parse_jwt(token, &jwt), TokenStatus::Ok);
    const JsonWebKey* key = keys->find("rsa-1");
    BOOST_TEST(key->verify("PS256", jwt.signing_input, jwt.signature));
    BOOST_TEST(!key->verify("RS256", jwt.signing_input, jwt.signature));
    BOOST_TEST(!key->verify("ES256", jwt.signing_input, jwt.signature));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(token_status)

BOOST_AUTO_TEST_CASE(every_status_has_a_distinct_code_and_a_message) {
    std::set<std::string> names;
    const int last = static_cast<int>(TokenStatus::JtiMissing);
    for (int i = 0; i <= last; ++i) {
        const auto status = static_cast<TokenStatus>(i);
        const std::string name = token_status_name(status);
        BOOST_TEST(name != "unknown_status", i);
        BOOST_TEST(std::string(token_status_message(status)).size() > 10u, name);
        for (char c : name) BOOST_TEST(((c >= 'a' && c <= 'z') || c == '_'), name);
        names.insert(name);
    }
    BOOST_TEST(names.size() == static_cast<size_t>(last + 1));
    BOOST_TEST(std::string(token_status_name(TokenStatus::Expired)) == "jwt_expired");
}

BOOST_AUTO_TEST_SUITE_END()
