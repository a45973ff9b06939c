#include "core/base64url.h"
#include "core/cookie_seal.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

namespace {
const std::string kPassA = "passphrase-A-0123456789abcdef0123456789";
const std::string kPassB = "passphrase-B-0123456789abcdef0123456789";

std::shared_ptr<const CookieSealer> sealer(std::vector<std::string> passphrases) {
    std::string error;
    auto s = CookieSealer::create(passphrases, &error);
    BOOST_REQUIRE_MESSAGE(s, error);
    return s;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(cookie_seal)

BOOST_AUTO_TEST_CASE(seal_then_open_round_trips) {
    auto s = sealer({kPassA});
    const std::string text = R"({"sub":"u1","claims":{"email":"a@b"}})";
    std::string sealed = s->seal(text, "ssoauth_session");
    BOOST_TEST(sealed.find(text) == std::string::npos);
    BOOST_TEST(*s->open(sealed, "ssoauth_session") == text);
}

BOOST_AUTO_TEST_CASE(every_seal_uses_a_fresh_iv) {
    auto s = sealer({kPassA});
    BOOST_TEST(s->seal("same", "c") != s->seal("same", "c"));
}

BOOST_AUTO_TEST_CASE(flipping_any_single_byte_is_detected) {
    auto s = sealer({kPassA});
    std::string raw = *base64url_decode(s->seal("a session worth protecting", "ssoauth_session"));
    for (size_t i = 0; i < raw.size(); ++i) {
        for (unsigned char bit : {0x01, 0x80}) {
            std::string tampered = raw;
            tampered[i] = static_cast<char>(tampered[i] ^ bit);
            BOOST_TEST_CONTEXT("byte " << i << " bit " << int(bit)) {
                BOOST_TEST(!s->open(base64url_encode(tampered), "ssoauth_session"));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(truncated_or_extended_values_do_not_open) {
    auto s = sealer({kPassA});
    std::string sealed = s->seal("x", "c");
    BOOST_TEST(!s->open(sealed.substr(0, sealed.size() - 2), "c"));
    BOOST_TEST(!s->open(sealed + "AA", "c"));
    BOOST_TEST(!s->open("", "c"));
    BOOST_TEST(!s->open("not base64url!", "c"));
}

BOOST_AUTO_TEST_CASE(a_value_moved_to_another_cookie_name_does_not_open) {
    auto s = sealer({kPassA});
    std::string state = s->seal("attempt", "ssoauth_state_abc");
    BOOST_TEST(!s->open(state, "ssoauth_session"));
}

BOOST_AUTO_TEST_CASE(rotation_opens_values_sealed_under_an_older_listed_passphrase) {
    auto old_sealer = sealer({kPassA});
    auto rotated = sealer({kPassB, kPassA});
    std::string sealed_old = old_sealer->seal("old", "c");
    BOOST_TEST(*rotated->open(sealed_old, "c") == "old");
    // New values are sealed with the first passphrase only.
    BOOST_TEST(!old_sealer->open(rotated->seal("new", "c"), "c"));
}

BOOST_AUTO_TEST_CASE(an_unlisted_passphrase_does_not_open) {
    auto a = sealer({kPassA});
    auto b = sealer({kPassB});
    BOOST_TEST(!b->open(a->seal("x", "c"), "c"));
}

BOOST_AUTO_TEST_CASE(passphrases_shorter_than_32_bytes_are_refused) {
    std::string error;
    BOOST_TEST(!CookieSealer::create({std::string(31, 'x')}, &error));
    BOOST_TEST(error.find("at least 32") != std::string::npos);
    BOOST_TEST(!CookieSealer::create({kPassA, "short"}, &error));
    BOOST_TEST(!CookieSealer::create({}, &error));
    BOOST_TEST(CookieSealer::create({std::string(32, 'x')}, &error));
}

BOOST_AUTO_TEST_CASE(chunks_split_and_join) {
    std::string value(9001, 'v');
    value[4000] = 'X';
    auto chunks = split_cookie_chunks(value, 4000, 8);
    BOOST_REQUIRE_EQUAL(chunks.size(), 3u);
    BOOST_TEST(chunks[0].size() == 4000u);
    BOOST_TEST(chunks[1][0] == 'X');
    BOOST_TEST(chunks[2].size() == 1001u);
    BOOST_TEST(chunks[0] + chunks[1] + chunks[2] == value);
    BOOST_TEST(split_cookie_chunks("small").size() == 1u);
}

BOOST_AUTO_TEST_CASE(too_many_chunks_are_refused) {
    BOOST_TEST(split_cookie_chunks(std::string(4000 * 8, 'a'), 4000, 8).size() == 8u);
    BOOST_TEST(split_cookie_chunks(std::string(4000 * 8 + 1, 'a'), 4000, 8).empty());
}

BOOST_AUTO_TEST_SUITE_END()
