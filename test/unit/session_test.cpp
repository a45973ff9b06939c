#include "core/session.h"

#include "printers.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

namespace {
const std::string kIssuer = "https://idp.test/api/auth";
std::shared_ptr<const CookieSealer> test_sealer() {
    return CookieSealer::create({"session-test-passphrase-0123456789abcdef"}, nullptr);
}
// Text that deflate cannot shrink (sessions are deflated before sealing).
std::string incompressible(size_t n) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out += alphabet[x % 64];
    }
    return out;
}
Session sample(const std::string& padding = "") {
    Session s;
    s.issuer = kIssuer;
    s.client_id = "app";
    s.subject = "user-1";
    s.sid = "sid-1";
    s.claims = json_parse(R"({"sub":"user-1","email":"u@example.test","groups":["a","b"],"n":5,"pad":")" +
                          padding + "\"}");
    s.id_token = "h.p.s";
    s.access_token = "at";
    s.refresh_token = "rt";
    s.access_token_expires_at = 1000;
    s.created_at = 10;
    s.expires_at = 5000;
    return s;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(session)

BOOST_AUTO_TEST_CASE(json_round_trip_keeps_every_field) {
    auto back = Session::from_json(sample().to_json());
    BOOST_REQUIRE(back);
    BOOST_TEST(back->subject == "user-1");
    BOOST_TEST(back->sid == "sid-1");
    BOOST_TEST(back->refresh_token == "rt");
    BOOST_TEST(back->expires_at == 5000);
    BOOST_TEST(back->claim_text("email") == "u@example.test");
    BOOST_TEST(back->claim_text("groups") == "a,b");
    BOOST_TEST(back->claim_text("n") == "5");
    BOOST_TEST(back->claim_text("absent") == "");
}

BOOST_AUTO_TEST_CASE(cookie_header_parsing_takes_first_occurrence_and_trims) {
    CookieMap c = parse_cookie_header(" a=1; b = two ;a=3; c=\"q\"; broken; =x");
    BOOST_TEST(c["a"] == "1");
    BOOST_TEST(c["b"] == "two");
    BOOST_TEST(c["c"] == "q");
    BOOST_TEST(c.count("broken") == 0u);
}

BOOST_AUTO_TEST_CASE(set_cookie_carries_httponly_samesite_and_secure_as_configured) {
    CookieSettings s;
    s.secure = true;
    std::string h = set_cookie_header("n", "v", s, -1);
    BOOST_TEST(h == "n=v; Path=/; HttpOnly; Secure; SameSite=Lax");
    s.secure = false;
    s.same_site = "Strict";
    BOOST_TEST(set_cookie_header("n", "", s, 0) ==
               "n=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict");
}

BOOST_AUTO_TEST_CASE(sealed_session_opens_from_its_cookies) {
    auto sealer = test_sealer();
    CookieSettings settings;
    CookieMap jar;
    test::apply_set_cookies(jar, seal_session(sample(), settings, *sealer, jar));
    BOOST_TEST(jar.size() == 1u);
    Session out;
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 100, &out) == SessionStatus::Ok);
    BOOST_TEST(out.claim_text("email") == "u@example.test");
}

BOOST_AUTO_TEST_CASE(large_sessions_are_chunked_and_stale_chunks_removed) {
    auto sealer = test_sealer();
    CookieSettings settings;
    CookieMap jar;
    test::apply_set_cookies(jar, seal_session(sample(incompressible(9000)), settings, *sealer, jar));
    BOOST_TEST(jar.count("ssoauth_session_0") == 1u);
    BOOST_TEST(jar.count("ssoauth_session_2") == 1u);
    Session out;
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 100, &out) == SessionStatus::Ok);
    // A later small session deletes the chunks the large one left.
    test::apply_set_cookies(jar, seal_session(sample(), settings, *sealer, jar));
    BOOST_TEST(jar.size() == 1u);
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 100, &out) == SessionStatus::Ok);
}

BOOST_AUTO_TEST_CASE(a_missing_chunk_makes_the_session_undecryptable) {
    auto sealer = test_sealer();
    CookieSettings settings;
    CookieMap jar;
    test::apply_set_cookies(jar, seal_session(sample(incompressible(9000)), settings, *sealer, jar));
    jar.erase("ssoauth_session_1");
    Session out;
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 100, &out) == SessionStatus::Undecryptable);
}

BOOST_AUTO_TEST_CASE(sessions_of_another_client_or_past_max_age_are_refused) {
    auto sealer = test_sealer();
    CookieSettings settings;
    CookieMap jar;
    test::apply_set_cookies(jar, seal_session(sample(), settings, *sealer, jar));
    Session out;
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "other-app", 100, &out) == SessionStatus::WrongClient);
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer + "1", "app", 100, &out) == SessionStatus::WrongClient);
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 5000, &out) == SessionStatus::Expired);
    BOOST_TEST(open_session(CookieMap{}, settings, *sealer, kIssuer, "app", 100, &out) == SessionStatus::Absent);
}

BOOST_AUTO_TEST_CASE(a_cookie_with_another_prefix_is_not_read) {
    auto sealer = test_sealer();
    CookieSettings app1, app2;
    app2.prefix = "app2";
    CookieMap jar;
    test::apply_set_cookies(jar, seal_session(sample(), app1, *sealer, jar));
    Session out;
    BOOST_TEST(open_session(jar, app2, *sealer, kIssuer, "app", 100, &out) == SessionStatus::Absent);
    // Copying app1's value under app2's name does not open either: the name is bound.
    jar["app2_session"] = jar["ssoauth_session"];
    BOOST_TEST(open_session(jar, app2, *sealer, kIssuer, "app", 100, &out) == SessionStatus::Undecryptable);
}

BOOST_AUTO_TEST_CASE(clearing_deletes_every_chunk) {
    CookieMap jar{{"ssoauth_session", "chunks.2"}, {"ssoauth_session_0", "a"}, {"ssoauth_session_1", "b"}};
    auto headers = clear_session_cookies(jar, CookieSettings{});
    BOOST_TEST(headers.size() == 3u);
    test::apply_set_cookies(jar, headers);
    BOOST_TEST(jar.empty());
}

BOOST_AUTO_TEST_CASE(a_cookie_seen_before_is_served_from_the_cache_without_reopening) {
    auto sealer = test_sealer();
    CookieSettings settings;
    CookieMap jar;
    test::apply_set_cookies(jar, seal_session(sample(), settings, *sealer, jar));
    SessionPtr first, second;
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 100, &first) == SessionStatus::Ok);
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 100, &second) == SessionStatus::Ok);
    BOOST_TEST(first.get() == second.get());  // one opened session, shared
    BOOST_TEST(cached_session_count() >= 1u);
}

BOOST_AUTO_TEST_CASE(cached_sessions_still_expire_and_still_belong_to_one_client) {
    auto sealer = test_sealer();
    CookieSettings settings;
    CookieMap jar;
    test::apply_set_cookies(jar, seal_session(sample(), settings, *sealer, jar));
    SessionPtr s;
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 100, &s) == SessionStatus::Ok);
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 5000, &s) == SessionStatus::Expired);
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "other-app", 100, &s) == SessionStatus::WrongClient);
}

BOOST_AUTO_TEST_CASE(a_tampered_copy_of_a_cached_cookie_is_not_served_from_the_cache) {
    auto sealer = test_sealer();
    CookieSettings settings;
    CookieMap jar;
    test::apply_set_cookies(jar, seal_session(sample(), settings, *sealer, jar));
    SessionPtr s;
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 100, &s) == SessionStatus::Ok);
    std::string& value = jar["ssoauth_session"];
    value[value.size() / 2] = value[value.size() / 2] == 'A' ? 'B' : 'A';
    BOOST_TEST(open_session(jar, settings, *sealer, kIssuer, "app", 100, &s) == SessionStatus::Undecryptable);
}

BOOST_AUTO_TEST_CASE(a_cookie_cached_under_one_passphrase_list_does_not_open_under_another) {
    // After a reload that drops a passphrase, its cookies must stop working at once.
    auto old_sealer = test_sealer();
    auto new_sealer = CookieSealer::create({"a-new-passphrase-that-replaced-the-old-0123"}, nullptr);
    CookieSettings settings;
    CookieMap jar;
    test::apply_set_cookies(jar, seal_session(sample(), settings, *old_sealer, jar));
    SessionPtr s;
    BOOST_TEST(open_session(jar, settings, *old_sealer, kIssuer, "app", 100, &s) == SessionStatus::Ok);
    BOOST_TEST(open_session(jar, settings, *new_sealer, kIssuer, "app", 100, &s) == SessionStatus::Undecryptable);
}

BOOST_AUTO_TEST_SUITE_END()
