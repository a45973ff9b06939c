// A provider for unit tests, scripted over FakeHttpClient: its discovery
// document (authorization, token and JWKS endpoints, EdDSA, plus whatever
// members a test adds) and a JWKS holding one Ed25519 key.
#pragma once

#include <string>

#include "fake_http.h"
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

}  // namespace test
}  // namespace ssoauth
