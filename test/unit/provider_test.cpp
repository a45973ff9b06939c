// Provider against the fake HTTP client: lazy, cached discovery; keys
// refetched once for an unknown kid; id_token verification with this
// provider's issuer and algorithms; one Provider per issuer and settings.
#include "core/provider.h"
#include "fake_http.h"
#include "test_keys.h"

#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>

using namespace ssoauth;

namespace {

const std::string kIssuer = "https://idp.test/api/auth";
const std::string kDiscoveryUrl = kIssuer + "/.well-known/openid-configuration";
const std::string kJwksUrl = kIssuer + "/jwks";
const int64_t kNow = 1800000000;

std::string discovery(const std::string& algs = R"(["EdDSA"])") {
    return R"({"issuer":")" + kIssuer + R"(","authorization_endpoint":")" + kIssuer +
           R"(/oauth2/authorize","token_endpoint":")" + kIssuer + R"(/oauth2/token","jwks_uri":")" + kJwksUrl +
           R"(","id_token_signing_alg_values_supported":)" + algs + "}";
}

struct Fixture {
    std::shared_ptr<FakeHttpClient> http = std::make_shared<FakeHttpClient>();
    Provider provider{kIssuer, http};
    const test::TestKey& key = test::TestKey::shared_ed25519();  // kid "ed-1"

    Fixture() {
        http->respond(kDiscoveryUrl, FakeHttpClient::json(200, discovery()));
        http->respond(kJwksUrl, FakeHttpClient::json(200, test::jwks({key.public_jwk("EdDSA")})));
    }

    std::shared_ptr<const ProviderMetadata> metadata() {
        std::string error;
        auto doc = provider.metadata(kNow, &error);
        BOOST_REQUIRE_MESSAGE(doc, error);
        return doc;
    }

    // An id_token for client "app" from `iss`, signed by `signer` with `alg`.
    static std::string id_token(const test::TestKey& signer, const std::string& alg = "EdDSA",
                                const std::string& iss = kIssuer) {
        return signer.jwt(alg, R"({"iss":")" + iss + R"(","aud":"app","sub":"user-1","nonce":"n-1","iat":)" +
                                   std::to_string(kNow) + R"(,"exp":)" + std::to_string(kNow + 600) + "}");
    }

    static IdTokenChecks checks() {
        IdTokenChecks c;
        c.client_id = "app";
        c.nonce = "n-1";
        c.claims.now = kNow;
        return c;
    }

    TokenStatus verify(const std::string& token, IdTokenChecks c, std::string* error) {
        Jwt jwt;
        return provider.verify_id_token(token, *metadata(), std::move(c), &jwt, error);
    }

    // A check that passes when the set has `kid`, and reports UnknownKid otherwise.
    static std::function<TokenStatus(const JwkSet&)> finds(const std::string& kid, int* runs) {
        return [kid, runs](const JwkSet& keys) {
            ++*runs;
            return keys.find(kid) ? TokenStatus::Ok : TokenStatus::UnknownKid;
        };
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(provider)

// ---- metadata

BOOST_FIXTURE_TEST_CASE(makes_no_request_until_metadata_is_asked_for, Fixture) {
    BOOST_TEST(http->calls() == 0u);
    BOOST_TEST(provider.issuer() == kIssuer);
    metadata();
    BOOST_TEST(http->calls(kDiscoveryUrl) == 1u);
}

BOOST_FIXTURE_TEST_CASE(serves_metadata_from_its_cache_within_the_ttl, Fixture) {
    auto first = metadata();
    std::string error;
    auto again = provider.metadata(kNow + 3599, &error);
    BOOST_TEST(again == first);
    BOOST_TEST(http->calls(kDiscoveryUrl) == 1u);
    BOOST_TEST(first->jwks_uri == kJwksUrl);
}

BOOST_FIXTURE_TEST_CASE(refetches_metadata_after_the_ttl_given_to_the_constructor, Fixture) {
    Provider short_lived(kIssuer, http, 60);
    BOOST_REQUIRE(short_lived.metadata(kNow, nullptr));
    BOOST_REQUIRE(short_lived.metadata(kNow + 59, nullptr));
    BOOST_TEST(http->calls(kDiscoveryUrl) == 1u);
    BOOST_REQUIRE(short_lived.metadata(kNow + 60, nullptr));
    BOOST_TEST(http->calls(kDiscoveryUrl) == 2u);
}

BOOST_FIXTURE_TEST_CASE(names_the_failure_when_metadata_cannot_be_had, Fixture) {
    http->set_down(true);
    std::string error;
    BOOST_TEST(!provider.metadata(kNow, &error));
    BOOST_TEST(error.rfind("unreachable: ", 0) == 0u, error);
    BOOST_TEST(!provider.metadata(kNow, nullptr));  // the error is optional
}

BOOST_FIXTURE_TEST_CASE(names_an_issuer_mismatch_in_the_discovery_document, Fixture) {
    Provider other("https://other.test", http);
    http->respond("https://other.test/.well-known/openid-configuration", FakeHttpClient::json(200, discovery()));
    std::string error;
    BOOST_TEST(!other.metadata(kNow, &error));
    BOOST_TEST(error.rfind("issuer_mismatch: ", 0) == 0u, error);
}

// ---- with_keys

BOOST_FIXTURE_TEST_CASE(runs_the_check_once_against_the_fetched_keys, Fixture) {
    int runs = 0;
    std::string error;
    BOOST_TEST(provider.with_keys(kJwksUrl, "ed-1", kNow, finds("ed-1", &runs), &error) ==
               TokenStatus::Ok);
    BOOST_TEST(runs == 1);
    BOOST_TEST(http->calls(kJwksUrl) == 1u);
}

BOOST_FIXTURE_TEST_CASE(refetches_keys_once_for_an_unknown_kid, Fixture) {
    const test::TestKey rotated = test::TestKey::ed25519("ed-2");
    http->enqueue(kJwksUrl, FakeHttpClient::json(200, test::jwks({key.public_jwk("EdDSA")})));
    http->respond(kJwksUrl, FakeHttpClient::json(200, test::jwks({key.public_jwk("EdDSA"), rotated.public_jwk()})));
    int runs = 0;
    std::string error;
    BOOST_REQUIRE(provider.with_keys(kJwksUrl, "ed-1", kNow, finds("ed-1", &runs), &error) ==
                  TokenStatus::Ok);
    BOOST_TEST(http->calls(kJwksUrl) == 1u);

    // A minute later a token names a key the cached set lacks: one refetch, and the check runs again.
    runs = 0;
    BOOST_TEST(provider.with_keys(kJwksUrl, "ed-2", kNow + 60, finds("ed-2", &runs), &error) ==
               TokenStatus::Ok);
    BOOST_TEST(runs == 2);
    BOOST_TEST(http->calls(kJwksUrl) == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_kid_still_unknown_after_the_refetch_is_not_fetched_again_at_once, Fixture) {
    int runs = 0;
    std::string error;
    BOOST_REQUIRE(provider.with_keys(kJwksUrl, "ed-1", kNow, finds("ed-1", &runs), &error) ==
                  TokenStatus::Ok);
    runs = 0;
    BOOST_TEST(provider.with_keys(kJwksUrl, "nope", kNow + 60, finds("nope", &runs), &error) ==
               TokenStatus::UnknownKid);
    BOOST_TEST(http->calls(kJwksUrl) == 2u);
    BOOST_TEST(runs == 2);  // once against the cached set, once against the refetched one

    // Another unknown kid moments later: the refetch is rate-limited.
    runs = 0;
    BOOST_TEST(provider.with_keys(kJwksUrl, "nope-2", kNow + 61, finds("nope-2", &runs), &error) ==
               TokenStatus::UnknownKid);
    BOOST_TEST(http->calls(kJwksUrl) == 2u);
    BOOST_TEST(runs == 1);  // no new set, so no second run
}

BOOST_FIXTURE_TEST_CASE(does_not_refetch_keys_for_failures_other_than_an_unknown_kid, Fixture) {
    int runs = 0;
    std::string error;
    auto bad_signature = [&runs](const JwkSet&) {
        ++runs;
        return TokenStatus::BadSignature;
    };
    BOOST_TEST(provider.with_keys(kJwksUrl, "ed-1", kNow, bad_signature, &error) ==
               TokenStatus::BadSignature);
    BOOST_TEST(provider.with_keys(kJwksUrl, "ed-1", kNow + 60, bad_signature, &error) ==
               TokenStatus::BadSignature);
    BOOST_TEST(runs == 2);
    BOOST_TEST(http->calls(kJwksUrl) == 1u);
}

BOOST_FIXTURE_TEST_CASE(reports_keys_unavailable_without_running_the_check, Fixture) {
    http->respond(kJwksUrl, FakeHttpClient::json(503, "down"));
    int runs = 0;
    std::string error;
    BOOST_TEST(provider.with_keys(kJwksUrl, "ed-1", kNow, finds("ed-1", &runs), &error) ==
               TokenStatus::KeysUnavailable);
    BOOST_TEST(runs == 0);
    BOOST_TEST(!error.empty());
}

// ---- verify_id_token

BOOST_FIXTURE_TEST_CASE(verifies_a_valid_id_token_and_returns_it_parsed, Fixture) {
    Jwt jwt;
    std::string error;
    BOOST_TEST(provider.verify_id_token(id_token(key), *metadata(), checks(), &jwt, &error) ==
               TokenStatus::Ok);
    BOOST_TEST(jwt.kid == "ed-1");
    BOOST_TEST(json_string_member(jwt.payload.get(), "sub") == "user-1");
}

BOOST_FIXTURE_TEST_CASE(checks_the_issuer_against_this_provider_not_the_callers_checks, Fixture) {
    const std::string evil = "https://evil.test";
    IdTokenChecks c = checks();
    c.claims.issuer = evil;
    std::string error;
    BOOST_TEST(verify(id_token(key, "EdDSA", evil), c, &error) == TokenStatus::IssuerMismatch);
    BOOST_TEST(verify(id_token(key), c, &error) == TokenStatus::Ok);
}

BOOST_FIXTURE_TEST_CASE(accepts_only_the_algorithms_the_provider_advertises, Fixture) {
    const test::TestKey& rsa = test::TestKey::shared_rsa();  // kid "rsa-1"
    http->respond(kJwksUrl, FakeHttpClient::json(200, test::jwks({key.public_jwk("EdDSA"), rsa.public_jwk()})));
    IdTokenChecks c = checks();
    c.allowed_algs = {"EdDSA", "RS256"};  // replaced by what the provider advertises: EdDSA only
    std::string error;
    BOOST_TEST(verify(id_token(rsa, "RS256"), c, &error) == TokenStatus::AlgNotAllowed);
    BOOST_TEST(verify(id_token(key), c, &error) == TokenStatus::Ok);
}

BOOST_FIXTURE_TEST_CASE(refuses_an_unsigned_or_hmac_id_token, Fixture) {
    const std::string payload = R"({"iss":")" + kIssuer + R"(","aud":"app","sub":"user-1","nonce":"n-1","iat":)" +
                                std::to_string(kNow) + R"(,"exp":)" + std::to_string(kNow + 600) + "}";
    std::string error;
    BOOST_TEST(verify(test::unsigned_jwt(payload, "none", "ed-1"), checks(), &error) ==
               TokenStatus::AlgNone);
    BOOST_TEST(verify(test::hmac_jwt("HS256", key.public_jwk("EdDSA"), R"({"alg":"HS256","kid":"ed-1"})", payload),
                      checks(), &error) == TokenStatus::AlgNotAllowed);
}

BOOST_FIXTURE_TEST_CASE(verifies_a_token_signed_by_a_rotated_key_after_one_refetch, Fixture) {
    metadata();
    std::string error;
    BOOST_REQUIRE(verify(id_token(key), checks(), &error) == TokenStatus::Ok);
    const test::TestKey rotated = test::TestKey::ed25519("ed-2");
    http->respond(kJwksUrl, FakeHttpClient::json(200, test::jwks({key.public_jwk("EdDSA"), rotated.public_jwk()})));
    IdTokenChecks later = checks();
    later.claims.now = kNow + 60;
    Jwt jwt;
    BOOST_TEST(provider.verify_id_token(id_token(rotated), *metadata(), later, &jwt, &error) ==
               TokenStatus::Ok);
    BOOST_TEST(http->calls(kJwksUrl) == 2u);
}

BOOST_FIXTURE_TEST_CASE(refuses_a_malformed_id_token_before_fetching_keys, Fixture) {
    std::string error;
    BOOST_TEST(verify("not.a-jwt", checks(), &error) == TokenStatus::Malformed);
    BOOST_TEST(http->calls(kJwksUrl) == 0u);
}

BOOST_FIXTURE_TEST_CASE(reports_keys_unavailable_when_the_jwks_cannot_be_fetched, Fixture) {
    http->respond(kJwksUrl, FakeHttpClient::transport_failure());
    std::string error;
    BOOST_TEST(verify(id_token(key), checks(), &error) == TokenStatus::KeysUnavailable);
    BOOST_TEST(error.find("Connection refused") != std::string::npos, error);
}

// ---- allowed_signing_algs

BOOST_AUTO_TEST_CASE(allowed_signing_algs_never_includes_none_or_hmac) {
    ProviderMetadata m;
    m.id_token_signing_alg_values_supported = {"none", "NONE", "HS256", "HS384", "HS512", "hs256",
                                               "EdDSA", "RS256", "ES256", "PS512", "XS999"};
    BOOST_TEST((allowed_signing_algs(m) == std::set<std::string>{"EdDSA", "ES256", "PS512", "RS256"}));
}

BOOST_AUTO_TEST_CASE(allowed_signing_algs_defaults_to_rs256_when_none_is_advertised) {
    ProviderMetadata m;
    BOOST_TEST((allowed_signing_algs(m) == std::set<std::string>{"RS256"}));
}

BOOST_AUTO_TEST_CASE(allowed_signing_algs_is_empty_when_the_provider_advertises_only_unsafe_ones) {
    ProviderMetadata m;
    m.id_token_signing_alg_values_supported = {"none", "HS256"};
    BOOST_TEST(allowed_signing_algs(m).empty());
}

BOOST_AUTO_TEST_CASE(allowed_signing_algs_never_exceeds_the_supported_ones) {
    ProviderMetadata m;
    m.id_token_signing_alg_values_supported.assign(supported_signing_algs().begin(), supported_signing_algs().end());
    m.id_token_signing_alg_values_supported.push_back("HS256");
    BOOST_TEST((allowed_signing_algs(m) == supported_signing_algs()));
}

// ---- provider_for

BOOST_AUTO_TEST_CASE(provider_for_returns_the_same_object_for_the_same_settings) {
    HttpOptions options;
    options.timeout_ms = 1234;
    auto first = provider_for("https://provider-for.test/a", options);
    auto second = provider_for("https://provider-for.test/a", options);
    BOOST_REQUIRE(first);
    BOOST_TEST(first.get() == second.get());
    BOOST_TEST(first->issuer() == "https://provider-for.test/a");
}

BOOST_AUTO_TEST_CASE(provider_for_returns_another_object_when_the_issuer_or_a_setting_differs) {
    HttpOptions options;
    options.timeout_ms = 1234;
    auto base = provider_for("https://provider-for.test/b", options);
    BOOST_TEST(provider_for("https://provider-for.test/c", options).get() != base.get());
    HttpOptions slower = options;
    slower.timeout_ms = 9999;
    BOOST_TEST(provider_for("https://provider-for.test/b", slower).get() != base.get());
    HttpOptions insecure = options;
    insecure.verify_tls = false;
    BOOST_TEST(provider_for("https://provider-for.test/b", insecure).get() != base.get());
    HttpOptions bundle = options;
    bundle.ca_bundle = "/etc/ssl/certs/ca-certificates.crt";
    BOOST_TEST(provider_for("https://provider-for.test/b", bundle).get() != base.get());
    BOOST_TEST(provider_for("https://provider-for.test/b", options).get() == base.get());
}

BOOST_AUTO_TEST_SUITE_END()
