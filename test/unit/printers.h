// Lets Boost.Test print the core's status enums in failure messages.
#pragma once

#include "core/cookies.h"
#include "core/login_flow.h"
#include "core/refresh.h"
#include "core/session_cache.h"

#include <ostream>
#include <string>
#include <vector>

namespace ssoauth {
inline std::ostream& operator<<(std::ostream& os, SessionStatus s) { return os << session_status_name(s); }
inline std::ostream& operator<<(std::ostream& os, CallbackError e) {
    return os << callback_error_code(e) << "(" << static_cast<int>(e) << ")";
}
inline std::ostream& operator<<(std::ostream& os, RefreshError e) { return os << refresh_error_name(e); }
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
}  // namespace test
}  // namespace ssoauth
