// Outcome -> response, in one file. Each function below is one row of the
// map: what the client sees (status, challenge, body, cache headers) and
// what the log says (level and tag) for one kind of core outcome.
#include "core/cache_control.h"
#include "core/return_to.h"
#include "core/session_document.h"
#include "core/client_js.h"
#include "httpd/respond.h"
#include "httpd/guard.h"
#include "httpd/log.h"
#include "httpd/request.h"

namespace ssoauth {
namespace httpd {

namespace {

// ---- the primitives every row uses ----

void add_set_cookies(request_rec* r, const std::vector<std::string>& cookies) {
    // err_headers_out: kept on redirects and error responses too.
    for (const auto& cookie : cookies) apr_table_add(r->err_headers_out, "Set-Cookie", cookie.c_str());
}

// Cache-Control: no-store and Referrer-Policy: no-referrer, for every response
// that carries or leads to credentials.
void set_no_store(request_rec* r) {
    apr_table_set(r->err_headers_out, "Cache-Control", "no-store");
    apr_table_set(r->err_headers_out, "Pragma", "no-cache");
    apr_table_set(r->err_headers_out, "Referrer-Policy", "no-referrer");
}

int send_body(request_rec* r, int status, const char* content_type, const std::string& body) {
    // A subrequest (mod_include, a DirectoryIndex or FallbackResource lookup)
    // writes into the main request's output: a body from here would be spliced
    // into, or sent ahead of, the main response. Its status alone goes back;
    // httpd and the module that made the subrequest decide what the main one answers.
    if (r->main) return status;
    r->status = status;
    ap_set_content_type(r, content_type);
    ap_set_content_length(r, static_cast<apr_off_t>(body.size()));
    if (!r->header_only) ap_rwrite(body.data(), static_cast<int>(body.size()), r);
    return DONE;
}

int send_redirect(request_rec* r, const std::string& location) {
    apr_table_set(r->headers_out, "Location", location.c_str());
    return HTTP_MOVED_TEMPORARILY;
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

std::string html_escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

// The built-in sign-in error page, or a redirect to SSOAuthErrorURL?error=<code>.
int error_page(request_rec* r, const DirConfig* c, int status, const std::string& code,
               const std::string& request_id) {
    set_no_store(r);
    if (c->error_url) return send_redirect(r, append_query(c->error_url, form_encode({{"error", code}})));
    const std::string retry = endpoint_base(c) + "/login?returnTo=%2F";
    std::string body =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sign-in failed</title></head><body>\n"
        "<h1>Sign-in failed</h1>\n<p>Error: <code id=\"error\">" + html_escape(code) + "</code></p>\n"
        "<p>Request id: <code id=\"request-id\">" + html_escape(request_id) + "</code></p>\n"
        "<p><a id=\"retry\" href=\"" + html_escape(retry) + "\">Try again</a></p>\n</body></html>\n";
    return send_body(r, status, "text/html; charset=utf-8", body);
}

int callback_status(CallbackError error) {
    switch (error) {
        case CallbackError::ProviderUnreachable: return HTTP_SERVICE_UNAVAILABLE;
        case CallbackError::InvalidIdToken:
        case CallbackError::CallbackFailed: return HTTP_BAD_GATEWAY;
        case CallbackError::ProviderError: return HTTP_FORBIDDEN;
        default: return HTTP_BAD_REQUEST;
    }
}

// The challenge and body of every bearer-mode refusal (RFC 6750 section 3).
int bearer_challenge(request_rec* r, const char* error, const std::string& description, int status) {
    std::string challenge = "Bearer";
    if (error) challenge += std::string(" error=\"") + error + "\", error_description=\"" + description + "\"";
    apr_table_set(r->err_headers_out, "WWW-Authenticate", challenge.c_str());
    json_t* body = json_object();
    json_object_set_new(body, "error", json_string(error ? error : "unauthenticated"));
    if (error) json_object_set_new(body, "error_description", json_string(description.c_str()));
    return send_json(r, status, body);
}

}  // namespace

// ---- sign-in ----

int respond_login_start(request_rec* r, const DirConfig* c, const LoginStart& start, const std::string& return_to) {
    if (!start.ok()) {
        const std::string request_id = new_request_id();
        const bool unreachable = start.error == LoginError::ProviderUnreachable;
        if (unreachable)
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00010) "cannot start sign-in [%s]: %s",
                          request_id.c_str(), start.detail.c_str());
        else
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00011) "cannot start sign-in [%s]: %s",
                          request_id.c_str(), start.detail.c_str());
        return error_page(r, c, unreachable ? HTTP_SERVICE_UNAVAILABLE : HTTP_INTERNAL_SERVER_ERROR,
                          unreachable ? "provider_unreachable" : "callback_failed", request_id);
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                  SSOLOGNO(00012) "sign-in started: redirecting to the provider, return to %s", return_to.c_str());
    add_set_cookies(r, start.set_cookies);
    set_no_store(r);
    return send_redirect(r, start.authorize_url);
}

int respond_callback(request_rec* r, const DirConfig* c, const CallbackOutcome& outcome) {
    const std::string request_id = new_request_id();
    add_set_cookies(r, outcome.set_cookies);
    set_no_store(r);
    for (const std::string& step : outcome.steps)
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SSOLOGNO(00013) "callback [%s]: %s", request_id.c_str(),
                      step.c_str());
    if (!outcome.ok()) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SSOLOGNO(00030) "sign-in failed [%s]: %s: %s",
                      request_id.c_str(), outcome.error_code.c_str(), outcome.detail.c_str());
        return error_page(r, c, callback_status(outcome.error), outcome.error_code, request_id);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00031) "signed in: sub=%s, returning to %s",
                  outcome.subject.c_str(), outcome.redirect_to.c_str());
    return send_redirect(r, outcome.redirect_to);
}

// ---- sessions ----

namespace {

// Every Cache-Control value of the response, application's and module's, comma-joined.
std::string response_cache_control(request_rec* r) {
    std::string joined;
    for (apr_table_t* table : {r->headers_out, r->err_headers_out}) {
        const char* value = apr_table_getm(r->pool, table, "Cache-Control");
        if (value) joined += (joined.empty() ? "" : ", ") + std::string(value);
    }
    return joined;
}

int make_response_private(request_rec* r) {
    const std::string value = response_cache_control(r);
    if (forbids_shared_storage(value)) return OK;
    apr_table_unset(r->headers_out, "Cache-Control");
    apr_table_set(r->err_headers_out, "Cache-Control", make_private(value).c_str());
    return OK;
}

}  // namespace

const char kPrivateCacheFilter[] = "SSOAUTH_PRIVATE_CACHE";

apr_status_t private_cache_filter(ap_filter_t* f, apr_bucket_brigade* bb) {
    // The first brigade comes before the header filter, with the application's
    // (CGI, proxy, handler) headers already in r->headers_out.
    if (guarded(f->r, "Cache-Control for a resealed session", make_response_private) != OK)
        apr_table_set(f->r->err_headers_out, "Cache-Control", "no-store");  // fail closed
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

bool apply_session_result(request_rec* r, const SessionResult& result) {
    add_set_cookies(r, result.set_cookies);
    // The cookie may ride on the application's response, whose headers are not
    // known yet: a filter makes that response private once they are.
    if (!result.set_cookies.empty()) ap_add_output_filter(kPrivateCacheFilter, nullptr, r, r->connection);
    switch (result.verdict) {
        case SessionVerdict::Ok:
        case SessionVerdict::Absent: return result.valid();
        case SessionVerdict::Refreshed:
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SSOLOGNO(00029) "session of %s refreshed%s",
                          result.subject.c_str(), result.reused ? " (reusing a concurrent request's refresh)" : "");
            return true;
        case SessionVerdict::Revoked:
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                          SSOLOGNO(00027) "session of %s ended by the provider (back-channel logout or sign-out)",
                          result.subject.c_str());
            break;
        case SessionVerdict::StoreUnavailable:
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          SSOLOGNO(00155) "the shared store cannot be read, so revocations cannot be checked: "
                                          "the session is refused for now (see the store's own log lines)");
            break;
        case SessionVerdict::RefreshDeferred:
        case SessionVerdict::RefreshFailed:
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SSOLOGNO(00028) "refresh for %s failed: %s: %s",
                          result.subject.c_str(), result.reason.c_str(), result.detail.c_str());
            break;
        default: break;
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SSOLOGNO(00021) "session not accepted: %s", result.reason.c_str());
    return false;
}

int respond_unauthenticated(request_rec* r, const DirConfig* c, UnauthResponse how) {
    if (how == UnauthResponse::PassThrough) {
        r->user = const_cast<char*>("");  // through, with no identity
        return OK;
    }
    const std::string return_to = safe_return_to(r->unparsed_uri ? r->unparsed_uri : "/");
    json_t* body = json_object();
    json_object_set_new(body, "error", json_string("unauthenticated"));
    json_object_set_new(
        body, "login",
        json_string(append_query(endpoint_base(c) + "/login", form_encode({{"returnTo", return_to}})).c_str()));
    apr_table_set(r->err_headers_out, "WWW-Authenticate", "SSOAuth");
    return send_json(r, HTTP_UNAUTHORIZED, body);
}

int respond_store_unavailable(request_rec* r) {
    apr_table_setn(r->err_headers_out, "Retry-After", "5");
    return json_error(r, HTTP_SERVICE_UNAVAILABLE, "temporarily_unavailable");
}

int respond_session_document(request_rec* r, const Session* session) {
    set_no_store(r);
    return send_body(r, HTTP_OK, "application/json", session_endpoint_json(session) + "\n");
}

int respond_refresh_json(request_rec* r, const SessionResult& result) {
    if (!result.valid()) return json_error(r, HTTP_UNAUTHORIZED, result.reason.c_str());
    const Session& session = *result.session;
    json_t* body = json_object();
    json_object_set_new(body, "success", json_true());
    json_object_set_new(body, "expires",
                        json_string(iso8601_utc(session.access_token_expires_at ? session.access_token_expires_at
                                                                                : session.expires_at)
                                        .c_str()));
    return send_json(r, HTTP_OK, body);
}

int respond_refreshed_redirect(request_rec* r, const std::string& return_to) {
    set_no_store(r);
    return send_redirect(r, return_to);
}

// ---- bearer mode ----

int respond_bearer_refused(request_rec* r, const DirConfig* c, const BearerRefusal& refusal) {
    set_no_store(r);
    if (!refusal.token_present) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SSOLOGNO(00024) "no bearer token in the request");
        return bearer_challenge(r, refusal.malformed_header ? "invalid_request" : nullptr,
                                "a Bearer token is required", HTTP_UNAUTHORIZED);
    }
    if (refusal.status == TokenStatus::KeysUnavailable) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00025) "bearer token cannot be checked: provider %s: %s",
                      c->provider, refusal.detail.c_str());
        return bearer_challenge(r, "temporarily_unavailable", "the identity provider cannot be reached",
                                HTTP_SERVICE_UNAVAILABLE);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00026) "bearer token rejected: %s",
                  token_status_name(refusal.status));
    return bearer_challenge(r, "invalid_token", token_status_message(refusal.status), HTTP_UNAUTHORIZED);
}

void note_claim_refused(request_rec* r, bool bearer, const std::string& who, const std::string& requirement) {
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00050) "user %s does not satisfy 'Require sso-claim %s'",
                  who.c_str(), requirement.c_str());
    if (bearer)
        apr_table_set(r->err_headers_out, "WWW-Authenticate",
                      "Bearer error=\"insufficient_scope\", error_description=\"a required claim is missing\"");
}

// ---- sign-out ----

int respond_signout(request_rec* r, const SignoutResult& result, bool post) {
    add_set_cookies(r, result.set_cookies);
    if (result.had_session) {
        if (result.provider_revocation == ProviderRevocation::NotConfirmed)
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          SSOLOGNO(00034) "sign-out: the provider did not confirm revoking the refresh token");
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00035) "signed out: sub=%s", result.subject.c_str());
        if (!result.revocation_recorded)
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          SSOLOGNO(00156) "sign-out: the shared store could not record the revocation, so a copy "
                                          "of this session's cookie keeps working until it expires; raise "
                                          "SSOAuthSharedStoreEntries");
    }
    if (!post) {
        set_no_store(r);
        return send_redirect(r, result.redirect_url);
    }
    json_t* body = json_object();
    json_object_set_new(body, "success", json_true());
    json_object_set_new(body, "redirectUrl", json_string(result.redirect_url.c_str()));
    // Said to the page too: the cookies are gone here, but a copy would still be accepted.
    if (result.had_session && !result.revocation_recorded)
        json_object_set_new(body, "warning", json_string("revocation_not_recorded"));
    return send_json(r, HTTP_OK, body);
}

int respond_backchannel_logout(request_rec* r, const BackchannelResult& result) {
    set_no_store(r);
    const LogoutEvent& event = result.event;
    switch (result.verdict) {
        case BackchannelVerdict::Ended:
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00040) "back-channel logout: %s %s ended",
                          event.sid.empty() ? "user" : "provider session",
                          event.sid.empty() ? event.sub.c_str() : event.sid.c_str());
            return send_body(r, HTTP_OK, "application/json", "{}\n");
        case BackchannelVerdict::NoToken:
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          SSOLOGNO(00036) "back-channel logout refused: no single logout_token in the form body");
            break;
        case BackchannelVerdict::Replayed:
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          SSOLOGNO(00037) "back-channel logout refused: the logout token was replayed (jti seen before)");
            break;
        case BackchannelVerdict::Invalid:
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SSOLOGNO(00038) "back-channel logout refused: %s%s%s",
                          token_status_name(result.status), result.detail.empty() ? "" : ": ", result.detail.c_str());
            break;
        case BackchannelVerdict::StoreFull:
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          SSOLOGNO(00039) "back-channel logout: the shared store is full; the session stays valid");
            return json_error(r, HTTP_SERVICE_UNAVAILABLE, "temporarily_unavailable");
    }
    return json_error(r, HTTP_BAD_REQUEST, "invalid_request");
}

// ---- refusals common to the endpoints ----

int respond_refused(request_rec* r, EndpointRefusal refusal) {
    if (refusal == EndpointRefusal::CrossOriginRefresh)
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SSOLOGNO(00032) "refresh refused: cross-origin POST");
    else
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SSOLOGNO(00033) "sign-out refused: cross-origin POST");
    return json_error(r, HTTP_FORBIDDEN, "cross_origin_request");
}

int respond_misconfigured(request_rec* r, const char* auth_type, const std::string& missing) {
    if (auth_type)
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00020) "AuthType %s for %s but %s", auth_type, r->uri,
                      missing.c_str());
    else
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00041) "endpoint %s cannot work: %s", r->uri,
                      missing.c_str());
    return HTTP_INTERNAL_SERVER_ERROR;
}

int respond_method_not_allowed(request_rec* r) {
    set_no_store(r);
    return HTTP_METHOD_NOT_ALLOWED;
}

int respond_client_js(request_rec* r, const ClientScript& script) {
    apr_table_setn(r->headers_out, "ETag", script.etag.c_str());  // the script lives as long as the process
    apr_table_setn(r->headers_out, "Cache-Control", "no-cache");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    const char* match = apr_table_get(r->headers_in, "If-None-Match");
    if (match && (script.etag == match || !strcmp(match, "*"))) return HTTP_NOT_MODIFIED;
    return send_body(r, HTTP_OK, "application/javascript; charset=utf-8", script.body);
}

int note_auth_failure(request_rec* r, const char* auth_type) {
    if (!auth_type) return DECLINED;
    if (!strcasecmp(auth_type, "SSOAuth")) {
        apr_table_setn(r->err_headers_out, "WWW-Authenticate", "SSOAuth");
        return OK;
    }
    if (!strcasecmp(auth_type, "SSOAuthBearer")) {
        apr_table_setn(r->err_headers_out, "WWW-Authenticate", "Bearer");
        return OK;
    }
    return DECLINED;
}

}  // namespace httpd
}  // namespace ssoauth
