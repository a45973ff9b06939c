// A provider for unit tests, scripted over FakeHttpClient: its discovery
// document (authorization, token and JWKS endpoints, EdDSA, plus whatever
// members a test adds) and a JWKS holding one Ed25519 key.
#pragma once

#include <memory>
#include <string>

#include "core/provider.h"
#include "core/session.h"

#include "fake_http.h"
#include "printers.h"
#include "test_keys.h"

namespace ssoauth {
namespace test {

const std::string kScriptedIssuer = "https://idp.test/api/auth";
const std::string kScriptedDiscoveryUrl = kScriptedIssuer + "/.well-known/openid-configuration";
const std::string kScriptedTokenUrl = kScriptedIssuer + "/oauth2/token";
const std::string kScriptedJwksUrl = kScriptedIssuer + "/jwks";

// `extra`: more discovery members, e.g. R"("end_session_endpoint":"https://…")".
inline void script_provider(FakeHttpClient& http, const TestKey& key, const std::string& extra = "") {
    http.respond(kScriptedDiscoveryUrl,
                 FakeHttpClient::json(200, R"({"issuer":")" + kScriptedIssuer + R"(",)" +
                                               R"("authorization_endpoint":")" + kScriptedIssuer +
                                               R"(/oauth2/authorize","token_endpoint":")" + kScriptedTokenUrl +
                                               R"(","jwks_uri":")" + kScriptedJwksUrl +
                                               R"(","id_token_signing_alg_values_supported":["EdDSA"])" +
                                               (extra.empty() ? "" : "," + extra) + "}"));
    http.respond(kScriptedJwksUrl, FakeHttpClient::json(200, jwks({key.public_jwk("EdDSA")})));
}

// A session of "user-1" (provider session "s1") at the scripted provider for
// client "app", begun 100 s before `now`, valid for a day, with an access
// token valid until `access_expires`.
inline Session scripted_session(int64_t now, int64_t access_expires) {
    Session s;
    s.issuer = kScriptedIssuer;
    s.client_id = "app";
    s.subject = "user-1";
    s.sid = "s1";
    s.claims = json_parse(R"({"sub":"user-1","email":"u@example.test"})");
    s.id_token = "id.token.hint";
    s.access_token = "AT-old";
    s.refresh_token = "RT-scripted-0123456789abcdefghijkl";
    s.access_token_expires_at = access_expires;
    s.created_at = now - 100;
    s.expires_at = now + 86400;
    return s;
}

// The Cookie header of a browser holding `session`, sealed as the module seals it.
inline std::string session_cookie_header(const Session& session, const CookieSettings& cookies,
                                         const CookieSealer& sealer) {
    CookieMap jar;
    apply_set_cookies(jar, seal_session(session, cookies, sealer, CookieMap()));
    return cookie_header(jar);
}

// The scripted provider as a fixture base: `http` to script and count calls,
// `provider` (shared in `shared_provider`) and its signing `key`.
struct ScriptedProvider {
    std::shared_ptr<FakeHttpClient> http = std::make_shared<FakeHttpClient>();
    std::shared_ptr<Provider> shared_provider = std::make_shared<Provider>(kScriptedIssuer, http);
    Provider& provider = *shared_provider;
    const TestKey& key = TestKey::shared_ed25519();
    explicit ScriptedProvider(const std::string& extra = "") { script_provider(*http, key, extra); }
};

}  // namespace test
}  // namespace ssoauth
