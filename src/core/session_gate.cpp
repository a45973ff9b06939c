#include "core/session_gate.h"

#include "core/logout.h"
#include "core/session_cookies.h"

#include <algorithm>
#include <optional>

namespace ssoauth {

namespace {

// A provider that is down or busy, or a session without a refresh token,
// consumed nothing: the cookie stays for a later try.
bool is_transient(RefreshError error) {
    return error == RefreshError::ProviderUnreachable || error == RefreshError::Busy ||
           error == RefreshError::NoRefreshToken;
}

// The full cookie map is built only when cookies have to be written.
CookieMap cookie_map(std::string_view header) { return parse_cookie_header(std::string(header)); }

}  // namespace

const char* session_verdict_name(SessionVerdict verdict) {
    switch (verdict) {
        case SessionVerdict::Ok: return "ok";
        case SessionVerdict::Refreshed: return "refreshed";
        case SessionVerdict::Absent: return "absent";
        case SessionVerdict::Invalid: return "invalid";
        case SessionVerdict::Expired: return "expired";
        case SessionVerdict::Inactive: return "inactive";
        case SessionVerdict::Revoked: return "revoked";
        case SessionVerdict::RefreshDeferred: return "refresh_deferred";
        case SessionVerdict::RefreshFailed: return "refresh_failed";
        case SessionVerdict::TooLarge: return "too_large";
        case SessionVerdict::StoreUnavailable: return "store_unavailable";
    }
    return "invalid";
}

int64_t inactivity_touch_interval(int64_t idle) { return std::min<int64_t>(60, std::max<int64_t>(1, idle / 4)); }

SessionResult SessionGate::end(SessionVerdict verdict, std::string reason, std::string_view cookie_header) const {
    SessionResult result;
    result.verdict = verdict;
    result.reason = std::move(reason);
    if (verdict != SessionVerdict::RefreshDeferred)
        result.set_cookies = clear_session_cookies(cookie_map(cookie_header), cookies);
    return result;
}

SessionResult SessionGate::check(std::string_view cookie_header, int64_t now, bool force_refresh) const {
    // The hot path looks at the session cookie only.
    SessionPtr current;
    const SessionStatus status =
        open_session_from_header(cookie_header, cookies, sealer, issuer, client_id, now, &current);
    // Another application's session (same cookie name, another client) is not ours to delete.
    if (status == SessionStatus::Absent || status == SessionStatus::WrongClient) return SessionResult();  // "unauthenticated"
    if (status != SessionStatus::Ok)
        return end(status == SessionStatus::Expired ? SessionVerdict::Expired : SessionVerdict::Invalid,
                   session_status_name(status), cookie_header);

    switch (RevocationList(store, issuer).check(*current, now)) {
        case RevocationList::Check::NotRevoked: break;
        case RevocationList::Check::Revoked: {
            SessionResult revoked = end(SessionVerdict::Revoked, "revoked", cookie_header);
            revoked.subject = current->subject;
            return revoked;
        }
        case RevocationList::Check::Unknown: {
            SessionResult unknown;
            unknown.verdict = SessionVerdict::StoreUnavailable;
            unknown.reason = "store_unavailable";
            return unknown;
        }
    }
    // Changes go to a private copy; the cached session stays as it was sealed.
    std::optional<Session> changed;
    const int64_t idle = policy.inactivity_timeout;
    if (idle > 0) {
        // A session not seen since sign-in (the callback seals no last_seen) has been idle since then.
        const int64_t seen = current->last_seen ? current->last_seen : current->created_at;
        if (seen && now - seen > idle) return end(SessionVerdict::Inactive, "inactive", cookie_header);
        if (now - current->last_seen >= inactivity_touch_interval(idle)) {
            changed = current->clone();
            changed->last_seen = now;
        }
    }
    SessionResult result;
    result.verdict = SessionVerdict::Ok;
    if (force_refresh || needs_refresh(*current, now, policy.refresh_before)) {
        RefreshOutcome outcome =
            SingleFlightRefresh(store, sealer).refresh(refresh.client(), refresh.provider(), *current, now);
        if (!outcome.ok()) return refresh_failed(std::move(outcome), current->subject, cookie_header);
        if (idle > 0) outcome.session.last_seen = now;
        changed = std::move(outcome.session);
        result.verdict = SessionVerdict::Refreshed;
        result.reused = outcome.reused;
        result.subject = current->subject;
    }
    if (changed) {
        current = std::make_shared<const Session>(std::move(*changed));
        result.set_cookies = seal_session(current, cookies, sealer, cookie_map(cookie_header));
        if (result.set_cookies.empty()) return end(SessionVerdict::TooLarge, "session_too_large", cookie_header);
    }
    result.session = std::move(current);
    return result;
}

SessionResult SessionGate::refresh_failed(RefreshOutcome outcome, const std::string& subject,
                                          std::string_view cookie_header) const {
    SessionResult result =
        end(is_transient(outcome.error) ? SessionVerdict::RefreshDeferred : SessionVerdict::RefreshFailed,
            refresh_error_name(outcome.error), cookie_header);
    result.detail = std::move(outcome.detail);
    result.subject = subject;
    return result;
}

}  // namespace ssoauth
