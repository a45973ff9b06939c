// Fuzz target: a per-attempt state cookie's opened content (AuthAttempt JSON)
// and the sealed value itself.
//
// Invariants: an attempt that parses round-trips through to_json unchanged;
// an attempt always has a state, a nonce and a verifier; a value that is not
// a sealed state never opens.
#include "core/cookie_seal.h"
#include "core/login_flow.h"
#include "fuzz_check.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace ssoauth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto sealer = CookieSealer::create({"fuzz-passphrase-0123456789abcdef0123"}, nullptr);
    const std::string input(reinterpret_cast<const char*>(data), size);
    if (auto attempt = AuthAttempt::from_json(input)) {
        FUZZ_CHECK(!attempt->state.empty() && !attempt->nonce.empty() && !attempt->code_verifier.empty());
        auto again = AuthAttempt::from_json(attempt->to_json());
        FUZZ_CHECK(again && again->state == attempt->state && again->nonce == attempt->nonce &&
                   again->code_verifier == attempt->code_verifier && again->return_to == attempt->return_to &&
                   again->created_at == attempt->created_at);
    }
    const std::string name = "ssoauth_state_0123456789abcdef";
    if (auto opened = sealer->open(input, name)) {
        // Only what was sealed under this name opens: sealing it again opens to the same text.
        FUZZ_CHECK(sealer->open(sealer->seal(*opened, name), name) == opened);
    }
    return 0;
}
