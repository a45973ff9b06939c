#include "core/provider_metadata.h"

#include <utility>

#include "core/json.h"
#include "core/text.h"

namespace ssoauth {

namespace {

bool is_https(const std::string& url) { return istarts_with(url, "https://"); }

// An absolute http(s) URL with a host, no user info, no fragment, no blanks.
bool is_absolute_http_url(const std::string& url) {
    size_t rest;
    if (istarts_with(url, "https://")) rest = 8;
    else if (istarts_with(url, "http://")) rest = 7;
    else return false;
    for (unsigned char c : url)
        if (c <= 0x20 || c == 0x7f || c == '#') return false;
    size_t end = url.find_first_of("/?", rest);
    std::string authority = url.substr(rest, end == std::string::npos ? std::string::npos : end - rest);
    return !authority.empty() && authority[0] != ':' && authority.find('@') == std::string::npos;
}

void set(std::string* detail, std::string text) {
    if (detail) *detail = std::move(text);
}

// Reads an optional string member; false when present with another type.
bool read_string(const json_t* doc, const char* key, std::string* out, std::string* detail) {
    const json_t* v = json_object_get(doc, key);
    if (!v || json_is_null(v)) return true;
    if (!json_is_string(v)) {
        set(detail, std::string(key) + " is not a string");
        return false;
    }
    out->assign(json_string_value(v), json_string_length(v));
    return true;
}

bool read_string_array(const json_t* doc, const char* key, std::vector<std::string>* out,
                       std::string* detail) {
    const json_t* v = json_object_get(doc, key);
    if (!v || json_is_null(v)) return true;
    if (!json_is_array(v)) {
        set(detail, std::string(key) + " is not an array");
        return false;
    }
    size_t i;
    const json_t* item;
    json_array_foreach(v, i, item) {
        if (!json_is_string(item)) {
            set(detail, std::string(key) + " holds a non-string");
            return false;
        }
        out->emplace_back(json_string_value(item), json_string_length(item));
    }
    return true;
}

}  // namespace

const char* metadata_status_name(MetadataStatus status) {
    switch (status) {
        case MetadataStatus::Ok: return "ok";
        case MetadataStatus::Unreachable: return "unreachable";
        case MetadataStatus::HttpError: return "http_error";
        case MetadataStatus::BadJson: return "bad_json";
        case MetadataStatus::IssuerMismatch: return "issuer_mismatch";
        case MetadataStatus::MissingEndpoint: return "missing_endpoint";
    }
    return "unknown";
}

std::string discovery_url(const std::string& issuer) {
    size_t end = issuer.size();
    while (end > 0 && issuer[end - 1] == '/') --end;
    return issuer.substr(0, end) + "/.well-known/openid-configuration";
}

MetadataStatus parse_provider_metadata(const std::string& body, const std::string& expected_issuer,
                                       ProviderMetadata* out, std::string* detail) {
    std::string json_error;
    JsonPtr doc = json_parse(body, &json_error);
    if (!doc) {
        set(detail, "discovery document is not JSON: " + json_error);
        return MetadataStatus::BadJson;
    }
    if (!json_is_object(doc.get())) {
        set(detail, "discovery document is not a JSON object");
        return MetadataStatus::BadJson;
    }
    const json_t* d = doc.get();

    ProviderMetadata m;
    const json_t* issuer = json_object_get(d, "issuer");
    if (!issuer || !json_is_string(issuer)) {
        set(detail, "discovery document has no issuer string");
        return MetadataStatus::IssuerMismatch;
    }
    m.issuer.assign(json_string_value(issuer), json_string_length(issuer));
    if (m.issuer != expected_issuer) {
        set(detail, "issuer \"" + m.issuer + "\" is not the configured \"" + expected_issuer + "\"");
        return MetadataStatus::IssuerMismatch;
    }

    struct Endpoint {
        const char* name;
        std::string* field;
        bool required;
    };
    const Endpoint endpoints[] = {
        {"authorization_endpoint", &m.authorization_endpoint, true},
        {"token_endpoint", &m.token_endpoint, true},
        {"jwks_uri", &m.jwks_uri, true},
        {"userinfo_endpoint", &m.userinfo_endpoint, false},
        {"end_session_endpoint", &m.end_session_endpoint, false},
        {"revocation_endpoint", &m.revocation_endpoint, false},
        {"introspection_endpoint", &m.introspection_endpoint, false},
    };
    for (const auto& e : endpoints)
        if (!read_string(d, e.name, e.field, detail)) return MetadataStatus::BadJson;
    if (!read_string_array(d, "id_token_signing_alg_values_supported",
                           &m.id_token_signing_alg_values_supported, detail) ||
        !read_string_array(d, "code_challenge_methods_supported",
                           &m.code_challenge_methods_supported, detail) ||
        !read_string_array(d, "token_endpoint_auth_methods_supported",
                           &m.token_endpoint_auth_methods_supported, detail) ||
        !read_string_array(d, "scopes_supported", &m.scopes_supported, detail))
        return MetadataStatus::BadJson;
    const json_t* iss_param = json_object_get(d, "authorization_response_iss_parameter_supported");
    if (iss_param && !json_is_null(iss_param)) {
        if (!json_is_boolean(iss_param)) {
            set(detail, "authorization_response_iss_parameter_supported is not a boolean");
            return MetadataStatus::BadJson;
        }
        m.authorization_response_iss_parameter_supported = json_is_true(iss_param);
    }

    const bool https_issuer = is_https(m.issuer);
    for (const auto& e : endpoints) {
        if (e.field->empty()) {
            if (!e.required) continue;
            set(detail, std::string("discovery document has no ") + e.name);
            return MetadataStatus::MissingEndpoint;
        }
        if (!is_absolute_http_url(*e.field)) {
            set(detail, std::string(e.name) + " is not an absolute http(s) URL");
            return MetadataStatus::MissingEndpoint;
        }
        if (https_issuer && !is_https(*e.field)) {
            set(detail, std::string(e.name) + " is plain http under an https issuer");
            return MetadataStatus::MissingEndpoint;
        }
    }

    *out = std::move(m);
    set(detail, std::string());
    return MetadataStatus::Ok;
}

// ---- MetadataCache ----

MetadataCache::MetadataCache(std::string issuer, std::shared_ptr<HttpClient> http, int64_t ttl_seconds,
                             int64_t retry_after_failure_seconds)
    : issuer_(std::move(issuer)),
      http_(std::move(http)),
      ttl_(ttl_seconds),
      retry_after_failure_(retry_after_failure_seconds) {}

uint64_t MetadataCache::fetch_count() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return fetch_count_;
}

MetadataStatus MetadataCache::fetch(std::shared_ptr<const ProviderMetadata>* doc, std::string* detail) const {
    HttpRequest request;
    request.method = "GET";
    request.url = discovery_url(issuer_);
    request.headers.emplace_back("Accept", "application/json");
    HttpResponse response = http_->send(request);
    if (!response.transport_error.empty()) {
        *detail = request.url + " unreachable: " + response.transport_error;
        return MetadataStatus::Unreachable;
    }
    if (!response.ok()) {
        *detail = request.url + " answered HTTP " + std::to_string(response.status);
        return MetadataStatus::HttpError;
    }
    auto parsed = std::make_shared<ProviderMetadata>();
    MetadataStatus status = parse_provider_metadata(response.body, issuer_, parsed.get(), detail);
    if (status == MetadataStatus::Ok) *doc = std::move(parsed);
    return status;
}

std::shared_ptr<const ProviderMetadata> MetadataCache::get(int64_t now, MetadataStatus* status,
                                                           std::string* detail) {
    MetadataStatus s = MetadataStatus::Ok;
    std::string d;
    std::shared_ptr<const ProviderMetadata> result;
    {
        std::unique_lock<std::mutex> lock(mutex_);
        // A clock that stepped back a little keeps the copy fresh rather than refetching.
        auto fresh = [&] { return good_ && now - good_at_ < ttl_; };
        auto outcome = [&] {
            // What to hand out when not fetching ourselves: the good copy, else the failure.
            if (good_) {
                if (!fresh() && failed_)
                    d = "serving stale metadata; refresh failed: " + failure_detail_;
                return good_;
            }
            s = failed_ ? failure_status_ : MetadataStatus::Unreachable;
            d = failed_ ? failure_detail_ : "metadata not fetched";
            return std::shared_ptr<const ProviderMetadata>();
        };

        if (fresh()) {
            result = good_;
        } else if (fetching_) {
            // Someone else is fetching: wait for that fetch and share its outcome.
            fetched_.wait(lock, [&] { return !fetching_; });
            result = outcome();
        } else if (failed_ && now - failed_at_ < retry_after_failure_) {
            result = outcome();  // fail fast: a fetch failed moments ago
        } else {
            fetching_ = true;
            ++fetch_count_;
            lock.unlock();
            std::shared_ptr<const ProviderMetadata> doc;
            std::string fetch_detail;
            MetadataStatus fetch_status = MetadataStatus::Unreachable;
            try {
                fetch_status = fetch(&doc, &fetch_detail);
            } catch (...) {  // only allocation failure can get here
                fetch_status = MetadataStatus::Unreachable;
                fetch_detail = "metadata fetch failed: out of memory";
            }
            lock.lock();
            fetching_ = false;
            if (fetch_status == MetadataStatus::Ok) {
                good_ = std::move(doc);
                good_at_ = now;
                failed_ = false;
                failure_detail_.clear();
            } else {
                failed_ = true;
                failed_at_ = now;
                failure_status_ = fetch_status;
                failure_detail_ = std::move(fetch_detail);
            }
            fetched_.notify_all();
            result = outcome();
        }
    }
    if (status) *status = s;
    if (detail) *detail = std::move(d);
    return result;
}

}  // namespace ssoauth
