// What the module is as an OAuth client of one provider: the issuer it trusts,
// its credentials, the scopes it asks for, its callback and the lifetimes it
// gives sessions. Built by the adapter from the directives (httpd/flow.cpp);
// read by sign-in, refresh and logout.
//
// Not checked here: that the values are valid (the directives are checked as
// they are parsed, and the provider's metadata when it is fetched).
#pragma once

#include "core/token_client.h"

#include <cstdint>
#include <string>

namespace ssoauth {

struct ClientConfig {
    std::string issuer;
    ClientCredentials credentials;
    std::string scope = "openid profile email offline_access";
    std::string redirect_uri;  // absolute
    int64_t clock_skew = 60;
    int64_t session_max_age = 7 * 24 * 3600;
};

}  // namespace ssoauth
