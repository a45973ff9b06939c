// The module's own endpoints under SSOAuthEndpointBase (default /api/auth):
// login, callback, session, refresh, signout, backchannel-logout and
// client.js. Each reads the request, calls the core, and answers through
// respond.h.
#include "core/client_js.h"
#include "core/random.h"
#include "core/request_policy.h"
#include "core/return_to.h"
#include "core/signout.h"
#include "httpd/flow.h"
#include "httpd/guard.h"
#include "httpd/hooks.h"
#include "httpd/request.h"
#include "httpd/respond.h"
#include "httpd/shm_store.h"

namespace ssoauth {
namespace httpd {

namespace {

constexpr size_t kMaxLogoutBody = 65536;  // a logout token is a few KB

Endpoint endpoint_of(request_rec* r, const DirConfig* c) {
    // On every protected request: the URI is measured only when it starts with the base.
    const char* base = c->endpoint_base ? c->endpoint_base : kDefaultEndpointBase;
    const size_t base_length = strlen(base);
    if (!r->uri || strncmp(r->uri, base, base_length) != 0) return Endpoint::None;
    return ssoauth::endpoint_of(r->uri, std::string_view(base, base_length));
}

std::string return_to_param(request_rec* r) { return return_to_of(request_query(r)); }

int login_endpoint(request_rec* r, const DirConfig* c) {
    if (r->method_number != M_GET) return respond_method_not_allowed(r);
    return begin_sign_in(r, c, return_to_param(r));
}

int callback_endpoint(request_rec* r, const DirConfig* c) {
    if (r->method_number != M_GET) return respond_method_not_allowed(r);
    CallbackOutcome outcome = handle_callback(client_config(r, c), *provider_of(r, c), request_query(r),
                                              request_cookies(r), **c->sealer, cookie_settings(r, c),
                                              request_now(r));
    return respond_callback(r, c, outcome);
}

int session_endpoint(request_rec* r, const DirConfig* c) {
    if (r->method_number != M_GET) return respond_method_not_allowed(r);
    const SessionResult result = current_session(r, c);
    return respond_session_document(r, result.valid() ? result.session.get() : nullptr);
}

int refresh_endpoint(request_rec* r, const DirConfig* c) {
    const bool post = r->method_number == M_POST;
    if (!post && r->method_number != M_GET) return respond_method_not_allowed(r);
    if (post && !is_same_origin(r, c)) return respond_refused(r, EndpointRefusal::CrossOriginRefresh);
    const SessionResult result = current_session(r, c, true);
    if (post) return respond_refresh_json(r, result);
    const std::string return_to = return_to_param(r);
    return result.valid() ? respond_refreshed_redirect(r, return_to) : begin_sign_in(r, c, return_to);
}

int signout_endpoint(request_rec* r, const DirConfig* c) {
    const bool post = r->method_number == M_POST;
    if (!post && r->method_number != M_GET) return respond_method_not_allowed(r);
    if (post && !is_same_origin(r, c)) return respond_refused(r, EndpointRefusal::CrossOriginSignout);
    SignoutRequest request;
    std::string joined;
    request.cookie_header = cookie_header(r, &joined);
    request.now = request_now(r);
    request.revoke_refresh_token = revoke_on_signout(c);
    request.post_logout_redirect = absolute_url(r, post_logout_redirect(c));
    request.keep_revocation = session_max_age(c);
    RevocationList revocations(*shared_store(), c->provider);
    const SignoutResult result = sign_out(request, client_config(r, c), *provider_of(r, c), revocations,
                                          cookie_settings(r, c), **c->sealer, openssl_random());
    return respond_signout(r, result, post);
}

int backchannel_logout_endpoint(request_rec* r, const DirConfig* c) {
    if (r->method_number != M_POST) return respond_method_not_allowed(r);
    bool too_large = false;
    const std::string body = read_body(r, kMaxLogoutBody, &too_large);
    RevocationList revocations(*shared_store(), c->provider);
    const BackchannelResult result = receive_backchannel_logout(
        body, too_large, client_config(r, c), *provider_of(r, c), revocations, request_now(r), session_max_age(c));
    return respond_backchannel_logout(r, result);
}

int client_js_endpoint(request_rec* r, const DirConfig* c) {
    if (r->method_number != M_GET) return respond_method_not_allowed(r);
    return respond_client_js(r, *client_script(endpoint_base(c)));
}

int endpoint_handler_impl(request_rec* r) {
    const DirConfig* c = dir_config(r);
    if (!c->provider) return DECLINED;
    Endpoint endpoint = endpoint_of(r, c);
    if (endpoint == Endpoint::None) return DECLINED;
    std::string missing = missing_settings(c);
    if (!missing.empty()) return respond_misconfigured(r, nullptr, missing);
    r->allowed |= (AP_METHOD_BIT << M_GET) | (AP_METHOD_BIT << M_POST);
    switch (endpoint) {
        case Endpoint::Login: return login_endpoint(r, c);
        case Endpoint::Callback: return callback_endpoint(r, c);
        case Endpoint::Session: return session_endpoint(r, c);
        case Endpoint::Refresh: return refresh_endpoint(r, c);
        case Endpoint::Signout: return signout_endpoint(r, c);
        case Endpoint::BackchannelLogout: return backchannel_logout_endpoint(r, c);
        case Endpoint::ClientJs: return client_js_endpoint(r, c);
        case Endpoint::None: break;
    }
    return DECLINED;
}

}  // namespace

bool is_endpoint(request_rec* r, const DirConfig* c) { return endpoint_of(r, c) != Endpoint::None; }

int endpoint_handler(request_rec* r) { return guarded(r, "endpoint", endpoint_handler_impl); }

}  // namespace httpd
}  // namespace ssoauth
