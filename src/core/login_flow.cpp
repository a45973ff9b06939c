#include "core/login_flow.h"

#include "core/claims.h"
#include "core/pkce.h"
#include "core/random.h"
#include "core/session_cache.h"

#include <openssl/crypto.h>

#include <algorithm>

namespace ssoauth {

namespace {

const char kStateInfix[] = "_state_";

bool constant_time_equal(const std::string& a, const std::string& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The provider's error code as we may echo it: [A-Za-z0-9_.-], at most 64 bytes.
std::string sanitize_error_code(const std::string& code) {
    std::string out;
    for (char c : code.substr(0, 64))
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '-' || c == '.')
            out += c;
    return out.empty() ? "provider_error" : out;
}

CallbackOutcome fail(CallbackOutcome outcome, CallbackError error, std::string detail) {
    outcome.error = error;
    outcome.error_code = callback_error_code(error);
    outcome.detail = std::move(detail);
    return outcome;
}


}  // namespace

const char* callback_error_code(CallbackError error) {
    switch (error) {
        case CallbackError::None: return "ok";
        case CallbackError::ProviderError: return "provider_error";
        case CallbackError::StateMismatch: return "state_mismatch";
        case CallbackError::NoCode: return "no_code";
        case CallbackError::IssuerMismatch: return "callback_failed";
        case CallbackError::TokenExchange: return "token_exchange";
        case CallbackError::InvalidIdToken: return "invalid_id_token";
        case CallbackError::ProviderUnreachable: return "provider_unreachable";
        case CallbackError::CallbackFailed: return "callback_failed";
    }
    return "callback_failed";
}

std::string AuthAttempt::to_json() const {
    JsonPtr doc(json_object());
    json_object_set_new(doc.get(), "s", json_string(state.c_str()));
    json_object_set_new(doc.get(), "n", json_string(nonce.c_str()));
    json_object_set_new(doc.get(), "v", json_string(code_verifier.c_str()));
    json_object_set_new(doc.get(), "r", json_string(return_to.c_str()));
    json_object_set_new(doc.get(), "t", json_integer(created_at));
    return json_dump(doc.get());
}

std::optional<AuthAttempt> AuthAttempt::from_json(const std::string& text) {
    JsonPtr doc = json_parse(text);
    if (!doc || !json_is_object(doc.get()) || !json_is_integer(json_object_get(doc.get(), "t")))
        return std::nullopt;
    AuthAttempt a;
    a.state = json_string_member(doc.get(), "s");
    a.nonce = json_string_member(doc.get(), "n");
    a.code_verifier = json_string_member(doc.get(), "v");
    a.return_to = json_string_member(doc.get(), "r");
    a.created_at = json_integer_value(json_object_get(doc.get(), "t"));
    if (a.state.empty() || a.nonce.empty() || a.code_verifier.empty()) return std::nullopt;
    return a;
}

// The provider's redirect back is a cross-site navigation: a Strict state
// cookie would not come with it, so attempts are at most Lax.
CookieSettings state_cookie_settings(const CookieSettings& settings) {
    CookieSettings s = settings;
    if (s.same_site == "Strict") s.same_site = "Lax";
    return s;
}

std::string state_cookie_name(const CookieSettings& settings, const std::string& state) {
    return settings.prefix + kStateInfix + state.substr(0, 16);
}

namespace {

LoginStart login_failed(LoginError error, std::string detail) {
    LoginStart start;
    start.error = error;
    start.detail = std::move(detail);
    return start;
}

// Other tabs' pending attempts: Set-Cookie values that drop the expired or
// unreadable ones, and the oldest beyond kMaxPendingAttempts - 1 so a new one fits.
std::vector<std::string> evict_pending_attempts(const LoginRequest& request) {
    const std::string state_prefix = request.cookies.prefix + kStateInfix;
    const CookieSettings settings = state_cookie_settings(request.cookies);
    std::vector<std::pair<int64_t, std::string>> pending;
    std::vector<std::string> deletions;
    for (const auto& cookie : request.request_cookies) {
        if (cookie.first.compare(0, state_prefix.size(), state_prefix) != 0) continue;
        auto plain = request.sealer.open(cookie.second, cookie.first);
        auto other = plain ? AuthAttempt::from_json(*plain) : std::nullopt;
        if (!other || request.now - other->created_at > kAuthAttemptLifetime)
            deletions.push_back(set_cookie_header(cookie.first, "", settings, 0));
        else
            pending.emplace_back(other->created_at, cookie.first);
    }
    std::sort(pending.begin(), pending.end());
    for (size_t i = 0; i + (kMaxPendingAttempts - 1) < pending.size(); ++i)
        deletions.push_back(set_cookie_header(pending[i].second, "", settings, 0));
    return deletions;
}

}  // namespace

LoginStart start_login(const LoginRequest& request, Provider& provider) {
    std::string error;
    auto metadata = provider.metadata(request.now, &error);
    if (!metadata) return login_failed(LoginError::ProviderUnreachable, "provider " + provider.issuer() + ": " + error);
    return start_login(request, *metadata);
}

LoginStart start_login(const LoginRequest& request, const ProviderMetadata& metadata) {
    AuthAttempt attempt;
    attempt.state = random_token(request.random, 32);
    attempt.nonce = random_token(request.random, 32);
    attempt.code_verifier = make_code_verifier(request.random);
    attempt.return_to = request.return_to;
    attempt.created_at = request.now;
    if (attempt.state.empty() || attempt.nonce.empty() || attempt.code_verifier.empty())
        return login_failed(LoginError::Internal, "the random generator failed");
    const std::string name = state_cookie_name(request.cookies, attempt.state);
    const std::string sealed = request.sealer.seal(attempt.to_json(), name, request.random);
    if (sealed.empty()) return login_failed(LoginError::Internal, "sealing the state cookie failed");

    LoginStart start;
    start.set_cookies = evict_pending_attempts(request);
    start.set_cookies.push_back(
        set_cookie_header(name, sealed, state_cookie_settings(request.cookies), kAuthAttemptLifetime));
    const ClientConfig& client = request.client;
    start.authorize_url = append_query(
        metadata.authorization_endpoint,
        form_encode({{"response_type", "code"},
                     {"client_id", client.credentials.client_id},
                     {"redirect_uri", client.redirect_uri},
                     {"scope", client.scope},
                     {"state", attempt.state},
                     {"nonce", attempt.nonce},
                     {"code_challenge", s256_challenge(attempt.code_verifier)},
                     {"code_challenge_method", "S256"}}));
    return start;
}

namespace {

// One callback on its way through the steps. Each step returns false when it
// failed, with `outcome` saying why.
struct Callback {
    const ClientConfig& client;
    Provider& provider;
    const QueryParams& params;
    const CookieMap& request_cookies;
    const CookieSealer& sealer;
    const CookieSettings& settings;
    const int64_t now;
    CallbackOutcome outcome;
    AuthAttempt attempt;
    std::shared_ptr<const ProviderMetadata> metadata;
    TokenSet tokens;
    Session session;

    bool fail(CallbackError error, std::string detail) {
        outcome = ssoauth::fail(std::move(outcome), error, std::move(detail));
        return false;
    }
};

// 1. The attempt this callback belongs to. Its cookie is deleted whatever
//    happens next, so the same state can never be used twice.
bool find_attempt(Callback& cb) {
    std::string state;
    if (!single_param(cb.params, "state", &state) || state.empty())
        return cb.fail(CallbackError::StateMismatch, cb.params.count("state")
                                                         ? "the state parameter is duplicated or empty"
                                                         : "the state parameter is missing");
    const std::string cookie_name = state_cookie_name(cb.settings, state);
    auto cookie = cb.request_cookies.find(cookie_name);
    if (cookie == cb.request_cookies.end())
        return cb.fail(CallbackError::StateMismatch,
                       "no state cookie for this state (already used, expired, or another browser)");
    cb.outcome.set_cookies.push_back(set_cookie_header(cookie_name, "", state_cookie_settings(cb.settings), 0));
    auto plain = cb.sealer.open(cookie->second, cookie_name);
    auto attempt = plain ? AuthAttempt::from_json(*plain) : std::nullopt;
    if (!attempt) return cb.fail(CallbackError::StateMismatch, "the state cookie does not open");
    if (!constant_time_equal(attempt->state, state))
        return cb.fail(CallbackError::StateMismatch, "the state does not match its cookie");
    if (cb.now - attempt->created_at > kAuthAttemptLifetime || attempt->created_at > cb.now + cb.client.clock_skew)
        return cb.fail(CallbackError::StateMismatch, "the sign-in attempt expired");
    cb.attempt = std::move(*attempt);
    cb.outcome.steps.push_back("state matches its sealed cookie (attempt " +
                               std::to_string(cb.now - cb.attempt.created_at) + " s old)");
    return true;
}

// 2. The provider's own refusal.
bool check_provider_error(Callback& cb) {
    if (!cb.params.count("error")) return true;
    std::string provider_error;
    single_param(cb.params, "error", &provider_error);
    const std::string code = sanitize_error_code(provider_error);
    cb.fail(CallbackError::ProviderError, "the provider answered error=" + code);
    cb.outcome.error_code = code;
    return false;
}

// 3. Mix-up defence (RFC 9207).
bool check_issuer(Callback& cb) {
    std::string error;
    cb.metadata = cb.provider.metadata(cb.now, &error);
    if (!cb.metadata) return cb.fail(CallbackError::ProviderUnreachable, "discovery failed: " + error);
    std::string iss;
    const bool iss_given = cb.params.count("iss") > 0;
    if (iss_given && (!single_param(cb.params, "iss", &iss) || iss != cb.client.issuer))
        return cb.fail(CallbackError::IssuerMismatch, "the iss parameter is not the configured issuer");
    if (!iss_given && cb.metadata->authorization_response_iss_parameter_supported)
        return cb.fail(CallbackError::IssuerMismatch,
                       "the iss parameter is missing although the provider advertises it");
    cb.outcome.steps.push_back(iss_given ? "iss parameter is the configured issuer (RFC 9207)"
                                         : "no iss parameter (the provider does not advertise it)");
    return true;
}

// 4. Code exchange with the PKCE verifier.
bool exchange_code(Callback& cb) {
    std::string code;
    if (!single_param(cb.params, "code", &code) || code.empty())
        return cb.fail(CallbackError::NoCode, "the code parameter is missing, empty or duplicated");
    TokenResult result = cb.provider.tokens().exchange_code(cb.metadata->token_endpoint, cb.client.credentials, code,
                                                            cb.client.redirect_uri, cb.attempt.code_verifier);
    if (result.status == TokenCallStatus::Unreachable)
        return cb.fail(CallbackError::ProviderUnreachable, "token endpoint: " + result.detail);
    if (result.status != TokenCallStatus::Ok)
        return cb.fail(CallbackError::TokenExchange,
                       "token endpoint answered " + std::to_string(result.http_status) +
                           (result.error.empty() ? "" : " " + result.error) +
                           (result.error_description.empty() ? "" : " (" + result.error_description + ")") +
                           (result.detail.empty() ? "" : ": " + result.detail));
    if (result.tokens.id_token.empty())
        return cb.fail(CallbackError::InvalidIdToken, "the token response has no id_token");
    cb.tokens = std::move(result.tokens);
    cb.outcome.steps.push_back(std::string("code exchanged with the PKCE verifier; received ") +
                               (cb.tokens.refresh_token.empty() ? "no refresh token" : "a refresh token") +
                               ", access token lifetime " + std::to_string(cb.tokens.expires_in) + " s");
    return true;
}

// 5. The id_token (OpenID Connect Core 3.1.3.7); the session starts from its claims.
bool verify_id_token(Callback& cb) {
    IdTokenChecks checks;
    checks.claims.now = cb.now;
    checks.claims.skew = cb.client.clock_skew;
    checks.client_id = cb.client.credentials.client_id;
    checks.nonce = cb.attempt.nonce;
    checks.access_token = cb.tokens.access_token;
    Jwt jwt;
    std::string error;
    TokenStatus status = cb.provider.verify_id_token(cb.tokens.id_token, *cb.metadata, checks, &jwt, &error);
    if (status == TokenStatus::KeysUnavailable)
        return cb.fail(CallbackError::ProviderUnreachable, "no signing keys: " + error);
    if (status != TokenStatus::Ok)
        return cb.fail(CallbackError::InvalidIdToken, std::string("id_token rejected: ") +
                                                          token_status_name(status) + " (" +
                                                          token_status_message(status) + ")");
    cb.outcome.steps.push_back("id_token verified: alg " + jwt.alg + ", kid " + (jwt.kid.empty() ? "(none)" : jwt.kid) +
                               "; iss, aud, exp, iat, nonce" +
                               (json_object_get(jwt.payload.get(), "at_hash") ? ", at_hash" : "") + " checked");
    cb.session.issuer = cb.client.issuer;
    cb.session.client_id = cb.client.credentials.client_id;
    cb.session.subject = json_string_member(jwt.payload.get(), "sub");
    cb.session.sid = json_string_member(jwt.payload.get(), "sid");
    cb.session.claims = JsonPtr(json_object());
    merge_claims(cb.session.claims.get(), jwt.payload.get());
    return true;
}

// 6. Userinfo: Better Auth keeps email and name there.
bool merge_userinfo(Callback& cb) {
    if (cb.metadata->userinfo_endpoint.empty()) return true;
    UserinfoResult info = cb.provider.tokens().userinfo(cb.metadata->userinfo_endpoint, cb.tokens.access_token);
    if (info.status == TokenCallStatus::Unreachable)
        return cb.fail(CallbackError::ProviderUnreachable, "userinfo endpoint: " + info.detail);
    if (info.status != TokenCallStatus::Ok)
        return cb.fail(CallbackError::CallbackFailed,
                       "userinfo answered " + std::to_string(info.http_status) + ": " + info.detail);
    if (json_string_member(info.claims.get(), "sub") != cb.session.subject)
        return cb.fail(CallbackError::CallbackFailed, "userinfo sub differs from the id_token's sub");
    merge_claims(cb.session.claims.get(), info.claims.get());
    cb.outcome.steps.push_back("userinfo merged: " + std::to_string(json_object_size(info.claims.get())) +
                               " claims, sub matches the id_token");
    return true;
}

// 7. The session cookie.
bool seal_new_session(Callback& cb) {
    Session& session = cb.session;
    session.id_token = cb.tokens.id_token;
    session.access_token = cb.tokens.access_token;
    session.refresh_token = cb.tokens.refresh_token;
    if (cb.tokens.expires_in >= 0) session.access_token_expires_at = cb.now + cb.tokens.expires_in;
    session.created_at = cb.now;
    session.expires_at = cb.now + cb.client.session_max_age;
    std::vector<std::string> cookies = seal_session(session, cb.settings, cb.sealer, cb.request_cookies);
    if (cookies.empty()) return cb.fail(CallbackError::CallbackFailed, "the session is too large for its cookies");
    cb.outcome.set_cookies.insert(cb.outcome.set_cookies.end(), cookies.begin(), cookies.end());
    cb.outcome.steps.push_back("session sealed into " + std::to_string(cookies.size()) + " Set-Cookie header(s)");
    cb.outcome.redirect_to = cb.attempt.return_to.empty() ? "/" : cb.attempt.return_to;
    cb.outcome.subject = session.subject;
    return true;
}

}  // namespace

CallbackOutcome handle_callback(const ClientConfig& client, Provider& provider, const QueryParams& params,
                                const CookieMap& request_cookies, const CookieSealer& sealer,
                                const CookieSettings& settings, int64_t now) {
    Callback cb{client, provider, params, request_cookies, sealer, settings, now, {}, {}, {}, {}, {}};
    find_attempt(cb) && check_provider_error(cb) && check_issuer(cb) && exchange_code(cb) && verify_id_token(cb) &&
        merge_userinfo(cb) && seal_new_session(cb);
    return std::move(cb.outcome);
}

}  // namespace ssoauth
