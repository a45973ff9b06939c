// Authentication and authorization hooks: AuthType SSOAuth (session cookie)
// and SSOAuthBearer (JWT access token), the identity handed to backends,
// `Require sso-claim`, and the removal of client-supplied X-SSO-* headers.
#include "core/bearer.h"
#include "core/claim_requirement.h"
#include "core/claims.h"
#include "core/return_to.h"
#include "httpd/flow.h"
#include "httpd/guard.h"
#include "httpd/hooks.h"
#include "httpd/log.h"
#include "httpd/request.h"

namespace ssoauth {
namespace httpd {

namespace {

const char kAuthType[] = "SSOAuth";
const char kBearerAuthType[] = "SSOAuthBearer";
using Requirements = std::vector<std::shared_ptr<const ClaimRequirement>>;


// Who this request is, resolved once: by the sso-claim provider in httpd's
// userless authorization pass, or by check_authn, whichever runs first.
struct Identity {
    SharedClaims claims;       // null: not authenticated
    SessionPtr session;        // session mode: shared with every request carrying the cookie
    std::string bearer_token;  // bearer mode: the verified token
    const std::string& access_token() const { return session ? session->access_token : bearer_token; }
    // What export_identity attached to the request (it points into this).
    mutable std::shared_ptr<const IdentityExport> exports;
    // Bearer mode only: why the token was refused.
    bool bearer = false;
    bool token_present = false;
    bool malformed_header = false;
    bool keys_unavailable = false;
    TokenStatus status = TokenStatus::Ok;
    std::string detail;
};

bool is_bearer_type(const char* type) { return type && !strcasecmp(type, kBearerAuthType); }
bool is_session_type(const char* type) { return type && !strcasecmp(type, kAuthType); }

Identity resolve_bearer(request_rec* r, const DirConfig* c) {
    Identity id;
    id.bearer = true;
    const char* header = apr_table_get(r->headers_in, "Authorization");
    const std::string token = bearer_token_of(header ? header : "");
    id.malformed_header = header && token.empty();
    if (token.empty()) return id;
    id.token_present = true;
    ServerConfig* s = server_config(r->server);
    auto verifier = bearer_verifier_for(c->provider, c->bearer_audience, http_options(s), clock_skew(s));
    SharedClaims claims;
    id.status = verifier->verify(token, request_now(r), &claims, &id.keys_unavailable, &id.detail);
    if (id.status == TokenStatus::Ok && !id.keys_unavailable) {
        id.claims = std::move(claims);
        id.bearer_token = token;
    }
    return id;
}

Identity resolve_session(request_rec* r, const DirConfig* c) {
    Identity id;
    if (current_session(r, c, &id.session) == SessionCheck::Ok)
        id.claims = SharedClaims(id.session, id.session->claims.get());  // no copy: shares the session
    return id;
}

// The request's identity under this location's AuthType; computed on first use.
const Identity& identity(request_rec* r, const DirConfig* c) {
    auto* cached = static_cast<Identity*>(ap_get_module_config(r->request_config, &ssoauth_module));
    if (cached) return *cached;
    auto* id = new Identity(is_bearer_type(ap_auth_type(r)) ? resolve_bearer(r, c) : resolve_session(r, c));
    owned_by_pool(r->pool, id);
    ap_set_module_config(r->request_config, &ssoauth_module, id);
    return *id;
}

// Whether this location can authenticate with the module; logs why not.
bool configured(request_rec* r, const DirConfig* c, const char* type) {
    const std::string missing = missing_settings(c, type);
    if (missing.empty()) return true;
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00020) "AuthType %s for %s but %s", type, r->uri,
                  missing.c_str());
    return false;
}

// REMOTE_USER, X-SSO-Claim-* headers and SSO_CLAIM_* variables. The client's
// own X-SSO-* headers were removed when the request was read. A session's
// exports are computed once and shared; the request only points at them (the
// Identity in request_config keeps them alive as long as the request).
int export_identity(request_rec* r, const DirConfig* c, const Identity& id) {
    const char* user_claim = c->remote_user_claim ? c->remote_user_claim : "sub";
    auto make = [&] { return make_identity_export(id.claims.get(), user_claim, pass_claims(c)); };
    if (id.session) {
        // The configuration that shaped the exports: same pointers, same list.
        const void* shape[2] = {c->pass_claims, c->remote_user_claim};
        id.exports = id.session->identity_export(std::string(reinterpret_cast<const char*>(shape), sizeof(shape)),
                                                 make);
    } else {
        id.exports = std::make_shared<const IdentityExport>(make());
    }
    const IdentityExport* exports = id.exports.get();  // lives with the request's Identity
    if (exports->remote_user.empty()) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      SSOLOGNO(00022) "the SSOAuthRemoteUserClaim claim '%s' is absent for this user", user_claim);
        return HTTP_FORBIDDEN;
    }
    r->user = const_cast<char*>(exports->remote_user.c_str());
    // A request read from the client has no X-SSO-* header left (post_read_request
    // removed them), so adding cannot duplicate; an internal redirect or a
    // subrequest shares tables that may already hold them, so it replaces.
    // (Internal redirects rename earlier variables REDIRECT_*: variables are always added.)
    const bool fresh = !r->prev && !r->main;
    for (const ClaimExport& claim : exports->claims) {
        if (fresh)
            apr_table_addn(r->headers_in, claim.header.c_str(), claim.value.c_str());
        else
            apr_table_setn(r->headers_in, claim.header.c_str(), claim.value.c_str());
        apr_table_addn(r->subprocess_env, claim.variable.c_str(), claim.value.c_str());
    }
    if (c->pass_access_token == 1 && !id.access_token().empty())
        apr_table_setn(r->headers_in, kAccessTokenHeader, id.access_token().c_str());
    return OK;
}

int unauthenticated(request_rec* r, const DirConfig* c) {
    const int action = c->unauth_action == kUnauthUnset ? kUnauthAuth : c->unauth_action;
    if (action == kUnauthPass) {
        r->user = const_cast<char*>("");  // through, with no identity
        return OK;
    }
    if (action == kUnauthAuth && is_navigation(r) && !r->main) {
        // OK means an error page was written (provider unreachable): the request is complete.
        const int status = begin_sign_in(r, c, safe_return_to(r->unparsed_uri ? r->unparsed_uri : "/"));
        return status == OK ? DONE : status;
    }
    return unauthenticated_json(r, c);
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
    send_body(r, status, "application/json", json_dump(body.get(), false) + "\n");
    return DONE;
}

int refuse_bearer(request_rec* r, const DirConfig* c, const Identity& id) {
    if (!id.token_present) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SSOLOGNO(00024) "no bearer token in the request");
        return bearer_failure(r, id.malformed_header ? "invalid_request" : nullptr, "a Bearer token is required",
                              HTTP_UNAUTHORIZED);
    }
    if (id.keys_unavailable) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SSOLOGNO(00025) "bearer token cannot be checked: provider %s: %s",
                      c->provider, id.detail.c_str());
        return bearer_failure(r, "temporarily_unavailable", "the identity provider cannot be reached",
                              HTTP_SERVICE_UNAVAILABLE);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00026) "bearer token rejected: %s",
                  token_status_name(id.status));
    return bearer_failure(r, "invalid_token", token_status_message(id.status), HTTP_UNAUTHORIZED);
}

int check_authn_impl(request_rec* r) {
    const char* type = ap_auth_type(r);
    if (!is_session_type(type) && !is_bearer_type(type)) return DECLINED;
    const DirConfig* c = dir_config(r);
    if (!configured(r, c, type)) return HTTP_INTERNAL_SERVER_ERROR;
    r->ap_auth_type = const_cast<char*>(is_bearer_type(type) ? kBearerAuthType : kAuthType);
    // The module's own endpoints answer even inside a protected location.
    if (is_session_type(type) && is_endpoint(r, c)) {
        r->user = const_cast<char*>("");
        return OK;
    }
    const Identity& id = identity(r, c);
    if (id.claims) return export_identity(r, c, id);
    return id.bearer ? refuse_bearer(r, c, id) : unauthenticated(r, c);
}

authz_status check_claims(request_rec* r, const Requirements& requirements) {
    const char* type = ap_auth_type(r);
    if (!is_session_type(type) && !is_bearer_type(type)) return AUTHZ_DENIED_NO_USER;
    const DirConfig* c = dir_config(r);
    // The module's own endpoints decide for themselves (sign-in must stay reachable).
    if (is_session_type(type) && is_endpoint(r, c)) return AUTHZ_GRANTED;
    if (!r->user && !configured(r, c, type)) return AUTHZ_DENIED_NO_USER;
    const Identity& id = identity(r, c);
    if (!id.claims) return AUTHZ_DENIED_NO_USER;  // authentication decides what happens
    for (const auto& requirement : requirements)
        if (requirement->matches(id.claims.get())) return r->user ? AUTHZ_GRANTED : AUTHZ_DENIED_NO_USER;
    // A signed-in user who lacks the claim. Refusing in httpd's userless pass
    // (before authentication) is what makes mod_authz_core answer 403, not 401.
    const std::string who = claim_value_text(find_claim(id.claims.get(), "sub"));
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00050) "user %s does not satisfy 'Require sso-claim %s'",
                  who.c_str(), requirements.empty() ? "" : requirements.front()->text().c_str());
    if (is_bearer_type(type))
        apr_table_set(r->err_headers_out, "WWW-Authenticate",
                      "Bearer error=\"insufficient_scope\", error_description=\"a required claim is missing\"");
    return AUTHZ_DENIED;
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
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00051) "removed client-supplied header %s", name.c_str());
    }
    return DECLINED;
}

authz_status check_sso_claim(request_rec* r, const char*, const void* parsed) {
    try {
        return check_claims(r, *static_cast<const Requirements*>(parsed));
    } catch (...) {
        return AUTHZ_GENERAL_ERROR;
    }
}

const char* parse_sso_claim(cmd_parms* cmd, const char* require_line, const void** parsed) {
    auto* requirements = owned_by_pool(cmd->pool, new Requirements());
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

}  // namespace httpd
}  // namespace ssoauth
