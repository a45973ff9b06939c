// Query strings (parse_query, single_param, append_query, form_encode) and the
// one http(s) URL validator shared by directives and provider metadata.
#include "core/http_client.h"
#include "core/url.h"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace ssoauth;

namespace {

std::string why_not(const std::string& url, HttpUrlRules rules = HttpUrlRules{}) {
    std::string why = "(accepted)";
    is_http_url(url, rules, &why);
    return why;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(url)

// ---- parse_query

BOOST_AUTO_TEST_CASE(parse_query_splits_names_and_values) {
    const QueryParams params = parse_query("code=abc&state=xyz");
    BOOST_TEST(params.size() == 2u);
    BOOST_TEST(params.find("code")->second == "abc");
    BOOST_TEST(params.find("state")->second == "xyz");
}

BOOST_AUTO_TEST_CASE(parse_query_decodes_plus_as_space_and_percent_escapes) {
    const QueryParams params = parse_query("return+To=%2Fapp%3Fa%3D1%26b%3D2&name=J%C3%A9r%C3%B4me+D&plus=%2B");
    BOOST_TEST(params.find("return To")->second == "/app?a=1&b=2");
    BOOST_TEST(params.find("name")->second == "J\xC3\xA9r\xC3\xB4me D");
    BOOST_TEST(params.find("plus")->second == "+");
}

BOOST_AUTO_TEST_CASE(parse_query_keeps_a_percent_encoded_nul_byte_inside_the_value) {
    const QueryParams params = parse_query("a=x%00y");
    BOOST_TEST(params.find("a")->second == std::string("x\0y", 3));
}

BOOST_AUTO_TEST_CASE(parse_query_leaves_malformed_escapes_as_they_are) {
    const QueryParams params = parse_query("a=%zz&b=100%&c=%4");
    BOOST_TEST(params.find("a")->second == "%zz");
    BOOST_TEST(params.find("b")->second == "100%");
    BOOST_TEST(params.find("c")->second == "%4");
}

BOOST_AUTO_TEST_CASE(parse_query_keeps_every_value_of_a_duplicated_name) {
    const QueryParams params = parse_query("state=one&state=two&code=c");
    BOOST_TEST(params.count("state") == 2u);
    auto range = params.equal_range("state");
    BOOST_TEST(range.first->second == "one");
    BOOST_TEST(std::next(range.first)->second == "two");
}

BOOST_AUTO_TEST_CASE(parse_query_of_an_empty_string_has_no_parameters) {
    BOOST_TEST(parse_query("").empty());
    BOOST_TEST(parse_query("&&&").empty());
}

BOOST_AUTO_TEST_CASE(parse_query_skips_empty_pairs_between_ampersands) {
    const QueryParams params = parse_query("&a=1&&b=2&");
    BOOST_TEST(params.size() == 2u);
    BOOST_TEST(params.count("a") == 1u);
    BOOST_TEST(params.count("b") == 1u);
}

BOOST_AUTO_TEST_CASE(parse_query_gives_a_name_without_equals_an_empty_value) {
    const QueryParams params = parse_query("flag&a=");
    BOOST_TEST(params.find("flag")->second == "");
    BOOST_TEST(params.find("a")->second == "");
}

BOOST_AUTO_TEST_CASE(parse_query_splits_at_the_first_equals_only) {
    const QueryParams params = parse_query("a=b=c&=v");
    BOOST_TEST(params.find("a")->second == "b=c");
    BOOST_TEST(params.find("")->second == "v");
}

// ---- single_param

BOOST_AUTO_TEST_CASE(single_param_returns_the_value_of_a_name_given_once) {
    std::string value;
    BOOST_TEST(single_param(parse_query("code=abc&state=s"), "code", &value));
    BOOST_TEST(value == "abc");
    BOOST_TEST(single_param(parse_query("code="), "code", &value));
    BOOST_TEST(value == "");
}

BOOST_AUTO_TEST_CASE(single_param_refuses_an_absent_or_repeated_name_and_leaves_the_value_alone) {
    std::string value = "untouched";
    BOOST_TEST(!single_param(parse_query("state=s"), "code", &value));
    BOOST_TEST(!single_param(parse_query("code=a&code=b"), "code", &value));
    BOOST_TEST(!single_param(parse_query("code=a&code=a"), "code", &value));
    BOOST_TEST(value == "untouched");
}

// ---- append_query

BOOST_AUTO_TEST_CASE(append_query_starts_a_query_or_extends_the_existing_one) {
    BOOST_TEST(append_query("https://idp.test/logout", "a=1") == "https://idp.test/logout?a=1");
    BOOST_TEST(append_query("https://idp.test/logout?x=y", "a=1") == "https://idp.test/logout?x=y&a=1");
    BOOST_TEST(append_query("/error", "error=access_denied") == "/error?error=access_denied");
}

BOOST_AUTO_TEST_CASE(append_query_with_an_empty_query_returns_the_url_unchanged) {
    BOOST_TEST(append_query("https://idp.test/logout", "") == "https://idp.test/logout");
    BOOST_TEST(append_query("https://idp.test/logout?x=y", "") == "https://idp.test/logout?x=y");
}

// ---- form_encode (http_client.h)

BOOST_AUTO_TEST_CASE(form_encode_joins_fields_in_order_and_escapes_reserved_bytes) {
    BOOST_TEST(form_encode({{"grant_type", "authorization_code"}, {"code", "a b&c=d+e/f?g#h%"}}) ==
               "grant_type=authorization_code&code=a%20b%26c%3Dd%2Be%2Ff%3Fg%23h%25");
    BOOST_TEST(form_encode({{"b", "2"}, {"a", "1"}}) == "b=2&a=1");
}

BOOST_AUTO_TEST_CASE(form_encode_keeps_unreserved_characters_and_escapes_utf8_bytes) {
    BOOST_TEST(form_encode({{"v", "AZaz09-._~"}}) == "v=AZaz09-._~");
    BOOST_TEST(form_encode({{"name", "J\xC3\xA9"}}) == "name=J%C3%A9");
}

BOOST_AUTO_TEST_CASE(form_encode_of_nothing_or_empty_values) {
    BOOST_TEST(form_encode({}) == "");
    BOOST_TEST(form_encode({{"nonce", ""}}) == "nonce=");
}

BOOST_AUTO_TEST_CASE(form_encode_round_trips_through_parse_query) {
    const std::string tricky = "/app/page?x=1&y=a b+c%20#frag \xE2\x82\xAC";
    const QueryParams params = parse_query(form_encode({{"returnTo", tricky}, {"k y", "="}}));
    BOOST_TEST(params.find("returnTo")->second == tricky);
    BOOST_TEST(params.find("k y")->second == "=");
}

// ---- is_http_url, is_https_url

BOOST_AUTO_TEST_CASE(is_http_url_accepts_absolute_http_and_https_urls) {
    for (const char* url :
         {"https://idp.example.com", "https://idp.example.com/", "https://idp.example.com/api/auth",
          "http://127.0.0.1:9000/api/auth", "HTTPS://IdP.Example.COM/x", "hTTp://h", "https://[::1]:8443/jwks",
          "https://[2001:db8::7]/", "https://idp.example.com:443/a/b?c=d", "https://h:/x", "https://h?x=1",
          "https://h.example/caf\xC3\xA9"})
        BOOST_TEST(is_http_url(url, HttpUrlRules{}), url);
}

BOOST_AUTO_TEST_CASE(is_http_url_refuses_other_schemes_and_relative_urls) {
    for (const char* url : {"", "not a url", "/relative/callback", "//idp.example.com/x", "ftp://idp.example/x",
                            "javascript:alert(1)", "https:idp.example.com", "https:/idp.example.com",
                            "httpx://h", "file:///etc/passwd"})
        BOOST_TEST(why_not(url) == "is not an absolute http(s) URL", url);
}

BOOST_AUTO_TEST_CASE(is_http_url_refuses_a_missing_host) {
    for (const char* url : {"https://", "https:///jwks", "https://:443/x", "https://?x", "https://[]:80/"})
        BOOST_TEST(why_not(url) == "has no host", url);
}

BOOST_AUTO_TEST_CASE(is_http_url_refuses_user_info) {
    BOOST_TEST(why_not("https://evil@idp.example.com/jwks") == "has user info");
    BOOST_TEST(why_not("https://user:secret@idp.example.com/") == "has user info");
    BOOST_TEST(why_not("https://idp.example.com/path@x") == "(accepted)");  // '@' in the path is not user info
}

BOOST_AUTO_TEST_CASE(is_http_url_refuses_a_fragment) {
    BOOST_TEST(why_not("https://idp.example.com/a#frag") == "has a fragment");
    BOOST_TEST(why_not("https://idp.example.com/#") == "has a fragment");
}

BOOST_AUTO_TEST_CASE(is_http_url_refuses_blanks_and_control_characters_anywhere) {
    for (const std::string& url : {std::string("https://idp.example.com/a b"), std::string("https://idp .example.com/"),
                                  std::string("https://h/\t"), std::string("https://h/\r\nX-Evil: 1"),
                                  std::string("https://h/\x7f"), std::string("https://h/\x01"),
                                  std::string("https://h/a\0b", 13), std::string(" https://h/")})
        BOOST_TEST((why_not(url) == "has a blank or control character" ||
                    why_not(url) == "is not an absolute http(s) URL"));
    BOOST_TEST(why_not("https://h/a b") == "has a blank or control character");
}

BOOST_AUTO_TEST_CASE(is_http_url_refuses_ports_that_are_not_numbers_up_to_65535) {
    BOOST_TEST(is_http_url("https://h:65535/", HttpUrlRules{}));
    BOOST_TEST(is_http_url("https://h:0", HttpUrlRules{}));
    for (const char* url : {"https://h:65536/", "https://h:123456/", "https://h:http/", "https://h:-1/",
                            "https://h:80:81/", "https://[::1]:x/"})
        BOOST_TEST(why_not(url) == "has a port that is not a number up to 65535", url);
}

BOOST_AUTO_TEST_CASE(is_http_url_refuses_malformed_ip_literals) {
    BOOST_TEST(why_not("https://[::1/x") == "has an IP literal without ']'");
    BOOST_TEST(why_not("https://[::1]x/") == "has text after its IP literal");
}

BOOST_AUTO_TEST_CASE(is_http_url_refuses_a_query_only_when_the_rules_say_so) {
    const HttpUrlRules no_query{/*allow_query=*/false};
    BOOST_TEST(is_http_url("https://h/x?a=1", HttpUrlRules{}));
    BOOST_TEST(why_not("https://h/x?a=1", no_query) == "has a query");
    BOOST_TEST(why_not("https://h/x?", no_query) == "has a query");
    BOOST_TEST(why_not("https://h?", no_query) == "has a query");
    BOOST_TEST(is_http_url("https://h/x", no_query));
}

BOOST_AUTO_TEST_CASE(is_http_url_refuses_plain_http_only_when_https_is_required) {
    const HttpUrlRules https_only{/*allow_query=*/true, /*require_https=*/true};
    BOOST_TEST(is_http_url("http://h/x", HttpUrlRules{}));
    BOOST_TEST(why_not("http://h/x", https_only) == "is plain http where https is required");
    BOOST_TEST(is_http_url("HTTPS://h/x", https_only));
}

BOOST_AUTO_TEST_CASE(is_http_url_accepts_a_null_why) {
    BOOST_TEST(!is_http_url("ftp://h/", HttpUrlRules{}, nullptr));
    BOOST_TEST(is_http_url("https://h/", HttpUrlRules{}, nullptr));
}

BOOST_AUTO_TEST_CASE(is_https_url_looks_at_the_scheme_in_any_case) {
    BOOST_TEST(is_https_url("https://h"));
    BOOST_TEST(is_https_url("HTTPS://h"));
    BOOST_TEST(!is_https_url("http://h"));
    BOOST_TEST(!is_https_url("https:/h"));
    BOOST_TEST(!is_https_url(""));
}

BOOST_AUTO_TEST_SUITE_END()
