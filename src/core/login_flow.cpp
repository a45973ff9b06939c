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

bool start_login(const ClientConfig& client, const ProviderMetadata& metadata, const std::string& return_to,
                 const CookieMap& request_cookies, const CookieSealer& sealer, const CookieSettings& settings,
                 RandomSource& random, int64_t now, LoginStart* out, std::string* error) {
    AuthAttempt attempt;
    attempt.state = random_token(random, 32);
    attempt.nonce = random_token(random, 32);
    attempt.code_verifier = make_code_verifier(random);
    attempt.return_to = return_to;
    attempt.created_at = now;
    if (attempt.state.empty() || attempt.nonce.empty() || attempt.code_verifier.empty()) {
        if (error) *error = "the random generator failed";
        return false;
    }
    const std::string name = state_cookie_name(settings, attempt.state);
    const std::string sealed = sealer.seal(attempt.to_json(), name, random);
    if (sealed.empty()) {
        if (error) *error = "sealing the state cookie failed";
        return false;
    }

    // Other tabs' pending attempts: drop expired or unreadable ones, and the
    // oldest beyond kMaxPendingAttempts - 1 so this one fits.
    const std::string state_prefix = settings.prefix + kStateInfix;
    std::vector<std::pair<int64_t, std::string>> pending;
    out->set_cookies.clear();
    for (const auto& cookie : request_cookies) {
        if (cookie.first.compare(0, state_prefix.size(), state_prefix) != 0) continue;
        auto plain = sealer.open(cookie.second, cookie.first);
        auto other = plain ? AuthAttempt::from_json(*plain) : std::nullopt;
        if (!other || now - other->created_at > kAuthAttemptLifetime)
            out->set_cookies.push_back(set_cookie_header(cookie.first, "", state_cookie_settings(settings), 0));
        else
            pending.emplace_back(other->created_at, cookie.first);
    }
    std::sort(pending.begin(), pending.end());
    for (size_t i = 0; i + (kMaxPendingAttempts - 1) < pending.size(); ++i)
        out->set_cookies.push_back(set_cookie_header(pending[i].second, "", state_cookie_settings(settings), 0));
    out->set_cookies.push_back(set_cookie_header(name, sealed, state_cookie_settings(settings), kAuthAttemptLifetime));

    out->authorize_url = append_query(
        metadata.authorization_endpoint,
        form_encode({{"response_type", "code"},
                     {"client_id", client.credentials.client_id},
                     {"redirect_uri", client.redirect_uri},
                     {"scope", client.scope},
                     {"state", attempt.state},
                     {"nonce", attempt.nonce},
                     {"code_challenge", s256_challenge(attempt.code_verifier)},
                     {"code_challenge_method", "S256"}}));
    return true;
}

CallbackOutcome handle_callback(const ClientConfig& client, Provider& provider, const QueryParams& params,
                                const CookieMap& request_cookies, const CookieSealer& sealer,
                                const CookieSettings& settings, int64_t now) {
    CallbackOutcome outcome;

    // 1. The attempt this callback belongs to. Its cookie is deleted whatever
    //    happens next, so the same state can never be used twice.
    std::string state;
    if (!single_param(params, "state", &state) || state.empty())
        return fail(outcome, CallbackError::StateMismatch,
                    params.count("state") ? "the state parameter is duplicated or empty"
                                          : "the state parameter is missing");
    const std::string cookie_name = state_cookie_name(settings, state);
    auto cookie = request_cookies.find(cookie_name);
    if (cookie != request_cookies.end())
        outcome.set_cookies.push_back(set_cookie_header(cookie_name, "", state_cookie_settings(settings), 0));

    std::string provider_error;
    const bool has_error = params.count("error") > 0;
    if (has_error) single_param(params, "error", &provider_error);

    if (cookie == request_cookies.end())
        return fail(outcome, CallbackError::StateMismatch,
                    "no state cookie for this state (already used, expired, or another browser)");
    auto plain = sealer.open(cookie->second, cookie_name);
    auto attempt = plain ? AuthAttempt::from_json(*plain) : std::nullopt;
    if (!attempt) return fail(outcome, CallbackError::StateMismatch, "the state cookie does not open");
    if (!constant_time_equal(attempt->state, state))
        return fail(outcome, CallbackError::StateMismatch, "the state does not match its cookie");
    if (now - attempt->created_at > kAuthAttemptLifetime || attempt->created_at > now + client.clock_skew)
        return fail(outcome, CallbackError::StateMismatch, "the sign-in attempt expired");
    outcome.steps.push_back("state matches its sealed cookie (attempt " + std::to_string(now - attempt->created_at) +
                            " s old)");

    // 2. The provider's own refusal.
    if (has_error) {
        outcome = fail(outcome, CallbackError::ProviderError, "the provider answered error=" +
                                                                  sanitize_error_code(provider_error));
        outcome.error_code = sanitize_error_code(provider_error);
        return outcome;
    }

    // 3. Mix-up defence (RFC 9207).
    std::string error;
    auto metadata = provider.metadata(now, &error);
    if (!metadata) return fail(outcome, CallbackError::ProviderUnreachable, "discovery failed: " + error);
    std::string iss;
    const bool iss_given = params.count("iss") > 0;
    if (iss_given && (!single_param(params, "iss", &iss) || iss != client.issuer))
        return fail(outcome, CallbackError::IssuerMismatch, "the iss parameter is not the configured issuer");
    if (!iss_given && metadata->authorization_response_iss_parameter_supported)
        return fail(outcome, CallbackError::IssuerMismatch,
                    "the iss parameter is missing although the provider advertises it");

    outcome.steps.push_back(iss_given ? "iss parameter is the configured issuer (RFC 9207)"
                                      : "no iss parameter (the provider does not advertise it)");
    std::string code;
    if (!single_param(params, "code", &code) || code.empty())
        return fail(outcome, CallbackError::NoCode, "the code parameter is missing, empty or duplicated");

    // 4. Code exchange with the PKCE verifier.
    TokenResult tokens = provider.tokens().exchange_code(metadata->token_endpoint, client.credentials, code,
                                                         client.redirect_uri, attempt->code_verifier);
    if (tokens.status == TokenCallStatus::Unreachable)
        return fail(outcome, CallbackError::ProviderUnreachable, "token endpoint: " + tokens.detail);
    if (tokens.status != TokenCallStatus::Ok)
        return fail(outcome, CallbackError::TokenExchange,
                    "token endpoint answered " + std::to_string(tokens.http_status) +
                        (tokens.error.empty() ? "" : " " + tokens.error) +
                        (tokens.error_description.empty() ? "" : " (" + tokens.error_description + ")") +
                        (tokens.detail.empty() ? "" : ": " + tokens.detail));
    if (tokens.tokens.id_token.empty())
        return fail(outcome, CallbackError::InvalidIdToken, "the token response has no id_token");
    outcome.steps.push_back(std::string("code exchanged with the PKCE verifier; received ") +
                            (tokens.tokens.refresh_token.empty() ? "no refresh token" : "a refresh token") +
                            ", access token lifetime " + std::to_string(tokens.tokens.expires_in) + " s");

    // 5. The id_token (OpenID Connect Core 3.1.3.7).
    IdTokenChecks checks;
    checks.claims.now = now;
    checks.claims.skew = client.clock_skew;
    checks.client_id = client.credentials.client_id;
    checks.nonce = attempt->nonce;
    checks.access_token = tokens.tokens.access_token;
    Jwt jwt;
    bool keys_unavailable = false;
    TokenStatus status =
        provider.verify_id_token(tokens.tokens.id_token, *metadata, checks, &jwt, &keys_unavailable, &error);
    if (keys_unavailable) return fail(outcome, CallbackError::ProviderUnreachable, "no signing keys: " + error);
    if (status != TokenStatus::Ok)
        return fail(outcome, CallbackError::InvalidIdToken,
                    std::string("id_token rejected: ") + token_status_name(status) + " (" +
                        token_status_message(status) + ")");

    outcome.steps.push_back("id_token verified: alg " + jwt.alg + ", kid " + (jwt.kid.empty() ? "(none)" : jwt.kid) +
                            "; iss, aud, exp, iat, nonce" +
                            (json_object_get(jwt.payload.get(), "at_hash") ? ", at_hash" : "") + " checked");
    Session session;
    session.issuer = client.issuer;
    session.client_id = client.credentials.client_id;
    session.subject = json_string_member(jwt.payload.get(), "sub");
    session.sid = json_string_member(jwt.payload.get(), "sid");
    session.claims = JsonPtr(json_object());
    merge_claims(session.claims.get(), jwt.payload.get());

    // 6. Userinfo: Better Auth keeps email and name there.
    if (!metadata->userinfo_endpoint.empty()) {
        UserinfoResult info = provider.tokens().userinfo(metadata->userinfo_endpoint, tokens.tokens.access_token);
        if (info.status == TokenCallStatus::Unreachable)
            return fail(outcome, CallbackError::ProviderUnreachable, "userinfo endpoint: " + info.detail);
        if (info.status != TokenCallStatus::Ok)
            return fail(outcome, CallbackError::CallbackFailed,
                        "userinfo answered " + std::to_string(info.http_status) + ": " + info.detail);
        if (json_string_member(info.claims.get(), "sub") != session.subject)
            return fail(outcome, CallbackError::CallbackFailed, "userinfo sub differs from the id_token's sub");
        merge_claims(session.claims.get(), info.claims.get());
        outcome.steps.push_back("userinfo merged: " + std::to_string(json_object_size(info.claims.get())) +
                                " claims, sub matches the id_token");
    }

    // 7. The session cookie.
    session.id_token = tokens.tokens.id_token;
    session.access_token = tokens.tokens.access_token;
    session.refresh_token = tokens.tokens.refresh_token;
    if (tokens.tokens.expires_in >= 0) session.access_token_expires_at = now + tokens.tokens.expires_in;
    session.created_at = now;
    session.expires_at = now + client.session_max_age;
    std::vector<std::string> cookies = seal_session(session, settings, sealer, request_cookies);
    if (cookies.empty())
        return fail(outcome, CallbackError::CallbackFailed, "the session is too large for its cookies");
    outcome.set_cookies.insert(outcome.set_cookies.end(), cookies.begin(), cookies.end());
    outcome.steps.push_back("session sealed into " + std::to_string(cookies.size()) + " Set-Cookie header(s)");
    outcome.redirect_to = attempt->return_to.empty() ? "/" : attempt->return_to;
    outcome.subject = session.subject;
    return outcome;
}

}  // namespace ssoauth
