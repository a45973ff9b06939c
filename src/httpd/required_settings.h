// Which directives each AuthType of the module needs: the one table behind
// the startup check (validate.cpp), the endpoints' check and the per-request
// check (missing_settings in config.cpp, used by endpoints.cpp and authn.cpp).
//
// Plain C++ with no httpd header (it is compiled without them), so it is
// unit-tested. Not checked here: the directives' values (each is checked when
// it is parsed, see directive_values.h) or where they apply (validate.cpp
// walks the configuration tree).
#pragma once

#include <string>
#include <string_view>

namespace ssoauth {
namespace httpd {

// A set of settings, one bit each.
enum RequiredSetting : unsigned {
    kProviderSetting = 1u << 0,    // SSOAuthProvider
    kClientIdSetting = 1u << 1,    // SSOAuthClientID
    kPassphraseSetting = 1u << 2,  // SSOAuthCryptoPassphrase
    kAudienceSetting = 1u << 3,    // SSOAuthBearerAudience
};

struct AuthTypeRequirement {
    const char* auth_type;  // as the module spells it
    unsigned needed;        // RequiredSetting bits
};

// What an AuthType (any letter case) needs, or null when it is not one of the module's.
const AuthTypeRequirement* requirement_of(std::string_view auth_type);

// The setting a directive (its name, any letter case) provides, or 0.
unsigned setting_of(std::string_view directive);

// The directives of a set of settings in table order, each after a space:
// " SSOAuthProvider SSOAuthClientID". "" for none.
std::string directive_names(unsigned settings);

// What `auth_type` needs that `present` (RequiredSetting bits) lacks, as
// "missing SSOAuthProvider SSOAuthClientID", or "" when nothing is (or the
// AuthType is not the module's).
std::string missing_settings_for(std::string_view auth_type, unsigned present);

}  // namespace httpd
}  // namespace ssoauth
