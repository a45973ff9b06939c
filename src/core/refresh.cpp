#include "core/refresh.h"

#include "core/base64url.h"
#include "core/claims.h"
#include "core/digest.h"

#include <thread>

namespace ssoauth {

namespace {

const char kPending[] = "pending";
const char kOkPrefix[] = "ok:";
const char kErrPrefix[] = "err:";

RefreshOutcome fail(RefreshError error, std::string detail) {
    RefreshOutcome o;
    o.error = error;
    o.detail = std::move(detail);
    return o;
}

}  // namespace

const char* refresh_error_name(RefreshError error) {
    switch (error) {
        case RefreshError::None: return "ok";
        case RefreshError::NoRefreshToken: return "no_refresh_token";
        case RefreshError::ProviderUnreachable: return "provider_unreachable";
        case RefreshError::Refused: return "refresh_refused";
        case RefreshError::InvalidIdToken: return "invalid_id_token";
        case RefreshError::SubjectChanged: return "subject_changed";
        case RefreshError::SessionEnded: return "session_ended";
        case RefreshError::Busy: return "refresh_busy";
    }
    return "refresh_failed";
}

bool needs_refresh(const Session& session, int64_t now, int64_t before) {
    return !session.refresh_token.empty() && session.access_token_expires_at != 0 &&
           now >= session.access_token_expires_at - before;
}

RefreshOutcome refresh_session(const ClientConfig& client, Provider& provider, const Session& current, int64_t now) {
    if (current.refresh_token.empty()) return fail(RefreshError::NoRefreshToken, "the session has no refresh token");
    std::string error;
    auto metadata = provider.metadata(now, &error);
    if (!metadata) return fail(RefreshError::ProviderUnreachable, "discovery failed: " + error);

    TokenResult result = provider.tokens().refresh(metadata->token_endpoint, client.credentials, current.refresh_token);
    if (result.status == TokenCallStatus::Unreachable)
        return fail(RefreshError::ProviderUnreachable, "token endpoint: " + result.detail);
    if (result.status != TokenCallStatus::Ok)
        return fail(RefreshError::Refused, "token endpoint answered " + std::to_string(result.http_status) +
                                               (result.error.empty() ? "" : " " + result.error) +
                                               (result.detail.empty() ? "" : ": " + result.detail));

    RefreshOutcome outcome;
    Session& s = outcome.session;
    s.issuer = current.issuer;
    s.client_id = current.client_id;
    s.subject = current.subject;
    s.sid = current.sid;
    s.claims = JsonPtr(json_deep_copy(current.claims.get()));
    s.id_token = current.id_token;
    s.created_at = current.created_at;
    s.expires_at = current.expires_at;
    s.last_seen = current.last_seen;
    s.access_token = result.tokens.access_token;
    s.refresh_token = result.tokens.refresh_token.empty() ? current.refresh_token : result.tokens.refresh_token;
    s.access_token_expires_at = result.tokens.expires_in >= 0 ? now + result.tokens.expires_in : 0;

    if (!result.tokens.id_token.empty()) {
        // OIDC Core 12.2: the same checks as at sign-in (no nonce), then iss/sub/aud/sid unchanged.
        IdTokenChecks checks;
        checks.claims.now = now;
        checks.claims.skew = client.clock_skew;
        checks.client_id = client.credentials.client_id;
        checks.access_token = s.access_token;
        Jwt jwt;
        TokenStatus status = provider.verify_id_token(result.tokens.id_token, *metadata, checks, &jwt, &error);
        if (status == TokenStatus::KeysUnavailable)
            return fail(RefreshError::ProviderUnreachable, "no signing keys: " + error);
        if (status != TokenStatus::Ok)
            return fail(RefreshError::InvalidIdToken, std::string("refreshed id_token rejected: ") +
                                                          token_status_name(status));
        if (json_string_member(jwt.payload.get(), "sub") != current.subject)
            return fail(RefreshError::SubjectChanged, "the refreshed id_token names another subject");
        const std::string sid = json_string_member(jwt.payload.get(), "sid");
        if (sid != current.sid)
            return fail(RefreshError::SessionEnded, current.sid.empty() ? "the refreshed id_token has a sid"
                                                                        : "the provider session has ended (sid changed)");
        merge_claims(s.claims.get(), jwt.payload.get());
        s.id_token = result.tokens.id_token;
    }
    return outcome;
}

SingleFlightRefresh::SingleFlightRefresh(SharedStore& store, const CookieSealer& sealer, int64_t grace_seconds,
                                         std::chrono::milliseconds wait, std::chrono::milliseconds poll, Sleep sleep)
    : store_(store), sealer_(sealer), grace_(grace_seconds), wait_(wait), poll_(poll), sleep_(std::move(sleep)) {
    if (!sleep_) sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

std::string SingleFlightRefresh::key_for(const std::string& refresh_token) {
    return "rf:" + base64url_encode(sha256(refresh_token));
}

RefreshOutcome SingleFlightRefresh::from_stored(const std::string& key, const std::string& value) const {
    if (value.compare(0, sizeof(kErrPrefix) - 1, kErrPrefix) == 0) {
        const std::string reason = value.substr(sizeof(kErrPrefix) - 1);
        RefreshOutcome o = fail(reason == refresh_error_name(RefreshError::Busy) ? RefreshError::Busy
                                                                                 : RefreshError::Refused,
                                "another request's refresh failed: " + reason);
        o.reused = true;
        return o;
    }
    auto plain = sealer_.open(value.substr(sizeof(kOkPrefix) - 1), key);
    auto session = plain ? Session::from_json(*plain) : std::nullopt;
    if (!session) return fail(RefreshError::Busy, "another request's refresh result does not open");
    RefreshOutcome o;
    o.session = std::move(*session);
    o.reused = true;
    return o;
}

RefreshOutcome SingleFlightRefresh::refresh(const ClientConfig& client, Provider& provider, const Session& current,
                                            int64_t now) {
    if (current.refresh_token.empty()) return fail(RefreshError::NoRefreshToken, "the session has no refresh token");
    const std::string key = key_for(current.refresh_token);
    const auto deadline = std::chrono::steady_clock::now() + wait_;
    bool lost_race = false;
    for (;;) {
        auto value = store_.get(key, now);
        if (!value) {
            if (store_.add(key, kPending, now + grace_, now)) break;  // this request does the grant
            if (lost_race)  // nothing stored and nothing storable: the store is full
                return fail(RefreshError::Busy,
                            "the shared store cannot hold the refresh marker (raise SSOAuthSharedStoreEntries); "
                            "not refreshing without single-flight, which could revoke the user's tokens");
            lost_race = true;  // another request may have just added it: read again
            continue;
        }
        if (*value != kPending) return from_stored(key, *value);
        if (std::chrono::steady_clock::now() >= deadline)
            return fail(RefreshError::Busy, "waited too long for another request's refresh");
        sleep_(poll_);
    }

    RefreshOutcome outcome = refresh_session(client, provider, current, now);
    if (outcome.ok()) {
        std::string sealed = sealer_.seal(outcome.session.to_json(), key);
        if (sealed.empty() || !store_.put(key, kOkPrefix + sealed, now + grace_, now)) {
            // Waiters must never retry with the refresh token just used (the provider would
            // revoke every token of the user): they get a transient "busy" instead.
            store_.put(key, kErrPrefix + std::string(refresh_error_name(RefreshError::Busy)), now + grace_, now);
            outcome.detail = "the refreshed session does not fit the shared store (raise SSOAuthSharedStoreValueBytes); "
                             "concurrent requests will sign in again";
        }
    } else if (outcome.error == RefreshError::ProviderUnreachable) {
        store_.remove(key);  // nothing was consumed: a later request may try again
    } else {
        store_.put(key, kErrPrefix + std::string(refresh_error_name(outcome.error)), now + grace_, now);
    }
    return outcome;
}

}  // namespace ssoauth
