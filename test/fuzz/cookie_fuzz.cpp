// Fuzz target: a Cookie request header as the module receives it. Exercises
// parse_cookie_header, chunk reassembly, CookieSealer::open, and the session
// text as sealed (JSON, or deflated JSON: a hostile zlib stream included).
#include "core/cookie_seal.h"
#include "core/cookies.h"
#include "core/session.h"
#include "core/session_cache.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto sealer = ssoauth::CookieSealer::create({"fuzz-passphrase-0123456789abcdef0123"}, nullptr);
    const std::string input(reinterpret_cast<const char*>(data), size);
    ssoauth::CookieSettings settings;
    ssoauth::Session session;
    ssoauth::open_session(ssoauth::parse_cookie_header(input), settings, *sealer, "https://idp.test", "app", 1, &session);
    sealer->open(input, "ssoauth_session");
    ssoauth::Session::from_json(input);
    ssoauth::Session::from_sealed_text(input);
    ssoauth::Session::from_sealed_text("z" + input);
    return 0;
}
