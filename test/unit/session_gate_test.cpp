// SessionGate: every verdict a request's session cookie can get, against the
// in-memory store and a scripted provider.
#include "core/logout.h"
#include "core/session_gate.h"
#include "scripted_provider.h"

#include "printers.h"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace ssoauth;

namespace {

const std::string kIssuer = test::kScriptedIssuer;
const int64_t kNow = 1800000000;
struct Fixture : RefreshSource {
    test::ScriptedProvider op;
    std::shared_ptr<FakeHttpClient>& http = op.http;
    std::shared_ptr<SharedStore> store = make_memory_store();
    std::shared_ptr<const CookieSealer> sealer = CookieSealer::create({"session-gate-test-passphrase-0123456789"}, nullptr);
    CookieSettings cookies;
    const std::string issuer = kIssuer, client_id = "app";
    SessionPolicy policy;
    int refresh_sources_built = 0;

    ClientConfig client() override {
        ++refresh_sources_built;
        ClientConfig c;
        c.issuer = kIssuer;
        c.credentials.client_id = client_id;
        return c;
    }
    Provider& provider() override { return op.provider; }

    SessionResult check(const std::string& header, int64_t now = kNow, bool force_refresh = false) {
        const SessionGate gate{cookies, *sealer, issuer, client_id, policy, *store, *this};
        return gate.check(header, now, force_refresh);
    }

    static Session session(int64_t access_expires = kNow + 3600) {
        return test::scripted_session(kNow, access_expires);
    }
    std::string header_for(const Session& s) { return test::session_cookie_header(s, cookies, *sealer); }
    std::string id_token(const std::string& extra = "") const {
        return op.key.jwt("EdDSA", R"({"iss":")" + kIssuer + R"(","aud":"app","sub":"user-1","sid":"s1","iat":)" +
                                    std::to_string(kNow) + R"(,"exp":)" + std::to_string(kNow + 600) + extra + "}");
    }
    void grant(const std::string& extra_claims = "") {
        http->respond(test::kScriptedTokenUrl,
                      FakeHttpClient::json(200, R"({"access_token":"AT-new","token_type":"Bearer","expires_in":3600,)"
                                                R"("refresh_token":"RT-new-0123456789abcdefghij","id_token":")" +
                                                    id_token(extra_claims) + "\"}"));
    }
    size_t grants() const { return http->calls(test::kScriptedTokenUrl); }
};

// A store whose reads fail (a lock that cannot be taken, a store that is down)
// once anything was ever written: writes go through, lookups say Unavailable.
class UnreadableStore : public SharedStore {
public:
    explicit UnreadableStore(std::shared_ptr<SharedStore> inner) : inner_(std::move(inner)) {}
    bool put(const std::string& k, const std::string& v, int64_t e, int64_t now) override {
        return inner_->put(k, v, e, now);
    }
    bool add(const std::string& k, const std::string& v, int64_t e, int64_t now) override {
        return inner_->add(k, v, e, now);
    }
    StoreLookup lookup(const std::string&, int64_t) override { return {LookupStatus::Unavailable, {}}; }
    void remove(const std::string& k) override { inner_->remove(k); }
    size_t max_value_bytes() const override { return inner_->max_value_bytes(); }

private:
    std::shared_ptr<SharedStore> inner_;
};

bool deletes_session_cookie(const SessionResult& r) {
    for (const auto& c : r.set_cookies)
        if (c.rfind("ssoauth_session=", 0) == 0 && c.find("Max-Age=0") != std::string::npos) return true;
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(session_gate)

BOOST_AUTO_TEST_CASE(a_valid_session_is_ok_without_cookies_or_provider_calls) {
    Fixture f;
    SessionResult r = f.check(f.header_for(Fixture::session()));
    BOOST_TEST(r.verdict == SessionVerdict::Ok);
    BOOST_TEST_REQUIRE(r.session.get() != nullptr);
    BOOST_TEST(r.session->subject == "user-1");
    BOOST_TEST(r.set_cookies.empty());
    BOOST_TEST(f.http->calls() == 0u);
    BOOST_TEST(f.refresh_sources_built == 0);
}

BOOST_AUTO_TEST_CASE(no_cookie_or_another_clients_session_is_absent_and_left_alone) {
    Fixture f;
    BOOST_TEST(f.check("").verdict == SessionVerdict::Absent);
    BOOST_TEST(f.check("other=1").verdict == SessionVerdict::Absent);
    Session other = Fixture::session();
    other.client_id = "another-app";
    SessionResult r = f.check(f.header_for(other));
    BOOST_TEST(r.verdict == SessionVerdict::Absent);
    BOOST_TEST(r.reason == "unauthenticated");
    BOOST_TEST(r.set_cookies.empty());
}

BOOST_AUTO_TEST_CASE(a_tampered_cookie_is_invalid_and_deleted) {
    Fixture f;
    std::string header = f.header_for(Fixture::session());
    header[header.size() - 5] = header[header.size() - 5] == 'A' ? 'B' : 'A';
    SessionResult r = f.check(header);
    BOOST_TEST(r.verdict == SessionVerdict::Invalid);
    BOOST_TEST(r.reason == "undecryptable");
    BOOST_TEST(deletes_session_cookie(r));
}

BOOST_AUTO_TEST_CASE(a_session_past_its_max_age_is_expired_and_deleted) {
    Fixture f;
    SessionResult r = f.check(f.header_for(Fixture::session()), kNow + 86400);
    BOOST_TEST(r.verdict == SessionVerdict::Expired);
    BOOST_TEST(r.reason == "expired");
    BOOST_TEST(deletes_session_cookie(r));
}

BOOST_AUTO_TEST_CASE(a_session_whose_provider_session_ended_is_revoked_and_deleted) {
    Fixture f;
    LogoutEvent ended;
    ended.sid = "s1";
    BOOST_REQUIRE(RevocationList(*f.store, kIssuer).record(ended, kNow, 3600));
    SessionResult r = f.check(f.header_for(Fixture::session()));
    BOOST_TEST(r.verdict == SessionVerdict::Revoked);
    BOOST_TEST(r.subject == "user-1");
    BOOST_TEST(deletes_session_cookie(r));
}

BOOST_AUTO_TEST_CASE(a_user_signed_out_after_the_session_began_is_revoked_but_a_later_session_is_not) {
    Fixture f;
    LogoutEvent ended;
    ended.sub = "user-1";
    ended.iat = kNow - 50;
    BOOST_REQUIRE(RevocationList(*f.store, kIssuer).record(ended, kNow, 3600));
    BOOST_TEST(f.check(f.header_for(Fixture::session())).verdict == SessionVerdict::Revoked);
    Session later = Fixture::session();
    later.created_at = kNow - 10;
    BOOST_TEST(f.check(f.header_for(later)).verdict == SessionVerdict::Ok);
}

BOOST_AUTO_TEST_CASE(a_session_idle_past_the_inactivity_timeout_is_inactive_and_deleted) {
    Fixture f;
    f.policy.inactivity_timeout = 600;
    Session s = Fixture::session();
    s.last_seen = kNow - 601;
    SessionResult r = f.check(f.header_for(s));
    BOOST_TEST(r.verdict == SessionVerdict::Inactive);
    BOOST_TEST(deletes_session_cookie(r));
    s.last_seen = kNow - 600;
    BOOST_TEST(f.check(f.header_for(s)).verdict == SessionVerdict::Ok);
}

BOOST_AUTO_TEST_CASE(a_session_never_seen_since_sign_in_is_idle_since_its_creation) {
    Fixture f;
    f.policy.inactivity_timeout = 600;
    Session s = Fixture::session();  // no last_seen: sealed at sign-in
    s.created_at = kNow - 601;
    SessionResult r = f.check(f.header_for(s));
    BOOST_TEST(r.verdict == SessionVerdict::Inactive);
    BOOST_TEST(deletes_session_cookie(r));
    s.created_at = kNow - 600;
    SessionResult first_use = f.check(f.header_for(s));
    BOOST_TEST(first_use.verdict == SessionVerdict::Ok);
    BOOST_TEST(first_use.session->last_seen == kNow);  // from now on, tracked
}

BOOST_AUTO_TEST_CASE(last_seen_is_rewritten_once_per_touch_interval) {
    Fixture f;
    f.policy.inactivity_timeout = 600;
    BOOST_TEST(inactivity_touch_interval(600) == 60);
    BOOST_TEST(inactivity_touch_interval(8) == 2);
    BOOST_TEST(inactivity_touch_interval(2) == 1);
    BOOST_TEST(inactivity_touch_interval(86400) == 60);
    Session s = Fixture::session();
    s.last_seen = kNow - 59;
    SessionResult fresh = f.check(f.header_for(s));
    BOOST_TEST(fresh.verdict == SessionVerdict::Ok);
    BOOST_TEST(fresh.set_cookies.empty());
    s.last_seen = kNow - 60;
    SessionResult touched = f.check(f.header_for(s));
    BOOST_TEST(touched.verdict == SessionVerdict::Ok);
    BOOST_TEST(!touched.set_cookies.empty());
    BOOST_TEST(touched.session->last_seen == kNow);
}

BOOST_AUTO_TEST_CASE(an_expiring_access_token_is_refreshed_once_and_resealed) {
    Fixture f;
    f.grant();
    SessionResult r = f.check(f.header_for(Fixture::session(kNow + 30)));
    BOOST_TEST_REQUIRE(r.verdict == SessionVerdict::Refreshed, r.reason + ": " + r.detail);
    BOOST_TEST(!r.reused);
    BOOST_TEST(r.session->access_token == "AT-new");
    BOOST_TEST(!r.set_cookies.empty());
    BOOST_TEST(f.grants() == 1u);
}

BOOST_AUTO_TEST_CASE(a_second_request_with_the_same_cookie_reuses_the_first_ones_refresh) {
    Fixture f;
    f.grant();
    const std::string header = f.header_for(Fixture::session(kNow + 30));
    BOOST_TEST_REQUIRE(f.check(header).verdict == SessionVerdict::Refreshed);
    SessionResult second = f.check(header);
    BOOST_TEST(second.verdict == SessionVerdict::Refreshed);
    BOOST_TEST(second.reused);
    BOOST_TEST(second.session->access_token == "AT-new");
    BOOST_TEST(f.grants() == 1u);
}

BOOST_AUTO_TEST_CASE(the_refresh_endpoint_refreshes_a_session_that_is_not_due) {
    Fixture f;
    f.grant();
    BOOST_TEST(f.check(f.header_for(Fixture::session()), kNow, true).verdict == SessionVerdict::Refreshed);
    BOOST_TEST(f.grants() == 1u);
}

BOOST_AUTO_TEST_CASE(a_provider_down_at_refresh_defers_and_keeps_the_cookie) {
    Fixture f;
    f.http->set_down(true);
    SessionResult r = f.check(f.header_for(Fixture::session(kNow + 30)));
    BOOST_TEST(r.verdict == SessionVerdict::RefreshDeferred);
    BOOST_TEST(r.reason == "provider_unreachable");
    BOOST_TEST(!r.detail.empty());
    BOOST_TEST(r.set_cookies.empty());
    BOOST_TEST(!r.valid());
}

BOOST_AUTO_TEST_CASE(forcing_a_refresh_without_a_refresh_token_defers_and_keeps_the_cookie) {
    Fixture f;
    Session s = Fixture::session();
    s.refresh_token.clear();
    SessionResult r = f.check(f.header_for(s), kNow, true);
    BOOST_TEST(r.verdict == SessionVerdict::RefreshDeferred);
    BOOST_TEST(r.reason == "no_refresh_token");
    BOOST_TEST(r.set_cookies.empty());
}

BOOST_AUTO_TEST_CASE(a_refused_refresh_ends_the_session_and_deletes_it) {
    Fixture f;
    f.http->respond(test::kScriptedTokenUrl, FakeHttpClient::json(400, R"({"error":"invalid_grant"})"));
    SessionResult r = f.check(f.header_for(Fixture::session(kNow + 30)));
    BOOST_TEST(r.verdict == SessionVerdict::RefreshFailed);
    BOOST_TEST(r.reason == "refresh_refused");
    BOOST_TEST(r.subject == "user-1");
    BOOST_TEST(deletes_session_cookie(r));
}

BOOST_AUTO_TEST_CASE(a_refreshed_session_that_no_longer_fits_its_cookies_is_too_large) {
    Fixture f;
    // ~40 KB of incompressible claim: more than kMaxCookieChunks cookies hold.
    const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string noise;
    for (uint32_t x = 2463534242u; noise.size() < 40000;) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;  // xorshift32
        noise += alphabet[x % 64];
    }
    f.grant(R"(,"noise":")" + noise + "\"");
    SessionResult r = f.check(f.header_for(Fixture::session(kNow + 30)));
    BOOST_TEST(r.verdict == SessionVerdict::TooLarge);
    BOOST_TEST(r.reason == "session_too_large");
    BOOST_TEST(deletes_session_cookie(r));
}

BOOST_AUTO_TEST_CASE(an_unreadable_store_is_never_read_as_not_revoked) {
    Fixture f;
    const std::string header = f.header_for(Fixture::session());
    // Something was revoked (so the lock-free hint says "look"), then the store cannot be read.
    LogoutEvent ended;
    ended.sid = "another-session";
    BOOST_REQUIRE(RevocationList(*f.store, kIssuer).record(ended, kNow, 3600));
    f.store = std::make_shared<UnreadableStore>(f.store);
    SessionResult r = f.check(header);
    BOOST_TEST(r.verdict == SessionVerdict::StoreUnavailable);
    BOOST_TEST(r.reason == "store_unavailable");
    BOOST_TEST(!r.valid());
    BOOST_TEST(r.set_cookies.empty());  // refused for now, not signed out
}

BOOST_AUTO_TEST_CASE(every_verdict_has_a_distinct_name) {
    std::set<std::string> names;
    for (int v = 0; v <= static_cast<int>(SessionVerdict::StoreUnavailable); ++v)
        names.insert(session_verdict_name(static_cast<SessionVerdict>(v)));
    BOOST_TEST(names.size() == static_cast<size_t>(SessionVerdict::StoreUnavailable) + 1);
}

BOOST_AUTO_TEST_SUITE_END()
