#include "core/random.h"

#include "core/base64url.h"
#include "fake_random.h"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace ssoauth;
using test::CountingRandom;
using test::FailingRandom;

BOOST_AUTO_TEST_SUITE(random_source)

BOOST_AUTO_TEST_CASE(a_token_is_the_generator_bytes_as_unpadded_base64url) {
    CountingRandom random;
    const std::string token = random_token(random, 9);
    BOOST_TEST(random.requested == 9u);
    BOOST_TEST(token == "AAECAwQFBgcI");  // bytes 0..8
    BOOST_TEST(random_token(random, 32).size() == 43u);
}

BOOST_AUTO_TEST_CASE(a_failing_generator_yields_no_token) {
    FailingRandom random;
    BOOST_TEST(random_token(random, 16).empty());
}

BOOST_AUTO_TEST_CASE(openssl_tokens_are_distinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) seen.insert(random_token(openssl_random(), 16));
    BOOST_TEST(seen.size() == 100u);
}

BOOST_AUTO_TEST_SUITE_END()
