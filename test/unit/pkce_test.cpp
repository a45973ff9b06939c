#include "core/pkce.h"

#include "fake_random.h"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace ssoauth;
using test::CountingRandom;
using test::FailingRandom;

BOOST_AUTO_TEST_SUITE(pkce)

BOOST_AUTO_TEST_CASE(s256_challenge_matches_rfc7636_appendix_b) {
    BOOST_TEST(s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") ==
               "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

BOOST_AUTO_TEST_CASE(verifier_carries_256_random_bits_in_43_characters) {
    CountingRandom random;
    std::string verifier = make_code_verifier(random);
    BOOST_TEST(random.requested == 32u);
    BOOST_TEST(verifier.size() == 43u);
    BOOST_TEST(is_valid_code_verifier(verifier));
}

BOOST_AUTO_TEST_CASE(verifiers_from_openssl_are_valid_and_distinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        std::string v = make_code_verifier(openssl_random());
        BOOST_TEST(is_valid_code_verifier(v));
        seen.insert(v);
    }
    BOOST_TEST(seen.size() == 200u);
}

BOOST_AUTO_TEST_CASE(verifier_alphabet_and_length_limits_are_enforced) {
    BOOST_TEST(!is_valid_code_verifier(std::string(42, 'a')));
    BOOST_TEST(is_valid_code_verifier(std::string(43, 'a')));
    BOOST_TEST(is_valid_code_verifier(std::string(128, '~')));
    BOOST_TEST(!is_valid_code_verifier(std::string(129, 'a')));
    BOOST_TEST(!is_valid_code_verifier(std::string(42, 'a') + "+"));
    BOOST_TEST(!is_valid_code_verifier(std::string(42, 'a') + "="));
    BOOST_TEST(is_valid_code_verifier("abc-._~" + std::string(36, 'Z')));
}

BOOST_AUTO_TEST_CASE(a_failing_generator_yields_no_verifier) {
    FailingRandom random;
    BOOST_TEST(make_code_verifier(random).empty());
}

BOOST_AUTO_TEST_SUITE_END()
