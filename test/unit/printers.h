// Lets Boost.Test print the core's status enums in failure messages.
#pragma once

#include "core/cookies.h"
#include "core/login_flow.h"
#include "core/refresh.h"
#include "core/session.h"
#include "core/session_cache.h"
#include "core/session_gate.h"
#include "core/signout.h"

#include <ostream>
#include <string>
#include <vector>

namespace ssoauth {
inline std::ostream& operator<<(std::ostream& os, SessionStatus s) { return os << session_status_name(s); }
inline std::ostream& operator<<(std::ostream& os, CallbackError e) {
    return os << callback_error_code(e) << "(" << static_cast<int>(e) << ")";
}
inline std::ostream& operator<<(std::ostream& os, RefreshError e) { return os << refresh_error_name(e); }
inline std::ostream& operator<<(std::ostream& os, SessionVerdict v) { return os << session_verdict_name(v); }
inline std::ostream& operator<<(std::ostream& os, BackchannelVerdict v) { return os << static_cast<int>(v); }
inline std::ostream& operator<<(std::ostream& os, ProviderRevocation v) { return os << static_cast<int>(v); }
}  // namespace ssoauth

namespace ssoauth {
namespace test {
// Applies Set-Cookie values to a jar, as a browser would (Max-Age=0 deletes).
inline void apply_set_cookies(CookieMap& jar, const std::vector<std::string>& set_cookies) {
    for (const auto& h : set_cookies) {
        std::string pair = h.substr(0, h.find(';'));
        std::string name = pair.substr(0, pair.find('='));
        if (h.find("Max-Age=0") != std::string::npos) jar.erase(name);
        else jar[name] = pair.substr(pair.find('=') + 1);
    }
}
// The Cookie request header a browser holding `jar` sends.
inline std::string cookie_header(const CookieMap& jar) {
    std::string header;
    for (const auto& cookie : jar) header += (header.empty() ? "" : "; ") + cookie.first + "=" + cookie.second;
    return header;
}
}  // namespace test
}  // namespace ssoauth
