#include "core/return_to.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

BOOST_AUTO_TEST_SUITE(return_to)

BOOST_AUTO_TEST_CASE(accepts_same_origin_paths_with_query) {
    BOOST_TEST(safe_return_to("/") == "/");
    BOOST_TEST(safe_return_to("/demo/") == "/demo/");
    BOOST_TEST(safe_return_to("/app/page?x=1&y=%2F") == "/app/page?x=1&y=%2F");
}

BOOST_AUTO_TEST_CASE(open_redirect_attempts_fall_back_to_root) {
    for (const char* attack : {"//evil.example", "/\\evil.example", "https://evil.example",
                               "http:/evil.example", "evil.example", "javascript:alert(1)",
                               "/x\r\nSet-Cookie: a=b", "/x\nLocation: //evil", "\t//evil.example",
                               "/ /evil", "/a\\b", ""}) {
        BOOST_TEST_CONTEXT(attack) { BOOST_TEST(safe_return_to(attack) == "/"); }
    }
}

BOOST_AUTO_TEST_CASE(overlong_targets_are_refused) {
    BOOST_TEST(!is_safe_return_to("/" + std::string(2048, 'a')));
    BOOST_TEST(is_safe_return_to("/" + std::string(2047, 'a')));
}

BOOST_AUTO_TEST_CASE(return_to_comes_from_returnTo_else_callbackUrl_and_is_always_safe) {
    BOOST_TEST(return_to_of(parse_query("returnTo=%2Fa&callbackUrl=%2Fb")) == "/a");
    BOOST_TEST(return_to_of(parse_query("callbackUrl=%2Fb")) == "/b");
    BOOST_TEST(return_to_of(parse_query("")) == "/");
    BOOST_TEST(return_to_of(parse_query("returnTo=%2F%2Fevil.example")) == "/");
    // A duplicated returnTo is ambiguous and not used; callbackUrl is consulted instead.
    BOOST_TEST(return_to_of(parse_query("returnTo=%2Fa&returnTo=%2Fb&callbackUrl=%2Fc")) == "/c");
}

BOOST_AUTO_TEST_SUITE_END()
