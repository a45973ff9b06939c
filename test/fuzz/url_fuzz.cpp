// Fuzz target: a query string (callback and login parameters) and every
// value as a return-to target. A "safe" target must never leave the origin.
// Every value also goes through is_http_url, whose stricter rules may only
// ever refuse more.
#include "core/return_to.h"
#include "core/url.h"
#include "fuzz_check.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    for (const auto& param : ssoauth::parse_query(input)) {
        const std::string target = ssoauth::safe_return_to(param.second);
        // Never an off-site or header-splitting redirect.
        FUZZ_CHECK(!target.empty() && target[0] == '/');
        FUZZ_CHECK(target.size() == 1 || (target[1] != '/' && target[1] != '\\'));
        FUZZ_CHECK(target.find_first_of("\r\n\\") == std::string::npos);
        ssoauth::append_query(target, param.first);
        const ssoauth::HttpUrlRules strict{/*allow_query=*/false, /*require_https=*/true};
        FUZZ_CHECK(!ssoauth::is_http_url(param.second, strict) ||
                   ssoauth::is_http_url(param.second, ssoauth::HttpUrlRules{}));
    }
    return 0;
}
