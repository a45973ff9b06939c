// Directive values read without httpd (src/httpd/directive_values). The
// messages are what `apachectl -t` shows after "<Directive>: ".
#include "httpd/directive_values.h"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <unistd.h>

using namespace ssoauth::httpd;

namespace {
constexpr Range kRange{1, 300};

// A file with `content`, removed when the test ends.
struct TempFile {
    explicit TempFile(const std::string& content) {
        char name[] = "/tmp/ssoauth-directive-XXXXXX";
        const int fd = mkstemp(name);
        if (fd < 0) throw std::runtime_error("mkstemp failed");
        path = name;
        if (write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()))
            throw std::runtime_error("write failed");
        close(fd);
    }
    ~TempFile() { std::remove(path.c_str()); }
    std::string path;
};

std::string as_is(const char* path) { return path; }
}  // namespace

BOOST_AUTO_TEST_SUITE(directive_values)

BOOST_AUTO_TEST_CASE(seconds_are_whole_numbers_within_the_range) {
    int out = -7;
    BOOST_TEST(parse_seconds("5", kRange, &out) == "");
    BOOST_TEST(out == 5);
    BOOST_TEST(parse_seconds("1", kRange, &out) == "");
    BOOST_TEST(parse_seconds("300", kRange, &out) == "");
    BOOST_TEST(out == 300);
}

BOOST_AUTO_TEST_CASE(seconds_outside_the_range_or_not_whole_are_refused_and_nothing_is_set) {
    int out = -7;
    BOOST_TEST(parse_seconds("0", kRange, &out) == "'0' is not a whole number of seconds from 1 to 300");
    BOOST_TEST(parse_seconds("301", kRange, &out) == "'301' is not a whole number of seconds from 1 to 300");
    BOOST_TEST(parse_seconds("", kRange, &out) == "'' is not a whole number of seconds from 1 to 300");
    BOOST_TEST(parse_seconds("5s", kRange, &out) != "");
    BOOST_TEST(parse_seconds("1.5", kRange, &out) != "");
    BOOST_TEST(parse_seconds("-5", kRange, &out) != "");
    BOOST_TEST(parse_seconds("99999999999999999999", kRange, &out) != "");  // strtol saturates: still refused
    BOOST_TEST(out == -7);
}

BOOST_AUTO_TEST_CASE(seconds_are_read_as_strtol_reads_them) {
    int out = 0;
    BOOST_TEST(parse_seconds(" 7", kRange, &out) == "");  // leading blanks and a sign, as before
    BOOST_TEST(out == 7);
    BOOST_TEST(parse_seconds("+8", kRange, &out) == "");
    BOOST_TEST(out == 8);
    BOOST_TEST(parse_seconds("9 ", kRange, &out) != "");  // trailing ones are not
}

BOOST_AUTO_TEST_CASE(off_in_any_case_is_zero_where_a_duration_can_be_off) {
    int out = -1;
    BOOST_TEST(parse_seconds_or_off("Off", Range{60, 600}, &out) == "");
    BOOST_TEST(out == 0);
    out = -1;
    BOOST_TEST(parse_seconds_or_off("OFF", Range{60, 600}, &out) == "");
    BOOST_TEST(out == 0);
    BOOST_TEST(parse_seconds_or_off("120", Range{60, 600}, &out) == "");
    BOOST_TEST(out == 120);
    BOOST_TEST(parse_seconds_or_off("0", Range{60, 600}, &out) ==
               "'0' is not a whole number of seconds from 60 to 600");
    BOOST_TEST(parse_seconds("Off", Range{60, 600}, &out) != "");  // only where Off is allowed
}

BOOST_AUTO_TEST_CASE(counts_name_no_unit) {
    int out = 0;
    BOOST_TEST(parse_count("2048", Range{16, 1048576}, &out) == "");
    BOOST_TEST(out == 2048);
    BOOST_TEST(parse_count("8", Range{16, 1048576}, &out) == "'8' is not a whole number from 16 to 1048576");
}

BOOST_AUTO_TEST_CASE(a_choice_is_one_of_its_words_in_any_case) {
    static const Choice choices[] = {{"Auto", 0}, {"On", 1}, {"Off", 2}};
    int out = -1;
    BOOST_TEST(choose("on", choices, &out) == "");
    BOOST_TEST(out == 1);
    BOOST_TEST(choose("AUTO", choices, &out) == "");
    BOOST_TEST(out == 0);
    BOOST_TEST(choose("Maybe", choices, &out) == "'Maybe' is not one of Auto, On, Off");
    BOOST_TEST(choose("", choices, &out) == "'' is not one of Auto, On, Off");
    BOOST_TEST(choose("On ", choices, &out) != "");
    BOOST_TEST(out == 0);
}

BOOST_AUTO_TEST_CASE(a_literal_secret_is_itself) {
    std::string secret;
    BOOST_TEST(resolve_secret("s3cret", as_is, &secret) == "");
    BOOST_TEST(secret == "s3cret");
    BOOST_TEST(resolve_secret("Env:NOT_A_PREFIX", as_is, &secret) == "");  // the prefixes are lower case
    BOOST_TEST(secret == "Env:NOT_A_PREFIX");
}

BOOST_AUTO_TEST_CASE(an_env_secret_comes_from_a_set_and_non_empty_variable) {
    setenv("SSOAUTH_UNIT_SECRET", "from-env", 1);
    setenv("SSOAUTH_UNIT_EMPTY", "", 1);
    unsetenv("SSOAUTH_UNIT_UNSET");
    std::string secret;
    BOOST_TEST(resolve_secret("env:SSOAUTH_UNIT_SECRET", as_is, &secret) == "");
    BOOST_TEST(secret == "from-env");
    BOOST_TEST(resolve_secret("env:SSOAUTH_UNIT_UNSET", as_is, &secret) ==
               "environment variable SSOAUTH_UNIT_UNSET is not set or empty");
    BOOST_TEST(resolve_secret("env:SSOAUTH_UNIT_EMPTY", as_is, &secret) ==
               "environment variable SSOAUTH_UNIT_EMPTY is not set or empty");
    unsetenv("SSOAUTH_UNIT_SECRET");
    unsetenv("SSOAUTH_UNIT_EMPTY");
}

BOOST_AUTO_TEST_CASE(a_file_secret_is_the_file_without_its_trailing_newlines) {
    TempFile file("pass phrase\r\n\n");
    std::string secret;
    BOOST_TEST(resolve_secret(("file:" + file.path).c_str(), as_is, &secret) == "");
    BOOST_TEST(secret == "pass phrase");
    TempFile inner("line1\nline2\n");
    BOOST_TEST(resolve_secret(("file:" + inner.path).c_str(), as_is, &secret) == "");
    BOOST_TEST(secret == "line1\nline2");  // only the trailing ones go
}

BOOST_AUTO_TEST_CASE(a_file_secret_is_read_up_to_its_limit) {
    TempFile file(std::string(kMaxSecretFileBytes + 10, 'k'));
    std::string secret;
    BOOST_TEST(resolve_secret(("file:" + file.path).c_str(), as_is, &secret) == "");
    BOOST_TEST(secret.size() == kMaxSecretFileBytes);
    TempFile empty("");
    BOOST_TEST(resolve_secret(("file:" + empty.path).c_str(), as_is, &secret) == "");
    BOOST_TEST(secret.empty());  // the setters refuse an empty secret
}

BOOST_AUTO_TEST_CASE(a_file_secret_path_is_resolved_and_an_unreadable_one_is_named_as_written) {
    TempFile file("resolved");
    std::string secret;
    auto to_temp = [&](const char* path) { return std::string(path) == "relative.pass" ? file.path : ""; };
    BOOST_TEST(resolve_secret("file:relative.pass", to_temp, &secret) == "");
    BOOST_TEST(secret == "resolved");
    BOOST_TEST(resolve_secret("file:other.pass", to_temp, &secret) == "cannot read other.pass");
    BOOST_TEST(resolve_secret("file:/nonexistent/ssoauth.pass", as_is, &secret) ==
               "cannot read /nonexistent/ssoauth.pass");
    BOOST_TEST(resolve_secret("file:/tmp", as_is, &secret) == "cannot read /tmp");  // a directory
}

BOOST_AUTO_TEST_CASE(the_endpoint_base_is_a_path_without_trailing_slashes) {
    std::string base;
    BOOST_TEST(parse_endpoint_base("/api/auth", &base) == "");
    BOOST_TEST(base == "/api/auth");
    BOOST_TEST(parse_endpoint_base("/sso//", &base) == "");
    BOOST_TEST(base == "/sso");
    for (const char* bad : {"", "/", "//", "api/auth", "/a?b", "/a#b", "/a%20", "/a b", "/a\\b"})
        BOOST_TEST(parse_endpoint_base(bad, &base) == "must be a path such as /api/auth", bad);
}

BOOST_AUTO_TEST_CASE(a_local_path_stays_on_this_host) {
    BOOST_TEST(is_local_path("/logged-out"));
    BOOST_TEST(is_local_path("/"));
    BOOST_TEST(!is_local_path("//evil.example/x"));
    BOOST_TEST(!is_local_path("/\\evil.example"));
    BOOST_TEST(!is_local_path("/a b"));
    BOOST_TEST(!is_local_path("/a\r\nSet-Cookie: x"));
    BOOST_TEST(!is_local_path("relative"));
    BOOST_TEST(!is_local_path(""));
}

BOOST_AUTO_TEST_CASE(a_host_or_secure_cookie_prefix_is_accepted) {
    BOOST_TEST(check_cookie_prefix("__Host-ssoauth") == "");
    BOOST_TEST(check_cookie_prefix("__Secure-app") == "");
}

BOOST_AUTO_TEST_CASE(a_cookie_prefix_is_1_to_64_safe_characters) {
    BOOST_TEST(check_cookie_prefix("ssoauth") == "");
    BOOST_TEST(check_cookie_prefix("App_2-x") == "");
    BOOST_TEST(check_cookie_prefix(std::string(64, 'a').c_str()) == "");
    const std::string reason = "must be 1 to 64 characters of A-Z a-z 0-9 _ -";
    BOOST_TEST(check_cookie_prefix(std::string(65, 'a').c_str()) == reason);
    BOOST_TEST(check_cookie_prefix("") == reason);
    BOOST_TEST(check_cookie_prefix("a;b") == reason);
    BOOST_TEST(check_cookie_prefix("a=b") == reason);
    BOOST_TEST(check_cookie_prefix("a.b") == reason);
}

BOOST_AUTO_TEST_CASE(the_scope_must_include_openid_as_a_word) {
    BOOST_TEST(check_scope("openid") == "");
    BOOST_TEST(check_scope("profile openid email") == "");
    BOOST_TEST(check_scope("profile email") == "must include 'openid'");
    BOOST_TEST(check_scope("openid_extra profile") == "must include 'openid'");
}

BOOST_AUTO_TEST_CASE(a_claim_name_has_no_blank_and_no_colon) {
    BOOST_TEST(check_claim_name("email") == "");
    BOOST_TEST(check_claim_name("address.country") == "");
    BOOST_TEST(check_claim_name("") == "'' is not a claim name");
    BOOST_TEST(check_claim_name("role:admin") == "'role:admin' is not a claim name");
    BOOST_TEST(check_claim_name("a b") == "'a b' is not a claim name");
}

BOOST_AUTO_TEST_SUITE_END()
