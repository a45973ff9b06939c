#include <boost/test/unit_test.hpp>

#include <memory>

#include "core/token_client.h"
#include "fake_http.h"

using namespace ssoauth;

namespace {

const std::string kToken = "https://idp.example.com/api/auth/oauth2/token";
const std::string kUserinfo = "https://idp.example.com/api/auth/oauth2/userinfo";
const std::string kRevoke = "https://idp.example.com/api/auth/oauth2/revoke";
const std::string kRedirect = "https://rp.example/cb?x=1";
const std::string kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const std::string kSecretAccess = "AAAAccessTokenValue0123456789abc";
const std::string kSecretRefresh = "RRRRefreshTokenValue0123456789ab";

const std::string kTokenResponse = R"({"access_token":")" + kSecretAccess +
                                   R"(","token_type":"Bearer","expires_in":3600,"expires_at":1790000000,)"
                                   R"("scope":"openid profile email offline_access","id_token":"h.p.s",)"
                                   R"("refresh_token":")" + kSecretRefresh + R"("})";

ClientCredentials public_client() { return {"my client", "", ClientAuth::None}; }
ClientCredentials basic_client() { return {"client:1", "s3cr+t/=", ClientAuth::ClientSecretBasic}; }
ClientCredentials post_client() { return {"rp", "se cret&", ClientAuth::ClientSecretPost}; }

struct Fixture {
    std::shared_ptr<FakeHttpClient> http = std::make_shared<FakeHttpClient>();
    TokenClient client{http};

    TokenResult exchange_with(HttpResponse response) {
        http->respond(kToken, std::move(response));
        return client.exchange_code(kToken, public_client(), "the-code", kRedirect, kVerifier);
    }
};

void check_no_secrets(const std::string& text) {
    BOOST_TEST(text.find(kSecretAccess) == std::string::npos);
    BOOST_TEST(text.find(kSecretRefresh) == std::string::npos);
    BOOST_TEST(text.find("the-code") == std::string::npos);
    BOOST_TEST(text.find(kVerifier) == std::string::npos);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(token_client)

BOOST_FIXTURE_TEST_CASE(public_client_sends_client_id_in_form_body, Fixture) {
    exchange_with(FakeHttpClient::json(200, kTokenResponse));
    HttpRequest r = http->last_request();
    BOOST_TEST(r.method == "POST");
    BOOST_TEST(r.url == kToken);
    BOOST_TEST(r.content_type == "application/x-www-form-urlencoded");
    BOOST_TEST(r.body ==
               "grant_type=authorization_code&code=the-code"
               "&redirect_uri=https%3A%2F%2Frp.example%2Fcb%3Fx%3D1"
               "&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&client_id=my%20client");
    BOOST_TEST(FakeHttpClient::header_of(r, "Accept") == "application/json");
    BOOST_TEST(FakeHttpClient::header_of(r, "Authorization") == "");
    BOOST_TEST(r.headers.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(client_secret_basic_sends_urlencoded_credentials_in_authorization_header, Fixture) {
    http->respond(kToken, FakeHttpClient::json(200, kTokenResponse));
    client.exchange_code(kToken, basic_client(), "the-code", kRedirect, kVerifier);
    HttpRequest r = http->last_request();
    // base64("client%3A1:s3cr%2Bt%2F%3D"), RFC 6749 2.3.1
    BOOST_TEST(FakeHttpClient::header_of(r, "Authorization") == "Basic Y2xpZW50JTNBMTpzM2NyJTJCdCUyRiUzRA==");
    BOOST_TEST(r.body ==
               "grant_type=authorization_code&code=the-code"
               "&redirect_uri=https%3A%2F%2Frp.example%2Fcb%3Fx%3D1"
               "&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    BOOST_TEST(basic_authorization("rp", "secret") == "Basic cnA6c2VjcmV0");
}

BOOST_FIXTURE_TEST_CASE(client_secret_post_sends_id_and_secret_in_body, Fixture) {
    http->respond(kToken, FakeHttpClient::json(200, kTokenResponse));
    client.exchange_code(kToken, post_client(), "the-code", kRedirect, "");
    HttpRequest r = http->last_request();
    BOOST_TEST(FakeHttpClient::header_of(r, "Authorization") == "");
    BOOST_TEST(r.body ==
               "grant_type=authorization_code&code=the-code"
               "&redirect_uri=https%3A%2F%2Frp.example%2Fcb%3Fx%3D1&client_id=rp&client_secret=se%20cret%26");
}

BOOST_FIXTURE_TEST_CASE(successful_code_exchange_parses_every_token_field, Fixture) {
    TokenResult r = exchange_with(FakeHttpClient::json(200, kTokenResponse));
    BOOST_TEST((r.status == TokenCallStatus::Ok));
    BOOST_TEST(r.http_status == 200);
    BOOST_TEST(r.tokens.access_token == kSecretAccess);
    BOOST_TEST(r.tokens.refresh_token == kSecretRefresh);
    BOOST_TEST(r.tokens.id_token == "h.p.s");
    BOOST_TEST(r.tokens.token_type == "Bearer");
    BOOST_TEST(r.tokens.scope == "openid profile email offline_access");
    BOOST_TEST(r.tokens.expires_in == 3600);
    BOOST_TEST(r.error == "");
}

BOOST_FIXTURE_TEST_CASE(token_type_is_compared_case_insensitively_and_optional_fields_may_be_absent, Fixture) {
    TokenResult r = exchange_with(FakeHttpClient::json(200, R"({"access_token":"a","token_type":"bearer"})"));
    BOOST_TEST((r.status == TokenCallStatus::Ok));
    BOOST_TEST(r.tokens.expires_in == -1);
    BOOST_TEST(r.tokens.id_token == "");
    BOOST_TEST(r.tokens.refresh_token == "");
}

BOOST_FIXTURE_TEST_CASE(invalid_grant_is_a_provider_error_with_its_fields, Fixture) {
    TokenResult r = exchange_with(FakeHttpClient::json(
        400, R"({"error":"invalid_grant","error_description":"authorization code already used"})"));
    BOOST_TEST((r.status == TokenCallStatus::ProviderError));
    BOOST_TEST(r.http_status == 400);
    BOOST_TEST(r.error == "invalid_grant");
    BOOST_TEST(r.error_description == "authorization code already used");
    BOOST_TEST(r.detail.find("400") != std::string::npos);
    BOOST_TEST(r.tokens.access_token == "");
    check_no_secrets(r.detail);
}

BOOST_FIXTURE_TEST_CASE(failed_code_verification_401_is_a_provider_error, Fixture) {
    TokenResult r = exchange_with(FakeHttpClient::json(
        401, R"({"error":"invalid_request","error_description":"code verification failed"})"));
    BOOST_TEST((r.status == TokenCallStatus::ProviderError));
    BOOST_TEST(r.http_status == 401);
    BOOST_TEST(r.error == "invalid_request");
    BOOST_TEST(r.error_description == "code verification failed");
}

BOOST_FIXTURE_TEST_CASE(error_status_without_json_is_a_provider_error_without_fields, Fixture) {
    TokenResult r = exchange_with(FakeHttpClient::json(502, "<html>Bad Gateway</html>"));
    BOOST_TEST((r.status == TokenCallStatus::ProviderError));
    BOOST_TEST(r.http_status == 502);
    BOOST_TEST(r.error == "");
}

BOOST_FIXTURE_TEST_CASE(error_body_with_status_200_is_a_provider_error, Fixture) {
    TokenResult r = exchange_with(FakeHttpClient::json(200, R"({"error":"invalid_client"})"));
    BOOST_TEST((r.status == TokenCallStatus::ProviderError));
    BOOST_TEST(r.error == "invalid_client");
}

BOOST_FIXTURE_TEST_CASE(non_json_success_is_a_bad_response, Fixture) {
    BOOST_TEST((exchange_with(FakeHttpClient::json(200, "access_token=a&token_type=bearer")).status ==
                TokenCallStatus::BadResponse));
    BOOST_TEST((exchange_with(FakeHttpClient::json(200, "[]")).status == TokenCallStatus::BadResponse));
}

BOOST_FIXTURE_TEST_CASE(missing_access_token_is_a_bad_response, Fixture) {
    TokenResult r = exchange_with(FakeHttpClient::json(200, R"({"token_type":"Bearer","id_token":"h.p.s"})"));
    BOOST_TEST((r.status == TokenCallStatus::BadResponse));
    BOOST_TEST(r.detail.find("access_token") != std::string::npos);
    BOOST_TEST(r.tokens.id_token == "");
}

BOOST_FIXTURE_TEST_CASE(wrong_token_type_or_field_types_are_bad_responses, Fixture) {
    auto status_of = [&](const std::string& body) { return exchange_with(FakeHttpClient::json(200, body)).status; };
    BOOST_TEST((status_of(R"({"access_token":"a","token_type":"DPoP"})") == TokenCallStatus::BadResponse));
    BOOST_TEST((status_of(R"({"access_token":"a"})") == TokenCallStatus::BadResponse));
    BOOST_TEST((status_of(R"({"access_token":7,"token_type":"Bearer"})") == TokenCallStatus::BadResponse));
    BOOST_TEST((status_of(R"({"access_token":"a","token_type":"Bearer","id_token":1})") ==
                TokenCallStatus::BadResponse));
    BOOST_TEST((status_of(R"({"access_token":"a","token_type":"Bearer","expires_in":-5})") ==
                TokenCallStatus::BadResponse));
    BOOST_TEST((status_of(R"({"access_token":"a","token_type":"Bearer","expires_in":"soon"})") ==
                TokenCallStatus::BadResponse));
    BOOST_TEST((status_of(R"({"access_token":"a","token_type":"Bearer","expires_in":"60"})") ==
                TokenCallStatus::Ok));
}

BOOST_FIXTURE_TEST_CASE(refresh_token_or_scope_of_another_type_is_a_bad_response_naming_the_member, Fixture) {
    TokenResult r = exchange_with(
        FakeHttpClient::json(200, R"({"access_token":"a","token_type":"Bearer","refresh_token":12})"));
    BOOST_TEST((r.status == TokenCallStatus::BadResponse));
    BOOST_TEST(r.detail == "refresh_token is not a string");
    r = exchange_with(FakeHttpClient::json(200, R"({"access_token":"a","token_type":"Bearer","scope":["openid"]})"));
    BOOST_TEST((r.status == TokenCallStatus::BadResponse));
    BOOST_TEST(r.detail == "scope is not a string");
}

BOOST_FIXTURE_TEST_CASE(expires_in_as_a_fraction_is_truncated_and_an_absurd_one_is_a_bad_response, Fixture) {
    auto exchange = [&](const std::string& expires_in) {
        return exchange_with(FakeHttpClient::json(
            200, R"({"access_token":"a","token_type":"Bearer","expires_in":)" + expires_in + "}"));
    };
    TokenResult r = exchange("59.9");
    BOOST_TEST((r.status == TokenCallStatus::Ok));
    BOOST_TEST(r.tokens.expires_in == 59);
    BOOST_TEST((exchange("-0.5").status == TokenCallStatus::BadResponse));
    BOOST_TEST((exchange("1e16").status == TokenCallStatus::BadResponse));
    BOOST_TEST((exchange("true").status == TokenCallStatus::BadResponse));
}

BOOST_FIXTURE_TEST_CASE(provider_error_text_is_cut_to_the_rfc_6749_charset_and_capped_in_length, Fixture) {
    // Both reach logs and error pages: no quote, backslash or line break, and bounded.
    TokenResult r = exchange_with(FakeHttpClient::json(
        400, R"({"error":"bad\"\\\r\nX-Injected: 1","error_description":")" + std::string(600, 'd') + R"("})"));
    BOOST_TEST((r.status == TokenCallStatus::ProviderError));
    BOOST_TEST(r.error == "bad????X-Injected: 1");
    BOOST_TEST(r.error_description == std::string(512, 'd') + "...");
}

BOOST_FIXTURE_TEST_CASE(transport_failure_is_unreachable, Fixture) {
    http->set_down(true, "Connection timed out after 5000 milliseconds");
    TokenResult r = client.exchange_code(kToken, public_client(), "the-code", kRedirect, kVerifier);
    BOOST_TEST((r.status == TokenCallStatus::Unreachable));
    BOOST_TEST(r.http_status == 0);
    BOOST_TEST(r.detail.find("timed out") != std::string::npos);
    check_no_secrets(r.detail);
}

BOOST_FIXTURE_TEST_CASE(refresh_sends_refresh_grant_with_optional_scope, Fixture) {
    http->respond(kToken, FakeHttpClient::json(200, kTokenResponse));
    TokenResult r = client.refresh(kToken, post_client(), kSecretRefresh);
    BOOST_TEST((r.status == TokenCallStatus::Ok));
    BOOST_TEST(http->last_request().body == "grant_type=refresh_token&refresh_token=" + kSecretRefresh +
                                                "&client_id=rp&client_secret=se%20cret%26");
    client.refresh(kToken, public_client(), "r1", "openid email");
    BOOST_TEST(http->last_request().body ==
               "grant_type=refresh_token&refresh_token=r1&scope=openid%20email&client_id=my%20client");
    BOOST_TEST(http->last_request().content_type == "application/x-www-form-urlencoded");
}

BOOST_FIXTURE_TEST_CASE(refresh_with_rotated_token_reports_invalid_grant_without_leaking_it, Fixture) {
    http->respond(kToken, FakeHttpClient::json(400, R"({"error":"invalid_grant"})"));
    TokenResult r = client.refresh(kToken, public_client(), kSecretRefresh);
    BOOST_TEST((r.status == TokenCallStatus::ProviderError));
    BOOST_TEST(r.error == "invalid_grant");
    check_no_secrets(r.detail);
}

BOOST_FIXTURE_TEST_CASE(userinfo_sends_bearer_token_and_returns_claims, Fixture) {
    http->respond(kUserinfo, FakeHttpClient::json(
                                 200, R"({"sub":"u1","email":"a@example.com","email_verified":true,"name":"A"})"));
    UserinfoResult r = client.userinfo(kUserinfo, kSecretAccess);
    BOOST_TEST((r.status == TokenCallStatus::Ok));
    BOOST_REQUIRE(r.claims);
    BOOST_TEST(json_string_member(r.claims.get(), "email") == "a@example.com");
    HttpRequest req = http->last_request();
    BOOST_TEST(req.method == "GET");
    BOOST_TEST(req.body == "");
    BOOST_TEST(FakeHttpClient::header_of(req, "Authorization") == "Bearer " + kSecretAccess);
    BOOST_TEST(FakeHttpClient::header_of(req, "Accept") == "application/json");
}

BOOST_FIXTURE_TEST_CASE(userinfo_401_is_a_provider_error, Fixture) {
    http->respond(kUserinfo, FakeHttpClient::json(401, "",
                                                  {{"www-authenticate", "Bearer error=\"invalid_token\""}}));
    UserinfoResult r = client.userinfo(kUserinfo, kSecretAccess);
    BOOST_TEST((r.status == TokenCallStatus::ProviderError));
    BOOST_TEST(r.http_status == 401);
    BOOST_TEST(!r.claims);
    BOOST_TEST(r.detail.find("invalid_token") != std::string::npos);
    check_no_secrets(r.detail);
}

BOOST_FIXTURE_TEST_CASE(userinfo_must_be_a_json_object_with_sub, Fixture) {
    http->enqueue(kUserinfo, FakeHttpClient::json(200, "eyJhbGciOiJSUzI1NiJ9.e30.sig"));
    http->enqueue(kUserinfo, FakeHttpClient::json(200, R"({"email":"a@example.com"})"));
    BOOST_TEST((client.userinfo(kUserinfo, "a").status == TokenCallStatus::BadResponse));
    BOOST_TEST((client.userinfo(kUserinfo, "a").status == TokenCallStatus::BadResponse));
    http->set_down(true);
    BOOST_TEST((client.userinfo(kUserinfo, "a").status == TokenCallStatus::Unreachable));
}

BOOST_FIXTURE_TEST_CASE(revoke_posts_token_and_hint_and_reports_success, Fixture) {
    http->respond(kRevoke, FakeHttpClient::json(200, ""));
    BOOST_TEST(client.revoke(kRevoke, basic_client(), kSecretRefresh, "refresh_token"));
    HttpRequest r = http->last_request();
    BOOST_TEST(r.method == "POST");
    BOOST_TEST(r.body == "token=" + kSecretRefresh + "&token_type_hint=refresh_token");
    BOOST_TEST(FakeHttpClient::header_of(r, "Authorization") == "Basic Y2xpZW50JTNBMTpzM2NyJTJCdCUyRiUzRA==");

    BOOST_TEST(client.revoke(kRevoke, public_client(), "t", ""));
    BOOST_TEST(http->last_request().body == "token=t&client_id=my%20client");

    http->respond(kRevoke, FakeHttpClient::json(401, R"({"error":"invalid_client"})"));
    BOOST_TEST(!client.revoke(kRevoke, public_client(), "t", ""));
    http->set_down(true);
    BOOST_TEST(!client.revoke(kRevoke, public_client(), "t", ""));
}

BOOST_AUTO_TEST_CASE(status_names_are_stable) {
    BOOST_TEST(std::string(token_call_status_name(TokenCallStatus::ProviderError)) == "provider_error");
    BOOST_TEST(std::string(token_call_status_name(TokenCallStatus::BadResponse)) == "bad_response");
    BOOST_TEST(std::string(token_call_status_name(TokenCallStatus::Ok)) == "ok");
    BOOST_TEST(std::string(token_call_status_name(TokenCallStatus::Unreachable)) == "unreachable");
}

BOOST_AUTO_TEST_SUITE_END()
