// Bearer mode: the Authorization header parser, and JWT access tokens (RFC
// 9068) verified against a scripted provider, with the verified-token cache.
#include "core/bearer.h"
#include "core/json.h"
#include "scripted_provider.h"
#include "test_keys.h"

#include "printers.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

namespace {

const std::string kIssuer = test::kScriptedIssuer;
const std::string kDiscoveryUrl = test::kScriptedDiscoveryUrl;
const std::string kJwksUrl = test::kScriptedJwksUrl;
const std::string kAudience = "https://api.test";
const int64_t kNow = 1800000000;
const int64_t kSkew = 60;

struct Fixture : test::ScriptedProvider {

    BearerVerifier verifier(size_t max_entries = 10000) { return {shared_provider, kAudience, kSkew, max_entries}; }

    static std::string payload(const std::string& overrides = "", int64_t exp = kNow + 600,
                               const std::string& aud = R"([")" + kAudience + R"(","https://other.test"])") {
        return R"({"iss":")" + kIssuer + R"(","sub":"user-1","aud":)" + aud + R"(,"iat":)" +
               std::to_string(kNow) + R"(,"exp":)" + std::to_string(exp) + R"(,"scope":"read write")" +
               overrides + "}";
    }
    std::string at_header(const std::string& typ = "at+jwt") const {
        return R"({"alg":"EdDSA","kid":")" + key.kid() + R"(","typ":")" + typ + R"("})";
    }
    std::string access_token(const std::string& payload_json = payload()) const {
        return key.jwt("EdDSA", payload_json, at_header());
    }
};

struct Result {
    TokenStatus status;
    SharedClaims claims;
    std::string detail;
};

Result verify(BearerVerifier& v, const std::string& token, int64_t now = kNow) {
    Result r;
    r.status = v.verify(token, now, &r.claims, &r.detail);
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bearer)

// ---- bearer_token_of ----

BOOST_AUTO_TEST_CASE(token_is_taken_from_a_bearer_header_in_any_scheme_case) {
    BOOST_TEST(bearer_token_of("Bearer abc.def.ghi") == "abc.def.ghi");
    BOOST_TEST(bearer_token_of("bearer abc.def.ghi") == "abc.def.ghi");
    BOOST_TEST(bearer_token_of("BEARER abc.def.ghi") == "abc.def.ghi");
}

BOOST_AUTO_TEST_CASE(extra_spaces_around_the_token_are_ignored) {
    BOOST_TEST(bearer_token_of("Bearer    abc") == "abc");
    BOOST_TEST(bearer_token_of("Bearer abc   ") == "abc");
    BOOST_TEST(bearer_token_of("Bearer abc\t") == "abc");
}

BOOST_AUTO_TEST_CASE(several_tokens_or_a_token_with_separators_are_rejected) {
    BOOST_TEST(bearer_token_of("Bearer abc def") == "");
    BOOST_TEST(bearer_token_of("Bearer abc,def") == "");
    BOOST_TEST(bearer_token_of("Bearer abc, Bearer def") == "");
    BOOST_TEST(bearer_token_of("Bearer abc\tdef") == "");
}

BOOST_AUTO_TEST_CASE(empty_or_other_scheme_headers_give_no_token) {
    BOOST_TEST(bearer_token_of("") == "");
    BOOST_TEST(bearer_token_of("Bearer") == "");
    BOOST_TEST(bearer_token_of("Bearer ") == "");
    BOOST_TEST(bearer_token_of("Bearer      ") == "");
    BOOST_TEST(bearer_token_of("Bearerabc") == "");
    BOOST_TEST(bearer_token_of("Basic dXNlcjpwYXNz") == "");
    BOOST_TEST(bearer_token_of("Token Bearer abc") == "");
}

// ---- BearerVerifier ----

BOOST_AUTO_TEST_CASE(valid_at_jwt_with_the_audience_in_an_aud_array_is_accepted_with_its_claims) {
    Fixture f;
    auto v = f.verifier();
    Result r = verify(v, f.access_token());
    BOOST_TEST_REQUIRE(r.status == TokenStatus::Ok, r.detail);
    BOOST_TEST_REQUIRE(r.claims.get() != nullptr);
    BOOST_TEST(json_string_member(r.claims.get(), "sub") == "user-1");
    BOOST_TEST(json_string_member(r.claims.get(), "scope") == "read write");
    BOOST_TEST(v.cached() == 1u);
}

BOOST_AUTO_TEST_CASE(typ_is_compared_in_any_case_and_with_the_application_prefix) {
    Fixture f;
    auto v = f.verifier();
    BOOST_TEST(verify(v, f.key.jwt("EdDSA", Fixture::payload(), f.at_header("AT+JWT"))).status == TokenStatus::Ok);
    BOOST_TEST(verify(v, f.key.jwt("EdDSA", Fixture::payload(R"(,"jti":"2")"), f.at_header("application/at+jwt")))
                   .status == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(second_verify_of_a_token_makes_no_http_call_and_returns_the_same_claims) {
    Fixture f;
    auto v = f.verifier();
    const std::string token = f.access_token();
    Result first = verify(v, token);
    BOOST_TEST_REQUIRE(first.status == TokenStatus::Ok);
    const size_t calls = f.http->calls();
    BOOST_TEST(calls >= 2u);  // discovery and JWKS
    for (int i = 0; i < 10; ++i) {
        Result again = verify(v, token, kNow + i);
        BOOST_TEST(again.status == TokenStatus::Ok);
        BOOST_TEST(again.claims.get() == first.claims.get());
    }
    BOOST_TEST(f.http->calls() == calls);
}

BOOST_AUTO_TEST_CASE(cached_token_stays_valid_until_exp_plus_skew_then_is_expired) {
    Fixture f;
    auto v = f.verifier();
    const std::string token = f.access_token(Fixture::payload("", kNow + 600));
    BOOST_TEST_REQUIRE(verify(v, token).status == TokenStatus::Ok);
    BOOST_TEST(verify(v, token, kNow + 600 + kSkew - 1).status == TokenStatus::Ok);
    const size_t calls = f.http->calls();
    BOOST_TEST(verify(v, token, kNow + 600 + kSkew).status == TokenStatus::Expired);
    BOOST_TEST(v.cached() == 0u);
    // Still expired once out of the cache, by the full check this time.
    BOOST_TEST(verify(v, token, kNow + 600 + kSkew).status == TokenStatus::Expired);
    BOOST_TEST(f.http->calls() == calls);
}

BOOST_AUTO_TEST_CASE(id_token_like_jwt_without_at_jwt_typ_is_refused_as_typ_mismatch) {
    Fixture f;
    auto v = f.verifier();
    // typ "JWT", as an id_token has: same keys, same issuer, even the right audience.
    BOOST_TEST(verify(v, f.key.jwt("EdDSA", Fixture::payload())).status == TokenStatus::TypMismatch);
    // typ absent.
    BOOST_TEST(verify(v, f.key.jwt("EdDSA", Fixture::payload(), R"({"alg":"EdDSA","kid":")" + f.key.kid() + "\"}"))
                   .status == TokenStatus::TypMismatch);
    BOOST_TEST(verify(v, f.key.jwt("EdDSA", Fixture::payload(), f.at_header("logout+jwt"))).status ==
               TokenStatus::TypMismatch);
    BOOST_TEST(v.cached() == 0u);
}

BOOST_AUTO_TEST_CASE(token_for_another_audience_is_refused) {
    Fixture f;
    auto v = f.verifier();
    BOOST_TEST(verify(v, f.access_token(Fixture::payload("", kNow + 600, R"(["https://other.test"])"))).status ==
               TokenStatus::AudienceMismatch);
    BOOST_TEST(verify(v, f.access_token(Fixture::payload("", kNow + 600, R"("app")"))).status ==
               TokenStatus::AudienceMismatch);
    BOOST_TEST(v.cached() == 0u);
}

BOOST_AUTO_TEST_CASE(token_from_another_issuer_is_refused) {
    Fixture f;
    auto v = f.verifier();
    std::string p = Fixture::payload();
    p.replace(p.find(kIssuer), kIssuer.size(), "https://evil.test");
    BOOST_TEST(verify(v, f.access_token(p)).status == TokenStatus::IssuerMismatch);
}

BOOST_AUTO_TEST_CASE(expired_token_is_refused_and_not_cached) {
    Fixture f;
    auto v = f.verifier();
    BOOST_TEST(verify(v, f.access_token(Fixture::payload("", kNow - kSkew))).status == TokenStatus::Expired);
    BOOST_TEST(v.cached() == 0u);
}

BOOST_AUTO_TEST_CASE(token_without_sub_is_refused) {
    Fixture f;
    auto v = f.verifier();
    std::string p = Fixture::payload();
    p.replace(p.find(R"("sub":"user-1",)"), std::string(R"("sub":"user-1",)").size(), "");
    BOOST_TEST(verify(v, f.access_token(p)).status == TokenStatus::SubjectMissing);
}

BOOST_AUTO_TEST_CASE(tampered_signature_or_payload_is_refused) {
    Fixture f;
    auto v = f.verifier();
    const std::string token = f.access_token();
    BOOST_TEST(verify(v, test::flip_signature_byte(token)).status == TokenStatus::BadSignature);
    // The payload of another token (another sub) under this token's signature.
    const std::string other = f.access_token(Fixture::payload(R"(,"role":"admin")"));
    const size_t d1 = token.find('.'), d2 = token.rfind('.');
    const size_t o1 = other.find('.'), o2 = other.rfind('.');
    const std::string spliced = token.substr(0, d1) + other.substr(o1, o2 - o1) + token.substr(d2);
    BOOST_TEST(verify(v, spliced).status == TokenStatus::BadSignature);
    BOOST_TEST(v.cached() == 0u);
}

BOOST_AUTO_TEST_CASE(alg_none_is_refused_even_with_at_jwt_typ) {
    Fixture f;
    auto v = f.verifier();
    const std::string token =
        test::compact_jwt(R"({"alg":"none","kid":")" + f.key.kid() + R"(","typ":"at+jwt"})", Fixture::payload(), "");
    BOOST_TEST(verify(v, token).status == TokenStatus::AlgNone);
    BOOST_TEST(v.cached() == 0u);
}

BOOST_AUTO_TEST_CASE(hs256_keyed_with_the_public_key_is_refused) {
    Fixture f;
    auto v = f.verifier();
    const std::string header = R"({"alg":"HS256","kid":")" + f.key.kid() + R"(","typ":"at+jwt"})";
    for (const std::string& secret : {f.key.public_jwk("EdDSA"), f.key.public_pem()})
        BOOST_TEST(verify(v, test::hmac_jwt("HS256", secret, header, Fixture::payload())).status ==
                   TokenStatus::AlgNotAllowed);
    BOOST_TEST(v.cached() == 0u);
}

BOOST_AUTO_TEST_CASE(malformed_or_empty_token_is_refused_without_any_http_call) {
    Fixture f;
    auto v = f.verifier();
    BOOST_TEST(verify(v, "").status == TokenStatus::Malformed);
    BOOST_TEST(verify(v, "not-a-jwt").status == TokenStatus::Malformed);
    BOOST_TEST(verify(v, std::string(kMaxJwtBytes + 1, 'a')).status == TokenStatus::Malformed);
    BOOST_TEST(f.http->calls() == 0u);
}

BOOST_AUTO_TEST_CASE(provider_down_at_first_use_reports_keys_unavailable) {
    Fixture f;
    f.http->set_down(true);
    auto v = f.verifier();
    Result r = verify(v, f.access_token());
    BOOST_TEST(r.status == TokenStatus::KeysUnavailable);
    BOOST_TEST(!r.detail.empty());
    BOOST_TEST(v.cached() == 0u);
}

BOOST_AUTO_TEST_CASE(jwks_down_after_discovery_reports_keys_unavailable) {
    Fixture f;
    f.http->respond(kJwksUrl, FakeHttpClient::transport_failure());
    auto v = f.verifier();
    Result r = verify(v, f.access_token());
    BOOST_TEST(r.status == TokenStatus::KeysUnavailable);
}

BOOST_AUTO_TEST_CASE(refused_token_does_not_report_keys_unavailable) {
    Fixture f;
    auto v = f.verifier();
    Result r = verify(v, test::flip_signature_byte(f.access_token()));
    BOOST_TEST(r.status == TokenStatus::BadSignature);
}

BOOST_AUTO_TEST_CASE(cache_never_grows_beyond_its_bound) {
    Fixture f;
    auto v = f.verifier(3);
    for (int i = 0; i < 20; ++i) {
        const std::string token = f.access_token(Fixture::payload(R"(,"jti":"t)" + std::to_string(i) + "\""));
        BOOST_TEST(verify(v, token).status == TokenStatus::Ok);
        BOOST_TEST(v.cached() <= 3u);
    }
    BOOST_TEST(v.cached() >= 1u);
}

BOOST_AUTO_TEST_CASE(full_cache_drops_expired_entries_first) {
    Fixture f;
    auto v = f.verifier(3);
    const std::string short_lived = f.access_token(Fixture::payload(R"(,"jti":"short")", kNow + 10));
    const std::string a = f.access_token(Fixture::payload(R"(,"jti":"a")"));
    const std::string b = f.access_token(Fixture::payload(R"(,"jti":"b")"));
    BOOST_TEST_REQUIRE(verify(v, short_lived).status == TokenStatus::Ok);
    BOOST_TEST_REQUIRE(verify(v, a).status == TokenStatus::Ok);
    BOOST_TEST_REQUIRE(verify(v, b).status == TokenStatus::Ok);
    const int64_t later = kNow + 10 + kSkew;  // short_lived's cache entry is over
    BOOST_TEST_REQUIRE(verify(v, f.access_token(Fixture::payload(R"(,"jti":"c")")), later).status == TokenStatus::Ok);
    BOOST_TEST(v.cached() == 3u);  // a, b and c: only the expired entry made room
}

BOOST_AUTO_TEST_SUITE_END()
