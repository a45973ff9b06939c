#include "core/provider_metadata.h"

#include <array>
#include <utility>

#include "core/json.h"
#include "core/url.h"

namespace ssoauth {

namespace {

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

namespace {

// The document as a JSON object, or null with the reason in *detail.
JsonPtr parse_object(const std::string& body, std::string* detail) {
    std::string json_error;
    JsonPtr doc = json_parse(body, &json_error);
    if (!doc) {
        set(detail, "discovery document is not JSON: " + json_error);
        return nullptr;
    }
    if (!json_is_object(doc.get())) {
        set(detail, "discovery document is not a JSON object");
        return nullptr;
    }
    return doc;
}

// The issuer is compared before anything else is read (OIDC Discovery 4.3):
// a document for another issuer says nothing about this one.
bool read_issuer(const json_t* d, const std::string& expected_issuer, ProviderMetadata* m, std::string* detail) {
    const json_t* issuer = json_object_get(d, "issuer");
    if (!issuer || !json_is_string(issuer)) {
        set(detail, "discovery document has no issuer string");
        return false;
    }
    m->issuer.assign(json_string_value(issuer), json_string_length(issuer));
    if (m->issuer != expected_issuer) {
        set(detail, "issuer \"" + m->issuer + "\" is not the configured \"" + expected_issuer + "\"");
        return false;
    }
    return true;
}

struct Endpoint {
    const char* name;
    std::string* field;
    bool required;
};

std::array<Endpoint, 7> endpoints_of(ProviderMetadata* m) {
    return {{
        {"authorization_endpoint", &m->authorization_endpoint, true},
        {"token_endpoint", &m->token_endpoint, true},
        {"jwks_uri", &m->jwks_uri, true},
        {"userinfo_endpoint", &m->userinfo_endpoint, false},
        {"end_session_endpoint", &m->end_session_endpoint, false},
        {"revocation_endpoint", &m->revocation_endpoint, false},
        {"introspection_endpoint", &m->introspection_endpoint, false},
    }};
}

// Every known member after the issuer; false (BadJson) when one has the wrong JSON type.
bool read_members(const json_t* d, ProviderMetadata* m, std::string* detail) {
    for (const auto& e : endpoints_of(m))
        if (!read_string(d, e.name, e.field, detail)) return false;
    if (!read_string_array(d, "id_token_signing_alg_values_supported", &m->id_token_signing_alg_values_supported,
                           detail) ||
        !read_string_array(d, "code_challenge_methods_supported", &m->code_challenge_methods_supported, detail) ||
        !read_string_array(d, "token_endpoint_auth_methods_supported", &m->token_endpoint_auth_methods_supported,
                           detail) ||
        !read_string_array(d, "scopes_supported", &m->scopes_supported, detail))
        return false;
    const json_t* iss_param = json_object_get(d, "authorization_response_iss_parameter_supported");
    if (iss_param && !json_is_null(iss_param)) {
        if (!json_is_boolean(iss_param)) {
            set(detail, "authorization_response_iss_parameter_supported is not a boolean");
            return false;
        }
        m->authorization_response_iss_parameter_supported = json_is_true(iss_param);
    }
    return true;
}

// Required endpoints are present, and every endpoint present is a usable URL,
// https under an https issuer (no downgrade of any back-channel call).
bool check_endpoints(ProviderMetadata* m, std::string* detail) {
    const HttpUrlRules rules{/*allow_query=*/true, /*require_https=*/is_https_url(m->issuer)};
    for (const auto& e : endpoints_of(m)) {
        if (e.field->empty()) {
            if (!e.required) continue;
            set(detail, std::string("discovery document has no ") + e.name);
            return false;
        }
        std::string why;
        if (!is_http_url(*e.field, rules, &why)) {
            set(detail, std::string(e.name) + " " + why);
            return false;
        }
    }
    return true;
}

}  // namespace

MetadataStatus parse_provider_metadata(const std::string& body, const std::string& expected_issuer,
                                       ProviderMetadata* out, std::string* detail) {
    JsonPtr doc = parse_object(body, detail);
    if (!doc) return MetadataStatus::BadJson;
    ProviderMetadata m;
    if (!read_issuer(doc.get(), expected_issuer, &m, detail)) return MetadataStatus::IssuerMismatch;
    if (!read_members(doc.get(), &m, detail)) return MetadataStatus::BadJson;
    if (!check_endpoints(&m, detail)) return MetadataStatus::MissingEndpoint;
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
        if (fresh_locked(now)) {
            result = good_;
        } else if (fetching_) {
            // Someone else is fetching: wait for that fetch and share its outcome.
            fetched_.wait(lock, [&] { return !fetching_; });
            result = outcome_locked(now, &s, &d);
        } else if (failed_ && now - failed_at_ < retry_after_failure_) {
            result = outcome_locked(now, &s, &d);  // fail fast: a fetch failed moments ago
        } else {
            fetch_locked(lock, now);
            result = outcome_locked(now, &s, &d);
        }
    }
    if (status) *status = s;
    if (detail) *detail = std::move(d);
    return result;
}

// A clock that stepped back a little keeps the copy fresh rather than refetching.
bool MetadataCache::fresh_locked(int64_t now) const { return good_ && now - good_at_ < ttl_; }

// What to hand out when not fetching ourselves: the good copy, else the failure.
// *status and *detail are left alone for a fresh copy.
std::shared_ptr<const ProviderMetadata> MetadataCache::outcome_locked(int64_t now, MetadataStatus* status,
                                                                      std::string* detail) const {
    if (good_) {
        if (!fresh_locked(now) && failed_) *detail = "serving stale metadata; refresh failed: " + failure_detail_;
        return good_;
    }
    *status = failed_ ? failure_status_ : MetadataStatus::Unreachable;
    *detail = failed_ ? failure_detail_ : "metadata not fetched";
    return nullptr;
}

// The network call runs with the lock released; fetching_ makes concurrent
// callers wait on fetched_ for its result instead of fetching too.
void MetadataCache::fetch_locked(std::unique_lock<std::mutex>& lock, int64_t now) {
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
}

}  // namespace ssoauth
