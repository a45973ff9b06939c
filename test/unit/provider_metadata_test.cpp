#include <boost/test/unit_test.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "core/json.h"
#include "core/provider_metadata.h"
#include "fake_http.h"

using namespace ssoauth;

namespace {

const std::string kIssuer = "https://idp.example.com/api/auth";
const std::string kDiscovery = "https://idp.example.com/api/auth/.well-known/openid-configuration";

// Shaped like Better Auth's oauth-provider discovery document.
std::string better_auth_document(const std::string& issuer = kIssuer) {
    return R"({
  "issuer": ")" + issuer + R"(",
  "authorization_endpoint": "https://idp.example.com/api/auth/oauth2/authorize",
  "token_endpoint": "https://idp.example.com/api/auth/oauth2/token",
  "userinfo_endpoint": "https://idp.example.com/api/auth/oauth2/userinfo",
  "jwks_uri": "https://idp.example.com/api/auth/jwks",
  "registration_endpoint": "https://idp.example.com/api/auth/oauth2/register",
  "introspection_endpoint": "https://idp.example.com/api/auth/oauth2/introspect",
  "revocation_endpoint": "https://idp.example.com/api/auth/oauth2/revoke",
  "end_session_endpoint": "https://idp.example.com/api/auth/oauth2/end-session",
  "response_types_supported": ["code"],
  "response_modes_supported": ["query"],
  "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
  "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
  "code_challenge_methods_supported": ["S256"],
  "authorization_response_iss_parameter_supported": true,
  "scopes_supported": ["openid", "profile", "email", "offline_access"],
  "subject_types_supported": ["public"],
  "id_token_signing_alg_values_supported": ["EdDSA"],
  "claims_supported": ["sub", "iss", "aud", "exp", "iat", "sid", "name", "email"],
  "prompt_values_supported": ["login", "consent", "select_account", "none"]
})";
}

// The document with one member's raw JSON text replaced, or removed when value is empty.
std::string with_member(const std::string& name, const std::string& value) {
    JsonPtr doc = json_parse(better_auth_document());
    if (value.empty()) {
        json_object_del(doc.get(), name.c_str());
    } else {
        json_object_set_new(doc.get(), name.c_str(), json_loads(value.c_str(), JSON_DECODE_ANY, nullptr));
    }
    return json_dump(doc.get());
}

MetadataStatus parse(const std::string& body, const std::string& issuer = kIssuer, std::string* detail = nullptr) {
    ProviderMetadata m;
    std::string ignored;
    return parse_provider_metadata(body, issuer, &m, detail ? detail : &ignored);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(provider_metadata)

BOOST_AUTO_TEST_CASE(parses_better_auth_discovery_document) {
    ProviderMetadata m;
    std::string detail = "unchanged";
    BOOST_REQUIRE(parse_provider_metadata(better_auth_document(), kIssuer, &m, &detail) == MetadataStatus::Ok);
    BOOST_TEST(detail == "");
    BOOST_TEST(m.issuer == kIssuer);
    BOOST_TEST(m.authorization_endpoint == "https://idp.example.com/api/auth/oauth2/authorize");
    BOOST_TEST(m.token_endpoint == "https://idp.example.com/api/auth/oauth2/token");
    BOOST_TEST(m.userinfo_endpoint == "https://idp.example.com/api/auth/oauth2/userinfo");
    BOOST_TEST(m.jwks_uri == "https://idp.example.com/api/auth/jwks");
    BOOST_TEST(m.end_session_endpoint == "https://idp.example.com/api/auth/oauth2/end-session");
    BOOST_TEST(m.revocation_endpoint == "https://idp.example.com/api/auth/oauth2/revoke");
    BOOST_TEST(m.introspection_endpoint == "https://idp.example.com/api/auth/oauth2/introspect");
    BOOST_TEST(m.id_token_signing_alg_values_supported == std::vector<std::string>{"EdDSA"});
    BOOST_TEST(m.code_challenge_methods_supported == std::vector<std::string>{"S256"});
    BOOST_TEST(m.token_endpoint_auth_methods_supported ==
               (std::vector<std::string>{"client_secret_basic", "client_secret_post"}));
    BOOST_TEST(m.scopes_supported.size() == 4u);
    BOOST_TEST(m.authorization_response_iss_parameter_supported);
}

BOOST_AUTO_TEST_CASE(accepts_loopback_http_issuer_with_http_endpoints) {
    std::string doc = better_auth_document("http://127.0.0.1:3000/api/auth");
    for (std::string from = "https://idp.example.com"; doc.find(from) != std::string::npos;)
        doc.replace(doc.find(from), from.size(), "http://127.0.0.1:3000");
    BOOST_TEST((parse(doc, "http://127.0.0.1:3000/api/auth") == MetadataStatus::Ok));
}

BOOST_AUTO_TEST_CASE(rejects_issuer_with_extra_trailing_slash) {
    BOOST_TEST((parse(better_auth_document(kIssuer + "/")) == MetadataStatus::IssuerMismatch));
    BOOST_TEST((parse(better_auth_document(), kIssuer + "/") == MetadataStatus::IssuerMismatch));
}

BOOST_AUTO_TEST_CASE(rejects_issuer_with_http_instead_of_https) {
    std::string detail;
    BOOST_TEST((parse(better_auth_document("http://idp.example.com/api/auth"), kIssuer, &detail) ==
                MetadataStatus::IssuerMismatch));
    BOOST_TEST(detail.find("http://idp.example.com/api/auth") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_issuer_with_appended_characters) {
    BOOST_TEST((parse(better_auth_document(kIssuer + "+1")) == MetadataStatus::IssuerMismatch));
    BOOST_TEST((parse(better_auth_document("https://IDP.example.com/api/auth")) == MetadataStatus::IssuerMismatch));
}

BOOST_AUTO_TEST_CASE(rejects_document_without_issuer) {
    BOOST_TEST((parse(with_member("issuer", "")) == MetadataStatus::IssuerMismatch));
    BOOST_TEST((parse(with_member("issuer", "42")) == MetadataStatus::IssuerMismatch));
}

BOOST_AUTO_TEST_CASE(rejects_missing_jwks_uri) {
    std::string detail;
    BOOST_TEST((parse(with_member("jwks_uri", ""), kIssuer, &detail) == MetadataStatus::MissingEndpoint));
    BOOST_TEST(detail.find("jwks_uri") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_missing_authorization_or_token_endpoint) {
    BOOST_TEST((parse(with_member("authorization_endpoint", "")) == MetadataStatus::MissingEndpoint));
    BOOST_TEST((parse(with_member("token_endpoint", "")) == MetadataStatus::MissingEndpoint));
    BOOST_TEST((parse(with_member("token_endpoint", "\"\"")) == MetadataStatus::MissingEndpoint));
}

BOOST_AUTO_TEST_CASE(optional_endpoints_may_be_absent) {
    ProviderMetadata m;
    std::string detail;
    std::string doc = with_member("end_session_endpoint", "");
    BOOST_REQUIRE(parse_provider_metadata(doc, kIssuer, &m, &detail) == MetadataStatus::Ok);
    BOOST_TEST(m.end_session_endpoint == "");
}

BOOST_AUTO_TEST_CASE(rejects_endpoints_that_are_not_absolute_http_urls) {
    BOOST_TEST((parse(with_member("token_endpoint", "\"/oauth2/token\"")) == MetadataStatus::MissingEndpoint));
    BOOST_TEST((parse(with_member("token_endpoint", "\"ftp://idp.example.com/t\"")) ==
                MetadataStatus::MissingEndpoint));
    BOOST_TEST((parse(with_member("jwks_uri", "\"https:///jwks\"")) == MetadataStatus::MissingEndpoint));
    BOOST_TEST((parse(with_member("jwks_uri", "\"https://evil@idp.example.com/jwks\"")) ==
                MetadataStatus::MissingEndpoint));
    BOOST_TEST((parse(with_member("authorization_endpoint", "\"https://idp.example.com/a#frag\"")) ==
                MetadataStatus::MissingEndpoint));
    BOOST_TEST((parse(with_member("end_session_endpoint", "\"javascript:alert(1)\"")) ==
                MetadataStatus::MissingEndpoint));
}

BOOST_AUTO_TEST_CASE(rejects_plain_http_endpoint_under_https_issuer) {
    BOOST_TEST((parse(with_member("token_endpoint", "\"http://idp.example.com/api/auth/oauth2/token\"")) ==
                MetadataStatus::MissingEndpoint));
}

BOOST_AUTO_TEST_CASE(rejects_non_json_and_wrongly_typed_members) {
    BOOST_TEST((parse("<html>Not Found</html>") == MetadataStatus::BadJson));
    BOOST_TEST((parse("") == MetadataStatus::BadJson));
    BOOST_TEST((parse("[\"issuer\"]") == MetadataStatus::BadJson));
    BOOST_TEST((parse(with_member("token_endpoint", "7")) == MetadataStatus::BadJson));
    BOOST_TEST((parse(with_member("scopes_supported", "\"openid\"")) == MetadataStatus::BadJson));
    BOOST_TEST((parse(with_member("code_challenge_methods_supported", "[1]")) == MetadataStatus::BadJson));
    BOOST_TEST((parse(with_member("authorization_response_iss_parameter_supported", "\"true\"")) ==
                MetadataStatus::BadJson));
}

BOOST_AUTO_TEST_CASE(discovery_url_trims_trailing_slash) {
    BOOST_TEST(discovery_url(kIssuer) == kDiscovery);
    BOOST_TEST(discovery_url(kIssuer + "/") == kDiscovery);
    BOOST_TEST(discovery_url("https://op.example") == "https://op.example/.well-known/openid-configuration");
}

BOOST_AUTO_TEST_CASE(status_names_are_stable) {
    BOOST_TEST(std::string(metadata_status_name(MetadataStatus::Ok)) == "ok");
    BOOST_TEST(std::string(metadata_status_name(MetadataStatus::IssuerMismatch)) == "issuer_mismatch");
    BOOST_TEST(std::string(metadata_status_name(MetadataStatus::MissingEndpoint)) == "missing_endpoint");
}

BOOST_AUTO_TEST_CASE(cache_fetches_once_for_ten_gets_within_ttl) {
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kDiscovery, FakeHttpClient::json(200, better_auth_document()));
    MetadataCache cache(kIssuer, http, 3600);
    for (int i = 0; i < 10; ++i) {
        MetadataStatus status = MetadataStatus::BadJson;
        std::string detail = "x";
        auto m = cache.get(1000 + i * 60, &status, &detail);
        BOOST_REQUIRE(m);
        BOOST_TEST((status == MetadataStatus::Ok));
        BOOST_TEST(detail == "");
        BOOST_TEST(m->jwks_uri == "https://idp.example.com/api/auth/jwks");
    }
    BOOST_TEST(cache.fetch_count() == 1u);
    BOOST_TEST(http->calls(kDiscovery) == 1u);
    BOOST_TEST(http->last_request().method == "GET");
    BOOST_TEST(FakeHttpClient::header_of(http->last_request(), "Accept") == "application/json");
}

BOOST_AUTO_TEST_CASE(cache_refetches_after_ttl) {
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kDiscovery, FakeHttpClient::json(200, better_auth_document()));
    MetadataCache cache(kIssuer, http, 3600);
    MetadataStatus status;
    std::string detail;
    BOOST_REQUIRE(cache.get(1000, &status, &detail));
    BOOST_REQUIRE(cache.get(4599, &status, &detail));
    BOOST_TEST(cache.fetch_count() == 1u);
    BOOST_REQUIRE(cache.get(4600, &status, &detail));
    BOOST_TEST(cache.fetch_count() == 2u);
}

BOOST_AUTO_TEST_CASE(cache_keeps_last_good_document_when_provider_goes_down) {
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kDiscovery, FakeHttpClient::json(200, better_auth_document()));
    MetadataCache cache(kIssuer, http, 60, 5);
    MetadataStatus status;
    std::string detail;
    auto first = cache.get(0, &status, &detail);
    BOOST_REQUIRE(first);

    http->set_down(true);
    auto stale = cache.get(100, &status, &detail);
    BOOST_REQUIRE(stale);
    BOOST_TEST((status == MetadataStatus::Ok));
    BOOST_TEST(stale->token_endpoint == first->token_endpoint);
    BOOST_TEST(detail.find("stale") != std::string::npos);
    BOOST_TEST(detail.find("Connection refused") != std::string::npos);
    BOOST_TEST(cache.fetch_count() == 2u);

    // Within the retry delay the provider is not asked again.
    BOOST_REQUIRE(cache.get(103, &status, &detail));
    BOOST_TEST(cache.fetch_count() == 2u);

    http->set_down(false);
    BOOST_REQUIRE(cache.get(105, &status, &detail));
    BOOST_TEST(cache.fetch_count() == 3u);
    BOOST_TEST(detail == "");
}

BOOST_AUTO_TEST_CASE(cache_keeps_last_good_document_when_provider_answers_garbage) {
    auto http = std::make_shared<FakeHttpClient>();
    http->enqueue(kDiscovery, FakeHttpClient::json(200, better_auth_document()));
    http->respond(kDiscovery, FakeHttpClient::json(200, better_auth_document("https://evil.example")));
    MetadataCache cache(kIssuer, http, 60, 5);
    MetadataStatus status;
    std::string detail;
    BOOST_REQUIRE(cache.get(0, &status, &detail));
    auto m = cache.get(60, &status, &detail);
    BOOST_REQUIRE(m);
    BOOST_TEST(m->issuer == kIssuer);
    BOOST_TEST((status == MetadataStatus::Ok));
    BOOST_TEST(detail.find("evil.example") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cache_without_good_document_reports_failure_and_fails_fast) {
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kDiscovery, FakeHttpClient::json(404, "{}"));
    MetadataCache cache(kIssuer, http, 3600, 5);
    MetadataStatus status = MetadataStatus::Ok;
    std::string detail;
    BOOST_TEST(!cache.get(0, &status, &detail));
    BOOST_TEST((status == MetadataStatus::HttpError));
    BOOST_TEST(detail.find("404") != std::string::npos);

    BOOST_TEST(!cache.get(4, &status, &detail));
    BOOST_TEST((status == MetadataStatus::HttpError));
    BOOST_TEST(cache.fetch_count() == 1u);

    http->set_down(true);
    BOOST_TEST(!cache.get(5, &status, &detail));
    BOOST_TEST((status == MetadataStatus::Unreachable));
    BOOST_TEST(cache.fetch_count() == 2u);

    http->set_down(false);
    http->respond(kDiscovery, FakeHttpClient::json(200, better_auth_document()));
    BOOST_TEST(cache.get(10, &status, &detail));
    BOOST_TEST((status == MetadataStatus::Ok));
    BOOST_TEST(cache.fetch_count() == 3u);
}

BOOST_AUTO_TEST_CASE(cache_fetches_once_for_eight_concurrent_gets) {
    auto http = std::make_shared<FakeHttpClient>();
    http->respond(kDiscovery, FakeHttpClient::json(200, better_auth_document()));
    http->set_delay(std::chrono::milliseconds(100));
    MetadataCache cache(kIssuer, http);
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            MetadataStatus status = MetadataStatus::BadJson;
            std::string detail;
            if (cache.get(1000, &status, &detail) && status == MetadataStatus::Ok) ++ok;
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(ok.load() == 8);
    BOOST_TEST(cache.fetch_count() == 1u);
    BOOST_TEST(http->calls() == 1u);
}

BOOST_AUTO_TEST_CASE(concurrent_gets_share_a_failed_fetch) {
    auto http = std::make_shared<FakeHttpClient>();
    http->set_down(true);
    http->set_delay(std::chrono::milliseconds(100));
    MetadataCache cache(kIssuer, http);
    std::atomic<int> unreachable{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            MetadataStatus status = MetadataStatus::Ok;
            if (!cache.get(1000, &status, nullptr) && status == MetadataStatus::Unreachable) ++unreachable;
        });
    for (auto& t : threads) t.join();
    BOOST_TEST(unreachable.load() == 8);
    BOOST_TEST(http->calls() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
