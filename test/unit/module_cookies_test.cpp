// The module's own cookies are recognised by name, and removed from a
// Cookie header with every other cookie kept byte-for-byte and in order.
#include "core/module_cookies.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

BOOST_AUTO_TEST_SUITE(module_cookies)

BOOST_AUTO_TEST_CASE(session_chunks_and_state_cookies_are_the_modules) {
    BOOST_TEST(is_module_cookie("ssoauth_session", "ssoauth"));
    BOOST_TEST(is_module_cookie("ssoauth_session_0", "ssoauth"));
    BOOST_TEST(is_module_cookie("ssoauth_session_12", "ssoauth"));
    BOOST_TEST(is_module_cookie("ssoauth_state_abcdefgh12345678", "ssoauth"));
    BOOST_TEST(is_module_cookie("__Host-app_session", "__Host-app"));
}

BOOST_AUTO_TEST_CASE(application_cookies_with_similar_names_are_not_the_modules) {
    BOOST_TEST(!is_module_cookie("ssoauth", "ssoauth"));
    BOOST_TEST(!is_module_cookie("ssoauth_sessions", "ssoauth"));
    BOOST_TEST(!is_module_cookie("ssoauth_session_prefs", "ssoauth"));
    BOOST_TEST(!is_module_cookie("ssoauth_session_", "ssoauth"));
    BOOST_TEST(!is_module_cookie("ssoauth_state", "ssoauth"));
    BOOST_TEST(!is_module_cookie("SSOAUTH_session", "ssoauth"));  // names are case-sensitive
    BOOST_TEST(!is_module_cookie("other_session", "ssoauth"));
    BOOST_TEST(!is_module_cookie("ssoauth_session", "app"));  // another prefix: not this location's
}

BOOST_AUTO_TEST_CASE(module_cookies_leave_the_header_and_others_keep_their_bytes_and_order) {
    const auto out = without_module_cookies(
        "theme=dark; ssoauth_session=chunks.2; ssoauth_session_0=AAA; lang=\"en US\";"
        "ssoauth_session_1=BBB;  cart=a=b=c ; ssoauth_state_0123456789abcdef=S", "ssoauth");
    BOOST_REQUIRE(out.has_value());
    BOOST_TEST(*out == "theme=dark; lang=\"en US\"; cart=a=b=c");
}

BOOST_AUTO_TEST_CASE(a_header_without_module_cookies_is_not_rewritten) {
    BOOST_TEST(!without_module_cookies("theme=dark; lang=en", "ssoauth").has_value());
    BOOST_TEST(!without_module_cookies("ssoauth_session_prefs=1; ssoauth=2", "ssoauth").has_value());
    BOOST_TEST(!without_module_cookies("", "ssoauth").has_value());
}

BOOST_AUTO_TEST_CASE(a_header_of_only_module_cookies_becomes_empty) {
    const auto out = without_module_cookies(" ssoauth_session=X ; ssoauth_state_ab=Y;", "ssoauth");
    BOOST_REQUIRE(out.has_value());
    BOOST_TEST(out->empty());
}

BOOST_AUTO_TEST_CASE(pieces_without_equals_and_blank_pieces_are_kept_or_dropped_as_they_came) {
    const auto out = without_module_cookies("flag; ; ssoauth_session=X;x=1", "ssoauth");
    BOOST_REQUIRE(out.has_value());
    BOOST_TEST(*out == "flag; x=1");
}

BOOST_AUTO_TEST_SUITE_END()
