// The cookies that carry a sealed session: one cookie, or a marker and chunks.
#include "core/session_cookies.h"

#include "core/cookie_seal.h"
#include "printers.h"
#include "session_samples.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;
using test::incompressible;

BOOST_AUTO_TEST_SUITE(session_cookies)

BOOST_AUTO_TEST_CASE(the_session_cookie_is_named_after_the_prefix) {
    CookieSettings settings;
    BOOST_TEST(session_cookie_name(settings) == "ssoauth_session");
    settings.prefix = "app2";
    BOOST_TEST(session_cookie_name(settings) == "app2_session");
}

BOOST_AUTO_TEST_CASE(a_small_value_is_one_cookie_and_reads_back) {
    CookieSettings settings;
    CookieMap jar;
    test::apply_set_cookies(jar, write_session_cookies("sealed-value", settings, jar));
    BOOST_TEST(jar.size() == 1u);
    BOOST_TEST(jar["ssoauth_session"] == "sealed-value");
    BOOST_TEST(*read_session_cookie(jar, settings) == "sealed-value");
}

BOOST_AUTO_TEST_CASE(large_values_are_chunked_and_stale_chunks_removed) {
    CookieSettings settings;
    CookieMap jar;
    const std::string large = incompressible(3 * kMaxCookieChunkBytes - 10);
    test::apply_set_cookies(jar, write_session_cookies(large, settings, jar));
    BOOST_TEST(jar["ssoauth_session"] == "chunks.3");
    BOOST_TEST(jar.count("ssoauth_session_0") == 1u);
    BOOST_TEST(jar.count("ssoauth_session_2") == 1u);
    BOOST_TEST(*read_session_cookie(jar, settings) == large);
    // A later small value deletes the chunks the large one left.
    test::apply_set_cookies(jar, write_session_cookies("small", settings, jar));
    BOOST_TEST(jar.size() == 1u);
    BOOST_TEST(*read_session_cookie(jar, settings) == "small");
}

BOOST_AUTO_TEST_CASE(a_value_that_needs_too_many_chunks_writes_nothing) {
    CookieMap jar;
    BOOST_TEST(write_session_cookies(std::string(kMaxCookieChunks * kMaxCookieChunkBytes + 1, 'a'), CookieSettings{},
                                     jar)
                   .empty());
}

BOOST_AUTO_TEST_CASE(a_missing_chunk_or_a_bad_count_reads_as_garbage_not_as_absent) {
    CookieSettings settings;
    CookieMap jar{{"ssoauth_session", "chunks.2"}, {"ssoauth_session_0", "a"}};
    BOOST_TEST(*read_session_cookie(jar, settings) == "");
    for (const char* marker : {"chunks.1", "chunks.9", "chunks.x", "chunks."}) {
        CookieMap bad{{"ssoauth_session", marker}, {"ssoauth_session_0", "a"}, {"ssoauth_session_1", "b"}};
        BOOST_TEST(*read_session_cookie(bad, settings) == "", marker);
    }
}

BOOST_AUTO_TEST_CASE(no_cookie_or_an_empty_one_reads_as_absent) {
    CookieSettings settings;
    BOOST_TEST(!read_session_cookie(CookieMap{}, settings));
    BOOST_TEST(!read_session_cookie(CookieMap{{"ssoauth_session", ""}}, settings));
    BOOST_TEST(!read_session_cookie(CookieMap{{"other_session", "x"}}, settings));
}

BOOST_AUTO_TEST_CASE(clearing_deletes_every_chunk) {
    CookieMap jar{{"ssoauth_session", "chunks.2"}, {"ssoauth_session_0", "a"}, {"ssoauth_session_1", "b"}};
    auto headers = clear_session_cookies(jar, CookieSettings{});
    BOOST_TEST(headers.size() == 3u);
    test::apply_set_cookies(jar, headers);
    BOOST_TEST(jar.empty());
}

BOOST_AUTO_TEST_CASE(the_chunk_marker_is_never_a_sealed_value) {
    BOOST_TEST(is_chunk_marker("chunks.2"));
    BOOST_TEST(!is_chunk_marker("chunks"));
    BOOST_TEST(!is_chunk_marker("AQAAAAA-base64url_value"));
}

BOOST_AUTO_TEST_SUITE_END()
