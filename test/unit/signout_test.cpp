// The sign-out and back-channel logout flows: what each records, revokes and
// answers, against the in-memory store and a scripted provider.
#include "core/signout.h"
#include "scripted_provider.h"

#include "printers.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

namespace {

const std::string kIssuer = test::kScriptedIssuer;
const std::string kEndSession = kIssuer + "/oauth2/endsession";
const std::string kRevocation = kIssuer + "/oauth2/revoke";
const std::string kEvents = R"("events":{"http://schemas.openid.net/event/backchannel-logout":{}})";
const int64_t kNow = 1800000000;

// A random source that always gives the same bytes, so URLs are predictable.
struct FixedRandom : RandomSource {
    bool bytes(unsigned char* out, size_t length) override {
        for (size_t i = 0; i < length; ++i) out[i] = static_cast<unsigned char>(i);
        return true;
    }
};

struct Fixture : test::ScriptedProvider {
    std::shared_ptr<SharedStore> store = make_memory_store();
    RevocationList revocations{*store, kIssuer};
    std::shared_ptr<const CookieSealer> sealer = CookieSealer::create({"signout-test-passphrase-0123456789abcd"}, nullptr);
    CookieSettings cookies;
    ClientConfig client;
    FixedRandom random;

    Fixture()
        : ScriptedProvider(R"("end_session_endpoint":")" + kEndSession + R"(","revocation_endpoint":")" +
                           kRevocation + "\"") {
        client.issuer = kIssuer;
        client.credentials.client_id = "app";
        http->respond(kRevocation, FakeHttpClient::json(200, "{}"));
    }

    static Session session() { return test::scripted_session(kNow, kNow + 3600); }
    std::string header_for(const Session& s) { return test::session_cookie_header(s, cookies, *sealer); }
    SignoutResult sign_out(const std::string& header, bool revoke = true) {
        SignoutRequest request;
        request.cookie_header = header;
        request.now = kNow;
        request.revoke_refresh_token = revoke;
        request.post_logout_redirect = "https://app.test/bye";
        request.keep_revocation = 3600;
        return ssoauth::sign_out(request, client, provider, revocations, cookies, *sealer, random);
    }
    std::string logout_token(const std::string& members) const {
        return key.jwt("EdDSA",
                       R"({"iss":")" + kIssuer + R"(","aud":"app","iat":)" + std::to_string(kNow) + R"(,"exp":)" +
                           std::to_string(kNow + 120) + "," + members + "}",
                       R"({"alg":"EdDSA","kid":")" + key.kid() + R"(","typ":"logout+jwt"})");
    }
    BackchannelResult receive(const std::string& body, bool too_large = false) {
        return receive_backchannel_logout(body, too_large, client, provider, revocations, kNow, 3600);
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(signout)

BOOST_AUTO_TEST_CASE(sign_out_revokes_locally_and_at_the_provider_and_leads_to_end_session) {
    Fixture f;
    const Session s = Fixture::session();
    SignoutResult r = f.sign_out(f.header_for(s));
    BOOST_TEST(r.had_session);
    BOOST_TEST(r.subject == "user-1");
    BOOST_TEST(r.revocation_recorded);
    BOOST_TEST(r.provider_revocation == ProviderRevocation::Confirmed);
    BOOST_TEST(f.http->calls(kRevocation) == 1u);
    BOOST_TEST(f.http->last_request().body.find("token_type_hint=refresh_token") != std::string::npos);
    BOOST_TEST(f.revocations.is_revoked(s, kNow));
    BOOST_TEST(r.redirect_url.rfind(kEndSession + "?id_token_hint=id.token.hint&post_logout_redirect_uri=", 0) == 0);
    BOOST_TEST(r.redirect_url.find("&client_id=app&state=") != std::string::npos);
    BOOST_TEST_REQUIRE(!r.set_cookies.empty());
    BOOST_TEST(r.set_cookies.front().find("Max-Age=0") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sign_out_with_revocation_off_never_calls_the_provider) {
    Fixture f;
    SignoutResult r = f.sign_out(f.header_for(Fixture::session()), false);
    BOOST_TEST(r.revocation_recorded);
    BOOST_TEST(r.provider_revocation == ProviderRevocation::NotAttempted);
    BOOST_TEST(f.http->calls(kRevocation) == 0u);
}

BOOST_AUTO_TEST_CASE(a_provider_that_does_not_confirm_revocation_is_reported) {
    Fixture f;
    f.http->respond(kRevocation, FakeHttpClient::json(503, "{}"));
    SignoutResult r = f.sign_out(f.header_for(Fixture::session()));
    BOOST_TEST(r.provider_revocation == ProviderRevocation::NotConfirmed);
    BOOST_TEST(r.revocation_recorded);
}

BOOST_AUTO_TEST_CASE(sign_out_without_a_session_still_clears_and_redirects_without_a_hint) {
    Fixture f;
    SignoutResult r = f.sign_out("");
    BOOST_TEST(!r.had_session);
    BOOST_TEST(!r.revocation_recorded);
    BOOST_TEST(f.http->calls(kRevocation) == 0u);
    BOOST_TEST(r.redirect_url.rfind(kEndSession + "?post_logout_redirect_uri=", 0) == 0);
}

BOOST_AUTO_TEST_CASE(sign_out_with_the_provider_down_ends_the_session_here_and_returns_to_the_site) {
    Fixture f;
    f.http->set_down(true);
    const Session s = Fixture::session();
    SignoutResult r = f.sign_out(f.header_for(s));
    BOOST_TEST(r.had_session);
    BOOST_TEST(r.revocation_recorded);
    BOOST_TEST(f.revocations.is_revoked(s, kNow));
    BOOST_TEST(r.provider_revocation == ProviderRevocation::NotAttempted);
    BOOST_TEST(r.redirect_url == "https://app.test/bye");
}

BOOST_AUTO_TEST_CASE(a_valid_logout_token_ends_its_provider_session) {
    Fixture f;
    BackchannelResult r = f.receive("logout_token=" + f.logout_token(R"("sid":"s1","jti":"j1",)" + kEvents));
    BOOST_TEST_REQUIRE(r.verdict == BackchannelVerdict::Ended, r.detail);
    BOOST_TEST(r.event.sid == "s1");
    BOOST_TEST(f.revocations.is_revoked(Fixture::session(), kNow));
}

BOOST_AUTO_TEST_CASE(a_replayed_logout_token_is_refused) {
    Fixture f;
    const std::string body = "logout_token=" + f.logout_token(R"("sid":"s1","jti":"j1",)" + kEvents);
    BOOST_TEST(f.receive(body).verdict == BackchannelVerdict::Ended);
    BOOST_TEST(f.receive(body).verdict == BackchannelVerdict::Replayed);
}

BOOST_AUTO_TEST_CASE(a_body_without_a_single_logout_token_is_refused_before_any_check) {
    Fixture f;
    BOOST_TEST(f.receive("").verdict == BackchannelVerdict::NoToken);
    BOOST_TEST(f.receive("logout_token=").verdict == BackchannelVerdict::NoToken);
    BOOST_TEST(f.receive("logout_token=a&logout_token=b").verdict == BackchannelVerdict::NoToken);
    BOOST_TEST(f.receive("logout_token=a.b.c", true).verdict == BackchannelVerdict::NoToken);
    BOOST_TEST(f.http->calls() == 0u);
}

BOOST_AUTO_TEST_CASE(a_forged_logout_token_is_invalid_with_its_reason) {
    Fixture f;
    BackchannelResult r =
        f.receive("logout_token=" + test::flip_signature_byte(f.logout_token(R"("sid":"s1","jti":"j1",)" + kEvents)));
    BOOST_TEST(r.verdict == BackchannelVerdict::Invalid);
    BOOST_TEST(r.status == TokenStatus::BadSignature);
    BOOST_TEST(!f.revocations.is_revoked(Fixture::session(), kNow));
}

BOOST_AUTO_TEST_CASE(a_logout_token_that_cannot_be_checked_reports_keys_unavailable) {
    Fixture f;
    f.http->set_down(true);
    BackchannelResult r = f.receive("logout_token=" + f.logout_token(R"("sid":"s1","jti":"j1",)" + kEvents));
    BOOST_TEST(r.verdict == BackchannelVerdict::Invalid);
    BOOST_TEST(r.status == TokenStatus::KeysUnavailable);
    BOOST_TEST(!r.detail.empty());
}

BOOST_AUTO_TEST_CASE(a_valid_logout_token_the_store_cannot_record_is_store_full) {
    Fixture f;
    f.store = make_memory_store(1);
    RevocationList tiny(*f.store, kIssuer);
    BackchannelResult r = receive_backchannel_logout(
        "logout_token=" + f.logout_token(R"("sid":"s1","jti":"j1",)" + kEvents), false, f.client, f.provider, tiny,
        kNow, 3600);
    BOOST_TEST(r.verdict == BackchannelVerdict::StoreFull);
}

BOOST_AUTO_TEST_CASE(a_logout_token_whose_jti_the_full_store_cannot_record_is_store_full_not_a_replay) {
    Fixture f;
    f.store = make_memory_store(1);
    RevocationList full(*f.store, kIssuer);
    BOOST_REQUIRE(f.store->put("other:entry", "x", kNow + 3600, kNow));  // the one slot is taken
    BackchannelResult r = receive_backchannel_logout(
        "logout_token=" + f.logout_token(R"("sid":"s1","jti":"j-new",)" + kEvents), false, f.client, f.provider,
        full, kNow, 3600);
    BOOST_TEST(r.verdict == BackchannelVerdict::StoreFull);  // 503: the provider may retry; never "replayed"
}

BOOST_AUTO_TEST_SUITE_END()
