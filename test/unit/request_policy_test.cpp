// Decisions made from a request's path and headers alone.
#include "core/request_policy.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth;

BOOST_AUTO_TEST_SUITE(request_policy)

BOOST_AUTO_TEST_CASE(endpoint_of_names_exactly_the_module_endpoints_under_the_base) {
    BOOST_TEST(static_cast<int>(endpoint_of("/api/auth/login", "/api/auth")) == static_cast<int>(Endpoint::Login));
    BOOST_TEST(static_cast<int>(endpoint_of("/api/auth/backchannel-logout", "/api/auth")) ==
               static_cast<int>(Endpoint::BackchannelLogout));
    BOOST_TEST(static_cast<int>(endpoint_of("/sso/client.js", "/sso")) == static_cast<int>(Endpoint::ClientJs));
    for (const char* path : {"/api/auth", "/api/auth/", "/api/auth/login/", "/api/auth/loginx", "/api/authlogin",
                             "/api/auth/Login", "/other/api/auth/login", "/api/auth/session/../login", ""})
        BOOST_TEST(static_cast<int>(endpoint_of(path, "/api/auth")) == static_cast<int>(Endpoint::None), path);
}

BOOST_AUTO_TEST_CASE(a_plain_browser_get_is_a_navigation) {
    BOOST_TEST(is_navigation(true, nullptr, nullptr, nullptr));
    BOOST_TEST(is_navigation(true, "navigate", nullptr, "text/html,application/xhtml+xml"));
    BOOST_TEST(is_navigation(true, "NAVIGATE", nullptr, "TEXT/HTML"));
}

BOOST_AUTO_TEST_CASE(api_calls_fetches_and_posts_are_not_navigations) {
    BOOST_TEST(!is_navigation(false, nullptr, nullptr, nullptr));
    BOOST_TEST(!is_navigation(true, "cors", nullptr, nullptr));
    BOOST_TEST(!is_navigation(true, nullptr, "XMLHttpRequest", nullptr));
    BOOST_TEST(!is_navigation(true, nullptr, nullptr, "application/json"));
}

BOOST_AUTO_TEST_CASE(origin_of_keeps_scheme_host_and_port) {
    BOOST_TEST(origin_of("https://app.test:8443/api/auth/callback?x=1") == "https://app.test:8443");
    BOOST_TEST(origin_of("http://app.test") == "http://app.test");
    BOOST_TEST(origin_of("not a url") == "not a url");
}

BOOST_AUTO_TEST_CASE(same_origin_requires_a_matching_origin_or_sec_fetch_site) {
    BOOST_TEST(is_same_origin("https://app.test", nullptr, "https://app.test"));
    BOOST_TEST(is_same_origin("HTTPS://APP.TEST", nullptr, "https://app.test"));
    BOOST_TEST(!is_same_origin("https://evil.test", "same-origin", "https://app.test"));
    BOOST_TEST(!is_same_origin("https://app.test.evil.test", nullptr, "https://app.test"));
    BOOST_TEST(!is_same_origin("https://app.tes", nullptr, "https://app.test"));
    BOOST_TEST(!is_same_origin("null", nullptr, "https://app.test"));
    BOOST_TEST(is_same_origin(nullptr, "same-origin", "https://app.test"));
    BOOST_TEST(!is_same_origin(nullptr, "same-site", "https://app.test"));
    BOOST_TEST(!is_same_origin(nullptr, nullptr, "https://app.test"));
}

BOOST_AUTO_TEST_CASE(auto_secure_cookies_follow_the_request_or_the_configured_redirect_uri) {
    BOOST_TEST(secure_cookies_auto(true, nullptr));
    BOOST_TEST(secure_cookies_auto(false, "HTTPS://app.test/api/auth/callback"));
    BOOST_TEST(!secure_cookies_auto(false, "http://app.test/api/auth/callback"));
    BOOST_TEST(!secure_cookies_auto(false, nullptr));
}

BOOST_AUTO_TEST_CASE(only_a_navigation_that_is_not_a_subrequest_starts_a_sign_in) {
    auto is = [](UnauthResponse a, UnauthResponse b) { return static_cast<int>(a) == static_cast<int>(b); };
    BOOST_TEST(is(unauthenticated_response(UnauthAction::SignIn, true, false), UnauthResponse::StartSignIn));
    BOOST_TEST(is(unauthenticated_response(UnauthAction::SignIn, false, false), UnauthResponse::Unauthorized));
    BOOST_TEST(is(unauthenticated_response(UnauthAction::SignIn, true, true), UnauthResponse::Unauthorized));
    BOOST_TEST(is(unauthenticated_response(UnauthAction::Unauthorized, true, false), UnauthResponse::Unauthorized));
    BOOST_TEST(is(unauthenticated_response(UnauthAction::Pass, true, false), UnauthResponse::PassThrough));
    BOOST_TEST(is(unauthenticated_response(UnauthAction::Pass, false, true), UnauthResponse::PassThrough));
}

BOOST_AUTO_TEST_SUITE_END()
