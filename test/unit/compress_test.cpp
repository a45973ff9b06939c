#include "core/compress.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

BOOST_AUTO_TEST_SUITE(compress)

BOOST_AUTO_TEST_CASE(deflate_then_inflate_round_trips) {
    std::string text;
    for (int i = 0; i < 200; ++i) text += "{\"claim\":\"value " + std::to_string(i) + "\"},";
    std::string packed = deflate_bytes(text);
    BOOST_TEST(packed.size() < text.size() / 3);
    BOOST_TEST(*inflate_bytes(packed, 1 << 20) == text);
}

BOOST_AUTO_TEST_CASE(inflating_stops_at_the_limit_so_a_bomb_goes_nowhere) {
    const std::string bomb = deflate_bytes(std::string(10 << 20, 'a'));  // 10 MiB of 'a', a few KiB packed
    BOOST_TEST(bomb.size() < 20000u);
    BOOST_TEST(!inflate_bytes(bomb, 65536));
    BOOST_TEST(inflate_bytes(bomb, 11 << 20)->size() == size_t(10 << 20));
}

BOOST_AUTO_TEST_CASE(truncated_extended_or_foreign_streams_are_refused) {
    const std::string packed = deflate_bytes(std::string(5000, 'x') + "tail");
    BOOST_TEST(!inflate_bytes(packed.substr(0, packed.size() - 3), 65536));
    BOOST_TEST(!inflate_bytes(packed + "junk", 65536));
    BOOST_TEST(!inflate_bytes("not zlib at all", 65536));
    BOOST_TEST(!inflate_bytes("", 65536));
}

BOOST_AUTO_TEST_SUITE_END()
