// Every TokenStatus has a stable code and a readable sentence. The values are
// walked by number until the name function no longer knows one, so a value
// added later is covered without touching this file.
#include "core/token_status.h"

#include <boost/test/unit_test.hpp>

#include <cctype>
#include <set>
#include <string>
#include <vector>

using namespace ssoauth;

namespace {

const std::string kUnknownName = "unknown_status";

std::vector<TokenStatus> every_status() {
    std::vector<TokenStatus> all;
    for (int i = 0; i < 1000; ++i) {
        const TokenStatus status = static_cast<TokenStatus>(i);
        if (token_status_name(status) == kUnknownName) break;
        all.push_back(status);
    }
    return all;
}

bool is_snake_case(const std::string& name) {
    if (name.empty() || !std::islower(static_cast<unsigned char>(name.front())) || name.back() == '_') return false;
    for (size_t i = 0; i < name.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(name[i]);
        if (!(std::islower(c) || std::isdigit(c) || c == '_')) return false;
        if (c == '_' && name[i + 1] == '_') return false;
    }
    return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(token_status)

BOOST_AUTO_TEST_CASE(the_walk_reaches_every_value_up_to_the_last_declared_one) {
    const auto all = every_status();
    BOOST_TEST(all.size() >= 29u);
    BOOST_TEST(static_cast<int>(all.front()) == static_cast<int>(TokenStatus::Ok));
    BOOST_TEST(static_cast<int>(all.size()) > static_cast<int>(TokenStatus::JtiMissing));
}

BOOST_AUTO_TEST_CASE(every_status_has_a_distinct_snake_case_name) {
    std::set<std::string> seen;
    for (TokenStatus status : every_status()) {
        const std::string name = token_status_name(status);
        BOOST_TEST(is_snake_case(name), name);
        BOOST_TEST(seen.insert(name).second, "duplicate name " << name);
    }
}

BOOST_AUTO_TEST_CASE(every_status_has_a_distinct_sentence_as_its_message) {
    std::set<std::string> seen;
    for (TokenStatus status : every_status()) {
        const char* raw = token_status_message(status);
        BOOST_REQUIRE(raw != nullptr);
        const std::string message = raw;
        BOOST_TEST(message.size() > 10u, token_status_name(status));
        BOOST_TEST(std::isupper(static_cast<unsigned char>(message.front())), message);
        BOOST_TEST(message.back() == '.', message);
        BOOST_TEST(seen.insert(message).second, "duplicate message " << message);
    }
}

BOOST_AUTO_TEST_CASE(names_are_the_documented_stable_codes) {
    BOOST_TEST(std::string(token_status_name(TokenStatus::Ok)) == "ok");
    BOOST_TEST(std::string(token_status_name(TokenStatus::Expired)) == "jwt_expired");
    BOOST_TEST(std::string(token_status_name(TokenStatus::UnknownKid)) == "jwks_unknown_kid");
    BOOST_TEST(std::string(token_status_name(TokenStatus::JtiMissing)) == "logout_jti_missing");
    BOOST_TEST(std::string(token_status_message(TokenStatus::Expired)) == "The token has expired.");
}

BOOST_AUTO_TEST_CASE(an_out_of_range_value_still_gets_a_name_and_a_message) {
    const TokenStatus bogus = static_cast<TokenStatus>(9999);
    BOOST_TEST(token_status_name(bogus) == kUnknownName);
    BOOST_TEST(std::string(token_status_message(bogus)) == "Unknown token status.");
}

BOOST_AUTO_TEST_SUITE_END()
