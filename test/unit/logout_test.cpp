// Signing out: the end-session URL, back-channel logout tokens checked
// against a scripted provider, and the list of ended sessions.
#include "core/logout.h"
#include "scripted_provider.h"
#include "test_keys.h"

#include "printers.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

namespace {

const std::string kIssuer = test::kScriptedIssuer;
const std::string kJwksUrl = test::kScriptedJwksUrl;
const std::string kEndSession = kIssuer + "/oauth2/endsession";
const std::string kEvents = R"("events":{"http://schemas.openid.net/event/backchannel-logout":{}})";
const int64_t kNow = 1800000000;

struct Fixture : test::ScriptedProvider {
    ClientConfig client;

    Fixture() : ScriptedProvider(R"("end_session_endpoint":")" + kEndSession + "\"") {
        client.issuer = kIssuer;
        client.credentials.client_id = "app";
    }

    // `members`: everything after iss/aud/iat/exp, e.g. sid, sub, jti, events.
    std::string logout_token(const std::string& members, const std::string& iss = kIssuer,
                             const std::string& aud = "app", int64_t exp = kNow + 120) const {
        return key.jwt("EdDSA",
                       R"({"iss":")" + iss + R"(","aud":")" + aud + R"(","iat":)" + std::to_string(kNow) +
                           R"(,"exp":)" + std::to_string(exp) + (members.empty() ? "" : "," + members) + "}",
                       R"({"alg":"EdDSA","kid":")" + key.kid() + R"(","typ":"logout+jwt"})");
    }

    struct Result {
        TokenStatus status;
        LogoutEvent event;
            std::string detail;
    };
    Result verify(const std::string& token, int64_t now = kNow) {
        Result r;
        r.status = verify_logout_token(client, provider, token, now, &r.event, &r.detail);
        return r;
    }
};

const std::string kSidToken = R"("sid":"s1","sub":"user-1","jti":"j1",)" + kEvents;

Session session(const std::string& sub, const std::string& sid, int64_t created_at) {
    Session s;
    s.issuer = kIssuer;
    s.client_id = "app";
    s.subject = sub;
    s.sid = sid;
    s.claims = json_parse("{}");
    s.created_at = created_at;
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(logout)

// ---- end_session_url ----

BOOST_AUTO_TEST_CASE(end_session_url_carries_every_given_parameter_encoded) {
    ProviderMetadata m;
    m.end_session_endpoint = kEndSession;
    BOOST_TEST(end_session_url(m, "a.b.c", "https://app.test/signed out?x=1&y=2", "app", "st/ate+1") ==
               kEndSession +
                   "?id_token_hint=a.b.c"
                   "&post_logout_redirect_uri=https%3A%2F%2Fapp.test%2Fsigned%20out%3Fx%3D1%26y%3D2"
                   "&client_id=app&state=st%2Fate%2B1");
}

BOOST_AUTO_TEST_CASE(end_session_url_leaves_out_empty_parameters) {
    ProviderMetadata m;
    m.end_session_endpoint = kEndSession;
    BOOST_TEST(end_session_url(m, "", "https://app.test/", "app", "") ==
               kEndSession + "?post_logout_redirect_uri=https%3A%2F%2Fapp.test%2F&client_id=app");
    BOOST_TEST(end_session_url(m, "", "", "", "") == kEndSession);
}

BOOST_AUTO_TEST_CASE(end_session_url_appends_to_an_endpoint_that_has_a_query) {
    ProviderMetadata m;
    m.end_session_endpoint = kEndSession + "?tenant=t1";
    BOOST_TEST(end_session_url(m, "", "", "app", "") == kEndSession + "?tenant=t1&client_id=app");
}

BOOST_AUTO_TEST_CASE(end_session_url_is_empty_without_an_endpoint) {
    ProviderMetadata m;
    BOOST_TEST(end_session_url(m, "a.b.c", "https://app.test/", "app", "s") == "");
}

// ---- verify_logout_token ----

BOOST_AUTO_TEST_CASE(valid_logout_token_with_sid_gives_its_event) {
    Fixture f;
    auto r = f.verify(f.logout_token(kSidToken));
    BOOST_TEST_REQUIRE(r.status == TokenStatus::Ok, r.detail);
    BOOST_TEST(r.event.sid == "s1");
    BOOST_TEST(r.event.sub == "user-1");
    BOOST_TEST(r.event.jti == "j1");
    BOOST_TEST(r.event.iat == kNow);
    BOOST_TEST(r.event.exp == kNow + 120);
}

BOOST_AUTO_TEST_CASE(valid_logout_token_with_sub_only_gives_an_event_without_sid) {
    Fixture f;
    auto r = f.verify(f.logout_token(R"("sub":"user-1","jti":"j2",)" + kEvents));
    BOOST_TEST_REQUIRE(r.status == TokenStatus::Ok, r.detail);
    BOOST_TEST(r.event.sid == "");
    BOOST_TEST(r.event.sub == "user-1");
}

BOOST_AUTO_TEST_CASE(logout_token_without_sub_or_sid_is_refused) {
    Fixture f;
    BOOST_TEST(f.verify(f.logout_token(R"("jti":"j3",)" + kEvents)).status == TokenStatus::SubjectMissing);
}

BOOST_AUTO_TEST_CASE(logout_token_for_another_client_is_refused) {
    Fixture f;
    BOOST_TEST(f.verify(f.logout_token(kSidToken, kIssuer, "other-app")).status == TokenStatus::AudienceMismatch);
}

BOOST_AUTO_TEST_CASE(logout_token_from_another_issuer_is_refused) {
    Fixture f;
    BOOST_TEST(f.verify(f.logout_token(kSidToken, "https://evil.test")).status == TokenStatus::IssuerMismatch);
}

BOOST_AUTO_TEST_CASE(logout_token_with_a_nonce_is_refused) {
    Fixture f;
    BOOST_TEST(f.verify(f.logout_token(kSidToken + R"(,"nonce":"n")")).status == TokenStatus::NonceForbidden);
}

BOOST_AUTO_TEST_CASE(logout_token_without_the_backchannel_event_is_refused) {
    Fixture f;
    BOOST_TEST(f.verify(f.logout_token(R"("sid":"s1","jti":"j1")")).status == TokenStatus::EventsMissing);
    BOOST_TEST(f.verify(f.logout_token(R"("sid":"s1","jti":"j1","events":{"other":{}})")).status ==
               TokenStatus::EventsMissing);
    BOOST_TEST(f.verify(f.logout_token(
                            R"("sid":"s1","jti":"j1","events":{"http://schemas.openid.net/event/backchannel-logout":1})"))
                   .status == TokenStatus::EventsMissing);
}

BOOST_AUTO_TEST_CASE(logout_token_without_jti_is_refused) {
    Fixture f;
    BOOST_TEST(f.verify(f.logout_token(R"("sid":"s1",)" + kEvents)).status == TokenStatus::JtiMissing);
}

BOOST_AUTO_TEST_CASE(expired_logout_token_is_refused) {
    Fixture f;
    const std::string token = f.logout_token(kSidToken, kIssuer, "app", kNow + 120);
    BOOST_TEST(f.verify(token, kNow + 120 + f.client.clock_skew).status == TokenStatus::Expired);
    BOOST_TEST(f.verify(token, kNow + 120 + f.client.clock_skew - 1).status == TokenStatus::Ok);
}

BOOST_AUTO_TEST_CASE(logout_token_with_a_bad_signature_is_refused) {
    Fixture f;
    auto r = f.verify(test::flip_signature_byte(f.logout_token(kSidToken)));
    BOOST_TEST(r.status == TokenStatus::BadSignature);
}

BOOST_AUTO_TEST_CASE(id_token_or_access_token_typ_is_not_a_logout_token) {
    Fixture f;
    const std::string payload = R"({"iss":")" + kIssuer + R"(","aud":"app","iat":)" + std::to_string(kNow) +
                                R"(,"exp":)" + std::to_string(kNow + 120) + "," + kSidToken + "}";
    BOOST_TEST(f.verify(f.key.jwt("EdDSA", payload, R"({"alg":"EdDSA","kid":")" + f.key.kid() + R"(","typ":"at+jwt"})"))
                   .status == TokenStatus::TypMismatch);
}

BOOST_AUTO_TEST_CASE(unsigned_logout_token_is_refused) {
    Fixture f;
    const std::string payload = R"({"iss":")" + kIssuer + R"(","aud":"app","iat":)" + std::to_string(kNow) +
                                R"(,"exp":)" + std::to_string(kNow + 120) + "," + kSidToken + "}";
    BOOST_TEST(f.verify(test::unsigned_jwt(payload, "none", f.key.kid())).status == TokenStatus::AlgNone);
}

BOOST_AUTO_TEST_CASE(provider_down_reports_keys_unavailable) {
    Fixture f;
    f.http->set_down(true);
    auto r = f.verify(f.logout_token(kSidToken));
    BOOST_TEST(r.status == TokenStatus::KeysUnavailable);
}

BOOST_AUTO_TEST_CASE(garbage_is_malformed_without_any_http_call) {
    Fixture f;
    BOOST_TEST(f.verify("not.a.jwt").status == TokenStatus::Malformed);
    BOOST_TEST(f.verify("").status == TokenStatus::Malformed);
    BOOST_TEST(f.http->calls() == 0u);
}

// ---- RevocationList ----

BOOST_AUTO_TEST_CASE(recorded_sid_revokes_the_session_with_that_sid_only) {
    auto store = make_memory_store();
    RevocationList list(*store, kIssuer);
    LogoutEvent e;
    e.sid = "s1";
    e.sub = "user-1";
    e.iat = kNow;
    BOOST_TEST_REQUIRE(list.record(e, kNow, 3600));
    BOOST_TEST(list.is_revoked(session("user-1", "s1", kNow - 100), kNow + 1));
    BOOST_TEST(!list.is_revoked(session("user-1", "s2", kNow - 100), kNow + 1));  // the user's other session
    BOOST_TEST(!list.is_revoked(session("user-1", "", kNow - 100), kNow + 1));
}

BOOST_AUTO_TEST_CASE(recorded_sub_revokes_the_users_sessions_begun_at_or_before_the_logout) {
    auto store = make_memory_store();
    RevocationList list(*store, kIssuer);
    LogoutEvent e;
    e.sub = "user-1";
    e.iat = kNow;
    BOOST_TEST_REQUIRE(list.record(e, kNow + 5, 3600));
    BOOST_TEST(list.is_revoked(session("user-1", "", kNow - 1), kNow + 10));
    BOOST_TEST(list.is_revoked(session("user-1", "s9", kNow), kNow + 10));
    BOOST_TEST(!list.is_revoked(session("user-1", "", kNow + 1), kNow + 10));  // signed in again afterwards
    BOOST_TEST(!list.is_revoked(session("user-2", "", kNow - 1), kNow + 10));
}

BOOST_AUTO_TEST_CASE(recorded_sub_without_iat_uses_the_time_of_recording) {
    auto store = make_memory_store();
    RevocationList list(*store, kIssuer);
    LogoutEvent e;
    e.sub = "user-1";
    BOOST_TEST_REQUIRE(list.record(e, kNow, 3600));
    BOOST_TEST(list.is_revoked(session("user-1", "", kNow), kNow + 10));
    BOOST_TEST(!list.is_revoked(session("user-1", "", kNow + 1), kNow + 10));
}

BOOST_AUTO_TEST_CASE(revocation_is_forgotten_after_keep_seconds) {
    auto store = make_memory_store();
    RevocationList list(*store, kIssuer);
    LogoutEvent e;
    e.sid = "s1";
    BOOST_TEST_REQUIRE(list.record(e, kNow, 100));
    BOOST_TEST(list.is_revoked(session("user-1", "s1", kNow - 10), kNow + 99));
    BOOST_TEST(!list.is_revoked(session("user-1", "s1", kNow - 10), kNow + 100));
}

BOOST_AUTO_TEST_CASE(revocations_of_one_issuer_do_not_apply_to_another) {
    auto store = make_memory_store();
    RevocationList idp_a(*store, kIssuer);
    RevocationList idp_b(*store, "https://other-idp.test");
    LogoutEvent e;
    e.sid = "s1";
    BOOST_TEST_REQUIRE(idp_a.record(e, kNow, 3600));
    LogoutEvent u;
    u.sub = "user-1";
    u.iat = kNow;
    BOOST_TEST_REQUIRE(idp_a.record(u, kNow, 3600));
    BOOST_TEST(!idp_b.is_revoked(session("user-1", "s1", kNow - 10), kNow + 1));
}

BOOST_AUTO_TEST_CASE(a_jti_is_first_once_then_seen_until_its_token_could_no_longer_be_accepted) {
    auto store = make_memory_store();
    RevocationList list(*store, kIssuer);
    LogoutEvent e;
    e.jti = "j1";
    e.exp = kNow + 120;
    BOOST_TEST(static_cast<int>(list.use_jti(e, kNow, 60)) == static_cast<int>(RevocationList::JtiUse::First));
    BOOST_TEST(static_cast<int>(list.use_jti(e, kNow + 1, 60)) == static_cast<int>(RevocationList::JtiUse::Seen));
    BOOST_TEST(static_cast<int>(list.use_jti(e, kNow + 120 + 60, 60)) == static_cast<int>(RevocationList::JtiUse::Seen));  // still acceptable as a token then: still remembered
    LogoutEvent other = e;
    other.jti = "j2";
    BOOST_TEST(static_cast<int>(list.use_jti(other, kNow + 2, 60)) == static_cast<int>(RevocationList::JtiUse::First));
}

BOOST_AUTO_TEST_SUITE_END()
