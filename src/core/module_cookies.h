// Which cookies are the module's own, and a Cookie header without them, so
// a backend never receives the sealed session or a sign-in attempt.
//
// The module's cookies, for a prefix P (SSOAuthCookieName): "P_session",
// its chunks "P_session_<digits>", and the state cookies "P_state_<anything>".
// Names are compared exactly (cookie names are case-sensitive).
//
// Not checked: other cookies' names and values (they are copied as they came),
// or the header's size.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ssoauth {

bool is_module_cookie(std::string_view name, std::string_view prefix);

// The Cookie header without the module's cookies: every other pair exactly
// as it came (blanks around it removed), in order, joined by "; ". Pieces
// without '=' are kept. std::nullopt when the header holds none of the
// module's cookies (nothing to rewrite); "" when it held only theirs.
std::optional<std::string> without_module_cookies(std::string_view header, std::string_view prefix);

}  // namespace ssoauth
