#include "core/text.h"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace ssoauth;

BOOST_AUTO_TEST_SUITE(text)

BOOST_AUTO_TEST_CASE(iequals_ignores_ascii_letter_case_only) {
    BOOST_TEST(iequals("Bearer", "bearer"));
    BOOST_TEST(iequals("AT+JWT", "at+jwt"));
    BOOST_TEST(iequals("", ""));
    BOOST_TEST(!iequals("Bearer", "Bearer "));
    BOOST_TEST(!iequals("bearer", "bear"));
    BOOST_TEST(!iequals("a-b", "a_b"));
    BOOST_TEST(!iequals("[", "{"));  // 0x5B and 0x7B differ by 0x20 but are not letters
    BOOST_TEST(!iequals("@", "`"));
}

BOOST_AUTO_TEST_CASE(bytes_outside_ascii_compare_equal_only_to_themselves) {
    BOOST_TEST(iequals("\xc3\x89t\xc3\xa9", "\xc3\x89T\xc3\xa9"));
    BOOST_TEST(!iequals("\xc3\x89", "\xc3\xa9"));  // É and é: not folded
}

BOOST_AUTO_TEST_CASE(embedded_nuls_are_compared_not_taken_as_the_end) {
    BOOST_TEST(!iequals(std::string("none\0x", 6), "none"));
    BOOST_TEST(iequals(std::string("A\0B", 3), std::string("a\0b", 3)));
}

BOOST_AUTO_TEST_CASE(istarts_with_ignores_case_and_needs_the_whole_prefix) {
    BOOST_TEST(istarts_with("HTTPS://idp.example", "https://"));
    BOOST_TEST(istarts_with("https://", "https://"));
    BOOST_TEST(istarts_with("anything", ""));
    BOOST_TEST(!istarts_with("https:/", "https://"));
    BOOST_TEST(!istarts_with("http://x", "https://"));
}

BOOST_AUTO_TEST_CASE(icontains_finds_the_needle_anywhere_ignoring_case) {
    BOOST_TEST(icontains("application/xhtml+xml,TEXT/HTML;q=0.9", "text/html"));
    BOOST_TEST(icontains("text/html", "text/html"));
    BOOST_TEST(icontains("x", ""));
    BOOST_TEST(!icontains("text/htm", "text/html"));
    BOOST_TEST(!icontains("", "text/html"));
}

BOOST_AUTO_TEST_SUITE_END()
