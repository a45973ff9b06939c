// Fuzz target: a Cookie request header as the module receives it. Exercises
// parse_cookie_header, find_cookie, chunk reassembly, CookieSealer::open, and
// the session text as sealed (JSON, or deflated JSON: a hostile zlib stream
// included).
//
// Invariants: the map parser and the single-name lookup agree; a session that
// opens re-seals into cookies that open to the same session; a session text
// that parses re-encodes to a text that parses to the same session; anything
// sealed opens to itself and not under another cookie name.
#include "core/cookie_seal.h"
#include "core/cookies.h"
#include "core/session.h"
#include "core/session_cache.h"
#include "fuzz_check.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace ssoauth;

namespace {

const char kIssuer[] = "https://idp.test";

void reseals_to_the_same_session(const Session& session, const CookieSettings& settings, const CookieSealer& sealer) {
    const std::vector<std::string> set_cookies = seal_session(session, settings, sealer, CookieMap());
    if (set_cookies.empty()) return;  // too large for its cookies: refused, not mangled
    CookieMap jar;
    for (const std::string& cookie : set_cookies) {
        const std::string pair = cookie.substr(0, cookie.find(';'));
        jar[pair.substr(0, pair.find('='))] = pair.substr(pair.find('=') + 1);
    }
    Session again;
    FUZZ_CHECK(open_session(jar, settings, sealer, kIssuer, "app", 1, &again) == SessionStatus::Ok);
    FUZZ_CHECK(again.to_json() == session.to_json());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto sealer = CookieSealer::create({"fuzz-passphrase-0123456789abcdef0123"}, nullptr);
    const std::string input(reinterpret_cast<const char*>(data), size);
    CookieSettings settings;

    const CookieMap cookies = parse_cookie_header(input);
    for (const auto& cookie : cookies) {
        auto found = find_cookie(input, cookie.first);
        FUZZ_CHECK(found && std::string(*found) == cookie.second);
    }
    Session session;
    if (open_session(cookies, settings, *sealer, kIssuer, "app", 1, &session) == SessionStatus::Ok)
        reseals_to_the_same_session(session, settings, *sealer);

    if (auto parsed = Session::from_json(input)) {
        auto again = Session::from_json(parsed->to_json());
        FUZZ_CHECK(again && again->to_json() == parsed->to_json());
    }
    for (const std::string& text : {input, "z" + input}) {
        if (auto parsed = Session::from_sealed_text(text)) {
            auto again = Session::from_sealed_text(parsed->to_sealed_text());
            FUZZ_CHECK(again && again->to_json() == parsed->to_json());
        }
    }
    sealer->open(input, "ssoauth_session");
    const std::string sealed = sealer->seal(input, "ssoauth_session");
    FUZZ_CHECK(!sealed.empty());
    FUZZ_CHECK(sealer->open(sealed, "ssoauth_session") == input);
    FUZZ_CHECK(!sealer->open(sealed, "ssoauth_session_1"));
    return 0;
}
