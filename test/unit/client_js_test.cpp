#include "core/client_js.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

BOOST_AUTO_TEST_SUITE(client_js_script)

BOOST_AUTO_TEST_CASE(the_endpoint_base_is_embedded_as_a_json_string) {
    std::string script = client_js("/api/auth");
    BOOST_TEST(script.find("var base = \"/api/auth\";") != std::string::npos);
    BOOST_TEST(script.find("__SSOAUTH_BASE__") == std::string::npos);
    for (const char* api : {"getSession", "signIn", "signOut", "refresh", "onSessionChange", "ssoauth:session"})
        BOOST_TEST(script.find(api) != std::string::npos, api);
}

BOOST_AUTO_TEST_CASE(a_hostile_base_cannot_break_out_of_the_string_or_the_script_element) {
    std::string script = client_js("/x\";alert(1);//</script><script>");
    // The whole value stays one string literal: its quote escaped, "</" broken up.
    BOOST_TEST(script.find(R"(var base = "/x\";alert(1);//<\/script><script>";)") != std::string::npos);
    BOOST_TEST(script.find("</script>") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(etag_is_stable_and_changes_with_the_script) {
    const std::string a = client_js("/api/auth"), b = client_js("/other");
    BOOST_TEST(client_js_etag(a) == client_js_etag(client_js("/api/auth")));
    BOOST_TEST(client_js_etag(a) != client_js_etag(b));
    BOOST_TEST(client_js_etag(a).size() == 26u);  // quotes + 24 hex digits
    BOOST_TEST(client_js_etag(a).front() == '"');
}

BOOST_AUTO_TEST_CASE(the_served_script_is_built_once_per_base) {
    auto first = client_script("/api/auth");
    BOOST_TEST(first.get() == client_script("/api/auth").get());
    BOOST_TEST(first.get() != client_script("/app2/auth").get());
    BOOST_TEST(first->body == client_js("/api/auth"));
    BOOST_TEST(first->etag == client_js_etag(first->body));
}

BOOST_AUTO_TEST_SUITE_END()
