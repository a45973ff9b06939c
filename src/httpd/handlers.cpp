#include "core/login_flow.h"
#include "core/return_to.h"
#include "httpd/handlers.h"
#include "httpd/log.h"
#include "httpd/request.h"

#include <exception>

namespace ssoauth {
namespace httpd {

namespace {

const char kAuthType[] = "SSOAuth";
// Claims passed to CGI as SSO_CLAIM_<name> until SSOAuthPassClaims makes it configurable.
const char* const kDefaultPassClaims[] = {"sub", "email", "name", "email_verified", "role"};

enum class Endpoint { None, Login, Callback };

Endpoint endpoint_of(request_rec* r, const DirConfig* c) {
    if (!r->uri) return Endpoint::None;
    const std::string base = endpoint_base(c);
    const std::string uri = r->uri;
    if (uri == base + "/login") return Endpoint::Login;
    if (uri == base + "/callback") return Endpoint::Callback;
    return Endpoint::None;
}

ClientConfig client_config(request_rec* r, const DirConfig* c) {
    ClientConfig client;
    client.issuer = c->provider;
    client.credentials.client_id = c->client_id;
    if (c->client_secret) client.credentials.client_secret = c->client_secret;
    client.credentials.auth = token_auth(c);
    if (c->scope) client.scope = c->scope;
    client.redirect_uri = redirect_uri(r, c);
    client.clock_skew = clock_skew(server_config(r->server));
    return client;
}

std::shared_ptr<Provider> provider_of(request_rec* r, const DirConfig* c) {
    return provider_for(c->provider, http_options(server_config(r->server)));
}

// HTTP status for a failed callback: the one place that maps them.
int callback_status(CallbackError error) {
    switch (error) {
        case CallbackError::ProviderUnreachable: return HTTP_SERVICE_UNAVAILABLE;
        case CallbackError::InvalidIdToken:
        case CallbackError::CallbackFailed: return HTTP_BAD_GATEWAY;
        case CallbackError::ProviderError: return HTTP_FORBIDDEN;
        default: return HTTP_BAD_REQUEST;
    }
}

int error_response(request_rec* r, const DirConfig* c, int status, const std::string& code,
                   const std::string& request_id) {
    set_no_store(r);
    if (c->error_url)
        return send_redirect(r, append_query(c->error_url, form_encode({{"error", code}})));
    const std::string retry = endpoint_base(c) + "/login?returnTo=%2F";
    std::string body =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sign-in failed</title></head><body>\n"
        "<h1>Sign-in failed</h1>\n<p>Error: <code id=\"error\">" + html_escape(code) + "</code></p>\n"
        "<p>Request id: <code id=\"request-id\">" + html_escape(request_id) + "</code></p>\n"
        "<p><a id=\"retry\" href=\"" + html_escape(retry) + "\">Try again</a></p>\n</body></html>\n";
    return send_body(r, status, "text/html; charset=utf-8", body);
}

// Sends the browser to the provider. Used by protected pages and <base>/login.
int begin_sign_in(request_rec* r, const DirConfig* c, const std::string& return_to) {
    const std::string request_id = new_request_id();
    std::string error;
    auto provider = provider_of(r, c);
    auto metadata = provider->metadata(request_now(r), &error);
    if (!metadata) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      SSOLOGNO(00010) "cannot start sign-in [%s]: provider %s: %s", request_id.c_str(),
                      c->provider, error.c_str());
        return error_response(r, c, HTTP_SERVICE_UNAVAILABLE, "provider_unreachable", request_id);
    }
    LoginStart start;
    if (!start_login(client_config(r, c), *metadata, return_to, request_cookies(r), **c->sealer,
                     cookie_settings(r, c), openssl_random(), request_now(r), &start, &error)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00011) "cannot start sign-in [%s]: %s",
                      request_id.c_str(), error.c_str());
        return error_response(r, c, HTTP_INTERNAL_SERVER_ERROR, "callback_failed", request_id);
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                  SSOLOGNO(00012) "sign-in started: redirecting to the provider, return to %s",
                  return_to.c_str());
    add_set_cookies(r, start.set_cookies);
    set_no_store(r);
    return send_redirect(r, start.authorize_url);
}

int unauthenticated(request_rec* r, const DirConfig* c) {
    if (is_navigation(r) && !r->main)
        return begin_sign_in(r, c, safe_return_to(r->unparsed_uri ? r->unparsed_uri : "/"));
    const std::string return_to = safe_return_to(r->unparsed_uri ? r->unparsed_uri : "/");
    JsonPtr body(json_object());
    json_object_set_new(body.get(), "error", json_string("unauthenticated"));
    json_object_set_new(body.get(), "login",
                        json_string(append_query(endpoint_base(c) + "/login",
                                                 form_encode({{"returnTo", return_to}})).c_str()));
    set_no_store(r);
    apr_table_set(r->err_headers_out, "WWW-Authenticate", "SSOAuth");
    send_body(r, HTTP_UNAUTHORIZED, "application/json", json_dump(body.get()) + "\n");
    return DONE;
}

void export_identity(request_rec* r, const Session& session) {
    for (const char* claim : kDefaultPassClaims) {
        std::string value = session.claim_text(claim);
        if (!value.empty())
            apr_table_set(r->subprocess_env, apr_pstrcat(r->pool, "SSO_CLAIM_", claim, nullptr), value.c_str());
    }
}

int check_authn_impl(request_rec* r) {
    const char* type = ap_auth_type(r);
    if (!type || strcasecmp(type, kAuthType) != 0) return DECLINED;
    const DirConfig* c = dir_config(r);
    std::string missing = missing_settings(c);
    if (!missing.empty()) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00020) "AuthType SSOAuth for %s but %s", r->uri,
                      missing.c_str());
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    r->ap_auth_type = const_cast<char*>(kAuthType);
    // The module's own endpoints must answer even inside a protected location.
    if (endpoint_of(r, c) != Endpoint::None) {
        r->user = const_cast<char*>("");
        return OK;
    }
    CookieMap cookies = request_cookies(r);
    CookieSettings settings = cookie_settings(r, c);
    Session session;
    SessionStatus status = open_session(cookies, settings, **c->sealer, c->provider, c->client_id,
                                        request_now(r), &session);
    if (status == SessionStatus::Ok) {
        r->user = apr_pstrdup(r->pool, session.subject.c_str());
        export_identity(r, session);
        return OK;
    }
    if (status != SessionStatus::Absent) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SSOLOGNO(00021) "session cookie not accepted: %s",
                      session_status_name(status));
        add_set_cookies(r, clear_session_cookies(cookies, settings));
    }
    return unauthenticated(r, c);
}

int login_endpoint(request_rec* r, const DirConfig* c) {
    std::string return_to;
    QueryParams params = request_query(r);
    single_param(params, "returnTo", &return_to) || single_param(params, "callbackUrl", &return_to);
    return begin_sign_in(r, c, safe_return_to(return_to));
}

int callback_endpoint(request_rec* r, const DirConfig* c) {
    const std::string request_id = new_request_id();
    auto provider = provider_of(r, c);
    CallbackOutcome outcome = handle_callback(client_config(r, c), *provider, request_query(r),
                                              request_cookies(r), **c->sealer, cookie_settings(r, c),
                                              request_now(r));
    add_set_cookies(r, outcome.set_cookies);
    set_no_store(r);
    if (!outcome.ok()) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SSOLOGNO(00030) "sign-in failed [%s]: %s: %s",
                      request_id.c_str(), outcome.error_code.c_str(), outcome.detail.c_str());
        return error_response(r, c, callback_status(outcome.error), outcome.error_code, request_id);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00031) "signed in: sub=%s, returning to %s",
                  outcome.subject.c_str(), outcome.redirect_to.c_str());
    return send_redirect(r, outcome.redirect_to);
}

int endpoint_handler_impl(request_rec* r) {
    const DirConfig* c = dir_config(r);
    if (!c->provider) return DECLINED;
    Endpoint endpoint = endpoint_of(r, c);
    if (endpoint == Endpoint::None) return DECLINED;
    std::string missing = missing_settings(c);
    if (!missing.empty()) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00040) "endpoint %s cannot work: %s", r->uri,
                      missing.c_str());
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (r->method_number != M_GET) {
        r->allowed = AP_METHOD_BIT << M_GET;
        return HTTP_METHOD_NOT_ALLOWED;
    }
    return endpoint == Endpoint::Login ? login_endpoint(r, c) : callback_endpoint(r, c);
}

// No C++ exception may cross into httpd.
template <typename F>
int guarded(request_rec* r, const char* where, F f) {
    try {
        return f(r);
    } catch (const std::exception& e) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00001) "%s failed: %s", where, e.what());
    } catch (...) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00002) "%s failed", where);
    }
    return HTTP_INTERNAL_SERVER_ERROR;
}

}  // namespace

int check_authn(request_rec* r) { return guarded(r, "authentication", check_authn_impl); }
int endpoint_handler(request_rec* r) { return guarded(r, "endpoint", endpoint_handler_impl); }

}  // namespace httpd
}  // namespace ssoauth
