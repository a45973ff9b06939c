// Claims passed to backends (lookup, value text, header sanitising, names),
// and `Require sso-claim` requirements.
#include "core/claim_requirement.h"
#include "core/claims.h"
#include "core/json.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>

using namespace ssoauth;

namespace {

JsonPtr parse(const std::string& text) {
    JsonPtr j = json_parse(text);
    if (!j) throw std::runtime_error("bad test JSON: " + text);
    return j;
}

// The claim's value text, or "<absent>" when find_claim finds nothing.
std::string text_at(const std::string& claims_json, const std::string& path) {
    JsonPtr claims = parse(claims_json);
    const json_t* v = find_claim(claims.get(), path);
    return v ? claim_value_text(v) : "<absent>";
}

// claim_value_text of any JSON value (json_parse takes objects and arrays only, so it is wrapped).
std::string value_text(const std::string& json) {
    JsonPtr wrapper = parse("[" + json + "]");
    return claim_value_text(json_array_get(wrapper.get(), 0));
}

bool requirement_matches(const std::string& argument, const std::string& claims_json) {
    std::string error;
    auto r = ClaimRequirement::parse(argument, &error);
    if (!r) throw std::runtime_error("requirement did not parse: " + error);
    JsonPtr claims = parse(claims_json);
    return r->matches(claims.get());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(claims)

// ---- find_claim ----

BOOST_AUTO_TEST_CASE(find_claim_returns_a_top_level_claim) {
    BOOST_TEST(text_at(R"({"email":"u@example.test"})", "email") == "u@example.test");
}

BOOST_AUTO_TEST_CASE(find_claim_walks_nested_objects_by_dotted_path) {
    BOOST_TEST(text_at(R"({"address":{"country":"DE","geo":{"lat":"52"}}})", "address.country") == "DE");
    BOOST_TEST(text_at(R"({"address":{"country":"DE","geo":{"lat":"52"}}})", "address.geo.lat") == "52");
}

BOOST_AUTO_TEST_CASE(find_claim_prefers_a_claim_whose_own_name_has_a_dot) {
    const std::string claims = R"({"https://example.test/role":"direct","a.b":"flat","a":{"b":"nested"}})";
    BOOST_TEST(text_at(claims, "a.b") == "flat");
    BOOST_TEST(text_at(claims, "https://example.test/role") == "direct");
}

BOOST_AUTO_TEST_CASE(find_claim_is_null_for_missing_paths_and_non_object_steps) {
    BOOST_TEST(text_at(R"({"email":"u@example.test"})", "name") == "<absent>");
    BOOST_TEST(text_at(R"({"address":{"country":"DE"}})", "address.city") == "<absent>");
    BOOST_TEST(text_at(R"({"address":"Main St"})", "address.country") == "<absent>");
    BOOST_TEST(text_at(R"({"groups":["a","b"]})", "groups.0") == "<absent>");
    BOOST_TEST(text_at(R"({"address":{"country":"DE"}})", "address.") == "<absent>");
}

// ---- claim_value_text ----

BOOST_AUTO_TEST_CASE(string_values_are_passed_as_they_are) {
    BOOST_TEST(value_text(R"("a b,c \"q\"")") == "a b,c \"q\"");
    BOOST_TEST(value_text(R"("")") == "");
}

BOOST_AUTO_TEST_CASE(arrays_are_joined_with_commas_and_non_strings_as_json) {
    BOOST_TEST(value_text(R"(["admin","users"])") == "admin,users");
    BOOST_TEST(value_text(R"(["a",1,true,null])") == "a,1,true,null");
    BOOST_TEST(value_text(R"([])") == "");
}

BOOST_AUTO_TEST_CASE(booleans_numbers_and_objects_become_json_text) {
    BOOST_TEST(value_text("true") == "true");
    BOOST_TEST(value_text("false") == "false");
    BOOST_TEST(value_text("42") == "42");
    BOOST_TEST(value_text("-7") == "-7");
    BOOST_TEST(value_text(R"({"b":1,"a":"x"})") == R"({"a":"x","b":1})");
}

BOOST_AUTO_TEST_CASE(null_and_absent_values_are_empty_text) {
    BOOST_TEST(value_text("null") == "");
    BOOST_TEST(claim_value_text(nullptr) == "");
}

// ---- sanitize_header_value ----

BOOST_AUTO_TEST_CASE(sanitize_removes_cr_lf_nul_del_tab_and_every_control_character) {
    BOOST_TEST(sanitize_header_value("a\r\nX-SSO-Claim-role: admin") == "aX-SSO-Claim-role: admin");
    BOOST_TEST(sanitize_header_value(std::string("a\0b", 3)) == "ab");
    BOOST_TEST(sanitize_header_value("a\x7f" "b") == "ab");
    BOOST_TEST(sanitize_header_value("a\tb") == "ab");
    std::string all_controls;
    for (int c = 0; c < 0x20; ++c) all_controls += static_cast<char>(c);
    BOOST_TEST(sanitize_header_value("<" + all_controls + ">") == "<>");
}

BOOST_AUTO_TEST_CASE(sanitize_keeps_printable_ascii) {
    std::string printable;
    for (int c = 0x20; c < 0x7f; ++c) printable += static_cast<char>(c);
    BOOST_TEST(sanitize_header_value(printable) == printable);
}

BOOST_AUTO_TEST_CASE(sanitize_keeps_valid_two_three_and_four_byte_utf8) {
    const std::string two = "J\xc3\xbcrgen";               // ü U+00FC
    const std::string three = "\xe2\x82\xac" "5";          // € U+20AC
    const std::string four = "\xf0\x9f\x98\x80";           // 😀 U+1F600
    const std::string edges = "\xc2\x80" "\xdf\xbf" "\xe0\xa0\x80" "\xef\xbf\xbf" "\xf0\x90\x80\x80"
                              "\xf4\x8f\xbf\xbf";          // U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF
    BOOST_TEST(sanitize_header_value(two) == two);
    BOOST_TEST(sanitize_header_value(three) == three);
    BOOST_TEST(sanitize_header_value(four) == four);
    BOOST_TEST(sanitize_header_value(edges) == edges);
}

BOOST_AUTO_TEST_CASE(sanitize_replaces_each_byte_of_an_invalid_sequence_with_a_question_mark) {
    BOOST_TEST(sanitize_header_value("a\x80" "b") == "a?b");          // lone continuation byte
    BOOST_TEST(sanitize_header_value("\xc3(") == "?(");               // lead without continuation
    BOOST_TEST(sanitize_header_value("\xc0\xaf") == "??");            // overlong '/'
    BOOST_TEST(sanitize_header_value("\xc1\xbf") == "??");            // overlong
    BOOST_TEST(sanitize_header_value("\xe0\x80\xaf") == "???");       // overlong 3-byte
    BOOST_TEST(sanitize_header_value("\xf0\x80\x80\xaf") == "????");  // overlong 4-byte
    BOOST_TEST(sanitize_header_value("\xed\xa0\x80") == "???");       // surrogate U+D800
    BOOST_TEST(sanitize_header_value("\xed\xbf\xbf") == "???");       // surrogate U+DFFF
    BOOST_TEST(sanitize_header_value("\xf4\x90\x80\x80") == "????");  // above U+10FFFF
}

BOOST_AUTO_TEST_CASE(sanitize_replaces_a_sequence_truncated_by_the_end_of_the_value) {
    BOOST_TEST(sanitize_header_value("ok\xe2\x82") == "ok??");
    BOOST_TEST(sanitize_header_value("ok\xf0\x9f\x98") == "ok???");
    BOOST_TEST(sanitize_header_value("\xe2\x82" "A") == "??A");
}

BOOST_AUTO_TEST_CASE(sanitize_never_accepts_lead_bytes_f5_to_ff) {
    // 0xF5..0xFF can never appear in UTF-8 (RFC 3629 section 1), whatever follows them.
    BOOST_TEST(sanitize_header_value("\xf5\x80\x80\x80") == "????");
    BOOST_TEST(sanitize_header_value("\xf8\x88\x80") == "???");
    BOOST_TEST(sanitize_header_value("\xfe\x80\x80") == "???");
    BOOST_TEST(sanitize_header_value("\xff\xbf\xbf") == "???");
}

BOOST_AUTO_TEST_CASE(sanitized_output_is_never_a_control_byte_whatever_the_input) {
    std::string every_byte;
    for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c);
    for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c) + std::string("\x80\x80\x80");
    std::string out = sanitize_header_value(every_byte);
    bool clean = std::none_of(out.begin(), out.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
    BOOST_TEST(clean);
}

// ---- names ----

BOOST_AUTO_TEST_CASE(header_names_write_underscore_and_dot_as_dash_and_drop_the_rest) {
    BOOST_TEST(claim_header_name("email") == "X-SSO-Claim-email");
    BOOST_TEST(claim_header_name("email_verified") == "X-SSO-Claim-email-verified");
    BOOST_TEST(claim_header_name("address.country") == "X-SSO-Claim-address-country");
    BOOST_TEST(claim_header_name("given-name") == "X-SSO-Claim-given-name");
    BOOST_TEST(claim_header_name("a b:c\r\n/d\xc3\xbc") == "X-SSO-Claim-abcd");
}

BOOST_AUTO_TEST_CASE(variable_names_write_dot_and_dash_as_underscore_and_drop_the_rest) {
    BOOST_TEST(claim_variable_name("email") == "SSO_CLAIM_email");
    BOOST_TEST(claim_variable_name("email_verified") == "SSO_CLAIM_email_verified");
    BOOST_TEST(claim_variable_name("address.country") == "SSO_CLAIM_address_country");
    BOOST_TEST(claim_variable_name("given-name") == "SSO_CLAIM_given_name");
    BOOST_TEST(claim_variable_name("a b=c\n$d") == "SSO_CLAIM_abcd");
}

BOOST_AUTO_TEST_CASE(every_header_starting_with_x_sso_in_any_case_or_separator_is_reserved) {
    for (const char* name : {"X-SSO-Claim-email", "x-sso-claim-role", "X_SSO_CLAIM_ROLE", "x_sso-user", "X-sso_",
                             "X-SSO-Access-Token", kAccessTokenHeader})
        BOOST_TEST(is_reserved_header(name), name);
}

BOOST_AUTO_TEST_CASE(headers_that_merely_resemble_the_prefix_are_not_reserved) {
    for (const char* name : {"X-SSOX", "X-SSOX-Claim", "X-SS", "X-SSO", "", "Authorization", "XX-SSO-a", " X-SSO-a",
                             "X.SSO-a"})
        BOOST_TEST(!is_reserved_header(name), name);
}

BOOST_AUTO_TEST_CASE(connection_tokens_naming_x_sso_headers_are_removed_and_others_kept) {
    const auto out = without_reserved_tokens("keep-alive, X-SSO-Claim-Email,x_sso_claim_sub , Upgrade,X-SSO-");
    BOOST_REQUIRE(out.has_value());
    BOOST_TEST(*out == "keep-alive, Upgrade");
    const auto only = without_reserved_tokens(" X-SSO-Access-Token ");
    BOOST_REQUIRE(only.has_value());
    BOOST_TEST(only->empty());
}

BOOST_AUTO_TEST_CASE(a_connection_header_naming_no_x_sso_header_is_not_rewritten) {
    BOOST_TEST(!without_reserved_tokens("close").has_value());
    BOOST_TEST(!without_reserved_tokens("keep-alive, X-SSOX, Upgrade").has_value());
    BOOST_TEST(!without_reserved_tokens("").has_value());
}

BOOST_AUTO_TEST_CASE(default_pass_claims_are_the_documented_five) {
    BOOST_TEST(default_pass_claims() ==
               (std::vector<std::string>{"sub", "email", "name", "email_verified", "role"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(claim_requirement)

BOOST_AUTO_TEST_CASE(argument_without_separator_is_refused_with_a_reason) {
    std::string error;
    BOOST_TEST(!ClaimRequirement::parse("role", &error));
    BOOST_TEST(error.find("'role'") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(argument_with_empty_claim_name_is_refused) {
    std::string error;
    BOOST_TEST(!ClaimRequirement::parse(":admin", &error));
    BOOST_TEST(!error.empty());
    error.clear();
    BOOST_TEST(!ClaimRequirement::parse("~^a", &error));
    BOOST_TEST(!error.empty());
}

BOOST_AUTO_TEST_CASE(invalid_regex_is_refused_and_the_error_names_it) {
    std::string error;
    BOOST_TEST(!ClaimRequirement::parse("email~[unclosed", &error));
    BOOST_TEST(error.find("[unclosed") != std::string::npos, error);
    BOOST_TEST(error.find("regular expression") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(parse_splits_at_the_first_separator_and_keeps_the_text) {
    std::string error;
    auto r = ClaimRequirement::parse("website:https://example.test/~u", &error);
    BOOST_TEST_REQUIRE(r, error);
    BOOST_TEST(r->claim() == "website");
    BOOST_TEST(r->text() == "website:https://example.test/~u");
    BOOST_TEST(requirement_matches("website:https://example.test/~u", R"({"website":"https://example.test/~u"})"));
}

BOOST_AUTO_TEST_CASE(exact_match_compares_the_whole_value) {
    BOOST_TEST(requirement_matches("role:admin", R"({"role":"admin"})"));
    BOOST_TEST(!requirement_matches("role:admin", R"({"role":"administrator"})"));
    BOOST_TEST(!requirement_matches("role:adm", R"({"role":"admin"})"));
    BOOST_TEST(!requirement_matches("role:Admin", R"({"role":"admin"})"));
}

BOOST_AUTO_TEST_CASE(exact_match_against_an_array_matches_one_element_not_the_joined_text) {
    BOOST_TEST(requirement_matches("groups:admin", R"({"groups":["users","admin"]})"));
    BOOST_TEST(!requirement_matches("groups:staff", R"({"groups":["users","admin"]})"));
    BOOST_TEST(!requirement_matches("groups:users,admin", R"({"groups":["users","admin"]})"));
    BOOST_TEST(!requirement_matches("groups:admin", R"({"groups":[]})"));
}

BOOST_AUTO_TEST_CASE(regex_is_searched_not_fully_matched) {
    BOOST_TEST(requirement_matches("email~example", R"({"email":"u@example.test"})"));
    BOOST_TEST(requirement_matches("email~@example\\.test$", R"({"email":"u@example.test"})"));
    BOOST_TEST(!requirement_matches("email~@example\\.test$", R"({"email":"u@example.test.evil"})"));
    BOOST_TEST(!requirement_matches("email~^example", R"({"email":"u@example.test"})"));
}

// std::regex recursed once per character here: a 60 KB claim value overflowed
// the stack and killed the httpd child (issue 10).
BOOST_AUTO_TEST_CASE(regex_against_a_60_kb_claim_value_neither_overflows_nor_stalls) {
    std::string value;
    while (value.size() < 60 * 1024) value += "ab";
    BOOST_TEST(requirement_matches("role~^(a|b)*$", "{\"role\":\"" + value + "\"}"));
    BOOST_TEST(!requirement_matches("role~^(a|b)*$", "{\"role\":\"" + value + "c\"}"));
    BOOST_TEST(requirement_matches("role~(ab)+c", "{\"role\":\"" + value + "c\"}"));
}

// The linear-time engine has no backreferences or lookaround; such a pattern
// fails at configuration time rather than matching something else.
BOOST_AUTO_TEST_CASE(regex_the_linear_engine_cannot_run_is_refused_at_parse_time) {
    std::string error;
    BOOST_TEST(!ClaimRequirement::parse("role~(a)\\1", &error));
    BOOST_TEST(error.find("regular expression") != std::string::npos, error);
    error.clear();
    BOOST_TEST(!ClaimRequirement::parse("role~^(?!guest)", &error));
    BOOST_TEST(error.find("regular expression") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(regex_against_an_array_matches_any_element) {
    BOOST_TEST(requirement_matches("groups~^adm", R"({"groups":["users","admins"]})"));
    BOOST_TEST(!requirement_matches("groups~^adm", R"({"groups":["users","sysadmins"]})"));
}

BOOST_AUTO_TEST_CASE(nested_claims_are_required_by_dotted_name) {
    BOOST_TEST(requirement_matches("address.country:DE", R"({"address":{"country":"DE"}})"));
    BOOST_TEST(!requirement_matches("address.country:DE", R"({"address":{"country":"FR"}})"));
}

BOOST_AUTO_TEST_CASE(booleans_and_numbers_match_their_json_text) {
    BOOST_TEST(requirement_matches("email_verified:true", R"({"email_verified":true})"));
    BOOST_TEST(!requirement_matches("email_verified:true", R"({"email_verified":false})"));
    BOOST_TEST(!requirement_matches("email_verified:true", R"({"email_verified":"yes"})"));
    BOOST_TEST(requirement_matches("level:3", R"({"level":3})"));
    BOOST_TEST(requirement_matches("levels:3", R"({"levels":[1,3]})"));
}

BOOST_AUTO_TEST_CASE(missing_or_null_claim_never_matches) {
    BOOST_TEST(!requirement_matches("role:admin", R"({"email":"u@example.test"})"));
    BOOST_TEST(!requirement_matches("role~.*", R"({"email":"u@example.test"})"));
    BOOST_TEST(!requirement_matches("role~.*", R"({"role":null})"));
    BOOST_TEST(!requirement_matches("role:", R"({"role":null})"));
}

BOOST_AUTO_TEST_SUITE_END()
