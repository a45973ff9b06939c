#include "core/logout.h"
#include "core/return_to.h"
#include "core/refresh.h"
#include "core/session_cache.h"
#include "core/session_cookies.h"
#include "httpd/flow.h"
#include "httpd/log.h"
#include "httpd/request.h"
#include "httpd/shm_store.h"

#include <algorithm>
#include <optional>

namespace ssoauth {
namespace httpd {

ClientConfig client_config(request_rec* r, const DirConfig* c) {
    ClientConfig client;
    client.issuer = c->provider;
    client.credentials.client_id = c->client_id;
    if (c->client_secret) client.credentials.client_secret = c->client_secret;
    client.credentials.auth = token_auth(c);
    if (c->scope) client.scope = c->scope;
    client.redirect_uri = redirect_uri(r, c);
    client.clock_skew = clock_skew(server_config(r->server));
    client.session_max_age = session_max_age(c);
    return client;
}

std::shared_ptr<Provider> provider_of(request_rec* r, const DirConfig* c) {
    return provider_for(c->provider, http_options(server_config(r->server)));
}

int error_response(request_rec* r, const DirConfig* c, int status, const std::string& code,
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

int begin_sign_in(request_rec* r, const DirConfig* c, const std::string& return_to) {
    const std::string request_id = new_request_id();
    std::string error;
    auto metadata = provider_of(r, c)->metadata(request_now(r), &error);
    if (!metadata) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00010) "cannot start sign-in [%s]: provider %s: %s",
                      request_id.c_str(), c->provider, error.c_str());
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
                  SSOLOGNO(00012) "sign-in started: redirecting to the provider, return to %s", return_to.c_str());
    add_set_cookies(r, start.set_cookies);
    set_no_store(r);
    return send_redirect(r, start.authorize_url);
}

int unauthenticated_json(request_rec* r, const DirConfig* c) {
    const std::string return_to = safe_return_to(r->unparsed_uri ? r->unparsed_uri : "/");
    JsonPtr body(json_object());
    json_object_set_new(body.get(), "error", json_string("unauthenticated"));
    json_object_set_new(
        body.get(), "login",
        json_string(append_query(endpoint_base(c) + "/login", form_encode({{"returnTo", return_to}})).c_str()));
    set_no_store(r);
    apr_table_set(r->err_headers_out, "WWW-Authenticate", "SSOAuth");
    send_body(r, HTTP_UNAUTHORIZED, "application/json", json_dump(body.get(), false) + "\n");
    return DONE;
}

SessionCheck current_session(request_rec* r, const DirConfig* c, SessionPtr* session, bool force_refresh,
                             std::string* reason) {
    const CookieSettings settings = cookie_settings(r, c);
    const int64_t now = request_now(r);
    auto end = [&](const char* why, bool clear) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SSOLOGNO(00021) "session not accepted: %s", why);
        if (reason) *reason = why;
        if (clear) add_set_cookies(r, clear_session_cookies(request_cookies(r), settings));
        return SessionCheck::Ended;
    };

    // The hot path looks at the session cookie only; the full cookie map is
    // built when cookies have to be written.
    SessionPtr current;
    std::string joined;
    SessionStatus status = open_session_from_header(cookie_header(r, &joined), settings, **c->sealer, c->provider,
                                                    c->client_id, now, &current);
    // Another application's session (same cookie name, another client) is not ours to delete.
    if (status == SessionStatus::Absent || status == SessionStatus::WrongClient) return SessionCheck::Absent;
    if (status != SessionStatus::Ok) return end(session_status_name(status), true);

    auto store = shared_store();
    if (RevocationList(*store, c->provider).is_revoked(*current, now)) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      SSOLOGNO(00027) "session of %s ended by the provider (back-channel logout or sign-out)",
                      current->subject.c_str());
        return end("revoked", true);
    }
    // Changes go to a private copy; the cached session stays as it was sealed.
    std::optional<Session> changed;
    const int idle = inactivity_timeout(c);
    if (idle > 0) {
        if (current->last_seen && now - current->last_seen > idle) return end("inactive", true);
        if (now - current->last_seen >= std::min(60, std::max(1, idle / 4))) {
            changed = current->clone();
            changed->last_seen = now;
        }
    }
    if (force_refresh || needs_refresh(*current, now, refresh_before(c))) {
        SingleFlightRefresh flight(*store, **c->sealer);
        RefreshOutcome outcome = flight.refresh(client_config(r, c), *provider_of(r, c), *current, now);
        if (!outcome.ok()) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SSOLOGNO(00028) "refresh for %s failed: %s: %s",
                          current->subject.c_str(), refresh_error_name(outcome.error), outcome.detail.c_str());
            // A provider that is down or busy consumed nothing: keep the cookie for a later try.
            const bool transient = outcome.error == RefreshError::ProviderUnreachable ||
                                   outcome.error == RefreshError::Busy ||
                                   outcome.error == RefreshError::NoRefreshToken;
            return end(refresh_error_name(outcome.error), !transient);
        }
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SSOLOGNO(00029) "session of %s refreshed%s",
                      current->subject.c_str(), outcome.reused ? " (reusing a concurrent request's refresh)" : "");
        if (idle > 0) outcome.session.last_seen = now;
        changed = std::move(outcome.session);
    }
    if (changed) {
        current = std::make_shared<const Session>(std::move(*changed));
        std::vector<std::string> set = seal_session(current, settings, **c->sealer, request_cookies(r));
        if (set.empty()) return end("session_too_large", true);
        add_set_cookies(r, set);
    }
    *session = std::move(current);
    return SessionCheck::Ok;
}

}  // namespace httpd
}  // namespace ssoauth
