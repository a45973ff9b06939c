// The small HTTP interface the protocol code talks to. Production uses libcurl
// (curl_http_client.h); tests inject a fake. Only login, refresh, key refetch
// and discovery ever reach it: never the per-request path.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ssoauth {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET";  // "GET" or "POST"
    std::string url;
    HeaderList headers;          // e.g. {"Authorization", "Bearer ..."}
    std::string body;            // POST body, already encoded
    std::string content_type;    // e.g. "application/x-www-form-urlencoded"
};

struct HttpResponse {
    long status = 0;             // 0 when the transport failed
    std::string body;
    HeaderList headers;          // names lower-cased
    std::string transport_error; // non-empty when no HTTP answer was received

    bool ok() const { return transport_error.empty() && status >= 200 && status < 300; }
    std::string header(const std::string& lower_name) const {
        for (const auto& h : headers)
            if (h.first == lower_name) return h.second;
        return std::string();
    }
};

struct HttpOptions {
    long timeout_ms = 5000;
    bool verify_tls = true;
    std::string ca_bundle;       // empty: the system default
    size_t max_body_bytes = 1 << 20;
};

class HttpClient {
public:
    virtual ~HttpClient() = default;
    // Never throws; failures are reported in the response.
    virtual HttpResponse send(const HttpRequest& request) = 0;
};

// Form encoding (application/x-www-form-urlencoded) of key/value pairs.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
// Percent-encoding of one component (RFC 3986 unreserved kept).
std::string url_encode(const std::string& value);

}  // namespace ssoauth
