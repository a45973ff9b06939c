// The module's own endpoints under SSOAuthEndpointBase (default /api/auth):
// login, callback, session, refresh, signout and backchannel-logout. Each
// translates the request for the core and the core's outcome into HTTP.
#include "core/client_js.h"
#include "core/logout.h"
#include "core/refresh.h"
#include "core/return_to.h"
#include "core/session_cache.h"
#include "core/session_cookies.h"
#include "core/session_document.h"
#include "httpd/flow.h"
#include "httpd/guard.h"
#include "httpd/hooks.h"
#include "httpd/request.h"
#include "httpd/shm_store.h"

namespace ssoauth {
namespace httpd {

namespace {

enum class Endpoint { None, Login, Callback, Session, Refresh, Signout, BackchannelLogout, ClientJs };

Endpoint endpoint_of(request_rec* r, const DirConfig* c) {
    // On every protected request: no allocation until the path is under the base.
    if (!r->uri) return Endpoint::None;
    const char* base = c->endpoint_base ? c->endpoint_base : kDefaultEndpointBase;
    const size_t base_len = strlen(base);
    if (strncmp(r->uri, base, base_len) != 0 || r->uri[base_len] != '/') return Endpoint::None;
    const std::string name = r->uri + base_len + 1;
    if (name == "login") return Endpoint::Login;
    if (name == "callback") return Endpoint::Callback;
    if (name == "session") return Endpoint::Session;
    if (name == "refresh") return Endpoint::Refresh;
    if (name == "signout") return Endpoint::Signout;
    if (name == "backchannel-logout") return Endpoint::BackchannelLogout;
    if (name == "client.js") return Endpoint::ClientJs;
    return Endpoint::None;
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

int send_json(request_rec* r, int status, json_t* body) {
    JsonPtr owned(body);
    set_no_store(r);
    return send_body(r, status, "application/json", json_dump(owned.get(), false) + "\n");
}

int json_error(request_rec* r, int status, const char* error) {
    json_t* body = json_object();
    json_object_set_new(body, "error", json_string(error));
    return send_json(r, status, body);
}

std::string return_to_param(request_rec* r) {
    std::string value;
    QueryParams params = request_query(r);
    if (!single_param(params, "returnTo", &value)) single_param(params, "callbackUrl", &value);
    return safe_return_to(value);
}

int login_endpoint(request_rec* r, const DirConfig* c) {
    if (r->method_number != M_GET) return HTTP_METHOD_NOT_ALLOWED;
    return begin_sign_in(r, c, return_to_param(r));
}

int callback_endpoint(request_rec* r, const DirConfig* c) {
    if (r->method_number != M_GET) return HTTP_METHOD_NOT_ALLOWED;
    const std::string request_id = new_request_id();
    CallbackOutcome outcome = handle_callback(client_config(r, c), *provider_of(r, c), request_query(r),
                                              request_cookies(r), **c->sealer, cookie_settings(r, c),
                                              request_now(r));
    add_set_cookies(r, outcome.set_cookies);
    set_no_store(r);
    for (const std::string& step : outcome.steps)
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SSOLOGNO(00013) "callback [%s]: %s", request_id.c_str(),
                      step.c_str());
    if (!outcome.ok()) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SSOLOGNO(00030) "sign-in failed [%s]: %s: %s",
                      request_id.c_str(), outcome.error_code.c_str(), outcome.detail.c_str());
        return error_response(r, c, callback_status(outcome.error), outcome.error_code, request_id);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00031) "signed in: sub=%s, returning to %s",
                  outcome.subject.c_str(), outcome.redirect_to.c_str());
    return send_redirect(r, outcome.redirect_to);
}

int session_endpoint(request_rec* r, const DirConfig* c) {
    if (r->method_number != M_GET) return HTTP_METHOD_NOT_ALLOWED;
    SessionPtr session;
    bool ok = current_session(r, c, &session) == SessionCheck::Ok;
    set_no_store(r);
    return send_body(r, HTTP_OK, "application/json", session_endpoint_json(ok ? session.get() : nullptr) + "\n");
}

int refresh_endpoint(request_rec* r, const DirConfig* c) {
    const bool post = r->method_number == M_POST;
    if (!post && r->method_number != M_GET) return HTTP_METHOD_NOT_ALLOWED;
    if (post && !is_same_origin(r, c)) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SSOLOGNO(00032) "refresh refused: cross-origin POST");
        return json_error(r, HTTP_FORBIDDEN, "cross_origin_request");
    }
    SessionPtr session;
    std::string reason = "unauthenticated";
    SessionCheck check = current_session(r, c, &session, true, &reason);
    if (!post) {
        const std::string return_to = return_to_param(r);
        if (check != SessionCheck::Ok) return begin_sign_in(r, c, return_to);
        set_no_store(r);
        return send_redirect(r, return_to);
    }
    if (check != SessionCheck::Ok) return json_error(r, HTTP_UNAUTHORIZED, reason.c_str());
    json_t* body = json_object();
    json_object_set_new(body, "success", json_true());
    json_object_set_new(body, "expires", json_string(iso8601_utc(session->access_token_expires_at
                                                                      ? session->access_token_expires_at
                                                                      : session->expires_at).c_str()));
    return send_json(r, HTTP_OK, body);
}

int signout_endpoint(request_rec* r, const DirConfig* c) {
    const bool post = r->method_number == M_POST;
    if (!post && r->method_number != M_GET) return HTTP_METHOD_NOT_ALLOWED;
    if (post && !is_same_origin(r, c)) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SSOLOGNO(00033) "sign-out refused: cross-origin POST");
        return json_error(r, HTTP_FORBIDDEN, "cross_origin_request");
    }
    const CookieMap cookies = request_cookies(r);
    const CookieSettings settings = cookie_settings(r, c);
    const int64_t now = request_now(r);
    Session session;
    const bool had_session =
        open_session(cookies, settings, **c->sealer, c->provider, c->client_id, now, &session) == SessionStatus::Ok;
    add_set_cookies(r, clear_session_cookies(cookies, settings));

    std::string error;
    auto provider = provider_of(r, c);
    auto metadata = provider->metadata(now, &error);
    if (had_session) {
        // This session is over on this host at once, whatever the provider does next.
        LogoutEvent ended;
        ended.sid = session.sid;
        ended.sub = session.subject;
        ended.iat = now;
        RevocationList(*shared_store(), c->provider).record(ended, now, session_max_age(c));
        if (metadata && revoke_on_signout(c) && !session.refresh_token.empty() &&
            !metadata->revocation_endpoint.empty() &&
            !provider->tokens().revoke(metadata->revocation_endpoint, client_config(r, c).credentials,
                                       session.refresh_token, "refresh_token"))
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          SSOLOGNO(00034) "sign-out: the provider did not confirm revoking the refresh token");
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00035) "signed out: sub=%s", session.subject.c_str());
    }
    const std::string after = absolute_url(r, post_logout_redirect(c));
    std::string target = metadata ? end_session_url(*metadata, had_session ? session.id_token : "", after,
                                                    c->client_id, random_token(openssl_random(), 16))
                                  : std::string();
    if (target.empty()) target = after;
    if (!post) {
        set_no_store(r);
        return send_redirect(r, target);
    }
    json_t* body = json_object();
    json_object_set_new(body, "success", json_true());
    json_object_set_new(body, "redirectUrl", json_string(target.c_str()));
    return send_json(r, HTTP_OK, body);
}

int backchannel_logout_endpoint(request_rec* r, const DirConfig* c) {
    set_no_store(r);
    if (r->method_number != M_POST) return HTTP_METHOD_NOT_ALLOWED;
    bool too_large = false;
    const std::string body = read_body(r, 65536, &too_large);
    std::string token;
    if (too_large || !single_param(parse_query(body), "logout_token", &token) || token.empty()) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      SSOLOGNO(00036) "back-channel logout refused: no single logout_token in the form body");
        return json_error(r, HTTP_BAD_REQUEST, "invalid_request");
    }
    const int64_t now = request_now(r);
    const ClientConfig client = client_config(r, c);
    LogoutEvent event;
    bool keys_unavailable = false;
    std::string detail;
    TokenStatus status = verify_logout_token(client, *provider_of(r, c), token, now, &event, &keys_unavailable, &detail);
    RevocationList revocations(*shared_store(), c->provider);
    if (status == TokenStatus::Ok && !revocations.first_use_of_jti(event, now, client.clock_skew)) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      SSOLOGNO(00037) "back-channel logout refused: the logout token was replayed (jti seen before)");
        return json_error(r, HTTP_BAD_REQUEST, "invalid_request");
    }
    if (status != TokenStatus::Ok) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SSOLOGNO(00038) "back-channel logout refused: %s%s%s",
                      keys_unavailable ? "provider keys unavailable" : token_status_name(status),
                      detail.empty() ? "" : ": ", detail.c_str());
        return json_error(r, HTTP_BAD_REQUEST, "invalid_request");
    }
    if (!revocations.record(event, now, session_max_age(c))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      SSOLOGNO(00039) "back-channel logout: the shared store is full; the session stays valid");
        return json_error(r, HTTP_SERVICE_UNAVAILABLE, "temporarily_unavailable");
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00040) "back-channel logout: %s %s ended",
                  event.sid.empty() ? "user" : "provider session",
                  event.sid.empty() ? event.sub.c_str() : event.sid.c_str());
    return send_body(r, HTTP_OK, "application/json", "{}\n");
}

int client_js_endpoint(request_rec* r, const DirConfig* c) {
    if (r->method_number != M_GET) return HTTP_METHOD_NOT_ALLOWED;
    const auto script = client_script(endpoint_base(c));
    apr_table_setn(r->headers_out, "ETag", script->etag.c_str());  // kept for the process
    apr_table_setn(r->headers_out, "Cache-Control", "no-cache");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    const char* match = apr_table_get(r->headers_in, "If-None-Match");
    if (match && (script->etag == match || !strcmp(match, "*"))) return HTTP_NOT_MODIFIED;
    return send_body(r, HTTP_OK, "application/javascript; charset=utf-8", script->body);
}

int endpoint_handler_impl(request_rec* r) {
    const DirConfig* c = dir_config(r);
    if (!c->provider) return DECLINED;
    Endpoint endpoint = endpoint_of(r, c);
    if (endpoint == Endpoint::None) return DECLINED;
    std::string missing = missing_settings(c);
    if (!missing.empty()) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00041) "endpoint %s cannot work: %s", r->uri,
                      missing.c_str());
        return HTTP_INTERNAL_SERVER_ERROR;
    }
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
