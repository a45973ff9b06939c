#include "core/compress.h"
#include "core/session.h"

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

BOOST_AUTO_TEST_CASE(sessions_are_sealed_deflated_and_read_back_in_either_form) {
    Session s;
    s.issuer = "https://idp.test/api/auth";
    s.client_id = "app";
    s.subject = "user-1";
    s.claims = json_parse(R"({"sub":"user-1","email":"u@example.test","name":"A Name","groups":["a","b","c"]})");
    s.id_token = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2ln";
    s.access_token = "at";
    const std::string packed = s.to_sealed_text();
    BOOST_TEST(packed.size() < s.to_json().size());
    BOOST_TEST(packed[0] == 'z');
    BOOST_TEST(Session::from_sealed_text(packed)->claim_text("email") == "u@example.test");
    BOOST_TEST(Session::from_sealed_text(s.to_json())->subject == "user-1");  // plain JSON still reads
    BOOST_TEST(!Session::from_sealed_text("z" + deflate_bytes("[1,2,3]")));
}

BOOST_AUTO_TEST_SUITE_END()
