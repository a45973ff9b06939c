// Authentication and authorization hooks: AuthType SSOAuth (session cookie)
// and SSOAuthBearer (JWT access token), the identity handed to backends,
// `Require sso-claim`, and the removal of client-supplied X-SSO-* headers.
#include "core/bearer.h"
#include "core/claim_requirement.h"
#include "core/claims.h"
#include "core/module_cookies.h"
#include "core/request_policy.h"
#include "core/return_to.h"
#include "httpd/flow.h"
#include "httpd/guard.h"
#include "httpd/hooks.h"
#include "httpd/log.h"
#include "httpd/request.h"
#include "httpd/respond.h"

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
    // Session mode: what the session gate decided.
    SessionVerdict verdict = SessionVerdict::Absent;
    // Bearer mode only: why the token was refused.
    bool bearer = false;
    BearerRefusal refusal;
};

bool is_bearer_type(const char* type) { return type && !strcasecmp(type, kBearerAuthType); }
bool is_session_type(const char* type) { return type && !strcasecmp(type, kAuthType); }

Identity resolve_bearer(request_rec* r, const DirConfig* c) {
    Identity id;
    id.bearer = true;
    BearerCredential credential = read_bearer_credential(apr_table_get(r->headers_in, "Authorization"));
    id.refusal.malformed_header = credential.malformed;
    if (credential.token.empty()) return id;
    id.refusal.token_present = true;
    ServerConfig* s = server_config(r->server);
    auto verifier = bearer_verifier_for(c->provider, c->bearer_audience, http_options(s), clock_skew(s));
    SharedClaims claims;
    id.refusal.status = verifier->verify(credential.token, request_now(r), &claims, &id.refusal.detail);
    if (id.refusal.status == TokenStatus::Ok) {
        id.claims = std::move(claims);
        id.bearer_token = std::move(credential.token);
    }
    return id;
}

Identity resolve_session(request_rec* r, const DirConfig* c) {
    Identity id;
    SessionResult result = current_session(r, c);
    id.verdict = result.verdict;
    if (result.valid()) {
        id.session = std::move(result.session);
        id.claims = SharedClaims(id.session, id.session->claims.get());  // no copy: shares the session
    }
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

// Whether this location can authenticate with the module; logs why not (the
// 500 that respond_misconfigured returns is check_authn's answer).
bool configured(request_rec* r, const DirConfig* c, const char* type) {
    // On every request: a mask test; the table walk and the message only when something lacks
    // (saves ~400 instructions per protected request).
    static const unsigned session_needs = requirement_of(kAuthType)->needed;
    static const unsigned bearer_needs = requirement_of(kBearerAuthType)->needed;
    const unsigned needed = is_bearer_type(type) ? bearer_needs : session_needs;
    if ((present_settings(c) & needed) == needed) return true;
    respond_misconfigured(r, type, missing_settings(c, type));
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

// Once the module has read its cookies, the backend (a proxy, CGI's
// HTTP_COOKIE) gets the Cookie header without them: the sealed session and
// the sign-in attempts are the module's alone. The header as it came stays
// readable by an internal redirect or a subrequest that authenticates again.
void strip_module_cookies(request_rec* r, const DirConfig* c) {
    if (c->strip_cookies == 0) return;
    static const std::string default_prefix = CookieSettings().prefix;
    std::string joined;
    const std::string_view header = current_cookie_header(r, &joined);
    if (header.empty()) return;
    const auto rest = without_module_cookies(header, c->cookie_prefix ? c->cookie_prefix : default_prefix);
    if (!rest) return;  // none of the module's: the header stays as it is
    // One Cookie header: its value, which stays in the pool after the unset
    // (no copy of a sealed session per request); several: their join.
    keep_original_cookie_header(r, joined.empty() ? header.data()
                                                  : apr_pstrmemdup(r->pool, joined.data(), joined.size()));
    apr_table_unset(r->headers_in, "Cookie");
    if (!rest->empty()) apr_table_setn(r->headers_in, "Cookie", apr_pstrmemdup(r->pool, rest->data(), rest->size()));
}

int unauthenticated(request_rec* r, const DirConfig* c) {
    const UnauthResponse how = unauthenticated_response(unauth_action(c), is_navigation(r), r->main != nullptr);
    if (how == UnauthResponse::StartSignIn)
        return begin_sign_in(r, c, safe_return_to(r->unparsed_uri ? r->unparsed_uri : "/"));
    return respond_unauthenticated(r, c, how);
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
    int status;
    if (id.claims) status = export_identity(r, c, id);
    else if (id.bearer) status = respond_bearer_refused(r, c, id.refusal);
    // A store that cannot be read is never taken as "not revoked", nor as "signed out".
    else if (id.verdict == SessionVerdict::StoreUnavailable) status = respond_store_unavailable(r);
    else status = unauthenticated(r, c);
    if (status == OK) strip_module_cookies(r, c);  // through to the backend
    return status;
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
    note_claim_refused(r, is_bearer_type(type), claim_value_text(find_claim(id.claims.get(), "sub")),
                       requirements.empty() ? "" : requirements.front()->text());
    return AUTHZ_DENIED;
}

}  // namespace

int check_authn(request_rec* r) { return guarded(r, "authentication", check_authn_impl); }

namespace {

// A client naming X-SSO-* in Connection would have a proxy (mod_proxy_http)
// delete the module's own headers as hop-by-hop; its other tokens stay.
void strip_reserved_connection_tokens(request_rec* r) {
    const char* connection = apr_table_get(r->headers_in, "Connection");
    if (!connection) return;
    const auto kept = without_reserved_tokens(connection);
    if (!kept) return;
    apr_table_unset(r->headers_in, "Connection");
    if (!kept->empty()) apr_table_set(r->headers_in, "Connection", kept->c_str());
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  SSOLOGNO(00150) "removed client-supplied X-SSO-* names from the Connection header");
}

}  // namespace

namespace {

int strip_reserved_headers_impl(request_rec* r) {
    // Every X-SSO-* header (any case, '-' or '_') a client sent is removed
    // before any handler, CGI or proxy can see it: only the module sets them.
    for (const auto& name : reserved_header_names(r->headers_in)) {
        apr_table_unset(r->headers_in, name.c_str());
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SSOLOGNO(00051) "removed client-supplied header %s", name.c_str());
    }
    strip_reserved_connection_tokens(r);
    guard_trailers(r);
    return DECLINED;
}

}  // namespace

// Guarded like every hook: a failure here refuses the request (500), it never
// lets a client's X-SSO-* header through.
int strip_reserved_headers(request_rec* r) { return guarded(r, "removing client X-SSO-* headers", strip_reserved_headers_impl); }

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
