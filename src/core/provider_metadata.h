// OpenID Provider metadata (OpenID Connect Discovery 1.0): the parser, and a
// process-wide cache that fetches it at most once per TTL.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/http_client.h"

namespace ssoauth {

struct ProviderMetadata {
    std::string issuer, authorization_endpoint, token_endpoint, userinfo_endpoint, jwks_uri,
        end_session_endpoint, revocation_endpoint, introspection_endpoint;
    std::vector<std::string> id_token_signing_alg_values_supported,
        code_challenge_methods_supported, token_endpoint_auth_methods_supported, scopes_supported;
    bool authorization_response_iss_parameter_supported = false;
};

enum class MetadataStatus {
    Ok,               // a usable document
    Unreachable,      // no HTTP answer (connect failure, timeout, TLS, body too large)
    HttpError,        // an HTTP answer other than 2xx
    BadJson,          // not a JSON object, or a known member has the wrong JSON type
    IssuerMismatch,   // "issuer" absent or not byte-for-byte the configured issuer
    MissingEndpoint,  // a required endpoint is absent, or an endpoint is not a usable URL
};

// A stable lower-case name ("ok", "unreachable", ...) for logs.
const char* metadata_status_name(MetadataStatus status);

// Parses and checks a discovery document:
// - "issuer" must equal expected_issuer exactly (no trailing-slash or case folding);
// - issuer, authorization_endpoint, token_endpoint and jwks_uri are required;
// - every endpoint present must pass is_http_url (core/url.h: absolute http(s),
//   a host, no fragment or user info), and must be https when the issuer is https;
// - the *_supported lists must be arrays of strings, the RFC 9207 flag a boolean.
// Unknown members are ignored. *out is written only on Ok; *detail (optional)
// says what was wrong.
MetadataStatus parse_provider_metadata(const std::string& body, const std::string& expected_issuer,
                                       ProviderMetadata* out, std::string* detail);

// issuer with trailing slashes removed + "/.well-known/openid-configuration".
std::string discovery_url(const std::string& issuer);

// The metadata of one issuer, shared by all threads of the process.
class MetadataCache {
public:
    MetadataCache(std::string issuer, std::shared_ptr<HttpClient> http, int64_t ttl_seconds = 3600,
                  int64_t retry_after_failure_seconds = 5);
    MetadataCache(const MetadataCache&) = delete;
    MetadataCache& operator=(const MetadataCache&) = delete;

    // `now` is seconds on any monotonic-enough clock, supplied by the caller.
    // - Within ttl_seconds of the last good fetch: the cached copy, no I/O.
    // - Otherwise one thread fetches while concurrent callers wait and share its result.
    // - A failed fetch keeps serving the last good document: status Ok, and
    //   *detail says it is stale and why.
    // - With no good document: nullptr and the failure status.
    // - After a failed fetch, no new fetch is tried for retry_after_failure_seconds
    //   (callers get the stale document or the remembered failure at once).
    // status and detail may be null; detail is "" for a fresh document.
    std::shared_ptr<const ProviderMetadata> get(int64_t now, MetadataStatus* status, std::string* detail);

    // Fetches attempted so far (for tests and diagnostics).
    uint64_t fetch_count() const;

    const std::string& issuer() const { return issuer_; }

private:
    MetadataStatus fetch(std::shared_ptr<const ProviderMetadata>* doc, std::string* detail) const;
    // The *_locked members run with mutex_ held (fetch_locked releases it around the fetch).
    bool fresh_locked(int64_t now) const;
    std::shared_ptr<const ProviderMetadata> outcome_locked(int64_t now, MetadataStatus* status,
                                                           std::string* detail) const;
    void fetch_locked(std::unique_lock<std::mutex>& lock, int64_t now);

    const std::string issuer_;
    const std::shared_ptr<HttpClient> http_;
    const int64_t ttl_;
    const int64_t retry_after_failure_;

    mutable std::mutex mutex_;
    std::condition_variable fetched_;
    bool fetching_ = false;
    uint64_t fetch_count_ = 0;
    std::shared_ptr<const ProviderMetadata> good_;
    int64_t good_at_ = 0;
    bool failed_ = false;  // the latest fetch failed
    int64_t failed_at_ = 0;
    MetadataStatus failure_status_ = MetadataStatus::Ok;
    std::string failure_detail_;
};

}  // namespace ssoauth
