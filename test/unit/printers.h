// Lets Boost.Test print the core's status enums in failure messages.
#pragma once

#include "core/login_flow.h"
#include "core/refresh.h"
#include "core/session.h"

#include <ostream>

namespace ssoauth {
inline std::ostream& operator<<(std::ostream& os, SessionStatus s) { return os << session_status_name(s); }
inline std::ostream& operator<<(std::ostream& os, CallbackError e) {
    return os << callback_error_code(e) << "(" << static_cast<int>(e) << ")";
}
inline std::ostream& operator<<(std::ostream& os, RefreshError e) { return os << refresh_error_name(e); }
}  // namespace ssoauth
