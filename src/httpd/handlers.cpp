#include "core/bearer.h"
#include "core/claim_requirement.h"
#include "core/claims.h"
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
const char kBearerAuthType[] = "SSOAuthBearer";

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
    const int action = c->unauth_action == kUnauthUnset ? kUnauthAuth : c->unauth_action;
    if (action == kUnauthPass) {
        r->user = const_cast<char*>("");  // through, with no identity
        return OK;
    }
    const std::string return_to = safe_return_to(r->unparsed_uri ? r->unparsed_uri : "/");
    if (action == kUnauthAuth && is_navigation(r) && !r->main) return begin_sign_in(r, c, return_to);
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

// The verified claims of this request, for the sso-claim authz provider.
void remember_claims(request_rec* r, SharedClaims claims) {
    auto* holder = new SharedClaims(std::move(claims));
    apr_pool_cleanup_register(
        r->pool, holder,
        [](void* p) -> apr_status_t {
            delete static_cast<SharedClaims*>(p);
            return APR_SUCCESS;
        },
        apr_pool_cleanup_null);
    ap_set_module_config(r->request_config, &ssoauth_module, holder);
}

const json_t* remembered_claims(request_rec* r) {
    auto* holder = static_cast<SharedClaims*>(ap_get_module_config(r->request_config, &ssoauth_module));
    return holder ? holder->get() : nullptr;
}

// REMOTE_USER, X-SSO-Claim-* headers and SSO_CLAIM_* variables. The client's
// own X-SSO-* headers were removed when the request was read.
int export_identity(request_rec* r, const DirConfig* c, SharedClaims claims, const std::string& access_token) {
    const char* user_claim = c->remote_user_claim ? c->remote_user_claim : "sub";
    std::string user = sanitize_header_value(claim_value_text(find_claim(claims.get(), user_claim)));
    if (user.empty()) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      SSOLOGNO(00022) "the SSOAuthRemoteUserClaim claim '%s' is absent for this user", user_claim);
        return HTTP_FORBIDDEN;
    }
    r->user = apr_pstrdup(r->pool, user.c_str());
    for (const std::string& claim : pass_claims(c)) {
        const json_t* value = find_claim(claims.get(), claim);
        if (!value || json_is_null(value)) continue;
        std::string text = sanitize_header_value(claim_value_text(value));
        apr_table_set(r->headers_in, claim_header_name(claim).c_str(), text.c_str());
        apr_table_set(r->subprocess_env, claim_variable_name(claim).c_str(), text.c_str());
    }
    if (c->pass_access_token == 1 && !access_token.empty())
        apr_table_set(r->headers_in, kAccessTokenHeader, access_token.c_str());
    remember_claims(r, std::move(claims));
    return OK;
}

SharedClaims share(JsonPtr claims) {
    return SharedClaims(claims.release(), [](const json_t* j) { json_decref(const_cast<json_t*>(j)); });
}

// Failures of bearer mode become HTTP here, and only here.
int bearer_failure(request_rec* r, const char* error, const std::string& description, int status) {
    std::string challenge = "Bearer";
    if (error) challenge += std::string(" error=\"") + error + "\", error_description=\"" + description + "\"";
    apr_table_set(r->err_headers_out, "WWW-Authenticate", challenge.c_str());
    set_no_store(r);
    JsonPtr body(json_object());
    json_object_set_new(body.get(), "error", json_string(error ? error : "unauthenticated"));
    if (error) json_object_set_new(body.get(), "error_description", json_string(description.c_str()));
    send_body(r, status, "application/json", json_dump(body.get()) + "\n");
    return DONE;
}

int check_bearer(request_rec* r, const DirConfig* c) {
    if (!c->provider || !c->bearer_audience) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      SSOLOGNO(00023) "AuthType SSOAuthBearer for %s needs SSOAuthProvider and SSOAuthBearerAudience",
                      r->uri);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    r->ap_auth_type = const_cast<char*>(kBearerAuthType);
    const char* header = apr_table_get(r->headers_in, "Authorization");
    const std::string token = bearer_token_of(header ? header : "");
    if (token.empty()) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SSOLOGNO(00024) "no bearer token in the request");
        return bearer_failure(r, header ? "invalid_request" : nullptr, "a Bearer token is required",
                              HTTP_UNAUTHORIZED);
    }
    SharedClaims claims;
    bool keys_unavailable = false;
    std::string detail;
    auto verifier = bearer_verifier_for(c->provider, c->bearer_audience, http_options(server_config(r->server)),
                                        clock_skew(server_config(r->server)));
    TokenStatus status = verifier->verify(token, request_now(r), &claims, &keys_unavailable, &detail);
    if (keys_unavailable) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      SSOLOGNO(00025) "bearer token cannot be checked: provider %s: %s", c->provider, detail.c_str());
        return bearer_failure(r, "temporarily_unavailable", "the identity provider cannot be reached",
                              HTTP_SERVICE_UNAVAILABLE);
    }
    if (status != TokenStatus::Ok) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00026) "bearer token rejected: %s",
                      token_status_name(status));
        return bearer_failure(r, "invalid_token", token_status_message(status), HTTP_UNAUTHORIZED);
    }
    return export_identity(r, c, std::move(claims), token);
}

int check_authn_impl(request_rec* r) {
    const char* type = ap_auth_type(r);
    if (!type) return DECLINED;
    const DirConfig* c = dir_config(r);
    if (!strcasecmp(type, kBearerAuthType)) return check_bearer(r, c);
    if (strcasecmp(type, kAuthType) != 0) return DECLINED;
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
    if (status == SessionStatus::Ok) return export_identity(r, c, share(std::move(session.claims)), session.access_token);
    // Another application's session (same cookie name, another client) is not ours to delete.
    if (status != SessionStatus::Absent && status != SessionStatus::WrongClient) {
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

authz_status check_claim_requirement(request_rec* r, const char*, const void* parsed) {
    const auto* requirements = static_cast<const std::vector<std::shared_ptr<const ClaimRequirement>>*>(parsed);
    const json_t* claims = remembered_claims(r);
    if (!r->user || !claims) return AUTHZ_DENIED_NO_USER;
    for (const auto& requirement : *requirements)
        if (requirement->matches(claims)) return AUTHZ_GRANTED;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00050) "user %s does not satisfy 'Require sso-claim %s'",
                  r->user, requirements->empty() ? "" : requirements->front()->text().c_str());
    const char* type = ap_auth_type(r);
    if (type && !strcasecmp(type, kBearerAuthType))
        apr_table_set(r->err_headers_out, "WWW-Authenticate",
                      "Bearer error=\"insufficient_scope\", error_description=\"a required claim is missing\"");
    return AUTHZ_DENIED;
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

int strip_reserved_headers(request_rec* r) {
    // Every X-SSO-* header (any case, '-' or '_') a client sent is removed
    // before any handler, CGI or proxy can see it: only the module sets them.
    std::vector<std::string> names;
    apr_table_do(
        [](void* rec, const char* name, const char*) -> int {
            if (is_reserved_header(name)) static_cast<std::vector<std::string>*>(rec)->push_back(name);
            return 1;
        },
        &names, r->headers_in, nullptr);
    for (const auto& name : names) {
        apr_table_unset(r->headers_in, name.c_str());
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00051) "removed client-supplied header %s",
                      name.c_str());
    }
    return DECLINED;
}

authz_status check_sso_claim(request_rec* r, const char* require_line, const void* parsed) {
    try {
        return check_claim_requirement(r, require_line, parsed);
    } catch (...) {
        return AUTHZ_GENERAL_ERROR;
    }
}

const char* parse_sso_claim(cmd_parms* cmd, const char* require_line, const void** parsed) {
    auto* requirements = new std::vector<std::shared_ptr<const ClaimRequirement>>();
    apr_pool_cleanup_register(
        cmd->pool, requirements,
        [](void* p) -> apr_status_t {
            delete static_cast<std::vector<std::shared_ptr<const ClaimRequirement>>*>(p);
            return APR_SUCCESS;
        },
        apr_pool_cleanup_null);
    const char* line = require_line;
    while (*line) {
        const char* word = ap_getword_conf(cmd->temp_pool, &line);
        if (!*word) break;
        std::string error;
        auto requirement = ClaimRequirement::parse(word, &error);
        if (!requirement) return apr_psprintf(cmd->pool, "Require sso-claim: %s", error.c_str());
        requirements->push_back(requirement);
    }
    if (requirements->empty()) return "Require sso-claim: needs <claim>:<value> or <claim>~<regex>";
    *parsed = requirements;
    return nullptr;
}
int endpoint_handler(request_rec* r) { return guarded(r, "endpoint", endpoint_handler_impl); }

}  // namespace httpd
}  // namespace ssoauth
