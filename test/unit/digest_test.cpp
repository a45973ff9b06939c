#include "core/digest.h"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <string>

using namespace ssoauth;

namespace {
std::string hex(const std::string& bytes) {
    std::string out;
    char two[3];
    for (unsigned char c : bytes) {
        std::snprintf(two, sizeof(two), "%02x", c);
        out += two;
    }
    return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(digest)

BOOST_AUTO_TEST_CASE(sha256_matches_the_fips_180_2_examples) {
    BOOST_TEST(hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_TEST(hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

BOOST_AUTO_TEST_CASE(sha256_reads_every_byte_embedded_nuls_included) {
    const std::string with_nul("a\0b", 3);
    BOOST_TEST(sha256(with_nul).size() == 32u);
    BOOST_TEST(sha256(with_nul) != sha256("a"));
}

BOOST_AUTO_TEST_SUITE_END()
