// JwkSet::parse: which keys are kept, which are skipped, and why.
#include "core/jwk.h"
#include "test_keys.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;
using ssoauth::test::TestKey;

namespace {

std::shared_ptr<const JwkSet> must_parse(const std::string& text) {
    std::string error;
    auto set = JwkSet::parse(text, &error);
    BOOST_REQUIRE_MESSAGE(set, "JwkSet::parse failed: " << error);
    return set;
}

const char kOctKey[] = R"({"kty":"oct","kid":"oct-1","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"})";

}  // namespace

BOOST_AUTO_TEST_SUITE(jwk_set)

BOOST_AUTO_TEST_CASE(parses_mixed_set_keeping_okp_rsa_ec_and_skipping_oct) {
    auto set = must_parse(test::jwks({TestKey::shared_ed25519().public_jwk("EdDSA"),
                                      TestKey::shared_rsa().public_jwk("RS256"),
                                      TestKey::shared_ec256().public_jwk("ES256"), kOctKey}));
    BOOST_TEST(set->size() == 3u);
    BOOST_TEST(set->skipped().size() == 1u);

    const JsonWebKey* ed = set->find("ed-1");
    BOOST_REQUIRE(ed);
    BOOST_TEST(ed->kty() == "OKP");
    BOOST_TEST(ed->crv() == "Ed25519");
    BOOST_TEST(ed->alg() == "EdDSA");
    BOOST_TEST(ed->use() == "");

    const JsonWebKey* rsa = set->find("rsa-1");
    BOOST_REQUIRE(rsa);
    BOOST_TEST(rsa->kty() == "RSA");
    BOOST_TEST(rsa->bits() == 2048u);

    const JsonWebKey* ec = set->find("ec-1");
    BOOST_REQUIRE(ec);
    BOOST_TEST(ec->kty() == "EC");
    BOOST_TEST(ec->crv() == "P-256");

    BOOST_TEST(set->find("oct-1") == nullptr);
}

BOOST_AUTO_TEST_CASE(imports_p384_and_p521_keys_with_their_curve) {
    auto set = must_parse(test::jwks(
        {TestKey::shared_ec384().public_jwk(), TestKey::shared_ec521().public_jwk()}));
    BOOST_REQUIRE_EQUAL(set->size(), 2u);
    BOOST_TEST(set->find("ec384-1")->crv() == "P-384");
    BOOST_TEST(set->find("ec521-1")->crv() == "P-521");
}

BOOST_AUTO_TEST_CASE(rejects_document_that_is_not_json) {
    std::string error;
    BOOST_TEST(!JwkSet::parse("{\"keys\":[", &error));
    BOOST_TEST(!error.empty());
    BOOST_TEST(!JwkSet::parse("", nullptr));
}

BOOST_AUTO_TEST_CASE(rejects_document_without_keys_array) {
    for (const char* text : {"[]", "\"keys\"", "{}", "{\"keys\":{}}", "{\"keys\":\"x\"}", "{\"keys\":null}"}) {
        std::string error;
        BOOST_TEST(!JwkSet::parse(text, &error), text);
        BOOST_TEST(!error.empty(), text);
    }
}

BOOST_AUTO_TEST_CASE(accepts_empty_keys_array) {
    auto set = must_parse("{\"keys\":[]}");
    BOOST_TEST(set->size() == 0u);
    BOOST_TEST(set->find("any") == nullptr);
}

BOOST_AUTO_TEST_CASE(ignores_key_with_use_enc) {
    auto set = must_parse(test::jwks({TestKey::shared_ec256().public_jwk("", "enc"),
                                      TestKey::shared_rsa().public_jwk("", "sig")}));
    BOOST_TEST(set->size() == 1u);
    BOOST_TEST(set->find("ec-1") == nullptr);
    BOOST_REQUIRE(set->find("rsa-1"));
    BOOST_TEST(set->find("rsa-1")->use() == "sig");
    BOOST_REQUIRE_EQUAL(set->skipped().size(), 1u);
    BOOST_TEST(set->skipped()[0].find("enc") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ignores_key_whose_key_ops_lack_verify) {
    const std::string ed = TestKey::shared_ed25519().public_jwk();
    const std::string encrypt_only = ed.substr(0, ed.size() - 1) + ",\"key_ops\":[\"encrypt\"]}";
    const std::string verify_ok = TestKey::shared_rsa().public_jwk();
    const std::string with_verify = verify_ok.substr(0, verify_ok.size() - 1) + ",\"key_ops\":[\"verify\"]}";
    auto set = must_parse(test::jwks({encrypt_only, with_verify}));
    BOOST_TEST(set->size() == 1u);
    BOOST_TEST(set->find("rsa-1") != nullptr);
}

BOOST_AUTO_TEST_CASE(skips_malformed_and_unsupported_keys_but_keeps_the_rest) {
    auto set = must_parse(test::jwks({
        "\"not an object\"",
        R"({"kty":"RSA","kid":"bad-rsa","n":"!!!","e":"AQAB"})",
        R"({"kty":"RSA","kid":"no-n","e":"AQAB"})",
        R"({"kty":"OKP","kid":"short-x","crv":"Ed25519","x":"AAEC"})",
        R"({"kty":"OKP","kid":"ed448","crv":"Ed448","x":"AAEC"})",
        R"({"kty":"OKP","kid":"x25519","crv":"X25519","x":"AAEC"})",
        R"({"kty":"EC","kid":"p192","crv":"P-192","x":"AAEC","y":"AAEC"})",
        R"({"kty":"EC","kid":"off-curve","crv":"P-256","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})",
        R"({"kty":"EC","kid":7,"crv":"P-256"})",
        R"({"kid":"no-kty"})",
        TestKey::shared_ed25519().public_jwk(),
    }));
    BOOST_TEST(set->size() == 1u);
    BOOST_TEST(set->find("ed-1") != nullptr);
    BOOST_TEST(set->skipped().size() == 10u);
}

// cjose 0.6.2 asserts (aborts the process) on such values; found by test/fuzz/jwks_fuzz.cpp.
BOOST_AUTO_TEST_CASE(skips_key_with_invalid_base64url_member_without_reaching_cjose) {
    auto set = must_parse(test::jwks({
        R"({"kty":"RSA","kid":"padded-n","n":"AQAB=AQAB","e":"AQAB"})",
        R"({"kty":"RSA","kid":"odd-n","n":"AQABA","e":"AQAB"})",
        R"({"kty":"EC","kid":"bad-x","crv":"P-256","x":"a=b","y":"AQAB"})",
        R"({"kty":"RSA","kid":"number-e","n":"AQAB","e":65537})",
    }));
    BOOST_TEST(set->size() == 0u);
    BOOST_TEST(set->skipped().size() == 4u);
}

BOOST_AUTO_TEST_CASE(imports_only_public_members_ignoring_private_ones) {
    const std::string rsa = TestKey::shared_rsa().public_jwk();
    const std::string with_bad_private = rsa.substr(0, rsa.size() - 1) + R"(,"d":"=!not base64","p":7})";
    auto set = must_parse(test::jwks({with_bad_private}));
    BOOST_TEST(set->size() == 1u);
}

BOOST_AUTO_TEST_CASE(skips_rsa_key_below_2048_bits) {
    auto set = must_parse(test::jwks({TestKey::rsa("rsa-1024", 1024).public_jwk()}));
    BOOST_TEST(set->size() == 0u);
    BOOST_REQUIRE_EQUAL(set->skipped().size(), 1u);
    BOOST_TEST(set->skipped()[0].find("2048") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(find_returns_null_for_unknown_or_empty_kid) {
    auto set = must_parse(test::jwks({TestKey::shared_ed25519().with_kid("").public_jwk()}));
    BOOST_TEST(set->size() == 1u);
    BOOST_TEST(set->find("") == nullptr);
    BOOST_TEST(set->find("ed-1") == nullptr);
}

BOOST_AUTO_TEST_CASE(key_suits_only_algs_its_type_and_curve_can_make) {
    auto set = must_parse(test::jwks({TestKey::shared_ed25519().public_jwk(), TestKey::shared_rsa().public_jwk(),
                                      TestKey::shared_ec256().public_jwk(), TestKey::shared_ec521().public_jwk()}));
    const JsonWebKey* ed = set->find("ed-1");
    const JsonWebKey* rsa = set->find("rsa-1");
    const JsonWebKey* p256 = set->find("ec-1");
    const JsonWebKey* p521 = set->find("ec521-1");
    BOOST_TEST(ed->suits("EdDSA"));
    BOOST_TEST(!ed->suits("RS256"));
    BOOST_TEST(!ed->suits("ES256"));
    for (const char* alg : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}) BOOST_TEST(rsa->suits(alg), alg);
    BOOST_TEST(!rsa->suits("ES256"));
    BOOST_TEST(!rsa->suits("EdDSA"));
    BOOST_TEST(!rsa->suits("HS256"));
    BOOST_TEST(p256->suits("ES256"));
    BOOST_TEST(!p256->suits("ES384"));
    BOOST_TEST(!p256->suits("ES512"));
    BOOST_TEST(!p256->suits("RS256"));
    BOOST_TEST(p521->suits("ES512"));
    BOOST_TEST(!p521->suits("ES256"));
}

BOOST_AUTO_TEST_CASE(key_with_alg_member_suits_only_that_alg) {
    auto set = must_parse(test::jwks({TestKey::shared_rsa().public_jwk("RS256")}));
    const JsonWebKey* rsa = set->find("rsa-1");
    BOOST_TEST(rsa->alg() == "RS256");
    BOOST_TEST(rsa->suits("RS256"));
    BOOST_TEST(!rsa->suits("PS256"));
    BOOST_TEST(!rsa->suits("RS512"));
}

BOOST_AUTO_TEST_SUITE_END()
