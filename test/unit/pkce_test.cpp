#include "core/pkce.h"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace ssoauth;

namespace {
// Deterministic bytes, to show that the verifier is made from the generator's output.
class CountingRandom : public RandomSource {
public:
    bool bytes(unsigned char* out, size_t length) override {
        for (size_t i = 0; i < length; ++i) out[i] = static_cast<unsigned char>(next_++);
        requested += length;
        return true;
    }
    size_t requested = 0;
private:
    unsigned next_ = 0;
};
class FailingRandom : public RandomSource {
public:
    bool bytes(unsigned char*, size_t) override { return false; }
};
}  // namespace

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

BOOST_AUTO_TEST_CASE(a_failing_generator_yields_no_token) {
    FailingRandom random;
    BOOST_TEST(random_token(random, 16).empty());
    BOOST_TEST(make_code_verifier(random).empty());
}

BOOST_AUTO_TEST_SUITE_END()
