#include "core/claims.h"
#include "core/url.h"
#include "httpd/config.h"
#include "httpd/directive_values.h"

#include <apr_file_io.h>

#include <cstddef>
#include <cstring>
#include <vector>

namespace ssoauth {
namespace httpd {

namespace {

// ---- Defaults: what a setting is when no context sets it ----
// SSOAuthClockSkew: seconds of clock difference allowed with the provider.
constexpr int kDefaultClockSkew = 60;
// SSOAuthHTTPTimeout: seconds for each call to the provider (discovery, keys, token, userinfo).
constexpr int kDefaultHttpTimeout = 5;
// SSOAuthSSLVerify: the provider's TLS certificate is verified.
constexpr bool kDefaultSslVerify = true;
// SSOAuthSharedStoreEntries: room for refreshes in flight, revoked sessions and logout token ids.
constexpr int kDefaultStoreEntries = 1024;
// SSOAuthSharedStoreValueBytes: the largest value (a sealed refreshed session) the store keeps.
constexpr int kDefaultStoreValueBytes = 8192;
// SSOAuthRefreshBeforeExpiry: seconds before the access token expires that it is refreshed.
constexpr int kDefaultRefreshBefore = 60;
// SSOAuthPostLogoutRedirect: where the provider sends the browser after sign-out.
constexpr const char* kDefaultPostLogoutRedirect = "/logged-out";
// SSOAuthRevokeOnSignout: the refresh token is revoked at the provider on sign-out.
constexpr bool kDefaultRevokeOnSignout = true;
// SSOAuthSessionMaxAge: a session's absolute lifetime, 7 days.
constexpr int kDefaultSessionMaxAge = 7 * 86400;
// SSOAuthSessionInactivityTimeout: 0 is Off, the default (no idle limit).
constexpr int kInactivityTimeoutOff = 0;

// ---- Bounds of the whole-number settings (a value outside fails apachectl -t) ----
constexpr Range kClockSkewRange{0, 3600};                  // seconds, up to an hour
constexpr Range kHttpTimeoutRange{1, 300};                 // seconds, up to five minutes
constexpr Range kRefreshBeforeRange{0, 86400};             // seconds, up to a day
constexpr Range kSessionMaxAgeRange{60, 366 * 86400};      // a minute to a (leap) year
constexpr Range kInactivityTimeoutRange{60, 366 * 86400};  // the same, or Off
constexpr Range kStoreEntriesRange{16, 1048576};           // entries
constexpr Range kStoreValueBytesRange{1024, 65536};        // bytes

const char* fail(cmd_parms* cmd, const char* reason) {
    return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, reason);
}
// A setter's answer from a directive_values.h reason ("" is valid).
const char* fail_if(cmd_parms* cmd, const std::string& reason) {
    return reason.empty() ? nullptr : fail(cmd, reason.c_str());
}

// A secret per resolve_secret (directive_values.h), a file's path taken
// relative to the ServerRoot. The secret is read as a C string, as httpd's are.
std::string secret_of(cmd_parms* cmd, const char* value, std::string* secret) {
    auto path_of = [cmd](const char* path) {
        const char* resolved = ap_server_root_relative(cmd->temp_pool, path);
        return std::string(resolved ? resolved : "");
    };
    std::string error = resolve_secret(value, path_of, secret);
    if (error.empty()) secret->resize(std::strlen(secret->c_str()));
    return error;
}

const char*& string_slot(void* config, cmd_parms* cmd) {
    return *reinterpret_cast<const char**>(static_cast<char*>(config) + reinterpret_cast<std::size_t>(cmd->info));
}

// One of a fixed set of words (case-insensitive), or an error naming them all.
template <size_t N>
const char* set_choice(cmd_parms* cmd, const char* value, const Choice (&choices)[N], int* out) {
    return fail_if(cmd, choose(value, choices, out));
}

const char* set_url(cmd_parms* cmd, void* config, const char* value) {
    if (!is_http_url(value, HttpUrlRules{/*allow_query=*/false}))
        return fail(cmd, "must be an absolute http:// or https:// URL without query or fragment");
    string_slot(config, cmd) = value;
    return nullptr;
}

const char* set_nonempty(cmd_parms* cmd, void* config, const char* value) {
    if (!*value) return fail(cmd, "must not be empty");
    string_slot(config, cmd) = value;
    return nullptr;
}

const char* set_secret(cmd_parms* cmd, void* config, const char* value) {
    std::string secret;
    if (const char* error = fail_if(cmd, secret_of(cmd, value, &secret))) return error;
    if (secret.empty()) return fail(cmd, "must not be empty");
    static_cast<DirConfig*>(config)->client_secret = apr_pstrdup(cmd->pool, secret.c_str());
    return nullptr;
}

const char* set_passphrases(cmd_parms* cmd, void* config, int argc, char* const argv[]) {
    if (argc < 1) return fail(cmd, "needs at least one passphrase");
    std::vector<std::string> passphrases;
    for (int i = 0; i < argc; ++i) {
        std::string secret;
        if (const char* error = fail_if(cmd, secret_of(cmd, argv[i], &secret))) return error;
        passphrases.push_back(std::move(secret));
    }
    std::string error;
    auto sealer = CookieSealer::create(passphrases, &error);
    if (!sealer) return fail(cmd, error.c_str());
    static_cast<DirConfig*>(config)->sealer =
        owned_by_pool(cmd->pool, new std::shared_ptr<const CookieSealer>(std::move(sealer)));
    return nullptr;
}

const char* set_scope(cmd_parms* cmd, void* config, const char* value) {
    if (const char* error = fail_if(cmd, check_scope(value))) return error;
    static_cast<DirConfig*>(config)->scope = value;
    return nullptr;
}

const char* set_endpoint_base(cmd_parms* cmd, void* config, const char* value) {
    std::string base;
    if (const char* error = fail_if(cmd, parse_endpoint_base(value, &base))) return error;
    static_cast<DirConfig*>(config)->endpoint_base = apr_pstrdup(cmd->pool, base.c_str());
    return nullptr;
}

const char* set_cookie_prefix(cmd_parms* cmd, void* config, const char* value) {
    if (const char* error = fail_if(cmd, check_cookie_prefix(value))) return error;
    static_cast<DirConfig*>(config)->cookie_prefix = value;
    return nullptr;
}

const char* set_pass_claims(cmd_parms* cmd, void* config, const char* value) {
    auto* c = static_cast<DirConfig*>(config);
    if (const char* error = fail_if(cmd, check_claim_name(value))) return error;
    // A context's list replaces the inherited one; its own arguments accumulate.
    if (!c->pass_claims) c->pass_claims = apr_array_make(cmd->pool, 8, sizeof(const char*));
    *static_cast<const char**>(apr_array_push(c->pass_claims)) = value;
    return nullptr;
}

const char* set_token_auth(cmd_parms* cmd, void* config, const char* value) {
    static const Choice choices[] = {{"client_secret_basic", static_cast<int>(ClientAuth::ClientSecretBasic)},
                                     {"client_secret_post", static_cast<int>(ClientAuth::ClientSecretPost)},
                                     {"none", static_cast<int>(ClientAuth::None)}};
    return set_choice(cmd, value, choices, &static_cast<DirConfig*>(config)->token_auth);
}

const char* set_cookie_secure(cmd_parms* cmd, void* config, const char* value) {
    static const Choice choices[] = {{"Auto", kSecureAuto}, {"On", kSecureOn}, {"Off", kSecureOff}};
    return set_choice(cmd, value, choices, &static_cast<DirConfig*>(config)->cookie_secure);
}

const char* set_same_site(cmd_parms* cmd, void* config, const char* value) {
    static const Choice choices[] = {{"Lax", 0}, {"Strict", 1}, {"None", 2}};
    int index = 0;
    if (const char* error = set_choice(cmd, value, choices, &index)) return error;
    static_cast<DirConfig*>(config)->same_site = choices[index].word;  // the canonical spelling
    return nullptr;
}

const char* set_unauth_action(cmd_parms* cmd, void* config, const char* value) {
    static const Choice choices[] = {{"auth", kUnauthAuth}, {"401", kUnauth401}, {"pass", kUnauthPass}};
    return set_choice(cmd, value, choices, &static_cast<DirConfig*>(config)->unauth_action);
}

const char* set_strip_cookies(cmd_parms*, void* config, int on) {
    static_cast<DirConfig*>(config)->strip_cookies = on ? 1 : 0;
    return nullptr;
}

const char* set_pass_access_token(cmd_parms*, void* config, int on) {
    static_cast<DirConfig*>(config)->pass_access_token = on ? 1 : 0;
    return nullptr;
}

// Per-directory whole-second settings; cmd->info is the field's offset.
const char* set_dir_seconds(cmd_parms* cmd, void* config, const char* value) {
    int* field = reinterpret_cast<int*>(static_cast<char*>(config) + reinterpret_cast<std::size_t>(cmd->info));
    const char* name = cmd->cmd->name;
    if (!strcasecmp(name, "SSOAuthSessionInactivityTimeout"))
        return fail_if(cmd, parse_seconds_or_off(value, kInactivityTimeoutRange, field));
    const bool is_refresh = !strcasecmp(name, "SSOAuthRefreshBeforeExpiry");
    return fail_if(cmd, parse_seconds(value, is_refresh ? kRefreshBeforeRange : kSessionMaxAgeRange, field));
}

const char* set_local_or_absolute_url(cmd_parms* cmd, void* config, const char* value) {
    if (!is_local_path(value) && !is_http_url(value, HttpUrlRules{/*allow_query=*/true}))
        return fail(cmd, "must be a local path (/...) or an absolute http(s) URL");
    string_slot(config, cmd) = value;
    return nullptr;
}

const char* set_revoke_on_signout(cmd_parms*, void* config, int on) {
    static_cast<DirConfig*>(config)->revoke_on_signout = on ? 1 : 0;
    return nullptr;
}

ServerConfig* server_of(cmd_parms* cmd) { return server_config(cmd->server); }

const char* set_clock_skew(cmd_parms* cmd, void*, const char* value) {
    return fail_if(cmd, parse_seconds(value, kClockSkewRange, &server_of(cmd)->clock_skew));
}
const char* set_http_timeout(cmd_parms* cmd, void*, const char* value) {
    return fail_if(cmd, parse_seconds(value, kHttpTimeoutRange, &server_of(cmd)->http_timeout));
}
const char* set_ssl_verify(cmd_parms* cmd, void*, int on) {
    server_of(cmd)->ssl_verify = on ? 1 : 0;
    return nullptr;
}
const char* set_ca_bundle(cmd_parms* cmd, void*, const char* value) {
    const char* path = ap_server_root_relative(cmd->pool, value);
    apr_finfo_t info;
    if (!path || apr_stat(&info, path, APR_FINFO_TYPE, cmd->temp_pool) != APR_SUCCESS || info.filetype != APR_REG)
        return fail(cmd, apr_psprintf(cmd->pool, "cannot read the file %s", value));
    server_of(cmd)->ca_bundle = path;
    return nullptr;
}

// The shared store's size: main server only, fixed for the parent's lifetime
// until a restart changes it.
const char* set_store_size(cmd_parms* cmd, const char* value, Range range, int* out) {
    if (const char* error = ap_check_cmd_context(cmd, GLOBAL_ONLY)) return error;
    return fail_if(cmd, parse_count(value, range, out));
}
const char* set_store_entries(cmd_parms* cmd, void*, const char* value) {
    return set_store_size(cmd, value, kStoreEntriesRange, &server_of(cmd)->store_entries);
}
const char* set_store_value_bytes(cmd_parms* cmd, void*, const char* value) {
    return set_store_size(cmd, value, kStoreValueBytesRange, &server_of(cmd)->store_value_bytes);
}

// httpd's command table stores every setter as `const char* (*)()`.
template <typename F>
cmd_func as_cmd(F f) {
    return reinterpret_cast<cmd_func>(reinterpret_cast<void (*)()>(f));
}

#define DIR_SLOT(field) reinterpret_cast<void*>(offsetof(DirConfig, field))
constexpr int kClientContext = RSRC_CONF | ACCESS_CONF;

}  // namespace


const command_rec directives[] = {
    AP_INIT_TAKE1("SSOAuthProvider", as_cmd(set_url), DIR_SLOT(provider), kClientContext,
                  "The provider's issuer URL; metadata comes from <issuer>/.well-known/openid-configuration"),
    AP_INIT_TAKE1("SSOAuthClientID", as_cmd(set_nonempty), DIR_SLOT(client_id), kClientContext,
                  "The OAuth client id registered at the provider"),
    AP_INIT_TAKE1("SSOAuthClientSecret", as_cmd(set_secret), nullptr, kClientContext,
                  "The client secret (or file:<path>, env:<NAME>); set for a confidential client"),
    AP_INIT_TAKE1("SSOAuthTokenEndpointAuth", as_cmd(set_token_auth), nullptr, kClientContext,
                  "client_secret_basic, client_secret_post or none (default: follows whether a secret is set)"),
    AP_INIT_TAKE_ARGV("SSOAuthCryptoPassphrase", as_cmd(set_passphrases), nullptr, kClientContext,
                      "Cookie passphrases (>= 32 bytes each; file:<path>, env:<NAME>): the first seals, all open"),
    AP_INIT_TAKE1("SSOAuthScope", as_cmd(set_scope), nullptr, kClientContext,
                  "Scopes to request (default: openid profile email offline_access)"),
    AP_INIT_TAKE1("SSOAuthEndpointBase", as_cmd(set_endpoint_base), nullptr, kClientContext,
                  "Path under which the module serves its endpoints (default /api/auth)"),
    AP_INIT_TAKE1("SSOAuthRedirectURI", as_cmd(set_url), DIR_SLOT(redirect_uri), kClientContext,
                  "Absolute callback URL, for servers behind a TLS-terminating proxy"),
    AP_INIT_TAKE1("SSOAuthCookieSecure", as_cmd(set_cookie_secure), nullptr, kClientContext,
                  "Auto (Secure over https), On or Off"),
    AP_INIT_TAKE1("SSOAuthCookieSameSite", as_cmd(set_same_site), nullptr, kClientContext,
                  "Lax (default), Strict or None"),
    AP_INIT_TAKE1("SSOAuthCookieName", as_cmd(set_cookie_prefix), nullptr, kClientContext,
                  "Prefix of the module's cookie names (default ssoauth)"),
    AP_INIT_FLAG("SSOAuthStripCookies", as_cmd(set_strip_cookies), nullptr, kClientContext,
                 "Remove the module's cookies from the Cookie header the backend sees (default On)"),
    AP_INIT_TAKE1("SSOAuthErrorURL", as_cmd(set_local_or_absolute_url), DIR_SLOT(error_url), kClientContext,
                  "Where a failed sign-in is sent, as <url>?error=<code>; unset: a built-in page"),
    AP_INIT_TAKE1("SSOAuthRemoteUserClaim", as_cmd(set_nonempty), DIR_SLOT(remote_user_claim), kClientContext,
                  "The claim that becomes REMOTE_USER (default sub)"),
    AP_INIT_ITERATE("SSOAuthPassClaims", as_cmd(set_pass_claims), nullptr, kClientContext,
                    "Claims passed to the backend as X-SSO-Claim-<name> headers and SSO_CLAIM_<name> variables "
                    "(default: sub email name email_verified role)"),
    AP_INIT_FLAG("SSOAuthPassAccessToken", as_cmd(set_pass_access_token), nullptr, kClientContext,
                 "Pass the access token to the backend as X-SSO-Access-Token (default Off)"),
    AP_INIT_TAKE1("SSOAuthUnauthAction", as_cmd(set_unauth_action), nullptr, kClientContext,
                  "Unauthenticated requests: auth (sign in navigations, 401 others), 401, or pass"),
    AP_INIT_TAKE1("SSOAuthBearerAudience", as_cmd(set_nonempty), DIR_SLOT(bearer_audience), kClientContext,
                  "The audience a bearer token (AuthType SSOAuthBearer) must carry"),
    AP_INIT_TAKE1("SSOAuthRefreshBeforeExpiry", as_cmd(set_dir_seconds), DIR_SLOT(refresh_before), kClientContext,
                  "Refresh the access token this many seconds before it expires (default 60)"),
    AP_INIT_TAKE1("SSOAuthPostLogoutRedirect", as_cmd(set_local_or_absolute_url), DIR_SLOT(post_logout_redirect),
                  kClientContext, "Where the provider sends the browser after sign-out (default /logged-out)"),
    AP_INIT_FLAG("SSOAuthRevokeOnSignout", as_cmd(set_revoke_on_signout), nullptr, kClientContext,
                 "Revoke the refresh token at the provider on sign-out (default On)"),
    AP_INIT_TAKE1("SSOAuthSessionMaxAge", as_cmd(set_dir_seconds), DIR_SLOT(session_max_age), kClientContext,
                  "A session's absolute lifetime in seconds (default 604800, 7 days)"),
    AP_INIT_TAKE1("SSOAuthSessionInactivityTimeout", as_cmd(set_dir_seconds), DIR_SLOT(inactivity_timeout),
                  kClientContext, "End a session idle this many seconds (default Off)"),
    AP_INIT_TAKE1("SSOAuthClockSkew", as_cmd(set_clock_skew), nullptr, RSRC_CONF,
                  "Allowed clock difference with the provider, in seconds (default 60)"),
    AP_INIT_TAKE1("SSOAuthHTTPTimeout", as_cmd(set_http_timeout), nullptr, RSRC_CONF,
                  "Timeout of each call to the provider, in seconds (default 5)"),
    AP_INIT_FLAG("SSOAuthSSLVerify", as_cmd(set_ssl_verify), nullptr, RSRC_CONF,
                 "Verify the provider's TLS certificate (default On)"),
    AP_INIT_TAKE1("SSOAuthCABundle", as_cmd(set_ca_bundle), nullptr, RSRC_CONF,
                  "A PEM file of CAs to trust for the provider (default: the system's)"),
    AP_INIT_TAKE1("SSOAuthSharedStoreEntries", as_cmd(set_store_entries), nullptr, RSRC_CONF,
                  "Entries in the shared store (refreshes, revoked sessions, logout ids), 16-1048576 (default 1024)"),
    AP_INIT_TAKE1("SSOAuthSharedStoreValueBytes", as_cmd(set_store_value_bytes), nullptr, RSRC_CONF,
                  "Largest value in the shared store, in bytes, 1024-65536 (default 8192)"),
    {nullptr, nullptr, nullptr, 0, RAW_ARGS, nullptr},
};

void* create_dir_config(apr_pool_t* pool, char*) {
    auto* c = static_cast<DirConfig*>(apr_pcalloc(pool, sizeof(DirConfig)));
    c->token_auth = kTokenAuthUnset;
    c->cookie_secure = kSecureUnset;
    c->pass_access_token = kUnset;
    c->strip_cookies = kUnset;
    c->unauth_action = kUnauthUnset;
    c->refresh_before = kUnset;
    c->revoke_on_signout = kUnset;
    c->session_max_age = kUnset;
    c->inactivity_timeout = kUnset;
    return c;
}

void* merge_dir_config(apr_pool_t* pool, void* base_v, void* add_v) {
    auto* base = static_cast<DirConfig*>(base_v);
    auto* add = static_cast<DirConfig*>(add_v);
    auto* c = static_cast<DirConfig*>(apr_pcalloc(pool, sizeof(DirConfig)));
    // The added (more specific) value wins when it was set.
    c->provider = add->provider ? add->provider : base->provider;
    c->client_id = add->client_id ? add->client_id : base->client_id;
    c->client_secret = add->client_secret ? add->client_secret : base->client_secret;
    c->token_auth = add->token_auth != kTokenAuthUnset ? add->token_auth : base->token_auth;
    c->sealer = add->sealer ? add->sealer : base->sealer;
    c->scope = add->scope ? add->scope : base->scope;
    c->endpoint_base = add->endpoint_base ? add->endpoint_base : base->endpoint_base;
    c->redirect_uri = add->redirect_uri ? add->redirect_uri : base->redirect_uri;
    c->cookie_secure = add->cookie_secure != kSecureUnset ? add->cookie_secure : base->cookie_secure;
    c->same_site = add->same_site ? add->same_site : base->same_site;
    c->cookie_prefix = add->cookie_prefix ? add->cookie_prefix : base->cookie_prefix;
    c->strip_cookies = add->strip_cookies != kUnset ? add->strip_cookies : base->strip_cookies;
    c->error_url = add->error_url ? add->error_url : base->error_url;
    c->remote_user_claim = add->remote_user_claim ? add->remote_user_claim : base->remote_user_claim;
    c->pass_claims = add->pass_claims ? add->pass_claims : base->pass_claims;
    c->pass_access_token = add->pass_access_token != kUnset ? add->pass_access_token : base->pass_access_token;
    c->unauth_action = add->unauth_action != kUnauthUnset ? add->unauth_action : base->unauth_action;
    c->bearer_audience = add->bearer_audience ? add->bearer_audience : base->bearer_audience;
    c->refresh_before = add->refresh_before != kUnset ? add->refresh_before : base->refresh_before;
    c->post_logout_redirect = add->post_logout_redirect ? add->post_logout_redirect : base->post_logout_redirect;
    c->revoke_on_signout = add->revoke_on_signout != kUnset ? add->revoke_on_signout : base->revoke_on_signout;
    c->session_max_age = add->session_max_age != kUnset ? add->session_max_age : base->session_max_age;
    c->inactivity_timeout =
        add->inactivity_timeout != kUnset ? add->inactivity_timeout : base->inactivity_timeout;
    return c;
}

void* create_server_config(apr_pool_t* pool, server_rec*) {
    auto* s = static_cast<ServerConfig*>(apr_pcalloc(pool, sizeof(ServerConfig)));
    s->clock_skew = kUnset;
    s->http_timeout = kUnset;
    s->ssl_verify = kUnset;
    s->store_entries = kUnset;
    s->store_value_bytes = kUnset;
    return s;
}

void* merge_server_config(apr_pool_t* pool, void* base_v, void* add_v) {
    auto* base = static_cast<ServerConfig*>(base_v);
    auto* add = static_cast<ServerConfig*>(add_v);
    auto* s = static_cast<ServerConfig*>(apr_pcalloc(pool, sizeof(ServerConfig)));
    s->clock_skew = add->clock_skew != kUnset ? add->clock_skew : base->clock_skew;
    s->http_timeout = add->http_timeout != kUnset ? add->http_timeout : base->http_timeout;
    s->ssl_verify = add->ssl_verify != kUnset ? add->ssl_verify : base->ssl_verify;
    s->ca_bundle = add->ca_bundle ? add->ca_bundle : base->ca_bundle;
    s->store_entries = base->store_entries;  // main server only
    s->store_value_bytes = base->store_value_bytes;
    return s;
}

std::string endpoint_base(const DirConfig* c) { return c->endpoint_base ? c->endpoint_base : kDefaultEndpointBase; }

ClientAuth token_auth(const DirConfig* c) {
    if (c->token_auth != kTokenAuthUnset) return static_cast<ClientAuth>(c->token_auth);
    return c->client_secret ? ClientAuth::ClientSecretBasic : ClientAuth::None;
}

HttpOptions http_options(const ServerConfig* s) {
    HttpOptions o;
    o.timeout_ms = 1000L * (s->http_timeout != kUnset ? s->http_timeout : kDefaultHttpTimeout);
    o.verify_tls = s->ssl_verify != kUnset ? s->ssl_verify != 0 : kDefaultSslVerify;
    if (s->ca_bundle) o.ca_bundle = s->ca_bundle;
    return o;
}

int clock_skew(const ServerConfig* s) { return s->clock_skew != kUnset ? s->clock_skew : kDefaultClockSkew; }
int shared_store_entries(const ServerConfig* s) {
    return s->store_entries != kUnset ? s->store_entries : kDefaultStoreEntries;
}
int shared_store_value_bytes(const ServerConfig* s) {
    return s->store_value_bytes != kUnset ? s->store_value_bytes : kDefaultStoreValueBytes;
}

std::vector<std::string> pass_claims(const DirConfig* c) {
    if (!c->pass_claims) return default_pass_claims();
    std::vector<std::string> out;
    for (int i = 0; i < c->pass_claims->nelts; ++i) out.emplace_back(APR_ARRAY_IDX(c->pass_claims, i, const char*));
    return out;
}

int refresh_before(const DirConfig* c) {
    return c->refresh_before != kUnset ? c->refresh_before : kDefaultRefreshBefore;
}
std::string post_logout_redirect(const DirConfig* c) {
    return c->post_logout_redirect ? c->post_logout_redirect : kDefaultPostLogoutRedirect;
}
bool revoke_on_signout(const DirConfig* c) {
    return c->revoke_on_signout != kUnset ? c->revoke_on_signout != 0 : kDefaultRevokeOnSignout;
}
int session_max_age(const DirConfig* c) {
    return c->session_max_age != kUnset ? c->session_max_age : kDefaultSessionMaxAge;
}
int inactivity_timeout(const DirConfig* c) {
    return c->inactivity_timeout > 0 ? c->inactivity_timeout : kInactivityTimeoutOff;  // unset: Off
}

unsigned present_settings(const DirConfig* c) {
    return (c->provider ? kProviderSetting : 0u) | (c->client_id ? kClientIdSetting : 0u) |
           (c->sealer ? kPassphraseSetting : 0u) | (c->bearer_audience ? kAudienceSetting : 0u);
}

std::string missing_settings(const DirConfig* c, const char* auth_type) {
    return missing_settings_for(auth_type, present_settings(c));
}

UnauthAction unauth_action(const DirConfig* c) {
    switch (c->unauth_action) {
        case kUnauth401: return UnauthAction::Unauthorized;
        case kUnauthPass: return UnauthAction::Pass;
        default: return UnauthAction::SignIn;
    }
}

}  // namespace httpd
}  // namespace ssoauth
