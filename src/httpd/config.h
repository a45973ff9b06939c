// mod_ssoauth configuration: per-directory (client-related) and per-server
// (provider connection) records, their create/merge functions, and the
// directive table. Values are validated as they are parsed, so a bad one fails
// `apachectl -t` with the directive's name.
#pragma once

#include "core/cookie_seal.h"
#include "core/http_client.h"
#include "core/client_config.h"
#include "core/request_policy.h"
#include "core/token_client.h"

#include <memory>
#include <string>
#include <vector>

#include "httpd/required_settings.h"

#include "httpd/httpd_api.h"

namespace ssoauth {
namespace httpd {

// An int setting that no context set (its default applies); null for strings.
constexpr int kUnset = -1;
enum CookieSecure { kSecureUnset = -1, kSecureAuto = 0, kSecureOn = 1, kSecureOff = 2 };
enum TokenAuthSetting { kTokenAuthUnset = -1 };  // otherwise a ClientAuth value
enum UnauthSetting { kUnauthUnset = -1, kUnauthAuth = 0, kUnauth401 = 1, kUnauthPass = 2 };

// Per-directory (and server/vhost default) settings. Unset: null / -1.
struct DirConfig {
    const char* provider;       // SSOAuthProvider (issuer URL)
    const char* client_id;      // SSOAuthClientID
    const char* client_secret;  // SSOAuthClientSecret
    int token_auth;             // SSOAuthTokenEndpointAuth
    std::shared_ptr<const CookieSealer>* sealer;  // SSOAuthCryptoPassphrase, owned by the config pool
    const char* scope;          // SSOAuthScope
    const char* endpoint_base;  // SSOAuthEndpointBase
    const char* redirect_uri;   // SSOAuthRedirectURI
    int cookie_secure;          // SSOAuthCookieSecure
    const char* same_site;      // SSOAuthCookieSameSite
    const char* cookie_prefix;  // SSOAuthCookieName
    int strip_cookies;          // SSOAuthStripCookies (unset: On)
    const char* error_url;      // SSOAuthErrorURL
    const char* remote_user_claim;     // SSOAuthRemoteUserClaim
    apr_array_header_t* pass_claims;   // SSOAuthPassClaims (const char*), null: the default list
    int pass_access_token;             // SSOAuthPassAccessToken
    int unauth_action;                 // SSOAuthUnauthAction
    const char* bearer_audience;       // SSOAuthBearerAudience
    int refresh_before;                // SSOAuthRefreshBeforeExpiry, seconds
    const char* post_logout_redirect;  // SSOAuthPostLogoutRedirect
    int revoke_on_signout;             // SSOAuthRevokeOnSignout
    int session_max_age;               // SSOAuthSessionMaxAge, seconds
    int inactivity_timeout;            // SSOAuthSessionInactivityTimeout, seconds (0: off)
};

// Per-server settings: how the provider is reached.
struct ServerConfig {
    int clock_skew;        // SSOAuthClockSkew, seconds
    int http_timeout;      // SSOAuthHTTPTimeout, seconds
    int ssl_verify;        // SSOAuthSSLVerify
    const char* ca_bundle; // SSOAuthCABundle
    int store_entries;     // SSOAuthSharedStoreEntries (main server only)
    int store_value_bytes; // SSOAuthSharedStoreValueBytes (main server only)
};

extern const command_rec directives[];

void* create_dir_config(apr_pool_t* pool, char* dir);
void* merge_dir_config(apr_pool_t* pool, void* base, void* add);
void* create_server_config(apr_pool_t* pool, server_rec* s);
void* merge_server_config(apr_pool_t* pool, void* base, void* add);

inline DirConfig* dir_config(request_rec* r) {
    return static_cast<DirConfig*>(ap_get_module_config(r->per_dir_config, &ssoauth_module));
}
inline ServerConfig* server_config(server_rec* s) {
    return static_cast<ServerConfig*>(ap_get_module_config(s->module_config, &ssoauth_module));
}

// SSOAuthEndpointBase: where the module serves /login, /callback, /session, ... by default.
constexpr const char* kDefaultEndpointBase = "/api/auth";

// The effective values, defaults applied.
std::string endpoint_base(const DirConfig* c);
ClientAuth token_auth(const DirConfig* c);
HttpOptions http_options(const ServerConfig* s);
int clock_skew(const ServerConfig* s);
int shared_store_entries(const ServerConfig* s);
int shared_store_value_bytes(const ServerConfig* s);
std::vector<std::string> pass_claims(const DirConfig* c);
int refresh_before(const DirConfig* c);
std::string post_logout_redirect(const DirConfig* c);
bool revoke_on_signout(const DirConfig* c);
int session_max_age(const DirConfig* c);
int inactivity_timeout(const DirConfig* c);
UnauthAction unauth_action(const DirConfig* c);
// The RequiredSetting bits (required_settings.h) this location has.
unsigned present_settings(const DirConfig* c);
// A one-line reason when this location cannot authenticate with `auth_type`
// ("missing SSOAuthProvider SSOAuthClientID"), or "" when it can.
std::string missing_settings(const DirConfig* c, const char* auth_type = "SSOAuth");

}  // namespace httpd
}  // namespace ssoauth
