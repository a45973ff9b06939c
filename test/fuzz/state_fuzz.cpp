// Fuzz target: a per-attempt state cookie's opened content (AuthAttempt JSON)
// and the sealed value itself.
#include "core/cookie_seal.h"
#include "core/login_flow.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto sealer = ssoauth::CookieSealer::create({"fuzz-passphrase-0123456789abcdef0123"}, nullptr);
    const std::string input(reinterpret_cast<const char*>(data), size);
    ssoauth::AuthAttempt::from_json(input);
    sealer->open(input, "ssoauth_state_0123456789abcdef");
    return 0;
}
