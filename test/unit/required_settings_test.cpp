// The table of which directives each AuthType needs (src/httpd/required_settings).
#include "httpd/required_settings.h"

#include <boost/test/unit_test.hpp>

using namespace ssoauth::httpd;

BOOST_AUTO_TEST_SUITE(required_settings)

BOOST_AUTO_TEST_CASE(a_session_needs_provider_client_id_and_passphrase) {
    const AuthTypeRequirement* req = requirement_of("SSOAuth");
    BOOST_REQUIRE(req);
    BOOST_TEST(req->needed == (kProviderSetting | kClientIdSetting | kPassphraseSetting));
    BOOST_TEST(std::string(req->auth_type) == "SSOAuth");
}

BOOST_AUTO_TEST_CASE(a_bearer_token_needs_provider_and_audience_only) {
    const AuthTypeRequirement* req = requirement_of("SSOAuthBearer");
    BOOST_REQUIRE(req);
    BOOST_TEST(req->needed == (kProviderSetting | kAudienceSetting));
}

BOOST_AUTO_TEST_CASE(auth_types_match_in_any_letter_case_and_others_need_nothing) {
    BOOST_TEST(requirement_of("ssoauthbearer") == requirement_of("SSOAuthBearer"));
    BOOST_TEST(std::string(requirement_of("SSOAUTH")->auth_type) == "SSOAuth");
    BOOST_TEST(!requirement_of("Basic"));
    BOOST_TEST(!requirement_of("SSOAuthX"));
    BOOST_TEST(!requirement_of(""));
    BOOST_TEST(missing_settings_for("Basic", 0) == "");
}

BOOST_AUTO_TEST_CASE(each_directive_provides_its_setting_in_any_letter_case) {
    BOOST_TEST(setting_of("SSOAuthProvider") == kProviderSetting);
    BOOST_TEST(setting_of("ssoauthclientid") == kClientIdSetting);
    BOOST_TEST(setting_of("SSOAuthCryptoPassphrase") == kPassphraseSetting);
    BOOST_TEST(setting_of("SSOAuthBearerAudience") == kAudienceSetting);
    BOOST_TEST(setting_of("SSOAuthScope") == 0u);
    BOOST_TEST(setting_of("SSOAuthProviderX") == 0u);
}

BOOST_AUTO_TEST_CASE(names_come_in_table_order_each_after_a_space) {
    BOOST_TEST(directive_names(0) == "");
    BOOST_TEST(directive_names(kAudienceSetting | kProviderSetting) == " SSOAuthProvider SSOAuthBearerAudience");
    BOOST_TEST(directive_names(kPassphraseSetting | kClientIdSetting) == " SSOAuthClientID SSOAuthCryptoPassphrase");
}

BOOST_AUTO_TEST_CASE(missing_settings_name_what_the_auth_type_needs_and_lacks) {
    BOOST_TEST(missing_settings_for("SSOAuth", 0) == "missing SSOAuthProvider SSOAuthClientID SSOAuthCryptoPassphrase");
    BOOST_TEST(missing_settings_for("SSOAuth", kProviderSetting | kPassphraseSetting) == "missing SSOAuthClientID");
    BOOST_TEST(missing_settings_for("SSOAuth", kProviderSetting | kClientIdSetting | kPassphraseSetting) == "");
    // The audience is not needed for a session, nor a client id for a bearer token.
    BOOST_TEST(missing_settings_for("SSOAuth", kProviderSetting | kClientIdSetting | kAudienceSetting) ==
               "missing SSOAuthCryptoPassphrase");
    BOOST_TEST(missing_settings_for("SSOAuthBearer", kProviderSetting) == "missing SSOAuthBearerAudience");
    BOOST_TEST(missing_settings_for("SSOAuthBearer", kAudienceSetting | kClientIdSetting | kPassphraseSetting) ==
               "missing SSOAuthProvider");
    BOOST_TEST(missing_settings_for("SSOAuthBearer", kProviderSetting | kAudienceSetting) == "");
}

BOOST_AUTO_TEST_SUITE_END()
