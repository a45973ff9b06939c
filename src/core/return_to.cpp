#include "core/return_to.h"

namespace ssoauth {

bool is_safe_return_to(const std::string& target) {
    if (target.empty() || target.size() > 2048 || target[0] != '/') return false;
    // "//host" and "/\host" are scheme-relative to a browser (it treats '\' as '/').
    if (target.size() > 1 && (target[1] == '/' || target[1] == '\\')) return false;
    for (unsigned char c : target) {
        if (c < 0x21 || c == 0x7f || c == '\\') return false;
    }
    return true;
}

std::string safe_return_to(const std::string& target, const std::string& fallback) {
    return is_safe_return_to(target) ? target : fallback;
}

std::string return_to_of(const QueryParams& params) {
    std::string value;
    if (!single_param(params, "returnTo", &value)) single_param(params, "callbackUrl", &value);
    return safe_return_to(value);
}

}  // namespace ssoauth
