// Sessions and sealers shared by the session tests.
#pragma once

#include "core/cookie_seal.h"
#include "core/json.h"
#include "core/session.h"

#include <cstdint>
#include <memory>
#include <string>

namespace ssoauth {
namespace test {

const std::string kSessionIssuer = "https://idp.test/api/auth";

inline std::shared_ptr<const CookieSealer> session_test_sealer() {
    return CookieSealer::create({"session-test-passphrase-0123456789abcdef"}, nullptr);
}

// Text that deflate cannot shrink (sessions are deflated before sealing).
inline std::string incompressible(size_t n) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out += alphabet[x % 64];
    }
    return out;
}

// A session of kSessionIssuer's client "app", valid until 5000; `padding` makes it larger.
inline Session sample_session(const std::string& padding = "") {
    Session s;
    s.issuer = kSessionIssuer;
    s.client_id = "app";
    s.subject = "user-1";
    s.sid = "sid-1";
    s.claims = json_parse(R"({"sub":"user-1","email":"u@example.test","groups":["a","b"],"n":5,"pad":")" +
                          padding + "\"}");
    s.id_token = "h.p.s";
    s.access_token = "at";
    s.refresh_token = "rt";
    s.access_token_expires_at = 1000;
    s.created_at = 10;
    s.expires_at = 5000;
    return s;
}

}  // namespace test
}  // namespace ssoauth
