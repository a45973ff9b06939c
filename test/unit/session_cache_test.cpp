// Opening and sealing sessions, and the per-process cache of opened ones.
#include "core/session_cache.h"

#include "printers.h"
#include "session_samples.h"

#include <boost/test/unit_test.hpp>

#include <ctime>
#include <memory>

using namespace ssoauth;
using test::incompressible;
using test::kSessionIssuer;
using test::sample_session;

namespace {
const std::string& kIssuer = kSessionIssuer;

// A session sealed into a browser's jar, and ways to open it again.
struct SealedJar {
    explicit SealedJar(const Session& session = sample_session()) { seal(session); }
    void seal(const Session& session) { test::apply_set_cookies(jar, seal_session(session, settings, *sealer, jar)); }
    SessionStatus open(int64_t now, const std::string& client_id = "app", const std::string& issuer = kIssuer) {
        SessionPtr ignored;
        return open_session(jar, settings, *sealer, issuer, client_id, now, &ignored);
    }
    std::shared_ptr<const CookieSealer> sealer = test::session_test_sealer();
    CookieSettings settings;
    CookieMap jar;
};

// The Cookie header a browser would send for this jar.
std::string cookie_header_of(const CookieMap& jar) {
    std::string header;
    for (const auto& cookie : jar) header += (header.empty() ? "" : "; ") + cookie.first + "=" + cookie.second;
    return header;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(session_cache)

BOOST_FIXTURE_TEST_CASE(sealed_session_opens_from_its_cookies, SealedJar) {
    BOOST_TEST(jar.size() == 1u);
    Session out;
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 100, &out) == SessionStatus::Ok);
    BOOST_TEST(out.claim_text("email") == "u@example.test");
}

BOOST_AUTO_TEST_CASE(large_sessions_are_chunked_and_stale_chunks_removed) {
    SealedJar f(sample_session(incompressible(9000)));
    BOOST_TEST(f.jar.count("ssoauth_session_0") == 1u);
    BOOST_TEST(f.jar.count("ssoauth_session_2") == 1u);
    BOOST_TEST(f.open(100) == SessionStatus::Ok);
    // A later small session deletes the chunks the large one left.
    f.seal(sample_session());
    BOOST_TEST(f.jar.size() == 1u);
    BOOST_TEST(f.open(100) == SessionStatus::Ok);
}

BOOST_AUTO_TEST_CASE(a_missing_chunk_makes_the_session_undecryptable) {
    SealedJar f(sample_session(incompressible(9000)));
    f.jar.erase("ssoauth_session_1");
    BOOST_TEST(f.open(100) == SessionStatus::Undecryptable);
}

BOOST_FIXTURE_TEST_CASE(sessions_of_another_client_or_past_max_age_are_refused, SealedJar) {
    BOOST_TEST(open(100, "other-app") == SessionStatus::WrongClient);
    BOOST_TEST(open(100, "app", kIssuer + "1") == SessionStatus::WrongClient);
    BOOST_TEST(open(5000) == SessionStatus::Expired);
    jar.clear();
    BOOST_TEST(open(100) == SessionStatus::Absent);
}

BOOST_FIXTURE_TEST_CASE(a_cookie_with_another_prefix_is_not_read, SealedJar) {
    CookieSettings app2;
    app2.prefix = "app2";
    Session out;
    BOOST_TEST(open_session(jar, app2, *sealer, kIssuer, "app", 100, &out) == SessionStatus::Absent);
    // Copying app1's value under app2's name does not open either: the name is bound.
    jar["app2_session"] = jar["ssoauth_session"];
    BOOST_TEST(open_session(jar, app2, *sealer, kIssuer, "app", 100, &out) == SessionStatus::Undecryptable);
}

BOOST_AUTO_TEST_CASE(a_session_opens_from_the_raw_cookie_header_whole_or_chunked) {
    for (size_t padding : {0, 9000}) {
        SealedJar f(sample_session(incompressible(padding)));
        f.jar["other"] = "x";
        SessionPtr s;
        BOOST_TEST(open_session_from_header(cookie_header_of(f.jar), f.settings, *f.sealer, kIssuer, "app", 100,
                                            &s) == SessionStatus::Ok);
        BOOST_TEST(s->claim_text("email") == "u@example.test");
    }
    SealedJar f;
    SessionPtr s;
    for (const char* header : {"", "ssoauth_session=", "other=x"})
        BOOST_TEST(open_session_from_header(header, f.settings, *f.sealer, kIssuer, "app", 100, &s) ==
                   SessionStatus::Absent);
    BOOST_TEST(open_session_from_header("ssoauth_session=garbage", f.settings, *f.sealer, kIssuer, "app", 100, &s) ==
               SessionStatus::Undecryptable);
}

BOOST_FIXTURE_TEST_CASE(a_cookie_seen_before_is_served_from_the_cache_without_reopening, SealedJar) {
    SessionPtr first, second;
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 100, &first) == SessionStatus::Ok);
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 100, &second) == SessionStatus::Ok);
    BOOST_TEST(first.get() == second.get());  // one opened session, shared
    BOOST_TEST(cached_session_count() >= 1u);
}

BOOST_FIXTURE_TEST_CASE(cached_sessions_still_expire_and_still_belong_to_one_client, SealedJar) {
    BOOST_TEST(open(100) == SessionStatus::Ok);
    BOOST_TEST(open(5000) == SessionStatus::Expired);
    BOOST_TEST(open(100, "other-app") == SessionStatus::WrongClient);
}

BOOST_FIXTURE_TEST_CASE(a_tampered_copy_of_a_cached_cookie_is_not_served_from_the_cache, SealedJar) {
    BOOST_TEST(open(100) == SessionStatus::Ok);
    std::string& value = jar["ssoauth_session"];
    value[value.size() / 2] = value[value.size() / 2] == 'A' ? 'B' : 'A';
    BOOST_TEST(open(100) == SessionStatus::Undecryptable);
}

BOOST_FIXTURE_TEST_CASE(a_cookie_cached_under_one_passphrase_list_does_not_open_under_another, SealedJar) {
    // After a reload that drops a passphrase, its cookies must stop working at once.
    BOOST_TEST(open(100) == SessionStatus::Ok);
    sealer = CookieSealer::create({"a-new-passphrase-that-replaced-the-old-0123"}, nullptr);
    BOOST_TEST(open(100) == SessionStatus::Undecryptable);
}

BOOST_AUTO_TEST_CASE(a_full_cache_drops_its_expired_sessions_first_and_all_of_them_when_none_expired) {
    // The cache is per process and shared with every other test: the live
    // session below is recognised by its pointer, served only from the cache.
    auto sealer = test::session_test_sealer();
    CookieSettings settings;
    const int64_t wall = static_cast<int64_t>(std::time(nullptr));  // eviction uses the wall clock
    Session live = sample_session();
    live.expires_at = wall + 86400;
    const Session expired = sample_session();  // expires_at 5000, long past
    auto kept = std::make_shared<const Session>(live.clone());
    CookieMap jar;
    test::apply_set_cookies(jar, seal_session(kept, settings, *sealer, CookieMap()));
    for (int i = 0; i < 1100; ++i) {  // fills the cache with expired sessions, and past full
        seal_session(expired, settings, *sealer, CookieMap());
        BOOST_TEST_REQUIRE(cached_session_count() <= 1024u);
    }
    SessionPtr opened;
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", wall, &opened) == SessionStatus::Ok);
    BOOST_TEST(opened.get() == kept.get());  // kept while the expired ones went

    for (int i = 0; i < 1100; ++i) {  // only live sessions: full means all of them go
        seal_session(live, settings, *sealer, CookieMap());
        BOOST_TEST_REQUIRE(cached_session_count() <= 1024u);
    }
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", wall, &opened) == SessionStatus::Ok);
    BOOST_TEST(opened.get() != kept.get());  // opened again from the cookie
}

BOOST_AUTO_TEST_CASE(a_cache_of_large_sessions_stays_within_its_byte_budget) {
    // 500 live sessions whose cookies are ~22 KB each (~176 KB estimated each): under the entry cap, but
    // far more memory than the byte budget allows (hundreds of MB before).
    auto sealer = test::session_test_sealer();
    CookieSettings settings;
    const int64_t wall = static_cast<int64_t>(std::time(nullptr));
    Session big = sample_session();
    big.expires_at = wall + 86400;
    json_object_set_new(big.claims.get(), "bulk", json_string(incompressible(22000).c_str()));
    const size_t budget = size_t(64) << 20;
    for (int i = 0; i < 500; ++i) {
        BOOST_TEST_REQUIRE(!seal_session(big, settings, *sealer, CookieMap()).empty());
        BOOST_TEST_REQUIRE(cached_session_bytes() <= budget);
    }
    BOOST_TEST(cached_session_count() <= (budget / (22000 * 8)) + 1);  // the budget binds, not the 1024 entries
    BOOST_TEST(cached_session_bytes() > 0u);
}

BOOST_AUTO_TEST_CASE(session_status_names_are_the_documented_reasons) {
    // docs/endpoints.md lists them as the refresh endpoint's 401 reasons.
    BOOST_TEST(std::string(session_status_name(SessionStatus::Ok)) == "ok");
    BOOST_TEST(std::string(session_status_name(SessionStatus::Absent)) == "absent");
    BOOST_TEST(std::string(session_status_name(SessionStatus::Undecryptable)) == "undecryptable");
    BOOST_TEST(std::string(session_status_name(SessionStatus::Malformed)) == "malformed");
    BOOST_TEST(std::string(session_status_name(SessionStatus::WrongClient)) == "wrong_client");
    BOOST_TEST(std::string(session_status_name(SessionStatus::Expired)) == "expired");
}

BOOST_AUTO_TEST_SUITE_END()
