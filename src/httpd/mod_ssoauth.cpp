// mod_ssoauth: the module record and hook registration. Everything here points
// at namespaced C++ in src/httpd/; the protocol itself lives in src/core/.
#include "core/curl_http_client.h"
#include "httpd/config.h"
#include "httpd/hooks.h"
#include "httpd/log.h"
#include "httpd/respond.h"
#include "httpd/validate.h"
#include "httpd/shm_store.h"

namespace {

int post_config(apr_pool_t*, apr_pool_t*, apr_pool_t*, server_rec* s) {
    if (!ssoauth::curl_global_init_once()) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, SSOLOGNO(00003) "libcurl failed to initialise");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

const authz_provider sso_claim_provider = {
    ssoauth::httpd::check_sso_claim,  // check_authorization
    ssoauth::httpd::parse_sso_claim,  // parse_require_line: once, at configuration time
};

void register_hooks(apr_pool_t* pool) {
    // Client-supplied X-SSO-* headers go before anything else sees the request.
    ap_hook_post_read_request(ssoauth::httpd::strip_reserved_headers, nullptr, nullptr, APR_HOOK_REALLY_FIRST);
    // ... and X-SSO-* trailers when a chunked body ends (MergeTrailers On merges them into the headers).
    ssoauth::httpd::register_trailer_filter();
    // Load-time initialisation of libcurl (not thread-safe, so before any worker).
    ap_hook_post_config(post_config, nullptr, nullptr, APR_HOOK_MIDDLE);
    // The shared store: its mutex type is registered before the config is read
    // (so `Mutex ... ssoauth-store` works), the shared memory and mutex are
    // created by the parent, and each child re-opens the mutex.
    ap_hook_pre_config(ssoauth::httpd::shm_store_pre_config, nullptr, nullptr, APR_HOOK_MIDDLE);
    ap_hook_post_config(ssoauth::httpd::shm_store_post_config, nullptr, nullptr, APR_HOOK_MIDDLE);
    ap_hook_child_init(ssoauth::httpd::shm_store_child_init, nullptr, nullptr, APR_HOOK_MIDDLE);
    // Every AuthType SSOAuth/SSOAuthBearer reached by its required settings (fails apachectl -t too).
    ap_hook_check_config(ssoauth::httpd::check_config, nullptr, nullptr, APR_HOOK_MIDDLE);
    // AuthType SSOAuth: opens the session cookie, or starts a sign-in.
    ap_hook_check_authn(ssoauth::httpd::check_authn, nullptr, nullptr, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
    // The challenge of a 401 that httpd itself answers for our AuthTypes (as mod_auth_basic does).
    ap_hook_note_auth_failure(ssoauth::httpd::note_auth_failure, nullptr, nullptr, APR_HOOK_MIDDLE);
    // Require sso-claim name:value | name~regex
    ap_register_auth_provider(pool, AUTHZ_PROVIDER_GROUP, "sso-claim", AUTHZ_PROVIDER_VERSION,
                              &sso_claim_provider, AP_AUTH_INTERNAL_PER_CONF);
    // Cache-Control: private on an application's response that carries a resealed session cookie.
    ap_register_output_filter(ssoauth::httpd::kPrivateCacheFilter, ssoauth::httpd::private_cache_filter, nullptr,
                              AP_FTYPE_CONTENT_SET);
    // The endpoints under SSOAuthEndpointBase, ahead of any other handler (proxy, CGI).
    ap_hook_handler(ssoauth::httpd::endpoint_handler, nullptr, nullptr, APR_HOOK_REALLY_FIRST);
}

}  // namespace

extern "C" {
module AP_MODULE_DECLARE_DATA ssoauth_module = {
    STANDARD20_MODULE_STUFF,
    ssoauth::httpd::create_dir_config,    // per-directory config
    ssoauth::httpd::merge_dir_config,     // merge per-directory
    ssoauth::httpd::create_server_config, // per-server config
    ssoauth::httpd::merge_server_config,  // merge per-server
    ssoauth::httpd::directives,           // the command table
    register_hooks,                       // hooks
    AP_MODULE_FLAG_NONE,                  // flags
};
}
