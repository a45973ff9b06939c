// The sign-in flow against a scripted provider: real keys (generated here),
// real sealing, fake HTTP. Each rejection asserts that no token request was made.
#include "core/login_flow.h"
#include "core/pkce.h"
#include "core/random.h"
#include "scripted_provider.h"
#include "test_keys.h"

#include "printers.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

namespace {

const std::string kIssuer = test::kScriptedIssuer;
const std::string kTokenUrl = test::kScriptedTokenUrl;
const std::string kUserinfoUrl = kIssuer + "/oauth2/userinfo";
const std::string kJwksUrl = test::kScriptedJwksUrl;
const std::string kAccessToken = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";
const int64_t kNow = 1800000000;


struct Fixture : test::ScriptedProvider {
    std::shared_ptr<const CookieSealer> sealer =
        CookieSealer::create({"login-flow-test-passphrase-0123456789ab"}, nullptr);
    CookieSettings settings;
    ClientConfig client;
    CookieMap jar;
    QueryParams authorize;  // the parameters of the last authorize URL

    Fixture()
        : ScriptedProvider(R"("userinfo_endpoint":")" + kUserinfoUrl +
                           R"(","authorization_response_iss_parameter_supported":true)") {
        client.issuer = kIssuer;
        client.credentials.client_id = "app";
        client.redirect_uri = "https://app.test/api/auth/callback";
        http->respond(kUserinfoUrl, FakeHttpClient::json(200, R"({"sub":"user-1","email":"u@example.test","name":"U"})"));
    }

    void start(const std::string& return_to = "/page?x=1", int64_t now = kNow) {
        auto metadata = provider.metadata(now, nullptr);
        BOOST_REQUIRE(metadata);
        const LoginStart s =
            start_login(LoginRequest{client, return_to, jar, *sealer, settings, openssl_random(), now}, *metadata);
        BOOST_REQUIRE(s.ok());
        test::apply_set_cookies(jar, s.set_cookies);
        authorize = parse_query(s.authorize_url.substr(s.authorize_url.find('?') + 1));
    }
    std::string param(const std::string& name) const { return authorize.find(name)->second; }

    std::string id_token(const std::string& nonce, const std::string& extra = "") {
        std::string at_hash = test::reference_at_hash("sha512", kAccessToken);
        return key.jwt("EdDSA", R"({"iss":")" + kIssuer + R"(","sub":"user-1","aud":"app","sid":"s1","nonce":")" +
                                    nonce + R"(","iat":)" + std::to_string(kNow) + R"(,"exp":)" +
                                    std::to_string(kNow + 600) + R"(,"at_hash":")" + at_hash + "\"" + extra + "}");
    }
    void token_response(const std::string& id_token) {
        http->respond(kTokenUrl, FakeHttpClient::json(200, R"({"access_token":")" + kAccessToken +
                                                               R"(","token_type":"Bearer","expires_in":3600,
            "refresh_token":"RT0123456789abcdefghijklmnopqrstu","id_token":")" + id_token + "\"}"));
    }
    QueryParams good_callback() const {
        return {{"code", "the-code"}, {"state", param("state")}, {"iss", kIssuer}};
    }
    CallbackOutcome callback(const QueryParams& params, int64_t now = kNow) {
        auto outcome = handle_callback(client, provider, params, jar, *sealer, settings, now);
        test::apply_set_cookies(jar, outcome.set_cookies);
        return outcome;
    }
    size_t token_calls() const { return http->calls(kTokenUrl); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(login_flow)

BOOST_AUTO_TEST_CASE(authorize_request_carries_pkce_state_nonce_and_client) {
    Fixture f;
    f.start();
    BOOST_TEST(f.param("response_type") == "code");
    BOOST_TEST(f.param("client_id") == "app");
    BOOST_TEST(f.param("redirect_uri") == "https://app.test/api/auth/callback");
    BOOST_TEST(f.param("scope") == "openid profile email offline_access");
    BOOST_TEST(f.param("code_challenge_method") == "S256");
    BOOST_TEST(f.param("state").size() >= 22u);  // >= 128 bits
    BOOST_TEST(f.param("nonce").size() >= 22u);
    BOOST_TEST(f.param("state") != f.param("nonce"));
    BOOST_TEST(f.jar.count(state_cookie_name(f.settings, f.param("state"))) == 1u);
}

BOOST_AUTO_TEST_CASE(full_sign_in_sets_a_session_and_returns_to_the_original_page) {
    Fixture f;
    f.start("/page?x=1");
    f.token_response(f.id_token(f.param("nonce")));
    auto outcome = f.callback(f.good_callback());
    BOOST_TEST_REQUIRE(outcome.ok(), outcome.detail);
    BOOST_TEST(outcome.redirect_to == "/page?x=1");
    // The code went to the token endpoint with the verifier whose S256 is the challenge.
    bool found = false;
    for (const auto& request : f.http->requests())
        if (request.url == kTokenUrl) {
            QueryParams form = parse_query(request.body);
            BOOST_TEST(form.find("code")->second == "the-code");
            BOOST_TEST(s256_challenge(form.find("code_verifier")->second) == f.param("code_challenge"));
            BOOST_TEST(form.find("redirect_uri")->second == f.client.redirect_uri);
            found = true;
        }
    BOOST_TEST(found);
    Session session;
    BOOST_TEST(open_session(f.jar, f.settings, *f.sealer, kIssuer, "app", kNow, &session) == SessionStatus::Ok);
    BOOST_TEST(session.claim_text("email") == "u@example.test");  // from userinfo
    BOOST_TEST(session.sid == "s1");
    BOOST_TEST(session.claim_text("nonce") == "");
    BOOST_TEST(session.access_token_expires_at == kNow + 3600);
    // The attempt's state cookie is gone: the same callback cannot be replayed.
    BOOST_TEST(f.jar.count(state_cookie_name(f.settings, f.param("state"))) == 0u);
    auto replay = f.callback(f.good_callback());
    BOOST_TEST(replay.error_code == "state_mismatch");
    BOOST_TEST(f.token_calls() == 1u);
}

BOOST_AUTO_TEST_CASE(tampered_state_is_refused_before_any_token_request) {
    Fixture f;
    f.start();
    QueryParams p = f.good_callback();
    p.find("state")->second[20] ^= 1;
    BOOST_TEST(f.callback(p).error_code == "state_mismatch");
    BOOST_TEST(f.token_calls() == 0u);
}

BOOST_AUTO_TEST_CASE(callback_without_its_state_cookie_is_refused) {
    Fixture f;
    f.start();
    QueryParams p = f.good_callback();
    f.jar.clear();
    auto outcome = f.callback(p);
    BOOST_TEST(outcome.error == CallbackError::StateMismatch);
    BOOST_TEST(f.token_calls() == 0u);
}

BOOST_AUTO_TEST_CASE(state_cookie_swapped_between_attempts_does_not_open) {
    Fixture f;
    f.start();
    std::string first_state = f.param("state");
    std::string first_cookie = f.jar[state_cookie_name(f.settings, first_state)];
    f.start();
    f.jar[state_cookie_name(f.settings, f.param("state"))] = first_cookie;  // name-bound AEAD
    BOOST_TEST(f.callback(f.good_callback()).error == CallbackError::StateMismatch);
    BOOST_TEST(f.token_calls() == 0u);
}

BOOST_AUTO_TEST_CASE(expired_attempt_is_refused) {
    Fixture f;
    f.start();
    BOOST_TEST(f.callback(f.good_callback(), kNow + kAuthAttemptLifetime + 1).error == CallbackError::StateMismatch);
    BOOST_TEST(f.token_calls() == 0u);
}

BOOST_AUTO_TEST_CASE(provider_error_is_reported_with_its_own_code) {
    Fixture f;
    f.start();
    auto outcome = f.callback({{"error", "access_denied"}, {"state", f.param("state")}, {"iss", kIssuer}});
    BOOST_TEST(outcome.error == CallbackError::ProviderError);
    BOOST_TEST(outcome.error_code == "access_denied");
    BOOST_TEST(f.token_calls() == 0u);
}

BOOST_AUTO_TEST_CASE(provider_error_code_is_sanitised) {
    Fixture f;
    f.start();
    auto outcome = f.callback({{"error", "<script>x</script>"}, {"state", f.param("state")}});
    BOOST_TEST(outcome.error_code == "scriptxscript");
}

BOOST_AUTO_TEST_CASE(wrong_or_missing_iss_is_refused_as_mix_up) {
    Fixture f;
    f.start();
    QueryParams p = f.good_callback();
    p.find("iss")->second = kIssuer + "1";
    BOOST_TEST(f.callback(p).error == CallbackError::IssuerMismatch);
    f.start();
    p = f.good_callback();
    p.erase("iss");
    BOOST_TEST(f.callback(p).error == CallbackError::IssuerMismatch);
    BOOST_TEST(f.token_calls() == 0u);
}

BOOST_AUTO_TEST_CASE(duplicated_or_missing_parameters_are_refused) {
    Fixture f;
    f.start();
    QueryParams p = f.good_callback();
    p.emplace("code", "second-code");
    BOOST_TEST(f.callback(p).error == CallbackError::NoCode);
    f.start();
    p = f.good_callback();
    p.emplace("state", f.param("state"));
    BOOST_TEST(f.callback(p).error == CallbackError::StateMismatch);
    f.start();
    p = f.good_callback();
    p.erase("code");
    BOOST_TEST(f.callback(p).error == CallbackError::NoCode);
    BOOST_TEST(f.token_calls() == 0u);
}

BOOST_AUTO_TEST_CASE(id_token_with_another_nonce_is_refused) {
    Fixture f;
    f.start();
    f.token_response(f.id_token(f.param("nonce") + "1"));
    auto outcome = f.callback(f.good_callback());
    BOOST_TEST(outcome.error == CallbackError::InvalidIdToken);
    BOOST_TEST(outcome.detail.find("nonce") != std::string::npos);
    Session s;
    BOOST_TEST(open_session(f.jar, f.settings, *f.sealer, kIssuer, "app", kNow, &s) == SessionStatus::Absent);
}

BOOST_AUTO_TEST_CASE(id_token_signed_by_an_unknown_key_is_refused_after_one_refetch) {
    Fixture f;
    f.start();
    auto stranger = test::TestKey::ed25519("stranger");
    f.token_response(stranger.jwt("EdDSA", R"({"iss":")" + kIssuer + R"(","sub":"user-1","aud":"app","nonce":")" +
                                               f.param("nonce") + R"(","iat":)" + std::to_string(kNow) +
                                               R"(,"exp":)" + std::to_string(kNow + 600) + "}"));
    f.provider.jwks().get(kJwksUrl, kNow, nullptr);  // keys fetched 20 s before this sign-in
    auto outcome = f.callback(f.good_callback(), kNow + 20);
    BOOST_TEST(outcome.error == CallbackError::InvalidIdToken);
    BOOST_TEST(f.http->calls(kJwksUrl) == 2u);  // the first fetch and one refetch for the unknown kid
}

BOOST_AUTO_TEST_CASE(userinfo_for_another_subject_is_refused) {
    Fixture f;
    f.start();
    f.token_response(f.id_token(f.param("nonce")));
    f.http->respond(kUserinfoUrl, FakeHttpClient::json(200, R"({"sub":"someone-else","email":"x@y"})"));
    auto outcome = f.callback(f.good_callback());
    BOOST_TEST(outcome.error == CallbackError::CallbackFailed);
    BOOST_TEST(outcome.error_code == "callback_failed");
}

BOOST_AUTO_TEST_CASE(token_endpoint_refusal_is_a_token_exchange_error) {
    Fixture f;
    f.start();
    f.http->respond(kTokenUrl, FakeHttpClient::json(400, R"({"error":"invalid_grant"})"));
    auto outcome = f.callback(f.good_callback());
    BOOST_TEST(outcome.error_code == "token_exchange");
    BOOST_TEST(outcome.detail.find("invalid_grant") != std::string::npos);
    BOOST_TEST(outcome.detail.find("the-code") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(provider_down_at_the_callback_is_provider_unreachable) {
    Fixture f;
    f.start();
    f.http->set_down(true);
    BOOST_TEST(f.callback(f.good_callback()).error_code == "provider_unreachable");
}

BOOST_AUTO_TEST_CASE(token_response_without_an_id_token_is_refused_as_an_invalid_id_token) {
    // An OAuth-only answer must not sign anyone in: the id_token is the authentication.
    Fixture f;
    f.start();
    f.http->respond(kTokenUrl, FakeHttpClient::json(200, R"({"access_token":")" + kAccessToken +
                                                             R"(","token_type":"Bearer","expires_in":3600})"));
    auto outcome = f.callback(f.good_callback());
    BOOST_TEST(outcome.error == CallbackError::InvalidIdToken);
    BOOST_TEST(outcome.detail == "the token response has no id_token");
    Session s;
    BOOST_TEST(open_session(f.jar, f.settings, *f.sealer, kIssuer, "app", kNow, &s) == SessionStatus::Absent);
}

BOOST_AUTO_TEST_CASE(signing_keys_unreachable_at_the_callback_is_provider_unreachable_not_a_bad_token) {
    Fixture f;
    f.start();
    f.token_response(f.id_token(f.param("nonce")));
    f.http->respond(kJwksUrl, FakeHttpClient::transport_failure());
    auto outcome = f.callback(f.good_callback());
    BOOST_TEST(outcome.error == CallbackError::ProviderUnreachable);
    BOOST_TEST(outcome.detail.find("no signing keys") == 0u, outcome.detail);
}

BOOST_AUTO_TEST_CASE(userinfo_unreachable_is_provider_unreachable_and_a_userinfo_refusal_fails_the_callback) {
    Fixture f;
    f.start();
    f.token_response(f.id_token(f.param("nonce")));
    f.http->respond(kUserinfoUrl, FakeHttpClient::transport_failure());
    auto outcome = f.callback(f.good_callback());
    BOOST_TEST(outcome.error == CallbackError::ProviderUnreachable);
    BOOST_TEST(outcome.detail.find("userinfo endpoint") == 0u, outcome.detail);

    f.start();
    f.token_response(f.id_token(f.param("nonce")));
    f.http->respond(kUserinfoUrl, FakeHttpClient::json(500, R"({"error":"server_error"})"));
    outcome = f.callback(f.good_callback());
    BOOST_TEST(outcome.error == CallbackError::CallbackFailed);
    BOOST_TEST(outcome.detail.find("userinfo answered 500") == 0u, outcome.detail);
    Session s;
    BOOST_TEST(open_session(f.jar, f.settings, *f.sealer, kIssuer, "app", kNow, &s) == SessionStatus::Absent);
}

BOOST_AUTO_TEST_CASE(expired_or_unreadable_state_cookies_are_deleted_by_the_next_sign_in) {
    Fixture f;
    f.start("/p", kNow);
    const std::string stale = state_cookie_name(f.settings, f.param("state"));
    const std::string junk = state_cookie_name(f.settings, "junk");
    f.jar[junk] = "not-a-sealed-attempt";
    f.start("/p", kNow + kAuthAttemptLifetime + 1);
    BOOST_TEST(f.jar.count(stale) == 0u);
    BOOST_TEST(f.jar.count(junk) == 0u);
    BOOST_TEST(f.jar.count(state_cookie_name(f.settings, f.param("state"))) == 1u);
}

BOOST_AUTO_TEST_CASE(sign_in_with_the_provider_down_is_provider_unreachable_and_sets_no_cookie) {
    Fixture f;
    f.http->set_down(true);
    const LoginStart s = start_login(LoginRequest{f.client, "/p", f.jar, *f.sealer, f.settings, openssl_random(), kNow},
                                     f.provider);
    BOOST_TEST(!s.ok());
    BOOST_TEST((s.error == LoginError::ProviderUnreachable));
    BOOST_TEST(s.detail.find(kIssuer) != std::string::npos, s.detail);
    BOOST_TEST(s.set_cookies.empty());
    BOOST_TEST(s.authorize_url.empty());
}

BOOST_AUTO_TEST_CASE(at_most_seven_attempts_are_pending_and_the_oldest_is_evicted) {
    Fixture f;
    std::vector<std::string> states;
    for (int i = 0; i < 9; ++i) {
        f.start("/p", kNow + i);
        states.push_back(f.param("state"));
    }
    size_t pending = 0;
    for (const auto& cookie : f.jar)
        if (cookie.first.find("_state_") != std::string::npos) ++pending;
    BOOST_TEST(pending == kMaxPendingAttempts);
    BOOST_TEST(f.jar.count(state_cookie_name(f.settings, states[0])) == 0u);
    BOOST_TEST(f.jar.count(state_cookie_name(f.settings, states[1])) == 0u);
    BOOST_TEST(f.jar.count(state_cookie_name(f.settings, states[8])) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
