// The back-channel calls of an OIDC relying party: code exchange and refresh
// at the token endpoint (RFC 6749 4.1.3, 6), userinfo (OIDC Core 5.3) and
// revocation (RFC 7009). Pure request building and response checking over an
// injected HttpClient; no caching, no id_token validation (jwt_validator does that).
//
// Nothing here puts a token, code, verifier or secret into `detail` or any
// other message: those strings are safe to log.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/http_client.h"
#include "core/json.h"

namespace ssoauth {

enum class ClientAuth {
    None,               // public client: client_id in the body
    ClientSecretBasic,  // Authorization: Basic (RFC 6749 2.3.1)
    ClientSecretPost,   // client_id and client_secret in the body
};

struct ClientCredentials {
    std::string client_id, client_secret;
    ClientAuth auth = ClientAuth::None;
};

struct TokenSet {
    std::string access_token, id_token, refresh_token, token_type, scope;
    int64_t expires_in = -1;  // -1 absent
};

enum class TokenCallStatus {
    Ok,
    Unreachable,    // no HTTP answer
    ProviderError,  // 4xx/5xx with or without an OAuth error body
    BadResponse,    // 2xx that is not JSON, or fields missing or of the wrong type
};

const char* token_call_status_name(TokenCallStatus status);

struct TokenResult {
    TokenCallStatus status = TokenCallStatus::BadResponse;
    long http_status = 0;
    std::string error, error_description, detail;  // error*: the provider's OAuth error, if any
    TokenSet tokens;                               // filled only on Ok
};

struct UserinfoResult {
    TokenCallStatus status = TokenCallStatus::BadResponse;
    long http_status = 0;
    std::string detail;
    JsonPtr claims;  // the JSON object, only on Ok
};

class TokenClient {
public:
    explicit TokenClient(std::shared_ptr<HttpClient> http);

    // grant_type=authorization_code. code_verifier is sent when non-empty.
    // Ok needs a JSON object with a non-empty access_token and token_type Bearer
    // (any case); id_token, refresh_token and scope must be strings when present,
    // expires_in a non-negative integer (a digit string is accepted too).
    TokenResult exchange_code(const std::string& token_endpoint, const ClientCredentials& client,
                              const std::string& code, const std::string& redirect_uri,
                              const std::string& code_verifier) const;

    // grant_type=refresh_token; scope is sent when non-empty. Same checks as above.
    TokenResult refresh(const std::string& token_endpoint, const ClientCredentials& client,
                        const std::string& refresh_token, const std::string& scope = "") const;

    // GET with Authorization: Bearer. Ok needs a JSON object with a string "sub"
    // (OIDC Core 5.3.2; the caller compares it with the id_token's). Signed or
    // encrypted (application/jwt) userinfo is not supported: BadResponse.
    UserinfoResult userinfo(const std::string& userinfo_endpoint, const std::string& access_token) const;

    // RFC 7009; token_type_hint is sent when non-empty. True on a 2xx answer.
    bool revoke(const std::string& revocation_endpoint, const ClientCredentials& client, const std::string& token,
                const std::string& token_type_hint) const;

private:
    TokenResult token_call(const std::string& token_endpoint, const ClientCredentials& client,
                           std::vector<std::pair<std::string, std::string>> fields) const;

    std::shared_ptr<HttpClient> http_;
};

// The Authorization header value for client_secret_basic:
// "Basic " + base64(url_encode(id) ":" url_encode(secret)), standard base64 with padding.
std::string basic_authorization(const std::string& client_id, const std::string& client_secret);

}  // namespace ssoauth
