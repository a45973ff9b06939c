#include "core/base64url.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

BOOST_AUTO_TEST_SUITE(base64url)

BOOST_AUTO_TEST_CASE(encodes_rfc4648_vectors_without_padding) {
    BOOST_TEST(base64url_encode("") == "");
    BOOST_TEST(base64url_encode("f") == "Zg");
    BOOST_TEST(base64url_encode("fo") == "Zm8");
    BOOST_TEST(base64url_encode("foo") == "Zm9v");
    BOOST_TEST(base64url_encode("foob") == "Zm9vYg");
    BOOST_TEST(base64url_encode("fooba") == "Zm9vYmE");
    BOOST_TEST(base64url_encode("foobar") == "Zm9vYmFy");
}

BOOST_AUTO_TEST_CASE(uses_the_url_safe_alphabet) {
    const std::string bytes("\xfb\xff\xbf", 3);  // "+/+/" in standard base64
    BOOST_TEST(base64url_encode(bytes) == "-_-_");
    BOOST_TEST(*base64url_decode("-_-_") == bytes);
}

BOOST_AUTO_TEST_CASE(round_trips_every_byte_value) {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (size_t n = 0; n <= all.size(); n += 17) {
        auto decoded = base64url_decode(base64url_encode(all.substr(0, n)));
        BOOST_REQUIRE(decoded);
        BOOST_TEST(*decoded == all.substr(0, n));
    }
}

BOOST_AUTO_TEST_CASE(rejects_padding_standard_alphabet_and_impossible_lengths) {
    BOOST_TEST(!base64url_decode("Zg=="));
    BOOST_TEST(!base64url_decode("+/+/"));
    BOOST_TEST(!base64url_decode("Zm9v Yg"));
    BOOST_TEST(!base64url_decode("Zm9vY"));  // 4n+1 characters cannot encode anything
}

BOOST_AUTO_TEST_SUITE_END()
