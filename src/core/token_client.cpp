#include "core/token_client.h"

#include "core/text.h"

#include <openssl/evp.h>

#include <cctype>
#include <cmath>
#include <utility>

namespace ssoauth {

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// Provider-supplied text made safe for logs and pages: the RFC 6749 error
// charset (%x20-21 / %x23-5B / %x5D-7E), others replaced by '?', length capped.
std::string sanitize(const std::string& text, size_t max_length) {
    std::string out;
    for (unsigned char c : text) {
        if (out.size() >= max_length) {
            out += "...";
            break;
        }
        bool ok = c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
        out += ok ? static_cast<char>(c) : '?';
    }
    return out;
}

void add_client_auth(const ClientCredentials& client, Fields* fields, HttpRequest* request) {
    switch (client.auth) {
        case ClientAuth::None:
            fields->emplace_back("client_id", client.client_id);
            break;
        case ClientAuth::ClientSecretPost:
            fields->emplace_back("client_id", client.client_id);
            fields->emplace_back("client_secret", client.client_secret);
            break;
        case ClientAuth::ClientSecretBasic:
            request->headers.emplace_back("Authorization", basic_authorization(client.client_id, client.client_secret));
            break;
    }
}

HttpRequest form_post(const std::string& url) {
    HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.content_type = "application/x-www-form-urlencoded";
    request.headers.emplace_back("Accept", "application/json");
    return request;
}

// Reads an optional string member; false when present with another type.
bool optional_string(const json_t* object, const char* key, std::string* out) {
    const json_t* v = json_object_get(object, key);
    if (!v || json_is_null(v)) return true;
    if (!json_is_string(v)) return false;
    out->assign(json_string_value(v), json_string_length(v));
    return true;
}

// expires_in: a non-negative JSON number, or a string of digits (some providers quote it).
bool read_expires_in(const json_t* object, int64_t* out) {
    const json_t* v = json_object_get(object, "expires_in");
    if (!v || json_is_null(v)) return true;
    if (json_is_integer(v)) {
        if (json_integer_value(v) < 0) return false;
        *out = json_integer_value(v);
        return true;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (!std::isfinite(d) || d < 0 || d > 1e15) return false;
        *out = static_cast<int64_t>(d);
        return true;
    }
    if (json_is_string(v)) {
        std::string s = json_string_value(v);
        if (s.empty() || s.size() > 15) return false;
        for (char c : s)
            if (c < '0' || c > '9') return false;
        *out = std::stoll(s);
        return true;
    }
    return false;
}

void read_oauth_error(const json_t* object, TokenResult* result) {
    result->error = sanitize(json_string_member(object, "error"), 128);
    result->error_description = sanitize(json_string_member(object, "error_description"), 512);
}

// The members of a 2xx token response; false with *detail set at the first
// one that is missing or of the wrong type.
bool read_token_set(const json_t* object, TokenSet* tokens, std::string* detail) {
    if (!optional_string(object, "access_token", &tokens->access_token) || tokens->access_token.empty()) {
        *detail = "token response has no access_token string";
        return false;
    }
    if (!optional_string(object, "token_type", &tokens->token_type) || tokens->token_type.empty()) {
        *detail = "token response has no token_type string";
        return false;
    }
    if (!iequals(tokens->token_type, "Bearer")) {
        *detail = "token_type \"" + sanitize(tokens->token_type, 32) + "\" is not Bearer";
        return false;
    }
    if (!optional_string(object, "id_token", &tokens->id_token)) {
        *detail = "id_token is not a string";
        return false;
    }
    if (!optional_string(object, "refresh_token", &tokens->refresh_token)) {
        *detail = "refresh_token is not a string";
        return false;
    }
    if (!optional_string(object, "scope", &tokens->scope)) {
        *detail = "scope is not a string";
        return false;
    }
    if (!read_expires_in(object, &tokens->expires_in)) {
        *detail = "expires_in is not a non-negative integer";
        return false;
    }
    return true;
}

TokenResult parse_token_response(const HttpResponse& response, const std::string& endpoint) {
    TokenResult result;
    result.http_status = response.status;
    if (!response.transport_error.empty()) {
        result.status = TokenCallStatus::Unreachable;
        result.detail = "token endpoint " + endpoint + " unreachable: " + response.transport_error;
        return result;
    }
    JsonPtr body = json_parse(response.body);
    const json_t* object = body && json_is_object(body.get()) ? body.get() : nullptr;

    if (!response.ok()) {
        result.status = TokenCallStatus::ProviderError;
        if (object) read_oauth_error(object, &result);
        result.detail = "token endpoint answered HTTP " + std::to_string(response.status);
        if (!result.error.empty()) result.detail += " error=" + result.error;
        return result;
    }
    if (!object) {
        result.status = TokenCallStatus::BadResponse;
        result.detail = "token response is not a JSON object";
        return result;
    }
    if (!json_object_get(object, "access_token") && json_is_string(json_object_get(object, "error"))) {
        // Some providers answer 200 with an OAuth error body.
        result.status = TokenCallStatus::ProviderError;
        read_oauth_error(object, &result);
        result.detail = "token endpoint answered HTTP " + std::to_string(response.status) + " error=" + result.error;
        return result;
    }

    TokenSet tokens;
    result.status = TokenCallStatus::BadResponse;
    if (!read_token_set(object, &tokens, &result.detail)) return result;
    result.status = TokenCallStatus::Ok;
    result.tokens = std::move(tokens);
    return result;
}

}  // namespace

const char* token_call_status_name(TokenCallStatus status) {
    switch (status) {
        case TokenCallStatus::Ok: return "ok";
        case TokenCallStatus::Unreachable: return "unreachable";
        case TokenCallStatus::ProviderError: return "provider_error";
        case TokenCallStatus::BadResponse: return "bad_response";
    }
    return "unknown";
}

std::string basic_authorization(const std::string& client_id, const std::string& client_secret) {
    const std::string plain = url_encode(client_id) + ":" + url_encode(client_secret);
    std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&encoded[0]),
                            reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
    encoded.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return "Basic " + encoded;
}

TokenClient::TokenClient(std::shared_ptr<HttpClient> http) : http_(std::move(http)) {}

TokenResult TokenClient::token_call(const std::string& token_endpoint, const ClientCredentials& client,
                                    Fields fields) const {
    HttpRequest request = form_post(token_endpoint);
    add_client_auth(client, &fields, &request);
    request.body = form_encode(fields);
    return parse_token_response(http_->send(request), token_endpoint);
}

TokenResult TokenClient::exchange_code(const std::string& token_endpoint, const ClientCredentials& client,
                                       const std::string& code, const std::string& redirect_uri,
                                       const std::string& code_verifier) const {
    Fields fields{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", redirect_uri}};
    if (!code_verifier.empty()) fields.emplace_back("code_verifier", code_verifier);
    return token_call(token_endpoint, client, std::move(fields));
}

TokenResult TokenClient::refresh(const std::string& token_endpoint, const ClientCredentials& client,
                                 const std::string& refresh_token, const std::string& scope) const {
    Fields fields{{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}};
    if (!scope.empty()) fields.emplace_back("scope", scope);
    return token_call(token_endpoint, client, std::move(fields));
}

UserinfoResult TokenClient::userinfo(const std::string& userinfo_endpoint, const std::string& access_token) const {
    HttpRequest request;
    request.method = "GET";
    request.url = userinfo_endpoint;
    request.headers.emplace_back("Authorization", "Bearer " + access_token);
    request.headers.emplace_back("Accept", "application/json");
    HttpResponse response = http_->send(request);

    UserinfoResult result;
    result.http_status = response.status;
    if (!response.transport_error.empty()) {
        result.status = TokenCallStatus::Unreachable;
        result.detail = "userinfo endpoint " + userinfo_endpoint + " unreachable: " + response.transport_error;
        return result;
    }
    if (!response.ok()) {
        result.status = TokenCallStatus::ProviderError;
        result.detail = "userinfo endpoint answered HTTP " + std::to_string(response.status);
        std::string challenge = response.header("www-authenticate");
        if (!challenge.empty()) result.detail += " (" + sanitize(challenge, 200) + ")";
        return result;
    }
    JsonPtr claims = json_parse(response.body);
    if (!claims || !json_is_object(claims.get())) {
        result.status = TokenCallStatus::BadResponse;
        result.detail = "userinfo response is not a JSON object";
        return result;
    }
    if (json_string_member(claims.get(), "sub").empty()) {
        result.status = TokenCallStatus::BadResponse;
        result.detail = "userinfo response has no sub string";
        return result;
    }
    result.status = TokenCallStatus::Ok;
    result.claims = std::move(claims);
    return result;
}

bool TokenClient::revoke(const std::string& revocation_endpoint, const ClientCredentials& client,
                         const std::string& token, const std::string& token_type_hint) const {
    Fields fields{{"token", token}};
    if (!token_type_hint.empty()) fields.emplace_back("token_type_hint", token_type_hint);
    HttpRequest request = form_post(revocation_endpoint);
    add_client_auth(client, &fields, &request);
    request.body = form_encode(fields);
    return http_->send(request).ok();
}

}  // namespace ssoauth
