#include "core/cache_control.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

BOOST_AUTO_TEST_SUITE(cache_control)

BOOST_AUTO_TEST_CASE(no_store_or_bare_private_already_forbids_shared_storage) {
    BOOST_TEST(forbids_shared_storage("no-store"));
    BOOST_TEST(forbids_shared_storage("max-age=0, No-Store"));
    BOOST_TEST(forbids_shared_storage("private, max-age=600"));
    BOOST_TEST(forbids_shared_storage("PRIVATE"));
}

BOOST_AUTO_TEST_CASE(public_absent_or_field_private_does_not_forbid_shared_storage) {
    BOOST_TEST(!forbids_shared_storage(""));
    BOOST_TEST(!forbids_shared_storage("public, max-age=600"));
    BOOST_TEST(!forbids_shared_storage("no-cache"));
    BOOST_TEST(!forbids_shared_storage("private=\"X-Other, Y\""));
    BOOST_TEST(!forbids_shared_storage("no-storex, privately"));
}

BOOST_AUTO_TEST_CASE(a_public_response_carrying_a_session_cookie_becomes_private_keeping_its_max_age) {
    BOOST_TEST(make_private("public, max-age=600") == "private, max-age=600");
    BOOST_TEST(make_private("Public, s-maxage=3600, max-age=60, proxy-revalidate, must-revalidate") ==
               "private, max-age=60, must-revalidate");
    BOOST_TEST(make_private("private=\"a, b\", no-cache") == "private, no-cache");
    BOOST_TEST(make_private("") == "private");
    BOOST_TEST(make_private(" , max-age=5,") == "private, max-age=5");
}

BOOST_AUTO_TEST_SUITE_END()
