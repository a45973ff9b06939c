// The Cookie-header reader (one tokenizer for the map and the single lookup)
// and Set-Cookie writing.
#include "core/cookies.h"

#include <boost/test/unit_test.hpp>

#include <utility>
#include <vector>

using namespace ssoauth;

namespace {
using Pairs = std::vector<std::pair<std::string, std::string>>;
Pairs read_all(std::string_view header) {
    Pairs out;
    CookieReader reader(header);
    std::string_view name;
    while (reader.next(&name)) out.emplace_back(std::string(name), std::string(reader.value()));
    return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(cookies)

BOOST_AUTO_TEST_CASE(cookie_header_parsing_takes_first_occurrence_and_trims) {
    CookieMap c = parse_cookie_header(" a=1; b = two ;a=3; c=\"q\"; broken; =x");
    BOOST_TEST(c["a"] == "1");
    BOOST_TEST(c["b"] == "two");
    BOOST_TEST(c["c"] == "q");
    BOOST_TEST(c.count("broken") == 0u);
}

BOOST_AUTO_TEST_CASE(the_reader_yields_every_pair_in_order_duplicates_included) {
    BOOST_TEST((read_all("a=1; b=2; a=3") == Pairs{{"a", "1"}, {"b", "2"}, {"a", "3"}}));
    BOOST_TEST(read_all("").empty());
    BOOST_TEST(read_all(";;; ;").empty());
}

BOOST_AUTO_TEST_CASE(quoted_values_lose_one_pair_of_quotes_only_when_both_are_there) {
    BOOST_TEST((read_all("a=\"q\"") == Pairs{{"a", "q"}}));
    BOOST_TEST((read_all("a=\"\"") == Pairs{{"a", ""}}));
    BOOST_TEST((read_all("a=\"") == Pairs{{"a", "\""}}));
    BOOST_TEST((read_all("a=\"x") == Pairs{{"a", "\"x"}}));
    BOOST_TEST((read_all("a=x\"") == Pairs{{"a", "x\""}}));
    BOOST_TEST((read_all("a=\"\"q\"\"") == Pairs{{"a", "\"q\""}}));
    BOOST_TEST((read_all("a= \"q\" ") == Pairs{{"a", "q"}}));  // blanks go first, then the quotes
    BOOST_TEST((read_all("a=\" q \"") == Pairs{{"a", " q "}}));  // blanks inside the quotes stay
}

BOOST_AUTO_TEST_CASE(blanks_around_names_and_values_are_removed_but_not_inside) {
    BOOST_TEST((read_all(" \ta \t= \t1 \t; b=2 ") == Pairs{{"a", "1"}, {"b", "2"}}));
    BOOST_TEST((read_all("a b=1") == Pairs{{"a b", "1"}}));
    BOOST_TEST((read_all("a=1 2") == Pairs{{"a", "1 2"}}));
    BOOST_TEST((read_all("a=   ") == Pairs{{"a", ""}}));
}

BOOST_AUTO_TEST_CASE(pairs_with_an_empty_name_or_without_equals_are_skipped) {
    BOOST_TEST((read_all("=x; a=1") == Pairs{{"a", "1"}}));
    BOOST_TEST((read_all(" \t=x; a=1") == Pairs{{"a", "1"}}));
    BOOST_TEST((read_all("=; a=1") == Pairs{{"a", "1"}}));
    BOOST_TEST((read_all("broken; a=1; other") == Pairs{{"a", "1"}}));
    BOOST_TEST(parse_cookie_header("=x").empty());
    BOOST_TEST(!find_cookie("=x", "").has_value());
}

BOOST_AUTO_TEST_CASE(a_value_keeps_every_equals_sign_after_the_first) {
    BOOST_TEST((read_all("a=b=c==") == Pairs{{"a", "b=c=="}}));
    BOOST_TEST(*find_cookie("a=b=c==", "a") == "b=c==");
}

BOOST_AUTO_TEST_CASE(the_first_of_a_name_wins_in_the_map_and_in_the_lookup) {
    const std::string header = "s=first; t=1; s=second";
    BOOST_TEST(parse_cookie_header(header).at("s") == "first");
    BOOST_TEST(*find_cookie(header, "s") == "first");
    // A pair that is skipped does not count as the first.
    BOOST_TEST(*find_cookie("s; s=real", "s") == "real");
}

BOOST_AUTO_TEST_CASE(find_cookie_matches_whole_names_only) {
    BOOST_TEST(*find_cookie("ab=1; a=2", "a") == "2");
    BOOST_TEST(!find_cookie("ab=1", "a").has_value());
    BOOST_TEST(!find_cookie("a=1", "ab").has_value());
    BOOST_TEST(!find_cookie("a b=1", "a").has_value());
    BOOST_TEST(!find_cookie("A=1", "a").has_value());  // names are case-sensitive
}

BOOST_AUTO_TEST_CASE(find_cookie_is_a_view_into_the_header) {
    const std::string header = "x=1; s=\"sealed\"";
    auto value = find_cookie(header, "s");
    BOOST_REQUIRE(value);
    BOOST_TEST(*value == "sealed");
    BOOST_TEST(value->data() - header.data() == 8);  // no copy: it points into the header
}

BOOST_AUTO_TEST_CASE(the_map_and_the_lookup_agree_on_every_header) {
    const char* headers[] = {" a=1; b = two ;a=3; c=\"q\"; broken; =x", "a=\"", "a=; a=2", " ; a b=1; a=\"\" ",
                             "a=1;b=2;c", "\ta\t=\t\"x\"\t", "c=\"q", "=a; a==; b"};
    for (const char* header : headers) {
        const CookieMap map = parse_cookie_header(header);
        for (const char* name : {"a", "b", "c", "a b", ""}) {
            auto found = find_cookie(header, name);
            auto it = map.find(std::string_view(name));
            BOOST_TEST(found.has_value() == (it != map.end()), header << " / " << name);
            if (found && it != map.end()) BOOST_TEST(std::string(*found) == it->second, header << " / " << name);
        }
    }
}

BOOST_AUTO_TEST_CASE(several_cookie_headers_add_up_and_the_first_still_wins) {
    CookieMap jar;
    parse_cookie_header("a=1; b=2", &jar);
    parse_cookie_header("b=3; c=4", &jar);
    BOOST_TEST(jar.size() == 3u);
    BOOST_TEST(jar.at("b") == "2");
    BOOST_TEST(jar.at("c") == "4");
}

BOOST_AUTO_TEST_CASE(set_cookie_carries_httponly_samesite_and_secure_as_configured) {
    CookieSettings s;
    s.secure = true;
    std::string h = set_cookie_header("n", "v", s, -1);
    BOOST_TEST(h == "n=v; Path=/; HttpOnly; Secure; SameSite=Lax");
    s.secure = false;
    s.same_site = "Strict";
    BOOST_TEST(set_cookie_header("n", "", s, 0) ==
               "n=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict");
}

BOOST_AUTO_TEST_CASE(samesite_none_is_always_secure_and_a_positive_max_age_is_written) {
    CookieSettings s;
    s.same_site = "None";
    BOOST_TEST(set_cookie_header("n", "v", s, 300) == "n=v; Path=/; Max-Age=300; HttpOnly; Secure; SameSite=None");
}

BOOST_AUTO_TEST_CASE(host_prefixed_cookies_are_written_secure_with_path_root_and_no_domain) {
    CookieSettings plain;  // Secure not configured (SSOAuthCookieSecure Off, or Auto over http)
    for (const char* name : {"__Host-app_session", "__Secure-app_state_0123456789abcdef"})
        for (long max_age : {-1L, 0L, 300L}) {
            const std::string h = set_cookie_header(name, "v", plain, max_age);
            BOOST_TEST(h.find("; Secure") != std::string::npos, h);
            BOOST_TEST(h.find("; Path=/;") != std::string::npos, h);
            BOOST_TEST(h.find("Domain") == std::string::npos, h);
        }
    BOOST_TEST(set_cookie_header("app_session", "v", plain, -1).find("Secure") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
