#include "httpd/required_settings.h"

#include "core/text.h"

namespace ssoauth {
namespace httpd {

namespace {

struct Directive {
    unsigned setting;
    const char* name;
};
// In the order messages name them.
const Directive kDirectives[] = {
    {kProviderSetting, "SSOAuthProvider"},
    {kClientIdSetting, "SSOAuthClientID"},
    {kPassphraseSetting, "SSOAuthCryptoPassphrase"},
    {kAudienceSetting, "SSOAuthBearerAudience"},
};

// The table. A session needs a client to sign in with and a passphrase to seal
// its cookie; a bearer token needs only the issuer to verify it and the
// audience it must carry.
const AuthTypeRequirement kRequirements[] = {
    {"SSOAuth", kProviderSetting | kClientIdSetting | kPassphraseSetting},
    {"SSOAuthBearer", kProviderSetting | kAudienceSetting},
};

}  // namespace

const AuthTypeRequirement* requirement_of(std::string_view auth_type) {
    for (const AuthTypeRequirement& requirement : kRequirements)
        if (iequals(auth_type, requirement.auth_type)) return &requirement;
    return nullptr;
}

unsigned setting_of(std::string_view directive) {
    for (const Directive& d : kDirectives)
        if (iequals(directive, d.name)) return d.setting;
    return 0;
}

std::string directive_names(unsigned settings) {
    std::string out;
    for (const Directive& d : kDirectives)
        if (settings & d.setting) out += std::string(" ") + d.name;
    return out;
}

std::string missing_settings_for(std::string_view auth_type, unsigned present) {
    const AuthTypeRequirement* requirement = requirement_of(auth_type);
    const unsigned missing = requirement ? requirement->needed & ~present : 0;
    return missing ? "missing" + directive_names(missing) : std::string();
}

}  // namespace httpd
}  // namespace ssoauth
