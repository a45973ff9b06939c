// What a request's session cookie is worth: the one decision every protected
// request, the session endpoint and the refresh endpoint make. The gate opens
// the session, then applies, in this order:
//   1. revocation (back-channel logout or a sign-out, from the shared store),
//   2. the inactivity timeout (last_seen, or the sign-in time for a session not
//      seen since; rewritten at most every inactivity_touch_interval() seconds
//      so a busy user does not get a new cookie on every request),
//   3. a transparent refresh when the access token has expired or is about to
//      (or always, for the refresh endpoint), once per refresh token across
//      every process (SingleFlightRefresh).
// It returns a verdict and the Set-Cookie values to write; the adapter turns
// the verdict into a response and a log line.
//
// Not decided here: what an unauthenticated request gets (see
// request_policy.h), and the session's own max age, which open_session checks.
#pragma once

#include "core/login_flow.h"
#include "core/refresh.h"
#include "core/session.h"
#include "core/session_cache.h"
#include "core/shared_store.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ssoauth {

enum class SessionVerdict {
    Ok,               // valid as it is (its cookie may be rewritten with a new last_seen)
    Refreshed,        // valid after a refresh: this request's grant or a concurrent one's (`reused`)
    Absent,           // no session of this client (none at all, or another client's under the same name)
    Invalid,          // the cookie does not open or is not a session: it is deleted
    Expired,          // past the session's max age: deleted
    Inactive,         // idle for longer than the inactivity timeout: deleted
    Revoked,          // ended by a back-channel logout or a sign-out: deleted
    RefreshDeferred,  // a refresh was due but could not happen now (provider down, busy, no refresh
                      // token): nothing was consumed, so the cookie is kept for a later try
    RefreshFailed,    // the provider refused the refresh, or its answer failed the checks: deleted
    TooLarge,         // the updated session no longer fits its cookies: deleted
    StoreUnavailable, // the revocation list could not be read: refused for now (never read as
                      // "not revoked"), the cookie kept for a later request
};

struct SessionResult {
    SessionVerdict verdict = SessionVerdict::Absent;
    SessionPtr session;                    // when valid(); the request's identity
    std::vector<std::string> set_cookies;  // resealed session cookies, or their deletion
    std::string reason = "unauthenticated";  // stable code for logs and the refresh endpoint's error,
                                             // e.g. "revoked", "refresh_refused"; Absent: "unauthenticated"
    std::string detail;   // refresh failures: what happened, for the log (never a token)
    std::string subject;  // the session's user, for the log line of a revocation or a refresh
    bool reused = false;  // Refreshed with a concurrent request's result
    bool valid() const { return verdict == SessionVerdict::Ok || verdict == SessionVerdict::Refreshed; }
};

const char* session_verdict_name(SessionVerdict verdict);

struct SessionPolicy {
    int64_t inactivity_timeout = 0;  // seconds; 0: off
    int64_t refresh_before = 60;     // refresh when the access token expires within this many seconds
};

// How often last_seen is rewritten for an inactivity timeout of `idle`
// seconds: a quarter of the timeout, between 1 s and 60 s. The timeout is
// thus enforced to within that interval, and a cookie is rewritten at most
// once per interval.
int64_t inactivity_touch_interval(int64_t idle);

// What a refresh needs besides the session. Built only when a refresh is
// due, so a request that does not refresh never constructs them.
class RefreshSource {
public:
    virtual ~RefreshSource() = default;
    virtual ClientConfig client() = 0;
    virtual Provider& provider() = 0;
};

// One location's gate: its cookies, keys, client and policy.
struct SessionGate {
    const CookieSettings& cookies;
    const CookieSealer& sealer;
    std::string_view issuer;
    std::string_view client_id;
    SessionPolicy policy;
    SharedStore& store;
    RefreshSource& refresh;

    // `cookie_header`: every Cookie header of the request, joined with "; ".
    SessionResult check(std::string_view cookie_header, int64_t now, bool force_refresh = false) const;

private:
    SessionResult end(SessionVerdict verdict, std::string reason, std::string_view cookie_header) const;
    SessionResult refresh_failed(RefreshOutcome outcome, const std::string& subject,
                                 std::string_view cookie_header) const;
};

}  // namespace ssoauth
