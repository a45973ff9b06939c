// Refreshing a session against a scripted provider, and SingleFlightRefresh:
// however many requests refresh one session at once, the provider sees one grant.
#include "core/refresh.h"
#include "scripted_provider.h"
#include "test_keys.h"

#include "printers.h"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

using namespace ssoauth;

namespace {

const std::string kIssuer = test::kScriptedIssuer;
const std::string kTokenUrl = test::kScriptedTokenUrl;
const std::string kJwksUrl = test::kScriptedJwksUrl;
const std::string kOldRefreshToken = "RT-old-0123456789abcdefghijklmnop";
const std::string kNewRefreshToken = "RT-new-0123456789abcdefghijklmnop";
const std::string kNewAccessToken = "AT-new-0123456789abcdefghijklmnop";
const int64_t kNow = 1800000000;

struct Fixture : test::ScriptedProvider {
    ClientConfig client;
    std::shared_ptr<SharedStore> store = make_memory_store();
    std::shared_ptr<const CookieSealer> sealer =
        CookieSealer::create({"refresh-test-passphrase-0123456789abcdef"}, nullptr);

    Fixture() {
        client.issuer = kIssuer;
        client.credentials.client_id = "app";
        client.redirect_uri = "https://app.test/api/auth/callback";
    }

    static Session session(const std::string& sid = "s1") {
        Session s;
        s.issuer = kIssuer;
        s.client_id = "app";
        s.subject = "user-1";
        s.sid = sid;
        s.claims = json_parse(R"({"sub":"user-1","email":"old@example.test","name":"Old Name"})");
        s.id_token = "old.id.token";
        s.access_token = "AT-old";
        s.refresh_token = kOldRefreshToken;
        s.access_token_expires_at = kNow - 5;
        s.created_at = kNow - 1000;
        s.expires_at = kNow + 86400;
        s.last_seen = kNow - 30;
        return s;
    }

    // `claims`: the members after iss/aud/iat/exp, e.g. R"("sub":"user-1","sid":"s1")".
    std::string id_token(const std::string& claims = R"("sub":"user-1","sid":"s1")") const {
        return key.jwt("EdDSA", R"({"iss":")" + kIssuer + R"(","aud":"app","iat":)" + std::to_string(kNow) +
                                    R"(,"exp":)" + std::to_string(kNow + 600) + "," + claims + "}");
    }
    static std::string token_body(const std::string& id_token, const std::string& refresh_token = kNewRefreshToken) {
        std::string body = R"({"access_token":")" + kNewAccessToken + R"(","token_type":"Bearer","expires_in":3600)";
        if (!refresh_token.empty()) body += R"(,"refresh_token":")" + refresh_token + "\"";
        if (!id_token.empty()) body += R"(,"id_token":")" + id_token + "\"";
        return body + "}";
    }
    void token_response(const std::string& id_token, const std::string& refresh_token = kNewRefreshToken) {
        http->respond(kTokenUrl, FakeHttpClient::json(200, token_body(id_token, refresh_token)));
    }
    void refuse_grant() {
        http->respond(kTokenUrl, FakeHttpClient::json(400, R"({"error":"invalid_grant"})"));
    }
    RefreshOutcome refresh(const Session& s) { return refresh_session(client, provider, s, kNow); }
    size_t grants() const {
        size_t n = 0;
        for (const auto& r : http->requests())
            n += r.url == kTokenUrl && r.body.find("grant_type=refresh_token") != std::string::npos;
        return n;
    }
};

// A SharedStore that runs `before(op, n)` ahead of its n-th (1-based) call of
// each operation ("get", "add"), so a test can play other requests' moves at
// exact points of one request's sequence.
class InterleavingStore : public SharedStore {
public:
    using Hook = std::function<void(const std::string& op, int n)>;
    InterleavingStore(SharedStore& inner, Hook before) : inner_(inner), before_(std::move(before)) {}
    bool put(const std::string& k, const std::string& v, int64_t e, int64_t now) override {
        return inner_.put(k, v, e, now);
    }
    bool add(const std::string& k, const std::string& v, int64_t e, int64_t now) override {
        before_("add", ++adds_);
        return inner_.add(k, v, e, now);
    }
    StoreLookup lookup(const std::string& k, int64_t now) override {
        before_("get", ++gets_);
        return inner_.lookup(k, now);
    }
    void remove(const std::string& k) override { inner_.remove(k); }
    size_t max_value_bytes() const override { return inner_.max_value_bytes(); }

private:
    SharedStore& inner_;
    Hook before_;
    int adds_ = 0, gets_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(refresh)

// ---- needs_refresh ----

BOOST_AUTO_TEST_CASE(needs_refresh_from_exactly_before_seconds_ahead_of_expiry) {
    Session s = Fixture::session();
    s.access_token_expires_at = kNow;
    BOOST_TEST(!needs_refresh(s, kNow - 61, 60));
    BOOST_TEST(needs_refresh(s, kNow - 60, 60));
    BOOST_TEST(needs_refresh(s, kNow, 60));
    BOOST_TEST(needs_refresh(s, kNow + 3600, 60));
    BOOST_TEST(!needs_refresh(s, kNow - 1, 0));
    BOOST_TEST(needs_refresh(s, kNow, 0));
}

BOOST_AUTO_TEST_CASE(no_refresh_needed_without_refresh_token_or_known_expiry) {
    Session s = Fixture::session();
    s.refresh_token.clear();
    BOOST_TEST(!needs_refresh(s, kNow + 3600, 60));
    s = Fixture::session();
    s.access_token_expires_at = 0;
    BOOST_TEST(!needs_refresh(s, kNow + 3600, 60));
}

// ---- refresh_session ----

BOOST_AUTO_TEST_CASE(successful_refresh_rotates_tokens_merges_claims_and_keeps_the_session_lifetime) {
    Fixture f;
    const std::string at_hash = test::reference_at_hash("SHA512", kNewAccessToken);
    f.token_response(f.id_token(R"("sub":"user-1","sid":"s1","email":"new@example.test","nonce":"n","at_hash":")" +
                                at_hash + "\""));
    Session old = Fixture::session();
    RefreshOutcome o = f.refresh(old);
    BOOST_TEST_REQUIRE(o.ok(), o.detail);
    BOOST_TEST(!o.reused);
    const Session& s = o.session;
    BOOST_TEST(s.refresh_token == kNewRefreshToken);
    BOOST_TEST(s.access_token == kNewAccessToken);
    BOOST_TEST(s.access_token_expires_at == kNow + 3600);
    BOOST_TEST(s.claim_text("email") == "new@example.test");  // from the new id_token
    BOOST_TEST(s.claim_text("name") == "Old Name");           // kept: the new id_token lacks it
    BOOST_TEST(s.claim_text("nonce") == "");                  // per-login claims are not kept
    BOOST_TEST(s.claim_text("at_hash") == "");
    BOOST_TEST(s.id_token != old.id_token);
    BOOST_TEST(s.created_at == old.created_at);
    BOOST_TEST(s.expires_at == old.expires_at);
    BOOST_TEST(s.subject == "user-1");
    BOOST_TEST(s.sid == "s1");
    BOOST_TEST(s.issuer == old.issuer);
    BOOST_TEST(s.client_id == old.client_id);
    // The old session's claims were not modified in place.
    BOOST_TEST(old.claim_text("email") == "old@example.test");
    // The grant carried the old refresh token.
    BOOST_TEST_REQUIRE(f.grants() == 1u);
    for (const auto& request : f.http->requests())
        if (request.url == kTokenUrl)
            BOOST_TEST(request.body.find("refresh_token=" + kOldRefreshToken) != std::string::npos, request.body);
}

BOOST_AUTO_TEST_CASE(refresh_without_rotation_or_id_token_keeps_the_old_refresh_token_and_claims) {
    Fixture f;
    f.token_response("", "");
    Session old = Fixture::session();
    RefreshOutcome o = f.refresh(old);
    BOOST_TEST_REQUIRE(o.ok(), o.detail);
    BOOST_TEST(o.session.refresh_token == kOldRefreshToken);
    BOOST_TEST(o.session.access_token == kNewAccessToken);
    BOOST_TEST(o.session.id_token == old.id_token);
    BOOST_TEST(o.session.claim_text("email") == "old@example.test");
}

BOOST_AUTO_TEST_CASE(session_without_refresh_token_is_not_refreshed) {
    Fixture f;
    Session s = Fixture::session();
    s.refresh_token.clear();
    BOOST_TEST(f.refresh(s).error == RefreshError::NoRefreshToken);
    BOOST_TEST(f.http->calls() == 0u);
}

BOOST_AUTO_TEST_CASE(invalid_grant_is_refused_and_the_detail_holds_no_token) {
    Fixture f;
    f.refuse_grant();
    RefreshOutcome o = f.refresh(Fixture::session());
    BOOST_TEST(o.error == RefreshError::Refused);
    BOOST_TEST(o.detail.find("invalid_grant") != std::string::npos, o.detail);
    BOOST_TEST(o.detail.find(kOldRefreshToken) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(provider_down_is_unreachable) {
    Fixture f;
    f.http->set_down(true);
    BOOST_TEST(f.refresh(Fixture::session()).error == RefreshError::ProviderUnreachable);
}

BOOST_AUTO_TEST_CASE(token_endpoint_down_after_discovery_is_unreachable) {
    Fixture f;
    f.http->respond(kTokenUrl, FakeHttpClient::transport_failure());
    BOOST_TEST(f.refresh(Fixture::session()).error == RefreshError::ProviderUnreachable);
}

BOOST_AUTO_TEST_CASE(signing_keys_unreachable_for_a_new_id_token_is_unreachable_not_invalid) {
    // The session is kept when the provider is down; an invalid id_token would end it.
    Fixture f;
    f.token_response(f.id_token());
    f.http->respond(kJwksUrl, FakeHttpClient::transport_failure());
    RefreshOutcome o = f.refresh(Fixture::session());
    BOOST_TEST(o.error == RefreshError::ProviderUnreachable);
    BOOST_TEST(o.detail.find("no signing keys") == 0u, o.detail);
}

BOOST_AUTO_TEST_CASE(new_id_token_for_another_subject_is_refused) {
    Fixture f;
    f.token_response(f.id_token(R"("sub":"user-2","sid":"s1")"));
    BOOST_TEST(f.refresh(Fixture::session()).error == RefreshError::SubjectChanged);
}

BOOST_AUTO_TEST_CASE(new_id_token_with_another_sid_ends_the_session) {
    Fixture f;
    f.token_response(f.id_token(R"("sub":"user-1","sid":"s2")"));
    BOOST_TEST(f.refresh(Fixture::session()).error == RefreshError::SessionEnded);
}

BOOST_AUTO_TEST_CASE(new_id_token_without_the_sessions_sid_ends_the_session) {
    Fixture f;
    f.token_response(f.id_token(R"("sub":"user-1")"));
    BOOST_TEST(f.refresh(Fixture::session()).error == RefreshError::SessionEnded);
    f.token_response(f.id_token(R"("sub":"user-1","sid":null)"));
    BOOST_TEST(f.refresh(Fixture::session()).error == RefreshError::SessionEnded);
    f.token_response(f.id_token(R"("sub":"user-1","sid":"")"));
    BOOST_TEST(f.refresh(Fixture::session()).error == RefreshError::SessionEnded);
}

BOOST_AUTO_TEST_CASE(new_id_token_with_a_sid_when_the_session_had_none_ends_the_session) {
    Fixture f;
    f.token_response(f.id_token(R"("sub":"user-1","sid":"s1")"));
    BOOST_TEST(f.refresh(Fixture::session("")).error == RefreshError::SessionEnded);
    f.token_response(f.id_token(R"("sub":"user-1")"));
    BOOST_TEST(f.refresh(Fixture::session("")).ok());
}

BOOST_AUTO_TEST_CASE(new_id_token_with_a_bad_signature_is_invalid) {
    Fixture f;
    f.token_response(test::flip_signature_byte(f.id_token()));
    RefreshOutcome o = f.refresh(Fixture::session());
    BOOST_TEST(o.error == RefreshError::InvalidIdToken);
    BOOST_TEST(o.detail.find(token_status_name(TokenStatus::BadSignature)) != std::string::npos, o.detail);
}

BOOST_AUTO_TEST_CASE(new_id_token_for_another_audience_is_invalid) {
    Fixture f;
    std::string token = f.key.jwt("EdDSA", R"({"iss":")" + kIssuer + R"(","aud":"other","iat":)" +
                                               std::to_string(kNow) + R"(,"exp":)" + std::to_string(kNow + 600) +
                                               R"(,"sub":"user-1","sid":"s1"})");
    f.token_response(token);
    BOOST_TEST(f.refresh(Fixture::session()).error == RefreshError::InvalidIdToken);
}

BOOST_AUTO_TEST_CASE(refresh_error_names_are_the_documented_reasons) {
    // docs/endpoints.md lists them as the refresh endpoint's 401 reasons.
    const std::pair<RefreshError, std::string> names[] = {
        {RefreshError::None, "ok"},
        {RefreshError::NoRefreshToken, "no_refresh_token"},
        {RefreshError::ProviderUnreachable, "provider_unreachable"},
        {RefreshError::Refused, "refresh_refused"},
        {RefreshError::InvalidIdToken, "invalid_id_token"},
        {RefreshError::SubjectChanged, "subject_changed"},
        {RefreshError::SessionEnded, "session_ended"},
        {RefreshError::Busy, "refresh_busy"},
    };
    for (const auto& [error, name] : names) BOOST_TEST(refresh_error_name(error) == name);
}

// ---- SingleFlightRefresh ----

BOOST_AUTO_TEST_CASE(key_for_never_contains_the_token_and_differs_per_token) {
    const std::string k = SingleFlightRefresh::key_for(kOldRefreshToken);
    BOOST_TEST(k.find(kOldRefreshToken) == std::string::npos);
    BOOST_TEST(k.find("RT-old") == std::string::npos);
    BOOST_TEST(k.compare(0, 3, "rf:") == 0);
    BOOST_TEST(k == SingleFlightRefresh::key_for(kOldRefreshToken));
    BOOST_TEST(k != SingleFlightRefresh::key_for(kNewRefreshToken));
}

BOOST_AUTO_TEST_CASE(sixteen_concurrent_refreshes_of_one_session_make_exactly_one_grant) {
    Fixture f;
    f.token_response(f.id_token());
    BOOST_TEST_REQUIRE(f.provider.metadata(kNow, nullptr));
    f.http->set_delay(std::chrono::milliseconds(100));  // the grant is still pending while the others arrive
    SingleFlightRefresh flight(*f.store, *f.sealer, 60, std::chrono::milliseconds(10000),
                               std::chrono::milliseconds(2));
    const Session current = Fixture::session();
    constexpr int kThreads = 16;
    std::vector<RefreshOutcome> outcomes(kThreads);
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&, i] {
            ++ready;
            while (!go) std::this_thread::yield();
            outcomes[i] = flight.refresh(f.client, f.provider, current, kNow);
        });
    while (ready < kThreads) std::this_thread::yield();
    go = true;
    for (auto& t : threads) t.join();

    BOOST_TEST(f.grants() == 1u);
    int reused = 0;
    for (const auto& o : outcomes) {
        BOOST_TEST(o.ok(), o.detail);
        BOOST_TEST(o.session.access_token == kNewAccessToken);
        BOOST_TEST(o.session.refresh_token == kNewRefreshToken);
        BOOST_TEST(o.session.subject == "user-1");
        reused += o.reused;
    }
    BOOST_TEST(reused == kThreads - 1);
}

BOOST_AUTO_TEST_CASE(later_refresh_of_the_same_token_reuses_the_stored_result) {
    Fixture f;
    f.token_response(f.id_token(R"("sub":"user-1","sid":"s1","email":"new@example.test")"));
    SingleFlightRefresh flight(*f.store, *f.sealer);
    RefreshOutcome first = flight.refresh(f.client, f.provider, Fixture::session(), kNow);
    BOOST_TEST_REQUIRE(first.ok(), first.detail);
    RefreshOutcome second = flight.refresh(f.client, f.provider, Fixture::session(), kNow + 1);
    BOOST_TEST_REQUIRE(second.ok(), second.detail);
    BOOST_TEST(second.reused);
    BOOST_TEST(second.session.access_token == first.session.access_token);
    BOOST_TEST(second.session.claim_text("email") == "new@example.test");
    BOOST_TEST(second.session.created_at == first.session.created_at);
    BOOST_TEST(f.grants() == 1u);
}

BOOST_AUTO_TEST_CASE(stored_result_holds_no_plaintext_token) {
    Fixture f;
    f.token_response(f.id_token());
    SingleFlightRefresh flight(*f.store, *f.sealer);
    BOOST_TEST_REQUIRE(flight.refresh(f.client, f.provider, Fixture::session(), kNow).ok());
    auto stored = f.store->get(SingleFlightRefresh::key_for(kOldRefreshToken), kNow);
    BOOST_TEST_REQUIRE(stored.has_value());
    BOOST_TEST(stored->find(kNewAccessToken) == std::string::npos);
    BOOST_TEST(stored->find(kNewRefreshToken) == std::string::npos);
    BOOST_TEST(stored->find(kOldRefreshToken) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(refused_grant_is_shared_with_waiters_without_a_second_grant) {
    Fixture f;
    f.refuse_grant();
    BOOST_TEST_REQUIRE(f.provider.metadata(kNow, nullptr));
    f.http->set_delay(std::chrono::milliseconds(100));
    SingleFlightRefresh flight(*f.store, *f.sealer, 60, std::chrono::milliseconds(10000),
                               std::chrono::milliseconds(2));
    const Session current = Fixture::session();
    constexpr int kThreads = 8;
    std::vector<RefreshOutcome> outcomes(kThreads);
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&, i] {
            while (!go) std::this_thread::yield();
            outcomes[i] = flight.refresh(f.client, f.provider, current, kNow);
        });
    go = true;
    for (auto& t : threads) t.join();
    BOOST_TEST(f.grants() == 1u);
    int reused = 0;
    for (const auto& o : outcomes) {
        BOOST_TEST(o.error == RefreshError::Refused);
        reused += o.reused;
    }
    BOOST_TEST(reused == kThreads - 1);
    // And a request arriving after it is over gets the same answer, still without a grant.
    f.http->set_delay(std::chrono::milliseconds(0));
    RefreshOutcome late = flight.refresh(f.client, f.provider, current, kNow + 5);
    BOOST_TEST(late.error == RefreshError::Refused);
    BOOST_TEST(late.reused);
    BOOST_TEST(f.grants() == 1u);
}

BOOST_AUTO_TEST_CASE(unreachable_provider_clears_the_pending_marker_so_a_later_call_tries_again) {
    Fixture f;
    f.token_response(f.id_token());
    f.http->enqueue(kTokenUrl, FakeHttpClient::transport_failure());
    SingleFlightRefresh flight(*f.store, *f.sealer);
    RefreshOutcome first = flight.refresh(f.client, f.provider, Fixture::session(), kNow);
    BOOST_TEST(first.error == RefreshError::ProviderUnreachable);
    BOOST_TEST(!f.store->get(SingleFlightRefresh::key_for(kOldRefreshToken), kNow).has_value());
    RefreshOutcome second = flight.refresh(f.client, f.provider, Fixture::session(), kNow + 1);
    BOOST_TEST(second.ok(), second.detail);
    BOOST_TEST(!second.reused);
    BOOST_TEST(f.grants() == 2u);
}

BOOST_AUTO_TEST_CASE(waiter_past_the_wait_bound_gives_up_busy_without_a_grant) {
    Fixture f;
    f.token_response(f.id_token());
    // Another process's grant that never finishes.
    BOOST_TEST_REQUIRE(f.store->put(SingleFlightRefresh::key_for(kOldRefreshToken), "pending", kNow + 60, kNow));
    int sleeps = 0;
    SingleFlightRefresh flight(*f.store, *f.sealer, 60, std::chrono::milliseconds(20), std::chrono::milliseconds(1),
                               [&](std::chrono::milliseconds d) {
                                   ++sleeps;
                                   std::this_thread::sleep_for(d);
                               });
    const auto started = std::chrono::steady_clock::now();
    RefreshOutcome o = flight.refresh(f.client, f.provider, Fixture::session(), kNow);
    const auto waited_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    BOOST_TEST(o.error == RefreshError::Busy);
    BOOST_TEST(sleeps >= 1);
    BOOST_TEST(waited_ms >= 20);
    BOOST_TEST(waited_ms < 5000);
    BOOST_TEST(f.grants() == 0u);
}

BOOST_AUTO_TEST_CASE(single_flight_without_refresh_token_touches_neither_store_nor_provider) {
    Fixture f;
    SingleFlightRefresh flight(*f.store, *f.sealer);
    Session s = Fixture::session();
    s.refresh_token.clear();
    BOOST_TEST(flight.refresh(f.client, f.provider, s, kNow).error == RefreshError::NoRefreshToken);
    BOOST_TEST(f.http->calls() == 0u);
    BOOST_TEST(!f.store->get(SingleFlightRefresh::key_for(""), kNow).has_value());
}

BOOST_AUTO_TEST_CASE(request_that_loses_two_races_waits_instead_of_granting_beside_another_request) {
    // B reads nothing; A adds its marker; B's add fails. A's grant hits an
    // unreachable provider and removes the marker; B reads nothing again; C adds
    // its marker; B's add fails again. C is now granting: B must not grant too
    // (a rotated refresh token presented twice revokes every token of the user).
    Fixture f;
    f.token_response(f.id_token());
    const std::string key = SingleFlightRefresh::key_for(kOldRefreshToken);
    InterleavingStore store(*f.store, [&](const std::string& op, int n) {
        if (op == "add" && n == 1) f.store->add(key, "pending", kNow + 60, kNow);  // A
        if (op == "get" && n == 2) f.store->remove(key);                          // A: unreachable
        if (op == "add" && n == 2) f.store->add(key, "pending", kNow + 60, kNow);  // C
    });
    SingleFlightRefresh flight(store, *f.sealer, 60, std::chrono::milliseconds(20), std::chrono::milliseconds(1));
    RefreshOutcome b = flight.refresh(f.client, f.provider, Fixture::session(), kNow);
    BOOST_TEST(f.grants() == 0u);
    BOOST_TEST(b.error == RefreshError::Busy);
}

BOOST_AUTO_TEST_CASE(full_store_refuses_to_refresh_without_single_flight_and_says_so) {
    // Without a place for the "pending" marker, concurrent requests could each
    // present the same refresh token; the provider would then revoke them all.
    Fixture f;
    f.token_response(f.id_token());
    auto full = make_memory_store(1);
    BOOST_TEST_REQUIRE(full->put("other", "x", kNow + 3600, kNow));
    SingleFlightRefresh flight(*full, *f.sealer);
    RefreshOutcome o = flight.refresh(f.client, f.provider, Fixture::session(), kNow);
    BOOST_TEST(o.error == RefreshError::Busy);
    BOOST_TEST(o.detail.find("SSOAuthSharedStoreEntries") != std::string::npos, o.detail);
    BOOST_TEST(f.grants() == 0u);
}

BOOST_AUTO_TEST_CASE(result_too_large_for_the_store_makes_waiters_busy_not_regrant) {
    Fixture f;
    f.token_response(f.id_token());
    auto small = make_memory_store(16, 64);  // holds the marker, not the sealed session
    SingleFlightRefresh flight(*small, *f.sealer);
    RefreshOutcome first = flight.refresh(f.client, f.provider, Fixture::session(), kNow);
    BOOST_TEST(first.ok(), first.detail);
    BOOST_TEST(first.detail.find("SSOAuthSharedStoreValueBytes") != std::string::npos, first.detail);
    RefreshOutcome late = flight.refresh(f.client, f.provider, Fixture::session(), kNow);
    BOOST_TEST(late.error == RefreshError::Busy);
    BOOST_TEST(f.grants() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
